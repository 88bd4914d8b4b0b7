//! Accounts: registration, sign-in and out, email links, the profile,
//! passwords, the address book and the order history. Who is signed in is
//! read from the session cookie in one place ([`session`]); what they may
//! do is decided by `entities::kernel::access`.

// Forms post their fields one by one (so they work without JavaScript), and
// the macro's client side copies them all.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use entities::accounts::{AccountView, AddressView};
use entities::ordering::OrderHistory;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the cookie that holds the session id.
pub const SESSION_COOKIE: &str = "bazaar_session";

/// Who is signed in, for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The account's name.
    pub name: String,
    /// Whether the account may open the admin area.
    pub staff: bool,
    /// A staff account that must set up two-factor sign-in first.
    pub needs_two_factor: bool,
}

/// Who is signed in (nobody: `None`).
#[server(prefix = "/_sf", endpoint = "account/me")]
pub async fn current_account() -> Result<Option<Me>, AppError> {
    let shop = super::shop()?;
    Ok(session::user(&shop, &super::parts().await?).await.map(|u| Me {
        name: u.name,
        staff: u.actor.is_staff(),
        needs_two_factor: u.needs_two_factor,
    }))
}

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
    let shop = super::shop()?;
    ssr::same_site().await?;
    register(&shop, Registration { email, password, name, marketing_consent: marketing.is_some() })
        .await
        .map_err(AppError::from)
}

/// Confirms an email address (the link in the verification email).
#[server(prefix = "/_sf", endpoint = "account/verify")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let shop = super::shop()?;
    entities::accounts::registration::verify_email(&shop, &token).await.map_err(AppError::from)
}

/// Signs in, opens a session (a new id: any earlier session of this
/// browser ends), brings the guest cart along, and sends the browser on to
/// `next` (a path of this shop) or the account page.
#[server(prefix = "/_sf", endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let shop = super::shop()?;
    let parts = super::parts().await?;
    ssr::same_site().await?;
    let ip = super::client_ip(&shop).await;
    let step =
        entities::accounts::sign_in::sign_in(&shop, &email, &password, ip.as_deref()).await.map_err(AppError::from)?;
    match step {
        entities::accounts::sign_in::SignInStep::Done(signed) => ssr::finish_sign_in(&shop, &parts, signed, next).await,
        entities::accounts::sign_in::SignInStep::NeedsCode { ticket } => {
            crate::api::send_cookie(&format!(
                "{TICKET_COOKIE}={ticket}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                entities::accounts::two_factor::TICKET_TTL.as_secs(),
                if crate::api::over_tls() { "; Secure" } else { "" }
            ));
            match next.as_deref().filter(|n| safe_next(Some(n), false) == *n) {
                Some(next) => leptos_axum::redirect(&format!(
                    "/account/sign-in/code?next={}",
                    entities::accounts::two_factor::percent_encode(next)
                )),
                None => leptos_axum::redirect("/account/sign-in/code"),
            }
            Ok(())
        }
    }
}

/// Name of the cookie that carries a two-factor sign-in from the password
/// step to the code step.
pub const TICKET_COOKIE: &str = "bazaar_2fa";

/// The second step of a two-factor sign-in: the code from the
/// authenticator app.
#[server(prefix = "/_sf", endpoint = "account/sign-in/code")]
pub async fn sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    let shop = super::shop()?;
    let parts = super::parts().await?;
    ssr::same_site().await?;
    let ticket = super::cookie(&parts, TICKET_COOKIE)
        .ok_or_else(|| AppError::Invalid("This sign-in has expired. Please sign in again.".into()))?;
    let signed = entities::accounts::sign_in::complete_sign_in(&shop, &ticket, &code).await.map_err(AppError::from)?;
    crate::api::send_cookie(&format!("{TICKET_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    ssr::finish_sign_in(&shop, &parts, signed, next).await
}

/// Two-factor sign-in of the signed-in account.
#[server(prefix = "/_sf", endpoint = "account/two-factor")]
pub async fn two_factor_status() -> Result<entities::accounts::TwoFactorStatus, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::two_factor::status(&shop, me.user_id).await.map_err(AppError::from)
}

/// Begins setting up two-factor sign-in (a new key for the app).
#[server(prefix = "/_sf", endpoint = "account/two-factor/begin")]
pub async fn begin_two_factor() -> Result<entities::accounts::TwoFactorStatus, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::two_factor::begin(&shop, me.user_id).await.map_err(AppError::from)
}

/// Confirms the set-up with a code from the app (other devices are signed
/// out; this one gets a new session).
#[server(prefix = "/_sf", endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let (shop, me) = ssr::me().await?;
    let session = entities::accounts::two_factor::confirm(&shop, me.user_id, &code).await.map_err(AppError::from)?;
    ssr::set_session_cookie(&shop, &session);
    Ok(())
}

/// Turns two-factor sign-in off (password and a current code).
#[server(prefix = "/_sf", endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    let (shop, me) = ssr::me().await?;
    if let Some(session) =
        entities::accounts::two_factor::disable(&shop, me.user_id, &password, &code).await.map_err(AppError::from)?
    {
        ssr::set_session_cookie(&shop, &session);
    }
    Ok(())
}

/// Where to go after signing in: `next` when it is a path of this shop
/// (never another site), else the admin area for staff or the account.
pub fn safe_next(next: Option<&str>, staff: bool) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ if staff => "/admin".into(),
        _ => "/account".into(),
    }
}

/// Signs out of this browser (the cart stays with the account).
#[server(prefix = "/_sf", endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let shop = super::shop()?;
    ssr::same_site().await?;
    let parts = super::parts().await?;
    if let Some(secret) = super::cookie(&parts, SESSION_COOKIE) {
        entities::accounts::sign_in::sign_out(&shop, &secret).await.map_err(AppError::from)?;
    }
    ssr::clear_cookies();
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs out of every device, this one included.
#[server(prefix = "/_sf", endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    let (shop, me) = ssr::me().await?;
    let ended = entities::accounts::sign_in::sign_out_everywhere(&shop, me.user_id).await.map_err(AppError::from)?;
    ssr::clear_cookies();
    leptos_axum::redirect("/account/sign-in");
    Ok(ended)
}

/// Emails a link to set a new password, when the email has an account (the
/// answer is the same either way).
#[server(prefix = "/_sf", endpoint = "account/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let shop = super::shop()?;
    ssr::same_site().await?;
    entities::accounts::passwords::request_password_reset(&shop, &email).await.map_err(AppError::from)
}

/// Sets a new password with the token from a reset link.
#[server(prefix = "/_sf", endpoint = "account/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let shop = super::shop()?;
    ssr::same_site().await?;
    entities::accounts::passwords::reset_password(&shop, &token, &password).await.map_err(AppError::from)
}

/// The signed-in account's profile.
#[server(prefix = "/_sf", endpoint = "account/profile")]
pub async fn get_profile() -> Result<AccountView, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::profile::profile(&shop, me.user_id).await.map_err(AppError::from)
}

/// Changes the name and marketing consent.
#[server(prefix = "/_sf", endpoint = "account/profile/update")]
pub async fn update_profile(name: String, marketing: Option<String>) -> Result<AccountView, AppError> {
    let (shop, me) = ssr::me().await?;
    let patch = entities::accounts::ProfilePatch { name, marketing_consent: marketing.is_some() };
    entities::accounts::profile::update_profile(&shop, me.user_id, patch).await.map_err(AppError::from)
}

/// Changes the password; every other device is signed out.
#[server(prefix = "/_sf", endpoint = "account/password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let (shop, me) = ssr::me().await?;
    let secret = entities::accounts::passwords::change_password(&shop, me.user_id, &current_password, &new_password)
        .await
        .map_err(AppError::from)?;
    ssr::set_session_cookie(&shop, &secret);
    Ok(())
}

/// Starts a change of the sign-in email (a link goes to the new address).
#[server(prefix = "/_sf", endpoint = "account/email")]
pub async fn change_email(new_email: String, password: String) -> Result<(), AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::passwords::request_email_change(&shop, me.user_id, &new_email, &password)
        .await
        .map_err(AppError::from)
}

/// Confirms a change of email (the link sent to the new address).
#[server(prefix = "/_sf", endpoint = "account/email/confirm")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let shop = super::shop()?;
    entities::accounts::passwords::confirm_email_change(&shop, &token).await.map_err(AppError::from)
}

/// The address book.
#[server(prefix = "/_sf", endpoint = "account/addresses")]
pub async fn my_addresses() -> Result<Vec<AddressView>, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::addresses::list(&shop, me.user_id).await.map_err(AppError::from)
}

/// Adds (no `id`) or changes (`id`) an address of the address book.
#[server(prefix = "/_sf", endpoint = "account/addresses/save")]
pub async fn save_address(
    id: Option<i64>,
    name: String,
    line1: String,
    line2: String,
    postal_code: String,
    city: String,
    country: String,
    phone: String,
    default_shipping: Option<String>,
    default_billing: Option<String>,
) -> Result<AddressView, AppError> {
    let (shop, me) = ssr::me().await?;
    let input = entities::accounts::AddressInput {
        name,
        line1,
        line2,
        postal_code,
        city,
        country,
        phone,
        default_shipping: default_shipping.is_some(),
        default_billing: default_billing.is_some(),
    };
    match id {
        Some(id) => entities::accounts::addresses::update(&shop, me.user_id, id, &input).await,
        None => entities::accounts::addresses::add(&shop, me.user_id, &input).await,
    }
    .map_err(AppError::from)
}

/// Deletes an address of the address book.
#[server(prefix = "/_sf", endpoint = "account/addresses/delete")]
pub async fn delete_address(id: i64) -> Result<(), AppError> {
    let (shop, me) = ssr::me().await?;
    entities::accounts::addresses::delete(&shop, me.user_id, id).await.map_err(AppError::from)
}

/// The signed-in customer's orders, newest first (older than `before`).
#[server(prefix = "/_sf", endpoint = "account/orders")]
pub async fn my_orders(before: Option<String>) -> Result<OrderHistory, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::ordering::order_lists::customer_orders(&shop, me.user_id, before.as_deref()).await.map_err(AppError::from)
}

/// "Recommended for you": from what the customer ordered and saved.
#[server(prefix = "/_sf", endpoint = "account/recommendations")]
pub async fn my_recommendations() -> Result<Vec<entities::catalog::ProductCard>, AppError> {
    let (shop, me) = ssr::me().await?;
    entities::catalog::recommend::for_customer(&shop, me.user_id).await.map_err(AppError::from)
}

/// Who is acting, decided once per request from the session cookie (or,
/// for the admin token's session, the admin cookie).
#[cfg(feature = "ssr")]
pub mod session {
    use super::SESSION_COOKIE;
    use entities::accounts::sign_in::SessionUser;
    use entities::kernel::access::Actor;
    use entities::Shop;
    use http::request::Parts;

    /// The signed-in account of a request, unless the request is a
    /// state-changing one from another site (CSRF: it acts as nobody).
    pub async fn user(shop: &Shop, parts: &Parts) -> Option<SessionUser> {
        let secret = crate::api::cookie(parts, SESSION_COOKIE)?;
        if crate::api::admin::session::cross_site(parts) {
            tracing::warn!(method = %parts.method, uri = %parts.uri, "cross-site request with a session cookie refused");
            return None;
        }
        match entities::accounts::sign_in::session_user(shop, &secret).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                None
            }
        }
    }

    /// The acting party of a request: the signed-in account's role, else
    /// the admin token's session, else nobody.
    pub async fn actor(shop: &Shop, parts: &Parts) -> Actor {
        if let Some(user) = user(shop, parts).await {
            return user.actor;
        }
        crate::api::admin::session::actor_from_parts(shop, parts).await
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::SESSION_COOKIE;
    use crate::error::AppError;
    use entities::accounts::sign_in::SessionUser;
    use entities::Shop;

    use crate::api::parts;

    /// Refuses a form posted from another site (login and registration
    /// CSRF: nobody signs a victim in to an attacker's account).
    pub async fn same_site() -> Result<(), AppError> {
        if crate::api::admin::session::cross_site(&parts().await?) {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// The shop and the signed-in account, or "please sign in" (401).
    pub async fn me() -> Result<(Shop, SessionUser), AppError> {
        let shop = crate::api::shop()?;
        match super::session::user(&shop, &parts().await?).await {
            Some(me) => Ok((shop, me)),
            None => Err(AppError::SignIn),
        }
    }

    /// Sends the session cookie: HttpOnly, SameSite=Lax (sent when following
    /// a link here, never with another site's form post), Secure over TLS,
    /// for the session's absolute lifetime.
    pub fn set_session_cookie(shop: &Shop, secret: &str) {
        crate::api::send_cookie(&format!(
            "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            shop.accounts.session_absolute.as_secs(),
            if crate::api::over_tls() { "; Secure" } else { "" }
        ));
    }

    /// Opens the browser's session after a sign-in: the cookie (ending any
    /// earlier session of this browser), the guest cart and wishlist taken
    /// along, and on to `next`.
    pub async fn finish_sign_in(
        shop: &Shop,
        parts: &http::request::Parts,
        signed: entities::accounts::sign_in::SignedIn,
        next: Option<String>,
    ) -> Result<(), AppError> {
        if let Some(old) = crate::api::cookie(parts, SESSION_COOKIE) {
            entities::accounts::sign_in::sign_out(shop, &old).await?;
        }
        set_session_cookie(shop, &signed.session);
        let guest = crate::api::cart::ssr::cart_id_from_cookie().await;
        if let Some(cart) = entities::ordering::cart::adopt(shop, signed.user_id, guest).await? {
            crate::api::cart::ssr::set_cart_cookie(cart);
        }
        if let Some(saved) = crate::api::wishlist::ssr::guest(parts) {
            entities::ordering::wishlist::adopt(shop, signed.user_id, saved).await?;
            crate::api::wishlist::ssr::clear_cookie();
        }
        leptos_axum::redirect(&super::safe_next(next.as_deref(), signed.actor.is_staff()));
        Ok(())
    }

    /// Clears the session and cart cookies (the cart stays with the account).
    pub fn clear_cookies() {
        crate::api::send_cookie(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
        crate::api::send_cookie(&format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            crate::api::cart::CART_COOKIE
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_shop_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/account/orders"), false), "/account/orders");
        assert_eq!(safe_next(Some("//evil.example/x"), false), "/account");
        assert_eq!(safe_next(Some("https://evil.example"), false), "/account");
        assert_eq!(safe_next(Some("/\\evil.example"), true), "/admin");
        assert_eq!(safe_next(None, true), "/admin");
    }
}
