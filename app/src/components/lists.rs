//! List pages' shared pieces: the staff table (a scrolling, captioned
//! table), and the link to the next, older page of a keyset list with the
//! filters carried along.

use leptos::prelude::*;

/// A staff list's table: scrolls sideways on narrow screens, its caption
/// read by screen readers. Its children are the `<thead>` and `<tbody>`.
#[component]
pub fn StaffTable(
    /// What the table lists (the caption).
    caption: &'static str,
    /// Extra classes on the frame (spacing).
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let frame = if class.is_empty() {
        "overflow-x-auto rounded border border-stone-300 bg-white".to_owned()
    } else {
        format!("{class} overflow-x-auto rounded border border-stone-300 bg-white")
    };
    view! {
        <div class=frame>
            <table class="w-full text-left text-sm">
                <caption class="sr-only">{caption}</caption>
                {children()}
            </table>
        </div>
    }
}

/// The query of the next page of a keyset list: `?after=<after>` and the
/// filters that are set.
pub fn next_page_query(after: impl std::fmt::Display, filters: &[(&str, Option<&str>)]) -> String {
    let mut query = format!("?after={after}");
    for (key, value) in filters {
        if let Some(value) = value {
            query.push_str(&format!("&{key}={value}"));
        }
    }
    query
}

/// The link to a list's next, older page.
#[component]
pub fn OlderLink(
    /// The page's address with its query.
    href: String,
    /// The link's `data-testid`.
    testid: &'static str,
    /// What it says.
    label: &'static str,
) -> impl IntoView {
    view! { <a class="mt-3 inline-block underline" href=href data-testid=testid>{label}</a> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_keeps_the_filters_that_are_set() {
        assert_eq!(next_page_query(41, &[("status", Some("paid")), ("vendor", None)]), "?after=41&status=paid");
        assert_eq!(next_page_query(7, &[]), "?after=7");
    }
}
