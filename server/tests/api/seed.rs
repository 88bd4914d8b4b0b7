//! The demo catalog generator.

use entities::model::{category, product, variant, vendor};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use server::config::Settings;
use server::seed::{seed, SeedError};
use server::workers::progress::Progress;

async fn fresh_sqlite(dir: &tempfile::TempDir) -> sea_orm::DatabaseConnection {
    let mut settings = Settings::defaults();
    settings.data_dir = dir.path().to_path_buf();
    let db = server::startup::connect_database(&settings).await.unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    db
}

use migration::MigratorTrait;

#[tokio::test]
async fn the_seed_is_deterministic_and_believable() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (db_a, db_b) = (fresh_sqlite(&a).await, fresh_sqlite(&b).await);

    let report = seed(&db_a, 300, 7, &Progress::hidden("seeding", 300)).await.unwrap();
    seed(&db_b, 300, 7, &Progress::hidden("seeding", 300)).await.unwrap();

    let titles = |db: sea_orm::DatabaseConnection| async move {
        product::Entity::find()
            .order_by_asc(product::Column::Id)
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.title, p.brand))
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(db_a.clone()).await, titles(db_b).await, "same seed, same catalog");
    assert_eq!(report.products, 300);
    assert!(report.vendors >= 8);
    assert!(report.categories >= 60);
    assert_eq!(vendor::Entity::find().count(&db_a).await.unwrap(), report.vendors as u64);
    assert_eq!(category::Entity::find().count(&db_a).await.unwrap(), report.categories as u64);
    let variants = variant::Entity::find().all(&db_a).await.unwrap();
    assert_eq!(variants.len(), report.variants);
    assert!(variants.len() >= 300 && variants.len() <= 1500);
    assert!(variants.iter().all(|v| v.price_minor > 0 && v.stock >= 0));
    assert!(variants.iter().any(|v| v.stock == 0), "some variants are sold out");
    let mut skus: Vec<&str> = variants.iter().map(|v| v.sku.as_str()).collect();
    skus.sort_unstable();
    skus.dedup();
    assert_eq!(skus.len(), variants.len(), "SKUs are unique");
    assert!(skus.iter().all(|s| entities::Sku::parse(s).is_ok()), "SKUs are valid");
}

#[tokio::test]
async fn seeding_a_database_that_has_products_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_sqlite(&dir).await;
    seed(&db, 10, 1, &Progress::hidden("seeding", 10)).await.unwrap();

    let again = seed(&db, 10, 1, &Progress::hidden("seeding", 10)).await;

    assert!(matches!(again, Err(SeedError::NotEmpty(10))));
}
