//! `flcli compare`: every (γ, α) of a grid plus named variants, from one pass.

use super::{
    check_gamma, emit, engine_spec, input_info, input_options, note_detection, parse_alpha,
    parse_list, run_pass, Global,
};
use crate::analysis::summary;
use crate::analysis::variants::{self, Named, VariantDef};
use crate::cli::{CompareArgs, InputArgs, LossArgs};
use crate::engine::{EngineSpec, Partial};
use crate::input::Dataset;
use crate::model::{Alpha, Mode};
use crate::render::plot;
use crate::report::compare::CompareParams;
use crate::report::{CompareGroup, CompareReport, Report, SCHEMA_VERSION};
use anyhow::Result;

/// Runs `flcli compare`; returns the exit code.
pub fn run(a: &CompareArgs, g: &Global) -> Result<i32> {
    let grid = Grid::parse(&a.gamma, a.alpha.as_deref(), &a.variant)?;
    let ds = Dataset::open(&super::input_options_by(&a.input, &a.by)?)?;
    // As in stats: one stderr line for people; JSON carries it in `input.detected`.
    if super::out::format(&a.output) != crate::cli::OutputFormat::Json {
        note_detection(&ds, g);
    }
    // Directories given as input were expanded into files: check those too.
    let plot_out = a.plot.as_deref().map(plot_file).transpose()?;
    if let Some(f) = &plot_out {
        f.refuse_inputs(ds.sources.iter().map(|s| s.path.as_path()))?;
    }
    // Calibration bins only feed the plot's reliability diagram here.
    let done = evaluate_dataset(&ds, &a.loss, &grid, a.plot.is_some(), g)?;
    // The plot first: if it cannot be written, stdout stays empty (exit 2).
    if let Some(f) = &plot_out {
        let svg = plot::svg(
            &done.report,
            &summary::calibration(&done.spec, &done.partial),
        )?;
        f.write(svg.as_bytes())?;
        g.note(&format!(
            "wrote {}",
            crate::text::escape(&f.path().display().to_string())
        ));
    }
    emit(&Report::Compare(done.report), &a.output, g)?;
    Ok(0)
}

/// The `--plot` destination, checked (see [`crate::outfile`]).
pub fn plot_file(path: &std::path::Path) -> Result<crate::outfile::OutFile> {
    if path.as_os_str() == "-" {
        anyhow::bail!("--plot needs a file name (FILE.svg), not -");
    }
    crate::outfile::OutFile::check("--plot", path)
}

/// The α settings of a grid.
#[derive(Clone, Debug)]
pub enum Alphas {
    /// The mode's default α.
    Default,
    /// `--alpha` as given (parsed once the mode is known): `;`-separated items.
    Text(Vec<String>),
    /// Settings chosen by flcli itself.
    Values(Vec<Alpha>),
}

/// A grid as given on the command line.
#[derive(Clone, Debug)]
pub struct Grid {
    /// γ values.
    pub gammas: Vec<f64>,
    /// α settings; see [`Alphas`].
    pub alphas: Alphas,
    /// Named variants.
    pub named: Vec<Named>,
    /// The `--variant` strings.
    pub named_text: Vec<String>,
}

impl Grid {
    /// Parses the grid flags.
    pub fn parse(gamma: &str, alpha: Option<&str>, variants: &[String]) -> Result<Grid> {
        let gammas = parse_list(gamma, "--gamma")?
            .into_iter()
            .map(|g| check_gamma("--gamma", g))
            .collect::<Result<Vec<_>>>()?;
        let named = variants
            .iter()
            .map(|v| variants::parse_named(v))
            .collect::<Result<Vec<_>>>()?;
        Ok(Grid {
            gammas,
            alphas: match alpha {
                None => Alphas::Default,
                Some(s) => Alphas::Text(s.split(';').map(str::to_string).collect()),
            },
            named,
            named_text: variants.to_vec(),
        })
    }

    /// The α settings for `mode`.
    pub fn alphas(&self, mode: Mode, classes: usize) -> Result<Vec<Alpha>> {
        let list = match &self.alphas {
            Alphas::Default => return Ok(vec![parse_alpha(None, mode, classes)?]),
            Alphas::Values(v) => return Ok(v.clone()),
            Alphas::Text(list) => list,
        };
        let mut out = Vec::new();
        for item in list {
            if mode == Mode::Softmax {
                out.push(parse_alpha(Some(item), mode, classes)?);
            } else {
                // binary / sigmoid: each comma item is one setting
                for x in item.split(',') {
                    out.push(parse_alpha(Some(x), mode, classes)?);
                }
            }
        }
        Ok(out)
    }
}

/// A finished comparison, with what recommend needs besides the report.
pub struct Done {
    /// The report.
    pub report: CompareReport,
    /// The engine settings of the pass.
    pub spec: EngineSpec,
    /// The merged sums.
    pub partial: Partial,
    /// Class names.
    pub classes: Vec<String>,
}

/// Opens the data and tells the user on stderr what was detected.
pub fn open(input: &InputArgs, g: &Global) -> Result<Dataset> {
    let ds = Dataset::open(&input_options(input)?)?;
    note_detection(&ds, g);
    Ok(ds)
}

/// Opens the data, runs one pass for the whole grid and evaluates every variant
/// (without calibration bins, as `compare` without `--plot`).
pub fn evaluate(input: &InputArgs, loss: &LossArgs, grid: &Grid, g: &Global) -> Result<Done> {
    evaluate_dataset(&open(input, g)?, loss, grid, false, g)
}

/// Runs one pass over an opened data set for the whole grid and evaluates every variant.
/// `calibration`: whether the caller uses the calibration bins (the pass is lighter without).
pub fn evaluate_dataset(
    ds: &Dataset,
    loss: &LossArgs,
    grid: &Grid,
    calibration: bool,
    g: &Global,
) -> Result<Done> {
    let alphas = grid.alphas(ds.layout.mode, ds.classes.len())?;
    let mut defs: Vec<VariantDef> = Vec::new();
    for &gm in &grid.gammas {
        for al in &alphas {
            defs.push(variants::focal(gm, al));
        }
    }
    let placeholder_counts = vec![1; ds.classes.len()];
    for n in &grid.named {
        defs.push(variants::resolve(n, &placeholder_counts, &alphas[0]));
    }
    let mut spec = engine_spec(ds, loss)?;
    spec.terms = variants::terms_for(&defs);
    spec.tails = true;
    spec.calib = calibration;
    let (p, parts) = run_pass(ds, &spec, g)?.split_groups();
    // Class-balanced weights depend on the counts, known only now (the whole
    // data's counts: under --by every slice is scored with the same losses).
    let counts = summary::class_counts(&p);
    let first = grid.gammas.len() * alphas.len();
    for (i, n) in grid.named.iter().enumerate() {
        defs[first + i] = variants::resolve(n, &counts, &alphas[0]);
    }
    let params = CompareParams {
        gammas: grid.gammas.clone(),
        alphas: alphas.iter().map(Alpha::to_json).collect(),
        variants: grid.named_text.clone(),
        eps: spec.eps,
        bucket_edges: spec.edges.clone(),
        easy: spec.easy,
        tail_method: variants::TAIL_METHOD.into(),
    };
    let report_of = |part: &Partial| CompareReport {
        schema_version: SCHEMA_VERSION,
        command: "compare".into(),
        input: input_info(ds, part, &alphas[0]),
        params: params.clone(),
        variants: variants::evaluate(&spec, part, &ds.classes, &defs),
        groups: None,
    };
    let mut report = report_of(&p);
    if ds.opts.by.is_some() {
        let groups = parts
            .iter()
            .map(|(key, part)| CompareGroup {
                key: key.clone(),
                report: report_of(part),
            })
            .collect();
        report.groups = Some(groups);
    }
    Ok(Done {
        report,
        spec,
        partial: p,
        classes: ds.classes.clone(),
    })
}
