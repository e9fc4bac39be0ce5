//! `rolecall eval`: batch decisions over JSON lines, streamed in chunks that
//! are decided in parallel and written back in input order.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use policy_core::eval::case::Case;
use policy_core::eval::Evaluator;
use rayon::prelude::*;
use serde_json::json;

use crate::explain;
use crate::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};

/// Lines decided together. Large enough to keep every core busy, small
/// enough that memory stays flat on a million-case input.
const CHUNK: usize = 4096;

#[derive(Args)]
pub struct EvalArgs {
    /// File of cases, one JSON object per line; `-` or nothing reads standard input.
    file: Option<PathBuf>,
    /// Add the deciding statements, every statement's outcome, notes and policy errors.
    #[arg(long)]
    explain: bool,
    /// Compare each decision with the case's `expected` member; report
    /// mismatches on standard error and exit 1 if there is any.
    #[arg(long)]
    check_expected: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
}

struct Outcome {
    line: String,
    error: bool,
    mismatch: Option<String>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    let input: Box<dyn BufRead> = match args.file.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(path) => Box::new(BufReader::new(
            File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?,
        )),
    };
    let source = args
        .file
        .as_ref()
        .map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let evaluator = Evaluator::new();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let (mut errors, mut mismatches, mut cases) = (0usize, 0usize, 0usize);
    let mut lines = input.lines().enumerate();
    let mut chunk: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        for (number, line) in lines.by_ref() {
            let line =
                line.with_context(|| format!("cannot read `{source}` at line {}", number + 1))?;
            if !line.trim().is_empty() {
                chunk.push((number + 1, line));
            }
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Outcome> = pool.install(|| {
            chunk
                .par_iter()
                .map(|(number, line)| {
                    decide_line(&evaluator, *number, line, args.explain, args.check_expected)
                })
                .collect()
        });
        for outcome in outcomes {
            cases += 1;
            errors += usize::from(outcome.error);
            if let Some(message) = outcome.mismatch {
                mismatches += 1;
                eprintln!("{source}: {message}");
            }
            let written = out
                .write_all(outcome.line.as_bytes())
                .and_then(|()| out.write_all(b"\n"));
            if let Err(e) = written {
                // The reader went away (`rolecall eval … | head`): stop quietly.
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return Ok(EXIT_OK);
                }
                return Err(e.into());
            }
        }
    }
    if let Err(e) = out.flush() {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(EXIT_OK);
        }
        return Err(e.into());
    }
    if cases == 0 {
        eprintln!("error: `{source}` holds no cases; write one JSON object per line (see `rolecall eval --help`)");
        return Ok(EXIT_INCOMPLETE);
    }
    if args.check_expected {
        eprintln!(
            "{} passed, {} failed",
            cases - mismatches - errors,
            mismatches + errors
        );
    }
    if errors > 0 {
        eprintln!(
            "error: {errors} of {cases} cases could not be evaluated (see their `error` member)"
        );
        return Ok(EXIT_INCOMPLETE);
    }
    Ok(if mismatches > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn decide_line(
    evaluator: &Evaluator,
    number: usize,
    line: &str,
    explain: bool,
    check: bool,
) -> Outcome {
    let case = match Case::parse_line(line) {
        Ok(case) => case,
        Err((name, error)) => {
            let message = format!("line {number}: {error}");
            return Outcome {
                line: json!({"name": name, "decision": "Error", "error": message}).to_string(),
                error: true,
                mismatch: None,
            };
        }
    };
    let request = case.request();
    let name = serde_json::to_string(&case.name).unwrap_or_else(|_| "null".to_owned());
    let (decision, line) = if explain {
        let response = evaluator.evaluate(&request, &case.policies);
        let rest = explain::response_json(None, &response, &explain::NoSources).to_string();
        // `name` first, then the explanation's members.
        let members = rest.strip_prefix('{').unwrap_or("}");
        let separator = if members == "}" { "" } else { "," };
        (
            response.decision,
            format!("{{\"name\":{name}{separator}{members}"),
        )
    } else {
        let decision = evaluator.decide(&request, &case.policies);
        (
            decision,
            format!("{{\"name\":{name},\"decision\":\"{decision}\"}}"),
        )
    };
    let mismatch = match (&case.expected, check) {
        (Some(expected), true) if expected != decision.as_str() => Some(format!(
            "line {number}: case {} expected {expected}, got {decision}",
            case.name
        )),
        _ => None,
    };
    Outcome {
        line,
        error: false,
        mismatch,
    }
}
