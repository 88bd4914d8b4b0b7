//! The account: sign-in, registration, the links sent by email, and the
//! customer dashboard (profile and security, address book, orders). Every
//! form works without JavaScript; each bad field gets its message beside
//! it, tied to the field and announced.

use super::ErrorNotice;
use crate::api::account::{
    confirm_email_change, current_account, get_profile, my_addresses, my_orders, verify_email, ChangeEmail,
    ChangePassword, DeleteAddress, ForgotPassword, Register, ResetPassword, SaveAddress, SignIn, SignOutEverywhere,
    UpdateProfile,
};
use crate::components::money;
use crate::error::AppError;
use entities::accounts::{AccountView, AddressInput, AddressView};
use entities::ordering::OrderHistory;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_query_map;

pub(crate) const INPUT: &str = "mt-1 w-full rounded border border-stone-500 px-3 py-2";
pub(crate) const BUTTON: &str = "rounded bg-amber-800 px-4 py-2 font-medium text-white disabled:opacity-50";
pub(crate) const CARD: &str = "rounded border border-stone-300 bg-white p-5";

/// A labelled input with its error message tied to it.
fn field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    message: Signal<Option<String>>,
) -> impl IntoView {
    field_as(id, id, label, kind, autocomplete, value, message)
}

/// [`field`] whose input is named `name` (when two forms on a page send
/// the same name, their ids must still differ).
#[allow(clippy::too_many_arguments)]
fn field_as(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label for=id class="block font-medium">{label}</label>
            <input id=id name=name type=kind autocomplete=autocomplete value=value class=INPUT
                required=!matches!(id, "line2" | "phone")
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=error_id.clone()/>
            <p id=error_id class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || message.get()}</p>
        </div>
    }
}

/// The message of `field` in the latest result of an action, if it failed there.
pub(crate) fn field_message<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, AppError>>>,
    names: &'static [&'static str],
) -> Signal<Option<String>> {
    Signal::derive(move || value.get().and_then(Result::err).and_then(|e| names.iter().find_map(|name| e.field(name))))
}

/// The form-wide message of a failed action (not a field's).
pub(crate) fn banner<T: Clone + Send + Sync + 'static>(value: Signal<Option<Result<T, AppError>>>) -> impl IntoView {
    move || {
        value.get().and_then(Result::err).filter(|e| !matches!(e, AppError::Fields(_))).map(|e| {
            view! { <p role="alert" class="rounded bg-red-50 px-3 py-2 text-red-900" data-testid="form-error">{e.to_string()}</p> }
        })
    }
}

/// A success note once `value` holds `Ok`.
pub(crate) fn done<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, AppError>>>,
    text: &'static str,
) -> impl IntoView {
    move || {
        matches!(value.get(), Some(Ok(_))).then(|| {
            view! { <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-900" data-testid="form-ok">{text}</p> }
        })
    }
}

/// `/account/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Sign in"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Sign in"</h1>
            <ActionForm action attr:class="space-y-3" attr:data-testid="sign-in-form">
                {banner(value)}
                <input type="hidden" name="next" value=next/>
                {field("email", "Email", "email", "username", String::new(), field_message(value, &["email"]))}
                {field("password", "Password", "password", "current-password", String::new(), field_message(value, &["password"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="mt-4 text-sm">
                <a class="underline" href="/account/forgot">"Forgot your password?"</a>
                " · "
                <a class="underline" href="/account/register">"Make an account"</a>
            </p>
        </section>
    }
}

/// `/account/sign-in/code`: the second step for accounts with two-factor
/// sign-in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = ServerAction::<crate::api::account::SignInCode>::new();
    let next = use_query_map().read_untracked().get("next").unwrap_or_default();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Your sign-in code"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Your sign-in code"</h1>
            <p class="mb-3">"Enter the six-digit code your authenticator app shows for this shop."</p>
            <ActionForm action attr:class="space-y-3" attr:data-testid="code-form">
                {banner(value)}
                <input type="hidden" name="next" value=next/>
                <div>
                    <label for="code" class="block font-medium">"Code"</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required
                        pattern="[0-9 ]{6,8}" class=INPUT
                        aria-invalid=move || field_message(value, &["code"]).get().is_some().then_some("true")
                        aria-describedby="code-error"/>
                    <p id="code-error" class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">
                        {move || field_message(value, &["code"]).get()}
                    </p>
                </div>
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="mt-4 text-sm"><a class="underline" href="/account/sign-in">"Start again"</a></p>
        </section>
    }
}

/// The security page's two-factor section (staff accounts).
#[component]
fn TwoFactorSection() -> impl IntoView {
    use crate::api::account::{two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor};
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let (b, c, d) = (successes(begin), successes(confirm), successes(disable));
    let state = Resource::new(move || (b.get(), c.get(), d.get()), |_| two_factor_status());
    let (bv, cv, dv) = (
        Signal::derive(move || begin.value().get()),
        Signal::derive(move || confirm.value().get()),
        Signal::derive(move || disable.value().get()),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(s) = state.await else { return ().into_any() };
                if !s.available {
                    return ().into_any();
                }
                let body = if s.enabled {
                    view! {
                        <p class="mb-3" data-testid="two-factor-on">"Two-factor sign-in is on: signing in asks for a code from your authenticator app."</p>
                        {s.required.then(|| view! { <p class="text-sm">"The shop requires it for staff accounts."</p> })}
                        {(!s.required).then(|| view! {
                            <ActionForm action=disable attr:class="space-y-3">
                                {banner(dv)}
                                {field_as("off-password", "password", "Your password", "password", "current-password", String::new(), field_message(dv, &["password"]))}
                                {field_as("off-code", "code", "A current code", "text", "one-time-code", String::new(), field_message(dv, &["code"]))}
                                <button type="submit" class="rounded border border-stone-500 px-3 py-2">"Turn two-factor sign-in off"</button>
                            </ActionForm>
                        })}
                    }.into_any()
                } else if let Some((key, uri)) = s.pending.clone() {
                    let grouped = key.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
                    view! {
                        <ol class="mb-3 list-decimal space-y-2 pl-5">
                            <li>"Add this key to your authenticator app (or open " <a class="underline" href=uri data-testid="otpauth-link">"this link"</a> " on your phone):"
                                <code class="mt-1 block break-all rounded bg-stone-100 p-2 text-lg" data-testid="two-factor-key">{grouped}</code></li>
                            <li>"Enter the code it shows to finish."</li>
                        </ol>
                        <ActionForm action=confirm attr:class="space-y-3" attr:data-testid="two-factor-confirm">
                            {banner(cv)}
                            {field_as("setup-code", "code", "Code from the app", "text", "one-time-code", String::new(), field_message(cv, &["code"]))}
                            <button type="submit" class=BUTTON>"Turn two-factor sign-in on"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        {s.required.then(|| view! {
                            <p role="alert" class="mb-3 rounded bg-amber-50 px-3 py-2 text-amber-950" data-testid="two-factor-required">
                                "The shop requires two-factor sign-in for staff: set it up to use the admin area."
                            </p>
                        })}
                        <p class="mb-3">"Protect this staff account with a code from an authenticator app at each sign-in."</p>
                        <ActionForm action=begin>
                            {banner(bv)}
                            <button type="submit" class=BUTTON data-testid="two-factor-begin">"Set up two-factor sign-in"</button>
                        </ActionForm>
                    }.into_any()
                };
                view! {
                    <section class=format!("mt-6 {CARD}") aria-labelledby="two-factor-heading">
                        <h2 id="two-factor-heading" class="mb-3 text-lg font-semibold">"Two-factor sign-in"</h2>
                        {body}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/account/register`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Make an account"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Make an account"</h1>
            <Show when=move || matches!(value.get(), Some(Ok(_)))
                fallback=move || view! {
                    <ActionForm action attr:class="space-y-3" attr:data-testid="register-form">
                        {banner(value)}
                        {field("name", "Your name", "text", "name", String::new(), field_message(value, &["name"]))}
                        {field("email", "Email", "email", "email", String::new(), field_message(value, &["email"]))}
                        {field("password", "Password (at least 12 characters)", "password", "new-password", String::new(), field_message(value, &["password"]))}
                        <div class="flex items-start gap-2">
                            <input id="marketing" name="marketing" type="checkbox" class="mt-1"/>
                            <label for="marketing">"Send me news and offers by email (you can stop them at any time)"</label>
                        </div>
                        <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Make my account"</button>
                    </ActionForm>
                }>
                <p role="status" data-testid="register-done">
                    "Thank you. We have sent an email to the address you gave: open the link in it to confirm the address, then sign in."
                </p>
            </Show>
            <p class="mt-4 text-sm">"Have an account? " <a class="underline" href="/account/sign-in">"Sign in"</a></p>
        </section>
    }
}

/// Using the token of an emailed link (a server function's future).
type TokenUse = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send>>;

/// A page that uses the token in its link at once (confirming an address).
fn token_page(title: &'static str, ok: &'static str, run: fn(String) -> TokenUse) -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let outcome = Resource::new(move || token.clone(), run);
    view! {
        <Title text=title/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">{title}</h1>
            <Suspense fallback=|| view! { <p>"One moment…"</p> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(()) => view! {
                            <p role="status" data-testid="link-ok">{ok} " "
                                <a class="underline" href="/account/sign-in">"Sign in"</a></p>
                        }.into_any(),
                        Err(e) => {
                            e.set_page_status();
                            view! { <p role="alert" data-testid="link-error">{e.to_string()}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/account/verify?token=…`: the link in the verification email.
#[component]
pub fn VerifyPage() -> impl IntoView {
    token_page("Confirm your email", "Your email address is confirmed.", |t| Box::pin(verify_email(t)))
}

/// `/account/confirm-email?token=…`: the link sent to a new address.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    token_page("Confirm your new email", "Your sign-in address is changed.", |t| Box::pin(confirm_email_change(t)))
}

/// `/account/forgot`.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Forgot your password"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Set a new password"</h1>
            <ActionForm action attr:class="space-y-3">
                {banner(value)}
                {done(value, "If this address has an account, we have sent it a link to set a new password.")}
                {field("email", "Email", "email", "email", String::new(), field_message(value, &["email"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Send me a link"</button>
            </ActionForm>
        </section>
    }
}

/// `/account/reset?token=…`: the link in the reset email.
#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let value = Signal::derive(move || action.value().get());
    let token = use_query_map().read_untracked().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Choose a new password"</h1>
            <ActionForm action attr:class="space-y-3">
                {banner(value)}
                {move || matches!(value.get(), Some(Ok(_))).then(|| view! {
                    <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-900" data-testid="form-ok">
                        "Your password is changed, and every device was signed out. "
                        <a class="underline" href="/account/sign-in">"Sign in"</a>
                    </p>
                })}
                <input type="hidden" name="token" value=token/>
                {field("password", "New password (at least 12 characters)", "password", "new-password", String::new(), field_message(value, &["password"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Set the password"</button>
            </ActionForm>
        </section>
    }
}

/// The frame of the dashboard (`/account/…`): its navigation and the page,
/// or a way to sign in.
#[component]
pub fn AccountArea() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_account());
    let owner = Owner::current().expect("the account area renders under an owner");
    let body = move || {
        let state = me.get();
        let owner = owner.clone();
        Unsuspend::new(move || match state {
            Some(Ok(Some(me))) => owner.with(|| dashboard_frame(me.name)),
            Some(Ok(None)) => {
                AppError::SignIn.set_page_status();
                view! {
                    <section class=format!("mx-auto max-w-md {CARD}") data-testid="please-sign-in">
                        <h1 class="mb-2 text-2xl font-bold">"Your account"</h1>
                        <p>"Please " <a class="underline" href="/account/sign-in?next=/account">"sign in"</a>
                           " or " <a class="underline" href="/account/register">"make an account"</a> "."</p>
                    </section>
                }
                .into_any()
            }
            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
            None => view! { <p>"Loading…"</p> }.into_any(),
        })
    };
    view! {
        <Title text="Your account"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>{body}</Transition>
    }
}

fn dashboard_frame(name: String) -> AnyView {
    let link =
        "block rounded px-3 py-2 hover:bg-stone-200 aria-[current=page]:bg-stone-800 aria-[current=page]:text-white";
    view! {
        <div class="grid gap-6 md:grid-cols-[12rem_1fr]">
            <nav aria-label="Your account" class="text-sm">
                <p class="mb-2 font-semibold" data-testid="account-name">{name}</p>
                <ul class="space-y-1">
                    <li><a class=link href="/account">"Profile and security"</a></li>
                    <li><a class=link href="/account/addresses">"Addresses"</a></li>
                    <li><a class=link href="/account/orders">"Orders"</a></li>
                    <li><a class=link href="/account/reviews">"Reviews"</a></li>
                    <li><a class=link href="/wishlist">"Wishlist"</a></li>
                    <li><a class=link href="/account/privacy">"Privacy"</a></li>
                </ul>
                <form method="post" action="/_sf/account/sign-out" class="mt-4">
                    <button type="submit" class="rounded border border-stone-500 px-3 py-1" data-testid="sign-out">"Sign out"</button>
                </form>
            </nav>
            <div class="min-w-0"><Outlet/></div>
        </div>
    }
    .into_any()
}

/// Counts the successes of `action`, so a page reloads its data after a
/// change went through, never after a refusal (which would wipe what was
/// typed).
pub(crate) fn successes<I, O>(action: ServerAction<I>) -> RwSignal<u32>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let count = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            count.update(|n| *n += 1);
        }
    });
    count
}

/// `/account`: the profile, the password, the email and the sessions.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let saved = successes(update);
    let profile = Resource::new(move || saved.get(), |_| get_profile());
    let picks = Resource::new(|| (), |_| crate::api::account::my_recommendations());
    let two_factor = view! { <TwoFactorSection/> };
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Profile and security"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => profile_forms(p, update).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        {two_factor}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match picks.await {
                    Ok(cards) if !cards.is_empty() => view! {
                        <section class="mt-8" aria-labelledby="picks-heading" data-testid="recommended">
                            <h2 id="picks-heading" class="mb-4 text-xl font-semibold">"Recommended for you"</h2>
                            <crate::components::product_card::ProductGrid cards/>
                        </section>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

fn profile_forms(p: AccountView, update: ServerAction<UpdateProfile>) -> impl IntoView {
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let (uv, pv, ev) = (
        Signal::derive(move || update.value().get()),
        Signal::derive(move || password.value().get()),
        Signal::derive(move || email.value().get()),
    );
    let consent_note =
        p.marketing_consent_at.map(|at| format!("Agreed on {}.", at.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
    view! {
        <div class="space-y-6">
            <section class=CARD aria-labelledby="profile-heading">
                <h2 id="profile-heading" class="mb-3 text-lg font-semibold">"Profile"</h2>
                <p class="mb-3 text-sm">"Signed in as " <strong data-testid="profile-email">{p.email.clone()}</strong></p>
                <ActionForm action=update attr:class="space-y-3" attr:data-testid="profile-form">
                    {banner(uv)}
                    {done(uv, "Saved.")}
                    {field("name", "Your name", "text", "name", p.name.clone(), field_message(uv, &["name"]))}
                    <div class="flex items-start gap-2">
                        <input id="profile-marketing" name="marketing" type="checkbox" class="mt-1" checked=p.marketing_consent/>
                        <label for="profile-marketing">"Send me news and offers by email " <span class="text-sm text-stone-700">{consent_note}</span></label>
                    </div>
                    <button type="submit" class=BUTTON>"Save"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="password-heading">
                <h2 id="password-heading" class="mb-3 text-lg font-semibold">"Password"</h2>
                <ActionForm action=password attr:class="space-y-3">
                    {banner(pv)}
                    {done(pv, "Your password is changed; other devices were signed out.")}
                    {field("current_password", "Current password", "password", "current-password", String::new(), field_message(pv, &["current_password"]))}
                    {field("new_password", "New password (at least 12 characters)", "password", "new-password", String::new(), field_message(pv, &["new_password"]))}
                    <button type="submit" class=BUTTON>"Change the password"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="email-heading">
                <h2 id="email-heading" class="mb-3 text-lg font-semibold">"Sign-in email"</h2>
                <ActionForm action=email attr:class="space-y-3">
                    {banner(ev)}
                    {done(ev, "We have sent a link to the new address; the change happens when you open it.")}
                    {field("new_email", "New email", "email", "email", String::new(), field_message(ev, &["new_email"]))}
                    {field("password", "Your password", "password", "current-password", String::new(), field_message(ev, &["password"]))}
                    <button type="submit" class=BUTTON>"Change the email"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="devices-heading">
                <h2 id="devices-heading" class="mb-3 text-lg font-semibold">"Devices"</h2>
                <ActionForm action=everywhere>
                    <button type="submit" class="rounded border border-stone-500 px-3 py-2" data-testid="sign-out-everywhere">
                        "Sign out of all devices"
                    </button>
                </ActionForm>
            </section>
        </div>
    }
}

/// `/account/addresses`: the address book.
#[component]
pub fn AddressesPage() -> impl IntoView {
    let save = ServerAction::<SaveAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let (saved, deleted) = (successes(save), successes(delete));
    // Which form was sent last (0: the new address), so only it shows the answer.
    let sent = RwSignal::new(None::<i64>);
    let book = Resource::new(move || (saved.get(), deleted.get()), |_| my_addresses());
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Addresses"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match book.await {
                    Ok(list) => address_book(list, save, delete, sent).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn address_book(
    list: Vec<AddressView>,
    save: ServerAction<SaveAddress>,
    delete: ServerAction<DeleteAddress>,
    sent: RwSignal<Option<i64>>,
) -> impl IntoView {
    let empty = list.is_empty();
    view! {
        <div class="space-y-6">
            {empty.then(|| view! { <p data-testid="no-addresses">"You have no saved addresses yet."</p> })}
            <ul class="grid gap-4 sm:grid-cols-2" data-testid="address-list">
                {list.into_iter().map(|a| {
                    let id = a.id;
                    let tags = [(a.address.default_shipping, "Default shipping"), (a.address.default_billing, "Default billing")]
                        .into_iter().filter(|(on, _)| *on).map(|(_, t)| t).collect::<Vec<_>>().join(" · ");
                    view! {
                        <li class=CARD data-testid="address">
                            <p class="font-semibold">{a.address.name.clone()}</p>
                            <p>{a.address.line1.clone()}</p>
                            <p>{a.address.line2.clone()}</p>
                            <p>{format!("{} {}", a.address.postal_code, a.address.city)}</p>
                            <p>{a.address.country.clone()}</p>
                            <p class="text-sm text-stone-700">{tags}</p>
                            <details class="mt-2">
                                <summary class="cursor-pointer underline">"Edit"</summary>
                                {address_form(Some(id), a.address.clone(), save, sent)}
                            </details>
                            <ActionForm action=delete attr:class="mt-2">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="text-sm text-red-800 underline">"Delete"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <section class=CARD aria-labelledby="new-address-heading">
                <h2 id="new-address-heading" class="mb-3 text-lg font-semibold">"Add an address"</h2>
                {address_form(None, AddressInput::default(), save, sent)}
            </section>
        </div>
    }
}

fn address_form(
    id: Option<i64>,
    a: AddressInput,
    save: ServerAction<SaveAddress>,
    sent: RwSignal<Option<i64>>,
) -> impl IntoView {
    let value = save.value();
    let this = id.unwrap_or(0);
    // Field messages belong to the form that was sent.
    let mine = move || value.get().is_some() && sent.get() == Some(this);
    let message = move |name: &'static str| {
        Signal::derive(move || {
            if !mine() {
                return None;
            }
            value.get().and_then(Result::err).and_then(|e| e.field(name))
        })
    };
    let key = id.map_or_else(|| "new".to_owned(), |i| i.to_string());
    let input = move |name: &'static str, label: &'static str, auto: &'static str, current: String| {
        let field_id = format!("{name}-{key}");
        let error_id = format!("{field_id}-error");
        let msg = message(match name {
            "phone" => "address.phone",
            "name" => "address.name",
            "line1" => "address.line1",
            "line2" => "address.line2",
            "postal_code" => "address.postal_code",
            "city" => "address.city",
            _ => "address.country",
        });
        view! {
            <div>
                <label for=field_id.clone() class="block font-medium">{label}</label>
                <input id=field_id name=name type="text" autocomplete=auto value=current class=INPUT
                    required=!matches!(name, "line2" | "phone")
                    aria-invalid=move || msg.get().is_some().then_some("true")
                    aria-describedby=error_id.clone()/>
                <p id=error_id class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || msg.get()}</p>
            </div>
        }
    };
    let ship_id = format!("default_shipping-{}", id.unwrap_or_default());
    let bill_id = format!("default_billing-{}", id.unwrap_or_default());
    view! {
        <ActionForm action=save attr:class="mt-2 space-y-3" attr:data-testid="address-form" on:submit=move |_| sent.set(Some(this))>
            {move || (mine() && matches!(value.get(), Some(Ok(_)))).then(|| view! { <p role="status" class="text-green-900">"Saved."</p> })}
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            {input("name", "Full name", "name", a.name)}
            {input("line1", "Street and number", "address-line1", a.line1)}
            {input("line2", "Flat, floor, company (optional)", "address-line2", a.line2)}
            {input("postal_code", "Postal code", "postal-code", a.postal_code)}
            {input("city", "City", "address-level2", a.city)}
            {input("country", "Country code (NL, DE, US…)", "country", a.country)}
            {input("phone", "Phone (optional)", "tel", a.phone)}
            <div class="flex items-center gap-2">
                <input id=ship_id.clone() name="default_shipping" type="checkbox" checked=a.default_shipping/>
                <label for=ship_id>"Default shipping address"</label>
            </div>
            <div class="flex items-center gap-2">
                <input id=bill_id.clone() name="default_billing" type="checkbox" checked=a.default_billing/>
                <label for=bill_id>"Default billing address"</label>
            </div>
            <button type="submit" class=BUTTON>"Save the address"</button>
        </ActionForm>
    }
}

/// `/account/privacy`: download one's data; delete the account.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let delete = ServerAction::<crate::api::privacy::DeleteAccount>::new();
    let value = Signal::derive(move || delete.value().get());
    view! {
        <Title text="Privacy"/>
        <h1 class="mb-4 text-2xl font-bold">"Privacy"</h1>
        <div class="space-y-6">
            <section class=CARD aria-labelledby="data-heading">
                <h2 id="data-heading" class="mb-2 text-lg font-semibold">"Your data"</h2>
                <p class="mb-3">"Download everything the shop holds about you — account, addresses, orders, wishlist, reviews and the emails we sent — as one JSON file."</p>
                <a href="/api/v1/me/data" download="" rel="external" class="inline-block rounded border border-stone-500 px-3 py-2" data-testid="download-data">"Download my data"</a>
                <p class="mt-3 text-sm">"Marketing email is agreed to or withdrawn on the " <a class="underline" href="/account">"profile"</a> " page."</p>
            </section>
            <section class=CARD aria-labelledby="delete-heading">
                <h2 id="delete-heading" class="mb-2 text-lg font-semibold">"Delete the account"</h2>
                <p class="mb-3">"Your addresses, wishlist, reviews and sign-in go for good. Orders stay in the shop's books, as the law requires, without your email or delivery details. An account with an order still on its way can be deleted once it has arrived."</p>
                <ActionForm action=delete attr:class="space-y-3" attr:data-testid="delete-account-form">
                    {banner(value)}
                    {field("password", "Your password, to confirm", "password", "current-password", String::new(), field_message(value, &["password"]))}
                    <button type="submit" class="rounded bg-red-800 px-4 py-2 font-medium text-white" disabled=move || delete.pending().get()>"Delete my account"</button>
                </ActionForm>
            </section>
        </div>
    }
}

/// `/account/orders`: the order history.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let history = Resource::new(move || query.read().get("before"), my_orders);
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Orders"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => order_list(h).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn order_list(h: OrderHistory) -> impl IntoView {
    if h.orders.is_empty() {
        return view! {
            <p data-testid="no-orders">"You have not ordered anything yet. " <a class="underline" href="/">"Find something you like"</a> "."</p>
        }
        .into_any();
    }
    let older = h.more.then(|| h.orders.last().map(|o| format!("/account/orders?before={}", o.id))).flatten();
    view! {
        <ul class="divide-y divide-stone-200 rounded border border-stone-300 bg-white" data-testid="order-list">
            {h.orders.into_iter().map(|o| view! {
                <li class="flex flex-wrap items-center justify-between gap-2 p-4" data-testid="order-row">
                    <div>
                        <a class="font-medium underline" href=format!("/orders/{}", o.id)>
                            {format!("Order of {}", o.created_at.format("%Y-%m-%d"))}
                        </a>
                        <p class="text-sm text-stone-700">{format!("{} item(s)", o.units)}</p>
                    </div>
                    <p data-testid="order-status">{super::order::status_text(o.status)}</p>
                    <p class="tabular-nums font-semibold">{money(o.total_minor, &o.currency)}</p>
                </li>
            }).collect_view()}
        </ul>
        {older.map(|href| view! { <p class="mt-4"><a class="underline" href=href>"Older orders"</a></p> })}
    }
    .into_any()
}
