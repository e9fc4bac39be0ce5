//! The one finding model every rule reports into and every renderer reads.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::{Account, SourceRef};
use crate::policy::DocumentEncoding;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Least-privilege advice.
    Info,
    /// Risky, or wrong by best practice.
    Warning,
    /// The function is broken or exposed now.
    Error,
}

impl Severity {
    /// `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Reads `info`, `warning` or `error`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of problem a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Broken: the function cannot do what its configuration needs.
    Correctness,
    /// Dangerous: too much access, to the function or to others.
    Security,
    /// Sloppy: works, but against best practice or least privilege.
    BestPractice,
}

impl Category {
    /// `correctness`, `security`, `best-practice`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::BestPractice => "best-practice",
        }
    }
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file (shared with the model's record of it).
    pub file: Arc<str>,
    /// JSON pointer of the element in the file.
    pub pointer: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// For a policy written as a string inside the file: the pointer inside
    /// the policy document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer_in_document: Option<String>,
}

impl Location {
    /// The location of `source` in the account's files; `inner` is a pointer
    /// inside a policy document found there.
    pub fn of(
        account: &Account,
        source: &SourceRef,
        encoding: DocumentEncoding,
        inner: &str,
    ) -> Option<Location> {
        let file = account.sources.get(source.file)?;
        let (pointer, pointer_in_document) = match encoding {
            DocumentEncoding::Object => (format!("{}{inner}", source.pointer), None),
            _ => (
                source.pointer.clone(),
                (!inner.is_empty()).then(|| inner.to_owned()),
            ),
        };
        // Lines and columns are added for all findings at once, reading each
        // file once: [`complete_locations`].
        Some(Location {
            file: file.path.clone(),
            pointer,
            line: None,
            column: None,
            pointer_in_document,
        })
    }
}

/// Adds lines and columns to the findings' locations that lack them: each
/// file findings point into is read once (in parallel), its pointers located,
/// and its text dropped again.
pub fn complete_locations(account: &Account, findings: &mut [Finding]) {
    fn unlocated(finding: &Finding) -> Option<&Location> {
        finding.location.as_deref().filter(|l| l.line.is_none())
    }
    use rayon::prelude::*;
    if let [file] = account.sources.as_slice() {
        // One file (a policy file linted as it is read): no index, no tasks.
        let wanted: Vec<usize> = (0..findings.len())
            .filter(|&i| unlocated(&findings[i]).is_some_and(|l| l.file == file.path))
            .collect();
        let found = locate_in(file, findings, &wanted);
        fill(findings, found);
        return;
    }
    if !findings.iter().any(|f| unlocated(f).is_some()) {
        // Every policy file's findings located as it was linted: no index
        // of the files to build.
        return;
    }
    let lookup = crate::model::SourceLookup::new(&account.sources);
    // (file, finding) pairs, grouped by file.
    let mut wanted: Vec<(usize, usize)> = findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((lookup.index_of(&unlocated(f)?.file)?, i)))
        .collect();
    wanted.sort_unstable();
    let groups: Vec<&[(usize, usize)]> = wanted.chunk_by(|a, b| a.0 == b.0).collect();
    // One task per file: the files findings point into are few and of very
    // different sizes (a dump's large pages sit together in path order), so
    // rayon's halving would leave them all to one thread.
    let found: Vec<Vec<(usize, Option<crate::locate::Location>)>> = groups
        .par_iter()
        .with_max_len(1)
        .map(|group| {
            let indices: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
            locate_in(&account.sources[group[0].0], findings, &indices)
        })
        .collect();
    fill(findings, found.into_iter().flatten());
}

/// Where in `file` the findings at `indices` point (their pointers located
/// in one walk), by index.
fn locate_in(
    file: &crate::model::SourceFile,
    findings: &[Finding],
    indices: &[usize],
) -> Vec<(usize, Option<crate::locate::Location>)> {
    if indices.is_empty() {
        return Vec::new();
    }
    let pointers: Vec<&str> = indices
        .iter()
        .filter_map(|&i| findings[i].location.as_ref())
        .map(|l| l.pointer.as_str())
        .collect();
    indices
        .iter()
        .copied()
        .zip(file.locate_all(&pointers))
        .collect()
}

/// Writes the lines and columns found into the findings' locations.
fn fill(
    findings: &mut [Finding],
    found: impl IntoIterator<Item = (usize, Option<crate::locate::Location>)>,
) {
    for (i, at) in found {
        if let (Some(location), Some(at)) = (findings[i].location.as_mut(), at) {
            location.line = Some(at.line);
            location.column = Some(at.column);
        }
    }
}

/// One problem found by a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's code (`EXR004`; plugins: `acme/ABC001`).
    pub code: Cow<'static, str>,
    /// The rule's name (`event-source-not-readable`).
    pub rule: Cow<'static, str>,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// The rule's category.
    pub category: Category,
    /// What is wrong, in one line.
    pub message: String,
    /// The ARN the finding is about (or, for a stand-alone policy file, its
    /// path). Shared: many findings are about the same thing.
    pub resource: Arc<str>,
    /// Where in the input (boxed, as are the explanations: a large account
    /// has tens of thousands of findings, most of them moved and sorted).
    pub location: Option<Box<Location>>,
    /// How to fix it.
    pub help: Option<String>,
    /// The evaluator's reasons, when the finding came from a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Box<serde_json::Value>>,
    /// `builtin` or the plugin's name.
    pub source: Cow<'static, str>,
}

impl Finding {
    /// The order findings are reported in: by resource, then file position,
    /// then code, then message — independent of thread scheduling.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.resource,
            self.location.as_ref().map(|l| (&l.file, l.line, l.column)),
            &self.code,
            &self.message,
        )
    }
}
