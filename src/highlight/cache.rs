//! A bounded, thread-safe memo of highlighted snippets, so re-rendering a frame costs a hash and a lock.
//!
//! Keyed by (language, syntect theme name, hash of the lines); the lines themselves are kept beside each
//! entry and compared on lookup, so a hash collision can only cost a re-highlight, never show the wrong
//! code. Holds at most `capacity` snippets (default `DEFAULT_CAPACITY`) and evicts the least recently used
//! one. Shared by reference (`&self` everywhere, one `Mutex` inside): the draw path calls `get`, a worker
//! calls `get_or_highlight`, which highlights *outside* the lock so readers never wait on syntect. Two
//! threads missing the same snippet at once both highlight it (both count as misses); the last insert wins.
//! Values are `Arc`s, cheap to hand to the UI. Counters: a hit is any lookup that found its snippet, a miss
//! is a highlight run by `get_or_highlight`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::{Highlighted, Highlighter, Language};

/// How many snippets a `HighlightCache::default()` keeps.
pub const DEFAULT_CAPACITY: usize = 256;

/// Counters and size of a `HighlightCache`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Lookups that found their snippet.
    pub hits: u64,
    /// Snippets highlighted by `get_or_highlight` because they were missing.
    pub misses: u64,
    /// Snippets held now.
    pub len: usize,
}

/// Bounded LRU memo of `Highlighter::highlight` results; see the module docs.
pub struct HighlightCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    clock: u64,
    hits: u64,
    misses: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    language: Language,
    theme: String,
    digest: u64,
}

struct Entry {
    source: Vec<String>,
    value: Arc<Highlighted>,
    last_used: u64,
}

impl Default for HighlightCache {
    fn default() -> Self {
        HighlightCache::new(DEFAULT_CAPACITY)
    }
}

impl HighlightCache {
    /// An empty cache holding at most `capacity` snippets (at least one).
    pub fn new(capacity: usize) -> Self {
        HighlightCache { capacity: capacity.max(1), inner: Mutex::new(Inner::default()) }
    }

    /// The cached highlighting of `lines`, if present. Never highlights; safe to call while drawing.
    pub fn get<S: AsRef<str>>(&self, language: Language, theme: &str, lines: &[S]) -> Option<Arc<Highlighted>> {
        let key = key(language, theme, lines);
        self.lock().lookup(&key, lines)
    }

    /// The cached highlighting of `lines`, highlighting and storing it first if missing.
    pub fn get_or_highlight<S: AsRef<str>>(
        &self,
        highlighter: &Highlighter,
        language: Language,
        theme: &str,
        lines: &[S],
    ) -> Arc<Highlighted> {
        let key = key(language, theme, lines);
        if let Some(found) = self.lock().lookup(&key, lines) {
            return found;
        }
        let value = Arc::new(highlighter.highlight(language, theme, lines));
        let source = lines.iter().map(|l| l.as_ref().to_owned()).collect();
        let mut inner = self.lock();
        inner.misses += 1;
        inner.insert(self.capacity, key, source, Arc::clone(&value));
        value
    }

    /// Hit/miss counters and current size.
    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats { hits: inner.hits, misses: inner.misses, len: inner.entries.len() }
    }

    /// Drops every snippet (counters are kept).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// The state, even if another thread panicked while holding it (every update leaves it consistent).
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn lookup<S: AsRef<str>>(&mut self, key: &Key, lines: &[S]) -> Option<Arc<Highlighted>> {
        self.clock += 1;
        let now = self.clock;
        let entry = self.entries.get_mut(key)?;
        let same = entry.source.len() == lines.len() && entry.source.iter().zip(lines).all(|(a, b)| a == b.as_ref());
        if !same {
            return None;
        }
        entry.last_used = now;
        self.hits += 1;
        Some(Arc::clone(&entry.value))
    }

    fn insert(&mut self, capacity: usize, key: Key, source: Vec<String>, value: Arc<Highlighted>) {
        self.clock += 1;
        if !self.entries.contains_key(&key) && self.entries.len() >= capacity {
            let oldest = self.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, Entry { source, value, last_used: self.clock });
    }
}

fn key<S: AsRef<str>>(language: Language, theme: &str, lines: &[S]) -> Key {
    let mut hasher = DefaultHasher::new();
    lines.len().hash(&mut hasher);
    for line in lines {
        line.as_ref().hash(&mut hasher);
    }
    Key { language, theme: theme.to_owned(), digest: hasher.finish() }
}

#[cfg(test)]
mod tests {
    use super::super::DEFAULT_THEME;
    use super::*;

    fn snippet(n: usize) -> Vec<String> {
        vec![format!("def f{n}():"), format!("    return \"{n}\"")]
    }

    #[test]
    fn second_lookup_hits_and_returns_the_same_value() {
        let hl = Highlighter::shared();
        let cache = HighlightCache::default();
        let lines = snippet(1);
        assert!(cache.get(Language::Python, "InspiredGitHub", &lines).is_none());
        let first = cache.get_or_highlight(hl, Language::Python, "InspiredGitHub", &lines);
        let second = cache.get_or_highlight(hl, Language::Python, "InspiredGitHub", &lines);
        let peeked = cache.get(Language::Python, "InspiredGitHub", &lines).expect("cached");
        assert!(Arc::ptr_eq(&first, &second) && Arc::ptr_eq(&first, &peeked));
        assert_eq!(*first, hl.highlight(Language::Python, "InspiredGitHub", &lines));
        assert_eq!(cache.stats(), CacheStats { hits: 2, misses: 1, len: 1 });
    }

    #[test]
    fn key_includes_language_theme_and_every_line() {
        let hl = Highlighter::shared();
        let cache = HighlightCache::default();
        let lines = snippet(2);
        cache.get_or_highlight(hl, Language::Python, DEFAULT_THEME, &lines);
        cache.get_or_highlight(hl, Language::Ruby, DEFAULT_THEME, &lines);
        cache.get_or_highlight(hl, Language::Python, "Solarized (dark)", &lines);
        cache.get_or_highlight(hl, Language::Python, DEFAULT_THEME, &lines[..1]);
        // Same concatenation, different split: must not collide.
        cache.get_or_highlight(hl, Language::Python, DEFAULT_THEME, &["def f2():    return \"2\""]);
        assert_eq!(cache.stats(), CacheStats { hits: 0, misses: 5, len: 5 });
    }

    #[test]
    fn evicts_the_least_recently_used() {
        let hl = Highlighter::shared();
        let cache = HighlightCache::new(3);
        for n in 0..3 {
            cache.get_or_highlight(hl, Language::Python, "x", &snippet(n));
        }
        assert!(cache.get(Language::Python, "x", &snippet(0)).is_some()); // 0 is now the most recent
        cache.get_or_highlight(hl, Language::Python, "x", &snippet(3)); // evicts 1
        assert!(cache.get(Language::Python, "x", &snippet(1)).is_none());
        for n in [0, 2, 3] {
            assert!(cache.get(Language::Python, "x", &snippet(n)).is_some(), "snippet {n}");
        }
        assert_eq!(cache.stats().len, 3);
        cache.clear();
        assert_eq!(cache.stats().len, 0);
    }

    #[test]
    fn cache_and_highlighter_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<HighlightCache>();
        assert_send_sync::<Highlighter>();
        let cache = Arc::new(HighlightCache::default());
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || {
                    for n in 0..8 {
                        cache.get_or_highlight(Highlighter::shared(), Language::Python, "x", &snippet(n));
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("worker");
        }
        let stats = cache.stats();
        assert_eq!(stats.len, 8);
        assert_eq!(stats.hits + stats.misses, 16);
    }
}
