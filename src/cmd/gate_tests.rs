//! Unit tests of `--fail-if` parsing and evaluation.

use super::*;
use serde_json::json;

fn report() -> Value {
    json!({
        "totals": {"focal_mean": 0.0229, "loss_per_positive": null, "elements": 6000},
        "imbalance": {"imbalance_ratio": 49.0},
        "classes": [
            {"name": "cat", "index": 0, "accuracy": 0.75},
            {"name": "dog", "index": 1, "accuracy": 0.9},
            {"name": "1", "index": 2, "accuracy": 0.5},
            {"name": "odd]name ", "index": 3, "accuracy": 0.25}
        ],
        "buckets": [{"lower": 0.0, "count": 3}, {"lower": 0.5, "count": 7}],
        "variants": [
            {"name": "fl g=2 a=0.25", "easy_grad_share": 0.004},
            {"name": "asl(1,4)", "easy_grad_share": 0.2}
        ],
        "params": {"bucket_edges": [0.0, 0.5, 1.0]},
        "groups": [
            {"key": "small", "totals": {"focal_mean": 0.5}},
            {"key": "large", "totals": {"focal_mean": 0.1}}
        ]
    })
}

fn eval(e: &str) -> Result<Outcome> {
    Gate::parse(e)?.eval(&report())
}

#[test]
fn parses_the_issue_examples() {
    let g = Gate::parse("totals.focal_mean > 0.05").unwrap();
    assert_eq!(
        g.path,
        vec![Step::Key("totals".into()), Step::Key("focal_mean".into())]
    );
    assert_eq!((g.op, g.value), (Op::Gt, 0.05));
    let g = Gate::parse("imbalance.imbalance_ratio >= 100").unwrap();
    assert_eq!((g.op, g.value), (Op::Ge, 100.0));
    let g = Gate::parse("classes[cat].accuracy < 0.8").unwrap();
    assert_eq!(g.path[1], Step::Select("cat".into()));
    assert_eq!(g.path_text, "classes[cat].accuracy");
}

#[test]
fn every_operator_and_spacing() {
    for (e, op) in [
        ("totals.elements<1", Op::Lt),
        ("totals.elements<=1", Op::Le),
        ("totals.elements >1", Op::Gt),
        ("totals.elements>= 1", Op::Ge),
        ("  totals.elements == 1  ", Op::Eq),
        ("totals.elements!=1", Op::Ne),
    ] {
        assert_eq!(Gate::parse(e).unwrap().op, op, "{e}");
    }
    assert!(Op::Le.holds(1.0, 1.0) && !Op::Lt.holds(1.0, 1.0));
    assert!(Op::Ne.holds(1.0, 2.0) && !Op::Eq.holds(1.0, 2.0));
}

#[test]
fn failed_when_the_condition_holds() {
    assert!(eval("totals.focal_mean > 0.02").unwrap().failed);
    assert!(!eval("totals.focal_mean > 0.05").unwrap().failed);
    assert_eq!(eval("totals.focal_mean > 0.05").unwrap().actual, 0.0229);
    assert!(eval("imbalance.imbalance_ratio >= 49").unwrap().failed);
    assert!(
        eval(".totals.elements == 6000").unwrap().failed,
        "jq-style dot"
    );
    assert!(eval("totals.elements >= 6e3").unwrap().failed, "exponent");
}

#[test]
fn selects_by_name_then_index() {
    assert_eq!(eval("classes[cat].accuracy < 0").unwrap().actual, 0.75);
    assert_eq!(eval("classes[ dog ].accuracy < 0").unwrap().actual, 0.9);
    assert_eq!(eval("classes[0].accuracy < 0").unwrap().actual, 0.75);
    // A name that looks like an index wins over the index...
    assert_eq!(eval("classes[1].accuracy < 0").unwrap().actual, 0.5);
    // ...and [#n] / ["n"] force one reading.
    assert_eq!(eval("classes[#1].accuracy < 0").unwrap().actual, 0.9);
    assert_eq!(eval("classes[\"1\"].accuracy < 0").unwrap().actual, 0.5);
    assert_eq!(eval("classes[-1].accuracy < 0").unwrap().actual, 0.25);
    assert_eq!(eval("buckets[1].count > 0").unwrap().actual, 7.0);
    assert_eq!(eval("params.bucket_edges[-1] > 0").unwrap().actual, 1.0);
}

#[test]
fn groups_by_key() {
    assert_eq!(
        eval("groups[large].totals.focal_mean > 1").unwrap().actual,
        0.1
    );
    assert_eq!(eval("groups[0].totals.focal_mean > 1").unwrap().actual, 0.5);
    let e = eval("groups[medium].totals.focal_mean > 1")
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"small\", \"large\""), "{e}");
}

#[test]
fn names_with_spaces_dots_and_brackets() {
    let o = eval("variants[fl g=2 a=0.25].easy_grad_share > 0.5").unwrap();
    assert_eq!((o.actual, o.failed), (0.004, false));
    assert_eq!(
        eval("variants[asl(1,4)].easy_grad_share>0.1")
            .unwrap()
            .actual,
        0.2
    );
    assert_eq!(
        eval(r#"classes["odd]name "].accuracy < 1"#).unwrap().actual,
        0.25
    );
    assert_eq!(
        eval(r"classes['odd]name '].accuracy < 1").unwrap().actual,
        0.25
    );
    assert_eq!(
        Gate::parse(r#"x["a\"b\\c"] > 1"#).unwrap().path[1],
        Step::Name("a\"b\\c".into())
    );
}

#[test]
fn missing_paths_are_errors_that_say_what_exists() {
    let e = eval("totals.focal_mea > 0.05").unwrap_err().to_string();
    assert!(e.contains("totals.focal_mea does not exist"), "{e}");
    assert!(e.contains("focal_mean"), "lists the fields: {e}");
    let e = eval("classes[kat].accuracy < 0.8").unwrap_err().to_string();
    assert!(e.contains("no element named \"kat\""), "{e}");
    assert!(e.contains("\"cat\", \"dog\""), "{e}");
    let e = eval("classes[9].accuracy < 0.8").unwrap_err().to_string();
    assert!(e.contains("out of range"), "{e}");
    let e = eval("buckets[x].count < 1").unwrap_err().to_string();
    assert!(e.contains("selected by index"), "{e}");
    let e = eval("classes.accuracy < 1").unwrap_err().to_string();
    assert!(e.contains("select an element first"), "{e}");
    let e = eval("totals.focal_mean.x < 1").unwrap_err().to_string();
    assert!(e.contains("a number"), "{e}");
}

#[test]
fn null_and_non_numbers_cannot_be_evaluated() {
    let e = eval("totals.loss_per_positive > 1")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("is null, not a number") && e.contains("could not be computed"),
        "{e}"
    );
    let e = eval("classes[cat].name > 1").unwrap_err().to_string();
    assert!(e.contains("a string, not a number"), "{e}");
    let e = eval("totals > 1").unwrap_err().to_string();
    assert!(e.contains("an object, not a number"), "{e}");
}

#[test]
fn syntax_errors() {
    for (e, why) in [
        ("totals.focal_mean", "no comparison"),
        ("totals.focal_mean 0.05", "no comparison operator"),
        ("totals.focal_mean = 0.05", "use =="),
        ("totals.focal_mean > x", "not a finite number"),
        ("totals.focal_mean > inf", "not a finite number"),
        ("totals.focal_mean >", "not a finite number"),
        ("classes[cat.accuracy < 1", "unclosed ["),
        ("classes[].accuracy < 1", "empty []"),
        ("classes[#x].accuracy < 1", "integer index"),
        ("classes[\"cat].accuracy < 1", "unterminated"),
        ("classes[cat]accuracy < 1", "unexpected \"a\" after [cat]"),
        ("> 1", "unexpected \">\""),
        ("", "no comparison"),
        ("totals..x > 1", "unexpected \".\""),
    ] {
        let err = Gate::parse(e).unwrap_err().to_string();
        assert!(err.contains(why), "{e:?}: {err}");
        assert!(err.contains("expected PATH OP NUMBER"), "{err}");
    }
}

#[test]
fn messages_carry_the_actual_value() {
    let g = Gate::parse("totals.focal_mean > 0.02").unwrap();
    let o = g.eval(&report()).unwrap();
    assert_eq!(
        message(&g, &o),
        "check failed: totals.focal_mean > 0.02 (actual totals.focal_mean = 0.0229)"
    );
    let all = eval_all(
        &parse_all(&["totals.elements < 1".into()]).unwrap(),
        &report(),
    )
    .unwrap();
    assert!(!all[0].failed);
}

#[test]
fn readme_gate_examples_are_valid() {
    // Every --fail-if in the README parses and names fields its command's report has.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let schema = crate::report::schema::json_schema();
    let mut n = 0;
    for line in readme.lines() {
        let command = ["stats", "compare", "recommend"]
            .into_iter()
            .find(|c| line.contains(&format!("flcli {c} ")));
        for part in line.split("--fail-if '").skip(1) {
            let expr = &part[..part.find('\'').unwrap()];
            let gate = Gate::parse(expr).unwrap_or_else(|e| panic!("{e}"));
            if let Some(c) = command {
                crate::cmd::gate_schema::check(&gate, &schema, c).unwrap_or_else(|e| panic!("{e}"));
            }
            n += 1;
        }
    }
    assert!(n >= 5, "README shows --fail-if examples ({n} found)");
}
