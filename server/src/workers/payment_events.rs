//! Tries again, with growing delays, the payment events that failed or were
//! left unprocessed (say, by a crash between storing and applying them).

use entities::services::{payments, Shop};
use std::time::Duration;

/// Processes due payment events every `every` until the task is dropped.
pub async fn run(shop: Shop, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = payments::process_due(&shop, chrono::Utc::now()).await {
            tracing::warn!(error = %e, "could not read due payment events; retrying");
        }
    }
}
