//! Products, variants, images and categories as shoppers see them.

use crate::kernel::Money;
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
    /// The review summary; absent until the product has a review.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// The object-store folder of its first uploaded image, once processed;
    /// absent: the generated art is shown.
    #[serde(default)]
    pub image_folder: Option<String>,
}

/// A product's review summary.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Average stars × 100 (100–500).
    pub average_centi: u16,
    /// Number of reviews.
    pub count: u32,
}

impl Rating {
    /// The average as shown, e.g. "4.3".
    pub fn stars(self) -> String {
        let tenths = (self.average_centi + 5) / 10;
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl ProductCard {
    /// The picture for a card: the first uploaded image's card rendition, or
    /// the generated art.
    pub fn image_url(&self) -> String {
        match &self.image_folder {
            Some(folder) => rendition_url(folder, CARD_WIDTH),
            None => product_image_url(self.id),
        }
    }

    /// A `srcset` for the card picture (empty for generated art, which scales).
    pub fn image_srcset(&self) -> String {
        self.image_folder.as_deref().map(srcset).unwrap_or_default()
    }
}

/// Widths of the WebP renditions made of every uploaded image: thumbnail,
/// card, full. An image narrower than a width is not enlarged; its rendition
/// of that width is its own size.
pub const RENDITION_WIDTHS: [u32; 3] = [200, 600, 1600];

/// The rendition cards use.
pub const CARD_WIDTH: u32 = 600;

/// Where the rendition of width `width` of the image in `folder` is served.
pub fn rendition_url(folder: &str, width: u32) -> String {
    format!("/media/{folder}/w{width}.webp")
}

/// A `srcset` over every rendition of the image in `folder`.
pub fn srcset(folder: &str) -> String {
    RENDITION_WIDTHS.iter().map(|w| format!("{} {w}w", rendition_url(folder, *w))).collect::<Vec<_>>().join(", ")
}

/// An uploaded product image on the product page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductImage {
    /// Database id.
    pub id: i64,
    /// Text for screen readers.
    pub alt: String,
    /// The object-store folder; absent while the renditions are being made
    /// (the page shows a placeholder).
    pub folder: Option<String>,
}

/// Where a variant's picture is served: the product's, in the variant's colour.
pub fn variant_image_url(product_id: i64, variant_id: i64) -> String {
    format!("/images/products/{product_id}/variants/{variant_id}.svg")
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
    /// Uploaded images in display order (processed or still processing).
    #[serde(default)]
    pub images: Vec<ProductImage>,
}

/// Recommendations shown with a product.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductRecommendations {
    /// Products often put in the same cart as this one.
    pub together: Vec<ProductCard>,
    /// Products like this one (category, brand, attributes, price).
    pub similar: Vec<ProductCard>,
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
