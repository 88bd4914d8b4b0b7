//! An order as the people it concerns read it: the record with its lines,
//! sub-orders, timeline, payments, shipments and returns, and what is left
//! to pay.

use crate::kernel::access::Actor;
use crate::model::payment;
use crate::model::{order, order_event, order_line, reservation, sub_order, vendor};
use crate::ordering::record::find_public;
use crate::ordering::{OrderEventView, OrderLineView, OrderStatus, OrderView, SubOrderView};
use crate::payments::PaymentStatus;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

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
    crate::kernel::access::read_order(actor, row.user_id)?;
    view_of(&shop.db, row).await
}

/// The order with public id `public_id`, as its customer sees it, read on `db`.
pub(crate) async fn view_public<C: ConnectionTrait>(db: &C, public_id: &str) -> ServiceResult<OrderView> {
    let row = find_public(db, public_id).await?;
    view_of(db, row).await
}

pub(crate) async fn view_of<C: ConnectionTrait>(db: &C, o: order::Model) -> ServiceResult<OrderView> {
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
    let vendors = crate::catalog::vendors::vendors_of(db, subs.iter().map(|s| s.vendor_id)).await?;
    let events = order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(o.id))
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?;
    let pay_before = match (o.reservation_id, o.status) {
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
        .map(|p| crate::ordering::PaymentView {
            provider: p.provider,
            status: p.status,
            reference: p.provider_ref,
            amount_minor: p.amount_minor,
            refunded_minor: p.refunded_minor,
        })
        .collect();
    let parts = crate::ordering::shipment_view::parts(db, o.id, &subs, &lines, &vendors).await?;
    let due_minor =
        if o.status == OrderStatus::PendingPayment { crate::ordering::view::due(db, &o).await?.minor() } else { 0 };
    assemble(o, Loaded { subs, lines, vendors: &vendors, events, pay_before, payments, parts, due_minor })
}

/// What an order's view is made of besides the order's own row.
pub(crate) struct Loaded<'a> {
    pub(crate) subs: Vec<sub_order::Model>,
    pub(crate) lines: Vec<order_line::Model>,
    pub(crate) vendors: &'a HashMap<i64, vendor::Model>,
    pub(crate) events: Vec<order_event::Model>,
    pub(crate) pay_before: Option<DateTime<Utc>>,
    pub(crate) payments: Vec<crate::ordering::PaymentView>,
    pub(crate) parts: crate::ordering::shipment_view::Parts,
    pub(crate) due_minor: i64,
}

pub(crate) fn assemble(o: order::Model, loaded: Loaded<'_>) -> ServiceResult<OrderView> {
    let Loaded { subs, lines, vendors, events, pay_before, payments, parts, due_minor } = loaded;
    let mut sub_orders = Vec::with_capacity(subs.len());
    for s in subs {
        let vendor = vendors.get(&s.vendor_id);
        sub_orders.push(SubOrderView {
            vendor: vendor.map(|v| v.slug.clone()).unwrap_or_default(),
            vendor_name: vendor.map(|v| v.name.clone()).unwrap_or_default(),
            status: s.status,
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
                    options: crate::kernel::json::pairs(&l.options).into_iter().collect::<BTreeMap<_, _>>(),
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
                from: e.from_status,
                to: e.to_status,
                note: e.note,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(OrderView {
        id: o.public_id.to_string(),
        status: o.status,
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

/// What is left to pay of order `o`: its total less what succeeded or
/// authorized payments cover.
pub(crate) async fn due<C: ConnectionTrait>(db: &C, o: &order::Model) -> ServiceResult<crate::kernel::Money> {
    let currency: crate::kernel::Currency = o.currency.parse()?;
    let money = |minor| crate::kernel::Money::from_minor(minor, currency);
    let covering = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in(PaymentStatus::COVERING))
        .all(db)
        .await?;
    let covered = crate::kernel::Money::sum(currency, covering.iter().map(|p| money(p.amount_minor)))?;
    Ok(money(o.total_minor).checked_sub(covered)?.at_least_zero())
}
