//! The one-pass scanner: keyword detection (both the short-text and long-text paths) and
//! the facts that gate each value regex.

use super::super::scan::{keywords, scan};

#[test]
fn keywords_are_found_case_insensitively() {
    let secret = |t: &str| scan(t).secret;
    for text in [
        "PASSWORD",
        "xPassWordx",
        "passwd",
        "api_key",
        "API-KEY",
        "apikey",
        "OAuth",
        "credentials",
        "MYSQL_PWD",
        "privatekey",
        "Private_Key",
        "private-key",
        "secret",
    ] {
        assert!(secret(text), "{text}");
    }
    for text in ["pass", "api key", "private key", "credential", "secre", "mysql", ""] {
        assert!(!secret(text), "{text}");
    }
    assert!(scan("X-Auth-TOKEN").token);
    assert!(scan("Bearer").bearer);
    assert!(scan("_XSRF").csrf && scan("csrftoken").csrf);
    assert!(scan("/Users/x").home && scan("/HOME/x").home);
}

#[test]
fn token_assignment_needs_colon_or_equals_before_whitespace() {
    assert!(scan("token=abc").token_assign);
    assert!(scan("?access_token=abc").token_assign);
    assert!(scan("refresh_token: abc").token_assign);
    assert!(scan("tokens_used:5").token_assign);
    assert!(!scan("token count: 5").token_assign);
    assert!(!scan("token").token_assign);
    assert!(scan("token count: 5").token);
    // A later token in a fresh run is still checked.
    assert!(scan("tokenized text then token=1").token_assign);
    // Many tokens in one long run stay linear and correct.
    let long = "token".repeat(10_000);
    assert!(!scan(&long).token_assign);
    assert!(scan(&format!("{long}=")).token_assign);
}

#[test]
fn short_and_long_texts_find_the_same_keywords() {
    // Longer than the letter-pair path handles, so the regex path is used.
    let padding = " ".repeat(64);
    for text in [
        "usersecret",
        "credentialsecret",
        "PassWd",
        "api-key",
        "apikey",
        "api key",
        "private_key",
        "privatekey",
        "AUTH",
        "mysql_pwd",
        "xsrf",
        "csrf",
        "bearer",
        "home",
        "token=1",
        "token 1",
        "nothing here",
        "pa",
        "p",
    ] {
        let short = keywords(text);
        let long = keywords(&format!("{text}{padding}"));
        assert_eq!(short, long, "{text}");
    }
}

#[test]
fn facts_are_found() {
    let s = scan("Ab 12-34 a@b //x -----BEGIN RSA");
    // Fewer than nine digits in total: runs are not measured.
    assert_eq!(s.digit_run, 0);
    assert!(s.at && s.double_slash && s.pem && !s.iban_head && !s.ssn_shape);
    let none = scan("plain text / here");
    assert!(!none.at && !none.double_slash && !none.pem);
    assert_eq!(scan("٤١١ ünï").digit_run, 0);
    assert_eq!(scan("4111 1111-1111 1111 x 12").digit_run, 16);
    assert_eq!(scan("12345  67890").digit_run, 5);
    assert_eq!(scan("12345- 67890").digit_run, 5);
    assert_eq!(scan("12345-67890").digit_run, 10);
    assert!(scan("iban DE89 3704").iban_head);
    assert!(!scan("De89").iban_head);
    assert!(scan("ssn 078-05-1120").ssn_shape);
    assert!(scan("4078-05-1120").ssn_shape);
    assert!(!scan("78-05-1120").ssn_shape && !scan("078-05-112").ssn_shape);
}
