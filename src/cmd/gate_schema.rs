//! Early `--fail-if` path checks against the report's JSON Schema, so a typo
//! such as `totals.focal_mea` is an error before a long pass over the data,
//! not after it. Only what the schema settles is checked here (field names,
//! lists vs objects); names inside `[...]` and nulls are checked on the
//! report itself.

use super::gate::{Gate, Step};
use anyhow::{bail, Result};
use serde_json::Value;

/// Follows a local `$ref` (`#/$defs/Name`).
fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    // Bounded: schemars refs are one level deep, but never loop on a bad schema.
    for _ in 0..8 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/")
                .and_then(|p| root.pointer(&format!("/{p}")))
            {
                Some(t) => s = t,
                None => return s,
            },
            None => return s,
        }
    }
    s
}

/// Whether a schema node's `type` names `t` (it may be a list such as ["array", "null"]).
fn has_type(s: &Value, t: &str) -> bool {
    match s.get("type") {
        Some(Value::String(x)) => x == t,
        Some(Value::Array(v)) => v.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    }
}

/// Checks `steps` against schema node `s`; Err is the reason, at the step that failed.
fn walk(
    root: &Value,
    s: &Value,
    steps: &[Step],
    at: usize,
) -> std::result::Result<(), (usize, String)> {
    let s = resolve(root, s);
    let Some(step) = steps.first() else {
        return Ok(());
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let mut first_err = None;
            for b in branches {
                match walk(root, b, steps, at) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            // Unless every branch is null, some branch must accept the path.
            if let Some(e) = first_err {
                return Err(e);
            }
        }
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        let key = match step {
            Step::Key(k) | Step::Select(k) | Step::Name(k) => k,
            Step::Index(_) => return Err((at, "this is an object, not a list".into())),
        };
        return match props.get(key) {
            Some(next) => walk(root, next, &steps[1..], at + 1),
            None => Err((
                at,
                format!(
                    "the fields here are {}",
                    props.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        };
    }
    if let Some(items) = s.get("items") {
        return match step {
            Step::Key(k) => Err((
                at,
                format!("this is a list; select an element first, e.g. [0].{k} or [NAME].{k}"),
            )),
            _ => walk(root, items, &steps[1..], at + 1),
        };
    }
    let scalar = ["number", "integer", "string", "boolean"]
        .into_iter()
        .find(|t| has_type(s, t));
    match scalar {
        Some(t) if !has_type(s, "object") && !has_type(s, "array") => {
            Err((at, format!("the value before it is a {t}")))
        }
        None if has_type(s, "null") => Err((at, "the value before it is always null".into())),
        // No type information (a free-form JSON value such as α): the report decides.
        _ => Ok(()),
    }
}

/// Errors if `gate`'s path cannot exist in a `command` report, per `schema`
/// (the document `flcli schema` prints, whose `$defs` hold each report).
pub fn check(gate: &Gate, schema: &Value, command: &str) -> Result<()> {
    let def = format!("{}{}Report", command[..1].to_uppercase(), &command[1..]);
    let Some(start) = schema.pointer(&format!("/$defs/{def}")) else {
        return Ok(()); // no schema for it: the report itself decides
    };
    if let Err((at, why)) = walk(schema, start, &gate.path, 0) {
        let shown: String = gate.path[..=at].iter().map(|s| s.to_string()).collect();
        bail!(
            "--fail-if {}: {} does not exist in the {command} report: {why} (see `flcli schema`)",
            crate::text::quoted(&gate.text),
            shown.trim_start_matches('.')
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::schema::json_schema;

    fn check_stats(e: &str) -> Result<()> {
        check(&Gate::parse(e).unwrap(), &json_schema(), "stats")
    }

    #[test]
    fn accepts_every_documented_example() {
        for e in [
            "totals.focal_mean > 0.05",
            "imbalance.imbalance_ratio >= 100",
            "classes[cat].accuracy < 0.8",
            "classes[#0].accuracy < 0.8",
            "buckets[-1].focal_share > 0",
            "imbalance.weights.effective_number[0] > 1",
            "imbalance.positives_per_class[0] > 1",
            "params.alpha > 0.2",
            "params.alpha[1] > 0.2",
            "calibration.reliability[0].accuracy < 1",
        ] {
            check_stats(e).unwrap_or_else(|err| panic!("{e}: {err}"));
        }
        let compare = json_schema();
        let g = Gate::parse("variants[fl g=2 a=0.25].easy_grad_share > 0.5").unwrap();
        check(&g, &compare, "compare").unwrap();
        let g = Gate::parse("variants[ce].hardest_1pct_loss_share.negatives > 0.5").unwrap();
        check(&g, &compare, "compare").unwrap();
    }

    #[test]
    fn rejects_paths_the_report_cannot_have() {
        let e = check_stats("totals.focal_mea > 0.05")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("totals.focal_mea does not exist in the stats report")
                && e.contains("focal_mean"),
            "{e}"
        );
        let e = check_stats("classes.accuracy < 1").unwrap_err().to_string();
        assert!(e.contains("select an element first"), "{e}");
        let e = check_stats("totals.focal_mean.x < 1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("totals.focal_mean.x") && e.contains("a number"),
            "{e}"
        );
        let e = check_stats("variants[ce].loss_mean < 1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("variants does not exist"), "{e}");
        let e = check_stats("totals[#0] < 1").unwrap_err().to_string();
        assert!(e.contains("not a list"), "{e}");
    }
}
