//! Previous / next links with the current position.

use leptos::prelude::*;

/// Links to the previous and next page. `href` builds the URL of a page
/// number. A missing neighbour is shown as plain text, not a dead link.
#[component]
pub fn Pagination(page: u32, total_pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < total_pages).then(|| href(page + 1));
    let link = "rounded border border-stone-300 px-3 py-1 hover:bg-stone-100";
    let dead = "rounded border border-stone-200 px-3 py-1 text-stone-400";
    view! {
        <nav aria-label="Pagination" class="mt-6 flex items-center justify-center gap-4" data-testid="pagination">
            {match prev {
                Some(url) => view! { <a class=link rel="prev" href=url>"← Previous"</a> }.into_any(),
                None => view! { <span class=dead aria-disabled="true">"← Previous"</span> }.into_any(),
            }}
            <span>{format!("Page {page} of {total_pages}")}</span>
            {match next {
                Some(url) => view! { <a class=link rel="next" href=url>"Next →"</a> }.into_any(),
                None => view! { <span class=dead aria-disabled="true">"Next →"</span> }.into_any(),
            }}
        </nav>
    }
}
