-- The full-process record's Merkle tree: every perfect subtree hash (level 0 = leaves), written in
-- the same transaction as its entry; signed checkpoints; the log's hash algorithm.
CREATE TABLE ledger_nodes (
  tenant_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (tenant_id, level, idx)
);
CREATE TABLE ledger_checkpoints (
  tenant_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  root_hash TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (tenant_id, size)
);
ALTER TABLE ledger_heads ADD COLUMN hash_alg TEXT NOT NULL DEFAULT 'sha256'
