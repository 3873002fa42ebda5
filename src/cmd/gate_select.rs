//! Walking a JSON report one path step at a time, for `--fail-if`: each
//! step selects a field, a named element or an index, and a step that does
//! not match says what is there instead.

use super::gate::Step;
use serde_json::Value;

/// One step from `v`; the error lists what is there instead.
pub(super) fn select<'a>(v: &'a Value, step: &Step) -> std::result::Result<&'a Value, String> {
    match (v, step) {
        (Value::Object(m), Step::Key(k) | Step::Select(k) | Step::Name(k)) => {
            m.get(k).ok_or_else(|| {
                format!(
                    "the fields here are {}",
                    m.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })
        }
        (Value::Array(a), Step::Select(s) | Step::Name(s)) => {
            let named = a.iter().any(|e| label(e).is_some());
            if named {
                if let Some(e) = a.iter().find(|e| label(e) == Some(s.as_str())) {
                    return Ok(e);
                }
            }
            match (step, s.parse::<i64>()) {
                (Step::Select(_), Ok(i)) => index(a, i),
                _ if named => Err(format!(
                    "no element named {}; names: {}{}",
                    crate::text::quoted(s),
                    names(a),
                    if a.is_empty() {
                        String::new()
                    } else {
                        format!(" (or an index 0..{})", a.len() - 1)
                    }
                )),
                _ => Err(format!(
                    "this is a list of {} {}, selected by index (0..{}, or -1 for the last)",
                    a.len(),
                    a.first().map(describe).unwrap_or("element"),
                    a.len().saturating_sub(1)
                )),
            }
        }
        (Value::Array(a), Step::Index(i)) => index(a, *i),
        (Value::Array(_), Step::Key(k)) => Err(format!(
            "this is a list; select an element first, e.g. [0].{k} or [NAME].{k}"
        )),
        (Value::Object(_), Step::Index(_)) => Err("this is an object, not a list".into()),
        (other, _) => Err(format!("the value before it is {}", describe(other))),
    }
}

/// What an element of a list is selected by: its `name` (classes, variants),
/// else its `key` (the groups of `--by`).
fn label(e: &Value) -> Option<&str> {
    e.get("name")
        .or_else(|| e.get("key"))
        .and_then(Value::as_str)
}

/// Element `i` of `a` (negative counts from the end).
fn index(a: &[Value], i: i64) -> std::result::Result<&Value, String> {
    let n = a.len() as i64;
    let j = if i < 0 { n + i } else { i };
    if (0..n).contains(&j) {
        Ok(&a[j as usize])
    } else {
        Err(format!(
            "index {i} is out of range: the list has {n} element(s)"
        ))
    }
}

/// The names of a list of named objects, shortened for a message.
fn names(a: &[Value]) -> String {
    let all: Vec<String> = a
        .iter()
        .filter_map(label)
        .map(crate::text::quoted)
        .collect();
    if all.len() > 12 {
        format!("{}, … ({} in all)", all[..12].join(", "), all.len())
    } else {
        all.join(", ")
    }
}

/// A value's kind in words.
pub(super) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
