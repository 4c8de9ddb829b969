//! Maps with a small fast hasher (rustc's Fx hash, from `rustc-hash`) for
//! keys that are module and application names: the inputs are local files,
//! not adversarial.

pub(crate) use rustc_hash::{FxHashMap, FxHashSet};

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    /// Application names differing only in their digits spread over the
    /// buckets of a table their size (they used to share 32).
    #[test]
    fn similar_names_spread_over_buckets() {
        let hasher = rustc_hash::FxBuildHasher;
        let names: Vec<String> = (0..5000).map(|i| format!("app{i}")).collect();
        let buckets: HashSet<u64> = names
            .iter()
            .map(|n| hasher.hash_one(n.as_str()) & 8191)
            .collect();
        assert!(buckets.len() > 3000, "{} buckets", buckets.len());
    }
}
