//! `rolecall.toml`: rule selection, severities, options, reviewed
//! suppressions and plugins. Every problem is reported with the file, the
//! line and a suggestion; the valid rest of the file still applies.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use policy_core::glob::{Case, Glob};
use policy_core::lint::{Rule, Severity};
use policy_core::suggest::closest;

/// The configuration after validation.
#[derive(Default)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: HashMap<String, Severity>,
    pub options: HashMap<String, serde_json::Value>,
    pub suppress: Vec<Suppression>,
    pub plugins: Vec<PathBuf>,
}

/// A reviewed exception: findings of `code` on resources matching `resource`.
pub struct Suppression {
    pub code: String,
    pub resource: Glob,
    pub reason: String,
}

/// A problem in the configuration file.
pub struct ConfigError {
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Resolves a code, name or prefix (`EXR`, `RBP006`, `public-invoke`) to the
/// codes it names, or suggests the closest known one.
pub fn resolve_selector(
    selector: &str,
    rules: &[&'static dyn Rule],
) -> Result<Vec<String>, String> {
    let lower = selector.to_ascii_lowercase();
    // By exact code or name, or by a prefix of at least three characters:
    // a family (`EXR`) or a plugin's namespace (`acme`, `acme/`).
    let matches: Vec<String> = rules
        .iter()
        .map(|r| r.meta())
        .filter(|m| {
            let code = m.code.to_ascii_lowercase();
            code == lower || m.name == selector || (lower.len() >= 3 && code.starts_with(&lower))
        })
        .map(|m| m.code.to_owned())
        .collect();
    if !matches.is_empty() {
        return Ok(matches);
    }
    let candidates: Vec<&str> = rules
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .collect();
    Err(match closest(selector, candidates.iter().copied()) {
        Some(s) => format!("unknown rule `{selector}`; did you mean `{s}`?"),
        None => format!("unknown rule `{selector}`; `rolecall rules` lists them"),
    })
}

const TOP_KEYS: &[&str] = &["rules", "suppress", "plugins"];
const RULES_KEYS: &[&str] = &["select", "ignore", "severity", "options"];
const SUPPRESS_KEYS: &[&str] = &["code", "resource", "reason"];

/// Reads and validates a configuration file. Returns the configuration made
/// of every valid part, and the problems found.
pub fn load(path: &Path, rules: &[&'static dyn Rule]) -> (Config, Vec<ConfigError>) {
    let shown = path.display().to_string();
    let mut errors = Vec::new();
    let mut config = Config::default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(ConfigError {
                message: format!("{shown}: cannot read the configuration: {e}"),
                help: None,
            });
            return (config, errors);
        }
    };
    let value: toml::Table = match text.parse() {
        Ok(v) => v,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            errors.push(ConfigError {
                message: format!(
                    "{shown}{}: invalid TOML: {}",
                    line.map(|l| format!(":{l}")).unwrap_or_default(),
                    e.message()
                ),
                help: None,
            });
            return (config, errors);
        }
    };
    let mut error = |needle: &str, message: String, help: Option<String>| {
        let at = line_of(&text, needle)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        errors.push(ConfigError {
            message: format!("{shown}{at}: {message}"),
            help,
        });
    };
    let unknown_key = |key: &str, known: &[&str]| -> Option<String> {
        Some(match closest(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the keys here are {}", known.join(", ")),
        })
    };
    for key in value.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            error(
                key,
                format!("unknown key `{key}`"),
                unknown_key(key, TOP_KEYS),
            );
        }
    }
    let codes = |list: &toml::Value,
                 what: &str,
                 error: &mut dyn FnMut(&str, String, Option<String>)|
     -> Vec<String> {
        let mut out = Vec::new();
        for item in list.as_array().map(Vec::as_slice).unwrap_or_default() {
            match item.as_str() {
                Some(selector) => match resolve_selector(selector, rules) {
                    Ok(found) => out.extend(found),
                    Err(message) => error(selector, format!("in `{what}`: {message}"), None),
                },
                None => error(
                    what,
                    format!("`{what}` must list rule codes or names as strings"),
                    None,
                ),
            }
        }
        out
    };
    if let Some(section) = value.get("rules") {
        match section.as_table() {
            Some(table) => {
                for key in table.keys() {
                    if !RULES_KEYS.contains(&key.as_str()) {
                        error(
                            key,
                            format!("unknown key `rules.{key}`"),
                            unknown_key(key, RULES_KEYS),
                        );
                    }
                }
                if let Some(list) = table.get("select") {
                    config.select = codes(list, "select", &mut error);
                }
                if let Some(list) = table.get("ignore") {
                    config.ignore = codes(list, "ignore", &mut error);
                }
                if let Some(severity) = table.get("severity").and_then(toml::Value::as_table) {
                    for (selector, level) in severity {
                        let level_text = level.as_str().unwrap_or_default();
                        let Some(level) = Severity::parse(level_text) else {
                            error(selector, format!("severity of `{selector}` must be `error`, `warning` or `info`, found `{level}`"), None);
                            continue;
                        };
                        match resolve_selector(selector, rules) {
                            Ok(found) => {
                                for code in found {
                                    config.severity.insert(code, level);
                                }
                            }
                            Err(message) => {
                                error(selector, format!("in `severity`: {message}"), None)
                            }
                        }
                    }
                }
                if let Some(options) = table.get("options").and_then(toml::Value::as_table) {
                    for (selector, table) in options {
                        match resolve_selector(selector, rules) {
                            Ok(found) if found.len() == 1 => {
                                let json =
                                    serde_json::to_value(table).unwrap_or(serde_json::Value::Null);
                                config.options.insert(found[0].clone(), json);
                            }
                            Ok(_) => error(
                                selector,
                                format!("options must name one rule, `{selector}` names several"),
                                None,
                            ),
                            Err(message) => {
                                error(selector, format!("in `options`: {message}"), None)
                            }
                        }
                    }
                }
            }
            None => error(
                "rules",
                "`rules` must be a table".to_owned(),
                Some("write `[rules]`".to_owned()),
            ),
        }
    }
    if let Some(list) = value.get("suppress").and_then(toml::Value::as_array) {
        for entry in list {
            let Some(table) = entry.as_table() else {
                continue;
            };
            for key in table.keys() {
                if !SUPPRESS_KEYS.contains(&key.as_str()) {
                    error(
                        key,
                        format!("unknown key `suppress.{key}`"),
                        unknown_key(key, SUPPRESS_KEYS),
                    );
                }
            }
            let code = table
                .get("code")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            let resource = table
                .get("resource")
                .and_then(toml::Value::as_str)
                .unwrap_or("*");
            let reason = table
                .get("reason")
                .and_then(toml::Value::as_str)
                .unwrap_or_default()
                .trim();
            let codes = match resolve_selector(code, rules) {
                Ok(found) => found,
                Err(message) => {
                    error(
                        if code.is_empty() {
                            "[[suppress]]"
                        } else {
                            code
                        },
                        format!("in `[[suppress]]`: {message}"),
                        None,
                    );
                    continue;
                }
            };
            if reason.is_empty() {
                error(
                    code,
                    format!("the suppression of `{code}` has no reason"),
                    Some("add `reason = \"…\"`: a reviewed exception says why".to_owned()),
                );
                continue;
            }
            for code in codes {
                config.suppress.push(Suppression {
                    code,
                    resource: Glob::new(resource, Case::Sensitive),
                    reason: reason.to_owned(),
                });
            }
        }
    }
    if let Some(list) = value.get("plugins").and_then(toml::Value::as_array) {
        let base = path.parent().unwrap_or(Path::new("."));
        config.plugins = list
            .iter()
            .filter_map(toml::Value::as_str)
            .map(|p| base.join(p))
            .collect();
    }
    (config, errors)
}

/// The `plugins` of a configuration file, read before the rest (the rest is
/// validated against the plugins' rules too). Problems are reported by [`load`].
pub fn plugin_paths(path: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(value) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let base = path.parent().unwrap_or(Path::new("."));
    value
        .get("plugins")
        .and_then(toml::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(toml::Value::as_str)
                .map(|p| base.join(p))
                .collect()
        })
        .unwrap_or_default()
}
