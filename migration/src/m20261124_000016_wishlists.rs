//! Wishlists: products a shopper saved, by account or (for guests) by the
//! token in their cookie, with the price and variant when saved (for "price
//! dropped" and "move to cart").

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WishlistItems {
    Table,
    Id,
    UserId,
    GuestId,
    ProductId,
    VariantId,
    SavedPriceMinor,
    Currency,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
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
                .table(WishlistItems::Table)
                .col(ColumnDef::new(WishlistItems::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(WishlistItems::UserId).big_integer().null())
                .col(ColumnDef::new(WishlistItems::GuestId).uuid().null())
                .col(ColumnDef::new(WishlistItems::ProductId).big_integer().not_null())
                .col(ColumnDef::new(WishlistItems::VariantId).big_integer().not_null())
                .col(ColumnDef::new(WishlistItems::SavedPriceMinor).big_integer().not_null())
                .col(ColumnDef::new(WishlistItems::Currency).string_len(3).not_null())
                .col(ColumnDef::new(WishlistItems::CreatedAt).timestamp_with_time_zone().not_null())
                .check(
                    Expr::col(WishlistItems::UserId).is_not_null().or(Expr::col(WishlistItems::GuestId).is_not_null()),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_wishlist_items_user")
                        .from(WishlistItems::Table, WishlistItems::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_wishlist_items_product")
                        .from(WishlistItems::Table, WishlistItems::ProductId)
                        .to(Products::Table, Products::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_wishlist_items_variant")
                        .from(WishlistItems::Table, WishlistItems::VariantId)
                        .to(Variants::Table, Variants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_wishlist_items_user_product")
                .table(WishlistItems::Table)
                .col(WishlistItems::UserId)
                .col(WishlistItems::ProductId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_wishlist_items_guest_product")
                .table(WishlistItems::Table)
                .col(WishlistItems::GuestId)
                .col(WishlistItems::ProductId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WishlistItems::Table).to_owned()).await
    }
}
