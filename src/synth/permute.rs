//! Keyed permutations: unique values as bijections of the row index.
//!
//! A [`Permutation`] maps `[0, n)` onto itself one-to-one, so row `i` can
//! take the `permute(i)`-th value of a domain and no two rows collide, with
//! no set of seen values and no retries. It is a four-round Feistel network
//! on the smallest even power of two that holds `n`, with cycle walking to
//! stay inside `[0, n)` (Black and Rogaway, "Ciphers with Arbitrary Finite
//! Domains", 2002).

use super::rng::mix64;

/// A keyed bijection of `[0, n)`.
#[derive(Clone, Copy, Debug)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    half_mask: u64,
    keys: [u64; 4],
}

impl Permutation {
    /// The permutation of `[0, n)` for this key.
    pub fn new(n: u64, key: u64) -> Self {
        let bits = if n <= 1 {
            2
        } else {
            64 - (n - 1).leading_zeros()
        };
        let half_bits = bits.div_ceil(2).max(1);
        let half_mask = if half_bits >= 64 {
            u64::MAX
        } else {
            (1u64 << half_bits) - 1
        };
        let keys = [
            mix64(key ^ 1),
            mix64(key ^ 2),
            mix64(key ^ 3),
            mix64(key ^ 4),
        ];
        Self {
            n,
            half_bits,
            half_mask,
            keys,
        }
    }

    /// The size of the domain.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether the domain is empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    fn round(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> self.half_bits, x & self.half_mask);
        for k in self.keys {
            let next = left ^ (mix64(right ^ k) & self.half_mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }

    /// The image of `i` (which must be below `len()`).
    pub fn apply(&self, i: u64) -> u64 {
        debug_assert!(i < self.n, "permutation index out of its domain");
        if self.n <= 1 {
            return 0;
        }
        let mut x = self.round(i);
        // The Feistel domain is at most 4 * n, so this walks a few steps on average.
        while x >= self.n {
            x = self.round(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_bijection_for_awkward_sizes() {
        for n in [1u64, 2, 3, 7, 100, 1000, 4097] {
            let p = Permutation::new(n, 42);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "{n}: collision at {i}");
                seen[j] = true;
            }
        }
    }

    #[test]
    fn keys_give_different_orders() {
        let a: Vec<u64> = (0..50).map(|i| Permutation::new(50, 1).apply(i)).collect();
        let b: Vec<u64> = (0..50).map(|i| Permutation::new(50, 2).apply(i)).collect();
        assert_ne!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn handles_huge_domains() {
        let p = Permutation::new(u64::MAX, 9);
        assert!(p.apply(12345) < u64::MAX);
        let p = Permutation::new(1 << 62, 9);
        assert_ne!(p.apply(1), p.apply(2));
    }
}
