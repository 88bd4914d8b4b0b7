//! Sort keys on products: the lowest variant price, and the review rating
//! (average × 100 and count), kept up to date by the services that change
//! variants and reviews, so lists sort and page by them with an index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Status,
    PriceFromMinor,
    RatingCenti,
    RatingCount,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(Products::PriceFromMinor).big_integer().not_null().default(0).to_owned(),
            ColumnDef::new(Products::RatingCenti).integer().not_null().default(0).to_owned(),
            ColumnDef::new(Products::RatingCount).integer().not_null().default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Products::Table).add_column(column).to_owned()).await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE products SET price_from_minor = \
                 COALESCE((SELECT MIN(price_minor) FROM variants WHERE variants.product_id = products.id), 0)",
            )
            .await?;
        for (name, key) in [
            ("ix_products_by_price", Products::PriceFromMinor),
            ("ix_products_by_created", Products::CreatedAt),
            ("ix_products_by_rating", Products::RatingCenti),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Products::Table)
                    .col(Products::Status)
                    .col(key)
                    .col(Products::Id)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_products_by_price", "ix_products_by_created", "ix_products_by_rating"] {
            m.drop_index(Index::drop().name(name).table(Products::Table).to_owned()).await?;
        }
        for column in [Products::PriceFromMinor, Products::RatingCenti, Products::RatingCount] {
            m.alter_table(Table::alter().table(Products::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
