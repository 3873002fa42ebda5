//! `flcli partial`: reads data files once and writes a partial result (`.flp`)
//! holding every sum that `stats`, `compare` and `recommend` need for its
//! rows, so that shards read on many machines can be merged and reported on.

use super::{input_options_by, note_detection, parse_list, run_pass, sums_spec, Global};
use crate::analysis::variants::{self, VariantDef};
use crate::cli::PartialArgs;
use crate::input::Dataset;
use crate::model::{Alpha, Mode};
use crate::outfile::OutFile;
use crate::partial::{self, About, Header, PartialResult, Spec};
use anyhow::{bail, Result};

/// The γ that `recommend` always weighs besides the user's: 0 (CE), its prior
/// γ and its default calibration γ.
const RECOMMEND_GAMMAS: [f64; 3] = [0.0, crate::analysis::recommend::PRIOR_GAMMA, 3.0];

/// Runs `flcli partial`; returns the exit code.
pub(crate) fn run(a: &PartialArgs, g: &Global) -> Result<i32> {
    let out = out_file(&a.out)?;
    out.refuse_inputs(a.input.files.iter().map(|p| p.as_path()))?;
    if let Some(p) = super::load::partial_inputs(&a.input.files)?.first() {
        bail!(
            "{}: is a partial result already; flcli partial reads data files (merge partials with flcli merge)",
            crate::text::escape(&p.display().to_string())
        );
    }
    let result = compute_with(a, g, |ds| {
        out.refuse_inputs(ds.sources.iter().map(|s| s.path.as_path()))
    })?;
    write(&out, &result, g)?;
    Ok(0)
}

/// Reads the data files (or the in-memory data) of `a` into a partial result.
pub(crate) fn compute(a: &PartialArgs, g: &Global) -> Result<PartialResult> {
    compute_with(a, g, |_| Ok(()))
}

/// As [`compute`], with `check` called on the opened data set before it is read.
fn compute_with(
    a: &PartialArgs,
    g: &Global,
    check: impl FnOnce(&Dataset) -> Result<()>,
) -> Result<PartialResult> {
    let mut gammas = parse_list(&a.gamma, "--gamma")?
        .into_iter()
        .map(|x| super::check_gamma("--gamma", x))
        .collect::<Result<Vec<_>>>()?;
    gammas.extend(RECOMMEND_GAMMAS);
    gammas.sort_by(f64::total_cmp);
    gammas.dedup();
    let named = a
        .variant
        .iter()
        .map(|v| variants::parse_named(v))
        .collect::<Result<Vec<_>>>()?;
    let opts = input_options_by(&a.input, &a.by)?;
    let ds = Dataset::open(&opts)?;
    check(&ds)?;
    let input = super::load::describe(&ds);
    note_detection(&input, g);
    let k = ds.classes.len();
    // α only reweights sums at report time: any α serves to list the terms.
    let alpha = match input.mode {
        Mode::Softmax => Alpha::None,
        _ => Alpha::Scalar(0.25),
    };
    let mut defs: Vec<VariantDef> = gammas.iter().map(|&x| variants::focal(x, &alpha)).collect();
    defs.push(variants::resolve(
        &variants::Named::Flsd53,
        &vec![1; k],
        &alpha,
    ));
    for n in &named {
        defs.push(variants::resolve(n, &vec![1; k], &alpha));
    }
    let mut spec = sums_spec(&input, k, &a.sums)?;
    spec.terms = variants::terms_for(&defs);
    spec.tails = true;
    spec.calib = true;
    // recommend on the partial weighs its shares with intervals.
    spec.moments = true;
    let sums = run_pass(&ds, &spec, g)?;
    let result = PartialResult {
        header: Header {
            writer: format!("flcli {}", env!("CARGO_PKG_VERSION")),
            spec: Spec {
                mode: spec.mode,
                score_kind: spec.kind,
                eps: spec.eps,
                bucket_edges: spec.edges.clone(),
                easy: spec.easy,
                terms: spec.terms.iter().map(|&t| partial::term_name(t)).collect(),
                tails: spec.tails,
                calib: spec.calib,
                by: opts.by.clone(),
                positive: opts.positive.clone(),
                background: opts.background,
                ignore_index: opts.ignore_index,
                multilabel: spec.multilabel,
                moments: spec.moments,
            },
            about: About {
                classes: ds.classes.clone(),
                label_column: input.label_column.clone(),
                score_columns: input.score_columns.clone(),
                detected: input.detected.clone(),
                files: input.files.clone(),
                format: input.format.clone(),
                targets: input.targets.clone(),
            },
        },
        sums,
    };
    Ok(result)
}

/// Checks `-o` for a partial result (a file name; not stdout).
pub(crate) fn out_file(path: &std::path::Path) -> Result<OutFile> {
    if path.as_os_str() == "-" {
        bail!("-o needs a file name (OUT.flp), not -: a partial result is binary");
    }
    OutFile::check("-o", path)
}

/// Writes `r` to `out` and says so on stderr.
pub(crate) fn write(out: &OutFile, r: &PartialResult, g: &Global) -> Result<()> {
    out.write(&partial::encode(r)?)?;
    g.note(&format!(
        "wrote {}",
        crate::text::escape(&out.path().display().to_string())
    ));
    Ok(())
}
