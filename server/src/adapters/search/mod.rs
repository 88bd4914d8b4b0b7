//! The `SearchIndex` port: tantivy in the data folder (embedded) or Meilisearch.

pub mod meilisearch;
pub mod tantivy;
