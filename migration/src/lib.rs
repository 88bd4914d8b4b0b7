//! Database migrations, applied in order by `bazaar migrate` and at start-up.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_catalog;
mod m20261124_000002_create_carts_and_outbox;
mod m20261124_000003_product_sort_keys;
mod m20261124_000004_uploaded_images;
mod m20261124_000005_product_view_counts;
mod m20261124_000006_inventory_and_orders;
mod m20261124_000007_payments;
mod m20261124_000008_outgoing_webhooks;
mod m20261124_000009_shipping_tax_coupons;
mod m20261124_000010_refunds;
mod m20261124_000011_order_disputes;
mod m20261124_000012_payment_event_amounts;
mod m20261124_000013_order_risk;
mod m20261124_000014_payment_card_signals;
mod m20261124_000015_accounts;
mod m20261124_000016_wishlists;
mod m20261124_000017_reviews_and_audit;
mod m20261124_000018_two_factor;
mod m20261124_000019_sealed_webhook_secrets;
mod m20261124_000020_shipments_and_returns;
mod m20261124_000021_one_open_payment;
mod m20261124_000022_gift_cards;
mod m20261125_000023_shipping_codes_unique;
mod m20261204_000024_event_schema_versions;

/// All migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_catalog::Migration),
            Box::new(m20261124_000002_create_carts_and_outbox::Migration),
            Box::new(m20261124_000003_product_sort_keys::Migration),
            Box::new(m20261124_000004_uploaded_images::Migration),
            Box::new(m20261124_000005_product_view_counts::Migration),
            Box::new(m20261124_000006_inventory_and_orders::Migration),
            Box::new(m20261124_000007_payments::Migration),
            Box::new(m20261124_000008_outgoing_webhooks::Migration),
            Box::new(m20261124_000009_shipping_tax_coupons::Migration),
            Box::new(m20261124_000010_refunds::Migration),
            Box::new(m20261124_000011_order_disputes::Migration),
            Box::new(m20261124_000012_payment_event_amounts::Migration),
            Box::new(m20261124_000013_order_risk::Migration),
            Box::new(m20261124_000014_payment_card_signals::Migration),
            Box::new(m20261124_000015_accounts::Migration),
            Box::new(m20261124_000016_wishlists::Migration),
            Box::new(m20261124_000017_reviews_and_audit::Migration),
            Box::new(m20261124_000018_two_factor::Migration),
            Box::new(m20261124_000019_sealed_webhook_secrets::Migration),
            Box::new(m20261124_000020_shipments_and_returns::Migration),
            Box::new(m20261124_000021_one_open_payment::Migration),
            Box::new(m20261124_000022_gift_cards::Migration),
            Box::new(m20261125_000023_shipping_codes_unique::Migration),
            Box::new(m20261204_000024_event_schema_versions::Migration),
        ]
    }
}
