//! Sends queued email through the `Mailer` port and records how it went.

use entities::notifications::mail;
use entities::ports::Mailer;
use entities::Shop;
use std::sync::Arc;
use std::time::Duration;

/// The wait before the try after `attempts` failed tries: 30 s, then
/// doubling, at most six hours.
pub fn retry_after(attempts: i32) -> chrono::Duration {
    let factor = 2_i64.saturating_pow(attempts.clamp(1, 20) as u32 - 1);
    chrono::Duration::seconds((30 * factor).min(6 * 3_600))
}

/// Every `every`, sends what is due.
pub async fn run(shop: Shop, mailer: Arc<dyn Mailer>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let due = match mail::claim_due(&shop, chrono::Utc::now(), 20).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the mail queue");
                continue;
            }
        };
        for outgoing in due {
            let outcome = mailer.send(&outgoing.message).await;
            if let Err(e) = mail::record(&shop, &outgoing, outcome, chrono::Utc::now(), retry_after).await {
                tracing::warn!(error = %e, email = outgoing.id, "could not record an email's delivery");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        let waits: Vec<i64> = (1..=12).map(|n| retry_after(n).num_seconds()).collect();
        assert_eq!(&waits[..4], [30, 60, 120, 240]);
        assert_eq!(*waits.last().unwrap(), 6 * 3_600);
    }
}
