//! Placing orders from carts and moving them through their life.
//!
//! Placing takes an idempotency key (unique in the database): a retried
//! request gets the same order back and never makes a second. Prices and
//! totals come from the catalog, never from the request. Stock is reserved
//! in the same transaction (`inventory::reserve`), one sub-order is made per
//! vendor with the shop's commission, the cart is emptied, and
//! `order.placed` is written to the outbox — all or nothing.

use crate::catalog::inventory::{self, Wanted};
use crate::catalog::ProductStatus;
use crate::events::outbox;
use crate::events::{DomainEvent, OrderRef};
use crate::kernel::access::Actor;
use crate::kernel::validate::Check;
use crate::kernel::Address;
use crate::kernel::{Currency, Money, OrderId};
use crate::model::{cart_item, coupon, coupon_redemption, order, order_line, product, sub_order, variant};
use crate::ordering::pricing::{self, PricedLine};
use crate::ordering::record::actor_name;
use crate::ordering::record::event;
use crate::ordering::view::assemble;
use crate::ordering::view::view_of;
use crate::ordering::view::Loaded;
use crate::ordering::{OrderStatus, OrderView, PlaceOrder};
use crate::Email;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The shortest and longest idempotency key accepted.
const KEY_LEN: std::ops::RangeInclusive<usize> = 8..=100;

fn check_key(key: &str) -> ServiceResult<()> {
    let fine = KEY_LEN.contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fine {
        Ok(())
    } else {
        Err(ServiceError::InvalidField {
            field: "idempotency_key",
            message: "must be 8 to 100 letters, digits, '-' or '_' (a UUID will do)".into(),
        })
    }
}

pub(crate) fn check_address(check: &mut Check, a: &Address, field: &str) -> Address {
    let country = a.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        check.fail(format!("{field}.country"), "must be a two-letter country code such as NL or US");
    }
    Address {
        name: check.text(format!("{field}.name"), &a.name, 200),
        line1: check.text(format!("{field}.line1"), &a.line1, 200),
        line2: check.long_text(format!("{field}.line2"), &a.line2, 200),
        postal_code: check.text(format!("{field}.postal_code"), &a.postal_code, 20),
        city: check.text(format!("{field}.city"), &a.city, 100),
        country,
    }
}

/// Places an order for what cart `input.cart_id` holds, or — when `key` was
/// used before for the same cart — returns that order. The boolean says
/// whether this call created it.
///
/// # Errors
/// `InvalidField(s)` for a bad key, email or address, an empty cart, or
/// mixed currencies; `Conflict` when an item is sold out or short (nothing
/// is reserved then) or the key was used for another cart.
#[tracing::instrument(skip(shop, input), fields(key = %key))]
pub async fn place_order(shop: &Shop, actor: Actor, key: &str, input: PlaceOrder) -> ServiceResult<(OrderView, bool)> {
    check_key(key)?;
    let Checked { email, address, billing, cart_id } = check_details(&input)?;
    let client_ip = input.client_ip.filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    let choices = Choices { shipping: input.shipping, coupon: input.coupon, billing, client_ip };
    match Box::pin(place_new(shop, actor, key, cart_id, email, address, choices)).await {
        Ok(placed) => Ok(placed),
        // Whatever stopped it (the key's unique index behind a twin that won,
        // stock or a coupon the first order used up, a cart filled again),
        // a key that placed an order before answers with that order.
        Err(e) => match replay(&shop.db, key, cart_id).await? {
            Some(order) => Ok((order, false)),
            None => Err(e),
        },
    }
}

/// The shopper's details as placing an order finds them: the email and
/// addresses normalised, the cart's token read.
pub struct Checked {
    /// The email, as parsed.
    pub email: String,
    /// The shipping address, trimmed, its country upper-case.
    pub address: Address,
    /// The billing address, when one was given.
    pub billing: Option<Address>,
    /// The cart.
    pub cart_id: Uuid,
}

/// Checks an order's details the way placing it does — the storefront's
/// checkout asks before its next step — naming every bad field at once.
///
/// # Errors
/// `InvalidFields` (`email`, `shipping_address.<field>`,
/// `billing_address.<field>`, `cart_id`).
pub fn check_details(input: &PlaceOrder) -> ServiceResult<Checked> {
    let mut check = Check::default();
    let email = match Email::parse(&input.email) {
        Ok(e) => e.to_string(),
        Err(e) => {
            check.fail("email", e.to_string());
            String::new()
        }
    };
    let address = check_address(&mut check, &input.shipping_address, "shipping_address");
    let billing = input.billing_address.as_ref().map(|b| check_address(&mut check, b, "billing_address"));
    let cart_id = Uuid::parse_str(input.cart_id.trim()).unwrap_or_else(|_| {
        check.fail("cart_id", "is not a cart token");
        Uuid::nil()
    });
    check.done()?;
    Ok(Checked { email, address, billing, cart_id })
}

/// The order placed before with `key`, if any.
async fn replay<C: ConnectionTrait>(db: &C, key: &str, cart_id: Uuid) -> ServiceResult<Option<OrderView>> {
    let Some(existing) = order::Entity::find().filter(order::Column::IdempotencyKey.eq(key)).one(db).await? else {
        return Ok(None);
    };
    if existing.cart_id != Some(cart_id) {
        return Err(ServiceError::Conflict("This idempotency key was already used for another order.".into()));
    }
    Ok(Some(view_of(db, existing).await?))
}

/// What the shopper chose at checkout besides the address.
struct Choices {
    shipping: BTreeMap<String, String>,
    coupon: Option<String>,
    billing: Option<Address>,
    client_ip: Option<String>,
}

async fn place_new(
    shop: &Shop,
    actor: Actor,
    key: &str,
    cart_id: Uuid,
    email: String,
    address: Address,
    choices: Choices,
) -> ServiceResult<(OrderView, bool)> {
    let txn = crate::write_txn(&shop.db).await?;
    let items = cart_item::Entity::find()
        .filter(cart_item::Column::CartId.eq(cart_id))
        .order_by_asc(cart_item::Column::Id)
        .all(&txn)
        .await?;
    if items.is_empty() {
        // Placing empties the cart, so a retry lands here and gets the order
        // its key placed. (A retry whose cart was filled again meanwhile is
        // stopped by the key's unique index; `place_order` answers then.)
        if let Some(existing) = replay(&txn, key, cart_id).await? {
            return Ok((existing, false));
        }
        return Err(ServiceError::InvalidField { field: "cart_id", message: "the cart is empty".into() });
    }
    let variant_ids: Vec<i64> = items.iter().map(|i| i.variant_id).collect();
    let variants: HashMap<i64, variant::Model> = variant::Entity::find()
        .filter(variant::Column::Id.is_in(variant_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let product_ids: Vec<i64> = variants.values().map(|v| v.product_id).collect();
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    // Each line priced from the catalog as it is now.
    let mut lines = Vec::with_capacity(items.len());
    for item in &items {
        let v = variants.get(&item.variant_id);
        let Some((v, p)) = v.and_then(|v| products.get(&v.product_id).map(|p| (v, p))) else {
            return Err(ServiceError::Conflict(
                "An item in the cart is no longer for sale; remove it and try again.".into(),
            ));
        };
        lines.push((item, v, p));
    }
    let currency = lines[0].1.currency.clone();
    if lines.iter().any(|(_, v, _)| v.currency != currency) {
        return Err(ServiceError::InvalidField {
            field: "cart_id",
            message: "holds items priced in different currencies; one order takes one currency".into(),
        });
    }
    let wanted: Vec<Wanted> = lines
        .iter()
        .map(|(item, v, p)| Wanted {
            variant_id: v.id,
            quantity: item.quantity,
            allow_backorder: v.allow_backorder,
            label: format!("{} ({})", p.title, v.sku),
        })
        .collect();
    // Microseconds, as the database keeps them: the view built below says
    // what a later read says.
    let now = Utc::now().trunc_subsecs(6);
    let reservation_id = Uuid::new_v4();
    let pay_before = now + inventory::RESERVATION_TTL;
    inventory::reserve(&txn, reservation_id, &wanted, pay_before).await?;

    let code: Currency = currency.parse()?;
    let line_total = |item: &cart_item::Model, v: &variant::Model| -> ServiceResult<Money> {
        let units = u32::try_from(item.quantity).map_err(|_| ServiceError::Corrupt("a negative quantity".into()))?;
        Ok(Money::from_minor(v.price_minor, code).checked_mul(units)?)
    };
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|(item, v, p)| {
            Ok(PricedLine {
                vendor_id: p.vendor_id,
                total_minor: line_total(item, v)?.minor(),
                grams: i64::from(v.weight_grams) * i64::from(item.quantity),
            })
        })
        .collect::<ServiceResult<_>>()?;
    let vendors = crate::catalog::vendors::vendors_of(&txn, pricing::vendors_in_order(&priced)).await?;
    let (quote, coupon_row) = pricing::quote(
        &txn,
        &priced,
        &vendors,
        &currency,
        &address.country,
        &choices.shipping,
        choices.coupon.as_deref(),
        shop.settings.prices_include_tax,
        now,
    )
    .await?;
    if let Some(c) = &coupon_row {
        redeem(&txn, c, &email).await?;
    }
    let public_id = Uuid::new_v4();
    let counts = velocity(&txn, &email, choices.client_ip.as_deref(), now).await?;
    let rules = &shop.settings.risk;
    // Each unpaid order holds stock: past a few per email or address,
    // another waits until one is paid or cancelled.
    if (rules.unpaid_per_email > 0 && counts.unpaid_by_email >= rules.unpaid_per_email)
        || (rules.unpaid_per_ip > 0 && counts.unpaid_by_ip >= rules.unpaid_per_ip)
    {
        return Err(ServiceError::RateLimited(
            "Several orders are already waiting for payment; please pay or cancel one before placing another.".into(),
        ));
    }
    let (email_orders_24h, ip_orders_1h) = (counts.by_email, counts.by_ip);
    let risk = crate::ordering::fraud::assess(
        &crate::ordering::fraud::RiskSignals {
            amount_minor: quote.total_minor,
            email_orders_24h,
            ip_orders_1h,
            billing_country: choices.billing.as_ref().map(|b| b.country.as_str()),
            shipping_country: &address.country,
        },
        &shop.settings.risk,
    );
    if risk.score >= rules.block_score {
        tracing::warn!(score = risk.score, reasons = %risk.reasons.join("; "), "order refused by fraud screening");
        return Err(ServiceError::Forbidden);
    }
    let placed = order::ActiveModel {
        client_ip: Set(choices.client_ip.clone()),
        billing_address: Set(choices
            .billing
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ServiceError::Corrupt(e.to_string()))?),
        risk_score: Set(risk.score),
        risk_reasons: Set(risk.reasons.join("\n")),
        public_id: Set(public_id),
        idempotency_key: Set(key.to_owned()),
        cart_id: Set(Some(cart_id)),
        user_id: Set(actor.customer()),
        email: Set(email.clone()),
        status: Set(OrderStatus::PendingPayment),
        currency: Set(currency),
        subtotal_minor: Set(quote.subtotal_minor),
        shipping_minor: Set(quote.shipping_minor),
        tax_minor: Set(quote.tax_minor),
        discount_minor: Set(quote.discount_minor),
        total_minor: Set(quote.total_minor),
        shipping_address: Set(serde_json::to_value(&address).map_err(|e| ServiceError::Corrupt(e.to_string()))?),
        reservation_id: Set(Some(reservation_id)),
        coupon_code: Set(quote.coupon.clone()),
        tax_included: Set(quote.tax_included),
        country: Set(address.country.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(c) = &coupon_row {
        coupon_redemption::ActiveModel {
            coupon_id: Set(c.id),
            order_id: Set(placed.id),
            email: Set(email),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }

    // One sub-order per vendor, in the order the vendors first appear.
    let mut subs = Vec::new();
    let mut order_lines = Vec::with_capacity(lines.len());
    for vendor_id in pricing::vendors_in_order(&priced) {
        let part: Vec<_> = lines.iter().filter(|(_, _, p)| p.vendor_id == vendor_id).collect();
        let part_total =
            Money::sum(code, part.iter().map(|(item, v, _)| line_total(item, v)).collect::<ServiceResult<Vec<_>>>()?)?;
        let bps = vendors.get(&vendor_id).map_or(0, |v| v.commission_bps);
        let slug = vendors.get(&vendor_id).map(|v| v.slug.as_str()).unwrap_or_default();
        let shipped = quote.vendors.iter().find(|q| q.vendor == slug);
        let sub = sub_order::ActiveModel {
            order_id: Set(placed.id),
            vendor_id: Set(vendor_id),
            status: Set(OrderStatus::PendingPayment),
            subtotal_minor: Set(part_total.minor()),
            commission_bps: Set(bps),
            commission_minor: Set(commission(part_total, bps).minor()),
            shipping_method: Set(shipped.map(|q| q.shipping_method.clone()).unwrap_or_default()),
            shipping_minor: Set(shipped.map_or(0, |q| q.shipping_minor)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (item, v, p) in part {
            let line = order_line::ActiveModel {
                order_id: Set(placed.id),
                sub_order_id: Set(sub.id),
                product_id: Set(p.id),
                variant_id: Set(v.id),
                sku: Set(v.sku.clone()),
                title: Set(p.title.clone()),
                options: Set(v.options.clone()),
                unit_price_minor: Set(v.price_minor),
                quantity: Set(item.quantity),
                line_total_minor: Set(line_total(item, v)?.minor()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            order_lines.push(line);
        }
        subs.push(sub);
    }
    let placed_event =
        event(&txn, placed.id, actor_name(actor), "placed", None, Some(OrderStatus::PendingPayment), "Order placed.")
            .await?;
    // The lines this order took, and only those (a line added meanwhile
    // stays). Fewer than were read means a racing request placed them
    // first (PostgreSQL reads without locking the cart): this one stops.
    let taken = cart_item::Entity::delete_many()
        .filter(cart_item::Column::Id.is_in(items.iter().map(|i| i.id)))
        .exec(&txn)
        .await?;
    if taken.rows_affected != items.len() as u64 {
        return Err(ServiceError::Conflict(
            "This cart was ordered a moment ago by another request; nothing more was ordered.".into(),
        ));
    }
    outbox::record(&txn, DomainEvent::OrderPlaced(OrderRef { order_id: OrderId::new(placed.id), public_id })).await?;
    txn.commit().await?;
    // Made from what was just written (nothing paid, shipped or returned
    // yet) rather than read back: a dozen fewer queries per order.
    let due_minor = placed.total_minor;
    let view = assemble(
        placed,
        Loaded {
            subs,
            lines: order_lines,
            vendors: &vendors,
            events: vec![placed_event],
            pay_before: Some(pay_before),
            payments: Vec::new(),
            parts: crate::ordering::shipment_view::Parts::default(),
            due_minor,
        },
    )?;
    tracing::info!(order = %public_id, "order placed");
    Ok((view, true))
}

/// Earlier orders of the same email and address.
struct Velocity {
    /// By `email` in the last 24 hours.
    by_email: u64,
    /// From `ip` in the last hour.
    by_ip: u64,
    /// Of `email` still waiting for payment.
    unpaid_by_email: u64,
    /// From `ip` in the last 24 hours still waiting for payment.
    unpaid_by_ip: u64,
}

/// How many orders `email` placed in the last 24 hours and `ip` in the last
/// hour (fraud screening's velocity rules), and how many of theirs wait for
/// payment (the unpaid-order limits), in one query.
async fn velocity<C: ConnectionTrait>(
    db: &C,
    email: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<Velocity> {
    let count = |column: order::Column, value: &str, since: DateTime<Utc>, unpaid: bool| {
        // Emails are compared without case: `Ann@x` and `ann@x` are one.
        let matches = if matches!(column, order::Column::Email) {
            sea_orm::sea_query::ExprTrait::eq(
                Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(column))),
                value.to_lowercase(),
            )
        } else {
            sea_orm::sea_query::ExprTrait::eq(Expr::col(column), value)
        };
        let mut counted = Query::select()
            .expr(Expr::col(order::Column::Id).count())
            .from(order::Entity)
            .and_where(matches)
            .and_where(order::Column::CreatedAt.gt(since))
            .to_owned();
        if unpaid {
            counted.and_where(order::Column::Status.eq(OrderStatus::PendingPayment));
        }
        Expr::SubQuery(None, Box::new(QueryStatementBuilder::into_sub_query_statement(counted)))
    };
    let day = now - chrono::Duration::hours(24);
    // Unpaid orders end within days (reservations expire), so a week covers
    // every one still waiting.
    let week = now - chrono::Duration::days(7);
    let mut query = Query::select()
        .expr_as(count(order::Column::Email, email, day, false), "by_email")
        .expr_as(count(order::Column::Email, email, week, true), "unpaid_by_email")
        .to_owned();
    if let Some(ip) = ip {
        query.expr_as(count(order::Column::ClientIp, ip, now - chrono::Duration::hours(1), false), "by_ip");
        query.expr_as(count(order::Column::ClientIp, ip, day, true), "unpaid_by_ip");
    }
    let row = db.query_one(&query).await?.ok_or_else(|| ServiceError::Corrupt("no count".into()))?;
    let get = |name: &str| -> ServiceResult<u64> {
        let n: i64 = row.try_get("", name)?;
        Ok(u64::try_from(n).unwrap_or(0))
    };
    Ok(Velocity {
        by_email: get("by_email")?,
        unpaid_by_email: get("unpaid_by_email")?,
        by_ip: if ip.is_some() { get("by_ip")? } else { 0 },
        unpaid_by_ip: if ip.is_some() { get("unpaid_by_ip")? } else { 0 },
    })
}

/// Counts one use of coupon `c` for `email`, atomically: the use count only
/// rises while below the limit (racing orders cannot overshoot it), and the
/// coupon's row stays locked until the order commits, so the per-customer
/// count read next is not raced either.
async fn redeem<C: ConnectionTrait>(txn: &C, c: &coupon::Model, email: &str) -> ServiceResult<()> {
    let bad = |message: &str| ServiceError::InvalidField { field: "coupon", message: message.to_owned() };
    let counted = coupon::Entity::update_many()
        .col_expr(coupon::Column::UsedCount, Expr::col(coupon::Column::UsedCount).add(1))
        .filter(coupon::Column::Id.eq(c.id))
        .filter(
            Condition::any()
                .add(coupon::Column::MaxUses.is_null())
                .add(Expr::col(coupon::Column::UsedCount).lt(Expr::col(coupon::Column::MaxUses))),
        )
        .exec(txn)
        .await?;
    if counted.rows_affected == 0 {
        return Err(bad("has been used up"));
    }
    if let Some(per_customer) = c.max_uses_per_customer {
        let used = coupon_redemption::Entity::find()
            .filter(coupon_redemption::Column::CouponId.eq(c.id))
            .filter(coupon_redemption::Column::Email.eq(email))
            .count(txn)
            .await?;
        if used >= u64::try_from(per_customer).unwrap_or(0) {
            return Err(bad("has already been used with this email address"));
        }
    }
    Ok(())
}

/// The shop's commission on `amount` at `bps` basis points, rounded half up.
pub fn commission(amount: Money, bps: i32) -> Money {
    amount.share_bps(i64::from(bps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_rounds_half_up() {
        let eur = |minor| Money::from_minor(minor, crate::kernel::Currency::Eur);
        assert_eq!(commission(eur(10_000), 1_000), eur(1_000));
        assert_eq!(commission(eur(1_999), 1_250), eur(250), "249.875 rounds to 250");
        assert_eq!(commission(eur(3), 1_500), eur(0), "0.45 rounds to 0");
        assert_eq!(commission(eur(0), 1_000), eur(0));
    }

    #[test]
    fn idempotency_keys_are_checked() {
        assert!(check_key("0b6f2c7e-3a11-4c1a-9f0e-2b4d5e6f7a8b").is_ok());
        assert!(check_key("short").is_err());
        assert!(check_key("has spaces in it").is_err());
        assert!(check_key(&"k".repeat(101)).is_err());
    }
}
