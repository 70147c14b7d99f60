//! RFC 6962 / RFC 9162 Merkle tree: tree heads of any size, inclusion and consistency proofs,
//! and their verification. Pure; the hash algorithm is a parameter: [`Sha256Alg`] by default,
//! [`Sm3Alg`] (GM/T 0004-2012) for deployments on the national algorithms. Both use RFC 6962's
//! domain separation (0x00 before a leaf, 0x01 before two children).
//!
//! Trees are read through [`Nodes`], which answers the hash of any *perfect* subtree
//! (2^level leaves starting at index·2^level). Every range the RFC's recursion visits is either
//! such a subtree or splits into them, so a proof costs O(log n) node look-ups whatever the size.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// A Merkle hash algorithm with RFC 6962's domain separation.
pub trait Algorithm {
    const NAME: &'static str;
    fn hash(parts: &[&[u8]]) -> Hash;
    /// Hash of the empty tree.
    fn empty() -> Hash {
        Self::hash(&[])
    }
    /// Leaf hash: H(0x00 ‖ entry).
    fn leaf(entry: &[u8]) -> Hash {
        Self::hash(&[&[0u8], entry])
    }
    /// Interior node: H(0x01 ‖ left ‖ right).
    fn node(left: &Hash, right: &Hash) -> Hash {
        Self::hash(&[&[1u8], left, right])
    }
}

pub struct Sha256Alg;

impl Algorithm for Sha256Alg {
    const NAME: &'static str = "sha256";
    fn hash(parts: &[&[u8]]) -> Hash {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }
}

/// SM3 (GM/T 0004-2012, GB/T 32905-2016), 256-bit output, with the same domain separation.
pub struct Sm3Alg;

impl Algorithm for Sm3Alg {
    const NAME: &'static str = "sm3";
    fn hash(parts: &[&[u8]]) -> Hash {
        let mut h = sm3::Sm3::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }
}

/// Source of perfect-subtree hashes: level 0 is the leaf hashes.
pub trait Nodes {
    fn perfect(&self, level: u32, index: u64) -> Hash;
}

/// Largest power of two strictly less than n (n ≥ 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[start .. start+n]) for a range the recursion visits (start is a multiple of the
/// largest power of two ≤ n whenever n is a power of two).
fn range_hash<A: Algorithm, N: Nodes + ?Sized>(nodes: &N, start: u64, n: u64) -> Hash {
    match n {
        0 => A::empty(),
        _ if n.is_power_of_two() && start % n == 0 => nodes.perfect(n.trailing_zeros(), start / n),
        _ => {
            let k = split(n);
            A::node(&range_hash::<A, N>(nodes, start, k), &range_hash::<A, N>(nodes, start + k, n - k))
        }
    }
}

/// The root hash of the tree of the first `size` leaves.
pub fn root<A: Algorithm, N: Nodes + ?Sized>(nodes: &N, size: u64) -> Hash {
    range_hash::<A, N>(nodes, 0, size)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("tree size {first} is not between 1 and {second}")]
    BadSizes { first: u64, second: u64 },
}

/// Audit path of leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1), leaf side first.
pub fn inclusion_proof<A: Algorithm, N: Nodes + ?Sized>(nodes: &N, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut out = Vec::new();
    // Walk down from the whole range; collect siblings, then reverse (the RFC lists leaf first).
    let (mut start, mut n, mut m) = (0u64, size, index);
    while n > 1 {
        let k = split(n);
        if m < k {
            out.push(range_hash::<A, N>(nodes, start + k, n - k));
            n = k;
        } else {
            out.push(range_hash::<A, N>(nodes, start, k));
            start += k;
            m -= k;
            n -= k;
        }
    }
    out.reverse();
    Ok(out)
}

/// Consistency proof between the trees of `first` and `second` leaves (RFC 9162 2.1.4.1).
pub fn consistency_proof<A: Algorithm, N: Nodes + ?Sized>(nodes: &N, first: u64, second: u64) -> Result<Vec<Hash>, ProofError> {
    if first == 0 || first > second {
        return Err(ProofError::BadSizes { first, second });
    }
    let mut out = Vec::new();
    let (mut start, mut n, mut m, mut whole) = (0u64, second, first, true);
    while m != n {
        let k = split(n);
        if m <= k {
            out.push(range_hash::<A, N>(nodes, start + k, n - k));
            n = k;
        } else {
            out.push(range_hash::<A, N>(nodes, start, k));
            start += k;
            m -= k;
            n -= k;
            whole = false;
        }
    }
    if !whole {
        out.push(range_hash::<A, N>(nodes, start, n));
    }
    out.reverse();
    Ok(out)
}

/// RFC 9162 2.1.3.2.
pub fn verify_inclusion<A: Algorithm>(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    root_from_inclusion::<A>(index, size, leaf, proof).is_some_and(|r| &r == root)
}

/// The root an inclusion proof implies (RFC 9162 2.1.3.2 without the final comparison), or None
/// when the proof has the wrong shape for (index, size).
pub fn root_from_inclusion<A: Algorithm>(index: u64, size: u64, leaf: &Hash, proof: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (mut fn_, mut sn, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = A::node(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = A::node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

/// RFC 9162 2.1.4.2 (plus the trivial case first == second: an empty proof and equal roots).
pub fn verify_consistency<A: Algorithm>(first: u64, second: u64, first_root: &Hash, second_root: &Hash, proof: &[Hash]) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let Some((first_c, rest)) = path.split_first() else { return false };
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first_c, *first_c);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = A::node(c, &fr);
            sr = A::node(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = A::node(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    &fr == first_root && &sr == second_root && sn == 0
}

/// A [`Nodes`] that records which perfect subtrees an algorithm asks for, answering zeros.
/// The nodes a root or proof needs do not depend on hash values, so a store runs the algorithm
/// once on a recorder, fetches exactly those nodes in one query, and runs it again on them.
#[derive(Debug, Default)]
pub struct Recorder(std::cell::RefCell<std::collections::BTreeSet<(u32, u64)>>);

impl Recorder {
    pub fn into_needed(self) -> Vec<(u32, u64)> {
        self.0.into_inner().into_iter().collect()
    }
}

impl Nodes for Recorder {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.0.borrow_mut().insert((level, index));
        [0; 32]
    }
}

/// Fetched nodes. Asking for one that was not fetched is a programming error in the caller.
#[derive(Debug, Default)]
pub struct NodeMap(pub std::collections::HashMap<(u32, u64), Hash>);

impl Nodes for NodeMap {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        *self.0.get(&(level, index)).unwrap_or_else(|| panic!("node ({level}, {index}) was not fetched"))
    }
}

/// The perfect subtrees completed by appending leaf number `index` (0-based): (level, idx) for
/// levels 1.. whose last leaf it is. Each is the node of its two children one level down.
pub fn completed_by(index: u64) -> impl Iterator<Item = (u32, u64)> {
    let levels = (index + 1).trailing_zeros();
    (1..=levels).map(move |l| (l, (index + 1) / (1u64 << l) - 1))
}

/// An in-memory tree that keeps every perfect subtree: O(1) amortised per append.
#[derive(Debug, Clone, Default)]
pub struct MemTree {
    levels: Vec<Vec<Hash>>,
}

impl MemTree {
    pub fn new() -> Self {
        MemTree::default()
    }
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Append a leaf hash; returns the perfect subtrees it completed as (level, index, hash),
    /// level 0 (the leaf itself) first — what a store persists.
    pub fn push<A: Algorithm>(&mut self, leaf: Hash) -> Vec<(u32, u64, Hash)> {
        let mut done = Vec::new();
        let mut h = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(h);
            let idx = self.levels[level].len() as u64 - 1;
            done.push((level as u32, idx, h));
            if idx % 2 == 0 {
                break;
            }
            h = A::node(&self.levels[level][idx as usize - 1], &h);
            level += 1;
        }
        done
    }
}

impl Nodes for MemTree {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.levels[level as usize][index as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_hash_is_sha256_of_nothing() {
        assert_eq!(hex::encode(root::<Sha256Alg, _>(&MemTree::new(), 0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /// GM/T 0004-2012 appendix A (= GB/T 32905-2016 appendix A): the two standard examples.
    #[test]
    fn sm3_is_gm_t_0004() {
        assert_eq!(hex::encode(Sm3Alg::hash(&[b"abc"])), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        assert_eq!(hex::encode(Sm3Alg::hash(&[b"abcd".repeat(16).as_slice()])), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
        // Parts are concatenated, whatever the split.
        assert_eq!(Sm3Alg::hash(&[b"a", b"", b"bc"]), Sm3Alg::hash(&[b"abc"]));
        // SM3 of the empty string, the empty tree's hash.
        assert_eq!(hex::encode(root::<Sm3Alg, _>(&MemTree::new(), 0)), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
    }

    /// RFC 6962 2.1's prefixes, spelled out with SM3 directly.
    #[test]
    fn sm3_leaf_and_node_use_rfc_6962_domain_separation() {
        use sm3::{Digest as _, Sm3};
        let sm3 = |b: &[u8]| -> Hash { Sm3::digest(b).into() };
        assert_eq!(Sm3Alg::leaf(b"entry"), sm3(b"\x00entry"));
        let (l, r) = ([1u8; 32], [2u8; 32]);
        assert_eq!(Sm3Alg::node(&l, &r), sm3(&[&[1u8][..], &l, &r].concat()));
        assert_ne!(Sm3Alg::leaf(b"entry"), Sha256Alg::leaf(b"entry"));
    }

    /// The same tests for every algorithm a log may use.
    macro_rules! tree_tests {
        ($module:ident, $alg:ty) => {
            mod $module {
                use super::super::*;
                use proptest::prelude::*;

                type A = $alg;

                fn tree(n: u64) -> MemTree {
                    let mut t = MemTree::new();
                    for i in 0..n {
                        t.push::<A>(A::leaf(&i.to_be_bytes()));
                    }
                    t
                }

                /// RFC 6962 2.1 directly, for comparison.
                fn mth(leaves: &[Hash]) -> Hash {
                    match leaves.len() {
                        0 => A::empty(),
                        1 => leaves[0],
                        n => {
                            let k = split(n as u64) as usize;
                            A::node(&mth(&leaves[..k]), &mth(&leaves[k..]))
                        }
                    }
                }

                #[test]
                fn roots_match_the_rfc_definition() {
                    let t = tree(70);
                    let leaves: Vec<Hash> = (0..70u64).map(|i| A::leaf(&i.to_be_bytes())).collect();
                    for n in 0..=70 {
                        assert_eq!(root::<A, _>(&t, n), mth(&leaves[..n as usize]), "size {n}");
                    }
                }

                #[test]
                fn recorder_then_map_gives_the_same_proofs() {
                    let t = tree(45);
                    let rec = Recorder::default();
                    inclusion_proof::<A, _>(&rec, 17, 45).unwrap();
                    root::<A, _>(&rec, 45);
                    let map = NodeMap(rec.into_needed().into_iter().map(|(l, i)| ((l, i), t.perfect(l, i))).collect());
                    assert_eq!(inclusion_proof::<A, _>(&map, 17, 45).unwrap(), inclusion_proof::<A, _>(&t, 17, 45).unwrap());
                    assert_eq!(root::<A, _>(&map, 45), root::<A, _>(&t, 45));
                }

                #[test]
                fn completed_subtrees_match_the_memory_tree() {
                    let mut t = MemTree::new();
                    for i in 0..64u64 {
                        let done = t.push::<A>(A::leaf(&i.to_be_bytes()));
                        let expect: Vec<(u32, u64)> = done.iter().skip(1).map(|(l, i, _)| (*l, *i)).collect();
                        assert_eq!(completed_by(i).collect::<Vec<_>>(), expect, "leaf {i}");
                    }
                }

                #[test]
                fn out_of_range_requests_are_errors() {
                    let t = tree(5);
                    assert!(inclusion_proof::<A, _>(&t, 5, 5).is_err());
                    assert!(consistency_proof::<A, _>(&t, 0, 5).is_err());
                    assert!(consistency_proof::<A, _>(&t, 6, 5).is_err());
                }

                proptest! {
                    #![proptest_config(ProptestConfig::with_cases(200))]

                    #[test]
                    fn every_inclusion_proof_verifies_and_every_bit_flip_fails(n in 1u64..300, seed in any::<u64>(), bit in 0usize..256) {
                        let t = tree(n);
                        let i = seed % n;
                        let r = root::<A, _>(&t, n);
                        let leaf = A::leaf(&i.to_be_bytes());
                        let proof = inclusion_proof::<A, _>(&t, i, n).unwrap();
                        prop_assert!(verify_inclusion::<A>(i, n, &leaf, &proof, &r));
                        let flip = |h: &Hash| { let mut h = *h; h[bit / 8] ^= 1 << (bit % 8); h };
                        prop_assert!(!verify_inclusion::<A>(i, n, &flip(&leaf), &proof, &r));
                        prop_assert!(!verify_inclusion::<A>(i, n, &leaf, &proof, &flip(&r)));
                        if !proof.is_empty() {
                            let j = seed as usize % proof.len();
                            let mut bad = proof.clone();
                            bad[j] = flip(&bad[j]);
                            prop_assert!(!verify_inclusion::<A>(i, n, &leaf, &bad, &r));
                        }
                        if n > 1 {
                            prop_assert!(!verify_inclusion::<A>((i + 1) % n, n, &leaf, &proof, &r));
                        }
                    }

                    #[test]
                    fn every_consistency_proof_verifies_and_every_bit_flip_fails(n in 1u64..300, seed in any::<u64>(), bit in 0usize..256) {
                        let t = tree(n);
                        let m = 1 + seed % n;
                        let (rm, rn) = (root::<A, _>(&t, m), root::<A, _>(&t, n));
                        let proof = consistency_proof::<A, _>(&t, m, n).unwrap();
                        prop_assert!(verify_consistency::<A>(m, n, &rm, &rn, &proof));
                        let flip = |h: &Hash| { let mut h = *h; h[bit / 8] ^= 1 << (bit % 8); h };
                        prop_assert!(!verify_consistency::<A>(m, n, &flip(&rm), &rn, &proof));
                        prop_assert!(!verify_consistency::<A>(m, n, &rm, &flip(&rn), &proof));
                        if !proof.is_empty() {
                            let j = seed as usize % proof.len();
                            let mut bad = proof.clone();
                            bad[j] = flip(&bad[j]);
                            prop_assert!(!verify_consistency::<A>(m, n, &rm, &rn, &bad));
                        }
                    }
                }
            }
        };
    }

    tree_tests!(sha256_tree, Sha256Alg);
    tree_tests!(sm3_tree, Sm3Alg);
}
