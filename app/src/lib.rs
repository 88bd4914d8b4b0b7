//! Bazaar's storefront: the Leptos app rendered on the server and hydrated in
//! the browser.

// Leptos views are deeply nested types; the hydrate build of the search page
// needs more than the default 128 levels to compute their layout.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
pub mod security;
pub mod session;

use components::layout::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    security::send_page_policy();
    let nonce = security::nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // Stripe's card field on the order page (does nothing elsewhere).
                <script src="/stripe-pay.js" defer nonce=nonce></script>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// The storefront: header, routes and the not-found page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    api::ordering::cart::provide_cart();
    api::ordering::wishlist::provide_wishlist();
    mark_hydrated();

    view! {
        <Stylesheet id="leptos" href="/pkg/bazaar.css"/>
        <Title formatter=|title| format!("{title} · Bazaar")/>
        <Router>
            <StoreHeader/>
            <main id="main" class="mx-auto max-w-6xl px-4 py-6">
                <Routes fallback=pages::storefront::not_found::NotFound>
                    <Route path=path!("/") view=pages::storefront::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:slug") view=pages::storefront::category::CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/p/:slug") view=pages::storefront::product::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=pages::storefront::search::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=pages::storefront::cart::CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view=pages::storefront::checkout::CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:id") view=pages::storefront::order::OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/wishlist") view=pages::storefront::wishlist::WishlistPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in") view=pages::account::sign_in::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in/code") view=pages::account::sign_in::SignInCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view=pages::account::registration::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/verify") view=pages::account::registration::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm-email") view=pages::account::registration::ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot") view=pages::account::passwords::ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset") view=pages::account::passwords::ResetPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/account") view=pages::account::area::AccountArea ssr=SsrMode::Async>
                        <Route path=path!("") view=pages::account::profile::ProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("addresses") view=pages::account::addresses::AddressesPage ssr=SsrMode::Async/>
                        <Route path=path!("orders") view=pages::account::orders::OrdersPage ssr=SsrMode::Async/>
                        <Route path=path!("reviews") view=pages::account::reviews::MyReviewsPage ssr=SsrMode::Async/>
                        <Route path=path!("privacy") view=pages::account::privacy::PrivacyPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/admin") view=pages::admin::AdminArea ssr=SsrMode::Async>
                        <Route path=path!("") view=pages::admin::products::ProductsPage ssr=SsrMode::Async/>
                        <Route path=path!("products/new") view=pages::admin::editor::NewProductPage ssr=SsrMode::Async/>
                        <Route path=path!("products/:id") view=pages::admin::editor::EditProductPage ssr=SsrMode::Async/>
                        <Route path=path!("categories") view=pages::admin::categories::CategoriesPage ssr=SsrMode::Async/>
                        <Route path=path!("import") view=pages::admin::csv::CsvPage ssr=SsrMode::Async/>
                        <Route path=path!("payments") view=pages::admin::payments::PaymentsPage ssr=SsrMode::Async/>
                        <Route path=path!("orders") view=pages::admin::orders::OrdersPage ssr=SsrMode::Async/>
                        <Route path=path!("orders/:id") view=pages::admin::orders::OrderPage ssr=SsrMode::Async/>
                        <Route path=path!("reviews") view=pages::admin::reviews::ReviewsPage ssr=SsrMode::Async/>
                        <Route path=path!("customers") view=pages::admin::customers::CustomersPage ssr=SsrMode::Async/>
                        <Route path=path!("staff") view=pages::admin::staff::StaffPage ssr=SsrMode::Async/>
                        <Route path=path!("fulfilment") view=pages::admin::fulfilment::FulfilmentPage ssr=SsrMode::Async/>
                        <Route path=path!("fulfilment/:id") view=pages::admin::fulfilment::PartPage ssr=SsrMode::Async/>
                        <Route path=path!("gift-cards") view=pages::admin::gift_cards::GiftCardsPage ssr=SsrMode::Async/>
                        <Route path=path!("coupons") view=pages::admin::coupons::CouponsPage ssr=SsrMode::Async/>
                        <Route path=path!("shipping") view=pages::admin::shipping::ShippingPage ssr=SsrMode::Async/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// The storefront's header everywhere but in the admin area, which has its own.
#[component]
fn StoreHeader() -> impl IntoView {
    let location = use_location();
    move || (!location.pathname.get().starts_with("/admin")).then(|| view! { <Header/> })
}

/// Puts `data-hydrated` on `<body>` once the WASM has taken over, so browser
/// tests can wait for interactivity instead of guessing.
fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
