//! What the sums mean: per-group summaries, the loss variants a `compare`
//! evaluates, and the `recommend` method with its wording.

pub mod calibration_null;
pub mod imbalance;
pub mod interval;
pub mod recommend;
pub mod recommend_alt;
pub mod recommend_text;
pub mod share_ci;
pub mod summary;
pub mod variants;
