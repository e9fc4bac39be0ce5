//! Condition operator names: `StringEquals`, `ForAllValues:StringLikeIfExists`, …

use std::fmt;

/// The set qualifier of a condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAnyValue:` — some request value satisfies the operator.
    ForAnyValue,
    /// `ForAllValues:` — every request value satisfies the operator.
    ForAllValues,
}

/// What a base operator compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    /// `String*`.
    String,
    /// `Numeric*`.
    Numeric,
    /// `Date*`.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// `Arn*`.
    Arn,
    /// `Null`.
    Null,
}

macro_rules! base_operators {
    ($( $variant:ident => $name:literal, $family:ident, $positive:ident; )*) => {
        /// A condition operator without its set qualifier and `IfExists` suffix.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum BaseOperator {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl BaseOperator {
            /// Every base operator, in documentation order.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant),*];

            /// The documented spelling.
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$variant => $name,)* }
            }

            /// What the operator compares.
            pub fn family(self) -> OperatorFamily {
                match self { $(BaseOperator::$variant => OperatorFamily::$family,)* }
            }

            /// The positive operator this one negates, or itself.
            pub fn positive(self) -> BaseOperator {
                match self { $(BaseOperator::$variant => BaseOperator::$positive,)* }
            }
        }
    };
}

base_operators! {
    StringEquals => "StringEquals", String, StringEquals;
    StringNotEquals => "StringNotEquals", String, StringEquals;
    StringEqualsIgnoreCase => "StringEqualsIgnoreCase", String, StringEqualsIgnoreCase;
    StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase", String, StringEqualsIgnoreCase;
    StringLike => "StringLike", String, StringLike;
    StringNotLike => "StringNotLike", String, StringLike;
    NumericEquals => "NumericEquals", Numeric, NumericEquals;
    NumericNotEquals => "NumericNotEquals", Numeric, NumericEquals;
    NumericLessThan => "NumericLessThan", Numeric, NumericLessThan;
    NumericLessThanEquals => "NumericLessThanEquals", Numeric, NumericLessThanEquals;
    NumericGreaterThan => "NumericGreaterThan", Numeric, NumericGreaterThan;
    NumericGreaterThanEquals => "NumericGreaterThanEquals", Numeric, NumericGreaterThanEquals;
    DateEquals => "DateEquals", Date, DateEquals;
    DateNotEquals => "DateNotEquals", Date, DateEquals;
    DateLessThan => "DateLessThan", Date, DateLessThan;
    DateLessThanEquals => "DateLessThanEquals", Date, DateLessThanEquals;
    DateGreaterThan => "DateGreaterThan", Date, DateGreaterThan;
    DateGreaterThanEquals => "DateGreaterThanEquals", Date, DateGreaterThanEquals;
    Bool => "Bool", Bool, Bool;
    BinaryEquals => "BinaryEquals", Binary, BinaryEquals;
    IpAddress => "IpAddress", Ip, IpAddress;
    NotIpAddress => "NotIpAddress", Ip, IpAddress;
    ArnEquals => "ArnEquals", Arn, ArnEquals;
    ArnLike => "ArnLike", Arn, ArnLike;
    ArnNotEquals => "ArnNotEquals", Arn, ArnEquals;
    ArnNotLike => "ArnNotLike", Arn, ArnLike;
    Null => "Null", Null, Null;
}

impl BaseOperator {
    /// Negated operators (`StringNotEquals`, `NotIpAddress`, …) are the NOR of
    /// their positive operator over the policy values.
    pub fn is_negated(self) -> bool {
        self.positive() != self
    }
}

/// A full condition operator: `[ForAnyValue:|ForAllValues:]Base[IfExists]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    /// `ForAnyValue:` / `ForAllValues:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// The base operator.
    pub base: BaseOperator,
    /// The `IfExists` suffix.
    pub if_exists: bool,
}

/// Why an operator name was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperator {
    /// The closest documented spelling, when one is close.
    pub suggestion: Option<String>,
}

/// The result of reading an operator name: the operator, and whether it was
/// written with non-documented letter case (accepted, but worth a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedOperator {
    /// The operator.
    pub operator: ConditionOperator,
    /// `true` when the spelling differs from the documented one only in case.
    pub case_differs: bool,
}

impl ConditionOperator {
    /// Reads an operator name. Names are matched ignoring ASCII case (AWS
    /// accepts `stringequals`), and [`ParsedOperator::case_differs`] reports a
    /// non-documented spelling so that linters can flag it.
    pub fn parse(name: &str) -> Result<ParsedOperator, UnknownOperator> {
        let mut rest = name;
        let mut qualifier = None;
        for (prefix, q) in [
            ("ForAnyValue:", SetQualifier::ForAnyValue),
            ("ForAllValues:", SetQualifier::ForAllValues),
        ] {
            if rest.len() >= prefix.len()
                && rest.is_char_boundary(prefix.len())
                && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
            {
                qualifier = Some(q);
                rest = &rest[prefix.len()..];
                break;
            }
        }
        let mut if_exists = false;
        const SUFFIX: &str = "IfExists";
        if rest.len() > SUFFIX.len()
            && rest.is_char_boundary(rest.len() - SUFFIX.len())
            && rest[rest.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX)
        {
            if_exists = true;
            rest = &rest[..rest.len() - SUFFIX.len()];
        }
        let base = BaseOperator::ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(rest));
        match base {
            // `Null` takes neither `IfExists` nor a set qualifier.
            Some(BaseOperator::Null) if if_exists || qualifier.is_some() => Err(UnknownOperator {
                suggestion: Some("Null".to_owned()),
            }),
            Some(base) => {
                let operator = ConditionOperator {
                    qualifier,
                    base,
                    if_exists,
                };
                Ok(ParsedOperator {
                    operator,
                    case_differs: operator.to_string() != name,
                })
            }
            None => Err(UnknownOperator {
                suggestion: suggest_operator(name),
            }),
        }
    }

    /// Whether the operator is a negated one (`StringNotEquals`, …).
    pub fn is_negated(self) -> bool {
        self.base.is_negated()
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// The documented operator name closest to `name`, if it is close enough to
/// be a typo.
fn suggest_operator(name: &str) -> Option<String> {
    let (prefix, rest) = match name.find(':') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    let fixed_prefix = if prefix.is_empty() {
        ""
    } else {
        crate::suggest::closest(prefix, ["ForAnyValue:", "ForAllValues:"])?
    };
    let candidates: Vec<String> = BaseOperator::ALL
        .iter()
        .flat_map(|op| {
            let plain = op.name().to_owned();
            let if_exists = (*op != BaseOperator::Null).then(|| format!("{}IfExists", op.name()));
            std::iter::once(plain).chain(if_exists)
        })
        .collect();
    let base = crate::suggest::closest(rest, candidates.iter().map(String::as_str))?;
    Some(format!("{fixed_prefix}{base}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str) -> ConditionOperator {
        ConditionOperator::parse(name).unwrap().operator
    }

    #[test]
    fn parses_qualifiers_and_suffix() {
        let o = op("ForAllValues:StringNotLikeIfExists");
        assert_eq!(o.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(o.base, BaseOperator::StringNotLike);
        assert!(o.if_exists);
        assert!(o.is_negated());
        assert_eq!(o.to_string(), "ForAllValues:StringNotLikeIfExists");
        assert_eq!(op("NotIpAddress").base.positive(), BaseOperator::IpAddress);
    }

    #[test]
    fn other_case_is_accepted_and_reported() {
        let parsed = ConditionOperator::parse("stringequals").unwrap();
        assert_eq!(parsed.operator.base, BaseOperator::StringEquals);
        assert!(parsed.case_differs);
        assert!(
            !ConditionOperator::parse("StringEquals")
                .unwrap()
                .case_differs
        );
    }

    #[test]
    fn unknown_operators_get_suggestions() {
        let err = ConditionOperator::parse("StringEqual").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("StringEquals"));
        let err = ConditionOperator::parse("ForAnyValue:StringLikee").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("ForAnyValue:StringLike"));
        let err = ConditionOperator::parse("ArnLikeIfExist").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("ArnLikeIfExists"));
        assert!(ConditionOperator::parse("Frobnicate")
            .unwrap_err()
            .suggestion
            .is_none());
        assert!(ConditionOperator::parse("NullIfExists").is_err());
    }
}
