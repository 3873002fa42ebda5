//! The loss engine, the only place that turns batches into sums: per-element
//! kernels ([`kernel`]; the vector path of binary and sigmoid elements in `fast`
//! over the sub-batch arrays of `soa`, and of softmax rows in `softmax`), what a pass decides once ([`plan`]),
//! the mergeable sums ([`accum`]), the accumulator of a unit being read
//! ([`unit`]) and the settings that say what to accumulate ([`spec`]).
//!
//! A run is split into units whose boundaries depend only on the input
//! (Parquet row groups, fixed CSV byte ranges), each unit fills one
//! [`UnitAcc`] that settles into a plain-data [`accum::Partial`], and
//! partials are merged exactly ([`exact`]), so the result is bit-identical
//! whatever the thread count, the merge order, or how units are spread over
//! files and partial results. Every element (a softmax row is one) is added
//! as integers on a grid per fine p_t bin ([`fixed`]), so the sums do not
//! depend on the units either: not on row-group sizes, nor on where files
//! were split. The `--by` groups' elements go through the same rows, keyed
//! by group too ([`by_rows`]), so each group's sums are those its rows give
//! on their own.

pub(crate) mod accum;
mod by_rows;
mod elem_math;
pub(crate) mod exact;
pub(crate) mod exact_rows;
pub(crate) mod fast;
pub(crate) mod fast_by;
pub(crate) mod fdlibm;
pub(crate) mod fixed;
pub(crate) mod groups;
pub mod kernel;
pub(crate) mod keys;
pub(crate) mod pairs;
pub(crate) mod plan;
mod row_counts;
pub(crate) mod schedule;
pub(crate) mod simd;
pub(crate) mod skipped;
pub(crate) mod soa;
pub(crate) mod softmax;
mod softmax_sums;
pub(crate) mod sparse;
pub(crate) mod spec;
pub(crate) mod terms;
pub(crate) mod unit;

pub use accum::Partial;
pub use spec::EngineSpec;
pub use unit::UnitAcc;
