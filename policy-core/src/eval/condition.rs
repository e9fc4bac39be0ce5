//! Condition operators, compiled once and evaluated without allocating.
//!
//! The semantics (iam-semantics §4): different operators and keys are ANDed;
//! several values under a positive operator are ORed, under a negated one
//! NORed (a negated operator is `NOT(positive over the same values)`); a
//! missing key makes positive operators false and negated ones true; the
//! `IfExists` suffix makes a missing key true; `ForAnyValue:` is false and
//! `ForAllValues:` true on a missing or empty key.

use std::cmp::Ordering;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use jiff::Timestamp;

use crate::arn;
use crate::diagnostic::Diagnostic;
use crate::glob::{match_tokens, Case, Glob, Token};
use crate::policy::{BaseOperator, Condition, ConditionOperator, OperatorFamily, SetQualifier};

use super::pattern::{has_variable_syntax, substitute_tokens, PatternSyntax, TextPattern};
use super::request::{ContextValue, RequestContext};

/// A compiled `operator → key → values` entry.
#[derive(Clone, Debug)]
pub struct CompiledCondition {
    operator: ConditionOperator,
    /// The key, lower-cased for look-ups.
    lower_key: Box<str>,
    /// The key as written, for explanations.
    key: Box<str>,
    values: Values,
}

/// How a condition turned out for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionOutcome {
    /// The condition holds.
    Holds,
    /// It does not hold, although the key is present.
    Fails,
    /// It does not hold because the key is absent from the request.
    FailsMissingKey,
}

#[derive(Clone, Debug)]
enum Values {
    String(Box<[TextPattern]>),
    StringIgnoreCase(Box<[IgnoreCaseValue]>),
    Numeric(Ordering, bool, Box<[Option<f64>]>),
    Date(Ordering, bool, Box<[Option<Timestamp>]>),
    Bool(Box<[Option<bool>]>),
    Binary(Box<[Box<str>]>),
    Ip(Box<[Option<IpNet>]>),
    Arn(Box<[ArnPattern]>),
    /// `true` = the key must be absent.
    Null(Box<[Option<bool>]>),
}

#[derive(Clone, Debug)]
enum IgnoreCaseValue {
    Literal(Box<str>),
    /// Contains variables: resolved (allocating) at evaluation time.
    Template(Box<str>),
}

#[derive(Clone, Debug)]
enum ArnPattern {
    /// `*` alone.
    Everything,
    /// Six parts, each its own glob.
    Parts(Box<[Glob; 6]>),
    /// Contains policy variables: split into parts after substitution.
    Template(Box<str>),
    /// Fewer than six parts: matches nothing.
    Malformed,
}

impl CompiledCondition {
    /// Compiles one condition of a policy. Values that cannot be read for
    /// their operator (a number that is not a number, a CIDR that is not an
    /// address) never match and are reported as warnings.
    pub fn compile(
        condition: &Condition,
        variables: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let op = condition.operator;
        let warn = |diagnostics: &mut Vec<Diagnostic>, i: usize, what: &str, help: &str| {
            diagnostics.push(
                Diagnostic::warning(
                    condition.pointer_of(i),
                    format!(
                        "`{}` is not {what}, so `{op}` never matches it",
                        condition.values[i]
                    ),
                )
                .with_help(help.to_owned()),
            );
        };
        let mut parse_each = |what: &str, help: &str, parse: &dyn Fn(&str) -> bool| {
            for (i, v) in condition.values.iter().enumerate() {
                if !parse(v) {
                    warn(diagnostics, i, what, help);
                }
            }
        };
        let values = match op.base.family() {
            OperatorFamily::String => match op.base.positive() {
                BaseOperator::StringEqualsIgnoreCase => Values::StringIgnoreCase(
                    condition
                        .values
                        .iter()
                        .map(|v| {
                            if variables && has_variable_syntax(v) {
                                IgnoreCaseValue::Template(v.as_str().into())
                            } else {
                                IgnoreCaseValue::Literal(v.as_str().into())
                            }
                        })
                        .collect(),
                ),
                positive => {
                    let wildcards = positive == BaseOperator::StringLike;
                    let syntax = PatternSyntax {
                        wildcards,
                        variables,
                        case: Case::Sensitive,
                    };
                    Values::String(
                        condition
                            .values
                            .iter()
                            .map(|v| TextPattern::new(v, syntax))
                            .collect(),
                    )
                }
            },
            OperatorFamily::Numeric => {
                parse_each(
                    "a number",
                    "write a decimal number such as `10` or `2.5`",
                    &|v| parse_number(v).is_some(),
                );
                let (ordering, or_equal) = comparison(op.base);
                Values::Numeric(
                    ordering,
                    or_equal,
                    condition.values.iter().map(|v| parse_number(v)).collect(),
                )
            }
            OperatorFamily::Date => {
                parse_each(
                    "a date",
                    "write an ISO 8601 date-time such as `2024-06-01T12:00:00Z`, or epoch seconds",
                    &|v| parse_date(v).is_some(),
                );
                let (ordering, or_equal) = comparison(op.base);
                Values::Date(
                    ordering,
                    or_equal,
                    condition.values.iter().map(|v| parse_date(v)).collect(),
                )
            }
            OperatorFamily::Bool => {
                parse_each("a boolean", "write `true` or `false`", &|v| {
                    parse_bool(v).is_some()
                });
                Values::Bool(condition.values.iter().map(|v| parse_bool(v)).collect())
            }
            OperatorFamily::Binary => Values::Binary(
                condition
                    .values
                    .iter()
                    .map(|v| canonical_base64(v).into())
                    .collect(),
            ),
            OperatorFamily::Ip => {
                parse_each(
                    "an IP address or CIDR range",
                    "write an address or range such as `203.0.113.0/24` or `2001:db8::/32`",
                    &|v| parse_cidr(v).is_some(),
                );
                Values::Ip(condition.values.iter().map(|v| parse_cidr(v)).collect())
            }
            OperatorFamily::Arn => {
                let patterns: Box<[ArnPattern]> = condition
                    .values
                    .iter()
                    .map(|v| {
                        if v == "*" {
                            ArnPattern::Everything
                        } else if variables && has_variable_syntax(v) {
                            ArnPattern::Template(v.as_str().into())
                        } else {
                            match arn::split(v) {
                                Some(parts) => ArnPattern::Parts(Box::new(
                                    parts.map(|p| Glob::new(p, Case::Sensitive)),
                                )),
                                None => ArnPattern::Malformed,
                            }
                        }
                    })
                    .collect();
                for (i, p) in patterns.iter().enumerate() {
                    if matches!(p, ArnPattern::Malformed) {
                        warn(
                            diagnostics,
                            i,
                            "an ARN pattern",
                            "write six colon-separated parts: `arn:partition:service:region:account:resource`",
                        );
                    }
                }
                Values::Arn(patterns)
            }
            OperatorFamily::Null => {
                parse_each(
                    "a boolean",
                    "write `true` (the key must be absent) or `false` (present)",
                    &|v| parse_bool(v).is_some(),
                );
                Values::Null(condition.values.iter().map(|v| parse_bool(v)).collect())
            }
        };
        CompiledCondition {
            operator: op,
            lower_key: condition.key.to_lowercase().into(),
            key: condition.key.as_str().into(),
            values,
        }
    }

    /// The operator.
    pub fn operator(&self) -> ConditionOperator {
        self.operator
    }

    /// The key as written in the policy.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Evaluates the condition against the request context.
    pub fn evaluate(&self, context: &RequestContext) -> ConditionOutcome {
        let found = context.get(&self.lower_key);
        let holds = match &self.values {
            Values::Null(expect_absent) => {
                let absent = match found {
                    None => true,
                    Some(ContextValue::Single(_)) => false,
                    Some(ContextValue::Multi(values)) => values.is_empty(),
                };
                expect_absent.contains(&Some(absent))
            }
            _ => self.evaluate_values(found, context),
        };
        match (holds, found) {
            (true, _) => ConditionOutcome::Holds,
            (false, None) => ConditionOutcome::FailsMissingKey,
            (false, Some(_)) => ConditionOutcome::Fails,
        }
    }

    fn evaluate_values(&self, found: Option<&ContextValue>, context: &RequestContext) -> bool {
        let negated = self.operator.is_negated();
        // One request value against the policy values: OR for positive
        // operators, NOR for negated ones.
        let test = |value: &str| self.any_value_matches(value, context) != negated;
        let values: &[String] = match found {
            None => &[],
            Some(ContextValue::Single(value)) => std::slice::from_ref(value),
            Some(ContextValue::Multi(values)) => values,
        };
        match self.operator.qualifier {
            None => match values {
                // Missing (or empty): positive false, negated true, IfExists true.
                [] => self.operator.if_exists || negated,
                [value] => test(value),
                // A multivalued key needs a set operator; without one no
                // documented answer exists, and we answer no match either way.
                _ => false,
            },
            Some(SetQualifier::ForAnyValue) => match values {
                [] => self.operator.if_exists,
                _ => values.iter().any(|v| test(v)),
            },
            Some(SetQualifier::ForAllValues) => values.iter().all(|v| test(v)),
        }
    }

    /// Whether `value` matches any policy value under the positive operator.
    fn any_value_matches(&self, value: &str, context: &RequestContext) -> bool {
        match &self.values {
            Values::String(patterns) => patterns.iter().any(|p| p.matches(value, context)),
            Values::StringIgnoreCase(expected) => expected.iter().any(|e| match e {
                IgnoreCaseValue::Literal(text) => eq_ignore_case(text, value),
                IgnoreCaseValue::Template(source) => {
                    resolve_plain(source, context).is_some_and(|text| eq_ignore_case(&text, value))
                }
            }),
            Values::Numeric(ordering, or_equal, expected) => match parse_number(value) {
                Some(actual) => expected
                    .iter()
                    .flatten()
                    .any(|e| compare(actual.partial_cmp(e), *ordering, *or_equal)),
                None => false,
            },
            Values::Date(ordering, or_equal, expected) => match parse_date(value) {
                Some(actual) => expected
                    .iter()
                    .flatten()
                    .any(|e| compare(Some(actual.cmp(e)), *ordering, *or_equal)),
                None => false,
            },
            Values::Bool(expected) => match parse_bool(value) {
                Some(actual) => expected.contains(&Some(actual)),
                None => false,
            },
            Values::Binary(expected) => {
                let actual = canonical_base64(value);
                expected.iter().any(|e| **e == *actual)
            }
            Values::Ip(ranges) => match parse_address(value) {
                Some(address) => ranges.iter().flatten().any(|net| net.contains(&address)),
                None => false,
            },
            Values::Arn(patterns) => {
                let Some(parts) = arn::split(value) else {
                    return false;
                };
                patterns.iter().any(|p| arn_matches(p, &parts, context))
            }
            Values::Null(_) => false,
        }
    }
}

fn arn_matches(pattern: &ArnPattern, parts: &[&str; 6], context: &RequestContext) -> bool {
    match pattern {
        ArnPattern::Everything => true,
        ArnPattern::Parts(globs) => globs.iter().zip(parts).all(|(g, p)| g.is_match(p)),
        ArnPattern::Template(source) => {
            let Some(tokens) = substitute_tokens(source, true, context) else {
                return false;
            };
            match split_tokens_six(tokens) {
                Some(segments) => segments
                    .iter()
                    .zip(parts)
                    .all(|(tokens, part)| match_tokens(tokens, part, Case::Sensitive, &|_| "")),
                None => false,
            }
        }
        ArnPattern::Malformed => false,
    }
}

/// Splits substituted tokens into the six ARN parts at the first five colons.
fn split_tokens_six(tokens: Vec<Token>) -> Option<Vec<Vec<Token>>> {
    let mut segments: Vec<Vec<Token>> = vec![Vec::new()];
    for token in tokens {
        match token {
            Token::Literal(text) => {
                let mut rest: &str = &text;
                while segments.len() < 6 {
                    let Some(i) = rest.find(':') else { break };
                    if i > 0 {
                        segments.last_mut()?.push(Token::Literal(rest[..i].into()));
                    }
                    segments.push(Vec::new());
                    rest = &rest[i + 1..];
                }
                if !rest.is_empty() {
                    segments.last_mut()?.push(Token::Literal(rest.into()));
                }
            }
            other => segments.last_mut()?.push(other),
        }
    }
    (segments.len() == 6 && segments[0] == [Token::Literal("arn".into())]).then_some(segments)
}

/// The pattern's text with variables substituted (no wildcards involved).
fn resolve_plain(source: &str, context: &RequestContext) -> Option<String> {
    let tokens = substitute_tokens(source, false, context)?;
    let mut out = String::new();
    for token in tokens {
        if let Token::Literal(text) = token {
            out.push_str(&text);
        }
    }
    Some(out)
}

fn comparison(op: BaseOperator) -> (Ordering, bool) {
    use BaseOperator::*;
    match op.positive() {
        NumericLessThan | DateLessThan => (Ordering::Less, false),
        NumericLessThanEquals | DateLessThanEquals => (Ordering::Less, true),
        NumericGreaterThan | DateGreaterThan => (Ordering::Greater, false),
        NumericGreaterThanEquals | DateGreaterThanEquals => (Ordering::Greater, true),
        _ => (Ordering::Equal, true),
    }
}

/// `request <op> policy`.
fn compare(actual_vs_policy: Option<Ordering>, wanted: Ordering, or_equal: bool) -> bool {
    match actual_vs_policy {
        Some(o) => o == wanted || (or_equal && o == Ordering::Equal),
        None => false,
    }
}

/// Case-insensitive equality by per-character lower-casing (not full case
/// folding: `ß` ≠ `ss`).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// A number: integer or decimal, optionally signed.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date-time: ISO 8601 with or without offset (no offset = UTC), a date,
/// or epoch seconds.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Some(seconds) = parse_number(t) {
        if !t.contains('-') || t.starts_with('-') {
            let nanos = (seconds * 1e9).round();
            if nanos.abs() < 2e27 {
                return Timestamp::from_nanosecond(nanos as i128).ok();
            }
            return None;
        }
    }
    if let Ok(ts) = Timestamp::from_str(t) {
        return Some(ts);
    }
    if let Ok(dt) = jiff::civil::DateTime::from_str(t) {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    if let Ok(date) = jiff::civil::Date::from_str(t) {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    None
}

/// `true` / `false`, any letter case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A CIDR range; a bare address is a single-host range (/32, /128).
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    let t = text.trim();
    if let Ok(net) = IpNet::from_str(t) {
        return Some(net);
    }
    IpAddr::from_str(t).ok().map(IpNet::from)
}

fn parse_address(text: &str) -> Option<IpAddr> {
    IpAddr::from_str(text.trim()).ok()
}

fn canonical_base64(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .collect()
}

#[cfg(test)]
mod tests;
