//! `rolecall eval`: the documented case table, streaming, bad input.

use serde_json::Value;

use crate::{fixture, rolecall, stderr_of, stdout_of};

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_documented_case_gets_its_expected_decision() {
    let path = fixture("eval-public.jsonl");
    let input = std::fs::read_to_string(&path).unwrap();
    let cases: Vec<Value> = lines(&input);
    let output = rolecall().arg("eval").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let decisions = lines(&stdout_of(&output));
    assert_eq!(decisions.len(), cases.len(), "one output line per case");
    let mut wrong = Vec::new();
    for (case, decision) in cases.iter().zip(&decisions) {
        assert_eq!(case["name"], decision["name"], "same order");
        if case["expected"] != decision["decision"] {
            wrong.push(format!(
                "{}: expected {}, got {} ({})",
                case["name"], case["expected"], decision["decision"], case["why"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn check_expected_counts_and_exits_on_mismatch() {
    let ok = rolecall()
        .args(["eval", "--check-expected"])
        .arg(fixture("eval-public.jsonl"))
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert!(
        stderr_of(&ok).contains(" passed, 0 failed"),
        "{}",
        stderr_of(&ok)
    );

    let wrong = r#"{"name":"w","policies":{},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"},"expected":"Allow"}"#;
    let output = rolecall()
        .args(["eval", "--check-expected", "-"])
        .write_stdin(format!("{wrong}\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("case \"w\" expected Allow, got ImplicitDeny"),
        "{}",
        stderr_of(&output)
    );
    assert!(stderr_of(&output).contains("0 passed, 1 failed"));
}

#[test]
fn bad_lines_report_an_error_and_the_run_goes_on() {
    let good = r#"{"name":"good","policies":{"identity":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}"#;
    let input = [
        good,
        r#"{"name":"truncated","policies":{"#,
        r#"{"name":"no-request","policies":{}}"#,
        r#"{"name":"bad-principal","request":{"principal":"bob","action":"s3:GetObject","resource":"*"}}"#,
        r#"{"name":"bad-arn","request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"bucket/key"}}"#,
        r#"{"name":"bad-context","request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*","context":{"k":{"x":1}}}}"#,
        r#"{"name":"typo-member","policies":{"identities":[]},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"}}"#,
        "",
        good,
    ]
    .join("\n");
    let output = rolecall()
        .args(["eval", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let out = lines(&stdout_of(&output));
    let summary: Vec<(String, String)> = out
        .iter()
        .map(|v| {
            (
                v["name"].to_string(),
                v["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("\"good\"", "Allow"),
            ("null", "Error"),
            ("\"no-request\"", "Error"),
            ("\"bad-principal\"", "Error"),
            ("\"bad-arn\"", "Error"),
            ("\"bad-context\"", "Error"),
            ("\"typo-member\"", "Error"),
            ("\"good\"", "Allow"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 2: invalid JSON"));
    assert!(out[2]["error"]
        .as_str()
        .unwrap()
        .contains("has no `request`"));
    assert!(out[3]["error"]
        .as_str()
        .unwrap()
        .contains("`bob` is not a principal"));
    assert!(out[4]["error"]
        .as_str()
        .unwrap()
        .contains("`bucket/key` is not an ARN"));
    assert!(out[6]["error"]
        .as_str()
        .unwrap()
        .contains("did you mean `identity`?"));
    assert!(stderr_of(&output).contains("6 of 8 cases could not be evaluated"));
}

#[test]
fn invalid_statements_are_reported_with_explain_and_grant_nothing() {
    let case = r#"{"name":"c","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqual":{"a":"b"}}},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}"#;
    let output = rolecall()
        .args(["eval", "--explain", "-"])
        .write_stdin(format!("{case}\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let v: Value = serde_json::from_str(stdout_of(&output).trim()).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["pointer"], "/Statement/0/Effect");
    assert_eq!(errors[1]["pointer"], "/Statement/1/Condition/StringEqual");
    assert_eq!(errors[1]["help"], "did you mean `StringEquals`?");
    // Only the valid statement was evaluated, and it concerns another action.
    let statements = v["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["statement"], 2);
    assert_eq!(statements[0]["outcome"], "action_mismatch");
    assert_eq!(v["notes"][0], "no identity policy allows the request");
}

#[test]
fn explain_names_the_deciding_statement_and_failed_condition() {
    let case = r#"{"name":"s3","policies":{"resource":[{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}]},"request":{"principal":"s3.amazonaws.com","action":"lambda:InvokeFunction","resource":"arn:aws:lambda:us-east-1:111122223333:function:f","context":{"aws:SourceArn":"arn:aws:s3:::uploads"}}}"#;
    let output = rolecall()
        .args(["eval", "--explain", "-"])
        .write_stdin(format!("{case}\n"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(stdout_of(&output).trim()).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
    let s = &v["statements"][0];
    assert_eq!(s["outcome"], "condition_failed");
    assert_eq!(s["condition"], "StringEquals AWS:SourceAccount");
    assert_eq!(s["missing_key"], true);

    let allowed = case.replace(
        r#""context":{"aws:SourceArn":"arn:aws:s3:::uploads"}"#,
        r#""context":{"aws:SourceArn":"arn:aws:s3:::uploads","aws:SourceAccount":"111122223333"}"#,
    );
    let output = rolecall()
        .args(["eval", "--explain", "-"])
        .write_stdin(format!("{allowed}\n"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(stdout_of(&output).trim()).unwrap();
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["deciding"][0]["sid"], "s3");
    assert_eq!(v["deciding"][0]["principal_match"], "service");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let path = fixture("eval-public.jsonl");
    let one = rolecall()
        .args(["eval", "--explain", "--jobs", "1"])
        .arg(&path)
        .output()
        .unwrap();
    let four = rolecall()
        .args(["eval", "--explain", "--jobs", "4"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn unusable_inputs_exit_2_with_a_message() {
    let empty = rolecall()
        .args(["eval", "-"])
        .write_stdin("\n\n")
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr_of(&empty).contains("holds no cases"));

    let missing = rolecall()
        .args(["eval", "no/such/file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr_of(&missing).contains("cannot open `no/such/file.jsonl`"),
        "{}",
        stderr_of(&missing)
    );
}
