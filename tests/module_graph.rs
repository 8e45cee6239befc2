//! The module graph of `src/` runs one way (CONTRIBUTING.md, "Stages"): every `use crate::…`,
//! `use super::…`, child-module path and inline `crate::x::…` reference of the library is read,
//! resolved to the file of the module it names, and the test fails on an import from a lower
//! stage to a higher one and on any cycle between files. Test code (`#[cfg(test)]` modules and
//! `tests.rs` files) may use the whole crate and is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, bottom to top, and the top-level modules in each. Written here once: a module
/// not listed fails the test, so a new module has to be given its place.
const STAGES: &[(&str, &[&str])] = &[
    (
        "leaf utilities",
        &[
            "diag",
            "error",
            "format",
            "invisible",
            "paths",
            "progress",
            "slug",
        ],
    ),
    // The readers, and the run types every reader produces (`log::run`).
    ("load", &["log"]),
    // Projects built from the runs read, and the pure functions over them, the summary among
    // them; nothing here reads a file.
    ("model", &["model"]),
    ("chart", &["chart"]),
    ("views", &["render", "report"]),
    ("plan", &["plan"]),
    ("site", &["site"]),
    ("export", &["export", "serve"]),
    // The crate root: `lib.rs`'s own items (`crate::load`, `crate::LoadOptions`, ...).
    ("lib", &[""]),
];

/// A module of the crate: its path below `crate` (empty for the root), and its file.
#[derive(Debug, Clone)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
}

fn module_path_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_owned()),
    }
    parts
}

fn library_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            library_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library's modules: every file under `src/` but the binary's (`main.rs` and the modules
/// it declares) and test files.
fn modules(src: &Path) -> Vec<Module> {
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap();
    let binary: BTreeSet<String> = main
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod "))
        .map(|l| l.trim_end_matches(';').trim().to_owned())
        .collect();
    let mut files = Vec::new();
    library_files(src, &mut files);
    files
        .into_iter()
        .filter(|f| f.file_name().unwrap() != "tests.rs")
        .map(|file| Module {
            path: module_path_of(src, &file),
            file,
        })
        .filter(|m| !(m.path.len() == 1 && (m.path[0] == "main" || binary.contains(&m.path[0]))))
        .collect()
}

/// The source without comments and without test modules (from `#[cfg(test)]` on: test modules
/// sit at the bottom of a file, house style).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let line = match find_comment(line) {
            Some(at) => &line[..at],
            None => line,
        };
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// Where a `//` comment starts on a line, outside string literals.
fn find_comment(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes[i + 1] == b'/' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand_use(tree: &str) -> Vec<String> {
    // `x as y` names `x`: drop each `as` and the name after it, then the spaces.
    let mut words = tree.split_whitespace();
    let mut kept = String::new();
    while let Some(word) = words.next() {
        if word == "as" {
            let renamed = words.next().unwrap_or("");
            kept.extend(renamed.chars().filter(|c| !is_ident(*c)));
        } else {
            kept.push_str(word);
        }
    }
    let tree = kept;
    let mut out = Vec::new();
    expand_into("", &tree, &mut out);
    out
}

fn expand_into(prefix: &str, tree: &str, out: &mut Vec<String>) {
    match tree.find('{') {
        None => out.push(format!("{prefix}{tree}")),
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap()];
            let mut depth = 0;
            let mut start = 0;
            let mut parts = Vec::new();
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        parts.push(&inner[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            parts.push(&inner[start..]);
            for part in parts.into_iter().filter(|p| !p.is_empty()) {
                expand_into(&format!("{prefix}{head}"), part, out);
            }
        }
    }
}

/// Every path a file names: its `use` declarations, expanded, and the `crate::`, `super::` and
/// `self::` paths written inline.
fn referenced_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    let mut outside_uses = String::new();
    while let Some(at) = find_word(rest, "use") {
        outside_uses.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        for path in expand_use(&after[..end]) {
            paths.push(path.split("::").map(str::to_owned).collect());
        }
        rest = &after[(end + 1).min(after.len())..];
    }
    outside_uses.push_str(rest);
    for root in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = outside_uses[from..].find(root) {
            let at = from + found;
            from = at + root.len();
            if outside_uses[..at].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let tail: String = outside_uses[at..]
                .chars()
                .take_while(|&c| is_ident(c) || c == ':')
                .collect();
            paths.push(
                tail.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
    }
    paths
}

/// The paths a file re-exports (`pub use`, `pub(crate) use`, `pub(super) use`).
fn reexported_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for marker in ["pub use ", "pub(crate) use ", "pub(super) use "] {
        let mut from = 0;
        while let Some(found) = code[from..].find(marker) {
            let start = from + found + marker.len();
            let end = code[start..].find(';').map_or(code.len(), |e| start + e);
            for path in expand_use(&code[start..end]) {
                paths.push(path.split("::").map(str::to_owned).collect());
            }
            from = end;
        }
    }
    paths
}

/// The next `use` keyword (a whole word, starting a declaration).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_ident) && after.is_some_and(char::is_whitespace) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Items a module re-exports, by name, with the path they come from (as written there).
type Reexports = BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>;

/// The module a path leads to from `current`: the longest prefix that is a module of the crate,
/// followed through re-exports (`crate::Warning` leads to `diag`, where it is defined). `None`
/// for paths outside the crate (std, dependencies).
fn resolve(
    current: &[String],
    path: &[String],
    known: &BTreeSet<Vec<String>>,
    reexports: &Reexports,
) -> Option<Vec<String>> {
    resolve_within(current, path, known, reexports, 0)
}

fn resolve_within(
    current: &[String],
    path: &[String],
    known: &BTreeSet<Vec<String>>,
    reexports: &Reexports,
    depth: usize,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = current.to_vec();
    let mut segments = path;
    match segments.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            segments = &segments[1..];
        }
        Some("super") | Some("self") => {
            while let Some(first) = segments.first() {
                match first.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                segments = &segments[1..];
            }
        }
        Some(first) => {
            let mut child = current.to_vec();
            child.push(first.to_owned());
            if !known.contains(&child) {
                return None;
            }
        }
        None => return None,
    }
    let mut resolved = base;
    let mut rest = segments;
    while let Some((segment, after)) = rest.split_first() {
        let mut next = resolved.clone();
        next.push(segment.clone());
        if !known.contains(&next) {
            break;
        }
        resolved = next;
        rest = after;
    }
    if let Some(item) = rest.first() {
        if let Some(source) = reexports.get(&resolved).and_then(|items| items.get(item)) {
            if depth < 8 {
                let mut path = source.clone();
                path.extend(rest[1..].iter().cloned());
                return resolve_within(&resolved, &path, known, reexports, depth + 1)
                    .or(Some(resolved));
            }
        }
    }
    Some(resolved)
}

fn stage_of(module: &[String]) -> Option<(usize, &'static str)> {
    let top = module.first().map(String::as_str).unwrap_or("");
    STAGES
        .iter()
        .enumerate()
        .find(|(_, (_, members))| members.contains(&top))
        .map(|(i, (name, _))| (i, *name))
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Edges between modules, each with the path that made it.
fn module_graph(src: &Path) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> {
    let modules = modules(src);
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let code: Vec<String> = modules
        .iter()
        .map(|m| code_of(&std::fs::read_to_string(&m.file).unwrap()))
        .collect();
    let mut reexports = Reexports::new();
    for (module, code) in modules.iter().zip(&code) {
        for path in reexported_paths(code) {
            if let Some(item) = path.last().filter(|i| i.as_str() != "*") {
                reexports
                    .entry(module.path.clone())
                    .or_default()
                    .insert(item.clone(), path.clone());
            }
        }
    }
    let mut graph: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for (module, code) in modules.iter().zip(&code) {
        let edges = graph.entry(module.path.clone()).or_default();
        for path in referenced_paths(code) {
            if let Some(target) = resolve(&module.path, &path, &known, &reexports) {
                // A module contains its children: a parent naming them (declaring,
                // re-exporting, calling) is not an import that could close a circle.
                if !target.starts_with(&module.path) {
                    edges.entry(target).or_insert_with(|| path.join("::"));
                }
            }
        }
    }
    graph
}

/// Imports from a lower stage to a higher one, as readable lines.
fn upward_imports(graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (from, edges) in graph {
        let (from_level, from_stage) = stage_of(from).unwrap();
        for (to, path) in edges {
            let (to_level, to_stage) = stage_of(to).unwrap();
            if to_level > from_level {
                found.push(format!(
                    "{} ({from_stage}) imports {} ({to_stage}) through `{path}`",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    found
}

/// Groups of modules that import each other, directly or around a circle (Tarjan's strongly
/// connected components with more than one member).
fn cycles(graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a Vec<String>) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        if let Some(edges) = state.graph.get(node) {
            for next in edges.keys() {
                if !state.index.contains_key(next) {
                    visit(state, next);
                    let low = state.low[next].min(state.low[node]);
                    state.low.insert(node, low);
                } else if state.on_stack.contains(next) {
                    let low = state.index[next].min(state.low[node]);
                    state.low.insert(node, low);
                }
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            loop {
                let member = state.stack.pop().unwrap();
                state.on_stack.remove(member);
                component.push(name(member));
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.components.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.components
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_module_has_a_stage() {
    let missing: Vec<String> = modules(&src())
        .iter()
        .filter(|m| stage_of(&m.path).is_none())
        .map(|m| name(&m.path))
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a stage in STAGES: {missing:?}"
    );
}

#[test]
fn no_stage_imports_a_higher_one() {
    let upward = upward_imports(&module_graph(&src()));
    assert!(
        upward.is_empty(),
        "imports against the pipeline:\n{}",
        upward.join("\n")
    );
}

/// A re-export does not make a name right: `log` writing `crate::model::Run` would resolve to
/// where `Run` is defined (in `log`) and pass the graph check, yet it names a higher stage.
/// Every `crate::x::...` path must name a module of its own stage or a lower one.
#[test]
fn no_stage_names_a_higher_one() {
    let src = src();
    let mut found = Vec::new();
    for module in modules(&src) {
        let Some((level, stage)) = stage_of(&module.path) else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&module.file).unwrap());
        for path in referenced_paths(&code) {
            let [first, top, ..] = path.as_slice() else {
                continue;
            };
            if first != "crate" {
                continue;
            }
            if let Some((named_level, named_stage)) = stage_of(std::slice::from_ref(top))
                && named_level > level
                && !top.is_empty()
            {
                found.push(format!(
                    "{} ({stage}) names {top} ({named_stage}) in `{}`",
                    name(&module.path),
                    path.join("::")
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "names against the pipeline:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_modules_import_each_other() {
    let cycles = cycles(&module_graph(&src()));
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles
            .iter()
            .map(|c| c.join(" <-> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The reader itself, on a made-up tree: the checks above pass only if it sees imports.
#[test]
fn the_reader_finds_grouped_relative_and_inline_imports() {
    let code = code_of(
        "use super::{a, b::{C, D}};\nuse crate::x::y as z;\nuse child::Thing;\n\
         fn f() { crate::w::v(); } // crate::comment::ignored\n\
         #[cfg(test)]\nmod tests { use crate::lib_level; }\n",
    );
    let paths: Vec<String> = referenced_paths(&code)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        paths,
        [
            "super::a",
            "super::b::C",
            "super::b::D",
            "crate::x::y",
            "child::Thing",
            "crate::w::v"
        ]
    );
    let known: BTreeSet<Vec<String>> = [
        vec![],
        vec!["site".to_owned()],
        vec!["site".to_owned(), "pages".to_owned()],
        vec!["site".to_owned(), "pages".to_owned(), "child".to_owned()],
        vec!["render".to_owned()],
    ]
    .into_iter()
    .collect();
    let pages = ["site".to_owned(), "pages".to_owned()];
    let to = |p: &str| {
        let path: Vec<String> = p.split("::").map(str::to_owned).collect();
        resolve(&pages, &path, &known, &Reexports::new()).map(|m| name(&m))
    };
    assert_eq!(to("super::SiteOptions").as_deref(), Some("site"));
    assert_eq!(to("crate::render::views::Page").as_deref(), Some("render"));
    assert_eq!(to("child::Thing").as_deref(), Some("site::pages::child"));
    assert_eq!(to("crate::load").as_deref(), Some("crate"));
    assert_eq!(to("std::fs").as_deref(), None);
}
