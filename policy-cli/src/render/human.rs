//! `--format human`: findings grouped by the function (or role) they are
//! about, each with the offending source line, a marker under it, and the fix.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use policy_core::lint::{Finding, Severity};
use policy_core::model::{Account, SourceLookup};

use super::Report;

struct Style {
    colour: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn severity(&self, severity: Severity) -> String {
        match severity {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
            Severity::Info => self.paint("1;36", "info"),
        }
    }
}

/// The function, role, policy or file a finding is about, for grouping:
/// functions first, then roles, then policies and policy files.
fn group_of(account: &Account, finding: &Finding) -> (u8, String) {
    if let Some(function) = account.function_for(&finding.resource) {
        return (0, format!("function {}", function.name));
    }
    if let Some(role) = account.roles.get(&*finding.resource) {
        return (1, format!("role {}", role.name));
    }
    if account.managed_policies.contains_key(&*finding.resource) {
        return (2, format!("policy {}", finding.resource));
    }
    if finding.resource.starts_with("arn:") {
        return (2, finding.resource.to_string());
    }
    (3, format!("file {}", finding.resource))
}

/// How many characters of a source line are shown.
const SHOWN_CHARS: usize = 160;

/// How many characters are shown before the marker when the line is too
/// long to be shown from its start.
const SHOWN_BEFORE_MARKER: usize = 60;

/// The part of `line` shown for a marker under `column` (1-based, in
/// characters), and the marker's column in it: the line's start when the
/// column is within it, else a window around the column after a `…` — a
/// minified file, a policy string or a URL-encoded document is one long
/// line.
fn shown_window(line: &str, column: usize) -> (String, usize) {
    if column + SHOWN_CHARS / 4 <= SHOWN_CHARS {
        return (line.chars().take(SHOWN_CHARS).collect(), column);
    }
    let skipped = column - 1 - SHOWN_BEFORE_MARKER;
    let mut shown = String::from("…");
    shown.extend(line.chars().skip(skipped).take(SHOWN_CHARS - 1));
    (shown, column - skipped + 1)
}

/// What goes before the marker under `column` (1-based, in characters) of
/// `line`: a tab where the line has one, so that the marker lands under
/// the column however wide the terminal draws tabs; a space elsewhere.
fn marker_padding(line: &str, column: usize) -> String {
    let before = column.saturating_sub(1).min(SHOWN_CHARS);
    let mut pad: String = line
        .chars()
        .take(before)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let short = before.saturating_sub(pad.chars().count());
    pad.extend(std::iter::repeat_n(' ', short));
    pad
}

/// The input files' lines, read on first use: the model keeps no copy of
/// the input, and a report points into few of its files.
struct SourceLines<'a> {
    /// The input files (a report may point into thousands).
    sources: SourceLookup<'a>,
    /// The index of a file in the account's → its text and where each line
    /// starts.
    files: HashMap<usize, Option<LinedText>>,
}

/// A file's text and where each of its lines starts.
type LinedText = (Arc<str>, Vec<usize>);

impl SourceLines<'_> {
    fn line(&mut self, file: &Arc<str>, line: usize) -> Option<&str> {
        let sources = &self.sources;
        let index = sources.index_of(file)?;
        let entry = self.files.entry(index).or_insert_with(|| {
            let text = sources.get(file)?.read_text()?;
            let starts = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            Some((text, starts))
        });
        let (text, starts) = entry.as_ref()?;
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        // Columns leave out a byte order mark; so does the line shown.
        text.get(start..end)
            .map(|l| policy_core::locate::without_blanked_mark(l).trim_end_matches('\r'))
    }
}

pub fn render(report: &Report<'_>, account: &Account, colour: bool) -> String {
    let style = Style { colour };
    let mut sources = SourceLines {
        sources: SourceLookup::new(&account.sources),
        files: HashMap::new(),
    };
    let mut out = String::new();
    let mut groups: BTreeMap<(u8, String), Vec<&Finding>> = BTreeMap::new();
    for finding in report.findings {
        groups
            .entry(group_of(account, finding))
            .or_default()
            .push(finding);
    }
    for ((_, group), findings) in &groups {
        let _ = writeln!(out, "{}", style.paint("1", group));
        for f in findings {
            let _ = writeln!(
                out,
                "  {}[{}] {}",
                style.severity(f.severity),
                f.code,
                f.message
            );
            if let Some(location) = &f.location {
                let mut at = location.file.to_string();
                if let (Some(line), Some(column)) = (location.line, location.column) {
                    let _ = write!(at, ":{line}:{column}");
                }
                if let Some(inner) = &location.pointer_in_document {
                    let _ = write!(at, " (in the policy string, at {inner})");
                }
                let _ = writeln!(out, "    {} {at}", style.paint("34", "-->"));
                if let (Some(line), Some(column)) = (location.line, location.column) {
                    if let Some(text) = sources.line(&location.file, line) {
                        let (shown, column) = shown_window(text, column);
                        let width = line.to_string().len();
                        let _ = writeln!(
                            out,
                            "    {:>width$} {} {shown}",
                            line,
                            style.paint("34", "|")
                        );
                        let pad = marker_padding(&shown, column);
                        let _ = writeln!(
                            out,
                            "    {:>width$} {} {pad}{}",
                            "",
                            style.paint("34", "|"),
                            style.paint("1;31", "^")
                        );
                    }
                }
            }
            if let Some(help) = &f.help {
                let _ = writeln!(out, "    {} {help}", style.paint("1", "= help:"));
            }
        }
        let _ = writeln!(out);
    }
    // Files of no kind rolecall reads are named, not silently passed over
    // (a few: the JSON report lists them all).
    const SKIPPED_SHOWN: usize = 10;
    if !report.skipped.is_empty() {
        let _ = writeln!(
            out,
            "{} {} file(s) skipped:",
            style.paint("1;33", "note:"),
            report.skipped.len()
        );
        for (path, reason) in report.skipped.iter().take(SKIPPED_SHOWN) {
            let _ = writeln!(out, "  {path}: {reason}");
        }
        if report.skipped.len() > SKIPPED_SHOWN {
            let _ = writeln!(
                out,
                "  … and {} more (`--format json` lists them all)",
                report.skipped.len() - SKIPPED_SHOWN
            );
        }
    }
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s), {} info{}",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        if report.suppressed.is_empty() {
            String::new()
        } else {
            format!(", {} suppressed", report.suppressed.len())
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::{marker_padding, shown_window};

    #[test]
    fn a_long_line_is_shown_around_its_marker() {
        let line: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        // Near the start: from the start.
        let (shown, column) = shown_window(&line, 100);
        assert_eq!((shown.chars().count(), column), (160, 100));
        // Far along: a window after `…`, the marker still under the column's
        // character.
        for at in [121, 522, 1000] {
            let (shown, column) = shown_window(&line, at);
            assert!(shown.starts_with('…'), "{at}");
            assert_eq!(
                shown.chars().nth(column - 1),
                line.chars().nth(at - 1),
                "{at}"
            );
            assert!(shown.chars().count() <= 160, "{at}");
        }
    }

    #[test]
    fn the_marker_padding_keeps_the_lines_tabs() {
        assert_eq!(marker_padding("\t\t\"lambda:Invoke\",", 3), "\t\t");
        assert_eq!(marker_padding("    \"Action\": [", 5), "    ");
        assert_eq!(marker_padding(" \tx", 3), " \t");
        // A column past the line's end (its newline) is still marked.
        assert_eq!(marker_padding("ab", 4), "   ");
        assert_eq!(marker_padding("anything", 1), "");
    }
}
