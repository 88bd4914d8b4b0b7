//! The order record: finding an order, taking its lock, writing its timeline
//! and moving its status. Payments, gift cards and fulfilment change orders
//! only through here: it is the core of the ordering room that they call, so
//! that no two rooms import each other both ways.

use crate::catalog::inventory::{self};
use crate::events::outbox;
use crate::events::{DomainEvent, OrderHeld, OrderMoved};
use crate::kernel::access::Actor;
use crate::kernel::OrderId;
use crate::model::{order, order_event, sub_order};
use crate::ordering::view::view_of;
use crate::ordering::OrderStatus;
use crate::ordering::OrderView;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub(crate) fn actor_name(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous | Actor::Customer { .. } => "customer",
        Actor::Support { .. } => "support",
        Actor::Admin { .. } => "admin",
        Actor::VendorStaff { .. } => "vendor",
    }
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
        from_status: Set(from),
        to_status: Set(to),
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

pub(crate) async fn find_public<C: ConnectionTrait>(db: &C, public_id: &str) -> ServiceResult<order::Model> {
    let id = Uuid::parse_str(public_id.trim()).map_err(|_| ServiceError::NotFound("order"))?;
    order::Entity::find().filter(order::Column::PublicId.eq(id)).one(db).await?.ok_or(ServiceError::NotFound("order"))
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
    let from = o.status;
    if from == to {
        return Ok(false);
    }
    if !from.can_become(to) {
        return Err(ServiceError::Conflict(format!("An order that is {from} cannot become {to}.")));
    }
    // Conditional on the status read, so two racing moves cannot both apply.
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(o.id))
        .filter(order::Column::Status.eq(from))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ServiceError::Conflict("The order changed meanwhile; try again.".into()));
    }
    if with_parts {
        sub_order::Entity::update_many()
            .col_expr(sub_order::Column::Status, Expr::value(to))
            .filter(sub_order::Column::OrderId.eq(o.id))
            .filter(sub_order::Column::Status.eq(from))
            .exec(txn)
            .await?;
    }
    event(txn, o.id, actor, "status_changed", Some(from), Some(to), note).await?;
    let moved = OrderMoved { order_id: OrderId::new(o.id), public_id: o.public_id, from };
    let event = DomainEvent::order_moved(to, moved)
        .ok_or_else(|| ServiceError::Conflict(format!("An order cannot move back to {to}.")))?;
    outbox::record(txn, event).await?;
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
    let txn = crate::write_txn(&shop.db).await?;
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
    match o.status {
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
    let held = OrderHeld { order_id: OrderId::new(o.id), public_id: o.public_id, risk_score: o.risk_score };
    outbox::record(txn, DomainEvent::OrderHeldForReview(held)).await?;
    Ok(())
}
