//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use super::problem::{FieldError, Problem};
use super::{products, search, vendors};
use axum::Json;
use utoipa::OpenApi;

/// Every documented route and schema of the REST API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Bazaar API", description = "The catalog of a Bazaar marketplace. Errors are RFC 9457 problem details."),
    paths(products::list, products::get_one, products::update, search::search, vendors::list, vendors::get_one, vendors::categories),
    modifiers(&AdminTokenScheme),
    components(schemas(Problem, FieldError)),
    tags((name = "catalog", description = "Products, variants, categories and vendors"))
)]
pub struct ApiDoc;

/// Declares the `admin_token` bearer scheme the write routes name.
struct AdminTokenScheme;

impl utoipa::Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("admin_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
