//! The catalog's embedded form: its tables written as they are in memory
//! (little-endian `u32`s and bytes), so that decoding is copying and
//! checking, not parsing. `cargo xtask catalog` builds the catalog from the
//! data set's JSON with the checked decoder of `decode.rs`, then writes it
//! with [`Catalog::to_binary`].
//!
//! Every run that lints a policy needs the catalog: reading 1.4 MB of
//! compressed JSON took about 10 ms of CPU before the first rule could run;
//! this takes well under one. A damaged file is an error, never a panic:
//! every span is checked against its table and every order the lookups rely
//! on is checked again ([`check`]).

use std::borrow::Cow;

use super::{
    cmp_ignore_case, ActionData, Catalog, CatalogError, CatalogSource, KeyData, ResourceTypeData,
    ServiceData, Span,
};
use crate::catalog::{AccessLevel, ConditionKeyType};

/// The first bytes of the file.
const MAGIC: &[u8; 8] = b"RCATALOG";
/// The layout this module writes and reads.
const FORMAT: u32 = 2;

/// The access levels by their number in the file.
const ACCESS_LEVELS: [AccessLevel; 5] = [
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

/// The condition key types by their number in the file (`NO_TYPE`: none).
const KEY_TYPES: [ConditionKeyType; 15] = [
    ConditionKeyType::String,
    ConditionKeyType::Arn,
    ConditionKeyType::Numeric,
    ConditionKeyType::Date,
    ConditionKeyType::Bool,
    ConditionKeyType::IpAddress,
    ConditionKeyType::Binary,
    ConditionKeyType::DateOrNumeric,
    ConditionKeyType::ArrayOfString,
    ConditionKeyType::ArrayOfArn,
    ConditionKeyType::ArrayOfNumeric,
    ConditionKeyType::ArrayOfDate,
    ConditionKeyType::ArrayOfBool,
    ConditionKeyType::ArrayOfIpAddress,
    ConditionKeyType::ArrayOfBinary,
];
const NO_TYPE: u8 = u8::MAX;

fn invalid(message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid(message.into())
}

/// The number of a value in one of the tables above.
fn number_of<T: PartialEq>(table: &[T], value: &T) -> u8 {
    // Both tables list every variant (the decoder's test reads every value
    // back), and hold fewer than 255.
    table
        .iter()
        .position(|v| v == value)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(NO_TYPE)
}

impl Catalog {
    /// The catalog in the embedded layout (see the module documentation).
    pub fn to_binary(&self) -> Vec<u8> {
        let mut out = Writer(Vec::with_capacity(self.text.len() * 3));
        out.0.extend_from_slice(MAGIC);
        out.u32(FORMAT);
        let s = &self.source;
        for field in [&s.name, &s.version, &s.sha256, &s.date, &s.license, &s.file] {
            out.bytes(field.as_bytes());
        }
        out.bytes(self.text.as_bytes());
        out.len(self.keys.len());
        for key in &self.keys {
            out.span(key.name);
            out.u8(key.key_type.map_or(NO_TYPE, |t| number_of(&KEY_TYPES, &t)));
        }
        out.len(self.services.len());
        for service in &self.services {
            for span in [
                service.prefix,
                service.name,
                service.actions,
                service.resource_types,
                service.keys,
            ] {
                out.span(span);
            }
        }
        out.len(self.actions.len());
        for action in &self.actions {
            out.span(action.name);
            out.span(action.action_name);
            out.u32(action.service);
            out.u8(number_of(&ACCESS_LEVELS, &action.access));
            out.span(action.resources);
            out.span(action.keys);
        }
        out.len(self.resource_types.len());
        for resource_type in &self.resource_types {
            out.u32(resource_type.service);
            out.span(resource_type.name);
            out.span(resource_type.arn_pattern);
            out.span(resource_type.keys);
        }
        out.len(self.action_resources.len());
        for &(resource_type, required) in &self.action_resources {
            out.u32(resource_type);
            out.u8(u8::from(required));
        }
        out.len(self.key_refs.len());
        for &key in &self.key_refs {
            out.u32(key);
        }
        out.0
    }

    /// Reads [`Catalog::to_binary`]'s output, checking it as it goes (the
    /// tests' way in: the program reads only the embedded file).
    #[cfg(test)]
    pub(super) fn from_binary(bytes: &[u8]) -> Result<Catalog, CatalogError> {
        Catalog::read_binary(bytes, |text| Cow::Owned(text.to_owned()))
    }

    /// [`Catalog::from_binary`] of bytes that live as long as the program
    /// (the embedded file): the text is read in place, not copied.
    pub(super) fn from_embedded(bytes: &'static [u8]) -> Result<Catalog, CatalogError> {
        Catalog::read_binary(bytes, Cow::Borrowed)
    }

    fn read_binary<'b>(
        bytes: &'b [u8],
        keep: impl FnOnce(&'b str) -> Cow<'static, str>,
    ) -> Result<Catalog, CatalogError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(invalid("it is not a rolecall catalog file"));
        }
        let format = r.u32()?;
        if format != FORMAT {
            return Err(invalid(format!(
                "format {format}, but this build reads format {FORMAT}"
            )));
        }
        let source = CatalogSource {
            name: r.string()?,
            version: r.string()?,
            sha256: r.string()?,
            date: r.string()?,
            license: r.string()?,
            file: r.string()?,
        };
        let text = keep(r.str()?);
        let keys = r.list(9, |r| {
            let name = r.span()?;
            let key_type =
                match r.u8()? {
                    NO_TYPE => None,
                    n => Some(*KEY_TYPES.get(usize::from(n)).ok_or_else(|| {
                        invalid(format!("condition key type {n} does not exist"))
                    })?),
                };
            Ok(KeyData { name, key_type })
        })?;
        let services = r.list(40, |r| {
            Ok(ServiceData {
                prefix: r.span()?,
                name: r.span()?,
                actions: r.span()?,
                resource_types: r.span()?,
                keys: r.span()?,
            })
        })?;
        let actions = r.list(37, |r| {
            Ok(ActionData {
                name: r.span()?,
                action_name: r.span()?,
                service: r.u32()?,
                access: {
                    let n = r.u8()?;
                    *ACCESS_LEVELS
                        .get(usize::from(n))
                        .ok_or_else(|| invalid(format!("access level {n} does not exist")))?
                },
                resources: r.span()?,
                keys: r.span()?,
            })
        })?;
        let mut position = 0u32;
        let resource_types = r.list(28, |r| {
            let data = ResourceTypeData {
                index: position,
                service: r.u32()?,
                name: r.span()?,
                arn_pattern: r.span()?,
                keys: r.span()?,
            };
            position += 1;
            Ok(data)
        })?;
        let action_resources = r.list(5, |r| Ok((r.u32()?, r.u8()? != 0)))?;
        let key_refs = r.list(4, Reader::u32)?;
        if r.at != bytes.len() {
            return Err(invalid("there are bytes after the last table"));
        }
        let templates = super::decode::templates(&keys, &text)?;
        let catalog = Catalog {
            source,
            text,
            keys,
            templates,
            services,
            actions,
            resource_types,
            action_resources,
            key_refs,
            arn_index: Default::default(),
            arn_patterns: Default::default(),
            wildcard_patterns: Default::default(),
            service_index: Default::default(),
            type_shapes: Default::default(),
            action_index: Default::default(),
            suggestions: Default::default(),
            label: Default::default(),
        };
        check(&catalog)?;
        Ok(catalog)
    }
}

/// Checks what the lookups rely on: spans inside their tables and on
/// character boundaries of the text, indexes that exist, names sorted
/// ignoring ASCII case (binary search finds every one) and well formed.
fn check(c: &Catalog) -> Result<(), CatalogError> {
    let text = |span: Span, what: &dyn Fn() -> String| -> Result<&str, CatalogError> {
        c.text
            .get(span.range())
            .ok_or_else(|| invalid(format!("{}: text out of range", what())))
    };
    let within = |span: Span, len: usize, what: &dyn Fn() -> String| {
        if span.start <= span.end && span.end as usize <= len {
            Ok(())
        } else {
            Err(invalid(format!("{}: table range out of bounds", what())))
        }
    };
    let mut previous: Option<&str> = None;
    for (i, key) in c.keys.iter().enumerate() {
        let name = text(key.name, &|| format!("condition key {i}"))?;
        if !name.contains(':') || previous.is_some_and(|p| cmp_ignore_case(p, name).is_ge()) {
            return Err(invalid(format!(
                "condition key `{name}` is malformed, out of order or listed twice"
            )));
        }
        previous = Some(name);
    }
    if let Some(bad) = c.key_refs.iter().find(|&&k| k as usize >= c.keys.len()) {
        return Err(invalid(format!("condition key {bad} does not exist")));
    }
    if let Some(bad) = c
        .action_resources
        .iter()
        .find(|(r, _)| *r as usize >= c.resource_types.len())
    {
        return Err(invalid(format!("resource type {} does not exist", bad.0)));
    }
    for (i, resource_type) in c.resource_types.iter().enumerate() {
        let what = || format!("resource type {i}");
        text(resource_type.name, &what)?;
        if !text(resource_type.arn_pattern, &what)?.starts_with("arn:")
            || resource_type.service as usize >= c.services.len()
        {
            return Err(invalid(format!("{}: malformed", what())));
        }
        within(resource_type.keys, c.key_refs.len(), &what)?;
    }
    let mut previous: Option<&str> = None;
    // The services' actions, end to end, are the action table: every action
    // is checked below, under its service.
    let mut next_action = 0;
    for (i, service) in c.services.iter().enumerate() {
        let prefix = text(service.prefix, &|| format!("service {i}"))?;
        let what = || format!("service `{prefix}`");
        next_in_order(prefix, &mut previous, &what)?;
        text(service.name, &what)?;
        within(service.actions, c.actions.len(), &what)?;
        if service.actions.start != next_action {
            return Err(invalid(format!("{}: actions out of order", what())));
        }
        next_action = service.actions.end;
        within(service.resource_types, c.resource_types.len(), &what)?;
        // A service's resource types are its own, as its actions' are.
        if c.resource_types[service.resource_types.range()]
            .iter()
            .any(|t| t.service as usize != i)
        {
            return Err(invalid(format!("{}: resource types out of place", what())));
        }
        within(service.keys, c.key_refs.len(), &what)?;
        let mut previous_action: Option<&str> = None;
        for action in &c.actions[service.actions.range()] {
            let full = text(action.name, &what)?;
            let name = text(action.action_name, &what)?;
            let what = || format!("action `{full}`");
            let named = full.len() == prefix.len() + 1 + name.len()
                && full.starts_with(prefix)
                && full.ends_with(name)
                && full.as_bytes().get(prefix.len()) == Some(&b':');
            if action.service as usize != i || !named {
                return Err(invalid(format!("{}: not in its service", what())));
            }
            next_in_order(name, &mut previous_action, &what)?;
            within(action.resources, c.action_resources.len(), &what)?;
            if c.action_resources[action.resources.range()]
                .iter()
                .any(|&(t, _)| !service.resource_types.range().contains(&(t as usize)))
            {
                return Err(invalid(format!(
                    "{}: a resource type of another service",
                    what()
                )));
            }
            within(action.keys, c.key_refs.len(), &what)?;
        }
    }
    if next_action as usize != c.actions.len() {
        return Err(invalid("actions outside every service"));
    }
    Ok(())
}

/// Checks a service prefix or an action name: not empty, no `:` or
/// wildcard, and after the previous one ignoring ASCII case (so binary
/// search finds it).
fn next_in_order<'t>(
    name: &'t str,
    previous: &mut Option<&'t str>,
    what: &dyn Fn() -> String,
) -> Result<(), CatalogError> {
    if name.is_empty()
        || name.bytes().any(|b| matches!(b, b':' | b'*' | b'?'))
        || previous.is_some_and(|p| cmp_ignore_case(p, name).is_ge())
    {
        return Err(invalid(format!(
            "{}: malformed, out of order or listed twice",
            what()
        )));
    }
    *previous = Some(name);
    Ok(())
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, n: u8) {
        self.0.push(n);
    }

    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    /// A table's length; tables are far below 2^32 entries (every index in
    /// the catalog is a `u32`).
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    fn span(&mut self, span: Span) {
        self.u32(span.start);
        self.u32(span.end);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.len(bytes.len());
        self.0.extend_from_slice(bytes);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CatalogError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| invalid("the file ends early"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u8(&mut self) -> Result<u8, CatalogError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, CatalogError> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn span(&mut self) -> Result<Span, CatalogError> {
        Ok(Span::new(self.u32()?, self.u32()?))
    }

    fn str(&mut self) -> Result<&'a str, CatalogError> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| invalid("a text is not UTF-8"))
    }

    fn string(&mut self) -> Result<String, CatalogError> {
        self.str().map(str::to_owned)
    }

    /// A table of `count` records of `size` bytes each: the count is checked
    /// against the bytes left before anything is allocated for it.
    fn list<T>(
        &mut self,
        size: usize,
        mut read: impl FnMut(&mut Self) -> Result<T, CatalogError>,
    ) -> Result<Vec<T>, CatalogError> {
        let count = self.u32()? as usize;
        if count.saturating_mul(size) > self.bytes.len() - self.at {
            return Err(invalid("the file ends early"));
        }
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(read(self)?);
        }
        Ok(out)
    }
}
