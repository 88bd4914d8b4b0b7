//! Local payment methods, where no payment company is in between:
//!
//! - **Bank transfer**: the shopper transfers the total to the shop's account
//!   with a payment reference; staff record the transfer when it arrives
//!   (no events come in by themselves).
//! - **Cash on delivery**: the order is confirmed at once (the payment is
//!   `authorized`: promised, to be collected); the courier's cash is recorded
//!   by capturing it when it is handed over.
//!
//! Neither receives webhooks; what happens to them is recorded by staff and
//! goes through the same store-once, apply-once path as providers' events.

use async_trait::async_trait;
use entities::ports::{
    CreatedPayment, EventHeaders, PaymentProvider, PaymentState, PortError, ProviderEvent, ProviderStatus,
    WebhookRejection,
};

/// The payment reference for order `order_id`: short, unambiguous to type
/// (no 0/O or 1/I), derived from the order so it is the same every time.
pub fn reference(prefix: &str, order_id: &str) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let hex: String = order_id.chars().filter(char::is_ascii_hexdigit).collect();
    // 48 bits of the order id, all of them kept by ten base-32 digits.
    let mut n = u64::from_str_radix(hex.get(..12).unwrap_or("0"), 16).unwrap_or(0);
    let mut code = String::with_capacity(12);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        code.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    format!("{prefix}-{code}")
}

/// Bank transfer with a payment reference.
pub struct BankTransfer {
    /// The shop's account: label and value pairs shown to the shopper.
    pub account: Vec<(String, String)>,
    /// How long the stock is held while the transfer is on its way.
    pub hold: chrono::Duration,
}

#[async_trait]
impl PaymentProvider for BankTransfer {
    fn name(&self) -> &'static str {
        "bank_transfer"
    }

    async fn create_payment(&self, order_id: &str, _amount: i64, _currency: &str) -> Result<CreatedPayment, PortError> {
        Ok(CreatedPayment { provider_ref: reference("BT", order_id), ..Default::default() })
    }

    async fn refund(&self, _provider_ref: &str, _amount_minor: i64, _key: &str) -> Result<String, PortError> {
        // The shop transfers the money back itself; this records that it is owed.
        Ok(format!("bt_re_{}", uuid::Uuid::new_v4().simple()))
    }

    async fn read_event(&self, _headers: &EventHeaders, _body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
        Err(WebhookRejection::BadSignature)
    }

    fn records_by_hand(&self) -> bool {
        true
    }

    fn holds_stock_for(&self) -> Option<chrono::Duration> {
        Some(self.hold)
    }

    fn instructions(&self) -> Vec<(String, String)> {
        self.account.clone()
    }
}

/// Cash on delivery.
pub struct CashOnDelivery;

#[async_trait]
impl PaymentProvider for CashOnDelivery {
    fn name(&self) -> &'static str {
        "cash_on_delivery"
    }

    async fn create_payment(&self, order_id: &str, _amount: i64, _currency: &str) -> Result<CreatedPayment, PortError> {
        Ok(CreatedPayment { provider_ref: reference("CD", order_id), ..Default::default() })
    }

    async fn refund(&self, _provider_ref: &str, _amount_minor: i64, _key: &str) -> Result<String, PortError> {
        Ok(format!("cd_re_{}", uuid::Uuid::new_v4().simple()))
    }

    async fn capture(&self, provider_ref: &str, amount_minor: Option<i64>) -> Result<PaymentState, PortError> {
        // The courier handed the cash over: it is ours.
        Ok(PaymentState {
            provider_ref: provider_ref.to_owned(),
            status: ProviderStatus::Succeeded,
            amount_minor: amount_minor.unwrap_or(0),
            currency: String::new(),
            client_secret: None,
            last_error: None,
            redirect_url: None,
            payload: serde_json::json!({ "collected": true }),
        })
    }

    async fn read_event(&self, _headers: &EventHeaders, _body: &[u8]) -> Result<ProviderEvent, WebhookRejection> {
        Err(WebhookRejection::BadSignature)
    }

    fn confirms_at_once(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_short_unambiguous_and_the_same_for_the_same_order() {
        let a = reference("BT", "3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f");
        assert_eq!(a, reference("BT", "3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f"));
        assert_ne!(a, reference("BT", "4f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f"));
        assert_eq!(a.len(), "BT-".len() + 11);
        assert!(a[3..].chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"01OI".contains(c))), "{a}");
    }
}
