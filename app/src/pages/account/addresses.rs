//! The address book.

use crate::components::forms::{successes, BUTTON, CARD, INPUT};

use crate::api::accounts::addresses::{my_addresses, DeleteAddress, SaveAddress};
use crate::pages::ErrorNotice;
use entities::accounts::{AddressInput, AddressView};
use leptos::{form::ActionForm, prelude::*};

/// `/account/addresses`: the address book.
#[component]
pub fn AddressesPage() -> impl IntoView {
    let save = ServerAction::<SaveAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let (saved, deleted) = (successes(save), successes(delete));
    // Which form was sent last (0: the new address), so only it shows the answer.
    let sent = RwSignal::new(None::<i64>);
    let book = Resource::new(move || (saved.get(), deleted.get()), |_| my_addresses());
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Addresses"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match book.await {
                    Ok(list) => address_book(list, save, delete, sent).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn address_book(
    list: Vec<AddressView>,
    save: ServerAction<SaveAddress>,
    delete: ServerAction<DeleteAddress>,
    sent: RwSignal<Option<i64>>,
) -> impl IntoView {
    let empty = list.is_empty();
    view! {
        <div class="space-y-6">
            {empty.then(|| view! { <p data-testid="no-addresses">"You have no saved addresses yet."</p> })}
            <ul class="grid gap-4 sm:grid-cols-2" data-testid="address-list">
                {list.into_iter().map(|a| {
                    let id = a.id;
                    let tags = [(a.address.default_shipping, "Default shipping"), (a.address.default_billing, "Default billing")]
                        .into_iter().filter(|(on, _)| *on).map(|(_, t)| t).collect::<Vec<_>>().join(" · ");
                    view! {
                        <li class=CARD data-testid="address">
                            <p class="font-semibold">{a.address.name.clone()}</p>
                            <p>{a.address.line1.clone()}</p>
                            <p>{a.address.line2.clone()}</p>
                            <p>{format!("{} {}", a.address.postal_code, a.address.city)}</p>
                            <p>{a.address.country.clone()}</p>
                            <p class="text-sm text-stone-700">{tags}</p>
                            <details class="mt-2">
                                <summary class="cursor-pointer underline">"Edit"</summary>
                                {address_form(Some(id), a.address.clone(), save, sent)}
                            </details>
                            <ActionForm action=delete attr:class="mt-2">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="text-sm text-red-800 underline">"Delete"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <section class=CARD aria-labelledby="new-address-heading">
                <h2 id="new-address-heading" class="mb-3 text-lg font-semibold">"Add an address"</h2>
                {address_form(None, AddressInput::default(), save, sent)}
            </section>
        </div>
    }
}

fn address_form(
    id: Option<i64>,
    a: AddressInput,
    save: ServerAction<SaveAddress>,
    sent: RwSignal<Option<i64>>,
) -> impl IntoView {
    let value = save.value();
    let this = id.unwrap_or(0);
    // Field messages belong to the form that was sent.
    let mine = move || value.get().is_some() && sent.get() == Some(this);
    let message = move |name: &'static str| {
        Signal::derive(move || {
            if !mine() {
                return None;
            }
            value.get().and_then(Result::err).and_then(|e| e.field(name))
        })
    };
    let key = id.map_or_else(|| "new".to_owned(), |i| i.to_string());
    let input = move |name: &'static str, label: &'static str, auto: &'static str, current: String| {
        let field_id = format!("{name}-{key}");
        let error_id = format!("{field_id}-error");
        let msg = message(match name {
            "phone" => "address.phone",
            "name" => "address.name",
            "line1" => "address.line1",
            "line2" => "address.line2",
            "postal_code" => "address.postal_code",
            "city" => "address.city",
            _ => "address.country",
        });
        view! {
            <div>
                <label for=field_id.clone() class="block font-medium">{label}</label>
                <input id=field_id name=name type="text" autocomplete=auto value=current class=INPUT
                    required=!matches!(name, "line2" | "phone")
                    aria-invalid=move || msg.get().is_some().then_some("true")
                    aria-describedby=error_id.clone()/>
                <p id=error_id class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || msg.get()}</p>
            </div>
        }
    };
    let ship_id = format!("default_shipping-{}", id.unwrap_or_default());
    let bill_id = format!("default_billing-{}", id.unwrap_or_default());
    view! {
        <ActionForm action=save attr:class="mt-2 space-y-3" attr:data-testid="address-form" on:submit=move |_| sent.set(Some(this))>
            {move || (mine() && matches!(value.get(), Some(Ok(_)))).then(|| view! { <p role="status" class="text-green-900">"Saved."</p> })}
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            {input("name", "Full name", "name", a.name)}
            {input("line1", "Street and number", "address-line1", a.line1)}
            {input("line2", "Flat, floor, company (optional)", "address-line2", a.line2)}
            {input("postal_code", "Postal code", "postal-code", a.postal_code)}
            {input("city", "City", "address-level2", a.city)}
            {input("country", "Country code (NL, DE, US…)", "country", a.country)}
            {input("phone", "Phone (optional)", "tel", a.phone)}
            <div class="flex items-center gap-2">
                <input id=ship_id.clone() name="default_shipping" type="checkbox" checked=a.default_shipping/>
                <label for=ship_id>"Default shipping address"</label>
            </div>
            <div class="flex items-center gap-2">
                <input id=bill_id.clone() name="default_billing" type="checkbox" checked=a.default_billing/>
                <label for=bill_id>"Default billing address"</label>
            </div>
            <button type="submit" class=BUTTON>"Save the address"</button>
        </ActionForm>
    }
}
