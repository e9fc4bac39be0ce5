//! `rolecall can`: one explained decision from policy files.

use serde_json::Value;

use crate::{fixture, rolecall, stderr_of, stdout_of};

const ORDERS_API: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders-api";
const QUICKSTART_POLICY: &str = "examples/quickstart/orders-api.get-policy.json";

#[test]
fn public_function_url_is_allowed_and_explained() {
    let output = rolecall()
        .args([
            "can",
            "anonymous",
            "lambda:InvokeFunctionUrl",
            ORDERS_API,
            "--resource-policy",
            QUICKSTART_POLICY,
        ])
        .args([
            "--context",
            "lambda:FunctionUrlAuthType=NONE",
            "--expect",
            "allow",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(
        text.starts_with("Allow: anonymous → lambda:InvokeFunctionUrl"),
        "{text}"
    );
    assert!(
        text.contains("(policy string, /Statement/3) (Sid `FunctionURLAllowPublicAccess`)"),
        "{text}"
    );
}

#[test]
fn near_misses_name_the_missing_condition_key() {
    let output = rolecall()
        .args([
            "can",
            "s3.amazonaws.com",
            "lambda:InvokeFunction",
            ORDERS_API,
            "--resource-policy",
            QUICKSTART_POLICY,
        ])
        .args([
            "--context",
            "aws:SourceArn=arn:aws:s3:::ingest-bucket-123456789012",
        ])
        .output()
        .unwrap();
    let text = stdout_of(&output);
    assert!(text.starts_with("ImplicitDeny"), "{text}");
    assert!(
        text.contains("(Sid `s3-invoke`): condition `StringEquals AWS:SourceAccount` fails: the request has no `AWS:SourceAccount`"),
        "{text}"
    );
    // With the account the same request is allowed.
    let output = rolecall()
        .args([
            "can",
            "s3.amazonaws.com",
            "lambda:InvokeFunction",
            ORDERS_API,
            "--resource-policy",
            QUICKSTART_POLICY,
        ])
        .args([
            "--context",
            "aws:SourceArn=arn:aws:s3:::ingest-bucket-123456789012",
        ])
        .args([
            "--context",
            "AWS:SourceAccount=123456789012",
            "--expect",
            "allow",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout_of(&output));
}

#[test]
fn expect_mismatch_exits_1() {
    let output = rolecall()
        .args([
            "can",
            "anonymous",
            "lambda:InvokeFunction",
            ORDERS_API,
            "--resource-policy",
            QUICKSTART_POLICY,
        ])
        .args(["--expect", "allow"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("expected Allow, got ImplicitDeny"));
}

#[test]
fn json_output_for_scripts() {
    let output = rolecall()
        .args([
            "can",
            "arn:aws:sts::111122223333:assumed-role/orders/fn",
            "dynamodb:Query",
        ])
        .args([
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
            "--format",
            "json",
        ])
        .arg("--policy")
        .arg(fixture("policies/role-orders.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["deciding"][0]["sid"], "ReadOrders");
    assert_eq!(v["deciding"][0]["line"], 4);
    assert_eq!(
        v["context"]["aws:principalarn"],
        "arn:aws:iam::111122223333:role/orders"
    );
}

#[test]
fn derived_context_makes_deny_conditions_count() {
    // Over plain HTTP the Deny fires; the derived aws:SecureTransport=true is overridden.
    let output = rolecall()
        .args([
            "can",
            "arn:aws:sts::111122223333:assumed-role/orders/fn",
            "dynamodb:GetItem",
        ])
        .args([
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
            "--context",
            "aws:SecureTransport=false",
        ])
        .arg("--policy")
        .arg(fixture("policies/role-orders.json"))
        .args(["--expect", "deny"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout_of(&output).starts_with("ExplicitDeny"));
    assert!(stdout_of(&output).contains("(Sid `NoPlainHttp`)"));
}

#[test]
fn scp_levels_each_must_allow() {
    let base = |scps: &[&str]| {
        let mut command = rolecall();
        command
            .args([
                "can",
                "arn:aws:iam::111122223333:user/alice",
                "s3:GetObject",
                "arn:aws:s3:::b/k",
            ])
            .arg("--policy")
            .arg(fixture("policies/scp-full-access.json"));
        for level in scps {
            command.args(["--scp", level]);
        }
        stdout_of(&command.output().unwrap())
    };
    let full = "tests/fixtures/policies/scp-full-access.json";
    let deny_iam = "tests/fixtures/policies/scp-deny-iam.json";
    let s3_only = "tests/fixtures/policies/scp-s3-only.json";
    assert!(base(&[&format!("{full},{deny_iam}")]).starts_with("Allow"));
    assert!(base(&[full, s3_only]).starts_with("Allow"));
    // A level with only a Deny list and no Allow blocks everything.
    let out = base(&[full, deny_iam]);
    assert!(out.starts_with("ImplicitDeny"), "{out}");
    assert!(
        out.contains("no SCP at organisation level 1 allows the action"),
        "{out}"
    );
}

#[test]
fn policy_problems_are_located_and_the_rest_still_counts() {
    let output = rolecall()
        .args([
            "can",
            "arn:aws:iam::111122223333:user/alice",
            "dynamodb:GetItem",
            "*",
        ])
        .arg("--policy")
        .arg(fixture("policies/broken-operator.json"))
        .output()
        .unwrap();
    let text = stdout_of(&output);
    assert!(text.starts_with("Allow"), "{text}");
    assert!(
        text.contains("broken-operator.json:8:21: unknown condition operator `StringEqual`"),
        "{text}"
    );
    assert!(
        text.contains("help: did you mean `StringEquals`?"),
        "{text}"
    );
}

#[test]
fn bad_inputs_exit_2_naming_the_file_and_place() {
    let run = |args: &[&str]| rolecall().args(args).output().unwrap();
    let truncated = run(&[
        "can",
        "anonymous",
        "s3:GetObject",
        "*",
        "--policy",
        "tests/fixtures/policies/truncated.json",
    ]);
    assert_eq!(truncated.status.code(), Some(2));
    assert!(
        stderr_of(&truncated).contains("truncated.json` is not valid JSON"),
        "{}",
        stderr_of(&truncated)
    );
    assert!(
        stderr_of(&truncated).contains("line 5"),
        "{}",
        stderr_of(&truncated)
    );

    let empty = run(&[
        "can",
        "anonymous",
        "s3:GetObject",
        "*",
        "--policy",
        "tests/fixtures/policies/empty.json",
    ]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr_of(&empty).contains("empty.json` is empty"));

    let missing = run(&[
        "can",
        "anonymous",
        "s3:GetObject",
        "*",
        "--policy",
        "nope.json",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).contains("cannot read `nope.json`"));

    let bad_arn = run(&["can", "anonymous", "s3:GetObject", "bucket"]);
    assert_eq!(bad_arn.status.code(), Some(2));
    assert!(stderr_of(&bad_arn).contains("`bucket` is not an ARN"));

    let bad_principal = run(&["can", "alice", "s3:GetObject", "*"]);
    assert_eq!(bad_principal.status.code(), Some(2));
    assert!(stderr_of(&bad_principal).contains("`alice` is not a principal"));

    let not_a_policy = run(&[
        "can",
        "anonymous",
        "s3:GetObject",
        "*",
        "--policy",
        "tests/fixtures/eval-public.jsonl",
    ]);
    assert_eq!(not_a_policy.status.code(), Some(2));
}
