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
    for finding in report.findings {
        serde_json::to_writer(&mut *out, finding)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
