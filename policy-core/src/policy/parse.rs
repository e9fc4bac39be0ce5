//! Reading a policy document from JSON, with a diagnostic for every problem.
//!
//! One bad statement never hides the others: each statement is read on its
//! own, a statement with an error is left out of the document (it grants and
//! denies nothing, which is how the evaluator fails closed) and every problem
//! is reported with its JSON pointer.

use serde_json::{Map, Value};

use super::{
    Condition, ConditionOperator, Effect, LeftOutStatement, Patterns, PolicyDocument,
    PolicyVersion, PrincipalElement, PrincipalEntry, PrincipalKind, Principals, Statement,
};
use crate::diagnostic::{
    child_pointer, describe_json_type as kind_of, json_error_message, Diagnostic,
};
use crate::suggest;

/// A document that was read, with what was wrong in it (warnings, and errors
/// of statements that were left out).
#[derive(Clone, Debug)]
pub struct ParsedPolicy {
    /// The usable part of the document.
    pub document: PolicyDocument,
    /// Every problem found, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A document that cannot be used at all (not an object, no `Statement`, an
/// unknown top-level element, a bad `Version`). It grants and denies nothing.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.diagnostics.first().map(|d| d.to_string()).unwrap_or_else(|| "invalid policy".into()))]
pub struct InvalidPolicy {
    /// Every problem found, including those of individual statements.
    pub diagnostics: Vec<Diagnostic>,
    /// The statements that could be read, for linting only: a linter shows
    /// every problem at once, not one that hides the others until it is
    /// fixed (an unknown `Version` is read as `2012-10-17` here). `None`
    /// when the document is not an object.
    pub as_written: Option<Box<PolicyDocument>>,
}

/// Why a policy text could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PolicyParseError {
    /// The text is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The JSON is not a usable policy document.
    #[error(transparent)]
    Invalid(#[from] InvalidPolicy),
}

pub(super) const TOP_LEVEL: &[&str] = &["Version", "Id", "Statement"];
pub(super) const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl PolicyDocument {
    /// Reads a policy document from JSON text.
    pub fn parse_str(text: &str) -> Result<ParsedPolicy, PolicyParseError> {
        if let Some(document) = PolicyDocument::read_plain(text) {
            return Ok(ParsedPolicy {
                document,
                diagnostics: Vec::new(),
            });
        }
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyParseError::Json {
            line: e.line(),
            column: crate::locate::json_error_column(text, &e),
            message: json_error_message(&e),
        })?;
        Ok(PolicyDocument::from_value(&value)?)
    }

    /// Reads a policy document from parsed JSON.
    pub fn from_value(value: &Value) -> Result<ParsedPolicy, InvalidPolicy> {
        let mut diagnostics = Vec::new();
        let Some(object) = value.as_object() else {
            return Err(InvalidPolicy {
                diagnostics: vec![Diagnostic::error(
                    "",
                    format!(
                        "a policy document must be a JSON object, found {}",
                        kind_of(value)
                    ),
                )
                .with_help("write `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`")],
                as_written: None,
            });
        };
        let mut usable = true;
        for key in object.keys() {
            if !TOP_LEVEL.contains(&key.as_str()) {
                usable = false;
                diagnostics.push(unknown_element(
                    &child_pointer("", key),
                    key,
                    TOP_LEVEL,
                    "policy",
                ));
            }
        }
        let version = match object.get("Version") {
            None => PolicyVersion::Unspecified,
            Some(Value::String(v)) if v == "2012-10-17" => PolicyVersion::V2012_10_17,
            Some(Value::String(v)) if v == "2008-10-17" => PolicyVersion::V2008_10_17,
            Some(other) => {
                usable = false;
                diagnostics.push(
                    Diagnostic::error(
                        "/Version",
                        format!("unknown policy version {}", show(other)),
                    )
                    .with_help("use `\"2012-10-17\"`"),
                );
                // Read as the version it nearly is, for linting only.
                PolicyVersion::V2012_10_17
            }
        };
        let id = match object.get("Id") {
            None => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(other) => {
                diagnostics.push(Diagnostic::error(
                    "/Id",
                    format!("`Id` must be a string, found {}", kind_of(other)),
                ));
                usable = false;
                None
            }
        };
        let mut statements = Vec::new();
        let mut statement_count = 0;
        let mut left_out = Vec::new();
        match object.get("Statement") {
            None => {
                usable = false;
                diagnostics.push(
                    Diagnostic::error("", "the policy has no `Statement` element")
                        .with_help("add `\"Statement\": [{\"Effect\": ..., \"Action\": ..., \"Resource\": ...}]`"),
                );
            }
            Some(Value::Object(statement)) => {
                statement_count = 1;
                statements.reserve_exact(1);
                if let Some(s) = read_statement(
                    statement,
                    0,
                    "/Statement".into(),
                    &mut diagnostics,
                    &mut left_out,
                ) {
                    statements.push(s);
                }
            }
            Some(Value::Array(list)) => {
                statement_count = list.len();
                // Sized once: a statement is large, and most documents
                // have one or two (a doubling vector would hold four).
                statements.reserve_exact(list.len());
                for (index, item) in list.iter().enumerate() {
                    let pointer = crate::diagnostic::item_pointer("/Statement", index);
                    match item {
                        Value::Object(statement) => {
                            if let Some(s) = read_statement(
                                statement,
                                index,
                                pointer,
                                &mut diagnostics,
                                &mut left_out,
                            ) {
                                statements.push(s);
                            }
                        }
                        other => diagnostics.push(Diagnostic::error(
                            pointer,
                            format!(
                                "a statement must be a JSON object, found {}",
                                kind_of(other)
                            ),
                        )),
                    }
                }
            }
            Some(other) => {
                usable = false;
                diagnostics.push(Diagnostic::error(
                    "/Statement",
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        kind_of(other)
                    ),
                ));
            }
        }
        let document = PolicyDocument {
            version,
            id,
            statements,
            statement_count,
            left_out,
        };
        if !usable {
            return Err(InvalidPolicy {
                diagnostics,
                as_written: Some(Box::new(document)),
            });
        }
        Ok(ParsedPolicy {
            document,
            diagnostics,
        })
    }
}

fn read_statement(
    object: &Map<String, Value>,
    index: usize,
    pointer: String,
    diagnostics: &mut Vec<Diagnostic>,
    left_out: &mut Vec<LeftOutStatement>,
) -> Option<Statement> {
    let errors_before = diagnostics.iter().filter(|d| d.is_error()).count();
    for key in object.keys() {
        if !STATEMENT_ELEMENTS.contains(&key.as_str()) {
            diagnostics.push(unknown_element(
                &child_pointer(&pointer, key),
                key,
                STATEMENT_ELEMENTS,
                "statement",
            ));
        }
    }
    let sid = match object.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            diagnostics.push(Diagnostic::error(
                child_pointer(&pointer, "Sid"),
                format!("`Sid` must be a string, found {}", kind_of(other)),
            ));
            None
        }
    };
    let effect = match object.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Some(Effect::Allow),
        Some(Value::String(e)) if e == "Deny" => Some(Effect::Deny),
        Some(Value::String(e)) => {
            let help = if e.eq_ignore_ascii_case("allow") {
                "write `Allow`: the value is case-sensitive".to_owned()
            } else if e.eq_ignore_ascii_case("deny") {
                "write `Deny`: the value is case-sensitive".to_owned()
            } else {
                "use `Allow` or `Deny`".to_owned()
            };
            diagnostics.push(
                Diagnostic::error(
                    child_pointer(&pointer, "Effect"),
                    format!("`Effect` must be `Allow` or `Deny`, found `{e}`"),
                )
                .with_help(help),
            );
            None
        }
        Some(other) => {
            diagnostics.push(Diagnostic::error(
                child_pointer(&pointer, "Effect"),
                format!(
                    "`Effect` must be the string `Allow` or `Deny`, found {}",
                    kind_of(other)
                ),
            ));
            None
        }
        None => {
            diagnostics.push(
                Diagnostic::error(pointer.clone(), "the statement has no `Effect`")
                    .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
            );
            None
        }
    };
    let principal = read_pair(
        object,
        &pointer,
        "Principal",
        "NotPrincipal",
        false,
        diagnostics,
    )
    .and_then(|(negated, value, at)| read_principal(value, negated, at, diagnostics));
    let action = match read_pair(object, &pointer, "Action", "NotAction", true, diagnostics) {
        Some((negated, value, at)) => read_patterns(value, negated, &at, diagnostics),
        None => None,
    };
    let resource = match read_pair(
        object,
        &pointer,
        "Resource",
        "NotResource",
        false,
        diagnostics,
    ) {
        Some((negated, value, at)) => read_patterns(value, negated, &at, diagnostics),
        None => None,
    };
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(value) => read_conditions(value, &child_pointer(&pointer, "Condition"), diagnostics),
    };
    let errors_after = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        if let Some(sid) = sid {
            left_out.push(LeftOutStatement {
                index,
                pointer,
                sid,
            });
        }
        return None;
    }
    Some(Statement {
        index,
        pointer,
        sid,
        effect: effect?,
        principal,
        action: action?,
        resource,
        conditions,
    })
}

/// Reads one of a mutually exclusive pair (`Action`/`NotAction`, …).
fn read_pair<'v>(
    object: &'v Map<String, Value>,
    pointer: &str,
    positive: &str,
    negative: &str,
    required: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(bool, &'v Value, String)> {
    match (object.get(positive), object.get(negative)) {
        (Some(_), Some(_)) => {
            diagnostics.push(
                Diagnostic::error(
                    child_pointer(pointer, negative),
                    format!("a statement cannot have both `{positive}` and `{negative}`"),
                )
                .with_help("keep one of them"),
            );
            None
        }
        (Some(v), None) => Some((false, v, child_pointer(pointer, positive))),
        (None, Some(v)) => Some((true, v, child_pointer(pointer, negative))),
        (None, None) => {
            if required {
                diagnostics.push(
                    Diagnostic::error(
                        pointer.to_owned(),
                        format!("the statement has neither `{positive}` nor `{negative}`"),
                    )
                    .with_help(format!("add `\"{positive}\": ...`")),
                );
            }
            None
        }
    }
}

fn read_patterns(
    value: &Value,
    negated: bool,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Patterns> {
    let values = read_string_list(value, pointer, diagnostics)?;
    if values.is_empty() {
        // IAM refuses it; read as written, an empty `NotAction` would
        // grant every action.
        let element = pointer.rsplit('/').next().unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                pointer.to_owned(),
                format!("`{element}` is an empty list: IAM refuses a statement that names nothing"),
            )
            .with_help("list what the statement is about, or remove it"),
        );
        return None;
    }
    Some(Patterns {
        negated,
        values,
        pointer: pointer.to_owned(),
        is_array: value.is_array(),
    })
}

/// A string or an array of strings; anything else is an error.
fn read_string_list(
    value: &Value,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        ok = false;
                        diagnostics.push(Diagnostic::error(
                            format!("{pointer}/{i}"),
                            format!("expected a string, found {}", kind_of(other)),
                        ));
                    }
                }
            }
            ok.then_some(out)
        }
        other => {
            diagnostics.push(Diagnostic::error(
                pointer.to_owned(),
                format!(
                    "expected a string or an array of strings, found {}",
                    kind_of(other)
                ),
            ));
            None
        }
    }
}

fn read_principal(
    value: &Value,
    negated: bool,
    pointer: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PrincipalElement> {
    let principals = match value {
        Value::String(s) if s == "*" => Principals::Everyone,
        Value::Object(map) => {
            let mut entries = Vec::new();
            let mut ok = true;
            for (key, list) in map {
                let kind = match key.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    _ => {
                        ok = false;
                        diagnostics.push(unknown_element(
                            &child_pointer(&pointer, key),
                            key,
                            &["AWS", "Service", "Federated", "CanonicalUser"],
                            "principal",
                        ));
                        continue;
                    }
                };
                let at = child_pointer(&pointer, key);
                match read_string_list(list, &at, diagnostics) {
                    Some(values) => {
                        let is_array = list.is_array();
                        entries.extend(values.into_iter().enumerate().map(|(i, value)| {
                            PrincipalEntry {
                                kind,
                                value,
                                pointer: if is_array {
                                    format!("{at}/{i}")
                                } else {
                                    at.clone()
                                },
                            }
                        }))
                    }
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Principals::Entries(entries)
        }
        Value::String(s) => {
            // Some tools (and Lambda emulators) write an account id, an ARN
            // or a service name as a bare string. AWS accepts only the
            // documented object form and refuses the document; rolecall
            // reads the obvious meaning, and says the document is invalid.
            let kind = if crate::arn::is_account_id(s) || s.starts_with("arn:") {
                Some(PrincipalKind::Aws)
            } else if s.ends_with(".amazonaws.com") || s.ends_with(".amazon.com") {
                Some(PrincipalKind::Service)
            } else {
                None
            };
            let Some(kind) = kind else {
                diagnostics.push(
                    Diagnostic::error(
                        pointer,
                        format!("a principal must be `\"*\"` or an object, found the string `{s}`"),
                    )
                    .with_help(format!(
                        "write `{{\"AWS\": \"{s}\"}}` or `{{\"Service\": \"{s}\"}}`"
                    )),
                );
                return None;
            };
            diagnostics.push(
                Diagnostic::warning(
                    pointer.clone(),
                    format!(
                        "a principal must be `\"*\"` or an object, found the string `{s}` (read as `{{\"{}\": \"{s}\"}}`)",
                        kind.key()
                    ),
                )
                .with_help(format!("write `{{\"{}\": \"{s}\"}}`", kind.key()))
                .also_refused_by_aws(),
            );
            Principals::Entries(vec![PrincipalEntry {
                kind,
                value: s.clone(),
                pointer: pointer.clone(),
            }])
        }
        other => {
            diagnostics.push(Diagnostic::error(
                pointer,
                format!(
                    "a principal must be `\"*\"` or an object, found {}",
                    kind_of(other)
                ),
            ));
            return None;
        }
    };
    Some(PrincipalElement {
        negated,
        pointer,
        principals,
    })
}

fn read_conditions(
    value: &Value,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    let Some(block) = value.as_object() else {
        diagnostics.push(Diagnostic::error(
            pointer.to_owned(),
            format!("`Condition` must be an object, found {}", kind_of(value)),
        ));
        return Vec::new();
    };
    let mut conditions = Vec::new();
    for (operator_name, keys) in block {
        let op_pointer = child_pointer(pointer, operator_name);
        let operator = match ConditionOperator::parse(operator_name) {
            Ok(parsed) => {
                if parsed.case_differs {
                    diagnostics.push(
                        Diagnostic::warning(
                            op_pointer.clone(),
                            format!(
                                "condition operator `{operator_name}` is not written as documented"
                            ),
                        )
                        .with_help(format!("write `{}`", parsed.operator)),
                    );
                }
                parsed.operator
            }
            Err(unknown) => {
                let mut d = Diagnostic::error(
                    op_pointer,
                    format!("unknown condition operator `{operator_name}`"),
                );
                d = match unknown.suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("see the IAM condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null"),
                };
                diagnostics.push(d);
                continue;
            }
        };
        let Some(keys) = keys.as_object() else {
            diagnostics.push(Diagnostic::error(
                op_pointer,
                format!(
                    "the value of `{operator_name}` must be an object of condition keys, found {}",
                    kind_of(keys)
                ),
            ));
            continue;
        };
        for (key, values) in keys {
            let key_pointer = child_pointer(&op_pointer, key);
            let is_array = values.is_array();
            let bare = |value: &Value| matches!(value, Value::Number(_) | Value::Bool(_));
            let bare_values = match values {
                Value::Array(items) => items.iter().filter(|item| bare(item)).count(),
                other => usize::from(bare(other)),
            };
            let values = match values {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        match scalar_text(item) {
                            Some(text) => out.push(text),
                            None => diagnostics.push(Diagnostic::error(
                                format!("{key_pointer}/{i}"),
                                format!("a condition value must be a string, number or boolean, found {}", kind_of(item)),
                            )),
                        }
                    }
                    if out.len() != items.len() {
                        continue;
                    }
                    out
                }
                other => match scalar_text(other) {
                    Some(text) => vec![text],
                    None => {
                        diagnostics.push(Diagnostic::error(
                            key_pointer,
                            format!("a condition value must be a string, number, boolean or an array of them, found {}", kind_of(other)),
                        ));
                        continue;
                    }
                },
            };
            conditions.push(Condition {
                operator,
                key: key.clone(),
                values,
                is_array,
                bare_values,
                pointer: key_pointer,
            });
        }
    }
    conditions
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn unknown_element(pointer: &str, key: &str, known: &[&str], what: &str) -> Diagnostic {
    let d = Diagnostic::error(
        pointer.to_owned(),
        format!("unknown {what} element `{key}`"),
    );
    match suggest::closest(key, known.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("the {what} elements are {}", known.join(", "))),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::Bool(b) => format!("`{b}`"),
        other => kind_of(other).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;

    fn parse(text: &str) -> ParsedPolicy {
        PolicyDocument::parse_str(text).unwrap()
    }

    #[test]
    fn statement_object_and_array_forms() {
        let one = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
        assert_eq!(one.document.statements.len(), 1);
        assert_eq!(one.document.statements[0].pointer, "/Statement");
        let many = parse(
            r#"{"Statement":[{"Effect":"Deny","NotAction":["a:b","c:d"],"NotResource":"x"}]}"#,
        );
        let s = &many.document.statements[0];
        assert_eq!(many.document.version, PolicyVersion::Unspecified);
        assert!(s.action.negated);
        assert_eq!(s.action.pointer_of(1), "/Statement/0/NotAction/1");
        assert!(s.resource.as_ref().unwrap().negated);
    }

    #[test]
    fn principal_forms() {
        let p = parse(
            r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"a:b"},
            {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::1:root"],"Service":"s3.amazonaws.com"},"Action":"a:b"},
            {"Effect":"Deny","NotPrincipal":{"Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a5"},"Action":"a:b"}
        ]}"#,
        );
        let d = &p.document;
        assert_eq!(
            d.statements[0].principal.as_ref().unwrap().principals,
            Principals::Everyone
        );
        match &d.statements[1].principal.as_ref().unwrap().principals {
            Principals::Entries(e) => {
                assert_eq!(e.len(), 3);
                assert_eq!(e[2].kind, PrincipalKind::Service);
            }
            other => panic!("{other:?}"),
        }
        assert!(d.statements[2].principal.as_ref().unwrap().negated);
    }

    #[test]
    fn bad_statement_does_not_hide_others() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqual":{"a":"b"}}},
            {"Effect":"Allow","Action":["s3:GetObject", 5],"Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","Resource":"*","Principle":"x"},
            {"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}
        ]}"#,
        );
        assert_eq!(p.document.statements.len(), 1);
        assert_eq!(p.document.statements[0].index, 4);
        assert_eq!(p.document.statement_count, 5);
        let pointers: Vec<_> = p.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/Statement/0/Effect",
                "/Statement/1/Condition/StringEqual",
                "/Statement/2/Action/1",
                "/Statement/3/Principle"
            ]
        );
        assert_eq!(
            p.diagnostics[0].help.as_deref(),
            Some("write `Allow`: the value is case-sensitive")
        );
        assert_eq!(
            p.diagnostics[1].help.as_deref(),
            Some("did you mean `StringEquals`?")
        );
        assert_eq!(
            p.diagnostics[3].help.as_deref(),
            Some("did you mean `Principal`?")
        );
    }

    #[test]
    fn conditions_accept_numbers_and_booleans() {
        let p = parse(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":[10, "20"]}}}}"#,
        );
        let c = &p.document.statements[0].conditions;
        assert_eq!(c[0].values, ["false"]);
        assert_eq!(c[1].values, ["10", "20"]);
        assert_eq!(
            c[1].pointer,
            "/Statement/Condition/NumericLessThan/s3:max-keys"
        );
    }

    #[test]
    fn operator_case_is_a_warning() {
        let p = parse(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"a":"b"}}}}"#,
        );
        assert_eq!(p.document.statements.len(), 1);
        assert_eq!(p.diagnostics[0].level, Level::Warning);
    }

    #[test]
    fn empty_lists_leave_the_statement_out() {
        for element in ["Action", "NotAction", "Resource", "NotResource"] {
            let other = if element.ends_with("Action") {
                r#""Resource": "*""#
            } else {
                r#""Action": "s3:GetObject""#
            };
            let parsed = parse(&format!(
                r#"{{"Statement": [{{"Effect": "Allow", "{element}": [], {other}}}]}}"#
            ));
            assert!(parsed.document.statements.is_empty(), "{element}");
            let error = parsed
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .expect("an error");
            assert_eq!(error.pointer, format!("/Statement/0/{element}"));
        }
    }

    #[test]
    fn unusable_documents() {
        assert!(matches!(
            PolicyDocument::parse_str("{"),
            Err(PolicyParseError::Json { line: 1, .. })
        ));
        assert!(matches!(
            PolicyDocument::parse_str("[]"),
            Err(PolicyParseError::Invalid(_))
        ));
        assert!(matches!(
            PolicyDocument::parse_str(r#"{"Version":"2012-10-17"}"#),
            Err(PolicyParseError::Invalid(_))
        ));
        let err = PolicyDocument::parse_str(r#"{"Statment":[]}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown policy element `Statment`"),
            "{err}"
        );
        assert!(PolicyDocument::parse_str(r#"{"Version":"2012-10-18","Statement":[]}"#).is_err());
    }
}
