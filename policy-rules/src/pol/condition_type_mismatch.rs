use policy_core::catalog::{catalog, ConditionKeyType};
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::OperatorFamily;

use super::{subject, user_document};

/// Whether operators of `family` fit keys of type `key` (named `name`),
/// compared with `values`.
///
/// An ARN operator fits a string key that holds ARNs — an encryption
/// context entry or a key named for an ARN (`kms:EncryptionContext:aws:logs:arn`,
/// `kms:EncryptionContext:SecretARN`) — when its policy values are all
/// ARNs: AWS's own documentation and managed policies compare those with
/// `ArnLike`/`ArnEquals`, which then works as meant. On other string keys
/// (`aws:SourceAccount`, `aws:username`) the request value is never an
/// ARN, so an ARN operator never matches as meant.
fn fits(family: OperatorFamily, key: ConditionKeyType, name: &str, values: &[String]) -> bool {
    use ConditionKeyType as T;
    use OperatorFamily as F;
    let element = key.element();
    match family {
        F::Null => true,
        F::String => matches!(element, T::String | T::Arn),
        F::Arn => {
            matches!(element, T::Arn)
                || (element == T::String
                    && holds_arns(name)
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

/// Whether a string-typed condition key can hold an ARN: an encryption
/// context entry, or a key whose name ends in `arn`.
fn holds_arns(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.starts_with("kms:encryptioncontext:") || lower.ends_with("arn")
}

/// Whether a condition value is an ARN, or a policy variable that stands
/// for one (`${aws:SourceArn}`, `${aws:PrincipalArn}`).
fn names_an_arn(value: &str) -> bool {
    value.starts_with("arn:")
        || value
            .strip_prefix("${")
            .and_then(|v| v.strip_suffix('}'))
            .is_some_and(|name| name.to_ascii_lowercase().ends_with("arn"))
}

declare_rule! {
    /// ## What it does
    /// Compares each condition's operator with the type of its key in the
    /// action catalog (a `String` operator on a date key, `Bool` on an ARN,
    /// `IpAddress` on a string), flags values the operator cannot read (`Bool`
    /// with `"yes"`), and a multivalued key (`ArrayOf…`) used without
    /// `ForAnyValue:`/`ForAllValues:`. An ARN operator on a string key that
    /// holds ARNs (an encryption context entry, a key named `…arn`) is
    /// reported only when a value it compares is no ARN: AWS compares
    /// `kms:EncryptionContext:aws:logs:arn` with `ArnLike` in its own
    /// documentation and managed policies. On `aws:SourceAccount` it is.
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
                // Values the operator cannot read (the compiler's warnings);
                // a value of an ARN operator that is no ARN is POL003's.
                if let Some(d) = policy.diagnostics().iter().find(|d| {
                    family != OperatorFamily::Arn
                        && !d.is_error()
                        && d.pointer.starts_with(&condition.pointer)
                        && d.message.contains("never matches")
                }) {
                    // At the value it cannot read.
                    let finding = out.report(subject(cx, policy), d.message.clone());
                    finding.at(cx.policy_location(policy.id, &d.pointer));
                    if let Some(help) = &d.help {
                        finding.help(help.clone());
                    }
                    continue;
                }
                let Some(key_type) = catalog.condition_key_type(&condition.key) else {
                    continue;
                };
                if !fits(family, key_type, &condition.key, &condition.values) {
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
