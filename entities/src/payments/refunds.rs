//! Refunds: deciding how much may go back and to which payments, asking
//! the providers, and asking again when they did not answer.

use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::{Currency, Money};
use crate::model::{order, payment};
use crate::ordering::OrderStatus;
use crate::payments::audit_log::audit;
use crate::payments::{PaymentStatus, RefundStatus};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The longest refund reason kept (a longer one is refused).
pub const MAX_REASON: usize = 500;

/// Gives back `amount_minor` of order `public_id`'s payment (all that is
/// left when `None`), as an admin asks. The payment is the one named by its
/// provider reference (`payment`), else the succeeded payment with the most
/// left to refund. The refund is recorded — and the payment's refunded total
/// raised with a conditional update, under the order's row lock — before
/// the provider is asked, so racing refunds can never together exceed what
/// was paid. If the provider refuses, the amount is freed again; if it does
/// not answer, the amount stays held and reconciliation asks again with the
/// same idempotency key ([`retry_refunds`]). The order becomes `refunded`
/// when nothing is left, else `partially_refunded`.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound` (also for
/// an unknown `payment`); `Conflict` when the order has no successful
/// payment; `InvalidField` (`amount_minor`) for an amount not between 1 and
/// what is left; `Port` when the provider refuses (nothing is refunded
/// then) or does not answer (it will be asked again).
#[tracing::instrument(skip(shop, reason))]
pub async fn refund(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    amount_minor: Option<i64>,
    reason: &str,
    payment: Option<&str>,
) -> ServiceResult<crate::ordering::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    if amount_minor.is_none() && payment.is_none() {
        // All that is left, payment by payment (a gift card and a card, say).
        let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
        let open: Vec<String> = payment::Entity::find()
            .filter(payment::Column::OrderId.eq(o.id))
            .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
            .order_by_desc(payment::Column::Id)
            .all(&shop.db)
            .await?
            .into_iter()
            .filter(|p| p.refunded_minor < p.amount_minor)
            .map(|p| p.provider_ref)
            .collect();
        if open.len() > 1 {
            let mut view = None;
            for reference in open {
                view = Some(
                    refund_as(shop, &crate::kernel::audit::label(actor), public_id, None, reason, Some(&reference))
                        .await?,
                );
            }
            return view.ok_or(ServiceError::NotFound("payment"));
        }
    }
    refund_as(shop, &crate::kernel::audit::label(actor), public_id, amount_minor, reason, payment).await
}

/// Adjusts order `order_id`'s open payments to a new amount due (a gift
/// card paid part of it), inside the caller's transaction: a bank transfer
/// keeps its reference and is asked for `due` (closed when nothing is due);
/// others are closed, to be started again for `due`.
pub(crate) async fn reprice_open<C: ConnectionTrait>(
    txn: &C,
    shop: &Shop,
    order_id: i64,
    due: i64,
) -> ServiceResult<()> {
    let open = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
        .all(txn)
        .await?;
    for p in open {
        let keeps =
            due > 0 && shop.payments.get(&p.provider).is_some_and(|provider| provider.holds_stock_for().is_some());
        let update = payment::Entity::update_many()
            .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(payment::Column::Id.eq(p.id));
        if keeps {
            update.col_expr(payment::Column::AmountMinor, Expr::value(due)).exec(txn).await?;
        } else {
            update.col_expr(payment::Column::Status, Expr::value(PaymentStatus::Failed)).exec(txn).await?;
        }
    }
    Ok(())
}

/// Whether order `order_id` has a succeeded payment other than `except`
/// with something left to refund.
pub(crate) async fn others_unrefunded<C: ConnectionTrait>(txn: &C, order_id: i64, except: i64) -> ServiceResult<bool> {
    Ok(payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .filter(payment::Column::Id.ne(except))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .all(txn)
        .await?
        .iter()
        .any(|p| p.refunded_minor < p.amount_minor))
}

/// What the provider said about a refund.
pub(crate) enum Asked {
    /// Made.
    Done,
    /// Refused: nothing was refunded, the amount is free again.
    Refused(ServiceError),
    /// No usable answer: perhaps made, perhaps not; the amount stays held
    /// and the provider is asked again.
    NoAnswer(ServiceError),
}

/// [`refund`] without the authorization, for use cases that checked it
/// themselves; `who` names the actor (`kernel::audit::label`): its role on the
/// timeline, the person on the refund and in the audit log.
pub(crate) async fn refund_as(
    shop: &Shop,
    who: &str,
    public_id: &str,
    amount_minor: Option<i64>,
    reason: &str,
    payment_ref: Option<&str>,
) -> ServiceResult<crate::ordering::OrderView> {
    let found = crate::ordering::record::find_public(&shop.db, public_id).await?;
    // Recorded first, within the payment's limit, under the order's lock
    // (the order first, then the payment: as events are applied).
    let txn = crate::write_txn(&shop.db).await?;
    crate::ordering::record::lock(&txn, found.id).await?;
    let o = order::Entity::find_by_id(found.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let (row, pay) = record_refund(&txn, who, &o, amount_minor, reason, payment_ref).await?;
    txn.commit().await?;
    match ask_for_refund(shop, &row, &pay).await? {
        Asked::Done => crate::ordering::view::view_public(&shop.db, public_id).await,
        Asked::Refused(e) => Err(e),
        Asked::NoAnswer(_) => Err(ServiceError::Conflict(
            "The payment provider did not answer. The refund is recorded and will be asked for again \
             automatically (once): do not refund again."
                .into(),
        )),
    }
}

/// Records a refund of `amount_minor` (all that is left when `None`) of
/// order `o`'s payment `payment_ref` (the one with the most left when
/// `None`) inside the caller's transaction, which holds the order's lock:
/// the payment's refunded total is raised with a conditional update, so
/// refunds can never together exceed it. The provider is asked after the
/// commit ([`ask_for_refund`]).
pub(crate) async fn record_refund<C: ConnectionTrait>(
    txn: &C,
    who: &str,
    o: &order::Model,
    amount_minor: Option<i64>,
    reason: &str,
    payment_ref: Option<&str>,
) -> ServiceResult<(crate::model::refund::Model, payment::Model)> {
    use crate::model::refund;
    if o.status == OrderStatus::PendingPayment {
        return Err(ServiceError::Conflict(
            "The order is not paid yet: cancel it instead (what gift cards paid goes back onto them).".into(),
        ));
    }
    let reason = reason.trim().to_owned();
    if reason.chars().count() > MAX_REASON {
        return Err(ServiceError::InvalidField {
            field: "reason",
            message: format!("must be at most {MAX_REASON} characters"),
        });
    }
    let paid = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in([PaymentStatus::Succeeded, PaymentStatus::Refunded]))
        .order_by_asc(payment::Column::Id)
        .all(txn)
        .await?;
    let pay = match payment_ref.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reference) => {
            paid.into_iter().find(|p| p.provider_ref == reference).ok_or(ServiceError::NotFound("payment"))?
        }
        None => paid
            .into_iter()
            .max_by_key(|p| (p.amount_minor - p.refunded_minor, -p.id))
            .ok_or_else(|| ServiceError::Conflict("The order has no payment to refund.".into()))?,
    };
    let currency: Currency = pay.currency.parse()?;
    let money = |minor| Money::from_minor(minor, currency);
    let nothing = Money::zero(currency);
    let left = money(pay.amount_minor).checked_sub(money(pay.refunded_minor))?;
    if left <= nothing {
        return Err(ServiceError::Conflict("The payment has been refunded in full.".into()));
    }
    let wanted = amount_minor.map_or(left, money);
    if wanted <= nothing || wanted > left {
        return Err(ServiceError::InvalidField {
            field: "amount_minor",
            message: format!("must be between 1 and {}, what is left to refund", left.minor()),
        });
    }
    let amount = wanted.minor();
    let held = payment::Entity::update_many()
        .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::RefundedMinor).add(amount))
        .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payment::Column::Id.eq(pay.id))
        .filter(Expr::col(payment::Column::RefundedMinor).add(amount).lte(Expr::col(payment::Column::AmountMinor)))
        .exec(txn)
        .await?;
    if held.rows_affected == 0 {
        return Err(ServiceError::Conflict("Another refund took what was left; look at the order again.".into()));
    }
    let row = refund::ActiveModel {
        payment_id: Set(pay.id),
        order_id: Set(o.id),
        amount_minor: Set(amount),
        status: Set(RefundStatus::Pending),
        provider_ref: Set(None),
        reason: Set(reason),
        actor: Set(who.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok((row, pay))
}

/// Asks the provider for recorded refund `row` of payment `pay` (keyed by
/// the refund's id, so asking twice refunds once) and records the answer:
/// done, refused (only a clear refusal frees the amount) or no usable
/// answer (left pending, asked again by [`retry_refunds`]).
pub(crate) async fn ask_for_refund(
    shop: &Shop,
    row: &crate::model::refund::Model,
    pay: &payment::Model,
) -> ServiceResult<Asked> {
    if pay.provider == crate::payments::gift_cards::PROVIDER {
        // Back onto the card, when the refund is completed (once).
        finish_refund(shop, row, pay, &format!("gcr_{}", row.id)).await?;
        return Ok(Asked::Done);
    }
    let asked = match shop.payments.get(&pay.provider) {
        Some(provider) => {
            provider.refund(&pay.provider_ref, row.amount_minor, &format!("bazaar-refund-{}", row.id)).await
        }
        None => Err(crate::ports::PortError::Declined {
            service: "payments",
            message: format!("The {} provider is not configured; refund it there.", pay.provider),
        }),
    };
    match asked {
        Ok(provider_ref) => {
            finish_refund(shop, row, pay, &provider_ref).await?;
            Ok(Asked::Done)
        }
        Err(e @ crate::ports::PortError::Declined { .. }) => {
            let txn = crate::write_txn(&shop.db).await?;
            crate::ordering::record::lock(&txn, row.order_id).await?;
            let claimed = crate::model::refund::Entity::update_many()
                .col_expr(crate::model::refund::Column::Status, Expr::value(RefundStatus::Failed))
                .filter(crate::model::refund::Column::Id.eq(row.id))
                .filter(crate::model::refund::Column::Status.eq(RefundStatus::Pending))
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 1 {
                payment::Entity::update_many()
                    .col_expr(
                        payment::Column::RefundedMinor,
                        Expr::col(payment::Column::RefundedMinor).sub(row.amount_minor),
                    )
                    .filter(payment::Column::Id.eq(pay.id))
                    .exec(&txn)
                    .await?;
                audit(
                    &txn,
                    &row.actor,
                    "refund.failed",
                    Some(row.order_id),
                    Some(pay.id),
                    serde_json::json!({ "refund": row.id, "amount_minor": row.amount_minor, "error": e.to_string() }),
                )
                .await?;
            }
            txn.commit().await?;
            Ok(Asked::Refused(e.into()))
        }
        Err(e) => {
            // Unavailable, or an answer we could not read (a timeout after
            // the provider acted, say): perhaps refunded, perhaps not.
            audit(
                &shop.db,
                &row.actor,
                "refund.unanswered",
                Some(row.order_id),
                Some(pay.id),
                serde_json::json!({ "refund": row.id, "amount_minor": row.amount_minor, "error": e.to_string() }),
            )
            .await?;
            Ok(Asked::NoAnswer(ServiceError::Port(e)))
        }
    }
}

/// Records that the provider made refund `row` (its reference
/// `provider_ref`): a gift card's part goes back onto the card, the payment
/// is refunded when nothing is left, and the order moves on when its life
/// allows (else the timeline says what happened). Once only: a refund no
/// longer pending is left alone.
async fn finish_refund(
    shop: &Shop,
    row: &crate::model::refund::Model,
    pay: &payment::Model,
    provider_ref: &str,
) -> ServiceResult<()> {
    use crate::model::refund;
    let txn = crate::write_txn(&shop.db).await?;
    crate::ordering::record::lock(&txn, row.order_id).await?;
    let claimed = refund::Entity::update_many()
        .col_expr(refund::Column::Status, Expr::value(RefundStatus::Succeeded))
        .col_expr(refund::Column::ProviderRef, Expr::value(provider_ref))
        .filter(refund::Column::Id.eq(row.id))
        .filter(refund::Column::Status.eq(RefundStatus::Pending))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(());
    }
    if pay.provider == crate::payments::gift_cards::PROVIDER {
        crate::payments::gift_cards::credit(&txn, pay, row.amount_minor, &format!("refund:{}", row.id)).await?;
    }
    let now_paid = payment::Entity::find_by_id(pay.id).one(&txn).await?.ok_or(ServiceError::NotFound("payment"))?;
    let fully = now_paid.refunded_minor >= now_paid.amount_minor;
    if fully {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value(PaymentStatus::Refunded))
            .filter(payment::Column::Id.eq(pay.id))
            .exec(&txn)
            .await?;
    }
    // The order is refunded when every payment is.
    let others_left = others_unrefunded(&txn, row.order_id, pay.id).await?;
    let o = order::Entity::find_by_id(row.order_id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let to = if fully && !others_left { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
    let note = format!(
        "Refunded {} minor units ({provider_ref}){}.",
        row.amount_minor,
        if row.reason.is_empty() { String::new() } else { format!(": {}", row.reason) }
    );
    // The timeline says the role (customers read it); the refund and the
    // audit log name the person (`admin:7`).
    let role = row.actor.split(':').next().unwrap_or_default();
    match crate::ordering::record::move_to(&txn, &o, to, role, &note).await {
        Ok(true) => {}
        // Already partially refunded, or an order whose life has no such
        // step (a payment refunded after the order was cancelled): the
        // timeline still says what happened.
        Ok(false) | Err(ServiceError::Conflict(_)) => {
            crate::ordering::record::event(&txn, o.id, role, "refunded", None, None, &note).await?;
        }
        Err(e) => return Err(e),
    }
    audit(
        &txn,
        &row.actor,
        "refund.created",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "amount_minor": row.amount_minor, "provider_ref": provider_ref,
            "refunded_minor": now_paid.refunded_minor, "reason": row.reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How long a refund without an answer is asked for again: providers keep
/// idempotency keys for a day (Stripe: 24 hours), so asking later could
/// refund twice. Older ones stay pending, their amount held, for staff.
const REFUND_RETRY_WINDOW: chrono::Duration = chrono::Duration::hours(23);

/// Asks the providers again about refunds recorded more than `quiet_for`
/// and less than [`REFUND_RETRY_WINDOW`] before `now` that never got an
/// answer (the provider did not answer, or the process stopped between
/// recording and asking); answers how many were settled either way.
///
/// # Errors
/// `Database` when the refunds cannot be read.
pub async fn retry_refunds(shop: &Shop, quiet_for: chrono::Duration, now: DateTime<Utc>) -> ServiceResult<u32> {
    use crate::model::refund;
    let waiting = refund::Entity::find()
        .filter(refund::Column::Status.eq(RefundStatus::Pending))
        .filter(refund::Column::CreatedAt.lte(now - quiet_for))
        .filter(refund::Column::CreatedAt.gt(now - REFUND_RETRY_WINDOW))
        .order_by_asc(refund::Column::Id)
        .limit(100)
        .all(&shop.db)
        .await?;
    let mut settled = 0;
    for row in waiting {
        let Some(pay) = payment::Entity::find_by_id(row.payment_id).one(&shop.db).await? else { continue };
        match ask_for_refund(shop, &row, &pay).await {
            Ok(Asked::Done) => settled += 1,
            Ok(Asked::Refused(e)) => {
                settled += 1;
                tracing::warn!(refund = row.id, error = %e, "a refund asked again was refused; its amount is free again");
            }
            Ok(Asked::NoAnswer(e)) => {
                tracing::warn!(refund = row.id, error = %e, "still no answer about a refund; asking next round");
            }
            Err(e) => tracing::warn!(refund = row.id, error = %e, "could not settle a refund; trying next round"),
        }
    }
    Ok(settled)
}
