//! The checks [`super::load`] makes before it merges partial results: the
//! flags that only apply to data files are refused, and the partials must
//! cover what the report asks for.

use crate::engine::EngineSpec;
use crate::input::InputOptions;
use crate::model::Term;
use crate::text::quoted;
use anyhow::{bail, Result};

/// The first flag given that only says how to read data files: the column
/// flags, `--mode` and `--input-format`, then `extra` (what else the caller's
/// kind of input fixed when it was made). Partial results and sums tables
/// record how their rows were read, so such a flag would do nothing there.
pub(super) fn reading_flag(
    opts: &InputOptions,
    extra: &[(&'static str, bool)],
) -> Option<&'static str> {
    let c = &opts.columns;
    let common = [
        ("--label", c.label.is_some()),
        ("--targets", c.targets.is_some()),
        ("--prob/--probs/--logit/--logits", c.scores.is_some()),
        ("--mode", c.mode.is_some()),
        ("--input-format", opts.format.is_some()),
    ];
    let mut all = common.iter().chain(extra);
    all.find(|(_, given)| *given).map(|(flag, _)| *flag)
}

/// Refuses the flags that only apply to reading data files, and checks the
/// label settings against those the partials were computed under.
pub(super) fn check_partial_flags(
    opts: &InputOptions,
    spec: &crate::partial::Spec,
    name: &str,
) -> Result<()> {
    if let Some(flag) = reading_flag(opts, &[("--skip-invalid", opts.skip_invalid)]) {
        bail!("{flag} applies to reading data files; {name} is a partial result, which records how its data was read (give the flag to flcli partial)");
    }
    if opts.positive != spec.positive {
        let how = |v: &Option<String>| match v {
            Some(v) => format!("with --positive {}", quoted(v)),
            None => "without --positive".into(),
        };
        let fix = match &spec.positive {
            Some(v) => format!("pass --positive {}", quoted(v)),
            None => "drop --positive".into(),
        };
        bail!(
            "{name} was computed {}; this run is {}: {fix} (or recompute the partial)",
            how(&spec.positive),
            how(&opts.positive)
        );
    }
    let same = [
        (
            "--background",
            opts.background.to_string(),
            spec.background.to_string(),
        ),
        (
            "--ignore-index",
            opts.ignore_index.to_string(),
            spec.ignore_index.to_string(),
        ),
    ];
    for (flag, asked, held) in same {
        if asked != held {
            bail!("{name} was computed with {flag} {held}; this run asks for {asked}: pass {flag} {held} (or recompute the partial)");
        }
    }
    Ok(())
}

/// Checks that sums held under `held` can answer for `want`.
pub(super) fn check_covers(
    held: &EngineSpec,
    want: &EngineSpec,
    h: &crate::partial::Header,
    name: &str,
) -> Result<()> {
    if held.eps != want.eps {
        bail!(
            "{name} was computed with --eps {}; this run asks for {}: pass --eps {}",
            held.eps,
            want.eps,
            held.eps
        );
    }
    if held.edges != want.edges {
        let show = |e: &[f64]| e.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        bail!(
            "{name} was computed with --buckets {}; this run asks for {}: pass --buckets {}",
            show(&held.edges),
            show(&want.edges),
            show(&held.edges)
        );
    }
    if held.easy != want.easy {
        bail!(
            "{name} was computed with --easy {}; this run asks for {}: pass --easy {}",
            held.easy,
            want.easy,
            held.easy
        );
    }
    for &t in &want.terms {
        if held.term_index(t).is_none() {
            let what = match t {
                Term::Pow(x) => format!("γ = {x}"),
                t => format!("the term {}", crate::partial::term_name(t)),
            };
            bail!(
                "{name} holds no sums for {what}; it holds γ {} (terms {}). Ask for those, or recompute the partials with flcli partial --gamma/--variant",
                h.spec.gammas().join(", "),
                h.spec.terms.join(", ")
            );
        }
    }
    if (want.tails && !held.tails) || (want.calib && !held.calib) {
        bail!("{name} was computed without the tail histograms or calibration bins this report needs; recompute it with this flcli's partial command");
    }
    Ok(())
}
