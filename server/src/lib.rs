//! The Bazaar server: configuration, the HTTP application, the adapters that
//! implement the domain's ports, background workers, the seed and the CLI.

pub mod adapters;
pub mod art;
pub mod cli;
pub mod config;
pub mod crash;
pub mod http;
pub mod seed;
pub mod signing;
pub mod startup;
pub mod telemetry;
pub mod workers;

pub use startup::Application;
