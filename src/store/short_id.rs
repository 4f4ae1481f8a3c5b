//! Short issue ids as Sentry shows them: the project slug upper-cased, a dash, and a per-project
//! counter in base 32 (Crockford's alphabet, which has no I, L, O or U), e.g. `DEFAULT-1A`.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes the counter part.
pub fn encode(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// Decodes the counter part (case-insensitive); `None` for anything not in the alphabet.
pub fn decode(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 12 {
        return None;
    }
    text.bytes().try_fold(0u64, |acc, b| {
        let digit = ALPHABET.iter().position(|&a| a == b.to_ascii_uppercase())?;
        Some(acc * 32 + digit as u64)
    })
}

/// `DEFAULT-1A` from slug `default` and counter 42.
pub fn format(slug: &str, counter: u64) -> String {
    format!("{}-{}", slug.to_ascii_uppercase(), encode(counter))
}

/// Splits `DEFAULT-1A` into (`default`, 42). The slug may itself contain dashes.
pub fn parse(short_id: &str) -> Option<(String, u64)> {
    let (slug, counter) = short_id.rsplit_once('-')?;
    if slug.is_empty() {
        return None;
    }
    Some((slug.to_ascii_lowercase(), decode(counter)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_sentry() {
        assert_eq!(encode(1), "1");
        assert_eq!(encode(31), "Z");
        assert_eq!(encode(32), "10");
        assert_eq!(encode(42), "1A");
        assert_eq!(format("my-app", 42), "MY-APP-1A");
    }

    #[test]
    fn round_trips() {
        for n in [0, 1, 9, 10, 31, 32, 1000, 123_456_789] {
            assert_eq!(decode(&encode(n)), Some(n));
        }
        assert_eq!(parse("MY-APP-1a"), Some(("my-app".into(), 42)));
        assert_eq!(parse("NOPE-I"), None);
        assert_eq!(parse("-1"), None);
    }
}
