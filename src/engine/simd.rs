//! Which vector instructions the element path uses: the best the CPU has, or
//! fewer when the environment variable `FLCLI_SIMD` says so (`none`, `avx2`),
//! so that tests can check that every build gives the same bits.

use std::sync::OnceLock;

/// Instruction sets of the element path, in increasing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Baseline x86-64 (SSE2) or another architecture.
    None,
    /// AVX2.
    Avx2,
    /// AVX-512 F, DQ and VL (the math; the scatter stays AVX2).
    Avx512,
}

/// The level in force: what the CPU supports, capped by `FLCLI_SIMD`.
pub(crate) fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let cap = match std::env::var("FLCLI_SIMD").as_deref() {
            Ok("none") => Level::None,
            Ok("avx2") => Level::Avx2,
            _ => Level::Avx512,
        };
        cpu().min(cap)
    })
}

/// What the CPU supports.
fn cpu() -> Level {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512dq")
            && std::is_x86_feature_detected!("avx512vl")
            && std::is_x86_feature_detected!("avx2")
        {
            return Level::Avx512;
        }
        if std::is_x86_feature_detected!("avx2") {
            return Level::Avx2;
        }
    }
    Level::None
}
