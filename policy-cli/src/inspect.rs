//! `rolecall inspect PATH`: what rolecall understood from a dump.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use policy_core::access::describe;
use policy_core::model::{describe_origin, Account, Function, PolicyId, PolicyOrigin, SourceRef};
use policy_core::policy::{Effect, Principals};
use serde_json::{json, Value};

use crate::account_input;
use crate::{EXIT_INCOMPLETE, EXIT_OK};

/// Reads AWS CLI JSON outputs, with any file names, recognising each file by its content:
/// `iam get-account-authorization-details`, `lambda list-functions`, `get-function`,
/// `get-function-configuration`, `list-event-source-mappings`, `get-policy`,
/// `get-function-url-config`, `list-aliases`, `iam get-role`, `get-role-policy`, `get-policy`,
/// `get-policy-version`, and bare policy documents. Several accounts and regions may be mixed;
/// paginated outputs split over several files merge.
#[derive(Args)]
pub struct InspectArgs {
    /// Folders and files of AWS CLI JSON output (any names; each file's kind
    /// is recognised from its content).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format; `json` is a stable document for scripts.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: InspectArgs) -> anyhow::Result<u8> {
    let account = account_input::load(&args.paths);
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&document(&account))?),
        Format::Human => {
            out!("{}", human(&account));
            account_input::report_problems(&account);
        }
    }
    Ok(if account.problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_INCOMPLETE
    })
}

fn source_json(account: &Account, source: Option<&SourceRef>) -> Value {
    let Some(source) = source else {
        return Value::Null;
    };
    let file = account.sources.get(source.file);
    let location = account.locate(source);
    json!({
        "file": file.map(|f| &*f.path),
        "pointer": source.pointer,
        "line": location.map(|l| l.line),
        "column": location.map(|l| l.column),
    })
}

fn policy_json(account: &Account, id: PolicyId) -> Value {
    let record = account.policy(id);
    let (origin, name) = match &record.origin {
        PolicyOrigin::Inline { name, .. } => ("inline", name.clone()),
        PolicyOrigin::CustomerManaged { arn } => ("customer-managed", arn.clone()),
        PolicyOrigin::AwsManaged {
            arn,
            embedded: false,
        } => ("aws-managed", arn.clone()),
        PolicyOrigin::AwsManaged {
            arn,
            embedded: true,
        } => ("aws-managed-embedded", arn.clone()),
        PolicyOrigin::Trust { role } => ("trust", role.clone()),
        PolicyOrigin::FunctionPolicy { target } => ("function-policy", target.clone()),
        PolicyOrigin::Standalone => ("standalone", String::new()),
    };
    json!({
        "origin": origin,
        "name": name,
        "statements": record.compiled.statements().len(),
        "errors": record.diagnostics().iter().filter(|d| d.is_error()).count(),
        "source": source_json(account, record.source.as_ref()),
    })
}

/// Who a resource policy lets in: one entry per principal of each Allow statement.
fn invokers(account: &Account, id: PolicyId) -> Vec<Value> {
    let Some(document) = account.policy(id).document.as_deref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for statement in document
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let Some(element) = &statement.principal else {
            continue;
        };
        let principals: Vec<String> = match &element.principals {
            Principals::Everyone => vec!["*".to_owned()],
            Principals::Entries(entries) => entries
                .iter()
                .map(|e| format!("{}:{}", e.kind.key(), e.value))
                .collect(),
        };
        out.push(json!({
            "sid": statement.sid,
            "principals": principals,
            "not_principal": element.negated,
            "actions": statement.action.values,
            "not_action": statement.action.negated,
            "conditions": statement.conditions.iter().map(describe).collect::<Vec<_>>(),
        }));
    }
    out
}

fn function_json(account: &Account, f: &Function) -> Value {
    let role = f.role.as_deref().map(|arn| match account.roles.get(arn) {
        Some(role) => {
            let mut policies: Vec<Value> = account
                .identity_policy_ids(arn)
                .into_iter()
                .map(|id| policy_json(account, id))
                .collect();
            let missing: Vec<&String> = role
                .attached_policies
                .iter()
                .filter(|p| {
                    account
                        .managed_policies
                        .get(*p)
                        .and_then(|m| m.document)
                        .is_none()
                })
                .collect();
            for m in &missing {
                policies.push(json!({"origin": "unresolved", "name": m}));
            }
            json!({
                "arn": arn,
                "found": true,
                "trust_policy": role.trust_policy.map(|id| policy_json(account, id)),
                "policies": policies,
                "permissions_boundary": role.permissions_boundary,
            })
        }
        None => json!({"arn": arn, "found": false}),
    });
    let mappings: Vec<Value> = f
        .event_source_mappings
        .iter()
        .filter_map(|uuid| account.event_source_mappings.get(uuid))
        .map(|m| {
            json!({
                "uuid": m.uuid,
                "event_source_arn": m.event_source_arn,
                "function_arn": m.function_arn,
                "state": m.state,
                "batch_size": m.batch_size,
                "on_failure_destination": m.on_failure_destination,
                "source": source_json(account, m.source.as_ref()),
            })
        })
        .collect();
    let resource_policies: Vec<Value> = f
        .resource_policies
        .values()
        .map(|p| {
            json!({
                "target": p.target,
                "qualifier": p.qualifier,
                "policy": policy_json(account, p.policy),
                "allows": invokers(account, p.policy),
            })
        })
        .collect();
    let urls: Vec<Value> = f
        .urls
        .values()
        .map(|u| json!({"qualifier": u.qualifier, "auth_type": u.auth_type, "url": u.url, "invoke_mode": u.invoke_mode}))
        .collect();
    json!({
        "arn": f.arn,
        "name": f.name,
        "region": f.region,
        "account": f.account,
        "has_configuration": f.has_configuration,
        "runtime": f.runtime,
        "package_type": f.package_type,
        "architectures": f.architectures,
        "role": role,
        "vpc": f.vpc.as_ref().map(|v| json!({"vpc_id": v.vpc_id, "subnet_ids": v.subnet_ids, "security_group_ids": v.security_group_ids, "attached": v.is_attached()})),
        "tracing_mode": f.tracing_mode,
        "dead_letter_target": f.dead_letter_target,
        "kms_key": f.kms_key,
        "log_group": f.effective_log_group(),
        "file_systems": f.file_systems.iter().map(|fs| json!({"arn": fs.arn, "local_mount_path": fs.local_mount_path})).collect::<Vec<_>>(),
        "layers": f.layers,
        "environment_variables": f.environment_variables,
        "aliases": f.aliases.values().map(|a| json!({"name": a.name, "arn": a.arn, "function_version": a.function_version})).collect::<Vec<_>>(),
        "event_sources": mappings,
        "resource_policies": resource_policies,
        "urls": urls,
        "source": source_json(account, f.source.as_ref()),
    })
}

/// The stable JSON document (`version` changes only on incompatible changes).
fn document(account: &Account) -> Value {
    json!({
        "version": 1,
        "summary": {
            "files": account.sources.len(),
            "functions": account.functions.len(),
            "roles": account.roles.len(),
            "users": account.users.len(),
            "groups": account.groups.len(),
            "managed_policies": account.managed_policies.len(),
            "policy_documents": account.policies.len(),
            "event_source_mappings": account.event_source_mappings.len(),
            "skipped": account.skipped.len(),
            "problems": account.problems.len(),
            "unresolved": account.unresolved.len(),
        },
        "files": account.sources.iter().map(|s| json!({"path": s.path, "kind": s.kind.name()})).collect::<Vec<_>>(),
        "functions": account.functions.values().map(|f| function_json(account, f)).collect::<Vec<_>>(),
        "roles": account.roles.values().map(|r| json!({
            "arn": r.arn,
            "name": r.name,
            "path": r.path,
            "trust_policy": r.trust_policy.map(|id| policy_json(account, id)),
            "policies": account.identity_policy_ids(&r.arn).into_iter().map(|id| policy_json(account, id)).collect::<Vec<_>>(),
            "permissions_boundary": r.permissions_boundary,
            "used_by": account.functions_using(&r.arn).into_iter().map(|f| f.arn.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "users": account.users.values().map(|u| json!({
            "arn": u.arn,
            "groups": u.groups,
            "policies": account.identity_policy_ids(&u.arn).into_iter().map(|id| policy_json(account, id)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "policy_problems": account.policies.iter().flat_map(|record| record.diagnostics().iter().map(move |d| json!({
            "policy": describe_origin(&record.origin),
            "source": source_json(account, record.source.as_ref()),
            "level": d.level.to_string(),
            "pointer": d.pointer,
            "message": d.message,
            "help": d.help,
        }))).collect::<Vec<_>>(),
        "standalone_policies": account.standalone_policies.iter().map(|id| policy_json(account, *id)).collect::<Vec<_>>(),
        "skipped": account.skipped.iter().map(|s| json!({"path": s.path, "reason": s.reason})).collect::<Vec<_>>(),
        "problems": account.problems.iter().map(|p| json!({"path": p.path, "line": p.line, "column": p.column, "pointer": p.pointer, "message": p.message, "help": p.help})).collect::<Vec<_>>(),
        "unresolved": account.unresolved.iter().map(|u| json!({"what": u.what, "name": u.name, "referenced_by": u.referenced_by, "consequence": u.consequence})).collect::<Vec<_>>(),
    })
}

fn where_from(account: &Account, source: Option<&SourceRef>) -> String {
    match source {
        Some(s) => {
            let path = account.source_path(s);
            match account.locate(s) {
                Some(l) => format!("{path}:{}:{}", l.line, l.column),
                None => path.to_owned(),
            }
        }
        None => "rolecall's embedded copy".to_owned(),
    }
}

fn human(account: &Account) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} function(s), {} role(s), {} user(s), {} event source mapping(s) from {} file(s)",
        account.functions.len(),
        account.roles.len(),
        account.users.len(),
        account.event_source_mappings.len(),
        account.sources.len()
    );
    for f in account.functions.values() {
        let _ = writeln!(out, "\nfunction {} ({})", f.name, f.arn);
        if !f.has_configuration {
            let _ = writeln!(out, "  configuration: not in the dump");
        }
        if let Some(runtime) = &f.runtime {
            let _ = writeln!(out, "  runtime: {runtime}");
        }
        match f.role.as_deref() {
            Some(arn) if account.roles.contains_key(arn) => {
                let _ = writeln!(out, "  execution role: {arn}");
                for id in account.identity_policy_ids(arn) {
                    let record = account.policy(id);
                    let _ = writeln!(
                        out,
                        "    - {} ({})",
                        describe_origin(&record.origin),
                        where_from(account, record.source.as_ref())
                    );
                }
                if let Some(boundary) = account
                    .roles
                    .get(arn)
                    .and_then(|r| r.permissions_boundary.as_deref())
                {
                    let _ = writeln!(out, "    boundary: {boundary}");
                }
            }
            Some(arn) => {
                let _ = writeln!(out, "  execution role: {arn} (not in the dump)");
            }
            None => {}
        }
        if let Some(vpc) = f.vpc.as_ref().filter(|v| v.is_attached()) {
            let _ = writeln!(
                out,
                "  vpc: {} subnets {}",
                vpc.vpc_id.as_deref().unwrap_or("?"),
                vpc.subnet_ids.join(", ")
            );
        }
        if let Some(mode) = &f.tracing_mode {
            let _ = writeln!(out, "  tracing: {mode}");
        }
        for uuid in &f.event_source_mappings {
            if let Some(m) = account.event_source_mappings.get(uuid) {
                let _ = writeln!(
                    out,
                    "  event source: {} ({})",
                    m.event_source_arn.as_deref().unwrap_or("?"),
                    m.state.as_deref().unwrap_or("?")
                );
            }
        }
        for policy in f.resource_policies.values() {
            let target = policy
                .qualifier
                .as_deref()
                .map(|q| format!(" (qualifier {q})"))
                .unwrap_or_default();
            let record = account.policy(policy.policy);
            let _ = writeln!(
                out,
                "  resource policy{target}: {}",
                where_from(account, record.source.as_ref())
            );
            for allow in invokers(account, policy.policy) {
                let principals = allow["principals"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let actions = allow["actions"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let _ = write!(out, "    allows {principals}: {actions}");
                if let Some(conditions) = allow["conditions"].as_array().filter(|c| !c.is_empty()) {
                    let c: Vec<&str> = conditions.iter().filter_map(Value::as_str).collect();
                    let _ = write!(out, " when {}", c.join(" and "));
                }
                let _ = writeln!(out);
            }
        }
        for url in f.urls.values() {
            let _ = writeln!(
                out,
                "  function URL: auth {} {}",
                url.auth_type,
                url.url.as_deref().unwrap_or("")
            );
        }
    }
    let broken: Vec<_> = account
        .policies
        .iter()
        .filter(|p| p.diagnostics().iter().any(|d| d.is_error()))
        .collect();
    if !broken.is_empty() {
        let _ = writeln!(
            out,
            "\npolicy problems (statements with errors grant and deny nothing)"
        );
        for record in broken {
            for d in record.diagnostics().iter().filter(|d| d.is_error()) {
                let _ = writeln!(
                    out,
                    "  - {} ({}, {}): {}",
                    describe_origin(&record.origin),
                    where_from(account, record.source.as_ref()),
                    if d.pointer.is_empty() {
                        "/"
                    } else {
                        &d.pointer
                    },
                    d.message
                );
            }
        }
    }
    if !account.unresolved.is_empty() {
        let _ = writeln!(out, "\nunresolved");
        for u in &account.unresolved {
            let _ = writeln!(
                out,
                "  - {} `{}` (referenced by {}): {}",
                u.what, u.name, u.referenced_by, u.consequence
            );
        }
    }
    if !account.skipped.is_empty() {
        let _ = writeln!(out, "\nskipped");
        for s in &account.skipped {
            let _ = writeln!(out, "  - {}: {}", s.path, s.reason);
        }
    }
    out
}
