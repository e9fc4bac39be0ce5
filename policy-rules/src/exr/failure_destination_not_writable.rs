use policy_core::declare_rule;
use policy_core::lambda_needs;
use policy_core::lint::{describe_missing, Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// For the function's dead-letter queue and each event source mapping's
    /// on-failure destination, asks the evaluator whether the execution role
    /// may send there: SQS `SendMessage`, SNS `Publish`, Lambda
    /// `InvokeFunction`, EventBridge `PutEvents`, S3 `PutObject`.
    ///
    /// ## Why is this bad?
    /// Failed events are lost exactly when you need them.
    ///
    /// ## Example
    /// `DeadLetterConfig.TargetArn` is a queue the role may not `sqs:SendMessage` to.
    ///
    /// ## Fix
    /// Allow the action on the destination ARN.
    pub struct FailureDestinationNotWritable {
        code: "EXR008",
        name: "failure-destination-not-writable",
        category: Correctness,
        severity: Error,
        summary: "the role cannot send to the function's dead-letter queue or failure destination",
    }
}

impl Rule for FailureDestinationNotWritable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let mappings = function
            .event_source_mappings
            .iter()
            .filter_map(|u| cx.account.event_source_mappings.get(u));
        for (destination, what) in lambda_needs::destinations(function, mappings) {
            let Some(required) = lambda_needs::destination_writing(&destination) else {
                continue;
            };
            let missing = cx.missing_access(function, &[required]);
            if missing.is_empty() {
                continue;
            }
            out.report(
                &function.arn,
                format!(
                    "`{}` cannot send to its {what} `{destination}`: its role lacks {}",
                    function.name,
                    describe_missing(&missing)
                ),
            )
            .at(cx.location(function.source.as_ref()))
            .help("allow the action on the destination ARN in the execution role");
        }
    }
}
