//! Findings are located after the rules run, by reading large files again:
//! the lines must be right, and a file gone in the meantime must cost only
//! its lines and columns.

use std::path::PathBuf;

use policy_core::ingest::ingest;
use policy_core::lint::{builtin_rules, run, RuleSelection};
use serde_json::Value;

/// A fresh folder under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// A policy file larger than the texts the model keeps, whose last
/// statement names an action no catalog knows.
fn large_policy() -> String {
    let mut statements: Vec<String> = (0..150)
        .map(|i| {
            format!(
                r#"    {{"Sid": "Read{i}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{i}/*"}}"#
            )
        })
        .collect();
    statements.push(
        r#"    {"Sid": "Typo", "Effect": "Allow", "Action": "lambda:InvokeFuntion", "Resource": "*"}"#
            .to_owned(),
    );
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

fn no_managed(_: &str) -> Option<Value> {
    None
}

fn selection() -> RuleSelection {
    policy_rules::link();
    RuleSelection {
        rules: builtin_rules().expect("the built-in rules"),
        ..RuleSelection::default()
    }
}

#[test]
fn findings_in_a_large_file_get_the_right_line() {
    let dir = scratch("large-policy");
    let text = large_policy();
    assert!(text.len() > 16 * 1024, "larger than the kept texts");
    let path = dir.join("policy.json");
    std::fs::write(&path, &text).expect("written");
    let account = ingest(std::slice::from_ref(&dir), &no_managed);
    assert!(account.sources.iter().all(|s| s.text.is_none()));
    let output = run(&account, &selection());
    let typo = output
        .findings
        .iter()
        .find(|f| f.code == "POL002")
        .expect("the misspelt action is reported");
    let location = typo.location.as_ref().expect("located");
    let expected = policy_core::locate::locate(&text, &location.pointer).expect("in the text");
    assert_eq!(
        (location.line, location.column),
        (Some(expected.line), Some(expected.column))
    );
    assert_eq!(location.line, Some(text.lines().count() - 2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_gone_before_locating_loses_only_its_lines() {
    let dir = scratch("gone-policy");
    let path = dir.join("policy.json");
    std::fs::write(&path, large_policy()).expect("written");
    let account = ingest(std::slice::from_ref(&dir), &no_managed);
    std::fs::remove_file(&path).expect("removed");
    let output = run(&account, &selection());
    let typo = output
        .findings
        .iter()
        .find(|f| f.code == "POL002")
        .expect("still reported");
    let location = typo.location.as_ref().expect("file and pointer kept");
    assert_eq!((location.line, location.column), (None, None));
    assert!(location.pointer.starts_with("/Statement/150"));
    let _ = std::fs::remove_dir_all(&dir);
}
