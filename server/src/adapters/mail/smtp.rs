//! The scaled mailer: SMTP through lettre, with a connection pool.
//! `smtp://host:port` sends in the clear (a local relay), `smtp://…?tls=required`
//! upgrades with STARTTLS, `smtps://` is TLS from the start; credentials go in
//! the URL's user and password.

use entities::ports::{MailMessage, Mailer, PortError};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

const SERVICE: &str = "smtp";

/// Sends through one SMTP server.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from`.
    ///
    /// # Errors
    /// `Unavailable` for a malformed URL or sender address.
    pub fn new(url: &str, from: &str) -> Result<Self, PortError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| PortError::unavailable(SERVICE, format!("bad SMTP URL: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = from.parse().map_err(|e| PortError::unavailable(SERVICE, format!("bad sender {from:?}: {e}")))?;
        Ok(Self { transport, from })
    }

    /// Whether the server answers (used at start-up).
    ///
    /// # Errors
    /// `Unavailable` when it does not.
    pub async fn check(&self) -> Result<(), PortError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(PortError::unavailable(SERVICE, "the server did not answer NOOP")),
            Err(e) => Err(PortError::unavailable(SERVICE, e)),
        }
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn send(&self, m: &MailMessage) -> Result<(), PortError> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| PortError::Declined { service: SERVICE, message: format!("bad recipient: {e}") })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.text.clone())
            .map_err(|e| PortError::bad_data(SERVICE, e))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(PortError::Declined { service: SERVICE, message: e.to_string() }),
            Err(e) => Err(PortError::unavailable(SERVICE, e)),
        }
    }
}
