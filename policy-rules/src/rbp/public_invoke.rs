use policy_core::declare_rule;
use policy_core::eval::Decision;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};

use super::STRANGER;

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
        for (who, principal) in [
            ("anyone on the internet", "anonymous"),
            ("any AWS account", STRANGER),
        ] {
            let Some(response) = cx.ask_resource_policy(
                policy.policy,
                principal,
                "lambda:InvokeFunction",
                &policy.target,
                &[],
            ) else {
                continue;
            };
            if response.decision != Decision::Allow {
                continue;
            }
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
            out.report(&policy.target, format!("{who} can invoke `{}`", function.name))
                .at(location)
                .help("name the principal that should call, or add conditions on aws:SourceArn and aws:SourceAccount (or aws:PrincipalOrgID)");
            return;
        }
    }
}
