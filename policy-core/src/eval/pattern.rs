//! Text patterns with policy variables (`${aws:username}`), compiled once.
//!
//! In `2012-10-17` policies `${key}` is replaced by the request's value of
//! `key` before matching, `${key, 'default'}` falls back to a default, and
//! `${*}`, `${?}`, `${$}` stand for the literal characters. A variable whose
//! key is absent (or multivalued) and has no default does not resolve, and
//! the pattern then matches nothing. The substituted text is always literal.

use crate::glob::{tokenize, Case, Glob, Token};

use super::request::{ContextValue, RequestContext};

/// A policy variable: a context key (lower-cased) and an optional default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The key, lower-cased.
    pub key: Box<str>,
    /// The text used when the key is absent.
    pub default: Option<Box<str>>,
}

impl Variable {
    /// The variable's value in `context`, if it resolves.
    pub fn resolve<'c>(&'c self, context: &'c RequestContext) -> Option<&'c str> {
        match context.get(&self.key) {
            Some(ContextValue::Single(value)) => Some(value),
            // A multivalued key never resolves as a variable.
            Some(ContextValue::Multi(_)) => None,
            None => self.default.as_deref(),
        }
    }
}

/// One piece of a policy string.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    /// `${*}`, `${?}`, `${$}`.
    Escaped(char),
    Variable(Variable),
}

/// Splits `text` into literal text, escapes and variables. Text that looks
/// like a variable but is not well-formed (`${` without `}`) stays literal.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let inner = &rest[start + 2..start + 2 + len];
        let piece = match inner {
            "*" => Some(Piece::Escaped('*')),
            "?" => Some(Piece::Escaped('?')),
            "$" => Some(Piece::Escaped('$')),
            _ => parse_variable(inner).map(Piece::Variable),
        };
        match piece {
            Some(piece) => {
                if start > 0 {
                    out.push(Piece::Text(&rest[..start]));
                }
                out.push(piece);
            }
            None => out.push(Piece::Text(&rest[..start + 3 + len])),
        }
        rest = &rest[start + 3 + len..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// `key` or `key, 'default'`.
fn parse_variable(inner: &str) -> Option<Variable> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim(), Some(default.into()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Variable {
        key: key.to_lowercase().into(),
        default,
    })
}

/// A compiled text pattern: a [`Glob`] whose holes are policy variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextPattern {
    glob: Glob,
    variables: Box<[Variable]>,
}

/// How to read a policy string when compiling it.
#[derive(Clone, Copy, Debug)]
pub struct PatternSyntax {
    /// `*` and `?` are wildcards (Resource, `StringLike`, `ArnLike`).
    pub wildcards: bool,
    /// `${...}` is a variable (only in `2012-10-17` policies).
    pub variables: bool,
    /// Literal comparison.
    pub case: Case,
}

impl TextPattern {
    /// Compiles `text`.
    pub fn new(text: &str, syntax: PatternSyntax) -> Self {
        let mut tokens = Vec::new();
        let mut variables = Vec::new();
        push_tokens(text, syntax, &mut tokens, &mut variables);
        TextPattern {
            glob: Glob::from_tokens(text, tokens, syntax.case),
            variables: variables.into_boxed_slice(),
        }
    }

    /// Compiles a resource ARN pattern: variables are only recognised in the
    /// resource part, after the fifth colon.
    pub fn resource(text: &str, variables: bool) -> Self {
        // Without `$` there is no variable or escape: the glob of the text.
        if !text.contains('$') {
            return TextPattern {
                glob: Glob::new(text, Case::Sensitive),
                variables: Box::default(),
            };
        }
        Self::resource_from_pieces(text, variables)
    }

    /// [`TextPattern::resource`] the long way: pieces, tokens, variables.
    fn resource_from_pieces(text: &str, variables: bool) -> Self {
        let fixed = PatternSyntax {
            wildcards: true,
            variables: false,
            case: Case::Sensitive,
        };
        let split = nth_colon(text, 5).map_or(text.len(), |i| i + 1);
        let mut tokens = Vec::new();
        let mut vars = Vec::new();
        push_tokens(&text[..split], fixed, &mut tokens, &mut vars);
        push_tokens(
            &text[split..],
            PatternSyntax { variables, ..fixed },
            &mut tokens,
            &mut vars,
        );
        TextPattern {
            glob: Glob::from_tokens(text, tokens, Case::Sensitive),
            variables: vars.into_boxed_slice(),
        }
    }

    /// The compiled glob.
    pub fn glob(&self) -> &Glob {
        &self.glob
    }

    /// Whether the pattern contains policy variables.
    pub fn has_variables(&self) -> bool {
        !self.variables.is_empty()
    }

    /// Matches `value`; `false` when a variable does not resolve.
    pub fn matches(&self, value: &str, context: &RequestContext) -> bool {
        if self.variables.is_empty() {
            return self.glob.is_match(value);
        }
        if self.variables.iter().any(|v| v.resolve(context).is_none()) {
            return false;
        }
        self.glob.is_match_with(value, &|i| {
            self.variables
                .get(i)
                .and_then(|v| v.resolve(context))
                .unwrap_or_default()
        })
    }
}

/// The tokens of `source` with every variable replaced by its value, or
/// `None` when one does not resolve. Allocates: only for the rare operators
/// that must restructure a pattern after substitution (ARN operators and
/// case-insensitive comparisons with variables).
pub fn substitute_tokens(
    source: &str,
    wildcards: bool,
    context: &RequestContext,
) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    for piece in pieces(source) {
        match piece {
            Piece::Text(text) if wildcards => tokens.extend(tokenize(text)),
            Piece::Text(text) => tokens.push(Token::Literal(text.into())),
            Piece::Escaped(c) => tokens.push(Token::Literal(c.to_string().into())),
            Piece::Variable(v) => tokens.push(Token::Literal(v.resolve(context)?.into())),
        }
    }
    Some(tokens)
}

fn push_tokens(
    text: &str,
    syntax: PatternSyntax,
    tokens: &mut Vec<Token>,
    variables: &mut Vec<Variable>,
) {
    let literal_or_glob = |text: &str, tokens: &mut Vec<Token>| {
        if syntax.wildcards {
            tokens.extend(tokenize(text));
        } else if !text.is_empty() {
            tokens.push(Token::Literal(text.into()));
        }
    };
    if !syntax.variables {
        literal_or_glob(text, tokens);
        return;
    }
    for piece in pieces(text) {
        match piece {
            Piece::Text(text) => literal_or_glob(text, tokens),
            Piece::Escaped(c) => tokens.push(Token::Literal(c.to_string().into())),
            Piece::Variable(v) => {
                tokens.push(Token::Hole(variables.len()));
                variables.push(v);
            }
        }
    }
}

/// Byte index of the `n`th colon (1-based).
fn nth_colon(text: &str, n: usize) -> Option<usize> {
    text.match_indices(':').nth(n - 1).map(|(i, _)| i)
}

/// Whether `text` contains something that reads as a policy variable.
pub fn has_variable_syntax(text: &str) -> bool {
    !pieces(text).iter().all(|p| matches!(p, Piece::Text(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> RequestContext {
        let mut c = RequestContext::new();
        for (k, v) in pairs {
            c.insert(k, ContextValue::Single((*v).into()));
        }
        c
    }

    const LIKE: PatternSyntax = PatternSyntax {
        wildcards: true,
        variables: true,
        case: Case::Sensitive,
    };

    #[test]
    fn splits_pieces() {
        assert_eq!(
            pieces("a${aws:username}b${*}${x, 'd'}${"),
            vec![
                Piece::Text("a"),
                Piece::Variable(Variable {
                    key: "aws:username".into(),
                    default: None
                }),
                Piece::Text("b"),
                Piece::Escaped('*'),
                Piece::Variable(Variable {
                    key: "x".into(),
                    default: Some("d".into())
                }),
                Piece::Text("${"),
            ]
        );
        assert_eq!(pieces("${bad key}"), vec![Piece::Text("${bad key}")]);
    }

    #[test]
    fn variables_substitute_literally() {
        let p = TextPattern::new("home/${aws:username}/*", LIKE);
        assert!(p.matches("home/alice/x", &ctx(&[("AWS:UserName", "alice")])));
        assert!(!p.matches("home/bob/x", &ctx(&[("aws:username", "alice")])));
        assert!(!p.matches("home//x", &ctx(&[])));
        // The value is literal: a `*` in it is not a wildcard.
        assert!(!p.matches("home/abc/x", &ctx(&[("aws:username", "a*")])));
        assert!(p.matches("home/a*/x", &ctx(&[("aws:username", "a*")])));
    }

    #[test]
    fn escapes_are_literal() {
        let p = TextPattern::new("a${*}b", LIKE);
        assert!(p.matches("a*b", &ctx(&[])));
        assert!(!p.matches("axb", &ctx(&[])));
        let p = TextPattern::new("a${?}b${$}", LIKE);
        assert!(p.matches("a?b$", &ctx(&[])));
        assert!(!p.matches("axb$", &ctx(&[])));
    }

    #[test]
    fn defaults_apply_when_absent() {
        let p = TextPattern::new("team-${aws:PrincipalTag/team, 'shared'}", LIKE);
        assert!(p.matches("team-shared", &ctx(&[])));
        assert!(p.matches("team-red", &ctx(&[("aws:principaltag/TEAM", "red")])));
    }

    #[test]
    fn legacy_version_has_no_variables() {
        let p = TextPattern::new(
            "home/${aws:username}",
            PatternSyntax {
                variables: false,
                ..LIKE
            },
        );
        assert!(p.matches("home/${aws:username}", &ctx(&[("aws:username", "alice")])));
        assert!(!p.matches("home/alice", &ctx(&[("aws:username", "alice")])));
    }

    #[test]
    fn resources_without_variables_compile_as_their_glob() {
        for text in [
            "*",
            "",
            "arn:aws:s3:::orders/*",
            "arn:aws:s3:::orders",
            "arn:aws:logs:*:*:log-group:/aws/lambda/x:*",
            "arn:aws:lambda:us-east-1:111122223333:function:f?",
            "arn:*:iam::*:role/*-admin*",
            "arn:aws:s3:::b/**",
            "no-colons*here?",
        ] {
            for variables in [true, false] {
                assert_eq!(
                    TextPattern::resource(text, variables),
                    TextPattern::resource_from_pieces(text, variables),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn resource_variables_only_after_fifth_colon() {
        let p = TextPattern::resource("arn:${x}:s3:::b/${aws:username}", true);
        let context = ctx(&[("aws:username", "bob"), ("x", "y")]);
        assert!(p.matches("arn:${x}:s3:::b/bob", &context));
        assert!(!p.matches("arn:y:s3:::b/bob", &context));
    }
}
