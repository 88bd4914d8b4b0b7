//! Search results with a filter sidebar. Every filter is a plain link and the
//! sort a plain form, so the page works without JavaScript, its state lives
//! in the URL (shareable; back and forward work), and counts stay right as
//! filters combine.

use crate::api::catalog::browse::search_products;
use crate::components::{
    pagination::Pagination,
    product_card::{HitGrid, ProductGrid},
};
use crate::pages::ErrorNotice;
use entities::catalog::{FacetValue, Facets, NoResultsHelp, SearchRequest, SearchResults, SEARCH_SORTS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The URL parameters a search page reads.
const PARAMS: [&str; 10] =
    ["q", "category", "vendor", "brand", "price", "rating", "in_stock", "option", "sort", "page"];

/// `/search?q=…` with the filters of [`SearchRequest`].
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let request = move || {
        let q = query.read();
        let pairs = PARAMS
            .iter()
            .flat_map(|name| q.get_all(name).unwrap_or_default().into_iter().map(move |v| (*name, v)))
            .collect::<Vec<_>>();
        // Values the page cannot use are left out, as if absent.
        SearchRequest::from_params(pairs).0
    };
    let results = Resource::new(request, search_products);
    view! {
        <Title text="Search"/>
        <Suspense fallback=|| view! { <p>"Searching…"</p> }>
            {move || Suspend::new(async move {
                let req = request();
                match results.await {
                    Ok(found) => results_view(req, found),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page for a search that answered. Kept out of the async block, and
/// its parts type-erased, so the render stays shallow on the stack.
fn results_view(req: SearchRequest, found: SearchResults) -> AnyView {
    let heading = if req.q.is_empty() { "All products".to_owned() } else { format!("Results for “{}”", req.q) };
    let page_req = req.clone();
    let body = match found.help {
        Some(help) => view! { <NoResults help request=req.clone()/> }.into_any(),
        None => view! { <HitGrid hits=found.hits/> }.into_any(),
    };
    view! {
        <h1 class="text-2xl font-bold">{heading}</h1>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
            <p class="text-stone-700" data-testid="result-count" role="status">{format!("{} products found", found.total)}</p>
            <SortForm request=req.clone()/>
        </div>
        <div class="grid gap-6 md:grid-cols-[15rem_1fr]">
            {filters(&req, found.facets)}
            <div>
                {body}
                <Pagination page=found.page total_pages=found.total_pages href=move |n| page_req.href(n)/>
            </div>
        </div>
    }
    .into_any()
}

/// The filter sidebar: each value links to the search with it switched on
/// or off (the category page uses it too, with its category preset).
pub(crate) fn filters(req: &SearchRequest, f: Facets) -> AnyView {
    let facet = |title: String, param: &'static str, values: Vec<FacetValue>, clear_as: Option<String>| {
        view! { <FacetList title param values request=req.clone() clear_as=clear_as.unwrap_or_default()/> }.into_any()
    };
    let mut lists = vec![
        facet("Category".into(), "category", f.categories, None),
        facet("Vendor".into(), "vendor", f.vendors, None),
        facet("Brand".into(), "brand", f.brands, None),
        facet("Price".into(), "price", f.price_ranges, None),
        facet("Rating".into(), "rating", f.ratings, None),
        facet("Availability".into(), "in_stock", f.in_stock.into_iter().collect(), None),
    ];
    for o in f.options {
        lists.push(facet(o.name.clone(), "option", o.values, Some(o.name)));
    }
    view! {
        <aside aria-label="Filters" class="space-y-6" data-testid="filters">
            {req.has_filters().then(|| view! {
                <a class="text-sm underline" href=req.without_filters().href(1) data-testid="clear-filters">"Clear all filters"</a>
            })}
            {lists}
        </aside>
    }
    .into_any()
}

/// The sort as a GET form that carries the other parameters along.
#[component]
fn SortForm(request: SearchRequest) -> impl IntoView {
    let current = request.sort.clone().unwrap_or_else(|| "relevance".to_owned());
    // The form posts the whole search again; its own field replaces the sort.
    let without_sort = SearchRequest { sort: None, ..request };
    let hidden: Vec<(String, String)> = without_sort
        .href(1)
        .trim_start_matches("/search?")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect();
    view! {
        <form action="/search" method="get" class="flex items-center gap-2 text-sm" data-testid="sort-form">
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <label for="sort">"Sort by"</label>
            <select id="sort" name="sort" class="rounded border border-stone-300 px-2 py-1">
                {SEARCH_SORTS.iter().map(|(key, label)| view! {
                    <option value=*key selected=current == *key>{*label}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="rounded border border-stone-300 px-2 py-1">"Apply"</button>
        </form>
    }
}

/// Undoes [`entities::catalog::encode`].
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| char::from(b).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One facet: its values as links that switch them on or off.
#[component]
fn FacetList(
    #[prop(into)] title: String,
    param: &'static str,
    values: Vec<FacetValue>,
    request: SearchRequest,
    /// What "Clear" clears: an option's name, or empty for the parameter itself.
    #[prop(optional, into)]
    clear_as: String,
) -> impl IntoView {
    let clear_as = Some(clear_as).filter(|c| !c.is_empty());
    if values.is_empty() {
        return ().into_any();
    }
    let any_selected = values.iter().any(|v| v.selected);
    let clear = any_selected.then(|| request.cleared(clear_as.as_deref().unwrap_or(param)).href(1));
    let id = format!("facet-{}", clear_as.as_deref().unwrap_or(param).to_lowercase().replace(' ', "-"));
    view! {
        <section data-testid=id.clone() aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title") class="mb-2 font-semibold">{title}</h2>
            <ul class="space-y-1 text-sm">
                {values.into_iter().map(|v| {
                    let href = request.toggled(param, &v.key).href(1);
                    let class = if v.selected { "font-semibold text-amber-800" } else { "text-stone-800" };
                    view! {
                        <li>
                            <a href=href class=class aria-current=v.selected.then_some("true") data-selected=v.selected.to_string()>
                                <span aria-hidden="true">{if v.selected { "☑ " } else { "☐ " }}</span>
                                {v.label} " (" {v.count} ")"
                                {v.selected.then(|| view! { <span class="sr-only">" (selected)"</span> })}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {clear.map(|href| view! { <a class="text-sm underline" href=href>"Clear"</a> })}
        </section>
    }
    .into_any()
}

/// What a search that found nothing shows instead of a blank.
#[component]
fn NoResults(help: NoResultsHelp, request: SearchRequest) -> impl IntoView {
    view! {
        <section data-testid="no-results" class="space-y-4">
            <p class="text-lg">"Nothing matched your search."</p>
            {help.without_filters.map(|n| view! {
                <p><a class="underline" href=request.without_filters().href(1)>{format!("{n} products match without your filters")}</a></p>
            })}
            {(!help.try_instead.is_empty()).then(|| view! {
                <p>"Try instead: "
                    {help.try_instead.into_iter().map(|t| {
                        let href = SearchRequest { q: t.key.clone(), ..request.clone() }.href(1);
                        view! { <a class="mr-3 underline" href=href data-testid="try-instead">{format!("“{}” ({})", t.label, t.count)}</a> }
                    }).collect_view()}
                </p>
            })}
            <p class="text-stone-700">"Check the spelling, use fewer words, or browse what other shoppers like:"</p>
            <h2 class="text-xl font-semibold">"Popular right now"</h2>
            <ProductGrid cards=help.popular/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_undoes_encoding() {
        for text in ["red shoe", "a&b=c/ü", "Size:M", "100%"] {
            assert_eq!(decode(&entities::catalog::encode(text)), text);
        }
    }
}
