//! Fine receipts (罚没款收据): the finance department's numbered forms an officer must hand over when
//! collecting a fine on the spot (APL art. 70). Each is tracked from issue to an officer through
//! use on a case, voiding or return (seed 004 经费 2, 执行 2). Pure: the caller reads and writes rows.

use crate::case::rows::timestamp;
use crate::{Refusal, Row, Table, Value};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineReceipt {
    /// The printed number.
    pub id: String,
    pub unit_id: String,
    /// The officer (person id) holding it.
    pub holder: String,
    /// issued | used | voided | returned
    pub status: String,
    pub case_id: Option<String>,
    pub issued_at: NaiveDateTime,
    pub issued_by: String,
    pub changed_at: Option<NaiveDateTime>,
    pub note: Option<String>,
    pub version: i64,
}

const CITATION: &str = "《行政处罚法》第七十条；种子文件004“经费2”“执行2”（票据管理）";

/// Most receipts one command issues.
pub const MAX_ISSUE: usize = 500;

impl FineReceipt {
    pub fn to_row(&self, tenant: &str) -> Row {
        Row::new(Table::FineReceipts)
            .set("tenant_id", tenant)
            .set("id", self.id.as_str())
            .set("unit_id", self.unit_id.as_str())
            .set("holder", self.holder.as_str())
            .set("status", self.status.as_str())
            .set("case_id", self.case_id.clone())
            .set("issued_at", timestamp(self.issued_at))
            .set("issued_by", self.issued_by.as_str())
            .set("changed_at", self.changed_at.map(timestamp))
            .set("note", self.note.clone())
            .set("version", self.version)
    }

    pub fn from_row(r: &Row) -> Option<FineReceipt> {
        let t = |k: &str| r.text(k).map(str::to_owned);
        let at = |k: &str| r.text(k).and_then(|v| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S").ok());
        Some(FineReceipt {
            id: t("id")?,
            unit_id: t("unit_id")?,
            holder: t("holder")?,
            status: t("status")?,
            case_id: t("case_id"),
            issued_at: at("issued_at")?,
            issued_by: t("issued_by")?,
            changed_at: at("changed_at"),
            note: t("note"),
            version: match r.values.get("version") {
                Some(Value::Int(v)) => *v,
                _ => 0,
            },
        })
    }
}

/// Issues numbered receipts to an officer. `numbers` are the printed numbers; none may be blank,
/// repeated or already known (`existing`).
pub fn issue(numbers: &[String], holder: &str, unit_id: &str, by: &str, existing: &[String], now: NaiveDateTime) -> Result<Vec<FineReceipt>, Refusal> {
    if numbers.is_empty() || numbers.len() > MAX_ISSUE {
        return Err(Refusal::new("receipt.count", format!("一次领用1至{MAX_ISSUE}张"), format!("issue 1–{MAX_ISSUE} receipts at a time")));
    }
    let mut seen = std::collections::BTreeSet::new();
    for n in numbers {
        let n = n.trim();
        if n.is_empty() || n.len() > 64 || !seen.insert(n.to_owned()) {
            return Err(Refusal::new("receipt.number", format!("票据号无效或重复: {n}"), format!("blank or repeated receipt number: {n}")));
        }
        if existing.iter().any(|e| e == n) {
            return Err(Refusal::new("receipt.exists", format!("票据号{n}已登记"), format!("receipt {n} is already registered")).with_rule(CITATION));
        }
    }
    Ok(numbers
        .iter()
        .map(|n| FineReceipt {
            id: n.trim().to_owned(),
            unit_id: unit_id.to_owned(),
            holder: holder.to_owned(),
            status: "issued".into(),
            case_id: None,
            issued_at: now,
            issued_by: by.to_owned(),
            changed_at: None,
            note: None,
            version: 1,
        })
        .collect())
}

/// Uses a receipt for a collection on a case: it must be issued to the collecting officer and unused.
pub fn use_for(r: &FineReceipt, person: &str, case_id: &str, now: NaiveDateTime) -> Result<FineReceipt, Refusal> {
    if r.status != "issued" {
        return Err(Refusal::new(
            "receipt.not_available",
            format!("票据{}状态为“{}”，不能使用", r.id, status_zh(&r.status)),
            format!("receipt {} is {}, not available", r.id, r.status),
        )
        .with_rule(CITATION));
    }
    if r.holder != person {
        return Err(
            Refusal::new("receipt.not_holder", format!("票据{}未领用给本人", r.id), format!("receipt {} was not issued to you", r.id)).with_rule(CITATION)
        );
    }
    Ok(FineReceipt { status: "used".into(), case_id: Some(case_id.to_owned()), changed_at: Some(now), version: r.version + 1, ..r.clone() })
}

/// Voids an unused receipt (spoilt form); the holder or a leader, with a reason.
pub fn void(r: &FineReceipt, reason: &str, now: NaiveDateTime) -> Result<FineReceipt, Refusal> {
    if reason.trim().is_empty() {
        return Err(Refusal::new("receipt.reason", "作废须说明理由", "a reason is required"));
    }
    if r.status != "issued" {
        return Err(Refusal::new(
            "receipt.not_available",
            format!("票据{}状态为“{}”，不能作废", r.id, status_zh(&r.status)),
            format!("receipt {} is {}", r.id, r.status),
        ));
    }
    Ok(FineReceipt { status: "voided".into(), note: Some(reason.trim().to_owned()), changed_at: Some(now), version: r.version + 1, ..r.clone() })
}

/// Returns an unused receipt to the finance department.
pub fn give_back(r: &FineReceipt, now: NaiveDateTime) -> Result<FineReceipt, Refusal> {
    if r.status != "issued" {
        return Err(Refusal::new(
            "receipt.not_available",
            format!("票据{}状态为“{}”，不能缴回", r.id, status_zh(&r.status)),
            format!("receipt {} is {}", r.id, r.status),
        ));
    }
    Ok(FineReceipt { status: "returned".into(), changed_at: Some(now), version: r.version + 1, ..r.clone() })
}

pub fn status_zh(s: &str) -> &'static str {
    match s {
        "issued" => "已领用",
        "used" => "已使用",
        "voided" => "已作废",
        "returned" => "已缴回",
        _ => "未知",
    }
}
