//! `/admin`: every product in any status, searchable, filterable and
//! sortable (state in the URL), a page at a time by cursor, with bulk
//! actions on the rows ticked.

use super::{outcome, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::products_admin::{admin_products, AdminBulk};
use crate::api::catalog::taxonomy_admin::{admin_categories, admin_vendors};
use entities::catalog::{encode, VendorView};
use entities::catalog::{
    AdminCategoryNode, AdminProductFilter, AdminProductPage, BulkAction, ProductStatus, ADMIN_SORTS,
};
use entities::kernel::parse_percent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

/// Rows per page.
const PAGE_SIZE: u32 = 50;

/// The product list with its filters and bulk actions.
#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let some = |name: &str| q.get(name).filter(|v| !v.is_empty());
        AdminProductFilter {
            q: q.get("q").unwrap_or_default(),
            status: some("status"),
            category: some("category"),
            vendor: some("vendor"),
            sort: q.get("sort").unwrap_or_default(),
            cursor: some("cursor"),
            limit: PAGE_SIZE,
        }
    };
    let bulk = ServerAction::<AdminBulk>::new();
    let page = Resource::new(move || (filter(), bulk.version().get()), |(f, _)| admin_products(f));
    let choices = Resource::new(|| (), |_| async { (admin_categories().await, admin_vendors().await) });
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    view! {
        <Title text="Products · Admin"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
            <h1 class="text-2xl font-bold">"Products"</h1>
            <a href="/admin/products/new" class=BUTTON data-testid="new-product">"New product"</a>
        </div>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (categories, vendors) = choices.await;
                let categories = categories.unwrap_or_default();
                let f = filter();
                let list = match page.await {
                    Ok(found) => list_view(found, f.clone(), categories.clone(), selected, bulk),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                };
                view! {
                    {filter_form(&f, &categories, &vendors.unwrap_or_default())}
                    {list}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The filters as a GET form: the URL holds the list's state.
fn filter_form(f: &AdminProductFilter, categories: &[AdminCategoryNode], vendors: &[VendorView]) -> AnyView {
    let option = |value: String, label: String, current: Option<&str>| {
        let selected = current == Some(value.as_str());
        view! { <option value=value selected=selected>{label}</option> }
    };
    let status = f.status.as_deref();
    let category = f.category.as_deref();
    let vendor = f.vendor.as_deref();
    let sort = if f.sort.is_empty() { "newest" } else { f.sort.as_str() };
    view! {
        <form action="/admin" method="get" role="search" class="mb-4 grid gap-2 rounded border border-stone-300 bg-white p-3 md:grid-cols-6" data-testid="admin-filters">
            <div class="md:col-span-2">
                <label for="admin-q" class="block text-sm font-medium">"Search title, brand or SKU"</label>
                <input id="admin-q" name="q" type="search" value=f.q.clone() class=INPUT/>
            </div>
            <div>
                <label for="admin-status" class="block text-sm font-medium">"Status"</label>
                <select id="admin-status" name="status" class=INPUT>
                    <option value="">"Any"</option>
                    {ProductStatus::ALL.into_iter().map(|s| option(s.as_str().into(), s.label().into(), status)).collect_view()}
                </select>
            </div>
            <div>
                <label for="admin-category" class="block text-sm font-medium">"Category"</label>
                <select id="admin-category" name="category" class=INPUT>
                    <option value="">"Any"</option>
                    {categories.iter().map(|c| option(c.category.slug.clone(), indented(c), category)).collect_view()}
                </select>
            </div>
            <div>
                <label for="admin-vendor" class="block text-sm font-medium">"Vendor"</label>
                <select id="admin-vendor" name="vendor" class=INPUT>
                    <option value="">"Any"</option>
                    {vendors.iter().map(|v| option(v.slug.clone(), v.name.clone(), vendor)).collect_view()}
                </select>
            </div>
            <div>
                <label for="admin-sort" class="block text-sm font-medium">"Sort"</label>
                <select id="admin-sort" name="sort" class=INPUT>
                    {ADMIN_SORTS.iter().map(|(v, l)| option((*v).into(), (*l).into(), Some(sort))).collect_view()}
                </select>
            </div>
            <div class="flex gap-2 md:col-span-6">
                <button type="submit" class=BUTTON>"Apply filters"</button>
                <a href="/admin" class=BUTTON_QUIET>"Clear"</a>
            </div>
        </form>
    }
    .into_any()
}

/// A category's name, indented by its depth, for choices.
pub(crate) fn indented(c: &AdminCategoryNode) -> String {
    format!("{}{}", "\u{a0}\u{a0}".repeat(c.category.depth.max(0) as usize), c.category.name)
}

/// The list URL for `f` at `cursor`.
fn list_href(f: &AdminProductFilter, cursor: Option<&str>) -> String {
    let mut params: Vec<(&str, &str)> = Vec::new();
    if !f.q.is_empty() {
        params.push(("q", &f.q));
    }
    for (name, value) in [("status", &f.status), ("category", &f.category), ("vendor", &f.vendor)] {
        if let Some(v) = value {
            params.push((name, v));
        }
    }
    if !f.sort.is_empty() {
        params.push(("sort", &f.sort));
    }
    if let Some(c) = cursor {
        params.push(("cursor", c));
    }
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if query.is_empty() {
        "/admin".to_owned()
    } else {
        format!("/admin?{}", query.join("&"))
    }
}

fn list_view(
    found: AdminProductPage,
    f: AdminProductFilter,
    categories: Vec<AdminCategoryNode>,
    selected: RwSignal<BTreeSet<i64>>,
    bulk: ServerAction<AdminBulk>,
) -> AnyView {
    let page_ids: Vec<i64> = found.rows.iter().map(|r| r.id).collect();
    let all_ids = page_ids.clone();
    let all_ticked = move || !all_ids.is_empty() && all_ids.iter().all(|id| selected.read().contains(id));
    let next = found.next_cursor.as_deref().map(|c| list_href(&f, Some(c)));
    let first = f.cursor.is_some().then(|| list_href(&f, None));
    let rows = found
        .rows
        .into_iter()
        .map(|r| {
            let id = r.id;
            let price = crate::components::money(r.price_from_minor, &r.currency);
            let label = format!("Select {}", r.title);
            let badge = status_class(r.status);
            view! {
                <tr class="border-t border-stone-200" data-testid="admin-product-row">
                    <td class="p-2">
                        <input type="checkbox" aria-label=label data-testid="row-check"
                            prop:checked=move || selected.read().contains(&id)
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                            }/>
                    </td>
                    <td class="p-2"><a class="font-medium underline" href=format!("/admin/products/{id}")>{r.title}</a>
                        <span class="block text-xs text-stone-600">{r.brand}</span></td>
                    <td class="p-2"><span class=badge data-testid="row-status">{r.status.as_str()}</span></td>
                    <td class="p-2 text-sm">{r.vendor}</td>
                    <td class="p-2 text-sm">{r.category}</td>
                    <td class="p-2 text-right tabular-nums" data-testid="row-price">{price}</td>
                    <td class="p-2 text-right tabular-nums">{r.stock}</td>
                    <td class="p-2 text-right tabular-nums">{r.variants}</td>
                    <td class="p-2 text-sm text-stone-600">{r.updated_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="mb-2 text-stone-700" role="status" data-testid="admin-count">
            {format!("{} products match", found.total)}
        </p>
        <BulkBar selected categories bulk/>
        <div class="overflow-x-auto rounded border border-stone-300 bg-white">
            <table class="w-full text-left">
                <caption class="sr-only">"Products"</caption>
                <thead class="bg-stone-100 text-sm">
                    <tr>
                        <th class="p-2"><input type="checkbox" aria-label="Select all on this page" data-testid="check-all"
                            prop:checked=all_ticked
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                selected.update(|s| for id in &page_ids { if on { s.insert(*id); } else { s.remove(id); } });
                            }/></th>
                        <th class="p-2">"Product"</th>
                        <th class="p-2">"Status"</th>
                        <th class="p-2">"Vendor"</th>
                        <th class="p-2">"Category"</th>
                        <th class="p-2 text-right">"From"</th>
                        <th class="p-2 text-right">"Stock"</th>
                        <th class="p-2 text-right">"Variants"</th>
                        <th class="p-2">"Changed"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav aria-label="Pages" class="mt-3 flex gap-3">
            {first.map(|href| view! { <a class=BUTTON_QUIET href=href>"First page"</a> })}
            {next.map(|href| view! { <a class=BUTTON_QUIET href=href rel="next" data-testid="next-page">"Next page"</a> })}
        </nav>
    }
    .into_any()
}

fn status_class(status: ProductStatus) -> &'static str {
    match status {
        ProductStatus::Active => "rounded bg-green-100 px-2 py-0.5 text-sm text-green-900",
        ProductStatus::Draft => "rounded bg-stone-200 px-2 py-0.5 text-sm text-stone-900",
        ProductStatus::Archived => "rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-900",
    }
}

/// The bulk actions on the ticked rows.
#[component]
fn BulkBar(
    selected: RwSignal<BTreeSet<i64>>,
    categories: Vec<AdminCategoryNode>,
    bulk: ServerAction<AdminBulk>,
) -> impl IntoView {
    let action = RwSignal::new("publish".to_owned());
    let category = RwSignal::new(categories.first().map(|c| c.category.slug.clone()).unwrap_or_default());
    let percent = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let count = move || selected.read().len();
    let apply = move |_| {
        local_error.set(None);
        let chosen = match action.get().as_str() {
            "archive" => BulkAction::Archive,
            "unpublish" => BulkAction::Unpublish,
            "move" => BulkAction::MoveToCategory { category: category.get() },
            "price" => match parse_percent(&percent.get()) {
                Ok(basis_points) => BulkAction::AdjustPrice { basis_points },
                Err(message) => {
                    local_error.set(Some(message));
                    return;
                }
            },
            _ => BulkAction::Publish,
        };
        let ids: Vec<i64> = selected.get().into_iter().collect();
        bulk.dispatch(AdminBulk { ids, action: chosen });
    };
    // A finished action clears the ticks; the list reloads by itself.
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            selected.set(BTreeSet::new());
        }
    });
    let result = Signal::derive(move || bulk.value().get());
    view! {
        <div class="mb-3 flex flex-wrap items-end gap-2 rounded border border-stone-300 bg-stone-100 p-3" data-testid="bulk-bar">
            <p class="self-center font-medium" aria-live="polite">{move || format!("{} selected", count())}</p>
            <div>
                <label for="bulk-action" class="block text-sm">"Action"</label>
                <select id="bulk-action" class=INPUT data-testid="bulk-action"
                    on:change:target=move |ev| action.set(ev.target().value())>
                    <option value="publish">"Publish"</option>
                    <option value="archive">"Archive"</option>
                    <option value="unpublish">"Move to drafts"</option>
                    <option value="move">"Change category"</option>
                    <option value="price">"Adjust price by %"</option>
                </select>
            </div>
            <Show when=move || action.get() == "move">
                <div>
                    <label for="bulk-category" class="block text-sm">"New category"</label>
                    <select id="bulk-category" class=INPUT data-testid="bulk-category"
                        on:change:target=move |ev| category.set(ev.target().value())>
                        {categories.iter().map(|c| {
                            let slug = c.category.slug.clone();
                            let is = slug.clone();
                            view! { <option value=slug selected=move || category.get() == is>{indented(c)}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=move || action.get() == "price">
                <div>
                    <label for="bulk-percent" class="block text-sm">"Change in % (e.g. 10 or -15)"</label>
                    <input id="bulk-percent" class=INPUT inputmode="decimal" data-testid="bulk-percent"
                        aria-describedby="bulk-percent-error"
                        prop:value=move || percent.get() on:input:target=move |ev| percent.set(ev.target().value())/>
                    <super::FieldError id="bulk-percent-error" message=Signal::derive(move || {
                        local_error.get().or_else(|| bulk.value().get().and_then(Result::err).and_then(|e| e.field("percent")))
                    })/>
                </div>
            </Show>
            <button type="button" class=BUTTON data-testid="bulk-apply"
                disabled=move || count() == 0 || bulk.pending().get() on:click=apply>
                "Apply to selected"
            </button>
            <div class="w-full">{outcome(result, |r| format!("{} products changed.", r.changed))}</div>
        </div>
    }
}
