//! Two-factor sign-in (TOTP) for staff accounts: the secret (encrypted with
//! the shop's secret key), when it was turned on, and the last time step
//! used (a code works once); and the shop's settings that admins change at
//! run time (whether staff must use two-factor sign-in).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    TotpSecret,
    TotpEnabledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum ShopSettings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Users::TotpSecret).text().null().to_owned(),
            ColumnDef::new(Users::TotpEnabledAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Users::TotpLastStep).big_integer().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Users::Table).add_column(column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(ShopSettings::Table)
                .col(ColumnDef::new(ShopSettings::Key).string_len(60).not_null().primary_key())
                .col(ColumnDef::new(ShopSettings::Value).text().not_null())
                .col(ColumnDef::new(ShopSettings::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ShopSettings::Table).to_owned()).await?;
        for column in [Users::TotpSecret, Users::TotpEnabledAt, Users::TotpLastStep] {
            m.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
