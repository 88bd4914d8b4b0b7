//! Notifications: the mail queue that every email goes through.

pub mod mail;
