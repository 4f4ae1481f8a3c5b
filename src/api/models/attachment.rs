//! An event attachment as Sentry lists it (`…/events/{id}/attachments/`): id, name, type
//! (`mimetype`), size in bytes and the attachment type.

use serde::{Deserialize, Serialize};

use super::de;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attachment {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::string")]
    pub mimetype: String,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub size: u64,
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub kind: String,
}

impl Attachment {
    /// Whether it can be read as text: a `text/*` type, or JSON, XML, YAML or a log by name.
    pub fn is_text(&self) -> bool {
        let mime = self.mimetype.to_ascii_lowercase();
        let name = self.name.to_ascii_lowercase();
        mime.starts_with("text/")
            || ["json", "xml", "yaml", "x-log"].iter().any(|t| mime.ends_with(t))
            || [".txt", ".log", ".json", ".yaml", ".yml", ".xml", ".csv", ".md"].iter().any(|e| name.ends_with(e))
    }
}
