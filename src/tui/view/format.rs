//! Text shaping for views: relative times, counts, durations, sparklines, and truncation by
//! display width (wide characters count double, nothing is cut mid-character).

pub use crate::text::{ago, fit, thousands, truncate};

/// `999`, `1.2k`, `12k`, `3.4M`: at most five characters.
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1_000),
        1_000_000..=9_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{}M", n / 1_000_000),
    }
}

/// `30 minutes`, `1 hour`, `24 hours`, `7 days`.
pub fn duration_minutes(minutes: u32) -> String {
    let plural = |n: u32, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if minutes.is_multiple_of(1_440) && minutes >= 2 * 1_440 {
        plural(minutes / 1_440, "day")
    } else if minutes.is_multiple_of(60) {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline `width` characters wide (buckets summed into columns), scaled to its maximum;
/// empty columns are blank, so quiet periods look quiet.
pub fn sparkline(values: &[u64], width: usize) -> String {
    if values.is_empty() || width == 0 {
        return " ".repeat(width);
    }
    let columns: Vec<u64> = (0..width)
        .map(|c| {
            let start = c * values.len() / width;
            let end = ((c + 1) * values.len() / width).max(start + 1).min(values.len());
            values[start..end].iter().sum()
        })
        .collect();
    let max = columns.iter().copied().max().unwrap_or(0);
    columns.iter().map(|&v| if v == 0 || max == 0 { ' ' } else { BARS[((v * 7) / max).min(7) as usize] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn relative_times() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |secs: i64| Some(now - chrono::Duration::seconds(secs));
        let got: Vec<String> = [3, 45, 720, 10_800, 5 * 86_400, 15 * 86_400, 100 * 86_400, 800 * 86_400]
            .iter()
            .map(|s| ago(at(*s), now))
            .collect();
        assert_eq!(got, ["now", "45s", "12m", "3h", "5d", "2w", "3mo", "2y"]);
        assert_eq!(ago(None, now), "-");
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(compact(9_999), "9999");
        assert_eq!(compact(12_345), "12k");
        assert_eq!(compact(3_400_000), "3.4M");
        assert_eq!(duration_minutes(30), "30 minutes");
        assert_eq!(duration_minutes(60), "1 hour");
        assert_eq!(duration_minutes(1_440), "24 hours");
        assert_eq!(duration_minutes(10_080), "7 days");
    }

    #[test]
    fn sparklines_scale_to_their_maximum() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8], 5), " ▁▂▄█");
        assert_eq!(sparkline(&[1; 24], 12), "████████████");
        assert_eq!(sparkline(&[], 3), "   ");
    }

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
        assert_eq!(truncate("日本語のエラー", 7), "日本語…");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(truncate("short", 10), "short");
    }
}
