//! `/orders/:id`: an order's confirmation and status — what was bought from
//! whom, the totals, where it goes and its timeline.

use crate::api::fulfilment::parcels::RequestReturn;
use crate::api::ordering::checkout::{get_order, payment_options, ChoosePayment, PayWithTestProvider};
use crate::api::payments::gift_cards::{my_store_credit, RedeemGiftCard, UseStoreCredit};
use crate::components::forms::successes;
use crate::components::money;
use crate::pages::ErrorNotice;
use entities::fulfilment::ReturnStatus;
use entities::ordering::OrderView;
use entities::payments::{PaymentOptions, PaymentStatus};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The order page.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let pay = ServerAction::<PayWithTestProvider>::new();
    let choose = ServerAction::<ChoosePayment>::new();
    let send_back = ServerAction::<RequestReturn>::new();
    let redeem = ServerAction::<RedeemGiftCard>::new();
    let credit = ServerAction::<UseStoreCredit>::new();
    // Reloaded after successes only: a refused code or reason stays typed.
    let (returned, redeemed, credited) = (successes(send_back), successes(redeem), successes(credit));
    let order = Resource::new(
        move || {
            let versions = pay.version().get()
                + choose.version().get()
                + (returned.get() + redeemed.get() + credited.get()) as usize;
            (params.read().get("id").unwrap_or_default(), versions)
        },
        |(id, _)| get_order(id),
    );
    let options = Resource::new(|| (), |_| payment_options());
    let store_credit = Resource::new(move || credit.version().get(), |_| my_store_credit());
    let query = leptos_router::hooks::use_query_map();
    let payment_error = Memo::new(move |_| query.read().get("payment_error"));
    // Arriving here from the checkout, the cart was just emptied: the header's
    // badge asks again.
    if let Some(cart) = use_context::<crate::api::ordering::cart::CartState>() {
        Effect::new(move |_| cart.summary.refetch());
    }
    view! {
        <Title text="Your order"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = options.await.unwrap_or_default();
                let store_credit = store_credit.await.unwrap_or_default();
                let actions = Actions { pay, choose, send_back, redeem, credit };
                match order.await {
                    Ok(order) => order_view(order, &options, &store_credit, actions, payment_error.get_untracked()),
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
    send_back: ServerAction<RequestReturn>,
    redeem: ServerAction<RedeemGiftCard>,
    credit: ServerAction<UseStoreCredit>,
}

fn method_name(provider: &str) -> &'static str {
    match provider {
        "bank_transfer" => "Bank transfer",
        "cash_on_delivery" => "Cash on delivery",
        "stripe" => "Card",
        "test" => "Test payment",
        "gift_card" => "Gift card",
        _ => "Other",
    }
}

pub(crate) fn status_text(status: entities::ordering::OrderStatus) -> &'static str {
    use entities::ordering::OrderStatus::*;
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
fn stripe_box(order: String, setup: entities::payments::BrowserSetup) -> impl IntoView {
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
    let waiting = o.payments.iter().find(|p| p.provider == "bank_transfer" && p.status == PaymentStatus::Pending)?;
    let method = options.local.iter().find(|m| m.provider == "bank_transfer")?;
    let rows = method
        .instructions
        .iter()
        .cloned()
        .chain([
            ("Amount".to_owned(), money(waiting.amount_minor, &o.currency)),
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

fn order_view(
    o: OrderView,
    options: &PaymentOptions,
    store_credit: &[entities::payments::GiftCardView],
    actions: Actions,
    payment_error: Option<String>,
) -> AnyView {
    let Actions { pay, choose, send_back, redeem, credit } = actions;
    let gift = gift_card_box(&o, store_credit, redeem, credit);
    let transfer = transfer_box(&o, options);
    let cod = o.payments.iter().any(|p| p.provider == "cash_on_delivery" && p.status == PaymentStatus::Authorized);
    let status = if cod && o.status == entities::ordering::OrderStatus::Paid {
        "Confirmed — pay on delivery"
    } else {
        status_text(o.status)
    };
    let chosen: Vec<String> =
        o.payments.iter().filter(|p| p.status == PaymentStatus::Pending).map(|p| p.provider.clone()).collect();
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
        .filter(|p| !matches!(p.status, PaymentStatus::Failed | PaymentStatus::Pending))
        .map(|p| format!("{} ({})", method_name(&p.provider), p.reference))
        .collect::<Vec<_>>()
        .join(", ");
    let currency = o.currency.clone();
    let a = &o.shipping_address;
    let address = a.lines().into_iter().map(|l| view! { <span class="block">{l}</span> }).collect_view();
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
                {gift}
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
    let return_outcome = move || match send_back.value().get() {
        Some(Ok(_)) => Some(
            view! { <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-800" data-testid="return-asked">
            "We have your return request; the seller will tell you where to send the item."</p> }
            .into_any(),
        ),
        Some(Err(e)) if e.field("quantity").is_none() && e.field("reason").is_none() => Some(
            view! {
            <p role="alert" class="rounded bg-red-50 px-3 py-2 text-red-800">{e.to_string()}</p> }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <section class="space-y-4" data-testid="order-page">
            {return_outcome}
            <h1 class="text-2xl font-bold">"Thank you — your order is in"</h1>
            <p>"Order " <code data-testid="order-id">{o.id.clone()}</code> ". Keep this page's address: it is your order's key."</p>
            <p class="text-lg">"Status: " <strong data-testid="order-status">{status}</strong></p>
            {(!paid_with.is_empty()).then(|| view! { <p class="text-sm" data-testid="paid-with">"Payment: " {paid_with}</p> })}
            {pay_before}
            {o.sub_orders.into_iter().map(|s| {
                let c = currency.clone();
                let parcels = parcels_of(&o.shipments, &s.vendor);
                let returns = returns_of(&o.returns, &s.vendor, &c);
                let forms = return_forms(&o.id, &s.lines, send_back);
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
                        {parcels}
                        {returns}
                        {forms}
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

/// A vendor's parcels, with their tracking links.
fn parcels_of(shipments: &[entities::ordering::ShipmentView], vendor: &str) -> Option<AnyView> {
    let mine: Vec<_> = shipments.iter().filter(|s| s.vendor == vendor).cloned().collect();
    (!mine.is_empty()).then(|| {
        view! {
            <ul class="mt-2 space-y-1 text-sm" data-testid="parcels">
                {mine.into_iter().map(|s| {
                    let when = match s.delivered_at {
                        Some(at) => format!("delivered {}", at.format("%Y-%m-%d")),
                        None => format!("shipped {}", s.shipped_at.format("%Y-%m-%d")),
                    };
                    let items = s.lines.iter().map(|l| format!("{} × {}", l.quantity, l.sku)).collect::<Vec<_>>().join(", ");
                    let number = s.tracking_number.clone();
                    view! {
                        <li data-testid="parcel">{format!("{} · {when} · {items} · {} ", s.carrier, "tracking")}
                            {match s.tracking_url {
                                Some(url) => view! { <a class="underline" href=url rel="noopener noreferrer" target="_blank" data-testid="tracking-link">{number}</a> }.into_any(),
                                None => view! { <span class="font-mono" data-testid="tracking-number">{number}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// A vendor's returns and where they stand.
fn returns_of(returns: &[entities::ordering::ReturnView], vendor: &str, currency: &str) -> Option<AnyView> {
    let mine: Vec<_> = returns.iter().filter(|r| r.vendor == vendor).cloned().collect();
    (!mine.is_empty()).then(|| {
        let currency = currency.to_owned();
        view! {
            <ul class="mt-2 space-y-1 text-sm" data-testid="my-returns">
                {mine.into_iter().map(|r| {
                    let items = r.lines.iter().map(|l| format!("{} × {}", l.quantity, l.sku)).collect::<Vec<_>>().join(", ");
                    let state = match r.status {
                        ReturnStatus::Requested => "asked for".to_owned(),
                        ReturnStatus::Approved => "approved: please send it back".to_owned(),
                        ReturnStatus::Rejected => format!("refused: {}", r.note),
                        ReturnStatus::Received if r.refund_minor > 0 => {
                            format!("received; {} refunded", money(r.refund_minor, &currency))
                        }
                        ReturnStatus::Received => "received".to_owned(),
                    };
                    view! { <li data-testid="my-return">{format!("Return of {items}: {state}")}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// A form per item that shipped and can still be sent back.
fn return_forms(
    order_id: &str,
    lines: &[entities::ordering::OrderLineView],
    send_back: ServerAction<RequestReturn>,
) -> Option<AnyView> {
    let open: Vec<_> = lines.iter().filter(|l| l.shipped > l.returned).cloned().collect();
    (!open.is_empty()).then(|| {
        let order_id = order_id.to_owned();
        // Which item the last request was for: its form shows the errors.
        let last = RwSignal::new(String::new());
        Effect::new(move |_| {
            if let Some(asked) = send_back.input().get() {
                last.set(asked.sku);
            }
        });
        view! {
            <details class="mt-2 text-sm" data-testid="return-forms">
                <summary class="cursor-pointer underline">"Send an item back"</summary>
                {open.into_iter().map(|l| {
                    let left = l.shipped - l.returned;
                    let (q_id, r_id) = (format!("return-qty-{}", l.sku), format!("return-reason-{}", l.sku));
                    // The errors of the last request, when it was this item's.
                    let field = {
                        let sku = l.sku.clone();
                        move |name: &'static str| {
                            let sku = sku.clone();
                            move || {
                                let mine = last.get() == sku;
                                send_back.value().get().and_then(Result::err).filter(|_| mine).and_then(|e| e.field(name))
                            }
                        }
                    };
                    let order_id = order_id.clone();
                    view! {
                        <ActionForm action=send_back attr:class="mt-2 flex flex-wrap items-end gap-2" attr:data-testid="return-form">
                            <input type="hidden" name="id" value=order_id/>
                            <input type="hidden" name="sku" value=l.sku.clone()/>
                            <span class="w-full font-medium">{format!("{} ({})", l.title, l.sku)}</span>
                            <label for=q_id.clone()>"How many"</label>
                            <input id=q_id.clone() name="quantity" type="number" min="1" max=left value="1"
                                class="w-20 rounded border border-stone-400 px-2 py-1" aria-describedby=format!("{q_id}-error")/>
                            <label for=r_id.clone()>"Why"</label>
                            <input id=r_id.clone() name="reason" class="rounded border border-stone-400 px-2 py-1" aria-describedby=format!("{r_id}-error")/>
                            <button type="submit" class="rounded border border-stone-400 bg-white px-3 py-1" data-testid="ask-return">"Ask to return"</button>
                            <p id=format!("{q_id}-error") class="w-full text-red-700" aria-live="polite">{field("quantity")}</p>
                            <p id=format!("{r_id}-error") class="w-full text-red-700" aria-live="polite" data-testid="return-reason-error">{field("reason")}</p>
                        </ActionForm>
                    }
                }).collect_view()}
            </details>
        }
        .into_any()
    })
}

/// "Pay with a gift card" and, for a signed-in customer with store credit in
/// the order's currency, "Use my store credit"; what is left to pay once
/// part of it is paid.
fn gift_card_box(
    o: &OrderView,
    store_credit: &[entities::payments::GiftCardView],
    redeem: ServerAction<RedeemGiftCard>,
    credit: ServerAction<UseStoreCredit>,
) -> impl IntoView {
    let available: i64 = store_credit.iter().filter(|c| c.currency == o.currency).map(|c| c.balance_minor).sum();
    let (id_code, id_credit) = (o.id.clone(), o.id.clone());
    let code_error = Signal::derive(move || {
        redeem.value().get().and_then(Result::err).map(|e| e.field("code").unwrap_or_else(|| e.to_string()))
    });
    let credit_error =
        move || credit.value().get().and_then(Result::err).map(|e| e.field("code").unwrap_or_else(|| e.to_string()));
    let left = (o.due_minor < o.total_minor).then(|| {
        view! { <p class="font-medium" data-testid="order-due">{format!("Left to pay: {}", money(o.due_minor, &o.currency))}</p> }
    });
    let currency = o.currency.clone();
    view! {
        {left}
        <ActionForm action=redeem attr:class="flex flex-wrap items-end gap-2" attr:data-testid="gift-card-form">
            <input type="hidden" name="id" value=id_code/>
            <label for="gift-code" class="text-sm font-medium">"Gift card code"</label>
            <input id="gift-code" name="code" class="rounded border border-stone-400 px-2 py-1 font-mono" autocomplete="off"
                placeholder="XXXX-XXXX-XXXX-XXXX" aria-describedby="gift-code-error"/>
            <button type="submit" class="rounded border border-stone-400 bg-white px-3 py-1" data-testid="apply-gift-card">"Apply"</button>
            <p id="gift-code-error" class="w-full text-sm text-red-700" aria-live="polite">{move || code_error.get()}</p>
        </ActionForm>
        {(available > 0).then(|| view! {
            <ActionForm action=credit>
                <input type="hidden" name="id" value=id_credit/>
                <button type="submit" class="rounded border border-stone-400 bg-white px-3 py-1" data-testid="use-store-credit">
                    {format!("Use my store credit ({})", money(available, &currency))}</button>
            </ActionForm>
            <p role="alert" class="text-sm text-red-700">{credit_error}</p>
        })}
    }
}
