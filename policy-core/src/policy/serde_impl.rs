//! `serde` support for [`PolicyDocument`]: deserializing reads every legal
//! spelling (and fails on the first error, with its JSON pointer);
//! serializing writes the canonical form (arrays everywhere, `Statement` as
//! an array, the `Principal` object form).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::{Condition, PolicyDocument, PolicyVersion, Principals, Statement};

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

fn statement_json(statement: &Statement) -> Value {
    let mut map = Map::new();
    if let Some(sid) = &statement.sid {
        map.insert("Sid".into(), json!(sid));
    }
    map.insert("Effect".into(), json!(statement.effect.to_string()));
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
    fn deserializing_fails_on_the_first_error() {
        let err = serde_json::from_str::<PolicyDocument>(
            r#"{"Statement":{"Effect":"allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("/Statement/Effect"), "{err}");
    }
}
