//! What the console reads in a search before sending it: whether it names an issue status of
//! its own (then it overrides the status tab, as Sentry's search does, instead of being ANDed
//! with it into nothing), and which `project:` slugs it names that the organization lacks.

use crate::search::{Filter, IsValue, Term};

/// Whether `query` has its own `is:` status or substatus (`is:resolved`, `is:escalating`,
/// `is:for_review`, …; not `is:assigned` or `is:bookmarked`).
pub fn names_a_status(query: &str) -> bool {
    let Ok(parsed) = crate::search::parse(query) else {
        return false;
    };
    parsed.terms.iter().any(|term| {
        matches!(
            term,
            Term::Filter(Filter::Is {
                value: IsValue::Unresolved
                    | IsValue::Resolved
                    | IsValue::Ignored
                    | IsValue::Archived
                    | IsValue::New
                    | IsValue::Ongoing
                    | IsValue::Regressed
                    | IsValue::Escalating
                    | IsValue::ForReview,
                ..
            })
        )
    })
}

/// The `project:` slugs of `query` that are not among `known` (wildcards are left to the
/// server), with a message as `sift issues` gives it.
pub fn unknown_project(query: &str, known: &[(i64, String)]) -> Option<String> {
    let parsed = crate::search::parse(query).ok()?;
    let missing: Vec<&str> = parsed
        .terms
        .iter()
        .filter_map(|term| match term {
            Term::Filter(Filter::Tag { key, values, .. }) if key == "project" => Some(values),
            _ => None,
        })
        .flatten()
        .map(String::as_str)
        .filter(|slug| !slug.contains('*') && !known.iter().any(|(_, k)| k == slug))
        .collect();
    let first = missing.first()?;
    let slugs: Vec<&str> = known.iter().map(|(_, slug)| slug.as_str()).collect();
    Some(format!("no project {first:?} (known: {})", slugs.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_of_its_own_overrides_the_tab() {
        assert!(names_a_status("is:resolved"));
        assert!(names_a_status("level:error is:escalating"));
        assert!(!names_a_status("is:assigned level:error"));
        assert!(!names_a_status("timeout"));
    }

    #[test]
    fn unknown_projects_are_named_with_the_known_ones() {
        let known = vec![(1, "shop-api".to_string()), (2, "ledger-worker".to_string())];
        assert_eq!(unknown_project("project:shop-api", &known), None);
        assert_eq!(unknown_project("project:shop-* level:error", &known), None);
        assert_eq!(
            unknown_project("project:shop level:error", &known).as_deref(),
            Some("no project \"shop\" (known: shop-api, ledger-worker)")
        );
    }
}
