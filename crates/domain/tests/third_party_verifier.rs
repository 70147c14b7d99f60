//! Proofs produced by our Merkle code, checked by an independent RFC 6962 implementation
//! (the `ct-merkle` crate): honest proofs verify, tampered ones fail.

use chengguan_domain::merkle::{consistency_proof, inclusion_proof, root, Algorithm, MemTree, Sha256Alg};
use ct_merkle::{ConsistencyProof, HashableLeaf, InclusionProof, RootHash};
use sha2_011::Sha256;

/// An entry's canonical bytes as a ct-merkle leaf: it hashes H(0x00 ‖ bytes) itself.
struct Entry(Vec<u8>);

impl HashableLeaf for Entry {
    fn hash<H: ct_merkle::digest::Update>(&self, hasher: &mut H) {
        hasher.update(&self.0);
    }
}

fn entry(i: u64) -> Entry {
    // Real entry encodings, so the leaf bytes are what the ledger hashes.
    let e = chengguan_domain::ledger::Entry {
        seq: i,
        time_ms: 1_700_000_000_000 + i as i64,
        actor: format!("a-{}", i % 7),
        action: "person.update".into(),
        subject: format!("person/p-{i:05}"),
        payload_hash: chengguan_domain::ledger::payload_hash(&i.to_le_bytes()),
        file_hashes: vec![],
        corrects: None,
    };
    Entry(e.encode())
}

fn out(h: &[u8; 32]) -> ct_merkle::digest::Output<Sha256> {
    ct_merkle::digest::Output::<Sha256>::try_from(&h[..]).unwrap().clone()
}

#[test]
fn ct_merkle_accepts_our_inclusion_proofs_and_rejects_tampered_ones() {
    let mut t = MemTree::new();
    for n in 1..=130u64 {
        t.push::<Sha256Alg>(Sha256Alg::leaf(&entry(n - 1).0));
        let r = RootHash::<Sha256>::new(out(&root::<Sha256Alg, _>(&t, n)), n);
        for i in [0, n / 3, n / 2, n - 1] {
            let p = inclusion_proof::<Sha256Alg, _>(&t, i, n).unwrap();
            let digests: Vec<_> = p.iter().map(out).collect();
            let proof = InclusionProof::<Sha256>::from_digests(digests.iter());
            assert!(r.verify_inclusion(&entry(i), i, &proof).is_ok(), "leaf {i} of {n}");
            assert!(r.verify_inclusion(&entry(i + 1), i, &proof).is_err(), "wrong entry accepted");
            if let Some(first) = p.first() {
                let mut bad = p.clone();
                bad[0] = {
                    let mut h = *first;
                    h[7] ^= 0x10;
                    h
                };
                let digests: Vec<_> = bad.iter().map(out).collect();
                let proof = InclusionProof::<Sha256>::from_digests(digests.iter());
                assert!(r.verify_inclusion(&entry(i), i, &proof).is_err(), "tampered proof accepted");
            }
        }
    }
}

#[test]
fn ct_merkle_accepts_our_consistency_proofs_and_rejects_tampered_ones() {
    let mut t = MemTree::new();
    for i in 0..100u64 {
        t.push::<Sha256Alg>(Sha256Alg::leaf(&entry(i).0));
    }
    for (m, n) in [(1, 2), (3, 7), (4, 8), (5, 100), (64, 100), (99, 100), (37, 64)] {
        let old = RootHash::<Sha256>::new(out(&root::<Sha256Alg, _>(&t, m)), m);
        let new = RootHash::<Sha256>::new(out(&root::<Sha256Alg, _>(&t, n)), n);
        let p = consistency_proof::<Sha256Alg, _>(&t, m, n).unwrap();
        let digests: Vec<_> = p.iter().map(out).collect();
        let proof = ConsistencyProof::<Sha256>::from_digests(digests.iter());
        assert!(new.verify_consistency(&old, &proof).is_ok(), "{m} → {n}");
        let mut bad = p.clone();
        let last = bad.len() - 1;
        bad[last][0] ^= 1;
        let digests: Vec<_> = bad.iter().map(out).collect();
        let proof = ConsistencyProof::<Sha256>::from_digests(digests.iter());
        assert!(new.verify_consistency(&old, &proof).is_err(), "tampered {m} → {n} accepted");
    }
}
