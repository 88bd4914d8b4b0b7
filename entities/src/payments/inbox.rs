//! Payments and the events providers send about them.
//!
//! An incoming event is verified by the provider's adapter, then **stored
//! before anything is done with it** — once per provider and event id, so a
//! second delivery is recognised and answered without effect. Processing is
//! separate (right away, and by a worker for anything left or failed): it
//! applies the event in one transaction and marks it processed; a failure
//! is kept with the error and retried with growing delays. Applying is
//! idempotent and order-insensitive — a late "processing" after "succeeded"
//! changes nothing — so an order is paid, and confirmed, exactly once.
//! Every payment action is written to the append-only audit log.

use crate::events::{DomainEvent, OrderRef};
use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::OrderId;
use crate::model::{order, payment, payment_event};
use crate::ordering::OrderStatus;
use crate::payments::audit_log::audit;
use crate::payments::refunds::others_unrefunded;
use crate::payments::{EventRecord, PaymentStatus};
use crate::ports::{PaymentEventKind, ProviderEvent, WebhookRejection};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

/// How many times an event is tried before it waits for a person.
pub const MAX_ATTEMPTS: i32 = 10;

/// The delay before attempt `attempts + 1`: 2, 4, 8… seconds, at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(Ord::min(2_i64.saturating_pow(attempts.clamp(1, 12) as u32), 3_600))
}

/// What happened to an incoming event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The stored event's id.
    pub id: i64,
    /// Whether it had been received before (then nothing more is done).
    pub duplicate: bool,
}

/// Takes an event from the provider: verifies it, stores it (once), then
/// processes it. Processing failures do not fail the receipt — the event is
/// stored and will be retried.
///
/// # Errors
/// As [`store`].
pub async fn receive(
    shop: &Shop,
    provider: &str,
    headers: &crate::ports::EventHeaders,
    body: &[u8],
) -> ServiceResult<Receipt> {
    let receipt = store(shop, provider, headers, body).await?;
    if !receipt.duplicate {
        apply_stored(shop, receipt.id).await;
    }
    Ok(receipt)
}

/// Applies stored event `id` now; a failure is recorded on the event for the
/// retry worker and logged.
pub async fn apply_stored(shop: &Shop, id: i64) {
    if let Err(e) = process(shop, id, Utc::now()).await {
        tracing::warn!(event = id, error = %e, "payment event failed; it will be retried");
    }
}

/// Verifies an event from the provider and stores it, once per provider and
/// event id — the first step of [`receive`]; once it returns, the event
/// cannot be lost (a crash before it is applied leaves it for the retry
/// worker).
///
/// # Errors
/// `Invalid` for a bad signature or body (nothing is stored); `Database`
/// when it cannot be stored (the provider will deliver it again).
#[tracing::instrument(skip(shop, headers, body))]
pub async fn store(
    shop: &Shop,
    provider: &str,
    headers: &crate::ports::EventHeaders,
    body: &[u8],
) -> ServiceResult<Receipt> {
    let adapter = shop.payments.get(provider).ok_or(ServiceError::NotFound("payment provider"))?;
    let event = adapter.read_event(headers, body).await.map_err(|e| match e {
        WebhookRejection::BadSignature => ServiceError::Invalid("The signature is missing, wrong or too old.".into()),
        WebhookRejection::Malformed(m) => ServiceError::Invalid(format!("Not a payment event: {m}")),
        WebhookRejection::Ignored(kind) => ServiceError::Ignored(kind),
    })?;
    store_event(shop, adapter.name(), &event).await
}

/// `value` without any `client_secret` (a PaymentIntent's, which lets its
/// holder confirm it): it is not kept in events or the audit log.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("client_secret");
            map.values_mut().for_each(redact);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Stores a verified event once per provider and event id.
pub(crate) async fn store_event(shop: &Shop, provider: &str, event: &ProviderEvent) -> ServiceResult<Receipt> {
    let now = Utc::now();
    let mut payload = event.payload.clone();
    redact(&mut payload);
    let inserted = payment_event::Entity::insert(payment_event::ActiveModel {
        provider: Set(provider.to_owned()),
        event_id: Set(event.event_id.clone()),
        kind: Set(event.kind.as_str().to_owned()),
        provider_ref: Set(event.provider_ref.clone()),
        payload: Set(payload),
        received_at: Set(now),
        processed_at: Set(None),
        outcome: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        amount_minor: Set(event.amount_minor),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([payment_event::Column::Provider, payment_event::Column::EventId]).do_nothing().to_owned(),
    )
    .exec_without_returning(&shop.db)
    .await?;
    let stored = payment_event::Entity::find()
        .filter(payment_event::Column::Provider.eq(provider))
        .filter(payment_event::Column::EventId.eq(event.event_id.as_str()))
        .one(&shop.db)
        .await?
        .ok_or_else(|| ServiceError::Corrupt("a stored payment event vanished".into()))?;
    if inserted == 0 {
        tracing::info!(event = %event.event_id, "payment event delivered again; already stored");
        return Ok(Receipt { id: stored.id, duplicate: true });
    }
    Ok(Receipt { id: stored.id, duplicate: false })
}

/// Processes every stored event that is due (unprocessed, its retry time
/// passed, fewer than [`MAX_ATTEMPTS`] tries); returns how many it tried.
///
/// # Errors
/// `Database` when the due events cannot be read.
pub async fn process_due(shop: &Shop, now: DateTime<Utc>) -> ServiceResult<u32> {
    let due: Vec<i64> = payment_event::Entity::find()
        .select_only()
        .column(payment_event::Column::Id)
        .filter(payment_event::Column::ProcessedAt.is_null())
        .filter(payment_event::Column::NextAttemptAt.lte(now))
        .filter(payment_event::Column::Attempts.lt(MAX_ATTEMPTS))
        .order_by_asc(payment_event::Column::Id)
        .limit(100)
        .into_tuple()
        .all(&shop.db)
        .await?;
    let mut tried = 0;
    for id in due {
        if let Err(e) = process(shop, id, now).await {
            tracing::warn!(event = id, error = %e, "payment event failed; it will be retried");
        }
        tried += 1;
    }
    Ok(tried)
}

/// Applies stored event `id` if it is still unprocessed; on failure records
/// the error and when to try again.
async fn process(shop: &Shop, id: i64, now: DateTime<Utc>) -> ServiceResult<()> {
    match apply(shop, id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let event = payment_event::Entity::find_by_id(id).one(&shop.db).await?;
            let attempts = event.map_or(1, |ev| ev.attempts + 1);
            payment_event::Entity::update_many()
                .col_expr(payment_event::Column::Attempts, Expr::value(attempts))
                .col_expr(payment_event::Column::LastError, Expr::value(e.to_string()))
                .col_expr(payment_event::Column::NextAttemptAt, Expr::value(now + backoff(attempts)))
                .filter(payment_event::Column::Id.eq(id))
                .filter(payment_event::Column::ProcessedAt.is_null())
                .exec(&shop.db)
                .await?;
            Err(e)
        }
    }
}

async fn apply(shop: &Shop, id: i64) -> ServiceResult<()> {
    let txn = crate::write_txn(&shop.db).await?;
    // Claimed by marking it processed first: a racing worker finds it done.
    let claimed = payment_event::Entity::update_many()
        .col_expr(payment_event::Column::ProcessedAt, Expr::value(Utc::now()))
        .filter(payment_event::Column::Id.eq(id))
        .filter(payment_event::Column::ProcessedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(());
    }
    let event = payment_event::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("event"))?;
    let kind = PaymentEventKind::parse(&event.kind)
        .ok_or_else(|| ServiceError::Corrupt(format!("unknown payment event kind {:?}", event.kind)))?;
    let found = payment::Entity::find()
        .filter(payment::Column::Provider.eq(event.provider.as_str()))
        .filter(payment::Column::ProviderRef.eq(event.provider_ref.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("no payment {} is known", event.provider_ref)))?;
    // Two events about one order may be applied at once (a webhook and the
    // shopper's return, say; PostgreSQL runs them side by side): take the
    // order's row lock first, then read the payment and the order afresh,
    // so the second sees what the first did.
    crate::ordering::record::lock(&txn, found.order_id).await?;
    let pay = payment::Entity::find_by_id(found.id).one(&txn).await?.ok_or(ServiceError::NotFound("payment"))?;
    let o = order::Entity::find_by_id(pay.order_id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let set_status = |status: PaymentStatus| {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value(status))
            .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(payment::Column::Id.eq(pay.id))
    };
    let outcome = match (kind, pay.status) {
        (PaymentEventKind::Succeeded, PaymentStatus::Succeeded | PaymentStatus::Refunded) => {
            format!("already {}; nothing to do", pay.status)
        }
        (
            PaymentEventKind::Authorized,
            PaymentStatus::Authorized | PaymentStatus::Succeeded | PaymentStatus::Refunded,
        ) => {
            format!("already {}; nothing to do", pay.status)
        }
        (PaymentEventKind::Succeeded | PaymentEventKind::Authorized, _) => {
            let captured = kind == PaymentEventKind::Succeeded;
            set_status(if captured { PaymentStatus::Succeeded } else { PaymentStatus::Authorized }).exec(&txn).await?;
            // Less than the payment (a partial capture, say): what was received
            // is what counts — refunds stop there — and the order is held.
            let short = captured && event.amount_minor > 0 && event.amount_minor < pay.amount_minor;
            if short {
                payment::Entity::update_many()
                    .col_expr(payment::Column::AmountMinor, Expr::value(event.amount_minor))
                    .filter(payment::Column::Id.eq(pay.id))
                    .exec(&txn)
                    .await?;
                crate::ordering::record::event(
                    &txn,
                    o.id,
                    "payment",
                    "short_payment",
                    None,
                    None,
                    &format!("Received {} of the {} minor units asked for.", event.amount_minor, pay.amount_minor),
                )
                .await?;
            }
            let twice = payment::Entity::find()
                .filter(payment::Column::OrderId.eq(o.id))
                .filter(payment::Column::Id.ne(pay.id))
                .filter(payment::Column::Status.is_in(PaymentStatus::COVERING))
                .one(&txn)
                .await?;
            let recorded = crate::ordering::record::record_payment_in(&txn, &o, &pay.provider_ref).await;
            let paid_now = matches!(recorded, Ok(true));
            if (paid_now && o.risk_score >= shop.settings.risk.review_score) || (short && !o.held_for_review) {
                crate::ordering::record::hold_for_review(&txn, &o).await?;
            }
            if paid_now {
                let covered: i64 = payment::Entity::find()
                    .filter(payment::Column::OrderId.eq(o.id))
                    .filter(payment::Column::Status.is_in(PaymentStatus::COVERING))
                    .all(&txn)
                    .await?
                    .iter()
                    .map(|p| {
                        if p.id == pay.id {
                            Ord::min(Ord::max(event.amount_minor, 0), p.amount_minor)
                        } else {
                            p.amount_minor
                        }
                    })
                    .sum();
                if covered > o.total_minor {
                    // A payment started before a gift card paid part of the
                    // order was completed anyway: the difference goes back.
                    audit(
                        &txn,
                        "payment",
                        "payment.needs_refund",
                        Some(o.id),
                        Some(pay.id),
                        serde_json::json!({
                        "overpaid_minor": covered - o.total_minor, "event": event.payload.clone() }),
                    )
                    .await?;
                    crate::ordering::record::event(
                        &txn,
                        o.id,
                        "payment",
                        "overpaid",
                        None,
                        None,
                        &format!(
                            "Paid {} minor units more than the total; refund the difference.",
                            covered - o.total_minor
                        ),
                    )
                    .await?;
                }
            }
            match recorded {
                Ok(true) if captured => "the order is paid".to_owned(),
                Ok(true) => "the payment is authorized (to be captured); the order is paid".to_owned(),
                Ok(false) if pay.status == PaymentStatus::Authorized => "the payment was captured".to_owned(),
                Ok(false) if twice.is_some() => {
                    // A second payment for an order already paid another way.
                    audit(&txn, "payment", "payment.needs_refund", Some(o.id), Some(pay.id), event.payload.clone())
                        .await?;
                    "the order was already paid by another payment; this one needs a refund".to_owned()
                }
                Ok(false) => "the order was paid before".to_owned(),
                Err(ServiceError::Conflict(_)) => {
                    // Paid after it expired: the money must go back.
                    audit(&txn, "payment", "payment.needs_refund", Some(o.id), Some(pay.id), event.payload.clone())
                        .await?;
                    "the order was cancelled before the payment; it needs a refund".to_owned()
                }
                Err(e) => return Err(e),
            }
        }
        (PaymentEventKind::Processing, _) => format!("noted; the payment is {}", pay.status),
        (PaymentEventKind::Failed, PaymentStatus::Pending) => {
            set_status(PaymentStatus::Failed).exec(&txn).await?;
            "the payment failed; the order still waits for one".to_owned()
        }
        (PaymentEventKind::Failed, PaymentStatus::Authorized) => {
            // The hold on the card lapsed or was cancelled: the order is paid
            // on paper only. It is held so that nothing ships unpaid.
            set_status(PaymentStatus::Failed).exec(&txn).await?;
            if o.status == OrderStatus::Paid && !o.held_for_review {
                crate::ordering::record::hold_for_review(&txn, &o).await?;
            }
            crate::ordering::record::event(
                &txn,
                o.id,
                "payment",
                "authorization_lost",
                None,
                None,
                "The authorized payment was cancelled or expired before it was captured: nothing is held on the card.",
            )
            .await?;
            crate::events::outbox::record(
                &txn,
                DomainEvent::OrderPaymentLost(OrderRef { order_id: OrderId::new(o.id), public_id: o.public_id }),
            )
            .await?;
            "the authorization was lost; the order is held".to_owned()
        }
        (PaymentEventKind::Failed, status) => format!("ignored: the payment already {status}"),
        (PaymentEventKind::Refunded, _) => {
            // The event carries the refunded total, whoever refunded — our
            // own refunds come back this way too, and count once.
            let total = Ord::min(event.amount_minor, pay.amount_minor);
            if total <= pay.refunded_minor {
                format!("already known: {} refunded", pay.refunded_minor)
            } else {
                let fully = total >= pay.amount_minor;
                payment::Entity::update_many()
                    .col_expr(payment::Column::RefundedMinor, Expr::value(total))
                    .col_expr(
                        payment::Column::Status,
                        Expr::value(if fully { PaymentStatus::Refunded } else { pay.status }),
                    )
                    .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
                    .filter(payment::Column::Id.eq(pay.id))
                    .exec(&txn)
                    .await?;
                let others_left = others_unrefunded(&txn, o.id, pay.id).await?;
                let to = if fully && !others_left { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
                let note = format!("Refunded at the provider: {} of {} minor units.", total, pay.amount_minor);
                match crate::ordering::record::move_to(&txn, &o, to, "payment", &note).await {
                    Ok(true) => {}
                    // Already there, or an order whose life has no such step:
                    // the timeline still says what happened.
                    Ok(false) | Err(ServiceError::Conflict(_)) => {
                        crate::ordering::record::event(&txn, o.id, "payment", "refunded", None, None, &note).await?;
                    }
                    Err(e) => return Err(e),
                }
                format!("refunded at the provider: {total} in all")
            }
        }
        (PaymentEventKind::DisputeOpened, _) if o.disputed => {
            "the order was flagged for this dispute before".to_owned()
        }
        (PaymentEventKind::DisputeOpened, _) => {
            order::Entity::update_many()
                .col_expr(order::Column::Disputed, Expr::value(true))
                .filter(order::Column::Id.eq(o.id))
                .exec(&txn)
                .await?;
            crate::ordering::record::event(
                &txn,
                o.id,
                "payment",
                "disputed",
                None,
                None,
                "The cardholder disputed the payment.",
            )
            .await?;
            crate::events::outbox::record(
                &txn,
                DomainEvent::OrderDisputed(OrderRef { order_id: OrderId::new(o.id), public_id: o.public_id }),
            )
            .await?;
            "a dispute was opened; the order is flagged".to_owned()
        }
    };
    payment_event::Entity::update_many()
        .col_expr(payment_event::Column::Outcome, Expr::value(outcome.as_str()))
        .col_expr(payment_event::Column::Attempts, Expr::col(payment_event::Column::Attempts).add(1))
        .col_expr(payment_event::Column::LastError, Expr::value(Option::<String>::None))
        .filter(payment_event::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit(
        &txn,
        "payment",
        &format!("event.{}", kind.as_str()),
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "event_id": event.event_id, "outcome": outcome }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The most events one list answers.
pub const MAX_EVENTS: u64 = 200;

/// The latest payment events, newest first, for admins.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks; `InvalidField` for
/// a `limit` outside 1 to [`MAX_EVENTS`].
pub async fn list_events(shop: &Shop, actor: Actor, limit: u64) -> ServiceResult<Vec<EventRecord>> {
    authorize(actor, Action::ViewOrders)?;
    if !(1..=MAX_EVENTS).contains(&limit) {
        return Err(ServiceError::InvalidField { field: "limit", message: format!("must be from 1 to {MAX_EVENTS}") });
    }
    let rows =
        payment_event::Entity::find().order_by_desc(payment_event::Column::Id).limit(limit).all(&shop.db).await?;
    Ok(rows
        .into_iter()
        .map(|e| EventRecord {
            id: e.id,
            provider: e.provider,
            event_id: e.event_id,
            kind: e.kind,
            provider_ref: e.provider_ref,
            received_at: e.received_at,
            processed_at: e.processed_at,
            outcome: e.outcome,
            attempts: e.attempts,
            last_error: e.last_error,
        })
        .collect())
}

/// Applies stored event `id` again, as an admin asks (after fixing what made
/// it fail, say). Safe: applying is idempotent, so a replayed success pays
/// nothing twice.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks; `NotFound`; the
/// processing error, if it fails again.
pub async fn replay(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<EventRecord> {
    authorize(actor, Action::ManageOrders)?;
    let reopened = payment_event::Entity::update_many()
        .col_expr(payment_event::Column::ProcessedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(payment_event::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(payment_event::Column::Id.eq(id))
        .exec(&shop.db)
        .await?;
    if reopened.rows_affected == 0 {
        return Err(ServiceError::NotFound("payment event"));
    }
    audit(
        &shop.db,
        &crate::kernel::audit::label(actor),
        "event.replayed",
        None,
        None,
        serde_json::json!({ "event": id }),
    )
    .await?;
    process(shop, id, Utc::now()).await?;
    list_events(shop, actor, 200).await?.into_iter().find(|e| e.id == id).ok_or(ServiceError::NotFound("payment event"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=14).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(&waits[..5], [2, 4, 8, 16, 32]);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*waits.last().unwrap(), 3_600);
    }
}
