//! Folds parsed files into an [`Account`], then resolves references.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::eval::{CompiledPolicy, PolicyKind};
use crate::model::{
    Account, FileKind, Function, IngestProblem, ManagedPolicy, PolicyId, PolicyOrigin,
    PolicyRecord, SourceRef, Unresolved,
};
use crate::policy::{
    decode_document, DocumentEncoding, InvalidPolicy, ParsedPolicy, PolicyDocument,
    PolicyParseError,
};

/// An empty policy standing in until the document is compiled.
fn placeholder(kind: PolicyKind) -> Arc<CompiledPolicy> {
    Arc::new(CompiledPolicy::rejected(kind, Vec::new()))
}

/// Finds the document of an AWS managed policy by ARN (rolecall's embedded
/// copies, or nothing).
pub type ManagedPolicyLookup<'a> = dyn Fn(&str) -> Option<Value> + Sync + 'a;

/// A reference to resolve once every file is read.
pub(super) enum Pending {
    /// A resource policy for a function, version or alias.
    FunctionPolicy {
        target: String,
        policy: PolicyId,
        revision: Option<String>,
    },
    /// An inline policy from `get-role-policy`, which names its role only by name.
    RolePolicyByName {
        role_name: String,
        policy_name: String,
        policy: PolicyId,
    },
}

/// A document read once: its parsed form (if usable) and its compiled form.
pub(super) type CompiledEntry = (Option<Arc<PolicyDocument>>, Arc<CompiledPolicy>);

/// Records the stand-alone policy document of `account`'s source `file`.
fn add_standalone_record(account: &mut Account, file: usize, entry: CompiledEntry) {
    let id = PolicyId(account.policies.len());
    let (document, refused_as_written) = record_documents(&entry);
    account.policies.push(PolicyRecord {
        id,
        origin: PolicyOrigin::Standalone,
        source: Some(SourceRef {
            file,
            pointer: String::new(),
        }),
        encoding: DocumentEncoding::Object,
        document,
        refused_as_written,
        compiled: entry.1,
    });
    account.standalone_policies.push(id);
}

/// The model of one policy file alone: its source and its policy
/// ([`super::ingest_handling_policy_files`]).
pub(super) fn policy_file_account(
    source: crate::model::SourceFile,
    entry: CompiledEntry,
) -> Account {
    let mut account = Account::default();
    account.sources.push(source);
    add_standalone_record(&mut account, 0, entry);
    account
}

/// A compiled entry's document as the record keeps it: (the usable
/// document, a refused one as written) — a refused policy's statements are
/// for the linting rules only ([`PolicyRecord::refused_as_written`]).
fn record_documents(
    (document, compiled): &CompiledEntry,
) -> (Option<Arc<PolicyDocument>>, Option<Arc<PolicyDocument>>) {
    if compiled.is_rejected() {
        (None, document.clone())
    } else {
        (document.clone(), None)
    }
}

pub(super) struct Builder<'m> {
    pub(super) account: Account,
    /// Compiled documents by (kind, canonical text): many roles share the
    /// same managed policies, which are compiled once.
    /// Keyed by a 128-bit digest of the text rather than the text itself,
    /// which would keep a second copy of every document for the whole read.
    compiled: HashMap<(PolicyKind, u64, u64), usize>,
    /// Distinct documents waiting to be compiled (in parallel, batch by
    /// batch).
    to_compile: Vec<(PolicyKind, Written<'static>)>,
    /// How many of `to_compile` were taken to be compiled.
    taken: usize,
    /// For each policy record, the document it waits for.
    waiting: Vec<(PolicyId, usize)>,
    /// The compiled documents, by slot (filled batch by batch).
    results: Vec<CompiledEntry>,
    pub(super) pending: Vec<Pending>,
    managed: &'m ManagedPolicyLookup<'m>,
    /// The digests of the policy documents written as objects in the file
    /// being folded, by JSON pointer: computed while files are parsed in
    /// parallel, so the sequential fold only looks them up.
    pub(super) digests: DocumentDigests,
    /// The `get-policy` document of the file being folded, decoded while
    /// the file was parsed.
    pub(super) decoded_policy: Option<DecodedDocument>,
}

/// A document decoded from a string, or why it could not be.
pub(super) type DecodedDocument = Result<(Value, DocumentEncoding), String>;

/// Decodes the `Policy` string of a `get-policy` output and digests the
/// document, for the fold to take (the digest under the string's pointer,
/// `/Policy`, where the fold looks for it).
pub(super) fn decode_function_policy(
    value: &Value,
    digests: &mut DocumentDigests,
) -> Option<DecodedDocument> {
    let decoded = decode_document(value.get("Policy")?)
        .map(|(document, encoding)| (document.into_owned(), encoding));
    if let Ok((document, _)) = &decoded {
        digests.insert("/Policy".to_owned(), digest(document));
    }
    Some(decoded)
}

/// Digests of policy documents by their JSON pointer in a file.
pub(super) type DocumentDigests = HashMap<String, (u64, u64)>;

/// The digests of every object in `value` (below its root) that has a
/// `Statement` member — every policy document written as an object — by
/// JSON pointer: what [`Builder::add_policy`] would compute for each.
pub(super) fn document_digests(value: &Value) -> DocumentDigests {
    fn walk(value: &Value, pointer: &mut String, out: &mut DocumentDigests) {
        let at = pointer.len();
        match value {
            Value::Object(members) => {
                if at > 0 && members.contains_key("Statement") {
                    out.insert(pointer.clone(), digest(value));
                    return;
                }
                for (key, child) in members {
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    walk(child, pointer, out);
                    pointer.truncate(at);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    use std::fmt::Write;
                    let _ = write!(pointer, "/{i}");
                    walk(child, pointer, out);
                    pointer.truncate(at);
                }
            }
            _ => {}
        }
    }
    let mut out = DocumentDigests::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// A policy document to record: a parsed tree, or a document written as an
/// object, as its own text with the digest taken when it was read (parsed
/// only if it is new, in parallel with the other new ones).
pub(super) enum Written<'v> {
    Tree(std::borrow::Cow<'v, Value>),
    Text(Box<serde_json::value::RawValue>, (u64, u64)),
}

/// Parses and compiles documents, in parallel.
pub(super) fn compile_documents(
    documents: Vec<(PolicyKind, Written<'static>)>,
) -> Vec<CompiledEntry> {
    use rayon::prelude::*;
    documents
        .into_par_iter()
        .map(|(kind, written)| match &written {
            Written::Tree(value) => compile_tree(kind, value),
            Written::Text(raw, _) => compile_text(kind, raw.get()),
        })
        .collect()
}

/// Reads one document's text and compiles it (see [`compile_tree`]).
fn compile_text(kind: PolicyKind, text: &str) -> CompiledEntry {
    match PolicyDocument::parse_str(text) {
        Ok(parsed) => compile_read(kind, Ok(parsed)),
        Err(PolicyParseError::Invalid(invalid)) => compile_read(kind, Err(invalid)),
        // Read as JSON already: this cannot happen.
        Err(PolicyParseError::Json { message, .. }) => (
            None,
            Arc::new(CompiledPolicy::rejected(
                kind,
                vec![crate::diagnostic::Diagnostic::error("", message)],
            )),
        ),
    }
}

/// Reads one document's tree and compiles it; a document that cannot be
/// read is kept as a rejected policy with its diagnostics.
pub(super) fn compile_tree(kind: PolicyKind, value: &Value) -> CompiledEntry {
    compile_read(kind, PolicyDocument::from_value(value))
}

/// Compiles a document as it was read.
pub(super) fn compile_read(
    kind: PolicyKind,
    read: Result<ParsedPolicy, InvalidPolicy>,
) -> CompiledEntry {
    match read {
        Ok(parsed) => {
            let document = Arc::new(parsed.document);
            let compiled = CompiledPolicy::from_shared(&document, parsed.diagnostics, kind);
            (Some(document), Arc::new(compiled))
        }
        // Rejected: it grants and denies nothing, but its statements are
        // still there to lint (the record keeps them apart).
        Err(invalid) => (
            invalid.as_written.map(|document| Arc::new(*document)),
            Arc::new(CompiledPolicy::rejected(kind, invalid.diagnostics)),
        ),
    }
}

/// The kind of a file that is one policy document: one that names
/// principals is a resource-based policy; otherwise an identity policy.
pub(super) fn standalone_kind(document: &Value) -> PolicyKind {
    let names_principals = |statement: &Value| {
        statement.get("Principal").is_some() || statement.get("NotPrincipal").is_some()
    };
    match document.get("Statement") {
        Some(Value::Array(list)) if list.iter().any(names_principals) => PolicyKind::Resource,
        Some(single @ Value::Object(_)) if names_principals(single) => PolicyKind::Resource,
        _ => PolicyKind::Identity,
    }
}

/// [`standalone_kind`] of a document read without a tree (no statement of
/// a plain document is left out, so the model tells as much as the tree).
pub(super) fn standalone_kind_of(document: &PolicyDocument) -> PolicyKind {
    if document.statements.iter().any(|s| s.principal.is_some()) {
        PolicyKind::Resource
    } else {
        PolicyKind::Identity
    }
}

/// Reads a string member.
pub(super) fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Appends the items not already in `list` (dumps repeat and overlap).
pub(super) fn push_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// The items of an array member with their JSON pointers.
pub(super) fn items<'v>(value: &'v Value, key: &str, pointer: &str) -> Vec<(&'v Value, String)> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (v, format!("{pointer}/{key}/{i}")))
                .collect()
        })
        .unwrap_or_default()
}

impl<'m> Builder<'m> {
    pub(super) fn new(managed: &'m ManagedPolicyLookup<'m>) -> Self {
        Builder {
            account: Account::default(),
            compiled: HashMap::new(),
            to_compile: Vec::new(),
            taken: 0,
            waiting: Vec::new(),
            results: Vec::new(),
            pending: Vec::new(),
            managed,
            digests: DocumentDigests::new(),
            decoded_policy: None,
        }
    }

    /// Records a problem at `pointer` of source file `file`.
    pub(super) fn problem(
        &mut self,
        file: usize,
        pointer: &str,
        message: impl Into<String>,
        help: Option<&str>,
    ) {
        let place = SourceRef {
            file,
            pointer: pointer.to_owned(),
        };
        let (path, location) = match self.account.sources.get(file) {
            Some(source) => (source.path.to_string(), self.account.locate(&place)),
            None => (String::new(), None),
        };
        self.account.problems.push(IngestProblem {
            path,
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
            pointer: Some(pointer.to_owned()),
            message: message.into(),
            help: help.map(str::to_owned),
        });
    }

    /// Reads, compiles (once per distinct document) and records a policy
    /// document written as an object, a JSON string or a URL-encoded string.
    pub(super) fn add_policy(
        &mut self,
        file: Option<usize>,
        pointer: &str,
        raw: &Value,
        kind: PolicyKind,
        origin: PolicyOrigin,
    ) -> PolicyId {
        let decoded = decode_document(raw);
        self.add_decoded_policy(file, pointer, decoded, kind, origin)
    }

    /// [`Builder::add_policy`] for a document already decoded.
    pub(super) fn add_decoded_policy(
        &mut self,
        file: Option<usize>,
        pointer: &str,
        decoded: Result<(std::borrow::Cow<'_, Value>, DocumentEncoding), String>,
        kind: PolicyKind,
        origin: PolicyOrigin,
    ) -> PolicyId {
        let written = decoded.map(|(tree, encoding)| (Written::Tree(tree), encoding));
        self.add_keyed_policy(file, pointer, written, kind, origin)
    }

    /// [`Builder::add_policy`] for a document read as its own text: an
    /// object is recorded as it is written; anything else (a string to
    /// decode, a value of the wrong type) is read as a tree.
    pub(super) fn add_document(
        &mut self,
        file: Option<usize>,
        pointer: &str,
        document: super::records::Document,
        kind: PolicyKind,
        origin: PolicyOrigin,
    ) -> PolicyId {
        if let Some(digest) = document.digest {
            let written = Written::Text(document.text, digest);
            return self.add_keyed_policy(
                file,
                pointer,
                Ok((written, DocumentEncoding::Object)),
                kind,
                origin,
            );
        }
        match serde_json::from_str::<Value>(document.text.get()) {
            Ok(value) => self.add_policy(file, pointer, &value, kind, origin),
            // The text was read as JSON already; this cannot fail.
            Err(e) => self.add_decoded_policy(
                file,
                pointer,
                Err(crate::diagnostic::json_error_message(&e)),
                kind,
                origin,
            ),
        }
    }

    /// [`Builder::add_decoded_policy`] for a document as written: a tree, or
    /// its own text with the digest taken while parsing.
    fn add_keyed_policy(
        &mut self,
        file: Option<usize>,
        pointer: &str,
        decoded: Result<(Written<'_>, DocumentEncoding), String>,
        kind: PolicyKind,
        origin: PolicyOrigin,
    ) -> PolicyId {
        let source = file.map(|file| SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
        let id = PolicyId(self.account.policies.len());
        let (document, compiled, encoding) = match decoded {
            Ok((value, encoding)) => {
                // An object's digest was taken while parsing; a document
                // decoded from a string is digested now.
                // (Digests by pointer are of the document found there:
                // an object, or a get-policy string decoded.)
                let known = match &value {
                    Written::Tree(_) => self.digests.get(pointer).copied(),
                    Written::Text(_, digest) => Some(*digest),
                };
                // A document read from a file of its own (a
                // `get-policy-version` output) is rarely equal to another:
                // it is compiled without hashing its text to look for a twin.
                let slot = if matches!(origin, PolicyOrigin::Standalone) && file.is_some() {
                    self.unshared_slot(value, kind)
                } else {
                    self.slot(value, known, kind)
                };
                self.waiting.push((id, slot));
                // Filled in by `compile_all`.
                (None, placeholder(kind), encoding)
            }
            Err(message) => {
                if let Some(file) = file {
                    self.problem(
                        file,
                        pointer,
                        format!("the policy document cannot be read: {message}"),
                        None,
                    );
                }
                let rejected = CompiledPolicy::rejected(
                    kind,
                    vec![crate::diagnostic::Diagnostic::error("", message)],
                );
                (None, Arc::new(rejected), DocumentEncoding::Object)
            }
        };
        self.account.policies.push(PolicyRecord {
            id,
            origin,
            source,
            encoding,
            document,
            refused_as_written: None,
            compiled,
        });
        id
    }

    /// The slot of a distinct document, adding it when new (only then is a
    /// borrowed document copied: most roles share their trust policy).
    /// `known` is its digest when it was taken while parsing.
    fn slot(&mut self, written: Written<'_>, known: Option<(u64, u64)>, kind: PolicyKind) -> usize {
        let (first, second) = match (known, &written) {
            (Some(known), _) => known,
            (None, Written::Tree(value)) => digest(value),
            (None, Written::Text(raw, _)) => digest_text(raw.get()),
        };
        let next = self.to_compile.len();
        let slot = *self.compiled.entry((kind, first, second)).or_insert(next);
        if slot == next {
            self.unshared_slot(written, kind);
        }
        slot
    }

    /// A slot of its own for a document (no look for an equal one); the
    /// document is copied if borrowed.
    fn unshared_slot(&mut self, written: Written<'_>, kind: PolicyKind) -> usize {
        let owned = match written {
            Written::Tree(value) => Written::Tree(std::borrow::Cow::Owned(value.into_owned())),
            Written::Text(raw, digest) => Written::Text(raw, digest),
        };
        self.to_compile.push((kind, owned));
        self.to_compile.len() - 1
    }

    /// Compiles every distinct document once, in parallel, and gives each
    /// policy record its shared result.
    pub(super) fn compile_all(&mut self) {
        let (start, documents) = self.take_uncompiled();
        self.store_compiled(start, compile_documents(documents));
    }

    /// The distinct documents queued since the last call, taken out to be
    /// compiled elsewhere ([`compile_documents`], e.g. while the next files
    /// are folded), with the slot of the first. Their JSON is dropped once
    /// compiled, so memory holds one batch's worth at a time.
    pub(super) fn take_uncompiled(&mut self) -> (usize, Vec<(PolicyKind, Written<'static>)>) {
        let start = self.taken;
        let documents = self.to_compile[start..]
            .iter_mut()
            .map(|(kind, written)| {
                let placeholder = Written::Tree(std::borrow::Cow::Owned(Value::Null));
                (*kind, std::mem::replace(written, placeholder))
            })
            .collect();
        self.taken = self.to_compile.len();
        (start, documents)
    }

    /// Stores what [`compile_documents`] made of [`Builder::take_uncompiled`]'s
    /// documents (taken in order: `start` is the next slot to fill), and gives
    /// each policy record waiting for them its shared result.
    pub(super) fn store_compiled(&mut self, start: usize, compiled: Vec<CompiledEntry>) {
        debug_assert_eq!(start, self.results.len());
        self.results.extend(compiled);
        let results = &self.results;
        let policies = &mut self.account.policies;
        self.waiting.retain(|&(id, slot)| match results.get(slot) {
            Some(entry) => {
                if let Some(record) = policies.get_mut(id.0) {
                    (record.document, record.refused_as_written) = record_documents(entry);
                    record.compiled = entry.1.clone();
                }
                false
            }
            // Taken after these: compiled next time.
            None => true,
        });
    }

    pub(super) fn add_file(&mut self, file: usize, kind: FileKind, value: &Value) {
        match kind {
            FileKind::AuthorizationDetails => {
                match super::records::Object::<super::records::AuthorizationDetails>::deserialize(
                    value,
                ) {
                    Ok(details) => self.add_authorization_details(file, details.0),
                    // Every JSON value reads as a record: this cannot fail.
                    Err(e) => self.problem(file, "", format!("cannot be read: {e}"), None),
                }
            }
            FileKind::FunctionList => {
                match super::records::Object::<super::records::FunctionList>::deserialize(value) {
                    Ok(list) => self.add_function_list(file, list.0),
                    // Every JSON value reads as a record: this cannot fail.
                    Err(e) => self.problem(file, "", format!("cannot be read: {e}"), None),
                }
            }
            FileKind::Function => {
                let (pointer, configuration) = match value.get("Configuration") {
                    Some(configuration) => ("/Configuration", configuration),
                    None => ("", value),
                };
                match super::records::Object::<super::records::FunctionRecord>::deserialize(
                    configuration,
                ) {
                    Ok(record) => self.add_function(file, pointer, record.0),
                    // Every JSON value reads as a record: this cannot fail.
                    Err(e) => self.problem(file, pointer, format!("cannot be read: {e}"), None),
                }
            }
            FileKind::EventSourceMappings => {
                use super::records::{MappingList, MappingRecord, Object};
                // Every JSON value reads as a record: these cannot fail.
                if value.get("EventSourceMappings").is_some() {
                    match Object::<MappingList>::deserialize(value) {
                        Ok(list) => self.add_mapping_list(file, list.0),
                        Err(e) => self.problem(file, "", format!("cannot be read: {e}"), None),
                    }
                } else {
                    match Object::<MappingRecord>::deserialize(value) {
                        Ok(record) => self.add_event_source_mapping(file, "", record.0),
                        Err(e) => self.problem(file, "", format!("cannot be read: {e}"), None),
                    }
                }
            }
            FileKind::FunctionPolicy => self.add_function_policy(file, value),
            FileKind::FunctionUrlConfig => {
                if value.get("FunctionUrlConfigs").is_some() {
                    for (item, pointer) in items(value, "FunctionUrlConfigs", "") {
                        self.add_url_config(file, &pointer, item);
                    }
                } else {
                    self.add_url_config(file, "", value);
                }
            }
            FileKind::Aliases => {
                for (item, pointer) in items(value, "Aliases", "") {
                    self.add_alias(file, &pointer, item);
                }
            }
            FileKind::Role => {
                if let Some(role) = value.get("Role") {
                    match super::records::Object::<super::records::RoleRecord>::deserialize(role) {
                        Ok(record) => self.add_role(file, "/Role", record.0),
                        // Every JSON value reads as a record: this cannot fail.
                        Err(e) => self.problem(file, "/Role", format!("cannot be read: {e}"), None),
                    }
                }
            }
            FileKind::RolePolicy => self.add_role_policy(file, value),
            FileKind::PolicyMetadata => self.add_policy_metadata(file, value),
            FileKind::PolicyVersion => {
                if let Some(document) = value.pointer("/PolicyVersion/Document") {
                    let id = self.add_policy(
                        Some(file),
                        "/PolicyVersion/Document",
                        document,
                        PolicyKind::Identity,
                        PolicyOrigin::Standalone,
                    );
                    self.account.standalone_policies.push(id);
                }
            }
            // A policy file is compiled by the worker that reads it, and
            // added as such (`Parsed::Policy`); unknown files are skipped.
            FileKind::PolicyDocument | FileKind::Unknown => {}
        }
    }

    /// A file that is one policy document, compiled already (by the worker
    /// that read it, while its tree was at hand: [`compile_tree`]).
    pub(super) fn add_standalone_document(&mut self, file: usize, entry: CompiledEntry) {
        add_standalone_record(&mut self.account, file, entry);
    }

    /// The function for an ARN (qualified or not), created from the ARN alone
    /// when the dump has no configuration for it.
    pub(super) fn function_entry(&mut self, arn: &str) -> &mut Function {
        let unqualified = crate::model::unqualified_function_arn(arn).to_owned();
        self.account
            .functions
            .entry(unqualified.clone())
            .or_insert_with(|| {
                let parts = crate::arn::split(&unqualified);
                Box::new(Function {
                    name: unqualified
                        .rsplit(':')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    region: parts.map(|p| p[3].to_owned()).unwrap_or_default(),
                    account: parts.map(|p| p[4].to_owned()).unwrap_or_default(),
                    arn: unqualified,
                    ..Function::default()
                })
            })
    }

    /// Resolves references between files and reports what is missing.
    pub(super) fn finish(mut self) -> Account {
        // Roles by name, for `get-role-policy` outputs (which name their
        // role only by name): one pass, not one per output.
        let mut roles_named: HashMap<String, Vec<String>> = HashMap::new();
        if self
            .pending
            .iter()
            .any(|p| matches!(p, Pending::RolePolicyByName { .. }))
        {
            for role in self.account.roles.values() {
                roles_named
                    .entry(role.name.clone())
                    .or_default()
                    .push(role.arn.clone());
            }
        }
        for pending in std::mem::take(&mut self.pending) {
            match pending {
                Pending::FunctionPolicy {
                    target,
                    policy,
                    revision,
                } => {
                    let qualifier =
                        crate::model::split_qualifier(&target).map(|(_, q)| q.to_owned());
                    let function = self.function_entry(&target);
                    // The same policy dumped twice is not an error: keep the first.
                    function.resource_policies.get_or_insert(
                        qualifier.clone(),
                        crate::model::ResourcePolicy {
                            target: target.clone(),
                            qualifier,
                            policy,
                            revision_id: revision,
                        },
                    );
                }
                Pending::RolePolicyByName {
                    role_name,
                    policy_name,
                    policy,
                } => {
                    let matching = roles_named.get(&role_name).map_or(&[][..], Vec::as_slice);
                    match matching {
                        [arn] => {
                            if let Some(role) = self.account.roles.get_mut(arn) {
                                role.inline_policies.insert(policy_name.clone(), policy);
                            }
                            if let Some(record) = self.account.policies.get_mut(policy.0) {
                                record.origin = PolicyOrigin::Inline {
                                    owner: arn.clone(),
                                    name: policy_name,
                                };
                            }
                        }
                        _ => {
                            self.account.standalone_policies.push(policy);
                            self.account.unresolved.push(Unresolved {
                            what: "role".to_owned(),
                            name: role_name.clone(),
                            referenced_by: format!("inline policy `{policy_name}` (iam get-role-policy)"),
                            consequence: if matching.is_empty() {
                                "the dump has no role of that name; the policy is analysed on its own".to_owned()
                            } else {
                                "several roles of that name (in several accounts); the policy is analysed on its own".to_owned()
                            },
                        })
                        }
                    }
                }
            }
        }
        self.link_event_source_mappings();
        // The two look-ups over every role and function only read the
        // model: both at once, each in parallel (on a large account they
        // were the longest stretch of one busy thread).
        let (missing_policies, missing_roles) = rayon::join(
            || missing_managed_policies(&self.account),
            || missing_roles(&self.account),
        );
        self.resolve_managed_policies(missing_policies);
        self.report_missing_roles(missing_roles);
        self.compile_all();
        self.account.unresolved.sort();
        self.account.unresolved.dedup();
        // Texts read to locate problems are not kept in the model.
        self.account.forget_source_texts();
        self.account
    }

    fn link_event_source_mappings(&mut self) {
        // Taken out while functions are added to (and put back): no copy of
        // every mapping's strings.
        let mappings = std::mem::take(&mut self.account.event_source_mappings);
        for mapping in mappings.values() {
            let (uuid, function_arn) = (&mapping.uuid, &mapping.function_arn);
            let known = self
                .account
                .function_for(function_arn)
                .is_some_and(|f| f.has_configuration);
            if !known {
                self.account.unresolved.push(Unresolved {
                    what: "function".to_owned(),
                    name: function_arn.clone(),
                    referenced_by: format!("event source mapping {uuid}"),
                    consequence: "the function's configuration is not in the dump; its execution role is unknown".to_owned(),
                });
            }
            // Each UUID once: they key the map. (Looking for it in the
            // function's list first cost the square of a function's
            // mappings.)
            let function = self.function_entry(function_arn);
            function.event_source_mappings.push(uuid.clone());
        }
        self.account.event_source_mappings = mappings;
    }

    /// Gives each managed policy the dump has no document for
    /// ([`missing_managed_policies`]) rolecall's embedded copy when it is an
    /// AWS managed one it knows, else records it as unresolved.
    fn resolve_managed_policies(&mut self, missing: Vec<(String, Vec<String>)>) {
        for (arn, owners) in missing {
            if crate::model::is_aws_managed_policy_arn(&arn) {
                if let Some(document) = (self.managed)(&arn) {
                    let id = self.add_policy(
                        None,
                        "",
                        &document,
                        PolicyKind::Identity,
                        PolicyOrigin::AwsManaged {
                            arn: arn.clone(),
                            embedded: true,
                        },
                    );
                    let entry = self
                        .account
                        .managed_policies
                        .entry(arn.clone())
                        .or_insert_with(|| ManagedPolicy {
                            arn: arn.clone(),
                            name: arn.rsplit('/').next().unwrap_or_default().to_owned(),
                            ..ManagedPolicy::default()
                        });
                    entry.document = Some(id);
                    continue;
                }
            }
            for owner in owners {
                self.account.unresolved.push(Unresolved {
                    what: "managed policy".to_owned(),
                    name: arn.clone(),
                    referenced_by: owner,
                    consequence: "its document is not in the dump; rolecall evaluates without it (include `Policies` in get-account-authorization-details)".to_owned(),
                });
            }
        }
    }

    /// Records each function's execution role that the dump lacks
    /// ([`missing_roles`]).
    fn report_missing_roles(&mut self, missing: Vec<(String, String)>) {
        for (role, function) in missing {
            self.account.unresolved.push(Unresolved {
                what: "role".to_owned(),
                name: role,
                referenced_by: function,
                consequence: "the execution role is not in the dump; what the function can do is unknown (include iam get-account-authorization-details)".to_owned(),
            });
        }
    }
}

/// Each attached managed policy or boundary without a document in the
/// dump, once (in ARN order), with everything that refers to it (in model
/// order).
fn missing_managed_policies(account: &Account) -> Vec<(String, Vec<String>)> {
    use rayon::prelude::*;
    // The managed policies with a document, hashed: there are few of
    // them, and a role refers to several.
    let resolved: rustc_hash::FxHashSet<&str> = account
        .managed_policies
        .iter()
        .filter(|(_, p)| p.document.is_some())
        .map(|(arn, _)| arn.as_str())
        .collect();
    let unresolved = |(arn, _): &(&str, &str)| !resolved.contains(arn);
    // What an identity attaches (its policies, and its boundary), with its ARN.
    fn attachments<'a>(
        attached: &'a [String],
        boundary: Option<&'a String>,
        owner: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        attached
            .iter()
            .chain(boundary)
            .map(move |arn| (arn.as_str(), owner))
    }
    let roles = account.roles.par_iter().flat_map_iter(|(_, role)| {
        attachments(
            &role.attached_policies,
            role.permissions_boundary.as_ref(),
            &role.arn,
        )
    });
    let users = account.users.par_iter().flat_map_iter(|(_, user)| {
        attachments(
            &user.attached_policies,
            user.permissions_boundary.as_ref(),
            &user.arn,
        )
    });
    let groups = account
        .groups
        .par_iter()
        .flat_map_iter(|(_, group)| attachments(&group.attached_policies, None, &group.arn));
    // Collected in order (roles, users, groups, each in ARN order), so the
    // owners of a policy come in the same order on every run.
    let references: Vec<(&str, &str)> = roles
        .chain(users)
        .chain(groups)
        .filter(unresolved)
        .collect();
    let mut missing: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for (arn, owner) in references {
        missing.entry(arn).or_default().push(owner);
    }
    missing
        .into_iter()
        .map(|(arn, owners)| {
            (
                arn.to_owned(),
                owners.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect()
}

/// (execution role, function) for every function whose role is not in the
/// dump, in function order.
fn missing_roles(account: &Account) -> Vec<(String, String)> {
    use rayon::prelude::*;
    account
        .functions
        .par_iter()
        .filter_map(|(_, f)| Some((f.role.as_ref()?, &f.arn)))
        .filter(|(role, _)| !account.roles.contains_key(role.as_str()))
        .map(|(role, function)| (role.clone(), function.clone()))
        .collect()
}

/// Two independently keyed SipHash hashers fed the same bytes: a
/// collision needs both digests to collide.
struct TwoDigests<H>(H, H);

impl TwoDigests<std::collections::hash_map::DefaultHasher> {
    fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let keyed = |seed: u64| {
            let mut hasher = std::hash::BuildHasherDefault::<
                std::collections::hash_map::DefaultHasher,
            >::default()
            .build_hasher();
            hasher.write_u64(seed);
            hasher
        };
        TwoDigests(keyed(0x5EED_0001), keyed(0x5EED_0002))
    }
}

impl<H: std::hash::Hasher> TwoDigests<H> {
    fn finish(&self) -> (u64, u64) {
        (self.0.finish(), self.1.finish())
    }
}

impl<H: std::hash::Hasher> std::io::Write for TwoDigests<H> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        self.1.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The digests of a document's own text, marked apart from [`digest`]'s
/// input so the two can never be confused.
pub(super) fn digest_text(text: &str) -> (u64, u64) {
    use std::io::Write;
    let mut digests = TwoDigests::new();
    // Writing into hashers cannot fail.
    let _ = digests.write_all(&[0xFF]);
    let _ = digests.write_all(text.as_bytes());
    digests.finish()
}

/// The digests of a document's canonical JSON text, written into the
/// hashers as it is produced (no copy of the text), once for both.
pub(super) fn digest(value: &Value) -> (u64, u64) {
    let mut digests = TwoDigests::new();
    // Writing into hashers cannot fail.
    let _ = serde_json::to_writer(&mut digests, value);
    digests.finish()
}
