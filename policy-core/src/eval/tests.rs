//! The decision procedure, tested against iam-semantics §3, §6 and §7 (not
//! against the implementation). Every decision is checked twice: through
//! [`Evaluator::decide`] and through the explained [`Evaluator::evaluate`].
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use serde_json::{json, Value};

use super::*;
use Decision::{Allow, ExplicitDeny, ImplicitDeny};

const A: &str = "111122223333";
const B: &str = "444455556666";
const FN: &str = "arn:aws:lambda:us-east-1:111122223333:function:orders";
const FN_PAYROLL: &str = "arn:aws:lambda:us-east-1:111122223333:function:payroll";
const FN_B: &str = "arn:aws:lambda:us-east-1:444455556666:function:orders";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const OTHER_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s2";
const USER: &str = "arn:aws:iam::111122223333:user/alice";
const FED: &str = "arn:aws:sts::111122223333:federated-user/bob";
const B_SESSION: &str = "arn:aws:sts::444455556666:assumed-role/app/s1";
const B_ROLE: &str = "arn:aws:iam::444455556666:role/app";
const INVOKE: &str = "lambda:InvokeFunction";
const BUCKET: &str = "arn:aws:s3:::my-bucket";
const OBJECT: &str = "arn:aws:s3:::my-bucket/key";

// ---------------------------------------------------------------- helpers

/// A `2012-10-17` document with these statements.
fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An identity-style statement list: `Allow action on resource`.
fn allow(action: &str, resource: &str) -> Value {
    doc(json!([{"Effect": "Allow", "Action": action, "Resource": resource}]))
}

fn deny(action: &str, resource: &str) -> Value {
    doc(json!([{"Effect": "Deny", "Action": action, "Resource": resource}]))
}

fn allow_all() -> Value {
    allow("*", "*")
}

/// A resource-policy `Allow` for `principal`.
fn grant(principal: Value, action: &str, resource: &str) -> Value {
    doc(
        json!([{"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}]),
    )
}

fn aws(principal: &str) -> Value {
    json!({ "AWS": principal })
}

fn compiled(kind: PolicyKind, document: Value) -> Arc<CompiledPolicy> {
    let policy = CompiledPolicy::from_value(&document, kind);
    assert!(
        policy.diagnostics().iter().all(|d| !d.is_error()),
        "{kind} policy has errors: {:?}",
        policy.diagnostics()
    );
    Arc::new(policy)
}

/// Builds a [`PolicySet`].
#[derive(Default)]
struct Policies(PolicySet);

impl Policies {
    fn new() -> Self {
        Self::default()
    }
    fn identity(mut self, d: Value) -> Self {
        self.0.identity.push(compiled(PolicyKind::Identity, d));
        self
    }
    fn resource(mut self, d: Value) -> Self {
        self.0.resource.push(compiled(PolicyKind::Resource, d));
        self
    }
    fn boundary(mut self, d: Value) -> Self {
        self.0.boundary.push(compiled(PolicyKind::Boundary, d));
        self
    }
    fn session(mut self, d: Value) -> Self {
        self.0.session.push(compiled(PolicyKind::Session, d));
        self
    }
    /// Adds one SCP level (root first).
    fn scp_level(mut self, docs: Vec<Value>) -> Self {
        self.0.scp.push(
            docs.into_iter()
                .map(|d| compiled(PolicyKind::Scp, d))
                .collect(),
        );
        self
    }
    /// Adds one RCP level.
    fn rcp_level(mut self, docs: Vec<Value>) -> Self {
        self.0.rcp.push(
            docs.into_iter()
                .map(|d| compiled(PolicyKind::Rcp, d))
                .collect(),
        );
        self
    }
    /// Adds a document without checking it compiles cleanly.
    fn raw(mut self, kind: PolicyKind, d: Value) -> Self {
        let p = Arc::new(CompiledPolicy::from_value(&d, kind));
        match kind {
            PolicyKind::Identity => self.0.identity.push(p),
            PolicyKind::Resource => self.0.resource.push(p),
            PolicyKind::Boundary => self.0.boundary.push(p),
            PolicyKind::Session => self.0.session.push(p),
            PolicyKind::Scp => self.0.scp.push(vec![p]),
            PolicyKind::Rcp => self.0.rcp.push(vec![p]),
        }
        self
    }
}

/// One request.
struct Call {
    principal: Principal,
    action: String,
    resource: String,
    resource_account: Option<String>,
    context: RequestContext,
}

fn call(principal: &str, action: &str, resource: &str) -> Call {
    Call {
        principal: Principal::parse(principal).unwrap(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_account: None,
        context: RequestContext::new(),
    }
}

impl Call {
    fn owned_by(mut self, account: &str) -> Self {
        self.resource_account = Some(account.to_owned());
        self
    }
    fn with(mut self, key: &str, value: &str) -> Self {
        self.context
            .insert(key, ContextValue::Single(value.to_owned()));
        self
    }
    fn request(&self) -> Request<'_> {
        Request {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: self.resource_account.as_deref(),
            context: &self.context,
        }
    }
    fn explain_with(&self, evaluator: &Evaluator, policies: &Policies) -> Response {
        let response = evaluator.evaluate(&self.request(), &policies.0);
        let bare = evaluator.decide(&self.request(), &policies.0);
        assert_eq!(
            response.decision, bare,
            "evaluate and decide disagree for {} {} {}",
            self.principal, self.action, self.resource
        );
        response
    }
    fn explain(&self, policies: &Policies) -> Response {
        self.explain_with(&Evaluator::new(), policies)
    }
    /// The decision (checked to be the same with and without explanation).
    fn decide(&self, policies: &Policies) -> Decision {
        self.explain(policies).decision
    }
}

// ---------------------------------------------------------------- Action / Resource basics (§3)

#[test]
fn identity_allow_grants_and_nothing_is_implicit_deny() {
    let c = call(SESSION, INVOKE, FN);
    assert_eq!(
        c.decide(&Policies::new().identity(allow(INVOKE, FN))),
        Allow
    );
    assert_eq!(c.decide(&Policies::new()), ImplicitDeny);
    assert_eq!(
        c.decide(&Policies::new().identity(allow(INVOKE, FN_PAYROLL))),
        ImplicitDeny
    );
    assert_eq!(
        c.decide(&Policies::new().identity(allow("s3:*", "*"))),
        ImplicitDeny
    );
}

#[test]
fn actions_ignore_case_and_glob() {
    let c = call(SESSION, INVOKE, FN);
    for pattern in [
        "LAMBDA:invokefunction",
        "lambda:Invoke*",
        "lambda:*",
        "*",
        "lambda:InvokeFunct?on",
        "Lambda:*Function",
    ] {
        assert_eq!(
            c.decide(&Policies::new().identity(allow(pattern, FN))),
            Allow,
            "{pattern}"
        );
    }
    for pattern in [
        "lambda:Invoke",
        "lambda:InvokeFunction?",
        "s3:InvokeFunction",
        "lambda:Get*",
    ] {
        assert_eq!(
            c.decide(&Policies::new().identity(allow(pattern, FN))),
            ImplicitDeny,
            "{pattern}"
        );
    }
}

#[test]
fn resources_are_case_sensitive_globs() {
    let c = call(SESSION, INVOKE, FN);
    let decide = |r: &str| c.decide(&Policies::new().identity(allow(INVOKE, r)));
    assert_eq!(
        decide("arn:aws:lambda:us-east-1:111122223333:function:Orders"),
        ImplicitDeny
    );
    assert_eq!(
        decide("arn:aws:lambda:us-east-1:111122223333:function:*"),
        Allow
    );
    assert_eq!(
        decide("arn:aws:lambda:*:111122223333:function:orders"),
        Allow
    );
    assert_eq!(
        decide("arn:aws:lambda:us-east-1:111122223333:function:order?"),
        Allow
    );
    assert_eq!(
        decide("arn:aws:lambda:us-east-1:111122223333:function:order"),
        ImplicitDeny
    );
    assert_eq!(decide("arn:aws:lambda:us-east-1:*"), Allow);
    assert_eq!(decide("*"), Allow);
}

#[test]
fn resource_star_spans_slashes_and_colons() {
    let stream = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:log-stream:2024/06/01/[$LATEST]abc";
    let c = call(SESSION, "logs:PutLogEvents", stream);
    let decide = |r: &str| c.decide(&Policies::new().identity(allow("logs:PutLogEvents", r)));
    assert_eq!(
        decide("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:*"),
        Allow
    );
    assert_eq!(
        decide("arn:aws:logs:us-east-1:111122223333:log-group:*"),
        Allow
    );
    // Regex characters are literal.
    assert_eq!(
        decide("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:log-stream:2024/06/01/[$LATEST]*"),
        Allow
    );
    assert_eq!(
        decide("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:log-stream:2024.06.01/*"),
        ImplicitDeny
    );
    assert_eq!(
        decide("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:log-stream:2024/06/01/[$LATEST].*"),
        ImplicitDeny
    );
}

#[test]
fn dynamodb_stream_arn_is_not_covered_by_the_table_arn() {
    let table = "arn:aws:dynamodb:us-east-1:111122223333:table/T";
    let stream = format!("{table}/stream/2024-06-01T00:00:00.000");
    let c = call(SESSION, "dynamodb:GetRecords", &stream);
    assert_eq!(
        c.decide(&Policies::new().identity(allow("dynamodb:GetRecords", table))),
        ImplicitDeny
    );
    assert_eq!(
        c.decide(
            &Policies::new().identity(allow("dynamodb:GetRecords", &format!("{table}/stream/*")))
        ),
        Allow
    );
}

#[test]
fn request_resource_star_is_only_matched_by_star() {
    let c = call(SESSION, "xray:PutTraceSegments", "*");
    assert_eq!(
        c.decide(&Policies::new().identity(allow("xray:PutTraceSegments", "*"))),
        Allow
    );
    assert_eq!(
        c.decide(&Policies::new().identity(allow(
            "xray:PutTraceSegments",
            "arn:aws:xray:us-east-1:111122223333:group/x"
        ))),
        ImplicitDeny
    );
}

#[test]
fn list_elements_are_ored_and_empty_lists_match_nothing() {
    let c = call(SESSION, INVOKE, FN);
    let two = doc(
        json!([{"Effect": "Allow", "Action": ["s3:GetObject", INVOKE], "Resource": [FN_PAYROLL, FN]}]),
    );
    assert_eq!(c.decide(&Policies::new().identity(two)), Allow);
    let no_resources = doc(json!([{"Effect": "Allow", "Action": INVOKE, "Resource": []}]));
    let no_actions = doc(json!([{"Effect": "Allow", "Action": [], "Resource": "*"}]));
    let p = |d: Value| Policies::new().raw(PolicyKind::Identity, d);
    assert_eq!(c.decide(&p(no_resources)), ImplicitDeny);
    assert_eq!(c.decide(&p(no_actions)), ImplicitDeny);
}

#[test]
fn statement_object_form_and_labels_are_inert() {
    let c = call(SESSION, INVOKE, FN);
    let object_form = json!({
        "Version": "2012-10-17",
        "Id": "default",
        "Statement": {"Sid": "One", "Effect": "Allow", "Action": INVOKE, "Resource": FN}
    });
    assert_eq!(c.decide(&Policies::new().identity(object_form)), Allow);
}

#[test]
fn not_action_allow_grants_everything_else() {
    let p = Policies::new().identity(doc(
        json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
    ));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
    assert_eq!(
        call(SESSION, "IAM:CreateUser", "*").decide(&p),
        ImplicitDeny
    );
}

#[test]
fn not_action_deny_denies_everything_else() {
    let p = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["lambda:Get*", "lambda:List*"], "Resource": "*"}
    ])));
    assert_eq!(call(SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
    assert_eq!(call(SESSION, "lambda:ListFunctions", "*").decide(&p), Allow);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn not_action_never_denies_by_itself() {
    // A Deny + NotAction with no Allow anywhere is an implicit deny for the
    // listed actions, not a grant.
    let p = Policies::new().identity(doc(json!([
        {"Effect": "Deny", "NotAction": "lambda:Get*", "Resource": "*"}
    ])));
    assert_eq!(
        call(SESSION, "lambda:GetFunction", FN).decide(&p),
        ImplicitDeny
    );
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn not_resource_allow_and_deny() {
    let allow_others = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": "lambda:*", "NotResource": FN_PAYROLL}
    ])));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&allow_others), Allow);
    assert_eq!(
        call(SESSION, INVOKE, FN_PAYROLL).decide(&allow_others),
        ImplicitDeny
    );
    let deny_others = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "NotResource": [FN, "arn:aws:s3:::*"]}
    ])));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&deny_others), Allow);
    assert_eq!(
        call(SESSION, "s3:GetObject", OBJECT).decide(&deny_others),
        Allow
    );
    assert_eq!(
        call(SESSION, INVOKE, FN_PAYROLL).decide(&deny_others),
        ExplicitDeny
    );
}

// ---------------------------------------------------------------- Lambda qualified ARNs (§7.1)

#[test]
fn lambda_qualified_arn_table() {
    let f = "arn:aws:lambda:us-east-1:111122223333:function:f";
    let requests = [
        f.to_owned(),
        format!("{f}:1"),
        format!("{f}:prod"),
        format!("{f}-admin"),
    ];
    // policy Resource → [unqualified, :1, :prod, f-admin]
    let table: [(String, [Decision; 4]); 5] = [
        (
            f.to_owned(),
            [Allow, ImplicitDeny, ImplicitDeny, ImplicitDeny],
        ),
        (
            format!("{f}:1"),
            [ImplicitDeny, Allow, ImplicitDeny, ImplicitDeny],
        ),
        (format!("{f}:*"), [ImplicitDeny, Allow, Allow, ImplicitDeny]),
        (format!("{f}*"), [Allow, Allow, Allow, Allow]),
        (
            format!("{f}:prod"),
            [ImplicitDeny, ImplicitDeny, Allow, ImplicitDeny],
        ),
    ];
    for (resource, expected) in &table {
        let p = Policies::new().identity(allow(INVOKE, resource));
        for (request, want) in requests.iter().zip(expected) {
            assert_eq!(
                call(SESSION, INVOKE, request).decide(&p),
                *want,
                "policy {resource}, request {request}"
            );
        }
    }
}

#[test]
fn lambda_latest_qualifier_is_literal() {
    let latest = "arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST";
    let p = Policies::new().identity(allow(INVOKE, latest));
    assert_eq!(call(SESSION, INVOKE, latest).decide(&p), Allow);
    assert_eq!(
        call(
            SESSION,
            INVOKE,
            "arn:aws:lambda:us-east-1:111122223333:function:f:LATEST"
        )
        .decide(&p),
        ImplicitDeny
    );
    assert_eq!(
        call(
            SESSION,
            INVOKE,
            "arn:aws:lambda:us-east-1:111122223333:function:f"
        )
        .decide(&p),
        ImplicitDeny
    );
}

#[test]
fn alias_policy_statement_on_unqualified_arn_does_not_match_alias() {
    let alias = format!("{FN}:prod");
    let on_function = grant(json!({"Service": "sns.amazonaws.com"}), INVOKE, FN);
    let on_alias = grant(json!({"Service": "sns.amazonaws.com"}), INVOKE, &alias);
    let c = call("sns.amazonaws.com", INVOKE, &alias);
    assert_eq!(
        c.decide(&Policies::new().resource(on_function)),
        ImplicitDeny
    );
    assert_eq!(c.decide(&Policies::new().resource(on_alias)), Allow);
}

// ---------------------------------------------------------------- explicit deny wins (§6.2 step 1)

#[test]
fn explicit_deny_in_identity_policy_wins() {
    let p = Policies::new()
        .identity(allow_all())
        .identity(deny(INVOKE, FN));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, INVOKE, FN_PAYROLL).decide(&p), Allow);
}

#[test]
fn explicit_deny_in_resource_policy_wins() {
    let p = Policies::new().identity(allow_all()).resource(doc(json!([
        {"Effect": "Deny", "Principal": "*", "Action": INVOKE, "Resource": FN}
    ])));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    // Even when the same resource policy also names the caller directly.
    let p = Policies::new().resource(doc(json!([
        {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": INVOKE, "Resource": FN},
        {"Effect": "Deny", "Principal": {"AWS": A}, "Action": INVOKE, "Resource": FN}
    ])));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn explicit_deny_in_identity_beats_a_direct_resource_grant() {
    let p = Policies::new()
        .identity(deny(INVOKE, "*"))
        .resource(grant(aws(USER), INVOKE, FN));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn explicit_deny_in_boundary_wins() {
    let boundary = doc(json!([
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": INVOKE, "Resource": "*"}
    ]));
    let p = Policies::new().identity(allow_all()).boundary(boundary);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
}

#[test]
fn explicit_deny_in_session_policy_wins() {
    let session = doc(json!([
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": INVOKE, "Resource": "*"}
    ]));
    let p = Policies::new().identity(allow_all()).session(session);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
}

#[test]
fn explicit_deny_in_scp_wins() {
    let p = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow_all(), deny(INVOKE, "*")]);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
}

#[test]
fn explicit_deny_in_rcp_wins() {
    let rcp = doc(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"}]),
    );
    let p = Policies::new().identity(allow_all()).rcp_level(vec![rcp]);
    assert_eq!(
        call(SESSION, "s3:DeleteObject", OBJECT).decide(&p),
        ExplicitDeny
    );
    assert_eq!(call(SESSION, "s3:GetObject", OBJECT).decide(&p), Allow);
}

#[test]
fn explicit_deny_in_cross_account_resource_policy_wins() {
    let p = Policies::new().identity(allow_all()).resource(doc(json!([
        {"Effect": "Allow", "Principal": {"AWS": B}, "Action": "lambda:*", "Resource": FN},
        {"Effect": "Deny", "Principal": {"AWS": B_ROLE}, "Action": INVOKE, "Resource": FN}
    ])));
    assert_eq!(call(B_SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(B_SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
}

// ---------------------------------------------------------------- conditions in statements (§4)

#[test]
fn condition_operators_and_keys_are_anded() {
    let p = Policies::new().identity(doc(json!([{
        "Effect": "Allow", "Action": INVOKE, "Resource": FN,
        "Condition": {
            "StringEquals": {"aws:PrincipalTag/team": "orders", "aws:RequestedRegion": "us-east-1"},
            "Bool": {"aws:SecureTransport": "true"}
        }
    }])));
    let full = || {
        call(SESSION, INVOKE, FN)
            .with("aws:PrincipalTag/team", "orders")
            .with("aws:RequestedRegion", "us-east-1")
            .with("aws:SecureTransport", "true")
    };
    assert_eq!(full().decide(&p), Allow);
    assert_eq!(
        full().with("aws:RequestedRegion", "eu-west-1").decide(&p),
        ImplicitDeny
    );
    assert_eq!(
        full().with("aws:SecureTransport", "false").decide(&p),
        ImplicitDeny
    );
    assert_eq!(
        call(SESSION, INVOKE, FN)
            .with("aws:PrincipalTag/team", "orders")
            .with("aws:SecureTransport", "true")
            .decide(&p),
        ImplicitDeny
    );
}

#[test]
fn empty_condition_block_is_true() {
    let p = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": INVOKE, "Resource": FN, "Condition": {}}
    ])));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
}

#[test]
fn bool_deny_does_not_fire_on_missing_key_but_bool_if_exists_does() {
    let with = |op: &str| {
        Policies::new().identity(allow_all()).identity(doc(json!([{
            "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {op: {"aws:SecureTransport": "false"}}
        }])))
    };
    let c = call(SESSION, INVOKE, FN);
    assert_eq!(c.decide(&with("Bool")), Allow);
    assert_eq!(c.decide(&with("BoolIfExists")), ExplicitDeny);
    let insecure = call(SESSION, INVOKE, FN).with("aws:SecureTransport", "false");
    assert_eq!(insecure.decide(&with("Bool")), ExplicitDeny);
    let secure = call(SESSION, INVOKE, FN).with("aws:SecureTransport", "true");
    assert_eq!(secure.decide(&with("BoolIfExists")), Allow);
}

#[test]
fn negated_arn_deny_hits_direct_callers_without_source_arn() {
    let p = Policies::new().identity(allow_all()).identity(doc(json!([{
        "Effect": "Deny", "Action": INVOKE, "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:*"}}
    }])));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(
        call(SESSION, INVOKE, FN)
            .with("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic")
            .decide(&p),
        Allow
    );
}

#[test]
fn for_all_values_in_an_allow_grants_requests_without_the_key() {
    let unguarded = doc(json!([{
        "Effect": "Allow", "Action": "lambda:TagResource", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}
    }]));
    let guarded = doc(json!([{
        "Effect": "Allow", "Action": "lambda:TagResource", "Resource": "*",
        "Condition": {
            "ForAllValues:StringEquals": {"aws:TagKeys": ["env"]},
            "Null": {"aws:TagKeys": "false"}
        }
    }]));
    let bare = call(SESSION, "lambda:TagResource", FN);
    assert_eq!(
        bare.decide(&Policies::new().identity(unguarded.clone())),
        Allow
    );
    assert_eq!(
        bare.decide(&Policies::new().identity(guarded.clone())),
        ImplicitDeny
    );
    let mut tagged = call(SESSION, "lambda:TagResource", FN);
    tagged.context.insert(
        "aws:TagKeys",
        ContextValue::Multi(vec!["env".into(), "cost".into()]),
    );
    assert_eq!(
        tagged.decide(&Policies::new().identity(unguarded)),
        ImplicitDeny
    );
    let mut ok = call(SESSION, "lambda:TagResource", FN);
    ok.context
        .insert("aws:TagKeys", ContextValue::Multi(vec!["env".into()]));
    assert_eq!(ok.decide(&Policies::new().identity(guarded)), Allow);
}

// ---------------------------------------------------------------- policy variables in Resource (§5)

#[test]
fn variable_in_resource_resolves_per_request() {
    let p = Policies::new().identity(allow(
        "s3:GetObject",
        "arn:aws:s3:::my-bucket/home/${aws:username}/*",
    ));
    let get = |who: &str, key: &str| {
        call(USER, "s3:GetObject", &format!("{BUCKET}/{key}")).with("aws:username", who)
    };
    assert_eq!(get("alice", "home/alice/a.txt").decide(&p), Allow);
    assert_eq!(get("alice", "home/bob/a.txt").decide(&p), ImplicitDeny);
    // Roles have no aws:username: the entry matches nothing.
    assert_eq!(
        call(SESSION, "s3:GetObject", &format!("{BUCKET}/home//a.txt")).decide(&p),
        ImplicitDeny
    );
    assert_eq!(
        call(
            SESSION,
            "s3:GetObject",
            &format!("{BUCKET}/home/${{aws:username}}/a.txt")
        )
        .decide(&p),
        ImplicitDeny
    );
}

#[test]
fn unresolved_variable_in_not_resource_matches_nothing() {
    // NotResource with an entry that matches nothing excludes nothing.
    let p = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::my-bucket/${aws:username}/*"}
    ])));
    assert_eq!(
        call(SESSION, "s3:GetObject", &format!("{BUCKET}/x/a")).decide(&p),
        Allow
    );
    assert_eq!(
        call(USER, "s3:GetObject", &format!("{BUCKET}/alice/a"))
            .with("aws:username", "alice")
            .decide(&p),
        ImplicitDeny
    );
}

#[test]
fn legacy_or_missing_version_makes_variables_literal() {
    let resource = "arn:aws:s3:::my-bucket/home/${aws:username}/*";
    for version in [Some("2008-10-17"), None] {
        let mut d = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]});
        if let Some(v) = version {
            d["Version"] = v.into();
        }
        let p = Policies::new().identity(d);
        let literal = call(
            USER,
            "s3:GetObject",
            &format!("{BUCKET}/home/${{aws:username}}/x"),
        )
        .with("aws:username", "alice");
        assert_eq!(literal.decide(&p), Allow, "{version:?}");
        let resolved = call(USER, "s3:GetObject", &format!("{BUCKET}/home/alice/x"))
            .with("aws:username", "alice");
        assert_eq!(resolved.decide(&p), ImplicitDeny, "{version:?}");
    }
}

#[test]
fn resource_variable_defaults_and_escapes() {
    let p = Policies::new().identity(allow(
        "s3:GetObject",
        "arn:aws:s3:::my-bucket/${aws:PrincipalTag/team, 'shared'}/*",
    ));
    assert_eq!(
        call(SESSION, "s3:GetObject", &format!("{BUCKET}/shared/x")).decide(&p),
        Allow
    );
    assert_eq!(
        call(SESSION, "s3:GetObject", &format!("{BUCKET}/red/x"))
            .with("aws:PrincipalTag/team", "red")
            .decide(&p),
        Allow
    );
    assert_eq!(
        call(SESSION, "s3:GetObject", &format!("{BUCKET}/shared/x"))
            .with("aws:PrincipalTag/team", "red")
            .decide(&p),
        ImplicitDeny
    );
    let literal_star =
        Policies::new().identity(allow("s3:GetObject", "arn:aws:s3:::my-bucket/${*}"));
    assert_eq!(
        call(SESSION, "s3:GetObject", "arn:aws:s3:::my-bucket/*").decide(&literal_star),
        Allow
    );
    assert_eq!(
        call(SESSION, "s3:GetObject", OBJECT).decide(&literal_star),
        ImplicitDeny
    );
}

// ---------------------------------------------------------------- same account (§6.2 step 5)

#[test]
fn same_account_identity_or_resource_policy_suffices() {
    let c = call(USER, INVOKE, FN);
    assert_eq!(
        c.decide(&Policies::new().identity(allow(INVOKE, FN))),
        Allow
    );
    assert_eq!(
        c.decide(&Policies::new().resource(grant(aws(USER), INVOKE, FN))),
        Allow
    );
    assert_eq!(
        c.decide(&Policies::new().resource(grant(
            aws("arn:aws:iam::111122223333:user/bob"),
            INVOKE,
            FN
        ))),
        ImplicitDeny
    );
    // The resource policy must cover the action, too.
    assert_eq!(
        c.decide(&Policies::new().resource(grant(aws(USER), "lambda:GetFunction", FN))),
        ImplicitDeny
    );
}

#[test]
fn same_account_role_arn_grant_covers_its_sessions() {
    let p = Policies::new().resource(grant(aws(ROLE), INVOKE, FN));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
    assert_eq!(call(OTHER_SESSION, INVOKE, FN).decide(&p), Allow);
    assert_eq!(
        call(
            "arn:aws:sts::111122223333:assumed-role/batch/s1",
            INVOKE,
            FN
        )
        .decide(&p),
        ImplicitDeny
    );
    // The role path is not part of the session ARN.
    let with_path = Policies::new().resource(grant(
        aws("arn:aws:iam::111122223333:role/service-role/app"),
        INVOKE,
        FN,
    ));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&with_path), Allow);
}

#[test]
fn session_arn_grant_covers_only_that_session() {
    let p = Policies::new().resource(grant(aws(SESSION), INVOKE, FN));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
    assert_eq!(call(OTHER_SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn principal_arns_are_case_sensitive() {
    let p = Policies::new().resource(grant(
        aws("arn:aws:iam::111122223333:user/Alice"),
        INVOKE,
        FN,
    ));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn several_principals_are_ored() {
    let p = Policies::new().resource(grant(
        json!({"AWS": ["arn:aws:iam::111122223333:user/bob", USER], "Service": "sns.amazonaws.com"}),
        INVOKE,
        FN,
    ));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), Allow);
    assert_eq!(call("sns.amazonaws.com", INVOKE, FN).decide(&p), Allow);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn partial_wildcard_principal_never_matches() {
    let p = Policies::new().raw(
        PolicyKind::Resource,
        grant(aws("arn:aws:iam::111122223333:role/*"), INVOKE, FN),
    );
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert!(r
        .errors
        .iter()
        .any(|(at, d)| at.kind == PolicyKind::Resource && d.is_error()));
}

#[test]
fn star_principal_grants_same_account_callers_directly() {
    let p = Policies::new().resource(grant(json!("*"), INVOKE, FN));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), Allow);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
}

// ---------------------------------------------------------------- account principal (§6.4)

#[test]
fn account_principal_delegates_to_identity_policies() {
    for form in [A, "arn:aws:iam::111122223333:root"] {
        let resource = grant(aws(form), INVOKE, FN);
        let alone = Policies::new().resource(resource.clone());
        assert_eq!(
            call(SESSION, INVOKE, FN).decide(&alone),
            ImplicitDeny,
            "{form}"
        );
        assert_eq!(
            call(USER, INVOKE, FN).decide(&alone),
            ImplicitDeny,
            "{form}"
        );
        let with_identity = Policies::new()
            .resource(resource)
            .identity(allow(INVOKE, FN));
        assert_eq!(
            call(SESSION, INVOKE, FN).decide(&with_identity),
            Allow,
            "{form}"
        );
    }
}

#[test]
fn account_principal_grant_is_limited_by_boundary() {
    let p = Policies::new()
        .resource(grant(aws(A), INVOKE, FN))
        .identity(allow(INVOKE, FN))
        .boundary(allow("s3:*", "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn account_principal_never_matches_services_or_anonymous() {
    let p = Policies::new().resource(grant(aws(A), INVOKE, FN));
    assert_eq!(
        call("sns.amazonaws.com", INVOKE, FN).decide(&p),
        ImplicitDeny
    );
    assert_eq!(call("anonymous", INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn deny_to_an_account_hits_its_principals() {
    let p = Policies::new().identity(allow_all()).resource(doc(json!([
        {"Effect": "Deny", "Principal": {"AWS": A}, "Action": INVOKE, "Resource": FN}
    ])));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
}

// ---------------------------------------------------------------- §6.4 boundaries and session policies

#[test]
fn role_arn_grant_is_limited_by_boundary() {
    let base = || Policies::new().resource(grant(aws(ROLE), INVOKE, FN));
    assert_eq!(
        call(SESSION, INVOKE, FN).decide(&base().boundary(allow("s3:*", "*"))),
        ImplicitDeny
    );
    assert_eq!(
        call(SESSION, INVOKE, FN).decide(&base().boundary(allow("lambda:*", "*"))),
        Allow
    );
}

#[test]
fn role_arn_grant_is_limited_by_session_policy() {
    let base = || Policies::new().resource(grant(aws(ROLE), INVOKE, FN));
    assert_eq!(
        call(SESSION, INVOKE, FN).decide(&base().session(allow("s3:*", "*"))),
        ImplicitDeny
    );
    assert_eq!(
        call(SESSION, INVOKE, FN).decide(&base().session(allow(INVOKE, FN))),
        Allow
    );
}

#[test]
fn session_arn_grant_is_not_limited() {
    let p = Policies::new()
        .resource(grant(aws(SESSION), INVOKE, FN))
        .boundary(allow("s3:*", "*"))
        .session(allow("s3:*", "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
}

#[test]
fn user_arn_grant_is_not_limited_by_boundary() {
    let p = Policies::new()
        .resource(grant(aws(USER), INVOKE, FN))
        .boundary(allow("s3:*", "*"));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), Allow);
}

#[test]
fn unlimited_grants_still_lose_to_denies_in_boundary_and_session_policy() {
    let p = Policies::new()
        .resource(grant(aws(SESSION), INVOKE, FN))
        .session(deny(INVOKE, "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
    let p = Policies::new()
        .resource(grant(aws(USER), INVOKE, FN))
        .boundary(deny(INVOKE, "*"));
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn identity_path_is_limited_by_boundary_and_session_policy() {
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .boundary(allow("s3:*", "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ImplicitDeny);
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .session(allow("s3:*", "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
    // A boundary never grants on its own; a session policy neither.
    let p = Policies::new().boundary(allow_all()).session(allow_all());
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
    // All three allow: Allow.
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .boundary(allow("lambda:*", "*"))
        .session(allow(INVOKE, "*"));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
}

#[test]
fn role_session_without_session_policy_is_fine() {
    let p = Policies::new().identity(allow(INVOKE, FN));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), Allow);
}

#[test]
fn federated_user_session_needs_a_session_policy() {
    let without = Policies::new().identity(allow(INVOKE, FN));
    assert_eq!(call(FED, INVOKE, FN).decide(&without), ImplicitDeny);
    let r = call(FED, INVOKE, FN).explain(&without);
    assert!(
        r.notes
            .contains(&Note::FederatedSessionWithoutSessionPolicy),
        "{:?}",
        r.notes
    );
    let with = Policies::new()
        .identity(allow(INVOKE, FN))
        .session(allow("lambda:*", "*"));
    assert_eq!(call(FED, INVOKE, FN).decide(&with), Allow);
    let narrow = Policies::new()
        .identity(allow(INVOKE, FN))
        .session(allow("s3:*", "*"));
    assert_eq!(call(FED, INVOKE, FN).decide(&narrow), ImplicitDeny);
}

#[test]
fn federated_user_arn_grant_is_direct() {
    // No session policy, no identity policy: the direct grant suffices.
    let p = Policies::new().resource(grant(aws(FED), INVOKE, FN));
    assert_eq!(call(FED, INVOKE, FN).decide(&p), Allow);
    // ...and is not limited by a session policy (§6.4).
    let p = Policies::new()
        .resource(grant(aws(FED), INVOKE, FN))
        .session(allow("s3:*", "*"));
    assert_eq!(call(FED, INVOKE, FN).decide(&p), Allow);
    // An account grant needs the identity path, which needs a session policy.
    let p = Policies::new()
        .resource(grant(aws(A), INVOKE, FN))
        .identity(allow(INVOKE, FN));
    assert_eq!(call(FED, INVOKE, FN).decide(&p), ImplicitDeny);
    let other = "arn:aws:sts::111122223333:federated-user/carol";
    let p = Policies::new().resource(grant(aws(other), INVOKE, FN));
    assert_eq!(call(FED, INVOKE, FN).decide(&p), ImplicitDeny);
}

// ---------------------------------------------------------------- cross account (§6.2 step 6)

#[test]
fn cross_account_needs_both_sides() {
    let c = call(B_SESSION, INVOKE, FN);
    let identity = || allow(INVOKE, FN);
    let resource = || grant(aws(B_ROLE), INVOKE, FN);
    assert_eq!(
        c.decide(&Policies::new().identity(identity())),
        ImplicitDeny
    );
    assert_eq!(
        c.decide(&Policies::new().resource(resource())),
        ImplicitDeny
    );
    assert_eq!(
        c.decide(&Policies::new().identity(identity()).resource(resource())),
        Allow
    );
}

#[test]
fn cross_account_grant_forms() {
    let c = call(B_SESSION, INVOKE, FN);
    for principal in [
        aws(B),
        aws("arn:aws:iam::444455556666:root"),
        aws(B_ROLE),
        aws(B_SESSION),
        json!("*"),
    ] {
        let p = Policies::new().identity(allow(INVOKE, FN)).resource(grant(
            principal.clone(),
            INVOKE,
            FN,
        ));
        assert_eq!(c.decide(&p), Allow, "{principal}");
    }
    // Naming the resource's own account does not admit another account.
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .resource(grant(aws(A), INVOKE, FN));
    assert_eq!(c.decide(&p), ImplicitDeny);
    // Same role name, other account.
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .resource(grant(aws(ROLE), INVOKE, FN));
    assert_eq!(c.decide(&p), ImplicitDeny);
}

#[test]
fn cross_account_direct_grants_are_limited_by_caller_side_policies() {
    let c = call(B_SESSION, INVOKE, FN);
    let grant_session = || grant(aws(B_SESSION), INVOKE, FN);
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .boundary(allow("s3:*", "*"))
        .resource(grant_session());
    assert_eq!(c.decide(&p), ImplicitDeny);
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .session(allow("s3:*", "*"))
        .resource(grant_session());
    assert_eq!(c.decide(&p), ImplicitDeny);
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .resource(grant_session())
        .scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(c.decide(&p), ImplicitDeny);
}

#[test]
fn resource_account_decides_same_or_cross_account() {
    // S3 ARNs carry no account: resource_account says who owns the bucket.
    let same = call(SESSION, "s3:GetObject", OBJECT).owned_by(A);
    let cross = call(SESSION, "s3:GetObject", OBJECT).owned_by(B);
    let p = Policies::new().identity(allow("s3:GetObject", "*"));
    assert_eq!(same.decide(&p), Allow);
    assert_eq!(cross.decide(&p), ImplicitDeny);
    let both = Policies::new()
        .identity(allow("s3:GetObject", "*"))
        .resource(grant(aws(A), "s3:GetObject", "arn:aws:s3:::my-bucket/*"));
    assert_eq!(cross.decide(&both), Allow);
    // A function ARN names its account.
    assert_eq!(
        call(SESSION, INVOKE, FN_B).decide(&Policies::new().identity(allow_all())),
        ImplicitDeny
    );
}

// ---------------------------------------------------------------- NotPrincipal (§1.3)

fn deny_not_principal(listed: &[&str]) -> Value {
    doc(json!([
        {"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": FN},
        {"Effect": "Deny", "NotPrincipal": {"AWS": listed}, "Action": INVOKE, "Resource": FN}
    ]))
}

#[test]
fn not_principal_spares_a_session_only_with_session_role_and_account() {
    let all = Policies::new()
        .identity(allow(INVOKE, FN))
        .resource(deny_not_principal(&[SESSION, ROLE, A]));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&all), Allow);
    // Another session of the same role is not listed.
    assert_eq!(call(OTHER_SESSION, INVOKE, FN).decide(&all), ExplicitDeny);
    assert_eq!(call(USER, INVOKE, FN).decide(&all), ExplicitDeny);
    for partial in [
        &[ROLE, A][..],
        &[SESSION, A][..],
        &[SESSION, ROLE][..],
        &[SESSION][..],
    ] {
        let p = Policies::new()
            .identity(allow(INVOKE, FN))
            .resource(deny_not_principal(partial));
        assert_eq!(
            call(SESSION, INVOKE, FN).decide(&p),
            ExplicitDeny,
            "{partial:?}"
        );
    }
}

#[test]
fn deny_not_principal_always_hits_a_principal_with_a_boundary() {
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .boundary(allow_all())
        .resource(deny_not_principal(&[SESSION, ROLE, A]));
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ExplicitDeny);
}

#[test]
fn deny_not_principal_spares_a_listed_service() {
    let p = Policies::new().resource(doc(json!([
        {"Effect": "Allow", "Principal": {"Service": ["sns.amazonaws.com", "events.amazonaws.com"]}, "Action": INVOKE, "Resource": FN},
        {"Effect": "Deny", "NotPrincipal": {"Service": "sns.amazonaws.com"}, "Action": INVOKE, "Resource": FN}
    ])));
    assert_eq!(call("sns.amazonaws.com", INVOKE, FN).decide(&p), Allow);
    assert_eq!(
        call("events.amazonaws.com", INVOKE, FN).decide(&p),
        ExplicitDeny
    );
}

// ---------------------------------------------------------------- trust and key policies (§6.2, §7.3)

const TARGET_ROLE: &str = "arn:aws:iam::111122223333:role/target";

fn trust(principal: Value) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
}

#[test]
fn assume_role_needs_the_trust_policy_even_in_the_same_account() {
    let c = call(USER, "sts:AssumeRole", TARGET_ROLE);
    let identity = || allow("sts:AssumeRole", TARGET_ROLE);
    // Identity Allow alone is not enough.
    let alone = Policies::new().identity(identity());
    assert_eq!(c.decide(&alone), ImplicitDeny);
    let r = c.explain(&alone);
    assert!(
        r.notes.contains(&Note::ResourcePolicyMustNameCaller),
        "{:?}",
        r.notes
    );
    // A trust policy that names someone else is not enough either.
    let other = Policies::new()
        .identity(identity())
        .resource(trust(aws("arn:aws:iam::111122223333:user/bob")));
    assert_eq!(c.decide(&other), ImplicitDeny);
    // Trusting the account delegates to the identity policy.
    let account = Policies::new().identity(identity()).resource(trust(aws(A)));
    assert_eq!(c.decide(&account), Allow);
    assert_eq!(
        c.decide(&Policies::new().resource(trust(aws(A)))),
        ImplicitDeny
    );
    // Naming the user directly suffices without an identity policy.
    assert_eq!(c.decide(&Policies::new().resource(trust(aws(USER)))), Allow);
}

#[test]
fn trust_actions_are_recognised_in_any_case() {
    let p = Policies::new().identity(allow("sts:AssumeRole", "*"));
    assert_eq!(
        call(USER, "STS:assumerole", TARGET_ROLE).decide(&p),
        ImplicitDeny
    );
    let p = p.resource(trust(aws(A)));
    assert_eq!(call(USER, "STS:assumerole", TARGET_ROLE).decide(&p), Allow);
}

#[test]
fn cross_account_assume_role() {
    let c = call(B_SESSION, "sts:AssumeRole", TARGET_ROLE);
    let both = Policies::new()
        .identity(allow("sts:AssumeRole", TARGET_ROLE))
        .resource(trust(aws(B)));
    assert_eq!(c.decide(&both), Allow);
    assert_eq!(
        c.decide(&Policies::new().resource(trust(aws(B_ROLE)))),
        ImplicitDeny
    );
    assert_eq!(
        c.decide(&Policies::new().identity(allow("sts:AssumeRole", "*"))),
        ImplicitDeny
    );
}

#[test]
fn web_identity_and_saml_federation_trust() {
    let web = Policies::new().resource(doc(json!([{
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}}
    }])));
    let assume = || {
        call(
            "cognito-identity.amazonaws.com",
            "sts:AssumeRoleWithWebIdentity",
            TARGET_ROLE,
        )
    };
    assert_eq!(
        assume()
            .with("cognito-identity.amazonaws.com:aud", "us-east-1:pool")
            .decide(&web),
        Allow
    );
    assert_eq!(
        assume()
            .with("cognito-identity.amazonaws.com:aud", "us-east-1:other")
            .decide(&web),
        ImplicitDeny
    );
    let provider = "arn:aws:iam::111122223333:saml-provider/Okta";
    let saml = Policies::new().resource(doc(json!([{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithSAML"
    }])));
    assert_eq!(
        call(provider, "sts:AssumeRoleWithSAML", TARGET_ROLE).decide(&saml),
        Allow
    );
    assert_eq!(
        call(
            "arn:aws:iam::111122223333:saml-provider/Other",
            "sts:AssumeRoleWithSAML",
            TARGET_ROLE
        )
        .decide(&saml),
        ImplicitDeny
    );
}

#[test]
fn lambda_service_assumes_its_execution_role() {
    let p = Policies::new().resource(trust(json!({"Service": "lambda.amazonaws.com"})));
    assert_eq!(
        call("lambda.amazonaws.com", "sts:AssumeRole", TARGET_ROLE).decide(&p),
        Allow
    );
    assert_eq!(
        call("ec2.amazonaws.com", "sts:AssumeRole", TARGET_ROLE).decide(&p),
        ImplicitDeny
    );
    // Without a trust policy nobody may assume the role.
    assert_eq!(
        call("lambda.amazonaws.com", "sts:AssumeRole", TARGET_ROLE).decide(&Policies::new()),
        ImplicitDeny
    );
}

#[test]
fn trust_policy_confused_deputy_guard() {
    let p = Policies::new().resource(doc(json!([{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": A}}
    }])));
    let assume = || call("lambda.amazonaws.com", "sts:AssumeRole", TARGET_ROLE);
    assert_eq!(assume().with("aws:SourceAccount", A).decide(&p), Allow);
    assert_eq!(
        assume().with("aws:SourceAccount", B).decide(&p),
        ImplicitDeny
    );
    assert_eq!(assume().decide(&p), ImplicitDeny);
}

#[test]
fn kms_key_policy_must_allow_even_in_the_same_account() {
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let c = call(SESSION, "kms:Decrypt", key);
    let identity = || allow("kms:Decrypt", "*");
    assert_eq!(
        c.decide(&Policies::new().identity(identity())),
        ImplicitDeny
    );
    let root = Policies::new().identity(identity()).resource(grant(
        aws("arn:aws:iam::111122223333:root"),
        "kms:*",
        "*",
    ));
    assert_eq!(c.decide(&root), Allow);
    let direct = Policies::new().resource(grant(aws(ROLE), "kms:Decrypt", "*"));
    assert_eq!(c.decide(&direct), Allow);
}

#[test]
fn ordinary_same_account_actions_need_no_resource_policy() {
    // Contrast with trust and key policies.
    let p = Policies::new().identity(allow("sqs:SendMessage", "*"));
    assert_eq!(
        call(
            SESSION,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:q"
        )
        .decide(&p),
        Allow
    );
}

// ---------------------------------------------------------------- SCPs (§6.3)

#[test]
fn every_scp_level_must_allow() {
    let c = call(SESSION, INVOKE, FN);
    let both = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow_all()])
        .scp_level(vec![allow("lambda:*", "*")]);
    assert_eq!(c.decide(&both), Allow);
    let ou_narrow = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow_all()])
        .scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(c.decide(&ou_narrow), ImplicitDeny);
    let r = c.explain(&ou_narrow);
    assert!(
        r.notes.contains(&Note::ScpLevelDoesNotAllow { level: 1 }),
        "{:?}",
        r.notes
    );
    // Several SCPs at one level: any of them may allow.
    let two_at_a_level = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow("s3:*", "*"), allow("lambda:*", "*")]);
    assert_eq!(c.decide(&two_at_a_level), Allow);
}

#[test]
fn scp_statements_evaluate_like_identity_statements() {
    let not_iam = doc(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]));
    let conditional = doc(json!([{
        "Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}
    }]));
    let p = Policies::new()
        .identity(allow_all())
        .scp_level(vec![not_iam])
        .scp_level(vec![conditional]);
    let east = |action: &str, resource: &str| {
        call(SESSION, action, resource).with("aws:RequestedRegion", "us-east-1")
    };
    assert_eq!(east(INVOKE, FN).decide(&p), Allow);
    assert_eq!(east("iam:CreateUser", "*").decide(&p), ImplicitDeny);
    assert_eq!(
        call(SESSION, INVOKE, FN)
            .with("aws:RequestedRegion", "eu-west-1")
            .decide(&p),
        ImplicitDeny
    );
}

#[test]
fn scps_never_grant() {
    let p = Policies::new().scp_level(vec![allow_all()]);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn scp_without_allow_is_implicit_not_explicit_deny() {
    let p = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
    // Also when the level's only policy has no statements for the action.
    let p = Policies::new()
        .identity(allow_all())
        .scp_level(vec![allow_all()])
        .scp_level(vec![deny("s3:*", "*")]);
    assert_eq!(call(SESSION, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn scps_also_limit_resource_policy_grants() {
    let p = Policies::new()
        .resource(grant(aws(USER), INVOKE, FN))
        .scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(call(USER, INVOKE, FN).decide(&p), ImplicitDeny);
}

#[test]
fn scps_do_not_apply_to_service_principals() {
    let p = Policies::new()
        .resource(grant(json!({"Service": "sns.amazonaws.com"}), INVOKE, FN))
        .scp_level(vec![deny("*", "*")])
        .scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(call("sns.amazonaws.com", INVOKE, FN).decide(&p), Allow);
}

#[test]
fn scps_do_not_apply_to_service_linked_roles() {
    let slr = "arn:aws:iam::111122223333:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR";
    let p = Policies::new()
        .identity(allow_all())
        .scp_level(vec![deny("*", "*")]);
    assert_eq!(call(slr, "ec2:DescribeInstances", "*").decide(&p), Allow);
    // An ordinary role is subject to them.
    assert_eq!(
        call(ROLE, "ec2:DescribeInstances", "*").decide(&p),
        ExplicitDeny
    );
}

#[test]
fn scps_apply_to_the_member_account_root_user() {
    let root = "arn:aws:iam::111122223333:root";
    let denied = Policies::new().scp_level(vec![allow_all(), deny(INVOKE, "*")]);
    assert_eq!(call(root, INVOKE, FN).decide(&denied), ExplicitDeny);
    let gap = Policies::new().scp_level(vec![allow("s3:*", "*")]);
    assert_eq!(call(root, INVOKE, FN).decide(&gap), ImplicitDeny);
}

#[test]
fn lambda_source_function_arn_scp() {
    // The L-EXEC SCP: deny unless from the VPC or from the function.
    let scp = doc(json!([
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {
            "StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-12345678"},
            "ArnNotEqualsIfExists": {"lambda:SourceFunctionArn": FN}
         }}
    ]));
    let p = Policies::new().identity(allow_all()).scp_level(vec![scp]);
    let get = || call(SESSION, "s3:GetObject", OBJECT);
    assert_eq!(get().decide(&p), ExplicitDeny);
    assert_eq!(get().with("lambda:SourceFunctionArn", FN).decide(&p), Allow);
    assert_eq!(
        get().with("aws:SourceVpc", "vpc-12345678").decide(&p),
        Allow
    );
    assert_eq!(
        get()
            .with("lambda:SourceFunctionArn", FN_PAYROLL)
            .with("aws:SourceVpc", "vpc-other")
            .decide(&p),
        ExplicitDeny
    );
}

// ---------------------------------------------------------------- RCPs (§6.3)

fn rcp_deny_outside_org() -> Value {
    doc(json!([{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-example"}}
    }]))
}

#[test]
fn rcp_has_an_implicit_allow() {
    // An RCP level with only Deny statements does not make an implicit deny.
    let p = Policies::new()
        .identity(allow("s3:GetObject", "*"))
        .rcp_level(vec![deny_rcp("s3:DeleteObject")]);
    assert_eq!(call(SESSION, "s3:GetObject", OBJECT).decide(&p), Allow);
}

fn deny_rcp(action: &str) -> Value {
    doc(json!([{"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}]))
}

#[test]
fn rcps_never_grant() {
    let full_access =
        doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]));
    let p = Policies::new().rcp_level(vec![full_access.clone()]);
    assert_eq!(
        call(B_SESSION, "s3:GetObject", OBJECT)
            .owned_by(A)
            .decide(&p),
        ImplicitDeny
    );
    assert_eq!(
        call("anonymous", "s3:GetObject", OBJECT)
            .owned_by(A)
            .decide(&p),
        ImplicitDeny
    );
    // RCPFullAWSAccess next to a Deny: the Deny still applies.
    let p = Policies::new()
        .identity(allow_all())
        .rcp_level(vec![full_access, deny_rcp("s3:DeleteObject")]);
    assert_eq!(
        call(SESSION, "s3:DeleteObject", OBJECT).decide(&p),
        ExplicitDeny
    );
    assert_eq!(call(SESSION, "s3:GetObject", OBJECT).decide(&p), Allow);
}

#[test]
fn rcp_denies_outside_org_principals() {
    let base = || {
        Policies::new()
            .identity(allow("s3:GetObject", "*"))
            .resource(grant(aws(B), "s3:GetObject", "arn:aws:s3:::my-bucket/*"))
            .rcp_level(vec![rcp_deny_outside_org()])
    };
    let from_b = || call(B_SESSION, "s3:GetObject", OBJECT).owned_by(A);
    assert_eq!(
        from_b()
            .with("aws:PrincipalOrgID", "o-other")
            .decide(&base()),
        ExplicitDeny
    );
    assert_eq!(
        from_b()
            .with("aws:PrincipalOrgID", "o-example")
            .decide(&base()),
        Allow
    );
}

#[test]
fn rcp_denies_apply_to_service_principals() {
    let p = Policies::new()
        .resource(grant(
            json!({"Service": "cloudtrail.amazonaws.com"}),
            "s3:PutObject",
            "arn:aws:s3:::my-bucket/*",
        ))
        .rcp_level(vec![deny_rcp("s3:PutObject")]);
    let c = call("cloudtrail.amazonaws.com", "s3:PutObject", OBJECT).owned_by(A);
    assert_eq!(c.decide(&p), ExplicitDeny);
    let without_rcp = Policies::new().resource(grant(
        json!({"Service": "cloudtrail.amazonaws.com"}),
        "s3:PutObject",
        "arn:aws:s3:::my-bucket/*",
    ));
    assert_eq!(c.decide(&without_rcp), Allow);
}

#[test]
fn rcps_only_govern_the_configured_services() {
    let p = Policies::new()
        .identity(allow_all())
        .rcp_level(vec![deny_rcp("*")]);
    let evaluator = Evaluator::new().with_rcp_services(["s3".to_owned()]);
    let s3 = call(SESSION, "s3:GetObject", OBJECT);
    let sqs = call(
        SESSION,
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111122223333:q",
    );
    assert_eq!(s3.explain_with(&evaluator, &p).decision, ExplicitDeny);
    assert_eq!(sqs.explain_with(&evaluator, &p).decision, Allow);
}

// ---------------------------------------------------------------- service principals (§6.2 step 4, §7.2)

fn s3_trigger_policy() -> Value {
    doc(json!([{
        "Sid": "s3-invoke",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": FN,
        "Condition": {
            "ArnLike": {"AWS:SourceArn": BUCKET},
            "StringEquals": {"AWS:SourceAccount": A}
        }
    }]))
}

#[test]
fn s3_trigger_with_source_arn_and_source_account() {
    let p = Policies::new().resource(s3_trigger_policy());
    let invoke = || call("s3.amazonaws.com", INVOKE, FN);
    assert_eq!(
        invoke()
            .with("aws:SourceArn", BUCKET)
            .with("aws:SourceAccount", A)
            .decide(&p),
        Allow
    );
    assert_eq!(
        invoke()
            .with("aws:SourceArn", "arn:aws:s3:::other-bucket")
            .with("aws:SourceAccount", A)
            .decide(&p),
        ImplicitDeny,
        "other bucket"
    );
    assert_eq!(
        invoke()
            .with("aws:SourceArn", BUCKET)
            .with("aws:SourceAccount", B)
            .decide(&p),
        ImplicitDeny,
        "bucket re-created in another account"
    );
    assert_eq!(
        invoke().with("aws:SourceArn", BUCKET).decide(&p),
        ImplicitDeny,
        "missing SourceAccount"
    );
    assert_eq!(
        call("sns.amazonaws.com", INVOKE, FN)
            .with("aws:SourceArn", BUCKET)
            .with("aws:SourceAccount", A)
            .decide(&p),
        ImplicitDeny,
        "wrong service"
    );
}

#[test]
fn service_principals_ignore_identity_side_policies() {
    let p = Policies::new()
        .resource(grant(
            json!({"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}),
            INVOKE,
            FN,
        ))
        .identity(deny("*", "*"))
        .boundary(deny("*", "*"));
    let r = call("sns.amazonaws.com", INVOKE, FN).explain(&p);
    assert_eq!(r.decision, Allow);
    assert!(
        r.notes.contains(&Note::IdentityPoliciesIgnored),
        "{:?}",
        r.notes
    );
    assert_eq!(call("events.amazonaws.com", INVOKE, FN).decide(&p), Allow);
    assert_eq!(
        call("s3.amazonaws.com", INVOKE, FN).decide(&p),
        ImplicitDeny
    );
}

#[test]
fn service_principal_without_resource_policy_is_implicitly_denied() {
    let p = Policies::new().identity(allow_all());
    let r = call("sns.amazonaws.com", INVOKE, FN).explain(&p);
    assert_eq!(r.decision, ImplicitDeny);
    assert!(
        r.notes.contains(&Note::ResourcePolicyDoesNotAllow),
        "{:?}",
        r.notes
    );
}

#[test]
fn eventbridge_rule_wildcard_in_source_arn() {
    let p = Policies::new().resource(doc(json!([{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": INVOKE, "Resource": FN,
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:111122223333:rule/nightly-*"}}
    }])));
    let invoke = |rule: &str| call("events.amazonaws.com", INVOKE, FN).with("aws:SourceArn", rule);
    assert_eq!(
        invoke("arn:aws:events:us-east-1:111122223333:rule/nightly-sync").decide(&p),
        Allow
    );
    assert_eq!(
        invoke("arn:aws:events:us-east-1:111122223333:rule/hourly").decide(&p),
        ImplicitDeny
    );
}

// ---------------------------------------------------------------- anonymous callers and "*"

#[test]
fn anonymous_callers_need_a_star_grant() {
    let c = call("anonymous", "s3:GetObject", OBJECT).owned_by(A);
    let star = Policies::new().resource(grant(
        json!("*"),
        "s3:GetObject",
        "arn:aws:s3:::my-bucket/*",
    ));
    assert_eq!(c.decide(&star), Allow);
    let aws_star =
        Policies::new().resource(grant(aws("*"), "s3:GetObject", "arn:aws:s3:::my-bucket/*"));
    assert_eq!(c.decide(&aws_star), Allow);
    assert_eq!(c.decide(&Policies::new()), ImplicitDeny);
    assert_eq!(
        c.decide(&Policies::new().resource(grant(aws(A), "s3:GetObject", "*"))),
        ImplicitDeny
    );
    // An explicit deny still wins.
    let denied = Policies::new().resource(doc(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ])));
    assert_eq!(c.decide(&denied), Allow);
    let insecure = call("anonymous", "s3:GetObject", OBJECT)
        .owned_by(A)
        .with("aws:SecureTransport", "false");
    assert_eq!(insecure.decide(&denied), ExplicitDeny);
}

#[test]
fn function_url_with_auth_type_none() {
    let p = Policies::new().resource(doc(json!([{
        "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl", "Resource": FN,
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    }])));
    let url = || call("anonymous", "lambda:InvokeFunctionUrl", FN);
    assert_eq!(
        url().with("lambda:FunctionUrlAuthType", "NONE").decide(&p),
        Allow
    );
    assert_eq!(
        url()
            .with("lambda:FunctionUrlAuthType", "AWS_IAM")
            .decide(&p),
        ImplicitDeny
    );
    // The statement grants InvokeFunctionUrl, not InvokeFunction.
    assert_eq!(
        call("anonymous", INVOKE, FN)
            .with("lambda:FunctionUrlAuthType", "NONE")
            .decide(&p),
        ImplicitDeny
    );
}

// ---------------------------------------------------------------- invalid statements (§1)

#[test]
fn invalid_statements_grant_nothing() {
    let c = call(SESSION, INVOKE, FN);
    let bad_effect = doc(json!([{"Effect": "allow", "Action": INVOKE, "Resource": FN}]));
    let p = Policies::new().raw(PolicyKind::Identity, bad_effect);
    assert_eq!(c.decide(&p), ImplicitDeny);
    let r = c.explain(&p);
    assert!(
        r.errors
            .iter()
            .any(|(at, d)| at.kind == PolicyKind::Identity && d.is_error()),
        "{:?}",
        r.errors
    );
    let unknown_element =
        doc(json!([{"Effect": "Allow", "Action": INVOKE, "Resource": FN, "Principle": "*"}]));
    assert_eq!(
        c.decide(&Policies::new().raw(PolicyKind::Identity, unknown_element)),
        ImplicitDeny
    );
    // A resource-policy statement must name a principal.
    let no_principal = doc(json!([{"Effect": "Allow", "Action": INVOKE, "Resource": FN}]));
    assert_eq!(
        c.decide(&Policies::new().raw(PolicyKind::Resource, no_principal)),
        ImplicitDeny
    );
    let principal_in_identity =
        doc(json!([{"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": FN}]));
    assert_eq!(
        c.decide(&Policies::new().raw(PolicyKind::Identity, principal_in_identity)),
        ImplicitDeny
    );
}

#[test]
fn invalid_statements_deny_nothing() {
    let c = call(SESSION, INVOKE, FN);
    for bad in [
        json!({"Effect": "deny", "Action": INVOKE, "Resource": FN}),
        json!({"Effect": "Deny", "Action": INVOKE, "Resource": FN, "Condition": {"StringEqualz": {"k": "v"}}}),
        json!({"Effect": "Deny", "Action": INVOKE, "Resource": FN, "Bogus": 1}),
    ] {
        let p = Policies::new()
            .identity(allow_all())
            .raw(PolicyKind::Identity, doc(json!([bad.clone()])));
        assert_eq!(c.decide(&p), Allow, "{bad}");
    }
}

#[test]
fn unknown_top_level_element_rejects_the_document() {
    let d = json!({"Version": "2012-10-17", "Statment": [], "Statement": [
        {"Effect": "Allow", "Action": INVOKE, "Resource": FN}
    ]});
    let p = Policies::new().raw(PolicyKind::Identity, d);
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, ImplicitDeny);
    assert!(r.errors.iter().any(|(_, d)| d.is_error()), "{:?}", r.errors);
}

#[test]
fn a_bad_statement_does_not_hide_the_good_ones() {
    let c = call(SESSION, INVOKE, FN);
    let p = Policies::new().raw(
        PolicyKind::Identity,
        doc(json!([
            {"Effect": "Allow", "Action": INVOKE, "Resource": FN},
            {"Effect": "Maybe", "Action": "*", "Resource": "*"}
        ])),
    );
    assert_eq!(c.decide(&p), Allow);
    let p = Policies::new().raw(
        PolicyKind::Identity,
        doc(json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": INVOKE, "Resource": FN},
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Principal": "*"}
        ])),
    );
    assert_eq!(c.decide(&p), ExplicitDeny);
    assert_eq!(call(SESSION, "lambda:GetFunction", FN).decide(&p), Allow);
}

// ---------------------------------------------------------------- explanations

#[test]
fn explicit_deny_names_every_matching_deny() {
    let p = Policies::new()
        .identity(doc(json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "NoInvoke", "Effect": "Deny", "Action": INVOKE, "Resource": "*"}
        ])))
        .scp_level(vec![allow_all(), deny("lambda:*", "*")]);
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, ExplicitDeny);
    assert_eq!(r.deciding.len(), 2, "{:?}", r.deciding);
    assert!(r.deciding.contains(&StatementRef {
        policy: PolicyRef {
            kind: PolicyKind::Identity,
            level: 0,
            position: 0
        },
        statement: 1,
    }));
    assert!(r.deciding.contains(&StatementRef {
        policy: PolicyRef {
            kind: PolicyKind::Scp,
            level: 0,
            position: 1
        },
        statement: 0,
    }));
    // The trace of every deciding statement says it applied; the identity
    // Deny carries its Sid.
    for at in &r.deciding {
        let traced = r.statements.iter().find(|s| s.at == *at).unwrap();
        assert_eq!(traced.outcome, StatementOutcome::Applies);
        assert_eq!(traced.effect, crate::policy::Effect::Deny);
    }
    let identity_deny = r
        .statements
        .iter()
        .find(|s| s.at.policy.kind == PolicyKind::Identity && s.at.statement == 1)
        .unwrap();
    assert_eq!(identity_deny.sid.as_deref(), Some("NoInvoke"));
}

#[test]
fn allow_names_the_granting_statement() {
    let p = Policies::new().identity(doc(json!([
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "Invoke", "Effect": "Allow", "Action": INVOKE, "Resource": FN}
    ])));
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, Allow);
    assert_eq!(
        r.deciding,
        vec![StatementRef {
            policy: PolicyRef {
                kind: PolicyKind::Identity,
                level: 0,
                position: 0
            },
            statement: 1,
        }]
    );
    let first = r.statements.iter().find(|s| s.at.statement == 0).unwrap();
    assert_eq!(first.outcome, StatementOutcome::ActionMismatch);
    let second = r.statements.iter().find(|s| s.at.statement == 1).unwrap();
    assert_eq!(second.sid.as_deref(), Some("Invoke"));
}

#[test]
fn cross_account_allow_names_both_sides() {
    let p = Policies::new()
        .identity(allow(INVOKE, FN))
        .resource(grant(aws(B), INVOKE, FN));
    let r = call(B_SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, Allow);
    let kinds: Vec<PolicyKind> = r.deciding.iter().map(|s| s.policy.kind).collect();
    assert!(kinds.contains(&PolicyKind::Identity), "{:?}", r.deciding);
    assert!(kinds.contains(&PolicyKind::Resource), "{:?}", r.deciding);
}

#[test]
fn implicit_deny_has_no_deciding_statements() {
    let p = Policies::new().identity(allow(INVOKE, FN_PAYROLL));
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, ImplicitDeny);
    assert!(r.deciding.is_empty());
    assert_eq!(r.statements.len(), 1);
    assert_eq!(r.statements[0].outcome, StatementOutcome::ResourceMismatch);
    assert!(r.notes.contains(&Note::NoIdentityAllow), "{:?}", r.notes);
}

#[test]
fn failed_condition_reports_its_key_and_missing_key() {
    let p = Policies::new().resource(s3_trigger_policy());
    let r = call("s3.amazonaws.com", INVOKE, FN)
        .with("aws:SourceArn", BUCKET)
        .explain(&p);
    assert_eq!(r.decision, ImplicitDeny);
    let s = &r.statements[0];
    assert!(
        matches!(
            s.outcome,
            StatementOutcome::ConditionFailed {
                missing_key: true,
                ..
            }
        ),
        "{:?}",
        s.outcome
    );
    let condition = s.condition.as_deref().unwrap();
    assert!(condition.contains("AWS:SourceAccount"), "{condition}");
    assert!(condition.contains("StringEquals"), "{condition}");
    assert_eq!(s.sid.as_deref(), Some("s3-invoke"));

    let r = call("s3.amazonaws.com", INVOKE, FN)
        .with("aws:SourceArn", BUCKET)
        .with("aws:SourceAccount", B)
        .explain(&p);
    assert!(
        matches!(
            r.statements[0].outcome,
            StatementOutcome::ConditionFailed {
                missing_key: false,
                ..
            }
        ),
        "{:?}",
        r.statements[0].outcome
    );
}

#[test]
fn principal_mismatch_is_reported() {
    let p = Policies::new().resource(grant(aws(USER), INVOKE, FN));
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, ImplicitDeny);
    assert_eq!(r.statements[0].outcome, StatementOutcome::PrincipalMismatch);
}

#[test]
fn principal_match_kind_is_reported() {
    let p = Policies::new().resource(grant(aws(ROLE), INVOKE, FN));
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.statements[0].principal_match, Some(PrincipalMatch::Role));
    let p = Policies::new()
        .resource(grant(aws(A), INVOKE, FN))
        .identity(allow(INVOKE, FN));
    let r = call(SESSION, INVOKE, FN).explain(&p);
    assert_eq!(r.decision, Allow);
    assert_eq!(
        r.statements
            .iter()
            .find(|s| s.at.policy.kind == PolicyKind::Resource)
            .unwrap()
            .principal_match,
        Some(PrincipalMatch::Account)
    );
}

#[test]
fn notes_explain_implicit_denies() {
    let account_only = Policies::new().resource(grant(aws(A), INVOKE, FN));
    let r = call(SESSION, INVOKE, FN).explain(&account_only);
    assert!(
        r.notes.contains(&Note::AccountGrantNeedsIdentityAllow),
        "{:?}",
        r.notes
    );

    let bounded = Policies::new()
        .identity(allow(INVOKE, FN))
        .boundary(allow("s3:*", "*"));
    let r = call(SESSION, INVOKE, FN).explain(&bounded);
    assert!(
        r.notes.contains(&Note::BoundaryDoesNotAllow),
        "{:?}",
        r.notes
    );
    assert!(!r.notes.contains(&Note::NoIdentityAllow), "{:?}", r.notes);

    let session = Policies::new()
        .identity(allow(INVOKE, FN))
        .session(allow("s3:*", "*"));
    let r = call(SESSION, INVOKE, FN).explain(&session);
    assert!(
        r.notes.contains(&Note::SessionPolicyDoesNotAllow),
        "{:?}",
        r.notes
    );

    let identity_only = Policies::new().identity(allow(INVOKE, FN));
    let r = call(B_SESSION, INVOKE, FN).explain(&identity_only);
    assert!(
        r.notes
            .contains(&Note::CrossAccountResourcePolicyDoesNotAllow),
        "{:?}",
        r.notes
    );
    let resource_only = Policies::new().resource(grant(aws(B_ROLE), INVOKE, FN));
    let r = call(B_SESSION, INVOKE, FN).explain(&resource_only);
    assert!(
        r.notes.contains(&Note::CrossAccountCallerDoesNotAllow),
        "{:?}",
        r.notes
    );
    assert!(
        !r.notes
            .contains(&Note::CrossAccountResourcePolicyDoesNotAllow),
        "{:?}",
        r.notes
    );
}

#[test]
fn statement_applies_agrees_with_the_decision() {
    let p = compiled(PolicyKind::Identity, allow(INVOKE, FN));
    let c = call(SESSION, INVOKE, FN);
    assert!(p.statements()[0].applies(&c.request(), false));
    let other = call(SESSION, INVOKE, FN_PAYROLL);
    assert!(!p.statements()[0].applies(&other.request(), false));
}

/// A document compiled from a shared copy (as the model compiles every
/// document it reads) builds a statement's patterns only when the statement
/// is first matched, and then decides as the document compiled at once.
#[test]
fn patterns_built_when_first_matched_decide_as_those_built_at_once() {
    let value = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:Invoke*", "Resource": FN},
        {"Effect": "Deny", "NotAction": "lambda:*", "NotResource": "arn:aws:s3:::b/${aws:username}"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    ]});
    let parsed = crate::policy::PolicyDocument::from_value(&value).unwrap();
    let at_once = CompiledPolicy::from_parsed(&parsed, PolicyKind::Identity);
    let document = Arc::new(parsed.document);
    let later = CompiledPolicy::from_shared(&document, parsed.diagnostics, PolicyKind::Identity);
    assert!(later
        .statements()
        .iter()
        .all(|s| s.patterns.get().is_none()));
    for (action, resource) in [
        (INVOKE, FN),
        (INVOKE, FN_PAYROLL),
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("s3:PutObject", "arn:aws:s3:::b/k"),
        ("iam:PassRole", "*"),
    ] {
        let request = call(SESSION, action, resource);
        for (a, b) in at_once.statements().iter().zip(later.statements()) {
            assert_eq!(
                a.applies(&request.request(), false),
                b.applies(&request.request(), false),
                "{action} on {resource}, statement {}",
                a.index()
            );
        }
    }
    assert!(later
        .statements()
        .iter()
        .all(|s| s.patterns.get().is_some()));
}
