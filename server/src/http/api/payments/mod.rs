//! Payments' routes: starting, confirming and settling payments, captures
//! and refunds, the providers' webhooks and the received-event log, gift
//! cards and store credit. PayPal's browser redirects are plain routes
//! (not part of the REST API, so not in the OpenAPI document).

pub mod charges;
pub mod gift_cards;
pub mod provider_events;

use crate::http::AppState;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(charges::start))
        .routes(routes!(charges::confirm))
        .routes(routes!(charges::settle))
        .routes(routes!(charges::received))
        .routes(routes!(charges::capture))
        .routes(routes!(charges::refund))
        .routes(routes!(provider_events::webhook))
        .routes(routes!(provider_events::provider_webhook))
        .routes(routes!(provider_events::events))
        .routes(routes!(provider_events::replay))
        .routes(routes!(gift_cards::list, gift_cards::issue))
        .routes(routes!(gift_cards::balance))
        .routes(routes!(gift_cards::disable))
        .routes(routes!(gift_cards::redeem))
        .routes(routes!(gift_cards::my_credit))
        .route("/orders/{id}/paypal", post(charges::paypal_start))
        .route("/orders/{id}/paypal-return", get(charges::paypal_return))
}
