//! A shop on a fresh database, and the few steps every test takes.

use entities::catalog::ProductStatus;
use entities::kernel::access::{Actor, Principal};
use entities::kernel::{Address, Email, Role};
use entities::model::{product, variant};
use entities::ordering::{OrderView, PlaceOrder};
use entities::Shop;
use migration::MigratorTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use server::config::Settings;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Products seeded into each test's catalog.
const PRODUCTS: u32 = 40;

/// A shop and the folder its files live in (dropped with it).
pub struct TestShop {
    pub shop: Shop,
    _data: tempfile::TempDir,
}

impl std::ops::Deref for TestShop {
    type Target = Shop;
    fn deref(&self) -> &Shop {
        &self.shop
    }
}

/// A fresh PostgreSQL database on this machine's server.
async fn fresh_postgres_database() -> String {
    let server = std::env::var("BAZAAR_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let name = format!("bazaar_t_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(format!("{server}/postgres")).await.expect("PostgreSQL answers");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    format!("{server}/{name}")
}

/// A migrated, seeded shop on `db`.
pub async fn shop(db: Db) -> TestShop {
    let data = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::defaults();
    settings.data_dir = data.path().to_path_buf();
    settings.database.max_connections = 5;
    if db == Db::Postgres {
        settings.database.url = Some(fresh_postgres_database().await.into());
    }
    let conn = server::startup::connect_database(&settings).await.expect("connect");
    migration::Migrator::up(&conn, None).await.expect("migrate");
    let progress = server::workers::progress::Progress::hidden("seed", 0);
    server::seed::seed(&conn, PRODUCTS, settings.seed.rng_seed, &progress).await.expect("seed");
    let shop = server::startup::connect_ports(&settings, conn, "http://shop.test").await.expect("ports");
    TestShop { shop, _data: data }
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let $db = $crate::common::Db::Sqlite;
                $body.await
            }

            #[tokio::test]
            async fn postgres() {
                let $db = $crate::common::Db::Postgres;
                $body.await
            }
        }
    };
}

/// The first variants for sale with at least `stock` units, from `vendors`
/// different vendors (one each).
pub async fn variants_of_vendors(shop: &Shop, vendors: usize, stock: i32) -> Vec<variant::Model> {
    let mut found: Vec<(i64, variant::Model)> = Vec::new();
    let rows = variant::Entity::find()
        .filter(variant::Column::Stock.gte(stock))
        .order_by_asc(variant::Column::Id)
        .all(&shop.db)
        .await
        .unwrap();
    for v in rows {
        let p = product::Entity::find_by_id(v.product_id).one(&shop.db).await.unwrap().unwrap();
        if p.status == ProductStatus::Active && !found.iter().any(|(vendor, _)| *vendor == p.vendor_id) {
            found.push((p.vendor_id, v));
        }
        if found.len() == vendors {
            break;
        }
    }
    assert_eq!(found.len(), vendors, "the seed has {vendors} vendors with stock");
    found.into_iter().map(|(_, v)| v).collect()
}

/// A shipping address in the Netherlands.
pub fn address() -> Address {
    Address {
        name: "Ada Lovelace".into(),
        line1: "Main St 1".into(),
        postal_code: "1000 AA".into(),
        city: "Amsterdam".into(),
        country: "NL".into(),
        ..Default::default()
    }
}

/// Places a guest order of `lines` (variant, quantity) under `key`.
pub async fn place(shop: &Shop, key: &str, lines: &[(i64, i32)]) -> entities::ServiceResult<(OrderView, bool)> {
    place_cart(shop, key, fill_cart(shop, lines).await?).await
}

/// A new cart holding `lines` (variant, quantity).
pub async fn fill_cart(shop: &Shop, lines: &[(i64, i32)]) -> entities::ServiceResult<uuid::Uuid> {
    let cart = uuid::Uuid::new_v4();
    for (variant, quantity) in lines {
        entities::ordering::cart::add_item(shop, cart, entities::VariantId::new(*variant), *quantity).await?;
    }
    Ok(cart)
}

/// Places a guest order of what `cart` holds under `key`.
pub async fn place_cart(shop: &Shop, key: &str, cart: uuid::Uuid) -> entities::ServiceResult<(OrderView, bool)> {
    let input = PlaceOrder {
        cart_id: cart.to_string(),
        email: "ada@example.com".into(),
        shipping_address: address(),
        shipping: Default::default(),
        coupon: None,
        billing_address: None,
        client_ip: None,
    };
    entities::ordering::placing::place_order(shop, Actor::Anonymous, key, input).await
}

/// A paid guest order of `lines`.
pub async fn paid_order(shop: &Shop, lines: &[(i64, i32)]) -> OrderView {
    let (placed, _) = place(shop, &uuid::Uuid::new_v4().to_string(), lines).await.expect("placed");
    entities::payments::settle::pay_with_test_provider(shop, &placed.id).await.expect("paid")
}

/// A staff account with the admin role, acting as itself.
pub async fn admin_account(shop: &Shop, email: &str) -> Actor {
    let id = entities::accounts::staff::create_staff(
        &shop.db,
        &Email::parse(email).unwrap(),
        "Admin Person",
        "correct horse battery staple",
        Role::Admin,
        None,
    )
    .await
    .unwrap();
    Actor::Admin { by: Principal::Account(id) }
}

/// A variant's stock now.
pub async fn stock_of(shop: &Shop, variant_id: i64) -> i32 {
    variant::Entity::find_by_id(variant_id).one(&shop.db).await.unwrap().unwrap().stock
}
