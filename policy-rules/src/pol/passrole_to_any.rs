use policy_core::declare_rule;
use policy_core::eval::{
    CompiledPolicy, ContextValue, Decision, PolicySet, Principal, Request, RequestContext,
};
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_policy};

/// The account a probe is made in when the policy names none.
const PROBE_ACCOUNT: &str = "111122223333";

/// A principal and request context in `account` of `partition`, asking to
/// pass a role of that account no statement can have named: only a
/// wildcard spanning all of the account's roles allows it.
fn probe(partition: &str, account: &str) -> Option<(Principal, RequestContext, String)> {
    let principal = Principal::parse(&format!(
        "arn:{partition}:iam::{account}:user/rolecall-probe"
    ))
    .ok()?;
    let mut context = RequestContext::new();
    context.insert(
        "aws:PrincipalAccount",
        ContextValue::Single(account.to_owned()),
    );
    // Passing a role always names the service it goes to: one no
    // condition names, so that only a condition that lets any service
    // through (`StringLike "*"`) still allows it.
    context.insert(
        "iam:PassedToService",
        ContextValue::Single("rolecall-probe.amazonaws.com".to_owned()),
    );
    let role = format!("arn:{partition}:iam::{account}:role/{}", PROBE_ROLES[0]);
    Some((principal, context, role))
}

/// Two role names that share no first or last character and no text: a
/// resource pattern that matches both (`role/*`) spans every role name,
/// where one that matches the first only might just end in `-role`.
const PROBE_ROLES: [&str; 2] = ["rolecall-any-role", "Z9"];

/// The question asked of every policy: may an IAM user of an account of
/// the `aws` partition pass one of its roles, to no service in particular?
/// Built once.
static PROBE: std::sync::LazyLock<Option<(Principal, RequestContext, String)>> =
    std::sync::LazyLock::new(|| probe("aws", PROBE_ACCOUNT));

/// The (partition, account) pairs whose roles the policy's IAM resources
/// that may name a role span, other than the one [`PROBE`] asks about, at
/// most a few: a policy written for one account grants "any role" as
/// `arn:aws:iam::123456789012:role/*` (or `:*`) in that account, and one
/// written for China or GovCloud as `arn:aws-cn:iam::*:role/*`. A pattern
/// in the partition (`arn:*:…`) also matches the `aws` one, which
/// [`PROBE`] asks about.
fn named_scopes(policy: &PolicyRecord) -> Vec<(&str, &str)> {
    let mut scopes: Vec<(&str, &str)> = Vec::new();
    let Some(document) = policy.as_written() else {
        return scopes;
    };
    let resources = document
        .statements
        .iter()
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|r| r.values.iter());
    for resource in resources {
        let Some(["arn", partition, "iam", "", account, rest]) = policy_core::arn::split(resource)
        else {
            continue;
        };
        // Only what may name a role (`role/*`, `*`, `r*`): users' and
        // policies' ARNs take none of the few probes.
        if partition.is_empty()
            || partition.contains(['*', '?', '$'])
            || !policy_core::glob::patterns_overlap(rest, "role/*")
        {
            continue;
        }
        // A literal account is asked about; any other (`*`, `1111*`) is
        // spanned, as far as it matters, by the probe's own.
        let account = if policy_core::arn::is_account_id(account) {
            account
        } else {
            PROBE_ACCOUNT
        };
        let scope = (partition, account);
        if scope != ("aws", PROBE_ACCOUNT) && !scopes.contains(&scope) && scopes.len() < 4 {
            scopes.push(scope);
        }
    }
    scopes
}

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether the policy allows `iam:PassRole` on an
    /// arbitrary role of the account, to a service no condition names — so
    /// `Resource: "*"`, `role/*` and `NotAction` forms all count, a
    /// `iam:PassedToService` condition naming services keeps the rule quiet,
    /// and one that lets any service through (`StringLike "*"`) does not. The
    /// account is any, or one the policy names in an IAM ARN
    /// (`arn:aws:iam::123456789012:role/*` and `arn:aws:iam::123456789012:*`
    /// are every role of that account), in any partition the policy names
    /// (`arn:aws-cn:iam::*:role/*`, `arn:aws-us-gov:…`).
    /// The caller is the best placed one: conditions about who calls (source
    /// IP, MFA, the caller's tags) are met in an `Allow` and avoided in a
    /// `Deny` — they decide who may pass any role, not which roles.
    ///
    /// ## Why is this bad?
    /// Passing any role (an admin role included) to a new Lambda function, EC2
    /// instance or ECS task is privilege escalation.
    ///
    /// ## Example
    /// `{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}`
    ///
    /// ## Fix
    /// Name the roles, and add `"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}`.
    pub struct PassroleToAny {
        code: "POL011",
        name: "passrole-to-any",
        category: Security,
        severity: Error,
        summary: "iam:PassRole allowed on any role without iam:PassedToService",
    }
}

impl Rule for PassroleToAny {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        if !user_policy(policy) || policy.kind() != policy_core::eval::PolicyKind::Identity {
            return;
        }
        // A policy none of whose `Allow` statements names the action cannot
        // allow it, whatever its conditions: most policies, answered without
        // building the caller's view of them.
        let names_pass_role = |document: &policy_core::policy::PolicyDocument| {
            document.statements.iter().any(|s| {
                s.effect == policy_core::policy::Effect::Allow
                    && s.action
                        .applies_to("iam:PassRole", policy_core::glob::Case::AsciiInsensitive)
            })
        };
        if policy.as_written().is_some_and(|d| !names_pass_role(d)) {
            return;
        }
        // Asked of the policy as the best-placed caller sees it: a grant to
        // callers from one network still passes any role. A policy AWS
        // refuses (a mistyped `Version`) is asked as written, as the other
        // rules read it: the grant is there once the typo is fixed.
        let identity = policy_core::eval::PolicyKind::Identity;
        let document = policy.as_written();
        let compiled = match document.and_then(|d| d.for_the_best_placed_caller()) {
            Some(view) => std::sync::Arc::new(CompiledPolicy::compile(&view, identity)),
            None => match document {
                Some(written) if policy.compiled.is_rejected() => {
                    std::sync::Arc::new(CompiledPolicy::compile(written, identity))
                }
                _ => policy.compiled.clone(),
            },
        };
        let set = PolicySet {
            identity: vec![compiled],
            ..PolicySet::default()
        };
        let ask = |(principal, context, role): &(Principal, RequestContext, String)| -> Option<_> {
            let request = Request {
                principal,
                action: "iam:PassRole",
                resource: role,
                resource_account: None,
                context,
            };
            // Most policies do not allow it: the allocation-free answer
            // first, the explained one (which statement) only for a finding.
            if cx.evaluator.decide(&request, &set) != Decision::Allow {
                return None;
            }
            let other = role.replace(PROBE_ROLES[0], PROBE_ROLES[1]);
            let other_request = Request {
                resource: &other,
                ..request
            };
            (cx.evaluator.decide(&other_request, &set) == Decision::Allow)
                .then(|| cx.evaluator.evaluate(&request, &set))
        };
        let response = PROBE.as_ref().and_then(ask).or_else(|| {
            named_scopes(policy)
                .into_iter()
                .find_map(|(partition, account)| probe(partition, account).as_ref().and_then(ask))
        });
        let Some(response) = response else {
            return;
        };
        let statement = response.deciding.first().map(|s| s.statement);
        let pointer = statement
            .and_then(|i| {
                policy
                    .as_written()?
                    .statements
                    .iter()
                    .find(|s| s.index == i)
                    .map(|s| s.pointer.clone())
            })
            .unwrap_or_default();
        out.report(subject(cx, policy), "`iam:PassRole` is allowed on any role, to any service".to_owned())
            .at(cx.policy_location(policy.id, &pointer))
            .help("name the roles, and add \"StringEquals\": {\"iam:PassedToService\": \"lambda.amazonaws.com\"}");
    }
}
