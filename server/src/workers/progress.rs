//! Progress of a long command: a bar on a terminal, plain lines otherwise
//! (logs, CI), so nothing floods a log file with redraws.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// Reports progress towards a known total.
pub struct Progress {
    label: &'static str,
    total: u64,
    bar: Option<ProgressBar>,
    last_tenth: AtomicU64,
}

impl Progress {
    /// A bar on a terminal, lines otherwise.
    pub fn new(label: &'static str, total: u64) -> Self {
        Self::with_terminal(label, total, std::io::stderr().is_terminal())
    }

    /// Reports nothing (for tests and the server's own background seeding).
    pub fn hidden(label: &'static str, total: u64) -> Self {
        Self { label, total, bar: Some(ProgressBar::hidden()), last_tenth: AtomicU64::new(0) }
    }

    fn with_terminal(label: &'static str, total: u64, terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label);
            bar
        });
        Self { label, total, bar, last_tenth: AtomicU64::new(0) }
    }

    /// Sets how much is done.
    pub fn set(&self, done: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None => {
                let tenth = (done * 10).checked_div(self.total).unwrap_or(10);
                if tenth > self.last_tenth.swap(tenth, Ordering::Relaxed) {
                    eprintln!("{}: {done}/{} ({}%)", self.label, self.total, tenth * 10);
                }
            }
        }
    }

    /// Ends the report.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
