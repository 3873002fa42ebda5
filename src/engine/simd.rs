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

/// Per-element rows from per-value vectors: element `l` of `v[f]` to value
/// `f` of row `l` (the 4×4 transpose of the AVX2 scatters).
///
/// # Safety
/// The CPU must support AVX2; inlined only into functions compiled for it.
#[inline(always)]
#[cfg(target_arch = "x86_64")]
pub(crate) unsafe fn transpose(
    v: [std::arch::x86_64::__m256d; 4],
) -> [std::arch::x86_64::__m256d; 4] {
    use std::arch::x86_64::*;
    let t0 = _mm256_unpacklo_pd(v[0], v[1]);
    let t1 = _mm256_unpackhi_pd(v[0], v[1]);
    let t2 = _mm256_unpacklo_pd(v[2], v[3]);
    let t3 = _mm256_unpackhi_pd(v[2], v[3]);
    [
        _mm256_permute2f128_pd(t0, t2, 0x20),
        _mm256_permute2f128_pd(t1, t3, 0x20),
        _mm256_permute2f128_pd(t0, t2, 0x31),
        _mm256_permute2f128_pd(t1, t3, 0x31),
    ]
}

/// Asks for the cache line of `items[at]` ahead of its use (a hint: nothing
/// is read, and an index past the end is harmless).
#[inline(always)]
pub(crate) fn prefetch<T>(items: &[T], at: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = items.as_ptr().wrapping_add(at) as *const i8;
        // SAFETY: a prefetch reads nothing and cannot fault, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (items, at);
}
