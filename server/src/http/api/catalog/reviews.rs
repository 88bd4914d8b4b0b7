//! Reviews: a product's published reviews with its rating summary (anyone),
//! writing and changing one's own (signed-in customers), the moderation
//! queue (admins) and the vendor's public reply.

use crate::http::api::auth::{Caller, SignedIn};
use crate::http::api::problem::{created, Body, Key, Path, Problem, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::catalog::review::{
    Moderation, MyReview, ProductReviews, ReplyInput, ReviewInput, ReviewStatus, StaffReview,
};
use entities::catalog::reviews;
use entities::Shop;
use serde::Deserialize;

/// Which page of a product's reviews.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From 1 (10 reviews a page); past the last page, the last page.
    #[param(minimum = 1)]
    pub page: Option<u64>,
}

/// A product's published reviews, newest first, with the average rating
/// and how many gave each number of stars.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}/reviews",
    tag = "reviews",
    params(("id" = i64, Path, minimum = 1, description = "The product"), PageQuery),
    responses(
        (status = 200, description = "The reviews and their summary", body = ProductReviews),
        (status = 404, description = "No such product for sale", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn for_product(
    State(shop): State<Shop>,
    Path(Key(id)): Path<Key>,
    Query(q): Query<PageQuery>,
) -> Result<Json<ProductReviews>, Problem> {
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(Problem::invalid_field("page", "must be a whole number from 1"));
    }
    Ok(Json(reviews::for_product(&shop, entities::ProductId::new(id), page).await?))
}

/// Writes the signed-in customer's review of a product (one per customer
/// per product). It is shown once a moderator publishes it.
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/reviews",
    tag = "reviews",
    security(("session_cookie" = [])),
    params(("id" = i64, Path, minimum = 1, description = "The product")),
    request_body = ReviewInput,
    responses(
        (status = 201, description = "Written (awaiting moderation)", body = MyReview),
        (status = 400, description = "Bad stars or text", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff accounts do not review", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product for sale", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This customer reviewed the product already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Path(Key(id)): Path<Key>,
    Body(input): Body<ReviewInput>,
) -> Result<Response, Problem> {
    let written = reviews::create(&shop, me.actor, entities::ProductId::new(id), &input).await?;
    Ok(created(format!("/api/v1/me/reviews/{}", written.review.id), written))
}

/// The signed-in customer's reviews, with where each is in moderation.
#[utoipa::path(
    get,
    path = "/api/v1/me/reviews",
    tag = "reviews",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The reviews", body = [MyReview]),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mine(State(shop): State<Shop>, SignedIn(me): SignedIn) -> Result<Json<Vec<MyReview>>, Problem> {
    Ok(Json(reviews::mine(&shop, me.actor).await?))
}

/// Rewrites one's review; it goes back to moderation.
#[utoipa::path(
    put,
    path = "/api/v1/me/reviews/{id}",
    tag = "reviews",
    security(("session_cookie" = [])),
    params(("id" = i64, Path, minimum = 1, description = "The review")),
    request_body = ReviewInput,
    responses(
        (status = 200, description = "Changed", body = MyReview),
        (status = 400, description = "Bad stars or text", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such review of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Path(Key(id)): Path<Key>,
    Body(input): Body<ReviewInput>,
) -> Result<Json<MyReview>, Problem> {
    Ok(Json(reviews::update(&shop, me.actor, id, &input).await?))
}

/// Deletes one's review.
#[utoipa::path(
    delete,
    path = "/api/v1/me/reviews/{id}",
    tag = "reviews",
    security(("session_cookie" = [])),
    params(("id" = i64, Path, minimum = 1, description = "The review")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such review of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    SignedIn(me): SignedIn,
    Path(Key(id)): Path<Key>,
) -> Result<StatusCode, Problem> {
    reviews::delete(&shop, me.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which reviews staff see.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// `pending` (the queue), `published` or `rejected`; any when absent.
    #[param(schema_with = crate::http::api::openapi::review_statuses)]
    pub status: Option<String>,
    /// Reviews older than this id (the last id of the previous page).
    pub before: Option<i64>,
}

/// Reviews for staff, newest first, 50 a page: admins see all (the
/// moderation queue is `status=pending`); vendor staff see their products'.
#[utoipa::path(
    get,
    path = "/api/v1/reviews",
    tag = "reviews",
    params(QueueQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "A page of reviews", body = [StaffReview]),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff who may see reviews", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn staff_list(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Vec<StaffReview>>, Problem> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            ReviewStatus::parse(text)
                .ok_or_else(|| Problem::invalid_field("status", "must be pending, published or rejected"))?,
        ),
    };
    Ok(Json(reviews::staff_list(&shop, actor, status, q.before).await?))
}

/// An admin publishes or rejects a review (logged).
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/moderation",
    tag = "reviews",
    params(("id" = i64, Path, minimum = 1, description = "The review")),
    request_body = Moderation,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Decided", body = StaffReview),
        (status = 403, description = "Only admins moderate", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such review", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn moderate(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
    Body(decision): Body<Moderation>,
) -> Result<Json<StaffReview>, Problem> {
    Ok(Json(reviews::moderate(&shop, actor, id, &decision).await?))
}

/// The product's vendor (or an admin) answers a published review in
/// public; an empty reply takes it back.
#[utoipa::path(
    put,
    path = "/api/v1/reviews/{id}/reply",
    tag = "reviews",
    params(("id" = i64, Path, minimum = 1, description = "The review")),
    request_body = ReplyInput,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Answered", body = StaffReview),
        (status = 404, description = "No such review of this vendor's products", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The review is not published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reply(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
    Body(input): Body<ReplyInput>,
) -> Result<Json<StaffReview>, Problem> {
    Ok(Json(reviews::reply(&shop, actor, id, &input).await?))
}
