//! The JSON API under `/api/v1`, described by the OpenAPI document it serves.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::{self as svc, *};
use crate::AppState;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::Router;
use chengguan_domain::auth::Action;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(password))
        .route("/api/v1/org-units", get(list_units).post(create_unit))
        .route("/api/v1/org-units/{id}", get(get_unit).patch(patch_unit))
        .route("/api/v1/org-units/{id}/staffing", get(unit_staffing))
        .route("/api/v1/people", get(list_people).post(create_person))
        .route("/api/v1/people/{id}", get(get_person).patch(patch_person))
        .route("/api/v1/people/{id}/deactivate", post(deactivate_person))
        .route("/api/v1/people/{id}/erase-personal-data", post(erase_personal_data))
        .route("/api/v1/people/{id}/certificates", post(add_certificate))
        .route("/api/v1/people/{id}/certificates/{cid}/revoke", post(revoke_certificate))
        .route("/api/v1/accounts", get(list_accounts).post(create_account))
        .route("/api/v1/accounts/{id}", get(get_account))
        .route("/api/v1/accounts/{id}/grants", put(put_grants))
        .route("/api/v1/accounts/{id}/deactivate", post(deactivate_account))
        .route("/api/v1/accounts/{id}/activate", post(activate_account))
        .route("/api/v1/record", get(record))
        .route("/api/v1/rules/profile", get(profile))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

async fn not_found() -> AppError {
    AppError::not_found("资源", "resource")
}

pub(crate) async fn method_not_allowed() -> AppError {
    AppError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "不支持该请求方法", "method not allowed")
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Chengguan API", description = "城管执法平台 API. Errors are `{\"error\":{\"code\",\"message\",\"rule\"}}` with a 4xx status.", version = "1"),
    paths(
        healthz, readyz, token, logout, me, password, list_units, create_unit, get_unit, patch_unit, unit_staffing,
        list_people, create_person, get_person, patch_person, deactivate_person, erase_personal_data, add_certificate, revoke_certificate,
        list_accounts, create_account, get_account, put_grants, deactivate_account, activate_account, record, profile,
        crate::record::public_key, crate::record::latest_checkpoint, crate::record::make_checkpoint, crate::record::checkpoint_at,
        crate::record::entry, crate::record::inclusion, crate::record::consistency, crate::record::upload, crate::record::download,
        crate::calendar::calendar_year, crate::calendar::procedure_rules, crate::calendar::compute_deadline,
        crate::overrides::list, crate::overrides::set, crate::overrides::reset,
        crate::power::api_list, crate::power::api_item, crate::power::api_add_version, crate::power::api_diff, crate::power::api_assess,
        crate::power::api_import, crate::power::api_export, crate::power::api_add_benchmark_version, crate::power::api_benchmark_diff,
        crate::power::api_add_exemption_list_version, crate::power::api_exemption_list_diff, crate::power::public_list, crate::power::public_item,
        crate::cases::api_list, crate::cases::api_register, crate::cases::api_get, crate::cases::api_command, crate::cases::api_inbox,
        crate::cases::api_warnings, crate::cases::api_interference_list, crate::cases::api_interference_report, crate::cases::api_interference_ack,
        crate::cases::api_chains, crate::cases::api_put_chain, crate::cases::api_reviewer, crate::cases::api_relation,
        crate::execution::api_import, crate::execution::api_board, crate::cases::api_on_the_spot,
        crate::receipts::api_list, crate::receipts::api_issue, crate::receipts::api_void, crate::receipts::api_return
    ),
    components(schemas(ErrorBody, Page<PersonView>)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        c.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(utoipa::openapi::security::ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
        // Modules that document their own paths.
        openapi.merge(<crate::enforcement::EnforcementApi as OpenApi>::openapi());
    }
}

async fn openapi() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "alive")))]
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", responses((status = 200, description = "ready"), (status = 503, description = "not ready")))]
async fn readyz(State(s): State<AppState>) -> (StatusCode, &'static str) {
    match s.store.ready().await {
        Ok(true) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "not ready"),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub token_type: String,
    pub expires_at: String,
}

/// Log in and receive a bearer token (rate-limited on failures).
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn token(State(s): State<AppState>, ConnectInfo(addr): ConnectInfo<SocketAddr>, Json(r): Json<TokenRequest>) -> ApiResult<axum::Json<TokenResponse>> {
    let session = svc::login(&s, &r.username, &r.password, "api", &addr.ip().to_string()).await?;
    Ok(axum::Json(TokenResponse { token: session.token, token_type: "Bearer".into(), expires_at: session.expires_at.to_rfc3339() }))
}

/// Revoke the token (or session) used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn logout(ctx: Ctx) -> ApiResult<StatusCode> {
    svc::logout(&ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub account_id: String,
    pub username: String,
    pub person_id: Option<String>,
    pub tenant_id: String,
    pub tenant_name: String,
    pub grants: Vec<GrantView>,
    /// Actions allowed somewhere in the caller's scope.
    pub actions: Vec<String>,
}

/// The caller's account, grants and allowed actions.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn me(ctx: Ctx) -> axum::Json<MeView> {
    axum::Json(MeView {
        account_id: ctx.account.id.clone(),
        username: ctx.account.username.clone(),
        person_id: ctx.account.person_id.clone(),
        tenant_id: ctx.tenant_id.clone(),
        tenant_name: ctx.tenant_name.clone(),
        grants: ctx.grants.iter().map(|g| GrantView { role: g.role.code().into(), org_unit_id: g.org_unit_id.clone() }).collect(),
        actions: Action::ALL.iter().filter(|a| ctx.can(**a, None)).map(|a| a.code().into()).collect(),
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Change one's own password.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn password(ctx: Ctx, Json(r): Json<PasswordChange>) -> ApiResult<StatusCode> {
    svc::change_password(&ctx, &r.current, &r.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Org units the caller may see.
#[utoipa::path(get, path = "/api/v1/org-units", responses((status = 200, body = Vec<OrgUnitView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_units(ctx: Ctx) -> ApiResult<axum::Json<Vec<OrgUnitView>>> {
    ctx.require(Action::ViewOrg, None)?;
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewOrg, &ctx.org);
    let mut units: Vec<OrgUnitView> = ctx.org.units().filter(|u| visible.contains(&u.id)).map(Into::into).collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(axum::Json(units))
}

/// Create an org unit under a unit the caller manages.
#[utoipa::path(post, path = "/api/v1/org-units", request_body = OrgUnitInput,
    responses((status = 201, body = OrgUnitView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_unit(ctx: Ctx, Json(i): Json<OrgUnitInput>) -> ApiResult<(StatusCode, axum::Json<OrgUnitView>)> {
    let u = svc::create_unit(&ctx, i).await?;
    Ok((StatusCode::CREATED, axum::Json((&u).into())))
}

/// One org unit.
#[utoipa::path(get, path = "/api/v1/org-units/{id}", params(("id" = String, Path)),
    responses((status = 200, body = OrgUnitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_unit(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<OrgUnitView>> {
    Ok(axum::Json((&unit_of(&ctx, &id, Action::ViewOrg)?).into()))
}

/// Edit an org unit (deactivate with `"active": false`; units are never deleted).
#[utoipa::path(patch, path = "/api/v1/org-units/{id}", params(("id" = String, Path)), request_body = OrgUnitPatch,
    responses((status = 200, body = OrgUnitView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_unit(ctx: Ctx, Path(id): Path<String>, Json(p): Json<OrgUnitPatch>) -> ApiResult<axum::Json<OrgUnitView>> {
    Ok(axum::Json((&svc::update_unit(&ctx, &id, p).await?).into()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StaffingQuery {
    /// Include every unit administratively below (default true).
    pub subtree: Option<bool>,
}

/// Staffing figures of a unit computed from the data, checked against the cited rules.
#[utoipa::path(get, path = "/api/v1/org-units/{id}/staffing", params(("id" = String, Path), StaffingQuery),
    responses((status = 200, body = StaffingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn unit_staffing(ctx: Ctx, Path(id): Path<String>, Query(q): Query<StaffingQuery>) -> ApiResult<axum::Json<StaffingView>> {
    Ok(axum::Json(staffing_of(&ctx, &id, q.subtree.unwrap_or(true)).await?))
}

/// People the caller may see, filtered and paged (ID and phone numbers masked).
#[utoipa::path(get, path = "/api/v1/people", params(PeopleFilter),
    responses((status = 200, body = Page<PersonView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_people(ctx: Ctx, Query(f): Query<PeopleFilter>) -> ApiResult<axum::Json<Page<PersonView>>> {
    Ok(axum::Json(svc::list_people(&ctx, &f).await?))
}

/// Add a person to a unit the caller manages.
#[utoipa::path(post, path = "/api/v1/people", request_body = PersonInput,
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_person(ctx: Ctx, Json(i): Json<PersonInput>) -> ApiResult<(StatusCode, axum::Json<PersonView>)> {
    let p = svc::create_person(&ctx, i).await?;
    Ok((StatusCode::CREATED, axum::Json(person_view(&ctx, &p, &[], false))))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RevealQuery {
    /// Show unmasked ID and phone numbers (needs view_personal_data; the read is recorded).
    pub reveal: Option<bool>,
}

/// One person with certificates.
#[utoipa::path(get, path = "/api/v1/people/{id}", params(("id" = String, Path), RevealQuery),
    responses((status = 200, body = PersonDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_person(ctx: Ctx, Path(id): Path<String>, Query(q): Query<RevealQuery>) -> ApiResult<axum::Json<PersonDetail>> {
    Ok(axum::Json(person_detail(&ctx, &id, q.reveal.unwrap_or(false)).await?))
}

/// Edit a person.
#[utoipa::path(patch, path = "/api/v1/people/{id}", params(("id" = String, Path)), request_body = PersonPatch,
    responses((status = 200, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_person(ctx: Ctx, Path(id): Path<String>, Json(p): Json<PersonPatch>) -> ApiResult<axum::Json<PersonView>> {
    let p = svc::update_person(&ctx, &id, p).await?;
    let certs = ctx.state.store.certificates_of(&ctx.tenant_id, &p.id).await?;
    Ok(axum::Json(person_view(&ctx, &p, &certs, false)))
}

/// Deactivate a person (never deleted).
#[utoipa::path(post, path = "/api/v1/people/{id}/deactivate", params(("id" = String, Path)),
    responses((status = 200, body = PersonView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn deactivate_person(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<PersonView>> {
    let p = svc::deactivate_person(&ctx, &id).await?;
    Ok(axum::Json(person_view(&ctx, &p, &[], false)))
}

/// Revoke a certificate: it stays on record, inactive.
#[utoipa::path(post, path = "/api/v1/people/{id}/certificates/{cid}/revoke", params(("id" = String, Path), ("cid" = String, Path)),
    responses((status = 200, body = CertificateView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn revoke_certificate(ctx: Ctx, Path((id, cid)): Path<(String, String)>) -> ApiResult<axum::Json<CertificateView>> {
    Ok(axum::Json((&svc::revoke_certificate(&ctx, &id, &cid).await?).into()))
}

/// Erase a deactivated person's personal data (name, ID and phone) and its openings in the
/// full-process record, by one recorded act (个人信息保护法 art. 47).
#[utoipa::path(post, path = "/api/v1/people/{id}/erase-personal-data", params(("id" = String, Path)),
    responses((status = 200, body = PersonView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn erase_personal_data(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<PersonView>> {
    let p = svc::erase_personal_data(&ctx, &id).await?;
    Ok(axum::Json(person_view(&ctx, &p, &[], false)))
}

/// Record a law-enforcement certificate (执法证) for a person.
#[utoipa::path(post, path = "/api/v1/people/{id}/certificates", params(("id" = String, Path)), request_body = CertificateInput,
    responses((status = 201, body = CertificateView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn add_certificate(ctx: Ctx, Path(id): Path<String>, Json(i): Json<CertificateInput>) -> ApiResult<(StatusCode, axum::Json<CertificateView>)> {
    let c = svc::add_certificate(&ctx, &id, i).await?;
    Ok((StatusCode::CREATED, axum::Json((&c).into())))
}

/// Accounts in the caller's scope.
#[utoipa::path(get, path = "/api/v1/accounts", responses((status = 200, body = Vec<AccountView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_accounts(ctx: Ctx) -> ApiResult<axum::Json<Vec<AccountView>>> {
    Ok(axum::Json(svc::list_accounts(&ctx).await?))
}

/// Create an account with its grants.
#[utoipa::path(post, path = "/api/v1/accounts", request_body = AccountInput,
    responses((status = 201, body = AccountView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_account(ctx: Ctx, Json(i): Json<AccountInput>) -> ApiResult<(StatusCode, axum::Json<AccountView>)> {
    Ok((StatusCode::CREATED, axum::Json(svc::create_account(&ctx, i).await?)))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", params(("id" = String, Path)),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_account(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<AccountView>> {
    Ok(axum::Json(svc::account_detail(&ctx, &id).await?))
}

/// Replace an account's (role, org unit) grants.
#[utoipa::path(put, path = "/api/v1/accounts/{id}/grants", params(("id" = String, Path)), request_body = GrantsInput,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn put_grants(ctx: Ctx, Path(id): Path<String>, Json(i): Json<GrantsInput>) -> ApiResult<axum::Json<AccountView>> {
    Ok(axum::Json(svc::set_grants(&ctx, &id, i).await?))
}

/// Deactivate an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/deactivate", params(("id" = String, Path)),
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn deactivate_account(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<AccountView>> {
    Ok(axum::Json(svc::set_account_active(&ctx, &id, false).await?))
}

/// Reactivate an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/activate", params(("id" = String, Path)),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn activate_account(ctx: Ctx, Path(id): Path<String>) -> ApiResult<axum::Json<AccountView>> {
    Ok(axum::Json(svc::set_account_active(&ctx, &id, true).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecordQuery {
    /// Entries with a sequence number below this (paging backwards); default: the newest.
    pub before: Option<i64>,
    pub limit: Option<u32>,
    /// Only entries about this subject, e.g. `person/p-00001`.
    pub subject: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordEntry {
    pub seq: i64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload_hash: String,
    pub leaf_hash: String,
}

/// The full-process record (全过程记录) of the caller's tenant, newest first.
#[utoipa::path(get, path = "/api/v1/record", params(RecordQuery),
    responses((status = 200, body = Vec<RecordEntry>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn record(ctx: Ctx, Query(q): Query<RecordQuery>) -> ApiResult<axum::Json<Vec<RecordEntry>>> {
    Ok(axum::Json(record_entries(&ctx, &q).await?))
}

pub async fn record_entries(ctx: &Ctx, q: &RecordQuery) -> ApiResult<Vec<RecordEntry>> {
    ctx.require(Action::ViewRecord, None)?;
    let (_, limit) = paging(None, q.limit)?;
    let rows = ctx.state.store.ledger_entries(&ctx.tenant_id, q.before.unwrap_or(i64::MAX), limit as i64, q.subject.as_deref()).await?;
    Ok(rows
        .into_iter()
        .map(|r| RecordEntry {
            seq: r.seq,
            time: chrono::DateTime::from_timestamp_millis(r.time_ms).map(|t| t.to_rfc3339()).unwrap_or_default(),
            actor: r.actor,
            action: r.action,
            subject: r.subject,
            payload_hash: r.payload_hash,
            leaf_hash: r.leaf_hash,
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct RuleValue {
    pub key: String,
    pub value: i64,
    pub citation: String,
    /// False when the cited text is not among the statutes shipped in `shared/laws/`.
    pub verified: bool,
}

/// The active rule profile: every value with its legal source.
#[utoipa::path(get, path = "/api/v1/rules/profile", responses((status = 200, body = Vec<RuleValue>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn profile(ctx: Ctx) -> axum::Json<Vec<RuleValue>> {
    axum::Json(
        ctx.state
            .profile
            .entries()
            .into_iter()
            .map(|(k, v)| RuleValue { key: k.into(), value: v.value, citation: v.citation.clone(), verified: v.verified })
            .collect(),
    )
}
