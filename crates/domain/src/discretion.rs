//! 自由裁量基准 (discretion benchmarks), 首违不罚 / 轻微违法免罚 lists, and the engine that, given
//! a case's structured facts, proposes the tier, the amount range, the reasons and the citations
//! that the prior notice and the decision print.
//!
//! Order of evaluation (each step cites its ground):
//! 1. the item version (《行政处罚法》第三十七条, [`crate::power::select_version`]); a version that
//!    no longer treats the act as a violation ends in no penalty;
//! 2. the general statutory grounds of no penalty (data: `general_grounds`, e.g. 第三十条 under 14,
//!    第三十三条 no fault, minor and corrected without harm);
//! 3. the exemption lists (首违不罚 / 轻微违法免罚, 第三十三条第一款): an entry applies when its
//!    conditions hold *and* the statute's own conditions hold (first offence, harm at most minor,
//!    corrected in time; or minor, corrected in time, no harm);
//! 4. the benchmark's tiers in data order (the first whose conditions hold; `standard` is the
//!    unconditional fallback); a mandatory ground to lighten (第三十条 14–17, 第三十二条) moves a
//!    standard or severe tier to `lenient`;
//! 5. the tier's sub-range of the statutory range.
//!
//! A proposed amount outside the tier's range needs a written reason and legal review
//! ([`Assessment::check_amount`]); above the statutory maximum it is unlawful.

use crate::power::{yuan, Applied, Fen, LegalBasis, Lightness, Party, PenaltyType, PowerItem, PowerList, Versioned};
use crate::Refusal;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// 《行政处罚法》第三十四条: benchmarks are published (cited on every assessment).
pub const APL_34_CITATION: &str = "《行政处罚法》第三十四条";
pub const APL_34_QUOTE: &str = "行政处罚裁量基准应当向社会公布";
/// 《行政处罚法》第三十三条第一款 (the first-offence and minor-offence exemptions).
pub const APL_33_1_CITATION: &str = "《行政处罚法》第三十三条第一款";
pub const APL_33_MINOR_QUOTE: &str = "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚";
pub const APL_33_FIRST_QUOTE: &str = "初次违法且危害后果轻微并及时改正的，可以不予行政处罚";
/// 《行政处罚法》第三十三条第三款: education in every no-penalty case.
pub const APL_33_3_CITATION: &str = "《行政处罚法》第三十三条第三款";
pub const APL_33_EDUCATION_QUOTE: &str = "对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育";

/// Harm caused (危害后果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Harm {
    #[default]
    None,
    Minor,
    Moderate,
    Serious,
}

impl Harm {
    pub fn zh(self) -> &'static str {
        match self {
            Harm::None => "未造成危害后果",
            Harm::Minor => "危害后果轻微",
            Harm::Moderate => "造成一定危害后果",
            Harm::Serious => "造成严重危害后果",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Harm::None => "no harm",
            Harm::Minor => "minor harm",
            Harm::Moderate => "moderate harm",
            Harm::Serious => "serious harm",
        }
    }
}

/// A case's structured facts, as established by the investigation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    pub party: Party,
    /// Age of a natural person at the violation.
    pub age: Option<u32>,
    /// No earlier violation of the same item on record (初次违法).
    pub first_offence: bool,
    /// The officer's finding that the violation is minor (违法行为轻微).
    pub minor: bool,
    /// Corrected within the order's deadline (及时改正).
    pub corrected_in_time: bool,
    pub harm: Harm,
    /// Amount or area in the benchmark's `quantity_unit` (m², items, days …).
    pub quantity: Option<i64>,
    /// Base value of a multiple-based fine (construction cost, illegal gains …), fen.
    pub base_value_fen: Option<Fen>,
    /// Duration of the act in minutes (e.g. parking).
    pub duration_minutes: Option<u32>,
    /// Earlier violations of the same item within the benchmark's look-back period.
    pub repeat_offences: u32,
    /// Refused, obstructed or evaded inspection (拒绝、阻挠检查).
    pub obstruction: bool,
    /// Refused to correct after an order (拒不改正 / 逾期不改正).
    pub refused_to_correct: bool,
    /// The party is in hardship, elderly, disabled … (the benchmark decides how it counts).
    pub vulnerable_party: bool,
    /// Near schools, hospitals, residential areas at night, key areas.
    pub sensitive_area: bool,
    /// Evidence shows no fault (没有主观过错).
    pub no_fault: bool,
    /// APL art. 32 (一)–(四).
    pub eliminated_harm: bool,
    pub coerced: bool,
    pub confessed_unknown: bool,
    pub meritorious: bool,
}

/// A condition over the facts (data in benchmarks, exemption lists and general grounds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cond {
    FirstOffence,
    Minor,
    CorrectedInTime,
    NotCorrectedInTime,
    HarmAtMost(Harm),
    HarmAtLeast(Harm),
    QuantityAtMost(i64),
    QuantityAbove(i64),
    DurationAtMost(u32),
    RepeatAtLeast(u32),
    Obstruction,
    RefusedToCorrect,
    VulnerableParty,
    SensitiveArea,
    AgeBelow(u32),
    AgeAtLeast(u32),
    Party(Party),
    NoFault,
    EliminatedHarm,
    Coerced,
    ConfessedUnknown,
    Meritorious,
    /// At least one of the conditions holds.
    Any(Vec<Cond>),
    /// Every one of the conditions holds.
    All(Vec<Cond>),
}

impl Cond {
    /// Whether the condition holds; a condition on an unknown fact does not hold.
    pub fn holds(&self, f: &Facts) -> bool {
        match self {
            Cond::FirstOffence => f.first_offence,
            Cond::Minor => f.minor,
            Cond::CorrectedInTime => f.corrected_in_time,
            Cond::NotCorrectedInTime => !f.corrected_in_time,
            Cond::HarmAtMost(h) => f.harm <= *h,
            Cond::HarmAtLeast(h) => f.harm >= *h,
            Cond::QuantityAtMost(q) => f.quantity.is_some_and(|x| x <= *q),
            Cond::QuantityAbove(q) => f.quantity.is_some_and(|x| x > *q),
            Cond::DurationAtMost(m) => f.duration_minutes.is_some_and(|x| x <= *m),
            Cond::RepeatAtLeast(n) => f.repeat_offences >= *n,
            Cond::Obstruction => f.obstruction,
            Cond::RefusedToCorrect => f.refused_to_correct,
            Cond::VulnerableParty => f.vulnerable_party,
            Cond::SensitiveArea => f.sensitive_area,
            Cond::AgeBelow(a) => f.age.is_some_and(|x| x < *a),
            Cond::AgeAtLeast(a) => f.age.is_some_and(|x| x >= *a),
            Cond::Party(p) => p.covers(f.party) && f.party != Party::Any,
            Cond::NoFault => f.no_fault,
            Cond::EliminatedHarm => f.eliminated_harm,
            Cond::Coerced => f.coerced,
            Cond::ConfessedUnknown => f.confessed_unknown,
            Cond::Meritorious => f.meritorious,
            Cond::Any(cs) => cs.iter().any(|c| c.holds(f)),
            Cond::All(cs) => cs.iter().all(|c| c.holds(f)),
        }
    }

    /// The reason as a notice prints it; `unit` is the benchmark's quantity unit.
    pub fn zh(&self, unit: &str) -> String {
        match self {
            Cond::FirstOffence => "初次违法".into(),
            Cond::Minor => "违法行为轻微".into(),
            Cond::CorrectedInTime => "及时改正".into(),
            Cond::NotCorrectedInTime => "未及时改正".into(),
            Cond::HarmAtMost(Harm::None) => "未造成危害后果".into(),
            Cond::HarmAtMost(Harm::Minor) => "危害后果轻微".into(),
            Cond::HarmAtMost(h) => format!("危害后果不超过“{}”", h.zh()),
            Cond::HarmAtLeast(h) => h.zh().into(),
            Cond::QuantityAtMost(q) => format!("数量（面积）不超过{q}{unit}"),
            Cond::QuantityAbove(q) => format!("数量（面积）超过{q}{unit}"),
            Cond::DurationAtMost(m) => format!("持续时间不超过{m}分钟"),
            Cond::RepeatAtLeast(1) => "曾因同类违法行为受到处理".into(),
            Cond::RepeatAtLeast(n) => format!("曾{n}次以上因同类违法行为受到处理"),
            Cond::Obstruction => "拒绝、阻挠执法检查".into(),
            Cond::RefusedToCorrect => "拒不改正".into(),
            Cond::VulnerableParty => "当事人生活困难或属于弱势群体".into(),
            Cond::SensitiveArea => "发生在学校、医院、居民区等敏感区域".into(),
            Cond::AgeBelow(a) => format!("不满{a}周岁"),
            Cond::AgeAtLeast(a) => format!("已满{a}周岁"),
            Cond::Party(p) => format!("当事人为{}", p.zh()),
            Cond::NoFault => "有证据足以证明没有主观过错".into(),
            Cond::EliminatedHarm => "主动消除或者减轻违法行为危害后果".into(),
            Cond::Coerced => "受他人胁迫或者诱骗实施违法行为".into(),
            Cond::ConfessedUnknown => "主动供述行政机关尚未掌握的违法行为".into(),
            Cond::Meritorious => "配合行政机关查处违法行为有立功表现".into(),
            Cond::Any(cs) => cs.iter().map(|c| c.zh(unit)).collect::<Vec<_>>().join("或"),
            Cond::All(cs) => cs.iter().map(|c| c.zh(unit)).collect::<Vec<_>>().join("且"),
        }
    }

    pub fn en(&self, unit: &str) -> String {
        match self {
            Cond::FirstOffence => "first offence".into(),
            Cond::Minor => "minor violation".into(),
            Cond::CorrectedInTime => "corrected in time".into(),
            Cond::NotCorrectedInTime => "not corrected in time".into(),
            Cond::HarmAtMost(Harm::None) => "no harm".into(),
            Cond::HarmAtMost(h) => format!("{} at most", h.en()),
            Cond::HarmAtLeast(h) => format!("{} or worse", h.en()),
            Cond::QuantityAtMost(q) => format!("quantity at most {q} {unit}"),
            Cond::QuantityAbove(q) => format!("quantity above {q} {unit}"),
            Cond::DurationAtMost(m) => format!("lasted at most {m} minutes"),
            Cond::RepeatAtLeast(n) => format!("at least {n} earlier violation(s) of the same kind"),
            Cond::Obstruction => "obstructed the inspection".into(),
            Cond::RefusedToCorrect => "refused to correct".into(),
            Cond::VulnerableParty => "party in hardship or vulnerable".into(),
            Cond::SensitiveArea => "in a sensitive area (school, hospital, residential)".into(),
            Cond::AgeBelow(a) => format!("under {a}"),
            Cond::AgeAtLeast(a) => format!("aged {a} or over"),
            Cond::Party(Party::Individual) => "party is an individual".into(),
            Cond::Party(Party::Organisation) => "party is an organisation".into(),
            Cond::Party(Party::Any) => "any party".into(),
            Cond::NoFault => "evidence shows no fault".into(),
            Cond::EliminatedHarm => "eliminated or reduced the harm on own initiative".into(),
            Cond::Coerced => "coerced or deceived into the act".into(),
            Cond::ConfessedUnknown => "confessed violations unknown to the authority".into(),
            Cond::Meritorious => "meritorious cooperation".into(),
            Cond::Any(cs) => cs.iter().map(|c| c.en(unit)).collect::<Vec<_>>().join(" or "),
            Cond::All(cs) => format!("({})", cs.iter().map(|c| c.en(unit)).collect::<Vec<_>>().join(" and ")),
        }
    }
}

/// What a general statutory ground does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// 不予行政处罚.
    NoPenalty,
    /// 应当从轻或者减轻行政处罚.
    Lighten,
}

/// A ground that applies to every item (APL art. 30–33), with its statute text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralGround {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub effect: Effect,
    /// All must hold.
    pub when: Vec<Cond>,
    pub basis: LegalBasis,
}

/// A discretion tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierKind {
    Exempt,
    Mitigated,
    Lenient,
    Standard,
    Severe,
}

impl TierKind {
    pub fn zh(self) -> &'static str {
        match self {
            TierKind::Exempt => "不予处罚",
            TierKind::Mitigated => "减轻处罚",
            TierKind::Lenient => "从轻处罚",
            TierKind::Standard => "一般处罚",
            TierKind::Severe => "从重处罚",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            TierKind::Exempt => "exempt",
            TierKind::Mitigated => "mitigated",
            TierKind::Lenient => "lenient",
            TierKind::Standard => "standard",
            TierKind::Severe => "severe",
        }
    }
}

/// A tier's amount, relative to the statutory range or absolute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TierRange {
    /// No penalty.
    None,
    /// A warning only, no fine.
    WarningOnly,
    /// `from_pct`–`to_pct` % of the way from the statutory minimum to the maximum.
    Share { from_pct: u32, to_pct: u32 },
    /// Below the statutory minimum (减轻): `from_pct`–`to_pct` % of the minimum.
    BelowMinimum { from_pct: u32, to_pct: u32 },
    /// An absolute range (where the statute sets no amount, the local rule's range).
    Fixed { min_fen: Fen, max_fen: Fen },
    /// Per unit of the facts' quantity, capped by the statutory range.
    PerUnit { min_fen: Fen, max_fen: Fen },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub kind: TierKind,
    /// All must hold (empty: always).
    #[serde(default)]
    pub when: Vec<Cond>,
    pub range: TierRange,
    /// Penalties of this tier (empty: the fine alone, or none for exempt).
    #[serde(default)]
    pub penalties: Vec<PenaltyType>,
    #[serde(default)]
    pub note: String,
}

/// One version of the discretion benchmark of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    pub item_code: String,
    pub version: u32,
    pub effective_from: NaiveDate,
    pub approval_ref: String,
    /// Unit of `Facts::quantity` for this item (m², 件, 日 …).
    #[serde(default)]
    pub quantity_unit: String,
    /// Where a range rests on a text not in `shared/laws/` (a local rule), its citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_basis: Option<LegalBasis>,
    pub tiers: Vec<Tier>,
}

impl Versioned for Benchmark {
    fn key(&self) -> &str {
        &self.item_code
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn effective_from(&self) -> NaiveDate {
        self.effective_from
    }
    fn approval_ref(&self) -> &str {
        &self.approval_ref
    }
}

impl Benchmark {
    pub fn problems(&self) -> Vec<String> {
        let at = format!("benchmark {} v{}", self.item_code, self.version);
        let mut out = Vec::new();
        if !self.tiers.iter().any(|t| t.kind == TierKind::Standard && t.when.is_empty()) {
            out.push(format!("{at}: needs an unconditional `standard` tier"));
        }
        for t in &self.tiers {
            let bad = match t.range {
                TierRange::Share { from_pct, to_pct } | TierRange::BelowMinimum { from_pct, to_pct } => from_pct > to_pct || to_pct > 100,
                TierRange::Fixed { min_fen, max_fen } | TierRange::PerUnit { min_fen, max_fen } => min_fen < 0 || min_fen > max_fen,
                TierRange::None | TierRange::WarningOnly => false,
            };
            if bad {
                out.push(format!("{at}: tier {} has an inverted range", t.kind.en()));
            }
            if (t.kind == TierKind::Exempt) != (t.range == TierRange::None) {
                out.push(format!("{at}: only the exempt tier has no penalty"));
            }
        }
        out
    }

    /// The first tier whose conditions hold.
    pub fn tier_for(&self, f: &Facts) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.when.iter().all(|c| c.holds(f)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionKind {
    /// 首违不罚: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚.
    FirstOffence,
    /// 轻微违法免罚: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚.
    MinorOffence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionEntry {
    pub item_code: String,
    /// The list's conditions for this item (on top of the statute's own).
    pub when: Vec<Cond>,
    #[serde(default)]
    pub note: String,
}

/// One version of a 首违不罚 or 轻微违法免罚 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionList {
    pub code: String,
    pub name: String,
    pub kind: ExemptionKind,
    pub version: u32,
    pub effective_from: NaiveDate,
    pub approval_ref: String,
    pub basis: LegalBasis,
    pub entries: Vec<ExemptionEntry>,
}

impl Versioned for ExemptionList {
    fn key(&self) -> &str {
        &self.code
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn effective_from(&self) -> NaiveDate {
        self.effective_from
    }
    fn approval_ref(&self) -> &str {
        &self.approval_ref
    }
}

impl ExemptionKind {
    /// The statute's own conditions (《行政处罚法》第三十三条第一款), which a list can only narrow.
    pub fn statutory_conditions(self) -> Vec<Cond> {
        match self {
            ExemptionKind::FirstOffence => {
                vec![Cond::FirstOffence, Cond::HarmAtMost(Harm::Minor), Cond::CorrectedInTime]
            }
            ExemptionKind::MinorOffence => vec![Cond::CorrectedInTime, Cond::HarmAtMost(Harm::None)],
        }
    }
}

/// Why no penalty applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoPenalty {
    /// `general:<code>`, `list:<code>`, `tier` or `no_longer_violation`.
    pub ground: String,
    pub citation: String,
    /// Education is required in every no-penalty case (第三十三条第三款).
    pub education_required: bool,
}

/// A line of reasoning with its citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub zh: String,
    pub en: String,
}

/// The engine's proposal for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub item_code: String,
    pub item_version: u32,
    pub item_applied: Applied,
    pub benchmark_version: Option<u32>,
    pub tier: TierKind,
    pub no_penalty: Option<NoPenalty>,
    pub penalties: Vec<PenaltyType>,
    /// The statutory range for these facts, fen (None where the statute sets no amount or a
    /// base value is missing).
    pub legal_range: Option<(Fen, Fen)>,
    /// The tier's range, fen.
    pub range: Option<(Fen, Fen)>,
    pub reasons: Vec<Reason>,
    pub citations: Vec<String>,
    /// The paragraph the prior notice and the decision print.
    pub text_zh: String,
    pub text_en: String,
}

/// The check of a proposed amount against the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AmountCheck {
    Within,
    /// Outside the tier's range but lawful: needs a written reason and legal review.
    OutsideRange {
        requires_written_reason: bool,
        requires_legal_review: bool,
        message_zh: String,
        message_en: String,
    },
}

impl Assessment {
    /// Checks a proposed fine. Refuses a fine where no penalty applies or above the statutory
    /// maximum; flags one outside the tier's range.
    pub fn check_amount(&self, proposed: Fen) -> Result<AmountCheck, Refusal> {
        if let Some(np) = &self.no_penalty {
            return Err(Refusal::new("discretion.no_penalty", "依法不予行政处罚，不得罚款", "no penalty applies; no fine may be imposed")
                .with_rule(np.citation.clone()));
        }
        if let Some((_, max)) = self.legal_range {
            if proposed > max {
                return Err(Refusal::new(
                    "discretion.above_statutory_maximum",
                    format!("拟罚款{}超过法定最高限额{}", yuan(proposed), yuan(max)),
                    format!("the proposed fine {} exceeds the statutory maximum {}", yuan(proposed), yuan(max)),
                )
                .with_rule(self.citations.first().cloned().unwrap_or_default()));
            }
        }
        match self.range {
            Some((lo, hi)) if proposed < lo || proposed > hi => Ok(AmountCheck::OutsideRange {
                requires_written_reason: true,
                requires_legal_review: true,
                message_zh: format!(
                    "拟罚款{}不在裁量基准“{}”档次{}至{}的幅度内，应当书面说明理由并提交法制审核",
                    yuan(proposed),
                    self.tier.zh(),
                    yuan(lo),
                    yuan(hi)
                ),
                message_en: format!(
                    "the proposed fine {} is outside the {} tier's range {}–{}: a written reason and legal review are required",
                    yuan(proposed),
                    self.tier.en(),
                    yuan(lo),
                    yuan(hi)
                ),
            }),
            _ => Ok(AmountCheck::Within),
        }
    }
}

fn pct(v: Fen, p: u32) -> Fen {
    v * i64::from(p) / 100
}

fn reasons_of(when: &[Cond], unit: &str) -> (Vec<String>, Vec<String>) {
    (when.iter().map(|c| c.zh(unit)).collect(), when.iter().map(|c| c.en(unit)).collect())
}

/// Assesses a case: the item `code`, the violation and decision dates, and the facts.
pub fn assess(list: &PowerList, code: &str, violation: NaiveDate, decision: NaiveDate, facts: &Facts) -> Result<Assessment, Refusal> {
    let sel = list.select_item(code, violation, decision, facts)?;
    let item = sel.applied;
    let mut reasons = vec![Reason { zh: sel.reason_zh.clone(), en: sel.reason_en.clone() }];
    let mut citations: Vec<String> = Vec::new();
    let prohibition: Vec<String> = item.bases(crate::power::BasisRole::Prohibition).map(LegalBasis::cited).collect();
    let penalty: Vec<String> = item.bases(crate::power::BasisRole::Penalty).map(LegalBasis::cited).collect();
    for c in prohibition.iter().chain(&penalty) {
        if !citations.contains(c) {
            citations.push(c.clone());
        }
    }
    let mut out = Assessment {
        item_code: item.code.clone(),
        item_version: item.version,
        item_applied: sel.why,
        benchmark_version: None,
        tier: TierKind::Standard,
        no_penalty: None,
        penalties: Vec::new(),
        legal_range: None,
        range: None,
        reasons: Vec::new(),
        citations: Vec::new(),
        text_zh: String::new(),
        text_en: String::new(),
    };
    let exempt = |out: &mut Assessment, reasons: Vec<Reason>, citations: Vec<String>, np: NoPenalty| {
        out.tier = TierKind::Exempt;
        out.no_penalty = Some(np);
        out.reasons = reasons;
        out.citations = citations;
        out.text_zh = no_penalty_text_zh(item, out);
        out.text_en = no_penalty_text_en(item, out);
    };
    if sel.why == Applied::NoLongerViolation {
        citations.push(crate::power::APL_37_CITATION.to_owned());
        let np = NoPenalty { ground: "no_longer_violation".into(), citation: crate::power::APL_37_CITATION.into(), education_required: false };
        exempt(&mut out, reasons, citations, np);
        return Ok(out);
    }

    // 2. general grounds of no penalty
    for g in &list.general_grounds {
        if g.effect == Effect::NoPenalty && g.when.iter().all(|c| c.holds(facts)) {
            let (zh, en) = reasons_of(&g.when, "");
            reasons.push(Reason {
                zh: format!("{}，依照{}不予行政处罚", zh.join("、"), g.basis.cited()),
                en: format!("{}: no penalty under {}", en.join(", "), g.basis.cited()),
            });
            citations.push(g.basis.cited());
            citations.push(APL_33_3_CITATION.to_owned());
            let np = NoPenalty { ground: format!("general:{}", g.code), citation: g.basis.cited(), education_required: true };
            exempt(&mut out, reasons, citations, np);
            return Ok(out);
        }
    }

    // 3. exemption lists in force at the violation or at the decision (the lighter applies)
    let mut lists: Vec<&ExemptionList> = Vec::new();
    for day in [violation, decision] {
        for l in crate::power::in_force_all(&list.exemption_lists, day) {
            if !lists.iter().any(|x| std::ptr::eq(*x, l)) {
                lists.push(l);
            }
        }
    }
    for l in lists {
        for e in l.entries.iter().filter(|e| e.item_code == item.code) {
            let mut conds = l.kind.statutory_conditions();
            conds.extend(e.when.iter().cloned());
            if conds.iter().all(|c| c.holds(facts)) {
                let unit = list.benchmarks.iter().find(|b| b.item_code == item.code).map(|b| b.quantity_unit.as_str()).unwrap_or("");
                let mut shown: Vec<Cond> = Vec::new();
                for c in conds {
                    if !shown.contains(&c) {
                        shown.push(c);
                    }
                }
                let (zh, en) = reasons_of(&shown, unit);
                reasons.push(Reason {
                    zh: format!("{}，符合《{}》（第{}版，{}），依照{}不予行政处罚", zh.join("、"), l.name, l.version, l.approval_ref, l.basis.cited()),
                    en: format!(
                        "{}: meets the list \"{}\" (version {}, {}); no penalty under {}",
                        en.join(", "),
                        l.name,
                        l.version,
                        l.approval_ref,
                        l.basis.cited()
                    ),
                });
                citations.push(l.basis.cited());
                citations.push(APL_33_3_CITATION.to_owned());
                let np = NoPenalty { ground: format!("list:{}", l.code), citation: l.basis.cited(), education_required: true };
                exempt(&mut out, reasons, citations, np);
                return Ok(out);
            }
        }
    }

    // 4. the benchmark (从旧兼从轻 between its versions, compared on the range for these facts)
    let fine = item.fine_for(facts);
    if fine.is_none() && !item.fines.is_empty() {
        // every fine rule needs more (e.g. refusal to correct): the order to correct comes first
        let needs: Vec<String> = item.fines.iter().flat_map(|f| f.requires.iter().map(|c| c.zh(""))).collect::<BTreeSet<_>>().into_iter().collect();
        reasons.push(Reason {
            zh: format!("罚款以“{}”为前提，现有事实不具备，依法{}，暂不予罚款", needs.join("、"), item.order_to_correct.as_deref().unwrap_or("责令改正")),
            en: "the fine requires facts not (yet) established; the order to correct comes first, no fine now".into(),
        });
        out.penalties = Vec::new();
        out.reasons = reasons;
        out.citations = citations;
        out.text_zh = penalty_text_zh(item, &out, &prohibition, &penalty);
        out.text_en = penalty_text_en(item, &out, &prohibition, &penalty);
        return Ok(out);
    }
    out.legal_range = fine.and_then(|f| f.legal_range(facts));
    let bench = crate::power::select_version(&list.benchmarks, &item.code, violation, decision, |new, old| {
        let r = |b: &Benchmark| b.tier_for(facts).and_then(|t| tier_range(t, out.legal_range, facts));
        match (r(new), r(old)) {
            (Some((a, b)), Some((c, d))) => match (b, a).cmp(&(d, c)) {
                std::cmp::Ordering::Less => Lightness::Lighter,
                std::cmp::Ordering::Equal => Lightness::Same,
                std::cmp::Ordering::Greater => Lightness::Heavier,
            },
            _ => Lightness::Incomparable,
        }
    });
    let (tier, unit, bench) = match bench {
        Ok(s) => {
            let b = s.applied;
            out.benchmark_version = Some(b.version);
            if s.why != Applied::Unchanged {
                reasons.push(Reason { zh: format!("裁量基准：{}", s.reason_zh), en: format!("Benchmark: {}", s.reason_en) });
            }
            (b.tier_for(facts).cloned(), b.quantity_unit.clone(), Some(b))
        }
        Err(_) => (None, String::new(), None),
    };
    let mut tier = tier.unwrap_or(Tier {
        kind: TierKind::Standard,
        when: vec![],
        range: TierRange::Share { from_pct: 0, to_pct: 100 },
        penalties: vec![],
        note: "无裁量基准，适用法定幅度".into(),
    });
    if tier.kind == TierKind::Exempt {
        let (zh, en) = reasons_of(&tier.when, &unit);
        reasons.push(Reason {
            zh: format!("{}，依照裁量基准不予行政处罚（{APL_33_1_CITATION}）", zh.join("、")),
            en: format!("{}: no penalty under the benchmark (APL art. 33(1))", en.join(", ")),
        });
        citations.push(APL_33_1_CITATION.to_owned());
        citations.push(APL_33_3_CITATION.to_owned());
        if let Some(b) = bench {
            citations.push(format!("{}（第{}版）", b.approval_ref, b.version));
        }
        let np = NoPenalty { ground: "tier".into(), citation: APL_33_1_CITATION.into(), education_required: true };
        exempt(&mut out, reasons, citations, np);
        return Ok(out);
    }
    let (zh, en) = reasons_of(&tier.when, &unit);
    if !tier.when.is_empty() {
        reasons.push(Reason {
            zh: format!("{}，适用“{}”档次", zh.join("、"), tier.kind.zh()), en: format!("{}: {} tier", en.join(", "), tier.kind.en())
        });
    } else {
        reasons.push(Reason {
            zh: format!("无从轻、减轻或者从重情节，适用“{}”档次", tier.kind.zh()),
            en: format!("no lighter or heavier circumstances: {} tier", tier.kind.en()),
        });
    }
    // mandatory lightening (第三十条 14–17, 第三十二条)
    for g in &list.general_grounds {
        if g.effect == Effect::Lighten && g.when.iter().all(|c| c.holds(facts)) {
            citations.push(g.basis.cited());
            if matches!(tier.kind, TierKind::Standard | TierKind::Severe) {
                let lenient = bench.and_then(|b| b.tiers.iter().find(|t| t.kind == TierKind::Lenient)).cloned();
                tier = lenient.unwrap_or(Tier {
                    kind: TierKind::Lenient,
                    when: vec![],
                    range: TierRange::Share { from_pct: 0, to_pct: 20 },
                    penalties: vec![],
                    note: String::new(),
                });
            }
            let (zh, en) = reasons_of(&g.when, &unit);
            reasons.push(Reason {
                zh: format!("{}，依照{}应当从轻或者减轻处罚，适用“{}”档次", zh.join("、"), g.basis.cited(), tier.kind.zh()),
                en: format!("{}: must be lighter under {}; {} tier", en.join(", "), g.basis.cited(), tier.kind.en()),
            });
        }
    }
    out.tier = tier.kind;
    out.range = tier_range(&tier, out.legal_range, facts);
    out.penalties = if !tier.penalties.is_empty() {
        tier.penalties.clone()
    } else if matches!(tier.range, TierRange::WarningOnly) {
        vec![PenaltyType::Warning]
    } else {
        vec![PenaltyType::Fine]
    };
    if out.legal_range.is_none() && fine.is_some_and(|f| matches!(f.amount, crate::power::FineAmount::Multiple { .. })) {
        reasons.push(Reason {
            zh: "罚款以基数计算，须先查明计算基数".into(),
            en: "the fine is a multiple of a base value, which must be established first".into(),
        });
    }
    if let Some(b) = bench {
        citations.push(format!("{}（第{}版）", b.approval_ref, b.version));
        if let Some(l) = &b.local_basis {
            citations.push(l.cited());
        }
    }
    citations.push(APL_34_CITATION.to_owned());
    out.reasons = reasons;
    out.citations = citations;
    out.text_zh = penalty_text_zh(item, &out, &prohibition, &penalty);
    out.text_en = penalty_text_en(item, &out, &prohibition, &penalty);
    Ok(out)
}

/// The tier's range in fen for these facts, within the statutory range where there is one.
pub fn tier_range(t: &Tier, legal: Option<(Fen, Fen)>, f: &Facts) -> Option<(Fen, Fen)> {
    let clamp = |(a, b): (Fen, Fen)| match legal {
        Some((lo, hi)) => (a.clamp(lo, hi), b.clamp(lo, hi)),
        None => (a, b),
    };
    match &t.range {
        TierRange::None | TierRange::WarningOnly => None,
        TierRange::Share { from_pct, to_pct } => {
            let (lo, hi) = legal?;
            Some((lo + pct(hi - lo, *from_pct), lo + pct(hi - lo, *to_pct)))
        }
        TierRange::BelowMinimum { from_pct, to_pct } => {
            let (lo, _) = legal?;
            Some((pct(lo, *from_pct), pct(lo, *to_pct)))
        }
        TierRange::Fixed { min_fen, max_fen } => Some(clamp((*min_fen, *max_fen))),
        TierRange::PerUnit { min_fen, max_fen } => {
            let q = f.quantity?;
            Some(clamp((min_fen * q, max_fen * q)))
        }
    }
}

fn range_zh(a: &Assessment) -> String {
    match (a.range, a.penalties.as_slice()) {
        (Some((lo, hi)), _) if lo == hi => format!("罚款{}", yuan(lo)),
        (Some((lo, hi)), _) => format!("罚款{}至{}", yuan(lo), yuan(hi)),
        (None, [PenaltyType::Warning]) => "警告".into(),
        (None, []) => "责令改正，暂不予罚款".into(),
        (None, _) => "罚款（幅度待查明计算基数后确定）".into(),
    }
}

fn range_en(a: &Assessment) -> String {
    match (a.range, a.penalties.as_slice()) {
        (Some((lo, hi)), _) if lo == hi => format!("a fine of {}", yuan(lo)),
        (Some((lo, hi)), _) => format!("a fine of {} to {}", yuan(lo), yuan(hi)),
        (None, [PenaltyType::Warning]) => "a warning".into(),
        (None, []) => "an order to correct, no fine for now".into(),
        (None, _) => "a fine (range to be set once the base value is established)".into(),
    }
}

/// The reasons a document prints: the version reason only where the rules changed.
fn shown(a: &Assessment) -> &[Reason] {
    if a.item_applied == Applied::Unchanged {
        &a.reasons[1..]
    } else {
        &a.reasons
    }
}

fn penalty_text_zh(item: &PowerItem, a: &Assessment, prohibition: &[String], penalty: &[String]) -> String {
    let reasons: Vec<&str> = shown(a).iter().map(|r| r.zh.trim_end_matches('。')).collect();
    let benchmarks: Vec<&str> = a.citations.iter().filter(|c| c.ends_with("版）")).map(String::as_str).collect();
    let by = if benchmarks.is_empty() { "依照法定幅度".to_owned() } else { format!("依照裁量基准（{}）", benchmarks.join("、")) };
    let proposal = if a.penalties.is_empty() { range_zh(a) } else { format!("给予{}的行政处罚", range_zh(a)) };
    format!(
        "当事人{}的行为，违反了{}的规定。依据{}，{}。{by}，拟{proposal}。",
        item.name,
        if prohibition.is_empty() { penalty.join("、") } else { prohibition.join("、") },
        penalty.join("、"),
        reasons.join("；"),
    )
}

fn penalty_text_en(item: &PowerItem, a: &Assessment, prohibition: &[String], penalty: &[String]) -> String {
    let reasons: Vec<&str> = shown(a).iter().map(|r| r.en.trim_end_matches('.')).collect();
    format!(
        "The party's act ({}) violates {}. Under {}: {}. Proposed: {}.",
        item.name_en,
        if prohibition.is_empty() { penalty.join(", ") } else { prohibition.join(", ") },
        penalty.join(", "),
        reasons.join("; "),
        range_en(a),
    )
}

fn no_penalty_text_zh(item: &PowerItem, a: &Assessment) -> String {
    let reasons: Vec<&str> = shown(a).iter().map(|r| r.zh.trim_end_matches('。')).collect();
    let tail = if a.no_penalty.as_ref().is_some_and(|n| n.education_required) {
        format!("；依照{APL_33_3_CITATION}，对当事人进行教育")
    } else {
        String::new()
    };
    format!("当事人{}的行为，{}{tail}。", item.name, reasons.join("；"))
}

fn no_penalty_text_en(item: &PowerItem, a: &Assessment) -> String {
    let reasons: Vec<&str> = shown(a).iter().map(|r| r.en.trim_end_matches('.')).collect();
    let tail = if a.no_penalty.as_ref().is_some_and(|n| n.education_required) { "; the party is to be educated (APL art. 33(3))" } else { "" };
    format!("The party's act ({}): {}{tail}.", item.name_en, reasons.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::power::PowerList;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn list() -> PowerList {
        PowerList::demo()
    }

    fn person() -> Facts {
        Facts { party: Party::Individual, age: Some(40), ..Facts::default() }
    }

    const V: &str = "2024-03-01";
    const D: &str = "2024-04-01";

    fn run(code: &str, f: &Facts) -> Assessment {
        assess(&list(), code, d(V), d(D), f).unwrap()
    }

    fn occupy(q: i64) -> Facts {
        Facts { quantity: Some(q), ..person() }
    }

    #[test]
    fn calculator_text_for_a_standard_case() {
        let a = run("SZ-001", &occupy(10));
        assert_eq!(a.tier, TierKind::Standard);
        assert_eq!(a.legal_range, Some((0, 2_000_000)));
        assert_eq!(a.range, Some((800_000, 1_200_000)));
        assert_eq!(
            a.text_zh,
            "当事人擅自占用城市道路（含占道经营、占道堆物）的行为，违反了《城市道路管理条例》第二十七条第（一）项的规定。\
依据《城市道路管理条例》第四十二条第一款，无从轻、减轻或者从重情节，适用“一般处罚”档次。\
依照裁量基准（示范市城市管理综合行政执法裁量基准（示城管发〔2022〕3号，演示数据）（第1版）），拟给予罚款8000元至12000元的行政处罚。"
        );
        assert_eq!(
            a.text_en,
            "The party's act (occupying a city road without approval (incl. street trading)) violates 《城市道路管理条例》第二十七条第（一）项. \
Under 《城市道路管理条例》第四十二条第一款: no lighter or heavier circumstances: standard tier. Proposed: a fine of 8000元 to 12000元."
        );
        assert_eq!(
            a.citations,
            [
                "《城市道路管理条例》第二十七条第（一）项",
                "《城市道路管理条例》第四十二条第一款",
                "示范市城市管理综合行政执法裁量基准（示城管发〔2022〕3号，演示数据）（第1版）",
                "《行政处罚法》第三十四条",
            ]
        );
    }

    #[test]
    fn tier_boundaries_by_quantity() {
        let t = |q| run("SZ-001", &occupy(q));
        assert_eq!((t(2).tier, t(2).range), (TierKind::Lenient, Some((0, 400_000))));
        assert_eq!(t(3).tier, TierKind::Standard);
        assert_eq!(t(20).tier, TierKind::Standard);
        assert_eq!((t(21).tier, t(21).range), (TierKind::Severe, Some((1_200_000, 2_000_000))));
        // unknown quantity: neither the lenient nor the severe quantity condition holds
        assert_eq!(run("SZ-001", &person()).tier, TierKind::Standard);
    }

    #[test]
    fn tier_boundaries_by_circumstances() {
        let base = occupy(10);
        let tier = |f: Facts| run("SZ-001", &f).tier;
        // first offence and corrected, but harm too great for the exemption: lenient
        assert_eq!(tier(Facts { first_offence: true, corrected_in_time: true, harm: Harm::Moderate, ..base.clone() }), TierKind::Lenient);
        assert_eq!(tier(Facts { first_offence: true, ..base.clone() }), TierKind::Standard);
        assert_eq!(tier(Facts { vulnerable_party: true, ..base.clone() }), TierKind::Lenient);
        assert_eq!(tier(Facts { repeat_offences: 1, ..base.clone() }), TierKind::Severe);
        assert_eq!(tier(Facts { obstruction: true, ..base.clone() }), TierKind::Severe);
        assert_eq!(tier(Facts { harm: Harm::Serious, ..base.clone() }), TierKind::Severe);
        assert_eq!(tier(Facts { harm: Harm::Moderate, ..base.clone() }), TierKind::Standard);
        assert_eq!(tier(Facts { sensitive_area: true, ..base.clone() }), TierKind::Severe);
        // severe circumstances win over lenient ones (data order)
        assert_eq!(tier(Facts { repeat_offences: 2, vulnerable_party: true, ..base.clone() }), TierKind::Severe);
        // APL art. 32 grounds with correction and at most minor harm: mitigated (warning only)
        let m = run("SZ-001", &Facts { eliminated_harm: true, corrected_in_time: true, harm: Harm::Minor, ..base.clone() });
        assert_eq!((m.tier, m.range, m.penalties.clone()), (TierKind::Mitigated, None, vec![PenaltyType::Warning]));
        // an APL art. 32 ground alone (not corrected) lightens the standard tier to lenient
        let l = run("SZ-001", &Facts { coerced: true, ..base.clone() });
        assert_eq!(l.tier, TierKind::Lenient);
        assert!(l.reasons.iter().any(|r| r.zh.contains("《行政处罚法》第三十二条")), "{:?}", l.reasons);
        // aged 16: must be lighter (APL art. 30)
        let y = run("SZ-001", &Facts { age: Some(16), repeat_offences: 1, ..base.clone() });
        assert_eq!(y.tier, TierKind::Lenient);
        assert!(y.citations.iter().any(|c| c == "《行政处罚法》第三十条"));
        assert_eq!(run("SZ-001", &Facts { age: Some(18), ..base }).tier, TierKind::Standard);
    }

    #[test]
    fn ranges_with_a_statutory_minimum_multiples_and_units() {
        // DQ-004: 2,000–20,000 yuan
        let t = |f: Facts| {
            let a = run("DQ-004", &f);
            (a.tier, a.range)
        };
        let org = Facts { party: Party::Organisation, ..Facts::default() };
        assert_eq!(t(org.clone()), (TierKind::Standard, Some((740_000, 1_460_000))));
        assert_eq!(t(Facts { repeat_offences: 1, ..org.clone() }), (TierKind::Severe, Some((1_460_000, 2_000_000))));
        assert_eq!(
            t(Facts { first_offence: true, corrected_in_time: true, harm: Harm::Moderate, ..org.clone() }),
            (TierKind::Lenient, Some((200_000, 740_000)))
        );
        assert_eq!(
            t(Facts { meritorious: true, corrected_in_time: true, harm: Harm::Moderate, ..org.clone() }).0,
            TierKind::Lenient,
            "mitigation needs harm at most minor"
        );
        assert_eq!(t(Facts { meritorious: true, corrected_in_time: true, harm: Harm::Minor, ..org.clone() }), (TierKind::Mitigated, Some((100_000, 198_000))));
        // GH-001: 5 %–10 % of the construction cost (1,000,000 yuan)
        let build = |q, f: Facts| {
            let a = run("GH-001", &Facts { quantity: Some(q), base_value_fen: Some(100_000_000), ..f });
            (a.tier, a.legal_range, a.range)
        };
        assert_eq!(build(50, org.clone()), (TierKind::Standard, Some((5_000_000, 10_000_000)), Some((6_000_000, 8_000_000))));
        assert_eq!(build(20, Facts { corrected_in_time: true, ..org.clone() }).2, Some((5_000_000, 6_000_000)));
        assert_eq!(build(21, Facts { corrected_in_time: true, ..org.clone() }).0, TierKind::Standard);
        assert_eq!(build(100, org.clone()).0, TierKind::Standard);
        assert_eq!(build(101, org.clone()), (TierKind::Severe, Some((5_000_000, 10_000_000)), Some((8_000_000, 10_000_000))));
        let unknown = run("GH-001", &Facts { quantity: Some(50), ..org.clone() });
        assert_eq!(unknown.range, None);
        assert!(unknown.text_zh.contains("罚款（幅度待查明计算基数后确定）"), "{}", unknown.text_zh);
        // HW-001: the party decides the statutory range
        assert_eq!(run("HW-001", &person()).range, Some((22_000, 38_000)));
        assert_eq!(run("HW-001", &org).range, Some((18_500_000, 36_500_000)));
        // DF-003: per m², local demo rule
        let shop = run("DF-003", &Facts { quantity: Some(10), ..person() });
        assert_eq!((shop.legal_range, shop.range), (Some((20_000, 50_000)), Some((30_000, 40_000))));
        // SR-010: the statute sets no amount; the benchmark's (local, unverified) range applies
        let pile = run("SR-010", &Facts { quantity: Some(20), ..person() });
        assert_eq!((pile.legal_range, pile.range), (None, Some((20_000, 100_000))));
        assert!(pile.citations.iter().any(|c| c.ends_with("（未核实 unverified）")), "{:?}", pile.citations);
        // ZS-007: the fine needs a refusal to correct
        let dance = run("ZS-007", &person());
        assert!(dance.penalties.is_empty() && dance.range.is_none());
        assert!(dance.text_zh.ends_with("拟责令改正，暂不予罚款。"), "{}", dance.text_zh);
        let refused = run("ZS-007", &Facts { refused_to_correct: true, ..person() });
        assert_eq!(refused.legal_range, Some((20_000, 100_000)));
    }

    fn first(q: i64) -> Facts {
        Facts { first_offence: true, corrected_in_time: true, harm: Harm::Minor, ..occupy(q) }
    }

    #[test]
    fn first_offence_exemption_and_each_of_its_conditions() {
        let a = run("SZ-001", &first(5));
        assert_eq!(a.tier, TierKind::Exempt);
        let np = a.no_penalty.clone().unwrap();
        assert_eq!(np.ground, "list:first_offence");
        assert_eq!(np.citation, "《行政处罚法》第三十三条第一款");
        assert!(np.education_required);
        assert!(a.text_zh.contains("依照《行政处罚法》第三十三条第一款不予行政处罚；依照《行政处罚法》第三十三条第三款，对当事人进行教育。"), "{}", a.text_zh);
        assert_eq!(a.check_amount(100).unwrap_err().code, "discretion.no_penalty");
        let not = |f: Facts| run("SZ-001", &f).no_penalty.is_none();
        assert!(not(first(6)), "above the list's area");
        assert!(not(Facts { quantity: None, ..first(5) }), "area unknown");
        assert!(not(Facts { first_offence: false, ..first(5) }));
        assert!(not(Facts { corrected_in_time: false, ..first(5) }));
        assert!(not(Facts { harm: Harm::Moderate, ..first(5) }));
        // an item not on the list is never exempt under it
        assert!(run("DQ-004", &Facts { first_offence: true, corrected_in_time: true, ..person() }).no_penalty.is_none());
    }

    #[test]
    fn minor_offence_exemption_ten_minute_parking() {
        let park = |mins, corrected, harm| Facts { duration_minutes: Some(mins), corrected_in_time: corrected, harm, ..person() };
        let a = run("DF-004", &park(10, true, Harm::None));
        assert_eq!(a.no_penalty.as_ref().unwrap().ground, "list:minor_offence");
        assert!(a.text_zh.contains("持续时间不超过10分钟"), "{}", a.text_zh);
        assert!(run("DF-004", &park(11, true, Harm::None)).no_penalty.is_none());
        assert!(run("DF-004", &park(5, false, Harm::None)).no_penalty.is_none());
        assert!(run("DF-004", &park(5, true, Harm::Minor)).no_penalty.is_none());
    }

    #[test]
    fn general_grounds_of_no_penalty() {
        let ground = |f: Facts| run("DQ-004", &f).no_penalty.map(|n| n.ground);
        assert_eq!(ground(Facts { age: Some(13), ..person() }).as_deref(), Some("general:apl30_under_14"));
        assert_eq!(ground(Facts { age: Some(14), ..person() }), None);
        assert_eq!(ground(Facts { no_fault: true, ..person() }).as_deref(), Some("general:apl33_no_fault"));
        let minor = Facts { minor: true, corrected_in_time: true, ..person() };
        assert_eq!(ground(minor.clone()).as_deref(), Some("general:apl33_minor"));
        assert_eq!(ground(Facts { harm: Harm::Minor, ..minor.clone() }), None);
        assert_eq!(ground(Facts { corrected_in_time: false, ..minor }), None);
    }

    #[test]
    fn versions_of_items_and_benchmarks_in_the_engine() {
        let l = list();
        // abolished item: no penalty, by APL art. 37
        let a = assess(&l, "DF-007", d("2024-06-01"), d("2025-02-01"), &person()).unwrap();
        assert_eq!((a.tier, a.item_applied), (TierKind::Exempt, Applied::NoLongerViolation));
        assert_eq!(a.no_penalty.as_ref().unwrap().ground, "no_longer_violation");
        assert!(a.text_zh.contains("已不认为该行为是违法"), "{}", a.text_zh);
        // lighter new item version: applied, and the tier range stays within its statutory range
        let a = assess(&l, "DF-002", d("2024-06-01"), d("2025-02-01"), &person()).unwrap();
        assert_eq!((a.item_version, a.item_applied), (2, Applied::LighterNew));
        assert_eq!(a.legal_range, Some((2_000, 20_000)));
        assert_eq!(a.range, Some((10_000, 20_000)));
        assert!(a.text_zh.contains("处罚较轻，依照《行政处罚法》第三十七条适用新的规定"), "{}", a.text_zh);
        // same violation decided before the change: version 1
        let a = assess(&l, "DF-002", d("2024-06-01"), d("2024-12-31"), &person()).unwrap();
        assert_eq!((a.item_version, a.range), (1, Some((10_000, 30_000))));
        // the revised SZ-001 benchmark (lighter standard tier) applies to an older violation
        let a = assess(&l, "SZ-001", d("2024-03-01"), d("2024-08-01"), &occupy(10)).unwrap();
        assert_eq!((a.benchmark_version, a.range), (Some(2), Some((600_000, 1_000_000))));
        assert!(a.reasons.iter().any(|r| r.zh.starts_with("裁量基准：") && r.zh.contains("处罚较轻")), "{:?}", a.reasons);
        // but not where the old one is lighter for these facts (the lenient tier is unchanged)
        let a = assess(&l, "SZ-001", d("2024-03-01"), d("2024-08-01"), &occupy(2)).unwrap();
        assert_eq!((a.benchmark_version, a.tier), (Some(1), TierKind::Lenient));
    }

    #[test]
    fn proposed_amount_outside_the_range_is_flagged() {
        let a = run("SZ-001", &occupy(10));
        assert_eq!(a.check_amount(1_000_000).unwrap(), AmountCheck::Within);
        assert_eq!(a.check_amount(800_000).unwrap(), AmountCheck::Within);
        assert_eq!(a.check_amount(1_200_000).unwrap(), AmountCheck::Within);
        for fen in [799_900, 1_200_100, 2_000_000] {
            match a.check_amount(fen).unwrap() {
                AmountCheck::OutsideRange { requires_written_reason, requires_legal_review, message_zh, .. } => {
                    assert!(requires_written_reason && requires_legal_review);
                    assert!(message_zh.contains("应当书面说明理由并提交法制审核"), "{message_zh}");
                }
                other => panic!("{fen}: {other:?}"),
            }
        }
        let e = a.check_amount(2_000_100).unwrap_err();
        assert_eq!(e.code, "discretion.above_statutory_maximum");
        assert_eq!(e.message_zh, "拟罚款20001元超过法定最高限额20000元");
    }

    #[test]
    fn every_demo_benchmark_has_a_standard_tier_and_a_range() {
        let l = list();
        assert!(l.benchmarks.len() >= 15);
        for b in &l.benchmarks {
            let item = l.item(&b.item_code, b.effective_from).unwrap();
            let needs_refusal = item.fines.iter().all(|f| f.requires.contains(&Cond::RefusedToCorrect));
            let standard = (1..=200).any(|q| {
                let a = assess(
                    &l,
                    &b.item_code,
                    b.effective_from,
                    b.effective_from,
                    &Facts {
                        party: Party::Organisation,
                        quantity: Some(q),
                        base_value_fen: Some(100_000_000),
                        refused_to_correct: needs_refusal,
                        ..Facts::default()
                    },
                )
                .unwrap();
                a.tier == TierKind::Standard && a.range.is_some()
            });
            assert!(standard, "{}: no quantity gives a standard tier with a range", b.item_code);
        }
    }
}
