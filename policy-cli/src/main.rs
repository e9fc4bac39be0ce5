//! `rolecall`: what can each AWS Lambda function do, and who can call it?
//!
//! Only this binary prints; the libraries return values.
// `deny`, not `forbid`: src/plugin_host.rs loads plugins and must use `unsafe`.
#![deny(unsafe_code)]

/// `println!` that ignores a closed standard output (`rolecall … | head`)
/// instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that ignores a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod account_input;
mod can;
mod check;
mod config;
mod eval;
mod explain;
mod inspect;
mod plugin_host;
mod policy_input;
mod render;
mod rules;
mod who_can;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

// The built-in rules register themselves with `inventory`; naming the crate
// keeps the linker from dropping them.
fn link_rules() {
    policy_rules::link();
}

// rolecall allocates many small strings while reading policies; mimalloc
// handles that pattern far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status: the run succeeded and found nothing at the threshold.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings at the threshold, or an `--expect` mismatch.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: the run was incomplete (bad input, bad config).
pub const EXIT_INCOMPLETE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "rolecall",
    version,
    about = "What can each AWS Lambda function do, and who can call it? An exact IAM evaluator and linter.",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find what is broken, dangerous or sloppy in the Lambda permissions of account dumps.
    Check(Box<check::CheckArgs>),
    /// Decide one request: is PRINCIPAL allowed ACTION on RESOURCE under these policies?
    Can(Box<can::CanArgs>),
    /// Decide a batch of cases (JSON lines in, one decision line out per case).
    Eval(eval::EvalArgs),
    /// Show what rolecall understood from an account dump.
    Inspect(inspect::InspectArgs),
    /// List every principal allowed ACTION on RESOURCE in an account dump, with the conditions it needs.
    WhoCan(who_can::WhoCanArgs),
    /// List the rules, or print one rule's documentation.
    Rules(rules::RulesArgs),
    /// Runs one plugin task in a child process (used by --isolate-plugins).
    #[command(name = "__plugin-worker", hide = true)]
    PluginWorker {
        task: String,
        path: std::path::PathBuf,
    },
}

/// With `ROLECALL_REPORT_PEAK_MEMORY` set, prints the process's peak
/// resident memory on standard error (for `cargo xtask bench`; Linux only).
fn report_peak_memory() {
    if std::env::var_os("ROLECALL_REPORT_PEAK_MEMORY").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        eprintln!("peak memory: {}", line.trim_start_matches("VmHWM:").trim());
    }
}

/// `rolecall --version`: the version and the data it carries.
fn long_version() -> &'static str {
    let managed = match policy_core::managed::aws_managed_policies() {
        Ok(set) => format!("{} policies from {}", set.len(), set.source()),
        Err(e) => format!("unavailable: {e}"),
    };
    let catalog = match policy_core::catalog::catalog() {
        Ok(catalog) => catalog.source().to_string(),
        Err(e) => format!("unavailable: {e}"),
    };
    let text = format!(
        "{}\nAWS managed policies: {managed}\nIAM action catalog: {catalog}",
        env!("CARGO_PKG_VERSION")
    );
    // Computed once per process; clap wants a static string.
    Box::leak(text.into_boxed_str())
}

fn main() -> ExitCode {
    link_rules();
    // Loading the embedded data for the long version costs time and memory:
    // only when asked.
    let mut command = Cli::command();
    // `args_os`: an argument that is not UTF-8 (a path) is clap's to report.
    if std::env::args_os().any(|a| a == "--version") {
        command = command.long_version(long_version());
    }
    let matches = command.get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Can(args) => can::run(*args),
        Command::Eval(args) => eval::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::WhoCan(args) => who_can::run(args),
        Command::Rules(args) => rules::run(args),
        Command::PluginWorker { task, path } => Ok(plugin_host::worker(&task, &path)),
    };
    report_peak_memory();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_INCOMPLETE)
        }
    }
}
