//! `rolecall can PRINCIPAL ACTION RESOURCE`: one decision, explained.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use clap::{Args, ValueEnum};
use policy_core::arn;
use policy_core::eval::{
    ContextValue, Evaluator, PolicyKind, PolicyRef, PolicySet, Principal, PrincipalType, Request,
    RequestContext,
};
use serde_json::json;

use crate::explain::{self, PolicySource, Sources};
use crate::policy_input;
use crate::{EXIT_FINDINGS, EXIT_OK};

#[derive(Args)]
pub struct CanArgs {
    /// Who calls: a user, role or session ARN, an account id, a service
    /// principal (`s3.amazonaws.com`) or `anonymous`.
    principal: String,
    /// The action, e.g. `lambda:InvokeFunction`.
    action: String,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    resource: String,
    /// A request context key, `KEY=VALUE`; repeat a key for a multivalued key,
    /// or give `KEY=[\"a\",\"b\"]`.
    #[arg(long = "context", short = 'c', value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// An identity policy of the principal (repeatable).
    #[arg(long = "policy", short = 'p', value_name = "FILE")]
    policies: Vec<PathBuf>,
    /// The resource's resource-based policy, e.g. `lambda get-policy` output
    /// or a role's trust policy (repeatable; several act as one).
    #[arg(long = "resource-policy", short = 'r', value_name = "FILE")]
    resource_policies: Vec<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// An account dump (folders and files of AWS CLI JSON output): the
    /// principal's policies and the resource's policy come from it, in
    /// addition to any policy files given (repeatable).
    #[arg(long = "account", short = 'a', value_name = "PATH")]
    accounts: Vec<PathBuf>,
    /// The session policy of a role or federated-user session.
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policy: Option<PathBuf>,
    /// SCPs of one organisation level, comma-separated; repeat the flag for
    /// each level from the root down (each level must allow).
    #[arg(long = "scp", value_name = "FILE[,FILE...]")]
    scp: Vec<String>,
    /// RCPs of one organisation level, comma-separated; repeat per level.
    #[arg(long = "rcp", value_name = "FILE[,FILE...]")]
    rcp: Vec<String>,
    /// The account owning the resource, for ARNs that do not carry one (S3).
    #[arg(long, value_name = "ACCOUNT")]
    resource_account: Option<String>,
    /// Do not add the keys AWS derives from the principal (aws:PrincipalArn,
    /// aws:PrincipalAccount, aws:username, aws:CurrentTime, ...).
    #[arg(long)]
    bare_context: bool,
    /// Exit 1 unless the decision is this (`deny` accepts either kind of deny).
    #[arg(long, value_enum)]
    expect: Option<Expectation>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Show every statement, not only those about this action.
    #[arg(long)]
    all: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Expectation {
    Allow,
    Deny,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Default)]
struct FileSources(HashMap<PolicyRef, PolicySource>);

impl Sources for FileSources {
    fn source(&self, at: PolicyRef) -> Option<&PolicySource> {
        self.0.get(&at)
    }
}

pub fn run(args: CanArgs) -> anyhow::Result<u8> {
    let principal = Principal::parse(&args.principal)?;
    if args.action != "*" && !args.action.contains(':') {
        bail!(
            "`{}` is not an action; write `service:Action`, e.g. `lambda:InvokeFunction`",
            args.action
        );
    }
    if args.resource != "*" && arn::split(&args.resource).is_none() {
        bail!(
            "`{}` is not an ARN; write `arn:partition:service:region:account:resource` or `*`",
            args.resource
        );
    }

    let mut set = PolicySet::default();
    let mut sources = FileSources::default();
    let mut incomplete = false;
    if !args.accounts.is_empty() {
        let account = crate::account_input::load(&args.accounts);
        incomplete = crate::account_input::report_problems(&account);
        add_from_account(&account, &principal, &args.resource, &mut set, &mut sources);
    }
    let mut add = |kind: PolicyKind,
                   level: usize,
                   path: &std::path::Path,
                   set: &mut PolicySet|
     -> anyhow::Result<()> {
        let loaded = policy_input::load(path, kind)?;
        let list = match kind {
            PolicyKind::Identity => &mut set.identity,
            PolicyKind::Resource => &mut set.resource,
            PolicyKind::Boundary => &mut set.boundary,
            PolicyKind::Session => &mut set.session,
            PolicyKind::Scp => level_list(&mut set.scp, level),
            PolicyKind::Rcp => level_list(&mut set.rcp, level),
        };
        let at = PolicyRef {
            kind,
            level,
            position: list.len(),
        };
        list.push(loaded.policy);
        sources.0.insert(at, loaded.source);
        Ok(())
    };
    for path in &args.policies {
        add(PolicyKind::Identity, 0, path, &mut set)?;
    }
    for path in &args.resource_policies {
        add(PolicyKind::Resource, 0, path, &mut set)?;
    }
    if let Some(path) = &args.boundary {
        add(PolicyKind::Boundary, 0, path, &mut set)?;
    }
    if let Some(path) = &args.session_policy {
        add(PolicyKind::Session, 0, path, &mut set)?;
    }
    for (kind, levels) in [(PolicyKind::Scp, &args.scp), (PolicyKind::Rcp, &args.rcp)] {
        for (level, files) in levels.iter().enumerate() {
            for file in files.split(',').filter(|f| !f.is_empty()) {
                add(kind, level, std::path::Path::new(file), &mut set)?;
            }
        }
    }

    let mut context = RequestContext::new();
    let mut derived = Vec::new();
    if !args.bare_context {
        derived = derived_context(&principal, &args.resource);
    }
    for (key, value) in &derived {
        context.insert(key, ContextValue::Single(value.clone()));
    }
    let mut given: Vec<String> = Vec::new();
    for pair in &args.context {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            anyhow!("`--context {pair}`: write `KEY=VALUE`, e.g. `aws:SourceAccount=111122223333`")
        })?;
        if key.is_empty() {
            bail!("`--context {pair}`: the key is empty");
        }
        let lower = key.to_lowercase();
        if value.starts_with('[') {
            let values: Vec<String> = serde_json::from_str(value).map_err(|e| {
                anyhow!("`--context {pair}`: a list must be a JSON array of strings ({e})")
            })?;
            context.insert(key, ContextValue::Multi(values));
        } else if given.contains(&lower) {
            context.append(key, value.to_owned());
        } else {
            context.insert(key, ContextValue::Single(value.to_owned()));
        }
        given.push(lower);
    }
    derived.retain(|(k, _)| !given.contains(&k.to_lowercase()));

    let request = Request {
        principal: &principal,
        action: &args.action,
        resource: &args.resource,
        resource_account: args.resource_account.as_deref(),
        context: &context,
    };
    let response = Evaluator::new().evaluate(&request, &set);
    match args.format {
        Format::Json => {
            let mut document = explain::response_json(None, &response, &sources);
            if let serde_json::Value::Object(map) = &mut document {
                let context_json: serde_json::Map<String, serde_json::Value> = context
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            ContextValue::Single(s) => json!(s),
                            ContextValue::Multi(all) => json!(all),
                        };
                        (k.to_owned(), v)
                    })
                    .collect();
                let mut head = serde_json::Map::new();
                head.insert("principal".into(), json!(principal.as_str()));
                head.insert("action".into(), json!(args.action));
                head.insert("resource".into(), json!(args.resource));
                head.insert("context".into(), serde_json::Value::Object(context_json));
                head.insert(
                    "derived_context".into(),
                    json!(derived.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()),
                );
                head.append(map);
                document = serde_json::Value::Object(head);
            }
            outln!("{}", serde_json::to_string_pretty(&document)?);
        }
        Format::Human => {
            let headline = format!("{} → {} on {}", principal, args.action, args.resource);
            out!(
                "{}",
                explain::response_text(&headline, &response, &sources, args.all)
            );
            if !derived.is_empty() {
                outln!("\ncontext derived from the principal (--bare-context to leave out)");
                for (k, v) in &derived {
                    outln!("  {k} = {v}");
                }
            }
        }
    }
    let matches_expectation = match args.expect {
        None => true,
        Some(Expectation::Allow) => response.decision.is_allowed(),
        Some(Expectation::Deny) => !response.decision.is_allowed(),
    };
    if !matches_expectation {
        eprintln!(
            "expectation failed: expected {}, got {}",
            match args.expect {
                Some(Expectation::Allow) => "Allow",
                _ => "a deny",
            },
            response.decision
        );
        return Ok(EXIT_FINDINGS);
    }
    Ok(if incomplete {
        crate::EXIT_INCOMPLETE
    } else {
        EXIT_OK
    })
}

/// Adds the dump's policies of `principal` (for a session: of its role) and
/// of `resource` to the set, remembering where each came from.
fn add_from_account(
    account: &policy_core::model::Account,
    principal: &Principal,
    resource: &str,
    set: &mut PolicySet,
    sources: &mut FileSources,
) {
    let principal_arn = match principal.kind() {
        PrincipalType::AssumedRole => account
            .roles
            .values()
            .find(|r| r.name == principal.name() && r.account == principal.account())
            .map(|r| r.arn.clone())
            .unwrap_or_else(|| principal.principal_arn()),
        _ => principal.as_str().to_owned(),
    };
    let mut remember = |kind: PolicyKind, position: usize, id: policy_core::model::PolicyId| {
        let record = account.policy(id);
        let Some(source) = &record.source else { return };
        let Some(file) = account.sources.get(source.file) else {
            return;
        };
        sources.0.insert(
            PolicyRef {
                kind,
                level: 0,
                position,
            },
            PolicySource {
                file: file.path.to_string(),
                text: file.read_text().unwrap_or_else(|| Arc::from("")),
                pointer: source.pointer.clone(),
                encoding: record.encoding,
            },
        );
    };
    for id in account.identity_policy_ids(&principal_arn) {
        remember(PolicyKind::Identity, set.identity.len(), id);
        set.identity.push(account.policy(id).compiled.clone());
    }
    set.boundary
        .extend(account.principal_policies(&principal_arn).boundary);
    for id in account.resource_policy_ids(resource) {
        remember(PolicyKind::Resource, set.resource.len(), id);
        set.resource.push(account.policy(id).compiled.clone());
    }
}

fn level_list<T>(levels: &mut Vec<Vec<T>>, level: usize) -> &mut Vec<T> {
    while levels.len() <= level {
        levels.push(Vec::new());
    }
    &mut levels[level]
}

/// The keys AWS puts into every request of this principal, so that `can`
/// answers like AWS without the user typing them (the evaluator itself never
/// invents keys).
fn derived_context(principal: &Principal, resource: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let now = jiff_now();
    if principal.is_iam_identity() {
        keys.push(("aws:PrincipalArn".to_owned(), principal.principal_arn()));
        keys.push((
            "aws:PrincipalAccount".to_owned(),
            principal.account().to_owned(),
        ));
        keys.push(("aws:PrincipalIsAWSService".to_owned(), "false".to_owned()));
        let principal_type = match principal.kind() {
            PrincipalType::User => "User",
            PrincipalType::Role | PrincipalType::AssumedRole => "AssumedRole",
            PrincipalType::FederatedUser => "FederatedUser",
            _ => "Account",
        };
        keys.push(("aws:PrincipalType".to_owned(), principal_type.to_owned()));
        if principal.kind() == PrincipalType::User {
            keys.push(("aws:username".to_owned(), principal.name().to_owned()));
        }
        keys.push(("aws:SecureTransport".to_owned(), "true".to_owned()));
    } else if principal.kind() == PrincipalType::Service {
        keys.push(("aws:PrincipalIsAWSService".to_owned(), "true".to_owned()));
        keys.push((
            "aws:PrincipalServiceName".to_owned(),
            principal.name().to_owned(),
        ));
    }
    if let Some(parts) = arn::split(resource) {
        if !parts[3].is_empty() {
            keys.push(("aws:RequestedRegion".to_owned(), parts[3].to_owned()));
        }
    }
    keys.push(("aws:CurrentTime".to_owned(), now.0));
    keys.push(("aws:EpochTime".to_owned(), now.1));
    keys
}

fn jiff_now() -> (String, String) {
    let now = jiff::Timestamp::now();
    (
        now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        now.as_second().to_string(),
    )
}
