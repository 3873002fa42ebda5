//! What the sums mean: per-group summaries, the loss variants a `compare`
//! evaluates, and the `recommend` method with its wording.

pub(crate) mod calibration_null;
pub mod imbalance;
pub(crate) mod interval;
pub mod recommend;
pub(crate) mod recommend_alt;
pub(crate) mod recommend_text;
pub mod share_ci;
pub(crate) mod summary;
pub mod variants;
