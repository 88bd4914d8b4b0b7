//! Writes the product views counted in memory (see
//! `entities::catalog::recommend::ViewCounter`) every few seconds: one
//! upsert per viewed product and hour, whatever the traffic.

use entities::catalog::recommend::{write_views, ViewCounter};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::time::Duration;

/// Writes the tallies every `every` until the task is dropped. When a write
/// fails the tallies are kept and added to the next one.
pub async fn run(db: DatabaseConnection, views: ViewCounter, every: Duration) {
    let mut pending: HashMap<i64, i64> = HashMap::new();
    loop {
        tokio::time::sleep(every).await;
        for (product, n) in views.take() {
            *pending.entry(product).or_default() += n;
        }
        if pending.is_empty() {
            continue;
        }
        match write_views(&db, &pending, chrono::Utc::now()).await {
            Ok(()) => pending.clear(),
            Err(e) => tracing::warn!(error = %e, products = pending.len(), "could not write product views; retrying"),
        }
    }
}
