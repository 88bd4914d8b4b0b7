//! The REST API under `/api/v1`, described by the OpenAPI 3.1 document at
//! `/api/openapi.json` (generated from the handlers by utoipa). Errors are
//! RFC 9457 problem details (`application/problem+json`), chosen in one
//! place: [`problem`].

pub mod auth;
pub mod openapi;
pub mod problem;
pub mod products;
pub mod search;
pub mod vendors;

use super::AppState;
use axum::routing::{any, get};
use axum::Router;

/// The `/api/v1` routes, the OpenAPI document and its viewer at `/api/docs`.
pub fn routes() -> Router<AppState> {
    use utoipa::OpenApi;
    // The viewer page loads Scalar's script from its CDN in the reader's
    // browser; the document itself is served by us.
    let docs: Router<AppState> =
        <utoipa_scalar::Scalar<_> as utoipa_scalar::Servable<_>>::with_url("/api/docs", openapi::ApiDoc::openapi())
            .into();
    Router::new()
        .merge(docs)
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/products", get(products::list))
        .route("/api/v1/products/{id}", get(products::get_one).patch(products::update))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/categories", get(vendors::categories))
        .route("/api/v1/vendors", get(vendors::list))
        .route("/api/v1/vendors/{slug}", get(vendors::get_one))
        .route("/api/v1/{*rest}", any(problem::no_such_route))
}
