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
    let mut sizes: Vec<usize> = vec![1_000, 10_000];
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
            "--sizes" => {
                sizes = iter
                    .next()
                    .context("`--sizes` needs a comma-separated list")?
                    .split(',')
                    .map(|n| n.replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()
                    .context("`--sizes` needs numbers, e.g. 1000,10000,100000")?;
            }
            other => bail!("unknown option `{other}`; usage: cargo xtask bench [--cases N] [--sizes 1000,10000,100000]"),
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
    check_benchmarks(&binary, &sizes)?;
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

/// How many times to run something that took `seconds` once, to take the
/// best: at least five, and as many as fit in about a second, up to fifteen.
/// A run of a few tens of milliseconds is at the mercy of whatever else the
/// machine does at that moment; the best of fifteen is not. Runs of seconds
/// are too: on a shared 2-core machine the best of three 100,000-function
/// runs ranged over 2.2–2.8 s.
fn repetitions(seconds: f64) -> usize {
    ((1.0 / seconds.max(1e-3)).ceil() as usize).clamp(5, 15)
}

/// `rolecall check` on generated accounts of several sizes: wall time and
/// peak memory with all cores and with one, functions and policies per
/// second, and the floor — parsing the same bytes with serde_json.
fn check_benchmarks(binary: &std::path::Path, sizes: &[usize]) -> Result<()> {
    println!("\n| functions + roles | input | serde_json floor | check (all cores) | check (1 core) | speed-up | vs floor | peak memory | memory / input | functions/s |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut per_function = Vec::new();
    let mut peers: Vec<(usize, f64, f64)> = Vec::new();
    // Every size in pages, and 10,000 also merged: one file per command, as
    // the AWS CLI prints a dump by default.
    let runs: Vec<(usize, bool)> = sizes
        .iter()
        .map(|&size| (size, false))
        .chain(sizes.contains(&10_000).then_some((10_000, true)))
        .collect();
    for (size, merged) in runs {
        let dir = root().join("target").join("bench").join(if merged {
            format!("corpus-{size}-merged")
        } else {
            format!("corpus-{size}")
        });
        if !dir.join("lambda-list-event-source-mappings.json").is_file() {
            let _ = fs::remove_dir_all(&dir);
            crate::corpus::generate(&crate::corpus::Options {
                roles: size,
                functions: size,
                seed: 1,
                out: dir.clone(),
                merged,
            })?;
        }
        let files = list_files(&dir)?;
        let input: u64 = files
            .iter()
            .map(|f| fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum();
        // The best of several runs, like the runs it is compared with.
        let floor_once = || -> Result<f64> {
            use rayon::prelude::*;
            let start = Instant::now();
            let parsed: usize = files
                .par_iter()
                .map(|f| {
                    let bytes = fs::read(f).unwrap_or_default();
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .map(|_| 1)
                        .unwrap_or(0)
                })
                .sum();
            let seconds = start.elapsed().as_secs_f64();
            if parsed != files.len() {
                bail!("the corpus has files serde_json cannot parse");
            }
            Ok(seconds)
        };
        let first_floor = floor_once()?;
        let mut floor = first_floor;
        for _ in 1..repetitions(first_floor) {
            floor = floor.min(floor_once()?);
        }
        // The report goes to a file (as a user would write it), read back
        // afterwards to compare runs: a pipe would time this process too.
        let report = dir.with_extension("report.json");
        let run = |jobs: Option<&str>| -> Result<(f64, u64, Vec<u8>)> {
            let mut command = Command::new(binary);
            command
                .args(["check", "--format", "json", "--fail-on", "never"])
                .arg("--output")
                .arg(&report)
                .arg(&dir);
            if let Some(j) = jobs {
                command.args(["--jobs", j]);
            }
            command.env("ROLECALL_REPORT_PEAK_MEMORY", "1");
            let start = Instant::now();
            let output = command.output().context("cannot run rolecall")?;
            let seconds = start.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let peak_kib = stderr
                .lines()
                .find_map(|l| l.strip_prefix("peak memory: "))
                .and_then(|v| v.trim_end_matches(" kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
            if !output.status.success() {
                bail!("rolecall check failed: {stderr}");
            }
            let written = fs::read(&report).context("cannot read rolecall's report")?;
            Ok((seconds, peak_kib, written))
        };
        // The best of several runs, to keep the numbers steady on a busy
        // machine.
        let best = |jobs: Option<&str>| -> Result<(f64, u64, Vec<u8>)> {
            let mut best = run(jobs)?;
            for _ in 1..repetitions(best.0) {
                let next = run(jobs)?;
                if next.2 != best.2 {
                    bail!("rolecall check gave different output on the same input");
                }
                if next.0 < best.0 {
                    best = next;
                }
            }
            Ok(best)
        };
        let (all, peak, out_all) = best(None)?;
        let (one, _, out_one) = best(Some("1"))?;
        if out_all != out_one {
            bail!("rolecall check output differs between --jobs 1 and all cores");
        }
        let mib = input as f64 / 1048576.0;
        let label = if merged {
            format!("{size}, merged")
        } else {
            size.to_string()
        };
        println!(
            "| {label} | {mib:.1} MiB | {floor:.3} s | {all:.3} s | {one:.3} s | {:.2}x | {:.1}x | {:.0} MiB | {:.1}x | {:.0} |",
            one / all,
            all / floor,
            peak as f64 / 1024.0,
            peak as f64 / 1024.0 / mib,
            size as f64 / all
        );
        if merged {
            continue;
        }
        per_function.push((size, all / size as f64));
        if size <= 10_000 {
            if let Some(tool) = std::env::var_os("CLOUDSPLAINING") {
                peers.push((size, all, cloudsplaining(&tool, &dir)?));
            }
        }
    }
    println!("\n(output byte-identical across runs and --jobs values: checked)");
    for (size, ours, theirs) in &peers {
        println!(
            "cloudsplaining scan, {size} roles (the authorization details merged into the one file it reads): {theirs:.2} s; rolecall check of the whole account: {ours:.3} s, {:.0}x faster",
            theirs / ours
        );
    }
    if std::env::var_os("CLOUDSPLAINING").is_none() {
        println!(
            "(set CLOUDSPLAINING=/path/to/venv/bin/cloudsplaining to compare with Cloudsplaining)"
        );
    }
    // Linear scaling means a steady time per function across sizes.
    if let (Some(fastest), Some(slowest)) = (
        per_function.iter().map(|p| p.1).reduce(f64::min),
        per_function.iter().map(|p| p.1).reduce(f64::max),
    ) {
        let each: Vec<String> = per_function
            .iter()
            .map(|(size, t)| format!("{size}: {:.0} µs", t * 1e6))
            .collect();
        println!(
            "time per function: {}; the slowest is {:+.0}% over the fastest",
            each.join(", "),
            (slowest / fastest - 1.0) * 100.0
        );
    }
    plugin_cost(binary, sizes.iter().copied().max().unwrap_or(1_000))?;
    policy_linting(binary)?;
    Ok(())
}

/// Seconds Cloudsplaining takes to scan the corpus in `dir`: it reads one
/// authorization-details file, so the pages are merged first (not timed).
fn cloudsplaining(tool: &std::ffi::OsStr, dir: &std::path::Path) -> Result<f64> {
    let mut merged = serde_json::json!({
        "RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [], "Policies": []
    });
    for file in list_files(dir)? {
        let is_page = file
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("iam-authorization-details"));
        if !is_page {
            continue;
        }
        let page: serde_json::Value = serde_json::from_slice(&fs::read(&file)?)?;
        for key in [
            "RoleDetailList",
            "UserDetailList",
            "GroupDetailList",
            "Policies",
        ] {
            if let (Some(into), Some(from)) = (
                merged.get_mut(key).and_then(|v| v.as_array_mut()),
                page.get(key).and_then(|v| v.as_array()),
            ) {
                into.extend(from.iter().cloned());
            }
        }
    }
    let input = dir.with_extension("authorization-details.json");
    fs::write(&input, serde_json::to_vec(&merged)?)?;
    let output = dir.with_extension("cloudsplaining");
    fs::create_dir_all(&output)?;
    let start = Instant::now();
    let status = Command::new(tool)
        .args(["scan", "--skip-open-report", "--input-file"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("cannot run cloudsplaining")?;
    let seconds = start.elapsed().as_secs_f64();
    if !status.success() {
        bail!("cloudsplaining failed on `{}`", input.display());
    }
    Ok(seconds)
}

/// `rolecall check --select POL` on 10,000 stand-alone policy files, and —
/// when the `PARLIAMENT` environment variable names a `parliament`
/// executable (install it in a scratch venv, outside the project) — the
/// same files through Parliament, as a ratio of files per second. Two sets
/// of files: realistic ones (a service's actions on its resources, a share
/// of mistakes) and ones that stress a linter (actions and resources mixed
/// at random, wildcards, several findings a file).
fn policy_linting(binary: &std::path::Path) -> Result<()> {
    let count = 10_000;
    type Generator = fn(usize, u64, &std::path::Path) -> Result<usize>;
    let sets: [(&str, &str, Generator); 2] = [
        ("realistic", "policies", crate::corpus::policy_files),
        (
            "stress",
            "policies-stress",
            crate::corpus::policy_files_stress,
        ),
    ];
    for (label, folder, generate) in sets {
        let dir = root()
            .join("target")
            .join("bench")
            .join(format!("{folder}-{count}"));
        // Generated once: a complete set has `count` files.
        if list_files(&dir).map(|f| f.len()).unwrap_or(0) != count {
            let _ = fs::remove_dir_all(&dir);
            generate(count, 7, &dir)?;
        }
        let lint = |output: Option<&std::path::Path>| -> Result<f64> {
            let mut command = Command::new(binary);
            command.args([
                "check",
                "--select",
                "POL",
                "--format",
                "jsonl",
                "--fail-on",
                "never",
            ]);
            match output {
                Some(file) => command.arg("--output").arg(file),
                // Timed runs write where Parliament's report goes: nowhere
                // (reading 30 MB of findings through a pipe would time this
                // process, not rolecall).
                None => command.stdout(Stdio::null()),
            };
            let start = Instant::now();
            let status = command.arg(&dir).status()?;
            let seconds = start.elapsed().as_secs_f64();
            if !status.success() {
                bail!("rolecall check failed on the policy files");
            }
            Ok(seconds)
        };
        let first = lint(None)?;
        let mut best = first;
        for _ in 1..repetitions(first) {
            best = best.min(lint(None)?);
        }
        let report = dir.with_extension("report.jsonl");
        lint(Some(&report))?;
        let findings = fs::read_to_string(&report)?.lines().count();
        let ours = count as f64 / best;
        println!(
            "\npolicy linting, {label} files: {count} files in {best:.3} s = {ours:.0} files/s, {findings} findings (POL rules, all cores)"
        );
        if let Some(parliament) = std::env::var_os("PARLIAMENT") {
            // The same 10,000 files: a sample would make Python's start-up
            // weigh more than it does on a real sweep.
            let start = Instant::now();
            let status = Command::new(&parliament)
                .arg("--directory")
                .arg(&dir)
                .args(["--include_policy_extension", ".json", "--json"])
                .stdout(Stdio::null())
                .status()
                .context("cannot run parliament")?;
            let seconds = start.elapsed().as_secs_f64();
            let theirs = count as f64 / seconds;
            println!(
                "parliament ({}), {label} files: the same {count} files in {seconds:.2} s = {theirs:.1} files/s; rolecall is {:.0}x faster",
                if status.success() { "ok" } else { "exited non-zero: it found problems" },
                ours / theirs
            );
        }
    }
    if std::env::var_os("PARLIAMENT").is_none() {
        println!("(set PARLIAMENT=/path/to/venv/bin/parliament to compare with Parliament)");
    }
    Ok(())
}

/// The same rule as a built-in and as a plugin, on the same account.
fn plugin_cost(binary: &std::path::Path, size: usize) -> Result<()> {
    cargo(&["build", "--release", "-p", "rolecall-plugin-bench-twin"])?;
    let library = root().join("target").join("release").join(format!(
        "{}rolecall_plugin_bench_twin{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let dir = root()
        .join("target")
        .join("bench")
        .join(format!("corpus-{size}"));
    let time = |args: &[&str]| -> Result<(f64, usize)> {
        let mut best = f64::MAX;
        let mut findings = 0;
        for _ in 0..3 {
            let start = Instant::now();
            let output = Command::new(binary)
                .arg("check")
                .args(args)
                .arg(&dir)
                .output()?;
            best = best.min(start.elapsed().as_secs_f64());
            findings = String::from_utf8_lossy(&output.stdout).lines().count();
        }
        Ok((best, findings))
    };
    let (builtin, a) = time(&[
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--select",
        "EXR004",
    ])?;
    let plugin_arg = library.display().to_string();
    let (plugin, b) = time(&[
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--plugin",
        &plugin_arg,
        "--select",
        "twin",
    ])?;
    let (isolated, c) = time(&[
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--plugin",
        &plugin_arg,
        "--select",
        "twin",
        "--isolate-plugins",
    ])?;
    if a != b || b != c {
        bail!("the plugin twin found {b} (isolated {c}) findings, the built-in {a}");
    }
    println!(
        "\nplugin cost on {size} functions (EXR004, {a} findings; times include reading the dump):"
    );
    println!("| built-in | plugin | plugin, isolated |\n| --- | --- | --- |");
    println!(
        "| {builtin:.3} s | {plugin:.3} s ({:+.3} s) | {isolated:.3} s ({:+.3} s) |",
        plugin - builtin,
        isolated - builtin
    );
    Ok(())
}

fn list_files(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(list_files(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}
