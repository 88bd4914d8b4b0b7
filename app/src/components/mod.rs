//! Presentational components.

pub mod cart_badge;
pub mod forms;
pub mod layout;
pub mod lists;
pub mod pagination;
pub mod product_card;

/// An amount in minor units as shoppers read it: `€12.50`, `¥1200`.
pub fn money(minor: i64, currency: &str) -> String {
    entities::Money::from_minor(minor, currency.parse().unwrap_or(entities::Currency::Eur)).to_string()
}
