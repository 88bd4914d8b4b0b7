//! Accounts: registration with email verification, sign-in and sessions,
//! password reset and change, change of email, the profile, and the first
//! admin. No answer of registration, sign-in or reset tells whether an email
//! has an account: the same words and the same work either way, and what
//! differs goes to the mailbox, which only its owner reads.

use crate::accounts::credentials::account_email;
use crate::accounts::credentials::find_by_email;
use crate::accounts::credentials::matches_off_thread;
use crate::accounts::credentials::open_session;
use crate::accounts::credentials::WRONG_CREDENTIALS;
use crate::accounts::registration::send_verification;
use crate::accounts::MAX_PASSWORD_CHARS;
use crate::kernel::access::Actor;
use crate::kernel::secrets::digest;
use crate::kernel::secrets::well_formed;
use crate::kernel::UserId;
use crate::model::{account_token, user};
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A session just opened: the secret for the cookie, and who it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The session id for the cookie (only its digest is stored).
    pub session: String,
    /// The account.
    pub user_id: i64,
    /// What the account may do.
    pub actor: Actor,
}

/// Where a sign-in stands after the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in.
    Done(SignedIn),
    /// The account uses two-factor sign-in: send the code from the app with
    /// this ticket ([`complete_sign_in`]).
    NeedsCode {
        /// The ticket (five minutes, five tries).
        ticket: String,
    },
}

fn too_many() -> ServiceError {
    ServiceError::RateLimited("Too many sign-in attempts. Please wait 15 minutes and try again.".into())
}

/// Signs in with email and password and opens a session. Limited per IP
/// address (every attempt counts) and per account (wrong passwords count);
/// past either limit, nothing is checked until the window ends. An account
/// whose email is not yet confirmed gets a fresh link instead of a session.
///
/// # Errors
/// `Invalid(WRONG_CREDENTIALS)` for an unknown email or a wrong password
/// (the same words and time for both); `RateLimited` past a limit;
/// `Conflict` when the email is not confirmed yet.
#[tracing::instrument(skip_all)]
pub async fn sign_in(shop: &Shop, email: &str, password: &str, ip: Option<&str>) -> ServiceResult<SignInStep> {
    let settings = &shop.accounts;
    if let Some(ip) = ip {
        // Counted per address, an IPv6 client per /64 (it may pick any
        // address in it).
        let key = ip.parse().map_or_else(|_| ip.to_owned(), |ip| crate::kernel::network::limit_key(ip).to_string());
        if shop.counters.hit(&format!("sign-in-ip:{key}"), settings.limit_window).await?.count
            > settings.sign_ins_per_ip
        {
            return Err(too_many());
        }
    }
    let wrong = || ServiceError::Invalid(WRONG_CREDENTIALS.into());
    let Ok(email) = account_email(email) else {
        return Err(wrong());
    };
    let failures_key = format!("sign-in-failures:{}", digest(&email));
    let failures = shop.counters.count(&failures_key).await?;
    if failures >= settings.failed_sign_ins_per_account {
        return Err(too_many());
    }
    let user = find_by_email(&shop.db, &email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    if password.chars().count() > MAX_PASSWORD_CHARS || !matches_off_thread(password.to_owned(), stored).await {
        shop.counters.hit(&failures_key, settings.limit_window).await?;
        return Err(wrong());
    }
    let user = user.ok_or_else(wrong)?;
    if user.email_verified_at.is_none() {
        let txn = write_txn(&shop.db).await?;
        let recent = account_token::Entity::find()
            .filter(account_token::Column::UserId.eq(user.id))
            .filter(account_token::Column::Purpose.eq("verify"))
            .filter(account_token::Column::CreatedAt.gt(Utc::now() - Duration::minutes(2)))
            .one(&txn)
            .await?;
        if recent.is_none() {
            send_verification(&txn, shop, &user).await?;
        }
        txn.commit().await?;
        return Err(ServiceError::Conflict(
            "Please confirm your email address first: we have sent you a link (check your spam folder too).".into(),
        ));
    }
    shop.counters.clear(&failures_key).await?;
    if user.totp_enabled_at.is_some() {
        if crate::accounts::two_factor::codes_paused(shop, user.id).await? {
            return Err(too_many());
        }
        return Ok(SignInStep::NeedsCode { ticket: crate::accounts::two_factor::issue_ticket(shop, user.id).await? });
    }
    let session = open_session(shop, user.id).await?;
    tracing::info!(user = user.id, "signed in");
    Ok(SignInStep::Done(SignedIn {
        session,
        user_id: user.id,
        actor: Actor::from_role(user.role, user.id, user.vendor_id),
    }))
}

/// The second step of a two-factor sign-in: the code from the app with the
/// ticket the password step gave.
///
/// # Errors
/// `Invalid` for an expired ticket, `InvalidFields("code")` for a wrong
/// code, `RateLimited` after five wrong codes.
pub async fn complete_sign_in(shop: &Shop, ticket: &str, code: &str) -> ServiceResult<SignedIn> {
    let user = crate::accounts::two_factor::redeem_ticket(shop, ticket, code).await?;
    let session = open_session(shop, user.id).await?;
    tracing::info!(user = user.id, "signed in with two factors");
    Ok(SignedIn { session, user_id: user.id, actor: Actor::from_role(user.role, user.id, user.vendor_id) })
}

/// Who holds a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The account.
    pub user_id: i64,
    /// What it may do.
    pub actor: Actor,
    /// Its name, for the header.
    pub name: String,
    /// A staff account without two-factor sign-in while the shop requires
    /// it: it acts as nobody until it sets it up.
    pub needs_two_factor: bool,
}

/// The account of session `secret`, while the session lasts: not past its
/// absolute end, and used within the idle limit. Use is recorded at most
/// once a minute.
///
/// # Errors
/// `Port` when the session store fails.
pub async fn session_user(shop: &Shop, secret: &str) -> ServiceResult<Option<SessionUser>> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let key = digest(secret);
    let now = Utc::now();
    let Some(session) = shop.sessions.get(&key, now).await? else {
        return Ok(None);
    };
    let idle = Duration::from_std(shop.accounts.session_idle).unwrap_or(Duration::days(7));
    if now - session.last_seen_at > idle {
        shop.sessions.remove(&key).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::minutes(1) {
        shop.sessions.touch(&key, now).await?;
    }
    let Some(user) =
        user::Entity::find_by_id(session.user_id).filter(user::Column::DeletedAt.is_null()).one(&shop.db).await?
    else {
        shop.sessions.remove(&key).await?;
        return Ok(None);
    };
    let needs_two_factor = crate::accounts::two_factor::for_role(user.role)
        && user.totp_enabled_at.is_none()
        && crate::accounts::two_factor::required(&shop.db).await?;
    Ok(Some(SessionUser {
        user_id: user.id,
        actor: if needs_two_factor { Actor::Anonymous } else { Actor::from_role(user.role, user.id, user.vendor_id) },
        name: user.display_name,
        needs_two_factor,
    }))
}

/// Ends session `secret`.
///
/// # Errors
/// `Port` when the session store fails.
pub async fn sign_out(shop: &Shop, secret: &str) -> ServiceResult<()> {
    if well_formed(secret) {
        shop.sessions.remove(&digest(secret)).await?;
    }
    Ok(())
}

/// Ends every session of `user_id` ("sign out of all devices") and returns
/// how many there were.
///
/// # Errors
/// `Port` when the session store fails.
pub async fn sign_out_everywhere(shop: &Shop, user_id: UserId) -> ServiceResult<u64> {
    let user_id = user_id.get();
    Ok(shop.sessions.remove_user(user_id).await?)
}
