use policy_core::declare_rule;
use policy_core::eval::PolicyKind;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::OperatorFamily;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Reports malformed ARNs in `Resource`/`NotResource` and in the values
    /// of ARN condition operators: text that is not `*` and not of the form
    /// `arn:partition:service:region:account:resource`, a partition AWS does
    /// not have, an account that is not twelve digits (or `aws`), or a
    /// wildcard in the service part (which IAM does not allow in a
    /// resource). API Gateway's abbreviated `execute-api:/…`
    /// resources are accepted in a resource policy's `execute-api`
    /// statements: the service expands them when the policy is saved.
    ///
    /// ## Why is this bad?
    /// A malformed ARN matches nothing: the grant or the Deny silently does
    /// nothing.
    ///
    /// ## Example
    /// `"Resource": "arn:aws:s3::my-bucket/*"` (two colons missing).
    ///
    /// ## Fix
    /// Write the full ARN, e.g. `arn:aws:s3:::my-bucket/*`.
    pub struct InvalidArn {
        code: "POL003",
        name: "invalid-arn",
        category: Correctness,
        severity: Error,
        summary: "a malformed ARN in Resource or an ARN condition",
    }
}

/// Whether an ARN's account part can name one: none (`arn:aws:s3:::b`),
/// twelve digits, `aws`, or a pattern (wildcards, policy variables).
fn may_be_an_account(account: &str) -> bool {
    account.is_empty()
        || account.contains(['*', '?', '$'])
        || account == "aws"
        || policy_core::arn::is_account_id(account)
}

/// Why `text` is not an ARN pattern, if it is not one. `resource`: it is
/// a `Resource` entry, where the service part must be named; ARN
/// condition operators take wildcards in every part.
fn problem(text: &str, resource: bool) -> Option<&'static str> {
    if text == "*" || text.starts_with("${") {
        return None;
    }
    if !text.starts_with("arn:") {
        return Some("does not start with `arn:`");
    }
    match policy_core::arn::split(text) {
        None => Some("has fewer than six colon-separated parts"),
        Some(parts) if parts[1].is_empty() || parts[2].is_empty() => {
            Some("has an empty partition or service")
        }
        Some(parts) if parts[5].is_empty() => Some("has an empty resource part"),
        // "You can't use a wildcard in the service segment" (IAM User
        // Guide, Resource element): the service must be named.
        Some(parts) if resource && parts[2].contains(['*', '?']) => {
            Some("has a wildcard in its service part, which IAM does not allow")
        }
        // Every AWS partition is `aws` or `aws-…` (`aws-cn`, `aws-us-gov`,
        // `aws-iso-b`); a literal other one names nothing.
        Some(parts)
            if !parts[1].contains(['*', '?', '$'])
                && parts[1] != "aws"
                && !parts[1].starts_with("aws-") =>
        {
            Some("names a partition AWS does not have (`aws`, `aws-cn`, `aws-us-gov`, …)")
        }
        // An account is twelve digits, or `aws` (which owns the AWS managed
        // policies); a literal other one (`123456789`, `account-id` left
        // from an example) names no resource.
        Some(parts) if !may_be_an_account(parts[4]) => {
            Some("names an account that is not twelve digits")
        }
        Some(_) => None,
    }
}

impl Rule for InvalidArn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        for statement in &document.statements {
            if let Some(resources) = &statement.resource {
                // API Gateway's resource policies may abbreviate their own
                // ARNs (`execute-api:/stage/GET/path`): the service writes
                // the full ARN when the policy is saved.
                let abbreviates = policy.kind() == PolicyKind::Resource
                    && !statement.action.negated
                    && statement.action.values.iter().all(|a| {
                        a.get(..12)
                            .is_some_and(|head| head.eq_ignore_ascii_case("execute-api:"))
                    });
                for (i, value) in resources.values.iter().enumerate() {
                    if abbreviates && value.starts_with("execute-api:/") {
                        continue;
                    }
                    if let Some(why) = problem(value, true) {
                        out.report(
                            subject(cx, policy),
                            format!("resource `{value}` is not an ARN: it {why}"),
                        )
                        .at(cx.policy_location(policy.id, &resources.pointer_of(i)))
                        .help("write `arn:partition:service:region:account:resource`, or `*`");
                    }
                }
            }
            for condition in statement
                .conditions
                .iter()
                .filter(|c| c.operator.base.family() == OperatorFamily::Arn)
            {
                for (i, value) in condition.values.iter().enumerate() {
                    if let Some(why) = problem(value, false) {
                        out.report(
                            subject(cx, policy),
                            format!("`{value}` in `{} {}` is not an ARN: it {why}", condition.operator, condition.key),
                        )
                        .at(cx.policy_location(policy.id, &condition.pointer_of(i)))
                        .help("ARN operators compare six colon-separated parts; use String operators for other text");
                    }
                }
            }
        }
    }
}
