//! Product views counted per hour, for "trending" (no visitor is stored).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProductViewCounts {
    Table,
    ProductId,
    Hour,
    Views,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProductViewCounts::Table)
                .col(ColumnDef::new(ProductViewCounts::ProductId).big_integer().not_null())
                // The start of the hour the views fell in (UTC).
                .col(ColumnDef::new(ProductViewCounts::Hour).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ProductViewCounts::Views).big_integer().not_null())
                .primary_key(Index::create().col(ProductViewCounts::ProductId).col(ProductViewCounts::Hour))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_product_view_counts_hour")
                .table(ProductViewCounts::Table)
                .col(ProductViewCounts::Hour)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProductViewCounts::Table).to_owned()).await
    }
}
