//! Gift cards and store credit: a balance behind a code, spent on orders —
//! all of an order, or part of it with another way to pay for the rest
//! (split tender).
//!
//! - The code (16 characters of an alphabet without look-alikes, 80 random
//!   bits) is shown once, when issued; only its SHA-256 is stored.
//! - Spending is one conditional update (`balance = balance - x WHERE
//!   balance >= x`) under the order's row lock, so a card is never spent
//!   twice, however many tabs try at once; every change to a balance is a
//!   ledger row.
//! - What a card pays is a `gift_card` payment of the order, `succeeded` at
//!   once. When it covers what is due the order is paid (as from any
//!   provider's event); otherwise the rest is paid another way, for exactly
//!   what is left.
//! - A refund of a card's payment goes back onto the card; an order
//!   cancelled before it was paid in full gives what cards paid back.
//! - Store credit is a card of an account (`customer_email` when issued): the
//!   signed-in customer spends it without typing the code.

use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::Money;
use crate::kernel::UserId;
use crate::model::{gift_card, gift_card_entry, order, payment, user};
use crate::ordering::view::due;
use crate::ordering::OrderStatus;
use crate::ordering::OrderView;
use crate::payments::{GiftCardBalance, GiftCardStatus, GiftCardView, IssuedGiftCard, NewGiftCard, PaymentStatus};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The payment provider name of what cards pay.
pub const PROVIDER: &str = "gift_card";

/// The characters of a code: no 0/O, 1/I/L.
const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// The most a card may hold, in minor units.
const MOST: i64 = 100_000_000;

/// A new code: 16 characters in four groups.
fn new_code() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // Each byte mod 31: a little under five bits each, 79 in all.
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[usize::from(*b) % 31] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A code as typed (any case, spaces or dashes) in the form it is hashed.
pub fn normalise(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

fn view(c: gift_card::Model) -> GiftCardView {
    GiftCardView {
        id: c.id,
        last4: c.last4,
        kind: c.kind,
        currency: c.currency,
        initial_minor: c.initial_minor,
        balance_minor: c.balance_minor,
        status: c.status,
        expires_at: c.expires_at,
        note: c.note,
        created_at: c.created_at,
    }
}

async fn entry<C: ConnectionTrait>(
    db: &C,
    card_id: i64,
    order_id: Option<i64>,
    change: i64,
    kind: &str,
    reference: &str,
) -> ServiceResult<()> {
    gift_card_entry::ActiveModel {
        card_id: Set(card_id),
        order_id: Set(order_id),
        change_minor: Set(change),
        kind: Set(kind.to_owned()),
        reference: Set(reference.chars().take(100).collect()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Issues a gift card (admins): its code is in the answer, shown once. With
/// `customer_email` it is that account's store credit, and the code is
/// emailed there.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidField(s)`
/// for an amount out of range, an unknown currency, an expiry in the past,
/// or an email with no account.
pub async fn issue(shop: &Shop, actor: Actor, input: NewGiftCard) -> ServiceResult<IssuedGiftCard> {
    authorize(actor, Action::ManageOrders)?;
    let mut check = crate::kernel::validate::Check::default();
    if !(1..=MOST).contains(&input.amount_minor) {
        check.fail("amount_minor", format!("must be between 1 and {MOST}"));
    }
    let currency = input.currency.trim().to_ascii_uppercase();
    if currency.parse::<crate::Currency>().is_err() {
        check.fail("currency", "is not a currency we know");
    }
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        check.fail("expires_at", "must be in the future");
    }
    let note = check.long_text("note", &input.note, 500);
    let owner = match input.customer_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => {
            let found = match crate::Email::parse(email) {
                Ok(email) => user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&shop.db).await?,
                Err(_) => None,
            };
            if found.is_none() {
                check.fail("customer_email", "has no account here");
            }
            found
        }
        None => None,
    };
    check.done()?;
    let code = new_code();
    let normal = normalise(&code);
    let now = Utc::now();
    let txn = crate::write_txn(&shop.db).await?;
    let card = gift_card::ActiveModel {
        code_hash: Set(crate::kernel::secrets::digest(&normal)),
        last4: Set(normal[normal.len() - 4..].to_owned()),
        kind: Set(if owner.is_some() { "store_credit" } else { "gift_card" }.to_owned()),
        user_id: Set(owner.as_ref().map(|u| u.id)),
        currency: Set(currency.clone()),
        initial_minor: Set(input.amount_minor),
        balance_minor: Set(input.amount_minor),
        status: Set(GiftCardStatus::Active),
        note: Set(note),
        expires_at: Set(input.expires_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    entry(&txn, card.id, None, input.amount_minor, "issue", "issued").await?;
    if let Some(owner) = &owner {
        let amount = crate::Money::from_minor(
            input.amount_minor,
            currency.parse().map_err(|_| ServiceError::Corrupt(currency.clone()))?,
        );
        crate::notifications::mail::queue(
            &txn,
            &crate::ports::MailMessage {
                to: owner.email.clone(),
                subject: format!("{}: you have store credit", shop.accounts.shop_name),
                text: format!(
                    "You have {amount} of store credit. Signed in, choose \"Use my store credit\" when you pay an order.\n\nIts code, should you need it: {code}\n"
                ),
            },
            "store_credit",
        )
        .await?;
    }
    crate::kernel::audit::record(
        &txn,
        actor,
        "gift_card.issued",
        &format!("gift card {}", card.id),
        &format!("{} {}", input.amount_minor, currency),
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedGiftCard { code, card: view(card) })
}

/// Every card, newest first (staff), up to 200.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask.
pub async fn list(shop: &Shop, actor: Actor) -> ServiceResult<Vec<GiftCardView>> {
    use sea_orm::QuerySelect;
    authorize(actor, Action::ViewOrders)?;
    let rows = gift_card::Entity::find().order_by_desc(gift_card::Column::Id).limit(200).all(&shop.db).await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Stops a card from being spent (admins); what is on it stays on record.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`.
pub async fn disable(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<GiftCardView> {
    authorize(actor, Action::ManageOrders)?;
    let found = gift_card::Entity::update_many()
        .col_expr(gift_card::Column::Status, Expr::value(GiftCardStatus::Disabled))
        .col_expr(gift_card::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(gift_card::Column::Id.eq(id))
        .exec(&shop.db)
        .await?;
    if found.rows_affected == 0 {
        return Err(ServiceError::NotFound("gift card"));
    }
    crate::kernel::audit::record(&shop.db, actor, "gift_card.disabled", &format!("gift card {id}"), "").await?;
    gift_card::Entity::find_by_id(id).one(&shop.db).await?.map(view).ok_or(ServiceError::NotFound("gift card"))
}

async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> ServiceResult<Option<gift_card::Model>> {
    let normal = normalise(code);
    if normal.len() != 16 {
        return Ok(None);
    }
    Ok(gift_card::Entity::find()
        .filter(gift_card::Column::CodeHash.eq(crate::kernel::secrets::digest(&normal)))
        .one(db)
        .await?)
}

/// What the card with `code` holds (anyone with the code).
///
/// # Errors
/// `NotFound` for an unknown or disabled code.
pub async fn balance(shop: &Shop, code: &str) -> ServiceResult<GiftCardBalance> {
    let card = by_code(&shop.db, code)
        .await?
        .filter(|c| c.status == GiftCardStatus::Active)
        .ok_or(ServiceError::NotFound("gift card"))?;
    Ok(GiftCardBalance {
        last4: card.last4,
        balance_minor: card.balance_minor,
        currency: card.currency,
        expires_at: card.expires_at,
    })
}

/// Account `user_id`'s store credit that can still be spent.
///
/// # Errors
/// When the database fails.
pub async fn credit_of(shop: &Shop, user_id: UserId) -> ServiceResult<Vec<GiftCardView>> {
    let user_id = user_id.get();
    let now = Utc::now();
    Ok(gift_card::Entity::find()
        .filter(gift_card::Column::UserId.eq(user_id))
        .filter(gift_card::Column::Status.eq(GiftCardStatus::Active))
        .filter(gift_card::Column::BalanceMinor.gt(0))
        .order_by_asc(gift_card::Column::Id)
        .all(&shop.db)
        .await?
        .into_iter()
        .filter(|c| c.expires_at.is_none_or(|at| at > now))
        .map(view)
        .collect())
}

/// Pays order `public_id` with the gift card `code`, or (no code) with the
/// signed-in customer's store credit: as much as the cards hold, up to what
/// is due. The order is paid when they cover it; otherwise the rest is
/// paid another way (any payment started before for the old amount is
/// closed, so it is started again for what is left).
///
/// # Errors
/// `NotFound` for an order `actor` may not read; `InvalidField` (`code`) for
/// an unknown, disabled, expired, empty or other-currency card, or no store
/// credit; `Unauthenticated` for store credit without signing in;
/// `Conflict` when the order is not waiting for payment.
#[tracing::instrument(skip(shop, code))]
pub async fn redeem(shop: &Shop, actor: Actor, public_id: &str, code: Option<&str>) -> ServiceResult<OrderView> {
    let bad = |message: &str| ServiceError::InvalidField { field: "code", message: message.to_owned() };
    let txn = crate::write_txn(&shop.db).await?;
    let found = crate::ordering::record::find_public(&txn, public_id).await?;
    crate::ordering::record::lock(&txn, found.id).await?;
    let o = order::Entity::find_by_id(found.id).one(&txn).await?.ok_or(ServiceError::NotFound("order"))?;
    crate::kernel::access::read_order(actor, o.user_id)?;
    if o.status != OrderStatus::PendingPayment {
        return Err(ServiceError::Conflict(format!(
            "The order is {}, not waiting for payment.",
            o.status.as_str().replace('_', " ")
        )));
    }
    let now = Utc::now();
    let cards = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            let card = by_code(&txn, code).await?.ok_or_else(|| bad("is not a gift card code we know"))?;
            if card.status != GiftCardStatus::Active {
                return Err(bad("belongs to a card that has been disabled"));
            }
            if card.expires_at.is_some_and(|at| at <= now) {
                return Err(bad("belongs to a card that has expired"));
            }
            if card.currency != o.currency {
                return Err(bad(&format!("is for {}; this order is in {}", card.currency, o.currency)));
            }
            if card.balance_minor == 0 {
                return Err(bad("belongs to a card with nothing left on it"));
            }
            vec![card]
        }
        None => {
            let Actor::Customer { user_id } = actor else { return Err(ServiceError::Unauthenticated) };
            let cards: Vec<gift_card::Model> = gift_card::Entity::find()
                .filter(gift_card::Column::UserId.eq(user_id))
                .filter(gift_card::Column::Status.eq(GiftCardStatus::Active))
                .filter(gift_card::Column::Currency.eq(o.currency.as_str()))
                .filter(gift_card::Column::BalanceMinor.gt(0))
                .order_by_asc(gift_card::Column::Id)
                .all(&txn)
                .await?
                .into_iter()
                .filter(|c| c.expires_at.is_none_or(|at| at > now))
                .collect();
            if cards.is_empty() {
                return Err(bad(&format!("is needed: you have no store credit in {}", o.currency)));
            }
            cards
        }
    };
    let mut due = due(&txn, &o).await?;
    let mut last_ref = String::new();
    for card in cards {
        if due.is_zero() {
            break;
        }
        let balance = Money::from_minor(card.balance_minor, due.currency());
        let taken = if balance < due { balance } else { due };
        let take = taken.minor();
        let spent = gift_card::Entity::update_many()
            .col_expr(gift_card::Column::BalanceMinor, Expr::col(gift_card::Column::BalanceMinor).sub(take))
            .col_expr(gift_card::Column::UpdatedAt, Expr::value(now))
            .filter(gift_card::Column::Id.eq(card.id))
            .filter(gift_card::Column::BalanceMinor.gte(take))
            .filter(gift_card::Column::Status.eq(GiftCardStatus::Active))
            .filter(
                sea_orm::Condition::any()
                    .add(gift_card::Column::ExpiresAt.is_null())
                    .add(gift_card::Column::ExpiresAt.gt(now)),
            )
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(ServiceError::Conflict(
                "The card was spent or disabled meanwhile; look at its balance again.".into(),
            ));
        }
        let reference = format!("gc_{}_{}", card.id, uuid::Uuid::new_v4().simple());
        entry(&txn, card.id, Some(o.id), -take, "redeem", &reference).await?;
        let row = payment::ActiveModel {
            order_id: Set(o.id),
            provider: Set(PROVIDER.to_owned()),
            provider_ref: Set(reference.clone()),
            status: Set(PaymentStatus::Succeeded),
            amount_minor: Set(take),
            currency: Set(o.currency.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        crate::payments::audit_log::audit(
            &txn,
            "customer",
            "payment.gift_card",
            Some(o.id),
            Some(row.id),
            serde_json::json!({ "card": card.id, "last4": card.last4, "amount_minor": take }),
        )
        .await?;
        let what = if card.kind == "store_credit" { "Store credit" } else { "Gift card" };
        crate::ordering::record::event(
            &txn,
            o.id,
            "customer",
            "gift_card",
            None,
            None,
            &format!("{what} …{} paid {take} minor units.", card.last4),
        )
        .await?;
        due = due.checked_sub(taken)?;
        last_ref = reference;
    }
    // Payments started for the old amount can no longer be right.
    crate::payments::refunds::reprice_open(&txn, shop, o.id, due.minor()).await?;
    if due.is_zero() {
        if crate::ordering::record::record_payment_in(&txn, &o, &last_ref).await?
            && o.risk_score >= shop.settings.risk.review_score
        {
            crate::ordering::record::hold_for_review(&txn, &o).await?;
        }
    } else {
        crate::ordering::record::event(
            &txn,
            o.id,
            "customer",
            "due",
            None,
            None,
            &format!("{} minor units are left to pay.", due.minor()),
        )
        .await?;
    }
    let view = crate::ordering::view::view_public(&txn, public_id).await?;
    txn.commit().await?;
    Ok(view)
}

/// The card a gift card payment was made with, from its reference.
fn card_of(pay: &payment::Model) -> ServiceResult<i64> {
    pay.provider_ref
        .strip_prefix("gc_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| ServiceError::Corrupt(format!("gift card payment reference {}", pay.provider_ref)))
}

/// Puts `amount` of gift card payment `pay` back onto its card (a refund),
/// inside the caller's transaction.
pub(crate) async fn credit<C: ConnectionTrait>(
    txn: &C,
    pay: &payment::Model,
    amount: i64,
    reference: &str,
) -> ServiceResult<()> {
    let card = card_of(pay)?;
    gift_card::Entity::update_many()
        .col_expr(gift_card::Column::BalanceMinor, Expr::col(gift_card::Column::BalanceMinor).add(amount))
        .col_expr(gift_card::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(gift_card::Column::Id.eq(card))
        .exec(txn)
        .await?;
    entry(txn, card, Some(pay.order_id), amount, "refund", reference).await
}

/// Gives back what cards paid of order `o`, which is being cancelled before
/// it was paid in full: each card payment is refunded onto its card.
pub(crate) async fn give_back<C: ConnectionTrait>(txn: &C, o: &order::Model) -> ServiceResult<()> {
    let paid = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(o.id))
        .filter(payment::Column::Provider.eq(PROVIDER))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .all(txn)
        .await?;
    for pay in paid {
        let left = pay.amount_minor - pay.refunded_minor;
        if left > 0 {
            credit(txn, &pay, left, &format!("cancelled:{}", o.public_id)).await?;
        }
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, Expr::value(PaymentStatus::Refunded))
            .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::AmountMinor))
            .col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(payment::Column::Id.eq(pay.id))
            .exec(txn)
            .await?;
        crate::payments::audit_log::audit(
            txn,
            "system",
            "gift_card.given_back",
            Some(o.id),
            Some(pay.id),
            serde_json::json!({ "amount_minor": left, "reason": "the order was cancelled before it was paid in full" }),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_unambiguous_characters_in_four_groups() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        let normal = normalise(&code);
        assert_eq!(normal.len(), 16);
        assert!(normal.chars().all(|c| ALPHABET.contains(&(c as u8))), "{code}");
        assert_ne!(new_code(), code);
    }

    #[test]
    fn codes_are_read_whatever_the_case_and_spacing() {
        assert_eq!(normalise(" abcd-EFGH jkmn-2345 "), "ABCDEFGHJKMN2345");
    }
}
