//! Reviews and ratings. A signed-in customer writes one review per product
//! (1–5 stars and text), marked "verified purchase" when they bought it
//! here; it waits in the moderation queue until an admin publishes it
//! (unless the shop publishes reviews at once), and rewriting it sends it
//! back. The product's vendor may answer a published review in public.
//! Each product shows its published reviews with their average and
//! distribution.

use crate::catalog::review::{
    display_author, Moderation, MyReview, ProductReviews, RatingSummary, ReplyInput, ReviewInput, ReviewStatus,
    ReviewView, StaffReview, MAX_BODY_CHARS, MAX_TITLE_CHARS, MIN_BODY_CHARS, PAGE_SIZE, QUEUE_PAGE,
};
use crate::catalog::ProductStatus;
use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::audit;
use crate::kernel::validate::{is_unique_violation, Check};
use crate::kernel::{ProductId, UserId};
use crate::model::{order, order_line, product, review, user};
use crate::ordering::OrderStatus;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Statuses of an order whose customer has bought its products.
const BOUGHT: [OrderStatus; 5] = [
    OrderStatus::Paid,
    OrderStatus::Fulfilling,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
    OrderStatus::PartiallyRefunded,
];

fn check(input: &ReviewInput) -> ServiceResult<(String, String)> {
    let mut c = Check::default();
    if !(1..=5).contains(&input.rating) {
        c.fail("rating", "must be 1 to 5 stars");
    }
    let title = c.long_text("title", &input.title, MAX_TITLE_CHARS);
    let body = input.body.trim().to_owned();
    let chars = body.chars().count();
    if chars < MIN_BODY_CHARS {
        c.fail("body", format!("must be at least {MIN_BODY_CHARS} characters"));
    } else if chars > MAX_BODY_CHARS {
        c.fail("body", format!("must be at most {MAX_BODY_CHARS} characters"));
    }
    c.done()?;
    Ok((title, body))
}

/// Only customers write reviews (staff would be reviewing their own shop).
fn reviewer(actor: Actor) -> ServiceResult<i64> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Customer { user_id } => Ok(user_id),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Whether account `user_id` bought product `product_id` here (an order
/// that was paid for and not wholly refunded or cancelled).
async fn bought(conn: &impl ConnectionTrait, user_id: i64, product_id: i64) -> ServiceResult<bool> {
    let orders: Vec<i64> = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::UserId.eq(user_id))
        .filter(order::Column::Status.is_in(BOUGHT.map(OrderStatus::as_str)))
        .into_tuple()
        .all(conn)
        .await?;
    if orders.is_empty() {
        return Ok(false);
    }
    Ok(order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders))
        .filter(order_line::Column::ProductId.eq(product_id))
        .count(conn)
        .await?
        > 0)
}

fn view(r: &review::Model) -> ReviewView {
    ReviewView {
        id: r.id,
        product_id: r.product_id,
        author: r.author_name.clone(),
        rating: r.rating,
        title: r.title.clone(),
        body: r.body.clone(),
        verified_purchase: r.verified_purchase,
        reply: r.reply.clone(),
        created_at: r.created_at,
    }
}

fn mine_view(r: &review::Model, p: Option<&product::Model>) -> MyReview {
    MyReview {
        review: view(r),
        product_title: p.map(|p| p.title.clone()).unwrap_or_default(),
        product_slug: p.map(|p| p.slug.clone()).unwrap_or_default(),
        status: r.status,
        moderation_note: r.moderation_note.clone(),
    }
}

async fn products_of(
    conn: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> ServiceResult<HashMap<i64, product::Model>> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids.collect::<Vec<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Writes `actor`'s review of product `product_id`.
///
/// # Errors
/// `Unauthenticated` for guests, `Forbidden` for staff; `NotFound` for a
/// product not for sale; `InvalidFields` for bad stars or text; `Conflict`
/// when this customer reviewed the product already.
pub async fn create(shop: &Shop, actor: Actor, product_id: ProductId, input: &ReviewInput) -> ServiceResult<MyReview> {
    let product_id = product_id.get();
    let user_id = reviewer(actor)?;
    let (title, body) = check(input)?;
    let txn = write_txn(&shop.db).await?;
    let p = product::Entity::find_by_id(product_id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    let author = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or(ServiceError::Unauthenticated)?;
    let verified = bought(&txn, user_id, product_id).await?;
    let now = Utc::now();
    let status = if shop.accounts.auto_publish_reviews { ReviewStatus::Published } else { ReviewStatus::Pending };
    let saved = review::ActiveModel {
        product_id: Set(product_id),
        user_id: Set(user_id),
        author_name: Set(display_author(&author.display_name)),
        rating: Set(input.rating),
        title: Set(title),
        body: Set(body),
        verified_purchase: Set(verified),
        status: Set(status),
        moderation_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::Conflict("You have reviewed this product already; change your review instead.".into())
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    Ok(mine_view(&saved, Some(&p)))
}

async fn own(conn: &impl ConnectionTrait, user_id: i64, id: i64) -> ServiceResult<review::Model> {
    let r = review::Entity::find_by_id(id).one(conn).await?.ok_or(ServiceError::NotFound("review"))?;
    crate::kernel::access::own_record(user_id, r.user_id, "review")?;
    Ok(r)
}

/// Rewrites `actor`'s review `id`: it goes back to the moderation queue
/// (unless the shop publishes at once), and "verified purchase" is looked
/// at again.
///
/// # Errors
/// As [`create`]; `NotFound` for another customer's review.
pub async fn update(shop: &Shop, actor: Actor, id: i64, input: &ReviewInput) -> ServiceResult<MyReview> {
    let user_id = reviewer(actor)?;
    let (title, body) = check(input)?;
    let txn = write_txn(&shop.db).await?;
    let current = own(&txn, user_id, id).await?;
    let verified = bought(&txn, user_id, current.product_id).await?;
    let status = if shop.accounts.auto_publish_reviews { ReviewStatus::Published } else { ReviewStatus::Pending };
    let mut r = current.into_active_model();
    r.rating = Set(input.rating);
    r.title = Set(title);
    r.body = Set(body);
    r.verified_purchase = Set(verified);
    r.status = Set(status);
    r.moderation_note = Set(String::new());
    r.moderated_at = Set(None);
    // The seller's answer was to the old text.
    r.reply = Set(None);
    r.replied_at = Set(None);
    r.updated_at = Set(Utc::now());
    let saved = r.update(&txn).await?;
    let products = products_of(&txn, std::iter::once(saved.product_id)).await?;
    txn.commit().await?;
    Ok(mine_view(&saved, products.get(&saved.product_id)))
}

/// Writes `actor`'s review of a product, or rewrites it when they have one
/// (the product page's form).
///
/// # Errors
/// As [`create`] and [`update`].
pub async fn save(shop: &Shop, actor: Actor, product_id: ProductId, input: &ReviewInput) -> ServiceResult<MyReview> {
    let product_id = product_id.get();
    let user_id = reviewer(actor)?;
    let existing = review::Entity::find()
        .filter(review::Column::UserId.eq(user_id))
        .filter(review::Column::ProductId.eq(product_id))
        .one(&shop.db)
        .await?;
    match existing {
        Some(r) => update(shop, actor, r.id, input).await,
        None => create(shop, actor, crate::kernel::ProductId::new(product_id), input).await,
    }
}

/// Deletes `actor`'s review `id`.
///
/// # Errors
/// `NotFound` for another customer's review.
pub async fn delete(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<()> {
    let user_id = reviewer(actor)?;
    let txn = write_txn(&shop.db).await?;
    own(&txn, user_id, id).await?;
    review::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The ratings of product `product_id`'s published reviews.
///
/// # Errors
/// When the database fails.
pub async fn summary(conn: &impl ConnectionTrait, product_id: ProductId) -> ServiceResult<RatingSummary> {
    let product_id = product_id.get();
    let counts: Vec<(i16, i64)> = review::Entity::find()
        .select_only()
        .column(review::Column::Rating)
        .column_as(review::Column::Id.count(), "n")
        .filter(review::Column::ProductId.eq(product_id))
        .filter(review::Column::Status.eq(ReviewStatus::Published))
        .group_by(review::Column::Rating)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(RatingSummary::from_counts(counts.into_iter().map(|(stars, n)| (stars, u64::try_from(n).unwrap_or(0)))))
}

/// Product `product_id`'s published reviews, page `page` (from 1), newest
/// first, with the summary.
///
/// # Errors
/// `NotFound` for a product not for sale.
pub async fn for_product(shop: &Shop, product_id: ProductId, page: u64) -> ServiceResult<ProductReviews> {
    let product_id = product_id.get();
    product::Entity::find_by_id(product_id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    let summary = summary(&shop.db, crate::kernel::ProductId::new(product_id)).await?;
    let pages = summary.count.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let reviews = review::Entity::find()
        .filter(review::Column::ProductId.eq(product_id))
        .filter(review::Column::Status.eq(ReviewStatus::Published))
        .order_by_desc(review::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(&shop.db)
        .await?;
    Ok(ProductReviews { summary, reviews: reviews.iter().map(view).collect(), page, pages })
}

/// `actor`'s own reviews, newest first, with their moderation state.
///
/// # Errors
/// `Unauthenticated` for guests, `Forbidden` for staff.
pub async fn mine(shop: &Shop, actor: Actor) -> ServiceResult<Vec<MyReview>> {
    let user_id = reviewer(actor)?;
    let rows = review::Entity::find()
        .filter(review::Column::UserId.eq(user_id))
        .order_by_desc(review::Column::Id)
        .all(&shop.db)
        .await?;
    let products = products_of(&shop.db, rows.iter().map(|r| r.product_id)).await?;
    Ok(rows.iter().map(|r| mine_view(r, products.get(&r.product_id))).collect())
}

/// `actor`'s review of product `product_id`, if they wrote one.
///
/// # Errors
/// When the database fails.
pub async fn mine_for_product(shop: &Shop, actor: Actor, product_id: ProductId) -> ServiceResult<Option<MyReview>> {
    let product_id = product_id.get();
    let Some(user_id) = actor.customer() else { return Ok(None) };
    let found = review::Entity::find()
        .filter(review::Column::UserId.eq(user_id))
        .filter(review::Column::ProductId.eq(product_id))
        .one(&shop.db)
        .await?;
    let Some(r) = found else { return Ok(None) };
    let products = products_of(&shop.db, std::iter::once(product_id)).await?;
    Ok(Some(mine_view(&r, products.get(&product_id))))
}

/// A page of reviews for staff, newest first, older than review `before`:
/// admins see every review in `status`; vendor staff see their own
/// products' reviews only.
///
/// # Errors
/// `Unauthenticated`, `Forbidden` for customers and support.
pub async fn staff_list(
    shop: &Shop,
    actor: Actor,
    status: Option<ReviewStatus>,
    before: Option<i64>,
) -> ServiceResult<Vec<StaffReview>> {
    let mut query = review::Entity::find().order_by_desc(review::Column::Id).limit(QUEUE_PAGE);
    match actor {
        Actor::Admin { .. } => {}
        Actor::VendorStaff { vendor_id, .. } => {
            let theirs: Vec<i64> = product::Entity::find()
                .select_only()
                .column(product::Column::Id)
                .filter(product::Column::VendorId.eq(vendor_id))
                .into_tuple()
                .all(&shop.db)
                .await?;
            query = query.filter(review::Column::ProductId.is_in(theirs));
        }
        other => {
            authorize(other, Action::ModerateReviews)?;
        }
    }
    if let Some(status) = status {
        query = query.filter(review::Column::Status.eq(status));
    }
    if let Some(before) = before {
        query = query.filter(review::Column::Id.lt(before));
    }
    let rows = query.all(&shop.db).await?;
    let products = products_of(&shop.db, rows.iter().map(|r| r.product_id)).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let p = products.get(&r.product_id);
            StaffReview { review: mine_view(r, p), vendor_id: p.map_or(0, |p| p.vendor_id) }
        })
        .collect())
}

/// An admin publishes or rejects review `id` (or puts it back in the
/// queue); the decision is logged.
///
/// # Errors
/// `Forbidden` for anyone but admins; `NotFound`; `InvalidFields` for a
/// note over 500 characters.
pub async fn moderate(shop: &Shop, actor: Actor, id: i64, decision: &Moderation) -> ServiceResult<StaffReview> {
    authorize(actor, Action::ModerateReviews)?;
    let mut c = Check::default();
    let note = c.long_text("note", &decision.note, 500);
    c.done()?;
    let txn = write_txn(&shop.db).await?;
    let current = review::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("review"))?;
    let mut r = current.into_active_model();
    r.status = Set(decision.status);
    r.moderation_note = Set(note.clone());
    r.moderated_at = Set((decision.status != ReviewStatus::Pending).then(Utc::now));
    let saved = r.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "review.moderate",
        &format!("review:{id}"),
        &format!("{} {note}", decision.status.as_str()),
    )
    .await?;
    let products = products_of(&txn, std::iter::once(saved.product_id)).await?;
    txn.commit().await?;
    let p = products.get(&saved.product_id);
    Ok(StaffReview { review: mine_view(&saved, p), vendor_id: p.map_or(0, |p| p.vendor_id) })
}

/// The product's vendor (or an admin) answers published review `id` in
/// public; an empty reply takes the answer back.
///
/// # Errors
/// `NotFound` for a review of another vendor's product; `Conflict` for a
/// review not published; `InvalidFields` for a reply over 4000 characters.
pub async fn reply(shop: &Shop, actor: Actor, id: i64, input: &ReplyInput) -> ServiceResult<StaffReview> {
    match actor {
        Actor::Anonymous => return Err(ServiceError::Unauthenticated),
        Actor::Customer { .. } | Actor::Support { .. } => return Err(ServiceError::Forbidden),
        Actor::Admin { .. } | Actor::VendorStaff { .. } => {}
    }
    let mut c = Check::default();
    let text = c.long_text("reply", &input.reply, MAX_BODY_CHARS);
    c.done()?;
    let txn = write_txn(&shop.db).await?;
    let current = review::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("review"))?;
    let p = product::Entity::find_by_id(current.product_id).one(&txn).await?.ok_or(ServiceError::NotFound("review"))?;
    authorize(actor, Action::ReplyToReview { vendor_id: p.vendor_id })?;
    if current.status != ReviewStatus::Published {
        return Err(ServiceError::Conflict("Only a published review can be answered.".into()));
    }
    let mut r = current.into_active_model();
    let empty = text.is_empty();
    r.reply = Set((!empty).then_some(text));
    r.replied_at = Set((!empty).then(Utc::now));
    let saved = r.update(&txn).await?;
    txn.commit().await?;
    Ok(StaffReview { review: mine_view(&saved, Some(&p)), vendor_id: p.vendor_id })
}

/// Deletes every review of account `user_id` (its erasure).
///
/// # Errors
/// When the database fails.
pub async fn erase_author(conn: &impl ConnectionTrait, user_id: UserId) -> ServiceResult<u64> {
    let user_id = user_id.get();
    Ok(review::Entity::delete_many().filter(review::Column::UserId.eq(user_id)).exec(conn).await?.rows_affected)
}
