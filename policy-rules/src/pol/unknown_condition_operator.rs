use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta, Severity};
use policy_core::model::PolicyRecord;

use super::{subject, user_policy};

declare_rule! {
    /// ## What it does
    /// Reports condition operators AWS does not know — a typo, an `IfExists`
    /// on `Null`, a misspelt `ForAnyValue:`/`ForAllValues:` prefix — with the
    /// closest valid name; and, as a warning, operators written in another
    /// letter case than documented.
    ///
    /// ## Why is this bad?
    /// AWS rejects the policy; rolecall ignores the statement, so a Deny you
    /// rely on does not apply.
    ///
    /// ## Example
    /// `"Condition": {"StringEqual": {"aws:SourceAccount": "111122223333"}}`
    ///
    /// ## Fix
    /// Use the suggested operator (`StringEquals`).
    pub struct UnknownConditionOperator {
        code: "POL005",
        name: "unknown-condition-operator",
        category: Correctness,
        severity: Error,
        summary: "a condition operator is not a valid one",
    }
}

impl Rule for UnknownConditionOperator {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        if !user_policy(policy) {
            return;
        }
        for d in policy.diagnostics() {
            let unknown = d.message.starts_with("unknown condition operator");
            let case = d.message.starts_with("condition operator")
                && d.message.ends_with("is not written as documented");
            if !unknown && !case {
                continue;
            }
            let finding = out.report(subject(cx, policy), d.message.clone());
            finding.at(cx.policy_location(policy.id, &d.pointer));
            if case {
                finding.severity(Severity::Warning);
            }
            if let Some(help) = &d.help {
                finding.help(help.clone());
            }
        }
    }
}
