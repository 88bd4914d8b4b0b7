//! The `Mailer` port: files in the data folder (embedded) or SMTP.

pub mod file;
pub mod smtp;
