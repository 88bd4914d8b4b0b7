//! Collecting every problem with an input at once, so a client sees all
//! its field errors in one answer instead of one per attempt.

use crate::ServiceError;
use crate::ServiceResult;

/// Field errors found so far.
#[derive(Debug, Default)]
pub struct Check(Vec<(String, String)>);

impl Check {
    /// Records that `field` is not acceptable.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// Trims `value` and checks it holds 1 to `max` characters.
    pub fn text(&mut self, field: impl Into<String>, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "must not be empty");
        } else if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        value.to_owned()
    }

    /// Checks that `value` is at most `max` characters (it may be empty).
    pub fn long_text(&mut self, field: impl Into<String>, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        value.trim().to_owned()
    }

    /// Whether nothing failed so far.
    pub fn is_ok(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing failed; otherwise every failure, as one error.
    ///
    /// # Errors
    /// `InvalidFields` with every recorded failure.
    pub fn done(self) -> ServiceResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::InvalidFields(self.0))
        }
    }
}

/// Maps a unique-constraint violation to a field error; other database
/// errors pass through. For the race that a check before the insert cannot
/// close.
#[track_caller]
pub fn unique_violation(e: sea_orm::DbErr, field: &str, message: &str) -> ServiceError {
    if is_unique_violation(&e) {
        ServiceError::InvalidFields(vec![(field.to_owned(), message.to_owned())])
    } else {
        ServiceError::from(e)
    }
}

/// Whether the database refused a write for breaking a unique constraint.
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_reported_together() {
        let mut check = Check::default();
        assert_eq!(check.text("title", "  Scarf ", 10), "Scarf");
        assert!(check.is_ok());
        check.text("title", "   ", 10);
        check.text("brand", "abcdefghijk", 10);
        check.long_text("description", "abc", 2);
        match check.done() {
            Err(ServiceError::InvalidFields(errors)) => assert_eq!(
                errors,
                vec![
                    ("title".to_owned(), "must not be empty".to_owned()),
                    ("brand".to_owned(), "must be at most 10 characters".to_owned()),
                    ("description".to_owned(), "must be at most 2 characters".to_owned()),
                ]
            ),
            other => panic!("expected field errors, got {other:?}"),
        }
    }
}
