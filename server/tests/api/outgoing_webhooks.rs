//! Merchants' outgoing webhooks, delivered to a real HTTP receiver started
//! by the test: signed, retried with backoff, in order per subscriber,
//! logged, and only for the topics asked for.

use crate::helpers::*;
use axum::http::{HeaderMap, StatusCode};
use entities::model::variant;
use entities::ordering::cart;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

type Received = Arc<Mutex<Vec<(HeaderMap, Vec<u8>, StatusCode)>>>;

/// A receiver that answers 500 to its first `failures` requests, then 200.
async fn receiver(failures: usize) -> (String, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                let status = if log.len() < failures { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
                log.push((headers, body.to_vec(), status));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

async fn subscribe(app: &TestApp, url: &str, topics: &[&str]) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/webhooks/subscriptions"))
        .bearer_auth(TOKEN)
        .json(&json!({ "url": url, "topics": topics }))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn place_order(app: &TestApp, variant_id: i64) -> String {
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(variant_id), 1).await.unwrap();
    let body = json!({ "cart_id": cart_id.to_string(), "email": "ada@example.com",
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" } });
    let response = app
        .client
        .post(app.url("/api/v1/orders"))
        .header("idempotency-key", Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn subscribers_get_signed_events_in_order_with_retries() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.api.admin_token = Some(TOKEN.into());
        s.workers.webhook_interval_ms = 20;
        s.workers.webhook_retry_base_ms = 40;
    })
    .await;
    let (url, received) = receiver(2).await;
    let (status, sub) = subscribe(&app, &url, &["order.placed"]).await;
    assert_eq!(status, 201, "{sub}");
    let secret = sub["secret"].as_str().unwrap().to_owned();
    let stored = entities::model::webhook_subscription::Entity::find_by_id(sub["id"].as_i64().unwrap())
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap()
        .secret;
    assert!(stored.starts_with("v1:") && !stored.contains(&secret), "the signing secret is sealed at rest");
    let (status, carts_sub) = subscribe(&app, "http://127.0.0.1:9/unreachable", &["cart."]).await;
    assert_eq!(status, 201);
    assert_eq!(subscribe(&app, "ftp://example.com/x", &["order."]).await.0, 400);
    assert_eq!(subscribe(&app, &url, &[]).await.0, 400);
    let anonymous =
        app.client.post(app.url("/api/v1/webhooks/subscriptions")).json(&json!({ "url": url, "topics": ["order."] }));
    assert_eq!(anonymous.send().await.unwrap().status(), 401);

    let v = variant::Entity::find()
        .filter(variant::Column::Stock.gte(5))
        .order_by_asc(variant::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let mut placed = Vec::new();
    for _ in 0..3 {
        placed.push(place_order(&app, v.id).await);
    }

    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while received.lock().unwrap().iter().filter(|r| r.2 == StatusCode::OK).count() < 3 {
        assert!(std::time::Instant::now() < deadline, "three deliveries arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = received.lock().unwrap().clone();
    let orders_seen: Vec<String> = log
        .iter()
        .map(|(_, body, _)| {
            serde_json::from_slice::<Value>(body).unwrap()["data"]["public_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        orders_seen,
        [&placed[0], &placed[0], &placed[0], &placed[1], &placed[2]].map(String::clone),
        "the first event is retried until it lands, and the others wait their turn"
    );
    let now = chrono::Utc::now().timestamp();
    for (headers, body, _) in &log {
        let signature = headers["bazaar-signature"].to_str().unwrap();
        assert!(server::signing::verify(secret.as_bytes(), signature, body, now, 300), "signed with the secret");
        let parsed: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(headers["bazaar-event-id"].to_str().unwrap(), parsed["id"].as_str().unwrap());
        assert_eq!(parsed["topic"], "order.placed");
    }

    let log_of = |id: i64| {
        app.client.get(app.url(&format!("/api/v1/webhooks/subscriptions/{id}/deliveries"))).bearer_auth(TOKEN).send()
    };
    let deliveries: Value = log_of(sub["id"].as_i64().unwrap()).await.unwrap().json().await.unwrap();
    let first = deliveries.as_array().unwrap().last().unwrap();
    assert_eq!((first["status"].as_str(), first["attempts"].as_i64()), (Some("delivered"), Some(3)), "{deliveries}");
    assert_eq!(first["last_status"], 200);
    let failing: Value = log_of(carts_sub["id"].as_i64().unwrap()).await.unwrap().json().await.unwrap();
    let failing = failing.as_array().unwrap();
    assert_eq!(failing.len(), 3, "one per cart event, none of the order events");
    assert!(failing.iter().all(|d| d["topic"] == "cart.item_added"));
    let head = failing.last().unwrap();
    assert_eq!(head["status"], "pending", "still being retried");
    assert!(head["attempts"].as_i64().unwrap() >= 1 && head["last_error"].is_string(), "{head}");
    assert!(failing[..2].iter().all(|d| d["attempts"] == 0), "later events wait behind the first");
}

#[tokio::test]
async fn sealed_signing_secrets_fit_and_open_on_postgres() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (status, sub) = subscribe(&app, "https://merchant.example/hooks", &["order."]).await;
    assert_eq!(status, 201, "{sub}");
    let stored = entities::model::webhook_subscription::Entity::find_by_id(sub["id"].as_i64().unwrap())
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap()
        .secret;
    assert!(stored.len() > 100, "longer than the old varchar(100)");
    assert_eq!(app.shop.secret_key.open_text(&stored).unwrap(), sub["secret"].as_str().unwrap());
}

#[tokio::test]
async fn webhooks_never_reach_into_the_shops_own_network() {
    // Before: a URL such as http://169.254.169.254/… or a name resolving
    // to 127.0.0.1 was posted to like any other (blind SSRF).
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.api.admin_token = Some(TOKEN.into());
        s.workers.webhooks_to_private_addresses = false;
        s.workers.webhook_interval_ms = 50;
    })
    .await;
    let (url, received) = receiver(0).await;
    let by_name = url.replace("127.0.0.1", "localhost");
    let mut ids = Vec::new();
    for target in [url.as_str(), by_name.as_str()] {
        let (status, sub) = subscribe(&app, target, &["order.placed"]).await;
        assert_eq!(status, 201, "{sub}");
        ids.push(sub["id"].as_i64().unwrap());
    }
    let (v, _) = variant_for_sale(&app, 2, None).await;
    place_order(&app, v.id).await;
    for id in ids {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let head = loop {
            let log: Value = app
                .client
                .get(app.url(&format!("/api/v1/webhooks/subscriptions/{id}/deliveries")))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let head = log.as_array().and_then(|l| l.last()).cloned().unwrap_or(Value::Null);
            if head["attempts"].as_i64().unwrap_or(0) >= 1 {
                break head;
            }
            assert!(std::time::Instant::now() < deadline, "no attempt within 20 s: {log}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let error = head["last_error"].as_str().unwrap_or_default();
        assert!(error.contains("public address"), "{head}");
    }
    assert!(received.lock().unwrap().is_empty(), "nothing reached the receiver");
}
