//! DSN key lookups for ingest, cached in memory for a few seconds: hot keys cost no query,
//! and a change made by another process (`sift projects create`, turning scrubbing off) is
//! seen within [`TTL`]. Misses always consult the database.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// How long a looked-up key is trusted.
const TTL: Duration = Duration::from_secs(5);

use crate::store::projects::{self, KeyInfo};
use crate::store::{Store, StoreError};

#[derive(Default)]
pub struct KeyCache {
    known: RwLock<HashMap<String, (KeyInfo, Instant)>>,
}

impl KeyCache {
    pub async fn lookup(&self, store: &Store, public_key: &str) -> Result<Option<KeyInfo>, StoreError> {
        if let Ok(known) = self.known.read()
            && let Some((info, at)) = known.get(public_key)
            && at.elapsed() < TTL
        {
            return Ok(Some(info.clone()));
        }
        let key = public_key.to_string();
        let found = store.read(move |conn| projects::find_key(conn, &key)).await?;
        if let (Some(info), Ok(mut known)) = (&found, self.known.write()) {
            known.insert(public_key.to_string(), (info.clone(), Instant::now()));
        }
        Ok(found)
    }
}
