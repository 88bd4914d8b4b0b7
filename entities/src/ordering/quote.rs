//! What an order for a cart would cost before it is placed: the same
//! arithmetic as placing it, nothing held.

use crate::model::{product, variant};
use crate::ordering::pricing::{self, PricedLine};
use crate::ordering::{Quote, QuoteRequest};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// What an order for a cart would cost to a destination, with the chosen
/// shipping and coupon — the same arithmetic as placing it, nothing held.
///
/// # Errors
/// `InvalidField(s)` for a bad cart token or country, an empty cart, mixed
/// currencies, nothing shipping there, or an unusable coupon.
pub async fn quote(shop: &Shop, req: &QuoteRequest) -> ServiceResult<Quote> {
    let cart_id = Uuid::parse_str(req.cart_id.trim())
        .map_err(|_| ServiceError::InvalidField { field: "cart_id", message: "is not a cart token".into() })?;
    let country = req.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ServiceError::InvalidField {
            field: "country",
            message: "must be a two-letter country code".into(),
        });
    }
    let cart = crate::ordering::cart::view(shop, cart_id).await?;
    if cart.lines.is_empty() {
        return Err(ServiceError::InvalidField { field: "cart_id", message: "the cart is empty".into() });
    }
    if cart.mixed_currencies {
        return Err(ServiceError::InvalidField {
            field: "cart_id",
            message: "holds items priced in different currencies; one order takes one currency".into(),
        });
    }
    let variants: HashMap<i64, variant::Model> = variant::Entity::find()
        .filter(variant::Column::Id.is_in(cart.lines.iter().map(|l| l.variant_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let products: HashMap<i64, i64> = product::Entity::find()
        .filter(product::Column::Id.is_in(variants.values().map(|v| v.product_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.vendor_id))
        .collect();
    let priced: Vec<PricedLine> = cart
        .lines
        .iter()
        .filter_map(|l| {
            let v = variants.get(&l.variant_id)?;
            Some(PricedLine {
                vendor_id: *products.get(&v.product_id)?,
                total_minor: l.line_total_minor,
                grams: i64::from(v.weight_grams) * i64::from(l.quantity),
            })
        })
        .collect();
    let vendors = crate::catalog::vendors::vendors_of(&shop.db, pricing::vendors_in_order(&priced)).await?;
    let (quote, _) = pricing::quote(
        &shop.db,
        &priced,
        &vendors,
        &cart.currency,
        &country,
        &req.shipping,
        req.coupon.as_deref(),
        shop.settings.prices_include_tax,
        Utc::now(),
    )
    .await?;
    Ok(quote)
}
