//! The marketplace's routes: vendors, and each vendor's view of its part of
//! the orders.

pub mod vendor_orders;
pub mod vendors;

use crate::http::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(vendors::list, vendors::create))
        .routes(routes!(vendors::get_one, vendors::update, vendors::delete))
        .routes(routes!(vendor_orders::vendor_orders))
        .routes(routes!(vendor_orders::vendor_order))
}
