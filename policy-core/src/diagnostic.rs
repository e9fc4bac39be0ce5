//! Problems found in a user's input, located by JSON pointer.
//!
//! Messages follow one style: lower case, no final period, the user's text in
//! backticks, and a separate help line that says how to fix it.

use std::fmt;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Worth knowing; the element is still used as written.
    Warning,
    /// The element is unusable: the statement (or policy) grants and denies nothing.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// One problem in a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// JSON pointer (RFC 6901) of the offending element inside the document,
    /// e.g. `/Statement/1/Effect`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Whether AWS refuses a document with this problem even though
    /// rolecall reads the element's obvious meaning (a warning, then): the
    /// document is still invalid, as it would be for an error.
    pub refused_by_aws: bool,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            pointer: pointer.into(),
            message: message.into(),
            help: None,
            refused_by_aws: false,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(pointer, message)
        }
    }

    /// Adds a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks a problem AWS refuses the document for, though rolecall reads
    /// the element's obvious meaning (see [`Diagnostic::refused_by_aws`]).
    pub fn also_refused_by_aws(mut self) -> Self {
        self.refused_by_aws = true;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Whether the document is invalid for AWS: an error, or a problem AWS
    /// refuses that rolecall reads leniently.
    pub fn makes_the_document_invalid(&self) -> bool {
        self.is_error() || self.refused_by_aws
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{}: {} (at {at})", self.level, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "; help: {help}")?;
        }
        Ok(())
    }
}

/// Escapes one JSON-pointer reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends an array index to a JSON pointer (`/Statement` + 3 →
/// `/Statement/3`). Written without the formatting machinery: every
/// statement, and every list item a finding points at, has one.
pub fn item_pointer(parent: &str, index: usize) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = index;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut pointer = String::with_capacity(parent.len() + 1 + digits.len() - start);
    pointer.push_str(parent);
    pointer.push('/');
    pointer.extend(digits[start..].iter().map(|&d| char::from(d)));
    pointer
}

/// Appends a reference token to a JSON pointer.
pub fn child_pointer(parent: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(parent.len() + token.len() + 1);
    pointer.push_str(parent);
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_pointer_token(token));
    } else {
        pointer.push_str(token);
    }
    pointer
}

/// A short description of a JSON value's type, for messages (`a number`).
pub fn describe_json_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its trailing "at line X column Y" (the
/// caller reports the position its own way).
pub fn json_error_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_pointers_are_written_as_format_writes_them() {
        for index in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX as usize, usize::MAX] {
            assert_eq!(
                item_pointer("/Statement", index),
                format!("/Statement/{index}")
            );
            assert_eq!(item_pointer("", index), format!("/{index}"));
        }
        assert_eq!(child_pointer("/Condition", "a/b~c"), "/Condition/a~1b~0c");
    }
}
