//! `/orders/:id`: an order's confirmation and status — what was bought from
//! whom, the totals, where it goes and its timeline.

use super::ErrorNotice;
use crate::api::checkout::{get_order, PayWithTestProvider};
use crate::components::money;
use entities::checkout::OrderView;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The order page.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let pay = ServerAction::<PayWithTestProvider>::new();
    let order = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), pay.version().get()),
        |(id, _)| get_order(id),
    );
    // Arriving here from the checkout, the cart was just emptied: the header's
    // badge asks again.
    if let Some(cart) = use_context::<crate::api::cart::CartState>() {
        Effect::new(move |_| cart.summary.refetch());
    }
    view! {
        <Title text="Your order"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => order_view(order, pay),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn status_text(status: entities::OrderStatus) -> &'static str {
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

fn order_view(o: OrderView, pay: ServerAction<PayWithTestProvider>) -> AnyView {
    let currency = o.currency.clone();
    let a = &o.shipping_address;
    let address =
        [a.name.clone(), a.line1.clone(), a.line2.clone(), format!("{} {}", a.postal_code, a.city), a.country.clone()]
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| view! { <span class="block">{l}</span> })
            .collect_view();
    let id = o.id.clone();
    let pay_before = o.pay_before.map(|t| {
        let error = move || pay.value().get().and_then(Result::err);
        view! {
            <div class="rounded border border-amber-300 bg-amber-50 p-3" data-testid="pay-box">
                <p class="text-sm">{format!("Your items are held until {} UTC.", t.format("%H:%M"))}</p>
                <ActionForm action=pay attr:class="mt-2">
                    <input type="hidden" name="id" value=id.clone()/>
                    <button type="submit" class="rounded bg-amber-700 px-4 py-2 font-medium text-white" data-testid="pay-test"
                        disabled=move || pay.pending().get()>"Pay now — test payment"</button>
                    <span class="ml-2 text-sm">"The built-in test provider: no money moves."</span>
                </ActionForm>
                {move || error().map(|e| view! { <p role="alert" class="mt-2 text-red-800">{e.to_string()}</p> })}
            </div>
        }
    });
    view! {
        <section class="space-y-4" data-testid="order-page">
            <h1 class="text-2xl font-bold">"Thank you — your order is in"</h1>
            <p>"Order " <code data-testid="order-id">{o.id.clone()}</code> ". Keep this page's address: it is your order's key."</p>
            <p class="text-lg">"Status: " <strong data-testid="order-status">{status_text(o.status)}</strong></p>
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
