//! The `sift` binary: parses the command line and hands over to [`sift::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    sift::cli::main()
}
