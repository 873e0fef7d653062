//! The `patina` binary: parse arguments, run the library, print the error
//! chain, set the exit code. Everything else lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    match patina::cli::run() {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`patina inspect … | head`) is not a failure.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
