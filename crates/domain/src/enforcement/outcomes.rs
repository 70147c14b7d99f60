//! Non-coercive outcomes (seed 001 item 13: 行政指导, 行政调解, 行政奖励, 行政扶助): recorded as
//! outcomes of leads and cases, so that the 721 shares (service / management / enforcement) can be
//! computed later.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// 行政指导
    Guidance,
    /// 行政调解
    Mediation,
    /// 行政奖励
    Reward,
    /// 行政扶助
    Assistance,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 4] = [OutcomeKind::Guidance, OutcomeKind::Mediation, OutcomeKind::Reward, OutcomeKind::Assistance];
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::Guidance => "guidance",
            OutcomeKind::Mediation => "mediation",
            OutcomeKind::Reward => "reward",
            OutcomeKind::Assistance => "assistance",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            OutcomeKind::Guidance => "行政指导",
            OutcomeKind::Mediation => "行政调解",
            OutcomeKind::Reward => "行政奖励",
            OutcomeKind::Assistance => "行政扶助",
        }
    }
    /// The 721 share it counts towards: guidance and assistance are service, mediation and
    /// rewards are management (seed 001 item 13: 70 % service, 20 % management, 10 % enforcement).
    pub fn share(self) -> &'static str {
        match self {
            OutcomeKind::Guidance | OutcomeKind::Assistance => "service",
            OutcomeKind::Mediation | OutcomeKind::Reward => "management",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    #[serde(flatten)]
    pub head: Head,
    pub kind: OutcomeKind,
    pub on: NaiveDate,
    pub summary: String,
    #[serde(default)]
    pub files: Vec<String>,
}

impl Record for Outcome {
    const KIND: &'static str = "noncoercive_outcome";
    fn head(&self) -> &Head {
        &self.head
    }
    fn head_mut(&mut self) -> &mut Head {
        &mut self.head
    }
    fn state_code(&self) -> &'static str {
        self.kind.code()
    }
    fn due(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordOutcome {
    pub unit_id: String,
    pub kind: OutcomeKind,
    #[serde(default)]
    pub case_id: Option<String>,
    #[serde(default)]
    pub lead_ref: Option<String>,
    #[serde(default)]
    pub party: Party,
    pub on: NaiveDate,
    pub summary: String,
    #[serde(default)]
    pub files: Vec<String>,
}

pub fn record(id: &str, input: RecordOutcome, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Outcome, Refusal> {
    if input.case_id.is_none() && input.lead_ref.as_deref().is_none_or(|l| l.trim().is_empty()) {
        return Err(bad("enforcement.outcome.no_origin", "须指明所属案件或线索", "name the case or the lead it is an outcome of"));
    }
    require_text("summary", &input.summary)?;
    if input.on > now.date() {
        return Err(bad("input.invalid", "日期晚于今天", "the date is in the future"));
    }
    let mut o = Outcome {
        head: Head::new(id, &input.unit_id, input.case_id, input.lead_ref, input.party, now),
        kind: input.kind,
        on: input.on,
        summary: input.summary,
        files: input.files,
    };
    o.head.act("record", actor, now, o.kind.zh());
    Ok(o)
}

/// Counts per kind and per 721 share.
pub fn shares(outcomes: &[Outcome]) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for o in outcomes {
        *m.entry(o.kind.code().to_owned()).or_insert(0) += 1;
        *m.entry(format!("share:{}", o.kind.share())).or_insert(0) += 1;
    }
    m
}
