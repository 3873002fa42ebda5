//! Property tests of column detection: any header and any flags give a
//! layout or an error, never a panic (`FLCLI_FUZZ_CASES` scales the cases).

use super::*;
use proptest::prelude::*;

#[path = "../../tests/it/support/fuzz_pieces.rs"]
mod fuzz_pieces;
use fuzz_pieces::{cases, TOKENS};

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
