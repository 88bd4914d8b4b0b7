//! The `SessionStore` port: the database (embedded) or Redis.

pub mod database;
pub mod redis;
