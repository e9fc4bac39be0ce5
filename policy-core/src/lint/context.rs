//! What a rule can ask: the model, the evaluator, its options — and the
//! questions several rules share, answered once here.

use std::cell::OnceCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde_json::Value;

use crate::access::{allow_everything, principal_context};
use crate::eval::{
    CompiledPolicy, Decision, Evaluator, PolicyKind, PolicySet, Principal, Request, RequestContext,
    Response, StatementOutcome,
};
use crate::model::{describe_origin, Account, Function, ManagedPolicy, PolicyId, Role, SourceRef};

use super::Location;

/// One permission a function needs: an action on a concrete resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredAccess {
    /// The action.
    pub action: String,
    /// The resource ARN the service authorises it on (or `*`).
    pub resource: String,
}

impl RequiredAccess {
    /// `action` on `resource`.
    pub fn new(action: &str, resource: impl Into<String>) -> Self {
        RequiredAccess {
            action: action.to_owned(),
            resource: resource.into(),
        }
    }
}

/// A required permission the role lacks.
#[derive(Clone, Debug)]
pub struct Missing {
    /// What was asked.
    pub access: RequiredAccess,
    /// `ImplicitDeny` or `ExplicitDeny`.
    pub decision: Decision,
    /// The Deny statement that denied it, described, if one did.
    pub denied_by: Option<String>,
    /// The full evaluator answer.
    pub response: Response,
}

/// The rule's view of the run.
pub struct Context<'a> {
    /// The account model.
    pub account: &'a Account,
    /// The evaluator.
    pub evaluator: &'a Evaluator,
    /// The rule's options from the configuration (`[rules.options.CODE]`), or `Null`.
    pub options: &'a Value,
    /// Answers every rule run on the same target asks for, kept for the
    /// next rule (the engine gives one per target).
    shared: Option<&'a Shared<'a>>,
    /// Hash look-ups over the model, built once per run by the engine.
    index: Option<&'a RunIndex<'a>>,
}

/// The look-ups rules make over and over — a role, a function or a managed
/// policy by ARN, the functions whose execution role a role is — by hash,
/// built once per run: the model's sorted maps compare ARNs that share
/// long prefixes at every step.
pub struct RunIndex<'a> {
    roles: FxHashMap<&'a str, &'a Role>,
    functions: FxHashMap<&'a str, &'a Function>,
    managed: FxHashMap<&'a str, &'a ManagedPolicy>,
    functions_by_role: FxHashMap<&'a str, Vec<&'a Function>>,
}

/// A map of `len` entries, allocated once.
fn sized<K: std::hash::Hash + Eq, V>(
    len: usize,
    entries: impl Iterator<Item = (K, V)>,
) -> FxHashMap<K, V> {
    let mut map = FxHashMap::with_capacity_and_hasher(len, Default::default());
    map.extend(entries);
    map
}

impl<'a> RunIndex<'a> {
    /// Indexes `account` (its maps in parallel).
    pub fn new(account: &'a Account) -> Self {
        let ((roles, functions), (managed, functions_by_role)) = rayon::join(
            || {
                rayon::join(
                    || {
                        sized(
                            account.roles.len(),
                            account.roles.iter().map(|(k, v)| (k.as_str(), &**v)),
                        )
                    },
                    || {
                        let functions = account.functions.iter();
                        sized(
                            account.functions.len(),
                            functions.map(|(k, v)| (k.as_str(), &**v)),
                        )
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        let managed = account.managed_policies.iter();
                        sized(
                            account.managed_policies.len(),
                            managed.map(|(k, v)| (k.as_str(), v)),
                        )
                    },
                    || {
                        let mut by_role: FxHashMap<&str, Vec<&Function>> =
                            FxHashMap::with_capacity_and_hasher(
                                account.roles.len(),
                                Default::default(),
                            );
                        for function in account.functions.values() {
                            if let Some(role) = &function.role {
                                by_role.entry(role).or_default().push(function);
                            }
                        }
                        by_role
                    },
                )
            },
        );
        RunIndex {
            roles,
            functions,
            managed,
            functions_by_role,
        }
    }
}

/// A principal ready for questions: who it is, its policies, and the
/// request context AWS derives from it.
struct Subject {
    principal: Principal,
    policies: PolicySet,
    context: RequestContext,
}

/// One cached answer, valid for the entity whose address is its key: a rule
/// may ask about another function or role than the target, and then gets a
/// fresh answer.
type Cached<T> = OnceCell<(usize, T)>;

/// What the rules run on one target share: the first rule that asks about
/// the target's execution role, or the functions using a role, computes
/// the answer; the others reuse it.
#[derive(Default)]
pub struct Shared<'a> {
    execution_role: Cached<Option<Subject>>,
    role: Cached<Option<Subject>>,
    functions_using: Cached<Vec<&'a Function>>,
}

/// The address of what an answer is about, its cache key.
fn address<T>(of: &T) -> usize {
    std::ptr::from_ref(of) as usize
}

impl<'a> Context<'a> {
    /// A context over `account`.
    pub fn new(account: &'a Account, evaluator: &'a Evaluator, options: &'a Value) -> Self {
        Context {
            account,
            evaluator,
            options,
            shared: None,
            index: None,
        }
    }

    /// A context whose answers about the target are shared with the other
    /// rules run on it.
    pub(crate) fn sharing(
        account: &'a Account,
        evaluator: &'a Evaluator,
        options: &'a Value,
        shared: &'a Shared<'a>,
        index: Option<&'a RunIndex<'a>>,
    ) -> Self {
        Context {
            account,
            evaluator,
            options,
            shared: Some(shared),
            index,
        }
    }

    /// The cache key of a function: its address, when it is the account's
    /// own (a rule may ask about a copy it made, which must not share the
    /// answers about another copy that once had the same address).
    fn owned_function(&self, function: &Function) -> Option<usize> {
        let own = self.function(crate::model::unqualified_function_arn(&function.arn))?;
        std::ptr::eq(own, function).then(|| address(function))
    }

    /// The cache key of a role: its address, when it is the account's own.
    fn owned_role(&self, role: &Role) -> Option<usize> {
        let own = self.role(&role.arn)?;
        std::ptr::eq(own, role).then(|| address(role))
    }

    /// The role with this ARN.
    fn role(&self, arn: &str) -> Option<&'a Role> {
        match self.index {
            Some(index) => index.roles.get(arn).copied(),
            None => self.account.roles.get(arn).map(|r| &**r),
        }
    }

    /// The function with this unqualified ARN.
    fn function(&self, arn: &str) -> Option<&'a Function> {
        match self.index {
            Some(index) => index.functions.get(arn).copied(),
            None => self.account.functions.get(arn).map(|f| &**f),
        }
    }

    /// A role's policies, its managed ones found through the index.
    fn role_policies(&self, role: &Role) -> PolicySet {
        match self.index {
            Some(index) => self
                .account
                .role_policies_with(role, |arn| index.managed.get(arn).copied()),
            None => self.account.role_policies(role),
        }
    }

    /// `compute`'s answer about `key`, from the shared cell when it holds
    /// the answer about `key` (or is empty, and then keeps it).
    fn cached<T: 'a, R>(
        &self,
        cell: impl Fn(&'a Shared<'a>) -> &'a Cached<T>,
        key: Option<usize>,
        compute: impl FnOnce() -> T,
        read: impl FnOnce(&T) -> R,
    ) -> R {
        match self.shared.map(cell).zip(key) {
            Some((cell, key)) => {
                let mut compute = Some(compute);
                let (at, value) = cell.get_or_init(|| {
                    let compute = compute.take().expect("called once");
                    (key, compute())
                });
                match compute {
                    // Filled now, or earlier for the same entity.
                    None => read(value),
                    Some(compute) if *at == key => {
                        drop(compute);
                        read(value)
                    }
                    Some(compute) => read(&compute()),
                }
            }
            None => read(&compute()),
        }
    }

    /// The principal a function's code runs as — its execution role's
    /// session named after the function — with the role's policies, or
    /// `None` when the role is not in the dump.
    pub fn execution_role(&self, function: &Function) -> Option<(Principal, PolicySet)> {
        self.with_execution_role(function, |subject| {
            subject.map(|s| (s.principal.clone(), s.policies.clone()))
        })
    }

    fn with_execution_role<R>(
        &self,
        function: &Function,
        read: impl FnOnce(Option<&Subject>) -> R,
    ) -> R {
        self.cached(
            |shared| &shared.execution_role,
            self.owned_function(function),
            || {
                let role_arn = function.role.as_deref()?;
                let role = self.role(role_arn)?;
                let session = format!(
                    "arn:aws:sts::{}:assumed-role/{}/{}",
                    role.account, role.name, function.name
                );
                let principal = Principal::parse(&session).ok()?;
                let context = Self::role_request_context(&principal, role);
                Some(Subject {
                    principal,
                    policies: self.role_policies(role),
                    context,
                })
            },
            |subject| read(subject.as_ref()),
        )
    }

    /// A role as a principal (standing for its sessions) with its policies.
    pub fn role_principal(&self, role: &crate::model::Role) -> Option<(Principal, PolicySet)> {
        let principal = Principal::parse(&role.arn).ok()?;
        Some((principal, self.account.principal_policies(&role.arn)))
    }

    /// Whether the role may do `access` (with the context AWS derives).
    pub fn role_allows(&self, role: &crate::model::Role, access: &RequiredAccess) -> bool {
        self.role_allows_each(role)(access)
    }

    /// [`Context::role_allows`] for many questions about one role: its
    /// principal and policies are looked up once (and once for every rule
    /// run on the role).
    pub fn role_allows_each<'s>(
        &'s self,
        role: &crate::model::Role,
    ) -> impl Fn(&RequiredAccess) -> bool + use<'s, 'a> {
        let key = self.owned_role(role);
        let compute = move || {
            let principal = Principal::parse(&role.arn).ok()?;
            Some(Subject {
                context: Self::role_request_context(&principal, role),
                policies: self.role_policies(role),
                principal,
            })
        };
        // The shared answer when there is one for this role; else this
        // closure's own.
        let shared: Option<&'s Option<Subject>> = self.shared.zip(key).and_then(|(shared, key)| {
            let (at, subject) = shared.role.get_or_init(|| (key, compute()));
            (*at == key).then_some(subject)
        });
        let own = if shared.is_none() { compute() } else { None };
        move |access| {
            let subject = match shared {
                Some(subject) => subject.as_ref(),
                None => own.as_ref(),
            };
            subject.is_some_and(|s| {
                self.ask_in(
                    &s.principal,
                    &s.context,
                    &s.policies,
                    access,
                    |request, policies| self.evaluator.decide(request, policies),
                ) == Decision::Allow
            })
        }
    }

    /// The functions whose execution role is `role_arn`.
    pub fn functions_using(&self, role_arn: &str) -> Vec<&'a Function> {
        let find = || match self.index {
            Some(index) => index
                .functions_by_role
                .get(role_arn)
                .cloned()
                .unwrap_or_default(),
            None => self.account.functions_using(role_arn),
        };
        let key = self.role(role_arn).map(address);
        self.cached(|shared| &shared.functions_using, key, find, Vec::clone)
    }

    /// Asks the resource policy `policy` whether `principal` may do `action`
    /// on `target`, with `context` (plus what AWS derives from the
    /// principal). The caller's own side is assumed to allow: the question
    /// is what the resource policy lets in.
    pub fn ask_resource_policy(
        &self,
        policy: PolicyId,
        principal: &str,
        action: &str,
        target: &str,
        context: &[(&str, &str)],
    ) -> Option<Response> {
        self.ask_resource_policy_with(policy, principal, action, target, context, |r, p| {
            self.evaluator.evaluate(r, p)
        })
    }

    /// Whether the resource policy `policy` lets `principal` do `action` on
    /// `target` ([`Context::ask_resource_policy`] without the explanation:
    /// the evaluator's allocation-free path). An unreadable principal is
    /// let in by nothing.
    pub fn resource_policy_allows(
        &self,
        policy: PolicyId,
        principal: &str,
        action: &str,
        target: &str,
        context: &[(&str, &str)],
    ) -> bool {
        !self
            .resource_policy_allowed(policy, principal, &[action], target, context)
            .is_empty()
    }

    /// The `actions` the resource policy `policy` lets `principal` do on
    /// `target` ([`Context::resource_policy_allows`] for many actions of
    /// one principal, whose request is built once).
    pub fn resource_policy_allowed<'x>(
        &self,
        policy: PolicyId,
        principal: &str,
        actions: &[&'x str],
        target: &str,
        context: &[(&str, &str)],
    ) -> Vec<&'x str> {
        let ask = |request: &Request<'_>, policies: &PolicySet| {
            actions
                .iter()
                .copied()
                .filter(|action| {
                    let request = Request { action, ..*request };
                    self.evaluator.decide(&request, policies) == Decision::Allow
                })
                .collect()
        };
        self.ask_resource_policy_with(policy, principal, "", target, context, ask)
            .unwrap_or_default()
    }

    fn ask_resource_policy_with<T>(
        &self,
        policy: PolicyId,
        principal: &str,
        action: &str,
        target: &str,
        context: &[(&str, &str)],
        answer: impl FnOnce(&Request<'_>, &PolicySet) -> T,
    ) -> Option<T> {
        let principal = Principal::parse(principal).ok()?;
        let mut request_context = principal_context(&principal);
        for (key, value) in context {
            request_context.insert(key, crate::eval::ContextValue::Single((*value).to_owned()));
        }
        let policies = PolicySet {
            identity: vec![allow_everything()],
            resource: vec![self.account.policy(policy).compiled.clone()],
            ..PolicySet::default()
        };
        let request = Request {
            principal: &principal,
            action,
            resource: target,
            resource_account: None,
            context: &request_context,
        };
        Some(answer(&request, &policies))
    }

    /// Asks whether `principal` may do `access` under `policies`, with the
    /// context AWS derives from the principal: the decision with its
    /// explanation.
    pub fn decide(
        &self,
        principal: &Principal,
        policies: &PolicySet,
        access: &RequiredAccess,
    ) -> Response {
        self.ask(principal, policies, access, |request, policies| {
            self.evaluator.evaluate(request, policies)
        })
    }

    /// [`Context::decide`] without the explanation (the evaluator's
    /// allocation-free path): for rules that only need the answer.
    pub fn decision(
        &self,
        principal: &Principal,
        policies: &PolicySet,
        access: &RequiredAccess,
    ) -> Decision {
        self.ask(principal, policies, access, |request, policies| {
            self.evaluator.decide(request, policies)
        })
    }

    /// Builds the request for `access` and the policy set with the governing
    /// resource policy, and hands both to `answer`.
    fn ask<T>(
        &self,
        principal: &Principal,
        policies: &PolicySet,
        access: &RequiredAccess,
        answer: impl FnOnce(&Request<'_>, &PolicySet) -> T,
    ) -> T {
        let context = self.request_context(principal);
        self.ask_in(principal, &context, policies, access, answer)
    }

    /// The context AWS derives from `principal`, with the role's ARN (and
    /// path) when the principal is a session of a role in the dump. The
    /// same for every question about one principal: build it once.
    fn request_context(&self, principal: &Principal) -> RequestContext {
        let mut context = principal_context(principal);
        // The execution role's ARN with its path, which the session ARN lacks.
        if let Some(role) = self
            .account
            .role_named(principal.account(), principal.name())
        {
            context.insert(
                "aws:PrincipalArn",
                crate::eval::ContextValue::Single(role.arn.clone()),
            );
        }
        context
    }

    /// [`Context::request_context`] for a principal that is `role` or one
    /// of its sessions, with the role at hand.
    fn role_request_context(principal: &Principal, role: &crate::model::Role) -> RequestContext {
        let mut context = principal_context(principal);
        context.insert(
            "aws:PrincipalArn",
            crate::eval::ContextValue::Single(role.arn.clone()),
        );
        context
    }

    /// [`Context::ask`] with the principal's context already built.
    fn ask_in<T>(
        &self,
        principal: &Principal,
        context: &RequestContext,
        policies: &PolicySet,
        access: &RequiredAccess,
        answer: impl FnOnce(&Request<'_>, &PolicySet) -> T,
    ) -> T {
        let request = Request {
            principal,
            action: &access.action,
            resource: &access.resource,
            resource_account: None,
            context,
        };
        let resource = self.resource_policies_for(principal, access);
        if resource.is_empty() {
            return answer(&request, policies);
        }
        let with_resource = PolicySet {
            resource,
            ..policies.clone()
        };
        answer(&request, &with_resource)
    }

    /// The resource-based policy that governs `access`: the dump's (a
    /// function policy, a role's trust policy), or — for KMS keys and roles
    /// the dump cannot show — AWS's default, which trusts the owning account
    /// and so lets that account's identity policies decide.
    fn resource_policies_for(
        &self,
        principal: &Principal,
        access: &RequiredAccess,
    ) -> Vec<Arc<CompiledPolicy>> {
        let ids = Account::resource_policy_ids_with(
            &access.resource,
            |arn| self.role(arn),
            |arn| self.function(arn),
        );
        if !ids.is_empty() {
            return self.compiled(&ids);
        }
        let Some(parts) = crate::arn::split(&access.resource) else {
            return Vec::new();
        };
        let action_starts_with = |prefix: &str| {
            access
                .action
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        };
        let trusted_account = if parts[2] == "kms" && action_starts_with("kms:") {
            parts[4]
        } else if parts[2] == "iam"
            && parts[5].starts_with("role/")
            && action_starts_with("sts:assumerole")
        {
            // A role outside the dump: assume it trusts the caller's account.
            principal.account()
        } else {
            return Vec::new();
        };
        if !crate::arn::is_account_id(trusted_account) {
            return Vec::new();
        }
        vec![crate::access::trusts_account(parts[1], trusted_account)]
    }

    /// The permissions in `required` that the function's execution role
    /// lacks; empty when it has them all or when the role is not in the dump.
    pub fn missing_access(&self, function: &Function, required: &[RequiredAccess]) -> Vec<Missing> {
        self.with_execution_role(function, |subject| {
            let Some(Subject {
                principal,
                policies,
                context,
            }) = subject
            else {
                return Vec::new();
            };
            let mut identity_ids: Option<Vec<PolicyId>> = None;
            required
                .iter()
                .filter_map(|access| {
                    // Most required access is granted: explain only what is not.
                    let decision = self.ask_in(principal, context, policies, access, |r, p| {
                        self.evaluator.decide(r, p)
                    });
                    if decision == Decision::Allow {
                        return None;
                    }
                    let response = self.ask_in(principal, context, policies, access, |r, p| {
                        self.evaluator.evaluate(r, p)
                    });
                    let identity_ids = identity_ids.get_or_insert_with(|| {
                        function
                            .role
                            .as_deref()
                            .map(|arn| self.account.identity_policy_ids(arn))
                            .unwrap_or_default()
                    });
                    let denied_by = response.deciding.first().map(|at| {
                        self.describe_statement(
                            at.policy.kind,
                            identity_ids,
                            at.policy.position,
                            at.statement,
                        )
                    });
                    Some(Missing {
                        access: access.clone(),
                        decision: response.decision,
                        denied_by,
                        response,
                    })
                })
                .collect()
        })
    }

    /// Whether an Allow statement for the action exists that failed only on
    /// its conditions (useful to explain a near miss).
    pub fn near_miss(response: &Response) -> bool {
        response
            .statements
            .iter()
            .any(|s| matches!(s.outcome, StatementOutcome::ConditionFailed { .. }))
    }

    fn describe_statement(
        &self,
        kind: PolicyKind,
        identity_ids: &[PolicyId],
        position: usize,
        statement: usize,
    ) -> String {
        match (kind, identity_ids.get(position)) {
            (PolicyKind::Identity, Some(id)) => {
                let record = self.account.policy(*id);
                let sid = record
                    .document
                    .as_deref()
                    .and_then(|d| d.statements.iter().find(|s| s.index == statement))
                    .and_then(|s| s.sid.clone());
                match sid {
                    Some(sid) => format!("{} (Sid `{sid}`)", describe_origin(&record.origin)),
                    None => format!(
                        "{} (statement {statement})",
                        describe_origin(&record.origin)
                    ),
                }
            }
            _ => format!("{kind} policy, statement {statement}"),
        }
    }

    /// Where `source` is in the input.
    pub fn location(&self, source: Option<&SourceRef>) -> Option<Location> {
        let source = source?;
        Location::of(
            self.account,
            source,
            crate::policy::DocumentEncoding::Object,
            "",
        )
    }

    /// Where an element of a policy document is (`inner` is a pointer inside
    /// the document, e.g. `/Statement/2`).
    pub fn policy_location(&self, policy: PolicyId, inner: &str) -> Option<Location> {
        let record = self.account.policy(policy);
        Location::of(
            self.account,
            record.source.as_ref()?,
            record.encoding,
            inner,
        )
    }

    /// The compiled policies of a set of ids.
    pub fn compiled(&self, ids: &[PolicyId]) -> Vec<Arc<CompiledPolicy>> {
        ids.iter()
            .map(|id| self.account.policy(*id).compiled.clone())
            .collect()
    }

    /// A string option of the rule, or a list of strings.
    pub fn option_strings(&self, key: &str) -> Vec<String> {
        match self.options.get(key) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `` `sqs:ReceiveMessage`, `sqs:DeleteMessage` `` — the missing actions,
/// with the deny that blocked any of them.
pub fn describe_missing(missing: &[Missing]) -> String {
    describe(missing, false)
}

/// Like [`describe_missing`], always naming the resources each action was
/// asked on (for messages that do not name the resource themselves).
pub fn describe_missing_on_resources(missing: &[Missing]) -> String {
    describe(missing, true)
}

fn describe(missing: &[Missing], always_name_resources: bool) -> String {
    let action = |m: &Missing| match &m.denied_by {
        Some(by) if m.decision == Decision::ExplicitDeny => {
            format!("`{}` (denied by {by})", m.access.action)
        }
        _ => format!("`{}`", m.access.action),
    };
    // Group by resource, in order of first appearance; name the resources
    // only when there are several.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for m in missing {
        let entry = action(m);
        match groups.iter_mut().find(|(r, _)| *r == m.access.resource) {
            Some((_, actions)) => {
                if !actions.contains(&entry) {
                    actions.push(entry);
                }
            }
            None => groups.push((&m.access.resource, vec![entry])),
        }
    }
    if groups.len() == 1 && !always_name_resources {
        return groups[0].1.join(", ");
    }
    groups
        .iter()
        .map(|(resource, actions)| format!("{} on `{resource}`", actions.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}
