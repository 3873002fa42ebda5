//! `flcli stats`: imbalance, CE and focal loss per class and per bucket, calibration.

use super::{check_gamma, emit, engine_spec, input_info, load, note_detection, parse_alpha};
use super::{Global, Loaded};
use crate::analysis::summary;
use crate::cli::{LossArgs, OutputFormat, StatsArgs};
use crate::engine::Partial;
use crate::model::{Alpha, Term};
use crate::report::{Params, Report, StatsGroup, StatsReport, SCHEMA_VERSION};
use anyhow::Result;
use rayon::prelude::*;

/// Runs `flcli stats`; returns the exit code.
pub(crate) fn run(a: &StatsArgs, g: &Global) -> Result<i32> {
    let report = evaluate(a, g)?;
    emit(&Report::Stats(report), &a.output, g)?;
    Ok(0)
}

/// Reads the input and builds the stats report (with its `--by` groups).
pub fn evaluate(a: &StatsArgs, g: &Global) -> Result<StatsReport> {
    let opts = super::input_options_by(&a.input, &a.by)?;
    let (mut l, (gamma, alpha)) = load(&opts, g, |input, classes| {
        // Detection is one stderr line for tables; JSON carries it in `input.detected`.
        if super::out::format(&a.output) != OutputFormat::Json {
            note_detection(input, g);
        }
        let gamma = check_gamma("--gamma", a.gamma)?;
        let alpha = parse_alpha(a.alpha.as_deref(), input.mode, classes.len())?;
        let mut spec = engine_spec(input, classes.len(), &a.loss)?;
        spec.terms = vec![Term::Pow(gamma)];
        Ok((spec, (gamma, alpha)))
    })?;
    let parts = l.take_groups();
    let mut report = build(&l, &l.partial, gamma, &alpha, &a.loss);
    if a.by.by.is_some() {
        // Each group's report is its own: built on the thread pool, in order.
        let groups = parts
            .par_iter()
            .map(|(key, part)| StatsGroup {
                key: key.clone(),
                report: build(&l, part, gamma, &alpha, &a.loss),
            })
            .collect();
        report.groups = Some(groups);
    }
    Ok(report)
}

/// The stats report of the sums `p` (all of `l`'s, or one `--by` group's),
/// accumulated under `l.spec` whose term 0 is `Pow(gamma)`.
pub(crate) fn build(
    l: &Loaded,
    p: &Partial,
    gamma: f64,
    alpha: &Alpha,
    loss: &LossArgs,
) -> StatsReport {
    let spec = &l.spec;
    StatsReport {
        schema_version: SCHEMA_VERSION,
        command: "stats".into(),
        input: input_info(l, p, alpha),
        params: Params {
            gamma,
            alpha: alpha.to_json(),
            eps: spec.eps,
            bucket_edges: spec.edges.clone(),
            beta: loss.beta,
            easy: spec.easy,
        },
        classes: summary::classes(spec, p, &l.classes, 0, alpha),
        imbalance: crate::analysis::imbalance::imbalance(spec, p, &l.classes, loss.beta),
        buckets: summary::buckets(spec, p, 0, alpha),
        totals: summary::totals(spec, p, 0, alpha),
        calibration: summary::calibration(spec, p),
        groups: None,
    }
}
