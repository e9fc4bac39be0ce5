use policy_core::declare_rule;
use policy_core::lambda_needs;
use policy_core::lint::{describe_missing, Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// For a function with active tracing, asks the evaluator whether the
    /// execution role may `xray:PutTraceSegments` and `xray:PutTelemetryRecords`.
    ///
    /// ## Why is this bad?
    /// Traces are silently dropped: the tracing you turned on shows nothing.
    ///
    /// ## Example
    /// `TracingConfig.Mode = Active` on a role with only `AWSLambdaBasicExecutionRole`.
    ///
    /// ## Fix
    /// Attach `AWSXRayDaemonWriteAccess`, or turn tracing off.
    pub struct TracingNotWritable {
        code: "EXR007",
        name: "tracing-not-writable",
        category: Correctness,
        severity: Warning,
        summary: "active tracing, but the role cannot send traces",
    }
}

impl Rule for TracingNotWritable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        if function.tracing_mode.as_deref() != Some("Active") {
            return;
        }
        let missing = cx.missing_access(function, &lambda_needs::tracing());
        if missing.is_empty() {
            return;
        }
        out.report(
            &function.arn,
            format!(
                "`{}` has active tracing but its role lacks {}",
                function.name,
                describe_missing(&missing)
            ),
        )
        .at(cx.location(function.source.as_ref()))
        .help("attach AWSXRayDaemonWriteAccess to the execution role");
    }
}
