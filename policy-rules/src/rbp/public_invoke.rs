use policy_core::declare_rule;
use policy_core::eval::Decision;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};

use super::{
    allow_statements, condition_values, outsider_source_arn, too_wide, STRANGER, STRANGER_ACCOUNT,
};

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether an anonymous caller, or a role of an
    /// unrelated account, may `lambda:InvokeFunction` under the function's
    /// resource policy. Conditions count: `aws:SourceAccount`,
    /// `aws:PrincipalOrgID` or an exact `aws:SourceArn` restrict the grant and
    /// the rule stays quiet; Deny statements count too.
    ///
    /// ## Why is this bad?
    /// Anyone on the internet can run the function, at your cost and with its
    /// role's permissions.
    ///
    /// ## Example
    /// `{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "…:function:orders"}`
    ///
    /// ## Fix
    /// Name the principal that should call, or add a condition on
    /// `aws:SourceArn` and `aws:SourceAccount` (services) or `aws:PrincipalOrgID`.
    pub struct PublicInvoke {
        code: "RBP001",
        name: "public-invoke",
        category: Security,
        severity: Error,
        summary: "anyone (anonymous or any account) can invoke the function",
    }
}

impl Rule for PublicInvoke {
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
        // Source ARNs an outsider can produce: patterns whose wildcard spans
        // accounts (or names anyone can take). An exact ARN restricts.
        let mut sources: Vec<Option<String>> = vec![None];
        for statement in allow_statements(cx.account, policy) {
            for pattern in condition_values(statement, "aws:SourceArn") {
                if too_wide(&pattern).is_some() {
                    sources.extend(outsider_source_arn(&pattern).map(Some));
                }
            }
        }
        for (who, principal) in [
            ("anyone on the internet", "anonymous"),
            ("any AWS account", STRANGER),
        ] {
            for source in &sources {
                let context: Vec<(&str, &str)> = match source {
                    Some(arn) => vec![
                        ("aws:SourceArn", arn.as_str()),
                        ("aws:SourceAccount", STRANGER_ACCOUNT),
                    ],
                    None => Vec::new(),
                };
                // Most policies keep strangers out: ask for the answer
                // first, and for the deciding statement only when let in.
                if !cx.resource_policy_allows(
                    policy.policy,
                    principal,
                    "lambda:InvokeFunction",
                    &policy.target,
                    &context,
                ) {
                    continue;
                }
                let Some(response) = cx
                    .ask_resource_policy(
                        policy.policy,
                        principal,
                        "lambda:InvokeFunction",
                        &policy.target,
                        &context,
                    )
                    .filter(|r| r.decision == Decision::Allow)
                else {
                    continue;
                };
                let statement = response
                    .deciding
                    .iter()
                    .find(|s| s.policy.kind == policy_core::eval::PolicyKind::Resource);
                let location = cx.policy_location(
                    policy.policy,
                    &statement
                        .map(|s| format!("/Statement/{}", s.statement))
                        .unwrap_or_default(),
                );
                let through = match source {
                    Some(arn) => format!(" (through a source it controls, such as `{arn}`)"),
                    None => String::new(),
                };
                out.report(&policy.target, format!("{who} can invoke `{}`{through}", function.name))
                    .at(location)
                    .help("name the principal that should call, or add conditions on aws:SourceArn and aws:SourceAccount (or aws:PrincipalOrgID)");
                return;
            }
        }
    }
}
