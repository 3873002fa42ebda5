//! `--fail-if EXPR`: CI gates evaluated on the JSON form of a report.
//!
//! An expression is `PATH OP NUMBER`. PATH walks the JSON report
//! (`serde_json::to_value` of the report types), so every field a user can
//! see with `--json` is reachable, and nothing else:
//!
//! - `key` or `.key` selects an object field (`totals.focal_mean`);
//! - `[SEL]` selects in an array or object. In an array whose elements are
//!   objects with a `name` (or `key`) field, SEL is first matched against
//!   them (`classes[cat]`, `variants[fl g=2 a=0.25]`), and otherwise read as an
//!   index (`classes[0]`, `buckets[-1]` = the last). `[#2]` is always an
//!   index and `["2"]` / `['2']` always a name, for names that look like
//!   numbers. An unquoted SEL runs to the first `]` and is trimmed; quote it
//!   (with `\"` and `\\` escapes) when a name has a `]` or outer spaces.
//!
//! OP is one of `<`, `<=`, `>`, `>=`, `==`, `!=` and NUMBER a finite number.
//! The gate fails (exit 1) when the comparison holds. A path that does not
//! exist, or that ends on something other than a number (null included), is
//! an error (exit 2): a gate that cannot be evaluated must never pass silently.

use super::gate_select::{describe, select};
use crate::text::quoted;
use anyhow::Result;
use serde_json::Value;
use std::fmt;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    /// Whether `a OP b` holds.
    pub(crate) fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// `.key`: an object field.
    Key(String),
    /// `[text]`: a name (or object key), else an index.
    Select(String),
    /// `["text"]`: a name or object key only.
    Name(String),
    /// `[#n]`: an index only (negative counts from the end).
    Index(i64),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(k) => write!(f, ".{k}"),
            Step::Select(s) => write!(f, "[{s}]"),
            // As the expression writes it (`\` before `"` and `\`), terminal-safe.
            Step::Name(s) => {
                let s = s.replace('\\', "\\\\").replace('"', "\\\"");
                write!(f, "[\"{}\"]", crate::text::escape(&s))
            }
            Step::Index(i) => write!(f, "[#{i}]"),
        }
    }
}

/// A parsed `--fail-if` expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// The expression as given.
    pub(crate) text: String,
    /// The path as given (trimmed).
    pub(crate) path_text: String,
    /// The path.
    pub(crate) path: Vec<Step>,
    /// The operator.
    pub(crate) op: Op,
    /// The threshold.
    pub(crate) value: f64,
}

/// The outcome of one gate on one report.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outcome {
    /// The value found at the path.
    pub(crate) actual: f64,
    /// Whether the condition holds, i.e. the gate failed.
    pub(crate) failed: bool,
}

/// Characters that end a path (the start of the operator).
fn is_op_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!')
}

/// The error for expression `e`, with the syntax reminder.
fn syntax(e: &str, why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "--fail-if {}: {why}; expected PATH OP NUMBER, e.g. 'totals.focal_mean > 0.05' or 'classes[cat].accuracy < 0.8' (OP: < <= > >= == !=)",
        quoted(e)
    )
}

impl Gate {
    /// Parses `PATH OP NUMBER`.
    pub fn parse(text: &str) -> Result<Gate> {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        skip_ws(&mut i);
        let start = i;
        let mut path = Vec::new();
        // jq users write a leading dot; accept it.
        if chars.get(i) == Some(&'.') {
            i += 1;
        }
        loop {
            match chars.get(i) {
                Some('[') => {
                    let (step, next) = parse_bracket(&chars, i + 1, text)?;
                    path.push(step);
                    i = next;
                }
                Some(&c) if c == '_' || c == '-' || c.is_alphanumeric() => {
                    let k0 = i;
                    while i < chars.len()
                        && (chars[i] == '_' || chars[i] == '-' || chars[i].is_alphanumeric())
                    {
                        i += 1;
                    }
                    path.push(Step::Key(chars[k0..i].iter().collect()));
                }
                Some(c) => {
                    return Err(syntax(
                        text,
                        &format!(
                            "unexpected {} where a field name or [ was expected",
                            quoted(&c.to_string())
                        ),
                    ))
                }
                None => return Err(syntax(text, "no comparison")),
            }
            // After a step: another step, or the end of the path.
            match chars.get(i) {
                Some('.') => i += 1,
                Some('[') => {}
                Some(&c) if c.is_whitespace() || is_op_char(c) => break,
                Some(c) => {
                    return Err(syntax(
                        text,
                        &format!(
                            "unexpected {} after {}",
                            quoted(&c.to_string()),
                            path[path.len() - 1]
                        ),
                    ))
                }
                None => return Err(syntax(text, "no comparison")),
            }
        }
        let path_text: String = chars[start..i].iter().collect();
        skip_ws(&mut i);
        let rest: String = chars[i..].iter().collect();
        let (op, len) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .iter()
        .find(|(s, _)| rest.starts_with(s))
        .map(|(s, o)| (*o, s.len()))
        .ok_or_else(|| {
            if rest.starts_with('=') {
                syntax(text, "use == to compare for equality")
            } else {
                syntax(text, "no comparison operator after the path")
            }
        })?;
        let num = rest[len..].trim();
        let value = num
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| syntax(text, &format!("{} is not a finite number", quoted(num))))?;
        Ok(Gate {
            text: text.trim().to_string(),
            path_text,
            path,
            op,
            value,
        })
    }

    /// Evaluates the gate on a JSON report. Errors say what the path reached and what exists there.
    pub(crate) fn eval(&self, root: &Value) -> Result<Outcome> {
        let mut cur = root;
        let mut walked = String::new();
        for step in &self.path {
            cur = select(cur, step).map_err(|why| {
                anyhow::anyhow!(
                    "--fail-if {}: {} does not exist in this report: {why}",
                    quoted(&self.text),
                    format!("{walked}{step}").trim_start_matches('.')
                )
            })?;
            walked.push_str(&step.to_string());
        }
        let actual = match cur {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--fail-if {}: {} is {}, not a number, so the condition cannot be evaluated{}",
                quoted(&self.text),
                self.path_text,
                describe(cur),
                if cur.is_null() {
                    " (null means the value could not be computed on this data)"
                } else {
                    ""
                }
            )
        })?;
        Ok(Outcome {
            actual,
            failed: self.op.holds(actual, self.value),
        })
    }
}

/// Parses `[...]` from `i` (just past the `[`); returns the step and the index past `]`.
fn parse_bracket(chars: &[char], mut i: usize, text: &str) -> Result<(Step, usize)> {
    if let Some(&q) = chars.get(i).filter(|c| **c == '"' || **c == '\'') {
        i += 1;
        let mut s = String::new();
        loop {
            match chars.get(i) {
                Some('\\') if i + 1 < chars.len() => {
                    s.push(chars[i + 1]);
                    i += 2;
                }
                Some(&c) if c == q => {
                    i += 1;
                    break;
                }
                Some(&c) => {
                    s.push(c);
                    i += 1;
                }
                None => return Err(syntax(text, &format!("unterminated {q} in [...]"))),
            }
        }
        if chars.get(i) != Some(&']') {
            return Err(syntax(text, "expected ] after the quoted name"));
        }
        return Ok((Step::Name(s), i + 1));
    }
    let Some(end) = chars[i..].iter().position(|c| *c == ']') else {
        return Err(syntax(text, "unclosed ["));
    };
    let inner: String = chars[i..i + end].iter().collect::<String>().trim().into();
    if inner.is_empty() {
        return Err(syntax(text, "empty []"));
    }
    let step = match inner.strip_prefix('#') {
        Some(n) => Step::Index(
            n.trim()
                .parse()
                .map_err(|_| syntax(text, &format!("[#{n}] needs an integer index")))?,
        ),
        None => Step::Select(inner),
    };
    Ok((step, i + end + 1))
}

/// Parses every expression; the first bad one is the error.
pub(crate) fn parse_all(exprs: &[String]) -> Result<Vec<Gate>> {
    exprs.iter().map(|e| Gate::parse(e)).collect()
}

/// The error returned when at least one gate failed: maps to exit code 1.
#[derive(Debug)]
pub(crate) struct ChecksFailed(pub usize);

impl fmt::Display for ChecksFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} --fail-if condition(s) held", self.0)
    }
}

impl std::error::Error for ChecksFailed {}

/// Evaluates every gate; any gate that cannot be evaluated is an error, else the outcomes in order.
pub(crate) fn eval_all(gates: &[Gate], report: &Value) -> Result<Vec<Outcome>> {
    gates.iter().map(|g| g.eval(report)).collect()
}

/// The stderr line for a gate's outcome.
pub(crate) fn message(g: &Gate, o: &Outcome) -> String {
    if o.failed {
        format!(
            "check failed: {} (actual {} = {})",
            g.text, g.path_text, o.actual
        )
    } else {
        format!(
            "check passed: not ({}) (actual {} = {})",
            g.text, g.path_text, o.actual
        )
    }
}

#[cfg(test)]
#[path = "gate_tests.rs"]
mod tests;
