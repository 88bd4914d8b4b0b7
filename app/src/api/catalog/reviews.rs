//! Reviews: a product's reviews and its rating summary, the signed-in
//! customer's own (write, change, delete), and for staff the moderation
//! queue and vendors' replies. Who may do what is decided by
//! `entities::kernel::access`.

use crate::error::AppError;
use entities::catalog::review::{MyReview, ProductReviews, StaffReview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the product page's review form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer {
    /// Whether someone is signed in.
    pub signed_in: bool,
    /// Whether they may review (customers; staff do not).
    pub may_review: bool,
    /// Their review of this product, if they wrote one.
    pub mine: Option<MyReview>,
}

/// A product's published reviews (page `page`, from 1) with the summary.
#[server(prefix = "/_sf", endpoint = "reviews/product")]
pub async fn get_product_reviews(product_id: i64, page: u64) -> Result<ProductReviews, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::reviews::for_product(&shop, entities::ProductId::new(product_id), page)
        .await
        .map_err(AppError::from)
}

/// Who is looking at the product's review form, and their review.
#[server(prefix = "/_sf", endpoint = "reviews/reviewer")]
pub async fn get_reviewer(product_id: i64) -> Result<Reviewer, AppError> {
    let shop = crate::session::shop()?;
    let Some(me) = crate::session::user(&shop, &crate::session::parts().await?).await else {
        return Ok(Reviewer { signed_in: false, may_review: false, mine: None });
    };
    let mine = entities::catalog::reviews::mine_for_product(&shop, me.actor, entities::ProductId::new(product_id))
        .await
        .map_err(AppError::from)?;
    Ok(Reviewer { signed_in: true, may_review: me.actor.customer().is_some(), mine })
}

/// Writes the signed-in customer's review of a product, or rewrites it.
#[server(prefix = "/_sf", endpoint = "reviews/save")]
pub async fn save_review(
    product_id: i64,
    rating: Option<i16>,
    title: String,
    body: String,
) -> Result<MyReview, AppError> {
    let (shop, me) = crate::session::me().await?;
    let input = entities::catalog::review::ReviewInput { rating: rating.unwrap_or(0), title, body };
    entities::catalog::reviews::save(&shop, me.actor, entities::ProductId::new(product_id), &input)
        .await
        .map_err(AppError::from)
}

/// The signed-in customer's reviews.
#[server(prefix = "/_sf", endpoint = "reviews/mine")]
pub async fn my_reviews() -> Result<Vec<MyReview>, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::catalog::reviews::mine(&shop, me.actor).await.map_err(AppError::from)
}

/// Deletes one of the signed-in customer's reviews.
#[server(prefix = "/_sf", endpoint = "reviews/delete")]
pub async fn delete_review(id: i64) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::catalog::reviews::delete(&shop, me.actor, id).await.map_err(AppError::from)
}

/// Reviews for staff (`status`: `pending`, `published`, `rejected` or
/// empty for all), older than `before`.
#[server(prefix = "/_sf", endpoint = "admin/reviews")]
pub async fn admin_reviews(status: String, before: Option<i64>) -> Result<Vec<StaffReview>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let status = match status.as_str() {
        "" => None,
        text => Some(
            entities::catalog::review::ReviewStatus::parse(text)
                .ok_or_else(|| AppError::from(entities::ServiceError::Invalid("Unknown status.".into())))?,
        ),
    };
    entities::catalog::reviews::staff_list(&shop, actor, status, before).await.map_err(AppError::from)
}

/// An admin publishes (`published`) or rejects (`rejected`) a review.
#[server(prefix = "/_sf", endpoint = "admin/reviews/moderate")]
pub async fn moderate_review(id: i64, status: String, note: String) -> Result<StaffReview, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let status = entities::catalog::review::ReviewStatus::parse(&status)
        .ok_or_else(|| AppError::from(entities::ServiceError::Invalid("Unknown decision.".into())))?;
    let decision = entities::catalog::review::Moderation { status, note };
    entities::catalog::reviews::moderate(&shop, actor, id, &decision).await.map_err(AppError::from)
}

/// The product's vendor (or an admin) answers a published review.
#[server(prefix = "/_sf", endpoint = "admin/reviews/reply")]
pub async fn reply_to_review(id: i64, reply: String) -> Result<StaffReview, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::reviews::reply(&shop, actor, id, &entities::catalog::review::ReplyInput { reply })
        .await
        .map_err(AppError::from)
}
