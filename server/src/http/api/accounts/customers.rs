//! Customers' personal data (GDPR) under `/api/v1/customers` (admins, every
//! call logged) and `/api/v1/me/data` (the signed-in customer): the export
//! as one JSON document, and erasure.

use crate::http::api::auth::{Caller, SignedIn};
use crate::http::api::problem::{Body, Key, Path, Problem, Query};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::accounts::privacy::{self, CustomerRecord, ErasureReport};
use entities::Shop;
use serde::Deserialize;

/// The export as a download named after the account.
fn download(user_id: i64, doc: serde_json::Value) -> Response {
    ([(header::CONTENT_DISPOSITION, format!("attachment; filename=\"bazaar-account-{user_id}.json\""))], Json(doc))
        .into_response()
}

/// Whose account.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FindQuery {
    /// The account's email.
    pub email: String,
}

/// Finds an account by its email.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "privacy",
    params(FindQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The account", body = CustomerRecord),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No account has this email", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn find(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Query(q): Query<FindQuery>,
) -> Result<Json<CustomerRecord>, Problem> {
    Ok(Json(privacy::find(&shop, actor, &q.email).await?))
}

/// Everything the shop holds about an account, as JSON (logged).
#[utoipa::path(
    get,
    path = "/api/v1/customers/{id}/export",
    tag = "privacy",
    params(("id" = i64, Path, minimum = 1, description = "The account")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The account's data", body = Object),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account (or erased)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Response, Problem> {
    Ok(download(id, privacy::export(&shop, actor, entities::UserId::new(id)).await?))
}

/// Erases an account: deletes what is not needed, anonymises the orders
/// the books must keep, ends its sessions (logged).
#[utoipa::path(
    post,
    path = "/api/v1/customers/{id}/erase",
    tag = "privacy",
    params(("id" = i64, Path, minimum = 1, description = "The account")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Erased", body = ErasureReport),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account (or erased already)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An order of the account is still on its way", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn erase(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Json<ErasureReport>, Problem> {
    Ok(Json(privacy::erase(&shop, actor, entities::UserId::new(id)).await?))
}

/// One line of the audit log.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditLine {
    /// Who acted.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// To what.
    pub subject: String,
    /// More about it.
    pub detail: String,
    /// When (RFC 3339).
    pub at: String,
}

/// The audit log about an account (its exports, erasure…), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/customers/{id}/audit",
    tag = "privacy",
    params(("id" = i64, Path, minimum = 1, description = "The account")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The log", body = [AuditLine]),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn audit(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<Json<Vec<AuditLine>>, Problem> {
    let lines = entities::kernel::audit::entries(&shop.db, actor, Some(&format!("user:{id}"))).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| AuditLine {
                actor: l.actor,
                action: l.action,
                subject: l.subject,
                detail: l.detail,
                at: l.created_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// The signed-in customer's own data, as a JSON download.
#[utoipa::path(
    get,
    path = "/api/v1/me/data",
    tag = "privacy",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The account's data", body = Object),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_data(State(shop): State<Shop>, SignedIn(me): SignedIn) -> Result<Response, Problem> {
    Ok(download(me.user_id, privacy::export_own(&shop, me.actor, entities::UserId::new(me.user_id)).await?))
}

/// Confirms the deletion of one's account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccount {
    /// The account's password.
    pub password: String,
}

/// Deletes the signed-in customer's account (the password confirms).
#[utoipa::path(
    post,
    path = "/api/v1/me/delete",
    tag = "privacy",
    security(("session_cookie" = [])),
    request_body = DeleteAccount,
    responses(
        (status = 200, description = "Deleted; the session is over", body = ErasureReport),
        (status = 400, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An order is still on its way", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_me(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Body(input): Body<DeleteAccount>,
) -> Result<Json<ErasureReport>, Problem> {
    Ok(Json(privacy::delete_own(&shop, entities::UserId::new(me.user_id), &input.password).await?))
}
