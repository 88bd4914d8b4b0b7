//! **Stripe**, through its REST API: PaymentIntents (automatic or manual
//! capture), confirmation with a payment method the browser made with
//! Stripe.js (card data goes from the browser to Stripe only), 3-D Secure as
//! a next action for the browser, capture, refunds, lookups for
//! reconciliation, and webhook events verified by their `Stripe-Signature`.
//!
//! A thin client over `reqwest` with our own small answer types rather than
//! async-stripe: async-stripe's typed PaymentIntent insists on fields that
//! Stripe's spec marks required and that localstripe (the fake Stripe our
//! tests run against) does not send, so it could not be tested here. The
//! calls are few and stable; the base URL is configurable for localstripe.

use async_trait::async_trait;
use entities::ports::{
    BrowserSetup, CardSignals, CreatedPayment, EventHeaders, PaymentEventKind, PaymentProvider, PaymentState,
    PortError, ProviderEvent, ProviderStatus, WebhookRejection,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// How old a signed event may be when it arrives (Stripe's own default).
const TOLERANCE_SECS: i64 = 300;
const SERVICE: &str = "stripe";

/// How Stripe is set up.
#[derive(Debug, Clone)]
pub struct StripeConfig {
    /// `sk_…`.
    pub secret_key: SecretString,
    /// `pk_…`, for Stripe.js in the browser.
    pub publishable_key: String,
    /// `whsec_…`, what Stripe signs its webhook events with.
    pub webhook_secret: SecretString,
    /// `https://api.stripe.com` (or localstripe's address).
    pub api_base: String,
    /// `https://js.stripe.com/v3/` (or localstripe's fake Stripe.js).
    pub js_url: String,
    /// Authorize at checkout and capture later (by an admin) instead of
    /// capturing at once.
    pub manual_capture: bool,
}

/// The Stripe adapter.
pub struct StripePayments {
    http: reqwest::Client,
    config: StripeConfig,
}

impl StripePayments {
    /// A Stripe client with `config`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: StripeConfig) -> Result<Self, PortError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .user_agent(concat!("bazaar/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        Ok(Self { http, config })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// Sends a request and reads Stripe's answer: the object, or its error
    /// (4xx → `Declined` with Stripe's message, which is written for users;
    /// anything else → `Unavailable`).
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, PortError> {
        let response = request
            .bearer_auth(self.config.secret_key.expose_secret())
            .send()
            .await
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| PortError::bad_data(SERVICE, e))?;
        if status.is_success() {
            return Ok(body);
        }
        let message = body["error"]["message"].as_str().unwrap_or("The payment was refused.").to_owned();
        if status.is_client_error() && status.as_u16() != 401 && status.as_u16() != 429 {
            Err(PortError::Declined { service: SERVICE, message })
        } else {
            Err(PortError::Unavailable { service: SERVICE, message: format!("{status}: {message}") })
        }
    }

    async fn post(&self, path: &str, form: &[(&str, String)]) -> Result<Value, PortError> {
        self.send(self.http.post(self.url(path)).form(form)).await
    }
}

/// Reads a PaymentIntent as Stripe describes it.
pub fn intent_state(pi: &Value) -> Result<PaymentState, PortError> {
    let status = match pi["status"].as_str() {
        Some("requires_payment_method" | "requires_confirmation") => ProviderStatus::AwaitingShopper,
        Some("requires_action") => ProviderStatus::RequiresAction,
        Some("processing") => ProviderStatus::Processing,
        Some("requires_capture") => ProviderStatus::Authorized,
        Some("succeeded") => ProviderStatus::Succeeded,
        Some("canceled") => ProviderStatus::Canceled,
        other => return Err(PortError::bad_data(SERVICE, format!("unknown PaymentIntent status {other:?}"))),
    };
    Ok(PaymentState {
        provider_ref: pi["id"]
            .as_str()
            .ok_or_else(|| PortError::bad_data(SERVICE, "a PaymentIntent without id"))?
            .to_owned(),
        status,
        amount_minor: match (status, pi["amount_received"].as_i64()) {
            (ProviderStatus::Succeeded, Some(received)) if received > 0 => received,
            _ => pi["amount"].as_i64().unwrap_or(0),
        },
        currency: pi["currency"].as_str().unwrap_or_default().to_ascii_uppercase(),
        client_secret: pi["client_secret"].as_str().map(str::to_owned),
        last_error: pi["last_payment_error"]["message"].as_str().map(str::to_owned),
        redirect_url: None,
        payload: pi.clone(),
    })
}

#[async_trait]
impl PaymentProvider for StripePayments {
    fn name(&self) -> &'static str {
        SERVICE
    }

    fn browser_setup(&self) -> Option<BrowserSetup> {
        Some(BrowserSetup {
            script_url: self.config.js_url.clone(),
            publishable_key: self.config.publishable_key.clone(),
        })
    }

    async fn create_payment(
        &self,
        order_id: &str,
        amount_minor: i64,
        currency: &str,
    ) -> Result<CreatedPayment, PortError> {
        let capture = if self.config.manual_capture { "manual" } else { "automatic" };
        let pi = self
            .post(
                "payment_intents",
                &[
                    ("amount", amount_minor.to_string()),
                    ("currency", currency.to_ascii_lowercase()),
                    ("capture_method", capture.to_owned()),
                    ("payment_method_types[0]", "card".to_owned()),
                    ("metadata[order_id]", order_id.to_owned()),
                ],
            )
            .await?;
        let state = intent_state(&pi)?;
        Ok(CreatedPayment { provider_ref: state.provider_ref, client_secret: state.client_secret, redirect_url: None })
    }

    async fn confirm(&self, provider_ref: &str, payment_method: &str) -> Result<PaymentState, PortError> {
        // Attached first, then confirmed: Stripe takes both in one call, but
        // this pair works everywhere (localstripe included).
        self.post(&format!("payment_intents/{provider_ref}"), &[("payment_method", payment_method.to_owned())]).await?;
        let pi = self.post(&format!("payment_intents/{provider_ref}/confirm"), &[]).await?;
        intent_state(&pi)
    }

    async fn capture(&self, provider_ref: &str, amount_minor: Option<i64>) -> Result<PaymentState, PortError> {
        let form: Vec<(&str, String)> =
            amount_minor.map(|a| ("amount_to_capture", a.to_string())).into_iter().collect();
        let pi = self.post(&format!("payment_intents/{provider_ref}/capture"), &form).await?;
        intent_state(&pi)
    }

    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<String, PortError> {
        let form = [("payment_intent", provider_ref.to_owned()), ("amount", amount_minor.to_string())];
        let request = self.http.post(self.url("refunds")).header("idempotency-key", idempotency_key).form(&form);
        let refund = self.send(request).await?;
        refund["id"].as_str().map(str::to_owned).ok_or_else(|| PortError::bad_data(SERVICE, "a refund without id"))
    }

    async fn card_signals(&self, provider_ref: &str, payment_method: &str) -> Result<CardSignals, PortError> {
        let method = self.send(self.http.get(self.url(&format!("payment_methods/{payment_method}")))).await?;
        let intent = self.send(self.http.get(self.url(&format!("payment_intents/{provider_ref}")))).await?;
        // The charge: an id (Stripe), or embedded (expanded; localstripe).
        let charge = match &intent["latest_charge"] {
            Value::String(id) => Some(self.send(self.http.get(self.url(&format!("charges/{id}")))).await?),
            object @ Value::Object(_) => Some(object.clone()),
            _ => None,
        };
        Ok(card_signals_of(&method, charge.as_ref()))
    }

    async fn lookup(&self, provider_ref: &str) -> Result<Option<PaymentState>, PortError> {
        let pi = self.send(self.http.get(self.url(&format!("payment_intents/{provider_ref}")))).await?;
        intent_state(&pi).map(Some)
    }

    async fn read_event(&self, headers: &EventHeaders, body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
        let header = headers.get("stripe-signature").ok_or(WebhookRejection::BadSignature)?;
        let secret = self.config.webhook_secret.expose_secret().as_bytes();
        if !crate::signing::verify(secret, header, body, chrono::Utc::now().timestamp(), TOLERANCE_SECS) {
            return Err(WebhookRejection::BadSignature);
        }
        read_event_body(body)
    }
}

/// The card's fingerprint (from the PaymentMethod) and Radar's risk level
/// (from the charge's `outcome`), where Stripe gives them.
pub fn card_signals_of(method: &Value, charge: Option<&Value>) -> CardSignals {
    CardSignals {
        fingerprint: method["card"]["fingerprint"].as_str().map(str::to_owned),
        risk_level: charge.and_then(|c| c["outcome"]["risk_level"].as_str()).map(str::to_owned),
    }
}

/// Reads a verified Stripe event: the kinds a shop acts on, each tied to
/// its PaymentIntent; every other kind is `Ignored`.
pub fn read_event_body(body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
    let json: Value = serde_json::from_slice(body).map_err(|e| WebhookRejection::Malformed(e.to_string()))?;
    let kind_name = json["type"].as_str().ok_or_else(|| WebhookRejection::Malformed("missing `type`".into()))?;
    let object = &json["data"]["object"];
    let (kind, intent, amount) = match kind_name {
        // What was received (less than asked after a partial capture).
        "payment_intent.succeeded" => (
            PaymentEventKind::Succeeded,
            &object["id"],
            if object["amount_received"].is_i64() { &object["amount_received"] } else { &object["amount"] },
        ),
        "payment_intent.amount_capturable_updated" => {
            (PaymentEventKind::Authorized, &object["id"], &object["amount_capturable"])
        }
        "payment_intent.processing" => (PaymentEventKind::Processing, &object["id"], &object["amount"]),
        "payment_intent.payment_failed" | "payment_intent.canceled" => {
            (PaymentEventKind::Failed, &object["id"], &object["amount"])
        }
        "charge.refunded" => (PaymentEventKind::Refunded, &object["payment_intent"], &object["amount_refunded"]),
        "charge.dispute.created" => (PaymentEventKind::DisputeOpened, &object["payment_intent"], &object["amount"]),
        other => return Err(WebhookRejection::Ignored(other.to_owned())),
    };
    let provider_ref = intent
        .as_str()
        .ok_or_else(|| WebhookRejection::Malformed(format!("a {kind_name} event without its PaymentIntent")))?;
    Ok(ProviderEvent {
        event_id: json["id"].as_str().ok_or_else(|| WebhookRejection::Malformed("missing `id`".into()))?.to_owned(),
        kind,
        provider_ref: provider_ref.to_owned(),
        amount_minor: amount.as_i64().unwrap_or(0),
        currency: object["currency"].as_str().unwrap_or_default().to_ascii_uppercase(),
        payload: json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, object: Value) -> Vec<u8> {
        serde_json::json!({ "id": "evt_1", "type": kind, "data": { "object": object } }).to_string().into_bytes()
    }

    #[test]
    fn the_events_a_shop_acts_on_are_read_and_tied_to_their_payment_intent() {
        let succeeded = read_event_body(&event(
            "payment_intent.succeeded",
            serde_json::json!({ "id": "pi_1", "amount": 1999, "currency": "eur" }),
        ))
        .unwrap();
        assert_eq!(
            (succeeded.kind, succeeded.provider_ref.as_str(), succeeded.amount_minor, succeeded.currency.as_str()),
            (PaymentEventKind::Succeeded, "pi_1", 1999, "EUR")
        );
        let refunded = read_event_body(&event(
            "charge.refunded",
            serde_json::json!({ "id": "ch_1", "payment_intent": "pi_1", "amount": 1999, "amount_refunded": 500 }),
        ))
        .unwrap();
        assert_eq!(
            (refunded.kind, refunded.provider_ref.as_str(), refunded.amount_minor),
            (PaymentEventKind::Refunded, "pi_1", 500)
        );
        let dispute = read_event_body(&event(
            "charge.dispute.created",
            serde_json::json!({ "id": "dp_1", "payment_intent": "pi_1", "amount": 1999 }),
        ))
        .unwrap();
        assert_eq!(dispute.kind, PaymentEventKind::DisputeOpened);
        assert_eq!(
            read_event_body(&event("customer.created", serde_json::json!({ "id": "cus_1" }))),
            Err(WebhookRejection::Ignored("customer.created".into()))
        );
        assert!(matches!(
            read_event_body(&event("charge.refunded", serde_json::json!({ "id": "ch_1" }))),
            Err(WebhookRejection::Malformed(_))
        ));
    }

    #[test]
    fn the_cards_fingerprint_and_radars_verdict_are_read_where_present() {
        let method =
            serde_json::json!({ "id": "pm_1", "card": { "fingerprint": "Xt5EWLLDS7FJjR1c", "last4": "4242" } });
        let charge = serde_json::json!({ "id": "ch_1", "outcome": { "risk_level": "elevated", "risk_score": 65 } });
        let signals = card_signals_of(&method, Some(&charge));
        assert_eq!(signals.fingerprint.as_deref(), Some("Xt5EWLLDS7FJjR1c"));
        assert_eq!(signals.risk_level.as_deref(), Some("elevated"));
        assert_eq!(card_signals_of(&serde_json::json!({ "id": "pm_2" }), None), CardSignals::default());
    }

    #[test]
    fn payment_intent_statuses_map_to_where_the_payment_stands() {
        let state = |status: &str| intent_state(&serde_json::json!({ "id": "pi_1", "status": status })).unwrap().status;
        assert_eq!(state("requires_payment_method"), ProviderStatus::AwaitingShopper);
        assert_eq!(state("requires_action"), ProviderStatus::RequiresAction);
        assert_eq!(state("requires_capture"), ProviderStatus::Authorized);
        assert_eq!(state("succeeded"), ProviderStatus::Succeeded);
        assert_eq!(state("canceled"), ProviderStatus::Canceled);
        assert!(intent_state(&serde_json::json!({ "id": "pi_1", "status": "bogus" })).is_err());
    }
}
