//! The power list (权责清单) and the discretion calculator, per tenant: JSON API, logged-in pages
//! and the public pages 《行政处罚法》第三十四条 requires (裁量基准应当向社会公布).
//!
//! Storage: `power_list_entries`, one row per version of an item, a benchmark or an exemption list
//! (`chengguan_domain::power::Entry`), written only through `Store::commit`: a new item version is
//! one ledger entry, an import is one ledger entry. Versions are never rewritten: importing a
//! version that exists with other content is refused. Reading: any logged-in role, and the public.
//! Writing: administrators of the whole tenant (`manage_org` over every root unit, as for rule
//! overrides); the approving act (e.g. the leaders' meeting) is the version's `approval_ref`.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{Json, Query};
use crate::i18n::Lang;
use crate::overrides::{can_manage_rules, require_rules_admin};
use crate::services::{paging, Page};
use crate::ui::{nav, page, Nav, UiCtx, UiErr, UiResult};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::discretion::{self, AmountCheck, Assessment, Benchmark, ExemptionList, Facts, Harm, Tier, TierRange};
use chengguan_domain::power::{self, Category, Entry, FineAmount, FineRule, Party, PowerItem, PowerList, Versioned};
use chengguan_domain::{Change, Table};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value as J;
use utoipa::{IntoParams, ToSchema};

/// Largest power list accepted by the import (the demo list is about 300 KB).
pub const IMPORT_LIMIT: usize = 8 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/power-items", get(api_list))
        .route("/api/v1/power-items/{code}", get(api_item))
        .route("/api/v1/power-items/{code}/versions", post(api_add_version))
        .route("/api/v1/power-items/{code}/diff", get(api_diff))
        .route("/api/v1/power-items/{code}/assess", post(api_assess))
        .route("/api/v1/power-items/{code}/benchmark/versions", post(api_add_benchmark_version))
        .route("/api/v1/power-items/{code}/benchmark/diff", get(api_benchmark_diff))
        .route("/api/v1/exemption-lists/{code}/versions", post(api_add_exemption_list_version))
        .route("/api/v1/exemption-lists/{code}/diff", get(api_exemption_list_diff))
        .route("/api/v1/power-list/import", post(api_import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)))
        .route("/api/v1/power-list/export", get(api_export))
        .route("/api/v1/public/power-items", get(public_list))
        .route("/api/v1/public/power-items/{code}", get(public_item))
        .route("/power", get(ui_list))
        .route("/power/import", post(ui_import).layer(DefaultBodyLimit::max(IMPORT_LIMIT * 3)))
        .route("/power/{code}", get(ui_item))
        .route("/power/{code}/versions", post(ui_add_version))
        .route("/power/{code}/calculator", get(ui_calculator))
        .route("/public/power-list", get(public_list_page))
        .route("/public/power-list/{code}", get(public_item_page))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

// ------------------------------------------------------------------ reading the stored list

/// A tenant's stored list (empty when it has none).
pub async fn load(state: &AppState, tenant_id: &str, tenant_code: &str) -> ApiResult<PowerList> {
    let rows = state.store.table_rows(tenant_id, Table::PowerList).await?;
    let mut entries = Vec::new();
    for r in &rows {
        if let Some(e) = Entry::from_row(r).map_err(internal)? {
            entries.push(e);
        }
    }
    PowerList::from_entries(tenant_code, &entries).map_err(internal)
}

fn internal(e: power::ImportError) -> AppError {
    let id = uuid::Uuid::now_v7();
    tracing::error!(error = %e, %id, "stored power list unreadable");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("内部错误 ({id})"), format!("internal error ({id})"))
}

async fn tenant_code(ctx: &Ctx) -> ApiResult<String> {
    Ok(ctx.state.store.tenant(&ctx.tenant_id).await?.map(|t| t.code).unwrap_or_default())
}

async fn load_for(ctx: &Ctx) -> ApiResult<PowerList> {
    let code = tenant_code(ctx).await?;
    load(&ctx.state, &ctx.tenant_id, &code).await
}

/// The tenant a public request names (`?tenant=<code>`); with a single tenant it may be omitted.
async fn public_tenant(state: &AppState, code: Option<&str>) -> ApiResult<chengguan_store::Tenant> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => state.store.tenant_by_code(c).await?.ok_or_else(|| AppError::not_found(&format!("租户 {c}"), &format!("tenant {c}"))),
        None => {
            let mut all = state.store.tenants().await?;
            if all.len() == 1 {
                Ok(all.remove(0))
            } else {
                Err(AppError::bad_request("missing_tenant", "请用 ?tenant=<租户代码> 指明租户", "name the tenant with ?tenant=<tenant code>"))
            }
        }
    }
}

// ------------------------------------------------------------------ views

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemSummary {
    pub code: String,
    /// The version in force today (else the latest).
    pub version: u32,
    pub effective_from: String,
    pub name: String,
    pub name_en: String,
    pub category: String,
    pub category_zh: String,
    pub levels: Vec<String>,
    /// Rests on a local (non-national) penalty basis.
    pub local: bool,
    pub no_longer_violation: bool,
    pub penalty_types: Vec<String>,
    /// The fines as the text sets them, in Chinese.
    pub fines: Vec<String>,
    /// Citations of every legal basis.
    pub basis: Vec<String>,
    /// How many versions the item has.
    pub versions: usize,
}

fn fine_text(f: &FineRule) -> String {
    let party = if f.party == Party::Any { String::new() } else { format!("{}：", f.party.zh()) };
    let amount = match &f.amount {
        FineAmount::Range { min_fen: 0, max_fen } => format!("{}以下", power::yuan(*max_fen)),
        FineAmount::Range { min_fen, max_fen } => format!("{}至{}", power::yuan(*min_fen), power::yuan(*max_fen)),
        FineAmount::PerUnit { unit, min_fen, max_fen } => format!("每{unit}{}至{}", power::yuan(*min_fen), power::yuan(*max_fen)),
        FineAmount::Multiple { base, min_permille, max_permille } => {
            format!("{}的{}‰至{}‰", base.zh(), min_permille, max_permille)
        }
        FineAmount::Unspecified => "罚款（法律未规定数额）".to_owned(),
    };
    let req: Vec<String> = f.requires.iter().map(|c| c.zh("")).collect();
    let req = if req.is_empty() { String::new() } else { format!("（{}）", req.join("、")) };
    format!("{party}{amount}{req}")
}

/// The version of an item shown today: in force today, else the latest.
fn current<'a>(list: &'a PowerList, code: &str, today: NaiveDate) -> Option<&'a PowerItem> {
    list.item(code, today).or_else(|| list.versions(code).last().copied())
}

fn summary(list: &PowerList, i: &PowerItem) -> ItemSummary {
    ItemSummary {
        code: i.code.clone(),
        version: i.version,
        effective_from: i.effective_from.to_string(),
        name: i.name.clone(),
        name_en: i.name_en.clone(),
        category: i.category.code().to_owned(),
        category_zh: i.category.zh().to_owned(),
        levels: i.levels.iter().map(|l| l.code().to_owned()).collect(),
        local: i.local,
        no_longer_violation: i.no_longer_violation,
        penalty_types: i.penalty_types.iter().map(|p| p.zh().to_owned()).collect(),
        fines: i.fines.iter().map(fine_text).collect(),
        basis: i.legal_basis.iter().map(|b| b.citation()).collect(),
        versions: list.versions(&i.code).len(),
    }
}

/// Does any version of the item mention `q` in its code, name, category, elements or legal basis
/// (law, citation and quoted text)?
fn mentions(list: &PowerList, code: &str, q: &str) -> bool {
    let q = q.to_lowercase();
    list.versions(code).iter().any(|i| {
        let mut hay = vec![
            i.code.clone(),
            i.name.clone(),
            i.name_en.to_lowercase(),
            i.category.code().to_owned(),
            i.category.zh().to_owned(),
            i.category.en().to_lowercase(),
        ];
        hay.extend(i.elements.iter().cloned());
        for b in &i.legal_basis {
            hay.push(b.law.clone());
            hay.push(b.citation());
            hay.push(b.quote.clone());
        }
        hay.iter().any(|h| h.to_lowercase().contains(&q))
    })
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Text in the code, name, category, elements or legal basis (law, article, quoted text).
    pub q: Option<String>,
    /// Category code, e.g. `urban_appearance`.
    pub category: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
    /// Public endpoints only: the tenant's code (e.g. `jianghan`).
    pub tenant: Option<String>,
}

fn search(list: &PowerList, f: &ListQuery, today: NaiveDate) -> ApiResult<Page<ItemSummary>> {
    let (offset, limit) = paging(f.offset, f.limit)?;
    let category = match f.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(Category::parse(c).ok_or_else(|| AppError::bad_request("invalid_category", format!("未知类别 {c}"), format!("unknown category {c}")))?),
        None => None,
    };
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let all: Vec<ItemSummary> = list
        .codes()
        .into_iter()
        .filter_map(|c| current(list, c, today))
        .filter(|i| category.is_none_or(|c| i.category == c))
        .filter(|i| q.is_none_or(|q| mentions(list, &i.code, q)))
        .map(|i| summary(list, i))
        .collect();
    let total = all.len();
    Ok(Page { items: all.into_iter().skip(offset).take(limit).collect(), total, offset, limit })
}

/// A 首违不罚 / 轻微违法免罚 list entry for an item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExemptionView {
    pub list_code: String,
    pub list_name: String,
    /// `first_offence` or `minor_offence`.
    pub kind: String,
    pub version: u32,
    pub effective_from: String,
    pub approval_ref: String,
    /// The statute's own conditions and the list's, in Chinese.
    pub conditions: Vec<String>,
    pub note: String,
    pub basis: String,
    pub basis_quote: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemDetail {
    pub summary: ItemSummary,
    /// Every version, oldest first, in the format of docs/power-list.md.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<PowerItem>,
    /// Every version of the item's discretion benchmark, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub benchmarks: Vec<Benchmark>,
    /// The exemption list entries naming the item, every list version.
    pub exemptions: Vec<ExemptionView>,
}

fn exemptions_of(list: &PowerList, code: &str) -> Vec<ExemptionView> {
    let mut out = Vec::new();
    for l in &list.exemption_lists {
        for e in l.entries.iter().filter(|e| e.item_code == code) {
            let mut conditions: Vec<String> = l.kind.statutory_conditions().iter().map(|c| c.zh("")).collect();
            conditions.extend(e.when.iter().map(|c| c.zh(&unit_of(list, code))));
            out.push(ExemptionView {
                list_code: l.code.clone(),
                list_name: l.name.clone(),
                kind: match l.kind {
                    discretion::ExemptionKind::FirstOffence => "first_offence".into(),
                    discretion::ExemptionKind::MinorOffence => "minor_offence".into(),
                },
                version: l.version,
                effective_from: l.effective_from.to_string(),
                approval_ref: l.approval_ref.clone(),
                conditions,
                note: e.note.clone(),
                basis: l.basis.cited(),
                basis_quote: l.basis.quote.clone(),
            });
        }
    }
    out
}

fn unit_of(list: &PowerList, code: &str) -> String {
    list.benchmarks.iter().filter(|b| b.item_code == code).max_by_key(|b| b.version).map(|b| b.quantity_unit.clone()).unwrap_or_default()
}

fn detail(list: &PowerList, code: &str, today: NaiveDate) -> ApiResult<ItemDetail> {
    let cur = current(list, code, today).ok_or_else(|| AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}")))?;
    let mut benchmarks: Vec<Benchmark> = list.benchmarks.iter().filter(|b| b.item_code == code).cloned().collect();
    benchmarks.sort_by_key(|b| (b.effective_from, b.version));
    Ok(ItemDetail {
        summary: summary(list, cur),
        versions: list.versions(code).into_iter().cloned().collect(),
        benchmarks,
        exemptions: exemptions_of(list, code),
    })
}

// ------------------------------------------------------------------ writing

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    /// The day the new version takes effect (after every existing version's).
    #[schema(value_type = String, format = Date)]
    pub effective_from: NaiveDate,
    /// The act that approved it (e.g. the leaders' meeting minutes number).
    pub approval_ref: String,
    /// The item version in the format of docs/power-list.md; `code`, `version`, `effective_from`
    /// and `approval_ref` may be omitted (the server sets them; the version is the next number).
    #[schema(value_type = Object)]
    pub item: J,
}

fn unprocessable(code: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
}

/// Checks a new version's approval reference and effective date (after `last_day`, the latest
/// existing version's) and completes its JSON object: `key` (the item or list code), `version`,
/// `effective_from`, `approval_ref` are set by the server.
#[allow(clippy::too_many_arguments)]
fn new_version_object(
    what: (&str, &str),
    data: J,
    key: &str,
    code: &str,
    next: u32,
    effective_from: NaiveDate,
    approval_ref: &str,
    last_day: NaiveDate,
) -> ApiResult<J> {
    let approval = approval_ref.trim();
    if approval.is_empty() {
        return Err(unprocessable(
            "missing_approval_ref",
            "请填写批准文号（如党组会、局务会纪要）",
            "approval_ref is required: the act that approved the version",
        ));
    }
    if effective_from <= last_day {
        return Err(unprocessable(
            "effective_date_not_after_latest",
            format!("施行日期须晚于现有最新版本的施行日期（{last_day}）"),
            format!("effective_from must be after the latest version's ({last_day})"),
        ));
    }
    let J::Object(mut obj) = data else {
        return Err(unprocessable(&format!("invalid_{}", what.1), format!("{} 须为对象", what.0), format!("{} must be an object", what.1)));
    };
    obj.insert(key.into(), J::from(code));
    obj.insert("version".into(), J::from(next));
    obj.insert("effective_from".into(), J::from(effective_from.to_string()));
    obj.insert("approval_ref".into(), J::from(approval));
    Ok(J::Object(obj))
}

fn parse_version<T: serde::de::DeserializeOwned>(what: (&str, &str), v: J) -> ApiResult<T> {
    serde_json::from_value(v).map_err(|e| unprocessable(&format!("invalid_{}", what.1), format!("{}格式错误: {e}", what.0), format!("invalid {}: {e}", what.1)))
}

/// The next version number and the latest effective date among the versions of `key`; None when
/// there is no such item, benchmark or list.
fn next_of<T: Versioned>(all: &[T], key: &str) -> Option<(u32, NaiveDate)> {
    let versions: Vec<&T> = all.iter().filter(|v| v.key() == key).collect();
    Some((versions.iter().map(|v| v.version()).max()? + 1, versions.iter().map(|v| v.effective_from()).max()?))
}

/// Validate the whole list with the new version in it, then record the version: one ledger entry.
async fn record_version(ctx: &Ctx, list: &PowerList, action: &str, subject: String, row: chengguan_domain::Row) -> ApiResult<()> {
    let problems = list.problems();
    if !problems.is_empty() {
        return Err(invalid_list(&problems));
    }
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new(action, subject).row(row)).await?;
    Ok(())
}

/// Add a version of an existing item: validated against the whole list, one ledger entry.
pub async fn add_version(ctx: &Ctx, code: &str, input: VersionInput) -> ApiResult<PowerItem> {
    require_rules_admin(ctx)?;
    let mut list = load_for(ctx).await?;
    let Some((next, last_day)) = next_of(&list.items, code) else {
        return Err(AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}")));
    };
    let what = ("事项", "item");
    let item: PowerItem = parse_version(what, new_version_object(what, input.item, "code", code, next, input.effective_from, &input.approval_ref, last_day)?)?;
    list.items.push(item.clone());
    record_version(ctx, &list, "power.item.version", format!("power_item/{code}"), Entry::item(&item).to_row(&ctx.tenant_id, &ctx.account.id)).await?;
    Ok(item)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkVersionInput {
    /// The day the new version takes effect (after every existing version's).
    #[schema(value_type = String, format = Date)]
    pub effective_from: NaiveDate,
    /// The act that approved it.
    pub approval_ref: String,
    /// The benchmark version in the format of docs/power-list.md; `item_code`, `version`,
    /// `effective_from` and `approval_ref` may be omitted (the server sets them).
    #[schema(value_type = Object)]
    pub benchmark: J,
}

/// Add a version of an item's discretion benchmark: validated against the whole list (an
/// unconditional standard tier, ranges), one ledger entry.
pub async fn add_benchmark_version(ctx: &Ctx, code: &str, input: BenchmarkVersionInput) -> ApiResult<Benchmark> {
    require_rules_admin(ctx)?;
    let mut list = load_for(ctx).await?;
    let Some((next, last_day)) = next_of(&list.benchmarks, code) else {
        return Err(AppError::not_found(&format!("裁量基准 {code}"), &format!("discretion benchmark {code}")));
    };
    let what = ("裁量基准", "benchmark");
    let b: Benchmark =
        parse_version(what, new_version_object(what, input.benchmark, "item_code", code, next, input.effective_from, &input.approval_ref, last_day)?)?;
    list.benchmarks.push(b.clone());
    record_version(ctx, &list, "power.benchmark.version", format!("benchmark/{code}"), Entry::benchmark(&b).to_row(&ctx.tenant_id, &ctx.account.id)).await?;
    Ok(b)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionListVersionInput {
    /// The day the new version takes effect (after every existing version's).
    #[schema(value_type = String, format = Date)]
    pub effective_from: NaiveDate,
    /// The act that approved it.
    pub approval_ref: String,
    /// The list version in the format of docs/power-list.md; `code`, `version`, `effective_from`
    /// and `approval_ref` may be omitted (the server sets them).
    #[schema(value_type = Object)]
    pub exemption_list: J,
}

/// Add a version of a 首违不罚 / 轻微违法免罚 list: validated against the whole list (every entry
/// names a known item), one ledger entry.
pub async fn add_exemption_list_version(ctx: &Ctx, code: &str, input: ExemptionListVersionInput) -> ApiResult<ExemptionList> {
    require_rules_admin(ctx)?;
    let mut list = load_for(ctx).await?;
    let Some((next, last_day)) = next_of(&list.exemption_lists, code) else {
        return Err(AppError::not_found(&format!("免罚清单 {code}"), &format!("exemption list {code}")));
    };
    let what = ("免罚清单", "exemption_list");
    let l: ExemptionList =
        parse_version(what, new_version_object(what, input.exemption_list, "code", code, next, input.effective_from, &input.approval_ref, last_day)?)?;
    list.exemption_lists.push(l.clone());
    record_version(
        ctx,
        &list,
        "power.exemption_list.version",
        format!("exemption_list/{code}"),
        Entry::exemption_list(&l).to_row(&ctx.tenant_id, &ctx.account.id),
    )
    .await?;
    Ok(l)
}

fn invalid_list(problems: &[String]) -> AppError {
    unprocessable(
        "invalid_power_list",
        format!("权责清单有{}处问题，未保存: {}", problems.len(), problems.join("; ")),
        format!("the power list has {} problem(s), nothing was saved: {}", problems.len(), problems.join("; ")),
    )
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// New versions recorded.
    pub added_items: usize,
    pub added_benchmarks: usize,
    pub added_exemption_lists: usize,
    /// Versions already on the list with the same content.
    pub unchanged: usize,
    /// The title, note or general grounds changed.
    pub header_updated: bool,
    /// The ledger entry (none when nothing changed).
    pub seq: Option<u64>,
}

/// Why an import was refused: every problem of the list (a 422 naming them all), or another error.
pub enum ImportRefused {
    Problems(Vec<String>),
    Other(AppError),
}

impl From<AppError> for ImportRefused {
    fn from(e: AppError) -> Self {
        ImportRefused::Other(e)
    }
}

impl From<ImportRefused> for AppError {
    fn from(r: ImportRefused) -> Self {
        match r {
            ImportRefused::Problems(p) => invalid_list(&p),
            ImportRefused::Other(e) => e,
        }
    }
}

/// The format of an imported text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// The whole list (`chengguan.power_list/1`).
    Json,
    /// Item versions only (docs/power-list.md, "CSV format"); problems name their row.
    Csv,
}

impl ImportFormat {
    /// JSON when the text starts with `{` (after a BOM and white space), else CSV.
    pub fn sniff(text: &str) -> ImportFormat {
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
            ImportFormat::Json
        } else {
            ImportFormat::Csv
        }
    }
}

/// Import a list in the documented JSON format, or item versions in the documented CSV format:
/// every version not yet on the tenant's list is added, in one ledger entry; a version on the list
/// with other content, or any problem of the merged list, refuses the whole import (every problem
/// named; for CSV with its row).
pub async fn import(ctx: &Ctx, text: &str, format: ImportFormat) -> Result<ImportReport, ImportRefused> {
    require_rules_admin(ctx)?;
    let mut problems = Vec::new();
    // (item code, version, CSV line) of every CSV row
    let mut lines: Vec<(String, u32, usize)> = Vec::new();
    let incoming: PowerList = match format {
        ImportFormat::Json => {
            let incoming: PowerList = serde_json::from_str(text).map_err(|e| ImportRefused::Problems(vec![e.to_string()]))?;
            if incoming.format != power::FORMAT {
                problems.push(format!("format is {:?}, expected {:?}", incoming.format, power::FORMAT));
            }
            incoming
        }
        ImportFormat::Csv => {
            let (rows, bad_rows) = power::items_from_csv_rows(text).map_err(|e| ImportRefused::Problems(vec![e.0]))?;
            problems.extend(bad_rows.into_iter().map(|e| e.0));
            lines = rows.iter().map(|(line, i)| (i.code.clone(), i.version, *line)).collect();
            let code = tenant_code(ctx).await?;
            let mut list = PowerList::from_entries(&code, &[]).map_err(internal)?;
            list.items = rows.into_iter().map(|(_, i)| i).collect();
            list
        }
    };
    let with_header = format == ImportFormat::Json;
    problems.extend(incoming.problems());
    let existing = load_for(ctx).await?;
    let have: std::collections::BTreeMap<String, Entry> =
        existing.entries().into_iter().filter(|e| e.kind != power::EntryKind::Header || !existing.title.is_empty()).map(|e| (e.id(), e)).collect();
    let mut report = ImportReport { added_items: 0, added_benchmarks: 0, added_exemption_lists: 0, unchanged: 0, header_updated: false, seq: None };
    let mut new = Vec::new();
    for e in incoming.entries().into_iter().filter(|e| with_header || e.kind != power::EntryKind::Header) {
        match have.get(&e.id()) {
            Some(old) if old.data == e.data => report.unchanged += usize::from(e.kind != power::EntryKind::Header),
            Some(_) if e.kind == power::EntryKind::Header => {
                report.header_updated = true;
                new.push(e);
            }
            Some(_) => {
                problems.push(format!("{}: this version is already on the list with other content (versions are never changed; add a new version)", e.id()))
            }
            None => {
                match e.kind {
                    power::EntryKind::Header => report.header_updated = true,
                    power::EntryKind::Item => report.added_items += 1,
                    power::EntryKind::Benchmark => report.added_benchmarks += 1,
                    power::EntryKind::ExemptionList => report.added_exemption_lists += 1,
                }
                new.push(e);
            }
        }
    }
    if problems.is_empty() {
        let mut all: Vec<Entry> = have.values().filter(|e| !new.iter().any(|n| n.id() == e.id())).cloned().collect();
        all.extend(new.iter().cloned());
        let merged = PowerList::from_entries(&incoming.tenant, &all).map_err(|e| ImportRefused::Problems(vec![e.0]))?;
        problems.extend(merged.problems());
    }
    if !problems.is_empty() {
        return Err(ImportRefused::Problems(problems.into_iter().map(|p| at_row(p, &lines)).collect()));
    }
    if !new.is_empty() {
        let change = Change { rows: new.iter().map(|e| e.to_row(&ctx.tenant_id, &ctx.account.id)).collect(), ..Change::new("power.list.import", "power_list") };
        report.seq = Some(ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await.map_err(AppError::from)?.seq);
    }
    Ok(report)
}

/// Prefixes a problem about an imported CSV item version with its row (`row 7: item SZ-001 v2: …`).
fn at_row(p: String, lines: &[(String, u32, usize)]) -> String {
    match lines.iter().find(|(c, v, _)| p.starts_with(&format!("item {c} v{v}:")) || p.starts_with(&format!("item:{c}@{v}:"))) {
        Some((_, _, line)) => format!("row {line}: {p}"),
        None => p,
    }
}

// ------------------------------------------------------------------ diff and assess

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChange {
    /// Path of the field, e.g. `fines/0/amount/max_fen`.
    pub field: String,
    #[schema(value_type = Object)]
    pub from: J,
    #[schema(value_type = Object)]
    pub to: J,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiffView {
    pub code: String,
    pub from: u32,
    pub to: u32,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The older version number.
    pub from: u32,
    /// The newer version number.
    pub to: u32,
}

fn diff(list: &PowerList, code: &str, from: u32, to: u32) -> ApiResult<DiffView> {
    diff_versions(list.versions(code).into_iter().map(|i| (i.version, i)).collect(), code, from, to)
}

/// The field-by-field difference of two versions among `versions` (version number, value).
fn diff_versions<T: Serialize>(versions: Vec<(u32, &T)>, code: &str, from: u32, to: u32) -> ApiResult<DiffView> {
    let get = |v: u32| {
        versions
            .iter()
            .find(|(n, _)| *n == v)
            .map(|(_, x)| serde_json::to_value(x).unwrap_or_default())
            .ok_or_else(|| AppError::not_found(&format!("{code} 第{v}版"), &format!("{code} version {v}")))
    };
    let (a, b) = (get(from)?, get(to)?);
    let changes = power::json_diff(&a, &b).into_iter().map(|(field, from, to)| FieldChange { field, from, to }).collect();
    Ok(DiffView { code: code.to_owned(), from, to, changes })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    #[schema(value_type = String, format = Date)]
    pub violation_date: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub decision_date: NaiveDate,
    /// The case's facts (docs/power-list.md): party (`individual`/`organisation`), age,
    /// first_offence, minor, corrected_in_time, harm (`none`…`serious`), quantity, base_value_fen,
    /// duration_minutes, repeat_offences, obstruction, refused_to_correct, vulnerable_party,
    /// sensitive_area, no_fault, eliminated_harm, coerced, confessed_unknown, meritorious.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub facts: J,
    /// A proposed fine in fen, checked against the range.
    pub proposed_fen: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmountView {
    /// `within`, `outside_range` (lawful: written reason and legal review required) or `refused`.
    pub status: String,
    pub proposed_fen: i64,
    pub requires_written_reason: bool,
    pub requires_legal_review: bool,
    pub message: String,
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessView {
    /// The engine's output: item_version, item_applied, benchmark_version, tier, no_penalty,
    /// penalties, legal_range and range (fen), reasons, citations, text_zh, text_en.
    #[schema(value_type = Object)]
    pub assessment: Assessment,
    pub tier_zh: String,
    pub amount_check: Option<AmountView>,
}

fn parse_facts(v: J) -> ApiResult<Facts> {
    let v = if v.is_null() { J::Object(Default::default()) } else { v };
    let known = serde_json::to_value(Facts::default()).unwrap_or_default();
    if let (J::Object(given), J::Object(known)) = (&v, &known) {
        let unknown: Vec<&String> = given.keys().filter(|k| !known.contains_key(*k)).collect();
        if !unknown.is_empty() {
            let names = unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            return Err(AppError::bad_request("invalid_facts", format!("未知的事实字段: {names}"), format!("unknown facts: {names}")));
        }
    }
    serde_json::from_value(v).map_err(|e| AppError::bad_request("invalid_facts", format!("事实字段无效: {e}"), format!("invalid facts: {e}")))
}

fn amount_view(a: &Assessment, fen: i64) -> AmountView {
    match a.check_amount(fen) {
        Ok(AmountCheck::Within) => AmountView {
            status: "within".into(),
            proposed_fen: fen,
            requires_written_reason: false,
            requires_legal_review: false,
            message: format!("拟罚款{}在裁量幅度内 / within the range", power::yuan(fen)),
            rule: None,
        },
        Ok(AmountCheck::OutsideRange { requires_written_reason, requires_legal_review, message_zh, message_en }) => AmountView {
            status: "outside_range".into(),
            proposed_fen: fen,
            requires_written_reason,
            requires_legal_review,
            message: format!("{message_zh} / {message_en}"),
            rule: None,
        },
        Err(r) => AmountView {
            status: "refused".into(),
            proposed_fen: fen,
            requires_written_reason: false,
            requires_legal_review: false,
            message: format!("{} / {}", r.message_zh, r.message_en),
            rule: r.rule,
        },
    }
}

fn assess(list: &PowerList, code: &str, violation: NaiveDate, decision: NaiveDate, facts: &Facts, proposed: Option<i64>) -> ApiResult<AssessView> {
    if list.versions(code).is_empty() {
        return Err(AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}")));
    }
    let a = discretion::assess(list, code, violation, decision, facts)?;
    let amount_check = proposed.map(|p| amount_view(&a, p));
    Ok(AssessView { tier_zh: a.tier.zh().to_owned(), assessment: a, amount_check })
}

// ------------------------------------------------------------------ API

/// Search the tenant's power list (any logged-in role): `q` matches the code, name, category,
/// elements and legal basis (law, article, quoted text); `category` filters; paged.
#[utoipa::path(get, path = "/api/v1/power-items", params(ListQuery),
    responses((status = 200, body = Page<ItemSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_list(ctx: Ctx, Query(f): Query<ListQuery>) -> ApiResult<axum::Json<Page<ItemSummary>>> {
    let list = load_for(&ctx).await?;
    search(&list, &f, crate::services::today()).map(axum::Json)
}

/// One item: its version in force today, every version, its benchmark versions and exemption entries.
#[utoipa::path(get, path = "/api/v1/power-items/{code}", params(("code" = String, Path, description = "item code, e.g. `SZ-001`")),
    responses((status = 200, body = ItemDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_item(ctx: Ctx, Path(code): Path<String>) -> ApiResult<axum::Json<ItemDetail>> {
    let list = load_for(&ctx).await?;
    detail(&list, &code, crate::services::today()).map(axum::Json)
}

/// Add a version of an item (administrators of the whole tenant), with its approval reference and
/// effective date; validated against the whole list (422 naming every problem, nothing saved);
/// one entry of the full-process record. Cases then select it by 《行政处罚法》第三十七条.
#[utoipa::path(post, path = "/api/v1/power-items/{code}/versions", request_body = VersionInput, params(("code" = String, Path)),
    responses((status = 201, description = "the new version (docs/power-list.md)"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_add_version(ctx: Ctx, Path(code): Path<String>, Json(input): Json<VersionInput>) -> ApiResult<(StatusCode, axum::Json<PowerItem>)> {
    add_version(&ctx, &code, input).await.map(|i| (StatusCode::CREATED, axum::Json(i)))
}

/// Add a version of an item's discretion benchmark (administrators of the whole tenant), with its
/// approval reference and effective date; validated (422 naming every problem, nothing saved); one
/// entry of the full-process record.
#[utoipa::path(post, path = "/api/v1/power-items/{code}/benchmark/versions", request_body = BenchmarkVersionInput, params(("code" = String, Path, description = "the item's code")),
    responses((status = 201, description = "the new benchmark version (docs/power-list.md)"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_add_benchmark_version(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(input): Json<BenchmarkVersionInput>,
) -> ApiResult<(StatusCode, axum::Json<Benchmark>)> {
    add_benchmark_version(&ctx, &code, input).await.map(|b| (StatusCode::CREATED, axum::Json(b)))
}

/// Compare two versions of an item's discretion benchmark field by field.
#[utoipa::path(get, path = "/api/v1/power-items/{code}/benchmark/diff", params(("code" = String, Path), DiffQuery),
    responses((status = 200, body = DiffView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_benchmark_diff(ctx: Ctx, Path(code): Path<String>, Query(q): Query<DiffQuery>) -> ApiResult<axum::Json<DiffView>> {
    let list = load_for(&ctx).await?;
    let versions = list.benchmarks.iter().filter(|b| b.item_code == code).map(|b| (b.version, b)).collect();
    diff_versions(versions, &code, q.from, q.to).map(axum::Json)
}

/// Add a version of a 首违不罚 / 轻微违法免罚 list (administrators of the whole tenant), with its
/// approval reference and effective date; validated (422 naming every problem, nothing saved); one
/// entry of the full-process record.
#[utoipa::path(post, path = "/api/v1/exemption-lists/{code}/versions", request_body = ExemptionListVersionInput, params(("code" = String, Path, description = "the list's code")),
    responses((status = 201, description = "the new list version (docs/power-list.md)"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_add_exemption_list_version(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(input): Json<ExemptionListVersionInput>,
) -> ApiResult<(StatusCode, axum::Json<ExemptionList>)> {
    add_exemption_list_version(&ctx, &code, input).await.map(|l| (StatusCode::CREATED, axum::Json(l)))
}

/// Compare two versions of an exemption list field by field.
#[utoipa::path(get, path = "/api/v1/exemption-lists/{code}/diff", params(("code" = String, Path), DiffQuery),
    responses((status = 200, body = DiffView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_exemption_list_diff(ctx: Ctx, Path(code): Path<String>, Query(q): Query<DiffQuery>) -> ApiResult<axum::Json<DiffView>> {
    let list = load_for(&ctx).await?;
    let versions = list.exemption_lists.iter().filter(|l| l.code == code).map(|l| (l.version, l)).collect();
    diff_versions(versions, &code, q.from, q.to).map(axum::Json)
}

/// Compare two versions of an item field by field.
#[utoipa::path(get, path = "/api/v1/power-items/{code}/diff", params(("code" = String, Path), DiffQuery),
    responses((status = 200, body = DiffView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_diff(ctx: Ctx, Path(code): Path<String>, Query(q): Query<DiffQuery>) -> ApiResult<axum::Json<DiffView>> {
    let list = load_for(&ctx).await?;
    diff(&list, &code, q.from, q.to).map(axum::Json)
}

/// The discretion calculator: the item version (APL art. 37), the tier, the range, the reasons,
/// the citations and the text the notice prints; with `proposed_fen`, the check of that amount
/// (`outside_range` needs a written reason and legal review; `refused` is unlawful).
#[utoipa::path(post, path = "/api/v1/power-items/{code}/assess", request_body = AssessInput, params(("code" = String, Path)),
    responses((status = 200, body = AssessView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn api_assess(ctx: Ctx, Path(code): Path<String>, Json(i): Json<AssessInput>) -> ApiResult<axum::Json<AssessView>> {
    let facts = parse_facts(i.facts)?;
    let list = load_for(&ctx).await?;
    assess(&list, &code, i.violation_date, i.decision_date, &facts, i.proposed_fen).map(axum::Json)
}

/// Import a power list (administrators of the whole tenant; up to 8 MB): `application/json` = the
/// whole list (docs/power-list.md), `text/csv` = item versions (the CSV the export gives). New
/// versions are added in one ledger entry; versions already present must be identical; a refusal
/// (422) names every problem, for CSV with its row.
#[utoipa::path(post, path = "/api/v1/power-list/import",
    request_body(description = "`application/json`: the chengguan.power_list/1 JSON; `text/csv`: item versions, the CSV format of docs/power-list.md",
        content((Object = "application/json"), (String = "text/csv"))),
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_import(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<axum::Json<ImportReport>> {
    let body = body.map_err(|e| {
        let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "invalid_body" };
        AppError::new(e.status(), code, format!("请求体无效: {}", e.body_text()), format!("invalid request body: {}", e.body_text()))
    })?;
    let mime = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let format = match mime.as_str() {
        "" | "application/json" => ImportFormat::Json,
        "text/csv" => ImportFormat::Csv,
        other => {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("不支持的类型 {other}（application/json 或 text/csv）"),
                format!("unsupported type {other} (application/json or text/csv)"),
            ))
        }
    };
    let text = std::str::from_utf8(&body).map_err(|_| AppError::bad_request("invalid_body", "请求体不是 UTF-8", "the body is not UTF-8"))?;
    Ok(axum::Json(import(&ctx, text, format).await?))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (default: the whole list) or `csv` (the item versions).
    pub format: Option<String>,
}

/// Export the tenant's power list: JSON (the whole list, importable) or CSV (item versions).
#[utoipa::path(get, path = "/api/v1/power-list/export", params(ExportQuery),
    responses((status = 200, description = "JSON or CSV"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn api_export(ctx: Ctx, Query(q): Query<ExportQuery>) -> ApiResult<Response> {
    let list = load_for(&ctx).await?;
    Ok(match q.format.as_deref().unwrap_or("json") {
        "json" => ([(header::CONTENT_TYPE, "application/json")], list.to_json()).into_response(),
        "csv" => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"power_list.csv\"")],
            power::items_to_csv(&list.items),
        )
            .into_response(),
        other => {
            return Err(AppError::bad_request("invalid_format", format!("未知格式 {other}（json 或 csv）"), format!("unknown format {other} (json or csv)")))
        }
    })
}

/// The published power list of a tenant (no login: 《行政处罚法》第三十四条). `tenant` = the tenant's
/// code (e.g. `jianghan`); may be omitted when the platform has one tenant.
#[utoipa::path(get, path = "/api/v1/public/power-items", params(ListQuery),
    responses((status = 200, body = Page<ItemSummary>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn public_list(State(s): State<AppState>, Query(f): Query<ListQuery>) -> ApiResult<axum::Json<Page<ItemSummary>>> {
    let t = public_tenant(&s, f.tenant.as_deref()).await?;
    let list = load(&s, &t.id, &t.code).await?;
    search(&list, &f, crate::services::today()).map(axum::Json)
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TenantQuery {
    /// The tenant's code (e.g. `jianghan`).
    pub tenant: Option<String>,
}

/// One published item with its versions, benchmarks and exemption entries (no login).
#[utoipa::path(get, path = "/api/v1/public/power-items/{code}", params(("code" = String, Path), TenantQuery),
    responses((status = 200, body = ItemDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn public_item(State(s): State<AppState>, Path(code): Path<String>, Query(q): Query<TenantQuery>) -> ApiResult<axum::Json<ItemDetail>> {
    let t = public_tenant(&s, q.tenant.as_deref()).await?;
    let list = load(&s, &t.id, &t.code).await?;
    detail(&list, &code, crate::services::today()).map(axum::Json)
}

// ------------------------------------------------------------------ pages: shared views

pub struct BasisRow {
    pub citation: String,
    pub role: &'static str,
    pub quote: String,
    pub verified: bool,
    pub local: bool,
}

pub struct TierRow {
    pub kind: &'static str,
    pub when: Vec<String>,
    pub range: String,
    pub note: String,
}

pub struct BenchmarkView {
    pub version: u32,
    pub effective_from: String,
    pub approval_ref: String,
    pub local_basis: Option<String>,
    pub tiers: Vec<TierRow>,
}

/// An item version as pages show it.
pub struct ItemPageView {
    pub code: String,
    pub name: String,
    pub version: u32,
    pub effective_from: String,
    pub approval_ref: String,
    pub category: String,
    pub levels: String,
    pub local: bool,
    pub no_longer_violation: bool,
    pub elements: Vec<String>,
    pub basis: Vec<BasisRow>,
    pub penalties: String,
    pub fines: Vec<(String, String)>,
    pub measures: Vec<(String, String)>,
    pub order_to_correct: String,
    pub procedure: String,
    pub responsibility: String,
    pub supervision: String,
    pub benchmark: Option<BenchmarkView>,
    pub exemptions: Vec<ExemptionView>,
}

fn tier_range_text(t: &Tier, unit: &str, l: Lang) -> String {
    match (&t.range, l) {
        (TierRange::None, _) => l.t("不予处罚", "no penalty").to_owned(),
        (TierRange::WarningOnly, _) => l.t("仅警告", "warning only").to_owned(),
        (TierRange::Share { from_pct, to_pct }, Lang::Zh) => format!("法定幅度的{from_pct}%至{to_pct}%"),
        (TierRange::Share { from_pct, to_pct }, Lang::En) => format!("{from_pct}–{to_pct} % of the statutory range"),
        (TierRange::BelowMinimum { from_pct, to_pct }, Lang::Zh) => format!("法定最低额的{from_pct}%至{to_pct}%（减轻）"),
        (TierRange::BelowMinimum { from_pct, to_pct }, Lang::En) => format!("{from_pct}–{to_pct} % of the statutory minimum (mitigated)"),
        (TierRange::Fixed { min_fen, max_fen }, _) => format!("{}–{}", power::yuan(*min_fen), power::yuan(*max_fen)),
        (TierRange::PerUnit { min_fen, max_fen }, Lang::Zh) => format!("每{unit}{}至{}", power::yuan(*min_fen), power::yuan(*max_fen)),
        (TierRange::PerUnit { min_fen, max_fen }, Lang::En) => format!("{}–{} per {unit}", power::yuan(*min_fen), power::yuan(*max_fen)),
    }
}

fn item_page_view(list: &PowerList, i: &PowerItem, today: NaiveDate, l: Lang) -> ItemPageView {
    let bench =
        power::in_force(&list.benchmarks, &i.code, today).or_else(|| list.benchmarks.iter().filter(|b| b.item_code == i.code).max_by_key(|b| b.version));
    ItemPageView {
        code: i.code.clone(),
        name: l.t(&i.name, &i.name_en).to_owned(),
        version: i.version,
        effective_from: i.effective_from.to_string(),
        approval_ref: i.approval_ref.clone(),
        category: l.t(i.category.zh(), i.category.en()).to_owned(),
        levels: i
            .levels
            .iter()
            .map(|v| match (v, l) {
                (power::UnitLevel::Bureau, Lang::Zh) => "区（县）局",
                (power::UnitLevel::Street, Lang::Zh) => "街道（乡镇）",
                (power::UnitLevel::Bureau, Lang::En) => "district bureau",
                (power::UnitLevel::Street, Lang::En) => "street office",
            })
            .collect::<Vec<_>>()
            .join("、"),
        local: i.local,
        no_longer_violation: i.no_longer_violation,
        elements: i.elements.clone(),
        basis: i
            .legal_basis
            .iter()
            .map(|b| BasisRow {
                citation: b.citation(),
                role: match (b.role, l) {
                    (power::BasisRole::Prohibition, Lang::Zh) => "违反的规定",
                    (power::BasisRole::Penalty, Lang::Zh) => "处罚依据",
                    (power::BasisRole::Measure, Lang::Zh) => "强制措施依据",
                    (power::BasisRole::Prohibition, Lang::En) => "prohibition",
                    (power::BasisRole::Penalty, Lang::En) => "penalty",
                    (power::BasisRole::Measure, Lang::En) => "measure",
                },
                quote: b.quote.clone(),
                verified: b.verified,
                local: b.local,
            })
            .collect(),
        penalties: i.penalty_types.iter().map(|p| l.t(p.zh(), p.en())).collect::<Vec<_>>().join("、"),
        fines: i.fines.iter().map(|f| (fine_text(f), f.words.clone())).collect(),
        measures: i.measures.iter().map(|m| (m.kind.zh().to_owned(), m.words.clone())).collect(),
        order_to_correct: i.order_to_correct.clone().unwrap_or_default(),
        procedure: i.procedure.clone(),
        responsibility: i.responsibility.clone(),
        supervision: i.supervision.clone(),
        benchmark: bench.map(|b| BenchmarkView {
            version: b.version,
            effective_from: b.effective_from.to_string(),
            approval_ref: b.approval_ref.clone(),
            local_basis: b.local_basis.as_ref().map(|x| x.citation()),
            tiers: b
                .tiers
                .iter()
                .map(|t| TierRow {
                    kind: l.t(t.kind.zh(), t.kind.en()),
                    when: t.when.iter().map(|c| if l == Lang::Zh { c.zh(&b.quantity_unit) } else { c.en(&b.quantity_unit) }).collect(),
                    range: tier_range_text(t, &b.quantity_unit, l),
                    note: t.note.clone(),
                })
                .collect(),
        }),
        exemptions: exemptions_of(list, &i.code),
    }
}

fn category_options(l: Lang) -> Vec<(String, String)> {
    Category::ALL.iter().map(|c| (c.code().to_owned(), l.t(c.zh(), c.en()).to_owned())).collect()
}

// ------------------------------------------------------------------ pages: logged in

#[derive(Template)]
#[template(path = "power_list.html")]
struct ListPage {
    l: Lang,
    nav: Nav,
    title: String,
    q: String,
    category: String,
    categories: Vec<(String, String)>,
    page: Page<ItemSummary>,
    prev: Option<String>,
    next: Option<String>,
    admin: bool,
    csrf: String,
    import_text: String,
    import_errors: Vec<String>,
    public_href: String,
}

fn pager(base: &str, f: &ListQuery, p: &Page<ItemSummary>) -> (Option<String>, Option<String>) {
    let link = |offset: usize| {
        let mut q: Vec<(&str, String)> = vec![("offset", offset.to_string()), ("limit", p.limit.to_string())];
        if let Some(x) = f.q.as_ref().filter(|x| !x.is_empty()) {
            q.push(("q", x.clone()));
        }
        if let Some(x) = f.category.as_ref().filter(|x| !x.is_empty()) {
            q.push(("category", x.clone()));
        }
        if let Some(x) = f.tenant.as_ref() {
            q.push(("tenant", x.clone()));
        }
        format!("{base}?{}", serde_urlencoded::to_string(q).unwrap_or_default())
    };
    let prev = (p.offset > 0).then(|| link(p.offset.saturating_sub(p.limit)));
    let next = (p.offset + p.limit < p.total).then(|| link(p.offset + p.limit));
    (prev, next)
}

async fn ui_list(UiCtx(ctx): UiCtx, l: Lang, Query(f): Query<ListQuery>) -> UiResult {
    list_page(&ctx, l, f, String::new(), Vec::new()).await
}

async fn list_page(ctx: &Ctx, l: Lang, f: ListQuery, import_text: String, import_errors: Vec<String>) -> UiResult {
    let list = load_for(ctx).await?;
    let f = ListQuery { limit: f.limit.or(Some(100)), ..f };
    let p = search(&list, &f, crate::services::today())?;
    let (prev, next) = pager("/power", &f, &p);
    let code = tenant_code(ctx).await?;
    page(ListPage {
        nav: nav(ctx, l, "/power"),
        l,
        title: list.title.clone(),
        q: f.q.clone().unwrap_or_default(),
        category: f.category.clone().unwrap_or_default(),
        categories: category_options(l),
        page: p,
        prev,
        next,
        admin: can_manage_rules(ctx),
        csrf: ctx.csrf(),
        import_text,
        import_errors,
        public_href: format!("/public/power-list?tenant={code}"),
    })
}

/// The import form (administrators): JSON or CSV pasted into the textarea; a refusal re-renders
/// the list with every problem (CSV: with its row) and the text kept.
async fn ui_import(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    let form = crate::ui::FormData::checked_for(&ctx, &body)?;
    let text = form.raw("text");
    let problems = if text.trim().is_empty() {
        vec![l.t("请粘贴 JSON 或 CSV", "paste JSON or CSV").to_owned()]
    } else {
        match import(&ctx, &text, ImportFormat::sniff(&text)).await {
            Ok(_) => return Ok(Redirect::to("/power").into_response()),
            Err(ImportRefused::Problems(p)) => p,
            Err(ImportRefused::Other(e)) if e.status == StatusCode::FORBIDDEN => return Err(UiErr(e)),
            Err(ImportRefused::Other(e)) => vec![l.t(&e.message_zh, &e.message_en).to_owned()],
        }
    };
    let mut r = list_page(&ctx, l, ListQuery::default(), text, problems).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

pub struct VersionRow {
    pub version: u32,
    pub effective_from: String,
    pub approval_ref: String,
    pub in_force: bool,
}

#[derive(Template)]
#[template(path = "power_item.html")]
struct ItemPage {
    l: Lang,
    nav: Nav,
    item: ItemPageView,
    versions: Vec<VersionRow>,
    diff: Option<DiffView>,
    diff_from: u32,
    diff_to: u32,
    admin: bool,
    csrf: String,
    draft: String,
    next_version: u32,
    error: Option<String>,
    public_href: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ItemPageQuery {
    from: Option<u32>,
    to: Option<u32>,
    version: Option<u32>,
}

async fn item_page(ctx: &Ctx, l: Lang, code: &str, q: ItemPageQuery, error: Option<String>, draft: Option<String>) -> UiResult {
    let list = load_for(ctx).await?;
    let today = crate::services::today();
    let versions = list.versions(code);
    let cur = current(&list, code, today).ok_or_else(|| UiErr(AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}"))))?;
    let shown = q.version.and_then(|v| versions.iter().find(|i| i.version == v).copied()).unwrap_or(cur);
    let last = versions.iter().map(|i| i.version).max().unwrap_or(1);
    let (diff_from, diff_to) = (q.from.unwrap_or(last.saturating_sub(1).max(1)), q.to.unwrap_or(last));
    let d = if q.from.is_some() && q.to.is_some() { Some(diff(&list, code, diff_from, diff_to)?) } else { None };
    let tcode = tenant_code(ctx).await?;
    page(ItemPage {
        nav: nav(ctx, l, "/power"),
        l,
        item: item_page_view(&list, shown, today, l),
        versions: versions
            .iter()
            .map(|i| VersionRow {
                version: i.version,
                effective_from: i.effective_from.to_string(),
                approval_ref: i.approval_ref.clone(),
                in_force: i.version == cur.version,
            })
            .collect(),
        diff: d,
        diff_from,
        diff_to,
        admin: can_manage_rules(ctx),
        csrf: ctx.csrf(),
        draft: draft.unwrap_or_else(|| serde_json::to_string_pretty(versions.last().copied().unwrap_or(cur)).unwrap_or_default()),
        next_version: last + 1,
        error,
        public_href: format!("/public/power-list/{code}?tenant={tcode}"),
    })
}

async fn ui_item(UiCtx(ctx): UiCtx, l: Lang, Path(code): Path<String>, Query(q): Query<ItemPageQuery>) -> UiResult {
    item_page(&ctx, l, &code, q, None, None).await
}

async fn ui_add_version(UiCtx(ctx): UiCtx, l: Lang, Path(code): Path<String>, body: Bytes) -> UiResult {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| UiErr(AppError::bad_request("invalid_form", format!("表单无效: {e}"), format!("invalid form: {e}"))))?;
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    ctx.check_csrf(&get("_csrf"))?;
    let draft = get("item");
    let attempt: ApiResult<PowerItem> = async {
        let effective_from =
            get("effective_from").trim().parse::<NaiveDate>().map_err(|_| unprocessable("invalid_date", "施行日期无效", "invalid effective date"))?;
        let item: J =
            serde_json::from_str(&draft).map_err(|e| unprocessable("invalid_item", format!("事项 JSON 无效: {e}"), format!("invalid item JSON: {e}")))?;
        add_version(&ctx, &code, VersionInput { effective_from, approval_ref: get("approval_ref"), item }).await
    }
    .await;
    match attempt {
        Ok(_) => Ok(Redirect::to(&format!("/power/{code}")).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => Err(UiErr(e)),
        Err(e) => {
            let msg = l.t(&e.message_zh, &e.message_en).to_owned();
            let mut r = item_page(&ctx, l, &code, ItemPageQuery::default(), Some(msg), Some(draft)).await?;
            *r.status_mut() = e.status;
            Ok(r)
        }
    }
}

/// The calculator's form (GET, so it works without JavaScript and can be bookmarked).
#[derive(Debug, Clone, Default, Deserialize)]
struct CalcQuery {
    violation_date: Option<String>,
    decision_date: Option<String>,
    party: Option<String>,
    age: Option<String>,
    harm: Option<String>,
    quantity: Option<String>,
    base_value_yuan: Option<String>,
    duration_minutes: Option<String>,
    repeat_offences: Option<String>,
    proposed_yuan: Option<String>,
    first_offence: Option<String>,
    minor: Option<String>,
    corrected_in_time: Option<String>,
    obstruction: Option<String>,
    refused_to_correct: Option<String>,
    vulnerable_party: Option<String>,
    sensitive_area: Option<String>,
    no_fault: Option<String>,
    eliminated_harm: Option<String>,
    coerced: Option<String>,
    confessed_unknown: Option<String>,
    meritorious: Option<String>,
}

const FLAGS: [(&str, &str, &str); 12] = [
    ("first_offence", "初次违法", "first offence"),
    ("minor", "违法行为轻微", "minor violation"),
    ("corrected_in_time", "及时改正", "corrected in time"),
    ("obstruction", "拒绝、阻挠检查", "obstructed inspection"),
    ("refused_to_correct", "拒不改正", "refused to correct"),
    ("vulnerable_party", "当事人生活困难等", "vulnerable party"),
    ("sensitive_area", "敏感区域", "sensitive area"),
    ("no_fault", "没有主观过错", "no fault"),
    ("eliminated_harm", "主动消除或者减轻危害后果", "eliminated or reduced the harm"),
    ("coerced", "受他人胁迫或者诱骗", "coerced or deceived"),
    ("confessed_unknown", "主动供述未掌握的违法行为", "confessed unknown violations"),
    ("meritorious", "配合查处有立功表现", "meritorious service"),
];

impl CalcQuery {
    fn flag(&self, k: &str) -> bool {
        let v = match k {
            "first_offence" => &self.first_offence,
            "minor" => &self.minor,
            "corrected_in_time" => &self.corrected_in_time,
            "obstruction" => &self.obstruction,
            "refused_to_correct" => &self.refused_to_correct,
            "vulnerable_party" => &self.vulnerable_party,
            "sensitive_area" => &self.sensitive_area,
            "no_fault" => &self.no_fault,
            "eliminated_harm" => &self.eliminated_harm,
            "coerced" => &self.coerced,
            "confessed_unknown" => &self.confessed_unknown,
            _ => &self.meritorious,
        };
        v.as_deref().is_some_and(|s| !s.is_empty())
    }
    fn facts(&self) -> ApiResult<Facts> {
        fn num<T: std::str::FromStr>(v: &Option<String>, what: &str) -> ApiResult<Option<T>> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => {
                    s.parse().map(Some).map_err(|_| AppError::bad_request("invalid_facts", format!("{what} 须为数字"), format!("{what} must be a number")))
                }
            }
        }
        let yuan_to_fen = |v: Option<f64>| v.map(|y| (y * 100.0).round() as i64);
        Ok(Facts {
            party: match self.party.as_deref() {
                Some("organisation") => Party::Organisation,
                Some("any") => Party::Any,
                _ => Party::Individual,
            },
            age: num(&self.age, "age")?,
            harm: match self.harm.as_deref() {
                Some("minor") => Harm::Minor,
                Some("moderate") => Harm::Moderate,
                Some("serious") => Harm::Serious,
                _ => Harm::None,
            },
            quantity: num(&self.quantity, "quantity")?,
            base_value_fen: yuan_to_fen(num(&self.base_value_yuan, "base value")?),
            duration_minutes: num(&self.duration_minutes, "duration")?,
            repeat_offences: num(&self.repeat_offences, "repeat offences")?.unwrap_or(0),
            first_offence: self.flag("first_offence"),
            minor: self.flag("minor"),
            corrected_in_time: self.flag("corrected_in_time"),
            obstruction: self.flag("obstruction"),
            refused_to_correct: self.flag("refused_to_correct"),
            vulnerable_party: self.flag("vulnerable_party"),
            sensitive_area: self.flag("sensitive_area"),
            no_fault: self.flag("no_fault"),
            eliminated_harm: self.flag("eliminated_harm"),
            coerced: self.flag("coerced"),
            confessed_unknown: self.flag("confessed_unknown"),
            meritorious: self.flag("meritorious"),
        })
    }
}

pub struct CalcResult {
    pub tier: String,
    pub item_version: u32,
    pub benchmark_version: String,
    pub legal_range: String,
    pub range: String,
    pub penalties: String,
    pub reasons: Vec<String>,
    pub citations: Vec<String>,
    pub text: String,
    pub amount: Option<AmountView>,
}

#[derive(Template)]
#[template(path = "power_calc.html")]
struct CalcPage {
    l: Lang,
    nav: Nav,
    code: String,
    name: String,
    unit: String,
    f: CalcQuery,
    flags: Vec<(&'static str, &'static str, bool)>,
    error: Option<(String, Option<String>)>,
    result: Option<CalcResult>,
}

fn range_text(r: Option<(i64, i64)>, l: Lang) -> String {
    match r {
        Some((a, b)) => format!("{}–{}", power::yuan(a), power::yuan(b)),
        None => l.t("无罚款幅度（未规定数额、缺少计算基数或不罚款）", "no amount range (none set, base value missing, or no fine)").to_owned(),
    }
}

async fn ui_calculator(UiCtx(ctx): UiCtx, l: Lang, Path(code): Path<String>, Query(f): Query<CalcQuery>) -> UiResult {
    let list = load_for(&ctx).await?;
    let today = crate::services::today();
    let item = current(&list, &code, today).ok_or_else(|| UiErr(AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}"))))?;
    let mut p = CalcPage {
        nav: nav(&ctx, l, "/power"),
        l,
        code: code.clone(),
        name: l.t(&item.name, &item.name_en).to_owned(),
        unit: unit_of(&list, &code),
        flags: FLAGS.iter().map(|(k, zh, en)| (*k, l.t(zh, en), f.flag(k))).collect(),
        f: CalcQuery {
            violation_date: f.violation_date.clone().or_else(|| Some(today.to_string())),
            decision_date: f.decision_date.clone().or_else(|| Some(today.to_string())),
            ..f.clone()
        },
        error: None,
        result: None,
    };
    let (Some(v), Some(d)) = (f.violation_date.as_deref(), f.decision_date.as_deref()) else { return page(p) };
    let run = || -> ApiResult<AssessView> {
        let date =
            |s: &str| s.trim().parse::<NaiveDate>().map_err(|_| AppError::bad_request("invalid_date", format!("日期无效: {s}"), format!("invalid date: {s}")));
        let facts = f.facts()?;
        let proposed = match f.proposed_yuan.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                (s.parse::<f64>().map_err(|_| AppError::bad_request("invalid_amount", "拟罚款金额须为数字", "the proposed amount must be a number"))? * 100.0)
                    .round() as i64,
            ),
            None => None,
        };
        assess(&list, &code, date(v)?, date(d)?, &facts, proposed)
    };
    match run() {
        Ok(view) => {
            let a = &view.assessment;
            p.result = Some(CalcResult {
                tier: l.t(a.tier.zh(), a.tier.en()).to_owned(),
                item_version: a.item_version,
                benchmark_version: a.benchmark_version.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
                legal_range: range_text(a.legal_range, l),
                range: range_text(a.range, l),
                penalties: a.penalties.iter().map(|x| l.t(x.zh(), x.en())).collect::<Vec<_>>().join("、"),
                reasons: a.reasons.iter().map(|r| l.t(&r.zh, &r.en).to_owned()).collect(),
                citations: a.citations.clone(),
                text: l.t(&a.text_zh, &a.text_en).to_owned(),
                amount: view.amount_check.clone(),
            });
            page(p)
        }
        Err(e) => {
            let status = e.status;
            p.error = Some((l.t(&e.message_zh, &e.message_en).to_owned(), e.rule.clone()));
            let mut r = page(p)?;
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

// ------------------------------------------------------------------ pages: public

#[derive(Template)]
#[template(path = "public_power_list.html")]
struct PublicListPage {
    l: Lang,
    tenant_name: String,
    tenant_code: String,
    title: String,
    note: String,
    q: String,
    category: String,
    categories: Vec<(String, String)>,
    page: Page<ItemSummary>,
    prev: Option<String>,
    next: Option<String>,
}

async fn public_list_page(State(s): State<AppState>, l: Lang, Query(f): Query<ListQuery>) -> Result<Response, UiErr> {
    let t = public_tenant(&s, f.tenant.as_deref()).await?;
    let list = load(&s, &t.id, &t.code).await?;
    let f = ListQuery { limit: f.limit.or(Some(100)), tenant: Some(t.code.clone()), ..f };
    let p = search(&list, &f, crate::services::today())?;
    let (prev, next) = pager("/public/power-list", &f, &p);
    page(PublicListPage {
        l,
        tenant_name: t.name.clone(),
        tenant_code: t.code.clone(),
        title: list.title.clone(),
        note: list.note.clone(),
        q: f.q.clone().unwrap_or_default(),
        category: f.category.clone().unwrap_or_default(),
        categories: category_options(l),
        page: p,
        prev,
        next,
    })
}

#[derive(Template)]
#[template(path = "public_power_item.html")]
struct PublicItemPage {
    l: Lang,
    tenant_name: String,
    tenant_code: String,
    item: ItemPageView,
}

async fn public_item_page(State(s): State<AppState>, l: Lang, Path(code): Path<String>, Query(q): Query<TenantQuery>) -> Result<Response, UiErr> {
    let t = public_tenant(&s, q.tenant.as_deref()).await?;
    let list = load(&s, &t.id, &t.code).await?;
    let today = crate::services::today();
    let item = current(&list, &code, today).ok_or_else(|| UiErr(AppError::not_found(&format!("权责事项 {code}"), &format!("power item {code}"))))?;
    page(PublicItemPage { l, tenant_name: t.name.clone(), tenant_code: t.code.clone(), item: item_page_view(&list, item, today, l) })
}
