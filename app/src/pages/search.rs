//! Search results with facets. Filters are links, so they work without
//! JavaScript and can be shared.

use super::ErrorNotice;
use crate::api::catalog::search_products;
use crate::components::{pagination::Pagination, product_card::ProductGrid};
use entities::views::{FacetValue, SearchRequest};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/search?q=…&category=…&vendor=…&price=…&page=…`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let request = move || {
        let q = query.read();
        SearchRequest {
            q: q.get("q").unwrap_or_default(),
            category: q.get("category"),
            vendor: q.get("vendor"),
            price: q.get("price"),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    };
    let results = Resource::new(request, search_products);
    view! {
        <Title text="Search"/>
        <Suspense fallback=|| view! { <p>"Searching…"</p> }>
            {move || Suspend::new(async move {
                let req = request();
                match results.await {
                    Ok(found) => {
                        let heading = if req.q.is_empty() { "All products".to_owned() } else { format!("Results for “{}”", req.q) };
                        let page_req = req.clone();
                        view! {
                            <h1 class="text-2xl font-bold">{heading}</h1>
                            <p class="mb-4 text-stone-700" data-testid="result-count">{format!("{} products found", found.total)}</p>
                            <div class="grid gap-6 md:grid-cols-[14rem_1fr]">
                                <aside aria-label="Filters" class="space-y-6">
                                    <FacetList title="Category" param="category" values=found.facets.categories.clone() request=req.clone()/>
                                    <FacetList title="Vendor" param="vendor" values=found.facets.vendors.clone() request=req.clone()/>
                                    <FacetList title="Price" param="price" values=found.facets.price_ranges.clone() request=req.clone()/>
                                </aside>
                                <div>
                                    {if found.hits.is_empty() {
                                        view! { <p data-testid="no-results">"Nothing matched. Try fewer words or another spelling."</p> }.into_any()
                                    } else {
                                        view! { <ProductGrid cards=found.hits/> }.into_any()
                                    }}
                                    <Pagination page=found.page total_pages=found.total_pages href=move |n| search_href(&page_req, None, n)/>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FacetList(
    title: &'static str,
    param: &'static str,
    values: Vec<FacetValue>,
    request: SearchRequest,
) -> impl IntoView {
    let selected = match param {
        "category" => request.category.clone(),
        "vendor" => request.vendor.clone(),
        _ => request.price.clone(),
    };
    let clear = selected.as_ref().map(|_| search_href(&request, Some((param, None)), 1));
    view! {
        <section data-testid=format!("facet-{param}")>
            <h2 class="mb-2 font-semibold">{title}</h2>
            <ul class="space-y-1 text-sm">
                {values.into_iter().map(|v| {
                    let active = selected.as_deref() == Some(v.key.as_str());
                    let href = search_href(&request, Some((param, Some(v.key.clone()))), 1);
                    view! {
                        <li><a href=href class=if active { "font-semibold text-amber-800" } else { "text-stone-800" } aria-current=active.then_some("true")>
                            {v.label} " (" {v.count} ")"
                        </a></li>
                    }
                }).collect_view()}
            </ul>
            {clear.map(|href| view! { <a class="text-sm underline" href=href>"Clear"</a> })}
        </section>
    }
}

/// The URL of a search page with one parameter changed.
fn search_href(request: &SearchRequest, change: Option<(&str, Option<String>)>, page: u32) -> String {
    let mut r = request.clone();
    if let Some((param, value)) = change {
        match param {
            "category" => r.category = value,
            "vendor" => r.vendor = value,
            _ => r.price = value,
        }
    }
    let mut parts = vec![format!("q={}", encode(&r.q))];
    for (name, value) in [("category", &r.category), ("vendor", &r.vendor), ("price", &r.price)] {
        if let Some(v) = value {
            parts.push(format!("{name}={}", encode(v)));
        }
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/search?{}", parts.join("&"))
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_links_keep_other_filters_and_reset_the_page() {
        let req = SearchRequest { q: "red shoe".into(), vendor: Some("acme".into()), page: 3, ..Default::default() };
        assert_eq!(
            search_href(&req, Some(("price", Some("25-50".into()))), 1),
            "/search?q=red+shoe&vendor=acme&price=25-50"
        );
        assert_eq!(search_href(&req, Some(("vendor", None)), 2), "/search?q=red+shoe&page=2");
    }

    #[test]
    fn query_text_is_percent_encoded() {
        assert_eq!(encode("a&b=c/ü"), "a%26b%3Dc%2F%C3%BC");
    }
}
