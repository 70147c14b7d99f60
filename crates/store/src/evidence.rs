//! The evidence store: uploaded files (photos, audio, video, PDFs) kept by SHA-256 content hash
//! in a directory outside the web root. Files stream in and out in chunks — a body-camera video
//! can be gigabytes — and are never executed or served with a sniffable type.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Media types accepted as evidence, by content (magic bytes), never by the client's word.
pub const ALLOWED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heif",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-msvideo",
    "audio/mpeg",
    "audio/x-wav",
    "audio/m4a",
    "audio/amr",
    "application/pdf",
];

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("file larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("file type not accepted as evidence: {0}")]
    Type(String),
    #[error("empty file")]
    Empty,
    #[error("upload interrupted: {0}")]
    Body(String),
    #[error("evidence store I/O: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

pub struct EvidenceStore {
    dir: PathBuf,
    max_bytes: u64,
}

impl EvidenceStore {
    pub fn new(dir: impl Into<PathBuf>, max_bytes: u64) -> std::io::Result<EvidenceStore> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join("tmp"))?;
        Ok(EvidenceStore { dir, max_bytes })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where a file with this hash lives (two-level fan-out keeps directories small).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())).then(|| self.dir.join(&sha256[..2]).join(sha256))
    }

    /// Stream a file in: hash and size while writing to a temporary file, sniff its type from
    /// the first bytes, then move it into place (content-addressed: a duplicate is harmless).
    pub async fn put<S, E>(&self, mut body: S) -> Result<Stored, EvidenceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.dir.join("tmp").join(format!("{}", uuid::Uuid::now_v7().simple()));
        let result = self.write_tmp(&mut body, &tmp).await;
        let (hash, size, head) = match result {
            Ok(v) => v,
            Err(e) => {
                tokio::fs::remove_file(&tmp).await.ok();
                return Err(e);
            }
        };
        let media_type = infer::get(&head).map(|t| t.mime_type().to_owned()).unwrap_or_else(|| "application/octet-stream".into());
        if !ALLOWED.contains(&media_type.as_str()) {
            tokio::fs::remove_file(&tmp).await.ok();
            return Err(EvidenceError::Type(media_type));
        }
        let sha256 = hex::encode(hash);
        let dest = self.path_of(&sha256).expect("a hex digest is a valid name");
        tokio::fs::create_dir_all(dest.parent().expect("fan-out dir")).await?;
        tokio::fs::rename(&tmp, &dest).await?;
        Ok(Stored { sha256, size, media_type })
    }

    async fn write_tmp<S, E>(&self, body: &mut S, tmp: &Path) -> Result<([u8; 32], u64, Vec<u8>), EvidenceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut file = tokio::fs::File::create(tmp).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut head = Vec::with_capacity(8192);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| EvidenceError::Body(e.to_string()))?;
            size += chunk.len() as u64;
            if size > self.max_bytes {
                return Err(EvidenceError::TooLarge { limit: self.max_bytes });
            }
            if head.len() < 8192 {
                head.extend_from_slice(&chunk[..chunk.len().min(8192 - head.len())]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        if size == 0 {
            return Err(EvidenceError::Empty);
        }
        // The file is durable before anything records its hash.
        file.sync_all().await?;
        Ok((hasher.finalize().into(), size, head))
    }

    /// Open a stored file for streaming out.
    pub async fn open(&self, sha256: &str) -> std::io::Result<Option<(tokio::fs::File, u64)>> {
        let Some(p) = self.path_of(sha256) else { return Ok(None) };
        match tokio::fs::File::open(&p).await {
            Ok(f) => {
                let len = f.metadata().await?.len();
                Ok(Some((f, len)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Re-hash a stored file (streaming): Ok(true) if it is intact, Ok(false) if altered or gone.
    pub async fn check(&self, sha256: &str) -> std::io::Result<bool> {
        use tokio::io::AsyncReadExt;
        let Some((mut f, _)) = self.open(sha256).await? else { return Ok(false) };
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()) == sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(limit: u64) -> EvidenceStore {
        let d = std::env::temp_dir().join(format!("cg-evidence-{}", uuid::Uuid::now_v7().simple()));
        EvidenceStore::new(d, limit).unwrap()
    }

    fn chunks(data: Vec<u8>, size: usize) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures_util::stream::iter(data.chunks(size).map(|c| Ok(Bytes::copy_from_slice(c))).collect::<Vec<_>>())
    }

    fn pdf(n: usize) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(n, b'x');
        v
    }

    #[tokio::test]
    async fn stores_by_content_hash_and_checks_it() {
        let s = store(1 << 20);
        let data = pdf(300_000);
        let got = s.put(chunks(data.clone(), 7_001)).await.unwrap();
        assert_eq!(got.sha256, hex::encode(Sha256::digest(&data)));
        assert_eq!((got.size, got.media_type.as_str()), (300_000, "application/pdf"));
        assert!(s.check(&got.sha256).await.unwrap());
        // Changing one byte on disk is detected.
        let p = s.path_of(&got.sha256).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[1000] ^= 1;
        std::fs::write(&p, bytes).unwrap();
        assert!(!s.check(&got.sha256).await.unwrap());
    }

    #[tokio::test]
    async fn refuses_oversize_empty_and_unsniffable_files_and_leaves_nothing() {
        let s = store(1000);
        assert!(matches!(s.put(chunks(pdf(1001), 100)).await, Err(EvidenceError::TooLarge { .. })));
        assert!(matches!(s.put(chunks(vec![], 1)).await, Err(EvidenceError::Empty)));
        assert!(matches!(s.put(chunks(b"<html><script>alert(1)</script>".to_vec(), 5)).await, Err(EvidenceError::Type(_))));
        assert!(matches!(s.put(chunks(b"MZ\x90\x00\x03\x00\x00\x00".to_vec(), 5)).await, Err(EvidenceError::Type(_))));
        assert_eq!(std::fs::read_dir(s.dir.join("tmp")).unwrap().count(), 0, "no temporary file left behind");
        assert!(s.path_of("../../etc/passwd").is_none());
    }
}
