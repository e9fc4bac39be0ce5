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
