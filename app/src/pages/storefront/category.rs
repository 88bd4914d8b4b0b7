//! A category: breadcrumbs, sub-categories, a filter sidebar and a
//! paginated product grid. The sidebar's values are links to the search page
//! with this category preset, so filtering works without JavaScript and the
//! filters live in the URL.

use crate::api::catalog::browse::{get_category_page, search_products};
use crate::components::{pagination::Pagination, product_card::ProductGrid};
use crate::pages::storefront::search::filters;
use crate::pages::ErrorNotice;
use entities::catalog::SearchRequest;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/c/:slug?page=N`.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let slug = params.read().get("slug").unwrap_or_default();
        let page = query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        (slug, page)
    };
    let data = Resource::new(key, |(slug, page)| get_category_page(slug, page));
    let facets = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| search_products(SearchRequest { category: Some(slug), page: 1, ..Default::default() }),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => {
                        let slug = page.category.slug.clone();
                        view! {
                            <Title text=page.category.name.clone()/>
                            <nav aria-label="Breadcrumb" class="mb-2 text-sm text-stone-700">
                                <a href="/">"Home"</a>
                                {page.breadcrumbs.iter().map(|c| view! { " / " <a href=format!("/c/{}", c.slug)>{c.name.clone()}</a> }).collect_view()}
                            </nav>
                            <h1 class="text-2xl font-bold">{page.category.name.clone()}</h1>
                            <p class="mb-4 text-stone-700">{format!("{} products", page.total_products)}</p>
                            <ul class="mb-6 flex flex-wrap gap-2">
                                {page.children.iter().map(|c| view! {
                                    <li><a class="rounded-full border border-stone-300 bg-white px-3 py-1 text-sm" href=format!("/c/{}", c.slug)>{c.name.clone()}</a></li>
                                }).collect_view()}
                            </ul>
                            <div class="grid gap-6 md:grid-cols-[15rem_1fr]">
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        let slug = params.read_untracked().get("slug").unwrap_or_default();
                                        let request = SearchRequest { category: Some(slug), page: 1, ..Default::default() };
                                        facets.await.ok().map(|found| filters(&request, found.facets))
                                    })}
                                </Suspense>
                                <div>
                                    <ProductGrid cards=page.products/>
                                    <Pagination page=page.page total_pages=page.total_pages href=move |n| format!("/c/{slug}?page={n}")/>
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
