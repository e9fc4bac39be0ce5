//! `cargo xtask bench`: the divan micro-benchmarks of the evaluator, then
//! `rolecall eval` end to end on a generated file of realistic cases.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::{cargo, root};

pub fn run(args: &[String]) -> Result<()> {
    let mut cases = 200_000usize;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--cases" => {
                cases = iter
                    .next()
                    .context("`--cases` needs a number")?
                    .parse()
                    .context("`--cases` needs a number")?;
            }
            other => bail!("unknown option `{other}`; usage: cargo xtask bench [--cases N]"),
        }
    }
    cargo(&["bench", "-p", "policy-core", "--bench", "eval"])?;
    cargo(&["build", "--release", "-p", "policy-cli"])?;

    let dir = root().join("target").join("bench");
    fs::create_dir_all(&dir)?;
    let file = dir.join("cases.jsonl");
    let mut writer = std::io::BufWriter::new(fs::File::create(&file)?);
    let mut bytes = 0usize;
    for i in 0..cases {
        let line = case_line(i);
        bytes += line.len() + 1;
        writer.write_all(line.as_bytes())?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    drop(writer);

    let binary = root().join("target").join("release").join("rolecall");
    for jobs in ["1", "0"] {
        let mut command = Command::new(&binary);
        command.arg("eval").arg(&file).stdout(Stdio::null());
        if jobs != "0" {
            command.args(["--jobs", jobs]);
        }
        let start = Instant::now();
        let status = command.status().context("cannot run rolecall")?;
        let seconds = start.elapsed().as_secs_f64();
        if !status.success() {
            bail!("rolecall eval failed ({status})");
        }
        println!(
            "rolecall eval, {} thread(s): {cases} cases ({:.1} MiB) in {seconds:.3} s = {:.0} cases/s",
            if jobs == "0" { "all".to_owned() } else { jobs.to_owned() },
            bytes as f64 / (1024.0 * 1024.0),
            cases as f64 / seconds
        );
    }
    Ok(())
}

/// One realistic case: a function's execution role (four policies, one a
/// managed-policy-sized document) and a resource policy with conditions,
/// asked about a mix of actions.
fn case_line(i: usize) -> String {
    let account = 100_000_000_000u64 + (i as u64 % 50);
    let function = format!("fn-{}", i % 997);
    let (principal, action, resource, context) = match i % 4 {
        0 => (
            "s3.amazonaws.com".to_owned(),
            "lambda:InvokeFunction",
            format!("arn:aws:lambda:us-east-1:{account}:function:{function}"),
            format!(r#"{{"aws:SourceArn":"arn:aws:s3:::bucket-{}","aws:SourceAccount":"{account}"}}"#, i % 7),
        ),
        1 => (
            format!("arn:aws:sts::{account}:assumed-role/role-{function}/{function}"),
            "logs:PutLogEvents",
            format!("arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/{function}:log-stream:2024/06/01/[$LATEST]abc"),
            "{}".to_owned(),
        ),
        2 => (
            format!("arn:aws:sts::{account}:assumed-role/role-{function}/{function}"),
            "sqs:ReceiveMessage",
            format!("arn:aws:sqs:us-east-1:{account}:queue-{}", i % 13),
            "{}".to_owned(),
        ),
        _ => (
            format!("arn:aws:sts::{account}:assumed-role/role-{function}/{function}"),
            "dynamodb:PutItem",
            format!("arn:aws:dynamodb:us-east-1:{account}:table/orders"),
            r#"{"aws:SecureTransport":"true"}"#.to_owned(),
        ),
    };
    let basic = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"*"},{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    let sqs = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    let mut line = String::new();
    let _ = write!(
        line,
        r#"{{"name":"case-{i}","policies":{{"identity":[{basic},{sqs},{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:{account}:table/orders"}},{{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}],"resource":[{{"Version":"2012-10-17","Id":"default","Statement":[{{"Sid":"s3","Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:{account}:function:{function}","Condition":{{"StringEquals":{{"AWS:SourceAccount":"{account}"}},"ArnLike":{{"AWS:SourceArn":"arn:aws:s3:::bucket-3"}}}}}}]}}]}},"request":{{"principal":"{principal}","action":"{action}","resource":"{resource}","context":{context}}}}}"#,
    );
    line
}
