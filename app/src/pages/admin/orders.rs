//! `/admin/orders`: orders newest first (filter by status, or those held
//! for review), and `/admin/orders/:id`: one order with its payments, its
//! fraud screening and what staff can do — capture, record a bank transfer,
//! release a held order, refund.

use super::{BUTTON, BUTTON_QUIET, INPUT};
use crate::api::ordering::admin_orders::{admin_order, admin_orders, AdminReleaseReview};
use crate::api::payments::admin_payments::{AdminCapture, AdminRefund, AdminTransferReceived};
use crate::components::lists::{next_page_query, OlderLink, StaffTable};
use crate::components::money;
use entities::ordering::{AdminOrder, AdminOrderFilter, AdminOrderPage, OrderStatus};
use entities::payments::PaymentStatus;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The order list.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        AdminOrderFilter {
            status: q.get("status").filter(|s| !s.is_empty()),
            held: q.get("held").is_some_and(|h| h == "1"),
            after: q.get("after").and_then(|a| a.parse().ok()),
        }
    });
    let page = Resource::new(move || filter.get(), admin_orders);
    view! {
        <Title text="Orders · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Orders"</h1>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3" data-testid="order-filter">
            <label class="text-sm">"Status"
                <select name="status" class=INPUT>
                    <option value="">"Any"</option>
                    {OrderStatus::ALL.map(OrderStatus::as_str).into_iter().map(|s| view! {
                        <option value=s selected=move || filter.get().status.as_deref() == Some(s)>{s.replace('_', " ")}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="held" value="1" checked=move || filter.get().held/>
                "Held for review only"
            </label>
            <button type="submit" class=BUTTON_QUIET>"Show"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => order_table(page, filter.get_untracked()),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn order_table(page: AdminOrderPage, filter: AdminOrderFilter) -> AnyView {
    if page.items.is_empty() {
        return view! { <p data-testid="no-orders">"No orders match."</p> }.into_any();
    }
    let next = page.next.map(|after| {
        let query =
            next_page_query(after, &[("status", filter.status.as_deref()), ("held", filter.held.then_some("1"))]);
        view! { <OlderLink href=format!("/admin/orders{query}") testid="next-orders" label="Older orders"/> }
    });
    view! {
        <StaffTable caption="Orders">
                <thead class="bg-stone-100">
                    <tr>
                        <th class="p-2">"Placed"</th><th class="p-2">"Order"</th><th class="p-2">"Customer"</th>
                        <th class="p-2">"Status"</th><th class="p-2 text-right">"Total"</th><th class="p-2 text-right">"Risk"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|o| view! {
                        <tr class="border-t border-stone-200" data-testid="admin-order-row">
                            <td class="p-2 whitespace-nowrap">{o.placed_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                            <td class="p-2 font-mono text-xs"><a class="underline" href=format!("/admin/orders/{}", o.id)>{o.id.clone()}</a></td>
                            <td class="p-2">{o.email}</td>
                            <td class="p-2">{o.status.as_str().replace('_', " ")}
                                {o.held_for_review.then(|| view! { <span class="ml-1 rounded bg-red-100 px-1 text-red-800">"held"</span> })}</td>
                            <td class="p-2 text-right tabular-nums">{money(o.total_minor, &o.currency)}</td>
                            <td class="p-2 text-right tabular-nums">{o.risk_score}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
        </StaffTable>
        {next}
    }
    .into_any()
}

/// One order, with what staff can do with it.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let capture = ServerAction::<AdminCapture>::new();
    let received = ServerAction::<AdminTransferReceived>::new();
    let release = ServerAction::<AdminReleaseReview>::new();
    let refund = ServerAction::<AdminRefund>::new();
    let version =
        move || capture.version().get() + received.version().get() + release.version().get() + refund.version().get();
    let order =
        Resource::new(move || (params.read().get("id").unwrap_or_default(), version()), |(id, _)| admin_order(id));
    let actions = Actions { capture, received, release, refund };
    view! {
        <Title text="Order · Admin"/>
        {super::outcome(Signal::derive(move || capture.value().get()), |_| "Captured.".to_owned())}
        {super::outcome(Signal::derive(move || received.value().get()), |_| "The transfer is recorded; the order is paid.".to_owned())}
        {super::outcome(Signal::derive(move || release.value().get()), |_| "Released: the order can be fulfilled.".to_owned())}
        {super::outcome(Signal::derive(move || refund.value().get()), |_| "Refunded.".to_owned())}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => order_detail(order, actions),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    capture: ServerAction<AdminCapture>,
    received: ServerAction<AdminTransferReceived>,
    release: ServerAction<AdminReleaseReview>,
    refund: ServerAction<AdminRefund>,
}

/// The order's id, sent with each action's form.
fn hidden(id: String) -> impl IntoView {
    view! { <input type="hidden" name="id" value=id/> }
}

fn order_detail(a: AdminOrder, actions: Actions) -> AnyView {
    let Actions { capture, received, release, refund } = actions;
    let o = a.order;
    let id = o.id.clone();
    let authorized = o.payments.iter().any(|p| p.status == PaymentStatus::Authorized);
    let transfer = o.payments.iter().any(|p| p.provider == "bank_transfer" && p.status == PaymentStatus::Pending);
    let paid = o.payments.iter().any(|p| p.status == PaymentStatus::Succeeded && p.refunded_minor < p.amount_minor);
    let currency = o.currency.clone();
    let risk = a.risk;
    let (id_release, id_capture, id_received, id_refund) = (id.clone(), id.clone(), id.clone(), id.clone());
    let refund_error = move || refund.value().get().and_then(Result::err).and_then(|e| e.field("amount"));
    view! {
        <section class="space-y-4" data-testid="admin-order">
            <h1 class="text-2xl font-bold">"Order " <code class="text-base">{id.clone()}</code></h1>
            <p>{format!("{} · {} · {}", o.email, o.status.as_str().replace('_', " "), money(o.total_minor, &currency))}
                <a class="ml-2 underline" href=format!("/orders/{id}")>"Customer's view"</a></p>
            <div class="rounded border border-stone-300 bg-white p-3" data-testid="admin-risk">
                <h2 class="font-semibold">{format!("Fraud screening: risk {}", risk.score)}
                    {risk.held_for_review.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-red-800" data-testid="held">"held for review"</span> })}</h2>
                <ul class="list-disc pl-5 text-sm">
                    {risk.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                </ul>
                <p class="text-sm text-stone-700">{format!("Placed from {}", risk.client_ip.clone().unwrap_or_else(|| "an unknown address".into()))}</p>
                {risk.held_for_review.then(|| view! {
                    <ActionForm action=release attr:class="mt-2">{hidden(id_release)}
                        <button type="submit" class=BUTTON data-testid="release">"Release for fulfilment"</button>
                    </ActionForm>
                })}
            </div>
            <div class="rounded border border-stone-300 bg-white p-3">
                <h2 class="font-semibold">"Payments"</h2>
                <ul class="text-sm" data-testid="admin-payments">
                    {o.payments.iter().map(|p| view! {
                        <li>{format!("{} · {} · {} · {}{}", p.provider, p.reference, p.status, money(p.amount_minor, &currency),
                            if p.refunded_minor > 0 { format!(" (refunded {})", money(p.refunded_minor, &currency)) } else { String::new() })}</li>
                    }).collect_view()}
                </ul>
                <div class="mt-2 flex flex-wrap gap-2">
                    {authorized.then(|| view! {
                        <ActionForm action=capture>{hidden(id_capture)}
                            <button type="submit" class=BUTTON data-testid="capture">"Capture the payment"</button>
                        </ActionForm>
                    })}
                    {transfer.then(|| view! {
                        <ActionForm action=received>{hidden(id_received)}
                            <button type="submit" class=BUTTON data-testid="transfer-received">"Bank transfer received"</button>
                        </ActionForm>
                    })}
                </div>
                {paid.then(|| view! {
                    <ActionForm action=refund attr:class="mt-3 flex flex-wrap items-end gap-2">{hidden(id_refund)}
                        <label class="text-sm" for="refund-amount">"Refund amount (empty: all that is left)"</label>
                        <input id="refund-amount" name="amount" class=INPUT inputmode="decimal" placeholder="12.50"
                            aria-describedby="refund-amount-error"/>
                        <label class="text-sm" for="refund-reason">"Reason"</label>
                        <input id="refund-reason" name="reason" class=INPUT maxlength="500"/>
                        <button type="submit" class=BUTTON_QUIET data-testid="refund">"Refund"</button>
                        <super::FieldError id="refund-amount-error" message=Signal::derive(refund_error)/>
                    </ActionForm>
                })}
            </div>
            <div class="rounded border border-stone-300 bg-white p-3">
                <h2 class="font-semibold">"Parts"</h2>
                <ul class="text-sm" data-testid="admin-parts">
                    {o.sub_orders.iter().map(|s| {
                        let shipped: i32 = s.lines.iter().map(|l| l.shipped).sum();
                        let units: i32 = s.lines.iter().map(|l| l.quantity).sum();
                        let returns = o.returns.iter().filter(|r| r.vendor == s.vendor && r.status.is_open()).count();
                        view! {
                            <li>
                                <a class="underline" href=format!("/admin/fulfilment/{}?vendor={}", id, s.vendor) data-testid="fulfil-part">
                                    {format!("{}: {} · {shipped} of {units} shipped", s.vendor_name, s.status.as_str().replace('_', " "))}
                                </a>
                                {(returns > 0).then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1">{format!("{returns} return(s) open")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <div>
                <h2 class="font-semibold">"Timeline"</h2>
                <ol class="text-sm">
                    {o.timeline.into_iter().map(|e| view! {
                        <li>{format!("{} — {} ({})", e.at.format("%Y-%m-%d %H:%M"), e.note, e.actor)}</li>
                    }).collect_view()}
                </ol>
            </div>
        </section>
    }
    .into_any()
}
