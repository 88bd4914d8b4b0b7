//! The life of an order: its statuses and the only moves between them.

use serde::{Deserialize, Serialize};

/// Where an order (or a vendor's sub-order) is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; stock is reserved until the payment arrives or the reservation expires.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending_payment"))]
    PendingPayment,
    /// The payment arrived; stock is sold.
    #[cfg_attr(feature = "db", sea_orm(string_value = "paid"))]
    Paid,
    /// Being picked and packed.
    #[cfg_attr(feature = "db", sea_orm(string_value = "fulfilling"))]
    Fulfilling,
    /// Handed to the carrier.
    #[cfg_attr(feature = "db", sea_orm(string_value = "shipped"))]
    Shipped,
    /// Arrived.
    #[cfg_attr(feature = "db", sea_orm(string_value = "delivered"))]
    Delivered,
    /// Called off before it shipped; reserved stock went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "cancelled"))]
    Cancelled,
    /// All of the payment went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "refunded"))]
    Refunded,
    /// Part of the payment went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "partially_refunded"))]
    PartiallyRefunded,
}

impl OrderStatus {
    /// Every status, in the order of an order's life.
    pub const ALL: [OrderStatus; 8] = [
        Self::PendingPayment,
        Self::Paid,
        Self::Fulfilling,
        Self::Shipped,
        Self::Delivered,
        Self::Cancelled,
        Self::Refunded,
        Self::PartiallyRefunded,
    ];

    /// The status as stored and sent: `pending_payment`, `paid`…
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::Paid => "paid",
            Self::Fulfilling => "fulfilling",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
            Self::PartiallyRefunded => "partially_refunded",
        }
    }

    /// The statuses this one may move to.
    pub const fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            PendingPayment => &[Paid, Cancelled],
            Paid => &[Fulfilling, Cancelled, Refunded, PartiallyRefunded],
            Fulfilling => &[Shipped, Refunded, PartiallyRefunded],
            Shipped => &[Delivered, Refunded, PartiallyRefunded],
            Delivered => &[Refunded, PartiallyRefunded],
            PartiallyRefunded => &[Fulfilling, Shipped, Delivered, Refunded, PartiallyRefunded],
            Cancelled | Refunded => &[],
        }
    }

    /// Whether the order may move from this status to `to`.
    pub fn can_become(self, to: OrderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether nothing more can happen to the order.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }
}

crate::kernel::text_enum!(OrderStatus);

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};
    use std::collections::HashSet;

    #[test]
    fn statuses_read_back_from_their_text() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("shipped "), None);
    }

    #[test]
    fn statuses_are_stored_and_sent_as_their_text() {
        crate::kernel::assert_status_texts!(OrderStatus);
    }

    #[test]
    fn the_moves_an_order_may_make() {
        let allowed = [
            (PendingPayment, Paid),
            (PendingPayment, Cancelled),
            (Paid, Fulfilling),
            (Paid, Refunded),
            (Fulfilling, Shipped),
            (Shipped, Delivered),
            (Delivered, Refunded),
            (PartiallyRefunded, Refunded),
        ];
        let refused = [
            (PendingPayment, Shipped),
            (PendingPayment, Refunded),
            (Paid, PendingPayment),
            (Shipped, Cancelled),
            (Delivered, Shipped),
            (Cancelled, Paid),
            (Refunded, Paid),
            (Fulfilling, Cancelled),
        ];
        for (from, to) in allowed {
            assert!(from.can_become(to), "{from} -> {to} is allowed");
        }
        for (from, to) in refused {
            assert!(!from.can_become(to), "{from} -> {to} is refused");
        }
    }

    #[test]
    fn every_status_is_reachable_from_a_new_order_and_only_two_are_final() {
        let mut seen = HashSet::from([PendingPayment]);
        let mut todo = vec![PendingPayment];
        while let Some(s) = todo.pop() {
            for next in s.next() {
                if seen.insert(*next) {
                    todo.push(*next);
                }
            }
        }
        assert_eq!(seen.len(), OrderStatus::ALL.len());
        let finals: Vec<_> = OrderStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [Cancelled, Refunded]);
    }
}
