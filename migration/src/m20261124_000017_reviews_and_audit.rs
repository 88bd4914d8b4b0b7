//! Reviews and ratings (one per customer per product, moderated, with the
//! vendor's reply), and the audit log of staff actions on personal data
//! (GDPR exports and erasures).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    ProductId,
    UserId,
    AuthorName,
    Rating,
    Title,
    Body,
    VerifiedPurchase,
    Status,
    ModerationNote,
    ModeratedAt,
    Reply,
    RepliedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Actor,
    Action,
    Subject,
    Detail,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reviews::Table)
                .col(ColumnDef::new(Reviews::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Reviews::ProductId).big_integer().not_null())
                .col(ColumnDef::new(Reviews::UserId).big_integer().not_null())
                .col(ColumnDef::new(Reviews::AuthorName).string_len(100).not_null())
                .col(ColumnDef::new(Reviews::Rating).small_integer().not_null())
                .col(ColumnDef::new(Reviews::Title).string_len(120).not_null().default(""))
                .col(ColumnDef::new(Reviews::Body).text().not_null())
                .col(ColumnDef::new(Reviews::VerifiedPurchase).boolean().not_null().default(false))
                .col(ColumnDef::new(Reviews::Status).string_len(16).not_null().default("pending"))
                .col(ColumnDef::new(Reviews::ModerationNote).string_len(500).not_null().default(""))
                .col(ColumnDef::new(Reviews::ModeratedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Reviews::Reply).text().null())
                .col(ColumnDef::new(Reviews::RepliedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Reviews::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Reviews::UpdatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(Reviews::Rating).between(1, 5))
                .check(Expr::col(Reviews::Status).is_in(["pending", "published", "rejected"]))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reviews_product")
                        .from(Reviews::Table, Reviews::ProductId)
                        .to(Products::Table, Products::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reviews_user")
                        .from(Reviews::Table, Reviews::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One review per customer per product.
        m.create_index(
            Index::create()
                .name("ux_reviews_user_product")
                .table(Reviews::Table)
                .col(Reviews::UserId)
                .col(Reviews::ProductId)
                .unique()
                .to_owned(),
        )
        .await?;
        // A product's published reviews, newest first; the moderation queue.
        m.create_index(
            Index::create()
                .name("ix_reviews_product_status")
                .table(Reviews::Table)
                .col(Reviews::ProductId)
                .col(Reviews::Status)
                .col(Reviews::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reviews_status")
                .table(Reviews::Table)
                .col(Reviews::Status)
                .col(Reviews::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(ColumnDef::new(AuditLog::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(AuditLog::Actor).string_len(100).not_null())
                .col(ColumnDef::new(AuditLog::Action).string_len(60).not_null())
                .col(ColumnDef::new(AuditLog::Subject).string_len(200).not_null())
                .col(ColumnDef::new(AuditLog::Detail).text().not_null().default(""))
                .col(ColumnDef::new(AuditLog::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_log_subject")
                .table(AuditLog::Table)
                .col(AuditLog::Subject)
                .col(AuditLog::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Reviews::Table).to_owned()).await
    }
}
