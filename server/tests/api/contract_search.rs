//! The `SearchIndex` contract, run against every adapter: tantivy in memory
//! and on disk here; a real Meilisearch at `BAZAAR_TEST_MEILI`
//! (`./dev.sh test` starts one; in CI its absence fails the suite).

use entities::catalog::{ProductCard, Rating};
use entities::ports::{SearchDocument, SearchIndex, SearchQuery, SearchSort};
use entities::{Currency, Money};
use server::adapters::{search::meilisearch::MeiliSearch, search::tantivy::TantivySearch};

fn doc(id: i64, title: &str, vendor: (&str, &str), path: &[&str], price: i64, attrs: &[&str]) -> SearchDocument {
    SearchDocument {
        card: ProductCard {
            id,
            slug: format!("p-{id}"),
            title: title.to_owned(),
            brand: "Aster".to_owned(),
            vendor_name: vendor.1.to_owned(),
            price_from: Money::from_minor(price, Currency::Eur),
            in_stock: true,
            rating: None,
            image_folder: None,
        },
        options: Vec::new(),
        created_micros: id * 1_000_000,
        description: format!("A fine {title} for everyday use."),
        vendor_slug: vendor.0.to_owned(),
        category_path: path.iter().map(|s| (*s).to_owned()).collect(),
        category_names: path.iter().map(|s| s.replace('-', " ")).collect(),
        attribute_values: attrs.iter().map(|s| (*s).to_owned()).collect(),
    }
}

const ACME: (&str, &str) = ("acme", "Acme Goods");
const LOOM: (&str, &str) = ("loom", "Urban Loom");

/// Brand, options, rating and stock of a fixture product.
type Extras = (&'static str, &'static [(&'static str, &'static str)], u16, bool);

fn fixture() -> Vec<SearchDocument> {
    let mut docs = vec![
        doc(1, "Merino Wool Sweater", LOOM, &["clothing", "knitwear"], 8_999, &["Navy", "Wool"]),
        doc(2, "Cotton T-Shirt", LOOM, &["clothing", "tops"], 1_999, &["White", "Cotton"]),
        doc(3, "Trail Running Shoe", ACME, &["shoes", "running"], 12_999, &["Black", "Mesh"]),
        doc(4, "Cast Iron Frying Pan", ACME, &["home", "cookware"], 4_499, &["Black", "Cast Iron"]),
        doc(5, "Wool Throw Blanket", ACME, &["home", "textiles"], 5_999, &["Grey", "Wool"]),
        doc(6, "Wireless Headphones", ACME, &["electronics", "audio"], 29_999, &["Black"]),
    ];
    // Brand, options, rating (× 100, 0 = none) and stock of each.
    let extras: [Extras; 6] = [
        ("Aster", &[("Size", "M"), ("Size", "L"), ("Colour", "Navy")], 450, true),
        ("Aster", &[("Size", "S"), ("Size", "M"), ("Colour", "White")], 320, true),
        ("Borealis", &[("Size", "42"), ("Colour", "Black")], 0, false),
        ("Borealis", &[], 480, true),
        ("Aster", &[("Colour", "Grey")], 150, true),
        ("Cirrus", &[("Colour", "Black")], 390, false),
    ];
    for (d, (brand, options, rating, in_stock)) in docs.iter_mut().zip(extras) {
        d.card.brand = brand.to_owned();
        d.options = options.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
        d.card.rating = (rating > 0).then_some(Rating { average_centi: rating, count: 3 });
        d.card.in_stock = in_stock;
    }
    docs
}

/// Ids in the order the index gave them.
fn ordered(page: &entities::ports::SearchPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.id).collect()
}

fn option_count(page: &entities::ports::SearchPage, name: &str, value: &str) -> u64 {
    page.option_counts.iter().find(|(n, v, _)| n == name && v == value).map_or(0, |(_, _, c)| *c)
}

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.to_owned(), limit: 10, ..Default::default() }
}

fn ids(page: &entities::ports::SearchPage) -> Vec<i64> {
    let mut ids: Vec<i64> = page.hits.iter().map(|h| h.id).collect();
    ids.sort_unstable();
    ids
}

fn count_of(counts: &[(String, u64)], key: &str) -> u64 {
    counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
}

async fn search_contract(index: &dyn SearchIndex) {
    index.replace_all(fixture()).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 6);

    // Full text over title, vendor and attributes.
    assert_eq!(ids(&index.search(&query("sweater")).await.unwrap()), vec![1]);
    assert_eq!(ids(&index.search(&query("wool")).await.unwrap()), vec![1, 5]);
    assert_eq!(ids(&index.search(&query("urban loom")).await.unwrap()), vec![1, 2], "vendor names are searched");
    assert_eq!(ids(&index.search(&query("navy")).await.unwrap()), vec![1], "attribute values are searched");

    // Typos and prefixes.
    assert_eq!(ids(&index.search(&query("sweatre")).await.unwrap()), vec![1], "a transposition is forgiven");
    assert_eq!(ids(&index.search(&query("headphnes")).await.unwrap()), vec![6], "a missing letter is forgiven");
    assert_eq!(ids(&index.search(&query("headph")).await.unwrap()), vec![6], "the last word matches as a prefix");
    assert!(index.search(&query("zzzzqqq")).await.unwrap().hits.is_empty());

    // Exact matches rank above fuzzy ones.
    let ranked = index.search(&query("cotton")).await.unwrap();
    assert_eq!(ranked.hits.first().map(|h| h.id), Some(2));

    // Empty text lists everything, paged.
    let all = index.search(&SearchQuery { limit: 4, ..Default::default() }).await.unwrap();
    assert_eq!((all.total, all.hits.len()), (6, 4));
    let rest = index.search(&SearchQuery { limit: 4, offset: 4, ..Default::default() }).await.unwrap();
    assert_eq!(rest.hits.len(), 2);

    // Facet counts over all matches.
    assert_eq!(count_of(&all.vendor_counts, "acme"), 4);
    assert_eq!(count_of(&all.vendor_counts, "loom"), 2);
    assert_eq!(count_of(&all.category_counts, "clothing"), 2);
    assert_eq!(count_of(&all.category_counts, "home"), 2);
    assert_eq!(count_of(&all.price_counts, "under-25"), 1);
    assert_eq!(count_of(&all.price_counts, "250-plus"), 1);

    // Filters, and facet counts one level below a chosen category.
    let home = index
        .search(&SearchQuery { category_path: Some(vec!["home".into()]), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(ids(&home), vec![4, 5]);
    assert_eq!(count_of(&home.category_counts, "cookware"), 1);
    assert_eq!(count_of(&home.category_counts, "textiles"), 1);
    let acme_wool = index
        .search(&SearchQuery { text: "wool".into(), vendors: vec!["acme".into()], limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(ids(&acme_wool), vec![5]);
    let cheap = index
        .search(&SearchQuery { price_ranges: vec!["under-25".into()], limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(ids(&cheap), vec![2]);

    sorts_and_facets_contract(index).await;

    // Upsert replaces by id; remove deletes.
    let mut renamed = fixture().remove(0);
    renamed.card.title = "Alpaca Cardigan".into();
    index.upsert(vec![renamed]).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 6);
    let found = index.search(&query("alpaca")).await.unwrap();
    assert_eq!(
        found.hits.iter().map(|h| h.title.as_str()).collect::<Vec<_>>(),
        vec!["Alpaca Cardigan"],
        "the new title is indexed"
    );
    assert_eq!(ids(&index.search(&query("alpaca")).await.unwrap()), vec![1]);
    index.remove(&[1, 2]).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 4);
    assert!(index.search(&query("alpaca")).await.unwrap().hits.is_empty());

    // Replace all swaps the whole contents.
    index.replace_all(fixture().into_iter().take(2).collect()).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 2);
}

/// Sorts, and facets that combine: values of one facet are alternatives,
/// and each facet is counted without its own filter.
async fn sorts_and_facets_contract(index: &dyn SearchIndex) {
    let all = |sort| SearchQuery { sort, limit: 10, ..Default::default() };
    let run = |q: SearchQuery| async move { index.search(&q).await.unwrap() };
    assert_eq!(ordered(&run(all(SearchSort::PriceAsc)).await), [2, 4, 5, 1, 3, 6]);
    assert_eq!(ordered(&run(all(SearchSort::PriceDesc)).await), [6, 3, 1, 5, 4, 2]);
    assert_eq!(ordered(&run(all(SearchSort::Newest)).await), [6, 5, 4, 3, 2, 1]);
    assert_eq!(ordered(&run(all(SearchSort::Rating)).await), [4, 1, 6, 2, 5, 3], "unrated last");
    let second_page = run(SearchQuery { offset: 2, limit: 2, ..all(SearchSort::PriceAsc) }).await;
    assert_eq!(ordered(&second_page), [5, 1], "sorted pages continue where the last stopped");
    let wool_by_price = run(SearchQuery { text: "wool".into(), ..all(SearchSort::PriceDesc) }).await;
    assert_eq!(ordered(&wool_by_price), [1, 5], "a sort applies to the matches of the text");

    let everything = run(all(SearchSort::Relevance)).await;
    assert_eq!(count_of(&everything.brand_counts, "Aster"), 3);
    assert_eq!(everything.rating_counts, [(1, 5), (2, 4), (3, 4), (4, 2)], "n stars and up");
    assert_eq!(everything.in_stock_count, 4);
    assert_eq!(option_count(&everything, "Size", "M"), 2);
    assert_eq!(option_count(&everything, "Colour", "Black"), 2);

    // A count alone: no hits, no facets.
    let counted = run(SearchQuery { text: "wool".into(), skip_facets: true, limit: 0, ..Default::default() }).await;
    assert_eq!((counted.total, counted.hits.len(), counted.vendor_counts.len()), (2, 0, 0));

    // Values of one facet are alternatives.
    let two_vendors =
        run(SearchQuery { vendors: vec!["acme".into(), "loom".into()], ..all(SearchSort::Relevance) }).await;
    assert_eq!(two_vendors.total, 6);
    let cheap_or_dear =
        run(SearchQuery { price_ranges: vec!["under-25".into(), "250-plus".into()], ..all(SearchSort::Relevance) })
            .await;
    assert_eq!(ids(&cheap_or_dear), [2, 6]);

    // Brand and vendor together: each facet counted without its own filter.
    let acme_aster =
        run(SearchQuery { vendors: vec!["acme".into()], brands: vec!["Aster".into()], ..all(SearchSort::Relevance) })
            .await;
    assert_eq!(ids(&acme_aster), [5]);
    assert_eq!(count_of(&acme_aster.brand_counts, "Aster"), 1, "brands among acme's products");
    assert_eq!(count_of(&acme_aster.brand_counts, "Borealis"), 2, "what adding Borealis would give");
    assert_eq!(count_of(&acme_aster.vendor_counts, "loom"), 2, "vendors among Aster's products");
    assert_eq!(count_of(&acme_aster.vendor_counts, "acme"), 1);
    assert_eq!(count_of(&acme_aster.price_counts, "50-100"), 1, "other facets follow every filter");
    assert_eq!(count_of(&acme_aster.price_counts, "under-25"), 0);

    // Rating and stock.
    let rated = run(SearchQuery { min_rating: Some(4), ..all(SearchSort::Relevance) }).await;
    assert_eq!(ids(&rated), [1, 4]);
    assert_eq!(rated.rating_counts, [(1, 5), (2, 4), (3, 4), (4, 2)], "counted without the rating filter");
    let stocked = run(SearchQuery { in_stock: true, ..all(SearchSort::Relevance) }).await;
    assert_eq!(ids(&stocked), [1, 2, 4, 5]);
    assert_eq!(count_of(&stocked.vendor_counts, "acme"), 2, "other facets follow the stock filter");

    // Options: values of a name are alternatives, names combine.
    let m_or_s = run(SearchQuery {
        options: vec![("Size".into(), "M".into()), ("Size".into(), "S".into())],
        ..all(SearchSort::Relevance)
    })
    .await;
    assert_eq!(ids(&m_or_s), [1, 2]);
    let large_navy = run(SearchQuery {
        options: vec![("Size".into(), "L".into()), ("Colour".into(), "Navy".into())],
        ..all(SearchSort::Relevance)
    })
    .await;
    assert_eq!(ids(&large_navy), [1]);
    let large = run(SearchQuery { options: vec![("Size".into(), "L".into())], ..all(SearchSort::Relevance) }).await;
    assert_eq!(ids(&large), [1]);
    assert_eq!(option_count(&large, "Size", "M"), 2, "sizes counted without the size filter");
    assert_eq!(option_count(&large, "Size", "42"), 1);
    assert_eq!(option_count(&large, "Colour", "Navy"), 1, "colours counted with it");
    assert_eq!(option_count(&large, "Colour", "Black"), 0);
}

#[tokio::test]
async fn tantivy_in_memory_keeps_the_contract() {
    search_contract(&TantivySearch::in_memory().unwrap()).await;
}

#[tokio::test]
async fn tantivy_on_disk_keeps_the_contract_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    search_contract(&TantivySearch::open(dir.path()).unwrap()).await;
    // Reopen only after the first instance (and its writer lock) is gone.
    let reopened = TantivySearch::open(dir.path()).unwrap();
    assert_eq!(reopened.count().await.unwrap(), 2);
}

#[tokio::test]
async fn meilisearch_keeps_the_contract_when_configured() {
    let Some(url) = crate::helpers::service_url("BAZAAR_TEST_MEILI", "the Meilisearch contract suite") else { return };
    let key = std::env::var("BAZAAR_TEST_MEILI_KEY").ok();
    let name = format!("bazaar_test_{}", uuid::Uuid::new_v4().simple());
    let index =
        MeiliSearch::connect(&url, key.as_deref(), &name).await.expect("Meilisearch answers at BAZAAR_TEST_MEILI");
    search_contract(&index).await;
}

/// A whole store on Meilisearch: the seed is indexed there, and the search
/// page and the search API answer from it (before the hits were read in a
/// shape Meilisearch does not send, so both failed while `/readyz` said 200).
#[tokio::test]
async fn a_store_on_meilisearch_answers_the_search_page_and_the_api() {
    let Some(url) = crate::helpers::service_url("BAZAAR_TEST_MEILI", "the store-on-Meilisearch test") else { return };
    let key = std::env::var("BAZAAR_TEST_MEILI_KEY").ok();
    let index = format!("bazaar_test_{}", uuid::Uuid::new_v4().simple());
    let app = crate::helpers::spawn_app_with(crate::helpers::Db::Sqlite, |s| {
        s.meili.url = Some(url.clone());
        s.meili.api_key = key.clone().map(Into::into);
        s.meili.index = index.clone();
    })
    .await;
    assert_eq!(app.shop.search.name(), "meilisearch");

    let api = app.get("/api/v1/search?q=sweater").await;
    assert_eq!(api.status().as_u16(), 200);
    let body: serde_json::Value = api.json().await.unwrap();
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "the seed has sweaters: {body}");
    assert!(hits.iter().any(|h| h["title"].as_str().unwrap().to_lowercase().contains("sweater")), "{body}");

    let (status, html) = app.get_html("/search?q=swaeter").await;
    assert_eq!(status, 200, "a typo still finds them");
    assert!(html.to_lowercase().contains("sweater"));
    let (ready, _) = app.get_html("/readyz").await;
    assert_eq!(ready, 200);
}
