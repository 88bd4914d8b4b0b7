//! Three nodes of one shop in one test: each its own `Application` with its
//! own port, in-process cache-free state and tantivy index, sharing
//! PostgreSQL, Redis (sessions, cache, rate-limit counters) and RabbitMQ
//! (events, on an exchange of this test's own). What a shopper or an admin
//! does on one node holds on the others. `bench/cluster.sh` runs the same
//! deployment as processes behind HAProxy.

use crate::accounts::{account, PASSWORD};
use crate::helpers::*;
use entities::accounts::Role;
use entities::model::{product, variant};
use futures::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TOKEN: &str = "cluster-admin-token-0123456789abcdef";

/// The RabbitMQ server the tests use.
fn amqp_url() -> String {
    std::env::var("BAZAAR_TEST_AMQP").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

/// Three nodes on one fresh PostgreSQL database, Redis and an exchange of
/// their own.
async fn three_nodes() -> [TestApp; 3] {
    let exchange = format!("bazaar.cluster.{}", uuid::Uuid::new_v4());
    let shared = |s: &mut server::config::Settings| {
        s.api.admin_token = Some(TOKEN.into());
        s.redis.url = Some(redis_url().into());
        s.amqp.url = Some(amqp_url().into());
        s.amqp.exchange = exchange.clone();
        s.secret_key = Some("11".repeat(32).into());
    };
    let a = spawn_app_with(Db::Postgres, shared).await;
    let url = format!("{}/{}", postgres_server(), a.database_name.clone().unwrap());
    let on_a = |s: &mut server::config::Settings| {
        shared(s);
        s.database.url = Some(url.clone().into());
        s.seed.on_empty_start = false;
    };
    let b = spawn_app_with(Db::Sqlite, on_a).await;
    let c = spawn_app_with(Db::Sqlite, on_a).await;
    [a, b, c]
}

/// Waits up to `bound` for `check` to hold.
async fn within<F, Fut>(bound: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + bound;
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn three_nodes_act_as_one_shop() {
    let [a, b, c] = three_nodes().await;

    // A session made on node A works on node C (sessions live in Redis).
    account(&a, "roamer@example.com", Role::Customer, None).await;
    let browser = new_client();
    let (status, body, _) =
        sf_as(&browser, &a, "account/sign-in", &[("email", "roamer@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200, "{body}");
    let me = browser.get(c.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 200, "the session of node A on node C");
    assert_eq!(me.json::<Value>().await.unwrap()["email"], "roamer@example.com");

    // A catalog change made through node B reaches every node's cache and
    // search within the bound.
    let p = product::Entity::find()
        .filter(product::Column::Status.eq(entities::catalog::ProductStatus::Active))
        .order_by_asc(product::Column::Id)
        .one(&a.shop.db)
        .await
        .unwrap()
        .unwrap();
    for node in [&a, &c] {
        let (status, _, before) = get_json(node, &format!("/api/v1/products/{}", p.id)).await;
        assert_eq!(status, 200, "read (and cached) before the change");
        assert_eq!(before["card"]["title"], p.title.as_str());
    }
    let title = "Zyxtrabulous cluster lamp";
    let changed = reqwest::Client::new()
        .patch(b.url(&format!("/api/v1/products/{}", p.id)))
        .bearer_auth(TOKEN)
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    for (name, node) in [("A", &a), ("B", &b), ("C", &c)] {
        within(Duration::from_secs(15), &format!("node {name}'s product page"), || async {
            get_json(node, &format!("/api/v1/products/{}", p.id)).await.2["card"]["title"] == title
        })
        .await;
        // Each node indexes from the bus on its own; a search a lagging node
        // answered before its index caught up stays in the shared cache for
        // at most the read cache's life: that is the bound.
        let search_bound = entities::kernel::read_cache::CATALOG_TTL + Duration::from_secs(15);
        within(search_bound, &format!("node {name}'s search"), || async {
            let (_, _, found) = get_json(node, "/api/v1/search?q=zyxtrabulous").await;
            found["hits"].as_array().is_some_and(|hits| hits.iter().any(|h| h["id"] == p.id))
        })
        .await;
    }

    // A stock change on node A reaches a WebSocket on node C.
    let v = variant::Entity::find()
        .filter(variant::Column::Stock.gte(1))
        .order_by_asc(variant::Column::Id)
        .one(&a.shop.db)
        .await
        .unwrap()
        .unwrap();
    let ws = c.address.replace("http://", "ws://");
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("{ws}/ws/stock?variants={}", v.id)).await.expect("a socket on C");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let set = reqwest::Client::new()
        .patch(a.url(&format!("/api/v1/variants/{}", v.id)))
        .bearer_auth(TOKEN)
        .json(&json!({ "stock": 41 }))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200, "{}", set.text().await.unwrap());
    let message = tokio::time::timeout(Duration::from_secs(15), socket.next()).await.expect("an update reaches C");
    let update: Value = serde_json::from_str(&message.unwrap().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(update, json!({ "variant_id": v.id, "available": 41 }));
}
