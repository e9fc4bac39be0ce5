use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};
use policy_core::policy::PrincipalKind;

use super::{allow_statements, named, STRANGER};

/// Actions that let a caller take over or read out the function.
const TAKEOVER: &[&str] = &[
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:AddPermission",
    "lambda:DeleteFunction",
    "lambda:GetFunction",
    "lambda:PublishVersion",
    "lambda:UpdateAlias",
];

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether principals outside the account (anyone,
    /// other accounts, services) may do more than invoke: replace the code
    /// (`UpdateFunctionCode`), change the configuration or role, add
    /// permissions, read the code and environment (`GetFunction`), delete it.
    ///
    /// ## Why is this bad?
    /// Whoever can change the code runs as the execution role — they get
    /// everything the function can do.
    ///
    /// ## Example
    /// `{"Principal": {"AWS": "444455556666"}, "Action": "lambda:*"}`
    ///
    /// ## Fix
    /// Grant only `lambda:InvokeFunction` (or `lambda:InvokeFunctionUrl`).
    pub struct NonInvokeActionGranted {
        code: "RBP006",
        name: "non-invoke-action-granted",
        category: Security,
        severity: Error,
        summary: "the resource policy grants other principals actions beyond invoking",
    }
}

impl Rule for NonInvokeActionGranted {
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
        let mut principals: Vec<String> = vec!["anonymous".to_owned(), STRANGER.to_owned()];
        for statement in allow_statements(cx.account, policy) {
            principals.extend(named(statement, PrincipalKind::Service));
            for value in named(statement, PrincipalKind::Aws) {
                let account = if policy_core::arn::is_account_id(&value) {
                    value.clone()
                } else {
                    policy_core::arn::split(&value)
                        .map(|p| p[4].to_owned())
                        .unwrap_or_default()
                };
                if account != function.account && policy_core::arn::is_account_id(&account) {
                    principals.push(if value.contains(":role/") || value.contains(":user/") {
                        value
                    } else {
                        format!("arn:aws:iam::{account}:root")
                    });
                }
            }
        }
        principals.dedup();
        let mut anyone_reported = false;
        for principal in principals {
            if anyone_reported && principal == STRANGER {
                continue;
            }
            let granted = cx.resource_policy_allowed(
                policy.policy,
                &principal,
                TAKEOVER,
                &policy.target,
                &[],
            );
            if granted.is_empty() {
                continue;
            }
            let who = match principal.as_str() {
                "anonymous" => {
                    anyone_reported = true;
                    "anyone".to_owned()
                }
                STRANGER => "any AWS account".to_owned(),
                other => format!("`{other}`"),
            };
            out.report(
                &policy.target,
                format!(
                    "{who} may {} on `{}`",
                    granted
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    function.name
                ),
            )
            .at(cx.policy_location(policy.policy, ""))
            .help("grant only lambda:InvokeFunction (or lambda:InvokeFunctionUrl)");
        }
    }
}
