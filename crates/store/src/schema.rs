//! Column lists of the domain tables, so one generic upsert serves every write and the record
//! can be replayed table by table.

use chengguan_domain::{Row, Table, Value};

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
        Table::Accounts => &[("tenant_id", Text), ("id", Text), ("username", Text), ("person_id", Text), ("password_hash", Text), ("active", Int)],
        Table::Grants => &[("tenant_id", Text), ("account_id", Text), ("role", Text), ("org_unit_id", Text), ("active", Int)],
        Table::Sessions => {
            &[("tenant_id", Text), ("id", Text), ("account_id", Text), ("kind", Text), ("created_at", Text), ("expires_at", Text), ("revoked_at", Text)]
        }
        Table::Evidence => {
            &[("tenant_id", Text), ("id", Text), ("size", Int), ("media_type", Text), ("uploaded_by", Text), ("uploaded_at", Text), ("description", Text)]
        }
        // A tenant's override of a rule file (`procedure` or `local_days`): the TOML and its citation.
        Table::RuleOverrides => {
            &[("tenant_id", Text), ("id", Text), ("text", Text), ("citation", Text), ("updated_by", Text), ("updated_at", Text), ("active", Int)]
        }
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
        // A case (案件): `version` is checked by `Change::expect` (optimistic concurrency);
        // `handler_ids` is ",p-1,p-2,"; `data` is the rest of the aggregate as JSON.
        Table::Cases => &[
            ("tenant_id", Text),
            ("id", Text),
            ("version", Int),
            ("unit_id", Text),
            ("subject_unit_id", Text),
            ("state", Text),
            ("procedure", Text),
            ("source", Text),
            ("cause_code", Text),
            ("title", Text),
            ("party_kind", Text),
            ("party_name", Text),
            ("party_id_number", Text),
            ("party_phone", Text),
            ("party_address", Text),
            ("party_representative", Text),
            ("informant_name", Text),
            ("informant_unit", Text),
            ("informant_address", Text),
            ("informant_phone", Text),
            ("handler_ids", Text),
            ("lead_on", Text),
            ("filed_on", Text),
            ("decided_on", Text),
            ("served_on", Text),
            ("major", Int),
            ("created_at", Text),
            ("updated_at", Text),
            ("data", Text),
        ],
        Table::CaseActs => &[
            ("tenant_id", Text),
            ("id", Text),
            ("case_id", Text),
            ("n", Int),
            ("kind", Text),
            ("actor_account", Text),
            ("actor_person", Text),
            ("at", Text),
            ("data", Text),
            ("files", Text),
        ],
        Table::CaseDeadlines => &[
            ("tenant_id", Text),
            ("id", Text),
            ("case_id", Text),
            ("unit_id", Text),
            ("rule", Text),
            ("citation", Text),
            ("verified", Int),
            ("starts_at", Text),
            ("due", Text),
            ("explanation_zh", Text),
            ("explanation_en", Text),
            ("status", Text),
            ("warning", Text),
            ("closed_at", Text),
            ("handler_ids", Text),
        ],
        Table::DocNumbers => &[
            ("tenant_id", Text),
            ("id", Text),
            ("series", Text),
            ("subject_code", Text),
            ("type_code", Text),
            ("year", Int),
            ("seq", Int),
            ("rendered", Text),
            ("case_id", Text),
            ("document", Text),
            ("status", Text),
            ("void_reason", Text),
            ("issued_at", Text),
            ("voided_at", Text),
        ],
        // A document-number series (id = series key); `version` = the last issued number.
        Table::DocSequences => &[("tenant_id", Text), ("id", Text), ("version", Int)],
        Table::IdempotencyKeys => &[("tenant_id", Text), ("id", Text), ("request_hash", Text), ("result", Text), ("created_at", Text), ("version", Int)],
        Table::PaymentRefs => &[("tenant_id", Text), ("id", Text), ("case_id", Text), ("amount_fen", Int), ("paid_on", Text), ("version", Int)],
        Table::FineReceipts => &[
            ("tenant_id", Text),
            ("id", Text),
            ("unit_id", Text),
            ("holder", Text),
            ("status", Text),
            ("case_id", Text),
            ("issued_at", Text),
            ("issued_by", Text),
            ("changed_at", Text),
            ("note", Text),
            ("version", Int),
        ],
        Table::Interference => &[
            ("tenant_id", Text),
            ("id", Text),
            ("case_id", Text),
            ("reported_by", Text),
            ("reported_at", Text),
            ("interferer_name", Text),
            ("interferer_post", Text),
            ("method", Text),
            ("content", Text),
            ("status", Text),
            ("inspector_note", Text),
            ("unit_id", Text),
        ],
        Table::DeclaredRelations => &[
            ("tenant_id", Text),
            ("id", Text),
            ("person_id", Text),
            ("related_name", Text),
            ("related_id_number", Text),
            ("relation", Text),
            ("declared_on", Text),
            ("active", Int),
        ],
        Table::ReviewerAppointments => &[
            ("tenant_id", Text),
            ("id", Text),
            ("person_id", Text),
            ("appointed_on", Text),
            ("qualification_number", Text),
            ("qualification_on", Text),
            ("active", Int),
        ],
        Table::ApprovalChains => &[
            ("tenant_id", Text),
            ("id", Text),
            ("unit_id", Text),
            ("act", Text),
            ("steps", Text),
            ("citation", Text),
            ("updated_by", Text),
            ("updated_at", Text),
            ("active", Int),
        ],
        // Orders to correct, compulsory measures, demolitions, off-site devices and captures,
        // non-coercive outcomes (`kind`); `data` is the record as JSON, the party in the sealed
        // columns; `due` the next date that matters; `lookup_hash` the party's look-up code hash.
        Table::EnforcementRecords => &[
            ("tenant_id", Text),
            ("id", Text),
            ("version", Int),
            ("kind", Text),
            ("unit_id", Text),
            ("case_id", Text),
            ("state", Text),
            ("party_name", Text),
            ("party_id_number", Text),
            ("party_phone", Text),
            ("due", Text),
            ("lookup_hash", Text),
            ("created_at", Text),
            ("updated_at", Text),
            ("data", Text),
        ],
    }
}

/// Rows per multi-row statement. Statements come in a few shapes only — this many rows, then
/// the binary decomposition of the rest (16, 8, 4, 2, 1) — so prepared statements are reused
/// from the cache instead of parsed anew for every batch size, and a batch of n rows takes at
/// most n/32 + 5 statements per table instead of one per row.
pub(crate) const GROUP: usize = 32;

/// Split `items` into groups of exactly `GROUP`, then groups of the powers of two below it.
pub(crate) fn groups<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let full = items.len() / GROUP * GROUP;
    let mut rest = &items[full..];
    let mut tail = Vec::new();
    let mut size = GROUP / 2;
    while size > 0 {
        if rest.len() >= size {
            let (head, more) = rest.split_at(size);
            tail.push(head);
            rest = more;
        }
        size /= 2;
    }
    items[..full].chunks(GROUP).chain(tail)
}

#[cfg(test)]
mod group_tests {
    #[test]
    fn groups_are_powers_of_two_in_order() {
        for n in 0..100usize {
            let items: Vec<usize> = (0..n).collect();
            let gs: Vec<&[usize]> = super::groups(&items).collect();
            assert!(gs.iter().all(|g| g.len().is_power_of_two() && g.len() <= super::GROUP), "{n}");
            assert_eq!(gs.concat(), items, "{n}");
            assert!(gs.len() <= n / super::GROUP + 5, "{n}");
        }
    }
}

/// The statement that upserts `n` rows of `table` (INSERT … ON CONFLICT (key) DO UPDATE: each
/// row's complete after-image replaces the old one). Keys must be distinct (a statement may not
/// touch a row twice): the caller keeps the last after-image of each key.
pub(crate) fn upsert_sql(table: Table, n: usize) -> String {
    let cols = columns(table);
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let key = table.key();
    let updates: Vec<String> = names.iter().filter(|c| !key.contains(c)).map(|c| format!("{c} = excluded.{c}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
        table.name(),
        names.join(", "),
        placeholders(n, cols.len()),
        key.join(", "),
        updates.join(", ")
    )
}

/// `($1, …, $k), ($k+1, …)`: n groups of k numbered parameters.
pub(crate) fn placeholders(n: usize, k: usize) -> String {
    (0..n).map(|r| format!("({})", (1..=k).map(|i| format!("${}", r * k + i)).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", ")
}

/// A row's values in column order, checked against the schema (unknown column, wrong type).
pub(crate) fn row_args(row: &Row) -> Result<Vec<crate::exec::Arg<'_>>, String> {
    use crate::exec::Arg;
    let cols = columns(row.table);
    if let Some(k) = row.values.keys().find(|k| !cols.iter().any(|(c, _)| c == k)) {
        return Err(format!("{} has no column {k}", row.table.name()));
    }
    cols.iter()
        .map(|(c, ty)| match (row.values.get(*c).unwrap_or(&Value::Null), ty) {
            (Value::Null, ty) => Ok(Arg::Null(*ty)),
            (Value::Int(i), Ty::Int) => Ok(Arg::Int(*i)),
            (Value::Text(s), Ty::Text) => Ok(Arg::Text(s)),
            (v, _) => Err(format!("{}.{c}: wrong type {v:?}", row.table.name())),
        })
        .collect()
}
