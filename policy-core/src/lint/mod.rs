//! The rule engine: rules are small stateless types whose doc comment is
//! their documentation; they ask the evaluator through [`Context`] and
//! report into one [`Finding`] model; the engine runs every enabled rule in
//! parallel and returns findings in a deterministic order.

mod context;
mod engine;
mod finding;

pub use context::{
    describe_missing, describe_missing_on_resources, Context, Missing, RequiredAccess, RunIndex,
    Shared,
};
pub use engine::{run, PolicyFileOutput, PreparedRules, RuleSelection, RunOutput};
pub use finding::{complete_locations, Category, Finding, Location, Severity};

use std::borrow::Cow;
use std::sync::Arc;

use crate::model::{Function, PolicyRecord, ResourcePolicy, Role};

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code: family prefix and number (`EXR004`).
    pub code: &'static str,
    /// Stable name (`event-source-not-readable`).
    pub name: &'static str,
    /// What kind of problem it finds.
    pub category: Category,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line: what fires it.
    pub summary: &'static str,
    /// The full documentation (Markdown: what it does, why, example, fix).
    pub docs: &'static str,
}

/// A rule. Built-in rules and plugin rules implement the same trait.
/// Every method has an empty default; a rule implements the ones it needs.
pub trait Rule: Send + Sync + 'static {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Called once per Lambda function.
    fn check_function(&self, _cx: &Context<'_>, _function: &Function, _out: &mut Findings) {}
    /// Called once per IAM role.
    fn check_role(&self, _cx: &Context<'_>, _role: &Role, _out: &mut Findings) {}
    /// Called once per resource-based policy of a function (or version, or alias).
    fn check_resource_policy(
        &self,
        _cx: &Context<'_>,
        _function: &Function,
        _policy: &ResourcePolicy,
        _out: &mut Findings,
    ) {
    }
    /// Called once per policy document of any kind.
    fn check_policy(&self, _cx: &Context<'_>, _policy: &PolicyRecord, _out: &mut Findings) {}
    /// Called once per run, for checks across entities.
    fn check_account(&self, _cx: &Context<'_>, _out: &mut Findings) {}
}

/// Whether `rule` is one of the built-in rules registered with
/// [`declare_rule!`] (its metadata is theirs), not a plugin's or a
/// library user's.
pub fn is_builtin(rule: &dyn Rule) -> bool {
    inventory::iter::<RuleRegistration>
        .into_iter()
        .any(|r| std::ptr::eq(r.0.meta(), rule.meta()))
}

/// A registered built-in rule (see [`declare_rule!`]).
pub struct RuleRegistration(pub &'static dyn Rule);

inventory::collect!(RuleRegistration);

/// Every built-in rule linked into the binary, sorted by code.
///
/// Fails when two rules share a code or a name.
pub fn builtin_rules() -> Result<Vec<&'static dyn Rule>, String> {
    let mut rules: Vec<&'static dyn Rule> = inventory::iter::<RuleRegistration>
        .into_iter()
        .map(|r| r.0)
        .collect();
    rules.sort_by_key(|r| r.meta().code);
    for pair in rules.windows(2) {
        if pair[0].meta().code == pair[1].meta().code {
            return Err(format!(
                "two rules share the code `{}`",
                pair[0].meta().code
            ));
        }
    }
    let mut names: Vec<&str> = rules.iter().map(|r| r.meta().name).collect();
    names.sort_unstable();
    for pair in names.windows(2) {
        if pair[0] == pair[1] {
            return Err(format!("two rules share the name `{}`", pair[0]));
        }
    }
    Ok(rules)
}

/// Text a finding can hold as a shared string: a `&str` or `String` is
/// copied once, an `Arc<str>` (a file's path, say) is shared.
pub trait SharedText {
    /// The text as a shared string.
    fn into_shared(self) -> Arc<str>;
}

impl SharedText for &str {
    fn into_shared(self) -> Arc<str> {
        Arc::from(self)
    }
}

impl SharedText for &String {
    fn into_shared(self) -> Arc<str> {
        Arc::from(self.as_str())
    }
}

impl SharedText for String {
    fn into_shared(self) -> Arc<str> {
        Arc::from(self)
    }
}

impl SharedText for Arc<str> {
    fn into_shared(self) -> Arc<str> {
        self
    }
}

impl SharedText for &Arc<str> {
    fn into_shared(self) -> Arc<str> {
        Arc::clone(self)
    }
}

/// Where a rule's findings go. Rules never format output: they state what is
/// wrong, where, and how to fix it.
pub struct Findings {
    meta: &'static RuleMeta,
    source: Cow<'static, str>,
    findings: Vec<Finding>,
    errors: Vec<String>,
}

/// A rule that could not run to the end (a plugin rule that panicked or
/// crashed): the run is incomplete.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RuleError {
    /// The rule's code.
    pub rule: String,
    /// What happened.
    pub message: String,
}

impl Findings {
    /// A sink for one rule's findings.
    pub fn new(meta: &'static RuleMeta, source: impl Into<Cow<'static, str>>) -> Self {
        Self::appending_to(meta, source.into(), Vec::new())
    }

    /// A sink that appends to `findings` (the engine collects many rules'
    /// findings in one vector per worker instead of one per rule and target).
    pub(crate) fn appending_to(
        meta: &'static RuleMeta,
        source: Cow<'static, str>,
        findings: Vec<Finding>,
    ) -> Self {
        Findings {
            meta,
            source,
            findings,
            errors: Vec::new(),
        }
    }

    /// Reports a finding about `resource`.
    pub fn report(
        &mut self,
        resource: impl SharedText,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings.push(Finding {
            code: Cow::Borrowed(self.meta.code),
            rule: Cow::Borrowed(self.meta.name),
            severity: self.meta.default_severity,
            category: self.meta.category,
            message: message.into(),
            resource: resource.into_shared(),
            location: None,
            help: None,
            explanation: None,
            source: self.source.clone(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Adds a finding made elsewhere (a plugin's), keeping its fields.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Records that the rule could not run to the end.
    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    /// The findings reported so far.
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }

    /// The findings and the errors.
    pub fn into_parts(self) -> (Vec<Finding>, Vec<RuleError>) {
        // The engine calls this once per rule and target, and almost never
        // with errors: allocate nothing then.
        if self.errors.is_empty() {
            return (self.findings, Vec::new());
        }
        let code = self.meta.code;
        let errors = self
            .errors
            .into_iter()
            .map(|message| RuleError {
                rule: code.to_owned(),
                message,
            })
            .collect();
        (self.findings, errors)
    }
}

impl Finding {
    /// Sets where the finding points.
    pub fn at(&mut self, location: Option<Location>) -> &mut Self {
        self.location = location.map(Box::new);
        self
    }
    /// Sets the fix.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
    /// Sets the evaluator's reasons.
    pub fn explain(&mut self, explanation: serde_json::Value) -> &mut Self {
        self.explanation = Some(Box::new(explanation));
        self
    }
    /// Overrides the severity for this finding (e.g. an info-level part of a rule).
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }
}

/// Declares a built-in rule: a unit struct whose doc comment is the rule's
/// documentation, its metadata, and its registration.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct RoleMissing {
///         code: "EXR001",
///         name: "role-missing",
///         category: Correctness,
///         severity: Error,
///         summary: "the function's execution role is not in the dump",
///     }
/// }
/// impl Rule for RoleMissing { fn meta(&self) -> &'static RuleMeta { &Self::META } ... }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                code: $code,
                name: $rule_name,
                category: $crate::lint::Category::$category,
                default_severity: $crate::lint::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }

        $crate::inventory::submit! {
            $crate::lint::RuleRegistration(&$name)
        }
    };
}
