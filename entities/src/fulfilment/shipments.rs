//! Fulfilment of orders, vendor by vendor: shipments with a carrier and a
//! tracking number (some or all of a sub-order's units: partial
//! fulfilment), their delivery, returns (RMA) with restock and refund, and
//! each vendor's list of its own sub-orders.
//!
//! A sub-order's status follows its units: `fulfilling` once some have
//! shipped, `shipped` when all have, `delivered` when every parcel arrived.
//! The order follows its sub-orders: `fulfilling` once any part moved,
//! `shipped` when every part has, `delivered` when every part arrived. Every
//! step takes the order's row lock first, so two parcels sent at once can
//! never ship more units than were bought.

use crate::events::outbox;
use crate::events::{DomainEvent, ShipmentCreated, ShipmentDelivered};
use crate::fulfilment::{ItemCount, NewShipment, ShipmentStatus};
use crate::kernel::access::{self, Action, Actor};
use crate::kernel::OrderId;
use crate::model::{order, order_line, shipment, shipment_line, sub_order, vendor};
use crate::notifications::mail;
use crate::ordering::record::actor_name;
use crate::ordering::shipment_view::tracking_page;
use crate::ordering::shipment_view::view_of_shipment;
use crate::ordering::OrderStatus;
use crate::ordering::ShipmentView;
use crate::ports::MailMessage;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// Lets only admins and vendor staff with a part in the order go further;
/// to other vendors the order does not exist.
pub(crate) fn staff_of(actor: Actor, subs: &[sub_order::Model]) -> ServiceResult<()> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Admin { .. } => Ok(()),
        Actor::VendorStaff { vendor_id, .. } if subs.iter().any(|s| s.vendor_id == vendor_id) => Ok(()),
        Actor::VendorStaff { .. } => Err(ServiceError::NotFound("order")),
        Actor::Customer { .. } | Actor::Support { .. } => Err(ServiceError::Forbidden),
    }
}

/// An order, locked, with its parts and lines, read inside `txn`.
pub(crate) struct Locked {
    pub(crate) order: order::Model,
    pub(crate) subs: Vec<sub_order::Model>,
    pub(crate) lines: Vec<order_line::Model>,
}

pub(crate) async fn lock_order<C: ConnectionTrait>(txn: &C, public_id: &str) -> ServiceResult<Locked> {
    let found = crate::ordering::record::find_public(txn, public_id).await?;
    crate::ordering::record::lock(txn, found.id).await?;
    let order = order::Entity::find_by_id(found.id).one(txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let subs = sub_order::Entity::find()
        .filter(sub_order::Column::OrderId.eq(order.id))
        .order_by_asc(sub_order::Column::Id)
        .all(txn)
        .await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Id)
        .all(txn)
        .await?;
    Ok(Locked { order, subs, lines })
}

/// Units shipped per order line of order `order_id`.
async fn shipped_units<C: ConnectionTrait>(
    txn: &C,
    order_id: i64,
) -> ServiceResult<(HashMap<i64, i32>, HashMap<i64, i32>)> {
    let shipments = shipment::Entity::find().filter(shipment::Column::OrderId.eq(order_id)).all(txn).await?;
    let lines = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipments.iter().map(|s| s.id)))
        .all(txn)
        .await?;
    let mut shipped: HashMap<i64, i32> = HashMap::new();
    let mut delivered: HashMap<i64, i32> = HashMap::new();
    for l in lines {
        *shipped.entry(l.order_line_id).or_default() += l.quantity;
        if shipments.iter().any(|s| s.id == l.shipment_id && s.status == ShipmentStatus::Delivered) {
            *delivered.entry(l.order_line_id).or_default() += l.quantity;
        }
    }
    Ok((shipped, delivered))
}

/// Trims and checks what a tracking number may hold.
fn tracking_number(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let fine = (3..=100).contains(&text.chars().count())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if fine {
        Ok(text.to_owned())
    } else {
        Err("must be 3 to 100 letters, digits, spaces or '-'")
    }
}

/// Checks a list of units against an order's lines: known SKUs, each once,
/// 1 or more units, at most `limit(line)`. Returns the lines with their
/// quantities.
pub(crate) fn pick<'a>(
    lines: &'a [order_line::Model],
    wanted: &[ItemCount],
    limit: impl Fn(&order_line::Model) -> i32,
    what: &str,
) -> ServiceResult<Vec<(&'a order_line::Model, i32)>> {
    let mut picked: Vec<(&order_line::Model, i32)> = Vec::new();
    let mut problems = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let field = format!("lines[{i}]");
        let Some(line) = lines.iter().find(|l| l.sku.eq_ignore_ascii_case(w.sku.trim())) else {
            problems.push((format!("{field}.sku"), format!("no item of the order has SKU {:?}", w.sku)));
            continue;
        };
        if picked.iter().any(|(l, _)| l.id == line.id) {
            problems.push((format!("{field}.sku"), format!("{} is listed twice", line.sku)));
            continue;
        }
        let most = limit(line);
        if w.quantity < 1 || w.quantity > most {
            let message = if most == 0 {
                format!("no unit of {} can be {what}", line.sku)
            } else {
                format!("must be between 1 and {most}, the units of {} that can be {what}", line.sku)
            };
            problems.push((format!("{field}.quantity"), message));
            continue;
        }
        picked.push((line, w.quantity));
    }
    if problems.is_empty() {
        Ok(picked)
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// Ships units of order `public_id`: one parcel, of one vendor's part, with
/// its carrier and tracking number. Admins ship any part; vendor staff their
/// own. The part and the order move on (see the module's description), the
/// timeline says what left, `shipment.created` goes to the outbox and the
/// customer is emailed the tracking number.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff act; `NotFound` for an
/// unknown order or another vendor's; `InvalidField(s)` for a bad carrier,
/// tracking number or URL, unknown SKUs, lines of two vendors, or more
/// units than are left to ship; `Conflict` when the order is unpaid,
/// cancelled, refunded, held for review, or has nothing left to ship.
#[tracing::instrument(skip(shop, input))]
pub async fn ship(shop: &Shop, actor: Actor, public_id: &str, input: NewShipment) -> ServiceResult<ShipmentView> {
    access::catalog_staff(actor)?;
    let mut check = crate::kernel::validate::Check::default();
    let carrier = check.text("carrier", &input.carrier, 60);
    let number = tracking_number(&input.tracking_number).unwrap_or_else(|message| {
        check.fail("tracking_number", message);
        String::new()
    });
    let url = match input.tracking_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if u.starts_with("https://") && u.len() <= 500 && !u.contains(char::is_whitespace) => {
            Some(u.to_owned())
        }
        Some(_) => {
            check.fail("tracking_url", "must be an https:// address of at most 500 characters");
            None
        }
        None => tracking_page(&carrier, &number),
    };
    check.done()?;

    let txn = crate::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    if !matches!(
        o.status,
        OrderStatus::Paid | OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::PartiallyRefunded
    ) {
        return Err(ServiceError::Conflict(format!(
            "An order that is {} cannot ship.",
            o.status.as_str().replace('_', " ")
        )));
    }
    if o.held_for_review {
        return Err(ServiceError::Conflict("The order is held for review; it ships once staff release it.".into()));
    }
    // Which part ships: the lines' vendor, the vendor named, the caller's, or the only one.
    let sub = if let Some(first) = input.lines.first() {
        let line = lines.iter().find(|l| l.sku.eq_ignore_ascii_case(first.sku.trim()));
        match line.and_then(|l| subs.iter().find(|s| s.id == l.sub_order_id)) {
            Some(s) => s,
            None => {
                return Err(ServiceError::InvalidFields(vec![(
                    "lines[0].sku".into(),
                    format!("no item of the order has SKU {:?}", first.sku),
                )]))
            }
        }
    } else if let Some(slug) = input.vendor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let v = vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(&txn).await?;
        match v.and_then(|v| subs.iter().find(|s| s.vendor_id == v.id)) {
            Some(s) => s,
            None => {
                return Err(ServiceError::InvalidField { field: "vendor", message: "has no part in this order".into() })
            }
        }
    } else if let Actor::VendorStaff { vendor_id, .. } = actor {
        subs.iter().find(|s| s.vendor_id == vendor_id).ok_or(ServiceError::NotFound("order"))?
    } else if let [only] = subs.as_slice() {
        only
    } else {
        return Err(ServiceError::InvalidField {
            field: "vendor",
            message: "is needed: the order has several vendors' parts".into(),
        });
    };
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    let (shipped, _) = shipped_units(&txn, o.id).await?;
    let left = |l: &order_line::Model| l.quantity - shipped.get(&l.id).copied().unwrap_or(0);
    let part: Vec<order_line::Model> = lines.iter().filter(|l| l.sub_order_id == sub.id).cloned().collect();
    let picked: Vec<(&order_line::Model, i32)> = if input.lines.is_empty() {
        part.iter().map(|l| (l, left(l))).filter(|(_, q)| *q > 0).collect()
    } else {
        if let Some(stray) =
            input.lines.iter().position(|w| !part.iter().any(|l| l.sku.eq_ignore_ascii_case(w.sku.trim())))
        {
            if lines.iter().any(|l| l.sku.eq_ignore_ascii_case(input.lines[stray].sku.trim())) {
                return Err(ServiceError::InvalidField {
                    field: "lines",
                    message: "hold items of two vendors: send one shipment per vendor".into(),
                });
            }
        }
        pick(&part, &input.lines, left, "shipped")?
    };
    if picked.is_empty() {
        return Err(ServiceError::Conflict("Everything of this part has shipped already.".into()));
    }
    let now = Utc::now();
    let row = shipment::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        order_id: Set(o.id),
        sub_order_id: Set(sub.id),
        carrier: Set(carrier.clone()),
        tracking_number: Set(number.clone()),
        tracking_url: Set(url.clone()),
        status: Set(ShipmentStatus::Shipped),
        actor: Set(actor_name(actor).to_owned()),
        shipped_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (line, quantity) in &picked {
        shipment_line::ActiveModel {
            shipment_id: Set(row.id),
            order_line_id: Set(line.id),
            quantity: Set(*quantity),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let units: i32 = picked.iter().map(|(_, q)| q).sum();
    let vendor_name = vendor::Entity::find_by_id(sub.vendor_id).one(&txn).await?.map(|v| v.name).unwrap_or_default();
    let note = format!("{vendor_name}: {units} unit(s) shipped with {carrier}, tracking number {number}.");
    crate::ordering::record::event(&txn, o.id, actor_name(actor), "shipped", None, None, &note).await?;
    let created = ShipmentCreated {
        order_id: OrderId::new(o.id),
        public_id: o.public_id,
        shipment: row.public_id,
        carrier: carrier.clone(),
        tracking_number: number.clone(),
        tracking_url: url.clone(),
        units,
    };
    outbox::record(&txn, DomainEvent::ShipmentCreated(created)).await?;
    let items = picked.iter().map(|(l, q)| format!("  {q} × {} ({})", l.title, l.sku)).collect::<Vec<_>>().join("\n");
    let follow = url.as_deref().map(|u| format!("\nFollow it: {u}\n")).unwrap_or_default();
    let page = format!("{}/orders/{}", shop.accounts.public_url.trim_end_matches('/'), o.public_id);
    mail::queue(
        &txn,
        &MailMessage {
            to: o.email.clone(),
            subject: format!("{}: your order is on its way", shop.accounts.shop_name),
            text: format!(
                "Good news: part of your order has shipped.\n\n{items}\n\nCarrier: {carrier}\nTracking number: {number}\n{follow}\nYour order: {page}\n"
            ),
        },
        "shipment",
    )
    .await?;
    settle(&txn, &o, actor_name(actor)).await?;
    let view = view_of_shipment(&txn, &row, &lines, &subs).await?;
    txn.commit().await?;
    Ok(view)
}

/// Marks shipment `shipment_id` of order `public_id` delivered (staff of its
/// vendor, or admins); the part and the order move on when everything
/// arrived. Safe to repeat.
///
/// # Errors
/// As [`ship`]; `NotFound` for an unknown shipment.
pub async fn mark_delivered(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    shipment_id: &str,
) -> ServiceResult<ShipmentView> {
    access::catalog_staff(actor)?;
    let txn = crate::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    let id = Uuid::parse_str(shipment_id.trim()).map_err(|_| ServiceError::NotFound("shipment"))?;
    let row = shipment::Entity::find()
        .filter(shipment::Column::PublicId.eq(id))
        .filter(shipment::Column::OrderId.eq(o.id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("shipment"))?;
    let sub = subs.iter().find(|s| s.id == row.sub_order_id).ok_or(ServiceError::NotFound("shipment"))?;
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    if row.status != ShipmentStatus::Delivered {
        shipment::Entity::update_many()
            .col_expr(shipment::Column::Status, Expr::value(ShipmentStatus::Delivered))
            .col_expr(shipment::Column::DeliveredAt, Expr::value(Utc::now()))
            .filter(shipment::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        let note = format!("The parcel {} ({}) was delivered.", row.tracking_number, row.carrier);
        crate::ordering::record::event(&txn, o.id, actor_name(actor), "delivered", None, None, &note).await?;
        let delivered =
            ShipmentDelivered { order_id: OrderId::new(o.id), public_id: o.public_id, shipment: row.public_id };
        outbox::record(&txn, DomainEvent::ShipmentDelivered(delivered)).await?;
        settle(&txn, &o, actor_name(actor)).await?;
    }
    let row = shipment::Entity::find_by_id(row.id).one(&txn).await?.ok_or(ServiceError::NotFound("shipment"))?;
    let view = view_of_shipment(&txn, &row, &lines, &subs).await?;
    txn.commit().await?;
    Ok(view)
}

/// Moves each sub-order of `o` to where its units are, and the order to
/// where its sub-orders are (through `fulfilling` and `shipped` when it
/// skips them). Never moves anything back.
async fn settle<C: ConnectionTrait>(txn: &C, o: &order::Model, actor: &str) -> ServiceResult<()> {
    use OrderStatus::{Delivered, Fulfilling, Shipped};
    fn rank(s: OrderStatus) -> u8 {
        match s {
            OrderStatus::Fulfilling => 1,
            OrderStatus::Shipped => 2,
            OrderStatus::Delivered => 3,
            _ => 0,
        }
    }
    let subs = sub_order::Entity::find().filter(sub_order::Column::OrderId.eq(o.id)).all(txn).await?;
    let lines = order_line::Entity::find().filter(order_line::Column::OrderId.eq(o.id)).all(txn).await?;
    let (shipped, delivered) = shipped_units(txn, o.id).await?;
    let mut targets = Vec::with_capacity(subs.len());
    for s in &subs {
        let part: Vec<&order_line::Model> = lines.iter().filter(|l| l.sub_order_id == s.id).collect();
        let bought: i32 = part.iter().map(|l| l.quantity).sum();
        let sent: i32 = part.iter().map(|l| shipped.get(&l.id).copied().unwrap_or(0)).sum();
        let arrived: i32 = part.iter().map(|l| delivered.get(&l.id).copied().unwrap_or(0)).sum();
        let target = if bought > 0 && arrived >= bought {
            Some(Delivered)
        } else if bought > 0 && sent >= bought {
            Some(Shipped)
        } else if sent > 0 {
            Some(Fulfilling)
        } else {
            None
        };
        if let Some(t) = target {
            if s.status != t && rank(s.status) < rank(t) {
                sub_order::Entity::update_many()
                    .col_expr(sub_order::Column::Status, Expr::value(t))
                    .filter(sub_order::Column::Id.eq(s.id))
                    .exec(txn)
                    .await?;
            }
        }
        targets.push(target);
    }
    let target = if targets.iter().all(|t| *t == Some(Delivered)) {
        Delivered
    } else if targets.iter().all(|t| matches!(t, Some(Shipped | Delivered))) {
        Shipped
    } else if targets.iter().any(Option::is_some) {
        Fulfilling
    } else {
        return Ok(());
    };
    for step in [Fulfilling, Shipped, Delivered] {
        if rank(step) > rank(target) {
            break;
        }
        let current = order::Entity::find_by_id(o.id).one(txn).await?.ok_or(ServiceError::NotFound("order"))?;
        let from = current.status;
        if from == target || (rank(from) >= rank(target) && rank(from) > 0) {
            break;
        }
        let to = if from.can_become(target) { target } else { step };
        if rank(from) >= rank(to) || !from.can_become(to) {
            continue;
        }
        let note = format!(
            "Changed from {from} to {to}: {}.",
            match to {
                Delivered => "everything arrived",
                Shipped => "everything has shipped",
                _ => "the first units have shipped",
            }
        );
        crate::ordering::record::move_order(txn, &current, to, actor, &note, false).await?;
        if to == target {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_checked() {
        assert_eq!(tracking_number(" 1Z 999-AA1 ").as_deref(), Ok("1Z 999-AA1"));
        assert!(tracking_number("12").is_err());
        assert!(tracking_number("abc<script>").is_err());
        assert!(tracking_number(&"9".repeat(101)).is_err());
    }
}
