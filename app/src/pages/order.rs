//! `/orders/:id`: an order's confirmation and status — what was bought from
//! whom, the totals, where it goes and its timeline.

use super::ErrorNotice;
use crate::api::checkout::{get_order, payment_options, ChoosePayment, PayWithTestProvider};
use crate::components::money;
use entities::checkout::{OrderView, PaymentOptions};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The order page.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let pay = ServerAction::<PayWithTestProvider>::new();
    let choose = ServerAction::<ChoosePayment>::new();
    let order = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), pay.version().get(), choose.version().get()),
        |(id, _, _)| get_order(id),
    );
    let options = Resource::new(|| (), |_| payment_options());
    let query = leptos_router::hooks::use_query_map();
    let payment_error = Memo::new(move |_| query.read().get("payment_error"));
    // Arriving here from the checkout, the cart was just emptied: the header's
    // badge asks again.
    if let Some(cart) = use_context::<crate::api::cart::CartState>() {
        Effect::new(move |_| cart.summary.refetch());
    }
    view! {
        <Title text="Your order"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await.unwrap_or_default();
                match order.await {
                    Ok(order) => order_view(order, &options, Actions { pay, choose }, payment_error.get_untracked()),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The order page's actions.
#[derive(Clone, Copy)]
struct Actions {
    pay: ServerAction<PayWithTestProvider>,
    choose: ServerAction<ChoosePayment>,
}

fn method_name(provider: &str) -> &'static str {
    match provider {
        "bank_transfer" => "Bank transfer",
        "cash_on_delivery" => "Cash on delivery",
        "stripe" => "Card",
        "test" => "Test payment",
        _ => "Other",
    }
}

pub(crate) fn status_text(status: entities::OrderStatus) -> &'static str {
    use entities::OrderStatus::*;
    match status {
        PendingPayment => "Waiting for payment",
        Paid => "Paid",
        Fulfilling => "Being packed",
        Shipped => "On its way",
        Delivered => "Delivered",
        Cancelled => "Cancelled",
        Refunded => "Refunded",
        PartiallyRefunded => "Partly refunded",
    }
}

/// Stripe's card field, mounted by `/stripe-pay.js` (card data goes from it
/// to Stripe only).
fn stripe_box(order: String, setup: entities::checkout::BrowserSetup) -> impl IntoView {
    view! {
        <div class="rounded border border-stone-300 bg-white p-3" data-testid="stripe-box"
            data-stripe-pay="" data-order=order data-script=setup.script_url data-key=setup.publishable_key>
            <h2 class="font-semibold">"Pay by card"</h2>
            <button type="button" class="rounded bg-stone-900 px-4 py-2 font-medium text-white disabled:opacity-50"
                data-testid="use-card" disabled=true>"Enter card details"</button>
            <div class="my-2 empty:hidden rounded border border-stone-300 p-2" data-testid="card-element"
                role="group" aria-label="Card details"></div>
            <button type="button" class="rounded bg-stone-900 px-4 py-2 font-medium text-white disabled:opacity-50"
                data-testid="pay-card" hidden=true>"Pay now"</button>
            <p role="alert" class="mt-2 text-red-800" data-testid="card-error"></p>
            <p class="text-xs text-stone-700">"Your card details go straight to Stripe; this shop never sees them."</p>
        </div>
    }
}

/// What is owed by bank transfer: the shop's account and the reference.
fn transfer_box(o: &OrderView, options: &PaymentOptions) -> Option<AnyView> {
    let waiting = o.payments.iter().find(|p| p.provider == "bank_transfer" && p.status == "pending")?;
    let method = options.local.iter().find(|m| m.provider == "bank_transfer")?;
    let rows = method
        .instructions
        .iter()
        .cloned()
        .chain([
            ("Amount".to_owned(), money(o.total_minor, &o.currency)),
            ("Reference".to_owned(), waiting.reference.clone()),
        ])
        .map(|(label, value)| view! { <dt class="font-medium">{label}</dt><dd class="font-mono">{value}</dd> })
        .collect_view();
    Some(
        view! {
            <div class="rounded border border-stone-300 bg-white p-3" data-testid="transfer-box">
                <h2 class="font-semibold">"Pay by bank transfer"</h2>
                <p class="text-sm">"Transfer the amount with this reference; the order is confirmed when it arrives."</p>
                <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 text-sm">{rows}</dl>
            </div>
        }
        .into_any(),
    )
}

fn order_view(o: OrderView, options: &PaymentOptions, actions: Actions, payment_error: Option<String>) -> AnyView {
    let Actions { pay, choose } = actions;
    let transfer = transfer_box(&o, options);
    let cod = o.payments.iter().any(|p| p.provider == "cash_on_delivery" && p.status == "authorized");
    let status = if cod && o.status == entities::OrderStatus::Paid {
        "Confirmed — pay on delivery"
    } else {
        status_text(o.status)
    };
    let chosen: Vec<String> = o.payments.iter().filter(|p| p.status == "pending").map(|p| p.provider.clone()).collect();
    let local_forms = options
        .local
        .iter()
        .filter(|m| !chosen.contains(&m.provider))
        .map(|m| {
            let label = match m.provider.as_str() {
                "bank_transfer" => "Pay by bank transfer",
                _ => "Pay cash on delivery",
            };
            let (order_id, provider, testid) = (o.id.clone(), m.provider.clone(), format!("choose-{}", m.provider));
            view! {
                <ActionForm action=choose attr:class="inline-block mr-2">
                    <input type="hidden" name="id" value=order_id/>
                    <input type="hidden" name="provider" value=provider/>
                    <button type="submit" class="rounded border border-stone-400 bg-white px-4 py-2 font-medium"
                        data-testid=testid disabled=move || choose.pending().get()>{label}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let choose_error = move || choose.value().get().and_then(Result::err);
    let paid_with = o
        .payments
        .iter()
        .filter(|p| p.status != "failed" && p.status != "pending")
        .map(|p| format!("{} ({})", method_name(&p.provider), p.reference))
        .collect::<Vec<_>>()
        .join(", ");
    let currency = o.currency.clone();
    let a = &o.shipping_address;
    let address =
        [a.name.clone(), a.line1.clone(), a.line2.clone(), format!("{} {}", a.postal_code, a.city), a.country.clone()]
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| view! { <span class="block">{l}</span> })
            .collect_view();
    let id = o.id.clone();
    let stripe = options.stripe.clone();
    let paypal = options.paypal;
    let paypal_error = payment_error.as_deref() == Some("paypal");
    let test = options.test;
    let pay_before = o.pay_before.map(|t| {
        let error = move || pay.value().get().and_then(Result::err);
        let test_id = id.clone();
        let test_form = test.then(move || {
            view! {
                <ActionForm action=pay attr:class="mt-2">
                    <input type="hidden" name="id" value=test_id/>
                    <button type="submit" class="rounded bg-amber-700 px-4 py-2 font-medium text-white" data-testid="pay-test"
                        disabled=move || pay.pending().get()>"Pay now — test payment"</button>
                    <span class="ml-2 text-sm">"The built-in test provider: no money moves."</span>
                </ActionForm>
                {move || error().map(|e| view! { <p role="alert" class="mt-2 text-red-800">{e.to_string()}</p> })}
            }
        });
        view! {
            <div class="space-y-3 rounded border border-amber-300 bg-amber-50 p-3" data-testid="pay-box">
                <p class="text-sm">{format!("Your items are held until {} UTC.", t.format("%H:%M"))}</p>
                {transfer}
                {stripe.map(|setup| stripe_box(id.clone(), setup))}
                {paypal.then(|| view! {
                    // A plain form: the server sends the shopper on to PayPal.
                    <form method="post" action=format!("/orders/{}/paypal", id) class="inline-block">
                        <button type="submit" class="rounded bg-sky-800 px-4 py-2 font-medium text-white"
                            data-testid="pay-paypal">"Pay with PayPal"</button>
                    </form>
                })}
                {paypal_error.then(|| view! {
                    <p role="alert" class="text-red-800" data-testid="paypal-error">
                        "PayPal could not be reached. Try again, or choose another way to pay."</p>
                })}
                <div>{local_forms}</div>
                {move || choose_error().map(|e| view! { <p role="alert" class="text-red-800">{e.to_string()}</p> })}
                {test_form}
            </div>
        }
    });
    view! {
        <section class="space-y-4" data-testid="order-page">
            <h1 class="text-2xl font-bold">"Thank you — your order is in"</h1>
            <p>"Order " <code data-testid="order-id">{o.id.clone()}</code> ". Keep this page's address: it is your order's key."</p>
            <p class="text-lg">"Status: " <strong data-testid="order-status">{status}</strong></p>
            {(!paid_with.is_empty()).then(|| view! { <p class="text-sm" data-testid="paid-with">"Payment: " {paid_with}</p> })}
            {pay_before}
            {o.sub_orders.into_iter().map(|s| {
                let c = currency.clone();
                view! {
                    <div class="rounded border border-stone-200 bg-white p-3" data-testid="sub-order">
                        <h2 class="font-semibold">{format!("From {}", s.vendor_name)}</h2>
                        <p class="text-sm text-stone-700">{format!("Shipping: {} — {}", s.shipping_method, money(s.shipping_minor, &c))}</p>
                        <ul class="text-sm">
                            {s.lines.into_iter().map(|l| view! {
                                <li class="flex justify-between gap-2" data-testid="order-line">
                                    <span>{format!("{} × {} ({})", l.quantity, l.title, l.sku)}</span>
                                    <span class="tabular-nums">{money(l.line_total_minor, &c)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
            <dl class="grid max-w-sm grid-cols-2 gap-x-4 text-sm" data-testid="order-sums">
                <dt>"Subtotal"</dt><dd class="text-right tabular-nums" data-testid="order-subtotal">{money(o.subtotal_minor, &currency)}</dd>
                <dt>"Shipping"</dt><dd class="text-right tabular-nums" data-testid="order-shipping">{money(o.shipping_minor, &currency)}</dd>
                {(o.discount_minor > 0).then(|| view! {
                    <dt>{format!("Discount ({})", o.coupon.clone().unwrap_or_default())}</dt>
                    <dd class="text-right tabular-nums" data-testid="order-discount">{format!("−{}", money(o.discount_minor, &currency))}</dd>
                })}
                <dt>{if o.tax_included { "Tax included" } else { "Tax" }}</dt>
                <dd class="text-right tabular-nums" data-testid="order-tax">{money(o.tax_minor, &currency)}</dd>
            </dl>
            <p class="text-lg font-semibold">"Total: " <span data-testid="order-total">{money(o.total_minor, &currency)}</span></p>
            <div><h2 class="font-semibold">"Shipping to"</h2><address class="not-italic">{address}</address></div>
            <div>
                <h2 class="font-semibold">"Timeline"</h2>
                <ol class="text-sm">
                    {o.timeline.into_iter().map(|e| view! {
                        <li><time datetime=e.at.to_rfc3339()>{e.at.format("%Y-%m-%d %H:%M UTC").to_string()}</time> " — " {e.note}</li>
                    }).collect_view()}
                </ol>
            </div>
        </section>
    }
    .into_any()
}
