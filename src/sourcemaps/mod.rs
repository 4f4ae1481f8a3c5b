//! Source maps on sift's server: artifact bundles as sentry-cli 3.x uploads them (chunks, then
//! an assemble call), stored through the store's writer, and the [`SourceMapService`] that
//! ingest asks for the map of a minified frame.
//!
//! Contract: the service knows which projects have bundles without asking the database (a set
//! loaded at start and updated by every assembly in this process), so events of other projects
//! pay one hash lookup; for projects with bundles, lookups and parsed maps are cached in memory
//! (bounded), so a steady stream of events from one build reads the database once per file.
//! Everything that reads SQLite here is blocking and runs off the async threads.

pub mod assemble;
pub mod bundle;
mod cache;
mod service;

pub use service::SourceMapService;
