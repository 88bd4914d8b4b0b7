//! `bazaar seed`: a deterministic demo marketplace. The same `rng_seed` and
//! product count always give the same catalog.

use crate::workers::progress::Progress;
use chrono::{Duration, TimeZone, Utc};
use entities::catalog::{ImageStatus, ProductStatus};
use entities::model::{category, product, product_image, variant, vendor};
use entities::Slug;
use rand::{seq::IndexedRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, TransactionTrait,
};
use serde_json::json;

/// Seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database already holds a catalog.
    #[error("the database already has {0} products; seed only fills an empty database")]
    NotEmpty(u64),
    /// The database failed.
    #[error("database error while seeding: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Opening the stock levels failed.
    #[error("opening stock levels: {0}")]
    Stock(#[from] entities::ServiceError),
}

/// What the seed made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// Vendors created.
    pub vendors: usize,
    /// Categories created.
    pub categories: usize,
    /// Products created.
    pub products: usize,
    /// Variants created.
    pub variants: usize,
}

const VENDORS: &[(&str, &str, &str)] = &[
    ("northwind-outfitters", "Northwind Outfitters", "NW"),
    ("copper-kettle-home", "Copper Kettle Home", "CK"),
    ("lumen-electronics", "Lumen Electronics", "LE"),
    ("trailhead-sports", "Trailhead Sports", "TS"),
    ("petal-and-stone", "Petal & Stone Beauty", "PS"),
    ("oakleaf-books", "Oakleaf Books", "OB"),
    ("little-sprout-toys", "Little Sprout Toys", "LS"),
    ("urban-loom", "Urban Loom", "UL"),
    ("harbor-footwear", "Harbor Footwear", "HF"),
    ("greenfield-garden", "Greenfield Garden Co.", "GG"),
];

/// How variants of a department differ.
#[derive(Clone, Copy)]
enum Options {
    Apparel,
    Shoes,
    Colour,
    Storage,
    Volume,
    Format,
    None,
}

/// A leaf category's name and the product nouns sold in it.
type LeafSpec = (&'static str, &'static [&'static str]);
/// A sub-category's name and its leaves.
type SubSpec = (&'static str, &'static [LeafSpec]);

struct Department {
    name: &'static str,
    options: Options,
    vendors: &'static [usize],
    price: (i64, i64),
    materials: &'static [&'static str],
    subs: &'static [SubSpec],
}

const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Clothing",
        options: Options::Apparel,
        vendors: &[0, 7],
        price: (1_500, 18_000),
        materials: &["Cotton", "Merino Wool", "Linen", "Organic Cotton", "Recycled Polyester", "Denim"],
        subs: &[
            (
                "Women",
                &[
                    ("Dresses", &["Wrap Dress", "Shirt Dress", "Midi Dress"]),
                    ("Tops", &["Blouse", "T-Shirt", "Tank Top"]),
                    ("Knitwear", &["Cardigan", "Sweater", "Turtleneck"]),
                ],
            ),
            (
                "Men",
                &[
                    ("Shirts", &["Oxford Shirt", "Flannel Shirt", "Polo Shirt"]),
                    ("Trousers", &["Chinos", "Jeans", "Cargo Trousers"]),
                    ("Jackets", &["Bomber Jacket", "Rain Jacket", "Field Jacket"]),
                ],
            ),
        ],
    },
    Department {
        name: "Shoes",
        options: Options::Shoes,
        vendors: &[8, 3],
        price: (3_000, 22_000),
        materials: &["Leather", "Suede", "Canvas", "Mesh"],
        subs: &[
            (
                "Sneakers",
                &[
                    ("Running Shoes", &["Running Shoe", "Trail Runner"]),
                    ("Casual Sneakers", &["Low-Top Sneaker", "High-Top Sneaker"]),
                ],
            ),
            (
                "Boots",
                &[
                    ("Hiking Boots", &["Hiking Boot", "Trekking Boot"]),
                    ("Chelsea Boots", &["Chelsea Boot", "Ankle Boot"]),
                ],
            ),
        ],
    },
    Department {
        name: "Home & Kitchen",
        options: Options::Colour,
        vendors: &[1, 9],
        price: (800, 25_000),
        materials: &["Stoneware", "Cast Iron", "Oak", "Bamboo", "Stainless Steel", "Glass"],
        subs: &[
            (
                "Kitchen",
                &[
                    ("Cookware", &["Frying Pan", "Dutch Oven", "Saucepan"]),
                    ("Tableware", &["Dinner Plate", "Mug", "Serving Bowl"]),
                ],
            ),
            (
                "Living",
                &[
                    ("Lighting", &["Table Lamp", "Floor Lamp", "Pendant Light"]),
                    ("Textiles", &["Throw Blanket", "Cushion Cover", "Rug"]),
                ],
            ),
            (
                "Garden",
                &[("Planters", &["Planter", "Plant Pot"]), ("Garden Tools", &["Pruning Shears", "Watering Can"])],
            ),
        ],
    },
    Department {
        name: "Electronics",
        options: Options::Storage,
        vendors: &[2],
        price: (1_500, 120_000),
        materials: &["Aluminium", "Recycled Plastic", "Glass"],
        subs: &[
            (
                "Audio",
                &[
                    ("Headphones", &["Wireless Headphones", "Earbuds", "Studio Headphones"]),
                    ("Speakers", &["Bluetooth Speaker", "Smart Speaker"]),
                ],
            ),
            ("Computing", &[("Tablets", &["Tablet", "E-Reader"]), ("Storage", &["Portable SSD", "USB Drive"])]),
            (
                "Accessories",
                &[("Chargers", &["USB-C Charger", "Power Bank"]), ("Cables", &["USB-C Cable", "HDMI Cable"])],
            ),
        ],
    },
    Department {
        name: "Sports & Outdoors",
        options: Options::Apparel,
        vendors: &[3],
        price: (1_000, 40_000),
        materials: &["Nylon", "Ripstop", "Neoprene", "Carbon"],
        subs: &[
            (
                "Camping",
                &[("Tents", &["Dome Tent", "Backpacking Tent"]), ("Sleeping", &["Sleeping Bag", "Sleeping Pad"])],
            ),
            ("Fitness", &[("Yoga", &["Yoga Mat", "Yoga Block"]), ("Training", &["Resistance Band", "Kettlebell"])]),
        ],
    },
    Department {
        name: "Beauty",
        options: Options::Volume,
        vendors: &[4],
        price: (600, 9_000),
        materials: &["Rose", "Lavender", "Sandalwood", "Citrus", "Unscented"],
        subs: &[
            (
                "Skincare",
                &[
                    ("Moisturisers", &["Face Cream", "Night Cream"]),
                    ("Cleansers", &["Cleansing Oil", "Foaming Cleanser"]),
                ],
            ),
            (
                "Fragrance",
                &[("Perfume", &["Eau de Parfum", "Eau de Toilette"]), ("Candles", &["Scented Candle", "Room Spray"])],
            ),
        ],
    },
    Department {
        name: "Books",
        options: Options::Format,
        vendors: &[5],
        price: (700, 4_500),
        materials: &["Illustrated", "Annotated", "Collector's"],
        subs: &[
            (
                "Fiction",
                &[
                    ("Mystery", &["Mystery Novel", "Detective Story"]),
                    ("Science Fiction", &["Space Opera", "Cyberpunk Novel"]),
                ],
            ),
            ("Non-Fiction", &[("Cooking", &["Cookbook", "Baking Guide"]), ("Travel", &["Travel Guide", "Road Atlas"])]),
        ],
    },
    Department {
        name: "Toys & Games",
        options: Options::None,
        vendors: &[6],
        price: (500, 12_000),
        materials: &["Wooden", "Plush", "Cardboard", "Magnetic"],
        subs: &[
            (
                "Games",
                &[("Board Games", &["Board Game", "Card Game"]), ("Puzzles", &["Jigsaw Puzzle", "Logic Puzzle"])],
            ),
            ("Play", &[("Building", &["Building Blocks", "Marble Run"]), ("Soft Toys", &["Teddy Bear", "Plush Fox"])]),
        ],
    },
];

const ADJECTIVES: &[&str] = &[
    "Classic",
    "Everyday",
    "Heritage",
    "Modern",
    "Essential",
    "Premium",
    "Lightweight",
    "Vintage",
    "Nordic",
    "Coastal",
    "Urban",
    "Alpine",
    "Studio",
    "Signature",
    "Compact",
    "Deluxe",
];
const BRANDS: &[&str] = &[
    "Aster",
    "Brightwood",
    "Calder",
    "Driftline",
    "Ember & Co",
    "Fjell",
    "Goldleaf",
    "Halden",
    "Ironbark",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Meridian",
    "Nimbus",
    "Orchard",
    "Pinecrest",
    "Quill",
    "Rowan",
    "Saltmarsh",
    "Tidewater",
];
const COLOURS: &[&str] = &["Black", "White", "Navy", "Olive", "Rust", "Sand", "Grey", "Burgundy", "Teal", "Mustard"];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];
const SHOE_SIZES: &[&str] = &["38", "39", "40", "41", "42", "43", "44", "45"];
const STORAGE: &[&str] = &["64 GB", "128 GB", "256 GB", "512 GB", "1 TB"];
const VOLUMES: &[&str] = &["30 ml", "50 ml", "100 ml", "200 ml"];
const FORMATS: &[&str] = &["Paperback", "Hardcover", "E-book", "Audiobook"];
const FITS: &[&str] = &["Regular fit", "Relaxed fit", "Slim fit"];
const ORIGINS: &[&str] = &["Portugal", "Italy", "Japan", "Vietnam", "Germany", "Peru", "Sweden", "India"];
const PRAISE: &[&str] = &[
    "Made to be used every day and to last for years.",
    "Designed in small batches with care for every detail.",
    "A customer favourite that goes with almost anything.",
    "Thoughtfully made from responsibly sourced materials.",
    "Built for comfort, tested by people who use it daily.",
];

struct Leaf {
    id: i64,
    department: usize,
    nouns: &'static [&'static str],
}

/// Fills an empty database with vendors, a category tree, `products`
/// products with 1–5 variants each, and an image record per product.
///
/// # Errors
/// `NotEmpty` when products exist; `Database` when a write fails.
pub async fn seed(
    db: &DatabaseConnection,
    products: u32,
    rng_seed: u64,
    progress: &Progress,
) -> Result<SeedReport, SeedError> {
    let existing = product::Entity::find().count(db).await?;
    if existing > 0 {
        return Err(SeedError::NotEmpty(existing));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(rng_seed);
    // Its own stream, so ratings do not change the rest of the catalog.
    let mut ratings = ChaCha8Rng::seed_from_u64(rng_seed ^ 0x005E_ED0F_5A75);
    let epoch = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid date");
    let txn = db.begin().await?;

    let vendors: Vec<vendor::ActiveModel> = VENDORS
        .iter()
        .enumerate()
        .map(|(i, (slug, name, _))| vendor::ActiveModel {
            id: Set(i as i64 + 1),
            slug: Set((*slug).to_owned()),
            name: Set((*name).to_owned()),
            description: Set(format!("{name} sells on Bazaar since 2026.")),
            commission_bps: Set(800 + (i as i32 % 5) * 100),
            created_at: Set(epoch),
        })
        .collect();
    vendor::Entity::insert_many(vendors).exec(&txn).await?;

    let (categories, leaves) = category_tree();
    let category_count = categories.len();
    category::Entity::insert_many(categories).exec(&txn).await?;

    let mut product_rows = Vec::with_capacity(500);
    let mut variant_rows = Vec::with_capacity(1500);
    let mut image_rows = Vec::with_capacity(500);
    let mut variant_id = 0_i64;
    for n in 1..=i64::from(products) {
        let leaf = &leaves[rng.random_range(0..leaves.len())];
        let dept = &DEPARTMENTS[leaf.department];
        let vendor_index = *dept.vendors.choose(&mut rng).expect("departments have vendors");
        let noun = *leaf.nouns.choose(&mut rng).expect("leaves have nouns");
        let material = *dept.materials.choose(&mut rng).expect("departments have materials");
        let adjective = *ADJECTIVES.choose(&mut rng).expect("non-empty");
        let brand = *BRANDS.choose(&mut rng).expect("non-empty");
        let title = format!("{adjective} {material} {noun}");
        let slug = Slug::from_title(&format!("{title} {n}")).expect("titles have letters");
        let created = epoch + Duration::minutes(n * 7);
        let attributes = json!({
            "Material": material,
            "Fit": FITS.choose(&mut rng).expect("non-empty"),
            "Made in": ORIGINS.choose(&mut rng).expect("non-empty"),
        });
        let description = format!(
            "The {title} from {brand}. {} {} Sold by {}.",
            PRAISE.choose(&mut rng).expect("non-empty"),
            PRAISE.choose(&mut rng).expect("non-empty"),
            VENDORS[vendor_index].1
        );
        image_rows.push(product_image::ActiveModel {
            id: Set(n),
            product_id: Set(n),
            position: Set(0),
            object_key: Set(format!("products/{n}.svg")),
            alt: Set(title.clone()),
            status: Set(ImageStatus::Ready),
            kind: Set("art".to_owned()),
            width: Set(Some(640)),
            height: Set(Some(480)),
            error: Set(None),
        });
        let base = log_uniform(&mut rng, dept.price);
        let mut price_from = i64::MAX;
        for (position, options) in variant_options(&mut rng, dept.options).into_iter().enumerate() {
            variant_id += 1;
            let stock = if rng.random_ratio(1, 12) { 0 } else { rng.random_range(1..=60) };
            let price = round_price(base + base * rng.random_range(0..=20) / 100);
            price_from = price_from.min(price);
            variant_rows.push(variant::ActiveModel {
                id: Set(variant_id),
                product_id: Set(n),
                sku: Set(format!("{}-{n:06}-{}", VENDORS[vendor_index].2, position + 1)),
                options: Set(json!(options)),
                price_minor: Set(price),
                currency: Set("EUR".to_owned()),
                stock: Set(stock),
                allow_backorder: Set(false),
                position: Set(position as i32),
                // Derived from the price, not drawn: the catalog's random
                // stream (and so every seeded product) stays as it was.
                weight_grams: Set(150 + (price % 2_850) as i32),
            });
        }
        let (rating_centi, rating_count) = demo_rating(&mut ratings);
        product_rows.push(product::ActiveModel {
            id: Set(n),
            vendor_id: Set(vendor_index as i64 + 1),
            category_id: Set(leaf.id),
            slug: Set(slug.to_string()),
            title: Set(title),
            description: Set(description),
            brand: Set(brand.to_owned()),
            attributes: Set(attributes),
            status: Set(ProductStatus::Active),
            featured: Set(n % 40 == 1),
            price_from_minor: Set(price_from),
            rating_centi: Set(rating_centi),
            rating_count: Set(rating_count),
            created_at: Set(created),
            updated_at: Set(created),
        });
        if product_rows.len() == 500 || n == i64::from(products) {
            product::Entity::insert_many(std::mem::take(&mut product_rows)).exec(&txn).await?;
            product_image::Entity::insert_many(std::mem::take(&mut image_rows)).exec(&txn).await?;
            for chunk in std::mem::take(&mut variant_rows).chunks(1000) {
                variant::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            progress.set(n as u64);
        }
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly; move each sequence past them.
        for table in ["vendors", "categories", "products", "variants", "product_images"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    // Every variant's stock, counted into the main warehouse with its
    // opening row in the ledger.
    entities::catalog::inventory::open_missing_levels(&txn).await?;
    txn.commit().await?;
    Ok(SeedReport {
        vendors: VENDORS.len(),
        categories: category_count,
        products: products as usize,
        variants: variant_id as usize,
    })
}

fn category_tree() -> (Vec<category::ActiveModel>, Vec<Leaf>) {
    let mut rows = Vec::new();
    let mut leaves = Vec::new();
    let mut next_id = 0_i64;
    let mut add = |parent: Option<(i64, &str)>, name: &str, position: i32, rows: &mut Vec<category::ActiveModel>| {
        next_id += 1;
        let id = next_id;
        let path = match parent {
            Some((_, parent_path)) => format!("{parent_path}{id}/"),
            None => format!("/{id}/"),
        };
        let slug = Slug::from_title(name).expect("category names have letters");
        // Sub-category names repeat across departments ("Women"), so a slug
        // carries its parent's when needed to stay unique.
        let slug = if rows.iter().any(|r: &category::ActiveModel| r.slug.as_ref() == slug.as_str()) {
            format!("{}-{id}", slug.as_str())
        } else {
            slug.to_string()
        };
        rows.push(category::ActiveModel {
            id: Set(id),
            parent_id: Set(parent.map(|p| p.0)),
            slug: Set(slug),
            name: Set(name.to_owned()),
            path: Set(path.clone()),
            depth: Set(path.matches('/').count() as i32 - 2),
            position: Set(position),
        });
        (id, path)
    };
    for (d, dept) in DEPARTMENTS.iter().enumerate() {
        let (top_id, top_path) = add(None, dept.name, d as i32, &mut rows);
        for (s, (sub, leaf_names)) in dept.subs.iter().enumerate() {
            let (sub_id, sub_path) = add(Some((top_id, &top_path)), sub, s as i32, &mut rows);
            for (l, (leaf, nouns)) in leaf_names.iter().enumerate() {
                let (leaf_id, _) = add(Some((sub_id, &sub_path)), leaf, l as i32, &mut rows);
                leaves.push(Leaf { id: leaf_id, department: d, nouns });
            }
        }
    }
    (rows, leaves)
}

fn variant_options(rng: &mut ChaCha8Rng, options: Options) -> Vec<Vec<(&'static str, &'static str)>> {
    let count = rng.random_range(1..=5_usize);
    let pick = |rng: &mut ChaCha8Rng, name: &'static str, values: &'static [&'static str], count: usize| {
        let start = rng.random_range(0..values.len());
        (0..count.min(values.len())).map(|i| vec![(name, values[(start + i) % values.len()])]).collect::<Vec<_>>()
    };
    match options {
        Options::Apparel => {
            let colour = *COLOURS.choose(rng).expect("non-empty");
            let mut v = pick(rng, "Size", SIZES, count);
            v.iter_mut().for_each(|o| o.push(("Colour", colour)));
            v
        }
        Options::Shoes => {
            let colour = *COLOURS.choose(rng).expect("non-empty");
            let mut v = pick(rng, "Size", SHOE_SIZES, count);
            v.iter_mut().for_each(|o| o.push(("Colour", colour)));
            v
        }
        Options::Colour => pick(rng, "Colour", COLOURS, count),
        Options::Storage => pick(rng, "Storage", STORAGE, count),
        Options::Volume => pick(rng, "Volume", VOLUMES, count),
        Options::Format => pick(rng, "Format", FORMATS, count),
        Options::None => vec![vec![]],
    }
}

/// A price between `lo` and `hi` minor units, spread evenly on a log scale.
/// A demo review summary: a third of products unreviewed, the rest between
/// 2.5 and 5 stars from 1–400 reviews. Reviews (issue 4) keep it real later.
fn demo_rating(rng: &mut ChaCha8Rng) -> (i32, i32) {
    if rng.random_ratio(1, 3) {
        return (0, 0);
    }
    (rng.random_range(250..=500), rng.random_range(1..=400))
}

fn log_uniform(rng: &mut ChaCha8Rng, (lo, hi): (i64, i64)) -> i64 {
    let (lo, hi) = (lo as f64, hi as f64);
    let x: f64 = rng.random_range(0.0..1.0);
    (lo * (hi / lo).powf(x)) as i64
}

/// Rounds to a shop price ending in .99 (or .49 under 10).
fn round_price(minor: i64) -> i64 {
    if minor < 1_000 {
        (minor / 50).max(1) * 50 - 1
    } else {
        (minor / 100).max(1) * 100 - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_category_tree_has_at_least_60_nodes_with_unique_slugs() {
        let (rows, leaves) = category_tree();
        assert!(rows.len() >= 60, "{}", rows.len());
        let mut slugs: Vec<String> = rows.iter().map(|r| r.slug.as_ref().clone()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), rows.len());
        assert!(leaves.len() >= 30, "{}", leaves.len());
    }

    #[test]
    fn prices_look_like_shop_prices() {
        assert_eq!(round_price(1_234), 1_199);
        assert_eq!(round_price(730), 699);
        assert!(round_price(10) > 0);
    }

    #[test]
    fn every_product_gets_one_to_five_variants() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for options in [Options::Apparel, Options::Shoes, Options::Storage, Options::None] {
            for _ in 0..50 {
                let n = variant_options(&mut rng, options).len();
                assert!((1..=5).contains(&n));
            }
        }
    }
}
