//! `flcli schema` prints one self-contained JSON Schema generated from the
//! report types; real reports validate against it, and every key a report
//! prints is documented in it (and in docs/json.md, the contract's tables).

use crate::support::{fixture, flcli, ok};
use serde_json::Value;

fn schema() -> Value {
    let (out, _) = ok(flcli().arg("schema"));
    serde_json::from_str(&out).expect("flcli schema prints JSON")
}

/// Resolves a local `$ref` (`#/$defs/Name`) against the root document.
fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let ptr = r.strip_prefix('#').expect("local $ref");
            resolve(
                root,
                root.pointer(ptr)
                    .unwrap_or_else(|| panic!("dangling $ref {r}")),
            )
        }
        None => s,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_u64() || v.is_i64(),
        other => panic!("unknown type {other}"),
    }
}

/// A small validator for the keywords schemars emits (type, required,
/// properties, items, enum, const, anyOf/oneOf, $ref, minimum). It also
/// requires every object key to be declared, so nothing printed is undocumented.
fn validate(root: &Value, s: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let s = resolve(root, s);
    if s == &Value::Bool(true) {
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let n = alts
                .iter()
                .filter(|a| {
                    let mut e = Vec::new();
                    validate(root, a, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if n == 0 || (key == "oneOf" && n > 1) {
                errs.push(format!("{at}: {n} of the {key} alternatives match {v}"));
            }
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_ok(t, v) => errs.push(format!("{at}: not {t}: {v}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)) => {
            errs.push(format!("{at}: none of {ts:?}: {v}"))
        }
        _ => {}
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            errs.push(format!("{at}: {v} is not {c}"));
        }
    }
    if let (Some(min), Some(x)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if x < min {
            errs.push(format!("{at}: {x} < minimum {min}"));
        }
    }
    if let Value::Object(obj) = v {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(r.as_str().unwrap()) {
                errs.push(format!("{at}: required key {r} missing"));
            }
        }
        if let Some(props) = props {
            for (k, x) in obj {
                match props.get(k) {
                    Some(ps) => validate(root, ps, x, &format!("{at}.{k}"), errs),
                    None => errs.push(format!("{at}: key {k:?} is not in the schema")),
                }
            }
        }
    }
    if let (Value::Array(items), Some(is)) = (v, s.get("items")) {
        for (i, x) in items.iter().enumerate() {
            validate(root, is, x, &format!("{at}[{i}]"), errs);
        }
    }
}

fn report(args: &[&str]) -> Value {
    let (out, _) = ok(flcli().args(args).arg("--json"));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn schema_is_self_contained_and_requires_the_contract_keys() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let stats = resolve(&s, &s["$defs"]["StatsReport"]);
    let required: Vec<&str> = stats["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    for k in [
        "schema_version",
        "command",
        "input",
        "params",
        "classes",
        "imbalance",
        "buckets",
        "totals",
    ] {
        assert!(required.contains(&k), "stats report: {k} not required");
    }
    let def_required = |name: &str| -> Vec<String> {
        s["$defs"][name]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no required list"))
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let must = [
        (
            "InputInfo",
            &[
                "paths",
                "format",
                "mode",
                "score_kind",
                "label_column",
                "score_columns",
                "rows_read",
                "rows_used",
                "rows_ignored",
            ][..],
        ),
        ("Params", &["gamma", "alpha", "eps", "bucket_edges"]),
        (
            "ClassRow",
            &[
                "name",
                "index",
                "count",
                "frequency",
                "ce_sum",
                "ce_mean",
                "focal_sum",
                "focal_mean",
                "mean_p_true",
                "accuracy",
            ],
        ),
        (
            "Imbalance",
            &[
                "imbalance_ratio",
                "majority",
                "minority",
                "normalized_entropy",
                "effective_number",
                "weights",
            ],
        ),
        ("Weights", &["inverse_frequency", "effective_number"]),
        (
            "BucketRow",
            &[
                "lower",
                "upper",
                "count",
                "share",
                "ce_sum",
                "ce_share",
                "focal_sum",
                "focal_share",
            ],
        ),
        (
            "Totals",
            &[
                "elements",
                "ce_sum",
                "ce_mean",
                "focal_sum",
                "focal_mean",
                "loss_per_positive",
            ],
        ),
    ];
    for (def, keys) in must {
        let have = def_required(def);
        for k in keys {
            assert!(have.iter().any(|h| h == k), "{def}.{k} is not required");
        }
    }
    // Values that may not be computable are nullable numbers, never NaN.
    let totals = &s["$defs"]["Totals"]["properties"];
    assert_eq!(
        totals["loss_per_positive"]["type"],
        serde_json::json!(["number", "null"])
    );
}

#[test]
fn real_reports_validate_against_the_schema() {
    let s = schema();
    let d = fixture("detection.parquet").display().to_string();
    let g = fixture("sigmoid.csv").display().to_string();
    let a = fixture("animals.csv").display().to_string();
    let reports = [
        report(&["stats", &d]),
        report(&["stats", &g, "--mode", "sigmoid"]),
        report(&["stats", &a, "--alpha", "0.25,0.35,0.6,0.9"]),
        report(&["compare", &d]),
    ];
    for r in &reports {
        let mut errs = Vec::new();
        validate(&s, &s, r, "$", &mut errs);
        assert!(
            errs.is_empty(),
            "{} report:\n{}",
            r["command"],
            errs.join("\n")
        );
        let name = match r["command"].as_str().unwrap() {
            "stats" => "StatsReport",
            "compare" => "CompareReport",
            other => panic!("unexpected command {other}"),
        };
        validate(&s, &s["$defs"][name], r, "$", &mut errs);
        assert!(errs.is_empty(), "{name}:\n{}", errs.join("\n"));
    }
    // The validator can fail: a report missing a key or with a stray one is rejected.
    let mut broken = reports[0].clone();
    broken["totals"].as_object_mut().unwrap().remove("ce_sum");
    broken["classes"][0]["surprise"] = serde_json::json!(1);
    broken["totals"]["focal_mean"] = serde_json::json!("NaN");
    let mut errs = Vec::new();
    validate(&s, &s["$defs"]["StatsReport"], &broken, "$", &mut errs);
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn json_docs_document_every_stats_json_key() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap();
    let s = schema();
    for def in [
        "StatsReport",
        "InputInfo",
        "Params",
        "ClassRow",
        "Imbalance",
        "Weights",
        "BucketRow",
        "Totals",
        "Calibration",
        "ReliabilityBin",
        "SkipInfo",
    ] {
        let props = s["$defs"][def]["properties"].as_object().unwrap();
        for k in props.keys() {
            assert!(
                readme.contains(&format!("`{k}`")),
                "docs/json.md does not document {def}.{k}"
            );
        }
    }
}
