//! Awkward but valid files: each case is one test, named for it. Results are
//! compared with the same data in a plain layout, or with the textbook
//! formulas evaluated in f64 in the test. This module holds the generated rows
//! and their plain files; the cases are grouped by what is awkward.

mod csv_text;
mod labels;
mod numbers;
mod parquet_layouts;
mod pipes;

use crate::support::*;
use arrow_array::{ArrayRef, Float64Array, Int64Array};
use std::path::Path;

/// Binary rows (label, probability) with f16-exact probabilities.
fn binary_rows(n: usize, seed: u64) -> Vec<(u8, f64)> {
    let mut r = Rng(seed);
    (0..n)
        .map(|_| (r.next().is_multiple_of(3) as u8, r.p64()))
        .collect()
}

fn binary_csv(rows: &[(u8, f64)]) -> String {
    let mut s = String::from("label,prob\n");
    for (y, p) in rows {
        s.push_str(&format!("{y},{p}\n"));
    }
    s
}

/// The reference (CE sum, FL sum) of binary probability rows at γ = 2, α = 0.25.
fn binary_reference(rows: &[(u8, f64)]) -> (f64, f64) {
    let e: Vec<(f64, f64)> = rows
        .iter()
        .map(|&(y, p)| binary_prob(p, y, 0.25, 1e-7))
        .collect();
    sums(&e, 2.0)
}

/// Softmax rows (label, 3 probabilities summing to 1, exact in f32).
fn softmax_rows(n: usize, seed: u64) -> Vec<(u8, [f64; 3])> {
    let mut r = Rng(seed);
    (0..n)
        .map(|_| {
            let a = (1 + r.next() % 30) as f64 / 64.0;
            let b = (1 + r.next() % 30) as f64 / 64.0;
            ((r.next() % 3) as u8, [a, b, 1.0 - a - b])
        })
        .collect()
}

fn softmax_reference(rows: &[(u8, [f64; 3])], gamma: f64) -> (f64, f64) {
    let e: Vec<(f64, f64)> = rows
        .iter()
        .map(|(y, p)| (p[*y as usize].clamp(1e-7, 1.0 - 1e-7), 1.0))
        .collect();
    sums(&e, gamma)
}

fn softmax_csv(rows: &[(u8, [f64; 3])]) -> String {
    let mut s = String::from("label,prob_0,prob_1,prob_2\n");
    for (y, p) in rows {
        s.push_str(&format!("{y},{},{},{}\n", p[0], p[1], p[2]));
    }
    s
}

/// Stats of a file must equal stats of the plain reference file.
#[track_caller]
fn assert_same_as(plain: &Path, other: &Path, extra: &[&str]) {
    let mut a: Vec<&std::ffi::OsStr> = vec![plain.as_os_str()];
    let mut b: Vec<&std::ffi::OsStr> = vec![other.as_os_str()];
    for e in extra {
        a.push(e.as_ref());
        b.push(e.as_ref());
    }
    assert_eq!(without_paths(stats(&b)), without_paths(stats(&a)));
}

fn binary_parquet_cols(rows: &[(u8, f64)]) -> Vec<(&'static str, ArrayRef)> {
    vec![
        (
            "label",
            arr(Int64Array::from(
                rows.iter().map(|r| r.0 as i64).collect::<Vec<_>>(),
            )),
        ),
        (
            "prob",
            arr(Float64Array::from(
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )),
        ),
    ]
}
