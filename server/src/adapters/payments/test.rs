//! The built-in **test** payment provider: no money moves. It names payments
//! `test_pi_…` and signs its events like the real providers do — HMAC-SHA256
//! over `"<timestamp>.<body>"` in a `Bazaar-Signature: t=<unix>,v1=<hex>`
//! header — so the whole webhook path (verify, store once, apply once) runs
//! in development and tests exactly as it will for Stripe.

use async_trait::async_trait;
use entities::ports::{
    CreatedPayment, EventHeaders, PaymentEventKind, PaymentProvider, PortError, ProviderEvent, WebhookRejection,
};

/// The header the test provider's events carry their signature in.
pub const SIGNATURE_HEADER: &str = "bazaar-signature";

/// `headers` with the test provider's signature, as its webhook sends them.
pub fn signed(signature: &str) -> EventHeaders {
    EventHeaders::from([(SIGNATURE_HEADER.to_owned(), signature.to_owned())])
}

/// How old a signed event may be when it arrives.
const TOLERANCE_SECS: i64 = 300;

/// The test provider, with the secret its events are signed with.
pub struct TestPayments {
    secret: Vec<u8>,
}

impl TestPayments {
    /// A test provider signing with `secret`.
    pub fn new(secret: &str) -> Self {
        Self { secret: secret.as_bytes().to_vec() }
    }

    /// The signature header for `body` signed at `timestamp`.
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        crate::signing::sign(&self.secret, timestamp, body)
    }
}

#[async_trait]
impl PaymentProvider for TestPayments {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn create_payment(&self, _order: &str, _amount: i64, _currency: &str) -> Result<CreatedPayment, PortError> {
        let id = uuid::Uuid::new_v4().simple();
        Ok(CreatedPayment {
            provider_ref: format!("test_pi_{id}"),
            client_secret: Some(format!("test_secret_{id}")),
            ..Default::default()
        })
    }

    async fn refund(&self, _provider_ref: &str, _amount_minor: i64, _key: &str) -> Result<String, PortError> {
        Ok(format!("test_re_{}", uuid::Uuid::new_v4().simple()))
    }

    async fn read_event(&self, headers: &EventHeaders, body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
        let header = headers.get(SIGNATURE_HEADER).ok_or(WebhookRejection::BadSignature)?;
        if !crate::signing::verify(&self.secret, header, body, chrono::Utc::now().timestamp(), TOLERANCE_SECS) {
            return Err(WebhookRejection::BadSignature);
        }
        let json: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| WebhookRejection::Malformed(e.to_string()))?;
        let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        let kind = json["type"]
            .as_str()
            .and_then(|t| t.strip_prefix("payment."))
            .and_then(PaymentEventKind::parse)
            .ok_or_else(|| WebhookRejection::Malformed("unknown or missing `type`".into()))?;
        Ok(ProviderEvent {
            event_id: text(&json["id"]).ok_or_else(|| WebhookRejection::Malformed("missing `id`".into()))?,
            kind,
            provider_ref: text(&json["data"]["payment"])
                .ok_or_else(|| WebhookRejection::Malformed("missing `data.payment`".into()))?,
            amount_minor: json["data"]["amount_minor"].as_i64().unwrap_or(0),
            currency: text(&json["data"]["currency"]).unwrap_or_default(),
            payload: json,
        })
    }

    fn simulate_event(
        &self,
        kind: PaymentEventKind,
        provider_ref: &str,
        amount_minor: i64,
        currency: &str,
    ) -> Option<(String, Vec<u8>)> {
        let body = serde_json::json!({
            "id": format!("evt_{}", uuid::Uuid::new_v4().simple()),
            "type": format!("payment.{}", kind.as_str()),
            "data": { "payment": provider_ref, "amount_minor": amount_minor, "currency": currency },
        })
        .to_string()
        .into_bytes();
        Some((self.sign(chrono::Utc::now().timestamp(), &body), body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_fresh_events_signed_with_our_secret_are_read() {
        let ours = TestPayments::new("whsec_ours");
        let (signature, body) = ours.simulate_event(PaymentEventKind::Succeeded, "test_pi_1", 1999, "EUR").unwrap();
        let event = ours.read_event(&signed(&signature), &body).await.unwrap();
        assert_eq!(
            (event.kind, event.provider_ref.as_str(), event.amount_minor),
            (PaymentEventKind::Succeeded, "test_pi_1", 1999)
        );

        let theirs = TestPayments::new("whsec_theirs");
        assert_eq!(theirs.read_event(&signed(&signature), &body).await, Err(WebhookRejection::BadSignature));
        assert_eq!(ours.read_event(&EventHeaders::new(), &body).await, Err(WebhookRejection::BadSignature));
        let mut tampered = body.clone();
        tampered[10] ^= 1;
        assert_eq!(ours.read_event(&signed(&signature), &tampered).await, Err(WebhookRejection::BadSignature));
        let stale = ours.sign(chrono::Utc::now().timestamp() - 3_600, &body);
        assert_eq!(
            ours.read_event(&signed(&stale), &body).await,
            Err(WebhookRejection::BadSignature),
            "replayed later"
        );
        let junk = b"{}";
        let signature2 = ours.sign(chrono::Utc::now().timestamp(), junk);
        assert!(matches!(ours.read_event(&signed(&signature2), junk).await, Err(WebhookRejection::Malformed(_))));
    }
}
