//! Returns (RMA): a customer asks for items back within the return window,
//! the vendor (or an admin) accepts or refuses, accepted items go back on
//! the shelf and their share of the order is refunded.

use crate::catalog::inventory;
use crate::catalog::vendors::vendors_of;
use crate::events::outbox;
use crate::events::{DomainEvent, ReturnChanged};
use crate::fulfilment::shipments::lock_order;
use crate::fulfilment::shipments::pick;
use crate::fulfilment::shipments::staff_of;
use crate::fulfilment::shipments::Locked;
use crate::fulfilment::{ReturnDecision, ReturnRequest, ReturnStatus};
use crate::kernel::access::{self, Action, Actor};
use crate::kernel::{Currency, Money, OrderId};
use crate::model::{order_line, order_return, return_line, shipment, shipment_line};
use crate::ordering::record::actor_name;
use crate::ordering::shipment_view::parts;
use crate::ordering::OrderStatus;
use crate::ordering::ReturnView;
use crate::payments::PaymentStatus;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How long after its parcel left (or arrived, when that is known) a unit
/// may be sent back.
pub const RETURN_WINDOW_DAYS: i64 = 30;

/// Asks to send units of order `public_id` back (its customer, whoever
/// holds a guest order's id, or staff): units that shipped, within
/// [`RETURN_WINDOW_DAYS`] of their parcel leaving (or arriving), not sent
/// back already. One return is made per vendor, each handled by that
/// vendor; `return.requested` goes to the outbox.
///
/// # Errors
/// `NotFound` for an order `actor` may not read; `InvalidField(s)` for a
/// short reason, unknown SKUs or too many units; `Conflict` when the window
/// has closed.
#[tracing::instrument(skip(shop, request))]
pub async fn request_return(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    request: ReturnRequest,
) -> ServiceResult<Vec<ReturnView>> {
    let txn = crate::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    access::read_order(actor, o.user_id)?;
    if matches!(o.status, OrderStatus::Cancelled | OrderStatus::Refunded) {
        return Err(ServiceError::Conflict(format!("The order is {}: there is nothing to send back.", o.status)));
    }
    let reason = request.reason.trim().to_owned();
    let mut problems = Vec::new();
    if !(3..=1000).contains(&reason.chars().count()) {
        problems.push(("reason".to_owned(), "must be 3 to 1000 characters".to_owned()));
    }
    if request.lines.is_empty() {
        problems.push(("lines".to_owned(), "must name at least one item to send back".to_owned()));
    }
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let vendors = vendors_of(&txn, subs.iter().map(|s| s.vendor_id)).await?;
    let before = parts(&txn, o.id, &subs, &lines, &vendors).await?;
    let picked = pick(
        &lines,
        &request.lines,
        |l| before.counts.get(&l.id).map_or(0, |(shipped, returned)| shipped - returned),
        "sent back",
    )?;
    // The window: from the latest parcel holding units of the line.
    let now = Utc::now();
    let shipments = shipment::Entity::find().filter(shipment::Column::OrderId.eq(o.id)).all(&txn).await?;
    let held = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipments.iter().map(|s| s.id)))
        .all(&txn)
        .await?;
    let mut by_part: BTreeMap<i64, Vec<(&order_line::Model, i32)>> = BTreeMap::new();
    for (line, quantity) in picked {
        let last = shipments
            .iter()
            .filter(|s| held.iter().any(|h| h.shipment_id == s.id && h.order_line_id == line.id))
            .map(|s| s.delivered_at.unwrap_or(s.shipped_at))
            .max();
        if last.is_some_and(|at| now - at > Duration::days(RETURN_WINDOW_DAYS)) {
            return Err(ServiceError::Conflict(format!(
                "{} can be sent back within {RETURN_WINDOW_DAYS} days of delivery; please contact the shop.",
                line.title
            )));
        }
        by_part.entry(line.sub_order_id).or_default().push((line, quantity));
    }
    let mut ids = Vec::new();
    for (sub_id, picked) in &by_part {
        let row = order_return::ActiveModel {
            public_id: Set(Uuid::new_v4()),
            order_id: Set(o.id),
            sub_order_id: Set(*sub_id),
            status: Set(ReturnStatus::Requested),
            reason: Set(reason.clone()),
            note: Set(String::new()),
            restocked: Set(false),
            refund_minor: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (line, quantity) in picked {
            return_line::ActiveModel {
                return_id: Set(row.id),
                order_line_id: Set(line.id),
                quantity: Set(*quantity),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let units: i32 = picked.iter().map(|(_, q)| q).sum();
        crate::ordering::record::event(
            &txn,
            o.id,
            actor_name(actor),
            "return_requested",
            None,
            None,
            &format!("Return of {units} unit(s) asked for: {reason}"),
        )
        .await?;
        let requested =
            ReturnChanged { order_id: OrderId::new(o.id), public_id: o.public_id, return_id: row.public_id, units };
        outbox::record(&txn, DomainEvent::ReturnRequested(requested)).await?;
        ids.push(row.public_id.to_string());
    }
    let made =
        parts(&txn, o.id, &subs, &lines, &vendors).await?.returns.into_iter().filter(|r| ids.contains(&r.id)).collect();
    txn.commit().await?;
    Ok(made)
}

/// What staff do with return `return_id` of order `public_id`:
/// - `approve` a requested return (the customer sends the parcel);
/// - `reject` a requested or approved one, with a note to the customer;
/// - `receive` it (the parcel came back): with `restock`, its units go back
///   on sale (a `return` in the stock ledger, into the warehouse they were
///   sold from); with `refund`, the units' share of what was paid is
///   refunded through the order's payment (goods and shipping weighed by
///   price, so discounts and tax are shared out with them).
///
/// Admins act on any return, vendor staff on their own part's. Each step
/// is on the timeline and in the outbox (`return.<status>`).
///
/// # Errors
/// As [`ship`]; `NotFound` for an unknown return; `InvalidField(s)` for an
/// unknown action or a rejection without a note; `Conflict` for a step the
/// return's status does not allow; `Port` when the refund fails (the return
/// stays received: refund it by hand).
#[tracing::instrument(skip(shop, decision))]
pub async fn decide_return(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    return_id: &str,
    decision: ReturnDecision,
) -> ServiceResult<ReturnView> {
    access::catalog_staff(actor)?;
    let action = decision.action.trim().to_ascii_lowercase();
    let note = decision.note.trim().to_owned();
    if note.chars().count() > 1000 {
        return Err(ServiceError::InvalidField { field: "note", message: "must be at most 1000 characters".into() });
    }
    let to = match action.as_str() {
        "approve" => ReturnStatus::Approved,
        "reject" => ReturnStatus::Rejected,
        "receive" => ReturnStatus::Received,
        _ => {
            return Err(ServiceError::InvalidField {
                field: "action",
                message: "must be approve, reject or receive".into(),
            })
        }
    };
    if to == ReturnStatus::Rejected && note.is_empty() {
        return Err(ServiceError::InvalidField { field: "note", message: "must tell the customer why".into() });
    }
    let txn = crate::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    let id = Uuid::parse_str(return_id.trim()).map_err(|_| ServiceError::NotFound("return"))?;
    let row = order_return::Entity::find()
        .filter(order_return::Column::PublicId.eq(id))
        .filter(order_return::Column::OrderId.eq(o.id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("return"))?;
    let sub = subs.iter().find(|s| s.id == row.sub_order_id).ok_or(ServiceError::NotFound("return"))?;
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    if !row.status.can_become(to) {
        return Err(ServiceError::Conflict(format!("A return that is {} cannot be {to}.", row.status)));
    }
    let items: Vec<(order_line::Model, i32)> = return_line::Entity::find()
        .filter(return_line::Column::ReturnId.eq(row.id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|rl| lines.iter().find(|l| l.id == rl.order_line_id).map(|l| (l.clone(), rl.quantity)))
        .collect();
    let mut restocked = false;
    if to == ReturnStatus::Received && decision.restock {
        let reference = format!("return:{}", row.public_id);
        for (line, quantity) in &items {
            restocked |=
                inventory::return_units(&txn, o.reservation_id, line.variant_id, *quantity, &reference).await?;
        }
    }
    // A refund is recorded with the receipt, in one transaction: should the
    // process stop before the provider is asked, reconciliation asks.
    let mut recorded = Vec::new();
    if to == ReturnStatus::Received && decision.refund {
        let currency: Currency = o.currency.parse()?;
        let money = |minor| Money::from_minor(minor, currency);
        let mut goods = Money::zero(currency);
        for (line, quantity) in &items {
            let units = u32::try_from(*quantity).map_err(|_| ServiceError::Corrupt("a negative return".into()))?;
            goods = goods.checked_add(money(line.unit_price_minor).checked_mul(units)?)?;
        }
        let mut owed = share(money(o.total_minor), goods.minor(), o.subtotal_minor + o.shipping_minor);
        // From the payments with the most left first (a card, then a gift card).
        let mut paid: Vec<crate::model::payment::Model> = crate::model::payment::Entity::find()
            .filter(crate::model::payment::Column::OrderId.eq(o.id))
            .filter(crate::model::payment::Column::Status.eq(PaymentStatus::Succeeded))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|p| p.refunded_minor < p.amount_minor)
            .collect();
        paid.sort_by_key(|p| (std::cmp::Reverse(p.amount_minor - p.refunded_minor), p.id));
        for p in paid {
            if owed <= Money::zero(currency) {
                break;
            }
            let left = money(p.amount_minor - p.refunded_minor);
            let part = if owed < left { owed } else { left };
            let reason = format!("return {}", row.public_id);
            recorded.push(
                crate::payments::refunds::record_refund(
                    &txn,
                    &crate::kernel::audit::label(actor),
                    &o,
                    Some(part.minor()),
                    &reason,
                    Some(&p.provider_ref),
                )
                .await?,
            );
            owed = owed.checked_sub(part)?;
        }
    }
    let refund_minor: i64 = recorded.iter().map(|(r, _)| r.amount_minor).sum();
    let moved = order_return::Entity::update_many()
        .col_expr(order_return::Column::Status, Expr::value(to))
        .col_expr(
            order_return::Column::Note,
            Expr::value(if note.is_empty() { row.note.clone() } else { note.clone() }),
        )
        .col_expr(order_return::Column::Restocked, Expr::value(restocked))
        .col_expr(order_return::Column::RefundMinor, Expr::value(row.refund_minor + refund_minor))
        .col_expr(order_return::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order_return::Column::Id.eq(row.id))
        .filter(order_return::Column::Status.eq(row.status))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ServiceError::Conflict("The return changed meanwhile; look at it again.".into()));
    }
    let units: i32 = items.iter().map(|(_, q)| q).sum();
    let said = match to {
        ReturnStatus::Approved => format!("Return of {units} unit(s) approved: please send it back."),
        ReturnStatus::Rejected => format!("Return of {units} unit(s) refused: {note}"),
        ReturnStatus::Requested | ReturnStatus::Received => {
            format!("Return of {units} unit(s) received{}.", if restocked { "; back on sale" } else { "" })
        }
    };
    crate::ordering::record::event(&txn, o.id, actor_name(actor), &format!("return_{to}"), None, None, &said).await?;
    let changed =
        ReturnChanged { order_id: OrderId::new(o.id), public_id: o.public_id, return_id: row.public_id, units };
    let event = match to {
        ReturnStatus::Approved => DomainEvent::ReturnApproved(changed),
        ReturnStatus::Rejected => DomainEvent::ReturnRejected(changed),
        ReturnStatus::Requested | ReturnStatus::Received => DomainEvent::ReturnReceived(changed),
    };
    outbox::record(&txn, event).await?;
    txn.commit().await?;

    // Then the providers are asked; a refusal takes its part off the return.
    let mut refused = None;
    for (refund, pay) in &recorded {
        match crate::payments::refunds::ask_for_refund(shop, refund, pay).await? {
            crate::payments::refunds::Asked::Done | crate::payments::refunds::Asked::NoAnswer(_) => {}
            crate::payments::refunds::Asked::Refused(e) => {
                order_return::Entity::update_many()
                    .col_expr(
                        order_return::Column::RefundMinor,
                        Expr::col(order_return::Column::RefundMinor).sub(refund.amount_minor),
                    )
                    .filter(order_return::Column::Id.eq(row.id))
                    .exec(&shop.db)
                    .await?;
                refused = Some(e);
            }
        }
    }
    if let Some(e) = refused {
        return Err(e);
    }
    let vendors = vendors_of(&shop.db, subs.iter().map(|s| s.vendor_id)).await?;
    parts(&shop.db, o.id, &subs, &lines, &vendors)
        .await?
        .returns
        .into_iter()
        .find(|r| r.id == row.public_id.to_string())
        .ok_or(ServiceError::NotFound("return"))
}

/// `part` of `whole`'s share of `total`, rounded half up: what goods worth
/// `part` of an order's goods and shipping (`whole`) paid of its `total`.
pub fn share(total: Money, part: i64, whole: i64) -> Money {
    total.portion(part, whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_rounded_half_up_and_never_divides_by_zero() {
        let eur = |minor| Money::from_minor(minor, Currency::Eur);
        assert_eq!(share(eur(12_100), 5_000, 10_000), eur(6_050));
        assert_eq!(share(eur(100), 1, 3), eur(33), "33.33 rounds down");
        assert_eq!(share(eur(100), 2, 3), eur(67), "66.67 rounds up");
        assert_eq!(share(eur(5), 1, 2), eur(3), "2.5 rounds up");
        assert_eq!(share(eur(100), 1, 0), eur(0));
    }
}
