//! Authorization, decided here and nowhere else. Every server function and
//! REST route asks this module before acting. Accounts and roles (issue 4)
//! will add customers and support and the sign-in that produces vendor staff;
//! until then the REST API's writes are open to one admin token from
//! configuration.

use super::{ServiceError, ServiceResult};

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in.
    Anonymous,
    /// A shop administrator.
    Admin,
    /// Staff of one vendor: acts on that vendor's records only.
    VendorStaff {
        /// The vendor the staff member belongs to.
        vendor_id: i64,
    },
}

/// Things an actor may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create, change or delete a product (and its variants) of this vendor.
    EditProduct {
        /// The vendor that owns (or would own) the product.
        vendor_id: i64,
    },
    /// Move a product from one vendor to another.
    ReassignProduct,
    /// Create, change, move or delete categories.
    EditCategories,
    /// Create or delete vendors.
    ManageVendors,
    /// Move any order through fulfilment, or cancel it.
    ManageOrders,
    /// Change this vendor's own profile (name, description).
    EditVendorProfile {
        /// The vendor.
        vendor_id: i64,
    },
}

/// Allows or refuses `action` for `actor`.
///
/// A vendor reaching for another vendor's product is told it does not exist
/// (`NotFound`), so ids of other vendors' drafts cannot be probed.
///
/// # Errors
/// `Unauthenticated` when nobody is signed in, `NotFound` for another
/// vendor's record, `Forbidden` for anything else not allowed.
pub fn authorize(actor: Actor, action: Action) -> ServiceResult<()> {
    match (actor, action) {
        (Actor::Anonymous, _) => Err(ServiceError::Unauthenticated),
        (Actor::Admin, _) => Ok(()),
        (Actor::VendorStaff { vendor_id }, Action::EditProduct { vendor_id: owner })
        | (Actor::VendorStaff { vendor_id }, Action::EditVendorProfile { vendor_id: owner }) => {
            if vendor_id == owner {
                Ok(())
            } else {
                Err(ServiceError::NotFound(match action {
                    Action::EditProduct { .. } => "product",
                    _ => "vendor",
                }))
            }
        }
        (
            Actor::VendorStaff { .. },
            Action::ReassignProduct | Action::EditCategories | Action::ManageVendors | Action::ManageOrders,
        ) => Err(ServiceError::Forbidden),
    }
}

/// Refuses anonymous callers before anything else is looked at, so they
/// learn nothing from validation messages.
///
/// # Errors
/// `Unauthenticated` for [`Actor::Anonymous`].
pub fn signed_in(actor: Actor) -> ServiceResult<()> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every actor against every action: the whole rule table.
    #[test]
    fn the_rule_table() {
        let own = Actor::VendorStaff { vendor_id: 1 };
        let cases: [(Actor, Action, &str); 18] = [
            (Actor::Admin, Action::EditProduct { vendor_id: 1 }, "ok"),
            (Actor::Admin, Action::ReassignProduct, "ok"),
            (Actor::Admin, Action::EditCategories, "ok"),
            (Actor::Admin, Action::ManageVendors, "ok"),
            (Actor::Admin, Action::EditVendorProfile { vendor_id: 2 }, "ok"),
            (own, Action::EditProduct { vendor_id: 1 }, "ok"),
            (own, Action::EditProduct { vendor_id: 2 }, "not found"),
            (own, Action::EditVendorProfile { vendor_id: 1 }, "ok"),
            (own, Action::EditVendorProfile { vendor_id: 2 }, "not found"),
            (own, Action::ReassignProduct, "forbidden"),
            (own, Action::EditCategories, "forbidden"),
            (own, Action::ManageVendors, "forbidden"),
            (Actor::Anonymous, Action::EditProduct { vendor_id: 1 }, "unauthenticated"),
            (Actor::Anonymous, Action::EditCategories, "unauthenticated"),
            (Actor::Anonymous, Action::ManageVendors, "unauthenticated"),
            (Actor::Admin, Action::ManageOrders, "ok"),
            (own, Action::ManageOrders, "forbidden"),
            (Actor::Anonymous, Action::ManageOrders, "unauthenticated"),
        ];
        for (actor, action, expected) in cases {
            let got = match authorize(actor, action) {
                Ok(()) => "ok",
                Err(ServiceError::NotFound(_)) => "not found",
                Err(ServiceError::Forbidden) => "forbidden",
                Err(ServiceError::Unauthenticated) => "unauthenticated",
                Err(other) => panic!("unexpected {other:?}"),
            };
            assert_eq!(got, expected, "{actor:?} {action:?}");
        }
    }
}
