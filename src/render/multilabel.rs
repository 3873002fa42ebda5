//! The multi-label part of the imbalance section, laid out once for every
//! text format (table, Markdown, HTML): a summary sentence, the positive rate
//! of each class, and the most frequent pairs of co-occurring classes.

use crate::analysis::imbalance::TOP_PAIRS;
use crate::report::{MultiLabel, Num};
use crate::text::{percent, Percent};

/// What each format draws.
pub(crate) struct View {
    /// One sentence: cardinality, rows with several positives, distinct pairs.
    pub(crate) summary: String,
    /// Header of the per-class table.
    pub(crate) rate_header: [&'static str; 3],
    /// Per class: name, positive rows, positive rate.
    pub(crate) rates: Vec<(String, u64, Num)>,
    /// What the pair table holds (the top pairs, of how many).
    pub(crate) pairs_caption: String,
    /// Header of the pair table.
    pub(crate) pair_header: [&'static str; 4],
    /// Per pair, most frequent first: class, class, rows, share of rows.
    pub(crate) pairs: Vec<(String, String, u64, Num)>,
}

/// The view of `ml` for classes `names` with `counts` positive rows each.
pub(crate) fn view(ml: &MultiLabel, names: &[String], counts: &[u64]) -> View {
    let card = ml
        .label_cardinality
        .map_or("–".into(), |c| super::human(Some(c)));
    View {
        summary: format!(
            "label cardinality {card} positive classes per row; {} rows with several positive classes; {} distinct class pairs positive together",
            ml.rows_with_several, ml.pairs_seen
        ),
        rate_header: ["class", "positive rows", "positive rate"],
        rates: names
            .iter()
            .zip(counts)
            .zip(&ml.positive_rate)
            .map(|((n, &c), &r)| (n.clone(), c, r))
            .collect(),
        pairs_caption: format!(
            "Most frequent co-occurring class pairs (the top {} of {} pairs; share = rows with both / rows used)",
            ml.top_pairs.len().min(TOP_PAIRS),
            ml.pairs_seen
        ),
        pair_header: ["class", "with class", "rows", "share"],
        pairs: ml
            .top_pairs
            .iter()
            .map(|p| (p.a.clone(), p.b.clone(), p.rows, p.share))
            .collect(),
    }
}

/// A rate as a table cell.
pub(crate) fn rate(x: Num) -> String {
    percent(x, Percent::Cell)
}
