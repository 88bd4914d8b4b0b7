//! The embedded search index: tantivy in a folder under `data_dir`.
//!
//! Typo tolerance: every query word matches exactly or within an edit
//! distance (1 for words of 4–7 letters, 2 from 8), with exact matches
//! ranked higher; the last word also matches as a prefix, for search as you
//! type. Facets are tantivy facet fields. Counts follow the port's contract:
//! one pass collects every facet for the query as given, and one more pass
//! per filtered facet recounts that facet without its own filter. Sorts
//! other than relevance read fast fields.

use entities::catalog::{price_range_key, ProductCard};
use entities::ports::{
    rating_floors, FacetGroup, PortError, SearchDocument, SearchIndex, SearchPage, SearchQuery, SearchSort,
    OPTION_SEPARATOR,
};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, FacetCollector, MultiCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, OwnedValue, Schema, TantivyDocument, FAST, INDEXED, STORED, TEXT,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, Term};

const SERVICE: &str = "tantivy";
/// tantivy's smallest useful indexing budget; the writer lives as long as the
/// server, so a larger arena would stay resident for nothing.
const WRITER_MEMORY: usize = 20_000_000;
const IN_STOCK: &str = "in";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    brand: Field,
    vendor: Field,
    categories: Field,
    attributes: Field,
    description: Field,
    card: Field,
    category_facet: Field,
    vendor_facet: Field,
    brand_facet: Field,
    price_facet: Field,
    rating_facet: Field,
    stock_facet: Field,
    option_facet: Field,
    price: Field,
    created: Field,
    rating: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED),
        title: b.add_text_field("title", TEXT),
        brand: b.add_text_field("brand", TEXT),
        vendor: b.add_text_field("vendor", TEXT),
        categories: b.add_text_field("categories", TEXT),
        attributes: b.add_text_field("attributes", TEXT),
        description: b.add_text_field("description", TEXT),
        card: b.add_text_field("card", STORED),
        category_facet: b.add_facet_field("category_facet", FacetOptions::default()),
        vendor_facet: b.add_facet_field("vendor_facet", FacetOptions::default()),
        brand_facet: b.add_facet_field("brand_facet", FacetOptions::default()),
        price_facet: b.add_facet_field("price_facet", FacetOptions::default()),
        rating_facet: b.add_facet_field("rating_facet", FacetOptions::default()),
        stock_facet: b.add_facet_field("stock_facet", FacetOptions::default()),
        option_facet: b.add_facet_field("option_facet", FacetOptions::default()),
        price: b.add_i64_field("price", FAST),
        created: b.add_i64_field("created", FAST),
        rating: b.add_i64_field("rating", FAST),
    };
    (b.build(), fields)
}

/// Search backed by a tantivy index.
#[derive(Clone)]
pub struct TantivySearch {
    index: Index,
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    fields: Fields,
    /// Searches running at once: one per core. Searching is CPU-bound, so
    /// more at once only adds memory (each builds its own automata and
    /// collectors) and contention; the rest wait their turn in the queue.
    running: Arc<tokio::sync::Semaphore>,
}

impl TantivySearch {
    /// Opens the index in `dir`, creating it when missing. An index written
    /// by an older version (another schema) is discarded and recreated
    /// empty; the server then rebuilds it from the database at start-up.
    ///
    /// # Errors
    /// When the folder cannot be created or written.
    pub fn open(dir: &Path) -> Result<Self, PortError> {
        std::fs::create_dir_all(dir).map_err(|e| PortError::unavailable(SERVICE, format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let open = |schema: Schema| -> tantivy::Result<Index> {
            Index::open_or_create(tantivy::directory::MmapDirectory::open(dir)?, schema)
        };
        let index = match open(schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                tracing::warn!(dir = %dir.display(), "the search index has an older layout; rebuilding it");
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| PortError::unavailable(SERVICE, format!("{}: {e}", dir.display())))?;
                open(schema).map_err(|e| PortError::unavailable(SERVICE, e))?
            }
            Err(e) => return Err(PortError::unavailable(SERVICE, e)),
        };
        Self::from_index(index, fields)
    }

    /// An index in memory, for tests.
    ///
    /// # Errors
    /// When tantivy cannot start a writer.
    pub fn in_memory() -> Result<Self, PortError> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<Self, PortError> {
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => PortError::unavailable(
                SERVICE,
                "the search index is in use by another bazaar process (a running server); stop it first",
            ),
            other => PortError::unavailable(SERVICE, other),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Ok(Self {
            index,
            reader,
            writer: Arc::new(Mutex::new(writer)),
            fields,
            running: Arc::new(tokio::sync::Semaphore::new(cores)),
        })
    }

    fn document(&self, d: &SearchDocument) -> Result<TantivyDocument, PortError> {
        let f = &self.fields;
        let card = serde_json::to_string(&d.card).map_err(|e| PortError::bad_data(SERVICE, e))?;
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, d.card.id as u64);
        doc.add_text(f.title, &d.card.title);
        doc.add_text(f.brand, &d.card.brand);
        doc.add_text(f.vendor, &d.card.vendor_name);
        doc.add_text(f.categories, d.category_names.join(" "));
        doc.add_text(f.attributes, d.attribute_values.join(" "));
        doc.add_text(f.description, &d.description);
        doc.add_text(f.card, card);
        doc.add_facet(f.category_facet, Facet::from_path(d.category_path.iter().map(String::as_str)));
        doc.add_facet(f.vendor_facet, Facet::from_path([d.vendor_slug.as_str()]));
        doc.add_facet(f.brand_facet, Facet::from_path([d.card.brand.as_str()]));
        doc.add_facet(f.price_facet, Facet::from_path([price_range_key(d.card.price_from.minor())]));
        for floor in rating_floors(&d.card) {
            doc.add_facet(f.rating_facet, Facet::from_path([floor.to_string()]));
        }
        if d.card.in_stock {
            doc.add_facet(f.stock_facet, Facet::from_path([IN_STOCK]));
        }
        for (name, value) in &d.options {
            doc.add_facet(f.option_facet, Facet::from_path([option_key(name, value)]));
        }
        doc.add_i64(f.price, d.card.price_from.minor());
        doc.add_i64(f.created, d.created_micros);
        doc.add_i64(f.rating, d.card.rating.map_or(0, |r| i64::from(r.average_centi)));
        Ok(doc)
    }

    /// Runs a write on the writer off the async threads, then commits and
    /// reloads the reader so the next search sees it.
    async fn write<F>(&self, work: F) -> Result<(), PortError>
    where
        F: FnOnce(&mut IndexWriter, &Self) -> Result<(), PortError> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier write leaves nothing half-done behind
            // (it is rolled back below), so a poisoned lock is safe to reuse.
            let mut writer = this.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let result = work(&mut writer, &this)
                .and_then(|()| writer.commit().map(drop).map_err(|e| PortError::unavailable(SERVICE, e)));
            if let Err(e) = result {
                // Drop the queued operations so a later commit cannot apply half a write.
                if let Err(rollback) = writer.rollback() {
                    tracing::error!(error = %rollback, "tantivy rollback failed");
                }
                return Err(e);
            }
            this.reader.reload().map_err(|e| PortError::unavailable(SERVICE, e))
        })
        .await
        .map_err(|e| PortError::unavailable(SERVICE, e))?
    }

    fn build_query(&self, q: &SearchQuery) -> Box<dyn Query> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let words = words(&q.text);
        let last = words.len().saturating_sub(1);
        for (i, word) in words.iter().enumerate() {
            must.push((Occur::Must, word_query(f, word, i == last)));
        }
        if let Some(path) = q.category_path.as_ref().filter(|p| !p.is_empty()) {
            let facet = Facet::from_path(path.iter().map(String::as_str));
            must.push((Occur::Must, facet_query(f.category_facet, &facet)));
        }
        let mut any_of = |field: Field, keys: Vec<String>| {
            if !keys.is_empty() {
                let options =
                    keys.iter().map(|k| (Occur::Should, facet_query(field, &Facet::from_path([k.as_str()])))).collect();
                must.push((Occur::Must, Box::new(BooleanQuery::new(options)) as Box<dyn Query>));
            }
        };
        any_of(f.vendor_facet, q.vendors.clone());
        any_of(f.brand_facet, q.brands.clone());
        any_of(f.price_facet, q.price_ranges.clone());
        any_of(f.rating_facet, q.min_rating.map(|n| n.to_string()).into_iter().collect());
        any_of(f.stock_facet, if q.in_stock { vec![IN_STOCK.to_owned()] } else { Vec::new() });
        let mut by_name: Vec<(&str, Vec<String>)> = Vec::new();
        for (name, value) in &q.options {
            match by_name.iter_mut().find(|(n, _)| n == name) {
                Some((_, values)) => values.push(option_key(name, value)),
                None => by_name.push((name, vec![option_key(name, value)])),
            }
        }
        for (_, keys) in by_name {
            any_of(f.option_facet, keys);
        }
        if must.is_empty() {
            return Box::new(AllQuery);
        }
        if words.is_empty() {
            must.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(must))
    }

    /// One pass over the matches of `query`: counts the facets of `only`
    /// (every facet when `None`, none when `q.skip_facets`) into `page`, and
    /// on the `main` pass the matches and the page of hits, which it returns.
    /// Only the collectors asked for run.
    fn count_facets(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        q: &SearchQuery,
        page: &mut SearchPage,
        only: Option<&FacetGroup>,
        main: bool,
    ) -> tantivy::Result<Vec<DocAddress>> {
        // The main pass counts the matches and takes the page of hits too.
        let (count, top) = (main, main && q.limit > 0);
        let wanted = |g: &FacetGroup| !q.skip_facets && only.is_none_or(|o| o == g);
        let option_wanted = !q.skip_facets && only.is_none_or(|o| matches!(o, FacetGroup::Option(_)));
        let selected = Facet::from_path(q.category_path.iter().flatten().map(String::as_str));
        let root = Facet::root();
        let mut multi = MultiCollector::new();
        let count_handle = count.then(|| multi.add_collector(Count));
        // The page of hits comes from the same pass: the query (its fuzzy
        // automata above all) is evaluated once, not once per collector.
        let page_of = || TopDocs::with_limit(q.limit.max(1)).and_offset(q.offset);
        let by = |field: &str, order: Order| page_of().order_by_fast_field::<i64>(field.to_owned(), order);
        let (by_score, by_field) = match (top, q.sort) {
            (false, _) => (None, None),
            (true, SearchSort::Relevance) => (Some(multi.add_collector(page_of().order_by_score())), None),
            (true, SearchSort::PriceAsc) => (None, Some(multi.add_collector(by("price", Order::Asc)))),
            (true, SearchSort::PriceDesc) => (None, Some(multi.add_collector(by("price", Order::Desc)))),
            (true, SearchSort::Newest) => (None, Some(multi.add_collector(by("created", Order::Desc)))),
            (true, SearchSort::Rating) => (None, Some(multi.add_collector(by("rating", Order::Desc)))),
        };
        let mut facet = |field: &str, from: &Facet, on: bool| {
            on.then(|| {
                let mut c = FacetCollector::for_field(field);
                c.add_facet(from.clone());
                multi.add_collector(c)
            })
        };
        let categories = facet("category_facet", &selected, wanted(&FacetGroup::Category));
        let vendors = facet("vendor_facet", &root, wanted(&FacetGroup::Vendor));
        let brands = facet("brand_facet", &root, wanted(&FacetGroup::Brand));
        let prices = facet("price_facet", &root, wanted(&FacetGroup::Price));
        let ratings = facet("rating_facet", &root, wanted(&FacetGroup::Rating));
        let stock = facet("stock_facet", &root, wanted(&FacetGroup::Stock));
        let options = facet("option_facet", &root, option_wanted);
        let mut fruits = searcher.search(query, &multi)?;
        if let Some(handle) = count_handle {
            page.total = handle.extract(&mut fruits) as u64;
        }
        let mut hits: Vec<DocAddress> = Vec::new();
        if let Some(handle) = by_score {
            hits = handle.extract(&mut fruits).into_iter().map(|(_, a)| a).collect();
        }
        if let Some(handle) = by_field {
            hits = handle.extract(&mut fruits).into_iter().map(|(_, a)| a).collect();
        }
        let last_segment = |facet: &Facet| facet.to_path().last().map(|s| (*s).to_owned()).unwrap_or_default();
        if let Some(handle) = categories {
            page.category_counts =
                handle.extract(&mut fruits).get(selected.clone()).map(|(f, n)| (last_segment(f), n)).collect();
        }
        if let Some(handle) = vendors {
            page.vendor_counts =
                handle.extract(&mut fruits).get(root.clone()).map(|(f, n)| (last_segment(f), n)).collect();
        }
        if let Some(handle) = brands {
            page.brand_counts =
                handle.extract(&mut fruits).get(root.clone()).map(|(f, n)| (last_segment(f), n)).collect();
        }
        if let Some(handle) = prices {
            page.price_counts =
                handle.extract(&mut fruits).get(root.clone()).map(|(f, n)| (last_segment(f), n)).collect();
        }
        if let Some(handle) = ratings {
            page.rating_counts = handle
                .extract(&mut fruits)
                .get(root.clone())
                .filter_map(|(f, n)| Some((last_segment(f).parse().ok()?, n)))
                .collect();
            page.rating_counts.sort_unstable();
        }
        if let Some(handle) = stock {
            page.in_stock_count = handle.extract(&mut fruits).get(root.clone()).map(|(_, n)| n).sum();
        }
        if let Some(handle) = options {
            let counts = handle.extract(&mut fruits);
            let option_counts = counts.get(root).filter_map(|(f, n)| {
                let (name, value) =
                    last_segment(f).split_once(OPTION_SEPARATOR).map(|(a, b)| (a.to_owned(), b.to_owned()))?;
                Some((name, value, n))
            });
            match only {
                Some(FacetGroup::Option(name)) => {
                    let fresh: Vec<_> = option_counts.filter(|(n, _, _)| n == name).collect();
                    page.option_counts.retain(|(n, _, _)| n != name);
                    page.option_counts.extend(fresh);
                }
                _ => page.option_counts = option_counts.collect(),
            }
        }
        Ok(hits)
    }

    fn run_search(&self, q: &SearchQuery) -> Result<SearchPage, PortError> {
        let f = &self.fields;
        let fail = |e: tantivy::TantivyError| PortError::unavailable(SERVICE, e);
        let searcher = self.reader.searcher();
        let query = self.build_query(q);
        let mut page = SearchPage::default();
        let hits = self.count_facets(&searcher, query.as_ref(), q, &mut page, None, true).map_err(fail)?;
        // A filtered facet is recounted without its own filter (see the port).
        if !q.skip_facets {
            for group in q.active_groups() {
                let without = self.build_query(&q.without(&group));
                self.count_facets(&searcher, without.as_ref(), q, &mut page, Some(&group), false).map_err(fail)?;
            }
        }
        for address in hits {
            let doc: TantivyDocument = searcher.doc(address).map_err(fail)?;
            let json = doc
                .get_first(f.card)
                .and_then(|v| match OwnedValue::from(v) {
                    OwnedValue::Str(s) => Some(s),
                    _ => None,
                })
                .ok_or_else(|| PortError::bad_data(SERVICE, "document without a card"))?;
            page.hits.push(serde_json::from_str::<ProductCard>(&json).map_err(|e| PortError::bad_data(SERVICE, e))?);
        }
        Ok(page)
    }
}

fn option_key(name: &str, value: &str) -> String {
    format!("{name}{OPTION_SEPARATOR}{value}")
}

/// Lower-cased words of letters and digits, as tantivy's default tokenizer
/// cuts them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).take(12).collect()
}

/// How many typos a word of this length may have.
fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn word_query(f: &Fields, word: &str, is_last: bool) -> Box<dyn Query> {
    let weighted = [
        (f.title, 3.0),
        (f.brand, 2.0),
        (f.vendor, 1.5),
        (f.categories, 1.5),
        (f.attributes, 1.0),
        (f.description, 0.5),
    ];
    let budget = typo_budget(word);
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in weighted {
        let term = Term::from_field_text(field, word);
        let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
        any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(exact), weight * 2.0))));
        // Typos are forgiven in the short fields; the description's large
        // vocabulary would make every fuzzy word cost far more than it finds.
        if budget > 0 && field != f.description {
            let fuzzy = FuzzyTermQuery::new(term.clone(), budget, true);
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), weight * 0.5))));
        }
        if is_last && word.chars().count() >= 2 {
            let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix), weight * 0.5))));
        }
    }
    Box::new(BooleanQuery::new(any))
}

fn facet_query(field: Field, facet: &Facet) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_facet(field, facet), IndexRecordOption::Basic))
}

#[async_trait::async_trait]
impl SearchIndex for TantivySearch {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, PortError> {
        let _turn = self.running.acquire().await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        let this = self.clone();
        let query = query.clone();
        tokio::task::spawn_blocking(move || this.run_search(&query))
            .await
            .map_err(|e| PortError::unavailable(SERVICE, e))?
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), PortError> {
        self.write(move |writer, this| {
            for d in &docs {
                writer.delete_term(Term::from_field_u64(this.fields.id, d.card.id as u64));
                writer.add_document(this.document(d)?).map_err(|e| PortError::unavailable(SERVICE, e))?;
            }
            Ok(())
        })
        .await
    }

    async fn remove(&self, product_ids: &[i64]) -> Result<(), PortError> {
        let ids = product_ids.to_vec();
        self.write(move |writer, this| {
            for id in ids {
                writer.delete_term(Term::from_field_u64(this.fields.id, id as u64));
            }
            Ok(())
        })
        .await
    }

    async fn replace_all(&self, docs: Vec<SearchDocument>) -> Result<(), PortError> {
        // Deleting and adding in one commit: searchers keep the old segments
        // until the commit lands, so search stays online throughout.
        self.write(move |writer, this| {
            writer.delete_all_documents().map_err(|e| PortError::unavailable(SERVICE, e))?;
            for d in &docs {
                writer.add_document(this.document(d)?).map_err(|e| PortError::unavailable(SERVICE, e))?;
            }
            Ok(())
        })
        .await
    }

    async fn count(&self) -> Result<u64, PortError> {
        Ok(self.reader.searcher().num_docs())
    }
}

impl std::fmt::Debug for TantivySearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivySearch").field("index", &self.index).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_budget_grows_with_word_length() {
        assert_eq!(typo_budget("red"), 0);
        assert_eq!(typo_budget("shoe"), 1);
        assert_eq!(typo_budget("trainers"), 2);
    }

    #[test]
    fn words_are_lower_cased_and_split_on_punctuation() {
        assert_eq!(words("Red-Wool  SCARF!"), vec!["red", "wool", "scarf"]);
    }
}
