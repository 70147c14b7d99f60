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
