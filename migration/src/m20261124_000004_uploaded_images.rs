//! Uploaded product images: where they come from (generated art or an
//! upload), their size once processed, and why processing failed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Kind,
    Width,
    Height,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            // `art` (generated from the title) or `upload`.
            ColumnDef::new(ProductImages::Kind).string_len(16).not_null().default("art").to_owned(),
            ColumnDef::new(ProductImages::Width).integer().null().to_owned(),
            ColumnDef::new(ProductImages::Height).integer().null().to_owned(),
            ColumnDef::new(ProductImages::Error).string_len(300).null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(ProductImages::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [ProductImages::Kind, ProductImages::Width, ProductImages::Height, ProductImages::Error] {
            m.alter_table(Table::alter().table(ProductImages::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
