//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use super::problem::{FieldError, Problem};
use super::{products, vendors};
use axum::Json;
use utoipa::OpenApi;

/// Every documented route and schema of the REST API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Bazaar API", description = "The catalog of a Bazaar marketplace. Errors are RFC 9457 problem details."),
    paths(products::list, products::get_one, vendors::list, vendors::get_one, vendors::categories),
    components(schemas(Problem, FieldError)),
    tags((name = "catalog", description = "Products, variants, categories and vendors"))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
