//! Rule plugins end to end, with the real compiled libraries.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::{fixture, rolecall, stderr_of, stdout_of, workspace};

const PLUGINS: &[&str] = &[
    "rolecall-plugin-example",
    "rolecall-plugin-fixture-wrong-magic",
    "rolecall-plugin-fixture-wrong-major",
    "rolecall-plugin-fixture-panicking",
    "rolecall-plugin-fixture-aborting",
];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace's target folder (where this test binary lives).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// Builds the plugin libraries once per test run (`cargo xtask ci` has
/// already built them; this makes `cargo test` alone work too).
fn library(crate_name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut command = Command::new(cargo());
        command.arg("build").current_dir(workspace());
        for p in PLUGINS {
            command.args(["-p", p]);
        }
        let status = command.status().unwrap();
        assert!(status.success(), "building the plugins failed");
    });
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        crate_name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    target_dir().join("debug").join(file)
}

fn check(plugin: &str, extra: &[&str]) -> std::process::Output {
    rolecall()
        .args(["check", "--plugin"])
        .arg(library(plugin))
        .args(extra)
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap()
}

#[test]
fn example_plugin_findings_in_every_format() {
    let json = check("rolecall-plugin-example", &["--format", "json"]);
    assert_eq!(json.status.code(), Some(1), "{}", stderr_of(&json));
    let v: Value = serde_json::from_str(&stdout_of(&json)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let plugin: Vec<&Value> = findings
        .iter()
        .filter(|f| f["source"] == "example")
        .collect();
    assert!(plugin
        .iter()
        .any(|f| f["code"] == "example/BND001" && f["rule"] == "require-permissions-boundary"));
    assert!(plugin.iter().any(|f| f["code"] == "example/ORG001"));
    let bnd = plugin
        .iter()
        .find(|f| f["code"] == "example/BND001")
        .unwrap();
    assert!(
        bnd["location"]["line"].as_u64().is_some(),
        "plugin findings keep their locations"
    );
    assert!(
        findings.iter().any(|f| f["source"] == "builtin"),
        "built-ins still run"
    );

    let human = stdout_of(&check("rolecall-plugin-example", &[]));
    assert!(human.contains("warning[example/BND001] execution role `queue-worker-role` lacks a permissions boundary"), "{human}");

    let sarif: Value = serde_json::from_str(&stdout_of(&check(
        "rolecall-plugin-example",
        &["--format", "sarif"],
    )))
    .unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules
        .iter()
        .any(|r| r["id"] == "example/ORG001" && r["name"] == "invoke-only-from-org"));
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "example/BND001"));
}

#[test]
fn plugin_options_come_from_the_config() {
    let dir = std::env::temp_dir().join(format!("rolecall-plugin-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("rolecall.toml");
    std::fs::write(
        &config,
        format!(
            "plugins = [{:?}]\n\n[rules]\nselect = [\"example/BND001\"]\n\n[rules.options.\"example/BND001\"]\nboundary_arn = \"arn:aws:iam::123456789012:policy/app/ingest-bucket-access\"\n",
            library("rolecall-plugin-example").display().to_string()
        ),
    )
    .unwrap();
    let output = rolecall()
        .args(["check", "--format", "json", "--config"])
        .arg(&config)
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // legacy-admin-fn-role carries exactly that boundary; the two others have none.
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().all(|m| m.contains("lacks the permissions boundary `arn:aws:iam::123456789012:policy/app/ingest-bucket-access`")));
}

#[test]
fn rules_lists_plugin_rules() {
    let output = rolecall()
        .args(["rules", "--plugin"])
        .arg(library("rolecall-plugin-example"))
        .output()
        .unwrap();
    let text = stdout_of(&output);
    assert!(
        text.contains("example/BND001 warning require-permissions-boundary"),
        "{text}"
    );
    let docs = rolecall()
        .args(["rules", "example/ORG001", "--plugin"])
        .arg(library("rolecall-plugin-example"))
        .output()
        .unwrap();
    assert!(stdout_of(&docs).contains("## Why is this bad?"));
}

#[test]
fn wrong_magic_is_refused_and_the_rest_still_runs() {
    let output = check("rolecall-plugin-fixture-wrong-magic", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("librolecall_plugin_fixture_wrong_magic"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "is not a rolecall plugin: its table starts with \"NOTRLCL!\", expected \"RLCLPLG1\""
        ),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
}

#[test]
fn wrong_major_names_both_versions() {
    let output = check("rolecall-plugin-fixture-wrong-major", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("was built for plugin ABI 2.0, this rolecall speaks 1.0"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_panicking_rule_is_reported_and_skipped() {
    let output = check("rolecall-plugin-fixture-panicking", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("rule `panicking/PAN001` did not run to the end"),
        "{stderr}"
    );
    assert!(
        stderr.contains("panicked: fixture panic while checking"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("stack backtrace"),
        "the plugin's panic is not printed raw: {stderr}"
    );
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "panicking/PAN002").count(),
        3,
        "the plugin's other rule still runs"
    );
    assert!(codes.contains(&"EXR004"), "built-ins still run");
    assert!(!codes.contains(&"panicking/PAN001"));
    assert!(v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e.as_str().unwrap().contains("panicking/PAN001")));
}

#[test]
fn an_abort_is_contained_by_isolation() {
    let output = check(
        "rolecall-plugin-fixture-aborting",
        &["--format", "json", "--isolate-plugins"],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("rule `aborting/ABT001` did not run to the end"),
        "{stderr}"
    );
    assert!(
        stderr.contains("was killed by signal 6 (SIGABRT: the plugin aborted) while checking"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "EXR004"));
}

#[test]
fn isolation_gives_the_same_findings() {
    let direct = check("rolecall-plugin-example", &["--format", "json"]);
    let isolated = check(
        "rolecall-plugin-example",
        &["--format", "json", "--isolate-plugins"],
    );
    assert_eq!(direct.stdout, isolated.stdout);
}

#[test]
fn a_missing_plugin_is_an_error_naming_the_file() {
    let output = rolecall()
        .args(["check", "--plugin", "no/such/plugin.so"])
        .arg(fixture("aws-cli-moto"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("plugin `no/such/plugin.so`: no such file"));
}

#[test]
fn a_scaffolded_plugin_builds_and_loads() {
    let dir = std::env::temp_dir().join(format!("rolecall-new-plugin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new(cargo())
        .args([
            "run",
            "--quiet",
            "-p",
            "xtask",
            "--",
            "new-plugin",
            "team-naming",
            "--dir",
        ])
        .arg(&dir)
        .current_dir(workspace())
        .status()
        .unwrap();
    assert!(status.success());
    // Share the workspace's target folder so policy-core is not built again.
    let status = Command::new(cargo())
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .unwrap();
    assert!(status.success(), "the scaffolded plugin builds");
    let library = target_dir().join("debug").join(format!(
        "{}rolecall_plugin_team_naming{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let output = rolecall()
        .args(["rules", "--plugin"])
        .arg(&library)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("team-naming/NAM001"),
        "{}",
        stdout_of(&output)
    );
}
