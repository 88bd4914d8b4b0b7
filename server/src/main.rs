//! `bazaar`: one binary for the whole shop. See `bazaar --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::cli::main().await
}
