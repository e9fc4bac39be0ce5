use policy_core::declare_rule;
use policy_core::glob::Case;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::{covers, Statement};

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Finds statements whose grant is entirely covered by another statement
    /// of the same policy with the same effect: every action and resource of
    /// the first is matched by the other's wildcards (the evaluator's
    /// matching, not string comparison), and the other has no conditions and
    /// the same principal.
    ///
    /// ## Why is this bad?
    /// Dead weight that makes the policy harder to review and counts against
    /// its size quota; often a sign the broader statement is broader than meant.
    ///
    /// ## Example
    /// `s3:GetObject` on `arn:aws:s3:::b/*` next to `s3:*` on `arn:aws:s3:::b/*`.
    ///
    /// ## Fix
    /// Remove the covered statement, or narrow the broader one.
    pub struct RedundantStatement {
        code: "POL014",
        name: "redundant-statement",
        category: BestPractice,
        severity: Info,
        summary: "a statement is entirely covered by another in the same policy",
    }
}

/// Same `Principal`/`NotPrincipal`, whatever their JSON positions.
fn same_principal(a: &Statement, b: &Statement) -> bool {
    use policy_core::policy::Principals;
    match (&a.principal, &b.principal) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.negated == b.negated
                && match (&a.principals, &b.principals) {
                    (Principals::Everyone, Principals::Everyone) => true,
                    (Principals::Entries(x), Principals::Entries(y)) => {
                        let key = |e: &policy_core::policy::PrincipalEntry| {
                            (e.kind.key(), e.value.clone())
                        };
                        let mut x: Vec<_> = x.iter().map(key).collect();
                        let mut y: Vec<_> = y.iter().map(key).collect();
                        x.sort();
                        y.sort();
                        x == y
                    }
                    _ => false,
                }
        }
        _ => false,
    }
}

fn covered_by(inner: &Statement, outer: &Statement) -> bool {
    inner.effect == outer.effect
        && outer.conditions.is_empty()
        && same_principal(inner, outer)
        && covers(&outer.action, &inner.action, Case::AsciiInsensitive)
        && match (&outer.resource, &inner.resource) {
            (Some(o), Some(i)) => covers(o, i, Case::Sensitive),
            (None, None) => true,
            _ => false,
        }
}

impl Rule for RedundantStatement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let statements = &document.statements;
        for (i, inner) in statements.iter().enumerate() {
            // Of two identical statements, report only the later one.
            let by = statements.iter().enumerate().find(|(j, outer)| {
                *j != i && covered_by(inner, outer) && !(covered_by(outer, inner) && *j > i)
            });
            if let Some((_, outer)) = by {
                out.report(
                    subject(cx, policy),
                    format!(
                        "statement {} grants nothing that statement {} does not already grant",
                        inner.index, outer.index
                    ),
                )
                .at(cx.policy_location(policy.id, &inner.pointer))
                .help("remove the covered statement, or narrow the broader one");
            }
        }
    }
}
