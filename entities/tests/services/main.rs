//! Service-level tests: the domain's use cases called directly, without
//! HTTP, on a fresh SQLite file and on a fresh PostgreSQL database, with the
//! embedded adapters the store runs with by default (tantivy, the in-memory
//! cache and bus, database sessions, the built-in test payment provider).
//! The HTTP tests in `server/tests/api/` cover the same rules through the
//! routes; these pin them where they are decided.

mod common;
mod fulfilment;
mod ordering;
mod payments;
