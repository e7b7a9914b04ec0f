//! Architecture tests: the module boundaries of ARCHITECTURE.md, checked on the source text of
//! `src-tauri/src`. Each rule is a function from one file (its path and text) to the lines that
//! break it, so the self-tests at the bottom can feed it synthetic sources and show it fails.
//!
//! The scanner is a small Rust lexer rather than a grep: comments, string literals (raw ones
//! too) and char literals are told apart from code; `use` trees are flattened and `crate::`,
//! `super::` and `self::` paths are resolved against the file's module path (inline
//! `mod x { … }` blocks included), so `use crate::{desk::Desk, store}` is read as
//! `crate::desk::Desk` and `crate::store`. In `main.rs` and `bin/*.rs`, `zkdesk::` is the core.
//!
//! `#[cfg(test)]` items (e.g. a file's `mod tests { … }`) are exempt from the rules about SQL, IO
//! and the store, which are about production code. The dependency rules (tauri, sync → desk)
//! apply to them as well: a test module compiles into the same crate.

use std::fmt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// The rules.
// ---------------------------------------------------------------------------------------------

/// (a) `tauri` is named only in `gui/` and in `main.rs`, the app binary.
fn rule_tauri_only_in_gui(rel: &str, src: &str) -> Vec<Violation> {
    if rel.starts_with("gui/") || rel == "main.rs" {
        return vec![];
    }
    let lx = Lexed::new(src);
    find_words(&lx.code, "tauri")
        .into_iter()
        .map(|i| lx.violation(rel, i, "names `tauri` outside src-tauri/src/gui/ (the core never imports tauri)".into()))
        .collect()
}

/// (b) `sync` never imports `desk` (nor `gui`): desk calls sync, not the other way round.
fn rule_sync_never_imports_desk(rel: &str, src: &str) -> Vec<Violation> {
    if !rel.starts_with("sync/") {
        return vec![];
    }
    let lx = Lexed::new(src);
    let mut out = vec![];
    for p in lx.paths(rel) {
        for layer in ["desk", "gui"] {
            if p.starts_with(&["crate", layer]) {
                out.push(lx.violation(
                    rel,
                    p.at,
                    format!("sync imports {layer} (`{}`); {layer} calls sync, never the reverse", p.joined()),
                ));
            }
        }
    }
    out
}

/// (c) No SQL text outside `store/`: every query lives in a store repository.
fn rule_no_sql_outside_store(rel: &str, src: &str) -> Vec<Violation> {
    if rel.starts_with("store/") {
        return vec![];
    }
    let lx = Lexed::new(src);
    sql_violations(&lx, rel)
}

/// (d) `domain` does no IO: no files, network, processes, threads, environment, clock,
/// randomness, database or HTTP, and none of the modules that do them.
fn rule_domain_does_no_io(rel: &str, src: &str) -> Vec<Violation> {
    if !rel.starts_with("domain/") {
        return vec![];
    }
    const TEXT: &[(&str, &str)] = &[
        ("std::fs", "file IO"),
        ("std::net", "network IO"),
        ("std::process", "processes"),
        ("std::thread", "threads"),
        ("std::env", "the environment"),
        ("rusqlite", "the database"),
        ("reqwest", "HTTP"),
        ("tokio", "async IO"),
        ("Utc::now", "the clock (time is passed in)"),
        ("Local::now", "the clock (time is passed in)"),
        ("SystemTime", "the clock (time is passed in)"),
        ("Instant::now", "the clock (time is passed in)"),
        ("rand::", "randomness (ids are passed in)"),
        ("thread_rng", "randomness (ids are passed in)"),
        ("getrandom", "randomness (ids are passed in)"),
        ("OsRng", "randomness (ids are passed in)"),
        ("now_v7", "clock-based ids (ids are passed in)"),
        ("new_v4", "random ids (ids are passed in)"),
    ];
    const MODULES: &[&[&str]] = &[
        &["crate", "store"],
        &["crate", "sync"],
        &["crate", "desk"],
        &["crate", "camera"],
        &["crate", "gui"],
        &["crate", "idcard", "reader"],
    ];
    let lx = Lexed::new(src);
    let mut out = vec![];
    for (needle, why) in TEXT {
        for i in find_words(&lx.code, needle) {
            if !lx.in_test(i) {
                out.push(lx.violation(rel, i, format!("domain uses `{needle}`: {why}; domain is pure")));
            }
        }
    }
    for p in lx.paths(rel).into_iter().filter(|p| !lx.in_test(p.at)) {
        let joined = format!("{}::", p.joined());
        for (needle, why) in TEXT {
            // `use std::{env, fs}` has no `std::fs` in its text; the flattened path does.
            if !find_words(&joined.chars().collect::<Vec<_>>(), needle).is_empty() {
                out.push(lx.violation(rel, p.at, format!("domain uses `{}`: {why}; domain is pure", p.joined())));
            }
        }
        if let Some(m) = MODULES.iter().find(|m| p.starts_with(m)) {
            out.push(lx.violation(
                rel,
                p.at,
                format!("domain depends on `{}` (`{}`), which does IO; domain is pure", m.join("::"), p.joined()),
            ));
        }
    }
    out
}

/// (e) The front doors — `gui/`, `bin/zkctl.rs` and `main.rs` — go through `desk`: no SQL, no
/// `rusqlite`, no `crate::store` except `store::default_data_dir`, no `desk.store()` back door.
fn rule_front_doors_go_through_desk(rel: &str, src: &str) -> Vec<Violation> {
    if !(rel.starts_with("gui/") || rel == "bin/zkctl.rs" || rel == "main.rs") {
        return vec![];
    }
    let lx = Lexed::new(src);
    let mut out = sql_violations(&lx, rel);
    for p in lx.paths(rel).into_iter().filter(|p| !lx.in_test(p.at)) {
        if p.starts_with(&["crate", "store"]) && p.segs != ["crate", "store", "default_data_dir"] {
            out.push(lx.violation(
                rel,
                p.at,
                format!("touches the store directly (`{}`); go through desk (only `store::default_data_dir` is allowed)", p.joined()),
            ));
        }
    }
    for i in find_words(&lx.code, "rusqlite") {
        if !lx.in_test(i) {
            out.push(lx.violation(rel, i, "uses `rusqlite`; go through desk".into()));
        }
    }
    for needle in [".store()", ".store_mut()", ".conn()", ".conn_mut()"] {
        for i in find_plain(&lx.code, needle) {
            if !lx.in_test(i) {
                out.push(lx.violation(rel, i, format!("reaches into the store with `{needle}`; go through desk")));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The tests over the real tree.
// ---------------------------------------------------------------------------------------------

#[test]
fn tauri_is_only_referenced_in_gui_and_main() {
    check_tree("the core never imports tauri; only gui/ (and main.rs) do", rule_tauri_only_in_gui);
}

#[test]
fn sync_never_imports_desk() {
    check_tree("sync never imports desk", rule_sync_never_imports_desk);
}

#[test]
fn no_sql_outside_store() {
    check_tree("SQL lives only in src-tauri/src/store/", rule_no_sql_outside_store);
}

#[test]
fn domain_does_no_io() {
    check_tree("domain is pure: no IO, no clock, no randomness", rule_domain_does_no_io);
}

#[test]
fn gui_and_zkctl_go_through_desk() {
    check_tree("gui and zkctl hold no SQL and reach the store only through desk", rule_front_doors_go_through_desk);
}

/// The scanner reads the real tree, and on real code it finds what it is meant to find.
#[test]
fn the_scanner_sees_the_real_tree() {
    let files = sources();
    let names: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    for must in ["lib.rs", "main.rs", "bin/zkctl.rs", "gui/mod.rs"] {
        assert!(names.contains(&must), "the walk of {} did not find {must}; found {names:?}", src_root().display());
    }
    assert!(names.iter().any(|n| n.starts_with("domain/")), "no domain/ files found: {names:?}");
    assert!(names.iter().any(|n| n.starts_with("store/")), "no store/ files found: {names:?}");
    // A literal or comment read wrongly would swallow code and hide violations; the braces and
    // parentheses of what is left as code must balance in every file.
    for (rel, text) in &files {
        let lx = Lexed::new(text);
        for (open, close) in [('{', '}'), ('(', ')'), ('[', ']')] {
            let depth = lx.code.iter().filter(|c| **c == open).count() as i64 - lx.code.iter().filter(|c| **c == close).count() as i64;
            assert_eq!(depth, 0, "src-tauri/src/{rel}: `{open}` and `{close}` do not balance in the code the lexer sees (off by {depth})");
        }
    }
    // main.rs names tauri; seen as if it were a core file, the rule flags it.
    let main = &files.iter().find(|(rel, _)| rel == "main.rs").unwrap().1;
    assert!(!rule_tauri_only_in_gui("not_gui.rs", main).is_empty(), "the tauri rule finds nothing in main.rs's text");
    // The store holds SQL; seen as if it were elsewhere, the SQL rule flags it.
    let sql_hits: usize = files
        .iter()
        .filter(|(rel, _)| rel.starts_with("store/"))
        .map(|(rel, text)| rule_no_sql_outside_store(&format!("elsewhere/{rel}"), text).len())
        .sum();
    assert!(sql_hits > 5, "the SQL rule finds only {sql_hits} statements in store/");
}

// ---------------------------------------------------------------------------------------------
// Self-tests: each rule fails on a synthetic violation and ignores comments and literals.
// ---------------------------------------------------------------------------------------------

/// The lines flagged, sorted, each once.
fn lines(v: &[Violation]) -> Vec<usize> {
    let mut l: Vec<usize> = v.iter().map(|v| v.line).collect();
    l.sort_unstable();
    l.dedup();
    l
}

#[test]
fn self_test_lexer() {
    let src = r####"fn f<'a>(x: &'a str) -> char {
    let _ = "a // not a comment";
    let _ = r#"raw "quoted" \ tauri::x"#; // tauri::y
    /* block /* nested tauri::z */ still comment */
    let c = '"';
    let d = '\'';
    let _ = b"bytes";
    let _ = "escaped \" quote tauri::w";
    tauri::real
}
"####;
    let lx = Lexed::new(src);
    let code: String = lx.code.iter().collect();
    assert_eq!(code.lines().count(), src.lines().count(), "line structure kept:\n{code}");
    assert_eq!(lines(&rule_tauri_only_in_gui("core.rs", src)), vec![9], "only the real path on line 9 counts:\n{code}");
    let texts: Vec<&str> = lx.literals.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, vec!["a // not a comment", r#"raw "quoted" \ tauri::x"#, "bytes", "escaped \" quote tauri::w"]);
    assert_eq!(lx.literals.iter().map(|l| l.line).collect::<Vec<_>>(), vec![2, 3, 7, 8]);
}

#[test]
fn self_test_tauri_rule() {
    let src = "//! Never tauri:: here.\n\
               use tauri::Manager;\n\
               #[tauri::command]\n\
               fn f() { let s = \"tauri::x\"; }\n\
               fn g(app: tauri::AppHandle) {}\n\
               extern crate tauri;\n";
    let v = rule_tauri_only_in_gui("desk/mod.rs", src);
    assert_eq!(lines(&v), vec![2, 3, 5, 6], "{v:#?}");
    assert!(v[0].to_string().starts_with("src-tauri/src/desk/mod.rs:2: "), "{}", v[0]);
    assert!(rule_tauri_only_in_gui("gui/commands.rs", src).is_empty());
    assert!(rule_tauri_only_in_gui("main.rs", src).is_empty());
    // `tauri_build` and `tauri_x` are other identifiers.
    assert!(rule_tauri_only_in_gui("lib.rs", "fn tauri_build() {}\nlet my_tauri = 1;\n").is_empty());
}

#[test]
fn self_test_sync_rule() {
    let src = "use crate::desk::Desk;\n\
               use crate::{store, desk::{Now}};\n\
               use super::super::desk;\n\
               fn f() { crate::desk::Desk::open(p); }\n\
               // crate::desk in a comment\n\
               fn g() { let s = \"crate::desk\"; }\n\
               use super::engine;\n\
               #[cfg(test)]\nmod tests { use zkdesk::desk::Desk; use crate::desk::X; }\n";
    // From sync/scheduler/inner.rs, `super::super::desk` is `crate::sync::desk`, not desk.
    let v = rule_sync_never_imports_desk("sync/scheduler/inner.rs", src);
    assert_eq!(lines(&v), vec![1, 2, 4, 9], "{v:#?}");
    let v = rule_sync_never_imports_desk("sync/scheduler.rs", "use super::super::desk::Now;\nuse super::desk::Now;\n");
    assert_eq!(lines(&v), vec![1], "from sync/scheduler.rs, super::super is crate: {v:#?}");
    let v = rule_sync_never_imports_desk("sync/mod.rs", "use super::desk::Now;\nmod inner { use super::super::desk::Now; }\n");
    assert_eq!(lines(&v), vec![1, 2], "super from sync/mod.rs is crate; inline modules count: {v:#?}");
    assert!(rule_sync_never_imports_desk("desk/mod.rs", src).is_empty());
}

#[test]
fn self_test_sql_rule() {
    let src = r##"fn f(c: &Connection) {
    c.execute("UPDATE staff SET failed_logins = 0 WHERE staff_id = ?1", [])?;
    c.query_row("SELECT COUNT(*)
                 FROM registration", [], |r| r.get(0))?;
    let q = r#"INSERT OR IGNORE INTO t (a) VALUES (?1)"#;
    c.execute_batch("BEGIN IMMEDIATE")?;
    c.execute_batch("PRAGMA journal_mode = WAL")?;
    c.execute("DELETE FROM blacklist WHERE id_number = ?1", [])?;
    let m = include_str!("../../migrations/0001_init.sql");
    let s = "CREATE TABLE x (a)";
    // SELECT a FROM b in a comment is fine
    let ok = "select the reader, then update the settings";
    let ok2 = "UPDATE_BINDINGS=1 cargo test";
    let ok3 = "import { invoke } from \"@tauri-apps/api/core\"";
    let ok4 = "Please SELECT a camera";
}
#[cfg(test)]
mod tests {
    fn t() { c.execute("DELETE FROM staff", []); }
}
"##;
    let v = rule_no_sql_outside_store("desk/auth.rs", src);
    assert_eq!(lines(&v), vec![2, 3, 5, 6, 7, 8, 9, 10], "{v:#?}");
    assert!(rule_no_sql_outside_store("store/staff.rs", src).is_empty());
}

#[test]
fn self_test_domain_rule() {
    let src = "use std::{env, fs};\n\
               use chrono::Utc;\n\
               fn now() -> i64 { Utc::now().timestamp() }\n\
               use crate::store::settings;\n\
               use super::super::sync::engine;\n\
               use crate::idcard::reader::ReaderSpec;\n\
               use crate::idcard::IdentityCard;\n\
               /// Never `std::fs::read` here.\n\
               fn f() -> &'static str { \"std::thread::spawn\" }\n\
               fn g() { let id = uuid::Uuid::now_v7(); let r = rand::random::<u8>(); }\n\
               const M: &[u8] = include_bytes!(\"model.bin\");\n\
               #[cfg(test)]\nmod tests { fn t() { std::fs::read(\"x\").unwrap(); } }\n";
    let v = rule_domain_does_no_io("domain/rules.rs", src);
    assert_eq!(lines(&v), vec![1, 3, 4, 5, 6, 10], "{v:#?}");
    assert!(v.iter().any(|v| v.what.contains("std::env")) && v.iter().any(|v| v.what.contains("std::fs")), "{v:#?}");
    assert!(rule_domain_does_no_io("domain/mod.rs", "use crate::idcard::IdentityCard;\nuse super::error::DeskError;\n").is_empty());
    assert!(rule_domain_does_no_io("desk/mod.rs", src).is_empty());
}

#[test]
fn self_test_front_door_rule() {
    let src = "use crate::store::settings;\n\
               use zkdesk::store::default_data_dir;\n\
               fn f(d: &Desk) { settings::get(d.store().conn(), \"reader\"); }\n\
               fn g() { let dir = zkdesk::store::default_data_dir(); }\n\
               fn h(c: &rusqlite::Connection) { c.execute(\"DELETE FROM setting\", []); }\n\
               use crate::{api, store::{self, outbox}};\n\
               #[cfg(test)]\nmod tests { use crate::store::Store; }\n";
    let v = rule_front_doors_go_through_desk("gui/state.rs", src);
    assert_eq!(lines(&v), vec![1, 3, 5, 6], "{v:#?}");
    // In a binary `crate::` is the binary itself; `zkdesk::store` is the core's store.
    let v = rule_front_doors_go_through_desk(
        "bin/zkctl.rs",
        "use zkdesk::store::Store;\nuse crate::store::X;\nlet d = zkdesk::store::default_data_dir();\n",
    );
    assert_eq!(lines(&v), vec![1], "{v:#?}");
    assert!(rule_front_doors_go_through_desk("desk/mod.rs", src).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Walking the tree and reporting.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Violation {
    /// Path relative to src-tauri/src, with `/`.
    file: String,
    line: usize,
    what: String,
    /// The source line, trimmed.
    text: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "src-tauri/src/{}:{}: {}\n        | {}", self.file, self.line, self.what, self.text)
    }
}

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/src")
}

/// Every `.rs` file under src-tauri/src as (path relative to it with `/`, text), sorted.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel =
                    path.strip_prefix(root).unwrap().components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                out.push((rel, text));
            }
        }
    }
    let root = src_root();
    let mut out = vec![];
    walk(&root, &root, &mut out);
    out.sort();
    assert!(out.len() > 10, "only {} source files under {}", out.len(), root.display());
    out
}

fn check_tree(rule: &str, check: fn(&str, &str) -> Vec<Violation>) {
    let mut all = vec![];
    for (rel, text) in sources() {
        let mut v = check(&rel, &text);
        // One report per line is enough to find it (a line may break a rule in two ways).
        v.sort_by_key(|v| v.line);
        v.dedup_by_key(|v| v.line);
        all.extend(v);
    }
    if !all.is_empty() {
        let list = all.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n");
        panic!("{} violation(s) of the rule \"{rule}\" (ARCHITECTURE.md, code map):\n{list}", all.len());
    }
}

// ---------------------------------------------------------------------------------------------
// SQL shape.
// ---------------------------------------------------------------------------------------------

fn sql_violations(lx: &Lexed, rel: &str) -> Vec<Violation> {
    let mut out = vec![];
    for lit in lx.literals.iter().filter(|l| !lx.in_test(l.at)) {
        let shown: String = lit.text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(70).collect();
        if let Some(shape) = sql_shape(&lit.text) {
            out.push(lx.violation(rel, lit.at, format!("SQL text ({shape}) outside src-tauri/src/store/: \"{shown}\"")));
        } else if lit.text.ends_with(".sql") && (lit.before.ends_with("include_str!(") || lit.before.ends_with("include_bytes!(")) {
            out.push(lx.violation(rel, lit.at, format!("embeds an SQL file outside src-tauri/src/store/: \"{shown}\"")));
        }
    }
    out
}

/// The SQL statement shape a string literal has, if any (upper-case keywords, as we write SQL).
fn sql_shape(text: &str) -> Option<&'static str> {
    // Words (runs of [A-Za-z0-9_]) with whether only whitespace separates each from the one before.
    let mut words: Vec<(&str, bool)> = vec![];
    let mut gap_is_space = true;
    let mut start = None;
    for (i, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            start.get_or_insert(i);
        } else {
            if let Some(s) = start.take() {
                words.push((&text[s..i], gap_is_space));
                gap_is_space = true;
            }
            if !ch.is_whitespace() {
                gap_is_space = false;
            }
        }
    }
    let ident_like = |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let pair = |i: usize, a: &str, bs: &[&str]| words[i].0 == a && words.get(i + 1).is_some_and(|(w, sp)| *sp && bs.contains(w));
    for i in 0..words.len() {
        let w = words[i].0;
        let leads = i == 0 && words.len() > 1 && text.trim_start().starts_with("SELECT");
        if w == "SELECT" && (leads || words[i + 1..].iter().any(|(w, _)| *w == "FROM")) {
            return Some("SELECT … FROM");
        }
        if pair(i, "INSERT", &["INTO", "OR"]) || pair(i, "REPLACE", &["INTO"]) {
            return Some("INSERT INTO");
        }
        if w == "UPDATE"
            && words.get(i + 1).is_some_and(|(w, sp)| *sp && ident_like(w))
            && words.get(i + 2).is_some_and(|(w, sp)| *sp && *w == "SET")
        {
            return Some("UPDATE … SET");
        }
        if pair(i, "DELETE", &["FROM"]) {
            return Some("DELETE FROM");
        }
        if pair(i, "CREATE", &["TABLE", "INDEX", "UNIQUE", "TRIGGER", "VIEW", "TEMP", "TEMPORARY", "VIRTUAL"])
            || pair(i, "DROP", &["TABLE", "INDEX", "TRIGGER", "VIEW"])
            || pair(i, "ALTER", &["TABLE"])
        {
            return Some("DDL");
        }
        if pair(i, "BEGIN", &["IMMEDIATE", "EXCLUSIVE", "DEFERRED", "TRANSACTION"]) {
            return Some("BEGIN …");
        }
        if w == "PRAGMA" && words.get(i + 1).is_some_and(|(w, sp)| *sp && ident_like(w)) {
            return Some("PRAGMA");
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The lexer.
// ---------------------------------------------------------------------------------------------

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

struct Literal {
    /// Char index of the opening quote (or prefix) in the source.
    at: usize,
    line: usize,
    /// The contents, with the common escapes read (`\n`, `\t` as spaces, `\"`, `\\`).
    text: String,
    /// The code just before it, without whitespace, e.g. `include_str!(`.
    before: String,
}

/// A resolved path, e.g. `crate::desk::Desk`, where it appears.
struct RPath {
    at: usize,
    segs: Vec<String>,
}

impl RPath {
    fn starts_with(&self, prefix: &[&str]) -> bool {
        self.segs.len() >= prefix.len() && self.segs.iter().zip(prefix).all(|(a, b)| a == b)
    }
    fn joined(&self) -> String {
        self.segs.join("::")
    }
}

struct Lexed {
    /// The source with comments and the insides of literals blanked to spaces (newlines kept).
    code: Vec<char>,
    literals: Vec<Literal>,
    /// Char index where each line starts.
    line_starts: Vec<usize>,
    /// Char ranges of `#[cfg(test)]` items.
    tests: Vec<(usize, usize)>,
    /// Inline modules: name and the char range of their braces.
    inline_mods: Vec<(String, usize, usize)>,
    src_lines: Vec<String>,
}

impl Lexed {
    fn new(src: &str) -> Lexed {
        let c: Vec<char> = src.chars().collect();
        let n = c.len();
        let mut code: Vec<char> = Vec::with_capacity(n);
        let mut literals = vec![];
        let mut line = 1;
        let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
        let mut i = 0;
        while i < n {
            let ch = c[i];
            let next = c.get(i + 1).copied();
            let prev_ident = i > 0 && is_ident(c[i - 1]);
            if ch == '/' && next == Some('/') {
                while i < n && c[i] != '\n' {
                    code.push(' ');
                    i += 1;
                }
                continue;
            }
            if ch == '/' && next == Some('*') {
                let mut depth = 0;
                while i < n {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        code.extend([' ', ' ']);
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        code.extend([' ', ' ']);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if c[i] == '\n' {
                            line += 1;
                        }
                        code.push(blank(c[i]));
                        i += 1;
                    }
                }
                continue;
            }
            // Raw strings: r"…", r#"…"#, br"…", cr#"…"#.
            if !prev_ident && matches!(ch, 'r' | 'b' | 'c') {
                let r = if ch == 'r' {
                    i
                } else if next == Some('r') {
                    i + 1
                } else {
                    usize::MAX
                };
                if r != usize::MAX {
                    let mut j = r + 1;
                    while j < n && c[j] == '#' {
                        j += 1;
                    }
                    if j < n && c[j] == '"' {
                        let hashes = j - r - 1;
                        let (at, start_line) = (i, line);
                        let before = before_text(&code);
                        code.extend(std::iter::repeat_n(' ', j + 1 - i));
                        let mut k = j + 1;
                        let mut text = String::new();
                        while k < n {
                            if c[k] == '"' && (0..hashes).all(|h| c.get(k + 1 + h) == Some(&'#')) {
                                break;
                            }
                            text.push(c[k]);
                            if c[k] == '\n' {
                                line += 1;
                            }
                            code.push(blank(c[k]));
                            k += 1;
                        }
                        let end = (k + 1 + hashes).min(n);
                        code.extend(std::iter::repeat_n(' ', end - k));
                        literals.push(Literal { at, line: start_line, text, before });
                        i = end;
                        continue;
                    }
                }
            }
            if ch == '"' {
                let (at, start_line) = (i, line);
                let before = before_text(&code);
                code.push(' ');
                let mut k = i + 1;
                let mut text = String::new();
                while k < n && c[k] != '"' {
                    if c[k] == '\\' && k + 1 < n {
                        let e = c[k + 1];
                        match e {
                            'n' | 't' | 'r' => text.push(' '),
                            '\n' => text.push(' '),
                            _ => text.push(e),
                        }
                        if e == '\n' {
                            line += 1;
                        }
                        code.push(' ');
                        code.push(blank(e));
                        k += 2;
                        continue;
                    }
                    text.push(c[k]);
                    if c[k] == '\n' {
                        line += 1;
                    }
                    code.push(blank(c[k]));
                    k += 1;
                }
                if k < n {
                    code.push(' ');
                }
                literals.push(Literal { at, line: start_line, text, before });
                i = k + 1;
                continue;
            }
            if ch == '\'' {
                // A char literal ('x', '\n', '\'', '\u{..}') or a lifetime ('a).
                let end = if next == Some('\\') {
                    (i + 3..n).find(|&k| c[k] == '\'')
                } else if c.get(i + 2) == Some(&'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                if let Some(e) = end {
                    code.extend(std::iter::repeat_n(' ', e + 1 - i));
                    i = e + 1;
                    continue;
                }
            }
            if ch == '\n' {
                line += 1;
            }
            code.push(ch);
            i += 1;
        }
        let mut line_starts = vec![0];
        line_starts.extend(code.iter().enumerate().filter(|(_, ch)| **ch == '\n').map(|(i, _)| i + 1));
        let mut lx =
            Lexed { code, literals, line_starts, tests: vec![], inline_mods: vec![], src_lines: src.lines().map(str::to_string).collect() };
        lx.tests = find_plain(&lx.code, "#[cfg(test)]").into_iter().map(|a| (a, item_end(&lx.code, a + "#[cfg(test)]".len()))).collect();
        for m in find_words(&lx.code, "mod") {
            let mut j = skip_ws(&lx.code, m + 3);
            let name: String = lx.code[j..].iter().take_while(|c| is_ident(**c)).collect();
            j = skip_ws(&lx.code, j + name.chars().count());
            if !name.is_empty() && lx.code.get(j) == Some(&'{') {
                let close = matching_close(&lx.code, j);
                lx.inline_mods.push((name, j, close));
            }
        }
        lx
    }

    fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at)
    }

    fn in_test(&self, at: usize) -> bool {
        self.tests.iter().any(|&(a, b)| a <= at && at <= b)
    }

    fn violation(&self, rel: &str, at: usize, what: String) -> Violation {
        let line = self.line_of(at);
        let text = self.src_lines.get(line - 1).map(|l| l.trim().to_string()).unwrap_or_default();
        Violation { file: rel.to_string(), line, what, text }
    }

    /// The module path at char `at`: the file's, plus any inline `mod x { … }` around it.
    fn module_at(&self, rel: &str, at: usize) -> Vec<String> {
        let mut m = file_module(rel);
        for (name, open, close) in &self.inline_mods {
            if *open < at && at < *close {
                m.push(name.clone());
            }
        }
        m
    }

    /// Every path in `use` declarations (flattened) and every `crate::`/`super::`/`self::`/
    /// `zkdesk::` path in the code, resolved: `crate` is the zkdesk library, `bin` a binary's root.
    fn paths(&self, rel: &str) -> Vec<RPath> {
        let bin = rel == "main.rs" || rel.starts_with("bin/");
        let local_mods: Vec<String> = find_words(&self.code, "mod")
            .into_iter()
            .map(|m| self.code[skip_ws(&self.code, m + 3)..].iter().take_while(|c| is_ident(**c)).collect::<String>())
            .filter(|s| !s.is_empty())
            .collect();
        let mut out = vec![];
        let mut use_ranges = vec![];
        for u in find_words(&self.code, "use") {
            let start = skip_ws(&self.code, u + 3);
            if self.code.get(start) == Some(&'<') {
                continue; // `impl Trait + use<'a>`
            }
            let Some(end) = (start..self.code.len()).find(|&k| self.code[k] == ';') else { continue };
            use_ranges.push((u, end));
            let text: String = self.code[start..end].iter().collect();
            let module = self.module_at(rel, u);
            for segs in flatten_use(&text) {
                out.push(RPath { at: u, segs: resolve(&segs, &module, bin, &local_mods) });
            }
        }
        for root in ["crate", "super", "self", "zkdesk"] {
            for at in find_words(&self.code, root) {
                if use_ranges.iter().any(|&(a, b)| a <= at && at <= b) {
                    continue;
                }
                let segs = read_path(&self.code, at);
                if segs.len() > 1 {
                    out.push(RPath { at, segs: resolve(&segs, &self.module_at(rel, at), bin, &local_mods) });
                }
            }
        }
        out.sort_by_key(|p| p.at);
        out
    }
}

fn before_text(code: &[char]) -> String {
    let tail: String = code.iter().rev().filter(|c| !c.is_whitespace()).take(24).collect();
    tail.chars().rev().collect()
}

fn skip_ws(code: &[char], mut i: usize) -> usize {
    while i < code.len() && code[i].is_whitespace() {
        i += 1;
    }
    i
}

/// Index of the `}` closing the `{` at `open` (or the end of the text).
fn matching_close(code: &[char], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, ch) in code.iter().enumerate().skip(open) {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The end of the item starting at `start`: its first `;` at depth 0, or the `}` closing its body.
fn item_end(code: &[char], start: usize) -> usize {
    let mut paren = 0i32;
    for (k, ch) in code.iter().enumerate().skip(start) {
        match ch {
            '(' | '[' => paren += 1,
            ')' | ']' => paren -= 1,
            ';' if paren == 0 => return k,
            '{' => return matching_close(code, k),
            _ => {}
        }
    }
    code.len()
}

/// Occurrences of `needle` that start on an identifier boundary (and end on one, if the needle
/// ends in an identifier character).
fn find_words(code: &[char], needle: &str) -> Vec<usize> {
    let nd: Vec<char> = needle.chars().collect();
    let ends_ident = nd.last().is_some_and(|c| is_ident(*c));
    find_plain_chars(code, &nd)
        .into_iter()
        .filter(|&i| i == 0 || !is_ident(code[i - 1]))
        .filter(|&i| !ends_ident || code.get(i + nd.len()).is_none_or(|c| !is_ident(*c)))
        .collect()
}

fn find_plain(code: &[char], needle: &str) -> Vec<usize> {
    find_plain_chars(code, &needle.chars().collect::<Vec<_>>())
}

fn find_plain_chars(code: &[char], nd: &[char]) -> Vec<usize> {
    if nd.is_empty() || code.len() < nd.len() {
        return vec![];
    }
    (0..=code.len() - nd.len()).filter(|&i| code[i..i + nd.len()] == *nd).collect()
}

/// `a::b::C` starting at `at`: identifiers joined by `::` (no spaces), stopping at anything else.
fn read_path(code: &[char], at: usize) -> Vec<String> {
    let mut segs = vec![];
    let mut i = at;
    loop {
        let seg: String = code[i..].iter().take_while(|c| is_ident(**c)).collect();
        if seg.is_empty() {
            break;
        }
        i += seg.chars().count();
        segs.push(seg);
        if code.get(i) == Some(&':') && code.get(i + 1) == Some(&':') && code.get(i + 2).is_some_and(|c| is_ident(*c)) {
            i += 2;
        } else {
            break;
        }
    }
    segs
}

/// `crate::{a, b::{c as d, self}, e::*}` → `crate::a`, `crate::b::c`, `crate::b`, `crate::e::*`.
fn flatten_use(text: &str) -> Vec<Vec<String>> {
    let mut toks: Vec<String> = vec![];
    let c: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < c.len() {
        if is_ident(c[i]) {
            let t: String = c[i..].iter().take_while(|c| is_ident(**c)).collect();
            i += t.chars().count();
            toks.push(t);
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            toks.push("::".into());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                toks.push(c[i].to_string());
            }
            i += 1;
        }
    }
    fn tree(toks: &[String], pos: &mut usize, mut path: Vec<String>, out: &mut Vec<Vec<String>>) {
        loop {
            let Some(t) = toks.get(*pos) else {
                if !path.is_empty() {
                    out.push(path);
                }
                return;
            };
            match t.as_str() {
                "::" => *pos += 1,
                "{" => {
                    *pos += 1;
                    while toks.get(*pos).is_some_and(|t| t != "}") {
                        tree(toks, pos, path.clone(), out);
                        if toks.get(*pos).is_some_and(|t| t == ",") {
                            *pos += 1;
                        }
                    }
                    *pos += 1;
                    return;
                }
                "*" => {
                    *pos += 1;
                    path.push("*".into());
                    out.push(path);
                    return;
                }
                "," | "}" => {
                    out.push(path);
                    return;
                }
                "as" if !path.is_empty() => *pos += 2,
                "pub" | "(" | ")" if path.is_empty() => *pos += 1,
                _ => {
                    if t != "self" || path.is_empty() {
                        path.push(t.clone());
                    }
                    *pos += 1;
                }
            }
        }
    }
    let mut out = vec![];
    let mut pos = 0;
    tree(&toks, &mut pos, vec![], &mut out);
    out
}

/// The module path of a file: `sync/engine.rs` → `crate::sync::engine`; binaries are `bin`.
fn file_module(rel: &str) -> Vec<String> {
    if rel == "main.rs" || rel.starts_with("bin/") {
        return vec!["bin".into()];
    }
    let mut m = vec!["crate".to_string()];
    let parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
    for (k, p) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        if !(last && (*p == "mod" || (*p == "lib" && k == 0))) {
            m.push(p.to_string());
        }
    }
    m
}

fn resolve(segs: &[String], module: &[String], bin: bool, local_mods: &[String]) -> Vec<String> {
    let Some(first) = segs.first() else { return vec![] };
    let rest = |n: usize| segs[n..].iter().cloned();
    match first.as_str() {
        "crate" => std::iter::once(if bin { "bin" } else { "crate" }.to_string()).chain(rest(1)).collect(),
        "zkdesk" => std::iter::once("crate".to_string()).chain(rest(1)).collect(),
        "self" => module.iter().cloned().chain(rest(1)).collect(),
        "super" => {
            let ups = segs.iter().take_while(|s| *s == "super").count();
            let keep = module.len().saturating_sub(ups).max(1);
            module[..keep].iter().cloned().chain(rest(ups)).collect()
        }
        s if local_mods.iter().any(|m| m == s) => module.iter().cloned().chain(rest(0)).collect(),
        _ => segs.to_vec(),
    }
}
