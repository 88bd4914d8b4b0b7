//! What a card payment tells fraud screening: the card's fingerprint (the
//! same card gives the same one, whoever types it) and the provider's own
//! risk verdict (Stripe Radar), with an index for the per-card velocity rule.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Payments {
    Table,
    CardFingerprint,
    RiskLevel,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Payments::CardFingerprint).string_len(64).null().to_owned(),
            ColumnDef::new(Payments::RiskLevel).string_len(20).null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Payments::Table).add_column(column).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_payments_card_fingerprint_created")
                .table(Payments::Table)
                .col(Payments::CardFingerprint)
                .col(Payments::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_payments_card_fingerprint_created").table(Payments::Table).to_owned())
            .await?;
        for column in [Payments::RiskLevel, Payments::CardFingerprint] {
            m.alter_table(Table::alter().table(Payments::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
