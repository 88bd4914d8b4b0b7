//! Server functions, grouped by area. Each is thin: take the request context,
//! parse input, call one service, map the error.

pub mod account;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod coupons;
pub mod fulfilment;
pub mod gift_cards;
pub mod privacy;
pub mod reviews;
pub mod shipping;
pub mod staff;
pub mod wishlist;

/// The shop's services, provided by the server as context.
#[cfg(feature = "ssr")]
pub(crate) fn shop() -> Result<entities::Shop, crate::error::AppError> {
    leptos::prelude::use_context::<entities::Shop>().ok_or_else(|| {
        tracing::error!("Shop context missing: the server did not provide it");
        crate::error::AppError::Internal
    })
}

/// The value of cookie `name` in a request, if present and not empty.
#[cfg(feature = "ssr")]
pub(crate) fn cookie(parts: &http::request::Parts, name: &str) -> Option<String> {
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
#[cfg(feature = "ssr")]
pub(crate) async fn parts() -> Result<http::request::Parts, crate::error::AppError> {
    leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "request parts missing");
        crate::error::AppError::Internal
    })
}

/// Whether the request being served came over TLS (directly, or as a proxy
/// in front says): cookies get `Secure` then.
#[cfg(feature = "ssr")]
pub(crate) fn over_tls() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
        p.uri.scheme_str() == Some("https") || p.headers.get("x-forwarded-proto").is_some_and(|v| v == "https")
    })
}

/// The client's IP address: the peer's, or what a trusted proxy says in
/// `X-Forwarded-For` (`server.trusted_proxies`).
#[cfg(feature = "ssr")]
pub(crate) async fn client_ip(shop: &entities::Shop) -> Option<String> {
    let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await.ok()?.0.ip();
    let forwarded = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| {
        entities::kernel::network::forwarded_for(
            p.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()),
        )
    });
    Some(shop.proxies.client_ip(peer, forwarded.as_deref()).to_string())
}

/// Adds a `Set-Cookie` header (`cookie` is its whole value) to the response
/// being made.
#[cfg(feature = "ssr")]
pub(crate) fn send_cookie(cookie: &str) {
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(cookie) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// An admin form's text fields read for a server function: each bad one is
/// noted with its message, and all of them are answered at once as field
/// errors.
#[cfg(feature = "ssr")]
#[derive(Default)]
pub(crate) struct FormFields {
    errors: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
impl FormFields {
    /// An amount typed in `currency`'s unit (`4.95`, `1200` for yen) in minor
    /// units; `empty` when nothing was typed, none when it is not an amount.
    pub(crate) fn amount(
        &mut self,
        field: &str,
        text: &str,
        currency: &str,
        empty: Option<i64>,
        example: &str,
    ) -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return empty;
        }
        let parsed = currency.trim().to_ascii_uppercase().parse::<entities::Currency>().ok();
        match parsed.map(|c| entities::Money::parse_decimal(text, c)) {
            Some(Ok(m)) => Some(m.minor()),
            _ => {
                self.errors.push((field.into(), format!("must be an amount such as {example}")));
                None
            }
        }
    }

    /// A percentage (`15`, `12.5`, `5,5`) within `allowed`, in basis points
    /// (0 when it is not one).
    pub(crate) fn percent(
        &mut self,
        field: &str,
        text: &str,
        allowed: impl std::ops::RangeBounds<f64>,
        message: &str,
    ) -> i64 {
        match text.trim().replace(',', ".").parse::<f64>() {
            Ok(p) if p.is_finite() && allowed.contains(&p) => (p * 100.0).round() as i64,
            _ => {
                self.errors.push((field.into(), message.into()));
                0
            }
        }
    }

    /// A whole number; none when nothing was typed.
    pub(crate) fn whole(&mut self, field: &str, text: &str) -> Option<i32> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<i32>().map_or_else(
            |_| {
                self.errors.push((field.into(), "must be a whole number (empty: no limit)".into()));
                None
            },
            Some,
        )
    }

    /// The field errors noted, if any (with the response's status set).
    pub(crate) fn done(self) -> Result<(), crate::error::AppError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(crate::error::AppError::Fields(self.errors))
    }
}
