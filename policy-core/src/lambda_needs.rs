//! What Lambda needs a function's execution role to allow, as concrete
//! requests: each action on the exact resource ARN the service authorises
//! it on (iam-semantics §7.3–7.4).

use crate::arn;
use crate::lint::RequiredAccess;
use crate::model::{EventSourceMapping, Function};

/// A sample log stream name in the shape Lambda uses; the `[$LATEST]`
/// brackets and dollar sign must match literally.
const LOG_STREAM: &str = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef";

fn partition(function: &Function) -> &str {
    arn::split(&function.arn).map_or("aws", |p| p[1])
}

/// Writing logs: `logs:CreateLogStream` and `logs:PutLogEvents` on a stream
/// of the function's log group.
pub fn log_writing(function: &Function) -> Vec<RequiredAccess> {
    let stream = format!(
        "arn:{}:logs:{}:{}:log-group:{}:log-stream:{LOG_STREAM}",
        partition(function),
        function.region,
        function.account,
        function.effective_log_group()
    );
    vec![
        RequiredAccess::new("logs:CreateLogStream", stream.clone()),
        RequiredAccess::new("logs:PutLogEvents", stream),
    ]
}

/// Creating the log group (Lambda does it on first run when it is missing).
pub fn log_group_creation(function: &Function) -> RequiredAccess {
    RequiredAccess::new(
        "logs:CreateLogGroup",
        format!(
            "arn:{}:logs:{}:{}:log-group:{}",
            partition(function),
            function.region,
            function.account,
            function.effective_log_group()
        ),
    )
}

/// The kind of source an event source mapping polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// An SQS queue.
    Sqs,
    /// A Kinesis data stream (or an enhanced fan-out consumer of one).
    Kinesis,
    /// A DynamoDB stream.
    DynamoDbStream,
    /// Anything else (Kafka, MQ, DocumentDB): not checked yet.
    Other,
}

impl SourceKind {
    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Sqs => "SQS queue",
            SourceKind::Kinesis => "Kinesis stream",
            SourceKind::DynamoDbStream => "DynamoDB stream",
            SourceKind::Other => "event source",
        }
    }
}

/// What the mapping's source is.
pub fn source_kind(source_arn: &str) -> SourceKind {
    match arn::split(source_arn) {
        Some(p) if p[2] == "sqs" => SourceKind::Sqs,
        Some(p) if p[2] == "kinesis" => SourceKind::Kinesis,
        Some(p) if p[2] == "dynamodb" && p[5].contains("/stream/") => SourceKind::DynamoDbStream,
        _ => SourceKind::Other,
    }
}

/// Reading an event source: what Lambda's poller asks with the execution role.
pub fn event_source_reading(mapping: &EventSourceMapping) -> (SourceKind, Vec<RequiredAccess>) {
    let Some(source) = mapping.event_source_arn.as_deref() else {
        return (SourceKind::Other, Vec::new());
    };
    let kind = source_kind(source);
    let on = |actions: &[&str], resource: &str| -> Vec<RequiredAccess> {
        actions
            .iter()
            .map(|a| RequiredAccess::new(a, resource))
            .collect()
    };
    let required = match kind {
        SourceKind::Sqs => on(
            &[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
            ],
            source,
        ),
        SourceKind::Kinesis => {
            // An enhanced fan-out consumer: `…:stream/NAME/consumer/C:123`.
            let (stream, consumer) = match source.find("/consumer/") {
                Some(i) => (&source[..i], Some(source)),
                None => (source, None),
            };
            let mut required = on(
                &[
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:ListShards",
                ],
                stream,
            );
            required.push(RequiredAccess::new("kinesis:ListStreams", "*"));
            if let Some(consumer) = consumer {
                required.push(RequiredAccess::new("kinesis:SubscribeToShard", consumer));
            }
            required
        }
        SourceKind::DynamoDbStream => {
            let mut required = on(
                &[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                ],
                source,
            );
            required.push(RequiredAccess::new("dynamodb:ListStreams", "*"));
            required
        }
        SourceKind::Other => Vec::new(),
    };
    (kind, required)
}

/// Attaching to the function's VPC.
pub fn vpc_access(function: &Function) -> Vec<RequiredAccess> {
    let Some(vpc) = function.vpc.as_ref().filter(|v| v.is_attached()) else {
        return Vec::new();
    };
    let ec2 = |resource: &str| {
        format!(
            "arn:{}:ec2:{}:{}:{resource}",
            partition(function),
            function.region,
            function.account
        )
    };
    let mut required: Vec<RequiredAccess> = vpc
        .subnet_ids
        .iter()
        .map(|s| RequiredAccess::new("ec2:CreateNetworkInterface", ec2(&format!("subnet/{s}"))))
        .chain(vpc.security_group_ids.iter().map(|g| {
            RequiredAccess::new(
                "ec2:CreateNetworkInterface",
                ec2(&format!("security-group/{g}")),
            )
        }))
        .collect();
    let interface = ec2("network-interface/*");
    required.push(RequiredAccess::new(
        "ec2:CreateNetworkInterface",
        interface.clone(),
    ));
    required.push(RequiredAccess::new(
        "ec2:DeleteNetworkInterface",
        interface.clone(),
    ));
    required.push(RequiredAccess::new(
        "ec2:AssignPrivateIpAddresses",
        interface.clone(),
    ));
    required.push(RequiredAccess::new(
        "ec2:UnassignPrivateIpAddresses",
        interface,
    ));
    required.push(RequiredAccess::new("ec2:DescribeNetworkInterfaces", "*"));
    required.push(RequiredAccess::new("ec2:DescribeSubnets", "*"));
    required
}

/// Sending traces when active tracing is on.
pub fn tracing() -> Vec<RequiredAccess> {
    vec![
        RequiredAccess::new("xray:PutTraceSegments", "*"),
        RequiredAccess::new("xray:PutTelemetryRecords", "*"),
    ]
}

/// Sending to a dead-letter queue or failure destination.
pub fn destination_writing(destination: &str) -> Option<RequiredAccess> {
    let service = arn::split(destination)?[2];
    let action = match service {
        "sqs" => "sqs:SendMessage",
        "sns" => "sns:Publish",
        "lambda" => "lambda:InvokeFunction",
        "events" => "events:PutEvents",
        "s3" => "s3:PutObject",
        _ => return None,
    };
    let resource = if service == "s3" {
        format!("{destination}/rolecall-probe-object")
    } else {
        destination.to_owned()
    };
    Some(RequiredAccess::new(action, resource))
}

/// Every dead-letter and on-failure destination of a function, with where
/// it is configured.
pub fn destinations<'a>(
    function: &'a Function,
    mappings: impl Iterator<Item = &'a EventSourceMapping>,
) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = function
        .dead_letter_target
        .iter()
        .map(|d| (d.clone(), "dead-letter queue"))
        .collect();
    for mapping in mappings {
        if let Some(d) = &mapping.on_failure_destination {
            out.push((
                d.clone(),
                "on-failure destination of an event source mapping",
            ));
        }
    }
    out
}
