//! Authorization, decided here and nowhere else. Every server function and
//! REST route asks this module before acting. Accounts and roles (issue 4)
//! will add customers, vendor staff and support; until then the REST API's
//! writes are open to one admin token from configuration.

use super::{ServiceError, ServiceResult};

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in.
    Anonymous,
    /// A shop administrator.
    Admin,
}

/// Things an actor may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change a product's catalog data.
    EditProduct,
}

/// Allows or refuses `action` for `actor`.
///
/// # Errors
/// `Unauthenticated` when nobody is signed in, `Forbidden` otherwise.
pub fn authorize(actor: Actor, action: Action) -> ServiceResult<()> {
    match (actor, action) {
        (Actor::Admin, Action::EditProduct) => Ok(()),
        (Actor::Anonymous, _) => Err(ServiceError::Unauthenticated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_edit_products() {
        assert!(authorize(Actor::Admin, Action::EditProduct).is_ok());
        assert!(matches!(authorize(Actor::Anonymous, Action::EditProduct), Err(ServiceError::Unauthenticated)));
    }
}
