//! 限期拆除 / 强制拆除 (ACL art. 44): a demolition order with its deadline and a public notice;
//! forced demolition only after the party failed to demolish and did not apply for review or sue
//! within the periods (or lost); the act carries its plan, continuous video and cost record.

use super::*;

pub const ACL_44: &str = "《行政强制法》第四十四条：对违法的建筑物、构筑物、设施等需要强制拆除的，应当由行政机关予以公告，限期当事人自行拆除。当事人在法定期限内不申请行政复议或者提起行政诉讼，又不拆除的，行政机关可以依法强制拆除";
pub const VIDEO: &str = "国办发〔2018〕118号（执法全过程记录：强制拆除等直接涉及重大财产权益的现场执法活动全程音像记录）（未核实 unverified）";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Ordered and announced: the party's own period and the remedy periods run.
    Ordered,
    /// The party applied for review or sued: forced demolition waits for the result.
    RemedyPending,
    /// The party demolished it: closed.
    SelfDemolished,
    /// Forcibly demolished: closed.
    ForceDemolished,
    /// The order was set aside (the party won): closed.
    Revoked,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Ordered, Stage::RemedyPending, Stage::SelfDemolished, Stage::ForceDemolished, Stage::Revoked];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Ordered => "ordered",
            Stage::RemedyPending => "remedy_pending",
            Stage::SelfDemolished => "self_demolished",
            Stage::ForceDemolished => "force_demolished",
            Stage::Revoked => "revoked",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Stage::Ordered => "已公告限期拆除",
            Stage::RemedyPending => "复议/诉讼中",
            Stage::SelfDemolished => "当事人已自行拆除",
            Stage::ForceDemolished => "已强制拆除",
            Stage::Revoked => "决定被撤销",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedy {
    /// review | lawsuit
    pub kind: String,
    pub filed_on: NaiveDate,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub party_lost: Option<bool>,
    #[serde(default)]
    pub concluded_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forced {
    pub at: NaiveDateTime,
    pub plan: String,
    /// SHA-256 of the continuous video files in the evidence store.
    pub video: Vec<String>,
    /// Cost in fen.
    pub cost_fen: i64,
    pub cost_note: String,
    pub officers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demolition {
    #[serde(flatten)]
    pub head: Head,
    pub structure: String,
    pub location: String,
    /// 限期拆除决定书 reference.
    pub order_ref: String,
    /// Served on the party (the remedy periods run from here).
    pub served_on: NaiveDate,
    /// 公告: where and when announced.
    pub notice_published_on: NaiveDate,
    pub notice_place: String,
    /// The party's own period.
    pub self_deadline: DueInfo,
    pub review_deadline: DueInfo,
    pub lawsuit_deadline: DueInfo,
    #[serde(default)]
    pub remedies: Vec<Remedy>,
    pub stage: Stage,
    #[serde(default)]
    pub forced: Option<Forced>,
}

impl Record for Demolition {
    const KIND: &'static str = "demolition";
    fn head(&self) -> &Head {
        &self.head
    }
    fn head_mut(&mut self) -> &mut Head {
        &mut self.head
    }
    fn state_code(&self) -> &'static str {
        self.stage.code()
    }
    fn due(&self) -> Option<String> {
        (self.stage == Stage::Ordered).then(|| self.self_deadline.due.clone())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderDemolition {
    /// The case's unit (the service sets it from the case).
    #[serde(default)]
    pub unit_id: String,
    pub case_id: String,
    #[serde(default)]
    pub party: Party,
    pub structure: String,
    pub location: String,
    pub order_ref: String,
    pub served_on: NaiveDate,
    pub notice_published_on: NaiveDate,
    pub notice_place: String,
}

/// The demolition order with its public notice: the party's period and both remedy periods.
pub fn order(id: &str, input: OrderDemolition, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Demolition, Refusal> {
    for (f, v) in [("structure", &input.structure), ("location", &input.location), ("order_ref", &input.order_ref), ("notice_place", &input.notice_place)] {
        require_text(f, v)?;
    }
    if input.notice_published_on > now.date() || input.served_on > now.date() {
        return Err(refuse("enforcement.demolition.no_notice", "应当先予公告并送达限期拆除决定", "the order must be announced and served first", ACL_44));
    }
    let start = input.served_on.max(input.notice_published_on).and_time(chrono::NaiveTime::MIN);
    let served = input.served_on.and_time(chrono::NaiveTime::MIN);
    let own = deadline::deadline(env.calendar, None, rule(env, "local.demolition_self_period")?, start).map_err(dl_err)?;
    let review = deadline::deadline(env.calendar, None, rule(env, "review.application_period")?, served).map_err(dl_err)?;
    let lawsuit = deadline::deadline(env.calendar, None, rule(env, "litigation.filing_period")?, served).map_err(dl_err)?;
    let mut d = Demolition {
        head: Head::new(id, &input.unit_id, Some(input.case_id), None, input.party, now),
        structure: input.structure,
        location: input.location,
        order_ref: input.order_ref,
        served_on: input.served_on,
        notice_published_on: input.notice_published_on,
        notice_place: input.notice_place,
        self_deadline: DueInfo::of(&own),
        review_deadline: DueInfo::of(&review),
        lawsuit_deadline: DueInfo::of(&lawsuit),
        remedies: Vec::new(),
        stage: Stage::Ordered,
        forced: None,
    };
    d.head.act("order", actor, now, format!("限期{}前自行拆除", d.self_deadline.due));
    Ok(d)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRemedy {
    /// review | lawsuit
    pub kind: String,
    pub filed_on: NaiveDate,
}

/// The party applied for review or sued.
pub fn record_remedy(d: &Demolition, input: RecordRemedy, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Demolition, Refusal> {
    if !matches!(d.stage, Stage::Ordered | Stage::RemedyPending) {
        return Err(bad("enforcement.demolition.closed", "拆除事项已结束", "the demolition is closed"));
    }
    if !matches!(input.kind.as_str(), "review" | "lawsuit") {
        return Err(bad("input.invalid", "救济类型应为 review（复议）或 lawsuit（诉讼）", "kind is review or lawsuit"));
    }
    let mut n = d.clone();
    n.remedies.push(Remedy { kind: input.kind.clone(), filed_on: input.filed_on, result: None, party_lost: None, concluded_on: None });
    n.stage = Stage::RemedyPending;
    n.head.act("remedy", actor, now, format!("{} {}", input.kind, input.filed_on));
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemedyResult {
    pub party_lost: bool,
    pub result: String,
    pub concluded_on: NaiveDate,
}

/// The review or lawsuit ended: the party lost (the order stands) or won (set aside).
pub fn remedy_result(d: &Demolition, input: RemedyResult, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Demolition, Refusal> {
    if d.stage != Stage::RemedyPending {
        return Err(bad("enforcement.demolition.no_remedy", "没有进行中的复议或诉讼", "no review or lawsuit is pending"));
    }
    require_text("result", &input.result)?;
    let mut n = d.clone();
    if let Some(r) = n.remedies.iter_mut().rev().find(|r| r.party_lost.is_none()) {
        r.party_lost = Some(input.party_lost);
        r.result = Some(input.result.clone());
        r.concluded_on = Some(input.concluded_on);
    }
    n.stage = if input.party_lost { Stage::Ordered } else { Stage::Revoked };
    n.head.act("remedy_result", actor, now, input.result);
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfDemolished {
    pub finding: String,
    pub officers: Vec<String>,
    #[serde(default)]
    pub photos: Vec<String>,
}

pub fn self_demolished(d: &Demolition, input: SelfDemolished, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Demolition, Refusal> {
    if !matches!(d.stage, Stage::Ordered | Stage::RemedyPending) {
        return Err(bad("enforcement.demolition.closed", "拆除事项已结束", "the demolition is closed"));
    }
    require_text("finding", &input.finding)?;
    check_officers(env, &input.officers, now.date())?;
    let mut n = d.clone();
    n.stage = Stage::SelfDemolished;
    n.head.act("self_demolished", actor, now, input.finding);
    Ok(n)
}

/// Why forced demolition is not yet lawful at `now`, if it is not (ACL art. 44).
pub fn remedy_window_open(d: &Demolition, now: NaiveDateTime) -> Option<(String, String, String)> {
    if d.stage == Stage::RemedyPending {
        return Some(("当事人已申请行政复议或提起行政诉讼，结果未出".into(), "a review or lawsuit is pending".into(), ACL_44.into()));
    }
    if !d.self_deadline.is_overdue(now) {
        return Some((
            format!("当事人自行拆除的期限至{}尚未届满", d.self_deadline.due),
            format!("the party's own period runs until {}", d.self_deadline.due),
            format!("{ACL_44}；{}", d.self_deadline.citation),
        ));
    }
    let lost = d.remedies.iter().any(|r| r.party_lost == Some(true));
    if !lost {
        for w in [&d.review_deadline, &d.lawsuit_deadline] {
            if !w.is_overdue(now) {
                return Some((
                    format!("申请行政复议或提起行政诉讼的法定期限至{}尚未届满", w.due),
                    format!("the period to apply for review or to sue runs until {}", w.due),
                    format!("{ACL_44}；{}", w.citation),
                ));
            }
        }
    }
    None
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Force {
    pub plan: String,
    pub video: Vec<String>,
    pub cost_fen: i64,
    pub cost_note: String,
    pub officers: Vec<String>,
}

/// Forced demolition: refused inside the remedy window (ACL art. 44), by someone without the
/// head's approval power, without a plan, video or cost record.
pub fn force(d: &Demolition, input: Force, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Demolition, Refusal> {
    if !matches!(d.stage, Stage::Ordered | Stage::RemedyPending) {
        return Err(bad("enforcement.demolition.closed", "拆除事项已结束", "the demolition is closed"));
    }
    if let Some((zh, en, rule)) = remedy_window_open(d, now) {
        return Err(refuse("enforcement.demolition.remedy_window", format!("不能强制拆除：{zh}"), format!("forced demolition refused: {en}"), rule));
    }
    require_approver(actor, "强制拆除", "forced demolition", ACL_44)?;
    require_text("plan", &input.plan)?;
    require_text("cost_note", &input.cost_note)?;
    if input.video.is_empty() {
        return Err(refuse(
            "enforcement.demolition.no_video",
            "强制拆除须全程音像记录（请上传视频）",
            "forced demolition must be recorded on continuous video",
            VIDEO,
        ));
    }
    if input.cost_fen < 0 {
        return Err(bad("input.invalid", "费用不能为负", "the cost cannot be negative"));
    }
    check_officers(env, &input.officers, now.date())?;
    let mut n = d.clone();
    n.stage = Stage::ForceDemolished;
    n.forced = Some(Forced { at: now, plan: input.plan, video: input.video, cost_fen: input.cost_fen, cost_note: input.cost_note, officers: input.officers });
    n.head.act("force", actor, now, "强制拆除");
    Ok(n)
}
