//! Fulfilment's routes: shipments (partial, with tracking), deliveries and
//! returns.

pub mod parcels;

use crate::http::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(parcels::ship))
        .routes(routes!(parcels::delivered))
        .routes(routes!(parcels::request_return))
        .routes(routes!(parcels::decide))
}
