//! Named remote profiles and sentry-cli-compatible remote resolution. `config.toml` may define
//! `[profiles.NAME]` tables (url, org, optional projects / environments, and exactly one of
//! `token` / `token_command`) and a top-level `default_profile`; [`resolve`] then picks the
//! remote: `--profile NAME`, else `SENTRY_*` variables and sentryclirc files as sentry-cli reads
//! them (only when they yield a token), else `default_profile`, else none (embedded mode).
//! Each resolved value says where it came from. Tokens are [`Secret`]s: redacted in `Debug`,
//! never logged, never in an error message; [`write_secret_file`] writes files that hold them
//! with mode 0600, and [`secret_file_warning`] flags loose permissions on such files.

mod config;
mod env;
mod error;
mod org_token;
mod properties;
mod resolve;
mod secret;
mod secret_file;
mod sentrycli;
mod source;
mod token_command;
mod url;

pub use config::{Credential, Profile, Profiles, ProfilesConfig, describe_toml_error};
pub use env::{Ctx, Env, ProcessEnv};
pub use error::{Error, Warning};
pub use org_token::{OrgTokenPayload, TokenKind, classify as classify_token};
pub use resolve::{DEFAULT_URL, Resolved, Selection, Via, resolve};
pub use secret::Secret;
pub use secret_file::{secret_file_warning, write_secret_file};
pub use sentrycli::{CliFileValues, load_cli_files};
pub use source::{Source, Sourced};
pub use token_command::run_token_command;
pub use url::{UrlError, UrlProblem, normalize_url};
