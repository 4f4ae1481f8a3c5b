//! Reading an artifact bundle as sentry-cli builds it: the `SYSB` magic and a format version,
//! then a zip archive whose `manifest.json` names each file with its type, URL and headers
//! (`debug-id`, `sourcemap`). [`parse`] checks everything a stranger's upload could get wrong
//! before anything is stored: the archive and manifest must be well formed, no name may step
//! out of the bundle (`..`, absolute paths, NUL), every file must inflate within the limits
//! (the reader stops one byte past a limit, so a zip bomb costs at most the limit), and every
//! source map must decode with getsentry's `sourcemap` crate. Pure: bytes in, files out.

use std::io::{Cursor, Read};

use serde::Deserialize;

use crate::ingest::symbolicate::normalize_debug_id;

/// Size limits of one bundle.
#[derive(Debug, Clone, Copy)]
pub struct BundleLimits {
    /// Most bytes of the bundle itself (the assembled zip).
    pub max_bundle: usize,
    /// Most bytes of one file once inflated.
    pub max_file: usize,
    /// Most bytes of all its files once inflated.
    pub max_unpacked: usize,
    /// Most entries in the archive.
    pub max_files: usize,
}

impl Default for BundleLimits {
    fn default() -> Self {
        Self {
            max_bundle: 256 * 1024 * 1024,
            max_file: 64 * 1024 * 1024,
            max_unpacked: 1024 * 1024 * 1024,
            max_files: 20_000,
        }
    }
}

impl From<&crate::config::Limits> for BundleLimits {
    fn from(limits: &crate::config::Limits) -> Self {
        Self {
            max_bundle: limits.max_artifact_bundle,
            max_file: limits.max_artifact_file,
            max_unpacked: limits.max_artifact_bundle.saturating_mul(4).max(limits.max_artifact_file),
            ..Self::default()
        }
    }
}

/// Why a bundle was refused: `TooLarge` is a 413, everything else a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    TooLarge(String),
}

/// The kinds of file a manifest may name.
const KINDS: &[&str] = &["source", "minified_source", "source_map", "indexed_ram_bundle"];
/// The manifest itself may not be larger than this.
const MAX_MANIFEST: usize = 16 * 1024 * 1024;

/// One file of a bundle, inflated.
#[derive(Debug, Clone)]
pub struct BundleFile {
    /// The archive entry (`files/_/_/app.js`).
    pub path: String,
    /// The URL it is served from (`~/app.js`), when the manifest gives one.
    pub url: Option<String>,
    /// `source`, `minified_source`, `source_map` or `indexed_ram_bundle`.
    pub kind: String,
    /// The `debug-id` header, lowercase and hyphenated.
    pub debug_id: Option<String>,
    /// The `sourcemap` (or `x-sourcemap`) header: the map's reference, relative to `url`.
    pub sourcemap: Option<String>,
    pub bytes: Vec<u8>,
}

/// A bundle's manifest attributes and files.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// The manifest's `debug_id` (the bundle's own id, not a file's).
    pub bundle_id: Option<String>,
    pub release: Option<String>,
    pub dist: Option<String>,
    pub files: Vec<BundleFile>,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    files: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    debug_id: Option<String>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    dist: Option<String>,
}

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    headers: serde_json::Map<String, serde_json::Value>,
}

fn invalid(message: impl Into<String>) -> BundleError {
    BundleError::Invalid(message.into())
}

/// Reads and checks a whole bundle.
pub fn parse(bytes: &[u8], limits: &BundleLimits) -> Result<Bundle, BundleError> {
    if bytes.len() > limits.max_bundle {
        return Err(BundleError::TooLarge(format!(
            "the bundle is {} bytes, over the limit of {} bytes",
            bytes.len(),
            limits.max_bundle
        )));
    }
    if let Some(version) = bytes.strip_prefix(b"SYSB").and_then(|rest| rest.get(..4)) {
        let version = u32::from_le_bytes([version[0], version[1], version[2], version[3]]);
        if version != 2 {
            return Err(invalid(format!("unsupported artifact bundle version {version} (expected 2)")));
        }
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|err| invalid(format!("the bundle is not a valid zip archive: {err}")))?;
    if archive.len() > limits.max_files {
        return Err(BundleError::TooLarge(format!(
            "the bundle holds {} entries, over the limit of {}",
            archive.len(),
            limits.max_files
        )));
    }
    let manifest =
        read_entry(&mut archive, "manifest.json", MAX_MANIFEST.min(limits.max_file)).map_err(|err| match err {
            BundleError::Invalid(m) => invalid(format!("the bundle has no readable manifest.json: {m}")),
            other => other,
        })?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|err| invalid(format!("manifest.json is not valid: {err}")))?;
    let mut bundle = Bundle {
        bundle_id: manifest.debug_id.as_deref().and_then(normalize_debug_id),
        release: manifest.release.filter(|r| !r.is_empty()),
        dist: manifest.dist.filter(|d| !d.is_empty()),
        files: Vec::with_capacity(manifest.files.len()),
    };
    let mut unpacked = 0usize;
    for (path, entry) in manifest.files {
        check_name(&path, "file")?;
        let entry: ManifestEntry = serde_json::from_value(entry)
            .map_err(|err| invalid(format!("manifest entry {path:?} is not valid: {err}")))?;
        if !KINDS.contains(&entry.kind.as_str()) {
            return Err(invalid(format!(
                "manifest entry {path:?} has type {:?}; expected one of {}",
                entry.kind,
                KINDS.join(", ")
            )));
        }
        if let Some(url) = &entry.url {
            check_name(url, "url")?;
        }
        let header =
            |name: &str| entry.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str());
        let debug_id = match header("debug-id") {
            Some(text) => Some(
                normalize_debug_id(text)
                    .ok_or_else(|| invalid(format!("manifest entry {path:?} has an invalid debug-id {text:?}")))?,
            ),
            None => None,
        };
        let sourcemap = header("sourcemap").or_else(|| header("x-sourcemap")).map(str::to_owned);
        let bytes = read_entry(&mut archive, &path, limits.max_file)?;
        unpacked += bytes.len();
        if unpacked > limits.max_unpacked {
            return Err(BundleError::TooLarge(format!(
                "the bundle's files inflate past the limit of {} bytes",
                limits.max_unpacked
            )));
        }
        if entry.kind == "source_map" {
            sourcemap::decode_slice(&bytes)
                .map_err(|err| invalid(format!("{path:?} is not a valid source map: {err}")))?;
        }
        bundle.files.push(BundleFile { path, url: entry.url, kind: entry.kind, debug_id, sourcemap, bytes });
    }
    Ok(bundle)
}

/// Refuses a name that could step outside the bundle or the site it describes.
fn check_name(name: &str, what: &str) -> Result<(), BundleError> {
    let path = name.split_once("://").map_or(name, |(_, rest)| rest);
    let escapes = name.is_empty()
        || name.contains('\0')
        || name.contains('\\')
        || (what == "file" && name.starts_with('/'))
        || path.split('/').any(|segment| segment == "..");
    if escapes {
        return Err(invalid(format!("manifest {what} {name:?} escapes the bundle (empty, absolute, `..` or NUL)")));
    }
    Ok(())
}

/// Inflates one entry, never more than `limit` bytes of it.
fn read_entry(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, limit: usize) -> Result<Vec<u8>, BundleError> {
    let entry = archive
        .by_name(name)
        .map_err(|err| invalid(format!("the manifest names {name:?}, which the archive cannot give: {err}")))?;
    if entry.size() > limit as u64 {
        return Err(BundleError::TooLarge(format!(
            "{name:?} is {} bytes, over the limit of {limit} bytes per file",
            entry.size()
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(limit));
    entry
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| invalid(format!("{name:?} cannot be inflated: {err}")))?;
    if bytes.len() > limit {
        return Err(BundleError::TooLarge(format!(
            "{name:?} inflates past the limit of {limit} bytes per file (a compression bomb?)"
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
