//! The `sift` binary: parses the command line and hands over to [`sift::cli`].

use std::process::ExitCode;

/// mimalloc: the ingest path allocates many small JSON nodes per event on several threads,
/// where glibc's allocator measured as the top cost. Its v2 line (the `v2` feature) because v2
/// hands freed pages back to the OS after 10 ms; v3 waits a second, and in the 30-minute soak its
/// resident memory climbed 25% while v2's stayed flat (README, Hardening).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    sift::cli::main()
}
