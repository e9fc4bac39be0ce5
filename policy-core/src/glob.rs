//! IAM wildcard patterns: `*` matches any run of characters (also `:` and `/`),
//! `?` matches exactly one character, everything else is literal.
//!
//! This is glob matching, never a regular expression: `$`, `[`, `(`, `.` and
//! friends are ordinary characters, which is what Lambda's `$LATEST` and log
//! stream names such as `2024/06/01/[$LATEST]abc` need.
//!
//! A [`Glob`] is compiled once. Patterns without wildcards, `*` alone and
//! `prefix*` take fast paths; everything else runs the linear-space
//! backtracking matcher. None of them allocates.

use std::fmt;

/// Whether literal characters compare exactly or ignoring ASCII case.
///
/// IAM action names are ASCII and compared case-insensitively; ARNs and
/// condition values compare exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `Orders` ≠ `orders`.
    Sensitive,
    /// `LAMBDA:invokefunction` = `lambda:InvokeFunction` (ASCII folding only).
    AsciiInsensitive,
}

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A run of literal characters.
    Literal(Box<str>),
    /// `?`: exactly one character.
    AnyChar,
    /// `*`: any run of characters, including none.
    Star,
    /// Literal text supplied at match time (a policy variable's value),
    /// identified by its index in the pattern's variable table.
    Hole(usize),
}

/// A compiled wildcard pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    source: Box<str>,
    shape: Shape,
    case: Case,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// `*`: everything.
    Everything,
    /// No wildcard at all.
    Exact,
    /// `literal*` with no other wildcard.
    Prefix(Box<str>),
    /// Anything else.
    General(Box<[Token]>),
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.source)
    }
}

impl Glob {
    /// Compiles `pattern`, treating `*` and `?` as wildcards.
    pub fn new(pattern: &str, case: Case) -> Self {
        // The common shapes — no wildcard (`s3:GetObject`), or stars only at
        // the end (`s3:Get*`, `*`) — need no token list: one allocation
        // instead of five.
        let body = pattern.trim_end_matches('*');
        if !body.contains(['*', '?']) {
            let shape = if body.len() == pattern.len() {
                Shape::Exact
            } else if body.is_empty() {
                Shape::Everything
            } else {
                Shape::Prefix(body.into())
            };
            return Glob {
                source: pattern.into(),
                shape,
                case,
            };
        }
        Self::from_tokens(pattern, tokenize(pattern), case)
    }

    /// Compiles a pattern whose tokens were produced elsewhere (for example
    /// after policy-variable escapes such as `${*}` were turned into literals).
    pub fn from_tokens(source: &str, tokens: Vec<Token>, case: Case) -> Self {
        let tokens = merge_literals(tokens);
        let (shape, source): (Shape, Box<str>) = match tokens.as_slice() {
            [Token::Star] => (Shape::Everything, source.into()),
            [] => (Shape::Exact, "".into()),
            // The literal, not the source: escapes such as `${*}` differ.
            [Token::Literal(literal)] => (Shape::Exact, literal.clone()),
            [Token::Literal(prefix), Token::Star] => (Shape::Prefix(prefix.clone()), source.into()),
            _ => (Shape::General(tokens.into_boxed_slice()), source.into()),
        };
        Glob {
            source,
            shape,
            case,
        }
    }

    /// The pattern as written (for an exact pattern: the literal it matches).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches every string.
    pub fn matches_everything(&self) -> bool {
        matches!(self.shape, Shape::Everything)
    }

    /// Whether the pattern contains a wildcard.
    pub fn has_wildcard(&self) -> bool {
        !matches!(self.shape, Shape::Exact)
    }

    /// Matches `text` against the pattern.
    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_with(text, &|_| "")
    }

    /// Matches `text`, filling each [`Token::Hole`] with `holes(index)`.
    pub fn is_match_with<'h>(&self, text: &str, holes: &dyn Fn(usize) -> &'h str) -> bool {
        match &self.shape {
            Shape::Everything => true,
            Shape::Exact => eq(&self.source, text, self.case),
            Shape::Prefix(prefix) => {
                text.len() >= prefix.len()
                    && text.is_char_boundary(prefix.len())
                    && eq(prefix, &text[..prefix.len()], self.case)
            }
            Shape::General(tokens) => match_tokens(tokens, text, self.case, holes),
        }
    }
}

fn eq(a: &str, b: &str, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::AsciiInsensitive => a.eq_ignore_ascii_case(b),
    }
}

/// Splits a pattern into tokens: `*`, `?` and literal runs.
pub fn tokenize(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, b) in pattern.bytes().enumerate() {
        if b == b'*' || b == b'?' {
            if i > start {
                tokens.push(Token::Literal(pattern[start..i].into()));
            }
            tokens.push(if b == b'*' {
                Token::Star
            } else {
                Token::AnyChar
            });
            start = i + 1;
        }
    }
    if start < pattern.len() {
        tokens.push(Token::Literal(pattern[start..].into()));
    }
    tokens
}

/// Joins adjacent literals and collapses runs of `*` (`**` ≡ `*`).
fn merge_literals(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        match (out.last_mut(), token) {
            (Some(Token::Literal(prev)), Token::Literal(next)) => {
                let mut joined = String::with_capacity(prev.len() + next.len());
                joined.push_str(prev);
                joined.push_str(&next);
                *prev = joined.into();
            }
            (Some(Token::Star), Token::Star) => {}
            (_, Token::Literal(l)) if l.is_empty() => {}
            (_, token) => out.push(token),
        }
    }
    out
}

/// Matches `text` against `tokens` with the classic greedy-star algorithm:
/// remember the last `*` and where it started; on a mismatch let that star
/// swallow one more character. Every token other than `*` has a fixed length,
/// so the last star is the only choice point that matters, which keeps this
/// linear in space and `O(pattern × text)` in the worst case.
pub fn match_tokens<'h>(
    tokens: &[Token],
    text: &str,
    case: Case,
    holes: &dyn Fn(usize) -> &'h str,
) -> bool {
    let mut t = 0usize; // byte offset into text
    let mut p = 0usize; // token index
    let mut backtrack: Option<(usize, usize)> = None; // (token after star, text offset)
    loop {
        if p < tokens.len() {
            // `None`: this token cannot match here (a `?` at the end of the text).
            let literal: Option<&str> = match &tokens[p] {
                Token::Star => {
                    p += 1;
                    backtrack = Some((p, t));
                    continue;
                }
                Token::AnyChar => match text[t..].chars().next() {
                    Some(c) => {
                        t += c.len_utf8();
                        p += 1;
                        continue;
                    }
                    None => None,
                },
                Token::Literal(lit) => Some(lit),
                Token::Hole(i) => Some(holes(*i)),
            };
            if let Some(literal) = literal {
                let end = t + literal.len();
                if end <= text.len()
                    && text.is_char_boundary(end)
                    && eq(literal, &text[t..end], case)
                {
                    t = end;
                    p += 1;
                    continue;
                }
            }
        } else if t == text.len() {
            return true;
        }
        // Mismatch (or pattern exhausted with text left): retry from the last star.
        match backtrack {
            Some((star_next, star_text)) => match text[star_text..].chars().next() {
                Some(c) => {
                    let resume = star_text + c.len_utf8();
                    backtrack = Some((star_next, resume));
                    p = star_next;
                    t = resume;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// Whether `pattern` (`*` any run, `?` one character) matches all of
/// `text` — the same answer as `Glob::new(pattern, case).is_match(text)`,
/// without compiling (or allocating) anything: for a pattern used once.
pub fn wildcard_match(pattern: &str, text: &str, case: Case) -> bool {
    let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| match case {
        Case::Sensitive => a == b,
        Case::AsciiInsensitive => a.eq_ignore_ascii_case(&b),
    };
    // The length of the UTF-8 character that starts with `b` (`?` and a
    // star's advance take whole characters; both texts are valid UTF-8, so
    // literal bytes that match end on a character boundary).
    let char_len = |b: u8| match b {
        0x00..=0x7f => 1,
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        _ => 2,
    };
    let (mut p, mut t) = (0, 0);
    // The pattern position after the last star, and the text position that
    // star is tried to swallow up to.
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                backtrack = Some((p, t));
                continue;
            }
            Some(b'?') if t < text.len() => {
                t += char_len(text[t]);
                p += 1;
                continue;
            }
            Some(&c) if c != b'?' && t < text.len() && same(c, text[t]) => {
                p += 1;
                t += 1;
                continue;
            }
            None if t == text.len() => return true,
            _ => {}
        }
        match backtrack {
            Some((after_star, swallowed)) if swallowed < text.len() => {
                let resume = swallowed + char_len(text[swallowed]);
                backtrack = Some((after_star, resume));
                p = after_star;
                t = resume;
            }
            _ => return false,
        }
    }
}

/// Whether a policy's resource pattern `a` can name a resource whose ARN
/// has the shape `b` (a resource type's ARN pattern, written with
/// wildcards): [`patterns_overlap`], except that ARNs of two different
/// literal services never do — the common case, cheap to rule out, and a
/// resource's service is a part of its ARN, not text a `*` can run over.
pub fn arn_patterns_overlap(a: &str, b: &str) -> bool {
    if let (Some(x), Some(y)) = (arn_service(a), arn_service(b)) {
        let literal = |s: &str| !s.contains(['*', '?']);
        if literal(x) && literal(y) && x != y {
            return false;
        }
    }
    patterns_overlap(a, b)
}

/// Whether some string matches both patterns (`*` any run, `?` one
/// character, case-sensitive), as the evaluator matches them: a `*` runs
/// over `:` and `/` too. Quadratic in the lengths; patterns are short.
pub fn patterns_overlap(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        match settle(a.as_bytes(), b.as_bytes(), b'*', b'?') {
            Ok(answer) => answer,
            Err((a, b)) if b.len() < BIT_PARALLEL_LIMIT => overlap_bits(a, b),
            Err((a, b)) => overlap_table(a, b, b'*', b'?'),
        }
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        match settle(&a, &b, '*', '?') {
            Ok(answer) => answer,
            Err((a, b)) => overlap_table(a, b, '*', '?'),
        }
    }
}

/// The service segment of an ARN (`arn:PARTITION:SERVICE:…`), found by
/// scanning bytes up to its third colon (cheaper than splitting the ARN).
fn arn_service(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let after_partition = rest.bytes().position(|b| b == b':')? + 1;
    let service = rest.get(after_partition..)?;
    let end = service.bytes().position(|b| b == b':')?;
    service.get(..end)
}

/// Whether `pattern` (`*` any run, `?` one character) matches all of
/// `text`: the greedy walk that backs up to the last star on a mismatch.
fn matches_literal<T: Copy + PartialEq>(pattern: &[T], text: &[T], star: T, any: T) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last star was, and the text position it was resumed at.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star => {
                backtrack = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == any || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((after_star, resumed)) => {
                    backtrack = Some((after_star, resumed + 1));
                    p = after_star;
                    t = resumed + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == star)
}

/// The longest second pattern [`overlap_bits`] takes: its rows are the bits
/// of a `u128`, one more than the pattern's length.
const BIT_PARALLEL_LIMIT: usize = 127;

/// [`patterns_overlap`]'s cheap cases, over bytes (ASCII) or characters:
/// the answer, or what is left of both patterns once their literal ends are
/// trimmed, for [`overlap_bits`] or [`overlap_table`] to decide.
type Settled<'p, T> = Result<bool, (&'p [T], &'p [T])>;

fn settle<'p, T: Copy + PartialEq>(
    mut a: &'p [T],
    mut b: &'p [T],
    star: T,
    any: T,
) -> Settled<'p, T> {
    // Where neither side has a star, each side consumes exactly one
    // character: equal literals (or a `?`) go on, different literals can
    // never meet. Trimming both ends this way settles most pairs (ARNs of
    // different services or resource types) without the table below.
    let single_steps_agree = |x: T, y: T| x == y || x == any || y == any;
    while let (Some(&x), Some(&y)) = (a.first(), b.first()) {
        if x == star || y == star {
            break;
        }
        if !single_steps_agree(x, y) {
            return Ok(false);
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(&x), Some(&y)) = (a.last(), b.last()) {
        if x == star || y == star {
            break;
        }
        if !single_steps_agree(x, y) {
            return Ok(false);
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    // A side without wildcards is one string: the other side must match it
    // (a linear walk, no table). This is the usual case: a literal ARN
    // against a resource type's pattern.
    let literal = |x: &[T]| !x.iter().any(|&c| c == star || c == any);
    if literal(a) {
        return Ok(matches_literal(b, a, star, any));
    }
    if literal(b) {
        return Ok(matches_literal(a, b, star, any));
    }
    Err((a, b))
}

/// The table of [`overlap_table`] with each row held in the bits of one
/// `u128` (bit `j` for `b[..j]`), so a step of `a` is a few word operations
/// instead of a pass over `b`. A policy's `…:log-group:/aws/lambda/x:*`
/// against a type's `arn:*:logs:*:*:log-group:*` is the usual case: both
/// sides have stars, and the table would take thousands of steps.
fn overlap_bits(a: &[u8], b: &[u8]) -> bool {
    debug_assert!(b.len() < BIT_PARALLEL_LIMIT && a.is_ascii() && b.is_ascii());
    let full: u128 = (1u128 << (b.len() + 1)) - 1;
    // Positions (bit j + 1 for b[j]) of b's stars, its `?`s, and each literal.
    let (mut stars, mut any) = (0u128, 0u128);
    let mut literal = [0u128; 128];
    for (j, &c) in b.iter().enumerate() {
        let bit = 1u128 << (j + 1);
        match c {
            b'*' => stars |= bit,
            b'?' => any |= bit,
            c => literal[usize::from(c & 0x7f)] |= bit,
        }
    }
    let single_steps = full & !stars & !1;
    // A star of b matches nothing more: what reaches before it reaches past it.
    let through_stars = |mut row: u128| loop {
        let next = row | ((row << 1) & stars);
        if next == row {
            return row;
        }
        row = next;
    };
    let mut row = through_stars(1);
    for &c in a {
        if row == 0 {
            // No prefix of b matches what a has produced so far.
            return false;
        }
        row = if c == b'*' {
            // a's star matches any run: every position from the first reached.
            let lowest = row & row.wrapping_neg();
            !(lowest - 1) & full
        } else {
            let agree = if c == b'?' {
                single_steps
            } else {
                literal[usize::from(c & 0x7f)] | any
            };
            // One step on both sides, or b's star swallowing c (a row is
            // closed under `through_stars`, so the star moving on after it
            // is already in `row`).
            through_stars(((row << 1) & agree) | (stars & row))
        };
    }
    row >> b.len() & 1 == 1
}

/// Whether what is left of two patterns after [`settle`] can produce the
/// same string: the general table, for long or non-ASCII patterns.
fn overlap_table<T: Copy + PartialEq>(a: &[T], b: &[T], star: T, any: T) -> bool {
    let single_steps_agree = |x: T, y: T| x == y || x == any || y == any;
    // row[j] for the current i: a[..i] and b[..j] can produce the same
    // string. Closing a row under the star moves needs a second pass, so
    // each row is computed in two steps: from the previous row, then along it.
    // Rows live on the stack for the usual lengths (ARNs are short).
    const ON_STACK: usize = 256;
    let (mut stack_previous, mut stack_row) = ([false; ON_STACK], [false; ON_STACK]);
    let (mut heap_previous, mut heap_row);
    let (mut previous, mut row): (&mut [bool], &mut [bool]) = if b.len() < ON_STACK {
        (&mut stack_previous[..=b.len()], &mut stack_row[..=b.len()])
    } else {
        heap_previous = vec![false; b.len() + 1];
        heap_row = vec![false; b.len() + 1];
        (&mut heap_previous[..], &mut heap_row[..])
    };
    row[0] = true;
    // Row 0: b's leading stars can produce the empty string.
    for j in 0..b.len() {
        row[j + 1] = row[j] && b[j] == star;
    }
    for &ai in a {
        std::mem::swap(&mut previous, &mut row);
        if !previous.contains(&true) {
            // No prefix of b matches what a has produced so far.
            return false;
        }
        for j in 0..=b.len() {
            // Step ai: a star matching nothing more, a star or a `?`/literal
            // against b's token, or b's star swallowing ai.
            let from_star_a = ai == star && (previous[j] || (j > 0 && row[j - 1]));
            let from_pair = j > 0
                && previous[j - 1]
                && ai != star
                && b[j - 1] != star
                && single_steps_agree(ai, b[j - 1]);
            let from_star_b =
                j > 0 && b[j - 1] == star && (previous[j] || row[j - 1] || previous[j - 1]);
            row[j] = from_star_a || from_pair || from_star_b;
        }
    }
    row[b.len()]
}

/// A deliberately naive matcher over characters, used as the reference that
/// the compiled matcher is property-tested against.
pub fn reference_match(pattern: &[char], text: &[char], case: Case) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => {
            (0..=text.len()).any(|skip| reference_match(rest, &text[skip..], case))
        }
        Some(('?', rest)) => !text.is_empty() && reference_match(rest, &text[1..], case),
        Some((c, rest)) => match text.split_first() {
            Some((t, text_rest)) => {
                let same = match case {
                    Case::Sensitive => c == t,
                    Case::AsciiInsensitive => c.eq_ignore_ascii_case(t),
                };
                same && reference_match(rest, text_rest, case)
            }
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p, Case::Sensitive).is_match(t)
    }

    #[test]
    fn star_crosses_colons_and_slashes() {
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c"));
        assert!(m("arn:aws:lambda:*:fn", "arn:aws:lambda:us-east-1:1:fn"));
        assert!(m("*", ""));
        assert!(m("a*", "a"));
    }

    #[test]
    fn lambda_qualifier_table() {
        let unq = "arn:aws:lambda:us-east-1:111122223333:function:f";
        let q = "arn:aws:lambda:us-east-1:111122223333:function:f:1";
        let admin = "arn:aws:lambda:us-east-1:111122223333:function:f-admin";
        assert!(m(unq, unq));
        assert!(!m(unq, q));
        assert!(!m(&format!("{unq}:*"), unq));
        assert!(m(&format!("{unq}:*"), q));
        assert!(m(&format!("{unq}*"), unq));
        assert!(m(&format!("{unq}*"), q));
        assert!(m(&format!("{unq}*"), admin));
    }

    #[test]
    fn question_mark_is_one_character() {
        assert!(m("a?c", "abc"));
        assert!(m("a?c", "aéc"));
        assert!(!m("a?c", "ac"));
        assert!(!m("a?c", "abbc"));
    }

    #[test]
    fn regex_metacharacters_are_literal() {
        assert!(m(
            "log:2024/06/01/[$LATEST]*",
            "log:2024/06/01/[$LATEST]abc"
        ));
        assert!(!m("a.c", "abc"));
        assert!(m("a.c", "a.c"));
        assert!(!m("f[0-9]", "f1"));
        assert!(m("(x)+|^$", "(x)+|^$"));
    }

    #[test]
    fn ascii_case_folding_for_actions() {
        let g = Glob::new("lambda:Invoke*", Case::AsciiInsensitive);
        assert!(g.is_match("LAMBDA:invokefunction"));
        assert!(!g.is_match("lambda:GetFunction"));
        assert!(
            !Glob::new("lambda:Invoke", Case::AsciiInsensitive).is_match("lambda:InvokeFunction")
        );
    }

    #[test]
    fn backtracking_cases() {
        assert!(m("*a*b*c", "xxaxxbxxabc"));
        assert!(!m("*a*b*c", "xxaxxbxxab"));
        assert!(m("a*b?d", "axxbxbcd"));
        assert!(m("*ab", "aab"));
        assert!(!m("*ab", "aaba"));
    }

    #[test]
    fn overlaps() {
        assert!(patterns_overlap(
            "arn:aws:logs:*:*:log-group:/aws/lambda/x:*",
            "arn:*:logs:*:*:log-group:*:log-stream:*"
        ));
        assert!(!patterns_overlap("arn:aws:s3:::bucket", "arn:*:s3:::*/*"));
        assert!(patterns_overlap("arn:aws:s3:::bucket/*", "arn:*:s3:::*/*"));
        assert!(patterns_overlap("a?c", "*b*"));
        assert!(!patterns_overlap("abc", "abd"));
        assert!(patterns_overlap("*", ""));
        assert!(!patterns_overlap("a", ""));
        // Longer than the rows kept on the stack.
        let long = format!("arn:aws:s3:::{}", "k".repeat(300));
        assert!(patterns_overlap(&format!("{long}/*"), "arn:*:s3:::*/*"));
        assert!(patterns_overlap("arn:*:s3:::*/*", &format!("{long}/x")));
        assert!(!patterns_overlap("arn:*:s3:::*/*", &long));
    }

    /// Every string over {a, b} up to length 6 that matches both, found by brute force.
    fn overlap_by_brute_force(x: &str, y: &str) -> bool {
        let (x, y): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
        (0..=6).any(|len| {
            (0..1u32 << len).any(|bits| {
                let text: Vec<char> = (0..len)
                    .map(|k| if bits >> k & 1 == 1 { 'a' } else { 'b' })
                    .collect();
                reference_match(&x, &text, Case::Sensitive)
                    && reference_match(&y, &text, Case::Sensitive)
            })
        })
    }

    #[test]
    fn literal_matching_agrees_with_the_reference() {
        // Every pattern over {a, b, *, ?} up to length 4 against every
        // string over {a, b} up to length 6.
        let mut patterns = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| ['a', 'b', '*', '?'].map(|c| format!("{p}{c}")))
                .collect();
            patterns.extend(longer);
        }
        patterns.sort();
        patterns.dedup();
        for len in 0..=6 {
            for bits in 0..1u32 << len {
                let text: Vec<char> = (0..len)
                    .map(|k| if bits >> k & 1 == 1 { 'a' } else { 'b' })
                    .collect();
                let text_string: String = text.iter().collect();
                for pattern in &patterns {
                    let chars: Vec<char> = pattern.chars().collect();
                    assert_eq!(
                        matches_literal(pattern.as_bytes(), text_string.as_bytes(), b'*', b'?'),
                        reference_match(&chars, &text, Case::Sensitive),
                        "{pattern} against {text_string}"
                    );
                }
            }
        }
    }

    #[test]
    fn wildcard_match_agrees_with_the_compiled_glob() {
        // Every pattern over {a, B, é, *, ?} up to length 4 against every
        // string over {a, b, é} up to length 5, in both cases.
        let alphabet = ['a', 'B', 'é', '*', '?'];
        let mut patterns = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| alphabet.map(|c| format!("{p}{c}")))
                .collect();
            patterns.extend(longer);
        }
        patterns.sort();
        patterns.dedup();
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| ['a', 'b', 'é'].map(|c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for case in [Case::Sensitive, Case::AsciiInsensitive] {
            for pattern in &patterns {
                let glob = Glob::new(pattern, case);
                // The shortcut shapes of `new` are what the tokens give.
                assert_eq!(
                    glob,
                    Glob::from_tokens(pattern, tokenize(pattern), case),
                    "{pattern:?}"
                );
                for text in &texts {
                    assert_eq!(
                        wildcard_match(pattern, text, case),
                        glob.is_match(text),
                        "{pattern:?} against {text:?} ({case:?})"
                    );
                }
            }
        }
    }

    #[test]
    fn overlap_agrees_with_brute_force() {
        // Every pattern over {a, b, *, ?} up to length 3, against each other.
        let alphabet = ['a', 'b', '*', '?'];
        let mut patterns = vec![String::new()];
        for len in 1..=3u32 {
            for n in 0..4usize.pow(len) {
                let mut k = n;
                let mut p = String::new();
                for _ in 0..len {
                    p.push(alphabet[k % 4]);
                    k /= 4;
                }
                patterns.push(p);
            }
        }
        for x in &patterns {
            for y in &patterns {
                assert_eq!(
                    patterns_overlap(x, y),
                    overlap_by_brute_force(x, y),
                    "{x:?} vs {y:?}"
                );
            }
        }
    }

    #[test]
    fn bit_parallel_overlap_agrees_with_the_table() {
        // Every pair of patterns over {a, b, *, ?} up to length 4, and ARN
        // shapes with stars on both sides, through both deciders directly
        // (patterns_overlap would settle most of them before either).
        let alphabet = [b'a', b'b', b'*', b'?'];
        let mut patterns: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=4u32 {
            for n in 0..4usize.pow(len) {
                let mut k = n;
                patterns.push(
                    (0..len)
                        .map(|_| {
                            let c = alphabet[k % 4];
                            k /= 4;
                            c
                        })
                        .collect(),
                );
            }
        }
        let arns: [&[u8]; 6] = [
            b"arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x:*",
            b"arn:*:logs:*:*:log-group:*",
            b"arn:*:logs:*:*:log-group:*:log-stream:*",
            b"arn:aws:s3:::bucket-?/*",
            b"arn:*:s3:::*/*",
            b"*:log-stream:??*",
        ];
        patterns.extend(arns.iter().map(|a| a.to_vec()));
        for x in &patterns {
            for y in &patterns {
                assert_eq!(
                    overlap_bits(x, y),
                    overlap_table(x, y, b'*', b'?'),
                    "{:?} vs {:?}",
                    String::from_utf8_lossy(x),
                    String::from_utf8_lossy(y)
                );
            }
        }
    }

    #[test]
    fn no_unicode_normalisation() {
        assert!(!m("caf\u{e9}", "cafe\u{301}"));
    }
}
