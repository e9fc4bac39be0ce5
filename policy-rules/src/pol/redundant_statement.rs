use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::{statement_covers, Statement};

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Finds statements whose grant is entirely covered by another statement
    /// of the same policy with the same effect: every action and resource of
    /// the first is matched by the other's wildcards (the evaluator's
    /// matching, not string comparison), the other has no conditions, and
    /// its principal takes in every principal of the first (`"*"`, or the
    /// same ones and more; an account id and its `:root` ARN are one
    /// principal). A document of thousands of statements or patterns is
    /// compared only up to a budget of four million pattern comparisons.
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

/// How many pattern comparisons one document may cost: a policy within
/// AWS's size quotas costs a few thousand, but a generated or hostile file
/// can hold tens of thousands of statements or patterns, and comparing two
/// statements compares each pattern of one with each of the other's. Past
/// the budget the rest of the document is not examined (its redundant
/// statements go unreported; nothing else changes).
const WORK_BUDGET: usize = 1 << 22;

/// What comparing `outer` with `inner` can cost, in pattern comparisons.
fn cost(outer: &Statement, inner: &Statement) -> usize {
    let resources = |s: &Statement| s.resource.as_ref().map_or(0, |r| r.values.len());
    1 + outer.action.values.len() * inner.action.values.len() + resources(outer) * resources(inner)
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
        let budget = std::cell::Cell::new(WORK_BUDGET);
        let afford = |outer: &Statement, inner: &Statement| {
            let cost = cost(outer, inner);
            let left = budget.get();
            budget.set(left.saturating_sub(cost));
            cost <= left
        };
        for (i, inner) in statements.iter().enumerate() {
            if budget.get() == 0 {
                break;
            }
            // Of two identical statements, report only the later one.
            let by = statements.iter().enumerate().find(|(j, outer)| {
                *j != i
                    && afford(outer, inner)
                    && statement_covers(outer, inner)
                    && !(statement_covers(inner, outer) && *j > i)
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
