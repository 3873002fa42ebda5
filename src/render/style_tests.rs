//! When output is coloured: the rule behind `--color` and the environment.

use super::{ColorChoice, Style};
use std::ffi::OsStr;

#[test]
fn colour_rule() {
    let on = |c, tty, nc: Option<&str>, term: Option<&str>| {
        Style::decide(c, tty, nc.map(OsStr::new), term.map(OsStr::new)).color
    };
    use ColorChoice::*;
    assert!(on(Auto, true, None, Some("xterm")));
    assert!(on(Auto, true, None, None));
    assert!(!on(Auto, false, None, Some("xterm")), "not a terminal");
    assert!(!on(Auto, true, Some("1"), Some("xterm")), "NO_COLOR");
    assert!(
        on(Auto, true, Some(""), Some("xterm")),
        "empty NO_COLOR is unset"
    );
    assert!(!on(Auto, true, None, Some("dumb")), "TERM=dumb");
    assert!(
        on(Always, false, Some("1"), Some("dumb")),
        "--color always wins"
    );
    assert!(!on(Never, true, None, Some("xterm")), "--color never wins");
}
