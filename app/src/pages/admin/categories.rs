//! `/admin/categories`: the category tree, each category renamed, reordered
//! or moved (with everything below it) in place, new ones added, empty ones
//! deleted.

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::taxonomy_admin::{
    admin_categories, AdminCreateCategory, AdminDeleteCategory, AdminUpdateCategory,
};
use crate::error::AppError;
use entities::catalog::{AdminCategoryNode, CategoryPatch, NewCategory};
use leptos::prelude::*;
use leptos_meta::Title;

/// The tree editor.
#[component]
pub fn CategoriesPage() -> impl IntoView {
    let create = ServerAction::<AdminCreateCategory>::new();
    let update = ServerAction::<AdminUpdateCategory>::new();
    let delete = ServerAction::<AdminDeleteCategory>::new();
    let tree = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| admin_categories(),
    );
    let actions = Actions { update, delete };
    view! {
        <Title text="Categories · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Categories"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tree.await {
                    Ok(nodes) => view! {
                        <NewCategoryForm create nodes=nodes.clone()/>
                        {last_outcome(actions)}
                        <ul class="mt-4 space-y-1" data-testid="category-tree">
                            {nodes.iter().map(|n| view! { <CategoryRow node=n.clone() all=nodes.clone() actions/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The actions every row shares.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<AdminUpdateCategory>,
    delete: ServerAction<AdminDeleteCategory>,
}

/// What the last change or delete said, above the tree.
fn last_outcome(actions: Actions) -> impl IntoView {
    let error = move || {
        actions
            .update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.delete.value().get().and_then(Result::err))
    };
    move || {
        error().map(|e| view! { <p role="alert" class="mt-3 rounded bg-red-50 px-3 py-2 text-red-800" data-testid="action-error">{e.to_string()}</p> })
    }
}

fn parent_options(nodes: &[AdminCategoryNode], except: Option<&str>) -> Vec<(String, String)> {
    // A category cannot move below itself: its subtree is left out.
    let mut skip_below: Option<i32> = None;
    let mut out = vec![(String::new(), "(top level)".to_owned())];
    for n in nodes {
        if let Some(depth) = skip_below {
            if n.category.depth > depth {
                continue;
            }
            skip_below = None;
        }
        if Some(n.category.slug.as_str()) == except {
            skip_below = Some(n.category.depth);
            continue;
        }
        out.push((n.category.slug.clone(), super::products::indented(n)));
    }
    out
}

#[component]
fn NewCategoryForm(create: ServerAction<AdminCreateCategory>, nodes: Vec<AdminCategoryNode>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let field = move |f: &'static str| {
        Signal::derive(move || create.value().get().and_then(Result::err).and_then(|e: AppError| e.field(f)))
    };
    let other_error = move || {
        create.value().get().and_then(Result::err).filter(|e| !matches!(e, AppError::Fields(_))).map(|e| e.to_string())
    };
    let submit = move |_| {
        create.dispatch(AdminCreateCategory {
            category: NewCategory {
                name: name.get(),
                slug: Some(slug.get().trim().to_owned()).filter(|s| !s.is_empty()),
                parent: Some(parent.get()).filter(|p| !p.is_empty()),
                position: 0,
            },
        });
    };
    view! {
        <form class="grid items-start gap-2 rounded border border-stone-300 bg-white p-3 md:grid-cols-4" data-testid="new-category"
            on:submit=move |ev| { ev.prevent_default(); submit(()); }>
            <div>
                <label for="new-cat-name" class="block text-sm font-medium">"Name"</label>
                <input id="new-cat-name" class=INPUT required aria-describedby="new-cat-name-error"
                    prop:value=move || name.get() on:input:target=move |ev| name.set(ev.target().value())/>
                <FieldError id="new-cat-name-error" message=field("name")/>
            </div>
            <div>
                <label for="new-cat-slug" class="block text-sm font-medium">"Slug (optional)"</label>
                <input id="new-cat-slug" class=INPUT aria-describedby="new-cat-slug-error"
                    prop:value=move || slug.get() on:input:target=move |ev| slug.set(ev.target().value())/>
                <FieldError id="new-cat-slug-error" message=field("slug")/>
            </div>
            <div>
                <label for="new-cat-parent" class="block text-sm font-medium">"Parent"</label>
                <select id="new-cat-parent" class=INPUT aria-describedby="new-cat-parent-error"
                    on:change:target=move |ev| parent.set(ev.target().value())>
                    {parent_options(&nodes, None).into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <FieldError id="new-cat-parent-error" message=field("parent")/>
            </div>
            <div class="pt-5">
                <button type="submit" class=BUTTON data-testid="add-category" disabled=move || create.pending().get()>"Add category"</button>
            </div>
            <div class="md:col-span-4">
                {move || other_error().map(|m| view! { <p role="alert" class="text-red-800">{m}</p> })}
                {move || create.value().get().and_then(Result::ok).map(|c| view! {
                    <p role="status" class="text-green-800" data-testid="action-ok">{format!("Added {}.", c.name)}</p>
                })}
            </div>
        </form>
    }
}

/// One category: its name, position and parent editable in place.
#[component]
fn CategoryRow(node: AdminCategoryNode, all: Vec<AdminCategoryNode>, actions: Actions) -> impl IntoView {
    let c = node.category;
    let slug = c.slug.clone();
    let name = RwSignal::new(c.name.clone());
    let position = RwSignal::new(c.position.to_string());
    let parent = RwSignal::new(c.parent.clone().unwrap_or_default());
    let original_parent = c.parent.clone().unwrap_or_default();
    let local_error = RwSignal::new(None::<String>);
    let save_slug = slug.clone();
    let save = move |_| {
        local_error.set(None);
        let Ok(position) = position.get().trim().parse::<i32>() else {
            local_error.set(Some("Position must be a whole number.".into()));
            return;
        };
        let new_parent = parent.get();
        let patch = CategoryPatch {
            name: Some(name.get()),
            position: Some(position),
            parent: (new_parent != original_parent).then(|| Some(new_parent).filter(|p| !p.is_empty())),
        };
        actions.update.dispatch(AdminUpdateCategory { slug: save_slug.clone(), patch });
    };
    let delete_slug = slug.clone();
    let can_delete = node.products == 0 && node.children == 0;
    let indent = format!("margin-left: {}rem", c.depth.max(0) * 2);
    let id = c.id;
    view! {
        <li class="flex flex-wrap items-end gap-2 rounded border border-stone-200 bg-white p-2" style=indent
            data-testid="category-row" data-slug=slug.clone()>
            <div>
                <label for=format!("cat-{id}-name") class="block text-xs">"Name"</label>
                <input id=format!("cat-{id}-name") class=INPUT prop:value=move || name.get()
                    on:input:target=move |ev| name.set(ev.target().value())/>
            </div>
            <div class="w-20">
                <label for=format!("cat-{id}-position") class="block text-xs">"Position"</label>
                <input id=format!("cat-{id}-position") class=INPUT inputmode="numeric" prop:value=move || position.get()
                    on:input:target=move |ev| position.set(ev.target().value())/>
            </div>
            <div>
                <label for=format!("cat-{id}-parent") class="block text-xs">"Parent"</label>
                <select id=format!("cat-{id}-parent") class=INPUT on:change:target=move |ev| parent.set(ev.target().value())>
                    {parent_options(&all, Some(&slug)).into_iter().map(|(v, l)| {
                        let is = v.clone();
                        view! { <option value=v selected=move || parent.get() == is>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class=BUTTON data-testid="save-category" on:click=save>"Save"</button>
            <button type="button" class=BUTTON_QUIET disabled=!can_delete data-testid="delete-category"
                title=if can_delete { "" } else { "Only an empty category can be deleted" }
                on:click=move |_| { actions.delete.dispatch(AdminDeleteCategory { slug: delete_slug.clone() }); }>"Delete"</button>
            <span class="text-sm text-stone-600">{format!("{} products · {} below · /c/{}", node.products, node.children, c.slug)}</span>
            {move || local_error.get().map(|m| view! { <p role="alert" class="w-full text-sm text-red-800">{m}</p> })}
        </li>
    }
}
