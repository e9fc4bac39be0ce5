//! No input makes rolecall panic: random JSON built from the words of the
//! IAM grammar and the AWS CLI formats goes through the policy parser, the
//! compiler, the evaluator (bare and explained), the eval case reader and
//! ingest. Each must return values and diagnostics, never panic.

use policy_core::eval::case::Case;
use policy_core::eval::{
    CompiledPolicy, Evaluator, PolicyKind, PolicySet, Principal, Request, RequestContext,
};
use policy_core::policy::PolicyDocument;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "StringNotLike",
    "ForAllValues:StringLike",
    "ForAnyValue:ArnLikeIfExists",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "Null",
    "IpAddress",
    "NotIpAddress",
    "BinaryEquals",
    "ArnEquals",
    "aws:SourceArn",
    "aws:TagKeys",
    "aws:SourceIp",
    "RoleDetailList",
    "UserDetailList",
    "Policies",
    "PolicyVersionList",
    "Document",
    "IsDefaultVersion",
    "Arn",
    "RoleName",
    "AssumeRolePolicyDocument",
    "RolePolicyList",
    "PolicyDocument",
    "PolicyName",
    "AttachedManagedPolicies",
    "PolicyArn",
    "PermissionsBoundary",
    "PermissionsBoundaryArn",
    "Functions",
    "FunctionArn",
    "FunctionName",
    "Role",
    "VpcConfig",
    "SubnetIds",
    "TracingConfig",
    "Mode",
    "EventSourceMappings",
    "UUID",
    "EventSourceArn",
    "Policy",
    "RevisionId",
    "FunctionUrl",
    "AuthType",
    "Aliases",
    "AliasArn",
    "Name",
    "Configuration",
    "PolicyVersion",
    "policies",
    "identity",
    "resource",
    "boundary",
    "scp",
    "rcp",
    "session",
    "request",
    "principal",
    "action",
    "context",
    "resource_account",
    "name",
];

const STRINGS: &[&str] = &[
    "2012-10-17",
    "2008-10-17",
    "Allow",
    "Deny",
    "allow",
    "*",
    "?",
    "",
    "s3:*",
    "lambda:Invoke*",
    "sts:AssumeRole",
    "arn:aws:lambda:us-east-1:111122223333:function:f",
    "arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:iam::111122223333:root",
    "arn:aws:sts::111122223333:assumed-role/app/s",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${*}${?}${$}",
    "${",
    "${aws:x, 'd'}",
    "arn:",
    "arn:aws:s3",
    "111122223333",
    "s3.amazonaws.com",
    "anonymous",
    "10.0.0.0/8",
    "::1/200",
    "2024-06-01T00:00:00Z",
    "1e309",
    "-0",
    "true",
    "yes",
    "%7B%22Statement%22%3A%5B%5D%7D",
    "{\"Statement\": [",
    "{\"Version\":\"2012-10-17\",\"Statement\":{}}",
    "é",
    "\u{0}",
    "a/b~c",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        select(STRINGS).prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((select(KEYS), inner), 0..6).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

fn evaluate_everything(policy: &CompiledPolicy, kind: PolicyKind) {
    let context = RequestContext::new();
    for principal in [
        "arn:aws:sts::111122223333:assumed-role/app/s",
        "s3.amazonaws.com",
        "anonymous",
    ] {
        let Ok(principal) = Principal::parse(principal) else {
            continue;
        };
        let one = std::sync::Arc::new(policy.clone());
        let set = match kind {
            PolicyKind::Resource => PolicySet {
                resource: vec![one],
                ..PolicySet::default()
            },
            _ => PolicySet {
                identity: vec![one.clone()],
                scp: vec![vec![one]],
                ..PolicySet::default()
            },
        };
        for resource in [
            "*",
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            "arn:aws:s3:::b/alice/x",
        ] {
            let request = Request {
                principal: &principal,
                action: "lambda:InvokeFunction",
                resource,
                resource_account: None,
                context: &context,
            };
            let evaluator = Evaluator::new();
            let decision = evaluator.decide(&request, &set);
            assert_eq!(decision, evaluator.evaluate(&request, &set).decision);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn any_json_as_a_policy(value in json()) {
        let _ = PolicyDocument::from_value(&value);
        for kind in [PolicyKind::Identity, PolicyKind::Resource] {
            let policy = CompiledPolicy::from_value(&value, kind);
            evaluate_everything(&policy, kind);
        }
        if let Ok(parsed) = PolicyDocument::from_value(&value) {
            // What is written back reads again.
            let canonical = parsed.document.to_json();
            let again = PolicyDocument::from_value(&canonical);
            prop_assert!(again.is_ok());
            // The quota check counts the canonical text without writing it.
            prop_assert_eq!(
                parsed.document.canonical_chars(),
                canonical.to_string().chars().count()
            );
        }
    }

    #[test]
    fn any_json_as_an_eval_case(value in json()) {
        if let Ok(case) = Case::from_value(&value) {
            let request = case.request();
            let evaluator = Evaluator::new();
            let _ = evaluator.evaluate(&request, &case.policies);
        }
        let _ = Case::parse_line(&value.to_string());
    }

    #[test]
    fn any_text_as_an_eval_line(text in ".{0,200}") {
        let _ = Case::parse_line(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn any_json_files_as_an_account_dump(files in prop::collection::vec(json(), 1..4)) {
        let dir = std::env::temp_dir().join(format!("rolecall-no-panic-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, value) in files.iter().enumerate() {
            std::fs::write(dir.join(format!("{i}.json")), value.to_string()).unwrap();
        }
        std::fs::write(dir.join("truncated.json"), files[0].to_string().chars().take(7).collect::<String>()).unwrap();
        let account = policy_core::ingest::ingest(std::slice::from_ref(&dir), &|_| None);
        std::fs::remove_dir_all(&dir).unwrap();
        // Every question the rules ask must also hold up.
        for role in account.roles.values() {
            let _ = account.principal_policies(&role.arn);
        }
        for function in account.functions.values() {
            let _ = account.resource_policy_ids(&function.arn);
        }
        let _ = account.to_wire();
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Every pointer into `value` (and some that lead nowhere).
fn pointers_of(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers_of(child, format!("{at}/{token}"), out);
            }
            out.push(format!("{at}/missing"));
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers_of(child, format!("{at}/{i}"), out);
            }
            out.push(format!("{at}/{}", items.len()));
            out.push(format!("{at}/0{}", items.len().saturating_sub(1)));
        }
        _ => out.push(format!("{at}/0")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Locating many elements in one walk finds what locating each alone
    /// finds, in pretty and compact text, and in text cut short.
    #[test]
    fn one_walk_locates_like_each_look_up(value in json(), cut in 0usize..200, pick in prop::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        let mut all = Vec::new();
        pointers_of(&value, String::new(), &mut all);
        let chosen: Vec<&str> = pick.iter().map(|i| all[i.index(all.len())].as_str()).collect();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let compact = value.to_string();
        let cut_at = pretty.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(pretty.len());
        for text in [pretty.as_str(), compact.as_str(), &pretty[..cut_at]] {
            for pointers in [&chosen[..], &all.iter().map(String::as_str).collect::<Vec<_>>()[..]] {
                let found = policy_core::locate::locate_all(text, pointers);
                for (pointer, at) in pointers.iter().zip(found) {
                    prop_assert_eq!(at, policy_core::locate::locate(text, pointer), "{} in {}", pointer, text);
                }
            }
        }
    }
}
