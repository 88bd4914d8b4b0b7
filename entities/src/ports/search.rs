use super::PortError;
use crate::views::ProductCard;
use serde::{Deserialize, Serialize};

/// A product as the search index stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// The card shown in results (id, slug, title, brand, vendor, price, stock).
    pub card: ProductCard,
    /// Long description, searched but not shown.
    pub description: String,
    /// The vendor's slug, for the vendor facet.
    pub vendor_slug: String,
    /// Slugs of the category path from the root, for the category facet.
    pub category_path: Vec<String>,
    /// Names along the category path, searched.
    pub category_names: Vec<String>,
    /// Attribute and option values (colours, sizes, materials), searched.
    pub attribute_values: Vec<String>,
}

/// A query for the search port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Free text; empty matches everything.
    pub text: String,
    /// Only products in this category path (slugs from the root) or below.
    pub category_path: Option<Vec<String>>,
    /// Only this vendor's products.
    pub vendor: Option<String>,
    /// Only products whose lowest price is in this range key.
    pub price_range: Option<String>,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

/// What the search port answers: hits and raw facet counts by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// Hits, best first.
    pub hits: Vec<ProductCard>,
    /// All matches.
    pub total: u64,
    /// Counts per category slug, one level below the selected path.
    pub category_counts: Vec<(String, u64)>,
    /// Counts per vendor slug.
    pub vendor_counts: Vec<(String, u64)>,
    /// Counts per price range key.
    pub price_counts: Vec<(String, u64)>,
}

/// Full-text search over products with typo tolerance and facet counts.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// The adapter's name, for health reports.
    fn name(&self) -> &'static str;

    /// Runs a query.
    ///
    /// # Errors
    /// When the backing index fails.
    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, PortError>;

    /// Adds or replaces documents (by product id). Visible to the next search.
    ///
    /// # Errors
    /// When the backing index fails.
    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), PortError>;

    /// Removes documents by product id.
    ///
    /// # Errors
    /// When the backing index fails.
    async fn remove(&self, product_ids: &[i64]) -> Result<(), PortError>;

    /// Replaces the whole index with `docs`; searches keep being answered
    /// from the old contents until the new ones are complete.
    ///
    /// # Errors
    /// When the backing index fails.
    async fn replace_all(&self, docs: Vec<SearchDocument>) -> Result<(), PortError>;

    /// Number of documents.
    ///
    /// # Errors
    /// When the backing index fails.
    async fn count(&self) -> Result<u64, PortError>;
}
