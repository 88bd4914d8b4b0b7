//! Gives back the stock of unpaid orders whose reservation expired, and
//! cancels those orders, every few seconds.

use entities::Shop;
use std::time::Duration;

/// Sweeps for expired reservations every `every` until the task is dropped.
/// A failed sweep is logged and the next one tries again.
pub async fn run(shop: Shop, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match entities::ordering::life::expire_reservations(&shop, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(orders = n, "unpaid orders expired; their stock is back on sale"),
            Err(e) => tracing::warn!(error = %e, "could not expire reservations; retrying"),
        }
    }
}
