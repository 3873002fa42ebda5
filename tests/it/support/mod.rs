//! What the test modules share, one definition each: running the binary and
//! decoding its reports (`run`), input files (`files`), comparing numbers and
//! reports (`check`), textbook formulas to compare with (`reference`), seeded
//! generators (`rng`), generated data sets whose right answer is known
//! (`synth`), the sizes of the parallel units (`sizes`) and the pieces the
//! property tests build inputs from (`fuzz_pieces`). All but `synth`, `sizes`
//! and `fuzz_pieces` are re-exported here.

mod check;
mod files;
pub mod fuzz_pieces;
pub mod npy;
mod reference;
mod rng;
mod run;
pub mod sizes;
pub mod synth;

pub use check::*;
pub use files::*;
pub use reference::*;
pub use rng::*;
pub use run::*;
