//! The order history.

use crate::api::accounts::profile::my_orders;
use crate::components::money;
use crate::pages::ErrorNotice;
use entities::ordering::OrderHistory;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/account/orders`: the order history.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let history = Resource::new(move || query.read().get("before"), my_orders);
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Orders"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => order_list(h).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn order_list(h: OrderHistory) -> impl IntoView {
    if h.orders.is_empty() {
        return view! {
            <p data-testid="no-orders">"You have not ordered anything yet. " <a class="underline" href="/">"Find something you like"</a> "."</p>
        }
        .into_any();
    }
    let older = h.more.then(|| h.orders.last().map(|o| format!("/account/orders?before={}", o.id))).flatten();
    view! {
        <ul class="divide-y divide-stone-200 rounded border border-stone-300 bg-white" data-testid="order-list">
            {h.orders.into_iter().map(|o| view! {
                <li class="flex flex-wrap items-center justify-between gap-2 p-4" data-testid="order-row">
                    <div>
                        <a class="font-medium underline" href=format!("/orders/{}", o.id)>
                            {format!("Order of {}", o.created_at.format("%Y-%m-%d"))}
                        </a>
                        <p class="text-sm text-stone-700">{format!("{} item(s)", o.units)}</p>
                    </div>
                    <p data-testid="order-status">{crate::pages::storefront::order::status_text(o.status)}</p>
                    <p class="tabular-nums font-semibold">{money(o.total_minor, &o.currency)}</p>
                </li>
            }).collect_view()}
        </ul>
        {older.map(|href| view! { <p class="mt-4"><a class="underline" href=href>"Older orders"</a></p> })}
    }
    .into_any()
}
