use policy_core::access::{who_can, PrincipalCategory};
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::Role;

declare_rule! {
    /// ## What it does
    /// Asks the evaluator who may `sts:AssumeRole` an execution role besides
    /// `lambda.amazonaws.com`: accounts, `*`, other services, identity providers
    /// named in its trust policy (conditions are taken into account).
    ///
    /// ## Why is this bad?
    /// Whoever can assume the role gets everything the function can do,
    /// outside the function. An execution role needs to trust Lambda only.
    ///
    /// ## Example
    /// A trust policy that also names `{"AWS": "arn:aws:iam::444455556666:root"}`.
    ///
    /// ## Fix
    /// Trust only `lambda.amazonaws.com`; give other callers their own role.
    pub struct ExecutionRoleTrustTooBroad {
        code: "EXR014",
        name: "execution-role-trust-too-broad",
        category: Security,
        severity: Warning,
        summary: "the trust policy also lets principals other than Lambda assume the role",
    }
}

impl Rule for ExecutionRoleTrustTooBroad {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        if cx.functions_using(&role.arn).is_empty() {
            return;
        }
        let Some(trust) = role.trust_policy else {
            return;
        };
        let answer = who_can(cx.account, "sts:AssumeRole", &role.arn, None);
        let others: Vec<String> = answer
            .allowed
            .iter()
            .filter(|a| {
                !(a.category == PrincipalCategory::Service && a.principal == "lambda.amazonaws.com")
            })
            .filter(|a| a.granted_by.iter().any(|g| g.starts_with("trust policy")))
            .map(|a| format!("{} `{}`", a.category.name(), a.principal))
            .collect();
        if others.is_empty() {
            return;
        }
        out.report(
            &role.arn,
            format!(
                "execution role `{}` can also be assumed by {}",
                role.name,
                others.join(", ")
            ),
        )
        .at(cx.policy_location(trust, ""))
        .help("trust only lambda.amazonaws.com in an execution role");
    }
}
