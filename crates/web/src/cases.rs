//! 网上办案: the case services and JSON API. Each command goes the one way: authorise (policy:
//! role × action × org scope) → the domain's `case::apply` (case rules, gates with citations) →
//! one `Store::commit` holding the case row (expecting the version it was read at), the act, the
//! deadlines and the document numbers (expecting each series' last value) → response. A conflict
//! (another writer got there first) re-reads and re-decides, so numbers stay gapless.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{Json, Query};
use crate::overrides;
use crate::services::{new_id, Page};
use crate::AppState;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::Router;
use chengguan_domain::auth::{Action, Role};
use chengguan_domain::case::rows::timestamp;
use chengguan_domain::case::{
    self, rows::warning_at, Actor, Case, CaseRules, Chain, ChainAct, Command, Env, PersonFacts, Registration, Relation, ReviewerAppointment,
};
use chengguan_domain::org::OrgKind;
use chengguan_domain::power::PowerList;
use chengguan_domain::{mask, receipts, Change, Row, Table, Value};
use chengguan_store::{CaseFilter, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases", get(api_list).post(api_register))
        .route("/api/v1/cases/on-the-spot", post(api_on_the_spot))
        .route("/api/v1/cases/{id}", get(api_get))
        .route("/api/v1/cases/{id}/commands", post(api_command))
        .route("/api/v1/case-inbox", get(api_inbox))
        .route("/api/v1/case-warnings", get(api_warnings))
        .route("/api/v1/interference", get(api_interference_list).post(api_interference_report))
        .route("/api/v1/interference/{id}/acknowledge", post(api_interference_ack))
        .route("/api/v1/approval-chains", get(api_chains))
        .route("/api/v1/approval-chains/{unit_id}/{act}", put(api_put_chain))
        .route("/api/v1/people/{id}/reviewer-appointment", put(api_reviewer))
        .route("/api/v1/people/{id}/relations", post(api_relation))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    let id = uuid::Uuid::now_v7();
    tracing::error!(error = %e, %id, "stored case data unreadable");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("内部错误 ({id})"), format!("internal error ({id})"))
}

fn text(r: &Row, k: &str) -> String {
    r.text(k).unwrap_or_default().to_owned()
}

fn int(r: &Row, k: &str) -> i64 {
    match r.values.get(k) {
        Some(Value::Int(i)) => *i,
        _ => 0,
    }
}

// ------------------------------------------------------------------------------------ context

/// A tenant's reference data as the case commands read it: the effective profile and calendar,
/// the power list and the people (with certificates, declared relations and reviewer
/// appointments). Building it is most of a command's cost (docs/performance.md), so it is cached
/// per tenant (`RefCache`).
pub struct Reference {
    pub profile: chengguan_domain::profile::ProcedureProfile,
    pub calendar: chengguan_domain::calendar::Calendar,
    pub power: PowerList,
    pub people: BTreeMap<String, PersonFacts>,
    /// The tenant's approval chain rows (`chains_for` picks a unit's).
    pub chains: Vec<Row>,
}

/// Per-tenant cache of `Reference` (`tenant_cache`).
pub type RefCache = crate::tenant_cache::TenantCache<Reference>;

pub async fn reference(state: &AppState, tenant: &str) -> ApiResult<std::sync::Arc<Reference>> {
    let generation = state.store.reference_generation(tenant);
    if let Some(r) = state.case_cache.get(tenant, generation) {
        return Ok(r);
    }
    let eff = overrides::effective(state, tenant).await?;
    let code = state.store.tenant(tenant).await?.map(|t| t.code).unwrap_or_default();
    let power = crate::power::load(state, tenant, &code).await?;
    let r = std::sync::Arc::new(Reference {
        profile: eff.procedure.into_owned(),
        calendar: eff.calendar.into_owned(),
        power,
        people: people_facts(state, tenant).await?,
        chains: state.store.approval_chains(tenant).await?,
    });
    state.case_cache.put(tenant, generation, r.clone());
    Ok(r)
}

/// The tenant's document-number series and the last number each issued (its `version`), kept in
/// memory between commands: every command that issues a number reads them, and the table changes
/// with every number. The map is patched from each committed change (`note_committed`) and
/// dropped on a conflict (`forget_sequences`) or after `tenant_cache::TTL`, so a value another
/// process moved on costs one refused attempt and a reread; the store's expectation on the series
/// keeps numbers gapless whatever this map says.
#[derive(Default)]
pub struct SeriesCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, SeriesAt>>,
}

/// When a tenant's series were read, and each series' last number.
type SeriesAt = (std::time::Instant, BTreeMap<String, i64>);

async fn sequences(state: &AppState, tenant: &str) -> ApiResult<BTreeMap<String, i64>> {
    if let Some((at, map)) = state.series_cache.entries.lock().expect("not poisoned").get(tenant) {
        if at.elapsed() < crate::tenant_cache::TTL {
            return Ok(map.clone());
        }
    }
    let map: BTreeMap<String, i64> = state.store.table_rows(tenant, Table::DocSequences).await?.iter().map(|r| (text(r, "id"), int(r, "version"))).collect();
    state.series_cache.entries.lock().expect("not poisoned").insert(tenant.to_owned(), (std::time::Instant::now(), map.clone()));
    Ok(map)
}

/// A change committed: its series rows are the newest state of those series.
pub fn note_committed(state: &AppState, tenant: &str, change: &Change) {
    let mut entries = state.series_cache.entries.lock().expect("not poisoned");
    if let Some((_, map)) = entries.get_mut(tenant) {
        for r in change.rows.iter().filter(|r| r.table == Table::DocSequences) {
            let v = map.entry(text(r, "id")).or_default();
            *v = (*v).max(int(r, "version"));
        }
    }
}

/// A commit was refused for a conflict: the series may have moved elsewhere; read them again.
pub fn forget_sequences(state: &AppState, tenant: &str) {
    state.series_cache.entries.lock().expect("not poisoned").remove(tenant);
}

/// Everything the domain needs for one case command.
pub struct Loaded {
    pub reference: std::sync::Arc<Reference>,
    pub sequences: BTreeMap<String, i64>,
    pub chains: BTreeMap<ChainAct, Chain>,
    pub subject_name: String,
    pub subject_kind: Option<OrgKind>,
}

impl Loaded {
    pub fn env<'a>(&'a self, new_id: &'a (dyn Fn(&str) -> String + Sync)) -> Env<'a> {
        Env {
            rules: CaseRules::national(),
            profile: &self.reference.profile,
            calendar: &self.reference.calendar,
            power: &self.reference.power,
            people: &self.reference.people,
            sequences: &self.sequences,
            chains: &self.chains,
            subject_name: &self.subject_name,
            subject_kind: self.subject_kind,
            new_id,
        }
    }
    pub fn people(&self) -> &BTreeMap<String, PersonFacts> {
        &self.reference.people
    }
}

fn id_gen(prefix: &str) -> String {
    new_id(prefix)
}

pub async fn people_facts(state: &AppState, tenant: &str) -> ApiResult<BTreeMap<String, PersonFacts>> {
    let people = state.store.people(tenant).await?;
    let certs = state.store.certificates(tenant).await?;
    let relations = state.store.declared_relations(tenant).await?;
    let reviewers = state.store.reviewer_appointments(tenant).await?;
    let mut out = BTreeMap::new();
    for p in people {
        out.insert(
            p.id.clone(),
            PersonFacts {
                id: p.id.clone(),
                name: p.name.clone(),
                unit_id: p.org_unit_id.clone(),
                auxiliary: !p.staffing.is_established(),
                active: p.status != chengguan_domain::people::PersonStatus::Inactive,
                certificates: certs.iter().filter(|c| c.person_id == p.id).cloned().collect(),
                relations: Vec::new(),
                reviewer: None,
            },
        );
    }
    for r in relations.iter().filter(|r| int(r, "active") == 1) {
        if let Some(p) = out.get_mut(&text(r, "person_id")) {
            p.relations.push(Relation {
                related_name: r.text("related_name").map(str::to_owned),
                related_id_number: r.text("related_id_number").map(str::to_owned),
                relation: text(r, "relation"),
            });
        }
    }
    for r in reviewers.iter().filter(|r| int(r, "active") == 1) {
        if let Some(p) = out.get_mut(&text(r, "person_id")) {
            let appointed_on = NaiveDate::parse_from_str(&text(r, "appointed_on"), "%Y-%m-%d").map_err(internal)?;
            p.reviewer = Some(ReviewerAppointment { appointed_on, qualification_number: r.text("qualification_number").map(str::to_owned) });
        }
    }
    Ok(out)
}

/// The unit's configured chains (the nearest unit up the administrative path that has one).
fn chains_for(ctx: &Ctx, rows: &[Row], unit_id: &str) -> ApiResult<BTreeMap<ChainAct, Chain>> {
    let path: Vec<String> = ctx.org.admin_path(unit_id).iter().map(|u| u.id.clone()).collect();
    let mut out = BTreeMap::new();
    for act in ChainAct::ALL {
        // admin_path runs from the root down; the nearest configured unit wins.
        for uid in path.iter().rev() {
            if let Some(r) = rows.iter().find(|r| int(r, "active") == 1 && text(r, "unit_id") == *uid && text(r, "act") == act.code()) {
                let steps = serde_json::from_str(&text(r, "steps")).map_err(internal)?;
                out.insert(act, Chain { steps, citation: text(r, "citation") });
                break;
            }
        }
    }
    Ok(out)
}

/// The enforcement subject a case is handled in the name of: the nearest unit up the
/// administrative path that is one.
fn subject_of(ctx: &Ctx, unit_id: &str) -> ApiResult<(String, String)> {
    ctx.org.admin_path(unit_id).iter().rev().find(|u| u.enforcement_subject).map(|u| (u.id.clone(), u.name.clone())).ok_or_else(|| {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_enforcement_subject", "该机构不隶属于任何执法主体", "the unit is not under any enforcement subject")
    })
}

pub async fn load(ctx: &Ctx, unit_id: &str, subject_unit_id: &str) -> ApiResult<Loaded> {
    let reference = reference(&ctx.state, &ctx.tenant_id).await?;
    let sequences = sequences(&ctx.state, &ctx.tenant_id).await?;
    Ok(Loaded {
        chains: chains_for(ctx, &reference.chains, unit_id)?,
        reference,
        sequences,
        subject_name: ctx.org.get(subject_unit_id).map(|u| u.name.clone()).unwrap_or_default(),
        subject_kind: ctx.org.get(subject_unit_id).map(|u| u.kind),
    })
}

/// The caller as the domain sees them over a unit: the roles whose grants reach it.
pub fn actor_for(ctx: &Ctx, unit_id: &str, people: &BTreeMap<String, PersonFacts>) -> Actor {
    let roles = ctx
        .grants
        .iter()
        .filter(|g| {
            ctx.state.policy.allows(std::slice::from_ref(*g), Action::ViewCase, Some(unit_id), &ctx.org)
                || ctx.state.policy.allows(std::slice::from_ref(*g), Action::HandleCase, Some(unit_id), &ctx.org)
        })
        .map(|g| (g.role, ctx.org.get(&g.org_unit_id).map(|u| u.kind).unwrap_or(OrgKind::Bureau)))
        .collect();
    Actor { account_id: ctx.account.id.clone(), person: ctx.account.person_id.as_ref().and_then(|p| people.get(p)).cloned(), roles }
}

/// The policy action each command needs (any of them).
pub fn actions_of(command: &str) -> &'static [Action] {
    match command {
        "approve" | "reject" | "assign_handlers" | "decide_recusal" | "record_discussion" | "resume" | "void_number" | "schedule_hearing" => {
            &[Action::ApproveCase]
        }
        "record_hearing" | "record_remedy" | "record_remedy_outcome" => &[Action::HandleCase, Action::ApproveCase],
        "decide_deferral" | "archive" | "lend_file" | "return_file" => &[Action::ApproveCase],
        "review_file" | "conclude_accountability" => &[Action::SuperviseCase],
        "deposit_to_bank" => &[Action::HandleCase, Action::ApproveCase],
        _ => &[Action::HandleCase],
    }
}

// ------------------------------------------------------------------------------------ idempotency

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    case_id: String,
    act: u32,
}

fn request_hash(kind: &str, body: &serde_json::Value) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(serde_json::to_vec(body).unwrap_or_default());
    hex::encode(h.finalize())
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let k = v.to_str().unwrap_or("").trim().to_owned();
            if k.is_empty() || k.len() > 200 || !k.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(AppError::bad_request(
                    "invalid_idempotency_key",
                    "Idempotency-Key 须为1至200个可见ASCII字符",
                    "Idempotency-Key must be 1–200 visible ASCII characters",
                ));
            }
            Ok(Some(k))
        }
    }
}

/// A key seen before: the same request gets the stored answer; a different one is refused.
async fn replayed(ctx: &Ctx, key: &Option<String>, hash: &str) -> ApiResult<Option<Stored>> {
    let Some(k) = key else { return Ok(None) };
    let id = format!("{}:{k}", ctx.account.id);
    match ctx.state.store.idempotency(&ctx.tenant_id, &id).await? {
        None => Ok(None),
        Some(r) if text(&r, "request_hash") == hash => Ok(Some(serde_json::from_str(&text(&r, "result")).map_err(internal)?)),
        Some(_) => Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一个不同的请求",
            "this Idempotency-Key was already used for a different request",
        )),
    }
}

fn with_key(mut change: Change, ctx: &Ctx, key: &Option<String>, hash: &str, stored: &Stored, now: NaiveDateTime) -> Change {
    if let Some(k) = key {
        let id = format!("{}:{k}", ctx.account.id);
        change = change.expect(Table::IdempotencyKeys, id.clone(), None);
        change.rows.push(
            Row::new(Table::IdempotencyKeys)
                .set("tenant_id", ctx.tenant_id.as_str())
                .set("id", id)
                .set("request_hash", hash)
                .set("result", serde_json::to_string(stored).expect("serialises"))
                .set("created_at", timestamp(now))
                .set("version", 1),
        );
    }
    change
}

// ------------------------------------------------------------------------------------ views

/// A case in lists.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    pub id: String,
    pub title: String,
    pub state: String,
    pub state_zh: String,
    pub unit_id: String,
    pub unit_name: String,
    pub cause_code: Option<String>,
    pub party_name: Option<String>,
    pub handler_ids: Vec<String>,
    pub lead_on: String,
    pub filed_on: Option<String>,
    pub major: bool,
    pub updated_at: String,
    pub version: i64,
}

fn summary(ctx: &Ctx, r: &Row, reveal: bool) -> CaseSummary {
    let state = text(r, "state");
    let unit_id = text(r, "unit_id");
    CaseSummary {
        id: text(r, "id"),
        title: text(r, "title"),
        state_zh: case::State::parse(&state).map(|s| s.zh().to_owned()).unwrap_or_default(),
        state,
        unit_name: ctx.org.get(&unit_id).map(|u| u.name.clone()).unwrap_or_default(),
        unit_id,
        cause_code: r.text("cause_code").map(str::to_owned),
        party_name: r.text("party_name").map(|n| if reveal { n.to_owned() } else { mask::name(n) }),
        handler_ids: text(r, "handler_ids").split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        lead_on: text(r, "lead_on"),
        filed_on: r.text("filed_on").map(str::to_owned),
        major: int(r, "major") == 1,
        updated_at: text(r, "updated_at"),
        version: int(r, "version"),
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Comma-separated states.
    pub state: Option<String>,
    pub unit_id: Option<String>,
    pub handler_id: Option<String>,
    pub cause_code: Option<String>,
    /// Only cases with an overdue deadline.
    pub overdue: Option<bool>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

pub async fn list(ctx: &Ctx, q: &CaseQuery) -> ApiResult<Page<CaseSummary>> {
    ctx.require(Action::ViewCase, None)?;
    let (offset, limit) = crate::services::paging(q.offset, q.limit)?;
    let visible: Vec<String> = ctx.state.policy.visible_units(&ctx.grants, Action::ViewCase, &ctx.org).into_iter().collect();
    let unit_ids = match &q.unit_id {
        Some(u) if !u.is_empty() => {
            ctx.require(Action::ViewCase, Some(u))?;
            Some(ctx.org.admin_subtree(u).into_iter().filter(|x| visible.contains(x)).collect())
        }
        _ => Some(visible),
    };
    let mut states = Vec::new();
    for s in q.state.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()) {
        if case::State::parse(s).is_none() {
            return Err(AppError::bad_request("invalid_value", format!("state 的取值无效: {s}"), format!("invalid value for state: {s}")));
        }
        states.push(s.to_owned());
    }
    let filter = CaseFilter {
        states,
        unit_ids,
        handler_id: q.handler_id.clone().filter(|s| !s.is_empty()),
        cause_code: q.cause_code.clone().filter(|s| !s.is_empty()),
        overdue_only: q.overdue.unwrap_or(false),
        offset: offset as i64,
        limit: limit as i64,
    };
    let rows = ctx.state.store.cases(&ctx.tenant_id, &filter).await?;
    let total = ctx.state.store.count_cases(&ctx.tenant_id, &filter).await? as usize;
    // Lists always mask; unmasking is an explicit, recorded read of one case (`detail` with reveal).
    let items = rows.iter().map(|r| summary(ctx, r, false)).collect();
    Ok(Page { items, total, offset, limit })
}

/// One act as the timeline shows it, with its ledger entry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActView {
    pub n: i64,
    pub kind: String,
    pub actor_account: String,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub files: Vec<String>,
    /// The full-process record entry of this act (verify at /public/verify/{tenant}/{seq}).
    pub ledger_seq: Option<u64>,
    pub leaf_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadlineView {
    pub id: String,
    pub rule: String,
    pub label_zh: String,
    pub label_en: String,
    pub citation: String,
    pub verified: bool,
    pub due: String,
    pub status: String,
    pub warning: String,
    pub explanation_zh: String,
    pub explanation_en: String,
    /// Days left until the due day (negative when overdue), counted in natural days.
    pub days_left: i64,
}

/// A case with everything its page shows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    /// The case aggregate (see docs/cases.md).
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
    /// The party (masked unless the viewer may see personal data).
    #[schema(value_type = Object)]
    pub party: serde_json::Value,
    pub gate_zh: String,
    pub gate_en: String,
    #[schema(value_type = Vec<Object>)]
    pub missing: Vec<case::Warning>,
    pub deadlines: Vec<DeadlineView>,
    pub timeline: Vec<ActView>,
    /// Commands the viewer may issue now.
    pub commands: Vec<String>,
    /// Document numbers issued in this case.
    #[schema(value_type = Vec<Object>)]
    pub numbers: Vec<case::IssuedNumber>,
    /// After the decision: balance, surcharge by day, court window, case file, disclosure.
    pub execution: Option<crate::execution::ExecutionView>,
}

async fn read_case(ctx: &Ctx, id: &str) -> ApiResult<(Case, Row)> {
    let row = ctx.state.store.case_row(&ctx.tenant_id, id).await?.ok_or_else(|| AppError::not_found("案件", "case"))?;
    let c = Case::from_row(&row).map_err(internal)?;
    Ok((c, row))
}

/// A case for its page. `reveal` shows the party's personal data unmasked (needs
/// `view_personal_data`) and records that read in the full-process record (quality.md).
pub async fn detail(ctx: &Ctx, id: &str, reveal: bool) -> ApiResult<CaseDetail> {
    let (c, row) = read_case(ctx, id).await?;
    ctx.require(Action::ViewCase, Some(&c.unit_id))?;
    if reveal {
        ctx.require(Action::ViewPersonalData, Some(&c.unit_id))?;
        // Its own subject, so the case's timeline (acts ↔ entries of `case/{id}`) stays aligned.
        let change = Change::new("case.read_personal_data", format!("case/{id}/personal_data"));
        ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    }
    let loaded = load(ctx, &c.unit_id, &c.subject_unit_id).await?;
    let gen = id_gen;
    let env = loaded.env(&gen);
    let now = ctx.state.clock.now();
    let gate = case::current_gate(&c, &env, now);
    let actor = actor_for(ctx, &c.unit_id, loaded.people());
    let commands =
        case::available(&c, &actor).into_iter().filter(|cmd| actions_of(cmd).iter().any(|a| ctx.can(*a, Some(&c.unit_id)))).map(str::to_owned).collect();
    let dl_rows = ctx.state.store.case_deadlines(&ctx.tenant_id, id).await?;
    let deadlines = dl_rows
        .iter()
        .map(|r| {
            let due = text(r, "due");
            let day = NaiveDate::parse_from_str(due.get(..10).unwrap_or(""), "%Y-%m-%d").unwrap_or(now.date());
            let d = c.deadlines.iter().find(|d| d.id == text(r, "id"));
            DeadlineView {
                id: text(r, "id"),
                rule: text(r, "rule"),
                label_zh: d.map(|d| d.label_zh.clone()).unwrap_or_default(),
                label_en: d.map(|d| d.label_en.clone()).unwrap_or_default(),
                citation: text(r, "citation"),
                verified: int(r, "verified") == 1,
                due,
                status: text(r, "status"),
                warning: text(r, "warning"),
                explanation_zh: text(r, "explanation_zh"),
                explanation_en: text(r, "explanation_en"),
                days_left: (day - now.date()).num_days(),
            }
        })
        .collect();
    let acts = ctx.state.store.case_acts(&ctx.tenant_id, id).await?;
    let entries = ctx.state.store.ledger_entries(&ctx.tenant_id, i64::MAX, 10_000, Some(&format!("case/{id}"))).await?;
    let mut entries: Vec<_> = entries.into_iter().collect();
    entries.sort_by_key(|e| e.seq);
    let timeline = acts
        .iter()
        .enumerate()
        .map(|(i, a)| ActView {
            n: int(a, "n"),
            kind: text(a, "kind"),
            actor_account: text(a, "actor_account"),
            at: text(a, "at"),
            data: serde_json::from_str(&text(a, "data")).unwrap_or_default(),
            files: text(a, "files").split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            ledger_seq: entries.get(i).map(|e| e.seq as u64),
            leaf_hash: entries.get(i).map(|e| e.leaf_hash.clone()),
        })
        .collect();
    let p = &c.party;
    let party = serde_json::json!({
        "kind": p.kind,
        "name": if reveal { p.name.clone() } else { mask::name(&p.name) },
        "id_number": p.id_number.as_deref().map(|v| if reveal { v.to_owned() } else { mask::id_number(v) }),
        "phone": p.phone.as_deref().map(|v| if reveal { v.to_owned() } else { mask::phone(v) }),
        "address": p.address.as_deref().map(|v| if reveal { v.to_owned() } else { "***".to_owned() }),
        "representative": p.representative.as_deref().map(|v| if reveal { v.to_owned() } else { mask::name(v) }),
        "details": p.details,
    });
    Ok(CaseDetail {
        summary: summary(ctx, &row, reveal),
        case: serde_json::to_value(&c).map_err(internal)?,
        party,
        gate_zh: gate.zh,
        gate_en: gate.en,
        missing: gate.missing,
        deadlines,
        timeline,
        commands,
        numbers: c.numbers.clone(),
        execution: crate::execution::view(&c, &env, now.date()),
    })
}

// ------------------------------------------------------------------------------------ commands

/// The answer to a command: the case after it and the warnings the domain raised.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommandResult {
    pub case_id: String,
    pub act: u32,
    pub state: String,
    pub version: i64,
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<case::Warning>,
    /// True when this answer repeats an earlier request with the same Idempotency-Key.
    pub replayed: bool,
}

const RETRIES: usize = 8;

pub async fn register(ctx: &Ctx, reg: Registration, key: Option<String>) -> ApiResult<CommandResult> {
    let body = serde_json::to_value(&reg).unwrap_or_default();
    let unit = reg.unit_id.clone();
    create(ctx, &unit, "register", body, key, |id, subject, actor, env, now| case::register(id, subject, reg.clone(), actor, env, now)).await
}

/// 当场处罚 (simple procedure): the case is created decided and served in one act.
pub async fn on_the_spot(ctx: &Ctx, input: case::OnTheSpot, key: Option<String>) -> ApiResult<CommandResult> {
    let body = serde_json::to_value(&input).unwrap_or_default();
    let unit = input.unit_id.clone();
    create(ctx, &unit, "on_the_spot", body, key, |id, subject, actor, env, now| case::decide_on_the_spot(id, subject, input.clone(), actor, env, now)).await
}

/// Creates a case in `unit_id` with its first act (`decide`): authorise, decide, commit; a
/// conflict (another form took the same number) decides again.
async fn create(
    ctx: &Ctx,
    unit_id: &str,
    kind: &str,
    body: serde_json::Value,
    key: Option<String>,
    decide: impl Fn(&str, &str, &Actor, &Env, NaiveDateTime) -> Result<case::Decided, chengguan_domain::Refusal>,
) -> ApiResult<CommandResult> {
    let hash = request_hash(kind, &body);
    if let Some(s) = replayed(ctx, &key, &hash).await? {
        return result_of(ctx, s, true).await;
    }
    if ctx.org.get(unit_id).is_none() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_unit", format!("机构不存在: {unit_id}"), format!("no such unit: {unit_id}")));
    }
    ctx.require(Action::HandleCase, Some(unit_id))?;
    let (subject, _) = subject_of(ctx, unit_id)?;
    for _ in 0..RETRIES {
        let loaded = load(ctx, unit_id, &subject).await?;
        let gen = id_gen;
        let env = loaded.env(&gen);
        let actor = actor_for(ctx, unit_id, loaded.people());
        let now = ctx.state.clock.now();
        let id = new_id("case");
        let decided = decide(&id, &subject, &actor, &env, now)?;
        let stored = Stored { case_id: id.clone(), act: decided.case.acts };
        let change = with_key(decided.to_change(&ctx.tenant_id, &ctx.account.id, None, now), ctx, &key, &hash, &stored, now);
        if let Some(r) = commit_act(ctx, &change, &decided, &key, &hash).await? {
            return Ok(r);
        }
    }
    Err(conflict())
}

/// Commits a decided act. `Ok(None)`: another writer got there first and this request was not
/// answered before — the caller reads and decides again.
async fn commit_act(ctx: &Ctx, change: &Change, decided: &case::Decided, key: &Option<String>, hash: &str) -> ApiResult<Option<CommandResult>> {
    let committed = ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, change).await;
    match &committed {
        Ok(_) => note_committed(&ctx.state, &ctx.tenant_id, change),
        Err(StoreError::Conflict(_)) => forget_sequences(&ctx.state, &ctx.tenant_id),
        Err(_) => {}
    }
    match committed {
        Ok(_) => Ok(Some(CommandResult {
            case_id: decided.case.id.clone(),
            act: decided.case.acts,
            state: decided.case.state.code().into(),
            version: decided.case.version,
            warnings: decided.warnings.clone(),
            replayed: false,
        })),
        Err(StoreError::Conflict(_)) => match replayed(ctx, key, hash).await? {
            Some(s) => result_of(ctx, s, true).await.map(Some),
            None => Ok(None),
        },
        Err(e) => Err(e.into()),
    }
}

async fn result_of(ctx: &Ctx, s: Stored, replayed: bool) -> ApiResult<CommandResult> {
    let (c, _) = read_case(ctx, &s.case_id).await?;
    Ok(CommandResult { case_id: s.case_id, act: s.act, state: c.state.code().into(), version: c.version, warnings: Vec::new(), replayed })
}

fn conflict() -> AppError {
    AppError::new(StatusCode::CONFLICT, "conflict", "案件正被他人同时修改，请刷新后重试", "the case was changed concurrently; reload and try again")
}

pub async fn command(ctx: &Ctx, id: &str, cmd: Command, key: Option<String>) -> ApiResult<CommandResult> {
    let hash = request_hash(&format!("case/{id}"), &serde_json::to_value(&cmd).unwrap_or_default());
    if let Some(s) = replayed(ctx, &key, &hash).await? {
        return result_of(ctx, s, true).await;
    }
    for _ in 0..RETRIES {
        let (c, _) = read_case(ctx, id).await?;
        ctx.require(Action::ViewCase, Some(&c.unit_id))?;
        let actions = actions_of(cmd.name());
        if !actions.iter().any(|a| ctx.can(*a, Some(&c.unit_id))) {
            ctx.require(actions[0], Some(&c.unit_id))?;
        }
        let loaded = load(ctx, &c.unit_id, &c.subject_unit_id).await?;
        let gen = id_gen;
        let env = loaded.env(&gen);
        let actor = actor_for(ctx, &c.unit_id, loaded.people());
        let now = ctx.state.clock.now();
        if let Command::AddEvidence { evidence } = &cmd {
            for f in &evidence.files {
                if ctx.state.store.row(&ctx.tenant_id, Table::Evidence, f).await?.is_none() {
                    return Err(AppError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "unknown_file",
                        format!("证据库中没有该文件: {f}（请先上传）"),
                        format!("no such file in the evidence store: {f} (upload it first)"),
                    ));
                }
            }
        }
        if let Command::RecordPayment { reference, .. } = &cmd {
            if let Some(row) = ctx.state.store.payment_ref(&ctx.tenant_id, reference.trim()).await? {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    "case.payment.duplicate",
                    format!("缴款凭证号 {} 已登记（案件 {}）", reference.trim(), row.text("case_id").unwrap_or_default()),
                    format!("payment reference {} is already recorded (case {})", reference.trim(), row.text("case_id").unwrap_or_default()),
                ));
            }
        }
        let decided = case::apply(&c, &cmd, &actor, &env, now)?;
        // 当场收缴 (after the case rules passed): the receipt must be the collecting officer's and unused (APL art. 70).
        let receipt = match &cmd {
            Command::CollectOnSpot { receipt, .. } => {
                let row = ctx.state.store.row(&ctx.tenant_id, Table::FineReceipts, receipt.trim()).await?.ok_or_else(|| {
                    AppError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "receipt.unknown",
                        format!("没有登记票据{receipt}"),
                        format!("no receipt {receipt} is registered"),
                    )
                })?;
                let r = receipts::FineReceipt::from_row(&row).ok_or_else(|| internal("unreadable receipt row"))?;
                let person = ctx.account.person_id.clone().unwrap_or_default();
                Some(receipts::use_for(&r, &person, &c.id, now)?)
            }
            _ => None,
        };
        let stored = Stored { case_id: c.id.clone(), act: decided.case.acts };
        let mut change = decided.to_change(&ctx.tenant_id, &ctx.account.id, Some(c.version), now);
        if let Some(r) = receipt {
            change = change.expect(Table::FineReceipts, r.id.clone(), Some(r.version - 1));
            change.rows.push(r.to_row(&ctx.tenant_id));
        }
        let change = with_key(change, ctx, &key, &hash, &stored, now);
        if let Some(r) = commit_act(ctx, &change, &decided, &key, &hash).await? {
            return Ok(r);
        }
    }
    Err(conflict())
}

// ------------------------------------------------------------------------------------ inbox, warnings

/// A submission awaiting the viewer's opinion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    pub case: CaseSummary,
    pub act: String,
    pub act_zh: String,
    pub step: usize,
    pub steps: usize,
    pub role: String,
    pub submitted_at: String,
}

pub async fn inbox(ctx: &Ctx) -> ApiResult<Vec<InboxItem>> {
    ctx.require(Action::ApproveCase, None)?;
    let visible: Vec<String> = ctx.state.policy.visible_units(&ctx.grants, Action::ApproveCase, &ctx.org).into_iter().collect();
    let rows = ctx.state.store.cases(&ctx.tenant_id, &CaseFilter { unit_ids: Some(visible), ..Default::default() }).await?;
    let me = ctx.account.person_id.clone().unwrap_or_else(|| ctx.account.id.clone());
    let mut out = Vec::new();
    for r in &rows {
        let c = Case::from_row(r).map_err(internal)?;
        let Some(s) = c.pending() else { continue };
        let Some((i, step)) = s.next_step() else { continue };
        let holds =
            ctx.grants.iter().any(|g| g.role == step.role && ctx.state.policy.allows(std::slice::from_ref(g), Action::ApproveCase, Some(&c.unit_id), &ctx.org));
        if !holds || c.handlers.contains(&me) || s.submitted_by == me || s.opinions.iter().any(|o| o.by_person == me) {
            continue;
        }
        out.push(InboxItem {
            case: summary(ctx, r, ctx.can(Action::ViewPersonalData, Some(&c.unit_id))),
            act: s.act.code().into(),
            act_zh: s.act.zh().into(),
            step: i + 1,
            steps: s.steps.len(),
            role: step.role.code().into(),
            submitted_at: s.submitted_at.format("%Y-%m-%d %H:%M").to_string(),
        });
    }
    Ok(out)
}

/// An open deadline that is near or overdue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WarningItem {
    pub case_id: String,
    pub unit_id: String,
    pub rule: String,
    pub citation: String,
    pub due: String,
    pub warning: String,
    pub explanation_zh: String,
}

/// Near-due and overdue deadlines: a handler sees their cases, leaders and inspectors their units.
/// "Their cases" are the case's current handlers: a deadline row keeps the handlers of when it was
/// last written (a complaint's reply deadline is opened before anyone is assigned, and handlers
/// change by assignment or recusal).
pub async fn warnings(ctx: &Ctx) -> ApiResult<Vec<WarningItem>> {
    ctx.require(Action::ViewCase, None)?;
    let me = ctx.account.person_id.clone().unwrap_or_default();
    let rows = ctx.state.store.open_deadlines(&ctx.tenant_id).await?;
    let wide = ctx.grants.iter().any(|g| matches!(g.role, Role::Leader | Role::Inspector));
    let mut handles: BTreeMap<String, bool> = BTreeMap::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| text(r, "warning") != "none" && ctx.can(Action::ViewCase, Some(&text(r, "unit_id")))) {
        let case_id = text(r, "case_id");
        if !wide {
            let mine = match handles.get(&case_id) {
                Some(m) => *m,
                None => {
                    let case = ctx.state.store.case_row(&ctx.tenant_id, &case_id).await?;
                    let m = !me.is_empty() && case.is_some_and(|c| text(&c, "handler_ids").contains(&format!(",{me},")));
                    handles.insert(case_id.clone(), m);
                    m
                }
            };
            if !mine {
                continue;
            }
        }
        out.push(WarningItem {
            case_id,
            unit_id: text(r, "unit_id"),
            rule: text(r, "rule"),
            citation: text(r, "citation"),
            due: text(r, "due"),
            warning: text(r, "warning"),
            explanation_zh: text(r, "explanation_zh"),
        });
    }
    Ok(out)
}

/// The deadline sweep: marks open deadlines near-due or overdue at `now`. Idempotent (a row is
/// written only when its warning changes) and stateless between runs (it reads the table), so it
/// survives restarts. Returns the number of deadlines whose warning changed.
///
/// A command that closes or moves a deadline rewrites it together with its case (a new version);
/// the sweep commits expecting the versions of the cases it read before their deadlines, so it
/// never writes back a deadline as it was before such a command (it reads again instead).
pub async fn sweep(state: &AppState, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut changed = 0;
    for t in state.store.tenants().await? {
        let eff = overrides::effective(state, &t.id).await?;
        let warned = |rows: Vec<Row>| -> Vec<Row> {
            rows.into_iter()
                .filter_map(|r| {
                    // A due date not computable yet (its year's calendar is missing) stays without
                    // warning; the case page shows why.
                    let w = warning_at(&eff.procedure, &eff.calendar, &text(&r, "due"), now)?;
                    if CaseRules::national().deadlines.party_periods.contains(&text(&r, "rule")) {
                        // The party's own period: once it has passed the bureau may proceed and
                        // nobody is late, so it is marked elapsed, never near or overdue.
                        return (w == "overdue").then(|| r.set("status", "elapsed").set("closed_at", timestamp(now)));
                    }
                    (text(&r, "warning") != w).then(|| r.set("warning", w))
                })
                .collect()
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let cases: std::collections::BTreeSet<String> = warned(state.store.open_deadlines(&t.id).await?).iter().map(|r| text(r, "case_id")).collect();
            if cases.is_empty() {
                break;
            }
            let mut change = Change::new("deadline.sweep", "deadlines");
            for id in &cases {
                let version = state.store.case_row(&t.id, id).await?.map(|r| int(&r, "version"));
                change = change.expect(Table::Cases, id.clone(), version);
            }
            change.rows = warned(state.store.open_deadlines(&t.id).await?).into_iter().filter(|r| cases.contains(&text(r, "case_id"))).collect();
            if change.rows.is_empty() {
                break;
            }
            let n = change.rows.len();
            match state.store.commit(&t.id, "system", &change).await {
                Ok(_) => {
                    changed += n;
                    break;
                }
                Err(StoreError::Conflict(_)) if attempts < RETRIES => continue,
                Err(StoreError::Conflict(e)) => {
                    // The tenant's cases keep changing: its warnings wait for the next run; the
                    // other tenants are swept now.
                    tracing::warn!(tenant = %t.id, error = %e, "deadline sweep: cases changed during every attempt; retrying at the next run");
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(changed)
}

/// Runs the sweep now and then every `every` (spawned by `serve`).
pub fn spawn_sweeper(state: AppState, every: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = sweep(&state, state.clock.now()).await {
                tracing::warn!(error = %e.message(), "deadline sweep failed; retrying at the next interval");
            }
            tokio::time::sleep(every).await;
        }
    });
}

// ------------------------------------------------------------------------------------ interference

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterferenceInput {
    pub case_id: Option<String>,
    /// Unit concerned (defaults to the case's unit).
    pub unit_id: Option<String>,
    pub interferer_name: Option<String>,
    pub interferer_post: Option<String>,
    /// e.g. 打招呼、说情、批条子、递材料
    pub method: String,
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InterferenceView {
    pub id: String,
    pub case_id: Option<String>,
    pub unit_id: String,
    pub reported_by: String,
    pub reported_at: String,
    pub interferer_name: Option<String>,
    pub interferer_post: Option<String>,
    pub method: String,
    pub content: String,
    pub status: String,
    pub inspector_note: Option<String>,
}

fn interference_view(r: &Row) -> InterferenceView {
    InterferenceView {
        id: text(r, "id"),
        case_id: r.text("case_id").map(str::to_owned),
        unit_id: text(r, "unit_id"),
        reported_by: text(r, "reported_by"),
        reported_at: text(r, "reported_at"),
        interferer_name: r.text("interferer_name").map(str::to_owned),
        interferer_post: r.text("interferer_post").map(str::to_owned),
        method: text(r, "method"),
        content: text(r, "content"),
        status: text(r, "status"),
        inspector_note: r.text("inspector_note").map(str::to_owned),
    }
}

pub async fn report_interference(ctx: &Ctx, i: InterferenceInput) -> ApiResult<InterferenceView> {
    let unit_id =
        match (&i.case_id, &i.unit_id) {
            (Some(cid), _) => {
                ctx.state.store.case_row(&ctx.tenant_id, cid).await?.map(|r| text(&r, "unit_id")).ok_or_else(|| {
                    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_case", format!("案件不存在: {cid}"), format!("no such case: {cid}"))
                })?
            }
            (None, Some(u)) if ctx.org.get(u).is_some() => u.clone(),
            _ => return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unit_required", "请指明案件或机构", "name the case or the unit")),
        };
    ctx.require(Action::ReportInterference, Some(&unit_id))?;
    for (v, f) in [(&i.method, "method"), (&i.content, "content")] {
        if v.trim().is_empty() || v.len() > 20_000 {
            return Err(AppError::bad_request("missing_field", format!("{f} 不能为空（最多20000字节）"), format!("{f} must be 1–20,000 bytes")));
        }
    }
    let row = Row::new(Table::Interference)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", new_id("itf"))
        .set("case_id", i.case_id.clone())
        .set("reported_by", ctx.account.id.as_str())
        .set("reported_at", timestamp(ctx.state.clock.now()))
        .set("interferer_name", i.interferer_name.clone().filter(|s| !s.trim().is_empty()))
        .set("interferer_post", i.interferer_post.clone().filter(|s| !s.trim().is_empty()))
        .set("method", i.method.trim())
        .set("content", i.content.trim())
        .set("status", "reported")
        .set("inspector_note", None::<String>)
        .set("unit_id", unit_id);
    let subject = format!("interference/{}", text(&row, "id"));
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new("interference.report", subject).row(row.clone())).await?;
    Ok(interference_view(&row))
}

pub async fn list_interference(ctx: &Ctx) -> ApiResult<Vec<InterferenceView>> {
    ctx.require(Action::ViewInterference, None)?;
    let units: Vec<String> = ctx.state.policy.visible_units(&ctx.grants, Action::ViewInterference, &ctx.org).into_iter().collect();
    Ok(ctx.state.store.interference(&ctx.tenant_id, Some(&units)).await?.iter().map(interference_view).collect())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckInput {
    pub note: String,
}

pub async fn acknowledge_interference(ctx: &Ctx, id: &str, i: AckInput) -> ApiResult<InterferenceView> {
    let row = ctx.state.store.row(&ctx.tenant_id, Table::Interference, id).await?.ok_or_else(|| AppError::not_found("干预记录", "interference record"))?;
    ctx.require(Action::ViewInterference, Some(&text(&row, "unit_id")))?;
    if !ctx.grants.iter().any(|g| g.role == Role::Inspector) {
        return Err(AppError::new(StatusCode::FORBIDDEN, "forbidden", "只有督察人员可以签收干预执法记录", "only inspectors acknowledge interference records"));
    }
    if i.note.trim().is_empty() {
        return Err(AppError::bad_request("missing_field", "note 不能为空", "note must not be empty"));
    }
    let row = row.set("status", "acknowledged").set("inspector_note", i.note.trim());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new("interference.acknowledge", format!("interference/{id}")).row(row.clone())).await?;
    Ok(interference_view(&row))
}

// ------------------------------------------------------------------------------------ configuration

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChainView {
    pub unit_id: String,
    pub act: String,
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<case::Step>,
    pub citation: String,
    pub active: bool,
}

pub async fn chains(ctx: &Ctx) -> ApiResult<Vec<ChainView>> {
    ctx.require(Action::ViewCase, None)?;
    let mut out: Vec<ChainView> = ChainAct::ALL
        .iter()
        .map(|a| {
            let c = &CaseRules::national().chains[a];
            ChainView { unit_id: String::new(), act: a.code().into(), steps: c.steps.clone(), citation: c.citation.clone(), active: true }
        })
        .collect();
    for r in ctx.state.store.approval_chains(&ctx.tenant_id).await? {
        out.push(ChainView {
            unit_id: text(&r, "unit_id"),
            act: text(&r, "act"),
            steps: serde_json::from_str(&text(&r, "steps")).map_err(internal)?,
            citation: text(&r, "citation"),
            active: int(&r, "active") == 1,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChainInput {
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<case::Step>,
    /// The unit's own source for its chain (e.g. its case-approval rules).
    pub citation: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

pub async fn put_chain(ctx: &Ctx, unit_id: &str, act: &str, i: ChainInput) -> ApiResult<ChainView> {
    ctx.org.get(unit_id).ok_or_else(|| AppError::not_found("机构", "org unit"))?;
    ctx.require(Action::ManageOrg, Some(unit_id))?;
    let a = ChainAct::parse(act).ok_or_else(|| AppError::bad_request("invalid_value", format!("审批事项无效: {act}"), format!("invalid act: {act}")))?;
    if i.citation.trim().is_empty() {
        return Err(AppError::bad_request("missing_field", "citation 不能为空：审批链须注明依据", "citation must not be empty: a chain names its source"));
    }
    if i.steps.is_empty() || i.steps.len() > 12 {
        return Err(AppError::bad_request("invalid_steps", "审批链须有1至12个步骤", "a chain has 1–12 steps"));
    }
    if i.steps.iter().any(|s| !matches!(s.role, Role::Leader | Role::LegalReviewer | Role::Lawyer)) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_steps",
            "审批人只能是负责人、法制审核员或驻队律师",
            "approvers are leaders, legal reviewers or lawyers",
        )
        .with_rule("《行政处罚法》第五十七条、第五十八条"));
    }
    if matches!(a, ChainAct::Decision | ChainAct::PenaltyNotice) && !i.steps.iter().any(|s| s.role == Role::LegalReviewer) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "legal_review_required",
            "告知和决定的审批链必须包含法制审核",
            "notice and decision chains must include legal review",
        )
        .with_rule("《行政处罚法》第五十八条；种子文件000“一般程序逐级报批”"));
    }
    if a == ChainAct::Decision && i.steps.last().map(|s| s.role) != Some(Role::Leader) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "decider_last",
            "决定审批链的最后一步须为负责人",
            "the decision chain ends with the leader",
        )
        .with_rule("《行政处罚法》第五十七条"));
    }
    let row = Row::new(Table::ApprovalChains)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", format!("{unit_id}:{act}"))
        .set("unit_id", unit_id)
        .set("act", act)
        .set("steps", serde_json::to_string(&i.steps).expect("serialises"))
        .set("citation", i.citation.trim())
        .set("updated_by", ctx.account.id.as_str())
        .set("updated_at", timestamp(ctx.state.clock.now()))
        .set("active", i.active);
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new("approval_chain.set", format!("approval_chain/{unit_id}:{act}")).row(row)).await?;
    Ok(ChainView { unit_id: unit_id.into(), act: act.into(), steps: i.steps, citation: i.citation, active: i.active })
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewerInput {
    pub appointed_on: NaiveDate,
    /// 法律职业资格证书编号 (required for reviewers first appointed on or after 2021-07-15).
    pub qualification_number: Option<String>,
    pub qualification_on: Option<NaiveDate>,
    #[serde(default = "yes")]
    pub active: bool,
}

pub async fn put_reviewer(ctx: &Ctx, person_id: &str, i: ReviewerInput) -> ApiResult<ReviewerInput> {
    let p = crate::services::person_of(ctx, person_id, Action::ManagePeople).await?;
    if !p.staffing.is_established() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "auxiliary", "协管人员不得从事法制审核", "auxiliaries cannot do legal review")
            .with_rule("《行政处罚法》第五十八条第二款"));
    }
    let r = &CaseRules::national().reviewers;
    let q = i.qualification_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if i.appointed_on >= r.from_date() && q.is_none() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "qualification_required",
            "初次从事法制审核的人员应当取得法律职业资格",
            "staff first doing legal review must hold the legal professional qualification",
        )
        .with_rule(&r.citation));
    }
    let row = Row::new(Table::ReviewerAppointments)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", format!("reviewer:{person_id}"))
        .set("person_id", person_id)
        .set("appointed_on", i.appointed_on.to_string())
        .set("qualification_number", q.map(str::to_owned))
        .set("qualification_on", i.qualification_on.map(|d| d.to_string()))
        .set("active", i.active);
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new("reviewer.appoint", format!("person/{person_id}")).row(row)).await?;
    Ok(i)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationInput {
    pub related_name: Option<String>,
    pub related_id_number: Option<String>,
    /// e.g. 近亲属、生意往来
    pub relation: String,
}

pub async fn add_relation(ctx: &Ctx, person_id: &str, i: RelationInput) -> ApiResult<RelationInput> {
    // Declared by the person themself, or recorded by personnel staff.
    let own = ctx.account.person_id.as_deref() == Some(person_id);
    if !own {
        crate::services::person_of(ctx, person_id, Action::ManagePeople).await?;
    }
    let name = i.related_name.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let idn = i.related_id_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if (name.is_none() && idn.is_none()) || i.relation.trim().is_empty() {
        return Err(AppError::bad_request(
            "missing_field",
            "须填写关系人姓名或身份证号，以及关系",
            "give the related person's name or ID number, and the relation",
        ));
    }
    let row = Row::new(Table::DeclaredRelations)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", new_id("rel"))
        .set("person_id", person_id)
        .set("related_name", name.map(str::to_owned))
        .set("related_id_number", idn.map(str::to_owned))
        .set("relation", i.relation.trim())
        .set("declared_on", ctx.state.clock.now().date().to_string())
        .set("active", true);
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &Change::new("relation.declare", format!("person/{person_id}")).row(row)).await?;
    Ok(i)
}

// ------------------------------------------------------------------------------------ handlers

/// Cases visible to the caller, filtered.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseQuery), responses((status = 200, body = Page<CaseSummary>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_list(ctx: Ctx, Query(q): Query<CaseQuery>) -> ApiResult<axum::Json<Page<CaseSummary>>> {
    Ok(axum::Json(list(&ctx, &q).await?))
}

/// Register a lead (登记). Send `Idempotency-Key` so a field device can retry safely.
#[utoipa::path(post, path = "/api/v1/cases", request_body(content = Object, description = "Registration: unit_id, source (patrol|complaint|transfer_in|assignment|grid_issue), source_ref?, informant?, lead_on, title, content, party?, cause_code? — see docs/cases.md"),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CommandResult), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_register(ctx: Ctx, headers: HeaderMap, Json(reg): Json<Registration>) -> ApiResult<(StatusCode, axum::Json<CommandResult>)> {
    let key = idempotency_key(&headers)?;
    let r = register(&ctx, reg, key).await?;
    Ok((if r.replayed { StatusCode::OK } else { StatusCode::CREATED }, axum::Json(r)))
}

/// 当场处罚 (simple procedure, APL art. 51–52): decided and served on the spot, one act.
#[utoipa::path(post, path = "/api/v1/cases/on-the-spot", request_body(content = Object, description = "OnTheSpot: unit_id, party, cause_code, violation_on, place, facts, provisions, penalty (warning|fine), fine_yuan?, officers (two), certificate_shown, statement, refused_to_sign? — see docs/cases.md"),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CommandResult), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_on_the_spot(ctx: Ctx, headers: HeaderMap, Json(input): Json<case::OnTheSpot>) -> ApiResult<(StatusCode, axum::Json<CommandResult>)> {
    let key = idempotency_key(&headers)?;
    let r = on_the_spot(&ctx, input, key).await?;
    Ok((if r.replayed { StatusCode::OK } else { StatusCode::CREATED }, axum::Json(r)))
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RevealQuery {
    /// Show the party's personal data unmasked (needs view_personal_data; the read is recorded).
    pub reveal: Option<bool>,
}

/// A case: summary, aggregate, gate and what is missing, deadlines with citations, timeline, the
/// caller's commands.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path), RevealQuery), responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_get(ctx: Ctx, Path(id): Path<String>, Query(q): Query<RevealQuery>) -> ApiResult<axum::Json<CaseDetail>> {
    Ok(axum::Json(detail(&ctx, &id, q.reveal.unwrap_or(false)).await?))
}

/// Issue a command on a case: `{"command": "<name>", ...fields}` (names and fields in
/// docs/cases.md). A gate that refuses answers 422 with the rule's citation and changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/{id}/commands", params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Object, description = "A case command, tagged by `command`: record_check, propose_filing, propose_disposal, approve, reject, assign_handlers, request_recusal, decide_recusal, add_evidence, request_preservation, decide_preservation, request_assistance, answer_assistance, confirm_address, submit_report, propose_notice, serve_notice, record_statement, waive_statement, request_hearing, schedule_hearing, record_hearing, record_discussion, propose_decision, serve, notify_informant, request_suspension, resume, request_extension, request_termination, request_transfer_out, void_number; after the decision (docs/cases.md \"Execution to archive\"): record_payment, apply_deferral, decide_deferral, serve_reminder, apply_to_court, record_court_outcome, record_remedy, record_remedy_outcome, publish_decision, withdraw_publication, conclude_accountability, propose_closing, archive, lend_file, return_file, review_file"),
    responses((status = 200, body = CommandResult), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_command(ctx: Ctx, Path(id): Path<String>, headers: HeaderMap, Json(cmd): Json<Command>) -> ApiResult<axum::Json<CommandResult>> {
    let key = idempotency_key(&headers)?;
    Ok(axum::Json(command(&ctx, &id, cmd, key).await?))
}

/// Submissions awaiting the caller's opinion (approvers' and reviewers' inbox).
#[utoipa::path(get, path = "/api/v1/case-inbox", responses((status = 200, body = Vec<InboxItem>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_inbox(ctx: Ctx) -> ApiResult<axum::Json<Vec<InboxItem>>> {
    Ok(axum::Json(inbox(&ctx).await?))
}

/// Near-due and overdue case deadlines for the caller.
#[utoipa::path(get, path = "/api/v1/case-warnings", responses((status = 200, body = Vec<WarningItem>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_warnings(ctx: Ctx) -> ApiResult<axum::Json<Vec<WarningItem>>> {
    Ok(axum::Json(warnings(&ctx).await?))
}

/// Interference records (干预执法记录) the caller may read (inspectors, leaders).
#[utoipa::path(get, path = "/api/v1/interference", responses((status = 200, body = Vec<InterferenceView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_interference_list(ctx: Ctx) -> ApiResult<axum::Json<Vec<InterferenceView>>> {
    Ok(axum::Json(list_interference(&ctx).await?))
}

/// Log an attempt to interfere with enforcement (anyone may; it goes to the inspectors).
#[utoipa::path(post, path = "/api/v1/interference", request_body = InterferenceInput,
    responses((status = 201, body = InterferenceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_interference_report(ctx: Ctx, Json(i): Json<InterferenceInput>) -> ApiResult<(StatusCode, axum::Json<InterferenceView>)> {
    Ok((StatusCode::CREATED, axum::Json(report_interference(&ctx, i).await?)))
}

/// An inspector acknowledges an interference record with a note.
#[utoipa::path(post, path = "/api/v1/interference/{id}/acknowledge", params(("id" = String, Path)), request_body = AckInput,
    responses((status = 200, body = InterferenceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_interference_ack(ctx: Ctx, Path(id): Path<String>, Json(i): Json<AckInput>) -> ApiResult<axum::Json<InterferenceView>> {
    Ok(axum::Json(acknowledge_interference(&ctx, &id, i).await?))
}

/// Approval chains: the national defaults (unit_id empty) and the units' own.
#[utoipa::path(get, path = "/api/v1/approval-chains", responses((status = 200, body = Vec<ChainView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_chains(ctx: Ctx) -> ApiResult<axum::Json<Vec<ChainView>>> {
    Ok(axum::Json(chains(&ctx).await?))
}

/// Configure a unit's approval chain for an act (逐级报批), with its source.
#[utoipa::path(put, path = "/api/v1/approval-chains/{unit_id}/{act}", params(("unit_id" = String, Path), ("act" = String, Path)), request_body = ChainInput,
    responses((status = 200, body = ChainView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_put_chain(ctx: Ctx, Path((unit_id, act)): Path<(String, String)>, Json(i): Json<ChainInput>) -> ApiResult<axum::Json<ChainView>> {
    Ok(axum::Json(put_chain(&ctx, &unit_id, &act, i).await?))
}

/// Appoint a legal reviewer (法制审核人员), with the qualification APL art. 58 requires.
#[utoipa::path(put, path = "/api/v1/people/{id}/reviewer-appointment", params(("id" = String, Path)), request_body = ReviewerInput,
    responses((status = 200, body = ReviewerInput), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_reviewer(ctx: Ctx, Path(id): Path<String>, Json(i): Json<ReviewerInput>) -> ApiResult<axum::Json<ReviewerInput>> {
    Ok(axum::Json(put_reviewer(&ctx, &id, i).await?))
}

/// Declare a relation (kin, business) so the system warns before assigning the person to a case
/// of the related party (APL art. 43).
#[utoipa::path(post, path = "/api/v1/people/{id}/relations", params(("id" = String, Path)), request_body = RelationInput,
    responses((status = 201, body = RelationInput), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_relation(ctx: Ctx, Path(id): Path<String>, Json(i): Json<RelationInput>) -> ApiResult<(StatusCode, axum::Json<RelationInput>)> {
    Ok((StatusCode::CREATED, axum::Json(add_relation(&ctx, &id, i).await?)))
}
