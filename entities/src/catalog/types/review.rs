//! Reviews and ratings as the product page, the account and the moderation
//! queue show them, and what a customer writes: plain shapes that compile
//! for the browser too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest review title.
pub const MAX_TITLE_CHARS: usize = 120;
/// Longest review text (and vendor reply).
pub const MAX_BODY_CHARS: usize = 4000;
/// Shortest review text: a star rating wants a few words with it.
pub const MIN_BODY_CHARS: usize = 10;
/// Reviews on one page.
pub const PAGE_SIZE: u64 = 10;
/// Reviews in one page of the staff list (the moderation queue).
pub const QUEUE_PAGE: u64 = 50;

/// A review as a customer writes (or rewrites) it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// 1 to 5 stars.
    pub rating: i16,
    /// A headline (optional, at most 120 characters).
    #[serde(default)]
    pub title: String,
    /// What the customer thinks (10 to 4000 characters).
    pub body: String,
}

/// Where a review is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Written, waiting for a moderator.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// Shown on the product page.
    #[cfg_attr(feature = "db", sea_orm(string_value = "published"))]
    Published,
    /// Refused by a moderator (its author sees why).
    #[cfg_attr(feature = "db", sea_orm(string_value = "rejected"))]
    Rejected,
}

impl ReviewStatus {
    /// Every status, the moderation queue's first.
    pub const ALL: [ReviewStatus; 3] = [Self::Pending, Self::Published, Self::Rejected];

    /// As stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Rejected => "rejected",
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Awaiting moderation",
            Self::Published => "Published",
            Self::Rejected => "Not published",
        }
    }
}

crate::kernel::text_enum!(ReviewStatus);

/// A review as everyone sees it on the product page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewView {
    /// Its id.
    pub id: i64,
    /// The product reviewed.
    pub product_id: i64,
    /// The reviewer's name as shown (first name and initial).
    pub author: String,
    /// 1 to 5 stars.
    pub rating: i16,
    /// Its headline (may be empty).
    pub title: String,
    /// Its text.
    pub body: String,
    /// Whether the reviewer bought the product from this shop.
    pub verified_purchase: bool,
    /// The vendor's answer, if any.
    pub reply: Option<String>,
    /// When it was written.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// A product's ratings: the average and how many of each star.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    /// How many published reviews.
    pub count: u64,
    /// Their mean rating, rounded to one decimal (0 when there are none).
    pub average: f32,
    /// How many gave 1, 2, 3, 4 and 5 stars (index 0 is one star).
    pub distribution: [u64; 5],
}

impl RatingSummary {
    /// The summary of a set of ratings, given as `(stars, how many)`; stars
    /// outside 1–5 are ignored.
    pub fn from_counts(counts: impl IntoIterator<Item = (i16, u64)>) -> Self {
        let mut distribution = [0_u64; 5];
        for (stars, n) in counts {
            if let Some(slot) =
                usize::try_from(stars).ok().and_then(|s| s.checked_sub(1)).and_then(|i| distribution.get_mut(i))
            {
                *slot += n;
            }
        }
        let count: u64 = distribution.iter().sum();
        let total: u64 = distribution.iter().zip(1_u64..).map(|(n, stars)| n * stars).sum();
        // Tenths, rounded half up, in integers (no float sums drift).
        let average = (total * 10 + count / 2).checked_div(count).map_or(0.0, |tenths| tenths as f32 / 10.0);
        Self { count, average, distribution }
    }

    /// The share of reviews with `stars` stars, in whole percent.
    pub fn percent(&self, stars: usize) -> u64 {
        match (self.count, stars.checked_sub(1).and_then(|i| self.distribution.get(i))) {
            (0, _) | (_, None) => 0,
            (count, Some(n)) => (n * 100 + count / 2) / count,
        }
    }
}

/// A product's reviews: the summary and one page of published reviews,
/// newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductReviews {
    /// Average and distribution.
    pub summary: RatingSummary,
    /// This page.
    pub reviews: Vec<ReviewView>,
    /// Which page this is (from 1).
    pub page: u64,
    /// How many pages there are.
    pub pages: u64,
}

/// A review as its author sees it: with its moderation state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyReview {
    /// The review.
    #[serde(flatten)]
    pub review: ReviewView,
    /// The product's title.
    pub product_title: String,
    /// The product's page is `/p/{slug}`.
    pub product_slug: String,
    /// Where it is in moderation.
    pub status: ReviewStatus,
    /// Why a moderator did not publish it.
    pub moderation_note: String,
}

/// A review as staff see it (moderation queue, vendor replies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffReview {
    /// The review, as its author sees it.
    #[serde(flatten)]
    pub review: MyReview,
    /// The product's vendor.
    pub vendor_id: i64,
}

/// A moderator's decision on a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    /// `published` or `rejected` (`pending` puts it back in the queue).
    pub status: ReviewStatus,
    /// Why (shown to the author when rejected; at most 500 characters).
    #[serde(default)]
    pub note: String,
}

/// A vendor's public answer to a review (empty: take it back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// The answer (at most 4000 characters; empty removes it).
    pub reply: String,
}

/// The name shown with a review: the first word of the account's name and
/// the initial of the last, so a review never shows a full name.
pub fn display_author(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else { return "A customer".to_owned() };
    let first: String = first.chars().take(40).collect();
    match words.last().and_then(|w| w.chars().next()) {
        Some(initial) => format!("{first} {}.", initial.to_uppercase()),
        None => first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_each_star_and_rounds_the_mean_to_tenths() {
        let s = RatingSummary::from_counts([(5, 2), (4, 1), (1, 1), (9, 7), (0, 3)]);
        assert_eq!(s.count, 4, "stars outside 1–5 are ignored");
        assert_eq!(s.distribution, [1, 0, 0, 1, 2]);
        assert!((s.average - 3.8).abs() < f32::EPSILON, "(5+5+4+1)/4 = 3.75 → 3.8, got {}", s.average);
        assert_eq!(s.percent(5), 50);
        assert_eq!(s.percent(1), 25);
        assert_eq!(s.percent(2), 0);
        assert_eq!(s.percent(6), 0);
        let none = RatingSummary::from_counts([]);
        assert_eq!((none.count, none.average, none.percent(3)), (0, 0.0, 0));
        let third = RatingSummary::from_counts([(4, 2), (5, 1)]);
        assert!((third.average - 4.3).abs() < f32::EPSILON, "13/3 = 4.33 → 4.3, got {}", third.average);
    }

    #[test]
    fn a_review_shows_a_first_name_and_an_initial() {
        assert_eq!(display_author("Ada Lovelace"), "Ada L.");
        assert_eq!(display_author("  jan van der berg "), "jan B.");
        assert_eq!(display_author("Cher"), "Cher");
        assert_eq!(display_author("   "), "A customer");
    }

    #[test]
    fn statuses_round_trip_through_storage() {
        for s in [ReviewStatus::Pending, ReviewStatus::Published, ReviewStatus::Rejected] {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReviewStatus::parse("deleted"), None);
        crate::kernel::assert_status_texts!(ReviewStatus);
    }
}
