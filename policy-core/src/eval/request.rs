//! The request being authorised: who, what action, on what, in what context.

use std::fmt;

use crate::arn::{self, Arn};

/// Who makes a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    kind: PrincipalType,
    text: Box<str>,
    partition: Box<str>,
    account: Box<str>,
    /// User, role or federated-user name (last path segment), or the role
    /// name of an assumed-role session.
    name: Box<str>,
    /// The role path for a role principal (`/service-role/`), if known.
    path: Box<str>,
}

/// The kind of a request principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    /// An IAM user: `arn:aws:iam::A:user/path/name`.
    User,
    /// A role, standing for any session of it: `arn:aws:iam::A:role/path/name`.
    Role,
    /// One role session: `arn:aws:sts::A:assumed-role/name/session`.
    AssumedRole,
    /// A `GetFederationToken` session: `arn:aws:sts::A:federated-user/name`.
    FederatedUser,
    /// An account's root user: `arn:aws:iam::A:root` or the bare account id.
    Root,
    /// An AWS service principal: `s3.amazonaws.com`.
    Service,
    /// A web-identity or SAML provider (`cognito-identity.amazonaws.com`,
    /// `arn:aws:iam::A:saml-provider/X`).
    Federated,
    /// An unauthenticated caller.
    Anonymous,
}

/// Why a principal string was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a principal: {reason}")]
pub struct PrincipalError {
    text: String,
    reason: &'static str,
}

impl Principal {
    /// Reads a request principal: an IAM user, role, assumed-role session,
    /// federated-user or root ARN, a bare account id (the root user), a
    /// service principal such as `s3.amazonaws.com`, a SAML/OIDC provider ARN,
    /// or `anonymous`.
    pub fn parse(text: &str) -> Result<Principal, PrincipalError> {
        let error = |reason| PrincipalError {
            text: text.to_owned(),
            reason,
        };
        let make = |kind, partition: &str, account: &str, name: &str, path: &str| Principal {
            kind,
            text: text.into(),
            partition: partition.into(),
            account: account.into(),
            name: name.into(),
            path: path.into(),
        };
        if text == "anonymous" || text == "*" {
            return Ok(make(PrincipalType::Anonymous, "", "", "", ""));
        }
        if arn::is_account_id(text) {
            let mut root = make(PrincipalType::Root, "aws", text, "", "");
            root.text = format!("arn:aws:iam::{text}:root").into();
            return Ok(root);
        }
        if !text.starts_with("arn:") {
            if text.contains('.') && !text.contains(char::is_whitespace) && !text.contains(':') {
                return Ok(make(PrincipalType::Service, "", "", text, ""));
            }
            return Err(error(
                "expected an IAM or STS ARN, an account id, a service principal such as `s3.amazonaws.com`, or `anonymous`",
            ));
        }
        let arn = Arn::parse(text).map_err(|_| error("it is not a well-formed ARN"))?;
        let (partition, account, resource) = (arn.partition(), arn.account(), arn.resource());
        if !arn::is_account_id(account) {
            return Err(error("the ARN has no 12-digit account id"));
        }
        let split_path = |rest: &str| -> (String, String) {
            match rest.rfind('/') {
                Some(i) => (format!("/{}", &rest[..=i]), rest[i + 1..].to_owned()),
                None => ("/".to_owned(), rest.to_owned()),
            }
        };
        match arn.service() {
            "iam" => {
                if resource == "root" {
                    return Ok(make(PrincipalType::Root, partition, account, "", ""));
                }
                if let Some(rest) = resource.strip_prefix("user/") {
                    let (path, name) = split_path(rest);
                    return Ok(make(PrincipalType::User, partition, account, &name, &path));
                }
                if let Some(rest) = resource.strip_prefix("role/") {
                    let (path, name) = split_path(rest);
                    return Ok(make(PrincipalType::Role, partition, account, &name, &path));
                }
                if resource.starts_with("saml-provider/") || resource.starts_with("oidc-provider/")
                {
                    return Ok(make(PrincipalType::Federated, partition, account, "", ""));
                }
                Err(error(
                    "IAM principals are `user/…`, `role/…`, `root`, or a SAML/OIDC provider",
                ))
            }
            "sts" => {
                if let Some(rest) = resource.strip_prefix("assumed-role/") {
                    return match rest.split_once('/') {
                        Some((role, session)) if !role.is_empty() && !session.is_empty() => Ok(
                            make(PrincipalType::AssumedRole, partition, account, role, ""),
                        ),
                        _ => Err(error("an assumed-role ARN is `assumed-role/ROLE/SESSION`")),
                    };
                }
                if let Some(name) = resource.strip_prefix("federated-user/") {
                    return Ok(make(
                        PrincipalType::FederatedUser,
                        partition,
                        account,
                        name,
                        "",
                    ));
                }
                Err(error(
                    "STS principals are `assumed-role/ROLE/SESSION` or `federated-user/NAME`",
                ))
            }
            _ => Err(error("principal ARNs belong to `iam` or `sts`")),
        }
    }

    /// The kind of principal.
    pub fn kind(&self) -> PrincipalType {
        self.kind
    }
    /// The principal as written (for a bare account id: the root ARN).
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// The principal's account, empty for services and anonymous callers.
    pub fn account(&self) -> &str {
        &self.account
    }
    /// The partition, empty for services and anonymous callers.
    pub fn partition(&self) -> &str {
        &self.partition
    }
    /// The user, role or federated-user name; the role name for a session;
    /// the service name for a service principal.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether this principal belongs to an AWS account (user, role, session,
    /// federated user, root), and so has identity policies.
    pub fn is_iam_identity(&self) -> bool {
        matches!(
            self.kind,
            PrincipalType::User
                | PrincipalType::Role
                | PrincipalType::AssumedRole
                | PrincipalType::FederatedUser
                | PrincipalType::Root
        )
    }
    /// Whether the principal is a role created by an AWS service
    /// (`/aws-service-role/` path); SCPs do not apply to those.
    pub fn is_service_linked_role(&self) -> bool {
        self.kind == PrincipalType::Role && self.path.starts_with("/aws-service-role/")
    }
    /// The value AWS puts into `aws:PrincipalArn`: the role ARN for a session
    /// (without its path, which the session ARN does not carry).
    pub fn principal_arn(&self) -> String {
        match self.kind {
            PrincipalType::AssumedRole => format!(
                "arn:{}:iam::{}:role/{}",
                self.partition, self.account, self.name
            ),
            _ => self.text.to_string(),
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A request context value: one string or a set of strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (`aws:TagKeys`, `aws:CalledVia`, …).
    Multi(Vec<String>),
}

/// The request context: condition keys and their values. Key names compare
/// ignoring case (`AWS:SourceAccount` = `aws:sourceaccount`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    // Lower-cased key → value, sorted by key. Contexts are small, so a sorted
    // vector beats a hash map and keeps iteration deterministic.
    entries: Vec<(Box<str>, ContextValue)>,
}

impl RequestContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (replacing any earlier value).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let key = key.to_lowercase();
        match self
            .entries
            .binary_search_by(|(k, _)| (**k).cmp(key.as_str()))
        {
            Ok(i) => self.entries[i].1 = value,
            Err(i) => self.entries.insert(i, (key.into(), value)),
        }
    }

    /// Adds one value to `key`, turning it into a multivalued key if it
    /// already had one.
    pub fn append(&mut self, key: &str, value: String) {
        let lower = key.to_lowercase();
        match self
            .entries
            .binary_search_by(|(k, _)| (**k).cmp(lower.as_str()))
        {
            Ok(i) => {
                let slot = &mut self.entries[i].1;
                *slot = match std::mem::replace(slot, ContextValue::Multi(Vec::new())) {
                    ContextValue::Single(first) => ContextValue::Multi(vec![first, value]),
                    ContextValue::Multi(mut all) => {
                        all.push(value);
                        ContextValue::Multi(all)
                    }
                };
            }
            Err(i) => self
                .entries
                .insert(i, (lower.into(), ContextValue::Single(value))),
        }
    }

    /// Whether `key` (in any case) is set.
    pub fn contains(&self, key: &str) -> bool {
        self.get(&key.to_lowercase()).is_some()
    }

    /// Looks up an already lower-cased key.
    pub fn get(&self, lower_key: &str) -> Option<&ContextValue> {
        self.entries
            .binary_search_by(|(k, _)| (**k).cmp(lower_key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    /// The entries, sorted by lower-cased key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// Whether the context has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One authorisation request.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Who calls.
    pub principal: &'a Principal,
    /// `service:Action`, e.g. `lambda:InvokeFunction`.
    pub action: &'a str,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    pub resource: &'a str,
    /// The account owning the resource, when its ARN does not say (S3).
    pub resource_account: Option<&'a str>,
    /// The request context.
    pub context: &'a RequestContext,
}

impl Request<'_> {
    /// The account that owns the resource: the explicit one, else the ARN's,
    /// else (for `*` and account-less ARNs) the principal's.
    pub fn resource_account(&self) -> &str {
        if let Some(account) = self.resource_account.filter(|a| !a.is_empty()) {
            return account;
        }
        match arn::split(self.resource) {
            Some(parts) if !parts[4].is_empty() => parts[4],
            _ => self.principal.account(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_kinds() {
        let p = |s| Principal::parse(s).unwrap();
        assert_eq!(
            p("arn:aws:iam::111122223333:user/ops/alice").kind(),
            PrincipalType::User
        );
        assert_eq!(
            p("arn:aws:iam::111122223333:user/ops/alice").name(),
            "alice"
        );
        let role = p("arn:aws:iam::111122223333:role/service-role/app");
        assert_eq!((role.kind(), role.name()), (PrincipalType::Role, "app"));
        let session = p("arn:aws:sts::111122223333:assumed-role/app/sess1");
        assert_eq!(
            (session.kind(), session.name()),
            (PrincipalType::AssumedRole, "app")
        );
        assert_eq!(
            session.principal_arn(),
            "arn:aws:iam::111122223333:role/app"
        );
        assert_eq!(p("111122223333").as_str(), "arn:aws:iam::111122223333:root");
        assert_eq!(
            p("arn:aws:iam::111122223333:root").kind(),
            PrincipalType::Root
        );
        assert_eq!(p("s3.amazonaws.com").kind(), PrincipalType::Service);
        assert_eq!(p("anonymous").kind(), PrincipalType::Anonymous);
        assert_eq!(
            p("arn:aws:sts::111122223333:federated-user/bob").kind(),
            PrincipalType::FederatedUser
        );
        assert!(
            p("arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/R")
                .is_service_linked_role()
        );
    }

    #[test]
    fn bad_principals() {
        for bad in [
            "bob",
            "arn:aws:iam::x:user/bob",
            "arn:aws:s3:::bucket",
            "arn:aws:sts::111122223333:assumed-role/app",
            "",
        ] {
            assert!(Principal::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn context_keys_ignore_case_and_collect_values() {
        let mut c = RequestContext::new();
        c.insert("AWS:SourceAccount", ContextValue::Single("1".into()));
        c.append("aws:TagKeys", "a".into());
        c.append("AWS:tagkeys", "b".into());
        assert_eq!(
            c.get("aws:sourceaccount"),
            Some(&ContextValue::Single("1".into()))
        );
        assert_eq!(
            c.get("aws:tagkeys"),
            Some(&ContextValue::Multi(vec!["a".into(), "b".into()]))
        );
        assert!(c.contains("Aws:SourceAccount"));
    }

    #[test]
    fn resource_account_fallbacks() {
        let p = Principal::parse("arn:aws:iam::111122223333:role/app").unwrap();
        let ctx = RequestContext::new();
        let mut r = Request {
            principal: &p,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            resource_account: None,
            context: &ctx,
        };
        assert_eq!(r.resource_account(), "111122223333");
        r.resource_account = Some("444455556666");
        assert_eq!(r.resource_account(), "444455556666");
        r.resource = "arn:aws:lambda:us-east-1:999988887777:function:f";
        r.resource_account = None;
        assert_eq!(r.resource_account(), "999988887777");
    }
}
