//! Comparing what flcli printed: numbers to a relative tolerance, JSON
//! documents number by number, reports with their paths left out, and error
//! messages by the words they must hold.

use flcli::report::StatsReport;

/// Relative difference, with an absolute floor for values near 0.
pub fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

/// Relative closeness.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Asserts relative closeness with a message.
#[track_caller]
pub fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        close(got, want, rel),
        "{what}: got {got}, want {want} (rel {rel})"
    );
}

/// Asserts every `needle` occurs in `haystack`.
pub fn assert_mentions(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            haystack.contains(n),
            "expected {n:?} in the message:\n{haystack}"
        );
    }
}

/// Calls `f` with every number in a JSON document and its path (`.key`, `[i]`).
pub fn each_number(v: &serde_json::Value, path: &str, f: &mut impl FnMut(&str, f64)) {
    match v {
        serde_json::Value::Number(n) => f(path, n.as_f64().expect("a number")),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                each_number(x, &format!("{path}[{i}]"), f);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                each_number(x, &format!("{path}.{k}"), f);
            }
        }
        _ => {}
    }
}

/// Asserts that every number in a JSON document is finite (serde_json prints
/// NaN and inf as null, which the report types only allow where documented).
pub fn assert_all_finite(v: &serde_json::Value, path: &str) {
    each_number(v, path, &mut |p, f| assert!(f.is_finite(), "{p} = {f}"));
}

/// The report without the paths (also those of skipped rows), for comparing
/// the same data in two files.
pub fn without_paths(mut r: StatsReport) -> StatsReport {
    r.input.paths.clear();
    r.input.format.clear();
    for s in &mut r.input.skipped {
        s.files.clear();
    }
    r
}

/// Removes every `paths` entry of a JSON report, at every level (`--by` groups
/// have their own), for comparing the same data in two files.
pub fn without_paths_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("paths");
            m.values_mut().for_each(without_paths_json);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_paths_json),
        _ => {}
    }
}

/// Asserts two JSON documents are equal, numbers within `rel` relative (or `rel` absolute,
/// for differences such as a confidence gap near 0).
#[track_caller]
pub fn assert_json_close(a: &serde_json::Value, b: &serde_json::Value, rel: f64, path: &str) {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                close(x, y, rel) || (x - y).abs() <= rel,
                "{path}: {x} vs {y}"
            );
        }
        (V::Array(x), V::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_json_close(p, q, rel, &format!("{path}[{i}]"));
            }
        }
        (V::Object(x), V::Object(y)) => {
            let kx: Vec<&String> = x.keys().collect();
            let ky: Vec<&String> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys differ");
            for (k, p) in x {
                assert_json_close(p, &y[k], rel, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Asserts two stats reports (paths aside) agree to `rel`.
#[track_caller]
pub fn assert_reports_close(a: StatsReport, b: StatsReport, rel: f64) {
    let a = serde_json::to_value(without_paths(a)).unwrap();
    let b = serde_json::to_value(without_paths(b)).unwrap();
    assert_json_close(&a, &b, rel, "report");
}
