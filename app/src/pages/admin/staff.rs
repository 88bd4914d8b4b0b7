//! `/admin/staff`: the staff accounts, inviting one (an emailed link to
//! choose a password), and requiring two-factor sign-in of all staff.

use super::{outcome, FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::accounts::staff::{staff_members, InviteStaff, RequireTwoFactor};
use crate::api::catalog::taxonomy_admin::admin_vendors;
use entities::accounts::Role;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The staff page.
#[component]
pub fn StaffPage() -> impl IntoView {
    let invite = ServerAction::<InviteStaff>::new();
    let require = ServerAction::<RequireTwoFactor>::new();
    let (invited, changed) =
        (crate::components::forms::successes(invite), crate::components::forms::successes(require));
    let list = Resource::new(move || (invited.get(), changed.get()), |_| staff_members());
    let vendors = Resource::new(|| (), |_| admin_vendors());
    let iv = Signal::derive(move || invite.value().get());
    let rv = Signal::derive(move || require.value().get());
    let error =
        move |name: &'static str| Signal::derive(move || iv.get().and_then(Result::err).and_then(|e| e.field(name)));
    view! {
        <Title text="Staff · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Staff"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok((members, required)) => view! {
                        <section class="mb-6 rounded border border-stone-300 bg-white p-4" aria-labelledby="require-heading">
                            <h2 id="require-heading" class="mb-2 text-lg font-semibold">"Two-factor sign-in"</h2>
                            {outcome(rv, |on: &bool| if *on { "Staff must now use two-factor sign-in.".to_owned() } else { "Two-factor sign-in is now optional.".to_owned() })}
                            <ActionForm action=require attr:class="flex flex-wrap items-center gap-3">
                                <input id="require-2fa" type="checkbox" name="required" value="yes" checked=required/>
                                <label for="require-2fa">"Require two-factor sign-in for every staff account"</label>
                                <button type="submit" class=BUTTON_QUIET data-testid="save-require">"Save"</button>
                            </ActionForm>
                        </section>
                        <div class="overflow-x-auto">
                        <table class="w-full border-collapse text-left text-sm" data-testid="staff">
                            <thead><tr class="border-b border-stone-300">
                                <th scope="col" class="py-2">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                                <th scope="col">"Two-factor"</th><th scope="col">"State"</th>
                            </tr></thead>
                            <tbody>
                                {members.into_iter().map(|m| view! {
                                    <tr class="border-b border-stone-200" data-testid="staff-row">
                                        <td class="py-2">{m.name}</td><td>{m.email}</td>
                                        <td>{m.role.as_str()}</td>
                                        <td>{if m.two_factor { "on" } else { "off" }}</td>
                                        <td>{if m.active { "active" } else { "invited" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <section class="mt-6 rounded border border-stone-300 bg-white p-4" aria-labelledby="invite-heading">
            <h2 id="invite-heading" class="mb-2 text-lg font-semibold">"Invite a staff member"</h2>
            {outcome(iv, |_: &i64| "Invited: they have an email with a link to choose their password.".to_owned())}
            <ActionForm action=invite attr:class="grid gap-3 sm:grid-cols-2" attr:data-testid="invite-form">
                <div>
                    <label for="invite-email" class="block text-sm font-medium">"Email"</label>
                    <input id="invite-email" name="email" type="email" required class=INPUT aria-describedby="invite-email-error"/>
                    <FieldError id="invite-email-error" message=error("email")/>
                </div>
                <div>
                    <label for="invite-name" class="block text-sm font-medium">"Name"</label>
                    <input id="invite-name" name="name" type="text" required class=INPUT aria-describedby="invite-name-error"/>
                    <FieldError id="invite-name-error" message=error("name")/>
                </div>
                <div>
                    <label for="invite-role" class="block text-sm font-medium">"Role"</label>
                    <select id="invite-role" name="role" class=INPUT aria-describedby="invite-role-error">
                        <option value=Role::Support.as_str()>"Support (reads orders and customers)"</option>
                        <option value=Role::VendorStaff.as_str()>"Vendor staff (one vendor's catalog)"</option>
                        <option value=Role::Admin.as_str()>"Admin (everything)"</option>
                    </select>
                    <FieldError id="invite-role-error" message=error("role")/>
                </div>
                <div>
                    <label for="invite-vendor" class="block text-sm font-medium">"Vendor (for vendor staff)"</label>
                    <select id="invite-vendor" name="vendor" class=INPUT aria-describedby="invite-vendor-error">
                        <option value="">"—"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                vendors.await.unwrap_or_default().into_iter().map(|v| view! {
                                    <option value=v.slug>{v.name}</option>
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                    <FieldError id="invite-vendor-error" message=error("vendor")/>
                </div>
                <div><button type="submit" class=BUTTON data-testid="invite">"Send the invitation"</button></div>
            </ActionForm>
        </section>
    }
}
