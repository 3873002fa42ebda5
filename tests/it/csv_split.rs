//! The quote-free splitter that parses plain CSV files in parallel byte ranges
//! against the `csv`-crate reader of the sequential path (the same bytes,
//! gzipped): both must read the same rows, skip the same ones at the same line
//! numbers, and fail with the same message. The files are over two ranges
//! long and mix every line end, blank lines, spaces around numbers and a last
//! line without a newline, so these fall on range boundaries too.

use crate::support::*;

/// About 2.5 ranges of awkward but mostly valid CSV; `bad` adds invalid rows.
fn awkward_csv(seed: u64, bad: bool) -> Vec<u8> {
    let mut r = Rng(seed);
    let mut s = b"\xEF\xBB\xBFlabel,prob,logit\r\n".to_vec();
    let target = crate::support::sizes::CHUNK_BYTES as usize * 5 / 2;
    while s.len() < target {
        let k = r.next();
        let p = (1 + k % 999) as f64 / 1000.0;
        let line = match (k >> 10) % 16 {
            0 => format!("{},  {p},x", k % 2),
            1 => format!("{},{p} ,-1.5", k % 2),
            2 => format!("{},1e-05,", k % 2),
            3 => format!("{},{}e-3,7", k % 2, 1 + k % 999),
            4 => String::new(),
            5 if bad => [
                "1,0.5",
                "x,0.5,1",
                "1,,2",
                "0,nan,0",
                "1,1.5,0",
                "0,0x1,2",
                "1,0.5,2,3",
            ][((k >> 20) % 7) as usize]
                .to_string(),
            _ => format!("{},{:.17},{}", (k >> 30) % 2, p / 3.0, k % 1000),
        };
        s.extend_from_slice(line.as_bytes());
        let end: &[u8] = match (k >> 40) % 32 {
            0..=15 => b"\n",
            16..=29 => b"\r\n",
            _ => b"\r",
        };
        s.extend_from_slice(end);
    }
    // The last line has no newline.
    s.extend_from_slice(b"1,0.75,0");
    s
}

fn args(f: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut v = vec![f.display().to_string(), "--prob".into(), "prob".into()];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn splitter_reads_and_skips_like_the_csv_reader() {
    let d = Workdir::new();
    let text = awkward_csv(7, true);
    let plain = write(d.root(), "awkward.csv", &text);
    let gz = write(d.root(), "awkward.csv.gz", gzip(&text));
    let a = without_paths(stats(&args(&plain, &["--skip-invalid"])));
    let b = without_paths(stats(&args(&gz, &["--skip-invalid"])));
    assert_eq!(a.input.rows_read, b.input.rows_read);
    assert_eq!(a.input.rows_used, b.input.rows_used);
    // Every reason, with its count and first lines, is the same.
    assert_eq!(a.input.skipped, b.input.skipped);
    assert_eq!(a.input.skipped.len(), 5, "{:?}", a.input.skipped);
    // Only the grouping of the sums differs (ranges are merged in order).
    assert_reports_close(without_paths(a), without_paths(b), 1e-9);
}

#[test]
fn splitter_errors_name_the_same_line_in_every_range() {
    let d = Workdir::new();
    let text = awkward_csv(11, false);
    let chunk = crate::support::sizes::CHUNK_BYTES as usize;
    // The cuts: after the first `\n` at least CHUNK_BYTES past the previous cut.
    let mut cuts = vec![text.iter().position(|&b| b == b'\n').unwrap() + 1];
    while let Some(i) = text[(cuts[cuts.len() - 1] + chunk - 1).min(text.len())..]
        .iter()
        .position(|&b| b == b'\n')
    {
        cuts.push(cuts[cuts.len() - 1] + chunk + i);
    }
    assert!(cuts.len() >= 3, "the file spans at least three ranges");
    let n = text.len();
    // A bad value as the first line of each range, the last line of a range, and the last line.
    let mut places: Vec<usize> = cuts.clone();
    places.push(
        cuts[1]
            - 2
            - text[..cuts[1] - 2]
                .iter()
                .rev()
                .position(|&b| b == b'\n' || b == b'\r')
                .unwrap(),
    );
    places.push(n - "1,0.75,0".len());
    for (i, &at) in places.iter().enumerate() {
        // Replace the line's label by `x`: the line keeps its place and its line end.
        let mut bad = text.clone();
        let mut j = at;
        while !matches!(bad[j], b',' | b'\n' | b'\r') {
            j += 1;
        }
        bad.splice(at..j, *b"x");
        let plain = write(d.root(), &format!("bad{i}.csv"), &bad);
        let gz = write(d.root(), &format!("bad{i}.csv.gz"), gzip(&bad));
        let e1 = stats_err(&args(&plain, &[]));
        let e2 = stats_err(&args(&gz, &[])).replace(".csv.gz", ".csv");
        assert_eq!(e1, e2, "bad line at byte {at}");
        assert!(e1.contains("line ") && e1.contains("(value \"x\")"), "{e1}");
    }
}

#[test]
fn number_spellings_keep_their_meaning() {
    // Regression for the fast float path: spaces around a number, exponents,
    // a leading point or sign are read as before; other spellings are errors as before.
    let d = Workdir::new();
    let ok = write(
        d.root(),
        "ok.csv",
        "label,prob\n0,  0.5\n1,0.25 \n0,1e-05\n1,.75\n0,+0.5\n1,5E-1\n0,1.\n",
    );
    let same = write(
        d.root(),
        "same.csv",
        "label,prob\n0,0.5\n1,0.25\n0,0.00001\n1,0.75\n0,0.5\n1,0.5\n0,1\n",
    );
    let (a, b) = (stats(&args(&ok, &[])), stats(&args(&same, &[])));
    assert_eq!(
        serde_json::to_value(without_paths(a)).unwrap(),
        serde_json::to_value(without_paths(b)).unwrap()
    );
    for v in ["0x1", "1_0", "1e", "--1", "1,5", ". 5", "0.5e+"] {
        let f = write(d.root(), "bad.csv", format!("label,prob\n0,0.5\n1,{v}\n"));
        let e = stats_err(&args(&f, &[]));
        assert!(e.contains("line 3"), "{v}: {e}");
    }
}

#[test]
fn skipped_rows_in_later_ranges_keep_their_line_numbers() {
    // Ranges locate skipped rows from their own start; the pass adds the lines
    // before them. Invalid rows only past the first range must show the same
    // lines as the sequential reader.
    let d = Workdir::new();
    let mut text = awkward_csv(13, false);
    let chunk = crate::support::sizes::CHUNK_BYTES as usize;
    for (i, bad) in [(chunk + 1000, "1,nan,0"), (2 * chunk + 5, ",0.5,1")] {
        let at = i + text[i..].iter().position(|&b| b == b'\n').unwrap() + 1;
        text.splice(at..at, format!("{bad}\n").into_bytes());
    }
    let plain = write(d.root(), "later.csv", &text);
    let gz = write(d.root(), "later.csv.gz", gzip(&text));
    let a = without_paths(stats(&args(&plain, &["--skip-invalid"])));
    let b = without_paths(stats(&args(&gz, &["--skip-invalid"])));
    assert_eq!(a.input.skipped, b.input.skipped);
    assert_eq!(a.input.rows_skipped, 2);
    assert!(
        a.input.skipped.iter().all(|s| s.first[0] > 100_000),
        "{:?}",
        a.input.skipped
    );
}

#[test]
fn a_quote_in_a_later_range_reads_the_file_as_one_stream() {
    // The ranges check themselves for quotes while they are parsed: one in the
    // last range sends the whole file to the sequential reader, with its exact
    // result (the same as the same bytes gzipped, which are always read so).
    let d = Workdir::new();
    let mut text = awkward_csv(17, true);
    let n = text.len();
    let at = n - 100 + text[n - 100..].iter().position(|&b| b == b'\n').unwrap() + 1;
    text.splice(at..at, *b"1,\"0.25\",\"a\nb\"\n");
    let plain = write(d.root(), "quoted.csv", &text);
    let gz = write(d.root(), "quoted.csv.gz", gzip(&text));
    for extra in [&["--skip-invalid"][..], &[]] {
        let a = run(&[
            &["compare", "--json", "-q"][..],
            &args(&plain, extra)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ]
        .concat());
        let b = run(&[
            &["compare", "--json", "-q"][..],
            &args(&gz, extra)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ]
        .concat());
        assert_eq!(a.code, b.code, "{}", a.stderr);
        assert_eq!(
            a.stdout.replace(".csv.gz", ".csv"),
            b.stdout.replace(".csv.gz", ".csv")
        );
        assert_eq!(a.stderr, b.stderr.replace(".csv.gz", ".csv"));
    }
}

/// `v` in scientific notation as pandas writes it: a signed two-digit
/// exponent (`7.2481205e-05`, `1.5E+01`).
fn pandas_exp(v: f32) -> String {
    let s = format!("{v:e}");
    let (m, e) = s.split_once('e').expect("an exponent");
    let e: i32 = e.parse().expect("an integer exponent");
    let mark = if e % 3 == 0 { 'E' } else { 'e' };
    format!("{m}{mark}{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// Pandas-like rows (float32 and float64 text, exponents, `-100`, `1.0` and
/// ` 0` labels), with an invalid row every `bad_every` rows (0: none).
fn pandas_like(seed: u64, rows: usize, bad_every: usize) -> String {
    let mut r = Rng(seed);
    let mut s = String::from(",label,prob,logit\n");
    for i in 0..rows {
        let k = r.next();
        let x = ((k >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 24.0;
        let p = 1.0 / (1.0 + (-x).exp());
        let label = match k % 64 {
            0 => "-100",
            1 => "1.0",
            2 => " 0",
            _ if (k >> 8) & 1 == 0 => "0",
            _ => "1",
        };
        let (ps, xs) = match (k >> 20) % 8 {
            0 => (format!("{p}"), format!("{x}")),
            1 => (format!("{p:e}"), format!("{:e}", x * 1e-9)),
            2 => (format!("{:.3}", p), format!("{:.2}", x)),
            3 => (pandas_exp(p as f32), pandas_exp((x * 1e-3) as f32)),
            4 => (format!("{:.16}", p / 10.0), format!("{:.17}", x / 10.0)),
            _ => (format!("{}", p as f32), format!("{}", x as f32)),
        };
        if bad_every > 0 && i % bad_every == bad_every - 1 {
            // (No unknown label: under `--positive` any label is a negative.)
            let bad = [
                "1,0.5",
                "1,,2",
                "0,nan,0",
                "1,1.5,0",
                "0,0.5,inf",
                "1,0.5,1,1",
            ];
            s.push_str(&format!("{i},{}\n", bad[(k >> 30) as usize % bad.len()]));
            continue;
        }
        s.push_str(&format!("{i},{label},{ps},{xs}\n"));
    }
    s
}

#[test]
fn column_wise_buffers_give_the_row_by_row_bits() {
    // Plain buffers are read column by column, the others row by row. With
    // `--positive 1` every buffer is read row by row (the labels that miss it
    // are noted as they are mapped), and 0, 1, 1.0 and -100 map as without
    // it: so the reports must be the same bytes, skipped rows and lines included.
    let d = Workdir::new();
    for (i, bad_every) in [0, 5_000, 40_000].into_iter().enumerate() {
        let f = write(
            d.root(),
            &format!("p{i}.csv"),
            pandas_like(21 + i as u64, 120_000, bad_every),
        );
        for score in [&["--logit", "logit"][..], &["--prob", "prob"]] {
            for cmd in [
                &["stats", "--json"][..],
                &["compare", "--json", "--gamma", "0,2"],
            ] {
                let f = f.display().to_string();
                let base = [cmd, &[f.as_str()], score, &["--skip-invalid"]].concat();
                let a = run(&base);
                let b = run(&[&base[..], &["--positive", "1"]].concat());
                assert_eq!(a.code, Some(0), "{}", a.stderr);
                assert_eq!(a.stdout, b.stdout, "{base:?}");
                if bad_every == 0 {
                    continue;
                }
                // Without --skip-invalid: the same first error.
                let e = [cmd, &[f.as_str()], score].concat();
                let (a, b) = (run(&e), run(&[&e[..], &["--positive", "1"]].concat()));
                assert_eq!((a.code, &a.stderr), (b.code, &b.stderr), "{e:?}");
                assert_ne!(a.code, Some(0));
            }
        }
    }
}

#[test]
fn one_digit_labels_map_as_they_do_row_by_row() {
    // Labels 0 to 2 and, alone in their buffer, 2 to 9: the column-wise read
    // takes a one-digit label as its own class only when it is one (below
    // the class count, not the ignore index, not the sigmoid background). The
    // same bytes gzipped, always read row by row, are the reference.
    let d = Workdir::new();
    let mut r = Rng(29);
    let mut s = String::from("label,0,1,2\n");
    for i in 0..150_000u64 {
        let k = r.next();
        let label = match i % 15_000 {
            7_000 => 2 + (i / 15_000) % 8,
            _ => (k >> 9) % 3,
        };
        let x = |sh: u32| ((k >> sh) % 2000) as f64 / 100.0 - 10.0;
        s.push_str(&format!("{label},{},{},{}\n", x(16), x(28), x(40)));
    }
    let plain = write(d.root(), "digits.csv", &s);
    let gz = write(d.root(), "digits.csv.gz", gzip(s.as_bytes()));
    for extra in [
        "--logits 0,1,2 --skip-invalid",
        "--logits 0,1,2",
        "--logit 1 --skip-invalid",
        "--logit 1",
        "--logits 0,1,2 --skip-invalid --mode sigmoid --background 2",
        "--logits 0,1,2 --skip-invalid --mode sigmoid --background 7",
        "--logits 0,1,2 --skip-invalid --ignore-index 1",
    ] {
        let extra: Vec<&str> = extra.split(' ').collect();
        let out = |f: &std::path::Path| {
            let f = f.display().to_string();
            run(&[&["stats", "--json", f.as_str()][..], &extra].concat())
        };
        let (a, b) = (out(&plain), out(&gz));
        assert_eq!(a.code, b.code, "{extra:?} {}", a.stderr);
        assert_eq!(a.stdout, b.stdout.replace(".csv.gz", ".csv"), "{extra:?}");
        assert_eq!(a.stderr, b.stderr.replace(".csv.gz", ".csv"), "{extra:?}");
    }
}
