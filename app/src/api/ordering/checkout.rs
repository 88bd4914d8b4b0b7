//! Checkout: placing the order for the shopper's cart, and reading it back.

use crate::error::AppError;
use entities::ordering::{CheckoutDetails, OrderView, Quote};
use leptos::prelude::*;

/// A fresh idempotency key for one checkout attempt: rendered into the
/// form, so a resubmitted form (a retry, a double click, a reload) places
/// the order once.
#[server(prefix = "/_sf", endpoint = "checkout/key")]
pub async fn new_checkout_key() -> Result<String, AppError> {
    Ok(uuid::Uuid::new_v4().to_string())
}

/// The cart's token from the shopper's cookie, or the field error an empty
/// cart gets.
#[cfg(feature = "ssr")]
async fn cart_token() -> Result<String, AppError> {
    match crate::api::ordering::cart::ssr::cart_id_from_cookie().await {
        Some(id) => Ok(id.to_string()),
        None => Err(AppError::Fields(vec![("cart_id".into(), "the cart is empty".into())])),
    }
}

/// Checks what the shopper typed so far (every bad field named at once)
/// and answers what the cart costs with it: the ways each vendor ships to
/// the address with their prices, the chosen ones, the coupon, tax and the
/// total. Nothing is held or stored.
#[server(prefix = "/_sf", endpoint = "checkout/quote")]
pub async fn checkout_quote(details: CheckoutDetails) -> Result<Quote, AppError> {
    use entities::ordering::QuoteRequest;
    let shop = crate::session::shop()?;
    let input = details.into_order(cart_token().await?);
    let checked = entities::ordering::placing::check_details(&input).map_err(AppError::from)?;
    let request = QuoteRequest {
        cart_id: input.cart_id,
        country: checked.address.country,
        shipping: input.shipping,
        coupon: input.coupon,
    };
    entities::ordering::quote::quote(&shop, &request).await.map_err(AppError::from)
}

/// Places the order for the shopper's cart and sends the browser to its
/// page. Prices come from the catalog; stock is held for 15 minutes.
#[server(prefix = "/_sf", endpoint = "checkout/place")]
pub async fn place_order(idempotency_key: String, details: CheckoutDetails) -> Result<OrderView, AppError> {
    let shop = crate::session::shop()?;
    let actor = acting(&shop).await?;
    let mut input = details.into_order(cart_token().await?);
    input.client_ip = crate::session::client_ip(&shop).await;
    let (order, _) = entities::ordering::placing::place_order(&shop, actor, &idempotency_key, input)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect(&format!("/orders/{}", order.id));
    Ok(order)
}

/// Chooses a local way to pay order `id` (`bank_transfer`: the page then
/// shows the account and the reference; `cash_on_delivery`: the order is
/// confirmed at once).
#[server(prefix = "/_sf", endpoint = "orders/choose-payment")]
pub async fn choose_payment(id: String, provider: String) -> Result<OrderView, AppError> {
    let shop = crate::session::shop()?;
    if !matches!(provider.as_str(), "bank_transfer" | "cash_on_delivery") {
        return Err(AppError::from(entities::ServiceError::InvalidField {
            field: "provider",
            message: "must be bank_transfer or cash_on_delivery".into(),
        }));
    }
    let actor = acting(&shop).await?;
    entities::ordering::view::order_for(&shop, actor, &id).await.map_err(AppError::from)?;
    entities::payments::start::start(&shop, actor, &id, Some(&provider)).await.map_err(AppError::from)?;
    entities::ordering::view::order_for(&shop, actor, &id).await.map_err(AppError::from)
}

/// The ways the shop takes payment (Stripe's script and key, the test
/// provider).
#[server(prefix = "/_sf", endpoint = "orders/payment-options")]
pub async fn payment_options() -> Result<entities::payments::PaymentOptions, AppError> {
    Ok(entities::payments::start::options(&crate::session::shop()?))
}

/// An order by its public id.
#[server(prefix = "/_sf", endpoint = "orders/get")]
pub async fn get_order(id: String) -> Result<OrderView, AppError> {
    let shop = crate::session::shop()?;
    let actor = acting(&shop).await?;
    entities::ordering::view::order_for(&shop, actor, &id).await.map_err(AppError::from)
}

/// Who is acting in this request (an order placed while signed in is shown
/// to its customer only).
#[cfg(feature = "ssr")]
async fn acting(shop: &entities::Shop) -> Result<entities::kernel::access::Actor, AppError> {
    Ok(crate::session::actor_of(shop, &crate::session::parts().await?).await)
}

/// Pays an unpaid order with the built-in test provider (no money moves):
/// the provider signs a "succeeded" event and it goes through the same
/// webhook path as a real provider's — verified, stored once, applied once.
#[server(prefix = "/_sf", endpoint = "orders/pay-test")]
pub async fn pay_with_test_provider(id: String) -> Result<OrderView, AppError> {
    let shop = crate::session::shop()?;
    entities::ordering::view::order_for(&shop, acting(&shop).await?, &id).await.map_err(AppError::from)?;
    entities::payments::settle::pay_with_test_provider(&shop, &id).await.map_err(AppError::from)
}
