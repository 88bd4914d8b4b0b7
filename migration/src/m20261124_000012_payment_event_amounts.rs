//! Payment events keep the amount they speak of: a provider's "refunded"
//! event carries the payment's refunded total, which settles refunds made at
//! the provider's side as well as ours.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PaymentEvents {
    Table,
    AmountMinor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(PaymentEvents::Table)
                .add_column(ColumnDef::new(PaymentEvents::AmountMinor).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(PaymentEvents::Table).drop_column(PaymentEvents::AmountMinor).to_owned())
            .await
    }
}
