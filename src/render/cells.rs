//! The report tables as rows of typed cells, built once from the serde model:
//! the table, Markdown and HTML exporters only write them (a share is a
//! percentage in text and a bar in HTML, a name is escaped each its own way).

use super::human;
use crate::report::compare::Variant;
use crate::report::{BucketRow, ClassRow, Imbalance, Num, StatsReport};
use crate::text::{percent, Percent};

/// One cell, before a format writes it.
pub(crate) enum Cell {
    /// A name from the data: each format escapes it its own way.
    Name(String),
    /// flcli's own text (a bucket's range): written as it is.
    Text(String),
    /// A count.
    Count(u64),
    /// A number for people ([`human`]).
    Num(Option<f64>),
    /// A share in [0, 1]: a percentage.
    Share(Option<f64>),
}

impl Cell {
    /// The cell as the text exporters write it (a name as it is: the caller escapes names).
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Name(s) | Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Num(x) => human(*x),
            Cell::Share(x) => percent(*x, Percent::Cell),
        }
    }
}

/// A table: its header and its rows, one cell per header column.
pub(crate) struct Grid {
    /// The column titles.
    pub(crate) header: &'static [&'static str],
    /// The rows.
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Grid {
    /// The grid without the column titled `title` (a narrow format leaves it out).
    pub(crate) fn without(mut self, title: &str) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
        let Some(i) = self.header.iter().position(|h| *h == title) else {
            return (self.header.to_vec(), self.rows);
        };
        let mut header = self.header.to_vec();
        header.remove(i);
        for r in &mut self.rows {
            r.remove(i);
        }
        (header, self.rows)
    }
}

/// Class counts, frequencies, effective numbers and the suggested weights.
pub(crate) fn classes(r: &StatsReport) -> Grid {
    let names: Vec<String> = r.classes.iter().map(|c| c.name.clone()).collect();
    let frequency: Vec<Num> = r.classes.iter().map(|c| c.frequency).collect();
    class_weights(&names, &frequency, &r.imbalance)
}

/// [`classes`] from the imbalance figures alone (a recommend report has no
/// class rows): the frequency is count / Σ count, as a class row's.
pub(crate) fn classes_of(names: &[String], im: &Imbalance) -> Grid {
    let total: u64 = im.counts.iter().sum();
    let frequency: Vec<Num> = im
        .counts
        .iter()
        .map(|&n| (total > 0).then(|| n as f64 / total as f64))
        .collect();
    class_weights(names, &frequency, im)
}

/// One row per class: name, count, `frequency`, effective number and weights.
fn class_weights(names: &[String], frequency: &[Num], im: &Imbalance) -> Grid {
    Grid {
        header: &[
            "class",
            "count",
            "frequency",
            "effective number",
            "weight (inverse frequency)",
            "weight (effective number)",
        ],
        rows: names
            .iter()
            .zip(&im.counts)
            .enumerate()
            .map(|(i, (name, &n))| {
                vec![
                    Cell::Name(name.clone()),
                    Cell::Count(n),
                    Cell::Share(frequency.get(i).copied().flatten()),
                    Cell::Num(im.effective_number.get(i).copied()),
                    Cell::Num(im.weights.inverse_frequency.get(i).copied().flatten()),
                    Cell::Num(im.weights.effective_number.get(i).copied().flatten()),
                ]
            })
            .collect(),
    }
}

/// CE and focal loss per class.
pub(crate) fn class_loss(classes: &[ClassRow]) -> Grid {
    Grid {
        header: &[
            "class", "elements", "CE mean", "FL mean", "CE share", "FL share", "mean p_t",
            "accuracy",
        ],
        rows: classes
            .iter()
            .map(|c| {
                vec![
                    Cell::Name(c.name.clone()),
                    Cell::Count(c.elements),
                    Cell::Num(c.ce_mean),
                    Cell::Num(c.focal_mean),
                    Cell::Share(c.ce_share),
                    Cell::Share(c.focal_share),
                    Cell::Num(c.mean_p_true),
                    Cell::Share(c.accuracy),
                ]
            })
            .collect(),
    }
}

/// A bucket's range as `[lower, upper)`, the last one closed.
pub(crate) fn range(lower: f64, upper: f64, last: bool) -> String {
    format!("[{lower}, {upper}{}", if last { "]" } else { ")" })
}

/// CE and focal loss per p_t bucket.
pub(crate) fn buckets(buckets: &[BucketRow]) -> Grid {
    let last = buckets.len().saturating_sub(1);
    Grid {
        header: &[
            "p_t", "count", "share", "CE sum", "CE share", "FL sum", "FL share",
        ],
        rows: buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                vec![
                    Cell::Text(range(b.lower, b.upper, i == last)),
                    Cell::Count(b.count),
                    Cell::Share(b.share),
                    Cell::Num(Some(b.ce_sum)),
                    Cell::Share(b.ce_share),
                    Cell::Num(Some(b.focal_sum)),
                    Cell::Share(b.focal_share),
                ]
            })
            .collect(),
    }
}

/// Each variant's share of its loss per p_t bucket: the bucket ranges (the
/// first variant's, as every variant has the same buckets) and one row per
/// variant, its name then a share per bucket.
pub(crate) fn variant_buckets(vs: &[Variant]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let ranges = vs.first().map_or_else(Vec::new, |v| {
        let last = v.buckets.len().saturating_sub(1);
        v.buckets
            .iter()
            .enumerate()
            .map(|(i, b)| range(b.lower, b.upper, i == last))
            .collect()
    });
    let rows = vs
        .iter()
        .map(|v| {
            std::iter::once(Cell::Name(v.name.clone()))
                .chain(v.buckets.iter().map(|b| Cell::Share(b.share)))
                .collect()
        })
        .collect();
    (ranges, rows)
}
