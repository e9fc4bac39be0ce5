//! "Who can do ACTION on RESOURCE?" over an account model, answered by the
//! evaluator for every principal the dump knows and every external principal
//! its resource policies name.

use std::collections::HashMap;
use std::sync::Arc;

use crate::eval::{
    CompiledPolicy, ContextValue, Decision, Evaluator, PolicyKind, PolicySet, Principal,
    PrincipalType, Request, RequestContext, StatementOutcome,
};
use crate::model::{Account, PolicyId};
use crate::policy::{BaseOperator, Condition, Effect, PrincipalKind, Principals};

/// Which kind of principal an answer is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalCategory {
    /// Anyone, including anonymous callers.
    Public,
    /// An AWS service.
    Service,
    /// Every principal of an account whose own policies allow.
    Account,
    /// An IAM role (and its sessions).
    Role,
    /// An IAM user.
    User,
    /// One role session or federated-user session.
    Session,
    /// A web-identity or SAML provider.
    Federated,
}

impl PrincipalCategory {
    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            PrincipalCategory::Public => "public",
            PrincipalCategory::Service => "service",
            PrincipalCategory::Account => "account",
            PrincipalCategory::Role => "role",
            PrincipalCategory::User => "user",
            PrincipalCategory::Session => "session",
            PrincipalCategory::Federated => "federated",
        }
    }
}

/// One principal that is allowed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Access {
    /// What kind of principal.
    pub category: PrincipalCategory,
    /// The principal (ARN, account id, service name, or `*`).
    pub principal: String,
    /// Whether the principal's own policies are in the dump; when not
    /// (another account, a service), its side is assumed to allow.
    pub in_dump: bool,
    /// Conditions the request must meet (`ArnLike AWS:SourceArn arn:aws:s3:::uploads`); empty: none.
    pub conditions: Vec<String>,
    /// The statements that grant, as `origin (Sid or #index)`.
    pub granted_by: Vec<String>,
}

/// The answer to a who-can question.
#[derive(Clone, Debug, Default)]
pub struct WhoCan {
    /// Every allowed principal, sorted.
    pub allowed: Vec<Access>,
    /// The resource policy consulted, if the resource is in the dump.
    pub resource_policy: Option<PolicyId>,
}

/// The context keys AWS sets from the principal alone.
pub fn principal_context(principal: &Principal) -> RequestContext {
    let mut context = RequestContext::new();
    let mut set = |k: &str, v: &str| context.insert(k, ContextValue::Single(v.to_owned()));
    if principal.is_iam_identity() {
        set("aws:PrincipalArn", &principal.principal_arn());
        set("aws:PrincipalAccount", principal.account());
        set("aws:PrincipalIsAWSService", "false");
        if principal.kind() == PrincipalType::User {
            set("aws:username", principal.name());
        }
    } else if principal.kind() == PrincipalType::Service {
        set("aws:PrincipalIsAWSService", "true");
        set("aws:PrincipalServiceName", principal.name());
    }
    context
}

struct Candidate {
    category: PrincipalCategory,
    label: String,
    principal: Principal,
    /// The identity side: the dump's policies, or (outside the dump) an
    /// assumed allow.
    identity: Option<Vec<PolicyId>>,
    boundary: Vec<Arc<CompiledPolicy>>,
}

/// An identity policy allowing everything: stands for a caller whose own
/// policies are outside the dump. Compiled once.
pub(crate) fn allow_everything() -> Arc<CompiledPolicy> {
    static POLICY: std::sync::OnceLock<Arc<CompiledPolicy>> = std::sync::OnceLock::new();
    POLICY
        .get_or_init(|| {
            let document = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
            Arc::new(CompiledPolicy::from_value(&document, PolicyKind::Identity))
        })
        .clone()
}

/// The resource policy AWS applies by default to a KMS key or a role the
/// dump cannot show: it trusts `account` (in `partition`), so that
/// account's identity policies decide. Compiled once per account.
pub(crate) fn trusts_account(partition: &str, account: &str) -> Arc<CompiledPolicy> {
    type Cache = std::sync::Mutex<HashMap<(String, String), Arc<CompiledPolicy>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (partition.to_owned(), account.to_owned());
    // A poisoned lock only means another thread panicked while inserting:
    // the map is still whole.
    let mut cached = cache.lock().unwrap_or_else(|e| e.into_inner());
    cached
        .entry(key)
        .or_insert_with(|| {
            let document = serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{partition}:iam::{account}:root")},
                "Action": "*",
                "Resource": "*"
            }]});
            Arc::new(CompiledPolicy::from_value(&document, PolicyKind::Resource))
        })
        .clone()
}

/// Every principal allowed `action` on `resource`, with the conditions it needs.
pub fn who_can(
    account: &Account,
    action: &str,
    resource: &str,
    resource_account: Option<&str>,
) -> WhoCan {
    let evaluator = Evaluator::new();
    let resource_ids = account.resource_policy_ids(resource);
    let mut candidates: Vec<Candidate> = Vec::new();
    for role in account.roles.values() {
        if let Ok(principal) = Principal::parse(&role.arn) {
            let set = account.principal_policies(&role.arn);
            candidates.push(Candidate {
                category: PrincipalCategory::Role,
                label: role.arn.clone(),
                principal,
                identity: Some(account.identity_policy_ids(&role.arn)),
                boundary: set.boundary,
            });
        }
    }
    for user in account.users.values() {
        if let Ok(principal) = Principal::parse(&user.arn) {
            let set = account.principal_policies(&user.arn);
            candidates.push(Candidate {
                category: PrincipalCategory::User,
                label: user.arn.clone(),
                principal,
                identity: Some(account.identity_policy_ids(&user.arn)),
                boundary: set.boundary,
            });
        }
    }
    // External principals named in the resource policy.
    for id in &resource_ids {
        let Some(document) = account.policy(*id).document.as_deref() else {
            continue;
        };
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let Some(element) = statement.principal.as_ref().filter(|p| !p.negated) else {
                continue;
            };
            let entries: Vec<(PrincipalKind, String)> = match &element.principals {
                Principals::Everyone => vec![(PrincipalKind::Aws, "*".to_owned())],
                Principals::Entries(entries) => {
                    entries.iter().map(|e| (e.kind, e.value.clone())).collect()
                }
            };
            for (kind, value) in entries {
                let (category, text) = match kind {
                    PrincipalKind::Aws if value == "*" => {
                        (PrincipalCategory::Public, "anonymous".to_owned())
                    }
                    PrincipalKind::Aws if crate::arn::is_account_id(&value) => (
                        PrincipalCategory::Account,
                        format!("arn:aws:iam::{value}:root"),
                    ),
                    PrincipalKind::Aws if value.ends_with(":root") => {
                        (PrincipalCategory::Account, value.clone())
                    }
                    PrincipalKind::Aws if value.contains(":role/") => {
                        (PrincipalCategory::Role, value.clone())
                    }
                    PrincipalKind::Aws if value.contains(":user/") => {
                        (PrincipalCategory::User, value.clone())
                    }
                    PrincipalKind::Aws => (PrincipalCategory::Session, value.clone()),
                    PrincipalKind::Service => (PrincipalCategory::Service, value.clone()),
                    PrincipalKind::Federated => (PrincipalCategory::Federated, value.clone()),
                    PrincipalKind::CanonicalUser => continue,
                };
                let Ok(principal) = Principal::parse(&text) else {
                    continue;
                };
                let label = match category {
                    PrincipalCategory::Public => "*".to_owned(),
                    PrincipalCategory::Account => principal.account().to_owned(),
                    _ => value.clone(),
                };
                let known = account.roles.contains_key(&text) || account.users.contains_key(&text);
                if known || candidates.iter().any(|c| c.label == label) {
                    continue;
                }
                candidates.push(Candidate {
                    category,
                    label,
                    principal,
                    identity: None,
                    boundary: Vec::new(),
                });
            }
        }
    }

    let mut allowed: Vec<Access> = Vec::new();
    for candidate in &candidates {
        let identity_ids = candidate.identity.clone().unwrap_or_default();
        let set = PolicySet {
            identity: match &candidate.identity {
                Some(ids) => ids
                    .iter()
                    .map(|id| account.policy(*id).compiled.clone())
                    .collect(),
                None => vec![allow_everything()],
            },
            boundary: candidate.boundary.clone(),
            resource: resource_ids
                .iter()
                .map(|id| account.policy(*id).compiled.clone())
                .collect(),
            ..PolicySet::default()
        };
        let base_context = principal_context(&candidate.principal);
        let request = |context: &RequestContext| -> crate::eval::Response {
            evaluator.evaluate(
                &Request {
                    principal: &candidate.principal,
                    action,
                    resource,
                    resource_account,
                    context,
                },
                &set,
            )
        };
        let response = request(&base_context);
        let granted_by = |response: &crate::eval::Response| -> Vec<String> {
            response
                .deciding
                .iter()
                .map(|at| {
                    let id = match at.policy.kind {
                        PolicyKind::Resource => resource_ids.get(at.policy.position),
                        PolicyKind::Identity => identity_ids.get(at.policy.position),
                        _ => None,
                    };
                    statement_label(account, id.copied(), at.statement)
                })
                .collect()
        };
        if response.decision == Decision::Allow {
            allowed.push(Access {
                category: candidate.category,
                principal: candidate.label.clone(),
                in_dump: candidate.identity.is_some(),
                conditions: Vec::new(),
                granted_by: granted_by(&response),
            });
            continue;
        }
        if response.decision == Decision::ExplicitDeny {
            continue;
        }
        // Allow statements that failed only on their conditions: try the
        // request again with those conditions met.
        for trace in response.statements.iter().filter(|t| {
            t.effect == Effect::Allow
                && matches!(t.outcome, StatementOutcome::ConditionFailed { .. })
        }) {
            let id = match trace.at.policy.kind {
                PolicyKind::Resource => resource_ids.get(trace.at.policy.position),
                PolicyKind::Identity => identity_ids.get(trace.at.policy.position),
                _ => None,
            };
            let Some(statement) = id
                .and_then(|id| account.policy(*id).document.as_deref())
                .and_then(|d| d.statements.iter().find(|s| s.index == trace.at.statement))
            else {
                continue;
            };
            let mut context = base_context.clone();
            let mut conditions = Vec::new();
            for condition in &statement.conditions {
                conditions.push(describe(condition));
                if let Some(value) = satisfying_value(condition) {
                    if !context.contains(&condition.key) {
                        context.insert(&condition.key, value);
                    }
                }
            }
            let retry = request(&context);
            if retry.decision == Decision::Allow {
                allowed.push(Access {
                    category: candidate.category,
                    principal: candidate.label.clone(),
                    in_dump: candidate.identity.is_some(),
                    conditions,
                    granted_by: granted_by(&retry),
                });
                break;
            }
        }
    }
    allowed.sort();
    WhoCan {
        allowed,
        resource_policy: resource_ids.first().copied(),
    }
}

fn statement_label(account: &Account, id: Option<PolicyId>, statement: usize) -> String {
    let Some(id) = id else {
        return format!("statement #{statement}");
    };
    let record = account.policy(id);
    let sid = record
        .document
        .as_deref()
        .and_then(|d| d.statements.iter().find(|s| s.index == statement))
        .and_then(|s| s.sid.clone());
    let origin = crate::model::describe_origin(&record.origin);
    match sid {
        Some(sid) => format!("{origin}, Sid `{sid}`"),
        None => format!("{origin}, statement #{statement}"),
    }
}

/// `ArnLike AWS:SourceArn arn:aws:s3:::uploads` (values joined with ` | `).
pub fn describe(condition: &Condition) -> String {
    format!(
        "{} {} {}",
        condition.operator,
        condition.key,
        condition.values.join(" | ")
    )
}

/// A request value that satisfies a positive condition, when one is easy
/// to give (equality, or a pattern with its wildcards filled in).
fn satisfying_value(condition: &Condition) -> Option<ContextValue> {
    let op = condition.operator;
    if op.base.is_negated() || op.base == BaseOperator::Null {
        return None;
    }
    let first = condition.values.first()?;
    let value = match op.base {
        BaseOperator::StringLike | BaseOperator::ArnLike | BaseOperator::ArnEquals => {
            first.replace(['*', '?'], "x")
        }
        BaseOperator::StringEquals
        | BaseOperator::StringEqualsIgnoreCase
        | BaseOperator::Bool
        | BaseOperator::BinaryEquals => first.clone(),
        BaseOperator::NumericEquals
        | BaseOperator::NumericLessThanEquals
        | BaseOperator::NumericGreaterThanEquals => first.clone(),
        BaseOperator::DateEquals
        | BaseOperator::DateLessThanEquals
        | BaseOperator::DateGreaterThanEquals => first.clone(),
        BaseOperator::IpAddress => first.split('/').next()?.to_owned(),
        _ => return None,
    };
    Some(if op.qualifier.is_some() {
        ContextValue::Multi(vec![value])
    } else {
        ContextValue::Single(value)
    })
}
