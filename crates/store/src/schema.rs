//! Column lists of the domain tables, so one generic upsert serves every write and the record
//! can be replayed table by table.

use chengguan_domain::{Row, Table, Value};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Text,
}

use Ty::*;

pub fn columns(t: Table) -> &'static [(&'static str, Ty)] {
    match t {
        Table::Tenants => &[("id", Text), ("code", Text), ("name", Text)],
        Table::OrgUnits => &[
            ("tenant_id", Text),
            ("id", Text),
            ("code", Text),
            ("name", Text),
            ("kind", Text),
            ("admin_parent_id", Text),
            ("guidance_parent_id", Text),
            ("enforcement_subject", Int),
            ("population", Int),
            ("active", Int),
        ],
        Table::People => &[
            ("tenant_id", Text),
            ("id", Text),
            ("org_unit_id", Text),
            ("name", Text),
            ("gender", Text),
            ("id_number", Text),
            ("phone", Text),
            ("staffing", Text),
            ("posts", Text),
            ("frontline", Int),
            ("status", Text),
            ("joined_on", Text),
        ],
        Table::Certificates => &[
            ("tenant_id", Text),
            ("id", Text),
            ("person_id", Text),
            ("number", Text),
            ("issuer", Text),
            ("valid_from", Text),
            ("valid_until", Text),
            ("scope", Text),
            ("active", Int),
        ],
        Table::Accounts => &[
            ("tenant_id", Text),
            ("id", Text),
            ("username", Text),
            ("person_id", Text),
            ("password_hash", Text),
            ("active", Int),
        ],
        Table::Grants => &[("tenant_id", Text), ("account_id", Text), ("role", Text), ("org_unit_id", Text), ("active", Int)],
        Table::Sessions => &[
            ("tenant_id", Text),
            ("id", Text),
            ("account_id", Text),
            ("kind", Text),
            ("created_at", Text),
            ("expires_at", Text),
            ("revoked_at", Text),
        ],
        Table::Evidence => &[
            ("tenant_id", Text),
            ("id", Text),
            ("size", Int),
            ("media_type", Text),
            ("uploaded_by", Text),
            ("uploaded_at", Text),
            ("description", Text),
        ],
        // A tenant's override of a rule file (`procedure` or `local_days`): the TOML and its citation.
        Table::RuleOverrides => &[
            ("tenant_id", Text),
            ("id", Text),
            ("text", Text),
            ("citation", Text),
            ("updated_by", Text),
            ("updated_at", Text),
            ("active", Int),
        ],
        // The power list (权责清单), one row per version of an item, a benchmark or an exemption
        // list (id `kind:code@version`), plus the list's header (id `header`); `data` is the
        // version's JSON in the format of docs/power-list.md. Versions are never rewritten.
        Table::PowerList => &[
            ("tenant_id", Text),
            ("id", Text),
            ("kind", Text),
            ("code", Text),
            ("version", Int),
            ("effective_from", Text),
            ("approval_ref", Text),
            ("approved_by", Text),
            ("data", Text),
            ("active", Int),
        ],
    }
}

/// INSERT … ON CONFLICT (key) DO UPDATE: the row's complete after-image replaces the old one.
pub async fn upsert(tx: &mut Transaction<'static, Any>, row: &Row) -> Result<(), sqlx::Error> {
    let cols = columns(row.table);
    for k in row.values.keys() {
        if !cols.iter().any(|(c, _)| c == k) {
            return Err(sqlx::Error::Protocol(format!("{} has no column {k}", row.table.name())));
        }
    }
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
    let key = row.table.key();
    let updates: Vec<String> =
        names.iter().filter(|c| !key.contains(c)).map(|c| format!("{c} = excluded.{c}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
        row.table.name(),
        names.join(", "),
        params.join(", "),
        key.join(", "),
        updates.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (c, ty) in cols {
        q = match (row.values.get(*c).unwrap_or(&Value::Null), ty) {
            (Value::Null, Ty::Int) => q.bind(Option::<i64>::None),
            (Value::Null, Ty::Text) => q.bind(Option::<String>::None),
            (Value::Int(i), Ty::Int) => q.bind(*i),
            (Value::Text(s), Ty::Text) => q.bind(s.clone()),
            (v, _) => return Err(sqlx::Error::Protocol(format!("{}.{c}: wrong type {v:?}", row.table.name()))),
        };
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
