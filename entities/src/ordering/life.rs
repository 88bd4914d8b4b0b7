//! An order's life after it was placed: moves by staff, cancellation (the
//! stock and what gift cards paid go back), expiry of unpaid orders, and
//! release after a fraud review.

use crate::catalog::inventory::{self};
use crate::catalog::ReservationStatus;
use crate::kernel::access::Actor;
use crate::model::{order, reservation};
use crate::ordering::order_lists::risk_of;
use crate::ordering::record::actor_name;
use crate::ordering::record::event;
use crate::ordering::record::find_public;
use crate::ordering::record::lock;
use crate::ordering::record::move_to;
use crate::ordering::view::view_of;
use crate::ordering::OrderStatus;
use crate::ordering::OrderView;
use crate::ordering::RiskView;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// Releases an order held for review (staff): it may be fulfilled.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff act; `NotFound`; `Conflict`
/// when it is not held.
pub async fn release_review(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<RiskView> {
    crate::kernel::access::authorize(actor, crate::kernel::access::Action::ManageOrders)?;
    let txn = crate::write_txn(&shop.db).await?;
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

/// Moves order `public_id` to `to` as `actor` — fulfilment steps by admins,
/// cancellation by the customer (while unpaid) or an admin; support staff
/// only read orders. Cancelling an unpaid order gives
/// its reserved stock back.
///
/// # Errors
/// `Unauthenticated` when nobody signed in asks for anything but a
/// cancellation; `NotFound`; `Conflict` for a move the order's life does
/// not allow (a shipped order cannot be cancelled, say).
#[tracing::instrument(skip(shop))]
pub async fn change_status(shop: &Shop, actor: Actor, public_id: &str, to: OrderStatus) -> ServiceResult<OrderView> {
    if to != OrderStatus::Cancelled {
        crate::kernel::access::authorize(actor, crate::kernel::access::Action::ManageOrders)?;
    }
    if matches!(actor, Actor::Support { .. }) {
        // Support reads orders; changing them is for admins (or the
        // shopper cancelling their own unpaid order).
        return Err(ServiceError::Forbidden);
    }
    if matches!(to, OrderStatus::Paid | OrderStatus::Refunded | OrderStatus::PartiallyRefunded) {
        return Err(ServiceError::Conflict(format!("An order becomes {to} through its payment, not by hand.")));
    }
    let txn = crate::write_txn(&shop.db).await?;
    let o = find_public(&txn, public_id).await?;
    // An account's order is not there for anyone else to cancel.
    crate::kernel::access::read_order(actor, o.user_id)?;
    let from = o.status;
    if o.held_for_review && matches!(to, OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::Delivered) {
        return Err(ServiceError::Conflict("The order is held for review; release it before fulfilling it.".into()));
    }
    if !actor.is_admin() && from != OrderStatus::PendingPayment && from != to {
        return Err(ServiceError::Conflict(format!(
            "An order that is {from} can only be cancelled by the shop; please contact it."
        )));
    }
    let note = format!("Changed from {from} to {to}.");
    let moved = move_to(&txn, &o, to, actor_name(actor), &note).await?;
    if moved && to == OrderStatus::Cancelled && from == OrderStatus::PendingPayment {
        // What gift cards paid of it goes back onto them.
        crate::payments::gift_cards::give_back(&txn, &o).await?;
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
        .filter(reservation::Column::Status.eq(ReservationStatus::Active))
        .filter(reservation::Column::ExpiresAt.lt(now))
        .order_by_asc(reservation::Column::ExpiresAt)
        .all(&shop.db)
        .await?;
    let mut expired = 0;
    for r in due {
        let txn = crate::write_txn(&shop.db).await?;
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
            crate::payments::gift_cards::give_back(&txn, &o).await?;
        }
        txn.commit().await?;
        expired += 1;
    }
    Ok(expired)
}
