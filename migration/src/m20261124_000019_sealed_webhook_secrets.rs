//! Merchants' webhook signing secrets are kept sealed (encrypted with the
//! shop's secret key), which is longer than the secret itself: the column
//! becomes text. SQLite does not enforce a `varchar` length (and cannot
//! change a column's type), so only PostgreSQL needs the change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Secret,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .modify_column(ColumnDef::new(WebhookSubscriptions::Secret).text().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .modify_column(ColumnDef::new(WebhookSubscriptions::Secret).string_len(200).not_null())
                .to_owned(),
        )
        .await
    }
}
