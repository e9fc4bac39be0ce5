//! Reads the generated file (`cargo xtask catalog`) into the catalog's
//! in-memory form, checking every index and every ordering the lookups rely
//! on, so that a damaged file is an error and never a panic later.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{
    cmp_ignore_case, ActionData, Catalog, CatalogError, CatalogSource, KeyData, KeyTemplate,
    ResourceTypeData, ServiceData, Span,
};
use crate::catalog::{AccessLevel, ConditionKeyType};
use crate::glob::{Case, Glob, Token};

/// The layout of the generated file this module reads.
const FORMAT: u32 = 1;

// The generated file's layout (see `xtask/src/catalog.rs`). The JSON arrays
// of the compact layout read into tuple structs; names are borrowed from
// the decompressed text where they have no escapes, and copied once into
// the catalog's text.

#[derive(Deserialize)]
struct File<'a> {
    format: u32,
    source: CatalogSource,
    /// Sorted by ASCII-lower-case name.
    #[serde(borrow)]
    condition_keys: Vec<FileKey<'a>>,
    /// Sorted by ASCII-lower-case prefix.
    #[serde(borrow)]
    services: Vec<FileService<'a>>,
}

/// `[name, type or null]`.
#[derive(Deserialize)]
struct FileKey<'a>(#[serde(borrow)] Cow<'a, str>, Option<ConditionKeyType>);

#[derive(Deserialize)]
struct FileService<'a> {
    #[serde(borrow)]
    prefix: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    condition_keys: Vec<u32>,
    #[serde(borrow)]
    resource_types: Vec<FileResourceType<'a>>,
    /// Sorted by ASCII-lower-case name.
    #[serde(borrow)]
    actions: Vec<FileAction<'a>>,
}

/// `[name, ARN pattern, [condition key]]`.
#[derive(Deserialize)]
struct FileResourceType<'a>(
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    Vec<u32>,
);

/// `[name, access level, [[resource type, required]], [condition key]]`.
#[derive(Deserialize)]
struct FileAction<'a>(
    #[serde(borrow)] Cow<'a, str>,
    AccessLevel,
    Vec<(u32, bool)>,
    Vec<u32>,
);

fn invalid(message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid(message.into())
}

fn index(n: usize) -> Result<u32, CatalogError> {
    u32::try_from(n).map_err(|_| invalid("too many entries"))
}

impl Catalog {
    /// Decodes the gzip-compressed JSON layout (see [`Catalog::from_json`]).
    #[cfg(test)]
    pub(super) fn from_gzip(bytes: &[u8]) -> Result<Catalog, CatalogError> {
        let json =
            crate::gzip::gunzip(bytes).map_err(|e| CatalogError::Decompress(e.to_string()))?;
        Catalog::from_json(&json)
    }

    /// Builds a catalog from the JSON layout `cargo xtask catalog` reduces
    /// the data set to, checking every index and every order the lookups
    /// rely on. The embedded catalog is this catalog in its binary form
    /// ([`Catalog::to_binary`]).
    pub fn from_json(json: &[u8]) -> Result<Catalog, CatalogError> {
        let file: File<'_> = serde_json::from_slice(json).map_err(|e| invalid(e.to_string()))?;
        if file.format != FORMAT {
            return Err(invalid(format!(
                "format {}, but this build reads format {FORMAT}",
                file.format
            )));
        }
        // The names take about a third of the file.
        Builder {
            text: String::with_capacity(json.len() / 2),
            ..Builder::default()
        }
        .build(file)
    }
}

#[derive(Default)]
struct Builder {
    text: String,
    keys: Vec<KeyData>,
    services: Vec<ServiceData>,
    actions: Vec<ActionData>,
    resource_types: Vec<ResourceTypeData>,
    action_resources: Vec<(u32, bool)>,
    key_refs: Vec<u32>,
}

impl Builder {
    fn build(mut self, file: File<'_>) -> Result<Catalog, CatalogError> {
        self.read_keys(file.condition_keys)?;
        let templates = templates(&self.keys, &self.text)?;
        let services = file.services;
        self.services.reserve(services.len());
        let action_count = services.iter().map(|s| s.actions.len()).sum();
        self.actions.reserve(action_count);
        for (i, service) in services.into_iter().enumerate() {
            self.add_service(index(i)?, service)?;
        }
        if let Some(pair) = self.services.windows(2).find(|pair| {
            cmp_ignore_case(self.str(pair[0].prefix), self.str(pair[1].prefix)).is_ge()
        }) {
            return Err(invalid(format!(
                "service `{}` is out of order or listed twice",
                self.str(pair[1].prefix)
            )));
        }
        Ok(Catalog {
            source: file.source,
            text: std::borrow::Cow::Owned(self.text),
            keys: self.keys,
            templates,
            services: self.services,
            actions: self.actions,
            resource_types: self.resource_types,
            action_resources: self.action_resources,
            key_refs: self.key_refs,
            arn_index: OnceLock::new(),
            arn_patterns: Default::default(),
            wildcard_patterns: Default::default(),
            service_index: Default::default(),
            type_shapes: Default::default(),
            action_index: Default::default(),
            suggestions: Default::default(),
            label: Default::default(),
        })
    }

    /// Appends `parts` to the text as one string.
    fn push(&mut self, parts: &[&str]) -> Result<Span, CatalogError> {
        let start = index(self.text.len())?;
        for part in parts {
            self.text.push_str(part);
        }
        Ok(Span::new(start, index(self.text.len())?))
    }

    fn str(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }

    /// The key table, checked to be sorted (so binary search finds every
    /// key).
    fn read_keys(&mut self, entries: Vec<FileKey<'_>>) -> Result<(), CatalogError> {
        self.keys.reserve(entries.len());
        let mut previous: Option<Cow<'_, str>> = None;
        for FileKey(name, key_type) in entries {
            if !name.contains(':') {
                return Err(invalid(format!("`{name}` is not a condition key")));
            }
            if previous
                .as_deref()
                .is_some_and(|p| cmp_ignore_case(p, &name).is_ge())
            {
                return Err(invalid(format!(
                    "condition key `{name}` is out of order or listed twice"
                )));
            }
            let span = self.push(&[&name])?;
            self.keys.push(KeyData {
                name: span,
                key_type,
            });
            previous = Some(name);
        }
        Ok(())
    }

    /// Copies `ids` into the flat key table after checking them.
    fn key_span(
        &mut self,
        ids: Vec<u32>,
        whose: &dyn Fn() -> String,
    ) -> Result<Span, CatalogError> {
        if let Some(bad) = ids.iter().find(|&&id| id as usize >= self.keys.len()) {
            return Err(invalid(format!(
                "{}: condition key {bad} does not exist",
                whose()
            )));
        }
        let start = index(self.key_refs.len())?;
        self.key_refs.extend(ids);
        Ok(Span::new(start, index(self.key_refs.len())?))
    }

    fn add_service(
        &mut self,
        service_index: u32,
        service: FileService<'_>,
    ) -> Result<(), CatalogError> {
        let prefix = service.prefix;
        if prefix.is_empty() || prefix.contains([':', '*', '?']) {
            return Err(invalid(format!("`{prefix}` is not a service prefix")));
        }
        let keys = self.key_span(service.condition_keys, &|| format!("`{prefix}`"))?;
        let prefix_span = self.push(&[&prefix])?;
        let name_span = self.push(&[&service.name])?;

        let first_resource = index(self.resource_types.len())?;
        let resource_count = service.resource_types.len();
        for FileResourceType(name, arn, keys) in service.resource_types {
            if !arn.starts_with("arn:") {
                return Err(invalid(format!(
                    "`{prefix}`: resource type `{name}` has the ARN pattern `{arn}`"
                )));
            }
            let keys = self.key_span(keys, &|| format!("`{prefix}` resource type `{name}`"))?;
            let own_index = index(self.resource_types.len())?;
            let name = self.push(&[&name])?;
            let arn_pattern = self.push(&[&arn])?;
            self.resource_types.push(ResourceTypeData {
                index: own_index,
                service: service_index,
                name,
                arn_pattern,
                keys,
            });
        }
        let resource_types = Span::new(first_resource, index(self.resource_types.len())?);

        let first_action = index(self.actions.len())?;
        let mut previous: Option<Cow<'_, str>> = None;
        for FileAction(name, access, resources, keys) in service.actions {
            if name.is_empty() || name.contains([':', '*', '?']) {
                return Err(invalid(format!(
                    "`{prefix}`: `{name}` is not an action name"
                )));
            }
            if previous
                .as_deref()
                .is_some_and(|p| cmp_ignore_case(p, &name).is_ge())
            {
                return Err(invalid(format!(
                    "`{prefix}:{name}` is out of order or listed twice"
                )));
            }
            if let Some((bad, _)) = resources
                .iter()
                .find(|(r, _)| *r as usize >= resource_count)
            {
                return Err(invalid(format!(
                    "`{prefix}:{name}`: resource type {bad} does not exist"
                )));
            }
            let start = index(self.action_resources.len())?;
            self.action_resources.extend(
                resources
                    .into_iter()
                    .map(|(r, required)| (first_resource + r, required)),
            );
            let resources = Span::new(start, index(self.action_resources.len())?);
            let keys = self.key_span(keys, &|| format!("`{prefix}:{name}`"))?;
            let full_name = self.push(&[&prefix, ":", &name])?;
            let action_name = Span::new(full_name.end - index(name.len())?, full_name.end);
            self.actions.push(ActionData {
                name: full_name,
                action_name,
                service: service_index,
                access,
                resources,
                keys,
            });
            previous = Some(name);
        }
        let actions = Span::new(first_action, index(self.actions.len())?);
        self.services.push(ServiceData {
            prefix: prefix_span,
            name: name_span,
            actions,
            resource_types,
            keys,
        });
        Ok(())
    }
}

/// The templated keys (`aws:ResourceTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`, `kms:EncryptionContext:${EncryptionContextKey}`,
/// `glacier:ResourceTag/`), each compiled to a case-insensitive glob in
/// which a placeholder stands for one or more characters; sorted by the text
/// before the first `:`.
pub(super) fn templates(keys: &[KeyData], text: &str) -> Result<Vec<KeyTemplate>, CatalogError> {
    let mut templates = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let name = text.get(key.name.range()).unwrap_or_default();
        let Some(tokens) = template_tokens(name) else {
            continue;
        };
        let literal_len = tokens
            .iter()
            .map(|t| match t {
                Token::Literal(l) => l.len(),
                _ => 0,
            })
            .sum();
        let service = name
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .into_boxed_str();
        templates.push(KeyTemplate {
            key: index(i)?,
            service,
            glob: Glob::from_tokens(name, tokens, Case::AsciiInsensitive),
            literal_len,
        });
    }
    templates.sort_by(|a, b| a.service.cmp(&b.service).then(a.key.cmp(&b.key)));
    Ok(templates)
}

/// The glob tokens of a templated key, or `None` for a plain key.
fn template_tokens(name: &str) -> Option<Vec<Token>> {
    let one_or_more = [Token::AnyChar, Token::Star];
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut rest = name;
    let mut templated = false;
    while let Some(c) = rest.chars().next() {
        let placeholder_end = match c {
            '$' => rest
                .strip_prefix("${")
                .and_then(|inner| inner.find('}'))
                .map(|close| close + 3),
            '<' => rest.find('>').map(|close| close + 1),
            _ => None,
        };
        match placeholder_end {
            Some(end) => {
                if !literal.is_empty() {
                    tokens.push(Token::Literal(std::mem::take(&mut literal).into()));
                }
                tokens.extend(one_or_more.clone());
                templated = true;
                rest = &rest[end..];
            }
            None => {
                literal.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    // `glacier:ResourceTag/` and `secretsmanager:ResourceTag/tag-key`: the
    // documentation's other ways of writing "any tag key".
    let open_ended = literal.ends_with('/') || literal.ends_with("/tag-key");
    if open_ended && !templated {
        literal.truncate(literal.rfind('/').map_or(literal.len(), |slash| slash + 1));
        tokens.push(Token::Literal(literal.into()));
        tokens.extend(one_or_more);
        return Some(tokens);
    }
    if !templated {
        return None;
    }
    if !literal.is_empty() {
        tokens.push(Token::Literal(literal.into()));
    }
    Some(tokens)
}
