//! The case-procedure rules that are not periods (`rules/case.toml`): approval chains, document
//! numbering, the hearing right and the grounds of a major case.

use crate::auth::Role;
use crate::org::OrgKind;
use crate::power::PenaltyType;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CASE_RULES: &str = include_str!("../../../../rules/case.toml");

/// An act that passes an approval chain (逐级报批).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainAct {
    Filing,
    Decline,
    Transfer,
    NoCase,
    PenaltyNotice,
    Decision,
    Preservation,
    Suspension,
    Extension,
    Termination,
    TransferOut,
    Closing,
}

impl ChainAct {
    pub const ALL: [ChainAct; 12] = [
        ChainAct::Filing,
        ChainAct::Decline,
        ChainAct::Transfer,
        ChainAct::NoCase,
        ChainAct::PenaltyNotice,
        ChainAct::Decision,
        ChainAct::Preservation,
        ChainAct::Suspension,
        ChainAct::Extension,
        ChainAct::Termination,
        ChainAct::TransferOut,
        ChainAct::Closing,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ChainAct::Filing => "filing",
            ChainAct::Decline => "decline",
            ChainAct::Transfer => "transfer",
            ChainAct::NoCase => "no_case",
            ChainAct::PenaltyNotice => "penalty_notice",
            ChainAct::Decision => "decision",
            ChainAct::Preservation => "preservation",
            ChainAct::Suspension => "suspension",
            ChainAct::Extension => "extension",
            ChainAct::Termination => "termination",
            ChainAct::TransferOut => "transfer_out",
            ChainAct::Closing => "closing",
        }
    }
    pub fn parse(s: &str) -> Option<ChainAct> {
        ChainAct::ALL.into_iter().find(|a| a.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            ChainAct::Filing => "立案审批",
            ChainAct::Decline => "不予立案审批",
            ChainAct::Transfer => "移送审批",
            ChainAct::NoCase => "不予立案（教育指导）审批",
            ChainAct::PenaltyNotice => "行政处罚事先告知审批",
            ChainAct::Decision => "行政处罚决定审批",
            ChainAct::Preservation => "先行登记保存审批",
            ChainAct::Suspension => "案件中止审批",
            ChainAct::Extension => "延长办案期限审批",
            ChainAct::Termination => "案件终止审批",
            ChainAct::TransferOut => "案件移送审批",
            ChainAct::Closing => "结案审批",
        }
    }
}

/// One step of a chain: who must give an opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub role: Role,
    /// The approver's grant must be on a unit of this kind at or above the case's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_kind: Option<OrgKind>,
    /// Only for major cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl Step {
    pub fn applies(&self, major: bool) -> bool {
        match self.when.as_deref() {
            Some("major") => major,
            _ => true,
        }
    }
}

/// A configured chain with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub steps: Vec<Step>,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize)]
struct ChainsFile {
    citation: String,
    #[serde(flatten)]
    acts: BTreeMap<String, Vec<Step>>,
}

/// How document numbers are allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberingMode {
    PerType,
    CaseSeries,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Numbering {
    pub mode: NumberingMode,
    pub template: String,
    pub citation: String,
    pub types: BTreeMap<String, String>,
}

impl Numbering {
    /// Renders a number from its stored parts (the template decides the form).
    pub fn render(&self, subject: &str, type_code: &str, year: i32, seq: i64) -> String {
        self.template.replace("{subject}", subject).replace("{type}", type_code).replace("{year}", &year.to_string()).replace("{seq}", &seq.to_string())
    }
    pub fn type_code(&self, document: &str) -> String {
        self.types.get(document).cloned().unwrap_or_else(|| document.to_owned())
    }
    /// The sequence a number is drawn from.
    pub fn series(&self, subject_unit: &str, document: &str, day: NaiveDate) -> String {
        match self.mode {
            NumberingMode::PerType => format!("{subject_unit}:{}:{}", document, day.year()),
            NumberingMode::CaseSeries => format!("{subject_unit}:case:{}", day.year()),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Hearing {
    pub citation: String,
    pub penalty_types: Vec<PenaltyType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorGround {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Major {
    pub citation: String,
    pub grounds: Vec<MajorGround>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reviewers {
    pub qualification_required_from: toml::value::Datetime,
    pub citation: String,
}

impl Reviewers {
    pub fn from_date(&self) -> NaiveDate {
        let d = self.qualification_required_from.date.expect("a date");
        NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()).expect("a valid date")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceRules {
    pub two_officers: Vec<String>,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CertificateRules {
    pub comprehensive: Vec<String>,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeadlineRules {
    /// Periods that are the party's, not the bureau's: elapsed, never overdue.
    pub party_periods: Vec<String>,
}

/// The case file (卷宗): layout, section order, retention and the review checklist.
#[derive(Debug, Clone, Deserialize)]
pub struct CaseFileRules {
    pub citation: String,
    /// single | split (正卷 / 副卷)
    pub layout: String,
    /// Section codes in filing order.
    pub order: Vec<String>,
    /// Sections that go to the internal volume when split.
    pub internal: Vec<String>,
    pub retention: String,
    pub retentions: Vec<String>,
    pub checklist: Vec<ChecklistItem>,
}

/// One item of the case-file review checklist (案卷评查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub max: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    case_file: CaseFileRules,
    deadlines: DeadlineRules,
    certificates: CertificateRules,
    chains: ChainsFile,
    numbering: Numbering,
    hearing: Hearing,
    major: Major,
    reviewers: Reviewers,
    evidence: EvidenceRules,
}

/// The parsed case rules.
#[derive(Debug, Clone)]
pub struct CaseRules {
    pub chains: BTreeMap<ChainAct, Chain>,
    pub numbering: Numbering,
    pub hearing: Hearing,
    pub major: Major,
    pub reviewers: Reviewers,
    pub evidence: EvidenceRules,
    pub certificates: CertificateRules,
    pub deadlines: DeadlineRules,
    pub case_file: CaseFileRules,
}

impl CaseRules {
    pub fn parse(text: &str) -> Result<CaseRules, String> {
        let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut chains = BTreeMap::new();
        for (k, steps) in f.chains.acts {
            let act = ChainAct::parse(&k).ok_or_else(|| format!("unknown act in [chains]: {k}"))?;
            chains.insert(act, Chain { steps, citation: f.chains.citation.clone() });
        }
        for act in ChainAct::ALL {
            if !chains.contains_key(&act) {
                return Err(format!("[chains] has no chain for {}", act.code()));
            }
        }
        Ok(CaseRules {
            chains,
            numbering: f.numbering,
            hearing: f.hearing,
            major: f.major,
            reviewers: f.reviewers,
            evidence: f.evidence,
            certificates: f.certificates,
            deadlines: f.deadlines,
            case_file: f.case_file,
        })
    }
    pub fn national() -> &'static CaseRules {
        static R: std::sync::OnceLock<CaseRules> = std::sync::OnceLock::new();
        R.get_or_init(|| CaseRules::parse(CASE_RULES).expect("rules/case.toml is valid"))
    }
    pub fn major_ground(&self, code: &str) -> Option<&MajorGround> {
        self.major.grounds.iter().find(|g| g.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_case_rules_parse_and_number_in_gbt_9704_form() {
        let r = CaseRules::national();
        assert_eq!(r.chains[&ChainAct::Decision].steps.last().unwrap().role, Role::Leader);
        assert_eq!(r.numbering.render("江汉城管", "罚决", 2026, 12), "江汉城管罚决字〔2026〕12号");
        assert_eq!(r.reviewers.from_date(), NaiveDate::from_ymd_opt(2021, 7, 15).unwrap());
        assert!(r.major_ground("complex").is_some());
    }
}
