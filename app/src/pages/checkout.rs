//! `/checkout`: where the order goes and who to tell, then "Place order".
//! Each bad field gets its message beside it; what was typed stays. The
//! form carries a fresh idempotency key, so sending it twice places one
//! order. Works without JavaScript as a plain form.

use super::ErrorNotice;
use crate::api::cart::get_cart;
use crate::api::checkout::{new_checkout_key, PlaceOrder};
use crate::components::money;
use crate::error::AppError;
use entities::checkout::CartView;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The checkout page.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let cart = Resource::new(|| (), |_| get_cart());
    let key = Resource::new(|| (), |_| new_checkout_key());
    let place = ServerAction::<PlaceOrder>::new();
    view! {
        <Title text="Checkout"/>
        <h1 class="mb-4 text-2xl font-bold">"Checkout"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (cart.await, key.await) {
                    (Ok(cart), Ok(key)) => checkout_view(cart, key, place),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn checkout_view(cart: CartView, key: String, place: ServerAction<PlaceOrder>) -> AnyView {
    if cart.lines.is_empty() {
        return view! {
            <p data-testid="checkout-empty">"Your cart is empty. " <a class="underline" href="/">"Find something you like"</a> "."</p>
        }
        .into_any();
    }
    let error = move || place.value().get().and_then(Result::err);
    let banner = move || {
        error().filter(|e| !matches!(e, AppError::Fields(_))).map(|e| {
            view! { <p role="alert" class="mb-3 rounded bg-red-50 px-3 py-2 text-red-800" data-testid="checkout-error">{e.to_string()}</p> }
        })
    };
    let field = move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let input = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      autocomplete: &'static str,
                      required: bool| {
        let message = field(match id {
            "email" => "email",
            "name" => "shipping_address.name",
            "line1" => "shipping_address.line1",
            "line2" => "shipping_address.line2",
            "postal_code" => "shipping_address.postal_code",
            "city" => "shipping_address.city",
            "coupon" => "coupon",
            _ => "shipping_address.country",
        });
        let error_id = format!("{id}-error");
        view! {
            <div>
                <label for=id class="block font-medium">{label}</label>
                <input id=id name=id type=kind autocomplete=autocomplete required=required
                    class="mt-1 w-full rounded border border-stone-400 px-3 py-2"
                    aria-invalid=move || message.get().is_some().then_some("true")
                    aria-describedby=error_id.clone()/>
                <p id=error_id class="mt-1 text-sm text-red-700" aria-live="polite" data-testid="field-error">{move || message.get()}</p>
            </div>
        }
    };
    let total = money(cart.subtotal_minor, &cart.currency);
    view! {
        <div class="grid gap-6 md:grid-cols-[1fr_18rem]">
            <ActionForm action=place attr:class="space-y-3" attr:data-testid="checkout-form">
                {banner}
                <input type="hidden" name="idempotency_key" value=key/>
                <fieldset class="space-y-3">
                    <legend class="text-lg font-semibold">"Contact"</legend>
                    {input("email", "Email", "email", "email", true)}
                </fieldset>
                <fieldset class="space-y-3">
                    <legend class="text-lg font-semibold">"Shipping address"</legend>
                    {input("name", "Full name", "text", "name", true)}
                    {input("line1", "Street and number", "text", "address-line1", true)}
                    {input("line2", "Flat, floor, company (optional)", "text", "address-line2", false)}
                    {input("postal_code", "Postal code", "text", "postal-code", true)}
                    {input("city", "City", "text", "address-level2", true)}
                    {input("country", "Country code (NL, DE, US…)", "text", "country", true)}
                </fieldset>
                <fieldset class="space-y-3">
                    <legend class="text-lg font-semibold">"Coupon"</legend>
                    {input("coupon", "Coupon code (optional)", "text", "off", false)}
                </fieldset>
                <p class="text-sm text-stone-700">"Shipping goes the cheapest way each vendor offers; it, any discount and tax are added up on the next page."</p>
                <button type="submit" class="rounded bg-amber-700 px-4 py-2 font-medium text-white" data-testid="place-order"
                    disabled=move || place.pending().get()>"Place order"</button>
                <p class="text-sm text-stone-700">"Your items are held for 15 minutes while you pay."</p>
            </ActionForm>
            <aside aria-label="Order summary" class="rounded border border-stone-200 bg-white p-4">
                <h2 class="mb-2 font-semibold">"Summary"</h2>
                <ul class="space-y-1 text-sm">
                    {cart.lines.into_iter().map(|l| view! {
                        <li class="flex justify-between gap-2"><span>{format!("{} × {}", l.quantity, l.title)}</span>
                            <span class="tabular-nums">{money(l.line_total_minor, &l.currency)}</span></li>
                    }).collect_view()}
                </ul>
                <p class="mt-3 flex justify-between border-t border-stone-200 pt-2 font-semibold">
                    <span>"Subtotal"</span><span data-testid="checkout-total">{total}</span>
                </p>
            </aside>
        </div>
    }
    .into_any()
}
