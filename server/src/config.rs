//! Layered configuration: built-in defaults → `config/bazaar.toml` →
//! `config/<BAZAAR_ENV>.toml` → environment (`BAZAAR__SECTION__KEY`, plus the
//! conventional `DATABASE_URL`, `REDIS_URL`, `AMQP_URL`, `MEILI_URL`, `MEILI_API_KEY`).
//! Validated at start with an error that names the key.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

const BUILT_IN: &str = r#"
data_dir = "data"

[server]
host = "127.0.0.1"
port = 3000
site_root = "target/site"

[database]
max_connections = 16

[cache]
max_bytes = 33554432

[seed]
products = 20000
rng_seed = 20261124
on_empty_start = true

[workers]
outbox_interval_ms = 250
view_flush_ms = 5000
reservation_sweep_ms = 30000
payment_retry_ms = 2000
payment_reconcile_ms = 60000
webhook_interval_ms = 1000
webhook_retry_base_ms = 2000
mail_interval_ms = 500

[checkout]
prices_include_tax = true

[payments]
test_webhook_secret = "whsec_bazaar_test_provider"
reconcile_after_secs = 120

[accounts]
session_idle_hours = 168
session_absolute_hours = 720
failed_sign_ins_per_account = 5
sign_ins_per_ip = 30
limit_window_secs = 900
auto_publish_reviews = false

[mail]
from = "Bazaar <shop@localhost>"
shop_name = "Bazaar"

[fraud]
review_score = 60
large_order_minor = 100000
email_orders_per_day = 3
ip_orders_per_hour = 5
card_emails_per_day = 2

[log]
format = "auto"
filter = "info,sqlx=warn,sea_orm=warn,tantivy=warn"
"#;

/// Everything the server can be configured with.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Where the embedded adapters keep their files (SQLite, tantivy, images).
    pub data_dir: PathBuf,
    /// HTTP listener and site files.
    pub server: ServerSettings,
    /// The database.
    pub database: DatabaseSettings,
    /// Redis, for cache and pub/sub when set.
    #[serde(default)]
    pub redis: RedisSettings,
    /// RabbitMQ, for the event bus when set.
    #[serde(default)]
    pub amqp: AmqpSettings,
    /// Meilisearch, for search when set.
    #[serde(default)]
    pub meili: MeiliSettings,
    /// The in-process cache (when Redis is not configured).
    pub cache: CacheSettings,
    /// The REST API.
    #[serde(default)]
    pub api: ApiSettings,
    /// Where files (uploaded images and renditions) are kept.
    #[serde(default)]
    pub objects: ObjectSettings,
    /// The demo catalog.
    pub seed: SeedSettings,
    /// Background workers.
    pub workers: WorkerSettings,
    /// Checkout.
    pub checkout: CheckoutSettings,
    /// Payments.
    pub payments: PaymentSettings,
    /// Fraud screening.
    pub fraud: entities::ordering::fraud::RiskRules,
    /// Accounts and sessions.
    pub accounts: AccountsSettings,
    /// The key that seals secrets kept in the database (64 hex digits;
    /// `BAZAAR_SECRET_KEY`). Unset: `<data_dir>/secret.key`, made on first
    /// start. Every node of a cluster needs the same one.
    #[serde(default)]
    pub secret_key: Option<SecretString>,
    /// Email.
    pub mail: MailSettings,
    /// Logging.
    pub log: LogSettings,
}

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
}

/// Logging.
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// `auto` (JSON unless on a terminal), `json` or `pretty`.
    pub format: String,
    /// A tracing filter such as `info,server=debug`; `RUST_LOG` wins if set.
    pub filter: String,
}

/// Configuration could not be loaded or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file or variable could not be read or has the wrong type.
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    /// A value has the right type but is not acceptable.
    #[error("configuration key `{key}`: {reason}")]
    Invalid {
        /// The dotted key, e.g. `database.url`.
        key: &'static str,
        /// Why it is refused.
        reason: String,
    },
}

/// Which database the settings point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// The embedded SQLite file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Settings {
    /// Loads from `config/` under `root` and the process environment.
    ///
    /// # Errors
    /// When a source cannot be read or a value is invalid; the message names the key.
    pub fn load(root: &Path) -> Result<Self, ConfigError> {
        let env = std::env::var("BAZAAR_ENV").unwrap_or_else(|_| "local".to_owned());
        let conventional = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(BUILT_IN, config::FileFormat::Toml))
            .add_source(config::File::from(root.join("config/bazaar.toml")).required(false))
            .add_source(config::File::from(root.join(format!("config/{env}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("BAZAAR").prefix_separator("__").separator("__").try_parsing(true),
            )
            .set_override_option("database.url", conventional("DATABASE_URL"))?
            .set_override_option("redis.url", conventional("REDIS_URL"))?
            .set_override_option("amqp.url", conventional("AMQP_URL"))?
            .set_override_option("meili.url", conventional("MEILI_URL"))?
            .set_override_option("meili.api_key", conventional("MEILI_API_KEY"))?
            .set_override_option("server.site_root", conventional("LEPTOS_SITE_ROOT"))?
            .set_override_option("payments.stripe.secret_key", conventional("STRIPE_SECRET_KEY"))?
            .set_override_option("payments.stripe.publishable_key", conventional("STRIPE_PUBLISHABLE_KEY"))?
            .set_override_option("payments.stripe.webhook_secret", conventional("STRIPE_WEBHOOK_SECRET"))?
            .set_override_option("payments.paypal.client_id", conventional("PAYPAL_CLIENT_ID"))?
            .set_override_option("payments.paypal.client_secret", conventional("PAYPAL_CLIENT_SECRET"))?
            .set_override_option("payments.paypal.webhook_id", conventional("PAYPAL_WEBHOOK_ID"))?
            .set_override_option("mail.smtp_url", conventional("SMTP_URL"))?
            .set_override_option("secret_key", conventional("BAZAAR_SECRET_KEY"))?
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// The built-in defaults alone, ignoring files and environment (for tests).
    pub fn defaults() -> Self {
        config::Config::builder()
            .add_source(config::File::from_str(BUILT_IN, config::FileFormat::Toml))
            .build()
            .and_then(config::Config::try_deserialize)
            .expect("built-in defaults are valid")
    }

    /// Checks values that have the right type but may still be wrong.
    ///
    /// # Errors
    /// `Invalid` naming the first bad key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        entities::kernel::network::TrustedProxies::parse(&self.server.trusted_proxies)
            .map_err(|reason| ConfigError::Invalid { key: "server.trusted_proxies", reason })?;
        if let Some(key) = &self.secret_key {
            entities::kernel::sealing::SecretKey::parse(key.expose_secret())
                .map_err(|reason| ConfigError::Invalid { key: "secret_key", reason: reason.to_owned() })?;
        }
        if let Some(url) = &self.database.url {
            let url = url.expose_secret();
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:")) {
                return Err(ConfigError::Invalid {
                    key: "database.url",
                    reason: "must start with postgres://, postgresql:// or sqlite:".into(),
                });
            }
        }
        if let Some(url) = &self.redis.url {
            let url = url.expose_secret();
            if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
                return Err(ConfigError::Invalid {
                    key: "redis.url",
                    reason: "must start with redis:// or rediss://".into(),
                });
            }
        }
        if let Some(url) = &self.meili.url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    key: "meili.url",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        let stripe = &self.payments.stripe;
        if stripe.secret_key.is_some() {
            if stripe.publishable_key.as_deref().is_none_or(|k| !k.starts_with("pk_")) {
                return Err(ConfigError::Invalid {
                    key: "payments.stripe.publishable_key",
                    reason: "must be set (pk_…) when payments.stripe.secret_key is".into(),
                });
            }
            if stripe.webhook_secret.is_none() {
                return Err(ConfigError::Invalid {
                    key: "payments.stripe.webhook_secret",
                    reason: "must be set (whsec_…) when payments.stripe.secret_key is".into(),
                });
            }
            if !(stripe.api_base.starts_with("http://") || stripe.api_base.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    key: "payments.stripe.api_base",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        let bank = &self.payments.bank_transfer;
        if let Some(iban) = &bank.iban {
            if !iban_is_valid(iban) {
                return Err(ConfigError::Invalid {
                    key: "payments.bank_transfer.iban",
                    reason: "is not a valid IBAN (its check digits do not match)".into(),
                });
            }
            if bank.account_holder.as_deref().is_none_or(|h| h.trim().is_empty()) {
                return Err(ConfigError::Invalid {
                    key: "payments.bank_transfer.account_holder",
                    reason: "must be set when payments.bank_transfer.iban is".into(),
                });
            }
            if !(1..=24 * 30).contains(&bank.hold_hours) {
                return Err(ConfigError::Invalid {
                    key: "payments.bank_transfer.hold_hours",
                    reason: "must be between 1 and 720".into(),
                });
            }
        }
        let paypal = &self.payments.paypal;
        if paypal.client_id.is_some() {
            if paypal.client_secret.is_none() {
                return Err(ConfigError::Invalid {
                    key: "payments.paypal.client_secret",
                    reason: "must be set when payments.paypal.client_id is".into(),
                });
            }
            if paypal.webhook_id.is_none() {
                return Err(ConfigError::Invalid {
                    key: "payments.paypal.webhook_id",
                    reason: "must be set when payments.paypal.client_id is".into(),
                });
            }
            if !(paypal.api_base.starts_with("http://") || paypal.api_base.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    key: "payments.paypal.api_base",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        if let Some(url) = &self.mail.smtp_url {
            let url = url.expose_secret();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid {
                    key: "mail.smtp_url",
                    reason: "must start with smtp:// or smtps://".into(),
                });
            }
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid {
                key: "mail.from",
                reason: "must be an address such as \"Shop <shop@example.com>\"".into(),
            });
        }
        let accounts = &self.accounts;
        if accounts.session_idle_hours == 0 || accounts.session_absolute_hours < accounts.session_idle_hours {
            return Err(ConfigError::Invalid {
                key: "accounts.session_absolute_hours",
                reason: "must be at least accounts.session_idle_hours, which must be above 0".into(),
            });
        }
        if accounts.failed_sign_ins_per_account == 0 || accounts.sign_ins_per_ip == 0 || accounts.limit_window_secs == 0
        {
            return Err(ConfigError::Invalid {
                key: "accounts.limit_window_secs",
                reason: "the sign-in limits and their window must be above 0".into(),
            });
        }
        if let Some(url) = &self.server.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    key: "server.public_url",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        let any_real = stripe.secret_key.is_some()
            || paypal.client_id.is_some()
            || self.payments.bank_transfer.iban.is_some()
            || self.payments.cash_on_delivery;
        if !any_real && self.payments.test_provider == Some(false) {
            return Err(ConfigError::Invalid {
                key: "payments.test_provider",
                reason: "is the only payment provider configured; configure Stripe, bank transfer or cash on delivery to turn it off".into(),
            });
        }
        if !(1..=100).contains(&self.fraud.review_score) {
            return Err(ConfigError::Invalid { key: "fraud.review_score", reason: "must be between 1 and 100".into() });
        }
        if self.api.admin_token.as_ref().is_some_and(|t| t.expose_secret().len() < 32) {
            return Err(ConfigError::Invalid {
                key: "api.admin_token",
                reason: "must be at least 32 characters".into(),
            });
        }
        if self.objects.s3_endpoint.as_deref().is_some_and(|e| e.starts_with("http://")) && !self.objects.s3_allow_http
        {
            return Err(ConfigError::Invalid {
                key: "objects.s3_endpoint",
                reason: "is plain HTTP; set objects.s3_allow_http = true to allow it".into(),
            });
        }
        if self.objects.s3_access_key_id.is_some() != self.objects.s3_secret_access_key.is_some() {
            return Err(ConfigError::Invalid {
                key: "objects.s3_secret_access_key",
                reason: "give both s3_access_key_id and s3_secret_access_key, or neither".into(),
            });
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid { key: "database.max_connections", reason: "must be at least 1".into() });
        }
        if !["auto", "json", "pretty"].contains(&self.log.format.as_str()) {
            return Err(ConfigError::Invalid { key: "log.format", reason: "must be auto, json or pretty".into() });
        }
        if self.workers.webhook_interval_ms == 0 {
            return Err(ConfigError::Invalid {
                key: "workers.webhook_interval_ms",
                reason: "must be at least 1".into(),
            });
        }
        if self.workers.payment_retry_ms == 0 {
            return Err(ConfigError::Invalid { key: "workers.payment_retry_ms", reason: "must be at least 1".into() });
        }
        if self.workers.reservation_sweep_ms == 0 {
            return Err(ConfigError::Invalid {
                key: "workers.reservation_sweep_ms",
                reason: "must be at least 1".into(),
            });
        }
        if self.workers.view_flush_ms == 0 {
            return Err(ConfigError::Invalid { key: "workers.view_flush_ms", reason: "must be at least 1".into() });
        }
        if self.workers.outbox_interval_ms == 0 {
            return Err(ConfigError::Invalid {
                key: "workers.outbox_interval_ms",
                reason: "must be at least 1".into(),
            });
        }
        self.socket_addr()?;
        Ok(())
    }

    /// The address to listen on.
    ///
    /// # Errors
    /// `Invalid` when `server.host` is not an IP address.
    pub fn socket_addr(&self) -> Result<SocketAddr, ConfigError> {
        format!("{}:{}", self.server.host, self.server.port).parse().map_err(|_| ConfigError::Invalid {
            key: "server.host",
            reason: format!("{:?} is not an IP address", self.server.host),
        })
    }

    /// The shop's address as browsers reach it, for a server listening on
    /// `port`: `server.public_url`, else `http://<host>:<port>`.
    pub fn public_url(&self, port: u16) -> String {
        match &self.server.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}:{port}", self.server.host),
        }
    }

    /// Whether the built-in test provider is offered: as configured, else
    /// only while no real provider is (it takes no money).
    pub fn test_provider_on(&self) -> bool {
        let p = &self.payments;
        let any_real = p.stripe.secret_key.is_some()
            || p.paypal.client_id.is_some()
            || p.bank_transfer.iban.is_some()
            || p.cash_on_delivery;
        p.test_provider.unwrap_or(!any_real)
    }

    /// The database URL, with the embedded SQLite file as the default.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("bazaar.db").display()),
        }
    }

    /// Which database is configured.
    pub fn database_kind(&self) -> DatabaseKind {
        if self.database_url().starts_with("sqlite:") {
            DatabaseKind::Sqlite
        } else {
            DatabaseKind::Postgres
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_embedded() {
        let s = Settings::defaults();
        assert_eq!(s.database_kind(), DatabaseKind::Sqlite);
        assert!(s.database_url().ends_with("data/bazaar.db?mode=rwc"));
        assert!(s.redis.url.is_none() && s.meili.url.is_none());
        s.validate().unwrap();
    }

    #[test]
    fn a_bad_database_url_is_named_in_the_error() {
        let mut s = Settings::defaults();
        s.database.url = Some(SecretString::from("mysql://x"));
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("database.url"), "{err}");
    }

    #[test]
    fn a_bad_host_is_named_in_the_error() {
        let mut s = Settings::defaults();
        s.server.host = "not a host".into();
        assert!(s.validate().unwrap_err().to_string().contains("server.host"));
    }

    #[test]
    fn payment_settings_are_checked_and_name_their_key() {
        assert!(iban_is_valid("NL91 ABNA 0417 1643 00"));
        assert!(iban_is_valid("DE89370400440532013000"));
        assert!(!iban_is_valid("NL91 ABNA 0417 1643 01"), "a wrong check digit");
        assert!(!iban_is_valid("NL91"));

        let mut s = Settings::defaults();
        s.payments.stripe.secret_key = Some(SecretString::from("sk_test_x"));
        assert!(s.validate().unwrap_err().to_string().contains("payments.stripe.publishable_key"));
        s.payments.stripe.publishable_key = Some("pk_test_x".into());
        assert!(s.validate().unwrap_err().to_string().contains("payments.stripe.webhook_secret"));
        s.payments.stripe.webhook_secret = Some(SecretString::from("whsec_x"));
        assert!(s.validate().is_ok(), "Stripe alone is enough");
        assert!(!s.test_provider_on(), "no free payments beside real ones unless asked for");
        s.payments.test_provider = Some(true);
        assert!(s.test_provider_on(), "a staging shop may ask for both");
        assert!(Settings::defaults().test_provider_on(), "the embedded demo shop takes test payments");

        let mut s = Settings::defaults();
        s.payments.bank_transfer.iban = Some("NL91 ABNA 0417 1643 01".into());
        assert!(s.validate().unwrap_err().to_string().contains("payments.bank_transfer.iban"));
        s.payments.bank_transfer.iban = Some("NL91 ABNA 0417 1643 00".into());
        assert!(s.validate().unwrap_err().to_string().contains("payments.bank_transfer.account_holder"));

        let mut s = Settings::defaults();
        s.payments.test_provider = Some(false);
        assert!(s.validate().unwrap_err().to_string().contains("payments.test_provider"), "no way to pay at all");
    }
}
