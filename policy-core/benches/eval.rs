//! Evaluator micro-benchmarks: decisions per second on pre-compiled policies
//! for the requests rolecall asks most — a Lambda function's execution role
//! (several AWS managed and inline policies) reading its sources and writing
//! its logs, and services invoking a function through a resource policy
//! with conditions.
//!
//! Run with `cargo bench -p policy-core --bench eval` (or `cargo xtask bench`).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use divan::counter::ItemsCount;
use divan::Bencher;
use policy_core::eval::{
    CompiledPolicy, ContextValue, Evaluator, PolicyKind, PolicySet, Principal, Request,
    RequestContext,
};
use serde_json::{json, Value};

fn main() {
    divan::main();
}

fn managed(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/managed-policies")
        .join(format!("{name}.document.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compile(doc: &Value, kind: PolicyKind) -> Arc<CompiledPolicy> {
    Arc::new(CompiledPolicy::from_value(doc, kind))
}

/// An execution role with eight policies: five AWS managed ones and three
/// inline ones, including a Deny with a condition and a variable.
fn execution_role() -> PolicySet {
    compile_role(&execution_role_documents())
}

fn compile_role(documents: &[Value]) -> PolicySet {
    PolicySet {
        identity: documents
            .iter()
            .map(|d| compile(d, PolicyKind::Identity))
            .collect(),
        ..PolicySet::default()
    }
}

fn execution_role_documents() -> Vec<Value> {
    let account = "111122223333";
    let inline_tables = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
         "Resource": [format!("arn:aws:dynamodb:us-east-1:{account}:table/orders"), format!("arn:aws:dynamodb:us-east-1:{account}:table/orders/index/*")]},
        {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]});
    let inline_secrets = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": format!("arn:aws:secretsmanager:us-east-1:{account}:secret:orders/*"),
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": format!("arn:aws:kms:us-east-1:{account}:key/*")}
    ]});
    let inline_s3 = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::orders-uploads/*"},
        {"Effect": "Deny", "NotAction": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::orders-uploads*"}
    ]});
    vec![
        managed("AWSLambdaBasicExecutionRole"),
        managed("AWSLambdaSQSQueueExecutionRole"),
        managed("AWSLambdaVPCAccessExecutionRole"),
        managed("AWSXRayDaemonWriteAccess"),
        managed("AWSLambdaDynamoDBExecutionRole"),
        inline_tables,
        inline_secrets,
        inline_s3,
    ]
}

/// A function policy letting S3, SNS, EventBridge and another account in,
/// each with conditions.
fn function_policy() -> PolicySet {
    let f = "arn:aws:lambda:us-east-1:111122223333:function:orders";
    let doc = json!({"Version": "2012-10-17", "Id": "default", "Statement": [
        {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": f,
         "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::orders-uploads"}}},
        {"Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": f,
         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders-*"}}},
        {"Sid": "events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": f,
         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:events:us-east-1:111122223333:rule/orders-*"}}},
        {"Sid": "partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "lambda:InvokeFunction", "Resource": f,
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
        {"Sid": "deny-outside-org", "Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": f,
         "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
    ]});
    PolicySet {
        resource: vec![compile(&doc, PolicyKind::Resource)],
        ..PolicySet::default()
    }
}

struct Scenario {
    principal: Principal,
    action: &'static str,
    resource: &'static str,
    context: RequestContext,
}

fn role_requests() -> Vec<Scenario> {
    let session = Principal::parse("arn:aws:sts::111122223333:assumed-role/orders-role/orders")
        .expect("valid principal");
    let mut tls = RequestContext::new();
    tls.insert("aws:SecureTransport", ContextValue::Single("true".into()));
    tls.insert(
        "aws:PrincipalTag/team",
        ContextValue::Single("orders".into()),
    );
    tls.insert(
        "aws:ResourceTag/team",
        ContextValue::Single("orders".into()),
    );
    [
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:log-stream:2024/06/01/[$LATEST]abc"),
        ("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:111122223333:orders-queue"),
        ("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111122223333:table/orders"),
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:111122223333:secret:orders/db-AbCdEf"),
        ("s3:DeleteObject", "arn:aws:s3:::orders-uploads/key"),
        ("xray:PutTraceSegments", "*"),
        ("iam:PassRole", "arn:aws:iam::111122223333:role/admin"),
        ("ec2:CreateNetworkInterface", "*"),
    ]
    .into_iter()
    .map(|(action, resource)| Scenario {
        principal: session.clone(),
        action,
        resource,
        context: tls.clone(),
    })
    .collect()
}

fn invoke_requests() -> Vec<Scenario> {
    let context = |pairs: &[(&str, &str)]| {
        let mut c = RequestContext::new();
        for (k, v) in pairs {
            c.insert(k, ContextValue::Single((*v).into()));
        }
        c
    };
    let f = "arn:aws:lambda:us-east-1:111122223333:function:orders";
    vec![
        Scenario {
            principal: Principal::parse("s3.amazonaws.com").expect("valid principal"),
            action: "lambda:InvokeFunction",
            resource: f,
            context: context(&[
                ("aws:SourceArn", "arn:aws:s3:::orders-uploads"),
                ("aws:SourceAccount", "111122223333"),
                ("aws:PrincipalIsAWSService", "true"),
            ]),
        },
        Scenario {
            principal: Principal::parse("events.amazonaws.com").expect("valid principal"),
            action: "lambda:InvokeFunction",
            resource: f,
            context: context(&[
                (
                    "aws:SourceArn",
                    "arn:aws:events:us-east-1:111122223333:rule/orders-nightly",
                ),
                ("aws:PrincipalIsAWSService", "true"),
            ]),
        },
        Scenario {
            principal: Principal::parse("arn:aws:sts::444455556666:assumed-role/partner/p1")
                .expect("valid principal"),
            action: "lambda:InvokeFunction",
            resource: f,
            context: context(&[
                ("aws:PrincipalOrgID", "o-abc123"),
                ("aws:PrincipalIsAWSService", "false"),
            ]),
        },
        Scenario {
            principal: Principal::parse("anonymous").expect("valid principal"),
            action: "lambda:InvokeFunctionUrl",
            resource: f,
            context: context(&[]),
        },
    ]
}

fn bench_requests(bencher: Bencher, set: PolicySet, scenarios: Vec<Scenario>) {
    let evaluator = Evaluator::new();
    bencher
        .counter(ItemsCount::new(scenarios.len()))
        .bench_local(|| {
            for s in &scenarios {
                let request = Request {
                    principal: &s.principal,
                    action: s.action,
                    resource: s.resource,
                    resource_account: None,
                    context: &s.context,
                };
                black_box(evaluator.decide(black_box(&request), &set));
            }
        });
}

/// A function's execution role (8 policies, 5 AWS managed) asked about
/// 8 typical actions.
#[divan::bench]
fn execution_role_decisions(bencher: Bencher) {
    bench_requests(bencher, execution_role(), role_requests());
}

/// Services and another account invoking a function through a 5-statement
/// resource policy with conditions.
#[divan::bench]
fn resource_policy_decisions(bencher: Bencher) {
    bench_requests(bencher, function_policy(), invoke_requests());
}

/// The same requests with the full explanation (allocates by design).
#[divan::bench]
fn explained_decisions(bencher: Bencher) {
    let set = execution_role();
    let scenarios = role_requests();
    let evaluator = Evaluator::new();
    bencher
        .counter(ItemsCount::new(scenarios.len()))
        .bench_local(|| {
            for s in &scenarios {
                let request = Request {
                    principal: &s.principal,
                    action: s.action,
                    resource: s.resource,
                    resource_account: None,
                    context: &s.context,
                };
                black_box(evaluator.evaluate(black_box(&request), &set));
            }
        });
}

/// Compiling the execution role's documents (done once per policy).
#[divan::bench]
fn compile_execution_role(bencher: Bencher) {
    let documents = execution_role_documents();
    bencher.bench_local(|| black_box(compile_role(&documents)));
}
