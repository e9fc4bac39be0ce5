use policy_core::catalog::catalog;
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::Effect;

use super::{names_every_action, subject, user_document};

declare_rule! {
    /// ## What it does
    /// Flags `Allow` statements with `"Resource": "*"` for actions that can
    /// be scoped to resources. Actions that only accept `*` (per the action
    /// catalog, e.g. `xray:PutTraceSegments`, `ec2:DescribeNetworkInterfaces`)
    /// are exempt, and so are statements whose `Condition` can narrow the
    /// resources (a resource tag, `s3:prefix`, `dynamodb:LeadingKeys`, a
    /// region); one only about the caller and the call (`aws:SourceIp`,
    /// `aws:SecureTransport`, MFA, the caller's tags, `aws:SourceArn`,
    /// `kms:ViaService`, `kms:CallerAccount`, `iam:PassedToService`, an S3
    /// request's TLS version or server-side encryption) narrows nothing. ARNs
    /// that end in `:*` (log groups) are not `*`, and actions that an
    /// unconditional `Deny` of the same policy refuses on every resource are
    /// granted by nothing. Only identity policies
    /// are judged: in a resource-based policy (a KMS key policy, a queue
    /// policy) `*` is the resource the policy is attached to.
    ///
    /// ## Why is this bad?
    /// The grant covers every resource of the account — every table, bucket
    /// or queue, including those created later — when the function uses a few.
    ///
    /// ## Example
    /// `{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}`
    ///
    /// ## Fix
    /// Name the resources (`arn:aws:dynamodb:…:table/orders`).
    pub struct ResourceStar {
        code: "POL013",
        name: "resource-star",
        category: BestPractice,
        severity: Info,
        summary: "`Resource: \"*\"` on actions that support resource-level scoping",
    }
}

impl Rule for ResourceStar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        if policy.kind() != policy_core::eval::PolicyKind::Identity {
            return;
        }
        let Some(document) = user_document(policy) else {
            return;
        };
        let Ok(catalog) = catalog() else { return };
        let denials = document.unconditional_denials();
        for statement in document.statements.iter().filter(|s| {
            s.effect == Effect::Allow && s.conditions.iter().all(|c| c.leaves_the_resources_open())
        }) {
            let Some(resources) = statement.resource.as_ref().filter(|r| !r.negated) else {
                continue;
            };
            let Some(star) = resources.values.iter().position(|r| r == "*") else {
                continue;
            };
            if statement.action.negated {
                continue;
            }
            let scopable: Vec<&str> = statement
                .action
                .values
                .iter()
                // Every action is POL012's business (`*`, `*:*`).
                .filter(|pattern| !names_every_action(pattern))
                // Taken back by an unconditional `Deny` on every resource:
                // the statement grants nothing of it.
                .filter(|pattern| !denials.refuse_everywhere(pattern))
                .filter(|pattern| {
                    catalog
                        .expand(pattern)
                        .iter()
                        .any(|a| !a.accepts_only_wildcard_resource())
                })
                .map(String::as_str)
                .collect();
            if scopable.is_empty() {
                continue;
            }
            out.report(
                subject(cx, policy),
                format!(
                    "statement {} allows {} on every resource",
                    statement.index,
                    scopable
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(cx.policy_location(policy.id, &resources.pointer_of(star)))
            .help("name the resources the actions are needed on");
        }
    }
}
