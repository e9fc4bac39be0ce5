use policy_core::declare_rule;
use policy_core::lambda_needs::{source_kind, SourceKind};
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{Function, Role};

declare_rule! {
    /// ## What it does
    /// Flags Lambda managed policies whose purpose none of the role's
    /// functions uses: `AWSLambdaSQSQueueExecutionRole`,
    /// `AWSLambdaKinesisExecutionRole` or `AWSLambdaDynamoDBExecutionRole`
    /// without such an event source, `AWSLambdaVPCAccessExecutionRole` without
    /// a VPC, `AWSXRayDaemonWriteAccess` without active tracing.
    ///
    /// ## Why is this bad?
    /// Unused grants are attack surface (these policies allow their actions on
    /// every queue, stream or table of the account).
    ///
    /// ## Example
    /// A function with no event source mapping whose role has
    /// `AWSLambdaSQSQueueExecutionRole`.
    ///
    /// ## Fix
    /// Detach the policy.
    pub struct UnusedManagedPolicy {
        code: "EXR013",
        name: "unused-managed-policy",
        category: BestPractice,
        severity: Info,
        summary: "a Lambda managed policy whose purpose the function does not use",
    }
}

fn uses(cx: &Context<'_>, functions: &[&Function], kind: SourceKind) -> bool {
    functions.iter().any(|f| {
        f.event_source_mappings.iter().any(|u| {
            cx.account
                .event_source_mappings
                .get(u)
                .and_then(|m| m.event_source_arn.as_deref())
                .is_some_and(|arn| source_kind(arn) == kind)
        })
    })
}

impl Rule for UnusedManagedPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        let functions = cx.functions_using(&role.arn);
        if functions.is_empty() || functions.iter().any(|f| !f.has_configuration) {
            return;
        }
        for attached in &role.attached_policies {
            let name = attached.rsplit('/').next().unwrap_or(attached);
            let unused = match name {
                "AWSLambdaSQSQueueExecutionRole" => {
                    (!uses(cx, &functions, SourceKind::Sqs)).then_some("no SQS event source")
                }
                "AWSLambdaKinesisExecutionRole" => (!uses(cx, &functions, SourceKind::Kinesis))
                    .then_some("no Kinesis event source"),
                "AWSLambdaDynamoDBExecutionRole" => {
                    (!uses(cx, &functions, SourceKind::DynamoDbStream))
                        .then_some("no DynamoDB stream event source")
                }
                "AWSLambdaVPCAccessExecutionRole" | "AWSLambdaENIManagementAccess" => (!functions
                    .iter()
                    .any(|f| f.vpc.as_ref().is_some_and(|v| v.is_attached())))
                .then_some("no VPC configuration"),
                "AWSXRayDaemonWriteAccess" => (!functions
                    .iter()
                    .any(|f| f.tracing_mode.as_deref() == Some("Active")))
                .then_some("no active tracing"),
                _ => None,
            };
            if let Some(reason) = unused {
                out.report(
                    &role.arn,
                    format!(
                        "`{name}` is attached to `{}` but its functions have {reason}",
                        role.name
                    ),
                )
                .at(cx.location(role.source.as_ref()))
                .help(format!("detach `{name}` from the role"));
            }
        }
    }
}
