//! What checkout adds to the lines: shipping methods (shop-wide or per
//! vendor; flat or by weight; free over a threshold), tax rates by
//! destination, and coupons with their redemptions. Variants get a weight;
//! orders and sub-orders remember what was chosen.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ShippingMethods {
    Table,
    Id,
    VendorId,
    Code,
    Name,
    Kind,
    BaseMinor,
    PerKgMinor,
    FreeOverMinor,
    Currency,
    Countries,
    Position,
}

#[derive(DeriveIden)]
enum TaxRates {
    Table,
    Id,
    Country,
    RateBps,
    Name,
}

#[derive(DeriveIden)]
enum Coupons {
    Table,
    Id,
    Code,
    Kind,
    Value,
    Currency,
    MinSpendMinor,
    MaxUses,
    MaxUsesPerCustomer,
    UsedCount,
    StartsAt,
    EndsAt,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouponRedemptions {
    Table,
    Id,
    CouponId,
    OrderId,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Variants {
    Table,
    WeightGrams,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    CouponCode,
    TaxIncluded,
    Country,
}

#[derive(DeriveIden)]
enum SubOrders {
    Table,
    ShippingMethod,
    ShippingMinor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ShippingMethods::Table)
                .col(ColumnDef::new(ShippingMethods::Id).big_integer().not_null().auto_increment().primary_key())
                // Empty for the shop's own methods, which every vendor without its own uses.
                .col(ColumnDef::new(ShippingMethods::VendorId).big_integer().null())
                .col(ColumnDef::new(ShippingMethods::Code).string_len(40).not_null())
                .col(ColumnDef::new(ShippingMethods::Name).string_len(100).not_null())
                .col(ColumnDef::new(ShippingMethods::Kind).string_len(20).not_null())
                .col(ColumnDef::new(ShippingMethods::BaseMinor).big_integer().not_null())
                .col(ColumnDef::new(ShippingMethods::PerKgMinor).big_integer().not_null().default(0))
                .col(ColumnDef::new(ShippingMethods::FreeOverMinor).big_integer().null())
                .col(ColumnDef::new(ShippingMethods::Currency).string_len(3).not_null())
                // A JSON list of country codes; empty means everywhere.
                .col(ColumnDef::new(ShippingMethods::Countries).json().not_null())
                .col(ColumnDef::new(ShippingMethods::Position).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TaxRates::Table)
                .col(ColumnDef::new(TaxRates::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(TaxRates::Country).string_len(2).not_null().unique_key())
                .col(ColumnDef::new(TaxRates::RateBps).integer().not_null())
                .col(ColumnDef::new(TaxRates::Name).string_len(100).not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Coupons::Table)
                .col(ColumnDef::new(Coupons::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Coupons::Code).string_len(40).not_null().unique_key())
                .col(ColumnDef::new(Coupons::Kind).string_len(20).not_null())
                .col(ColumnDef::new(Coupons::Value).big_integer().not_null())
                .col(ColumnDef::new(Coupons::Currency).string_len(3).null())
                .col(ColumnDef::new(Coupons::MinSpendMinor).big_integer().not_null().default(0))
                .col(ColumnDef::new(Coupons::MaxUses).integer().null())
                .col(ColumnDef::new(Coupons::MaxUsesPerCustomer).integer().null())
                .col(ColumnDef::new(Coupons::UsedCount).integer().not_null().default(0))
                .col(ColumnDef::new(Coupons::StartsAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Coupons::EndsAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Coupons::Active).boolean().not_null().default(true))
                .col(ColumnDef::new(Coupons::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CouponRedemptions::Table)
                .col(ColumnDef::new(CouponRedemptions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CouponRedemptions::CouponId).big_integer().not_null())
                .col(ColumnDef::new(CouponRedemptions::OrderId).big_integer().not_null())
                .col(ColumnDef::new(CouponRedemptions::Email).string_len(254).not_null())
                .col(ColumnDef::new(CouponRedemptions::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_coupon_redemptions_coupon_email")
                .table(CouponRedemptions::Table)
                .col(CouponRedemptions::CouponId)
                .col(CouponRedemptions::Email)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Variants::Table)
                .add_column(ColumnDef::new(Variants::WeightGrams).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        for column in [
            ColumnDef::new(Orders::CouponCode).string_len(40).null().to_owned(),
            ColumnDef::new(Orders::TaxIncluded).boolean().not_null().default(true).to_owned(),
            ColumnDef::new(Orders::Country).string_len(2).not_null().default("").to_owned(),
        ] {
            m.alter_table(Table::alter().table(Orders::Table).add_column(column).to_owned()).await?;
        }
        for column in [
            ColumnDef::new(SubOrders::ShippingMethod).string_len(40).not_null().default("").to_owned(),
            ColumnDef::new(SubOrders::ShippingMinor).big_integer().not_null().default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(SubOrders::Table).add_column(column).to_owned()).await?;
        }

        // The shop's two methods, and VAT for a few countries (editable data).
        let everywhere = sea_orm_migration::sea_orm::prelude::Json::Array(Vec::new());
        m.exec_stmt(
            Query::insert()
                .into_table(ShippingMethods::Table)
                .columns([
                    ShippingMethods::Code,
                    ShippingMethods::Name,
                    ShippingMethods::Kind,
                    ShippingMethods::BaseMinor,
                    ShippingMethods::PerKgMinor,
                    ShippingMethods::FreeOverMinor,
                    ShippingMethods::Currency,
                    ShippingMethods::Countries,
                    ShippingMethods::Position,
                ])
                .values_panic([
                    "standard".into(),
                    "Standard (2–4 days)".into(),
                    "flat".into(),
                    495.into(),
                    0.into(),
                    Some(5_000_i64).into(),
                    "EUR".into(),
                    everywhere.clone().into(),
                    0.into(),
                ])
                .values_panic([
                    "express".into(),
                    "Express (next day)".into(),
                    "weight".into(),
                    995.into(),
                    200.into(),
                    Option::<i64>::None.into(),
                    "EUR".into(),
                    everywhere.into(),
                    1.into(),
                ])
                .to_owned(),
        )
        .await?;
        let mut rates = Query::insert();
        rates.into_table(TaxRates::Table).columns([TaxRates::Country, TaxRates::RateBps, TaxRates::Name]);
        for (country, bps, name) in [
            ("NL", 2_100, "Dutch VAT"),
            ("DE", 1_900, "German VAT"),
            ("FR", 2_000, "French VAT"),
            ("BE", 2_100, "Belgian VAT"),
            ("GB", 2_000, "UK VAT"),
            ("US", 0, "No sales tax collected"),
        ] {
            rates.values_panic([country.into(), bps.into(), name.into()]);
        }
        m.exec_stmt(rates).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CouponRedemptions::Table.into_iden(),
            Coupons::Table.into_iden(),
            TaxRates::Table.into_iden(),
            ShippingMethods::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Variants::Table).drop_column(Variants::WeightGrams).to_owned()).await?;
        Ok(())
    }
}
