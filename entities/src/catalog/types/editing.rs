//! What the catalog admin reads and writes: products, variants, categories,
//! images, CSV reports, the product list and bulk actions.

use super::{ImageStatus, ProductStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A new product with its variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    /// The owning vendor's slug. Vendor staff may leave it out (their own).
    pub vendor: Option<String>,
    /// The category's slug.
    pub category: String,
    /// Title, 1–300 characters.
    pub title: String,
    /// Description, up to 20,000 characters.
    #[serde(default)]
    pub description: String,
    /// Brand, 1–120 characters.
    pub brand: String,
    /// Descriptive attributes (material, fit…), name → value.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// `active`, `draft` (the default) or `archived`.
    pub status: Option<String>,
    /// Whether the home page features it.
    #[serde(default)]
    pub featured: bool,
    /// 1 to 100 variants; what a shopper actually buys.
    pub variants: Vec<NewVariant>,
}

/// A new variant of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVariant {
    /// Stock keeping unit, 3–32 of `A–Z 0–9 -`, unique in the shop.
    pub sku: String,
    /// The options that tell it from its siblings (size, colour…), name → value.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Price in minor units (cents), 0 or more.
    pub price_minor: i64,
    /// ISO 4217 currency (EUR, USD, GBP, JPY); the same for all variants of a product.
    pub currency: String,
    /// Units in stock, 0 or more.
    #[serde(default)]
    pub stock: i32,
    /// Whether it may be sold with no stock.
    #[serde(default)]
    pub allow_backorder: bool,
    /// Shipping weight in grams, 0–1,000,000 (shipping by weight uses it).
    #[serde(default)]
    pub weight_grams: i32,
}

/// Changes to a product; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    /// New title, 1–300 characters.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New brand, 1–120 characters.
    pub brand: Option<String>,
    /// `active`, `draft` or `archived`.
    pub status: Option<String>,
    /// Whether the home page features it.
    pub featured: Option<bool>,
    /// Move it to this category (slug).
    pub category: Option<String>,
    /// Give it to this vendor (slug); admins only.
    pub vendor: Option<String>,
    /// Replace its attributes.
    pub attributes: Option<BTreeMap<String, String>>,
}

/// Changes to a variant; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VariantPatch {
    /// New SKU.
    pub sku: Option<String>,
    /// Replace its options.
    pub options: Option<BTreeMap<String, String>>,
    /// New price in minor units.
    pub price_minor: Option<i64>,
    /// New stock count.
    pub stock: Option<i32>,
    /// Whether it may be sold with no stock.
    pub allow_backorder: Option<bool>,
    /// New shipping weight in grams.
    pub weight_grams: Option<i32>,
}

/// A product as an admin or its vendor sees it, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminProduct {
    /// Database id.
    pub id: i64,
    /// URL slug (made from the title at creation; stays when the title changes).
    pub slug: String,
    /// The owning vendor's slug.
    pub vendor: String,
    /// The category's slug.
    pub category: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Brand.
    pub brand: String,
    /// Descriptive attributes.
    pub attributes: BTreeMap<String, String>,
    /// Whether it is on sale.
    pub status: ProductStatus,
    /// Featured on the home page.
    pub featured: bool,
    /// The variants, in display order.
    pub variants: Vec<AdminVariant>,
    /// When it was created (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    /// When it last changed (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: DateTime<Utc>,
}

/// A variant as an admin or its vendor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminVariant {
    /// Database id.
    pub id: i64,
    /// Stock keeping unit.
    pub sku: String,
    /// Options, name → value.
    pub options: BTreeMap<String, String>,
    /// Price in minor units.
    pub price_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Units in stock.
    pub stock: i32,
    /// Whether it may be sold with no stock.
    pub allow_backorder: bool,
    /// Shipping weight in grams.
    pub weight_grams: i32,
}

/// A new category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// Display name, 1–200 characters.
    pub name: String,
    /// URL slug; made from the name when absent.
    pub slug: Option<String>,
    /// The parent's slug; absent for a top-level category.
    pub parent: Option<String>,
    /// Order among its siblings (default 0).
    #[serde(default)]
    pub position: i32,
}

/// Changes to a category; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    /// New display name.
    pub name: Option<String>,
    /// Move under this parent (slug); `null` moves it to the top level.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent: Option<Option<String>>,
    /// New order among its siblings.
    pub position: Option<i32>,
}

/// A category as an admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminCategory {
    /// Database id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The parent's slug, absent at the top level.
    pub parent: Option<String>,
    /// 0 at the top level.
    pub depth: i32,
    /// Order among its siblings.
    pub position: i32,
}

/// An image as its editor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminImage {
    /// Database id.
    pub id: i64,
    /// `pending` while the renditions are made, `ready`, or `failed`.
    pub status: ImageStatus,
    /// Text for screen readers.
    pub alt: String,
    /// Display order.
    pub position: i32,
    /// The renditions' addresses once ready, smallest first.
    pub renditions: Vec<String>,
    /// Why processing failed.
    pub error: Option<String>,
}

/// Changes to an image; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImagePatch {
    /// New text for screen readers.
    pub alt: Option<String>,
    /// New place in the gallery (0 is first); the others move up or down.
    pub position: Option<i32>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Products created.
    pub products_created: u32,
    /// Products changed.
    pub products_updated: u32,
    /// Variants created (with new products or added to existing ones).
    pub variants_created: u32,
    /// Variants changed.
    pub variants_updated: u32,
    /// Rows that were not applied, with why.
    pub errors: Vec<RowError>,
}

/// A row that was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// Why it was not applied.
    pub message: String,
}

/// Which products the admin list shows, and in what order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductFilter {
    /// Words that the title, the brand or a SKU must each contain.
    #[serde(default)]
    pub q: String,
    /// Only `active`, `draft` or `archived` products.
    pub status: Option<String>,
    /// Only this category and those below it (slug).
    pub category: Option<String>,
    /// Only this vendor (slug).
    pub vendor: Option<String>,
    /// One of [`ADMIN_SORTS`]; newest first when empty.
    #[serde(default)]
    pub sort: String,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 100 (50 when 0).
    #[serde(default)]
    pub limit: u32,
}

/// The admin list's sorts: query name and label.
pub const ADMIN_SORTS: &[(&str, &str)] = &[
    ("newest", "Newest first"),
    ("id", "Oldest first"),
    ("price", "Price, low to high"),
    ("-price", "Price, high to low"),
    ("rating", "Best rated"),
];

/// One line of the admin product list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductRow {
    /// Database id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Brand.
    pub brand: String,
    /// The vendor's name.
    pub vendor: String,
    /// The category's name.
    pub category: String,
    /// Whether it is on sale.
    pub status: ProductStatus,
    /// The cheapest variant's price, in minor units.
    pub price_from_minor: i64,
    /// ISO 4217 currency of the prices.
    pub currency: String,
    /// Units in stock over all variants.
    pub stock: i64,
    /// How many variants it has.
    pub variants: u32,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One page of the admin product list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductPage {
    /// The rows, in the chosen order.
    pub rows: Vec<AdminProductRow>,
    /// How many products match the filter, over all pages.
    pub total: u64,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

/// A change applied to many products at once, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkAction {
    /// Put them on sale (status `active`).
    Publish,
    /// Take them off sale, keeping them (status `archived`).
    Archive,
    /// Move them back to drafts.
    Unpublish,
    /// Move them to the category with this slug.
    MoveToCategory {
        /// The category's slug.
        category: String,
    },
    /// Change every variant's price by this many hundredths of a percent
    /// (`-1000` is 10 % off), rounded to the nearest minor unit.
    AdjustPrice {
        /// Hundredths of a percent, −9,999 to +100,000.
        basis_points: i32,
    },
}

/// Most products one bulk action may change.
pub const BULK_MAX: usize = 500;

/// What a bulk action did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkReport {
    /// Products changed.
    pub changed: u32,
}

/// A category in the admin's tree, in tree order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCategoryNode {
    /// The category.
    pub category: AdminCategory,
    /// Products directly in it.
    pub products: u64,
    /// Sub-categories directly below it.
    pub children: u32,
}

/// Name/value pairs as the editor shows them: `Name=Value`, one per line.
pub fn pairs_text(pairs: &BTreeMap<String, String>) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
}

/// Parses `Name=Value` pairs separated by new lines or `;`.
///
/// # Errors
/// Names the part that is not `Name=Value`.
pub fn parse_pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for part in text.split(['\n', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').ok_or_else(|| format!("{part:?} is not Name=Value"))?;
        map.insert(name.trim().to_owned(), value.trim().to_owned());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip_through_their_text() {
        let pairs = BTreeMap::from([("Colour".to_owned(), "Red".to_owned()), ("Size".to_owned(), "M".to_owned())]);
        assert_eq!(pairs_text(&pairs), "Colour=Red\nSize=M");
        assert_eq!(parse_pairs(&pairs_text(&pairs)), Ok(pairs.clone()));
        assert_eq!(parse_pairs("Colour = Red; Size=M\n"), Ok(pairs));
        assert!(parse_pairs("Colour").unwrap_err().contains("Name=Value"));
    }

    #[test]
    fn a_category_patch_sends_only_what_changes() {
        let keep_parent = CategoryPatch { name: Some("Shoes".into()), ..Default::default() };
        let json = serde_json::to_string(&keep_parent).unwrap();
        assert!(!json.contains("parent"), "{json}");
        let back: CategoryPatch = serde_json::from_str(&json).unwrap();
        assert_eq!(back, keep_parent);
        let to_top = CategoryPatch { parent: Some(None), ..Default::default() };
        let back: CategoryPatch = serde_json::from_str(&serde_json::to_string(&to_top).unwrap()).unwrap();
        assert_eq!(back.parent, Some(None), "an explicit null moves it to the top");
    }
}
