//! Authorization, decided here and nowhere else. Every server function and
//! REST route asks this module before acting: the role rules are
//! [`authorize`]'s table, and a customer's own records (addresses, orders)
//! are checked by [`own_record`]. A forbidden read of another customer's or
//! vendor's record answers "not found", so ids cannot be probed.

use crate::kernel::Role;
use crate::ServiceError;
use crate::ServiceResult;

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in.
    Anonymous,
    /// A signed-in customer.
    Customer {
        /// The customer's account.
        user_id: i64,
    },
    /// Customer support: reads orders and customers, changes nothing of
    /// the catalog or the money.
    Support {
        /// The support agent's account.
        user_id: i64,
    },
    /// A shop administrator.
    Admin {
        /// Who: a staff account, or the admin API token.
        by: Principal,
    },
    /// Staff of one vendor: acts on that vendor's records only.
    VendorStaff {
        /// The staff member's account.
        user_id: i64,
        /// The vendor the staff member belongs to.
        vendor_id: i64,
    },
}

/// Who an administrator is, so the audit log can name them: a staff
/// account, or the shop's admin API token (`BAZAAR__API__ADMIN_TOKEN`), a
/// principal of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A staff account with the admin role.
    Account(i64),
    /// The admin API token (the REST API's bearer token, or the admin
    /// area signed in with it).
    ApiToken,
}

impl Actor {
    /// The actor of a signed-in account with `role`, or `Anonymous` for
    /// vendor staff without a vendor (never more power than it should
    /// have). A role this build does not know cannot be read from the
    /// database at all.
    pub fn from_role(role: Role, user_id: i64, vendor_id: Option<i64>) -> Self {
        match (role, vendor_id) {
            (Role::Customer, _) => Self::Customer { user_id },
            (Role::Support, _) => Self::Support { user_id },
            (Role::Admin, _) => Self::Admin { by: Principal::Account(user_id) },
            (Role::VendorStaff, Some(vendor_id)) => Self::VendorStaff { user_id, vendor_id },
            (Role::VendorStaff, None) => Self::Anonymous,
        }
    }

    /// The admin API token acting (the REST API's bearer token).
    pub const API_TOKEN: Self = Self::Admin { by: Principal::ApiToken };

    /// Whether the actor works for the shop or a vendor (may open the
    /// admin area).
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Admin { .. } | Self::Support { .. } | Self::VendorStaff { .. })
    }

    /// Whether a shop administrator acts (an account or the API token).
    pub fn is_admin(self) -> bool {
        matches!(self, Self::Admin { .. })
    }

    /// The account acting, if one does (not the API token, not a guest).
    pub fn user_id(self) -> Option<i64> {
        match self {
            Self::Customer { user_id } | Self::Support { user_id } | Self::VendorStaff { user_id, .. } => Some(user_id),
            Self::Admin { by: Principal::Account(user_id) } => Some(user_id),
            Self::Admin { by: Principal::ApiToken } | Self::Anonymous => None,
        }
    }

    /// The customer account acting, if a customer is.
    pub fn customer(self) -> Option<i64> {
        match self {
            Self::Customer { user_id } => Some(user_id),
            _ => None,
        }
    }
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
    /// Move any order through fulfilment, cancel it, capture or refund its
    /// payment; merchants' webhooks.
    ManageOrders,
    /// Read any order, its screening and the payment events.
    ViewOrders,
    /// Change this vendor's own profile (name, description).
    EditVendorProfile {
        /// The vendor.
        vendor_id: i64,
    },
    /// Publish or reject customers' reviews.
    ModerateReviews,
    /// Answer, in public, a review of a product of this vendor.
    ReplyToReview {
        /// The vendor of the product reviewed.
        vendor_id: i64,
    },
    /// Export or erase a customer's personal data (GDPR), read the audit log.
    ManageCustomers,
    /// Invite staff accounts; require two-factor sign-in of staff.
    ManageStaff,
    /// Ship this vendor's part of an order, mark it delivered, and handle
    /// its returns (with their restock and refund).
    FulfilOrder {
        /// The vendor of the part.
        vendor_id: i64,
    },
    /// Create and change coupons (and the shop's prices rules).
    ManagePricing,
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
        (Actor::Admin { .. }, _) => Ok(()),
        (Actor::Support { .. }, Action::ViewOrders) => Ok(()),
        (Actor::Support { .. } | Actor::Customer { .. }, _) => Err(ServiceError::Forbidden),
        (Actor::VendorStaff { vendor_id, .. }, Action::EditProduct { vendor_id: owner })
        | (Actor::VendorStaff { vendor_id, .. }, Action::EditVendorProfile { vendor_id: owner })
        | (Actor::VendorStaff { vendor_id, .. }, Action::ReplyToReview { vendor_id: owner })
        | (Actor::VendorStaff { vendor_id, .. }, Action::FulfilOrder { vendor_id: owner }) => {
            if vendor_id == owner {
                Ok(())
            } else {
                Err(ServiceError::NotFound(match action {
                    Action::EditProduct { .. } => "product",
                    Action::ReplyToReview { .. } => "review",
                    Action::FulfilOrder { .. } => "order",
                    _ => "vendor",
                }))
            }
        }
        (
            Actor::VendorStaff { .. },
            Action::ReassignProduct
            | Action::EditCategories
            | Action::ManageVendors
            | Action::ManageOrders
            | Action::ViewOrders
            | Action::ModerateReviews
            | Action::ManageCustomers
            | Action::ManageStaff
            | Action::ManagePricing,
        ) => Err(ServiceError::Forbidden),
    }
}

/// Lets only those who edit the catalog (admins and vendor staff) into the
/// catalog admin's use cases, before anything else is looked at, so others
/// learn nothing from validation messages. What each may change is then
/// decided by [`authorize`].
///
/// # Errors
/// `Unauthenticated` for [`Actor::Anonymous`]; `Forbidden` for customers
/// and support.
pub fn catalog_staff(actor: Actor) -> ServiceResult<()> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Customer { .. } | Actor::Support { .. } => Err(ServiceError::Forbidden),
        Actor::Admin { .. } | Actor::VendorStaff { .. } => Ok(()),
    }
}

/// Whether account `me` may see a record `what` that belongs to account
/// `owner`: only its owner may; to anyone else it does not exist.
///
/// # Errors
/// `NotFound(what)` when `me` is not the owner.
pub fn own_record(me: i64, owner: i64, what: &'static str) -> ServiceResult<()> {
    if me == owner {
        Ok(())
    } else {
        Err(ServiceError::NotFound(what))
    }
}

/// Whether `actor` may read (and pay) an order placed by account `owner`
/// (`None`: a guest's order, readable by whoever holds its unguessable id).
/// An order placed while signed in is shown to its customer and to staff
/// who may view orders; to anyone else it does not exist. Vendor staff see
/// the public ids of the orders they take part in, so they never read a
/// whole order this way (it holds the shopper's address and every vendor's
/// lines); their own view is the vendor's sub-order.
///
/// # Errors
/// `NotFound("order")` when not allowed.
pub fn read_order(actor: Actor, owner: Option<i64>) -> ServiceResult<()> {
    match (owner, actor) {
        (_, Actor::VendorStaff { .. }) => Err(ServiceError::NotFound("order")),
        (None, _) | (_, Actor::Admin { .. } | Actor::Support { .. }) => Ok(()),
        (Some(owner), Actor::Customer { user_id }) if owner == user_id => Ok(()),
        _ => Err(ServiceError::NotFound("order")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every actor against every action: the whole rule table.
    #[test]
    fn the_rule_table() {
        let own = Actor::VendorStaff { user_id: 0, vendor_id: 1 };
        let customer = Actor::Customer { user_id: 7 };
        let support = Actor::Support { user_id: 8 };
        let cases: [(Actor, Action, &str); 51] = [
            (Actor::API_TOKEN, Action::ManagePricing, "ok"),
            (own, Action::ManagePricing, "forbidden"),
            (support, Action::ManagePricing, "forbidden"),
            (customer, Action::ManagePricing, "forbidden"),
            (Actor::API_TOKEN, Action::FulfilOrder { vendor_id: 2 }, "ok"),
            (own, Action::FulfilOrder { vendor_id: 1 }, "ok"),
            (own, Action::FulfilOrder { vendor_id: 2 }, "not found"),
            (support, Action::FulfilOrder { vendor_id: 1 }, "forbidden"),
            (customer, Action::FulfilOrder { vendor_id: 1 }, "forbidden"),
            (Actor::API_TOKEN, Action::ManageStaff, "ok"),
            (own, Action::ManageStaff, "forbidden"),
            (support, Action::ManageStaff, "forbidden"),
            (Actor::API_TOKEN, Action::ModerateReviews, "ok"),
            (Actor::API_TOKEN, Action::ManageCustomers, "ok"),
            (Actor::API_TOKEN, Action::ReplyToReview { vendor_id: 2 }, "ok"),
            (own, Action::ReplyToReview { vendor_id: 1 }, "ok"),
            (own, Action::ReplyToReview { vendor_id: 2 }, "not found"),
            (own, Action::ModerateReviews, "forbidden"),
            (own, Action::ManageCustomers, "forbidden"),
            (support, Action::ModerateReviews, "forbidden"),
            (customer, Action::ManageCustomers, "forbidden"),
            (Actor::Anonymous, Action::ModerateReviews, "unauthenticated"),
            (Actor::API_TOKEN, Action::EditProduct { vendor_id: 1 }, "ok"),
            (Actor::API_TOKEN, Action::ReassignProduct, "ok"),
            (Actor::API_TOKEN, Action::EditCategories, "ok"),
            (Actor::API_TOKEN, Action::ManageVendors, "ok"),
            (Actor::API_TOKEN, Action::EditVendorProfile { vendor_id: 2 }, "ok"),
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
            (Actor::API_TOKEN, Action::ManageOrders, "ok"),
            (own, Action::ManageOrders, "forbidden"),
            (Actor::Anonymous, Action::ManageOrders, "unauthenticated"),
            (customer, Action::EditProduct { vendor_id: 1 }, "forbidden"),
            (customer, Action::ManageOrders, "forbidden"),
            (customer, Action::ViewOrders, "forbidden"),
            (customer, Action::EditCategories, "forbidden"),
            (support, Action::ViewOrders, "ok"),
            (support, Action::ManageOrders, "forbidden"),
            (support, Action::EditProduct { vendor_id: 1 }, "forbidden"),
            (support, Action::ManageVendors, "forbidden"),
            (Actor::API_TOKEN, Action::ViewOrders, "ok"),
            (own, Action::ViewOrders, "forbidden"),
            (Actor::Anonymous, Action::ViewOrders, "unauthenticated"),
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

    #[test]
    fn orders_of_accounts_are_shown_to_their_customer_and_staff_only() {
        let owner = Actor::Customer { user_id: 1 };
        let other = Actor::Customer { user_id: 2 };
        assert!(read_order(owner, Some(1)).is_ok());
        assert!(matches!(read_order(other, Some(1)), Err(ServiceError::NotFound("order"))));
        assert!(matches!(read_order(Actor::Anonymous, Some(1)), Err(ServiceError::NotFound(_))));
        assert!(matches!(
            read_order(Actor::VendorStaff { user_id: 0, vendor_id: 1 }, Some(1)),
            Err(ServiceError::NotFound(_))
        ));
        assert!(read_order(Actor::Support { user_id: 3 }, Some(1)).is_ok());
        assert!(read_order(Actor::API_TOKEN, Some(1)).is_ok());
        assert!(read_order(Actor::Anonymous, None).is_ok(), "a guest order is read by its id");
        assert!(
            matches!(read_order(Actor::VendorStaff { user_id: 0, vendor_id: 1 }, None), Err(ServiceError::NotFound(_))),
            "vendor staff know the ids of guest orders they take part in, and read only their sub-order"
        );
        assert!(own_record(1, 1, "address").is_ok());
        assert!(matches!(own_record(2, 1, "address"), Err(ServiceError::NotFound("address"))));
    }

    #[test]
    fn roles_map_to_actors_and_unknown_roles_to_nobody() {
        // A role as stored: text this build does not know is no role at all.
        let from_role = |text: &str, user_id, vendor_id| {
            Role::parse(text).map_or(Actor::Anonymous, |r| Actor::from_role(r, user_id, vendor_id))
        };
        assert_eq!(from_role("customer", 4, None), Actor::Customer { user_id: 4 });
        assert_eq!(from_role("admin", 4, None), Actor::Admin { by: Principal::Account(4) });
        assert_eq!(from_role("support", 4, None), Actor::Support { user_id: 4 });
        assert_eq!(from_role("vendor", 4, Some(9)), Actor::VendorStaff { user_id: 4, vendor_id: 9 });
        assert_eq!(from_role("vendor", 4, None), Actor::Anonymous, "a vendor account without a vendor");
        assert_eq!(from_role("root", 4, None), Actor::Anonymous);
        assert!(!Actor::Customer { user_id: 1 }.is_staff());
        assert!(Actor::Support { user_id: 1 }.is_staff());
    }
}
