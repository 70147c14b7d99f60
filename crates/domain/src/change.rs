//! A domain decision is expressed as row after-images. The store applies them and writes the
//! same after-images into the full-process record, so the record alone can rebuild the state.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The domain tables. The store knows their columns and keys; nothing else writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Tenants,
    OrgUnits,
    People,
    Certificates,
    Accounts,
    Grants,
    Sessions,
    Evidence,
    RuleOverrides,
    PowerList,
    Cases,
    CaseActs,
    CaseDeadlines,
    DocNumbers,
    DocSequences,
    IdempotencyKeys,
    PaymentRefs,
    FineReceipts,
    Interference,
    DeclaredRelations,
    ReviewerAppointments,
    ApprovalChains,
    EnforcementRecords,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Tenants => "tenants",
            Table::OrgUnits => "org_units",
            Table::People => "people",
            Table::Certificates => "certificates",
            Table::Accounts => "accounts",
            Table::Grants => "grants",
            Table::Sessions => "sessions",
            Table::Evidence => "evidence",
            Table::RuleOverrides => "rule_overrides",
            Table::PowerList => "power_list_entries",
            Table::Cases => "cases",
            Table::CaseActs => "case_acts",
            Table::CaseDeadlines => "case_deadlines",
            Table::DocNumbers => "doc_numbers",
            Table::DocSequences => "doc_sequences",
            Table::IdempotencyKeys => "idempotency_keys",
            Table::PaymentRefs => "payment_refs",
            Table::FineReceipts => "fine_receipts",
            Table::Interference => "interference_records",
            Table::DeclaredRelations => "declared_relations",
            Table::ReviewerAppointments => "reviewer_appointments",
            Table::ApprovalChains => "approval_chains",
            Table::EnforcementRecords => "enforcement_records",
        }
    }
    /// Key columns (every table's key starts with the tenant, so tenants can be sharded).
    pub fn key(self) -> &'static [&'static str] {
        match self {
            Table::Tenants => &["id"],
            Table::Grants => &["tenant_id", "account_id", "role", "org_unit_id"],
            _ => &["tenant_id", "id"],
        }
    }
    /// Tables the case commands only read (people, certificates, rules, the power list …): a
    /// write to one of them invalidates the web layer's per-tenant reference cache.
    pub fn is_reference(self) -> bool {
        !matches!(
            self,
            Table::Sessions
                | Table::Evidence
                | Table::Cases
                | Table::CaseActs
                | Table::CaseDeadlines
                | Table::DocNumbers
                | Table::DocSequences
                | Table::IdempotencyKeys
                | Table::PaymentRefs
                | Table::FineReceipts
                | Table::Interference
                | Table::EnforcementRecords
        )
    }
    pub const ALL: [Table; 23] = [
        Table::Tenants,
        Table::OrgUnits,
        Table::People,
        Table::Certificates,
        Table::Accounts,
        Table::Grants,
        Table::Sessions,
        Table::Evidence,
        Table::RuleOverrides,
        Table::PowerList,
        Table::Cases,
        Table::CaseActs,
        Table::CaseDeadlines,
        Table::DocNumbers,
        Table::DocSequences,
        Table::IdempotencyKeys,
        Table::PaymentRefs,
        Table::FineReceipts,
        Table::Interference,
        Table::DeclaredRelations,
        Table::ReviewerAppointments,
        Table::ApprovalChains,
        Table::EnforcementRecords,
    ];
}

/// A column value: the types both databases carry identically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v as i64)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// One row's complete after-image. Columns are sorted, so the encoding is canonical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub table: Table,
    pub values: BTreeMap<String, Value>,
}

impl Row {
    pub fn new(table: Table) -> Self {
        Row { table, values: BTreeMap::new() }
    }
    pub fn set(mut self, col: &str, v: impl Into<Value>) -> Self {
        self.values.insert(col.to_owned(), v.into());
        self
    }
    pub fn text(&self, col: &str) -> Option<&str> {
        match self.values.get(col) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }
}

/// What one command changes: an act (action + subject) and the rows it leaves behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub action: String,
    pub subject: String,
    pub rows: Vec<Row>,
    /// SHA-256 (hex) of files in the evidence store that this act attaches.
    #[serde(default)]
    pub files: Vec<String>,
    /// Personal-data commitments whose openings this act erases (retention ended).
    #[serde(default)]
    pub erase: Vec<String>,
    /// The earlier entry (seq) this act corrects: nothing is deleted; a correction is a new entry
    /// naming the one it corrects.
    #[serde(default)]
    pub corrects: Option<u64>,
    /// Preconditions checked inside the transaction before any row is written: optimistic
    /// concurrency for aggregates (a case's version) and gapless sequences (a document-number
    /// series). A failed expectation refuses the command as a conflict; nothing is written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Expect>,
}

/// The row `(tenant, id)` of `table` has `version` equal to the given value, or does not exist
/// when `version` is None. The table must have `tenant_id`, `id` and an integer `version` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expect {
    pub table: Table,
    pub id: String,
    pub version: Option<i64>,
}

/// An entry's payload: the (sealed) after-images and the commitments it erases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub rows: Vec<Row>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erased: Vec<String>,
}

impl Change {
    pub fn new(action: &str, subject: impl Into<String>) -> Self {
        Change {
            action: action.to_owned(),
            subject: subject.into(),
            rows: Vec::new(),
            files: Vec::new(),
            erase: Vec::new(),
            corrects: None,
            expect: Vec::new(),
        }
    }
    pub fn row(mut self, row: Row) -> Self {
        self.rows.push(row);
        self
    }
    pub fn expect(mut self, table: Table, id: impl Into<String>, version: Option<i64>) -> Self {
        self.expect.push(Expect { table, id: id.into(), version });
        self
    }
}

/// The state the record describes: every row's latest after-image, rebuilt by replaying the
/// payloads in order. `chengguan verify` compares it, column by column, with the tables.
#[derive(Debug, Default, Clone)]
pub struct Replay {
    rows: BTreeMap<(Table, Vec<String>), Row>,
}

fn key_of(row: &Row) -> Vec<String> {
    row.table.key().iter().map(|k| format!("{:?}", row.values.get(*k).unwrap_or(&Value::Null))).collect()
}

impl Replay {
    pub fn apply(&mut self, rows: impl IntoIterator<Item = Row>) {
        for r in rows {
            self.rows.insert((r.table, key_of(&r)), r);
        }
    }

    /// The first difference between the replayed rows of `table` and `actual` (the table's rows),
    /// described for a person; None when they agree exactly.
    pub fn diff(&self, table: Table, actual: &[Row]) -> Option<String> {
        let mut seen = std::collections::BTreeSet::new();
        for a in actual {
            let k = key_of(a);
            match self.rows.get(&(table, k.clone())) {
                None => return Some(format!("{} row {} is not in the record (inserted outside the write path)", table.name(), k.join("/"))),
                Some(r) => {
                    for (col, v) in &a.values {
                        let expected = r.values.get(col).unwrap_or(&Value::Null);
                        if expected != v {
                            return Some(format!("{} row {}: column {col} is {v:?}, the record says {expected:?}", table.name(), k.join("/")));
                        }
                    }
                    for col in r.values.keys() {
                        if !a.values.contains_key(col) {
                            return Some(format!("{} row {}: column {col} is missing", table.name(), k.join("/")));
                        }
                    }
                }
            }
            seen.insert(k);
        }
        self.rows
            .keys()
            .find(|(t, k)| *t == table && !seen.contains(k))
            .map(|(_, k)| format!("{} row {} is in the record but missing from the table (deleted)", table.name(), k.join("/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str) -> Row {
        Row::new(Table::People).set("tenant_id", "t").set("id", id).set("name", name)
    }

    #[test]
    fn replay_keeps_the_latest_after_image_and_names_each_kind_of_difference() {
        let mut r = Replay::default();
        r.apply([row("1", "张三"), row("2", "李四")]);
        r.apply([row("1", "张三丰")]);
        assert_eq!(r.diff(Table::People, &[row("1", "张三丰"), row("2", "李四")]), None);
        assert!(r.diff(Table::People, &[row("1", "张三"), row("2", "李四")]).unwrap().contains("column name"));
        assert!(r.diff(Table::People, &[row("1", "张三丰")]).unwrap().contains("deleted"));
        assert!(r.diff(Table::People, &[row("1", "张三丰"), row("2", "李四"), row("3", "王五")]).unwrap().contains("not in the record"));
    }
}
