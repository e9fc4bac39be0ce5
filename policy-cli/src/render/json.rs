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
