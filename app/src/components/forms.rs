//! Form pieces shared by every page: the input, button and card styles,
//! a field with its label and its message tied to it (announced to screen
//! readers), a banner for a form's result, and the count of successes that
//! reloads a list after a form succeeds.

use crate::error::AppError;
use leptos::prelude::*;

pub(crate) const INPUT: &str = "mt-1 w-full rounded border border-stone-500 px-3 py-2";

pub(crate) const BUTTON: &str = "rounded bg-amber-800 px-4 py-2 font-medium text-white disabled:opacity-50";

pub(crate) const CARD: &str = "rounded border border-stone-300 bg-white p-5";

/// A labelled input with its error message tied to it.
pub fn field(
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
pub fn field_as(
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

/// Counts the successes of `action`, so a page reloads its data after a
/// change went through, never after a refusal (which would wipe what was
/// typed).
pub fn successes<I, O>(action: ServerAction<I>) -> RwSignal<u32>
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
