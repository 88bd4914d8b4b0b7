//! Money: an integer count of minor units with a currency. Never a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency the shop can sell in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Euro.
    Eur,
    /// US dollar.
    Usd,
    /// Pound sterling.
    Gbp,
    /// Japanese yen (no minor unit).
    Jpy,
}

impl Currency {
    /// The ISO 4217 code, e.g. `"EUR"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
            Self::Usd => "USD",
            Self::Gbp => "GBP",
            Self::Jpy => "JPY",
        }
    }

    /// Number of decimal places of the minor unit.
    pub const fn exponent(self) -> u32 {
        match self {
            Self::Jpy => 0,
            _ => 2,
        }
    }

    const fn symbol(self) -> &'static str {
        match self {
            Self::Eur => "€",
            Self::Usd => "$",
            Self::Gbp => "£",
            Self::Jpy => "¥",
        }
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "EUR" => Ok(Self::Eur),
            "USD" => Ok(Self::Usd),
            "GBP" => Ok(Self::Gbp),
            "JPY" => Ok(Self::Jpy),
            _ => Err(MoneyError::UnknownCurrency(s.to_owned())),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What can go wrong with money arithmetic or parsing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    /// The result does not fit.
    #[error("amount out of range")]
    Overflow,
    /// A currency code we do not sell in.
    #[error("unknown currency {0:?}")]
    UnknownCurrency(String),
    /// A decimal amount that is not well formed.
    #[error("{0:?} is not an amount (use digits and at most one decimal point)")]
    BadAmount(String),
}

/// An amount of money in minor units (cents), with its currency.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount of `minor` units (cents for EUR).
    pub const fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// Parses a decimal amount such as `"12.5"` or `"12.50"`.
    ///
    /// # Errors
    /// `BadAmount` when it is not a plain decimal with at most the currency's
    /// number of decimal places; `Overflow` when it does not fit.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let bad = || MoneyError::BadAmount(text.to_owned());
        let t = text.trim();
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let exp = currency.exponent() as usize;
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > exp {
            return Err(bad());
        }
        if t.contains('.') && frac.is_empty() {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let mut frac_value: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
        for _ in frac.len()..exp {
            frac_value *= 10;
        }
        let minor = whole
            .checked_mul(10_i64.pow(exp as u32))
            .and_then(|w| w.checked_add(frac_value))
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::from_minor(if negative { -minor } else { minor }, currency))
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// The sum of two amounts in one currency.
    ///
    /// # Errors
    /// `CurrencyMismatch` or `Overflow`.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// This amount less `other`.
    ///
    /// # Errors
    /// `CurrencyMismatch` or `Overflow`.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// The sum of `amounts`, all in `currency` (zero when there are none).
    ///
    /// # Errors
    /// `CurrencyMismatch` or `Overflow`.
    pub fn sum(currency: Currency, amounts: impl IntoIterator<Item = Money>) -> Result<Money, MoneyError> {
        amounts.into_iter().try_fold(Money::zero(currency), Money::checked_add)
    }

    /// `bps` basis points (hundredths of a percent) of this amount, rounded
    /// half up: a percentage discount, tax added on top.
    pub fn share_bps(self, bps: i64) -> Money {
        self.portion(bps, 10_000)
    }

    /// The part of this amount that `part` is of `whole`, rounded half up:
    /// a line's share of a payment, the tax inside a price. Zero when
    /// `whole` is not positive.
    pub fn portion(self, part: i64, whole: i64) -> Money {
        if whole <= 0 {
            return Money::zero(self.currency);
        }
        let exact = i128::from(self.minor) * i128::from(part);
        let whole = i128::from(whole);
        let rounded = (exact * 2 + whole).div_euclid(whole * 2);
        Money::from_minor(i64::try_from(rounded).unwrap_or(i64::MAX), self.currency)
    }

    /// This amount, but never below zero.
    pub fn at_least_zero(self) -> Money {
        Money::from_minor(self.minor.max(0), self.currency)
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// This amount times a quantity.
    ///
    /// # Errors
    /// `Overflow` when the product does not fit.
    pub fn checked_mul(self, quantity: u32) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(i64::from(quantity))
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }
}

/// Amounts compare only within one currency: euros and dollars are
/// unordered (`None`), so `<` between them is false both ways.
impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

impl fmt::Display for Money {
    /// Shows the amount with its currency symbol, e.g. `€12.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return write!(f, "{sign}{}{abs}", self.currency.symbol());
        }
        let unit = 10_u64.pow(exp);
        write!(f, "{sign}{}{}.{:0width$}", self.currency.symbol(), abs / unit, abs % unit, width = exp as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_round_half_up_and_sums_keep_one_currency() {
        let eur = |minor| Money::from_minor(minor, Currency::Eur);
        assert_eq!(eur(1_995).share_bps(1_000), eur(200), "10 % of 19.95 is 2.00 (1.995 rounds up)");
        assert_eq!(eur(1_000).portion(1, 3), eur(333));
        assert_eq!(eur(1_000).portion(2, 3), eur(667));
        assert_eq!(eur(1_000).portion(5, 0), eur(0), "nothing to share");
        assert_eq!(Money::sum(Currency::Eur, [eur(1), eur(2)]), Ok(eur(3)));
        let usd = Money::from_minor(1, Currency::Usd);
        assert_eq!(
            Money::sum(Currency::Eur, [eur(1), usd]),
            Err(MoneyError::CurrencyMismatch(Currency::Eur, Currency::Usd))
        );
        assert_eq!(eur(5).checked_sub(eur(7)), Ok(eur(-2)));
        assert_eq!(eur(-2).at_least_zero(), eur(0));
        assert!(eur(1) < eur(2));
        assert_eq!(eur(1).partial_cmp(&usd), None, "no order across currencies");
    }

    #[test]
    fn money_displays_with_symbol_and_two_decimals() {
        assert_eq!(Money::from_minor(1250, Currency::Eur).to_string(), "€12.50");
        assert_eq!(Money::from_minor(5, Currency::Usd).to_string(), "$0.05");
        assert_eq!(Money::from_minor(-199, Currency::Gbp).to_string(), "-£1.99");
        assert_eq!(Money::from_minor(1200, Currency::Jpy).to_string(), "¥1200");
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let a = Money::from_minor(1, Currency::Eur);
        let b = Money::from_minor(1, Currency::Usd);
        assert_eq!(a.checked_add(b), Err(MoneyError::CurrencyMismatch(Currency::Eur, Currency::Usd)));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let a = Money::from_minor(i64::MAX, Currency::Eur);
        assert_eq!(a.checked_add(Money::from_minor(1, Currency::Eur)), Err(MoneyError::Overflow));
        assert_eq!(a.checked_mul(2), Err(MoneyError::Overflow));
    }

    #[test]
    fn decimal_amounts_parse_exactly() {
        assert_eq!(Money::parse_decimal("12.5", Currency::Eur).unwrap().minor(), 1250);
        assert_eq!(Money::parse_decimal("0.07", Currency::Eur).unwrap().minor(), 7);
        assert_eq!(Money::parse_decimal("300", Currency::Jpy).unwrap().minor(), 300);
        for bad in ["", "1.234", "1,5", "abc", "1.", ".5", "1.5.0", "12.3"] {
            let currency = if bad == "12.3" { Currency::Jpy } else { Currency::Eur };
            assert!(Money::parse_decimal(bad, currency).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn currency_codes_parse_case_insensitively() {
        assert_eq!("eur".parse::<Currency>().unwrap(), Currency::Eur);
        assert!("XXX".parse::<Currency>().is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(minor in -1_000_000_000_i64..1_000_000_000) {
            let money = Money::from_minor(minor, Currency::Eur);
            let shown = money.to_string().replace('€', "");
            prop_assert_eq!(Money::parse_decimal(&shown, Currency::Eur).unwrap(), money);
        }

        #[test]
        fn addition_is_commutative(a in -1_i64 << 40..1 << 40, b in -1_i64 << 40..1 << 40) {
            let x = Money::from_minor(a, Currency::Usd);
            let y = Money::from_minor(b, Currency::Usd);
            prop_assert_eq!(x.checked_add(y), y.checked_add(x));
        }
    }
}
