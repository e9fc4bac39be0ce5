use policy_core::catalog::{catalog, ConditionKeyType};
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::OperatorFamily;

use super::{subject, user_document};

/// Whether operators of `family` fit keys of type `key`, compared with
/// `values`.
///
/// An ARN operator fits a string key whose policy values are all ARNs:
/// many string keys hold ARNs (`kms:EncryptionContext:aws:logs:arn`,
/// `kms:EncryptionContext:aws:s3:arn`), and AWS's own documentation and
/// managed policies compare them with `ArnLike`/`ArnEquals`, which then
/// works as meant. An ARN operator with a value that is no ARN
/// (`"ArnEquals": {"aws:username": "alice"}`) never matches as meant.
fn fits(family: OperatorFamily, key: ConditionKeyType, values: &[String]) -> bool {
    use ConditionKeyType as T;
    use OperatorFamily as F;
    let element = key.element();
    match family {
        F::Null => true,
        F::String => matches!(element, T::String | T::Arn),
        F::Arn => {
            matches!(element, T::Arn)
                || (element == T::String
                    && !values.is_empty()
                    && values.iter().all(|v| names_an_arn(v)))
        }
        F::Numeric => matches!(element, T::Numeric | T::DateOrNumeric),
        F::Date => matches!(element, T::Date | T::DateOrNumeric),
        F::Bool => matches!(element, T::Bool),
        F::Ip => matches!(element, T::IpAddress),
        F::Binary => matches!(element, T::Binary),
    }
}

/// Whether a condition value is an ARN, or a policy variable that stands
/// for one (`${aws:SourceArn}`).
fn names_an_arn(value: &str) -> bool {
    value.starts_with("arn:") || (value.starts_with("${") && value.ends_with('}'))
}

declare_rule! {
    /// ## What it does
    /// Compares each condition's operator with the type of its key in the
    /// action catalog (a `String` operator on a date key, `Bool` on an ARN,
    /// `IpAddress` on a string), flags values the operator cannot read (`Bool`
    /// with `"yes"`), and a multivalued key (`ArrayOf…`) used without
    /// `ForAnyValue:`/`ForAllValues:`. An ARN operator on a string key is
    /// reported only when a value it compares is no ARN: string keys such as
    /// `kms:EncryptionContext:aws:logs:arn` hold ARNs, and AWS compares them
    /// with `ArnLike` in its own documentation and managed policies.
    ///
    /// ## Why is this bad?
    /// The condition never holds as intended — a positive one is never true,
    /// a negated one always is — so the statement is dead or too broad.
    ///
    /// ## Example
    /// `"StringLessThan"` does not exist, but `"StringEquals": {"aws:CurrentTime": "2025-01-01"}` does,
    /// and compares a date as text.
    ///
    /// ## Fix
    /// Use the operator family of the key's type (`DateLessThan` for dates).
    pub struct ConditionTypeMismatch {
        code: "POL006",
        name: "condition-type-mismatch",
        category: Correctness,
        severity: Warning,
        summary: "a condition operator does not fit its key's type, or cannot read its value",
    }
}

impl Rule for ConditionTypeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let Ok(catalog) = catalog() else { return };
        for statement in &document.statements {
            for condition in &statement.conditions {
                // Found only for a finding: most conditions are fine.
                let location = || cx.policy_location(policy.id, &condition.pointer);
                let family = condition.operator.base.family();
                // Values the operator cannot read (the compiler's warnings).
                if let Some(d) = policy.diagnostics().iter().find(|d| {
                    !d.is_error()
                        && d.pointer.starts_with(&condition.pointer)
                        && d.message.contains("never matches")
                }) {
                    let finding = out.report(subject(cx, policy), d.message.clone());
                    finding.at(location());
                    if let Some(help) = &d.help {
                        finding.help(help.clone());
                    }
                    continue;
                }
                let Some(key_type) = catalog.condition_key_type(&condition.key) else {
                    continue;
                };
                if !fits(family, key_type, &condition.values) {
                    out.report(
                        subject(cx, policy),
                        format!(
                            "`{}` compares `{}`, whose type is {}",
                            condition.operator,
                            condition.key,
                            key_type.as_str()
                        ),
                    )
                    .at(location())
                    .help(format!(
                        "use an operator for {} values",
                        key_type.element().as_str()
                    ));
                    continue;
                }
                if key_type.is_multivalued()
                    && condition.operator.qualifier.is_none()
                    && family != OperatorFamily::Null
                {
                    out.report(
                        subject(cx, policy),
                        format!("`{}` is multivalued ({}); `{}` without a set operator has no defined meaning", condition.key, key_type.as_str(), condition.operator),
                    )
                    .at(location())
                    .help(format!("write `ForAnyValue:{}` or `ForAllValues:{}`", condition.operator, condition.operator));
                }
            }
        }
    }
}
