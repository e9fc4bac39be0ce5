use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// Checks that every function's execution role is in the dump.
    ///
    /// ## Why is this bad?
    /// Without the role nothing can be said about what the function can do:
    /// either the role was deleted (the function fails on its next cold
    /// start) or the dump is incomplete.
    ///
    /// ## Example
    /// `orders-api` names `arn:aws:iam::123456789012:role/orders-api-role`, but
    /// `get-account-authorization-details` lists no such role.
    ///
    /// ## Fix
    /// Recreate the role, or include `aws iam get-account-authorization-details`
    /// for the function's account in the dump.
    pub struct RoleMissing {
        code: "EXR001",
        name: "role-missing",
        category: Correctness,
        severity: Error,
        summary: "the function's execution role is not in the dump",
    }
}

impl Rule for RoleMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let Some(role) = function.role.as_deref() else {
            return;
        };
        if !function.has_configuration || cx.account.roles.contains_key(role) {
            return;
        }
        out.report(&function.arn, format!("the execution role `{role}` of `{}` is not in the dump", function.name))
            .at(cx.location(function.source.as_ref()))
            .help("include `aws iam get-account-authorization-details` for this account, or recreate the role");
    }
}
