//! Merchants' outgoing webhooks under `/api/v1/webhooks/subscriptions`
//! (admins): register a URL for topics, list, remove, and read the log of
//! deliveries.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Key, Path, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::events::webhooks::{self, DeliveryRecord, NewSubscription, Subscription};
use entities::Shop;

/// Registers a URL for events. Each delivery is a POST of
/// `{id, topic, created_at, data}` signed with the returned secret
/// (`Bazaar-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`),
/// with `Bazaar-Event-Id`; a subscriber gets its events in order, each
/// retried with growing delays until it answers 2xx.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/subscriptions",
    tag = "webhooks",
    request_body = NewSubscription,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Registered; the secret is shown only now", body = Subscription),
        (status = 400, description = "Not an http(s) URL, or bad topics", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn subscribe(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(new): Body<NewSubscription>,
) -> Result<Response, Problem> {
    let made = webhooks::subscribe(&shop, actor, new).await?;
    Ok(created(format!("/api/v1/webhooks/subscriptions/{}", made.id), made))
}

/// The registered URLs.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/subscriptions",
    tag = "webhooks",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every active subscription (without secrets)", body = Vec<Subscription>),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Json<Vec<Subscription>>, Problem> {
    Ok(Json(webhooks::subscriptions(&shop, actor).await?))
}

/// Removes a subscription and its pending deliveries.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/subscriptions/{id}",
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Subscription id")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<StatusCode, Problem> {
    webhooks::unsubscribe(&shop, actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A subscription's latest deliveries with how each went.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/subscriptions/{id}/deliveries",
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Subscription id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Newest first, up to 200", body = Vec<DeliveryRecord>),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deliveries(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Json<Vec<DeliveryRecord>>, Problem> {
    Ok(Json(webhooks::deliveries(&shop, actor, id).await?))
}
