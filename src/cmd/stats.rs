//! `flcli stats`: imbalance, CE and focal loss per class and per bucket, calibration.

use super::{
    check_gamma, emit, engine_spec, input_info, note_detection, parse_alpha, run_pass, Global,
};
use crate::analysis::summary;
use crate::cli::{LossArgs, OutputFormat, StatsArgs};
use crate::engine::{EngineSpec, Partial};
use crate::input::Dataset;
use crate::model::{Alpha, Term};
use crate::report::{Params, Report, StatsGroup, StatsReport, SCHEMA_VERSION};
use anyhow::Result;

/// Runs `flcli stats`; returns the exit code.
pub fn run(a: &StatsArgs, g: &Global) -> Result<i32> {
    let ds = Dataset::open(&super::input_options_by(&a.input, &a.by)?)?;
    // The contract: detection is one stderr line for tables; JSON carries it in `input.detected`.
    if super::out::format(&a.output) != OutputFormat::Json {
        note_detection(&ds, g);
    }
    let gamma = check_gamma("--gamma", a.gamma)?;
    let alpha = parse_alpha(a.alpha.as_deref(), ds.layout.mode, ds.classes.len())?;
    let mut spec = engine_spec(&ds, &a.loss)?;
    spec.terms = vec![Term::Pow(gamma)];
    let (p, parts) = run_pass(&ds, &spec, g)?.split_groups();
    let mut report = build(&ds, &spec, &p, gamma, &alpha, &a.loss);
    if a.by.by.is_some() {
        let groups = parts
            .iter()
            .map(|(key, part)| StatsGroup {
                key: key.clone(),
                report: build(&ds, &spec, part, gamma, &alpha, &a.loss),
            })
            .collect();
        report.groups = Some(groups);
    }
    emit(&Report::Stats(report), &a.output, g)?;
    Ok(0)
}

/// The stats report of a finished pass whose term 0 is `Pow(gamma)`.
pub fn build(
    ds: &Dataset,
    spec: &EngineSpec,
    p: &Partial,
    gamma: f64,
    alpha: &Alpha,
    loss: &LossArgs,
) -> StatsReport {
    StatsReport {
        schema_version: SCHEMA_VERSION,
        command: "stats".into(),
        input: input_info(ds, p, alpha),
        params: Params {
            gamma,
            alpha: alpha.to_json(),
            eps: spec.eps,
            bucket_edges: spec.edges.clone(),
            beta: loss.beta,
            easy: spec.easy,
        },
        classes: summary::classes(spec, p, &ds.classes, 0, alpha),
        imbalance: crate::analysis::imbalance::imbalance(spec, p, &ds.classes, loss.beta),
        buckets: summary::buckets(spec, p, 0, alpha),
        totals: summary::totals(spec, p, 0, alpha),
        calibration: summary::calibration(spec, p),
        groups: None,
    }
}
