//! Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) for
//! staff accounts (admins, support, vendor staff). The seed is sealed with
//! the shop's secret key; each code is accepted once (the last time step
//! used is kept, and moved forward by a conditional update, so a replayed
//! or raced code fails). Admins can require it of all staff: a staff
//! account without it then acts as nobody until it is set up.
//!
//! Signing in with it is two steps: the password answers with a ticket
//! (kept five minutes in the cache, five tries), and the code with the
//! ticket opens the session.

use crate::accounts::credentials::live_user;
use crate::accounts::credentials::matches_off_thread;
use crate::accounts::TwoFactorStatus;
use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::audit;
use crate::kernel::secrets::digest;
use crate::kernel::Role;
use crate::kernel::UserId;
use crate::model::{shop_setting, user};
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::time::Duration as StdDuration;
use totp_rs::{Builder, Secret, Totp};

/// The setting that makes two-factor sign-in compulsory for staff.
pub const REQUIRE_FOR_STAFF: &str = "require_staff_two_factor";
/// How long the code step of a sign-in may take.
pub const TICKET_TTL: StdDuration = StdDuration::from_secs(300);
/// Codes tried per ticket before the sign-in must start again.
pub const TRIES: u64 = 5;
/// Wrong codes for one account, over all its tickets, within the sign-in
/// limit's window before its sign-in pauses (new tickets cannot reset it).
pub const WRONG_CODES_PER_ACCOUNT: u64 = 10;

fn wrong_codes_key(user_id: i64) -> String {
    format!("2fa-wrong:{user_id}")
}

/// Whether account `user_id` has had too many wrong codes lately.
pub(crate) async fn codes_paused(shop: &Shop, user_id: i64) -> ServiceResult<bool> {
    let wrong = shop.counters.count(&wrong_codes_key(user_id)).await?;
    Ok(wrong >= WRONG_CODES_PER_ACCOUNT)
}

/// Whether an account of `role` may (and, when required, must) use it.
pub fn for_role(role: Role) -> bool {
    role.is_staff()
}

fn totp(seed: Vec<u8>) -> ServiceResult<Totp> {
    Builder::new().with_secret(Secret::from(seed)).build().map_err(|e| ServiceError::Corrupt(format!("TOTP seed: {e}")))
}

/// The `otpauth://` link an authenticator app reads (as a QR code or tapped
/// on the phone).
pub fn otpauth_uri(issuer: &str, account: &str, base32: &str) -> String {
    let enc = percent_encode;
    format!(
        "otpauth://totp/{}:{}?secret={base32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters (for a
/// path segment or a query value).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether the shop requires two-factor sign-in of staff.
///
/// # Errors
/// When the database fails.
pub async fn required(db: &impl ConnectionTrait) -> ServiceResult<bool> {
    Ok(shop_setting::Entity::find_by_id(REQUIRE_FOR_STAFF.to_owned()).one(db).await?.is_some_and(|s| s.value == "true"))
}

/// An admin requires (or stops requiring) two-factor sign-in of staff
/// (logged).
///
/// # Errors
/// `Forbidden` for anyone but admins.
pub async fn set_required(shop: &Shop, actor: Actor, on: bool) -> ServiceResult<()> {
    authorize(actor, Action::ManageStaff)?;
    let txn = write_txn(&shop.db).await?;
    shop_setting::Entity::insert(shop_setting::ActiveModel {
        key: Set(REQUIRE_FOR_STAFF.to_owned()),
        value: Set(on.to_string()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(shop_setting::Column::Key)
            .update_columns([shop_setting::Column::Value, shop_setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, actor, "staff.require_two_factor", "shop", &on.to_string()).await?;
    txn.commit().await?;
    Ok(())
}

/// Where account `user_id` stands.
///
/// # Errors
/// `Unauthenticated` for an account that is gone; `Corrupt` for a seed
/// sealed with another key.
pub async fn status(shop: &Shop, user_id: UserId) -> ServiceResult<TwoFactorStatus> {
    let user_id = user_id.get();
    let u = live_user(&shop.db, user_id).await?;
    let pending = match (&u.totp_secret, u.totp_enabled_at) {
        (Some(sealed), None) => {
            let seed = shop.secret_key.open(sealed)?;
            let key = Secret::from(seed).to_base32();
            let uri = otpauth_uri(&shop.accounts.shop_name, &u.email, &key);
            Some((key, uri))
        }
        _ => None,
    };
    Ok(TwoFactorStatus {
        available: for_role(u.role),
        enabled: u.totp_enabled_at.is_some(),
        required: required(&shop.db).await?,
        pending,
    })
}

/// Begins the set-up: a new seed (sealed in the account), shown once as a
/// key and a link for the authenticator app; it counts once confirmed.
///
/// # Errors
/// `Forbidden` for customer accounts; `Conflict` when it is on already.
pub async fn begin(shop: &Shop, user_id: UserId) -> ServiceResult<TwoFactorStatus> {
    let user_id = user_id.get();
    let u = live_user(&shop.db, user_id).await?;
    if !for_role(u.role) {
        return Err(ServiceError::Forbidden);
    }
    if u.totp_enabled_at.is_some() {
        return Err(ServiceError::Conflict("Two-factor sign-in is on already.".into()));
    }
    let mut seed = vec![0_u8; 20];
    OsRng.fill_bytes(&mut seed);
    let sealed = shop.secret_key.seal(&seed)?;
    user::Entity::update_many()
        .col_expr(user::Column::TotpSecret, Expr::value(sealed))
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user::Column::Id.eq(user_id))
        .exec(&shop.db)
        .await?;
    status(shop, crate::kernel::UserId::new(user_id)).await
}

/// Whether `code` is the account's current code, accepting it once: the
/// step it matched must be later than the last one used, and is recorded
/// with a conditional update (two requests with one code: one wins).
async fn accept(shop: &Shop, u: &user::Model, code: &str) -> ServiceResult<bool> {
    let Some(sealed) = &u.totp_secret else { return Ok(false) };
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    let Some(step) = totp(shop.secret_key.open(sealed)?)?.check(&code, now) else { return Ok(false) };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let fresh = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(u.id))
        .filter(Condition::any().add(user::Column::TotpLastStep.is_null()).add(user::Column::TotpLastStep.lt(step)))
        .exec(&shop.db)
        .await?;
    Ok(fresh.rows_affected == 1)
}

fn wrong_code() -> ServiceError {
    ServiceError::InvalidFields(vec![("code".into(), "is not the current code from your authenticator app".into())])
}

/// Confirms the set-up with a code from the app: two-factor sign-in is on,
/// and every other session of the account ends (one opened before, by
/// whoever, does not carry on); answers the caller's new session.
///
/// # Errors
/// `Conflict` when no set-up was begun; `InvalidFields("code")`.
pub async fn confirm(shop: &Shop, user_id: UserId, code: &str) -> ServiceResult<String> {
    let user_id = user_id.get();
    let u = live_user(&shop.db, user_id).await?;
    if u.totp_secret.is_none() || u.totp_enabled_at.is_some() {
        return Err(ServiceError::Conflict("Begin the set-up first.".into()));
    }
    if !accept(shop, &u, code).await? {
        return Err(wrong_code());
    }
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(&shop.db)
        .await?;
    tracing::info!(user = user_id, "two-factor sign-in turned on");
    shop.sessions.remove_user(user_id).await?;
    crate::accounts::credentials::open_session(shop, user_id).await
}

/// Turns it off, with the password and a current code; not while the shop
/// requires it of staff. Other sessions end; answers the caller's new one
/// (`None` when it was off already).
///
/// # Errors
/// `Conflict` when required; `InvalidFields` for a wrong password or code.
pub async fn disable(shop: &Shop, user_id: UserId, password: &str, code: &str) -> ServiceResult<Option<String>> {
    let user_id = user_id.get();
    let u = live_user(&shop.db, user_id).await?;
    if u.totp_enabled_at.is_none() {
        return Ok(None);
    }
    if required(&shop.db).await? {
        return Err(ServiceError::Conflict("The shop requires two-factor sign-in for staff.".into()));
    }
    if !matches_off_thread(password.to_owned(), u.password_hash.clone()).await {
        return Err(ServiceError::InvalidFields(vec![("password".into(), "is not your password".into())]));
    }
    if !accept(shop, &u, code).await? {
        return Err(wrong_code());
    }
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(user::Column::TotpSecret, Expr::value(Option::<String>::None))
        .filter(user::Column::Id.eq(user_id))
        .exec(&shop.db)
        .await?;
    shop.sessions.remove_user(user_id).await?;
    Ok(Some(crate::accounts::credentials::open_session(shop, user_id).await?))
}

/// Issues the ticket for the code step of a sign-in by account `user_id`.
pub(crate) async fn issue_ticket(shop: &Shop, user_id: i64) -> ServiceResult<String> {
    let ticket = crate::kernel::secrets::random_secret();
    shop.cache.set(&format!("2fa-ticket:{}", digest(&ticket)), &user_id.to_string(), TICKET_TTL).await?;
    Ok(ticket)
}

/// Checks the code of a sign-in's second step and answers the account,
/// using the ticket up when the code is right (or the tries are spent).
///
/// # Errors
/// `Invalid` for an unknown or expired ticket; `RateLimited` after five
/// wrong codes; `InvalidFields("code")` for a wrong code.
pub(crate) async fn redeem_ticket(shop: &Shop, ticket: &str, code: &str) -> ServiceResult<user::Model> {
    let key = format!("2fa-ticket:{}", digest(ticket.trim()));
    let expired = || ServiceError::Invalid("This sign-in has expired. Please sign in again.".into());
    let user_id = shop.cache.get(&key).await?.and_then(|v| v.parse::<i64>().ok()).ok_or_else(expired)?;
    let tries = shop.counters.hit(&format!("{key}:tries"), TICKET_TTL).await?.count;
    if tries > TRIES {
        shop.cache.delete(&key).await?;
        return Err(ServiceError::RateLimited("Too many wrong codes. Please sign in again.".into()));
    }
    if codes_paused(shop, user_id).await? {
        shop.cache.delete(&key).await?;
        return Err(ServiceError::RateLimited(
            "Too many wrong codes. Please wait 15 minutes and sign in again.".into(),
        ));
    }
    let u = live_user(&shop.db, user_id).await.map_err(|_| expired())?;
    if !accept(shop, &u, code).await? {
        shop.counters.hit(&wrong_codes_key(user_id), shop.accounts.limit_window).await?;
        return Err(wrong_code());
    }
    shop.cache.delete(&key).await?;
    Ok(u)
}

/// The current code of a sealed seed (for tests and the set-up check).
///
/// # Errors
/// `Corrupt` for a seed sealed with another key.
pub fn code_at(shop: &Shop, sealed: &str, unix: u64) -> ServiceResult<String> {
    Ok(totp(shop.secret_key.open(sealed)?)?.generate(unix).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_names_the_shop_and_the_account_safely() {
        let uri = otpauth_uri("Bazaar & Co", "ann@example.com", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/Bazaar%20%26%20Co:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Bazaar%20%26%20Co&algorithm=SHA1&digits=6&period=30"
        );
        assert!(
            for_role(Role::Admin)
                && for_role(Role::VendorStaff)
                && for_role(Role::Support)
                && !for_role(Role::Customer)
        );
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, the 20-byte ASCII seed "12345678901234567890" (last 6 digits).
        let t = totp(b"12345678901234567890".to_vec()).unwrap();
        assert_eq!(t.generate(59).to_string(), "287082");
        assert_eq!(t.generate(1_111_111_109).to_string(), "081804");
        assert_eq!(t.check("287082", 59), Some(1));
        assert_eq!(t.check("287082", 59 + 30), Some(1), "one step of skew");
        assert_eq!(t.check("287082", 59 + 90), None);
    }
}
