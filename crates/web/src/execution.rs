//! Execution to archive over HTTP: the execution view of a case (balance, surcharge day by day,
//! court window, case file, disclosure), the import of payment notifications from the bank or the
//! e-payment platform, and the leaders' payments/enforcement board. The commands themselves go
//! through `cases::command` like every other case command.

use crate::auth::Ctx;
use crate::cases;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::Json;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::Action;
use chengguan_domain::case::execution::{self, Balance, CaseFile, CourtWindow, Instalment, PublicRecord, SurchargeDay};
use chengguan_domain::case::rows::warning_at;
use chengguan_domain::case::{Case, Command, Env, State};
use chengguan_domain::Refusal;
use chengguan_store::CaseFilter;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/payments/import", post(api_import))
        .route("/api/v1/execution-board", get(api_board))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// A case after its decision, as the case page and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExecutionView {
    #[schema(value_type = Object)]
    pub balance: Balance,
    #[schema(value_type = Vec<Object>)]
    pub schedule: Vec<Instalment>,
    /// The late surcharge day by day up to today (APL art. 72–73).
    #[schema(value_type = Vec<Object>)]
    pub surcharge: Vec<SurchargeDay>,
    pub surcharge_citation: String,
    #[schema(value_type = Option<Object>)]
    pub court_window: Option<CourtWindow>,
    /// Why the window cannot be computed (e.g. a year without its holiday notice).
    pub court_window_error: Option<String>,
    #[schema(value_type = Object)]
    pub case_file: CaseFile,
    /// to_publish | published | to_withdraw | withdrawn | not_to_publish
    pub disclosure_status: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub public_record: Option<PublicRecord>,
}

fn refusal_text(r: Refusal) -> String {
    r.message_zh
}

pub fn view(c: &Case, env: &Env, today: NaiveDate) -> Option<ExecutionView> {
    c.decision.as_ref()?;
    let (court_window, court_window_error) = match execution::court_window(c, env) {
        Ok(w) => (w, None),
        Err(e) => (None, Some(refusal_text(e))),
    };
    let balance =
        execution::balance(c, env, today).unwrap_or(Balance { fine_fen: execution::fine_fen(c), surcharge_fen: 0, paid_fen: 0, owed_fen: 0, annulled: false });
    Some(ExecutionView {
        balance,
        schedule: execution::schedule(c),
        surcharge: execution::surcharge(c, env, today).unwrap_or_default(),
        surcharge_citation: format!(
            "{}；{}；《行政处罚法》第七十三条第三款（复议、诉讼期间不计算）",
            env.profile.get("apl.late_surcharge_rate").map(|r| r.cited()).unwrap_or_default(),
            env.profile.get("apl.late_surcharge_cap").map(|r| r.cited()).unwrap_or_default()
        ),
        court_window,
        court_window_error,
        case_file: execution::case_file(c, env),
        disclosure_status: c.execution.disclosure.as_ref().map(|d| d.status().to_owned()),
        public_record: c.execution.disclosure.as_ref().map(|d| d.record.clone()),
    })
}

// ------------------------------------------------------------------------------ payment import

/// One notification of the bank or e-payment platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentNotification {
    /// The bank's or platform's transaction reference (unique).
    pub reference: String,
    /// The penalty decision's number the payment quotes (e.g. 江汉城管罚决字〔2026〕1号).
    pub decision_number: String,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    /// bank | e_payment
    #[serde(default = "bank")]
    pub channel: String,
}

fn bank() -> String {
    "bank".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBatch {
    /// The batch's own id (the file or message it came in).
    pub batch: String,
    pub notifications: Vec<PaymentNotification>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportLine {
    pub reference: String,
    /// recorded | duplicate | unknown_reference | refused
    pub status: String,
    pub case_id: Option<String>,
    pub message_zh: Option<String>,
    pub message_en: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub recorded: usize,
    pub duplicates: usize,
    pub unknown: usize,
    pub refused: usize,
    pub lines: Vec<ImportLine>,
}

const MAX_BATCH: usize = 1_000;

/// Imports a batch: each notification is matched to its case by the decision number and recorded
/// as a `record_payment` act (one transaction each); a reference already recorded is reported as a
/// duplicate and changes nothing, so the same batch can be sent again safely.
pub async fn import(ctx: &Ctx, b: ImportBatch) -> ApiResult<ImportReport> {
    ctx.require(Action::HandleCase, None)?;
    if b.batch.trim().is_empty() || b.notifications.is_empty() || b.notifications.len() > MAX_BATCH {
        return Err(AppError::bad_request(
            "invalid_batch",
            format!("批次号不能为空，通知须为1至{MAX_BATCH}条"),
            format!("the batch needs an id and 1–{MAX_BATCH} notifications"),
        ));
    }
    let mut report = ImportReport { recorded: 0, duplicates: 0, unknown: 0, refused: 0, lines: Vec::new() };
    for n in b.notifications {
        let reference = n.reference.trim().to_owned();
        let line = |status: &str, case_id: Option<String>, zh: Option<String>, en: Option<String>| ImportLine {
            reference: reference.clone(),
            status: status.into(),
            case_id,
            message_zh: zh,
            message_en: en,
        };
        if let Some(row) = ctx.state.store.payment_ref(&ctx.tenant_id, &reference).await? {
            report.duplicates += 1;
            report.lines.push(line("duplicate", row.text("case_id").map(str::to_owned), Some("该缴款凭证已登记".into()), Some("already recorded".into())));
            continue;
        }
        let Some(case_id) = ctx.state.store.case_of_number(&ctx.tenant_id, n.decision_number.trim()).await? else {
            report.unknown += 1;
            report.lines.push(line(
                "unknown_reference",
                None,
                Some(format!("没有文号为“{}”的决定书", n.decision_number)),
                Some(format!("no decision numbered {}", n.decision_number)),
            ));
            continue;
        };
        let cmd = Command::RecordPayment {
            amount_fen: n.amount_fen,
            paid_on: n.paid_on,
            reference: reference.clone(),
            channel: n.channel,
            batch: Some(b.batch.clone()),
        };
        match cases::command(ctx, &case_id, cmd, None).await {
            Ok(_) => {
                report.recorded += 1;
                report.lines.push(line("recorded", Some(case_id), None, None));
            }
            Err(e) => {
                // A concurrent import of the same reference lost the race: a duplicate, not an error.
                if ctx.state.store.payment_ref(&ctx.tenant_id, &reference).await?.is_some() {
                    report.duplicates += 1;
                    report.lines.push(line("duplicate", Some(case_id), Some("该缴款凭证已登记".into()), Some("already recorded".into())));
                } else {
                    report.refused += 1;
                    report.lines.push(line("refused", Some(case_id), Some(e.message_zh), Some(e.message_en)));
                }
            }
        }
    }
    Ok(report)
}

// ------------------------------------------------------------------------------------- board

/// One case on the leaders' payments/enforcement board.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BoardItem {
    pub case_id: String,
    pub title: String,
    pub unit_id: String,
    pub state: String,
    pub decision_number: Option<String>,
    pub fine_fen: i64,
    pub owed_fen: i64,
    pub surcharge_fen: i64,
    /// Next instalment or payment due date.
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub window_opens: Option<NaiveDate>,
    pub window_closes: Option<NaiveDate>,
    /// The court window ends within the profile's warning lead (or has ended) without an application.
    pub window_closing: bool,
    pub disclosure_status: Option<String>,
    pub open_accountability: usize,
    pub file_complete: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Board {
    pub today: NaiveDate,
    pub items: Vec<BoardItem>,
}

const BOARD_LIMIT: i64 = 2_000;

pub async fn board(ctx: &Ctx) -> ApiResult<Board> {
    ctx.require(Action::ViewCase, None)?;
    let visible: Vec<String> = ctx.state.policy.visible_units(&ctx.grants, Action::ViewCase, &ctx.org).into_iter().collect();
    let filter = CaseFilter {
        states: vec![State::Served.code().into(), State::Closed.code().into()],
        unit_ids: Some(visible),
        handler_id: None,
        cause_code: None,
        overdue_only: false,
        offset: 0,
        limit: BOARD_LIMIT,
    };
    let rows = ctx.state.store.cases(&ctx.tenant_id, &filter).await?;
    let now = ctx.state.clock.now();
    let today = now.date();
    let mut items = Vec::new();
    // The environment depends on the unit (its chains) and the subject only: load each once.
    let mut loads: std::collections::HashMap<(String, String), cases::Loaded> = std::collections::HashMap::new();
    let gen = |p: &str| crate::services::new_id(p);
    for row in rows {
        let c = Case::from_row(&row).map_err(cases::internal)?;
        let at = (c.unit_id.clone(), c.subject_unit_id.clone());
        if !loads.contains_key(&at) {
            loads.insert(at.clone(), cases::load(ctx, &c.unit_id, &c.subject_unit_id).await?);
        }
        let env = loads[&at].env(&gen);
        let Some(v) = view(&c, &env, today) else { continue };
        let due_on = v.schedule.iter().map(|i| i.due_on).filter(|d| *d >= today).min().or_else(|| v.schedule.iter().map(|i| i.due_on).max());
        let overdue = v.balance.owed_fen > 0 && v.schedule.iter().any(|i| i.due_on < today);
        // Near or past its end by the profile's warning lead, as the sweep warns.
        let window_closing = c.execution.court.is_none()
            && v.balance.owed_fen > 0
            && c.deadline("acl.court_application_window")
                .filter(|d| d.is_open())
                .and_then(|d| warning_at(env.profile, env.calendar, &d.due, now))
                .is_some_and(|w| w != "none");
        items.push(BoardItem {
            case_id: c.id.clone(),
            title: c.title.clone(),
            unit_id: c.unit_id.clone(),
            state: c.state.code().into(),
            decision_number: c.decision.as_ref().map(|d| d.number.clone()),
            fine_fen: v.balance.fine_fen,
            owed_fen: v.balance.owed_fen,
            surcharge_fen: v.balance.surcharge_fen,
            due_on,
            overdue,
            window_opens: v.court_window.as_ref().and_then(|w| w.opens),
            window_closes: v.court_window.as_ref().map(|w| w.closes),
            window_closing,
            disclosure_status: v.disclosure_status.clone(),
            open_accountability: c.execution.accountability.iter().filter(|a| a.conclusion.is_none()).count(),
            file_complete: v.case_file.is_complete(),
        });
    }
    // Most urgent first: closing windows, then overdue, then owed amounts.
    items.sort_by_key(|i| (!i.window_closing, !i.overdue, std::cmp::Reverse(i.owed_fen)));
    Ok(Board { today, items })
}

// -------------------------------------------------------------------------------------- API

#[utoipa::path(post, path = "/api/v1/payments/import", tag = "cases", request_body = ImportBatch,
    description = "Imports payment notifications from the bank or e-payment platform (罚缴分离). Each is matched to its case by the decision number and recorded as a `record_payment` act; references already recorded are reported as duplicates and change nothing (the batch can be resent); unknown decision numbers are reported.",
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn api_import(ctx: Ctx, Json(b): Json<ImportBatch>) -> ApiResult<axum::Json<ImportReport>> {
    Ok(axum::Json(import(&ctx, b).await?))
}

#[utoipa::path(get, path = "/api/v1/execution-board", tag = "cases",
    description = "Served and closed cases in the viewer's scope with what is owed, due and overdue, the court window (opens, closes, closing soon), the disclosure state, open accountability reviews and whether the case file is complete.",
    responses((status = 200, body = Board), (status = 403, body = ErrorBody)))]
pub async fn api_board(ctx: Ctx) -> ApiResult<axum::Json<Board>> {
    Ok(axum::Json(board(&ctx).await?))
}
