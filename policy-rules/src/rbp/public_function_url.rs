use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};

declare_rule! {
    /// ## What it does
    /// For a function URL with `AuthType NONE`, asks the evaluator whether an
    /// anonymous caller may `lambda:InvokeFunctionUrl` (with
    /// `lambda:FunctionUrlAuthType = NONE`) under the function's resource policy.
    ///
    /// ## Why is this bad?
    /// The function is a public HTTP endpoint with no authentication; that is
    /// sometimes intended (webhooks) and should then be suppressed with a reason.
    ///
    /// ## Example
    /// `aws lambda create-function-url-config --auth-type NONE` plus the
    /// console's `FunctionURLAllowPublicAccess` statement.
    ///
    /// ## Fix
    /// Use `AuthType AWS_IAM`, or put the function behind API Gateway with an authorizer.
    pub struct PublicFunctionUrl {
        code: "RBP007",
        name: "public-function-url",
        category: Security,
        severity: Warning,
        summary: "a function URL without authentication is open to the internet",
    }
}

impl Rule for PublicFunctionUrl {
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
        let Some(url) = function
            .urls
            .get(&policy.qualifier)
            .filter(|u| u.auth_type == "NONE")
        else {
            return;
        };
        let context = [("lambda:FunctionUrlAuthType", "NONE")];
        let open = cx.resource_policy_allows(
            policy.policy,
            "anonymous",
            "lambda:InvokeFunctionUrl",
            &policy.target,
            &context,
        );
        if open {
            out.report(
                &policy.target,
                format!("the function URL of `{}` ({}) accepts unauthenticated requests from anyone", function.name, url.url.as_deref().unwrap_or("no URL printed")),
            )
            .at(cx.location(url.source.as_ref()))
            .help("use AuthType AWS_IAM, or suppress this finding with the reason the endpoint is public");
        }
    }
}
