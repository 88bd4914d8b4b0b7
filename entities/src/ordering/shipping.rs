//! The ways to ship and the tax rates, as staff set them (checkout's side —
//! choosing and pricing — is in `pricing`). Admins keep the shop's own
//! shipping methods, any vendor's, and the tax rates; vendor staff keep
//! their own vendor's methods (a vendor with methods of its own ships only
//! by them). Orders keep a copy of the method and price they used, so
//! methods can be changed and deleted freely. Every change is audited.

use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::audit;
use crate::kernel::validate::{is_unique_violation, Check};
use crate::model::{shipping_method, tax_rate, vendor};
use crate::ordering::{ShippingMethodInput, ShippingMethodView, TaxRateInput, TaxRateView};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The most a price or threshold may be, in minor units.
const MOST_MINOR: i64 = 100_000_000;

fn view(m: shipping_method::Model, vendors: &HashMap<i64, vendor::Model>) -> ShippingMethodView {
    ShippingMethodView {
        id: m.id,
        vendor: m.vendor_id.and_then(|v| vendors.get(&v)).map(|v| v.slug.clone()),
        code: m.code,
        name: m.name,
        kind: m.kind,
        base_minor: m.base_minor,
        per_kg_minor: m.per_kg_minor,
        free_over_minor: m.free_over_minor,
        currency: m.currency,
        countries: crate::kernel::json::string_list(&m.countries),
        position: m.position,
    }
}

/// Whether `actor` may change the methods of `owner` (none: the shop's).
/// Another vendor's method does not exist for vendor staff.
fn may_keep(actor: Actor, owner: Option<i64>) -> ServiceResult<()> {
    let allowed = match owner {
        None => authorize(actor, Action::ManagePricing),
        Some(vendor_id) => authorize(actor, Action::EditVendorProfile { vendor_id }),
    };
    allowed.map_err(|e| match e {
        ServiceError::NotFound(_) => ServiceError::NotFound("shipping method"),
        other => other,
    })
}

/// The shipping methods `actor` keeps: all of them for admins (the shop's
/// first, then by vendor); their own vendor's and the shop's for vendor
/// staff. In list order.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` for anyone but admins and vendor staff.
pub async fn methods(shop: &Shop, actor: Actor) -> ServiceResult<Vec<ShippingMethodView>> {
    catalog_staff(actor)?;
    let mut query = shipping_method::Entity::find();
    if let Actor::VendorStaff { vendor_id, .. } = actor {
        query = query.filter(
            Condition::any()
                .add(shipping_method::Column::VendorId.is_null())
                .add(shipping_method::Column::VendorId.eq(vendor_id)),
        );
    }
    let rows = query
        .order_by_asc(shipping_method::Column::VendorId)
        .order_by_asc(shipping_method::Column::Position)
        .order_by_asc(shipping_method::Column::Id)
        .all(&shop.db)
        .await?;
    let vendors = crate::catalog::vendors::vendors_of(&shop.db, rows.iter().filter_map(|m| m.vendor_id)).await?;
    let mut list: Vec<ShippingMethodView> = rows.into_iter().map(|m| view(m, &vendors)).collect();
    // The shop's own first (NULL sorts differently on the two databases).
    list.sort_by_key(|m| m.vendor.is_some());
    Ok(list)
}

/// The method `input` describes, checked, as a row to write (its owner
/// checked against `actor`).
async fn check_method<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    input: &ShippingMethodInput,
) -> ServiceResult<shipping_method::ActiveModel> {
    catalog_staff(actor)?;
    let mut check = Check::default();
    let wanted = input.vendor.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let owner = match (actor, wanted) {
        (Actor::VendorStaff { vendor_id, .. }, None) => Some(vendor_id),
        (_, None) => None,
        (_, Some(slug)) => match vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(db).await? {
            Some(v) => Some(v.id),
            None => {
                check.fail("vendor", "is not a vendor here");
                None
            }
        },
    };
    let code = input.code.trim().to_ascii_lowercase();
    let fits = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
    if !(1..=40).contains(&code.len()) || !code.bytes().all(fits) {
        check.fail("code", "must be 1 to 40 letters, digits, '-' or '_'");
    }
    let name = check.text("name", &input.name, 100);
    let kind = input.kind.trim().to_ascii_lowercase();
    if kind != "flat" && kind != "weight" {
        check.fail("kind", "must be flat or weight");
    }
    let mut price = |field: &str, amount: i64| {
        if !(0..=MOST_MINOR).contains(&amount) {
            check.fail(field, format!("must be 0 to {MOST_MINOR} minor units"));
        }
    };
    price("base_minor", input.base_minor);
    price("per_kg_minor", input.per_kg_minor);
    if let Some(free) = input.free_over_minor {
        price("free_over_minor", free);
    }
    let currency = input.currency.trim().to_ascii_uppercase();
    if currency.parse::<crate::Currency>().is_err() {
        check.fail("currency", "is not a currency we know");
    }
    let mut countries: Vec<String> = Vec::new();
    for c in &input.countries {
        let c = c.trim().to_ascii_uppercase();
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            check.fail("countries", format!("{c:?} is not a two-letter country code"));
        } else if !countries.contains(&c) {
            countries.push(c);
        }
    }
    if !(0..=10_000).contains(&input.position) {
        check.fail("position", "must be 0 to 10000");
    }
    check.done()?;
    may_keep(actor, owner)?;
    Ok(shipping_method::ActiveModel {
        vendor_id: Set(owner),
        code: Set(code),
        name: Set(name),
        // A flat price has no per-kilogram part.
        per_kg_minor: Set(if kind == "weight" { input.per_kg_minor } else { 0 }),
        kind: Set(kind),
        base_minor: Set(input.base_minor),
        free_over_minor: Set(input.free_over_minor),
        currency: Set(currency),
        countries: Set(serde_json::json!(countries)),
        position: Set(input.position),
        ..Default::default()
    })
}

fn taken(e: sea_orm::DbErr) -> ServiceError {
    if is_unique_violation(&e) {
        ServiceError::InvalidField { field: "code", message: "is already a method of this vendor (or the shop)".into() }
    } else {
        e.into()
    }
}

/// Makes a shipping method: the shop's own (admins), or a vendor's (admins
/// naming it; vendor staff, always their own).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` for anyone but admins and vendor staff (and
/// vendor staff for the shop's methods or another vendor's, `NotFound`);
/// `InvalidFields` for each bad field, a code its owner already has.
pub async fn create_method(shop: &Shop, actor: Actor, input: ShippingMethodInput) -> ServiceResult<ShippingMethodView> {
    let txn = crate::write_txn(&shop.db).await?;
    let model = check_method(&txn, actor, &input).await?;
    let made = model.insert(&txn).await.map_err(taken)?;
    audit::record(&txn, actor, "shipping_method.created", &format!("shipping_method:{}", made.id), &made.code).await?;
    let vendors = crate::catalog::vendors::vendors_of(&txn, made.vendor_id).await?;
    txn.commit().await?;
    Ok(view(made, &vendors))
}

/// Replaces shipping method `id` with `input` (its owner may change only
/// for admins).
///
/// # Errors
/// As [`create_method`]; `NotFound` for an unknown method or one `actor`
/// does not keep.
pub async fn replace_method(
    shop: &Shop,
    actor: Actor,
    id: i64,
    input: ShippingMethodInput,
) -> ServiceResult<ShippingMethodView> {
    let txn = crate::write_txn(&shop.db).await?;
    let current =
        shipping_method::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("shipping method"))?;
    may_keep(actor, current.vendor_id)?;
    let mut model = check_method(&txn, actor, &input).await?;
    model.id = Set(id);
    let saved = model.update(&txn).await.map_err(taken)?;
    audit::record(&txn, actor, "shipping_method.changed", &format!("shipping_method:{id}"), &saved.code).await?;
    let vendors = crate::catalog::vendors::vendors_of(&txn, saved.vendor_id).await?;
    txn.commit().await?;
    Ok(view(saved, &vendors))
}

/// Deletes shipping method `id` (orders keep their copy of it).
///
/// # Errors
/// `NotFound` for an unknown method or one `actor` does not keep;
/// `Unauthenticated`/`Forbidden` as [`create_method`].
pub async fn delete_method(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<()> {
    catalog_staff(actor)?;
    let txn = crate::write_txn(&shop.db).await?;
    let current =
        shipping_method::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("shipping method"))?;
    may_keep(actor, current.vendor_id)?;
    shipping_method::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor, "shipping_method.deleted", &format!("shipping_method:{id}"), &current.code).await?;
    txn.commit().await?;
    Ok(())
}

fn rate_view(r: tax_rate::Model) -> TaxRateView {
    TaxRateView { country: r.country, rate_bps: r.rate_bps, name: r.name }
}

fn country_code(country: &str) -> ServiceResult<String> {
    let c = country.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(ServiceError::InvalidField { field: "country", message: "must be a two-letter country code".into() })
    }
}

/// The tax rates by country (admins).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks.
pub async fn rates(shop: &Shop, actor: Actor) -> ServiceResult<Vec<TaxRateView>> {
    authorize(actor, Action::ManagePricing)?;
    let rows = tax_rate::Entity::find().order_by_asc(tax_rate::Column::Country).all(&shop.db).await?;
    Ok(rows.into_iter().map(rate_view).collect())
}

/// Sets the tax rate of `country` (made, or changed when it has one).
/// Orders placed before keep theirs.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidFields` for
/// a bad country code, a rate outside 0–10,000 basis points, a bad name.
pub async fn set_rate(shop: &Shop, actor: Actor, country: &str, input: TaxRateInput) -> ServiceResult<TaxRateView> {
    authorize(actor, Action::ManagePricing)?;
    let mut check = Check::default();
    let country = country_code(country).unwrap_or_else(|e| {
        if let ServiceError::InvalidField { field, message } = e {
            check.fail(field, message);
        }
        String::new()
    });
    if !(0..=10_000).contains(&input.rate_bps) {
        check.fail("rate_bps", "must be 0 to 10000 basis points (2100 is 21 %)");
    }
    let name = check.text("name", &input.name, 100);
    check.done()?;
    let txn = crate::write_txn(&shop.db).await?;
    let saved = match tax_rate::Entity::find().filter(tax_rate::Column::Country.eq(&country)).one(&txn).await? {
        Some(current) => {
            let mut row: tax_rate::ActiveModel = current.into();
            row.rate_bps = Set(input.rate_bps);
            row.name = Set(name);
            row.update(&txn).await?
        }
        None => {
            tax_rate::ActiveModel {
                country: Set(country.clone()),
                rate_bps: Set(input.rate_bps),
                name: Set(name),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(&txn, actor, "tax_rate.set", &format!("tax_rate:{country}"), &format!("{} bps", saved.rate_bps))
        .await?;
    txn.commit().await?;
    Ok(rate_view(saved))
}

/// Removes the tax rate of `country`: orders to it are then taxed at 0.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound` when the
/// country has no rate.
pub async fn delete_rate(shop: &Shop, actor: Actor, country: &str) -> ServiceResult<()> {
    authorize(actor, Action::ManagePricing)?;
    let country = country_code(country).map_err(|_| ServiceError::NotFound("tax rate"))?;
    let txn = crate::write_txn(&shop.db).await?;
    let gone = tax_rate::Entity::delete_many().filter(tax_rate::Column::Country.eq(&country)).exec(&txn).await?;
    if gone.rows_affected == 0 {
        return Err(ServiceError::NotFound("tax rate"));
    }
    audit::record(&txn, actor, "tax_rate.deleted", &format!("tax_rate:{country}"), "").await?;
    txn.commit().await?;
    Ok(())
}
