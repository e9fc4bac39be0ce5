//! Reading a plain policy document straight from its text.
//!
//! Nearly every policy rolecall reads is well formed. For those, building a
//! `serde_json::Value` tree first and walking it again costs more than the
//! rest of reading: every key and string is allocated twice and every object
//! is a map. [`PolicyDocument::read_plain`] reads such a document into the model in one pass.
//! It gives up (returns `None`) at the first thing that would draw a
//! diagnostic, or that it does not mirror exactly — an unknown or repeated
//! element, a value of the wrong type, an operator not written as documented
//! — and the caller reads the document the careful way
//! ([`PolicyDocument::from_value`]), which explains every problem. So the
//! fast path only ever yields what the careful one would, with no
//! diagnostics; a test checks the two agree on every AWS managed policy.
//!
//! Order is the careful reader's: it sees JSON objects as sorted maps, so the
//! entries of a `Principal` and the conditions of a `Condition` block are
//! sorted by element name here too.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{
    Condition, ConditionOperator, Effect, Patterns, PolicyDocument, PolicyVersion,
    PrincipalElement, PrincipalEntry, PrincipalKind, Principals, Statement,
};
use crate::diagnostic::child_pointer;

impl PolicyDocument {
    /// The document in `text`, when it is plain enough to read without a
    /// tree: valid JSON, only the documented elements, each once and of the
    /// right type, nothing [`PolicyDocument::from_value`] would remark on.
    /// `None` says only that the careful reader is needed.
    pub fn read_plain(text: &str) -> Option<PolicyDocument> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let document = deserializer.deserialize_map(DocumentVisitor).ok()?;
        deserializer.end().ok()?;
        Some(document)
    }
}

/// The error that sends a document to the careful reader. Its message is
/// never shown.
fn not_plain<E: de::Error>() -> E {
    E::custom("not a plain policy document")
}

/// An object key or short string, borrowed from the text when it has no
/// escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// A string or a list of strings, and which it was.
struct StringList {
    values: Vec<String>,
    is_array: bool,
    /// How many values were written bare (numbers, booleans).
    bare: usize,
}

impl StringList {
    /// One value, not in a list.
    fn one(item: ItemText) -> StringList {
        StringList {
            values: vec![item.text],
            is_array: false,
            bare: usize::from(item.bare),
        }
    }
}

/// One item as text, and whether it was written bare: a JSON number or
/// boolean rather than a string.
struct ItemText {
    text: String,
    bare: bool,
}

impl ItemText {
    fn string(text: String) -> ItemText {
        ItemText { text, bare: false }
    }
    fn bare(text: String) -> ItemText {
        ItemText { text, bare: true }
    }
}

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(OneString))
    }
}

/// A condition value: a string, number or boolean, or a list of them, as
/// text.
struct ScalarList(StringList);

impl<'de> Deserialize<'de> for ScalarList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ListVisitor(Scalar))
            .map(ScalarList)
    }
}

/// What one item of a list may be, as text.
trait Item: Copy {
    fn string(self, v: String) -> Option<String> {
        Some(v)
    }
    fn boolean(self, _: bool) -> Option<String> {
        None
    }
    fn number(self, _: serde_json::Number) -> Option<String> {
        None
    }
}

/// A string only.
#[derive(Clone, Copy)]
struct OneString;
impl Item for OneString {}

/// A string, number or boolean, written as the careful reader writes it.
#[derive(Clone, Copy)]
struct Scalar;
impl Item for Scalar {
    fn boolean(self, v: bool) -> Option<String> {
        Some(v.to_string())
    }
    fn number(self, v: serde_json::Number) -> Option<String> {
        Some(v.to_string())
    }
}

/// One item, or a list of items.
struct ListVisitor<I>(I);

/// One list item.
struct ItemSeed<I>(I);

impl<'de, I: Item> DeserializeSeed<'de> for ItemSeed<I> {
    type Value = ItemText;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ItemText, D::Error> {
        deserializer.deserialize_any(ItemVisitor(self.0))
    }
}

struct ItemVisitor<I>(I);

impl<'de, I: Item> Visitor<'de> for ItemVisitor<I> {
    type Value = ItemText;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<ItemText, E> {
        self.visit_string(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<ItemText, E> {
        self.0.string(v).map(ItemText::string).ok_or_else(not_plain)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<ItemText, E> {
        self.0.boolean(v).map(ItemText::bare).ok_or_else(not_plain)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ItemText, E> {
        self.0
            .number(v.into())
            .map(ItemText::bare)
            .ok_or_else(not_plain)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ItemText, E> {
        self.0
            .number(v.into())
            .map(ItemText::bare)
            .ok_or_else(not_plain)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ItemText, E> {
        serde_json::Number::from_f64(v)
            .and_then(|n| self.0.number(n))
            .map(ItemText::bare)
            .ok_or_else(not_plain)
    }
}

impl<'de, I: Item> Visitor<'de> for ListVisitor<I> {
    type Value = StringList;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or a list of values")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
        self.visit_string(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<StringList, E> {
        ItemVisitor(self.0).visit_string(v).map(StringList::one)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<StringList, E> {
        ItemVisitor(self.0).visit_bool(v).map(StringList::one)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<StringList, E> {
        ItemVisitor(self.0).visit_u64(v).map(StringList::one)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<StringList, E> {
        ItemVisitor(self.0).visit_i64(v).map(StringList::one)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StringList, E> {
        ItemVisitor(self.0).visit_f64(v).map(StringList::one)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
        let mut values = Vec::new();
        let mut bare = 0;
        while let Some(item) = seq.next_element_seed(ItemSeed(self.0))? {
            values.push(item.text);
            bare += usize::from(item.bare);
        }
        // Sized as the careful reader sizes it.
        values.shrink_to_fit();
        Ok(StringList {
            values,
            is_array: true,
            bare,
        })
    }
}

/// The top level: `Version`, `Id` and `Statement`.
struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = PolicyDocument;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a policy document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyDocument, A::Error> {
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        while let Some(Name(key)) = map.next_key()? {
            match &*key {
                "Version" if version.is_none() => {
                    let Name(v) = map.next_value()?;
                    version = Some(match &*v {
                        "2012-10-17" => PolicyVersion::V2012_10_17,
                        "2008-10-17" => PolicyVersion::V2008_10_17,
                        _ => return Err(not_plain()),
                    });
                }
                "Id" if id.is_none() => id = Some(map.next_value::<String>()?),
                "Statement" if statements.is_none() => {
                    statements = Some(map.next_value_seed(StatementsSeed)?)
                }
                _ => return Err(not_plain()),
            }
        }
        let statements: Vec<Statement> = statements.ok_or_else(not_plain)?;
        Ok(PolicyDocument {
            version: version.unwrap_or(PolicyVersion::Unspecified),
            id,
            statement_count: statements.len(),
            statements,
            left_out: Vec::new(),
        })
    }
}

/// `Statement`: one statement object, or a list of them.
struct StatementsSeed;

impl<'de> DeserializeSeed<'de> for StatementsSeed {
    type Value = Vec<Statement>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StatementsSeed {
    type Value = Vec<Statement>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement or a list of statements")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let statement = StatementVisitor {
            index: 0,
            pointer: "/Statement".to_owned(),
        }
        .visit_map(map)?;
        Ok(vec![statement])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut statements = Vec::new();
        loop {
            let index = statements.len();
            let seed = StatementVisitor {
                index,
                pointer: crate::diagnostic::item_pointer("/Statement", index),
            };
            match seq.next_element_seed(seed)? {
                Some(statement) => statements.push(statement),
                None => break,
            }
        }
        // A statement is large and most documents have one or two: sized
        // exactly, as the careful reader sizes it.
        statements.shrink_to_fit();
        Ok(statements)
    }
}

/// One statement object.
struct StatementVisitor {
    index: usize,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for StatementVisitor {
    type Value = Statement;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Statement, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatementVisitor {
    type Value = Statement;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Statement, A::Error> {
        let pointer = self.pointer;
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action = None;
        let mut resource = None;
        let mut conditions = None;
        while let Some(Name(key)) = map.next_key()? {
            let negated = key.starts_with("Not");
            match &*key {
                "Sid" if sid.is_none() => sid = Some(map.next_value::<String>()?),
                "Effect" if effect.is_none() => {
                    let Name(e) = map.next_value()?;
                    effect = Some(match &*e {
                        "Allow" => Effect::Allow,
                        "Deny" => Effect::Deny,
                        _ => return Err(not_plain()),
                    });
                }
                "Principal" | "NotPrincipal" if principal.is_none() => {
                    let pointer = child_pointer(&pointer, &key);
                    principal = Some(map.next_value_seed(PrincipalSeed { negated, pointer })?);
                }
                "Action" | "NotAction" if action.is_none() => {
                    action = Some(patterns(&mut map, negated, child_pointer(&pointer, &key))?);
                }
                "Resource" | "NotResource" if resource.is_none() => {
                    resource = Some(patterns(&mut map, negated, child_pointer(&pointer, &key))?);
                }
                "Condition" if conditions.is_none() => {
                    let pointer = child_pointer(&pointer, "Condition");
                    conditions = Some(map.next_value_seed(ConditionsSeed { pointer })?);
                }
                _ => return Err(not_plain()),
            }
        }
        Ok(Statement {
            index: self.index,
            pointer,
            sid,
            effect: effect.ok_or_else(not_plain)?,
            principal,
            action: action.ok_or_else(not_plain)?,
            resource,
            conditions: conditions.unwrap_or_default(),
        })
    }
}

/// `Action`, `Resource` or their negations: never an empty list (IAM
/// refuses one, and the careful reader says so).
fn patterns<'de, A: MapAccess<'de>>(
    map: &mut A,
    negated: bool,
    pointer: String,
) -> Result<Patterns, A::Error> {
    let StringList {
        values, is_array, ..
    } = map.next_value()?;
    if values.is_empty() {
        return Err(not_plain());
    }
    Ok(Patterns {
        negated,
        values,
        pointer,
        is_array,
    })
}

/// `Principal` or `NotPrincipal`: `"*"` or an object of principal lists.
struct PrincipalSeed {
    negated: bool,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for PrincipalSeed {
    type Value = PrincipalElement;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PrincipalSeed {
    type Value = PrincipalElement;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a principal")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Any other string is read with a diagnostic.
        if v != "*" {
            return Err(not_plain());
        }
        Ok(PrincipalElement {
            negated: self.negated,
            pointer: self.pointer,
            principals: Principals::Everyone,
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut lists: Vec<(PrincipalKind, StringList)> = Vec::new();
        while let Some(Name(key)) = map.next_key()? {
            let kind = match &*key {
                "AWS" => PrincipalKind::Aws,
                "Service" => PrincipalKind::Service,
                "Federated" => PrincipalKind::Federated,
                "CanonicalUser" => PrincipalKind::CanonicalUser,
                _ => return Err(not_plain()),
            };
            if lists.iter().any(|(k, _)| *k == kind) {
                return Err(not_plain());
            }
            lists.push((kind, map.next_value()?));
        }
        lists.sort_by_key(|(kind, _)| kind.key());
        let mut entries = Vec::new();
        for (kind, list) in lists {
            let at = child_pointer(&self.pointer, kind.key());
            let is_array = list.is_array;
            entries.extend(
                list.values
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| PrincipalEntry {
                        kind,
                        value,
                        pointer: if is_array {
                            crate::diagnostic::item_pointer(&at, i)
                        } else {
                            at.clone()
                        },
                    }),
            );
        }
        Ok(PrincipalElement {
            negated: self.negated,
            pointer: self.pointer,
            principals: Principals::Entries(entries),
        })
    }
}

/// A `Condition` block: operators, each an object of condition keys.
struct ConditionsSeed {
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for ConditionsSeed {
    type Value = Vec<Condition>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConditionsSeed {
    type Value = Vec<Condition>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition block")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // (operator as written, its conditions in key order)
        let mut blocks: Vec<(Cow<'de, str>, Vec<Condition>)> = Vec::new();
        while let Some(Name(name)) = map.next_key()? {
            let operator = match ConditionOperator::parse(&name) {
                Ok(parsed) if !parsed.case_differs => parsed.operator,
                _ => return Err(not_plain()),
            };
            if blocks.iter().any(|(written, _)| *written == name) {
                return Err(not_plain());
            }
            let pointer = child_pointer(&self.pointer, &name);
            let conditions = map.next_value_seed(OperatorSeed { operator, pointer })?;
            blocks.push((name, conditions));
        }
        blocks.sort_by(|a, b| a.0.cmp(&b.0));
        let mut conditions = Vec::new();
        for (_, block) in blocks {
            conditions.extend(block);
        }
        Ok(conditions)
    }
}

/// The condition keys of one operator.
struct OperatorSeed {
    operator: ConditionOperator,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for OperatorSeed {
    type Value = Vec<Condition>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OperatorSeed {
    type Value = Vec<Condition>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of condition keys")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut conditions: Vec<Condition> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let ScalarList(StringList {
                values,
                is_array,
                bare,
            }) = map.next_value()?;
            conditions.push(Condition {
                operator: self.operator,
                pointer: child_pointer(&self.pointer, &key),
                key,
                values,
                is_array,
                bare_values: bare,
            });
        }
        // A key written twice: found next to itself once sorted.
        conditions.sort_by(|a, b| a.key.cmp(&b.key));
        if conditions.windows(2).any(|pair| pair[0].key == pair[1].key) {
            return Err(not_plain());
        }
        Ok(conditions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The careful reader's document, when it has nothing to say about it.
    fn careful(text: &str) -> Option<PolicyDocument> {
        let value: Value = serde_json::from_str(text).ok()?;
        let parsed = PolicyDocument::from_value(&value).ok()?;
        parsed.diagnostics.is_empty().then_some(parsed.document)
    }

    /// The fast path reads `text` as the careful reader does.
    fn agrees(text: &str) {
        let fast =
            PolicyDocument::read_plain(text).unwrap_or_else(|| panic!("not read as plain: {text}"));
        assert_eq!(Some(fast), careful(text), "{text}");
    }

    #[test]
    fn reads_every_aws_managed_policy_as_the_careful_reader_does() {
        let mut read = 0;
        let managed = crate::managed::aws_managed_policies().unwrap();
        for policy in managed.iter() {
            let text = policy.document_text();
            let fast = PolicyDocument::read_plain(text);
            let slow = careful(text);
            if slow.is_some() {
                assert_eq!(fast, slow, "{}", policy.name());
                read += 1;
            } else {
                assert_eq!(fast, None, "{}", policy.name());
            }
        }
        assert!(read > 1500, "only {read} managed policies read as plain");
    }

    #[test]
    fn reads_every_spelling_as_the_careful_reader_does() {
        for text in [
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
            r#"{"Statement":[{"Sid":"A","Effect":"Deny","NotAction":["s3:*","iam:*"],"NotResource":"arn:aws:s3:::b/*"}],"Id":"x","Version":"2008-10-17"}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["b.amazonaws.com","a.amazonaws.com"],"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"CanonicalUser":"abc","Federated":["x"]},"Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["a/*","b"],"aws:PrincipalTag/team":"x"},"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10,"x:y":[1.5,-2]},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}}}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{}}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:*"}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s\u0033:Get*","Resource":"arn:aws:s3:::a~b/c"}]}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a/b~c":"v"}}}]}"#,
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            " {\"Statement\" : [ {\"Effect\":\"Allow\", \"Action\":[\"*\"], \"Resource\":[\"*\"]} ] } \n",
        ] {
            agrees(text);
        }
    }

    /// Policy-shaped JSON: the grammar's names, a few near misses, and
    /// values of every type where the grammar expects some.
    fn policy_like() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let mut names: Vec<&'static str> = super::super::parse::TOP_LEVEL
            .iter()
            .chain(super::super::parse::STATEMENT_ELEMENTS)
            .copied()
            .collect();
        names.extend([
            "AWS",
            "Service",
            "Federated",
            "CanonicalUser",
            "StringEquals",
            "stringequals",
            "StringLikeIfExists",
            "ForAnyValue:StringLike",
            "Bool",
            "NumericLessThan",
            "Null",
            "Nope",
            "aws:SourceArn",
            "s3:prefix",
            "a/b~c",
        ]);
        let name = prop::sample::select(names);
        let text = prop::sample::select(vec![
            "2012-10-17",
            "2008-10-17",
            "Allow",
            "Deny",
            "allow",
            "*",
            "s3:GetObject",
            "arn:aws:s3:::b/*",
            "111122223333",
            "lambda.amazonaws.com",
            "true",
            "",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..100).prop_map(Value::from),
            Just(Value::from(1.5)),
            text.prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 48, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((name.clone(), inner), 0..5).prop_map(|members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    /// Statements, mostly well formed, with one element or value now and
    /// then replaced by anything [`policy_like`] makes.
    fn statement_like() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let strings = |options: Vec<&'static str>| {
            let one = prop::sample::select(options);
            prop_oneof![
                one.clone().prop_map(Value::from),
                prop::collection::vec(one.prop_map(Value::from), 0..3).prop_map(Value::Array),
            ]
        };
        let maybe = |element: BoxedStrategy<Value>| {
            prop_oneof![
                3 => element.prop_map(Some),
                1 => Just(None),
                1 => policy_like().prop_map(Some),
            ]
        };
        let effect = prop::sample::select(vec!["Allow", "Deny", "allow"]).prop_map(Value::from);
        let action = strings(vec!["s3:GetObject", "s3:*", "*", "lambda:InvokeFunction"]);
        let resource = strings(vec![
            "*",
            "arn:aws:s3:::b/*",
            "arn:aws:logs:*:*:log-group:x:*",
        ]);
        let principal = prop_oneof![
            Just(Value::from("*")),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["AWS", "Service", "Federated", "CanonicalUser"]),
                    strings(vec!["111122223333", "s3.amazonaws.com", "*"]),
                ),
                0..3
            )
            .prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
            }),
        ];
        let operator = prop::sample::select(vec![
            "StringEquals",
            "StringLike",
            "ArnLike",
            "Bool",
            "NumericLessThan",
            "IpAddress",
            "ForAllValues:StringEquals",
            "StringEqualsIfExists",
        ]);
        let key = prop::sample::select(vec![
            "aws:SourceArn",
            "aws:SourceAccount",
            "s3:prefix",
            "k/1",
        ]);
        let scalar = prop_oneof![
            prop::sample::select(vec!["a", "*", "10.0.0.0/8", "true"]).prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            (0i64..20).prop_map(Value::from),
        ];
        let values = prop_oneof![
            scalar.clone(),
            prop::collection::vec(scalar, 0..3).prop_map(Value::Array),
        ];
        let block =
            prop::collection::vec((operator, prop::collection::vec((key, values), 0..3)), 0..3)
                .prop_map(|operators| {
                    Value::Object(
                        operators
                            .into_iter()
                            .map(|(op, keys)| {
                                let keys =
                                    keys.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                                (op.to_owned(), Value::Object(keys))
                            })
                            .collect(),
                    )
                });
        (
            maybe(effect.boxed()),
            maybe(action.boxed()),
            maybe(resource.boxed()),
            prop_oneof![1 => maybe(principal.boxed()), 2 => Just(None)],
            prop_oneof![1 => maybe(block.boxed()), 1 => Just(None)],
            any::<bool>(),
        )
            .prop_map(|(effect, action, resource, principal, condition, negate)| {
                let mut statement = serde_json::Map::new();
                let (a, r) = if negate {
                    ("NotAction", "Resource")
                } else {
                    ("Action", "NotResource")
                };
                for (name, value) in [
                    ("Effect", effect),
                    (a, action),
                    (r, resource),
                    ("Principal", principal),
                    ("Condition", condition),
                ] {
                    if let Some(value) = value {
                        statement.insert(name.to_owned(), value);
                    }
                }
                Value::Object(statement)
            })
    }

    proptest::proptest! {
        #[test]
        fn never_reads_a_document_otherwise_than_the_careful_reader(
            statements in proptest::collection::vec(
                proptest::prop_oneof![4 => statement_like(), 1 => policy_like()],
                0..3,
            ),
            version in proptest::option::of(policy_like()),
        ) {
            let mut document = serde_json::Map::new();
            if let Some(version) = version {
                document.insert("Version".into(), version);
            }
            document.insert("Statement".into(), Value::Array(statements));
            let text = Value::Object(document).to_string();
            // About one case in five is read as plain.
            if let Some(fast) = PolicyDocument::read_plain(&text) {
                proptest::prop_assert_eq!(Some(fast), careful(&text), "{}", text);
            }
        }
    }

    #[test]
    fn leaves_to_the_careful_reader_what_it_would_remark_on() {
        for text in [
            // Not JSON, or not one document.
            "{",
            r#"{"Statement":[]} {}"#,
            "[]",
            // Unknown, repeated or missing elements.
            r#"{"Statement":[],"Extra":1}"#,
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Statement":[],"Statement":[]}"#,
            r#"{"Version":"2012-10-18","Statement":[]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Sid":"a","Sid":"b"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Colour":"red"}]}"#,
            r#"{"Statement":[{"Action":"s3:*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow"}]}"#,
            // Wrong values.
            r#"{"Statement":[{"Effect":"allow","Action":"s3:*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":[]}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:*",1]}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":[]}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Principal":"111122223333"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Principal":{"aws":"x"}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Principal":{"AWS":"x","AWS":"y"}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"stringequals":{"k":"v"}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqual":{"k":"v"}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Null":{"k":null}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Bool":{"k":"true","k":"false"}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Bool":{"k":"true"},"Bool":{"j":"true"}}}]}"#,
            r#"{"Statement":["s3:*"]}"#,
            r#"{"Statement":"s3:*"}"#,
        ] {
            assert_eq!(PolicyDocument::read_plain(text), None, "{text}");
        }
    }
}
