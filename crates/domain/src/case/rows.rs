//! The case as rows: what `Store::commit` writes and the record replays.

use super::*;
use crate::{Change, Row, Table, Value};

/// A local timestamp as the case tables store it (`YYYY-MM-DDTHH:MM:SS`, bureau time).
pub fn timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl Case {
    /// The case row. Party data goes to its own (personal, sealed) columns; the rest is `data`.
    pub fn to_row(&self, tenant: &str) -> Row {
        Row::new(Table::Cases)
            .set("tenant_id", tenant)
            .set("id", self.id.as_str())
            .set("version", self.version)
            .set("unit_id", self.unit_id.as_str())
            .set("subject_unit_id", self.subject_unit_id.as_str())
            .set("state", self.state.code())
            .set("procedure", self.procedure.code())
            .set("source", serde_json::to_value(self.source).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
            .set("cause_code", self.cause_code.clone())
            .set("title", self.title.as_str())
            .set("party_kind", self.party_kind.map(|k| if k == PartyKind::Person { "person" } else { "organisation" }))
            .set("party_name", Some(self.party.name.clone()).filter(|n| !n.is_empty()))
            .set("party_id_number", self.party.id_number.clone())
            .set("party_phone", self.party.phone.clone())
            .set("party_address", self.party.address.clone())
            .set("party_representative", self.party.representative.clone())
            .set("informant_name", self.informant.as_ref().map(|i| i.name.clone()))
            .set("informant_unit", self.informant.as_ref().map(|i| i.unit.clone()))
            .set("informant_address", self.informant.as_ref().map(|i| i.address.clone()))
            .set("informant_phone", self.informant.as_ref().map(|i| i.phone.clone()))
            .set("handler_ids", format!(",{},", self.handlers.join(",")))
            .set("lead_on", self.lead_on.to_string())
            .set("filed_on", self.filed_on.map(|d| d.to_string()))
            .set("decided_on", self.decision.as_ref().map(|d| d.decided_on.to_string()))
            .set("served_on", self.service.as_ref().map(|s| s.effective_on.to_string()))
            .set("major", self.is_major())
            .set("created_at", timestamp(self.created_at))
            .set("updated_at", timestamp(self.updated_at))
            .set("data", serde_json::to_string(self).expect("a case serialises"))
    }

    /// Reads a case row back.
    pub fn from_row(row: &Row) -> Result<Case, String> {
        let data = row.text("data").ok_or("case row without data")?;
        let mut c: Case = serde_json::from_str(data).map_err(|e| format!("case data: {e}"))?;
        let opt = |k: &str| row.text(k).map(str::to_owned);
        c.party = Party {
            kind: c.party_kind,
            name: opt("party_name").unwrap_or_default(),
            id_number: opt("party_id_number"),
            phone: opt("party_phone"),
            address: opt("party_address"),
            representative: opt("party_representative"),
            details: c.party_details.clone(),
        };
        c.informant = opt("informant_name").map(|name| Informant {
            name,
            unit: opt("informant_unit").unwrap_or_default(),
            address: opt("informant_address").unwrap_or_default(),
            phone: opt("informant_phone").unwrap_or_default(),
        });
        if let Some(Value::Int(v)) = row.values.get("version") {
            c.version = *v;
        }
        Ok(c)
    }
}

impl Decided {
    /// The one change this command commits: the case (expecting the version it was read at), its
    /// act, the deadlines it touched and the numbers it issued (expecting each series' last value).
    pub fn to_change(&self, tenant: &str, actor_account: &str, previous_version: Option<i64>, now: NaiveDateTime) -> Change {
        let c = &self.case;
        let mut change = Change::new(&format!("case.{}", self.act_kind), format!("case/{}", c.id)).expect(Table::Cases, c.id.clone(), previous_version);
        change.rows.push(c.to_row(tenant));
        change.rows.push(
            Row::new(Table::CaseActs)
                .set("tenant_id", tenant)
                .set("id", format!("{}/{}", c.id, c.acts))
                .set("case_id", c.id.as_str())
                .set("n", i64::from(c.acts))
                .set("kind", self.act_kind.as_str())
                .set("actor_account", actor_account)
                .set("actor_person", None::<String>)
                .set("at", timestamp(now))
                .set("data", serde_json::to_string(&self.act_data).unwrap_or_default())
                .set("files", self.files.join(",")),
        );
        for d in c.deadlines.iter().filter(|d| d.dirty) {
            change.rows.push(
                Row::new(Table::CaseDeadlines)
                    .set("tenant_id", tenant)
                    .set("id", d.id.as_str())
                    .set("case_id", c.id.as_str())
                    .set("unit_id", c.unit_id.as_str())
                    .set("rule", d.rule.as_str())
                    .set("citation", d.citation.as_str())
                    .set("verified", d.verified)
                    .set("starts_at", timestamp(d.starts_at))
                    .set("due", d.due.as_str())
                    .set("explanation_zh", d.explanation_zh.as_str())
                    .set("explanation_en", d.explanation_en.as_str())
                    .set("status", d.status.as_str())
                    .set("warning", "none")
                    .set("closed_at", d.closed_at.map(timestamp))
                    .set("handler_ids", format!(",{},", c.handlers.join(","))),
            );
        }
        for n in c.numbers.iter().filter(|n| n.dirty) {
            if let Some(after) = n.after {
                change = change.expect(Table::DocSequences, n.series.clone(), (after > 0).then_some(after));
                change.rows.push(Row::new(Table::DocSequences).set("tenant_id", tenant).set("id", n.series.as_str()).set("version", n.seq));
            }
            change.rows.push(
                Row::new(Table::DocNumbers)
                    .set("tenant_id", tenant)
                    .set("id", n.id.as_str())
                    .set("series", n.series.as_str())
                    .set("subject_code", n.subject_code.as_str())
                    .set("type_code", n.type_code.as_str())
                    .set("year", i64::from(n.year))
                    .set("seq", n.seq)
                    .set("rendered", n.rendered.as_str())
                    .set("case_id", c.id.as_str())
                    .set("document", n.document.as_str())
                    .set("status", n.status.as_str())
                    .set("void_reason", n.void_reason.clone())
                    .set("issued_at", timestamp(n.issued_at))
                    .set("voided_at", n.voided_at.map(timestamp)),
            );
        }
        if self.act_kind == "record_payment" {
            // One row per bank reference in the tenant: a second recording of it, in any case, conflicts.
            if let Some(p) = c.execution.payments.last() {
                change = change.expect(Table::PaymentRefs, p.reference.clone(), None);
                change.rows.push(
                    Row::new(Table::PaymentRefs)
                        .set("tenant_id", tenant)
                        .set("id", p.reference.as_str())
                        .set("case_id", c.id.as_str())
                        .set("amount_fen", p.amount_fen)
                        .set("paid_on", p.paid_on.to_string())
                        .set("version", 1i64),
                );
            }
        }
        change.files = self.files.clone();
        change
    }
}

/// A deadline's warning at `now`: overdue after its due day, near within the lead (in working
/// days, `platform.warning_lead`), else none. Pure, so the sweep is idempotent.
pub fn warning_of(due: &str, near_from: NaiveDate, now: NaiveDateTime) -> &'static str {
    let overdue = if due.len() > 10 {
        NaiveDateTime::parse_from_str(due, "%Y-%m-%dT%H:%M:%S").map(|t| now > t).unwrap_or(false)
    } else {
        NaiveDate::parse_from_str(due, "%Y-%m-%d").map(|d| now.date() > d).unwrap_or(false)
    };
    if overdue {
        "overdue"
    } else if now.date() >= near_from {
        "near"
    } else {
        "none"
    }
}

/// A deadline's warning at `now` with the profile's lead (`platform.warning_lead`, working days
/// before the due day): None while its due date is not computable (its year's calendar missing).
pub fn warning_at(profile: &crate::profile::ProcedureProfile, cal: &crate::calendar::Calendar, due: &str, now: NaiveDateTime) -> Option<&'static str> {
    let lead = profile.get("platform.warning_lead").ok().and_then(|r| r.quantity()).map(|q| q.value.max(0) as u32).unwrap_or(0);
    let day = NaiveDate::parse_from_str(due.get(..10).unwrap_or(""), "%Y-%m-%d").ok()?;
    let near_from = crate::deadline::working_days_before(cal, day, lead).unwrap_or(day);
    Some(warning_of(due, near_from, now))
}
