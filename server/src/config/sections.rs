//! The settings' sections, one struct each (`[accounts]`, `[payments]`,
//! `[server]`…), with their defaults; [`super::Settings`] gathers them and
//! checks them together.

use secrecy::SecretString;
use serde::Deserialize;

/// Accounts and sessions.
#[derive(Debug, Clone, Deserialize)]
pub struct AccountsSettings {
    /// A session unused this long ends.
    pub session_idle_hours: u64,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute_hours: u64,
    /// Wrong passwords for one account within the window before its
    /// sign-in pauses.
    pub failed_sign_ins_per_account: u64,
    /// Sign-in attempts from one IP address within the window.
    pub sign_ins_per_ip: u64,
    /// The window of both limits, in seconds.
    pub limit_window_secs: u64,
    /// Publish reviews as they are written instead of holding them for an
    /// admin's moderation.
    pub auto_publish_reviews: bool,
}

/// Email: SMTP when `smtp_url` is set (`SMTP_URL`), else messages are
/// written to `<data_dir>/mail` and logged.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// `smtp://host:port`, `smtp://user:pass@host:587?tls=required` or
    /// `smtps://…`; unset: the mail folder.
    #[serde(default)]
    pub smtp_url: Option<SecretString>,
    /// The sender, `Name <address>`.
    pub from: String,
    /// The shop's name in emails.
    pub shop_name: String,
}

/// Checkout.
#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSettings {
    /// Whether catalog prices include tax (EU style) or tax is added at checkout.
    pub prices_include_tax: bool,
}

/// Payments: Stripe when configured, and the built-in test provider (no
/// money moves) unless turned off.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentSettings {
    /// Offer the built-in test provider ("Pay now — test payment"), with
    /// which anyone marks an order paid without money. Unset: on only while
    /// no real provider is configured. `true` beside a real provider is for
    /// staging shops (a warning is logged at start).
    #[serde(default)]
    pub test_provider: Option<bool>,
    /// The secret the test provider signs its webhook events with.
    pub test_webhook_secret: SecretString,
    /// How long a payment stays open without news before the reconciliation
    /// job asks the provider about it.
    pub reconcile_after_secs: u64,
    /// Stripe; on when `secret_key` is set (`STRIPE_SECRET_KEY`).
    #[serde(default)]
    pub stripe: StripeSettings,
    /// Bank transfer; on when `iban` is set.
    #[serde(default)]
    pub bank_transfer: BankTransferSettings,
    /// Offer cash on delivery.
    #[serde(default)]
    pub cash_on_delivery: bool,
    /// PayPal; on when `client_id` is set (`PAYPAL_CLIENT_ID`).
    #[serde(default)]
    pub paypal: PayPalSettings,
}

/// PayPal (Orders v2).
#[derive(Debug, Clone, Deserialize)]
pub struct PayPalSettings {
    /// The REST app's client id (`PAYPAL_CLIENT_ID`); unset: no PayPal.
    pub client_id: Option<String>,
    /// The REST app's secret (`PAYPAL_CLIENT_SECRET`).
    pub client_secret: Option<SecretString>,
    /// The id PayPal gave the webhook for `/api/v1/webhooks/payments/paypal`
    /// (`PAYPAL_WEBHOOK_ID`).
    pub webhook_id: Option<String>,
    /// The API's address: live, sandbox (`https://api-m.sandbox.paypal.com`)
    /// or a local stand-in.
    #[serde(default = "default_paypal_api")]
    pub api_base: String,
}

impl Default for PayPalSettings {
    fn default() -> Self {
        Self { client_id: None, client_secret: None, webhook_id: None, api_base: default_paypal_api() }
    }
}

fn default_paypal_api() -> String {
    "https://api-m.paypal.com".to_owned()
}

/// Bank transfer to the shop's account.
#[derive(Debug, Clone, Deserialize)]
pub struct BankTransferSettings {
    /// The account's holder, as the bank knows it.
    pub account_holder: Option<String>,
    /// The account's IBAN; unset: no bank transfer.
    pub iban: Option<String>,
    /// The bank's BIC (optional).
    pub bic: Option<String>,
    /// How long an order's stock is held while its transfer is on its way.
    #[serde(default = "default_hold_hours")]
    pub hold_hours: u32,
}

impl Default for BankTransferSettings {
    fn default() -> Self {
        Self { account_holder: None, iban: None, bic: None, hold_hours: default_hold_hours() }
    }
}

fn default_hold_hours() -> u32 {
    72
}

/// Whether `iban` is a well-formed IBAN with a right check number (ISO 13616).
pub fn iban_is_valid(iban: &str) -> bool {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if !(15..=34).contains(&compact.len())
        || !compact.chars().all(|c| c.is_ascii_alphanumeric())
        || !compact[..2].chars().all(|c| c.is_ascii_alphabetic())
        || !compact[2..4].chars().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut remainder = 0u32;
    for c in rearranged {
        let value = c.to_digit(36).unwrap_or(0);
        for digit in value.to_string().chars() {
            remainder = (remainder * 10 + digit.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    remainder == 1
}

/// Stripe.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeSettings {
    /// `sk_live_…` or `sk_test_…` (`STRIPE_SECRET_KEY`); unset: no Stripe.
    pub secret_key: Option<SecretString>,
    /// `pk_…`, given to Stripe.js in the browser (`STRIPE_PUBLISHABLE_KEY`).
    pub publishable_key: Option<String>,
    /// `whsec_…`, the signing secret of the webhook endpoint
    /// `/api/v1/webhooks/payments/stripe` (`STRIPE_WEBHOOK_SECRET`).
    pub webhook_secret: Option<SecretString>,
    /// The API's address (localstripe's in tests).
    #[serde(default = "default_stripe_api")]
    pub api_base: String,
    /// Stripe.js's address (localstripe's fake one in tests).
    #[serde(default = "default_stripe_js")]
    pub js_url: String,
    /// Authorize at checkout; an admin captures later.
    #[serde(default)]
    pub manual_capture: bool,
}

impl Default for StripeSettings {
    fn default() -> Self {
        Self {
            secret_key: None,
            publishable_key: None,
            webhook_secret: None,
            api_base: default_stripe_api(),
            js_url: default_stripe_js(),
            manual_capture: false,
        }
    }
}

fn default_stripe_api() -> String {
    "https://api.stripe.com".to_owned()
}

fn default_stripe_js() -> String {
    "https://js.stripe.com/v3/".to_owned()
}

/// HTTP listener and site files.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Interface to bind.
    pub host: String,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Folder with the built site (`pkg/bazaar.js`, `.wasm`, `.css`, assets).
    pub site_root: String,
    /// The shop's address as browsers reach it (`https://shop.example`),
    /// for links that leave the site and come back (PayPal's return link);
    /// unset means `http://<host>:<port>`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Reverse proxies and load balancers (addresses or networks such as
    /// `10.0.0.0/8`) whose `X-Forwarded-For` header names the client; from
    /// anyone else the header is ignored.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

/// The database.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite://…`; unset means `<data_dir>/bazaar.db`.
    pub url: Option<SecretString>,
    /// Connection pool size.
    pub max_connections: u32,
}

/// Redis.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RedisSettings {
    /// `redis://…`; unset means the in-process cache and event bus.
    pub url: Option<SecretString>,
}

/// RabbitMQ.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AmqpSettings {
    /// `amqp://user:password@host:5672/%2f`; unset means the event bus runs
    /// on Redis (when `redis.url` is set) or in-process.
    pub url: Option<SecretString>,
    /// The fan-out exchange events go through.
    #[serde(default = "default_exchange")]
    pub exchange: String,
}

fn default_exchange() -> String {
    "bazaar.events".to_owned()
}

/// Meilisearch.
#[derive(Debug, Clone, Deserialize)]
pub struct MeiliSettings {
    /// `http://…`; unset means the embedded tantivy index.
    pub url: Option<String>,
    /// API key, if the server needs one.
    pub api_key: Option<SecretString>,
    /// Name of the products index.
    #[serde(default = "default_meili_index")]
    pub index: String,
}

impl Default for MeiliSettings {
    fn default() -> Self {
        Self { url: None, api_key: None, index: default_meili_index() }
    }
}

fn default_meili_index() -> String {
    "products".to_owned()
}

/// The REST API.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApiSettings {
    /// Bearer token that makes a request an admin's, until accounts exist.
    /// Unset: the API's writes answer 401.
    pub admin_token: Option<SecretString>,
    /// Bearer token that `/metrics` asks of its scraper. Unset: `/metrics`
    /// is not served at all (it names routes, counts and timings).
    #[serde(default)]
    pub metrics_token: Option<SecretString>,
}

/// The object store for files.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ObjectSettings {
    /// An S3 bucket name; unset means the local folder `<data_dir>/objects`.
    pub s3_bucket: Option<String>,
    /// The S3 region (default `us-east-1`).
    pub s3_region: Option<String>,
    /// An S3-compatible endpoint (MinIO, moto, R2…); unset means AWS.
    pub s3_endpoint: Option<String>,
    /// Access key id; unset means the AWS environment or instance credentials.
    pub s3_access_key_id: Option<String>,
    /// Secret access key.
    pub s3_secret_access_key: Option<SecretString>,
    /// Allow a plain-HTTP endpoint (for local S3-compatible servers).
    #[serde(default)]
    pub s3_allow_http: bool,
}

/// The in-process cache.
#[derive(Debug, Clone, Deserialize)]
pub struct CacheSettings {
    /// Upper bound of the keys and values it holds, in bytes.
    pub max_bytes: u64,
}

/// The demo catalog.
#[derive(Debug, Clone, Deserialize)]
pub struct SeedSettings {
    /// Number of products `seed` generates.
    pub products: u32,
    /// Seed of the generator: the same number gives the same catalog.
    pub rng_seed: u64,
    /// Whether `serve` seeds an empty database on first start.
    pub on_empty_start: bool,
}

/// Background workers.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    /// How often the outbox relay looks for new events.
    pub outbox_interval_ms: u64,
    /// How often counted product views are written (for "trending").
    pub view_flush_ms: u64,
    /// How often unpaid orders whose stock reservation expired are cancelled.
    pub reservation_sweep_ms: u64,
    /// How often payment events that failed or were left are tried again.
    pub payment_retry_ms: u64,
    /// How often the providers are asked about payments left open.
    pub payment_reconcile_ms: u64,
    /// How often merchants' webhook deliveries that are due are sent.
    pub webhook_interval_ms: u64,
    /// The first wait before a failed webhook delivery is tried again (then doubling).
    pub webhook_retry_base_ms: u64,
    /// How often the mail queue is looked at.
    pub mail_interval_ms: u64,
    /// Whether merchants' webhooks may go to loopback, private and
    /// link-local addresses (receivers on the shop's own network). Off:
    /// only public addresses are sent to (docs/SECURITY.md).
    #[serde(default)]
    pub webhooks_to_private_addresses: bool,
}

/// Logging.
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// `auto` (JSON unless on a terminal), `json` or `pretty`.
    pub format: String,
    /// A tracing filter such as `info,server=debug`; `RUST_LOG` wins if set.
    pub filter: String,
}

/// Bounds on time, size and numbers that hold whatever clients send
/// (docs/SECURITY.md). Every key has a default; raise them with care.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LimitSettings {
    /// A connection that has not sent a whole request head within this
    /// many seconds is closed (slow-header attacks).
    pub header_read_timeout_secs: u64,
    /// A request whose answer has not begun within this many seconds gets
    /// 408 and its work is dropped.
    pub request_timeout_secs: u64,
    /// Open connections this node keeps; more are closed at once.
    pub max_connections: usize,
    /// Open connections from one client address (an IPv6 /64 counts as one
    /// address; trusted proxies are not limited).
    pub max_connections_per_ip: usize,
    /// The largest request body, where a route does not allow more (image
    /// uploads and the CSV import have their own).
    pub body_bytes: usize,
    /// Image uploads and CSV imports read at once on this node; more wait
    /// for none and answer 503 with `Retry-After`.
    pub concurrent_uploads: usize,
    /// Live-update WebSockets this node keeps open.
    pub websockets: usize,
    /// Live-update WebSockets from one client address.
    pub websockets_per_ip: usize,
    /// The largest message a WebSocket client may send (it only ever
    /// needs to close).
    pub websocket_message_bytes: usize,
    /// Requests this node works on at once before it sheds: browsing past
    /// half of it, search past three quarters, everything past all of it
    /// (503 with `Retry-After`).
    pub max_in_flight: usize,
    /// Writes (any method but GET) one client address, and one account,
    /// may send a minute (429 with `Retry-After` past it).
    pub writes_per_minute: u64,
    /// Registrations, password-reset requests and other account emails
    /// asked for an hour from one address or account.
    pub account_emails_per_hour: u64,
    /// Orders placed an hour from one address or account.
    pub orders_per_hour: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            request_timeout_secs: 30,
            max_connections: 16_384,
            max_connections_per_ip: 256,
            body_bytes: 1024 * 1024,
            concurrent_uploads: 4,
            websockets: 10_000,
            websockets_per_ip: 16,
            websocket_message_bytes: 4096,
            max_in_flight: 512,
            writes_per_minute: 600,
            account_emails_per_hour: 20,
            orders_per_hour: 60,
        }
    }
}
