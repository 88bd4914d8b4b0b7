//! Hydrates the page the server rendered.

// The app's views are deeply nested types; instantiating them here needs
// more than the default 128 levels (see app/src/lib.rs).
#![recursion_limit = "256"]

/// Called by the generated JS once the WASM is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
