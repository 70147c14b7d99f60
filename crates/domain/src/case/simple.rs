//! The simple procedure (简易程序, APL art. 51–53, 68–71): an on-the-spot decision for a warning or
//! a small fine, made by two certified officers on a numbered form and handed over on the spot;
//! filed with the unit afterwards (备案, art. 52 para. 3); paid at the bank like any fine, or
//! collected on the spot only within art. 68–69 against a finance-department receipt (art. 70),
//! the money handed to the unit and then the bank within 2 working days each (art. 71).

use super::execution::Payment;
use super::machine::{
    bad, check_officers, cited, close_deadlines, issue_number, nonempty, open_deadline, redact_party, refuse, require_handler, rule_period, value, Registration,
};
use super::*;
use crate::power::PenaltyType;
use crate::Refusal;

/// general | simple
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    #[default]
    General,
    Simple,
}

impl Procedure {
    pub fn code(self) -> &'static str {
        match self {
            Procedure::General => "general",
            Procedure::Simple => "simple",
        }
    }
}

/// What an officer records on the spot (当场行政处罚决定书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnTheSpot {
    pub unit_id: String,
    pub party: Party,
    pub cause_code: String,
    pub violation_on: NaiveDate,
    pub place: String,
    pub facts: String,
    /// The provisions broken and applied.
    pub provisions: String,
    /// warning | fine
    pub penalty: String,
    #[serde(default)]
    pub fine_yuan: Option<i64>,
    /// The two officers (the actor among them).
    pub officers: Vec<String>,
    /// APL art. 52: the certificates were shown.
    pub certificate_shown: bool,
    /// APL art. 44–45: the party was told the facts, grounds and rights and heard.
    pub statement: String,
    #[serde(default)]
    pub refused_to_sign: bool,
}

/// The on-the-spot record kept with the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnTheSpotRecord {
    pub place: String,
    pub at: NaiveDateTime,
    pub statement: String,
    pub refused_to_sign: bool,
    /// 复议前置 (行政复议法 art. 23 para. 1 (1)), printed on the form.
    pub review_first: String,
    pub filed_with_unit_on: Option<NaiveDate>,
    pub collection: Option<Collection>,
}

/// 当场收缴 (APL art. 68–71).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub amount_fen: i64,
    pub receipt: String,
    /// small_fine | impractical_later | remote_area
    pub ground: String,
    pub note: String,
    pub collected_at: NaiveDateTime,
    pub collected_by: String,
    pub to_unit_on: Option<NaiveDate>,
    pub to_bank_on: Option<NaiveDate>,
    pub bank_reference: Option<String>,
}

pub const REVIEW_FIRST: &str = "对本当场行政处罚决定不服的，应当先向行政复议机关申请行政复议，对行政复议决定不服的，可以再依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十三条第一款第（一）项）";

/// Decides on the spot: the case is born decided and served. The caller authorised the actor.
pub fn decide_on_the_spot(id: &str, subject_unit_id: &str, input: OnTheSpot, actor: &Actor, env: &Env, now: NaiveDateTime) -> Result<Decided, Refusal> {
    if !input.officers.contains(&actor.who()) {
        return Err(bad(
            "case.simple.actor_not_officer",
            "作出当场处罚决定的执法人员须为两名执法人员之一",
            "the officer deciding must be one of the two officers",
        ));
    }
    if !input.certificate_shown {
        return Err(refuse(
            "case.simple.certificate_not_shown",
            "当场作出行政处罚决定，应当向当事人出示执法证件",
            "the officers must show their certificates to the party",
            "《行政处罚法》第五十二条第一款",
        ));
    }
    nonempty(&input.place, "place")?;
    nonempty(&input.facts, "facts")?;
    nonempty(&input.provisions, "provisions")?;
    nonempty(&input.statement, "statement")?;
    nonempty(&input.party.name, "party.name")?;
    let kind = input.party.kind.ok_or_else(|| bad("case.party_kind", "请选择当事人类型（个人或单位）", "choose the party's kind (person or organisation)"))?;
    if input.violation_on > now.date() {
        return Err(bad("case.violation_dates", "违法行为日期无效", "invalid violation date"));
    }
    let penalties = match (input.penalty.as_str(), input.fine_yuan) {
        ("warning", None) => vec![PenaltyType::Warning],
        ("fine", Some(f)) if f > 0 => vec![PenaltyType::Fine],
        _ => {
            return Err(bad(
                "case.simple.penalty",
                "当场处罚只能是警告，或者填写了罚款数额的罚款",
                "an on-the-spot penalty is a warning, or a fine with its amount",
            ))
        }
    };
    if let Some(f) = input.fine_yuan {
        let key = if kind == PartyKind::Person { "apl.simple_procedure_max_fine_person" } else { "apl.simple_procedure_max_fine_organisation" };
        let max = value(env, key)?;
        if f > max {
            return Err(refuse(
                "case.simple.fine_limit",
                format!("当场罚款不得超过{max}元（{}），应当适用普通程序", if kind == PartyKind::Person { "公民" } else { "法人或者其他组织" }),
                format!("an on-the-spot fine is at most {max} yuan for this party; use the general procedure"),
                cited(env, key),
            ));
        }
    }
    let reg = Registration {
        unit_id: input.unit_id.clone(),
        source: Source::Patrol,
        source_ref: None,
        informant: None,
        lead_on: now.date(),
        title: format!("{}（当场处罚）", env.power.item(&input.cause_code, input.violation_on).map(|i| i.name.clone()).unwrap_or_default()),
        content: input.facts.clone(),
        party: Some(input.party.clone()),
        cause_code: None,
    };
    let base = super::machine::register(id, subject_unit_id, reg, actor, env, now)?;
    let mut c = base.case;
    let item = env.power.item(&input.cause_code, input.violation_on).ok_or_else(|| {
        refuse(
            "case.unknown_cause",
            format!("权责清单中没有在违法行为发生时（{}）施行的事项{}", input.violation_on, input.cause_code),
            format!("the power list has no item {} in force when the violation happened ({})", input.cause_code, input.violation_on),
            "《行政处罚法》第三十七条",
        )
    })?;
    super::machine::exercisable_here(item, env)?;
    c.cause_code = Some(input.cause_code.clone());
    c.cause_name = Some(item.name.clone());
    c.violation_on = Some(input.violation_on);
    c.procedure = Procedure::Simple;
    let mut warnings = Vec::new();
    check_officers(env, &c, &input.officers, now.date(), &mut warnings)?;
    c.handlers = input.officers.clone();
    c.filed_on = Some(now.date());
    let number = issue_number(&mut c, env, "on_the_spot_decision", now);
    let proposal = Proposal {
        outcome: Outcome::Penalty,
        penalties,
        fine_yuan: input.fine_yuan,
        confiscation_yuan: None,
        no_penalty_ground: None,
        education: None,
        reason_outside_range: None,
        order_to_correct: None,
        receiving_body: None,
    };
    let payment = input.fine_yuan.map(|_| {
        format!(
            "自收到本决定书之日起{}内到指定银行或者通过电子支付系统缴纳罚款；到期不缴纳的，每日按罚款数额的百分之三加处罚款（{}；{}）",
            rule_period(env, "apl.payment"),
            cited(env, "apl.payment"),
            cited(env, "apl.late_surcharge_rate")
        )
    });
    c.decision = Some(Decision {
        outcome: Outcome::Penalty,
        number,
        decided_on: now.date(),
        decided_by: actor.who(),
        proposal,
        facts: input.facts.clone(),
        basis: vec![input.provisions.clone()],
        tier: None,
        payment,
        remedies: vec![
            Remedy {
                kind: "administrative_review".into(),
                period: rule_period(env, "review.application_period"),
                citation: cited(env, "review.application_period"),
            },
            Remedy {
                kind: "lawsuit_after_review".into(),
                period: "复议决定后依法起诉".into(),
                citation: "《行政复议法》第二十三条第一款第（一）项（复议前置）".into(),
            },
        ],
        reasoned_text: None,
        answers_to_statement: Some(input.statement.clone()),
        late: false,
    });
    c.service = Some(Service {
        method: ServiceMethod::InPerson,
        served_at: now,
        effective_on: now.date(),
        recipient: if input.refused_to_sign { format!("{}（拒绝签收，已注明）", input.party.name) } else { input.party.name.clone() },
        place: input.place.clone(),
        witness: None,
    });
    c.on_the_spot = Some(OnTheSpotRecord {
        place: input.place.clone(),
        at: now,
        statement: input.statement.clone(),
        refused_to_sign: input.refused_to_sign,
        review_first: REVIEW_FIRST.into(),
        filed_with_unit_on: None,
        collection: None,
    });
    c.state = State::Served;
    super::execution::on_served(&mut c, env, now.date())?;
    let data = serde_json::to_value(&input).unwrap_or_default();
    Ok(Decided { case: c, act_kind: "decide_on_the_spot".into(), act_data: redact_party(data), files: Vec::new(), warnings })
}

fn simple_only(c: &Case) -> Result<&OnTheSpotRecord, Refusal> {
    c.on_the_spot.as_ref().filter(|_| c.procedure == Procedure::Simple).ok_or_else(|| {
        refuse(
            "case.simple.only",
            "此操作仅适用于简易程序（当场处罚）案件",
            "this applies to on-the-spot (simple procedure) cases only",
            "《行政处罚法》第五十一条至第五十三条",
        )
    })
}

/// 备案 with the unit (APL art. 52 para. 3).
pub(super) fn file_with_unit(c: &mut Case, actor: &Actor, filed_on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    let r = simple_only(c)?;
    if r.filed_with_unit_on.is_some() {
        return Err(bad("case.simple.already_filed", "已报所属行政机关备案", "already filed with the unit"));
    }
    if filed_on < r.at.date() || filed_on > today {
        return Err(bad("case.simple.filed_on", "备案日期须在决定之后且不晚于今天", "the filing date must be after the decision and not in the future"));
    }
    c.on_the_spot.as_mut().expect("checked").filed_with_unit_on = Some(filed_on);
    Ok(())
}

/// 当场收缴: only within APL art. 68–69, against the finance department's receipt (art. 70; the
/// caller has checked and marks the receipt itself).
pub(super) fn collect_on_spot(
    c: &mut Case,
    env: &Env,
    actor: &Actor,
    amount_fen: i64,
    receipt: &str,
    ground: &str,
    note: &str,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    let r = simple_only(c)?;
    if r.collection.is_some() {
        return Err(bad("case.simple.already_collected", "本案已当场收缴", "already collected on the spot"));
    }
    nonempty(receipt, "receipt")?;
    let fine = super::execution::fine_fen(c);
    if fine == 0 {
        return Err(bad("case.payment.nothing_owed", "本案没有应缴罚款", "nothing is owed in this case"));
    }
    let max_yuan = value(env, "apl.on_the_spot_collection_max")?;
    match ground {
        "small_fine" if fine <= max_yuan * 100 => {}
        "small_fine" => {
            return Err(refuse(
                "case.simple.collection_ground",
                format!("罚款{}元超过{max_yuan}元，不能以“{max_yuan}元以下罚款”为由当场收缴；须记明不当场收缴事后难以执行等法定情形", fine / 100),
                format!("the fine of {} yuan is above {max_yuan} yuan: record another statutory ground to collect on the spot", fine / 100),
                cited(env, "apl.on_the_spot_collection_max"),
            ))
        }
        "impractical_later" | "remote_area" if !note.trim().is_empty() => {}
        "impractical_later" | "remote_area" => {
            return Err(refuse(
                "case.simple.collection_ground",
                "以“不当场收缴事后难以执行”或“边远、水上、交通不便地区”为由当场收缴的，须记明具体情形",
                "collecting on these grounds needs the circumstances recorded",
                "《行政处罚法》第六十八条第（二）项、第六十九条",
            ))
        }
        _ => {
            return Err(refuse(
                "case.simple.collection_ground",
                "当场收缴须有法定情形：一百元以下罚款、不当场收缴事后难以执行、边远水上交通不便地区",
                "on-the-spot collection needs a statutory ground",
                "《行政处罚法》第六十八条、第六十九条",
            ))
        }
    }
    if amount_fen != fine - super::execution::paid_fen(c) {
        return Err(bad("case.simple.collection_amount", "当场收缴的金额须为应缴罚款全额", "the amount collected must be the whole fine owed"));
    }
    c.execution.payments.push(Payment {
        amount_fen,
        paid_on: now.date(),
        reference: format!("receipt:{receipt}"),
        channel: "on_the_spot".into(),
        recorded_by: actor.who(),
        source: "on_the_spot".into(),
    });
    c.on_the_spot.as_mut().expect("checked").collection = Some(Collection {
        amount_fen,
        receipt: receipt.into(),
        ground: ground.into(),
        note: note.into(),
        collected_at: now,
        collected_by: actor.who(),
        to_unit_on: None,
        to_bank_on: None,
        bank_reference: None,
    });
    close_deadlines(c, "apl.payment", now, "met");
    open_deadline(c, env, "apl.on_the_spot_fine_to_unit", now, "当场收缴的罚款交至行政机关", "hand the collected fine to the unit")?;
    Ok(())
}

pub(super) fn deposit_to_unit(c: &mut Case, env: &Env, actor: &Actor, on: NaiveDate, now: NaiveDateTime) -> Result<(), Refusal> {
    require_handler(c, actor)?;
    simple_only(c)?;
    let col = c
        .on_the_spot
        .as_ref()
        .and_then(|r| r.collection.as_ref())
        .ok_or_else(|| bad("case.simple.not_collected", "本案没有当场收缴的罚款", "nothing was collected on the spot"))?;
    if col.to_unit_on.is_some() {
        return Err(bad("case.simple.already_deposited", "已交至行政机关", "already handed to the unit"));
    }
    if on < col.collected_at.date() || on > now.date() {
        return Err(bad("case.simple.deposit_date", "交款日期须在收缴之后且不晚于今天", "the date must be after the collection and not in the future"));
    }
    c.on_the_spot.as_mut().and_then(|r| r.collection.as_mut()).expect("checked").to_unit_on = Some(on);
    close_deadlines(c, "apl.on_the_spot_fine_to_unit", now, "met");
    open_deadline(
        c,
        env,
        "apl.on_the_spot_fine_to_bank",
        on.and_hms_opt(0, 0, 0).expect("midnight"),
        "行政机关将罚款缴付银行",
        "the unit pays the fine into the bank",
    )?;
    Ok(())
}

pub(super) fn deposit_to_bank(c: &mut Case, actor: &Actor, on: NaiveDate, reference: &str, now: NaiveDateTime) -> Result<(), Refusal> {
    require_handler(c, actor).or_else(|_| super::machine::require_role(actor, Role::Leader))?;
    nonempty(reference, "reference")?;
    simple_only(c)?;
    let col = c
        .on_the_spot
        .as_ref()
        .and_then(|r| r.collection.as_ref())
        .ok_or_else(|| bad("case.simple.not_collected", "本案没有当场收缴的罚款", "nothing was collected on the spot"))?;
    let Some(unit_on) = col.to_unit_on else {
        return Err(bad("case.simple.not_at_unit", "罚款尚未交至行政机关", "the money has not reached the unit yet"));
    };
    if col.to_bank_on.is_some() {
        return Err(bad("case.simple.already_banked", "已缴付银行", "already paid into the bank"));
    }
    if on < unit_on || on > now.date() {
        return Err(bad(
            "case.simple.deposit_date",
            "缴付日期须在交至行政机关之后且不晚于今天",
            "the date must be after the unit received it and not in the future",
        ));
    }
    let col = c.on_the_spot.as_mut().and_then(|r| r.collection.as_mut()).expect("checked");
    col.to_bank_on = Some(on);
    col.bank_reference = Some(reference.into());
    close_deadlines(c, "apl.on_the_spot_fine_to_bank", now, "met");
    Ok(())
}
