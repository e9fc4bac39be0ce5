//! The `rolecall eval` case format: one JSON object per line holding the
//! policies and the request (see `cli.md`).

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::arn;
use crate::diagnostic::{describe_json_type, json_error_message, Diagnostic};

use super::{
    CompiledPolicy, ContextValue, PolicyKind, PolicySet, Principal, Request, RequestContext,
};

/// One evaluation case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case's `name`, as given (any JSON value; `null` when absent).
    pub name: Value,
    /// The policies.
    pub policies: PolicySet,
    /// Who calls.
    pub principal: Principal,
    /// The action.
    pub action: String,
    /// The resource ARN or `*`.
    pub resource: String,
    /// The resource's account, when given.
    pub resource_account: Option<String>,
    /// The request context.
    pub context: RequestContext,
    /// The `expected` decision, when the case carries one.
    pub expected: Option<String>,
}

/// Why a line is not a usable case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CaseError {
    /// What is wrong, naming the member.
    pub message: String,
}

fn error(message: impl Into<String>) -> CaseError {
    CaseError {
        message: message.into(),
    }
}

const POLICY_MEMBERS: &[&str] = &["identity", "resource", "boundary", "session", "scp", "rcp"];

impl Case {
    /// Reads a case from one line of text.
    pub fn parse_line(line: &str) -> Result<Case, (Value, CaseError)> {
        let value: Value = serde_json::from_str(line).map_err(|e| {
            (
                Value::Null,
                error(format!(
                    "invalid JSON at column {}: {}",
                    crate::locate::json_error_column(line, &e),
                    json_error_message(&e)
                )),
            )
        })?;
        let name = value.get("name").cloned().unwrap_or(Value::Null);
        Case::from_value(&value).map_err(|e| (name, e))
    }

    /// Reads a case from parsed JSON.
    pub fn from_value(value: &Value) -> Result<Case, CaseError> {
        let object = value
            .as_object()
            .ok_or_else(|| error("a case must be a JSON object with `policies` and `request`"))?;
        let name = object.get("name").cloned().unwrap_or(Value::Null);
        let request = object
            .get("request")
            .ok_or_else(|| error("the case has no `request`"))?
            .as_object()
            .ok_or_else(|| error("`request` must be an object"))?;
        let text = |key: &str| -> Result<String, CaseError> {
            match request.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(error(format!(
                    "`request.{key}` must be a string, found {}",
                    describe_json_type(other)
                ))),
                None => Err(error(format!("the request has no `{key}`"))),
            }
        };
        let principal = Principal::parse(&text("principal")?)
            .map_err(|e| error(format!("`request.principal`: {e}")))?;
        let action = text("action")?;
        if action != "*" && !action.contains(':') {
            return Err(error(format!(
                "`request.action`: `{action}` is not an action; write `service:Action`, e.g. `lambda:InvokeFunction`"
            )));
        }
        let resource = text("resource")?;
        if resource != "*" && arn::split(&resource).is_none() {
            return Err(error(format!(
                "`request.resource`: `{resource}` is not an ARN; write `arn:partition:service:region:account:resource` or `*`"
            )));
        }
        let resource_account = match request.get("resource_account") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(error(format!(
                    "`request.resource_account` must be a string, found {}",
                    describe_json_type(other)
                )))
            }
        };
        let context = match request.get("context") {
            None | Some(Value::Null) => RequestContext::new(),
            Some(Value::Object(map)) => read_context(map)?,
            Some(other) => {
                return Err(error(format!(
                    "`request.context` must be an object, found {}",
                    describe_json_type(other)
                )))
            }
        };
        let policies = match object.get("policies") {
            None | Some(Value::Null) => PolicySet::default(),
            Some(Value::Object(map)) => read_policies(map)?,
            Some(other) => {
                return Err(error(format!(
                    "`policies` must be an object, found {}",
                    describe_json_type(other)
                )))
            }
        };
        let expected = object
            .get("expected")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Case {
            name,
            policies,
            principal,
            action,
            resource,
            resource_account,
            context,
            expected,
        })
    }

    /// The request this case describes.
    pub fn request(&self) -> Request<'_> {
        Request {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: self.resource_account.as_deref(),
            context: &self.context,
        }
    }
}

fn read_context(map: &Map<String, Value>) -> Result<RequestContext, CaseError> {
    let mut context = RequestContext::new();
    for (key, value) in map {
        let scalar = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let value = match value {
            Value::Array(items) => ContextValue::Multi(
                items
                    .iter()
                    .map(|item| {
                        scalar(item).ok_or_else(|| {
                            error(format!(
                                "`request.context.{key}` must hold strings, found {}",
                                describe_json_type(item)
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => ContextValue::Single(scalar(other).ok_or_else(|| {
                error(format!(
                    "`request.context.{key}` must be a string or an array of strings, found {}",
                    describe_json_type(other)
                ))
            })?),
        };
        context.insert(key, value);
    }
    Ok(context)
}

fn read_policies(map: &Map<String, Value>) -> Result<PolicySet, CaseError> {
    for key in map.keys() {
        if !POLICY_MEMBERS.contains(&key.as_str()) {
            let hint = crate::suggest::closest(key, POLICY_MEMBERS.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| format!("; the members are {}", POLICY_MEMBERS.join(", ")));
            return Err(error(format!("unknown member `policies.{key}`{hint}")));
        }
    }
    let flat = |key: &str, kind: PolicyKind| -> Result<Vec<Arc<CompiledPolicy>>, CaseError> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(docs)) => Ok(docs
                .iter()
                .map(|d| Arc::new(compile_document(d, kind)))
                .collect()),
            Some(doc @ Value::Object(_)) => Ok(vec![Arc::new(compile_document(doc, kind))]),
            Some(other) => Err(error(format!(
                "`policies.{key}` must be an array of policy documents, found {}",
                describe_json_type(other)
            ))),
        }
    };
    let levels = |key: &str,
                  kind: PolicyKind|
     -> Result<Vec<Vec<Arc<CompiledPolicy>>>, CaseError> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) if items.is_empty() => Ok(Vec::new()),
            Some(Value::Array(items)) if items.iter().all(Value::is_array) => Ok(items
                .iter()
                .map(|level| {
                    level
                        .as_array()
                        .map(|docs| docs.iter().map(|d| Arc::new(compile_document(d, kind))).collect())
                        .unwrap_or_default()
                })
                .collect()),
            Some(Value::Array(items)) if items.iter().any(Value::is_array) => Err(error(format!(
                "`policies.{key}` mixes documents and levels; write a list of documents (one level) or a list of lists (one per level)"
            ))),
            Some(_) => Ok(vec![flat(key, kind)?]),
        }
    };
    Ok(PolicySet {
        identity: flat("identity", PolicyKind::Identity)?,
        resource: flat("resource", PolicyKind::Resource)?,
        boundary: flat("boundary", PolicyKind::Boundary)?,
        session: flat("session", PolicyKind::Session)?,
        scp: levels("scp", PolicyKind::Scp)?,
        rcp: levels("rcp", PolicyKind::Rcp)?,
    })
}

/// A document given as an object, or as JSON text inside a string (the way
/// `get-policy` prints it).
fn compile_document(value: &Value, kind: PolicyKind) -> CompiledPolicy {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(document) => CompiledPolicy::from_value(&document, kind),
            Err(e) => CompiledPolicy::rejected(
                kind,
                vec![Diagnostic::error(
                    "",
                    format!(
                        "the policy string is not JSON (line {}, column {}): {}",
                        e.line(),
                        crate::locate::json_error_column(text, &e),
                        json_error_message(&e)
                    ),
                )],
            ),
        },
        other => CompiledPolicy::from_value(other, kind),
    }
}
