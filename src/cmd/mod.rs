//! One module per subcommand, plus what they share: turning flags into input
//! options and loss settings, running the pass, and writing the report.

pub mod compare;
pub(crate) mod docs;
pub mod gate;
pub mod gate_schema;
mod gate_select;
pub mod load;
mod load_checks;
mod load_sql;
pub(crate) mod merge;
pub(crate) mod out;
pub(crate) mod partial;
pub(crate) mod recommend;
mod reproduce;
pub(crate) mod sql;
pub mod stats;

use crate::cli::{InputArgs, LossArgs, OutputArgs, SumArgs};
use crate::engine::{EngineSpec, Partial};
use crate::input::{ColumnFlags, Dataset, InputOptions, Selector};
use crate::model::{Alpha, Mode, ScoreKind};
use crate::render::Style;
use crate::report::{InputInfo, Report, SkipInfo};
use crate::text::quoted;
use anyhow::{bail, Result};
pub(crate) use load::{load, InputDesc, Loaded};
use std::io::{IsTerminal, Write};

/// Settings that apply to every command.
#[derive(Clone, Copy, Debug)]
pub struct Global {
    /// Terminal style.
    pub style: Style,
    /// `--quiet`.
    pub quiet: bool,
}

impl Global {
    /// Prints a note on stderr unless `--quiet`.
    pub(crate) fn note(&self, msg: &str) {
        if !self.quiet {
            crate::outfile::eprint_line(format_args!("flcli: {msg}"));
        }
    }
}

/// Turns the input flags into reader options.
pub fn input_options(a: &InputArgs) -> Result<InputOptions> {
    let delimiter = match a.delimiter.as_str() {
        "\\t" | "tab" => b'\t',
        d if d.len() == 1 => d.as_bytes()[0],
        d => bail!("--delimiter must be one byte (or \\t), got {}", quoted(d)),
    };
    let scores = if let Some(c) = &a.prob {
        Some((ScoreKind::Probabilities, Selector::One(c.clone())))
    } else if let Some(c) = &a.logit {
        Some((ScoreKind::Logits, Selector::One(c.clone())))
    } else if let Some(c) = &a.probs {
        Some((ScoreKind::Probabilities, Selector::Many(c.clone())))
    } else {
        a.logits
            .as_ref()
            .map(|c| (ScoreKind::Logits, Selector::Many(c.clone())))
    };
    // The labels file of a .npy pair is the label column unless --label says otherwise.
    let label = a.label.clone().or_else(|| {
        a.labels_npy
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
    });
    if a.labels_npy.is_some() && a.files.len() != 1 {
        bail!(
            "--labels-npy gives the labels of one .npy file of scores, and {} files were named; pass one scores file, or save each shard as one .npz (np.savez(path, labels=..., logits=...))",
            a.files.len()
        );
    }
    Ok(InputOptions {
        paths: a.files.clone(),
        format: a.input_format,
        delimiter,
        columns: ColumnFlags {
            label,
            scores,
            mode: a.mode.map(Into::into),
            targets: a.targets.clone(),
        },
        positive: a.positive.clone(),
        background: a.background,
        ignore_index: a.ignore_index,
        skip_invalid: a.skip_invalid,
        by: None,
        max_groups: 1000,
        memory: a.memory.clone(),
        labels_npy: a.labels_npy.clone(),
        channels_last: a.channels_last,
        max_line: a.max_line_bytes,
        class_names: class_names(a.class_names.as_deref())?,
    })
}

/// `--class-names a,b,c`: non-empty, distinct names.
pub(super) fn class_names(list: Option<&str>) -> Result<Option<Vec<String>>> {
    let Some(list) = list else { return Ok(None) };
    let names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
    if names.iter().any(String::is_empty) {
        bail!("--class-names {}: a name is empty; give one name per score column, comma-separated, e.g. --class-names cat,dog,fish", crate::text::quoted(list));
    }
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            bail!(
                "--class-names: {} is given twice; each class needs its own name",
                crate::text::quoted(n)
            );
        }
    }
    Ok(Some(names))
}

/// Parses and checks bucket edges.
pub fn parse_edges(s: &str) -> Result<Vec<f64>> {
    let edges = parse_list(s, "--buckets")?;
    if edges.len() < 2 || edges[0] != 0.0 || edges[edges.len() - 1] != 1.0 {
        bail!(
            "--buckets must start at 0 and end at 1 (got {}), e.g. 0,0.5,0.9,1",
            quoted(s)
        );
    }
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        bail!("--buckets must be strictly ascending (got {})", quoted(s));
    }
    Ok(edges)
}

/// Parses a comma-separated list of numbers.
pub(crate) fn parse_list(s: &str, flag: &str) -> Result<Vec<f64>> {
    s.split(',')
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| anyhow::anyhow!("{flag}: {} is not a number (expected a comma-separated list such as 0,1,2)", quoted(x)))
        })
        .collect()
}

/// Checks a γ given with `flag`.
pub(crate) fn check_gamma(flag: &str, g: f64) -> Result<f64> {
    if !(g >= 0.0 && g.is_finite()) {
        bail!("{flag} must be a finite number ≥ 0 (γ), got {g}");
    }
    Ok(g)
}

/// Parses one α setting for `mode` with `classes` classes; `None` gives the mode's default.
pub(crate) fn parse_alpha(s: Option<&str>, mode: Mode, classes: usize) -> Result<Alpha> {
    let Some(s) = s.map(str::trim) else {
        return Ok(match mode {
            Mode::Softmax => Alpha::None,
            _ => Alpha::Scalar(0.25),
        });
    };
    if s.eq_ignore_ascii_case("none") {
        return Ok(Alpha::None);
    }
    let v = parse_list(s, "--alpha")?;
    if mode == Mode::Softmax {
        // Per-class weights (as PyTorch's `weight`): any size, e.g. class-balanced
        // weights that sum to K; only their ratios and scale matter.
        if let Some(bad) = v.iter().find(|a| **a < 0.0) {
            bail!("--alpha: softmax per-class weights must be ≥ 0, got {bad}");
        }
    } else if let Some(bad) = v.iter().find(|a| !(0.0..=1.0).contains(*a)) {
        bail!("--alpha must lie in [0, 1] (the weight of positives; negatives get 1-α), got {bad}");
    }
    match mode {
        Mode::Softmax if v.len() == classes => Ok(Alpha::PerClass(v)),
        Mode::Softmax => bail!(
            "softmax α is a per-class list of {classes} values in class order (or none), got {} value(s); a scalar α does not apply to softmax",
            v.len()
        ),
        _ if v.len() == 1 => Ok(Alpha::Scalar(v[0])),
        _ => bail!("{} α is one number (the weight of positives; negatives get 1-α), got {} values", mode.as_str(), v.len()),
    }
}

/// The α convention in words, for the report.
pub(crate) fn alpha_convention(mode: Mode, alpha: &Alpha) -> String {
    match (mode, alpha) {
        (_, Alpha::None) => "none: no α weighting (α_t = 1)".into(),
        (Mode::Softmax, _) => "per class: α_t = α[true class] (softmax)".into(),
        (_, Alpha::Scalar(a)) => format!(
            "α_t = {a} for positive targets, {} for negative ones (torchvision / RetinaNet convention)",
            1.0 - a
        ),
        (_, Alpha::PerClass(_)) => "per class".into(),
    }
}

/// The sums' settings, checked: the probability clamp, the bucket edges and the easy threshold.
pub(crate) struct SumSettings {
    /// Probability clamp ε.
    pub(crate) eps: f64,
    /// Bucket edges over p_t.
    pub(crate) edges: Vec<f64>,
    /// p_t at or above which an element is easy.
    pub(crate) easy: f64,
}

/// Checks `--eps`, `--buckets` and `--easy`, shared by every command that runs the engine.
pub(crate) fn sum_settings(s: &SumArgs) -> Result<SumSettings> {
    if !(s.eps > 0.0 && s.eps < 0.5) {
        bail!("--eps must lie in (0, 0.5), got {}", s.eps);
    }
    if !(s.easy > 0.0 && s.easy <= 1.0) {
        bail!("--easy must lie in (0, 1], got {}", s.easy);
    }
    Ok(SumSettings {
        eps: s.eps,
        edges: parse_edges(&s.buckets)?,
        easy: s.easy,
    })
}

/// The engine settings common to all report commands, for an input of `classes` classes.
pub fn engine_spec(input: &InputDesc, classes: usize, loss: &LossArgs) -> Result<EngineSpec> {
    if !(loss.beta >= 0.0 && loss.beta < 1.0) {
        bail!("--beta must lie in [0, 1), got {}", loss.beta);
    }
    sums_spec(input, classes, &loss.sums)
}

/// The engine settings for `classes` classes from the sums' flags alone (no report weights).
pub(crate) fn sums_spec(input: &InputDesc, classes: usize, sums: &SumArgs) -> Result<EngineSpec> {
    let s = sum_settings(sums)?;
    Ok(EngineSpec {
        mode: input.mode,
        kind: input.score_kind,
        classes,
        eps: s.eps,
        edges: s.edges,
        easy: s.easy,
        terms: Vec::new(),
        tails: false,
        calib: true,
        multilabel: input.targets.is_some(),
        moments: false,
    })
}

/// The progress line: rows read and the rate in whole rows per second, plus the percentage
/// and the time left when every file's metadata gives its row count (`total`).
fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{HumanCount, ProgressBar, ProgressState, ProgressStyle};
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n),
            "{spinner} {human_pos}/{human_len} rows ({percent}%), {rate}, {eta} left",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {human_pos} rows read, {rate} ({elapsed})",
        ),
    };
    let rate = |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{} rows/s", HumanCount(s.per_sec() as u64));
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .map(|st| st.with_key("rate", rate))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    // One draw now: the ticker thread draws only once it is scheduled, which on a busy
    // machine can come after a short pass has already ended.
    bar.tick();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Runs the pass with a progress spinner on a terminal; the sums are left exact.
pub(crate) fn run_pass(ds: &Dataset, spec: &EngineSpec, g: &Global) -> Result<Partial> {
    let bar = if !g.quiet && std::io::stderr().is_terminal() {
        progress_bar(ds.sources.iter().map(|s| s.reader.rows()).sum())
    } else {
        indicatif::ProgressBar::hidden()
    };
    // The sums stay exact: a report rounds them (see `load`), a partial result keeps them.
    let r = ds.pass(spec, &|rows| bar.inc(rows));
    bar.finish_and_clear();
    r
}

/// Tells the user on stderr what was detected.
pub(crate) fn note_detection(input: &InputDesc, g: &Global) {
    if !input.detected.is_empty() {
        g.note(&format!(
            "detected {}",
            crate::text::escape(&input.detected.join(", "))
        ));
    }
}

/// The `input` object of every report: `l`'s description with `p`'s counts.
pub(crate) fn input_info(l: &Loaded, p: &Partial, alpha: &Alpha) -> InputInfo {
    use crate::model::{Loc, SkipReason};
    let skipped = SkipReason::ALL
        .iter()
        .zip(&p.skipped.by_reason)
        .filter(|(_, s)| s.0 > 0)
        .map(|(r, s)| SkipInfo {
            reason: r.as_str().into(),
            count: s.0,
            first: s
                .1
                .iter()
                .map(|(_, at)| match at {
                    Loc::Row(x) | Loc::Line(x) => *x,
                })
                .collect(),
            unit: match s.1.first() {
                Some((_, Loc::Line(_))) => "line".into(),
                _ => "row".into(),
            },
            files: s
                .1
                .iter()
                .map(|(f, _)| l.input.files.get(*f as usize).cloned().unwrap_or_default())
                .collect(),
        })
        .collect();
    let d = &l.input;
    InputInfo {
        paths: d.paths.iter().map(|p| p.display().to_string()).collect(),
        format: d.format.clone(),
        mode: d.mode,
        score_kind: d.score_kind,
        label_column: d.label_column.clone(),
        score_columns: d.score_columns.clone(),
        class_names: l.classes.clone(),
        rows_read: p.rows_read,
        rows_used: p.rows_used,
        rows_ignored: p.rows_ignored,
        rows_skipped: p.rows_skipped(),
        skipped,
        background_rows: (d.mode == Mode::Sigmoid).then_some(p.background_rows),
        detected: d.detected.clone(),
        alpha_convention: alpha_convention(d.mode, alpha),
        by: d.by.clone(),
        warnings: warnings(l, p),
        targets: d.targets.clone(),
    }
}

/// What makes the report's numbers doubtful, in sentences.
fn warnings(l: &Loaded, p: &Partial) -> Vec<String> {
    let mut out = Vec::new();
    if crate::analysis::summary::hard_predictions(&l.spec, p) {
        out.push(format!(
            "every score in {} is 0 or 1: these are hard predictions (model.predict), not probabilities, so the losses only count wrong predictions at the scale of the clamp (ln ε = {:.3}); export probabilities instead (scikit-learn predict_proba, torch.sigmoid or softmax of the logits, or the logits themselves)",
            crate::text::escape(&l.input.score_columns.join(", ")),
            l.spec.eps.ln()
        ));
    }
    out
}

/// Renders `report` in the requested format, writes it to stdout or `-o`,
/// and applies `--fail-if` (see [`out::emit`]).
pub(crate) fn emit(report: &Report, out: &OutputArgs, g: &Global) -> Result<()> {
    out::emit(report, out, g)
}

/// `flcli schema`: the JSON Schema of every report, from the report types.
pub(crate) fn schema() -> Result<i32> {
    let mut s = serde_json::to_string_pretty(&crate::report::schema::json_schema())?;
    s.push('\n');
    std::io::stdout().lock().write_all(s.as_bytes())?;
    Ok(0)
}

/// Input options with `--by` applied.
pub(crate) fn input_options_by(a: &InputArgs, by: &crate::cli::ByArgs) -> Result<InputOptions> {
    let mut o = input_options(a)?;
    if by.max_groups == 0 {
        bail!("--max-groups must be at least 1");
    }
    o.by = by.by.clone();
    o.max_groups = by.max_groups;
    Ok(o)
}
