//! The element path is built for baseline x86-64, AVX2 and AVX-512 and picks
//! one at run time. All of them must give the same bits: `FLCLI_SIMD` caps the
//! level, and every report here must be byte-identical at every level.

use crate::support::{fixture, flcli, ok, Workdir};

/// Runs `args` at every level and checks that stdout is identical.
fn same_at_every_level(args: &[&str]) {
    let run = |level: Option<&str>| {
        let mut c = flcli();
        c.args(args);
        match level {
            Some(l) => c.env("FLCLI_SIMD", l),
            None => c.env_remove("FLCLI_SIMD"),
        };
        ok(&mut c).0
    };
    let best = run(None);
    for level in ["none", "avx2"] {
        assert_eq!(
            run(Some(level)),
            best,
            "FLCLI_SIMD={level} differs: {args:?}"
        );
    }
}

const GRID: &[&str] = &[
    "--gamma",
    "0,0.5,1,2,3.3,5",
    "--alpha",
    "0.25,none",
    "--variant",
    "flsd53",
    "--variant",
    "poly1:1",
    "--json",
];

#[test]
fn binary_probabilities_and_logits_give_the_same_bits_at_every_level() {
    let f = fixture("detection.parquet");
    let f = f.to_str().unwrap();
    same_at_every_level(&["stats", f, "--json"]);
    same_at_every_level(&["stats", f, "--prob", "prob", "--label", "label", "--json"]);
    let mut args = vec!["compare", f];
    args.extend(GRID);
    same_at_every_level(&args);
    let mut args = vec!["compare", f, "--prob", "prob", "--label", "label"];
    args.extend(GRID);
    same_at_every_level(&args);
}

#[test]
fn sigmoid_gives_the_same_bits_at_every_level() {
    let f = fixture("sigmoid.parquet");
    let f = f.to_str().unwrap();
    same_at_every_level(&["stats", f, "--mode", "sigmoid", "--json"]);
    let mut args = vec!["compare", f, "--mode", "sigmoid"];
    args.extend(GRID);
    same_at_every_level(&args);
}

/// Many sub-batches, remainders of 1–3 elements, skipped and ignored rows
/// between counted ones: the scatter's slow and fast paths all run.
#[test]
fn skipped_rows_and_ragged_sub_batches_give_the_same_bits_at_every_level() {
    let w = Workdir::new();
    let mut text = String::from("label,prob\n");
    let mut x: u64 = 12345;
    for i in 0..5003 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let p = (x >> 11) as f64 / (1u64 << 53) as f64;
        let label = match i % 97 {
            13 => "-100".to_string(),
            41 => "7".to_string(),
            _ => ((x >> 7) % 2).to_string(),
        };
        let p = if i % 89 == 5 {
            "nan".to_string()
        } else {
            p.to_string()
        };
        text.push_str(&format!("{label},{p}\n"));
    }
    let f = w.write("ragged.csv", text);
    let f = f.to_str().unwrap();
    let base = ["--ignore-index", "-100", "--skip-invalid"];
    let mut args = vec!["stats", f];
    args.extend(base);
    args.push("--json");
    same_at_every_level(&args);
    let mut args = vec!["compare", f];
    args.extend(base);
    args.extend(GRID);
    same_at_every_level(&args);
}
