use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};
use policy_core::policy::PrincipalKind;

use super::{allow_statements, condition_values, named, STRANGER_ACCOUNT};

declare_rule! {
    /// ## What it does
    /// For `s3.amazonaws.com` grants restricted by `aws:SourceArn`, asks the
    /// evaluator whether the same bucket name owned by another account may
    /// trigger the function (a request with that `aws:SourceArn` and a foreign
    /// `aws:SourceAccount`).
    ///
    /// ## Why is this bad?
    /// Bucket ARNs carry no account. If the bucket is deleted, anyone can
    /// create one with the same name and invoke your function.
    ///
    /// ## Example
    /// `"Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}` alone.
    ///
    /// ## Fix
    /// Add `"StringEquals": {"AWS:SourceAccount": "<the bucket owner's account>"}`.
    pub struct S3SourceWithoutAccount {
        code: "RBP003",
        name: "s3-source-without-account",
        category: Security,
        severity: Warning,
        summary: "s3.amazonaws.com is restricted by aws:SourceArn but not aws:SourceAccount",
    }
}

impl Rule for S3SourceWithoutAccount {
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
            if !named(statement, PrincipalKind::Service)
                .iter()
                .any(|s| s == "s3.amazonaws.com")
            {
                continue;
            }
            for source in condition_values(statement, "aws:SourceArn") {
                let bucket = source.replace(['*', '?'], "x");
                let context = [
                    ("aws:SourceArn", bucket.as_str()),
                    ("aws:SourceAccount", STRANGER_ACCOUNT),
                ];
                if cx.resource_policy_allows(
                    policy.policy,
                    "s3.amazonaws.com",
                    "lambda:InvokeFunction",
                    &policy.target,
                    &context,
                ) {
                    out.report(
                        &policy.target,
                        format!("S3 may invoke `{}` for `{source}` in any account: the grant does not check `aws:SourceAccount`", function.name),
                    )
                    .at(cx.policy_location(policy.policy, &format!("/Statement/{}", statement.index)))
                    .help("add \"StringEquals\": {\"AWS:SourceAccount\": \"<bucket owner account>\"}");
                    break;
                }
            }
        }
    }
}
