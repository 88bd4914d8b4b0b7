//! Adapters: implementations of the domain's ports, one folder per port.
//! Each port has an embedded adapter (no set-up) and a scaled one chosen by
//! configuration; each has one contract test suite in `server/tests`.

pub mod bus;
pub mod cache;
pub mod counters;
pub mod mail;
pub mod payments;
pub mod search;
pub mod sessions;
