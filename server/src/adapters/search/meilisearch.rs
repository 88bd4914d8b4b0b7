//! The scaled search index: Meilisearch through meilisearch-sdk.
//!
//! Meilisearch brings typo tolerance, prefix search and ranking of its own.
//! Facets are flat there, so the category path is stored one field per level
//! (`category_lvl0` = department, `category_lvl1`, `category_lvl2`); filtering
//! on a level and counting the next gives the same contract as tantivy's
//! hierarchical facets. `replace_all` builds a second index and swaps it in,
//! so search answers from the old contents until the new ones are complete.

use entities::catalog::{price_range_key, ProductCard};
use entities::ports::{
    rating_floors, FacetGroup, PortError, SearchDocument, SearchIndex, SearchPage, SearchQuery, SearchSort,
    OPTION_SEPARATOR,
};
use meilisearch_sdk::client::Client;
use meilisearch_sdk::errors::Error as MeiliError;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{SearchResults, Selectors};
use meilisearch_sdk::settings::{PaginationSetting, Settings};
use meilisearch_sdk::task_info::TaskInfo;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

const SERVICE: &str = "meilisearch";
const LEVELS: usize = 3;
const TASK_TIMEOUT: Duration = Duration::from_secs(120);
/// The one stored field a search reads back.
const RETRIEVED: &[&str] = &["card"];

/// A product as stored in Meilisearch. Only written: a search hit carries
/// just `card` (see [`MeiliHit`]), so this never comes back whole.
#[derive(Debug, Clone, Serialize)]
struct MeiliDoc {
    id: i64,
    title: String,
    brand: String,
    vendor_name: String,
    vendor: String,
    categories: Vec<String>,
    attributes: Vec<String>,
    description: String,
    price_range: String,
    category_lvl0: Option<String>,
    category_lvl1: Option<String>,
    category_lvl2: Option<String>,
    options: Vec<String>,
    rating_floors: Vec<u8>,
    in_stock: bool,
    price: i64,
    created: i64,
    rating: i64,
    card: ProductCard,
}

/// A search hit. `displayedAttributes` is `["id", "card"]` and the search
/// asks for `card` alone, so the other fields of [`MeiliDoc`] are absent.
#[derive(Debug, Clone, Deserialize)]
struct MeiliHit {
    card: ProductCard,
}

impl From<&SearchDocument> for MeiliDoc {
    fn from(d: &SearchDocument) -> Self {
        let level = |i: usize| d.category_path.get(i).cloned();
        Self {
            id: d.card.id,
            title: d.card.title.clone(),
            brand: d.card.brand.clone(),
            vendor_name: d.card.vendor_name.clone(),
            vendor: d.vendor_slug.clone(),
            categories: d.category_names.clone(),
            attributes: d.attribute_values.clone(),
            description: d.description.clone(),
            price_range: price_range_key(d.card.price_from.minor()).to_owned(),
            category_lvl0: level(0),
            category_lvl1: level(1),
            category_lvl2: level(2),
            options: d.options.iter().map(|(name, value)| format!("{name}{OPTION_SEPARATOR}{value}")).collect(),
            rating_floors: rating_floors(&d.card),
            in_stock: d.card.in_stock,
            price: d.card.price_from.minor(),
            created: d.created_micros,
            rating: d.card.rating.map_or(0, |r| i64::from(r.average_centi)),
            card: d.card.clone(),
        }
    }
}

/// Search backed by a Meilisearch index named `name`.
#[derive(Clone)]
pub struct MeiliSearch {
    client: Client,
    name: String,
}

fn unavailable(e: impl std::fmt::Display) -> PortError {
    PortError::unavailable(SERVICE, e)
}

impl MeiliSearch {
    /// Connects to `url` and makes sure index `name` exists with our settings.
    ///
    /// # Errors
    /// When the server cannot be reached or refuses the settings.
    pub async fn connect(url: &str, api_key: Option<&str>, name: &str) -> Result<Self, PortError> {
        let client = Client::new(url, api_key).map_err(unavailable)?;
        client.health().await.map_err(unavailable)?;
        let this = Self { client, name: name.to_owned() };
        this.configure(&this.index()).await?;
        Ok(this)
    }

    fn index(&self) -> Index {
        self.client.index(&self.name)
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), PortError> {
        let done = task.wait_for_completion(&self.client, None, Some(TASK_TIMEOUT)).await.map_err(unavailable)?;
        if done.is_failure() {
            return Err(PortError::bad_data(SERVICE, format!("task failed: {done:?}")));
        }
        Ok(())
    }

    async fn configure(&self, index: &Index) -> Result<(), PortError> {
        let settings = Settings::new()
            .with_searchable_attributes(["title", "brand", "vendor_name", "categories", "attributes", "description"])
            .with_filterable_attributes([
                "vendor",
                "brand",
                "price_range",
                "category_lvl0",
                "category_lvl1",
                "category_lvl2",
                "options",
                "rating_floors",
                "in_stock",
            ])
            .with_sortable_attributes(["price", "created", "rating"])
            .with_displayed_attributes(["id", "card"])
            // A chosen sort orders every match, as tantivy does; Meilisearch's
            // default rules apply `sort` only after words/typo/proximity/attribute.
            .with_ranking_rules(["sort", "words", "typo", "proximity", "attribute", "exactness"])
            // The defaults stop paging at 1000 hits and return 100 values per
            // facet; `options` holds every `Name=Value` pair of the catalogue.
            .with_pagination(PaginationSetting { max_total_hits: 10_000 })
            .with_max_values_per_facet(1_000);
        let task = index.set_settings(&settings).await.map_err(unavailable)?;
        self.wait(task).await
    }

    fn filter(q: &SearchQuery) -> Vec<String> {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let any_of = |field: &str, values: &[String]| {
            format!("{field} IN [{}]", values.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", "))
        };
        let mut filters = Vec::new();
        if let Some(path) = q.category_path.as_ref().filter(|p| !p.is_empty()) {
            let depth = path.len().min(LEVELS) - 1;
            filters.push(format!("category_lvl{depth} = {}", quote(&path[depth])));
        }
        if !q.vendors.is_empty() {
            filters.push(any_of("vendor", &q.vendors));
        }
        if !q.brands.is_empty() {
            filters.push(any_of("brand", &q.brands));
        }
        if !q.price_ranges.is_empty() {
            filters.push(any_of("price_range", &q.price_ranges));
        }
        if let Some(n) = q.min_rating {
            filters.push(format!("rating_floors = {n}"));
        }
        if q.in_stock {
            filters.push("in_stock = true".to_owned());
        }
        let mut names: Vec<&str> = q.options.iter().map(|(n, _)| n.as_str()).collect();
        names.dedup();
        for name in names {
            let values: Vec<String> =
                q.options.iter().filter(|(n, _)| n == name).map(|(n, v)| format!("{n}{OPTION_SEPARATOR}{v}")).collect();
            filters.push(any_of("options", &values));
        }
        filters
    }

    /// One search: hits (when `limit` > 0) and the distribution of `facets`.
    async fn run(&self, q: &SearchQuery, facets: &[&str], limit: usize) -> Result<SearchResults<MeiliHit>, PortError> {
        let index = self.index();
        let filter = Self::filter(q).join(" AND ");
        let sort: Option<&str> = match q.sort {
            SearchSort::Relevance => None,
            SearchSort::PriceAsc => Some("price:asc"),
            SearchSort::PriceDesc => Some("price:desc"),
            SearchSort::Newest => Some("created:desc"),
            SearchSort::Rating => Some("rating:desc"),
        };
        let sort_by = sort.map(|s| [s]);
        let mut search = index.search();
        search
            .with_query(&q.text)
            .with_limit(limit)
            .with_offset(q.offset)
            .with_facets(Selectors::Some(facets))
            .with_attributes_to_retrieve(Selectors::Some(RETRIEVED));
        if !filter.is_empty() {
            search.with_filter(&filter);
        }
        if let Some(sort_by) = &sort_by {
            search.with_sort(sort_by);
        }
        search.execute::<MeiliHit>().await.map_err(|e| match e {
            // Meilisearch answered, but not in the shape we read.
            MeiliError::ParseError(e) => PortError::bad_data(SERVICE, e),
            e => unavailable(e),
        })
    }
}

fn facet_name(group: &FacetGroup, category_facet: &str) -> String {
    match group {
        FacetGroup::Category => category_facet.to_owned(),
        FacetGroup::Vendor => "vendor".to_owned(),
        FacetGroup::Brand => "brand".to_owned(),
        FacetGroup::Price => "price_range".to_owned(),
        FacetGroup::Rating => "rating_floors".to_owned(),
        FacetGroup::Stock => "in_stock".to_owned(),
        FacetGroup::Option(_) => "options".to_owned(),
    }
}

/// Writes the counts of `facet` from `found` into `page` (options: only
/// those of `option_name` when given).
fn apply_counts(
    page: &mut SearchPage,
    found: &Option<HashMap<String, HashMap<String, usize>>>,
    facet: &str,
    group: &FacetGroup,
) {
    let values = counts(found, facet);
    match group {
        FacetGroup::Category => page.category_counts = values,
        FacetGroup::Vendor => page.vendor_counts = values,
        FacetGroup::Brand => page.brand_counts = values,
        FacetGroup::Price => page.price_counts = values,
        FacetGroup::Rating => {
            page.rating_counts = values.into_iter().filter_map(|(k, n)| Some((k.parse().ok()?, n))).collect();
            page.rating_counts.sort_unstable();
        }
        FacetGroup::Stock => page.in_stock_count = values.iter().find(|(k, _)| k == "true").map_or(0, |(_, n)| *n),
        FacetGroup::Option(name) => {
            page.option_counts.retain(|(n, _, _)| n != name);
            page.option_counts.extend(values.into_iter().filter_map(|(k, count)| {
                let (n, v) = k.split_once(OPTION_SEPARATOR)?;
                (n == name).then(|| (n.to_owned(), v.to_owned(), count))
            }));
        }
    }
}

fn counts(distribution: &Option<HashMap<String, HashMap<String, usize>>>, facet: &str) -> Vec<(String, u64)> {
    distribution
        .as_ref()
        .and_then(|d| d.get(facet))
        .map(|values| values.iter().map(|(k, n)| (k.clone(), *n as u64)).collect())
        .unwrap_or_default()
}

#[async_trait::async_trait]
impl SearchIndex for MeiliSearch {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn search(&self, q: &SearchQuery) -> Result<SearchPage, PortError> {
        let depth = q.category_path.as_ref().map_or(0, Vec::len).min(LEVELS - 1);
        let category_facet = format!("category_lvl{depth}");
        let all = [category_facet.as_str(), "vendor", "brand", "price_range", "rating_floors", "in_stock", "options"];
        let facets: &[&str] = if q.skip_facets { &[] } else { &all };
        let found = self.run(q, facets, q.limit).await?;
        let mut page = SearchPage {
            total: found.estimated_total_hits.or(found.total_hits).unwrap_or(found.hits.len()) as u64,
            ..SearchPage::default()
        };
        for group in [
            FacetGroup::Category,
            FacetGroup::Vendor,
            FacetGroup::Brand,
            FacetGroup::Price,
            FacetGroup::Rating,
            FacetGroup::Stock,
        ] {
            apply_counts(&mut page, &found.facet_distribution, &facet_name(&group, &category_facet), &group);
        }
        page.option_counts = counts(&found.facet_distribution, "options")
            .into_iter()
            .filter_map(|(k, n)| k.split_once(OPTION_SEPARATOR).map(|(a, b)| (a.to_owned(), b.to_owned(), n)))
            .collect();
        page.hits = found.hits.into_iter().map(|h| h.result.card).collect();
        // A filtered facet is recounted without its own filter (see the port).
        for group in q.active_groups().into_iter().filter(|_| !q.skip_facets) {
            let facet = facet_name(&group, &category_facet);
            let recount = self.run(&q.without(&group), &[facet.as_str()], 0).await?;
            apply_counts(&mut page, &recount.facet_distribution, &facet, &group);
        }
        Ok(page)
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), PortError> {
        let docs: Vec<MeiliDoc> = docs.iter().map(MeiliDoc::from).collect();
        let task = self.index().add_or_replace(&docs, Some("id")).await.map_err(unavailable)?;
        self.wait(task).await
    }

    async fn remove(&self, product_ids: &[i64]) -> Result<(), PortError> {
        let task = self.index().delete_documents(product_ids).await.map_err(unavailable)?;
        self.wait(task).await
    }

    async fn replace_all(&self, docs: Vec<SearchDocument>) -> Result<(), PortError> {
        let staging_name = format!("{}_rebuild", self.name);
        let staging = self.client.index(&staging_name);
        if let Ok(task) = self.client.index(&staging_name).delete().await {
            let _ = self.wait(task).await;
        }
        let task = self.client.create_index(&staging_name, Some("id")).await.map_err(unavailable)?;
        self.wait(task).await?;
        self.configure(&staging).await?;
        let docs: Vec<MeiliDoc> = docs.iter().map(MeiliDoc::from).collect();
        for chunk in docs.chunks(5_000) {
            let task = staging.add_or_replace(chunk, Some("id")).await.map_err(unavailable)?;
            self.wait(task).await?;
        }
        let swap =
            meilisearch_sdk::client::SwapIndexes { indexes: (self.name.clone(), staging_name.clone()), rename: None };
        let task = self.client.swap_indexes([&swap]).await.map_err(unavailable)?;
        self.wait(task).await?;
        let task = self.client.index(&staging_name).delete().await.map_err(unavailable)?;
        self.wait(task).await
    }

    async fn count(&self) -> Result<u64, PortError> {
        let stats = self.index().get_stats().await.map_err(unavailable)?;
        Ok(stats.number_of_documents as u64)
    }
}
