//! `--format json` (one document) and `--format jsonl` (one finding a line),
//! written straight to their destination.

use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::json;

use super::Report;
use policy_core::lint::{Finding, Severity};

pub fn write_document(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document(report))?;
    out.write_all(b"\n")
}

/// The report as one JSON document, keys in alphabetical order, written as
/// it is serialized: only one finding at a time exists as a JSON tree.
struct Document<'a>(&'a Report<'a>);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut map = s.serialize_map(Some(7))?;
        map.serialize_entry("errors", &report.errors)?;
        map.serialize_entry("findings", &SortedKeys(report.findings))?;
        map.serialize_entry(
            "skipped",
            &report
                .skipped
                .iter()
                .map(|(path, reason)| json!({"path": path, "reason": reason}))
                .collect::<Vec<_>>(),
        )?;
        map.serialize_entry(
            "summary",
            &json!({
                "error": report.count(Severity::Error),
                "warning": report.count(Severity::Warning),
                "info": report.count(Severity::Info),
                "suppressed": report.suppressed.len(),
            }),
        )?;
        map.serialize_entry(
            "suppressed",
            &report
                .suppressed
                .iter()
                .map(|(code, resource, reason)| {
                    json!({"code": code, "resource": resource, "reason": reason})
                })
                .collect::<Vec<_>>(),
        )?;
        map.serialize_entry(
            "tool",
            &json!({"name": "rolecall", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        map.serialize_entry("version", &1)?;
        map.end()
    }
}

/// Findings written with their keys in alphabetical order, as the rest of
/// the document, two levels deep.
struct SortedKeys<'a>(&'a [Finding]);

impl Serialize for SortedKeys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Nested {
            items: self.0,
            tree: |finding: &Finding| serde_json::to_value(finding),
            depth: 2,
        }
        .serialize(s)
    }
}

/// A list whose items each go through a JSON tree of their own (keys in
/// alphabetical order) and are rendered as the document's pretty printer
/// would render them `depth` levels deep. The rendering is done in
/// parallel, a window at a time, so a large report is not written by one
/// thread while the others wait, and only a window of it is in memory.
pub(super) struct Nested<'a, T, F> {
    pub(super) items: &'a [T],
    pub(super) tree: F,
    pub(super) depth: usize,
}

impl<T, F> Serialize for Nested<'_, T, F>
where
    T: Sync,
    F: Fn(&T) -> Result<serde_json::Value, serde_json::Error> + Sync,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use rayon::prelude::*;
        const PER_WINDOW: usize = 8 * 1024;
        // The printer writes the indentation of an item's first line, and
        // a raw value's text as it is: its other lines are indented here.
        let indent = format!("\n{}", "  ".repeat(self.depth));
        let render = |item: &T| -> Result<Box<serde_json::value::RawValue>, serde_json::Error> {
            let text = serde_json::to_string_pretty(&(self.tree)(item)?)?;
            serde_json::value::RawValue::from_string(text.replace('\n', &indent))
        };
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for window in self.items.chunks(PER_WINDOW) {
            let rendered: Vec<_> = window.par_iter().map(render).collect();
            for item in rendered {
                seq.serialize_element(&item.map_err(serde::ser::Error::custom)?)?;
            }
        }
        seq.end()
    }
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
                    write_line(&mut part, finding)?;
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

/// One finding as a JSON line: the bytes `serde_json::to_writer` writes
/// for it (and a newline), written without going through `serde`. Reports
/// of tens of thousands of findings are mostly their strings, and most
/// strings need no escaping: checked for that at once, they are copied as
/// they are, where `serde` looks at them byte by byte.
fn write_line(out: &mut Vec<u8>, finding: &Finding) -> io::Result<()> {
    out.extend_from_slice(b"{\"code\":");
    write_str(out, &finding.code)?;
    out.extend_from_slice(b",\"rule\":");
    write_str(out, &finding.rule)?;
    out.extend_from_slice(b",\"severity\":");
    write_str(out, finding.severity.as_str())?;
    out.extend_from_slice(b",\"category\":");
    write_str(out, finding.category.as_str())?;
    out.extend_from_slice(b",\"message\":");
    write_str(out, &finding.message)?;
    out.extend_from_slice(b",\"resource\":");
    write_str(out, &finding.resource)?;
    out.extend_from_slice(b",\"location\":");
    match &finding.location {
        Some(location) => {
            out.extend_from_slice(b"{\"file\":");
            write_str(out, &location.file)?;
            out.extend_from_slice(b",\"pointer\":");
            write_str(out, &location.pointer)?;
            out.extend_from_slice(b",\"line\":");
            write_number(out, location.line);
            out.extend_from_slice(b",\"column\":");
            write_number(out, location.column);
            if let Some(inner) = &location.pointer_in_document {
                out.extend_from_slice(b",\"pointer_in_document\":");
                write_str(out, inner)?;
            }
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"help\":");
    match &finding.help {
        Some(help) => write_str(out, help)?,
        None => out.extend_from_slice(b"null"),
    }
    if let Some(explanation) = &finding.explanation {
        out.extend_from_slice(b",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    out.extend_from_slice(b",\"source\":");
    write_str(out, &finding.source)?;
    out.extend_from_slice(b"}\n");
    Ok(())
}

/// A JSON string: copied between quotes when nothing in it needs an
/// escape, else written by `serde_json`.
fn write_str(out: &mut Vec<u8>, text: &str) -> io::Result<()> {
    // Every byte is looked at (no early exit), so the check runs on
    // vectors of bytes.
    let needs_escape = text.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if needs_escape {
        serde_json::to_writer(&mut *out, text)?;
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
    Ok(())
}

/// A number, or `null`.
fn write_number(out: &mut Vec<u8>, number: Option<usize>) {
    match number {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::lint::{builtin_rules, run, Category, Location, RuleSelection};
    use std::sync::Arc;

    /// A JSON line as `serde_json` writes it.
    fn by_serde(finding: &Finding) -> Vec<u8> {
        let mut line = serde_json::to_vec(finding).expect("serializable");
        line.push(b'\n');
        line
    }

    fn by_hand(finding: &Finding) -> Vec<u8> {
        let mut line = Vec::new();
        write_line(&mut line, finding).expect("written");
        line
    }

    #[test]
    fn lines_are_what_serde_writes_for_every_fixture_finding() {
        policy_rules::link();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let account = policy_core::ingest::ingest(
            &[fixtures.join("rules"), fixtures.join("policies")],
            &|_: &str| None,
        );
        let selection = RuleSelection {
            rules: builtin_rules().expect("the built-in rules"),
            ..RuleSelection::default()
        };
        let findings = run(&account, &selection).findings;
        assert!(findings.len() > 100, "{}", findings.len());
        for finding in &findings {
            assert_eq!(
                String::from_utf8_lossy(&by_hand(finding)),
                String::from_utf8_lossy(&by_serde(finding))
            );
        }
    }

    #[test]
    fn lines_escape_what_json_escapes() {
        let texts = [
            "plain `text`",
            "a \"quoted\" word",
            "back\\slash",
            "tab\tand\nnewline\u{1}\u{1f}",
            "\u{7f} and é, 語, 🦀",
            "",
        ];
        for text in texts {
            let finding = Finding {
                code: text.to_owned().into(),
                rule: "r".into(),
                severity: Severity::Info,
                category: Category::BestPractice,
                message: text.to_owned(),
                resource: Arc::from(text),
                location: Some(Box::new(Location {
                    file: Arc::from(text),
                    pointer: text.to_owned(),
                    line: None,
                    column: Some(7),
                    pointer_in_document: Some(text.to_owned()),
                })),
                help: Some(text.to_owned()),
                explanation: Some(Box::new(json!({"why": text, "n": [1, 2]}))),
                source: text.to_owned().into(),
            };
            assert_eq!(by_hand(&finding), by_serde(&finding), "{text:?}");
            let bare = Finding {
                location: None,
                help: None,
                explanation: None,
                ..finding
            };
            assert_eq!(by_hand(&bare), by_serde(&bare), "{text:?}");
        }
    }
}
