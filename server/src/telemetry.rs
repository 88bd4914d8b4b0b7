//! Logs (tracing; JSON when not on a terminal) and metrics (Prometheus).

use crate::config::LogSettings;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Instant;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Installs the global log subscriber once; later calls do nothing.
/// `TEST_LOG=1` is how tests opt in to seeing logs.
pub fn init_logging(settings: &LogSettings) {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
        let json = match settings.format.as_str() {
            "json" => true,
            "pretty" => false,
            _ => !std::io::stderr().is_terminal(),
        };
        let registry = tracing_subscriber::registry().with(filter);
        let result = if json {
            registry
                .with(fmt::layer().json().with_current_span(true).with_span_list(false).with_writer(std::io::stderr))
                .try_init()
        } else {
            registry.with(fmt::layer().with_writer(std::io::stderr)).try_init()
        };
        if let Err(e) = result {
            eprintln!("logging was already set up: {e}");
        }
    });
}

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_owned()),
                    &[0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5],
                )
                .expect("bucket list is not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}

/// Counts requests and records their latency per route template (so
/// `/p/:slug` is one series, not one per product).
pub async fn record_http_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    // Only standard methods become label values, so odd requests cannot
    // create unbounded series.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}
