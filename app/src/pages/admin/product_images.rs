//! The product editor's images: upload, alt text, order and removal; renditions appear when ready.

use super::editor::Errors;
use super::editor::*;

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::products_admin::{admin_images, AdminDeleteImage, AdminUpdateImage};
use entities::catalog::{AdminImage, ImagePatch, ImageStatus};
use leptos::prelude::*;

/// The product's uploaded images: upload, alt text, order and delete.
/// Without JavaScript the upload form posts as a plain multipart form.
#[component]
pub(super) fn ImagesSection(product_id: i64) -> impl IntoView {
    let upload = super::form_action(crate::api::catalog::products_admin::admin_upload_images);
    let update = ServerAction::<AdminUpdateImage>::new();
    let delete = ServerAction::<AdminDeleteImage>::new();
    let images = Resource::new(
        move || (upload.version().get(), update.version().get(), delete.version().get()),
        move |_| admin_images(product_id),
    );
    let errors: Errors = RwSignal::new(Vec::new());
    follow(errors, upload.value().into());
    follow(errors, update.value().into());
    follow(errors, delete.value().into());
    // While renditions are being made, look again every two seconds.
    Effect::new(move |_| {
        if images.get().and_then(Result::ok).is_some_and(|list| list.iter().any(|i| i.status == ImageStatus::Pending)) {
            set_timeout(move || images.refetch(), std::time::Duration::from_secs(2));
        }
    });
    view! {
        <section aria-labelledby="images-heading" class="mt-8 space-y-3">
            <h2 id="images-heading" class="text-lg font-semibold">"Images"</h2>
            <Transition fallback=|| view! { <p>"Loading images…"</p> }>
                {move || Suspend::new(async move {
                    match images.await {
                        Ok(list) => image_list(list, update, delete),
                        Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
            <form method="post" action="/_sf/admin/images/upload" enctype="multipart/form-data"
                class="flex flex-wrap items-end gap-2 rounded border border-stone-300 bg-white p-3" data-testid="upload-form"
                on:submit=move |ev| super::submit_form(ev, upload)>
                <input type="hidden" name="product_id" value=product_id.to_string()/>
                <div>
                    <label for="upload-files" class="block text-sm font-medium">"Images (JPEG, PNG, GIF or WebP; up to 8 at once, 10 MB each)"</label>
                    <input id="upload-files" name="files" type="file" multiple accept="image/*" required aria-describedby="upload-files-error"/>
                    <FieldError id="upload-files-error" message=Signal::derive(move || {
                        errors.read().iter().find(|(f, _)| f.starts_with("files")).map(|(_, m)| m.clone())
                    })/>
                </div>
                <div>
                    <label for="upload-alt" class="block text-sm font-medium">"Text for screen readers (optional)"</label>
                    <input id="upload-alt" name="alt" class=INPUT/>
                </div>
                <button type="submit" class=BUTTON data-testid="upload" disabled=move || upload.pending().get()>"Upload"</button>
            </form>
            {form_error(errors)}
        </section>
    }
}

pub(super) fn image_list(
    list: Vec<AdminImage>,
    update: ServerAction<AdminUpdateImage>,
    delete: ServerAction<AdminDeleteImage>,
) -> AnyView {
    if list.is_empty() {
        return view! { <p class="text-stone-700" data-testid="no-images">"No images yet: the shop shows generated art."</p> }.into_any();
    }
    let last = list.len() as i32 - 1;
    list.into_iter()
        .map(|image| {
            let id = image.id;
            let position = image.position;
            let alt = RwSignal::new(image.alt.clone());
            let picture = match (image.status, image.renditions.first()) {
                (ImageStatus::Ready, Some(src)) => view! { <img src=src.clone() alt=image.alt.clone() class="h-24 w-24 rounded object-cover"/> }.into_any(),
                (ImageStatus::Failed, _) => view! { <p class="h-24 w-24 text-sm text-red-800">{format!("Failed: {}", image.error.clone().unwrap_or_default())}</p> }.into_any(),
                _ => view! { <p class="flex h-24 w-24 items-center justify-center rounded bg-stone-200 text-sm" data-testid="image-pending">"Processing…"</p> }.into_any(),
            };
            let alt_id = format!("alt-{id}");
            view! {
                <div class="flex flex-wrap items-end gap-3 rounded border border-stone-200 bg-white p-2" data-testid="admin-image" data-status=image.status.as_str()>
                    {picture}
                    <div class="flex-1">
                        <label for=alt_id.clone() class="block text-sm font-medium">"Text for screen readers"</label>
                        <input id=alt_id class=INPUT prop:value=move || alt.get() on:input:target=move |ev| alt.set(ev.target().value())/>
                    </div>
                    <button type="button" class=BUTTON_QUIET on:click=move |_| {
                        update.dispatch(AdminUpdateImage { id, patch: ImagePatch { alt: Some(alt.get()), position: None } });
                    }>"Save text"</button>
                    <button type="button" class=BUTTON_QUIET disabled={position == 0} aria-label="Move earlier" on:click=move |_| {
                        update.dispatch(AdminUpdateImage { id, patch: ImagePatch { alt: None, position: Some(position - 1) } });
                    }>"↑"</button>
                    <button type="button" class=BUTTON_QUIET disabled={position >= last} aria-label="Move later" on:click=move |_| {
                        update.dispatch(AdminUpdateImage { id, patch: ImagePatch { alt: None, position: Some(position + 1) } });
                    }>"↓"</button>
                    <button type="button" class=BUTTON_QUIET on:click=move |_| { delete.dispatch(AdminDeleteImage { id }); }>"Delete"</button>
                </div>
            }
        })
        .collect_view()
        .into_any()
}
