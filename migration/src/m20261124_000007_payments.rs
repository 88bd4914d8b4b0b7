//! Payments, the payment events (webhooks) received from providers — stored
//! before they are processed, each once — and the append-only audit log of
//! every payment action.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    OrderId,
    Provider,
    ProviderRef,
    Status,
    AmountMinor,
    Currency,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentEvents {
    Table,
    Id,
    Provider,
    EventId,
    Kind,
    ProviderRef,
    Payload,
    ReceivedAt,
    ProcessedAt,
    Outcome,
    Attempts,
    LastError,
    NextAttemptAt,
}

#[derive(DeriveIden)]
enum PaymentAudit {
    Table,
    Id,
    At,
    Actor,
    Action,
    OrderId,
    PaymentId,
    Detail,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(ColumnDef::new(Payments::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Payments::OrderId).big_integer().not_null())
                .col(ColumnDef::new(Payments::Provider).string_len(30).not_null())
                .col(ColumnDef::new(Payments::ProviderRef).string_len(200).not_null())
                .col(ColumnDef::new(Payments::Status).string_len(30).not_null())
                .col(ColumnDef::new(Payments::AmountMinor).big_integer().not_null())
                .col(ColumnDef::new(Payments::Currency).string_len(3).not_null())
                .col(ColumnDef::new(Payments::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Payments::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_payments_order")
                        .from(Payments::Table, Payments::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_payments_provider_ref")
                .table(Payments::Table)
                .col(Payments::Provider)
                .col(Payments::ProviderRef)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_payments_order").table(Payments::Table).col(Payments::OrderId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PaymentEvents::Table)
                .col(ColumnDef::new(PaymentEvents::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(PaymentEvents::Provider).string_len(30).not_null())
                .col(ColumnDef::new(PaymentEvents::EventId).string_len(200).not_null())
                .col(ColumnDef::new(PaymentEvents::Kind).string_len(60).not_null())
                .col(ColumnDef::new(PaymentEvents::ProviderRef).string_len(200).not_null())
                .col(ColumnDef::new(PaymentEvents::Payload).json().not_null())
                .col(ColumnDef::new(PaymentEvents::ReceivedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(PaymentEvents::ProcessedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(PaymentEvents::Outcome).string_len(300).null())
                .col(ColumnDef::new(PaymentEvents::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(PaymentEvents::LastError).text().null())
                .col(ColumnDef::new(PaymentEvents::NextAttemptAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_payment_events_provider_event")
                .table(PaymentEvents::Table)
                .col(PaymentEvents::Provider)
                .col(PaymentEvents::EventId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_payment_events_due")
                .table(PaymentEvents::Table)
                .col(PaymentEvents::ProcessedAt)
                .col(PaymentEvents::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PaymentAudit::Table)
                .col(ColumnDef::new(PaymentAudit::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(PaymentAudit::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(PaymentAudit::Actor).string_len(100).not_null())
                .col(ColumnDef::new(PaymentAudit::Action).string_len(60).not_null())
                .col(ColumnDef::new(PaymentAudit::OrderId).big_integer().null())
                .col(ColumnDef::new(PaymentAudit::PaymentId).big_integer().null())
                .col(ColumnDef::new(PaymentAudit::Detail).json().not_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PaymentAudit::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PaymentEvents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Payments::Table).to_owned()).await?;
        Ok(())
    }
}
