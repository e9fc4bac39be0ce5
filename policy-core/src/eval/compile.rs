//! Policies compiled for evaluation: every pattern, CIDR, date and number is
//! read once, so that evaluating a request allocates nothing. (A shared
//! document's action and resource patterns are read on the statement's
//! first evaluation, not here: see [`StatementPatterns`].)

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::arn::{self, Arn};
use crate::diagnostic::Diagnostic;
use crate::glob::{Case, Glob};
use crate::policy::{
    Effect, ParsedPolicy, PolicyDocument, PolicyVersion, PrincipalElement, PrincipalKind,
    Principals, Statement,
};

use super::condition::CompiledCondition;
use super::pattern::TextPattern;
use super::request::{Principal, PrincipalType};

/// Which role a policy plays in a decision. It decides what the policy may
/// contain (a `Principal` only in resource-based policies) and how its
/// statements count.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum PolicyKind {
    /// An identity policy of the user, role or group (inline or managed).
    Identity,
    /// A resource-based policy: a Lambda function policy, a role's trust
    /// policy, a bucket, queue or key policy.
    Resource,
    /// A permissions boundary.
    Boundary,
    /// A session policy passed when the session was created.
    Session,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl PolicyKind {
    /// Whether statements must name a `Principal`.
    pub fn is_resource_based(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Rcp)
    }

    /// Lower-case name used in explanations and JSON.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    /// [`PolicyKind::name`] with its article, for messages: `an identity`.
    pub fn with_article(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an identity",
            PolicyKind::Resource => "a resource",
            PolicyKind::Boundary => "a boundary",
            PolicyKind::Session => "a session",
            PolicyKind::Scp => "an scp",
            PolicyKind::Rcp => "an rcp",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A policy ready for evaluation.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    kind: PolicyKind,
    statements: Box<[CompiledStatement]>,
    diagnostics: Vec<Diagnostic>,
    rejected: bool,
}

/// A statement ready for evaluation.
#[derive(Clone, Debug)]
pub struct CompiledStatement {
    pub(crate) index: usize,
    pub(crate) sid: Option<Box<str>>,
    pub(crate) pointer: Box<str>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<CompiledPrincipal>,
    /// Its action and resource patterns, built when first matched
    /// ([`CompiledStatement::patterns`]).
    pub(crate) patterns: OnceLock<StatementPatterns>,
    /// What `patterns` is built from, when it was not built at once: the
    /// document and the statement's position among its statements.
    source: Option<(Arc<PolicyDocument>, usize)>,
    pub(crate) conditions: Box<[CompiledCondition]>,
}

/// A statement's action and resource patterns. Most documents a linter
/// reads are never evaluated, and building their patterns (a glob for every
/// action, a pattern for every resource) was a good part of reading them:
/// a document compiled from a shared copy ([`CompiledPolicy::from_shared`])
/// builds each statement's when it is first matched. They can produce no
/// diagnostic, so nothing is reported later than it would have been.
#[derive(Clone, Debug)]
pub(crate) struct StatementPatterns {
    pub(crate) actions: PatternList<Glob>,
    /// `None`: no Resource element (trust policies): the attached resource.
    pub(crate) resources: Option<PatternList<TextPattern>>,
}

impl StatementPatterns {
    fn build(statement: &Statement, variables: bool) -> StatementPatterns {
        StatementPatterns {
            actions: PatternList {
                negated: statement.action.negated,
                patterns: statement
                    .action
                    .values
                    .iter()
                    .map(|a| Glob::new(a, Case::AsciiInsensitive))
                    .collect(),
            },
            resources: statement.resource.as_ref().map(|r| PatternList {
                negated: r.negated,
                patterns: r
                    .values
                    .iter()
                    .map(|v| TextPattern::resource(v, variables))
                    .collect(),
            }),
        }
    }

    /// Patterns that match no action: what a statement whose source is gone
    /// would be (it never is), so that it grants and denies nothing.
    fn matching_nothing() -> StatementPatterns {
        StatementPatterns {
            actions: PatternList {
                negated: false,
                patterns: Box::new([]),
            },
            resources: None,
        }
    }
}

/// A list of patterns, possibly negated (`NotAction`, `NotResource`).
#[derive(Clone, Debug)]
pub(crate) struct PatternList<P> {
    pub(crate) negated: bool,
    pub(crate) patterns: Box<[P]>,
}

/// A compiled `Principal` / `NotPrincipal`.
#[derive(Clone, Debug)]
pub(crate) struct CompiledPrincipal {
    pub(crate) negated: bool,
    pub(crate) patterns: Box<[PrincipalPattern]>,
}

/// One principal named in a resource-based policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalPattern {
    /// `"*"` or `{"AWS": "*"}`.
    Everyone,
    /// An account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account {
        partition: Option<Box<str>>,
        account: Box<str>,
    },
    /// An IAM user ARN.
    User(Box<str>),
    /// A role ARN: matches the role and every session of it.
    Role {
        partition: Box<str>,
        account: Box<str>,
        name: Box<str>,
    },
    /// One assumed-role session ARN.
    Session(Box<str>),
    /// A federated-user session ARN.
    FederatedUser(Box<str>),
    /// An AWS service principal.
    Service(Box<str>),
    /// A web-identity or SAML provider.
    Federated(Box<str>),
    /// An S3 canonical user id (never an IAM caller).
    CanonicalUser,
    /// A unique id (`AROA…`) left behind by a deleted role or user: matches nobody.
    UniqueId,
}

/// How a resource-policy statement's principal matched the caller; this
/// decides whether permissions boundaries and session policies limit the
/// grant (iam-semantics §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalMatch {
    /// `"*"`.
    Everyone,
    /// The caller's account: it only delegates to the account's identity policies.
    Account,
    /// The exact IAM user.
    User,
    /// The role the caller's session belongs to.
    Role,
    /// The exact role session.
    Session,
    /// The exact federated-user session.
    FederatedUser,
    /// The service principal.
    Service,
    /// The web-identity or SAML provider.
    Federated,
}

impl CompiledPolicy {
    /// Compiles a parsed document for the given role, adding a diagnostic for
    /// every statement that is not valid there (it is then left out).
    pub fn compile(document: &PolicyDocument, kind: PolicyKind) -> CompiledPolicy {
        CompiledPolicy::compile_from(document, None, kind)
    }

    /// [`CompiledPolicy::compile`] of a shared document, whose statements'
    /// action and resource patterns are built when they are first matched
    /// ([`StatementPatterns`]).
    fn compile_shared(document: &Arc<PolicyDocument>, kind: PolicyKind) -> CompiledPolicy {
        CompiledPolicy::compile_from(document, Some(document), kind)
    }

    fn compile_from(
        document: &PolicyDocument,
        shared: Option<&Arc<PolicyDocument>>,
        kind: PolicyKind,
    ) -> CompiledPolicy {
        let variables = document.version == PolicyVersion::V2012_10_17;
        let mut diagnostics = Vec::new();
        let statements = document
            .statements
            .iter()
            .enumerate()
            .filter_map(|(position, s)| {
                let source = shared.map(|document| (Arc::clone(document), position));
                compile_statement(s, source, kind, variables, &mut diagnostics)
            })
            .collect();
        CompiledPolicy {
            kind,
            statements,
            diagnostics,
            rejected: false,
        }
    }

    /// Parses and compiles a document. A document that cannot be used at all
    /// becomes an empty policy carrying its diagnostics.
    pub fn from_value(value: &Value, kind: PolicyKind) -> CompiledPolicy {
        match PolicyDocument::from_value(value) {
            Ok(parsed) => CompiledPolicy::from_parsed(&parsed, kind),
            Err(invalid) => CompiledPolicy::rejected(kind, invalid.diagnostics),
        }
    }

    /// Compiles a parsed document, keeping the parser's diagnostics with the
    /// compiler's (in document order).
    pub fn from_parsed(parsed: &ParsedPolicy, kind: PolicyKind) -> CompiledPolicy {
        let policy = CompiledPolicy::compile(&parsed.document, kind);
        policy.with_parse_diagnostics(parsed.diagnostics.clone())
    }

    /// [`CompiledPolicy::from_parsed`] of a document kept shared (as the
    /// model keeps every document it reads): each statement's patterns are
    /// built when first matched ([`StatementPatterns`]).
    pub fn from_shared(
        document: &Arc<PolicyDocument>,
        parse_diagnostics: Vec<Diagnostic>,
        kind: PolicyKind,
    ) -> CompiledPolicy {
        CompiledPolicy::compile_shared(document, kind).with_parse_diagnostics(parse_diagnostics)
    }

    /// The parser's diagnostics with the compiler's, in document order.
    fn with_parse_diagnostics(mut self, mut diagnostics: Vec<Diagnostic>) -> CompiledPolicy {
        diagnostics.append(&mut self.diagnostics);
        diagnostics.sort_by(|a, b| pointer_order(&a.pointer, &b.pointer));
        self.diagnostics = diagnostics;
        self
    }

    /// An empty policy standing for a document that could not be used.
    pub fn rejected(kind: PolicyKind, diagnostics: Vec<Diagnostic>) -> CompiledPolicy {
        CompiledPolicy {
            kind,
            statements: Box::new([]),
            diagnostics,
            rejected: true,
        }
    }

    /// The policy's role.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// Problems found while reading and compiling the policy.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether the whole document was unusable.
    pub fn is_rejected(&self) -> bool {
        self.rejected
    }

    /// The usable statements.
    pub fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }
}

impl CompiledStatement {
    /// Position in the document.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The `Sid`, if any.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    /// JSON pointer of the statement.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }
    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// The compiled conditions.
    pub fn conditions(&self) -> &[CompiledCondition] {
        &self.conditions
    }

    /// Its action and resource patterns, built the first time they are
    /// asked for when they were not at compile time.
    pub(crate) fn patterns(&self) -> &StatementPatterns {
        self.patterns.get_or_init(|| match &self.source {
            Some((document, position)) => match document.statements.get(*position) {
                Some(statement) => StatementPatterns::build(
                    statement,
                    document.version == PolicyVersion::V2012_10_17,
                ),
                None => StatementPatterns::matching_nothing(),
            },
            None => StatementPatterns::matching_nothing(),
        })
    }

    /// Whether the statement applies to `request` (action, resource,
    /// principal and every condition match). `has_boundary` says whether the
    /// caller has a permissions boundary, which matters for `NotPrincipal`.
    pub fn applies(&self, request: &super::Request<'_>, has_boundary: bool) -> bool {
        super::decide::statement_outcome(self, request, has_boundary).0
            == super::StatementOutcome::Applies
    }
}

/// Orders JSON pointers by document position (numeric array indices).
fn pointer_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |p: &str| -> Vec<(u64, String)> {
        p.split('/')
            .map(|t| match t.parse::<u64>() {
                Ok(n) => (n, String::new()),
                Err(_) => (u64::MAX, t.to_owned()),
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

fn compile_statement(
    statement: &Statement,
    source: Option<(Arc<PolicyDocument>, usize)>,
    kind: PolicyKind,
    variables: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledStatement> {
    let errors_before = diagnostics.iter().filter(|d| d.is_error()).count();
    let principal = match (&statement.principal, kind.is_resource_based()) {
        (Some(element), true) => compile_principal(element, statement.effect, diagnostics),
        (None, true) => {
            diagnostics.push(
                Diagnostic::error(
                    statement.pointer.clone(),
                    "a statement of a resource-based policy must name a `Principal` or `NotPrincipal`",
                )
                .with_help("add `\"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}` or the service that calls"),
            );
            None
        }
        (Some(element), false) => {
            let name = if element.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            diagnostics.push(
                Diagnostic::error(
                    element.pointer.clone(),
                    format!("`{name}` is not allowed in {} policy", kind.with_article()),
                )
                .with_help(format!(
                    "remove `{name}`: {} policy applies to the identity it is attached to",
                    kind.with_article()
                )),
            );
            None
        }
        (None, false) => None,
    };
    if statement.resource.is_none() && !kind.is_resource_based() {
        diagnostics.push(
            Diagnostic::error(
                statement.pointer.clone(),
                format!(
                    "a statement of {} policy needs `Resource` or `NotResource`",
                    kind.with_article()
                ),
            )
            .with_help("add `\"Resource\": \"*\"` or the ARNs it is about"),
        );
    }
    // Built now unless they can be built from a shared document later.
    let patterns = match source {
        Some(_) => OnceLock::new(),
        None => OnceLock::from(StatementPatterns::build(statement, variables)),
    };
    let conditions = statement
        .conditions
        .iter()
        .map(|c| CompiledCondition::compile(c, variables, diagnostics))
        .collect();
    let errors_after = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(CompiledStatement {
        index: statement.index,
        sid: statement.sid.as_deref().map(Into::into),
        pointer: statement.pointer.as_str().into(),
        effect: statement.effect,
        principal,
        patterns,
        source,
        conditions,
    })
}

fn compile_principal(
    element: &PrincipalElement,
    effect: Effect,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledPrincipal> {
    if element.negated && effect == Effect::Allow {
        diagnostics.push(
            Diagnostic::warning(
                element.pointer.clone(),
                "`NotPrincipal` with `Allow` grants access to every principal not listed",
            )
            .with_help("AWS supports `NotPrincipal` only with `Deny`; name the principals with `Principal` instead"),
        );
    }
    let patterns = match &element.principals {
        Principals::Everyone => vec![PrincipalPattern::Everyone],
        Principals::Entries(entries) => {
            let mut patterns = Vec::with_capacity(entries.len());
            for entry in entries {
                let pattern = match entry.kind {
                    PrincipalKind::Aws => aws_principal(&entry.value),
                    PrincipalKind::Service => {
                        Ok(PrincipalPattern::Service(entry.value.as_str().into()))
                    }
                    PrincipalKind::Federated => {
                        Ok(PrincipalPattern::Federated(entry.value.as_str().into()))
                    }
                    PrincipalKind::CanonicalUser => Ok(PrincipalPattern::CanonicalUser),
                };
                match pattern {
                    Ok(PrincipalPattern::UniqueId) => {
                        diagnostics.push(
                            Diagnostic::warning(
                                entry.pointer.clone(),
                                format!("principal `{}` is a unique id, left when the user or role it named was deleted", entry.value),
                            )
                            .with_help("it matches nobody; name the current user or role ARN"),
                        );
                        patterns.push(PrincipalPattern::UniqueId);
                    }
                    Ok(pattern) => patterns.push(pattern),
                    Err((message, help)) => diagnostics
                        .push(Diagnostic::error(entry.pointer.clone(), message).with_help(help)),
                }
            }
            patterns
        }
    };
    Some(CompiledPrincipal {
        negated: element.negated,
        patterns: patterns.into_boxed_slice(),
    })
}

/// Reads an `AWS` principal value.
fn aws_principal(value: &str) -> Result<PrincipalPattern, (String, String)> {
    if value == "*" {
        return Ok(PrincipalPattern::Everyone);
    }
    if arn::is_account_id(value) {
        return Ok(PrincipalPattern::Account {
            partition: None,
            account: value.into(),
        });
    }
    if value.contains(['*', '?']) {
        return Err((
            format!("principal `{value}` uses a wildcard, which AWS does not allow in a principal"),
            "the only wildcard principal is `\"*\"`; to admit many roles, use `*` with a condition on `aws:PrincipalArn` (ArnLike)".to_owned(),
        ));
    }
    let is_unique_id = value.len() >= 16
        && value.starts_with('A')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if is_unique_id {
        return Ok(PrincipalPattern::UniqueId);
    }
    let bad = || {
        (
            format!("principal `{value}` is not an account id or an IAM/STS principal ARN"),
            "write an account id, `arn:aws:iam::ACCOUNT:root`, or a user, role or session ARN"
                .to_owned(),
        )
    };
    let parsed = Arn::parse(value).map_err(|_| bad())?;
    // A CloudFront origin access identity is named in an account of its
    // own (S3 User Guide: `arn:aws:iam::cloudfront:user/CloudFront Origin
    // Access Identity E…`): a user like any other to the evaluator.
    if parsed.service() == "iam"
        && parsed.account() == "cloudfront"
        && parsed
            .resource()
            .strip_prefix("user/CloudFront Origin Access Identity ")
            .is_some_and(|id| !id.is_empty())
    {
        return Ok(PrincipalPattern::User(value.into()));
    }
    if !arn::is_account_id(parsed.account()) {
        return Err(bad());
    }
    let (partition, account, resource) = (parsed.partition(), parsed.account(), parsed.resource());
    match parsed.service() {
        "iam" if resource == "root" => Ok(PrincipalPattern::Account {
            partition: Some(partition.into()),
            account: account.into(),
        }),
        "iam" if resource.starts_with("user/") => Ok(PrincipalPattern::User(value.into())),
        "iam" if resource.starts_with("role/") => {
            let name = resource.rsplit('/').next().unwrap_or_default();
            Ok(PrincipalPattern::Role {
                partition: partition.into(),
                account: account.into(),
                name: name.into(),
            })
        }
        "iam"
            if resource.starts_with("saml-provider/") || resource.starts_with("oidc-provider/") =>
        {
            Ok(PrincipalPattern::Federated(value.into()))
        }
        "sts" if resource.starts_with("assumed-role/") => {
            Ok(PrincipalPattern::Session(value.into()))
        }
        "sts" if resource.starts_with("federated-user/") => {
            Ok(PrincipalPattern::FederatedUser(value.into()))
        }
        _ => Err(bad()),
    }
}

impl PrincipalPattern {
    /// How this pattern matches `principal`, if it does.
    pub(crate) fn matches(&self, principal: &Principal) -> Option<PrincipalMatch> {
        use PrincipalType as T;
        match self {
            PrincipalPattern::Everyone => Some(PrincipalMatch::Everyone),
            PrincipalPattern::Account { partition, account } => (principal.is_iam_identity()
                && principal.account() == &**account
                && partition
                    .as_deref()
                    .is_none_or(|p| p == principal.partition()))
            .then_some(PrincipalMatch::Account),
            PrincipalPattern::User(arn) => (principal.kind() == T::User
                && principal.as_str() == &**arn)
                .then_some(PrincipalMatch::User),
            PrincipalPattern::Role {
                partition,
                account,
                name,
            } => (matches!(principal.kind(), T::Role | T::AssumedRole)
                && principal.account() == &**account
                && principal.partition() == &**partition
                && principal.name() == &**name)
                .then_some(PrincipalMatch::Role),
            PrincipalPattern::Session(arn) => (principal.kind() == T::AssumedRole
                && principal.as_str() == &**arn)
                .then_some(PrincipalMatch::Session),
            PrincipalPattern::FederatedUser(arn) => (principal.kind() == T::FederatedUser
                && principal.as_str() == &**arn)
                .then_some(PrincipalMatch::FederatedUser),
            PrincipalPattern::Service(name) => (principal.kind() == T::Service
                && principal.name() == &**name)
                .then_some(PrincipalMatch::Service),
            PrincipalPattern::Federated(name) => {
                (matches!(principal.kind(), T::Federated | T::Service)
                    && principal.as_str() == &**name)
                    .then_some(PrincipalMatch::Federated)
            }
            PrincipalPattern::CanonicalUser | PrincipalPattern::UniqueId => None,
        }
    }
}

impl CompiledPrincipal {
    /// Whether the element applies to `principal`, and how a positive
    /// `Principal` matched.
    ///
    /// `NotPrincipal` applies unless *every* identity the request carries is
    /// listed: a role session is evaluated as its session, its role and its
    /// account, so sparing a session needs all three; a user needs the user
    /// and the account. A principal with a permissions boundary is never
    /// spared by `Deny` + `NotPrincipal`.
    pub(crate) fn applies(
        &self,
        principal: &Principal,
        has_boundary: bool,
        effect: Effect,
    ) -> Option<PrincipalMatch> {
        if !self.negated {
            return self
                .patterns
                .iter()
                .filter_map(|p| p.matches(principal))
                .max_by_key(|m| grant_rank(*m));
        }
        if effect == Effect::Deny && has_boundary {
            return Some(PrincipalMatch::Everyone);
        }
        let listed = |wanted: PrincipalMatch| {
            self.patterns.iter().any(|p| {
                p.matches(principal)
                    .is_some_and(|m| m == wanted || m == PrincipalMatch::Everyone)
            })
        };
        use PrincipalType as T;
        let identities: &[PrincipalMatch] = match principal.kind() {
            T::User => &[PrincipalMatch::User, PrincipalMatch::Account],
            T::Role => &[PrincipalMatch::Role, PrincipalMatch::Account],
            T::AssumedRole => &[
                PrincipalMatch::Session,
                PrincipalMatch::Role,
                PrincipalMatch::Account,
            ],
            T::FederatedUser => &[PrincipalMatch::FederatedUser, PrincipalMatch::Account],
            T::Root => &[PrincipalMatch::Account],
            T::Service => &[PrincipalMatch::Service],
            T::Federated => &[PrincipalMatch::Federated],
            T::Anonymous => &[],
        };
        let spared = !identities.is_empty() && identities.iter().all(|id| listed(*id));
        (!spared).then_some(PrincipalMatch::Everyone)
    }
}

/// Preference among several matches of one statement: a direct grant that no
/// boundary limits beats one that is limited, which beats an account grant.
fn grant_rank(m: PrincipalMatch) -> u8 {
    match m {
        PrincipalMatch::Account => 0,
        PrincipalMatch::Role => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal_of(json: &str) -> CompiledPrincipal {
        let doc =
            format!(r#"{{"Statement":{{"Effect":"Deny","Action":"*","Resource":"*",{json}}}}}"#);
        let policy =
            CompiledPolicy::from_value(&serde_json::from_str(&doc).unwrap(), PolicyKind::Resource);
        assert!(
            policy.diagnostics().iter().all(|d| !d.is_error()),
            "{:?}",
            policy.diagnostics()
        );
        policy.statements()[0].principal.clone().unwrap()
    }

    fn p(s: &str) -> Principal {
        Principal::parse(s).unwrap()
    }

    #[test]
    fn role_arn_matches_its_sessions() {
        let c = principal_of(r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/path/app"}"#);
        let session = p("arn:aws:sts::111122223333:assumed-role/app/s1");
        assert_eq!(
            c.applies(&session, false, Effect::Allow),
            Some(PrincipalMatch::Role)
        );
        assert_eq!(
            c.applies(
                &p("arn:aws:sts::111122223333:assumed-role/batch/s1"),
                false,
                Effect::Allow
            ),
            None
        );
        assert_eq!(
            c.applies(
                &p("arn:aws:sts::444455556666:assumed-role/app/s1"),
                false,
                Effect::Allow
            ),
            None
        );
    }

    #[test]
    fn account_forms_are_equivalent() {
        for form in ["111122223333", "arn:aws:iam::111122223333:root"] {
            let c = principal_of(&format!(r#""Principal":{{"AWS":"{form}"}}"#));
            assert_eq!(
                c.applies(&p("arn:aws:iam::111122223333:user/u"), false, Effect::Allow),
                Some(PrincipalMatch::Account)
            );
            assert_eq!(
                c.applies(&p("s3.amazonaws.com"), false, Effect::Allow),
                None
            );
        }
    }

    #[test]
    fn not_principal_needs_every_identity_listed() {
        let all = principal_of(
            r#""NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","arn:aws:iam::111122223333:role/app","111122223333"]}"#,
        );
        let session = p("arn:aws:sts::111122223333:assumed-role/app/s1");
        assert_eq!(all.applies(&session, false, Effect::Deny), None);
        assert!(
            all.applies(&session, true, Effect::Deny).is_some(),
            "boundary quirk"
        );
        let role_only = principal_of(
            r#""NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/app","111122223333"]}"#,
        );
        assert!(role_only.applies(&session, false, Effect::Deny).is_some());
        assert!(role_only
            .applies(&p("anonymous"), false, Effect::Deny)
            .is_some());
    }

    #[test]
    fn wildcard_principals_are_rejected() {
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}, "Action": "*"}});
        let policy = CompiledPolicy::from_value(&doc, PolicyKind::Resource);
        assert!(policy.statements().is_empty());
        assert_eq!(policy.diagnostics()[0].pointer, "/Statement/Principal/AWS");
    }

    #[test]
    fn a_cloudfront_origin_access_identity_is_a_principal() {
        let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC";
        let c = principal_of(&format!(r#""Principal":{{"AWS":"{oai}"}}"#));
        assert_eq!(c.patterns[..], [PrincipalPattern::User(oai.into())]);
        for bad in [
            "arn:aws:iam::cloudfront:user/someone",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ",
            "arn:aws:iam::cloudfront:role/CloudFront Origin Access Identity E1",
        ] {
            let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": bad}, "Action": "s3:GetObject", "Resource": "*"}});
            let policy = CompiledPolicy::from_value(&doc, PolicyKind::Resource);
            assert!(policy.diagnostics().iter().any(|d| d.is_error()), "{bad}");
        }
    }

    #[test]
    fn kind_rules() {
        let with_principal = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}});
        assert!(
            CompiledPolicy::from_value(&with_principal, PolicyKind::Identity)
                .statements()
                .is_empty()
        );
        let trust = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}});
        assert_eq!(
            CompiledPolicy::from_value(&trust, PolicyKind::Resource)
                .statements()
                .len(),
            1
        );
        assert!(CompiledPolicy::from_value(&trust, PolicyKind::Identity)
            .statements()
            .is_empty());
    }
}
