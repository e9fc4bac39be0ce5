//! `--format json` (one document) and `--format jsonl` (one finding a line).

use serde_json::json;

use super::Report;
use policy_core::lint::Severity;

pub fn document(report: &Report<'_>) -> String {
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
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

pub fn lines(report: &Report<'_>) -> String {
    let mut out = String::new();
    for finding in report.findings {
        if let Ok(line) = serde_json::to_string(finding) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
