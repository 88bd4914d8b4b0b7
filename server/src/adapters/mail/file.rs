//! The embedded mailer: each message becomes a file in a folder (and a line
//! in the log), so a shop on a laptop can open its verification and reset
//! links without a mail server.

use entities::ports::{MailMessage, Mailer, PortError};
use std::path::PathBuf;

const SERVICE: &str = "file mailer";

/// Writes messages to `<folder>/<time>-<id>.eml`.
#[derive(Debug, Clone)]
pub struct FileMailer {
    folder: PathBuf,
    from: String,
}

impl FileMailer {
    /// A mailer writing into `folder` (created on first use), as `from`.
    pub fn new(folder: PathBuf, from: impl Into<String>) -> Self {
        Self { folder, from: from.into() }
    }
}

#[async_trait::async_trait]
impl Mailer for FileMailer {
    fn name(&self) -> &'static str {
        "file"
    }

    async fn send(&self, m: &MailMessage) -> Result<(), PortError> {
        tokio::fs::create_dir_all(&self.folder).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        let name = format!("{}-{}.eml", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), uuid::Uuid::new_v4().simple());
        let path = self.folder.join(name);
        let text = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            self.from, m.to, m.subject, m.text
        );
        tokio::fs::write(&path, text).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        tracing::info!(to = %m.to, subject = %m.subject, file = %path.display(), "email written to the mail folder");
        Ok(())
    }
}
