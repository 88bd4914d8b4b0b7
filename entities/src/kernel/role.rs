//! What an account is to the shop: its role, which decides what it may do.

use serde::{Deserialize, Serialize};

/// An account's role, as stored and sent (`customer`, `vendor`, `support`,
/// `admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Shops for themselves.
    #[cfg_attr(feature = "db", sea_orm(string_value = "customer"))]
    Customer,
    /// Staff of one vendor: that vendor's catalog and orders. Stored and sent
    /// as `vendor`.
    #[serde(rename = "vendor")]
    #[cfg_attr(feature = "db", sea_orm(string_value = "vendor"))]
    VendorStaff,
    /// The shop's support: reads orders and customers.
    #[cfg_attr(feature = "db", sea_orm(string_value = "support"))]
    Support,
    /// A shop administrator: everything.
    #[cfg_attr(feature = "db", sea_orm(string_value = "admin"))]
    Admin,
}

impl Role {
    /// Every role, customers first.
    pub const ALL: [Role; 4] = [Self::Customer, Self::VendorStaff, Self::Support, Self::Admin];

    /// The roles of staff: people who work for the shop or a vendor.
    pub const STAFF: [Role; 3] = [Self::Admin, Self::Support, Self::VendorStaff];

    /// The role as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::VendorStaff => "vendor",
            Self::Support => "support",
            Self::Admin => "admin",
        }
    }

    /// Whether the account works for the shop or a vendor.
    pub fn is_staff(self) -> bool {
        Self::STAFF.contains(&self)
    }
}

crate::kernel::text_enum!(Role);

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_are_stored_and_sent_as_their_text() {
        crate::kernel::assert_status_texts!(Role);
        assert_eq!(Role::VendorStaff.as_str(), "vendor");
        assert_eq!(Role::parse("vendor_staff"), None);
    }

    #[test]
    fn only_customers_are_not_staff() {
        let staff: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_staff()).collect();
        assert_eq!(staff, [Role::VendorStaff, Role::Support, Role::Admin]);
    }
}
