//! The IAM policy evaluator.
//!
//! Given a [`Request`] and the [`PolicySet`] that governs it, decide `Allow`,
//! `ExplicitDeny` or `ImplicitDeny` exactly as AWS does (the contract is
//! `iam-semantics.md`). Like Cedar's authorizer, [`Evaluator::evaluate`]
//! returns the decision together with the statements that decided it, why
//! every other statement did not apply, and the errors of the policies
//! involved. [`Evaluator::decide`] returns the decision alone and allocates
//! nothing: policies are compiled once ([`CompiledPolicy`]) and reused.

pub mod case;
mod compile;
mod condition;
mod decide;
mod pattern;
pub mod reference;
mod request;
mod response;

use std::sync::Arc;

pub use compile::{CompiledPolicy, CompiledStatement, PolicyKind, PrincipalMatch};
pub use condition::{
    parse_bool, parse_cidr, parse_date, parse_number, CompiledCondition, ConditionOutcome,
};
pub use pattern::{TextPattern, Variable};
pub use request::{
    ContextValue, Principal, PrincipalError, PrincipalType, Request, RequestContext,
};
pub use response::{
    Decision, Note, PolicyRef, Response, StatementOutcome, StatementRef, StatementTrace,
};

/// Every policy that can take part in one decision.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// The principal's identity policies (user, role, and the user's groups).
    pub identity: Vec<Arc<CompiledPolicy>>,
    /// The resource-based policy of the target; several documents act as one.
    pub resource: Vec<Arc<CompiledPolicy>>,
    /// The principal's permissions boundary (several documents act as one).
    pub boundary: Vec<Arc<CompiledPolicy>>,
    /// The session policy (role and federated-user sessions only).
    pub session: Vec<Arc<CompiledPolicy>>,
    /// SCPs of the principal's organisation, one list per level (root, OUs,
    /// account); every level must allow. Empty: no SCPs apply.
    pub scp: Vec<Vec<Arc<CompiledPolicy>>>,
    /// RCPs of the resource's organisation, one list per level; each level
    /// carries AWS's implicit full-access allow, so only their denies count.
    pub rcp: Vec<Vec<Arc<CompiledPolicy>>>,
}

impl PolicySet {
    /// The policy a [`PolicyRef`] names.
    pub fn get(&self, at: PolicyRef) -> Option<&CompiledPolicy> {
        let list = match at.kind {
            PolicyKind::Identity => &self.identity,
            PolicyKind::Resource => &self.resource,
            PolicyKind::Boundary => &self.boundary,
            PolicyKind::Session => &self.session,
            PolicyKind::Scp => self.scp.get(at.level)?,
            PolicyKind::Rcp => self.rcp.get(at.level)?,
        };
        list.get(at.position).map(|p| &**p)
    }

    /// Every policy with where it sits, in evaluation order.
    pub fn policies(&self) -> impl Iterator<Item = (PolicyRef, &CompiledPolicy)> {
        fn flat(
            kind: PolicyKind,
            level: usize,
            list: &[Arc<CompiledPolicy>],
        ) -> impl Iterator<Item = (PolicyRef, &CompiledPolicy)> {
            list.iter().enumerate().map(move |(position, p)| {
                (
                    PolicyRef {
                        kind,
                        level,
                        position,
                    },
                    &**p,
                )
            })
        }
        flat(PolicyKind::Identity, 0, &self.identity)
            .chain(flat(PolicyKind::Resource, 0, &self.resource))
            .chain(flat(PolicyKind::Boundary, 0, &self.boundary))
            .chain(flat(PolicyKind::Session, 0, &self.session))
            .chain(
                self.scp
                    .iter()
                    .enumerate()
                    .flat_map(|(level, l)| flat(PolicyKind::Scp, level, l)),
            )
            .chain(
                self.rcp
                    .iter()
                    .enumerate()
                    .flat_map(|(level, l)| flat(PolicyKind::Rcp, level, l)),
            )
    }
}

/// The evaluator. It holds the few facts about AWS that are not in the
/// policies themselves.
#[derive(Clone, Debug)]
pub struct Evaluator {
    rcp_services: Vec<String>,
}

/// Services whose resources RCPs govern (AWS adds to this list over time).
pub const DEFAULT_RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-idp",
    "logs",
    "dynamodb",
];

impl Default for Evaluator {
    fn default() -> Self {
        Evaluator {
            rcp_services: DEFAULT_RCP_SERVICES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }
}

impl Evaluator {
    /// An evaluator with the default list of RCP-governed services.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the list of services whose resources RCPs govern.
    pub fn with_rcp_services(mut self, services: impl IntoIterator<Item = String>) -> Self {
        self.rcp_services = services.into_iter().collect();
        self
    }

    /// The decision alone. Allocates nothing.
    pub fn decide(&self, request: &Request<'_>, policies: &PolicySet) -> Decision {
        decide::run(self, request, policies, &mut decide::NoTrace)
    }

    /// The decision with its explanation: the statements that decided it,
    /// what every other statement lacked, and the policies' errors.
    pub fn evaluate(&self, request: &Request<'_>, policies: &PolicySet) -> Response {
        let mut trace = decide::FullTrace::default();
        let decision = decide::run(self, request, policies, &mut trace);
        Response::build(decision, trace, policies)
    }

    pub(crate) fn rcp_applies(&self, action: &str) -> bool {
        let service = action.split(':').next().unwrap_or_default();
        self.rcp_services
            .iter()
            .any(|s| s.eq_ignore_ascii_case(service))
    }
}

#[cfg(test)]
mod tests;
