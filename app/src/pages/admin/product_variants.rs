//! The product editor's variants: a row per variant, saved on its own, and a row for a new one.

use super::editor::Errors;
use super::editor::*;

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::products_admin::{AdminAddVariant, AdminDeleteVariant, AdminUpdateVariant};
use entities::catalog::{pairs_text, parse_pairs, AdminVariant, NewVariant, VariantPatch};
use entities::kernel::{decimal_text, parse_price};
use leptos::prelude::*;

/// A variant's fields as typed.
#[derive(Clone, Copy)]
pub(super) struct VariantDraft {
    sku: RwSignal<String>,
    options: RwSignal<String>,
    price: RwSignal<String>,
    stock: RwSignal<String>,
    weight: RwSignal<String>,
    backorder: RwSignal<bool>,
}

impl VariantDraft {
    pub(super) fn new(v: Option<&AdminVariant>) -> Self {
        Self {
            sku: RwSignal::new(v.map(|v| v.sku.clone()).unwrap_or_default()),
            options: RwSignal::new(v.map(|v| pairs_text(&v.options)).unwrap_or_default()),
            price: RwSignal::new(v.map(|v| decimal_text(v.price_minor, &v.currency)).unwrap_or_default()),
            stock: RwSignal::new(v.map_or_else(|| "0".to_owned(), |v| v.stock.to_string())),
            weight: RwSignal::new(v.map_or_else(|| "0".to_owned(), |v| v.weight_grams.to_string())),
            backorder: RwSignal::new(v.is_some_and(|v| v.allow_backorder)),
        }
    }

    /// The variant, or the messages of the fields that could not be read
    /// (named with `at` in front, as the server names them).
    pub(super) fn read(&self, currency: &str, at: &str, errors: &mut Vec<(String, String)>) -> NewVariant {
        let price_minor = parse_price(&self.price.get(), currency).unwrap_or_else(|e| {
            errors.push((format!("{at}price_minor"), e));
            0
        });
        let stock = self.stock.get().trim().parse::<i32>().unwrap_or_else(|_| {
            errors.push((format!("{at}stock"), "must be a whole number".into()));
            0
        });
        let weight_grams = self.weight.get().trim().parse::<i32>().unwrap_or_else(|_| {
            errors.push((format!("{at}weight_grams"), "must be a whole number of grams".into()));
            0
        });
        let options = parse_pairs(&self.options.get()).unwrap_or_else(|e| {
            errors.push((format!("{at}options"), e));
            Default::default()
        });
        NewVariant {
            sku: self.sku.get().trim().to_owned(),
            options,
            price_minor,
            currency: currency.to_owned(),
            stock,
            allow_backorder: self.backorder.get(),
            weight_grams,
        }
    }
}

/// One variant's inputs; fields are named `at` + `sku` and so on.
pub(super) fn variant_fields(key: String, d: VariantDraft, errors: Errors, at: String) -> AnyView {
    let backorder_id = format!("{key}-backorder");
    let field = |name: &str| message(errors, &format!("{at}{name}"));
    let input =
        move |suffix: &'static str, label: &'static str, value: RwSignal<String>, error: Signal<Option<String>>| {
            let id = format!("{key}-{suffix}");
            let error_id = format!("{id}-error");
            view! {
                <div>
                    <label for=id.clone() class="block text-xs font-medium">{label}</label>
                    <input id=id class=INPUT data-testid=format!("variant-{suffix}") aria-describedby=error_id.clone()
                        prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/>
                    <FieldError id=error_id message=error/>
                </div>
            }
        };
    view! {
        {input("sku", "SKU", d.sku, field("sku"))}
        {input("options", "Options (Size=M; Colour=Red)", d.options, field("options"))}
        {input("price", "Price", d.price, field("price_minor"))}
        {input("stock", "Stock", d.stock, field("stock"))}
        {input("weight", "Weight (g)", d.weight, field("weight_grams"))}
        <div class="flex items-center gap-2 pt-4">
            <input id=backorder_id.clone() type="checkbox" prop:checked=move || d.backorder.get()
                on:change:target=move |ev| d.backorder.set(ev.target().checked())/>
            <label for=backorder_id class="text-sm">"Backorders"</label>
        </div>
    }
    .into_any()
}

pub(super) const VARIANT_GRID: &str =
    "grid items-start gap-2 rounded border border-stone-200 p-2 md:grid-cols-[8rem_1fr_7rem_6rem_6rem_7rem_auto]";

/// An existing variant, saved or deleted on its own.
#[component]
pub(super) fn VariantRow(variant: AdminVariant, count: usize, reload: RwSignal<u32>) -> impl IntoView {
    let id = variant.id;
    let currency = variant.currency.clone();
    let draft = VariantDraft::new(Some(&variant));
    let errors: Errors = RwSignal::new(Vec::new());
    let update = ServerAction::<AdminUpdateVariant>::new();
    let delete = ServerAction::<AdminDeleteVariant>::new();
    follow(errors, update.value().into());
    follow(errors, delete.value().into());
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let save = move |_| {
        let mut problems = Vec::new();
        let v = draft.read(&currency, "", &mut problems);
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        let patch = VariantPatch {
            sku: Some(v.sku),
            options: Some(v.options),
            price_minor: Some(v.price_minor),
            stock: Some(v.stock),
            allow_backorder: Some(v.allow_backorder),
            weight_grams: Some(v.weight_grams),
        };
        update.dispatch(AdminUpdateVariant { id, patch });
    };
    view! {
        <div class=VARIANT_GRID data-testid="variant-row">
            {variant_fields(format!("v{id}"), draft, errors, String::new())}
            <div class="flex gap-1 pt-4">
                <button type="button" class=BUTTON data-testid="save-variant" disabled=move || update.pending().get() on:click=save>"Save"</button>
                <button type="button" class=BUTTON_QUIET disabled={count <= 1}
                    title=if count <= 1 { "A product keeps at least one variant" } else { "" }
                    on:click=move |_| { delete.dispatch(AdminDeleteVariant { id }); }>"Delete"</button>
            </div>
            <div class="md:col-span-7">
                {form_error(errors)}
                {move || matches!(update.value().get(), Some(Ok(_))).then(|| view! { <p role="status" class="text-sm text-green-800">"Saved."</p> })}
            </div>
        </div>
    }
}

/// The row that adds a variant to an existing product.
#[component]
pub(super) fn NewVariantRow(product_id: i64, currency: String, reload: RwSignal<u32>) -> impl IntoView {
    let draft = VariantDraft::new(None);
    let errors: Errors = RwSignal::new(Vec::new());
    let add = ServerAction::<AdminAddVariant>::new();
    follow(errors, add.value().into());
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let submit = move |_| {
        let mut problems = Vec::new();
        let variant = draft.read(&currency, "", &mut problems);
        if problems.is_empty() {
            add.dispatch(AdminAddVariant { product_id, variant });
        } else {
            errors.set(problems);
        }
    };
    view! {
        <div class=format!("{VARIANT_GRID} bg-stone-100") data-testid="new-variant-row">
            {variant_fields("new-variant".into(), draft, errors, String::new())}
            <div class="pt-4">
                <button type="button" class=BUTTON data-testid="add-variant" disabled=move || add.pending().get() on:click=submit>"Add variant"</button>
            </div>
            <div class="md:col-span-7">{form_error(errors)}{move || message(errors, "variants").get()}</div>
        </div>
    }
}
