//! Tests of the digest that need more than one file: renderer snapshots over a hand-made digest
//! (`render`), and `gather` against a scripted HTTP server (`gather`).

pub(crate) mod fixtures;
mod gather;
mod render;
