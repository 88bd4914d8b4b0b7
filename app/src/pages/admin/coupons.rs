//! `/admin/coupons`: make a coupon (percent off, an amount off, or free
//! shipping; a minimum spend and limits), and the coupons with how often
//! they were used, switched off and on.

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::ordering::coupons::{admin_coupons, AdminMakeCoupon, AdminSwitchCoupon};
use crate::components::forms::successes;
use crate::components::lists::StaffTable;
use crate::components::money;
use entities::ordering::CouponView;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// What a coupon takes off, in words.
fn worth(c: &CouponView) -> String {
    match c.kind.as_str() {
        "percent" => format!("{}% off", c.value as f64 / 100.0),
        "fixed" => format!("{} off", money(c.value, c.currency.as_deref().unwrap_or("EUR"))),
        _ => "free shipping".to_owned(),
    }
}

/// The coupons page.
#[component]
pub fn CouponsPage() -> impl IntoView {
    let make = ServerAction::<AdminMakeCoupon>::new();
    let switch = ServerAction::<AdminSwitchCoupon>::new();
    let (made_n, switched_n) = (successes(make), successes(switch));
    let coupons = Resource::new(move || (made_n.get(), switched_n.get()), |_| admin_coupons());
    let error = move |fields: &'static [&'static str]| {
        Signal::derive(move || {
            make.value().get().and_then(Result::err).and_then(|e| fields.iter().find_map(|f| e.field(f)))
        })
    };
    let input = move |id: &'static str,
                      name: &'static str,
                      label: &'static str,
                      placeholder: &'static str,
                      fields: &'static [&'static str]| {
        let error_id = format!("{id}-error");
        view! {
            <div>
                <label class="block text-sm font-medium" for=id>{label}</label>
                <input id=id name=name class=INPUT placeholder=placeholder aria-describedby=error_id.clone()/>
                <FieldError id=error_id message=error(fields)/>
            </div>
        }
    };
    view! {
        <Title text="Coupons · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Coupons"</h1>
        {super::outcome(Signal::derive(move || make.value().get()), |c| format!("Coupon {} made.", c.code))}
        {super::outcome(Signal::derive(move || switch.value().get()), |c| {
            format!("Coupon {} is {}.", c.code, if c.active { "on" } else { "off" })
        })}
        <ActionForm action=make attr:class="mb-6 grid max-w-3xl gap-3 rounded border border-stone-300 bg-white p-3 md:grid-cols-2" attr:data-testid="coupon-form">
            {input("cp-code", "code", "Code (what shoppers type)", "SPRING-15", &["code"])}
            <div>
                <label class="block text-sm font-medium" for="cp-kind">"Kind"</label>
                <select id="cp-kind" name="kind" class=INPUT aria-describedby="cp-kind-error">
                    <option value="percent">"Percent off"</option>
                    <option value="fixed">"Amount off"</option>
                    <option value="free_shipping">"Free shipping"</option>
                </select>
                <FieldError id="cp-kind-error" message=error(&["kind"])/>
            </div>
            {input("cp-amount", "amount", "Percent or amount off (empty for free shipping)", "15", &["amount", "value"])}
            <div>
                <label class="block text-sm font-medium" for="cp-currency">"Currency (of amounts)"</label>
                <input id="cp-currency" name="currency" class=INPUT value="EUR" aria-describedby="cp-currency-error"/>
                <FieldError id="cp-currency-error" message=error(&["currency"])/>
            </div>
            {input("cp-min", "min_spend", "Minimum spend (empty: none)", "50.00", &["min_spend", "min_spend_minor"])}
            {input("cp-max", "max_uses", "Uses in all (empty: no limit)", "100", &["max_uses"])}
            {input("cp-per", "max_uses_per_customer", "Uses per customer (empty: no limit)", "1", &["max_uses_per_customer"])}
            <div class="flex items-end"><button type="submit" class=BUTTON data-testid="make-coupon">"Make coupon"</button></div>
        </ActionForm>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match coupons.await {
                    Ok(list) if list.is_empty() => view! { <p>"No coupons yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <StaffTable caption="Coupons">
                                <thead class="bg-stone-100"><tr>
                                    <th class="p-2">"Code"</th><th class="p-2">"Takes off"</th><th class="p-2 text-right">"From"</th>
                                    <th class="p-2 text-right">"Used"</th><th class="p-2">"Status"</th><th class="p-2"></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let used = match c.max_uses {
                                            Some(max) => format!("{} of {max}", c.used_count),
                                            None => c.used_count.to_string(),
                                        };
                                        let from = if c.min_spend_minor > 0 {
                                            money(c.min_spend_minor, c.currency.as_deref().unwrap_or("EUR"))
                                        } else {
                                            String::new()
                                        };
                                        view! {
                                            <tr class="border-t border-stone-200" data-testid="coupon-row">
                                                <td class="p-2 font-mono">{c.code.clone()}</td>
                                                <td class="p-2">{worth(&c)}</td>
                                                <td class="p-2 text-right tabular-nums">{from}</td>
                                                <td class="p-2 text-right tabular-nums">{used}</td>
                                                <td class="p-2" data-testid="coupon-status">{if c.active { "on" } else { "off" }}</td>
                                                <td class="p-2">
                                                    <ActionForm action=switch>
                                                        <input type="hidden" name="id" value=c.id/>
                                                        <input type="hidden" name="active" value=(!c.active).to_string()/>
                                                        <button type="submit" class=BUTTON_QUIET>{if c.active { "Switch off" } else { "Switch on" }}</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                        </StaffTable>
                    }.into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
