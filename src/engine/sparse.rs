//! A fine p_t histogram held sparsely: a row of sums for each bin that
//! received an element, in the order the bins were first reached.
//!
//! A `--by` group's partial starts so: a unit's groups hold only their
//! counts (their sums wait in fixed-point rows, [`super::by_rows`]), and the
//! group sums of an SQL engine's result reach a fraction of the bins. Held
//! densely, every unit would allocate, clear and scan the zeros of every
//! group's histogram (61 KB per group of `compare`) to merge them. Each
//! row's sums are added in order from zero, as a dense bin's are, so both
//! hold the same values, and a merge adds the same values exactly.

use super::accum::Partial;
use super::exact_rows::ExactRows;

/// Marks a bin that has no row.
const NONE: u16 = u16::MAX;

/// Sums of a histogram's touched bins (see the module doc).
#[derive(Clone, Debug)]
pub struct SparseTails {
    /// Values per bin: count, then Σ w·CE per term.
    width: usize,
    /// Bins of the dense histogram.
    nbins: usize,
    /// Per bin, the index of its row, or [`NONE`]; empty until a row is
    /// looked up by bin.
    slot: Vec<u16>,
    /// The bin of each row.
    bins: Vec<u16>,
    /// `width` sums per row.
    sums: Vec<f64>,
}

impl SparseTails {
    /// No row yet, for `bins` bins of `width` values each.
    pub(crate) fn new(bins: usize, width: usize) -> SparseTails {
        SparseTails::from_rows(bins, width, Vec::new(), Vec::new())
    }

    /// Rows already summed: `sums` holds `width` values for each of `rows`,
    /// distinct bins below `bins`.
    pub(crate) fn from_rows(
        bins: usize,
        width: usize,
        rows: Vec<u16>,
        sums: Vec<f64>,
    ) -> SparseTails {
        assert!(bins < NONE as usize, "too many bins for a sparse histogram");
        assert_eq!(rows.len() * width, sums.len(), "one row of sums per bin");
        SparseTails {
            width,
            nbins: bins,
            slot: Vec::new(),
            bins: rows,
            sums,
        }
    }

    /// The values of the dense histogram: bins × width.
    pub(crate) fn dense_len(&self) -> usize {
        self.nbins * self.width
    }

    /// The sums of `bin`, a row of zeros if it had none.
    #[inline(always)]
    pub(crate) fn row(&mut self, bin: usize) -> &mut [f64] {
        let w = self.width;
        if self.slot.is_empty() {
            self.slot = vec![NONE; self.nbins];
            for (r, &b) in self.bins.iter().enumerate() {
                self.slot[b as usize] = r as u16;
            }
        }
        let mut r = self.slot[bin];
        if r == NONE {
            r = self.bins.len() as u16;
            self.slot[bin] = r;
            self.bins.push(bin as u16);
            self.sums.resize(self.sums.len() + w, 0.0);
        }
        &mut self.sums[r as usize * w..][..w]
    }

    /// Each touched bin with its sums, in the order the bins were first reached.
    pub(crate) fn rows(&self) -> impl Iterator<Item = (usize, &[f64])> {
        let w = self.width;
        self.bins
            .iter()
            .zip(self.sums.chunks_exact(w))
            .map(|(&b, row)| (b as usize, row))
    }

    /// Adds every row into the dense histogram `dense` (bins × width values).
    pub(crate) fn add_into(&self, dense: &mut [f64]) {
        let w = self.width;
        for (b, row) in self.rows() {
            for (d, x) in dense[b * w..][..w].iter_mut().zip(row) {
                *d += x;
            }
        }
    }

    /// Adds every row exactly into the sums of the dense histogram `ex`
    /// (bins of the same width).
    pub(crate) fn add_exact_into(&self, ex: &mut ExactRows) {
        for (k, (b, row)) in self.rows().enumerate() {
            // The sums of a later row, fetched while this one is added.
            if let Some(&next) = self.bins.get(k + 2) {
                ex.prefetch_row(next as usize);
            }
            ex.add_row(b, row);
        }
    }
}

/// A [`Partial`]'s histogram, wherever it is held.
impl Partial {
    /// The sums of fine histogram bin `bin`, `width` values.
    #[inline(always)]
    pub(crate) fn tail_row(&mut self, bin: usize, width: usize) -> &mut [f64] {
        match &mut self.sparse_tails {
            Some(s) => s.row(bin),
            None => &mut self.tails[bin * width..][..width],
        }
    }

    /// Whether the fine histogram is kept.
    pub(crate) fn has_tails(&self) -> bool {
        !self.tails.is_empty() || self.sparse_tails.is_some()
    }

    /// Moves the sparse histogram bins into the dense `tails`.
    pub(crate) fn spread_tails(&mut self) {
        if let Some(s) = self.sparse_tails.take() {
            if self.tails.is_empty() {
                self.tails = vec![0.0; s.dense_len()];
            }
            s.add_into(&mut self.tails);
        }
    }
}

impl PartialEq for SparseTails {
    /// Equal when they hold the same histogram, whatever the order of their rows.
    fn eq(&self, other: &SparseTails) -> bool {
        fn sorted(t: &SparseTails) -> Vec<(usize, &[f64])> {
            let mut rows: Vec<(usize, &[f64])> = t.rows().collect();
            rows.sort_by_key(|r| r.0);
            rows
        }
        (self.width, self.nbins) == (other.width, other.nbins) && sorted(self) == sorted(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_hold_what_a_dense_histogram_would() {
        let (bins, w) = (20, 3);
        let mut sparse = SparseTails::new(bins, w);
        let mut dense = vec![0.0; bins * w];
        // Bins reached out of order, some twice or more, most never.
        let adds = [
            (7, 1.5),
            (3, 0.25),
            (7, 1e-17),
            (19, 2.0),
            (0, 3.0),
            (7, 1.0),
        ];
        for &(b, x) in &adds {
            let row = sparse.row(b);
            row[0] += 1.0;
            row[1] += x;
            row[2] += x * x;
            let d = &mut dense[b * w..][..w];
            d[0] += 1.0;
            d[1] += x;
            d[2] += x * x;
        }
        let touched: Vec<usize> = sparse.rows().map(|(b, _)| b).collect();
        assert_eq!(touched, [7, 3, 19, 0]);
        assert_eq!(sparse.dense_len(), dense.len());
        let mut spread = vec![0.0; bins * w];
        sparse.add_into(&mut spread);
        assert_eq!(spread, dense);
        // Into exact sums: every value once, none lost or doubled.
        let mut ex = ExactRows::zeros(bins * w, w);
        sparse.add_exact_into(&mut ex);
        sparse.add_exact_into(&mut ex);
        let mut twice = vec![0.0; bins * w];
        ex.round_into(&mut twice);
        let want: Vec<f64> = dense.iter().map(|x| 2.0 * x).collect();
        assert_eq!(twice, want);
    }

    #[test]
    fn empty_until_a_bin_is_reached() {
        let mut s = SparseTails::new(4, 2);
        assert_eq!(s.rows().count(), 0);
        s.row(2)[1] += 1.0;
        let rows: Vec<(usize, Vec<f64>)> = s.rows().map(|(b, r)| (b, r.to_vec())).collect();
        assert_eq!(rows, [(2, vec![0.0, 1.0])]);
    }
}
