//! rolecall's project automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask ci`: format check, clippy with warnings as errors, every test.
//! - `cargo xtask bench [--cases N]`: the evaluator micro-benchmark (divan)
//!   and `rolecall eval` end-to-end throughput on a generated case file.
#![forbid(unsafe_code)]

mod bench;
mod catalog;
mod corpus;
mod managed_policies;
mod new_plugin;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    match task {
        "ci" => ci(),
        "bench" => bench::run(rest),
        "catalog" => catalog::run(rest),
        "managed-policies" => managed_policies::run(rest),
        "docs" => docs(),
        "corpus" => corpus::run(rest),
        "new-plugin" => new_plugin::run(rest),
        "help" | "--help" | "-h" => {
            println!("usage: cargo xtask <task>\n\ntasks:\n  ci      format check, clippy -D warnings, all tests\n  bench   evaluator micro-benchmark and `rolecall eval` throughput [--cases N]\n  docs    regenerate docs/rules.md and docs/rules/CODE.md from the rules\n  new-plugin NAME [--dir DIR]   scaffold a rule plugin crate");
            Ok(())
        }
        other => bail!("unknown task `{other}`; run `cargo xtask help`"),
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cargo` with `args` in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot run `{cargo}`"))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Regenerates the rule reference from the rules' metadata.
fn docs() -> Result<()> {
    policy_rules::link();
    let files = policy_rules::docs::render().map_err(anyhow::Error::msg)?;
    for (path, content) in &files {
        let full = root().join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&full, content).with_context(|| format!("cannot write `{path}`"))?;
    }
    eprintln!("xtask docs: wrote {} files", files.len());
    Ok(())
}

fn ci() -> Result<()> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    // The plugin libraries the end-to-end tests load.
    cargo(&[
        "build",
        "-p",
        "rolecall-plugin-example",
        "-p",
        "rolecall-plugin-fixture-wrong-magic",
        "-p",
        "rolecall-plugin-fixture-wrong-major",
        "-p",
        "rolecall-plugin-fixture-panicking",
        "-p",
        "rolecall-plugin-fixture-aborting",
    ])?;
    let (passed, failed) = cargo_test(&["test", "--workspace"])?;
    // One closing line for the whole run: cargo prints one per test binary,
    // the last of which is often an empty doc-test run.
    println!("tests: {passed} passed, {failed} failed");
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// Runs `cargo test …`, passing its output through, and adds up the
/// `test result:` lines.
fn cargo_test(args: &[&str]) -> Result<(usize, usize)> {
    use std::io::{BufRead, BufReader};
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("$ cargo {}", args.join(" "));
    let mut child = Command::new(&cargo)
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{cargo}`"))?;
    let (mut passed, mut failed) = (0usize, 0usize);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| -> usize {
                    rest.split(';')
                        .find_map(|part| part.trim().strip_suffix(word))
                        .and_then(|n| n.trim().rsplit(' ').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0)
                };
                passed += count("passed");
                failed += count("failed");
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        println!("tests: {passed} passed, {} failed", failed.max(1));
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok((passed, failed))
}
