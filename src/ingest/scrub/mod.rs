//! Server-side data scrubbing of normalized events, on by default.
//!
//! Contract: [`scrub_event`] takes an event in the normalized shape (any JSON is accepted and
//! never causes a panic), rewrites sensitive values to [`FILTERED`] in place, and returns how
//! many values it replaced. It mimics the defaults Sentry applies with "Data Scrubber" and
//! "Use Default Scrubbers" enabled (Relay's `@common:filter` applied through the legacy
//! data-scrubbing selector), so that what sift shows matches what Sentry would show.
//!
//! Rules, in short (details in the sibling files):
//! * Key rule ([`keys`]): a value whose key contains `password`, `secret`, `passwd`,
//!   `api_key`/`api-key`/`apikey`, `auth`, `credentials`, `mysql_pwd`,
//!   `privatekey`/`private_key`, `token`, `bearer`, `csrf` or `xsrf` (ASCII case-insensitive
//!   substring), or that is exactly `otp`, `two_factor`/`two-factor` or a well-known session
//!   cookie name, is replaced whole. Keys are object keys and the first element of
//!   `[name, value]` pairs. Booleans and nulls are kept (they carry no secret).
//! * Keyword-in-value rule ([`values`]): in PII-bearing fields a string that itself contains
//!   one of those keywords (`token` only as `token…=`/`token…:`) is replaced whole, as Sentry
//!   documents ("values that themselves contain, or whose keynames contain, …").
//! * Pattern rules ([`values`]): credit cards (issuer prefix + Luhn), IBANs (mod-97), PEM key
//!   bodies, US SSNs, `Bearer <token>`, the password of `scheme://user:pass@host`, and the
//!   user name in home-directory paths. Only the match is replaced, as Relay does.
//! * Headers ([`http`]): `Cookie`, `Set-Cookie` and everything the key rule catches
//!   (`Authorization`, `X-Api-Key`, `X-CSRF-Token`, …), in pair or object form, any case, also
//!   as CGI `HTTP_*` names in `request.env`. Every cookie value is filtered.
//! * Where ([`walk`]): only the fields Relay marks as PII-bearing — `extra`, `user`,
//!   `request` (except method/url structure), custom `contexts`, breadcrumb `message`/`data`,
//!   frame `vars`, `logentry.params`, mechanism `data`, span `data`, unknown top-level keys.
//!   `tags`, `request.url` and `logentry.message` get only the key and pattern rules. Never
//!   touched: ids, timestamps, release, environment, platform, level, fingerprint, `sdk`,
//!   `debug_meta`, frame fields other than `vars`, `logentry.formatted`, exception `value`.
//! * Depth: containers nested deeper than [`bag::MAX_DEPTH`] are replaced whole (fail closed).

mod bag;
mod checks;
mod http;
mod keys;
mod scan;
mod values;
mod walk;

#[cfg(test)]
mod tests;

/// The replacement text Sentry shows for scrubbed values.
pub const FILTERED: &str = "[Filtered]";

/// Scrubs an event in place. Returns how many values were replaced.
///
/// A "value" is one JSON string rewritten (wholly or in part), one number or container
/// replaced by [`FILTERED`], or one cookie / query parameter inside a raw cookie or query
/// string. Values that already read [`FILTERED`] are not counted again, so scrubbing an
/// already-scrubbed event returns 0.
pub fn scrub_event(event: &mut crate::ingest::tree::Value<'_>) -> usize {
    walk::scrub_root(event)
}
