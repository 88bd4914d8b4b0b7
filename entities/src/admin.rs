//! What the catalog admin reads and writes: the shapes shared by the REST
//! API, the admin pages (WASM included) and the services that act on them.
//! The services re-export them where they were first defined.

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
    /// `active`, `draft` or `archived`.
    pub status: String,
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
    pub status: String,
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

/// The statuses a product can have: value and label.
pub const PRODUCT_STATUSES: &[(&str, &str)] = &[("active", "Active"), ("draft", "Draft"), ("archived", "Archived")];

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
    /// `active`, `draft` or `archived`.
    pub status: String,
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

/// Parses a percentage such as `10`, `-7.5` or `+2.25 %` into hundredths of
/// a percent.
///
/// # Errors
/// A message for the user when it is not a number with at most two decimals.
pub fn parse_percent(text: &str) -> Result<i32, String> {
    let cleaned: String = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let (negative, digits) = match cleaned.strip_prefix('-').or_else(|| cleaned.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let bad = || format!("{:?} is not a percentage (e.g. 10 or -7.5)", text.trim());
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || frac.len() > 2 || !(whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let whole: i32 = whole.parse().map_err(|_| bad())?;
    let frac: i32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let value = whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
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

/// A price in minor units as an editor types it: `19.99`, `1200` for yen.
pub fn decimal_text(minor: i64, currency: &str) -> String {
    let exp = currency.parse::<crate::Currency>().map_or(2, crate::Currency::exponent);
    if exp == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0width$}", minor.abs() / unit, minor.abs() % unit, width = exp as usize)
}

/// Parses a price typed in major units (`19.99`) into minor units.
///
/// # Errors
/// A message for the user when it is not an amount in `currency`.
pub fn parse_price(text: &str, currency: &str) -> Result<i64, String> {
    let currency: crate::Currency = currency.parse().map_err(|_| format!("unknown currency {currency:?}"))?;
    crate::Money::parse_decimal(text, currency).map(|m| m.minor()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_into_hundredths() {
        assert_eq!(parse_percent("10"), Ok(1000));
        assert_eq!(parse_percent("-7.5"), Ok(-750));
        assert_eq!(parse_percent(" +2.25 % "), Ok(225));
        assert_eq!(parse_percent("0,5"), Ok(50));
        assert_eq!(parse_percent("−15"), Ok(-1500));
        for bad in ["", "ten", "1.234", "-", "1e3", "99999999999", "5..1"] {
            assert!(parse_percent(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn pairs_round_trip_through_their_text() {
        let pairs = BTreeMap::from([("Colour".to_owned(), "Red".to_owned()), ("Size".to_owned(), "M".to_owned())]);
        assert_eq!(pairs_text(&pairs), "Colour=Red\nSize=M");
        assert_eq!(parse_pairs(&pairs_text(&pairs)), Ok(pairs.clone()));
        assert_eq!(parse_pairs("Colour = Red; Size=M\n"), Ok(pairs));
        assert!(parse_pairs("Colour").unwrap_err().contains("Name=Value"));
    }

    #[test]
    fn prices_read_and_show_in_major_units() {
        assert_eq!(decimal_text(1999, "EUR"), "19.99");
        assert_eq!(decimal_text(5, "USD"), "0.05");
        assert_eq!(decimal_text(1200, "JPY"), "1200");
        assert_eq!(parse_price("19.99", "EUR"), Ok(1999));
        assert_eq!(parse_price("1200", "JPY"), Ok(1200));
        assert!(parse_price("12.345", "EUR").is_err());
        assert!(parse_price("12.5", "JPY").is_err());
        assert!(parse_price("abc", "EUR").is_err());
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

/// Which orders the admin's order list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderFilter {
    /// Only orders in this status (`paid`, `pending_payment`…).
    #[serde(default)]
    pub status: Option<String>,
    /// Only orders held for review.
    #[serde(default)]
    pub held: bool,
    /// The page after this cursor (from the previous page).
    #[serde(default)]
    pub after: Option<i64>,
}

/// An order in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderRow {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The customer's email.
    pub email: String,
    /// Where it is in its life.
    pub status: crate::OrderStatus,
    /// Its total, in minor units.
    pub total_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Fraud screening's score.
    pub risk_score: i32,
    /// Paid but held for review.
    pub held_for_review: bool,
}

/// A page of the admin's order list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderPage {
    /// The orders.
    pub items: Vec<AdminOrderRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<i64>,
}

/// An order's fraud screening, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskView {
    /// 0 to 100.
    pub score: i32,
    /// Why, one reason each.
    pub reasons: Vec<String>,
    /// Paid but held until released.
    pub held_for_review: bool,
    /// Where it was placed from.
    pub client_ip: Option<String>,
    /// The billing address, when one was given.
    pub billing_address: Option<crate::checkout::Address>,
}

/// Which sub-orders a vendor's order list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderFilter {
    /// The vendor (its slug): admins choose one; vendor staff see their own.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Only parts in this status (`paid`, `fulfilling`…).
    #[serde(default)]
    pub status: Option<String>,
    /// The page after this cursor (from the previous page).
    #[serde(default)]
    pub after: Option<i64>,
}

/// One vendor's part of an order, in the vendor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderRow {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The vendor's slug.
    pub vendor: String,
    /// Where this part is in its life.
    pub status: crate::OrderStatus,
    /// Whether the order is held for review (do not ship it yet).
    pub held_for_review: bool,
    /// Units bought from the vendor.
    pub units: i64,
    /// Units shipped so far.
    pub shipped: i64,
    /// The part's goods, in minor units.
    pub subtotal_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where it goes (ISO country code).
    pub country: String,
}

/// A page of a vendor's order list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderPage {
    /// The sub-orders.
    pub items: Vec<VendorOrderRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<i64>,
}

/// One vendor's part of an order, as the vendor sees it: what to send
/// where, without the rest of the order or the customer's email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrder {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The order's status.
    pub order_status: crate::OrderStatus,
    /// Whether the order is held for review (do not ship it yet).
    pub held_for_review: bool,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where it goes.
    pub shipping_address: crate::checkout::Address,
    /// The vendor's part: status, lines (with shipped and returned counts).
    pub part: crate::checkout::SubOrderView,
    /// The shop's commission on the part, in minor units.
    pub commission_minor: i64,
    /// The part's parcels.
    pub shipments: Vec<crate::checkout::ShipmentView>,
    /// Returns of the part.
    pub returns: Vec<crate::checkout::ReturnView>,
}

/// An order as staff see it: what the customer sees, and its screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrder {
    /// The order.
    pub order: crate::checkout::OrderView,
    /// Its fraud screening.
    pub risk: RiskView,
}
