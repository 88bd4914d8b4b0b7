//! Passwords and email addresses: reset by an emailed link, change with
//! the current password, and change of email confirmed from the new address.
//! A reset or change ends the account's other sessions and voids every
//! link still outstanding (another reset, an email change).

use crate::accounts::credentials::account_email;
use crate::accounts::credentials::check_password;
use crate::accounts::credentials::find_by_email;
use crate::accounts::credentials::hash_off_thread;
use crate::accounts::credentials::link;
use crate::accounts::credentials::live_user;
use crate::accounts::credentials::matches_off_thread;
use crate::accounts::credentials::new_token;
use crate::accounts::credentials::open_session;
use crate::accounts::credentials::page;
use crate::accounts::credentials::revoke_tokens;
use crate::accounts::credentials::send;
use crate::accounts::credentials::use_token;
use crate::accounts::credentials::EMAIL_CHANGE_HOURS;
use crate::accounts::credentials::RESETS_PER_HOUR;
use crate::accounts::credentials::RESET_MINUTES;
use crate::kernel::secrets::digest;
use crate::kernel::UserId;
use crate::model::user;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use std::time::Duration as StdDuration;

/// Emails a password-reset link when `email` has an account. The answer is
/// the same whether it has one or not; more than a few requests an hour for
/// one address are dropped without a word.
///
/// # Errors
/// `InvalidField("email")` when it is not an email address.
pub async fn request_password_reset(shop: &Shop, email: &str) -> ServiceResult<()> {
    let email = account_email(email)?;
    let count = shop.counters.hit(&format!("reset:{}", digest(&email)), StdDuration::from_secs(3_600)).await?.count;
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
    revoke_tokens(&txn, user_id).await?;
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
pub async fn change_password(shop: &Shop, user_id: UserId, current: &str, new: &str) -> ServiceResult<String> {
    let user_id = user_id.get();
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
    revoke_tokens(&txn, user_id).await?;
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
pub async fn request_email_change(shop: &Shop, user_id: UserId, new_email: &str, password: &str) -> ServiceResult<()> {
    let user_id = user_id.get();
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
        if crate::kernel::validate::is_unique_violation(&e) {
            ServiceError::Conflict("That address has an account already.".into())
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    Ok(())
}
