//! Event attachments: the `attachment` items of an envelope, kept in `items` with their item
//! header (filename, content type, attachment type) under the envelope's event id. Listing
//! reads the headers only; the bytes are decompressed only when one is downloaded. The name is
//! returned as the SDK sent it: whoever writes it to a disk or a terminal makes it safe.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, codec};

/// One stored attachment, without its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRecord {
    pub id: i64,
    pub project_id: i64,
    pub event_id: String,
    pub name: String,
    pub content_type: String,
    /// `event.attachment`, `event.minidump`, ...
    pub attachment_type: String,
    pub size: u64,
    pub received: f64,
}

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRecord> {
    let header: String = row.get(3)?;
    let header: serde_json::Value = serde_json::from_str(&header).unwrap_or_default();
    let text = |key: &str| header.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let size: i64 = row.get(4)?;
    Ok(AttachmentRecord {
        id: row.get(0)?,
        project_id: row.get(1)?,
        event_id: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
        name: text("filename").unwrap_or_else(|| "attachment".into()),
        content_type: text("content_type").unwrap_or_else(|| "application/octet-stream".into()),
        attachment_type: text("attachment_type").unwrap_or_else(|| "event.attachment".into()),
        size: size.max(0) as u64,
        received: row.get(5)?,
    })
}

const SELECT: &str = "SELECT id, project_id, event_id, header, size, received FROM items";

/// The attachments of event `event_id` in `project_id`, in the order they arrived.
pub fn list(conn: &Connection, project_id: i64, event_id: &str) -> Result<Vec<AttachmentRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE event_id = ?2 AND project_id = ?1 AND kind = 'attachment' ORDER BY id"
        ))?
        .query_map(params![project_id, event_id], record)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// One attachment of an event, with its bytes.
pub fn get(
    conn: &Connection,
    project_id: i64,
    event_id: &str,
    id: i64,
) -> Result<Option<(AttachmentRecord, Vec<u8>)>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT id, project_id, event_id, header, size, received, data FROM items
             WHERE id = ?3 AND event_id = ?2 AND project_id = ?1 AND kind = 'attachment'",
        )?
        .query_row(params![project_id, event_id, id], |row| Ok((record(row)?, row.get::<_, Vec<u8>>(6)?)))
        .optional()?;
    match found {
        Some((record, blob)) => Ok(Some((record, codec::decode(&blob)?))),
        None => Ok(None),
    }
}
