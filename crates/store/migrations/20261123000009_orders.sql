-- Orders to correct (责令改正), compulsory measures (查封、扣押) with their custody log, demolitions
-- (限期拆除/强制拆除), off-site enforcement devices and captures (非现场执法), non-coercive outcomes
-- (行政指导、调解、奖励、扶助): one row per record, `kind` says which; `data` is the record as JSON
-- (the party in the sealed personal columns); `version` is checked by the writer (`Change::expect`).
CREATE TABLE enforcement_records (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  case_id TEXT,
  state TEXT NOT NULL,
  party_name TEXT,
  party_id_number TEXT,
  party_phone TEXT,
  due TEXT,
  lookup_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX enforcement_records_kind ON enforcement_records (tenant_id, kind, state);
CREATE INDEX enforcement_records_case ON enforcement_records (tenant_id, case_id);
CREATE INDEX enforcement_records_lookup ON enforcement_records (lookup_hash);
