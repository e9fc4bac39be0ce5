use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};
use policy_core::policy::PrincipalKind;

use super::{allow_statements, named};

declare_rule! {
    /// ## What it does
    /// For each AWS service named in the function's resource policy, asks
    /// the evaluator whether the service may invoke the function on behalf of
    /// *any* resource — a request with neither `aws:SourceArn` nor
    /// `aws:SourceAccount`. `lambda:EventSourceToken` (Alexa) counts as a
    /// restriction. Reviewed exceptions belong in `[[suppress]]` with a reason.
    ///
    /// ## Why is this bad?
    /// Confused deputy: someone else's bucket, topic or rule in another
    /// account can make the service invoke your function.
    ///
    /// ## Example
    /// `{"Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction"}` with no Condition.
    ///
    /// ## Fix
    /// Add `"Condition": {"ArnLike": {"AWS:SourceArn": "<the topic/bucket/rule ARN>"}}`
    /// (and `StringEquals AWS:SourceAccount` for S3).
    pub struct ServicePrincipalWithoutSource {
        code: "RBP002",
        name: "service-principal-without-source",
        category: Security,
        severity: Warning,
        summary: "a service principal may invoke without aws:SourceArn or aws:SourceAccount (confused deputy)",
    }
}

impl Rule for ServicePrincipalWithoutSource {
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
        let mut services: Vec<(String, usize)> = Vec::new();
        for statement in allow_statements(cx.account, policy) {
            for service in named(statement, PrincipalKind::Service) {
                if !services.iter().any(|(s, _)| *s == service) {
                    services.push((service, statement.index));
                }
            }
        }
        for (service, index) in services {
            if !cx.resource_policy_allows(
                policy.policy,
                &service,
                "lambda:InvokeFunction",
                &policy.target,
                &[],
            ) {
                continue;
            }
            out.report(
                &policy.target,
                format!("`{service}` can invoke `{}` for any source: the grant has no `aws:SourceArn` or `aws:SourceAccount` condition", function.name),
            )
            .at(cx.policy_location(policy.policy, &format!("/Statement/{index}")))
            .help("add a condition on aws:SourceArn (the triggering resource) and aws:SourceAccount");
        }
    }
}
