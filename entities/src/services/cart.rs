//! The shopping cart: adding items and reading the badge count.

use super::{outbox, ServiceError, ServiceResult, Shop};
use crate::model::{cart, cart_item, variant};
use crate::views::CartSummary;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

/// Most units of one variant a cart may hold.
pub const MAX_QUANTITY_PER_LINE: i32 = 99;

/// Adds `quantity` units of a variant to the cart `cart_id`, creating the
/// cart when it does not exist yet. The quantity is checked against stock
/// (unless the variant allows backorders); nothing is reserved until checkout.
/// Records `cart.item_added` in the outbox in the same transaction.
///
/// # Errors
/// `Invalid` for a quantity outside 1–99, `NotFound` for an unknown variant,
/// `Conflict` when there is not enough stock.
#[tracing::instrument(skip(shop), fields(cart_id = %cart_id))]
pub async fn add_item(shop: &Shop, cart_id: Uuid, variant_id: i64, quantity: i32) -> ServiceResult<CartSummary> {
    if !(1..=MAX_QUANTITY_PER_LINE).contains(&quantity) {
        return Err(ServiceError::Invalid(format!("Quantity must be between 1 and {MAX_QUANTITY_PER_LINE}.")));
    }
    let txn = shop.db.begin().await?;
    let variant = variant::Entity::find_by_id(variant_id).one(&txn).await?.ok_or(ServiceError::NotFound("variant"))?;
    if cart::Entity::find_by_id(cart_id).one(&txn).await?.is_none() {
        let now = Utc::now();
        cart::ActiveModel { id: Set(cart_id), user_id: Set(None), created_at: Set(now), updated_at: Set(now) }
            .insert(&txn)
            .await?;
    }
    let existing = cart_item::Entity::find()
        .filter(cart_item::Column::CartId.eq(cart_id))
        .filter(cart_item::Column::VariantId.eq(variant_id))
        .one(&txn)
        .await?;
    let wanted = existing.as_ref().map_or(0, |line| line.quantity) + quantity;
    if wanted > MAX_QUANTITY_PER_LINE {
        return Err(ServiceError::Invalid(format!("A cart can hold at most {MAX_QUANTITY_PER_LINE} of one item.")));
    }
    if !variant.allow_backorder && wanted > variant.stock {
        return Err(ServiceError::Conflict(match variant.stock {
            0 => "Sorry, this item is sold out.".to_owned(),
            n => format!("Only {n} left in stock."),
        }));
    }
    match existing {
        Some(line) => {
            let mut line: cart_item::ActiveModel = line.into();
            line.quantity = Set(wanted);
            line.update(&txn).await?;
        }
        None => {
            cart_item::ActiveModel {
                cart_id: Set(cart_id),
                variant_id: Set(variant_id),
                quantity: Set(quantity),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    outbox::record(
        &txn,
        "cart.item_added",
        serde_json::json!({ "cart_id": cart_id, "variant_id": variant_id, "quantity": quantity }),
    )
    .await?;
    let summary = summary_in(&txn, cart_id).await?;
    txn.commit().await?;
    Ok(summary)
}

/// The badge count of a cart; an unknown cart is empty.
///
/// # Errors
/// When the database fails.
pub async fn summary(shop: &Shop, cart_id: Uuid) -> ServiceResult<CartSummary> {
    summary_in(&shop.db, cart_id).await
}

async fn summary_in<C: ConnectionTrait>(db: &C, cart_id: Uuid) -> ServiceResult<CartSummary> {
    let quantities: Vec<i32> = cart_item::Entity::find()
        .select_only()
        .column(cart_item::Column::Quantity)
        .filter(cart_item::Column::CartId.eq(cart_id))
        .into_tuple()
        .all(db)
        .await?;
    let total: i64 = quantities.iter().map(|q| i64::from(*q)).sum();
    Ok(CartSummary { item_count: u32::try_from(total).unwrap_or(u32::MAX) })
}
