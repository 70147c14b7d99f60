//! Fine receipts (罚没款收据) over HTTP: issue numbered receipts to an officer, list them, void a
//! spoilt one, take unused ones back. Using one happens inside the case command `collect_on_spot`.
//! Every write is one change with its ledger entry; each receipt row carries a version so two
//! writers never both use or void the same form.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::new_id;
use crate::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::Action;
use chengguan_domain::receipts::{self, FineReceipt};
use chengguan_domain::{Change, Table};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/fine-receipts", get(api_list).post(api_issue))
        .route("/api/v1/fine-receipts/{id}/void", post(api_void))
        .route("/api/v1/fine-receipts/{id}/return", post(api_return))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReceiptView {
    pub id: String,
    pub unit_id: String,
    pub holder: String,
    pub holder_name: String,
    /// issued | used | voided | returned
    pub status: String,
    pub status_zh: String,
    pub case_id: Option<String>,
    pub issued_at: String,
    pub changed_at: Option<String>,
    pub note: Option<String>,
}

async fn names(ctx: &Ctx) -> ApiResult<std::collections::BTreeMap<String, String>> {
    Ok(ctx.state.store.people(&ctx.tenant_id).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

fn view(r: &FineReceipt, names: &std::collections::BTreeMap<String, String>) -> ReceiptView {
    ReceiptView {
        id: r.id.clone(),
        unit_id: r.unit_id.clone(),
        holder: r.holder.clone(),
        holder_name: names.get(&r.holder).cloned().unwrap_or_default(),
        status: r.status.clone(),
        status_zh: receipts::status_zh(&r.status).into(),
        case_id: r.case_id.clone(),
        issued_at: chengguan_domain::case::rows::timestamp(r.issued_at),
        changed_at: r.changed_at.map(chengguan_domain::case::rows::timestamp),
        note: r.note.clone(),
    }
}

async fn all(ctx: &Ctx) -> ApiResult<Vec<FineReceipt>> {
    Ok(ctx.state.store.table_rows(&ctx.tenant_id, Table::FineReceipts).await?.iter().filter_map(FineReceipt::from_row).collect())
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    /// Only this officer's receipts (person id).
    pub holder: Option<String>,
    /// issued | used | voided | returned
    pub status: Option<String>,
}

/// Receipts of the units in the viewer's scope (officers see theirs).
pub async fn list(ctx: &Ctx, q: &ReceiptQuery) -> ApiResult<Vec<ReceiptView>> {
    ctx.require(Action::ViewCase, None)?;
    let names = names(ctx).await?;
    let me = ctx.account.person_id.clone().unwrap_or_default();
    let mut out: Vec<ReceiptView> = all(ctx)
        .await?
        .iter()
        .filter(|r| r.holder == me || ctx.can(Action::ApproveCase, Some(&r.unit_id)))
        .filter(|r| q.holder.as_deref().is_none_or(|h| h.is_empty() || r.holder == h))
        .filter(|r| q.status.as_deref().is_none_or(|s| s.is_empty() || r.status == s))
        .map(|r| view(r, &names))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// The officer (person id) receiving the receipts.
    pub holder: String,
    /// Printed numbers, or use `prefix` + `from`..=`to`.
    #[serde(default)]
    pub numbers: Vec<String>,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub from: Option<u32>,
    #[serde(default)]
    pub to: Option<u32>,
    /// Zero-padded width of the sequence part (e.g. 6 → 000123).
    #[serde(default)]
    pub width: Option<usize>,
}

/// Issues receipts to an officer of a unit the caller approves for (the finance stock goes out
/// through the unit's leader).
pub async fn issue(ctx: &Ctx, i: IssueInput) -> ApiResult<Vec<ReceiptView>> {
    let person = ctx.state.store.people(&ctx.tenant_id).await?.into_iter().find(|p| p.id == i.holder).ok_or_else(|| {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_person", format!("人员不存在: {}", i.holder), format!("no such person: {}", i.holder))
    })?;
    ctx.require(Action::ApproveCase, Some(&person.org_unit_id))?;
    let mut numbers = i.numbers.clone();
    if let (Some(from), Some(to)) = (i.from, i.to) {
        if to < from || (to - from) as usize >= receipts::MAX_ISSUE {
            return Err(AppError::bad_request(
                "receipt.range",
                format!("号段无效（一次最多{}张）", receipts::MAX_ISSUE),
                format!("invalid range (at most {})", receipts::MAX_ISSUE),
            ));
        }
        let w = i.width.unwrap_or(0).min(20);
        numbers.extend((from..=to).map(|n| format!("{}{:0w$}", i.prefix, n, w = w)));
    }
    let existing: Vec<String> = all(ctx).await?.into_iter().map(|r| r.id).collect();
    let now = ctx.state.clock.now();
    let by = ctx.account.person_id.clone().unwrap_or_else(|| ctx.account.id.clone());
    let issued = receipts::issue(&numbers, &person.id, &person.org_unit_id, &by, &existing, now)?;
    let mut change = Change::new("fine_receipt.issue", format!("fine_receipts/{}", new_id("batch")));
    for r in &issued {
        change = change.expect(Table::FineReceipts, r.id.clone(), None);
        change.rows.push(r.to_row(&ctx.tenant_id));
    }
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    let names = names(ctx).await?;
    Ok(issued.iter().map(|r| view(r, &names)).collect())
}

async fn one(ctx: &Ctx, id: &str) -> ApiResult<FineReceipt> {
    let row = ctx.state.store.row(&ctx.tenant_id, Table::FineReceipts, id).await?.ok_or_else(|| AppError::not_found("票据", "receipt"))?;
    FineReceipt::from_row(&row).ok_or_else(|| crate::cases::internal("unreadable receipt row"))
}

async fn write(ctx: &Ctx, action: &str, before: &FineReceipt, after: FineReceipt) -> ApiResult<ReceiptView> {
    let change = Change::new(action, format!("fine_receipts/{}", after.id)).expect(Table::FineReceipts, after.id.clone(), Some(before.version));
    let mut change = change;
    change.rows.push(after.to_row(&ctx.tenant_id));
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(view(&after, &names(ctx).await?))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    pub reason: String,
}

/// The holder voids a spoilt form (or a leader of its unit).
pub async fn void(ctx: &Ctx, id: &str, i: VoidInput) -> ApiResult<ReceiptView> {
    let r = one(ctx, id).await?;
    let me = ctx.account.person_id.clone().unwrap_or_default();
    if r.holder != me {
        ctx.require(Action::ApproveCase, Some(&r.unit_id))?;
    } else {
        ctx.require(Action::HandleCase, Some(&r.unit_id))?;
    }
    let after = receipts::void(&r, &i.reason, ctx.state.clock.now())?;
    write(ctx, "fine_receipt.void", &r, after).await
}

/// Unused receipts go back to the finance stock (a leader of the unit).
pub async fn give_back(ctx: &Ctx, id: &str) -> ApiResult<ReceiptView> {
    let r = one(ctx, id).await?;
    ctx.require(Action::ApproveCase, Some(&r.unit_id))?;
    let after = receipts::give_back(&r, ctx.state.clock.now())?;
    write(ctx, "fine_receipt.return", &r, after).await
}

#[utoipa::path(get, path = "/api/v1/fine-receipts", tag = "cases", params(ReceiptQuery),
    description = "Fine receipts (罚没款收据): the caller's own, and those of units the caller approves for.",
    responses((status = 200, body = Vec<ReceiptView>), (status = 403, body = ErrorBody)))]
pub async fn api_list(ctx: Ctx, Query(q): Query<ReceiptQuery>) -> ApiResult<axum::Json<Vec<ReceiptView>>> {
    Ok(axum::Json(list(&ctx, &q).await?))
}

#[utoipa::path(post, path = "/api/v1/fine-receipts", tag = "cases", request_body = IssueInput,
    description = "Issues numbered receipts to an officer (APL art. 70). Numbers must be new.",
    responses((status = 201, body = Vec<ReceiptView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_issue(ctx: Ctx, Json(i): Json<IssueInput>) -> ApiResult<(StatusCode, axum::Json<Vec<ReceiptView>>)> {
    Ok((StatusCode::CREATED, axum::Json(issue(&ctx, i).await?)))
}

#[utoipa::path(post, path = "/api/v1/fine-receipts/{id}/void", tag = "cases", request_body = VoidInput,
    responses((status = 200, body = ReceiptView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_void(ctx: Ctx, Path(id): Path<String>, Json(i): Json<VoidInput>) -> ApiResult<axum::Json<ReceiptView>> {
    Ok(axum::Json(void(&ctx, &id, i).await?))
}

#[utoipa::path(post, path = "/api/v1/fine-receipts/{id}/return", tag = "cases",
    responses((status = 200, body = ReceiptView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_return(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<ReceiptView>> {
    Ok(axum::Json(give_back(&ctx, &id).await?))
}
