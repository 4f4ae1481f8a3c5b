//! The `sift` binary: parses the command line and hands over to [`sift::cli`].

use std::process::ExitCode;

/// mimalloc: the ingest path allocates many small JSON nodes per event on several threads,
/// where glibc's allocator measured as the top cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    sift::cli::main()
}
