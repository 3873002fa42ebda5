//! Reading a sums table (the result of `flcli sql`'s query, saved as Parquet
//! or CSV) and turning it into the engine's [`Partial`] for a report.

use super::rows::{reason_code, IGNORED};
use super::spec::SumsSpec;
use super::sums_file::{columns, is_parquet, read_csv, read_parquet, Table};
use crate::engine::spec::{EngineSpec, CALIB_BINS, TAIL_BINS};
use crate::engine::Partial;
use crate::model::{Mode, SkipReason};
use crate::text::quoted;
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// The name of the spec column, by which a sums table is recognised.
pub(crate) const SPEC_COLUMN: &str = "flcli_spec";

/// One row of a sums table.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SumsRow {
    /// `cell`, `tail`, `calib` or `row`.
    pub(crate) section: String,
    /// The cell, tail bin, calibration bin, or row key.
    pub(crate) idx: i64,
    /// Number of elements (rows in the `row` section).
    pub(crate) n: u64,
    /// Σp_t.
    pub(crate) pt: f64,
    /// ΣCE.
    pub(crate) ce: f64,
    /// Σconfidence.
    pub(crate) conf: f64,
    /// Σcorrect (calibration).
    pub(crate) ok: f64,
    /// Σcorrect (rows).
    pub(crate) top: f64,
    /// ΣBrier.
    pub(crate) brier: f64,
    /// Σloss per term.
    pub(crate) loss: Vec<f64>,
    /// Σgradient per term.
    pub(crate) grad: Vec<f64>,
    /// The `--by` value the row sums over (`None`: NULL); `None` without `--by`.
    pub(crate) key: Option<String>,
    /// Σloss² per term (tables with second moments; empty otherwise).
    pub(crate) loss_sq: Vec<f64>,
    /// Σgradient² per term (tables with second moments; empty otherwise).
    pub(crate) grad_sq: Vec<f64>,
}

/// A sums table: its spec and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sums {
    /// The spec of the query that made it.
    pub spec: SumsSpec,
    /// The rows.
    pub(crate) rows: Vec<SumsRow>,
}

/// Whether `path` is a sums table: a Parquet file or CSV whose columns include `flcli_spec`.
/// Only regular files are looked at: a pipe read here would lose its data.
pub(crate) fn is_sums_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && columns(path).is_ok_and(|c| c.iter().any(|n| n == SPEC_COLUMN))
}

/// Reads a sums table from a Parquet or CSV file.
pub fn read(path: &Path) -> Result<Sums> {
    let shown = crate::text::escape(&path.display().to_string());
    let table = if is_parquet(path) {
        read_parquet(path, &shown)?
    } else {
        read_csv(path).with_context(|| format!("{shown}: cannot read the sums table"))?
    };
    from_table(table).map_err(|e| anyhow!("{shown}: {e}"))
}

fn from_table((names, rows): Table) -> Result<Sums> {
    let col = |n: &str| -> Result<usize> {
        names.iter().position(|c| c == n).ok_or_else(|| {
            anyhow!(
                "no column {}; a sums table has the columns of the query that `flcli sql` prints",
                quoted(n)
            )
        })
    };
    let spec_col = col(SPEC_COLUMN)?;
    let first = rows
        .iter()
        .find_map(|r| r.get(spec_col).cloned().flatten())
        .ok_or_else(|| {
            anyhow!("the sums table has no rows (an empty table: did the query read any row?)")
        })?;
    let spec = SumsSpec::parse(&first)?;
    let nt = spec.terms.len();
    let c = [
        "section",
        "idx",
        "n",
        "pt_sum",
        "ce_sum",
        "conf_sum",
        "ok_sum",
        "top_sum",
        "brier_sum",
    ]
    .iter()
    .map(|n| col(n))
    .collect::<Result<Vec<_>>>()?;
    let lc = (0..nt)
        .map(|j| col(&format!("loss{j}")))
        .collect::<Result<Vec<_>>>()?;
    let gc = (0..nt)
        .map(|j| col(&format!("grad{j}")))
        .collect::<Result<Vec<_>>>()?;
    let keys = super::sums_groups::key_columns(&spec, &col)?;
    let mt = if spec.moments { nt } else { 0 };
    let lsc = (0..mt)
        .map(|j| col(&format!("loss_sq{j}")))
        .collect::<Result<Vec<_>>>()?;
    let gsc = (0..mt)
        .map(|j| col(&format!("grad_sq{j}")))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let cell = |k: usize| r.get(k).cloned().flatten();
        if cell(spec_col).as_deref() != Some(first.as_str()) {
            bail!("row {i} (0-based): its flcli_spec differs from the first row's; a sums table comes from one query");
        }
        let num = |k: usize| -> Result<f64> {
            match cell(k) {
                None => Ok(0.0),
                Some(s) => s.trim().parse::<f64>().map_err(|_| {
                    anyhow!(
                        "row {i} (0-based), column {}: {} is not a number",
                        quoted(&names[k]),
                        quoted(&s)
                    )
                }),
            }
        };
        let n = num(c[2])?;
        let idx = num(c[1])?;
        if !(n >= 0.0 && n == n.trunc()) || idx != idx.trunc() {
            bail!("row {i} (0-based): idx {idx} and n {n} must be integers, n ≥ 0");
        }
        out.push(SumsRow {
            section: cell(c[0]).unwrap_or_default(),
            idx: idx as i64,
            n: n as u64,
            pt: num(c[3])?,
            ce: num(c[4])?,
            conf: num(c[5])?,
            ok: num(c[6])?,
            top: num(c[7])?,
            brier: num(c[8])?,
            loss: lc.iter().map(|&k| num(k)).collect::<Result<_>>()?,
            grad: gc.iter().map(|&k| num(k)).collect::<Result<_>>()?,
            key: super::sums_groups::key_of(keys, r, i)?,
            loss_sq: lsc.iter().map(|&k| num(k)).collect::<Result<_>>()?,
            grad_sq: gsc.iter().map(|&k| num(k)).collect::<Result<_>>()?,
        });
    }
    Ok(Sums { spec, rows: out })
}

impl Sums {
    /// The engine's [`Partial`] for `spec` (the consumer's settings): its terms
    /// are looked up among the table's, and its mode, score kind, classes,
    /// clamp, buckets and easy threshold must be the table's.
    pub fn to_partial(&self, spec: &EngineSpec) -> Result<Partial> {
        let s = &self.spec;
        let have = s.engine();
        if spec.mode != have.mode || spec.kind != have.kind || spec.classes != have.classes {
            bail!(
                "the sums table is {} {} with {} classes, not {} {} with {}",
                have.mode.as_str(),
                have.kind.as_str(),
                have.classes,
                spec.mode.as_str(),
                spec.kind.as_str(),
                spec.classes
            );
        }
        for (flag, a, b) in [
            ("--eps", spec.eps, have.eps),
            ("--easy", spec.easy, have.easy),
        ] {
            if a != b {
                bail!("the sums table was computed with {flag} {b}, not {a}: pass {flag} {b}, or run `flcli sql {flag} {a}` again");
            }
        }
        if spec.edges != have.edges {
            let e: Vec<String> = have.edges.iter().map(|x| x.to_string()).collect();
            bail!("the sums table was computed with --buckets {}: pass the same --buckets, or run `flcli sql` again with yours", e.join(","));
        }
        let map: Vec<usize> = spec
            .terms
            .iter()
            .map(|t| {
                have.terms.iter().position(|x| x == t).ok_or_else(|| {
                    anyhow!("the sums table has no loss term for {}; run `flcli sql` again with it (--gamma LIST, --variant)", quoted(&crate::partial::term_name(*t)))
                })
            })
            .collect::<Result<_>>()?;
        match self.spec.by {
            Some(_) => super::sums_groups::grouped(self, spec, &map),
            None => {
                let mut p = Partial::new(spec);
                self.add_rows(&mut p, self.rows.iter(), spec, &map)?;
                Ok(p)
            }
        }
    }

    /// Adds `rows` into `p`, whose terms are the table's terms `map`.
    pub(super) fn add_rows<'a>(
        &self,
        p: &mut Partial,
        rows: impl Iterator<Item = &'a SumsRow>,
        spec: &EngineSpec,
        map: &[usize],
    ) -> Result<()> {
        let stride = p.stride;
        let ncells = p.cells.len() / stride;
        let k = spec.classes;
        let tw = 1 + spec.terms.len();
        for r in rows {
            let bad = || anyhow!("section {} has no key {}", quoted(&r.section), r.idx);
            let i = usize::try_from(r.idx).ok();
            match r.section.as_str() {
                "cell" => {
                    let i = i.filter(|&i| i < ncells).ok_or_else(bad)?;
                    let c = &mut p.cells[i * stride..(i + 1) * stride];
                    c[0] += r.n as f64;
                    c[1] += r.pt;
                    c[2] += r.ce;
                    for (j, &m) in map.iter().enumerate() {
                        c[3 + 2 * j] += r.loss[m];
                        c[4 + 2 * j] += r.grad[m];
                    }
                    // Second moments when both the report and the table have them.
                    if spec.moments && self.spec.moments {
                        let nt = map.len();
                        for (j, &m) in map.iter().enumerate() {
                            c[3 + 2 * nt + 2 * j] += r.loss_sq[m];
                            c[4 + 2 * nt + 2 * j] += r.grad_sq[m];
                        }
                    }
                }
                "tail" => {
                    let i = i.filter(|&i| i < 2 * TAIL_BINS).ok_or_else(bad)?;
                    if spec.tails {
                        let t = p.tail_row(i, tw);
                        t[0] += r.n as f64;
                        for (j, &m) in map.iter().enumerate() {
                            t[1 + j] += r.loss[m];
                        }
                    }
                }
                "calib" => {
                    let i = i.filter(|&i| i < CALIB_BINS).ok_or_else(bad)?;
                    let c = &mut p.calib[i];
                    c[0] += r.n as f64;
                    c[1] += r.conf;
                    c[2] += r.ok;
                    p.brier.0 += r.brier;
                }
                "row" => self.add_row(p, r, k)?,
                "pos" | "pair" if self.spec.multilabel => super::sums_multi::add(p, r, k)?,
                other => bail!(
                    "unknown section {} (cell, tail, calib or row)",
                    quoted(other)
                ),
            }
        }
        p.brier.1 = match spec.mode {
            Mode::Sigmoid => p.rows_used * k as u64,
            _ => p.rows_used,
        };
        Ok(())
    }

    fn add_row(&self, p: &mut Partial, r: &SumsRow, k: usize) -> Result<()> {
        p.rows_read += r.n;
        match r.idx {
            y if y >= 0 && (y as usize) < k => {
                p.rows_used += r.n;
                p.class_rows[y as usize] += r.n;
                p.correct[y as usize] += r.top as u64;
            }
            -1 if self.spec.mode == Mode::Sigmoid => {
                p.rows_used += r.n;
                p.background_rows += r.n;
            }
            x if self.spec.multilabel && super::sums_multi::is_row_key(x) => {
                super::sums_multi::add_rows(p, x, r.n)
            }
            IGNORED => p.rows_ignored += r.n,
            x if x < -10 && x >= -10 - SkipReason::ALL.len() as i64 => {
                let code = -10 - x;
                let i = SkipReason::ALL
                    .iter()
                    .position(|&s| reason_code(s) == code)
                    .unwrap_or(0);
                p.skipped.by_reason[i].0 += r.n;
            }
            x => bail!("section \"row\" has no key {x}"),
        }
        Ok(())
    }
}

impl Sums {
    /// Without `--skip-invalid`, an error naming how many rows were invalid and
    /// why (a direct run stops at the first one); with it, nothing.
    pub(crate) fn check_invalid(&self, skip_invalid: bool) -> Result<()> {
        if skip_invalid {
            return Ok(());
        }
        let mut by: Vec<(SkipReason, u64)> = Vec::new();
        for r in self
            .rows
            .iter()
            .filter(|r| r.section == "row" && r.idx <= -11)
        {
            let code = -10 - r.idx;
            if let Some(&s) = SkipReason::ALL.iter().find(|&&s| reason_code(s) == code) {
                match by.iter_mut().find(|x| x.0 == s) {
                    Some(x) => x.1 += r.n,
                    None => by.push((s, r.n)),
                }
            }
        }
        by.sort();
        let total: u64 = by.iter().map(|x| x.1).sum();
        if total == 0 {
            return Ok(());
        }
        let why: Vec<String> = by
            .iter()
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        bail!(
            "the sums table counts {total} invalid row(s) ({}); pass --skip-invalid to report on the valid rows, or fix the rows in the table (flcli stats on a sample with the same rows names the first one)",
            why.join(", ")
        )
    }
}
