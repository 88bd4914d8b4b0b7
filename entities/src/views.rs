//! What the storefront shows: plain serializable read models shared by the
//! server and the WASM bundle.

use crate::domain::Money;
use serde::{Deserialize, Serialize};

/// A product as it appears in a grid or a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    /// Database id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Brand.
    pub brand: String,
    /// The vendor's display name.
    pub vendor_name: String,
    /// The lowest variant price.
    pub price_from: Money,
    /// Whether any variant can be bought now.
    pub in_stock: bool,
}

impl ProductCard {
    /// Where the product's generated picture is served.
    pub fn image_url(&self) -> String {
        product_image_url(self.id)
    }
}

/// Where a product's picture is served.
pub fn product_image_url(product_id: i64) -> String {
    format!("/images/products/{product_id}.svg")
}

/// One page of a product list (REST API), with the cursor of the next.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductList {
    /// The products of this page.
    pub items: Vec<ProductCard>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A category with the categories below it (REST API).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryNode {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Sub-categories in display order.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<CategoryNode>,
}

/// A vendor as the public sees it (REST API).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorView {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// About the vendor.
    pub description: String,
}

/// A link to a category.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLink {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// One purchasable variant on a product page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    /// Database id.
    pub id: i64,
    /// Stock keeping unit.
    pub sku: String,
    /// Option name and value pairs, e.g. ("Size", "M").
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub options: Vec<(String, String)>,
    /// Price.
    pub price: Money,
    /// Units available.
    pub stock: i32,
    /// Whether it can be ordered when out of stock.
    pub allow_backorder: bool,
}

impl VariantView {
    /// Whether a shopper can put it in the cart now.
    pub fn available(&self) -> bool {
        self.stock > 0 || self.allow_backorder
    }
}

impl VariantView {
    /// "Size M · Colour Red", or "Standard" for a variant without options.
    pub fn label(&self) -> String {
        if self.options.is_empty() {
            return "Standard".to_owned();
        }
        self.options.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" · ")
    }
}

/// Everything on a product page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    /// The card fields.
    pub card: ProductCard,
    /// Long description.
    pub description: String,
    /// The vendor's slug.
    pub vendor_slug: String,
    /// Root-to-leaf path of the product's category.
    pub breadcrumbs: Vec<CategoryLink>,
    /// Descriptive attributes such as material.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub attributes: Vec<(String, String)>,
    /// The variants, cheapest first.
    pub variants: Vec<VariantView>,
}

/// One page of a category listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryPage {
    /// The category itself.
    pub category: CategoryLink,
    /// Root-to-this path.
    pub breadcrumbs: Vec<CategoryLink>,
    /// Direct sub-categories.
    pub children: Vec<CategoryLink>,
    /// Products of this category and all below it, for this page.
    pub products: Vec<ProductCard>,
    /// 1-based page number.
    pub page: u32,
    /// Number of pages (at least 1).
    pub total_pages: u32,
    /// Number of products in all pages.
    pub total_products: u64,
}

/// A storefront search request, as found in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Free text.
    pub q: String,
    /// Category slug filter (includes sub-categories).
    pub category: Option<String>,
    /// Vendor slug filter.
    pub vendor: Option<String>,
    /// Price range key filter, see [`PRICE_RANGES`].
    pub price: Option<String>,
    /// 1-based page.
    pub page: u32,
}

/// Price buckets for the price facet: key, label, lower bound and upper bound
/// in minor units (upper bound exclusive; `None` is open).
pub const PRICE_RANGES: &[(&str, &str, i64, Option<i64>)] = &[
    ("under-25", "Under 25", 0, Some(2_500)),
    ("25-50", "25 to 50", 2_500, Some(5_000)),
    ("50-100", "50 to 100", 5_000, Some(10_000)),
    ("100-250", "100 to 250", 10_000, Some(25_000)),
    ("250-plus", "250 and above", 25_000, None),
];

/// The price range key an amount in minor units falls into.
pub fn price_range_key(minor: i64) -> &'static str {
    PRICE_RANGES
        .iter()
        .find(|(_, _, lo, hi)| minor >= *lo && hi.is_none_or(|hi| minor < hi))
        .map(|(key, ..)| *key)
        .unwrap_or(PRICE_RANGES[0].0)
}

/// One value of a facet with the number of matching products.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value as used in the URL (a slug or range key).
    pub key: String,
    /// What the shopper reads.
    pub label: String,
    /// Matching products.
    pub count: u64,
}

/// Facet counts for a search.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Categories one level below the selected one (or top level).
    pub categories: Vec<FacetValue>,
    /// Vendors.
    pub vendors: Vec<FacetValue>,
    /// Price ranges.
    pub price_ranges: Vec<FacetValue>,
}

/// The answer to a search.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The products on this page, best first.
    pub hits: Vec<ProductCard>,
    /// Number of matching products.
    pub total: u64,
    /// 1-based page.
    pub page: u32,
    /// Number of pages.
    pub total_pages: u32,
    /// Facet counts over all matches.
    pub facets: Facets,
}

/// What "add to cart" answers: which variant was added and the new badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartAddition {
    /// The variant just added.
    pub variant_id: i64,
    /// The cart after the addition.
    pub cart: CartSummary,
}

/// The shopper's cart in brief, for the badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartSummary {
    /// Units in the cart.
    pub item_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_price_falls_in_exactly_one_range() {
        assert_eq!(price_range_key(0), "under-25");
        assert_eq!(price_range_key(2_499), "under-25");
        assert_eq!(price_range_key(2_500), "25-50");
        assert_eq!(price_range_key(9_999), "50-100");
        assert_eq!(price_range_key(1_000_000), "250-plus");
    }

    #[test]
    fn variants_without_options_read_standard() {
        let mut v = VariantView {
            id: 1,
            sku: "A-1".into(),
            options: vec![],
            price: Money::from_minor(1, crate::Currency::Eur),
            stock: 0,
            allow_backorder: false,
        };
        assert!(!v.available());
        assert_eq!(v.label(), "Standard");
        v.options = vec![("Size".into(), "M".into()), ("Colour".into(), "Red".into())];
        assert_eq!(v.label(), "Size M · Colour Red");
    }
}
