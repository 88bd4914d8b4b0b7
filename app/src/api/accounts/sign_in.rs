//! Signing in and out: the password step, the two-factor code, the account's
//! two-factor set-up, and where the browser goes next.

// Forms post their fields one by one (so they work without JavaScript), and
// the macro's client side copies them all.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;

use leptos::prelude::*;

use serde::{Deserialize, Serialize};

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
    let shop = crate::session::shop()?;
    Ok(crate::session::user(&shop, &crate::session::parts().await?).await.map(|u| Me {
        name: u.name,
        staff: u.actor.is_staff(),
        needs_two_factor: u.needs_two_factor,
    }))
}

/// Signs in, opens a session (a new id: any earlier session of this
/// browser ends), brings the guest cart along, and sends the browser on to
/// `next` (a path of this shop) or the account page.
#[server(prefix = "/_sf", endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    let parts = crate::session::parts().await?;
    crate::session::same_site().await?;
    let ip = crate::session::client_ip(&shop).await;
    let step =
        entities::accounts::sign_in::sign_in(&shop, &email, &password, ip.as_deref()).await.map_err(AppError::from)?;
    match step {
        entities::accounts::sign_in::SignInStep::Done(signed) => {
            crate::api::accounts::sign_in::ssr::finish_sign_in(&shop, &parts, signed, next).await
        }
        entities::accounts::sign_in::SignInStep::NeedsCode { ticket } => {
            crate::session::send_cookie(&format!(
                "{TICKET_COOKIE}={ticket}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                entities::accounts::two_factor::TICKET_TTL.as_secs(),
                if crate::session::over_tls() { "; Secure" } else { "" }
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
    let shop = crate::session::shop()?;
    let parts = crate::session::parts().await?;
    crate::session::same_site().await?;
    let ticket = crate::session::cookie(&parts, TICKET_COOKIE)
        .ok_or_else(|| AppError::Invalid("This sign-in has expired. Please sign in again.".into()))?;
    let signed = entities::accounts::sign_in::complete_sign_in(&shop, &ticket, &code).await.map_err(AppError::from)?;
    crate::session::send_cookie(&format!("{TICKET_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    crate::api::accounts::sign_in::ssr::finish_sign_in(&shop, &parts, signed, next).await
}

/// Two-factor sign-in of the signed-in account.
#[server(prefix = "/_sf", endpoint = "account/two-factor")]
pub async fn two_factor_status() -> Result<entities::accounts::TwoFactorStatus, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::two_factor::status(&shop, entities::UserId::new(me.user_id)).await.map_err(AppError::from)
}

/// Begins setting up two-factor sign-in (a new key for the app).
#[server(prefix = "/_sf", endpoint = "account/two-factor/begin")]
pub async fn begin_two_factor() -> Result<entities::accounts::TwoFactorStatus, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::two_factor::begin(&shop, entities::UserId::new(me.user_id)).await.map_err(AppError::from)
}

/// Confirms the set-up with a code from the app (other devices are signed
/// out; this one gets a new session).
#[server(prefix = "/_sf", endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    let session = entities::accounts::two_factor::confirm(&shop, entities::UserId::new(me.user_id), &code)
        .await
        .map_err(AppError::from)?;
    crate::session::set_session_cookie(&shop, &session);
    Ok(())
}

/// Turns two-factor sign-in off (password and a current code).
#[server(prefix = "/_sf", endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    if let Some(session) =
        entities::accounts::two_factor::disable(&shop, entities::UserId::new(me.user_id), &password, &code)
            .await
            .map_err(AppError::from)?
    {
        crate::session::set_session_cookie(&shop, &session);
    }
    Ok(())
}

/// Where to go after signing in: `next` when it is a path of this shop
/// (never another site), else the admin area for staff or the account.
/// Browsers drop tabs and line breaks from an address and read `\` as
/// `/`, so `/\t/evil.example` would lead away: any control character,
/// space or backslash, and a second leading slash, are refused.
pub fn safe_next(next: Option<&str>, staff: bool) -> String {
    let local = |path: &str| {
        path.starts_with('/')
            && !path.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && !path.starts_with("//")
            && path.len() <= 2_000
    };
    match next {
        Some(path) if local(path) => path.to_owned(),
        _ if staff => "/admin".into(),
        _ => "/account".into(),
    }
}

/// Signs out of this browser (the cart stays with the account).
#[server(prefix = "/_sf", endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    crate::session::same_site().await?;
    let parts = crate::session::parts().await?;
    if let Some(secret) = crate::session::cookie(&parts, crate::session::SESSION_COOKIE) {
        entities::accounts::sign_in::sign_out(&shop, &secret).await.map_err(AppError::from)?;
    }
    crate::api::accounts::sign_in::ssr::clear_cookies();
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs out of every device, this one included.
#[server(prefix = "/_sf", endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    let (shop, me) = crate::session::me().await?;
    let ended = entities::accounts::sign_in::sign_out_everywhere(&shop, entities::UserId::new(me.user_id))
        .await
        .map_err(AppError::from)?;
    crate::api::accounts::sign_in::ssr::clear_cookies();
    leptos_axum::redirect("/account/sign-in");
    Ok(ended)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use crate::session::SESSION_COOKIE;
    use entities::Shop;

    /// Opens the browser's session after a sign-in: the cookie (ending any
    /// earlier session of this browser), the guest cart and wishlist taken
    /// along, and on to `next`.
    pub async fn finish_sign_in(
        shop: &Shop,
        parts: &http::request::Parts,
        signed: entities::accounts::sign_in::SignedIn,
        next: Option<String>,
    ) -> Result<(), AppError> {
        if let Some(old) = crate::session::cookie(parts, SESSION_COOKIE) {
            entities::accounts::sign_in::sign_out(shop, &old).await?;
        }
        crate::session::set_session_cookie(shop, &signed.session);
        let guest = crate::api::ordering::cart::ssr::cart_id_from_cookie().await;
        if let Some(cart) = entities::ordering::cart::adopt(shop, entities::UserId::new(signed.user_id), guest).await? {
            crate::api::ordering::cart::ssr::set_cart_cookie(cart);
        }
        if let Some(saved) = crate::api::ordering::wishlist::ssr::guest(parts) {
            entities::ordering::wishlist::adopt(shop, entities::UserId::new(signed.user_id), saved).await?;
            crate::api::ordering::wishlist::ssr::clear_cookie();
        }
        leptos_axum::redirect(&crate::api::accounts::sign_in::safe_next(next.as_deref(), signed.actor.is_staff()));
        Ok(())
    }

    /// Clears the session and cart cookies (the cart stays with the account).
    pub fn clear_cookies() {
        crate::session::send_cookie(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
        crate::session::send_cookie(&format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            crate::api::ordering::cart::CART_COOKIE
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::api::accounts::sign_in::safe_next;

    #[test]
    fn only_paths_of_this_shop_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/account/orders"), false), "/account/orders");
        assert_eq!(safe_next(Some("//evil.example/x"), false), "/account");
        assert_eq!(safe_next(Some("https://evil.example"), false), "/account");
        assert_eq!(safe_next(Some("/\\evil.example"), true), "/admin");
        assert_eq!(safe_next(None, true), "/admin");
        for away in ["/\t/evil.example", "/\n/evil.example", "/ /evil.example", "/\r\n/evil.example", "/\u{0}/x"] {
            assert_eq!(safe_next(Some(away), false), "/account", "{away:?}");
        }
        assert_eq!(safe_next(Some("/search?q=wool%20sweater"), false), "/search?q=wool%20sweater");
    }
}
