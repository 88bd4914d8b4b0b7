//! The `Counters` port: in-process (embedded) or Redis.

pub mod memory;
pub mod redis;
