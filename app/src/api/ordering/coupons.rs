//! The admin's coupons: list, make, switch off and on.

use crate::error::AppError;
use entities::ordering::CouponView;
use leptos::prelude::*;

/// Every coupon, newest first (admins).
#[server(prefix = "/_sf", endpoint = "admin/coupons")]
pub async fn admin_coupons() -> Result<Vec<CouponView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::coupons::list(&shop, actor).await.map_err(AppError::from)
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
    let (shop, actor) = crate::session::acting().await?;
    let mut form = crate::api::forms::FormFields::default();
    let currency = currency.trim().to_ascii_uppercase();
    let known_currency = currency.parse::<entities::Currency>().is_ok();
    let value = match kind.as_str() {
        "percent" => form.percent("amount", &amount, .., "must be a percentage such as 15"),
        "fixed" => form.amount("amount", &amount, &currency, Some(0), "5.00").unwrap_or(0),
        _ => 0,
    };
    let min_spend_minor = form.amount("min_spend", &min_spend, &currency, Some(0), "50.00").unwrap_or(0);
    let max_uses = form.whole("max_uses", &max_uses);
    let max_uses_per_customer = form.whole("max_uses_per_customer", &max_uses_per_customer);
    form.done()?;
    let in_money = kind == "fixed" || min_spend_minor > 0;
    let input = entities::ordering::NewCoupon {
        code,
        kind,
        value,
        // A currency only where an amount is in it: a percentage or free
        // shipping without a minimum spend works in every currency.
        currency: Some(currency).filter(|_| known_currency && in_money),
        min_spend_minor,
        max_uses,
        max_uses_per_customer,
        starts_at: None,
        ends_at: None,
    };
    entities::ordering::coupons::create(&shop, actor, input).await.map_err(AppError::from)
}

/// Switches coupon `id` off (`active` false) or on again.
#[server(prefix = "/_sf", endpoint = "admin/coupons/active")]
pub async fn admin_switch_coupon(id: i64, active: bool) -> Result<CouponView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let patch = entities::ordering::CouponPatch { active: Some(active), ..Default::default() };
    entities::ordering::coupons::update(&shop, actor, id, patch).await.map_err(AppError::from)
}
