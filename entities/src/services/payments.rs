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

use super::access::{authorize, Action, Actor};
use super::{orders, ServiceError, ServiceResult, Shop};
pub use crate::checkout::EventRecord;
use crate::model::{order, payment, payment_audit, payment_event};
use crate::ports::{PaymentEventKind, WebhookRejection};
use crate::OrderStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

/// How many times an event is tried before it waits for a person.
pub const MAX_ATTEMPTS: i32 = 10;

/// The delay before attempt `attempts + 1`: 2, 4, 8… seconds, at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(Ord::min(2_i64.saturating_pow(attempts.clamp(1, 12) as u32), 3_600))
}

/// A payment started for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentStart {
    /// The provider (`test` for the built-in test provider).
    pub provider: String,
    /// The provider's id of the payment.
    pub provider_ref: String,
    /// What the browser needs to pay with the provider, if anything.
    pub client_secret: Option<String>,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
}

async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: &str,
    action: &str,
    order_id: Option<i64>,
    payment_id: Option<i64>,
    detail: serde_json::Value,
) -> ServiceResult<()> {
    payment_audit::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        order_id: Set(order_id),
        payment_id: Set(payment_id),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Starts paying order `public_id` at the shop's provider, or returns the
/// payment already started for it.
///
/// # Errors
/// `NotFound`; `Conflict` when the order is not waiting for payment;
/// `Port` when the provider fails.
#[tracing::instrument(skip(shop))]
pub async fn start(shop: &Shop, public_id: &str) -> ServiceResult<PaymentStart> {
    let o = orders::find_public(&shop.db, public_id).await?;
    if o.status != OrderStatus::PendingPayment.as_str() {
        return Err(ServiceError::Conflict(format!("The order is {}, not waiting for payment.", o.status)));
    }
    let provider = shop.payments.name();
    let existing = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(provider))
        .filter(payment::Column::Status.eq("pending"))
        .one(&shop.db)
        .await?;
    if let Some(p) = existing {
        return Ok(PaymentStart {
            provider: p.provider,
            provider_ref: p.provider_ref,
            client_secret: None,
            amount_minor: p.amount_minor,
            currency: p.currency,
        });
    }
    // The provider first (outside any transaction), then our record of it.
    let created = shop.payments.create_payment(public_id, o.total_minor, &o.currency).await?;
    let txn = super::write_txn(&shop.db).await?;
    let now = Utc::now();
    let row = payment::ActiveModel {
        order_id: Set(o.id),
        provider: Set(provider.to_owned()),
        provider_ref: Set(created.provider_ref.clone()),
        status: Set("pending".to_owned()),
        amount_minor: Set(o.total_minor),
        currency: Set(o.currency.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit(
        &txn,
        "customer",
        "payment.created",
        Some(o.id),
        Some(row.id),
        serde_json::json!({ "provider": provider, "provider_ref": created.provider_ref, "amount_minor": o.total_minor }),
    )
    .await?;
    txn.commit().await?;
    Ok(PaymentStart {
        provider: provider.to_owned(),
        provider_ref: created.provider_ref,
        client_secret: created.client_secret,
        amount_minor: o.total_minor,
        currency: o.currency,
    })
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
pub async fn receive(shop: &Shop, signature: Option<&str>, body: &[u8]) -> ServiceResult<Receipt> {
    let receipt = store(shop, signature, body).await?;
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
#[tracing::instrument(skip(shop, signature, body))]
pub async fn store(shop: &Shop, signature: Option<&str>, body: &[u8]) -> ServiceResult<Receipt> {
    let event = shop.payments.read_event(signature, body).map_err(|e| match e {
        WebhookRejection::BadSignature => ServiceError::Invalid("The signature is missing, wrong or too old.".into()),
        WebhookRejection::Malformed(m) => ServiceError::Invalid(format!("Not a payment event: {m}")),
    })?;
    let provider = shop.payments.name();
    let now = Utc::now();
    let inserted = payment_event::Entity::insert(payment_event::ActiveModel {
        provider: Set(provider.to_owned()),
        event_id: Set(event.event_id.clone()),
        kind: Set(event.kind.as_str().to_owned()),
        provider_ref: Set(event.provider_ref.clone()),
        payload: Set(event.payload.clone()),
        received_at: Set(now),
        processed_at: Set(None),
        outcome: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
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

/// Pays order `public_id` with the built-in test provider (no money moves):
/// the provider signs a "succeeded" event, and it goes through [`receive`]
/// like a real provider's webhook.
///
/// # Errors
/// As [`start`]; `Conflict` when the shop's provider is a real one.
pub async fn pay_with_test_provider(shop: &Shop, public_id: &str) -> ServiceResult<crate::checkout::OrderView> {
    let started = start(shop, public_id).await?;
    let (signature, body) = shop
        .payments
        .simulate_event(PaymentEventKind::Succeeded, &started.provider_ref, started.amount_minor, &started.currency)
        .ok_or_else(|| ServiceError::Conflict("This shop takes real payments; the test payment is off.".into()))?;
    receive(shop, Some(&signature), &body).await?;
    orders::order_by_public_id(shop, public_id).await
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
    let txn = super::write_txn(&shop.db).await?;
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
    let pay = payment::Entity::find()
        .filter(payment::Column::Provider.eq(event.provider.as_str()))
        .filter(payment::Column::ProviderRef.eq(event.provider_ref.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("no payment {} is known", event.provider_ref)))?;
    let o = order::Entity::find_by_id(pay.order_id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let set_status = |status: &'static str| {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value(status))
            .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(payment::Column::Id.eq(pay.id))
    };
    let outcome = match (kind, pay.status.as_str()) {
        (PaymentEventKind::Succeeded, "succeeded") => "already succeeded; nothing to do".to_owned(),
        (PaymentEventKind::Succeeded, _) => {
            set_status("succeeded").exec(&txn).await?;
            match orders::record_payment_in(&txn, &o, &pay.provider_ref).await {
                Ok(true) => "the order is paid".to_owned(),
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
        (PaymentEventKind::Failed, "pending") => {
            set_status("failed").exec(&txn).await?;
            "the payment failed; the order still waits for one".to_owned()
        }
        (PaymentEventKind::Failed, status) => format!("ignored: the payment already {status}"),
        (PaymentEventKind::Refunded, _) => {
            set_status("refunded").exec(&txn).await?;
            "the payment was refunded".to_owned()
        }
        (PaymentEventKind::DisputeOpened, _) => {
            order::Entity::update_many()
                .col_expr(order::Column::Disputed, Expr::value(true))
                .filter(order::Column::Id.eq(o.id))
                .exec(&txn)
                .await?;
            orders::event(&txn, o.id, "payment", "disputed", None, None, "The cardholder disputed the payment.")
                .await?;
            super::outbox::record(
                &txn,
                "order.disputed",
                serde_json::json!({ "order_id": o.id, "public_id": o.public_id }),
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

/// The latest payment events, newest first, for admins.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks.
pub async fn list_events(shop: &Shop, actor: Actor, limit: u64) -> ServiceResult<Vec<EventRecord>> {
    authorize(actor, Action::ManageOrders)?;
    let rows = payment_event::Entity::find()
        .order_by_desc(payment_event::Column::Id)
        .limit(limit.clamp(1, 200))
        .all(&shop.db)
        .await?;
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
    audit(&shop.db, "admin", "event.replayed", None, None, serde_json::json!({ "event": id })).await?;
    process(shop, id, Utc::now()).await?;
    list_events(shop, actor, 200).await?.into_iter().find(|e| e.id == id).ok_or(ServiceError::NotFound("payment event"))
}

/// Gives back `amount_minor` of order `public_id`'s payment (all that is
/// left when `None`), as an admin asks. The refund is recorded — and the
/// payment's refunded total raised with a conditional update — before the
/// provider is asked, so racing refunds can never together exceed what was
/// paid; if the provider refuses, the amount is freed again. The order
/// becomes `refunded` when nothing is left, else `partially_refunded`.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`;
/// `Conflict` when the order has no successful payment; `InvalidField`
/// (`amount_minor`) for an amount not between 1 and what is left; `Port`
/// when the provider refuses (nothing is refunded then).
#[tracing::instrument(skip(shop, reason))]
pub async fn refund(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    amount_minor: Option<i64>,
    reason: &str,
) -> ServiceResult<crate::checkout::OrderView> {
    use crate::model::refund;
    authorize(actor, Action::ManageOrders)?;
    let o = orders::find_public(&shop.db, public_id).await?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in(["succeeded", "refunded"]))
        .one(&shop.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("The order has no payment to refund.".into()))?;
    let left = pay.amount_minor - pay.refunded_minor;
    if left <= 0 {
        return Err(ServiceError::Conflict("The payment has been refunded in full.".into()));
    }
    let amount = amount_minor.unwrap_or(left);
    if !(1..=left).contains(&amount) {
        return Err(ServiceError::InvalidField {
            field: "amount_minor",
            message: format!("must be between 1 and {left}, what is left to refund"),
        });
    }
    let reason = reason.trim().chars().take(500).collect::<String>();
    // Recorded first, within the payment's limit.
    let txn = super::write_txn(&shop.db).await?;
    let held = payment::Entity::update_many()
        .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::RefundedMinor).add(amount))
        .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payment::Column::Id.eq(pay.id))
        .filter(Expr::col(payment::Column::RefundedMinor).add(amount).lte(Expr::col(payment::Column::AmountMinor)))
        .exec(&txn)
        .await?;
    if held.rows_affected == 0 {
        return Err(ServiceError::Conflict("Another refund took what was left; look at the order again.".into()));
    }
    let row = refund::ActiveModel {
        payment_id: Set(pay.id),
        order_id: Set(o.id),
        amount_minor: Set(amount),
        status: Set("pending".to_owned()),
        provider_ref: Set(None),
        reason: Set(reason.clone()),
        actor: Set("admin".to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;

    let asked = shop.payments.refund(&pay.provider_ref, amount).await;
    let txn = super::write_txn(&shop.db).await?;
    let provider_ref = match asked {
        Ok(r) => r,
        Err(e) => {
            payment::Entity::update_many()
                .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::RefundedMinor).sub(amount))
                .filter(payment::Column::Id.eq(pay.id))
                .exec(&txn)
                .await?;
            refund::Entity::update_many()
                .col_expr(refund::Column::Status, Expr::value("failed"))
                .filter(refund::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            audit(
                &txn,
                "admin",
                "refund.failed",
                Some(o.id),
                Some(pay.id),
                serde_json::json!({ "amount_minor": amount, "error": e.to_string() }),
            )
            .await?;
            txn.commit().await?;
            return Err(e.into());
        }
    };
    refund::Entity::update_many()
        .col_expr(refund::Column::Status, Expr::value("succeeded"))
        .col_expr(refund::Column::ProviderRef, Expr::value(provider_ref.as_str()))
        .filter(refund::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    let now_refunded = pay.refunded_minor + amount;
    let fully =
        payment::Entity::find_by_id(pay.id).one(&txn).await?.is_some_and(|p| p.refunded_minor >= p.amount_minor);
    if fully {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value("refunded"))
            .filter(payment::Column::Id.eq(pay.id))
            .exec(&txn)
            .await?;
    }
    let o = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let to = if fully { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
    let note = format!(
        "Refunded {amount} minor units ({provider_ref}){}.",
        if reason.is_empty() { String::new() } else { format!(": {reason}") }
    );
    if !orders::move_to(&txn, &o, to, "admin", &note).await? {
        // Already partially refunded: the timeline still says what happened.
        orders::event(&txn, o.id, "admin", "refunded", None, None, &note).await?;
    }
    audit(
        &txn,
        "admin",
        "refund.created",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "amount_minor": amount, "provider_ref": provider_ref, "refunded_minor": now_refunded, "reason": reason }),
    )
    .await?;
    let view = orders::view_public(&txn, public_id).await?;
    txn.commit().await?;
    Ok(view)
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
