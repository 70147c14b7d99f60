-- Foundation: tenants, organisation, people, certificates, accounts, grants, sessions, ledger.
-- Every domain table is keyed by tenant first (a provincial platform can shard by tenant).
-- Booleans are INTEGER 0/1 and dates ISO-8601 TEXT on both backends.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
CREATE TABLE org_units (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  admin_parent_id TEXT,
  guidance_parent_id TEXT,
  enforcement_subject INTEGER NOT NULL,
  population INTEGER,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX org_units_code ON org_units (tenant_id, code);
CREATE TABLE people (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  org_unit_id TEXT NOT NULL,
  name TEXT NOT NULL,
  gender TEXT,
  id_number TEXT,
  phone TEXT,
  staffing TEXT NOT NULL,
  posts TEXT NOT NULL,
  frontline INTEGER NOT NULL,
  status TEXT NOT NULL,
  joined_on TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX people_unit ON people (tenant_id, org_unit_id);
CREATE TABLE certificates (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  number TEXT NOT NULL,
  issuer TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  scope TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX certificates_number ON certificates (tenant_id, number);
CREATE INDEX certificates_person ON certificates (tenant_id, person_id);
CREATE TABLE accounts (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  username TEXT NOT NULL,
  person_id TEXT,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE TABLE grants (
  tenant_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  role TEXT NOT NULL,
  org_unit_id TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, account_id, role, org_unit_id)
);
CREATE TABLE sessions (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE ledger (
  tenant_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  file_hashes TEXT NOT NULL,
  corrects INTEGER,
  leaf_hash TEXT NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX ledger_subject ON ledger (tenant_id, subject);
CREATE TABLE ledger_heads (
  tenant_id TEXT PRIMARY KEY,
  size INTEGER NOT NULL
)
