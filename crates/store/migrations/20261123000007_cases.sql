-- Cases (案件) and what hangs off them: the acts of a case, its deadlines, document numbers and
-- their gapless series, idempotency keys of API writes, records of interference in a case
-- (干预案件记录), declared relations (回避), legal reviewers and approval chains.
-- Aggregates carry an integer `version` checked by the writer (`Change::expect`): optimistic
-- concurrency for a case, gapless allocation for a document-number series.
-- Lists of ids are TEXT with a leading and trailing comma (",p-1,p-2,") so LIKE '%,id,%' matches.
CREATE TABLE cases (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  subject_unit_id TEXT NOT NULL,
  state TEXT NOT NULL,
  procedure TEXT NOT NULL,
  source TEXT NOT NULL,
  cause_code TEXT,
  title TEXT NOT NULL,
  party_kind TEXT,
  party_name TEXT,
  party_id_number TEXT,
  party_phone TEXT,
  party_address TEXT,
  party_representative TEXT,
  informant_name TEXT,
  informant_unit TEXT,
  informant_address TEXT,
  informant_phone TEXT,
  handler_ids TEXT NOT NULL,
  lead_on TEXT NOT NULL,
  filed_on TEXT,
  decided_on TEXT,
  served_on TEXT,
  major INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX cases_state ON cases (tenant_id, state);
CREATE INDEX cases_unit ON cases (tenant_id, unit_id);
CREATE TABLE case_acts (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor_account TEXT NOT NULL,
  actor_person TEXT,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  files TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX case_acts_n ON case_acts (tenant_id, case_id, n);
-- `due` is 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SS'; status open|met|cancelled; warning none|near|overdue.
CREATE TABLE case_deadlines (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  citation TEXT NOT NULL,
  verified INTEGER NOT NULL,
  starts_at TEXT NOT NULL,
  due TEXT NOT NULL,
  explanation_zh TEXT NOT NULL,
  explanation_en TEXT NOT NULL,
  status TEXT NOT NULL,
  warning TEXT NOT NULL,
  closed_at TEXT,
  handler_ids TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX case_deadlines_status_due ON case_deadlines (tenant_id, status, due);
CREATE INDEX case_deadlines_case ON case_deadlines (tenant_id, case_id);
-- Issued document numbers (文书编号); a number is voided, never reused. status issued|voided.
CREATE TABLE doc_numbers (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  series TEXT NOT NULL,
  subject_code TEXT NOT NULL,
  type_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  rendered TEXT NOT NULL,
  case_id TEXT,
  document TEXT NOT NULL,
  status TEXT NOT NULL,
  void_reason TEXT,
  issued_at TEXT NOT NULL,
  voided_at TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX doc_numbers_seq ON doc_numbers (tenant_id, series, seq);
CREATE INDEX doc_numbers_case ON doc_numbers (tenant_id, case_id);
-- One row per series (id = the series key); `version` is the last issued sequence number.
CREATE TABLE doc_sequences (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- id = account id + ':' + the client's Idempotency-Key; `result` is the first answer's JSON.
CREATE TABLE idempotency_keys (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- status reported|acknowledged.
CREATE TABLE interference_records (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT,
  reported_by TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  interferer_name TEXT,
  interferer_post TEXT,
  method TEXT NOT NULL,
  content TEXT NOT NULL,
  status TEXT NOT NULL,
  inspector_note TEXT,
  unit_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE declared_relations (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  related_name TEXT,
  related_id_number TEXT,
  relation TEXT NOT NULL,
  declared_on TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE reviewer_appointments (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  appointed_on TEXT NOT NULL,
  qualification_number TEXT,
  qualification_on TEXT,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE approval_chains (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  act TEXT NOT NULL,
  steps TEXT NOT NULL,
  citation TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
)
