//! Names and labels: Unicode and very long names, and labels stored as
//! floats, booleans or strings of digits.

use super::*;
use crate::support::*;
use arrow_array::*;

#[test]
fn unicode_column_and_class_names() {
    let d = Workdir::new();
    let f = write(
        d.root(),
        "unicode.csv",
        "étiquette,p_猫,p_chien,p_🐟\n猫,0.5,0.25,0.25\nchien,0.25,0.5,0.25\n🐟,0.125,0.125,0.75\n猫,0.75,0.125,0.125\n",
    );
    let r = stats(&[f.as_os_str(), "--label".as_ref(), "étiquette".as_ref()]);
    assert_eq!(r.input.label_column, "étiquette");
    assert_eq!(r.input.class_names, vec!["猫", "chien", "🐟"]);
    assert_eq!(r.input.score_columns, vec!["p_猫", "p_chien", "p_🐟"]);
    assert_eq!(r.classes[0].count, 2);
    let rows = [
        (0u8, [0.5, 0.25, 0.25]),
        (1, [0.25, 0.5, 0.25]),
        (2, [0.125, 0.125, 0.75]),
        (0, [0.75, 0.125, 0.125]),
    ];
    let (ce, _) = softmax_reference(&rows, 2.0);
    assert_close(r.totals.ce_sum, ce, 1e-14, "CE");
    let o = run(&[
        "stats".as_ref(),
        f.as_os_str(),
        "--label".as_ref(),
        "étiquette".as_ref(),
    ]);
    assert_eq!(o.code, Some(0));
    assert!(o.stdout.contains("猫") && o.stdout.contains("🐟"));
}

#[test]
fn very_long_class_names() {
    let d = Workdir::new();
    // No '_' inside: the class name is the suffix after the last one.
    let long_a = format!("class{}", "a".repeat(300));
    let long_b = format!("class{}", "β".repeat(300));
    let mut s = format!("label,p_{long_a},p_{long_b}\n");
    for i in 0..10 {
        let name = if i % 3 == 0 { &long_b } else { &long_a };
        s.push_str(&format!("{name},0.25,0.75\n"));
    }
    let f = write(d.root(), "long.csv", &s);
    let r = stats(&[&f]);
    assert_eq!(r.input.class_names, vec![long_a.clone(), long_b.clone()]);
    assert_eq!(r.classes[1].name, long_b);
    let o = run(&["stats".as_ref(), f.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(
        !o.stdout.contains(&long_a),
        "the table must not print the whole name"
    );
    assert!(o.stdout.contains('…'));
    for line in o.stdout.lines() {
        assert!(
            line.chars().count() <= 200,
            "table line too long ({}): {line}",
            line.chars().count()
        );
    }
    // A class with no rows puts names into the imbalance note: shortened too.
    let f = write(
        d.root(),
        "long_empty.csv",
        format!("label,p_{long_a},p_{long_b}\n{long_a},0.5,0.5\n"),
    );
    let r = stats(&[&f]);
    assert!(r.imbalance.imbalance_ratio_note.unwrap().contains(&long_b));
    let o = run(&["stats".as_ref(), f.as_os_str()]);
    assert!(!o.stdout.contains(&long_b));
}

#[test]
fn integer_labels_stored_as_float() {
    let d = Workdir::new();
    let rows = binary_rows(80, 7);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let floats = binary_csv(&rows)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                l.replacen(',', ".0,", 1)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let f = write(d.root(), "float_labels.csv", floats);
    assert_same_as(&plain, &f, &[]);
    let labels: Vec<f64> = rows.iter().map(|r| r.0 as f64).collect();
    let probs: Vec<f64> = rows.iter().map(|r| r.1).collect();
    for (name, lab) in [
        ("f64.parquet", arr(Float64Array::from(labels.clone()))),
        (
            "f32.parquet",
            arr(Float32Array::from(
                labels.iter().map(|&x| x as f32).collect::<Vec<_>>(),
            )),
        ),
    ] {
        let p = write_parquet(
            d.root(),
            name,
            vec![
                ("label", lab),
                ("prob", arr(Float64Array::from(probs.clone()))),
            ],
            None,
        );
        assert_same_as(&plain, &p, &[]);
    }
    // 1.5 is not a class
    let bad = write(d.root(), "half.csv", "label,prob\n1.0,0.5\n1.5,0.5\n");
    let e = stats_err(&[&bad]);
    assert!(e.contains("line 3") && e.contains("1.5"), "{e}");
}

#[test]
fn boolean_labels() {
    let d = Workdir::new();
    let rows = binary_rows(80, 8);
    let plain = write(d.root(), "plain.csv", binary_csv(&rows));
    let mut s = String::from("label,prob\n");
    for (i, (y, p)) in rows.iter().enumerate() {
        let word = match (y, i % 3) {
            (1, 0) => "true",
            (1, 1) => "True",
            (1, _) => "TRUE",
            (_, 0) => "false",
            (_, 1) => "False",
            _ => "FALSE",
        };
        s.push_str(&format!("{word},{p}\n"));
    }
    let f = write(d.root(), "bool.csv", s);
    assert_same_as(&plain, &f, &[]);
    let p = write_parquet(
        d.root(),
        "bool.parquet",
        vec![
            (
                "label",
                arr(BooleanArray::from(
                    rows.iter().map(|r| r.0 == 1).collect::<Vec<_>>(),
                )),
            ),
            (
                "prob",
                arr(Float64Array::from(
                    rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                )),
            ),
        ],
        None,
    );
    assert_same_as(&plain, &p, &[]);
}

#[test]
fn labels_as_strings_of_digits() {
    let d = Workdir::new();
    let rows = softmax_rows(90, 9);
    let plain = write(d.root(), "plain.csv", softmax_csv(&rows));
    let quoted = softmax_csv(&rows)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                let (y, rest) = l.split_once(',').unwrap();
                format!("\" {y}\",{rest}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let q = write(d.root(), "quoted_digits.csv", quoted);
    assert_same_as(&plain, &q, &[]);
    let labels: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let cols = |lab: ArrayRef| {
        let mut v = vec![("label", lab)];
        for k in 0..3 {
            let name = ["prob_0", "prob_1", "prob_2"][k];
            v.push((
                name,
                arr(Float64Array::from(
                    rows.iter().map(|r| r.1[k]).collect::<Vec<_>>(),
                )),
            ));
        }
        v
    };
    let utf8 = write_parquet(
        d.root(),
        "utf8.parquet",
        cols(arr(StringArray::from(labels.clone()))),
        None,
    );
    assert_same_as(&plain, &utf8, &[]);
    let large = write_parquet(
        d.root(),
        "large_utf8.parquet",
        cols(arr(LargeStringArray::from(labels.clone()))),
        None,
    );
    assert_same_as(&plain, &large, &[]);
    let view = write_parquet(
        d.root(),
        "utf8_view.parquet",
        cols(arr(StringViewArray::from(labels))),
        None,
    );
    assert_same_as(&plain, &view, &[]);
}
