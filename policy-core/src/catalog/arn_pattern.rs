//! The ARN patterns of resource types
//! (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`),
//! matched against concrete ARNs to tell which resource type an ARN is.
//!
//! A `${…}` placeholder stands for one or more characters other than `:`,
//! because the placeholders of the data set name values that never contain
//! one (regions, accounts, function and table names). The exception is a
//! placeholder that ends the pattern right after a `/`
//! (`${BucketName}/${ObjectName}`, `role/${RoleNameWithPath}`): it stands for
//! the rest of the ARN, colons included, as object keys and paths may hold
//! them. A literal `*` in a pattern (the data set has a few, such as
//! `phone-number/*`) stands for any run of characters.
//!
//! Literal text compares exactly, as ARNs do. An ARN's own `*` and `?` are
//! ordinary characters here, which a placeholder accepts: the ARN
//! `arn:aws:lambda:*:*:function:*` is a `function`.

/// One element of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// Text that must appear as is.
    Literal(Box<str>),
    /// `${…}`: one or more characters, `:` only when `any` is set.
    Placeholder { any: bool },
    /// `*`: any run of characters, including none.
    Star,
}

/// A compiled resource-type ARN pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ArnPattern {
    tokens: Box<[Token]>,
    /// How many literal bytes the pattern has: the more, the more specific.
    literal_len: usize,
}

impl ArnPattern {
    /// Compiles `pattern`.
    pub(super) fn new(pattern: &str) -> ArnPattern {
        let mut tokens = Vec::new();
        let mut literal = String::new();
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            let placeholder_end = rest
                .strip_prefix("${")
                .and_then(|inner| inner.find('}'))
                .map(|close| close + 3);
            if let Some(end) = placeholder_end {
                let after_slash = literal.ends_with('/');
                flush(&mut literal, &mut tokens);
                rest = &rest[end..];
                tokens.push(Token::Placeholder {
                    any: after_slash && rest.is_empty(),
                });
            } else if c == '*' {
                flush(&mut literal, &mut tokens);
                tokens.push(Token::Star);
                rest = &rest[1..];
            } else {
                literal.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        flush(&mut literal, &mut tokens);
        let literal_len = tokens
            .iter()
            .map(|t| match t {
                Token::Literal(l) => l.len(),
                _ => 0,
            })
            .sum();
        ArnPattern {
            tokens: tokens.into_boxed_slice(),
            literal_len,
        }
    }

    /// How many literal bytes the pattern has.
    pub(super) fn literal_len(&self) -> usize {
        self.literal_len
    }

    /// Whether `arn` has this pattern's shape.
    pub(super) fn is_match(&self, arn: &str) -> bool {
        match_tokens(&self.tokens, arn)
    }
}

fn flush(literal: &mut String, tokens: &mut Vec<Token>) {
    if !literal.is_empty() {
        tokens.push(Token::Literal(std::mem::take(literal).into_boxed_str()));
    }
}

/// Backtracking match. Patterns have a handful of placeholders, each
/// bounded by the next `:` but the last, so this stays cheap.
fn match_tokens(tokens: &[Token], text: &str) -> bool {
    match tokens.split_first() {
        None => text.is_empty(),
        Some((Token::Literal(literal), rest)) => text
            .strip_prefix(&**literal)
            .is_some_and(|after| match_tokens(rest, after)),
        Some((Token::Star, rest)) => text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .any(|i| match_tokens(rest, &text[i..])),
        Some((Token::Placeholder { any }, rest)) => {
            for (i, c) in text.char_indices() {
                if c == ':' && !any {
                    return false;
                }
                if match_tokens(rest, &text[i + c.len_utf8()..]) {
                    return true;
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_stop_at_colons() {
        let function = ArnPattern::new(
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
        );
        assert!(function.is_match("arn:aws:lambda:us-east-1:123456789012:function:orders"));
        assert!(function.is_match("arn:aws:lambda:*:*:function:*"));
        assert!(!function.is_match("arn:aws:lambda:us-east-1:123456789012:function:orders:prod"));
        assert!(!function.is_match("arn:aws:lambda:us-east-1:123456789012:function:"));
        assert!(!function.is_match("arn:aws:lambda:us-east-1:123456789012:layer:x"));
    }

    #[test]
    fn a_last_placeholder_after_a_slash_takes_the_rest() {
        let object = ArnPattern::new("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert!(object.is_match("arn:aws:s3:::bucket/a/b:c.txt"));
        assert!(object.is_match("arn:aws:s3:::bucket/*"));
        assert!(!object.is_match("arn:aws:s3:::bucket"));
        let bucket = ArnPattern::new("arn:${Partition}:s3:::${BucketName}");
        assert!(bucket.is_match("arn:aws:s3:::bucket"));
        assert!(bucket.literal_len() < object.literal_len());
    }

    #[test]
    fn literal_stars_match_any_run() {
        let queue = ArnPattern::new("arn:${Partition}:connect:${Region}:${Account}:phone-number/*");
        assert!(queue.is_match("arn:aws:connect:us-east-1:123456789012:phone-number/"));
        assert!(queue.is_match("arn:aws:connect:us-east-1:123456789012:phone-number/a:b"));
    }
}
