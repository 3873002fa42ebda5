//! The engine's kernel and what it needs, for the criterion benches that time
//! it apart from decoding (`--features internals`). Not a stable interface:
//! the library's interface is [`crate::api`] and [`crate::report`].

pub use crate::analysis::variants::{focal, terms_for};
pub use crate::cli::{Cli, Command};
pub use crate::cmd::parse_edges;
pub use crate::engine::kernel::{accumulate, Batch};
pub use crate::engine::{EngineSpec, UnitAcc};
pub use crate::model::{Alpha, Mode, ScoreKind, Term, BACKGROUND};
