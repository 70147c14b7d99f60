//! Orders to correct, compulsory measures (with the custody log), demolition, off-site
//! enforcement and non-coercive outcomes: services and JSON API. Each command goes the one way:
//! authorise (policy: role × action × org scope) → the domain's `enforcement::*` decision (rules
//! with citations) → one `Store::commit` of the record's after-image, expecting the version it was
//! read at → response. A refusal is a 4xx naming the rule and changes nothing.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::new_id;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::Action;
use chengguan_domain::case::Case;
use chengguan_domain::enforcement::{self as enf, demolition, measures, offsite, orders, outcomes, Actor, Env, Party, Record};
use chengguan_domain::{mask, Change, Refusal, Row, Table, Value};
use chengguan_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/enforcement/board", get(api_board))
        .route("/api/v1/enforcement/records", get(api_list))
        .route("/api/v1/enforcement/records/{id}", get(api_get))
        .route("/api/v1/enforcement/records/{id}/commands", post(api_command))
        .route("/api/v1/enforcement/orders", post(api_issue_order))
        .route("/api/v1/enforcement/measures", post(api_impose))
        .route("/api/v1/enforcement/demolitions", post(api_order_demolition))
        .route("/api/v1/enforcement/devices", post(api_register_device))
        .route("/api/v1/enforcement/captures", post(api_record_capture))
        .route("/api/v1/enforcement/outcomes", post(api_record_outcome))
        .route("/api/v1/enforcement/outcome-shares", get(api_shares))
        .route("/api/v1/public/offsite/{code}", get(api_public_capture))
        .route("/api/v1/public/offsite/{code}/statement", post(api_public_statement))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// The OpenAPI paths of this module (merged into the platform's document).
#[derive(OpenApi)]
#[openapi(paths(
    api_board,
    api_list,
    api_get,
    api_command,
    api_issue_order,
    api_impose,
    api_order_demolition,
    api_register_device,
    api_record_capture,
    api_record_outcome,
    api_shares,
    api_public_capture,
    api_public_statement
))]
pub struct EnforcementApi;

fn internal(e: impl std::fmt::Display) -> AppError {
    let id = uuid::Uuid::now_v7();
    tracing::error!(error = %e, %id, "stored enforcement data unreadable");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("内部错误 ({id})"), format!("internal error ({id})"))
}

fn text(r: &Row, k: &str) -> String {
    r.text(k).unwrap_or_default().to_owned()
}

fn version(r: &Row) -> i64 {
    match r.values.get("version") {
        Some(Value::Int(v)) => *v,
        _ => 0,
    }
}

/// The kinds of record, as the API names them.
pub const KINDS: [&str; 6] = [
    <orders::Order as Record>::KIND,
    <measures::Measure as Record>::KIND,
    <demolition::Demolition as Record>::KIND,
    <offsite::Device as Record>::KIND,
    <offsite::Capture as Record>::KIND,
    <outcomes::Outcome as Record>::KIND,
];

pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "order_to_correct" => "责令改正",
        "compulsory_measure" => "查封/扣押",
        "demolition" => "限期拆除/强制拆除",
        "offsite_device" => "非现场执法设备",
        "offsite_capture" => "非现场执法记录",
        "noncoercive_outcome" => "非强制性执法方式",
        _ => "",
    }
}

// ------------------------------------------------------------------------------------ context

/// The tenant's rules and people as the enforcement commands read them (the case module's cache).
pub struct Loaded {
    pub reference: std::sync::Arc<crate::cases::Reference>,
}

impl Loaded {
    pub fn env(&self) -> Env<'_> {
        Env { profile: &self.reference.profile, calendar: &self.reference.calendar, power: &self.reference.power, people: &self.reference.people }
    }
}

async fn loaded(ctx: &Ctx) -> ApiResult<Loaded> {
    Ok(Loaded { reference: crate::cases::reference(&ctx.state, &ctx.tenant_id).await? })
}

fn actor(ctx: &Ctx, unit_id: &str) -> Actor {
    Actor { account_id: ctx.account.id.clone(), person_id: ctx.account.person_id.clone(), approver: ctx.can(Action::ApproveEnforcement, Some(unit_id)) }
}

fn unknown_unit(unit: &str) -> AppError {
    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_unit", format!("机构不存在: {unit}"), format!("no such unit: {unit}"))
}

async fn read_case(ctx: &Ctx, id: &str) -> ApiResult<Case> {
    let row = ctx
        .state
        .store
        .case_row(&ctx.tenant_id, id)
        .await?
        .ok_or_else(|| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_case", format!("案件不存在: {id}"), format!("no such case: {id}")))?;
    Case::from_row(&row).map_err(internal)
}

fn case_party(c: &Case) -> Party {
    Party { name: c.party.name.clone(), id_number: c.party.id_number.clone(), phone: c.party.phone.clone() }
}

/// Every file named must be in the evidence store (uploaded first).
async fn check_files(ctx: &Ctx, files: &[String]) -> ApiResult<()> {
    for f in files {
        if ctx.state.store.row(&ctx.tenant_id, Table::Evidence, f).await?.is_none() {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_file",
                format!("证据库中没有该文件: {f}（请先上传）"),
                format!("no such file in the evidence store: {f} (upload it first)"),
            ));
        }
    }
    Ok(())
}

async fn commit(ctx: &Ctx, change: &Change) -> ApiResult<()> {
    match ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, change).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(AppError::new(
            StatusCode::CONFLICT,
            "conflict",
            "记录正被他人同时修改，请刷新后重试",
            "the record was changed concurrently; reload and try again",
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------ views

/// A record as the API shows it: the columns, the warning at the server's now, the party masked,
/// the record's data and the commands the viewer may issue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordView {
    pub id: String,
    pub kind: String,
    pub kind_zh: String,
    pub unit_id: String,
    pub unit_name: String,
    pub case_id: Option<String>,
    pub state: String,
    pub state_zh: String,
    pub due: Option<String>,
    /// none | near | overdue
    pub warning: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub party: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub commands: Vec<String>,
}

pub fn state_zh(kind: &str, state: &str) -> String {
    let s = match (kind, state) {
        ("order_to_correct", "open") => orders::OrderState::Open.zh(),
        ("order_to_correct", "corrected") => orders::OrderState::Corrected.zh(),
        ("order_to_correct", "escalated") => orders::OrderState::Escalated.zh(),
        ("compulsory_measure", "awaiting_report") => measures::MeasureState::AwaitingReport.zh(),
        ("compulsory_measure", "active") => measures::MeasureState::Active.zh(),
        ("compulsory_measure", "released") => measures::MeasureState::Released.zh(),
        ("compulsory_measure", "closed") => measures::MeasureState::Closed.zh(),
        ("offsite_capture", "pending_review") => offsite::CaptureState::PendingReview.zh(),
        ("offsite_capture", "accepted") => offsite::CaptureState::Accepted.zh(),
        ("offsite_capture", "rejected") => offsite::CaptureState::Rejected.zh(),
        ("offsite_device", "active") => "在用",
        ("offsite_device", _) => "停用",
        ("demolition", s) => demolition::Stage::ALL.iter().find(|x| x.code() == s).map(|x| x.zh()).unwrap_or(""),
        ("noncoercive_outcome", s) => outcomes::OutcomeKind::ALL.iter().find(|x| x.code() == s).map(|x| x.zh()).unwrap_or(""),
        _ => "",
    };
    s.to_owned()
}

/// The commands a record of `kind` in `state` takes, with the action each needs.
pub fn commands_of(kind: &str, state: &str) -> Vec<(&'static str, Action)> {
    use Action::*;
    match (kind, state) {
        ("order_to_correct", "open") => vec![("reinspect", HandleEnforcement)],
        ("compulsory_measure", "awaiting_report") => vec![("report", ApproveEnforcement), ("custody", HandleEnforcement), ("release", HandleEnforcement)],
        ("compulsory_measure", "active") => vec![
            ("custody", HandleEnforcement),
            ("pause", HandleEnforcement),
            ("extend", ApproveEnforcement),
            ("release", HandleEnforcement),
            ("conclude", HandleEnforcement),
        ],
        ("compulsory_measure", "released") => vec![("custody", HandleEnforcement), ("conclude", HandleEnforcement)],
        ("demolition", "ordered") => {
            vec![("remedy", HandleEnforcement), ("self_demolished", HandleEnforcement), ("force", ApproveEnforcement)]
        }
        ("demolition", "remedy_pending") => vec![("remedy_result", HandleEnforcement), ("self_demolished", HandleEnforcement), ("force", ApproveEnforcement)],
        ("offsite_capture", "pending_review") => vec![("review", ReviewOffsite)],
        ("offsite_capture", "accepted") | ("offsite_capture", "rejected") => vec![("use", HandleEnforcement)],
        _ => Vec::new(),
    }
}

fn masked_party(r: &Row, reveal: bool) -> serde_json::Value {
    let m = |k: &str, f: fn(&str) -> String| r.text(k).map(|v| if reveal { v.to_owned() } else { f(v) });
    serde_json::json!({ "name": m("party_name", mask::name), "id_number": m("party_id_number", mask::id_number), "phone": m("party_phone", mask::phone) })
}

fn warning_of_row(env: &Env, r: &Row, now: chrono::NaiveDateTime) -> String {
    let Some(due) = r.text("due") else { return "none".into() };
    let info = enf::DueInfo {
        rule: String::new(),
        citation: String::new(),
        verified: true,
        due: due.to_owned(),
        explanation_zh: String::new(),
        explanation_en: String::new(),
    };
    enf::warning(env, &info, now).to_owned()
}

fn view(ctx: &Ctx, env: &Env, r: &Row) -> ApiResult<RecordView> {
    let kind = text(r, "kind");
    let state = text(r, "state");
    let unit_id = text(r, "unit_id");
    let data: serde_json::Value = serde_json::from_str(&text(r, "data")).map_err(internal)?;
    Ok(RecordView {
        id: text(r, "id"),
        kind_zh: kind_zh(&kind).into(),
        unit_name: ctx.org.get(&unit_id).map(|u| u.name.clone()).unwrap_or_default(),
        case_id: r.text("case_id").map(str::to_owned),
        state_zh: state_zh(&kind, &state),
        due: r.text("due").map(str::to_owned),
        warning: warning_of_row(env, r, ctx.state.clock.now()),
        version: version(r),
        party: masked_party(r, false),
        created_at: text(r, "created_at"),
        updated_at: text(r, "updated_at"),
        data,
        commands: commands_of(&kind, &state).into_iter().filter(|(_, a)| ctx.can(*a, Some(&unit_id))).map(|(c, _)| c.to_owned()).collect(),
        kind,
        state,
        unit_id,
    })
}

fn visible(ctx: &Ctx) -> Vec<String> {
    ctx.state.policy.visible_units(&ctx.grants, Action::ViewEnforcement, &ctx.org).into_iter().collect()
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// order_to_correct | compulsory_measure | demolition | offsite_device | offsite_capture | noncoercive_outcome
    pub kind: String,
    /// Only this unit (must be in the caller's scope).
    pub unit_id: Option<String>,
    /// Only this state.
    pub state: Option<String>,
}

pub async fn list(ctx: &Ctx, q: &ListQuery) -> ApiResult<Vec<RecordView>> {
    if !KINDS.contains(&q.kind.as_str()) {
        return Err(AppError::bad_request("invalid_kind", format!("未知记录类型: {}", q.kind), format!("unknown kind: {}", q.kind)));
    }
    let units = match &q.unit_id {
        Some(u) => {
            ctx.require(Action::ViewEnforcement, Some(u))?;
            vec![u.clone()]
        }
        None => {
            ctx.require(Action::ViewEnforcement, None)?;
            visible(ctx)
        }
    };
    let rows = ctx.state.store.enforcement_records(&ctx.tenant_id, &q.kind, Some(&units)).await?;
    let l = loaded(ctx).await?;
    let env = l.env();
    rows.iter().filter(|r| q.state.as_deref().is_none_or(|s| r.text("state") == Some(s))).map(|r| view(ctx, &env, r)).collect()
}

async fn read_row(ctx: &Ctx, id: &str) -> ApiResult<Row> {
    let row = ctx.state.store.row(&ctx.tenant_id, Table::EnforcementRecords, id).await?.ok_or_else(|| AppError::not_found("记录", "record"))?;
    ctx.require(Action::ViewEnforcement, Some(&text(&row, "unit_id")))?;
    Ok(row)
}

pub async fn detail(ctx: &Ctx, id: &str) -> ApiResult<RecordView> {
    let row = read_row(ctx, id).await?;
    let l = loaded(ctx).await?;
    view(ctx, &l.env(), &row)
}

// ------------------------------------------------------------------------------------ board

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Board {
    /// Open orders, soonest due first (`warning` overdue = the re-inspection is due).
    pub open_orders: Vec<RecordView>,
    /// Measures in force or awaiting the emergency report, soonest limit first.
    pub measures: Vec<RecordView>,
    /// Demolitions by stage code.
    pub demolitions: BTreeMap<String, Vec<RecordView>>,
    /// Captures awaiting review.
    pub captures_pending: Vec<RecordView>,
    /// Non-coercive outcomes by kind and by 721 share.
    pub outcome_counts: BTreeMap<String, i64>,
}

pub async fn board(ctx: &Ctx) -> ApiResult<Board> {
    ctx.require(Action::ViewEnforcement, None)?;
    let units = visible(ctx);
    let l = loaded(ctx).await?;
    let env = l.env();
    let store = &ctx.state.store;
    let rows = |kind: &'static str| store.enforcement_records(&ctx.tenant_id, kind, Some(&units));
    let mut open_orders: Vec<RecordView> =
        rows("order_to_correct").await?.iter().filter(|r| r.text("state") == Some("open")).map(|r| view(ctx, &env, r)).collect::<ApiResult<_>>()?;
    open_orders.sort_by(|a, b| a.due.cmp(&b.due));
    let mut ms: Vec<RecordView> = rows("compulsory_measure")
        .await?
        .iter()
        .filter(|r| matches!(r.text("state"), Some("active") | Some("awaiting_report")))
        .map(|r| view(ctx, &env, r))
        .collect::<ApiResult<_>>()?;
    ms.sort_by(|a, b| a.due.cmp(&b.due));
    let mut demolitions: BTreeMap<String, Vec<RecordView>> = BTreeMap::new();
    for r in rows("demolition").await?.iter() {
        let v = view(ctx, &env, r)?;
        demolitions.entry(v.state.clone()).or_default().push(v);
    }
    let captures_pending =
        rows("offsite_capture").await?.iter().filter(|r| r.text("state") == Some("pending_review")).map(|r| view(ctx, &env, r)).collect::<ApiResult<_>>()?;
    let outs: Vec<outcomes::Outcome> = rows("noncoercive_outcome").await?.iter().map(enf::from_row).collect::<Result<_, _>>().map_err(internal)?;
    Ok(Board { open_orders, measures: ms, demolitions, captures_pending, outcome_counts: outcomes::shares(&outs) })
}

// ------------------------------------------------------------------------------------ creation

/// The answer to a write: the record after it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Written {
    pub record: RecordView,
    /// Off-site captures only: the party's look-up code, shown once (the store keeps its hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup_code: Option<String>,
}

async fn written<R: Record>(ctx: &Ctx, rec: &R, action: &str, previous: Option<i64>, files: Vec<String>) -> ApiResult<Written> {
    let change = enf::change(rec, &ctx.tenant_id, action, previous, files);
    commit(ctx, &change).await?;
    Ok(Written { record: detail(ctx, &rec.head().id).await?, lookup_code: None })
}

pub async fn issue_order(ctx: &Ctx, mut input: orders::IssueOrder) -> ApiResult<Written> {
    if ctx.org.get(&input.unit_id).is_none() {
        return Err(unknown_unit(&input.unit_id));
    }
    ctx.require(Action::HandleEnforcement, Some(&input.unit_id))?;
    let mut case_item = None;
    if let Some(cid) = &input.case_id {
        let c = read_case(ctx, cid).await?;
        ctx.require(Action::ViewCase, Some(&c.unit_id))?;
        case_item = c.cause_code.clone();
        if input.party.name.trim().is_empty() {
            input.party = case_party(&c);
        }
    }
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let o = orders::issue(&new_id("ord"), input.clone(), case_item, &actor(ctx, &input.unit_id), &l.env(), now)?;
    written(ctx, &o, "issue", None, Vec::new()).await
}

pub async fn impose(ctx: &Ctx, input: measures::ImposeMeasure) -> ApiResult<Written> {
    let c = read_case(ctx, &input.case_id).await?;
    ctx.require(Action::HandleEnforcement, Some(&c.unit_id))?;
    let photos: Vec<String> = input.items.iter().flat_map(|i| i.photos.clone()).collect();
    check_files(ctx, &photos).await?;
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let facts = measures::CaseFacts { unit_id: c.unit_id.clone(), cause_code: c.cause_code.clone(), party: case_party(&c) };
    let m = measures::impose(&new_id("cm"), input, &facts, &actor(ctx, &c.unit_id), &l.env(), now)?;
    written(ctx, &m, "impose", None, photos).await
}

pub async fn order_demolition(ctx: &Ctx, mut input: demolition::OrderDemolition) -> ApiResult<Written> {
    let c = read_case(ctx, &input.case_id).await?;
    input.unit_id = c.unit_id.clone();
    ctx.require(Action::HandleEnforcement, Some(&c.unit_id))?;
    if input.party.name.trim().is_empty() {
        input.party = case_party(&c);
    }
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let d = demolition::order(&new_id("dem"), input, &actor(ctx, &c.unit_id), &l.env(), now)?;
    written(ctx, &d, "order", None, Vec::new()).await
}

pub async fn register_device(ctx: &Ctx, input: offsite::RegisterDevice) -> ApiResult<Written> {
    if ctx.org.get(&input.unit_id).is_none() {
        return Err(unknown_unit(&input.unit_id));
    }
    ctx.require(Action::ManageDevices, Some(&input.unit_id))?;
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let unit = input.unit_id.clone();
    let d = offsite::register_device(&new_id("dev"), input, &actor(ctx, &unit), &l.env(), now)?;
    let change = enf::change(&d, &ctx.tenant_id, "register", None, Vec::new());
    commit(ctx, &change).await?;
    let row = ctx.state.store.row(&ctx.tenant_id, Table::EnforcementRecords, &d.head.id).await?.ok_or_else(|| internal("device not written"))?;
    Ok(Written { record: view(ctx, &l.env(), &row)?, lookup_code: None })
}

/// A look-up code for the party: 12 random characters (60 bits) of unambiguous letters and digits.
fn lookup_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes: [u8; 12] = rand::random();
    bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

pub async fn record_capture(ctx: &Ctx, input: offsite::RecordCapture) -> ApiResult<Written> {
    let drow = ctx.state.store.row(&ctx.tenant_id, Table::EnforcementRecords, &input.device_id).await?.ok_or_else(|| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_device",
            format!("设备未登记: {}", input.device_id),
            format!("no such device: {}", input.device_id),
        )
    })?;
    let device: offsite::Device = enf::from_row(&drow).map_err(|_| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_device",
            format!("设备未登记: {}", input.device_id),
            format!("no such device: {}", input.device_id),
        )
    })?;
    ctx.require(Action::HandleEnforcement, Some(&device.head.unit_id))?;
    check_files(ctx, &input.files).await?;
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let code = lookup_code();
    let files = input.files.clone();
    let c = offsite::record_capture(&new_id("cap"), input, &device, &code, &actor(ctx, &device.head.unit_id), &l.env(), now)?;
    let mut w = written(ctx, &c, "capture", None, files).await?;
    w.lookup_code = Some(code);
    Ok(w)
}

pub async fn record_outcome(ctx: &Ctx, input: outcomes::RecordOutcome) -> ApiResult<Written> {
    if ctx.org.get(&input.unit_id).is_none() {
        return Err(unknown_unit(&input.unit_id));
    }
    ctx.require(Action::HandleEnforcement, Some(&input.unit_id))?;
    if let Some(cid) = &input.case_id {
        read_case(ctx, cid).await?;
    }
    check_files(ctx, &input.files).await?;
    let l = loaded(ctx).await?;
    let now = ctx.state.clock.now();
    let files = input.files.clone();
    let unit = input.unit_id.clone();
    let o = outcomes::record(&new_id("nco"), input, &actor(ctx, &unit), &l.env(), now)?;
    written(ctx, &o, "record", None, files).await
}

pub async fn shares(ctx: &Ctx) -> ApiResult<BTreeMap<String, i64>> {
    ctx.require(Action::ViewEnforcement, None)?;
    let units = visible(ctx);
    let outs: Vec<outcomes::Outcome> = ctx
        .state
        .store
        .enforcement_records(&ctx.tenant_id, "noncoercive_outcome", Some(&units))
        .await?
        .iter()
        .map(enf::from_row)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    Ok(outcomes::shares(&outs))
}

// ------------------------------------------------------------------------------------ commands

/// A command on an existing record (`command` names it; the record's kind decides which apply).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Order: the re-inspection. Not corrected: `case_id` (or the order's case) continues, or
    /// `open_case` registers a new lead for it.
    Reinspect(orders::Reinspect),
    /// Measure (emergency): the head's decision within 24 hours.
    Report(measures::ReportDecision),
    Extend(measures::Extend),
    Pause(measures::Pause),
    Custody(measures::Custody),
    Release(measures::Release),
    Conclude(measures::Conclude),
    /// Demolition: the party applied for review or sued.
    Remedy(demolition::RecordRemedy),
    RemedyResult(demolition::RemedyResult),
    SelfDemolished(demolition::SelfDemolished),
    Force(demolition::Force),
    /// Capture: the reviewer's check; using it as evidence in a case.
    Review(offsite::ReviewCapture),
    Use(offsite::UseCapture),
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Reinspect(_) => "reinspect",
            Command::Report(_) => "report",
            Command::Extend(_) => "extend",
            Command::Pause(_) => "pause",
            Command::Custody(_) => "custody",
            Command::Release(_) => "release",
            Command::Conclude(_) => "conclude",
            Command::Remedy(_) => "remedy",
            Command::RemedyResult(_) => "remedy_result",
            Command::SelfDemolished(_) => "self_demolished",
            Command::Force(_) => "force",
            Command::Review(_) => "review",
            Command::Use(_) => "use",
        }
    }
    fn files(&self) -> Vec<String> {
        match self {
            Command::Reinspect(r) => r.files.clone(),
            Command::Custody(c) => c.photos.clone(),
            Command::Conclude(c) => c.outcomes.iter().flat_map(|o| o.photos.clone()).collect(),
            Command::SelfDemolished(s) => s.photos.clone(),
            Command::Force(f) => f.video.clone(),
            _ => Vec::new(),
        }
    }
}

fn not_for(kind: &str, cmd: &str) -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "enforcement.command_not_applicable",
        format!("{}不适用命令 {cmd}", kind_zh(kind)),
        format!("command {cmd} does not apply to a {kind}"),
    )
}

fn decide<R: Record>(row: &Row, f: impl FnOnce(&R) -> Result<R, Refusal>) -> ApiResult<R> {
    let r: R = enf::from_row(row).map_err(internal)?;
    Ok(f(&r)?)
}

pub async fn command(ctx: &Ctx, id: &str, cmd: Command) -> ApiResult<Written> {
    let row = read_row(ctx, id).await?;
    let kind = text(&row, "kind");
    let unit = text(&row, "unit_id");
    let state = text(&row, "state");
    let name = cmd.name();
    let action = commands_of(&kind, &state).into_iter().find(|(c, _)| *c == name).map(|(_, a)| a).or_else(|| {
        // A command of the kind, not of this state: authorise as its kind would, then the domain refuses.
        let all = ["open", "awaiting_report", "active", "released", "ordered", "remedy_pending", "pending_review", "accepted"];
        all.iter().flat_map(|s| commands_of(&kind, s)).find(|(c, _)| *c == name).map(|(_, a)| a)
    });
    let Some(action) = action else { return Err(not_for(&kind, name)) };
    ctx.require(action, Some(&unit))?;
    let files = cmd.files();
    check_files(ctx, &files).await?;
    let l = loaded(ctx).await?;
    let env = l.env();
    let now = ctx.state.clock.now();
    let who = actor(ctx, &unit);
    let prev = Some(version(&row));
    match cmd {
        Command::Reinspect(mut input) => {
            let o: orders::Order = enf::from_row(&row).map_err(internal)?;
            if let Some(cid) = &input.case_id {
                read_case(ctx, cid).await?;
            }
            if !input.corrected && input.case_id.is_none() && o.head.case_id.is_none() && input.open_case {
                // Refuse before opening anything: the domain check with a placeholder case.
                let mut probe = input.clone();
                probe.case_id = Some("-".into());
                orders::reinspect(&o, probe, &who, &env, now)?;
                ctx.require(Action::HandleCase, Some(&unit))?;
                let reg = chengguan_domain::case::Registration {
                    unit_id: unit.clone(),
                    source: chengguan_domain::case::Source::Patrol,
                    source_ref: Some(format!("责令改正 {}", o.head.id)),
                    informant: None,
                    lead_on: now.date(),
                    title: format!("逾期未改正：{}", o.violation),
                    content: format!("{}。责令改正要求：{}；期限至{}；复查：{}", o.violation, o.requirement, o.deadline.due, input.finding),
                    party: None,
                    cause_code: o.item_code.clone(),
                };
                let r = crate::cases::register(ctx, reg, None).await?;
                input.case_id = Some(r.case_id);
            }
            let n = orders::reinspect(&o, input, &who, &env, now)?;
            written(ctx, &n, "reinspect", prev, files).await
        }
        Command::Report(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::report(m, i, &who, &env, now))?;
            written(ctx, &n, "report", prev, files).await
        }
        Command::Extend(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::extend(m, i, &who, &env, now))?;
            written(ctx, &n, "extend", prev, files).await
        }
        Command::Pause(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::pause(m, i, &who, &env, now))?;
            written(ctx, &n, "pause", prev, files).await
        }
        Command::Custody(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::custody(m, i, &who, &env, now))?;
            written(ctx, &n, "custody", prev, files).await
        }
        Command::Release(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::release(m, i, &who, &env, now))?;
            written(ctx, &n, "release", prev, files).await
        }
        Command::Conclude(i) if kind == "compulsory_measure" => {
            let n = decide(&row, |m: &measures::Measure| measures::conclude(m, i, &who, &env, now))?;
            written(ctx, &n, "conclude", prev, files).await
        }
        Command::Remedy(i) if kind == "demolition" => {
            let n = decide(&row, |d: &demolition::Demolition| demolition::record_remedy(d, i, &who, &env, now))?;
            written(ctx, &n, "remedy", prev, files).await
        }
        Command::RemedyResult(i) if kind == "demolition" => {
            let n = decide(&row, |d: &demolition::Demolition| demolition::remedy_result(d, i, &who, &env, now))?;
            written(ctx, &n, "remedy_result", prev, files).await
        }
        Command::SelfDemolished(i) if kind == "demolition" => {
            let n = decide(&row, |d: &demolition::Demolition| demolition::self_demolished(d, i, &who, &env, now))?;
            written(ctx, &n, "self_demolished", prev, files).await
        }
        Command::Force(i) if kind == "demolition" => {
            let n = decide(&row, |d: &demolition::Demolition| demolition::force(d, i, &who, &env, now))?;
            written(ctx, &n, "force", prev, files).await
        }
        Command::Review(i) if kind == "offsite_capture" => {
            let n = decide(&row, |c: &offsite::Capture| offsite::review(c, i, &who, &env, now))?;
            written(ctx, &n, "review", prev, files).await
        }
        Command::Use(mut i) if kind == "offsite_capture" => {
            let cap: offsite::Capture = enf::from_row(&row).map_err(internal)?;
            if i.case_id.trim().is_empty() && i.open_case {
                // Refuse before opening anything (not reviewed), then register the lead.
                offsite::use_in_case(&cap, offsite::UseCapture { case_id: "-".into(), open_case: false }, &who, &env, now)?;
                ctx.require(Action::HandleCase, Some(&unit))?;
                let reg = chengguan_domain::case::Registration {
                    unit_id: unit.clone(),
                    source: chengguan_domain::case::Source::Patrol,
                    source_ref: Some(format!("非现场执法 {} {}", cap.device_code, cap.head.id)),
                    informant: None,
                    lead_on: now.date(),
                    title: format!("非现场执法：{}", cap.description),
                    content: format!("{}（设备 {}，{}，{}）", cap.description, cap.device_code, cap.location, enf::timestamp(cap.captured_at)),
                    party: None,
                    cause_code: cap.item_code.clone(),
                };
                i.case_id = crate::cases::register(ctx, reg, None).await?.case_id;
            }
            let c = read_case(ctx, &i.case_id).await?;
            ctx.require(Action::HandleCase, Some(&c.unit_id))?;
            let n = offsite::use_in_case(&cap, i, &who, &env, now)?;
            written(ctx, &n, "use", prev, files).await
        }
        other => Err(not_for(&kind, other.name())),
    }
}

// ------------------------------------------------------------------------------------ public look-up

/// What the party sees with their look-up code (APL art. 41 para. 3): the record, its state, the
/// files' hashes, and their statements.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicCapture {
    pub state: String,
    pub state_zh: String,
    pub device_code: String,
    pub location: String,
    pub captured_at: String,
    pub description: String,
    pub files: Vec<String>,
    pub statements: Vec<String>,
    pub citation: String,
}

async fn by_code(s: &AppState, code: &str) -> ApiResult<(String, Row, offsite::Capture)> {
    let (tenant, row) =
        s.store.enforcement_by_lookup(&offsite::code_hash(code)).await?.ok_or_else(|| AppError::not_found("查询码对应的记录", "record for this code"))?;
    let c: offsite::Capture = enf::from_row(&row).map_err(internal)?;
    Ok((tenant, row, c))
}

fn public_view(c: &offsite::Capture) -> PublicCapture {
    PublicCapture {
        state: c.state.code().into(),
        state_zh: c.state.zh().into(),
        device_code: c.device_code.clone(),
        location: c.location.clone(),
        captured_at: enf::timestamp(c.captured_at),
        description: c.description.clone(),
        files: c.files.clone(),
        statements: c.statements.iter().map(|s| format!("{} {}", enf::timestamp(s.at), s.text)).collect(),
        citation: offsite::APL_41_3.into(),
    }
}

pub async fn public_capture(s: &AppState, code: &str) -> ApiResult<PublicCapture> {
    let (_, _, c) = by_code(s, code).await?;
    Ok(public_view(&c))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementInput {
    pub text: String,
}

/// The party's statement and defence, with the code (one ledger entry, actor `party`).
pub async fn public_statement(s: &AppState, code: &str, text: &str) -> ApiResult<PublicCapture> {
    let (tenant, row, c) = by_code(s, code).await?;
    let n = offsite::statement(&c, text, s.clock.now())?;
    let change = enf::change(&n, &tenant, "statement", Some(version(&row)), Vec::new());
    match s.store.commit(&tenant, "party", &change).await {
        Ok(_) => Ok(public_view(&n)),
        Err(StoreError::Conflict(_)) => Err(AppError::new(StatusCode::CONFLICT, "conflict", "请重试", "try again")),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------ API

#[utoipa::path(get, path = "/api/v1/enforcement/board", responses((status = 200, body = Board), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_board(ctx: Ctx) -> ApiResult<axum::Json<Board>> {
    board(&ctx).await.map(axum::Json)
}

#[utoipa::path(get, path = "/api/v1/enforcement/records", params(ListQuery), responses((status = 200, body = Vec<RecordView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_list(ctx: Ctx, Query(q): Query<ListQuery>) -> ApiResult<axum::Json<Vec<RecordView>>> {
    list(&ctx, &q).await.map(axum::Json)
}

#[utoipa::path(get, path = "/api/v1/enforcement/records/{id}", params(("id" = String, Path)), responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_get(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<RecordView>> {
    detail(&ctx, &id).await.map(axum::Json)
}

#[utoipa::path(post, path = "/api/v1/enforcement/records/{id}/commands", params(("id" = String, Path)),
    request_body(content = Object, description = "{\"command\": reinspect|report|extend|pause|custody|release|conclude|remedy|remedy_result|self_demolished|force|review|use, …} — see docs/enforcement.md"),
    responses((status = 200, body = Written), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_command(ctx: Ctx, Path(id): Path<String>, Json(cmd): Json<Command>) -> ApiResult<axum::Json<Written>> {
    command(&ctx, &id, cmd).await.map(axum::Json)
}

#[utoipa::path(post, path = "/api/v1/enforcement/orders", request_body(content = Object, description = "unit_id, case_id? | lead_ref?, party?, item_code?, violation, requirement?"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_issue_order(ctx: Ctx, Json(i): Json<orders::IssueOrder>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    issue_order(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(post, path = "/api/v1/enforcement/measures",
    request_body(content = Object, description = "case_id, kind (seal_up|seizure), emergency, approval_reference?, officers, place, reason, party_present, witness?, decision_ref, list_delivered, items[{name, quantity, condition, location, holder, photos}]"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_impose(ctx: Ctx, Json(i): Json<measures::ImposeMeasure>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    impose(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(post, path = "/api/v1/enforcement/demolitions",
    request_body(content = Object, description = "case_id, structure, location, order_ref, served_on, notice_published_on, notice_place, party? (unit_id is the case's)"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_order_demolition(ctx: Ctx, Json(i): Json<demolition::OrderDemolition>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    order_demolition(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(post, path = "/api/v1/enforcement/devices",
    request_body(content = Object, description = "unit_id, code, device_kind (camera|sensor), location, legal_review{by,on,reference}, technical_review{…}, location_published_on, published_where"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_register_device(ctx: Ctx, Json(i): Json<offsite::RegisterDevice>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    register_device(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(post, path = "/api/v1/enforcement/captures",
    request_body(content = Object, description = "device_id, captured_at, description, item_code?, subject_ref?, party?, files (SHA-256 of uploaded evidence)"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_record_capture(ctx: Ctx, Json(i): Json<offsite::RecordCapture>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    record_capture(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(post, path = "/api/v1/enforcement/outcomes",
    request_body(content = Object, description = "unit_id, kind (guidance|mediation|reward|assistance), case_id? | lead_ref?, party?, on, summary, files?"),
    responses((status = 201, body = Written), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_record_outcome(ctx: Ctx, Json(i): Json<outcomes::RecordOutcome>) -> ApiResult<(StatusCode, axum::Json<Written>)> {
    record_outcome(&ctx, i).await.map(|w| (StatusCode::CREATED, axum::Json(w)))
}

#[utoipa::path(get, path = "/api/v1/enforcement/outcome-shares", responses((status = 200, body = BTreeMap<String, i64>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_shares(ctx: Ctx) -> ApiResult<axum::Json<BTreeMap<String, i64>>> {
    shares(&ctx).await.map(axum::Json)
}

/// The party looks up an off-site record with the code they were sent (no login; APL art. 41).
#[utoipa::path(get, path = "/api/v1/public/offsite/{code}", params(("code" = String, Path)), responses((status = 200, body = PublicCapture), (status = 404, body = ErrorBody)))]
pub async fn api_public_capture(State(s): State<AppState>, Path(code): Path<String>) -> ApiResult<axum::Json<PublicCapture>> {
    public_capture(&s, &code).await.map(axum::Json)
}

/// The party's statement and defence on an off-site record (no login; APL art. 41 para. 3).
#[utoipa::path(post, path = "/api/v1/public/offsite/{code}/statement", params(("code" = String, Path)), request_body = StatementInput,
    responses((status = 200, body = PublicCapture), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_public_statement(State(s): State<AppState>, Path(code): Path<String>, Json(i): Json<StatementInput>) -> ApiResult<axum::Json<PublicCapture>> {
    public_statement(&s, &code, &i.text).await.map(axum::Json)
}
