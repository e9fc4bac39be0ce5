//! A sorted map for the few entries a role or function holds (its inline
//! policies, tags, aliases, resource policies, URLs).
//!
//! A `BTreeMap` allocates a whole node (room for eleven entries) for the
//! first one; with one or two entries per role or function, across a
//! hundred thousand of them, that is most of the model's memory. This keeps
//! the entries in one sorted vector, with the `BTreeMap` operations the model
//! uses, the same iteration order, and the same serialized form.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map kept as a vector sorted by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn position<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.position(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.position(key).is_ok()
    }

    /// Sets the value of `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.grow_by_one();
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting `value` first if it has none (the
    /// `BTreeMap::entry(key).or_insert(value)` of this map).
    pub fn get_or_insert(&mut self, key: K, value: V) -> &mut V {
        let i = match self.position(&key) {
            Ok(i) => i,
            Err(i) => {
                self.grow_by_one();
                self.entries.insert(i, (key, value));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Makes room for one more entry, and no more: these maps hold a few
    /// entries each, and a large account has tens of thousands of them,
    /// where a vector's doubling would leave most of the memory unused.
    fn grow_by_one(&mut self) {
        if self.entries.len() == self.entries.capacity() {
            self.entries.reserve_exact(1);
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> Extend<(K, V)> for SmallMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SmallMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SmallMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SmallMap<K, V> {
    type Output = V;

    /// # Panics
    /// When `key` has no value, like `BTreeMap`'s index.
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry for the key in the map"),
        }
    }
}

impl<K: Serialize, V: Serialize> Serialize for SmallMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SmallMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<K, V>::deserialize(d)?;
        Ok(SmallMap {
            entries: map.into_iter().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut small = SmallMap::new();
        let mut btree = BTreeMap::new();
        for (i, key) in [5, 1, 9, 1, 3, 9, 0, 7].into_iter().enumerate() {
            assert_eq!(small.insert(key, i), btree.insert(key, i));
        }
        assert!(small.iter().eq(btree.iter()));
        assert_eq!(small.len(), btree.len());
        assert_eq!(small.get(&3), btree.get(&3));
        assert_eq!(small.get(&4), None);
        assert!(small.contains_key(&7) && !small.contains_key(&8));
        *small.get_or_insert(4, 100) += 1;
        *btree.entry(4).or_insert(100) += 1;
        assert_eq!(*small.get_or_insert(4, 0), 101);
        assert!(small.values().eq(btree.values()));
        assert_eq!(
            serde_json::to_string(
                &small
                    .iter()
                    .map(|(k, v)| (k.to_string(), *v))
                    .collect::<SmallMap<_, _>>()
            )
            .ok(),
            serde_json::to_string(
                &btree
                    .iter()
                    .map(|(k, v)| (k.to_string(), *v))
                    .collect::<BTreeMap<_, _>>()
            )
            .ok()
        );
    }

    #[test]
    fn reads_what_it_writes() {
        let map: SmallMap<String, u32> = [("b".to_owned(), 2), ("a".to_owned(), 1)]
            .into_iter()
            .collect();
        let text = serde_json::to_string(&map).unwrap_or_default();
        assert_eq!(text, r#"{"a":1,"b":2}"#);
        let back: Result<SmallMap<String, u32>, _> = serde_json::from_str(&text);
        assert_eq!(back.ok(), Some(map));
    }
}
