//! The admin area: sign-in, the catalog's product list, product editor,
//! category tree and CSV import/export. Every page asks the server who is
//! acting; the server functions decide what that actor may do.

pub mod categories;
pub mod coupons;
pub mod csv;
pub mod customers;
pub mod editor;
pub mod fulfilment;
pub mod gift_cards;
pub mod orders;
pub mod payments;
pub mod product_images;
pub mod product_variants;
pub mod products;
pub mod reviews;
pub mod shipping;
pub mod staff;

use crate::api::accounts::admin_sign_in::{admin_status, AdminSignIn, AdminSignOut};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

/// The admin session's actions, for pages that need to refetch after them.
#[derive(Clone, Copy)]
pub struct AdminSession {
    /// Signs in.
    pub sign_in: ServerAction<AdminSignIn>,
    /// Signs out.
    pub sign_out: ServerAction<AdminSignOut>,
}

/// The frame of every admin page: the sign-in form when nobody is signed in,
/// else the admin navigation and the page.
#[component]
pub fn AdminArea() -> impl IntoView {
    let sign_in = ServerAction::<AdminSignIn>::new();
    let sign_out = ServerAction::<AdminSignOut>::new();
    provide_context(AdminSession { sign_in, sign_out });
    let status = Resource::new(move || (sign_in.version().get(), sign_out.version().get()), |_| admin_status());
    // As the router's protected routes do: the frame (and the page in its
    // outlet) is made once the status is known, under this component's
    // owner, and outside the Transition's suspense, so the page's own
    // resources are created once, in the same order on server and browser.
    let owner = Owner::current().expect("the admin area renders under an owner");
    let body = move || {
        let state = status.get();
        let owner = owner.clone();
        Unsuspend::new(move || match state {
            Some(Ok(true)) => owner.with(|| signed_in_frame(sign_out)),
            Some(Ok(false)) => sign_in_form(sign_in),
            Some(Err(error)) => view! { <super::ErrorNotice error/> }.into_any(),
            None => view! { <p>"Loading…"</p> }.into_any(),
        })
    };
    view! {
        <Title text="Admin"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>{body}</Transition>
    }
}

fn signed_in_frame(sign_out: ServerAction<AdminSignOut>) -> AnyView {
    let link = "rounded px-3 py-1 hover:bg-stone-200 aria-[current=page]:bg-stone-800 aria-[current=page]:text-white";
    view! {
        <header class="mb-6 flex flex-wrap items-center gap-4 border-b border-stone-300 pb-3">
            <a href="/admin" class="text-xl font-bold text-amber-700">"Bazaar admin"</a>
            <nav aria-label="Admin" class="flex flex-wrap gap-1 text-sm">
                <a class=link href="/admin">"Products"</a>
                <a class=link href="/admin/categories">"Categories"</a>
                <a class=link href="/admin/import">"Import and export"</a>
                <a class=link href="/admin/orders">"Orders"</a>
                <a class=link href="/admin/fulfilment">"Fulfilment"</a>
                <a class=link href="/admin/payments">"Payments"</a>
                <a class=link href="/admin/gift-cards">"Gift cards"</a>
                <a class=link href="/admin/coupons">"Coupons"</a>
                <a class=link href="/admin/shipping">"Shipping and tax"</a>
                <a class=link href="/admin/reviews">"Reviews"</a>
                <a class=link href="/admin/customers">"Customers"</a>
                <a class=link href="/admin/staff">"Staff"</a>
                <a class=link href="/">"View the shop"</a>
            </nav>
            <ActionForm action=sign_out attr:class="ml-auto">
                <button type="submit" class="rounded border border-stone-400 px-3 py-1 text-sm" data-testid="sign-out">
                    "Sign out"
                </button>
            </ActionForm>
        </header>
        <Outlet/>
    }
    .into_any()
}

fn sign_in_form(sign_in: ServerAction<AdminSignIn>) -> AnyView {
    // The page answers 401 while nobody is signed in.
    AppError::SignIn.set_page_status();
    let error = move || sign_in.value().get().and_then(Result::err);
    view! {
        <section class="mx-auto max-w-md rounded border border-stone-300 bg-white p-6" data-testid="admin-sign-in">
            <h1 class="mb-2 text-2xl font-bold">"Sign in to the admin"</h1>
            <p class="mb-4 text-sm text-stone-700">
                "Enter the admin token from the shop's configuration (" <code>"api.admin_token"</code> ")."
            </p>
            <ActionForm action=sign_in>
                <label for="admin-token" class="block font-medium">"Admin token"</label>
                <input id="admin-token" name="token" type="password" required autocomplete="current-password"
                    class="mt-1 w-full rounded border border-stone-400 px-3 py-2"
                    aria-invalid=move || error().is_some().then_some("true")
                    aria-describedby="admin-token-error"/>
                <FieldError id="admin-token-error" message=Signal::derive(move || error().map(|e| e.field("token").unwrap_or_else(|| e.to_string())))/>
                <button type="submit" class="mt-4 rounded bg-amber-700 px-4 py-2 font-medium text-white">"Sign in"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// A field's error message, announced to screen readers; empty when fine.
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="mt-1 text-sm text-red-700" aria-live="polite" data-testid="field-error">
            {move || message.get()}
        </p>
    }
}

/// What a finished action said: its error in a banner, or `ok` as a status.
pub fn outcome<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, AppError>>>,
    ok: impl Fn(&T) -> String + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        match value.get() {
        Some(Ok(v)) => {
            view! { <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-800" data-testid="action-ok">{ok(&v)}</p> }
                .into_any()
        }
        Some(Err(e)) => {
            view! { <p role="alert" class="rounded bg-red-50 px-3 py-2 text-red-800" data-testid="action-error">{e.to_string()}</p> }
                .into_any()
        }
        None => ().into_any(),
    }
    }
}

/// The classes of a text input.
pub const INPUT: &str = "w-full rounded border border-stone-400 px-2 py-1";
/// The classes of a primary button.
pub const BUTTON: &str = "rounded bg-amber-700 px-3 py-1 font-medium text-white disabled:opacity-50";
/// The classes of a secondary button.
pub const BUTTON_QUIET: &str = "rounded border border-stone-400 px-3 py-1 disabled:opacity-50";

/// An upload action: in the browser it sends a form's data as multipart to
/// a server function; on the server it never runs (the form posts itself
/// there when JavaScript is off), but the type must exist.
#[cfg(feature = "hydrate")]
pub type FormAction<T> = Action<leptos::web_sys::FormData, Result<T, AppError>>;
/// See the hydrate build's definition.
#[cfg(not(feature = "hydrate"))]
pub type FormAction<T> = Action<(), Result<T, AppError>>;

/// An upload action that calls `call` with the submitted form's data.
#[cfg(feature = "hydrate")]
pub fn form_action<T, Fut>(call: impl Fn(leptos::server_fn::codec::MultipartData) -> Fut + 'static) -> FormAction<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    Action::new_local(move |data: &leptos::web_sys::FormData| call(data.clone().into()))
}

/// See the hydrate build's definition.
#[cfg(not(feature = "hydrate"))]
pub fn form_action<T, Fut>(_call: impl Fn(leptos::server_fn::codec::MultipartData) -> Fut + 'static) -> FormAction<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    Action::new_local(|_: &()| async { Err(AppError::Internal) })
}

/// Sends a submitted form through `action` instead of a page load, then
/// clears the form.
#[cfg(feature = "hydrate")]
pub fn submit_form<T: Send + Sync + 'static>(ev: leptos::ev::SubmitEvent, action: FormAction<T>) {
    use leptos::wasm_bindgen::JsCast;
    ev.prevent_default();
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok()) else {
        return;
    };
    if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) {
        action.dispatch_local(data);
        form.reset();
    }
}

/// See the hydrate build's definition.
#[cfg(not(feature = "hydrate"))]
pub fn submit_form<T: Send + Sync + 'static>(_ev: leptos::ev::SubmitEvent, _action: FormAction<T>) {}
