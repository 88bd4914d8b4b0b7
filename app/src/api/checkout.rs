//! Checkout: placing the order for the shopper's cart, and reading it back.

// The checkout form's fields are the server function's arguments, one each,
// so the form posts as plain fields without JavaScript; the macro's client
// side copies them all.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use entities::checkout::OrderView;
use leptos::prelude::*;

/// A fresh idempotency key for one checkout attempt: rendered into the
/// form, so a resubmitted form (a retry, a double click, a reload) places
/// the order once.
#[server(prefix = "/_sf", endpoint = "checkout/key")]
pub async fn new_checkout_key() -> Result<String, AppError> {
    Ok(uuid::Uuid::new_v4().to_string())
}

/// Places the order for the shopper's cart and sends the browser to its
/// page. Prices come from the catalog; stock is held for 15 minutes.
#[server(prefix = "/_sf", endpoint = "checkout/place")]
pub async fn place_order(
    idempotency_key: String,
    email: String,
    name: String,
    line1: String,
    line2: String,
    postal_code: String,
    city: String,
    country: String,
    coupon: String,
) -> Result<OrderView, AppError> {
    use entities::checkout::{Address, PlaceOrder};
    let shop = super::shop()?;
    let actor = acting(&shop).await?;
    let Some(cart_id) = super::cart::ssr::cart_id_from_cookie().await else {
        let error = AppError::Fields(vec![("cart_id".into(), "the cart is empty".into())]);
        error.set_page_status();
        return Err(error);
    };
    let input = PlaceOrder {
        cart_id: cart_id.to_string(),
        email,
        shipping_address: Address { name, line1, line2, postal_code, city, country },
        shipping: Default::default(),
        coupon: Some(coupon).filter(|c| !c.trim().is_empty()),
        billing_address: None,
        client_ip: super::client_ip(&shop).await,
    };
    let (order, _) =
        entities::services::orders::place_order(&shop, actor, &idempotency_key, input).await.map_err(super::fail)?;
    leptos_axum::redirect(&format!("/orders/{}", order.id));
    Ok(order)
}

/// Chooses a local way to pay order `id` (`bank_transfer`: the page then
/// shows the account and the reference; `cash_on_delivery`: the order is
/// confirmed at once).
#[server(prefix = "/_sf", endpoint = "orders/choose-payment")]
pub async fn choose_payment(id: String, provider: String) -> Result<OrderView, AppError> {
    let shop = super::shop()?;
    if !matches!(provider.as_str(), "bank_transfer" | "cash_on_delivery") {
        return Err(super::fail(entities::services::ServiceError::InvalidField {
            field: "provider",
            message: "must be bank_transfer or cash_on_delivery".into(),
        }));
    }
    let actor = acting(&shop).await?;
    entities::services::orders::order_for(&shop, actor, &id).await.map_err(super::fail)?;
    entities::services::payments::start(&shop, &id, Some(&provider)).await.map_err(super::fail)?;
    entities::services::orders::order_for(&shop, actor, &id).await.map_err(super::fail)
}

/// The ways the shop takes payment (Stripe's script and key, the test
/// provider).
#[server(prefix = "/_sf", endpoint = "orders/payment-options")]
pub async fn payment_options() -> Result<entities::checkout::PaymentOptions, AppError> {
    Ok(entities::services::payments::options(&super::shop()?))
}

/// An order by its public id.
#[server(prefix = "/_sf", endpoint = "orders/get")]
pub async fn get_order(id: String) -> Result<OrderView, AppError> {
    let shop = super::shop()?;
    let actor = acting(&shop).await?;
    entities::services::orders::order_for(&shop, actor, &id).await.map_err(super::fail)
}

/// Who is acting in this request (an order placed while signed in is shown
/// to its customer only).
#[cfg(feature = "ssr")]
async fn acting(shop: &entities::services::Shop) -> Result<entities::services::access::Actor, AppError> {
    Ok(super::account::session::actor(shop, &super::parts().await?).await)
}

/// Pays an unpaid order with the built-in test provider (no money moves):
/// the provider signs a "succeeded" event and it goes through the same
/// webhook path as a real provider's — verified, stored once, applied once.
#[server(prefix = "/_sf", endpoint = "orders/pay-test")]
pub async fn pay_with_test_provider(id: String) -> Result<OrderView, AppError> {
    let shop = super::shop()?;
    entities::services::orders::order_for(&shop, acting(&shop).await?, &id).await.map_err(super::fail)?;
    entities::services::payments::pay_with_test_provider(&shop, &id).await.map_err(super::fail)
}
