//! The embedded search index: tantivy in a folder under `data_dir`.
//!
//! Typo tolerance: every query word matches exactly or within an edit
//! distance (1 for words of 4–7 letters, 2 from 8), with exact matches
//! ranked higher; the last word also matches as a prefix, for search as you
//! type. Facets are tantivy facet fields counted over all matches.

use entities::ports::{PortError, SearchDocument, SearchIndex, SearchPage, SearchQuery};
use entities::views::{price_range_key, ProductCard};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, OwnedValue, Schema, TantivyDocument, INDEXED, STORED, TEXT,
};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Term};

const SERVICE: &str = "tantivy";
/// tantivy's smallest useful indexing budget; the writer lives as long as the
/// server, so a larger arena would stay resident for nothing.
const WRITER_MEMORY: usize = 20_000_000;

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
    price_facet: Field,
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
        price_facet: b.add_facet_field("price_facet", FacetOptions::default()),
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
}

impl TantivySearch {
    /// Opens the index in `dir`, creating it when missing.
    ///
    /// # Errors
    /// When the folder cannot be created or holds an index of another shape.
    pub fn open(dir: &Path) -> Result<Self, PortError> {
        std::fs::create_dir_all(dir).map_err(|e| PortError::unavailable(SERVICE, format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir).map_err(|e| PortError::unavailable(SERVICE, e))?;
        let index = Index::open_or_create(directory, schema).map_err(|e| PortError::unavailable(SERVICE, e))?;
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
        Ok(Self { index, reader, writer: Arc::new(Mutex::new(writer)), fields })
    }

    fn document(&self, d: &SearchDocument) -> Result<TantivyDocument, PortError> {
        let f = &self.fields;
        let card = serde_json::to_string(&d.card).map_err(|e| PortError::bad_data(SERVICE, e))?;
        let category = Facet::from_path(d.category_path.iter().map(String::as_str));
        Ok(doc!(
            f.id => d.card.id as u64,
            f.title => d.card.title.clone(),
            f.brand => d.card.brand.clone(),
            f.vendor => d.card.vendor_name.clone(),
            f.categories => d.category_names.join(" "),
            f.attributes => d.attribute_values.join(" "),
            f.description => d.description.clone(),
            f.card => card,
            f.category_facet => category,
            f.vendor_facet => Facet::from_path([d.vendor_slug.as_str()]),
            f.price_facet => Facet::from_path([price_range_key(d.card.price_from.minor())]),
        ))
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
        if let Some(vendor) = &q.vendor {
            must.push((Occur::Must, facet_query(f.vendor_facet, &Facet::from_path([vendor.as_str()]))));
        }
        if let Some(range) = &q.price_range {
            must.push((Occur::Must, facet_query(f.price_facet, &Facet::from_path([range.as_str()]))));
        }
        if must.is_empty() {
            return Box::new(AllQuery);
        }
        if words.is_empty() {
            must.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(must))
    }

    fn run_search(&self, q: &SearchQuery) -> Result<SearchPage, PortError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let query = self.build_query(q);
        let mut categories = FacetCollector::for_field("category_facet");
        let selected = q.category_path.clone().unwrap_or_default();
        let selected_facet = Facet::from_path(selected.iter().map(String::as_str));
        categories.add_facet(selected_facet.clone());
        let mut vendors = FacetCollector::for_field("vendor_facet");
        vendors.add_facet(Facet::root());
        let mut prices = FacetCollector::for_field("price_facet");
        prices.add_facet(Facet::root());
        let top = TopDocs::with_limit(q.limit.max(1)).and_offset(q.offset).order_by_score();
        let (hits, total, categories, (vendors, prices)) = searcher
            .search(&query, &(top, Count, categories, (vendors, prices)))
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        let mut cards = Vec::with_capacity(hits.len());
        for (_score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| PortError::unavailable(SERVICE, e))?;
            let json = doc
                .get_first(f.card)
                .and_then(|v| match OwnedValue::from(v) {
                    OwnedValue::Str(s) => Some(s),
                    _ => None,
                })
                .ok_or_else(|| PortError::bad_data(SERVICE, "document without a card"))?;
            cards.push(serde_json::from_str::<ProductCard>(&json).map_err(|e| PortError::bad_data(SERVICE, e))?);
        }
        let last_segment = |facet: &Facet| facet.to_path().last().map(|s| (*s).to_owned()).unwrap_or_default();
        Ok(SearchPage {
            hits: cards,
            total: total as u64,
            category_counts: categories.get(selected_facet).map(|(facet, n)| (last_segment(facet), n)).collect(),
            vendor_counts: vendors.get(Facet::root()).map(|(facet, n)| (last_segment(facet), n)).collect(),
            price_counts: prices.get(Facet::root()).map(|(facet, n)| (last_segment(facet), n)).collect(),
        })
    }
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
        if budget > 0 {
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
