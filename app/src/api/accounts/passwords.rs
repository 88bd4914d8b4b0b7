//! Passwords and email addresses: reset by link, change, and change of email.

#![allow(clippy::too_many_arguments)] // forms post their fields one by one; the macro's client side copies them

use crate::error::AppError;
use leptos::prelude::*;

/// Emails a link to set a new password, when the email has an account (the
/// answer is the same either way).
#[server(prefix = "/_sf", endpoint = "account/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    crate::session::same_site().await?;
    entities::accounts::passwords::request_password_reset(&shop, &email).await.map_err(AppError::from)
}

/// Sets a new password with the token from a reset link.
#[server(prefix = "/_sf", endpoint = "account/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    crate::session::same_site().await?;
    entities::accounts::passwords::reset_password(&shop, &token, &password).await.map_err(AppError::from)
}

/// Changes the password; every other device is signed out.
#[server(prefix = "/_sf", endpoint = "account/password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    let secret = entities::accounts::passwords::change_password(
        &shop,
        entities::UserId::new(me.user_id),
        &current_password,
        &new_password,
    )
    .await
    .map_err(AppError::from)?;
    crate::session::set_session_cookie(&shop, &secret);
    Ok(())
}

/// Starts a change of the sign-in email (a link goes to the new address).
#[server(prefix = "/_sf", endpoint = "account/email")]
pub async fn change_email(new_email: String, password: String) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::passwords::request_email_change(&shop, entities::UserId::new(me.user_id), &new_email, &password)
        .await
        .map_err(AppError::from)
}

/// Confirms a change of email (the link sent to the new address).
#[server(prefix = "/_sf", endpoint = "account/email/confirm")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    entities::accounts::passwords::confirm_email_change(&shop, &token).await.map_err(AppError::from)
}
