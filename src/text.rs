//! Text from data made safe for a terminal.

/// Escapes control characters (and the escape character itself) so text from
/// data cannot move the cursor or change colours on a terminal.
pub fn escape(s: &str) -> String {
    if !s.chars().any(|c| c.is_control()) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Like [`escape`] but keeps newlines and tabs, for multi-line messages.
pub fn escape_text(s: &str) -> String {
    s.split('\n')
        .map(|line| line.split('\t').map(escape).collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}
