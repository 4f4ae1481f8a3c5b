//! "Did you mean" suggestions for misspelt names in theme files.
//!
//! Pure string distance; knows nothing about themes. A suggestion is offered only when it is close enough to be
//! a plausible typo (edit distance at most a third of the name, and at most 3).

/// The candidate closest to `bad`, if it is a plausible typo of it.
pub fn closest<'a>(bad: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (bad.chars().count() / 3).clamp(1, 3);
    candidates.into_iter().map(|c| (edit_distance(bad, c), c)).filter(|(d, _)| *d <= limit).min().map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("levle_error", "level_error"), 2);
    }

    #[test]
    fn suggests_only_plausible_typos() {
        let names = ["level_error", "level_info", "selection"];
        assert_eq!(closest("levle_error", names), Some("level_error"));
        assert_eq!(closest("selectoin", names), Some("selection"));
        assert_eq!(closest("frobnicate", names), None);
    }
}
