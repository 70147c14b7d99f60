//! 权责清单 (power list): what a tenant's units may punish, on what legal basis, and how much.
//!
//! A [`PowerList`] is versioned data per tenant: every [`PowerItem`] entry is one *version* of one
//! item (its `code`), with the date it takes effect and the reference of the act that approved it.
//! [`select_version`] picks the version a case applies by 《行政处罚法》第三十七条 (从旧兼从轻): the
//! rules in force when the violation happened, unless those in force at the decision are lighter
//! or no longer treat the act as a violation; it says which version it applied and why.
//!
//! Money is integer fen (1 yuan = 100 fen). The format is `docs/power-list.md`: JSON (serde, the
//! whole list) and CSV (the items, one row per item version; see [`items_to_csv`]).

use crate::discretion::{Benchmark, Cond, ExemptionList, Facts, GeneralGround};
use crate::org::OrgKind;
use crate::Refusal;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Money in fen.
pub type Fen = i64;

/// The `format` tag of the JSON document.
pub const FORMAT: &str = "chengguan.power_list/1";

/// The demo power list (a fictitious tenant's list resting on real national texts).
pub const DEMO_POWER_LIST: &str = include_str!("../../../rules/power_list.json");

/// The article that chooses between old and new rules (quoted; tested against the statute).
pub const APL_37_CITATION: &str = "《行政处罚法》第三十七条";
pub const APL_37_QUOTE: &str = "作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定";

/// Field of the item (权责清单 categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    UrbanAppearance,
    Sanitation,
    ConstructionWaste,
    Planning,
    Advertising,
    MunicipalFacilities,
    Dust,
    CookingFumes,
    OpenBurning,
    Noise,
    Gas,
    Landscaping,
    Transport,
    Parking,
}

impl Category {
    pub const ALL: [Category; 14] = [
        Category::UrbanAppearance,
        Category::Sanitation,
        Category::ConstructionWaste,
        Category::Planning,
        Category::Advertising,
        Category::MunicipalFacilities,
        Category::Dust,
        Category::CookingFumes,
        Category::OpenBurning,
        Category::Noise,
        Category::Gas,
        Category::Landscaping,
        Category::Transport,
        Category::Parking,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Category::UrbanAppearance => "urban_appearance",
            Category::Sanitation => "sanitation",
            Category::ConstructionWaste => "construction_waste",
            Category::Planning => "planning",
            Category::Advertising => "advertising",
            Category::MunicipalFacilities => "municipal_facilities",
            Category::Dust => "dust",
            Category::CookingFumes => "cooking_fumes",
            Category::OpenBurning => "open_burning",
            Category::Noise => "noise",
            Category::Gas => "gas",
            Category::Landscaping => "landscaping",
            Category::Transport => "transport",
            Category::Parking => "parking",
        }
    }
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Category::UrbanAppearance => "市容秩序",
            Category::Sanitation => "环境卫生",
            Category::ConstructionWaste => "建筑垃圾",
            Category::Planning => "规划（违法建设）",
            Category::Advertising => "户外广告",
            Category::MunicipalFacilities => "市政设施",
            Category::Dust => "扬尘污染",
            Category::CookingFumes => "餐饮油烟",
            Category::OpenBurning => "露天焚烧",
            Category::Noise => "噪声污染",
            Category::Gas => "燃气管理",
            Category::Landscaping => "园林绿化",
            Category::Transport => "渣土运输",
            Category::Parking => "停车秩序",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Category::UrbanAppearance => "urban appearance",
            Category::Sanitation => "sanitation",
            Category::ConstructionWaste => "construction waste",
            Category::Planning => "planning (illegal construction)",
            Category::Advertising => "outdoor advertising",
            Category::MunicipalFacilities => "municipal facilities",
            Category::Dust => "dust",
            Category::CookingFumes => "cooking fumes",
            Category::OpenBurning => "open burning",
            Category::Noise => "noise",
            Category::Gas => "gas",
            Category::Landscaping => "landscaping",
            Category::Transport => "muck transport",
            Category::Parking => "parking",
        }
    }
}

/// The level of unit that may exercise an item (seed 001: the street is the enforcement subject for
/// its area; the district bureau keeps what is not assigned to streets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Bureau,
    Street,
}

impl UnitLevel {
    pub fn code(self) -> &'static str {
        match self {
            UnitLevel::Bureau => "bureau",
            UnitLevel::Street => "street",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            UnitLevel::Bureau => "区局",
            UnitLevel::Street => "街道",
        }
    }
    pub fn parse(s: &str) -> Option<UnitLevel> {
        [UnitLevel::Bureau, UnitLevel::Street].into_iter().find(|l| l.code() == s)
    }
    /// The level an organisation unit acts at; `None` for units that exercise no penalty power of
    /// their own (governments, squads act for their parent, disposal departments, companies).
    pub fn of(kind: OrgKind) -> Option<UnitLevel> {
        match kind {
            OrgKind::Bureau | OrgKind::Detachment | OrgKind::Brigade => Some(UnitLevel::Bureau),
            OrgKind::StreetOffice | OrgKind::StreetEnforcementTeam => Some(UnitLevel::Street),
            _ => None,
        }
    }
}

/// What a legal basis does for the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasisRole {
    /// The rule the act violates (违反……的规定).
    Prohibition,
    /// The rule that sets the penalty (依据……).
    Penalty,
    /// The rule that authorises a compulsory measure or enforcement.
    Measure,
}

/// A structured legal basis: law, article, paragraph (款), clause (项), and the quoted words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// The law's name as in `shared/laws/` (e.g. `城乡规划法`), or a local regulation's name.
    pub law: String,
    /// The version quoted (the date in the statute file's name), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_version: Option<String>,
    /// `None` where the article number could not be checked (never guessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<u32>,
    pub role: BasisRole,
    /// The article's words, line by line as in the statute (each line is found in the statute text
    /// by `tests/power_list.rs`); empty where unverified.
    #[serde(default)]
    pub quote: String,
    /// True only where the quote was checked against a statute text in `shared/laws/`.
    pub verified: bool,
    /// A local regulation or rule (地方性法规, 地方政府规章) rather than a national text.
    #[serde(default)]
    pub local: bool,
}

impl LegalBasis {
    /// 《城市道路管理条例》第四十二条第一款第（一）项.
    pub fn citation(&self) -> String {
        let mut s = format!("《{}》", self.law);
        if let Some(a) = self.article {
            s.push_str(&format!("第{}条", chinese_number(a)));
            if let Some(p) = self.paragraph {
                s.push_str(&format!("第{}款", chinese_number(p)));
            }
            if let Some(c) = self.clause {
                s.push_str(&format!("第（{}）项", chinese_number(c)));
            }
        }
        s
    }
    /// The citation, marked when unverified.
    pub fn cited(&self) -> String {
        if self.verified {
            self.citation()
        } else {
            format!("{}（未核实 unverified）", self.citation())
        }
    }
}

/// 1 → 一, 10 → 十, 34 → 三十四, 111 → 一百一十一 (article numbering).
#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; the workspace allows 1.85
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let tens = |n: u32, leading: bool| -> String {
        let unit = if n % 10 == 0 { String::new() } else { D[(n % 10) as usize].to_owned() };
        match n {
            0 => String::new(),
            1..=9 => D[n as usize].to_owned(),
            10..=19 if leading => format!("十{unit}"),
            _ => format!("{}十{unit}", D[(n / 10) as usize]),
        }
    };
    if n < 100 {
        return tens(n, true);
    }
    let rest = n % 100;
    let r = match rest {
        0 => String::new(),
        1..=9 => format!("零{}", D[rest as usize]),
        _ => tens(rest, false),
    };
    format!("{}百{r}", D[(n / 100) as usize])
}

/// Penalty types (《行政处罚法》第九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyType {
    Warning,
    Fine,
    ConfiscateIllegalGains,
    ConfiscateIllegalProperty,
    SuspendLicence,
    SuspendBusiness,
    RevokeLicence,
    Closure,
}

impl PenaltyType {
    pub fn zh(self) -> &'static str {
        match self {
            PenaltyType::Warning => "警告",
            PenaltyType::Fine => "罚款",
            PenaltyType::ConfiscateIllegalGains => "没收违法所得",
            PenaltyType::ConfiscateIllegalProperty => "没收非法财物",
            PenaltyType::SuspendLicence => "暂扣许可证件",
            PenaltyType::SuspendBusiness => "责令停产停业",
            PenaltyType::RevokeLicence => "吊销许可证件",
            PenaltyType::Closure => "责令关闭",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            PenaltyType::Warning => "warning",
            PenaltyType::Fine => "fine",
            PenaltyType::ConfiscateIllegalGains => "confiscation of illegal gains",
            PenaltyType::ConfiscateIllegalProperty => "confiscation of illegal property",
            PenaltyType::SuspendLicence => "suspension of licence",
            PenaltyType::SuspendBusiness => "order to suspend business",
            PenaltyType::RevokeLicence => "revocation of licence",
            PenaltyType::Closure => "order to close",
        }
    }
    /// Rank for comparing the weight of two rules (higher is heavier).
    fn rank(self) -> u8 {
        match self {
            PenaltyType::Warning => 1,
            PenaltyType::Fine => 2,
            PenaltyType::ConfiscateIllegalGains | PenaltyType::ConfiscateIllegalProperty => 3,
            PenaltyType::SuspendLicence => 4,
            PenaltyType::SuspendBusiness => 5,
            PenaltyType::RevokeLicence => 6,
            PenaltyType::Closure => 7,
        }
    }
}

/// Who a fine rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    #[default]
    Any,
    Individual,
    Organisation,
}

impl Party {
    pub fn covers(self, actual: Party) -> bool {
        self == Party::Any || self == actual
    }
    pub fn zh(self) -> &'static str {
        match self {
            Party::Any => "当事人",
            Party::Individual => "个人",
            Party::Organisation => "单位",
        }
    }
}

/// The value a multiple-based fine is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FineBase {
    IllegalGains,
    ConstructionCost,
    TemporaryConstructionCost,
    ContractPrice,
    AdvertisingFee,
    GoodsValue,
}

impl FineBase {
    pub fn zh(self) -> &'static str {
        match self {
            FineBase::IllegalGains => "违法所得",
            FineBase::ConstructionCost => "建设工程造价",
            FineBase::TemporaryConstructionCost => "临时建设工程造价",
            FineBase::ContractPrice => "合同价款",
            FineBase::AdvertisingFee => "广告费用",
            FineBase::GoodsValue => "货值金额",
        }
    }
}

/// The amount of a fine as the text sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FineAmount {
    /// `min_fen` 以上 `max_fen` 以下; "X 以下" has `min_fen = 0`.
    Range { min_fen: Fen, max_fen: Fen },
    /// Per unit of the facts' quantity (e.g. per m²), in fen per unit.
    PerUnit { unit: String, min_fen: Fen, max_fen: Fen },
    /// A multiple of a base value, in per mille (百分之五 = 50, 一倍 = 1000).
    Multiple { base: FineBase, min_permille: u32, max_permille: u32 },
    /// "罚款" with no amount in the text (set by a local rule or the benchmark).
    Unspecified,
}

/// One fine rule of an item (an item may have several: per party, or after refusal to correct).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineRule {
    #[serde(default)]
    pub party: Party,
    pub amount: FineAmount,
    /// Facts the rule needs beyond the item's elements (e.g. `refused_to_correct`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Cond>,
    /// The statute's words that set the amount: a part of one of the item's quotes.
    pub words: String,
    pub verified: bool,
    #[serde(default)]
    pub local: bool,
}

impl FineRule {
    /// The statutory range for these facts in fen, `None` where the base value, the quantity or
    /// the amount itself is unknown.
    pub fn legal_range(&self, facts: &Facts) -> Option<(Fen, Fen)> {
        match &self.amount {
            FineAmount::Range { min_fen, max_fen } => Some((*min_fen, *max_fen)),
            FineAmount::PerUnit { min_fen, max_fen, .. } => {
                let q = facts.quantity?;
                Some((min_fen * q, max_fen * q))
            }
            FineAmount::Multiple { min_permille, max_permille, .. } => {
                let b = facts.base_value_fen?;
                Some((b * i64::from(*min_permille) / 1000, b * i64::from(*max_permille) / 1000))
            }
            FineAmount::Unspecified => None,
        }
    }
    pub fn applies(&self, facts: &Facts) -> bool {
        self.party.covers(facts.party) && self.requires.iter().all(|c| c.holds(facts))
    }
}

/// Compulsory measures and orders an item authorises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Sealing,
    Seizure,
    Demolition,
    StopWork,
    ConfiscateTools,
}

impl MeasureKind {
    pub fn zh(self) -> &'static str {
        match self {
            MeasureKind::Sealing => "查封",
            MeasureKind::Seizure => "扣押",
            MeasureKind::Demolition => "强制拆除",
            MeasureKind::StopWork => "责令停工（停业）整治",
            MeasureKind::ConfiscateTools => "没收工具",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub kind: MeasureKind,
    /// The words authorising it: a part of one of the item's quotes.
    pub words: String,
    pub verified: bool,
}

/// One version of one power item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerItem {
    pub code: String,
    pub version: u32,
    pub effective_from: NaiveDate,
    /// The act approving this version (e.g. the government's decision publishing the list).
    pub approval_ref: String,
    /// From this version on, the act is no longer a violation (the item was abolished).
    #[serde(default)]
    pub no_longer_violation: bool,
    pub name: String,
    pub name_en: String,
    pub category: Category,
    pub levels: Vec<UnitLevel>,
    pub legal_basis: Vec<LegalBasis>,
    /// The elements of the violation (构成要件) an investigation must establish.
    pub elements: Vec<String>,
    pub penalty_types: Vec<PenaltyType>,
    #[serde(default)]
    pub fines: Vec<FineRule>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// The order to correct the item requires (APL art. 28), in the statute's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_to_correct: Option<String>,
    #[serde(default)]
    pub procedure: String,
    #[serde(default)]
    pub responsibility: String,
    #[serde(default)]
    pub supervision: String,
    /// The item rests on a local regulation (its penalty basis is local).
    #[serde(default)]
    pub local: bool,
}

impl PowerItem {
    pub fn bases(&self, role: BasisRole) -> impl Iterator<Item = &LegalBasis> {
        self.legal_basis.iter().filter(move |b| b.role == role)
    }
    /// The item's penalty rests on verified national text.
    pub fn rests_on_verified_national_text(&self) -> bool {
        !self.local && self.bases(BasisRole::Penalty).any(|b| b.verified && !b.local)
    }
    /// The fine rule for these facts: the first in data order that applies.
    pub fn fine_for(&self, facts: &Facts) -> Option<&FineRule> {
        self.fines.iter().find(|f| f.applies(facts))
    }
    pub fn may_be_exercised_by(&self, kind: OrgKind) -> bool {
        UnitLevel::of(kind).is_some_and(|l| self.levels.contains(&l))
    }
    /// How this version's penalty compares to `old`'s for a party of `party`.
    pub fn lightness_vs(&self, old: &PowerItem, facts: &Facts) -> Lightness {
        let top = |i: &PowerItem| i.penalty_types.iter().map(|p| p.rank()).max().unwrap_or(0);
        match top(self).cmp(&top(old)) {
            std::cmp::Ordering::Less => return Lightness::Lighter,
            std::cmp::Ordering::Greater => return Lightness::Heavier,
            std::cmp::Ordering::Equal => {}
        }
        match (self.fine_for(facts), old.fine_for(facts)) {
            (None, None) => Lightness::Same,
            (None, Some(_)) => Lightness::Lighter,
            (Some(_), None) => Lightness::Heavier,
            (Some(new), Some(old)) => compare_amounts(&new.amount, &old.amount),
        }
    }
}

fn compare_amounts(new: &FineAmount, old: &FineAmount) -> Lightness {
    let pair = match (new, old) {
        (FineAmount::Range { min_fen: a, max_fen: b }, FineAmount::Range { min_fen: c, max_fen: d }) => Some(((*b, *a), (*d, *c))),
        (FineAmount::PerUnit { unit: u1, min_fen: a, max_fen: b }, FineAmount::PerUnit { unit: u2, min_fen: c, max_fen: d }) if u1 == u2 => {
            Some(((*b, *a), (*d, *c)))
        }
        (FineAmount::Multiple { base: b1, min_permille: a, max_permille: b }, FineAmount::Multiple { base: b2, min_permille: c, max_permille: d })
            if b1 == b2 =>
        {
            Some(((i64::from(*b), i64::from(*a)), (i64::from(*d), i64::from(*c))))
        }
        _ => None,
    };
    match pair {
        // the maximum decides first, then the minimum
        Some((n, o)) => match n.cmp(&o) {
            std::cmp::Ordering::Less => Lightness::Lighter,
            std::cmp::Ordering::Equal => Lightness::Same,
            std::cmp::Ordering::Greater => Lightness::Heavier,
        },
        None if new == old => Lightness::Same,
        None => Lightness::Incomparable,
    }
}

/// How a newer rule compares to an older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lightness {
    Lighter,
    Same,
    Heavier,
    Incomparable,
}

/// Something with versions that take effect on a date.
pub trait Versioned {
    fn key(&self) -> &str;
    fn version(&self) -> u32;
    fn effective_from(&self) -> NaiveDate;
    fn approval_ref(&self) -> &str;
    fn no_longer_violation(&self) -> bool {
        false
    }
}

impl Versioned for PowerItem {
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
    fn no_longer_violation(&self) -> bool {
        self.no_longer_violation
    }
}

/// Why a version was applied (APL art. 37).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// One version was in force on both dates.
    Unchanged,
    /// The version in force at the violation (the newer one is not lighter).
    AtViolation,
    /// The newer version is lighter (但书).
    LighterNew,
    /// The newer version no longer treats the act as a violation (但书): no penalty.
    NoLongerViolation,
    /// The two cannot be ranked; the old rule applies and legal review must confirm.
    AtViolationIncomparable,
}

/// The version selected for a case and the reason, in Chinese and English.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection<'a, T> {
    pub applied: &'a T,
    pub at_violation: &'a T,
    pub at_decision: &'a T,
    pub why: Applied,
    pub reason_zh: String,
    pub reason_en: String,
}

/// The version of `key` in force on `day`: the latest `effective_from` not after it.
pub fn in_force<'a, T: Versioned>(versions: &'a [T], key: &str, day: NaiveDate) -> Option<&'a T> {
    versions.iter().filter(|v| v.key() == key && v.effective_from() <= day).max_by_key(|v| (v.effective_from(), v.version()))
}

/// For every key, the version in force on `day`.
pub fn in_force_all<T: Versioned>(versions: &[T], day: NaiveDate) -> Vec<&T> {
    let keys: BTreeSet<&str> = versions.iter().map(|v| v.key()).collect();
    keys.into_iter().filter_map(|k| in_force(versions, k, day)).collect()
}

/// Chooses the version of `key` a case applies (《行政处罚法》第三十七条, 从旧兼从轻). `lightness`
/// compares the version in force at the decision (first argument) with the one in force at the
/// violation (second).
pub fn select_version<'a, T: Versioned>(
    versions: &'a [T],
    key: &str,
    violation: NaiveDate,
    decision: NaiveDate,
    lightness: impl Fn(&T, &T) -> Lightness,
) -> Result<Selection<'a, T>, Refusal> {
    if decision < violation {
        return Err(Refusal::new("version.decision_before_violation", "决定日期早于违法行为发生日期", "the decision date is before the violation date"));
    }
    let old = in_force(versions, key, violation).ok_or_else(|| {
        Refusal::new(
            "version.none_at_violation",
            format!("违法行为发生时（{violation}）无施行中的“{key}”事项规定，不得处罚"),
            format!("no version of item {key} was in force when the violation happened ({violation}); no penalty"),
        )
        .with_rule(APL_37_CITATION)
    })?;
    if old.no_longer_violation() {
        return Err(Refusal::new(
            "version.not_a_violation",
            format!("违法行为发生时施行的第{}版已不认为该行为违法", old.version()),
            format!("version {} in force at the violation does not treat the act as a violation", old.version()),
        )
        .with_rule(APL_37_CITATION));
    }
    let new = in_force(versions, key, decision).unwrap_or(old);
    let v = |t: &T| format!("第{}版（{}起施行，{}）", t.version(), t.effective_from(), t.approval_ref());
    let ve = |t: &T| format!("version {} (in force from {}, {})", t.version(), t.effective_from(), t.approval_ref());
    let sel =
        |applied: &'a T, why: Applied, zh: String, en: String| Selection { applied, at_violation: old, at_decision: new, why, reason_zh: zh, reason_en: en };
    if std::ptr::eq(old, new) {
        return Ok(sel(
            old,
            Applied::Unchanged,
            format!("违法行为发生时与作出处罚决定时施行的均为{}，适用该版本（{APL_37_CITATION}）。", v(old)),
            format!("{} was in force both when the violation happened and at the decision; it applies (APL art. 37).", ve(old)),
        ));
    }
    if new.no_longer_violation() {
        return Ok(sel(
            new,
            Applied::NoLongerViolation,
            format!(
                "违法行为发生时施行{}；作出处罚决定时施行的{}已不认为该行为是违法，依照{APL_37_CITATION}适用新的规定，不予行政处罚。",
                v(old),
                v(new)
            ),
            format!(
                "{} was in force at the violation; {} in force at the decision no longer treats the act as a violation, so the new rule applies (APL art. 37) and no penalty is imposed.",
                ve(old),
                ve(new)
            ),
        ));
    }
    Ok(match lightness(new, old) {
        Lightness::Lighter => sel(
            new,
            Applied::LighterNew,
            format!(
                "违法行为发生时施行{}；作出处罚决定时施行的{}处罚较轻，依照{APL_37_CITATION}适用新的规定。",
                v(old),
                v(new)
            ),
            format!(
                "{} was in force at the violation; {} in force at the decision is lighter, so the new rule applies (APL art. 37).",
                ve(old),
                ve(new)
            ),
        ),
        Lightness::Same | Lightness::Heavier => sel(
            old,
            Applied::AtViolation,
            format!(
                "适用违法行为发生时施行的{}；作出处罚决定时施行的{}处罚并不较轻（{APL_37_CITATION}）。",
                v(old),
                v(new)
            ),
            format!(
                "{} in force at the violation applies; {} in force at the decision is not lighter (APL art. 37).",
                ve(old),
                ve(new)
            ),
        ),
        Lightness::Incomparable => sel(
            old,
            Applied::AtViolationIncomparable,
            format!(
                "适用违法行为发生时施行的{}；无法比较作出处罚决定时施行的{}是否较轻，应经法制审核确认（{APL_37_CITATION}）。",
                v(old),
                v(new)
            ),
            format!(
                "{} in force at the violation applies; whether {} in force at the decision is lighter cannot be determined, legal review must confirm (APL art. 37).",
                ve(old),
                ve(new)
            ),
        ),
    })
}

/// A tenant's power list: the items, the general statutory grounds, the discretion benchmarks and
/// the exemption lists (all versioned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerList {
    pub format: String,
    pub tenant: String,
    pub title: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub general_grounds: Vec<GeneralGround>,
    pub items: Vec<PowerItem>,
    #[serde(default)]
    pub benchmarks: Vec<Benchmark>,
    #[serde(default)]
    pub exemption_lists: Vec<ExemptionList>,
}

#[derive(Debug, thiserror::Error)]
#[error("power list: {0}")]
pub struct ImportError(pub String);

impl PowerList {
    pub fn from_json(text: &str) -> Result<PowerList, ImportError> {
        let list: PowerList = serde_json::from_str(text).map_err(|e| ImportError(e.to_string()))?;
        if list.format != FORMAT {
            return Err(ImportError(format!("format is {:?}, expected {FORMAT:?}", list.format)));
        }
        let problems = list.problems();
        if !problems.is_empty() {
            return Err(ImportError(problems.join("; ")));
        }
        Ok(list)
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a power list serialises")
    }
    /// The embedded demo list.
    pub fn demo() -> PowerList {
        PowerList::from_json(DEMO_POWER_LIST).expect("the embedded demo power list is valid (tested)")
    }
    /// Every distinct item code, in order of first appearance.
    pub fn codes(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.items.iter().map(|i| i.code.as_str()).filter(|c| seen.insert(*c)).collect()
    }
    /// The item version in force on `day`.
    pub fn item(&self, code: &str, day: NaiveDate) -> Option<&PowerItem> {
        in_force(&self.items, code, day)
    }
    /// The item version a case applies (APL art. 37), compared for the party in `facts`.
    pub fn select_item(&self, code: &str, violation: NaiveDate, decision: NaiveDate, facts: &Facts) -> Result<Selection<'_, PowerItem>, Refusal> {
        select_version(&self.items, code, violation, decision, |new, old| new.lightness_vs(old, facts))
    }
    /// Consistency problems (empty when the list is sound).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut versions = BTreeSet::new();
        for i in &self.items {
            let at = format!("item {} v{}", i.code, i.version);
            if !versions.insert((i.code.clone(), i.version)) {
                out.push(format!("{at}: duplicate version"));
            }
            if i.levels.is_empty() {
                out.push(format!("{at}: no unit level may exercise it"));
            }
            if !i.no_longer_violation && i.bases(BasisRole::Penalty).next().is_none() {
                out.push(format!("{at}: no penalty basis"));
            }
            for b in &i.legal_basis {
                if b.verified && (b.quote.is_empty() || b.article.is_none()) {
                    out.push(format!("{at}: {} is verified without article and quote", b.citation()));
                }
            }
            if i.local != i.bases(BasisRole::Penalty).any(|b| b.local) {
                out.push(format!("{at}: `local` must be set exactly when a penalty basis is local"));
            }
            for f in &i.fines {
                let bad = match &f.amount {
                    FineAmount::Range { min_fen, max_fen } | FineAmount::PerUnit { min_fen, max_fen, .. } => *min_fen < 0 || min_fen > max_fen,
                    FineAmount::Multiple { min_permille, max_permille, .. } => min_permille > max_permille,
                    FineAmount::Unspecified => false,
                };
                if bad {
                    out.push(format!("{at}: fine range is inverted or negative"));
                }
                if f.verified && !i.legal_basis.iter().any(|b| b.verified && b.quote.contains(&f.words)) {
                    out.push(format!("{at}: the fine's words {:?} are not in a verified quote", f.words));
                }
            }
            if !i.fines.is_empty() && !i.penalty_types.contains(&PenaltyType::Fine) {
                out.push(format!("{at}: fines without the penalty type `fine`"));
            }
        }
        let codes: BTreeSet<&str> = self.items.iter().map(|i| i.code.as_str()).collect();
        for b in &self.benchmarks {
            if !codes.contains(b.item_code.as_str()) {
                out.push(format!("benchmark {} v{}: unknown item", b.item_code, b.version));
            }
            out.extend(b.problems());
        }
        for l in &self.exemption_lists {
            for e in &l.entries {
                if !codes.contains(e.item_code.as_str()) {
                    out.push(format!("exemption list {}: unknown item {}", l.code, e.item_code));
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// CSV: one row per item version. Scalar fields are plain cells; lists of codes are joined with
// `|`; `elements` are joined with newlines; `legal_basis`, `fines` and `measures` are JSON cells
// (the same objects as in the JSON format). RFC 4180 quoting; the first row is the header.

pub const CSV_HEADER: [&str; 20] = [
    "code",
    "version",
    "effective_from",
    "approval_ref",
    "no_longer_violation",
    "name",
    "name_en",
    "category",
    "levels",
    "local",
    "penalty_types",
    "order_to_correct",
    "elements",
    "procedure",
    "responsibility",
    "supervision",
    "legal_basis",
    "fines",
    "measures",
    "verified_national",
];

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn enum_code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

fn enum_parse<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, ImportError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| ImportError(format!("{s:?}: {e}")))
}

/// The items as CSV (header + one row per item version; `\r\n` line ends).
pub fn items_to_csv(items: &[PowerItem]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for i in items {
        let json = |v: serde_json::Value| v.to_string();
        let row = [
            i.code.clone(),
            i.version.to_string(),
            i.effective_from.to_string(),
            i.approval_ref.clone(),
            i.no_longer_violation.to_string(),
            i.name.clone(),
            i.name_en.clone(),
            i.category.code().to_owned(),
            i.levels.iter().map(|l| l.code()).collect::<Vec<_>>().join("|"),
            i.local.to_string(),
            i.penalty_types.iter().map(enum_code).collect::<Vec<_>>().join("|"),
            i.order_to_correct.clone().unwrap_or_default(),
            i.elements.join("\n"),
            i.procedure.clone(),
            i.responsibility.clone(),
            i.supervision.clone(),
            json(serde_json::to_value(&i.legal_basis).expect("serialises")),
            json(serde_json::to_value(&i.fines).expect("serialises")),
            json(serde_json::to_value(&i.measures).expect("serialises")),
            i.rests_on_verified_national_text().to_string(),
        ];
        out.push_str(&row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Parses RFC 4180 CSV into rows of cells.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ImportError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            '"' => return Err(ImportError(format!("row {}: stray quote", rows.len() + 1))),
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(ImportError("unterminated quoted cell".into()));
    }
    if any {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

/// Reads items from CSV written by [`items_to_csv`] (columns found by header name;
/// `verified_national` is derived and ignored on input). The first bad row is the error.
pub fn items_from_csv(text: &str) -> Result<Vec<PowerItem>, ImportError> {
    let (items, mut errors) = items_from_csv_rows(text)?;
    if errors.is_empty() {
        Ok(items.into_iter().map(|(_, i)| i).collect())
    } else {
        Err(errors.remove(0))
    }
}

/// The items read from CSV, each with its line, and the error of every row that could not be read.
pub type CsvRows = (Vec<(usize, PowerItem)>, Vec<ImportError>);

/// Like [`items_from_csv`], with the line of each item read (the header is line 1) and every bad
/// row's error (`row N: …`), not only the first. The error is a file that cannot be read at all
/// (quoting, a missing column).
pub fn items_from_csv_rows(text: &str) -> Result<CsvRows, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = parse_csv(text)?;
    let Some((header, body)) = rows.split_first() else { return Ok((Vec::new(), Vec::new())) };
    let col = |name: &str| header.iter().position(|h| h == name).ok_or_else(|| ImportError(format!("missing column {name}")));
    let idx: Vec<usize> = CSV_HEADER[..19].iter().map(|h| col(h)).collect::<Result<_, _>>()?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (n, r) in body.iter().enumerate() {
        if r.len() == 1 && r[0].is_empty() {
            continue;
        }
        let line = n + 2;
        match item_from_csv_row(line, r, &idx) {
            Ok(i) => items.push((line, i)),
            Err(e) => errors.push(e),
        }
    }
    Ok((items, errors))
}

fn item_from_csv_row(line: usize, r: &[String], idx: &[usize]) -> Result<PowerItem, ImportError> {
    let get = |k: usize| -> Result<&str, ImportError> { r.get(idx[k]).map(String::as_str).ok_or_else(|| ImportError(format!("row {line}: too few cells"))) };
    let err = |what: &str, e: &dyn std::fmt::Display| ImportError(format!("row {line}: {what}: {e}"));
    let list = |s: &str| -> Vec<String> {
        if s.is_empty() {
            Vec::new()
        } else {
            s.split('|').map(str::to_owned).collect()
        }
    };
    let boolean = |s: &str, what: &str| -> Result<bool, ImportError> { s.parse::<bool>().map_err(|e| err(what, &e)) };
    Ok(PowerItem {
        code: get(0)?.to_owned(),
        version: get(1)?.parse().map_err(|e| err("version", &e))?,
        effective_from: get(2)?.parse().map_err(|e| err("effective_from", &e))?,
        approval_ref: get(3)?.to_owned(),
        no_longer_violation: boolean(get(4)?, "no_longer_violation")?,
        name: get(5)?.to_owned(),
        name_en: get(6)?.to_owned(),
        category: Category::parse(get(7)?).ok_or_else(|| err("category", &get(7).unwrap_or_default()))?,
        levels: list(get(8)?).iter().map(|s| UnitLevel::parse(s).ok_or_else(|| err("levels", s))).collect::<Result<_, _>>()?,
        local: boolean(get(9)?, "local")?,
        penalty_types: list(get(10)?).iter().map(|s| enum_parse(s).map_err(|e| err("penalty_types", &e.0))).collect::<Result<_, _>>()?,
        order_to_correct: Some(get(11)?.to_owned()).filter(|s| !s.is_empty()),
        elements: if get(12)?.is_empty() { Vec::new() } else { get(12)?.split('\n').map(str::to_owned).collect() },
        procedure: get(13)?.to_owned(),
        responsibility: get(14)?.to_owned(),
        supervision: get(15)?.to_owned(),
        legal_basis: serde_json::from_str(get(16)?).map_err(|e| err("legal_basis", &e))?,
        fines: serde_json::from_str(get(17)?).map_err(|e| err("fines", &e))?,
        measures: serde_json::from_str(get(18)?).map_err(|e| err("measures", &e))?,
    })
}

// ---------------------------------------------------------------------------------------------
// Storage: a tenant's list is rows of `Table::PowerList`, one per version of an item, a benchmark
// or an exemption list (id `kind:code@version`, `data` = that version's JSON as above), and one
// header row (id `header`: format, title, note, general grounds). A new version is a new row.

/// What a stored power-list row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Header,
    Item,
    Benchmark,
    ExemptionList,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Header => "header",
            EntryKind::Item => "item",
            EntryKind::Benchmark => "benchmark",
            EntryKind::ExemptionList => "exemption_list",
        }
    }
    pub fn parse(s: &str) -> Option<EntryKind> {
        [EntryKind::Header, EntryKind::Item, EntryKind::Benchmark, EntryKind::ExemptionList].into_iter().find(|k| k.code() == s)
    }
}

/// One stored version (or the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub code: String,
    pub version: u32,
    /// Empty for the header.
    pub effective_from: String,
    pub approval_ref: String,
    /// The version's JSON.
    pub data: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    title: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    general_grounds: Vec<GeneralGround>,
}

fn json_of<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("power list values serialise")
}

impl Entry {
    pub fn id(&self) -> String {
        match self.kind {
            EntryKind::Header => "header".to_owned(),
            k => format!("{}:{}@{}", k.code(), self.code, self.version),
        }
    }
    pub fn item(i: &PowerItem) -> Entry {
        Entry {
            kind: EntryKind::Item,
            code: i.code.clone(),
            version: i.version,
            effective_from: i.effective_from.to_string(),
            approval_ref: i.approval_ref.clone(),
            data: json_of(i),
        }
    }
    pub fn benchmark(b: &Benchmark) -> Entry {
        Entry {
            kind: EntryKind::Benchmark,
            code: b.item_code.clone(),
            version: b.version,
            effective_from: b.effective_from.to_string(),
            approval_ref: b.approval_ref.clone(),
            data: json_of(b),
        }
    }
    pub fn exemption_list(l: &ExemptionList) -> Entry {
        Entry {
            kind: EntryKind::ExemptionList,
            code: l.code.clone(),
            version: l.version,
            effective_from: l.effective_from.to_string(),
            approval_ref: l.approval_ref.clone(),
            data: json_of(l),
        }
    }
    /// The row's after-image (`approved_by`: the account that recorded it, or `system`).
    pub fn to_row(&self, tenant_id: &str, approved_by: &str) -> crate::Row {
        crate::Row::new(crate::Table::PowerList)
            .set("tenant_id", tenant_id)
            .set("id", self.id())
            .set("kind", self.kind.code())
            .set("code", self.code.as_str())
            .set("version", i64::from(self.version))
            .set("effective_from", self.effective_from.as_str())
            .set("approval_ref", self.approval_ref.as_str())
            .set("approved_by", approved_by)
            .set("data", self.data.as_str())
            .set("active", true)
    }
    /// Reads a stored row back (`None` for an inactive row).
    pub fn from_row(r: &crate::Row) -> Result<Option<Entry>, ImportError> {
        let text = |c: &str| r.text(c).map(str::to_owned).ok_or_else(|| ImportError(format!("power_list_entries row without {c}")));
        let int = |c: &str| match r.values.get(c) {
            Some(crate::Value::Int(i)) => Ok(*i),
            _ => Err(ImportError(format!("power_list_entries row without {c}"))),
        };
        if int("active")? == 0 {
            return Ok(None);
        }
        let kind = text("kind")?;
        Ok(Some(Entry {
            kind: EntryKind::parse(&kind).ok_or_else(|| ImportError(format!("unknown entry kind {kind}")))?,
            code: text("code")?,
            version: u32::try_from(int("version")?).map_err(|e| ImportError(e.to_string()))?,
            effective_from: text("effective_from")?,
            approval_ref: text("approval_ref")?,
            data: text("data")?,
        }))
    }
}

impl PowerList {
    /// The list as stored entries: the header, then every version.
    pub fn entries(&self) -> Vec<Entry> {
        let header = Header { format: self.format.clone(), title: self.title.clone(), note: self.note.clone(), general_grounds: self.general_grounds.clone() };
        let mut out = vec![Entry {
            kind: EntryKind::Header,
            code: "header".into(),
            version: 0,
            effective_from: String::new(),
            approval_ref: String::new(),
            data: json_of(&header),
        }];
        out.extend(self.items.iter().map(Entry::item));
        out.extend(self.benchmarks.iter().map(Entry::benchmark));
        out.extend(self.exemption_lists.iter().map(Entry::exemption_list));
        out
    }
    /// Rebuilds a list from stored entries (ordered by kind, code and version); `tenant` names it.
    /// Without a header the list is empty (a tenant that has none yet).
    pub fn from_entries(tenant: &str, entries: &[Entry]) -> Result<PowerList, ImportError> {
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sorted.sort_by(|a, b| (a.kind, &a.code, a.version).cmp(&(b.kind, &b.code, b.version)));
        let mut list = PowerList {
            format: FORMAT.into(),
            tenant: tenant.into(),
            title: String::new(),
            note: String::new(),
            general_grounds: Vec::new(),
            items: Vec::new(),
            benchmarks: Vec::new(),
            exemption_lists: Vec::new(),
        };
        let bad = |e: &Entry, err: serde_json::Error| ImportError(format!("{}: {err}", e.id()));
        for e in sorted {
            match e.kind {
                EntryKind::Header => {
                    let h: Header = serde_json::from_str(&e.data).map_err(|x| bad(e, x))?;
                    list.title = h.title;
                    list.note = h.note;
                    list.general_grounds = h.general_grounds;
                }
                EntryKind::Item => list.items.push(serde_json::from_str(&e.data).map_err(|x| bad(e, x))?),
                EntryKind::Benchmark => list.benchmarks.push(serde_json::from_str(&e.data).map_err(|x| bad(e, x))?),
                EntryKind::ExemptionList => list.exemption_lists.push(serde_json::from_str(&e.data).map_err(|x| bad(e, x))?),
            }
        }
        Ok(list)
    }
    /// Every version of one item, oldest first.
    pub fn versions(&self, code: &str) -> Vec<&PowerItem> {
        let mut v: Vec<&PowerItem> = self.items.iter().filter(|i| i.code == code).collect();
        v.sort_by_key(|i| (i.effective_from, i.version));
        v
    }
}

/// A field-by-field difference of two JSON values: `(path, old, new)` for every leaf that differs
/// (paths like `fines/0/amount/max_fen`; an element missing on one side is `null` there).
pub fn json_diff(old: &serde_json::Value, new: &serde_json::Value) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    use serde_json::Value as J;
    fn walk(path: &str, a: &J, b: &J, out: &mut Vec<(String, J, J)>) {
        let sub = |k: &str| if path.is_empty() { k.to_owned() } else { format!("{path}/{k}") };
        match (a, b) {
            (J::Object(x), J::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    walk(&sub(k), x.get(k).unwrap_or(&J::Null), y.get(k).unwrap_or(&J::Null), out);
                }
            }
            (J::Array(x), J::Array(y)) => {
                for n in 0..x.len().max(y.len()) {
                    walk(&sub(&n.to_string()), x.get(n).unwrap_or(&J::Null), y.get(n).unwrap_or(&J::Null), out);
                }
            }
            _ if a != b => out.push((path.to_owned(), a.clone(), b.clone())),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    out
}

/// Yuan with fen only when needed: 50000 → "500元", 1250 → "12.50元".
pub fn yuan(fen: Fen) -> String {
    if fen % 100 == 0 {
        format!("{}元", fen / 100)
    } else {
        format!("{}.{:02}元", fen / 100, (fen % 100).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_entries_round_trip_and_diff() {
        let list = PowerList::demo();
        let rows: Vec<crate::Row> = list.entries().iter().map(|e| e.to_row("t", "system")).collect();
        let back: Vec<Entry> = rows.iter().map(|r| Entry::from_row(r).unwrap().unwrap()).collect();
        let again = PowerList::from_entries(&list.tenant, &back).unwrap();
        assert!(again.problems().is_empty());
        assert_eq!(again.title, list.title);
        assert_eq!(again.general_grounds, list.general_grounds);
        let set = |l: &PowerList| l.entries().into_iter().map(|e| (e.id(), e.data)).collect::<std::collections::BTreeMap<_, _>>();
        assert_eq!(set(&again), set(&list));
        let a = serde_json::json!({"name": "x", "fines": [{"max": 1}], "same": 1});
        let b = serde_json::json!({"name": "y", "fines": [{"max": 2}, {"max": 3}], "same": 1});
        let d: Vec<String> = json_diff(&a, &b).into_iter().map(|(p, _, _)| p).collect();
        assert_eq!(d, ["fines/0/max", "fines/1", "name"]);
    }
    use crate::discretion::Facts;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(version: u32, from: &str, max_fen: Fen) -> PowerItem {
        PowerItem {
            code: "T-1".into(),
            version,
            effective_from: d(from),
            approval_ref: format!("示范〔{}〕{version}号", &from[..4]),
            no_longer_violation: false,
            name: "测试事项".into(),
            name_en: "test item".into(),
            category: Category::UrbanAppearance,
            levels: vec![UnitLevel::Street],
            legal_basis: vec![LegalBasis {
                law: "测试条例".into(),
                law_version: None,
                article: Some(34),
                paragraph: None,
                clause: Some(2),
                role: BasisRole::Penalty,
                quote: "处一百元以上五百元以下的罚款".into(),
                verified: false,
                local: false,
            }],
            elements: vec!["要件".into()],
            penalty_types: vec![PenaltyType::Fine],
            fines: vec![FineRule {
                party: Party::Any,
                amount: FineAmount::Range { min_fen: 10_000, max_fen },
                requires: vec![],
                words: "罚款".into(),
                verified: false,
                local: false,
            }],
            measures: vec![],
            order_to_correct: Some("责令改正".into()),
            procedure: String::new(),
            responsibility: String::new(),
            supervision: String::new(),
            local: false,
        }
    }

    #[test]
    fn citation_format() {
        let b = &item(1, "2020-01-01", 50_000).legal_basis[0];
        assert_eq!(b.citation(), "《测试条例》第三十四条第（二）项");
        assert_eq!(b.cited(), "《测试条例》第三十四条第（二）项（未核实 unverified）");
        assert_eq!(chinese_number(111), "一百一十一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(105), "一百零五");
    }

    #[test]
    fn version_old_rule_lighter_applies_old() {
        let v = [item(1, "2020-01-01", 50_000), item(2, "2023-01-01", 100_000)];
        let f = Facts::default();
        let s = select_version(&v, "T-1", d("2022-06-01"), d("2023-02-01"), |n, o| n.lightness_vs(o, &f)).unwrap();
        assert_eq!(s.why, Applied::AtViolation);
        assert_eq!(s.applied.version, 1);
        assert_eq!(
            s.reason_zh,
            "适用违法行为发生时施行的第1版（2020-01-01起施行，示范〔2020〕1号）；作出处罚决定时施行的第2版（2023-01-01起施行，示范〔2023〕2号）处罚并不较轻（《行政处罚法》第三十七条）。"
        );
        assert!(s.reason_en.contains("version 1"), "{}", s.reason_en);
    }

    #[test]
    fn version_new_rule_lighter_applies_new() {
        let v = [item(1, "2020-01-01", 100_000), item(2, "2023-01-01", 50_000)];
        let f = Facts::default();
        let s = select_version(&v, "T-1", d("2022-06-01"), d("2023-02-01"), |n, o| n.lightness_vs(o, &f)).unwrap();
        assert_eq!(s.why, Applied::LighterNew);
        assert_eq!(s.applied.version, 2);
        assert!(s.reason_zh.contains("处罚较轻，依照《行政处罚法》第三十七条适用新的规定"));
    }

    #[test]
    fn version_new_rule_no_longer_a_violation() {
        let mut gone = item(2, "2023-01-01", 100_000);
        gone.no_longer_violation = true;
        let v = [item(1, "2020-01-01", 50_000), gone];
        let f = Facts::default();
        let s = select_version(&v, "T-1", d("2022-06-01"), d("2023-02-01"), |n, o| n.lightness_vs(o, &f)).unwrap();
        assert_eq!(s.why, Applied::NoLongerViolation);
        assert!(s.reason_zh.contains("已不认为该行为是违法"));
        assert!(s.reason_en.contains("no longer treats the act as a violation"));
        // a violation after the repeal is no violation at all
        let e = select_version(&v, "T-1", d("2023-06-01"), d("2023-07-01"), |n, o| n.lightness_vs(o, &f)).unwrap_err();
        assert_eq!(e.code, "version.not_a_violation");
    }

    #[test]
    fn version_boundaries() {
        let v = [item(1, "2020-01-01", 100_000), item(2, "2023-01-01", 50_000)];
        let f = Facts::default();
        let sel = |a: &str, b: &str| select_version(&v, "T-1", d(a), d(b), |n, o| n.lightness_vs(o, &f));
        // the effective date itself is in force
        assert_eq!(sel("2023-01-01", "2023-01-02").unwrap().why, Applied::Unchanged);
        assert_eq!(sel("2022-12-31", "2022-12-31").unwrap().applied.version, 1);
        assert_eq!(sel("2019-12-31", "2023-01-02").unwrap_err().code, "version.none_at_violation");
        assert_eq!(sel("2023-01-02", "2023-01-01").unwrap_err().code, "version.decision_before_violation");
        // different kinds of amount cannot be ranked
        let mut other = item(2, "2023-01-01", 0);
        other.fines[0].amount = FineAmount::Unspecified;
        let w = [item(1, "2020-01-01", 100_000), other];
        let s = select_version(&w, "T-1", d("2022-01-01"), d("2023-03-01"), |n, o| n.lightness_vs(o, &f)).unwrap();
        assert_eq!(s.why, Applied::AtViolationIncomparable);
        // a heavier penalty type makes the new rule heavier whatever the fine
        let mut heavier = item(2, "2023-01-01", 10_000);
        heavier.penalty_types.push(PenaltyType::Closure);
        let w = [item(1, "2020-01-01", 100_000), heavier];
        let s = select_version(&w, "T-1", d("2022-01-01"), d("2023-03-01"), |n, o| n.lightness_vs(o, &f)).unwrap();
        assert_eq!(s.why, Applied::AtViolation);
    }

    #[test]
    fn csv_round_trip_of_awkward_cells() {
        let mut i = item(1, "2020-01-01", 50_000);
        i.name = "含,逗号\"引号\"\n换行".into();
        i.elements = vec!["一".into(), "二, 三".into()];
        i.levels = vec![UnitLevel::Bureau, UnitLevel::Street];
        let csv = items_to_csv(&[i.clone()]);
        assert_eq!(items_from_csv(&csv).unwrap(), vec![i]);
        assert!(parse_csv("a,\"b\nc").is_err());
    }

    #[test]
    fn demo_list_round_trips_json_and_csv() {
        let list = PowerList::demo();
        assert!(list.problems().is_empty(), "{:#?}", list.problems());
        let again = PowerList::from_json(&list.to_json()).unwrap();
        assert_eq!(again, list);
        let csv = items_to_csv(&list.items);
        assert_eq!(items_from_csv(&csv).unwrap(), list.items);
        // with a byte-order mark and LF line ends, as spreadsheets write it
        let lf = format!("\u{feff}{}", csv.replace("\r\n", "\n"));
        assert_eq!(items_from_csv(&lf).unwrap(), list.items);
    }

    #[test]
    fn import_refuses_bad_documents() {
        let mut list = PowerList::demo();
        list.format = "other".into();
        assert!(PowerList::from_json(&list.to_json()).is_err());
        let mut list = PowerList::demo();
        let dup = list.items[0].clone();
        list.items.push(dup);
        let e = PowerList::from_json(&list.to_json()).unwrap_err();
        assert!(e.0.contains("duplicate version"), "{e}");
    }

    #[test]
    fn unit_levels() {
        let i = item(1, "2020-01-01", 50_000);
        assert!(i.may_be_exercised_by(OrgKind::StreetEnforcementTeam));
        assert!(!i.may_be_exercised_by(OrgKind::Bureau));
        assert!(!i.may_be_exercised_by(OrgKind::Company));
        assert_eq!(yuan(50_000), "500元");
        assert_eq!(yuan(1_250), "12.50元");
    }
}
