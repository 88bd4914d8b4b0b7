//! Registration with an emailed verification link. No answer tells whether
//! an email has an account: the same words and the same work either way, and
//! what differs goes to the mailbox, which only its owner reads.

use crate::accounts::credentials::account_email;
use crate::accounts::credentials::check_name;
use crate::accounts::credentials::check_password;
use crate::accounts::credentials::find_by_email;
use crate::accounts::credentials::hash_off_thread;
use crate::accounts::credentials::link;
use crate::accounts::credentials::live_user;
use crate::accounts::credentials::new_token;
use crate::accounts::credentials::page;
use crate::accounts::credentials::send;
use crate::accounts::credentials::use_token;
use crate::accounts::credentials::VERIFY_HOURS;
use crate::kernel::secrets::digest;
use crate::model::user;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

/// How often the owner of an address is told that someone tried to
/// register it again.
const EXISTS_NOTICE_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3_600);

pub(crate) async fn send_verification<C: ConnectionTrait>(
    db: &C,
    shop: &Shop,
    user: &user::Model,
) -> ServiceResult<()> {
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
/// email saying so (with a link to reset the password), at most once a
/// day; the answer is the same either way.
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
        // Told once a day at most: registering someone's address over and
        // over must not flood their mailbox.
        let told = shop.counters.hit(&format!("account-exists:{}", digest(&email)), EXISTS_NOTICE_EVERY).await?;
        if told.count > 1 {
            txn.commit().await?;
            return Ok(());
        }
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
        role: Set(crate::kernel::Role::Customer),
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
        if crate::kernel::validate::is_unique_violation(&e) {
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
