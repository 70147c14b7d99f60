-- The full-process record's Merkle tree: every perfect subtree hash (level 0 = leaves), written in
-- the same transaction as its entry; signed checkpoints; the log's hash algorithm.
CREATE TABLE ledger_nodes (
  tenant_id TEXT NOT NULL,
  level BIGINT NOT NULL,
  idx BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (tenant_id, level, idx)
);
CREATE TABLE ledger_checkpoints (
  tenant_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  time_ms BIGINT NOT NULL,
  root_hash TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (tenant_id, size)
);
ALTER TABLE ledger_heads ADD COLUMN hash_alg TEXT NOT NULL DEFAULT 'sha256'
