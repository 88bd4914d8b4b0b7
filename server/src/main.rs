//! `bazaar`: one binary for the whole shop. See `bazaar --help`.

/// mimalloc returns memory to the system more readily than glibc's malloc
/// under many threads, which keeps the server's resident memory low.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Blocking work (search queries, SQLite) runs on a bounded pool: each
    // extra thread costs a stack and allocator state under load.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(32).build();
    match runtime {
        Ok(runtime) => runtime.block_on(server::cli::main()),
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
