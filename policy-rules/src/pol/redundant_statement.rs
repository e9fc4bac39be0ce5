use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::{statement_covers, CoverageBudget};

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Finds statements whose grant is entirely covered by another statement
    /// of the same policy with the same effect: every action and resource of
    /// the first is matched by the other's wildcards (the evaluator's
    /// matching, not string comparison) — or, when the other is written
    /// with `NotAction`/`NotResource`, none can reach what it leaves out —
    /// the other has no conditions, and
    /// its principal takes in every principal of the first (`"*"`, or the
    /// same ones and more; an account id and its `:root` ARN are one
    /// principal). A document of thousands of statements or long wildcard
    /// patterns is compared only as far as a budget of work goes.
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

/// How much comparing one document's statements may cost, in steps of
/// pattern comparison ([`CoverageBudget`]): a policy within AWS's size
/// quotas costs well under a million, a generated or hostile file of
/// thousands of statements or long wildcard patterns far more. Past the
/// budget the rest of the document is not examined (its redundant
/// statements go unreported; nothing else changes).
const WORK_BUDGET: u64 = 1 << 26;

impl Rule for RedundantStatement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let statements = &document.statements;
        let budget = CoverageBudget::new(WORK_BUDGET);
        for (i, inner) in statements.iter().enumerate() {
            if budget.is_spent() {
                break;
            }
            // Of two identical statements, report only the later one.
            let by = statements.iter().enumerate().find(|(j, outer)| {
                *j != i
                    && statement_covers(outer, inner, &budget)
                    && !(statement_covers(inner, outer, &budget) && *j > i)
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
