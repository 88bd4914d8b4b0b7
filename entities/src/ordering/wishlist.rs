//! Wishlists: a shopper saves products (an account's list, or a guest's,
//! kept by the token in the guest's cookie), sees their price now against
//! the price when saved and whether they are in stock, and moves them to
//! the cart. A guest's list follows into the account at sign-in.

use crate::catalog::ProductStatus;
use crate::kernel::{ProductId, UserId, VariantId};
use crate::model::{product, variant, wishlist_item};
use crate::ordering::WishlistItemView;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// Most products one wishlist holds.
pub const MAX_ITEMS: u64 = 200;

/// Whose wishlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A signed-in account's.
    Account(i64),
    /// A guest's, by the token in the cookie.
    Guest(Uuid),
}

impl Owner {
    fn condition(self) -> Condition {
        match self {
            Self::Account(id) => Condition::all().add(wishlist_item::Column::UserId.eq(id)),
            Self::Guest(id) => Condition::all().add(wishlist_item::Column::GuestId.eq(id)),
        }
    }
}

/// Saves a product: variant `variant_id` of it, or (without one) its
/// cheapest variant. Saving it again keeps the first save (and its price).
///
/// # Errors
/// `NotFound` for a product that is not for sale or a variant not of it;
/// `Conflict` when the list is full.
pub async fn add(shop: &Shop, owner: Owner, product_id: ProductId, variant_id: Option<VariantId>) -> ServiceResult<()> {
    let product_id = product_id.get();
    let variant_id = variant_id.map(VariantId::get);
    let txn = write_txn(&shop.db).await?;
    product::Entity::find_by_id(product_id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    let mut variants = variant::Entity::find().filter(variant::Column::ProductId.eq(product_id));
    variants = match variant_id {
        Some(id) => variants.filter(variant::Column::Id.eq(id)),
        None => variants.order_by_asc(variant::Column::PriceMinor).order_by_asc(variant::Column::Id),
    };
    let chosen = variants.one(&txn).await?.ok_or(ServiceError::NotFound("variant"))?;
    let count = wishlist_item::Entity::find().filter(owner.condition()).count(&txn).await?;
    if count >= MAX_ITEMS {
        return Err(ServiceError::Conflict(format!("A wishlist holds at most {MAX_ITEMS} products.")));
    }
    let (user_id, guest_id) = match owner {
        Owner::Account(id) => (Some(id), None),
        Owner::Guest(id) => (None, Some(id)),
    };
    let conflict = match owner {
        Owner::Account(_) => [wishlist_item::Column::UserId, wishlist_item::Column::ProductId],
        Owner::Guest(_) => [wishlist_item::Column::GuestId, wishlist_item::Column::ProductId],
    };
    wishlist_item::Entity::insert(wishlist_item::ActiveModel {
        user_id: Set(user_id),
        guest_id: Set(guest_id),
        product_id: Set(product_id),
        variant_id: Set(chosen.id),
        saved_price_minor: Set(chosen.price_minor),
        currency: Set(chosen.currency),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(OnConflict::columns(conflict).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a product off the list (no error when it was not on it).
///
/// # Errors
/// When the database fails.
pub async fn remove(shop: &Shop, owner: Owner, product_id: ProductId) -> ServiceResult<()> {
    let product_id = product_id.get();
    wishlist_item::Entity::delete_many()
        .filter(owner.condition())
        .filter(wishlist_item::Column::ProductId.eq(product_id))
        .exec(&shop.db)
        .await?;
    Ok(())
}

/// The list, newest first, with prices and stock as they are now.
///
/// # Errors
/// When the database fails.
pub async fn list(shop: &Shop, owner: Owner) -> ServiceResult<Vec<WishlistItemView>> {
    let items = wishlist_item::Entity::find()
        .filter(owner.condition())
        .order_by_desc(wishlist_item::Column::Id)
        .all(&shop.db)
        .await?;
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(items.iter().map(|i| i.product_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let variants: HashMap<i64, variant::Model> = variant::Entity::find()
        .filter(variant::Column::Id.is_in(items.iter().map(|i| i.variant_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(items
        .into_iter()
        .filter_map(|item| {
            let p = products.get(&item.product_id)?;
            let v = variants.get(&item.variant_id)?;
            let for_sale = p.status == ProductStatus::Active;
            Some(WishlistItemView {
                product_id: p.id,
                slug: p.slug.clone(),
                title: p.title.clone(),
                variant_id: v.id,
                price_minor: v.price_minor,
                saved_price_minor: item.saved_price_minor,
                currency: v.currency.clone(),
                in_stock: for_sale && (v.stock > 0 || v.allow_backorder),
                for_sale,
            })
        })
        .collect())
}

/// Moves a product from the list into cart `cart_id` (one unit of the saved
/// variant); it leaves the list only once it is in the cart.
///
/// # Errors
/// `NotFound` when it is not on the list; the cart's errors (sold out…).
pub async fn move_to_cart(shop: &Shop, owner: Owner, product_id: ProductId, cart_id: Uuid) -> ServiceResult<()> {
    let product_id = product_id.get();
    let item = wishlist_item::Entity::find()
        .filter(owner.condition())
        .filter(wishlist_item::Column::ProductId.eq(product_id))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("wishlist item"))?;
    crate::ordering::cart::add_item(shop, cart_id, crate::kernel::VariantId::new(item.variant_id), 1).await?;
    remove(shop, owner, crate::kernel::ProductId::new(product_id)).await
}

/// Moves guest `guest`'s list into account `user_id` at sign-in (what the
/// account had saved already stays as it was).
///
/// # Errors
/// When the database fails.
pub async fn adopt(shop: &Shop, user_id: UserId, guest: Uuid) -> ServiceResult<()> {
    let user_id = user_id.get();
    let txn = write_txn(&shop.db).await?;
    let saved: Vec<i64> = wishlist_item::Entity::find()
        .filter(wishlist_item::Column::UserId.eq(user_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| i.product_id)
        .collect();
    wishlist_item::Entity::delete_many()
        .filter(wishlist_item::Column::GuestId.eq(guest))
        .filter(wishlist_item::Column::ProductId.is_in(saved))
        .exec(&txn)
        .await?;
    wishlist_item::Entity::update_many()
        .col_expr(wishlist_item::Column::UserId, Expr::value(user_id))
        .col_expr(wishlist_item::Column::GuestId, Expr::value(Option::<Uuid>::None))
        .filter(wishlist_item::Column::GuestId.eq(guest))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
