//! `/healthz` (the process answers) and `/readyz` (every dependency answers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use entities::Shop;
use serde_json::{json, Value};
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 while the process can answer at all.
pub async fn alive() -> Json<Value> {
    Json(json!({ "status": "alive" }))
}

/// `GET /readyz`: checks the database, search index, cache and event bus;
/// 503 naming each one that failed.
pub async fn ready(State(shop): State<Shop>) -> (StatusCode, Json<Value>) {
    let database = check(async { shop.db.ping().await.map_err(|e| e.to_string()) }).await;
    let search = check(async { shop.search.count().await.map(|_| ()).map_err(|e| e.to_string()) }).await;
    let cache = check(async { shop.cache.ping().await.map_err(|e| e.to_string()) }).await;
    let bus = check(async { shop.bus.ping().await.map_err(|e| e.to_string()) }).await;
    let checks = [("database", database), ("search", search), ("cache", cache), ("event_bus", bus)];
    let failed: Vec<&str> = checks.iter().filter(|(_, r)| r.is_err()).map(|(name, _)| *name).collect();
    let details: serde_json::Map<String, Value> = checks
        .iter()
        .map(|(name, r)| {
            if let Err(e) = r {
                tracing::warn!(dependency = name, error = %e, "readiness check failed");
            }
            ((*name).to_owned(), json!(if r.is_ok() { "ok" } else { "failed" }))
        })
        .collect();
    let adapters = json!({
        "search": shop.search.name(),
        "cache": shop.cache.name(),
        "event_bus": shop.bus.name(),
        "database": format!("{:?}", shop.db.get_database_backend()).to_lowercase(),
    });
    if failed.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ready", "checks": details, "adapters": adapters })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "failed": failed, "checks": details, "adapters": adapters })),
        )
    }
}

async fn check(probe: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(result) => result,
        Err(_) => Err("timed out".to_owned()),
    }
}
