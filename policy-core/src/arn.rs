//! Amazon Resource Names.
//!
//! An ARN has six parts, `arn:partition:service:region:account:resource`; the
//! resource part keeps any further colons (`function:orders:prod`). ARN
//! condition operators compare part by part, so [`split`] is the zero-copy
//! primitive and [`Arn`] the parsed, owned form.

use std::fmt;
use std::str::FromStr;

/// Splits `text` into the six ARN parts without allocating, or `None` when it
/// is not a well-formed ARN (does not start with `arn:` or has fewer than six
/// parts).
pub fn split(text: &str) -> Option<[&str; 6]> {
    let mut parts = [""; 6];
    let mut rest = text;
    for part in parts.iter_mut().take(5) {
        // Bytes, not chars: a colon is ASCII, and this is a hot path.
        let colon = rest.bytes().position(|b| b == b':')?;
        *part = &rest[..colon];
        rest = &rest[colon + 1..];
    }
    parts[5] = rest;
    (parts[0] == "arn").then_some(parts)
}

/// A parsed ARN.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: Box<str>,
    // Byte offsets of the five separating colons.
    colons: [u32; 5],
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// The text does not start with `arn:`.
    #[error("`{0}` is not an ARN: it must start with `arn:`")]
    NoPrefix(String),
    /// Fewer than six colon-separated parts.
    #[error("`{0}` is not an ARN: expected `arn:partition:service:region:account:resource`")]
    TooFewParts(String),
    /// A required part is empty.
    #[error("`{text}` is not an ARN: its {part} is empty")]
    EmptyPart {
        /// The offending text.
        text: String,
        /// Which part (`partition`, `service`, `resource`).
        part: &'static str,
    },
}

impl Arn {
    /// Parses an ARN. The partition, service and resource parts must be
    /// non-empty; region and account may be empty (S3, IAM).
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        if !text.starts_with("arn:") {
            return Err(ArnError::NoPrefix(text.to_owned()));
        }
        let mut colons = [0u32; 5];
        let mut found = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b':' {
                colons[found] = i as u32;
                found += 1;
                if found == 5 {
                    break;
                }
            }
        }
        if found < 5 {
            return Err(ArnError::TooFewParts(text.to_owned()));
        }
        let arn = Arn {
            text: text.into(),
            colons,
        };
        for (part, value) in [
            ("partition", arn.partition()),
            ("service", arn.service()),
            ("resource", arn.resource()),
        ] {
            if value.is_empty() {
                return Err(ArnError::EmptyPart {
                    text: text.to_owned(),
                    part,
                });
            }
        }
        Ok(arn)
    }

    fn part(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.colons[i - 1] as usize + 1
        };
        let end = if i < 5 {
            self.colons[i] as usize
        } else {
            self.text.len()
        };
        &self.text[start..end]
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub fn partition(&self) -> &str {
        self.part(1)
    }
    /// The service namespace: `lambda`, `iam`, `s3`, …
    pub fn service(&self) -> &str {
        self.part(2)
    }
    /// The region, empty for global services.
    pub fn region(&self) -> &str {
        self.part(3)
    }
    /// The owning account id, empty for S3 buckets and objects.
    pub fn account(&self) -> &str {
        self.part(4)
    }
    /// Everything after the fifth colon (`function:orders:prod`, `role/path/name`).
    pub fn resource(&self) -> &str {
        self.part(5)
    }
    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arn::parse(s)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Arn({})", self.text)
    }
}

/// Whether `text` is a 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts_and_keeps_resource_colons() {
        let arn = Arn::parse("arn:aws:lambda:us-east-1:111122223333:function:orders:prod").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.service(), "lambda");
        assert_eq!(arn.region(), "us-east-1");
        assert_eq!(arn.account(), "111122223333");
        assert_eq!(arn.resource(), "function:orders:prod");
    }

    #[test]
    fn empty_region_and_account_are_fine() {
        let arn = Arn::parse("arn:aws:s3:::orders-uploads/key").unwrap();
        assert_eq!(arn.account(), "");
        assert_eq!(arn.resource(), "orders-uploads/key");
    }

    #[test]
    fn rejects_malformed() {
        assert!(matches!(Arn::parse("orders"), Err(ArnError::NoPrefix(_))));
        assert!(matches!(
            Arn::parse("arn:aws:s3"),
            Err(ArnError::TooFewParts(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws::::x"),
            Err(ArnError::EmptyPart {
                part: "service",
                ..
            })
        ));
        assert!(split("arn:aws:s3:::").is_some());
        assert!(split("arx:aws:s3:::b").is_none());
    }

    #[test]
    fn account_ids() {
        assert!(is_account_id("111122223333"));
        assert!(!is_account_id("11112222333"));
        assert!(!is_account_id("11112222333a"));
    }
}
