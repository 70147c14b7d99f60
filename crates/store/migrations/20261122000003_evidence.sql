-- Evidence files: metadata of files in the evidence store, keyed by their SHA-256 (the file
-- itself lives on disk by that name, and the hash is in the ledger entry of the act).
CREATE TABLE evidence (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  description TEXT,
  PRIMARY KEY (tenant_id, id)
)
