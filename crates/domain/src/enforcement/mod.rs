//! Orders to correct, compulsory measures, demolition, off-site enforcement and non-coercive
//! outcomes (网上办案 3 of 3; shared/spec/penalty-procedure.md "Orders, compulsory measures,
//! demolition"). Pure: every command takes the record, its input, the actor, the rule
//! environment and `now`, and returns the new record — or a `Refusal` naming the rule with its
//! citation. Nothing here reads a clock or a database.
//!
//! Every record is one row of `enforcement_records` (kind + JSON `data`, the party in sealed
//! personal columns); every command writes the record's after-image, expecting the version it was
//! read at, as one ledger entry.

pub mod demolition;
pub mod measures;
pub mod offsite;
pub mod orders;
pub mod outcomes;

use crate::calendar::Calendar;
use crate::case::PersonFacts;
use crate::deadline::{self, Deadline, Due};
use crate::power::PowerList;
use crate::profile::{ProcedureProfile, Rule};
use crate::{Change, Refusal, Row, Table, Value};
use chrono::{NaiveDate, NaiveDateTime};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the commands read: the effective procedural profile, the calendar, the power list and
/// the people (certificates) of the tenant.
pub struct Env<'a> {
    pub profile: &'a ProcedureProfile,
    pub calendar: &'a Calendar,
    pub power: &'a PowerList,
    pub people: &'a BTreeMap<String, PersonFacts>,
}

/// Who issues a command: the account, its person, and whether they hold the power to approve
/// (the head of the agency, 行政机关负责人, or the person the unit authorises).
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: String,
    pub person_id: Option<String>,
    pub approver: bool,
}

/// The party (当事人). Stored in the sealed personal columns, never in `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// One act on a record: the timeline the pages show (the ledger entry is the proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    pub kind: String,
    pub at: NaiveDateTime,
    pub actor_account: String,
    #[serde(default)]
    pub actor_person: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// What every record has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub id: String,
    #[serde(skip)]
    pub version: i64,
    pub unit_id: String,
    /// The penalty case (or registered lead: a case in state `registered`) it belongs to.
    #[serde(default)]
    pub case_id: Option<String>,
    /// A lead outside the case register (e.g. a 12345 work order number).
    #[serde(default)]
    pub lead_ref: Option<String>,
    #[serde(skip)]
    pub party: Party,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub acts: Vec<Act>,
}

impl Head {
    pub fn new(id: &str, unit_id: &str, case_id: Option<String>, lead_ref: Option<String>, party: Party, now: NaiveDateTime) -> Head {
        Head { id: id.to_owned(), version: 0, unit_id: unit_id.to_owned(), case_id, lead_ref, party, created_at: now, updated_at: now, acts: Vec::new() }
    }
    /// Records an act and bumps the version (the row is written expecting the old one).
    pub fn act(&mut self, kind: &str, actor: &Actor, now: NaiveDateTime, note: impl Into<String>) {
        self.version += 1;
        self.updated_at = now;
        self.acts.push(Act {
            kind: kind.to_owned(),
            at: now,
            actor_account: actor.account_id.clone(),
            actor_person: actor.person_id.clone(),
            note: note.into(),
        });
    }
}

/// A record kind stored in `enforcement_records`.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const KIND: &'static str;
    fn head(&self) -> &Head;
    fn head_mut(&mut self) -> &mut Head;
    fn state_code(&self) -> &'static str;
    /// The next date that matters (deadline), `YYYY-MM-DD` or a timestamp.
    fn due(&self) -> Option<String>;
    /// SHA-256 of the party's look-up code (off-site captures only).
    fn lookup_hash(&self) -> Option<String> {
        None
    }
}

/// A local timestamp as the tables store it.
pub fn timestamp(t: NaiveDateTime) -> String {
    crate::case::rows::timestamp(t)
}

/// The record's row after-image.
pub fn to_row<R: Record>(r: &R, tenant: &str) -> Row {
    let h = r.head();
    Row::new(Table::EnforcementRecords)
        .set("tenant_id", tenant)
        .set("id", h.id.as_str())
        .set("version", h.version)
        .set("kind", R::KIND)
        .set("unit_id", h.unit_id.as_str())
        .set("case_id", h.case_id.clone())
        .set("state", r.state_code())
        .set("party_name", Some(h.party.name.clone()).filter(|n| !n.is_empty()))
        .set("party_id_number", h.party.id_number.clone())
        .set("party_phone", h.party.phone.clone())
        .set("due", r.due())
        .set("lookup_hash", r.lookup_hash())
        .set("created_at", timestamp(h.created_at))
        .set("updated_at", timestamp(h.updated_at))
        .set("data", serde_json::to_string(r).expect("a record serialises"))
}

/// Reads a record back from its row.
pub fn from_row<R: Record>(row: &Row) -> Result<R, String> {
    if row.text("kind") != Some(R::KIND) {
        return Err(format!("not a {} record: {:?}", R::KIND, row.text("kind")));
    }
    let mut r: R = serde_json::from_str(row.text("data").ok_or("record without data")?).map_err(|e| format!("{} data: {e}", R::KIND))?;
    let opt = |k: &str| row.text(k).map(str::to_owned);
    let h = r.head_mut();
    h.party = Party { name: opt("party_name").unwrap_or_default(), id_number: opt("party_id_number"), phone: opt("party_phone") };
    if let Some(Value::Int(v)) = row.values.get("version") {
        h.version = *v;
    }
    Ok(r)
}

/// The one change a command commits: the record's after-image, expecting the version it was read
/// at (None for a new record), and the evidence files the act attaches.
pub fn change<R: Record>(r: &R, tenant: &str, action: &str, previous_version: Option<i64>, files: Vec<String>) -> Change {
    let mut c = Change::new(&format!("{}.{action}", R::KIND), format!("{}/{}", R::KIND, r.head().id))
        .expect(Table::EnforcementRecords, r.head().id.clone(), previous_version)
        .row(to_row(r, tenant));
    c.files = files;
    c
}

// ------------------------------------------------------------------------------------ helpers

pub(crate) fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>, rule: impl Into<String>) -> Refusal {
    Refusal::new(code, zh, en).with_rule(rule)
}

pub(crate) fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal::new(code, zh, en)
}

pub(crate) fn rule<'e>(env: &'e Env, key: &str) -> Result<&'e Rule, Refusal> {
    env.profile.get(key).map_err(|e| bad("rules.missing", format!("规则缺失: {e}"), format!("missing rule: {e}")))
}

pub(crate) fn cited(env: &Env, key: &str) -> String {
    env.profile.get(key).map(|r| r.cited()).unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn value_of(env: &Env, key: &str) -> Result<i64, Refusal> {
    rule(env, key)?.quantity().map(|q| q.value).ok_or_else(|| bad("rules.not_a_value", format!("规则 {key} 不是数值"), format!("rule {key} is not a value")))
}

pub(crate) fn dl_err(e: deadline::DeadlineError) -> Refusal {
    bad("deadline.error", format!("期限无法计算: {e}"), format!("deadline cannot be computed: {e}"))
}

pub(crate) fn require_text(field: &str, v: &str) -> Result<(), Refusal> {
    if v.trim().is_empty() {
        return Err(bad("input.missing", format!("缺少 {field}"), format!("{field} is required")));
    }
    Ok(())
}

/// `YYYY-MM-DD` or a timestamp, as the `due` column holds it.
pub fn due_text(d: Due) -> String {
    match d {
        Due::EndOfDay(d) => d.to_string(),
        Due::At(t) => timestamp(t),
    }
}

/// A computed deadline as a record keeps it: due, rule, citation and the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueInfo {
    pub rule: String,
    pub citation: String,
    pub verified: bool,
    pub due: String,
    pub explanation_zh: String,
    pub explanation_en: String,
}

impl DueInfo {
    pub fn of(d: &Deadline) -> DueInfo {
        DueInfo {
            rule: d.rule.clone(),
            citation: d.citation.clone(),
            verified: d.verified,
            due: due_text(d.due),
            explanation_zh: d.explanation_zh.clone(),
            explanation_en: d.explanation_en.clone(),
        }
    }
    /// The due day.
    pub fn day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.due.get(..10)?, "%Y-%m-%d").ok()
    }
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        if self.due.len() > 10 {
            NaiveDateTime::parse_from_str(&self.due, "%Y-%m-%dT%H:%M:%S").map(|t| now > t).unwrap_or(false)
        } else {
            self.day().is_some_and(|d| now.date() > d)
        }
    }
}

/// Officers acting (ACL art. 18 (2), APL art. 42): at least `acl.min_officers` distinct, active,
/// established (no auxiliary) people with a certificate valid on `day`.
pub(crate) fn check_officers(env: &Env, officers: &[String], day: NaiveDate) -> Result<(), Refusal> {
    let min = value_of(env, "acl.min_officers")?;
    let distinct: std::collections::BTreeSet<&String> = officers.iter().collect();
    if (distinct.len() as i64) < min {
        return Err(refuse(
            "enforcement.officers.too_few",
            format!("应由{min}名以上行政执法人员实施"),
            format!("at least {min} enforcement officers must act"),
            cited(env, "acl.min_officers"),
        ));
    }
    for o in distinct {
        let p = env.people.get(o).ok_or_else(|| bad("enforcement.officers.unknown", format!("人员不存在: {o}"), format!("no such person: {o}")))?;
        if p.auxiliary || !p.active || !p.certificates.iter().any(|c| c.valid_on(day)) {
            return Err(refuse(
                "enforcement.officers.not_certified",
                format!("{} 不是持有有效执法证件的在编执法人员（{day}）", p.name),
                format!("{} is not an established officer with a certificate valid on {day}", p.id),
                format!("{}；《行政强制法》第十八条第（三）项：出示执法身份证件", cited(env, "acl.min_officers")),
            ));
        }
    }
    Ok(())
}

pub(crate) fn require_approver(actor: &Actor, what_zh: &str, what_en: &str, citation: &str) -> Result<(), Refusal> {
    if !actor.approver {
        return Err(refuse(
            "enforcement.approval.not_head",
            format!("{what_zh}须经行政机关负责人批准"),
            format!("{what_en} must be approved by the head of the agency"),
            citation,
        ));
    }
    Ok(())
}

/// The last working-day warning lead (`platform.warning_lead`) before `due`: from that day on a
/// deadline is "near".
pub fn near_from(env: &Env, due: NaiveDate) -> NaiveDate {
    let n = value_of(env, "platform.warning_lead").unwrap_or(0).clamp(0, 365) as u32;
    deadline::working_days_before(env.calendar, due, n).unwrap_or(due)
}

/// How a deadline stands at `now`: "overdue", "near" or "none".
pub fn warning(env: &Env, due: &DueInfo, now: NaiveDateTime) -> &'static str {
    if due.is_overdue(now) {
        "overdue"
    } else if due.day().is_some_and(|d| now.date() >= near_from(env, d)) {
        "near"
    } else {
        "none"
    }
}
