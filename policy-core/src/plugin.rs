//! The rule plugin ABI, shared by the host (`rolecall`) and plugins.
//!
//! A plugin is a `cdylib` exporting one symbol, [`SYMBOL`], a function
//! returning a pointer to a `#[repr(C)]` [`PluginTable`]. No Rust type
//! crosses the boundary: the manifest, the request (the account model,
//! serialized once per plugin per run) and the findings cross as JSON in
//! byte buffers the plugin allocates and frees. So a plugin built by another
//! compiler version loads, and the handshake (magic, ABI major/minor, table
//! size) tells early and clearly when it cannot.
//!
//! Plugin authors write ordinary [`Rule`]s and call
//! [`export_plugin!`](crate::export_plugin), which generates the C glue with
//! `catch_unwind` in every entry point. This module has no `unsafe` code;
//! the macro's expansion in the plugin crate does (dereferencing the
//! buffers), and the host's loader does.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lint::{self, Category, Finding, Rule, RuleError, RuleSelection, Severity};
use crate::model::Account;

/// The exported symbol (NUL-terminated for the loader).
pub const SYMBOL: &[u8] = b"rolecall_plugin_v1\0";
/// The first bytes of every table.
pub const MAGIC: [u8; 8] = *b"RLCLPLG1";
/// Incompatible ABI changes bump the major version: the host refuses other majors.
pub const ABI_MAJOR: u16 = 1;
/// Compatible additions bump the minor version: the host loads plugins
/// whose minor is at most its own.
pub const ABI_MINOR: u16 = 0;
/// Flag: the plugin was built with `panic = "unwind"` (panics are caught).
pub const FLAG_PANIC_UNWIND: u32 = 1;

/// Bytes handed across the boundary; allocated and freed by the plugin.
#[repr(C)]
#[derive(Debug)]
pub struct PluginBuffer {
    /// Start of the bytes.
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// Allocated capacity (for the plugin's `free`).
    pub cap: usize,
}

/// `manifest(out)`: writes the manifest JSON; returns 0 on success.
pub type ManifestFn = extern "C" fn(out: *mut PluginBuffer) -> i32;
/// `check(request, len, out)`: runs rules on the request JSON, writes the
/// response JSON; returns 0 on success.
pub type CheckFn = extern "C" fn(request: *const u8, len: usize, out: *mut PluginBuffer) -> i32;
/// `free(buffer)`: releases a buffer the plugin wrote.
pub type FreeFn = extern "C" fn(buffer: PluginBuffer);
/// The exported entry point.
pub type EntryFn = extern "C" fn() -> *const PluginTable;

/// The table a plugin exports. Fields are only ever appended (minor bump);
/// `size` tells the host how much of it the plugin has.
#[repr(C)]
pub struct PluginTable {
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// `size_of::<PluginTable>()` as built into the plugin.
    pub size: u32,
    /// [`ABI_MAJOR`] the plugin was built with.
    pub abi_major: u16,
    /// [`ABI_MINOR`] the plugin was built with.
    pub abi_minor: u16,
    /// [`FLAG_PANIC_UNWIND`], …
    pub flags: u32,
    /// Writes the manifest.
    pub manifest: ManifestFn,
    /// Runs rules.
    pub check: CheckFn,
    /// Frees a buffer.
    pub free: FreeFn,
}

/// One rule as a plugin declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRule {
    /// The code inside the plugin (`BND001`); the host shows `plugin/BND001`.
    pub code: String,
    /// The rule's name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// One-line summary.
    pub summary: String,
    /// Documentation (Markdown).
    pub docs: String,
}

/// What a plugin says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The plugin's name (namespaces its codes).
    pub name: String,
    /// The plugin's version.
    pub version: String,
    /// The version of policy-core it was built with.
    pub policy_core: String,
    /// Its rules.
    pub rules: Vec<ManifestRule>,
}

/// What the host asks.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckRequest {
    /// The codes (without namespace) to run.
    pub rules: Vec<String>,
    /// Options by code (without namespace).
    #[serde(default)]
    pub options: HashMap<String, Value>,
    /// The account model ([`Account::to_wire`]), passed through as text.
    pub account: Box<serde_json::value::RawValue>,
}

/// What the plugin answers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CheckResponse {
    /// Findings, with codes without namespace.
    pub findings: Vec<Finding>,
    /// Rules that panicked (reported, skipped, and the run is incomplete).
    pub errors: Vec<RuleError>,
}

/// Builds the manifest of a plugin's rules (plugin side).
pub fn manifest(name: &str, version: &str, rules: &[&'static dyn Rule]) -> Manifest {
    Manifest {
        name: name.to_owned(),
        version: version.to_owned(),
        policy_core: env!("CARGO_PKG_VERSION").to_owned(),
        rules: rules
            .iter()
            .map(|r| {
                let m = r.meta();
                ManifestRule {
                    code: m.code.to_owned(),
                    name: m.name.to_owned(),
                    category: m.category,
                    severity: m.default_severity,
                    summary: m.summary.to_owned(),
                    docs: m.docs.to_owned(),
                }
            })
            .collect(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked".to_owned()
    }
}

/// Runs a plugin's rules on a request (plugin side): each rule separately
/// inside `catch_unwind`, so a panicking rule is reported and the others
/// still run.
pub fn run_request(rules: &[&'static dyn Rule], request: &[u8]) -> CheckResponse {
    let request: CheckRequest = match serde_json::from_slice(request) {
        Ok(r) => r,
        Err(e) => {
            return CheckResponse {
                findings: Vec::new(),
                errors: vec![RuleError {
                    rule: "*".to_owned(),
                    message: format!("the request is not readable: {e}"),
                }],
            }
        }
    };
    let account = match Account::from_wire(&request.account) {
        Ok(a) => a,
        Err(message) => {
            return CheckResponse {
                findings: Vec::new(),
                errors: vec![RuleError {
                    rule: "*".to_owned(),
                    message,
                }],
            };
        }
    };
    let mut response = CheckResponse::default();
    // A panicking rule is reported in the response; keep the default hook
    // from also printing it (and a backtrace) on the host's terminal.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for rule in rules
        .iter()
        .filter(|r| request.rules.iter().any(|c| c == r.meta().code))
    {
        let code = rule.meta().code;
        let selection = RuleSelection {
            rules: vec![*rule],
            options: request
                .options
                .get(code)
                .map(|o| (code.to_owned(), o.clone()))
                .into_iter()
                .collect(),
            ..RuleSelection::default()
        };
        match catch_unwind(AssertUnwindSafe(|| lint::run(&account, &selection))) {
            Ok(output) => {
                response.findings.extend(output.findings);
                response.errors.extend(output.errors);
            }
            Err(payload) => response.errors.push(RuleError {
                rule: code.to_owned(),
                message: format!("panicked: {}", panic_message(payload.as_ref())),
            }),
        }
    }
    std::panic::set_hook(previous_hook);
    response
}

/// Exports a rule plugin: generates the table, the `extern "C"` entry points
/// (each wrapped in `catch_unwind`) and the exported symbol.
///
/// ```ignore
/// policy_core::export_plugin! {
///     name: "acme",
///     rules: [RequirePermissionsBoundary, InvokeOnlyFromOrg],
/// }
/// ```
#[macro_export]
macro_rules! export_plugin {
    (name: $name:literal, rules: [$($rule:expr),* $(,)?] $(,)?) => {
        #[allow(unsafe_code)]
        mod __rolecall_plugin {
            use super::*;
            use $crate::plugin::{PluginBuffer, PluginTable};

            fn rules() -> ::std::vec::Vec<&'static dyn $crate::lint::Rule> {
                ::std::vec![$(&$rule as &'static dyn $crate::lint::Rule),*]
            }

            fn write(out: *mut PluginBuffer, bytes: ::std::vec::Vec<u8>) -> i32 {
                if out.is_null() {
                    return 2;
                }
                let mut bytes = ::std::mem::ManuallyDrop::new(bytes);
                let buffer = PluginBuffer { ptr: bytes.as_mut_ptr(), len: bytes.len(), cap: bytes.capacity() };
                // SAFETY: the host passes a valid, writable `PluginBuffer`.
                unsafe { out.write(buffer) };
                0
            }

            extern "C" fn manifest(out: *mut PluginBuffer) -> i32 {
                let result = ::std::panic::catch_unwind(|| {
                    let manifest = $crate::plugin::manifest($name, env!("CARGO_PKG_VERSION"), &rules());
                    $crate::serde_json::to_vec(&manifest).unwrap_or_default()
                });
                match result {
                    Ok(bytes) => write(out, bytes),
                    Err(_) => 1,
                }
            }

            extern "C" fn check(request: *const u8, len: usize, out: *mut PluginBuffer) -> i32 {
                if request.is_null() {
                    return 2;
                }
                // SAFETY: the host passes `len` readable bytes at `request`.
                let input = unsafe { ::std::slice::from_raw_parts(request, len) };
                let result = ::std::panic::catch_unwind(|| {
                    let response = $crate::plugin::run_request(&rules(), input);
                    $crate::serde_json::to_vec(&response).unwrap_or_default()
                });
                match result {
                    Ok(bytes) => write(out, bytes),
                    Err(_) => 1,
                }
            }

            extern "C" fn free(buffer: PluginBuffer) {
                if buffer.ptr.is_null() {
                    return;
                }
                // SAFETY: the buffer was made by `write` from a Vec with this
                // pointer, length and capacity, and is freed once.
                drop(unsafe { ::std::vec::Vec::from_raw_parts(buffer.ptr, buffer.len, buffer.cap) });
            }

            static TABLE: PluginTable = PluginTable {
                magic: $crate::plugin::MAGIC,
                size: ::std::mem::size_of::<PluginTable>() as u32,
                abi_major: $crate::plugin::ABI_MAJOR,
                abi_minor: $crate::plugin::ABI_MINOR,
                flags: $crate::plugin::FLAG_PANIC_UNWIND,
                manifest,
                check,
                free,
            };

            #[no_mangle]
            pub extern "C" fn rolecall_plugin_v1() -> *const PluginTable {
                &TABLE
            }
        }
    };
}
