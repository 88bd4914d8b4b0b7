//! The catalog: products and variants, categories, vendors as shoppers see
//! them, search, images, inventory, reviews, recommendations and CSV.

mod types;
pub use types::*;

#[cfg(feature = "db")]
pub mod browse;
#[cfg(feature = "db")]
pub mod csv;
#[cfg(feature = "db")]
pub mod images;
#[cfg(feature = "db")]
pub mod inventory;
#[cfg(feature = "db")]
pub mod listing;
#[cfg(feature = "db")]
pub mod product_list;
#[cfg(feature = "db")]
pub mod products;
#[cfg(feature = "db")]
pub mod recommend;
#[cfg(feature = "db")]
pub mod reviews;
#[cfg(feature = "db")]
pub mod search;
#[cfg(feature = "db")]
pub mod taxonomy;
#[cfg(feature = "db")]
pub mod variants;
#[cfg(feature = "db")]
pub mod vendors;
