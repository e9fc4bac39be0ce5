//! The decision procedure (iam-semantics §6.2), written once and run either
//! bare ([`NoTrace`], allocation-free) or recording every step ([`FullTrace`]).

use std::sync::Arc;

use crate::policy::Effect;

use super::compile::{CompiledPolicy, CompiledStatement, PolicyKind, PrincipalMatch};
use super::condition::ConditionOutcome;
use super::request::{PrincipalType, Request};
use super::response::{Decision, Note, PolicyRef, StatementOutcome, StatementRef, StatementTrace};
use super::{Evaluator, PolicySet};

/// Receives the steps of a decision. The bare tracer compiles away.
pub(crate) trait Tracer {
    fn statement(
        &mut self,
        policy: PolicyRef,
        statement: &CompiledStatement,
        outcome: StatementOutcome,
        matched: Option<PrincipalMatch>,
    );
    fn note(&mut self, note: Note);
    fn granted_by(&mut self, kind: PolicyKind);
}

/// Records nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn statement(
        &mut self,
        _: PolicyRef,
        _: &CompiledStatement,
        _: StatementOutcome,
        _: Option<PrincipalMatch>,
    ) {
    }
    #[inline(always)]
    fn note(&mut self, _: Note) {}
    #[inline(always)]
    fn granted_by(&mut self, _: PolicyKind) {}
}

/// Records every statement's outcome and the decision-level notes.
#[derive(Default)]
pub(crate) struct FullTrace {
    pub(crate) statements: Vec<StatementTrace>,
    pub(crate) notes: Vec<Note>,
    pub(crate) granting: Vec<PolicyKind>,
}

impl Tracer for FullTrace {
    fn statement(
        &mut self,
        policy: PolicyRef,
        statement: &CompiledStatement,
        outcome: StatementOutcome,
        matched: Option<PrincipalMatch>,
    ) {
        let condition = match outcome {
            StatementOutcome::ConditionFailed { condition, .. } => statement
                .conditions
                .get(condition)
                .map(|c| format!("{} {}", c.operator(), c.key())),
            _ => None,
        };
        self.statements.push(StatementTrace {
            at: StatementRef {
                policy,
                statement: statement.index,
            },
            effect: statement.effect,
            sid: statement.sid.as_deref().map(str::to_owned),
            pointer: statement.pointer.to_string(),
            outcome,
            principal_match: matched,
            condition,
        });
    }
    fn note(&mut self, note: Note) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
    fn granted_by(&mut self, kind: PolicyKind) {
        if !self.granting.contains(&kind) {
            self.granting.push(kind);
        }
    }
}

/// What one group of policies said about the request.
#[derive(Clone, Copy, Default)]
struct Scan {
    deny: bool,
    allow: bool,
    /// Resource policies: Allow statements that matched the principal
    /// directly, with no boundary or session policy limiting them.
    unlimited_grant: bool,
    /// …matched it through its role ARN (limited by boundary and session policy).
    role_grant: bool,
    /// …matched only its account (delegates to identity policies).
    account_grant: bool,
}

impl Scan {
    fn any_grant(&self) -> bool {
        self.unlimited_grant || self.role_grant || self.account_grant
    }
}

/// Whether one statement applies to the request, and if not, why.
pub(crate) fn statement_outcome(
    statement: &CompiledStatement,
    request: &Request<'_>,
    has_boundary: bool,
) -> (StatementOutcome, Option<PrincipalMatch>) {
    let patterns = statement.patterns();
    let action_listed = patterns
        .actions
        .patterns
        .iter()
        .any(|g| g.is_match(request.action));
    if action_listed == patterns.actions.negated {
        return (StatementOutcome::ActionMismatch, None);
    }
    if let Some(resources) = &patterns.resources {
        let listed = resources
            .patterns
            .iter()
            .any(|p| p.matches(request.resource, request.context));
        if listed == resources.negated {
            return (StatementOutcome::ResourceMismatch, None);
        }
    }
    let matched = match &statement.principal {
        Some(principal) => {
            match principal.applies(request.principal, has_boundary, statement.effect) {
                Some(m) => Some(m),
                None => return (StatementOutcome::PrincipalMismatch, None),
            }
        }
        None => None,
    };
    for (i, condition) in statement.conditions.iter().enumerate() {
        match condition.evaluate(request.context) {
            ConditionOutcome::Holds => {}
            ConditionOutcome::Fails => {
                return (
                    StatementOutcome::ConditionFailed {
                        condition: i,
                        missing_key: false,
                    },
                    matched,
                )
            }
            ConditionOutcome::FailsMissingKey => {
                return (
                    StatementOutcome::ConditionFailed {
                        condition: i,
                        missing_key: true,
                    },
                    matched,
                )
            }
        }
    }
    (StatementOutcome::Applies, matched)
}

fn scan<T: Tracer>(
    policies: &[Arc<CompiledPolicy>],
    kind: PolicyKind,
    level: usize,
    request: &Request<'_>,
    has_boundary: bool,
    tracer: &mut T,
) -> Scan {
    let mut result = Scan::default();
    for (position, policy) in policies.iter().enumerate() {
        let at = PolicyRef {
            kind,
            level,
            position,
        };
        for statement in policy.statements() {
            let (outcome, matched) = statement_outcome(statement, request, has_boundary);
            tracer.statement(at, statement, outcome, matched);
            if outcome != StatementOutcome::Applies {
                continue;
            }
            match statement.effect {
                Effect::Deny => result.deny = true,
                Effect::Allow => {
                    result.allow = true;
                    match matched {
                        Some(PrincipalMatch::Account) => result.account_grant = true,
                        Some(PrincipalMatch::Role) => result.role_grant = true,
                        Some(_) => result.unlimited_grant = true,
                        None => {}
                    }
                }
            }
        }
    }
    result
}

/// Actions whose resource policy must name the caller even in the same
/// account: role trust policies (`sts:AssumeRole*` and the session-tagging
/// actions checked with them) and KMS key policies.
fn resource_policy_must_name_caller(action: &str) -> bool {
    let lower_starts = |prefix: &str| {
        action.len() >= prefix.len()
            && action.is_char_boundary(prefix.len())
            && action[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    lower_starts("sts:AssumeRole")
        || lower_starts("sts:TagSession")
        || lower_starts("sts:SetSourceIdentity")
        || lower_starts("sts:SetContext")
        || lower_starts("kms:")
}

pub(crate) fn run<T: Tracer>(
    evaluator: &Evaluator,
    request: &Request<'_>,
    set: &PolicySet,
    tracer: &mut T,
) -> Decision {
    let principal = request.principal;
    let kind = principal.kind();
    let iam = principal.is_iam_identity();
    let has_identity_policies = iam && kind != PrincipalType::Root;
    let has_boundary = has_identity_policies && !set.boundary.is_empty();
    let session_applies = matches!(
        kind,
        PrincipalType::Role | PrincipalType::AssumedRole | PrincipalType::FederatedUser
    );
    let scp_applies = iam && !principal.is_service_linked_role() && !set.scp.is_empty();
    let rcp_applies = !set.rcp.is_empty() && evaluator.rcp_applies(request.action);

    // 1. Gather what every applicable policy says.
    let none = Scan::default();
    let identity = if has_identity_policies {
        scan(
            &set.identity,
            PolicyKind::Identity,
            0,
            request,
            has_boundary,
            tracer,
        )
    } else {
        none
    };
    let boundary = if has_boundary {
        scan(
            &set.boundary,
            PolicyKind::Boundary,
            0,
            request,
            has_boundary,
            tracer,
        )
    } else {
        none
    };
    let session = if session_applies {
        scan(
            &set.session,
            PolicyKind::Session,
            0,
            request,
            has_boundary,
            tracer,
        )
    } else {
        none
    };
    let resource = scan(
        &set.resource,
        PolicyKind::Resource,
        0,
        request,
        has_boundary,
        tracer,
    );
    let mut explicit_deny = identity.deny || boundary.deny || session.deny || resource.deny;
    let mut scp_gap = None;
    if scp_applies {
        for (level, policies) in set.scp.iter().enumerate() {
            let s = scan(
                policies,
                PolicyKind::Scp,
                level,
                request,
                has_boundary,
                tracer,
            );
            explicit_deny |= s.deny;
            if !s.allow && scp_gap.is_none() {
                scp_gap = Some(level);
            }
        }
    }
    if rcp_applies {
        for (level, policies) in set.rcp.iter().enumerate() {
            explicit_deny |= scan(
                policies,
                PolicyKind::Rcp,
                level,
                request,
                has_boundary,
                tracer,
            )
            .deny;
        }
    }
    if !has_identity_policies
        && (!set.identity.is_empty() || !set.boundary.is_empty() || !set.session.is_empty())
        && kind != PrincipalType::Root
    {
        tracer.note(Note::IdentityPoliciesIgnored);
    }

    // 2. An explicit deny anywhere wins.
    if explicit_deny {
        return Decision::ExplicitDeny;
    }
    // 3. Every SCP level must allow.
    if let Some(level) = scp_gap {
        tracer.note(Note::ScpLevelDoesNotAllow { level });
        return Decision::ImplicitDeny;
    }
    // 4. Services, providers and anonymous callers: the resource policy alone.
    if !iam {
        if resource.allow {
            tracer.granted_by(PolicyKind::Resource);
            return Decision::Allow;
        }
        tracer.note(Note::ResourcePolicyDoesNotAllow);
        return Decision::ImplicitDeny;
    }

    // The limiting policies.
    let identity_allow = kind == PrincipalType::Root || identity.allow;
    let boundary_ok = !has_boundary || boundary.allow;
    let session_ok = match (session_applies, set.session.is_empty()) {
        (false, _) => true,
        // A GetFederationToken session without a session policy has no permissions.
        (true, true) => kind != PrincipalType::FederatedUser,
        (true, false) => session.allow,
    };
    let must_name_caller = resource_policy_must_name_caller(request.action);
    let caller_side = identity_allow && boundary_ok && session_ok;
    let same_account = principal.account() == request.resource_account();

    let note_caller_side = |tracer: &mut T| {
        if !identity_allow {
            tracer.note(Note::NoIdentityAllow);
        }
        if !boundary_ok {
            tracer.note(Note::BoundaryDoesNotAllow);
        }
        if !session_ok {
            tracer.note(if set.session.is_empty() {
                Note::FederatedSessionWithoutSessionPolicy
            } else {
                Note::SessionPolicyDoesNotAllow
            });
        }
    };

    if same_account {
        // 5. Same account: the identity path OR a direct resource-policy grant.
        let identity_path = caller_side && (!must_name_caller || resource.any_grant());
        let limited_grant = resource.role_grant && boundary_ok && session_ok;
        let resource_path = resource.unlimited_grant || limited_grant;
        if identity_path {
            tracer.granted_by(PolicyKind::Identity);
        }
        if resource_path {
            tracer.granted_by(PolicyKind::Resource);
        }
        if identity_path || resource_path {
            return Decision::Allow;
        }
        if caller_side && must_name_caller {
            tracer.note(Note::ResourcePolicyMustNameCaller);
        }
        if resource.account_grant && !identity_allow {
            tracer.note(Note::AccountGrantNeedsIdentityAllow);
        }
        note_caller_side(tracer);
        return Decision::ImplicitDeny;
    }

    // 6. Cross account: both sides must allow.
    let resource_side = resource.any_grant();
    if caller_side && resource_side {
        tracer.granted_by(PolicyKind::Identity);
        tracer.granted_by(PolicyKind::Resource);
        return Decision::Allow;
    }
    if !resource_side {
        tracer.note(Note::CrossAccountResourcePolicyDoesNotAllow);
    }
    if !caller_side {
        tracer.note(Note::CrossAccountCallerDoesNotAllow);
        note_caller_side(tracer);
    }
    Decision::ImplicitDeny
}
