//! The admin's ways to ship and tax rates.

// The method form's fields are the server function's arguments, one each,
// so it posts as plain fields without JavaScript.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use entities::checkout::{ShippingMethodView, TaxRateView};
use leptos::prelude::*;

/// The shipping methods the signed-in staff member keeps.
#[server(prefix = "/_sf", endpoint = "admin/shipping-methods")]
pub async fn admin_shipping_methods() -> Result<Vec<ShippingMethodView>, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    entities::services::shipping_admin::methods(&shop, actor).await.map_err(super::fail)
}

/// An amount typed in the currency's unit (`4.95`); empty is `empty`.
#[cfg(feature = "ssr")]
fn minor(
    text: &str,
    currency: &str,
    field: &str,
    errors: &mut Vec<(String, String)>,
    empty: Option<i64>,
) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return empty;
    }
    let parsed = currency.trim().to_ascii_uppercase().parse::<entities::Currency>().ok();
    match parsed.map(|c| entities::Money::parse_decimal(text, c)) {
        Some(Ok(m)) => Some(m.minor()),
        _ => {
            errors.push((field.into(), "must be an amount such as 4.95".into()));
            None
        }
    }
}

/// Makes a shipping method from the admin's form: prices typed in the
/// currency's unit, countries as `NL, BE` (empty: everywhere), `vendor` a
/// slug or empty for the shop's own.
#[server(prefix = "/_sf", endpoint = "admin/shipping-methods/make")]
pub async fn admin_make_shipping_method(
    vendor: String,
    code: String,
    name: String,
    kind: String,
    base: String,
    per_kg: String,
    free_over: String,
    currency: String,
    countries: String,
) -> Result<ShippingMethodView, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    let mut errors = Vec::new();
    let base_minor = minor(&base, &currency, "base", &mut errors, Some(0)).unwrap_or(0);
    let per_kg_minor = minor(&per_kg, &currency, "per_kg", &mut errors, Some(0)).unwrap_or(0);
    let free_over_minor = minor(&free_over, &currency, "free_over", &mut errors, None);
    if !errors.is_empty() {
        let error = AppError::Fields(errors);
        error.set_page_status();
        return Err(error);
    }
    let input = entities::checkout::ShippingMethodInput {
        vendor: Some(vendor).filter(|v| !v.trim().is_empty()),
        code,
        name,
        kind,
        base_minor,
        per_kg_minor,
        free_over_minor,
        currency,
        countries: countries.split([',', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        position: 0,
    };
    entities::services::shipping_admin::create_method(&shop, actor, input).await.map_err(super::fail)
}

/// Deletes shipping method `id`.
#[server(prefix = "/_sf", endpoint = "admin/shipping-methods/delete")]
pub async fn admin_delete_shipping_method(id: i64) -> Result<(), AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    entities::services::shipping_admin::delete_method(&shop, actor, id).await.map_err(super::fail)
}

/// The tax rates (admins; nothing for vendor staff).
#[server(prefix = "/_sf", endpoint = "admin/tax-rates")]
pub async fn admin_tax_rates() -> Result<Vec<TaxRateView>, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    if matches!(actor, entities::services::access::Actor::VendorStaff { .. }) {
        return Ok(Vec::new());
    }
    entities::services::shipping_admin::rates(&shop, actor).await.map_err(super::fail)
}

/// Sets `country`'s tax rate from a percentage (`21`, `5.5`).
#[server(prefix = "/_sf", endpoint = "admin/tax-rates/set")]
pub async fn admin_set_tax_rate(country: String, percent: String, name: String) -> Result<TaxRateView, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    let rate_bps = match percent.trim().replace(',', ".").parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..=100.0).contains(&p) => (p * 100.0).round() as i32,
        _ => {
            let error = AppError::Fields(vec![("percent".into(), "must be a percentage from 0 to 100".into())]);
            error.set_page_status();
            return Err(error);
        }
    };
    let input = entities::checkout::TaxRateInput { rate_bps, name };
    entities::services::shipping_admin::set_rate(&shop, actor, &country, input).await.map_err(super::fail)
}

/// Removes `country`'s tax rate.
#[server(prefix = "/_sf", endpoint = "admin/tax-rates/delete")]
pub async fn admin_delete_tax_rate(country: String) -> Result<(), AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    entities::services::shipping_admin::delete_rate(&shop, actor, &country).await.map_err(super::fail)
}
