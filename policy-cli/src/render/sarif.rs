//! `--format sarif`: SARIF 2.1.0, one rule per code, results located at the
//! offending statement's file and line.

use serde_json::{json, Value};

use super::Report;
use policy_core::lint::Severity;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn write_document(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": m.docs, "markdown": m.docs},
                "defaultConfiguration": {"level": level(m.default_severity)},
                "properties": {"category": m.category.as_str(), "tags": [m.category.as_str()]},
            })
        })
        .collect();
    let index_of = |code: &str| report.rules.iter().position(|r| r.meta().code == code);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": {"text": match &f.help { Some(h) => format!("{}. Fix: {h}", f.message), None => f.message.clone() }},
                "properties": {"resource": f.resource, "source": f.source},
            });
            if let Some(i) = index_of(&f.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(location) = &f.location {
                let mut region = serde_json::Map::new();
                if let Some(line) = location.line {
                    region.insert("startLine".into(), json!(line));
                }
                if let Some(column) = location.column {
                    region.insert("startColumn".into(), json!(column));
                }
                let mut physical = json!({"artifactLocation": {"uri": location.file}});
                if !region.is_empty() {
                    physical["region"] = Value::Object(region);
                }
                result["locations"] = json!([{
                    "physicalLocation": physical,
                    "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
                }]);
            } else {
                result["locations"] = json!([{"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]}]);
            }
            result
        })
        .collect();
    // What the run could not analyse: input errors, and files skipped
    // (a mistyped policy file must not vanish from a CI report).
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|error| json!({"level": "error", "message": {"text": error}}))
        .chain(report.skipped.iter().map(|(path, reason)| {
            json!({
                "level": "note",
                "message": {"text": format!("skipped: {reason}")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}}}],
            })
        }))
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolecall",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/rolecall",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
