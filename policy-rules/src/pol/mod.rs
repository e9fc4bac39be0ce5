//! POL — any policy document: grammar and least privilege. These rules run
//! on every policy rolecall reads (identity, trust, resource-based and
//! stand-alone policy files), except AWS managed policies, which their
//! users cannot change.

mod allow_with_not;
mod condition_type_mismatch;
mod duplicate_sid;
mod forallvalues_single_valued;
mod invalid_arn;
mod invalid_policy;
mod passrole_to_any;
mod policy_too_large;
mod redundant_statement;
mod resource_star;
mod resource_type_mismatch;
mod unknown_action;
mod unknown_condition_operator;
mod version_missing_or_old;
mod wildcard_action;

use policy_core::model::{PolicyOrigin, PolicyRecord};
use policy_core::policy::PolicyDocument;

/// The document of a policy the user wrote, as written (also one AWS
/// refuses: a linter shows every problem at once), or `None` for AWS
/// managed policies and documents that are no object.
pub(crate) fn user_document(policy: &PolicyRecord) -> Option<&PolicyDocument> {
    if matches!(policy.origin, PolicyOrigin::AwsManaged { .. }) || policy.source.is_none() {
        return None;
    }
    policy.as_written()
}

/// Whether a policy was written by the user (not AWS managed, read from a file).
pub(crate) fn user_policy(policy: &PolicyRecord) -> bool {
    !matches!(policy.origin, PolicyOrigin::AwsManaged { .. }) && policy.source.is_some()
}

/// The ARN a finding about a policy is about.
pub(crate) fn subject(
    cx: &policy_core::lint::Context<'_>,
    policy: &PolicyRecord,
) -> std::sync::Arc<str> {
    match &policy.origin {
        PolicyOrigin::Inline { owner, .. } => owner.as_str().into(),
        PolicyOrigin::CustomerManaged { arn } | PolicyOrigin::AwsManaged { arn, .. } => {
            arn.as_str().into()
        }
        PolicyOrigin::Trust { role } => role.as_str().into(),
        PolicyOrigin::FunctionPolicy { target } => target.as_str().into(),
        // The file's own path, shared with the model and the location.
        PolicyOrigin::Standalone => policy
            .source
            .as_ref()
            .and_then(|s| cx.account.sources.get(s.file))
            .map_or_else(|| "".into(), |file| file.path.clone()),
    }
}

/// Whether a text matches any service prefix or action name: wildcards
/// only, at least one `*` and at most one `?` (`*`, `**`, `?*`: every
/// prefix and name has a character; some prefixes, `q`, have only one).
pub(crate) fn any_name(text: &str) -> bool {
    text.contains('*')
        && text.bytes().all(|b| b == b'*' || b == b'?')
        && text.bytes().filter(|&b| b == b'?').count() <= 1
}

/// Whether an action pattern is every action, however written (`*`, `**`,
/// `*:*`, `?*`).
pub(crate) fn names_every_action(pattern: &str) -> bool {
    any_name(pattern)
        || pattern
            .split_once(':')
            .is_some_and(|(service, name)| any_name(service) && any_name(name))
}
