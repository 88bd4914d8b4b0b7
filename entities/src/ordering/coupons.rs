//! Coupons as staff manage them (checkout's side — what one takes off, and
//! its limits holding under concurrent orders — is in `pricing` and
//! `orders`). A coupon is made, listed, switched off and on, and its total
//! limit and end moved; its code, kind and value never change once made,
//! and it is never deleted, so orders keep saying what they used. Every
//! change goes to the audit log.

use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::audit;
use crate::kernel::validate::{is_unique_violation, Check};
use crate::model::coupon;
use crate::ordering::{CouponPatch, CouponView, NewCoupon};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};

/// The kinds of coupon.
pub const KINDS: [&str; 3] = ["percent", "fixed", "free_shipping"];

/// The most a coupon's minimum spend or fixed amount may be, in minor units.
const MOST_MINOR: i64 = 100_000_000;

fn view(c: coupon::Model) -> CouponView {
    CouponView {
        id: c.id,
        code: c.code,
        kind: c.kind,
        value: c.value,
        currency: c.currency,
        min_spend_minor: c.min_spend_minor,
        max_uses: c.max_uses,
        max_uses_per_customer: c.max_uses_per_customer,
        used_count: c.used_count,
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        active: c.active,
        created_at: c.created_at,
    }
}

/// A code as stored: trimmed, upper-case.
fn normal_code(code: &str) -> String {
    code.trim().to_uppercase()
}

/// Every coupon, newest first (staff).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks.
pub async fn list(shop: &Shop, actor: Actor) -> ServiceResult<Vec<CouponView>> {
    authorize(actor, Action::ManagePricing)?;
    let rows = coupon::Entity::find().order_by_desc(coupon::Column::Id).all(&shop.db).await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Makes a coupon (admins).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidFields` for a
/// bad or taken code, an unknown kind, a value out of its kind's range, a
/// `fixed` coupon without a known currency, a negative spend, a limit below
/// one, or an end not after its start and now.
pub async fn create(shop: &Shop, actor: Actor, input: NewCoupon) -> ServiceResult<CouponView> {
    authorize(actor, Action::ManagePricing)?;
    let mut check = Check::default();
    let code = normal_code(&input.code);
    let fits = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
    if !(3..=40).contains(&code.len()) || !code.bytes().all(fits) {
        check.fail("code", "must be 3 to 40 letters, digits, '-' or '_'");
    }
    let kind = input.kind.trim().to_ascii_lowercase();
    let value = match kind.as_str() {
        "percent" if !(1..=10_000).contains(&input.value) => {
            check.fail("value", "must be 1 to 10000 basis points (1000 is 10 %)");
            0
        }
        "fixed" if !(1..=MOST_MINOR).contains(&input.value) => {
            check.fail("value", format!("must be 1 to {MOST_MINOR} minor units"));
            0
        }
        "percent" | "fixed" => input.value,
        "free_shipping" => 0,
        _ => {
            check.fail("kind", "must be percent, fixed or free_shipping");
            0
        }
    };
    let currency = match input.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            let c = c.to_ascii_uppercase();
            if c.parse::<crate::Currency>().is_err() {
                check.fail("currency", "is not a currency we know");
            }
            Some(c)
        }
        None if kind == "fixed" || input.min_spend_minor > 0 => {
            check.fail("currency", "is needed for an amount off or a minimum spend");
            None
        }
        None => None,
    };
    if !(0..=MOST_MINOR).contains(&input.min_spend_minor) {
        check.fail("min_spend_minor", format!("must be 0 to {MOST_MINOR} minor units"));
    }
    for (field, limit) in [("max_uses", input.max_uses), ("max_uses_per_customer", input.max_uses_per_customer)] {
        if limit.is_some_and(|n| n < 1) {
            check.fail(field, "must be 1 or more (leave it out for no limit)");
        }
    }
    let now = Utc::now();
    if let Some(end) = input.ends_at {
        if end <= now || input.starts_at.is_some_and(|start| end <= start) {
            check.fail("ends_at", "must be after the start and in the future");
        }
    }
    check.done()?;
    let made = coupon::ActiveModel {
        code: Set(code.clone()),
        kind: Set(kind),
        value: Set(value),
        currency: Set(currency),
        min_spend_minor: Set(input.min_spend_minor),
        max_uses: Set(input.max_uses),
        max_uses_per_customer: Set(input.max_uses_per_customer),
        used_count: Set(0),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    };
    let txn = crate::write_txn(&shop.db).await?;
    let made = match made.insert(&txn).await {
        Ok(m) => m,
        Err(e) if is_unique_violation(&e) => {
            return Err(ServiceError::InvalidField { field: "code", message: "is already a coupon".into() })
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(&txn, actor, "coupon.created", &format!("coupon:{}", made.id), &made.code).await?;
    txn.commit().await?;
    Ok(view(made))
}

/// Switches a coupon off or on, or moves its total limit or its end
/// (admins). Orders already placed keep their discount.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`;
/// `InvalidFields` for a limit below what was used (or below one), or an end
/// in the past.
pub async fn update(shop: &Shop, actor: Actor, id: i64, patch: CouponPatch) -> ServiceResult<CouponView> {
    authorize(actor, Action::ManagePricing)?;
    let txn = crate::write_txn(&shop.db).await?;
    let current = coupon::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("coupon"))?;
    let mut check = Check::default();
    if let Some(max) = patch.max_uses {
        if max < Ord::max(current.used_count, 1) {
            check.fail(
                "max_uses",
                format!("must be at least {} (what was used, and 1)", Ord::max(current.used_count, 1)),
            );
        }
    }
    if patch.ends_at.is_some_and(|end| end <= Utc::now()) {
        check.fail("ends_at", "must be in the future");
    }
    check.done()?;
    let mut said = Vec::new();
    let mut row: coupon::ActiveModel = current.into();
    if let Some(active) = patch.active {
        row.active = Set(active);
        said.push(if active { "on".to_owned() } else { "off".to_owned() });
    }
    if let Some(max) = patch.max_uses {
        row.max_uses = Set(Some(max));
        said.push(format!("max_uses {max}"));
    }
    if let Some(end) = patch.ends_at {
        row.ends_at = Set(Some(end));
        said.push(format!("ends_at {end}"));
    }
    let saved = row.update(&txn).await?;
    audit::record(&txn, actor, "coupon.changed", &format!("coupon:{id}"), &said.join(", ")).await?;
    txn.commit().await?;
    Ok(view(saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stored_trimmed_and_upper_case() {
        assert_eq!(normal_code("  spring-10 "), "SPRING-10");
    }
}
