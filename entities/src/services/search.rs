//! Storefront search: turns a shopper's request into a port query and the
//! port's raw facet counts into labelled facets.

use super::read_cache::{cached, CATALOG_TTL};
use super::{ServiceResult, Shop};
use crate::model::{category, vendor};
use crate::ports::SearchQuery;
use crate::views::{FacetValue, Facets, SearchRequest, SearchResults, PRICE_RANGES};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Hits per search page.
pub const PAGE_SIZE: usize = 24;
/// Deepest page a shopper can ask for: ranking past 10,000 hits serves nobody,
/// and a huge offset would make the index collect that many documents.
pub const MAX_PAGE: u32 = (10_000 / PAGE_SIZE) as u32;
const MAX_QUERY_CHARS: usize = 200;

/// Runs a storefront search. Unknown filter values match nothing rather than
/// being ignored, so a shared link never shows more than it said.
///
/// # Errors
/// When the search index or the database fails.
#[tracing::instrument(skip(shop))]
pub async fn search(shop: &Shop, request: &SearchRequest) -> ServiceResult<SearchResults> {
    // Cached by the whole request (see read_cache): popular searches and facet
    // clicks repeat, and each one costs an index query plus labels.
    let key = format!("search:{}", serde_json::to_string(request).unwrap_or_default());
    cached(shop.cache.as_ref(), &key, CATALOG_TTL, run_search(shop, request)).await
}

async fn run_search(shop: &Shop, request: &SearchRequest) -> ServiceResult<SearchResults> {
    let mut page = request.page.clamp(1, MAX_PAGE);
    let text: String = request.q.trim().chars().take(MAX_QUERY_CHARS).collect();
    let category_path = match request.category.as_deref().filter(|s| !s.is_empty()) {
        Some(slug) => Some(category_path(shop, slug).await?.unwrap_or_else(|| vec![slug.to_owned()])),
        None => None,
    };
    let mut query = SearchQuery {
        text,
        category_path,
        vendor: request.vendor.clone().filter(|s| !s.is_empty()),
        price_range: request.price.clone().filter(|s| !s.is_empty()),
        offset: (page as usize - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let mut found = shop.search.search(&query).await?;
    let total_pages = (found.total as usize).div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE as usize) as u32;
    if page > total_pages {
        // Past the end (an old link): show the last page instead of nothing.
        page = total_pages;
        query.offset = (page as usize - 1) * PAGE_SIZE;
        found = shop.search.search(&query).await?;
    }
    let facets = Facets {
        categories: label(found.category_counts, &category_names(shop).await?),
        vendors: label(found.vendor_counts, &vendor_names(shop).await?),
        price_ranges: PRICE_RANGES
            .iter()
            .filter_map(|(key, name, ..)| {
                let count = found.price_counts.iter().find(|(k, _)| k == key)?.1;
                Some(FacetValue { key: (*key).to_owned(), label: (*name).to_owned(), count })
            })
            .collect(),
    };
    Ok(SearchResults { hits: found.hits, total: found.total, page, total_pages, facets })
}

async fn category_path(shop: &Shop, slug: &str) -> ServiceResult<Option<Vec<String>>> {
    let Some(this) = category::Entity::find().filter(category::Column::Slug.eq(slug)).one(&shop.db).await? else {
        return Ok(None);
    };
    let ids: Vec<i64> = this.path.split('/').filter_map(|s| s.parse().ok()).collect();
    let by_id: HashMap<i64, String> = category::Entity::find()
        .filter(category::Column::Id.is_in(ids.clone()))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.slug))
        .collect();
    Ok(Some(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect()))
}

async fn category_names(shop: &Shop) -> ServiceResult<HashMap<String, String>> {
    Ok(category::Entity::find().all(&shop.db).await?.into_iter().map(|c| (c.slug, c.name)).collect())
}

async fn vendor_names(shop: &Shop) -> ServiceResult<HashMap<String, String>> {
    Ok(vendor::Entity::find().all(&shop.db).await?.into_iter().map(|v| (v.slug, v.name)).collect())
}

fn label(counts: Vec<(String, u64)>, names: &HashMap<String, String>) -> Vec<FacetValue> {
    let mut values: Vec<FacetValue> = counts
        .into_iter()
        .map(|(key, count)| FacetValue { label: names.get(&key).cloned().unwrap_or_else(|| key.clone()), key, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    values
}
