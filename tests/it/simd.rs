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

/// `flcli partial ARGS` at every level: the files (every sum, second moments included,
/// exact) must be byte-identical.
fn same_partial_at_every_level(w: &Workdir, args: &[&str]) {
    let run = |level: Option<&str>| {
        let out = w.path(&format!("p-{}.flp", level.unwrap_or("best")));
        let mut c = flcli();
        c.arg("partial").args(args).arg("-q").arg("-o").arg(&out);
        match level {
            Some(l) => c.env("FLCLI_SIMD", l),
            None => c.env_remove("FLCLI_SIMD"),
        };
        ok(&mut c);
        std::fs::read(out).expect("partial written")
    };
    let best = run(None);
    for level in ["none", "avx2"] {
        assert!(
            run(Some(level)) == best,
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
    let mut args = vec![f, "--gamma", "0.5,1.7,2.5"];
    args.extend(base);
    same_partial_at_every_level(&w, &args);
}

#[test]
fn partials_with_second_moments_are_byte_identical_at_every_level() {
    let w = Workdir::new();
    let det = fixture("detection.parquet");
    let sig = fixture("sigmoid.parquet");
    same_partial_at_every_level(&w, &[det.to_str().unwrap()]);
    same_partial_at_every_level(&w, &[sig.to_str().unwrap(), "--mode", "sigmoid"]);
}

/// `rows` softmax rows of `k` float32 logits as a fixed-size list column, with
/// ties for the top score, rows far apart (differences past e^-708) and
/// labels that are and are not the top; `row_group` rows per row group. The
/// values depend on `seed` and `k` only.
pub(crate) fn wide_softmax_parquet(
    w: &Workdir,
    name: &str,
    seed: u64,
    (rows, k): (usize, usize),
    row_group: usize,
) -> String {
    use arrow_array::builder::{FixedSizeListBuilder, Float32Builder};
    let mut r = crate::support::Rng(0x2545_F491_4F6C_DD1D ^ (seed << 16) ^ k as u64);
    let mut labels = Vec::with_capacity(rows);
    let mut fsl = FixedSizeListBuilder::new(Float32Builder::new(), k as i32);
    for i in 0..rows {
        let y = (r.next() % k as u64) as usize;
        let scale = [1.0, 8.0, 400.0][i % 3];
        let row: Vec<f32> = (0..k)
            .map(|c| {
                let z = (r.uniform() * 2.0 - 1.0) * scale + if c == y { 2.0 } else { 0.0 };
                // Every 7th row: a tie between classes 0, y and k-1.
                if i % 7 == 3 && (c == 0 || c == y || c + 1 == k) {
                    1e3
                } else {
                    z as f32
                }
            })
            .collect();
        fsl.values().append_slice(&row);
        fsl.append(true);
        labels.push(y as i64);
    }
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group))
        .build();
    let cols = vec![
        ("label", crate::support::i64s(labels)),
        ("logits", crate::support::arr(fsl.finish())),
    ];
    w.write_parquet_with(name, cols, props)
        .to_str()
        .unwrap()
        .to_string()
}

/// Softmax rows of many widths (K mod 8 of 0, 3, 4 and 5; K up to 1003): the row
/// sums run in lanes whose order the source fixes, the same at every level.
#[test]
fn wide_softmax_rows_give_the_same_bits_at_every_level() {
    let w = Workdir::new();
    for (k, rows) in [(3, 400), (13, 300), (100, 300), (1000, 120), (1003, 50)] {
        let f = wide_softmax_parquet(&w, &format!("k{k}.parquet"), 1, (rows, k), 64);
        same_at_every_level(&["stats", &f, "--json"]);
        // Softmax α is none or a per-class list: the grid without --alpha.
        same_at_every_level(&[
            "compare",
            &f,
            "--gamma",
            "0,0.5,1,2,3.3,5",
            "--variant",
            "flsd53",
            "--variant",
            "poly1:1",
            "--json",
        ]);
    }
}

/// `--by` with many groups (a null key among them), runs of one group and
/// skipped rows: the groups' folded scatter gives the same bits at every level.
#[test]
fn by_groups_give_the_same_bits_at_every_level() {
    let w = Workdir::new();
    let mut text = String::from("label,prob,g\n");
    let mut x: u64 = 777;
    for i in 0..6007 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let p = (x >> 11) as f64 / (1u64 << 53) as f64;
        let label = if i % 71 == 3 {
            "5".to_string()
        } else {
            ((x >> 7) % 2).to_string()
        };
        let g = match i % 400 {
            0..=30 => "run".to_string(),
            31 => String::new(),
            _ => format!("k{}", (x >> 20) % 150),
        };
        text.push_str(&format!("{label},{p},{g}\n"));
    }
    let f = w.write("by.csv", text);
    let f = f.to_str().unwrap();
    let base = [
        "--label",
        "label",
        "--prob",
        "prob",
        "--by",
        "g",
        "--skip-invalid",
    ];
    let mut args = vec!["compare", f];
    args.extend(base);
    args.extend(GRID);
    same_at_every_level(&args);
    let mut args = vec!["stats", f];
    args.extend(base);
    args.push("--json");
    same_at_every_level(&args);
    let mut args = vec![f];
    args.extend(base);
    same_partial_at_every_level(&w, &args);
}
