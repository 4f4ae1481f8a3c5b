//! Assembling an uploaded bundle: its chunks are read back in order, joined, checked against
//! the checksum the client announced, parsed and checked ([`super::bundle::parse`]), and its
//! files compressed for storage. Blocking (it reads the store and inflates), so callers run it
//! on the blocking pool; storing the result is the writer's job.

use rusqlite::Connection;
use sha1::{Digest, Sha1};

use super::bundle::{self, BundleError, BundleLimits};
use crate::store::bundles::{self, Link, NewBundle, NewFile};
use crate::store::{StoreError, codec};

/// What went wrong while assembling.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The lowercase hex SHA-1 of `bytes`.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// Joins the organization's chunks into the bundle `checksum` names, then reads it. `link`
/// comes from the request; the manifest's release and dist fill in what it leaves out.
pub fn assemble(
    conn: &Connection,
    org_id: i64,
    checksum: &str,
    chunks: &[String],
    mut link: Link,
    limits: &BundleLimits,
) -> Result<(NewBundle, Link), AssembleError> {
    let mut bytes = Vec::new();
    for chunk in chunks {
        let stored = bundles::chunk(conn, org_id, chunk)?
            .ok_or_else(|| BundleError::Invalid(format!("chunk {chunk} has not been uploaded")))?;
        let data = codec::decode(&stored).map_err(StoreError::from)?;
        if bytes.len() + data.len() > limits.max_bundle {
            return Err(BundleError::TooLarge(format!(
                "the bundle's chunks add up to more than the limit of {} bytes",
                limits.max_bundle
            ))
            .into());
        }
        bytes.extend_from_slice(&data);
    }
    let actual = sha1_hex(&bytes);
    if actual != checksum {
        return Err(BundleError::Invalid(format!(
            "the chunks assemble to a file whose SHA-1 is {actual}, not the checksum {checksum} the request names"
        ))
        .into());
    }
    let parsed = bundle::parse(&bytes, limits)?;
    if link.release.is_none() {
        link.release = parsed.release.clone();
        if link.dist.is_none() {
            link.dist = parsed.dist.clone();
        }
    }
    let mut files = Vec::with_capacity(parsed.files.len());
    for file in parsed.files {
        let data = codec::encode(&file.bytes).map_err(StoreError::from)?;
        files.push(NewFile {
            path: file.path,
            url: file.url,
            kind: file.kind,
            debug_id: file.debug_id,
            sourcemap: file.sourcemap,
            size: file.bytes.len(),
            data,
        });
    }
    let bundle =
        NewBundle { org_id, checksum: checksum.to_string(), bundle_id: parsed.bundle_id, size: bytes.len(), files };
    Ok((bundle, link))
}
