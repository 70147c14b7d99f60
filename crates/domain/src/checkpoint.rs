//! Signed checkpoints in the C2SP formats (tlog-checkpoint inside a signed note), so standard
//! transparency-log tooling can read them:
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\ntime <unix ms>\n
//! \n
//! — <key name> <base64(key id ‖ signature)>\n
//! ```
//! The key id is the first 4 bytes of SHA-256(name ‖ "\n" ‖ signature type ‖ public key); the
//! verifier key is published as `<name>+<hex key id>+<base64(signature type ‖ public key)>`.
//!
//! Two signature types, one per [`LogAlgorithm`]:
//! - Ed25519 (the default): type byte 0x01 as signed-note assigns it, 32-byte public key,
//!   64-byte RFC 8032 signature.
//! - SM2 (GM/T 0003-2012 / GB/T 32918.2-2016, the digest SM3, the default user id
//!   `1234567812345678` of GB/T 35276-2017): signed-note has no byte for it, so the type is
//!   0xff (the spec's byte for unassigned types) followed by the ASCII object identifier of
//!   SM2-with-SM3 signatures, `1.2.156.10197.1.501` (GM/T 0006); 65-byte uncompressed SEC 1
//!   public key (0x04 ‖ x ‖ y); 64-byte signature r ‖ s (32 bytes each, big-endian).

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
// `Signer` is signature 2's trait, shared by ed25519-dalek 2 and sm2 0.13.
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use sm2::dsa::signature::Verifier as _;
use sm2::elliptic_curve::sec1::ToEncodedPoint;

use crate::merkle::{Algorithm, Sha256Alg, Sm3Alg};

/// signed-note's signature type for Ed25519.
const ED25519: u8 = 0x01;
/// Our signature type for SM2-with-SM3: 0xff ("no identifier byte assigned by this
/// specification", C2SP signed-note) followed by the OID 1.2.156.10197.1.501 in ASCII.
pub const SM2_SIGNATURE_TYPE: &[u8] = b"\xff1.2.156.10197.1.501";
/// The SM2 signer identity (ID_A in Z_A) when none is agreed: GB/T 35276-2017 5.3 / GM/T 0009.
pub const SM2_USER_ID: &str = "1234567812345678";
const SM2_PUBLIC_KEY_LEN: usize = 65;

/// The hash and signature algorithms of one log, chosen per log and recorded with it:
/// `ledger_heads.hash_alg` holds [`LogAlgorithm::code`]. The Merkle tree uses the hash
/// ([`Sha256Alg`] or [`Sm3Alg`]) and checkpoints the signature (Ed25519 or SM2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LogAlgorithm {
    /// SHA-256 + Ed25519, the default.
    #[default]
    Sha256Ed25519,
    /// SM3 + SM2 (国密), for deployments that must pass the commercial-cryptography
    /// assessment (密评, GB/T 39786-2021).
    Sm3Sm2,
}

impl LogAlgorithm {
    pub const ALL: [LogAlgorithm; 2] = [LogAlgorithm::Sha256Ed25519, LogAlgorithm::Sm3Sm2];

    /// The stored code: the Merkle hash's name, `sha256` or `sm3`.
    pub fn code(self) -> &'static str {
        match self {
            LogAlgorithm::Sha256Ed25519 => Sha256Alg::NAME,
            LogAlgorithm::Sm3Sm2 => Sm3Alg::NAME,
        }
    }

    pub fn parse(code: &str) -> Result<LogAlgorithm, String> {
        LogAlgorithm::ALL.into_iter().find(|a| a.code() == code).ok_or_else(|| format!("unknown log algorithm {code:?} (expected sha256 or sm3)"))
    }

    /// The checkpoint signer of this algorithm from a 32-byte seed (Ed25519: the RFC 8032
    /// secret key; SM2: the private scalar, big-endian).
    pub fn signer_from_seed(self, name: &str, seed: &[u8; 32]) -> Result<Signer, String> {
        match self {
            LogAlgorithm::Sha256Ed25519 => Signer::from_seed(name, seed),
            LogAlgorithm::Sm3Sm2 => Signer::sm2_from_seed(name, seed),
        }
    }

    /// The algorithm a verifier key (`name+id+key`) belongs to.
    pub fn of_vkey(vkey: &str) -> Result<LogAlgorithm, String> {
        Ok(parse_vkey(vkey)?.1.algorithm())
    }
}

impl fmt::Display for LogAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for LogAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        LogAlgorithm::parse(s)
    }
}

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

/// SHA-256(name ‖ "\n" ‖ signature type ‖ public key)[0..4], as signed-note recommends.
fn key_id(name: &str, typed_key: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(typed_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A verifier's public key.
enum PublicKey {
    Ed25519(VerifyingKey),
    Sm2(sm2::dsa::VerifyingKey),
}

impl PublicKey {
    /// Signature type ‖ public key: the key of a `vkey`, and the key id's input after the name.
    fn encode(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => [&[ED25519][..], k.as_bytes()].concat(),
            PublicKey::Sm2(k) => [SM2_SIGNATURE_TYPE, k.to_encoded_point(false).as_bytes()].concat(),
        }
    }

    /// The inverse of [`PublicKey::encode`], dispatching on the signature type.
    fn decode(typed_key: &[u8]) -> Result<PublicKey, String> {
        if let Some(k) = typed_key.strip_prefix(SM2_SIGNATURE_TYPE) {
            // Only the uncompressed form, so that a key has one encoding (and one key id).
            if k.len() != SM2_PUBLIC_KEY_LEN || k[0] != 0x04 {
                return Err("vkey's SM2 key is not a 65-byte uncompressed point".into());
            }
            let k = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_USER_ID, k).map_err(|_| "vkey's SM2 key is not a point of the curve")?;
            return Ok(PublicKey::Sm2(k));
        }
        match typed_key.split_first() {
            Some((&ED25519, k)) => {
                let k: &[u8; 32] = k.try_into().map_err(|_| "vkey's Ed25519 key is not 32 bytes")?;
                Ok(PublicKey::Ed25519(VerifyingKey::from_bytes(k).map_err(|e| format!("bad public key: {e}"))?))
            }
            Some((t, _)) => Err(format!("vkey has an unsupported signature type 0x{t:02x}")),
            None => Err("vkey has no key".into()),
        }
    }

    fn algorithm(&self) -> LogAlgorithm {
        match self {
            PublicKey::Ed25519(_) => LogAlgorithm::Sha256Ed25519,
            PublicKey::Sm2(_) => LogAlgorithm::Sm3Sm2,
        }
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(k) => <&[u8; 64]>::try_from(sig).is_ok_and(|s| k.verify_strict(msg, &Signature::from_bytes(s)).is_ok()),
            // from_slice refuses r or s outside [1, n-1] (GM/T 0003.2 7.1 B1, B2).
            PublicKey::Sm2(k) => sm2::dsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(msg, &s).is_ok()),
        }
    }
}

enum SecretKey {
    Ed25519(SigningKey),
    Sm2(sm2::dsa::SigningKey),
}

/// A log's signing identity: a key name and an Ed25519 or SM2 key.
pub struct Signer {
    name: String,
    key: SecretKey,
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('+') {
        return Err(format!("key name {name:?} must be non-empty, without spaces or '+'"));
    }
    Ok(())
}

impl Signer {
    /// An Ed25519 signer. `name` is the key name printed in signatures (e.g. the deployment's
    /// host name).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, String> {
        check_name(name)?;
        Ok(Signer { name: name.to_owned(), key: SecretKey::Ed25519(SigningKey::from_bytes(seed)) })
    }

    /// An SM2 signer whose private key d is `seed` read as a big-endian integer. GM/T 0003.2
    /// 6.1 requires 1 ≤ d ≤ n−2 (n the group order); any other seed is an error.
    pub fn sm2_from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, String> {
        check_name(name)?;
        let d = sm2::NonZeroScalar::try_from(&seed[..])
            .map_err(|_| "SM2 private key must be between 1 and n-2 (it is 0 or not below the group order n)".to_owned())?;
        if bool::from((*d + sm2::Scalar::ONE).is_zero()) {
            return Err("SM2 private key must be between 1 and n-2 (it is n-1)".into());
        }
        let key = sm2::dsa::SigningKey::from_nonzero_scalar(SM2_USER_ID, d).map_err(|_| "SM2 private key rejected".to_owned())?;
        Ok(Signer { name: name.to_owned(), key: SecretKey::Sm2(key) })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn algorithm(&self) -> LogAlgorithm {
        self.public().algorithm()
    }

    fn public(&self) -> PublicKey {
        match &self.key {
            SecretKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SecretKey::Sm2(k) => PublicKey::Sm2(k.verifying_key().clone()),
        }
    }

    /// The verifier key in signed-note `vkey` form.
    pub fn vkey(&self) -> String {
        let k = self.public().encode();
        format!("{}+{}+{}", self.name, hex::encode(key_id(&self.name, &k)), B64.encode(&k))
    }

    /// The signed note text of a checkpoint.
    pub fn sign(&self, cp: &Checkpoint) -> String {
        let body = cp.body();
        let sig: [u8; 64] = match &self.key {
            SecretKey::Ed25519(k) => k.sign(body.as_bytes()).to_bytes(),
            // Deterministic k (RFC 6979 with SM3). Fails only if r = 0 or r + k = n, which has
            // probability about 2^-256; d + 1 is invertible because d = n-1 is refused above.
            SecretKey::Sm2(k) => {
                let sig: sm2::dsa::Signature = k.try_sign(body.as_bytes()).expect("SM2 signing fails with negligible probability");
                sig.to_bytes()
            }
        };
        let mut blob = key_id(&self.name, &self.public().encode()).to_vec();
        blob.extend_from_slice(&sig);
        format!("{body}\n— {} {}\n", self.name, B64.encode(blob))
    }
}

/// (name, key, key id) of a `vkey`, the key id checked against the key.
fn parse_vkey(vkey: &str) -> Result<(&str, PublicKey, [u8; 4]), String> {
    let mut parts = vkey.splitn(3, '+');
    let (name, id_hex, key_b64) = (parts.next().unwrap_or(""), parts.next().ok_or("bad vkey")?, parts.next().ok_or("bad vkey")?);
    let typed_key = B64.decode(key_b64).map_err(|_| "bad vkey key")?;
    let public = PublicKey::decode(&typed_key)?;
    let id = key_id(name, &typed_key);
    if hex::encode(id) != id_hex {
        return Err("vkey's key id does not match its key".into());
    }
    Ok((name, public, id))
}

/// Verify a signed-note checkpoint against a `vkey` (Ed25519 or SM2, by its signature type);
/// returns its content.
pub fn verify(vkey: &str, note: &str) -> Result<Checkpoint, String> {
    let (name, public, id) = parse_vkey(vkey)?;
    let (body, sigs) = note.split_once("\n\n").ok_or("no signature block")?;
    let body = format!("{body}\n");
    for line in sigs.lines() {
        let Some(rest) = line.strip_prefix("— ") else { continue };
        let Some((signer, b64)) = rest.split_once(' ') else { continue };
        if signer != name {
            continue;
        }
        let blob = B64.decode(b64).map_err(|_| "bad signature encoding")?;
        if blob.len() != 68 || blob[..4] != id {
            continue;
        }
        return match public.verify(body.as_bytes(), &blob[4..]) {
            true => Checkpoint::parse_body(&body),
            false => Err("signature does not verify".into()),
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

    fn seed(hex_: &str) -> [u8; 32] {
        hex::decode(hex_).unwrap().try_into().unwrap()
    }

    /// The SM2 group order n (GM/T 0003.5 recommended curve).
    const SM2_N: &str = "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";

    fn signers(name: &str, seed: &[u8; 32]) -> [Signer; 2] {
        [Signer::from_seed(name, seed).unwrap(), Signer::sm2_from_seed(name, seed).unwrap()]
    }

    /// The key bytes of a vkey (base64 may itself contain '+').
    fn vkey_key(vkey: &str) -> Vec<u8> {
        B64.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap()
    }

    fn replace_signature(note: &str, blob: &[u8]) -> String {
        let (head, _) = note.rsplit_once(' ').unwrap();
        format!("{head} {}\n", B64.encode(blob))
    }

    fn signature_blob(note: &str) -> Vec<u8> {
        B64.decode(note.rsplit_once(' ').unwrap().1.trim_end()).unwrap()
    }

    #[test]
    fn sign_and_verify_round_trip() {
        for s in signers("chengguan.example", &[9; 32]) {
            let note = s.sign(&cp());
            assert!(note.starts_with("chengguan/t-jianghan\n42\n"));
            assert!(note.contains("\n\n— chengguan.example "));
            assert_eq!(signature_blob(&note).len(), 68, "{:?}", s.algorithm());
            assert_eq!(verify(&s.vkey(), &note).unwrap(), cp());
        }
    }

    /// The Ed25519 vkey and note are byte for byte what they were before SM2 was added.
    #[test]
    fn ed25519_output_is_unchanged() {
        let s = Signer::from_seed("chengguan.example", &[9; 32]).unwrap();
        assert_eq!(s.algorithm(), LogAlgorithm::Sha256Ed25519);
        assert_eq!(s.vkey(), "chengguan.example+099d41ef+Af0XJDhaoMdbZPt4zWAvodmR/ev3axPFjtcC6sg16fYY");
        assert_eq!(
            s.sign(&cp()),
            "chengguan/t-jianghan\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\ntime 1763800000000\n\n\
             — chengguan.example CZ1B7zyXmhe6V58FJRDNxzNkDITKgFjx2UlOKAGSJWZh4BHjvSX4BHZ751Jqp4AzORVdojLe+3rdb9B+Tb+LLGHrFAU=\n"
        );
    }

    #[test]
    fn sm2_vkey_has_the_alternative_signature_type() {
        let s = Signer::sm2_from_seed("chengguan.example", &[9; 32]).unwrap();
        assert_eq!(s.algorithm(), LogAlgorithm::Sm3Sm2);
        let vkey = s.vkey();
        let key = vkey_key(&vkey);
        assert_eq!(&key[..20], b"\xff1.2.156.10197.1.501");
        assert_eq!(key.len(), 20 + 65);
        assert_eq!(key[20], 0x04, "uncompressed SEC 1 point");
        let mut h = Sha256::new();
        h.update(b"chengguan.example\n");
        h.update(&key);
        assert_eq!(vkey.split('+').nth(1).unwrap(), hex::encode(&h.finalize()[..4]));
        // Deterministic: the same checkpoint gives the same note.
        assert_eq!(s.sign(&cp()), s.sign(&cp()));
    }

    /// Both directions against OpenSSL 3.0's SM2 (`openssl pkeyutl -rawin -digest sm3 -pkeyopt
    /// distid:1234567812345678`), with a key OpenSSL generated: its public key is ours, its
    /// signature verifies here, and (checked once by hand) ours verify there.
    #[test]
    fn sm2_interoperates_with_openssl() {
        let s = Signer::sm2_from_seed("chengguan.example", &seed("3444caa66d02e650b22add355be5a0617df129e7db9cdb777f3bc8ba7695c6fe")).unwrap();
        let vkey = s.vkey();
        let key = vkey_key(&vkey);
        assert_eq!(
            hex::encode(&key[20..]),
            "046df418fb49511bfa4c45b0bdd11e2398d39810e71f3ca7c6ff23497385fba476f31b14b2acc6a018286e40e8df85025f0c532e5b2e092269d2d502ca965b3f4c"
        );
        let openssl_rs = hex::decode(
            "d5f29ba14340d610b3ea37b1f9d63dff01e4eaeb9fc0b5d669ec9d42192d9113\
             08ede261f0b3f234a41d1e99fbe6078588251077e87423da49e745c248a4f135",
        )
        .unwrap();
        let ours = s.sign(&cp());
        let id = &signature_blob(&ours)[..4];
        let theirs = replace_signature(&ours, &[id, &openssl_rs].concat());
        assert_ne!(theirs, ours, "OpenSSL's k is random");
        assert_eq!(verify(&vkey, &theirs).unwrap(), cp());
        // The user id is part of what is signed: under another id the signature fails.
        let PublicKey::Sm2(k) = PublicKey::decode(&key).unwrap() else { panic!() };
        let other_id = sm2::dsa::VerifyingKey::from_sec1_bytes("1234567812345679", &key[20..]).unwrap();
        let sig = sm2::dsa::Signature::from_slice(&openssl_rs).unwrap();
        assert!(k.verify(cp().body().as_bytes(), &sig).is_ok());
        assert!(other_id.verify(cp().body().as_bytes(), &sig).is_err());
    }

    #[test]
    fn any_change_to_the_note_or_key_fails() {
        for s in signers("chengguan.example", &[9; 32]) {
            let note = s.sign(&cp());
            let vkey = s.vkey();
            assert!(verify(&vkey, &note.replacen("\n42\n", "\n43\n", 1)).is_err());
            assert!(verify(&vkey, &note.replacen("time 1", "time 2", 1)).is_err());
            for other in signers("chengguan.example", &[8; 32]) {
                assert!(verify(&other.vkey(), &note).is_err());
            }
            // Flip one character of the signature.
            let i = note.rfind(' ').unwrap() + 5;
            let mut bytes = note.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            assert!(verify(&vkey, &String::from_utf8(bytes).unwrap()).is_err());
            // Every single-bit change of the key id; of the signature every 7th bit, which
            // changes each byte and each bit position (every bit takes seconds for SM2 unoptimised).
            let blob = signature_blob(&note);
            for bit in (0..32).chain((32..blob.len() * 8).step_by(7)) {
                let mut bad = blob.clone();
                bad[bit / 8] ^= 1 << (bit % 8);
                assert!(verify(&vkey, &replace_signature(&note, &bad)).is_err(), "{:?} bit {bit}", s.algorithm());
            }
            // Every single-bit change of the vkey's key bytes (type, public key) or key id.
            let key = vkey_key(&vkey);
            let head = vkey.splitn(3, '+').take(2).collect::<Vec<_>>().join("+");
            for bit in 0..key.len() * 8 {
                let mut bad = key.clone();
                bad[bit / 8] ^= 1 << (bit % 8);
                assert!(verify(&format!("{head}+{}", B64.encode(&bad)), &note).is_err(), "{:?} key bit {bit}", s.algorithm());
            }
            let (name, rest) = vkey.split_once('+').unwrap();
            let other_id = match rest.strip_prefix('0') {
                Some(tail) => format!("1{tail}"),
                None => format!("0{}", &rest[1..]),
            };
            assert!(verify(&format!("{name}+{other_id}"), &note).is_err());
            // A truncated signature line, a missing one.
            assert!(verify(&vkey, &replace_signature(&note, &blob[..67])).is_err());
            assert!(verify(&vkey, note.split("\n\n").next().unwrap()).is_err());
        }
    }

    #[test]
    fn an_ed25519_key_does_not_verify_an_sm2_note_and_vice_versa() {
        let [ed, sm] = signers("chengguan.example", &[9; 32]);
        let (ed_note, sm_note) = (ed.sign(&cp()), sm.sign(&cp()));
        assert!(verify(&ed.vkey(), &sm_note).is_err());
        assert!(verify(&sm.vkey(), &ed_note).is_err());
        // Even under the other key's id, a signature of one algorithm does not pass as the other.
        let sm_sig = &signature_blob(&sm_note)[4..];
        let ed_id = &signature_blob(&ed_note)[..4];
        assert_eq!(verify(&ed.vkey(), &replace_signature(&ed_note, &[ed_id, sm_sig].concat())), Err("signature does not verify".into()));
        let ed_sig = &signature_blob(&ed_note)[4..];
        let sm_id = &signature_blob(&sm_note)[..4];
        assert_eq!(verify(&sm.vkey(), &replace_signature(&sm_note, &[sm_id, ed_sig].concat())), Err("signature does not verify".into()));
        // Both signatures on one note: each key finds its own.
        let both = format!("{}— chengguan.example {}\n", sm_note, B64.encode(signature_blob(&ed_note)));
        assert_eq!(verify(&ed.vkey(), &both).unwrap(), cp());
        assert_eq!(verify(&sm.vkey(), &both).unwrap(), cp());
    }

    #[test]
    fn sm2_private_keys_outside_1_to_n_minus_2_are_errors() {
        let n = seed(SM2_N);
        let minus = |k: u8| {
            let mut s = n;
            s[31] -= k;
            s
        };
        for bad in [[0u8; 32], n, minus(1), [0xff; 32]] {
            assert!(Signer::sm2_from_seed("chengguan.example", &bad).is_err(), "{}", hex::encode(bad));
        }
        let mut one = [0u8; 32];
        one[31] = 1;
        for good in [one, minus(2)] {
            let s = Signer::sm2_from_seed("chengguan.example", &good).unwrap();
            assert_eq!(verify(&s.vkey(), &s.sign(&cp())).unwrap(), cp());
        }
    }

    #[test]
    fn malformed_vkeys_are_errors() {
        let sm = Signer::sm2_from_seed("chengguan.example", &[9; 32]).unwrap();
        let note = sm.sign(&cp());
        let with_key = |key: &[u8]| format!("chengguan.example+{}+{}", hex::encode(key_id("chengguan.example", key)), B64.encode(key));
        let point = vkey_key(&sm.vkey())[20..].to_vec();
        // The compressed form of the same point is refused: one key, one encoding.
        let mut compressed = vec![0x02 | (point[64] & 1)];
        compressed.extend_from_slice(&point[1..33]);
        assert!(verify(&with_key(&[SM2_SIGNATURE_TYPE, &compressed].concat()), &note).unwrap_err().contains("uncompressed"));
        // Not on the curve.
        let mut off = point.clone();
        off[64] ^= 1;
        assert!(verify(&with_key(&[SM2_SIGNATURE_TYPE, &off].concat()), &note).unwrap_err().contains("curve"));
        // Other types, lengths.
        assert!(verify(&with_key(&[&[0x53u8][..], &point].concat()), &note).unwrap_err().contains("0x53"));
        assert!(verify(&with_key(&[0x01; 32]), &note).is_err());
        assert!(verify(&with_key(&[]), &note).is_err());
        assert!(verify("chengguan.example", &note).is_err());
        assert!(LogAlgorithm::of_vkey("x+00000000+AQ==").is_err());
    }

    #[test]
    fn key_names_are_checked() {
        for name in ["has space", "a+b", ""] {
            assert!(Signer::from_seed(name, &[1; 32]).is_err());
            assert!(Signer::sm2_from_seed(name, &[1; 32]).is_err());
        }
    }

    #[test]
    fn log_algorithms_by_code() {
        assert_eq!(LogAlgorithm::default(), LogAlgorithm::Sha256Ed25519);
        assert_eq!(LogAlgorithm::Sha256Ed25519.code(), "sha256");
        assert_eq!(LogAlgorithm::Sm3Sm2.code(), "sm3");
        assert_eq!(LogAlgorithm::Sha256Ed25519.code(), Sha256Alg::NAME);
        assert_eq!(LogAlgorithm::Sm3Sm2.code(), Sm3Alg::NAME);
        for a in LogAlgorithm::ALL {
            assert_eq!(LogAlgorithm::parse(a.code()), Ok(a));
            assert_eq!(a.to_string().parse::<LogAlgorithm>(), Ok(a));
            let s = a.signer_from_seed("chengguan.example", &[9; 32]).unwrap();
            assert_eq!(s.algorithm(), a);
            assert_eq!(LogAlgorithm::of_vkey(&s.vkey()), Ok(a));
        }
        for bad in ["", "SHA256", "sm2", "sha256+ed25519"] {
            assert!(LogAlgorithm::parse(bad).is_err(), "{bad}");
        }
        assert!(LogAlgorithm::Sm3Sm2.signer_from_seed("chengguan.example", &[0; 32]).is_err());
    }
}

/// The log's hash operations chosen at run time (for code that holds a log's recorded algorithm).
impl LogAlgorithm {
    pub fn leaf(self, entry: &[u8]) -> crate::merkle::Hash {
        use crate::merkle::{Algorithm, Sha256Alg, Sm3Alg};
        match self {
            LogAlgorithm::Sha256Ed25519 => Sha256Alg::leaf(entry),
            LogAlgorithm::Sm3Sm2 => Sm3Alg::leaf(entry),
        }
    }
    pub fn verify_inclusion(self, index: u64, size: u64, leaf: &crate::merkle::Hash, proof: &[crate::merkle::Hash], root: &crate::merkle::Hash) -> bool {
        use crate::merkle::{verify_inclusion, Sha256Alg, Sm3Alg};
        match self {
            LogAlgorithm::Sha256Ed25519 => verify_inclusion::<Sha256Alg>(index, size, leaf, proof, root),
            LogAlgorithm::Sm3Sm2 => verify_inclusion::<Sm3Alg>(index, size, leaf, proof, root),
        }
    }
    pub fn verify_consistency(
        self,
        first: u64,
        second: u64,
        first_root: &crate::merkle::Hash,
        second_root: &crate::merkle::Hash,
        proof: &[crate::merkle::Hash],
    ) -> bool {
        use crate::merkle::{verify_consistency, Sha256Alg, Sm3Alg};
        match self {
            LogAlgorithm::Sha256Ed25519 => verify_consistency::<Sha256Alg>(first, second, first_root, second_root, proof),
            LogAlgorithm::Sm3Sm2 => verify_consistency::<Sm3Alg>(first, second, first_root, second_root, proof),
        }
    }
}
