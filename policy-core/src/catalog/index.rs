//! Hash look-ups of the catalog's services and actions by name, ignoring
//! ASCII case.
//!
//! The tables are sorted, so a binary search finds any name; but linting
//! looks up every action of every statement in several rules, and each step
//! of a binary search reads another name somewhere in the catalog's text (a
//! cache miss apiece). A hashed look-up reads one slot, one entry and one
//! name.

/// An open-addressing table of entry indexes, keyed by a name hashed with
/// ASCII case folded. It stores no names: the caller says whether an entry
/// is the one looked for.
pub(super) struct NameIndex {
    /// Entry index + 1; 0 is an empty slot.
    slots: Vec<u32>,
    /// `slots.len() - 1` (the length is a power of two).
    mask: usize,
}

impl NameIndex {
    /// Indexes `count` entries; `name(i)` gives entry `i`'s name in parts
    /// (hashed as if joined).
    pub(super) fn build<'n>(count: usize, name: impl Fn(usize) -> [&'n str; 3]) -> NameIndex {
        // At most half full: probes stay short.
        let size = (count * 2).next_power_of_two().max(16);
        // Zeroed by writing, not by the allocator: fresh pages the probes
        // below would read first come mapped to the shared zero page, and
        // each one's first write then costs a copy-on-write fault that
        // interrupts every other CPU running this process (a TLB flush):
        // about a millisecond for the action table.
        #[expect(
            clippy::slow_vector_initialization,
            reason = "the zeroes must be written: see above"
        )]
        let mut slots = {
            let mut slots = Vec::with_capacity(size);
            slots.resize(size, 0u32);
            slots
        };
        let mask = size - 1;
        for i in 0..count {
            let mut slot = hash(name(i)) as usize & mask;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            // Catalog tables are indexed with u32 spans, so `i + 1` fits.
            slots[slot] = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        NameIndex { slots, mask }
    }

    /// The first entry named `parts` (hashed as if joined) for which `is_it`
    /// holds.
    pub(super) fn find(&self, parts: [&str; 3], is_it: impl Fn(usize) -> bool) -> Option<usize> {
        let mut slot = hash(parts) as usize & self.mask;
        loop {
            let entry = *self.slots.get(slot)?;
            if entry == 0 {
                return None;
            }
            let index = entry as usize - 1;
            if is_it(index) {
                return Some(index);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// A hash of the parts joined, ASCII case folded, read eight bytes at a
/// time (FxHash's mixing per word, then its high bits brought down: the
/// table keeps the low ones). Case is folded by setting bit 5 of every
/// byte: an upper-case letter and its lower-case one then agree, which is
/// all a hash needs (other bytes that agree only collide, and the caller
/// compares names).
fn hash(parts: [&str; 3]) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut h: u64 = 0;
    // The bytes of an unfinished word, and how many there are.
    let mut word: u64 = 0;
    let mut filled = 0u32;
    let mut length = 0u64;
    for part in parts {
        let mut bytes = part.as_bytes();
        length += bytes.len() as u64;
        if filled == 0 {
            let mut words = bytes.chunks_exact(8);
            for chunk in &mut words {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                h = mix(h, u64::from_le_bytes(eight) | FOLD);
            }
            bytes = words.remainder();
        }
        for &b in bytes {
            word |= u64::from(b | 0x20) << (8 * filled);
            filled += 1;
            if filled == 8 {
                h = mix(h, word);
                word = 0;
                filled = 0;
            }
        }
    }
    if filled > 0 {
        h = mix(h, word);
    }
    h = mix(h, length);
    h ^ (h >> 29) ^ (h >> 47)
}

/// Whether `name` is `parts` joined, ignoring ASCII case.
pub(super) fn is_named(name: &str, parts: [&str; 3]) -> bool {
    let name = name.as_bytes();
    if name.len() != parts.iter().map(|p| p.len()).sum::<usize>() {
        return false;
    }
    let mut rest = name;
    for part in parts {
        let (head, tail) = rest.split_at(part.len());
        if !head.eq_ignore_ascii_case(part.as_bytes()) {
            return false;
        }
        rest = tail;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_in_any_case_and_nothing_else() {
        let names: Vec<String> = (0..1000)
            .map(|i| format!("svc{}:Action{i}", i % 7))
            .collect();
        let index = NameIndex::build(names.len(), |i| [names[i].as_str(), "", ""]);
        for (i, name) in names.iter().enumerate() {
            let (prefix, action) = name.split_once(':').unwrap_or_default();
            let upper = action.to_ascii_uppercase();
            let parts = [prefix, ":", upper.as_str()];
            assert_eq!(index.find(parts, |j| is_named(&names[j], parts)), Some(i));
        }
        let parts = ["svc1", ":", "Action2"];
        assert_eq!(index.find(parts, |j| is_named(&names[j], parts)), None);
        // Split anywhere, the joined name hashes the same.
        let name = "SecretsManager:GetSecretValue";
        for at in 0..=name.len() {
            let (head, tail) = name.split_at(at);
            for middle in 0..=tail.len() {
                let (a, b) = tail.split_at(middle);
                assert_eq!(hash([head, a, b]), hash([name, "", ""]), "{head}|{a}|{b}");
            }
        }
        assert_eq!(
            hash(["secretsmanager:getsecretvalue", "", ""]),
            hash([name, "", ""])
        );
        assert_ne!(
            hash(["secretsmanager:getsecretvalu", "", ""]),
            hash([name, "", ""])
        );
        let empty = NameIndex::build(0, |_| ["", "", ""]);
        assert_eq!(empty.find(["a", "", ""], |_| true), None);
    }

    #[test]
    fn is_named_compares_the_joined_parts() {
        assert!(is_named(
            "lambda:InvokeFunction",
            ["LAMBDA", ":", "invokefunction"]
        ));
        assert!(!is_named(
            "lambda:InvokeFunction",
            ["lambda", ":", "InvokeFunctio"]
        ));
        assert!(!is_named(
            "lambda:InvokeFunction",
            ["lambda:", "", "InvokeFunctionX"]
        ));
        assert!(is_named("", ["", "", ""]));
    }
}
