//! Health, readiness, metrics and request ids.

use crate::helpers::*;
use crate::on_both_databases;
use sea_orm::{ConnectionTrait, Database};

on_both_databases!(healthz_and_readyz_answer_when_everything_is_up, |db| async move {
    let app = spawn_app(db).await;

    let alive = app.get("/healthz").await;
    let ready = app.get("/readyz").await;

    assert_eq!(alive.status(), 200);
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    for dependency in ["database", "search", "cache", "event_bus"] {
        assert_eq!(body["checks"][dependency], "ok", "{dependency}");
    }
});

#[tokio::test]
async fn readyz_answers_503_naming_the_database_when_it_is_gone() {
    let app = spawn_app(Db::Postgres).await;
    let name = app.database_name.clone().unwrap();
    let admin = Database::connect(format!("{}/postgres", postgres_server())).await.unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop the app's database under it");

    let ready = app.get("/readyz").await;

    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["failed"], serde_json::json!(["database"]));
    assert_eq!(body["checks"]["search"], "ok");
}

#[tokio::test]
async fn readyz_names_redis_adapters_when_configured() {
    let app = spawn_app_with(Db::Sqlite, |s| s.redis.url = Some(redis_url().into())).await;

    let body: serde_json::Value = app.get("/readyz").await.json().await.unwrap();

    assert_eq!(body["status"], "ready");
    assert_eq!(body["adapters"]["cache"], "redis");
    assert_eq!(body["adapters"]["event_bus"], "redis");
}

#[tokio::test]
async fn metrics_count_requests_per_route_with_a_latency_histogram() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.metrics_token = Some("scraper-token-0123456789".into())).await;
    app.get("/").await;
    app.get("/p/no-such-product").await;

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scraper-token-0123456789")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/p/{slug}\""), "route templates, not raw paths:\n{metrics}");
    assert!(!metrics.contains("no-such-product"));
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app(Db::Sqlite).await;

    let a = app.get("/healthz").await;
    let b = app.get("/healthz").await;

    let id = |r: &reqwest::Response| r.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
    assert!(id(&a).is_some());
    assert_ne!(id(&a), id(&b));
}
