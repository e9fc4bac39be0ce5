use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, RequiredAccess, Rule, RuleMeta};
use policy_core::model::Role;

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether an execution role allows a known privilege
    /// escalation: passing any role to a new function and invoking it
    /// (`iam:PassRole` + `lambda:CreateFunction` + `lambda:InvokeFunction`);
    /// changing its own permissions (`iam:PutRolePolicy`, `iam:AttachRolePolicy`
    /// on itself); rewriting managed policies (`iam:CreatePolicyVersion`);
    /// replacing the code of another function that runs as a different role
    /// (`lambda:UpdateFunctionCode`).
    ///
    /// ## Why is this bad?
    /// Code running in the function can give itself more than the role grants.
    ///
    /// ## Example
    /// A deployer function whose role allows `iam:PassRole` and `lambda:*` on `*`.
    ///
    /// ## Fix
    /// Limit `iam:PassRole` to specific roles with `iam:PassedToService`, and
    /// remove IAM write actions from execution roles.
    pub struct ExecutionRoleCanEscalate {
        code: "EXR011",
        name: "execution-role-can-escalate",
        category: Security,
        severity: Error,
        summary: "the execution role allows a known privilege-escalation path",
    }
}

impl Rule for ExecutionRoleCanEscalate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        let functions = cx.functions_using(&role.arn);
        let Some(first) = functions.first() else {
            return;
        };
        let account = &role.account;
        let region = &first.region;
        let role_allows = cx.role_allows_each(role);
        let allows =
            |action: &str, resource: &str| role_allows(&RequiredAccess::new(action, resource));
        let mut paths: Vec<String> = Vec::new();
        let other_role = format!("arn:aws:iam::{account}:role/rolecall-probe-admin");
        let new_function = format!("arn:aws:lambda:{region}:{account}:function:rolecall-probe");
        if allows("iam:PassRole", &other_role)
            && allows("lambda:CreateFunction", &new_function)
            && allows("lambda:InvokeFunction", &new_function)
        {
            paths.push("pass any role to a new function and invoke it (`iam:PassRole`, `lambda:CreateFunction`, `lambda:InvokeFunction`)".to_owned());
        }
        for action in ["iam:PutRolePolicy", "iam:AttachRolePolicy"] {
            if allows(action, &role.arn) {
                paths.push(format!("change its own permissions (`{action}` on itself)"));
            }
        }
        if allows(
            "iam:CreatePolicyVersion",
            &format!("arn:aws:iam::{account}:policy/rolecall-probe"),
        ) {
            paths.push("rewrite managed policies (`iam:CreatePolicyVersion`)".to_owned());
        }
        // Replacing another function's code runs that code as the other
        // function's role. Ask about an arbitrary function of the account
        // first, and only then name the functions running as other roles.
        let any_function = format!("arn:aws:lambda:{region}:{account}:function:rolecall-probe");
        if allows("lambda:UpdateFunctionCode", &any_function) {
            let others: Vec<&str> = cx
                .account
                .functions
                .values()
                .filter(|f| {
                    f.role.is_some()
                        && f.role.as_deref() != Some(role.arn.as_str())
                        && f.account == *account
                })
                .take(5)
                .map(|f| f.name.as_str())
                .collect();
            if !others.is_empty() {
                paths.push(format!(
                    "replace the code of functions running as other roles (`lambda:UpdateFunctionCode` on any function, e.g. {})",
                    others.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        if paths.is_empty() {
            return;
        }
        out.report(&role.arn, format!("`{}` can escalate: {}", role.name, paths.join("; ")))
            .at(cx.location(role.source.as_ref()))
            .help("limit iam:PassRole to named roles with iam:PassedToService, and keep IAM and Lambda write actions out of execution roles");
    }
}
