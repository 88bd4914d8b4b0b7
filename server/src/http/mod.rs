//! The HTTP surface: storefront pages and server functions (Leptos), health,
//! metrics and generated images, wrapped in request ids, tracing and metrics.

pub mod admission;
pub mod api;
pub mod guard;
pub mod health;
pub mod images;
pub mod live;
pub mod serve;

use crate::telemetry;
use app::{shell, App};
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{middleware, Router};
use entities::Shop;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use metrics_exporter_prometheus::PrometheusHandle;
use object_store::ObjectStore;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos site options (output name, site root).
    pub leptos_options: LeptosOptions,
    /// The database and ports.
    pub shop: Shop,
    /// Where images live.
    pub images: Arc<dyn ObjectStore>,
    /// The Prometheus recorder.
    pub metrics: PrometheusHandle,
    /// The admin token of the REST API, if configured.
    pub admin_token: entities::accounts::admin_sessions::AdminToken,
    /// The token `/metrics` asks for, if configured (else it is not served).
    #[from_ref(skip)]
    pub metrics_token: entities::accounts::admin_sessions::AdminToken,
    /// Live updates for this node's WebSockets.
    pub live: live::LiveHub,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The app's routes, made once per process. Making them runs the app with
/// resource loading suppressed for the *whole process* (leptos_server's
/// `SuppressResourceLoad`, a global flag): a page that another router in the
/// same process renders meanwhile waits forever (leptos-rs/leptos#4773). The
/// tests start many apps in one process; that is how two pages hung for 60 s.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole router, within `settings.limits`.
pub fn router(state: AppState, settings: &crate::config::Settings) -> Router {
    let routes = route_list();
    let https = state.shop.accounts.public_url.starts_with("https://");
    let guard = guard::Guard::new(state.shop.clone(), &settings.limits, https);
    let reload = std::env::var_os("LEPTOS_WATCH").map(|_| {
        let site = state.leptos_options.site_addr;
        format!("ws://{}:{}", site.ip(), state.leptos_options.reload_port)
    });
    let policy = app::security::PagePolicy(
        guard::page_policy(&settings.payments.stripe.js_url, &settings.payments.stripe.api_base, reload.as_deref())
            .into(),
    );
    let context = {
        let shop = state.shop.clone();
        let admin_token = state.admin_token.clone();
        move || {
            provide_context(shop.clone());
            provide_context(admin_token.clone());
            provide_context(policy.clone());
        }
    };
    let render = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let trace = TraceLayer::new_for_http().make_span_with(request_span::<axum::body::Body>);
    Router::new()
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics))
        .route("/images/products/{file}", get(images::product_image))
        .route("/images/products/{id}/variants/{file}", get(images::variant_image))
        .route("/media/{*key}", get(images::media))
        .route("/ws/stock", get(live::stock))
        .merge(api::routes(&state))
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn_with_state(guard.clone(), guard::limit_requests))
        .layer(middleware::from_fn_with_state(
            admission::Admission::new(state.shop.clone(), &settings.limits),
            admission::admit,
        ))
        .layer(middleware::from_fn(telemetry::record_http_metrics))
        .layer(middleware::from_fn_with_state(guard, guard::security_headers))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::new())
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// The client's address of a request from `peer`: the peer's, or what a
/// trusted proxy says in `X-Forwarded-For` (`server.trusted_proxies`).
pub fn client_ip(shop: &Shop, peer: std::net::IpAddr, headers: &axum::http::HeaderMap) -> std::net::IpAddr {
    let forwarded = entities::kernel::network::forwarded_for(
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()),
    );
    shop.proxies.client_ip(peer, forwarded.as_deref())
}

/// The span of a request in the logs: its id, method and address without
/// secrets ([`entities::kernel::network::loggable_uri`]).
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    let uri = request.uri().path_and_query().map_or("/", |p| p.as_str());
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        uri = %entities::kernel::network::loggable_uri(uri)
    )
}

/// The most of a server function's error answer read to find its status.
const SERVER_FN_ERROR_MAX: usize = 64 * 1024;

/// Server functions answer a failure with a 500 and their `AppError` in the
/// body (marked by server_fn's `serverfnerror` header). Here, in one place,
/// the status follows from the error ([`AppError::status`], itself from the
/// one table of `entities::kernel`), so no server function sets it by hand.
async fn server_fn_status(request: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    use axum::http::StatusCode;
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, SERVER_FN_ERROR_MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// `GET /metrics`: Prometheus text format, for a scraper presenting
/// `api.metrics_token` as a bearer token; without one configured it is not
/// served (404), with a wrong or missing one it answers 401.
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    if !state.metrics_token.is_set() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !state.metrics_token.matches(api::auth::bearer(&headers).unwrap_or("")) {
        return (StatusCode::UNAUTHORIZED, [(axum::http::header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Log lines written to memory.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_request_log_keeps_no_link_token_and_no_order_id() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || {
            for uri in ["/account/reset?token=link-secret-123", "/api/v1/orders/ord_guestsecret/payments/settle"] {
                let request = Request::builder().uri(uri).body(()).unwrap();
                request_span(&request).in_scope(|| tracing::info!("answered"));
            }
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("/account/reset?token=…"), "{text}");
        assert!(!text.contains("link-secret-123") && !text.contains("ord_guestsecret"), "{text}");
    }
}
