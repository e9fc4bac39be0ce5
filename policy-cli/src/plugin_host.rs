//! Loading rule plugins: the only module of rolecall with `unsafe` code.
//!
//! A plugin is loaded only from a path the user named (`--plugin`, or
//! `plugins = [...]` in the configuration). The handshake reads the table
//! step by step — symbol, magic, ABI major, ABI minor, table size — before
//! trusting any more of it, then the manifest, whose rule codes are
//! namespaced `plugin/CODE`. Every failure is an error naming the file and
//! both versions; built-ins and the other plugins still run. Libraries are
//! never unloaded. With `--isolate-plugins` each plugin runs in a child
//! process of rolecall itself, so even an abort or a segfault becomes a
//! reported error.
#![allow(unsafe_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};

use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::plugin::{
    CheckRequest, CheckResponse, EntryFn, Manifest, PluginBuffer, PluginTable, ABI_MAJOR,
    ABI_MINOR, MAGIC, SYMBOL,
};

/// How a loaded plugin is called.
enum Backend {
    /// In this process, through its table.
    InProcess(&'static PluginTable),
    /// In a child process: `rolecall __plugin-worker check PATH`.
    Isolated,
}

/// A plugin that passed the handshake.
pub struct Plugin {
    pub path: PathBuf,
    pub manifest: Manifest,
    backend: Backend,
    /// The account model as JSON, made once per run and reused by every rule.
    account: OnceLock<Result<Box<serde_json::value::RawValue>, String>>,
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Loads a library and checks its table, without running anything but the
/// entry point.
fn open_table(path: &Path) -> Result<&'static PluginTable, String> {
    let file = shown(path);
    if !path.is_file() {
        return Err(format!("plugin `{file}`: no such file"));
    }
    // SAFETY: loading a library runs its initialisers; the user named this
    // file as a rolecall plugin. It is never unloaded (see the `forget` below).
    let library = unsafe { libloading::Library::new(path) }
        .map_err(|e| format!("plugin `{file}` cannot be loaded: {e}"))?;
    // SAFETY: the symbol's type is fixed by the ABI; a library exporting the
    // name with another type is not a rolecall plugin and breaks the contract.
    let entry: EntryFn = match unsafe { library.get::<EntryFn>(SYMBOL) } {
        Ok(symbol) => *symbol,
        Err(_) => {
            return Err(format!(
                "`{file}` is not a rolecall plugin: it exports no `rolecall_plugin_v1`; build it with `policy_core::export_plugin!`"
            ))
        }
    };
    // Libraries are never unloaded: the table and functions stay valid.
    std::mem::forget(library);
    let table = entry();
    if table.is_null() {
        return Err(format!("plugin `{file}` returned no table"));
    }
    let base = table.cast::<u8>();
    // SAFETY: every ABI version starts with the 8-byte magic, the u32 size and
    // the two u16 versions; they are read one by one, unaligned, and nothing
    // more is read until they check out.
    let (magic, size, major, minor) = unsafe {
        (
            std::ptr::read_unaligned(base.cast::<[u8; 8]>()),
            std::ptr::read_unaligned(base.add(8).cast::<u32>()),
            std::ptr::read_unaligned(base.add(12).cast::<u16>()),
            std::ptr::read_unaligned(base.add(14).cast::<u16>()),
        )
    };
    if magic != MAGIC {
        return Err(format!(
            "`{file}` is not a rolecall plugin: its table starts with {:?}, expected {:?}",
            String::from_utf8_lossy(&magic),
            String::from_utf8_lossy(&MAGIC)
        ));
    }
    if major != ABI_MAJOR {
        return Err(format!(
            "plugin `{file}` was built for plugin ABI {major}.{minor}, this rolecall speaks {ABI_MAJOR}.{ABI_MINOR}; rebuild the plugin against this rolecall's policy-core"
        ));
    }
    if minor > ABI_MINOR {
        return Err(format!(
            "plugin `{file}` needs plugin ABI {major}.{minor}, newer than this rolecall's {ABI_MAJOR}.{ABI_MINOR}; update rolecall"
        ));
    }
    let needed = std::mem::size_of::<PluginTable>();
    if (size as usize) < needed {
        return Err(format!(
            "plugin `{file}` has a {size}-byte table, plugin ABI {ABI_MAJOR}.{ABI_MINOR} needs {needed}; rebuild the plugin"
        ));
    }
    // SAFETY: magic, version and size checked: the whole table is there.
    Ok(unsafe { &*table })
}

/// Copies a buffer the plugin wrote and hands it back to the plugin's `free`.
fn take(table: &PluginTable, buffer: PluginBuffer) -> Vec<u8> {
    if buffer.ptr.is_null() {
        return Vec::new();
    }
    // SAFETY: the plugin wrote `len` initialised bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(buffer.ptr, buffer.len) }.to_vec();
    (table.free)(buffer);
    bytes
}

fn empty_buffer() -> PluginBuffer {
    PluginBuffer {
        ptr: std::ptr::null_mut(),
        len: 0,
        cap: 0,
    }
}

fn manifest_in_process(path: &Path, table: &PluginTable) -> Result<Manifest, String> {
    let mut out = empty_buffer();
    let status = (table.manifest)(&mut out);
    let bytes = take(table, out);
    if status != 0 {
        return Err(format!(
            "plugin `{}` could not write its manifest (status {status})",
            shown(path)
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "plugin `{}` wrote a manifest rolecall cannot read: {e}",
            shown(path)
        )
    })
}

fn check_in_process(
    path: &Path,
    table: &PluginTable,
    request: &[u8],
) -> Result<CheckResponse, String> {
    let mut out = empty_buffer();
    let status = (table.check)(request.as_ptr(), request.len(), &mut out);
    let bytes = take(table, out);
    if status != 0 {
        return Err(format!(
            "plugin `{}` failed to check (status {status})",
            shown(path)
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "plugin `{}` answered something rolecall cannot read: {e}",
            shown(path)
        )
    })
}

/// Describes how a child process ended.
fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT: the plugin aborted)",
                11 => " (SIGSEGV: the plugin crashed)",
                9 => " (SIGKILL)",
                _ => "",
            };
            return format!("was killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "ended abnormally".to_owned(),
    }
}

/// Runs `rolecall __plugin-worker TASK PATH` with `input` on standard input.
fn run_worker(task: &str, path: &Path, input: &[u8]) -> Result<Vec<u8>, String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find rolecall's own executable: {e}"))?;
    let mut child = Command::new(exe)
        .args(["__plugin-worker", task])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the plugin process: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("the plugin process failed: {e}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let detail = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned();
    if output.status.code() == Some(WORKER_REFUSED) {
        return Err(detail);
    }
    let doing = if task == "manifest" {
        "writing its manifest"
    } else {
        "checking"
    };
    Err(format!(
        "plugin `{}` {} while {doing}{}",
        shown(path),
        describe_exit(output.status),
        if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        }
    ))
}

/// The worker's exit status when the handshake refused the plugin.
const WORKER_REFUSED: i32 = 3;

/// The child side of `--isolate-plugins`: `rolecall __plugin-worker manifest|check PATH`.
pub fn worker(task: &str, path: &Path) -> u8 {
    let table = match open_table(path) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("{message}");
            return WORKER_REFUSED as u8;
        }
    };
    let result = match task {
        "manifest" => manifest_in_process(path, table)
            .and_then(|m| serde_json::to_vec(&m).map_err(|e| e.to_string())),
        "check" => {
            let mut request = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut request) {
                eprintln!("cannot read the request: {e}");
                return 2;
            }
            check_in_process(path, table, &request)
                .and_then(|r| serde_json::to_vec(&r).map_err(|e| e.to_string()))
        }
        other => Err(format!("unknown worker task `{other}`")),
    };
    match result {
        Ok(bytes) => {
            let _ = std::io::stdout().write_all(&bytes);
            0
        }
        Err(message) => {
            eprintln!("{message}");
            WORKER_REFUSED as u8
        }
    }
}

impl Plugin {
    /// Loads and checks a plugin; `isolate` runs it in child processes.
    pub fn load(path: &Path, isolate: bool) -> Result<Plugin, String> {
        let (manifest, backend) = if isolate {
            let bytes = run_worker("manifest", path, &[])?;
            let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "plugin `{}` wrote a manifest rolecall cannot read: {e}",
                    shown(path)
                )
            })?;
            (manifest, Backend::Isolated)
        } else {
            let table = open_table(path)?;
            (manifest_in_process(path, table)?, Backend::InProcess(table))
        };
        let valid_name = !manifest.name.is_empty()
            && manifest
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid_name {
            return Err(format!(
                "plugin `{}` has the name `{}`; plugin names are lower-case letters, digits, `-` and `_`",
                shown(path),
                manifest.name
            ));
        }
        let mut codes: Vec<&str> = manifest.rules.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        if let Some(pair) = codes.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "plugin `{}` declares the rule code `{}` twice",
                shown(path),
                pair[0]
            ));
        }
        Ok(Plugin {
            path: path.to_owned(),
            manifest,
            backend,
            account: OnceLock::new(),
        })
    }

    fn check(&self, request: &CheckRequest) -> Result<CheckResponse, String> {
        let bytes = serde_json::to_vec(request).map_err(|e| e.to_string())?;
        match &self.backend {
            Backend::InProcess(table) => check_in_process(&self.path, table, &bytes),
            Backend::Isolated => {
                let out = run_worker("check", &self.path, &bytes)?;
                serde_json::from_slice(&out).map_err(|e| {
                    format!(
                        "plugin `{}` answered something rolecall cannot read: {e}",
                        shown(&self.path)
                    )
                })
            }
        }
    }

    /// The plugin's rules, as rules of this process. They live as long as the
    /// process (the library is never unloaded either).
    pub fn rules(self: &Arc<Self>) -> Vec<&'static dyn Rule> {
        self.manifest
            .rules
            .iter()
            .map(|r| {
                let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
                    code: Box::leak(format!("{}/{}", self.manifest.name, r.code).into_boxed_str()),
                    name: Box::leak(r.name.clone().into_boxed_str()),
                    category: r.category,
                    default_severity: r.severity,
                    summary: Box::leak(r.summary.clone().into_boxed_str()),
                    docs: Box::leak(r.docs.clone().into_boxed_str()),
                }));
                let rule: &'static dyn Rule = Box::leak(Box::new(PluginRule {
                    meta,
                    plugin: Arc::clone(self),
                    local_code: r.code.clone(),
                }));
                rule
            })
            .collect()
    }
}

/// One rule of a plugin, seen by the engine like any other.
struct PluginRule {
    meta: &'static RuleMeta,
    plugin: Arc<Plugin>,
    local_code: String,
}

impl Rule for PluginRule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    fn check_account(&self, cx: &Context<'_>, out: &mut Findings) {
        let account = match self.plugin.account.get_or_init(|| cx.account.to_wire()) {
            Ok(account) => account.clone(),
            Err(message) => {
                out.error(message.clone());
                return;
            }
        };
        let request = CheckRequest {
            rules: vec![self.local_code.clone()],
            options: [(self.local_code.clone(), cx.options.clone())]
                .into_iter()
                .collect(),
            account,
        };
        match self.plugin.check(&request) {
            Ok(response) => {
                // Lines and columns of the plugin's locations are added by
                // the engine, with every other finding's.
                for mut finding in response.findings {
                    finding.code = std::borrow::Cow::Borrowed(self.meta.code);
                    finding.source = self.plugin.manifest.name.clone().into();
                    out.push(finding);
                }
                for error in response.errors {
                    out.error(format!(
                        "plugin `{}`: {}",
                        self.plugin.manifest.name, error.message
                    ));
                }
            }
            Err(message) => out.error(message),
        }
    }
}

/// Loads every plugin; returns their rules and the errors of those that
/// failed (the others still run).
pub fn load_all(
    paths: &[PathBuf],
    isolate: bool,
    builtin: &[&'static dyn Rule],
) -> (Vec<&'static dyn Rule>, Vec<String>) {
    let mut rules: Vec<&'static dyn Rule> = Vec::new();
    let mut errors = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for path in paths {
        match Plugin::load(path, isolate) {
            Ok(plugin) => {
                if names.contains(&plugin.manifest.name) {
                    errors.push(format!(
                        "plugin `{}` is named `{}` like a plugin loaded before; its rules are not loaded",
                        shown(path),
                        plugin.manifest.name
                    ));
                    continue;
                }
                names.push(plugin.manifest.name.clone());
                let plugin = Arc::new(plugin);
                for rule in plugin.rules() {
                    if builtin
                        .iter()
                        .chain(rules.iter())
                        .any(|r| r.meta().code == rule.meta().code)
                    {
                        errors.push(format!(
                            "plugin `{}`: the rule code `{}` is already taken",
                            shown(path),
                            rule.meta().code
                        ));
                        continue;
                    }
                    rules.push(rule);
                }
            }
            Err(message) => errors.push(message),
        }
    }
    (rules, errors)
}
