//! The `bazaar` command line: `serve`, `migrate`, `seed`, `reindex`,
//! `create-admin`.

use crate::config::Settings;
use crate::seed;
use crate::startup::{connect_database, connect_ports, Application};
use crate::telemetry;
use crate::workers::{indexer, progress::Progress};
use clap::{Parser, Subcommand};
use entities::Email;
use migration::{Migrator, MigratorTrait};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

/// Bazaar: a multi-vendor shop in one binary.
#[derive(Debug, Parser)]
#[command(name = "bazaar", version, about = "Bazaar: a multi-vendor shop in one binary. Without a command it serves.", long_about = None)]
pub struct Cli {
    /// Folder that holds `config/` (defaults to the current folder).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// What to do; `serve` when left out (as under `cargo leptos watch`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the shop (migrates first; seeds an empty embedded database).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Fill an empty database with the demo marketplace, then index it.
    Seed {
        /// Number of products (default from `seed.products`, 20000).
        #[arg(long)]
        products: Option<u32>,
    },
    /// Rebuild the search index from the database; search stays online.
    Reindex,
    /// Check every stock counter against the stock ledger; exits with 1 and
    /// lists each drift when one does not match.
    ReconcileStock,
    /// Create an admin account; the password is read from standard input.
    CreateAdmin {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The name shown in the admin area.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

/// Runs the command line and turns any error into a message and exit code 1.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init_logging(&settings.log);
    match run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve => {
            let app = Application::build(settings.clone()).await.map_err(|e| e.to_string())?;
            let url = format!("http://{}:{}", settings.server.host, app.port());
            tracing::info!(%url, "Bazaar is ready");
            println!("Bazaar is running at {url}  (Ctrl-C to stop)");
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            open_database(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { products } => {
            let db = open_database(&settings).await?;
            let products = products.unwrap_or(settings.seed.products);
            let started = std::time::Instant::now();
            let progress = Progress::new("seeding", u64::from(products));
            let report =
                seed::seed(&db, products, settings.seed.rng_seed, &progress).await.map_err(|e| e.to_string())?;
            progress.finish();
            println!(
                "seeded {} vendors, {} categories, {} products, {} variants in {:.1}s",
                report.vendors,
                report.categories,
                report.products,
                report.variants,
                started.elapsed().as_secs_f64()
            );
            reindex(&settings, db).await
        }
        Command::Reindex => {
            let db = open_database(&settings).await?;
            reindex(&settings, db).await
        }
        Command::ReconcileStock => {
            let db = open_database(&settings).await?;
            let drifts = entities::catalog::inventory::reconcile(&db).await.map_err(|e| e.to_string())?;
            if drifts.is_empty() {
                println!("stock reconciled: every counter matches the ledger");
                return Ok(());
            }
            for d in &drifts {
                let place = d.warehouse_id.map_or_else(|| "all warehouses".to_owned(), |w| format!("warehouse {w}"));
                println!(
                    "drift: variant {} ({place}) {} is {} but should be {}",
                    d.variant_id, d.counter, d.recorded, d.expected
                );
            }
            Err(format!("{} stock counters drifted from the ledger", drifts.len()))
        }
        Command::CreateAdmin { email, name } => {
            let email = Email::parse(&email).map_err(|e| e.to_string())?;
            eprintln!("password for {email} (one line on standard input, at least 12 characters):");
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).map_err(|e| e.to_string())?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = open_database(&settings).await?;
            let id = entities::accounts::staff::create_admin(&db, &email, &name, password)
                .await
                .map_err(|e| e.to_string())?;
            println!("admin {email} created (user {id})");
            Ok(())
        }
    }
}

/// Connects to the configured database (creating the data folder for the
/// embedded one) and applies pending migrations.
async fn open_database(settings: &Settings) -> Result<sea_orm::DatabaseConnection, String> {
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| format!("creating {}: {e}", settings.data_dir.display()))?;
    let db = connect_database(settings).await.map_err(|e| e.to_string())?;
    Migrator::up(&db, None).await.map_err(|e| format!("migrating the database: {e}"))?;
    Ok(db)
}

async fn reindex(settings: &Settings, db: sea_orm::DatabaseConnection) -> Result<(), String> {
    let shop =
        connect_ports(settings, db, &settings.public_url(settings.server.port)).await.map_err(|e| e.to_string())?;
    let total = indexer::active_products(&shop.db).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let progress = Progress::new("indexing", total);
    let count = indexer::reindex(&shop.db, shop.search.as_ref(), &progress).await.map_err(|e| e.to_string())?;
    println!("indexed {count} products in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}
