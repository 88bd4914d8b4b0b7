//! The catalog: browsing and search, reviews, and the catalog admin (products, variants, images, CSV,
//! categories).

pub mod browse;
pub mod products_admin;
pub mod reviews;
pub mod taxonomy_admin;
