//! The two sketches a rollup row keeps, each with a stable byte encoding: a log-bucketed
//! duration histogram (every bucket 2% wide, so a percentile read from it is within 1% of the
//! exact one) and a HyperLogLog of user keys (256 registers; exact to a few for small counts,
//! about 6.5% off beyond, as Sentry's own distinct counts are approximate). Merging is exact:
//! a sketch of two hours is the merge of the two. Decoding never panics on foreign bytes; a
//! corrupt blob reads as empty.

use std::collections::BTreeMap;

/// Each bucket is this much wider than the one before.
const GAMMA: f64 = 1.02;
/// The smallest duration told apart, in milliseconds (1 µs).
const FLOOR_MS: f64 = 0.001;
/// The highest bucket index (about 3 years in milliseconds).
const MAX_BUCKET: u32 = 2_000;
/// HyperLogLog registers (2^8).
const REGISTERS: usize = 256;

/// Durations in milliseconds, counted per 2%-wide bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    buckets: BTreeMap<u32, u64>,
}

impl Histogram {
    fn bucket(ms: f64) -> u32 {
        if !ms.is_finite() || ms <= FLOOR_MS {
            return 0;
        }
        ((ms / FLOOR_MS).ln() / GAMMA.ln()).round().clamp(0.0, f64::from(MAX_BUCKET)) as u32
    }

    fn value(bucket: u32) -> f64 {
        if bucket == 0 { 0.0 } else { FLOOR_MS * GAMMA.powi(bucket as i32) }
    }

    pub fn add(&mut self, ms: f64) {
        *self.buckets.entry(Self::bucket(ms)).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (bucket, count) in &other.buckets {
            *self.buckets.entry(*bucket).or_default() += count;
        }
    }

    pub fn count(&self) -> u64 {
        self.buckets.values().sum()
    }

    /// The `q` quantile (0 to 1), interpolated between the two nearest ranks as
    /// [`quantile_sorted`] does on exact values.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * (n - 1) as f64;
        let (low, high) = (rank.floor() as u64, rank.ceil() as u64);
        let at = |rank: u64| {
            let mut seen = 0;
            for (bucket, count) in &self.buckets {
                seen += count;
                if rank < seen {
                    return Self::value(*bucket);
                }
            }
            self.buckets.keys().next_back().map_or(0.0, |b| Self::value(*b))
        };
        let (a, b) = (at(low), at(high));
        Some(a + (b - a) * (rank - low as f64))
    }

    /// Varint pairs: the bucket's distance from the previous one, then its count.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buckets.len() * 3);
        let mut previous = 0;
        for (bucket, count) in &self.buckets {
            varint(&mut out, u64::from(bucket - previous));
            varint(&mut out, *count);
            previous = *bucket;
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Self {
        let mut buckets = BTreeMap::new();
        let mut at = 0;
        let mut bucket = 0u64;
        while at < bytes.len() {
            let (Some(delta), Some(count)) = (read_varint(bytes, &mut at), read_varint(bytes, &mut at)) else {
                return Self::default();
            };
            bucket += delta;
            if bucket > u64::from(MAX_BUCKET) {
                return Self::default();
            }
            *buckets.entry(bucket as u32).or_default() += count;
        }
        Self { buckets }
    }
}

/// The `q` quantile of sorted values, interpolated between the two nearest ranks.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = q.clamp(0.0, 1.0) * last as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    let (a, b) = (sorted[low], sorted[high.min(last)]);
    Some(a + (b - a) * (rank - low as f64))
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

/// Distinct user keys, estimated (HyperLogLog with 256 one-byte registers).
#[derive(Debug, Clone, PartialEq)]
pub struct Users {
    registers: [u8; REGISTERS],
}

impl Default for Users {
    fn default() -> Self {
        Self { registers: [0; REGISTERS] }
    }
}

impl Users {
    pub fn add(&mut self, key: &str) {
        let hash = stable_hash(key.as_bytes());
        let index = (hash >> 56) as usize;
        let rank = ((hash << 8) | 0x80).leading_zeros() as u8 + 1;
        self.registers[index] = self.registers[index].max(rank);
    }

    pub fn merge(&mut self, other: &Users) {
        for (mine, theirs) in self.registers.iter_mut().zip(other.registers.iter()) {
            *mine = (*mine).max(*theirs);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.registers.iter().all(|r| *r == 0)
    }

    /// The estimated count, rounded; small counts use linear counting, which is near exact.
    pub fn estimate(&self) -> u64 {
        let m = REGISTERS as f64;
        let zeros = self.registers.iter().filter(|r| **r == 0).count();
        let raw =
            0.7213 / (1.0 + 1.079 / m) * m * m / self.registers.iter().map(|r| 2f64.powi(-i32::from(*r))).sum::<f64>();
        let estimate = if raw <= 2.5 * m && zeros > 0 { m * (m / zeros as f64).ln() } else { raw };
        estimate.round() as u64
    }

    /// Empty sketches are stored as no bytes at all.
    pub fn encode(&self) -> Vec<u8> {
        if self.is_empty() { Vec::new() } else { self.registers.to_vec() }
    }

    pub fn decode(bytes: &[u8]) -> Self {
        let mut users = Self::default();
        if bytes.len() == REGISTERS {
            users.registers.copy_from_slice(bytes);
        }
        users
    }
}

/// FNV-1a, finished with splitmix64's mixer: the same on every build and platform, which a
/// stored sketch needs (std's hasher promises no such thing).
fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_from_the_histogram_are_within_one_percent() {
        let values: Vec<f64> = (1..=1000).map(|i| f64::from(i) * 1.7).collect();
        let mut histogram = Histogram::default();
        values.iter().for_each(|v| histogram.add(*v));
        for q in [0.5, 0.75, 0.95, 0.99] {
            let exact = quantile_sorted(&values, q).unwrap();
            let read = histogram.quantile(q).unwrap();
            assert!((read - exact).abs() / exact < 0.011, "q {q}: {read} against {exact}");
        }
        assert_eq!(Histogram::decode(&histogram.encode()), histogram);
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn histograms_merge_exactly_and_bad_bytes_read_as_empty() {
        let (mut a, mut b, mut both) = (Histogram::default(), Histogram::default(), Histogram::default());
        for v in [3.0, 40.0, 41.0] {
            a.add(v);
            both.add(v);
        }
        for v in [0.0, 1e12, f64::NAN, 40.0] {
            b.add(v);
            both.add(v);
        }
        a.merge(&b);
        assert_eq!(a, both);
        assert_eq!(a.count(), 7);
        assert_eq!(Histogram::decode(&[0xff, 0xff]), Histogram::default());
        assert_eq!(Histogram::decode(&[0xff, 0xff, 0xff, 0x7f, 1]), Histogram::default());
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert_eq!(quantile_sorted(&[10.0, 20.0], 0.5), Some(15.0));
        assert_eq!(quantile_sorted(&[10.0, 20.0, 30.0, 40.0, 50.0], 0.95), Some(48.0));
        assert_eq!(quantile_sorted(&[7.0], 0.99), Some(7.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn small_user_counts_are_exact_and_large_ones_close() {
        let mut users = Users::default();
        assert_eq!(users.estimate(), 0);
        for key in ["id:1", "id:2", "id:3", "id:2"] {
            users.add(key);
        }
        assert_eq!(users.estimate(), 3);
        let mut many = Users::default();
        (0..20_000).for_each(|i| many.add(&format!("ip:10.0.{i}")));
        let estimate = many.estimate() as f64;
        assert!((estimate - 20_000.0).abs() / 20_000.0 < 0.2, "{estimate}");
        let mut merged = Users::decode(&users.encode());
        merged.merge(&many);
        assert!(merged.estimate() >= many.estimate());
        assert!(Users::default().encode().is_empty());
    }
}
