//! `--format json` (one document) and `--format jsonl` (one finding a line),
//! written straight to their destination.

use std::io::{self, Write};

use serde_json::json;

use super::Report;
use policy_core::lint::Severity;

pub fn write_document(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "version": 1,
        "tool": {"name": "rolecall", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "error": report.count(Severity::Error),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
            "suppressed": report.suppressed.len(),
        },
        "findings": report.findings,
        "suppressed": report.suppressed.iter().map(|(code, resource, reason)| json!({"code": code, "resource": resource, "reason": reason})).collect::<Vec<_>>(),
        "skipped": report.skipped.iter().map(|(path, reason)| json!({"path": path, "reason": reason})).collect::<Vec<_>>(),
        "errors": report.errors,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

pub fn write_lines(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    // Findings are serialized in parallel, a window at a time, and written
    // in order: the output is the same, and at most one window of it is
    // held in memory.
    const PER_TASK: usize = 512;
    const PER_WINDOW: usize = PER_TASK * 32;
    for window in report.findings.chunks(PER_WINDOW) {
        let parts: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(PER_TASK)
            .map(|findings| {
                let mut part = Vec::with_capacity(findings.len() * 512);
                for finding in findings {
                    serde_json::to_writer(&mut part, finding)?;
                    part.push(b'\n');
                }
                Ok(part)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}
