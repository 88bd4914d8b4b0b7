//! Sending email. The embedded adapter writes each message to a folder and
//! the log; the scaled one speaks SMTP. Services never call a mailer
//! directly: they queue the message in the `emails` table in their own
//! transaction, and the mail worker sends it (see `services::mail`).

use super::PortError;

/// One plain-text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
}

/// Sends email.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// The adapter's name, for logs (`file`, `smtp`).
    fn name(&self) -> &'static str;

    /// Hands one message over for delivery.
    ///
    /// # Errors
    /// `Unavailable` when the mail server cannot be reached or refuses for
    /// now (worth retrying); `Declined` when it refuses the recipient for
    /// good.
    async fn send(&self, message: &MailMessage) -> Result<(), PortError>;
}
