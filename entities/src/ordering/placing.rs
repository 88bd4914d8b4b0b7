//! Placing orders from carts and moving them through their life.
//!
//! Placing takes an idempotency key (unique in the database): a retried
//! request gets the same order back and never makes a second. Prices and
//! totals come from the catalog, never from the request. Stock is reserved
//! in the same transaction (`inventory::reserve`), one sub-order is made per
//! vendor with the shop's commission, the cart is emptied, and
//! `order.placed` is written to the outbox — all or nothing.

use super::access::Actor;
use super::inventory::{self, Wanted};
use super::pricing::{self, PricedLine};
use super::validate::Check;
use super::{outbox, ServiceError, ServiceResult, Shop};
use crate::checkout::{
    Address, OrderEventView, OrderLineView, OrderView, PlaceOrder, Quote, QuoteRequest, SubOrderView,
};
use crate::model::{
    cart_item, coupon, coupon_redemption, order, order_event, order_line, product, reservation, sub_order, variant,
    vendor,
};
use crate::{Email, OrderStatus};
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

pub(crate) fn actor_name(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous | Actor::Customer { .. } => "customer",
        Actor::Support { .. } => "support",
        Actor::Admin => "admin",
        Actor::VendorStaff { .. } => "vendor",
    }
}

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
    let txn = super::write_txn(&shop.db).await?;
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
        .filter(product::Column::Status.eq("active"))
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

    let line_total = |item: &cart_item::Model, v: &variant::Model| v.price_minor * i64::from(item.quantity);
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|(item, v, p)| PricedLine {
            vendor_id: p.vendor_id,
            total_minor: line_total(item, v),
            grams: i64::from(v.weight_grams) * i64::from(item.quantity),
        })
        .collect();
    let vendors = super::fulfilment::vendors_of(&txn, pricing::vendors_in_order(&priced)).await?;
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
    let (email_orders_24h, ip_orders_1h) = velocity(&txn, &email, choices.client_ip.as_deref(), now).await?;
    let risk = crate::fraud::assess(
        &crate::fraud::RiskSignals {
            amount_minor: quote.total_minor,
            email_orders_24h,
            ip_orders_1h,
            billing_country: choices.billing.as_ref().map(|b| b.country.as_str()),
            shipping_country: &address.country,
        },
        &shop.settings.risk,
    );
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
        status: Set(OrderStatus::PendingPayment.as_str().to_owned()),
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
        let part_total: i64 = part.iter().map(|(item, v, _)| line_total(item, v)).sum();
        let bps = vendors.get(&vendor_id).map_or(0, |v| v.commission_bps);
        let slug = vendors.get(&vendor_id).map(|v| v.slug.as_str()).unwrap_or_default();
        let shipped = quote.vendors.iter().find(|q| q.vendor == slug);
        let sub = sub_order::ActiveModel {
            order_id: Set(placed.id),
            vendor_id: Set(vendor_id),
            status: Set(OrderStatus::PendingPayment.as_str().to_owned()),
            subtotal_minor: Set(part_total),
            commission_bps: Set(bps),
            commission_minor: Set(commission(part_total, bps)),
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
                line_total_minor: Set(line_total(item, v)),
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
    outbox::record(&txn, "order.placed", serde_json::json!({ "order_id": placed.id, "public_id": public_id })).await?;
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
            parts: super::fulfilment::Parts::default(),
            due_minor,
        },
    )?;
    tracing::info!(order = %public_id, "order placed");
    Ok((view, true))
}

/// How many orders `email` placed in the last 24 hours and `ip` in the last
/// hour (fraud screening's velocity rules), in one query.
async fn velocity<C: ConnectionTrait>(
    db: &C,
    email: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<(u64, u64)> {
    let count = |column: order::Column, value: &str, since: DateTime<Utc>| {
        let counted = Query::select()
            .expr(Expr::col(order::Column::Id).count())
            .from(order::Entity)
            .and_where(column.eq(value))
            .and_where(order::Column::CreatedAt.gt(since))
            .to_owned();
        Expr::SubQuery(None, Box::new(QueryStatementBuilder::into_sub_query_statement(counted)))
    };
    let mut query = Query::select()
        .expr_as(count(order::Column::Email, email, now - chrono::Duration::hours(24)), "by_email")
        .to_owned();
    if let Some(ip) = ip {
        query.expr_as(count(order::Column::ClientIp, ip, now - chrono::Duration::hours(1)), "by_ip");
    }
    let row = db.query_one(&query).await?.ok_or_else(|| ServiceError::Corrupt("no count".into()))?;
    let by_email: i64 = row.try_get("", "by_email")?;
    let by_ip: i64 = if ip.is_some() { row.try_get("", "by_ip")? } else { 0 };
    Ok((u64::try_from(by_email).unwrap_or(0), u64::try_from(by_ip).unwrap_or(0)))
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

/// What an order for a cart would cost to a destination, with the chosen
/// shipping and coupon — the same arithmetic as placing it, nothing held.
///
/// # Errors
/// `InvalidField(s)` for a bad cart token or country, an empty cart, mixed
/// currencies, nothing shipping there, or an unusable coupon.
pub async fn quote(shop: &Shop, req: &QuoteRequest) -> ServiceResult<Quote> {
    let cart_id = Uuid::parse_str(req.cart_id.trim())
        .map_err(|_| ServiceError::InvalidField { field: "cart_id", message: "is not a cart token".into() })?;
    let country = req.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ServiceError::InvalidField {
            field: "country",
            message: "must be a two-letter country code".into(),
        });
    }
    let cart = super::cart::view(shop, cart_id).await?;
    if cart.lines.is_empty() {
        return Err(ServiceError::InvalidField { field: "cart_id", message: "the cart is empty".into() });
    }
    if cart.mixed_currencies {
        return Err(ServiceError::InvalidField {
            field: "cart_id",
            message: "holds items priced in different currencies; one order takes one currency".into(),
        });
    }
    let variants: HashMap<i64, variant::Model> = variant::Entity::find()
        .filter(variant::Column::Id.is_in(cart.lines.iter().map(|l| l.variant_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let products: HashMap<i64, i64> = product::Entity::find()
        .filter(product::Column::Id.is_in(variants.values().map(|v| v.product_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.vendor_id))
        .collect();
    let priced: Vec<PricedLine> = cart
        .lines
        .iter()
        .filter_map(|l| {
            let v = variants.get(&l.variant_id)?;
            Some(PricedLine {
                vendor_id: *products.get(&v.product_id)?,
                total_minor: l.line_total_minor,
                grams: i64::from(v.weight_grams) * i64::from(l.quantity),
            })
        })
        .collect();
    let vendors = super::fulfilment::vendors_of(&shop.db, pricing::vendors_in_order(&priced)).await?;
    let (quote, _) = pricing::quote(
        &shop.db,
        &priced,
        &vendors,
        &cart.currency,
        &country,
        &req.shipping,
        req.coupon.as_deref(),
        shop.settings.prices_include_tax,
        Utc::now(),
    )
    .await?;
    Ok(quote)
}

/// The shop's commission on `amount` at `bps` basis points, rounded half up.
pub fn commission(amount: i64, bps: i32) -> i64 {
    (amount * i64::from(bps) + 5_000) / 10_000
}

/// Writes an entry on order `order_id`'s timeline (who, what, a status
/// move if any, a note) and answers the row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn event<C: ConnectionTrait>(
    txn: &C,
    order_id: i64,
    actor: &str,
    kind: &str,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    note: &str,
) -> ServiceResult<order_event::Model> {
    Ok(order_event::ActiveModel {
        order_id: Set(order_id),
        at: Set(Utc::now()),
        actor: Set(actor.to_owned()),
        kind: Set(kind.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.map(|s| s.as_str().to_owned())),
        note: Set(note.to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Takes order `order_id`'s row lock until the transaction ends (a no-op
/// update: PostgreSQL locks the row, SQLite's writer already holds the
/// database), so use cases that read and then change an order run one
/// after the other.
pub(crate) async fn lock<C: ConnectionTrait>(txn: &C, order_id: i64) -> ServiceResult<()> {
    order::Entity::update_many()
        .col_expr(order::Column::Id, Expr::col(order::Column::Id))
        .filter(order::Column::Id.eq(order_id))
        .exec(txn)
        .await?;
    Ok(())
}

pub(crate) fn status_of(text: &str) -> ServiceResult<OrderStatus> {
    OrderStatus::parse(text).ok_or_else(|| ServiceError::Corrupt(format!("unknown order status {text:?}")))
}

/// The order with public id `public_id` as its customer sees it. The id is
/// the capability: whoever has it may read the order.
///
/// # Errors
/// `NotFound` for an unknown or malformed id.
pub async fn order_by_public_id(shop: &Shop, public_id: &str) -> ServiceResult<OrderView> {
    view_public(&shop.db, public_id).await
}

/// The order with public id `public_id`, when `actor` may read it: a guest's
/// order by whoever holds its id, an account's order by its customer and by
/// staff (`access::read_order`).
///
/// # Errors
/// `NotFound` for an unknown id or an order `actor` may not read.
pub async fn order_for(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<OrderView> {
    let row = find_public(&shop.db, public_id).await?;
    super::access::read_order(actor, row.user_id)?;
    view_of(&shop.db, row).await
}

/// Most orders one page of a customer's history shows.
pub const HISTORY_PAGE: u64 = 50;

/// Account `user_id`'s orders, newest first: a page of
/// [`HISTORY_PAGE`], older than the order with public id `before` when given.
///
/// # Errors
/// When the database fails; `NotFound` for a `before` that is not theirs.
pub async fn customer_orders(
    shop: &Shop,
    user_id: i64,
    before: Option<&str>,
) -> ServiceResult<crate::account::OrderHistory> {
    use sea_orm::QuerySelect;
    let mut query = order::Entity::find().filter(order::Column::UserId.eq(user_id));
    if let Some(before) = before {
        let anchor = find_public(&shop.db, before).await?;
        super::access::own_record(user_id, anchor.user_id.unwrap_or(-1), "order")?;
        query = query.filter(order::Column::Id.lt(anchor.id));
    }
    let rows = query.order_by_desc(order::Column::Id).limit(HISTORY_PAGE + 1).all(&shop.db).await?;
    let more = rows.len() as u64 > HISTORY_PAGE;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let counts: HashMap<i64, i64> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::OrderId)
        .column_as(Expr::col(order_line::Column::Quantity).sum(), "units")
        .filter(order_line::Column::OrderId.is_in(ids))
        .group_by(order_line::Column::OrderId)
        .into_tuple::<(i64, Option<i64>)>()
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|(id, units)| (id, units.unwrap_or_default()))
        .collect();
    let orders = rows
        .into_iter()
        .take(HISTORY_PAGE as usize)
        .map(|o| {
            Ok(crate::account::OrderSummary {
                id: o.public_id.to_string(),
                status: status_of(&o.status)?,
                units: counts.get(&o.id).copied().unwrap_or_default(),
                total_minor: o.total_minor,
                currency: o.currency,
                created_at: o.created_at,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(crate::account::OrderHistory { orders, more })
}

/// The order with public id `public_id`, as its customer sees it, read on `db`.
pub(crate) async fn view_public<C: ConnectionTrait>(db: &C, public_id: &str) -> ServiceResult<OrderView> {
    let row = find_public(db, public_id).await?;
    view_of(db, row).await
}

pub(crate) async fn find_public<C: ConnectionTrait>(db: &C, public_id: &str) -> ServiceResult<order::Model> {
    let id = Uuid::parse_str(public_id.trim()).map_err(|_| ServiceError::NotFound("order"))?;
    order::Entity::find().filter(order::Column::PublicId.eq(id)).one(db).await?.ok_or(ServiceError::NotFound("order"))
}

async fn view_of<C: ConnectionTrait>(db: &C, o: order::Model) -> ServiceResult<OrderView> {
    let subs = sub_order::Entity::find()
        .filter(sub_order::Column::OrderId.eq(o.id))
        .order_by_asc(sub_order::Column::Id)
        .all(db)
        .await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .order_by_asc(order_line::Column::Id)
        .all(db)
        .await?;
    let vendors = super::fulfilment::vendors_of(db, subs.iter().map(|s| s.vendor_id)).await?;
    let events = order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(o.id))
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?;
    let pay_before = match (o.reservation_id, status_of(&o.status)?) {
        (Some(id), OrderStatus::PendingPayment) => {
            reservation::Entity::find_by_id(id).one(db).await?.map(|r| r.expires_at)
        }
        _ => None,
    };
    let payments = crate::model::payment::Entity::find()
        .filter(crate::model::payment::Column::OrderId.eq(o.id))
        .order_by_asc(crate::model::payment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| crate::checkout::PaymentView {
            provider: p.provider,
            status: p.status,
            reference: p.provider_ref,
            amount_minor: p.amount_minor,
            refunded_minor: p.refunded_minor,
        })
        .collect();
    let parts = super::fulfilment::parts(db, o.id, &subs, &lines, &vendors).await?;
    let due_minor =
        if o.status == OrderStatus::PendingPayment.as_str() { super::gift_cards::due(db, &o).await? } else { 0 };
    assemble(o, Loaded { subs, lines, vendors: &vendors, events, pay_before, payments, parts, due_minor })
}

/// What an order's view is made of besides the order's own row.
struct Loaded<'a> {
    subs: Vec<sub_order::Model>,
    lines: Vec<order_line::Model>,
    vendors: &'a HashMap<i64, vendor::Model>,
    events: Vec<order_event::Model>,
    pay_before: Option<DateTime<Utc>>,
    payments: Vec<crate::checkout::PaymentView>,
    parts: super::fulfilment::Parts,
    due_minor: i64,
}

fn assemble(o: order::Model, loaded: Loaded<'_>) -> ServiceResult<OrderView> {
    let Loaded { subs, lines, vendors, events, pay_before, payments, parts, due_minor } = loaded;
    let mut sub_orders = Vec::with_capacity(subs.len());
    for s in subs {
        let vendor = vendors.get(&s.vendor_id);
        sub_orders.push(SubOrderView {
            vendor: vendor.map(|v| v.slug.clone()).unwrap_or_default(),
            vendor_name: vendor.map(|v| v.name.clone()).unwrap_or_default(),
            status: status_of(&s.status)?,
            subtotal_minor: s.subtotal_minor,
            shipping_method: s.shipping_method.clone(),
            shipping_minor: s.shipping_minor,
            lines: lines
                .iter()
                .filter(|l| l.sub_order_id == s.id)
                .map(|l| OrderLineView {
                    product_id: l.product_id,
                    variant_id: l.variant_id,
                    sku: l.sku.clone(),
                    title: l.title.clone(),
                    options: super::catalog::pairs(&l.options).into_iter().collect::<BTreeMap<_, _>>(),
                    unit_price_minor: l.unit_price_minor,
                    quantity: l.quantity,
                    line_total_minor: l.line_total_minor,
                    shipped: parts.counts.get(&l.id).map_or(0, |c| c.0),
                    returned: parts.counts.get(&l.id).map_or(0, |c| c.1),
                })
                .collect(),
        });
    }
    let timeline = events
        .into_iter()
        .map(|e| {
            Ok(OrderEventView {
                at: e.at,
                actor: e.actor,
                kind: e.kind,
                from: e.from_status.as_deref().map(status_of).transpose()?,
                to: e.to_status.as_deref().map(status_of).transpose()?,
                note: e.note,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(OrderView {
        id: o.public_id.to_string(),
        status: status_of(&o.status)?,
        email: o.email,
        currency: o.currency,
        subtotal_minor: o.subtotal_minor,
        shipping_minor: o.shipping_minor,
        tax_minor: o.tax_minor,
        discount_minor: o.discount_minor,
        total_minor: o.total_minor,
        tax_included: o.tax_included,
        coupon: o.coupon_code,
        disputed: o.disputed,
        shipping_address: serde_json::from_value(o.shipping_address)
            .map_err(|e| ServiceError::Corrupt(format!("order address: {e}")))?,
        pay_before,
        sub_orders,
        created_at: o.created_at,
        timeline,
        payments,
        shipments: parts.shipments,
        returns: parts.returns,
        due_minor,
    })
}

/// Moves the order (and its sub-orders) from its status to `to` when the
/// order's life allows it, with the timeline entry and `order.<status>` in
/// the outbox; a move to the status it already has changes nothing.
/// Returns whether it moved.
pub(crate) async fn move_to<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
    to: OrderStatus,
    actor: &str,
    note: &str,
) -> ServiceResult<bool> {
    move_order(txn, o, to, actor, note, true).await
}

/// [`move_to`]; `with_parts` false leaves the sub-orders as they are (their
/// fulfilment moves them one by one).
pub(crate) async fn move_order<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
    to: OrderStatus,
    actor: &str,
    note: &str,
    with_parts: bool,
) -> ServiceResult<bool> {
    let from = status_of(&o.status)?;
    if from == to {
        return Ok(false);
    }
    if !from.can_become(to) {
        return Err(ServiceError::Conflict(format!("An order that is {from} cannot become {to}.")));
    }
    // Conditional on the status read, so two racing moves cannot both apply.
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(o.id))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ServiceError::Conflict("The order changed meanwhile; try again.".into()));
    }
    if with_parts {
        sub_order::Entity::update_many()
            .col_expr(sub_order::Column::Status, Expr::value(to.as_str()))
            .filter(sub_order::Column::OrderId.eq(o.id))
            .filter(sub_order::Column::Status.eq(from.as_str()))
            .exec(txn)
            .await?;
    }
    event(txn, o.id, actor, "status_changed", Some(from), Some(to), note).await?;
    outbox::record(
        txn,
        &format!("order.{}", to.as_str()),
        serde_json::json!({ "order_id": o.id, "public_id": o.public_id, "from": from.as_str() }),
    )
    .await?;
    Ok(true)
}

/// Records that order `public_id` has been paid (`reference` names the
/// payment): its reserved stock becomes sold and it moves to `paid`. Safe to
/// repeat: a second call for a paid order changes nothing.
///
/// # Errors
/// `NotFound`; `Conflict` when the order can no longer be paid (cancelled).
#[tracing::instrument(skip(shop))]
pub async fn record_payment(shop: &Shop, public_id: &str, reference: &str) -> ServiceResult<OrderView> {
    let txn = super::write_txn(&shop.db).await?;
    let o = find_public(&txn, public_id).await?;
    record_payment_in(&txn, &o, reference).await?;
    let o = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let view = view_of(&txn, o).await?;
    txn.commit().await?;
    Ok(view)
}

/// [`record_payment`] inside the caller's transaction. Returns whether the
/// order moved to paid now (false when it was paid before).
pub(crate) async fn record_payment_in<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
    reference: &str,
) -> ServiceResult<bool> {
    match status_of(&o.status)? {
        OrderStatus::PendingPayment => {
            if let Some(reservation_id) = o.reservation_id {
                inventory::finish(txn, reservation_id, true).await?;
            }
            move_to(txn, o, OrderStatus::Paid, "payment", &format!("Payment {reference} received.")).await
        }
        OrderStatus::Cancelled => {
            Err(ServiceError::Conflict("The order was cancelled before the payment arrived.".into()))
        }
        // Already paid (or further along): the payment was recorded before.
        _ => Ok(false),
    }
}

/// Holds a paid order whose risk score reached the review limit: it is not
/// fulfilled until staff release it.
pub(crate) async fn hold_for_review<C: ConnectionTrait>(txn: &C, o: &order::Model) -> ServiceResult<()> {
    order::Entity::update_many()
        .col_expr(order::Column::HeldForReview, Expr::value(true))
        .filter(order::Column::Id.eq(o.id))
        .exec(txn)
        .await?;
    let reasons = o.risk_reasons.replace('\n', "; ");
    event(txn, o.id, "fraud", "held", None, None, &format!("Held for review (risk {}): {reasons}.", o.risk_score))
        .await?;
    outbox::record(
        txn,
        "order.held_for_review",
        serde_json::json!({ "order_id": o.id, "public_id": o.public_id, "risk_score": o.risk_score }),
    )
    .await?;
    Ok(())
}

pub use crate::admin::RiskView;

/// Order `public_id`'s fraud screening (staff).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound`.
pub async fn risk_of(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<RiskView> {
    super::access::authorize(actor, super::access::Action::ViewOrders)?;
    let o = find_public(&shop.db, public_id).await?;
    Ok(RiskView {
        score: o.risk_score,
        reasons: o.risk_reasons.lines().map(str::to_owned).collect(),
        held_for_review: o.held_for_review,
        client_ip: o.client_ip,
        billing_address: o
            .billing_address
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| ServiceError::Corrupt(e.to_string()))?,
    })
}

/// Orders for staff, newest first, 50 a page (keyset on the id: as fast on
/// the millionth page as on the first).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `InvalidField` for an
/// unknown status.
pub async fn admin_list(
    shop: &Shop,
    actor: Actor,
    filter: &crate::admin::AdminOrderFilter,
) -> ServiceResult<crate::admin::AdminOrderPage> {
    use sea_orm::QuerySelect;
    super::access::authorize(actor, super::access::Action::ViewOrders)?;
    const PAGE: u64 = 50;
    let mut query = order::Entity::find().order_by_desc(order::Column::Id).limit(PAGE + 1);
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = OrderStatus::parse(status)
            .ok_or_else(|| ServiceError::InvalidField { field: "status", message: "is not an order status".into() })?;
        query = query.filter(order::Column::Status.eq(status.as_str()));
    }
    if filter.held {
        query = query.filter(order::Column::HeldForReview.eq(true));
    }
    if let Some(after) = filter.after {
        query = query.filter(order::Column::Id.lt(after));
    }
    let mut rows = query.all(&shop.db).await?;
    let next = (rows.len() as u64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id)
    });
    let items = rows
        .into_iter()
        .map(|o| {
            Ok(crate::admin::AdminOrderRow {
                id: o.public_id.to_string(),
                placed_at: o.created_at,
                email: o.email,
                status: status_of(&o.status)?,
                total_minor: o.total_minor,
                currency: o.currency,
                risk_score: o.risk_score,
                held_for_review: o.held_for_review,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(crate::admin::AdminOrderPage { items, next: next.flatten() })
}

/// An order with its screening, for staff.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound`.
pub async fn admin_order(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<crate::admin::AdminOrder> {
    let risk = risk_of(shop, actor, public_id).await?;
    Ok(crate::admin::AdminOrder { order: order_by_public_id(shop, public_id).await?, risk })
}

/// Releases an order held for review (staff): it may be fulfilled.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff act; `NotFound`; `Conflict`
/// when it is not held.
pub async fn release_review(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<RiskView> {
    super::access::authorize(actor, super::access::Action::ManageOrders)?;
    let txn = super::write_txn(&shop.db).await?;
    let o = find_public(&txn, public_id).await?;
    let released = order::Entity::update_many()
        .col_expr(order::Column::HeldForReview, Expr::value(false))
        .filter(order::Column::Id.eq(o.id))
        .filter(order::Column::HeldForReview.eq(true))
        .exec(&txn)
        .await?;
    if released.rows_affected == 0 {
        return Err(ServiceError::Conflict("The order is not held for review.".into()));
    }
    event(&txn, o.id, actor_name(actor), "released", None, None, "Released after review.").await?;
    txn.commit().await?;
    risk_of(shop, actor, public_id).await
}

/// Moves order `public_id` to `to` as `actor` — fulfilment steps by staff,
/// cancellation by the customer or staff. Cancelling an unpaid order gives
/// its reserved stock back.
///
/// # Errors
/// `Unauthenticated` when nobody signed in asks for anything but a
/// cancellation; `NotFound`; `Conflict` for a move the order's life does
/// not allow (a shipped order cannot be cancelled, say).
#[tracing::instrument(skip(shop))]
pub async fn change_status(shop: &Shop, actor: Actor, public_id: &str, to: OrderStatus) -> ServiceResult<OrderView> {
    if to != OrderStatus::Cancelled {
        super::access::authorize(actor, super::access::Action::ManageOrders)?;
    }
    if matches!(to, OrderStatus::Paid | OrderStatus::Refunded | OrderStatus::PartiallyRefunded) {
        return Err(ServiceError::Conflict(format!("An order becomes {to} through its payment, not by hand.")));
    }
    let txn = super::write_txn(&shop.db).await?;
    let o = find_public(&txn, public_id).await?;
    // An account's order is not there for anyone else to cancel.
    super::access::read_order(actor, o.user_id)?;
    let from = status_of(&o.status)?;
    if o.held_for_review && matches!(to, OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::Delivered) {
        return Err(ServiceError::Conflict("The order is held for review; release it before fulfilling it.".into()));
    }
    if actor != Actor::Admin && from != OrderStatus::PendingPayment && from != to {
        return Err(ServiceError::Conflict(format!(
            "An order that is {from} can only be cancelled by the shop; please contact it."
        )));
    }
    let note = format!("Changed from {from} to {to}.");
    let moved = move_to(&txn, &o, to, actor_name(actor), &note).await?;
    if moved && to == OrderStatus::Cancelled && from == OrderStatus::PendingPayment {
        // What gift cards paid of it goes back onto them.
        super::gift_cards::give_back(&txn, &o).await?;
    }
    if moved && to == OrderStatus::Cancelled {
        if let Some(reservation_id) = o.reservation_id {
            if from == OrderStatus::PendingPayment {
                inventory::finish(&txn, reservation_id, false).await?;
            } else {
                // Sold units of a paid order go back on the shelf.
                inventory::restock(&txn, reservation_id).await?;
            }
        }
    }
    let o = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let view = view_of(&txn, o).await?;
    txn.commit().await?;
    Ok(view)
}

/// Cancels every unpaid order whose reservation expired before `now`, giving
/// its stock back; returns how many. Each in its own transaction, so one
/// failure does not hold up the rest.
///
/// # Errors
/// `Database` when the due reservations cannot be read.
pub async fn expire_reservations(shop: &Shop, now: DateTime<Utc>) -> ServiceResult<u32> {
    let due = reservation::Entity::find()
        .filter(reservation::Column::Status.eq("active"))
        .filter(reservation::Column::ExpiresAt.lt(now))
        .order_by_asc(reservation::Column::ExpiresAt)
        .all(&shop.db)
        .await?;
    let mut expired = 0;
    for r in due {
        let txn = super::write_txn(&shop.db).await?;
        // The order's lock first, then the reservation: as payments do.
        let owner = order::Entity::find().filter(order::Column::ReservationId.eq(r.id)).one(&txn).await?;
        if let Some(o) = &owner {
            lock(&txn, o.id).await?;
        }
        if !inventory::finish(&txn, r.id, false).await? {
            continue; // Paid or released meanwhile.
        }
        let owner = match owner {
            Some(o) => order::Entity::find_by_id(o.id).one(&txn).await?,
            None => None,
        };
        if let Some(o) = owner {
            move_to(&txn, &o, OrderStatus::Cancelled, "system", "Not paid in time; the stock went back on sale.")
                .await?;
            super::gift_cards::give_back(&txn, &o).await?;
        }
        txn.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Whether any order holds product `product_id` (then it is archived, not
/// deleted).
pub(crate) async fn was_ordered<C: ConnectionTrait>(db: &C, product_id: i64) -> ServiceResult<bool> {
    Ok(order_line::Entity::find().filter(order_line::Column::ProductId.eq(product_id)).one(db).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_rounds_half_up() {
        assert_eq!(commission(10_000, 1_000), 1_000);
        assert_eq!(commission(1_999, 1_250), 250, "249.875 rounds to 250");
        assert_eq!(commission(3, 1_500), 0, "0.45 rounds to 0");
        assert_eq!(commission(0, 1_000), 0);
    }

    #[test]
    fn idempotency_keys_are_checked() {
        assert!(check_key("0b6f2c7e-3a11-4c1a-9f0e-2b4d5e6f7a8b").is_ok());
        assert!(check_key("short").is_err());
        assert!(check_key("has spaces in it").is_err());
        assert!(check_key(&"k".repeat(101)).is_err());
    }
}
