//! Conditions about who calls and how, as opposed to what is acted on.
//!
//! A condition on the caller's network, transport, MFA, clock, identity or
//! tags, or on the service a call comes through or on behalf of, decides
//! *who* may use a grant, never *which resources* it reaches.
//! Rules that ask "can this policy reach any resource" read such a
//! condition as met by some caller: `Allow iam:PassRole` on `*` to callers
//! from one IP range still passes any role.

use super::{Condition, Effect, PolicyDocument};

/// Whether a condition key is about the caller and the call (network,
/// transport, MFA, time, the caller's identity and tags, the services that
/// called, the resource a service calls on behalf of) — a condition on it
/// narrows nothing about the resources a statement reaches. KMS's
/// `kms:CallerAccount`, `kms:ViaService` and `kms:GrantIsForAWSResource`
/// are such keys too: they say who asks and through which service, not
/// which key.
fn is_about_the_caller(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "aws:sourceip",
        "aws:securetransport",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:currenttime",
        "aws:epochtime",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:userid",
        "aws:username",
        "aws:useragent",
        "aws:referer",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpcsourceip",
        "aws:viaawsservice",
        "aws:calledvia",
        "aws:calledviafirst",
        "aws:calledvialast",
        "aws:tokenissuetime",
        "aws:sourceidentity",
        "aws:federatedprovider",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "kms:calleraccount",
        "kms:viaservice",
        "kms:grantisforawsresource",
    ];
    const PRINCIPAL_TAG: &str = "aws:principaltag/";
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || key
            .get(..PRINCIPAL_TAG.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(PRINCIPAL_TAG))
}

/// Whether a condition key is a property of the request that leaves its
/// resource open: the service a role is passed to, how an S3 request is
/// signed, sent and encrypted. `iam:PassRole` to Lambda only, or
/// `s3:PutObject` with server-side encryption only, still reaches every
/// role or bucket. Tags a request carries (`aws:RequestTag/…`) are not
/// such keys: on a create action they are the resource's own.
fn is_about_the_request(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "iam:passedtoservice",
        "s3:authtype",
        "s3:signatureage",
        "s3:signatureversion",
        "s3:tlsversion",
        "s3:x-amz-content-sha256",
        "s3:x-amz-server-side-encryption",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:x-amz-server-side-encryption-customer-algorithm",
    ];
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Whether a key is the clock, which no caller chooses (a condition on it
/// holds for every request of a period, or for none).
fn is_the_clock(key: &str) -> bool {
    ["aws:currenttime", "aws:epochtime", "aws:tokenissuetime"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
}

impl Condition {
    /// Whether this condition is about the caller only: its key is (the
    /// caller's network, transport, MFA, clock, identity or tags, the
    /// service the call comes through or on behalf of), and so is every
    /// policy variable among its values. `aws:PrincipalTag/team`
    /// compared with `${aws:ResourceTag/team}` ties the caller to the
    /// resource, which narrows the resources.
    pub fn is_about_the_caller(&self) -> bool {
        is_about_the_caller(&self.key)
            && self.values.iter().all(|value| {
                let mut rest = value.as_str();
                while let Some(start) = rest.find("${") {
                    let inner = &rest[start + 2..];
                    let Some(end) = inner.find('}') else {
                        break;
                    };
                    // `${aws:username, 'default'}`: the name before the comma.
                    let name = inner[..end].split(',').next().unwrap_or_default().trim();
                    if !is_about_the_caller(name) {
                        return false;
                    }
                    rest = &inner[end + 1..];
                }
                true
            })
    }

    /// Whether this condition leaves the resources a statement reaches as
    /// they are: it is about the caller ([`Condition::is_about_the_caller`])
    /// or about a property of the request that is not its resource (the
    /// service a role is passed to, an S3 request's signature, transport or
    /// encryption).
    pub fn leaves_the_resources_open(&self) -> bool {
        self.is_about_the_caller()
            || (is_about_the_request(&self.key)
                && self.values.iter().all(|value| !value.contains("${")))
    }
}

impl PolicyDocument {
    /// The document as it applies to the caller that suits it best: every
    /// `Allow` condition about the caller ([`Condition::is_about_the_caller`])
    /// met, every `Deny` that hangs on one avoided (some caller has MFA,
    /// comes from the allowed network, carries the tag). Conditions on
    /// anything else stay, and so do those on the clock, which no caller
    /// chooses. `None` when no statement has a condition to meet or avoid.
    ///
    /// An answer about this document ("can it pass any role?") is the
    /// answer for the best-placed caller — which is the one that matters.
    /// Conditions are met or avoided one by one: an `Allow` from one network
    /// and a `Deny` outside another, which no single caller escapes, both
    /// give way.
    pub fn for_the_best_placed_caller(&self) -> Option<PolicyDocument> {
        let chosen = |c: &Condition| c.is_about_the_caller() && !is_the_clock(&c.key);
        let hangs_on_the_caller = |s: &super::Statement| s.conditions.iter().any(chosen);
        if !self.statements.iter().any(hangs_on_the_caller) {
            return None;
        }
        let mut document = self.clone();
        document
            .statements
            .retain(|s| s.effect == Effect::Allow || !hangs_on_the_caller(s));
        for statement in &mut document.statements {
            statement.conditions.retain(|c| !chosen(c));
        }
        Some(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_keys_are_known_in_any_case() {
        for key in [
            "aws:SourceIp",
            "AWS:SOURCEIP",
            "aws:MultiFactorAuthPresent",
            "aws:PrincipalTag/team",
            "aws:principaltag/Team",
            "aws:CalledVia",
        ] {
            assert!(is_about_the_caller(key), "{key}");
        }
        for key in [
            "aws:ResourceTag/team",
            "aws:RequestedRegion",
            "iam:PassedToService",
            "s3:prefix",
            "aws:PrincipalTa",
            "",
        ] {
            assert!(!is_about_the_caller(key), "{key}");
        }
    }

    #[test]
    fn the_best_placed_caller_meets_allows_and_avoids_denies() {
        let value = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                 "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                               "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
                {"Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}
            ]
        });
        let document = match PolicyDocument::from_value(&value) {
            Ok(parsed) => parsed.document,
            Err(e) => panic!("{e}"),
        };
        let Some(best) = document.for_the_best_placed_caller() else {
            panic!("a document with caller conditions changes");
        };
        let kept: Vec<(usize, Vec<&str>)> = best
            .statements
            .iter()
            .map(|s| {
                (
                    s.index,
                    s.conditions.iter().map(|c| c.key.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            vec![
                (0, vec!["iam:PassedToService"]),
                (2, vec!["aws:RequestedRegion"])
            ]
        );
        assert!(best.for_the_best_placed_caller().is_none());
    }

    fn conditions(value: serde_json::Value) -> Vec<Condition> {
        let document = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": value}]});
        match PolicyDocument::from_value(&document) {
            Ok(parsed) => parsed.document.statements[0].conditions.clone(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_variable_of_the_resource_ties_the_caller_to_it() {
        let about = |value: serde_json::Value| conditions(value)[0].is_about_the_caller();
        assert!(about(
            serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "ops"}})
        ));
        assert!(about(
            serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}})
        ));
        assert!(!about(
            serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}})
        ));
        assert!(!about(
            serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "${iam:ResourceTag/team, 'x'}"}})
        ));
    }

    #[test]
    fn the_clock_is_nobody_s_choice() {
        let value = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}
            ]
        });
        let document = match PolicyDocument::from_value(&value) {
            Ok(parsed) => parsed.document,
            Err(e) => panic!("{e}"),
        };
        assert!(document.for_the_best_placed_caller().is_none());
    }
}
