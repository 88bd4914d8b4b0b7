//! Storefront search: turns a shopper's request into a port query, and the
//! port's raw facet counts into labelled facets; highlights matches; helps
//! when nothing matched; suggests as the shopper types.

use crate::catalog::browse;
use crate::catalog::{
    CategoryLink, FacetValue, Facets, Mark, NoResultsHelp, OptionFacet, SearchHit, SearchRequest, SearchResults,
    SuggestedProduct, Suggestions, PRICE_RANGES,
};
use crate::kernel::read_cache::{cached_in, Scope};
use crate::model::{category, vendor};
use crate::ports::{SearchPage, SearchQuery, SearchSort};
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{EntityTrait, QueryOrder};
use std::collections::HashMap;

/// Hits per search page.
pub const PAGE_SIZE: usize = 24;
/// Deepest page a shopper can ask for: ranking past 10,000 hits serves nobody,
/// and a huge offset would make the index collect that many documents.
pub const MAX_PAGE: u32 = (10_000 / PAGE_SIZE) as u32;
/// Longest query text used.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most query words used (the index ignores the rest too).
const MAX_WORDS: usize = 12;
/// Popular products shown when nothing matched.
const POPULAR: u64 = 8;
/// Suggestions of each kind while typing.
const SUGGEST_PRODUCTS: usize = 6;
const SUGGEST_OTHERS: usize = 4;

/// Runs a storefront search. Unknown filter values match nothing rather than
/// being ignored, so a shared link never shows more than it said.
///
/// # Errors
/// When the search index or the database fails.
#[tracing::instrument(skip(shop))]
pub async fn search(shop: &Shop, request: &SearchRequest) -> ServiceResult<SearchResults> {
    // Cached by the whole request (see read_cache): popular searches and facet
    // clicks repeat, and each one costs index queries plus labels.
    let key = format!("search:{}", serde_json::to_string(request).unwrap_or_default());
    // Boxed: the search's future is large (several index and database
    // calls), and left inline it would sit on the caller's stack.
    cached_in(shop.cache.as_ref(), Scope::Search, &key, Box::pin(run_search(shop, request))).await
}

fn sort_of(request: &SearchRequest) -> SearchSort {
    match request.sort.as_deref() {
        Some("price") => SearchSort::PriceAsc,
        Some("-price") => SearchSort::PriceDesc,
        Some("newest") => SearchSort::Newest,
        Some("rating") => SearchSort::Rating,
        _ => SearchSort::Relevance,
    }
}

fn clean_text(text: &str) -> String {
    text.trim().chars().take(MAX_QUERY_CHARS).collect()
}

fn port_query(names: &Names, request: &SearchRequest) -> SearchQuery {
    let category_path =
        request.category.as_deref().map(|slug| names.paths.get(slug).cloned().unwrap_or_else(|| vec![slug.to_owned()]));
    SearchQuery {
        text: clean_text(&request.q),
        category_path,
        vendors: request.vendors.clone(),
        brands: request.brands.clone(),
        price_ranges: request.prices.clone(),
        min_rating: request.rating,
        in_stock: request.in_stock,
        options: request.options.clone(),
        sort: sort_of(request),
        skip_facets: false,
        offset: 0,
        limit: PAGE_SIZE,
    }
}

async fn run_search(shop: &Shop, request: &SearchRequest) -> ServiceResult<SearchResults> {
    let mut page = request.page.clamp(1, MAX_PAGE);
    let names = names(shop).await?;
    let mut query = port_query(&names, request);
    query.offset = (page as usize - 1) * PAGE_SIZE;
    let mut found = shop.search.search(&query).await?;
    let total_pages = (found.total as usize).div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE as usize) as u32;
    if page > total_pages {
        // Past the end (an old link): show the last page instead of nothing.
        page = total_pages;
        query.offset = (page as usize - 1) * PAGE_SIZE;
        found = shop.search.search(&query).await?;
    }
    let help = if found.total == 0 { Some(no_results_help(shop, request, &query).await?) } else { None };
    let facets = facets(&names, request, &found);
    let hits = found
        .hits
        .into_iter()
        .map(|card| SearchHit { title_marks: highlight(&card.title, &query.text), card })
        .collect();
    Ok(SearchResults { hits, total: found.total, page, total_pages, facets, help })
}

fn facets(names: &Names, request: &SearchRequest, found: &SearchPage) -> Facets {
    let chosen = |list: &[String], key: &str| list.iter().any(|v| v == key);
    let mut vendors = label(&found.vendor_counts, &names.vendors, |k| chosen(&request.vendors, k));
    keep_selected(&mut vendors, &request.vendors);
    let mut brands = label(&found.brand_counts, &HashMap::new(), |k| chosen(&request.brands, k));
    keep_selected(&mut brands, &request.brands);
    let category = request.category.as_deref();
    let categories = label(&found.category_counts, &names.categories, |k| Some(k) == category);
    let price_ranges = PRICE_RANGES
        .iter()
        .filter_map(|(key, name, ..)| {
            let count = found.price_counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            let selected = chosen(&request.prices, key);
            (count > 0 || selected).then(|| FacetValue {
                key: (*key).to_owned(),
                label: (*name).to_owned(),
                count,
                selected,
            })
        })
        .collect();
    let ratings = (1..=4u8)
        .rev()
        .filter_map(|n| {
            let count = found.rating_counts.iter().find(|(k, _)| *k == n).map_or(0, |(_, c)| *c);
            let selected = request.rating == Some(n);
            (count > 0 || selected).then(|| FacetValue {
                key: n.to_string(),
                label: format!("{n} stars & up"),
                count,
                selected,
            })
        })
        .collect();
    let in_stock = (found.in_stock_count > 0 || request.in_stock).then(|| FacetValue {
        key: "1".to_owned(),
        label: "In stock".to_owned(),
        count: found.in_stock_count,
        selected: request.in_stock,
    });
    Facets { categories, vendors, brands, price_ranges, ratings, in_stock, options: options(request, found) }
}

/// Option facets by name, values in a shopper's order (sizes small to large).
fn options(request: &SearchRequest, found: &SearchPage) -> Vec<OptionFacet> {
    let mut by_name: Vec<OptionFacet> = Vec::new();
    let mut add = |name: &str, value: &str, count: u64| {
        let selected = request.options.iter().any(|(n, v)| n == name && v == value);
        let facet = match by_name.iter_mut().find(|f| f.name == name) {
            Some(facet) => facet,
            None => {
                by_name.push(OptionFacet { name: name.to_owned(), values: Vec::new() });
                by_name.last_mut().expect("just pushed")
            }
        };
        if !facet.values.iter().any(|v| v.label == value) {
            facet.values.push(FacetValue { key: format!("{name}:{value}"), label: value.to_owned(), count, selected });
        }
    };
    for (name, value, count) in &found.option_counts {
        add(name, value, *count);
    }
    for (name, value) in &request.options {
        add(name, value, 0);
    }
    for facet in &mut by_name {
        facet.values.sort_by_key(|v| value_order(&v.label));
    }
    by_name.sort_by(|a, b| a.name.cmp(&b.name));
    by_name
}

/// Clothing sizes in size order, everything else alphabetically after them.
fn value_order(value: &str) -> (usize, String) {
    const SIZES: [&str; 9] = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"];
    match SIZES.iter().position(|s| s.eq_ignore_ascii_case(value)) {
        Some(i) => (i, String::new()),
        None => (SIZES.len(), value.to_lowercase()),
    }
}

/// Makes sure a selected value is listed (with 0) even when nothing has it,
/// so the shopper can unselect it.
fn keep_selected(values: &mut Vec<FacetValue>, selected: &[String]) {
    for key in selected {
        if !values.iter().any(|v| &v.key == key) {
            values.push(FacetValue { key: key.clone(), label: key.clone(), count: 0, selected: true });
        }
    }
}

async fn no_results_help(shop: &Shop, request: &SearchRequest, query: &SearchQuery) -> ServiceResult<NoResultsHelp> {
    let count = |q: SearchQuery| async move {
        let q = SearchQuery { limit: 0, offset: 0, skip_facets: true, ..q };
        Ok::<u64, crate::ServiceError>(shop.search.search(&q).await?.total)
    };
    let without_filters = if request.has_filters() {
        Some(count(SearchQuery { text: query.text.clone(), ..SearchQuery::default() }).await?).filter(|n| *n > 0)
    } else {
        None
    };
    let mut try_instead = Vec::new();
    let words = words(&query.text);
    if words.len() > 1 {
        for word in &words {
            let n = count(SearchQuery { text: word.clone(), ..query.clone() }).await?;
            if n > 0 {
                try_instead.push(FacetValue { key: word.clone(), label: word.clone(), count: n, selected: false });
            }
        }
        try_instead.sort_by_key(|t| std::cmp::Reverse(t.count));
        try_instead.truncate(3);
    }
    Ok(NoResultsHelp { without_filters, try_instead, popular: browse::featured_products(shop, POPULAR).await? })
}

/// Suggestions for what a shopper has typed so far: products, categories
/// and brands.
///
/// # Errors
/// When the search index or the database fails.
#[tracing::instrument(skip(shop))]
pub async fn suggest(shop: &Shop, typed: &str) -> ServiceResult<Suggestions> {
    let text = clean_text(typed);
    if words(&text).is_empty() {
        return Ok(Suggestions::default());
    }
    let key = format!("suggest:{}", text.to_lowercase());
    cached_in(
        shop.cache.as_ref(),
        Scope::Search,
        &key,
        Box::pin(async {
            let found = shop
                .search
                .search(&SearchQuery { text: text.clone(), limit: SUGGEST_PRODUCTS * 2, ..Default::default() })
                .await?;
            let mut products: Vec<SuggestedProduct> = Vec::new();
            for card in found.hits {
                if products.len() < SUGGEST_PRODUCTS && !products.iter().any(|p| p.title == card.title) {
                    products.push(SuggestedProduct {
                        title_marks: highlight(&card.title, &text),
                        slug: card.slug,
                        title: card.title,
                    });
                }
            }
            let mut brands: Vec<(String, u64)> =
                found.brand_counts.into_iter().filter(|(brand, _)| !highlight(brand, &text).is_empty()).collect();
            brands.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let categories = category::Entity::find()
                .order_by_asc(category::Column::Depth)
                .order_by_asc(category::Column::Position)
                .order_by_asc(category::Column::Id)
                .all(&shop.db)
                .await?
                .into_iter()
                .filter(|c| !highlight(&c.name, &text).is_empty())
                .take(SUGGEST_OTHERS)
                .map(|c| CategoryLink { slug: c.slug, name: c.name })
                .collect();
            Ok(Suggestions {
                products,
                categories,
                brands: brands.into_iter().take(SUGGEST_OTHERS).map(|(b, _)| b).collect(),
            })
        }),
    )
    .await
}

/// What turns facet keys into labels and a category into its path: a few
/// dozen rows, read once per catalog generation (see `read_cache`), not once
/// per search.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Names {
    categories: HashMap<String, String>,
    vendors: HashMap<String, String>,
    /// Category slug → slugs from the root down to it.
    paths: HashMap<String, Vec<String>>,
}

async fn names(shop: &Shop) -> ServiceResult<Names> {
    cached_in(shop.cache.as_ref(), Scope::Catalog, "search-names", async {
        let categories = category::Entity::find().all(&shop.db).await?;
        let slug_of: HashMap<i64, String> = categories.iter().map(|c| (c.id, c.slug.clone())).collect();
        let paths = categories
            .iter()
            .map(|c| {
                let path =
                    c.path.split('/').filter_map(|s| s.parse().ok()).filter_map(|id: i64| slug_of.get(&id).cloned());
                (c.slug.clone(), path.collect())
            })
            .collect();
        Ok(Names {
            categories: categories.into_iter().map(|c| (c.slug, c.name)).collect(),
            vendors: vendor::Entity::find().all(&shop.db).await?.into_iter().map(|v| (v.slug, v.name)).collect(),
            paths,
        })
    })
    .await
}

fn label(
    counts: &[(String, u64)],
    names: &HashMap<String, String>,
    selected: impl Fn(&str) -> bool,
) -> Vec<FacetValue> {
    let mut values: Vec<FacetValue> = counts
        .iter()
        .map(|(key, count)| FacetValue {
            label: names.get(key).cloned().unwrap_or_else(|| key.clone()),
            selected: selected(key),
            key: key.clone(),
            count: *count,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    values
}

/// Lower-cased words of letters and digits, as the indexes cut them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_WORDS)
        .collect()
}

/// How many typos a query word of this length may have (as the indexes allow).
fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The words of `text` that the query `query` matches, as byte ranges: a
/// word equal to a query word, within its typo budget, or — for the last
/// query word, as the shopper may still be typing it — starting with it.
pub fn highlight(text: &str, query: &str) -> Vec<Mark> {
    let query_words = words(query);
    let Some(last) = query_words.len().checked_sub(1) else { return Vec::new() };
    let mut marks = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphanumeric() && i < text.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = text[s..i].to_lowercase();
                let hit = query_words.iter().enumerate().any(|(n, q)| {
                    word == *q
                        || (n == last && q.chars().count() >= 2 && word.starts_with(q.as_str()))
                        || edit_distance_within(&word, q, typo_budget(q))
                });
                if hit {
                    marks.push(Mark { start: s as u32, end: i as u32 });
                }
                start = None;
            }
            _ => {}
        }
    }
    marks
}

/// Whether `a` becomes `b` with at most `max` single-character insertions,
/// deletions, substitutions or swaps of neighbours.
fn edit_distance_within(a: &str, b: &str, max: usize) -> bool {
    if max == 0 {
        return a == b;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Optimal string alignment distance, three rows.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        highlight(text, query).iter().map(|m| &text[m.start as usize..m.end as usize]).collect()
    }

    #[test]
    fn highlights_exact_typo_and_prefix_matches() {
        assert_eq!(marked("Cosy Wool Sweater", "wool sweatr"), ["Wool", "Sweater"]);
        assert_eq!(marked("Cosy Wool Sweater", "swe"), ["Sweater"], "the last word as a prefix");
        assert_eq!(marked("Cosy Wool Sweater", "swe wool"), ["Wool"], "only the last word is a prefix");
        assert_eq!(marked("Red Hat", "rod"), Vec::<&str>::new(), "short words allow no typo");
        assert_eq!(marked("Trainers", "trainres"), ["Trainers"], "a swap is one typo");
        assert!(highlight("anything", "  ").is_empty());
    }

    #[test]
    fn edit_distances_are_bounded() {
        assert!(edit_distance_within("sweater", "sweatr", 1));
        assert!(!edit_distance_within("sweater", "swtr", 2));
        assert!(edit_distance_within("abcd", "abdc", 1));
        assert!(!edit_distance_within("kitten", "sitting", 2));
        assert!(edit_distance_within("kitten", "sitting", 3));
    }

    #[test]
    fn sizes_sort_small_to_large_before_other_values() {
        let mut values = vec!["XL", "Blue", "S", "M", "Amber"];
        values.sort_by_key(|v| value_order(v));
        assert_eq!(values, ["S", "M", "XL", "Amber", "Blue"]);
    }
}
