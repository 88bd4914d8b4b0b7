//! **PayPal**, through its Orders v2 REST API: an OAuth access token (client
//! credentials, reused until it expires), a PayPal order per payment with a
//! `payer-action` link the shopper follows to approve, capture when the
//! shopper comes back (or when reconciliation finds it approved), refunds of
//! the capture, and webhook events verified by asking PayPal
//! (`/v1/notifications/verify-webhook-signature`). Every write carries a
//! `PayPal-Request-Id`, so a retried call is not done twice.

use async_trait::async_trait;
use entities::ports::{
    CreatedPayment, EventHeaders, PaymentEventKind, PaymentProvider, PaymentState, PortError, ProviderEvent,
    ProviderStatus, WebhookRejection,
};
use entities::Currency;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SERVICE: &str = "paypal";

/// How PayPal is set up.
#[derive(Debug, Clone)]
pub struct PayPalConfig {
    /// The REST app's client id.
    pub client_id: String,
    /// The REST app's secret.
    pub client_secret: SecretString,
    /// The id of the webhook registered for `/api/v1/webhooks/payments/paypal`.
    pub webhook_id: String,
    /// `https://api-m.paypal.com` (or the sandbox, or a local stand-in).
    pub api_base: String,
    /// The shop's address as browsers reach it, for the return links.
    pub public_url: String,
}

/// The PayPal adapter.
pub struct PayPalPayments {
    http: reqwest::Client,
    config: PayPalConfig,
    /// The access token and when it stops being used (a minute early).
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
}

/// `minor` as PayPal writes amounts: a decimal string in the currency's
/// unit (`1999` EUR → `"19.99"`, `500` JPY → `"500"`).
pub fn decimal(minor: i64, currency: &str) -> String {
    let exponent = currency.parse::<Currency>().map_or(2, Currency::exponent);
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0width$}", minor.abs() / scale, minor.abs() % scale, width = exponent as usize)
}

/// A PayPal decimal amount in minor units; `None` when malformed.
pub fn minor_units(value: &str, currency: &str) -> Option<i64> {
    let exponent = currency.parse::<Currency>().map_or(2, Currency::exponent) as usize;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || fraction.len() > exponent
        || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let padded = format!("{fraction:0<exponent$}");
    format!("{whole}{padded}").parse().ok()
}

impl PayPalPayments {
    /// A PayPal client with `config`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: PayPalConfig) -> Result<Self, PortError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("bazaar/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        Ok(Self { http, config, token: tokio::sync::Mutex::new(None) })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// The access token, fetched again when it is about to expire.
    async fn access_token(&self) -> Result<String, PortError> {
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let response = self
            .http
            .post(self.url("/v1/oauth2/token"))
            .basic_auth(&self.config.client_id, Some(self.config.client_secret.expose_secret()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        if !response.status().is_success() {
            return Err(PortError::unavailable(
                SERVICE,
                format!("the access token was refused ({})", response.status()),
            ));
        }
        let body: Value = response.json().await.map_err(|e| PortError::bad_data(SERVICE, e))?;
        let token = body["access_token"].as_str().ok_or_else(|| PortError::bad_data(SERVICE, "no access_token"))?;
        let lifetime = body["expires_in"].as_u64().unwrap_or(300).saturating_sub(60);
        *cached = Some((token.to_owned(), Instant::now() + Duration::from_secs(lifetime)));
        Ok(token.to_owned())
    }

    /// Sends a request with the access token; 4xx → `Declined` with PayPal's
    /// issue, anything else that fails → `Unavailable`.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, PortError> {
        let token = self.access_token().await?;
        let response = request.bearer_auth(token).send().await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        let issue = body["details"][0]["issue"].as_str().or(body["name"].as_str()).unwrap_or("UNKNOWN").to_owned();
        if status.is_client_error() && status.as_u16() != 401 && status.as_u16() != 429 {
            Err(PortError::Declined { service: SERVICE, message: declined_message(&issue) })
        } else {
            Err(PortError::Unavailable { service: SERVICE, message: format!("{status}: {issue}") })
        }
    }

    async fn order(&self, id: &str) -> Result<Value, PortError> {
        self.send(self.http.get(self.url(&format!("/v2/checkout/orders/{id}")))).await
    }
}

/// A PayPal issue code as a sentence for the shopper.
fn declined_message(issue: &str) -> String {
    match issue {
        "ORDER_NOT_APPROVED" => "The payment was not approved at PayPal yet.".into(),
        "ORDER_ALREADY_CAPTURED" => "The payment was already taken.".into(),
        "INSTRUMENT_DECLINED" => "PayPal declined the payment; choose another way to pay at PayPal.".into(),
        other => format!("PayPal refused the payment ({other})."),
    }
}

/// Reads a PayPal order as where the payment stands.
pub fn order_state(order: &Value) -> Result<PaymentState, PortError> {
    let unit = &order["purchase_units"][0];
    let capture = &unit["payments"]["captures"][0];
    let status = match order["status"].as_str() {
        Some("CREATED" | "SAVED" | "PAYER_ACTION_REQUIRED") => ProviderStatus::AwaitingShopper,
        Some("APPROVED") => ProviderStatus::Approved,
        Some("COMPLETED") => match capture["status"].as_str() {
            Some("COMPLETED") | None => ProviderStatus::Succeeded,
            Some("PENDING") => ProviderStatus::Processing,
            Some(_) => ProviderStatus::Canceled,
        },
        Some("VOIDED") => ProviderStatus::Canceled,
        other => return Err(PortError::bad_data(SERVICE, format!("unknown order status {other:?}"))),
    };
    let currency = unit["amount"]["currency_code"].as_str().unwrap_or_default().to_owned();
    let amount = unit["amount"]["value"].as_str().and_then(|v| minor_units(v, &currency)).unwrap_or(0);
    let approve = order["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == "payer-action" || l["rel"] == "approve")
        .and_then(|l| l["href"].as_str())
        .map(str::to_owned);
    Ok(PaymentState {
        provider_ref: order["id"]
            .as_str()
            .ok_or_else(|| PortError::bad_data(SERVICE, "an order without id"))?
            .to_owned(),
        status,
        amount_minor: amount,
        currency,
        client_secret: None,
        last_error: None,
        redirect_url: approve.filter(|_| status == ProviderStatus::AwaitingShopper),
        payload: order.clone(),
    })
}

#[async_trait]
impl PaymentProvider for PayPalPayments {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn create_payment(
        &self,
        order_id: &str,
        amount_minor: i64,
        currency: &str,
    ) -> Result<CreatedPayment, PortError> {
        let base = self.config.public_url.trim_end_matches('/');
        let body = json!({
            "intent": "CAPTURE",
            "purchase_units": [{
                "reference_id": order_id,
                "custom_id": order_id,
                "amount": { "currency_code": currency, "value": decimal(amount_minor, currency) },
            }],
            "payment_source": { "paypal": { "experience_context": {
                "return_url": format!("{base}/orders/{order_id}/paypal-return"),
                "cancel_url": format!("{base}/orders/{order_id}"),
                "user_action": "PAY_NOW",
                "shipping_preference": "NO_SHIPPING",
            } } },
        });
        let request = self
            .http
            .post(self.url("/v2/checkout/orders"))
            .header("paypal-request-id", format!("bazaar-create-{}", uuid::Uuid::new_v4()))
            .json(&body);
        let state = order_state(&self.send(request).await?)?;
        Ok(CreatedPayment { provider_ref: state.provider_ref, client_secret: None, redirect_url: state.redirect_url })
    }

    /// Captures the approved PayPal order (the shopper came back).
    async fn confirm(&self, provider_ref: &str, _payer: &str) -> Result<PaymentState, PortError> {
        let request = self
            .http
            .post(self.url(&format!("/v2/checkout/orders/{provider_ref}/capture")))
            .header("paypal-request-id", format!("bazaar-capture-{provider_ref}"))
            .header("content-type", "application/json")
            .body("{}");
        match self.send(request).await {
            Ok(order) => order_state(&order),
            // Captured before (by a webhook race or a second return): say where it stands.
            Err(PortError::Declined { message, .. }) if message == declined_message("ORDER_ALREADY_CAPTURED") => {
                order_state(&self.order(provider_ref).await?)
            }
            Err(e) => Err(e),
        }
    }

    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<String, PortError> {
        let order = self.order(provider_ref).await?;
        let capture = &order["purchase_units"][0]["payments"]["captures"][0];
        let capture_id = capture["id"].as_str().ok_or_else(|| PortError::Declined {
            service: SERVICE,
            message: "Nothing was captured to refund.".into(),
        })?;
        let currency = capture["amount"]["currency_code"].as_str().unwrap_or("EUR");
        let request = self
            .http
            .post(self.url(&format!("/v2/payments/captures/{capture_id}/refund")))
            .header("paypal-request-id", idempotency_key)
            .json(&json!({ "amount": { "currency_code": currency, "value": decimal(amount_minor, currency) } }));
        let refund = self.send(request).await?;
        refund["id"].as_str().map(str::to_owned).ok_or_else(|| PortError::bad_data(SERVICE, "a refund without id"))
    }

    async fn lookup(&self, provider_ref: &str) -> Result<Option<PaymentState>, PortError> {
        order_state(&self.order(provider_ref).await?).map(Some)
    }

    async fn read_event(&self, headers: &EventHeaders, body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
        let event: Value = serde_json::from_slice(body).map_err(|e| WebhookRejection::Malformed(e.to_string()))?;
        let header = |name: &str| headers.get(name).cloned().ok_or(WebhookRejection::BadSignature);
        // PayPal checks its own signature over the event exactly as it sent
        // it: the body's bytes go into the request untouched (re-serialising
        // the parsed event would reorder its keys and fail the check).
        let raw = std::str::from_utf8(body).map_err(|e| WebhookRejection::Malformed(e.to_string()))?;
        let head = json!({
            "auth_algo": header("paypal-auth-algo")?,
            "cert_url": header("paypal-cert-url")?,
            "transmission_id": header("paypal-transmission-id")?,
            "transmission_sig": header("paypal-transmission-sig")?,
            "transmission_time": header("paypal-transmission-time")?,
            "webhook_id": self.config.webhook_id,
        })
        .to_string();
        let check = format!("{},\"webhook_event\":{raw}}}", head.trim_end_matches('}'));
        let verdict = self
            .send(
                self.http
                    .post(self.url("/v1/notifications/verify-webhook-signature"))
                    .header("content-type", "application/json")
                    .body(check),
            )
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "PayPal could not check a webhook's signature");
                WebhookRejection::BadSignature
            })?;
        if verdict["verification_status"] != "SUCCESS" {
            return Err(WebhookRejection::BadSignature);
        }
        read_event_body(event)
    }
}

/// Reads a verified PayPal event: captures completed, denied or pending and
/// approvals, each tied to its PayPal order; other kinds are `Ignored`.
pub fn read_event_body(event: Value) -> Result<ProviderEvent, WebhookRejection> {
    let kind_name =
        event["event_type"].as_str().ok_or_else(|| WebhookRejection::Malformed("missing `event_type`".into()))?;
    let resource = &event["resource"];
    let (kind, order) = match kind_name {
        "PAYMENT.CAPTURE.COMPLETED" => {
            (PaymentEventKind::Succeeded, &resource["supplementary_data"]["related_ids"]["order_id"])
        }
        "PAYMENT.CAPTURE.PENDING" => {
            (PaymentEventKind::Processing, &resource["supplementary_data"]["related_ids"]["order_id"])
        }
        "PAYMENT.CAPTURE.DENIED" => {
            (PaymentEventKind::Failed, &resource["supplementary_data"]["related_ids"]["order_id"])
        }
        "CHECKOUT.ORDER.APPROVED" => (PaymentEventKind::Processing, &resource["id"]),
        other => return Err(WebhookRejection::Ignored(other.to_owned())),
    };
    let provider_ref =
        order.as_str().ok_or_else(|| WebhookRejection::Malformed(format!("a {kind_name} event without its order")))?;
    let currency = resource["amount"]["currency_code"].as_str().unwrap_or_default().to_owned();
    let amount = resource["amount"]["value"].as_str().and_then(|v| minor_units(v, &currency)).unwrap_or(0);
    Ok(ProviderEvent {
        event_id: event["id"].as_str().ok_or_else(|| WebhookRejection::Malformed("missing `id`".into()))?.to_owned(),
        kind,
        provider_ref: provider_ref.to_owned(),
        amount_minor: amount,
        currency,
        payload: event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_and_read_in_the_currencys_unit() {
        assert_eq!(decimal(1999, "EUR"), "19.99");
        assert_eq!(decimal(5, "USD"), "0.05");
        assert_eq!(decimal(500, "JPY"), "500");
        assert_eq!(minor_units("19.99", "EUR"), Some(1999));
        assert_eq!(minor_units("19.9", "EUR"), Some(1990));
        assert_eq!(minor_units("19", "EUR"), Some(1900));
        assert_eq!(minor_units("500", "JPY"), Some(500));
        assert_eq!(minor_units("1.999", "EUR"), None);
        assert_eq!(minor_units("1,99", "EUR"), None);
        assert_eq!(minor_units("", "EUR"), None);
    }

    #[test]
    fn order_statuses_map_to_where_the_payment_stands() {
        let state = |status: &str| {
            order_state(&json!({ "id": "O1", "status": status, "purchase_units": [{ "amount": { "currency_code": "EUR", "value": "1.00" } }] }))
                .unwrap()
        };
        assert_eq!(state("PAYER_ACTION_REQUIRED").status, ProviderStatus::AwaitingShopper);
        assert_eq!(state("APPROVED").status, ProviderStatus::Approved);
        assert_eq!(state("COMPLETED").status, ProviderStatus::Succeeded);
        assert_eq!(state("COMPLETED").amount_minor, 100);
        assert_eq!(state("VOIDED").status, ProviderStatus::Canceled);
        let events = |kind: &str| {
            read_event_body(json!({ "id": "WH-1", "event_type": kind,
            "resource": { "id": "O1", "supplementary_data": { "related_ids": { "order_id": "O1" } } } }))
        };
        assert_eq!(events("PAYMENT.CAPTURE.COMPLETED").unwrap().kind, PaymentEventKind::Succeeded);
        assert_eq!(events("PAYMENT.CAPTURE.DENIED").unwrap().kind, PaymentEventKind::Failed);
        assert_eq!(events("CHECKOUT.ORDER.APPROVED").unwrap().provider_ref, "O1");
        assert_eq!(events("BILLING.PLAN.CREATED"), Err(WebhookRejection::Ignored("BILLING.PLAN.CREATED".into())));
    }
}
