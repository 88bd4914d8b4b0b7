//! Amounts and percentages as people type and read them in forms.

/// Parses a percentage such as `10`, `-7.5` or `+2.25 %` into hundredths of
/// a percent.
///
/// # Errors
/// A message for the user when it is not a number with at most two decimals.
pub fn parse_percent(text: &str) -> Result<i32, String> {
    let cleaned: String = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let (negative, digits) = match cleaned.strip_prefix('-').or_else(|| cleaned.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let bad = || format!("{:?} is not a percentage (e.g. 10 or -7.5)", text.trim());
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || frac.len() > 2 || !(whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let whole: i32 = whole.parse().map_err(|_| bad())?;
    let frac: i32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let value = whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
}

/// A price in minor units as an editor types it: `19.99`, `1200` for yen.
pub fn decimal_text(minor: i64, currency: &str) -> String {
    let exp = currency.parse::<crate::Currency>().map_or(2, crate::Currency::exponent);
    if exp == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0width$}", minor.abs() / unit, minor.abs() % unit, width = exp as usize)
}

/// Parses a price typed in major units (`19.99`) into minor units.
///
/// # Errors
/// A message for the user when it is not an amount in `currency`.
pub fn parse_price(text: &str, currency: &str) -> Result<i64, String> {
    let currency: crate::Currency = currency.parse().map_err(|_| format!("unknown currency {currency:?}"))?;
    crate::Money::parse_decimal(text, currency).map(|m| m.minor()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_into_hundredths() {
        assert_eq!(parse_percent("10"), Ok(1000));
        assert_eq!(parse_percent("-7.5"), Ok(-750));
        assert_eq!(parse_percent(" +2.25 % "), Ok(225));
        assert_eq!(parse_percent("0,5"), Ok(50));
        assert_eq!(parse_percent("−15"), Ok(-1500));
        for bad in ["", "ten", "1.234", "-", "1e3", "99999999999", "5..1"] {
            assert!(parse_percent(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn prices_read_and_show_in_major_units() {
        assert_eq!(decimal_text(1999, "EUR"), "19.99");
        assert_eq!(decimal_text(5, "USD"), "0.05");
        assert_eq!(decimal_text(1200, "JPY"), "1200");
        assert_eq!(parse_price("19.99", "EUR"), Ok(1999));
        assert_eq!(parse_price("1200", "JPY"), Ok(1200));
        assert!(parse_price("12.345", "EUR").is_err());
        assert!(parse_price("12.5", "JPY").is_err());
        assert!(parse_price("abc", "EUR").is_err());
    }
}
