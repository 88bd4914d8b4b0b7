//! The rooms of the domain core and the doors between them: no two rooms
//! import each other, directly or round a loop, and a context's types (which
//! compile for the browser too) never reach for services.
//!
//! A room is a context's folder under `entities/src/` — its use cases — or
//! its `types`, or a declared core: `ordering`'s order record (the record,
//! its view and its parcels' view), which payments, gift cards and
//! fulfilment call while ordering's own use cases call them. The check reads
//! every `crate::…` path in the sources (groups in `use` included), so a new
//! import that closes a loop fails here with the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The contexts and the shared core, each a folder of `entities/src`.
const CONTEXTS: &[&str] =
    &["kernel", "events", "notifications", "catalog", "accounts", "ordering", "payments", "fulfilment", "marketplace"];

/// Modules that form a room of their own inside their context.
const CORES: &[(&str, &[&str], &str)] = &[("ordering", &["record", "view", "shipment_view"], "ordering::record")];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The room a source file is in, from its place under `src/`.
fn room_of_file(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    let context = parts.first()?;
    if !CONTEXTS.contains(&context.as_str()) {
        return None;
    }
    let module = parts.get(1).map(String::as_str).unwrap_or("mod");
    Some(room(context, module))
}

/// The room of module `module` of `context` (`types` for its types).
fn room(context: &str, module: &str) -> String {
    if let Some((_, _, name)) = CORES.iter().find(|(c, modules, _)| *c == context && modules.contains(&module)) {
        return (*name).to_owned();
    }
    if module == "types" || module == "mod" {
        return format!("{context}::types");
    }
    context.to_owned()
}

/// Every path that starts with `crate::` in `code`, groups expanded, as
/// its first two segments.
fn crate_paths(code: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let mut trees = Vec::new();
        use_tree(rest, &mut Vec::new(), &mut trees);
        for path in trees {
            let mut segments = path.into_iter();
            if let Some(first) = segments.next() {
                found.push((first, segments.next()));
            }
        }
    }
    found
}

/// Parses one use tree at the start of `text` (after `crate::`), adding
/// each leaf path to `out`; returns how much it read.
fn use_tree(text: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut i = 0;
    let bytes = text.as_bytes();
    let depth = prefix.len();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            prefix.push(text[start..i].to_owned());
        }
        let group = if text[i..].starts_with("::{") {
            Some(3)
        } else if i == start && text[i..].starts_with('{') {
            Some(1)
        } else {
            None
        };
        if let Some(skip) = group {
            i += skip;
            loop {
                while i < bytes.len() && (bytes[i] as char).is_whitespace() {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'}' {
                    i += 1;
                    break;
                }
                i += use_tree(&text[i..], prefix, out);
                while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'}' {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b',' {
                    i += 1;
                }
            }
            break;
        } else if text[i..].starts_with("::") {
            i += 2;
        } else {
            if prefix.len() > depth {
                out.push(prefix.clone());
            }
            break;
        }
    }
    prefix.truncate(depth);
    i
}

/// Which rooms each room imports, with a file that shows it.
fn room_graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(from) = room_of_file(rel) else { continue };
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
        graph.entry(from.clone()).or_default();
        for (context, module) in crate_paths(&code) {
            if !CONTEXTS.contains(&context.as_str()) {
                continue;
            }
            let context_dir = src.join(&context);
            let is_module = module.as_deref().is_some_and(|m| {
                m != "types" && (context_dir.join(format!("{m}.rs")).exists() || context_dir.join(m).is_dir())
            });
            let to = room(&context, if is_module { module.as_deref().unwrap() } else { "types" });
            if to != from {
                graph.get_mut(&from).unwrap().entry(to).or_insert_with(|| rel.display().to_string());
            }
        }
    }
    graph
}

/// A loop in `graph`, if there is one, as the rooms along it.
fn find_loop(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        room: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|r| r == room) {
            let mut cycle = path[at..].to_vec();
            cycle.push(room.to_owned());
            return Some(cycle);
        }
        if done.contains(room) {
            return None;
        }
        path.push(room.to_owned());
        for next in graph.get(room).into_iter().flat_map(BTreeMap::keys) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(room.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|room| visit(room, graph, &mut Vec::new(), &mut done))
}

fn describe(graph: &BTreeMap<String, BTreeMap<String, String>>) -> String {
    graph
        .iter()
        .map(|(room, to)| format!("{room} → {}", to.keys().cloned().collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_two_rooms_import_each_other_directly_or_round_a_loop() {
    let graph = room_graph();
    if let Some(cycle) = find_loop(&graph) {
        let doors: Vec<String> =
            cycle.windows(2).map(|w| format!("{} → {} (in {})", w[0], w[1], graph[&w[0]][&w[1]])).collect();
        panic!("rooms import each other in a loop:\n  {}\n\nall doors:\n{}", doors.join("\n  "), describe(&graph));
    }
}

#[test]
fn types_never_reach_for_services() {
    let graph = room_graph();
    for (room, to) in &graph {
        if room.ends_with("::types") {
            let services: Vec<_> = to.iter().filter(|(t, _)| !t.ends_with("::types")).collect();
            assert!(
                services.is_empty(),
                "{room} imports use cases, which do not compile for the browser: {services:?}"
            );
        }
    }
}

#[test]
fn the_shared_core_and_the_reacting_rooms_stay_below_the_contexts() {
    let graph = room_graph();
    let low = ["kernel", "events", "notifications"];
    for room in low {
        let above: Vec<_> = graph
            .get(room)
            .into_iter()
            .flat_map(BTreeMap::iter)
            .filter(|(to, _)| !to.ends_with("::types") && !low.contains(&to.as_str()))
            .collect();
        assert!(above.is_empty(), "{room} imports a context's use cases: {above:?}");
    }
}

#[test]
fn the_loop_finder_finds_a_loop_and_reads_use_groups() {
    let paths = crate_paths(
        "use crate::{ordering::record::{self, lock}, payments::gift_cards};\nlet x = crate::kernel::Money;",
    );
    let firsts: Vec<_> = paths.iter().map(|(c, m)| format!("{c}::{}", m.clone().unwrap_or_default())).collect();
    assert_eq!(firsts, ["ordering::record", "ordering::record", "payments::gift_cards", "kernel::Money"]);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into(), "a.rs".into());
    graph.entry("b".into()).or_default().insert("a".into(), "b.rs".into());
    assert_eq!(find_loop(&graph), Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()]));
}
