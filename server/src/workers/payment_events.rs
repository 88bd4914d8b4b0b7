//! Tries again, with growing delays, the payment events that failed or were
//! left unprocessed (say, by a crash between storing and applying them).

use entities::Shop;
use std::time::Duration;

/// Processes due payment events every `every` until the task is dropped.
pub async fn run(shop: Shop, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = entities::payments::inbox::process_due(&shop, chrono::Utc::now()).await {
            tracing::warn!(error = %e, "could not read due payment events; retrying");
        }
    }
}

/// The reconciliation job: every `every`, asks the providers about payments
/// left open for `quiet_for` or longer and settles what they answer, so a
/// payment whose webhook never arrived still completes its order.
pub async fn reconcile(shop: Shop, every: Duration, quiet_for: Duration) {
    let quiet_for = chrono::Duration::from_std(quiet_for).unwrap_or(chrono::Duration::minutes(2));
    loop {
        tokio::time::sleep(every).await;
        match entities::payments::settle::reconcile(&shop, quiet_for, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(settled = n, "reconciliation settled payments the providers know more about"),
            Err(e) => tracing::warn!(error = %e, "could not reconcile payments; retrying"),
        }
    }
}
