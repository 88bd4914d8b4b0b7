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

/// The test provider's built-in webhook secret: public, so only for a shop
/// that takes no real payments.
const PUBLIC_TEST_SECRET: &str = "whsec_bazaar_test_provider";

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
    /// Bounds on time, size and numbers (timeouts, bodies, connections).
    #[serde(default)]
    pub limits: LimitSettings,
}

mod sections;
pub use sections::*;

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
        if any_real
            && self.payments.test_provider == Some(true)
            && self.payments.test_webhook_secret.expose_secret() == PUBLIC_TEST_SECRET
        {
            // Everyone knows the built-in secret: with it, anyone could sign a
            // test-provider event marking a real order paid.
            return Err(ConfigError::Invalid {
                key: "payments.test_webhook_secret",
                reason: "must be a secret of your own when the test provider runs beside a real one".into(),
            });
        }
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
        assert!(
            s.validate().unwrap_err().to_string().contains("payments.test_webhook_secret"),
            "but not with the public test secret"
        );
        s.payments.test_webhook_secret = SecretString::from("whsec_staging_only_0123456789");
        assert!(s.validate().is_ok());
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
