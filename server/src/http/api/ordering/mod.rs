//! Ordering's routes: checkout quotes, placing and following orders,
//! coupons, shipping methods and tax rates.

pub mod coupons;
pub mod orders;
pub mod shipping;

use crate::http::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(orders::place))
        .routes(routes!(orders::quote))
        .routes(routes!(orders::get_one))
        .routes(routes!(orders::change_status))
        .routes(routes!(orders::risk))
        .routes(routes!(orders::release))
        .routes(routes!(coupons::list, coupons::create))
        .routes(routes!(coupons::update))
        .routes(routes!(shipping::list, shipping::create))
        .routes(routes!(shipping::replace, shipping::delete))
        .routes(routes!(shipping::rates))
        .routes(routes!(shipping::set_rate, shipping::delete_rate))
}
