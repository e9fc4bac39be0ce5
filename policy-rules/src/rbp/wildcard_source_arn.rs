use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};

use super::{allow_statements, condition_values, too_wide};

declare_rule! {
    /// ## What it does
    /// Flags `aws:SourceArn` conditions whose wildcard spans accounts (a `*`
    /// in the account part, or in a bucket name, which has no account) or every
    /// resource of the service (`arn:aws:s3:::*`, `…:rule/*`).
    ///
    /// ## Why is this bad?
    /// The condition no longer pins the trigger: resources others create can
    /// match it.
    ///
    /// ## Example
    /// `"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::*"}`
    ///
    /// ## Fix
    /// Name the exact source ARN, and add `aws:SourceAccount`.
    pub struct WildcardSourceArn {
        code: "RBP008",
        name: "wildcard-source-arn",
        category: Security,
        severity: Warning,
        summary: "aws:SourceArn with a wildcard spanning accounts or all resources",
    }
}

impl Rule for WildcardSourceArn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_resource_policy(
        &self,
        cx: &Context<'_>,
        function: &Function,
        policy: &ResourcePolicy,
        out: &mut Findings,
    ) {
        for statement in allow_statements(cx.account, policy) {
            for source in condition_values(statement, "aws:SourceArn") {
                let Some(why) = too_wide(&source) else {
                    continue;
                };
                out.report(
                    &policy.target,
                    format!(
                        "the grant on `{}` trusts `aws:SourceArn` `{source}`, which {why}",
                        function.name
                    ),
                )
                .at(cx.policy_location(policy.policy, &format!("/Statement/{}", statement.index)))
                .help("name the exact source ARN and add aws:SourceAccount");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::too_wide;

    #[test]
    fn widths() {
        assert!(too_wide("arn:aws:s3:::*").is_some());
        assert!(too_wide("arn:aws:s3:::uploads-*").is_some());
        assert!(too_wide("arn:aws:events:us-east-1:*:rule/x").is_some());
        assert!(too_wide("arn:aws:events:us-east-1:111122223333:rule/*").is_some());
        assert!(too_wide("arn:aws:events:us-east-1:111122223333:rule/orders-*").is_none());
        assert!(too_wide("arn:aws:s3:::uploads").is_none());
        assert!(too_wide("arn:aws:execute-api:us-east-1:111122223333:abc/*/POST/orders").is_none());
    }
}
