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

/// A value of a condition key is reported where it is: inside the list of
/// values when they are one (even of one value), at the key otherwise.
#[test]
fn a_bad_condition_value_is_located_at_the_value() {
    let dir = scratch("condition-values");
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
 "Resource": "arn:aws:sqs:us-east-1:123456789012:q",
 "Condition": {"ArnLike": {"aws:SourceArn": ["arn:aws:sns:us-east-1:123456789012:t", "not-an-arn"]},
               "DateGreaterThan": {"aws:CurrentTime": ["bad"]},
               "IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}]}"#;
    std::fs::write(dir.join("policy.json"), text).expect("written");
    let account = ingest(std::slice::from_ref(&dir), &no_managed);
    let output = run(&account, &selection());
    let _ = std::fs::remove_dir_all(&dir);
    let mut located: Vec<(&str, String, usize, usize)> = output
        .findings
        .iter()
        .filter(|f| f.code == "POL003" || f.code == "POL006")
        .filter_map(|f| {
            let l = f.location.as_ref()?;
            Some((f.code.as_ref(), l.pointer.clone(), l.line?, l.column?))
        })
        .collect();
    located.sort();
    // Columns are 1-based characters: where each value (or key) starts.
    let at = |needle: &str| {
        let line = text
            .lines()
            .position(|l| l.contains(needle))
            .expect("in the text");
        let column = text
            .lines()
            .nth(line)
            .and_then(|l| l.find(needle))
            .expect("in the line");
        (line + 1, column + 1)
    };
    let expected = [
        (
            "POL003",
            "/Statement/0/Condition/ArnLike/aws:SourceArn/1",
            at("\"not-an-arn\""),
        ),
        (
            "POL006",
            "/Statement/0/Condition/DateGreaterThan/aws:CurrentTime/0",
            at("\"bad\""),
        ),
        (
            "POL006",
            "/Statement/0/Condition/IpAddress/aws:SourceIp",
            at("\"aws:SourceIp\""),
        ),
    ];
    assert_eq!(
        located,
        expected
            .iter()
            .map(|(code, pointer, (line, column))| (*code, pointer.to_string(), *line, *column))
            .collect::<Vec<_>>()
    );
}
