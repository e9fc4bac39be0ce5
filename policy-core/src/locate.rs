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

/// A per-file index that makes repeated look-ups cheap: where every line
/// starts, and where each item of the top-level arrays and objects starts
/// (`/RoleDetailList/537`), so a look-up walks only from the nearest anchor
/// instead of from the start of a large file.
#[derive(Clone, Debug, Default)]
pub struct LocateIndex {
    line_starts: Vec<usize>,
    /// Pointer → (where its value starts, where its member starts).
    anchors: std::collections::HashMap<String, (usize, usize)>,
}

impl LocateIndex {
    /// Indexes `text` (one pass).
    pub fn build(text: &str) -> LocateIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut anchors = std::collections::HashMap::new();
        let mut walker = Walker {
            bytes: text.as_bytes(),
            pos: 0,
            member_start: None,
        };
        walker.skip_ws();
        walker.record_children("", 2, &mut anchors);
        LocateIndex {
            line_starts,
            anchors,
        }
    }

    /// The line and column of byte `offset`.
    pub fn location_of_offset(&self, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        let column = text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count())
            + 1;
        let column = past_the_mark(text, line_start, column);
        Location {
            line,
            column,
            offset,
        }
    }

    /// Like [`locate`], walking from the nearest indexed element.
    pub fn locate(&self, text: &str, pointer: &str) -> Option<Location> {
        // The longest indexed prefix of the pointer, at a token boundary.
        let mut prefix = pointer;
        let (start, rest) = loop {
            if let Some(&(value, member)) = self.anchors.get(prefix) {
                break (Some((value, member)), &pointer[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => break (None, pointer),
            }
        };
        let Some((value_start, member_start)) = start else {
            return locate(text, pointer).map(|l| self.location_of_offset(text, l.offset));
        };
        if rest.is_empty() {
            return Some(self.location_of_offset(text, member_start));
        }
        let mut walker = Walker {
            bytes: text.as_bytes(),
            pos: value_start,
            member_start: None,
        };
        for token in rest.strip_prefix('/')?.split('/') {
            walker.member_start = None;
            walker.descend(&unescape_token(token))?;
        }
        Some(self.location_of_offset(text, walker.member_start.unwrap_or(walker.pos)))
    }
}

/// What the UTF-8 byte order mark that starts some files (Windows tools
/// write it) is read as: white space of the mark's three bytes, which the
/// JSON readers skip and which keeps every offset the file's — in a form
/// no file starts with, so that columns on the first line can leave it
/// out, as editors do.
pub const BLANKED_BYTE_ORDER_MARK: &str = "\t\r\t";

/// A line of a file as shown, without the blanked byte order mark that may
/// start the first one.
pub fn without_blanked_mark(line: &str) -> &str {
    line.strip_prefix(BLANKED_BYTE_ORDER_MARK).unwrap_or(line)
}

/// A column counted from a line's start, less a blanked byte order mark
/// there (the first line's first three characters); at least 1.
fn past_the_mark(text: &str, line_start: usize, column: usize) -> usize {
    if line_start == 0 && text.starts_with(BLANKED_BYTE_ORDER_MARK) {
        column.saturating_sub(BLANKED_BYTE_ORDER_MARK.len()).max(1)
    } else {
        column
    }
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
    let column = past_the_mark(text, line_start, column);
    Location {
        line,
        column,
        offset,
    }
}

/// The column, in characters as every location here counts them, where
/// serde_json stopped reading `text` with `error`, whose own column counts
/// bytes (1-based; 0 stays 0) on the line `error.line()`.
pub fn json_error_column(text: &str, error: &serde_json::Error) -> usize {
    let (line, byte_column) = (error.line(), error.column());
    if byte_column == 0 {
        return 0;
    }
    let line_start = match line.checked_sub(2) {
        None => 0,
        Some(newlines) => memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(newlines)
            .map_or(text.len(), |i| i + 1),
    };
    let end = (line_start + byte_column - 1).min(text.len());
    let column = String::from_utf8_lossy(&text.as_bytes()[line_start..end])
        .chars()
        .count()
        + 1;
    past_the_mark(text, line_start, column)
}

/// Where the element at `pointer` starts in the JSON `text`: for an object
/// member its key (`"Effect": …` starts at `"Effect"`), for an array item its
/// value. `None` when the text is not valid JSON up to there or the pointer
/// leads nowhere. An empty pointer is the whole document.
pub fn locate(text: &str, pointer: &str) -> Option<Location> {
    let tokens = match pointer {
        "" => None,
        _ => Some(pointer.strip_prefix('/')?.split('/')),
    };
    let mut walker = Walker {
        bytes: text.as_bytes(),
        pos: 0,
        member_start: None,
    };
    walker.skip_ws();
    for token in tokens.into_iter().flatten() {
        walker.member_start = None;
        walker.descend(&unescape_token(token))?;
    }
    Some(location_of_offset(
        text,
        walker.member_start.unwrap_or(walker.pos),
    ))
}

/// Where each of `pointers` lands in `text`: the answers [`locate`] gives
/// one by one, found in a single walk of the text that descends only into
/// the members the pointers name and stops once all are found. Lines and
/// columns come from one more pass over the text, in offset order.
pub fn locate_all(text: &str, pointers: &[&str]) -> Vec<Option<Location>> {
    lines_and_columns(text, &offsets_of(text, pointers))
}

/// Where each of `pointers` lands in `text`, as byte offsets.
fn offsets_of(text: &str, pointers: &[&str]) -> Vec<Option<usize>> {
    let mut trie = PointerTrie::default();
    let mut found: Vec<Option<usize>> = vec![None; pointers.len()];
    // Tokens two pointers spell differently but that name the same array
    // item (`/1`, `/01`) would need the item walked twice: those pointers,
    // rare, are located one by one.
    let mut alone: Vec<usize> = Vec::new();
    for (i, pointer) in pointers.iter().enumerate() {
        match pointer.strip_prefix('/') {
            _ if pointer.is_empty() => trie.nodes[0].wanted.push(i),
            Some(rest) if !trie.insert(rest.split('/').map(unescape_token), i) => alone.push(i),
            // Added, or not a pointer (found nowhere, as with `locate`).
            _ => {}
        }
    }
    let mut walker = Walker {
        bytes: text.as_bytes(),
        pos: 0,
        member_start: None,
    };
    walker.skip_ws();
    let mut remaining = trie.wanted_count();
    // A walk cut short by broken JSON leaves the rest unfound, as `locate`
    // would: it walks the same text up to each element.
    let start = walker.pos;
    let _ = trie.walk(0, &mut walker, start, &mut found, &mut remaining);
    for i in alone {
        found[i] = locate(text, pointers[i]).map(|l| l.offset);
    }
    found
}

/// Where each item of a file's top-level lists is (`RoleDetailList`,
/// `Functions`, …), as reading the file in parallel found it: its bytes, and
/// the line and column it starts at. A large file's findings are then
/// located by reading only the items they point into.
#[derive(Clone, Debug, Default)]
pub struct ItemAnchors {
    /// (list name, its items).
    lists: Vec<(Box<str>, Vec<ItemSpan>)>,
}

/// One item of a top-level list.
#[derive(Clone, Copy, Debug)]
struct ItemSpan {
    /// Its value's bytes in the file.
    start: usize,
    end: usize,
    /// Where its value starts.
    line: usize,
    column: usize,
}

impl ItemAnchors {
    /// The anchors of `lists` — (name, the byte range of each item's value)
    /// — in `text`, with one newline count over the text.
    pub fn new(text: &str, lists: Vec<(&str, Vec<std::ops::Range<usize>>)>) -> ItemAnchors {
        let starts: Vec<Option<usize>> = lists
            .iter()
            .flat_map(|(_, items)| items.iter().map(|item| Some(item.start)))
            .collect();
        let mut places = lines_and_columns(text, &starts).into_iter();
        let lists = lists
            .into_iter()
            .map(|(name, items)| {
                let spans = items
                    .into_iter()
                    .map(|item| {
                        let place = places.next().flatten();
                        ItemSpan {
                            start: item.start,
                            end: item.end,
                            line: place.map_or(1, |p| p.line),
                            column: place.map_or(1, |p| p.column),
                        }
                    })
                    .collect();
                (Box::from(name), spans)
            })
            .collect();
        ItemAnchors { lists }
    }

    /// Whether no list was recorded.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// For a pointer into an item of a recorded list (`/RoleDetailList/537/…`),
    /// the item and the rest of the pointer (`/…`, or empty).
    fn item<'p>(&self, pointer: &'p str) -> Option<(ItemSpan, &'p str)> {
        let (list, rest) = pointer.strip_prefix('/')?.split_once('/')?;
        let (index, rest) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, ""),
        };
        let items = &self.lists.iter().find(|(name, _)| **name == *list)?.1;
        Some((*items.get(index.parse::<usize>().ok()?)?, rest))
    }
}

/// [`locate_all`] for a large file whose list items are anchored, when
/// every pointer leads into one of them (`None` otherwise): each item is
/// read alone (`read` gives a byte range of the file) and walked for the
/// pointers into it, the items in parallel. Neither the whole file nor one
/// walk of it on one thread is needed.
pub fn locate_in_items(
    pointers: &[&str],
    anchors: &ItemAnchors,
    read: &(dyn Fn(std::ops::Range<usize>) -> Option<String> + Sync),
) -> Option<Vec<Option<Location>>> {
    use rayon::prelude::*;
    let mut in_items: Vec<(usize, usize, &str, ItemSpan)> = Vec::with_capacity(pointers.len());
    for (i, pointer) in pointers.iter().enumerate() {
        let (item, rest) = anchors.item(pointer)?;
        in_items.push((item.start, i, rest, item));
    }
    in_items.sort_unstable_by_key(|&(start, i, _, _)| (start, i));
    let groups: Vec<&[(usize, usize, &str, ItemSpan)]> =
        in_items.chunk_by(|a, b| a.0 == b.0).collect();
    // An item that cannot be read (the file changed since it was read)
    // sends the caller to the whole file.
    let found: Vec<Vec<(usize, Option<Location>)>> = groups
        .par_iter()
        .map(|group| {
            let item = group[0].3;
            let rests: Vec<&str> = group.iter().map(|&(_, _, rest, _)| rest).collect();
            let text = read(item.start..item.end)?;
            // Lines and columns inside the item, moved to its place.
            let places = lines_and_columns(&text, &offsets_of(&text, &rests))
                .into_iter()
                .map(|place| {
                    place.map(|p| Location {
                        line: item.line + p.line - 1,
                        column: if p.line == 1 {
                            item.column + p.column - 1
                        } else {
                            p.column
                        },
                        offset: item.start + p.offset,
                    })
                });
            Some(group.iter().map(|&(_, i, _, _)| i).zip(places).collect())
        })
        .collect::<Option<_>>()?;
    let mut locations = vec![None; pointers.len()];
    for (i, place) in found.into_iter().flatten() {
        locations[i] = place;
    }
    Some(locations)
}

/// The line and column of each offset, in one pass over the text.
fn lines_and_columns(text: &str, offsets: &[Option<usize>]) -> Vec<Option<Location>> {
    let mut order: Vec<(usize, usize)> = offsets
        .iter()
        .enumerate()
        .filter_map(|(i, offset)| Some(((*offset)?.min(text.len()), i)))
        .collect();
    order.sort_unstable();
    let mut locations = vec![None; offsets.len()];
    let bytes = text.as_bytes();
    let (mut line, mut line_start, mut scanned) = (1, 0, 0);
    // The characters of the current line up to `counted`: a long line
    // (minified JSON is one) is counted once, not again for each offset.
    let (mut counted, mut chars) = (0, 0);
    for (offset, i) in order {
        if let Some(between) = bytes.get(scanned..offset) {
            // Counted with SIMD; the last newline is found from the end.
            line += memchr::memchr_iter(b'\n', between).count();
            if let Some(last) = memchr::memrchr(b'\n', between) {
                line_start = scanned + last + 1;
            }
        }
        scanned = scanned.max(offset);
        if counted < line_start {
            (counted, chars) = (line_start, 0);
        }
        let column = match text.get(counted..offset) {
            Some(between) => {
                chars += between.chars().count();
                counted = offset;
                chars + 1
            }
            // Inside a character (no pointer leads there): bytes count.
            None => offset - line_start + 1,
        };
        let column = past_the_mark(text, line_start, column);
        locations[i] = Some(Location {
            line,
            column,
            offset,
        });
    }
    locations
}

/// The pointers to find, as a tree of their tokens.
struct PointerTrie<'p> {
    nodes: Vec<TrieNode<'p>>,
}

#[derive(Default)]
struct TrieNode<'p> {
    /// (token, the token read as an array index, child node, whether it
    /// was found already: an object's first member of a name counts).
    children: Vec<(std::borrow::Cow<'p, str>, Option<usize>, usize, bool)>,
    /// (array index, position in `children`) of the children whose token
    /// is an index, sorted: findings point at many items of one large list
    /// (`/RoleDetailList/537/…`), and each item walked past is looked up.
    by_index: Vec<(usize, usize)>,
    /// The pointers that end here.
    wanted: Vec<usize>,
}

impl Default for PointerTrie<'_> {
    fn default() -> Self {
        PointerTrie {
            nodes: vec![TrieNode::default()],
        }
    }
}

impl<'p> PointerTrie<'p> {
    /// Adds pointer number `i`; `false` when one of its tokens names the
    /// same array item as a sibling spelled differently.
    fn insert(
        &mut self,
        tokens: impl Iterator<Item = std::borrow::Cow<'p, str>>,
        i: usize,
    ) -> bool {
        let mut node = 0;
        for token in tokens {
            let index = token.parse::<usize>().ok();
            let parent = &self.nodes[node];
            let sibling = match index {
                Some(index) => parent
                    .by_index
                    .binary_search_by_key(&index, |&(i, _)| i)
                    .ok()
                    .map(|at| &parent.children[parent.by_index[at].1]),
                None => parent.children.iter().find(|c| c.0 == token),
            };
            if let Some((spelled, _, child, _)) = sibling {
                if *spelled != token {
                    return false;
                }
                node = *child;
                continue;
            }
            let child = self.nodes.len();
            self.nodes.push(TrieNode::default());
            let parent = &mut self.nodes[node];
            if let Some(index) = index {
                let at = parent.by_index.partition_point(|&(i, _)| i < index);
                parent.by_index.insert(at, (index, parent.children.len()));
            }
            parent.children.push((token, index, child, false));
            node = child;
        }
        self.nodes[node].wanted.push(i);
        true
    }

    fn wanted_count(&self) -> usize {
        self.nodes.iter().map(|n| n.wanted.len()).sum()
    }

    /// Records where node `node`'s pointers land (`at`: where its element
    /// starts), then walks its value at `walker.pos` for its children.
    /// Returns `None` on broken JSON; leaves the walker after the value,
    /// or anywhere once nothing remains to be found.
    fn walk(
        &mut self,
        node: usize,
        walker: &mut Walker<'_>,
        at: usize,
        found: &mut [Option<usize>],
        remaining: &mut usize,
    ) -> Option<()> {
        for &i in &self.nodes[node].wanted {
            found[i] = Some(at);
            *remaining -= 1;
        }
        if *remaining == 0 {
            return Some(());
        }
        if self.nodes[node].children.is_empty() {
            return walker.skip_value();
        }
        walker.skip_ws();
        if !matches!(walker.peek()?, b'{' | b'[') {
            return walker.skip_value();
        }
        walker.each_member(|walker, member| {
            let TrieNode {
                children, by_index, ..
            } = &mut self.nodes[node];
            let child = match &member.key {
                Some(key) => children.iter_mut().find(|c| !c.3 && c.0 == *key),
                None => by_index
                    .binary_search_by_key(&member.index, |&(i, _)| i)
                    .ok()
                    .and_then(|at| children.get_mut(by_index[at].1))
                    .filter(|c| !c.3),
            };
            let Some(child) = child else {
                walker.skip_value()?;
                return Some(true);
            };
            child.3 = true;
            let child = child.2;
            self.walk(child, walker, member.start, found, remaining)?;
            Some(*remaining > 0)
        })
    }
}

/// A JSON pointer token with `~1` and `~0` read as `/` and `~` (copied
/// only when it has them).
fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// A member of an object or array, as [`Walker::each_member`] finds it.
struct Member<'a> {
    /// An object member's key (`None` for an array item).
    key: Option<std::borrow::Cow<'a, str>>,
    /// Its position among the container's members.
    index: usize,
    /// Where it begins: its key, or an array item's value.
    start: usize,
}

struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Where the key of the member last descended into starts.
    member_start: Option<usize>,
}

impl<'a> Walker<'a> {
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
                    let matches = self.string()? == token;
                    self.expect(b':')?;
                    self.skip_ws();
                    if matches {
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

    /// Records where each child of the container at `self.pos` starts, down
    /// to `depth` levels, then moves past the container.
    fn record_children(
        &mut self,
        pointer: &str,
        depth: usize,
        anchors: &mut std::collections::HashMap<String, (usize, usize)>,
    ) -> Option<()> {
        self.skip_ws();
        if depth == 0 || !matches!(self.peek()?, b'{' | b'[') {
            return self.skip_value();
        }
        self.each_member(|walker, member| {
            let token = match member.key {
                Some(key) => key.replace('~', "~0").replace('/', "~1"),
                None => member.index.to_string(),
            };
            let child = format!("{pointer}/{token}");
            anchors.insert(child.clone(), (walker.pos, member.start));
            walker.record_children(&child, depth - 1, anchors)?;
            Some(true)
        })
    }

    /// Calls `visit` for each member of the object or array at `self.pos`,
    /// with the walker at the member's value; `visit` moves past the value
    /// and says whether to go on. Ends past the container, or where `visit`
    /// stopped; `None` on broken JSON.
    fn each_member(
        &mut self,
        mut visit: impl FnMut(&mut Self, Member<'a>) -> Option<bool>,
    ) -> Option<()> {
        self.skip_ws();
        let object = match self.peek()? {
            b'{' => true,
            b'[' => false,
            _ => return None,
        };
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            if matches!(self.peek()?, b'}' | b']') {
                self.pos += 1;
                return Some(());
            }
            let start = self.pos;
            let key = if object {
                let key = self.string()?;
                self.expect(b':')?;
                Some(key)
            } else {
                None
            };
            self.skip_ws();
            if !visit(self, Member { key, index, start })? {
                return Some(());
            }
            index += 1;
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' | b']' => {}
                _ => return None,
            }
        }
    }

    /// Moves past the string at `self.pos`, returning its raw text between
    /// the quotes (escapes not decoded) — no allocation on the walk.
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        self.pos = start;
        let bytes: &'a [u8] = self.bytes;
        loop {
            // Most of a dump's bytes are inside strings: jump to the next
            // quote or backslash.
            let rest = bytes.get(self.pos..)?;
            self.pos += memchr::memchr2(b'"', b'\\', rest)?;
            match bytes.get(self.pos)? {
                b'\\' => self.pos += 2,
                _ => {
                    self.pos += 1;
                    return bytes.get(start..self.pos - 1);
                }
            }
        }
    }

    /// Moves past the string at `self.pos`, returning it decoded.
    fn string(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let start = self.pos;
        let raw = self.raw_string()?;
        if !raw.contains(&b'\\') {
            return std::str::from_utf8(raw)
                .ok()
                .map(std::borrow::Cow::Borrowed);
        }
        let bytes: &'a [u8] = self.bytes;
        let quoted = std::str::from_utf8(bytes.get(start..self.pos)?).ok()?;
        serde_json::from_str::<String>(quoted)
            .ok()
            .map(std::borrow::Cow::Owned)
    }

    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.raw_string().map(drop),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    // Past the bytes that do not open or close anything
                    // (indentation, numbers, `:` and `,`) in one tight loop.
                    let rest = self.bytes.get(self.pos..)?;
                    self.pos += rest
                        .iter()
                        .position(|b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))?;
                    match self.peek()? {
                        b'"' => {
                            self.raw_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        _ => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
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
    fn serde_json_error_columns_are_counted_in_characters() {
        for (text, line, column) in [
            // `"x"` after five two-byte, three three-byte and one four-byte
            // characters: byte 34, character 20.
            ("{\"Sid\":\"ééééé€€€😀\" \"x\":1}", 1, 20),
            ("{\n  \"é\": 1 \"b\": 2}", 2, 10),
            ("[1,\n2,\n€€ ]", 3, 1),
        ] {
            let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            assert_eq!(error.line(), line, "{text}");
            assert_eq!(json_error_column(text, &error), column, "{text}");
        }
    }

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
    fn lines_and_columns_agree_with_one_offset_at_a_time() {
        // Several offsets on each line, long lines, characters of several
        // bytes, and offsets repeated and out of order.
        let text = "{\"é\": [\"aé\", \"b\"],\n  \"c\": \"ü\"}\n\n".repeat(40) + &"x".repeat(5000);
        let mut offsets: Vec<Option<usize>> = text
            .char_indices()
            .map(|(i, _)| i)
            .step_by(7)
            .map(Some)
            .collect();
        offsets.extend([
            Some(0),
            Some(text.len()),
            None,
            Some(4),
            Some(text.len() + 9),
        ]);
        offsets.reverse();
        let together = lines_and_columns(&text, &offsets);
        for (offset, place) in offsets.iter().zip(together) {
            assert_eq!(
                place,
                offset.map(|o| location_of_offset(&text, o)),
                "{offset:?}"
            );
        }
    }

    #[test]
    fn missing_elements_are_none() {
        assert!(locate(DOC, "/Statement/5").is_none());
        assert!(locate(DOC, "/Nope").is_none());
        assert!(locate("{", "/a").is_none());
    }

    #[test]
    fn the_index_gives_the_same_answers() {
        let index = LocateIndex::build(DOC);
        for pointer in [
            "",
            "/Version",
            "/Statement",
            "/Statement/0",
            "/Statement/1/Effect",
            "/Statement/1/Action/2",
            "/Statement/1/Action/1/x/1",
            "/Nope",
            "/Statement/9",
        ] {
            assert_eq!(
                index.locate(DOC, pointer),
                locate(DOC, pointer),
                "{pointer}"
            );
        }
        let text = "[\n {\"a\": 1},\n {\"b\": [true, \"é\", {\"c\": null}]}\n]";
        let index = LocateIndex::build(text);
        for pointer in ["/0", "/1/b", "/1/b/2/c", "/0/a", "/2"] {
            assert_eq!(
                index.locate(text, pointer),
                locate(text, pointer),
                "{pointer}"
            );
        }
    }

    #[test]
    fn one_walk_finds_what_each_look_up_finds() {
        let texts = [
            DOC,
            "[\n {\"a\": 1},\n {\"b\": [true, \"é\", {\"c\": null}]}\n]",
            r#"{"a/b": {"c~d": 1}, "a": 2, "a": {"x": 3}, "l": [0, 1, 2]}"#,
            r#"{"Statement": [{"Action": "x"}, {"Action": ["y", "#,
        ];
        let pointers = [
            "",
            "/Version",
            "/Statement",
            "/Statement/0",
            "/Statement/1/Effect",
            "/Statement/1/Action/2",
            "/Statement/1/Action/1/x/1",
            "/Statement/1/Action/01",
            "/Statement/1/Action/1",
            "/Nope",
            "/Statement/9",
            "/0",
            "/1/b",
            "/1/b/2/c",
            "/0/a",
            "/2",
            "/a~1b/c~0d",
            "/a",
            "/a/x",
            "/l/2",
            "/l/02",
            "not a pointer",
            "/Statement/1/Action/0",
            "/Statement/0/Action",
        ];
        for text in texts {
            let all = locate_all(text, &pointers);
            for (pointer, found) in pointers.iter().zip(&all) {
                assert_eq!(*found, locate(text, pointer), "{pointer} in {text}");
            }
            // And each alone, in any order.
            for pointer in pointers.iter().rev() {
                assert_eq!(locate_all(text, &[pointer]), [locate(text, pointer)]);
            }
        }
    }

    #[test]
    fn escaped_tokens() {
        let text = r#"{"a/b": {"c~d": 1}}"#;
        assert_eq!(locate(text, "/a~1b/c~0d").unwrap().column, 10);
    }
}
