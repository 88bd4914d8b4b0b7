//! Vendors, categories (a tree), products, variants, product images, users.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vendors {
    Table,
    Id,
    Slug,
    Name,
    Description,
    CommissionBps,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Slug,
    Name,
    Path,
    Depth,
    Position,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    VendorId,
    CategoryId,
    Slug,
    Title,
    Description,
    Brand,
    Attributes,
    Status,
    Featured,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Variants {
    Table,
    Id,
    ProductId,
    Sku,
    Options,
    PriceMinor,
    Currency,
    Stock,
    AllowBackorder,
    Position,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Id,
    ProductId,
    Position,
    ObjectKey,
    Alt,
    Status,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    Role,
    VendorId,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Vendors::Table)
                .col(id(Vendors::Id))
                .col(ColumnDef::new(Vendors::Slug).string_len(120).not_null().unique_key())
                .col(ColumnDef::new(Vendors::Name).string_len(200).not_null())
                .col(ColumnDef::new(Vendors::Description).text().not_null())
                .col(ColumnDef::new(Vendors::CommissionBps).integer().not_null().default(1000))
                .col(ColumnDef::new(Vendors::CreatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(Vendors::CommissionBps).between(0, 10_000))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Categories::Table)
                .col(id(Categories::Id))
                .col(ColumnDef::new(Categories::ParentId).big_integer().null())
                .col(ColumnDef::new(Categories::Slug).string_len(120).not_null().unique_key())
                .col(ColumnDef::new(Categories::Name).string_len(200).not_null())
                .col(ColumnDef::new(Categories::Path).string_len(400).not_null())
                .col(ColumnDef::new(Categories::Depth).integer().not_null())
                .col(ColumnDef::new(Categories::Position).integer().not_null().default(0))
                .foreign_key(&mut fk(
                    "fk_categories_parent",
                    (Categories::Table, Categories::ParentId),
                    (Categories::Table, Categories::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_categories_parent").table(Categories::Table).col(Categories::ParentId).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_categories_path").table(Categories::Table).col(Categories::Path).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Products::Table)
                .col(id(Products::Id))
                .col(ColumnDef::new(Products::VendorId).big_integer().not_null())
                .col(ColumnDef::new(Products::CategoryId).big_integer().not_null())
                .col(ColumnDef::new(Products::Slug).string_len(160).not_null().unique_key())
                .col(ColumnDef::new(Products::Title).string_len(300).not_null())
                .col(ColumnDef::new(Products::Description).text().not_null())
                .col(ColumnDef::new(Products::Brand).string_len(120).not_null())
                .col(ColumnDef::new(Products::Attributes).json().not_null())
                .col(ColumnDef::new(Products::Status).string_len(16).not_null().default("active"))
                .col(ColumnDef::new(Products::Featured).boolean().not_null().default(false))
                .col(ColumnDef::new(Products::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Products::UpdatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(Products::Status).is_in(["active", "draft", "archived"]))
                .foreign_key(&mut fk(
                    "fk_products_vendor",
                    (Products::Table, Products::VendorId),
                    (Vendors::Table, Vendors::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_products_category",
                    (Products::Table, Products::CategoryId),
                    (Categories::Table, Categories::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_products_category")
                .table(Products::Table)
                .col(Products::CategoryId)
                .col(Products::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_products_vendor").table(Products::Table).col(Products::VendorId).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_products_featured")
                .table(Products::Table)
                .col(Products::Featured)
                .col(Products::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Variants::Table)
                .col(id(Variants::Id))
                .col(ColumnDef::new(Variants::ProductId).big_integer().not_null())
                .col(ColumnDef::new(Variants::Sku).string_len(32).not_null().unique_key())
                .col(ColumnDef::new(Variants::Options).json().not_null())
                .col(ColumnDef::new(Variants::PriceMinor).big_integer().not_null())
                .col(ColumnDef::new(Variants::Currency).string_len(3).not_null())
                .col(ColumnDef::new(Variants::Stock).integer().not_null().default(0))
                .col(ColumnDef::new(Variants::AllowBackorder).boolean().not_null().default(false))
                .col(ColumnDef::new(Variants::Position).integer().not_null().default(0))
                .check(Expr::col(Variants::PriceMinor).gte(0))
                // Stock never goes negative unless the variant allows backorders.
                .check(Expr::col(Variants::Stock).gte(0).or(Expr::col(Variants::AllowBackorder).eq(true)))
                .foreign_key(
                    &mut fk(
                        "fk_variants_product",
                        (Variants::Table, Variants::ProductId),
                        (Products::Table, Products::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_variants_product").table(Variants::Table).col(Variants::ProductId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProductImages::Table)
                .col(id(ProductImages::Id))
                .col(ColumnDef::new(ProductImages::ProductId).big_integer().not_null())
                .col(ColumnDef::new(ProductImages::Position).integer().not_null().default(0))
                .col(ColumnDef::new(ProductImages::ObjectKey).string_len(400).not_null())
                .col(ColumnDef::new(ProductImages::Alt).string_len(300).not_null())
                .col(ColumnDef::new(ProductImages::Status).string_len(16).not_null().default("pending"))
                .foreign_key(
                    &mut fk(
                        "fk_product_images_product",
                        (ProductImages::Table, ProductImages::ProductId),
                        (Products::Table, Products::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_product_images_product")
                .table(ProductImages::Table)
                .col(ProductImages::ProductId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(id(Users::Id))
                .col(ColumnDef::new(Users::Email).string_len(254).not_null().unique_key())
                .col(ColumnDef::new(Users::PasswordHash).string_len(200).null())
                .col(ColumnDef::new(Users::DisplayName).string_len(200).not_null())
                .col(ColumnDef::new(Users::Role).string_len(16).not_null().default("customer"))
                .col(ColumnDef::new(Users::VendorId).big_integer().null())
                .col(ColumnDef::new(Users::CreatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(Users::Role).is_in(["customer", "vendor", "support", "admin"]))
                .foreign_key(&mut fk("fk_users_vendor", (Users::Table, Users::VendorId), (Vendors::Table, Vendors::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Users::Table.into_iden(),
            ProductImages::Table.into_iden(),
            Variants::Table.into_iden(),
            Products::Table.into_iden(),
            Categories::Table.into_iden(),
            Vendors::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
