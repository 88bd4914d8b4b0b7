//! Accounts: registration with email verification, sign-in and sessions,
//! password reset and change, change of email, the profile, and the first
//! admin. No answer of registration, sign-in or reset tells whether an email
//! has an account: the same words and the same work either way, and what
//! differs goes to the mailbox, which only its owner reads.

use super::{mail, write_txn, ServiceError, ServiceResult, Shop};
use crate::account::{AccountView, ProfilePatch, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::domain::Email;
use crate::model::{account_token, user};
use crate::ports::{MailMessage, StoredSession};
use argon2::password_hash::{rand_core::OsRng, rand_core::RngCore, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use std::time::Duration as StdDuration;

use super::access::Actor;

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
const VERIFY_HOURS: i64 = 48;
const RESET_MINUTES: i64 = 60;
const EMAIL_CHANGE_HOURS: i64 = 24;

/// Resets one email address may ask for within an hour (more are dropped
/// silently: the answer must not change).
const RESETS_PER_HOUR: u64 = 3;

/// The message every failed sign-in gets, whatever failed.
pub const WRONG_CREDENTIALS: &str = "The email or password is not right.";

/// A new random secret: 32 bytes from the OS, as 64 hex digits.
pub(crate) fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a secret, as stored (tokens and session ids are stored
/// only this way).
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` has the shape of one we made (64 lower-case hex digits).
fn well_formed(secret: &str) -> bool {
    secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

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

fn check_password(field: &'static str, password: &str, email: &str) -> Result<(), (String, String)> {
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

fn check_name(name: &str) -> Result<String, (String, String)> {
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
async fn hash_off_thread(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServiceError::Corrupt(format!("hashing task failed: {e}")))?
}

pub(crate) async fn matches_off_thread(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || password_matches(&password, stored.as_deref())).await.unwrap_or(false)
}

async fn find_by_email<C: ConnectionTrait>(db: &C, email: &str) -> ServiceResult<Option<user::Model>> {
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
async fn new_token<C: ConnectionTrait>(
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
async fn use_token<C: ConnectionTrait>(db: &C, secret: &str, purpose: &str) -> ServiceResult<account_token::Model> {
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

fn link(shop: &Shop, path: &str, secret: &str) -> String {
    format!("{}{path}?token={secret}", shop.accounts.public_url.trim_end_matches('/'))
}

fn page(shop: &Shop, path: &str) -> String {
    format!("{}{path}", shop.accounts.public_url.trim_end_matches('/'))
}

async fn send<C: ConnectionTrait>(db: &C, to: &str, subject: String, text: String, kind: &str) -> ServiceResult<()> {
    mail::queue(db, &MailMessage { to: to.to_owned(), subject, text }, kind).await.map(|_| ())
}

async fn send_verification<C: ConnectionTrait>(db: &C, shop: &Shop, user: &user::Model) -> ServiceResult<()> {
    let secret = new_token(db, user.id, "verify", None, Duration::hours(VERIFY_HOURS)).await?;
    let shop_name = &shop.accounts.shop_name;
    send(
        db,
        &user.email,
        format!("Confirm your email for {shop_name}"),
        format!(
            "Hello {},\n\nPlease confirm that this is your email address by opening this link:\n\n{}\n\n\
             The link works for {VERIFY_HOURS} hours. If you did not make an account at {shop_name}, ignore this email.\n",
            user.display_name,
            link(shop, "/account/verify", &secret)
        ),
        "verify_email",
    )
    .await
}

/// What registering takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The sign-in email.
    pub email: String,
    /// The password (12–256 characters).
    pub password: String,
    /// The name shown to the shop.
    pub name: String,
    /// Whether marketing email is agreed to.
    pub marketing_consent: bool,
}

/// Registers a customer account and emails a verification link. When the
/// email has an account already, nothing is created and its owner gets an
/// email saying so (with a link to reset the password); the answer is the
/// same either way.
///
/// # Errors
/// `InvalidFields` for a bad email, password or name.
#[tracing::instrument(skip_all)]
pub async fn register(shop: &Shop, input: Registration) -> ServiceResult<()> {
    let mut errors = Vec::new();
    let email = account_email(&input.email).map_err(|_| ()).unwrap_or_else(|()| {
        errors.push(("email".to_owned(), "is not an email address".to_owned()));
        String::new()
    });
    if let Err(e) = check_password("password", &input.password, &email) {
        errors.push(e);
    }
    let name = check_name(&input.name).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    if !errors.is_empty() {
        return Err(ServiceError::InvalidFields(errors));
    }
    // Hashed either way, so both answers take as long.
    let hash = hash_off_thread(input.password).await?;
    let txn = write_txn(&shop.db).await?;
    let now = Utc::now();
    if let Some(existing) = find_by_email(&txn, &email).await? {
        let shop_name = &shop.accounts.shop_name;
        send(
            &txn,
            &existing.email,
            format!("You already have an account at {shop_name}"),
            format!(
                "Hello {},\n\nSomeone (perhaps you) tried to make a new account at {shop_name} with this address, \
                 which already has one. Sign in at {}\nor, if you forgot your password, set a new one at {}\n\n\
                 If it was not you, you need not do anything.\n",
                existing.display_name,
                page(shop, "/account/sign-in"),
                page(shop, "/account/forgot")
            ),
            "account_exists",
        )
        .await?;
        txn.commit().await?;
        return Ok(());
    }
    let created = user::ActiveModel {
        email: Set(email),
        password_hash: Set(Some(hash)),
        display_name: Set(name),
        role: Set("customer".into()),
        vendor_id: Set(None),
        created_at: Set(now),
        email_verified_at: Set(None),
        vendor_owner: Set(false),
        marketing_consent_at: Set(input.marketing_consent.then_some(now)),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if super::validate::is_unique_violation(&e) {
            // The same email registered twice at once: one wins.
            ServiceError::Conflict("Please try again.".into())
        } else {
            e.into()
        }
    })?;
    send_verification(&txn, shop, &created).await?;
    txn.commit().await?;
    tracing::info!(user = created.id, "account registered");
    Ok(())
}

/// Confirms an email address with the token from its verification link.
///
/// # Errors
/// `Invalid` for an unknown, used or expired link.
pub async fn verify_email(shop: &Shop, token: &str) -> ServiceResult<()> {
    let txn = write_txn(&shop.db).await?;
    let token = use_token(&txn, token, "verify").await?;
    let user = live_user(&txn, token.user_id).await.map_err(|_| ServiceError::NotFound("account"))?;
    if user.email_verified_at.is_none() {
        let mut active: user::ActiveModel = user.into();
        active.email_verified_at = Set(Some(Utc::now()));
        active.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

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
        if shop.cache.incr(&format!("sign-in-ip:{ip}"), settings.limit_window).await? > settings.sign_ins_per_ip {
            return Err(too_many());
        }
    }
    let wrong = || ServiceError::Invalid(WRONG_CREDENTIALS.into());
    let Ok(email) = account_email(email) else {
        return Err(wrong());
    };
    let failures_key = format!("sign-in-failures:{}", digest(&email));
    let failures = shop.cache.get(&failures_key).await?.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    if failures >= settings.failed_sign_ins_per_account {
        return Err(too_many());
    }
    let user = find_by_email(&shop.db, &email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    if password.chars().count() > MAX_PASSWORD_CHARS || !matches_off_thread(password.to_owned(), stored).await {
        shop.cache.incr(&failures_key, settings.limit_window).await?;
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
    shop.cache.delete(&failures_key).await?;
    if user.totp_enabled_at.is_some() {
        if super::two_factor::codes_paused(shop, user.id).await? {
            return Err(too_many());
        }
        return Ok(SignInStep::NeedsCode { ticket: super::two_factor::issue_ticket(shop, user.id).await? });
    }
    let session = open_session(shop, user.id).await?;
    tracing::info!(user = user.id, "signed in");
    Ok(SignInStep::Done(SignedIn {
        session,
        user_id: user.id,
        actor: Actor::from_role(&user.role, user.id, user.vendor_id),
    }))
}

/// The second step of a two-factor sign-in: the code from the app with the
/// ticket the password step gave.
///
/// # Errors
/// `Invalid` for an expired ticket, `InvalidFields("code")` for a wrong
/// code, `RateLimited` after five wrong codes.
pub async fn complete_sign_in(shop: &Shop, ticket: &str, code: &str) -> ServiceResult<SignedIn> {
    let user = super::two_factor::redeem_ticket(shop, ticket, code).await?;
    let session = open_session(shop, user.id).await?;
    tracing::info!(user = user.id, "signed in with two factors");
    Ok(SignedIn { session, user_id: user.id, actor: Actor::from_role(&user.role, user.id, user.vendor_id) })
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
    let needs_two_factor = super::two_factor::for_role(&user.role)
        && user.totp_enabled_at.is_none()
        && super::two_factor::required(&shop.db).await?;
    Ok(Some(SessionUser {
        user_id: user.id,
        actor: if needs_two_factor { Actor::Anonymous } else { Actor::from_role(&user.role, user.id, user.vendor_id) },
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
pub async fn sign_out_everywhere(shop: &Shop, user_id: i64) -> ServiceResult<u64> {
    Ok(shop.sessions.remove_user(user_id).await?)
}

/// Emails a password-reset link when `email` has an account. The answer is
/// the same whether it has one or not; more than a few requests an hour for
/// one address are dropped without a word.
///
/// # Errors
/// `InvalidField("email")` when it is not an email address.
pub async fn request_password_reset(shop: &Shop, email: &str) -> ServiceResult<()> {
    let email = account_email(email)?;
    let count = shop.cache.incr(&format!("reset:{}", digest(&email)), StdDuration::from_secs(3_600)).await?;
    if count > RESETS_PER_HOUR {
        return Ok(());
    }
    let txn = write_txn(&shop.db).await?;
    if let Some(user) = find_by_email(&txn, &email).await? {
        let secret = new_token(&txn, user.id, "reset", None, Duration::minutes(RESET_MINUTES)).await?;
        let shop_name = &shop.accounts.shop_name;
        send(
            &txn,
            &user.email,
            format!("Set a new password for {shop_name}"),
            format!(
                "Hello {},\n\nSomeone (perhaps you) asked to set a new password for your {shop_name} account. \
                 Open this link to choose one:\n\n{}\n\nThe link works for {RESET_MINUTES} minutes, once. \
                 If you did not ask, ignore this email: your password stays as it is.\n",
                user.display_name,
                link(shop, "/account/reset", &secret)
            ),
            "password_reset",
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with the token from a reset link. Every session of
/// the account ends (whoever knew the old password is out), and the email
/// counts as confirmed: the link reached it.
///
/// # Errors
/// `InvalidFields` for a bad password; `Invalid` for a bad link.
pub async fn reset_password(shop: &Shop, token: &str, password: &str) -> ServiceResult<()> {
    if let Err(e) = check_password("password", password, "") {
        return Err(ServiceError::InvalidFields(vec![e]));
    }
    let hash = hash_off_thread(password.to_owned()).await?;
    let txn = write_txn(&shop.db).await?;
    let token = use_token(&txn, token, "reset").await?;
    let user = live_user(&txn, token.user_id).await.map_err(|_| ServiceError::NotFound("account"))?;
    let user_id = user.id;
    let email = user.email.clone();
    let verified = user.email_verified_at;
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(Some(hash));
    if verified.is_none() {
        active.email_verified_at = Set(Some(Utc::now()));
    }
    active.update(&txn).await?;
    password_changed_mail(&txn, shop, &email).await?;
    txn.commit().await?;
    shop.sessions.remove_user(user_id).await?;
    Ok(())
}

async fn password_changed_mail<C: ConnectionTrait>(db: &C, shop: &Shop, to: &str) -> ServiceResult<()> {
    let shop_name = &shop.accounts.shop_name;
    send(
        db,
        to,
        format!("Your {shop_name} password was changed"),
        format!(
            "Hello,\n\nThe password of your {shop_name} account was just changed, and every other device was \
             signed out. If this was not you, set a new password at {} at once.\n",
            page(shop, "/account/forgot")
        ),
        "password_changed",
    )
    .await
}

/// Changes the password of `user_id`, who must give the current one. Every
/// session ends and a new one is opened for the caller (its secret is
/// returned for the cookie).
///
/// # Errors
/// `InvalidFields` for a wrong current password or a bad new one.
pub async fn change_password(shop: &Shop, user_id: i64, current: &str, new: &str) -> ServiceResult<String> {
    let user = live_user(&shop.db, user_id).await?;
    let mut errors = Vec::new();
    if !matches_off_thread(current.to_owned(), user.password_hash.clone()).await {
        errors.push(("current_password".to_owned(), "is not your current password".to_owned()));
    }
    if let Err(e) = check_password("new_password", new, &user.email) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidFields(errors));
    }
    let hash = hash_off_thread(new.to_owned()).await?;
    let txn = write_txn(&shop.db).await?;
    let email = user.email.clone();
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(Some(hash));
    active.update(&txn).await?;
    password_changed_mail(&txn, shop, &email).await?;
    txn.commit().await?;
    shop.sessions.remove_user(user_id).await?;
    open_session(shop, user_id).await
}

/// Starts a change of email: the password must be right; a link goes to the
/// new address (the change happens when it is opened) and a notice to the
/// old one. When the new address has an account already, its owner is told
/// instead, and the answer here is the same.
///
/// # Errors
/// `InvalidFields` for a wrong password or a bad address.
pub async fn request_email_change(shop: &Shop, user_id: i64, new_email: &str, password: &str) -> ServiceResult<()> {
    let user = live_user(&shop.db, user_id).await?;
    let mut errors = Vec::new();
    let new_email = account_email(new_email).map_err(|_| ()).unwrap_or_else(|()| {
        errors.push(("new_email".to_owned(), "is not an email address".to_owned()));
        String::new()
    });
    if !new_email.is_empty() && new_email == user.email {
        errors.push(("new_email".to_owned(), "is already your email address".to_owned()));
    }
    if !matches_off_thread(password.to_owned(), user.password_hash.clone()).await {
        errors.push(("password".to_owned(), "is not your password".to_owned()));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidFields(errors));
    }
    let shop_name = shop.accounts.shop_name.clone();
    let txn = write_txn(&shop.db).await?;
    if let Some(taken) = find_by_email(&txn, &new_email).await? {
        send(
            &txn,
            &taken.email,
            format!("Someone tried to use your address at {shop_name}"),
            format!(
                "Hello,\n\nSomeone asked to move another {shop_name} account to this address, which already has an \
                 account. Nothing was changed. If it was you, sign in to this account instead.\n"
            ),
            "email_in_use",
        )
        .await?;
    } else {
        let secret =
            new_token(&txn, user.id, "email_change", Some(new_email.clone()), Duration::hours(EMAIL_CHANGE_HOURS))
                .await?;
        send(
            &txn,
            &new_email,
            format!("Confirm your new email for {shop_name}"),
            format!(
                "Hello {},\n\nOpen this link to make this your {shop_name} sign-in address:\n\n{}\n\n\
                 The link works for {EMAIL_CHANGE_HOURS} hours.\n",
                user.display_name,
                link(shop, "/account/confirm-email", &secret)
            ),
            "email_change",
        )
        .await?;
    }
    send(
        &txn,
        &user.email,
        format!("A change of your {shop_name} email was asked for"),
        format!(
            "Hello {},\n\nSomeone signed in to your account asked to change its email to {new_email}. It changes only \
             when the link sent there is opened. If this was not you, change your password at {} now.\n",
            user.display_name,
            page(shop, "/account")
        ),
        "email_change_notice",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves an account to the address its change-of-email link was sent to
/// (which is thereby confirmed).
///
/// # Errors
/// `Invalid` for a bad link; `Conflict` when the address got an account
/// meanwhile.
pub async fn confirm_email_change(shop: &Shop, token: &str) -> ServiceResult<()> {
    let txn = write_txn(&shop.db).await?;
    let token = use_token(&txn, token, "email_change").await?;
    let new_email =
        token.new_email.clone().ok_or_else(|| ServiceError::Corrupt("email change without address".into()))?;
    if find_by_email(&txn, &new_email).await?.is_some() {
        return Err(ServiceError::Conflict("That address has an account already.".into()));
    }
    let user = live_user(&txn, token.user_id).await.map_err(|_| ServiceError::NotFound("account"))?;
    let mut active: user::ActiveModel = user.into();
    active.email = Set(new_email);
    active.email_verified_at = Set(Some(Utc::now()));
    active.update(&txn).await.map_err(|e| {
        if super::validate::is_unique_violation(&e) {
            ServiceError::Conflict("That address has an account already.".into())
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    Ok(())
}

fn view(user: user::Model) -> AccountView {
    AccountView {
        email: user.email,
        name: user.display_name,
        role: user.role,
        marketing_consent: user.marketing_consent_at.is_some(),
        marketing_consent_at: user.marketing_consent_at,
        created_at: user.created_at,
    }
}

/// The profile of `user_id`.
///
/// # Errors
/// `Unauthenticated` when the account is gone.
pub async fn profile(shop: &Shop, user_id: i64) -> ServiceResult<AccountView> {
    Ok(view(live_user(&shop.db, user_id).await?))
}

/// Changes the name and marketing consent of `user_id`. Consent keeps the
/// time it was first given until it is withdrawn.
///
/// # Errors
/// `InvalidFields` for a bad name.
pub async fn update_profile(shop: &Shop, user_id: i64, patch: ProfilePatch) -> ServiceResult<AccountView> {
    let name = check_name(&patch.name).map_err(|e| ServiceError::InvalidFields(vec![e]))?;
    let txn = write_txn(&shop.db).await?;
    let user = live_user(&txn, user_id).await?;
    let consent = match (patch.marketing_consent, user.marketing_consent_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(Utc::now()),
        (false, _) => None,
    };
    let mut active: user::ActiveModel = user.into();
    active.display_name = Set(name);
    active.marketing_consent_at = Set(consent);
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(view(updated))
}

/// Creates an admin account with an argon2id-hashed password (its email
/// counts as confirmed: whoever runs the command owns the shop).
///
/// # Errors
/// `Invalid` for a short password, `Conflict` when the email has an account.
#[tracing::instrument(skip(db, password), fields(email = %email))]
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &str,
    password: &str,
) -> ServiceResult<i64> {
    create_staff(db, email, display_name, password, "admin", None).await
}

/// Creates a signed-in-ready staff account: `admin`, `support`, or `vendor`
/// (staff of `vendor_id`).
///
/// # Errors
/// `Invalid` for a short password or a vendor role without a vendor,
/// `Conflict` when the email has an account.
pub async fn create_staff(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &str,
    password: &str,
    role: &str,
    vendor_id: Option<i64>,
) -> ServiceResult<i64> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!("The password must be at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if (role == "vendor") != vendor_id.is_some() || !matches!(role, "admin" | "support" | "vendor" | "customer") {
        return Err(ServiceError::Invalid("A vendor account needs its vendor; other roles have none.".into()));
    }
    let email = email.as_str().to_lowercase();
    if find_by_email(db, &email).await?.is_some() {
        return Err(ServiceError::Conflict(format!("{email} already has an account.")));
    }
    let hash = hash_password(password)?;
    let now = Utc::now();
    let created = staff_row(email, Some(hash), display_name.to_owned(), role, vendor_id, now).insert(db).await?;
    Ok(created.id)
}

/// A new staff account's row: its email counts as confirmed (an admin, or
/// whoever runs the command, vouches for it); no password until one is set.
fn staff_row(
    email: String,
    password_hash: Option<String>,
    name: String,
    role: &str,
    vendor_id: Option<i64>,
    now: chrono::DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        email: Set(email),
        password_hash: Set(password_hash),
        display_name: Set(name),
        role: Set(role.to_owned()),
        vendor_id: Set(vendor_id),
        created_at: Set(now),
        email_verified_at: Set(Some(now)),
        vendor_owner: Set(false),
        marketing_consent_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
}

/// Days an invitation link to a staff account lasts.
pub const INVITATION_DAYS: i64 = 3;

/// An admin invites a staff member: the account is made without a
/// password, and an emailed link lets them choose one (logged).
///
/// # Errors
/// `Forbidden` for anyone but admins; `InvalidFields` for a bad email, name
/// or role (a vendor role needs its vendor, by slug); `Conflict` when the
/// email has an account.
pub async fn invite_staff(
    shop: &Shop,
    actor: Actor,
    email: &str,
    name: &str,
    role: &str,
    vendor: Option<&str>,
) -> ServiceResult<i64> {
    super::access::authorize(actor, super::access::Action::ManageStaff)?;
    let vendor = vendor.map(str::trim).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let email = match account_email(email) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".to_owned(), "is not an email address".to_owned()));
            None
        }
    };
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(("name".to_owned(), "must be 1 to 200 characters".to_owned()));
    }
    if !super::two_factor::for_role(role) {
        errors.push(("role".to_owned(), "must be admin, support or vendor".to_owned()));
    } else if (role == "vendor") != vendor.is_some() {
        errors.push(("vendor".to_owned(), "choose the vendor of vendor staff (and only theirs)".to_owned()));
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::InvalidFields(errors));
    };
    let txn = write_txn(&shop.db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(ServiceError::Conflict(format!("{email} already has an account.")));
    }
    let vendor_id = match vendor {
        Some(slug) => Some(
            crate::model::vendor::Entity::find()
                .filter(crate::model::vendor::Column::Slug.eq(slug))
                .one(&txn)
                .await?
                .ok_or_else(|| ServiceError::InvalidFields(vec![("vendor".into(), "is not a vendor".into())]))?
                .id,
        ),
        None => None,
    };
    let now = Utc::now();
    let created =
        staff_row(email.clone(), None, name.clone(), role, vendor_id, now).insert(&txn).await.map_err(|e| {
            if super::validate::is_unique_violation(&e) {
                ServiceError::Conflict(format!("{email} already has an account."))
            } else {
                e.into()
            }
        })?;
    let secret = new_token(&txn, created.id, "reset", None, Duration::days(INVITATION_DAYS)).await?;
    let shop_name = &shop.accounts.shop_name;
    send(
        &txn,
        &email,
        format!("You are invited to {shop_name}"),
        format!(
            "Hello {name},\n\nYou have a staff account at {shop_name}. Choose your password with this link (it works once, for {INVITATION_DAYS} days):\n\n{}\n\nThen sign in at {}/account/sign-in.\n",
            link(shop, "/account/reset", &secret),
            shop.accounts.public_url
        ),
        "invitation",
    )
    .await?;
    super::audit::record(&txn, actor, "staff.invite", &format!("user:{}", created.id), role).await?;
    txn.commit().await?;
    Ok(created.id)
}

/// The staff accounts (admins, support, vendor staff), for admins.
///
/// # Errors
/// `Forbidden` for anyone but admins.
pub async fn staff_list(shop: &Shop, actor: Actor) -> ServiceResult<Vec<crate::account::StaffMember>> {
    super::access::authorize(actor, super::access::Action::ManageStaff)?;
    let rows = user::Entity::find()
        .filter(user::Column::Role.is_in(["admin", "support", "vendor"]))
        .filter(user::Column::DeletedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(&shop.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| crate::account::StaffMember {
            id: u.id,
            email: u.email,
            name: u.display_name,
            role: u.role,
            vendor_id: u.vendor_id,
            two_factor: u.totp_enabled_at.is_some(),
            active: u.password_hash.is_some(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_stored_only_as_digests() {
        let a = random_secret();
        let b = random_secret();
        assert_ne!(a, b);
        assert!(well_formed(&a));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
        assert!(!well_formed(&a.to_uppercase()));
        assert!(!well_formed("abc"));
    }

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
