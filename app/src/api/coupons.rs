//! The admin's coupons: list, make, switch off and on.

use crate::error::AppError;
use entities::checkout::CouponView;
use leptos::prelude::*;

/// Every coupon, newest first (admins).
#[server(prefix = "/_sf", endpoint = "admin/coupons")]
pub async fn admin_coupons() -> Result<Vec<CouponView>, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    entities::services::coupons::list(&shop, actor).await.map_err(super::fail)
}

/// Makes a coupon from the admin's form: `amount` is a percentage (`15`,
/// `12.5`) for `percent` and an amount (`5.00`) in `currency` for `fixed`;
/// the minimum spend is an amount too; empty limits mean none.
#[server(prefix = "/_sf", endpoint = "admin/coupons/make")]
pub async fn admin_make_coupon(
    code: String,
    kind: String,
    amount: String,
    currency: String,
    min_spend: String,
    max_uses: String,
    max_uses_per_customer: String,
) -> Result<CouponView, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let currency = currency.trim().to_ascii_uppercase();
    let parsed = currency.parse::<entities::Currency>().ok();
    // An amount typed in the currency's unit (`5.00`); empty is 0.
    let money = |text: &str| -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Some(0);
        }
        parsed.and_then(|c| entities::Money::parse_decimal(text, c).ok()).map(|m| m.minor())
    };
    // A limit; empty is none.
    let limit = |text: &str| -> Result<Option<i32>, ()> {
        let text = text.trim();
        if text.is_empty() {
            Ok(None)
        } else {
            text.parse::<i32>().map(Some).map_err(|_| ())
        }
    };
    let value = match kind.as_str() {
        "percent" => match amount.trim().replace(',', ".").parse::<f64>() {
            Ok(p) if p.is_finite() => (p * 100.0).round() as i64,
            _ => {
                errors.push(("amount".into(), "must be a percentage such as 15".into()));
                0
            }
        },
        "fixed" => money(&amount).unwrap_or_else(|| {
            errors.push(("amount".into(), "must be an amount such as 5.00".into()));
            0
        }),
        _ => 0,
    };
    let min_spend_minor = money(&min_spend).unwrap_or_else(|| {
        errors.push(("min_spend".into(), "must be an amount such as 50.00".into()));
        0
    });
    let mut limits = [("max_uses", max_uses, None), ("max_uses_per_customer", max_uses_per_customer, None)];
    for (field, text, parsed_limit) in &mut limits {
        match limit(text) {
            Ok(n) => *parsed_limit = n,
            Err(()) => errors.push(((*field).into(), "must be a whole number (empty: no limit)".into())),
        }
    }
    let [(_, _, max_uses), (_, _, max_uses_per_customer)] = limits;
    if !errors.is_empty() {
        let error = AppError::Fields(errors);
        error.set_page_status();
        return Err(error);
    }
    let in_money = kind == "fixed" || min_spend_minor > 0;
    let input = entities::checkout::NewCoupon {
        code,
        kind,
        value,
        // A currency only where an amount is in it: a percentage or free
        // shipping without a minimum spend works in every currency.
        currency: Some(currency).filter(|_| parsed.is_some() && in_money),
        min_spend_minor,
        max_uses,
        max_uses_per_customer,
        starts_at: None,
        ends_at: None,
    };
    entities::services::coupons::create(&shop, actor, input).await.map_err(super::fail)
}

/// Switches coupon `id` off (`active` false) or on again.
#[server(prefix = "/_sf", endpoint = "admin/coupons/active")]
pub async fn admin_switch_coupon(id: i64, active: bool) -> Result<CouponView, AppError> {
    let (shop, actor) = super::admin::ssr::acting().await?;
    let patch = entities::checkout::CouponPatch { active: Some(active), ..Default::default() };
    entities::services::coupons::update(&shop, actor, id, patch).await.map_err(super::fail)
}
