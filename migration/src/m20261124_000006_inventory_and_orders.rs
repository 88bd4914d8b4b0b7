//! Inventory (stock per variant per warehouse, a ledger of every movement,
//! reservations with an expiry) and orders (split per vendor, their lines
//! and their timeline). Existing stock moves into the main warehouse, each
//! variant's with one opening ledger row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::ChronoUtc;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Warehouses {
    Table,
    Id,
    Code,
    Name,
    Position,
}

#[derive(DeriveIden)]
enum StockLevels {
    Table,
    VariantId,
    WarehouseId,
    OnHand,
    Reserved,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockLedger {
    Table,
    Id,
    VariantId,
    WarehouseId,
    Kind,
    OnHandChange,
    ReservedChange,
    Reference,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reservations {
    Table,
    Id,
    Status,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReservationLines {
    Table,
    Id,
    ReservationId,
    VariantId,
    WarehouseId,
    Quantity,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    PublicId,
    IdempotencyKey,
    CartId,
    UserId,
    Email,
    Status,
    Currency,
    SubtotalMinor,
    ShippingMinor,
    TaxMinor,
    DiscountMinor,
    TotalMinor,
    ShippingAddress,
    ReservationId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SubOrders {
    Table,
    Id,
    OrderId,
    VendorId,
    Status,
    SubtotalMinor,
    CommissionBps,
    CommissionMinor,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    SubOrderId,
    ProductId,
    VariantId,
    Sku,
    Title,
    Options,
    UnitPriceMinor,
    Quantity,
    LineTotalMinor,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    At,
    Actor,
    Kind,
    FromStatus,
    ToStatus,
    Note,
}

#[derive(DeriveIden)]
enum Variants {
    Table,
    Id,
    Stock,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Warehouses::Table)
                .col(ColumnDef::new(Warehouses::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Warehouses::Code).string_len(40).not_null().unique_key())
                .col(ColumnDef::new(Warehouses::Name).string_len(200).not_null())
                // Allocation order: stock is taken from the lowest position first.
                .col(ColumnDef::new(Warehouses::Position).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StockLevels::Table)
                .col(ColumnDef::new(StockLevels::VariantId).big_integer().not_null())
                .col(ColumnDef::new(StockLevels::WarehouseId).big_integer().not_null())
                .col(ColumnDef::new(StockLevels::OnHand).integer().not_null())
                .col(ColumnDef::new(StockLevels::Reserved).integer().not_null().default(0))
                .col(ColumnDef::new(StockLevels::UpdatedAt).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(StockLevels::VariantId).col(StockLevels::WarehouseId))
                .check(Expr::col(StockLevels::Reserved).gte(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_stock_levels_variant")
                        .from(StockLevels::Table, StockLevels::VariantId)
                        .to(Variants::Table, Variants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_stock_levels_warehouse")
                        .from(StockLevels::Table, StockLevels::WarehouseId)
                        .to(Warehouses::Table, Warehouses::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StockLedger::Table)
                .col(ColumnDef::new(StockLedger::Id).big_integer().not_null().auto_increment().primary_key())
                // No foreign key: the ledger outlives deleted variants.
                .col(ColumnDef::new(StockLedger::VariantId).big_integer().not_null())
                .col(ColumnDef::new(StockLedger::WarehouseId).big_integer().not_null())
                .col(ColumnDef::new(StockLedger::Kind).string_len(20).not_null())
                .col(ColumnDef::new(StockLedger::OnHandChange).integer().not_null())
                .col(ColumnDef::new(StockLedger::ReservedChange).integer().not_null())
                .col(ColumnDef::new(StockLedger::Reference).string_len(100).null())
                .col(ColumnDef::new(StockLedger::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_stock_ledger_variant")
                .table(StockLedger::Table)
                .col(StockLedger::VariantId)
                .col(StockLedger::WarehouseId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Reservations::Table)
                .col(ColumnDef::new(Reservations::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Reservations::Status).string_len(20).not_null())
                .col(ColumnDef::new(Reservations::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Reservations::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reservations_due")
                .table(Reservations::Table)
                .col(Reservations::Status)
                .col(Reservations::ExpiresAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReservationLines::Table)
                .col(ColumnDef::new(ReservationLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ReservationLines::ReservationId).uuid().not_null())
                .col(ColumnDef::new(ReservationLines::VariantId).big_integer().not_null())
                .col(ColumnDef::new(ReservationLines::WarehouseId).big_integer().not_null())
                .col(ColumnDef::new(ReservationLines::Quantity).integer().not_null())
                .check(Expr::col(ReservationLines::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reservation_lines_reservation")
                        .from(ReservationLines::Table, ReservationLines::ReservationId)
                        .to(Reservations::Table, Reservations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reservation_lines_reservation")
                .table(ReservationLines::Table)
                .col(ReservationLines::ReservationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Orders::Table)
                .col(ColumnDef::new(Orders::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Orders::PublicId).uuid().not_null().unique_key())
                .col(ColumnDef::new(Orders::IdempotencyKey).string_len(100).not_null().unique_key())
                .col(ColumnDef::new(Orders::CartId).uuid().null())
                .col(ColumnDef::new(Orders::UserId).big_integer().null())
                .col(ColumnDef::new(Orders::Email).string_len(254).not_null())
                .col(ColumnDef::new(Orders::Status).string_len(30).not_null())
                .col(ColumnDef::new(Orders::Currency).string_len(3).not_null())
                .col(ColumnDef::new(Orders::SubtotalMinor).big_integer().not_null())
                .col(ColumnDef::new(Orders::ShippingMinor).big_integer().not_null())
                .col(ColumnDef::new(Orders::TaxMinor).big_integer().not_null())
                .col(ColumnDef::new(Orders::DiscountMinor).big_integer().not_null())
                .col(ColumnDef::new(Orders::TotalMinor).big_integer().not_null())
                .col(ColumnDef::new(Orders::ShippingAddress).json().not_null())
                .col(ColumnDef::new(Orders::ReservationId).uuid().null())
                .col(ColumnDef::new(Orders::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Orders::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_orders_status")
                .table(Orders::Table)
                .col(Orders::Status)
                .col(Orders::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SubOrders::Table)
                .col(ColumnDef::new(SubOrders::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(SubOrders::OrderId).big_integer().not_null())
                .col(ColumnDef::new(SubOrders::VendorId).big_integer().not_null())
                .col(ColumnDef::new(SubOrders::Status).string_len(30).not_null())
                .col(ColumnDef::new(SubOrders::SubtotalMinor).big_integer().not_null())
                .col(ColumnDef::new(SubOrders::CommissionBps).integer().not_null())
                .col(ColumnDef::new(SubOrders::CommissionMinor).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sub_orders_order")
                        .from(SubOrders::Table, SubOrders::OrderId)
                        .to(Orders::Table, Orders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sub_orders_vendor")
                .table(SubOrders::Table)
                .col(SubOrders::VendorId)
                .col(SubOrders::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrderLines::Table)
                .col(ColumnDef::new(OrderLines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(OrderLines::OrderId).big_integer().not_null())
                .col(ColumnDef::new(OrderLines::SubOrderId).big_integer().not_null())
                // Kept without foreign keys: an order keeps what was bought.
                .col(ColumnDef::new(OrderLines::ProductId).big_integer().not_null())
                .col(ColumnDef::new(OrderLines::VariantId).big_integer().not_null())
                .col(ColumnDef::new(OrderLines::Sku).string_len(32).not_null())
                .col(ColumnDef::new(OrderLines::Title).string_len(300).not_null())
                .col(ColumnDef::new(OrderLines::Options).json().not_null())
                .col(ColumnDef::new(OrderLines::UnitPriceMinor).big_integer().not_null())
                .col(ColumnDef::new(OrderLines::Quantity).integer().not_null())
                .col(ColumnDef::new(OrderLines::LineTotalMinor).big_integer().not_null())
                .check(Expr::col(OrderLines::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_order_lines_order")
                        .from(OrderLines::Table, OrderLines::OrderId)
                        .to(Orders::Table, Orders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, column) in
            [("ix_order_lines_order", OrderLines::OrderId), ("ix_order_lines_product", OrderLines::ProductId)]
        {
            m.create_index(Index::create().name(name).table(OrderLines::Table).col(column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(OrderEvents::Table)
                .col(ColumnDef::new(OrderEvents::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(OrderEvents::OrderId).big_integer().not_null())
                .col(ColumnDef::new(OrderEvents::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(OrderEvents::Actor).string_len(100).not_null())
                .col(ColumnDef::new(OrderEvents::Kind).string_len(40).not_null())
                .col(ColumnDef::new(OrderEvents::FromStatus).string_len(30).null())
                .col(ColumnDef::new(OrderEvents::ToStatus).string_len(30).null())
                .col(ColumnDef::new(OrderEvents::Note).text().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_order_events_order")
                        .from(OrderEvents::Table, OrderEvents::OrderId)
                        .to(Orders::Table, Orders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_order_events_order")
                .table(OrderEvents::Table)
                .col(OrderEvents::OrderId)
                .to_owned(),
        )
        .await?;

        // The main warehouse, and every variant's stock moved into it.
        m.exec_stmt(
            Query::insert()
                .into_table(Warehouses::Table)
                .columns([Warehouses::Code, Warehouses::Name, Warehouses::Position])
                .values_panic(["main".into(), "Main warehouse".into(), 0.into()])
                .to_owned(),
        )
        .await?;
        let main = Query::select()
            .column(Warehouses::Id)
            .from(Warehouses::Table)
            .and_where(Expr::col(Warehouses::Code).eq("main"))
            .to_owned();
        let now = ChronoUtc::now();
        m.exec_stmt(
            Query::insert()
                .into_table(StockLevels::Table)
                .columns([
                    StockLevels::VariantId,
                    StockLevels::WarehouseId,
                    StockLevels::OnHand,
                    StockLevels::Reserved,
                    StockLevels::UpdatedAt,
                ])
                .select_from(
                    Query::select()
                        .column(Variants::Id)
                        .expr(SimpleExpr::SubQuery(None, Box::new(main.clone().into_sub_query_statement())))
                        .column(Variants::Stock)
                        .expr(Expr::val(0))
                        .expr(Expr::val(now))
                        .from(Variants::Table)
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(StockLedger::Table)
                .columns([
                    StockLedger::VariantId,
                    StockLedger::WarehouseId,
                    StockLedger::Kind,
                    StockLedger::OnHandChange,
                    StockLedger::ReservedChange,
                    StockLedger::Reference,
                    StockLedger::CreatedAt,
                ])
                .select_from(
                    Query::select()
                        .column(Variants::Id)
                        .expr(SimpleExpr::SubQuery(None, Box::new(main.into_sub_query_statement())))
                        .expr(Expr::val("adjustment"))
                        .column(Variants::Stock)
                        .expr(Expr::val(0))
                        .expr(Expr::val("opening stock"))
                        .expr(Expr::val(now))
                        .from(Variants::Table)
                        .and_where(Expr::col(Variants::Stock).ne(0))
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderEvents::Table.into_iden(),
            OrderLines::Table.into_iden(),
            SubOrders::Table.into_iden(),
            Orders::Table.into_iden(),
            ReservationLines::Table.into_iden(),
            Reservations::Table.into_iden(),
            StockLedger::Table.into_iden(),
            StockLevels::Table.into_iden(),
            Warehouses::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
