//! `/admin/fulfilment`: a vendor's parts of orders, newest first (vendor
//! staff see their own; admins choose a vendor or see all), and
//! `/admin/fulfilment/:id`: one part — where it goes, what is left to ship,
//! a parcel form (carrier, tracking number, units per line), the parcels
//! with "delivered", and the part's returns with approve, reject and
//! receive (restock, refund).

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::fulfilment::parcels::{load_vendor_part, vendor_orders, DecideReturn, MarkDelivered, ShipParcel};
use crate::components::forms::successes;
use crate::components::lists::{next_page_query, OlderLink, StaffTable};
use crate::components::money;
use entities::fulfilment::{ItemCount, NewShipment, ReturnStatus, ShipmentStatus};
use entities::marketplace::{VendorOrder, VendorOrderFilter, VendorOrderPage};
use entities::ordering::{OrderStatus, ReturnView};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The list of parts.
#[component]
pub fn FulfilmentPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        VendorOrderFilter {
            vendor: q.get("vendor").filter(|s| !s.is_empty()),
            status: q.get("status").filter(|s| !s.is_empty()),
            after: q.get("after").and_then(|a| a.parse().ok()),
        }
    });
    let page = Resource::new(move || filter.get(), vendor_orders);
    view! {
        <Title text="Fulfilment · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Fulfilment"</h1>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3" data-testid="fulfilment-filter">
            <label class="text-sm">"Status"
                <select name="status" class=INPUT>
                    <option value="">"Any"</option>
                    {[OrderStatus::Paid, OrderStatus::Fulfilling, OrderStatus::Shipped, OrderStatus::Delivered].map(OrderStatus::as_str).into_iter().map(|s| view! {
                        <option value=s selected=move || filter.get().status.as_deref() == Some(s)>{s}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="text-sm">"Vendor (admins)"
                <input name="vendor" class=INPUT placeholder="vendor-slug" prop:value=move || filter.get().vendor.unwrap_or_default()/>
            </label>
            <button type="submit" class=BUTTON_QUIET>"Show"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => part_table(page, filter.get_untracked()),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn part_table(page: VendorOrderPage, filter: VendorOrderFilter) -> AnyView {
    if page.items.is_empty() {
        return view! { <p data-testid="no-parts">"No orders to show."</p> }.into_any();
    }
    let next = page.next.map(|after| {
        let query =
            next_page_query(after, &[("status", filter.status.as_deref()), ("vendor", filter.vendor.as_deref())]);
        view! { <OlderLink href=format!("/admin/fulfilment{query}") testid="next-parts" label="Older"/> }
    });
    view! {
        <StaffTable caption="Orders to fulfil">
                <thead class="bg-stone-100">
                    <tr>
                        <th class="p-2">"Placed"</th><th class="p-2">"Order"</th><th class="p-2">"Vendor"</th>
                        <th class="p-2">"Status"</th><th class="p-2 text-right">"Shipped"</th>
                        <th class="p-2">"To"</th><th class="p-2 text-right">"Goods"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|r| view! {
                        <tr class="border-t border-stone-200" data-testid="part-row">
                            <td class="p-2 whitespace-nowrap">{r.placed_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                            <td class="p-2 font-mono text-xs">
                                <a class="underline" href=format!("/admin/fulfilment/{}?vendor={}", r.id, r.vendor)>{r.id.clone()}</a>
                            </td>
                            <td class="p-2">{r.vendor.clone()}</td>
                            <td class="p-2">{r.status.as_str().replace('_', " ")}
                                {r.held_for_review.then(|| view! { <span class="ml-1 rounded bg-red-100 px-1 text-red-800">"held"</span> })}</td>
                            <td class="p-2 text-right tabular-nums">{format!("{} / {}", r.shipped, r.units)}</td>
                            <td class="p-2">{r.country}</td>
                            <td class="p-2 text-right tabular-nums">{money(r.subtotal_minor, &r.currency)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
        </StaffTable>
        {next}
    }
    .into_any()
}

/// The actions of the part page.
#[derive(Clone, Copy)]
struct Actions {
    ship: ServerAction<ShipParcel>,
    delivered: ServerAction<MarkDelivered>,
    decide: ServerAction<DecideReturn>,
}

/// One vendor's part of an order.
#[component]
pub fn PartPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ship = ServerAction::<ShipParcel>::new();
    let delivered = ServerAction::<MarkDelivered>::new();
    let decide = ServerAction::<DecideReturn>::new();
    // Reloaded after successes only: a refused parcel keeps what was typed.
    let (shipped, arrived, decided) = (successes(ship), successes(delivered), successes(decide));
    let version = move || shipped.get() + arrived.get() + decided.get();
    let part = Resource::new(
        move || {
            (params.read().get("id").unwrap_or_default(), query.read().get("vendor").unwrap_or_default(), version())
        },
        |(id, vendor, _)| load_vendor_part(id, vendor),
    );
    let actions = Actions { ship, delivered, decide };
    view! {
        <Title text="Fulfil an order · Admin"/>
        {super::outcome(Signal::derive(move || ship.value().get()), |s| format!("Shipped with {}.", s.carrier))}
        {super::outcome(Signal::derive(move || delivered.value().get()), |_| "Marked delivered.".to_owned())}
        {super::outcome(Signal::derive(move || decide.value().get()), |r| format!("The return is {}.", r.status))}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match part.await {
                    Ok(part) => part_detail(part, query.get_untracked().get("vendor").unwrap_or_default(), actions),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn part_detail(p: VendorOrder, vendor: String, actions: Actions) -> AnyView {
    let Actions { ship, delivered, decide } = actions;
    let currency = p.currency.clone();
    let a = &p.shipping_address;
    let address = a.lines().into_iter().map(|l| view! { <span class="block">{l}</span> }).collect_view();
    let open: Vec<(String, String, i32)> = p
        .part
        .lines
        .iter()
        .filter(|l| l.quantity > l.shipped)
        .map(|l| (l.sku.clone(), l.title.clone(), l.quantity - l.shipped))
        .collect();
    let can_ship = !open.is_empty()
        && !p.held_for_review
        && matches!(
            p.order_status,
            entities::ordering::OrderStatus::Paid
                | entities::ordering::OrderStatus::Fulfilling
                | entities::ordering::OrderStatus::Shipped
                | entities::ordering::OrderStatus::PartiallyRefunded
        );
    let ship_form = can_ship.then(|| ship_form(p.id.clone(), vendor.clone(), open, ship));
    let id = p.id.clone();
    view! {
        <section class="space-y-4" data-testid="part">
            <h1 class="text-2xl font-bold">"Order " <code class="text-base">{p.id.clone()}</code></h1>
            <p>{format!("{} · {} · placed {}", p.part.vendor_name, p.part.status.as_str().replace('_', " "), p.placed_at.format("%Y-%m-%d %H:%M"))}
                {p.held_for_review.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-red-800" data-testid="held">"held for review: do not ship"</span> })}</p>
            <div class="grid gap-4 md:grid-cols-2">
                <div class="rounded border border-stone-300 bg-white p-3">
                    <h2 class="font-semibold">"Ship to"</h2>
                    <address class="not-italic text-sm">{address}</address>
                    <p class="mt-2 text-sm">{format!("Shipping: {} ({})", p.part.shipping_method, money(p.part.shipping_minor, &currency))}</p>
                </div>
                <div class="rounded border border-stone-300 bg-white p-3">
                    <h2 class="font-semibold">"Items"</h2>
                    <table class="w-full text-sm">
                        <caption class="sr-only">"Items of this part"</caption>
                        <thead><tr><th class="text-left">"Item"</th><th class="text-right">"Bought"</th><th class="text-right">"Shipped"</th><th class="text-right">"Returned"</th></tr></thead>
                        <tbody>
                            {p.part.lines.iter().map(|l| view! {
                                <tr data-testid="part-line">
                                    <td>{format!("{} ({})", l.title, l.sku)}</td>
                                    <td class="text-right tabular-nums">{l.quantity}</td>
                                    <td class="text-right tabular-nums">{l.shipped}</td>
                                    <td class="text-right tabular-nums">{l.returned}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="mt-2 text-sm">{format!("Goods {} · commission {}", money(p.part.subtotal_minor, &currency), money(p.commission_minor, &currency))}</p>
                </div>
            </div>
            {ship_form}
            <div class="rounded border border-stone-300 bg-white p-3">
                <h2 class="font-semibold">"Parcels"</h2>
                {p.shipments.is_empty().then(|| view! { <p class="text-sm">"Nothing has shipped yet."</p> })}
                <ul class="space-y-2 text-sm" data-testid="parcels">
                    {p.shipments.into_iter().map(|s| {
                        let (order_id, shipment) = (id.clone(), s.id.clone());
                        let items = s.lines.iter().map(|l| format!("{} × {}", l.quantity, l.sku)).collect::<Vec<_>>().join(", ");
                        view! {
                            <li class="flex flex-wrap items-center gap-2" data-testid="parcel">
                                <span>{format!("{} {} · {} · {}", s.carrier, s.tracking_number, items, s.status)}</span>
                                {(s.status != ShipmentStatus::Delivered).then(|| view! {
                                    <ActionForm action=delivered>
                                        <input type="hidden" name="id" value=order_id/>
                                        <input type="hidden" name="shipment" value=shipment/>
                                        <button type="submit" class=BUTTON_QUIET data-testid="mark-delivered">"Delivered"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <div class="rounded border border-stone-300 bg-white p-3">
                <h2 class="font-semibold">"Returns"</h2>
                {p.returns.is_empty().then(|| view! { <p class="text-sm">"No returns."</p> })}
                <ul class="space-y-3 text-sm" data-testid="returns">
                    {p.returns.into_iter().map(|r| return_item(id.clone(), r, &currency, decide)).collect_view()}
                </ul>
            </div>
        </section>
    }
    .into_any()
}

/// The parcel form: carrier, tracking number, and how many of each open
/// line go in it (all that is left, to begin with).
fn ship_form(
    id: String,
    vendor: String,
    open: Vec<(String, String, i32)>,
    ship: ServerAction<ShipParcel>,
) -> impl IntoView {
    let carrier = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let counts: Vec<(String, String, i32, RwSignal<String>)> =
        open.into_iter().map(|(sku, title, left)| (sku, title, left, RwSignal::new(left.to_string()))).collect();
    let wanted: Vec<(String, RwSignal<String>)> = counts.iter().map(|(sku, _, _, n)| (sku.clone(), *n)).collect();
    let error = move |field: &'static str| {
        Signal::derive(move || ship.value().get().and_then(Result::err).and_then(|e| e.field(field)))
    };
    let lines_error = Signal::derive(move || {
        ship.value().get().and_then(Result::err).and_then(|e| match e {
            crate::error::AppError::Fields(fields) => {
                let lines: Vec<String> =
                    fields.iter().filter(|(f, _)| f.starts_with("lines")).map(|(_, m)| m.clone()).collect();
                (!lines.is_empty()).then(|| lines.join("; "))
            }
            _ => None,
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lines = wanted
            .iter()
            .filter_map(|(sku, n)| {
                let quantity = n.get_untracked().trim().parse::<i32>().unwrap_or(-1);
                (quantity != 0).then(|| ItemCount { sku: sku.clone(), quantity })
            })
            .collect();
        let tracking_url = Some(url.get_untracked()).filter(|u| !u.trim().is_empty());
        let vendor = Some(vendor.clone()).filter(|v| !v.is_empty());
        ship.dispatch(ShipParcel {
            id: id.clone(),
            shipment: NewShipment {
                carrier: carrier.get_untracked(),
                tracking_number: number.get_untracked(),
                tracking_url,
                vendor,
                lines,
            },
        });
    };
    view! {
        <form class="rounded border border-amber-300 bg-amber-50 p-3" on:submit=on_submit data-testid="ship-form">
            <h2 class="font-semibold">"Ship a parcel"</h2>
            <div class="grid gap-3 md:grid-cols-3">
                <div>
                    <label class="block text-sm font-medium" for="ship-carrier">"Carrier"</label>
                    <input id="ship-carrier" class=INPUT bind:value=carrier placeholder="DHL" aria-describedby="ship-carrier-error"/>
                    <FieldError id="ship-carrier-error" message=error("carrier")/>
                </div>
                <div>
                    <label class="block text-sm font-medium" for="ship-number">"Tracking number"</label>
                    <input id="ship-number" class=INPUT bind:value=number aria-describedby="ship-number-error"/>
                    <FieldError id="ship-number-error" message=error("tracking_number")/>
                </div>
                <div>
                    <label class="block text-sm font-medium" for="ship-url">"Tracking page (optional)"</label>
                    <input id="ship-url" class=INPUT bind:value=url placeholder="https://" aria-describedby="ship-url-error"/>
                    <FieldError id="ship-url-error" message=error("tracking_url")/>
                </div>
            </div>
            <fieldset class="mt-3">
                <legend class="text-sm font-medium">"Units in this parcel"</legend>
                {counts.into_iter().enumerate().map(|(i, (sku, title, left, n))| {
                    let input_id = format!("ship-qty-{i}");
                    view! {
                        <div class="flex items-center gap-2 text-sm">
                            <input id=input_id.clone() type="number" min="0" max=left class="w-20 rounded border border-stone-400 px-2 py-1"
                                bind:value=n data-testid="ship-quantity"/>
                            <label for=input_id>{format!("{title} ({sku}) — {left} left")}</label>
                        </div>
                    }
                }).collect_view()}
                <FieldError id="ship-lines-error" message=lines_error/>
            </fieldset>
            <button type="submit" class=format!("{BUTTON} mt-3") data-testid="ship" disabled=move || ship.pending().get()>"Ship"</button>
        </form>
    }
}

fn return_item(id: String, r: ReturnView, currency: &str, decide: ServerAction<DecideReturn>) -> impl IntoView {
    let items = r.lines.iter().map(|l| format!("{} × {}", l.quantity, l.sku)).collect::<Vec<_>>().join(", ");
    let open = r.status.is_open();
    let refunded = (r.refund_minor > 0).then(|| format!(" · refunded {}", money(r.refund_minor, currency)));
    let (id_a, id_b, id_c) = (id.clone(), id.clone(), id);
    let (r_a, r_b, r_c) = (r.id.clone(), r.id.clone(), r.id.clone());
    let note_error = Signal::derive(move || decide.value().get().and_then(Result::err).and_then(|e| e.field("note")));
    let note_id = format!("note-{}", r.id);
    view! {
        <li class="rounded border border-stone-200 p-2" data-testid="return">
            <p>{format!("{items} · {}{}", r.status, refunded.unwrap_or_default())} <span data-testid="return-status" hidden=true>{r.status.as_str()}</span></p>
            <p class="text-stone-700">{format!("Reason: {}", r.reason)}</p>
            {(!r.note.is_empty()).then(|| view! { <p class="text-stone-700">{format!("Answer: {}", r.note)}</p> })}
            {open.then(|| view! {
                <div class="mt-2 flex flex-wrap items-end gap-2">
                    {(r.status == ReturnStatus::Requested).then(|| view! {
                        <ActionForm action=decide>
                            <input type="hidden" name="id" value=id_a/><input type="hidden" name="return_id" value=r_a/>
                            <input type="hidden" name="action" value="approve"/><input type="hidden" name="note" value=""/>
                            <button type="submit" class=BUTTON_QUIET data-testid="approve-return">"Approve"</button>
                        </ActionForm>
                    })}
                    <ActionForm action=decide attr:class="flex flex-wrap items-center gap-2">
                        <input type="hidden" name="id" value=id_b/><input type="hidden" name="return_id" value=r_b/>
                        <input type="hidden" name="action" value="receive"/><input type="hidden" name="note" value=""/>
                        <label class="text-sm"><input type="checkbox" name="restock" value="on" checked=true/>" back on sale"</label>
                        <label class="text-sm"><input type="checkbox" name="refund" value="on" checked=true/>" refund"</label>
                        <button type="submit" class=BUTTON data-testid="receive-return">"Received"</button>
                    </ActionForm>
                    <ActionForm action=decide attr:class="flex flex-wrap items-center gap-2">
                        <input type="hidden" name="id" value=id_c/><input type="hidden" name="return_id" value=r_c/>
                        <input type="hidden" name="action" value="reject"/>
                        <label class="text-sm" for=note_id.clone()>"Why not"</label>
                        <input id=note_id.clone() name="note" class="rounded border border-stone-400 px-2 py-1" aria-describedby=format!("{note_id}-error")/>
                        <button type="submit" class=BUTTON_QUIET data-testid="reject-return">"Refuse"</button>
                        <FieldError id=format!("{note_id}-error") message=note_error/>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}
