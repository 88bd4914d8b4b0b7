//! The REST API under `/api/v1`, described by the OpenAPI 3.1 document at
//! `/api/openapi.json` (generated from the handlers by utoipa). Errors are
//! RFC 9457 problem details (`application/problem+json`), chosen in one
//! place: [`problem`].

pub mod auth;
pub mod categories;
pub mod coupons;
pub mod customers;
pub mod fulfilment;
pub mod gift_cards;
pub mod images;
pub mod me;
pub mod openapi;
pub mod orders;
pub mod payments;
pub mod problem;
pub mod products;
pub mod reviews;
pub mod search;
pub mod shipping;
pub mod vendors;
pub mod webhooks;

use super::AppState;
use axum::routing::{any, get, patch, post, put};
use axum::Router;

/// The `/api/v1` routes, the OpenAPI document and its viewer at `/api/docs`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/docs", get(openapi::viewer))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/products", get(products::list).post(products::create))
        .route("/api/v1/products/{id}", get(products::get_one).patch(products::update).delete(products::delete))
        .route("/api/v1/products/export.csv", get(products::export_csv))
        .route(
            "/api/v1/products/import",
            post(products::import_csv).layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024)),
        )
        .route("/api/v1/products/{id}/edit", get(products::get_for_edit))
        .route("/api/v1/products/{id}/recommendations", get(products::recommendations))
        .route("/api/v1/trending", get(products::trending))
        .route("/api/v1/products/{id}/variants", post(products::add_variant))
        .route(
            "/api/v1/products/{id}/images",
            get(images::list).post(images::upload).layer(axum::extract::DefaultBodyLimit::max(images::MAX_BODY)),
        )
        .route("/api/v1/images/{id}", patch(images::update).delete(images::delete))
        .route("/api/v1/variants/{id}", patch(products::update_variant).delete(products::delete_variant))
        .route("/api/v1/orders", post(orders::place))
        .route("/api/v1/checkout/quote", post(orders::quote))
        .route("/api/v1/orders/{id}", get(orders::get_one))
        .route("/api/v1/orders/{id}/status", post(orders::change_status))
        .route("/api/v1/orders/{id}/risk", get(orders::risk))
        .route("/api/v1/orders/{id}/review/release", post(orders::release))
        .route("/api/v1/orders/{id}/payments", post(payments::start))
        .route("/api/v1/orders/{id}/payments/confirm", post(payments::confirm))
        .route("/api/v1/orders/{id}/payments/settle", post(payments::settle))
        .route("/api/v1/orders/{id}/payments/received", post(payments::received))
        .route("/orders/{id}/paypal", post(payments::paypal_start))
        .route("/orders/{id}/paypal-return", get(payments::paypal_return))
        .route("/api/v1/orders/{id}/capture", post(payments::capture))
        .route("/api/v1/orders/{id}/refunds", post(payments::refund))
        .route("/api/v1/orders/{id}/shipments", post(fulfilment::ship))
        .route("/api/v1/orders/{id}/shipments/{shipment}/delivered", post(fulfilment::delivered))
        .route("/api/v1/orders/{id}/returns", post(fulfilment::request_return))
        .route("/api/v1/orders/{id}/returns/{return_id}/decision", post(fulfilment::decide))
        .route("/api/v1/vendor/orders", get(fulfilment::vendor_orders))
        .route("/api/v1/orders/{id}/gift-card", post(gift_cards::redeem))
        .route("/api/v1/gift-cards", get(gift_cards::list).post(gift_cards::issue))
        .route("/api/v1/coupons", get(coupons::list).post(coupons::create))
        .route("/api/v1/coupons/{id}", patch(coupons::update))
        .route("/api/v1/shipping-methods", get(shipping::list).post(shipping::create))
        .route("/api/v1/shipping-methods/{id}", put(shipping::replace).delete(shipping::delete))
        .route("/api/v1/tax-rates", get(shipping::rates))
        .route("/api/v1/tax-rates/{country}", put(shipping::set_rate).delete(shipping::delete_rate))
        .route("/api/v1/gift-cards/balance", post(gift_cards::balance))
        .route("/api/v1/gift-cards/{id}/disable", post(gift_cards::disable))
        .route("/api/v1/me/store-credit", get(gift_cards::my_credit))
        .route("/api/v1/vendor/orders/{id}", get(fulfilment::vendor_order))
        .route("/api/v1/webhooks/payments", post(payments::webhook))
        .route("/api/v1/webhooks/payments/{provider}", post(payments::provider_webhook))
        .route("/api/v1/webhooks/subscriptions", get(webhooks::list).post(webhooks::subscribe))
        .route("/api/v1/webhooks/subscriptions/{id}", axum::routing::delete(webhooks::remove))
        .route("/api/v1/webhooks/subscriptions/{id}/deliveries", get(webhooks::deliveries))
        .route("/api/v1/payments/events", get(payments::events))
        .route("/api/v1/payments/events/{id}/replay", post(payments::replay))
        .route("/api/v1/me", get(me::get).patch(me::update))
        .route("/api/v1/me/orders", get(me::orders))
        .route("/api/v1/me/addresses", get(me::addresses).post(me::add_address))
        .route("/api/v1/me/addresses/{id}", patch(me::update_address).delete(me::delete_address))
        .route("/api/v1/me/reviews", get(reviews::mine))
        .route("/api/v1/me/reviews/{id}", axum::routing::put(reviews::update).delete(reviews::delete))
        .route("/api/v1/me/data", get(customers::my_data))
        .route("/api/v1/me/delete", post(customers::delete_me))
        .route("/api/v1/products/{id}/reviews", get(reviews::for_product).post(reviews::create))
        .route("/api/v1/reviews", get(reviews::staff_list))
        .route("/api/v1/reviews/{id}/moderation", post(reviews::moderate))
        .route("/api/v1/reviews/{id}/reply", axum::routing::put(reviews::reply))
        .route("/api/v1/customers", get(customers::find))
        .route("/api/v1/customers/{id}/export", get(customers::export))
        .route("/api/v1/customers/{id}/erase", post(customers::erase))
        .route("/api/v1/customers/{id}/audit", get(customers::audit))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/search/suggest", get(search::suggest))
        .route("/api/v1/categories", get(categories::tree).post(categories::create))
        .route("/api/v1/categories/{slug}", patch(categories::update).delete(categories::delete))
        .route("/api/v1/vendors", get(vendors::list).post(vendors::create))
        .route("/api/v1/vendors/{slug}", get(vendors::get_one).patch(vendors::update).delete(vendors::delete))
        .route("/api/v1/{*rest}", any(problem::no_such_route))
}
