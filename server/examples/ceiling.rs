//! The benchmark ceiling: a bare axum handler that returns a small constant
//! page, run on the same machine as the real server (see bench/run.sh).

use axum::{response::Html, routing::get, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(3080);
    let app =
        Router::new().route("/", get(|| async { Html("<!DOCTYPE html><html><body><h1>ceiling</h1></body></html>") }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await
}
