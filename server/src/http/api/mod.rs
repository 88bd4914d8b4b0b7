//! The REST API under `/api/v1`, described by the OpenAPI 3.1 document at
//! `/api/openapi.json` (generated from the handlers by utoipa). Errors are
//! RFC 9457 problem details (`application/problem+json`), chosen in one
//! place: [`problem`].

pub mod openapi;
pub mod problem;
pub mod products;
pub mod vendors;

use super::AppState;
use axum::routing::{any, get};
use axum::Router;

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/products", get(products::list))
        .route("/api/v1/products/{id}", get(products::get_one))
        .route("/api/v1/categories", get(vendors::categories))
        .route("/api/v1/vendors", get(vendors::list))
        .route("/api/v1/vendors/{slug}", get(vendors::get_one))
        .route("/api/v1/{*rest}", any(problem::no_such_route))
}
