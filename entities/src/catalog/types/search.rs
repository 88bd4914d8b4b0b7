//! A search as a URL says it, and what a search answers: hits with their
//! marks, facets, suggestions and help when nothing matches.

use super::product::{CategoryLink, ProductCard};
use serde::{Deserialize, Serialize};

/// A storefront search request, as found in the URL:
/// `q`, `category`, `vendor`*, `brand`*, `price`*, `rating`, `in_stock=1`,
/// `option=Name:Value`*, `sort`, `page` (* may repeat: any of the values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Free text.
    pub q: String,
    /// Category slug filter (includes sub-categories).
    pub category: Option<String>,
    /// Vendor slugs (any of).
    pub vendors: Vec<String>,
    /// Brands (any of).
    pub brands: Vec<String>,
    /// Price range keys (any of), see [`PRICE_RANGES`].
    pub prices: Vec<String>,
    /// At least this many stars (1–4).
    pub rating: Option<u8>,
    /// Only products that can be bought now.
    pub in_stock: bool,
    /// Options `(name, value)`: values of one name are alternatives.
    pub options: Vec<(String, String)>,
    /// One of [`SEARCH_SORTS`]' keys; absent is relevance.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: u32,
}

/// The orders a search can be in: URL key and label.
pub const SEARCH_SORTS: &[(&str, &str)] = &[
    ("relevance", "Best match"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
    ("newest", "Newest"),
    ("rating", "Best rated"),
];

impl SearchRequest {
    /// Reads a request from URL parameters, in order. Returns the request
    /// and a `(parameter, message)` for each value it could not use (the
    /// storefront ignores those; the API refuses them).
    pub fn from_params<I, K, V>(params: I) -> (Self, Vec<(String, String)>)
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut r = SearchRequest { page: 1, ..Default::default() };
        let mut problems = Vec::new();
        let mut bad = |param: &str, message: &str| problems.push((param.to_owned(), message.to_owned()));
        for (key, value) in params {
            let value = value.as_ref().trim();
            let keep = |list: &mut Vec<String>| {
                if !value.is_empty() && !list.iter().any(|v| v == value) {
                    list.push(value.to_owned());
                }
            };
            match key.as_ref() {
                "q" => r.q = value.to_owned(),
                "category" => r.category = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "vendor" => keep(&mut r.vendors),
                "brand" => keep(&mut r.brands),
                "price" if !value.is_empty() && !PRICE_RANGES.iter().any(|(k, ..)| *k == value) => {
                    let keys: Vec<&str> = PRICE_RANGES.iter().map(|(k, ..)| *k).collect();
                    bad("price", &format!("must be one of {}", keys.join(", ")));
                }
                "price" => keep(&mut r.prices),
                "rating" if value.is_empty() => r.rating = None,
                "rating" => match value.parse::<u8>() {
                    Ok(n) if (1..=4).contains(&n) => r.rating = Some(n),
                    _ => bad("rating", "must be 1, 2, 3 or 4"),
                },
                "in_stock" => r.in_stock = matches!(value, "1" | "true" | "on" | "yes"),
                "option" => match value.split_once(':') {
                    Some((name, v)) if !name.trim().is_empty() && !v.trim().is_empty() => {
                        let pair = (name.trim().to_owned(), v.trim().to_owned());
                        if !r.options.contains(&pair) {
                            r.options.push(pair);
                        }
                    }
                    _ => bad("option", "must be Name:Value, like Size:M"),
                },
                "sort" if value.is_empty() || value == "relevance" => r.sort = None,
                "sort" => match SEARCH_SORTS.iter().find(|(k, _)| *k == value) {
                    Some((k, _)) => r.sort = Some((*k).to_owned()),
                    None => bad("sort", "must be relevance, price, -price, newest or rating"),
                },
                "page" => match value.parse::<u32>() {
                    Ok(n) if n >= 1 => r.page = n,
                    _ => bad("page", "must be a whole number from 1"),
                },
                _ => {}
            }
        }
        (r, problems)
    }

    /// Whether any filter (not the text, sort or page) is set.
    pub fn has_filters(&self) -> bool {
        self.category.is_some()
            || !self.vendors.is_empty()
            || !self.brands.is_empty()
            || !self.prices.is_empty()
            || self.rating.is_some()
            || self.in_stock
            || !self.options.is_empty()
    }

    /// The same words without any filter, from page 1.
    pub fn without_filters(&self) -> Self {
        SearchRequest { q: self.q.clone(), sort: self.sort.clone(), page: 1, ..Default::default() }
    }

    /// The URL of this search at `page`.
    pub fn href(&self, page: u32) -> String {
        let mut parts = vec![format!("q={}", encode(&self.q))];
        let mut add = |name: &str, value: &str| parts.push(format!("{name}={}", encode(value)));
        if let Some(c) = &self.category {
            add("category", c);
        }
        for v in &self.vendors {
            add("vendor", v);
        }
        for b in &self.brands {
            add("brand", b);
        }
        for p in &self.prices {
            add("price", p);
        }
        if let Some(n) = self.rating {
            add("rating", &n.to_string());
        }
        if self.in_stock {
            add("in_stock", "1");
        }
        for (name, value) in &self.options {
            add("option", &format!("{name}:{value}"));
        }
        if let Some(sort) = &self.sort {
            add("sort", sort);
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/search?{}", parts.join("&"))
    }

    /// This search with `value` of facet `param` switched on or off, from
    /// page 1. Facets that allow several values (vendor, brand, price,
    /// option) add or remove it; the others (category, rating, in_stock,
    /// sort) set or clear it.
    pub fn toggled(&self, param: &str, value: &str) -> Self {
        let mut r = self.clone();
        r.page = 1;
        let flip = |list: &mut Vec<String>| match list.iter().position(|v| v == value) {
            Some(i) => {
                list.remove(i);
            }
            None => list.push(value.to_owned()),
        };
        match param {
            "category" => r.category = (r.category.as_deref() != Some(value)).then(|| value.to_owned()),
            "vendor" => flip(&mut r.vendors),
            "brand" => flip(&mut r.brands),
            "price" => flip(&mut r.prices),
            "rating" => {
                let n = value.parse().ok();
                r.rating = if r.rating == n { None } else { n };
            }
            "in_stock" => r.in_stock = !r.in_stock,
            "sort" => r.sort = Some(value.to_owned()).filter(|v| v != "relevance"),
            "option" => {
                if let Some((name, v)) = value.split_once(':') {
                    let pair = (name.to_owned(), v.to_owned());
                    match r.options.iter().position(|p| *p == pair) {
                        Some(i) => {
                            r.options.remove(i);
                        }
                        None => r.options.push(pair),
                    }
                }
            }
            _ => {}
        }
        r
    }

    /// This search with every value of facet `param` cleared (an option
    /// facet by its name), from page 1.
    pub fn cleared(&self, param: &str) -> Self {
        let mut r = self.clone();
        r.page = 1;
        match param {
            "category" => r.category = None,
            "vendor" => r.vendors.clear(),
            "brand" => r.brands.clear(),
            "price" => r.prices.clear(),
            "rating" => r.rating = None,
            "in_stock" => r.in_stock = false,
            name => r.options.retain(|(n, _)| n != name),
        }
        r
    }
}

/// Percent-encodes a URL query value (space as `+`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Price buckets for the price facet: key, label, lower bound and upper bound
/// in minor units (upper bound exclusive; `None` is open).
pub const PRICE_RANGES: &[(&str, &str, i64, Option<i64>)] = &[
    ("under-25", "Under 25", 0, Some(2_500)),
    ("25-50", "25 to 50", 2_500, Some(5_000)),
    ("50-100", "50 to 100", 5_000, Some(10_000)),
    ("100-250", "100 to 250", 10_000, Some(25_000)),
    ("250-plus", "250 and above", 25_000, None),
];

/// The price range key an amount in minor units falls into.
pub fn price_range_key(minor: i64) -> &'static str {
    PRICE_RANGES
        .iter()
        .find(|(_, _, lo, hi)| minor >= *lo && hi.is_none_or(|hi| minor < hi))
        .map(|(key, ..)| *key)
        .unwrap_or(PRICE_RANGES[0].0)
}

/// One value of a facet with the number of matching products.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value as used in the URL (a slug, key, or `Name:Value` for options).
    pub key: String,
    /// What the shopper reads.
    pub label: String,
    /// Matching products: for an unselected value of a facet that allows
    /// several, how many more the search would show with it added.
    pub count: u64,
    /// Whether the search filters on it now.
    #[serde(default)]
    pub selected: bool,
}

/// The values of one variant option (Size, Colour…) among the matches.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionFacet {
    /// The option's name.
    pub name: String,
    /// Its values.
    pub values: Vec<FacetValue>,
}

/// Facet counts for a search. Each facet is counted with every other filter
/// applied but not its own, so the counts stay right as filters combine.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Categories one level below the selected one (or the top level).
    pub categories: Vec<FacetValue>,
    /// Vendors.
    pub vendors: Vec<FacetValue>,
    /// Brands.
    pub brands: Vec<FacetValue>,
    /// Price ranges.
    pub price_ranges: Vec<FacetValue>,
    /// "n stars and up", n from 4 down to 1.
    pub ratings: Vec<FacetValue>,
    /// Products that can be bought now.
    pub in_stock: Option<FacetValue>,
    /// Variant options.
    pub options: Vec<OptionFacet>,
}

/// A byte range of a text to show highlighted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// Splits `text` into `(piece, highlighted)` runs along `marks` (sorted and
/// not overlapping; marks off character boundaries are ignored).
pub fn marked_runs<'a>(text: &'a str, marks: &[Mark]) -> Vec<(&'a str, bool)> {
    let mut runs = Vec::new();
    let mut at = 0;
    for m in marks {
        let (start, end) = (m.start as usize, m.end as usize);
        if start < at
            || end <= start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        if start > at {
            runs.push((&text[at..start], false));
        }
        runs.push((&text[start..end], true));
        at = end;
    }
    if at < text.len() {
        runs.push((&text[at..], false));
    }
    runs
}

/// A search hit: the product card and where the query matched its title.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The product.
    #[serde(flatten)]
    pub card: ProductCard,
    /// Byte ranges of the title that match the query.
    pub title_marks: Vec<Mark>,
}

/// Help for a search that found nothing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoResultsHelp {
    /// How many the same words find without the filters (when some).
    pub without_filters: Option<u64>,
    /// Shorter searches that find something: `key` is the query, `count` its hits.
    pub try_instead: Vec<FacetValue>,
    /// Popular products to look at instead.
    pub popular: Vec<ProductCard>,
}

/// The answer to a search.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The products on this page, in the chosen order.
    pub hits: Vec<SearchHit>,
    /// Number of matching products.
    pub total: u64,
    /// 1-based page.
    pub page: u32,
    /// Number of pages.
    pub total_pages: u32,
    /// Facet counts.
    pub facets: Facets,
    /// Present when nothing matched.
    pub help: Option<NoResultsHelp>,
}

/// Suggestions while a shopper types in the search box.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    /// Products whose titles match, best first.
    pub products: Vec<SuggestedProduct>,
    /// Categories whose names match.
    pub categories: Vec<CategoryLink>,
    /// Brands that match.
    pub brands: Vec<String>,
}

/// A product suggested while typing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedProduct {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Byte ranges of the title that match what was typed.
    pub title_marks: Vec<Mark>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Rating, VariantView};
    use crate::Money;

    #[test]
    fn every_price_falls_in_exactly_one_range() {
        assert_eq!(price_range_key(0), "under-25");
        assert_eq!(price_range_key(2_499), "under-25");
        assert_eq!(price_range_key(2_500), "25-50");
        assert_eq!(price_range_key(9_999), "50-100");
        assert_eq!(price_range_key(1_000_000), "250-plus");
    }

    #[test]
    fn variants_without_options_read_standard() {
        let mut v = VariantView {
            id: 1,
            sku: "A-1".into(),
            options: vec![],
            price: Money::from_minor(1, crate::Currency::Eur),
            stock: 0,
            allow_backorder: false,
        };
        assert!(!v.available());
        assert_eq!(v.label(), "Standard");
        v.options = vec![("Size".into(), "M".into()), ("Colour".into(), "Red".into())];
        assert_eq!(v.label(), "Size M · Colour Red");
    }

    #[test]
    fn stars_round_to_one_decimal() {
        let stars = |average_centi| Rating { average_centi, count: 1 }.stars();
        assert_eq!((stars(437).as_str(), stars(495).as_str(), stars(500).as_str()), ("4.4", "5.0", "5.0"));
        assert_eq!(stars(250), "2.5");
    }

    #[test]
    fn a_search_url_round_trips() {
        let url = "q=red+shoe&category=women&vendor=acme&vendor=loom&brand=Aster&price=25-50&rating=4&in_stock=1\
                   &option=Size%3AM&option=Colour%3ARed&sort=-price&page=3";
        let pairs: Vec<(String, String)> = url
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                let v = v.replace('+', " ").replace("%3A", ":");
                (k.to_owned(), v)
            })
            .collect();
        let (request, problems) = SearchRequest::from_params(pairs);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(request.vendors, ["acme", "loom"]);
        assert_eq!(request.options, [("Size".to_owned(), "M".to_owned()), ("Colour".to_owned(), "Red".to_owned())]);
        assert_eq!((request.rating, request.in_stock, request.page), (Some(4), true, 3));
        assert_eq!(request.href(3), format!("/search?{url}"));
    }

    #[test]
    fn bad_search_parameters_are_named_and_left_out() {
        let (request, problems) =
            SearchRequest::from_params([("rating", "9"), ("sort", "cheapest"), ("page", "0"), ("option", "M")]);
        let names: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["rating", "sort", "page", "option"]);
        assert_eq!(request, SearchRequest { page: 1, ..Default::default() });
    }

    #[test]
    fn facet_links_toggle_values_and_reset_the_page() {
        let (r, _) = SearchRequest::from_params([("q", "shoe"), ("vendor", "acme"), ("page", "4")]);
        let added = r.toggled("vendor", "loom");
        assert_eq!(added.vendors, ["acme", "loom"]);
        assert_eq!(added.page, 1);
        assert!(added.toggled("vendor", "acme").toggled("vendor", "loom").vendors.is_empty());
        let sized = r.toggled("option", "Size:M");
        assert_eq!(sized.options, [("Size".to_owned(), "M".to_owned())]);
        assert!(sized.cleared("Size").options.is_empty());
        assert_eq!(r.toggled("rating", "4").toggled("rating", "4").rating, None);
        assert_eq!(r.href(1), "/search?q=shoe&vendor=acme");
    }

    #[test]
    fn marks_split_text_into_runs() {
        let text = "Red Wool Scarf";
        let runs = marked_runs(text, &[Mark { start: 0, end: 3 }, Mark { start: 9, end: 14 }]);
        assert_eq!(runs, [("Red", true), (" Wool ", false), ("Scarf", true)]);
        assert_eq!(marked_runs("é", &[Mark { start: 0, end: 1 }]), [("é", false)], "off a char boundary: ignored");
    }
}
