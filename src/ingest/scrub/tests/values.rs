//! Value rules: keyword-in-value, cards, IBAN, PEM, SSN, bearer, URL auth, home paths.

use super::super::FILTERED;
use super::super::values::{Tier, scrubbed};

fn full(text: &str) -> Option<String> {
    scrubbed(text, Tier::Full)
}

fn patterns(text: &str) -> Option<String> {
    scrubbed(text, Tier::PatternsOnly)
}

#[test]
fn keyword_in_value_replaces_whole_string_in_full_tier_only() {
    for text in [
        "my password is hunter2",
        "SECRET sauce",
        "GET /api/auth/login",
        "set api-key now",
        "mysql_pwd=x",
        "credentials expired",
        "token=abc123",
        "refresh_token: xyz",
        "otp",
        "Two-Factor",
    ] {
        assert_eq!(full(text).as_deref(), Some(FILTERED), "{text}");
        assert_eq!(patterns(text), None, "{text}");
    }
}

#[test]
fn token_word_alone_and_harmless_text_are_kept() {
    for text in [
        "token count: high",
        "llm token usage",
        "hello world",
        "otp code sent",
        "user 42 logged in",
        "2024-05-01T10:00:00Z",
        "1700000000004",
    ] {
        assert_eq!(full(text), None, "{text}");
    }
}

#[test]
fn exempt_strings_are_never_changed() {
    for text in ["", "true", "false", "null", "undefined", FILTERED] {
        assert_eq!(full(text), None, "{text:?}");
    }
}

#[test]
fn credit_cards_replace_only_the_number() {
    let cases = [
        ("pay 4111 1111 1111 1111 now", "pay [Filtered] now"),
        ("4111-1111-1111-1111", FILTERED),
        ("cc=5555555555554444&x=1", "cc=[Filtered]&x=1"),
        ("amex 378282246310005.", "amex [Filtered]."),
        ("two 4111111111111111,6011000990139424", "two [Filtered],[Filtered]"),
    ];
    for (input, output) in cases {
        assert_eq!(full(input).as_deref(), Some(output), "{input}");
        assert_eq!(patterns(input).as_deref(), Some(output), "{input}");
    }
}

#[test]
fn luhn_invalid_and_non_issuer_numbers_are_kept() {
    for text in [
        "pay 4111 1111 1111 1112 now",
        "order 5555555555554445",
        "ts 1700000000004",
        "id 12345678901234567890123",
        "x4111111111111111",
    ] {
        assert_eq!(full(text), None, "{text}");
    }
}

#[test]
fn iban_needs_valid_checksum() {
    assert_eq!(full("wire to DE89370400440532013000 today").as_deref(), Some("wire to [Filtered] today"));
    assert_eq!(full("wire to DE89370400440532013001 today"), None);
}

#[test]
fn pem_private_key_body_is_replaced_armor_kept() {
    let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\nq2w3e4r5t6\n-----END RSA PRIVATE KEY-----";
    assert_eq!(
        full(&format!("key: {key} end")).as_deref(),
        Some("key: -----BEGIN RSA PRIVATE KEY-----\n[Filtered]\n-----END RSA PRIVATE KEY----- end")
    );
    let plain = "-----BEGIN PRIVATE KEY-----\r\nabc+/=\r\n-----END PRIVATE KEY-----";
    assert_eq!(
        patterns(plain).as_deref(),
        Some("-----BEGIN PRIVATE KEY-----\r\n[Filtered]\r\n-----END PRIVATE KEY-----")
    );
    // Armor without a body is not a key.
    assert_eq!(full("-----BEGIN CERTIFICATE-----"), None);
}

#[test]
fn us_ssn_is_replaced() {
    assert_eq!(full("ssn 078-05-1120 on file").as_deref(), Some("ssn [Filtered] on file"));
    assert_eq!(full("ref 078-05-11201"), None);
    assert_eq!(full("date 2024-05-01"), None);
}

#[test]
fn bearer_phrase_is_replaced() {
    assert_eq!(full("Bearer abc.def.ghi").as_deref(), Some(FILTERED));
    assert_eq!(patterns("sent bearer xyz to api").as_deref(), Some("sent [Filtered] to api"));
    assert_eq!(full("Bearer [Filtered]"), None);
}

#[test]
fn url_password_is_replaced_user_kept() {
    let cases = [
        ("postgres://admin:hunter2@db:5432/app", "postgres://admin:[Filtered]@db:5432/app"),
        ("see https://u:p%40ss@example.com/x", "see https://u:[Filtered]@example.com/x"),
        ("//bob:s3cr3t@host", "//bob:[Filtered]@host"),
    ];
    for (input, output) in cases {
        assert_eq!(patterns(input).as_deref(), Some(output), "{input}");
    }
    for text in [
        "https://user@example.com/",
        "http://example.com:8080/path",
        "http://example.com:8080/a@b",
        "mailto:someone@example.com",
    ] {
        assert_eq!(patterns(text), None, "{text}");
    }
}

#[test]
fn home_directory_user_name_is_replaced() {
    let cases = [
        ("/Users/alice/project/app.py", "/Users/[Filtered]/project/app.py"),
        ("cwd=/home/bob/src", "cwd=/home/[Filtered]/src"),
        (r"C:\Users\carol\AppData", r"C:\Users\[Filtered]\AppData"),
    ];
    for (input, output) in cases {
        assert_eq!(patterns(input).as_deref(), Some(output), "{input}");
    }
    // URL path segments named "users" are not home directories.
    assert_eq!(full("https://api.example.com/users/42/orders"), None);
    assert_eq!(full("/var/home/x"), None);
}

#[test]
fn rescrubbing_is_a_no_op() {
    for text in [
        "pay 4111 1111 1111 1111 now",
        "postgres://admin:hunter2@db/app",
        "/Users/alice/x",
        "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
        "Bearer abc",
        "ssn 078-05-1120",
    ] {
        let Some(once) = full(text) else {
            panic!("{text} should be scrubbed");
        };
        assert_eq!(full(&once), None, "{text} -> {once}");
    }
}

#[test]
fn non_ascii_text_is_handled() {
    assert_eq!(full("ünïcødé 4111111111111111 ✓ ٤١١١").as_deref(), Some("ünïcødé [Filtered] ✓ ٤١١١"));
    assert_eq!(full("日本語のテキスト"), None);
    // Non-ASCII digits are not card digits.
    assert_eq!(full("٤١١١١١١١١١١١١١١١"), None);
}
