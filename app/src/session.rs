//! Who is acting, decided in one place for every server function and page:
//! the cookies (the account's session, the admin token's session), the
//! refusal of state-changing requests from other sites (CSRF), and the
//! request's parts the server functions read (the shop, the client's
//! address). What the actor may do is decided by `entities::kernel::access`.

/// Name of the cookie that holds the session id.
pub const SESSION_COOKIE: &str = "bazaar_session";

/// Name of the cookie that holds the admin session's id.
pub const ADMIN_COOKIE: &str = "bazaar_admin";

#[cfg(feature = "ssr")]
mod ssr {
    use super::{ADMIN_COOKIE, SESSION_COOKIE};
    use crate::error::AppError;
    use entities::accounts::sign_in::SessionUser;
    use entities::kernel::access::Actor;
    use entities::Shop;
    use http::header::{HOST, ORIGIN};
    use http::request::Parts;
    use http::Method;

    /// The shop's services, provided by the server as context.
    pub fn shop() -> Result<entities::Shop, crate::error::AppError> {
        leptos::prelude::use_context::<entities::Shop>().ok_or_else(|| {
            tracing::error!("Shop context missing: the server did not provide it");
            crate::error::AppError::Internal
        })
    }

    /// The value of cookie `name` in a request, if present and not empty.
    pub fn cookie(parts: &http::request::Parts, name: &str) -> Option<String> {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The parts (method, headers) of the request a server function serves.
    pub async fn parts() -> Result<http::request::Parts, crate::error::AppError> {
        leptos_axum::extract().await.map_err(|e| {
            tracing::error!(error = %e, "request parts missing");
            crate::error::AppError::Internal
        })
    }

    /// Whether the request being served came over TLS (directly, or as a proxy
    /// in front says): cookies get `Secure` then.
    pub fn over_tls() -> bool {
        leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
            p.uri.scheme_str() == Some("https") || p.headers.get("x-forwarded-proto").is_some_and(|v| v == "https")
        })
    }

    /// The client's IP address: the peer's, or what a trusted proxy says in
    /// `X-Forwarded-For` (`server.trusted_proxies`).
    pub async fn client_ip(shop: &entities::Shop) -> Option<String> {
        let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await.ok()?.0.ip();
        let forwarded = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| {
            entities::kernel::network::forwarded_for(
                p.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()),
            )
        });
        Some(shop.proxies.client_ip(peer, forwarded.as_deref()).to_string())
    }

    /// Adds a `Set-Cookie` header (`cookie` is its whole value) to the response
    /// being made; over TLS every cookie is `Secure` (the cart's and the
    /// wishlist's too), so it never travels in clear text.
    pub fn send_cookie(cookie: &str) {
        let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let cookie =
            if over_tls() && !cookie.contains("; Secure") { format!("{cookie}; Secure") } else { cookie.to_owned() };
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// Whether a state-changing request was sent by another site's page:
    /// the browser says so (`Sec-Fetch-Site`), or its `Origin` names
    /// another host than the one addressed. Requests without either header
    /// come from programs, not from a page, and pass.
    pub fn cross_site(parts: &Parts) -> bool {
        if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return false;
        }
        let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        if let Some(site) = header(http::HeaderName::from_static("sec-fetch-site")) {
            return !matches!(site, "same-origin" | "none");
        }
        match (header(ORIGIN), header(HOST)) {
            (Some(origin), Some(host)) => {
                origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/')) != Some(host)
            }
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The signed-in account of a request, unless the request is a
    /// state-changing one from another site (CSRF: it acts as nobody).
    pub async fn user(shop: &Shop, parts: &Parts) -> Option<SessionUser> {
        let secret = cookie(parts, SESSION_COOKIE)?;
        if cross_site(parts) {
            tracing::warn!(
                method = %parts.method,
                uri = %entities::kernel::network::loggable_uri(parts.uri.path_and_query().map_or("/", |p| p.as_str())),
                "cross-site request with a session cookie refused"
            );
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
    pub async fn actor_of(shop: &Shop, parts: &Parts) -> Actor {
        if let Some(user) = user(shop, parts).await {
            return user.actor;
        }
        admin_actor(shop, parts).await
    }

    /// The admin session id in the request's cookie, if any.
    pub fn admin_session_id(parts: &Parts) -> Option<String> {
        cookie(parts, ADMIN_COOKIE)
    }

    /// The acting party of a request: an admin while the session in its
    /// cookie is open, else nobody. A state-changing request from another
    /// site acts as nobody, whatever cookie the browser attached (CSRF).
    pub async fn admin_actor(shop: &Shop, parts: &Parts) -> Actor {
        let Some(id) = admin_session_id(parts) else {
            return Actor::Anonymous;
        };
        if cross_site(parts) {
            tracing::warn!(
                method = %parts.method,
                uri = %entities::kernel::network::loggable_uri(parts.uri.path_and_query().map_or("/", |p| p.as_str())),
                "cross-site request with the admin cookie refused"
            );
            return Actor::Anonymous;
        }
        match entities::accounts::admin_sessions::actor(shop, &id).await {
            Ok(actor) => actor,
            Err(e) => {
                tracing::error!(error = %e, "admin session lookup failed");
                Actor::Anonymous
            }
        }
    }

    /// The acting party of this request (a signed-in account, or the
    /// admin token's session).
    pub async fn actor() -> Result<Actor, AppError> {
        let shop = shop()?;
        Ok(actor_of(&shop, &parts().await?).await)
    }

    /// The shop and the acting party.
    pub async fn acting() -> Result<(Shop, Actor), AppError> {
        let shop = shop()?;
        let actor = actor_of(&shop, &parts().await?).await;
        Ok((shop, actor))
    }

    /// The session id in this request's cookie.
    pub async fn admin_session() -> Option<String> {
        admin_session_id(&parts().await.ok()?)
    }

    /// Refuses a form posted from another site (login and registration
    /// CSRF: nobody signs a victim in to an attacker's account).
    pub async fn same_site() -> Result<(), AppError> {
        if cross_site(&parts().await?) {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// The shop and the signed-in account, or "please sign in" (401).
    pub async fn me() -> Result<(Shop, SessionUser), AppError> {
        let shop = shop()?;
        match user(&shop, &parts().await?).await {
            Some(me) => Ok((shop, me)),
            None => Err(AppError::SignIn),
        }
    }

    /// Sends the session cookie: HttpOnly, SameSite=Lax (sent when following
    /// a link here, never with another site's form post), Secure over TLS,
    /// for the session's absolute lifetime.
    pub fn set_session_cookie(shop: &Shop, secret: &str) {
        send_cookie(&format!(
            "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            shop.accounts.session_absolute.as_secs(),
            if over_tls() { "; Secure" } else { "" }
        ));
    }

    /// Sends the admin cookie: HttpOnly, SameSite=Strict (never sent along
    /// with another site's request), Secure over TLS, for `max_age` seconds
    /// (0 clears it).
    pub fn set_admin_cookie(id: &str, max_age: u64) {
        let secure = over_tls();
        send_cookie(&format!(
            "{ADMIN_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
            if secure { "; Secure" } else { "" }
        ));
    }
}

#[cfg(feature = "ssr")]
pub use ssr::*;
