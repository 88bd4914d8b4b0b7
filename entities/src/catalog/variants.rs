//! Variants of a product: adding, changing (price, stock, options, weight)
//! and deleting them, each checked like a new product's.

use crate::catalog::products::admin_variant;
use crate::catalog::products::changed;
use crate::catalog::products::check_pairs;
use crate::catalog::products::check_price;
use crate::catalog::products::check_stock;
use crate::catalog::products::check_variant;
use crate::catalog::products::check_weight;
use crate::catalog::products::insert_variant;
use crate::catalog::products::refresh_price_from;
use crate::catalog::products::taken_skus;
use crate::catalog::products::MAX_VARIANTS;
use crate::catalog::{AdminVariant, NewVariant, VariantPatch};
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::{unique_violation, Check};
use crate::kernel::Sku;
use crate::kernel::{ProductId, VariantId};
use crate::model::{cart_item, product, stock_level, variant};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Adds a variant to product `product_id`, last in display order.
///
/// # Errors
/// As [`create_product`]; `InvalidFields` also when the currency differs
/// from the product's other variants or the product has the most variants.
#[tracing::instrument(skip(shop, new))]
pub async fn add_variant(
    shop: &Shop,
    actor: Actor,
    product_id: ProductId,
    new: NewVariant,
) -> ServiceResult<AdminVariant> {
    let product_id = product_id.get();
    catalog_staff(actor)?;
    let mut check = Check::default();
    let valid = check_variant(&mut check, "", &new);
    let txn = crate::write_txn(&shop.db).await?;
    let product = product::Entity::find_by_id(product_id).one(&txn).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id })?;
    let siblings = variant::Entity::find().filter(variant::Column::ProductId.eq(product_id)).all(&txn).await?;
    if siblings.len() >= MAX_VARIANTS {
        check.fail("variants", format!("a product has at most {MAX_VARIANTS} variants"));
    }
    if siblings.iter().any(|s| s.currency != valid.currency.code()) {
        check.fail("currency", "must be the currency of the product's other variants");
    }
    if !valid.sku.is_empty() && !taken_skus(&txn, std::slice::from_ref(&valid.sku), None).await?.is_empty() {
        check.fail("sku", "is already used by another variant");
    }
    check.done()?;
    let position = siblings.iter().map(|s| s.position + 1).max().unwrap_or(0);
    let row = insert_variant(&txn, product_id, position, valid).await?;
    refresh_price_from(&txn, product_id).await?;
    changed(&txn, product_id, &product.slug).await?;
    txn.commit().await?;
    Ok(admin_variant(row))
}

/// Variant `id` and its product, when `actor` may change them; another
/// vendor's variant is `NotFound`, like an unknown one.
async fn editable_variant<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    id: i64,
) -> ServiceResult<(variant::Model, product::Model)> {
    let current = variant::Entity::find_by_id(id).one(txn).await?.ok_or(ServiceError::NotFound("variant"))?;
    let product =
        product::Entity::find_by_id(current.product_id).one(txn).await?.ok_or(ServiceError::NotFound("variant"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id }).map_err(|e| match e {
        ServiceError::NotFound(_) => ServiceError::NotFound("variant"),
        other => other,
    })?;
    Ok((current, product))
}

/// Applies `patch` to variant `id`.
///
/// # Errors
/// `NotFound` for an unknown variant (or another vendor's); `InvalidFields`.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_variant(
    shop: &Shop,
    actor: Actor,
    id: VariantId,
    patch: VariantPatch,
) -> ServiceResult<AdminVariant> {
    let id = id.get();
    let mut check = Check::default();
    let txn = crate::write_txn(&shop.db).await?;
    let (current, product) = editable_variant(&txn, actor, id).await?;
    let sku = match &patch.sku {
        Some(text) => match Sku::parse(text) {
            Ok(sku) => {
                if !taken_skus(&txn, &[sku.to_string()], Some(id)).await?.is_empty() {
                    check.fail("sku", "is already used by another variant");
                }
                Some(sku.to_string())
            }
            Err(e) => {
                check.fail("sku", e.to_string());
                None
            }
        },
        None => None,
    };
    let options = patch.options.as_ref().map(|o| check_pairs(&mut check, "options", o));
    if patch.options.iter().flat_map(|o| o.keys()).any(|name| name.contains(crate::ports::OPTION_SEPARATOR)) {
        check.fail("options", format!("names must not contain {:?}", crate::ports::OPTION_SEPARATOR));
    }
    if let Some(price) = patch.price_minor {
        check_price(&mut check, "price_minor", price);
    }
    let stock = patch.stock.unwrap_or(current.stock);
    check_stock(&mut check, "stock", stock, patch.allow_backorder.unwrap_or(current.allow_backorder));
    if let Some(grams) = patch.weight_grams {
        check_weight(&mut check, "weight_grams", grams);
    }
    check.done()?;
    let mut row: variant::ActiveModel = current.into();
    if let Some(v) = sku {
        row.sku = Set(v);
    }
    if let Some(v) = options {
        row.options = Set(v);
    }
    if let Some(v) = patch.price_minor {
        row.price_minor = Set(v);
    }
    if let Some(v) = patch.allow_backorder {
        row.allow_backorder = Set(v);
    }
    if let Some(v) = patch.weight_grams {
        row.weight_grams = Set(v);
    }
    // Stock moves through the inventory (levels first, then this row), as
    // an adjustment in its ledger.
    if let Some(v) = patch.stock {
        crate::catalog::inventory::set_available(&txn, id, v, "edited by hand").await?;
    }
    let mut saved =
        row.update(&txn).await.map_err(|e| unique_violation(e, "sku", "is already used by another variant"))?;
    if let Some(v) = patch.stock {
        saved.stock = v;
    }
    refresh_price_from(&txn, product.id).await?;
    changed(&txn, product.id, &product.slug).await?;
    txn.commit().await?;
    Ok(admin_variant(saved))
}

/// Deletes variant `id`; lines for it in carts go with it.
///
/// # Errors
/// `NotFound` for an unknown variant (or another vendor's); `Conflict` for a
/// product's last variant (delete or archive the product instead).
#[tracing::instrument(skip(shop))]
pub async fn delete_variant(shop: &Shop, actor: Actor, id: VariantId) -> ServiceResult<()> {
    let id = id.get();
    let txn = crate::write_txn(&shop.db).await?;
    let (_, product) = editable_variant(&txn, actor, id).await?;
    let siblings = variant::Entity::find().filter(variant::Column::ProductId.eq(product.id)).all(&txn).await?;
    if siblings.len() <= 1 {
        return Err(ServiceError::Conflict(
            "This is the product's only variant. Delete or archive the product instead.".into(),
        ));
    }
    let reserved = stock_level::Entity::find()
        .filter(stock_level::Column::VariantId.eq(id))
        .filter(stock_level::Column::Reserved.gt(0))
        .one(&txn)
        .await?;
    if reserved.is_some() {
        return Err(ServiceError::Conflict(
            "Units of this variant are reserved for unpaid orders; wait until they are paid or expire.".into(),
        ));
    }
    cart_item::Entity::delete_many().filter(cart_item::Column::VariantId.eq(id)).exec(&txn).await?;
    variant::Entity::delete_by_id(id).exec(&txn).await?;
    refresh_price_from(&txn, product.id).await?;
    changed(&txn, product.id, &product.slug).await?;
    txn.commit().await?;
    Ok(())
}
