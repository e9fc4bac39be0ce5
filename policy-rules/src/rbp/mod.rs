//! RBP — the function's resource-based policy: who can call it.

mod cross_account_invoke;
mod non_invoke_action_granted;
mod public_function_url;
mod public_invoke;
mod s3_source_without_account;
mod service_principal_without_source;
mod source_arn_service_mismatch;
mod wildcard_source_arn;

use policy_core::model::{Account, ResourcePolicy};
use policy_core::policy::{Effect, PrincipalKind, Principals, Statement};

/// The Allow statements of a resource policy.
pub(crate) fn allow_statements<'a>(
    account: &'a Account,
    policy: &ResourcePolicy,
) -> Vec<&'a Statement> {
    account
        .policy(policy.policy)
        .document
        .as_deref()
        .map(|d| {
            d.statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
                .collect()
        })
        .unwrap_or_default()
}

/// The principal values of one kind named in a statement's `Principal`.
pub(crate) fn named(statement: &Statement, kind: PrincipalKind) -> Vec<String> {
    match statement
        .principal
        .as_ref()
        .filter(|p| !p.negated)
        .map(|p| &p.principals)
    {
        Some(Principals::Entries(entries)) => entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.value.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// The values of a statement's positive conditions on `key` (any case).
pub(crate) fn condition_values(statement: &Statement, key: &str) -> Vec<String> {
    statement
        .conditions
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case(key) && !c.operator.is_negated())
        .flat_map(|c| c.values.iter().cloned())
        .collect()
}

/// The request a stranger makes: an unrelated account's role.
pub(crate) const STRANGER: &str = "arn:aws:sts::999999999999:assumed-role/rolecall-stranger/probe";
/// The stranger's account.
pub(crate) const STRANGER_ACCOUNT: &str = "999999999999";

/// Why a source ARN pattern is too wide, if it is.
pub(crate) fn too_wide(pattern: &str) -> Option<&'static str> {
    if pattern == "*" {
        return Some("matches every ARN");
    }
    let parts = policy_core::arn::split(pattern)?;
    let wild = |s: &str| s.contains(['*', '?']);
    if wild(parts[4]) {
        return Some("matches resources of any account");
    }
    if parts[4].is_empty() && wild(parts[5]) {
        return Some("matches names anyone can take (this ARN carries no account)");
    }
    let resource = parts[5];
    let after_type = resource
        .split_once(['/', ':'])
        .map_or(resource, |(_, rest)| rest);
    if resource == "*" || after_type == "*" {
        return Some("matches every resource of the service");
    }
    None
}

/// A value an outsider can make `aws:SourceArn` take under `pattern`: the
/// wildcards filled in and the account set to the outsider's.
pub(crate) fn outsider_source_arn(pattern: &str) -> Option<String> {
    let parts = policy_core::arn::split(pattern)?;
    let fill = |s: &str| s.replace(['*', '?'], "x");
    let account = if parts[4].is_empty() {
        String::new()
    } else {
        STRANGER_ACCOUNT.to_owned()
    };
    Some(format!(
        "arn:{}:{}:{}:{account}:{}",
        fill(parts[1]),
        fill(parts[2]),
        fill(parts[3]),
        fill(parts[5])
    ))
}
