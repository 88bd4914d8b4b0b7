//! The admin's ways to ship and tax rates.

// The method form's fields are the server function's arguments, one each,
// so it posts as plain fields without JavaScript.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use entities::ordering::{ShippingMethodView, TaxRateView};
use leptos::prelude::*;

/// The shipping methods the signed-in staff member keeps.
#[server(prefix = "/_sf", endpoint = "admin/shipping-methods")]
pub async fn admin_shipping_methods() -> Result<Vec<ShippingMethodView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::shipping::methods(&shop, actor).await.map_err(AppError::from)
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
    let (shop, actor) = crate::session::acting().await?;
    let mut form = crate::api::forms::FormFields::default();
    let base_minor = form.amount("base", &base, &currency, Some(0), "4.95").unwrap_or(0);
    let per_kg_minor = form.amount("per_kg", &per_kg, &currency, Some(0), "4.95").unwrap_or(0);
    let free_over_minor = form.amount("free_over", &free_over, &currency, None, "4.95");
    form.done()?;
    let input = entities::ordering::ShippingMethodInput {
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
    entities::ordering::shipping::create_method(&shop, actor, input).await.map_err(AppError::from)
}

/// Deletes shipping method `id`.
#[server(prefix = "/_sf", endpoint = "admin/shipping-methods/delete")]
pub async fn admin_delete_shipping_method(id: i64) -> Result<(), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::shipping::delete_method(&shop, actor, id).await.map_err(AppError::from)
}

/// The tax rates (admins; nothing for vendor staff).
#[server(prefix = "/_sf", endpoint = "admin/tax-rates")]
pub async fn admin_tax_rates() -> Result<Vec<TaxRateView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    if matches!(actor, entities::kernel::access::Actor::VendorStaff { .. }) {
        return Ok(Vec::new());
    }
    entities::ordering::shipping::rates(&shop, actor).await.map_err(AppError::from)
}

/// Sets `country`'s tax rate from a percentage (`21`, `5.5`).
#[server(prefix = "/_sf", endpoint = "admin/tax-rates/set")]
pub async fn admin_set_tax_rate(country: String, percent: String, name: String) -> Result<TaxRateView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let mut form = crate::api::forms::FormFields::default();
    let rate_bps = form.percent("percent", &percent, 0.0..=100.0, "must be a percentage from 0 to 100");
    form.done()?;
    let rate_bps = i32::try_from(rate_bps).unwrap_or(0);
    let input = entities::ordering::TaxRateInput { rate_bps, name };
    entities::ordering::shipping::set_rate(&shop, actor, &country, input).await.map_err(AppError::from)
}

/// Removes `country`'s tax rate.
#[server(prefix = "/_sf", endpoint = "admin/tax-rates/delete")]
pub async fn admin_delete_tax_rate(country: String) -> Result<(), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::shipping::delete_rate(&shop, actor, &country).await.map_err(AppError::from)
}
