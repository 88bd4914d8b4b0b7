//! `GET /api/v1/search` (the storefront's search as JSON) and
//! `GET /api/v1/search/suggest` (suggestions while typing).

use crate::http::api::problem::Problem;
use axum::extract::{RawQuery, State};
use axum::Json;
use entities::catalog::search::{self, MAX_PAGE, MAX_QUERY_CHARS};
use entities::catalog::{SearchRequest, SearchResults, Suggestions};
use entities::ServiceError;
use entities::Shop;

/// The query string of a search. Parameters marked "repeatable" may appear
/// several times: the search then matches any of their values.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Documents the parameters; they are read with `SearchRequest::from_params`.
pub struct SearchParams {
    /// Free text (typo-tolerant; the last word also matches as a prefix).
    #[param(max_length = 200)]
    q: Option<String>,
    /// Only this category and those below it (slug).
    category: Option<String>,
    /// Only this vendor (slug). Repeatable.
    vendor: Option<String>,
    /// Only this brand. Repeatable.
    brand: Option<String>,
    /// Only this price range: `under-25`, `25-50`, `50-100`, `100-250`, `250-plus`. Repeatable.
    #[param(schema_with = crate::http::api::openapi::price_ranges)]
    price: Option<String>,
    /// Only products rated at least this many stars (1–4).
    #[param(minimum = 1, maximum = 4)]
    rating: Option<u8>,
    /// `1`: only products that can be bought now.
    in_stock: Option<String>,
    /// Only products with this option, as `Name:Value` (e.g. `Size:M`). Repeatable.
    option: Option<String>,
    /// `relevance` (default), `price`, `-price`, `newest` or `rating`.
    #[param(schema_with = crate::http::api::openapi::search_sorts)]
    sort: Option<String>,
    /// Page, from 1 (24 hits a page, at most 10,000 hits in all).
    #[param(minimum = 1, maximum = 416)]
    page: Option<u32>,
}

/// Parses a query string into a search request, refusing what it cannot use.
fn request(raw: Option<&str>) -> Result<SearchRequest, Problem> {
    let pairs = form_urlencoded::parse(raw.unwrap_or_default().as_bytes());
    let (request, mut problems) = SearchRequest::from_params(pairs);
    if request.q.chars().count() > MAX_QUERY_CHARS {
        problems.push(("q".into(), format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    if request.page > MAX_PAGE {
        problems.push(("page".into(), format!("must be a whole number from 1 to {MAX_PAGE}")));
    }
    if problems.is_empty() {
        Ok(request)
    } else {
        Err(ServiceError::InvalidFields(problems).into())
    }
}

/// Searches products for sale: hits in the chosen order with the title's
/// matches marked, facet counts (category, vendor, brand, price, rating,
/// stock, variant options) that stay right as filters combine, and help when
/// nothing matched.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "catalog",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits and facet counts", body = SearchResults),
        (status = 400, description = "A bad parameter (each one is listed)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(State(shop): State<Shop>, RawQuery(raw): RawQuery) -> Result<Json<SearchResults>, Problem> {
    let request = request(raw.as_deref())?;
    Ok(Json(search::search(&shop, &request).await?))
}

/// Suggestions for a search box: products, categories and brands that
/// match what was typed so far (the last word as a prefix).
#[utoipa::path(
    get,
    path = "/api/v1/search/suggest",
    tag = "catalog",
    params(("q" = Option<String>, Query, description = "What the shopper has typed", max_length = 200)),
    responses(
        (status = 200, description = "Suggestions (empty for empty text)", body = Suggestions),
        (status = 400, description = "The text is too long", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn suggest(State(shop): State<Shop>, RawQuery(raw): RawQuery) -> Result<Json<Suggestions>, Problem> {
    let request = request(raw.as_deref())?;
    Ok(Json(search::suggest(&shop, &request.q).await?))
}
