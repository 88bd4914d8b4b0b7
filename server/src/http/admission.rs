//! Who gets in when many knock: rate limits on writes (per client address
//! and per account, counted in the `Counters` port so every node agrees
//! when Redis is configured) and load shedding by priority when this node
//! is saturated. Both refuse with a problem and `Retry-After`: 429 for a
//! client over its limit, 503 for a node too busy for that kind of request.
//!
//! Priorities, from first shed to last: browsing (pages, product and
//! category reads, images), then search, then what makes money and must not
//! be lost: carts, checkout, payments, accounts and the providers' webhooks.

use crate::config::LimitSettings;
use crate::http::api::problem::Problem;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use entities::kernel::network::limit_key;
use entities::ServiceError;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How much a request matters when the node is saturated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Pages and reads: shed first.
    Browse,
    /// Search: shed next.
    Search,
    /// Carts, checkout, payments, accounts, provider webhooks, the site's
    /// own files and health checks: admitted while anything is.
    Critical,
}

/// Server functions (always POST) that only read: browsing, not writes.
const READ_FUNCTIONS: [&str; 3] = ["/_sf/catalog/", "/_sf/reviews/product", "/_sf/reviews/reviewer"];

/// The priority of a request to `path` with `method`.
pub fn priority(method: &Method, path: &str) -> Priority {
    const CRITICAL: [&str; 12] = [
        "/_sf/cart",
        "/_sf/checkout",
        "/_sf/orders",
        "/_sf/account",
        "/_sf/admin",
        "/api/v1/orders",
        "/api/v1/webhooks/payments",
        "/api/v1/me",
        "/cart",
        "/checkout",
        "/orders/",
        "/pkg/",
    ];
    if matches!(path, "/healthz" | "/readyz" | "/metrics") || CRITICAL.iter().any(|p| path.starts_with(p)) {
        return Priority::Critical;
    }
    if path == "/search"
        || path == "/_sf/catalog/search"
        || path == "/_sf/catalog/suggest"
        || path.starts_with("/api/v1/search")
    {
        return Priority::Search;
    }
    if READ_FUNCTIONS.iter().any(|p| path.starts_with(p)) {
        return Priority::Browse;
    }
    if method != Method::GET && method != Method::HEAD {
        // A write we do not know: keep it (losing one costs more than a page).
        return Priority::Critical;
    }
    Priority::Browse
}

/// Requests in flight on this node, and how many it takes.
#[derive(Clone)]
pub struct Shedder {
    in_flight: Arc<AtomicUsize>,
    capacity: usize,
}

/// One admitted request; dropping it frees its place.
pub struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Shedder {
    /// A node that takes `capacity` requests at once.
    pub fn new(capacity: usize) -> Self {
        Self { in_flight: Arc::default(), capacity }
    }

    /// Admits a request of `priority` while fewer than its share are in
    /// flight: browsing up to half the capacity, search up to three
    /// quarters, the rest up to all of it.
    pub fn admit(&self, priority: Priority) -> Option<InFlight> {
        let share = match priority {
            Priority::Browse => self.capacity / 2,
            Priority::Search => self.capacity * 3 / 4,
            Priority::Critical => self.capacity,
        };
        let before = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let admitted = InFlight(self.in_flight.clone());
        (before < share).then_some(admitted)
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }
}

/// A rate limit: at most `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// What is counted (part of the counter's key).
    pub name: &'static str,
    /// Requests allowed in a window.
    pub limit: u64,
    /// The window.
    pub window: Duration,
}

/// The rules for a request: a stricter one for the routes that send email
/// or hash passwords, and the general one for every write. Reads are not
/// limited here (load shedding covers them); the providers' signed
/// webhooks are never limited.
pub fn rules(limits: &LimitSettings, method: &Method, path: &str) -> Vec<Rule> {
    if method == Method::GET
        || method == Method::HEAD
        || path.starts_with("/api/v1/webhooks/payments")
        || READ_FUNCTIONS.iter().any(|p| path.starts_with(p))
    {
        return Vec::new();
    }
    let hour = Duration::from_secs(3_600);
    let mut rules = vec![Rule { name: "writes", limit: limits.writes_per_minute, window: Duration::from_secs(60) }];
    let strict = match path {
        "/_sf/account/register" => Some("register"),
        "/_sf/account/forgot" => Some("forgot"),
        "/_sf/account/email" => Some("mail"),
        _ => None,
    };
    if let Some(name) = strict {
        rules.push(Rule { name, limit: limits.account_emails_per_hour, window: hour });
    }
    if path == "/api/v1/orders" || path == "/_sf/checkout/place" {
        rules.push(Rule { name: "orders", limit: limits.orders_per_hour, window: hour });
    }
    rules
}

/// What admission needs: the shop (its counters, proxies and sessions),
/// the limits and the shedder.
#[derive(Clone)]
pub struct Admission {
    shop: entities::Shop,
    limits: LimitSettings,
    shedder: Shedder,
}

impl Admission {
    /// Admission for `shop` within `limits`.
    pub fn new(shop: entities::Shop, limits: &LimitSettings) -> Self {
        Self { shop, limits: limits.clone(), shedder: Shedder::new(limits.max_in_flight) }
    }
}

/// Sheds by priority, then counts the request against its rate limits
/// (per client address, and per account when signed in).
pub async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let priority = priority(&method, &path);
    let Some(_in_flight) = admission.shedder.admit(priority) else {
        metrics::counter!("bazaar_requests_shed_total", "priority" => format!("{priority:?}")).increment(1);
        return Problem::busy("The shop is very busy; try again in a moment.").retry_after(Duration::from_secs(2));
    };
    let rules = rules(&admission.limits, &method, &path);
    if rules.is_empty() {
        return next.run(request).await;
    }
    let shop = &admission.shop;
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = peer.map(|peer| limit_key(crate::http::client_ip(shop, peer, request.headers())));
    let (parts, body) = request.into_parts();
    let account = if parts.headers.contains_key(header::COOKIE) {
        app::session::user(shop, &parts).await.map(|u| u.user_id)
    } else {
        None
    };
    let keys = client.map(|c| format!("ip:{c}")).into_iter().chain(account.map(|a| format!("account:{a}")));
    for key in keys {
        for rule in &rules {
            match shop.counters.hit(&format!("{}:{key}", rule.name), rule.window).await {
                Ok(hit) if hit.count > rule.limit => {
                    metrics::counter!("bazaar_requests_limited_total", "rule" => rule.name).increment(1);
                    return Problem::from(ServiceError::RateLimited("Too many requests; try again later.".into()))
                        .retry_after(hit.resets_in);
                }
                Ok(_) => {}
                // The counters' service is down: serve rather than refuse
                // everyone (logged; /readyz names it).
                Err(e) => tracing::warn!(error = %e, "rate-limit counters unavailable; not limiting"),
            }
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsing_is_shed_first_then_search_and_checkout_last() {
        let shedder = Shedder::new(8);
        let held: Vec<InFlight> = (0..4).map(|_| shedder.admit(Priority::Critical).unwrap()).collect();
        assert!(shedder.admit(Priority::Browse).is_none(), "half full: no more browsing");
        assert!(shedder.admit(Priority::Search).is_some());
        let more: Vec<InFlight> = (0..2).map(|_| shedder.admit(Priority::Critical).unwrap()).collect();
        assert!(shedder.admit(Priority::Search).is_none(), "three quarters: no more search");
        let last = shedder.admit(Priority::Critical);
        assert!(last.is_some(), "checkout gets in");
        let _full = shedder.admit(Priority::Critical);
        assert!(shedder.admit(Priority::Critical).is_none(), "full");
        drop((held, more, last));
        assert!(shedder.admit(Priority::Browse).is_some(), "places come back");
        assert_eq!(shedder.in_flight(), 1, "refusals hold no place: only _full is left");
    }

    #[test]
    fn what_each_path_is_worth() {
        assert_eq!(priority(&Method::GET, "/"), Priority::Browse);
        assert_eq!(priority(&Method::GET, "/p/wool-sweater"), Priority::Browse);
        assert_eq!(priority(&Method::GET, "/search"), Priority::Search);
        assert_eq!(priority(&Method::POST, "/_sf/catalog/suggest"), Priority::Search);
        assert_eq!(priority(&Method::POST, "/_sf/catalog/product"), Priority::Browse);
        assert!(
            rules(&LimitSettings::default(), &Method::POST, "/_sf/catalog/suggest").is_empty(),
            "typing is not writing"
        );
        assert_eq!(priority(&Method::POST, "/_sf/cart/add"), Priority::Critical);
        assert_eq!(priority(&Method::POST, "/api/v1/webhooks/payments/stripe"), Priority::Critical);
        assert_eq!(priority(&Method::GET, "/pkg/bazaar.wasm"), Priority::Critical);
        let limits = LimitSettings::default();
        assert!(rules(&limits, &Method::GET, "/").is_empty());
        assert!(rules(&limits, &Method::POST, "/api/v1/webhooks/payments/stripe").is_empty());
        assert_eq!(rules(&limits, &Method::POST, "/_sf/account/register").len(), 2);
    }
}
