-- Execution to archive (issue 7).
-- Payment confirmations from the bank or e-payment platform (罚缴分离): one row per reference so a
-- reference is recorded once in the tenant, whichever case it pays (import duplicates refused).
-- The payment itself lives in the case (`cases.data`), its act in `case_acts`.
CREATE INDEX doc_numbers_rendered ON doc_numbers (tenant_id, rendered);

CREATE TABLE payment_refs (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  paid_on TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- Fine receipts (罚没款收据, APL art. 70): the finance department's numbered forms, tracked from
-- issue to an officer through use on a case, voiding or return.
CREATE TABLE fine_receipts (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  status TEXT NOT NULL,
  case_id TEXT,
  issued_at TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  changed_at TEXT,
  note TEXT,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX fine_receipts_holder ON fine_receipts (tenant_id, holder, status);
