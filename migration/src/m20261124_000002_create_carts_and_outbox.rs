//! Carts and their lines; the transactional outbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Carts {
    Table,
    Id,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartItems {
    Table,
    Id,
    CartId,
    VariantId,
    Quantity,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    EventId,
    Topic,
    Payload,
    CreatedAt,
    PublishedAt,
    ClaimedUntil,
    Attempts,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Variants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Carts::Table)
                .col(ColumnDef::new(Carts::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Carts::UserId).big_integer().null())
                .col(ColumnDef::new(Carts::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Carts::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_carts_user")
                        .from(Carts::Table, Carts::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CartItems::Table)
                .col(ColumnDef::new(CartItems::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CartItems::CartId).uuid().not_null())
                .col(ColumnDef::new(CartItems::VariantId).big_integer().not_null())
                .col(ColumnDef::new(CartItems::Quantity).integer().not_null())
                .check(Expr::col(CartItems::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cart_items_cart")
                        .from(CartItems::Table, CartItems::CartId)
                        .to(Carts::Table, Carts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cart_items_variant")
                        .from(CartItems::Table, CartItems::VariantId)
                        .to(Variants::Table, Variants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_cart_items_cart_variant")
                .table(CartItems::Table)
                .col(CartItems::CartId)
                .col(CartItems::VariantId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(ColumnDef::new(Outbox::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Outbox::EventId).uuid().not_null().unique_key())
                .col(ColumnDef::new(Outbox::Topic).string_len(100).not_null())
                .col(ColumnDef::new(Outbox::Payload).json().not_null())
                .col(ColumnDef::new(Outbox::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Outbox::PublishedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Outbox::ClaimedUntil).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Outbox::Attempts).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_unpublished")
                .table(Outbox::Table)
                .col(Outbox::PublishedAt)
                .col(Outbox::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Outbox::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(CartItems::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Carts::Table).to_owned()).await?;
        Ok(())
    }
}
