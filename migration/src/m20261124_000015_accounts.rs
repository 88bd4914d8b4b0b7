//! Accounts: verified emails, vendor owners, consent and erasure on
//! `users`; one-time tokens sent by email (verification, password reset,
//! change of email), server-side sessions, the address book, and the mail
//! queue with each message's delivery state.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    EmailVerifiedAt,
    VendorOwner,
    MarketingConsentAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    NewEmail,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    UserId,
    Name,
    Line1,
    Line2,
    PostalCode,
    City,
    Country,
    Phone,
    DefaultShipping,
    DefaultBilling,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Emails {
    Table,
    Id,
    Recipient,
    Subject,
    Body,
    Kind,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    SentAt,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn user_fk(name: &str, table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Users::EmailVerifiedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Users::VendorOwner).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(Users::MarketingConsentAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Users::DeletedAt).timestamp_with_time_zone().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Users::Table).add_column(column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(AccountTokens::Table)
                .col(id(AccountTokens::Id))
                .col(ColumnDef::new(AccountTokens::UserId).big_integer().not_null())
                .col(ColumnDef::new(AccountTokens::Purpose).string_len(16).not_null())
                .col(ColumnDef::new(AccountTokens::TokenHash).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(AccountTokens::NewEmail).string_len(254).null())
                .col(ColumnDef::new(AccountTokens::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(AccountTokens::UsedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(AccountTokens::CreatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(AccountTokens::Purpose).is_in(["verify", "reset", "email_change"]))
                .foreign_key(&mut user_fk("fk_account_tokens_user", AccountTokens::Table, AccountTokens::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_account_tokens_user")
                .table(AccountTokens::Table)
                .col(AccountTokens::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(ColumnDef::new(Sessions::IdHash).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
                .col(ColumnDef::new(Sessions::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Sessions::LastSeenAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Sessions::ExpiresAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut user_fk("fk_sessions_user", Sessions::Table, Sessions::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_sessions_expires").table(Sessions::Table).col(Sessions::ExpiresAt).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Addresses::Table)
                .col(id(Addresses::Id))
                .col(ColumnDef::new(Addresses::UserId).big_integer().not_null())
                .col(ColumnDef::new(Addresses::Name).string_len(200).not_null())
                .col(ColumnDef::new(Addresses::Line1).string_len(200).not_null())
                .col(ColumnDef::new(Addresses::Line2).string_len(200).not_null().default(""))
                .col(ColumnDef::new(Addresses::PostalCode).string_len(20).not_null())
                .col(ColumnDef::new(Addresses::City).string_len(100).not_null())
                .col(ColumnDef::new(Addresses::Country).string_len(2).not_null())
                .col(ColumnDef::new(Addresses::Phone).string_len(40).not_null().default(""))
                .col(ColumnDef::new(Addresses::DefaultShipping).boolean().not_null().default(false))
                .col(ColumnDef::new(Addresses::DefaultBilling).boolean().not_null().default(false))
                .col(ColumnDef::new(Addresses::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut user_fk("fk_addresses_user", Addresses::Table, Addresses::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_addresses_user").table(Addresses::Table).col(Addresses::UserId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Emails::Table)
                .col(id(Emails::Id))
                .col(ColumnDef::new(Emails::Recipient).string_len(254).not_null())
                .col(ColumnDef::new(Emails::Subject).string_len(300).not_null())
                .col(ColumnDef::new(Emails::Body).text().not_null())
                .col(ColumnDef::new(Emails::Kind).string_len(40).not_null())
                .col(ColumnDef::new(Emails::Status).string_len(16).not_null().default("queued"))
                .col(ColumnDef::new(Emails::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(Emails::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Emails::LastError).text().null())
                .col(ColumnDef::new(Emails::SentAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Emails::CreatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(Emails::Status).is_in(["queued", "sent", "failed"]))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_emails_due")
                .table(Emails::Table)
                .col(Emails::Status)
                .col(Emails::NextAttemptAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Emails::Table.into_iden(),
            Addresses::Table.into_iden(),
            Sessions::Table.into_iden(),
            AccountTokens::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [Users::DeletedAt, Users::MarketingConsentAt, Users::VendorOwner, Users::EmailVerifiedAt] {
            m.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
