//! SeaORM models, one module per table. Behaviour lives in `services`.

pub mod cart;
pub mod cart_item;
pub mod category;
pub mod outbox;
pub mod product;
pub mod product_image;
pub mod product_view_count;
pub mod user;
pub mod variant;
pub mod vendor;
