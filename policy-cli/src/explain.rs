//! Renders an evaluator [`Response`] as JSON or as text for a person.

use std::fmt::Write as _;
use std::sync::Arc;

use policy_core::eval::{PolicyRef, Response, StatementOutcome, StatementTrace};
use policy_core::locate::{locate, Location};
use policy_core::policy::DocumentEncoding;
use serde_json::{json, Map, Value};

/// Where a policy of the set was read from.
pub struct PolicySource {
    /// The file, as the user named it.
    pub file: String,
    /// The file's text.
    pub text: Arc<str>,
    /// JSON pointer of the document (or of the string holding it) in the file.
    pub pointer: String,
    /// How the document is written in the file.
    pub encoding: DocumentEncoding,
}

/// Maps policies of a set to the files they came from.
pub trait Sources {
    fn source(&self, at: PolicyRef) -> Option<&PolicySource>;
}

/// For policies that came from nowhere in particular (eval cases).
pub struct NoSources;

impl Sources for NoSources {
    fn source(&self, _: PolicyRef) -> Option<&PolicySource> {
        None
    }
}

/// A file position for an element of a policy.
pub struct Place {
    pub file: String,
    pub location: Option<Location>,
    /// For a document inside a string: the pointer inside the document.
    pub inner_pointer: Option<String>,
}

pub fn place(sources: &dyn Sources, at: PolicyRef, pointer: &str) -> Option<Place> {
    let source = sources.source(at)?;
    Some(match source.encoding {
        DocumentEncoding::Object => Place {
            file: source.file.clone(),
            location: locate(&source.text, &format!("{}{}", source.pointer, pointer)),
            inner_pointer: None,
        },
        _ => Place {
            file: source.file.clone(),
            location: locate(&source.text, &source.pointer),
            inner_pointer: Some(pointer.to_owned()),
        },
    })
}

pub fn outcome_text(trace: &StatementTrace) -> String {
    match trace.outcome {
        StatementOutcome::Applies => "applies".to_owned(),
        StatementOutcome::ActionMismatch => "the action does not match".to_owned(),
        StatementOutcome::ResourceMismatch => "the resource does not match".to_owned(),
        StatementOutcome::PrincipalMismatch => "the principal does not match".to_owned(),
        StatementOutcome::ConditionFailed { missing_key, .. } => {
            let condition = trace.condition.as_deref().unwrap_or("a condition");
            if missing_key {
                let key = condition.rsplit(' ').next().unwrap_or(condition);
                format!("condition `{condition}` fails: the request has no `{key}`")
            } else {
                format!("condition `{condition}` does not hold")
            }
        }
    }
}

fn outcome_code(outcome: StatementOutcome) -> &'static str {
    match outcome {
        StatementOutcome::Applies => "applies",
        StatementOutcome::ActionMismatch => "action_mismatch",
        StatementOutcome::ResourceMismatch => "resource_mismatch",
        StatementOutcome::PrincipalMismatch => "principal_mismatch",
        StatementOutcome::ConditionFailed { .. } => "condition_failed",
    }
}

fn place_json(map: &mut Map<String, Value>, place: Option<Place>) {
    if let Some(place) = place {
        map.insert("file".into(), json!(place.file));
        if let Some(location) = place.location {
            map.insert("line".into(), json!(location.line));
            map.insert("column".into(), json!(location.column));
        }
        if let Some(inner) = place.inner_pointer {
            map.insert("pointer_in_document".into(), json!(inner));
        }
    }
}

fn statement_json(trace: &StatementTrace, sources: &dyn Sources) -> Value {
    let mut map = Map::new();
    map.insert("policy".into(), json!(trace.at.policy.to_string()));
    map.insert("statement".into(), json!(trace.at.statement));
    if let Some(sid) = &trace.sid {
        map.insert("sid".into(), json!(sid));
    }
    map.insert("effect".into(), json!(trace.effect.to_string()));
    map.insert("pointer".into(), json!(trace.pointer));
    map.insert("outcome".into(), json!(outcome_code(trace.outcome)));
    if let StatementOutcome::ConditionFailed { missing_key, .. } = trace.outcome {
        map.insert("condition".into(), json!(trace.condition));
        map.insert("missing_key".into(), json!(missing_key));
    }
    if let Some(m) = trace.principal_match {
        map.insert(
            "principal_match".into(),
            json!(format!("{m:?}").to_lowercase()),
        );
    }
    map.insert("reason".into(), json!(outcome_text(trace)));
    place_json(&mut map, place(sources, trace.at.policy, &trace.pointer));
    Value::Object(map)
}

/// The JSON form of a response (`eval --explain`, `can --format json`).
pub fn response_json(name: Option<&Value>, response: &Response, sources: &dyn Sources) -> Value {
    let mut map = Map::new();
    if let Some(name) = name {
        map.insert("name".into(), name.clone());
    }
    map.insert("decision".into(), json!(response.decision.as_str()));
    let deciding: Vec<Value> = response
        .statements
        .iter()
        .filter(|s| response.deciding.contains(&s.at))
        .map(|s| statement_json(s, sources))
        .collect();
    map.insert("deciding".into(), Value::Array(deciding));
    map.insert(
        "notes".into(),
        Value::Array(
            response
                .notes
                .iter()
                .map(|n| json!(n.to_string()))
                .collect(),
        ),
    );
    map.insert(
        "statements".into(),
        Value::Array(
            response
                .statements
                .iter()
                .map(|s| statement_json(s, sources))
                .collect(),
        ),
    );
    let errors: Vec<Value> = response
        .errors
        .iter()
        .map(|(at, d)| {
            let mut e = Map::new();
            e.insert("policy".into(), json!(at.to_string()));
            e.insert("level".into(), json!(d.level.to_string()));
            e.insert("pointer".into(), json!(d.pointer));
            e.insert("message".into(), json!(d.message));
            if let Some(help) = &d.help {
                e.insert("help".into(), json!(help));
            }
            place_json(&mut e, place(sources, *at, &d.pointer));
            Value::Object(e)
        })
        .collect();
    map.insert("errors".into(), Value::Array(errors));
    Value::Object(map)
}

fn place_text(place: Option<Place>, fallback: &str) -> String {
    match place {
        Some(p) => {
            let mut s = p.file;
            if let Some(l) = p.location {
                let _ = write!(s, ":{}:{}", l.line, l.column);
            }
            if let Some(inner) = p.inner_pointer {
                let _ = write!(s, " (policy string, {inner})");
            }
            s
        }
        None => fallback.to_owned(),
    }
}

fn statement_label(trace: &StatementTrace, sources: &dyn Sources) -> String {
    let mut label = format!(
        "{} {} {}",
        trace.effect,
        trace.at.policy,
        place_text(
            place(sources, trace.at.policy, &trace.pointer),
            &trace.pointer
        )
    );
    if let Some(sid) = &trace.sid {
        let _ = write!(label, " (Sid `{sid}`)");
    }
    label
}

/// The text form of a response for `rolecall can`: the decision, the
/// statements that decided it, the near misses (statements about this action
/// that did not apply) and any policy errors.
pub fn response_text(
    headline: &str,
    response: &Response,
    sources: &dyn Sources,
    all: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {headline}", response.decision);
    let deciding: Vec<&StatementTrace> = response
        .statements
        .iter()
        .filter(|s| response.deciding.contains(&s.at))
        .collect();
    if !deciding.is_empty() {
        let _ = writeln!(out, "\ndecided by");
        for s in deciding {
            let _ = writeln!(out, "  + {}", statement_label(s, sources));
        }
    }
    if !response.notes.is_empty() {
        let _ = writeln!(out, "\nwhy");
        for note in &response.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    let others: Vec<&StatementTrace> = response
        .statements
        .iter()
        .filter(|s| !response.deciding.contains(&s.at))
        .filter(|s| all || s.outcome != StatementOutcome::ActionMismatch)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if all {
                "other statements"
            } else {
                "near misses"
            }
        );
        for s in others {
            let _ = writeln!(
                out,
                "  - {}: {}",
                statement_label(s, sources),
                outcome_text(s)
            );
        }
    }
    let unrelated = response
        .statements
        .iter()
        .filter(|s| s.outcome == StatementOutcome::ActionMismatch)
        .count();
    if !all && unrelated > 0 {
        let _ = writeln!(
            out,
            "\n{unrelated} other statement{} other actions (show with --all)",
            if unrelated == 1 {
                " concerns"
            } else {
                "s concern"
            }
        );
    }
    if !response.errors.is_empty() {
        let _ = writeln!(out, "\npolicy problems");
        for (at, d) in &response.errors {
            let _ = writeln!(
                out,
                "  {}: {} {}: {}",
                d.level,
                at,
                place_text(place(sources, *at, &d.pointer), &d.pointer),
                d.message
            );
            if let Some(help) = &d.help {
                let _ = writeln!(out, "    help: {help}");
            }
        }
    }
    out
}
