//! A small fast hasher (the Fx hash of rustc) for maps keyed by module and
//! application names: the inputs are local files, not adversarial.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Fx hash state.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (d, s) in word.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The last multiply leaves the low bits, which pick the bucket, mixed
    /// only from the low bytes of each word: names sharing a prefix modulo
    /// 8 bytes (`app1`, `app2`...) fell into 32 buckets. The high bits are
    /// well mixed; rotate them down (as rustc-hash 2 does).
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with the Fx hash.
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with the Fx hash.
pub(crate) type FxHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// Application names differing only in their digits spread over the
    /// buckets of a table their size (they used to share 32).
    #[test]
    fn similar_names_spread_over_buckets() {
        let hasher = BuildHasherDefault::<FxHasher>::default();
        let names: Vec<String> = (0..5000).map(|i| format!("app{i}")).collect();
        let buckets: HashSet<u64> = names
            .iter()
            .map(|n| hasher.hash_one(n.as_str()) & 8191)
            .collect();
        assert!(buckets.len() > 3000, "{} buckets", buckets.len());
    }
}
