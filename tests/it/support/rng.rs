//! Small deterministic generators (no dependency on a random crate), so every
//! generated file is byte-identical on every run. Two algorithms, each fixing
//! the exact values of the data generated from it: xorshift ([`Rng`]) for the
//! robustness and property data, Knuth's LCG ([`Lcg`]) for the data sets of
//! `synth` whose right answer is known.

/// Marsaglia's xorshift64 (shifts 13, 7, 17).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A multiple of 1/64 in (0, 1): exact in f16, f32 and f64.
    pub fn p64(&mut self) -> f64 {
        (1 + self.next() % 63) as f64 / 64.0
    }

    /// Uniform in [0, 1) from the top 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Knuth's MMIX linear congruential generator: tiny, deterministic, good enough here.
pub struct Lcg(u64);

impl Lcg {
    /// A generator with a seed.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(2862933555777941757)
            .wrapping_add(3037000493))
    }

    /// Uniform in [0, 1) from the top 53 bits.
    pub fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [a, b).
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.uniform()
    }

    /// Roughly standard normal (Irwin–Hall with 12 terms).
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }

    /// Bernoulli(p).
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// An index below n.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }
}
