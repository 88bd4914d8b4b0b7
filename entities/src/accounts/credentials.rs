//! What every account use case shares: the account settings, passwords
//! (hashed with argon2, off the async threads), one-time tokens sent in
//! links, the mail they go in, and opening a session.

use crate::accounts::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::kernel::secrets::{digest, random_secret, well_formed};
use crate::kernel::Email;
use crate::model::{account_token, user};
use crate::notifications::mail;
use crate::ports::{MailMessage, StoredSession};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::time::Duration as StdDuration;

/// How accounts behave (from configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    /// The shop's address as browsers reach it, for links in emails.
    pub public_url: String,
    /// The shop's name, in emails.
    pub shop_name: String,
    /// A session unused this long ends.
    pub session_idle: StdDuration,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute: StdDuration,
    /// Wrong passwords for one account within `limit_window` before its
    /// sign-in is paused.
    pub failed_sign_ins_per_account: u64,
    /// Sign-in attempts from one IP address within `limit_window`.
    pub sign_ins_per_ip: u64,
    /// The window of both limits.
    pub limit_window: StdDuration,
    /// Publish reviews as they are written (moderators may still reject
    /// them) instead of holding them for moderation.
    pub auto_publish_reviews: bool,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:3000".into(),
            shop_name: "Bazaar".into(),
            session_idle: StdDuration::from_secs(7 * 24 * 3_600),
            session_absolute: StdDuration::from_secs(30 * 24 * 3_600),
            failed_sign_ins_per_account: 5,
            sign_ins_per_ip: 30,
            limit_window: StdDuration::from_secs(15 * 60),
            auto_publish_reviews: false,
        }
    }
}

/// How long an emailed link works.
pub(crate) const VERIFY_HOURS: i64 = 48;

pub(crate) const RESET_MINUTES: i64 = 60;

pub(crate) const EMAIL_CHANGE_HOURS: i64 = 24;

/// Resets one email address may ask for within an hour (more are dropped
/// silently: the answer must not change).
pub(crate) const RESETS_PER_HOUR: u64 = 3;

/// The message every failed sign-in gets, whatever failed.
pub const WRONG_CREDENTIALS: &str = "The email or password is not right.";

/// The account key of an email address: the whole address in lower case
/// (`Ann@Example.com` and `ann@example.com` are one account).
///
/// # Errors
/// `InvalidField("email")` when it is not an email address.
pub fn account_email(input: &str) -> ServiceResult<String> {
    let email = Email::parse(input)
        .map(|e| e.as_str().to_lowercase())
        .map_err(|e| ServiceError::InvalidField { field: "email", message: e.to_string() })?;
    // `.invalid` is reserved (RFC 2606) and is what erased accounts are left
    // with: nobody may register one.
    if email.ends_with(".invalid") {
        return Err(ServiceError::InvalidField { field: "email", message: "is not a deliverable address".into() });
    }
    Ok(email)
}

pub(crate) fn check_password(field: &'static str, password: &str, email: &str) -> Result<(), (String, String)> {
    let chars = password.chars().count();
    let problem = if chars < MIN_PASSWORD_CHARS {
        Some(format!("must be at least {MIN_PASSWORD_CHARS} characters"))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!("must be at most {MAX_PASSWORD_CHARS} characters"))
    } else if !email.is_empty() && password.trim().eq_ignore_ascii_case(email) {
        Some("must not be your email address".into())
    } else {
        None
    };
    problem.map_or(Ok(()), |message| Err((field.to_owned(), message)))
}

pub(crate) fn check_name(name: &str) -> Result<String, (String, String)> {
    let name = name.trim();
    if name.is_empty() {
        Err(("name".into(), "is required".into()))
    } else if name.chars().count() > 200 {
        Err(("name".into(), "must be at most 200 characters".into()))
    } else if name.chars().any(char::is_control) {
        Err(("name".into(), "must not contain control characters".into()))
    } else {
        Ok(name.to_owned())
    }
}

/// Hashes a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// `Corrupt` if hashing fails, which only happens with broken parameters.
pub fn hash_password(password: &str) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Corrupt(format!("password hashing failed: {e}")))
}

/// Whether `password` matches the stored hash; with no hash, a dummy one is
/// checked so the answer takes as long as for a real account.
fn password_matches(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("a password nobody has").unwrap_or_default());
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// Hashing is slow on purpose: done off the async threads.
pub(crate) async fn hash_off_thread(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServiceError::Corrupt(format!("hashing task failed: {e}")))?
}

pub(crate) async fn matches_off_thread(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || password_matches(&password, stored.as_deref())).await.unwrap_or(false)
}

pub(crate) async fn find_by_email<C: ConnectionTrait>(db: &C, email: &str) -> ServiceResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

pub(crate) async fn live_user<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<user::Model> {
    user::Entity::find_by_id(id)
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(ServiceError::Unauthenticated)
}

/// Makes a one-time token for `user_id` and returns the secret for the link.
pub(crate) async fn new_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    purpose: &str,
    new_email: Option<String>,
    lifetime: Duration,
) -> ServiceResult<String> {
    let secret = random_secret();
    let now = Utc::now();
    account_token::Entity::insert(account_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(digest(&secret)),
        new_email: Set(new_email),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(secret)
}

/// Uses up a token: it must exist, be for `purpose`, unused and unexpired.
/// Marks it used (inside the caller's transaction).
pub(crate) async fn use_token<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    purpose: &str,
) -> ServiceResult<account_token::Model> {
    let expired = || ServiceError::Invalid("This link is not valid or has expired. Ask for a new one.".into());
    if !well_formed(secret.trim()) {
        return Err(expired());
    }
    let now = Utc::now();
    let token = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(digest(secret.trim())))
        .filter(account_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > now)
        .ok_or_else(expired)?;
    // Conditional, so two uses at once cannot both succeed.
    let taken = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::Id.eq(token.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(expired());
    }
    Ok(token)
}

/// Uses up every outstanding token of `user_id` (reset, email change,
/// verification): after a reset or a change of password, no link asked for
/// by whoever knew the old password still works.
pub(crate) async fn revoke_tokens<C: ConnectionTrait>(db: &C, user_id: i64) -> ServiceResult<u64> {
    Ok(account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

pub(crate) fn link(shop: &Shop, path: &str, secret: &str) -> String {
    format!("{}{path}?token={secret}", shop.accounts.public_url.trim_end_matches('/'))
}

pub(crate) fn page(shop: &Shop, path: &str) -> String {
    format!("{}{path}", shop.accounts.public_url.trim_end_matches('/'))
}

pub(crate) async fn send<C: ConnectionTrait>(
    db: &C,
    to: &str,
    subject: String,
    text: String,
    kind: &str,
) -> ServiceResult<()> {
    mail::queue(db, &MailMessage { to: to.to_owned(), subject, text }, kind).await.map(|_| ())
}

/// Opens a new session for `user_id` and returns its secret.
pub(crate) async fn open_session(shop: &Shop, user_id: i64) -> ServiceResult<String> {
    let secret = random_secret();
    let now = Utc::now();
    let absolute = Duration::from_std(shop.accounts.session_absolute).unwrap_or(Duration::days(30));
    shop.sessions
        .insert(
            &digest(&secret),
            &StoredSession { user_id, created_at: now, last_seen_at: now, expires_at: now + absolute },
        )
        .await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked_for_length_and_against_the_email() {
        assert!(check_password("password", "short", "").is_err());
        assert!(check_password("password", &"x".repeat(257), "").is_err());
        assert!(check_password("password", "ann@example.com", "ann@example.com").is_err());
        assert!(check_password("password", "a long enough phrase", "ann@example.com").is_ok());
    }

    #[test]
    fn account_emails_are_lower_case() {
        assert_eq!(account_email(" Ann@Example.COM ").unwrap(), "ann@example.com");
        assert!(account_email("not an email").is_err());
        assert!(account_email("erased-7@erased.invalid").is_err(), "the erased accounts' domain");
    }

    #[test]
    fn a_password_matches_only_its_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(password_matches("correct horse battery", Some(&hash)));
        assert!(!password_matches("correct horse battery!", Some(&hash)));
        assert!(!password_matches("a password nobody has", None), "no account never matches, even the dummy");
    }
}
