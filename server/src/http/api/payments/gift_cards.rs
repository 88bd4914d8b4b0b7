//! Gift cards and store credit: issued and listed by staff, their balance
//! read by whoever has the code, spent on orders (in part, with another way
//! to pay for the rest), and the signed-in customer's store credit.

use crate::http::api::auth::{Caller, SignedIn};
use crate::http::api::problem::{created, Body, Key, Path, Problem};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use entities::ordering::OrderView;
use entities::payments::gift_cards;
use entities::payments::{GiftCardBalance, GiftCardView, IssuedGiftCard, NewGiftCard, Redeem};
use entities::Shop;
use serde::Deserialize;

/// Issues a gift card (admins); with `customer_email`, store credit of that
/// account, emailed to it. The code is in the answer, and only there: the
/// shop keeps its hash.
#[utoipa::path(
    post,
    path = "/api/v1/gift-cards",
    tag = "payments",
    request_body = NewGiftCard,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Issued, with its code", body = IssuedGiftCard),
        (status = 400, description = "Bad amount, currency or expiry; no account with that email", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn issue(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(input): Body<NewGiftCard>,
) -> Result<Response, Problem> {
    let issued = gift_cards::issue(&shop, actor, input).await?;
    Ok(created(format!("/api/v1/gift-cards/{}", issued.card.id), issued))
}

/// Gift cards and store credit, newest first (staff), without their codes.
#[utoipa::path(
    get,
    path = "/api/v1/gift-cards",
    tag = "payments",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Up to 200 cards", body = [GiftCardView]),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Json<Vec<GiftCardView>>, Problem> {
    Ok(Json(gift_cards::list(&shop, actor).await?))
}

/// Stops a card from being spent (admins).
#[utoipa::path(
    post,
    path = "/api/v1/gift-cards/{id}/disable",
    tag = "payments",
    params(("id" = i64, Path, minimum = 1, description = "The card's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Disabled", body = GiftCardView),
        (status = 404, description = "No such card", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Json<GiftCardView>, Problem> {
    Ok(Json(gift_cards::disable(&shop, actor, id).await?))
}

/// A gift card's code, sent in the body so it stays out of addresses and logs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The code, as printed (case, spaces and dashes do not matter).
    pub code: String,
}

/// What a gift card holds (whoever has its code).
#[utoipa::path(
    post,
    path = "/api/v1/gift-cards/balance",
    tag = "payments",
    request_body = CodeBody,
    responses(
        (status = 200, description = "Its balance", body = GiftCardBalance),
        (status = 404, description = "No active card has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn balance(State(shop): State<Shop>, Body(body): Body<CodeBody>) -> Result<Json<GiftCardBalance>, Problem> {
    Ok(Json(gift_cards::balance(&shop, &body.code).await?))
}

/// Pays an order waiting for payment with a gift card (`code`), or with the
/// signed-in customer's store credit (no code): as much as the cards hold,
/// up to what is due (`due_minor` in the answer). The order is paid when they
/// cover it; else pay the rest another way (`POST …/payments`).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/gift-card",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = Redeem,
    responses(
        (status = 200, description = "Paid in part or in full", body = OrderView),
        (status = 400, description = "Unknown, disabled, expired, empty or other-currency card; no store credit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Store credit needs signing in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is not waiting for payment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn redeem(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(body): Body<Redeem>,
) -> Result<Json<OrderView>, Problem> {
    Ok(Json(gift_cards::redeem(&shop, actor, &id, body.code.as_deref()).await?))
}

/// The signed-in customer's store credit that can still be spent.
#[utoipa::path(
    get,
    path = "/api/v1/me/store-credit",
    tag = "account",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Store credit", body = [GiftCardView]),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_credit(State(shop): State<Shop>, SignedIn(me): SignedIn) -> Result<Json<Vec<GiftCardView>>, Problem> {
    Ok(Json(gift_cards::credit_of(&shop, entities::UserId::new(me.user_id)).await?))
}
