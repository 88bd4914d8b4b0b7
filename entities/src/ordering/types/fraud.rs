//! Fraud screening: rules that give an order a risk score, and the score
//! above which a paid order is held for a person to review before it ships.
//! Pure: the services gather the signals (how many orders this email or IP
//! placed lately, the addresses) and store the outcome.

use serde::{Deserialize, Serialize};

/// The rules' limits (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRules {
    /// A paid order scoring this much or more is held for review.
    pub review_score: i32,
    /// An order of this total or more (minor units) is large.
    pub large_order_minor: i64,
    /// More earlier orders than this from one email in 24 hours is fast.
    pub email_orders_per_day: u64,
    /// More earlier orders than this from one IP address in an hour is fast.
    pub ip_orders_per_hour: u64,
    /// A card used by this many other emails in 24 hours is suspect.
    #[serde(default = "default_card_emails")]
    pub card_emails_per_day: u64,
    /// An order scoring this much or more when placed is refused outright
    /// (101 or more: never).
    #[serde(default = "default_block_score")]
    pub block_score: i32,
    /// Orders one email may have waiting for payment at once; another is
    /// refused until one is paid or cancelled (each holds stock). 0: no limit.
    #[serde(default = "default_unpaid_per_email")]
    pub unpaid_per_email: u64,
    /// Orders waiting for payment placed from one IP address in 24 hours
    /// before another is refused. 0: no limit.
    #[serde(default = "default_unpaid_per_ip")]
    pub unpaid_per_ip: u64,
}

fn default_card_emails() -> u64 {
    2
}

fn default_block_score() -> i32 {
    100
}

fn default_unpaid_per_email() -> u64 {
    5
}

fn default_unpaid_per_ip() -> u64 {
    20
}

impl Default for RiskRules {
    fn default() -> Self {
        Self {
            review_score: 60,
            large_order_minor: 100_000,
            email_orders_per_day: 3,
            ip_orders_per_hour: 5,
            card_emails_per_day: default_card_emails(),
            block_score: default_block_score(),
            unpaid_per_email: default_unpaid_per_email(),
            unpaid_per_ip: default_unpaid_per_ip(),
        }
    }
}

/// What is known about an order when it is placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskSignals<'a> {
    /// The order's total, in minor units.
    pub amount_minor: i64,
    /// Orders placed with the same email in the 24 hours before.
    pub email_orders_24h: u64,
    /// Orders placed from the same IP address in the hour before.
    pub ip_orders_1h: u64,
    /// The billing address's country, when one was given.
    pub billing_country: Option<&'a str>,
    /// The shipping address's country.
    pub shipping_country: &'a str,
}

/// An order's risk: a score from 0 to 100 and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Risk {
    /// 0 (nothing seen) to 100.
    pub score: i32,
    /// The rules that added to it, in words.
    pub reasons: Vec<String>,
}

/// Scores an order by the rules.
pub fn assess(signals: &RiskSignals<'_>, rules: &RiskRules) -> Risk {
    let mut risk = Risk::default();
    let mut add = |points: i32, reason: String| {
        risk.score += points;
        risk.reasons.push(reason);
    };
    if signals.amount_minor >= rules.large_order_minor.saturating_mul(5) {
        add(50, "a very large order".into());
    } else if signals.amount_minor >= rules.large_order_minor {
        add(30, "a large order".into());
    }
    if signals.email_orders_24h >= rules.email_orders_per_day {
        add(35, format!("{} earlier orders from this email in 24 hours", signals.email_orders_24h));
    }
    if signals.ip_orders_1h >= rules.ip_orders_per_hour {
        add(35, format!("{} earlier orders from this IP address in an hour", signals.ip_orders_1h));
    }
    if let Some(billing) = signals.billing_country {
        if !billing.eq_ignore_ascii_case(signals.shipping_country) {
            add(25, format!("billed in {billing}, shipped to {}", signals.shipping_country));
        }
    }
    risk.score = risk.score.clamp(0, 100);
    risk
}

/// What the card behind a payment adds to an order's risk: other emails
/// that used the same card lately, and the provider's own verdict (Stripe
/// Radar), recorded where present.
pub fn assess_card(other_emails_24h: u64, provider_risk: Option<&str>, rules: &RiskRules) -> Risk {
    let mut risk = Risk::default();
    if rules.card_emails_per_day > 0 && other_emails_24h >= rules.card_emails_per_day {
        risk.score += 40;
        risk.reasons.push(format!("the card was used with {other_emails_24h} other emails in 24 hours"));
    }
    match provider_risk {
        Some("elevated") => {
            risk.score += 30;
            risk.reasons.push("the card provider rates the payment's risk elevated".into());
        }
        Some("highest") => {
            risk.score += 60;
            risk.reasons.push("the card provider rates the payment's risk highest".into());
        }
        _ => {}
    }
    risk
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals() -> RiskSignals<'static> {
        RiskSignals {
            amount_minor: 4_999,
            email_orders_24h: 0,
            ip_orders_1h: 0,
            billing_country: None,
            shipping_country: "NL",
        }
    }

    #[test]
    fn an_ordinary_order_scores_nothing() {
        assert_eq!(assess(&signals(), &RiskRules::default()), Risk::default());
        let same = RiskSignals { billing_country: Some("nl"), ..signals() };
        assert_eq!(assess(&same, &RiskRules::default()).score, 0, "same country in another case");
    }

    #[test]
    fn each_rule_adds_its_points_and_says_why() {
        let rules = RiskRules::default();
        let large = assess(&RiskSignals { amount_minor: 100_000, ..signals() }, &rules);
        assert_eq!((large.score, large.reasons[0].as_str()), (30, "a large order"));
        assert_eq!(assess(&RiskSignals { amount_minor: 500_000, ..signals() }, &rules).score, 50);
        let fast = assess(&RiskSignals { email_orders_24h: 3, ..signals() }, &rules);
        assert_eq!(fast.reasons, ["3 earlier orders from this email in 24 hours"]);
        assert_eq!(assess(&RiskSignals { email_orders_24h: 2, ..signals() }, &rules).score, 0, "below the limit");
        assert_eq!(assess(&RiskSignals { ip_orders_1h: 5, ..signals() }, &rules).score, 35);
        let elsewhere = assess(&RiskSignals { billing_country: Some("US"), ..signals() }, &rules);
        assert_eq!(elsewhere.reasons, ["billed in US, shipped to NL"]);
    }

    #[test]
    fn rules_add_up_to_at_most_a_hundred_and_the_worst_are_held() {
        let rules = RiskRules::default();
        let all = RiskSignals {
            amount_minor: 900_000,
            email_orders_24h: 9,
            ip_orders_1h: 9,
            billing_country: Some("US"),
            shipping_country: "NL",
        };
        let risk = assess(&all, &rules);
        assert_eq!((risk.score, risk.reasons.len()), (100, 4));
        assert!(risk.score >= rules.review_score);
        let two = assess(&RiskSignals { email_orders_24h: 3, billing_country: Some("US"), ..signals() }, &rules);
        assert!(two.score >= rules.review_score, "fast and billed elsewhere: {two:?}");
    }

    #[test]
    fn a_card_shared_by_emails_and_the_providers_verdict_add_risk() {
        let rules = RiskRules::default();
        assert_eq!(assess_card(1, None, &rules), Risk::default());
        assert_eq!(assess_card(0, Some("normal"), &rules), Risk::default());
        let shared = assess_card(2, None, &rules);
        assert_eq!(
            (shared.score, shared.reasons[0].as_str()),
            (40, "the card was used with 2 other emails in 24 hours")
        );
        assert_eq!(assess_card(0, Some("elevated"), &rules).score, 30);
        assert!(assess_card(0, Some("highest"), &rules).score >= rules.review_score, "Radar's highest is held");
    }
}
