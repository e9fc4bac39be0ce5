//! `rolecall check`: formats, determinism, configuration, exit codes.

use serde_json::Value;

use crate::{fixture, rolecall, stderr_of, stdout_of};

fn check(args: &[&str]) -> std::process::Output {
    rolecall()
        .arg("check")
        .args(args)
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap()
}

#[test]
fn json_report_shape() {
    let output = check(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "errors found: exit 1");
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "rolecall");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(
        v["summary"]["error"].as_u64().unwrap() as usize,
        findings.iter().filter(|f| f["severity"] == "error").count()
    );
    let exr004 = findings.iter().find(|f| f["code"] == "EXR004").unwrap();
    assert_eq!(exr004["rule"], "event-source-not-readable");
    assert_eq!(exr004["category"], "correctness");
    assert_eq!(exr004["source"], "builtin");
    assert!(exr004["message"]
        .as_str()
        .unwrap()
        .contains("`sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes`"));
    assert!(exr004["message"]
        .as_str()
        .unwrap()
        .contains("arn:aws:sqs:us-east-1:123456789012:orders-queue"));
    assert!(exr004["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("lambda_list-event-source-mappings.json"));
    assert!(exr004["location"]["line"].as_u64().is_some());
    let rbp001 = findings.iter().find(|f| f["code"] == "RBP001").unwrap();
    assert_eq!(rbp001["location"]["pointer_in_document"], "/Statement/0");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = check(&["--format", "json", "--jobs", "1"]);
    let eight = check(&["--format", "json", "--jobs", "8"]);
    assert_eq!(one.stdout, eight.stdout);
    let again = check(&["--format", "json", "--jobs", "8"]);
    assert_eq!(eight.stdout, again.stdout);
}

#[test]
fn sarif_validates_against_the_schema() {
    let output = check(&["--format", "sarif"]);
    let report: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("sarif/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Columns are characters, as in every other format.
    assert_eq!(report["runs"][0]["columnKind"], "unicodeCodePoints");
    let rules = report["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 37);
    let results = report["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let with_line = results
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64())
        .count();
    assert_eq!(with_line, results.len(), "every result points at a line");
    // And at its JSON pointer, inside a policy string too.
    assert!(results
        .iter()
        .all(|r| r["properties"]["pointer"].is_string()));
    assert!(results
        .iter()
        .any(|r| r["properties"]["pointerInDocument"].is_string()));
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let json: Value = serde_json::from_str(&stdout_of(&check(&["--format", "json"]))).unwrap();
    let lines = stdout_of(&check(&["--format", "jsonl"]));
    let parsed: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&parsed, json["findings"].as_array().unwrap());
}

#[test]
fn select_ignore_and_fail_on() {
    let only_rbp: Value =
        serde_json::from_str(&stdout_of(&check(&["--format", "json", "--select", "RBP"]))).unwrap();
    assert!(only_rbp["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"].as_str().unwrap().starts_with("RBP")));
    let by_name: Value = serde_json::from_str(&stdout_of(&check(&[
        "--format",
        "json",
        "--select",
        "public-invoke",
    ])))
    .unwrap();
    assert!(by_name["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"] == "RBP001"));
    let ignored: Value = serde_json::from_str(&stdout_of(&check(&[
        "--format",
        "json",
        "--ignore",
        "RBP,EXR004",
    ])))
    .unwrap();
    assert!(ignored["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["code"].as_str().unwrap().starts_with("RBP") && f["code"] != "EXR004"));
    assert_eq!(check(&["--fail-on", "never"]).status.code(), Some(0));
    assert_eq!(
        check(&["--select", "EXR012", "--fail-on", "error"])
            .status
            .code(),
        Some(0),
        "EXR012 is a warning"
    );
    assert_eq!(
        check(&["--select", "EXR012", "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    let typo = check(&["--select", "EXR0044"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr_of(&typo).contains("unknown rule `EXR0044`; did you mean `EXR004`?"),
        "{}",
        stderr_of(&typo)
    );
}

#[test]
fn config_file_overrides_and_suppressions() {
    let dir = std::env::temp_dir().join(format!("rolecall-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("rolecall.toml");
    std::fs::write(
        &config,
        r#"
[rules]
ignore = ["EXR012"]
severity = { EXR004 = "info" }

[rules.options.RBP005]
trusted_accounts = ["111122223333"]

[[suppress]]
code = "RBP007"
resource = "arn:aws:lambda:*:*:function:legacy-*"
reason = "the legacy webhook is public on purpose"
"#,
    )
    .unwrap();
    let output = check(&["--format", "json", "--config", config.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["code"] != "EXR012"));
    assert!(findings
        .iter()
        .filter(|f| f["code"] == "EXR004")
        .all(|f| f["severity"] == "info"));
    assert!(findings.iter().all(
        |f| !(f["code"] == "RBP005" && f["message"].as_str().unwrap().contains("111122223333"))
    ));
    assert!(findings.iter().all(|f| f["code"] != "RBP007"));
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(
        v["suppressed"][0]["reason"],
        "the legacy webhook is public on purpose"
    );

    // Bad keys, codes and a suppression without reason: exit 2, and every other finding still reported.
    std::fs::write(
        &config,
        "[rules]\nignor = [\"EXR012\"]\nselect = [\"EXR004\", \"RBP001\", \"RBP00X\"]\n\n[[suppress]]\ncode = \"RBP001\"\nresource = \"*\"\n",
    )
    .unwrap();
    let output = check(&["--format", "json", "--config", config.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("rolecall.toml:2: unknown key `rules.ignor`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `ignore`?"), "{stderr}");
    assert!(stderr.contains("unknown rule `RBP00X`"), "{stderr}");
    assert!(
        stderr.contains("the suppression of `RBP001` has no reason"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "EXR004"));
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "RBP001"),
        "a suppression without a reason suppresses nothing"
    );
}

#[test]
fn broken_input_is_reported_and_the_rest_checked() {
    let dir = std::env::temp_dir().join(format!("rolecall-check-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["lambda_list-functions.json", "lambda_get-policy.json"] {
        std::fs::copy(fixture(&format!("aws-cli-moto/{file}")), dir.join(file)).unwrap();
    }
    std::fs::write(dir.join("truncated.json"), "{\"EventSourceMappings\": [").unwrap();
    let output = rolecall()
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert!(v["errors"][0]
        .as_str()
        .unwrap()
        .contains("truncated.json:1:"));
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"EXR001"),
        "roles are missing from this dump: {codes:?}"
    );
    assert!(codes.contains(&"RBP005"), "{codes:?}");
}

#[test]
fn policy_files_with_a_misspelt_statement_are_linted_and_others_named() {
    let dir = std::env::temp_dir().join(format!("rolecall-check-skipped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("typo.json"),
        r#"{"Version": "2012-10-17", "Statements": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("other.json"), r#"{"Items": []}"#).unwrap();
    // `statements` that are no policy statements: not a policy.
    std::fs::write(dir.join("sql.json"), r#"{"statements": ["SELECT 1"]}"#).unwrap();
    let output = rolecall()
        .args(["check", "--select", "POL", "--fail-on", "never"])
        .arg(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let text = stdout_of(&output);
    // The misspelt policy is read as one, and its problem shown.
    assert!(
        text.contains("error[POL001] unknown policy element `Statements`"),
        "{text}"
    );
    assert!(text.contains("did you mean `Statement`?"), "{text}");
    // The file of no known kind is named, with why.
    assert!(text.contains("note: 2 file(s) skipped:"), "{text}");
    assert!(text.contains("other.json: not an AWS CLI output"), "{text}");
    assert!(text.contains("sql.json: not an AWS CLI output"), "{text}");
}

#[test]
fn rules_command_prints_docs() {
    let output = rolecall().args(["rules", "EXR004"]).output().unwrap();
    let text = stdout_of(&output);
    assert!(
        text.starts_with("# EXR004 event-source-not-readable (error, correctness)"),
        "{text}"
    );
    assert!(text.contains("## Why is this bad?"));
    let list = stdout_of(&rolecall().arg("rules").output().unwrap());
    assert_eq!(list.lines().count(), 37);
}

#[test]
fn demo_account_json_report_snapshot() {
    let output = rolecall()
        .args(["check", "--format", "json"])
        .arg("examples/demo-account")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    // The structured report, not rendered text, is what scripts rely on:
    // any change to it shows up here for review (`INSTA_UPDATE=always`
    // rewrites the snapshot; review the diff before committing).
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("demo-account-check", report);
    });
}

/// A file rolecall does not read, or cannot, never vanishes from a report:
/// SARIF lists it as a notification of the run (and stays valid), JSON lines
/// (findings only) name it on standard error.
#[test]
fn skipped_and_broken_files_are_reported_in_every_format() {
    let dir = std::env::temp_dir().join(format!("rolecall-skipped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a-policy.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("b-unknown.json"), r#"{"Hello": "world"}"#).unwrap();
    std::fs::write(dir.join("c-broken.json"), r#"{"Statement": ["#).unwrap();
    let run = |format: &str| {
        rolecall()
            .args(["check", "--fail-on", "never", "--format", format])
            .arg(&dir)
            .output()
            .unwrap()
    };
    let sarif = run("sarif");
    let jsonl = run("jsonl");
    std::fs::remove_dir_all(&dir).unwrap();

    let report: Value = serde_json::from_str(&stdout_of(&sarif)).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("sarif/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report), "the SARIF report is invalid");
    let invocation = &report["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    let skipped = notifications
        .iter()
        .find(|n| n["level"] == "note")
        .expect("the unknown file is noted");
    assert!(
        skipped["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("b-unknown.json")
    );
    assert!(notifications.iter().any(|n| n["level"] == "error"
        && n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("c-broken.json")));
    assert_eq!(sarif.status.code(), Some(2), "an input error: exit 2");

    let notes = stderr_of(&jsonl);
    assert!(
        notes.contains("note: skipped") && notes.contains("b-unknown.json"),
        "{notes}"
    );
    assert!(notes.contains("c-broken.json"), "{notes}");
    assert!(stdout_of(&jsonl)
        .lines()
        .all(|line| serde_json::from_str::<Value>(line).is_ok_and(|f| f["code"].is_string())));
}

/// A file saved with a byte order mark is located as an editor shows it:
/// the mark takes no column, and the line shown does not start with it.
#[test]
fn a_byte_order_mark_takes_no_column() {
    let dir = std::env::temp_dir().join(format!("rolecall-check-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Frob","Resource":"*"}]}"#;
    std::fs::write(dir.join("policy.json"), format!("\u{feff}{policy}")).unwrap();
    std::fs::write(dir.join("broken.json"), "\u{feff}{\"a\": 1 \"b\": 2}").unwrap();
    let output = rolecall().arg("check").arg(&dir).output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = stdout_of(&output);
    // The action, a single string, is located at its member's key.
    let column = policy.find("\"Action\"").unwrap() + 1;
    assert!(
        stdout.contains(&format!("policy.json:1:{column}")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("1 | {policy}")), "{stdout}");
    let marker = stdout
        .lines()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap();
    assert_eq!(
        marker.find('^'),
        stdout
            .lines()
            .find(|l| l.contains("1 | {"))
            .unwrap()
            .find("\"Action\"")
    );
    assert!(
        stderr_of(&output).contains("broken.json:1:9:"),
        "{}",
        stderr_of(&output)
    );
}
