//! Events' routes: merchants' webhook subscriptions and their deliveries.

pub mod webhooks;

use crate::http::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(webhooks::list, webhooks::subscribe))
        .routes(routes!(webhooks::remove))
        .routes(routes!(webhooks::deliveries))
}
