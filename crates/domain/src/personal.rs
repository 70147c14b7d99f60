//! Personal data in the full-process record is committed, not written: in an entry's payload a
//! personal column's value is replaced by a salted hash, and the opening (salt and value) is kept
//! beside the log. When the data's retention ends the opening is erased — by an entry of its own —
//! and the log still verifies, because the payload hash covers only the commitment
//! (个人信息保护法 art. 47).

use crate::{Row, Table, Value};
use sha2::{Digest, Sha256};

/// A sealed value in a payload: NUL can never appear in stored text (the store refuses it), so the
/// marker cannot collide with real data.
const MARK: &str = "\u{0}pd:";

/// Columns holding personal data (个人信息保护法 art. 4, art. 28: identity numbers are sensitive).
pub fn personal_columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::People => &["name", "id_number", "phone"],
        // The party of a case (a person's name, identity number, phone and address; an
        // organisation's representative is a person too).
        // The informant of a complaint is protected too (their identity must not leak to the party).
        Table::Cases => &[
            "party_name",
            "party_id_number",
            "party_phone",
            "party_address",
            "party_representative",
            "informant_name",
            "informant_unit",
            "informant_address",
            "informant_phone",
        ],
        Table::DeclaredRelations => &["related_name", "related_id_number"],
        Table::Interference => &["interferer_name"],
        // The party of an order, measure, demolition, capture or outcome.
        Table::EnforcementRecords => &["party_name", "party_id_number", "party_phone"],
        _ => &[],
    }
}

/// What the log keeps beside an entry to open one commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub commitment: String,
    pub salt: [u8; 16],
    pub value: Value,
    pub table: Table,
    /// The row's key values joined by '/', to find a person's openings for erasure.
    pub row_key: String,
}

pub fn commitment(salt: &[u8; 16], value: &Value) -> String {
    let mut h = Sha256::new();
    h.update(b"cgpd1");
    h.update(salt);
    h.update(serde_json::to_vec(value).expect("a value serialises"));
    hex::encode(h.finalize())
}

pub fn row_key(row: &Row) -> String {
    row.table
        .key()
        .iter()
        .map(|k| row.values.get(*k).and_then(|v| if let Value::Text(t) = v { Some(t.as_str()) } else { None }).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("/")
}

/// Replace every non-null personal value by its commitment; return the sealed rows and openings.
pub fn seal(rows: &[Row], salt: impl FnMut() -> [u8; 16]) -> (Vec<Row>, Vec<Opening>) {
    let (sealed, openings, _) = seal_reusing(rows, salt, |_, _, _| None);
    (sealed, openings)
}

/// Like [`seal`], but a value for which `known(table, row_key, value)` names the commitment of an
/// existing opening of the same row keeps that commitment and gets no new opening: a case row is
/// written again with every act, and its party rarely changes. Also returns the commitments
/// reused, which the store checks are still open (not erased) when it writes the entry.
pub fn seal_reusing(
    rows: &[Row],
    mut salt: impl FnMut() -> [u8; 16],
    known: impl Fn(Table, &str, &Value) -> Option<String>,
) -> (Vec<Row>, Vec<Opening>, Vec<String>) {
    let mut reused = Vec::new();
    let mut openings = Vec::new();
    let sealed = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let key = row_key(&r);
            for col in personal_columns(r.table) {
                if let Some(v) = r.values.get_mut(*col) {
                    if *v == Value::Null {
                        continue;
                    }
                    let c = match known(r.table, &key, v) {
                        Some(c) => {
                            reused.push(c.clone());
                            c
                        }
                        None => {
                            let s = salt();
                            let c = commitment(&s, v);
                            openings.push(Opening { commitment: c.clone(), salt: s, value: v.clone(), table: r.table, row_key: key.clone() });
                            c
                        }
                    };
                    *v = Value::Text(format!("{MARK}{c}"));
                }
            }
            r
        })
        .collect();
    (sealed, openings, reused)
}

/// Erased personal data, as replay sees it: never equal to anything a table holds.
pub const ERASED: &str = "\u{0}erased";

/// Open sealed rows. `lookup(commitment)` gives the stored (salt, value), or None when erased;
/// an opening that does not match its commitment is an error naming it.
pub fn open(rows: Vec<Row>, lookup: impl Fn(&str) -> Option<([u8; 16], Value)>) -> Result<Vec<Row>, String> {
    rows.into_iter()
        .map(|mut r| {
            for v in r.values.values_mut() {
                let Value::Text(t) = v else { continue };
                let Some(c) = t.strip_prefix(MARK) else { continue };
                let c = c.to_owned();
                *v = match lookup(&c) {
                    Some((salt, value)) if commitment(&salt, &value) == c => value,
                    Some(_) => return Err(format!("personal data {c} does not match its commitment (altered)")),
                    None => Value::Text(ERASED.into()),
                };
            }
            Ok(r)
        })
        .collect()
}

/// Is this (sealed) payload value a commitment?
pub fn sealed_commitment(v: &Value) -> Option<&str> {
    match v {
        Value::Text(t) => t.strip_prefix(MARK),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Row {
        Row::new(Table::People)
            .set("tenant_id", "t")
            .set("id", "p1")
            .set("name", "张三")
            .set("phone", "13800000000")
            .set("id_number", Option::<String>::None)
            .set("staffing", "civil_servant")
    }

    #[test]
    fn seal_hides_personal_values_and_open_restores_them() {
        let mut n = 0u8;
        let (sealed, openings) = seal(&[person()], || {
            n += 1;
            [n; 16]
        });
        let json = serde_json::to_string(&sealed).unwrap();
        assert!(!json.contains("张三") && !json.contains("13800000000"), "{json}");
        assert!(json.contains("civil_servant"), "other columns stay in clear");
        assert_eq!(openings.len(), 2, "null values are not sealed");
        assert_eq!(openings[0].row_key, "t/p1");
        let lookup = |c: &str| openings.iter().find(|o| o.commitment == c).map(|o| (o.salt, o.value.clone()));
        assert_eq!(open(sealed.clone(), lookup).unwrap(), vec![person()]);
        // Erased: replay sees a value no table holds.
        let opened = open(sealed.clone(), |_| None).unwrap();
        assert_eq!(opened[0].text("name"), Some(ERASED));
        // An altered opening is named.
        let bad = |c: &str| lookup(c).map(|(s, _)| (s, Value::Text("李四".into())));
        assert!(open(sealed, bad).unwrap_err().contains("altered"));
    }

    #[test]
    fn a_known_value_keeps_its_commitment_and_a_changed_one_gets_a_new_opening() {
        let (_, first) = seal(&[person()], || [1; 16]);
        let known = |t: Table, key: &str, v: &Value| first.iter().find(|o| o.table == t && o.row_key == key && &o.value == v).map(|o| o.commitment.clone());
        let changed = person().set("phone", "13900000000");
        let (sealed, openings, reused) = seal_reusing(&[changed.clone()], || [2; 16], known);
        assert_eq!(reused, vec![first[0].commitment.clone()], "the name is unchanged");
        assert_eq!(openings.len(), 1, "only the new phone is opened");
        assert_eq!(openings[0].value, Value::Text("13900000000".into()));
        let all: Vec<Opening> = first.iter().chain(&openings).cloned().collect();
        let lookup = |c: &str| all.iter().find(|o| o.commitment == c).map(|o| (o.salt, o.value.clone()));
        assert_eq!(open(sealed, lookup).unwrap(), vec![changed]);
    }

    #[test]
    fn the_same_value_gets_a_different_commitment_each_time() {
        let v = Value::Text("张三".into());
        assert_ne!(commitment(&[1; 16], &v), commitment(&[2; 16], &v));
    }
}
