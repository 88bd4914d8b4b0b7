//! Component tests in a real browser (headless Chromium through
//! wasm-bindgen-test). Run by `./dev.sh test`.
#![cfg(target_arch = "wasm32")]

use app::components::cart_badge::CartBadge;
use app::components::pagination::Pagination;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = document();
    let div = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&div).expect("append");
    div.unchecked_into()
}

#[wasm_bindgen_test]
async fn the_cart_badge_follows_its_count_live_and_says_it_to_screen_readers() {
    let root = container();
    let count = RwSignal::new(0_u32);
    let _mounted = leptos::mount::mount_to(root.clone(), move || view! { <CartBadge count/> });
    let number = root.query_selector("[data-testid=cart-count]").unwrap().expect("count element");
    let link = root.query_selector("a").unwrap().expect("badge link");
    assert_eq!(number.text_content().as_deref(), Some("0"));

    count.set(1);
    leptos::task::tick().await;
    assert_eq!(number.text_content().as_deref(), Some("1"));
    assert_eq!(link.get_attribute("aria-label").as_deref(), Some("Cart, 1 item"));

    count.set(3);
    leptos::task::tick().await;
    assert_eq!(number.text_content().as_deref(), Some("3"));
    assert_eq!(link.get_attribute("aria-label").as_deref(), Some("Cart, 3 items"));
}

#[wasm_bindgen_test]
fn pagination_links_only_to_pages_that_exist() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || {
        view! { <Pagination page=1 total_pages=3 href=|n| format!("/c/x?page={n}")/> }
    });
    let links = root.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "no previous link on the first page");
    let next: web_sys::Element = links.item(0).unwrap().unchecked_into();
    assert_eq!(next.get_attribute("href").as_deref(), Some("/c/x?page=2"));
    assert!(root.text_content().unwrap().contains("Page 1 of 3"));
}

#[wasm_bindgen_test]
fn search_matches_are_marked_in_titles() {
    use app::components::product_card::Marked;
    use entities::catalog::Mark;
    let root = container();
    let marks = vec![Mark { start: 0, end: 4 }, Mark { start: 10, end: 17 }];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <Marked text="Cosy Wool Sweater".to_owned() marks/> }
    });
    let marked = root.query_selector_all("mark").unwrap();
    assert_eq!(marked.length(), 2);
    let text = |i| marked.item(i).unwrap().text_content().unwrap();
    assert_eq!((text(0), text(1)), ("Cosy".to_owned(), "Sweater".to_owned()));
    assert_eq!(root.text_content().as_deref(), Some("Cosy Wool Sweater"), "nothing lost between the marks");
}
