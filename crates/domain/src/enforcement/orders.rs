//! 责令改正 / 限期改正 (APL art. 28): issued from a lead or a case with a deadline from the rule
//! profile (`local.order_to_correct_period`); the re-inspection after it either closes the order
//! (corrected) or hands it to a penalty case (opened or continued).

use super::*;

pub const APL_28: &str = "《行政处罚法》第二十八条：行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Issued; the period runs, then the re-inspection is due.
    Open,
    /// Re-inspected and found corrected: closed.
    Corrected,
    /// Re-inspected and not corrected: handed to a penalty case.
    Escalated,
}

impl OrderState {
    pub fn code(self) -> &'static str {
        match self {
            OrderState::Open => "open",
            OrderState::Corrected => "corrected",
            OrderState::Escalated => "escalated",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            OrderState::Open => "整改期内/待复查",
            OrderState::Corrected => "已改正（结束）",
            OrderState::Escalated => "未改正，转立案查处",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reinspection {
    pub at: NaiveDateTime,
    pub officers: Vec<String>,
    pub corrected: bool,
    pub finding: String,
    #[serde(default)]
    pub files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    #[serde(flatten)]
    pub head: Head,
    /// The power item (违法行为) the order rests on, when known.
    #[serde(default)]
    pub item_code: Option<String>,
    pub violation: String,
    /// What the party must do (the power item's 责令改正 words by default).
    pub requirement: String,
    pub issued_on: NaiveDate,
    pub deadline: DueInfo,
    pub state: OrderState,
    #[serde(default)]
    pub reinspection: Option<Reinspection>,
}

impl Record for Order {
    const KIND: &'static str = "order_to_correct";
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
        (self.state == OrderState::Open).then(|| self.deadline.due.clone())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueOrder {
    pub unit_id: String,
    #[serde(default)]
    pub case_id: Option<String>,
    #[serde(default)]
    pub lead_ref: Option<String>,
    #[serde(default)]
    pub party: Party,
    #[serde(default)]
    pub item_code: Option<String>,
    pub violation: String,
    #[serde(default)]
    pub requirement: Option<String>,
}

/// Issues an order. `case_item` is the cause (power item) of the linked case, if any.
pub fn issue(id: &str, input: IssueOrder, case_item: Option<String>, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Order, Refusal> {
    if input.case_id.is_none() && input.lead_ref.as_deref().is_none_or(|l| l.trim().is_empty()) {
        return Err(refuse(
            "enforcement.order.no_origin",
            "责令改正须出自案源线索或案件（请填写案件编号或线索编号）",
            "an order to correct is issued from a lead or a case (give the case id or the lead reference)",
            APL_28,
        ));
    }
    require_text("violation", &input.violation)?;
    let item_code = input.item_code.clone().or(case_item);
    let item = item_code.as_deref().and_then(|c| env.power.item(c, now.date()));
    if let (Some(code), None) = (&item_code, item) {
        return Err(bad("enforcement.order.unknown_item", format!("权责清单中没有事项 {code}"), format!("no power item {code}")));
    }
    let requirement = input
        .requirement
        .clone()
        .filter(|r| !r.trim().is_empty())
        .or_else(|| item.and_then(|i| i.order_to_correct.clone()))
        .ok_or_else(|| bad("input.missing", "缺少改正要求（权责事项未载明责令改正内容）", "the requirement is missing (the power item states none)"))?;
    let d = deadline::deadline(env.calendar, None, rule(env, "local.order_to_correct_period")?, now).map_err(dl_err)?;
    let mut o = Order {
        head: Head::new(id, &input.unit_id, input.case_id, input.lead_ref, input.party, now),
        item_code,
        violation: input.violation,
        requirement,
        issued_on: now.date(),
        deadline: DueInfo::of(&d),
        state: OrderState::Open,
        reinspection: None,
    };
    o.head.act("issue", actor, now, format!("限期至{}", o.deadline.due));
    Ok(o)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reinspect {
    pub officers: Vec<String>,
    pub corrected: bool,
    pub finding: String,
    #[serde(default)]
    pub files: Vec<String>,
    /// Not corrected: the penalty case it continues or that was opened for it.
    #[serde(default)]
    pub case_id: Option<String>,
    /// Not corrected and no case: ask the caller to register a new lead for it first.
    #[serde(default)]
    pub open_case: bool,
}

/// Records the re-inspection. Found not corrected before the period ended is refused (the party
/// still has the time the order gave); not corrected needs the penalty case to continue.
pub fn reinspect(o: &Order, input: Reinspect, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Order, Refusal> {
    if o.state != OrderState::Open {
        return Err(bad("enforcement.order.closed", "该责令改正已复查完毕", "the order has already been re-inspected"));
    }
    require_text("finding", &input.finding)?;
    check_officers(env, &input.officers, now.date())?;
    if !input.corrected && !o.deadline.is_overdue(now) {
        return Err(refuse(
            "enforcement.order.period_running",
            format!("改正期限至{}尚未届满，不能认定逾期未改正", o.deadline.due),
            format!("the period to correct runs until {}; failure to correct cannot be found before then", o.deadline.due),
            o.deadline.citation.clone(),
        ));
    }
    let mut n = o.clone();
    if input.corrected {
        n.state = OrderState::Corrected;
    } else {
        let case_id = input.case_id.clone().or_else(|| o.head.case_id.clone()).ok_or_else(|| {
            refuse(
                "enforcement.order.case_needed",
                "逾期未改正的，应当立案查处（请指明或新建案件）",
                "not corrected: a penalty case must be opened or continued (name or open one)",
                APL_28,
            )
        })?;
        n.head.case_id = Some(case_id);
        n.state = OrderState::Escalated;
    }
    n.reinspection = Some(Reinspection { at: now, officers: input.officers, corrected: input.corrected, finding: input.finding.clone(), files: input.files });
    n.head.act("reinspect", actor, now, input.finding);
    Ok(n)
}
