//! Events carry the schema version of their data: the outbox and the
//! webhook deliveries keep it beside the type name and the data (rows
//! written before were version 1).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["outbox", "webhook_deliveries"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(ColumnDef::new(Alias::new("schema_version")).small_integer().not_null().default(1))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["outbox", "webhook_deliveries"] {
            m.alter_table(Table::alter().table(Alias::new(table)).drop_column(Alias::new("schema_version")).to_owned())
                .await?;
        }
        Ok(())
    }
}
