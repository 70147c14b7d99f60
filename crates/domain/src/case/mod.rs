//! The administrative-penalty case (网上办案, general procedure): a state machine over plain data.
//!
//! `register` creates a case from a lead; `apply` takes the case, a command and its actor and
//! returns the new case, the act to record, the deadlines it opens or closes and the document
//! numbers it issues — or a refusal naming the rule. Nothing here reads a clock or a database:
//! the caller passes the time, the people involved, the rule profile, the calendar, the power list
//! and the document-number sequences it read.

mod available;
pub mod execution;
mod machine;
pub mod rows;
pub mod rules;
pub mod simple;

pub use available::available;
pub use execution::Execution;
pub use machine::{apply, register};
pub use rules::{CaseRules, Chain, ChainAct, Step};
pub use simple::{decide_on_the_spot, OnTheSpot, Procedure};

use crate::auth::Role;
use crate::calendar::Calendar;
use crate::discretion::{self, Assessment};
use crate::org::OrgKind;
use crate::people::Certificate;
use crate::power::{PenaltyType, PowerList};
use crate::profile::ProcedureProfile;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ------------------------------------------------------------------------------------------ state

/// Where a case stands. Terminal states take no further procedural command; the execution
/// commands (execution.rs) apply to served, closed and archived cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 登记: the lead is registered.
    Registered,
    /// 核查: checked, awaiting the filing (or other) proposal.
    Checked,
    /// 立案 approved: investigation (调查取证).
    Investigating,
    /// 调查终结: the investigation report is submitted.
    Reported,
    /// The prior notice is approved, to be served.
    NoticeApproved,
    /// 事先告知 served: statement period running.
    Notified,
    /// 听证 requested, not yet scheduled.
    HearingRequested,
    /// 听证 scheduled.
    HearingScheduled,
    /// Statement / hearing finished: reviews, discussion and approval of the decision.
    Deliberating,
    /// 决定 made, to be served.
    Decided,
    /// 送达: the decision is served (execution follows).
    Served,
    /// 不予立案.
    Declined,
    /// 不予立案，教育指导: no case, with guidance.
    NoCase,
    /// 移送: transferred to another department.
    TransferredOut,
    /// 移送司法机关.
    TransferredJudiciary,
    /// 终止.
    Terminated,
    /// 结案: the closing report is approved; the file is to be archived.
    Closed,
    /// 归档: the case file is archived, read-only (loans and file reviews only).
    Archived,
}

impl State {
    pub const ALL: [State; 18] = [
        State::Registered,
        State::Checked,
        State::Investigating,
        State::Reported,
        State::NoticeApproved,
        State::Notified,
        State::HearingRequested,
        State::HearingScheduled,
        State::Deliberating,
        State::Decided,
        State::Served,
        State::Declined,
        State::NoCase,
        State::TransferredOut,
        State::TransferredJudiciary,
        State::Terminated,
        State::Closed,
        State::Archived,
    ];
    pub fn code(self) -> &'static str {
        match self {
            State::Registered => "registered",
            State::Checked => "checked",
            State::Investigating => "investigating",
            State::Reported => "reported",
            State::NoticeApproved => "notice_approved",
            State::Notified => "notified",
            State::HearingRequested => "hearing_requested",
            State::HearingScheduled => "hearing_scheduled",
            State::Deliberating => "deliberating",
            State::Decided => "decided",
            State::Served => "served",
            State::Declined => "declined",
            State::NoCase => "no_case",
            State::TransferredOut => "transferred_out",
            State::TransferredJudiciary => "transferred_judiciary",
            State::Terminated => "terminated",
            State::Closed => "closed",
            State::Archived => "archived",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            State::Registered => "已登记",
            State::Checked => "已核查",
            State::Investigating => "调查取证",
            State::Reported => "调查终结",
            State::NoticeApproved => "告知已审批",
            State::Notified => "已告知",
            State::HearingRequested => "申请听证",
            State::HearingScheduled => "听证已安排",
            State::Deliberating => "审理决定中",
            State::Decided => "已决定",
            State::Served => "已送达",
            State::Declined => "不予立案",
            State::NoCase => "不予立案（教育指导）",
            State::TransferredOut => "已移送",
            State::TransferredJudiciary => "已移送司法机关",
            State::Terminated => "已终止",
            State::Closed => "已结案",
            State::Archived => "已归档",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            State::Registered => "registered",
            State::Checked => "checked",
            State::Investigating => "under investigation",
            State::Reported => "investigation reported",
            State::NoticeApproved => "prior notice approved",
            State::Notified => "prior notice served",
            State::HearingRequested => "hearing requested",
            State::HearingScheduled => "hearing scheduled",
            State::Deliberating => "deliberating",
            State::Decided => "decided",
            State::Served => "decision served",
            State::Declined => "declined",
            State::NoCase => "no case (guidance)",
            State::TransferredOut => "transferred out",
            State::TransferredJudiciary => "transferred to the judiciary",
            State::Terminated => "terminated",
            State::Closed => "closed",
            State::Archived => "archived",
        }
    }
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            State::Served
                | State::Declined
                | State::NoCase
                | State::TransferredOut
                | State::TransferredJudiciary
                | State::Terminated
                | State::Closed
                | State::Archived
        )
    }
    /// Filed and not yet decided: the investigative phase in the wide sense.
    pub fn is_open_investigation(self) -> bool {
        matches!(
            self,
            State::Investigating
                | State::Reported
                | State::NoticeApproved
                | State::Notified
                | State::HearingRequested
                | State::HearingScheduled
                | State::Deliberating
        )
    }
}

// ------------------------------------------------------------------------------------------ data

/// 案件来源 (seed 004 登记与立案 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Patrol,
    Complaint,
    TransferIn,
    Assignment,
    GridIssue,
}

impl Source {
    pub fn zh(self) -> &'static str {
        match self {
            Source::Patrol => "巡查发现",
            Source::Complaint => "投诉举报",
            Source::TransferIn => "部门移送",
            Source::Assignment => "上级交办",
            Source::GridIssue => "数字城管案件转办",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Person,
    Organisation,
}

/// 当事人. Name, identity number, phone, address and representative are personal data: they are
/// stored in their own columns and committed (not written) in the full-process record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub kind: Option<PartyKind>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// 法定代表人 of an organisation.
    #[serde(default)]
    pub representative: Option<String>,
    /// Person: sex, occupation; organisation: unified social credit code (not personal).
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}

/// The informant of a complaint (举报人): kept with the lead, told the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Informant {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
}

/// A person involved in a case as the domain needs to see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    pub id: String,
    pub name: String,
    pub unit_id: String,
    pub auxiliary: bool,
    pub active: bool,
    pub certificates: Vec<Certificate>,
    /// Declared relations (kin, business): names and identity numbers of the related.
    pub relations: Vec<Relation>,
    /// 法制审核人员 appointment.
    pub reviewer: Option<ReviewerAppointment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub related_name: Option<String>,
    pub related_id_number: Option<String>,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerAppointment {
    pub appointed_on: NaiveDate,
    /// 法律职业资格证书编号.
    pub qualification_number: Option<String>,
}

/// Who issues a command: the account, the person behind it, and the roles it holds over the case's
/// unit (computed by the caller from the grants and the organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: String,
    pub person: Option<PersonFacts>,
    /// Roles held over the case's unit, with the kind of the unit each grant is on.
    pub roles: Vec<(Role, OrgKind)>,
}

impl Actor {
    /// The identity used for separation of duties: the person, else the account.
    pub fn who(&self) -> String {
        self.person.as_ref().map(|p| p.id.clone()).unwrap_or_else(|| self.account_id.clone())
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|(r, _)| *r == role)
    }
    pub fn name(&self) -> String {
        self.person.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| self.account_id.clone())
    }
}

/// What the caller provides: rules, calendar, power list, people, sequences and chains.
pub struct Env<'a> {
    pub rules: &'a CaseRules,
    pub profile: &'a ProcedureProfile,
    pub calendar: &'a Calendar,
    pub power: &'a PowerList,
    /// Every person a command may name (handlers, attendees, hearing host …).
    pub people: &'a BTreeMap<String, PersonFacts>,
    /// The last issued number of each document-number series.
    pub sequences: &'a BTreeMap<String, i64>,
    /// The unit's configured chain for an act, when it has one (else the rules' default).
    pub chains: &'a BTreeMap<ChainAct, Chain>,
    /// The enforcement subject's short name for document numbers.
    pub subject_name: &'a str,
    /// The kind of unit the enforcement subject is (bureau, street office …): a power item is
    /// exercised only at the levels the power list gives it (APL art. 24). `None`: not checked.
    pub subject_kind: Option<crate::org::OrgKind>,
    /// Fresh ids for rows this command creates.
    pub new_id: &'a (dyn Fn(&str) -> String + Sync),
}

impl Env<'_> {
    pub fn chain(&self, act: ChainAct) -> &Chain {
        self.chains.get(&act).unwrap_or_else(|| &self.rules.chains[&act])
    }
}

/// A deadline of a case, computed at its start event with the rule that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDeadline {
    pub id: String,
    pub rule: String,
    /// What it is for, zh / en.
    pub label_zh: String,
    pub label_en: String,
    pub citation: String,
    pub verified: bool,
    pub starts_at: NaiveDateTime,
    /// `YYYY-MM-DD` (end of that day) or `YYYY-MM-DDTHH:MM:SS`.
    pub due: String,
    pub explanation_zh: String,
    pub explanation_en: String,
    /// open, met, cancelled
    pub status: String,
    pub closed_at: Option<NaiveDateTime>,
    /// Pauses applied (rule, from, to) and extensions (rule, approval reference, approved on).
    #[serde(default)]
    pub pauses: Vec<(String, NaiveDate, NaiveDate)>,
    #[serde(default)]
    pub extensions: Vec<(String, String, NaiveDate)>,
    /// Changed by this command (written to case_deadlines).
    #[serde(skip)]
    pub dirty: bool,
}

impl CaseDeadline {
    pub fn due_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(self.due.get(..10).unwrap_or_default(), "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

/// A document number issued by a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedNumber {
    pub id: String,
    pub series: String,
    pub document: String,
    pub subject_code: String,
    pub type_code: String,
    pub year: i32,
    pub seq: i64,
    pub rendered: String,
    pub status: String,
    pub void_reason: Option<String>,
    pub issued_at: NaiveDateTime,
    pub voided_at: Option<NaiveDateTime>,
    /// The sequence value this number was drawn after (the expectation on the series).
    #[serde(skip)]
    pub after: Option<i64>,
    #[serde(skip)]
    pub dirty: bool,
}

/// One opinion in an approval chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub step: usize,
    pub role: Role,
    pub by_account: String,
    pub by_person: String,
    pub by_name: String,
    pub approve: bool,
    pub opinion: String,
    pub at: NaiveDateTime,
    /// A legal reviewer's checks (法制审核, seed 004 案件审理 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewChecks>,
}

/// What the legal reviewer examined (seed 004 案件审理 2; documents.md 法制审核意见书).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewChecks {
    #[serde(default)]
    pub subject_and_authority: bool,
    #[serde(default)]
    pub officer_qualification: bool,
    #[serde(default)]
    pub procedure: bool,
    #[serde(default)]
    pub facts_and_evidence: bool,
    #[serde(default)]
    pub legal_basis_and_discretion: bool,
    #[serde(default)]
    pub documents: bool,
    #[serde(default)]
    pub judiciary_transfer_needed: bool,
    /// agree | disagree | amend
    #[serde(default)]
    pub conclusion: String,
}

/// A proposal passing an approval chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub no: usize,
    pub act: ChainAct,
    pub submitted_by: String,
    pub submitted_at: NaiveDateTime,
    pub steps: Vec<Step>,
    pub chain_citation: String,
    pub opinions: Vec<Opinion>,
    /// pending, approved, rejected
    pub status: String,
    /// The act's proposal (what is being approved).
    pub proposal: serde_json::Value,
}

impl Submission {
    pub fn is_pending(&self) -> bool {
        self.status == "pending"
    }
    /// The step awaiting an opinion.
    pub fn next_step(&self) -> Option<(usize, &Step)> {
        let done = self.opinions.iter().filter(|o| o.approve).count();
        self.steps.get(done).map(|s| (done, s))
    }
}

/// The outcome proposed by the investigation report and decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Penalty,
    /// 不予行政处罚 (ground in `Proposal::no_penalty_ground`).
    NoPenalty,
    /// 移送司法机关 (APL art. 27).
    Judiciary,
}

impl Outcome {
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Penalty => "给予行政处罚",
            Outcome::NoPenalty => "不予行政处罚",
            Outcome::Judiciary => "移送司法机关",
        }
    }
}

/// Grounds of no penalty (APL art. 30–33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoPenaltyGround {
    /// 违法行为轻微并及时改正，没有造成危害后果 (art. 33 para. 1).
    Minor,
    /// 初次违法且危害后果轻微并及时改正 (art. 33 para. 1, 首违不罚 list).
    FirstOffence,
    /// 没有主观过错 (art. 33 para. 2).
    NoFault,
    /// 违法事实不能成立 (art. 57 (3)).
    NotEstablished,
    /// 不满十四周岁 (art. 30).
    UnderFourteen,
}

impl NoPenaltyGround {
    pub fn citation(self) -> &'static str {
        match self {
            NoPenaltyGround::Minor => "《行政处罚法》第三十三条第一款：违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚",
            NoPenaltyGround::FirstOffence => "《行政处罚法》第三十三条第一款：初次违法且危害后果轻微并及时改正的，可以不予行政处罚",
            NoPenaltyGround::NoFault => "《行政处罚法》第三十三条第二款：当事人有证据足以证明没有主观过错的，不予行政处罚",
            NoPenaltyGround::NotEstablished => "《行政处罚法》第五十七条第一款第（三）项：违法事实不能成立的，不予行政处罚",
            NoPenaltyGround::UnderFourteen => "《行政处罚法》第三十条：不满十四周岁的未成年人有违法行为的，不予行政处罚",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            NoPenaltyGround::Minor => "违法行为轻微并及时改正，没有造成危害后果",
            NoPenaltyGround::FirstOffence => "初次违法且危害后果轻微并及时改正（首违不罚）",
            NoPenaltyGround::NoFault => "没有主观过错",
            NoPenaltyGround::NotEstablished => "违法事实不能成立",
            NoPenaltyGround::UnderFourteen => "不满十四周岁",
        }
    }
    /// Grounds after which education is recorded (art. 33 para. 3).
    pub fn needs_education(self) -> bool {
        !matches!(self, NoPenaltyGround::NotEstablished)
    }
}

/// The investigation report's proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub outcome: Outcome,
    #[serde(default)]
    pub penalties: Vec<PenaltyType>,
    /// Fine in yuan.
    #[serde(default)]
    pub fine_yuan: Option<i64>,
    /// Value of confiscated gains or property, yuan.
    #[serde(default)]
    pub confiscation_yuan: Option<i64>,
    #[serde(default)]
    pub no_penalty_ground: Option<NoPenaltyGround>,
    /// Education given (art. 33 para. 3), required for exempt cases.
    #[serde(default)]
    pub education: Option<String>,
    /// Written reason for a fine outside the benchmark's range (APL art. 34).
    #[serde(default)]
    pub reason_outside_range: Option<String>,
    /// An order to correct alongside (APL art. 28).
    #[serde(default)]
    pub order_to_correct: Option<String>,
    /// The body the case goes to when transferred to the judiciary.
    #[serde(default)]
    pub receiving_body: Option<String>,
}

/// 案件调查终结报告.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub findings: String,
    pub evidence_summary: String,
    pub provisions: String,
    pub facts: discretion::Facts,
    pub proposal: Proposal,
    pub assessment: Option<Assessment>,
    pub amount_check: Option<discretion::AmountCheck>,
    pub submitted_by: String,
    pub submitted_at: NaiveDateTime,
}

/// 事先告知.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub number: String,
    pub served_on: NaiveDate,
    pub method: String,
    pub hearing_right: bool,
    pub statement_due: NaiveDate,
    pub hearing_request_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub on: NaiveDate,
    pub content: String,
    pub accepted: bool,
    pub reasons: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    pub requested_on: NaiveDate,
    pub at: Option<NaiveDateTime>,
    pub place: Option<String>,
    pub host: Option<String>,
    pub members: Vec<String>,
    pub recorder: Option<String>,
    pub public: bool,
    pub notice_number: Option<String>,
    pub notice_served_on: Option<NaiveDate>,
    /// held, waived (absent or left without reason)
    pub result: Option<String>,
    pub transcript: Option<String>,
    pub host_opinion: Option<String>,
    #[serde(default)]
    pub agents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discussion {
    pub held_on: NaiveDate,
    pub chair: String,
    pub attendees: Vec<String>,
    pub recorder: String,
    pub opinions: String,
    pub conclusion: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub person_id: String,
    /// party | self
    pub applicant: String,
    pub reason: String,
    pub requested_at: NaiveDateTime,
    /// pending, accepted, rejected
    pub status: String,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    pub act: u32,
    pub kind: String,
    pub title: String,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preservation {
    pub submission: usize,
    pub items: Vec<Item>,
    pub place: String,
    pub reason: String,
    pub number: Option<String>,
    pub deadline_id: Option<String>,
    /// requested, approved, rejected, decided
    pub status: String,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub name: String,
    #[serde(default)]
    pub specification: String,
    pub quantity: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assistance {
    pub department: String,
    pub request: String,
    pub sent_on: NaiveDate,
    pub number: Option<String>,
    pub answer: Option<String>,
    pub received_on: Option<NaiveDate>,
}

/// 送达地址确认书.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressConfirmation {
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub electronic_consent: bool,
    #[serde(default)]
    pub electronic_address: String,
    pub signed_on: NaiveDate,
}

/// The decision (APL art. 59) as structured data for the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub number: String,
    pub decided_on: NaiveDate,
    pub decided_by: String,
    pub proposal: Proposal,
    pub facts: String,
    pub basis: Vec<String>,
    pub tier: Option<String>,
    pub payment: Option<String>,
    /// 复议 / 诉讼 with their periods and citations.
    pub remedies: Vec<Remedy>,
    pub reasoned_text: Option<String>,
    pub answers_to_statement: Option<String>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedy {
    pub kind: String,
    pub period: String,
    pub citation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMethod {
    InPerson,
    LeftAtAddress,
    Post,
    Entrusted,
    Forwarded,
    Electronic,
    PublicNotice,
}

impl ServiceMethod {
    pub fn zh(self) -> &'static str {
        match self {
            ServiceMethod::InPerson => "直接送达",
            ServiceMethod::LeftAtAddress => "留置送达",
            ServiceMethod::Post => "邮寄送达",
            ServiceMethod::Entrusted => "委托送达",
            ServiceMethod::Forwarded => "转交送达",
            ServiceMethod::Electronic => "电子送达",
            ServiceMethod::PublicNotice => "公告送达",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub method: ServiceMethod,
    pub served_at: NaiveDateTime,
    /// When service takes effect (public notice: 30 days after publication).
    pub effective_on: NaiveDate,
    pub recipient: String,
    pub place: String,
    pub witness: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub rule: String,
    pub reason: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// The case aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub version: i64,
    pub unit_id: String,
    pub subject_unit_id: String,
    pub state: State,
    pub source: Source,
    pub source_ref: Option<String>,
    /// Personal (the complainant): its own sealed columns, not in `data`.
    #[serde(skip)]
    pub informant: Option<Informant>,
    pub lead_on: NaiveDate,
    pub registered_at: NaiveDateTime,
    pub registered_by: String,
    pub content: String,
    pub title: String,
    /// Personal: stored in columns of its own, not in `data`.
    #[serde(skip)]
    pub party: Party,
    pub party_kind: Option<PartyKind>,
    pub party_details: BTreeMap<String, String>,
    pub cause_code: Option<String>,
    pub cause_name: Option<String>,
    pub violation_on: Option<NaiveDate>,
    pub violation_ended_on: Option<NaiveDate>,
    pub extended_limitation: bool,
    pub limitation_until: Option<NaiveDate>,
    pub handlers: Vec<String>,
    pub check_finding: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub report: Option<Report>,
    pub major_grounds: Vec<String>,
    pub complex: bool,
    pub hearing_right: bool,
    pub notice: Option<Notice>,
    pub statements: Vec<Statement>,
    pub waiver: Option<NaiveDate>,
    pub hearing: Option<Hearing>,
    pub discussions: Vec<Discussion>,
    pub submissions: Vec<Submission>,
    pub recusals: Vec<Recusal>,
    pub evidence: Vec<EvidenceRef>,
    pub preservations: Vec<Preservation>,
    pub assistance: Vec<Assistance>,
    pub address: Option<AddressConfirmation>,
    pub decision: Option<Decision>,
    pub service: Option<Service>,
    pub suspension: Option<Suspension>,
    pub informant_told: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub deadlines: Vec<CaseDeadline>,
    pub numbers: Vec<IssuedNumber>,
    /// Payments, enforcement, remedies, disclosure, closing and archive (execution.rs).
    #[serde(default)]
    pub execution: Execution,
    /// general, or simple (当场处罚, simple.rs).
    #[serde(default)]
    pub procedure: Procedure,
    #[serde(default)]
    pub on_the_spot: Option<simple::OnTheSpotRecord>,
    pub acts: u32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Case {
    pub fn is_major(&self) -> bool {
        !self.major_grounds.is_empty()
    }
    pub fn pending(&self) -> Option<&Submission> {
        self.submissions.iter().rev().find(|s| s.is_pending())
    }
    pub fn deadline(&self, rule: &str) -> Option<&CaseDeadline> {
        self.deadlines.iter().rev().find(|d| d.rule == rule)
    }
    pub fn number_of(&self, document: &str) -> Option<&IssuedNumber> {
        self.numbers.iter().rev().find(|n| n.document == document && n.status == "issued")
    }
    /// Persons who reviewed the case as legal reviewers (any submission).
    pub fn legal_reviewers(&self) -> Vec<String> {
        self.submissions.iter().flat_map(|s| s.opinions.iter()).filter(|o| o.role == Role::LegalReviewer).map(|o| o.by_person.clone()).collect()
    }
}

/// What a command produces: the new case, the act (its kind and data for the timeline and the
/// documents) and warnings the caller shows (never a reason to refuse).
#[derive(Debug, Clone)]
pub struct Decided {
    pub case: Case,
    pub act_kind: String,
    pub act_data: serde_json::Value,
    pub files: Vec<String>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

/// The gate the case stands at and what is missing to pass it (for the case page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    pub zh: String,
    pub en: String,
    pub missing: Vec<Warning>,
}

pub use machine::{current_gate, Command, EvidenceInput, Registration};
