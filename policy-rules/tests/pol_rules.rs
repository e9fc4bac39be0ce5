//! POL rules on small stand-alone policy documents: the cases the fixture
//! folders cannot tell apart (which statement, which condition, why).

use std::path::PathBuf;

use policy_core::ingest::ingest;
use policy_core::lint::{builtin_rules, run, RuleSelection};
use serde_json::Value;

/// The findings of rule `code` on `document`, as (JSON pointer, message).
fn lint(code: &str, document: Value) -> Vec<(String, String)> {
    policy_rules::link();
    let dir = std::env::temp_dir().join(format!(
        "rolecall-pol-{code}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    std::fs::write(dir.join("policy.json"), document.to_string()).expect("written");
    let account = ingest(&[PathBuf::from(&dir)], &|_: &str| None);
    assert!(account.problems.is_empty(), "{:?}", account.problems);
    let selection = RuleSelection {
        rules: builtin_rules().expect("the built-in rules"),
        ..RuleSelection::default()
    };
    let output = run(&account, &selection);
    let _ = std::fs::remove_dir_all(&dir);
    output
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let pointer = f.location.as_ref().map(|l| l.pointer.clone());
            (pointer.unwrap_or_default(), f.message.clone())
        })
        .collect()
}

/// A policy of one Allow statement on `s3:GetObject` with `condition`.
fn with_condition(condition: Value) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::orders/*",
            "Condition": condition
        }]
    })
}

#[test]
fn pol006_arn_operators_fit_string_keys_that_hold_arns() {
    // As AWS documents for encrypted log groups and uses in its managed
    // policies: the key is typed String, its values are ARNs.
    for condition in [
        serde_json::json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*"}}),
        serde_json::json!({"ArnEquals": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::orders", "arn:aws:s3:::orders/*"]}}),
        serde_json::json!({"ArnLike": {"kms:EncryptionContext:SecretARN": "${aws:SourceArn}"}}),
        serde_json::json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::orders"}}),
    ] {
        let found = lint("POL006", with_condition(condition.clone()));
        assert!(found.is_empty(), "{condition}: {found:?}");
    }
}

#[test]
fn pol006_arn_operators_on_values_that_are_no_arns_fire() {
    let found = lint(
        "POL006",
        with_condition(serde_json::json!({"ArnEquals": {"aws:username": "alice"}})),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/0/Condition/ArnEquals/aws:username");
    assert!(found[0].1.contains("`ArnEquals`"), "{}", found[0].1);
    // A string key that never holds an ARN: an account id is compared.
    let found = lint(
        "POL006",
        with_condition(
            serde_json::json!({"ArnLike": {"aws:SourceAccount": "arn:aws:iam::111122223333:*"}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("`aws:SourceAccount`"), "{}", found[0].1);
    // One value that is no ARN is enough.
    let found = lint(
        "POL006",
        with_condition(
            serde_json::json!({"ArnLike": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::orders", "orders"]}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn pol006_other_mismatches_still_fire() {
    for condition in [
        serde_json::json!({"StringLike": {"aws:CurrentTime": "2025-*"}}),
        serde_json::json!({"IpAddress": {"aws:username": "10.0.0.0/8"}}),
        serde_json::json!({"Bool": {"aws:SecureTransport": "yes"}}),
    ] {
        let found = lint("POL006", with_condition(condition.clone()));
        assert_eq!(found.len(), 1, "{condition}: {found:?}");
    }
}
