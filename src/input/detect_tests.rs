//! Unit tests of column detection on header-only inputs.

use super::*;

fn cols(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|n| Column {
            name: n.to_string(),
            ty: ColType::Unknown,
        })
        .collect()
}

#[test]
fn globs() {
    assert!(glob_match("p_*", "p_cat"));
    assert!(glob_match("logit_?", "logit_7"));
    assert!(!glob_match("logit_?", "logit_17"));
    assert!(glob_match("*", ""));
}

#[test]
fn binary_prefers_logits() {
    let l = detect(&cols(&["label", "prob", "logit"]), &ColumnFlags::default()).unwrap();
    assert_eq!(l.kind, ScoreKind::Logits);
    assert_eq!(l.mode, Mode::Binary);
}

#[test]
fn numbered_group_is_softmax_in_numeric_order() {
    let l = detect(
        &cols(&["y", "prob_10", "prob_2", "prob_0", "prob_1"]),
        &ColumnFlags::default(),
    );
    let l = l.unwrap();
    assert_eq!(l.mode, Mode::Softmax);
    assert_eq!(l.classes.unwrap(), vec!["0", "1", "2", "10"]);
    assert_eq!(l.label, "y");
}

#[test]
fn class_names_may_contain_the_separator() {
    // Regression: `p_traffic_light` used to fall out of the `p_*` group.
    let l = detect(
        &cols(&["label", "p_cat", "p_traffic_light", "p_stop-sign"]),
        &ColumnFlags::default(),
    )
    .unwrap();
    assert_eq!(
        l.classes.unwrap(),
        vec!["cat", "traffic_light", "stop-sign"]
    );
}

#[test]
fn named_classes() {
    let l = detect(
        &cols(&["Target", "p_cat", "p_dog"]),
        &ColumnFlags::default(),
    )
    .unwrap();
    assert_eq!(l.classes.unwrap(), vec!["cat", "dog"]);
    assert_eq!(l.label, "Target");
}

#[test]
fn ambiguity_is_an_error_naming_the_flag() {
    let e = detect(&cols(&["label", "score", "prob"]), &ColumnFlags::default()).unwrap_err();
    assert!(e.to_string().contains("--prob COL"), "{e}");
    let e = detect(&cols(&["label", "x"]), &ColumnFlags::default()).unwrap_err();
    assert!(e.to_string().contains("\"x\""), "{e}");
    let e = detect(&cols(&["foo", "prob"]), &ColumnFlags::default()).unwrap_err();
    assert!(e.to_string().contains("--label"), "{e}");
}

#[test]
fn common_dump_names_are_found_without_flags() {
    // scikit-learn: y_pred is the hard prediction, y_pred_proba the probability.
    let l = detect(
        &cols(&["y_true", "y_pred", "y_pred_proba"]),
        &ColumnFlags::default(),
    )
    .unwrap();
    assert_eq!((l.label.as_str(), l.mode), ("y_true", Mode::Binary));
    assert_eq!(l.scores, Scores::Columns(vec!["y_pred_proba".into()]));
    for (names, label, score) in [
        (&["target", "score"][..], "target", "score"),
        (&["labels", "predictions"][..], "labels", "predictions"),
        (&["y_true", "y_pred"][..], "y_true", "y_pred"),
        (&["y", "y_score"][..], "y", "y_score"),
    ] {
        let l = detect(&cols(names), &ColumnFlags::default()).unwrap();
        assert_eq!(l.label, label, "{names:?}");
        assert_eq!(l.scores, Scores::Columns(vec![score.into()]), "{names:?}");
    }
    let l = detect(
        &cols(&["label", "class_0", "class_1", "class_2"]),
        &ColumnFlags::default(),
    )
    .unwrap();
    assert_eq!(l.mode, Mode::Softmax);
    assert_eq!(l.classes.unwrap(), vec!["0", "1", "2"]);
}

#[test]
fn a_failed_detection_suggests_the_likely_flags() {
    let e = detect(&cols(&["label", "confidence"]), &ColumnFlags::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("likely --prob \"confidence\" (or --logit"),
        "{e}"
    );
    let e = detect(
        &cols(&["label", "out_a", "out_b", "out_c"]),
        &ColumnFlags::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("likely --probs 'out_*'"), "{e}");
    let e = detect(&cols(&["label", "a", "b"]), &ColumnFlags::default()).unwrap_err();
    assert!(!e.to_string().contains("likely"), "{e}");
}
