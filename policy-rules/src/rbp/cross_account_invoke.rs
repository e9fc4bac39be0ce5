use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};
use policy_core::policy::PrincipalKind;

use super::{allow_statements, condition_values, named};

declare_rule! {
    /// ## What it does
    /// Lists the accounts the function's resource policy lets invoke it
    /// (named accounts, roles and users of other accounts, and
    /// organisations through `aws:PrincipalOrgID`), asks the evaluator whether
    /// each really may, and reports those outside the configured
    /// `trusted_accounts` and `trusted_org_ids`.
    ///
    /// Options (`[rules.options.RBP005]`): `trusted_accounts = ["111122223333"]`,
    /// `trusted_org_ids = ["o-abc123"]`.
    ///
    /// ## Why is this bad?
    /// Access from other accounts is easy to grant and forget; every such
    /// grant should be one you meant.
    ///
    /// ## Example
    /// `{"Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "lambda:InvokeFunction"}`
    ///
    /// ## Fix
    /// Remove the grant, or add the account or organisation to the trusted lists.
    pub struct CrossAccountInvoke {
        code: "RBP005",
        name: "cross-account-invoke",
        category: Security,
        severity: Warning,
        summary: "an account outside the trusted ones can invoke the function",
    }
}

impl Rule for CrossAccountInvoke {
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
        let trusted_accounts = cx.option_strings("trusted_accounts");
        let trusted_orgs = cx.option_strings("trusted_org_ids");
        for statement in allow_statements(cx.account, policy) {
            let location =
                cx.policy_location(policy.policy, &format!("/Statement/{}", statement.index));
            for value in named(statement, PrincipalKind::Aws) {
                let account = if policy_core::arn::is_account_id(&value) {
                    value.clone()
                } else {
                    match policy_core::arn::split(&value) {
                        Some(parts) => parts[4].to_owned(),
                        None => continue,
                    }
                };
                if account == function.account
                    || trusted_accounts.contains(&account)
                    || !policy_core::arn::is_account_id(&account)
                {
                    continue;
                }
                let principal = if value.contains(":role/")
                    || value.contains(":user/")
                    || value.contains(":assumed-role/")
                {
                    value.clone()
                } else {
                    format!("arn:aws:iam::{account}:root")
                };
                let allowed = cx.resource_policy_allows(
                    policy.policy,
                    &principal,
                    "lambda:InvokeFunction",
                    &policy.target,
                    &[],
                );
                if allowed {
                    out.report(&policy.target, format!("account {account} can invoke `{}`", function.name))
                        .at(location.clone())
                        .help("remove the grant, or list the account in trusted_accounts of [rules.options.RBP005]");
                }
            }
            for org in condition_values(statement, "aws:PrincipalOrgID") {
                if trusted_orgs.contains(&org) {
                    continue;
                }
                out.report(&policy.target, format!("every account of organization `{org}` can invoke `{}`", function.name))
                    .at(location.clone())
                    .help("list the organization in trusted_org_ids of [rules.options.RBP005] if it is yours");
            }
        }
    }
}
