//! Property tests of column detection: any header and any flags give a
//! layout or an error, never a panic (`FLCLI_FUZZ_CASES` scales the cases).

use super::*;
use proptest::prelude::*;

/// The number of cases: `FLCLI_FUZZ_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("FLCLI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Pieces that column names are made of, tricky ones included (as the CSV fuzz tests').
const TOKENS: &[&str] = &[
    "label",
    "labels",
    "target",
    "y",
    "class",
    "prob",
    "score",
    "logit",
    "probs",
    "logits",
    "prob_0",
    "prob_1",
    "prob_2",
    "p_cat",
    "p_dog",
    "logit_0",
    "logit_1",
    "logit_10",
    "p_",
    "_",
    "0",
    "1",
    "2",
    "-1",
    "-100",
    "0.5",
    "0.25",
    "1.0",
    "1e-05",
    "1E308",
    "1e309",
    "-0",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "true",
    "False",
    "cat",
    "🐟",
    "é",
    "",
    " ",
    "\"",
    "\"\"",
    "\"a,b\"",
    "\"x\ny\"",
    ",",
    ",,",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "\x1b[31m",
    "\0",
    "9223372036854775808",
    "-9223372036854775809",
    "0x1F",
    "1_000",
    "+0.5",
    ".5",
    "5.",
    "e5",
    "--",
    "*",
    "?",
];

fn column_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TOKENS).prop_map(str::to_string),
        prop::collection::vec(prop::sample::select(TOKENS), 1..4).prop_map(|v| v.concat()),
        ".*",
    ]
}

fn col_type() -> impl Strategy<Value = ColType> {
    prop_oneof![
        Just(ColType::Unknown),
        Just(ColType::Scalar),
        Just(ColType::List(None)),
        (0usize..5).prop_map(|n| ColType::List(Some(n))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(256) * 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Column detection on any header and any flags: a layout or an error, never a panic.
    #[test]
    fn column_detection_never_panics(
        cols in prop::collection::vec((column_name(), col_type()), 0..12),
        label in prop::option::of(column_name()),
        scores in prop::option::of((any::<bool>(), any::<bool>(), column_name())),
        mode in prop::option::of(prop::sample::select(vec![Mode::Binary, Mode::Softmax, Mode::Sigmoid])),
    ) {
        let cols: Vec<Column> = cols.into_iter().map(|(name, ty)| Column { name, ty }).collect();
        let flags = ColumnFlags {
            label,
            scores: scores.map(|(logits, many, c)| {
                let kind = if logits { ScoreKind::Logits } else { ScoreKind::Probabilities };
                (kind, if many { Selector::Many(c) } else { Selector::One(c) })
            }),
            mode,
            targets: None,
        };
        if let Ok(l) = detect(&cols, &flags) {
            // A layout names columns that exist, and binary has exactly one score column.
            prop_assert!(cols.iter().any(|c| c.name == l.label));
            if l.mode == Mode::Binary {
                prop_assert!(matches!(&l.scores, Scores::Columns(c) if c.len() == 1));
            }
        }
    }
}
