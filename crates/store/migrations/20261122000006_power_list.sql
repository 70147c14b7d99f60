-- The power list (权责清单) per tenant: one row per version of an item, a discretion benchmark
-- or an exemption list (id `kind:code@version`), and the list's header (id `header`: title, note,
-- general grounds). `data` is the version's JSON (docs/power-list.md). A new version is a new
-- row; nothing is deleted (a withdrawn version would keep its row with active = 0).
CREATE TABLE power_list_entries (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  effective_from TEXT NOT NULL,
  approval_ref TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  data TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
)
