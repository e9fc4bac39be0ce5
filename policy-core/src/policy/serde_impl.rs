//! `serde` support for [`PolicyDocument`]: deserializing reads every legal
//! spelling (and fails on the first error, with its JSON pointer);
//! serializing writes the canonical form (arrays everywhere, `Statement` as
//! an array, the `Principal` object form).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::operator::{ConditionOperator, SetQualifier};
use super::{
    Condition, Effect, PolicyDocument, PolicyVersion, PrincipalKind, Principals, Statement,
};

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let parsed = PolicyDocument::from_value(&value).map_err(D::Error::custom)?;
        if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
            return Err(D::Error::custom(error));
        }
        Ok(parsed.document)
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl PolicyDocument {
    /// The document in canonical JSON form.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        match self.version {
            PolicyVersion::V2012_10_17 => {
                map.insert("Version".into(), json!("2012-10-17"));
            }
            PolicyVersion::V2008_10_17 => {
                map.insert("Version".into(), json!("2008-10-17"));
            }
            PolicyVersion::Unspecified => {}
        }
        if let Some(id) = &self.id {
            map.insert("Id".into(), json!(id));
        }
        map.insert(
            "Statement".into(),
            Value::Array(self.statements.iter().map(statement_json).collect()),
        );
        Value::Object(map)
    }
}

impl PolicyDocument {
    /// The number of characters of [`PolicyDocument::to_json`] written
    /// without white space — what IAM counts against its size quotas —
    /// counted without building the text or its tree.
    pub fn canonical_chars(&self) -> usize {
        let mut members = Members::default();
        match self.version {
            PolicyVersion::V2012_10_17 | PolicyVersion::V2008_10_17 => {
                members.member("Version", string_chars("2012-10-17"));
            }
            PolicyVersion::Unspecified => {}
        }
        if let Some(id) = &self.id {
            members.member("Id", string_chars(id));
        }
        members.member(
            "Statement",
            array_chars(self.statements.iter().map(statement_chars)),
        );
        members.close()
    }
}

impl PolicyDocument {
    /// The number of characters IAM counts against its size quotas: the
    /// document without white space, as written. The model keeps how each
    /// element was written — `Action`, `Resource`, a principal kind's and a
    /// condition key's values as a string or a list, a condition value as
    /// a string or bare (`false`, `10`), a single statement as the object
    /// itself — which is what the count differs by from the canonical text
    /// ([`PolicyDocument::canonical_chars`]), which writes every list as a
    /// list and every value as a string. Statements left out for an error
    /// are not counted; a document of one such statement is counted as if
    /// it were written as an object, so that it is never reported over its
    /// quota for a form it may not have used.
    pub fn written_chars(&self) -> usize {
        // A one-element list written as a string saves its two brackets.
        let brackets = |is_list: bool, len: usize| if !is_list && len == 1 { 2 } else { 0 };
        let saved: usize = self
            .statements
            .iter()
            .map(|statement| {
                let action = brackets(statement.action.is_array, statement.action.values.len());
                let resource = statement
                    .resource
                    .as_ref()
                    .map_or(0, |r| brackets(r.is_array, r.values.len()));
                let principals = match statement.principal.as_ref() {
                    Some(element) => match &element.principals {
                        // A kind written as a string: its one entry is at
                        // the kind's own pointer, not at an index under it.
                        Principals::Entries(entries) => {
                            entries
                                .iter()
                                .filter(|entry| {
                                    entry
                                        .pointer
                                        .strip_prefix(element.pointer.as_str())
                                        .and_then(|rest| rest.strip_prefix('/'))
                                        == Some(entry.kind.key())
                                })
                                .count()
                                * 2
                        }
                        Principals::Everyone => 0,
                    },
                    None => 0,
                };
                let conditions: usize = statement
                    .conditions
                    .iter()
                    .map(|c| brackets(c.is_array, c.values.len()) + 2 * c.bare_values)
                    .sum();
                action + resource + principals + conditions
            })
            .sum();
        // One statement written as the object itself; when it was left
        // out, the shorter form.
        let single_statement = match self.statements.first() {
            Some(first) => first.pointer == "/Statement",
            None => self.statement_count == 1,
        };
        let statement = if single_statement { 2 } else { 0 };
        self.canonical_chars().saturating_sub(saved + statement)
    }
}

/// Characters of a JSON object being counted: `{`, `"key":value` members
/// separated by commas, `}`.
#[derive(Default)]
struct Members {
    chars: usize,
    count: usize,
}

impl Members {
    fn member(&mut self, key: &str, value_chars: usize) {
        self.member_chars(string_chars(key), value_chars);
    }
    /// A member whose key, written, has `key_chars` characters.
    fn member_chars(&mut self, key_chars: usize, value_chars: usize) {
        self.chars += key_chars + 1 + value_chars;
        self.count += 1;
    }
    fn close(self) -> usize {
        2 + self.chars + self.count.saturating_sub(1)
    }
}

/// Characters of a JSON array of values of the given lengths.
fn array_chars(items: impl IntoIterator<Item = usize>) -> usize {
    let (sum, count) = items
        .into_iter()
        .fold((0, 0), |(sum, count), chars| (sum + chars, count + 1));
    2 + sum + if count > 0 { count - 1 } else { 0 }
}

/// Characters of a string written as JSON (quotes and escapes included).
fn string_chars(text: &str) -> usize {
    // Most strings are plain ASCII that JSON writes as it is. Checked 16
    // bytes at a time, without a branch per byte (the check it replaced
    // stopped at the first byte that needs care, after a branch on each).
    let needs_care = |b: u8| !(0x20..0x7F).contains(&b) | (b == b'"') | (b == b'\\');
    let plain = text
        .as_bytes()
        .chunks(16)
        .all(|chunk| !chunk.iter().fold(false, |care, &b| care | needs_care(b)));
    if plain {
        return text.len() + 2;
    }
    struct Counting(usize);
    impl std::io::Write for Counting {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            // Characters, not bytes: UTF-8 continuation bytes do not count.
            self.0 += bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counting = Counting(0);
    // Writing into a counter cannot fail.
    let _ = serde_json::to_writer(&mut counting, text);
    counting.0
}

fn strings_chars(values: &[String]) -> usize {
    array_chars(values.iter().map(|v| string_chars(v)))
}

/// How [`statement_json`] writes an effect.
fn effect_name(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

/// The characters of a statement's `Condition` block as
/// [`statement_json`] writes it: its operators, each with its keys; a key
/// repeated under one operator keeps its last values.
fn conditions_chars(conditions: &[Condition]) -> usize {
    // Up to this many conditions (nearly every statement), their operators
    // and keys are compared pair by pair instead of sorted into maps.
    const FEW: usize = 16;
    if conditions.len() > FEW {
        // The order of members does not change the length.
        let mut block: std::collections::HashMap<
            ConditionOperator,
            std::collections::HashMap<&str, &[String]>,
        > = std::collections::HashMap::new();
        for condition in conditions {
            block
                .entry(condition.operator)
                .or_default()
                .insert(&condition.key, &condition.values);
        }
        let mut operators = Members::default();
        for (operator, keys) in &block {
            let mut entries = Members::default();
            for (key, values) in keys {
                entries.member(key, strings_chars(values));
            }
            operators.member_chars(operator_chars(*operator), entries.close());
        }
        return operators.close();
    }
    // A condition counts unless a later one has its operator and key.
    let counts = |i: usize| {
        let c = &conditions[i];
        !conditions[i + 1..]
            .iter()
            .any(|later| later.operator == c.operator && later.key == c.key)
    };
    let mut operators = Members::default();
    for (i, condition) in conditions.iter().enumerate() {
        // Each operator once, where it first appears.
        if conditions[..i]
            .iter()
            .any(|c| c.operator == condition.operator)
        {
            continue;
        }
        let mut entries = Members::default();
        for (j, c) in conditions.iter().enumerate().skip(i) {
            if c.operator == condition.operator && counts(j) {
                entries.member(&c.key, strings_chars(&c.values));
            }
        }
        operators.member_chars(operator_chars(condition.operator), entries.close());
    }
    operators.close()
}

/// The characters of an operator's name written as a JSON string: its
/// parts are ASCII letters and `:`, which JSON writes as they are.
fn operator_chars(operator: ConditionOperator) -> usize {
    let qualifier = match operator.qualifier {
        Some(SetQualifier::ForAnyValue) => "ForAnyValue:".len(),
        Some(SetQualifier::ForAllValues) => "ForAllValues:".len(),
        None => 0,
    };
    let suffix = if operator.if_exists {
        "IfExists".len()
    } else {
        0
    };
    2 + qualifier + operator.base.name().len() + suffix
}

/// [`statement_json`]'s length, member by member (the order of members
/// does not change the length; a repeated key keeps one value, as there).
fn statement_chars(statement: &Statement) -> usize {
    let mut members = Members::default();
    if let Some(sid) = &statement.sid {
        members.member("Sid", string_chars(sid));
    }
    members.member("Effect", string_chars(effect_name(statement.effect)));
    if let Some(principal) = &statement.principal {
        let key = if principal.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match &principal.principals {
            Principals::Everyone => string_chars("*"),
            Principals::Entries(entries) => {
                // (characters, values) of each kind's list, by kind.
                const KINDS: [PrincipalKind; 4] = [
                    PrincipalKind::Aws,
                    PrincipalKind::Service,
                    PrincipalKind::Federated,
                    PrincipalKind::CanonicalUser,
                ];
                let mut lists = [(0, 0); KINDS.len()];
                for entry in entries {
                    let list = &mut lists[KINDS.iter().position(|k| *k == entry.kind).unwrap_or(0)];
                    *list = (list.0 + string_chars(&entry.value), list.1 + 1);
                }
                let mut kinds = Members::default();
                for (kind, (chars, count)) in KINDS.iter().zip(lists) {
                    if count > 0 {
                        kinds.member(kind.key(), 2 + chars + (count - 1));
                    }
                }
                kinds.close()
            }
        };
        members.member(key, value);
    }
    let action = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    members.member(action, strings_chars(&statement.action.values));
    if let Some(resource) = &statement.resource {
        let key = if resource.negated {
            "NotResource"
        } else {
            "Resource"
        };
        members.member(key, strings_chars(&resource.values));
    }
    if !statement.conditions.is_empty() {
        members.member("Condition", conditions_chars(&statement.conditions));
    }
    members.close()
}

fn statement_json(statement: &Statement) -> Value {
    let mut map = Map::new();
    if let Some(sid) = &statement.sid {
        map.insert("Sid".into(), json!(sid));
    }
    map.insert("Effect".into(), json!(effect_name(statement.effect)));
    if let Some(principal) = &statement.principal {
        let key = if principal.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match &principal.principals {
            Principals::Everyone => json!("*"),
            Principals::Entries(entries) => {
                let mut by_kind = Map::new();
                for entry in entries {
                    let list = by_kind
                        .entry(entry.kind.key())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        list.push(json!(entry.value));
                    }
                }
                Value::Object(by_kind)
            }
        };
        map.insert(key.into(), value);
    }
    let action = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    map.insert(action.into(), json!(statement.action.values));
    if let Some(resource) = &statement.resource {
        let key = if resource.negated {
            "NotResource"
        } else {
            "Resource"
        };
        map.insert(key.into(), json!(resource.values));
    }
    if !statement.conditions.is_empty() {
        map.insert("Condition".into(), conditions_json(&statement.conditions));
    }
    Value::Object(map)
}

fn conditions_json(conditions: &[Condition]) -> Value {
    let mut block = Map::new();
    for condition in conditions {
        let keys = block
            .entry(condition.operator.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = keys {
            keys.insert(condition.key.clone(), json!(condition.values));
        }
    }
    Value::Object(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_canonical_form() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Sid":"a","Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},
            "Action":"s3:*","NotResource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#;
        let document: PolicyDocument = serde_json::from_str(text).unwrap();
        let canonical = serde_json::to_value(&document).unwrap();
        let expected = json!({"Version": "2012-10-17", "Statement": [{"Sid": "a", "Effect": "Deny",
            "NotPrincipal": {"AWS": ["111122223333"]}, "Action": ["s3:*"],
            "NotResource": ["arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]});
        assert_eq!(canonical, expected);
        let again: PolicyDocument = serde_json::from_value(canonical.clone()).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), canonical);
    }

    #[test]
    fn written_chars_counts_single_strings_as_written() {
        for text in [
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::b/*"]}}"#,
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}}"#,
            r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericGreaterThan":{"s3:max-keys":10}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","10.1.0.0/16"]}}}}"#,
            // One statement in a list; principals of one value in a list
            // and as a string; numbers and booleans quoted, bare, mixed.
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333"],"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":["s3.amazonaws.com","sns.amazonaws.com"],"AWS":"*"},"Action":"lambda:InvokeFunction"},{"Effect":"Deny","Principal":"*","Action":"*"}]}"#,
            r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"},"NumericGreaterThan":{"s3:max-keys":["10",20,"30"]}}}}"#,
            r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":[false]},"NumericLessThan":{"s3:max-keys":-1.5}}}]}"#,
        ] {
            let document = PolicyDocument::from_value(&serde_json::from_str(text).unwrap())
                .unwrap()
                .document;
            assert_eq!(document.written_chars(), text.chars().count(), "{text}");
            // The reader of plain documents keeps the same forms.
            let plain = PolicyDocument::read_plain(text).unwrap();
            assert_eq!(plain.written_chars(), text.chars().count(), "{text}");
        }
    }

    #[test]
    fn canonical_chars_counts_the_canonical_text() {
        for text in [
            r#"{"Statement":[]}"#,
            r#"{"Version":"2008-10-17","Id":"x\"y","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"],"Service":"s3.amazonaws.com"},
                "NotAction":["s3:*","kms:Décrypt"],"NotResource":"arn:aws:s3:::b/*\u0001","Condition":{"Bool":{"aws:SecureTransport":false},
                "StringEquals":{"aws:PrincipalTag/ü":["x","y"],"aws:username":"z"},"stringequals":{"aws:username":"again"}}},
                {"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}]}"#,
            // Principal kinds interleaved; a key repeated under one
            // operator keeps its last values (here the longer list).
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com","AWS":["1","2"],"Federated":"f"},
                "Action":"s3:*","Condition":{"StringLike":{"a:b":"x","c:d":"y"},"ForAnyValue:StringEqualsIfExists":{"a:b":"z"},
                "stringlike":{"a:b":["longer","values"]}}}}"#,
        ] {
            let document = PolicyDocument::from_value(&serde_json::from_str(text).unwrap())
                .unwrap()
                .document;
            assert_eq!(
                document.canonical_chars(),
                document.to_json().to_string().chars().count(),
                "{text}"
            );
        }
    }

    #[test]
    fn canonical_chars_counts_a_large_condition_block() {
        // More conditions than are compared pair by pair, keys repeated
        // under one operator and across operators.
        let keys: Vec<String> = (0..30)
            .map(|i| format!(r#""k:{}":"{}""#, i % 12, "v".repeat(i)))
            .collect();
        let (first, second) = keys.split_at(17);
        let text = format!(
            r#"{{"Statement":{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"StringEquals":{{{}}},"StringLike":{{{}}},"stringequals":{{{}}}}}}}}}"#,
            first.join(","),
            second.join(","),
            second.join(",")
        );
        let document = PolicyDocument::from_value(&serde_json::from_str(&text).unwrap())
            .unwrap()
            .document;
        assert!(document.statements[0].conditions.len() > 16);
        assert_eq!(
            document.canonical_chars(),
            document.to_json().to_string().chars().count()
        );
    }

    #[test]
    fn deserializing_fails_on_the_first_error() {
        let err = serde_json::from_str::<PolicyDocument>(
            r#"{"Statement":{"Effect":"allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("/Statement/Effect"), "{err}");
    }
}
