//! flcli's integration tests, built as one binary: a module per area, and
//! `support` for what they share. One binary links the crate, arrow and
//! parquet once; a binary per file would link them once each.
//!
//! One area: `cargo test --test it robust_skip::`. insta keeps its snapshots
//! in `snapshots/` beside this file; proptest keeps its regression seeds in
//! `tests/proptest-regressions/` (its default place once a `main.rs` is above
//! the test's source).

mod support;

mod by;
mod cli_errors;
mod cli_inputs;
mod cli_stats;
mod compare;
mod completions;
mod csv_split;
mod formats;
mod gates;
mod golden;
mod html;
mod library;
mod multilabel;
mod numpy;
mod output_formats;
mod parquet_big_unit;
mod parquet_dense;
mod parquet_flat;
mod parquet_labels;
mod partial;
mod properties;
mod readme;
mod recommend;
mod recommend_ci;
mod robust_awkward;
mod robust_degenerate;
mod robust_fuzz;
mod robust_input;
mod robust_lines;
mod robust_meaning;
mod robust_null_keys;
mod robust_output;
mod robust_parquet_meta;
mod robust_props;
mod robust_safety;
mod robust_skip;
mod schema;
mod segmentation;
mod simd;
mod split;
mod sql;
mod sql_layouts;
mod tables;
mod terminal;

/// With `autotests = false` cargo builds no test file by itself, and rustc
/// compiles no file under `tests/it/` that its folder's `main.rs` or `mod.rs`
/// does not declare: either would be skipped without a word. Every test file
/// must be a module of this binary.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    use std::path::{Path, PathBuf};
    fn entries(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("a tests folder")
            .map(|e| e.expect("a folder entry").path())
            .collect();
        v.sort();
        v
    }
    /// Files and folder modules in `dir` that `root` (its main.rs or mod.rs) does not declare.
    fn undeclared(dir: &Path, root: &str, missing: &mut Vec<PathBuf>) {
        let text = std::fs::read_to_string(dir.join(root)).expect("a module root");
        let declared = |m: &str| {
            text.lines()
                .any(|l| [format!("mod {m};"), format!("pub mod {m};")].contains(&l.trim().into()))
        };
        for p in entries(dir) {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.join("mod.rs").is_file() {
                if !declared(&name) {
                    missing.push(p.clone());
                }
                undeclared(&p, "mod.rs", missing);
            } else if let Some(m) = name.strip_suffix(".rs") {
                if name != root && !declared(m) {
                    missing.push(p);
                }
            }
        }
    }
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut missing: Vec<PathBuf> = entries(&tests)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs") || p.join("main.rs").is_file())
        .filter(|p| !p.ends_with("it"))
        .collect();
    undeclared(&tests.join("it"), "main.rs", &mut missing);
    assert!(
        missing.is_empty(),
        "not built, so never run: {missing:?}; make each a module of tests/it/ \
         (`mod NAME;` in tests/it/main.rs or in its folder's mod.rs)"
    );
}
