//! IAM roles, users, groups and managed policies.

use super::{PolicyId, SmallMap, SourceRef};

/// An IAM role.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Role {
    /// The ARN.
    pub arn: String,
    /// The name.
    pub name: String,
    /// The path (`/service-role/`).
    pub path: String,
    /// The account (from the ARN).
    pub account: String,
    /// The trust policy.
    pub trust_policy: Option<PolicyId>,
    /// Inline policies by name.
    pub inline_policies: SmallMap<String, PolicyId>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// The permissions boundary's ARN.
    pub permissions_boundary: Option<String>,
    /// Tags.
    pub tags: SmallMap<String, String>,
    /// When the role was last used, if the dump says.
    pub last_used: Option<String>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// An IAM user.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct User {
    /// The ARN.
    pub arn: String,
    /// The name.
    pub name: String,
    /// The account (from the ARN).
    pub account: String,
    /// Inline policies by name.
    pub inline_policies: SmallMap<String, PolicyId>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Names of the groups the user belongs to.
    pub groups: Vec<String>,
    /// The permissions boundary's ARN.
    pub permissions_boundary: Option<String>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// An IAM group.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// The ARN.
    pub arn: String,
    /// The name.
    pub name: String,
    /// Inline policies by name.
    pub inline_policies: SmallMap<String, PolicyId>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// A managed policy with its default version's document.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManagedPolicy {
    /// The ARN.
    pub arn: String,
    /// The name.
    pub name: String,
    /// The default version id.
    pub default_version: Option<String>,
    /// The default version's document, when the dump carried it.
    pub document: Option<PolicyId>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// Whether an ARN names an AWS managed policy (`arn:aws:iam::aws:policy/…`).
pub fn is_aws_managed_policy_arn(arn: &str) -> bool {
    crate::arn::split(arn)
        .is_some_and(|p| p[2] == "iam" && p[4] == "aws" && p[5].starts_with("policy/"))
}
