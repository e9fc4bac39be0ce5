use policy_core::catalog::catalog;
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::{BaseOperator, Effect, SetQualifier};

use super::{subject, user_document};

/// Whether `key` carries one value at most, as the action catalog types it:
/// every `ArrayOf…` type is multivalued, every other type is not. A key the
/// catalog does not type (a federated provider's `…:amr`) may carry several.
fn single_valued(key: &str) -> bool {
    catalog().is_ok_and(|catalog| {
        catalog
            .condition_key_type(key)
            .is_some_and(|key_type| !key_type.is_multivalued())
    })
}

declare_rule! {
    /// ## What it does
    /// Flags `ForAllValues:` on a single-valued key, and `ForAllValues:` in an
    /// `Allow` without a `Null` guard on the same key.
    ///
    /// ## Why is this bad?
    /// `ForAllValues:` is true when the key is absent or empty, so the
    /// statement grants to requests that carry no such key at all; on a
    /// single-valued key it is the wrong operator (AWS warns it can be overly
    /// permissive).
    ///
    /// ## Example
    /// `"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}` in an Allow, with no
    /// `"Null": {"aws:TagKeys": "false"}`.
    ///
    /// ## Fix
    /// Add `"Null": {"KEY": "false"}`, or use the plain operator on single-valued keys.
    pub struct ForAllValuesSingleValued {
        code: "POL009",
        name: "forallvalues-single-valued",
        category: Security,
        severity: Warning,
        summary: "`ForAllValues` on a single-valued key, or on a key that may be absent in an Allow",
    }
}

impl Rule for ForAllValuesSingleValued {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        for statement in &document.statements {
            for condition in statement
                .conditions
                .iter()
                .filter(|c| c.operator.qualifier == Some(SetQualifier::ForAllValues))
            {
                let message = if single_valued(&condition.key) {
                    format!(
                        "`{}` is single-valued; `{}` on it is true when it is absent",
                        condition.key, condition.operator
                    )
                } else if statement.effect == Effect::Allow && !condition.operator.if_exists {
                    let guarded = statement.conditions.iter().any(|c| {
                        c.operator.base == BaseOperator::Null
                            && c.key.eq_ignore_ascii_case(&condition.key)
                            && c.values.iter().any(|v| v.eq_ignore_ascii_case("false"))
                    });
                    if guarded {
                        continue;
                    }
                    format!("`{}` on `{}` is true when the request has no `{}`: this Allow then applies", condition.operator, condition.key, condition.key)
                } else {
                    continue;
                };
                out.report(subject(cx, policy), message)
                    .at(cx.policy_location(policy.id, &condition.pointer))
                    .help(format!("add \"Null\": {{\"{}\": \"false\"}}, or use the plain operator on single-valued keys", condition.key));
            }
        }
    }
}
