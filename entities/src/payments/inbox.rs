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
use crate::ports::{PaymentEventKind, PaymentProvider, ProviderEvent, WebhookRejection};
use crate::OrderStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
    /// The provider's script and key, when the browser pays with one
    /// (Stripe Elements).
    pub browser: Option<crate::ports::BrowserSetup>,
    /// Where to send the shopper to approve the payment (PayPal).
    pub redirect_url: Option<String>,
}

pub(crate) async fn audit<C: ConnectionTrait>(
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

/// The ways the shop takes payment, for the order page.
pub fn options(shop: &Shop) -> crate::checkout::PaymentOptions {
    crate::checkout::PaymentOptions {
        stripe: shop.payments.get("stripe").and_then(|p| p.browser_setup()),
        paypal: shop.payments.get("paypal").is_some(),
        local: ["bank_transfer", "cash_on_delivery"]
            .into_iter()
            .filter_map(|name| shop.payments.get(name))
            .map(|p| crate::checkout::LocalMethod { provider: p.name().to_owned(), instructions: p.instructions() })
            .collect(),
        test: shop.payments.get("test").is_some(),
    }
}

/// The provider named `name` (the shop's default when `None`).
///
/// # Errors
/// `InvalidField` (`provider`) for a provider the shop does not take.
pub fn provider<'a>(shop: &'a Shop, name: Option<&str>) -> ServiceResult<&'a Arc<dyn PaymentProvider>> {
    match name {
        None => Ok(shop.payments.default_provider()),
        Some(n) => shop.payments.get(n).ok_or_else(|| ServiceError::InvalidField {
            field: "provider",
            message: format!("must be one of: {}", shop.payments.names().join(", ")),
        }),
    }
}

/// `start` found the provider's reference taken: a payment being made (a
/// request that raced this one) is answered as `start` answers a reload;
/// one that ended cannot be made again with this method.
async fn same_reference(
    shop: &Shop,
    public_id: &str,
    provider_name: Option<&str>,
    name: &str,
    provider_ref: &str,
) -> ServiceResult<PaymentStart> {
    let taken = payment::Entity::find()
        .filter(payment::Column::Provider.eq(name))
        .filter(payment::Column::ProviderRef.eq(provider_ref))
        .one(&shop.db)
        .await?
        .ok_or_else(|| ServiceError::Corrupt(format!("payment reference {provider_ref} collides but is not stored")))?;
    if taken.status == "pending" {
        return Box::pin(start(shop, public_id, provider_name)).await;
    }
    Err(ServiceError::Conflict(format!(
        "This order's {} payment has already {}; please choose another way to pay.",
        name.replace('_', " "),
        if taken.status == "failed" { "failed" } else { "been made" }
    )))
}

/// Starts paying order `public_id` at provider `provider_name` (the shop's
/// default when `None`), or returns the payment already started there.
///
/// # Errors
/// `NotFound`; `InvalidField` for an unknown provider; `Conflict` when the
/// order is not waiting for payment; `Port` when the provider fails.
#[tracing::instrument(skip(shop))]
pub async fn start(shop: &Shop, public_id: &str, provider_name: Option<&str>) -> ServiceResult<PaymentStart> {
    let provider = provider(shop, provider_name)?;
    let o = orders::find_public(&shop.db, public_id).await?;
    if o.status != OrderStatus::PendingPayment.as_str() {
        return Err(ServiceError::Conflict(format!("The order is {}, not waiting for payment.", o.status)));
    }
    let name = provider.name();
    // What is left to pay: gift cards may have paid part of it.
    let due = super::gift_cards::due(&shop.db, &o).await?;
    if due == 0 {
        return Err(ServiceError::Conflict("Nothing is left to pay on this order.".into()));
    }
    let existing = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(name))
        .filter(payment::Column::Status.eq("pending"))
        .one(&shop.db)
        .await?;
    if let Some(p) = existing.as_ref().filter(|p| p.amount_minor != due) {
        // Started for another amount (before a gift card paid part of it).
        if provider.holds_stock_for().is_some() {
            // A transfer keeps its reference; only the amount asked changes.
            payment::Entity::update_many()
                .col_expr(payment::Column::AmountMinor, Expr::value(due))
                .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(payment::Column::Id.eq(p.id))
                .filter(payment::Column::Status.eq("pending"))
                .exec(&shop.db)
                .await?;
        } else {
            mark_failed(&shop.db, p.id).await?;
        }
        return Box::pin(start(shop, public_id, provider_name)).await;
    }
    if let Some(p) = existing {
        // The browser needs the client secret again (a reload): the
        // provider keeps it, we do not.
        let state = provider.lookup(&p.provider_ref).await?;
        if state.as_ref().is_some_and(|s| s.status == crate::ports::ProviderStatus::Canceled) {
            mark_failed(&shop.db, p.id).await?;
            return Box::pin(start(shop, public_id, provider_name)).await;
        }
        let (client_secret, redirect_url) = state.map(|s| (s.client_secret, s.redirect_url)).unwrap_or_default();
        return Ok(PaymentStart {
            provider: p.provider,
            provider_ref: p.provider_ref,
            client_secret,
            amount_minor: p.amount_minor,
            currency: p.currency,
            browser: provider.browser_setup(),
            redirect_url,
        });
    }
    // The provider first (outside any transaction), then our record of it.
    let created = provider.create_payment(public_id, due, &o.currency).await?;
    let txn = super::write_txn(&shop.db).await?;
    // A gift card may have paid part of it meanwhile: recorded only for
    // what is still due, under the order's lock.
    orders::lock(&txn, o.id).await?;
    let fresh = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    if fresh.status != o.status || super::gift_cards::due(&txn, &fresh).await? != due {
        txn.rollback().await?;
        return Box::pin(start(shop, public_id, provider_name)).await;
    }
    let now = Utc::now();
    let row = payment::ActiveModel {
        order_id: Set(o.id),
        provider: Set(name.to_owned()),
        provider_ref: Set(created.provider_ref.clone()),
        status: Set("pending".to_owned()),
        amount_minor: Set(due),
        currency: Set(o.currency.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let row = match row {
        Ok(row) => row,
        // Either the provider gave a reference we hold already (bank transfer
        // and cash on delivery derive it from the order: another request
        // made this payment a moment ago, or it was made before and ended),
        // or another request opened a payment at this provider meanwhile
        // (one open payment per order and provider, a unique index): the
        // browser gets that one, and the payment made here is never
        // confirmed by anyone.
        Err(e) if super::validate::is_unique_violation(&e) => {
            txn.rollback().await?;
            let same = payment::Entity::find()
                .filter(payment::Column::Provider.eq(name))
                .filter(payment::Column::ProviderRef.eq(created.provider_ref.as_str()))
                .one(&shop.db)
                .await?;
            if same.is_some() {
                return same_reference(shop, public_id, provider_name, name, &created.provider_ref).await;
            }
            tracing::info!(order = public_id, provider = name, unused = %created.provider_ref,
                "another request opened this payment first; answering with it");
            return Box::pin(start(shop, public_id, provider_name)).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit(
        &txn,
        "customer",
        "payment.created",
        Some(o.id),
        Some(row.id),
        serde_json::json!({ "provider": name, "provider_ref": created.provider_ref, "amount_minor": due }),
    )
    .await?;
    if let (Some(hold), Some(reservation_id)) = (provider.holds_stock_for(), o.reservation_id) {
        // A bank transfer takes days: the stock waits for it.
        let until = now + hold;
        crate::model::reservation::Entity::update_many()
            .col_expr(crate::model::reservation::Column::ExpiresAt, Expr::value(until))
            .filter(crate::model::reservation::Column::Id.eq(reservation_id))
            .filter(crate::model::reservation::Column::Status.eq("active"))
            .filter(crate::model::reservation::Column::ExpiresAt.lt(until))
            .exec(&txn)
            .await?;
        orders::event(
            &txn,
            o.id,
            "customer",
            "payment_chosen",
            None,
            None,
            &format!(
                "Paying by {} with reference {}; the items are held until {} UTC.",
                name.replace('_', " "),
                created.provider_ref,
                until.format("%Y-%m-%d %H:%M")
            ),
        )
        .await?;
    }
    txn.commit().await?;
    if provider.confirms_at_once() {
        // Cash on delivery: promised now, collected (captured) on delivery.
        let state = crate::ports::PaymentState {
            provider_ref: created.provider_ref.clone(),
            status: crate::ports::ProviderStatus::Authorized,
            amount_minor: due,
            currency: o.currency.clone(),
            client_secret: None,
            last_error: None,
            redirect_url: None,
            payload: serde_json::json!({ "provider": name, "confirmed": "at once" }),
        };
        settle_state(shop, name, &state).await?;
    }
    Ok(PaymentStart {
        provider: name.to_owned(),
        provider_ref: created.provider_ref,
        client_secret: created.client_secret,
        amount_minor: due,
        currency: o.currency,
        browser: provider.browser_setup(),
        redirect_url: created.redirect_url,
    })
}

/// Where a payment the browser confirmed stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentProgress {
    /// `requires_action` (the browser must run the provider's next action,
    /// 3-D Secure, with `client_secret`), `processing`, `authorized` or
    /// `succeeded`.
    pub status: crate::ports::ProviderStatus,
    /// For the next action, when there is one.
    pub client_secret: Option<String>,
    /// The order as it is now (paid once the provider says so).
    pub order: crate::checkout::OrderView,
}

/// Confirms order `public_id`'s pending payment at `provider_name` with a
/// payment method the browser created at the provider (card data never
/// reaches us). What the provider answers is settled like its events are:
/// an answer of "succeeded" pays the order, exactly once.
///
/// # Errors
/// `InvalidField` (`payment_method`) for an empty id or a card the provider
/// declined (with its message); `Conflict` when no payment was started;
/// `Port` when the provider fails.
#[tracing::instrument(skip(shop))]
pub async fn confirm(
    shop: &Shop,
    public_id: &str,
    provider_name: Option<&str>,
    payment_method: &str,
) -> ServiceResult<PaymentProgress> {
    let provider = provider(shop, provider_name)?;
    if provider.browser_setup().is_none() {
        return Err(ServiceError::InvalidField {
            field: "provider",
            message: "does not take a payment method from the browser".into(),
        });
    }
    let payment_method = payment_method.trim();
    // An id such as `pm_…`: it goes into the provider's URLs.
    if payment_method.is_empty()
        || payment_method.len() > 255
        || !payment_method.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(ServiceError::InvalidField {
            field: "payment_method",
            message: "must be the id of a payment method made in the browser".into(),
        });
    }
    let o = orders::find_public(&shop.db, public_id).await?;
    waiting_for_payment(&o)?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(provider.name()))
        .filter(payment::Column::Status.eq("pending"))
        .order_by_desc(payment::Column::Id)
        .one(&shop.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("Start the payment first.".into()))?;
    let state = match provider.confirm(&pay.provider_ref, payment_method).await {
        Ok(state) => state,
        Err(crate::ports::PortError::Declined { message, .. }) => {
            // This attempt is over; paying again starts a fresh one.
            mark_failed(&shop.db, pay.id).await?;
            audit(
                &shop.db,
                "customer",
                "payment.declined",
                Some(o.id),
                Some(pay.id),
                serde_json::json!({ "provider_ref": pay.provider_ref, "message": message }),
            )
            .await?;
            return Err(ServiceError::InvalidField { field: "payment_method", message });
        }
        Err(e) => return Err(e.into()),
    };
    if state.status != crate::ports::ProviderStatus::Canceled {
        // Fraud screening's card rules; they never stop a payment by failing.
        match provider.card_signals(&pay.provider_ref, payment_method).await {
            Ok(signals) => record_card_signals(shop, &o, &pay, &signals).await?,
            Err(e) => tracing::warn!(error = %e, payment = pay.id, "could not read the card's signals"),
        }
    }
    audit(
        &shop.db,
        "customer",
        "payment.confirmed",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "provider_ref": pay.provider_ref, "status": state.status }),
    )
    .await?;
    settle_state(shop, provider.name(), &state).await?;
    Ok(PaymentProgress {
        status: state.status,
        client_secret: state.client_secret.filter(|_| state.status == crate::ports::ProviderStatus::RequiresAction),
        order: orders::order_by_public_id(shop, public_id).await?,
    })
}

/// Keeps what the provider said about the card on the payment, and adds
/// what it means for the order's risk (a card used with other emails
/// lately; the provider's own verdict) before the payment is applied — so a
/// payment that makes the order suspect holds it.
async fn record_card_signals(
    shop: &Shop,
    o: &order::Model,
    pay: &payment::Model,
    signals: &crate::ports::CardSignals,
) -> ServiceResult<()> {
    if signals == &crate::ports::CardSignals::default() {
        return Ok(());
    }
    let txn = super::write_txn(&shop.db).await?;
    payment::Entity::update_many()
        .col_expr(payment::Column::CardFingerprint, Expr::value(signals.fingerprint.clone()))
        .col_expr(payment::Column::RiskLevel, Expr::value(signals.risk_level.clone()))
        .filter(payment::Column::Id.eq(pay.id))
        .exec(&txn)
        .await?;
    let other_emails = match &signals.fingerprint {
        Some(fingerprint) => {
            let orders: Vec<i64> = payment::Entity::find()
                .select_only()
                .column(payment::Column::OrderId)
                .filter(payment::Column::CardFingerprint.eq(fingerprint.as_str()))
                .filter(payment::Column::CreatedAt.gt(Utc::now() - chrono::Duration::hours(24)))
                .filter(payment::Column::OrderId.ne(o.id))
                .into_tuple()
                .all(&txn)
                .await?;
            let emails: std::collections::BTreeSet<String> = order::Entity::find()
                .filter(order::Column::Id.is_in(orders))
                .filter(order::Column::Email.ne(o.email.as_str()))
                .all(&txn)
                .await?
                .into_iter()
                .map(|other| other.email)
                .collect();
            emails.len() as u64
        }
        None => 0,
    };
    let risk = crate::fraud::assess_card(other_emails, signals.risk_level.as_deref(), &shop.settings.risk);
    if risk.score > 0 {
        let current = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
        let reasons =
            current.risk_reasons.lines().map(str::to_owned).chain(risk.reasons.iter().cloned()).collect::<Vec<_>>();
        order::Entity::update_many()
            .col_expr(order::Column::RiskScore, Expr::value(Ord::min(current.risk_score + risk.score, 100)))
            .col_expr(order::Column::RiskReasons, Expr::value(reasons.join("\n")))
            .filter(order::Column::Id.eq(o.id))
            .exec(&txn)
            .await?;
        // Its payment may have been applied already (Stripe's webhook is
        // quick): a paid order that is now suspect is held all the same.
        let now_order = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
        if now_order.status == OrderStatus::Paid.as_str()
            && !now_order.held_for_review
            && now_order.risk_score >= shop.settings.risk.review_score
        {
            orders::hold_for_review(&txn, &now_order).await?;
        }
    }
    audit(
        &txn,
        "fraud",
        "fraud.card_signals",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "fingerprint": signals.fingerprint, "risk_level": signals.risk_level,
            "other_emails_24h": other_emails, "added": risk.score }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// `Conflict` unless order `o` still waits for its payment.
fn waiting_for_payment(o: &order::Model) -> ServiceResult<()> {
    if o.status == OrderStatus::PendingPayment.as_str() {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!("The order is {}, not waiting for payment.", o.status.replace('_', " "))))
    }
}

async fn mark_failed<C: ConnectionTrait>(db: &C, payment_id: i64) -> ServiceResult<()> {
    payment::Entity::update_many()
        .col_expr(payment::Column::Status, Expr::value("failed"))
        .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payment::Column::Id.eq(payment_id))
        .filter(payment::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores and applies what a provider answered about a payment, as an event
/// of its own (`check:<ref>:<kind>`), so the answer settles the order exactly
/// once, however often it is asked and whatever webhooks also arrive.
async fn settle_state(shop: &Shop, provider_name: &str, state: &crate::ports::PaymentState) -> ServiceResult<bool> {
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
pub async fn settle(shop: &Shop, public_id: &str) -> ServiceResult<crate::checkout::OrderView> {
    let o = orders::find_public(&shop.db, public_id).await?;
    let open = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in(OPEN))
        .all(&shop.db)
        .await?;
    for pay in open {
        settle_payment(shop, &pay).await?;
    }
    orders::order_by_public_id(shop, public_id).await
}

/// Payment statuses the provider may still change.
const OPEN: [&str; 3] = ["pending", "failed", "authorized"];

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
        .is_some_and(|o| o.status == OrderStatus::PendingPayment.as_str());
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
) -> ServiceResult<crate::checkout::OrderView> {
    let provider = provider(shop, Some(provider_name))?;
    let o = orders::find_public(&shop.db, public_id).await?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(provider.name()))
        .filter(payment::Column::ProviderRef.eq(provider_ref))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("payment"))?;
    // Never take money for an order that was paid another way or cancelled.
    if pay.status == "pending" && waiting_for_payment(&o).is_ok() {
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
    orders::order_by_public_id(shop, public_id).await
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
        .filter(payment::Column::Status.is_in(OPEN))
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
pub async fn record_received(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<crate::checkout::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    let o = orders::find_public(&shop.db, public_id).await?;
    let open = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.eq("pending"))
        .all(&shop.db)
        .await?;
    let (pay, provider) = open
        .into_iter()
        .find_map(|p| shop.payments.get(&p.provider).filter(|pr| pr.records_by_hand()).map(|pr| (p, pr.clone())))
        .ok_or_else(|| ServiceError::Conflict("The order has no bank transfer waiting to be recorded.".into()))?;
    audit(
        &shop.db,
        "admin",
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
    orders::order_by_public_id(shop, public_id).await
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
) -> ServiceResult<crate::checkout::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    let o = orders::find_public(&shop.db, public_id).await?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.eq("authorized"))
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
        "admin",
        "payment.captured",
        Some(o.id),
        Some(pay.id),
        serde_json::json!({ "provider_ref": pay.provider_ref, "amount_minor": amount_minor, "status": state.status }),
    )
    .await?;
    settle_state(shop, provider.name(), &state).await?;
    orders::order_by_public_id(shop, public_id).await
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
async fn store_event(shop: &Shop, provider: &str, event: &ProviderEvent) -> ServiceResult<Receipt> {
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

/// Pays order `public_id` with the built-in test provider (no money moves):
/// the provider signs a "succeeded" event, and it goes through [`receive`]
/// like a real provider's webhook.
///
/// # Errors
/// As [`start`]; `Conflict` when the shop's provider is a real one.
pub async fn pay_with_test_provider(shop: &Shop, public_id: &str) -> ServiceResult<crate::checkout::OrderView> {
    let off = || ServiceError::Conflict("This shop takes real payments; the test payment is off.".into());
    let test = shop.payments.get("test").ok_or_else(off)?;
    let started = start(shop, public_id, Some("test")).await?;
    let (signature, body) = test
        .simulate_event(PaymentEventKind::Succeeded, &started.provider_ref, started.amount_minor, &started.currency)
        .ok_or_else(off)?;
    let headers = crate::ports::EventHeaders::from([("bazaar-signature".to_owned(), signature)]);
    receive(shop, "test", &headers, &body).await?;
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
    orders::lock(&txn, found.order_id).await?;
    let pay = payment::Entity::find_by_id(found.id).one(&txn).await?.ok_or(ServiceError::NotFound("payment"))?;
    let o = order::Entity::find_by_id(pay.order_id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let set_status = |status: &'static str| {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value(status))
            .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(payment::Column::Id.eq(pay.id))
    };
    let outcome = match (kind, pay.status.as_str()) {
        (PaymentEventKind::Succeeded, "succeeded" | "refunded") => format!("already {}; nothing to do", pay.status),
        (PaymentEventKind::Authorized, "authorized" | "succeeded" | "refunded") => {
            format!("already {}; nothing to do", pay.status)
        }
        (PaymentEventKind::Succeeded | PaymentEventKind::Authorized, _) => {
            let captured = kind == PaymentEventKind::Succeeded;
            set_status(if captured { "succeeded" } else { "authorized" }).exec(&txn).await?;
            // Less than the payment (a partial capture, say): what was received
            // is what counts — refunds stop there — and the order is held.
            let short = captured && event.amount_minor > 0 && event.amount_minor < pay.amount_minor;
            if short {
                payment::Entity::update_many()
                    .col_expr(payment::Column::AmountMinor, Expr::value(event.amount_minor))
                    .filter(payment::Column::Id.eq(pay.id))
                    .exec(&txn)
                    .await?;
                orders::event(
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
                .filter(payment::Column::Status.is_in(["authorized", "succeeded"]))
                .one(&txn)
                .await?;
            let recorded = orders::record_payment_in(&txn, &o, &pay.provider_ref).await;
            let paid_now = matches!(recorded, Ok(true));
            if (paid_now && o.risk_score >= shop.settings.risk.review_score) || (short && !o.held_for_review) {
                orders::hold_for_review(&txn, &o).await?;
            }
            if paid_now {
                let covered: i64 = payment::Entity::find()
                    .filter(payment::Column::OrderId.eq(o.id))
                    .filter(payment::Column::Status.is_in(["authorized", "succeeded"]))
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
                    orders::event(
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
                Ok(false) if pay.status == "authorized" => "the payment was captured".to_owned(),
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
        (PaymentEventKind::Failed, "pending") => {
            set_status("failed").exec(&txn).await?;
            "the payment failed; the order still waits for one".to_owned()
        }
        (PaymentEventKind::Failed, "authorized") => {
            // The hold on the card lapsed or was cancelled: the order is paid
            // on paper only. It is held so that nothing ships unpaid.
            set_status("failed").exec(&txn).await?;
            if o.status == OrderStatus::Paid.as_str() && !o.held_for_review {
                orders::hold_for_review(&txn, &o).await?;
            }
            orders::event(
                &txn,
                o.id,
                "payment",
                "authorization_lost",
                None,
                None,
                "The authorized payment was cancelled or expired before it was captured: nothing is held on the card.",
            )
            .await?;
            super::outbox::record(
                &txn,
                "order.payment_lost",
                serde_json::json!({ "order_id": o.id, "public_id": o.public_id }),
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
                        Expr::value(if fully { "refunded" } else { pay.status.as_str() }),
                    )
                    .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
                    .filter(payment::Column::Id.eq(pay.id))
                    .exec(&txn)
                    .await?;
                let others_left = others_unrefunded(&txn, o.id, pay.id).await?;
                let to = if fully && !others_left { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
                let note = format!("Refunded at the provider: {} of {} minor units.", total, pay.amount_minor);
                match orders::move_to(&txn, &o, to, "payment", &note).await {
                    Ok(true) => {}
                    // Already there, or an order whose life has no such step:
                    // the timeline still says what happened.
                    Ok(false) | Err(ServiceError::Conflict(_)) => {
                        orders::event(&txn, o.id, "payment", "refunded", None, None, &note).await?;
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
    authorize(actor, Action::ViewOrders)?;
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
) -> ServiceResult<crate::checkout::OrderView> {
    authorize(actor, Action::ManageOrders)?;
    if amount_minor.is_none() && payment.is_none() {
        // All that is left, payment by payment (a gift card and a card, say).
        let o = orders::find_public(&shop.db, public_id).await?;
        let open: Vec<String> = payment::Entity::find()
            .filter(payment::Column::OrderId.eq(o.id))
            .filter(payment::Column::Status.eq("succeeded"))
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
                view = Some(refund_as(shop, "admin", public_id, None, reason, Some(&reference)).await?);
            }
            return view.ok_or(ServiceError::NotFound("payment"));
        }
    }
    refund_as(shop, "admin", public_id, amount_minor, reason, payment).await
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
        .filter(payment::Column::Status.eq("pending"))
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
            update.col_expr(payment::Column::Status, Expr::value("failed")).exec(txn).await?;
        }
    }
    Ok(())
}

/// Whether order `order_id` has a succeeded payment other than `except`
/// with something left to refund.
async fn others_unrefunded<C: ConnectionTrait>(txn: &C, order_id: i64, except: i64) -> ServiceResult<bool> {
    Ok(payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .filter(payment::Column::Id.ne(except))
        .filter(payment::Column::Status.eq("succeeded"))
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
/// themselves; `who` names the actor on the timeline and in the audit log.
pub(crate) async fn refund_as(
    shop: &Shop,
    who: &str,
    public_id: &str,
    amount_minor: Option<i64>,
    reason: &str,
    payment_ref: Option<&str>,
) -> ServiceResult<crate::checkout::OrderView> {
    let found = orders::find_public(&shop.db, public_id).await?;
    // Recorded first, within the payment's limit, under the order's lock
    // (the order first, then the payment: as events are applied).
    let txn = super::write_txn(&shop.db).await?;
    orders::lock(&txn, found.id).await?;
    let o = order::Entity::find_by_id(found.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let (row, pay) = record_refund(&txn, who, &o, amount_minor, reason, payment_ref).await?;
    txn.commit().await?;
    match ask_for_refund(shop, &row, &pay).await? {
        Asked::Done => orders::view_public(&shop.db, public_id).await,
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
    if o.status == OrderStatus::PendingPayment.as_str() {
        return Err(ServiceError::Conflict(
            "The order is not paid yet: cancel it instead (what gift cards paid goes back onto them).".into(),
        ));
    }
    let reason = reason.trim().chars().take(500).collect::<String>();
    let paid = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Status.is_in(["succeeded", "refunded"]))
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
        status: Set("pending".to_owned()),
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
    if pay.provider == super::gift_cards::PROVIDER {
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
            let txn = super::write_txn(&shop.db).await?;
            orders::lock(&txn, row.order_id).await?;
            let claimed = crate::model::refund::Entity::update_many()
                .col_expr(crate::model::refund::Column::Status, Expr::value("failed"))
                .filter(crate::model::refund::Column::Id.eq(row.id))
                .filter(crate::model::refund::Column::Status.eq("pending"))
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
    let txn = super::write_txn(&shop.db).await?;
    orders::lock(&txn, row.order_id).await?;
    let claimed = refund::Entity::update_many()
        .col_expr(refund::Column::Status, Expr::value("succeeded"))
        .col_expr(refund::Column::ProviderRef, Expr::value(provider_ref))
        .filter(refund::Column::Id.eq(row.id))
        .filter(refund::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(());
    }
    if pay.provider == super::gift_cards::PROVIDER {
        super::gift_cards::credit(&txn, pay, row.amount_minor, &format!("refund:{}", row.id)).await?;
    }
    let now_paid = payment::Entity::find_by_id(pay.id).one(&txn).await?.ok_or(ServiceError::NotFound("payment"))?;
    let fully = now_paid.refunded_minor >= now_paid.amount_minor;
    if fully {
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value("refunded"))
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
    match orders::move_to(&txn, &o, to, &row.actor, &note).await {
        Ok(true) => {}
        // Already partially refunded, or an order whose life has no such
        // step (a payment refunded after the order was cancelled): the
        // timeline still says what happened.
        Ok(false) | Err(ServiceError::Conflict(_)) => {
            orders::event(&txn, o.id, &row.actor, "refunded", None, None, &note).await?;
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
        .filter(refund::Column::Status.eq("pending"))
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
