//! `Role` names, parsing and the fallback graph.

use std::collections::HashSet;

use sift::tui::theme::{Role, UnknownRole};

#[test]
fn all_is_in_declaration_order() {
    for (i, role) in Role::ALL.iter().enumerate() {
        assert_eq!(*role as usize, i, "{role} is out of place in Role::ALL");
    }
}

#[test]
fn from_str_inverts_as_str() {
    for role in Role::ALL {
        assert_eq!(role.as_str().parse::<Role>(), Ok(role));
    }
    assert_eq!("Level_Error".parse::<Role>(), Err(UnknownRole("Level_Error".to_string())));
}

#[test]
fn names_are_unique_snake_case() {
    let mut seen = HashSet::new();
    for role in Role::ALL {
        let name = role.as_str();
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
        assert!(seen.insert(name), "duplicate {name}");
    }
}

#[test]
fn every_fallback_chain_ends_at_text() {
    for role in Role::ALL {
        let mut current = role;
        let mut steps = 0;
        while let Some(next) = current.fallback() {
            current = next;
            steps += 1;
            assert!(steps < Role::COUNT, "fallback cycle from {role}");
        }
        assert_eq!(current, Role::Text, "{role} does not fall back to text");
    }
}

#[test]
fn documented_fallbacks() {
    assert_eq!(Role::BadgeRegressed.fallback(), Some(Role::LevelError));
    assert_eq!(Role::LevelError.fallback(), Some(Role::Text));
    assert_eq!(Role::SelectionInactive.fallback(), Some(Role::Selection));
    assert_eq!(Role::Marked.fallback(), Some(Role::Selection));
    assert_eq!(Role::Text.fallback(), None);
}
