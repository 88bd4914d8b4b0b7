use super::PortError;
use crate::catalog::ProductCard;
use serde::{Deserialize, Serialize};

/// A product as the search index stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// The card shown in results (id, slug, title, brand, vendor, price, stock, rating).
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
    /// The variants' options as `(name, value)` pairs, each once, for the
    /// option facets (Size, Colour…).
    pub options: Vec<(String, String)>,
    /// When the product was created, in microseconds since 1970, for "newest".
    pub created_micros: i64,
}

/// The order of search hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first (the default).
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Newest first.
    Newest,
    /// Best rated first; unrated last.
    Rating,
}

/// A facet: a family of filters whose values combine as "any of".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FacetGroup {
    /// The category (one path; its subtree matches).
    Category,
    /// Vendors.
    Vendor,
    /// Brands.
    Brand,
    /// Price ranges.
    Price,
    /// Minimum rating.
    Rating,
    /// In stock only.
    Stock,
    /// One option name (Size, Colour…).
    Option(String),
}

/// A query for the search port.
///
/// Filters of different facets must all hold; values within one facet are
/// alternatives (two vendors: products of either).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Free text; empty matches everything.
    pub text: String,
    /// Only products in this category path (slugs from the root) or below.
    pub category_path: Option<Vec<String>>,
    /// Only these vendors' products (slugs; empty: any).
    pub vendors: Vec<String>,
    /// Only these brands (empty: any).
    pub brands: Vec<String>,
    /// Only products whose lowest price is in one of these range keys.
    pub price_ranges: Vec<String>,
    /// Only products rated at least this many stars (1–4).
    pub min_rating: Option<u8>,
    /// Only products with a variant that can be bought now.
    pub in_stock: bool,
    /// Only products with these options: `(name, value)`; values of one name
    /// are alternatives, different names must all hold.
    pub options: Vec<(String, String)>,
    /// The order of hits.
    pub sort: SearchSort,
    /// Only the total (and hits, if `limit` > 0) is wanted: no facet counts.
    pub skip_facets: bool,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return; 0 for none (the total and facets only).
    pub limit: usize,
}

impl SearchQuery {
    /// The facets this query filters on whose counts need a pass without
    /// their own filter. The category is not among them: it is a tree one
    /// walks down, and its counts are those of the chosen category's children.
    pub fn active_groups(&self) -> Vec<FacetGroup> {
        let mut groups = Vec::new();
        if !self.vendors.is_empty() {
            groups.push(FacetGroup::Vendor);
        }
        if !self.brands.is_empty() {
            groups.push(FacetGroup::Brand);
        }
        if !self.price_ranges.is_empty() {
            groups.push(FacetGroup::Price);
        }
        if self.min_rating.is_some() {
            groups.push(FacetGroup::Rating);
        }
        if self.in_stock {
            groups.push(FacetGroup::Stock);
        }
        for (name, _) in &self.options {
            let group = FacetGroup::Option(name.clone());
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        groups
    }

    /// This query without the filter of `group`: what the facet's own counts
    /// are computed over, so they tell what choosing another value would give.
    pub fn without(&self, group: &FacetGroup) -> SearchQuery {
        let mut q = self.clone();
        match group {
            FacetGroup::Category => q.category_path = None,
            FacetGroup::Vendor => q.vendors.clear(),
            FacetGroup::Brand => q.brands.clear(),
            FacetGroup::Price => q.price_ranges.clear(),
            FacetGroup::Rating => q.min_rating = None,
            FacetGroup::Stock => q.in_stock = false,
            FacetGroup::Option(name) => q.options.retain(|(n, _)| n != name),
        }
        q
    }
}

/// What the search port answers: hits and raw facet counts by key.
///
/// Each facet's counts are taken with every filter applied except the
/// facet's own, so they stay right when several filters are applied and
/// values of one facet can be added to a selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// Hits, in the query's order.
    pub hits: Vec<ProductCard>,
    /// All matches.
    pub total: u64,
    /// Counts per category slug, one level below the selected path.
    pub category_counts: Vec<(String, u64)>,
    /// Counts per vendor slug.
    pub vendor_counts: Vec<(String, u64)>,
    /// Counts per brand.
    pub brand_counts: Vec<(String, u64)>,
    /// Counts per price range key.
    pub price_counts: Vec<(String, u64)>,
    /// For n = 1 to 4: products rated n stars or more.
    pub rating_counts: Vec<(u8, u64)>,
    /// Products with a variant that can be bought now.
    pub in_stock_count: u64,
    /// Counts per option `(name, value)`.
    pub option_counts: Vec<(String, String, u64)>,
}

/// The separator between an option's name and value where an index stores
/// the pair as one string. Option names may not contain it.
pub const OPTION_SEPARATOR: char = '=';

/// The rating floors a product counts under: n for every n from 1 to 4 that
/// its average reaches. Unrated products have none.
pub fn rating_floors(card: &ProductCard) -> Vec<u8> {
    let average = card.rating.map_or(0, |r| r.average_centi);
    (1..=4).filter(|n| average >= u16::from(*n) * 100).collect()
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
