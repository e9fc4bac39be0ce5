use std::path::PathBuf;

use serde_json::Value;

use super::*;
use crate::eval::{Decision, Evaluator, Principal, Request, RequestContext};
use crate::model::PolicyOrigin;

fn fixtures(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(dir)
}

fn no_embedded(_: &str) -> Option<Value> {
    None
}

fn basic_execution_only(arn: &str) -> Option<Value> {
    arn.ends_with("/AWSLambdaBasicExecutionRole").then(|| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]})
    })
}

const ACCOUNT: &str = "123456789012";

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

#[test]
fn the_moto_dump_is_understood() {
    let account = ingest(&[fixtures("aws-cli-moto")], &no_embedded);
    let names: Vec<&str> = account
        .functions
        .values()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["legacy-admin", "orders-api", "queue-worker"]);
    assert!(account.functions.values().all(|f| f.has_configuration));
    assert_eq!(account.roles.len(), 3);
    assert_eq!(account.users.len(), 1);
    assert_eq!(account.groups.len(), 1);
    assert_eq!(account.event_source_mappings.len(), 4);

    let worker = &account.functions[&function_arn("queue-worker")];
    assert_eq!(
        worker.role.as_deref(),
        Some("arn:aws:iam::123456789012:role/queue-worker-role")
    );
    assert!(worker.vpc.as_ref().is_some_and(|v| v.is_attached()));
    assert_eq!(worker.tracing_mode.as_deref(), Some("Active"));
    assert_eq!(worker.event_source_mappings.len(), 3);
    let orders = &account.functions[&function_arn("orders-api")];
    assert_eq!(orders.event_source_mappings.len(), 1);
    assert_eq!(orders.environment_variables, ["STAGE", "TABLE"]);
    let policy = &orders.resource_policies[&None];
    assert!(
        matches!(&account.policy(policy.policy).origin, PolicyOrigin::FunctionPolicy { target } if *target == function_arn("orders-api"))
    );

    let legacy = &account.functions[&function_arn("legacy-admin")];
    assert_eq!(legacy.urls[&None].auth_type, "NONE");
    assert_eq!(
        legacy.aliases["live"].function_version.as_deref(),
        Some("1")
    );
    assert!(legacy.resource_policies.contains_key(&None));

    // Role resolution: inline + attached managed (from the dump's Policies) + boundary.
    let role = &account.roles["arn:aws:iam::123456789012:role/legacy-admin-fn-role"];
    assert_eq!(
        role.permissions_boundary.as_deref(),
        Some("arn:aws:iam::123456789012:policy/app/ingest-bucket-access")
    );
    let set = account.principal_policies(&role.arn);
    assert_eq!(set.identity.len(), role.inline_policies.len() + 2);
    assert_eq!(set.boundary.len(), 1);

    // The user's group policies count as the user's.
    let user_policies = account.identity_policy_ids("arn:aws:iam::123456789012:user/ci-deployer");
    assert_eq!(
        user_policies.len(),
        1 + 1,
        "AWSLambda_ReadOnlyAccess + the deployers group's inline policy"
    );

    // Unknown files are listed, not silently ignored; empty ones too.
    let skipped: Vec<&str> = account
        .skipped
        .iter()
        .map(|s| s.path.rsplit('/').next().unwrap_or_default())
        .collect();
    assert!(
        skipped.contains(&"lambda_get-policy_no-policy.json"),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&"rust_sdk_probe_output.txt"),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&"iam_GetRole_raw_query_api.xml"),
        "{skipped:?}"
    );
}

#[test]
fn evaluating_the_moto_dump() {
    let account = ingest(&[fixtures("aws-cli-moto")], &no_embedded);
    let evaluator = Evaluator::new();
    let context = RequestContext::new();
    // orders-api's role may publish to its topic (inline policy)…
    let session =
        Principal::parse("arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api")
            .unwrap();
    let set =
        account.principal_policies("arn:aws:iam::123456789012:role/service-role/orders-api-role");
    let publish = Request {
        principal: &session,
        action: "sns:Publish",
        resource: "arn:aws:sns:us-east-1:123456789012:order-events",
        resource_account: None,
        context: &context,
    };
    assert_eq!(evaluator.decide(&publish, &set), Decision::Allow);
    // …and write its logs through the AWS managed policy the dump carries.
    let logs = Request {
        action: "logs:PutLogEvents",
        resource:
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api:log-stream:x",
        ..publish
    };
    assert_eq!(evaluator.decide(&logs, &set), Decision::Allow);
    // Anyone may invoke legacy-admin.
    let anonymous = Principal::parse("anonymous").unwrap();
    let target = function_arn("legacy-admin");
    let mut set = account.principal_policies("none");
    set.resource = account
        .resource_policy_ids(&target)
        .into_iter()
        .map(|id| account.policy(id).compiled.clone())
        .collect();
    let invoke = Request {
        principal: &anonymous,
        action: "lambda:InvokeFunction",
        resource: &target,
        resource_account: None,
        context: &context,
    };
    assert_eq!(evaluator.decide(&invoke, &set), Decision::Allow);
}

#[test]
fn real_shapes_and_url_encoded_documents() {
    let account = ingest(&[fixtures("aws-cli-real-shape")], &no_embedded);
    let orders = &account.functions[&function_arn("orders-api")];
    assert_eq!(orders.log_group.as_deref(), Some("/aws/lambda/orders-api"));
    let policy = account.policy(orders.resource_policies[&None].policy);
    assert_eq!(policy.compiled.statements().len(), 5);
    let cross = &policy.compiled.statements()[2];
    assert_eq!(cross.sid(), Some("cross-account"));
    assert_eq!(account.event_source_mappings.len(), 2);
    // The role from get-role has its trust policy.
    let role = &account.roles["arn:aws:iam::123456789012:role/service-role/orders-api-role"];
    assert!(role.trust_policy.is_some());
}

#[test]
fn aws_managed_policies_resolve_from_the_embedded_set() {
    // The real-shape folder names AWSLambdaBasicExecutionRole nowhere, so use
    // the authorization details filtered to roles (no `Policies` member).
    let path = fixtures("aws-cli-moto/iam_get-account-authorization-details_filter-Role.json");
    let account = ingest(std::slice::from_ref(&path), &basic_execution_only);
    let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    let record = account.policy(account.managed_policies[basic].document.unwrap());
    assert_eq!(
        record.origin,
        PolicyOrigin::AwsManaged {
            arn: basic.to_owned(),
            embedded: true
        }
    );
    // The others are reported as unresolved, never silently empty.
    let unresolved: Vec<&str> = account.unresolved.iter().map(|u| u.name.as_str()).collect();
    assert!(
        unresolved.contains(&"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"),
        "{unresolved:?}"
    );
    assert!(!unresolved.contains(&basic));
}

#[test]
fn broken_files_do_not_hide_the_rest() {
    let dir = std::env::temp_dir().join(format!("rolecall-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        fixtures("aws-cli-moto/lambda_list-functions.json"),
        dir.join("functions.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("truncated.json"),
        "{\"Functions\": [ {\"FunctionName\": ",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad-policy.json"),
        r#"{"Policy": "{not json", "RevisionId": "x"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("unknown.json"), r#"{"Buckets": []}"#).unwrap();
    let account = ingest(&[dir.clone(), dir.join("missing.json")], &no_embedded);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(account.functions.len(), 3);
    let problems: Vec<(String, Option<usize>, String)> = account
        .problems
        .iter()
        .map(|p| {
            (
                p.path.rsplit('/').next().unwrap_or_default().to_owned(),
                p.line,
                p.message.clone(),
            )
        })
        .collect();
    assert!(
        problems.iter().any(|(f, line, m)| f == "truncated.json"
            && line.is_some()
            && m.starts_with("invalid JSON")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|(f, _, m)| f == "bad-policy.json" && m.contains("not JSON")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|(f, _, m)| f == "missing.json" && m.contains("no such file")),
        "{problems:?}"
    );
    assert!(account
        .skipped
        .iter()
        .any(|s| s.path.ends_with("unknown.json")));
    // Every function's role is missing from this dump: reported.
    assert_eq!(
        account
            .unresolved
            .iter()
            .filter(|u| u.what == "role")
            .count(),
        3
    );
}

/// Makes a named pipe `name` in a fresh folder; `None` where `mkfifo` is
/// missing.
#[cfg(unix)]
fn named_pipe(name: &str) -> Option<(PathBuf, PathBuf)> {
    let dir = std::env::temp_dir().join(format!("rolecall-pipe-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    let pipe = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("skipped: no mkfifo");
        return None;
    }
    Some((dir, pipe))
}

/// Reads `text` through a named pipe, written in two pieces a moment apart.
#[cfg(unix)]
fn ingest_through_a_pipe(name: &str, text: &'static str) -> Option<Account> {
    let (dir, pipe) = named_pipe(name)?;
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut out = std::fs::OpenOptions::new().write(true).open(pipe)?;
            out.write_all(&text.as_bytes()[..20])?;
            out.flush()?;
            std::thread::sleep(std::time::Duration::from_millis(100));
            out.write_all(&text.as_bytes()[20..])
        })
    };
    let account = ingest(std::slice::from_ref(&pipe), &no_embedded);
    let written = writer.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    written.unwrap();
    assert!(account.problems.is_empty(), "{:?}", account.problems);
    Some(account)
}

/// A file system that hands over a regular file in pieces (a network or
/// user-space one may) cuts it at the first read, which is taken as its end
/// ([`read_file`]). The cut text is not valid JSON: the file is read again
/// to its confirmed end before a problem is reported. A file that is cut
/// however it is read is reported once, not read again and again.
#[test]
fn a_regular_file_cut_by_a_short_read_is_read_again_to_its_end() {
    fn cut_first(file: &InputFile, confirm_end: bool) -> std::io::Result<(Vec<u8>, bool)> {
        let text = std::fs::read(&file.path)?;
        let half = text.len() / 2;
        Ok(if confirm_end {
            (text, true)
        } else {
            (text[..half].to_vec(), false)
        })
    }
    fn always_cut(file: &InputFile, confirm_end: bool) -> std::io::Result<(Vec<u8>, bool)> {
        let text = std::fs::read(&file.path)?;
        Ok((text[..text.len() / 2].to_vec(), confirm_end))
    }
    let dir = std::env::temp_dir().join(format!("rolecall-short-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.json");
    std::fs::write(
        &path,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    let file = InputFile::at(path, true, None);
    let whole = load_reading(&file, false, KEPT_TEXT_BYTES, cut_first);
    let cut = load_reading(&file, false, KEPT_TEXT_BYTES, always_cut);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(whole.outcome, Ok((Parsed::Policy(_), _))));
    match cut.outcome {
        Err(Loaded::Problem(problem)) => {
            assert!(problem.message.contains("invalid JSON"), "{problem:?}")
        }
        _ => panic!("a file cut however it is read is a problem"),
    }
}

/// Files saved by Windows tools: a UTF-8 byte order mark is read as white
/// space (so offsets stay the file's, also when the file is read again to
/// locate a finding); UTF-16 text is a problem that says how to write UTF-8.
/// A file reached by two paths (two spellings, a link, a folder linked
/// twice) is read once; a link back to a folder being walked is not
/// followed.
#[cfg(unix)]
#[test]
fn each_file_is_read_once_however_it_is_reached() {
    let dir = std::env::temp_dir().join(format!("rolecall-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("d/e")).unwrap();
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    std::fs::write(dir.join("d/a.json"), policy).unwrap();
    std::fs::write(dir.join("d/e/b.json"), policy).unwrap();
    std::os::unix::fs::symlink("..", dir.join("d/e/loop")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.join("d/link.json")).unwrap();
    std::os::unix::fs::symlink("e", dir.join("d/f")).unwrap();
    let listed = |paths: &[PathBuf]| {
        let listing = collect_files(paths);
        let files: Vec<String> = listing
            .files
            .iter()
            .map(|f| f.path.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        let skipped: Vec<String> = listing.skipped.iter().map(|s| s.reason.clone()).collect();
        (files, skipped, listing.problems.len())
    };
    let walked = listed(&[dir.join("d")]);
    let spelt_twice = listed(&[
        dir.join("d/a.json"),
        dir.join("d/./a.json"),
        dir.join("d/link.json"),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    // `e/loop` leads back to `d` (also as `f/loop`), `link.json` to
    // `a.json`, `f` to `e`.
    assert_eq!(walked.0, ["d/a.json", "d/e/b.json"]);
    assert_eq!(walked.1.len(), 2, "{:?}", walked.1);
    assert!(
        walked.1.iter().all(|s| s.contains("folder it is in")),
        "{:?}",
        walked.1
    );
    assert_eq!(walked.2, 0);
    assert_eq!(spelt_twice.0, ["d/a.json"]);
}

#[test]
fn a_byte_that_is_not_utf8_is_placed() {
    let dir = std::env::temp_dir().join(format!("rolecall-not-utf8-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("latin1.json"),
        b"{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Sid\": \"caf\xe9\"}]}",
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(account.problems.len(), 1, "{:?}", account.problems);
    let problem = &account.problems[0];
    assert_eq!((problem.line, problem.column), (Some(2), Some(28)));
    assert!(problem.message.contains("byte 0xE9"), "{}", problem.message);
    assert!(problem.help.as_deref().is_some_and(|h| h.contains("UTF-8")));
}

#[test]
fn a_byte_order_mark_is_read_and_utf16_is_explained() {
    let dir = std::env::temp_dir().join(format!("rolecall-bom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mark = "\u{feff}";
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    std::fs::write(dir.join("a-policy.json"), format!("{mark}{policy}")).unwrap();
    let output = r#"{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:orders\"}]}",
 "RevisionId": "r1"}"#;
    std::fs::write(dir.join("b-get-policy.json"), format!("{mark}{output}")).unwrap();
    std::fs::write(dir.join("c-utf16.json"), b"\xFF\xFE{\x00}\x00").unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let policy_file = account
        .sources
        .iter()
        .find(|s| s.path.ends_with("a-policy.json"));
    let output_file = account
        .sources
        .iter()
        .find(|s| s.path.ends_with("b-get-policy.json"));
    let (located, relocated) = match (policy_file, output_file) {
        (Some(policy_file), Some(output_file)) => (
            policy_file.locate_all(&["/Statement/0/Action"]),
            output_file.locate_all(&["/RevisionId"]),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(account.policies.len(), 2, "{:?}", account.skipped);
    // The mark is three bytes, blanked: the action is where it is in the
    // file, and in the column an editor shows (which leaves the mark out).
    let action = policy.find("\"Action\"").unwrap();
    assert_eq!(
        located[0].as_ref().map(|l| (l.offset, l.line, l.column)),
        Some((action + mark.len(), 1, action + 1))
    );
    // The get-policy output's text is not kept: it is read again, mark and all.
    assert_eq!(
        relocated[0].as_ref().map(|l| (l.line, l.column)),
        Some((2, 2))
    );
    assert_eq!(account.problems.len(), 1, "{:?}", account.problems);
    assert!(account.problems[0].path.ends_with("c-utf16.json"));
    assert!(account.problems[0].message.contains("UTF-16"));
    assert!(account.problems[0]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("Out-File -Encoding utf8"));
}

/// A pipe (`rolecall check <(aws lambda get-policy …)`) hands its text
/// over in pieces: it is read to its end, not taken as ended at the first
/// short read, which only a regular file's may be. It cannot be read
/// again, so its text is kept whatever its kind, and findings in it are
/// located from that.
#[cfg(unix)]
#[test]
fn a_pipe_written_in_pieces_is_read_whole_and_kept() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let Some(account) = ingest_through_a_pipe("policy.json", policy) else {
        return;
    };
    assert_eq!(account.policies.len(), 1);
    assert_eq!(account.sources[0].text.as_deref(), Some(policy));
    // A get-policy output, whose text a regular file would not keep.
    let output = r#"{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:orders\"}]}",
 "RevisionId": "r1"}"#;
    let Some(account) = ingest_through_a_pipe("get-policy.json", output) else {
        return;
    };
    assert_eq!(account.sources[0].kind, FileKind::FunctionPolicy);
    assert_eq!(account.sources[0].text.as_deref(), Some(output));
    let found = account.sources[0].locate_all(&["/RevisionId"]);
    assert_eq!(found[0].as_ref().map(|l| (l.line, l.column)), Some((2, 2)));
}

/// A pipe, socket or device found while walking a folder is listed as
/// skipped, not read: a pipe nobody writes to would never end.
#[cfg(unix)]
#[test]
fn a_pipe_in_a_folder_is_skipped() {
    let Some((dir, pipe)) = named_pipe("stale.json") else {
        return;
    };
    std::fs::write(
        dir.join("policy.json"),
        r#"{"Version": "2012-10-17", "Statement": []}"#,
    )
    .unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = done.send(ingest(std::slice::from_ref(&dir), &no_embedded));
        });
    }
    let account = finished
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the walk does not open the pipe");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(account.sources.len(), 1);
    let skipped: Vec<&str> = account.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(skipped, [pipe.display().to_string().as_str()]);
    assert!(account.skipped[0].reason.contains("not a regular file"));
}

#[test]
fn duplicates_merge() {
    let functions = fixtures("aws-cli-moto/lambda_list-functions.json");
    let config = fixtures("aws-cli-moto/lambda_get-function-configuration.json");
    let once = ingest(std::slice::from_ref(&functions), &no_embedded);
    let twice = ingest(&[functions.clone(), config, functions], &no_embedded);
    let without_sources = |account: &Account| {
        let mut functions = account.functions.clone();
        functions.values_mut().for_each(|f| f.source = None);
        functions
    };
    assert_eq!(without_sources(&once), without_sources(&twice));
    assert_eq!(
        twice.sources.len(),
        2,
        "the same path given twice is read once"
    );
}

#[test]
fn sniffing() {
    let kind = |text: &str| sniff(&serde_json::from_str(text).unwrap());
    assert_eq!(kind(r#"{"Functions": []}"#), FileKind::FunctionList);
    assert_eq!(
        kind(r#"{"Policy": "{}", "RevisionId": "x"}"#),
        FileKind::FunctionPolicy
    );
    assert_eq!(
        kind(r#"{"Policy": {"Arn": "x"}}"#),
        FileKind::PolicyMetadata
    );
    assert_eq!(
        kind(r#"{"FunctionUrl": "u", "AuthType": "NONE", "FunctionArn": "f"}"#),
        FileKind::FunctionUrlConfig
    );
    assert_eq!(
        kind(r#"{"FunctionName": "f", "FunctionArn": "a"}"#),
        FileKind::Function
    );
    assert_eq!(
        kind(r#"{"UserDetailList": []}"#),
        FileKind::AuthorizationDetails
    );
    assert_eq!(kind(r#"{"Statement": []}"#), FileKind::PolicyDocument);
    // Nothing but policy elements, the version mistyped: a broken policy.
    assert_eq!(
        kind(r#"{"Version": "2012-10-18"}"#),
        FileKind::PolicyDocument
    );
    assert_eq!(
        kind(r#"{"Version": "1", "Id": "x"}"#),
        FileKind::PolicyDocument
    );
    assert_eq!(kind(r#"{"Version": "1", "Name": "x"}"#), FileKind::Unknown);
    assert_eq!(kind("[1]"), FileKind::Unknown);
}

#[test]
fn a_small_policy_file_keeps_its_text_and_a_dump_output_does_not() {
    let dir = std::env::temp_dir().join(format!("rolecall-kept-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    std::fs::write(dir.join("a-policy.json"), policy).unwrap();
    std::fs::write(
        dir.join("b-get-policy.json"),
        r#"{"Policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}"#,
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let _ = std::fs::remove_dir_all(&dir);
    let kept: Vec<(bool, Option<&str>)> = account
        .sources
        .iter()
        .map(|s| (s.path.ends_with("a-policy.json"), s.text.as_deref()))
        .collect();
    assert_eq!(kept, [(true, Some(policy)), (false, None)]);
}

#[test]
fn the_model_keeps_only_small_texts_and_still_locates() {
    let account = ingest(&[fixtures("aws-cli-moto")], &no_embedded);
    // Only a small policy file's text is kept: the outputs of a dump are
    // read again for their findings.
    for source in &account.sources {
        let size = std::fs::metadata(&*source.path).map_or(0, |m| m.len() as usize);
        assert_eq!(
            source.text.is_some(),
            size <= super::KEPT_TEXT_BYTES && source.kind == FileKind::PolicyDocument,
            "{}",
            source.path
        );
    }
    // A role of the large dump, located by reading its file again.
    let role = account
        .roles
        .values()
        .find(|r| {
            r.source
                .as_ref()
                .is_some_and(|s| account.sources[s.file].text.is_none())
        })
        .expect("a role read from a large file");
    let source = role.source.as_ref().expect("checked above");
    let file = &account.sources[source.file];
    let one = account.locate(source).expect("the role's element");
    let text = std::fs::read_to_string(&*file.path).expect("the fixture");
    assert_eq!(
        crate::locate::locate(&text, &source.pointer),
        Some(one),
        "same answer as locating in the text"
    );
    let many: Vec<&str> = vec![source.pointer.as_str(); 9];
    assert!(file.locate_all(&many).iter().all(|l| *l == Some(one)));
}

#[test]
fn get_role_policy_outputs_join_their_role_by_name() {
    let dir = std::env::temp_dir().join(format!("rolecall-role-policy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let role = |name: &str| {
        serde_json::json!({"Role": {
            "Path": "/", "RoleName": name, "RoleId": "AROAEXAMPLE",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "CreateDate": "2025-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}
        }})
    };
    let role_policy = |role: &str, name: &str| {
        serde_json::json!({"RoleName": role, "PolicyName": name, "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]
        }})
    };
    let write = |file: &str, value: Value| {
        std::fs::write(dir.join(file), value.to_string()).expect("written");
    };
    write("role-worker.json", role("worker-role"));
    write("role-other.json", role("other-role"));
    write("policy-worker.json", role_policy("worker-role", "send"));
    write("policy-ghost.json", role_policy("ghost-role", "send"));
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let worker = &account.roles[format!("arn:aws:iam::{ACCOUNT}:role/worker-role").as_str()];
    let id = worker.inline_policies.get("send").expect("joined by name");
    assert!(matches!(
        &account.policy(*id).origin,
        PolicyOrigin::Inline { owner, name } if owner.ends_with("/worker-role") && name == "send"
    ));
    let other = &account.roles[format!("arn:aws:iam::{ACCOUNT}:role/other-role").as_str()];
    assert!(other.inline_policies.is_empty());
    assert!(account
        .unresolved
        .iter()
        .any(|u| u.what == "role" && u.name == "ghost-role"));
    assert_eq!(
        account.standalone_policies.len(),
        1,
        "the ghost's policy, on its own"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Rules on one target share answers about it; a rule asking about another
/// function or role than the one cached must get that one's answer.
#[test]
fn shared_answers_never_leak_to_another_function_or_role() {
    use crate::lint::{Context, RequiredAccess, RunIndex, Shared};
    let embedded = |arn: &str| {
        crate::managed::aws_managed_policies()
            .ok()
            .and_then(|set| set.get_by_arn(arn))
            .map(|p| p.document().clone())
    };
    let account = ingest(&[fixtures("aws-cli-moto")], &embedded);
    let evaluator = Evaluator::new();
    let options = Value::Null;
    let plain = Context::new(&account, &evaluator, &options);
    let index = RunIndex::new(&account);
    let required = [
        RequiredAccess::new(
            "sqs:ReceiveMessage",
            format!("arn:aws:sqs:us-east-1:{ACCOUNT}:orders-queue"),
        ),
        RequiredAccess::new(
            "dynamodb:PutItem",
            format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"),
        ),
        RequiredAccess::new("iam:CreateUser", format!("arn:aws:iam::{ACCOUNT}:user/x")),
    ];
    let missing = |cx: &Context<'_>, f: &crate::model::Function| -> Vec<String> {
        cx.missing_access(f, &required)
            .into_iter()
            .map(|m| m.access.action)
            .collect()
    };
    let functions: Vec<_> = account.functions.values().collect();
    let answers: Vec<Vec<String>> = functions.iter().map(|f| missing(&plain, f)).collect();
    assert!(
        answers.windows(2).any(|w| w[0] != w[1]),
        "the fixture's functions must differ for this test to mean anything: {answers:?}"
    );
    let roles: Vec<_> = account.roles.values().collect();
    for (i, first) in functions.iter().enumerate() {
        for (j, second) in functions.iter().enumerate() {
            let shared = Shared::default();
            let cx = Context::sharing(&account, &evaluator, &options, &shared, Some(&index));
            assert_eq!(missing(&cx, first), answers[i]);
            assert_eq!(missing(&cx, second), answers[j]);
            assert_eq!(missing(&cx, first), answers[i]);
        }
    }
    // A copy a rule makes of a function is not the account's: it gets its
    // own answer, whatever the cache holds.
    let mut reused = false;
    for (i, function) in functions.iter().enumerate() {
        for other in &functions {
            let mut copy = (*function).clone();
            copy.role = other.role.clone();
            let shared = Shared::default();
            let cx = Context::sharing(&account, &evaluator, &options, &shared, Some(&index));
            assert_eq!(missing(&cx, function), answers[i]);
            assert_eq!(missing(&cx, &copy), missing(&plain, &copy));
            let shared = Shared::default();
            let cx = Context::sharing(&account, &evaluator, &options, &shared, Some(&index));
            // A copy freed, then another allocated in its place.
            let first_copy = Box::new((***function).clone());
            let first = missing(&cx, &first_copy);
            let first_at = std::ptr::from_ref(&*first_copy) as usize;
            drop(first_copy);
            let second_copy = Box::new((*copy).clone());
            reused |= std::ptr::from_ref(&*second_copy) as usize == first_at;
            assert_eq!(first, answers[i]);
            assert_eq!(missing(&cx, &second_copy), missing(&plain, &copy));
        }
    }
    // The allocator gave a freed copy's place to the next: the case above
    // did test a copy at an address the cache had seen.
    assert!(reused);
    let probe = &required[0];
    let allowed: Vec<bool> = roles
        .iter()
        .map(|r| plain.role_allows_each(r)(probe))
        .collect();
    assert!(
        allowed.contains(&true) && allowed.contains(&false),
        "{allowed:?}"
    );
    for (i, first) in roles.iter().enumerate() {
        for (j, second) in roles.iter().enumerate() {
            let shared = Shared::default();
            let cx = Context::sharing(&account, &evaluator, &options, &shared, Some(&index));
            assert_eq!(cx.role_allows_each(first)(probe), allowed[i]);
            assert_eq!(cx.role_allows_each(second)(probe), allowed[j]);
            assert_eq!(
                cx.functions_using(&second.arn).len(),
                plain.functions_using(&second.arn).len()
            );
            assert_eq!(
                cx.functions_using(&first.arn).len(),
                plain.functions_using(&first.arn).len()
            );
        }
    }
}

/// The digests taken while parsing are found by the fold: every document
/// written as an object in a dump has its pointer among them, with the
/// digest the fold would compute itself.
#[test]
fn documents_are_digested_where_the_fold_looks_for_them() {
    let dir = fixtures("aws-cli-moto");
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let mut checked = 0;
    for record in &account.policies {
        let Some(source) = &record.source else {
            continue;
        };
        let file = &account.sources[source.file];
        if record.encoding != crate::policy::DocumentEncoding::Object
            || file.kind == FileKind::PolicyDocument
        {
            continue;
        }
        let text = std::fs::read_to_string(&*file.path).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let digests = builder::document_digests(&value);
        let document = value.pointer(&source.pointer).unwrap();
        assert_eq!(
            digests.get(&source.pointer),
            Some(&builder::digest(document)),
            "{} in {}",
            source.pointer,
            file.path
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} documents checked");
}

mod records_read_alike {
    //! An authorization-details output read straight from its text gives
    //! the records its parsed tree gives, whatever types its members have.
    use super::super::records::{
        authorization_details_in_parallel, function_list_in_parallel, mapping_list_in_parallel,
        AuthorizationDetails, FunctionList, MappingList,
    };
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::{json, Value};

    /// A member's value: usually the right type, sometimes not.
    fn any_of(right: Value) -> impl Strategy<Value = Value> {
        prop_oneof![
            6 => Just(right),
            1 => Just(Value::Null),
            1 => Just(json!(7)),
            1 => Just(json!(true)),
            1 => Just(json!("text")),
            1 => Just(json!([1, {"a": "b"}])),
            1 => Just(json!({"x": ["y"]})),
        ]
    }

    fn document() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})),
            Just(json!("%7B%22Statement%22%3A%5B%5D%7D")),
            Just(json!("{\"Statement\": []}")),
        ]
        .prop_flat_map(any_of)
    }

    fn inline() -> impl Strategy<Value = Value> {
        (any_of(json!("p")), document(), any::<bool>())
            .prop_map(|(name, doc, with)| {
                let mut item = json!({"PolicyName": name});
                if with {
                    item["PolicyDocument"] = doc;
                }
                item
            })
            .prop_flat_map(any_of)
    }

    fn role() -> impl Strategy<Value = Value> {
        (
            any_of(json!("arn:aws:iam::111122223333:role/r")),
            any_of(json!("r")),
            document(),
            prop::collection::vec(inline(), 0..3).prop_flat_map(|l| any_of(Value::Array(l))),
            any_of(json!([{"PolicyArn": "arn:aws:iam::aws:policy/P"}, {"PolicyArn": 3}, "x"])),
            any_of(json!({"PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/b"})),
            any_of(json!([{"Key": "team", "Value": "a"}, {"Key": "k"}, {"Value": 1}])),
            any_of(json!({"LastUsedDate": "2025-01-01T00:00:00Z"})),
        )
            .prop_map(|(arn, name, trust, inline, attached, boundary, tags, last)| {
                json!({"Arn": arn, "RoleName": name, "AssumeRolePolicyDocument": trust,
                    "RolePolicyList": inline, "AttachedManagedPolicies": attached,
                    "PermissionsBoundary": boundary, "Tags": tags, "RoleLastUsed": last, "Path": "/"})
            })
            .prop_flat_map(any_of)
    }

    fn managed_policy() -> impl Strategy<Value = Value> {
        (
            any_of(json!("arn:aws:iam::111122223333:policy/p")),
            any_of(json!("v2")),
            prop::collection::vec(
                (any_of(json!("v2")), any_of(json!(true)), document()).prop_map(
                    |(id, default, doc)| json!({"VersionId": id, "IsDefaultVersion": default, "Document": doc}),
                ),
                0..3,
            ),
        )
            .prop_map(|(arn, default, versions)| {
                json!({"Arn": arn, "DefaultVersionId": default, "PolicyVersionList": versions})
            })
    }

    fn user_or_group() -> impl Strategy<Value = Value> {
        (
            any_of(json!("arn:aws:iam::111122223333:user/u")),
            prop::collection::vec(inline(), 0..2),
            any_of(json!(["g", 1])),
        )
            .prop_map(|(arn, inline, groups)| {
                json!({"Arn": arn, "UserName": "u", "GroupName": "g", "UserPolicyList": inline,
                    "GroupPolicyList": inline, "GroupList": groups})
            })
    }

    fn function() -> impl Strategy<Value = Value> {
        (
            any_of(json!("arn:aws:lambda:us-east-1:111122223333:function:f")),
            any_of(json!("python3.12")),
            any_of(json!({"Mode": "Active"})),
            any_of(json!({"VpcId": "vpc-1", "SubnetIds": ["s", 2], "SecurityGroupIds": ["g"]})),
            any_of(json!({"Variables": {"B": "1", "A": {"x": 1}}})),
            any_of(json!([{"Arn": "arn:aws:lambda:us-east-1:111122223333:layer:l:1"}, {"Arn": 1}])),
            any_of(json!([{"Arn": "arn:fs", "LocalMountPath": "/mnt"}, {"LocalMountPath": "/x"}])),
            any_of(json!(["arm64", 64])),
        )
            .prop_map(
                |(arn, runtime, tracing, vpc, environment, layers, file_systems, architectures)| {
                    json!({"FunctionArn": arn, "FunctionName": "f", "Runtime": runtime,
                    "TracingConfig": tracing, "VpcConfig": vpc, "Environment": environment,
                    "Layers": layers, "FileSystemConfigs": file_systems,
                    "Architectures": architectures, "LoggingConfig": {"LogGroup": "/aws/lambda/f"}})
                },
            )
            .prop_flat_map(any_of)
    }

    fn mapping() -> impl Strategy<Value = Value> {
        (
            any_of(json!("6f1c0d2e-0000-4000-8000-000000000001")),
            any_of(json!("arn:aws:sqs:us-east-1:111122223333:q")),
            any_of(json!(10)),
            any_of(json!({"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:111122223333:dlq"}})),
            any_of(json!(["orders", 7])),
            any_of(json!([{"Type": "VPC_SUBNET", "URI": "subnet:s-1"}, {"URI": "x"}])),
        )
            .prop_map(|(uuid, source, batch, destination, topics, access)| {
                json!({"UUID": uuid, "EventSourceArn": source, "BatchSize": batch,
                    "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f",
                    "DestinationConfig": destination, "Topics": topics,
                    "SourceAccessConfigurations": access, "State": "Enabled"})
            })
            .prop_flat_map(any_of)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn mapping_lists_from_text_and_from_tree(
            mappings in prop::collection::vec(mapping(), 0..4),
            pretty in any::<bool>(),
        ) {
            let value = json!({"EventSourceMappings": mappings});
            let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
            let from_text: MappingList = serde_json::from_str(&text).unwrap();
            let from_tree = MappingList::deserialize(&value).unwrap();
            let (in_parallel, _) = mapping_list_in_parallel(&text).unwrap();
            prop_assert_eq!(&from_text, &from_tree);
            prop_assert_eq!(in_parallel, from_tree);
        }

        #[test]
        fn function_lists_from_text_and_from_tree(
            functions in prop::collection::vec(function(), 0..4),
            versions in any_of(json!([{"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f:1"}])),
            pretty in any::<bool>(),
        ) {
            let value = json!({"Functions": functions, "Versions": versions});
            let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
            let from_text: FunctionList = serde_json::from_str(&text).unwrap();
            let from_tree = FunctionList::deserialize(&value).unwrap();
            let (in_parallel, _) = function_list_in_parallel(&text).unwrap();
            prop_assert_eq!(&from_text, &from_tree);
            prop_assert_eq!(in_parallel, from_tree);
        }

        #[test]
        fn from_text_and_from_tree(
            roles in prop::collection::vec(role(), 0..4).prop_flat_map(|l| any_of(Value::Array(l))),
            policies in prop::collection::vec(managed_policy(), 0..3).prop_flat_map(|l| any_of(Value::Array(l))),
            people in prop::collection::vec(user_or_group(), 0..2),
            pretty in any::<bool>(),
        ) {
            let value = json!({"RoleDetailList": roles, "Policies": policies,
                "UserDetailList": people, "GroupDetailList": people});
            let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
            let from_text: AuthorizationDetails = serde_json::from_str(&text).unwrap();
            let from_tree = AuthorizationDetails::deserialize(&value).unwrap();
            let (in_parallel, _) = authorization_details_in_parallel(&text).unwrap();
            prop_assert_eq!(&from_text, &from_tree);
            prop_assert_eq!(in_parallel, from_tree);
        }
    }

    /// What the one-pass read refuses, the parallel read refuses too (the
    /// file then goes the tree way); a top-level array is no output.
    #[test]
    fn the_parallel_read_refuses_what_the_one_pass_read_refuses() {
        for text in [
            r#"{"RoleDetailList": [{"Arn": "a", "Arn": "b"}]}"#,
            r#"{"RoleDetailList": [], "RoleDetailList": []}"#,
            r#"{"RoleDetailList": [{"Arn": "a"}], "Policies": [}"#,
            r#"{"RoleDetailList": [{"Arn": "a"}]} trailing"#,
        ] {
            assert!(
                serde_json::from_str::<AuthorizationDetails>(text).is_err(),
                "{text}"
            );
            assert!(authorization_details_in_parallel(text).is_err(), "{text}");
        }
        assert!(function_list_in_parallel(
            r#"{"Functions": [{"FunctionName": "a", "FunctionName": "b"}]}"#
        )
        .is_err());
        let array = r#"[[], [{"Arn": "arn:aws:iam::111122223333:role/r"}], [], []]"#;
        assert!(!authorization_details_in_parallel(array)
            .unwrap()
            .0
            .is_authorization_details());
        assert!(
            !function_list_in_parallel(r#"[[{"FunctionArn": "f"}], []]"#)
                .unwrap()
                .0
                .is_function_list()
        );
    }
}

/// A repeated key, which a typed read refuses, sends the file the general
/// way, where the last value counts — as everywhere else in rolecall.
#[test]
fn a_repeated_key_reads_as_its_last_value() {
    let dir = std::env::temp_dir().join(format!("rolecall-repeated-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("details.json"),
        r#"{"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/r", "RoleName": "first",
            "RoleName": "second", "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}],
            "UserDetailList": [], "GroupDetailList": [], "Policies": []}"#,
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    std::fs::remove_dir_all(&dir).unwrap();
    let role = &account.roles["arn:aws:iam::111122223333:role/r"];
    assert_eq!(role.name, "second");
    assert!(role.trust_policy.is_some());
    assert!(account.problems.is_empty(), "{:?}", account.problems);
}

/// A file whose top level is an array is no AWS CLI output, even when its
/// items look like the lists of one: record types must not read an array's
/// items as their members.
#[test]
fn an_array_of_lists_is_not_an_authorization_details_output() {
    let dir = std::env::temp_dir().join(format!("rolecall-array-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("lists.json"),
        r#"[[], [{"Arn": "arn:aws:iam::111122223333:role/r", "RoleName": "RoleDetailList"}], [], []]"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("functions.json"),
        r#"[[{"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f", "FunctionName": "Functions"}], []]"#,
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(account.roles.is_empty());
    assert!(account.functions.is_empty());
    assert_eq!(account.skipped.len(), 2, "{:?}", account.skipped);
}

/// A file that would be an authorization-details output but for a repeated
/// key is not read as a function list because it also has `Functions`: the
/// tree decides what it is, as for every file the typed reads refuse.
#[test]
fn a_refused_authorization_details_output_is_not_taken_for_a_function_list() {
    let dir = std::env::temp_dir().join(format!("rolecall-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("details.json"),
        r#"{"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/a", "Arn": "arn:aws:iam::111122223333:role/b"}],
            "Functions": [{"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f"}]}"#,
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    std::fs::remove_dir_all(&dir).unwrap();
    let roles: Vec<&str> = account.roles.keys().map(String::as_str).collect();
    assert_eq!(roles, ["arn:aws:iam::111122223333:role/b"]);
    assert!(account.functions.is_empty());
}

/// A large output's findings are located item by item from the anchors its
/// parallel read records, reading only those items, with the answers of one
/// walk of the whole file.
#[test]
fn locating_in_anchored_items_agrees_with_one_walk() {
    use crate::locate::{locate_all, locate_in_items};
    let roles: Vec<Value> = (0..40)
        .map(|i| {
            serde_json::json!({
                "Arn": format!("arn:aws:iam::111122223333:role/r{i}"),
                "RoleName": format!("r{i}"),
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument":
                    {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]}}],
                "Tags": [{"Key": "a/b~c", "Value": "é"}]
            })
        })
        .collect();
    let value = serde_json::json!({"RoleDetailList": roles, "Policies": [{"Arn": "x"}],
        "UserDetailList": [], "GroupDetailList": []});
    for text in [
        serde_json::to_string_pretty(&value).unwrap(),
        value.to_string(),
    ] {
        let (_, anchors) = super::records::authorization_details_in_parallel(&text).unwrap();
        let read = |range: std::ops::Range<usize>| text.get(range).map(str::to_owned);
        let inside = [
            "/RoleDetailList/0",
            "/RoleDetailList/7/RoleName",
            "/RoleDetailList/07/RoleName",
            "/RoleDetailList/39/RolePolicyList/0/PolicyDocument/Statement/0/Action/1",
            "/RoleDetailList/12/Tags/0/Value",
            "/RoleDetailList/12/Tags/0/Key",
            "/RoleDetailList/12/Missing",
            "/Policies/0/Arn",
        ];
        for pointer in inside {
            assert_eq!(
                locate_in_items(&[pointer, "/Policies/0"], &anchors, &read),
                Some(locate_all(&text, &[pointer, "/Policies/0"])),
                "{pointer}"
            );
        }
        assert_eq!(
            locate_in_items(&inside, &anchors, &read),
            Some(locate_all(&text, &inside))
        );
        assert!(locate_all(&text, &inside)[3].is_some());
        // An item that cannot be read any more, or a pointer outside the
        // items: the whole file is needed.
        assert_eq!(locate_in_items(&inside, &anchors, &|_| None), None);
        for outside in [
            "",
            "/RoleDetailList",
            "/RoleDetailList/40/RoleName",
            "/RoleDetailList/x",
            "/UserDetailList/0",
            "/Nothing/0",
            "not a pointer",
        ] {
            assert_eq!(
                locate_in_items(&[outside], &anchors, &read),
                None,
                "{outside}"
            );
        }
    }
}

/// The wire form (what crosses the plugin boundary, its large lists written
/// and read item by item in parallel) reads back as the same model, and
/// writing that model again gives the same text.
#[test]
fn the_wire_form_reads_back_as_the_same_model() {
    let account = ingest(&[fixtures("aws-cli-moto")], &basic_execution_only);
    let wire = account.to_wire().unwrap();
    let back = Account::from_wire(&wire).unwrap();
    assert_eq!(back.to_wire().unwrap().get(), wire.get());
    assert!(back.functions.keys().eq(account.functions.keys()));
    assert!(back.roles.keys().eq(account.roles.keys()));
    assert_eq!(back.policies.len(), account.policies.len());
    for (a, b) in account.policies.iter().zip(&back.policies) {
        assert_eq!(a.compiled.statements().len(), b.compiled.statements().len());
        let pointers = |p: &crate::model::PolicyRecord| -> Vec<String> {
            p.document
                .iter()
                .flat_map(|d| d.statements.iter().map(|s| s.pointer.clone()))
                .collect()
        };
        assert_eq!(pointers(a), pointers(b));
    }
    let value: Value = serde_json::from_str(wire.get()).unwrap();
    assert_eq!(value["functions"].as_array().unwrap().len(), 3);
    assert!(value["functions"][0]["arn"].is_string());
    assert!(Account::from_wire(
        &serde_json::value::RawValue::from_string(wire.get().replacen(
            "\"functions\":[{",
            "\"functions\":[7,{",
            1
        ))
        .unwrap()
    )
    .is_err_and(|e| e.contains("not readable")));
}

/// A page of event source mappings reads as the tree read it: a batch size
/// that is not a whole number of at least zero is absent, a mapping without
/// a UUID is a problem at its place, and an object that is also a function
/// list is a function list (as `sniff` says).
#[test]
fn event_source_mappings_read_from_their_text() {
    let dir = std::env::temp_dir().join(format!("rolecall-mappings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let function = "arn:aws:lambda:us-east-1:111122223333:function:f";
    std::fs::write(
        dir.join("a-mappings.json"),
        format!(
            r#"{{"EventSourceMappings": [
                {{"UUID": "u1", "FunctionArn": "{function}", "BatchSize": -1,
                  "EventSourceArn": "arn:aws:sqs:us-east-1:111122223333:q",
                  "DestinationConfig": {{"OnFailure": {{"Destination": "arn:aws:sqs:us-east-1:111122223333:dlq"}}}},
                  "SourceAccessConfigurations": [{{"Type": "VPC_SUBNET", "URI": "subnet:s-1"}}, {{"URI": "x"}}]}},
                {{"UUID": "u2", "FunctionArn": "{function}", "BatchSize": 2.5}},
                {{"FunctionArn": "{function}"}},
                {{"UUID": "u3", "FunctionArn": "{function}", "BatchSize": 10}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("b-both.json"),
        format!(
            r#"{{"Functions": [{{"FunctionArn": "{function}2"}}],
                "EventSourceMappings": [{{"UUID": "u9", "FunctionArn": "{function}"}}]}}"#
        ),
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    std::fs::remove_dir_all(&dir).unwrap();
    let mappings = &account.event_source_mappings;
    let uuids: Vec<&str> = mappings.keys().map(String::as_str).collect();
    assert_eq!(uuids, ["u1", "u2", "u3"]);
    assert_eq!(mappings["u1"].batch_size, None);
    assert_eq!(mappings["u2"].batch_size, None);
    assert_eq!(mappings["u3"].batch_size, Some(10));
    assert_eq!(
        mappings["u1"].on_failure_destination.as_deref(),
        Some("arn:aws:sqs:us-east-1:111122223333:dlq")
    );
    assert_eq!(
        mappings["u1"].source_access,
        [("VPC_SUBNET".to_owned(), "subnet:s-1".to_owned())]
    );
    assert_eq!(
        mappings["u3"].source.as_ref().map(|s| s.pointer.as_str()),
        Some("/EventSourceMappings/3")
    );
    assert!(account
        .problems
        .iter()
        .any(|p| p.pointer.as_deref() == Some("/EventSourceMappings/2")
            && p.message.contains("without `UUID`")));
    assert!(account
        .functions
        .contains_key("arn:aws:lambda:us-east-1:111122223333:function:f2"));
}

/// A policy AWS refuses grants nothing on either side of the wire: its
/// statements as written are for the built-in linting rules only, and a
/// plugin is not sent them as a usable document.
#[test]
fn a_refused_policy_stays_refused_across_the_wire() {
    let dir = std::env::temp_dir().join(format!("rolecall-refused-wire-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("policy.json"),
        r#"{"Version": "2012-10-17 ", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#,
    )
    .unwrap();
    let account = ingest(std::slice::from_ref(&dir), &no_embedded);
    let _ = std::fs::remove_dir_all(&dir);
    let record = &account.policies[0];
    assert!(record.compiled.is_rejected());
    assert!(record.document.is_none());
    assert_eq!(record.as_written().map(|d| d.statements.len()), Some(1));
    let back = Account::from_wire(&account.to_wire().unwrap()).unwrap();
    let record = &back.policies[0];
    assert!(record.document.is_none() && record.as_written().is_none());
    assert!(record.compiled.is_rejected());
}

/// The files of a folder of many are opened by name in a handle of the
/// folder, one per worker: a worker that moves between folders opens each
/// file in its own folder, a link is followed as by its path, and a file
/// gone since the listing is reported by its path.
#[test]
fn files_opened_in_their_folders_handle() {
    let root = std::env::temp_dir().join(format!("rolecall-folders-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let policy = |action: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
        )
    };
    for folder in ["a", "b"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        for i in 0..FILES_WORTH_A_FOLDER {
            let action = format!("s3:Get{folder}{i}");
            std::fs::write(root.join(folder).join(format!("{i}.json")), policy(&action)).unwrap();
        }
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("b/0.json"), root.join("a/link.json")).unwrap();
    let listing = collect_files(std::slice::from_ref(&root));
    let in_folders = listing.files.iter().filter(|f| f.folder.is_some()).count();
    assert_eq!(
        in_folders,
        listing.files.len(),
        "every file is opened in its folder"
    );
    // One worker, alternating folders, then in order (the link last of
    // `a`): each file is read from its own.
    let a = listing
        .files
        .iter()
        .filter(|f| f.path.starts_with(root.join("a")));
    let b = listing
        .files
        .iter()
        .filter(|f| f.path.starts_with(root.join("b")));
    let alternating = a.zip(b).flat_map(|(a, b)| [a, b]);
    for file in alternating.chain(&listing.files) {
        let (bytes, _) = read_file(file, true).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(&file.path).unwrap(),
            "{}",
            file.path.display()
        );
    }
    let gone = &listing.files[1];
    std::fs::remove_file(&gone.path).unwrap();
    let loaded = load(gone, KEPT_TEXT_BYTES);
    folder::close_this_threads_folder();
    let _ = std::fs::remove_dir_all(&root);
    match loaded.outcome {
        Err(Loaded::Problem(problem)) => {
            assert_eq!(problem.path, gone.path.display().to_string());
            assert!(
                problem
                    .message
                    .starts_with("cannot read the file: No such file"),
                "{problem:?}"
            );
        }
        _ => panic!("a file gone since the listing is a problem"),
    }
}
