//! `/checkout` in three steps: 1. who and where (email, shipping address,
//! a billing address when it differs), 2. delivery (each vendor's ways to
//! ship to that address, with prices), 3. review (coupon, every amount,
//! "Place order"). Each step is checked on the server before the next
//! opens; a bad field gets its message beside it and what was typed stays.
//!
//! All steps are one form carrying a fresh idempotency key, so sending it
//! twice places one order. Without JavaScript the steps show at once and
//! the form posts as it is (shipping then goes the cheapest way).

use crate::api::ordering::cart::get_cart;
use crate::api::ordering::checkout::{new_checkout_key, CheckoutQuote, PlaceOrder};
use crate::components::money;
use crate::error::AppError;
use crate::pages::ErrorNotice;
use entities::kernel::Address;
use entities::ordering::{CartView, CheckoutDetails, Quote};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use std::collections::BTreeMap;

/// The checkout page.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let cart = Resource::new(|| (), |_| get_cart());
    let key = Resource::new(|| (), |_| new_checkout_key());
    view! {
        <Title text="Checkout"/>
        <h1 class="mb-4 text-2xl font-bold">"Checkout"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (cart.await, key.await) {
                    (Ok(cart), Ok(key)) => checkout_view(cart, key),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An address's inputs as typed.
#[derive(Clone, Copy)]
struct AddressDraft {
    name: RwSignal<String>,
    line1: RwSignal<String>,
    line2: RwSignal<String>,
    postal_code: RwSignal<String>,
    city: RwSignal<String>,
    country: RwSignal<String>,
}

impl AddressDraft {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            line1: RwSignal::new(String::new()),
            line2: RwSignal::new(String::new()),
            postal_code: RwSignal::new(String::new()),
            city: RwSignal::new(String::new()),
            country: RwSignal::new(String::new()),
        }
    }

    fn get(&self) -> Address {
        Address {
            name: self.name.get(),
            line1: self.line1.get(),
            line2: self.line2.get(),
            postal_code: self.postal_code.get(),
            city: self.city.get(),
            country: self.country.get(),
        }
    }
}

/// Everything typed and chosen so far.
#[derive(Clone, Copy)]
struct Draft {
    email: RwSignal<String>,
    shipping_address: AddressDraft,
    separate_billing: RwSignal<bool>,
    billing_address: AddressDraft,
    shipping: RwSignal<BTreeMap<String, String>>,
    coupon: RwSignal<String>,
}

impl Draft {
    fn details(&self) -> CheckoutDetails {
        CheckoutDetails {
            email: self.email.get(),
            shipping_address: self.shipping_address.get(),
            separate_billing: self.separate_billing.get(),
            billing_address: self.billing_address.get(),
            shipping: self.shipping.get(),
            coupon: self.coupon.get(),
        }
    }
}

/// The fields the form shows; an error on any other is listed on top.
const SHOWN_FIELDS: [&str; 14] = [
    "email",
    "shipping_address.name",
    "shipping_address.line1",
    "shipping_address.line2",
    "shipping_address.postal_code",
    "shipping_address.city",
    "shipping_address.country",
    "billing_address.name",
    "billing_address.line1",
    "billing_address.line2",
    "billing_address.postal_code",
    "billing_address.city",
    "billing_address.country",
    "coupon",
];

const INPUT: &str = "mt-1 w-full rounded border border-stone-400 px-3 py-2";
const BUTTON: &str = "rounded bg-amber-700 px-4 py-2 font-medium text-white disabled:opacity-60";
const BUTTON_QUIET: &str = "rounded border border-stone-400 px-3 py-2 font-medium";

fn checkout_view(cart: CartView, key: String) -> AnyView {
    if cart.lines.is_empty() {
        return view! {
            <p data-testid="checkout-empty">"Your cart is empty. " <a class="underline" href="/">"Find something you like"</a> "."</p>
        }
        .into_any();
    }
    let place = ServerAction::<PlaceOrder>::new();
    let ask = ServerAction::<CheckoutQuote>::new();
    let draft = Draft {
        email: RwSignal::new(String::new()),
        shipping_address: AddressDraft::new(),
        separate_billing: RwSignal::new(false),
        billing_address: AddressDraft::new(),
        shipping: RwSignal::new(BTreeMap::new()),
        coupon: RwSignal::new(String::new()),
    };
    // Step 1, 2 or 3; before hydration every step shows (the form works
    // without JavaScript).
    let step = RwSignal::new(1u8);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let quote = RwSignal::new(None::<Quote>);
    // The step to open once the quote asked for comes back without errors.
    let next = RwSignal::new(None::<u8>);
    // The latest answer's error, whichever action gave it.
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        if let Some(answer) = place.value().get() {
            error.set(answer.err());
        }
    });
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(q)) => {
            error.set(None);
            quote.set(Some(q));
            if let Some(n) = next.get_untracked() {
                next.set(None);
                step.set(n);
            }
        }
        Some(Err(e)) => {
            // The coupon's box is on the review: show its error there.
            if e.field("coupon").is_some() {
                step.set(3);
            }
            error.set(Some(e));
            next.set(None);
        }
        None => {}
    });
    let requote = move |then: Option<u8>| {
        next.set(then);
        ask.dispatch(CheckoutQuote { details: draft.details() });
    };
    let shows = move |n: u8| Signal::derive(move || !hydrated.get() || step.get() == n);
    let field = move |name: String| Signal::derive(move || error.get().and_then(|e| e.field(&name)));
    let banner = move || {
        error.get().and_then(|e| match e {
            AppError::Fields(fields) => {
                let other: Vec<String> = fields
                    .iter()
                    .filter(|(f, _)| !SHOWN_FIELDS.contains(&f.as_str()))
                    .map(|(f, m)| if f == "shipping" { m.clone() } else { format!("{f} {m}") })
                    .collect();
                (!other.is_empty()).then(|| other.join("; "))
            }
            other => Some(other.to_string()),
        })
        .map(|text| {
            view! { <p role="alert" class="mb-3 rounded bg-red-50 px-3 py-2 text-red-800" data-testid="checkout-error">{text}</p> }
        })
    };
    let busy = move || ask.pending().get() || place.pending().get();
    let lines = cart.lines.clone();
    let subtotal = money(cart.subtotal_minor, &cart.currency);
    view! {
        <div class="grid gap-6 md:grid-cols-[1fr_20rem]">
            // The server checks every field (and names it); the browser's own
            // checks could block a hidden step's input without saying so.
            <ActionForm action=place attr:class="space-y-4" attr:data-testid="checkout-form" attr:novalidate=true>
                {banner}
                <input type="hidden" name="idempotency_key" value=key/>
                <ol class="flex gap-4 text-sm" aria-label="Checkout steps" data-testid="checkout-steps">
                    {[(1u8, "Address"), (2, "Delivery"), (3, "Review")].into_iter().map(|(n, label)| view! {
                        <li aria-current=move || (hydrated.get() && step.get() == n).then_some("step")
                            class=move || if step.get() == n { "font-semibold underline" } else { "text-stone-700" }>
                            {format!("{n}. {label}")}
                        </li>
                    }).collect_view()}
                </ol>
                <section class="space-y-3" hidden=move || !shows(1).get() data-testid="step-address">
                    <h2 class="text-lg font-semibold">"1. Contact and address"</h2>
                    {text_field("email".into(), "Email", "email", "email".into(), draft.email, field("email".into()), "details[email]".into())}
                    {address_fields("ship", "shipping_address", draft.shipping_address, field)}
                    <div class="flex items-center gap-2">
                        <input id="separate-billing" type="checkbox" name="details[separate_billing]" value="true"
                            prop:checked=move || draft.separate_billing.get()
                            on:change:target=move |ev| draft.separate_billing.set(ev.target().checked())/>
                        <label for="separate-billing">"Bill to a different address"</label>
                    </div>
                    <fieldset class="space-y-3" hidden=move || hydrated.get() && !draft.separate_billing.get()
                        data-testid="billing-address">
                        <legend class="font-semibold">"Billing address"</legend>
                        {address_fields("bill", "billing_address", draft.billing_address, field)}
                    </fieldset>
                    <button type="button" class=BUTTON data-testid="to-delivery" hidden=move || !hydrated.get()
                        disabled=busy on:click=move |_| {
                            // The address may have changed: its ways to ship are offered afresh.
                            draft.shipping.set(BTreeMap::new());
                            requote(Some(2));
                        }>"Continue to delivery"</button>
                </section>
                <section class="space-y-3" hidden=move || !shows(2).get() data-testid="step-delivery">
                    <h2 class="text-lg font-semibold">"2. Delivery"</h2>
                    {move || match quote.get() {
                        Some(q) => delivery_choices(&q, draft.shipping, requote),
                        None => view! {
                            <p class="text-sm text-stone-700">"Each vendor ships its part the cheapest way it offers to your address."</p>
                        }.into_any(),
                    }}
                    <div class="flex gap-2" hidden=move || !hydrated.get()>
                        <button type="button" class=BUTTON_QUIET on:click=move |_| {
                            next.set(None);
                            step.set(1);
                        }>"Back"</button>
                        <button type="button" class=BUTTON data-testid="to-review" disabled=busy
                            on:click=move |_| requote(Some(3))>"Continue to review"</button>
                    </div>
                </section>
                <section class="space-y-3" hidden=move || !shows(3).get() data-testid="step-review">
                    <h2 class="text-lg font-semibold">"3. Review and place the order"</h2>
                    {move || (hydrated.get() && quote.get().is_some()).then(|| review_summary(draft, step, next))}
                    <div class="flex items-end gap-2">
                        <div class="grow">
                            {text_field("coupon".into(), "Coupon code (optional)", "text", "off".into(), draft.coupon, field("coupon".into()), "details[coupon]".into())}
                        </div>
                        <button type="button" class=BUTTON_QUIET data-testid="apply-coupon" hidden=move || !hydrated.get()
                            disabled=busy on:click=move |_| requote(None)>"Apply"</button>
                    </div>
                    // Only the review places the order (Enter in an earlier
                    // step's field must not).
                    <button type="submit" class=BUTTON data-testid="place-order"
                        disabled=move || busy() || (hydrated.get() && step.get() != 3)>"Place order"</button>
                    <p class="text-sm text-stone-700">"Your items are held for 15 minutes while you pay."</p>
                </section>
            </ActionForm>
            <aside aria-label="Order summary" class="h-fit rounded border border-stone-200 bg-white p-4">
                <h2 class="mb-2 font-semibold">"Summary"</h2>
                <ul class="space-y-1 text-sm">
                    {lines.into_iter().map(|l| view! {
                        <li class="flex justify-between gap-2"><span>{format!("{} × {}", l.quantity, l.title)}</span>
                            <span class="tabular-nums">{money(l.line_total_minor, &l.currency)}</span></li>
                    }).collect_view()}
                </ul>
                <dl class="mt-3 space-y-1 border-t border-stone-200 pt-2 text-sm">
                    <div class="flex justify-between"><dt>"Subtotal"</dt><dd class="tabular-nums" data-testid="checkout-subtotal">{subtotal}</dd></div>
                    {move || quote.get().map(totals)}
                </dl>
            </aside>
        </div>
    }
    .into_any()
}

/// One text input with its label and its error beside it.
fn text_field(
    id: String,
    label: &'static str,
    kind: &'static str,
    autocomplete: String,
    value: RwSignal<String>,
    message: Signal<Option<String>>,
    name: String,
) -> AnyView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label for=id.clone() class="block font-medium">{label}</label>
            <input id=id name=name type=kind autocomplete=autocomplete class=INPUT
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=error_id.clone()
                prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/>
            <p id=error_id class="mt-1 text-sm text-red-700" aria-live="polite" data-testid="field-error">{move || message.get()}</p>
        </div>
    }
    .into_any()
}

/// An address's inputs: ids `<prefix>-name`…, form names
/// `details[<which>][name]`…, errors from `<which>.name`….
fn address_fields(
    prefix: &'static str,
    which: &'static str,
    a: AddressDraft,
    field: impl Fn(String) -> Signal<Option<String>> + Copy + 'static,
) -> AnyView {
    let parts: [(&'static str, &'static str, &'static str, RwSignal<String>); 6] = [
        ("name", "Full name", "name", a.name),
        ("line1", "Street and number", "address-line1", a.line1),
        ("line2", "Flat, floor, company (optional)", "address-line2", a.line2),
        ("postal_code", "Postal code", "postal-code", a.postal_code),
        ("city", "City", "address-level2", a.city),
        ("country", "Country code (NL, DE, US…)", "country", a.country),
    ];
    parts
        .into_iter()
        .map(|(part, label, autocomplete, value)| {
            // Billing inputs autocomplete from the browser's billing address.
            let autocomplete =
                if prefix == "bill" { format!("billing {autocomplete}") } else { autocomplete.to_owned() };
            let message = field(format!("{which}.{part}"));
            text_field(
                format!("{prefix}-{part}"),
                label,
                "text",
                autocomplete,
                value,
                message,
                format!("details[{which}][{part}]"),
            )
        })
        .collect_view()
        .into_any()
}

/// Each vendor's ways to ship, as radio buttons; a change asks again.
fn delivery_choices(
    q: &Quote,
    shipping: RwSignal<BTreeMap<String, String>>,
    requote: impl Fn(Option<u8>) + Copy + Send + Sync + 'static,
) -> AnyView {
    let currency = q.currency.clone();
    q.vendors
        .iter()
        .map(|v| {
            let vendor = v.vendor.clone();
            let chosen = v.shipping_method.clone();
            let options = v
                .shipping_options
                .iter()
                .map(|o| {
                    let id = format!("ship-{}-{}", vendor, o.code);
                    let (vendor, code) = (vendor.clone(), o.code.clone());
                    let checked = chosen == o.code;
                    let price = if o.price_minor == 0 { "free".to_owned() } else { money(o.price_minor, &currency) };
                    view! {
                        <div class="flex items-center gap-2">
                            <input type="radio" id=id.clone() name=format!("details[shipping][{vendor}]") value=code.clone()
                                checked=checked data-testid="shipping-option"
                                on:change=move |_| {
                                    shipping.update(|s| { s.insert(vendor.clone(), code.clone()); });
                                    requote(None);
                                }/>
                            <label for=id>{format!("{} — {price}", o.name)}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="rounded border border-stone-200 p-3" data-testid="vendor-shipping">
                    <legend class="px-1 font-semibold">{format!("From {}", v.vendor_name)}</legend>
                    {options}
                </fieldset>
            }
        })
        .collect_view()
        .into_any()
}

/// Where it goes and how, with links back to the steps that set them.
fn review_summary(draft: Draft, step: RwSignal<u8>, next: RwSignal<Option<u8>>) -> AnyView {
    let place = draft.shipping_address.get().lines().join(", ");
    view! {
        <div class="rounded border border-stone-200 p-3 text-sm" data-testid="review-address">
            <p>{draft.email.get()}</p>
            <p>{place}</p>
            <div class="mt-2 flex gap-3">
                <button type="button" class="underline" on:click=move |_| {
                    next.set(None);
                    step.set(1);
                }>"Change address"</button>
                <button type="button" class="underline" on:click=move |_| {
                    next.set(None);
                    step.set(2);
                }>"Change delivery"</button>
            </div>
        </div>
    }
    .into_any()
}

/// The quote's amounts under the subtotal.
fn totals(q: Quote) -> AnyView {
    let c = q.currency.clone();
    let tax_label = if q.tax_included {
        format!("{} included", if q.tax_name.is_empty() { "Tax" } else { q.tax_name.as_str() })
    } else if q.tax_name.is_empty() {
        "Tax".to_owned()
    } else {
        q.tax_name.clone()
    };
    view! {
        <div class="flex justify-between"><dt>"Shipping"</dt><dd class="tabular-nums" data-testid="checkout-shipping">{money(q.shipping_minor, &c)}</dd></div>
        {(q.discount_minor > 0).then(|| view! {
            <div class="flex justify-between"><dt>{format!("Discount ({})", q.coupon.clone().unwrap_or_default())}</dt>
                <dd class="tabular-nums" data-testid="checkout-discount">{format!("−{}", money(q.discount_minor, &c))}</dd></div>
        })}
        <div class="flex justify-between"><dt>{tax_label}</dt><dd class="tabular-nums">{money(q.tax_minor, &c)}</dd></div>
        <div class="flex justify-between border-t border-stone-200 pt-1 font-semibold"><dt>"Total"</dt>
            <dd class="tabular-nums" data-testid="checkout-total">{money(q.total_minor, &c)}</dd></div>
    }
    .into_any()
}
