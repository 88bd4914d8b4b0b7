//! What every request passes before a handler sees it, and every answer
//! carries: the security headers, the body-size limits (server functions'
//! multipart forms included), the staff area's credentials checked before a
//! body is read, and the cap on uploads read at once. docs/SECURITY.md says
//! what each promises and which test holds it.

use crate::config::LimitSettings;
use crate::http::api::problem::Problem;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entities::ServiceError;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The request-time limits and what enforces them, shared by every request.
#[derive(Clone)]
pub struct Guard {
    shop: entities::Shop,
    body_bytes: usize,
    request_timeout: std::time::Duration,
    uploads: Arc<Semaphore>,
    hsts: bool,
}

impl Guard {
    /// The guard for `limits`; `https` when browsers reach the shop over TLS
    /// (then `Strict-Transport-Security` is sent).
    pub fn new(shop: entities::Shop, limits: &LimitSettings, https: bool) -> Self {
        Self {
            shop,
            body_bytes: limits.body_bytes,
            request_timeout: std::time::Duration::from_secs(limits.request_timeout_secs),
            uploads: Arc::new(Semaphore::new(limits.concurrent_uploads)),
            hsts: https,
        }
    }
}

/// The routes that take large bodies, with the most each may send: image
/// uploads and the CSV import (server function and REST alike). Every other
/// route takes at most `limits.body_bytes`.
fn large_body(path: &str) -> Option<usize> {
    let images = crate::http::api::catalog::images::MAX_BODY;
    let csv = crate::http::api::catalog::IMPORT_BODY;
    match path {
        "/_sf/admin/images/upload" => Some(images),
        "/_sf/admin/import" | "/api/v1/products/import" => Some(csv),
        _ if path.starts_with("/api/v1/products/") && path.ends_with("/images") => Some(images),
        _ => None,
    }
}

/// Server functions of the admin area anyone may call: signing in with
/// the admin token, and asking whether one is signed in.
const OPEN_ADMIN_FUNCTIONS: [&str; 2] = ["/_sf/admin/sign-in", "/_sf/admin/status"];

/// Refuses a body over the route's limit (413, by its `Content-Length`
/// before reading, else as it streams in), checks the staff area's
/// credentials before its body is read, and admits at most
/// `limits.concurrent_uploads` large bodies at once (503 with
/// `Retry-After` for the rest); every other request must be answered within
/// `limits.request_timeout_secs` (408).
pub async fn limit_requests(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let large = large_body(&path);
    let limit = large.unwrap_or(guard.body_bytes);
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Problem::too_large(format!("This request may send at most {limit} bytes.")).into_response();
    }
    if path.starts_with("/_sf/admin/") && !OPEN_ADMIN_FUNCTIONS.contains(&path.as_str()) {
        let (parts, body) = request.into_parts();
        let actor = app::session::actor_of(&guard.shop, &parts).await;
        if actor == entities::kernel::access::Actor::Anonymous {
            return Problem::from(ServiceError::Unauthenticated)
                .saying("Sign in to use the admin area.")
                .into_response();
        }
        if !actor.is_staff() {
            return Problem::from(ServiceError::Forbidden).saying("The admin area is for staff.").into_response();
        }
        return admit(guard, large.is_some(), Request::from_parts(parts, body), limit, next).await;
    }
    admit(guard, large.is_some(), request, limit, next).await
}

async fn admit(guard: Guard, large: bool, request: Request, limit: usize, next: Next) -> Response {
    let _permit = if large && request.method() == Method::POST {
        match guard.uploads.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                return Problem::busy("Other uploads are being read; try again shortly.")
                    .retry_after(std::time::Duration::from_secs(5));
            }
        }
    } else {
        None
    };
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    let request = Request::from_parts(parts, body);
    if large {
        // An import writes in several steps: cutting it off halfway would
        // leave part of it done while the answer says nothing was.
        return next.run(request).await;
    }
    match tokio::time::timeout(guard.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            Problem::timeout("The server did not finish this request in time; it may be tried again.").into_response()
        }
    }
}

const CONTENT_TYPE_OPTIONS: HeaderName = HeaderName::from_static("x-content-type-options");
const FRAME_OPTIONS: HeaderName = HeaderName::from_static("x-frame-options");
const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const OPENER_POLICY: HeaderName = HeaderName::from_static("cross-origin-opener-policy");

/// What an answer that is not a page may do in a browser: nothing (JSON,
/// images and files load no scripts, styles or frames).
const NOTHING: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Adds the security headers to every answer: no sniffing, no framing, a
/// strict referrer, no powerful features, a Content-Security-Policy where
/// the page did not set its own, and HSTS when the shop is served over TLS.
pub async fn security_headers(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(PERMISSIONS_POLICY, HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    headers.insert(OPENER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(NOTHING));
    }
    if guard.hsts {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// The origin (`scheme://host[:port]`) of `url`, if it has one.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The storefront pages' policy (see `app::security`): scripts by nonce
/// (and what they load), WebAssembly, our own styles, images and
/// connections, and Stripe's frames and API (the configured Stripe.js and
/// API addresses too, so a test server works). `reload` adds the address of
/// `cargo leptos watch`'s reload socket.
pub fn page_policy(stripe_js: &str, stripe_api: &str, reload: Option<&str>) -> String {
    let mut connect = vec!["'self'".to_owned(), "https://api.stripe.com".to_owned()];
    let mut frames = vec!["https://js.stripe.com".to_owned(), "https://hooks.stripe.com".to_owned()];
    for url in [stripe_js, stripe_api] {
        if let Some(o) = origin(url) {
            if !connect.contains(&o) {
                connect.push(o.clone());
            }
            if !frames.contains(&o) {
                frames.push(o);
            }
        }
    }
    if let Some(reload) = reload {
        connect.push(reload.to_owned());
    }
    format!(
        "default-src 'self'; script-src 'nonce-{{nonce}}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
         connect-src {}; frame-src {}; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        connect.join(" "),
        frames.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_names_stripe_and_a_test_server() {
        let policy = page_policy("http://127.0.0.1:8420/js.stripe.com/v3/", "http://127.0.0.1:8420", None);
        assert!(policy.contains("script-src 'nonce-{nonce}' 'strict-dynamic'"), "{policy}");
        assert!(policy.contains("connect-src 'self' https://api.stripe.com http://127.0.0.1:8420;"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(origin("https://js.stripe.com/v3/"), Some("https://js.stripe.com".into()));
        assert_eq!(origin("not a url"), None);
    }

    #[test]
    fn large_bodies_only_where_uploads_are_taken() {
        assert!(large_body("/api/v1/products/12/images").is_some());
        assert!(large_body("/_sf/admin/images/upload").is_some());
        assert!(large_body("/_sf/cart/add").is_none());
        assert!(large_body("/api/v1/orders").is_none());
    }
}
