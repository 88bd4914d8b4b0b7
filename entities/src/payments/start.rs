//! Starting a payment for an order with a provider, and confirming it from
//! the browser (card signals feed fraud screening).

use crate::catalog::ReservationStatus;
use crate::kernel::access::Actor;
use crate::model::{order, payment};
use crate::ordering::OrderStatus;
use crate::payments::audit_log::audit;
use crate::payments::settle::settle_state;
use crate::payments::PaymentStatus;
use crate::ports::PaymentProvider;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

/// The ways the shop takes payment, for the order page.
pub fn options(shop: &Shop) -> crate::payments::PaymentOptions {
    crate::payments::PaymentOptions {
        stripe: shop.payments.get("stripe").and_then(|p| p.browser_setup()),
        paypal: shop.payments.get("paypal").is_some(),
        local: ["bank_transfer", "cash_on_delivery"]
            .into_iter()
            .filter_map(|name| shop.payments.get(name))
            .map(|p| crate::payments::LocalMethod { provider: p.name().to_owned(), instructions: p.instructions() })
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
    if taken.status == PaymentStatus::Pending {
        return Box::pin(start_unchecked(shop, public_id, provider_name)).await;
    }
    Err(ServiceError::Conflict(format!(
        "This order's {} payment has already {}; please choose another way to pay.",
        name.replace('_', " "),
        if taken.status == PaymentStatus::Failed { "failed" } else { "been made" }
    )))
}

/// Starts paying order `public_id` at provider `provider_name` (the shop's
/// default when `None`), or returns the payment already started there.
///
/// # Errors
/// `NotFound`; `InvalidField` for an unknown provider; `Conflict` when the
/// order is not waiting for payment; `Port` when the provider fails.
#[tracing::instrument(skip(shop))]
pub async fn start(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    provider_name: Option<&str>,
) -> ServiceResult<PaymentStart> {
    may_pay(shop, actor, public_id).await?;
    start_unchecked(shop, public_id, provider_name).await
}

/// Whether `actor` may pay order `public_id`: whoever may read it
/// (`access::read_order`); to anyone else it does not exist.
pub(crate) async fn may_pay(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<()> {
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    crate::kernel::access::read_order(actor, o.user_id)
}

/// [`start`] for the shop's own workers and tests, without asking who.
pub(crate) async fn start_unchecked(
    shop: &Shop,
    public_id: &str,
    provider_name: Option<&str>,
) -> ServiceResult<PaymentStart> {
    let provider = provider(shop, provider_name)?;
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    if o.status != OrderStatus::PendingPayment {
        return Err(ServiceError::Conflict(format!("The order is {}, not waiting for payment.", o.status)));
    }
    let name = provider.name();
    // What is left to pay: gift cards may have paid part of it.
    let due = crate::ordering::view::due(&shop.db, &o).await?.minor();
    if due == 0 {
        return Err(ServiceError::Conflict("Nothing is left to pay on this order.".into()));
    }
    let existing = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(name))
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
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
                .filter(payment::Column::Status.eq(PaymentStatus::Pending))
                .exec(&shop.db)
                .await?;
        } else {
            mark_failed(&shop.db, p.id).await?;
        }
        return Box::pin(start_unchecked(shop, public_id, provider_name)).await;
    }
    if let Some(p) = existing {
        // The browser needs the client secret again (a reload): the
        // provider keeps it, we do not.
        let state = provider.lookup(&p.provider_ref).await?;
        if state.as_ref().is_some_and(|s| s.status == crate::ports::ProviderStatus::Canceled) {
            mark_failed(&shop.db, p.id).await?;
            return Box::pin(start_unchecked(shop, public_id, provider_name)).await;
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
    let txn = crate::write_txn(&shop.db).await?;
    // A gift card may have paid part of it meanwhile: recorded only for
    // what is still due, under the order's lock.
    crate::ordering::record::lock(&txn, o.id).await?;
    let fresh = order::Entity::find_by_id(o.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    if fresh.status != o.status || crate::ordering::view::due(&txn, &fresh).await?.minor() != due {
        txn.rollback().await?;
        return Box::pin(start_unchecked(shop, public_id, provider_name)).await;
    }
    let now = Utc::now();
    let row = payment::ActiveModel {
        order_id: Set(o.id),
        provider: Set(name.to_owned()),
        provider_ref: Set(created.provider_ref.clone()),
        status: Set(PaymentStatus::Pending),
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
        Err(e) if crate::kernel::validate::is_unique_violation(&e) => {
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
            return Box::pin(start_unchecked(shop, public_id, provider_name)).await;
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
            .filter(crate::model::reservation::Column::Status.eq(ReservationStatus::Active))
            .filter(crate::model::reservation::Column::ExpiresAt.lt(until))
            .exec(&txn)
            .await?;
        crate::ordering::record::event(
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
    pub order: crate::ordering::OrderView,
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
    actor: Actor,
    public_id: &str,
    provider_name: Option<&str>,
    payment_method: &str,
) -> ServiceResult<PaymentProgress> {
    may_pay(shop, actor, public_id).await?;
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
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    waiting_for_payment(&o)?;
    let pay = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(provider.name()))
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
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
        order: crate::ordering::view::order_for(shop, actor, public_id).await?,
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
    let txn = crate::write_txn(&shop.db).await?;
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
    let risk = crate::ordering::fraud::assess_card(other_emails, signals.risk_level.as_deref(), &shop.settings.risk);
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
        if now_order.status == OrderStatus::Paid
            && !now_order.held_for_review
            && now_order.risk_score >= shop.settings.risk.review_score
        {
            crate::ordering::record::hold_for_review(&txn, &now_order).await?;
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
pub(crate) fn waiting_for_payment(o: &order::Model) -> ServiceResult<()> {
    if o.status == OrderStatus::PendingPayment {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!(
            "The order is {}, not waiting for payment.",
            o.status.as_str().replace('_', " ")
        )))
    }
}

async fn mark_failed<C: ConnectionTrait>(db: &C, payment_id: i64) -> ServiceResult<()> {
    payment::Entity::update_many()
        .col_expr(payment::Column::Status, Expr::value(PaymentStatus::Failed))
        .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(payment::Column::Id.eq(payment_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}
