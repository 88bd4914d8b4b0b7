//! Gift cards and store credit: a balance behind a code that is stored only
//! as its SHA-256, spent on orders (split with another way to pay), and a
//! ledger of every change to a balance.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GiftCards {
    Table,
    Id,
    CodeHash,
    Last4,
    Kind,
    UserId,
    Currency,
    InitialMinor,
    BalanceMinor,
    Status,
    Note,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GiftCardLedger {
    Table,
    Id,
    CardId,
    OrderId,
    ChangeMinor,
    Kind,
    Reference,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GiftCards::Table)
                .col(ColumnDef::new(GiftCards::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(GiftCards::CodeHash).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(GiftCards::Last4).string_len(4).not_null())
                // `gift_card`, or `store_credit` (an account's, `user_id`).
                .col(ColumnDef::new(GiftCards::Kind).string_len(20).not_null())
                .col(ColumnDef::new(GiftCards::UserId).big_integer().null())
                .col(ColumnDef::new(GiftCards::Currency).string_len(3).not_null())
                .col(ColumnDef::new(GiftCards::InitialMinor).big_integer().not_null())
                .col(ColumnDef::new(GiftCards::BalanceMinor).big_integer().not_null())
                // `active` or `disabled`.
                .col(ColumnDef::new(GiftCards::Status).string_len(20).not_null())
                .col(ColumnDef::new(GiftCards::Note).text().not_null().default(""))
                .col(ColumnDef::new(GiftCards::ExpiresAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(GiftCards::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(GiftCards::UpdatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(GiftCards::BalanceMinor).gte(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_gift_cards_user").table(GiftCards::Table).col(GiftCards::UserId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GiftCardLedger::Table)
                .col(ColumnDef::new(GiftCardLedger::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(GiftCardLedger::CardId).big_integer().not_null())
                .col(ColumnDef::new(GiftCardLedger::OrderId).big_integer().null())
                .col(ColumnDef::new(GiftCardLedger::ChangeMinor).big_integer().not_null())
                // `issue`, `redeem`, `refund` or `adjust`.
                .col(ColumnDef::new(GiftCardLedger::Kind).string_len(20).not_null())
                .col(ColumnDef::new(GiftCardLedger::Reference).string_len(100).not_null())
                .col(ColumnDef::new(GiftCardLedger::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_gift_card_ledger_card")
                        .from(GiftCardLedger::Table, GiftCardLedger::CardId)
                        .to(GiftCards::Table, GiftCards::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_gift_card_ledger_card")
                .table(GiftCardLedger::Table)
                .col(GiftCardLedger::CardId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GiftCardLedger::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(GiftCards::Table).to_owned()).await
    }
}
