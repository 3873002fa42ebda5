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
mod gates;
mod golden;
mod output_formats;
mod properties;
mod readme;
mod recommend;
mod recommend_method;
mod robust_awkward;
mod robust_degenerate;
mod robust_fuzz;
mod robust_props;
mod robust_safety;
mod robust_skip;
mod schema;
mod simd;
mod tables;
mod terminal;
