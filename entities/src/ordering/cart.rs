//! The shopping cart: adding items and reading the badge count.

use crate::catalog::ProductStatus;
use crate::events::outbox;
use crate::events::{CartItemAdded, DomainEvent};
use crate::kernel::{UserId, VariantId};
use crate::model::{cart, cart_item, product, variant};
use crate::ordering::CartSummary;
use crate::ordering::{CartLineView, CartView};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::QueryOrder;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Most units of one variant a cart may hold.
pub const MAX_QUANTITY_PER_LINE: i32 = 99;

/// Adds `quantity` units of a variant to the cart `cart_id`, creating the
/// cart when it does not exist yet. The quantity is checked against stock
/// (unless the variant allows backorders); nothing is reserved until checkout.
/// Records `cart.item_added` in the outbox in the same transaction.
///
/// Safe under concurrent adds: the first statement is a write (so SQLite takes
/// its write lock before reading), the cart and its line are upserts, and the
/// line's quantity is incremented in the database, then checked.
///
/// # Errors
/// `Invalid` for a quantity outside 1–99, `NotFound` for an unknown variant or
/// one whose product is not for sale, `Conflict` when there is not enough stock.
#[tracing::instrument(skip(shop, cart_id))]
pub async fn add_item(shop: &Shop, cart_id: Uuid, variant_id: VariantId, quantity: i32) -> ServiceResult<CartSummary> {
    let variant_id = variant_id.get();
    if !(1..=MAX_QUANTITY_PER_LINE).contains(&quantity) {
        return Err(ServiceError::Invalid(format!("Quantity must be between 1 and {MAX_QUANTITY_PER_LINE}.")));
    }
    let txn = crate::write_txn(&shop.db).await?;
    let now = Utc::now();
    cart::Entity::insert(cart::ActiveModel {
        id: Set(cart_id),
        user_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(cart::Column::Id).update_column(cart::Column::UpdatedAt).to_owned())
    .exec_without_returning(&txn)
    .await?;
    let variant = variant::Entity::find_by_id(variant_id).one(&txn).await?.ok_or(ServiceError::NotFound("variant"))?;
    let for_sale = product::Entity::find_by_id(variant.product_id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(&txn)
        .await?
        .is_some();
    if !for_sale {
        return Err(ServiceError::NotFound("variant"));
    }
    cart_item::Entity::insert(cart_item::ActiveModel {
        cart_id: Set(cart_id),
        variant_id: Set(variant_id),
        quantity: Set(quantity),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([cart_item::Column::CartId, cart_item::Column::VariantId])
            .value(
                cart_item::Column::Quantity,
                Expr::col((cart_item::Entity, cart_item::Column::Quantity)).add(quantity),
            )
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let wanted: i32 = cart_item::Entity::find()
        .select_only()
        .column(cart_item::Column::Quantity)
        .filter(cart_item::Column::CartId.eq(cart_id))
        .filter(cart_item::Column::VariantId.eq(variant_id))
        .into_tuple()
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::Corrupt("cart line vanished inside its transaction".into()))?;
    if wanted > MAX_QUANTITY_PER_LINE {
        return Err(ServiceError::Invalid(format!("A cart can hold at most {MAX_QUANTITY_PER_LINE} of one item.")));
    }
    if !variant.allow_backorder && wanted > variant.stock {
        return Err(short_of_stock(variant.stock));
    }
    // The cart id is the shopper's bearer token: it stays out of events and logs.
    let added = CartItemAdded { variant_id: VariantId::new(variant_id), quantity };
    outbox::record(&txn, DomainEvent::CartItemAdded(added)).await?;
    let summary = summary_in(&txn, cart_id).await?;
    txn.commit().await?;
    Ok(summary)
}

/// What a shopper is told when they ask for more than `available`.
fn short_of_stock(available: i32) -> ServiceError {
    ServiceError::Conflict(match available {
        n if n <= 0 => "Sorry, this item is sold out.".to_owned(),
        n => format!("Only {n} left in stock."),
    })
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

/// The cart `cart_id` with each line priced from the catalog as it is now;
/// lines whose product left the shop are dropped from the view (and from
/// the order). An unknown cart is empty.
///
/// # Errors
/// When the database fails.
pub async fn view(shop: &Shop, cart_id: Uuid) -> ServiceResult<CartView> {
    view_in(&shop.db, cart_id).await
}

async fn view_in<C: ConnectionTrait>(db: &C, cart_id: Uuid) -> ServiceResult<CartView> {
    let items = cart_item::Entity::find()
        .filter(cart_item::Column::CartId.eq(cart_id))
        .order_by_asc(cart_item::Column::Id)
        .all(db)
        .await?;
    let variants: HashMap<i64, variant::Model> = variant::Entity::find()
        .filter(variant::Column::Id.is_in(items.iter().map(|i| i.variant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(variants.values().map(|v| v.product_id)))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut view = CartView::default();
    for item in items {
        let Some(v) = variants.get(&item.variant_id) else { continue };
        let Some(p) = products.get(&v.product_id) else { continue };
        let line_total = v.price_minor * i64::from(item.quantity);
        if view.currency.is_empty() {
            view.currency = v.currency.clone();
        } else if view.currency != v.currency {
            view.mixed_currencies = true;
        }
        view.item_count += u32::try_from(item.quantity).unwrap_or(0);
        view.subtotal_minor += line_total;
        view.lines.push(CartLineView {
            variant_id: v.id,
            slug: p.slug.clone(),
            title: p.title.clone(),
            options: crate::kernel::json::pairs(&v.options).into_iter().collect::<BTreeMap<_, _>>(),
            sku: v.sku.clone(),
            image: crate::catalog::variant_image_url(p.id, v.id),
            unit_price_minor: v.price_minor,
            currency: v.currency.clone(),
            quantity: item.quantity,
            line_total_minor: line_total,
            available: v.stock,
            allow_backorder: v.allow_backorder,
        });
    }
    Ok(view)
}

/// Sets how many units of a variant the cart holds (0 takes the line out),
/// checked against stock like [`add_item`].
///
/// # Errors
/// `Invalid` for a quantity outside 0–99; `NotFound` for a variant not in
/// the cart; `Conflict` when there is not enough stock.
#[tracing::instrument(skip(shop, cart_id))]
pub async fn set_quantity(shop: &Shop, cart_id: Uuid, variant_id: VariantId, quantity: i32) -> ServiceResult<CartView> {
    let variant_id = variant_id.get();
    if !(0..=MAX_QUANTITY_PER_LINE).contains(&quantity) {
        return Err(ServiceError::Invalid(format!("Quantity must be between 0 and {MAX_QUANTITY_PER_LINE}.")));
    }
    let txn = crate::write_txn(&shop.db).await?;
    let line = cart_item::Entity::find()
        .filter(cart_item::Column::CartId.eq(cart_id))
        .filter(cart_item::Column::VariantId.eq(variant_id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("cart line"))?;
    if quantity == 0 {
        cart_item::Entity::delete_by_id(line.id).exec(&txn).await?;
    } else {
        let v = variant::Entity::find_by_id(variant_id).one(&txn).await?.ok_or(ServiceError::NotFound("variant"))?;
        if !v.allow_backorder && quantity > v.stock {
            return Err(short_of_stock(v.stock));
        }
        cart_item::Entity::update_many()
            .col_expr(cart_item::Column::Quantity, Expr::value(quantity))
            .filter(cart_item::Column::Id.eq(line.id))
            .exec(&txn)
            .await?;
    }
    let view = view_in(&txn, cart_id).await?;
    txn.commit().await?;
    Ok(view)
}

/// The cart that follows a shopper into account `user_id` at sign-in, and
/// that the cart cookie should hold from now on. A guest cart (`guest`, from
/// the cookie) becomes the account's; a cart the account kept from an
/// earlier visit is merged into it (quantities added, at most
/// [`MAX_QUANTITY_PER_LINE`] a line) and removed. Without a guest cart the
/// account's own cart comes back. A cart of another account is never taken.
///
/// # Errors
/// When the database fails.
pub async fn adopt(shop: &Shop, user_id: UserId, guest: Option<Uuid>) -> ServiceResult<Option<Uuid>> {
    let user_id = user_id.get();
    let txn = crate::write_txn(&shop.db).await?;
    let guest = match guest {
        Some(id) => cart::Entity::find_by_id(id).one(&txn).await?.filter(|c| c.user_id.is_none_or(|u| u == user_id)),
        None => None,
    };
    let kept = cart::Entity::find()
        .filter(cart::Column::UserId.eq(user_id))
        .filter(cart::Column::Id.ne(guest.as_ref().map_or(Uuid::nil(), |g| g.id)))
        .order_by_desc(cart::Column::UpdatedAt)
        .all(&txn)
        .await?;
    let Some(guest) = guest else {
        let found = kept.first().map(|c| c.id);
        txn.commit().await?;
        return Ok(found);
    };
    let now = Utc::now();
    for old in kept {
        let items = cart_item::Entity::find()
            .filter(cart_item::Column::CartId.eq(old.id))
            .order_by_asc(cart_item::Column::Id)
            .all(&txn)
            .await?;
        for item in items {
            let here = cart_item::Entity::find()
                .filter(cart_item::Column::CartId.eq(guest.id))
                .filter(cart_item::Column::VariantId.eq(item.variant_id))
                .one(&txn)
                .await?;
            match here {
                Some(line) => {
                    let quantity = Ord::min(line.quantity + item.quantity, MAX_QUANTITY_PER_LINE);
                    cart_item::Entity::update_many()
                        .col_expr(cart_item::Column::Quantity, Expr::value(quantity))
                        .filter(cart_item::Column::CartId.eq(guest.id))
                        .filter(cart_item::Column::VariantId.eq(item.variant_id))
                        .exec(&txn)
                        .await?;
                }
                None => {
                    cart_item::Entity::insert(cart_item::ActiveModel {
                        cart_id: Set(guest.id),
                        variant_id: Set(item.variant_id),
                        quantity: Set(Ord::min(item.quantity, MAX_QUANTITY_PER_LINE)),
                        ..Default::default()
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
            }
        }
        cart_item::Entity::delete_many().filter(cart_item::Column::CartId.eq(old.id)).exec(&txn).await?;
        // Orders keep their cart id; such a cart stays, detached.
        cart::Entity::update_many()
            .col_expr(cart::Column::UserId, Expr::value(Option::<i64>::None))
            .filter(cart::Column::Id.eq(old.id))
            .exec(&txn)
            .await?;
    }
    cart::Entity::update_many()
        .col_expr(cart::Column::UserId, Expr::value(user_id))
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(guest.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(guest.id))
}
