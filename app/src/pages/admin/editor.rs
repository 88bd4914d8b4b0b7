//! `/admin/products/new` and `/admin/products/:id`: a product's fields, its
//! variants (each saved on its own), its images (upload, alt text, order,
//! delete) and deleting it. Every bad field gets its message beside it.

use super::product_images::*;
use super::product_variants::*;

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::products_admin::{
    admin_load_product, AdminCreateProduct, AdminDeleteProduct, AdminUpdateProduct,
};
use crate::api::catalog::taxonomy_admin::{admin_categories, admin_vendors};
use crate::error::AppError;
use entities::catalog::VendorView;
use entities::catalog::{
    pairs_text, parse_pairs, AdminCategoryNode, AdminProduct, NewProduct, NewVariant, ProductPatch, ProductStatus,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// Field errors of one form: field name → message.
pub(super) type Errors = RwSignal<Vec<(String, String)>>;

pub(super) fn message(errors: Errors, field: &str) -> Signal<Option<String>> {
    let field = field.to_owned();
    Signal::derive(move || errors.read().iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
}

/// Keeps `errors` in step with what the server said about the last attempt:
/// field messages by field, anything else under `_`.
pub(super) fn follow<T: Clone + Send + Sync + 'static>(errors: Errors, value: Signal<Option<Result<T, AppError>>>) {
    Effect::new(move |_| match value.get() {
        Some(Err(AppError::Fields(fields))) => errors.set(fields),
        Some(Err(other)) => errors.set(vec![("_".into(), other.to_string())]),
        Some(Ok(_)) => errors.set(Vec::new()),
        None => {}
    });
}

/// The form-wide message (`_`), if any, as an alert.
pub(super) fn form_error(errors: Errors) -> impl IntoView {
    move || {
        errors.read().iter().find(|(f, _)| f == "_").map(|(_, m)| {
            view! { <p role="alert" class="rounded bg-red-50 px-3 py-2 text-red-800" data-testid="action-error">{m.clone()}</p> }
        })
    }
}

/// A product's own fields as typed.
#[derive(Clone, Copy)]
pub(super) struct ProductDraft {
    title: RwSignal<String>,
    brand: RwSignal<String>,
    description: RwSignal<String>,
    category: RwSignal<String>,
    vendor: RwSignal<String>,
    status: RwSignal<String>,
    attributes: RwSignal<String>,
    featured: RwSignal<bool>,
}

impl ProductDraft {
    fn new(p: Option<&AdminProduct>, first_category: String, first_vendor: String) -> Self {
        Self {
            title: RwSignal::new(p.map(|p| p.title.clone()).unwrap_or_default()),
            brand: RwSignal::new(p.map(|p| p.brand.clone()).unwrap_or_default()),
            description: RwSignal::new(p.map(|p| p.description.clone()).unwrap_or_default()),
            category: RwSignal::new(p.map_or(first_category, |p| p.category.clone())),
            vendor: RwSignal::new(p.map_or(first_vendor, |p| p.vendor.clone())),
            status: RwSignal::new(p.map_or(ProductStatus::Draft, |p| p.status).as_str().to_owned()),
            attributes: RwSignal::new(p.map(|p| pairs_text(&p.attributes)).unwrap_or_default()),
            featured: RwSignal::new(p.is_some_and(|p| p.featured)),
        }
    }

    fn patch(&self, errors: &mut Vec<(String, String)>) -> ProductPatch {
        ProductPatch {
            title: Some(self.title.get()),
            description: Some(self.description.get()),
            brand: Some(self.brand.get()),
            status: Some(self.status.get()),
            featured: Some(self.featured.get()),
            category: Some(self.category.get()),
            vendor: Some(self.vendor.get()).filter(|v| !v.is_empty()),
            attributes: Some(parse_pairs(&self.attributes.get()).unwrap_or_else(|e| {
                errors.push(("attributes".into(), e));
                Default::default()
            })),
        }
    }
}

/// Choices for the editor's selects.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Choices {
    categories: Vec<AdminCategoryNode>,
    vendors: Vec<VendorView>,
}

async fn load_choices() -> Result<Choices, AppError> {
    Ok(Choices { categories: admin_categories().await?, vendors: admin_vendors().await? })
}

pub(super) fn text_input(
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    errors: Errors,
    field: &'static str,
) -> AnyView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let invalid = message(errors, field);
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <input id=id class=INPUT aria-describedby=described
                aria-invalid=move || invalid.get().is_some().then_some("true")
                prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/>
            <FieldError id=error_id message=message(errors, field)/>
        </div>
    }
    .into_any()
}

pub(super) fn select_input(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    errors: Errors,
    field: &'static str,
) -> AnyView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label for=id class="block text-sm font-medium">{label}</label>
            <select id=id class=INPUT aria-describedby=error_id.clone() on:change:target=move |ev| value.set(ev.target().value())>
                {options.into_iter().map(|(v, l)| {
                    let is = v.clone();
                    view! { <option value=v selected=move || value.get() == is>{l}</option> }
                }).collect_view()}
            </select>
            <FieldError id=error_id message=message(errors, field)/>
        </div>
    }
    .into_any()
}

pub(super) fn product_fields(d: ProductDraft, choices: &Choices, errors: Errors) -> AnyView {
    let categories =
        choices.categories.iter().map(|c| (c.category.slug.clone(), super::products::indented(c))).collect();
    let vendors = choices.vendors.iter().map(|v| (v.slug.clone(), v.name.clone())).collect();
    let statuses = ProductStatus::ALL.into_iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
    view! {
        <div class="grid gap-3 md:grid-cols-2">
            {text_input("p-title".into(), "Title", d.title, errors, "title")}
            {text_input("p-brand".into(), "Brand", d.brand, errors, "brand")}
            {select_input("p-category", "Category", d.category, categories, errors, "category")}
            {select_input("p-vendor", "Vendor", d.vendor, vendors, errors, "vendor")}
            {select_input("p-status", "Status", d.status, statuses, errors, "status")}
            <div class="flex items-center gap-2 pt-5">
                <input id="p-featured" type="checkbox" prop:checked=move || d.featured.get()
                    on:change:target=move |ev| d.featured.set(ev.target().checked())/>
                <label for="p-featured">"Featured on the home page"</label>
            </div>
            <div class="md:col-span-2">
                <label for="p-description" class="block text-sm font-medium">"Description"</label>
                <textarea id="p-description" rows="5" class=INPUT aria-describedby="p-description-error"
                    prop:value=move || d.description.get() on:input:target=move |ev| d.description.set(ev.target().value())/>
                <FieldError id="p-description-error" message=message(errors, "description")/>
            </div>
            <div class="md:col-span-2">
                <label for="p-attributes" class="block text-sm font-medium">"Attributes (one Name=Value per line)"</label>
                <textarea id="p-attributes" rows="3" class=INPUT aria-describedby="p-attributes-error"
                    prop:value=move || d.attributes.get() on:input:target=move |ev| d.attributes.set(ev.target().value())/>
                <FieldError id="p-attributes-error" message=message(errors, "attributes")/>
            </div>
        </div>
    }
    .into_any()
}

/// `/admin/products/new`: the product's fields and its first variants.
#[component]
pub fn NewProductPage() -> impl IntoView {
    let choices = Resource::new(|| (), |_| load_choices());
    view! {
        <Title text="New product · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"New product"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(choices) => new_product_form(choices),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

pub(super) fn new_product_form(choices: Choices) -> AnyView {
    let first_category = choices.categories.first().map(|c| c.category.slug.clone()).unwrap_or_default();
    let first_vendor = choices.vendors.first().map(|v| v.slug.clone()).unwrap_or_default();
    let draft = ProductDraft::new(None, first_category, first_vendor);
    let currency = RwSignal::new("EUR".to_owned());
    let next_key = StoredValue::new(1_usize);
    let variants = RwSignal::new(vec![(0_usize, VariantDraft::new(None))]);
    let errors: Errors = RwSignal::new(Vec::new());
    let create = ServerAction::<AdminCreateProduct>::new();
    follow(errors, create.value().into());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(&format!("/admin/products/{}", created.id), Default::default());
        }
    });
    let save = move |_| {
        let mut problems = Vec::new();
        let attributes = parse_pairs(&draft.attributes.get()).unwrap_or_else(|e| {
            problems.push(("attributes".to_owned(), e));
            Default::default()
        });
        let cur = currency.get();
        let new_variants: Vec<NewVariant> = variants
            .get()
            .iter()
            .enumerate()
            .map(|(i, (_, v))| v.read(&cur, &format!("variants[{i}]."), &mut problems))
            .collect();
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        create.dispatch(AdminCreateProduct {
            product: NewProduct {
                vendor: Some(draft.vendor.get()).filter(|v| !v.is_empty()),
                category: draft.category.get(),
                title: draft.title.get(),
                description: draft.description.get(),
                brand: draft.brand.get(),
                attributes,
                status: Some(draft.status.get()),
                featured: draft.featured.get(),
                variants: new_variants,
            },
        });
    };
    let rows = move || variants.get().into_iter().enumerate().collect::<Vec<_>>();
    let currencies = ["EUR", "USD", "GBP", "JPY"].iter().map(|c| ((*c).to_owned(), (*c).to_owned())).collect();
    view! {
        <form class="space-y-4" on:submit=move |ev| ev.prevent_default() data-testid="new-product-form">
            {product_fields(draft, &choices, errors)}
            <section aria-labelledby="variants-heading" class="space-y-2">
                <h2 id="variants-heading" class="text-lg font-semibold">"Variants"</h2>
                <div class="max-w-xs">{select_input("p-currency", "Currency of all prices", currency, currencies, errors, "currency")}</div>
                <FieldError id="variants-error" message=message(errors, "variants")/>
                <For each=rows key=|(i, (k, _))| (*i, *k) children=move |(i, (k, v))| view! {
                    <div class=VARIANT_GRID data-testid="variant-row">
                        {variant_fields(format!("nv{k}"), v, errors, format!("variants[{i}]."))}
                        <button type="button" class=BUTTON_QUIET aria-label=format!("Remove variant {}", i + 1)
                            disabled=move || { variants.read().len() <= 1 }
                            on:click=move |_| variants.update(|vs| vs.retain(|(key, _)| *key != k))>"Remove"</button>
                    </div>
                }/>
                <button type="button" class=BUTTON_QUIET data-testid="add-variant-row" on:click=move |_| {
                    let k = next_key.get_value();
                    next_key.set_value(k + 1);
                    variants.update(|vs| vs.push((k, VariantDraft::new(None))));
                }>"Add another variant"</button>
            </section>
            {form_error(errors)}
            <button type="button" class=BUTTON data-testid="create-product" disabled=move || create.pending().get() on:click=save>
                "Create product"
            </button>
        </form>
    }
    .into_any()
}

/// `/admin/products/:id`: the editor of an existing product.
#[component]
pub fn EditProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let reload = RwSignal::new(0_u32);
    let product = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => admin_load_product(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let choices = Resource::new(|| (), |_| load_choices());
    view! {
        <Title text="Edit product · Admin"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (product.await, choices.await) {
                    (Ok(p), Ok(choices)) => editor(p, choices, reload),
                    (Err(error), _) | (_, Err(error)) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

pub(super) fn editor(p: AdminProduct, choices: Choices, reload: RwSignal<u32>) -> AnyView {
    let id = p.id;
    let currency = p.variants.first().map(|v| v.currency.clone()).unwrap_or_else(|| "EUR".into());
    let draft = ProductDraft::new(Some(&p), String::new(), String::new());
    let errors: Errors = RwSignal::new(Vec::new());
    let update = ServerAction::<AdminUpdateProduct>::new();
    follow(errors, update.value().into());
    let save = move |_| {
        let mut problems = Vec::new();
        let patch = draft.patch(&mut problems);
        if problems.is_empty() {
            update.dispatch(AdminUpdateProduct { id, patch });
        } else {
            errors.set(problems);
        }
    };
    let saved = move || {
        matches!(update.value().get(), Some(Ok(_))).then(|| view! {
            <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-800" data-testid="action-ok">"Saved."</p>
        })
    };
    let shop_link = (p.status == ProductStatus::Active).then(|| {
        view! { <a class="text-sm underline" href=format!("/p/{}", p.slug)>"View in the shop"</a> }
    });
    let variant_rows = p
        .variants
        .iter()
        .map(|v| view! { <VariantRow variant=v.clone() count=p.variants.len() reload/> })
        .collect_view();
    view! {
        <div class="mb-4 flex flex-wrap items-baseline gap-3">
            <h1 class="text-2xl font-bold" data-testid="editor-title">{p.title.clone()}</h1>
            <span class="text-sm text-stone-600">{format!("#{id} · /p/{}", p.slug)}</span>
            {shop_link}
        </div>
        <form class="space-y-4" on:submit=move |ev| ev.prevent_default() data-testid="product-form">
            {product_fields(draft, &choices, errors)}
            {form_error(errors)}
            {saved}
            <button type="button" class=BUTTON data-testid="save-product" disabled=move || update.pending().get() on:click=save>
                "Save product"
            </button>
        </form>
        <section aria-labelledby="variants-heading" class="mt-8 space-y-2">
            <h2 id="variants-heading" class="text-lg font-semibold">{format!("Variants (prices in {currency})")}</h2>
            {variant_rows}
            <NewVariantRow product_id=id currency reload/>
        </section>
        <ImagesSection product_id=id/>
        <DeleteProduct id/>
    }
    .into_any()
}

/// Deleting the product, after a second click to confirm.
#[component]
pub(super) fn DeleteProduct(id: i64) -> impl IntoView {
    let asked = RwSignal::new(false);
    let delete = ServerAction::<AdminDeleteProduct>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(false)) = delete.value().get() {
            navigate("/admin", Default::default());
        }
    });
    let result = Signal::derive(move || delete.value().get());
    view! {
        <section aria-labelledby="danger-heading" class="mt-8 rounded border border-red-300 p-3">
            <h2 id="danger-heading" class="text-lg font-semibold">"Delete"</h2>
            <p class="text-sm">"Deleting removes the product, its variants and images, and takes it out of carts. A product that has been ordered is archived instead."</p>
            <Show when=move || asked.get() fallback=move || view! {
                <button type="button" class=BUTTON_QUIET data-testid="delete-product" on:click=move |_| asked.set(true)>"Delete product…"</button>
            }>
                <p role="alert" class="font-medium">"Delete this product for good?"</p>
                <button type="button" class="rounded bg-red-700 px-3 py-1 text-white" data-testid="confirm-delete"
                    on:click=move |_| { delete.dispatch(AdminDeleteProduct { id }); }>"Yes, delete it"</button>
                <button type="button" class=BUTTON_QUIET on:click=move |_| asked.set(false)>"Cancel"</button>
            </Show>
            {super::outcome(result, |archived| {
                if *archived { "Orders name this product, so it was archived instead: it is off the shop.".to_owned() } else { "Deleted.".to_owned() }
            })}
        </section>
    }
}
