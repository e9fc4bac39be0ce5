//! `check` lints each policy file as soon as it is read, on a model of that
//! file alone, when every selected rule is built in. What it reports must be
//! what linting the whole account at once reports: the same findings (with
//! their lines and columns), errors, problems and skipped files.

use std::path::{Path, PathBuf};

use policy_core::ingest::{ingest, ingest_handling_policy_files};
use policy_core::lint::{builtin_rules, run, PreparedRules, RuleSelection, RunOutput};
use policy_core::model::{Account, FileKind};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn embedded_aws_managed(arn: &str) -> Option<Value> {
    let set = policy_core::managed::aws_managed_policies().ok()?;
    set.get_by_arn(arn).map(|p| p.document().clone())
}

fn selection() -> RuleSelection {
    policy_rules::link();
    RuleSelection {
        rules: builtin_rules().expect("the built-in rules"),
        ..RuleSelection::default()
    }
}

/// The whole account first, then the rules.
fn at_once(paths: &[PathBuf], selection: &RuleSelection) -> (Account, RunOutput) {
    let account = ingest(paths, &embedded_aws_managed);
    let output = run(&account, selection);
    (account, output)
}

/// Each policy file linted as it is read.
fn file_by_file(paths: &[PathBuf], selection: &RuleSelection) -> (Account, RunOutput) {
    let prepared = PreparedRules::new(selection);
    assert!(prepared.lint_policy_files_alone());
    let (account, files) = ingest_handling_policy_files(paths, &embedded_aws_managed, &|file| {
        prepared.run_on_policy_file(file)
    });
    let output = prepared.run(&account, files);
    (account, output)
}

fn assert_same(paths: &[PathBuf]) {
    let selection = selection();
    let (whole, expected) = at_once(paths, &selection);
    let (alone, found) = file_by_file(paths, &selection);
    assert_eq!(found.findings, expected.findings, "{paths:?}");
    assert_eq!(found.errors, expected.errors, "{paths:?}");
    assert_eq!(alone.problems, whole.problems, "{paths:?}");
    assert_eq!(alone.skipped, whole.skipped, "{paths:?}");
    // Every file is still known to the model (reports show its lines), by
    // the same paths, but a policy file's policy is not kept, nor its text
    // (the files are read again for the lines a report shows).
    let paths_of = |account: &Account| -> Vec<(String, Option<PathBuf>)> {
        let path = |s: &policy_core::model::SourceFile| {
            (
                s.path.to_string(),
                s.os_path.as_deref().map(Path::to_path_buf),
            )
        };
        account.sources.iter().map(path).collect()
    };
    assert_eq!(paths_of(&alone), paths_of(&whole), "{paths:?}");
    assert!(alone.standalone_policies.is_empty());
    for source in &alone.sources {
        if source.kind == FileKind::PolicyDocument {
            assert!(source.text.is_none(), "{}", source.path);
        }
    }
    assert_eq!(
        alone.policies.len() + whole.standalone_policies.len(),
        whole.policies.len()
    );
}

#[test]
fn every_rule_fixture_reports_the_same_either_way() {
    let rules = fixtures().join("rules");
    let mut cases = 0;
    for rule in std::fs::read_dir(&rules).expect("the rule fixtures") {
        let rule = rule.expect("an entry").path();
        for case in ["fires", "quiet"] {
            let dir = rule.join(case);
            if dir.is_dir() {
                assert_same(&[dir]);
                cases += 1;
            }
        }
    }
    assert!(cases > 50, "{cases} fixture folders");
}

#[test]
fn dumps_and_policy_files_together_report_the_same_either_way() {
    let selection = selection();
    let paths = [fixtures().join("rules"), fixtures().join("policies")];
    let (whole, expected) = at_once(&paths, &selection);
    assert!(!whole.functions.is_empty() && !whole.standalone_policies.is_empty());
    assert!(expected.findings.iter().any(|f| f.code.starts_with("POL")));
    assert!(expected.findings.iter().any(|f| f.code.starts_with("EXR")));
    assert_same(&paths);
}

#[test]
fn a_large_policy_file_is_located_from_the_text_read() {
    let dir = std::env::temp_dir().join(format!("rolecall-alone-large-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let statements: Vec<String> = (0..400)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b-{i}/*"}}"#
            )
        })
        .collect();
    let text = format!(
        "{{\"Version\":\"2012-10-17\",\n\"Statement\":[\n{}\n]}}",
        statements.join(",\n")
    );
    std::fs::write(dir.join("large.json"), &text).expect("written");
    let (_, found) = file_by_file(std::slice::from_ref(&dir), &selection());
    let typos: Vec<_> = found
        .findings
        .iter()
        .filter(|f| f.code == "POL002")
        .collect();
    assert_eq!(typos.len(), 400);
    for typo in typos {
        let location = typo.location.as_ref().expect("located");
        let expected = policy_core::locate::locate(&text, &location.pointer).expect("in the text");
        assert_eq!(location.line, Some(expected.line));
        assert_eq!(location.column, Some(expected.column));
    }
    assert_same(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rule that is not built in (as a plugin's): it looks at the account as
/// a whole, policy files included.
struct CountsPolicyFiles;

static COUNTS_POLICY_FILES: policy_core::lint::RuleMeta = policy_core::lint::RuleMeta {
    code: "TEST001",
    name: "counts-policy-files",
    category: policy_core::lint::Category::BestPractice,
    default_severity: policy_core::lint::Severity::Info,
    summary: "reports how many policy files the account holds",
    docs: "",
};

impl policy_core::lint::Rule for CountsPolicyFiles {
    fn meta(&self) -> &'static policy_core::lint::RuleMeta {
        &COUNTS_POLICY_FILES
    }
    fn check_account(
        &self,
        cx: &policy_core::lint::Context<'_>,
        out: &mut policy_core::lint::Findings,
    ) {
        out.report(
            "account",
            format!("{} policy files", cx.account.standalone_policies.len()),
        );
    }
}

#[test]
fn a_rule_that_is_not_built_in_sees_the_policy_files_in_the_account() {
    let mut selection = selection();
    assert!(PreparedRules::new(&selection).lint_policy_files_alone());
    selection.rules.push(&CountsPolicyFiles);
    let prepared = PreparedRules::new(&selection);
    assert!(!prepared.lint_policy_files_alone());
    assert!(selection.rules[..selection.rules.len() - 1]
        .iter()
        .all(|rule| policy_core::lint::is_builtin(*rule)));
    assert!(!policy_core::lint::is_builtin(&CountsPolicyFiles));
    let paths = [fixtures().join("policies")];
    let (account, _) = at_once(&paths, &selection);
    let counted = run(&account, &selection)
        .findings
        .into_iter()
        .find(|f| f.code == "TEST001")
        .expect("the rule ran");
    assert_eq!(
        counted.message,
        format!("{} policy files", account.standalone_policies.len())
    );
    assert!(!account.standalone_policies.is_empty());
}

/// A file whose path is not UTF-8 is shown with replacement characters
/// (`policy-\u{FFFD}.json`), and read again by its own path for the lines
/// and columns of its findings: a policy file linted as it is read, and a
/// dump's output (a `get-policy` output, its document a JSON string). Two
/// files shown alike are told apart.
#[cfg(unix)]
#[test]
fn files_whose_paths_are_not_utf8_are_read_again_for_their_locations() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = std::env::temp_dir().join(format!("rolecall-alone-name-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}]}"#;
    let name = std::ffi::OsStr::from_bytes(b"policy-\xff.json");
    if std::fs::write(dir.join(name), text).is_err() {
        // A file system that refuses such names has nothing to show here.
        return;
    }
    std::fs::write(dir.join("plain.json"), text).expect("written");
    // Shown as the same name as the first: each is located in its own text.
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(text).expect("JSON"))
        .expect("JSON");
    let pretty_line = pretty
        .lines()
        .position(|l| l.contains("GetObjekt"))
        .expect("the action")
        + 1;
    std::fs::write(
        dir.join(std::ffi::OsStr::from_bytes(b"policy-\xfe.json")),
        pretty,
    )
    .expect("written");
    let output = serde_json::json!({
        "Policy": serde_json::json!({"Version": "2012-10-17", "Id": "default", "Statement": [{
            "Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFuntion",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders"}]}).to_string(),
        "RevisionId": "1"
    });
    let get_policy = std::ffi::OsStr::from_bytes(b"get-policy-\xfe.json");
    std::fs::write(
        dir.join(get_policy),
        serde_json::to_string_pretty(&output).expect("JSON"),
    )
    .expect("written");
    let (account, found) = file_by_file(std::slice::from_ref(&dir), &selection());
    assert_eq!(
        found.findings.iter().filter(|f| f.code == "POL002").count(),
        4,
        "{:#?}",
        found.findings
    );
    let mut lines_in_policy_files = Vec::new();
    for finding in found.findings.iter().filter(|f| f.code == "POL002") {
        let location = finding.location.as_ref().expect("a location");
        assert!(
            location.line.is_some() && location.column.is_some(),
            "{location:?}"
        );
        if location.file.ends_with("/policy-\u{FFFD}.json") {
            lines_in_policy_files.extend(location.line);
        }
    }
    lines_in_policy_files.sort_unstable();
    // The compact file's action is on its first line, the pretty one's
    // further down.
    assert_eq!(lines_in_policy_files, [1, pretty_line]);
    for source in &account.sources {
        assert!(
            source.text.is_none(),
            "{}: read again, not kept",
            source.path
        );
        assert_eq!(
            source.os_path.is_some(),
            source.path.contains(char::REPLACEMENT_CHARACTER),
            "{}",
            source.path
        );
        assert!(source.read_text().is_some(), "{}", source.path);
    }
    assert_same(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}
