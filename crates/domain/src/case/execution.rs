//! Execution to archive (penalty-procedure.md steps 12–16): payments recorded from the bank's
//! confirmation (罚缴分离), the late surcharge (APL art. 72–73), deferral and instalments (art. 66),
//! the reminder and the court-enforcement window (ACL art. 53–55), remedies and what an adverse
//! outcome triggers (APL art. 48, 执法过错责任追究), the publishable record, closing, the case file
//! (一案一档) with its completeness check, archive, loans and case-file review (案卷评查).
//!
//! Pure like the rest of the case: the commands are handled by `apply` (machine.rs) through the
//! functions here; the computations (`surcharge`, `court_window`, `case_file`) take the case, the
//! environment and a day.

use super::machine::{bad, cited, close_deadlines, nonempty, open_deadline, refuse, require_handler, require_role, rule, value};
use super::*;
use crate::deadline;
use crate::Refusal;
use chrono::{Datelike, Duration};

// ------------------------------------------------------------------------------------------ data

/// Everything after service. Amounts are in fen (分): 1 yuan = 100 fen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Execution {
    #[serde(default)]
    pub payments: Vec<Payment>,
    #[serde(default)]
    pub deferrals: Vec<Deferral>,
    #[serde(default)]
    pub reminders: Vec<Reminder>,
    #[serde(default)]
    pub remedies: Vec<RemedyCase>,
    #[serde(default)]
    pub court: Option<CourtApplication>,
    #[serde(default)]
    pub disclosure: Option<Disclosure>,
    #[serde(default)]
    pub accountability: Vec<AccountabilityReview>,
    #[serde(default)]
    pub closing: Option<Closing>,
    #[serde(default)]
    pub archive: Option<ArchiveInfo>,
    #[serde(default)]
    pub loans: Vec<Loan>,
    #[serde(default)]
    pub file_reviews: Vec<FileReview>,
}

/// A payment confirmed by the bank or the e-payment platform (the bureau never takes the money).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    /// The bank's or platform's reference: unique in the tenant.
    pub reference: String,
    /// bank | e_payment
    pub channel: String,
    pub recorded_by: String,
    /// manual | import
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due_on: NaiveDate,
    pub amount_fen: i64,
}

/// 暂缓 / 分期缴纳 on the party's application (APL art. 66 para. 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    /// deferral | instalments
    pub kind: String,
    pub applied_on: NaiveDate,
    pub reason: String,
    pub schedule: Vec<Instalment>,
    /// pending | approved | refused
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub opinion: Option<String>,
}

/// 催告书 (ACL art. 35, 54).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub number: String,
    pub served_on: NaiveDate,
    pub method: String,
    pub comply_by: NaiveDate,
    pub amount_fen: i64,
    pub content: String,
}

/// A review application (复议) or lawsuit (诉讼) against the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemedyCase {
    /// administrative_review | lawsuit
    pub kind: String,
    pub filed_on: NaiveDate,
    pub body: String,
    /// upheld | dismissed | withdrawn | changed | revoked | confirmed_illegal | confirmed_void
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl RemedyCase {
    pub fn is_pending(&self) -> bool {
        self.outcome.is_none()
    }
    pub fn is_adverse(&self) -> bool {
        self.outcome.as_deref().is_some_and(is_adverse)
    }
}

pub const REMEDY_OUTCOMES: [&str; 7] = ["upheld", "dismissed", "withdrawn", "changed", "revoked", "confirmed_illegal", "confirmed_void"];

/// APL art. 48 para. 2: the outcomes that withdraw a publication.
pub fn is_adverse(outcome: &str) -> bool {
    matches!(outcome, "changed" | "revoked" | "confirmed_illegal" | "confirmed_void")
}

/// 强制执行申请书 (ACL art. 55) and the court's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtApplication {
    pub number: String,
    /// The reminder the application carries (ACL art. 55).
    #[serde(default)]
    pub reminder_number: String,
    pub applied_on: NaiveDate,
    pub court: String,
    pub party_opinion: String,
    pub amount_fen: i64,
    /// enforced | partly_enforced | refused | withdrawn
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// The publishable record of a decision (APL art. 48; seed 004 行政处罚结果公开).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub record: PublicRecord,
    /// Publication deadline (`three_systems.disclosure`).
    pub due: String,
    pub published_on: Option<NaiveDate>,
    pub withdrawal_due: Option<String>,
    /// Not to be published: the decision was changed or annulled before its publication.
    #[serde(default)]
    pub cancelled: bool,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
}

impl Disclosure {
    /// to_publish | published | to_withdraw | withdrawn | not_to_publish
    pub fn status(&self) -> &'static str {
        match (self.published_on, self.withdrawal_due.is_some(), self.withdrawn_on) {
            (_, _, Some(_)) => "withdrawn",
            (Some(_), true, None) => "to_withdraw",
            (Some(_), false, None) => "published",
            (None, _, None) if self.cancelled => "not_to_publish",
            (None, _, None) => "to_publish",
        }
    }
}

/// What the portal may show: the party's name redacted as quality.md says (persons 张**;
/// organisations by name), no ID numbers, phones or addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecord {
    pub subject: String,
    pub decision_number: String,
    pub party: String,
    pub cause: String,
    pub basis: Vec<String>,
    pub penalty: String,
    pub decided_on: NaiveDate,
}

/// 执法过错责任追究: opened by an adverse remedy outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityReview {
    pub opened_on: NaiveDate,
    pub reason: String,
    pub handlers: Vec<String>,
    pub conclusion: Option<String>,
    pub concluded_by: Option<String>,
    pub concluded_on: Option<NaiveDate>,
}

/// 结案报告 (approved through the `closing` chain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub summary: String,
    pub result: String,
    pub proposed_by: String,
    pub proposed_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveInfo {
    /// Year + 4-digit sequence of archived cases (documents.md "Cover").
    pub number: String,
    pub archived_on: NaiveDate,
    pub archived_by: String,
    /// permanent | 30_years
    pub retention: String,
    pub documents: usize,
    pub pages: u32,
    /// 卷内备考表: what is missing, amended or added, and who checked the file.
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub checked_by: Option<String>,
}

/// 案卷借阅登记.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub borrower: String,
    pub purpose: String,
    pub lent_on: NaiveDate,
    pub due_on: NaiveDate,
    pub lent_by: String,
    pub returned_on: Option<NaiveDate>,
}

/// 案卷评查: one inspector's scores against the checklist of `rules/case.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReview {
    pub by: String,
    pub on: NaiveDate,
    pub scores: Vec<ItemScore>,
    pub total: i64,
    pub max: i64,
    pub remark: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemScore {
    pub item: String,
    pub score: i64,
    #[serde(default)]
    pub remark: String,
}

// ------------------------------------------------------------------------------------ amounts

/// The fine the decision imposes, in fen (0 for no fine).
pub fn fine_fen(c: &Case) -> i64 {
    c.decision.as_ref().filter(|d| d.outcome == Outcome::Penalty).and_then(|d| d.proposal.fine_yuan).map(|y| y.saturating_mul(100)).unwrap_or(0)
}

pub fn paid_fen(c: &Case) -> i64 {
    c.execution.payments.iter().map(|p| p.amount_fen).sum()
}

/// The payment schedule: one due date for the whole fine, or the approved deferral's instalments.
pub fn schedule(c: &Case) -> Vec<Instalment> {
    if let Some(d) = c.execution.deferrals.iter().rev().find(|d| d.status == "approved") {
        return d.schedule.clone();
    }
    match c.deadline("apl.payment") {
        Some(d) if !d.due.is_empty() => vec![Instalment { due_on: d.due_date(), amount_fen: fine_fen(c) }],
        _ => Vec::new(),
    }
}

/// One day of the late surcharge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurchargeDay {
    pub day: NaiveDate,
    /// The fine overdue and unpaid at the start of the day.
    pub overdue_fen: i64,
    pub accrued_fen: i64,
    pub total_fen: i64,
    /// A review or lawsuit was pending (APL art. 73 para. 3).
    pub paused: bool,
    /// The total reached the cap (APL art. 72 para. 1 (1)).
    pub capped: bool,
}

/// The late surcharge day by day up to `until` (inclusive): for each day after an instalment's due
/// date, `rate` % of the fine then overdue and not yet paid (payments count from the day after
/// they are made: a payment on day d still owes day d), rounded down to the fen, nothing while a
/// remedy is pending, the total never above `cap` % of the fine.
pub fn surcharge_days(
    fine_fen: i64,
    schedule: &[Instalment],
    payments: &[(NaiveDate, i64)],
    pauses: &[(NaiveDate, Option<NaiveDate>)],
    rate_percent: i64,
    cap_percent: i64,
    until: NaiveDate,
) -> Vec<SurchargeDay> {
    let Some(first_due) = schedule.iter().map(|i| i.due_on).min() else {
        return Vec::new();
    };
    let cap = fine_fen.saturating_mul(cap_percent) / 100;
    let mut out = Vec::new();
    let mut total = 0i64;
    let mut day = first_due + Duration::days(1);
    while day <= until {
        let due: i64 = schedule.iter().filter(|i| i.due_on < day).map(|i| i.amount_fen).sum();
        let paid: i64 = payments.iter().filter(|(on, _)| *on < day).map(|(_, a)| *a).sum();
        let overdue = (due - paid).max(0);
        if overdue == 0 && schedule.iter().all(|i| i.due_on < day) {
            break;
        }
        let paused = pauses.iter().any(|(from, to)| *from <= day && to.is_none_or(|t| day <= t));
        let mut accrued = if paused { 0 } else { overdue.saturating_mul(rate_percent) / 100 };
        let capped = total + accrued >= cap && accrued > 0;
        accrued = accrued.min(cap - total);
        total += accrued;
        out.push(SurchargeDay { day, overdue_fen: overdue, accrued_fen: accrued, total_fen: total, paused, capped });
        if total >= cap {
            break;
        }
        day += Duration::days(1);
    }
    out
}

/// The case's surcharge as of `until`, with the profile's rate and cap.
pub fn surcharge(c: &Case, env: &Env, until: NaiveDate) -> Result<Vec<SurchargeDay>, Refusal> {
    let rate = value(env, "apl.late_surcharge_rate")?;
    let cap = value(env, "apl.late_surcharge_cap")?;
    let payments: Vec<(NaiveDate, i64)> = c.execution.payments.iter().map(|p| (p.paid_on, p.amount_fen)).collect();
    Ok(surcharge_days(fine_fen(c), &schedule(c), &payments, &remedy_pauses(c), rate, cap, until))
}

fn remedy_pauses(c: &Case) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    c.execution.remedies.iter().map(|r| (r.filed_on, r.decided_on)).collect()
}

/// What the party owes on `day`: fine + surcharge − payments (never negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub fine_fen: i64,
    pub surcharge_fen: i64,
    pub paid_fen: i64,
    pub owed_fen: i64,
    /// The decision was revoked or confirmed void: nothing is owed any more.
    pub annulled: bool,
}

pub fn balance(c: &Case, env: &Env, day: NaiveDate) -> Result<Balance, Refusal> {
    let fine = fine_fen(c);
    let annulled = c.execution.remedies.iter().any(|r| matches!(r.outcome.as_deref(), Some("revoked" | "confirmed_void")));
    let surcharge_fen = surcharge(c, env, day)?.last().map(|d| d.total_fen).unwrap_or(0);
    let paid = paid_fen(c);
    let owed = if annulled { 0 } else { (fine + surcharge_fen - paid).max(0) };
    Ok(Balance { fine_fen: fine, surcharge_fen, paid_fen: paid, owed_fen: owed, annulled })
}

// ------------------------------------------------------------------------------ court window

/// When the bureau may apply to the court (ACL art. 53–54; APL art. 72 para. 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtWindow {
    /// The day the review and litigation periods (or the deferral, or a lost remedy) ended.
    pub periods_end: NaiveDate,
    /// First day an application is allowed: after `periods_end` and after the reminder's wait.
    pub opens: Option<NaiveDate>,
    /// Last day (3 months after `periods_end`).
    pub closes: NaiveDate,
    pub why_zh: String,
    pub why_en: String,
    pub citation: String,
}

/// None when no enforcement by the court can follow (nothing to enforce, a remedy pending, the
/// decision annulled).
pub fn court_window(c: &Case, env: &Env) -> Result<Option<CourtWindow>, Refusal> {
    let Some(s) = &c.service else { return Ok(None) };
    if fine_fen(c) == 0 || c.execution.remedies.iter().any(|r| r.is_pending() || r.is_adverse()) {
        return Ok(None);
    }
    let start = s.effective_on.and_hms_opt(0, 0, 0).expect("midnight");
    let review = deadline::deadline(env.calendar, None, rule(env, "review.application_period")?, start)?.due.date();
    let lawsuit = deadline::deadline(env.calendar, None, rule(env, "litigation.filing_period")?, start)?.due.date();
    let mut periods_end = review.max(lawsuit);
    let mut why_zh = format!("复议期限至{review}、诉讼期限至{lawsuit}届满");
    let mut why_en = format!("the review period ends {review}, the litigation period {lawsuit}");
    if let Some(last) = c.execution.remedies.iter().filter_map(|r| r.decided_on).max() {
        if last > periods_end {
            periods_end = last;
            why_zh = format!("复议或诉讼于{last}终结，决定被维持");
            why_en = format!("the review or lawsuit ended on {last} with the decision upheld");
        }
    }
    if let Some(d) = c.execution.deferrals.iter().rev().find(|d| d.status == "approved") {
        if let Some(end) = d.schedule.iter().map(|i| i.due_on).max() {
            if end > periods_end {
                periods_end = end;
                why_zh = format!("暂缓或分期缴纳期限至{end}结束（《行政处罚法》第七十二条第二款）");
                why_en = format!("the deferral or instalments end on {end} (APL art. 72 para. 2)");
            }
        }
    }
    let closes =
        deadline::deadline(env.calendar, None, rule(env, "acl.court_application_window")?, periods_end.and_hms_opt(0, 0, 0).expect("midnight"))?.due.date();
    let opens = match c.execution.reminders.last() {
        Some(r) => {
            let wait = deadline::deadline(env.calendar, None, rule(env, "acl.reminder_wait")?, r.served_on.and_hms_opt(0, 0, 0).expect("midnight"))?.due.date();
            why_zh.push_str(&format!("；催告书于{}送达，{}后方可申请", r.served_on, wait));
            why_en.push_str(&format!("; the reminder was served on {}, the wait ends {}", r.served_on, wait));
            Some(periods_end.max(wait) + Duration::days(1))
        }
        None => {
            why_zh.push_str("；尚未送达催告书");
            why_en.push_str("; no reminder served yet");
            None
        }
    };
    Ok(Some(CourtWindow {
        periods_end,
        opens,
        closes,
        why_zh,
        why_en,
        citation: format!("{}；{}", cited(env, "acl.court_application_window"), cited(env, "acl.reminder_wait")),
    }))
}

// ---------------------------------------------------------------------------------- case file

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub seq: usize,
    pub section: String,
    pub number: Option<String>,
    /// 责任者: who issued or made it.
    pub responsible: String,
    pub title: String,
    pub date: NaiveDate,
    pub pages: u32,
    pub remark: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub name_zh: String,
    pub name_en: String,
    pub entries: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// The case file (卷宗) assembled from the case: cover, volumes in the jurisdiction's order, and
/// what is missing for it to be complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    pub case_name: String,
    pub decision_number: Option<String>,
    pub unit_id: String,
    pub filed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub retention: String,
    pub archive_number: Option<String>,
    pub documents: usize,
    pub pages: u32,
    pub volumes: Vec<Volume>,
    pub missing: Vec<Missing>,
    pub citation: String,
}

impl CaseFile {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

pub fn case_file(c: &Case, env: &Env) -> CaseFile {
    let cfg = &env.rules.case_file;
    let subject = env.subject_name.to_owned();
    let mut raw: Vec<(String, FileEntry)> = Vec::new();
    let mut add = |section: &str, number: Option<String>, responsible: &str, title: &str, date: NaiveDate, pages: u32, remark: String| {
        raw.push((
            section.to_owned(),
            FileEntry {
                seq: 0,
                section: section.to_owned(),
                number,
                responsible: responsible.to_owned(),
                title: title.to_owned(),
                date,
                pages: pages.max(1),
                remark,
            },
        ));
    };
    add("lead", None, &subject, "案件来源登记表", c.registered_at.date(), 1, String::new());
    for s in c.submissions.iter().filter(|s| s.status == "approved") {
        let when = s.opinions.last().map(|o| o.at.date()).unwrap_or(s.submitted_at.date());
        let number = match s.act {
            ChainAct::Filing => c.number_of("filing").map(|n| n.rendered.clone()),
            _ => None,
        };
        let section = if s.act == ChainAct::Filing { "filing" } else { "approvals" };
        add(section, number, &subject, s.act.zh(), when, 1, format!("{}级审批意见", s.opinions.len()));
        for o in s.opinions.iter().filter(|o| o.role == Role::LegalReviewer) {
            add("review", None, &subject, "法制审核意见书", o.at.date(), 1, String::new());
        }
    }
    for e in &c.evidence {
        let title = format!("{}（{}）", e.title, evidence_kind_zh(&e.kind));
        add("evidence", None, &subject, &title, c.registered_at.date(), e.files.len() as u32, format!("第{}次办案行为", e.act));
    }
    for a in &c.assistance {
        add(
            "records",
            None,
            &subject,
            &format!("协助函（{}）", a.department),
            a.sent_on,
            1,
            if a.answer.is_some() { "已复函".into() } else { "未复函".into() },
        );
    }
    if let Some(r) = &c.report {
        add("report", None, &subject, "案件调查终结报告", r.submitted_at.date(), 1, String::new());
    }
    if let Some(n) = &c.notice {
        add("outward", Some(n.number.clone()), &subject, "行政处罚事先告知书", n.served_on, 1, String::new());
    }
    for s in &c.statements {
        add("records", None, &subject, "陈述申辩笔录", s.on, 1, if s.accepted { "采纳".into() } else { "不采纳".into() });
    }
    if let Some(w) = c.waiver {
        add("records", None, &subject, "放弃陈述申辩（听证）声明", w, 1, String::new());
    }
    if let Some(h) = &c.hearing {
        if let Some(at) = h.at {
            add("outward", h.notice_number.clone(), &subject, "听证通知书", h.notice_served_on.unwrap_or(at.date()), 1, String::new());
            if h.result.is_some() {
                add("hearing", None, &subject, "听证笔录及听证报告", at.date(), 1, h.result.clone().unwrap_or_default());
            }
        }
    }
    for d in &c.discussions {
        add("review", None, &subject, "集体讨论记录", d.held_on, 1, d.conclusion.zh().into());
    }
    if let Some(r) = &c.on_the_spot {
        if let Some(on) = r.filed_with_unit_on {
            add("records", None, &subject, "当场处罚备案", on, 1, String::new());
        }
        if let Some(col) = &r.collection {
            add("execution", Some(col.receipt.clone()), "财政部门", "罚没款收据（当场收缴）", col.collected_at.date(), 1, String::new());
        }
    }
    if let Some(d) = &c.decision {
        let title = match d.outcome {
            Outcome::Penalty if c.procedure == super::Procedure::Simple => "当场行政处罚决定书",
            Outcome::Penalty => "行政处罚决定书",
            Outcome::NoPenalty => "不予行政处罚决定书",
            Outcome::Judiciary => "案件移送函（移送司法机关）",
        };
        add("decision", Some(d.number.clone()), &subject, title, d.decided_on, 1, String::new());
    }
    if let Some(s) = &c.service {
        add("decision", None, &subject, "送达回证", s.served_at.date(), 1, s.method.zh().into());
    }
    let x = &c.execution;
    for d in &x.deferrals {
        add(
            "execution",
            None,
            &subject,
            if d.kind == "instalments" { "分期缴纳罚款申请及审批" } else { "暂缓缴纳罚款申请及审批" },
            d.applied_on,
            1,
            d.status.clone(),
        );
    }
    for p in &x.payments {
        add(
            "execution",
            Some(p.reference.clone()),
            "银行/电子支付平台",
            "罚款缴纳凭证",
            p.paid_on,
            1,
            format!("{}.{:02}元", p.amount_fen / 100, p.amount_fen % 100),
        );
    }
    for r in &x.reminders {
        add("execution", Some(r.number.clone()), &subject, "催告书及送达回证", r.served_on, 1, String::new());
    }
    if let Some(a) = &x.court {
        add("execution", Some(a.number.clone()), &subject, "强制执行申请书", a.applied_on, 1, a.outcome.clone().unwrap_or_else(|| "待裁定".into()));
    }
    for r in &x.remedies {
        let title = if r.kind == "lawsuit" { "行政诉讼材料" } else { "行政复议材料" };
        add("execution", None, &r.body, title, r.decided_on.unwrap_or(r.filed_on), 1, r.outcome.clone().unwrap_or_else(|| "审理中".into()));
    }
    if let Some(cl) = &x.closing {
        add("closing", None, &subject, "结案报告", cl.closed_on.unwrap_or(cl.proposed_on), 1, String::new());
    }
    // Order by the jurisdiction's sections; keep the order of events within a section.
    let rank = |s: &str| cfg.order.iter().position(|x| x == s).unwrap_or(cfg.order.len());
    raw.sort_by_key(|(s, _)| rank(s));
    let split = cfg.layout == "split";
    let mut main = Volume {
        name_zh: if split { "正卷".into() } else { "卷宗".into() },
        name_en: if split { "main volume".into() } else { "file".into() },
        entries: Vec::new(),
    };
    let mut internal = Volume { name_zh: "副卷".into(), name_en: "internal volume".into(), entries: Vec::new() };
    for (section, mut e) in raw {
        let v = if split && cfg.internal.contains(&section) { &mut internal } else { &mut main };
        e.seq = v.entries.len() + 1;
        v.entries.push(e);
    }
    let mut volumes = vec![main];
    if split {
        volumes.push(internal);
    }
    let documents = volumes.iter().map(|v| v.entries.len()).sum();
    let pages = volumes.iter().flat_map(|v| v.entries.iter()).map(|e| e.pages).sum();
    let decision_number = c.decision.as_ref().map(|d| d.number.clone());
    CaseFile {
        case_name: format!("{}{}案", c.party.name, c.cause_name.clone().unwrap_or_else(|| c.title.clone())),
        decision_number,
        unit_id: c.unit_id.clone(),
        filed_on: c.filed_on,
        closed_on: x.closing.as_ref().and_then(|cl| cl.closed_on),
        retention: x.archive.as_ref().map(|a| a.retention.clone()).unwrap_or_else(|| cfg.retention.clone()),
        archive_number: x.archive.as_ref().map(|a| a.number.clone()),
        documents,
        pages,
        volumes,
        missing: missing(c, env),
        citation: cfg.citation.clone(),
    }
}

fn evidence_kind_zh(kind: &str) -> &'static str {
    match kind {
        "interview" => "询问笔录",
        "site_inspection" => "现场检查（勘验）笔录",
        "sampling" => "抽样取证",
        "photo" => "照片",
        "audio_video" => "视听资料",
        "appraisal" => "鉴定意见",
        "certified_copy" => "书证复印件",
        "electronic_monitoring" => "电子技术监控记录",
        _ => "书证",
    }
}

/// What a complete file of this case still lacks (seed 004 结案与案卷管理).
pub fn missing(c: &Case, env: &Env) -> Vec<Missing> {
    let mut out = Vec::new();
    let mut need = |ok: bool, code: &str, zh: &str, en: &str| {
        if !ok {
            out.push(Missing { code: code.into(), zh: zh.into(), en: en.into() });
        }
    };
    if c.procedure == super::Procedure::Simple {
        // APL art. 52–53, 68–71: the numbered form handed over, filed with the unit, the fine paid
        // (or collected on the spot and banked), closed.
        let r = c.on_the_spot.as_ref();
        need(c.decision.is_some() && c.service.is_some(), "decision", "缺当场行政处罚决定书", "the on-the-spot decision is missing");
        need(r.is_some_and(|r| r.filed_with_unit_on.is_some()), "filed_with_unit", "当场处罚决定尚未报所属行政机关备案", "not yet filed with the unit");
        if fine_fen(c) > 0 {
            let settled = balance(c, env, c.updated_at.date()).map(|b| b.owed_fen == 0).unwrap_or(false);
            let court = c.execution.court.as_ref().is_some_and(|a| a.outcome.is_some());
            need(
                settled || court,
                "execution",
                "罚款（含加处罚款）未缴清，也无法院强制执行结果",
                "the fine (with any surcharge) is neither paid nor enforced by the court",
            );
            if let Some(col) = r.and_then(|r| r.collection.as_ref()) {
                need(col.to_bank_on.is_some(), "banked", "当场收缴的罚款尚未缴付银行", "the money collected on the spot has not reached the bank");
            }
        }
        need(
            c.execution.closing.as_ref().is_some_and(|cl| cl.closed_on.is_some()),
            "closing_report",
            "缺经批准的结案报告",
            "the approved closing report is missing",
        );
        return out;
    }
    let approved = |act: ChainAct| c.submissions.iter().any(|s| s.act == act && s.status == "approved");
    need(approved(ChainAct::Filing), "filing_approval", "缺立案审批表", "the filing approval is missing");
    need(!c.evidence.is_empty(), "evidence", "缺证据材料", "no evidence item");
    need(c.report.is_some(), "investigation_report", "缺案件调查终结报告", "the investigation report is missing");
    need(c.decision.is_some(), "decision", "缺处理决定书", "the decision is missing");
    need(c.service.is_some(), "service_receipt", "缺决定书送达回证", "the decision's service receipt is missing");
    need(
        c.submissions
            .iter()
            .any(|s| s.act == ChainAct::Decision && s.status == "approved" && s.opinions.iter().any(|o| o.role == Role::LegalReviewer && o.approve)),
        "legal_review",
        "缺法制审核意见书",
        "the legal review opinion is missing",
    );
    if c.decision.as_ref().is_some_and(|d| d.outcome == Outcome::Penalty) {
        need(c.notice.is_some(), "prior_notice", "缺行政处罚事先告知书", "the prior notice is missing");
        need(
            !c.statements.is_empty() || c.waiver.is_some() || c.hearing.as_ref().is_some_and(|h| h.result.is_some()),
            "statement",
            "缺陈述申辩笔录、放弃声明或听证笔录",
            "no statement record, waiver or hearing record",
        );
    }
    if c.is_major() {
        need(!c.discussions.is_empty(), "discussion", "重大案件缺集体讨论记录", "a major case needs its collective discussion record");
    }
    if fine_fen(c) > 0 {
        let today = c.updated_at.date();
        let settled = balance(c, env, today).map(|b| b.owed_fen == 0).unwrap_or(false);
        let court = c.execution.court.as_ref().is_some_and(|a| a.outcome.is_some());
        need(
            settled || court,
            "execution",
            "罚款（含加处罚款）未缴清，也无法院强制执行结果",
            "the fine (with any surcharge) is neither paid nor enforced by the court",
        );
    }
    need(
        c.execution.closing.as_ref().is_some_and(|cl| cl.closed_on.is_some()),
        "closing_report",
        "缺经批准的结案报告",
        "the approved closing report is missing",
    );
    out
}

/// The record the portal may publish.
pub fn public_record(c: &Case, env: &Env) -> Option<PublicRecord> {
    let d = c.decision.as_ref().filter(|d| d.outcome == Outcome::Penalty)?;
    let party = match c.party_kind {
        Some(PartyKind::Organisation) => c.party.name.clone(),
        _ => crate::mask::name(&c.party.name),
    };
    let mut penalty = Vec::new();
    for p in d.proposal.penalties.iter().filter(|p| **p != crate::power::PenaltyType::Fine || d.proposal.fine_yuan.is_none()) {
        penalty.push(p.zh().to_owned());
    }
    if let Some(f) = d.proposal.fine_yuan {
        penalty.push(format!("罚款{f}元"));
    }
    if let Some(v) = d.proposal.confiscation_yuan {
        penalty.push(format!("没收（价值{v}元）"));
    }
    penalty.dedup();
    Some(PublicRecord {
        subject: env.subject_name.to_owned(),
        decision_number: d.number.clone(),
        party,
        cause: c.cause_name.clone().unwrap_or_default(),
        basis: d.basis.clone(),
        penalty: penalty.join("，"),
        decided_on: d.decided_on,
    })
}

// ------------------------------------------------------------------------------------ commands

/// The commands of this module, by name.
pub const COMMANDS: [&str; 20] = [
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

/// Which of this module's commands a case in `state` may take at all.
pub fn allowed_in(state: State, name: &str) -> bool {
    if !COMMANDS.contains(&name) {
        return false;
    }
    match state {
        State::Served => !matches!(name, "archive" | "lend_file" | "return_file"),
        State::TransferredJudiciary => matches!(name, "propose_closing" | "record_remedy" | "record_remedy_outcome"),
        State::Closed => matches!(name, "archive" | "review_file" | "conclude_accountability" | "withdraw_publication"),
        State::Archived => matches!(name, "lend_file" | "return_file" | "review_file" | "conclude_accountability" | "withdraw_publication"),
        _ => false,
    }
}

fn money(v: i64, field: &str) -> Result<(), Refusal> {
    if v <= 0 || v > 100_000_000_000 {
        return Err(bad("case.amount", format!("{field} 须为正数（单位：分）"), format!("{field} must be a positive amount in fen")));
    }
    Ok(())
}

fn not_future(day: NaiveDate, today: NaiveDate, field: &str) -> Result<(), Refusal> {
    if day > today {
        return Err(bad("case.future_date", format!("{field} 不能晚于今天"), format!("{field} cannot be in the future")));
    }
    Ok(())
}

fn served_on(c: &Case) -> NaiveDate {
    c.service.as_ref().map(|s| s.served_at.date()).unwrap_or(NaiveDate::MIN)
}

pub(super) fn record_payment(c: &mut Case, env: &Env, actor: &Actor, p: &Payment, today: NaiveDate) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader))?;
    money(p.amount_fen, "amount_fen")?;
    nonempty(&p.reference, "reference")?;
    not_future(p.paid_on, today, "paid_on")?;
    if !matches!(p.channel.as_str(), "bank" | "e_payment") {
        return Err(refuse(
            "case.payment.channel",
            "罚款只能通过指定银行或者电子支付系统缴纳（罚缴分离）；当场收缴适用简易程序",
            "fines are paid at the designated bank or through the e-payment system (the bureau never takes money)",
            "《行政处罚法》第六十七条",
        ));
    }
    if p.paid_on < served_on(c) {
        return Err(bad("case.payment.before_service", "缴款日期早于决定书送达", "the payment is dated before the decision was served"));
    }
    if c.execution.payments.iter().any(|x| x.reference == p.reference) {
        return Err(bad(
            "case.payment.duplicate",
            format!("缴款凭证号 {} 已登记", p.reference),
            format!("payment reference {} is already recorded", p.reference),
        ));
    }
    let b = balance(c, env, p.paid_on)?;
    if b.annulled || fine_fen(c) == 0 {
        return Err(bad("case.payment.nothing_owed", "本案没有应缴罚款", "nothing is owed in this case"));
    }
    if p.amount_fen > b.owed_fen {
        return Err(bad(
            "case.payment.overpaid",
            format!("缴款金额超过应缴金额（{}分，含加处罚款）", b.owed_fen),
            format!("the amount exceeds what is owed ({} fen with the surcharge)", b.owed_fen),
        ));
    }
    c.execution.payments.push(p.clone());
    if balance(c, env, today)?.owed_fen == 0 {
        close_deadlines(c, "apl.payment", c.updated_at, "met");
    }
    Ok(())
}

pub(super) fn apply_deferral(
    c: &mut Case,
    actor: &Actor,
    kind: &str,
    reason: &str,
    applied_on: NaiveDate,
    sched: &[Instalment],
    today: NaiveDate,
) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    nonempty(reason, "reason")?;
    not_future(applied_on, today, "applied_on")?;
    if !matches!(kind, "deferral" | "instalments") || sched.is_empty() || (kind == "deferral" && sched.len() != 1) {
        return Err(bad("case.deferral.kind", "请选择暂缓（一期）或分期缴纳并填写缴纳计划", "choose deferral (one date) or instalments, with the schedule"));
    }
    if c.execution.deferrals.iter().any(|d| d.status == "pending") {
        return Err(bad("case.deferral.pending", "已有待审批的暂缓或分期申请", "a deferral application is already pending"));
    }
    let unpaid = fine_fen(c) - paid_fen(c);
    let total: i64 = sched.iter().map(|i| i.amount_fen).sum();
    for i in sched {
        money(i.amount_fen, "schedule.amount_fen")?;
        if i.due_on <= applied_on {
            return Err(bad("case.deferral.dates", "缴纳期限须晚于申请日期", "each due date must be after the application"));
        }
    }
    if unpaid <= 0 || total != unpaid {
        return Err(bad(
            "case.deferral.amount",
            format!("缴纳计划合计须等于尚未缴纳的罚款（{unpaid}分）"),
            format!("the schedule must add up to the unpaid fine ({unpaid} fen)"),
        ));
    }
    let mut s = sched.to_vec();
    s.sort_by_key(|i| i.due_on);
    c.execution.deferrals.push(Deferral {
        kind: kind.into(),
        applied_on,
        reason: reason.into(),
        schedule: s,
        status: "pending".into(),
        decided_by: None,
        decided_on: None,
        opinion: None,
    });
    Ok(())
}

pub(super) fn decide_deferral(c: &mut Case, actor: &Actor, index: usize, approved: bool, opinion: &str, today: NaiveDate) -> Result<(), Refusal> {
    require_role(actor, Role::Leader)?;
    if c.handlers.contains(&actor.who()) {
        return Err(refuse(
            "case.separation",
            "承办人不得审批本案的暂缓或分期缴纳申请",
            "a handler cannot approve the case's deferral",
            "《行政处罚法》第六十六条第二款",
        ));
    }
    nonempty(opinion, "opinion")?;
    let d = c
        .execution
        .deferrals
        .get_mut(index)
        .filter(|d| d.status == "pending")
        .ok_or_else(|| bad("case.deferral.none", "没有该待审批的申请", "no such pending application"))?;
    d.status = if approved { "approved" } else { "refused" }.into();
    d.decided_by = Some(actor.who());
    d.decided_on = Some(today);
    d.opinion = Some(opinion.into());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn serve_reminder(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    served: NaiveDate,
    method: &str,
    comply_by: NaiveDate,
    content: &str,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    nonempty(method, "method")?;
    nonempty(content, "content")?;
    let today = now.date();
    not_future(served, today, "served_on")?;
    let overdue = schedule(c).iter().any(|i| i.due_on < served);
    let b = balance(c, env, served)?;
    if !overdue || b.owed_fen == 0 {
        return Err(refuse(
            "case.reminder.not_due",
            "当事人尚未逾期不履行缴纳罚款义务，不能催告",
            "the party is not in default: no reminder yet",
            "《行政强制法》第五十四条：行政机关申请人民法院强制执行前，应当催告当事人履行义务",
        ));
    }
    if comply_by <= served {
        return Err(bad("case.reminder.comply_by", "催告履行期限须晚于送达日期", "the time to comply must be after service"));
    }
    let number = super::machine::issue_number(c, env, "reminder", now);
    c.execution.reminders.push(Reminder { number, served_on: served, method: method.into(), comply_by, amount_fen: b.owed_fen, content: content.into() });
    open_deadline(c, env, "acl.reminder_wait", served.and_hms_opt(0, 0, 0).expect("midnight"), "催告书送达后等待期", "wait after the reminder")?;
    reopen_court_window(c, env, now)
}

/// (Re)opens the court-application deadline so the sweep warns before the window closes.
fn reopen_court_window(c: &mut Case, env: &Env, now: NaiveDateTime) -> Result<(), Refusal> {
    close_deadlines(c, "acl.court_application_window", now, "cancelled");
    // A window ending in a year the calendar does not cover yet cannot be computed: the reminder
    // or remedy is still recorded; the court application itself refuses, naming the missing year.
    if let Ok(Some(w)) = court_window(c, env) {
        if c.execution.court.is_none() {
            open_deadline(
                c,
                env,
                "acl.court_application_window",
                w.periods_end.and_hms_opt(0, 0, 0).expect("midnight"),
                "申请人民法院强制执行期限",
                "time to apply to the court",
            )?;
        }
    }
    Ok(())
}

pub(super) fn apply_to_court(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    applied_on: NaiveDate,
    court: &str,
    party_opinion: &str,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    nonempty(court, "court")?;
    nonempty(party_opinion, "party_opinion")?;
    not_future(applied_on, now.date(), "applied_on")?;
    if c.execution.court.is_some() {
        return Err(bad("case.court.already", "已申请人民法院强制执行", "an application to the court is already recorded"));
    }
    let b = balance(c, env, applied_on)?;
    if b.owed_fen == 0 {
        return Err(bad("case.court.nothing_owed", "当事人已履行，无需申请强制执行", "nothing is owed: no enforcement"));
    }
    let citation = "《行政强制法》第五十三条、第五十四条";
    let w = match court_window(c, env)? {
        Some(w) => w,
        None if c.execution.remedies.iter().any(|r| r.is_pending()) => {
            return Err(refuse(
                "case.court.remedy_pending",
                "行政复议或行政诉讼尚未终结，不能申请人民法院强制执行",
                "a review or lawsuit is pending: the court cannot be asked yet",
                citation,
            ))
        }
        None => return Err(refuse("case.court.no_window", "本案不能申请人民法院强制执行", "this case cannot be enforced by the court", citation)),
    };
    let Some(opens) = w.opens else {
        return Err(refuse(
            "case.court.no_reminder",
            "申请强制执行前须催告当事人履行义务",
            "a reminder must be served before applying to the court",
            "《行政强制法》第五十四条",
        ));
    };
    if applied_on < opens {
        return Err(refuse(
            "case.court.too_early",
            format!("申请期间自{opens}起（{}）", w.why_zh),
            format!("the window opens on {opens} ({})", w.why_en),
            w.citation,
        ));
    }
    if applied_on > w.closes {
        return Err(refuse(
            "case.court.too_late",
            format!("申请期间已于{}届满（期限届满之日起三个月内）", w.closes),
            format!("the window closed on {} (three months after the periods expired)", w.closes),
            w.citation,
        ));
    }
    let number = super::machine::issue_number(c, env, "court_application", now);
    let reminder_number = c.execution.reminders.last().map(|r| r.number.clone()).unwrap_or_default();
    c.execution.court = Some(CourtApplication {
        number,
        reminder_number,
        applied_on,
        court: court.into(),
        party_opinion: party_opinion.into(),
        amount_fen: b.owed_fen,
        outcome: None,
        decided_on: None,
        note: None,
    });
    close_deadlines(c, "acl.court_application_window", now, "met");
    Ok(())
}

pub(super) fn record_court_outcome(c: &mut Case, actor: &Actor, outcome: &str, decided_on: NaiveDate, note: &str, today: NaiveDate) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader))?;
    not_future(decided_on, today, "decided_on")?;
    if !matches!(outcome, "enforced" | "partly_enforced" | "refused" | "withdrawn") {
        return Err(bad(
            "case.court.outcome",
            "裁定结果须为 enforced / partly_enforced / refused / withdrawn",
            "outcome must be enforced, partly_enforced, refused or withdrawn",
        ));
    }
    let a = c
        .execution
        .court
        .as_mut()
        .filter(|a| a.outcome.is_none())
        .ok_or_else(|| bad("case.court.none", "没有待裁定的强制执行申请", "no pending court application"))?;
    if decided_on < a.applied_on {
        return Err(bad("case.court.dates", "裁定日期早于申请日期", "the court decided before the application"));
    }
    a.outcome = Some(outcome.into());
    a.decided_on = Some(decided_on);
    a.note = Some(note.into()).filter(|n: &String| !n.is_empty());
    Ok(())
}

pub(super) fn record_remedy(c: &mut Case, env: &Env, actor: &Actor, kind: &str, filed_on: NaiveDate, body: &str, now: NaiveDateTime) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader)).or_else(|_| require_role(actor, Role::LegalReviewer))?;
    nonempty(body, "body")?;
    not_future(filed_on, now.date(), "filed_on")?;
    if !matches!(kind, "administrative_review" | "lawsuit") {
        return Err(bad("case.remedy.kind", "救济方式须为 administrative_review 或 lawsuit", "kind must be administrative_review or lawsuit"));
    }
    let decided = c.decision.as_ref().map(|d| d.decided_on).unwrap_or(NaiveDate::MIN);
    if filed_on < decided {
        return Err(bad("case.remedy.dates", "申请日期早于决定日期", "filed before the decision"));
    }
    c.execution.remedies.push(RemedyCase { kind: kind.into(), filed_on, body: body.into(), outcome: None, decided_on: None, note: None });
    // No court application while it is pending (ACL art. 53); the surcharge pauses (APL art. 73).
    reopen_court_window(c, env, now)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn record_remedy_outcome(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    index: usize,
    outcome: &str,
    decided_on: NaiveDate,
    note: &str,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader)).or_else(|_| require_role(actor, Role::LegalReviewer))?;
    not_future(decided_on, now.date(), "decided_on")?;
    if !REMEDY_OUTCOMES.contains(&outcome) {
        return Err(bad(
            "case.remedy.outcome",
            format!("结果须为以下之一：{}", REMEDY_OUTCOMES.join(", ")),
            format!("outcome must be one of {}", REMEDY_OUTCOMES.join(", ")),
        ));
    }
    let r = c
        .execution
        .remedies
        .get_mut(index)
        .filter(|r| r.is_pending())
        .ok_or_else(|| bad("case.remedy.none", "没有该审理中的复议或诉讼", "no such pending review or lawsuit"))?;
    if decided_on < r.filed_on {
        return Err(bad("case.remedy.dates", "结果日期早于申请日期", "decided before it was filed"));
    }
    r.outcome = Some(outcome.into());
    r.decided_on = Some(decided_on);
    r.note = Some(note.into()).filter(|n: &String| !n.is_empty());
    let kind = r.kind.clone();
    if is_adverse(outcome) {
        let what = if kind == "lawsuit" { "行政诉讼" } else { "行政复议" };
        if let Some(d) = c.execution.disclosure.as_mut() {
            if d.published_on.is_some() {
                let due = deadline::deadline(env.calendar, None, rule(env, "apl.publication_withdrawal")?, decided_on.and_hms_opt(0, 0, 0).expect("midnight"))?;
                d.withdrawal_due = Some(due.due.date().to_string());
                open_deadline(
                    c,
                    env,
                    "apl.publication_withdrawal",
                    decided_on.and_hms_opt(0, 0, 0).expect("midnight"),
                    "撤回已公开的处罚决定",
                    "withdraw the publication",
                )?;
            } else {
                d.cancelled = true;
                close_deadlines(c, "three_systems.disclosure", now, "cancelled");
            }
        }
        c.execution.accountability.push(AccountabilityReview {
            opened_on: now.date(),
            reason: format!("{what}结果：{}（{}）", outcome_zh(outcome), decided_on),
            handlers: c.handlers.clone(),
            conclusion: None,
            concluded_by: None,
            concluded_on: None,
        });
    }
    reopen_court_window(c, env, now)
}

pub fn outcome_zh(o: &str) -> &'static str {
    match o {
        "upheld" => "维持",
        "dismissed" => "驳回",
        "withdrawn" => "撤回申请（起诉）",
        "changed" => "变更",
        "revoked" => "撤销",
        "confirmed_illegal" => "确认违法",
        "confirmed_void" => "确认无效",
        "enforced" => "准予执行并已执行",
        "partly_enforced" => "部分执行",
        "refused" => "裁定不予执行",
        _ => "其他",
    }
}

pub(super) fn publish_decision(c: &mut Case, actor: &Actor, published_on: NaiveDate, now: NaiveDateTime) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader))?;
    not_future(published_on, now.date(), "published_on")?;
    let d = c.execution.disclosure.as_mut().ok_or_else(|| bad("case.disclosure.none", "本案没有应公开的处罚决定", "this case has no decision to publish"))?;
    if d.published_on.is_some() || d.cancelled {
        return Err(bad("case.disclosure.state", "该决定已公开或不应再公开", "already published, or no longer to be published"));
    }
    if published_on < d.record.decided_on {
        return Err(bad("case.disclosure.dates", "公开日期早于决定日期", "published before the decision"));
    }
    d.published_on = Some(published_on);
    close_deadlines(c, "three_systems.disclosure", now, "met");
    Ok(())
}

pub(super) fn withdraw_publication(c: &mut Case, actor: &Actor, withdrawn_on: NaiveDate, reason: &str, now: NaiveDateTime) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| require_role(actor, Role::Leader))?;
    nonempty(reason, "reason")?;
    not_future(withdrawn_on, now.date(), "withdrawn_on")?;
    let d = c
        .execution
        .disclosure
        .as_mut()
        .filter(|d| d.published_on.is_some() && d.withdrawn_on.is_none())
        .ok_or_else(|| bad("case.disclosure.not_published", "该决定未公开或已撤回", "not published, or already withdrawn"))?;
    if d.withdrawal_due.is_none() {
        return Err(refuse(
            "case.disclosure.no_ground",
            "只有决定被变更、撤销、确认违法或者确认无效时才撤回公开",
            "a publication is withdrawn only when the decision was changed, revoked, or confirmed illegal or void",
            "《行政处罚法》第四十八条第二款",
        ));
    }
    d.withdrawn_on = Some(withdrawn_on);
    d.withdrawal_reason = Some(reason.into());
    close_deadlines(c, "apl.publication_withdrawal", now, "met");
    Ok(())
}

pub(super) fn conclude_accountability(c: &mut Case, actor: &Actor, index: usize, conclusion: &str, today: NaiveDate) -> Result<(), Refusal> {
    require_role(actor, Role::Inspector).or_else(|_| require_role(actor, Role::Leader))?;
    nonempty(conclusion, "conclusion")?;
    if c.handlers.contains(&actor.who()) {
        return Err(refuse("case.separation", "承办人不得审查自己的执法过错", "a handler cannot review their own fault", "种子文件001“执法过错责任追究”"));
    }
    let a = c
        .execution
        .accountability
        .get_mut(index)
        .filter(|a| a.conclusion.is_none())
        .ok_or_else(|| bad("case.accountability.none", "没有该待审查的责任追究", "no such open accountability review"))?;
    a.conclusion = Some(conclusion.into());
    a.concluded_by = Some(actor.who());
    a.concluded_on = Some(today);
    Ok(())
}

/// Gate of the closing proposal: the decision is executed (or nothing remains to execute).
pub(super) fn closing_gate(c: &Case, env: &Env, today: NaiveDate) -> Result<(), Refusal> {
    if c.state == State::TransferredJudiciary {
        return Ok(());
    }
    let b = balance(c, env, today)?;
    let court = c.execution.court.as_ref().is_some_and(|a| a.outcome.is_some());
    if b.owed_fen > 0 && !court {
        return Err(refuse(
            "case.closing.not_executed",
            format!("罚款尚未缴清（尚欠{}分，含加处罚款），也无人民法院强制执行结果，不能结案", b.owed_fen),
            format!("{} fen (with the surcharge) is still owed and the court has not decided: the case cannot close", b.owed_fen),
            "种子文件004“结案与案卷管理”；《行政处罚法》第六十七条、第七十二条",
        ));
    }
    if c.execution.remedies.iter().any(|r| r.is_pending()) {
        return Err(refuse("case.closing.remedy_pending", "行政复议或诉讼尚未终结，不能结案", "a review or lawsuit is pending", "种子文件004“结案与案卷管理”"));
    }
    Ok(())
}

pub(super) fn archive(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    retention: &str,
    notes: &str,
    checked_by: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    require_role(actor, Role::Leader)?;
    if let Some(p) = checked_by {
        if !env.people.contains_key(p) {
            return Err(bad("case.archive.checker", format!("没有该检查人: {p}"), format!("no such person: {p}")));
        }
        if p == actor.who() {
            return Err(bad("case.archive.checker", "立卷人与检查人不得为同一人", "the file is checked by someone other than its compiler"));
        }
    }
    if !env.rules.case_file.retentions.iter().any(|r| r == retention) {
        return Err(bad(
            "case.archive.retention",
            format!("保管期限须为以下之一：{}", env.rules.case_file.retentions.join(", ")),
            format!("retention must be one of {}", env.rules.case_file.retentions.join(", ")),
        ));
    }
    let file = case_file(c, env);
    if !file.is_complete() {
        let list: Vec<&str> = file.missing.iter().map(|m| m.zh.as_str()).collect();
        let list_en: Vec<&str> = file.missing.iter().map(|m| m.en.as_str()).collect();
        return Err(refuse(
            "case.archive.incomplete",
            format!("卷宗不完整，不能归档：{}", list.join("；")),
            format!("the case file is incomplete: {}", list_en.join("; ")),
            file.citation,
        ));
    }
    let number = issue_archive_number(c, env, now);
    c.execution.archive = Some(ArchiveInfo {
        number,
        archived_on: now.date(),
        archived_by: actor.who(),
        retention: retention.into(),
        documents: file.documents,
        pages: file.pages,
        notes: notes.trim().to_owned(),
        checked_by: checked_by.map(str::to_owned),
    });
    c.state = State::Archived;
    Ok(())
}

/// Archive numbers: year + 4-digit sequence of the subject's archived cases, gapless like the
/// document numbers (committed with an expectation on the series).
fn issue_archive_number(c: &mut Case, env: &Env, now: NaiveDateTime) -> String {
    let year = now.date().year();
    let series = format!("{}/archive/{year}", c.subject_unit_id);
    let last = env.sequences.get(&series).copied().unwrap_or(0);
    let seq = last + 1;
    let rendered = format!("{year}{seq:04}");
    c.numbers.push(IssuedNumber {
        id: (env.new_id)("dn"),
        series,
        document: "archive".into(),
        subject_code: env.subject_name.into(),
        type_code: "档".into(),
        year,
        seq,
        rendered: rendered.clone(),
        status: "issued".into(),
        void_reason: None,
        issued_at: now,
        voided_at: None,
        after: Some(last),
        dirty: true,
    });
    rendered
}

pub(super) fn lend_file(c: &mut Case, actor: &Actor, borrower: &str, purpose: &str, due_on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    require_role(actor, Role::Leader)?;
    nonempty(borrower, "borrower")?;
    nonempty(purpose, "purpose")?;
    if due_on < today {
        return Err(bad("case.loan.due", "归还日期不能早于今天", "the return date cannot be in the past"));
    }
    if c.execution.loans.iter().any(|l| l.returned_on.is_none()) {
        return Err(bad("case.loan.out", "卷宗已借出，尚未归还", "the file is on loan and not yet returned"));
    }
    c.execution.loans.push(Loan { borrower: borrower.into(), purpose: purpose.into(), lent_on: today, due_on, lent_by: actor.who(), returned_on: None });
    Ok(())
}

pub(super) fn return_file(c: &mut Case, actor: &Actor, index: usize, returned_on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    require_role(actor, Role::Leader)?;
    not_future(returned_on, today, "returned_on")?;
    let l =
        c.execution.loans.get_mut(index).filter(|l| l.returned_on.is_none()).ok_or_else(|| bad("case.loan.none", "没有该未归还的借阅", "no such open loan"))?;
    if returned_on < l.lent_on {
        return Err(bad("case.loan.dates", "归还日期早于借出日期", "returned before it was lent"));
    }
    l.returned_on = Some(returned_on);
    Ok(())
}

pub(super) fn review_file(c: &mut Case, env: &Env, actor: &Actor, scores: &[ItemScore], remark: &str, today: NaiveDate) -> Result<(), Refusal> {
    require_role(actor, Role::Inspector).or_else(|_| require_role(actor, Role::Leader))?;
    if c.handlers.contains(&actor.who()) {
        return Err(refuse("case.separation", "承办人不得评查本人办理的案卷", "a handler cannot review their own case file", "种子文件004“结案与案卷管理”"));
    }
    let checklist = &env.rules.case_file.checklist;
    let mut total = 0;
    for item in checklist {
        let s = scores.iter().find(|s| s.item == item.code).ok_or_else(|| {
            bad("case.file_review.missing_item", format!("评查项目“{}”未评分", item.zh), format!("checklist item {} has no score", item.code))
        })?;
        if s.score < 0 || s.score > item.max {
            return Err(bad(
                "case.file_review.score",
                format!("“{}”的得分须在0至{}之间", item.zh, item.max),
                format!("{}: the score must be 0–{}", item.code, item.max),
            ));
        }
        total += s.score;
    }
    if let Some(s) = scores.iter().find(|s| !checklist.iter().any(|i| i.code == s.item)) {
        return Err(bad("case.file_review.unknown_item", format!("没有评查项目“{}”", s.item), format!("no checklist item {}", s.item)));
    }
    c.execution.file_reviews.push(FileReview {
        by: actor.who(),
        on: today,
        scores: scores.to_vec(),
        total,
        max: checklist.iter().map(|i| i.max).sum(),
        remark: remark.into(),
    });
    Ok(())
}

/// At service: the payment period (when there is a fine) and the publishable record with its
/// publication deadline (penalty decisions).
pub(super) fn on_served(c: &mut Case, env: &Env, effective_on: NaiveDate) -> Result<(), Refusal> {
    if fine_fen(c) > 0 {
        open_deadline(c, env, "apl.payment", effective_on.and_hms_opt(0, 0, 0).expect("midnight"), "缴纳罚款期限", "time to pay the fine")?;
    }
    if let Some(record) = public_record(c, env) {
        let start = record.decided_on.and_hms_opt(0, 0, 0).expect("midnight");
        let due = deadline::deadline(env.calendar, None, rule(env, "three_systems.disclosure")?, start)?;
        open_deadline(c, env, "three_systems.disclosure", start, "公开行政处罚决定", "publish the decision")?;
        c.execution.disclosure = Some(Disclosure {
            record,
            due: due.due.date().to_string(),
            published_on: None,
            withdrawal_due: None,
            cancelled: false,
            withdrawn_on: None,
            withdrawal_reason: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `Command::NAMES` lists every command by hand (the authorisation matrix is checked against
    /// it); this module's list must be a part of it.
    #[test]
    fn every_execution_command_is_a_case_command() {
        for name in super::COMMANDS {
            assert!(super::super::Command::NAMES.contains(&name), "{name} is missing from Command::NAMES");
        }
    }
}
