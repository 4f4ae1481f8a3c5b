//! [`SourceMapService`]: the [`SourceMaps`] ingest and the Web API ask for a minified file's
//! map. It answers from memory when it can (see [`super::cache`]) and otherwise from the store,
//! on a connection of its own: by debug id, then by release and dist with the frame's
//! candidate URLs (the map named by the file's `sourcemap` header or `sourceMappingURL`
//! comment, resolved against the file's URL, or an inline `data:` map), then by `~/` path in
//! bundles uploaded without a release. A database error is logged and reads as "no map": an
//! event is never refused for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::Connection;

use super::cache::{Answer, Cache, Key};
use crate::ingest::symbolicate::{self, Found, MappedFile, Query, SourceMaps, urls};
use crate::store::bundles::{self, FileRef};
use crate::store::issues::StoredEvent;
use crate::store::{Store, StoreError, codec};

/// Finds and parses source maps for one store.
pub struct SourceMapService {
    store: Store,
    conn: Mutex<Option<Connection>>,
    /// Projects with bundles, each with the generation of its newest upload.
    projects: RwLock<HashMap<i64, u64>>,
    generations: AtomicU64,
    cache: Mutex<Cache>,
}

impl SourceMapService {
    /// A service over `store`, knowing which projects already have bundles.
    pub fn new(store: Store) -> Self {
        let known = store.connection().and_then(|conn| bundles::projects_with_bundles(&conn));
        let projects = known.unwrap_or_else(|err| {
            tracing::warn!(%err, "could not read which projects have source maps; assuming none");
            Vec::new()
        });
        Self {
            store,
            conn: Mutex::new(None),
            projects: RwLock::new(projects.into_iter().map(|p| (p, 1)).collect()),
            generations: AtomicU64::new(2),
            cache: Mutex::new(Cache::default()),
        }
    }

    /// Records a new bundle for `projects`: their earlier answers (found or not) go stale.
    pub fn bundle_added(&self, projects: &[i64]) {
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut known) = self.projects.write() {
            for project in projects {
                known.insert(*project, generation);
            }
        }
    }

    /// Symbolicates a stored event again when it kept minified frames and its project has
    /// bundles now (the maps were uploaded after the event arrived). Only what is served
    /// changes: the stored event, and its grouping, stay as ingest made them.
    pub fn reprocess(&self, event: &mut StoredEvent) {
        if !self.covers(event.project_id) {
            return;
        }
        let mut tree = crate::ingest::tree::Value::from(&event.data);
        if !symbolicate::needs_another_look(&tree) {
            return;
        }
        if symbolicate::resymbolicate(&mut tree, event.project_id, self) {
            event.data = serde_json::Value::from(tree);
        }
    }

    fn generation(&self, project_id: i64) -> Option<u64> {
        self.projects.read().ok()?.get(&project_id).copied()
    }

    fn with_conn<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut slot = self.conn.lock().map_err(|_| StoreError::Write("source map connection poisoned".into()))?;
        let conn = match slot.as_mut() {
            Some(conn) => conn,
            None => slot.insert(self.store.connection()?),
        };
        f(conn)
    }

    fn resolve(&self, query: &Query<'_>) -> Result<Answer, StoreError> {
        self.with_conn(|conn| {
            let project = query.project_id;
            if let Some(id) = query.debug_id
                && let Some(map) = bundles::file_by_debug_id(conn, project, id, "source_map")?
            {
                let minified = bundles::file_by_debug_id(conn, project, id, "minified_source")?.map(|f| f.id);
                let url = map.url.unwrap_or_else(|| query.abs_path.to_string());
                return Ok(Answer::Map { map: map.id, minified, url, resolved_with: "debug-id" });
            }
            if let Some(release) = query.release {
                let dist = query.dist.unwrap_or("");
                let found = by_url(conn, project, release, dist, &urls::candidates(query.abs_path), "release")?;
                if let Some(answer) = found {
                    return Ok(answer);
                }
            }
            Ok(by_url(conn, project, "", "", &urls::tilde_candidates(query.abs_path), "url")?
                .unwrap_or(Answer::Missing))
        })
    }

    fn load(&self, answer: &Answer) -> Result<Found, StoreError> {
        let (key, url, resolved_with) = match answer {
            Answer::Missing => return Ok(Found::Missing),
            Answer::Map { map, url, resolved_with, .. } => (*map, url, *resolved_with),
            // Inline maps are kept under their minified file's id, negated.
            Answer::Inline { minified, url, resolved_with } => (-minified, url, *resolved_with),
        };
        if let Some(found) = self.cache.lock().ok().and_then(|mut cache| cache.map(key)) {
            return Ok(Found::Map(found));
        }
        let (map_bytes, minified) = self.with_conn(|conn| {
            let read = |id: i64| -> Result<Vec<u8>, StoreError> { Ok(codec::decode(&bundles::file_data(conn, id)?)?) };
            Ok(match answer {
                Answer::Map { map, minified, .. } => (Some(read(*map)?), minified.map(read).transpose()?),
                Answer::Inline { minified, .. } => (None, Some(read(*minified)?)),
                Answer::Missing => (None, None),
            })
        })?;
        let decoded = match &map_bytes {
            Some(bytes) => sourcemap::decode_slice(bytes),
            None => {
                let reference = minified.as_deref().and_then(urls::source_mapping_url).unwrap_or_default();
                sourcemap::decode_data_url(&reference)
            }
        };
        let map = match decoded.and_then(regular) {
            Ok(map) => map,
            Err(err) => {
                tracing::debug!(%err, url, "source map cannot be read");
                return Ok(Found::Malformed { url: url.clone() });
            }
        };
        let size = map_bytes.as_ref().map_or(0, Vec::len) + minified.as_ref().map_or(0, Vec::len);
        let minified =
            minified.map(|bytes| sourcemap::SourceView::from_string(String::from_utf8_lossy(&bytes).into_owned()));
        let mapped = Arc::new(MappedFile { map, url: url.clone(), resolved_with, minified });
        if let Ok(mut cache) = self.cache.lock() {
            cache.keep_map(key, size, mapped.clone());
        }
        Ok(Found::Map(mapped))
    }
}

impl SourceMaps for SourceMapService {
    fn covers(&self, project_id: i64) -> bool {
        self.generation(project_id).is_some()
    }

    fn find(&self, query: &Query<'_>) -> Found {
        let Some(generation) = self.generation(query.project_id) else { return Found::Missing };
        let key: Key = (
            query.project_id,
            query.debug_id.map(str::to_owned),
            query.release.map(str::to_owned),
            query.dist.map(str::to_owned),
            query.abs_path.to_string(),
        );
        let cached = self.cache.lock().ok().and_then(|cache| cache.answer(&key, generation));
        let answer = match cached {
            Some(answer) => answer,
            None => match self.resolve(query) {
                Ok(answer) => {
                    if let Ok(mut cache) = self.cache.lock() {
                        cache.remember(key, generation, answer.clone());
                    }
                    answer
                }
                Err(err) => {
                    tracing::warn!(%err, "source map lookup failed");
                    return Found::Missing;
                }
            },
        };
        self.load(&answer).unwrap_or_else(|err| {
            tracing::warn!(%err, "source map could not be loaded");
            Found::Missing
        })
    }
}

/// A map to look tokens up in: index maps are flattened, Hermes maps used as plain ones.
fn regular(decoded: sourcemap::DecodedMap) -> Result<sourcemap::SourceMap, sourcemap::Error> {
    match decoded {
        sourcemap::DecodedMap::Regular(map) => Ok(map),
        sourcemap::DecodedMap::Index(index) => index.flatten(),
        sourcemap::DecodedMap::Hermes(hermes) => Ok((*hermes).clone()),
    }
}

/// The map of the file a frame's URL names, within bundles for `release` and `dist`.
fn by_url(
    conn: &Connection,
    project: i64,
    release: &str,
    dist: &str,
    candidates: &[String],
    resolved_with: &'static str,
) -> Result<Option<Answer>, StoreError> {
    if candidates.is_empty() {
        return Ok(None);
    }
    let Some(file) = bundles::file_by_url(conn, project, release, dist, candidates, None)? else {
        return Ok(None);
    };
    let base = file.url.clone().unwrap_or_else(|| candidates[0].clone());
    if file.kind == "source_map" {
        return Ok(Some(Answer::Map { map: file.id, minified: None, url: base, resolved_with }));
    }
    let reference = match &file.sourcemap {
        Some(reference) => Some(reference.clone()),
        None => urls::source_mapping_url(&codec::decode(&bundles::file_data(conn, file.id)?)?),
    };
    let reference = match reference {
        Some(reference) if reference.starts_with("data:") => {
            return Ok(Some(Answer::Inline { minified: file.id, url: base, resolved_with }));
        }
        Some(reference) => reference,
        None => format!("{}.map", base.rsplit('/').next().unwrap_or(&base)),
    };
    let target = urls::join(&base, &reference);
    let map = find_map(conn, project, release, dist, &target, &file)?;
    Ok(Some(match map {
        Some(map) => Answer::Map { map: map.id, minified: Some(file.id), url: target, resolved_with },
        None => Answer::Missing,
    }))
}

/// The map at `target`: in the minified file's own bundle first, then in any of the release's.
fn find_map(
    conn: &Connection,
    project: i64,
    release: &str,
    dist: &str,
    target: &str,
    minified: &FileRef,
) -> Result<Option<FileRef>, StoreError> {
    let candidates = urls::candidates(target);
    if let Some(map) = bundles::file_by_url(conn, project, release, dist, &candidates, Some(minified.bundle))? {
        return Ok(Some(map));
    }
    bundles::file_by_url(conn, project, release, dist, &candidates, None)
}
