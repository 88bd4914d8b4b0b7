//! Reading the catalog: home, categories, products and search.

use crate::error::AppError;
use entities::catalog::{CategoryLink, CategoryPage, ProductCard, ProductDetail, SearchRequest, SearchResults};
use leptos::prelude::*;

/// Number of featured products on the home page.
pub const FEATURED_COUNT: u64 = 12;

/// The home page's featured products.
#[server(prefix = "/_sf", endpoint = "catalog/featured")]
pub async fn featured_products() -> Result<Vec<ProductCard>, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::browse::featured_products(&shop, FEATURED_COUNT).await.map_err(AppError::from)
}

/// The top-level categories for navigation.
#[server(prefix = "/_sf", endpoint = "catalog/top-categories")]
pub async fn top_categories() -> Result<Vec<CategoryLink>, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::browse::top_categories(&shop).await.map_err(AppError::from)
}

/// One page of a category.
#[server(prefix = "/_sf", endpoint = "catalog/category")]
pub async fn get_category_page(slug: String, page: u32) -> Result<CategoryPage, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::browse::category_page(&shop, &slug, page).await.map_err(AppError::from)
}

/// A product page. Counts a view of it (for "trending").
#[server(prefix = "/_sf", endpoint = "catalog/product")]
pub async fn get_product_detail(slug: String) -> Result<ProductDetail, AppError> {
    let shop = crate::session::shop()?;
    let detail = entities::catalog::browse::product_detail(&shop, &slug).await.map_err(AppError::from)?;
    shop.views.record(detail.card.id);
    Ok(detail)
}

/// "Frequently bought together" and "similar products" for a product.
#[server(prefix = "/_sf", endpoint = "catalog/recommendations")]
pub async fn get_recommendations(product_id: i64) -> Result<entities::catalog::ProductRecommendations, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::recommend::for_product(&shop, entities::ProductId::new(product_id)).await.map_err(AppError::from)
}

/// The most viewed products lately.
#[server(prefix = "/_sf", endpoint = "catalog/trending")]
pub async fn trending_products() -> Result<Vec<ProductCard>, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::recommend::trending(&shop, TRENDING_COUNT).await.map_err(AppError::from)
}

/// Number of trending products on the home page.
pub const TRENDING_COUNT: usize = 8;

/// A storefront search. JSON in: the request's lists (vendors, options…)
/// may be empty, which a URL-encoded body cannot say.
#[server(prefix = "/_sf", endpoint = "catalog/search", input = leptos::server_fn::codec::Json)]
pub async fn search_products(request: SearchRequest) -> Result<SearchResults, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::search::search(&shop, &request).await.map_err(AppError::from)
}

/// Suggestions for what a shopper has typed into the search box.
#[server(prefix = "/_sf", endpoint = "catalog/suggest")]
pub async fn suggest(q: String) -> Result<entities::catalog::Suggestions, AppError> {
    let shop = crate::session::shop()?;
    entities::catalog::search::suggest(&shop, &q).await.map_err(AppError::from)
}
