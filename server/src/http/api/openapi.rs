//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use super::problem::{FieldError, Problem};
use super::{
    categories, coupons, customers, fulfilment, gift_cards, images, me, orders, payments, products, reviews, search,
    shipping, vendors, webhooks,
};
use axum::Json;
use utoipa::OpenApi;

/// Every documented route and schema of the REST API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Bazaar API", description = "The catalog and orders of a Bazaar marketplace. Errors are RFC 9457 problem details."),
    paths(
        products::list, products::get_one, products::get_for_edit, products::create, products::update, products::delete,
        products::add_variant, products::update_variant, products::delete_variant,
        images::upload, images::list, images::update, images::delete,
        products::recommendations, products::trending, products::export_csv, products::import_csv,
        search::search, search::suggest,
        categories::tree, categories::create, categories::update, categories::delete,
        vendors::list, vendors::get_one, vendors::create, vendors::update, vendors::delete,
        orders::place, orders::get_one, orders::change_status, orders::risk, orders::release, orders::quote,
        payments::start, payments::confirm, payments::settle, payments::received, payments::capture, payments::webhook, payments::provider_webhook, payments::events, payments::replay, payments::refund,
        webhooks::subscribe, webhooks::list, webhooks::remove, webhooks::deliveries,
        me::get, me::update, me::orders, me::addresses, me::add_address, me::update_address, me::delete_address,
        reviews::for_product, reviews::create, reviews::mine, reviews::update, reviews::delete, reviews::staff_list, reviews::moderate, reviews::reply,
        customers::find, customers::export, customers::erase, customers::audit, customers::my_data, customers::delete_me,
        coupons::create, coupons::list, coupons::update,
        shipping::list, shipping::create, shipping::replace, shipping::delete, shipping::rates, shipping::set_rate, shipping::delete_rate,
        gift_cards::issue, gift_cards::list, gift_cards::disable, gift_cards::balance, gift_cards::redeem, gift_cards::my_credit,
        fulfilment::ship, fulfilment::delivered, fulfilment::request_return, fulfilment::decide, fulfilment::vendor_orders, fulfilment::vendor_order,
    ),
    modifiers(&AdminTokenScheme),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "catalog", description = "Products, variants, categories and vendors, as shoppers see them"),
        (name = "catalog admin", description = "Changing the catalog: admins, or the vendor that owns the record"),
        (name = "orders", description = "Placing orders from carts and following them"),
        (name = "fulfilment", description = "Shipments with tracking, partial fulfilment, returns (RMA); vendors' own sub-orders"),
        (name = "payments", description = "Paying orders; the payment provider's webhook; received events for admins"),
        (name = "account", description = "The signed-in customer (session cookie): profile, addresses, orders"),
        (name = "reviews", description = "Ratings and reviews: reading, writing one's own, moderation and vendors' replies"),
        (name = "privacy", description = "Personal data (GDPR): export and erasure, by the customer or an admin (logged)"),
        (name = "webhooks", description = "Merchants' outgoing webhooks: signed, retried, in order per subscriber"),
    )
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

/// The viewer page: Scalar's API reference, served from our own site
/// (`/vendor/`, copied from npm by `dev.sh`), so the docs work offline.
const VIEWER: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Bazaar API</title>
</head>
<body>
  <div id="app">
    <p>The API reference viewer needs JavaScript. The OpenAPI document itself is at
      <a href="/api/openapi.json">/api/openapi.json</a>.</p>
  </div>
  <script src="/vendor/scalar-api-reference.js"></script>
  <script>
    if (window.Scalar) {
      Scalar.createApiReference('#app', { url: '/api/openapi.json', hideClientButton: true, withDefaultFonts: false });
    } else {
      document.querySelector('#app p').textContent =
        'The viewer is not installed on this server (run ./dev.sh store once); the OpenAPI document is at /api/openapi.json.';
    }
  </script>
</body>
</html>
"#;

/// `GET /api/docs`: the API reference viewer.
pub async fn viewer() -> axum::response::Html<&'static str> {
    axum::response::Html(VIEWER)
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
