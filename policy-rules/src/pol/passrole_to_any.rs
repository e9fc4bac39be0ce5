use policy_core::declare_rule;
use policy_core::eval::{ContextValue, Decision, PolicySet, Principal, Request, RequestContext};
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_policy};

/// The question asked of every policy: may an IAM user of the account pass
/// one of its roles, to no service in particular? Built once.
static PROBE: std::sync::LazyLock<Option<(Principal, RequestContext)>> =
    std::sync::LazyLock::new(|| {
        let principal = Principal::parse("arn:aws:iam::111122223333:user/rolecall-probe").ok()?;
        let mut context = RequestContext::new();
        context.insert(
            "aws:PrincipalAccount",
            ContextValue::Single("111122223333".to_owned()),
        );
        Some((principal, context))
    });

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether the policy allows `iam:PassRole` on an
    /// arbitrary role of the account with no `iam:PassedToService` in the
    /// request — so `Resource: "*"`, `role/*` and `NotAction` forms all count,
    /// and a `iam:PassedToService` condition keeps the rule quiet.
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
        let Some((principal, context)) = &*PROBE else {
            return;
        };
        let set = PolicySet {
            identity: vec![policy.compiled.clone()],
            ..PolicySet::default()
        };
        let request = Request {
            principal,
            action: "iam:PassRole",
            resource: "arn:aws:iam::111122223333:role/rolecall-any-role",
            resource_account: None,
            context,
        };
        // Most policies do not allow it: the allocation-free answer first,
        // the explained one (which statement) only for a finding.
        if cx.evaluator.decide(&request, &set) != Decision::Allow {
            return;
        }
        let response = cx.evaluator.evaluate(&request, &set);
        let statement = response.deciding.first().map(|s| s.statement);
        let pointer = statement
            .and_then(|i| {
                policy
                    .document
                    .as_deref()?
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
