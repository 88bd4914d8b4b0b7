//! Gift cards and store credit: the order page's "pay with a gift card" and
//! "use my store credit", and the admin's issue and list.

use crate::error::AppError;
use entities::ordering::OrderView;
use entities::payments::{GiftCardView, IssuedGiftCard};
use leptos::prelude::*;

/// Pays order `id` (in part) with the gift card `code`.
#[server(prefix = "/_sf", endpoint = "orders/gift-card")]
pub async fn redeem_gift_card(id: String, code: String) -> Result<OrderView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    if code.trim().is_empty() {
        return Err(AppError::Fields(vec![("code".into(), "must not be empty".into())]));
    }
    entities::payments::gift_cards::redeem(&shop, actor, &id, Some(&code)).await.map_err(AppError::from)
}

/// Pays order `id` (in part) with the signed-in customer's store credit.
#[server(prefix = "/_sf", endpoint = "orders/store-credit")]
pub async fn use_store_credit(id: String) -> Result<OrderView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::gift_cards::redeem(&shop, actor, &id, None).await.map_err(AppError::from)
}

/// The signed-in customer's store credit (none for anyone else).
#[server(prefix = "/_sf", endpoint = "account/store-credit")]
pub async fn my_store_credit() -> Result<Vec<GiftCardView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    match actor {
        entities::kernel::access::Actor::Customer { user_id } => {
            entities::payments::gift_cards::credit_of(&shop, entities::UserId::new(user_id))
                .await
                .map_err(AppError::from)
        }
        _ => Ok(Vec::new()),
    }
}

/// Gift cards, newest first (staff).
#[server(prefix = "/_sf", endpoint = "admin/gift-cards")]
pub async fn admin_gift_cards() -> Result<Vec<GiftCardView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::gift_cards::list(&shop, actor).await.map_err(AppError::from)
}

/// Issues a gift card worth `amount` (in the currency's unit, `25.00`), or
/// store credit of the account `customer_email`.
#[server(prefix = "/_sf", endpoint = "admin/gift-cards/issue")]
pub async fn admin_issue_gift_card(
    amount: String,
    currency: String,
    customer_email: String,
    note: String,
) -> Result<IssuedGiftCard, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let mut form = crate::api::forms::FormFields::default();
    let known = currency.trim().to_ascii_uppercase().parse::<entities::Currency>().is_ok();
    // With a currency we do not know, the service names it.
    let amount_minor = if known { form.required_amount("amount", &amount, &currency, "25.00") } else { Some(1) };
    form.done()?;
    let amount_minor = amount_minor.unwrap_or_default();
    let input = entities::payments::NewGiftCard {
        amount_minor,
        currency,
        customer_email: Some(customer_email).filter(|e| !e.trim().is_empty()),
        expires_at: None,
        note,
    };
    entities::payments::gift_cards::issue(&shop, actor, input).await.map_err(AppError::from)
}

/// Stops gift card `id` from being spent.
#[server(prefix = "/_sf", endpoint = "admin/gift-cards/disable")]
pub async fn admin_disable_gift_card(id: i64) -> Result<GiftCardView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::gift_cards::disable(&shop, actor, id).await.map_err(AppError::from)
}
