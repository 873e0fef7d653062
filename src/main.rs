//! The `patina` binary: parse arguments, run the library, print the error
//! chain, set the exit code. Everything else lives in the library.

use std::process::ExitCode;

/// mimalloc instead of the system allocator: generation makes and frees many
/// small values and large per-chunk buffers on every thread (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            // Print the cause chain once: a cause whose text an outer message
            // already quotes (drivers repeat themselves) is left out.
            let mut printed: Vec<String> = Vec::new();
            for cause in err.chain() {
                let text = cause.to_string();
                if !printed.iter().any(|p| p.contains(&text)) {
                    printed.push(text);
                }
            }
            eprintln!("error: {}", printed.join(": "));
            let interrupted = err.chain().any(|c| {
                matches!(
                    c.downcast_ref::<patina::error::Error>(),
                    Some(patina::error::Error::Sink(
                        patina::error::SinkError::Interrupted
                    ))
                )
            });
            if interrupted {
                ExitCode::from(patina::cli::INTERRUPTED)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
