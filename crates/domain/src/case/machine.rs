//! The transitions: every command checked by its gates, each refusal naming its rule.

use super::*;
use crate::deadline::{self, Approval, Due};
use crate::profile::{Rule, RuleKind, Unit};
use crate::Refusal;
use chrono::Datelike;
use serde_json::json;

// ------------------------------------------------------------------------------------ commands

/// Creating a case from a lead (案件来源登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub unit_id: String,
    pub source: Source,
    #[serde(default)]
    pub source_ref: Option<String>,
    #[serde(default)]
    pub informant: Option<Informant>,
    pub lead_on: NaiveDate,
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub party: Option<Party>,
    #[serde(default)]
    pub cause_code: Option<String>,
}

/// A command on an existing case. Each names what it records; the gates are in `apply`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// 核查: the check's finding.
    RecordCheck {
        finding: String,
        violation_found: bool,
    },
    /// 立案 proposal (立案审批表).
    ProposeFiling {
        cause_code: String,
        party: Party,
        violation_on: NaiveDate,
        #[serde(default)]
        violation_ended_on: Option<NaiveDate>,
        /// APL art. 36: concerns life, health or financial safety and had harmful consequences.
        #[serde(default)]
        extended_limitation: bool,
        handlers: Vec<String>,
        facts: String,
        reason: String,
    },
    /// 不予立案 / 移送 / 不予立案并教育指导 proposal.
    ProposeDisposal {
        /// decline | transfer | no_case
        outcome: String,
        reason: String,
        #[serde(default)]
        receiving_body: Option<String>,
        #[serde(default)]
        guidance: Option<String>,
    },
    /// An opinion on the pending submission (one step of the chain).
    Approve {
        opinion: String,
        #[serde(default)]
        review: Option<ReviewChecks>,
    },
    Reject {
        opinion: String,
        #[serde(default)]
        review: Option<ReviewChecks>,
    },
    AssignHandlers {
        handlers: Vec<String>,
    },
    RequestRecusal {
        person_id: String,
        applicant: String,
        reason: String,
    },
    DecideRecusal {
        index: usize,
        accepted: bool,
        reason: String,
    },
    AddEvidence {
        evidence: EvidenceInput,
    },
    RequestPreservation {
        items: Vec<Item>,
        place: String,
        reason: String,
    },
    DecidePreservation {
        index: usize,
        outcome: String,
    },
    RequestAssistance {
        department: String,
        request: String,
        sent_on: NaiveDate,
    },
    AnswerAssistance {
        index: usize,
        answer: String,
        received_on: NaiveDate,
    },
    ConfirmAddress {
        address: AddressConfirmation,
    },
    SubmitReport {
        findings: String,
        evidence_summary: String,
        provisions: String,
        #[serde(default)]
        facts: discretion::Facts,
        proposal: Proposal,
        /// Grounds of APL art. 58 the handlers see (public_interest, complex, other_law).
        #[serde(default)]
        major_grounds: Vec<String>,
        #[serde(default)]
        complex: bool,
    },
    ProposeNotice {},
    ServeNotice {
        served_on: NaiveDate,
        method: String,
    },
    RecordStatement {
        on: NaiveDate,
        content: String,
        accepted: bool,
        reasons: String,
    },
    WaiveStatement {
        on: NaiveDate,
        signed: bool,
    },
    RequestHearing {
        on: NaiveDate,
    },
    ScheduleHearing {
        at: NaiveDateTime,
        place: String,
        host: String,
        #[serde(default)]
        members: Vec<String>,
        recorder: String,
        public: bool,
        notice_served_on: NaiveDate,
    },
    RecordHearing {
        /// held | waived (absent, or left without reason: APL art. 64 (8))
        result: String,
        transcript: String,
        host_opinion: String,
        /// The party's agents at the hearing (1–2, APL art. 64 (5)).
        #[serde(default)]
        agents: Vec<String>,
    },
    RecordDiscussion {
        held_on: NaiveDate,
        chair: String,
        attendees: Vec<String>,
        recorder: String,
        opinions: String,
        conclusion: Outcome,
    },
    ProposeDecision {
        #[serde(default)]
        reasoned_text: Option<String>,
        #[serde(default)]
        answers_to_statement: Option<String>,
    },
    Serve {
        method: ServiceMethod,
        served_at: NaiveDateTime,
        recipient: String,
        place: String,
        #[serde(default)]
        witness: Option<String>,
    },
    NotifyInformant {
        on: NaiveDate,
        method: String,
        content: String,
    },
    RequestSuspension {
        pause_rule: String,
        reason: String,
    },
    Resume {},
    RequestExtension {
        extension_rule: String,
        reason: String,
    },
    RequestTermination {
        reason: String,
    },
    RequestTransferOut {
        receiving_body: String,
        reason: String,
    },
    VoidNumber {
        number_id: String,
        reason: String,
    },
    // ---- execution to archive (execution.rs)
    /// A payment confirmed by the bank or e-payment platform (罚缴分离).
    RecordPayment {
        amount_fen: i64,
        paid_on: NaiveDate,
        reference: String,
        /// bank | e_payment
        channel: String,
        /// The import batch it came in (None: entered by hand).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
    },
    /// The party's application for deferral or instalments (APL art. 66).
    ApplyDeferral {
        /// deferral | instalments
        kind: String,
        applied_on: NaiveDate,
        reason: String,
        schedule: Vec<execution::Instalment>,
    },
    DecideDeferral {
        index: usize,
        approved: bool,
        opinion: String,
    },
    /// 催告书 served (ACL art. 35, 54).
    ServeReminder {
        served_on: NaiveDate,
        method: String,
        comply_by: NaiveDate,
        content: String,
    },
    /// 申请人民法院强制执行 (ACL art. 53–55).
    ApplyToCourt {
        applied_on: NaiveDate,
        court: String,
        party_opinion: String,
    },
    RecordCourtOutcome {
        /// enforced | partly_enforced | refused | withdrawn
        outcome: String,
        decided_on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    /// A review application or lawsuit against the decision.
    RecordRemedy {
        /// administrative_review | lawsuit
        kind: String,
        filed_on: NaiveDate,
        body: String,
    },
    RecordRemedyOutcome {
        index: usize,
        /// upheld | dismissed | withdrawn | changed | revoked | confirmed_illegal | confirmed_void
        outcome: String,
        decided_on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    PublishDecision {
        published_on: NaiveDate,
    },
    WithdrawPublication {
        withdrawn_on: NaiveDate,
        reason: String,
    },
    ConcludeAccountability {
        index: usize,
        conclusion: String,
    },
    /// 结案报告 for approval (chain `closing`).
    ProposeClosing {
        summary: String,
        result: String,
    },
    /// 归档: only a complete case file.
    Archive {
        /// permanent | 30_years
        retention: String,
        /// 卷内备考表: what is missing, amended or added.
        #[serde(default)]
        notes: String,
        /// The person who checked the file (not the compiler).
        #[serde(default)]
        checked_by: Option<String>,
    },
    LendFile {
        borrower: String,
        purpose: String,
        due_on: NaiveDate,
    },
    ReturnFile {
        index: usize,
        returned_on: NaiveDate,
    },
    /// 案卷评查 against the checklist.
    ReviewFile {
        scores: Vec<execution::ItemScore>,
        #[serde(default)]
        remark: String,
    },
    // ---- simple procedure (simple.rs)
    /// 备案: the on-the-spot decision filed with the unit (APL art. 52 para. 3).
    FileWithUnit {
        filed_on: NaiveDate,
    },
    /// 当场收缴 (APL art. 68–70) against a finance receipt held by the officer.
    CollectOnSpot {
        amount_fen: i64,
        receipt: String,
        /// small_fine | impractical_later | remote_area
        ground: String,
        #[serde(default)]
        note: String,
    },
    /// The collected money handed to the unit (APL art. 71).
    DepositToUnit {
        on: NaiveDate,
    },
    /// The unit pays it into the bank (APL art. 71).
    DepositToBank {
        on: NaiveDate,
        reference: String,
    },
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::RecordCheck { .. } => "record_check",
            Command::ProposeFiling { .. } => "propose_filing",
            Command::ProposeDisposal { .. } => "propose_disposal",
            Command::Approve { .. } => "approve",
            Command::Reject { .. } => "reject",
            Command::AssignHandlers { .. } => "assign_handlers",
            Command::RequestRecusal { .. } => "request_recusal",
            Command::DecideRecusal { .. } => "decide_recusal",
            Command::AddEvidence { .. } => "add_evidence",
            Command::RequestPreservation { .. } => "request_preservation",
            Command::DecidePreservation { .. } => "decide_preservation",
            Command::RequestAssistance { .. } => "request_assistance",
            Command::AnswerAssistance { .. } => "answer_assistance",
            Command::ConfirmAddress { .. } => "confirm_address",
            Command::SubmitReport { .. } => "submit_report",
            Command::ProposeNotice { .. } => "propose_notice",
            Command::ServeNotice { .. } => "serve_notice",
            Command::RecordStatement { .. } => "record_statement",
            Command::WaiveStatement { .. } => "waive_statement",
            Command::RequestHearing { .. } => "request_hearing",
            Command::ScheduleHearing { .. } => "schedule_hearing",
            Command::RecordHearing { .. } => "record_hearing",
            Command::RecordDiscussion { .. } => "record_discussion",
            Command::ProposeDecision { .. } => "propose_decision",
            Command::Serve { .. } => "serve",
            Command::NotifyInformant { .. } => "notify_informant",
            Command::RequestSuspension { .. } => "request_suspension",
            Command::Resume { .. } => "resume",
            Command::RequestExtension { .. } => "request_extension",
            Command::RequestTermination { .. } => "request_termination",
            Command::RequestTransferOut { .. } => "request_transfer_out",
            Command::VoidNumber { .. } => "void_number",
            Command::RecordPayment { .. } => "record_payment",
            Command::ApplyDeferral { .. } => "apply_deferral",
            Command::DecideDeferral { .. } => "decide_deferral",
            Command::ServeReminder { .. } => "serve_reminder",
            Command::ApplyToCourt { .. } => "apply_to_court",
            Command::RecordCourtOutcome { .. } => "record_court_outcome",
            Command::RecordRemedy { .. } => "record_remedy",
            Command::RecordRemedyOutcome { .. } => "record_remedy_outcome",
            Command::PublishDecision { .. } => "publish_decision",
            Command::WithdrawPublication { .. } => "withdraw_publication",
            Command::ConcludeAccountability { .. } => "conclude_accountability",
            Command::ProposeClosing { .. } => "propose_closing",
            Command::Archive { .. } => "archive",
            Command::LendFile { .. } => "lend_file",
            Command::ReturnFile { .. } => "return_file",
            Command::ReviewFile { .. } => "review_file",
            Command::FileWithUnit { .. } => "file_with_unit",
            Command::CollectOnSpot { .. } => "collect_on_spot",
            Command::DepositToUnit { .. } => "deposit_to_unit",
            Command::DepositToBank { .. } => "deposit_to_bank",
        }
    }
    pub const NAMES: [&'static str; 52] = [
        "record_check",
        "propose_filing",
        "propose_disposal",
        "approve",
        "reject",
        "assign_handlers",
        "request_recusal",
        "decide_recusal",
        "add_evidence",
        "request_preservation",
        "decide_preservation",
        "request_assistance",
        "answer_assistance",
        "confirm_address",
        "submit_report",
        "propose_notice",
        "serve_notice",
        "record_statement",
        "waive_statement",
        "request_hearing",
        "schedule_hearing",
        "record_hearing",
        "record_discussion",
        "propose_decision",
        "serve",
        "notify_informant",
        "request_suspension",
        "resume",
        "request_extension",
        "request_termination",
        "request_transfer_out",
        "void_number",
        "record_payment",
        "apply_deferral",
        "decide_deferral",
        "serve_reminder",
        "apply_to_court",
        "record_court_outcome",
        "record_remedy",
        "record_remedy_outcome",
        "publish_decision",
        "withdraw_publication",
        "conclude_accountability",
        "propose_closing",
        "archive",
        "lend_file",
        "return_file",
        "review_file",
        "file_with_unit",
        "collect_on_spot",
        "deposit_to_unit",
        "deposit_to_bank",
    ];
}

/// An evidence item (seed 004 调查取证 6–9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// interview | site_inspection | sampling | photo | audio_video | appraisal | certified_copy |
    /// document | electronic_monitoring
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// SHA-256 of the files in the evidence store.
    #[serde(default)]
    pub files: Vec<String>,
    /// The officers who took it (two certified handlers for on-site acts).
    #[serde(default)]
    pub officers: Vec<String>,
    pub collected_at: NaiveDateTime,
    #[serde(default)]
    pub place: String,
    /// Interview: the one person interviewed.
    #[serde(default)]
    pub interviewee: Option<String>,
    #[serde(default)]
    pub refused_to_sign: bool,
    /// Site inspection: the party present, or a witness.
    #[serde(default)]
    pub party_present: bool,
    #[serde(default)]
    pub witness: Option<String>,
    /// Certified copy: where the original is, when and by whom certified ("经核对与原件无异").
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub certified_on: Option<NaiveDate>,
    #[serde(default)]
    pub certified_by: Option<String>,
    /// Electronic monitoring: reviewed before use (APL art. 41).
    #[serde(default)]
    pub reviewed: bool,
    /// Interview / inspection record: when it ended, who recorded it, whether the officers showed
    /// their certificates and told the rights (statement, recusal) — documents.md 询问笔录.
    #[serde(default)]
    pub ended_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub recorder: Option<String>,
    #[serde(default)]
    pub certificate_shown: bool,
    #[serde(default)]
    pub rights_told: bool,
    /// Further fields of the document's template (interviewee's sex, age, ethnicity, unit, post,
    /// relation to the case; sampling specification; appraisal body …).
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}

const EVIDENCE_KINDS: [&str; 9] =
    ["interview", "site_inspection", "sampling", "photo", "audio_video", "appraisal", "certified_copy", "document", "electronic_monitoring"];

// ------------------------------------------------------------------------------------ helpers

pub(super) fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>, rule: impl Into<String>) -> Refusal {
    Refusal::new(code, zh, en).with_rule(rule)
}

pub(super) fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal::new(code, zh, en)
}

pub(super) fn rule<'e>(env: &'e Env, key: &str) -> Result<&'e Rule, Refusal> {
    env.profile.get(key).map_err(Refusal::from)
}

/// A value rule's number (yuan, persons …).
pub(super) fn value(env: &Env, key: &str) -> Result<i64, Refusal> {
    let r = rule(env, key)?;
    match r.kind {
        RuleKind::Value(q) => Ok(q.value),
        _ => Err(bad("rule.not_a_value", format!("规则 {key} 不是数值"), format!("rule {key} is not a value"))),
    }
}

pub(super) fn cited(env: &Env, key: &str) -> String {
    env.profile.get(key).map(|r| r.cited()).unwrap_or_else(|_| key.to_owned())
}

fn due_text(d: Due) -> String {
    match d {
        Due::EndOfDay(d) => d.to_string(),
        Due::At(t) => super::rows::timestamp(t),
    }
}

pub(super) fn nonempty(v: &str, field: &str) -> Result<(), Refusal> {
    if v.trim().is_empty() {
        return Err(bad("case.missing_field", format!("{field} 不能为空"), format!("{field} must not be empty")));
    }
    if v.len() > 20_000 {
        return Err(bad("case.field_too_long", format!("{field} 过长（最多20000字节）"), format!("{field} is too long (20,000 bytes at most)")));
    }
    Ok(())
}

pub(super) fn open_deadline(case: &mut Case, env: &Env, key: &str, start: NaiveDateTime, zh: &str, en: &str) -> Result<(), Refusal> {
    let r = rule(env, key)?;
    let n = case.deadlines.iter().filter(|x| x.rule == key).count();
    let d = match deadline::deadline(env.calendar, None, r, start) {
        Ok(d) => d,
        // The decision period is long (90 days) and no gate depends on it: when it ends in a year
        // whose holiday notice is not yet in the calendar, the act goes ahead and the deadline is
        // recorded as not computable, saying why (P-2: an explicit error, never plain weekdays).
        // Gates that do depend on a deadline (statement, hearing, service) refuse instead.
        Err(deadline::DeadlineError::NotCovered(e)) if key == "apl.decision_period" => {
            let why = Refusal::from(deadline::DeadlineError::NotCovered(e));
            case.deadlines.push(CaseDeadline {
                id: format!("{}/{}/{}", case.id, key, n + 1),
                rule: key.to_owned(),
                label_zh: zh.to_owned(),
                label_en: en.to_owned(),
                citation: r.cited(),
                verified: r.verified,
                starts_at: start,
                due: String::new(),
                explanation_zh: format!("无法计算到期日：{}", why.message_zh),
                explanation_en: format!("the due date cannot be computed: {}", why.message_en),
                status: "open".into(),
                closed_at: None,
                pauses: Vec::new(),
                extensions: Vec::new(),
                dirty: true,
            });
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    case.deadlines.push(CaseDeadline {
        id: format!("{}/{}/{}", case.id, key, n + 1),
        rule: key.to_owned(),
        label_zh: zh.to_owned(),
        label_en: en.to_owned(),
        citation: d.citation.clone(),
        verified: d.verified,
        starts_at: start,
        due: due_text(d.due),
        explanation_zh: d.explanation_zh,
        explanation_en: d.explanation_en,
        status: "open".into(),
        closed_at: None,
        pauses: Vec::new(),
        extensions: Vec::new(),
        dirty: true,
    });
    Ok(())
}

/// Recomputes a deadline with its pauses and extensions (each under the rule that grants it).
fn recompute(env: &Env, d: &mut CaseDeadline) -> Result<(), Refusal> {
    let base = rule(env, &d.rule)?;
    let pauses = d.pauses.iter().map(|(g, from, to)| Ok((rule(env, g)?, *from, *to))).collect::<Result<Vec<_>, Refusal>>()?;
    let extensions = d.extensions.iter().map(|(g, reference, on)| Ok((rule(env, g)?, reference.clone(), *on))).collect::<Result<Vec<_>, Refusal>>()?;
    let computed = deadline::deadline(env.calendar, None, base, d.starts_at).and_then(|x| {
        let x = pauses.iter().try_fold(x, |x, (g, from, to)| x.pause(env.calendar, g, *from, *to))?;
        extensions.iter().try_fold(x, |x, (g, reference, on)| {
            x.extend(env.calendar, g, Approval { approved_by: String::new(), approved_on: *on, reference: reference.clone() })
        })
    });
    match computed {
        Ok(x) => {
            d.due = due_text(x.due);
            d.explanation_zh = x.explanation_zh;
            d.explanation_en = x.explanation_en;
        }
        // As when it was opened (`open_deadline`): a decision period ending in a year the calendar
        // does not cover yet stays recorded as not computable, with its pauses and extensions, so
        // an approved extension or a resumption is not blocked by the missing holiday notice. The
        // extension's limit on the number of times still holds.
        Err(deadline::DeadlineError::NotCovered(e)) if d.rule == "apl.decision_period" => {
            for (g, _, _) in &extensions {
                if let RuleKind::Extension { max_times, .. } = &g.kind {
                    if extensions.iter().filter(|(x, _, _)| x.key == g.key).count() > *max_times as usize {
                        return Err(deadline::DeadlineError::ExtensionsExhausted { grant: g.key.clone(), rule: d.rule.clone(), max: *max_times }.into());
                    }
                }
            }
            let why = Refusal::from(deadline::DeadlineError::NotCovered(e));
            d.due = String::new();
            d.explanation_zh = format!("无法计算到期日：{}", why.message_zh);
            d.explanation_en = format!("the due date cannot be computed: {}", why.message_en);
        }
        Err(e) => return Err(e.into()),
    }
    d.dirty = true;
    Ok(())
}

pub(super) fn close_deadlines(case: &mut Case, key: &str, now: NaiveDateTime, status: &str) {
    for d in case.deadlines.iter_mut().filter(|d| d.rule == key && d.is_open()) {
        d.status = status.into();
        d.closed_at = Some(now);
        d.dirty = true;
    }
}

fn cancel_all(case: &mut Case, now: NaiveDateTime, keep: &[&str]) {
    for d in case.deadlines.iter_mut().filter(|d| d.is_open() && !keep.contains(&d.rule.as_str())) {
        d.status = "cancelled".into();
        d.closed_at = Some(now);
        d.dirty = true;
    }
}

/// Issues the next number of `document` (gapless: the caller commits it with an expectation on
/// the series' last value).
pub(super) fn issue_number(case: &mut Case, env: &Env, document: &str, now: NaiveDateTime) -> String {
    let n = &env.rules.numbering;
    let year = now.date().year();
    let type_code = n.type_code(document);
    let (series, seq, after) = match n.mode {
        rules::NumberingMode::PerType => {
            let series = n.series(&case.subject_unit_id, document, now.date());
            let last = issued_in_command(case, &series).or_else(|| env.sequences.get(&series).copied());
            (series, last.unwrap_or(0) + 1, Some(last))
        }
        rules::NumberingMode::CaseSeries => {
            let case_series = n.series(&case.subject_unit_id, document, now.date());
            let own = case.numbers.iter().find(|x| x.document == "case").map(|x| x.seq);
            let seq = match own {
                Some(s) => s,
                None => {
                    let last = env.sequences.get(&case_series).copied();
                    case.numbers.push(IssuedNumber {
                        id: (env.new_id)("dn"),
                        series: case_series.clone(),
                        document: "case".into(),
                        subject_code: env.subject_name.into(),
                        type_code: String::new(),
                        year,
                        seq: last.unwrap_or(0) + 1,
                        rendered: format!("{}〔{}〕{}", env.subject_name, year, last.unwrap_or(0) + 1),
                        status: "issued".into(),
                        void_reason: None,
                        issued_at: now,
                        voided_at: None,
                        after: Some(last.unwrap_or(0)),
                        dirty: true,
                    });
                    last.unwrap_or(0) + 1
                }
            };
            (format!("{case_series}/{document}"), seq, None)
        }
    };
    let rendered = n.render(env.subject_name, &type_code, year, seq);
    case.numbers.push(IssuedNumber {
        id: (env.new_id)("dn"),
        series,
        document: document.into(),
        subject_code: env.subject_name.into(),
        type_code,
        year,
        seq,
        rendered: rendered.clone(),
        status: "issued".into(),
        void_reason: None,
        issued_at: now,
        voided_at: None,
        after: after.map(|a| a.unwrap_or(0)),
        dirty: true,
    });
    rendered
}

fn issued_in_command(case: &Case, series: &str) -> Option<i64> {
    case.numbers.iter().filter(|x| x.dirty && x.series == series).map(|x| x.seq).max()
}

pub(super) fn not_auxiliary(actor: &Actor, what_zh: &str, what_en: &str) -> Result<(), Refusal> {
    if actor.person.as_ref().is_some_and(|p| p.auxiliary) || (!actor.roles.is_empty() && actor.roles.iter().all(|(r, _)| *r == Role::Auxiliary)) {
        return Err(refuse(
            "case.auxiliary",
            format!("协管人员不得{what_zh}"),
            format!("auxiliaries may not {what_en}"),
            "《行政处罚法》第四十二条；中共中央、国务院《关于深入推进城市执法体制改革改进城市管理工作的指导意见》（中发〔2015〕37号）：协管人员只能配合执法人员从事宣传教育、巡查、信息收集、违法行为劝阻等辅助性事务（unverified）",
        ));
    }
    Ok(())
}

/// A party's act in answer to the notice happens between its service and today.
fn after_notice(c: &Case, on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    let served = c.notice.as_ref().map(|n| n.served_on).unwrap_or(today);
    if on < served || on > today {
        return Err(bad(
            "case.date_out_of_range",
            format!("日期须在告知书送达之日（{served}）至今天之间"),
            format!("the date must be between the notice's service ({served}) and today"),
        ));
    }
    Ok(())
}

pub(super) fn require_handler(case: &Case, actor: &Actor) -> Result<(), Refusal> {
    not_auxiliary(actor, "办理案件", "handle a case")?;
    if !case.handlers.contains(&actor.who()) {
        return Err(refuse(
            "case.not_handler",
            "只有本案承办人可以执行此操作",
            "only a handler of this case may do this",
            "《行政处罚法》第四十二条、第五十五条：调查或者检查由执法人员进行",
        ));
    }
    Ok(())
}

pub(super) fn require_role(actor: &Actor, role: Role) -> Result<(), Refusal> {
    if !actor.has(role) {
        return Err(refuse(
            "case.role_required",
            format!("此操作须由{}执行", role.zh()),
            format!("this must be done by a {}", role.en()),
            "授权策略 rules/policy.toml；《行政处罚法》第五十七条（行政机关负责人）",
        ));
    }
    Ok(())
}

fn state_is(case: &Case, allowed: &[State], what_zh: &str, what_en: &str) -> Result<(), Refusal> {
    if !allowed.contains(&case.state) {
        let list_zh: Vec<&str> = allowed.iter().map(|s| s.zh()).collect();
        let list_en: Vec<&str> = allowed.iter().map(|s| s.en()).collect();
        return Err(refuse(
            "case.wrong_state",
            format!("案件当前状态为“{}”，{what_zh}须在“{}”状态", case.state.zh(), list_zh.join("、")),
            format!("the case is {}; {what_en} needs the case to be {}", case.state.en(), list_en.join(" or ")),
            "《行政处罚法》第五章第三节（普通程序）；shared/spec/penalty-procedure.md",
        ));
    }
    Ok(())
}

fn no_pending(case: &Case) -> Result<(), Refusal> {
    if let Some(s) = case.pending() {
        return Err(refuse(
            "case.submission_pending",
            format!("“{}”正在审批中，审批结束前不能提交新的报批事项", s.act.zh()),
            format!("the {} is awaiting approval; nothing else can be submitted until it is decided", s.act.code()),
            "种子文件000“一般程序逐级报批”",
        ));
    }
    Ok(())
}

fn not_suspended(case: &Case, env: &Env) -> Result<(), Refusal> {
    if let Some(s) = &case.suspension {
        return Err(refuse(
            "case.suspended",
            format!("案件已中止（{}），恢复后方可继续", s.reason),
            format!("the case is suspended ({}); resume it first", s.reason),
            cited(env, &s.rule),
        ));
    }
    Ok(())
}

fn person<'e>(env: &'e Env, id: &str) -> Result<&'e PersonFacts, Refusal> {
    env.people.get(id).ok_or_else(|| bad("case.unknown_person", format!("人员不存在: {id}"), format!("no such person: {id}")))
}

/// A certificate valid on `day` whose scope covers the matter.
fn certified(env: &Env, p: &PersonFacts, day: NaiveDate, category: Option<&str>) -> bool {
    p.certificates.iter().any(|c| {
        c.valid_on(day) && (env.rules.certificates.comprehensive.iter().any(|k| c.scope.contains(k.as_str())) || category.is_some_and(|k| c.scope.contains(k)))
    })
}

fn category_of(env: &Env, case: &Case, day: NaiveDate) -> Option<&'static str> {
    case.cause_code.as_deref().and_then(|c| env.power.item(c, case.violation_on.unwrap_or(day))).map(|i| i.category.zh())
}

fn min_handlers(env: &Env) -> Result<usize, Refusal> {
    Ok(value(env, "apl.min_handlers")?.max(0) as usize)
}

/// Handlers: enough, distinct, active, not auxiliaries, certified on the day, not recused; warns
/// on declared relations with the party (APL art. 42, 43).
pub(super) fn check_officers(env: &Env, case: &Case, ids: &[String], day: NaiveDate, warnings: &mut Vec<Warning>) -> Result<(), Refusal> {
    let mut distinct = ids.to_vec();
    distinct.sort();
    distinct.dedup();
    let min = min_handlers(env)?;
    if distinct.len() < min || distinct.len() != ids.len() {
        return Err(refuse(
            "case.handlers.too_few",
            format!("执法人员不得少于{min}人（且不得重复）"),
            format!("at least {min} distinct officers are required"),
            cited(env, "apl.min_handlers"),
        ));
    }
    let category = category_of(env, case, day);
    for id in ids {
        let p = person(env, id)?;
        if p.auxiliary {
            return Err(refuse(
                "case.handlers.auxiliary",
                format!("{}为协管人员，不得作为执法人员（承办人）", p.name),
                format!("{} is an auxiliary and cannot be a handler", p.name),
                "《行政处罚法》第四十二条：行政处罚应当由具有行政执法资格的执法人员实施；种子文件004“调查取证5”",
            ));
        }
        if !p.active {
            return Err(bad("case.handlers.inactive", format!("{}不在岗", p.name), format!("{} is not active", p.name)));
        }
        if !certified(env, p, day, category) {
            return Err(refuse(
                "case.handlers.certificate",
                format!("{}在{}没有有效且涵盖本案事项的执法证件", p.name, day),
                format!("{} holds no enforcement certificate valid on {} covering this matter", p.name, day),
                env.rules.certificates.citation.clone(),
            ));
        }
        if case.recusals.iter().any(|r| r.person_id == *id && r.status == "accepted") {
            return Err(refuse(
                "case.handlers.recused",
                format!("{}已决定回避本案", p.name),
                format!("{} has withdrawn from this case (recusal)", p.name),
                "《行政处罚法》第四十三条",
            ));
        }
        for r in &p.relations {
            let by_name = r.related_name.as_deref().is_some_and(|n| !n.is_empty() && n == case.party.name);
            let by_id = r.related_id_number.as_deref().is_some_and(|n| Some(n) == case.party.id_number.as_deref());
            if by_name || by_id {
                warnings.push(Warning {
                    code: "case.declared_relation".into(),
                    message_zh: format!("{}已申报与当事人存在{}关系，请考虑回避（《行政处罚法》第四十三条）", p.name, r.relation),
                    message_en: format!("{} has declared a {} relation with the party: consider recusal (APL art. 43)", p.name, r.relation),
                });
            }
        }
    }
    Ok(())
}

/// APL art. 36: the limit of discovery, from the violation (or its end).
pub(super) fn limitation_until(env: &Env, case: &Case) -> Result<(NaiveDate, String), Refusal> {
    let from =
        case.violation_ended_on.or(case.violation_on).ok_or_else(|| bad("case.no_violation_date", "缺少违法行为发生日期", "the violation date is missing"))?;
    let key = if case.extended_limitation { "apl.limitation_extended" } else { "apl.limitation" };
    let years = value(env, key)?;
    let until = deadline::months_later(from, (years * 12) as u32).ok_or_else(|| bad("case.date_range", "日期超出范围", "date out of range"))?;
    Ok((until, cited(env, key)))
}

fn new_submission(case: &mut Case, env: &Env, act: ChainAct, actor: &Actor, now: NaiveDateTime, proposal: serde_json::Value) -> Result<(), Refusal> {
    no_pending(case)?;
    let chain = env.chain(act);
    let major = case.is_major();
    let steps: Vec<Step> = chain.steps.iter().filter(|s| s.applies(major)).cloned().collect();
    if steps.is_empty() {
        return Err(bad("case.chain_empty", format!("{}没有配置审批步骤", act.zh()), format!("no approval steps are configured for {}", act.code())));
    }
    let no = case.submissions.len() + 1;
    case.submissions.push(Submission {
        no,
        act,
        submitted_by: actor.who(),
        submitted_at: now,
        steps,
        chain_citation: chain.citation.clone(),
        opinions: Vec::new(),
        status: "pending".into(),
        proposal,
    });
    Ok(())
}

// ------------------------------------------------------------------------------------ register

/// Registers a lead (登记). The caller authorised the actor for the unit.
pub fn register(id: &str, subject_unit_id: &str, reg: Registration, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Decided, Refusal> {
    not_auxiliary(actor, "登记立案线索", "register a case")?;
    nonempty(&reg.title, "title")?;
    nonempty(&reg.content, "content")?;
    if reg.lead_on > now.date() {
        return Err(bad("case.lead_in_future", "线索日期不能晚于今天", "the lead date cannot be in the future"));
    }
    if let Some(code) = &reg.cause_code {
        if env.power.item(code, reg.lead_on).is_none() {
            return Err(refuse(
                "case.unknown_cause",
                format!("权责清单中没有在{}施行的事项{code}", reg.lead_on),
                format!("the power list has no item {code} in force on {}", reg.lead_on),
                "《行政处罚法》第三十四条；权责清单",
            ));
        }
    }
    let party = reg.party.clone().unwrap_or_default();
    let mut case = Case {
        id: id.to_owned(),
        version: 0,
        unit_id: reg.unit_id.clone(),
        subject_unit_id: subject_unit_id.to_owned(),
        state: State::Registered,
        source: reg.source,
        source_ref: reg.source_ref.clone(),
        informant: reg.informant.clone(),
        lead_on: reg.lead_on,
        registered_at: now,
        registered_by: actor.who(),
        content: reg.content.clone(),
        title: reg.title.clone(),
        party_kind: party.kind,
        party_details: party.details.clone(),
        party,
        cause_code: reg.cause_code.clone(),
        cause_name: reg.cause_code.as_deref().and_then(|c| env.power.item(c, reg.lead_on)).map(|i| i.name.clone()),
        violation_on: None,
        violation_ended_on: None,
        extended_limitation: false,
        limitation_until: None,
        handlers: Vec::new(),
        check_finding: None,
        filed_on: None,
        report: None,
        major_grounds: Vec::new(),
        complex: false,
        hearing_right: false,
        notice: None,
        statements: Vec::new(),
        waiver: None,
        hearing: None,
        discussions: Vec::new(),
        submissions: Vec::new(),
        recusals: Vec::new(),
        evidence: Vec::new(),
        preservations: Vec::new(),
        assistance: Vec::new(),
        address: None,
        decision: None,
        service: None,
        suspension: None,
        informant_told: None,
        end_reason: None,
        deadlines: Vec::new(),
        numbers: Vec::new(),
        execution: Execution::default(),
        procedure: Procedure::General,
        on_the_spot: None,
        acts: 0,
        created_at: now,
        updated_at: now,
    };
    if matches!(reg.source, Source::Complaint | Source::TransferIn) {
        open_deadline(
            &mut case,
            env,
            "local.complaint_reply",
            now,
            "告知投诉人（移送部门）核查结果",
            "tell the complainant (transferring department) the outcome",
        )?;
    }
    case.acts = 1;
    case.version = 1;
    let data = serde_json::to_value(&reg).unwrap_or_default();
    Ok(Decided { case, act_kind: "register".into(), act_data: redact_party(data), files: Vec::new(), warnings: Vec::new() })
}

/// Acts keep the party's personal data out of their JSON (it lives in the case's sealed columns).
pub(super) fn redact_party(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        if o.get("informant").is_some_and(|i| !i.is_null()) {
            o.insert("informant".into(), json!("（见案件举报人信息）"));
        }
    }
    if let Some(p) = v.get_mut("party").and_then(|p| p.as_object_mut()) {
        for k in ["name", "id_number", "phone", "address", "representative"] {
            if p.contains_key(k) {
                p.insert(k.into(), json!("（见案件当事人信息）"));
            }
        }
    }
    v
}

// ------------------------------------------------------------------------------------ apply

/// Applies a command. On success the case's version and act count advance by one.
pub fn apply(case: &Case, cmd: &Command, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Decided, Refusal> {
    let mut c = case.clone();
    for d in &mut c.deadlines {
        d.dirty = false;
    }
    for n in &mut c.numbers {
        n.dirty = false;
        n.after = None;
    }
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    let mut extra = serde_json::Map::new();
    // After the decision: the execution commands of the state (execution::allowed_in) and the
    // closing chain's opinions; an archived file takes nothing else (read-only).
    let closing_opinion = matches!(cmd, Command::Approve { .. } | Command::Reject { .. }) && c.pending().is_some_and(|s| s.act == ChainAct::Closing);
    let after_end = execution::allowed_in(c.state, cmd.name())
        || closing_opinion
        || (!matches!(c.state, State::Closed | State::Archived) && matches!(cmd, Command::NotifyInformant { .. } | Command::VoidNumber { .. }));
    if execution::COMMANDS.contains(&cmd.name()) && !execution::allowed_in(c.state, cmd.name()) {
        return Err(refuse(
            "case.wrong_state",
            format!("案件当前状态为“{}”，不能执行“{}”", c.state.zh(), cmd.name()),
            format!("the case is {}; {} does not apply", c.state.en(), cmd.name()),
            "shared/spec/penalty-procedure.md 第12–16步（执行、救济、结案归档、公开）",
        ));
    }
    if c.state.is_terminal() && !after_end {
        return Err(refuse(
            "case.closed_state",
            format!("案件已处于“{}”状态，不能再执行此操作", c.state.zh()),
            format!("the case is {}; no further procedural command applies", c.state.en()),
            "shared/spec/penalty-procedure.md",
        ));
    }
    let today = now.date();
    match cmd {
        Command::RecordCheck { finding, violation_found } => {
            state_is(&c, &[State::Registered, State::Checked], "记录核查意见", "recording the check")?;
            not_auxiliary(actor, "核查", "check a lead")?;
            require_role(actor, Role::Officer).or_else(|_| require_role(actor, Role::Leader))?;
            nonempty(finding, "finding")?;
            c.check_finding = Some(finding.clone());
            extra.insert("violation_found".into(), json!(violation_found));
            c.state = State::Checked;
        }
        Command::ProposeFiling { cause_code, party, violation_on, violation_ended_on, extended_limitation, handlers, facts, reason } => {
            state_is(&c, &[State::Checked], "提请立案", "proposing to file")?;
            not_auxiliary(actor, "提请立案", "propose filing")?;
            require_role(actor, Role::Officer).or_else(|_| require_role(actor, Role::Leader))?;
            nonempty(facts, "facts")?;
            nonempty(reason, "reason")?;
            nonempty(&party.name, "party.name")?;
            if party.kind.is_none() {
                return Err(bad("case.party_kind", "请选择当事人类型（个人或单位）", "choose the party's kind (person or organisation)"));
            }
            if *violation_on > c.lead_on || violation_ended_on.is_some_and(|e| e < *violation_on || e > today) {
                return Err(bad("case.violation_dates", "违法行为日期无效", "invalid violation dates"));
            }
            if env.power.item(cause_code, *violation_on).is_none() {
                return Err(refuse(
                    "case.unknown_cause",
                    format!("权责清单中没有在违法行为发生时（{violation_on}）施行的事项{cause_code}"),
                    format!("the power list has no item {cause_code} in force when the violation happened ({violation_on})"),
                    "《行政处罚法》第三十七条：实施行政处罚，适用违法行为发生时的法律、法规、规章的规定",
                ));
            }
            if let Some(item) = env.power.item(cause_code, *violation_on) {
                exercisable_here(item, env)?;
            }
            c.cause_code = Some(cause_code.clone());
            c.cause_name = env.power.item(cause_code, *violation_on).map(|i| i.name.clone());
            c.party = party.clone();
            c.party_kind = party.kind;
            c.party_details = party.details.clone();
            c.violation_on = Some(*violation_on);
            c.violation_ended_on = *violation_ended_on;
            c.extended_limitation = *extended_limitation;
            let (until, citation) = limitation_until(env, &c)?;
            if c.lead_on > until {
                return Err(refuse(
                    "case.limitation",
                    format!(
                        "违法行为自{}起至发现之日（{}）已超过追责期限（至{}），不再给予行政处罚",
                        c.violation_ended_on.or(c.violation_on).unwrap(),
                        c.lead_on,
                        until
                    ),
                    format!("the violation was discovered on {} after the limitation period ended on {}: no penalty", c.lead_on, until),
                    citation,
                ));
            }
            c.limitation_until = Some(until);
            check_officers(env, &c, handlers, today, &mut warnings)?;
            c.handlers = handlers.clone();
            new_submission(
                &mut c,
                env,
                ChainAct::Filing,
                actor,
                now,
                json!({ "cause_code": cause_code, "facts": facts, "reason": reason, "handlers": handlers, "violation_on": violation_on, "limitation_until": until }),
            )?;
        }
        Command::ProposeDisposal { outcome, reason, receiving_body, guidance } => {
            state_is(&c, &[State::Registered, State::Checked], "提请不予立案或移送", "proposing to decline or transfer")?;
            not_auxiliary(actor, "提请处理线索", "propose disposal")?;
            require_role(actor, Role::Officer).or_else(|_| require_role(actor, Role::Leader))?;
            nonempty(reason, "reason")?;
            let act = match outcome.as_str() {
                "decline" => ChainAct::Decline,
                "transfer" => {
                    nonempty(receiving_body.as_deref().unwrap_or(""), "receiving_body")?;
                    ChainAct::Transfer
                }
                "no_case" => {
                    nonempty(guidance.as_deref().unwrap_or(""), "guidance")?;
                    ChainAct::NoCase
                }
                other => {
                    return Err(bad(
                        "case.invalid_outcome",
                        format!("处理方式无效: {other}"),
                        format!("invalid outcome: {other} (decline, transfer or no_case)"),
                    ))
                }
            };
            new_submission(
                &mut c,
                env,
                act,
                actor,
                now,
                json!({ "outcome": outcome, "reason": reason, "receiving_body": receiving_body, "guidance": guidance }),
            )?;
        }
        Command::Approve { opinion, review } => {
            approve(&mut c, env, actor, now, opinion, review.clone(), true, &mut warnings)?;
        }
        Command::Reject { opinion, review } => {
            approve(&mut c, env, actor, now, opinion, review.clone(), false, &mut warnings)?;
        }
        Command::AssignHandlers { handlers } => {
            require_role(actor, Role::Leader)?;
            not_auxiliary(actor, "指派承办人", "assign handlers")?;
            if !(c.state.is_open_investigation() || c.state == State::Checked) {
                state_is(&c, &[State::Checked, State::Investigating], "指派承办人", "assigning handlers")?;
            }
            check_officers(env, &c, handlers, today, &mut warnings)?;
            extra.insert("previous".into(), json!(c.handlers));
            c.handlers = handlers.clone();
        }
        Command::RequestRecusal { person_id, applicant, reason } => {
            if !matches!(applicant.as_str(), "party" | "self") {
                return Err(bad("case.invalid_applicant", "申请人须为 party（当事人）或 self（本人）", "applicant must be party or self"));
            }
            nonempty(reason, "reason")?;
            if !c.handlers.contains(person_id) {
                return Err(bad("case.recusal_not_handler", "申请回避的人员不是本案承办人", "the person is not a handler of this case"));
            }
            if applicant == "self" && actor.who() != *person_id {
                return Err(refuse("case.recusal_self", "自行回避须由本人提出", "self-recusal must be requested by the person", "《行政处罚法》第四十三条"));
            }
            if applicant == "party" {
                require_handler(&c, actor)?;
            }
            c.recusals.push(Recusal {
                person_id: person_id.clone(),
                applicant: applicant.clone(),
                reason: reason.clone(),
                requested_at: now,
                status: "pending".into(),
                decided_by: None,
                decision_reason: None,
            });
            // The investigation does not stop meanwhile (APL art. 43 para. 3).
        }
        Command::DecideRecusal { index, accepted, reason } => {
            require_role(actor, Role::Leader)?;
            not_auxiliary(actor, "决定回避", "decide a recusal")?;
            nonempty(reason, "reason")?;
            let who = actor.who();
            let r = c
                .recusals
                .get_mut(*index)
                .filter(|r| r.status == "pending")
                .ok_or_else(|| bad("case.no_such_recusal", "没有待决定的该项回避申请", "no such pending recusal"))?;
            if r.person_id == who {
                return Err(refuse("case.recusal_own", "不得决定本人的回避", "nobody decides their own recusal", "《行政处罚法》第四十三条第二款"));
            }
            r.status = if *accepted { "accepted" } else { "rejected" }.into();
            r.decided_by = Some(who);
            r.decision_reason = Some(reason.clone());
            if *accepted {
                let pid = r.person_id.clone();
                c.handlers.retain(|h| *h != pid);
                if c.handlers.len() < min_handlers(env)? {
                    warnings.push(Warning {
                        code: "case.handlers.reassign".into(),
                        message_zh: "回避后承办人不足法定人数，请指派新的承办人".into(),
                        message_en: "after the recusal the case has too few handlers: assign new ones".into(),
                    });
                }
            }
        }
        Command::AddEvidence { evidence } => {
            add_evidence(&mut c, env, actor, evidence, now, &mut files)?;
        }
        Command::RequestPreservation { items, place, reason } => {
            require_handler(&c, actor)?;
            not_suspended(&c, env)?;
            if !c.state.is_open_investigation() {
                state_is(&c, &[State::Investigating], "先行登记保存", "preserving evidence")?;
            }
            if items.is_empty() {
                return Err(bad("case.no_items", "请列明登记保存的物品", "list the items to preserve"));
            }
            for i in items {
                nonempty(&i.name, "items.name")?;
                nonempty(&i.quantity, "items.quantity")?;
            }
            nonempty(place, "place")?;
            nonempty(reason, "reason")?;
            new_submission(&mut c, env, ChainAct::Preservation, actor, now, json!({ "items": items, "place": place, "reason": reason }))?;
            let sub = c.submissions.len();
            c.preservations.push(Preservation {
                submission: sub,
                items: items.clone(),
                place: place.clone(),
                reason: reason.clone(),
                number: None,
                deadline_id: None,
                status: "requested".into(),
                outcome: None,
            });
        }
        Command::DecidePreservation { index, outcome } => {
            require_handler(&c, actor)?;
            nonempty(outcome, "outcome")?;
            let p = c
                .preservations
                .get(*index)
                .filter(|p| p.status == "approved")
                .ok_or_else(|| bad("case.no_such_preservation", "没有已批准待处理的该项登记保存", "no such approved preservation"))?;
            let did = p.deadline_id.clone();
            let number = issue_number(&mut c, env, "preservation_decision", now);
            let p = &mut c.preservations[*index];
            p.status = "decided".into();
            p.outcome = Some(outcome.clone());
            for d in c.deadlines.iter_mut().filter(|d| Some(&d.id) == did.as_ref() && d.is_open()) {
                d.status = "met".into();
                d.closed_at = Some(now);
                d.dirty = true;
                if today > d.due_date() {
                    warnings.push(Warning {
                        code: "case.late".into(),
                        message_zh: format!("先行登记保存处理决定晚于法定期限（{}）", d.due),
                        message_en: format!("the preservation decision is later than the deadline ({})", d.due),
                    });
                }
            }
            extra.insert("number".into(), json!(number));
        }
        Command::RequestAssistance { department, request, sent_on } => {
            require_handler(&c, actor)?;
            nonempty(department, "department")?;
            nonempty(request, "request")?;
            let number = issue_number(&mut c, env, "assistance", now);
            c.assistance.push(Assistance {
                department: department.clone(),
                request: request.clone(),
                sent_on: *sent_on,
                number: Some(number),
                answer: None,
                received_on: None,
            });
        }
        Command::AnswerAssistance { index, answer, received_on } => {
            require_handler(&c, actor)?;
            nonempty(answer, "answer")?;
            let a = c
                .assistance
                .get_mut(*index)
                .filter(|a| a.answer.is_none())
                .ok_or_else(|| bad("case.no_such_request", "没有待答复的该项协助请求", "no such open request"))?;
            if *received_on < a.sent_on {
                return Err(bad("case.answer_before_request", "答复日期早于发函日期", "the answer predates the request"));
            }
            a.answer = Some(answer.clone());
            a.received_on = Some(*received_on);
        }
        Command::ConfirmAddress { address } => {
            not_auxiliary(actor, "记录送达地址", "record the service address")?;
            if !c.handlers.is_empty() {
                require_handler(&c, actor)?;
            }
            nonempty(&address.address, "address.address")?;
            if address.electronic_consent && address.electronic_address.trim().is_empty() {
                return Err(refuse(
                    "case.address.electronic",
                    "同意电子送达的，须写明接收电子送达的手机号码或电子邮箱",
                    "consent to electronic service needs the phone number or e-mail that receives it",
                    "《行政处罚法》第六十一条第二款；《民事诉讼法》第九十条",
                ));
            }
            c.address = Some(address.clone());
        }
        Command::SubmitReport { findings, evidence_summary, provisions, facts, proposal, major_grounds, complex } => {
            // A revised report (before the decision, e.g. when the rules in force changed, APL
            // art. 37) replaces the first and returns the case to the prior notice: the party is
            // told again what is now proposed (APL art. 44), with a new statement period.
            state_is(
                &c,
                &[State::Investigating, State::Reported, State::Notified, State::Deliberating],
                "提交调查终结报告",
                "submitting the investigation report",
            )?;
            if c.state != State::Investigating {
                let old = c.report.as_ref().map(|r| json!({ "submitted_at": r.submitted_at, "proposal": r.proposal, "assessment": r.assessment.as_ref().map(|a| (&a.item_code, a.item_version)) }));
                extra.insert("revises".into(), json!(old));
            }
            require_handler(&c, actor)?;
            not_suspended(&c, env)?;
            no_pending(&c)?;
            nonempty(findings, "findings")?;
            nonempty(evidence_summary, "evidence_summary")?;
            nonempty(provisions, "provisions")?;
            if c.handlers.len() < min_handlers(env)? {
                return Err(refuse("case.handlers.too_few", "承办人不足法定人数", "the case has too few handlers", cited(env, "apl.min_handlers")));
            }
            for g in major_grounds {
                if !matches!(g.as_str(), "public_interest" | "complex" | "other_law") {
                    return Err(bad(
                        "case.invalid_major_ground",
                        format!("重大案件情形无效: {g}（可选 public_interest、complex、other_law）"),
                        format!("invalid major ground: {g}"),
                    ));
                }
            }
            report(&mut c, env, actor, now, facts, proposal, findings, evidence_summary, provisions, major_grounds, *complex, &mut warnings)?;
            if c.state != State::Investigating {
                c.notice = None;
                c.waiver = None;
                c.hearing = None;
                for rule in ["local.statement_period", "apl.hearing_request"] {
                    close_deadlines(&mut c, rule, now, "cancelled");
                }
            }
            c.state = State::Reported;
        }
        Command::ProposeNotice {} => {
            state_is(&c, &[State::Reported], "提请事先告知审批", "proposing the prior notice")?;
            require_handler(&c, actor)?;
            not_suspended(&c, env)?;
            let r = c.report.as_ref().expect("reported cases have a report");
            if r.proposal.outcome != Outcome::Penalty {
                return Err(refuse(
                    "case.notice_not_needed",
                    "拟不予处罚或移送司法机关的，无需事先告知，直接提请决定审批",
                    "no prior notice is needed for no penalty or a transfer to the judiciary: propose the decision",
                    "《行政处罚法》第四十四条",
                ));
            }
            let p = json!({ "proposal": r.proposal, "tier": r.assessment.as_ref().map(|a| a.tier), "hearing_right": c.hearing_right });
            new_submission(&mut c, env, ChainAct::PenaltyNotice, actor, now, p)?;
        }
        Command::ServeNotice { served_on, method } => {
            state_is(&c, &[State::NoticeApproved], "送达事先告知书", "serving the prior notice")?;
            require_handler(&c, actor)?;
            nonempty(method, "method")?;
            if *served_on > today || *served_on < c.filed_on.unwrap_or(c.lead_on) {
                return Err(bad("case.served_on", "送达日期无效", "invalid service date"));
            }
            let number = issue_number(&mut c, env, "prior_notice", now);
            let start = served_on.and_hms_opt(0, 0, 0).expect("midnight");
            open_deadline(&mut c, env, "local.statement_period", start, "陈述、申辩期限", "statement and defence period")?;
            let statement_due = c.deadline("local.statement_period").map(|d| d.due_date()).expect("opened above");
            let mut hearing_due = None;
            if c.hearing_right {
                open_deadline(&mut c, env, "apl.hearing_request", start, "听证申请期限", "hearing request period")?;
                hearing_due = c.deadline("apl.hearing_request").map(|d| d.due_date());
            }
            c.notice = Some(Notice {
                number: number.clone(),
                served_on: *served_on,
                method: method.clone(),
                hearing_right: c.hearing_right,
                statement_due,
                hearing_request_due: hearing_due,
            });
            c.state = State::Notified;
            extra.insert("number".into(), json!(number));
        }
        Command::RecordStatement { on, content, accepted, reasons } => {
            state_is(&c, &[State::Notified, State::HearingRequested, State::HearingScheduled, State::Deliberating], "记录陈述申辩", "recording a statement")?;
            require_handler(&c, actor)?;
            nonempty(content, "content")?;
            nonempty(reasons, "reasons")?;
            if *on > today {
                return Err(bad("case.date_in_future", "日期不能晚于今天", "the date cannot be in the future"));
            }
            c.statements.push(Statement { on: *on, content: content.clone(), accepted: *accepted, reasons: reasons.clone(), recorded_by: actor.who() });
        }
        Command::WaiveStatement { on, signed } => {
            state_is(&c, &[State::Notified], "记录放弃陈述申辩", "recording a waiver")?;
            require_handler(&c, actor)?;
            after_notice(&c, *on, today)?;
            if !signed {
                return Err(refuse(
                    "case.waiver_not_express",
                    "放弃陈述、申辩须由当事人明确表示（书面签字）",
                    "the party must waive statement and defence expressly (signed)",
                    "《行政处罚法》第六十二条：当事人明确放弃陈述或者申辩权利的除外",
                ));
            }
            c.waiver = Some(*on);
            close_deadlines(&mut c, "local.statement_period", now, "met");
        }
        Command::RequestHearing { on } => {
            state_is(&c, &[State::Notified], "申请听证", "requesting a hearing")?;
            require_handler(&c, actor)?;
            after_notice(&c, *on, today)?;
            if !c.hearing_right {
                return Err(refuse(
                    "case.no_hearing_right",
                    "拟作出的行政处罚不属于当事人有权要求听证的情形",
                    "the proposed penalty does not carry the hearing right",
                    env.rules.hearing.citation.clone(),
                ));
            }
            let due = c.notice.as_ref().and_then(|n| n.hearing_request_due).expect("notified with hearing right");
            if *on > due {
                return Err(refuse(
                    "case.hearing_request_late",
                    format!("听证申请期限已于{due}届满"),
                    format!("the hearing request period ended on {due}"),
                    cited(env, "apl.hearing_request"),
                ));
            }
            close_deadlines(&mut c, "apl.hearing_request", now, "met");
            c.hearing = Some(Hearing {
                requested_on: *on,
                at: None,
                place: None,
                host: None,
                members: Vec::new(),
                recorder: None,
                public: true,
                notice_number: None,
                notice_served_on: None,
                result: None,
                transcript: None,
                host_opinion: None,
                agents: Vec::new(),
            });
            c.state = State::HearingRequested;
        }
        Command::ScheduleHearing { at, place, host, members, recorder, public, notice_served_on } => {
            state_is(&c, &[State::HearingRequested, State::HearingScheduled], "安排听证", "scheduling the hearing")?;
            if !(actor.has(Role::Leader) || actor.has(Role::LegalReviewer)) {
                return Err(refuse(
                    "case.role_required",
                    "听证由行政机关负责人或法制机构安排",
                    "the hearing is arranged by a leader or the legal department",
                    "《行政处罚法》第六十四条",
                ));
            }
            not_auxiliary(actor, "安排听证", "arrange a hearing")?;
            nonempty(place, "place")?;
            let h = person(env, host)?;
            if c.handlers.contains(host) || members.iter().any(|m| c.handlers.contains(m)) {
                return Err(refuse(
                    "case.hearing_host_investigator",
                    format!("听证主持人、听证员不得由本案调查人员担任（{}）", h.name),
                    "the hearing host and members must not be investigators of the case",
                    "《行政处罚法》第六十四条第（四）项：听证由行政机关指定的非本案调查人员主持",
                ));
            }
            person(env, recorder)?;
            for m in members {
                person(env, m)?;
            }
            let latest = deadline::latest_before(env.calendar, rule(env, "apl.hearing_notice")?, at.date())?;
            if *notice_served_on > latest.due.date() {
                return Err(refuse(
                    "case.hearing_notice_late",
                    format!("听证通知须在举行听证的七个工作日前送达，本次听证（{}）最迟应于{}通知", at.date(), latest.due.date()),
                    format!("the hearing notice must be served 7 working days before the hearing ({}); latest {}", at.date(), latest.due.date()),
                    latest.citation.clone(),
                ));
            }
            if *notice_served_on > today {
                return Err(bad("case.date_in_future", "通知送达日期不能晚于今天", "the notice date cannot be in the future"));
            }
            let number = issue_number(&mut c, env, "hearing_notice", now);
            let hr = c.hearing.as_mut().expect("hearing requested");
            hr.at = Some(*at);
            hr.place = Some(place.clone());
            hr.host = Some(host.clone());
            hr.members = members.clone();
            hr.recorder = Some(recorder.clone());
            hr.public = *public;
            hr.notice_number = Some(number.clone());
            hr.notice_served_on = Some(*notice_served_on);
            c.state = State::HearingScheduled;
            extra.insert("number".into(), json!(number));
            extra.insert("latest_notice_day".into(), json!(latest.due.date()));
        }
        Command::RecordHearing { result, transcript, host_opinion, agents } => {
            state_is(&c, &[State::HearingScheduled], "记录听证", "recording the hearing")?;
            let max_agents = value(env, "apl.hearing_agents_max")?;
            if agents.len() as i64 > max_agents {
                return Err(refuse(
                    "case.hearing_agents",
                    format!("当事人可以委托一至二人代理，本次记录了{}人", agents.len()),
                    format!("the party may be represented by one or two agents; {} recorded", agents.len()),
                    cited(env, "apl.hearing_agents_max"),
                ));
            }
            let hr = c.hearing.as_ref().expect("scheduled");
            if hr.host.as_deref() != Some(actor.who().as_str()) {
                return Err(refuse(
                    "case.not_hearing_host",
                    "听证笔录和报告由听证主持人记录",
                    "the hearing is recorded by its host",
                    "《行政处罚法》第六十四条第（八）项",
                ));
            }
            if hr.at.is_some_and(|at| now < at) {
                return Err(bad("case.hearing_not_yet", "听证尚未到举行时间", "the hearing has not taken place yet"));
            }
            if !matches!(result.as_str(), "held" | "waived") {
                return Err(bad(
                    "case.invalid_result",
                    "听证结果须为 held（已举行）或 waived（无正当理由缺席或中途退出，视为放弃）",
                    "result must be held or waived",
                ));
            }
            nonempty(transcript, "transcript")?;
            nonempty(host_opinion, "host_opinion")?;
            let hr = c.hearing.as_mut().expect("scheduled");
            hr.result = Some(result.clone());
            hr.transcript = Some(transcript.clone());
            hr.host_opinion = Some(host_opinion.clone());
            hr.agents = agents.clone();
            if result == "held" && !c.major_grounds.iter().any(|g| g == "major_rights_hearing") {
                // APL art. 58 (2): directly affecting major rights and heard — legal review must pass.
                c.major_grounds.push("major_rights_hearing".into());
            }
            c.state = State::Deliberating;
        }
        Command::RecordDiscussion { held_on, chair, attendees, recorder, opinions, conclusion } => {
            state_is(
                &c,
                &[State::Reported, State::NoticeApproved, State::Notified, State::Deliberating],
                "记录集体讨论",
                "recording the collective discussion",
            )?;
            require_role(actor, Role::Leader)?;
            not_auxiliary(actor, "记录集体讨论", "record a collective discussion")?;
            nonempty(opinions, "opinions")?;
            person(env, chair)?;
            person(env, recorder)?;
            let mut distinct = attendees.clone();
            distinct.sort();
            distinct.dedup();
            // "集体讨论" means more than one leader deciding together.
            if distinct.len() < 2 || !distinct.contains(chair) {
                return Err(refuse(
                    "case.discussion_attendance",
                    "集体讨论须由行政机关负责人集体进行，出席人员至少两人且包括主持人",
                    "a collective discussion needs at least two leaders present, the chair among them",
                    "《行政处罚法》第五十七条第二款",
                ));
            }
            for a in &distinct {
                let p = person(env, a)?;
                if p.auxiliary {
                    return Err(bad("case.discussion_auxiliary", format!("{}为协管人员，不能参加集体讨论", p.name), format!("{} is an auxiliary", p.name)));
                }
            }
            if *held_on > today {
                return Err(bad("case.date_in_future", "日期不能晚于今天", "the date cannot be in the future"));
            }
            c.discussions.push(Discussion {
                held_on: *held_on,
                chair: chair.clone(),
                attendees: distinct,
                recorder: recorder.clone(),
                opinions: opinions.clone(),
                conclusion: *conclusion,
            });
        }
        Command::ProposeDecision { reasoned_text, answers_to_statement } => {
            require_handler(&c, actor)?;
            not_suspended(&c, env)?;
            let outcome =
                c.report.as_ref().map(|r| r.proposal.outcome).ok_or_else(|| bad("case.no_report", "尚未提交调查终结报告", "no investigation report yet"))?;
            match outcome {
                Outcome::Penalty => state_is(&c, &[State::Notified, State::Deliberating], "提请处罚决定审批", "proposing the decision")?,
                _ => state_is(&c, &[State::Reported, State::Notified, State::Deliberating], "提请决定审批", "proposing the decision")?,
            }
            if (c.is_major() || c.complex) && reasoned_text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                return Err(refuse(
                    "case.reasoned_text_required",
                    "重大、复杂案件应当制作说理式处罚决定书，逐条回应当事人的陈述申辩",
                    "major and complex cases need a reasoned decision answering the party's statement",
                    "种子文件004“文书3”（说理式文书）",
                ));
            }
            if !c.statements.is_empty() && answers_to_statement.as_deref().is_none_or(|t| t.trim().is_empty()) && c.is_major() {
                return Err(refuse(
                    "case.answers_required",
                    "须对当事人的陈述申辩作出回应",
                    "the decision must answer the party's statement",
                    "《行政处罚法》第四十五条：行政机关必须充分听取当事人的意见，对当事人提出的事实、理由和证据，应当进行复核",
                ));
            }
            decision_gates(&c, env, now)?;
            let chain = env.chain(ChainAct::Decision);
            let steps: Vec<&Step> = chain.steps.iter().filter(|s| s.applies(c.is_major())).collect();
            if steps.last().is_none_or(|s| s.role != Role::Leader) {
                return Err(refuse(
                    "case.chain_decider",
                    "处罚决定审批链的最后一步须为行政机关负责人",
                    "the decision chain must end with the leader",
                    "《行政处罚法》第五十七条：调查终结，行政机关负责人应当对调查结果进行审查",
                ));
            }
            if !steps.iter().any(|s| s.role == Role::LegalReviewer) {
                return Err(refuse(
                    "case.legal_review_missing_in_chain",
                    "处罚决定审批链中没有法制审核步骤",
                    "the decision chain has no legal-review step",
                    "《行政处罚法》第五十八条；种子文件000“一般程序逐级报批”",
                ));
            }
            let p = json!({ "outcome": outcome, "reasoned_text": reasoned_text, "answers_to_statement": answers_to_statement,
                "statements": c.statements.iter().map(|s| json!({"on": s.on, "content": s.content, "accepted": s.accepted, "reasons": s.reasons})).collect::<Vec<_>>() });
            new_submission(&mut c, env, ChainAct::Decision, actor, now, p)?;
        }
        Command::Serve { method, served_at, recipient, place, witness } => {
            state_is(&c, &[State::Decided], "送达决定书", "serving the decision")?;
            require_handler(&c, actor)?;
            nonempty(recipient, "recipient")?;
            let decided = c.decision.as_ref().expect("decided").decided_on;
            if served_at.date() < decided || *served_at > now {
                return Err(bad("case.served_at", "送达时间须在决定之后且不晚于现在", "the service time must be after the decision and not in the future"));
            }
            let mut effective_on = served_at.date();
            match method {
                ServiceMethod::Electronic => {
                    if !c.address.as_ref().is_some_and(|a| a.electronic_consent) {
                        return Err(refuse(
                            "case.service.no_consent",
                            "当事人未签署同意电子送达的送达地址确认书，不得电子送达",
                            "electronic service needs the party's signed consent",
                            "《行政处罚法》第六十一条第二款；《民事诉讼法》第九十条第一款",
                        ));
                    }
                }
                ServiceMethod::LeftAtAddress => {
                    if witness.as_deref().is_none_or(|w| w.trim().is_empty()) {
                        return Err(refuse(
                            "case.service.witness",
                            "留置送达须记明见证人",
                            "service by leaving at the address needs a witness",
                            "《民事诉讼法》第八十九条",
                        ));
                    }
                }
                ServiceMethod::PublicNotice => {
                    let d = deadline::deadline(env.calendar, None, rule(env, "civil_procedure.public_notice_service")?, *served_at)?;
                    effective_on = d.due.date();
                    open_deadline(&mut c, env, "civil_procedure.public_notice_service", *served_at, "公告送达视为送达之日", "public notice deemed served")?;
                }
                _ => nonempty(place, "place")?,
            }
            if let Some(d) = c.deadline("apl.service") {
                if served_at.date() > d.due_date() {
                    warnings.push(Warning {
                        code: "case.late".into(),
                        message_zh: format!("送达晚于法定期限（{}）", d.due),
                        message_en: format!("served after the deadline ({})", d.due),
                    });
                }
            }
            close_deadlines(&mut c, "apl.service", now, "met");
            c.service = Some(Service {
                method: *method,
                served_at: *served_at,
                effective_on,
                recipient: recipient.clone(),
                place: place.clone(),
                witness: witness.clone(),
            });
            c.state = State::Served;
            execution::on_served(&mut c, env, effective_on)?;
            extra.insert("document".into(), json!(c.decision.as_ref().map(|d| d.number.clone())));
        }
        Command::NotifyInformant { on, method, content } => {
            not_auxiliary(actor, "告知投诉人", "tell the complainant")?;
            if !matches!(c.source, Source::Complaint | Source::TransferIn) {
                return Err(bad("case.no_informant", "本案不是投诉举报或部门移送来源", "this case has no complainant or transferring department"));
            }
            nonempty(method, "method")?;
            nonempty(content, "content")?;
            c.informant_told = Some(*on);
            close_deadlines(&mut c, "local.complaint_reply", now, "met");
        }
        Command::RequestSuspension { pause_rule, reason } => {
            require_handler(&c, actor)?;
            nonempty(reason, "reason")?;
            if !c.state.is_open_investigation() {
                state_is(&c, &[State::Investigating], "中止案件", "suspending the case")?;
            }
            not_suspended(&c, env)?;
            let r = env.profile.get(pause_rule).ok();
            if !r.is_some_and(|r| matches!(&r.kind, RuleKind::Pause { pauses, .. } if pauses == "apl.decision_period")) {
                return Err(refuse(
                    "case.no_pause_rule",
                    format!("规则配置中没有可中止办案期限的规定“{pause_rule}”：行政处罚法本身不中止九十日期限，须有法律、法规、规章依据"),
                    format!("the rule profile has no rule {pause_rule} that pauses the decision period; the APL itself does not pause it"),
                    cited(env, "apl.decision_period"),
                ));
            }
            new_submission(&mut c, env, ChainAct::Suspension, actor, now, json!({ "pause_rule": pause_rule, "reason": reason }))?;
        }
        Command::Resume {} => {
            require_role(actor, Role::Leader)?;
            let s = c.suspension.take().ok_or_else(|| bad("case.not_suspended", "案件未中止", "the case is not suspended"))?;
            for d in c.deadlines.iter_mut().filter(|d| d.rule == "apl.decision_period" && d.is_open()) {
                d.pauses.push((s.rule.clone(), s.from, today));
            }
            let ids: Vec<usize> = (0..c.deadlines.len()).filter(|&i| c.deadlines[i].rule == "apl.decision_period" && c.deadlines[i].is_open()).collect();
            for i in ids {
                recompute(env, &mut c.deadlines[i])?;
            }
            extra.insert("suspended_from".into(), json!(s.from));
        }
        Command::RequestExtension { extension_rule, reason } => {
            require_handler(&c, actor)?;
            nonempty(reason, "reason")?;
            if !c.state.is_open_investigation() {
                state_is(&c, &[State::Investigating], "延长办案期限", "extending the period")?;
            }
            let r = env.profile.get(extension_rule).ok();
            if !r.is_some_and(|r| matches!(&r.kind, RuleKind::Extension { extends, .. } if extends == "apl.decision_period")) {
                return Err(refuse(
                    "case.no_extension_rule",
                    format!("规则配置中没有可延长办案期限的规定“{extension_rule}”：行政处罚法本身不延长九十日期限，须有法律、法规、规章依据"),
                    format!("the rule profile has no rule {extension_rule} that extends the decision period"),
                    cited(env, "apl.decision_period"),
                ));
            }
            new_submission(&mut c, env, ChainAct::Extension, actor, now, json!({ "extension_rule": extension_rule, "reason": reason }))?;
        }
        Command::RequestTermination { reason } => {
            require_handler(&c, actor)?;
            nonempty(reason, "reason")?;
            new_submission(&mut c, env, ChainAct::Termination, actor, now, json!({ "reason": reason }))?;
        }
        Command::RequestTransferOut { receiving_body, reason } => {
            require_handler(&c, actor)?;
            nonempty(receiving_body, "receiving_body")?;
            nonempty(reason, "reason")?;
            new_submission(&mut c, env, ChainAct::TransferOut, actor, now, json!({ "receiving_body": receiving_body, "reason": reason }))?;
        }
        Command::VoidNumber { number_id, reason } => {
            require_role(actor, Role::Leader)?;
            nonempty(reason, "reason")?;
            let n = c
                .numbers
                .iter_mut()
                .find(|n| n.id == *number_id && n.status == "issued")
                .ok_or_else(|| bad("case.no_such_number", "没有该有效文号", "no such issued number"))?;
            n.status = "voided".into();
            n.void_reason = Some(reason.clone());
            n.voided_at = Some(now);
            n.dirty = true;
            extra.insert("rendered".into(), json!(n.rendered));
        }
        Command::RecordPayment { amount_fen, paid_on, reference, channel, batch } => {
            let p = execution::Payment {
                amount_fen: *amount_fen,
                paid_on: *paid_on,
                reference: reference.trim().to_owned(),
                channel: channel.clone(),
                recorded_by: actor.who(),
                source: batch.as_ref().map(|b| format!("import:{b}")).unwrap_or_else(|| "manual".into()),
            };
            execution::record_payment(&mut c, env, actor, &p, today)?;
        }
        Command::ApplyDeferral { kind, applied_on, reason, schedule } => execution::apply_deferral(&mut c, actor, kind, reason, *applied_on, schedule, today)?,
        Command::DecideDeferral { index, approved, opinion } => execution::decide_deferral(&mut c, actor, *index, *approved, opinion, today)?,
        Command::ServeReminder { served_on, method, comply_by, content } => {
            execution::serve_reminder(&mut c, env, actor, *served_on, method, *comply_by, content, now)?
        }
        Command::ApplyToCourt { applied_on, court, party_opinion } => execution::apply_to_court(&mut c, env, actor, *applied_on, court, party_opinion, now)?,
        Command::RecordCourtOutcome { outcome, decided_on, note } => execution::record_court_outcome(&mut c, actor, outcome, *decided_on, note, today)?,
        Command::RecordRemedy { kind, filed_on, body } => execution::record_remedy(&mut c, env, actor, kind, *filed_on, body, now)?,
        Command::RecordRemedyOutcome { index, outcome, decided_on, note } => {
            execution::record_remedy_outcome(&mut c, env, actor, *index, outcome, *decided_on, note, now)?
        }
        Command::PublishDecision { published_on } => execution::publish_decision(&mut c, actor, *published_on, now)?,
        Command::WithdrawPublication { withdrawn_on, reason } => execution::withdraw_publication(&mut c, actor, *withdrawn_on, reason, now)?,
        Command::ConcludeAccountability { index, conclusion } => execution::conclude_accountability(&mut c, actor, *index, conclusion, today)?,
        Command::ProposeClosing { summary, result } => {
            require_handler(&c, actor)?;
            nonempty(summary, "summary")?;
            nonempty(result, "result")?;
            execution::closing_gate(&c, env, today)?;
            c.execution.closing =
                Some(execution::Closing { summary: summary.clone(), result: result.clone(), proposed_by: actor.who(), proposed_on: today, closed_on: None });
            new_submission(&mut c, env, ChainAct::Closing, actor, now, json!({ "summary": summary, "result": result }))?;
        }
        Command::Archive { retention, notes, checked_by } => execution::archive(&mut c, env, actor, retention, notes, checked_by.as_deref(), now)?,
        Command::LendFile { borrower, purpose, due_on } => execution::lend_file(&mut c, actor, borrower, purpose, *due_on, today)?,
        Command::ReturnFile { index, returned_on } => execution::return_file(&mut c, actor, *index, *returned_on, today)?,
        Command::ReviewFile { scores, remark } => execution::review_file(&mut c, env, actor, scores, remark, today)?,
        Command::FileWithUnit { filed_on } => simple::file_with_unit(&mut c, actor, *filed_on, today)?,
        Command::CollectOnSpot { amount_fen, receipt, ground, note } => simple::collect_on_spot(&mut c, env, actor, *amount_fen, receipt, ground, note, now)?,
        Command::DepositToUnit { on } => simple::deposit_to_unit(&mut c, env, actor, *on, now)?,
        Command::DepositToBank { on, reference } => simple::deposit_to_bank(&mut c, actor, *on, reference, now)?,
    }
    c.acts += 1;
    c.version += 1;
    c.updated_at = now;
    let mut data = serde_json::to_value(cmd).unwrap_or_default();
    if let Some(o) = data.as_object_mut() {
        o.extend(extra);
    }
    let data = redact_party(data);
    Ok(Decided { case: c, act_kind: cmd.name().into(), act_data: data, files, warnings })
}

fn add_evidence(c: &mut Case, env: &Env, actor: &Actor, e: &EvidenceInput, now: NaiveDateTime, files: &mut Vec<String>) -> Result<(), Refusal> {
    not_auxiliary(actor, "作为执法人员调查取证", "collect evidence as an officer")?;
    if c.state.is_open_investigation() {
        require_handler(c, actor)?;
    } else {
        state_is(c, &[State::Registered, State::Checked, State::Investigating], "调查取证", "collecting evidence")?;
    }
    if !EVIDENCE_KINDS.contains(&e.kind.as_str()) {
        return Err(bad(
            "case.evidence.kind",
            format!("证据种类无效: {}", e.kind),
            format!("invalid evidence kind: {} ({})", e.kind, EVIDENCE_KINDS.join(", ")),
        ));
    }
    nonempty(&e.title, "title")?;
    for f in &e.files {
        if f.len() != 64 || !f.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("case.evidence.file", format!("文件哈希无效: {f}"), format!("invalid file hash: {f}")));
        }
    }
    let day = e.collected_at.date();
    if e.collected_at > now {
        return Err(bad("case.date_in_future", "取证时间不能晚于现在", "the evidence time cannot be in the future"));
    }
    if env.rules.evidence.two_officers.contains(&e.kind) {
        let mut w = Vec::new();
        check_officers(env, c, &e.officers, day, &mut w)?;
        if !c.handlers.is_empty() {
            if let Some(o) = e.officers.iter().find(|o| !c.handlers.contains(o)) {
                return Err(refuse(
                    "case.evidence.not_handler",
                    format!("{o} 不是本案承办人"),
                    format!("{o} is not a handler of this case"),
                    env.rules.evidence.citation.clone(),
                ));
            }
        }
    }
    match e.kind.as_str() {
        "interview" => {
            let who = e.interviewee.as_deref().unwrap_or("").trim();
            if who.is_empty() || who.contains(['、', ',', '，', ';', '；']) {
                return Err(refuse(
                    "case.evidence.one_interviewee",
                    "询问应当个别进行：每份询问笔录只记录一名被询问人",
                    "interviews are held one person at a time: one interviewee per record",
                    "种子文件004“调查取证7”；《行政处罚法》第五十五条",
                ));
            }
        }
        "site_inspection" => {
            if !e.party_present && e.witness.as_deref().is_none_or(|w| w.trim().is_empty()) {
                return Err(refuse(
                    "case.evidence.inspection_witness",
                    "现场检查（勘验）应当有当事人或者见证人在场",
                    "a site inspection needs the party or a witness present",
                    "种子文件004“调查取证8”",
                ));
            }
        }
        "certified_copy" => {
            if e.source.as_deref().is_none_or(|s| s.trim().is_empty())
                || e.certified_on.is_none()
                || e.certified_by.as_deref().is_none_or(|s| s.trim().is_empty())
            {
                return Err(refuse(
                    "case.evidence.certified_copy",
                    "复制件须注明出处、核对日期，并由核对人签名（“经核对与原件无异”）",
                    "a certified copy needs its source, the date and the certifier's signature",
                    "种子文件004“调查取证9”",
                ));
            }
        }
        "electronic_monitoring" => {
            if !e.reviewed {
                return Err(refuse(
                    "case.evidence.unreviewed_monitoring",
                    "电子技术监控设备记录的违法事实，应当经过审核，确认真实、清晰、完整、准确后方可作为证据",
                    "records of electronic monitoring must be reviewed before they are used as evidence",
                    "《行政处罚法》第四十一条第二款",
                ));
            }
        }
        _ => {}
    }
    files.extend(e.files.iter().cloned());
    c.evidence.push(EvidenceRef { act: c.acts + 1, kind: e.kind.clone(), title: e.title.clone(), files: e.files.clone() });
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn report(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    now: NaiveDateTime,
    facts: &discretion::Facts,
    proposal: &Proposal,
    findings: &str,
    evidence_summary: &str,
    provisions: &str,
    major_grounds: &[String],
    complex: bool,
    warnings: &mut Vec<Warning>,
) -> Result<(), Refusal> {
    let cause = c.cause_code.clone().expect("filed cases have a cause");
    let violation = c.violation_on.expect("filed cases have a violation date");
    let person_party = c.party_kind == Some(PartyKind::Person);
    let facts = party_facts(c, facts);
    let assessment = discretion::assess(env.power, &cause, violation, now.date(), &facts);
    let mut amount_check = None;
    let mut grounds: Vec<String> = major_grounds.to_vec();
    if complex && !grounds.iter().any(|g| g == "complex") {
        grounds.push("complex".into());
    }
    match proposal.outcome {
        Outcome::Penalty => {
            let a = assessment.as_ref().map_err(Clone::clone)?;
            if proposal.penalties.is_empty() {
                return Err(bad("case.no_penalties", "请列明拟给予的处罚种类", "list the proposed penalties"));
            }
            if let Some(p) = proposal.penalties.iter().find(|p| !a.penalties.contains(p) && **p != PenaltyType::Warning) {
                let item = env.power.item(&cause, violation);
                if item.is_some_and(|i| !i.penalty_types.contains(p)) {
                    return Err(refuse(
                        "case.penalty_not_provided",
                        format!("事项{cause}的法定处罚种类不包括“{}”", p.zh()),
                        format!("item {cause} does not provide for {}", p.en()),
                        a.citations.first().cloned().unwrap_or_default(),
                    ));
                }
            }
            if proposal.penalties.contains(&PenaltyType::Fine) {
                let y = proposal.fine_yuan.ok_or_else(|| bad("case.fine_missing", "拟罚款的，须写明罚款金额", "a fine needs its amount"))?;
                if y <= 0 {
                    return Err(bad("case.fine_invalid", "罚款金额须为正数", "the fine must be positive"));
                }
                let mut check = a.check_amount(y * 100)?;
                // A tier that proposes no fine (warning only, or no fine yet) has no range to be
                // outside of; a fine there is outside the benchmark all the same (APL art. 34).
                if !a.penalties.contains(&PenaltyType::Fine) {
                    check = discretion::AmountCheck::OutsideRange {
                        requires_written_reason: true,
                        requires_legal_review: true,
                        message_zh: format!("裁量基准“{}”档次不予罚款，拟罚款{y}元超出裁量基准，应当书面说明理由并提交法制审核", a.tier.zh()),
                        message_en: format!(
                            "the benchmark's {} tier proposes no fine; a fine of {y} yuan is outside the benchmark: a written reason and legal review are required",
                            a.tier.en()
                        ),
                    };
                }
                if let discretion::AmountCheck::OutsideRange { message_zh, message_en, .. } = &check {
                    if proposal.reason_outside_range.as_deref().is_none_or(|r| r.trim().is_empty()) {
                        return Err(refuse(
                            "case.discretion.reason_required",
                            message_zh.clone(),
                            message_en.clone(),
                            "《行政处罚法》第三十四条；本地裁量基准适用规定",
                        ));
                    }
                    grounds.push("outside_benchmark".into());
                }
                amount_check = Some(check);
                let key = if person_party { "three_systems.major_fine_person" } else { "three_systems.major_fine_organisation" };
                if y >= value(env, key)? {
                    grounds.push("large_fine".into());
                }
            }
            let hearing_fine = value(env, if person_party { "local.hearing_fine_person" } else { "local.hearing_fine_organisation" })?;
            c.hearing_right = proposal.penalties.iter().any(|p| env.rules.hearing.penalty_types.contains(p))
                || proposal.fine_yuan.is_some_and(|y| y >= hearing_fine)
                || proposal.confiscation_yuan.is_some_and(|y| y >= value(env, "local.hearing_confiscation").unwrap_or(i64::MAX));
        }
        Outcome::NoPenalty => {
            let g = proposal.no_penalty_ground.ok_or_else(|| bad("case.no_penalty_ground", "不予处罚须写明依据的情形", "no penalty needs its ground"))?;
            if g.needs_education() && proposal.education.as_deref().is_none_or(|e| e.trim().is_empty()) {
                return Err(refuse(
                    "case.education_required",
                    "对不予行政处罚的当事人，应当对其进行教育，并记录教育情况",
                    "a party not penalised must be educated, and the education recorded",
                    "《行政处罚法》第三十三条第三款",
                ));
            }
            if matches!(g, NoPenaltyGround::FirstOffence | NoPenaltyGround::Minor) {
                let np = assessment.as_ref().ok().and_then(|a| a.no_penalty.clone());
                if np.is_none() {
                    return Err(refuse(
                        "case.not_exempt",
                        format!("根据认定的事实，本案不符合“{}”的条件（首违不罚清单或法定情形）", g.zh()),
                        "on the facts found the case does not meet the exemption's conditions",
                        g.citation(),
                    ));
                }
            }
            if g == NoPenaltyGround::UnderFourteen && facts.age.is_none_or(|a| a >= 14) {
                return Err(refuse("case.not_under_14", "当事人年龄不满足不满十四周岁的条件", "the party is not under 14", g.citation()));
            }
            if g == NoPenaltyGround::NoFault && !facts.no_fault {
                return Err(refuse("case.fault", "未认定当事人没有主观过错", "no finding that the party was without fault", g.citation()));
            }
            c.hearing_right = false;
        }
        Outcome::Judiciary => {
            nonempty(proposal.receiving_body.as_deref().unwrap_or(""), "receiving_body")?;
            c.hearing_right = false;
        }
    }
    grounds.sort();
    grounds.dedup();
    for g in &grounds {
        if let Some(mg) = env.rules.major_ground(g) {
            warnings.push(Warning {
                code: "case.major".into(),
                message_zh: format!("重大执法决定：{}，作出决定前须经法制审核且审核通过（{}）", mg.zh, mg.citation),
                message_en: format!("major case: {}; legal review must pass before the decision ({})", mg.en, mg.citation),
            });
        }
    }
    c.major_grounds = grounds;
    c.complex = complex;
    c.report = Some(Report {
        findings: findings.into(),
        evidence_summary: evidence_summary.into(),
        provisions: provisions.into(),
        facts,
        proposal: proposal.clone(),
        assessment: assessment.ok(),
        amount_check,
        submitted_by: actor.who(),
        submitted_at: now,
    });
    Ok(())
}

/// Gates before a decision (checked when it is proposed and again at the final approval).
fn decision_gates(c: &Case, env: &Env, now: NaiveDateTime) -> Result<(), Refusal> {
    let today = now.date();
    let r = c.report.as_ref().ok_or_else(|| bad("case.no_report", "尚未提交调查终结报告", "no investigation report yet"))?;
    let outcome = r.proposal.outcome;
    if outcome == Outcome::Penalty {
        let n = c.notice.as_ref().ok_or_else(|| {
            refuse(
                "case.notice_not_served",
                "作出行政处罚决定之前，应当告知当事人拟作出的处罚内容及事实、理由、依据和陈述、申辩、要求听证的权利",
                "the prior notice must be served before a penalty decision",
                "《行政处罚法》第四十四条",
            )
        })?;
        if c.waiver.is_none() && today <= n.statement_due {
            return Err(refuse(
                "case.statement_period",
                format!("陈述、申辩期限至{}届满，期满或当事人明确放弃前不得作出决定", n.statement_due),
                format!("the statement period runs until {}; no decision before it ends or the party waives it", n.statement_due),
                format!("《行政处罚法》第六十二条；{}", cited(env, "local.statement_period")),
            ));
        }
        if n.hearing_right {
            match &c.hearing {
                None => {
                    if let Some(d) = n.hearing_request_due {
                        if today <= d {
                            return Err(refuse(
                                "case.hearing_request_period",
                                format!("当事人要求听证的期限至{d}届满，期满前不得作出决定"),
                                format!("the party may request a hearing until {d}; no decision before then"),
                                cited(env, "apl.hearing_request"),
                            ));
                        }
                    }
                }
                Some(h) if h.result.is_none() => {
                    return Err(refuse(
                        "case.hearing_pending",
                        "当事人已要求听证，听证结束前不得作出决定",
                        "the party requested a hearing; no decision before it ends",
                        "《行政处罚法》第六十五条：听证结束后，行政机关应当根据听证笔录，依照本法第五十七条的规定，作出决定",
                    ));
                }
                Some(_) => {}
            }
        }
    }
    if c.is_major() || c.complex {
        if !c.discussions.iter().any(|d| d.conclusion == outcome) {
            return Err(refuse(
                "case.discussion_required",
                format!("情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定；尚无结论为“{}”的集体讨论记录", outcome.zh()),
                format!("complex or serious cases are decided by the leaders collectively; no collective discussion concluded '{outcome:?}'"),
                "《行政处罚法》第五十七条第二款",
            ));
        }
    }
    Ok(())
}

fn approve(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    now: NaiveDateTime,
    opinion: &str,
    review: Option<ReviewChecks>,
    yes: bool,
    warnings: &mut Vec<Warning>,
) -> Result<(), Refusal> {
    nonempty(opinion, "opinion")?;
    not_auxiliary(actor, "审核、审批或者决定", "review, approve or decide")?;
    let idx = c
        .submissions
        .iter()
        .rposition(|s| s.is_pending())
        .ok_or_else(|| bad("case.nothing_pending", "本案没有待审批事项", "nothing in this case awaits approval"))?;
    let who = actor.who();
    let (step_no, step) = {
        let s = &c.submissions[idx];
        let (i, st) = s.next_step().expect("pending submissions have a next step");
        (i, st.clone())
    };
    let act = c.submissions[idx].act;
    if !actor.roles.iter().any(|(r, k)| *r == step.role && step.unit_kind.is_none_or(|uk| uk == *k)) {
        let at = step.unit_kind.map(|k| format!("（{}）", k.zh())).unwrap_or_default();
        return Err(refuse(
            "case.approval.wrong_step",
            format!("{}当前待{}{}审核（第{}步），您不是该步骤的审批人", act.zh(), step.role.zh(), at, step_no + 1),
            format!("the {} awaits the {} (step {}); you are not its approver", act.code(), step.role.en(), step_no + 1),
            c.submissions[idx].chain_citation.clone(),
        ));
    }
    if c.handlers.contains(&who) || c.submissions[idx].submitted_by == who {
        return Err(refuse(
            "case.separation_of_duties",
            "案件承办人、报批人不得审核或审批本案（查罚分离）",
            "a handler or the submitter may not review or approve the case (separation of duties)",
            "《行政处罚法》第五十八条；种子文件000“查罚分离”",
        ));
    }
    if c.submissions[idx].opinions.iter().any(|o| o.by_person == who) {
        return Err(refuse(
            "case.separation_of_duties",
            "同一人不得在同一审批事项中重复签署意见",
            "nobody signs twice in the same chain",
            "种子文件000“一般程序逐级报批”",
        ));
    }
    if step.role == Role::LegalReviewer {
        let p = actor.person.as_ref().ok_or_else(|| bad("case.reviewer_person", "法制审核须由具名人员进行", "legal review is done by a named person"))?;
        let appt = p.reviewer.as_ref().ok_or_else(|| {
            refuse(
                "case.reviewer_not_appointed",
                format!("{}未被任命为法制审核人员", p.name),
                format!("{} is not appointed as a legal reviewer", p.name),
                env.rules.reviewers.citation.clone(),
            )
        })?;
        if appt.appointed_on >= env.rules.reviewers.from_date() && appt.qualification_number.as_deref().is_none_or(|q| q.trim().is_empty()) {
            return Err(refuse(
                "case.reviewer_qualification",
                format!("{}于{}初次从事法制审核，应当取得法律职业资格", p.name, appt.appointed_on),
                format!("{} began legal review on {} and must hold the legal professional qualification", p.name, appt.appointed_on),
                env.rules.reviewers.citation.clone(),
            ));
        }
        let r = review.as_ref().ok_or_else(|| {
            refuse(
                "case.review_checks",
                "法制审核须逐项记录审核内容（主体和权限、人员资格、程序、事实证据、法律适用和裁量、文书、是否移送司法）和结论",
                "legal review records each check and its conclusion",
                "种子文件004“案件审理2”；《行政处罚法》第五十八条",
            )
        })?;
        let pass = matches!(r.conclusion.as_str(), "agree" | "amend");
        if !matches!(r.conclusion.as_str(), "agree" | "amend" | "disagree") || pass != yes {
            return Err(bad(
                "case.review_conclusion",
                "审核结论须为 agree、amend（同意/修改后同意，即通过）或 disagree（不同意，即退回）",
                "the conclusion must be agree or amend (approve) or disagree (reject)",
            ));
        }
        if yes && !(r.subject_and_authority && r.officer_qualification && r.procedure && r.facts_and_evidence && r.legal_basis_and_discretion && r.documents) {
            return Err(refuse(
                "case.review_checks",
                "审核通过前须逐项审核：主体和权限、人员资格、程序、事实证据、法律适用和裁量、文书",
                "approval needs every check: authority, qualification, procedure, facts and evidence, basis and discretion, documents",
                "种子文件004“案件审理2”",
            ));
        }
    }
    if act == ChainAct::Decision && step.role == Role::Leader && yes && c.legal_reviewers().contains(&who) {
        return Err(refuse(
            "case.separation_of_duties",
            "法制审核人员不得作为本案决定人",
            "the legal reviewer may not decide the case",
            "《行政处罚法》第五十八条；种子文件000“查罚分离”",
        ));
    }
    let name = actor.name();
    let s = &mut c.submissions[idx];
    s.opinions.push(Opinion {
        step: step_no,
        role: step.role,
        by_account: actor.account_id.clone(),
        by_person: who,
        by_name: name,
        approve: yes,
        opinion: opinion.into(),
        at: now,
        review,
    });
    if !yes {
        s.status = "rejected".into();
        if act == ChainAct::Preservation {
            if let Some(p) = c.preservations.iter_mut().find(|p| p.submission == idx + 1) {
                p.status = "rejected".into();
            }
        }
        return Ok(());
    }
    if s.next_step().is_some() {
        return Ok(());
    }
    s.status = "approved".into();
    let proposal = s.proposal.clone();
    effect(c, env, act, idx, &proposal, actor, now, warnings)
}

#[allow(clippy::too_many_arguments)]
fn effect(
    c: &mut Case,
    env: &Env,
    act: ChainAct,
    idx: usize,
    proposal: &serde_json::Value,
    actor: &Actor,
    now: NaiveDateTime,
    warnings: &mut Vec<Warning>,
) -> Result<(), Refusal> {
    let today = now.date();
    let text = |k: &str| proposal.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    match act {
        ChainAct::Filing => {
            // Certificates and limitation again on the day of filing.
            check_officers(env, c, &c.handlers.clone(), today, warnings)?;
            let (until, citation) = limitation_until(env, c)?;
            if c.lead_on > until {
                return Err(refuse("case.limitation", format!("已超过追责期限（至{until}）"), format!("the limitation period ended on {until}"), citation));
            }
            c.filed_on = Some(today);
            c.state = State::Investigating;
            issue_number(c, env, "filing", now);
            open_deadline(c, env, "apl.decision_period", now, "作出处理决定期限", "decision period")?;
        }
        ChainAct::Decline | ChainAct::NoCase | ChainAct::Transfer => {
            c.end_reason = Some(text("reason"));
            c.state = match act {
                ChainAct::Decline => State::Declined,
                ChainAct::NoCase => State::NoCase,
                _ => State::TransferredOut,
            };
            issue_number(c, env, if act == ChainAct::Transfer { "transfer" } else { "decline" }, now);
            cancel_all(c, now, &["local.complaint_reply"]);
        }
        ChainAct::PenaltyNotice => {
            c.state = State::NoticeApproved;
        }
        ChainAct::Decision => {
            decision_gates(c, env, now)?;
            let s = &c.submissions[idx];
            if !s.opinions.iter().any(|o| o.role == Role::LegalReviewer && o.approve) {
                return Err(refuse(
                    "case.legal_review_required",
                    "作出决定前须经法制审核且审核通过",
                    "legal review must pass before the decision",
                    if c.is_major() { "《行政处罚法》第五十八条第一款" } else { "种子文件000“一般程序逐级报批”" },
                ));
            }
            let r = c.report.clone().expect("decision follows the report");
            applicable_at_decision(c, &r, env, today)?;
            let late = c.deadline("apl.decision_period").is_some_and(|d| d.is_open() && !d.due.is_empty() && today > d.due_date());
            let document = match r.proposal.outcome {
                Outcome::Penalty => "decision",
                Outcome::NoPenalty => "no_penalty",
                Outcome::Judiciary => "judiciary_transfer",
            };
            let number = issue_number(c, env, document, now);
            let remedies = vec![
                Remedy {
                    kind: "administrative_review".into(),
                    period: rule_period(env, "review.application_period"),
                    citation: cited(env, "review.application_period"),
                },
                Remedy { kind: "lawsuit".into(), period: rule_period(env, "litigation.filing_period"), citation: cited(env, "litigation.filing_period") },
            ];
            let payment = (r.proposal.outcome == Outcome::Penalty && r.proposal.fine_yuan.is_some()).then(|| {
                format!(
                    "自收到本决定书之日起{}内到指定银行或者通过电子支付系统缴纳罚款；到期不缴纳的，每日按罚款数额的百分之三加处罚款（{}；{}）",
                    rule_period(env, "apl.payment"),
                    cited(env, "apl.payment"),
                    cited(env, "apl.late_surcharge_rate")
                )
            });
            if late {
                warnings.push(Warning {
                    code: "case.late".into(),
                    message_zh: "决定晚于办案期限".into(),
                    message_en: "the decision is later than the decision period".into(),
                });
            }
            c.decision = Some(Decision {
                outcome: r.proposal.outcome,
                number: number.clone(),
                decided_on: today,
                decided_by: actor.who(),
                proposal: r.proposal.clone(),
                facts: r.findings.clone(),
                basis: r.assessment.as_ref().map(|a| a.citations.clone()).unwrap_or_else(|| vec![r.provisions.clone()]),
                tier: r.assessment.as_ref().map(|a| a.tier.zh().to_owned()),
                payment,
                remedies,
                reasoned_text: proposal.get("reasoned_text").and_then(|v| v.as_str()).map(str::to_owned),
                answers_to_statement: proposal.get("answers_to_statement").and_then(|v| v.as_str()).map(str::to_owned),
                late,
            });
            close_deadlines(c, "apl.decision_period", now, "met");
            close_deadlines(c, "local.statement_period", now, "met");
            if r.proposal.outcome == Outcome::Judiciary {
                c.state = State::TransferredJudiciary;
                cancel_all(c, now, &["local.complaint_reply"]);
            } else {
                c.state = State::Decided;
                open_deadline(c, env, "apl.service", now, "送达处罚决定书", "serve the decision")?;
            }
        }
        ChainAct::Preservation => {
            let number = issue_number(c, env, "preservation", now);
            open_deadline(c, env, "apl.preservation_decision", now, "先行登记保存处理决定", "decision on preserved evidence")?;
            let did = c.deadlines.last().map(|d| d.id.clone());
            if let Some(p) = c.preservations.iter_mut().find(|p| p.submission == idx + 1) {
                p.status = "approved".into();
                p.number = Some(number);
                p.deadline_id = did;
            }
        }
        ChainAct::Suspension => {
            c.suspension = Some(Suspension { rule: text("pause_rule"), reason: text("reason"), from: today, to: None });
        }
        ChainAct::Extension => {
            let grant = text("extension_rule");
            let reference = format!("{}#{}", c.id, idx + 1);
            let ids: Vec<usize> = (0..c.deadlines.len()).filter(|&i| c.deadlines[i].rule == "apl.decision_period" && c.deadlines[i].is_open()).collect();
            if ids.is_empty() {
                return Err(bad("case.no_period", "没有进行中的办案期限", "no running decision period"));
            }
            for i in ids {
                c.deadlines[i].extensions.push((grant.clone(), reference.clone(), today));
                recompute(env, &mut c.deadlines[i])?;
            }
        }
        ChainAct::Termination => {
            c.end_reason = Some(text("reason"));
            c.state = State::Terminated;
            cancel_all(c, now, &[]);
        }
        ChainAct::TransferOut => {
            c.end_reason = Some(text("reason"));
            c.state = State::TransferredOut;
            issue_number(c, env, "transfer", now);
            cancel_all(c, now, &[]);
        }
        ChainAct::Closing => {
            super::execution::closing_gate(c, env, today)?;
            if let Some(cl) = c.execution.closing.as_mut() {
                cl.closed_on = Some(today);
            }
            c.state = State::Closed;
            cancel_all(c, now, &["apl.publication_withdrawal", "three_systems.disclosure"]);
        }
    }
    Ok(())
}

pub(super) fn rule_period(env: &Env, key: &str) -> String {
    match env.profile.get(key).ok().and_then(|r| r.quantity()) {
        Some(q) if q.unit != Unit::Yuan => q.unit.zh(q.value),
        _ => key.to_owned(),
    }
}

// ------------------------------------------------------------------------------------ gate view

/// The gate the case stands at and exactly what is missing to pass it.
pub fn current_gate(c: &Case, env: &Env, now: NaiveDateTime) -> Gate {
    let today = now.date();
    let w = |code: &str, zh: String, en: String| Warning { code: code.into(), message_zh: zh, message_en: en };
    let mut missing = Vec::new();
    if let Some(s) = c.pending() {
        if let Some((i, st)) = s.next_step() {
            missing.push(w(
                "approval",
                format!("待{}签署意见（第{}/{}步）", st.role.zh(), i + 1, s.steps.len()),
                format!("awaiting the {} (step {} of {})", st.role.en(), i + 1, s.steps.len()),
            ));
        }
        return Gate { zh: s.act.zh().into(), en: s.act.code().into(), missing };
    }
    if let Some(s) = &c.suspension {
        missing.push(w("suspended", format!("案件中止：{}", s.reason), format!("suspended: {}", s.reason)));
    }
    let (zh, en) = match c.state {
        State::Registered => {
            missing.push(w("check", "记录核查意见".into(), "record the check".into()));
            ("核查", "check")
        }
        State::Checked => {
            missing.push(w("filing", "提请立案（或不予立案、移送）审批".into(), "propose filing (or decline / transfer)".into()));
            ("立案审批", "filing")
        }
        State::Investigating => {
            let min = min_handlers(env).unwrap_or(2);
            if c.handlers.len() < min {
                missing.push(w("handlers", format!("承办人不足{min}人"), format!("fewer than {min} handlers")));
            }
            if c.evidence.is_empty() {
                missing.push(w("evidence", "尚无证据".into(), "no evidence yet".into()));
            }
            missing.push(w("report", "提交调查终结报告".into(), "submit the investigation report".into()));
            ("调查取证", "investigation")
        }
        State::Reported => {
            let np = c.report.as_ref().is_some_and(|r| r.proposal.outcome != Outcome::Penalty);
            if np {
                missing.push(w("decision", "提请决定审批".into(), "propose the decision".into()));
            } else {
                missing.push(w("notice", "提请事先告知审批".into(), "propose the prior notice".into()));
            }
            ("审核", "review")
        }
        State::NoticeApproved => {
            missing.push(w("serve_notice", "送达事先告知书".into(), "serve the prior notice".into()));
            ("告知", "notice")
        }
        State::Notified | State::Deliberating | State::HearingRequested | State::HearingScheduled => {
            if let Err(r) = decision_gates(c, env, now) {
                missing.push(w(r.code, r.message_zh, r.message_en));
            }
            if c.state == State::HearingRequested {
                missing.push(w("schedule_hearing", "安排听证并送达听证通知书".into(), "schedule the hearing and serve its notice".into()));
            }
            if c.state == State::HearingScheduled {
                missing.push(w("record_hearing", "听证主持人记录听证".into(), "the host records the hearing".into()));
            }
            if missing.is_empty() {
                missing.push(w("decision", "提请决定审批（法制审核、负责人决定）".into(), "propose the decision (legal review, leader's decision)".into()));
            }
            ("决定", "decision")
        }
        State::Decided => {
            if let Some(d) = c.deadline("apl.service") {
                missing.push(w("serve", format!("送达决定书（期限{}）", d.due), format!("serve the decision (due {})", d.due)));
            }
            ("送达", "service")
        }
        _ => ("", ""),
    };
    let _ = today;
    Gate { zh: zh.into(), en: en.into(), missing }
}

/// The power item must be exercisable by the enforcement subject's level: a street office holds
/// only the penalty powers the province assigned to streets (APL art. 24), which the power list
/// records as the item's `levels`.
pub(crate) fn exercisable_here(item: &crate::power::PowerItem, env: &Env) -> Result<(), Refusal> {
    let Some(kind) = env.subject_kind else { return Ok(()) };
    if item.may_be_exercised_by(kind) {
        return Ok(());
    }
    let levels: Vec<&str> = item.levels.iter().map(|l| l.zh()).collect();
    let levels_en: Vec<&str> = item.levels.iter().map(|l| l.code()).collect();
    Err(refuse(
        "case.cause_level",
        format!("事项{}（{}）按权责清单由{}行使，本执法主体（{}）不能以该事项立案或处罚", item.code, item.name, levels.join("、"), kind.zh()),
        format!("item {} ({}) is exercised at the level(s) {} by the power list; this enforcement subject ({}) cannot act under it", item.code, item.name, levels_en.join(", "), kind.code()),
        "《行政处罚法》第二十四条：省、自治区、直辖市……可以决定将……行政处罚权交由能够有效承接的乡镇人民政府、街道办事处行使……决定应当公布（权责清单所列行使层级）",
    ))
}

/// The facts as the discretion engine assesses them: the party's kind from the case.
fn party_facts(c: &Case, facts: &discretion::Facts) -> discretion::Facts {
    let party = if c.party_kind == Some(PartyKind::Person) { crate::power::Party::Individual } else { crate::power::Party::Organisation };
    discretion::Facts { party, ..facts.clone() }
}

/// APL art. 37 compares the rule in force at the violation with the one in force *when the
/// decision is made*. The report assessed it on its own date; if the power list (item version,
/// the reason it applies, or the benchmark version) says otherwise on the decision's date, the
/// decision is refused until the report is submitted again on the rules now in force.
fn applicable_at_decision(c: &Case, r: &Report, env: &Env, today: NaiveDate) -> Result<(), Refusal> {
    let (Some(before), Some(cause), Some(violation)) = (&r.assessment, &c.cause_code, c.violation_on) else { return Ok(()) };
    let now = discretion::assess(env.power, cause, violation, today, &party_facts(c, &r.facts)).ok();
    let same = now
        .as_ref()
        .is_some_and(|a| (a.item_version, a.item_applied, a.benchmark_version) == (before.item_version, before.item_applied, before.benchmark_version));
    if same {
        return Ok(());
    }
    let (zh, en) = match &now {
        Some(a) => (format!("第{}版（{}）", a.item_version, a.text_zh), format!("version {} ({})", a.item_version, a.text_en)),
        None => ("无可适用的事项或裁量基准".to_owned(), "no applicable item or benchmark".to_owned()),
    };
    Err(refuse(
        "case.applicable_rules_changed",
        format!(
            "调查终结报告（{}）按事项{}第{}版评估；作出决定之日（{today}）权责清单的适用结果为{zh}，与报告不同：请退回本次决定审批，按现行清单重新提交调查终结报告并重新告知当事人",
            r.submitted_at.date(),
            before.item_code,
            before.item_version
        ),
        format!(
            "the report ({}) assessed item {} version {}; on the decision's date ({today}) the power list gives {en}, which differs: reject this decision submission, submit a revised report on the rules now in force and notify the party again",
            r.submitted_at.date(),
            before.item_code,
            before.item_version
        ),
        "《行政处罚法》第三十七条：实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定",
    ))
}
