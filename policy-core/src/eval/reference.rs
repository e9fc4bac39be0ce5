//! A deliberately plain reading of one statement, straight from the parsed
//! document: no compilation, no fast paths, values parsed on every call.
//!
//! It exists so that property tests can check the compiled evaluator (its
//! exact/prefix glob shortcuts, pre-parsed numbers, dates and CIDRs, policy
//! variables as pattern holes) against an obviously-correct model, as Cedar
//! does for its own evaluator. It is slow and allocates; do not use it to
//! decide anything.

use std::net::IpAddr;
use std::str::FromStr;

use crate::policy::{
    BaseOperator, Condition, Effect, OperatorFamily, PolicyVersion, PrincipalKind, Principals,
    SetQualifier, Statement,
};

use super::condition::{eq_ignore_case, parse_bool, parse_cidr, parse_date, parse_number};
use super::request::{ContextValue, PrincipalType, Request, RequestContext};

/// One character of a pattern after variable substitution.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pat {
    Lit(char),
    Star,
    One,
}

fn glob(pattern: &[Pat], text: &[char], fold: bool) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Pat::Star, rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..], fold)),
        Some((Pat::One, rest)) => !text.is_empty() && glob(rest, &text[1..], fold),
        Some((Pat::Lit(c), rest)) => {
            !text.is_empty()
                && (if fold {
                    c.eq_ignore_ascii_case(&text[0])
                } else {
                    *c == text[0]
                })
                && glob(rest, &text[1..], fold)
        }
    }
}

/// Substitutes `${...}` (when `variables`) and turns the text into pattern
/// characters; `None` when a variable does not resolve.
fn substitute(
    text: &str,
    variables: bool,
    wildcards: bool,
    context: &RequestContext,
) -> Option<Vec<Pat>> {
    let plain = |c: char| match c {
        '*' if wildcards => Pat::Star,
        '?' if wildcards => Pat::One,
        c => Pat::Lit(c),
    };
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if variables {
            if let Some(body) = rest.strip_prefix("${") {
                if let Some(end) = body.find('}') {
                    let inner = &body[..end];
                    let resolved: Option<Option<String>> = match inner {
                        "*" | "?" | "$" => Some(Some(inner.to_owned())),
                        _ => {
                            let (key, default) = match inner.split_once(',') {
                                Some((k, d)) => {
                                    let d = d.trim();
                                    match d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
                                        Some(d) => (k.trim(), Some(d.to_owned())),
                                        None => ("", None),
                                    }
                                }
                                None => (inner.trim(), None),
                            };
                            if key.is_empty() || key.contains(char::is_whitespace) {
                                None
                            } else {
                                Some(match context.get(&key.to_lowercase()) {
                                    Some(ContextValue::Single(v)) => Some(v.clone()),
                                    Some(ContextValue::Multi(_)) => None,
                                    None => default,
                                })
                            }
                        }
                    };
                    if let Some(value) = resolved {
                        out.extend(value?.chars().map(Pat::Lit));
                        rest = &body[end + 1..];
                        continue;
                    }
                }
            }
        }
        let c = rest.chars().next()?;
        out.push(plain(c));
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn resource_matches(
    pattern: &str,
    resource: &str,
    variables: bool,
    context: &RequestContext,
) -> bool {
    // Variables only after the fifth colon.
    let split = pattern
        .match_indices(':')
        .nth(4)
        .map_or(pattern.len(), |(i, _)| i + 1);
    let Some(mut pat) = substitute(&pattern[..split], false, true, context) else {
        return false;
    };
    match substitute(&pattern[split..], variables, true, context) {
        Some(rest) => pat.extend(rest),
        None => return false,
    }
    glob(&pat, &chars(resource), false)
}

fn principal_matches(statement: &Statement, request: &Request<'_>, has_boundary: bool) -> bool {
    let Some(element) = &statement.principal else {
        return true;
    };
    let p = request.principal;
    let iam = p.is_iam_identity();
    // Which of the caller's identities an entry names.
    let names = |kind: PrincipalKind, value: &str| -> Vec<&'static str> {
        let mut out = Vec::new();
        match kind {
            PrincipalKind::Aws if value == "*" => out.extend([
                "session",
                "role",
                "user",
                "federated-user",
                "account",
                "service",
                "provider",
            ]),
            PrincipalKind::Aws => {
                let account_of = |v: &str| -> Option<String> {
                    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                        return Some(v.to_owned());
                    }
                    v.strip_suffix(":root")
                        .and_then(|r| r.strip_prefix(&format!("arn:{}:iam::", p.partition())))
                        .map(str::to_owned)
                };
                if iam && account_of(value).as_deref() == Some(p.account()) {
                    out.push("account");
                }
                let role_prefix = format!("arn:{}:iam::{}:role/", p.partition(), p.account());
                if matches!(p.kind(), PrincipalType::Role | PrincipalType::AssumedRole)
                    && value.starts_with(&role_prefix)
                    && value.rsplit('/').next() == Some(p.name())
                {
                    out.push("role");
                }
                if value == p.as_str() {
                    match p.kind() {
                        PrincipalType::User => out.push("user"),
                        PrincipalType::AssumedRole => out.push("session"),
                        PrincipalType::FederatedUser => out.push("federated-user"),
                        _ => {}
                    }
                }
            }
            PrincipalKind::Service => {
                if p.kind() == PrincipalType::Service && value == p.name() {
                    out.push("service");
                }
            }
            PrincipalKind::Federated => {
                if matches!(p.kind(), PrincipalType::Federated | PrincipalType::Service)
                    && value == p.as_str()
                {
                    out.push("provider");
                }
            }
            PrincipalKind::CanonicalUser => {}
        }
        out
    };
    let named: Vec<&str> = match &element.principals {
        Principals::Everyone => vec![
            "session",
            "role",
            "user",
            "federated-user",
            "account",
            "service",
            "provider",
        ],
        Principals::Entries(entries) => entries
            .iter()
            .flat_map(|e| names(e.kind, &e.value))
            .collect(),
    };
    if !element.negated {
        return !named.is_empty();
    }
    if statement.effect == Effect::Deny && has_boundary {
        return true;
    }
    let identities: &[&str] = match p.kind() {
        PrincipalType::User => &["user", "account"],
        PrincipalType::Role => &["role", "account"],
        PrincipalType::AssumedRole => &["session", "role", "account"],
        PrincipalType::FederatedUser => &["federated-user", "account"],
        PrincipalType::Root => &["account"],
        PrincipalType::Service => &["service"],
        PrincipalType::Federated => &["provider"],
        PrincipalType::Anonymous => &[],
    };
    let spared = !identities.is_empty() && identities.iter().all(|id| named.contains(id));
    !spared
}

fn value_matches(
    condition: &Condition,
    policy_value: &str,
    request_value: &str,
    variables: bool,
    context: &RequestContext,
) -> bool {
    let positive = condition.operator.base.positive();
    match condition.operator.base.family() {
        OperatorFamily::String => {
            let like = positive == BaseOperator::StringLike;
            let Some(pattern) = substitute(policy_value, variables, like, context) else {
                return false;
            };
            if positive == BaseOperator::StringEqualsIgnoreCase {
                let expected: String = pattern
                    .iter()
                    .map(|p| match p {
                        Pat::Lit(c) => *c,
                        Pat::Star => '*',
                        Pat::One => '?',
                    })
                    .collect();
                return eq_ignore_case(&expected, request_value);
            }
            glob(&pattern, &chars(request_value), false)
        }
        OperatorFamily::Numeric => {
            match (parse_number(request_value), parse_number(policy_value)) {
                (Some(r), Some(p)) => match positive {
                    BaseOperator::NumericLessThan => r < p,
                    BaseOperator::NumericLessThanEquals => r <= p,
                    BaseOperator::NumericGreaterThan => r > p,
                    BaseOperator::NumericGreaterThanEquals => r >= p,
                    _ => r == p,
                },
                _ => false,
            }
        }
        OperatorFamily::Date => match (parse_date(request_value), parse_date(policy_value)) {
            (Some(r), Some(p)) => match positive {
                BaseOperator::DateLessThan => r < p,
                BaseOperator::DateLessThanEquals => r <= p,
                BaseOperator::DateGreaterThan => r > p,
                BaseOperator::DateGreaterThanEquals => r >= p,
                _ => r == p,
            },
            _ => false,
        },
        OperatorFamily::Bool => {
            matches!((parse_bool(request_value), parse_bool(policy_value)), (Some(r), Some(p)) if r == p)
        }
        OperatorFamily::Binary => {
            let canon = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_whitespace() && *c != '=')
                    .collect::<String>()
            };
            canon(request_value) == canon(policy_value)
        }
        OperatorFamily::Ip => match (
            IpAddr::from_str(request_value.trim()),
            parse_cidr(policy_value),
        ) {
            (Ok(address), Some(net)) => net.contains(&address),
            _ => false,
        },
        OperatorFamily::Arn => {
            if policy_value == "*" {
                return crate::arn::split(request_value).is_some();
            }
            let Some(pattern) = substitute(policy_value, variables, true, context) else {
                return false;
            };
            let Some(value_parts) = crate::arn::split(request_value) else {
                return false;
            };
            let mut parts: Vec<Vec<Pat>> = vec![Vec::new()];
            for p in pattern {
                if p == Pat::Lit(':') && parts.len() < 6 {
                    parts.push(Vec::new());
                } else if let Some(last) = parts.last_mut() {
                    last.push(p);
                }
            }
            parts.len() == 6
                && parts[0] == [Pat::Lit('a'), Pat::Lit('r'), Pat::Lit('n')]
                && parts
                    .iter()
                    .zip(value_parts)
                    .all(|(p, v)| glob(p, &chars(v), false))
        }
        OperatorFamily::Null => false,
    }
}

fn condition_holds(condition: &Condition, variables: bool, context: &RequestContext) -> bool {
    let found = context.get(&condition.key.to_lowercase());
    let values: Vec<String> = match found {
        None => Vec::new(),
        Some(ContextValue::Single(v)) => vec![v.clone()],
        Some(ContextValue::Multi(v)) => v.clone(),
    };
    let op = condition.operator;
    if op.base == BaseOperator::Null {
        let absent = values.is_empty();
        return condition
            .values
            .iter()
            .any(|v| parse_bool(v) == Some(absent));
    }
    let negated = op.base.is_negated();
    let test = |r: &str| {
        let any = condition
            .values
            .iter()
            .any(|p| value_matches(condition, p, r, variables, context));
        any != negated
    };
    match op.qualifier {
        None => {
            if values.is_empty() {
                op.if_exists || negated
            } else if values.len() == 1 {
                test(&values[0])
            } else {
                false
            }
        }
        Some(SetQualifier::ForAnyValue) => {
            if values.is_empty() {
                op.if_exists
            } else {
                values.iter().any(|v| test(v))
            }
        }
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| test(v)),
    }
}

/// Whether `statement` (of a document of `version`) applies to `request`.
pub fn statement_applies(
    statement: &Statement,
    version: PolicyVersion,
    request: &Request<'_>,
    has_boundary: bool,
) -> bool {
    let variables = version == PolicyVersion::V2012_10_17;
    let action = chars(request.action);
    let listed = statement.action.values.iter().any(|a| {
        let pattern: Vec<Pat> = a
            .chars()
            .map(|c| match c {
                '*' => Pat::Star,
                '?' => Pat::One,
                c => Pat::Lit(c),
            })
            .collect();
        glob(&pattern, &action, true)
    });
    if listed == statement.action.negated {
        return false;
    }
    if let Some(resources) = &statement.resource {
        let listed = resources
            .values
            .iter()
            .any(|r| resource_matches(r, request.resource, variables, request.context));
        if listed == resources.negated {
            return false;
        }
    }
    principal_matches(statement, request, has_boundary)
        && statement
            .conditions
            .iter()
            .all(|c| condition_holds(c, variables, request.context))
}
