//! Products as CSV: export every product with one row per variant, and
//! import such a file to create and update products. A bad row is reported
//! with its line and reason and skipped; it never stops the good rows.
//!
//! Columns (a header row is required; column order is free, unknown columns
//! are refused so a typo is not silently ignored):
//!
//! | column | meaning |
//! |---|---|
//! | `product_id` | empty for a new product; an id to update that product |
//! | `slug` | the product's slug (exported; on import it groups the rows of a new product) |
//! | `status` | `active`, `draft` or `archived` (new products: `draft` when empty) |
//! | `vendor`, `category` | slugs |
//! | `title`, `brand`, `description` | text |
//! | `attributes` | `Name=Value; Name=Value` |
//! | `featured` | `true` or `false` |
//! | `sku` | the variant's SKU: an existing SKU of the product updates that variant |
//! | `options` | `Size=M; Colour=Red` |
//! | `price_minor`, `currency`, `stock`, `allow_backorder` | the variant's price in minor units, ISO currency, stock, `true`/`false` |
//! | `weight_grams` | the variant's shipping weight in grams (empty: 0 for a new variant, unchanged for an existing one) |

use crate::catalog::parse_pairs;
use crate::catalog::{ImportReport, RowError};

use crate::catalog::{NewProduct, NewVariant, ProductPatch, VariantPatch};
use crate::kernel::access::{catalog_staff, Actor};
use crate::model::{category, product, variant, vendor};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};

/// The columns, in export order.
pub const COLUMNS: [&str; 18] = [
    "product_id",
    "slug",
    "status",
    "vendor",
    "category",
    "title",
    "brand",
    "description",
    "attributes",
    "featured",
    "sku",
    "options",
    "price_minor",
    "currency",
    "stock",
    "allow_backorder",
    "weight_grams",
    "position",
];

/// Most rows one import may have.
pub const MAX_ROWS: usize = 100_000;

fn pairs_text(json: &serde_json::Value) -> String {
    crate::kernel::json::pairs(json).iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
}

/// A text cell as exported: one that a spreadsheet would run as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, which spreadsheets show as text and [`unguard`] takes off
/// again on import (OWASP's advice against CSV injection).
fn guard(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A text cell as imported: [`guard`]'s `'` taken off.
fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// Every product (all statuses), one row per variant, as CSV.
///
/// # Errors
/// `Unauthenticated` for anonymous callers, `Forbidden` for vendor staff
/// (who will get their own export with accounts), `Database`.
pub async fn export(shop: &Shop, actor: Actor) -> ServiceResult<String> {
    catalog_staff(actor)?;
    if !matches!(actor, Actor::Admin { .. }) {
        return Err(ServiceError::Forbidden);
    }
    let vendors: HashMap<i64, String> =
        vendor::Entity::find().all(&shop.db).await?.into_iter().map(|v| (v.id, v.slug)).collect();
    let categories: HashMap<i64, String> =
        category::Entity::find().all(&shop.db).await?.into_iter().map(|c| (c.id, c.slug)).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ServiceError::Corrupt(e.to_string());
    out.write_record(COLUMNS).map_err(fail)?;
    let mut after = 0;
    loop {
        let products = product::Entity::find()
            .filter(product::Column::Id.gt(after))
            .order_by_asc(product::Column::Id)
            .limit(500)
            .all(&shop.db)
            .await?;
        let Some(last) = products.last() else { break };
        after = last.id;
        let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
        let mut variants: HashMap<i64, Vec<variant::Model>> = HashMap::new();
        for v in variant::Entity::find()
            .filter(variant::Column::ProductId.is_in(ids))
            .order_by_asc(variant::Column::Position)
            .order_by_asc(variant::Column::Id)
            .all(&shop.db)
            .await?
        {
            variants.entry(v.product_id).or_default().push(v);
        }
        for p in &products {
            for v in variants.remove(&p.id).unwrap_or_default() {
                out.write_record([
                    p.id.to_string(),
                    p.slug.clone(),
                    p.status.as_str().to_owned(),
                    vendors.get(&p.vendor_id).cloned().unwrap_or_default(),
                    categories.get(&p.category_id).cloned().unwrap_or_default(),
                    guard(&p.title),
                    guard(&p.brand),
                    guard(&p.description),
                    guard(&pairs_text(&p.attributes)),
                    p.featured.to_string(),
                    guard(&v.sku),
                    guard(&pairs_text(&v.options)),
                    v.price_minor.to_string(),
                    v.currency.clone(),
                    v.stock.to_string(),
                    v.allow_backorder.to_string(),
                    v.weight_grams.to_string(),
                    v.position.to_string(),
                ])
                .map_err(fail)?;
            }
        }
    }
    String::from_utf8(out.into_inner().map_err(|e| ServiceError::Corrupt(e.to_string()))?)
        .map_err(|e| ServiceError::Corrupt(e.to_string()))
}

/// One parsed row.
struct Row {
    line: u64,
    product_id: Option<i64>,
    group: String,
    product: RowProduct,
    variant: NewVariant,
    /// The `weight_grams` cell, when not empty.
    weight: Option<i32>,
}

/// The product columns of a row (used from the first row of each product).
#[derive(Clone)]
struct RowProduct {
    status: Option<String>,
    vendor: Option<String>,
    category: Option<String>,
    title: Option<String>,
    brand: Option<String>,
    description: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
    featured: Option<bool>,
}

fn parse_row(line: u64, get: &dyn Fn(&str) -> Option<String>) -> Result<Row, String> {
    let opt = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let number = |name: &str| -> Result<Option<i64>, String> {
        opt(name).map(|v| v.parse::<i64>().map_err(|_| format!("{name} {v:?} is not a whole number"))).transpose()
    };
    let flag = |name: &str| -> Result<Option<bool>, String> {
        opt(name)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" => Ok(false),
                _ => Err(format!("{name} {v:?} is not true or false")),
            })
            .transpose()
    };
    let product_id = number("product_id")?;
    let sku = opt("sku").ok_or("sku is empty")?;
    let price_minor = number("price_minor")?.ok_or("price_minor is empty")?;
    let stock = number("stock")?.unwrap_or(0);
    let stock = i32::try_from(stock).map_err(|_| format!("stock {stock} is out of range"))?;
    let weight = number("weight_grams")?
        .map(|w| i32::try_from(w).map_err(|_| format!("weight_grams {w} is out of range")))
        .transpose()?;
    let variant = NewVariant {
        sku,
        options: parse_pairs(&opt("options").unwrap_or_default()).map_err(|e| format!("options: {e}"))?,
        price_minor,
        currency: opt("currency").ok_or("currency is empty")?,
        stock,
        allow_backorder: flag("allow_backorder")?.unwrap_or(false),
        weight_grams: weight.unwrap_or(0),
    };
    let product = RowProduct {
        status: opt("status"),
        vendor: opt("vendor"),
        category: opt("category"),
        title: opt("title"),
        brand: opt("brand"),
        description: get("description"),
        attributes: opt("attributes").map(|a| parse_pairs(&a)).transpose().map_err(|e| format!("attributes: {e}"))?,
        featured: flag("featured")?,
    };
    let group = match (product_id, opt("slug"), &product.title) {
        (Some(id), _, _) => format!("id:{id}"),
        (None, Some(slug), _) => format!("slug:{slug}"),
        (None, None, Some(title)) => format!("title:{title}"),
        (None, None, None) => return Err("a new product needs a slug or a title".into()),
    };
    Ok(Row { line, product_id, group, product, variant, weight })
}

/// A service error as one line of a report.
fn reason(e: &ServiceError) -> String {
    match e {
        ServiceError::Database { .. } | ServiceError::Port(_) | ServiceError::Corrupt(_) => {
            tracing::error!(error = %e, "import row failed");
            "could not be saved (logged on the server)".to_owned()
        }
        other => other.to_string(),
    }
}

/// Creates and updates products from `csv` (see the module for columns).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` as for other catalog writes; `Invalid` when
/// the file has no header, an unknown column, or more than [`MAX_ROWS`] rows.
/// Problems with single rows are not errors: they are in the report.
#[tracing::instrument(skip(shop, csv), fields(bytes = csv.len()))]
pub async fn import(shop: &Shop, actor: Actor, csv: &str) -> ServiceResult<ImportReport> {
    catalog_staff(actor)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(csv.as_bytes());
    let headers = reader.headers().map_err(|e| ServiceError::Invalid(format!("the header row: {e}")))?.clone();
    for h in &headers {
        if !COLUMNS.contains(&h.trim()) {
            return Err(ServiceError::Invalid(format!("unknown column {h:?}; the columns are {}", COLUMNS.join(", "))));
        }
    }
    for required in ["sku", "price_minor", "currency"] {
        if !headers.iter().any(|h| h.trim() == required) {
            return Err(ServiceError::Invalid(format!("the column {required:?} is missing")));
        }
    }
    let index: HashMap<String, usize> = headers.iter().enumerate().map(|(i, h)| (h.trim().to_owned(), i)).collect();
    let mut report = ImportReport::default();
    let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            return Err(ServiceError::Invalid(format!("at most {MAX_ROWS} rows in one import")));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n as u64 + 2, csv::Position::line);
                report.errors.push(RowError { line, message: format!("not a valid CSV row: {e}") });
                continue;
            }
        };
        let line = record.position().map_or(n as u64 + 2, csv::Position::line);
        let get = |name: &str| index.get(name).and_then(|i| record.get(*i)).map(|cell| unguard(cell).to_owned());
        match parse_row(line, &get) {
            Ok(row) => match groups.iter_mut().find(|(g, _)| *g == row.group) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((row.group.clone(), vec![row])),
            },
            Err(message) => report.errors.push(RowError { line, message }),
        }
    }
    for (_, rows) in groups {
        match rows[0].product_id {
            Some(id) => update_product_rows(shop, actor, id, rows, &mut report).await,
            None => create_product_rows(shop, actor, rows, &mut report).await,
        }
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

async fn create_product_rows(shop: &Shop, actor: Actor, mut rows: Vec<Row>, report: &mut ImportReport) {
    // Rows whose variant the service refuses are dropped one by one, so the
    // product is still created from its good rows.
    loop {
        let Some(first) = rows.first() else { return };
        let p = first.product.clone();
        let new = NewProduct {
            vendor: p.vendor,
            category: p.category.unwrap_or_default(),
            title: p.title.unwrap_or_default(),
            description: p.description.unwrap_or_default(),
            brand: p.brand.unwrap_or_default(),
            attributes: p.attributes.unwrap_or_default(),
            status: p.status,
            featured: p.featured.unwrap_or(false),
            variants: rows.iter().map(|r| r.variant.clone()).collect(),
        };
        match crate::catalog::products::create_product(shop, actor, new).await {
            Ok(_) => {
                report.products_created += 1;
                report.variants_created += rows.len() as u32;
                return;
            }
            Err(ServiceError::InvalidFields(fields)) => {
                let bad_variants: Vec<usize> = fields
                    .iter()
                    .filter_map(|(f, _)| f.strip_prefix("variants[")?.split(']').next()?.parse().ok())
                    .collect();
                if bad_variants.is_empty() {
                    // The product itself is refused: every row of it is.
                    let message = fields.iter().map(|(f, m)| format!("{f} {m}")).collect::<Vec<_>>().join("; ");
                    for r in &rows {
                        report.errors.push(RowError { line: r.line, message: message.clone() });
                    }
                    return;
                }
                for (i, r) in rows.iter().enumerate().rev() {
                    if bad_variants.contains(&i) {
                        let message = fields
                            .iter()
                            .filter(|(f, _)| f.starts_with(&format!("variants[{i}]")))
                            .map(|(f, m)| format!("{} {m}", f.trim_start_matches(&format!("variants[{i}]."))))
                            .collect::<Vec<_>>()
                            .join("; ");
                        report.errors.push(RowError { line: r.line, message });
                    }
                }
                let mut i = 0;
                rows.retain(|_| {
                    let keep = !bad_variants.contains(&i);
                    i += 1;
                    keep
                });
            }
            Err(e) => {
                for r in &rows {
                    report.errors.push(RowError { line: r.line, message: reason(&e) });
                }
                return;
            }
        }
    }
}

async fn update_product_rows(shop: &Shop, actor: Actor, id: i64, rows: Vec<Row>, report: &mut ImportReport) {
    let p = rows[0].product.clone();
    let patch = ProductPatch {
        title: p.title,
        description: p.description,
        brand: p.brand,
        status: p.status,
        featured: p.featured,
        category: p.category,
        vendor: None,
        attributes: p.attributes,
    };
    let current =
        match crate::catalog::products::update_product(shop, actor, crate::kernel::ProductId::new(id), patch).await {
            Ok(updated) => {
                report.products_updated += 1;
                updated
            }
            Err(e) => {
                for r in &rows {
                    report.errors.push(RowError { line: r.line, message: reason(&e) });
                }
                return;
            }
        };
    for r in rows {
        let sku = r.variant.sku.trim().to_ascii_uppercase();
        let result = match current.variants.iter().find(|v| v.sku == sku) {
            Some(existing) => crate::catalog::variants::update_variant(
                shop,
                actor,
                crate::kernel::VariantId::new(existing.id),
                VariantPatch {
                    sku: None,
                    options: Some(r.variant.options.clone()),
                    price_minor: Some(r.variant.price_minor),
                    stock: Some(r.variant.stock),
                    allow_backorder: Some(r.variant.allow_backorder),
                    weight_grams: r.weight,
                },
            )
            .await
            .map(|_| true),
            None => {
                crate::catalog::variants::add_variant(shop, actor, crate::kernel::ProductId::new(id), r.variant.clone())
                    .await
                    .map(|_| false)
            }
        };
        match result {
            Ok(true) => report.variants_updated += 1,
            Ok(false) => report.variants_created += 1,
            Err(e) => report.errors.push(RowError { line: r.line, message: reason(&e) }),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn cells_a_spreadsheet_would_run_are_exported_as_text_and_read_back() {
        for text in ["=HYPERLINK(\"http://evil.example\")", "+1", "-2+3", "@SUM(A1)", "\tx"] {
            assert_eq!(guard(text), format!("'{text}"));
            assert_eq!(unguard(&guard(text)), text);
        }
        assert_eq!(guard("Wool sweater"), "Wool sweater");
        assert_eq!(unguard("'quoted"), "'quoted", "a plain leading quote stays");
    }

    use super::*;

    #[test]
    fn pairs_read_and_write_the_same_text() {
        let map = parse_pairs("Size=M; Colour = Red ;").unwrap();
        assert_eq!(map["Size"], "M");
        assert_eq!(map["Colour"], "Red");
        assert_eq!(pairs_text(&serde_json::json!([["Colour", "Red"], ["Size", "M"]])), "Colour=Red; Size=M");
        assert!(parse_pairs("Size").is_err());
    }

    #[test]
    fn rows_are_parsed_with_reasons() {
        let row = |cells: &[(&str, &str)]| {
            let cells: HashMap<String, String> =
                cells.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            parse_row(7, &move |name| cells.get(name).cloned())
        };
        let ok = row(&[("title", "Lamp"), ("sku", "L-1"), ("price_minor", "1999"), ("currency", "EUR")]).ok().unwrap();
        assert_eq!((ok.line, ok.group.as_str(), ok.variant.price_minor), (7, "title:Lamp", 1999));
        let bad = |cells: &[(&str, &str)]| row(cells).err().unwrap();
        assert!(bad(&[("title", "Lamp"), ("sku", "L-1"), ("price_minor", "19.99"), ("currency", "EUR")])
            .contains("price_minor"));
        assert!(bad(&[("title", "Lamp"), ("price_minor", "1"), ("currency", "EUR")]).contains("sku"));
        assert!(bad(&[("sku", "L-1"), ("price_minor", "1"), ("currency", "EUR")]).contains("slug or a title"));
        assert!(bad(&[
            ("title", "L"),
            ("sku", "L-1"),
            ("price_minor", "1"),
            ("currency", "EUR"),
            ("featured", "maybe")
        ])
        .contains("featured"));
    }
}
