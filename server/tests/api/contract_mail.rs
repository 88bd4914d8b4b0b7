//! The `Mailer` contract: the file mailer, and the SMTP mailer against a
//! real SMTP server (aiosmtpd, which `./dev.sh test` starts and names in
//! `BAZAAR_TEST_SMTP`, keeping what it receives in `BAZAAR_TEST_MAILDIR`).

use entities::ports::{MailMessage, Mailer, PortError};
use server::adapters::mail::file::FileMailer;
use server::adapters::mail::smtp::SmtpMailer;

fn smtp() -> Option<(String, std::path::PathBuf)> {
    let url = crate::helpers::service_url("BAZAAR_TEST_SMTP", "the SMTP suite (aiosmtpd)")?;
    let dir = crate::helpers::service_url("BAZAAR_TEST_MAILDIR", "the SMTP suite (aiosmtpd's maildir)")?;
    Some((url, dir.into()))
}

/// Undoes quoted-printable transfer encoding (soft breaks and `=XX`).
pub fn unquote(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The message the SMTP server kept for `to`, waiting up to 10 s.
pub async fn received(maildir: &std::path::Path, to: &str) -> String {
    for _ in 0..200 {
        if let Ok(dir) = std::fs::read_dir(maildir.join("new")) {
            for entry in dir.filter_map(Result::ok) {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if text.contains(&format!("X-RcptTo: {to}")) {
                    return text;
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the SMTP server got nothing for {to}");
}

fn message(to: &str) -> MailMessage {
    MailMessage {
        to: to.to_owned(),
        subject: "Confirm your email for Bazaar".into(),
        text: format!(
            "Hello Zoë,\n\nOpen this link:\n\nhttp://127.0.0.1:3000/account/verify?token={}\n\nThanks — €5 off.\n",
            "ab".repeat(32)
        ),
    }
}

#[tokio::test]
async fn the_smtp_mailer_delivers_to_a_real_smtp_server() {
    let Some((url, maildir)) = smtp() else { return };
    let mailer = SmtpMailer::new(&url, "Bazaar <shop@bazaar.test>").unwrap();
    mailer.check().await.expect("the SMTP server answers");
    let to = format!("smtp-{}@example.com", uuid::Uuid::new_v4().simple());
    mailer.send(&message(&to)).await.unwrap();
    let raw = received(&maildir, &to).await;
    assert!(raw.contains("X-MailFrom: shop@bazaar.test"), "the envelope sender: {raw}");
    assert!(raw.contains("Subject: Confirm your email for Bazaar"), "{raw}");
    let body = unquote(&raw);
    assert!(body.contains(&format!("verify?token={}", "ab".repeat(32))), "the link arrives whole: {body}");
    assert!(body.contains("Zoë") && body.contains("€5"), "non-ASCII text survives: {body}");
}

#[tokio::test]
async fn the_smtp_mailer_reports_an_unreachable_server_as_unavailable() {
    let mailer = SmtpMailer::new("smtp://127.0.0.1:9", "Bazaar <shop@bazaar.test>").unwrap();
    let error = mailer.send(&message("nobody@example.com")).await.unwrap_err();
    assert!(matches!(error, PortError::Unavailable { .. }), "worth retrying: {error:?}");
    assert!(SmtpMailer::new("smtp://127.0.0.1:25", "not an address").is_err(), "a bad sender is refused at once");
}

#[tokio::test]
async fn the_file_mailer_writes_each_message_to_the_mail_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = FileMailer::new(dir.path().join("mail"), "Bazaar <shop@bazaar.test>");
    mailer.send(&message("file@example.com")).await.unwrap();
    mailer.send(&message("file@example.com")).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).unwrap().filter_map(Result::ok).collect();
    assert_eq!(files.len(), 2, "one file per message");
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(text.contains("To: file@example.com") && text.contains("verify?token="), "{text}");
}
