//! What payment providers tell the shop: their signed webhooks (stored,
//! then applied once), and the admins' list of received events with replay.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{Key, Path, Problem, Query, RawBody};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::payments::inbox::Receipt;
use entities::payments::EventRecord;
use entities::ServiceError;
use entities::Shop;
use serde::Deserialize;

/// The built-in test provider's webhook (`/api/v1/webhooks/payments`).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/payments",
    tag = "payments",
    request_body(content = String, content_type = "application/json", description = "The test provider's event, as it signed it"),
    responses(
        (status = 200, description = "Stored (and applied, or queued for retry)", body = Receipt),
        (status = 400, description = "Bad signature or body; nothing stored", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn webhook(
    State(shop): State<Shop>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, Problem> {
    receive(&shop, "test", &headers, &body).await
}

/// A payment provider's webhook: `/api/v1/webhooks/payments/stripe` for
/// Stripe. The event is verified by its signature, stored before it is
/// processed, and applied once however often it is delivered; the answer is
/// 200 as soon as it is stored. Genuine events of kinds the shop does not
/// use are answered 200 and not stored.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/payments/{provider}",
    tag = "payments",
    params(("provider" = String, Path, description = "`stripe` or `test`")),
    request_body(content = String, content_type = "application/json", description = "The provider's event, as it signed it"),
    responses(
        (status = 200, description = "Stored (and applied, or queued for retry)", body = Receipt),
        (status = 400, description = "Bad signature or body; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The shop does not use this provider", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn provider_webhook(
    State(shop): State<Shop>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, Problem> {
    receive(&shop, &provider, &headers, &body).await
}

async fn receive(shop: &Shop, provider: &str, headers: &HeaderMap, body: &[u8]) -> Result<Response, Problem> {
    if shop.payments.get(provider).is_none() {
        return Err(Problem::not_found("payment provider"));
    }
    let headers: entities::ports::EventHeaders = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let receipt = match entities::payments::inbox::store(shop, provider, &headers, body).await {
        Ok(receipt) => receipt,
        Err(ServiceError::Ignored(kind)) => {
            return Ok(Json(serde_json::json!({ "ignored": kind })).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    // Stored: from here a crash loses nothing (the retry worker applies it).
    crate::crash::point("after-storing-payment-event");
    if !receipt.duplicate {
        entities::payments::inbox::apply_stored(shop, receipt.id).await;
    }
    Ok(Json(receipt).into_response())
}

/// How many events to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// The latest payment events received, newest first (admins).
#[utoipa::path(
    get,
    path = "/api/v1/payments/events",
    tag = "payments",
    params(EventsQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The events with what applying them did", body = Vec<EventRecord>),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Query(q): Query<EventsQuery>,
) -> Result<Json<Vec<EventRecord>>, Problem> {
    Ok(Json(entities::payments::inbox::list_events(&shop, actor, q.limit.unwrap_or(50)).await?))
}

/// Applies a received event again (admins): safe, as applying is idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/payments/events/{id}/replay",
    tag = "payments",
    params(("id" = i64, Path, minimum = 1, description = "The stored event's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Applied again", body = EventRecord),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replay(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Json<EventRecord>, Problem> {
    Ok(Json(entities::payments::inbox::replay(&shop, actor, id).await?))
}
