-- Tenant overrides of rule files: `procedure` (an overlay of the procedural rule profile) and
-- `local_days` (local rest and working days). The TOML is kept verbatim with the tenant's legal
-- source; a reset sets active = 0 (nothing is deleted).
CREATE TABLE rule_overrides (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  text TEXT NOT NULL,
  citation TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
)
