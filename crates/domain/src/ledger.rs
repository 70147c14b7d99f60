//! The full-process record's entry and its canonical byte encoding (documented in
//! `docs/ledger.md`). The Merkle tree over these entries comes with the record issue; the leaf
//! hash is already RFC 6962's: SHA-256(0x00 ‖ entry bytes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MAGIC: &[u8; 4] = b"CGL1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 0-based position in the tenant's log.
    pub seq: u64,
    /// Unix time in milliseconds (UTC).
    pub time_ms: i64,
    /// Account id of the actor, or `system`.
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// SHA-256 of the canonical payload bytes (the JSON of the change's after-images).
    pub payload_hash: [u8; 32],
    /// SHA-256 of each attached file.
    pub file_hashes: Vec<[u8; 32]>,
    /// The entry this one corrects, if any (nothing is ever deleted).
    pub corrects: Option<u64>,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl Entry {
    /// Canonical bytes: MAGIC, seq u64 BE, time i64 BE, actor/action/subject as u32 BE length +
    /// UTF-8, payload hash (32), file count u32 BE + hashes, corrects flag u8 (+ u64 BE).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96 + self.actor.len() + self.action.len() + self.subject.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.time_ms.to_be_bytes());
        put_str(&mut out, &self.actor);
        put_str(&mut out, &self.action);
        put_str(&mut out, &self.subject);
        out.extend_from_slice(&self.payload_hash);
        out.extend_from_slice(&(self.file_hashes.len() as u32).to_be_bytes());
        for h in &self.file_hashes {
            out.extend_from_slice(h);
        }
        match self.corrects {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                out.extend_from_slice(&s.to_be_bytes());
            }
        }
        out
    }

    /// RFC 6962 leaf hash.
    pub fn leaf_hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(self.encode());
        h.finalize().into()
    }
}

pub fn payload_hash(payload: &[u8]) -> [u8; 32] {
    Sha256::digest(payload).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            seq: 7,
            time_ms: 1_700_000_000_000,
            actor: "a".into(),
            action: "person.create".into(),
            subject: "person/1".into(),
            payload_hash: payload_hash(b"{}"),
            file_hashes: vec![],
            corrects: None,
        }
    }

    #[test]
    fn encoding_is_stable() {
        let e = entry();
        let b = e.encode();
        assert_eq!(&b[..4], MAGIC);
        assert_eq!(&b[4..12], &7u64.to_be_bytes());
        assert_eq!(b.len(), 4 + 8 + 8 + (4 + 1) + (4 + 13) + (4 + 8) + 32 + 4 + 1);
    }

    #[test]
    fn every_field_changes_the_leaf() {
        let base = entry().leaf_hash();
        let mut e = entry();
        e.seq = 8;
        assert_ne!(e.leaf_hash(), base);
        let mut e = entry();
        e.actor = "b".into();
        assert_ne!(e.leaf_hash(), base);
        let mut e = entry();
        e.corrects = Some(1);
        assert_ne!(e.leaf_hash(), base);
        let mut e = entry();
        e.payload_hash[31] ^= 1;
        assert_ne!(e.leaf_hash(), base);
    }
}
