//! Presentation: terminal style, escaping, progress, and the exporters that
//! turn a [`Report`] into text. Exporters only format; every number they
//! print was computed before they were called.

pub(crate) mod cells;
pub(crate) mod compare_table;
pub mod csv;
pub(crate) mod html;
mod json;
pub mod markdown;
pub(crate) mod multilabel;
pub(crate) mod plot;
pub(crate) mod recommend_table;
pub(crate) mod table;

use crate::report::Report;
use anyhow::Result;
use std::io::IsTerminal;

pub(crate) use crate::text::escape;
pub(crate) use json::JsonExporter;

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How output should look.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Whether to use ANSI colour and bold.
    pub color: bool,
    /// `--color` as given.
    pub choice: ColorChoice,
    /// Columns the tables may use: the terminal's width on a terminal, else 80.
    pub width: u16,
}

impl Style {
    /// Decides colour from the flag, the terminal and the environment.
    pub(crate) fn detect(choice: ColorChoice) -> Style {
        let tty = std::io::stdout().is_terminal();
        let mut style = Style::decide(
            choice,
            tty,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        );
        if tty {
            if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
                // Narrow terminals still get 80 (tables wrap there); very wide ones
                // get at most 160 so lines stay readable.
                style.width = w.clamp(80, 160);
            }
        }
        style
    }

    /// The rule behind [`Style::detect`]: `always` and `never` win; `auto`
    /// colours only a terminal, and not when `NO_COLOR` is set to a non-empty
    /// value (no-color.org) or `TERM` is `dumb`.
    pub fn decide(
        choice: ColorChoice,
        tty: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&std::ffi::OsStr>,
    ) -> Style {
        let env_ok = no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb");
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env_ok && tty,
        };
        Style {
            color,
            choice,
            width: 80,
        }
    }

    /// The style for a file written with `-o`: a file is not a terminal, so
    /// colour only when asked for outright.
    pub(crate) fn for_file(self) -> Style {
        Style {
            color: self.choice == ColorChoice::Always,
            width: 80,
            ..self
        }
    }
}

/// Renders a report in one format.
pub trait Exporter {
    /// The whole document, ending in a newline.
    fn render(&self, report: &Report, style: Style) -> Result<String>;

    /// Writes the bytes of [`Exporter::render`] to `w`; an exporter of large
    /// documents writes them in pieces, without holding the whole text.
    fn render_to(&self, report: &Report, style: Style, w: &mut dyn std::io::Write) -> Result<()> {
        w.write_all(self.render(report, style)?.as_bytes())?;
        Ok(())
    }
}

/// Formats a number for people: 4 significant digits, scientific when tiny or huge.
pub(crate) fn human(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(0.0) => "0".into(),
        Some(v) if v.abs() >= 1e6 || v.abs() < 1e-3 => format!("{v:.3e}"),
        Some(v) => {
            let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
            format!("{v:.digits$}")
        }
    }
}

/// Shortens a name from data for a table cell (JSON keeps it whole).
pub(crate) fn cell_name(s: &str, max: usize) -> String {
    let s = escape(s);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
#[path = "exporter_tests.rs"]
mod exporter_tests;

#[cfg(test)]
#[path = "style_tests.rs"]
mod style_tests;
