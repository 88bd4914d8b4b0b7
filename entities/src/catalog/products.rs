//! Changing products and their variants. Every change records
//! `product.changed` in the outbox in the same transaction; the search
//! indexer and the cache invalidator follow it (server workers), never the
//! request itself.

use crate::catalog::{AdminProduct, AdminVariant, NewProduct, NewVariant, ProductPatch, ProductStatus};
use crate::events::outbox;
use crate::events::{DomainEvent, ProductChanged};
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::{unique_violation, Check};
use crate::kernel::ProductId;
use crate::kernel::{Currency, Sku, Slug};
use crate::model::order_line;
use crate::model::{cart_item, category, product, variant, vendor};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;

/// Longest title, in characters.
const TITLE_MAX: usize = 300;

/// Longest brand, in characters.
const BRAND_MAX: usize = 120;

/// Longest description, in characters.
const DESCRIPTION_MAX: usize = 20_000;

/// Most variants one product may have.
pub const MAX_VARIANTS: usize = 100;

/// Most attributes or options, and the longest name or value of one.
const PAIRS_MAX: usize = 30;

const PAIR_TEXT_MAX: usize = 120;

/// Highest price accepted, in minor units (a sanity bound, not a policy).
pub(crate) const PRICE_MAX: i64 = 10_000_000_000;

pub(crate) fn check_pairs(check: &mut Check, field: &str, pairs: &BTreeMap<String, String>) -> serde_json::Value {
    if pairs.len() > PAIRS_MAX {
        check.fail(field, format!("must have at most {PAIRS_MAX} entries"));
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let name = check.text(format!("{field}.{name}"), name, PAIR_TEXT_MAX);
        let value = check.text(format!("{field}.{name}"), value, PAIR_TEXT_MAX);
        out.push(serde_json::json!([name, value]));
    }
    serde_json::Value::Array(out)
}

/// The status `text` names, or `None` with the field's failure noted.
fn check_status(check: &mut Check, text: &str) -> Option<ProductStatus> {
    let status = ProductStatus::parse(text);
    if status.is_none() {
        check.fail("status", "must be active, draft or archived");
    }
    status
}

/// A variant's fields once checked.
pub(crate) struct ValidVariant {
    pub(crate) sku: String,
    pub(crate) options: serde_json::Value,
    pub(crate) price_minor: i64,
    pub(crate) currency: Currency,
    pub(crate) stock: i32,
    pub(crate) allow_backorder: bool,
    pub(crate) weight_grams: i32,
}

pub(crate) fn check_variant(check: &mut Check, at: &str, v: &NewVariant) -> ValidVariant {
    let sku = match Sku::parse(&v.sku) {
        Ok(sku) => sku.to_string(),
        Err(e) => {
            check.fail(format!("{at}sku"), e.to_string());
            String::new()
        }
    };
    check_price(check, &format!("{at}price_minor"), v.price_minor);
    check_stock(check, &format!("{at}stock"), v.stock, v.allow_backorder);
    check_weight(check, &format!("{at}weight_grams"), v.weight_grams);
    let currency = v.currency.parse().unwrap_or_else(|_| {
        check.fail(format!("{at}currency"), "must be one of EUR, USD, GBP, JPY");
        Currency::Eur
    });
    if v.options.keys().any(|name| name.contains(crate::ports::OPTION_SEPARATOR)) {
        check.fail(format!("{at}options"), format!("names must not contain {:?}", crate::ports::OPTION_SEPARATOR));
    }
    ValidVariant {
        sku,
        options: check_pairs(check, &format!("{at}options"), &v.options),
        price_minor: v.price_minor,
        currency,
        stock: v.stock,
        allow_backorder: v.allow_backorder,
        weight_grams: v.weight_grams,
    }
}

/// The heaviest a variant may weigh: a tonne.
const WEIGHT_MAX: i32 = 1_000_000;

pub(crate) fn check_weight(check: &mut Check, field: &str, grams: i32) {
    if !(0..=WEIGHT_MAX).contains(&grams) {
        check.fail(field, format!("must be between 0 and {WEIGHT_MAX} grams"));
    }
}

pub(crate) fn check_price(check: &mut Check, field: &str, price: i64) {
    if !(0..=PRICE_MAX).contains(&price) {
        check.fail(field, format!("must be between 0 and {PRICE_MAX}"));
    }
}

pub(crate) fn check_stock(check: &mut Check, field: &str, stock: i32, allow_backorder: bool) {
    if stock < 0 && !allow_backorder {
        check.fail(field, "must be 0 or more unless backorders are allowed");
    }
}

async fn vendor_by_slug<C: ConnectionTrait>(
    db: &C,
    check: &mut Check,
    slug: &str,
) -> ServiceResult<Option<vendor::Model>> {
    let found = vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(db).await?;
    if found.is_none() {
        check.fail("vendor", format!("no vendor has the slug {slug:?}"));
    }
    Ok(found)
}

pub(crate) async fn category_by_slug<C: ConnectionTrait>(
    db: &C,
    check: &mut Check,
    slug: &str,
) -> ServiceResult<Option<category::Model>> {
    let found = category::Entity::find().filter(category::Column::Slug.eq(slug)).one(db).await?;
    if found.is_none() {
        check.fail("category", format!("no category has the slug {slug:?}"));
    }
    Ok(found)
}

/// SKUs among `skus` that variants other than `except` already use.
pub(crate) async fn taken_skus<C: ConnectionTrait>(
    db: &C,
    skus: &[String],
    except: Option<i64>,
) -> ServiceResult<Vec<String>> {
    let mut select = variant::Entity::find()
        .select_only()
        .column(variant::Column::Sku)
        .filter(variant::Column::Sku.is_in(skus.iter().cloned()));
    if let Some(id) = except {
        select = select.filter(variant::Column::Id.ne(id));
    }
    Ok(select.into_tuple().all(db).await?)
}

/// A slug from `title` that no product has yet: the title's slug, or it
/// with `-2`, `-3`… appended.
async fn free_slug<C: ConnectionTrait>(db: &C, title: &str) -> ServiceResult<String> {
    let base = Slug::from_title(title)
        .map_err(|_| ServiceError::InvalidFields(vec![("title".into(), "must contain a letter or digit".into())]))?
        .to_string();
    let base: String = base.chars().take(140).collect();
    let taken: Vec<String> = product::Entity::find()
        .select_only()
        .column(product::Column::Slug)
        .filter(product::Column::Slug.starts_with(base.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    if !taken.contains(&base) {
        return Ok(base);
    }
    Ok((2..).map(|n| format!("{base}-{n}")).find(|s| !taken.contains(s)).expect("an unused suffix exists"))
}

/// Records that a product changed, for the indexer and the cache.
pub(crate) async fn changed<C: ConnectionTrait>(txn: &C, id: i64, slug: &str) -> ServiceResult<()> {
    let changed = ProductChanged { product_id: ProductId::new(id), slug: slug.to_owned() };
    outbox::record(txn, DomainEvent::ProductChanged(changed)).await?;
    Ok(())
}

/// Sets the product's `price_from_minor` to its cheapest variant's price.
pub(crate) async fn refresh_price_from<C: ConnectionTrait>(txn: &C, product_id: i64) -> ServiceResult<()> {
    let cheapest: Option<i64> = variant::Entity::find()
        .select_only()
        .column_as(variant::Column::PriceMinor.min(), "cheapest")
        .filter(variant::Column::ProductId.eq(product_id))
        .into_tuple::<Option<i64>>()
        .one(txn)
        .await?
        .flatten();
    product::Entity::update_many()
        .col_expr(product::Column::PriceFromMinor, Expr::value(cheapest.unwrap_or(0)))
        .col_expr(product::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(product::Column::Id.eq(product_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Creates a product with its variants.
///
/// # Errors
/// `Unauthenticated`/`Forbidden`/`NotFound` as `access` decides;
/// `InvalidFields` listing every unacceptable field (unknown vendor or
/// category, bad or taken SKU, mixed currencies…).
#[tracing::instrument(skip(shop, new), fields(title = %new.title))]
pub async fn create_product(shop: &Shop, actor: Actor, new: NewProduct) -> ServiceResult<AdminProduct> {
    catalog_staff(actor)?;
    let mut check = Check::default();
    let title = check.text("title", &new.title, TITLE_MAX);
    let brand = check.text("brand", &new.brand, BRAND_MAX);
    let description = check.long_text("description", &new.description, DESCRIPTION_MAX);
    let attributes = check_pairs(&mut check, "attributes", &new.attributes);
    let status = match new.status.as_deref() {
        None => Some(ProductStatus::Draft),
        Some(text) => check_status(&mut check, text),
    };
    if new.variants.is_empty() || new.variants.len() > MAX_VARIANTS {
        check.fail("variants", format!("must have 1 to {MAX_VARIANTS} variants"));
    }
    let variants: Vec<ValidVariant> = new
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| check_variant(&mut check, &format!("variants[{i}]."), v))
        .collect();
    if variants.iter().any(|v| v.currency != variants[0].currency) {
        check.fail("variants", "must all have the same currency");
    }
    for (i, v) in variants.iter().enumerate() {
        if !v.sku.is_empty() && variants[..i].iter().any(|earlier| earlier.sku == v.sku) {
            check.fail(format!("variants[{i}].sku"), "is used twice in this product");
        }
    }

    let txn = crate::write_txn(&shop.db).await?;
    let vendor = match (&new.vendor, actor) {
        (Some(slug), _) => vendor_by_slug(&txn, &mut check, slug).await?,
        (None, Actor::VendorStaff { vendor_id, .. }) => vendor::Entity::find_by_id(vendor_id).one(&txn).await?,
        (None, _) => {
            check.fail("vendor", "is required");
            None
        }
    };
    let category = category_by_slug(&txn, &mut check, &new.category).await?;
    // Who may create for this vendor is decided before any detail is judged.
    authorize(actor, Action::EditProduct { vendor_id: vendor.as_ref().map_or(0, |v| v.id) }).map_err(|e| match e {
        ServiceError::NotFound(_) => ServiceError::Forbidden,
        other => other,
    })?;
    let skus: Vec<String> = variants.iter().map(|v| v.sku.clone()).filter(|s| !s.is_empty()).collect();
    for taken in taken_skus(&txn, &skus, None).await? {
        let i = variants.iter().position(|v| v.sku == taken).unwrap_or_default();
        check.fail(format!("variants[{i}].sku"), "is already used by another variant");
    }
    check.done()?;
    let (Some(vendor), Some(category), Some(status)) = (vendor, category, status) else {
        unreachable!("a missing vendor or category, or an unknown status, fails the check above")
    };

    let now = Utc::now();
    let slug = free_slug(&txn, &title).await?;
    let row = product::ActiveModel {
        vendor_id: Set(vendor.id),
        category_id: Set(category.id),
        slug: Set(slug.clone()),
        title: Set(title),
        description: Set(description),
        brand: Set(brand),
        attributes: Set(attributes),
        status: Set(status),
        featured: Set(new.featured),
        price_from_minor: Set(variants.iter().map(|v| v.price_minor).min().unwrap_or(0)),
        rating_centi: Set(0),
        rating_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| unique_violation(e, "title", "gives a slug another product has just taken; try again"))?;
    for (position, v) in variants.into_iter().enumerate() {
        insert_variant(&txn, row.id, position as i32, v).await?;
    }
    changed(&txn, row.id, &slug).await?;
    let created = admin_product_in(&txn, row.id).await?;
    txn.commit().await?;
    Ok(created)
}

pub(crate) async fn insert_variant<C: ConnectionTrait>(
    txn: &C,
    product_id: i64,
    position: i32,
    v: ValidVariant,
) -> ServiceResult<variant::Model> {
    let row = variant::ActiveModel {
        product_id: Set(product_id),
        sku: Set(v.sku),
        options: Set(v.options),
        price_minor: Set(v.price_minor),
        currency: Set(v.currency.code().to_owned()),
        stock: Set(v.stock),
        allow_backorder: Set(v.allow_backorder),
        weight_grams: Set(v.weight_grams),
        position: Set(position),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| unique_violation(e, "sku", "is already used by another variant"))?;
    crate::catalog::inventory::open_stock(txn, row.id, row.stock).await?;
    Ok(row)
}

/// A product in any status, as its admin or vendor sees it.
///
/// # Errors
/// `NotFound` for an unknown product or another vendor's.
pub async fn admin_product(shop: &Shop, actor: Actor, id: ProductId) -> ServiceResult<AdminProduct> {
    let id = id.get();
    let product = product::Entity::find_by_id(id).one(&shop.db).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id })?;
    admin_product_in(&shop.db, id).await
}

async fn admin_product_in<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<AdminProduct> {
    let p = product::Entity::find_by_id(id).one(db).await?.ok_or(ServiceError::NotFound("product"))?;
    let vendor = vendor::Entity::find_by_id(p.vendor_id).one(db).await?;
    let category = category::Entity::find_by_id(p.category_id).one(db).await?;
    let variants = variant::Entity::find()
        .filter(variant::Column::ProductId.eq(id))
        .order_by_asc(variant::Column::Position)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await?;
    Ok(AdminProduct {
        id: p.id,
        slug: p.slug,
        vendor: vendor.map(|v| v.slug).unwrap_or_default(),
        category: category.map(|c| c.slug).unwrap_or_default(),
        title: p.title,
        description: p.description,
        brand: p.brand,
        attributes: pair_map(&p.attributes),
        status: p.status,
        featured: p.featured,
        variants: variants.into_iter().map(admin_variant).collect(),
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}

pub(crate) fn admin_variant(v: variant::Model) -> AdminVariant {
    AdminVariant {
        id: v.id,
        sku: v.sku,
        options: pair_map(&v.options),
        price_minor: v.price_minor,
        currency: v.currency,
        stock: v.stock,
        allow_backorder: v.allow_backorder,
        weight_grams: v.weight_grams,
    }
}

/// Reads `[[k, v], …]` or `{k: v}` JSON into a map.
fn pair_map(json: &serde_json::Value) -> BTreeMap<String, String> {
    crate::kernel::json::pairs(json).into_iter().collect()
}

/// Applies `patch` to product `id`.
///
/// # Errors
/// `Unauthenticated`/`Forbidden`/`NotFound` as `access` decides,
/// `InvalidFields` for unacceptable values, `NotFound` for an unknown product.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_product(
    shop: &Shop,
    actor: Actor,
    id: ProductId,
    patch: ProductPatch,
) -> ServiceResult<AdminProduct> {
    let id = id.get();
    catalog_staff(actor)?;
    let mut check = Check::default();
    let title = patch.title.as_deref().map(|t| check.text("title", t, TITLE_MAX));
    let brand = patch.brand.as_deref().map(|b| check.text("brand", b, BRAND_MAX));
    let description = patch.description.as_deref().map(|d| check.long_text("description", d, DESCRIPTION_MAX));
    let attributes = patch.attributes.as_ref().map(|a| check_pairs(&mut check, "attributes", a));
    let status = patch.status.as_deref().and_then(|text| check_status(&mut check, text));
    let txn = crate::write_txn(&shop.db).await?;
    let current = product::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: current.vendor_id })?;
    let vendor = match &patch.vendor {
        Some(slug) => {
            authorize(actor, Action::ReassignProduct)?;
            vendor_by_slug(&txn, &mut check, slug).await?
        }
        None => None,
    };
    let category = match &patch.category {
        Some(slug) => category_by_slug(&txn, &mut check, slug).await?,
        None => None,
    };
    check.done()?;
    let slug = current.slug.clone();
    let mut row: product::ActiveModel = current.into();
    if let Some(v) = title {
        row.title = Set(v);
    }
    if let Some(v) = description {
        row.description = Set(v);
    }
    if let Some(v) = brand {
        row.brand = Set(v);
    }
    if let Some(v) = attributes {
        row.attributes = Set(v);
    }
    if let Some(v) = status {
        row.status = Set(v);
    }
    if let Some(v) = patch.featured {
        row.featured = Set(v);
    }
    if let Some(v) = vendor {
        row.vendor_id = Set(v.id);
    }
    if let Some(c) = category {
        row.category_id = Set(c.id);
    }
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    // Consumers of this event re-index the product and drop its cached page.
    changed(&txn, id, &slug).await?;
    let updated = admin_product_in(&txn, id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes product `id` with its variants and images; lines for it in
/// shoppers' carts go with it.
///
/// Orders (issue 5) will keep what was sold: a product with order lines is
/// then archived instead, and this function's caller told so.
///
/// # Errors
/// `NotFound` for an unknown product (or another vendor's).
#[tracing::instrument(skip(shop))]
pub async fn delete_product(shop: &Shop, actor: Actor, id: ProductId) -> ServiceResult<Deletion> {
    let id = id.get();
    let txn = crate::write_txn(&shop.db).await?;
    let current = product::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: current.vendor_id })?;
    if was_ordered(&txn, id).await? {
        // Orders keep pointing at it: it leaves the shop but stays on record.
        product::Entity::update_many()
            .col_expr(product::Column::Status, Expr::value(ProductStatus::Archived))
            .col_expr(product::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(product::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        changed(&txn, id, &current.slug).await?;
        txn.commit().await?;
        return Ok(Deletion::Archived);
    }
    let variant_ids: Vec<i64> = variant::Entity::find()
        .select_only()
        .column(variant::Column::Id)
        .filter(variant::Column::ProductId.eq(id))
        .into_tuple()
        .all(&txn)
        .await?;
    cart_item::Entity::delete_many().filter(cart_item::Column::VariantId.is_in(variant_ids)).exec(&txn).await?;
    product::Entity::delete_by_id(id).exec(&txn).await?;
    changed(&txn, id, &current.slug).await?;
    txn.commit().await?;
    Ok(Deletion::Deleted)
}

/// What deleting a product did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// It is gone, with its variants and images.
    Deleted,
    /// It had been ordered, so it was archived instead: off the shop, kept
    /// for the orders that name it.
    Archived,
}

/// Whether any order holds product `product_id` (then it is archived, not
/// deleted). A read of the order lines the catalog keeps its hands off
/// otherwise: ordering writes them, and ordering calls the catalog, not the
/// other way round.
pub(crate) async fn was_ordered<C: ConnectionTrait>(db: &C, product_id: i64) -> ServiceResult<bool> {
    Ok(order_line::Entity::find().filter(order_line::Column::ProductId.eq(product_id)).one(db).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(sku: &str, price: i64, currency: &str, stock: i32) -> NewVariant {
        NewVariant {
            sku: sku.into(),
            options: BTreeMap::new(),
            price_minor: price,
            currency: currency.into(),
            stock,
            allow_backorder: false,
            weight_grams: 250,
        }
    }

    #[test]
    fn a_variant_is_checked_field_by_field() {
        let mut check = Check::default();
        let ok = check_variant(&mut check, "variants[0].", &variant("ab-12", 1999, "eur", 3));
        assert!(check.is_ok());
        assert_eq!((ok.sku.as_str(), ok.currency), ("AB-12", Currency::Eur));

        assert_eq!(ok.weight_grams, 250);

        let heavy = NewVariant { weight_grams: 1_000_001, ..variant("a", -1, "XYZ", -2) };
        check_variant(&mut check, "variants[1].", &heavy);
        let Err(ServiceError::InvalidFields(errors)) = check.done() else { panic!("expected field errors") };
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "variants[1].sku",
                "variants[1].price_minor",
                "variants[1].stock",
                "variants[1].weight_grams",
                "variants[1].currency"
            ]
        );
    }

    #[test]
    fn pairs_round_trip_through_the_stored_shape() {
        let mut check = Check::default();
        let map = BTreeMap::from([("Colour".to_owned(), "Red".to_owned()), ("Size".to_owned(), "M".to_owned())]);
        let stored = check_pairs(&mut check, "options", &map);
        assert!(check.is_ok());
        assert_eq!(stored, serde_json::json!([["Colour", "Red"], ["Size", "M"]]));
        assert_eq!(pair_map(&stored), map);
        assert_eq!(pair_map(&serde_json::json!({"Fit": "Slim"}))["Fit"], "Slim");
    }

    #[test]
    fn empty_names_and_values_are_refused() {
        let mut check = Check::default();
        check_pairs(&mut check, "attributes", &BTreeMap::from([(" ".to_owned(), "x".to_owned())]));
        assert!(!check.is_ok());
    }
}
