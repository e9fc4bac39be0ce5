//! An example rolecall plugin with two rules a platform team might want:
//! every execution role carries the organisation's permissions boundary, and
//! only principals of the organisation may invoke functions.
//!
//! Build: `cargo build -p rolecall-plugin-example`, then
//! `rolecall check --plugin target/debug/librolecall_plugin_example.so DUMP`.

use policy_core::declare_rule;
use policy_core::eval::Decision;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy, Role};

declare_rule! {
    /// ## What it does
    /// Checks that every execution role has a permissions boundary — the
    /// one named by the `boundary_arn` option, when it is set.
    ///
    /// ## Why is this bad?
    /// Without the boundary, whatever the role's policies grant is what
    /// code in the function can do; the boundary is the platform's cap.
    ///
    /// ## Example
    /// A role used by `orders-api` with no `PermissionsBoundary`.
    ///
    /// ## Fix
    /// `aws iam put-role-permissions-boundary --role-name ROLE --permissions-boundary ARN`.
    pub struct RequirePermissionsBoundary {
        code: "BND001",
        name: "require-permissions-boundary",
        category: BestPractice,
        severity: Warning,
        summary: "an execution role has no (or not the required) permissions boundary",
    }
}

impl Rule for RequirePermissionsBoundary {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        let functions = cx.functions_using(&role.arn);
        if functions.is_empty() {
            return;
        }
        let required = cx.option_strings("boundary_arn");
        let ok = match (&role.permissions_boundary, required.first()) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(actual), Some(wanted)) => actual == wanted,
        };
        if ok {
            return;
        }
        let what = match required.first() {
            Some(wanted) => format!("the permissions boundary `{wanted}`"),
            None => "a permissions boundary".to_owned(),
        };
        out.report(
            &role.arn,
            format!("execution role `{}` lacks {what}", role.name),
        )
        .at(cx.location(role.source.as_ref()))
        .help("attach the platform's permissions boundary to the role");
    }
}

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether a principal of another organization (or
    /// of no organization) may invoke the function under its resource
    /// policy. The organization is the `org_id` option (`o-…`); AWS services
    /// restricted to a source in the function's account are fine.
    ///
    /// ## Why is this bad?
    /// Functions should be callable from inside the organization only.
    ///
    /// ## Example
    /// `{"Principal": {"AWS": "444455556666"}, "Action": "lambda:InvokeFunction"}` without `aws:PrincipalOrgID`.
    ///
    /// ## Fix
    /// Add `"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-…"}}`.
    pub struct InvokeOnlyFromOrg {
        code: "ORG001",
        name: "invoke-only-from-org",
        category: Security,
        severity: Error,
        summary: "principals outside the organization can invoke the function",
    }
}

impl Rule for InvokeOnlyFromOrg {
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
        let org = cx
            .option_strings("org_id")
            .into_iter()
            .next()
            .unwrap_or_else(|| "o-unset".to_owned());
        let outsider = "arn:aws:sts::999999999999:assumed-role/outsider/probe";
        let named_accounts: Vec<String> = cx
            .account
            .policy(policy.policy)
            .document
            .as_deref()
            .map(|d| {
                d.statements
                    .iter()
                    .filter_map(|s| s.principal.as_ref())
                    .filter_map(|p| match &p.principals {
                        policy_core::policy::Principals::Entries(e) => Some(e.clone()),
                        policy_core::policy::Principals::Everyone => None,
                    })
                    .flatten()
                    .filter(|e| e.kind == policy_core::policy::PrincipalKind::Aws)
                    .map(|e| e.value)
                    .collect()
            })
            .unwrap_or_default();
        let mut callers: Vec<String> = vec![outsider.to_owned()];
        for value in named_accounts {
            let account = value.split(':').nth(4).unwrap_or(&value).to_owned();
            if account != function.account && account.len() == 12 {
                callers.push(format!("arn:aws:sts::{account}:assumed-role/caller/probe"));
            }
        }
        for caller in callers {
            let other_org = [("aws:PrincipalOrgID", "o-someoneelse")];
            let allowed = cx
                .ask_resource_policy(
                    policy.policy,
                    &caller,
                    "lambda:InvokeFunction",
                    &policy.target,
                    &other_org,
                )
                .is_some_and(|r| r.decision == Decision::Allow);
            if allowed {
                let account = caller.split(':').nth(4).unwrap_or_default();
                out.report(
                    &policy.target,
                    format!("a principal of account {account}, outside organization `{org}`, can invoke `{}`", function.name),
                )
                .at(cx.policy_location(policy.policy, ""))
                .help(format!("add \"Condition\": {{\"StringEquals\": {{\"aws:PrincipalOrgID\": \"{org}\"}}}}"));
            }
        }
    }
}

policy_core::export_plugin! {
    name: "example",
    rules: [RequirePermissionsBoundary, InvokeOnlyFromOrg],
}
