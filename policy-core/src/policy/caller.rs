//! Conditions about who calls and how, as opposed to what is acted on.
//!
//! A condition on the caller's network, transport, MFA, clock, identity or
//! tags decides *who* may use a grant, never *which resources* it reaches.
//! Rules that ask "can this policy reach any resource" read such a
//! condition as met by some caller: `Allow iam:PassRole` on `*` to callers
//! from one IP range still passes any role.

use super::{Effect, PolicyDocument};

/// Whether a condition key is about the caller and the call (network,
/// transport, MFA, time, the caller's identity and tags, the services that
/// called) — a condition on it narrows nothing about the resources a
/// statement reaches.
pub fn is_about_the_caller(key: &str) -> bool {
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
    ];
    const PRINCIPAL_TAG: &str = "aws:principaltag/";
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || key
            .get(..PRINCIPAL_TAG.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(PRINCIPAL_TAG))
}

impl PolicyDocument {
    /// The document as it applies to the caller that suits it best: every
    /// `Allow` condition about the caller ([`is_about_the_caller`]) met,
    /// every `Deny` that hangs on one avoided (some caller has MFA, comes
    /// from the allowed network, carries the tag). Conditions on anything
    /// else stay. `None` when no statement has a condition about the caller.
    ///
    /// An answer about this document ("can it pass any role?") is the
    /// answer for the best-placed caller — which is the one that matters.
    pub fn for_the_best_placed_caller(&self) -> Option<PolicyDocument> {
        let about_the_caller =
            |s: &super::Statement| s.conditions.iter().any(|c| is_about_the_caller(&c.key));
        if !self.statements.iter().any(about_the_caller) {
            return None;
        }
        let mut document = self.clone();
        document
            .statements
            .retain(|s| s.effect == Effect::Allow || !about_the_caller(s));
        for statement in &mut document.statements {
            statement
                .conditions
                .retain(|c| !is_about_the_caller(&c.key));
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
}
