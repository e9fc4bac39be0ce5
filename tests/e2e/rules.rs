//! Every rule against its fixtures: `tests/fixtures/rules/CODE/fires` must
//! produce a finding with that code (naming the key facts), and
//! `tests/fixtures/rules/CODE/quiet` — correctly configured functions,
//! including the tricky ones — must not. Then the demo account in
//! `examples/demo-account`, where every rule fires next to functions that are
//! configured correctly.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{rolecall, stderr_of, stdout_of, workspace};

const ACCOUNT: &str = "111122223333";

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

/// The codes `rolecall rules` lists.
fn rule_codes() -> Vec<String> {
    let output = rolecall().arg("rules").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    stdout_of(&output)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|code| {
            code.len() == 6
                && code[..3].chars().all(|c| c.is_ascii_uppercase())
                && code[3..].chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

/// `rolecall check --format json` on `path` with `args`: the exit code and the report.
fn check(path: &str, args: &[&str]) -> (Option<i32>, Value) {
    let output = rolecall()
        .args(["check", "--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout_of(&output))
        .unwrap_or_else(|e| panic!("{path}: no JSON report ({e}): {}", stderr_of(&output)));
    assert_eq!(
        report["errors"],
        Value::Array(Vec::new()),
        "{path}: input errors"
    );
    let skipped: Vec<&Value> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["path"].as_str().unwrap().ends_with("README.md"))
        .collect();
    assert!(skipped.is_empty(), "{path}: files skipped: {skipped:?}");
    (output.status.code(), report)
}

/// The findings of rule `code` on `tests/fixtures/rules/CODE/KIND`.
fn findings(code: &str, kind: &str) -> Vec<Value> {
    let path = format!("tests/fixtures/rules/{code}/{kind}");
    let (status, report) = check(&path, &["--select", code, "--fail-on", "never"]);
    assert_eq!(status, Some(0), "{path}: the run was incomplete");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect()
}

fn message(finding: &Value) -> &str {
    finding["message"].as_str().unwrap()
}

fn messages(findings: &[Value]) -> String {
    findings
        .iter()
        .map(|f| format!("  {} {}", f["severity"], message(f)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one finding whose message names `subject` (a function or role, in
/// backticks), checked to mention every text in `facts`.
fn finding_about<'a>(findings: &'a [Value], subject: &str, facts: &[&str]) -> &'a Value {
    let quoted = format!("`{subject}`");
    let about: Vec<&Value> = findings
        .iter()
        .filter(|f| message(f).contains(&quoted))
        .collect();
    assert_eq!(
        about.len(),
        1,
        "expected one finding about {quoted}, got:\n{}",
        messages(findings)
    );
    let text = message(about[0]);
    for fact in facts {
        assert!(
            text.contains(fact),
            "the finding about {quoted} does not mention {fact:?}: {text}"
        );
    }
    about[0]
}

fn no_finding_about(findings: &[Value], subject: &str) {
    let quoted = format!("`{subject}`");
    assert!(
        !findings.iter().any(|f| message(f).contains(&quoted)),
        "unexpected finding about {quoted}:\n{}",
        messages(findings)
    );
}

// ---------------------------------------------------------------- catalog ---

#[test]
fn every_rule_has_a_fires_and_a_quiet_fixture() {
    let codes = rule_codes();
    assert!(codes.len() >= 22, "rolecall rules lists {codes:?}");
    let root = workspace().join("tests/fixtures/rules");
    for code in &codes {
        for kind in ["fires", "quiet"] {
            let folder = root.join(code).join(kind);
            let dumps = std::fs::read_dir(&folder)
                .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "json")
                })
                .count();
            assert!(dumps > 0, "{} holds no JSON dump", folder.display());
        }
    }
    let folders: BTreeSet<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let known: BTreeSet<String> = codes.into_iter().collect();
    assert_eq!(
        folders, known,
        "a fixture folder for a code rolecall does not know"
    );
}

#[test]
fn every_rule_fires_on_its_fires_fixture_and_not_on_its_quiet_one() {
    let mut failures = Vec::new();
    for code in rule_codes() {
        if findings(&code, "fires").is_empty() {
            failures.push(format!(
                "{code} does not fire on tests/fixtures/rules/{code}/fires"
            ));
        }
        let found = findings(&code, "quiet");
        if !found.is_empty() {
            failures.push(format!(
                "{code} fires on tests/fixtures/rules/{code}/quiet:\n{}",
                messages(&found)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ------------------------------------------------- EXR: the execution role ---

#[test]
fn exr001_names_the_missing_role() {
    let found = findings("EXR001", "fires");
    assert_eq!(found.len(), 1, "{}", messages(&found));
    finding_about(
        &found,
        "invoice-mailer",
        &["arn:aws:iam::111122223333:role/service-role/invoice-mailer-role"],
    );
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(found[0]["resource"], function_arn("invoice-mailer"));
}

#[test]
fn exr002_fires_for_other_services_conditions_and_denies() {
    let found = findings("EXR002", "fires");
    // trust policy names ec2.amazonaws.com only
    finding_about(&found, "reports-nightly", &["`reports-nightly-role`"]);
    // the Lambda statement is limited to another function's SourceArn
    finding_about(&found, "orders-api", &["`orders-api-role`"]);
    // a Deny statement in the trust policy
    finding_about(
        &found,
        "payments-api",
        &["`payments-api-role`", "ExplicitDeny"],
    );
}

#[test]
fn exr003_fires_for_missing_foreign_denied_and_bounded_log_permissions() {
    let found = findings("EXR003", "fires");
    let actions = ["`logs:CreateLogStream`", "`logs:PutLogEvents`"];
    // no logs permission at all
    finding_about(
        &found,
        "orders-api",
        &[&["`/aws/lambda/orders-api`"], &actions[..]].concat(),
    );
    // LoggingConfig.LogGroup is a custom group the role does not cover
    finding_about(
        &found,
        "payments-webhook",
        &[&["`/acme/payments`"], &actions[..]].concat(),
    );
    // AWSLambdaBasicExecutionRole, but a Deny takes PutLogEvents away
    let denied = finding_about(
        &found,
        "reports-export",
        &[
            "`logs:PutLogEvents`",
            "denied by",
            "`quiet-please`",
            "`NoLogShipping`",
        ],
    );
    assert!(!message(denied).contains("`logs:CreateLogStream`"));
    // AWSLambdaBasicExecutionRole, but the permissions boundary has no logs
    finding_about(&found, "thumbnails", &actions);
    for warning in [
        "orders-api",
        "payments-webhook",
        "reports-export",
        "thumbnails",
    ] {
        let f = finding_about(&found, warning, &[]);
        assert_eq!(f["severity"], "warning", "{}", message(f));
    }
    // streams writable, log group not creatable: info only
    let info = finding_about(&found, "coupons-api", &["`logs:CreateLogGroup`"]);
    assert_eq!(info["severity"], "info");
}

#[test]
fn exr004_names_the_missing_actions_and_the_source() {
    let found = findings("EXR004", "fires");
    // DynamoDB stream actions granted on the TABLE ARN: the stream is not covered
    let stream =
        "arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2026-01-10T08:15:42.123";
    let dynamodb = finding_about(
        &found,
        "orders-indexer",
        &[
            stream,
            "DynamoDB stream",
            "`dynamodb:DescribeStream`",
            "`dynamodb:GetRecords`",
            "`dynamodb:GetShardIterator`",
        ],
    );
    assert!(
        !message(dynamodb).contains("dynamodb:ListStreams"),
        "ListStreams is allowed on *: {}",
        message(dynamodb)
    );
    assert_eq!(dynamodb["severity"], "error");
    assert_eq!(dynamodb["resource"], function_arn("orders-indexer"));
    let sqs = [
        "`sqs:ReceiveMessage`",
        "`sqs:DeleteMessage`",
        "`sqs:GetQueueAttributes`",
    ];
    finding_about(
        &found,
        "refunds-worker",
        &[
            &["arn:aws:sqs:us-east-1:111122223333:refunds-queue"],
            &sqs[..],
        ]
        .concat(),
    );
    // AWSLambdaSQSQueueExecutionRole with a Deny on DeleteMessage
    let denied = finding_about(
        &found,
        "payouts-worker",
        &["`sqs:DeleteMessage`", "denied by", "`KeepMessages`"],
    );
    assert!(!message(denied).contains("sqs:ReceiveMessage"));
    // AWSLambdaSQSQueueExecutionRole cut by a boundary without SQS
    finding_about(
        &found,
        "audit-worker",
        &[
            &["arn:aws:sqs:us-east-1:111122223333:audit-events"],
            &sqs[..],
        ]
        .concat(),
    );
    // Kinesis actions granted on another stream
    finding_about(
        &found,
        "clickstream-consumer",
        &[
            "arn:aws:kinesis:us-east-1:111122223333:stream/clickstream`",
            "`kinesis:GetRecords`",
            "`kinesis:GetShardIterator`",
            "`kinesis:DescribeStream`",
            "`kinesis:DescribeStreamSummary`",
            "`kinesis:ListShards`",
        ],
    );
    // an enhanced fan-out consumer needs SubscribeToShard on the consumer
    let fanout = finding_about(
        &found,
        "clickstream-fanout",
        &[
            "stream/clickstream/consumer/lambda-fanout:1736500000",
            "`kinesis:SubscribeToShard`",
        ],
    );
    assert!(!message(fanout).contains("kinesis:GetRecords"));
}

#[test]
fn exr005_fires_without_eni_permissions() {
    let found = findings("EXR005", "fires");
    let all = [
        "`ec2:CreateNetworkInterface`",
        "`ec2:DeleteNetworkInterface`",
        "`ec2:DescribeNetworkInterfaces`",
        "`ec2:DescribeSubnets`",
        "`ec2:AssignPrivateIpAddresses`",
        "`ec2:UnassignPrivateIpAddresses`",
    ];
    // only AWSLambdaBasicExecutionRole
    finding_about(&found, "payments-ledger-sync", &all);
    // AWSLambdaVPCAccessExecutionRole cut by the permissions boundary
    finding_about(&found, "reports-db-export", &all);
    // scoped to one of the function's two subnets
    let scoped = finding_about(&found, "orders-db-proxy", &["`ec2:CreateNetworkInterface`"]);
    assert!(!message(scoped).contains("ec2:DeleteNetworkInterface"));
}

#[test]
fn exr005_names_the_subnet_it_was_asked_on() {
    let found = findings("EXR005", "fires");
    finding_about(
        &found,
        "orders-db-proxy",
        &["`ec2:CreateNetworkInterface`", "subnet-0f9e8d7c6b5a4f3e2"],
    );
}

#[test]
fn exr006_lists_the_functions_sharing_the_role() {
    let found = findings("EXR006", "fires");
    assert_eq!(found.len(), 1, "{}", messages(&found));
    finding_about(
        &found,
        "reports-role",
        &[
            "3 functions",
            "`reports-monthly`",
            "`reports-nightly`",
            "`reports-weekly`",
        ],
    );
    assert_eq!(
        found[0]["resource"],
        "arn:aws:iam::111122223333:role/service-role/reports-role"
    );
    no_finding_about(&found, "orders-api");
}

#[test]
fn exr007_names_the_xray_actions() {
    let found = findings("EXR007", "fires");
    finding_about(
        &found,
        "orders-api",
        &["`xray:PutTraceSegments`", "`xray:PutTelemetryRecords`"],
    );
}

#[test]
fn exr008_names_each_destination() {
    let found = findings("EXR008", "fires");
    finding_about(
        &found,
        "refunds-worker",
        &[
            "dead-letter queue",
            "arn:aws:sqs:us-east-1:111122223333:refunds-dlq",
            "`sqs:SendMessage`",
        ],
    );
    finding_about(
        &found,
        "orders-indexer",
        &[
            "on-failure destination",
            "arn:aws:sns:us-east-1:111122223333:orders-indexer-failures",
            "`sns:Publish`",
        ],
    );
    // allowed to publish, but to another topic
    finding_about(
        &found,
        "payments-notifier",
        &[
            "arn:aws:sns:us-east-1:111122223333:payments-notifier-dlq",
            "`sns:Publish`",
        ],
    );
}

#[test]
fn exr009_names_the_key() {
    let found = findings("EXR009", "fires");
    let key = "arn:aws:kms:us-east-1:111122223333:key/5f0c8d2a-7b1e-4c3d-9a8f-2e6b1d4c7a90";
    finding_about(&found, "payments-webhook", &[key, "`kms:Decrypt`"]);
    // allowed to decrypt with another key
    finding_about(&found, "payouts-api", &[key, "`kms:Decrypt`"]);
}

#[test]
fn exr009_quiet_when_the_role_may_decrypt_with_the_key() {
    let found = findings("EXR009", "quiet");
    assert!(found.is_empty(), "{}", messages(&found));
}

#[test]
fn exr010_fires_for_admin_not_action_and_all_of_iam() {
    let found = findings("EXR010", "fires");
    // AdministratorAccess
    finding_about(&found, "ops-cleanup", &["`ops-cleanup-role`"]);
    // Allow NotAction iam:DeleteAccountPasswordPolicy on *
    finding_about(&found, "legacy-etl", &["`legacy-etl-role`"]);
    // iam:* on *
    finding_about(&found, "user-provisioner", &["every IAM action"]);
    for f in &found {
        assert_eq!(f["severity"], "error");
    }
}

#[test]
fn exr010_says_every_action_for_administrator_access_and_not_action() {
    let found = findings("EXR010", "fires");
    finding_about(&found, "ops-cleanup", &["every action on every resource"]);
    finding_about(&found, "legacy-etl", &["every action on every resource"]);
}

#[test]
fn exr010_fires_for_assume_role_on_any_role() {
    let found = findings("EXR010", "fires");
    finding_about(
        &found,
        "cross-account-reader",
        &["`sts:AssumeRole` on any role"],
    );
}

#[test]
fn exr011_names_each_escalation_path() {
    let found = findings("EXR011", "fires");
    finding_about(
        &found,
        "deploy-helper-role",
        &[
            "`iam:PassRole`",
            "`lambda:CreateFunction`",
            "`lambda:InvokeFunction`",
        ],
    );
    finding_about(
        &found,
        "self-healer-role",
        &["`iam:PutRolePolicy` on itself"],
    );
    finding_about(
        &found,
        "policy-updater-role",
        &["`iam:CreatePolicyVersion`"],
    );
    let pusher = finding_about(
        &found,
        "code-pusher-role",
        &["`lambda:UpdateFunctionCode`", "`orders-api`"],
    );
    assert!(
        !message(pusher).contains("`code-pusher`"),
        "its own function runs as the same role: {}",
        message(pusher)
    );
}

#[test]
fn exr012_names_the_broad_policy() {
    let found = findings("EXR012", "fires");
    finding_about(&found, "ops-cleanup-role", &["`AdministratorAccess`"]);
    finding_about(&found, "function-manager-role", &["`AWSLambda_FullAccess`"]);
    finding_about(&found, "fanout-invoker-role", &["`AWSLambdaRole`"]);
}

#[test]
fn exr013_names_the_unused_policy_and_why() {
    let found = findings("EXR013", "fires");
    let about = |role: &str, policy: &str, why: &str| {
        let f = finding_about(&found, role, &[policy, why]);
        assert_eq!(f["severity"], "info");
    };
    about(
        "orders-api-role",
        "`AWSLambdaSQSQueueExecutionRole`",
        "no SQS",
    );
    about(
        "reports-nightly-role",
        "`AWSLambdaVPCAccessExecutionRole`",
        "no VPC",
    );
    about(
        "thumbnails-role",
        "`AWSXRayDaemonWriteAccess`",
        "no active tracing",
    );
    // an SQS mapping does not use the Kinesis policy
    about(
        "clickstream-consumer-role",
        "`AWSLambdaKinesisExecutionRole`",
        "no Kinesis",
    );
}

#[test]
fn exr014_names_who_else_can_assume() {
    let found = findings("EXR014", "fires");
    finding_about(&found, "partner-sync-role", &["444455556666"]);
    finding_about(&found, "batch-runner-role", &["ec2.amazonaws.com"]);
    finding_about(
        &found,
        "debug-shell-role",
        &["can also be assumed by anyone"],
    );
    for f in &found {
        assert!(
            !message(f).contains("lambda.amazonaws.com"),
            "Lambda itself is expected: {}",
            message(f)
        );
    }
}

// ------------------------------------------ RBP: the resource-based policy ---

#[test]
fn rbp001_fires_for_public_principals() {
    let found = findings("RBP001", "fires");
    finding_about(&found, "legacy-coupon-api", &[]);
    finding_about(&found, "promo-api", &[]);
    for f in &found {
        assert_eq!(f["severity"], "error");
    }
}

#[test]
fn rbp001_fires_when_the_source_arn_matches_any_account() {
    let found = findings("RBP001", "fires");
    finding_about(&found, "legacy-webhook", &[]);
}

#[test]
fn rbp002_names_the_unrestricted_service() {
    let found = findings("RBP002", "fires");
    finding_about(&found, "notifications-fanout", &["`sns.amazonaws.com`"]);
    finding_about(&found, "thumbnails", &["`s3.amazonaws.com`"]);
    finding_about(&found, "nightly-report", &["`events.amazonaws.com`"]);
    finding_about(&found, "alexa-skill", &["`alexa-appkit.amazon.com`"]);
}

#[test]
fn rbp003_names_the_bucket() {
    let found = findings("RBP003", "fires");
    finding_about(
        &found,
        "thumbnails",
        &["arn:aws:s3:::acme-product-images", "aws:SourceAccount"],
    );
}

#[test]
fn rbp004_names_the_mismatched_source() {
    let found = findings("RBP004", "fires");
    finding_about(
        &found,
        "thumbnails",
        &[
            "`s3.amazonaws.com`",
            "arn:aws:sns:us-east-1:111122223333:image-uploaded",
        ],
    );
    finding_about(
        &found,
        "notifications-fanout",
        &[
            "`sns.amazonaws.com`",
            "arn:aws:sqs:us-east-1:111122223333:order-events",
        ],
    );
}

#[test]
fn rbp005_names_the_foreign_accounts() {
    let found = findings("RBP005", "fires");
    finding_about(&found, "partner-sync", &["444455556666"]);
    finding_about(&found, "reporting-export", &["555566667777"]);
    finding_about(&found, "shared-lib", &["o-partner9z8y"]);
}

#[test]
fn rbp006_names_who_may_do_what() {
    let found = findings("RBP006", "fires");
    let takeover = [
        "`lambda:UpdateFunctionCode`",
        "`lambda:UpdateFunctionConfiguration`",
        "`lambda:AddPermission`",
    ];
    finding_about(
        &found,
        "partner-sync",
        &[&["arn:aws:iam::444455556666:root"], &takeover[..]].concat(),
    );
    finding_about(
        &found,
        "legacy-admin",
        &[&["anyone"], &takeover[..]].concat(),
    );
    let read = finding_about(
        &found,
        "config-export",
        &["arn:aws:iam::555566667777:root", "`lambda:GetFunction`"],
    );
    assert!(!message(read).contains("UpdateFunctionCode"));
}

#[test]
fn rbp007_names_the_url() {
    let found = findings("RBP007", "fires");
    finding_about(
        &found,
        "signup-form",
        &["https://5d16ce54e41dbb3746473ea46881c2bb.lambda-url.us-east-1.on.aws/"],
    );
}

#[test]
fn rbp008_names_the_wildcard_source() {
    let found = findings("RBP008", "fires");
    finding_about(&found, "thumbnails", &["`arn:aws:s3:::*`"]);
    finding_about(
        &found,
        "nightly-report",
        &[
            "`arn:aws:events:us-east-1:*:rule/nightly-report`",
            "any account",
        ],
    );
    finding_about(
        &found,
        "uploads-scanner",
        &["`arn:aws:s3:::acme-uploads-*`"],
    );
    finding_about(
        &found,
        "audit-trail",
        &["`arn:aws:events:us-east-1:111122223333:rule/*`"],
    );
}

// ----------------------------------------------------------- demo account ---

/// The demo's correctly configured functions and their roles.
const DEMO_CORRECT: &[(&str, &str)] = &[
    ("orders-api", "orders-api-role"),
    ("orders-queue-worker", "orders-queue-worker-role"),
    ("orders-stream-indexer", "orders-stream-indexer-role"),
    ("payments-ledger-sync", "payments-ledger-sync-role"),
    ("thumbnails-generator", "thumbnails-generator-role"),
    ("clickstream-consumer", "clickstream-consumer-role"),
    ("inventory-sync", "inventory-sync-role"),
];

#[test]
fn demo_account_shows_every_rule_and_exits_1() {
    let (status, report) = check("examples/demo-account", &[]);
    assert_eq!(status, Some(1), "errors found: exit 1");
    let found: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    let missing: Vec<String> = rule_codes()
        .into_iter()
        .filter(|code| !found.contains(code.as_str()))
        .collect();
    assert!(missing.is_empty(), "the demo account shows no {missing:?}");
}

#[test]
fn demo_account_correct_functions_have_no_errors_or_warnings() {
    let listed = std::fs::read_to_string(
        workspace().join("examples/demo-account/lambda-list-functions.json"),
    )
    .unwrap();
    let (_, report) = check("examples/demo-account", &["--fail-on", "never"]);
    let findings = report["findings"].as_array().unwrap();
    for (function, role) in DEMO_CORRECT {
        assert!(
            listed.contains(&format!("\"FunctionName\": \"{function}\"")),
            "{function} is not in the demo account"
        );
        let function_arn = function_arn(function);
        let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/service-role/{role}");
        let about: Vec<String> = findings
            .iter()
            .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
            .filter(|f| {
                let resource = f["resource"].as_str().unwrap();
                resource == function_arn
                    || resource.starts_with(&format!("{function_arn}:"))
                    || resource == role_arn
            })
            .map(|f| format!("{} {}", f["code"], message(f)))
            .collect();
        assert!(about.is_empty(), "{function}: {about:#?}");
    }
}
