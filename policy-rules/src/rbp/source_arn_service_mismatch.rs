use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, ResourcePolicy};
use policy_core::policy::PrincipalKind;

use super::{allow_statements, condition_values, named};

/// The ARN service of the resources that trigger each service principal.
const SOURCES: &[(&str, &[&str])] = &[
    ("s3.amazonaws.com", &["s3"]),
    ("sns.amazonaws.com", &["sns"]),
    ("sqs.amazonaws.com", &["sqs"]),
    ("events.amazonaws.com", &["events"]),
    ("scheduler.amazonaws.com", &["scheduler"]),
    ("apigateway.amazonaws.com", &["execute-api"]),
    ("logs.amazonaws.com", &["logs"]),
    (
        "elasticloadbalancing.amazonaws.com",
        &["elasticloadbalancing"],
    ),
    ("cognito-idp.amazonaws.com", &["cognito-idp"]),
    ("iot.amazonaws.com", &["iot"]),
    ("secretsmanager.amazonaws.com", &["secretsmanager"]),
    ("ses.amazonaws.com", &["ses"]),
    ("config.amazonaws.com", &["config"]),
    ("kinesis.amazonaws.com", &["kinesis"]),
    ("dynamodb.amazonaws.com", &["dynamodb"]),
    ("cloudformation.amazonaws.com", &["cloudformation"]),
];

declare_rule! {
    /// ## What it does
    /// Compares each service principal of the function's resource policy
    /// with the service of the `aws:SourceArn` it is restricted to
    /// (`s3.amazonaws.com` must come from `arn:aws:s3:::…`, API Gateway from
    /// `arn:aws:execute-api:…`, CloudWatch Logs from `arn:aws:logs:…`).
    ///
    /// ## Why is this bad?
    /// The grant can never be used as written — usually a copy-paste slip
    /// that leaves the intended trigger broken.
    ///
    /// ## Example
    /// `{"Service": "s3.amazonaws.com"}` with `"AWS:SourceArn": "arn:aws:sns:us-east-1:1:topic"`.
    ///
    /// ## Fix
    /// Use the ARN of the resource of that service which triggers the function.
    pub struct SourceArnServiceMismatch {
        code: "RBP004",
        name: "source-arn-service-mismatch",
        category: Correctness,
        severity: Warning,
        summary: "the service principal does not match the service of aws:SourceArn",
    }
}

impl Rule for SourceArnServiceMismatch {
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
        for statement in allow_statements(cx.account, policy) {
            let services = named(statement, PrincipalKind::Service);
            let sources = condition_values(statement, "aws:SourceArn");
            for service in &services {
                let Some((_, expected)) = SOURCES.iter().find(|(s, _)| s == service) else {
                    continue;
                };
                for source in &sources {
                    let Some(parts) = policy_core::arn::split(source) else {
                        continue;
                    };
                    if parts[2].contains(['*', '?']) || expected.contains(&parts[2]) {
                        continue;
                    }
                    out.report(
                        &policy.target,
                        format!("`{service}` may invoke `{}` only from `{source}`, which is not a resource of that service", function.name),
                    )
                    .at(cx.policy_location(policy.policy, &format!("/Statement/{}", statement.index)))
                    .help(format!("use the ARN of the {} resource that triggers the function", expected.join("/")));
                }
            }
        }
    }
}
