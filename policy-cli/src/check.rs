//! `rolecall check [PATH ...]`: every Lambda permission problem in a dump.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use policy_core::lint::{builtin_rules, Finding, Rule, RuleSelection, Severity};

use crate::config::{self, resolve_selector, Config};
use crate::render::{self, Report};
use crate::{account_input, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};

#[derive(Args)]
pub struct CheckArgs {
    /// Account dumps (folders and files of AWS CLI JSON output) and policy files.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Configuration file (default: ./rolecall.toml when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules: codes, names or prefixes, comma-separated (`EXR`, `RBP006`, `public-invoke`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not run these rules (codes, names or prefixes).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Load a rule plugin (a cdylib built with `policy_core::export_plugin!`); repeatable.
    #[arg(long = "plugin", value_name = "PATH")]
    plugins: Vec<PathBuf>,
    /// Run each plugin in a child process, so that even an abort or a crash is reported as an error.
    #[arg(long)]
    isolate_plugins: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

pub fn run(args: CheckArgs) -> anyhow::Result<u8> {
    // One pool for the whole run (plugins, reading, rules and rendering),
    // sized by `--jobs`. It is the global pool, so rendering code needs no
    // handle; it must be built before anything else uses rayon.
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build_global()
        .context("cannot start worker threads")?;
    let mut rules = builtin_rules().map_err(anyhow::Error::msg)?;
    let mut errors: Vec<String> = Vec::new();

    let config_path = args.config.clone().or_else(|| {
        let default = PathBuf::from("rolecall.toml");
        default.is_file().then_some(default)
    });
    let mut plugin_paths = args.plugins.clone();
    if let Some(path) = &config_path {
        plugin_paths.extend(config::plugin_paths(path));
    }
    let (plugin_rules, plugin_errors) =
        crate::plugin_host::load_all(&plugin_paths, args.isolate_plugins, &rules);
    errors.extend(plugin_errors);
    rules.extend(plugin_rules);
    let config = match &config_path {
        Some(path) => {
            let (config, problems) = config::load(path, &rules);
            errors.extend(problems.iter().map(ToString::to_string));
            config
        }
        None => Config::default(),
    };
    let selection = select(&rules, &config, &args, &mut errors);

    // Progress on standard error, for long runs on a terminal only; it never
    // mixes with the report (standard output, or --output).
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar.set_message("reading the account dump");
        Some(bar)
    } else {
        None
    };
    let timings = std::env::var_os("ROLECALL_REPORT_TIMINGS").is_some();
    let started = std::time::Instant::now();
    // The action catalog and its look-up tables take a few milliseconds
    // to build: do it on the side while the dump is read, not in the first
    // rule that needs them while the other workers wait. (The managed policies are needed by
    // the reading itself, as soon as a role names one.)
    rayon::spawn(|| {
        if let Ok(catalog) = policy_core::catalog::catalog() {
            catalog.prepare();
        }
    });
    let prepared = policy_core::lint::PreparedRules::new(&selection);
    let (account, policy_files) = account_input::load_linting(&args.paths, &prepared);
    let read = started.elapsed();
    let resident_after_read = timings.then(resident_memory);
    if let Some(bar) = &progress {
        bar.set_message(format!(
            "checking {} functions, {} roles and {} policies with {} rules",
            account.functions.len(),
            account.roles.len(),
            account.policies.len() + policy_files.len(),
            selection.rules.len()
        ));
    }
    for p in &account.problems {
        let place = match (p.line, p.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", p.path),
            _ => p.path.clone(),
        };
        errors.push(match &p.help {
            Some(help) => format!("{place}: {}\n  help: {help}", p.message),
            None => format!("{place}: {}", p.message),
        });
    }
    let output = prepared.run(&account, policy_files);
    let checked = started.elapsed();
    let resident_after_rules = timings.then(resident_memory);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut findings = output.findings;
    for e in &output.errors {
        errors.push(format!(
            "rule `{}` did not run to the end: {}",
            e.rule, e.message
        ));
    }
    let mut suppressed = Vec::new();
    findings.retain(|f| {
        match config
            .suppress
            .iter()
            .find(|s| s.code == f.code && s.resource.is_match(&f.resource))
        {
            Some(s) => {
                suppressed.push((f.code.to_string(), f.resource.to_string(), s.reason.clone()));
                false
            }
            None => true,
        }
    });

    let report = Report {
        findings: &findings,
        suppressed: &suppressed,
        rules: &selection.rules,
        skipped: account
            .skipped
            .iter()
            .map(|s| (s.path.clone(), s.reason.clone()))
            .collect(),
        errors: errors.clone(),
    };
    let colour = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    // Reports are written straight to their destination through a buffer,
    // never built as one string: a large account has tens of thousands of
    // findings.
    let mut sink: Box<dyn std::io::Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create(path)
                .with_context(|| format!("cannot write `{}`", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        )),
    };
    let written = match args.format {
        Format::Human => {
            sink.write_all(render::human::render(&report, &account, colour).as_bytes())
        }
        Format::Json => render::json::write_document(&report, &mut sink),
        Format::Jsonl => render::json::write_lines(&report, &mut sink),
        Format::Sarif => render::sarif::write_document(&report, &mut sink),
    }
    .and_then(|()| sink.flush());
    drop(sink);
    match written {
        // A closed standard output (`| head`) is not an error of the run.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && args.output.is_none() => {}
        Err(e) => return Err(anyhow::Error::new(e).context("cannot write the report")),
        Ok(()) => {}
    }
    if timings {
        eprintln!(
            "timings: read {:.3} s, rules {:.3} s, report {:.3} s",
            read.as_secs_f64(),
            (checked - read).as_secs_f64(),
            (started.elapsed() - checked).as_secs_f64()
        );
        eprintln!(
            "resident memory: after reading {}, after the rules {}, peak {}",
            resident_after_read.flatten().unwrap_or_default(),
            resident_after_rules.flatten().unwrap_or_default(),
            memory_status("VmHWM:").unwrap_or_default()
        );
    }
    // JSON lines hold findings only: what was skipped goes to standard
    // error there, as the other formats show it in the report.
    if args.format == Format::Jsonl {
        for skipped in &account.skipped {
            eprintln!("note: skipped {}: {}", skipped.path, skipped.reason);
        }
    }
    for error in &errors {
        eprintln!("error: {error}");
    }
    let code = exit_code(&findings, args.fail_on, !errors.is_empty());
    // The process ends here: freeing a large account's model and findings
    // piece by piece would only delay the exit.
    std::mem::forget(account);
    std::mem::forget(findings);
    Ok(code)
}

/// The process's resident memory now (Linux; for `ROLECALL_REPORT_TIMINGS`).
fn resident_memory() -> Option<String> {
    memory_status("VmRSS:")
}

/// One memory line of `/proc/self/status`, e.g. `VmHWM:` (peak resident).
fn memory_status(field: &str) -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    Some(line.trim_start_matches(field).trim().to_owned())
}

fn select(
    rules: &[&'static dyn Rule],
    config: &Config,
    args: &CheckArgs,
    errors: &mut Vec<String>,
) -> RuleSelection {
    let mut resolve = |selectors: &[String]| -> Vec<String> {
        let mut codes = Vec::new();
        for s in selectors {
            match resolve_selector(s, rules) {
                Ok(found) => codes.extend(found),
                Err(message) => errors.push(message),
            }
        }
        codes
    };
    let select = if args.select.is_empty() {
        config.select.clone()
    } else {
        resolve(&args.select)
    };
    let mut ignore = resolve(&args.ignore);
    ignore.extend(config.ignore.iter().cloned());
    let enabled = rules
        .iter()
        .copied()
        .filter(|r| {
            (select.is_empty() && args.select.is_empty())
                || select.iter().any(|c| c == r.meta().code)
        })
        .filter(|r| !ignore.iter().any(|c| c == r.meta().code))
        .collect();
    RuleSelection {
        rules: enabled,
        severity: config.severity.clone(),
        options: config.options.clone(),
        sources: Default::default(),
    }
}

fn exit_code(findings: &[Finding], fail_on: FailOn, incomplete: bool) -> u8 {
    if incomplete {
        return EXIT_INCOMPLETE;
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    match threshold {
        Some(t) if findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
