//! The account model as JSON: what crosses the plugin boundary (and the
//! process boundary of isolated plugins). Compiled policies do not cross;
//! each side compiles the canonical documents again, keeping every
//! statement's original JSON pointer so findings still point at the input.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Account, EventSourceMapping, Function, Group, IngestProblem, ManagedPolicy, PolicyId,
    PolicyOrigin, PolicyRecord, Role, Skipped, SourceFile, SourceRef, Unresolved, User,
};
use crate::diagnostic::Diagnostic;
use crate::eval::{CompiledPolicy, PolicyKind};
use crate::policy::{DocumentEncoding, PolicyDocument, Statement};

/// The version of the wire form; bumped on incompatible changes.
pub const WIRE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct WirePolicy {
    id: PolicyId,
    origin: PolicyOrigin,
    source: Option<SourceRef>,
    encoding: DocumentEncoding,
    kind: PolicyKind,
    /// The canonical document (usable statements only), or `None` when the
    /// document could not be used.
    document: Option<Value>,
    /// The original JSON pointer of each statement of `document`.
    pointers: Vec<String>,
}

/// The model on the wire. Its three large lists — policies, functions,
/// roles — hold each item as its own JSON text (`L`): written in parallel
/// by the host and read in parallel by the plugin, the text being the same
/// as if the whole model were written in one pass.
#[derive(Serialize, Deserialize)]
struct WireAccount<L> {
    version: u32,
    sources: Vec<SourceFile>,
    policies: Vec<L>,
    functions: Vec<L>,
    roles: Vec<L>,
    users: Vec<User>,
    groups: Vec<Group>,
    managed_policies: Vec<ManagedPolicy>,
    event_source_mappings: Vec<EventSourceMapping>,
    standalone_policies: Vec<PolicyId>,
    unresolved: Vec<Unresolved>,
    skipped: Vec<Skipped>,
    problems: Vec<IngestProblem>,
}

/// Moves every pointer of `statement` from its canonical position to `to`.
fn relocate(statement: &mut Statement, to: &str) {
    let from = std::mem::replace(&mut statement.pointer, to.to_owned());
    let fix = |pointer: &mut String| {
        if let Some(rest) = pointer.strip_prefix(from.as_str()) {
            *pointer = format!("{to}{rest}");
        }
    };
    fix(&mut statement.action.pointer);
    if let Some(resource) = &mut statement.resource {
        fix(&mut resource.pointer);
    }
    if let Some(principal) = &mut statement.principal {
        fix(&mut principal.pointer);
        if let crate::policy::Principals::Entries(entries) = &mut principal.principals {
            entries.iter_mut().for_each(|e| fix(&mut e.pointer));
        }
    }
    statement
        .conditions
        .iter_mut()
        .for_each(|c| fix(&mut c.pointer));
}

impl Account {
    /// The model as JSON (see [`WIRE_VERSION`]), without the input files'
    /// text: the receiver reports locations as file and JSON pointer, and
    /// whoever holds the text adds lines and columns
    /// ([`crate::lint::complete_locations`]).
    pub fn to_wire(&self) -> Result<Box<serde_json::value::RawValue>, String> {
        use rayon::prelude::*;
        use serde_json::value::{to_raw_value, RawValue};
        let policies: Vec<Box<RawValue>> = self
            .policies
            .par_iter()
            .map(|p| {
                to_raw_value(&WirePolicy {
                    id: p.id,
                    origin: p.origin.clone(),
                    source: p.source.clone(),
                    encoding: p.encoding,
                    kind: p.kind(),
                    document: p.document.as_deref().map(PolicyDocument::to_json),
                    pointers: p
                        .document
                        .as_deref()
                        .map(|d| d.statements.iter().map(|s| s.pointer.clone()).collect())
                        .unwrap_or_default(),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(|e| format!("the account model cannot be written as JSON: {e}"))?;
        let functions: Vec<&Function> = self.functions.values().map(|f| &**f).collect();
        let roles: Vec<&Role> = self.roles.values().map(|r| &**r).collect();
        let (functions, roles) = rayon::join(
            || {
                functions
                    .par_iter()
                    .map(to_raw_value)
                    .collect::<Result<Vec<_>, _>>()
            },
            || {
                roles
                    .par_iter()
                    .map(to_raw_value)
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let (functions, roles) = functions
            .and_then(|f| roles.map(|r| (f, r)))
            .map_err(|e| format!("the account model cannot be written as JSON: {e}"))?;
        let wire = WireAccount {
            version: WIRE_VERSION,
            sources: self
                .sources
                .iter()
                .map(|s| SourceFile {
                    path: s.path.clone(),
                    text: None,
                    kind: s.kind,
                    anchors: None,
                    os_path: None,
                })
                .collect(),
            policies,
            functions,
            roles,
            users: self.users.values().cloned().collect(),
            groups: self.groups.values().cloned().collect(),
            managed_policies: self.managed_policies.values().cloned().collect(),
            event_source_mappings: self.event_source_mappings.values().cloned().collect(),
            standalone_policies: self.standalone_policies.clone(),
            unresolved: self.unresolved.clone(),
            skipped: self.skipped.clone(),
            problems: self.problems.clone(),
        };
        // Straight to text: no intermediate JSON tree of the whole model.
        serde_json::to_string(&wire)
            .and_then(serde_json::value::RawValue::from_string)
            .map_err(|e| format!("the account model cannot be written as JSON: {e}"))
    }

    /// Rebuilds a model from [`Account::to_wire`]'s JSON, compiling every policy.
    pub fn from_wire(raw: &serde_json::value::RawValue) -> Result<Account, String> {
        use rayon::prelude::*;
        let unreadable = |e: serde_json::Error| format!("the account model is not readable: {e}");
        let wire: WireAccount<&serde_json::value::RawValue> =
            serde_json::from_str(raw.get()).map_err(unreadable)?;
        if wire.version != WIRE_VERSION {
            return Err(format!(
                "the account model has version {}, this build reads version {WIRE_VERSION}",
                wire.version
            ));
        }
        // Read (and compile) in parallel: the plugin side of a run starts here.
        fn read_all<T: serde::de::DeserializeOwned + Send>(
            list: &str,
            items: &[&serde_json::value::RawValue],
        ) -> Result<Vec<T>, String> {
            items
                .par_iter()
                .enumerate()
                .map(|(i, item)| {
                    serde_json::from_str(item.get())
                        .map_err(|e| format!("the account model is not readable: {list}[{i}]: {e}"))
                })
                .collect()
        }
        let wire_policies: Vec<WirePolicy> = read_all("policies", &wire.policies)?;
        let functions: Vec<Function> = read_all("functions", &wire.functions)?;
        let roles: Vec<Role> = read_all("roles", &wire.roles)?;
        for (index, p) in wire_policies.iter().enumerate() {
            if p.id.0 != index {
                return Err(format!("policy {index} carries id {}", p.id.0));
            }
        }
        let policies: Vec<PolicyRecord> = wire_policies
            .into_par_iter()
            .map(|p| {
                let parsed = p.document.as_ref().map(PolicyDocument::from_value);
                let (document, compiled) = match parsed {
                    Some(Ok(parsed)) => {
                        let mut document = parsed.document;
                        for (statement, pointer) in document.statements.iter_mut().zip(&p.pointers)
                        {
                            relocate(statement, pointer);
                        }
                        let compiled = CompiledPolicy::compile(&document, p.kind);
                        (Some(Arc::new(document)), compiled)
                    }
                    Some(Err(invalid)) => {
                        (None, CompiledPolicy::rejected(p.kind, invalid.diagnostics))
                    }
                    None => (
                        None,
                        CompiledPolicy::rejected(
                            p.kind,
                            vec![Diagnostic::error(
                                "",
                                "the policy document could not be used",
                            )],
                        ),
                    ),
                };
                PolicyRecord {
                    id: p.id,
                    origin: p.origin,
                    source: p.source,
                    encoding: p.encoding,
                    document,
                    refused_as_written: None,
                    compiled: Arc::new(compiled),
                }
            })
            .collect();
        Ok(Account {
            sources: wire.sources,
            policies,
            functions: functions
                .into_iter()
                .map(|f| (f.arn.clone(), Box::new(f)))
                .collect::<BTreeMap<_, _>>(),
            roles: roles
                .into_iter()
                .map(|r| (r.arn.clone(), Box::new(r)))
                .collect::<BTreeMap<_, _>>(),
            users: wire
                .users
                .into_iter()
                .map(|u| (u.arn.clone(), u))
                .collect::<BTreeMap<_, _>>(),
            groups: wire
                .groups
                .into_iter()
                .map(|g| (g.arn.clone(), g))
                .collect::<BTreeMap<_, _>>(),
            managed_policies: wire
                .managed_policies
                .into_iter()
                .map(|m| (m.arn.clone(), m))
                .collect::<BTreeMap<_, _>>(),
            event_source_mappings: wire
                .event_source_mappings
                .into_iter()
                .map(|m| (m.uuid.clone(), m))
                .collect::<BTreeMap<_, _>>(),
            standalone_policies: wire.standalone_policies,
            unresolved: wire.unresolved,
            skipped: wire.skipped,
            problems: wire.problems,
            index: Default::default(),
            texts: Default::default(),
        })
    }
}
