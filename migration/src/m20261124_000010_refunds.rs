//! Refunds: each one recorded before the provider is asked (so two racing
//! refunds can never together exceed the payment), and the running total
//! on the payment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Refunds {
    Table,
    Id,
    PaymentId,
    OrderId,
    AmountMinor,
    Status,
    ProviderRef,
    Reason,
    Actor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    RefundedMinor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Payments::Table)
                .add_column(ColumnDef::new(Payments::RefundedMinor).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Refunds::Table)
                .col(ColumnDef::new(Refunds::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Refunds::PaymentId).big_integer().not_null())
                .col(ColumnDef::new(Refunds::OrderId).big_integer().not_null())
                .col(ColumnDef::new(Refunds::AmountMinor).big_integer().not_null())
                .col(ColumnDef::new(Refunds::Status).string_len(20).not_null())
                .col(ColumnDef::new(Refunds::ProviderRef).string_len(200).null())
                .col(ColumnDef::new(Refunds::Reason).string_len(500).not_null())
                .col(ColumnDef::new(Refunds::Actor).string_len(100).not_null())
                .col(ColumnDef::new(Refunds::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_refunds_order").table(Refunds::Table).col(Refunds::OrderId).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Refunds::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Payments::Table).drop_column(Payments::RefundedMinor).to_owned()).await
    }
}
