//! `/admin/import`: export every product as CSV, and import a CSV file —
//! the good rows are applied and each bad one is listed with its line and
//! reason. Without JavaScript the import posts as a plain multipart form.

use super::{FieldError, BUTTON};
use entities::catalog::ImportReport;
use leptos::prelude::*;
use leptos_meta::Title;

/// The import and export screen.
#[component]
pub fn CsvPage() -> impl IntoView {
    let import = super::form_action(crate::api::catalog::products_admin::admin_import_csv);
    let report = move || import.value().get();
    let file_error = Signal::derive(move || match report() {
        Some(Err(e)) => Some(e.field("file").unwrap_or_else(|| e.to_string())),
        _ => None,
    });
    view! {
        <Title text="Import and export · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Import and export"</h1>
        <section aria-labelledby="export-heading" class="mb-6 rounded border border-stone-300 bg-white p-4">
            <h2 id="export-heading" class="text-lg font-semibold">"Export"</h2>
            <p class="mb-2 text-sm">"Every product in any status, one row per variant. Edit it and import it back to change products in bulk."</p>
            <a class=BUTTON href="/api/v1/products/export.csv" download="products.csv" data-testid="export-csv">"Download products.csv"</a>
        </section>
        <section aria-labelledby="import-heading" class="rounded border border-stone-300 bg-white p-4">
            <h2 id="import-heading" class="text-lg font-semibold">"Import"</h2>
            <p class="mb-2 text-sm">
                "Columns as in the export. A row with a known SKU changes that variant; a new SKU adds a variant, "
                "or a product when its handle is new. A bad row is reported and skipped; the good rows are applied."
            </p>
            <form method="post" action="/_sf/admin/import" enctype="multipart/form-data" class="flex flex-wrap items-end gap-2"
                data-testid="import-form" on:submit=move |ev| super::submit_form(ev, import)>
                <div>
                    <label for="import-file" class="block text-sm font-medium">"CSV file"</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="import-file-error"/>
                    <FieldError id="import-file-error" message=file_error/>
                </div>
                <button type="submit" class=BUTTON data-testid="import" disabled=move || import.pending().get()>"Import"</button>
            </form>
            {move || report().and_then(Result::ok).map(report_view)}
        </section>
    }
}

fn report_view(r: ImportReport) -> AnyView {
    let summary = format!(
        "{} products created, {} updated; {} variants created, {} updated; {} rows skipped.",
        r.products_created,
        r.products_updated,
        r.variants_created,
        r.variants_updated,
        r.errors.len()
    );
    view! {
        <div class="mt-4" data-testid="import-report">
            <p role="status" class="font-medium">{summary}</p>
            {(!r.errors.is_empty()).then(|| view! {
                <table class="mt-2 w-full text-left text-sm">
                    <caption class="text-left font-medium">"Rows not applied"</caption>
                    <thead><tr><th class="p-1">"Line"</th><th class="p-1">"Why"</th></tr></thead>
                    <tbody>
                        {r.errors.into_iter().map(|e| view! {
                            <tr class="border-t border-stone-200" data-testid="import-error">
                                <td class="p-1 tabular-nums">{e.line}</td><td class="p-1">{e.message}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
    .into_any()
}
