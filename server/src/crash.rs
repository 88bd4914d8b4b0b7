//! A test hook for crash tests: when the environment variable
//! `BAZAAR_TEST_KILL_AT` names a point, the process kills itself there with
//! SIGKILL — no destructors, no flushing, as a power cut or an OOM kill
//! would. Unset (always, outside tests), a point costs one cached lookup.

use std::sync::OnceLock;

/// The point named by `BAZAAR_TEST_KILL_AT`, read once.
fn armed() -> Option<&'static str> {
    static AT: OnceLock<Option<String>> = OnceLock::new();
    AT.get_or_init(|| std::env::var("BAZAAR_TEST_KILL_AT").ok().filter(|v| !v.is_empty())).as_deref()
}

/// Kills the process with SIGKILL when `name` is the armed point.
pub fn point(name: &str) {
    if armed() == Some(name) {
        eprintln!("BAZAAR_TEST_KILL_AT={name}: killing the process with SIGKILL");
        // SAFETY: raising a signal on our own process has no preconditions.
        #[allow(unsafe_code)]
        unsafe {
            libc::raise(libc::SIGKILL);
        }
    }
}
