//! Renderers: one finding model, many formats. Rules never format output.

pub mod human;
pub mod json;
pub mod sarif;

use policy_core::lint::{Finding, Rule, Severity};

/// Everything a report shows.
pub struct Report<'a> {
    /// The findings, sorted.
    pub findings: &'a [Finding],
    /// Findings removed by reviewed suppressions: code, resource, reason.
    pub suppressed: &'a [(String, String, String)],
    /// The rules that ran.
    pub rules: &'a [&'static dyn Rule],
    /// Files not analysed, with reasons.
    pub skipped: Vec<(String, String)>,
    /// Problems that made the run incomplete (input files, configuration).
    pub errors: Vec<String>,
}

impl Report<'_> {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
