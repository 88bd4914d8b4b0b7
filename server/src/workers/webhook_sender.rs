//! Merchants' outgoing webhooks: queues every event from the bus for the
//! subscribers that want it, and posts each subscriber's deliveries in
//! order, signed, retrying with growing delays.

use entities::events::webhooks;
use entities::ports::EventStream;
use entities::Shop;
use futures::StreamExt;
use std::time::Duration;

/// Queues each event from `events` for its subscribers, until the stream ends.
pub async fn follow_events(mut events: EventStream, shop: Shop) {
    while let Some(event) = events.next().await {
        if let Err(e) = webhooks::enqueue(&shop.db, &event).await {
            tracing::warn!(error = %e, event_id = %event.id, "could not queue a webhook delivery");
        }
    }
}

/// The delay before the try after `attempts` tries: `base`, 2×, 4×… at
/// most an hour.
pub fn retry_after(base: Duration, attempts: i32) -> chrono::Duration {
    let factor = 2_u32.saturating_pow(attempts.clamp(1, 20) as u32 - 1);
    let wait = base.saturating_mul(factor).min(Duration::from_secs(3_600));
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// Every `every`, posts each subscriber's next due delivery.
pub async fn run(shop: Shop, client: reqwest::Client, private: bool, every: Duration, retry_base: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let now = chrono::Utc::now();
        let due = match webhooks::due(&shop, now).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "could not read due webhook deliveries");
                continue;
            }
        };
        for d in due {
            let signature = crate::signing::sign(d.secret.as_bytes(), now.timestamp(), &d.body);
            let refused = if private { None } else { super::public_only::refused(&d.url) };
            let outcome = if let Some(why) = refused {
                Err(why)
            } else {
                client
                    .post(&d.url)
                    .header("content-type", "application/json")
                    .header("bazaar-signature", signature)
                    .header("bazaar-event-id", &d.event_id)
                    .body(d.body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .map_err(|e| {
                        // The resolver's refusal is the source of the error.
                        let mut text = e.to_string();
                        let mut source = std::error::Error::source(&e);
                        while let Some(s) = source {
                            text = format!("{text}: {s}");
                            source = s.source();
                        }
                        text
                    })
            };
            if let Err(e) =
                webhooks::record_attempt(&shop, d.id, outcome, chrono::Utc::now(), |n| retry_after(retry_base, n)).await
            {
                tracing::warn!(error = %e, delivery = d.id, "could not record a webhook delivery");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_an_hour() {
        let base = Duration::from_secs(2);
        let waits: Vec<i64> = (1..=13).map(|n| retry_after(base, n).num_seconds()).collect();
        assert_eq!(&waits[..4], [2, 4, 8, 16]);
        assert_eq!(*waits.last().unwrap(), 3_600);
    }
}
