//! The HTTP surface: storefront pages and server functions (Leptos), health,
//! metrics and generated images, wrapped in request ids, tracing and metrics.

pub mod api;
pub mod health;
pub mod images;
pub mod live;

use crate::telemetry;
use app::{shell, App};
use axum::extract::FromRef;
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

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context = {
        let shop = state.shop.clone();
        let admin_token = state.admin_token.clone();
        move || {
            provide_context(shop.clone());
            provide_context(admin_token.clone());
        }
    };
    let render = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %request.method(), uri = %request.uri())
    });
    Router::new()
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics))
        .route("/images/products/{file}", get(images::product_image))
        .route("/images/products/{id}/variants/{file}", get(images::variant_image))
        .route("/media/{*key}", get(images::media))
        .route("/ws/stock", get(live::stock))
        .merge(api::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(telemetry::record_http_metrics))
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

/// `GET /metrics`: Prometheus text format.
async fn metrics(axum::extract::State(handle): axum::extract::State<PrometheusHandle>) -> impl IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render())
}
