use policy_core::declare_rule;
use policy_core::eval::{ContextValue, Decision, PolicySet, Principal, Request, RequestContext};
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// Evaluates the execution role's trust policy for the request Lambda
    /// makes: `lambda.amazonaws.com` calling `sts:AssumeRole` on the role, with
    /// `aws:SourceAccount` and `aws:SourceArn` naming the function.
    ///
    /// ## Why is this bad?
    /// If Lambda cannot assume the role, the function cannot start.
    ///
    /// ## Example
    /// A role whose trust policy names `ec2.amazonaws.com`, or whose Lambda
    /// statement requires an `aws:SourceArn` of another function.
    ///
    /// ## Fix
    /// Add a statement allowing `{"Service": "lambda.amazonaws.com"}` the
    /// action `sts:AssumeRole`.
    pub struct RoleNotAssumableByLambda {
        code: "EXR002",
        name: "role-not-assumable-by-lambda",
        category: Correctness,
        severity: Error,
        summary: "the trust policy does not let lambda.amazonaws.com assume the role",
    }
}

impl Rule for RoleNotAssumableByLambda {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let Some(role) = function
            .role
            .as_deref()
            .and_then(|r| cx.account.roles.get(r))
        else {
            return;
        };
        let Ok(lambda) = Principal::parse("lambda.amazonaws.com") else {
            return;
        };
        let mut context = RequestContext::new();
        for (key, value) in [
            ("aws:SourceAccount", function.account.as_str()),
            ("aws:SourceArn", function.arn.as_str()),
            ("aws:PrincipalIsAWSService", "true"),
            ("aws:PrincipalServiceName", "lambda.amazonaws.com"),
        ] {
            context.insert(key, ContextValue::Single(value.to_owned()));
        }
        let policies = PolicySet {
            resource: cx.compiled(&role.trust_policy.into_iter().collect::<Vec<_>>()),
            ..PolicySet::default()
        };
        let request = Request {
            principal: &lambda,
            action: "sts:AssumeRole",
            resource: &role.arn,
            resource_account: None,
            context: &context,
        };
        let response = cx.evaluator.evaluate(&request, &policies);
        if response.decision == Decision::Allow {
            return;
        }
        let location = match role.trust_policy {
            Some(id) => cx.policy_location(id, ""),
            None => cx.location(role.source.as_ref()),
        };
        out.report(
            &function.arn,
            format!("Lambda cannot assume `{}`, the execution role of `{}` ({})", role.name, function.name, response.decision),
        )
        .at(location)
        .help("allow `{\"Service\": \"lambda.amazonaws.com\"}` the action `sts:AssumeRole` in the role's trust policy");
    }
}
