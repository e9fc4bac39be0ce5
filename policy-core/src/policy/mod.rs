//! The IAM policy grammar as typed values.
//!
//! Every legal spelling is accepted (a single string or an array, `Statement`
//! as an object or an array, account-id principal shorthand) and normalised
//! once while parsing; every element remembers its JSON pointer so findings
//! can point at it. See [`PolicyDocument::parse_str`].

mod caller;
mod coverage;
mod embedded;
mod operator;
mod parse;
mod plain;
mod serde_impl;

pub use coverage::{covers, pattern_covers, principal_covers, statement_covers, CoverageBudget};
pub use embedded::{decode_document, find_document, DocumentEncoding, FoundDocument};
pub use operator::{
    BaseOperator, ConditionOperator, OperatorFamily, ParsedOperator, SetQualifier, UnknownOperator,
};
pub use parse::{InvalidPolicy, ParsedPolicy, PolicyParseError};

use std::fmt;

/// The policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    /// `"2012-10-17"`: the current language, with policy variables.
    V2012_10_17,
    /// `"2008-10-17"`: the legacy language; `${...}` is literal text.
    V2008_10_17,
    /// No `Version` element: treated as the legacy language.
    Unspecified,
}

impl PolicyVersion {
    /// Whether `${...}` policy variables are substituted.
    pub fn has_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    /// The language version.
    pub version: PolicyVersion,
    /// The optional `Id`.
    pub id: Option<String>,
    /// The usable statements, in document order. Statements with errors are
    /// left out (they grant and deny nothing) and reported as diagnostics.
    pub statements: Vec<Statement>,
    /// How many statements the document had, usable or not.
    pub statement_count: usize,
    /// The statements left out for an error that have a `Sid`, for what
    /// looks at every statement's `Sid` (two statements sharing one are a
    /// problem whether or not one of them has another).
    pub left_out: Vec<LeftOutStatement>,
}

/// A statement left out of a document for an error: where it is and its
/// `Sid`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutStatement {
    /// Position in the document's statement list.
    pub index: usize,
    /// JSON pointer of the statement.
    pub pointer: String,
    /// Its `Sid`.
    pub sid: String,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Position in the document's statement list.
    pub index: usize,
    /// JSON pointer of the statement (`/Statement/2`, or `/Statement` when the
    /// document has a single statement object).
    pub pointer: String,
    /// The optional `Sid`.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`, for resource-based policies.
    pub principal: Option<PrincipalElement>,
    /// `Action` / `NotAction`.
    pub action: Patterns,
    /// `Resource` / `NotResource`; absent in trust policies (then the
    /// statement is about the resource the policy is attached to).
    pub resource: Option<Patterns>,
    /// The `Condition` block, flattened: every entry must hold.
    pub conditions: Vec<Condition>,
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patterns {
    /// `true` for `NotAction` / `NotResource`.
    pub negated: bool,
    /// The patterns.
    pub values: Vec<String>,
    /// JSON pointer of the element (`/Statement/0/Action`).
    pub pointer: String,
    /// Whether the element was written as an array.
    pub is_array: bool,
}

impl Patterns {
    /// Whether the element applies to `value` as the evaluator reads it:
    /// one of its patterns matches `value` (`*` any run of characters, `?`
    /// one; ASCII case per `case`), or — `NotAction`, `NotResource` — none
    /// does. Policy variables are not read here: compare only elements that
    /// cannot hold them (actions).
    pub fn applies_to(&self, value: &str, case: crate::glob::Case) -> bool {
        self.negated
            != self
                .values
                .iter()
                .any(|pattern| crate::glob::wildcard_match(pattern, value, case))
    }

    /// JSON pointer of the `index`th pattern. Computed on demand: pointers
    /// are only needed when something is reported.
    pub fn pointer_of(&self, index: usize) -> String {
        if self.is_array {
            crate::diagnostic::item_pointer(&self.pointer, index)
        } else {
            self.pointer.clone()
        }
    }
}

/// A `Principal` / `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalElement {
    /// `true` for `NotPrincipal`.
    pub negated: bool,
    /// JSON pointer of the element.
    pub pointer: String,
    /// `"*"`, or the typed entries.
    pub principals: Principals,
}

/// The value of a principal element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone, including anonymous callers.
    Everyone,
    /// `{"AWS": ..., "Service": ..., ...}`.
    Entries(Vec<PrincipalEntry>),
}

/// The key of a principal entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, users, roles, sessions, or `"*"`.
    Aws,
    /// `"Service"`: an AWS service principal.
    Service,
    /// `"Federated"`: a web-identity or SAML provider.
    Federated,
    /// `"CanonicalUser"`: an S3 canonical user id.
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One named principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// Which key it was listed under.
    pub kind: PrincipalKind,
    /// The value as written (`123456789012`, an ARN, `s3.amazonaws.com`, `*`).
    pub value: String,
    /// Where it was written.
    pub pointer: String,
}

/// One `operator → key → values` entry of a `Condition` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator.
    pub operator: ConditionOperator,
    /// The key as written (names compare case-insensitively).
    pub key: String,
    /// The values, as strings (JSON numbers and booleans are accepted and
    /// turned into their text).
    pub values: Vec<String>,
    /// Whether the values were written as a list (`["a"]`) rather than a
    /// single value (`"a"`).
    pub is_array: bool,
    /// How many of the values were written bare, as JSON numbers or
    /// booleans (`false`, `10`) rather than strings: the document's size
    /// as written counts them without quotes.
    pub bare_values: usize,
    /// JSON pointer of the key inside the Condition block.
    pub pointer: String,
}

impl Condition {
    /// JSON pointer of the `index`th value: inside the list when the values
    /// are one, the key's when it has a single value. Computed on demand:
    /// pointers are only needed when something is reported.
    pub fn pointer_of(&self, index: usize) -> String {
        if self.is_array {
            crate::diagnostic::item_pointer(&self.pointer, index)
        } else {
            self.pointer.clone()
        }
    }
}
