//! Property tests of the evaluator on random policies and requests:
//! - the compiled statement matcher agrees with the plain reference reading;
//! - an explicit deny always wins;
//! - statement and policy order never change a decision;
//! - adding an Allow never turns Allow into a deny, adding a Deny never
//!   turns a deny into Allow;
//! - the bare and the explained evaluation agree.

use std::sync::Arc;

use policy_core::eval::reference;
use policy_core::eval::{
    CompiledPolicy, ContextValue, Decision, Evaluator, PolicyKind, PolicySet, Principal, Request,
    RequestContext,
};
use policy_core::policy::PolicyDocument;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:GetFunction",
    "s3:GetObject",
    "s3:PutObject",
    "sqs:ReceiveMessage",
    "sts:AssumeRole",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "lambda:*",
    "lambda:Invoke*",
    "LAMBDA:invokefunction",
    "lambda:Invoke",
    "s3:Get?bject",
    "s3:*Object",
    "sqs:ReceiveMessage",
    "sts:AssumeRole",
];
const RESOURCES: &[&str] = &[
    "arn:aws:lambda:us-east-1:111122223333:function:orders",
    "arn:aws:lambda:us-east-1:111122223333:function:orders:prod",
    "arn:aws:lambda:us-east-1:111122223333:function:orders-admin",
    "arn:aws:s3:::uploads/alice/b.txt",
    "arn:aws:s3:::uploads/${aws:username}/b.txt",
    "arn:aws:s3:::uploads/*",
    "arn:aws:sqs:us-east-1:444455556666:q",
    "arn:aws:iam::111122223333:role/app",
    "*",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:lambda:*:111122223333:function:orders",
    "arn:aws:lambda:us-east-1:111122223333:function:orders*",
    "arn:aws:lambda:us-east-1:111122223333:function:orders:*",
    "arn:aws:s3:::uploads/*",
    "arn:aws:s3:::uploads/${aws:username}/*",
    "arn:aws:s3:::uploads/?lice/b.txt",
    "arn:aws:s3:::uploads/${*}",
    "arn:aws:s3:::uploads/${aws:PrincipalTag/team, 'alice'}/b.txt",
    "arn:aws:sqs:*:*:q",
    "arn:aws:iam::111122223333:role/app",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "StringEqualsIfExists",
    "StringNotLikeIfExists",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringLike",
    "ForAllValues:StringNotLike",
    "ForAnyValue:StringNotEqualsIfExists",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "NumericNotEquals",
    "DateGreaterThan",
    "DateLessThanEqualsIfExists",
    "Bool",
    "BoolIfExists",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "ArnNotLike",
    "ArnEquals",
    "ArnNotEqualsIfExists",
    "Null",
    "BinaryEquals",
];
const KEYS: &[&str] = &[
    "aws:SourceAccount",
    "AWS:SourceArn",
    "aws:TagKeys",
    "aws:SourceIp",
    "aws:CurrentTime",
    "s3:max-keys",
    "aws:SecureTransport",
    "aws:username",
];
const VALUES: &[&str] = &[
    "111122223333",
    "444455556666",
    "arn:aws:s3:::uploads",
    "arn:aws:s3:::*",
    "arn:aws:*:*:111122223333:*",
    "arn:aws:sns:us-east-1:111122223333:t?pic",
    "a",
    "A",
    "b*",
    "10",
    "9.5",
    "2024-06-01T00:00:00Z",
    "1717200000",
    "true",
    "false",
    "10.0.0.0/8",
    "203.0.113.7",
    "2001:db8::/32",
    "${aws:username}",
    "${aws:PrincipalTag/team, 'b'}",
    "${?}",
    "*",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:sts::444455556666:assumed-role/partner/p1",
    "arn:aws:sts::111122223333:federated-user/bob",
    "arn:aws:iam::111122223333:root",
    "s3.amazonaws.com",
    "anonymous",
];
const PRINCIPAL_ENTRIES: &[&str] = &[
    r#""*""#,
    r#"{"AWS":"*"}"#,
    r#"{"AWS":"111122223333"}"#,
    r#"{"AWS":"arn:aws:iam::444455556666:root"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:role/app"}"#,
    r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#,
    r#"{"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","arn:aws:iam::111122223333:role/app","111122223333"]}"#,
    r#"{"Service":"s3.amazonaws.com"}"#,
    r#"{"Service":["sns.amazonaws.com","s3.amazonaws.com"]}"#,
];
const CONTEXT_VALUES: &[&str] = &[
    "111122223333",
    "arn:aws:s3:::uploads",
    "arn:aws:sns:us-east-1:111122223333:topic",
    "a",
    "A",
    "bb",
    "9",
    "10",
    "2024-06-02T00:00:00Z",
    "true",
    "false",
    "10.1.2.3",
    "2001:db8::1",
    "alice",
];

fn list(max: usize, pool: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        select(pool).prop_map(|s| json!(s)),
        prop::collection::vec(select(pool), 0..=max).prop_map(|v| json!(v)),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    prop::collection::vec((select(OPERATORS), select(KEYS), list(3, VALUES)), 0..=2).prop_map(
        |entries| {
            let mut block = serde_json::Map::new();
            for (op, key, values) in entries {
                let keys = block.entry(op.to_owned()).or_insert_with(|| json!({}));
                keys[key] = values;
            }
            Value::Object(block)
        },
    )
}

/// A random statement; `principal` says whether it names one.
fn statement(effect: Option<&'static str>, principal: bool) -> impl Strategy<Value = Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => select(&["Allow", "Deny"][..]).boxed(),
    };
    (
        effect,
        any::<bool>(),
        list(3, ACTION_PATTERNS),
        prop::option::of((any::<bool>(), list(2, RESOURCE_PATTERNS))),
        condition(),
        (any::<bool>(), select(PRINCIPAL_ENTRIES)),
    )
        .prop_map(
            move |(effect, not_action, actions, resource, condition, (not_principal, who))| {
                let mut s = json!({"Effect": effect});
                s[if not_action { "NotAction" } else { "Action" }] = actions;
                let resource = if principal {
                    resource
                } else {
                    Some(resource.unwrap_or((false, json!("*"))))
                };
                if let Some((not_resource, r)) = resource {
                    s[if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }] = r;
                }
                if condition.as_object().is_some_and(|c| !c.is_empty()) {
                    s["Condition"] = condition;
                }
                if principal {
                    let who: Value = serde_json::from_str(who).expect("valid principal entry");
                    // NotPrincipal is documented for Deny only.
                    let negate = not_principal && effect == "Deny";
                    s[if negate { "NotPrincipal" } else { "Principal" }] = who;
                }
                s
            },
        )
}

fn document(statements: Vec<Value>, version: Option<&str>) -> Value {
    let mut d = json!({"Statement": statements});
    if let Some(v) = version {
        d["Version"] = json!(v);
    }
    d
}

fn version() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        4 => Just(Some("2012-10-17")),
        1 => Just(Some("2008-10-17")),
        1 => Just(None),
    ]
}

#[derive(Clone, Debug)]
struct RandomRequest {
    principal: &'static str,
    action: &'static str,
    resource: &'static str,
    context: Vec<(&'static str, Vec<&'static str>)>,
}

fn request() -> impl Strategy<Value = RandomRequest> {
    (
        select(PRINCIPALS),
        select(ACTIONS),
        select(RESOURCES),
        prop::collection::vec(
            (
                select(KEYS),
                prop::collection::vec(select(CONTEXT_VALUES), 0..=3),
            ),
            0..=4,
        ),
    )
        .prop_map(|(principal, action, resource, context)| RandomRequest {
            principal,
            action,
            resource,
            context,
        })
}

fn build_context(r: &RandomRequest) -> RequestContext {
    let mut c = RequestContext::new();
    for (key, values) in &r.context {
        let value = if key.eq_ignore_ascii_case("aws:TagKeys") {
            ContextValue::Multi(values.iter().map(|v| (*v).to_owned()).collect())
        } else {
            match values.first() {
                Some(v) => ContextValue::Single((*v).to_owned()),
                None => continue,
            }
        };
        c.insert(key, value);
    }
    c
}

/// Random policies in JSON form, so they can be reordered and extended.
#[derive(Clone, Debug)]
struct RandomSet {
    identity: Vec<Value>,
    resource: Vec<Value>,
    boundary: Vec<Value>,
    session: Vec<Value>,
    scp: Vec<Vec<Value>>,
}

fn docs(max: usize, principal: bool) -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(
        (
            prop::collection::vec(statement(None, principal), 1..=3),
            version(),
        )
            .prop_map(|(s, v)| document(s, v)),
        0..=max,
    )
}

fn random_set() -> impl Strategy<Value = RandomSet> {
    (
        docs(3, false),
        docs(2, true),
        docs(1, false),
        docs(1, false),
        prop::collection::vec(docs(2, false), 0..=2),
    )
        .prop_map(|(identity, resource, boundary, session, scp)| RandomSet {
            identity,
            resource,
            boundary,
            session,
            scp,
        })
}

fn compile_all(docs: &[Value], kind: PolicyKind) -> Vec<Arc<CompiledPolicy>> {
    docs.iter()
        .map(|d| Arc::new(CompiledPolicy::from_value(d, kind)))
        .collect()
}

impl RandomSet {
    fn compile(&self) -> PolicySet {
        PolicySet {
            identity: compile_all(&self.identity, PolicyKind::Identity),
            resource: compile_all(&self.resource, PolicyKind::Resource),
            boundary: compile_all(&self.boundary, PolicyKind::Boundary),
            session: compile_all(&self.session, PolicyKind::Session),
            scp: self
                .scp
                .iter()
                .map(|l| compile_all(l, PolicyKind::Scp))
                .collect(),
            rcp: Vec::new(),
        }
    }

    fn reversed(&self) -> RandomSet {
        let rev_docs = |docs: &[Value]| -> Vec<Value> {
            docs.iter()
                .rev()
                .map(|d| {
                    let mut d = d.clone();
                    if let Some(list) = d["Statement"].as_array_mut() {
                        list.reverse();
                    }
                    d
                })
                .collect()
        };
        RandomSet {
            identity: rev_docs(&self.identity),
            resource: rev_docs(&self.resource),
            boundary: rev_docs(&self.boundary),
            session: rev_docs(&self.session),
            scp: self.scp.iter().map(|l| rev_docs(l)).collect(),
        }
    }
}

fn decide(set: &PolicySet, r: &RandomRequest) -> Decision {
    let principal = Principal::parse(r.principal).expect("valid principal");
    let context = build_context(r);
    let request = Request {
        principal: &principal,
        action: r.action,
        resource: r.resource,
        resource_account: None,
        context: &context,
    };
    let evaluator = Evaluator::new();
    let decision = evaluator.decide(&request, set);
    assert_eq!(
        decision,
        evaluator.evaluate(&request, set).decision,
        "bare and explained evaluation differ"
    );
    decision
}

/// Appends `statement` to the first policy of `docs`, or adds a policy.
fn add_statement(docs: &mut Vec<Value>, statement: Value) {
    match docs.first_mut().and_then(|d| d["Statement"].as_array_mut()) {
        Some(list) => list.push(statement),
        None => docs.push(document(vec![statement], Some("2012-10-17"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn compiled_statements_agree_with_the_reference(
        with_principal in any::<bool>(),
        s in statement(None, true),
        version in version(),
        r in request(),
        has_boundary in any::<bool>(),
    ) {
        let mut s = s;
        if !with_principal {
            if let Some(map) = s.as_object_mut() {
                map.remove("Principal");
                map.remove("NotPrincipal");
                map.entry("Resource").or_insert(json!("*"));
            }
        }
        let kind = if with_principal { PolicyKind::Resource } else { PolicyKind::Identity };
        let doc = document(vec![s], version);
        let parsed = PolicyDocument::from_value(&doc).expect("generated documents are usable");
        let compiled = CompiledPolicy::compile(&parsed.document, kind);
        // Statements with errors (none expected here) take no part.
        prop_assume!(compiled.statements().len() == 1 && parsed.document.statements.len() == 1);
        let principal = Principal::parse(r.principal).expect("valid principal");
        let context = build_context(&r);
        let request = Request { principal: &principal, action: r.action, resource: r.resource, resource_account: None, context: &context };
        let fast = compiled.statements()[0].applies(&request, has_boundary);
        let plain = reference::statement_applies(&parsed.document.statements[0], parsed.document.version, &request, has_boundary);
        prop_assert_eq!(fast, plain, "statement {} request {:?}", doc, r);
    }

    #[test]
    fn explicit_deny_always_wins(set in random_set(), r in request(), into_identity in any::<bool>()) {
        let mut with_deny = set.clone();
        let principal = Principal::parse(r.principal).expect("valid principal");
        let deny_all = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
        if into_identity && principal.is_iam_identity() && principal.kind() != policy_core::eval::PrincipalType::Root {
            add_statement(&mut with_deny.identity, deny_all);
        } else {
            let mut d = deny_all;
            d["Principal"] = json!("*");
            add_statement(&mut with_deny.resource, d);
        }
        prop_assert_eq!(decide(&with_deny.compile(), &r), Decision::ExplicitDeny);
    }

    #[test]
    fn order_never_changes_a_decision(set in random_set(), r in request()) {
        prop_assert_eq!(decide(&set.compile(), &r), decide(&set.reversed().compile(), &r));
    }

    #[test]
    fn adding_an_allow_never_turns_allow_into_deny(
        set in random_set(),
        r in request(),
        extra in statement(Some("Allow"), false),
        extra_resource in statement(Some("Allow"), true),
        target in 0..2usize,
    ) {
        let before = decide(&set.compile(), &r);
        let mut more = set.clone();
        match target {
            0 => add_statement(&mut more.identity, extra),
            _ => add_statement(&mut more.resource, extra_resource),
        }
        if before == Decision::Allow {
            prop_assert_eq!(decide(&more.compile(), &r), Decision::Allow);
        }
    }

    #[test]
    fn adding_a_deny_never_turns_deny_into_allow(
        set in random_set(),
        r in request(),
        extra in statement(Some("Deny"), false),
        extra_resource in statement(Some("Deny"), true),
        target in 0..5usize,
    ) {
        let before = decide(&set.compile(), &r);
        let mut more = set.clone();
        match target {
            0 => add_statement(&mut more.identity, extra),
            1 => add_statement(&mut more.resource, extra_resource),
            2 => add_statement(&mut more.boundary, extra),
            3 => add_statement(&mut more.session, extra),
            _ => match more.scp.first_mut() {
                Some(level) => add_statement(level, extra),
                None => add_statement(&mut more.identity, extra),
            },
        }
        let after = decide(&more.compile(), &r);
        if before != Decision::Allow {
            prop_assert_ne!(after, Decision::Allow);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }
}
