//! `--format sarif`: SARIF 2.1.0, one rule per code, results located at the
//! offending statement's file and line.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use super::json::Nested;
use super::Report;
use policy_core::lint::{Finding, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn write_document(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Log(report))?;
    out.write_all(b"\n")
}

/// The SARIF log, keys in alphabetical order at every level, written as it
/// is serialized: the results, by far its largest part, a window at a
/// time ([`Nested`]), never as one tree.
struct Log<'a>(&'a Report<'a>);

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        map.serialize_entry("runs", &[Run(self.0)])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

/// The log's one run.
struct Run<'a>(&'a Report<'a>);

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut map = s.serialize_map(Some(4))?;
        // Columns count characters (SARIF's default is UTF-16 code units,
        // which differ past the Basic Multilingual Plane).
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
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
        map.serialize_entry(
            "invocations",
            &json!([{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
        )?;
        // Each result is two levels inside the run, four inside the log.
        map.serialize_entry(
            "results",
            &Nested {
                items: report.findings,
                tree: |finding: &Finding| Ok(result(report, finding)),
                depth: 4,
            },
        )?;
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
        map.serialize_entry(
            "tool",
            &json!({"driver": {
                "name": "rolecall",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/rolecall",
                "rules": rules,
            }}),
        )?;
        map.end()
    }
}

/// One finding as a SARIF result.
fn result(report: &Report<'_>, f: &Finding) -> Value {
    let mut result = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": {"text": match &f.help { Some(h) => format!("{}. Fix: {h}", f.message), None => f.message.clone() }},
        "properties": {"resource": f.resource, "source": f.source},
    });
    if let Some(i) = report.rules.iter().position(|r| r.meta().code == f.code) {
        result["ruleIndex"] = json!(i);
    }
    let logical = json!([{"fullyQualifiedName": f.resource, "kind": "resource"}]);
    match &f.location {
        Some(location) => {
            let mut region = serde_json::Map::new();
            if let Some(line) = location.line {
                region.insert("startLine".into(), json!(line));
            }
            if let Some(column) = location.column {
                region.insert("startColumn".into(), json!(column));
            }
            // Where in the JSON, also inside a policy written as a string:
            // what the region's line and column point into.
            result["properties"]["pointer"] = json!(location.pointer);
            if let Some(inner) = &location.pointer_in_document {
                result["properties"]["pointerInDocument"] = json!(inner);
            }
            let mut physical = json!({"artifactLocation": {"uri": location.file}});
            if !region.is_empty() {
                physical["region"] = Value::Object(region);
            }
            result["locations"] = json!([{
                "physicalLocation": physical,
                "logicalLocations": logical,
            }]);
        }
        None => result["locations"] = json!([{ "logicalLocations": logical }]),
    }
    result
}
