//! SeaORM models, one module per table. Behaviour lives in `services`.

pub mod cart;
pub mod cart_item;
pub mod category;
pub mod order;
pub mod order_event;
pub mod order_line;
pub mod outbox;
pub mod payment;
pub mod payment_audit;
pub mod payment_event;
pub mod product;
pub mod product_image;
pub mod product_view_count;
pub mod reservation;
pub mod reservation_line;
pub mod stock_ledger;
pub mod stock_level;
pub mod sub_order;
pub mod user;
pub mod variant;
pub mod vendor;
pub mod warehouse;
pub mod webhook_delivery;
pub mod webhook_subscription;
