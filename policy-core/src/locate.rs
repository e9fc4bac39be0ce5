//! Finds where a JSON pointer lands in the original text (line and column).
//!
//! Documents are parsed with `serde_json` on the hot path, which keeps no
//! positions. Positions are only needed when something is reported, so they
//! are recovered on demand by walking the text to the pointer.

use serde::Serialize;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the element in the text.
    #[serde(skip)]
    pub offset: usize,
}

/// The line and column of byte `offset` in `text`.
pub fn location_of_offset(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Location {
        line,
        column,
        offset,
    }
}

/// Where the element at `pointer` starts in the JSON `text`: for an object
/// member its key (`"Effect": …` starts at `"Effect"`), for an array item its
/// value. `None` when the text is not valid JSON up to there or the pointer
/// leads nowhere. An empty pointer is the whole document.
pub fn locate(text: &str, pointer: &str) -> Option<Location> {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let mut walker = Walker {
        bytes: text.as_bytes(),
        pos: 0,
        member_start: None,
    };
    walker.skip_ws();
    for token in &tokens {
        walker.member_start = None;
        walker.descend(token)?;
    }
    Some(location_of_offset(
        text,
        walker.member_start.unwrap_or(walker.pos),
    ))
}

struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Where the key of the member last descended into starts.
    member_start: Option<usize>,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// Moves from the start of a container to the start of its member `token`.
    fn descend(&mut self, token: &str) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key_start = self.pos;
                    let key = self.string()?;
                    self.expect(b':')?;
                    self.skip_ws();
                    if key == token {
                        self.member_start = Some(key_start);
                        return Some(());
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.pos += 1;
                for _ in 0..index {
                    self.skip_ws();
                    self.skip_value()?;
                    self.expect(b',')?;
                }
                self.skip_ws();
                (self.peek()? != b']').then_some(())
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw = std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()?;
        serde_json::from_str(raw).ok()
    }

    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*"},
    {
      "Effect": "allow",
      "Action": ["a", {"x": [1, "]"]}, "lambda:Invoke"]
    }
  ]
}"#;

    #[test]
    fn finds_nested_elements() {
        let l = locate(DOC, "/Statement/1/Effect").unwrap();
        assert_eq!((l.line, l.column), (6, 7));
        let l = locate(DOC, "/Statement/1/Action/2").unwrap();
        assert_eq!((l.line, l.column), (7, 40));
        let l = locate(DOC, "/Statement/0").unwrap();
        assert_eq!((l.line, l.column), (4, 5));
        assert_eq!(locate(DOC, "").unwrap().line, 1);
    }

    #[test]
    fn missing_elements_are_none() {
        assert!(locate(DOC, "/Statement/5").is_none());
        assert!(locate(DOC, "/Nope").is_none());
        assert!(locate("{", "/a").is_none());
    }

    #[test]
    fn escaped_tokens() {
        let text = r#"{"a/b": {"c~d": 1}}"#;
        assert_eq!(locate(text, "/a~1b/c~0d").unwrap().column, 10);
    }
}
