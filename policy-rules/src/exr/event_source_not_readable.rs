use policy_core::declare_rule;
use policy_core::lambda_needs::{self, SourceKind};
use policy_core::lint::{describe_missing, Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// For each event source mapping of the function, asks the evaluator
    /// whether the execution role may do every action Lambda's poller needs
    /// on that exact source ARN: SQS `ReceiveMessage`, `DeleteMessage`,
    /// `GetQueueAttributes` on the queue; Kinesis `GetRecords`,
    /// `GetShardIterator`, `DescribeStream`, `DescribeStreamSummary`,
    /// `ListShards` on the stream, `ListStreams` on `*` (and `SubscribeToShard`
    /// on a fan-out consumer); DynamoDB Streams `DescribeStream`, `GetRecords`,
    /// `GetShardIterator` on the stream ARN (not the table) and `ListStreams`.
    ///
    /// ## Why is this bad?
    /// The mapping cannot poll: messages pile up or records expire unread.
    ///
    /// ## Example
    /// A DynamoDB-triggered function whose role allows `dynamodb:GetRecords`
    /// on `arn:aws:dynamodb:…:table/orders` — the stream ARN
    /// `…:table/orders/stream/2024-…` is not covered.
    ///
    /// ## Fix
    /// Attach the matching managed policy (`AWSLambdaSQSQueueExecutionRole`,
    /// `AWSLambdaKinesisExecutionRole`, `AWSLambdaDynamoDBExecutionRole`) or
    /// allow the listed actions on the source ARN.
    pub struct EventSourceNotReadable {
        code: "EXR004",
        name: "event-source-not-readable",
        category: Correctness,
        severity: Error,
        summary: "the role cannot read one of the function's event sources",
    }
}

impl Rule for EventSourceNotReadable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        for uuid in &function.event_source_mappings {
            let Some(mapping) = cx.account.event_source_mappings.get(uuid) else {
                continue;
            };
            let (kind, required) = lambda_needs::event_source_reading(mapping);
            if kind == SourceKind::Other {
                continue;
            }
            let missing = cx.missing_access(function, &required);
            if missing.is_empty() {
                continue;
            }
            let source = mapping.event_source_arn.as_deref().unwrap_or_default();
            out.report(
                &function.arn,
                format!(
                    "`{}` cannot read its {} `{source}`: its role lacks {}",
                    function.name,
                    kind.name(),
                    describe_missing(&missing)
                ),
            )
            .at(cx.location(mapping.source.as_ref()))
            .help(match kind {
                SourceKind::Sqs => "attach AWSLambdaSQSQueueExecutionRole, or allow the actions on the queue ARN",
                SourceKind::Kinesis => "attach AWSLambdaKinesisExecutionRole, or allow the actions on the stream ARN",
                _ => "attach AWSLambdaDynamoDBExecutionRole, or allow the actions on the stream ARN (`…:table/T/stream/*`), not only the table",
            });
        }
    }
}
