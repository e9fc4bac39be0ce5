//! What the evaluator answers: the decision, the statements that decided it,
//! why the others did not apply, and the errors met on the way.

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::policy::Effect;

use super::compile::{PolicyKind, PrincipalMatch};
use super::decide::FullTrace;
use super::PolicySet;

/// The outcome of an authorisation request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some policy allows and nothing denies.
    Allow,
    /// A `Deny` statement matches; nothing can override it.
    ExplicitDeny,
    /// Nothing allows (or a limiting policy — boundary, session policy, SCP — does not).
    ImplicitDeny,
}

impl Decision {
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a policy sits in a [`PolicySet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyRef {
    /// Its role.
    pub kind: PolicyKind,
    /// The organisation level, for SCPs and RCPs (0 otherwise).
    pub level: usize,
    /// Position in its list.
    pub position: usize,
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PolicyKind::Scp | PolicyKind::Rcp => {
                write!(f, "{}[{}][{}]", self.kind, self.level, self.position)
            }
            _ => write!(f, "{}[{}]", self.kind, self.position),
        }
    }
}

/// One statement of one policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    /// The policy.
    pub policy: PolicyRef,
    /// The statement's index in its document.
    pub statement: usize,
}

/// Why a statement did or did not apply to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementOutcome {
    /// Action, resource, principal and every condition matched.
    Applies,
    /// The action is not covered (`Action`), or is excluded (`NotAction`).
    ActionMismatch,
    /// The resource is not covered (`Resource`), or is excluded (`NotResource`).
    ResourceMismatch,
    /// The principal is not named (`Principal`), or is listed (`NotPrincipal`).
    PrincipalMismatch,
    /// The condition at this index of the statement's conditions failed.
    ConditionFailed {
        /// Index into the statement's conditions.
        condition: usize,
        /// The key was absent from the request.
        missing_key: bool,
    },
}

/// The outcome of one statement, for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementTrace {
    /// Which statement.
    pub at: StatementRef,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// The `Sid`, if any.
    pub sid: Option<String>,
    /// The statement's JSON pointer in its document.
    pub pointer: String,
    /// Whether it applied, and if not why.
    pub outcome: StatementOutcome,
    /// For resource-based policies: how the principal matched.
    pub principal_match: Option<PrincipalMatch>,
    /// For a failed condition: `Operator key` as written.
    pub condition: Option<String>,
}

/// A decision-level fact that explains an implicit deny (or an allow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// An SCP level has no Allow statement that applies.
    ScpLevelDoesNotAllow {
        /// 0-based level (root first).
        level: usize,
    },
    /// Service principals and anonymous callers are only let in by the
    /// resource policy, and it does not.
    ResourcePolicyDoesNotAllow,
    /// No identity policy allows the request.
    NoIdentityAllow,
    /// The permissions boundary does not allow the request.
    BoundaryDoesNotAllow,
    /// The session policy does not allow the request.
    SessionPolicyDoesNotAllow,
    /// A federated-user session without a session policy has no permissions
    /// of its own.
    FederatedSessionWithoutSessionPolicy,
    /// Role trust policies and KMS key policies must name the caller or its
    /// account, even in the same account.
    ResourcePolicyMustNameCaller,
    /// Cross account: the resource policy does not allow the caller.
    CrossAccountResourcePolicyDoesNotAllow,
    /// Cross account: the caller's own account does not allow the request.
    CrossAccountCallerDoesNotAllow,
    /// The resource policy names the caller's account: the account's identity
    /// policies must allow the request.
    AccountGrantNeedsIdentityAllow,
    /// Identity/boundary/session policies were given for a principal that has none.
    IdentityPoliciesIgnored,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::ScpLevelDoesNotAllow { level } => write!(f, "no SCP at organisation level {level} allows the action"),
            Note::ResourcePolicyDoesNotAllow => f.write_str("the caller has no identity policies, and the resource policy does not allow it"),
            Note::NoIdentityAllow => f.write_str("no identity policy allows the request"),
            Note::BoundaryDoesNotAllow => f.write_str("the permissions boundary does not allow the request"),
            Note::SessionPolicyDoesNotAllow => f.write_str("the session policy does not allow the request"),
            Note::FederatedSessionWithoutSessionPolicy => f.write_str("a federated-user session has no permissions without a session policy"),
            Note::ResourcePolicyMustNameCaller => f.write_str("a role trust policy or key policy must allow the caller or its account, even in the same account"),
            Note::CrossAccountResourcePolicyDoesNotAllow => f.write_str("cross-account request: the resource policy does not allow the caller"),
            Note::CrossAccountCallerDoesNotAllow => f.write_str("cross-account request: the caller's own policies do not allow it"),
            Note::AccountGrantNeedsIdentityAllow => f.write_str("the resource policy trusts the caller's account, which still needs an identity policy that allows"),
            Note::IdentityPoliciesIgnored => f.write_str("identity, boundary and session policies do not apply to service principals and anonymous callers"),
        }
    }
}

/// The evaluator's full answer.
#[derive(Clone, Debug)]
pub struct Response {
    /// The decision.
    pub decision: Decision,
    /// The statements that decided it: every matching Deny for an explicit
    /// deny; the Allow statements that granted for an allow.
    pub deciding: Vec<StatementRef>,
    /// Every statement considered, with its outcome.
    pub statements: Vec<StatementTrace>,
    /// Decision-level explanations.
    pub notes: Vec<Note>,
    /// Errors and warnings of the policies involved (a statement with an
    /// error grants and denies nothing).
    pub errors: Vec<(PolicyRef, Diagnostic)>,
}

impl Response {
    pub(crate) fn build(decision: Decision, trace: FullTrace, policies: &PolicySet) -> Response {
        let deciding = trace
            .statements
            .iter()
            .filter(|s| s.outcome == StatementOutcome::Applies)
            .filter(|s| match decision {
                Decision::ExplicitDeny => s.effect == Effect::Deny,
                Decision::Allow => {
                    s.effect == Effect::Allow && trace.granting.contains(&s.at.policy.kind)
                }
                Decision::ImplicitDeny => false,
            })
            .map(|s| s.at)
            .collect();
        let errors = policies
            .policies()
            .flat_map(|(at, p)| p.diagnostics().iter().map(move |d| (at, d.clone())))
            .collect();
        Response {
            decision,
            deciding,
            statements: trace.statements,
            notes: trace.notes,
            errors,
        }
    }
}
