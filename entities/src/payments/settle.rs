//! Settling payments: asking the provider where a payment stands, the
//! shopper's return from a provider's page, reconciliation of quiet
//! payments, capture of authorized ones, and bank transfers received.

use crate::kernel::access::{authorize, Action, Actor};
use crate::model::{order, payment};
use crate::ordering::OrderStatus;
use crate::payments::audit_log::audit;
use crate::payments::inbox::apply_stored;
use crate::payments::inbox::receive;
use crate::payments::inbox::store_event;
use crate::payments::refunds::retry_refunds;
use crate::payments::start::provider;
use crate::payments::start::start_unchecked;
use crate::payments::start::waiting_for_payment;
use crate::payments::PaymentStatus;
use crate::ports::{PaymentEventKind, ProviderEvent};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Stores and applies what a provider answered about a payment, as an event
/// of its own (`check:<ref>:<kind>`), so the answer settles the order exactly
/// once, however often it is asked and whatever webhooks also arrive.
pub(crate) async fn settle_state(
    shop: &Shop,
    provider_name: &str,
    state: &crate::ports::PaymentState,
) -> ServiceResult<bool> {
    let Some(kind) = state.status.event_kind() else { return Ok(false) };
    let event = ProviderEvent {
        event_id: format!("check:{}:{}", state.provider_ref, kind.as_str()),
        kind,
        provider_ref: state.provider_ref.clone(),
        amount_minor: state.amount_minor,
        currency: state.currency.clone(),
        payload: state.payload.clone(),
    };
    let receipt = store_event(shop, provider_name, &event).await?;
    if !receipt.duplicate {
        apply_stored(shop, receipt.id).await;
    }
    Ok(!receipt.duplicate)
}

/// Asks the providers where order `public_id`'s open payments stand and
/// settles what they answer — what the order page does when the shopper
/// comes back from paying (the browser's word is never taken for it).
///
/// # Errors
/// `NotFound`; `Port` when a provider cannot be asked.
pub async fn settle(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<crate::ordering::OrderView> {
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    crate::kernel::access::read_order(actor, o.user_id)?;
    let open = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in(PaymentStatus::OPEN))
        .all(&shop.db)
        .await?;
    for pay in open {
        settle_payment(shop, &pay).await?;
    }
    crate::ordering::view::order_for(shop, actor, public_id).await
}

async fn settle_payment(shop: &Shop, pay: &payment::Model) -> ServiceResult<bool> {
    let Some(provider) = shop.payments.get(&pay.provider) else { return Ok(false) };
    let Some(mut state) = provider.lookup(&pay.provider_ref).await? else { return Ok(false) };
    // Looked at now: the job turns to the payments it asked about longest ago.
    payment::Entity::update_many()
        .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payment::Column::Id.eq(pay.id))
        .exec(&shop.db)
        .await?;
    let order_waits = order::Entity::find_by_id(pay.order_id)
        .one(&shop.db)
        .await?
        .is_some_and(|o| o.status == OrderStatus::PendingPayment);
    if state.status == crate::ports::ProviderStatus::Approved && !order_waits {
        // Approved at PayPal, but the order was paid another way or
        // cancelled meanwhile: take nothing (PayPal lets the approval lapse).
        return Ok(false);
    }
    if state.status == crate::ports::ProviderStatus::Approved {
        // Approved by the shopper, never captured (they did not come back).
        state = provider.confirm(&pay.provider_ref, "").await?;
        audit(
            &shop.db,
            "payment",
            "payment.captured",
            Some(pay.order_id),
            Some(pay.id),
            serde_json::json!({ "provider_ref": pay.provider_ref, "status": state.status, "by": "reconciliation" }),
        )
        .await?;
    }
    settle_state(shop, provider.name(), &state).await
}

/// The shopper came back from approving order `public_id`'s payment at
/// `provider_name` (PayPal), carrying the provider's id of it: the shop
/// captures it server to server and settles the answer, exactly once —
/// a second return (a reload) captures nothing twice.
///
/// # Errors
/// `NotFound` unless `provider_ref` is a payment of this order at that
/// provider; `Conflict` with the provider's reason when it refuses (not
/// approved yet); `Port` when it fails.
pub async fn return_from_provider(
    shop: &Shop,
    public_id: &str,
    provider_name: &str,
    provider_ref: &str,
) -> ServiceResult<crate::ordering::OrderView> {
    let provider = provider(shop, Some(provider_name))?;
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(provider.name()))
        .filter(payment::Column::ProviderRef.eq(provider_ref))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("payment"))?;
    // Never take money for an order that was paid another way or cancelled.
    if pay.status == PaymentStatus::Pending && waiting_for_payment(&o).is_ok() {
        let state = provider.confirm(&pay.provider_ref, "").await?;
        audit(
            &shop.db,
            "customer",
            "payment.captured",
            Some(o.id),
            Some(pay.id),
            serde_json::json!({ "provider_ref": pay.provider_ref, "status": state.status, "by": "return" }),
        )
        .await?;
        settle_state(shop, provider.name(), &state).await?;
    }
    crate::ordering::view::order_by_public_id(shop, public_id).await
}

/// The reconciliation job: asks the providers about every payment left open
/// (pending, failed or authorized) for at least `quiet_for`, and settles what
/// they answer — a payment whose webhook never came (lost, or the server
/// died before storing it) is completed this way. Answers how many payments
/// it settled.
///
/// # Errors
/// `Database` when the open payments cannot be read. A provider that cannot
/// be asked is logged and skipped until the next round.
pub async fn reconcile(shop: &Shop, quiet_for: chrono::Duration, now: DateTime<Utc>) -> ServiceResult<u32> {
    let open = payment::Entity::find()
        .filter(payment::Column::Status.is_in(PaymentStatus::OPEN))
        .filter(payment::Column::UpdatedAt.lte(now - quiet_for))
        .filter(payment::Column::CreatedAt.gte(now - chrono::Duration::days(30)))
        .order_by_asc(payment::Column::UpdatedAt)
        .limit(200)
        .all(&shop.db)
        .await?;
    let mut settled = 0;
    for pay in &open {
        match settle_payment(shop, pay).await {
            Ok(true) => settled += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(payment = pay.id, error = %e, "could not reconcile a payment; trying next round"),
        }
    }
    Ok(settled + retry_refunds(shop, quiet_for, now).await?)
}

/// Records that the money of order `public_id`'s open bank transfer (or
/// other by-hand method) arrived, as an admin does on seeing it in the
/// shop's account; the order is paid, once, through the same path as a
/// provider's event.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`;
/// `Conflict` when the order has no open payment recorded by hand.
pub async fn record_received(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<crate::ordering::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    let open = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
        .all(&shop.db)
        .await?;
    let (pay, provider) = open
        .into_iter()
        .find_map(|p| shop.payments.get(&p.provider).filter(|pr| pr.records_by_hand()).map(|pr| (p, pr.clone())))
        .ok_or_else(|| ServiceError::Conflict("The order has no bank transfer waiting to be recorded.".into()))?;
    audit(
        &shop.db,
        &crate::kernel::audit::label(actor),
        "payment.received",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "provider_ref": pay.provider_ref, "amount_minor": pay.amount_minor }),
    )
    .await?;
    let state = crate::ports::PaymentState {
        provider_ref: pay.provider_ref.clone(),
        status: crate::ports::ProviderStatus::Succeeded,
        amount_minor: pay.amount_minor,
        currency: pay.currency.clone(),
        client_secret: None,
        last_error: None,
        redirect_url: None,
        payload: serde_json::json!({ "recorded_by": "admin" }),
    };
    settle_state(shop, provider.name(), &state).await?;
    crate::ordering::view::order_by_public_id(shop, public_id).await
}

/// Captures an authorized payment of order `public_id` (all of it, or
/// `amount_minor`), as an admin asks; the provider's answer settles it.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`;
/// `Conflict` when nothing is authorized or the provider refuses.
pub async fn capture(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    amount_minor: Option<i64>,
) -> ServiceResult<crate::ordering::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.eq(PaymentStatus::Authorized))
        .one(&shop.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("The order has no authorized payment to capture.".into()))?;
    if let Some(a) = amount_minor {
        if !(1..=pay.amount_minor).contains(&a) {
            return Err(ServiceError::InvalidField {
                field: "amount_minor",
                message: format!("must be between 1 and {}, what was authorized", pay.amount_minor),
            });
        }
    }
    let provider = shop.payments.get(&pay.provider).ok_or(ServiceError::NotFound("payment provider"))?;
    let state = provider.capture(&pay.provider_ref, amount_minor).await?;
    audit(
        &shop.db,
        &crate::kernel::audit::label(actor),
        "payment.captured",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "provider_ref": pay.provider_ref, "amount_minor": amount_minor, "status": state.status }),
    )
    .await?;
    settle_state(shop, provider.name(), &state).await?;
    crate::ordering::view::order_by_public_id(shop, public_id).await
}

/// Pays order `public_id` with the built-in test provider (no money moves):
/// the provider signs a "succeeded" event, and it goes through [`receive`]
/// like a real provider's webhook.
///
/// # Errors
/// As [`start`]; `Conflict` when the shop's provider is a real one.
pub async fn pay_with_test_provider(shop: &Shop, public_id: &str) -> ServiceResult<crate::ordering::OrderView> {
    let off = || ServiceError::Conflict("This shop takes real payments; the test payment is off.".into());
    let test = shop.payments.get("test").ok_or_else(off)?;
    let started = start_unchecked(shop, public_id, Some("test")).await?;
    let (signature, body) = test
        .simulate_event(PaymentEventKind::Succeeded, &started.provider_ref, started.amount_minor, &started.currency)
        .ok_or_else(off)?;
    let headers = crate::ports::EventHeaders::from([("bazaar-signature".to_owned(), signature)]);
    receive(shop, "test", &headers, &body).await?;
    crate::ordering::view::order_by_public_id(shop, public_id).await
}
