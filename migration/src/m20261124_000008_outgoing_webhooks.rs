//! Merchants' outgoing webhooks: the URLs that want events, and each
//! delivery with its tries, kept in order per subscriber.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Id,
    Url,
    Secret,
    Topics,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    SubscriptionId,
    EventId,
    Topic,
    Payload,
    CreatedAt,
    Status,
    Attempts,
    NextAttemptAt,
    LastStatus,
    LastError,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WebhookSubscriptions::Table)
                .col(ColumnDef::new(WebhookSubscriptions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(WebhookSubscriptions::Url).string_len(2000).not_null())
                .col(ColumnDef::new(WebhookSubscriptions::Secret).string_len(100).not_null())
                .col(ColumnDef::new(WebhookSubscriptions::Topics).json().not_null())
                .col(ColumnDef::new(WebhookSubscriptions::Active).boolean().not_null().default(true))
                .col(ColumnDef::new(WebhookSubscriptions::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(ColumnDef::new(WebhookDeliveries::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(WebhookDeliveries::SubscriptionId).big_integer().not_null())
                .col(ColumnDef::new(WebhookDeliveries::EventId).uuid().not_null())
                .col(ColumnDef::new(WebhookDeliveries::Topic).string_len(100).not_null())
                .col(ColumnDef::new(WebhookDeliveries::Payload).json().not_null())
                .col(ColumnDef::new(WebhookDeliveries::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(WebhookDeliveries::Status).string_len(20).not_null())
                .col(ColumnDef::new(WebhookDeliveries::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(WebhookDeliveries::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(WebhookDeliveries::LastStatus).integer().null())
                .col(ColumnDef::new(WebhookDeliveries::LastError).text().null())
                .col(ColumnDef::new(WebhookDeliveries::DeliveredAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_deliveries_subscription")
                        .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                        .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_webhook_deliveries_subscription_event")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::SubscriptionId)
                .col(WebhookDeliveries::EventId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_webhook_deliveries_queue")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::SubscriptionId)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WebhookSubscriptions::Table).to_owned()).await?;
        Ok(())
    }
}
