//! `flcli compare`: every (γ, α) of a grid plus named variants, from one pass.

use super::{
    check_gamma, emit, engine_spec, input_info, load, note_detection, parse_alpha, parse_list,
    Global, InputDesc, Loaded,
};
use crate::analysis::summary;
use crate::analysis::variants::{self, Named, VariantDef};
use crate::cli::{CompareArgs, LossArgs};
use crate::engine::Partial;
use crate::input::InputOptions;
use crate::model::{Alpha, Mode};
use crate::render::plot;
use crate::report::compare::CompareParams;
use crate::report::{CompareGroup, CompareReport, Report, SCHEMA_VERSION};
use anyhow::Result;
use rayon::prelude::*;

/// Runs `flcli compare`; returns the exit code.
pub(crate) fn run(a: &CompareArgs, g: &Global) -> Result<i32> {
    let grid = Grid::parse(&a.gamma, a.alpha.as_deref(), &a.variant)?;
    let opts = super::input_options_by(&a.input, &a.by)?;
    let mut plot_out = None;
    // Calibration bins only feed a reliability diagram here (the plot's, the HTML page's).
    let drawn = a.plot.is_some() || super::out::format(&a.output) == crate::cli::OutputFormat::Html;
    let done = evaluate_with(&opts, &a.loss, drawn, false, g, |input| {
        // As in stats: one stderr line for people; JSON carries it in `input.detected`.
        if super::out::format(&a.output) != crate::cli::OutputFormat::Json {
            note_detection(input, g);
        }
        // Directories given as input were expanded into files: check those too.
        plot_out = a.plot.as_deref().map(plot_file).transpose()?;
        if let Some(f) = &plot_out {
            f.refuse_inputs(input.paths.iter().map(|p| p.as_path()))?;
        }
        Ok(grid)
    })?;
    // The plot first: if it cannot be written, stdout stays empty (exit 2).
    if let Some(f) = &plot_out {
        let calibration = done.report.calibration.as_ref().ok_or_else(|| {
            anyhow::anyhow!("internal: the pass for --plot kept no calibration bins")
        })?;
        let svg = plot::svg(&done.report, calibration)?;
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
pub(crate) fn plot_file(path: &std::path::Path) -> Result<crate::outfile::OutFile> {
    if path.as_os_str() == "-" {
        anyhow::bail!("--plot needs a file name (FILE.svg), not -");
    }
    crate::outfile::OutFile::check("--plot", path)
}

/// The α settings of a grid.
#[derive(Clone, Debug)]
pub(crate) enum Alphas {
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
    pub(crate) gammas: Vec<f64>,
    /// α settings; see [`Alphas`].
    pub(crate) alphas: Alphas,
    /// Named variants.
    pub(crate) named: Vec<Named>,
    /// The `--variant` strings.
    pub(crate) named_text: Vec<String>,
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
    pub(crate) fn alphas(&self, mode: Mode, classes: usize) -> Result<Vec<Alpha>> {
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
    /// The sums it was built from (without the `--by` groups).
    pub(crate) loaded: Loaded,
    /// The variants of `report.variants`, in order.
    pub(crate) defs: Vec<VariantDef>,
}

/// Reads the input for a whole grid and evaluates every variant.
/// `calibration`: whether the caller uses the calibration bins (the pass is
/// lighter without); `moments`: whether it uses the second moments (recommend's
/// share intervals; the sums may still lack them, see [`Loaded::spec`]). `grid_for` gives the grid once the input is described,
/// before anything is summed.
pub(crate) fn evaluate_with(
    opts: &InputOptions,
    loss: &LossArgs,
    calibration: bool,
    moments: bool,
    g: &Global,
    grid_for: impl FnOnce(&InputDesc) -> Result<Grid>,
) -> Result<Done> {
    let (mut l, (grid, alphas, mut defs)) = load(opts, g, |input, classes| {
        let grid = grid_for(input)?;
        let alphas = grid.alphas(input.mode, classes.len())?;
        let mut defs: Vec<VariantDef> = Vec::new();
        for &gm in &grid.gammas {
            for al in &alphas {
                defs.push(variants::focal(gm, al));
            }
        }
        let placeholder_counts = vec![1; classes.len()];
        for n in &grid.named {
            defs.push(variants::resolve(n, &placeholder_counts, &alphas[0]));
        }
        let mut spec = engine_spec(input, classes.len(), loss)?;
        spec.terms = variants::terms_for(&defs);
        spec.tails = true;
        spec.calib = calibration;
        spec.moments = moments;
        Ok((spec, (grid, alphas, defs)))
    })?;
    let parts = l.take_groups();
    // Class-balanced weights depend on the counts, known only now (the whole
    // data's counts: under --by every slice is scored with the same losses).
    let counts = summary::class_counts(&l.partial);
    let first = grid.gammas.len() * alphas.len();
    for (i, n) in grid.named.iter().enumerate() {
        defs[first + i] = variants::resolve(n, &counts, &alphas[0]);
    }
    let params = CompareParams {
        gammas: grid.gammas.clone(),
        alphas: alphas.iter().map(Alpha::to_json).collect(),
        variants: grid.named_text.clone(),
        eps: l.spec.eps,
        bucket_edges: l.spec.edges.clone(),
        easy: l.spec.easy,
        tail_method: variants::TAIL_METHOD.into(),
    };
    let report_of = |part: &Partial| CompareReport {
        schema_version: SCHEMA_VERSION,
        command: "compare".into(),
        input: input_info(&l, part, &alphas[0]),
        params: params.clone(),
        variants: variants::evaluate(&l.spec, part, &l.classes, &defs),
        calibration: l.spec.calib.then(|| summary::calibration(&l.spec, part)),
        groups: None,
    };
    let mut report = report_of(&l.partial);
    if l.input.by.is_some() {
        // Each group's report is its own: built on the thread pool, in order.
        let groups = parts
            .par_iter()
            .map(|(key, part)| CompareGroup {
                key: key.clone(),
                report: report_of(part),
            })
            .collect();
        report.groups = Some(groups);
    }
    Ok(Done {
        report,
        loaded: l,
        defs,
    })
}
