//! "Did you mean …?" suggestions for misspelt names.

/// Edit distance between `a` and `b`, ignoring ASCII case.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a typo: at
/// most a third of the name's length away (and at least one edit allowed).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (distance(name, candidate), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, candidate)| (*d, *candidate))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("Effect", "effect"), 0);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn closest_is_only_returned_when_close() {
        assert_eq!(closest("Efect", ["Effect", "Action"]), Some("Effect"));
        assert_eq!(closest("Zzzzzz", ["Effect", "Action"]), None);
    }
}
