//! `GET /api/v1/search`: the storefront's search as JSON.

use super::problem::Problem;
use axum::extract::{Query, State};
use axum::Json;
use entities::services::search::{self, MAX_PAGE};
use entities::services::Shop;
use entities::views::{SearchRequest, SearchResults};
use serde::Deserialize;

/// Longest query text accepted.
const MAX_QUERY_CHARS: usize = 200;

/// The query string of a search, as text: parsed here so a bad value gets a
/// field error in the problem shape.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text (typo-tolerant; the last word also matches as a prefix).
    q: Option<String>,
    /// Only this category and those below it (slug).
    category: Option<String>,
    /// Only this vendor (slug).
    vendor: Option<String>,
    /// Only this price range: `under-25`, `25-50`, `50-100`, `100-250`, `250-plus`.
    price: Option<String>,
    /// Page, from 1 (24 hits a page, at most 10,000 hits in all).
    #[param(value_type = Option<u32>)]
    page: Option<String>,
}

/// Searches products for sale, with facet counts for category, vendor and price.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "catalog",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits and facet counts", body = SearchResults),
        (status = 400, description = "A bad page or query", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(
    State(shop): State<Shop>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, Problem> {
    let q = params.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::invalid_field("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    let page = match params.page.as_deref() {
        None => 1,
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => return Err(Problem::invalid_field("page", format!("must be a whole number from 1 to {MAX_PAGE}"))),
        },
    };
    let request = SearchRequest { q, category: params.category, vendor: params.vendor, price: params.price, page };
    Ok(Json(search::search(&shop, &request).await?))
}
