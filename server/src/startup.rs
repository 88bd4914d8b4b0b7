//! `Application::build`: connects everything once, then serves.

use crate::adapters::{
    bus::memory::MemoryBus, bus::redis::RedisBus, cache::memory::MemoryCache, cache::redis::RedisCache,
    search::meilisearch::MeiliSearch, search::tantivy::TantivySearch,
};
use crate::config::{DatabaseKind, Settings};
use crate::http::{router, AppState};
use crate::seed;
use crate::telemetry;
use crate::workers::{
    cache_invalidator, image_processor, indexer, mail_sender, outbox_relay, payment_events, progress::Progress,
    reservation_expiry, view_counter, webhook_sender,
};
use entities::ports::{Cache, Counters, EventBus, Mailer, PortError, SearchIndex, SessionStore};
use entities::ServiceError;
use entities::Shop;
use leptos::prelude::LeptosOptions;
use migration::{Migrator, MigratorTrait};
use object_store::local::LocalFileSystem;
use object_store::ObjectStore;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A configuration value is not usable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A port's adapter could not start.
    #[error(transparent)]
    Port(#[from] PortError),
    /// Seeding or indexing the first catalog failed.
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    /// Building the search index failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A file or socket could not be opened.
    #[error("{what}: {source}")]
    Io {
        /// What was being opened.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// A built application: listening, not yet serving.
pub struct Application {
    listener: TcpListener,
    port: u16,
    state: AppState,
    settings: Settings,
    mailer: Arc<dyn Mailer>,
}

impl Application {
    /// Connects the database (migrating it), the adapters and the listener;
    /// on an empty embedded (SQLite) database with `seed.on_empty_start`, seeds it.
    ///
    /// # Errors
    /// When any dependency cannot be reached or configured.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        settings.validate()?;
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|source| StartupError::Io { what: format!("creating {}", settings.data_dir.display()), source })?;
        let addr = settings.socket_addr()?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Io { what: format!("binding {addr}"), source })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Io { what: "reading the bound port".into(), source })?
            .port();
        let db = connect_database(&settings).await?;
        Migrator::up(&db, None).await?;
        let shop = connect_ports(&settings, db, &settings.public_url(port)).await?;
        let mailer = connect_mailer(&settings).await?;
        prepare_catalog(&settings, &shop).await?;

        let images = shop.objects.clone();
        let leptos_options = LeptosOptions::builder()
            .output_name("bazaar")
            .site_root(settings.server.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(std::net::SocketAddr::new(addr.ip(), port))
            .reload_port(3001)
            .build();
        let admin_token = entities::accounts::admin_sessions::AdminToken::new(
            settings.api.admin_token.as_ref().map(|t| t.expose_secret()),
        );
        let metrics_token = entities::accounts::admin_sessions::AdminToken::new(
            settings.api.metrics_token.as_ref().map(|t| t.expose_secret()),
        );
        let live = crate::http::live::LiveHub::new(&settings.limits);
        let state = AppState {
            leptos_options,
            shop,
            images,
            metrics: telemetry::metrics_handle(),
            admin_token,
            metrics_token,
            live,
        };
        Ok(Self { listener, port, state, settings, mailer })
    }

    /// The port the server listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shop's services, for tests and commands.
    pub fn shop(&self) -> &Shop {
        &self.state.shop
    }

    /// Starts the background workers and serves until Ctrl-C or SIGTERM.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let workers = self.start_workers().await?;
        let proxies = self.state.shop.proxies.clone();
        let app = router(self.state, &self.settings);
        let result =
            crate::http::serve::serve(self.listener, app, &self.settings.limits, proxies, shutdown_signal()).await;
        for worker in workers {
            worker.abort();
        }
        result
    }

    async fn start_workers(&self) -> std::io::Result<Vec<JoinHandle<()>>> {
        let shop = &self.state.shop;
        let interval = Duration::from_millis(self.settings.workers.outbox_interval_ms);
        // Consumers subscribe before the relay starts publishing.
        let index_events = shop.bus.subscribe().await.map_err(std::io::Error::other)?;
        let cache_events = shop.bus.subscribe().await.map_err(std::io::Error::other)?;
        let image_events = shop.bus.subscribe().await.map_err(std::io::Error::other)?;
        let webhook_events = shop.bus.subscribe().await.map_err(std::io::Error::other)?;
        let live_events = shop.bus.subscribe().await.map_err(std::io::Error::other)?;
        let private = self.settings.workers.webhooks_to_private_addresses;
        let webhook_client = crate::workers::public_only::webhook_client(private).map_err(std::io::Error::other)?;
        Ok(vec![
            tokio::spawn(indexer::follow_events(
                index_events,
                shop.db.clone(),
                shop.search.clone(),
                shop.cache.clone(),
            )),
            tokio::spawn(cache_invalidator::follow_events(cache_events, shop.cache.clone())),
            tokio::spawn(image_processor::follow_events(image_events, shop.clone())),
            tokio::spawn(view_counter::run(
                shop.db.clone(),
                shop.views.clone(),
                Duration::from_millis(self.settings.workers.view_flush_ms),
            )),
            tokio::spawn(outbox_relay::run(shop.db.clone(), shop.bus.clone(), interval)),
            tokio::spawn(webhook_sender::follow_events(webhook_events, shop.clone())),
            tokio::spawn(self.state.live.clone().follow(live_events)),
            tokio::spawn(webhook_sender::run(
                shop.clone(),
                webhook_client,
                private,
                Duration::from_millis(self.settings.workers.webhook_interval_ms),
                Duration::from_millis(self.settings.workers.webhook_retry_base_ms),
            )),
            tokio::spawn(payment_events::run(
                shop.clone(),
                Duration::from_millis(self.settings.workers.payment_retry_ms),
            )),
            tokio::spawn(payment_events::reconcile(
                shop.clone(),
                Duration::from_millis(self.settings.workers.payment_reconcile_ms),
                Duration::from_secs(self.settings.payments.reconcile_after_secs),
            )),
            tokio::spawn(reservation_expiry::run(
                shop.clone(),
                Duration::from_millis(self.settings.workers.reservation_sweep_ms),
            )),
            tokio::spawn(mail_sender::run(
                shop.clone(),
                self.mailer.clone(),
                Duration::from_millis(self.settings.workers.mail_interval_ms),
            )),
            tokio::spawn(purge_sessions(shop.db.clone())),
        ])
    }
}

/// Every ten minutes, deletes the database's ended sessions (Redis ends
/// its own).
async fn purge_sessions(db: DatabaseConnection) {
    let store = crate::adapters::sessions::database::DbSessions::new(db);
    loop {
        match store.purge(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sessions = n, "ended sessions deleted"),
            Err(e) => tracing::warn!(error = %e, "could not delete ended sessions"),
        }
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
}

/// The mailer: SMTP when `mail.smtp_url` is set (checked at start), else
/// the mail folder `<data_dir>/mail`.
///
/// # Errors
/// When the SMTP URL or sender is bad, or the server does not answer.
pub async fn connect_mailer(settings: &Settings) -> Result<Arc<dyn Mailer>, StartupError> {
    Ok(match &settings.mail.smtp_url {
        Some(url) => {
            let mailer = crate::adapters::mail::smtp::SmtpMailer::new(url.expose_secret(), &settings.mail.from)?;
            mailer.check().await?;
            Arc::new(mailer)
        }
        None => Arc::new(crate::adapters::mail::file::FileMailer::new(
            settings.data_dir.join("mail"),
            settings.mail.from.clone(),
        )),
    })
}

/// Opens the configured database with a pool; SQLite gets WAL so readers
/// never wait for the writer.
///
/// # Errors
/// When it cannot be reached.
pub async fn connect_database(settings: &Settings) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = ConnectOptions::new(settings.database_url());
    options
        .max_connections(settings.database.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if settings.database_kind() == DatabaseKind::Sqlite {
        // Per connection, for every connection of the pool.
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    Database::connect(options).await
}

/// Live rate-limit windows one node keeps in process (about 100 bytes
/// each): a million distinct clients in one window.
const COUNTER_KEYS: usize = 1_000_000;

/// Chooses and connects each port's adapter from the settings.
///
/// # Errors
/// When a configured service cannot be reached.
/// `public_url` is the shop's address as browsers reach it.
pub async fn connect_ports(
    settings: &Settings,
    db: DatabaseConnection,
    public_url: &str,
) -> Result<Shop, StartupError> {
    type Adapters = (Arc<dyn Cache>, Arc<dyn Counters>, Arc<dyn EventBus>, Arc<dyn SessionStore>);
    let (cache, counters, bus, sessions): Adapters = match &settings.redis.url {
        Some(url) => {
            let url = url.expose_secret();
            let client = crate::adapters::cache::redis::connect(url).await?;
            (
                Arc::new(RedisCache::new(client.clone(), "bazaar:")),
                Arc::new(crate::adapters::counters::redis::RedisCounters::new(client.clone(), "bazaar:limit:")),
                Arc::new(RedisBus::connect(url, "bazaar:events").await?),
                Arc::new(crate::adapters::sessions::redis::RedisSessions::new(client, "bazaar:")),
            )
        }
        None => (
            Arc::new(MemoryCache::new(settings.cache.max_bytes)),
            Arc::new(crate::adapters::counters::memory::MemoryCounters::new(COUNTER_KEYS)),
            Arc::new(MemoryBus::new(4_096)),
            Arc::new(crate::adapters::sessions::database::DbSessions::new(db.clone())),
        ),
    };
    // RabbitMQ, when configured, carries the events instead.
    let bus: Arc<dyn EventBus> = match &settings.amqp.url {
        Some(url) => {
            Arc::new(crate::adapters::bus::amqp::AmqpBus::connect(url.expose_secret(), &settings.amqp.exchange).await?)
        }
        None => bus,
    };
    let search: Arc<dyn SearchIndex> = match &settings.meili.url {
        Some(url) => {
            let key = settings.meili.api_key.as_ref().map(|k| k.expose_secret().to_owned());
            Arc::new(MeiliSearch::connect(url, key.as_deref(), &settings.meili.index).await?)
        }
        None => Arc::new(TantivySearch::open(&settings.data_dir.join("search"))?),
    };
    let objects = connect_objects(settings)?;
    let payments = connect_payments(settings, public_url)?;
    let selling =
        entities::ShopSettings { prices_include_tax: settings.checkout.prices_include_tax, risk: settings.fraud };
    let accounts = entities::accounts::credentials::AccountSettings {
        public_url: public_url.to_owned(),
        shop_name: settings.mail.shop_name.clone(),
        session_idle: Duration::from_secs(settings.accounts.session_idle_hours * 3_600),
        session_absolute: Duration::from_secs(settings.accounts.session_absolute_hours * 3_600),
        failed_sign_ins_per_account: settings.accounts.failed_sign_ins_per_account,
        sign_ins_per_ip: settings.accounts.sign_ins_per_ip,
        limit_window: Duration::from_secs(settings.accounts.limit_window_secs),
        auto_publish_reviews: settings.accounts.auto_publish_reviews,
    };
    Ok(Shop {
        db,
        search,
        cache,
        counters,
        bus,
        objects,
        views: Default::default(),
        payments,
        settings: selling,
        sessions,
        accounts,
        secret_key: secret_key(settings)?,
        proxies: entities::kernel::network::TrustedProxies::parse(&settings.server.trusted_proxies)
            .map_err(|reason| crate::config::ConfigError::Invalid { key: "server.trusted_proxies", reason })?,
    })
}

/// The key that seals secrets at rest: configured, or kept in
/// `<data_dir>/secret.key` (made with owner-only permissions the first time).
fn secret_key(settings: &Settings) -> Result<entities::kernel::sealing::SecretKey, StartupError> {
    use entities::kernel::sealing::SecretKey;
    use secrecy::ExposeSecret;
    if let Some(key) = &settings.secret_key {
        return SecretKey::parse(key.expose_secret()).map_err(|reason| {
            crate::config::ConfigError::Invalid { key: "secret_key", reason: reason.to_owned() }.into()
        });
    }
    let path = settings.data_dir.join("secret.key");
    let io = |what: &str, source| StartupError::Io { what: format!("{what} {}", path.display()), source };
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::parse(&text).map_err(|reason| {
            crate::config::ConfigError::Invalid { key: "secret_key", reason: format!("{}: {reason}", path.display()) }
                .into()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Written whole to a file of our own, then linked into place in
            // one step: a second process starting at the same moment either
            // links first (and we read its key) or finds ours complete.
            let key = SecretKey::generate();
            let tmp = settings.data_dir.join(format!("secret.key.{}.tmp", std::process::id()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp).map_err(|e| io("creating", e))?;
            std::io::Write::write_all(&mut file, key.to_hex().as_bytes()).map_err(|e| io("writing", e))?;
            file.sync_all().map_err(|e| io("writing", e))?;
            let linked = std::fs::hard_link(&tmp, &path);
            let _ = std::fs::remove_file(&tmp);
            match linked {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "made the secret key (set BAZAAR_SECRET_KEY to share one across nodes)");
                    Ok(key)
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).map_err(|e| io("reading", e))?;
                    SecretKey::parse(&text).map_err(|reason| {
                        crate::config::ConfigError::Invalid { key: "secret_key", reason: reason.to_owned() }.into()
                    })
                }
                Err(e) => Err(io("creating", e)),
            }
        }
        Err(e) => Err(io("reading", e)),
    }
}

/// The payment providers: Stripe first when configured, then the test
/// provider unless it is turned off.
///
/// # Errors
/// When the Stripe client cannot be built.
pub fn connect_payments(
    settings: &Settings,
    public_url: &str,
) -> Result<entities::ports::PaymentProviders, StartupError> {
    let mut list: Vec<Arc<dyn entities::ports::PaymentProvider>> = Vec::new();
    let stripe = &settings.payments.stripe;
    if let (Some(secret_key), Some(publishable_key), Some(webhook_secret)) =
        (&stripe.secret_key, &stripe.publishable_key, &stripe.webhook_secret)
    {
        list.push(Arc::new(crate::adapters::payments::stripe::StripePayments::new(
            crate::adapters::payments::stripe::StripeConfig {
                secret_key: secret_key.clone(),
                publishable_key: publishable_key.clone(),
                webhook_secret: webhook_secret.clone(),
                api_base: stripe.api_base.clone(),
                js_url: stripe.js_url.clone(),
                manual_capture: stripe.manual_capture,
            },
        )?));
    }
    let paypal = &settings.payments.paypal;
    if let (Some(client_id), Some(client_secret), Some(webhook_id)) =
        (&paypal.client_id, &paypal.client_secret, &paypal.webhook_id)
    {
        list.push(Arc::new(crate::adapters::payments::paypal::PayPalPayments::new(
            crate::adapters::payments::paypal::PayPalConfig {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                webhook_id: webhook_id.clone(),
                api_base: paypal.api_base.clone(),
                public_url: public_url.to_owned(),
            },
        )?));
    }
    let bank = &settings.payments.bank_transfer;
    if let (Some(iban), Some(holder)) = (&bank.iban, &bank.account_holder) {
        let mut account = vec![("Account holder".to_owned(), holder.clone()), ("IBAN".to_owned(), iban.clone())];
        account.extend(bank.bic.iter().map(|bic| ("BIC".to_owned(), bic.clone())));
        list.push(Arc::new(crate::adapters::payments::local::BankTransfer {
            account,
            hold: chrono::Duration::hours(i64::from(bank.hold_hours)),
        }));
    }
    if settings.payments.cash_on_delivery {
        list.push(Arc::new(crate::adapters::payments::local::CashOnDelivery));
    }
    if settings.test_provider_on() {
        if list.iter().any(|p| p.name() != "test") {
            tracing::warn!(
                "the test payment provider is on beside real ones: anyone can mark an order paid without money"
            );
        }
        list.push(Arc::new(crate::adapters::payments::test::TestPayments::new(
            settings.payments.test_webhook_secret.expose_secret(),
        )));
    }
    Ok(entities::ports::PaymentProviders::new(list))
}

/// The object store: S3 when `objects.s3_bucket` is set, else the local
/// folder `<data_dir>/objects`.
///
/// # Errors
/// When the folder cannot be created or the S3 settings are unusable.
pub fn connect_objects(settings: &Settings) -> Result<Arc<dyn ObjectStore>, StartupError> {
    let o = &settings.objects;
    if let Some(bucket) = &o.s3_bucket {
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(o.s3_region.clone().unwrap_or_else(|| "us-east-1".to_owned()))
            .with_allow_http(o.s3_allow_http);
        if let Some(endpoint) = &o.s3_endpoint {
            builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
        }
        if let (Some(id), Some(secret)) = (&o.s3_access_key_id, &o.s3_secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret.expose_secret());
        }
        return Ok(Arc::new(builder.build().map_err(|e| PortError::unavailable("object store (S3)", e))?));
    }
    let folder = settings.data_dir.join("objects");
    std::fs::create_dir_all(&folder)
        .map_err(|source| StartupError::Io { what: format!("creating {}", folder.display()), source })?;
    Ok(Arc::new(LocalFileSystem::new_with_prefix(&folder).map_err(|e| PortError::unavailable("object store", e))?))
}

/// Seeds an empty embedded (SQLite) database when configured to — never a
/// PostgreSQL one, which is production or shared; use `bazaar seed` there —
/// and builds the search index when it is empty but the catalog is not.
async fn prepare_catalog(settings: &Settings, shop: &Shop) -> Result<(), StartupError> {
    let products = indexer::active_products(&shop.db).await?;
    if products == 0 && settings.seed.on_empty_start && settings.database_kind() == DatabaseKind::Sqlite {
        tracing::info!(products = settings.seed.products, "empty database: seeding the demo catalog");
        let progress = Progress::hidden("seeding", u64::from(settings.seed.products));
        seed::seed(&shop.db, settings.seed.products, settings.seed.rng_seed, &progress).await?;
    }
    if shop.search.count().await? == 0 {
        let total = indexer::active_products(&shop.db).await?;
        if total > 0 {
            tracing::info!(products = total, "empty search index: building it");
            indexer::reindex(&shop.db, shop.search.as_ref(), &Progress::hidden("indexing", total)).await?;
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
