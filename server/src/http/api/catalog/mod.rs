//! The catalog's routes: products and variants, their images, categories,
//! search, recommendations and reviews.

pub mod categories;
pub mod images;
pub mod products;
pub mod reviews;
pub mod search;

use crate::http::AppState;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The largest CSV a catalog import reads (the rows are bounded again by
/// the importer itself).
pub const IMPORT_BODY: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(products::list, products::create))
        .routes(routes!(products::get_one, products::update, products::delete))
        .routes(routes!(products::export_csv))
        .routes(routes!(products::import_csv).layer(DefaultBodyLimit::max(IMPORT_BODY)))
        .routes(routes!(products::get_for_edit))
        .routes(routes!(products::recommendations))
        .routes(routes!(products::trending))
        .routes(routes!(products::add_variant))
        .routes(routes!(products::update_variant, products::delete_variant))
        .routes(routes!(images::list, images::upload).layer(DefaultBodyLimit::max(images::MAX_BODY)))
        .routes(routes!(images::update, images::delete))
        .routes(routes!(categories::tree, categories::create))
        .routes(routes!(categories::update, categories::delete))
        .routes(routes!(search::search))
        .routes(routes!(search::suggest))
        .routes(routes!(reviews::for_product, reviews::create))
        .routes(routes!(reviews::mine))
        .routes(routes!(reviews::update, reviews::delete))
        .routes(routes!(reviews::staff_list))
        .routes(routes!(reviews::moderate))
        .routes(routes!(reviews::reply))
}
