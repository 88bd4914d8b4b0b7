//! `spawn_app()` and friends.

use entities::Shop;
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database};
use server::config::Settings;
use server::Application;
use tempfile::TempDir;

/// Which database a test app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Products in a test catalog: enough for several pages per category.
pub const TEST_PRODUCTS: u32 = 400;

/// A running app and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub shop: Shop,
    pub database_name: Option<String>,
    data: TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The app's data folder (the file mailer writes to `mail/` in it).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request reaches the app")
    }

    /// GETs `path` with a bearer token and reads the JSON answer.
    pub async fn get_json_with_token(&self, path: &str, token: &str) -> serde_json::Value {
        let response =
            self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request reaches the app");
        response.json().await.expect("a JSON answer")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body is text"))
    }
}

/// GETs `path` anonymously: the status, the content type and the JSON body.
pub async fn get_json(app: &TestApp, path: &str) -> (u16, String, serde_json::Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, content_type, response.json().await.expect("a JSON body"))
}

/// Searches the app's index for `text` until something is found (the index
/// follows the outbox asynchronously), for up to 5 seconds.
pub async fn search_until_found(app: &TestApp, text: &str) -> Vec<entities::catalog::ProductCard> {
    let query = entities::ports::SearchQuery { text: text.into(), limit: 5, ..Default::default() };
    for _ in 0..100 {
        let hits = app.shop.search.search(&query).await.expect("search answers").hits;
        if !hits.is_empty() {
            return hits;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Vec::new()
}

/// The address of a test service that `./dev.sh test` starts and names in
/// environment variable `var` (localstripe, moto's S3, aiosmtpd,
/// Meilisearch). Without it a suite cannot run: in CI (`CI` set) that is a
/// failure, elsewhere the suite says that it skipped and how to run it.
///
/// # Panics
/// When `var` is not set and `CI` is.
pub fn service_url(var: &str, what: &str) -> Option<String> {
    if let Some(url) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
        return Some(url);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "{var} is not set: {what} is required in CI (./dev.sh test starts it and sets {var})");
    eprintln!("skipped: {var} is not set, so {what} did not run (./dev.sh test starts it and sets {var})");
    None
}

/// The PostgreSQL server the tests use (without a database name).
pub fn postgres_server() -> String {
    std::env::var("BAZAAR_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// The Redis server the tests use.
pub fn redis_url() -> String {
    std::env::var("BAZAAR_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Creates an empty PostgreSQL database with a unique name.
pub async fn fresh_postgres_database() -> (String, String) {
    let name = format!("bazaar_t_{}", uuid::Uuid::new_v4().simple());
    let admin =
        Database::connect(format!("{}/postgres", postgres_server())).await.expect("PostgreSQL is running (see README)");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
    admin.close().await.ok();
    (format!("{}/{name}", postgres_server()), name)
}

/// Settings for a test app: random port, temporary data folder, small seed.
pub fn test_settings(data: &TempDir) -> Settings {
    let mut settings = Settings::defaults();
    settings.data_dir = data.path().to_path_buf();
    settings.server.port = 0;
    settings.server.site_root = data.path().join("site").display().to_string();
    settings.seed.products = TEST_PRODUCTS;
    settings.database.max_connections = 5;
    settings.workers.outbox_interval_ms = 20;
    settings.workers.view_flush_ms = 50;
    settings.workers.mail_interval_ms = 20;
    // Every test client is 127.0.0.1: the per-address write limits would
    // meet the suite's own traffic. The tests of the limits lower them.
    settings.limits.writes_per_minute = 1_000_000;
    settings.limits.orders_per_hour = 1_000_000;
    settings.limits.account_emails_per_hour = 1_000_000;
    settings.limits.max_connections_per_ip = 100_000;
    // …and mostly one email: the unpaid-order limits would meet the tests
    // that place hundreds at once.
    settings.fraud.unpaid_per_email = 0;
    settings.fraud.unpaid_per_ip = 0;
    // The tests' webhook receivers listen on 127.0.0.1.
    settings.workers.webhooks_to_private_addresses = true;
    settings
}

/// Starts the app on `db`, seeded with [`TEST_PRODUCTS`] products.
pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

/// Starts the app on `db` after `adjust` has changed the settings.
pub async fn spawn_app_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init_logging(&Settings::defaults().log);
    }
    let data = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(&data);
    let mut database_name = None;
    if db == Db::Postgres {
        let (url, name) = fresh_postgres_database().await;
        settings.database.url = Some(url.into());
        database_name = Some(name);
        // The server seeds only an empty SQLite database by itself.
        let conn = server::startup::connect_database(&settings).await.expect("connect");
        migration::Migrator::up(&conn, None).await.expect("migrate");
        server::seed::seed(
            &conn,
            TEST_PRODUCTS,
            settings.seed.rng_seed,
            &server::workers::progress::Progress::hidden("seed", 0),
        )
        .await
        .expect("seed");
        conn.close().await.ok();
    }
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shop = app.shop().clone();
    tokio::spawn(app.run_until_stopped());
    let client = new_client();
    TestApp { address, client, shop, database_name, data }
}

/// A browser-like client: keeps cookies, follows no redirects, gives up on
/// a request after 60 s (a hang fails its test instead of stalling the suite).
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The newest email the app's file mailer wrote to `to` (whose subject
/// contains `subject`) after `after` emails to that address, waiting up to
/// 10 s: its whole text.
pub async fn file_mail(app: &TestApp, to: &str, subject: &str, after: usize) -> String {
    let folder = app.data_dir().join("mail");
    for _ in 0..200 {
        let mut found: Vec<(String, String)> = std::fs::read_dir(&folder)
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap_or_default(),
                        )
                    })
                    .filter(|(_, text)| text.contains(&format!("\r\nTo: {to}\r\n")))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        let matching: Vec<String> = found
            .into_iter()
            .map(|(_, text)| text)
            .filter(|t| t.contains(&format!("Subject: {subject}")) || subject.is_empty())
            .collect();
        if matching.len() > after {
            return matching[after].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no email {subject:?} #{after} to {to} within 10 s");
}

/// Posts a form to server function `endpoint` with `client` (its cookies):
/// the status, the JSON answer (or the text) and the headers.
pub async fn sf_as(
    client: &reqwest::Client,
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
    let response = client
        .post(app.url(&format!("/_sf/{endpoint}")))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)), headers)
}

/// The first link in `text` that starts with `prefix`.
pub fn link_in(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).unwrap_or_else(|| panic!("no link {prefix} in {text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Runs an async test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn on_sqlite() {
                ($body)($crate::helpers::Db::Sqlite).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                ($body)($crate::helpers::Db::Postgres).await;
            }
        }
    };
}

/// The first variant (by id) of a product for sale with at least
/// `min_stock` units and, when given, a price below `below`.
pub async fn variant_for_sale(
    app: &TestApp,
    min_stock: i32,
    below: Option<i64>,
) -> (entities::model::variant::Model, entities::model::product::Model) {
    use entities::model::{product, variant};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mut query = variant::Entity::find().filter(variant::Column::Stock.gte(min_stock));
    if let Some(price) = below {
        query = query.filter(variant::Column::PriceMinor.lt(price));
    }
    for v in query.order_by_asc(variant::Column::Id).all(&app.shop.db).await.unwrap() {
        let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
        if p.status == entities::catalog::ProductStatus::Active {
            return (v, p);
        }
    }
    panic!("no variant for sale with {min_stock} in stock");
}

/// Places an order from `email` for one unit of the first variant for sale
/// (at least `min_stock` in stock), shipped to the Netherlands and billed
/// in `billing_country` when given: the status and the answer.
pub async fn try_place_order(
    app: &TestApp,
    email: &str,
    billing_country: Option<&str>,
    min_stock: i32,
) -> (u16, serde_json::Value) {
    let (v, _) = variant_for_sale(app, min_stock, None).await;
    let cart_id = uuid::Uuid::new_v4();
    entities::ordering::cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let mut body = serde_json::json!({ "cart_id": cart_id.to_string(), "email": email,
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" } });
    if let Some(country) = billing_country {
        body["billing_address"] = serde_json::json!({ "name": "Ada", "line1": "Elm St 2", "postal_code": "10001",
            "city": "New York", "country": country });
    }
    let response = app
        .client
        .post(app.url("/api/v1/orders"))
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// [`try_place_order`] that must succeed (at least two in stock); answers
/// the order's public id.
pub async fn place_unpaid_order(app: &TestApp, email: &str, billing_country: Option<&str>) -> String {
    let (status, order) = try_place_order(app, email, billing_country, 2).await;
    assert_eq!(status, 201, "{order}");
    order["id"].as_str().unwrap().to_owned()
}
