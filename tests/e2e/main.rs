//! End-to-end tests of the `rolecall` binary: one test binary, one module per
//! command.
#![allow(clippy::unwrap_used)]

mod account;
mod can;
mod check;
mod eval;
mod plugins;
mod rules;

use std::path::PathBuf;

use assert_cmd::Command;

/// The `rolecall` binary built for this test run, started in the workspace root.
pub fn rolecall() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    command.current_dir(workspace());
    command
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fixture under `tests/fixtures/`.
pub fn fixture(path: &str) -> PathBuf {
    workspace().join("tests/fixtures").join(path)
}

/// Standard output as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error as text.
pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}
