//! The signed-in account under `/api/v1/me`: its profile, address book and
//! orders. The session cookie says who; another account's address does
//! not exist here.

use crate::http::api::auth::SignedIn;
use crate::http::api::problem::{created, Body, Key, Path, Problem, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::accounts::addresses;
use entities::accounts::{AccountView, AddressInput, AddressView, ProfilePatch};
use entities::ordering::OrderHistory;
use entities::Shop;
use serde::Deserialize;

/// The signed-in account.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(State(shop): State<Shop>, SignedIn(me): SignedIn) -> Result<Json<AccountView>, Problem> {
    Ok(Json(entities::accounts::profile::profile(&shop, entities::UserId::new(me.user_id)).await?))
}

/// Changes the name and marketing consent.
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "account",
    security(("session_cookie" = [])),
    request_body = ProfilePatch,
    responses(
        (status = 200, description = "Changed", body = AccountView),
        (status = 400, description = "A bad name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Body(patch): Body<ProfilePatch>,
) -> Result<Json<AccountView>, Problem> {
    Ok(Json(entities::accounts::profile::update_profile(&shop, entities::UserId::new(me.user_id), patch).await?))
}

/// Which page of the order history.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HistoryQuery {
    /// Orders older than this one (the last id of the previous page).
    pub before: Option<String>,
}

/// The account's orders, newest first, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/me/orders",
    tag = "account",
    security(("session_cookie" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderHistory),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn orders(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<OrderHistory>, Problem> {
    Ok(Json(
        entities::ordering::order_lists::customer_orders(&shop, entities::UserId::new(me.user_id), q.before.as_deref())
            .await?,
    ))
}

/// The address book, defaults first.
#[utoipa::path(
    get,
    path = "/api/v1/me/addresses",
    tag = "account",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The addresses", body = [AddressView]),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn addresses(State(shop): State<Shop>, SignedIn(me): SignedIn) -> Result<Json<Vec<AddressView>>, Problem> {
    Ok(Json(addresses::list(&shop, me.user_id).await?))
}

/// Adds an address (the first becomes the default for both uses).
#[utoipa::path(
    post,
    path = "/api/v1/me/addresses",
    tag = "account",
    security(("session_cookie" = [])),
    request_body = AddressInput,
    responses(
        (status = 201, description = "Added", body = AddressView),
        (status = 400, description = "Bad fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address book is full", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_address(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Body(input): Body<AddressInput>,
) -> Result<Response, Problem> {
    let added = addresses::add(&shop, me.user_id, &input).await?;
    Ok(created(format!("/api/v1/me/addresses/{}", added.id), added))
}

/// Changes an address (all its fields).
#[utoipa::path(
    patch,
    path = "/api/v1/me/addresses/{id}",
    tag = "account",
    security(("session_cookie" = [])),
    params(("id" = i64, Path, minimum = 1, description = "The address")),
    request_body = AddressInput,
    responses(
        (status = 200, description = "Changed", body = AddressView),
        (status = 400, description = "Bad fields", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_address(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Path(Key(id)): Path<Key>,
    Body(input): Body<AddressInput>,
) -> Result<Json<AddressView>, Problem> {
    Ok(Json(addresses::update(&shop, me.user_id, id, &input).await?))
}

/// Deletes an address.
#[utoipa::path(
    delete,
    path = "/api/v1/me/addresses/{id}",
    tag = "account",
    security(("session_cookie" = [])),
    params(("id" = i64, Path, minimum = 1, description = "The address")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such address of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_address(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Path(Key(id)): Path<Key>,
) -> Result<StatusCode, Problem> {
    addresses::delete(&shop, me.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
