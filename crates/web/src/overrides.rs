//! Tenant overrides of rule files: a tenant replaces values of the procedural rule profile with
//! its own (an overlay, `procedure`) and adds local rest and working days to the calendar
//! (`local_days`), each file with the tenant's legal source. The TOML is validated by the domain
//! parser (`ProcedureProfile::overlay`, `Calendar::with_local_days`); a bad file is a 422 listing
//! every error with its line, and nothing is written. An accepted file is one ledger entry (a row
//! of `rule_overrides`); a reset keeps the row with `active = 0` (nothing is deleted).
//!
//! `effective` gives the caller's tenant its profile and calendar: the national ones plus the
//! active overrides. Every calendar, profile and deadline endpoint and page reads through it.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::Json;
use crate::{AppState, Inner};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Router;
use chengguan_domain::auth::Action;
use chengguan_domain::calendar::Calendar;
use chengguan_domain::profile::{LoadErrors, ProcedureProfile};
use chengguan_domain::{Change, Row, Table};
use chengguan_store::RuleOverride;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rules/overrides", get(list))
        .route("/api/v1/rules/overrides/{kind}", put(set))
        .route("/api/v1/rules/overrides/{kind}/reset", post(reset))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// What a tenant may override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An overlay of the procedural rule profile (`[profile]` + `[[rule]]` entries).
    Procedure,
    /// Local rest and working days (`[[local_day]]` entries).
    LocalDays,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Procedure, Kind::LocalDays];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Procedure => "procedure",
            Kind::LocalDays => "local_days",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Procedure => "程序规则覆盖",
            Kind::LocalDays => "本地休息日与工作日",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Kind::Procedure => "procedure profile overlay",
            Kind::LocalDays => "local rest and working days",
        }
    }
    pub fn parse(s: &str) -> ApiResult<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| AppError::not_found(&format!("覆盖类型 {s}（procedure 或 local_days）"), &format!("override kind {s} (procedure or local_days)")))
    }
    /// The name the parser reports errors under.
    fn source_name(self) -> &'static str {
        match self {
            Kind::Procedure => "overrides/procedure.toml",
            Kind::LocalDays => "overrides/local_days.toml",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverrideView {
    /// `procedure` or `local_days`.
    pub kind: String,
    /// The TOML as given.
    pub text: String,
    /// The tenant's legal source for the override.
    pub citation: String,
    /// The account that last set or reset it.
    pub updated_by: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// False after a reset (the national values apply again).
    pub active: bool,
}

impl From<&RuleOverride> for OverrideView {
    fn from(o: &RuleOverride) -> Self {
        OverrideView {
            kind: o.id.clone(),
            text: o.text.clone(),
            citation: o.citation.clone(),
            updated_by: o.updated_by.clone(),
            updated_at: o.updated_at.clone(),
            active: o.active,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// The TOML: for `procedure` an overlay (`[profile]` name and title, `[[rule]]` entries with
    /// key, value, unit, citation, verified); for `local_days` `[[local_day]]` entries (date,
    /// kind = "rest" | "work", name, citation, verified).
    pub text: String,
    /// The tenant's legal source for the override, e.g. the provincial rule or the city notice.
    pub citation: String,
}

// ------------------------------------------------------------------ the effective rules

/// A tenant's profile and calendar: the national ones with the tenant's active overrides.
pub struct Effective<'a> {
    pub procedure: Cow<'a, ProcedureProfile>,
    pub calendar: Cow<'a, Calendar>,
    /// The active procedure overlay (its citation is the tenant's source for every value it sets).
    pub procedure_override: Option<RuleOverride>,
    /// The active local days.
    pub local_days_override: Option<RuleOverride>,
}

impl Effective<'_> {
    /// The national rules, no overrides.
    pub fn national(state: &Inner) -> Effective<'_> {
        Effective { procedure: Cow::Borrowed(&state.procedure), calendar: Cow::Borrowed(&state.calendar), procedure_override: None, local_days_override: None }
    }
    /// The tenant's citation for a rule its overlay set (None for a national value).
    pub fn override_citation(&self, origin: &str) -> Option<&str> {
        if origin == "national" {
            return None;
        }
        self.procedure_override.as_ref().map(|o| o.citation.as_str())
    }
}

fn apply(state: &Inner, kind: Kind, text: &str) -> Result<Applied, LoadErrors> {
    Ok(match kind {
        Kind::Procedure => Applied::Procedure(state.procedure.overlay(text, kind.source_name())?),
        Kind::LocalDays => Applied::Calendar(state.calendar.with_local_days(text, kind.source_name())?),
    })
}

enum Applied {
    Procedure(ProcedureProfile),
    Calendar(Calendar),
}

/// Check a file as the domain parser sees it, without storing anything.
pub fn check(state: &Inner, kind: Kind, text: &str) -> Result<(), LoadErrors> {
    apply(state, kind, text).map(|_| ())
}

/// The errors of a file, one line each: `line 5: rule `x`: …`.
pub fn error_lines(e: &LoadErrors) -> Vec<String> {
    e.errors.iter().map(ToString::to_string).collect()
}

fn invalid(kind: Kind, e: &LoadErrors) -> AppError {
    let en = error_lines(e);
    let zh: Vec<String> = e
        .errors
        .iter()
        .map(|x| if x.path.is_empty() { format!("第{}行: {}", x.line, x.message) } else { format!("第{}行: {}: {}", x.line, x.path, x.message) })
        .collect();
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_override",
        format!("{}有{}处错误，未保存: {}", kind.zh(), e.errors.len(), zh.join("; ")),
        format!("the {} has {} error(s), nothing was saved: {}", kind.en(), e.errors.len(), en.join("; ")),
    )
}

/// The caller's tenant's profile and calendar (national + active overrides).
pub async fn effective<'a>(state: &'a Inner, tenant: &str) -> ApiResult<Effective<'a>> {
    let mut eff = Effective::national(state);
    for o in state.store.rule_overrides(tenant).await?.into_iter().filter(|o| o.active) {
        let Ok(kind) = Kind::parse(&o.id) else { continue };
        match apply(state, kind, &o.text) {
            Ok(Applied::Procedure(p)) => {
                eff.procedure = Cow::Owned(p);
                eff.procedure_override = Some(o);
            }
            Ok(Applied::Calendar(c)) => {
                eff.calendar = Cow::Owned(c);
                eff.local_days_override = Some(o);
            }
            // Valid when stored, but no longer on top of the current national rules: never compute
            // under rules other than the tenant's; an administrator must fix or reset it.
            Err(e) => {
                let mut err = invalid(kind, &e);
                err.status = StatusCode::CONFLICT;
                err.code = "override_no_longer_valid".into();
                err.message_zh = format!("本租户的{}已不适用于现行全国规则，请管理员修改或重置: {}", kind.zh(), err.message_zh);
                err.message_en = format!(
                    "this tenant's {} no longer applies on top of the current national rules; an administrator must fix or reset it: {}",
                    kind.en(),
                    err.message_en
                );
                return Err(err);
            }
        }
    }
    Ok(eff)
}

// ------------------------------------------------------------------ services

/// Overrides change the rules for the whole tenant: administrators who manage the organisation
/// from its top (`manage_org` over every root unit).
pub fn require_rules_admin(ctx: &Ctx) -> ApiResult<()> {
    ctx.require(Action::ManageOrg, None)?;
    for root in ctx.org.roots() {
        ctx.require(Action::ManageOrg, Some(&root.id))?;
    }
    Ok(())
}

pub fn can_manage_rules(ctx: &Ctx) -> bool {
    require_rules_admin(ctx).is_ok()
}

pub async fn list_overrides(ctx: &Ctx) -> ApiResult<Vec<OverrideView>> {
    Ok(ctx.state.store.rule_overrides(&ctx.tenant_id).await?.iter().map(Into::into).collect())
}

fn override_row(ctx: &Ctx, kind: Kind, text: &str, citation: &str, active: bool) -> Row {
    Row::new(Table::RuleOverrides)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", kind.code())
        .set("text", text)
        .set("citation", citation)
        .set("updated_by", ctx.account.id.as_str())
        .set("updated_at", chrono::Utc::now().to_rfc3339())
        .set("active", active)
}

/// Validate and store a tenant's override (replacing its previous one of the kind).
pub async fn set_override(ctx: &Ctx, kind: Kind, input: OverrideInput) -> ApiResult<OverrideView> {
    require_rules_admin(ctx)?;
    let citation = input.citation.trim();
    if citation.is_empty() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_citation",
            "请填写覆盖所依据的本地法律渊源（法规、规章或文件）",
            "citation is required: the tenant's legal source for the override",
        ));
    }
    if input.text.trim().is_empty() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "missing_text", "覆盖文件为空", "the override file is empty"));
    }
    check(&ctx.state, kind, &input.text).map_err(|e| invalid(kind, &e))?;
    let row = override_row(ctx, kind, &input.text, citation, true);
    let change = Change::new("rules.override.set", format!("rule_override/{}", kind.code())).row(row);
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    let o = ctx.state.store.rule_override(&ctx.tenant_id, kind.code()).await?.ok_or_else(|| AppError::not_found("覆盖", "override"))?;
    Ok((&o).into())
}

/// Reset to the national rules: the override stays on file, inactive. Resetting an inactive
/// override changes nothing and records nothing.
pub async fn reset_override(ctx: &Ctx, kind: Kind) -> ApiResult<OverrideView> {
    require_rules_admin(ctx)?;
    let o = ctx
        .state
        .store
        .rule_override(&ctx.tenant_id, kind.code())
        .await?
        .ok_or_else(|| AppError::not_found(&format!("本租户的{}", kind.zh()), &format!("this tenant's {}", kind.en())))?;
    if !o.active {
        return Ok((&o).into());
    }
    let change = Change::new("rules.override.reset", format!("rule_override/{}", kind.code())).row(override_row(ctx, kind, &o.text, &o.citation, false));
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    let o = ctx.state.store.rule_override(&ctx.tenant_id, kind.code()).await?.ok_or_else(|| AppError::not_found("覆盖", "override"))?;
    Ok((&o).into())
}

// ------------------------------------------------------------------ API

/// The tenant's rule overrides, active and reset (any logged-in role: the effective rules are
/// readable by everyone who computes deadlines).
#[utoipa::path(get, path = "/api/v1/rules/overrides",
    responses((status = 200, body = [OverrideView]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list(ctx: Ctx) -> ApiResult<axum::Json<Vec<OverrideView>>> {
    list_overrides(&ctx).await.map(axum::Json)
}

/// Set the tenant's override of a rule file (`procedure`: an overlay of the procedural profile;
/// `local_days`: local rest and working days), with the tenant's legal source. Administrators of
/// the whole tenant only. A file the domain parser refuses is a 422 listing every error with its
/// line, and nothing changes; an accepted one is one entry of the full-process record.
#[utoipa::path(put, path = "/api/v1/rules/overrides/{kind}", request_body = OverrideInput,
    params(("kind" = String, Path, description = "`procedure` or `local_days`")),
    responses((status = 200, body = OverrideView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn set(ctx: Ctx, Path(kind): Path<String>, Json(input): Json<OverrideInput>) -> ApiResult<axum::Json<OverrideView>> {
    set_override(&ctx, Kind::parse(&kind)?, input).await.map(axum::Json)
}

/// Reset an override: the national rules apply again; the file stays on record, inactive.
#[utoipa::path(post, path = "/api/v1/rules/overrides/{kind}/reset",
    params(("kind" = String, Path, description = "`procedure` or `local_days`")),
    responses((status = 200, body = OverrideView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn reset(ctx: Ctx, Path(kind): Path<String>) -> ApiResult<axum::Json<OverrideView>> {
    reset_override(&ctx, Kind::parse(&kind)?).await.map(axum::Json)
}
