//! Checksum validation for number-like secrets found by the value regexes.
//!
//! Contract: pure functions over ASCII text, no allocation, never panic.
//! [`card_spans`] takes a run of digits separated by single spaces or dashes (as matched by the
//! card candidate regex) and reports the byte ranges inside it that are payment card numbers:
//! 13–19 digits, a known issuer prefix, and a valid Luhn check digit. The issuer prefix is
//! what keeps millisecond timestamps and other long ids (which pass Luhn one time in ten)
//! from being filtered. [`is_iban`] validates the ISO 13616 mod-97 checksum.

/// Shortest and longest card numbers (ISO/IEC 7812 primary account numbers).
const MIN_CARD_DIGITS: usize = 13;
const MAX_CARD_DIGITS: usize = 19;

/// Calls `found(start, end)` for each card number inside `run` (byte offsets into `run`).
///
/// The run is split into its digit groups; the earliest group that starts a valid number
/// wins, and from there the longest valid extension is taken, so that a card followed by an
/// unrelated number (`4111 1111 1111 1111 123`) is still found.
pub(super) fn card_spans(run: &str, mut found: impl FnMut(usize, usize)) {
    let bytes = run.as_bytes();
    // (start, end) byte ranges of the digit groups; separators are single ASCII bytes.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, b) in bytes.iter().enumerate() {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                groups.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        groups.push((s, bytes.len()));
    }

    let mut first = 0;
    while first < groups.len() {
        let mut digits = [0u8; MAX_CARD_DIGITS];
        let mut count = 0;
        let mut best = None;
        for (last, &(gs, ge)) in groups.iter().enumerate().skip(first) {
            if count + (ge - gs) > MAX_CARD_DIGITS {
                break;
            }
            for (slot, b) in digits.iter_mut().skip(count).zip(&bytes[gs..ge]) {
                *slot = b - b'0';
            }
            count += ge - gs;
            if count >= MIN_CARD_DIGITS && is_card_number(&digits[..count]) {
                best = Some(last);
            }
        }
        match best {
            Some(last) => {
                found(groups[first].0, groups[last].1);
                first = last + 1;
            }
            None => first += 1,
        }
    }
}

/// Issuer prefix and Luhn check over decoded digits (each 0..=9).
fn is_card_number(digits: &[u8]) -> bool {
    has_issuer_prefix(digits) && luhn_ok(digits)
}

/// Major issuer identification ranges: Visa, Mastercard, Amex, Discover, Diners, JCB,
/// UnionPay.
fn has_issuer_prefix(digits: &[u8]) -> bool {
    let prefix = |n: usize| digits.iter().take(n).fold(0u32, |acc, &d| acc * 10 + u32::from(d));
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    p1 == 4
        || matches!(p2, 34 | 36..=39 | 51..=55 | 62 | 65)
        || matches!(p3, 300..=305 | 644..=649)
        || matches!(p4, 2221..=2720 | 3528..=3589 | 6011)
}

/// Luhn (mod 10) checksum over decoded digits.
fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if !i.is_multiple_of(2) {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 13616 IBAN check: 15–34 alphanumerics, country letters, check digits, mod 97 == 1.
pub(super) fn is_iban(candidate: &str) -> bool {
    let bytes = candidate.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
        || !bytes.iter().take(2).all(u8::is_ascii_uppercase)
        || !bytes.iter().skip(2).take(2).all(u8::is_ascii_digit)
    {
        return false;
    }
    let rotated = bytes.iter().skip(4).chain(bytes.iter().take(4));
    let remainder = rotated.fold(0u32, |rem, &b| {
        let b = b.to_ascii_uppercase();
        if b.is_ascii_digit() {
            (rem * 10 + u32::from(b - b'0')) % 97
        } else {
            (rem * 100 + u32::from(b - b'A') + 10) % 97
        }
    });
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(run: &str) -> Vec<&str> {
        let mut out = Vec::new();
        card_spans(run, |s, e| out.push(&run[s..e]));
        out
    }

    #[test]
    fn valid_cards_are_found() {
        for card in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "2223003122003222",
            "4222222222222",
        ] {
            assert_eq!(spans(card), vec![card], "{card}");
        }
    }

    #[test]
    fn luhn_invalid_or_unknown_issuer_is_ignored() {
        assert!(spans("4111111111111112").is_empty());
        assert!(spans("5555 5555 5555 4445").is_empty());
        // Luhn-valid but no issuer prefix: a millisecond timestamp.
        assert!(luhn_ok(&[1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]));
        assert!(spans("1700000000004").is_empty());
        // Too short / too long.
        assert!(spans("411111111111").is_empty());
        assert!(spans("41111111111111111111").is_empty());
    }

    #[test]
    fn card_inside_longer_run_is_found() {
        assert_eq!(spans("4111 1111 1111 1111 123"), vec!["4111 1111 1111 1111"]);
        assert_eq!(spans("12 4111111111111111"), vec!["4111111111111111"]);
        assert_eq!(spans("4111111111111111 5555555555554444"), vec!["4111111111111111", "5555555555554444"]);
    }

    #[test]
    fn iban_checksum() {
        assert!(is_iban("DE89370400440532013000"));
        assert!(is_iban("GB82WEST12345698765432"));
        assert!(!is_iban("DE89370400440532013001"));
        assert!(!is_iban("de89370400440532013000"));
        assert!(!is_iban("DE8937040044"));
        assert!(!is_iban("DEXX370400440532013000"));
    }
}
