//! What an order costs: the lines from the catalog, shipping per vendor
//! (the vendor's own methods, or the shop's), a coupon, and tax by
//! destination — prices shown with tax included or excluded as the shop is
//! configured. The arithmetic is plain functions, tested on their own; the
//! loaders read the methods, rates and coupon from the database.

use crate::kernel::{Currency, Money, MoneyError};
use crate::model::{coupon, shipping_method, tax_rate};
use crate::ordering::{ShippingOption, VendorQuote};
use crate::ServiceError;
use crate::ServiceResult;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// A shipping method as the arithmetic needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Its code (`standard`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// `flat` or `weight`.
    pub kind: String,
    /// The price (flat), or the price of the first kilogram's start (weight).
    pub base: Money,
    /// Added per started kilogram (weight).
    pub per_kg: Money,
    /// Free from this subtotal on.
    pub free_over: Option<Money>,
}

/// What `method` costs for a vendor's part of `subtotal` weighing `grams`.
///
/// # Errors
/// `CurrencyMismatch` when the method is priced in another currency than
/// the subtotal; `Overflow` for an absurd weight.
pub fn shipping_price(method: &Method, subtotal: Money, grams: i64) -> Result<Money, MoneyError> {
    if method.free_over.is_some_and(|threshold| subtotal >= threshold) {
        return Ok(Money::zero(subtotal.currency()));
    }
    match method.kind.as_str() {
        "weight" => {
            let kilograms = u32::try_from((grams.max(0) + 999) / 1_000).map_err(|_| MoneyError::Overflow)?;
            method.base.checked_add(method.per_kg.checked_mul(kilograms)?)
        }
        _ => Ok(method.base),
    }
}

/// The options for one vendor's part, cheapest first, and the chosen one:
/// `wanted`, or the cheapest when nothing was asked for.
///
/// # Errors
/// `InvalidField` (`shipping`) when nothing ships there, or `wanted` is not
/// among the options (a typo is never swapped for another method).
pub fn choose(
    methods: &[Method],
    subtotal: Money,
    grams: i64,
    wanted: Option<&str>,
) -> ServiceResult<(Vec<ShippingOption>, usize)> {
    let mut options = Vec::with_capacity(methods.len());
    for m in methods {
        let price = shipping_price(m, subtotal, grams)?;
        options.push(ShippingOption { code: m.code.clone(), name: m.name.clone(), price_minor: price.minor() });
    }
    options.sort_by_key(|o| o.price_minor);
    if options.is_empty() {
        return Err(ServiceError::InvalidField { field: "shipping", message: "nothing ships to this address".into() });
    }
    let chosen = match wanted {
        None => 0,
        Some(w) => options.iter().position(|o| o.code == w).ok_or_else(|| {
            let offered: Vec<&str> = options.iter().map(|o| o.code.as_str()).collect();
            ServiceError::InvalidField {
                field: "shipping",
                message: format!("{w:?} is not a way this ships to the address; choose {}", offered.join(" or ")),
            }
        })?,
    };
    Ok((options, chosen))
}

/// A coupon as the arithmetic needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// `percent` (value in basis points), `fixed` (minor units) or `free_shipping`.
    pub kind: String,
    /// See `kind`.
    pub value: i64,
    /// Applies from this subtotal on.
    pub min_spend_minor: i64,
}

/// The discount `d` gives on `subtotal` with `shipping` (both in the
/// order's currency, which a coupon with an amount was checked to be in).
///
/// # Errors
/// `InvalidField` (`coupon`) when the subtotal is below the minimum spend.
pub fn discount(d: &Discount, subtotal: Money, shipping: Money) -> ServiceResult<Money> {
    let currency = subtotal.currency();
    if subtotal.minor() < d.min_spend_minor {
        return Err(ServiceError::InvalidField {
            field: "coupon",
            message: format!("applies from a subtotal of {} minor units", d.min_spend_minor),
        });
    }
    Ok(match d.kind.as_str() {
        "percent" => subtotal.share_bps(d.value.clamp(0, 10_000)),
        "fixed" => Money::from_minor(d.value.clamp(0, subtotal.minor()), currency),
        _ => shipping,
    })
}

/// Tax on `taxable` at `rate_bps`: the part already in it (prices include
/// tax) or what is added (they exclude it). Returns `(tax, total)`.
///
/// # Errors
/// `Overflow` when the total does not fit.
pub fn tax(taxable: Money, rate_bps: i64, included: bool) -> Result<(Money, Money), MoneyError> {
    if included {
        Ok((taxable.portion(rate_bps, 10_000 + rate_bps), taxable))
    } else {
        let tax = taxable.share_bps(rate_bps);
        Ok((tax, taxable.checked_add(tax)?))
    }
}

/// The shipping methods a vendor offers in `currency` to `country`: its
/// own, or the shop's when it has none.
pub(crate) async fn methods_for<C: ConnectionTrait>(
    db: &C,
    vendor_id: i64,
    currency: &str,
    country: &str,
) -> ServiceResult<Vec<Method>> {
    let own = shipping_method::Entity::find()
        .filter(shipping_method::Column::VendorId.eq(vendor_id))
        .order_by_asc(shipping_method::Column::Position)
        .order_by_asc(shipping_method::Column::Id)
        .all(db)
        .await?;
    let rows = if own.is_empty() {
        shipping_method::Entity::find()
            .filter(shipping_method::Column::VendorId.is_null())
            .order_by_asc(shipping_method::Column::Position)
            .order_by_asc(shipping_method::Column::Id)
            .all(db)
            .await?
    } else {
        own
    };
    Ok(rows
        .into_iter()
        .filter(|m| m.currency == currency)
        .filter(|m| {
            let countries = crate::kernel::json::string_list(&m.countries);
            countries.is_empty() || countries.iter().any(|c| c == country)
        })
        .map(|m| {
            let currency: Currency = m.currency.parse()?;
            let money = |minor| Money::from_minor(minor, currency);
            Ok(Method {
                code: m.code,
                name: m.name,
                kind: m.kind,
                base: money(m.base_minor),
                per_kg: money(m.per_kg_minor),
                free_over: m.free_over_minor.map(money),
            })
        })
        .collect::<Result<_, MoneyError>>()?)
}

/// The tax rate for `country` in basis points and its name (0 where none
/// is configured).
pub(crate) async fn rate_for<C: ConnectionTrait>(db: &C, country: &str) -> ServiceResult<(i64, String)> {
    Ok(match tax_rate::Entity::find().filter(tax_rate::Column::Country.eq(country)).one(db).await? {
        Some(r) => (i64::from(r.rate_bps), r.name),
        None => (0, "No tax".to_owned()),
    })
}

/// The usable coupon `code` (any case) for an order in `currency` at `now`.
///
/// # Errors
/// `InvalidField` (`coupon`) when it does not exist, is not active yet or
/// any more, is used up, or is for another currency.
pub(crate) async fn coupon_for<C: ConnectionTrait>(
    db: &C,
    code: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> ServiceResult<(coupon::Model, Discount)> {
    let bad = |message: &str| ServiceError::InvalidField { field: "coupon", message: message.to_owned() };
    let code = code.trim().to_uppercase();
    let c = coupon::Entity::find()
        .filter(coupon::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .filter(|c| c.active)
        .ok_or_else(|| bad("is not a coupon we know"))?;
    if c.starts_at.is_some_and(|t| now < t) || c.ends_at.is_some_and(|t| now >= t) {
        return Err(bad("is not valid at this time"));
    }
    if c.max_uses.is_some_and(|max| c.used_count >= max) {
        return Err(bad("has been used up"));
    }
    // An amount off, or a minimum spend, is in the coupon's currency.
    let in_money = c.kind == "fixed" || c.min_spend_minor > 0;
    if in_money && c.currency.as_deref().is_some_and(|cur| cur != currency) {
        return Err(bad("is for another currency"));
    }
    let d = Discount { kind: c.kind.clone(), value: c.value, min_spend_minor: c.min_spend_minor };
    Ok((c, d))
}

/// One vendor's part priced: its options and the chosen method.
pub(crate) fn vendor_quote(
    vendor: String,
    vendor_name: String,
    subtotal: i64,
    grams: i64,
    options: Vec<ShippingOption>,
    chosen: usize,
) -> VendorQuote {
    let method = &options[chosen];
    VendorQuote {
        vendor,
        vendor_name,
        subtotal_minor: subtotal,
        weight_grams: grams,
        shipping_method: method.code.clone(),
        shipping_minor: method.price_minor,
        shipping_options: options,
    }
}

/// One priced line as the quote needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PricedLine {
    pub vendor_id: i64,
    pub total_minor: i64,
    pub grams: i64,
}

/// The vendors of `lines`, each once, in the order they first appear.
pub(crate) fn vendors_in_order(lines: &[PricedLine]) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for l in lines {
        if !ids.contains(&l.vendor_id) {
            ids.push(l.vendor_id);
        }
    }
    ids
}

/// What an order of `lines` costs to `country`: shipping per vendor (the
/// chosen method or the cheapest), the coupon, tax. Also answers the
/// coupon's row, for the caller to redeem.
///
/// # Errors
/// `InvalidField` (`shipping`, `coupon`) as [`choose`], [`discount`] and
/// [`coupon_for`] say.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn quote<C: ConnectionTrait>(
    db: &C,
    lines: &[PricedLine],
    vendors: &std::collections::HashMap<i64, crate::model::vendor::Model>,
    currency: &str,
    country: &str,
    shipping: &std::collections::BTreeMap<String, String>,
    coupon_code: Option<&str>,
    tax_included: bool,
    now: DateTime<Utc>,
) -> ServiceResult<(crate::ordering::Quote, Option<coupon::Model>)> {
    let code: Currency = currency.parse()?;
    let money = |minor| Money::from_minor(minor, code);
    let vendor_ids = vendors_in_order(lines);
    let mut parts = Vec::with_capacity(vendor_ids.len());
    for id in vendor_ids {
        let (slug, name) = vendors.get(&id).map(|v| (v.slug.clone(), v.name.clone())).unwrap_or_default();
        let subtotal = Money::sum(code, lines.iter().filter(|l| l.vendor_id == id).map(|l| money(l.total_minor)))?;
        let grams: i64 = lines.iter().filter(|l| l.vendor_id == id).map(|l| l.grams).sum();
        let methods = methods_for(db, id, currency, country).await?;
        let (options, chosen) = choose(&methods, subtotal, grams, shipping.get(&slug).map(String::as_str))?;
        parts.push(vendor_quote(slug, name, subtotal.minor(), grams, options, chosen));
    }
    let subtotal = Money::sum(code, parts.iter().map(|p| money(p.subtotal_minor)))?;
    let shipping_total = Money::sum(code, parts.iter().map(|p| money(p.shipping_minor)))?;
    let (coupon_row, discount_total) = match coupon_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(coupon) => {
            let (row, d) = coupon_for(db, coupon, currency, now).await?;
            let off = discount(&d, subtotal, shipping_total)?;
            (Some(row), off)
        }
        None => (None, Money::zero(code)),
    };
    let (rate, tax_name) = rate_for(db, country).await?;
    let taxable = subtotal.checked_add(shipping_total)?.checked_sub(discount_total)?;
    let (tax_amount, total) = tax(taxable, rate, tax_included)?;
    Ok((
        crate::ordering::Quote {
            currency: currency.to_owned(),
            vendors: parts,
            subtotal_minor: subtotal.minor(),
            shipping_minor: shipping_total.minor(),
            discount_minor: discount_total.minor(),
            coupon: coupon_row.as_ref().map(|c| c.code.clone()),
            tax_minor: tax_amount.minor(),
            tax_rate_bps: rate,
            tax_name,
            tax_included,
            total_minor: total.minor(),
        },
        coupon_row,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    fn method(kind: &str, base: i64, per_kg: i64, free_over: Option<i64>) -> Method {
        Method {
            code: kind.into(),
            name: kind.into(),
            kind: kind.into(),
            base: eur(base),
            per_kg: eur(per_kg),
            free_over: free_over.map(eur),
        }
    }

    #[test]
    fn shipping_is_flat_by_weight_or_free_over_a_threshold() {
        let flat = method("flat", 495, 0, Some(5_000));
        assert_eq!(shipping_price(&flat, eur(4_999), 0), Ok(eur(495)));
        assert_eq!(shipping_price(&flat, eur(5_000), 0), Ok(eur(0)), "free from the threshold on");
        let weight = method("weight", 995, 200, None);
        assert_eq!(shipping_price(&weight, eur(100), 0), Ok(eur(995)));
        assert_eq!(shipping_price(&weight, eur(100), 1), Ok(eur(1_195)), "a started kilogram counts");
        assert_eq!(shipping_price(&weight, eur(100), 2_500), Ok(eur(995 + 3 * 200)));
    }

    #[test]
    fn the_cheapest_method_is_chosen_unless_another_is_asked_for() {
        let methods = [method("weight", 995, 200, None), method("flat", 495, 0, None)];
        let (options, chosen) = choose(&methods, eur(1_000), 500, None).unwrap();
        assert_eq!((options[chosen].code.as_str(), options[chosen].price_minor), ("flat", 495));
        let (options, chosen) = choose(&methods, eur(1_000), 500, Some("weight")).unwrap();
        assert_eq!(options[chosen].code, "weight");
        let Err(ServiceError::InvalidField { field, message }) = choose(&methods, eur(1_000), 500, Some("pigeon"))
        else {
            panic!("an unknown choice is refused")
        };
        assert_eq!(
            (field, message.as_str()),
            ("shipping", "\"pigeon\" is not a way this ships to the address; choose flat or weight")
        );
        assert!(choose(&[], eur(1_000), 0, None).is_err());
    }

    #[test]
    fn coupons_take_a_percentage_an_amount_or_the_shipping() {
        let percent = Discount { kind: "percent".into(), value: 1_000, min_spend_minor: 0 };
        assert_eq!(
            discount(&percent, eur(1_995), eur(495)).unwrap(),
            eur(200),
            "10 % of 19.95 is 2.00 (1.995 rounds up)"
        );
        let fixed = Discount { kind: "fixed".into(), value: 1_500, min_spend_minor: 2_000 };
        assert!(discount(&fixed, eur(1_999), eur(0)).is_err(), "below the minimum spend");
        assert_eq!(discount(&fixed, eur(2_000), eur(0)).unwrap(), eur(1_500));
        let huge = Discount { kind: "fixed".into(), value: 99_999, min_spend_minor: 0 };
        assert_eq!(discount(&huge, eur(1_000), eur(495)).unwrap(), eur(1_000), "never more than the goods");
        let free = Discount { kind: "free_shipping".into(), value: 0, min_spend_minor: 0 };
        assert_eq!(discount(&free, eur(1_000), eur(495)).unwrap(), eur(495));
    }

    #[test]
    fn tax_is_the_part_included_or_an_addition() {
        assert_eq!(tax(eur(12_100), 2_100, true), Ok((eur(2_100), eur(12_100))), "21 % VAT inside 121.00 is 21.00");
        assert_eq!(tax(eur(10_000), 2_100, false), Ok((eur(2_100), eur(12_100))));
        assert_eq!(tax(eur(999), 1_900, true), Ok((eur(160), eur(999))), "159.5 rounds half up");
        assert_eq!(tax(eur(5_000), 0, false), Ok((eur(0), eur(5_000))));
    }
}
