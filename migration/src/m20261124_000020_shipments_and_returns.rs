//! Fulfilment: shipments (a vendor's parcel with its carrier and tracking
//! number, holding some or all of a sub-order's units) and returns (RMA:
//! units a customer sends back, approved, received with or without
//! restocking, and refunded).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Shipments {
    Table,
    Id,
    PublicId,
    OrderId,
    SubOrderId,
    Carrier,
    TrackingNumber,
    TrackingUrl,
    Status,
    Actor,
    ShippedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum ShipmentLines {
    Table,
    Id,
    ShipmentId,
    OrderLineId,
    Quantity,
}

#[derive(DeriveIden)]
enum Returns {
    Table,
    Id,
    PublicId,
    OrderId,
    SubOrderId,
    Status,
    Reason,
    Note,
    Restocked,
    RefundMinor,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReturnLines {
    Table,
    Id,
    ReturnId,
    OrderLineId,
    Quantity,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SubOrders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Shipments::Table)
                .col(ColumnDef::new(Shipments::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Shipments::PublicId).uuid().not_null().unique_key())
                .col(ColumnDef::new(Shipments::OrderId).big_integer().not_null())
                .col(ColumnDef::new(Shipments::SubOrderId).big_integer().not_null())
                .col(ColumnDef::new(Shipments::Carrier).string_len(60).not_null())
                .col(ColumnDef::new(Shipments::TrackingNumber).string_len(100).not_null())
                .col(ColumnDef::new(Shipments::TrackingUrl).string_len(500).null())
                // `shipped` or `delivered`.
                .col(ColumnDef::new(Shipments::Status).string_len(20).not_null())
                .col(ColumnDef::new(Shipments::Actor).string_len(40).not_null())
                .col(ColumnDef::new(Shipments::ShippedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Shipments::DeliveredAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shipments_order")
                        .from(Shipments::Table, Shipments::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shipments_sub_order")
                        .from(Shipments::Table, Shipments::SubOrderId)
                        .to(SubOrders::Table, SubOrders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_shipments_order").table(Shipments::Table).col(Shipments::OrderId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ShipmentLines::Table)
                .col(ColumnDef::new(ShipmentLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ShipmentLines::ShipmentId).big_integer().not_null())
                .col(ColumnDef::new(ShipmentLines::OrderLineId).big_integer().not_null())
                .col(ColumnDef::new(ShipmentLines::Quantity).integer().not_null())
                .check(Expr::col(ShipmentLines::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shipment_lines_shipment")
                        .from(ShipmentLines::Table, ShipmentLines::ShipmentId)
                        .to(Shipments::Table, Shipments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shipment_lines_order_line")
                        .from(ShipmentLines::Table, ShipmentLines::OrderLineId)
                        .to(OrderLines::Table, OrderLines::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shipment_lines_shipment")
                .table(ShipmentLines::Table)
                .col(ShipmentLines::ShipmentId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Returns::Table)
                .col(ColumnDef::new(Returns::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Returns::PublicId).uuid().not_null().unique_key())
                .col(ColumnDef::new(Returns::OrderId).big_integer().not_null())
                // A return is one vendor's: each vendor handles its own.
                .col(ColumnDef::new(Returns::SubOrderId).big_integer().not_null())
                // `requested`, `approved`, `rejected` or `received`.
                .col(ColumnDef::new(Returns::Status).string_len(20).not_null())
                .col(ColumnDef::new(Returns::Reason).text().not_null())
                .col(ColumnDef::new(Returns::Note).text().not_null().default(""))
                .col(ColumnDef::new(Returns::Restocked).boolean().not_null().default(false))
                .col(ColumnDef::new(Returns::RefundMinor).big_integer().not_null().default(0))
                .col(ColumnDef::new(Returns::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Returns::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_returns_order")
                        .from(Returns::Table, Returns::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_returns_sub_order")
                        .from(Returns::Table, Returns::SubOrderId)
                        .to(SubOrders::Table, SubOrders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_returns_order").table(Returns::Table).col(Returns::OrderId).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(ReturnLines::Table)
                .col(ColumnDef::new(ReturnLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReturnLines::ReturnId).big_integer().not_null())
                .col(ColumnDef::new(ReturnLines::OrderLineId).big_integer().not_null())
                .col(ColumnDef::new(ReturnLines::Quantity).integer().not_null())
                .check(Expr::col(ReturnLines::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_return_lines_return")
                        .from(ReturnLines::Table, ReturnLines::ReturnId)
                        .to(Returns::Table, Returns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_return_lines_order_line")
                        .from(ReturnLines::Table, ReturnLines::OrderLineId)
                        .to(OrderLines::Table, OrderLines::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_return_lines_return")
                .table(ReturnLines::Table)
                .col(ReturnLines::ReturnId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReturnLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Returns::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ShipmentLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Shipments::Table).to_owned()).await
    }
}
