//! The account model: what rolecall understood from a dump — Lambda
//! functions with their execution roles, resource policies, event source
//! mappings and URLs, and the IAM users, groups, roles and policies around
//! them. Every policy document is parsed and compiled once and shared.
//!
//! The model is source-agnostic: AWS CLI dumps fill it today, templates and
//! plans later.

mod iam;
mod lambda;
mod resolve;
mod small_map;
mod wire;

pub use small_map::SmallMap;
pub use wire::WIRE_VERSION;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub use iam::{is_aws_managed_policy_arn, Group, ManagedPolicy, Role, User};
pub use lambda::{
    split_qualifier, unqualified_function_arn, Alias, EventSourceMapping, FileSystem, Function,
    FunctionUrlConfig, ResourcePolicy, VpcConfig,
};

use crate::diagnostic::Diagnostic;
use crate::eval::{CompiledPolicy, PolicyKind};
use crate::policy::{DocumentEncoding, PolicyDocument};

/// Where something was read: a file and a JSON pointer inside it.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct SourceRef {
    /// Index into [`Account::sources`].
    pub file: usize,
    /// JSON pointer of the element in the file.
    pub pointer: String,
}

/// One input file.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// The path as given (or found while walking a folder); shared with the
    /// findings that point into the file.
    pub path: Arc<str>,
    /// The file's text, when it is held in memory: a small policy file's,
    /// which is linted and mostly has findings. Other files are not: the
    /// model keeps no copy of the input, and the few files a report points
    /// into are read again to find lines and columns.
    #[serde(skip)]
    pub text: Option<Arc<str>>,
    /// What the file was recognised as.
    pub kind: FileKind,
    /// Where the items of a large output's lists start, when reading found
    /// them: the file's findings are then located item by item, in
    /// parallel.
    #[serde(skip)]
    pub anchors: Option<Arc<crate::locate::ItemAnchors>>,
    /// The file's own path when it is not UTF-8 (`path` shows it with
    /// replacement characters, and names no file): the file is read again
    /// from it. `None` when `path` is the file's.
    #[serde(skip)]
    pub os_path: Option<Arc<Path>>,
}

impl SourceFile {
    /// Where the file is read again.
    pub fn file_path(&self) -> &Path {
        self.os_path
            .as_deref()
            .unwrap_or_else(|| Path::new(&*self.path))
    }

    /// The file's text: held, or read again from [`SourceFile::file_path`].
    pub fn read_text(&self) -> Option<Arc<str>> {
        match &self.text {
            Some(text) => Some(text.clone()),
            None => read_source(self.file_path()).ok().map(Arc::from),
        }
    }

    /// Where each of `pointers` is in this file, reading it once — or, for
    /// a large output whose list items were anchored when it was read, only
    /// the items the pointers lead into.
    pub fn locate_all(&self, pointers: &[&str]) -> Vec<Option<crate::locate::Location>> {
        if let (None, Some(anchors)) = (&self.text, &self.anchors) {
            if let Some(found) = locate_in_file_items(self.file_path(), pointers, anchors) {
                return found;
            }
        }
        // One walk for all of them, descending only where they lead; a file
        // read again is walked as read, not copied into a shared string.
        let read;
        let text: &str = match &self.text {
            Some(text) => text,
            None => match read_source(self.file_path()) {
                Ok(text) => {
                    read = text;
                    &read
                }
                Err(_) => return vec![None; pointers.len()],
            },
        };
        crate::locate::locate_all(text, pointers)
    }
}

/// Finds the source file a finding's location names
/// ([`crate::lint::Location::file`]). A location holds the model's own name
/// of its file (the same `Arc`) and is found by it, so that two files whose
/// non-UTF-8 names show alike (`policy-\u{FFFD}.json`) are told apart; one
/// that names its file by a copy of the name (a plugin's finding) is found
/// by the name, when only one file has it.
pub struct SourceLookup<'a> {
    sources: &'a [SourceFile],
    by_identity: rustc_hash::FxHashMap<*const u8, usize>,
    /// `None` for a name several files show.
    by_name: rustc_hash::FxHashMap<&'a str, Option<usize>>,
}

impl<'a> SourceLookup<'a> {
    /// Indexes `sources`.
    pub fn new(sources: &'a [SourceFile]) -> Self {
        let mut by_identity = rustc_hash::FxHashMap::default();
        let mut by_name = rustc_hash::FxHashMap::default();
        by_identity.reserve(sources.len());
        by_name.reserve(sources.len());
        for (i, source) in sources.iter().enumerate() {
            by_identity.insert(Arc::as_ptr(&source.path).cast::<u8>(), i);
            by_name
                .entry(&*source.path)
                .and_modify(|index| *index = None)
                .or_insert(Some(i));
        }
        SourceLookup {
            sources,
            by_identity,
            by_name,
        }
    }

    /// The index in the account's sources of the file `file` names.
    pub fn index_of(&self, file: &Arc<str>) -> Option<usize> {
        match self.by_identity.get(&Arc::as_ptr(file).cast::<u8>()) {
            Some(&index) => Some(index),
            None => *self.by_name.get(&**file)?,
        }
    }

    /// The file `file` names.
    pub fn get(&self, file: &Arc<str>) -> Option<&'a SourceFile> {
        self.sources.get(self.index_of(file)?)
    }
}

/// [`crate::locate::locate_in_items`] on a file, each item read at its
/// offset (Unix; elsewhere the whole file is read).
fn locate_in_file_items(
    path: &Path,
    pointers: &[&str],
    anchors: &crate::locate::ItemAnchors,
) -> Option<Vec<Option<crate::locate::Location>>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt as _;
        let file = std::fs::File::open(path).ok()?;
        let read = |range: std::ops::Range<usize>| -> Option<String> {
            let mut bytes = vec![0; range.len()];
            file.read_exact_at(&mut bytes, range.start as u64).ok()?;
            String::from_utf8(bytes).ok()
        };
        crate::locate::locate_in_items(pointers, anchors, &read)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, pointers, anchors);
        None
    }
}

/// A source file's text, read again, with a leading byte order mark read
/// as white space as when it was first read.
fn read_source(path: &Path) -> std::io::Result<String> {
    let mut bytes = read_source_bytes(path)?;
    crate::ingest::blank_byte_order_mark(&mut bytes);
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
}

/// A source file's bytes. A large dump (the AWS CLI merges pages: tens of
/// megabytes) is read in parts by several threads, since one thread copies
/// from the page cache at a couple of GB/s.
fn read_source_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt as _;
        const PART: usize = 4 << 20;
        let file = std::fs::File::open(path)?;
        let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if size >= 2 * PART && size < isize::MAX as usize {
            let mut bytes = vec![0u8; size];
            let read = bytes
                .par_chunks_mut(PART)
                .enumerate()
                .try_for_each(|(i, part)| file.read_exact_at(part, (i * PART) as u64));
            // A file that shrank or grew since it was read is read the
            // plain way.
            if read.is_ok() && matches!(file.read_at(&mut [0], size as u64), Ok(0)) {
                return Ok(bytes);
            }
        }
    }
    std::fs::read(path)
}

/// What a file holds, recognised from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FileKind {
    /// `aws iam get-account-authorization-details`.
    AuthorizationDetails,
    /// `aws lambda list-functions` / `list-versions-by-function`.
    FunctionList,
    /// `aws lambda get-function` / `get-function-configuration`.
    Function,
    /// `aws lambda list-event-source-mappings` / `get-event-source-mapping`.
    EventSourceMappings,
    /// `aws lambda get-policy`.
    FunctionPolicy,
    /// `aws lambda get-function-url-config` / `list-function-url-configs`.
    FunctionUrlConfig,
    /// `aws lambda list-aliases`.
    Aliases,
    /// `aws iam get-role`.
    Role,
    /// `aws iam get-role-policy`.
    RolePolicy,
    /// `aws iam get-policy` (metadata of a managed policy).
    PolicyMetadata,
    /// `aws iam get-policy-version`.
    PolicyVersion,
    /// A bare policy document.
    PolicyDocument,
    /// Not understood (listed under skipped).
    Unknown,
}

impl FileKind {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::AuthorizationDetails => "iam get-account-authorization-details",
            FileKind::FunctionList => "lambda list-functions",
            FileKind::Function => "lambda get-function",
            FileKind::EventSourceMappings => "lambda list-event-source-mappings",
            FileKind::FunctionPolicy => "lambda get-policy",
            FileKind::FunctionUrlConfig => "lambda get-function-url-config",
            FileKind::Aliases => "lambda list-aliases",
            FileKind::Role => "iam get-role",
            FileKind::RolePolicy => "iam get-role-policy",
            FileKind::PolicyMetadata => "iam get-policy",
            FileKind::PolicyVersion => "iam get-policy-version",
            FileKind::PolicyDocument => "policy document",
            FileKind::Unknown => "unknown",
        }
    }
}

/// Identifies a policy in [`Account::policies`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PolicyId(pub usize);

/// Where a policy document came from and what it is for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PolicyOrigin {
    /// An inline policy of a role, user or group.
    Inline {
        /// The owner's ARN.
        owner: String,
        /// The policy's name.
        name: String,
    },
    /// A customer managed policy at its default version.
    CustomerManaged {
        /// The policy ARN.
        arn: String,
    },
    /// An AWS managed policy: from the dump when it carried the document,
    /// else from rolecall's embedded copy.
    AwsManaged {
        /// The policy ARN.
        arn: String,
        /// Whether the document is rolecall's embedded copy.
        embedded: bool,
    },
    /// A role's trust policy.
    Trust {
        /// The role's ARN.
        role: String,
    },
    /// A Lambda function's resource-based policy.
    FunctionPolicy {
        /// The function, version or alias ARN the policy is attached to.
        target: String,
    },
    /// A policy document found on its own (a bare document, or a
    /// `get-policy-version` output, which does not name its policy).
    Standalone,
}

/// How a policy is named in reports: `inline policy `orders-data` of
/// `orders-api-role``, `AWS managed policy `AWSLambdaBasicExecutionRole``, …
pub fn describe_origin(origin: &PolicyOrigin) -> String {
    let last = |arn: &str| arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned();
    match origin {
        PolicyOrigin::Inline { owner, name } => {
            format!("inline policy `{name}` of `{}`", last(owner))
        }
        PolicyOrigin::CustomerManaged { arn } => format!("managed policy `{}`", last(arn)),
        PolicyOrigin::AwsManaged {
            arn,
            embedded: false,
        } => format!("AWS managed policy `{}`", last(arn)),
        PolicyOrigin::AwsManaged {
            arn,
            embedded: true,
        } => {
            format!("AWS managed policy `{}` (rolecall's copy)", last(arn))
        }
        PolicyOrigin::Trust { role } => format!("trust policy of `{}`", last(role)),
        PolicyOrigin::FunctionPolicy { target } => {
            let name = target.split(":function:").nth(1).unwrap_or(target);
            format!("resource policy of `{name}`")
        }
        PolicyOrigin::Standalone => "policy document".to_owned(),
    }
}

/// A policy document of the account, parsed and compiled once.
#[derive(Clone, Debug)]
pub struct PolicyRecord {
    /// Its id.
    pub id: PolicyId,
    /// What it is.
    pub origin: PolicyOrigin,
    /// Where it was read (for embedded AWS managed policies: `None`).
    pub source: Option<SourceRef>,
    /// How it was written at `source`.
    pub encoding: DocumentEncoding,
    /// The parsed document (`None` if it could not be used at all), shared
    /// by every record of the same text.
    pub document: Option<Arc<PolicyDocument>>,
    /// A document AWS refuses (then `document` is `None` and `compiled`
    /// grants nothing): its statements as they were read, for the linting
    /// rules only, which show every problem at once ([`PolicyRecord::as_written`]).
    pub refused_as_written: Option<Arc<PolicyDocument>>,
    /// The compiled policy, shared by everything it applies to.
    pub compiled: Arc<CompiledPolicy>,
}

impl PolicyRecord {
    /// The document as a linter reads it: the usable one, or the statements
    /// of one AWS refuses. Whatever asks what the policy grants reads
    /// [`PolicyRecord::document`] and [`PolicyRecord::compiled`] instead.
    pub fn as_written(&self) -> Option<&PolicyDocument> {
        self.document
            .as_deref()
            .or(self.refused_as_written.as_deref())
    }

    /// Problems found in the document.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.compiled.diagnostics()
    }
    /// The role it plays in evaluation.
    pub fn kind(&self) -> PolicyKind {
        self.compiled.kind()
    }
}

/// Something a dump refers to but does not contain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Unresolved {
    /// What is missing (`role`, `managed policy`, `function`).
    pub what: String,
    /// Its ARN or name.
    pub name: String,
    /// Who refers to it.
    pub referenced_by: String,
    /// What this means for the analysis.
    pub consequence: String,
}

/// A file that was not analysed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// A problem in an input file: it was read only in part, or not at all.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct IngestProblem {
    /// The file.
    pub path: String,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// JSON pointer of the element, when known.
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Everything rolecall understood from one or more dumps (any number of
/// accounts and regions).
#[derive(Clone, Debug, Default)]
pub struct Account {
    /// The input files, in the order read.
    pub sources: Vec<SourceFile>,
    /// Every policy document, compiled.
    pub policies: Vec<PolicyRecord>,
    /// Functions by unqualified ARN. Boxed: a B-tree node has room for
    /// eleven entries and is often half empty; empty slots of pointers cost
    /// far less than empty slots of these large structs.
    pub functions: BTreeMap<String, Box<Function>>,
    /// Roles by ARN (boxed, as functions are).
    pub roles: BTreeMap<String, Box<Role>>,
    /// Users by ARN.
    pub users: BTreeMap<String, User>,
    /// Groups by ARN.
    pub groups: BTreeMap<String, Group>,
    /// Customer managed policies (and AWS managed ones the dump carried) by ARN.
    pub managed_policies: BTreeMap<String, ManagedPolicy>,
    /// Event source mappings by UUID.
    pub event_source_mappings: BTreeMap<String, EventSourceMapping>,
    /// Policy documents found on their own.
    pub standalone_policies: Vec<PolicyId>,
    /// References that could not be resolved.
    pub unresolved: Vec<Unresolved>,
    /// Files that were not analysed, and why.
    pub skipped: Vec<Skipped>,
    /// Problems in input files.
    pub problems: Vec<IngestProblem>,
    /// Look-up tables, built on first use (the model is complete by then).
    index: std::sync::OnceLock<AccountIndex>,
    /// Files read again by [`Account::locate`].
    texts: SourceTexts,
}

/// Input files read again to locate elements one at a time, each read once
/// and indexed when large; kept until [`Account::forget_source_texts`].
#[derive(Debug, Default)]
struct SourceTexts(std::sync::Mutex<std::collections::HashMap<usize, Option<Arc<LocatedText>>>>);

/// A file's text and, for a large file, its look-up index.
#[derive(Debug)]
struct LocatedText {
    text: Arc<str>,
    index: Option<crate::locate::LocateIndex>,
}

impl Clone for SourceTexts {
    /// A copy of the model starts with no texts: they are read again on use.
    fn clone(&self) -> Self {
        SourceTexts::default()
    }
}

/// Look-ups that would otherwise scan every function or role.
#[derive(Clone, Debug, Default)]
struct AccountIndex {
    /// Role ARN → ARNs of the functions it is the execution role of.
    functions_by_role: std::collections::HashMap<String, Vec<String>>,
    /// (account, role name) → role ARN.
    /// Account → role name → role ARN (nested, so a look-up by borrowed
    /// strings allocates nothing).
    role_by_name: std::collections::HashMap<String, std::collections::HashMap<String, String>>,
}

impl Account {
    /// The policy with this id.
    pub fn policy(&self, id: PolicyId) -> &PolicyRecord {
        &self.policies[id.0]
    }

    /// Where `source` is (line and column). For many look-ups one at a
    /// time (`rolecall inspect`, problems found while reading): each file is
    /// read once and kept until [`Account::forget_source_texts`]. To locate
    /// many elements at once, [`SourceFile::locate_all`] keeps nothing.
    pub fn locate(&self, source: &SourceRef) -> Option<crate::locate::Location> {
        let located = {
            let mut texts = self.texts.0.lock().unwrap_or_else(|e| e.into_inner());
            texts
                .entry(source.file)
                .or_insert_with(|| {
                    let text = self.sources.get(source.file)?.read_text()?;
                    let index =
                        (text.len() >= 16 * 1024).then(|| crate::locate::LocateIndex::build(&text));
                    Some(Arc::new(LocatedText { text, index }))
                })
                .clone()?
        };
        match &located.index {
            Some(index) => index.locate(&located.text, &source.pointer),
            None => crate::locate::locate(&located.text, &source.pointer),
        }
    }

    /// Drops the texts [`Account::locate`] read.
    pub fn forget_source_texts(&self) {
        self.texts
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The path of a source file.
    pub fn source_path(&self, source: &SourceRef) -> &str {
        self.sources.get(source.file).map_or("", |s| &*s.path)
    }

    fn index(&self) -> &AccountIndex {
        self.index.get_or_init(|| {
            let mut index = AccountIndex::default();
            for function in self.functions.values() {
                if let Some(role) = &function.role {
                    index
                        .functions_by_role
                        .entry(role.clone())
                        .or_default()
                        .push(function.arn.clone());
                }
            }
            for role in self.roles.values() {
                index
                    .role_by_name
                    .entry(role.account.clone())
                    .or_default()
                    .insert(role.name.clone(), role.arn.clone());
            }
            index
        })
    }

    /// The functions whose execution role is `role_arn`, by ARN.
    pub fn functions_using(&self, role_arn: &str) -> Vec<&Function> {
        self.index()
            .functions_by_role
            .get(role_arn)
            .map(|arns| {
                arns.iter()
                    .filter_map(|a| self.functions.get(a).map(Box::as_ref))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The role of `account` named `name` (role names are unique per account).
    pub fn role_named(&self, account: &str, name: &str) -> Option<&Role> {
        let arn = self.index().role_by_name.get(account)?.get(name)?;
        self.roles.get(arn).map(Box::as_ref)
    }

    /// The function whose unqualified ARN is the given ARN with any
    /// qualifier removed.
    pub fn function_for(&self, arn: &str) -> Option<&Function> {
        self.functions
            .get(unqualified_function_arn(arn))
            .map(Box::as_ref)
    }
}
