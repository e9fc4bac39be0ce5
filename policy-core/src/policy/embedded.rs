//! Policy documents as AWS tools print them: as a JSON object, as JSON text
//! inside a string (`lambda get-policy`), or URL-encoded inside a string (the
//! raw IAM API, and some authorization-details dumps).

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// A policy document found inside a file.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundDocument {
    /// The document.
    pub document: Value,
    /// JSON pointer of the document (or of the string holding it) in the file.
    pub pointer: String,
    /// How the document was written there.
    pub encoding: DocumentEncoding,
}

/// How a policy document is written inside a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DocumentEncoding {
    /// A JSON object.
    Object,
    /// JSON text inside a string.
    JsonString,
    /// URL-encoded JSON text inside a string.
    UrlEncoded,
}

/// Reads a document that may be an object, JSON text, or URL-encoded JSON
/// text (percent-decoding only: `+` stays a plus sign, as AWS encodes spaces
/// as `%20`).
/// An object is borrowed, not copied.
pub fn decode_document(value: &Value) -> Result<(Cow<'_, Value>, DocumentEncoding), String> {
    match value {
        Value::Object(_) => Ok((Cow::Borrowed(value), DocumentEncoding::Object)),
        Value::String(text) => {
            let trimmed = text.trim_start();
            if trimmed.starts_with('{') {
                return serde_json::from_str(text)
                    .map(|v| (Cow::Owned(v), DocumentEncoding::JsonString))
                    .map_err(|e| {
                        format!(
                            "the policy string is not JSON: {}",
                            crate::diagnostic::json_error_message(&e)
                        )
                    });
            }
            if trimmed.starts_with("%7B") || trimmed.starts_with("%7b") {
                let decoded = percent_decode_str(text)
                    .decode_utf8()
                    .map_err(|_| "the URL-encoded policy is not UTF-8 text".to_owned())?;
                return serde_json::from_str(&decoded)
                    .map(|v| (Cow::Owned(v), DocumentEncoding::UrlEncoded))
                    .map_err(|e| {
                        format!(
                            "the URL-decoded policy is not JSON: {}",
                            crate::diagnostic::json_error_message(&e)
                        )
                    });
            }
            Err(
                "the string does not hold a policy document (JSON text or URL-encoded JSON)"
                    .to_owned(),
            )
        }
        other => Err(format!(
            "expected a policy document, found {}",
            crate::diagnostic::describe_json_type(other)
        )),
    }
}

/// Finds the one policy document in the output of a command that prints
/// one: a bare document, `lambda get-policy` (`Policy`), `iam
/// get-policy-version` (`PolicyVersion.Document`), `iam get-role-policy` /
/// `get-user-policy` (`PolicyDocument`), or `iam get-role` (the trust policy,
/// `Role.AssumeRolePolicyDocument`).
pub fn find_document(file: &Value) -> Result<FoundDocument, String> {
    let candidates: [(&str, &str); 5] = [
        ("", "Statement"),
        ("/Policy", "Policy"),
        ("/PolicyVersion/Document", "PolicyVersion"),
        ("/PolicyDocument", "PolicyDocument"),
        ("/Role/AssumeRolePolicyDocument", "Role"),
    ];
    for (pointer, marker) in candidates {
        if file.get(marker).is_none() {
            continue;
        }
        let Some(value) = file.pointer(pointer) else {
            continue;
        };
        let (document, encoding) =
            decode_document(value).map_err(|e| format!("at `{pointer}`: {e}"))?;
        return Ok(FoundDocument {
            document: document.into_owned(),
            pointer: pointer.to_owned(),
            encoding,
        });
    }
    Err("the file holds no policy document: expected a document with `Statement`, or the output of \
         `lambda get-policy`, `iam get-policy-version`, `iam get-role-policy` or `iam get-role`"
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_documents_in_cli_outputs() {
        let bare = json!({"Version": "2012-10-17", "Statement": []});
        assert_eq!(
            find_document(&bare).unwrap().encoding,
            DocumentEncoding::Object
        );
        let get_policy =
            json!({"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "RevisionId": "x"});
        let found = find_document(&get_policy).unwrap();
        assert_eq!(
            (found.pointer.as_str(), found.encoding),
            ("/Policy", DocumentEncoding::JsonString)
        );
        let version = json!({"PolicyVersion": {"Document": "%7B%22Statement%22%3A%5B%5D%7D", "VersionId": "v1"}});
        let found = find_document(&version).unwrap();
        assert_eq!(found.encoding, DocumentEncoding::UrlEncoded);
        assert_eq!(found.document, json!({"Statement": []}));
        let role = json!({"Role": {"AssumeRolePolicyDocument": {"Statement": []}}});
        assert_eq!(
            find_document(&role).unwrap().pointer,
            "/Role/AssumeRolePolicyDocument"
        );
        assert!(find_document(&json!({"Functions": []})).is_err());
        assert!(find_document(&json!({"Policy": "not json"})).is_err());
    }

    #[test]
    fn plus_signs_are_not_spaces() {
        let encoded = json!("%7B%22Sid%22%3A%22a+b%22%7D");
        let (doc, _) = decode_document(&encoded).unwrap();
        assert_eq!(*doc, json!({"Sid": "a+b"}));
    }
}
