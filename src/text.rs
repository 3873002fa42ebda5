//! Text helpers shared by the analysis and the exporters: escaping text from
//! data for a terminal, and the one way each of percentages and α is printed.

/// Whether `c` must not reach a terminal as it is: control characters (and
/// the escape character), and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which can make text read differently from
/// what it is.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Escapes control characters and bidirectional overrides so text from data
/// cannot move the cursor, change colours or reorder a line on a terminal.
pub(crate) fn escape(s: &str) -> String {
    if !s.chars().any(unsafe_char) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if unsafe_char(c) => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Longest text from the data (a name, a value) quoted whole in a message,
/// in characters: a 10 MB header name must leave a readable message.
pub(crate) const QUOTED_CHARS: usize = 200;

/// `s` in double quotes for a message: cut to [`QUOTED_CHARS`] characters
/// (saying how long it was) and escaped once, as [`escape`] does.
pub(crate) fn quoted(s: &str) -> String {
    let n = s.chars().count();
    if n <= QUOTED_CHARS {
        return format!("\"{}\"", escape(s));
    }
    let head: String = s.chars().take(QUOTED_CHARS).collect();
    format!("\"{}…\" ({n} characters)", escape(&head))
}

/// How a `--by` group key is shown in text output (tables, Markdown, CSV,
/// HTML), so that no two keys look alike: a null is `(null)`, and a string
/// that could be taken for it or for nothing (`(null)`, the empty string, or
/// one that starts with `"`) is shown in double quotes with `"` and `\`
/// backslash-escaped. Every other string is shown as it is.
pub(crate) fn group_key(key: Option<&str>) -> std::borrow::Cow<'_, str> {
    match key {
        None => "(null)".into(),
        Some(k) if k.is_empty() || k == "(null)" || k.starts_with('"') => {
            format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\"")).into()
        }
        Some(k) => k.into(),
    }
}

/// Like [`escape`] but keeps newlines and tabs, for multi-line messages.
pub(crate) fn escape_text(s: &str) -> String {
    s.split('\n')
        .map(|line| line.split('\t').map(escape).collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where a percentage is printed. Table cells and prose differ in two ways,
/// kept here side by side: a missing value, and shares below 0.001% (a cell
/// stays narrow with `<0.001%`, a sentence keeps two significant digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percent {
    /// A table or Markdown cell: `–`, `12.3%`, `0.067%`, `<0.001%`.
    Cell,
    /// A sentence: `– (undefined)`, `12.3%`, `0.067%`, `0.00012%`.
    Prose,
}

/// Formats a share (0.25) as a percentage (`25.0%`): one decimal, or two
/// significant digits below 0.1%.
pub fn percent(x: Option<f64>, place: Percent) -> String {
    let Some(v) = x else {
        return match place {
            Percent::Cell => "–".into(),
            Percent::Prose => "– (undefined)".into(),
        };
    };
    let p = v * 100.0;
    if p == 0.0 || p.abs() >= 0.1 {
        format!("{p:.1}%")
    } else if place == Percent::Cell && (p.is_nan() || p.abs() < 0.001) {
        "<0.001%".into()
    } else {
        let d = (1.0 - p.abs().log10().floor()) as usize;
        format!("{p:.d$}%")
    }
}

/// Where an α from a report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AlphaText {
    /// A CSV cell: `none`, `0.25`, or every per-class value joined with `;`.
    Csv,
    /// A table for people: `none`, `0.25`, `[1.0,2.0]`, or the first two of a
    /// long per-class list and its length.
    Table,
}

/// Formats a report's α (`null`, a number or a per-class list).
pub(crate) fn alpha(a: &serde_json::Value, place: AlphaText) -> String {
    use serde_json::Value;
    match (a, place) {
        (Value::Null, _) => "none".into(),
        (Value::Array(v), AlphaText::Csv) => {
            v.iter().map(Value::to_string).collect::<Vec<_>>().join(";")
        }
        (Value::Array(v), AlphaText::Table) if v.len() > 4 => {
            format!("[{}, {}, … {} values]", v[0], v[1], v.len())
        }
        (v, _) => v.to_string(),
    }
}

/// Wraps `s` at spaces to lines of at most `width` characters, the first
/// line starting with `first` and the others with `rest` (a hanging indent
/// for list items). A word longer than a line stays whole, and a relation
/// (`γ = 0`, `p_t ≥ 0.9`) stays on one line: a number is never parted from
/// what it says.
pub(crate) fn wrap(s: &str, width: usize, first: &str, rest: &str) -> String {
    const GLUE: [&str; 7] = ["=", "≥", "≤", "<", ">", "→", "×"];
    let mut units: Vec<String> = Vec::new();
    let mut glue_next = false;
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let op = GLUE.contains(&word);
        match units.last_mut() {
            Some(last) if op || glue_next => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_string()),
        }
        glue_next = op;
    }
    let mut out = String::from(first);
    let mut col = first.chars().count();
    let mut line_empty = true;
    for unit in &units {
        let n = unit.chars().count();
        if !line_empty && col + 1 + n > width {
            out.push('\n');
            out.push_str(rest);
            col = rest.chars().count();
            line_empty = true;
        }
        if !line_empty {
            out.push(' ');
            col += 1;
        }
        out.push_str(unit);
        col += n;
        line_empty = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_words_whole_and_indents_the_rest() {
        let s = "Easy elements hold 16.8% of the gradient, within the 50.0% target";
        let w = wrap(s, 24, "- ", "  ");
        assert_eq!(
            w,
            "- Easy elements hold\n  16.8% of the gradient,\n  within the 50.0%\n  target"
        );
        for line in w.lines() {
            assert!(line.chars().count() <= 24, "{line:?}");
        }
        assert_eq!(wrap("a-very-long-word x", 5, "", ""), "a-very-long-word\nx");
        assert_eq!(wrap("short", 80, "- ", "  "), "- short");
        assert_eq!(wrap("for γ = 0, 0.2", 8, "", ""), "for\nγ = 0,\n0.2");
    }
}
