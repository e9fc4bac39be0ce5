//! Reading account dumps exactly as the AWS CLI prints them.
//!
//! A dump is any set of JSON files with any names; each file's kind is
//! recognised from its content ([`sniff`]). Files are read and parsed in
//! parallel, then folded into one [`Account`] in path order so the result is
//! the same on every run. Paginated outputs split over several files merge;
//! a duplicate is not an error. Nothing here prints: problems, skipped files
//! and unresolved references are returned in the model.

mod builder;
mod folder;
mod iam;
mod lambda;
mod records;

use std::path::{Path, PathBuf};

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

pub use builder::ManagedPolicyLookup;

use crate::diagnostic::json_error_message;
use crate::locate::ItemAnchors;
use crate::model::{Account, FileKind, IngestProblem, Skipped, SourceFile};
use crate::policy::{ParsedPolicy, PolicyDocument};

/// Recognises what a parsed file holds from its top-level keys.
pub fn sniff(value: &Value) -> FileKind {
    let Some(object) = value.as_object() else {
        return FileKind::Unknown;
    };
    let has = |key: &str| object.contains_key(key);
    let is_array = |key: &str| object.get(key).is_some_and(Value::is_array);
    let is_object = |key: &str| object.get(key).is_some_and(Value::is_object);
    let is_string = |key: &str| object.get(key).is_some_and(Value::is_string);
    if has("RoleDetailList") || has("UserDetailList") || has("GroupDetailList") {
        return FileKind::AuthorizationDetails;
    }
    if is_array("Policies")
        && object["Policies"]
            .as_array()
            .is_some_and(|p| p.iter().any(|x| x.get("PolicyVersionList").is_some()))
    {
        return FileKind::AuthorizationDetails;
    }
    if is_array("Functions")
        || (is_array("Versions")
            && object["Versions"]
                .as_array()
                .is_some_and(|v| v.iter().any(|f| f.get("FunctionArn").is_some())))
    {
        return FileKind::FunctionList;
    }
    if is_array("EventSourceMappings") || (has("UUID") && has("FunctionArn")) {
        return FileKind::EventSourceMappings;
    }
    if (has("FunctionUrl") && has("AuthType")) || is_array("FunctionUrlConfigs") {
        return FileKind::FunctionUrlConfig;
    }
    if is_object("Configuration") || (has("FunctionArn") && has("FunctionName")) {
        return FileKind::Function;
    }
    if is_string("Policy") {
        return FileKind::FunctionPolicy;
    }
    if is_object("Policy") {
        return FileKind::PolicyMetadata;
    }
    if is_array("Aliases") {
        return FileKind::Aliases;
    }
    if is_object("Role") {
        return FileKind::Role;
    }
    if has("PolicyDocument") && has("PolicyName") {
        return FileKind::RolePolicy;
    }
    if is_object("PolicyVersion") {
        return FileKind::PolicyVersion;
    }
    // A policy document — also one whose `Statement` is misspelt or
    // missing, when it names a policy version or its misspelt statements
    // look like statements: linted, its problems reported, rather than
    // skipped as a file of no known kind.
    let names_a_policy_version = object
        .get("Version")
        .and_then(Value::as_str)
        .is_some_and(|v| v == "2012-10-17" || v == "2008-10-17");
    let is_statement = |v: &Value| v.get("Effect").is_some() || v.get("Action").is_some();
    let misspelt_statements = object.iter().any(|(k, v)| {
        (k.eq_ignore_ascii_case("statement") || k.eq_ignore_ascii_case("statements"))
            && (is_statement(v)
                || v.as_array()
                    .is_some_and(|list| list.iter().any(is_statement)))
    });
    // An object of nothing but policy elements, with a `Version` however
    // written (`{"Version": "2012-10-18"}`): a broken policy, reported as
    // one rather than skipped.
    let only_policy_elements = object
        .keys()
        .all(|k| matches!(k.as_str(), "Version" | "Id" | "Statement"));
    if has("Statement")
        || names_a_policy_version
        || misspelt_statements
        || (only_policy_elements && has("Version"))
    {
        return FileKind::PolicyDocument;
    }
    FileKind::Unknown
}

/// Why a JSON file of an unknown kind is skipped.
fn unknown_reason(value: &Value) -> String {
    if value.get("AttachedPolicies").is_some() || value.get("PolicyNames").is_some() {
        return "lists a role's policies without naming the role; dump `aws iam get-account-authorization-details` instead".to_owned();
    }
    "not an AWS CLI output rolecall reads (the formats are listed in `rolecall inspect --help`)"
        .to_owned()
}

/// One file read from disk and parsed.
struct LoadedFile {
    /// The path as shown.
    path: String,
    /// The path itself, when it is not UTF-8 ([`SourceFile::os_path`]).
    os_path: Option<Arc<Path>>,
    /// The size of its text.
    bytes: usize,
    /// The parsed file, with its text when it is a small policy file.
    outcome: Result<(Parsed, Option<Arc<str>>), Loaded>,
    /// The digests of the policy documents in it.
    digests: builder::DocumentDigests,
    /// A `get-policy` output's document, decoded.
    decoded_policy: Option<builder::DecodedDocument>,
    /// Where the items of a large output's lists start.
    anchors: Option<ItemAnchors>,
}

/// A file as it was parsed.
enum Parsed {
    /// A JSON tree, for any kind of file.
    Tree(Value),
    /// An authorization-details output, read straight into its records
    /// (the largest files of a dump: no tree is built for them).
    AuthorizationDetails(Box<records::AuthorizationDetails>),
    /// A page of functions, read straight into their records.
    FunctionList(Box<records::FunctionList>),
    /// A page of event source mappings, read straight into their records.
    MappingList(Box<records::MappingList>),
    /// A file that is one policy document, compiled by the worker that read
    /// it: its tree is dropped while still in that worker's cache, and never
    /// waits in memory for the fold.
    Policy(builder::CompiledEntry),
    /// A policy file handed to the caller as soon as it was read
    /// ([`ingest_handling_policy_files`]): the model keeps only the file.
    Handled(SourceFile),
}

/// From this size on, the items of an output's top-level lists are read in
/// parallel ([`records::authorization_details_in_parallel`]): one pass to
/// find them costs less than the wait for one thread to read them all. The
/// AWS CLI merges pages, so a large account's dump is a few such files.
const SPLIT_BYTES: usize = 1 << 20;

/// Reads an output's text straight into its record type `T` — in
/// parallel from [`SPLIT_BYTES`] on, else in one pass — when the text names
/// the output's `member` (a look for it is cheaper than an attempt on every
/// file) and `is_it` says the record is that output. `None` sends the file
/// the general way (a tree, then [`sniff`]), also when the typed read fails,
/// e.g. on a repeated key, which a tree reads as its last value. Read as an
/// object only: a record type would read an array's items as its members,
/// one by one. A large text's item anchors go to `anchors`.
fn read_output<T: serde::de::DeserializeOwned + Default>(
    text: &str,
    member: &str,
    anchors: &mut Option<ItemAnchors>,
    in_parallel: fn(&str) -> serde_json::Result<(T, ItemAnchors)>,
    is_it: fn(&T) -> bool,
) -> Option<T> {
    if !text.contains(member) {
        return None;
    }
    let (output, found) = if text.len() >= SPLIT_BYTES {
        in_parallel(text).ok()?
    } else {
        let output = serde_json::from_str::<records::Object<T>>(text).ok()?;
        (output.0, ItemAnchors::default())
    };
    if !is_it(&output) {
        return None;
    }
    *anchors = Some(found);
    Some(output)
}

/// Why a file was not parsed.
enum Loaded {
    Skipped(String),
    Problem(IngestProblem),
}

/// A file to read.
struct InputFile {
    path: PathBuf,
    /// A regular file, whose short read is its end (see [`read_file`]); a
    /// pipe (`rolecall check <(aws lambda get-policy …)`) is read until it
    /// says it has ended.
    regular: bool,
    /// The folder it was found in, when the file is opened by name in it
    /// ([`folder`]).
    folder: Option<Arc<folder::Folder>>,
    /// Which file it is, to read a file reached by two paths once: known
    /// for a file named on the command line, asked for a walked one only
    /// when it may have been reached twice ([`collect_files`]).
    identity: FileIdentity,
}

/// A file's identity on its system (device and inode): `a.json` and
/// `./a.json`, a link and its target, a folder's files reached through a
/// link to it, all name the same one. `None` where the system does not
/// tell.
type FileIdentity = Option<(u64, u64)>;

fn identity_of(metadata: &std::fs::Metadata) -> FileIdentity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

impl InputFile {
    /// A file opened by its path.
    fn at(path: PathBuf, regular: bool, identity: FileIdentity) -> InputFile {
        InputFile {
            path,
            regular,
            folder: None,
            identity,
        }
    }

    /// Opens the file for reading.
    fn open(&self) -> std::io::Result<std::fs::File> {
        match (&self.folder, self.path.file_name()) {
            (Some(folder), Some(name)) => folder.open_file(name),
            _ => std::fs::File::open(&self.path),
        }
    }
}

/// What is to be read, and what is not.
#[derive(Default)]
struct Listing {
    files: Vec<InputFile>,
    problems: Vec<IngestProblem>,
    skipped: Vec<Skipped>,
    /// Whether files are opened in their folders ([`folder::affordable`]).
    in_folders: bool,
    /// Whether a link was followed: a file may then be listed twice.
    followed_links: bool,
}

/// A folder's files are opened by name in it ([`folder`]) when it has at
/// least this many: opening the folder, once per worker, is one more system
/// call, paid for over a few files.
const FILES_WORTH_A_FOLDER: usize = 8;

/// The files under `paths` (folders are walked recursively), sorted, each
/// once. Paths that do not exist are reported as problems.
fn collect_files(paths: &[PathBuf]) -> Listing {
    let mut listing = Listing {
        in_folders: folder::affordable(rayon::current_num_threads()),
        ..Listing::default()
    };
    for path in paths {
        let metadata = std::fs::metadata(path);
        if let Some(folder) = metadata.as_ref().ok().filter(|m| m.is_dir()) {
            walk(path, &mut vec![identity_of(folder)], &mut listing);
        } else if let Ok(metadata) = metadata {
            // Named on the command line: read, whatever it is (a pipe, a
            // device).
            listing.files.push(InputFile::at(
                path.clone(),
                metadata.is_file(),
                identity_of(&metadata),
            ));
        } else {
            listing.problems.push(IngestProblem {
                path: path.display().to_string(),
                line: None,
                column: None,
                pointer: None,
                message: "no such file or folder".to_owned(),
                help: Some("check the path; rolecall reads folders of AWS CLI JSON outputs and single files".to_owned()),
            });
        }
    }
    // Each folder's files come in order already (`walk`); several paths
    // given are put in order, and a file named twice is read once — also
    // under two spellings, or through a link (under its first path).
    if paths.len() > 1 {
        listing.files.sort_by(|a, b| a.path.cmp(&b.path));
        listing.files.dedup_by(|a, b| a.path == b.path);
    }
    if paths.len() > 1 || listing.followed_links {
        // A walked file's identity is asked of the file itself: the inode
        // a folder listing gives is not always the file's (a FUSE file
        // system may give every entry the same one).
        let mut seen = std::collections::HashSet::new();
        listing.files.retain_mut(|file| {
            if file.identity.is_none() {
                file.identity = std::fs::metadata(&file.path)
                    .ok()
                    .and_then(|m| identity_of(&m));
            }
            file.identity.is_none_or(|identity| seen.insert(identity))
        });
    }
    listing
}

/// Lists the files under `dir` in path order: each folder's entries sorted
/// by name, folders walked where they sort. That is the order of sorting the
/// whole paths (component by component), at the price of sorting names —
/// a folder of 10,000 policy files costs a fraction of a millisecond instead
/// of thousands of path comparisons. `folders` are the identities of the
/// folders being walked, `dir`'s last: a link back to one of them is not
/// followed (it would list the same files forever).
fn walk(dir: &Path, folders: &mut Vec<FileIdentity>, listing: &mut Listing) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            listing.problems.push(IngestProblem {
                path: dir.display().to_string(),
                line: None,
                column: None,
                pointer: None,
                message: format!("cannot read the folder: {e}"),
                help: None,
            });
            return;
        }
    };
    let mut listed: Vec<(std::ffi::OsString, std::io::Result<std::fs::FileType>)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        // The entry's type comes with the directory listing; only links
        // need a look at what they point to.
        let file_type = match entry.file_type() {
            Ok(t) if !t.is_symlink() => Ok(t),
            _ => {
                listing.followed_links = true;
                std::fs::metadata(entry.path()).map(|m| m.file_type())
            }
        };
        listed.push((name, file_type));
    }
    listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    listing.files.reserve(listed.len());
    let (files, longest_name) = listed
        .iter()
        .filter(|(_, t)| t.as_ref().is_ok_and(|t| t.is_file()))
        .fold((0, 0), |(count, longest), (name, _)| {
            (count + 1, longest.max(name.len()))
        });
    // A path too long for the system to open whole would open in its
    // folder: its files are opened by path, as those of a small folder
    // are, so that each reads (or fails) the same way wherever it is.
    let short_paths = dir.as_os_str().len() + 1 + longest_name < folder::SHORT_PATH;
    let folder = (listing.in_folders && files >= FILES_WORTH_A_FOLDER && short_paths)
        .then(|| Arc::new(folder::Folder::new(dir)));
    for (name, file_type) in listed {
        let path = dir.join(name);
        match file_type {
            Ok(t) if t.is_dir() => {
                // A folder's own identity (a mount point's is not its
                // entry's inode), to tell a loop.
                let identity = std::fs::metadata(&path).ok().and_then(|m| identity_of(&m));
                if identity.is_some() && folders.contains(&identity) {
                    listing.skipped.push(Skipped {
                        path: path.display().to_string(),
                        reason: "a link to a folder it is in: not walked again".to_owned(),
                    });
                    continue;
                }
                folders.push(identity);
                walk(&path, folders, listing);
                folders.pop();
            }
            Ok(t) if t.is_file() => listing.files.push(InputFile {
                path,
                regular: true,
                folder: folder.clone(),
                identity: None,
            }),
            // A pipe, socket or device found in a folder is no dump output
            // (and a pipe nobody writes to would never end): not read.
            Ok(_) => listing.skipped.push(Skipped {
                path: path.display().to_string(),
                reason: "not a regular file (a pipe, socket or device in a folder is not read; name it on the command line to read it)".to_owned(),
            }),
            // A broken link is read, to report why it cannot be.
            Err(_) => listing.files.push(InputFile::at(path, false, None)),
        }
    }
}

/// The largest policy file whose text the model keeps (when linted as it is
/// read, [`ingest_handling_policy_files`], only a text that cannot be read
/// again). A policy file is linted, and most get findings: locating them
/// would cost more in reading it again than its text costs in memory. The outputs of a dump are read
/// again instead, for the few that have findings (on a 10,000-function
/// dump, 306 of its 4,952 `get-policy` outputs).
const KEPT_TEXT_BYTES: usize = 8 * 1024;

/// About how many bytes of JSON text to parse in one batch: a parsed tree
/// is several times the size of its text, so large files go one at a time.
const BATCH_BYTES: usize = 1 << 20;

/// At most this many files a worker in one batch ([`read_and_fold`]).
const SMALL_FILES_PER_WORKER: usize = 256;

/// How much of a file the first read asks for: a policy file or a
/// `get-policy` output fits, and needs no look at the file's size.
const FIRST_READ_BYTES: usize = 16 * 1024;

/// A file's bytes, and whether they are known to be all of it. Most files
/// of a folder of policies are small: one read into a buffer takes them
/// whole, where `std::fs::read` would ask for the size first and read again
/// to see the end (two system calls more per file, a fifth of reading a
/// small one). A file that fills the buffer is read to its end at its full
/// size.
///
/// Unless `confirm_end`, a read that returns less than the buffer holds
/// is taken as the end of the file without a second read to confirm it
/// (the flag returned is then false): local file systems return short
/// reads of a regular file only at its end. One that does not (a network
/// or user-space file system) cuts a file short; the cut text is then not
/// valid JSON, and [`load`] reads the file again to its confirmed end
/// before reporting a problem. A pipe is always read to its confirmed end.
fn read_file(file: &InputFile, confirm_end: bool) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read as _;
    thread_local! {
        // Each worker's first-read buffer, zeroed once: a fresh one per
        // file would clear 16 KiB for every few hundred bytes read.
        static FIRST_READ: std::cell::RefCell<Vec<u8>> =
            std::cell::RefCell::new(vec![0; FIRST_READ_BYTES]);
    }
    /// What the first-read buffer took.
    enum FirstRead {
        /// The whole file, up to a read that returned nothing.
        Whole(Vec<u8>),
        /// A read that returned less than asked for, taken as the end.
        Short(Vec<u8>),
        /// A full buffer: the file goes on.
        Full(Vec<u8>),
    }
    let mut file = file.open()?;
    let first = FIRST_READ.with_borrow_mut(|buffer| {
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..]) {
                // Copied out at the file's size.
                Ok(0) => return Ok(FirstRead::Whole(buffer[..filled].to_vec())),
                Ok(n) => {
                    filled += n;
                    if !confirm_end && filled < buffer.len() {
                        return Ok(FirstRead::Short(buffer[..filled].to_vec()));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(FirstRead::Full(buffer.clone()))
    })?;
    match first {
        FirstRead::Whole(bytes) => Ok((bytes, true)),
        FirstRead::Short(bytes) => Ok((bytes, false)),
        FirstRead::Full(mut bytes) => {
            let size = file.metadata().map_or(0, |m| m.len() as usize);
            bytes.reserve_exact(size.saturating_sub(bytes.len()) + 1);
            file.read_to_end(&mut bytes)?;
            Ok((bytes, true))
        }
    }
}

/// The UTF-8 byte order mark some Windows editors and PowerShell's
/// `Out-File -Encoding utf8` put before JSON.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads a leading byte order mark as white space. Blanked rather than
/// cut, so that every offset in the text is still the file's, as when the
/// file is read again to locate findings ([`crate::model::Account::locate`]);
/// blanked as [`crate::locate::BLANKED_BYTE_ORDER_MARK`], which columns
/// leave out.
pub(crate) fn blank_byte_order_mark(bytes: &mut [u8]) {
    if let Some(mark) = bytes.get_mut(..BYTE_ORDER_MARK.len()) {
        if mark == BYTE_ORDER_MARK {
            mark.copy_from_slice(crate::locate::BLANKED_BYTE_ORDER_MARK.as_bytes());
        }
    }
}

/// Whether `bytes` start with a UTF-16 byte order mark.
fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// How a file is read: its bytes, and whether they are known to be all of
/// it ([`read_file`]; tests hand in readers that cut files short).
type Reader = fn(&InputFile, bool) -> std::io::Result<(Vec<u8>, bool)>;

fn load(file: &InputFile, kept_text_bytes: usize) -> LoadedFile {
    load_reading(file, !file.regular, kept_text_bytes, read_file)
}

/// A caller's handler of policy files ([`ingest_handling_policy_files`]).
type PolicyFileHandler<'h, T> = &'h (dyn Fn(&Account) -> T + Sync);

/// [`load`], handing a policy file to `handle`, when there is one, instead
/// of keeping its policy for the fold.
fn load_handling<T>(
    file: &InputFile,
    handle: Option<PolicyFileHandler<'_, T>>,
) -> (LoadedFile, Option<T>) {
    let Some(handle) = handle else {
        return (load(file, KEPT_TEXT_BYTES), None);
    };
    // A plain policy file's text is kept whatever its size: the handler
    // locates its findings in it.
    let mut loaded = load(file, usize::MAX);
    match loaded.outcome {
        Ok((Parsed::Policy(entry), text)) => {
            let source = SourceFile {
                path: Arc::from(std::mem::take(&mut loaded.path)),
                text,
                kind: FileKind::PolicyDocument,
                anchors: None,
                os_path: loaded.os_path.take(),
            };
            let mut account = builder::policy_file_account(source, entry);
            let output = handle(&account);
            let mut source = account.sources.swap_remove(0);
            // A report reads a regular file again for the lines it shows,
            // as it does a dump's outputs: its text goes now. A pipe's, which
            // cannot be read again, is kept.
            source.text = source.text.filter(|_| !file.regular);
            loaded.outcome = Ok((Parsed::Handled(source), None));
            (loaded, Some(output))
        }
        outcome => {
            loaded.outcome = outcome;
            (loaded, None)
        }
    }
}

/// [`load`], reading to the confirmed end of the file when `confirm_end`.
/// A file that is not `regular` (a pipe) keeps its text whatever its size
/// and kind: it cannot be read again to locate findings. A plain policy
/// document keeps it up to `kept_text_bytes`.
fn load_reading(
    file: &InputFile,
    confirm_end: bool,
    kept_text_bytes: usize,
    read: Reader,
) -> LoadedFile {
    let regular = file.regular;
    // As shown: the path itself when it is UTF-8 (nearly always; cheaper
    // than formatting it).
    let (shown, os_path) = match file.path.to_str() {
        Some(path) => (path.to_owned(), None),
        None => (
            file.path.display().to_string(),
            Some(Arc::from(file.path.as_path())),
        ),
    };
    let (bytes, complete) = match read(file, confirm_end) {
        Ok(b) => b,
        Err(e) => {
            return LoadedFile {
                path: shown.clone(),
                os_path,
                bytes: 0,
                digests: Default::default(),
                decoded_policy: None,
                anchors: None,
                outcome: Err(Loaded::Problem(IngestProblem {
                    path: shown,
                    line: None,
                    column: None,
                    pointer: None,
                    message: format!("cannot read the file: {e}"),
                    help: None,
                })),
            }
        }
    };
    let size = bytes.len();
    let mut anchors = None;
    let mut bytes = bytes;
    blank_byte_order_mark(&mut bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    // Only a small policy file's text is kept (and a pipe's); a plain one's
    // up to `kept_text_bytes`. A larger file read as a tree drops its text
    // before the tree is sniffed, whatever it turns out to be.
    let keep_up_to = |limit: usize, text: String| (!regular || text.len() <= limit).then_some(text);
    let keep = |text: String| keep_up_to(KEPT_TEXT_BYTES, text);
    let outcome = match first {
        None => Err(Loaded::Skipped("the file is empty (the AWS CLI prints nothing when a call fails, e.g. get-policy of a function without a policy)".to_owned())),
        Some(b'{') | Some(b'[') => match String::from_utf8(bytes) {
            Err(e) => {
                // Where the first byte that is not UTF-8 is.
                let bytes = e.as_bytes();
                let valid = e.utf8_error().valid_up_to();
                let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
                let at = crate::locate::location_of_offset(before, valid);
                Err(Loaded::Problem(IngestProblem {
                    path: shown.clone(),
                    line: Some(at.line),
                    column: Some(at.column),
                    pointer: None,
                    message: match e.utf8_error().error_len() {
                        Some(_) => format!(
                            "the file is not UTF-8 text: byte 0x{:02X} here is no UTF-8 character's",
                            bytes.get(valid).copied().unwrap_or_default()
                        ),
                        None => "the file is not UTF-8 text: it ends inside a character".to_owned(),
                    },
                    help: Some("save it as UTF-8, the encoding the AWS CLI writes".to_owned()),
                }))
            }
            // A plain policy document, the common case of a policy file, is
            // read without a tree; a dump output is given up on at its
            // first member, before its text is searched for the outputs'
            // lists.
            Ok(text) => match PolicyDocument::read_plain(&text) {
                Some(document) => {
                    let kind = builder::standalone_kind_of(&document);
                    let read = Ok(ParsedPolicy { document, diagnostics: Vec::new() });
                    Ok((Parsed::Policy(builder::compile_read(kind, read)), keep_up_to(kept_text_bytes, text)))
                }
                // The outputs read as records, in the order `sniff` tells
                // them apart (every authorization-details output has a
                // `…DetailList`).
                None => match read_output(&text, "DetailList\"", &mut anchors, records::authorization_details_in_parallel, records::AuthorizationDetails::is_authorization_details)
                    .map(|details| Parsed::AuthorizationDetails(Box::new(details)))
                    .or_else(|| read_output(&text, "\"Functions\"", &mut anchors, records::function_list_in_parallel, records::FunctionList::is_function_list).map(|list| Parsed::FunctionList(Box::new(list))))
                    .or_else(|| read_output(&text, "\"EventSourceMappings\"", &mut anchors, records::mapping_list_in_parallel, records::MappingList::is_mapping_list).map(|list| Parsed::MappingList(Box::new(list))))
                {
                    Some(parsed) => Ok((parsed, (!regular).then_some(text))),
                    None => match serde_json::from_str::<Value>(&text) {
                        // A larger file's text goes now, before the tree is
                        // sniffed and digested.
                        Ok(value) => Ok((Parsed::Tree(value), keep(text))),
                        Err(e) => Err(Loaded::Problem(IngestProblem {
                            path: shown.clone(),
                            line: Some(e.line()),
                            column: Some(crate::locate::json_error_column(&text, &e)),
                            pointer: None,
                            message: format!("invalid JSON: {}", json_error_message(&e)),
                            help: Some(if e.is_eof() {
                                "the file ends early; was the dump cut off? run the AWS CLI command again".to_owned()
                            } else {
                                "fix the JSON, or run the AWS CLI command again".to_owned()
                            }),
                        })),
                    },
                },
            },
        },
        Some(0xFF | 0xFE) if is_utf16(&bytes) => Err(Loaded::Problem(IngestProblem {
            path: shown.clone(),
            line: None,
            column: None,
            pointer: None,
            message: "the file is UTF-16 text, not the UTF-8 the AWS CLI writes".to_owned(),
            help: Some("Windows PowerShell 5's `>` writes UTF-16: pipe the output to `Out-File -Encoding utf8 FILE` instead, or redirect it from PowerShell 7 or cmd, which keep the CLI's UTF-8".to_owned()),
        })),
        Some(_) => Err(Loaded::Skipped("not a JSON file".to_owned())),
    };
    if !complete && matches!(outcome, Err(Loaded::Problem(_))) {
        // Perhaps a short read before the end: see `read_file`.
        return load_reading(file, true, kept_text_bytes, read);
    }
    // A file that is one policy document is compiled here, in parallel.
    // Other files' policy documents are digested here, for the sequential
    // fold to find; a get-policy output's document, a string, is decoded.
    let mut digests = builder::DocumentDigests::default();
    let mut decoded_policy = None;
    let outcome = match outcome {
        Ok((Parsed::Tree(value), text)) => match sniff(&value) {
            FileKind::PolicyDocument => {
                let kind = builder::standalone_kind(&value);
                let kept = text.map(Arc::from);
                Ok((Parsed::Policy(builder::compile_tree(kind, &value)), kept))
            }
            // A dump output's text is not kept: it is read again for the few
            // with findings. A pipe's is, as it cannot be.
            FileKind::FunctionPolicy => {
                decoded_policy = builder::decode_function_policy(&value, &mut digests);
                Ok((
                    Parsed::Tree(value),
                    text.filter(|_| !regular).map(Arc::from),
                ))
            }
            _ => {
                digests = builder::document_digests(&value);
                Ok((
                    Parsed::Tree(value),
                    text.filter(|_| !regular).map(Arc::from),
                ))
            }
        },
        Ok((parsed, text)) => Ok((parsed, text.map(Arc::from))),
        Err(e) => Err(e),
    };
    LoadedFile {
        path: shown,
        os_path,
        bytes: size,
        outcome,
        digests,
        decoded_policy,
        anchors: anchors.filter(|a| !a.is_empty()),
    }
}

/// Records a source file; its index in [`Account::sources`]. Only a small
/// policy file's text is kept ([`KEPT_TEXT_BYTES`]); for the others a
/// finding's line and column are found by reading the file again
/// (`lint::complete_locations`).
fn add_source(
    builder: &mut builder::Builder<'_>,
    (path, os_path): (String, Option<Arc<Path>>),
    text: Option<Arc<str>>,
    kind: FileKind,
    anchors: Option<ItemAnchors>,
) -> usize {
    let index = builder.account.sources.len();
    builder.account.sources.push(SourceFile {
        path: Arc::from(path),
        text,
        kind,
        anchors: anchors.map(Arc::new),
        os_path,
    });
    index
}

/// Adds one parsed file to the model under construction.
fn fold(builder: &mut builder::Builder<'_>, file: LoadedFile) {
    let name = (file.path, file.os_path);
    match file.outcome {
        Ok((Parsed::AuthorizationDetails(details), text)) => {
            let index = add_source(
                builder,
                name,
                text,
                FileKind::AuthorizationDetails,
                file.anchors,
            );
            builder.add_authorization_details(index, *details);
        }
        Ok((Parsed::FunctionList(list), text)) => {
            let index = add_source(builder, name, text, FileKind::FunctionList, file.anchors);
            builder.add_function_list(index, *list);
        }
        Ok((Parsed::MappingList(list), text)) => {
            let index = add_source(
                builder,
                name,
                text,
                FileKind::EventSourceMappings,
                file.anchors,
            );
            builder.add_mapping_list(index, *list);
        }
        Ok((Parsed::Tree(value), text)) => {
            let kind = sniff(&value);
            if kind == FileKind::Unknown {
                builder.account.skipped.push(Skipped {
                    path: name.0,
                    reason: unknown_reason(&value),
                });
                return;
            }
            let index = add_source(builder, name, text, kind, file.anchors);
            builder.digests = file.digests;
            builder.decoded_policy = file.decoded_policy;
            builder.add_file(index, kind, &value);
            builder.digests.clear();
            builder.decoded_policy = None;
            // Freeing a large parsed tree takes a while; the fold is the
            // sequential part of reading, so another worker does it.
            rayon::spawn(move || drop(value));
        }
        Ok((Parsed::Policy(entry), text)) => {
            let index = add_source(builder, name, text, FileKind::PolicyDocument, file.anchors);
            builder.add_standalone_document(index, entry);
        }
        Ok((Parsed::Handled(source), _)) => builder.account.sources.push(source),
        Err(Loaded::Skipped(reason)) => builder.account.skipped.push(Skipped {
            path: name.0,
            reason,
        }),
        Err(Loaded::Problem(p)) => builder.account.problems.push(p),
    }
}

/// The next `count` files of `rest` (at least one), taken off it; `None`
/// when it is empty.
fn take_batch<'p>(rest: &mut &'p [InputFile], count: usize) -> Option<&'p [InputFile]> {
    if rest.is_empty() {
        return None;
    }
    let (batch, after) = rest.split_at(count.clamp(1, rest.len()));
    *rest = after;
    Some(batch)
}

/// How many of the first `paths` (at most `max`, at least one) hold at
/// most `budget` bytes together: a large file after them waits for the
/// next batch rather than raise the peak of memory. A file whose size
/// cannot be read counts as empty.
fn files_worth(files: &[InputFile], budget: u64, max: usize) -> usize {
    let mut bytes = 0u64;
    let mut count = 0;
    for file in files.iter().take(max) {
        bytes += std::fs::metadata(&file.path).map_or(0, |m| m.len());
        if bytes > budget && count > 0 {
            break;
        }
        count += 1;
    }
    count.max(1)
}

/// Reads every file under `paths` into one account model. Never fails:
/// unreadable or broken files are listed in [`Account::problems`], files of
/// unknown kinds in [`Account::skipped`], and everything else is analysed.
pub fn ingest(paths: &[PathBuf], managed: &ManagedPolicyLookup<'_>) -> Account {
    ingest_with::<()>(paths, managed, None).0
}

/// [`ingest`], handing each stand-alone policy file to `handle` as soon as
/// it is read, on the worker that read it, as a model of that file alone:
/// its source (with its text) and its policy. The account keeps the
/// file's source, not its policy; its text only if it cannot be read again
/// (a pipe's). A linter thus judges each file while it is in the cache, and
/// memory holds what it found instead of every policy. Returns the account
/// and what `handle` returned, in path order.
pub fn ingest_handling_policy_files<T: Send>(
    paths: &[PathBuf],
    managed: &ManagedPolicyLookup<'_>,
    handle: &(dyn Fn(&Account) -> T + Sync),
) -> (Account, Vec<T>) {
    ingest_with(paths, managed, Some(handle))
}

fn ingest_with<T: Send>(
    paths: &[PathBuf],
    managed: &ManagedPolicyLookup<'_>,
    handle: Option<PolicyFileHandler<'_, T>>,
) -> (Account, Vec<T>) {
    // Listing and reading run on a worker of the pool: the pipeline's joins
    // then hand work to the other workers directly, instead of waking them
    // from outside and waiting for them at every batch; and the listing does
    // not share the cores with a worker spinning idle while it waits.
    rayon::scope(|_| {
        let Listing {
            files,
            problems,
            skipped,
            ..
        } = collect_files(paths);
        let (mut account, handled) = read_and_fold(&files, problems, managed, handle);
        rayon::broadcast(|_| folder::close_this_threads_folder());
        if !skipped.is_empty() {
            // In path order with the files skipped for their content.
            account.skipped.extend(skipped);
            account
                .skipped
                .sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
        }
        (account, handled)
    })
}

/// Parses `files` in batches and folds them, in path order, into one model.
fn read_and_fold<T: Send>(
    files: &[InputFile],
    problems: Vec<IngestProblem>,
    managed: &ManagedPolicyLookup<'_>,
    handle: Option<PolicyFileHandler<'_, T>>,
) -> (Account, Vec<T>) {
    let mut builder = builder::Builder::new(managed);
    builder.account.problems = problems;
    // Nearly every file becomes a source: allocated once, not doubled
    // (and copied) a dozen times over a folder of policy files.
    builder.account.sources.reserve_exact(files.len());
    // Parse a batch of files in parallel, fold it in path order, drop the
    // parsed trees, go on: memory holds a few files' JSON trees at a time
    // instead of every file's. While one batch is folded, the next is parsed
    // (rayon::join), so the sequential fold overlaps the parallel parse.
    // A batch is as many files as there are threads, or fewer when they are
    // large: a parsed tree is several times the size of its text, and large
    // dumps gain nothing from being parsed two at a time while one is folded.
    let threads = rayon::current_num_threads().max(1);
    let parse = |batch: &[InputFile]| -> Vec<(LoadedFile, Option<T>)> {
        batch
            .par_iter()
            .map(|file| load_handling(file, handle))
            .collect()
    };
    let mut handled = Vec::new();
    let mut rest: &[InputFile] = files;
    let mut current = take_batch(&mut rest, threads)
        .map(parse)
        .unwrap_or_default();
    // The documents the previous fold queued are compiled while the next
    // batch is parsed and the current one folded: compiled after its fold,
    // a batch's documents would leave the fold's thread alone at it while
    // the other workers parse.
    let mut uncompiled = (0, Vec::new());
    loop {
        // The next batch is sized from the files just read (file sizes are
        // not known before reading them, and asking costs a call per file).
        // Small files go a few hundred per worker: every batch ends with
        // the workers waiting for each other (on 10,000 policy files, 512
        // files a batch instead of 128 took 2.5 % less CPU).
        let bytes: usize = current.iter().map(|(f, _)| f.bytes).sum();
        let average = (bytes / current.len().max(1)).max(1);
        let mut count = (BATCH_BYTES / average).min(SMALL_FILES_PER_WORKER * threads);
        if bytes >= SPLIT_BYTES {
            // A large dump takes a while to fold, one thread alone: the
            // files after it are parsed meanwhile, as many as make at most
            // as much text (and a few batches' worth, for memory). Their
            // sizes are asked for: a few calls, only after a large file.
            let budget = bytes.min(4 * BATCH_BYTES) as u64;
            count = count.max(files_worth(rest, budget, 64 * threads));
        }
        let next_paths = take_batch(&mut rest, count);
        let (start, documents) = std::mem::take(&mut uncompiled);
        let ((next, compiled), ()) = rayon::join(
            || {
                rayon::join(
                    || next_paths.map(parse),
                    || builder::compile_documents(documents),
                )
            },
            || {
                for (file, output) in current.drain(..) {
                    fold(&mut builder, file);
                    handled.extend(output);
                }
            },
        );
        builder.store_compiled(start, compiled);
        uncompiled = builder.take_uncompiled();
        match next {
            Some(next) => current = next,
            None => break,
        }
    }
    let (start, documents) = uncompiled;
    builder.store_compiled(start, builder::compile_documents(documents));
    (builder.finish(), handled)
}

#[cfg(test)]
mod tests;
