//! The service's memory: parsed maps by stored file (least recently used first out, bounded by
//! count and by the bytes of the maps' JSON), and lookup answers by query (bounded by count,
//! emptied when full). Each answer remembers the project's bundle generation it was made under,
//! so a new upload makes every older answer for that project stale, found or not.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ingest::symbolicate::MappedFile;

/// Most parsed maps kept.
const MAX_MAPS: usize = 256;
/// Most bytes of map JSON the kept maps were parsed from (a parsed map takes a few times that).
const MAX_MAP_BYTES: usize = 128 * 1024 * 1024;
/// Most lookup answers kept.
const MAX_ANSWERS: usize = 16_384;

/// Where a lookup led: the stored map file, the minified file beside it, the map's URL and how
/// it was found; or why nothing was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Map {
        map: i64,
        minified: Option<i64>,
        url: String,
        resolved_with: &'static str,
    },
    /// An inline (`data:`) map named by a minified file, keyed by that file.
    Inline {
        minified: i64,
        url: String,
        resolved_with: &'static str,
    },
    Missing,
}

/// A query as a cache key: project, debug id, release, dist, path.
pub type Key = (i64, Option<String>, Option<String>, Option<String>, String);

#[derive(Default)]
pub struct Cache {
    answers: HashMap<Key, (u64, Answer)>,
    maps: HashMap<i64, (u64, usize, Arc<MappedFile>)>,
    map_bytes: usize,
    clock: u64,
}

impl Cache {
    pub fn answer(&self, key: &Key, generation: u64) -> Option<Answer> {
        self.answers.get(key).filter(|(g, _)| *g == generation).map(|(_, a)| a.clone())
    }

    pub fn remember(&mut self, key: Key, generation: u64, answer: Answer) {
        if self.answers.len() >= MAX_ANSWERS {
            self.answers.clear();
        }
        self.answers.insert(key, (generation, answer));
    }

    pub fn map(&mut self, id: i64) -> Option<Arc<MappedFile>> {
        self.clock += 1;
        let clock = self.clock;
        self.maps.get_mut(&id).map(|(used, _, map)| {
            *used = clock;
            map.clone()
        })
    }

    pub fn keep_map(&mut self, id: i64, bytes: usize, map: Arc<MappedFile>) {
        self.clock += 1;
        if let Some((_, old, _)) = self.maps.insert(id, (self.clock, bytes, map)) {
            self.map_bytes -= old;
        }
        self.map_bytes += bytes;
        while (self.maps.len() > MAX_MAPS || self.map_bytes > MAX_MAP_BYTES) && self.maps.len() > 1 {
            let Some(oldest) = self.maps.iter().min_by_key(|(_, (used, _, _))| *used).map(|(id, _)| *id) else {
                break;
            };
            if let Some((_, bytes, _)) = self.maps.remove(&oldest) {
                self.map_bytes -= bytes;
            }
        }
    }
}
