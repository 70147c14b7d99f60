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
    pub const ALL: [Table; 7] = [
        Table::Tenants,
        Table::OrgUnits,
        Table::People,
        Table::Certificates,
        Table::Accounts,
        Table::Grants,
        Table::Sessions,
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
}

impl Change {
    pub fn new(action: &str, subject: impl Into<String>) -> Self {
        Change { action: action.to_owned(), subject: subject.into(), rows: Vec::new() }
    }
    pub fn row(mut self, row: Row) -> Self {
        self.rows.push(row);
        self
    }
}
