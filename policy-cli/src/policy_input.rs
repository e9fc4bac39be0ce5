//! Reading the policy files named on the command line.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context as _};
use policy_core::diagnostic::json_error_message;
use policy_core::eval::{CompiledPolicy, PolicyKind};
use policy_core::policy::find_document;

use crate::explain::PolicySource;

/// A compiled policy with the file it came from.
pub struct LoadedPolicy {
    pub policy: Arc<CompiledPolicy>,
    pub source: PolicySource,
}

/// Reads and compiles the policy in `path`: a bare document, or the output
/// of a command that prints one (`lambda get-policy`, `iam get-policy-version`,
/// `iam get-role-policy`, `iam get-role`).
pub fn load(path: &Path, kind: PolicyKind) -> anyhow::Result<LoadedPolicy> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{shown}`"))?;
    if text.trim().is_empty() {
        return Err(anyhow!(
            "`{shown}` is empty; it should hold a policy document"
        ));
    }
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "`{shown}` is not valid JSON: {} at line {}, column {}",
            json_error_message(&e),
            e.line(),
            policy_core::locate::json_error_column(&text, &e)
        )
    })?;
    let found = find_document(&value).map_err(|e| anyhow!("`{shown}`: {e}"))?;
    let policy = CompiledPolicy::from_value(&found.document, kind);
    Ok(LoadedPolicy {
        policy: Arc::new(policy),
        source: PolicySource {
            file: shown,
            text: text.into(),
            pointer: found.pointer,
            encoding: found.encoding,
        },
    })
}
