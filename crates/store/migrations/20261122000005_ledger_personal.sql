-- Openings of the personal-data commitments in ledger payloads (salt and value), kept beside the
-- log so they can be erased when their retention ends while the log still verifies.
CREATE TABLE ledger_personal (
  tenant_id TEXT NOT NULL,
  commitment TEXT NOT NULL,
  salt TEXT NOT NULL,
  value TEXT NOT NULL,
  table_name TEXT NOT NULL,
  row_key TEXT NOT NULL,
  PRIMARY KEY (tenant_id, commitment)
);
CREATE INDEX ledger_personal_row ON ledger_personal (tenant_id, table_name, row_key)
