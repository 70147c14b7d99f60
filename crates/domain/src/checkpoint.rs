//! Signed checkpoints in the C2SP formats (tlog-checkpoint inside a signed note), so standard
//! transparency-log tooling can read them:
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\ntime <unix ms>\n
//! \n
//! — <key name> <base64(key id ‖ Ed25519 signature)>\n
//! ```
//! The key id is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key); the verifier key
//! is published as `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

const ED25519: u8 = 0x01;

/// The signed content of a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; 32],
    pub time_ms: i64,
}

impl Checkpoint {
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\ntime {}\n", self.origin, self.size, B64.encode(self.root), self.time_ms)
    }
    fn parse_body(body: &str) -> Result<Checkpoint, String> {
        let lines: Vec<&str> = body.strip_suffix('\n').ok_or("body does not end with a newline")?.split('\n').collect();
        if lines.len() < 3 {
            return Err("a checkpoint has at least origin, size and root".into());
        }
        let size = lines[1].parse::<u64>().map_err(|_| format!("bad tree size {:?}", lines[1]))?;
        let root: [u8; 32] = B64.decode(lines[2]).ok().and_then(|v| v.try_into().ok()).ok_or("bad root hash")?;
        let time_ms = lines.iter().skip(3).find_map(|l| l.strip_prefix("time ")).and_then(|t| t.parse().ok()).ok_or("no time line")?;
        Ok(Checkpoint { origin: lines[0].to_owned(), size, root, time_ms })
    }
}

fn key_id(name: &str, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519]);
    h.update(public.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A log's signing identity.
pub struct Signer {
    name: String,
    key: SigningKey,
}

impl Signer {
    /// `name` is the key name printed in signatures (e.g. the deployment's host name).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, String> {
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('+') {
            return Err(format!("key name {name:?} must be non-empty, without spaces or '+'"));
        }
        Ok(Signer { name: name.to_owned(), key: SigningKey::from_bytes(seed) })
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The verifier key in signed-note `vkey` form.
    pub fn vkey(&self) -> String {
        let public = self.key.verifying_key();
        let mut k = vec![ED25519];
        k.extend_from_slice(public.as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(key_id(&self.name, &public)), B64.encode(k))
    }
    /// The signed note text of a checkpoint.
    pub fn sign(&self, cp: &Checkpoint) -> String {
        let body = cp.body();
        let sig: Signature = self.key.sign(body.as_bytes());
        let mut blob = key_id(&self.name, &self.key.verifying_key()).to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("{body}\n— {} {}\n", self.name, B64.encode(blob))
    }
}

/// Verify a signed-note checkpoint against a `vkey`; returns its content.
pub fn verify(vkey: &str, note: &str) -> Result<Checkpoint, String> {
    let mut parts = vkey.splitn(3, '+');
    let (name, id_hex, key_b64) = (parts.next().unwrap_or(""), parts.next().ok_or("bad vkey")?, parts.next().ok_or("bad vkey")?);
    let key = B64.decode(key_b64).map_err(|_| "bad vkey key")?;
    if key.len() != 33 || key[0] != ED25519 {
        return Err("vkey is not an Ed25519 key".into());
    }
    let public = VerifyingKey::from_bytes(key[1..].try_into().expect("32 bytes")).map_err(|e| format!("bad public key: {e}"))?;
    if hex::encode(key_id(name, &public)) != id_hex {
        return Err("vkey's key id does not match its key".into());
    }
    let (body, sigs) = note.split_once("\n\n").ok_or("no signature block")?;
    let body = format!("{body}\n");
    for line in sigs.lines() {
        let Some(rest) = line.strip_prefix("— ") else { continue };
        let Some((signer, b64)) = rest.split_once(' ') else { continue };
        if signer != name {
            continue;
        }
        let blob = B64.decode(b64).map_err(|_| "bad signature encoding")?;
        if blob.len() != 68 || blob[..4] != key_id(name, &public) {
            continue;
        }
        let sig = Signature::from_bytes(blob[4..].try_into().expect("64 bytes"));
        return match public.verify_strict(body.as_bytes(), &sig) {
            Ok(()) => Checkpoint::parse_body(&body),
            Err(_) => Err("signature does not verify".into()),
        };
    }
    Err(format!("no signature by {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp() -> Checkpoint {
        Checkpoint { origin: "chengguan/t-jianghan".into(), size: 42, root: [7; 32], time_ms: 1_763_800_000_000 }
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let s = Signer::from_seed("chengguan.example", &[9; 32]).unwrap();
        let note = s.sign(&cp());
        assert!(note.starts_with("chengguan/t-jianghan\n42\n"));
        assert!(note.contains("\n\n— chengguan.example "));
        assert_eq!(verify(&s.vkey(), &note).unwrap(), cp());
    }

    #[test]
    fn any_change_to_the_note_or_key_fails() {
        let s = Signer::from_seed("chengguan.example", &[9; 32]).unwrap();
        let note = s.sign(&cp());
        assert!(verify(&s.vkey(), &note.replacen("\n42\n", "\n43\n", 1)).is_err());
        let other = Signer::from_seed("chengguan.example", &[8; 32]).unwrap();
        assert!(verify(&other.vkey(), &note).is_err());
        // Flip one character of the signature.
        let i = note.rfind(' ').unwrap() + 5;
        let mut bytes = note.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        assert!(verify(&s.vkey(), &String::from_utf8(bytes).unwrap()).is_err());
    }

    #[test]
    fn key_names_are_checked() {
        assert!(Signer::from_seed("has space", &[1; 32]).is_err());
        assert!(Signer::from_seed("a+b", &[1; 32]).is_err());
    }
}
