use policy_core::declare_rule;
use policy_core::lambda_needs;
use policy_core::lint::{describe_missing, Context, Findings, Rule, RuleMeta, Severity};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether the execution role may `logs:CreateLogStream`
    /// and `logs:PutLogEvents` on a stream of the function's log group
    /// (`/aws/lambda/NAME`, or `LoggingConfig.LogGroup`). A missing
    /// `logs:CreateLogGroup` is reported separately, as info.
    ///
    /// ## Why is this bad?
    /// Without them the function runs blind: no logs, no errors, no metrics
    /// from log filters.
    ///
    /// ## Example
    /// A role whose only logging statement allows
    /// `arn:aws:logs:*:*:log-group:/aws/lambda/other-fn:*`.
    ///
    /// ## Fix
    /// Attach `AWSLambdaBasicExecutionRole`, or allow both actions on
    /// `arn:aws:logs:REGION:ACCOUNT:log-group:/aws/lambda/NAME:*`.
    pub struct LogsNotWritable {
        code: "EXR003",
        name: "logs-not-writable",
        category: Correctness,
        severity: Warning,
        summary: "the role cannot write the function's logs",
    }
}

impl Rule for LogsNotWritable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let required = lambda_needs::log_writing(function);
        let missing = cx.missing_access(function, &required);
        if !missing.is_empty() {
            out.report(
                &function.arn,
                format!(
                    "`{}` cannot write its logs to `{}`: its role lacks {}",
                    function.name,
                    function.effective_log_group(),
                    describe_missing(&missing)
                ),
            )
            .at(cx.location(function.source.as_ref()))
            .help("attach AWSLambdaBasicExecutionRole, or allow logs:CreateLogStream and logs:PutLogEvents on the log group's streams");
            return;
        }
        let create = cx.missing_access(function, &[lambda_needs::log_group_creation(function)]);
        if !create.is_empty() {
            out.report(
                &function.arn,
                format!(
                    "`{}` cannot create its log group `{}` if it is deleted: its role lacks `logs:CreateLogGroup`",
                    function.name,
                    function.effective_log_group()
                ),
            )
            .severity(Severity::Info)
            .at(cx.location(function.source.as_ref()))
            .help("allow logs:CreateLogGroup, or make sure the log group exists");
        }
    }
}
