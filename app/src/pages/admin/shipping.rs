//! `/admin/shipping`: the ways to ship (the shop's own and vendors' own;
//! vendor staff see and keep their vendor's) with "Delete", a form to make
//! one, and — for admins — the tax rate of each destination.

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::ordering::shipping::{
    admin_shipping_methods, admin_tax_rates, AdminDeleteShippingMethod, AdminDeleteTaxRate, AdminMakeShippingMethod,
    AdminSetTaxRate,
};
use crate::components::forms::successes;
use crate::components::lists::StaffTable;
use crate::components::money;
use entities::ordering::ShippingMethodView;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// How a method is priced, in words.
fn pricing(m: &ShippingMethodView) -> String {
    let mut text = money(m.base_minor, &m.currency);
    if m.kind == "weight" {
        text.push_str(&format!(" + {} per kg", money(m.per_kg_minor, &m.currency)));
    }
    if let Some(free) = m.free_over_minor {
        text.push_str(&format!("; free from {}", money(free, &m.currency)));
    }
    text
}

/// The shipping and tax page.
#[component]
pub fn ShippingPage() -> impl IntoView {
    let make = ServerAction::<AdminMakeShippingMethod>::new();
    let remove = ServerAction::<AdminDeleteShippingMethod>::new();
    let set_rate = ServerAction::<AdminSetTaxRate>::new();
    let remove_rate = ServerAction::<AdminDeleteTaxRate>::new();
    let (made_n, removed_n) = (successes(make), successes(remove));
    let (set_n, unset_n) = (successes(set_rate), successes(remove_rate));
    let methods = Resource::new(move || (made_n.get(), removed_n.get()), |_| admin_shipping_methods());
    let rates = Resource::new(move || (set_n.get(), unset_n.get()), |_| admin_tax_rates());
    let method_error = move |fields: &'static [&'static str]| {
        Signal::derive(move || {
            make.value().get().and_then(Result::err).and_then(|e| fields.iter().find_map(|f| e.field(f)))
        })
    };
    let rate_error = move |fields: &'static [&'static str]| {
        Signal::derive(move || {
            set_rate.value().get().and_then(Result::err).and_then(|e| fields.iter().find_map(|f| e.field(f)))
        })
    };
    let input = move |id: &'static str,
                      name: &'static str,
                      label: &'static str,
                      placeholder: &'static str,
                      message: Signal<Option<String>>| {
        let error_id = format!("{id}-error");
        view! {
            <div>
                <label class="block text-sm font-medium" for=id>{label}</label>
                <input id=id name=name class=INPUT placeholder=placeholder aria-describedby=error_id.clone()/>
                <FieldError id=error_id message=message/>
            </div>
        }
    };
    let method_form = view! {
        <ActionForm action=make attr:class="mb-6 grid max-w-4xl gap-3 rounded border border-stone-300 bg-white p-3 md:grid-cols-3" attr:data-testid="method-form">
            {input("sm-code", "code", "Code", "pickup", method_error(&["code"]))}
            {input("sm-name", "name", "Name (what shoppers read)", "Pick up in the shop", method_error(&["name"]))}
            <div>
                <label class="block text-sm font-medium" for="sm-kind">"Priced"</label>
                <select id="sm-kind" name="kind" class=INPUT aria-describedby="sm-kind-error">
                    <option value="flat">"Flat"</option>
                    <option value="weight">"By weight"</option>
                </select>
                <FieldError id="sm-kind-error" message=method_error(&["kind"])/>
            </div>
            {input("sm-base", "base", "Price (base)", "4.95", method_error(&["base", "base_minor"]))}
            {input("sm-kg", "per_kg", "Per started kg (by weight)", "2.00", method_error(&["per_kg", "per_kg_minor"]))}
            {input("sm-free", "free_over", "Free from (empty: never)", "50.00", method_error(&["free_over", "free_over_minor"]))}
            <div>
                <label class="block text-sm font-medium" for="sm-currency">"Currency"</label>
                <input id="sm-currency" name="currency" class=INPUT value="EUR" aria-describedby="sm-currency-error"/>
                <FieldError id="sm-currency-error" message=method_error(&["currency"])/>
            </div>
            {input("sm-countries", "countries", "Countries (NL, BE; empty: everywhere)", "NL, BE", method_error(&["countries"]))}
            {input("sm-vendor", "vendor", "Vendor (slug; empty: the shop's own)", "", method_error(&["vendor"]))}
            <div class="flex items-end"><button type="submit" class=BUTTON data-testid="make-method">"Add method"</button></div>
        </ActionForm>
    };
    view! {
        <Title text="Shipping and tax · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Shipping and tax"</h1>
        {super::outcome(Signal::derive(move || make.value().get()), |m| format!("Method {} added.", m.code))}
        {super::outcome(Signal::derive(move || remove.value().get()), |_| "Method deleted.".to_owned())}
        <h2 class="mb-2 text-lg font-semibold">"Ways to ship"</h2>
        <p class="mb-3 max-w-3xl text-sm text-stone-700">
            "A vendor with methods of its own ships only by them; the others use the shop's. Each part of an order is priced by its vendor's methods in the order's currency that ship to the address; the shopper picks one, the cheapest otherwise."
        </p>
        {method_form}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(list) if list.is_empty() => view! { <p>"No ways to ship yet: nothing can be ordered."</p> }.into_any(),
                    Ok(list) => view! {
                        <StaffTable caption="Shipping methods" class="mb-8">
                                <thead class="bg-stone-100"><tr>
                                    <th class="p-2">"Whose"</th><th class="p-2">"Code"</th><th class="p-2">"Name"</th>
                                    <th class="p-2">"Price"</th><th class="p-2">"To"</th><th class="p-2"></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr class="border-t border-stone-200" data-testid="method-row">
                                            <td class="p-2">{m.vendor.clone().unwrap_or_else(|| "the shop".to_owned())}</td>
                                            <td class="p-2 font-mono">{m.code.clone()}</td>
                                            <td class="p-2">{m.name.clone()}</td>
                                            <td class="p-2">{pricing(&m)}</td>
                                            <td class="p-2">{if m.countries.is_empty() { "everywhere".to_owned() } else { m.countries.join(", ") }}</td>
                                            <td class="p-2">
                                                <ActionForm action=remove>
                                                    <input type="hidden" name="id" value=m.id/>
                                                    <button type="submit" class=BUTTON_QUIET aria-label=format!("Delete {}", m.code)>"Delete"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                        </StaffTable>
                    }.into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rates.await {
                    // Vendor staff get none: tax is the shop's.
                    Ok(list) if list.is_empty() => ().into_any(),
                    Ok(list) => view! {
                        <h2 class="mb-2 text-lg font-semibold">"Tax by destination"</h2>
                        {super::outcome(Signal::derive(move || set_rate.value().get()), |r| format!("{}: {}% set.", r.country, f64::from(r.rate_bps) / 100.0))}
                        <ActionForm action=set_rate attr:class="mb-4 grid max-w-3xl gap-3 rounded border border-stone-300 bg-white p-3 md:grid-cols-4" attr:data-testid="rate-form">
                            {input("tr-country", "country", "Country", "NL", rate_error(&["country"]))}
                            {input("tr-percent", "percent", "Rate (%)", "21", rate_error(&["percent", "rate_bps"]))}
                            {input("tr-name", "name", "Called", "Dutch VAT", rate_error(&["name"]))}
                            <div class="flex items-end"><button type="submit" class=BUTTON data-testid="set-rate">"Set rate"</button></div>
                        </ActionForm>
                        <StaffTable caption="Tax rates">
                                <thead class="bg-stone-100"><tr><th class="p-2">"Country"</th><th class="p-2 text-right">"Rate"</th><th class="p-2">"Called"</th><th class="p-2"></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|r| view! {
                                        <tr class="border-t border-stone-200" data-testid="rate-row">
                                            <td class="p-2">{r.country.clone()}</td>
                                            <td class="p-2 text-right tabular-nums">{format!("{}%", f64::from(r.rate_bps) / 100.0)}</td>
                                            <td class="p-2">{r.name.clone()}</td>
                                            <td class="p-2">
                                                <ActionForm action=remove_rate>
                                                    <input type="hidden" name="country" value=r.country.clone()/>
                                                    <button type="submit" class=BUTTON_QUIET aria-label=format!("Remove the rate of {}", r.country)>"Remove"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
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
