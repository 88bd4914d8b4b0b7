//! Registration and the emailed verification link.

#![allow(clippy::too_many_arguments)] // forms post their fields one by one; the macro's client side copies them

use crate::error::AppError;
use leptos::prelude::*;

/// Registers an account and emails a link to confirm the address. The
/// answer is the same whether the email had an account or not.
#[server(prefix = "/_sf", endpoint = "account/register")]
pub async fn register(
    email: String,
    password: String,
    name: String,
    marketing: Option<String>,
) -> Result<(), AppError> {
    use entities::accounts::registration::register;
    use entities::accounts::registration::Registration;
    let shop = crate::session::shop()?;
    crate::session::same_site().await?;
    register(&shop, Registration { email, password, name, marketing_consent: marketing.is_some() })
        .await
        .map_err(AppError::from)
}

/// Confirms an email address (the link in the verification email).
#[server(prefix = "/_sf", endpoint = "account/verify")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    entities::accounts::registration::verify_email(&shop, &token).await.map_err(AppError::from)
}
