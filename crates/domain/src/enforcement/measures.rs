//! 查封 / 扣押 (ACL art. 18–28): only where the case's power item authorises the measure (art.
//! 22); prior approval by the head, or in an emergency a report within 24 hours and release if not
//! approved (art. 19); two officers, the party notified or a witness, the decision and the list in
//! duplicate (art. 18, 24); 30 days, extendable once by 30 with approval and written notice,
//! testing time excluded (art. 25); every item in the custody log until it is returned,
//! confiscated or destroyed (art. 26–28; seed 004 调查取证 2).

use super::*;
use crate::power::MeasureKind;

pub const ACL_19: &str = "《行政强制法》第十九条：情况紧急，需要当场实施行政强制措施的，行政执法人员应当在二十四小时内向行政机关负责人报告，并补办批准手续。行政机关负责人认为不应当采取行政强制措施的，应当立即解除";
pub const ACL_18_1: &str = "《行政强制法》第十八条第（一）项：实施前须向行政机关负责人报告并经批准";
pub const ACL_18_4: &str = "《行政强制法》第十八条第（四）项、第（九）项：通知当事人到场；当事人不到场的，邀请见证人到场";
pub const ACL_22: &str = "《行政强制法》第二十二条：查封、扣押应当由法律、法规规定的行政机关实施，其他任何行政机关或者组织不得实施";
pub const ACL_23: &str = "《行政强制法》第二十三条：查封、扣押限于涉案的场所、设施或者财物";
pub const ACL_24: &str = "《行政强制法》第二十四条：制作并当场交付查封、扣押决定书和清单；查封、扣押清单一式二份，由当事人和行政机关分别保存";
pub const ACL_25_2: &str = "《行政强制法》第二十五条第二款：延长查封、扣押的决定应当及时书面告知当事人，并说明理由";
pub const ACL_25_3: &str = "《行政强制法》第二十五条第三款：检测、检验、检疫或者技术鉴定的期间应当明确，并书面告知当事人";
pub const ACL_26: &str = "《行政强制法》第二十六条：对查封、扣押的场所、设施或者财物，行政机关应当妥善保管，不得使用或者损毁";
pub const ACL_27_28: &str = "《行政强制法》第二十七条、第二十八条：在第二十五条规定的期限内作出处理决定（没收、销毁或者解除查封、扣押并立即退还财物）";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureType {
    /// 查封
    SealUp,
    /// 扣押
    Seizure,
}

impl MeasureType {
    pub fn power_kind(self) -> MeasureKind {
        match self {
            MeasureType::SealUp => MeasureKind::Sealing,
            MeasureType::Seizure => MeasureKind::Seizure,
        }
    }
    pub fn zh(self) -> &'static str {
        self.power_kind().zh()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureState {
    /// Taken in an emergency; the head's approval (report) is due within 24 hours.
    AwaitingReport,
    /// In force, within its period.
    Active,
    /// Lifted (released, approval refused, or the period ended): items to be returned.
    Released,
    /// Every item accounted for (returned, confiscated or destroyed): closed.
    Closed,
}

impl MeasureState {
    pub fn code(self) -> &'static str {
        match self {
            MeasureState::AwaitingReport => "awaiting_report",
            MeasureState::Active => "active",
            MeasureState::Released => "released",
            MeasureState::Closed => "closed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            MeasureState::AwaitingReport => "紧急实施，待报告补批",
            MeasureState::Active => "实施中",
            MeasureState::Released => "已解除，待退还",
            MeasureState::Closed => "已处理完毕",
        }
    }
}

/// What happened to an item in custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustodyEvent {
    /// 入库/就地封存: taken into custody.
    Received,
    /// 移交/移库: moved or handed to another holder.
    Moved,
    /// 盘点/查验: checked.
    Checked,
    /// 退还: returned to the party.
    Returned,
    /// 没收: confiscated.
    Confiscated,
    /// 销毁: destroyed under a law.
    Destroyed,
}

impl CustodyEvent {
    pub fn is_final(self) -> bool {
        matches!(self, CustodyEvent::Returned | CustodyEvent::Confiscated | CustodyEvent::Destroyed)
    }
    pub fn zh(self) -> &'static str {
        match self {
            CustodyEvent::Received => "入库保管",
            CustodyEvent::Moved => "移交",
            CustodyEvent::Checked => "查验",
            CustodyEvent::Returned => "退还",
            CustodyEvent::Confiscated => "没收",
            CustodyEvent::Destroyed => "销毁",
        }
    }
}

/// One custody-log entry: where the item is, who holds it, its condition, photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntry {
    pub event: CustodyEvent,
    pub at: NaiveDateTime,
    pub location: String,
    pub holder: String,
    pub condition: String,
    /// SHA-256 of the photos in the evidence store.
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub by_account: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub n: u32,
    pub name: String,
    pub quantity: String,
    pub custody: Vec<CustodyEntry>,
}

impl Item {
    pub fn last(&self) -> Option<&CustodyEntry> {
        self.custody.last()
    }
    pub fn accounted_for(&self) -> bool {
        self.last().is_some_and(|e| e.event.is_final())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    pub approved: bool,
    pub by_account: String,
    #[serde(default)]
    pub by_person: Option<String>,
    pub at: NaiveDateTime,
    pub reference: String,
    #[serde(default)]
    pub opinion: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub approval: ApprovalRecord,
    pub days: i64,
    pub reason: String,
    pub notice_served_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestingPause {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub notified_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    #[serde(flatten)]
    pub head: Head,
    pub kind: MeasureType,
    pub item_code: String,
    /// The words of the power item authorising it (ACL art. 22).
    pub authorised_by: String,
    pub emergency: bool,
    pub officers: Vec<String>,
    pub started_at: NaiveDateTime,
    pub place: String,
    pub reason: String,
    pub party_present: bool,
    #[serde(default)]
    pub witness: Option<String>,
    /// 查封（扣押）决定书 reference.
    pub decision_ref: String,
    /// The list in duplicate: the party's copy delivered (or refused and noted).
    pub list_delivered: bool,
    #[serde(default)]
    pub approval: Option<ApprovalRecord>,
    /// Emergency: the report (and approval) is due by then (ACL art. 19).
    #[serde(default)]
    pub report_due: Option<DueInfo>,
    pub deadline: DueInfo,
    #[serde(default)]
    pub extension: Option<Extension>,
    #[serde(default)]
    pub pauses: Vec<TestingPause>,
    pub items: Vec<Item>,
    pub state: MeasureState,
    #[serde(default)]
    pub released_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub release_reason: Option<String>,
}

impl Record for Measure {
    const KIND: &'static str = "compulsory_measure";
    fn head(&self) -> &Head {
        &self.head
    }
    fn head_mut(&mut self) -> &mut Head {
        &mut self.head
    }
    fn state_code(&self) -> &'static str {
        self.state.code()
    }
    fn due(&self) -> Option<String> {
        match self.state {
            MeasureState::AwaitingReport => self.report_due.as_ref().map(|d| d.due.clone()),
            MeasureState::Active => Some(self.deadline.due.clone()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub name: String,
    pub quantity: String,
    pub condition: String,
    pub location: String,
    pub holder: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImposeMeasure {
    pub case_id: String,
    pub kind: MeasureType,
    #[serde(default)]
    pub emergency: bool,
    /// Prior approval (not an emergency): the approval document's reference; the approver is the
    /// caller when they hold the head's power, else `approved_by` must be such a person.
    #[serde(default)]
    pub approval_reference: Option<String>,
    pub officers: Vec<String>,
    pub place: String,
    pub reason: String,
    #[serde(default)]
    pub party_present: bool,
    #[serde(default)]
    pub witness: Option<String>,
    pub decision_ref: String,
    #[serde(default)]
    pub list_delivered: bool,
    pub items: Vec<ItemInput>,
}

/// What the caller read about the case the measure belongs to.
pub struct CaseFacts {
    pub unit_id: String,
    pub cause_code: Option<String>,
    pub party: Party,
}

fn period(env: &Env, m: &Measure) -> Result<Deadline, Refusal> {
    let mut d = deadline::deadline(env.calendar, None, rule(env, "acl.seizure_period")?, m.started_at).map_err(dl_err)?;
    for p in &m.pauses {
        d = d.pause(env.calendar, rule(env, "acl.seizure_testing_pause")?, p.from, p.to).map_err(|e| {
            refuse(
                "enforcement.measure.pause_invalid",
                format!("检测鉴定期间无效: {e}"),
                format!("invalid testing period: {e}"),
                cited(env, "acl.seizure_testing_pause"),
            )
        })?;
    }
    if let Some(x) = &m.extension {
        let approval =
            deadline::Approval { approved_by: x.approval.by_account.clone(), approved_on: x.approval.at.date(), reference: x.approval.reference.clone() };
        d = d.extend(env.calendar, rule(env, "acl.seizure_extension")?, approval).map_err(|e| {
            refuse("enforcement.measure.extension_refused", format!("不能延长: {e}"), format!("cannot extend: {e}"), cited(env, "acl.seizure_extension"))
        })?;
    }
    Ok(d)
}

/// Takes the measure: authorised by the case's power item, two certified officers, the party
/// present or a witness, the decision and list delivered, approved beforehand unless an emergency.
pub fn impose(id: &str, input: ImposeMeasure, case: &CaseFacts, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    let code = case.cause_code.clone().ok_or_else(|| {
        refuse(
            "enforcement.measure.not_authorised",
            "案件尚未确定违法行为（权责事项），无权实施查封、扣押",
            "the case has no power item yet: no measure is authorised",
            ACL_22,
        )
    })?;
    let item = env
        .power
        .item(&code, now.date())
        .ok_or_else(|| bad("enforcement.measure.unknown_item", format!("权责清单中没有事项 {code}"), format!("no power item {code}")))?;
    let Some(authority) = item.measures.iter().find(|m| m.kind == input.kind.power_kind()) else {
        return Err(refuse(
            "enforcement.measure.not_authorised",
            format!("权责事项 {code}（{}）未授权{}", item.name, input.kind.zh()),
            format!("power item {code} does not authorise {:?}", input.kind),
            ACL_22,
        ));
    };
    if input.items.is_empty() {
        return Err(refuse(
            "enforcement.measure.no_items",
            "查封、扣押须列明场所、设施或者财物",
            "the measure must list the places, facilities or property",
            ACL_23,
        ));
    }
    check_officers(env, &input.officers, now.date())?;
    if !input.party_present && input.witness.as_deref().is_none_or(|w| w.trim().is_empty()) {
        return Err(refuse(
            "enforcement.measure.no_party_or_witness",
            "当事人不到场的，应当邀请见证人到场",
            "the party must be present, or a witness invited",
            ACL_18_4,
        ));
    }
    require_text("decision_ref", &input.decision_ref)?;
    if !input.list_delivered {
        return Err(refuse(
            "enforcement.measure.list_not_delivered",
            "应当当场交付查封、扣押决定书和清单（一式二份）",
            "the decision and the list (in duplicate) must be delivered on the spot",
            ACL_24,
        ));
    }
    let approval = if input.emergency {
        None
    } else {
        require_approver(actor, "实施查封、扣押", "a compulsory measure", ACL_18_1)?;
        let reference = input.approval_reference.clone().filter(|r| !r.trim().is_empty()).ok_or_else(|| {
            refuse(
                "enforcement.measure.no_approval",
                "非紧急情况，实施前须经行政机关负责人批准（请填写审批文号）",
                "outside an emergency the head's prior approval is required",
                ACL_18_1,
            )
        })?;
        Some(ApprovalRecord {
            approved: true,
            by_account: actor.account_id.clone(),
            by_person: actor.person_id.clone(),
            at: now,
            reference,
            opinion: String::new(),
        })
    };
    for (i, it) in input.items.iter().enumerate() {
        for (f, v) in [("name", &it.name), ("quantity", &it.quantity), ("condition", &it.condition), ("location", &it.location), ("holder", &it.holder)] {
            if v.trim().is_empty() {
                return Err(refuse(
                    "enforcement.custody.incomplete",
                    format!("第{}项财物缺少保管记录项 {f}（存放地点、保管人、状况）", i + 1),
                    format!("item {} lacks {f} (location, holder and condition are required)", i + 1),
                    ACL_26,
                ));
            }
        }
    }
    let items = input
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| Item {
            n: i as u32 + 1,
            name: it.name.clone(),
            quantity: it.quantity.clone(),
            custody: vec![CustodyEntry {
                event: CustodyEvent::Received,
                at: now,
                location: it.location.clone(),
                holder: it.holder.clone(),
                condition: it.condition.clone(),
                photos: it.photos.clone(),
                note: String::new(),
                by_account: actor.account_id.clone(),
            }],
        })
        .collect();
    let report_due = if input.emergency {
        let d = deadline::deadline(env.calendar, None, rule(env, "acl.emergency_report")?, now).map_err(dl_err)?;
        Some(DueInfo::of(&d))
    } else {
        None
    };
    let mut m = Measure {
        head: Head::new(id, &case.unit_id, Some(input.case_id.clone()), None, case.party.clone(), now),
        kind: input.kind,
        item_code: code,
        authorised_by: authority.words.clone(),
        emergency: input.emergency,
        officers: input.officers,
        started_at: now,
        place: input.place,
        reason: input.reason,
        party_present: input.party_present,
        witness: input.witness,
        decision_ref: input.decision_ref,
        list_delivered: true,
        approval,
        report_due,
        deadline: DueInfo {
            rule: String::new(),
            citation: String::new(),
            verified: true,
            due: String::new(),
            explanation_zh: String::new(),
            explanation_en: String::new(),
        },
        extension: None,
        pauses: Vec::new(),
        items,
        state: if input.emergency { MeasureState::AwaitingReport } else { MeasureState::Active },
        released_at: None,
        release_reason: None,
    };
    m.deadline = DueInfo::of(&period(env, &m)?);
    m.head.act(if m.emergency { "impose_emergency" } else { "impose" }, actor, now, format!("{}，期限至{}", m.kind.zh(), m.deadline.due));
    Ok(m)
}

fn report_overdue(m: &Measure, now: NaiveDateTime) -> bool {
    m.state == MeasureState::AwaitingReport && m.report_due.as_ref().is_some_and(|d| d.is_overdue(now))
}

fn refuse_unreported(m: &Measure, now: NaiveDateTime) -> Result<(), Refusal> {
    if report_overdue(m, now) {
        return Err(refuse(
            "enforcement.measure.emergency_unreported",
            format!(
                "紧急实施的{}未在二十四小时内（{}前）报告负责人并补办批准手续，只能立即解除",
                m.kind.zh(),
                m.report_due.as_ref().map(|d| d.due.as_str()).unwrap_or("")
            ),
            "the emergency measure was not reported to the head within 24 hours: it can only be released",
            m.report_due.as_ref().map(|d| d.citation.clone()).unwrap_or_else(|| ACL_19.to_owned()),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDecision {
    pub approved: bool,
    pub reference: String,
    #[serde(default)]
    pub opinion: String,
}

/// The head's decision on an emergency measure (ACL art. 19): within 24 hours; not approved →
/// released at once.
pub fn report(m: &Measure, input: ReportDecision, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    if m.state != MeasureState::AwaitingReport {
        return Err(bad("enforcement.measure.not_awaiting_report", "该措施无需补办批准", "the measure awaits no report"));
    }
    refuse_unreported(m, now)?;
    require_approver(actor, "补办批准", "the approval of an emergency measure", ACL_19)?;
    require_text("reference", &input.reference)?;
    let mut n = m.clone();
    n.approval = Some(ApprovalRecord {
        approved: input.approved,
        by_account: actor.account_id.clone(),
        by_person: actor.person_id.clone(),
        at: now,
        reference: input.reference,
        opinion: input.opinion.clone(),
    });
    if input.approved {
        n.state = MeasureState::Active;
        n.head.act("report_approved", actor, now, input.opinion);
    } else {
        n.state = MeasureState::Released;
        n.released_at = Some(now);
        n.release_reason = Some("负责人认为不应当采取，立即解除（行政强制法第十九条）".into());
        n.head.act("report_refused_release", actor, now, input.opinion);
    }
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extend {
    /// Days asked for: at most the rule's extension (30).
    pub days: i64,
    pub reason: String,
    pub reference: String,
    /// The written notice to the party (ACL art. 25 para. 2).
    pub notice_served_on: NaiveDate,
}

/// Extends the period once, by at most 30 days, with the head's approval and written notice.
pub fn extend(m: &Measure, input: Extend, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    refuse_unreported(m, now)?;
    if m.state != MeasureState::Active {
        return Err(bad("enforcement.measure.not_active", "措施不在实施中", "the measure is not in force"));
    }
    let max = value_of(env, "acl.seizure_extension")?;
    if m.extension.is_some() || input.days > max || input.days <= 0 {
        return Err(refuse(
            "enforcement.measure.extension_exceeded",
            format!("查封、扣押期限只能延长一次，且延长期限不得超过{max}日"),
            format!("the period may be extended once, by at most {max} days"),
            cited(env, "acl.seizure_extension"),
        ));
    }
    if m.deadline.is_overdue(now) {
        return Err(refuse(
            "enforcement.measure.expired",
            format!("期限已于{}届满，应当解除", m.deadline.due),
            format!("the period ended on {}: the measure must be lifted", m.deadline.due),
            cited(env, "acl.seizure_period"),
        ));
    }
    require_approver(actor, "延长查封、扣押期限", "an extension", &cited(env, "acl.seizure_extension"))?;
    require_text("reason", &input.reason)?;
    require_text("reference", &input.reference)?;
    if input.notice_served_on < m.started_at.date() || input.notice_served_on > now.date() {
        return Err(refuse(
            "enforcement.measure.no_written_notice",
            "延长决定应当及时书面告知当事人",
            "the party must be told of the extension in writing",
            ACL_25_2,
        ));
    }
    let mut n = m.clone();
    n.extension = Some(Extension {
        approval: ApprovalRecord {
            approved: true,
            by_account: actor.account_id.clone(),
            by_person: actor.person_id.clone(),
            at: now,
            reference: input.reference,
            opinion: String::new(),
        },
        days: input.days,
        reason: input.reason.clone(),
        notice_served_on: input.notice_served_on,
    });
    n.deadline = DueInfo::of(&period(env, &n)?);
    n.head.act("extend", actor, now, format!("延长{}日至{}：{}", input.days, n.deadline.due, input.reason));
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub notified_on: NaiveDate,
}

/// Testing or appraisal time, not counted (ACL art. 25 para. 3), told to the party in writing.
pub fn pause(m: &Measure, input: Pause, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    refuse_unreported(m, now)?;
    if m.state != MeasureState::Active {
        return Err(bad("enforcement.measure.not_active", "措施不在实施中", "the measure is not in force"));
    }
    require_text("reason", &input.reason)?;
    if input.notified_on > now.date() {
        return Err(refuse(
            "enforcement.measure.no_written_notice",
            "检测、鉴定期间应当书面告知当事人",
            "the testing period must be told to the party in writing",
            ACL_25_3,
        ));
    }
    let mut n = m.clone();
    n.pauses.push(TestingPause { from: input.from, to: input.to, reason: input.reason.clone(), notified_on: input.notified_on });
    n.deadline = DueInfo::of(&period(env, &n)?);
    n.head.act("pause", actor, now, format!("{}至{}不计入：{}", input.from, input.to, input.reason));
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custody {
    pub item: u32,
    pub event: CustodyEvent,
    pub location: String,
    pub holder: String,
    pub condition: String,
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// One custody-log entry for an item. Every entry names where the item is, who holds it and its
/// condition; an item returned, confiscated or destroyed takes no further entry. Returning is the
/// only final event while the measure is in force (confiscation and destruction are the outcome,
/// `conclude`). Allowed even when the emergency report is overdue: the log is never interrupted.
pub fn custody(m: &Measure, input: Custody, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    if m.state == MeasureState::Closed {
        return Err(bad("enforcement.measure.closed", "措施已处理完毕", "the measure is closed"));
    }
    let mut n = m.clone();
    let item = n
        .items
        .iter_mut()
        .find(|i| i.n == input.item)
        .ok_or_else(|| bad("enforcement.custody.no_item", format!("没有第{}项财物", input.item), format!("no item {}", input.item)))?;
    if item.accounted_for() {
        return Err(refuse(
            "enforcement.custody.final",
            format!("第{}项财物已{}，不能再记录", item.n, item.last().map(|e| e.event.zh()).unwrap_or("")),
            "the item has left custody",
            ACL_26,
        ));
    }
    for (f, v) in [("location", &input.location), ("holder", &input.holder), ("condition", &input.condition)] {
        if v.trim().is_empty() {
            return Err(refuse(
                "enforcement.custody.incomplete",
                format!("保管记录缺少 {f}（存放地点、保管人、状况均须记录）"),
                format!("the custody entry lacks {f} (location, holder and condition)"),
                ACL_26,
            ));
        }
    }
    if matches!(input.event, CustodyEvent::Confiscated | CustodyEvent::Destroyed | CustodyEvent::Received) {
        return Err(bad(
            "enforcement.custody.event",
            "没收、销毁通过处理决定记录；入库在实施时记录",
            "confiscation and destruction are recorded by the decision (conclude); receipt when the measure is taken",
        ));
    }
    item.custody.push(CustodyEntry {
        event: input.event,
        at: now,
        location: input.location,
        holder: input.holder,
        condition: input.condition,
        photos: input.photos,
        note: input.note.clone(),
        by_account: actor.account_id.clone(),
    });
    let label = format!("第{}项 {}：{}", item.n, item.name, input.event.zh());
    n.head.act("custody", actor, now, label);
    Ok(n)
}

/// Items not accounted for: no custody entry, an entry lacking location, holder or condition,
/// or (for a closing measure) no final entry. Empty = the log is complete.
pub fn custody_gaps(m: &Measure, closing: bool) -> Vec<String> {
    let mut out = Vec::new();
    for i in &m.items {
        if i.custody.is_empty() || i.custody[0].event != CustodyEvent::Received {
            out.push(format!("第{}项 {}：无入库记录", i.n, i.name));
        }
        if i.custody.iter().any(|e| e.location.trim().is_empty() || e.holder.trim().is_empty() || e.condition.trim().is_empty()) {
            out.push(format!("第{}项 {}：记录缺少地点、保管人或状况", i.n, i.name));
        }
        if closing && !i.accounted_for() {
            out.push(format!("第{}项 {}：未退还、没收或销毁", i.n, i.name));
        }
    }
    out
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub reason: String,
}

/// Lifts the measure (ACL art. 28): the items are then to be returned (custody `returned`).
pub fn release(m: &Measure, input: Release, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    if !matches!(m.state, MeasureState::Active | MeasureState::AwaitingReport) {
        return Err(bad("enforcement.measure.not_active", "措施不在实施中", "the measure is not in force"));
    }
    require_text("reason", &input.reason)?;
    let mut n = m.clone();
    n.state = MeasureState::Released;
    n.released_at = Some(now);
    n.release_reason = Some(input.reason.clone());
    if n.items.iter().all(Item::accounted_for) {
        n.state = MeasureState::Closed;
    }
    n.head.act("release", actor, now, input.reason);
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub item: u32,
    /// returned | confiscated | destroyed
    pub event: CustodyEvent,
    pub location: String,
    pub holder: String,
    pub condition: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conclude {
    /// 处理决定 reference (ACL art. 27).
    pub decision_ref: String,
    pub outcomes: Vec<Outcome>,
}

/// The decision on the property (ACL art. 27): every item not yet accounted for gets its final
/// entry; the measure closes only when the custody log is complete.
pub fn conclude(m: &Measure, input: Conclude, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Measure, Refusal> {
    refuse_unreported(m, now)?;
    if m.state == MeasureState::Closed {
        return Err(bad("enforcement.measure.closed", "措施已处理完毕", "the measure is closed"));
    }
    require_text("decision_ref", &input.decision_ref)?;
    let mut n = m.clone();
    for o in &input.outcomes {
        if !o.event.is_final() {
            return Err(bad("enforcement.custody.event", "处理结果应为退还、没收或销毁", "an outcome is returned, confiscated or destroyed"));
        }
        let item = n
            .items
            .iter_mut()
            .find(|i| i.n == o.item)
            .ok_or_else(|| bad("enforcement.custody.no_item", format!("没有第{}项财物", o.item), format!("no item {}", o.item)))?;
        if item.accounted_for() {
            return Err(refuse("enforcement.custody.final", format!("第{}项财物已处理", item.n), "the item has left custody", ACL_26));
        }
        if [&o.location, &o.holder, &o.condition].iter().any(|v| v.trim().is_empty()) {
            return Err(refuse(
                "enforcement.custody.incomplete",
                "处理记录须载明地点、经手人和状况",
                "the outcome must state location, holder and condition",
                ACL_26,
            ));
        }
        item.custody.push(CustodyEntry {
            event: o.event,
            at: now,
            location: o.location.clone(),
            holder: o.holder.clone(),
            condition: o.condition.clone(),
            photos: o.photos.clone(),
            note: input.decision_ref.clone(),
            by_account: actor.account_id.clone(),
        });
    }
    let gaps = custody_gaps(&n, true);
    if !gaps.is_empty() {
        return Err(refuse(
            "enforcement.custody.incomplete",
            format!("保管记录不完整，不能结束：{}", gaps.join("；")),
            format!("the custody log is incomplete: {} item(s) unaccounted for", gaps.len()),
            format!("{ACL_26}；{ACL_27_28}"),
        ));
    }
    n.state = MeasureState::Closed;
    if n.released_at.is_none() {
        n.released_at = Some(now);
    }
    n.head.act("conclude", actor, now, input.decision_ref);
    Ok(n)
}
