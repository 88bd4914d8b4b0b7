//! Accounts' routes: the signed-in customer (`/me`), and customers' personal
//! data for admins (export, erasure, audit).

pub mod customers;
pub mod me;

use crate::http::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me::get, me::update))
        .routes(routes!(me::orders))
        .routes(routes!(me::addresses, me::add_address))
        .routes(routes!(me::update_address, me::delete_address))
        .routes(routes!(customers::my_data))
        .routes(routes!(customers::delete_me))
        .routes(routes!(customers::find))
        .routes(routes!(customers::export))
        .routes(routes!(customers::erase))
        .routes(routes!(customers::audit))
}
