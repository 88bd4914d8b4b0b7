//! Fraud screening: where an order came from (IP address), its billing
//! address, its risk score and reasons, and whether it is held for review;
//! indexes for the velocity rules (orders per email, per IP address).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Email,
    CreatedAt,
    ClientIp,
    BillingAddress,
    RiskScore,
    RiskReasons,
    HeldForReview,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Orders::ClientIp).string_len(45).null().to_owned(),
            ColumnDef::new(Orders::BillingAddress).json().null().to_owned(),
            ColumnDef::new(Orders::RiskScore).integer().not_null().default(0).to_owned(),
            ColumnDef::new(Orders::RiskReasons).text().not_null().default("").to_owned(),
            ColumnDef::new(Orders::HeldForReview).boolean().not_null().default(false).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Orders::Table).add_column(column).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_orders_email_created")
                .table(Orders::Table)
                .col(Orders::Email)
                .col(Orders::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_orders_client_ip_created")
                .table(Orders::Table)
                .col(Orders::ClientIp)
                .col(Orders::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_orders_client_ip_created").table(Orders::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("ix_orders_email_created").table(Orders::Table).to_owned()).await?;
        for column in
            [Orders::HeldForReview, Orders::RiskReasons, Orders::RiskScore, Orders::BillingAddress, Orders::ClientIp]
        {
            m.alter_table(Table::alter().table(Orders::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
