//! The REST API under `/api/v1`, one router per bounded context (the same
//! rooms as `entities/src/`), described by the OpenAPI 3.1 document at
//! `/api/openapi.json`, which is assembled from those routers' annotated
//! handlers (utoipa-axum), so a route cannot exist without its description.
//! Errors are RFC 9457 problem details (`application/problem+json`), chosen
//! in one place: [`problem`].

pub mod accounts;
pub mod auth;
pub mod catalog;
pub mod events;
pub mod fulfilment;
pub mod marketplace;
pub mod openapi;
pub mod ordering;
pub mod payments;
pub mod problem;

use super::AppState;
use axum::routing::{any, get};
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The `/api/v1` routes, the OpenAPI document and its viewer at `/api/docs`.
/// Each route checks credentials first (see [`auth::Gate`]).
pub fn routes(state: &AppState) -> Router<AppState> {
    let (router, doc) = document_and_routes();
    let gate = auth::Gate::from_document(&doc);
    router
        .route_layer(axum::middleware::from_fn_with_state((gate, state.clone()), auth::authenticate_first))
        .route("/api/docs", get(openapi::viewer))
        .route("/api/openapi.json", openapi::document(&doc))
        .route("/api/v1/{*rest}", any(problem::no_such_route))
}

/// Every context's routes, and the OpenAPI document made from them.
pub fn document_and_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(catalog::router())
        .merge(ordering::router())
        .merge(payments::router())
        .merge(fulfilment::router())
        .merge(marketplace::router())
        .merge(accounts::router())
        .merge(events::router())
        .split_for_parts();
    openapi::add_shared_answers(&mut doc);
    (router, doc)
}
