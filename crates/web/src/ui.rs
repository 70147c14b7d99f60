//! The server-rendered web UI (zh-CN first, English second). Every page works without
//! JavaScript; forms carry a CSRF token derived from the session.

use crate::auth::{self, Ctx};
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::services::{self as svc, *};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::{Action, Role};
use chengguan_domain::org::{OrgKind, OrgUnit};
use chengguan_domain::people::{PersonStatus, Post, Staffing};
use chengguan_domain::staffing::{self, StaffingFigures};
use serde::Deserialize;
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
        .route("/", get(home))
        .route("/org", get(org_tree))
        .route("/org/{id}", get(org_unit))
        .route("/org/{id}/edit", post(org_edit))
        .route("/org/{id}/children", post(org_new_child))
        .route("/people", get(people))
        .route("/people/new", get(person_new_page).post(person_new))
        .route("/people/{id}", get(person))
        .route("/people/{id}/edit", post(person_edit))
        .route("/people/{id}/certificates", post(person_certificate))
        .route("/people/{id}/deactivate", post(person_deactivate))
        .route("/people/{id}/erase", post(person_erase))
        .route("/people/{id}/certificates/{cid}/revoke", post(person_certificate_revoke))
        .route("/accounts", get(accounts).post(account_new))
        .route("/accounts/{id}", get(account))
        .route("/accounts/{id}/grants", post(account_grants))
        .route("/accounts/{id}/deactivate", post(account_deactivate))
        .route("/accounts/{id}/activate", post(account_activate))
        .route("/me", get(me))
        .route("/me/password", post(me_password))
        .route("/record", get(record))
        .route("/rules", get(rules))
        .route("/rules/overrides", post(rules_override))
        .route("/rules/overrides/{kind}/reset", post(rules_override_reset))
}

async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], include_str!("../static/app.css"))
}

// ------------------------------------------------------------------ plumbing

/// An authenticated page request; without a session the browser is sent to the login page.
pub struct UiCtx(pub Ctx);

impl FromRequestParts<AppState> for UiCtx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Ctx::from_request_parts(parts, state).await {
            Ok(c) => Ok(UiCtx(c)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(UiErr(e).into_response()),
        }
    }
}

/// A page error: rendered as a page with the status, message and rule.
pub struct UiErr(pub AppError);

impl From<AppError> for UiErr {
    fn from(e: AppError) -> Self {
        UiErr(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: String,
    message: String,
    rule: Option<String>,
}

impl IntoResponse for UiErr {
    fn into_response(self) -> Response {
        let e = self.0;
        let page =
            ErrorPage { status: format!("{} {}", e.status.as_u16(), e.status.canonical_reason().unwrap_or("")), message: e.message(), rule: e.rule.clone() };
        (e.status, Html(page.render().unwrap_or_default())).into_response()
    }
}

pub(crate) type UiResult = Result<Response, UiErr>;

pub(crate) fn page(t: impl Template) -> UiResult {
    t.render()
        .map(|s| Html(s).into_response())
        .map_err(|e| UiErr(AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "render", format!("页面渲染失败: {e}"), format!("render failed: {e}"))))
}

/// A url-encoded form body, repeated keys kept (checkboxes). Malformed bodies are a 400.
pub struct FormData(Vec<(String, String)>);

impl FormData {
    fn parse(body: &Bytes) -> Result<FormData, AppError> {
        serde_urlencoded::from_bytes(body)
            .map(FormData)
            .map_err(|e| AppError::bad_request("invalid_form", format!("表单无效: {e}"), format!("invalid form: {e}")))
    }
    fn get(&self, k: &str) -> String {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }
    /// As given, untrimmed (a file pasted into a textarea keeps its line numbers).
    pub(crate) fn raw(&self, k: &str) -> String {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn opt(&self, k: &str) -> Option<String> {
        Some(self.get(k)).filter(|v| !v.is_empty())
    }
    fn all(&self, k: &str) -> Vec<String> {
        self.0.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect()
    }
    fn checked(&self, k: &str) -> bool {
        self.0.iter().any(|(n, _)| n == k)
    }
    /// Parse and check the CSRF token against the session.
    pub(crate) fn checked_for(ctx: &Ctx, body: &Bytes) -> Result<FormData, AppError> {
        let f = FormData::parse(body)?;
        ctx.check_csrf(&f.get("_csrf"))?;
        Ok(f)
    }
}

pub struct NavItem {
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    pub(crate) active: bool,
}

pub struct Nav {
    pub(crate) tenant_name: String,
    pub(crate) username: String,
    pub(crate) csrf: String,
    pub(crate) items: Vec<NavItem>,
}

pub(crate) fn nav(ctx: &Ctx, l: Lang, active: &str) -> Nav {
    let mut items = vec![("/", l.t("首页", "Home"), None), ("/org", l.t("组织机构", "Organisation"), Some(Action::ViewOrg))];
    items.push(("/people", l.t("人员", "People"), Some(Action::ViewPeople)));
    items.push(("/accounts", l.t("账号与授权", "Accounts"), Some(Action::ViewAccounts)));
    items.push(("/record", l.t("全过程记录", "Record"), Some(Action::ViewRecord)));
    items.push(("/rules", l.t("规则与依据", "Rules"), None));
    items.push(("/calendar", l.t("工作日历", "Calendar"), None));
    items.push(("/power", l.t("权责清单", "Power list"), None));
    items.push(("/cases", l.t("案件", "Cases"), Some(Action::ViewCase)));
    items.push(("/case-inbox", l.t("待办审批", "Approvals"), Some(Action::ApproveCase)));
    items.push(("/case-warnings", l.t("预警", "Warnings"), Some(Action::ViewCase)));
    items.push(("/execution-board", l.t("执行看板", "Execution"), Some(Action::ViewCase)));
    items.push(("/fine-receipts", l.t("票据", "Receipts"), Some(Action::HandleCase)));
    items.push(("/interference", l.t("干预记录", "Interference"), Some(Action::ReportInterference)));
    items.push(("/enforcement", l.t("责令改正与强制", "Orders & measures"), Some(Action::ViewEnforcement)));
    Nav {
        tenant_name: ctx.tenant_name.clone(),
        username: ctx.account.username.clone(),
        csrf: ctx.csrf(),
        items: items
            .into_iter()
            .filter(|(_, _, a)| a.is_none_or(|a| ctx.can(a, None)))
            .map(|(href, label, _)| NavItem { href, label, active: href == active })
            .collect(),
    }
}

fn unit_name(ctx: &Ctx, id: &str) -> String {
    ctx.org.get(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_owned())
}

/// Units where `action` is allowed, as (id, name) options sorted by code.
fn unit_options(ctx: &Ctx, action: Action) -> Vec<(String, String)> {
    let visible = ctx.state.policy.visible_units(&ctx.grants, action, &ctx.org);
    let mut v: Vec<&OrgUnit> = ctx.org.units().filter(|u| visible.contains(&u.id)).collect();
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v.into_iter().map(|u| (u.id.clone(), u.name.clone())).collect()
}

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, zh: fn(T) -> &'static str, en: fn(T) -> &'static str, l: Lang) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_owned(), l.t(zh(*v), en(*v)).to_owned())).collect()
}

fn see_other(to: &str) -> UiResult {
    Ok(Redirect::to(to).into_response())
}

// ------------------------------------------------------------------ login

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Lang,
    error: Option<String>,
    username: String,
}

async fn login_page(l: Lang) -> UiResult {
    page(LoginPage { l, error: None, username: String::new() })
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

async fn login(State(state): State<AppState>, ConnectInfo(addr): ConnectInfo<SocketAddr>, headers: HeaderMap, l: Lang, body: Bytes) -> UiResult {
    // No session exists yet, so no CSRF token: refuse cross-site posts by their Origin instead.
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST).and_then(|v| v.to_str().ok())) {
        if origin != "null" && origin.split("://").nth(1) != Some(host) {
            return Err(AppError::new(StatusCode::FORBIDDEN, "csrf", "跨站登录请求被拒绝", "cross-site login refused").into());
        }
    }
    let f = FormData::parse(&body)?;
    let username = f.get("username");
    match svc::login(&state, &username, &f.get("password"), "browser", &addr.ip().to_string()).await {
        Ok(s) => {
            let max_age = (s.expires_at - chrono::Utc::now()).num_seconds();
            Ok(([(header::SET_COOKIE, cookie(&state, auth::SESSION_COOKIE, &s.token, max_age))], Redirect::to("/")).into_response())
        }
        Err(e) => {
            let status = e.status;
            let msg = l.t(&e.message_zh, &e.message_en).to_owned();
            let body = LoginPage { l, error: Some(msg), username }.render().unwrap_or_default();
            Ok((status, Html(body)).into_response())
        }
    }
}

async fn logout(UiCtx(ctx): UiCtx, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    svc::logout(&ctx).await?;
    Ok(([(header::SET_COOKIE, cookie(&ctx.state, auth::SESSION_COOKIE, "", 0))], Redirect::to("/login")).into_response())
}

async fn set_lang(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap) -> UiResult {
    let lang = if code == "en" { "en" } else { "zh" };
    // Back to the page the switch was clicked on, if it was one of ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let c = format!("lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000{}", if state.secure_cookies { "; Secure" } else { "" });
    Ok(([(header::SET_COOKIE, c)], Redirect::to(&back)).into_response())
}

// ------------------------------------------------------------------ home

struct TeamRow {
    id: String,
    name: String,
    established: u64,
    certified: u64,
    auxiliaries: u64,
    frontline_share: String,
    failed: Vec<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Lang,
    nav: Nav,
    grants: Vec<(String, String)>,
    units: Vec<(String, String)>,
    teams: Vec<TeamRow>,
}

async fn home(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let grants = ctx.grants.iter().map(|g| (l.t(g.role.zh(), g.role.en()).to_owned(), unit_name(&ctx, &g.org_unit_id))).collect();
    let mut units: Vec<(String, String)> = ctx.grants.iter().map(|g| (g.org_unit_id.clone(), unit_name(&ctx, &g.org_unit_id))).collect();
    units.dedup();
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewStaffing, &ctx.org);
    let mut teams = Vec::new();
    if !visible.is_empty() {
        let people = ctx.state.store.people(&ctx.tenant_id).await.map_err(AppError::from)?;
        let certs = ctx.state.store.certificates(&ctx.tenant_id).await.map_err(AppError::from)?;
        let rules = &ctx.state.profile.staffing;
        let mut team_units: Vec<&OrgUnit> = ctx.org.units().filter(|u| u.kind == OrgKind::StreetEnforcementTeam && visible.contains(&u.id)).collect();
        team_units.sort_by(|a, b| a.code.cmp(&b.code));
        for u in team_units {
            let f = staffing::compute(people.iter().filter(|p| p.org_unit_id == u.id), &certs, today(), rules, u.population);
            let failed = staffing::checks(&f, rules).into_iter().filter(|c| !c.ok).map(|c| l.t(c.label_zh, c.label_en).to_owned()).collect();
            teams.push(TeamRow {
                id: u.id.clone(),
                name: u.name.clone(),
                established: f.established,
                certified: f.certified,
                auxiliaries: f.auxiliaries,
                frontline_share: f.frontline_share.display(),
                failed,
            });
        }
    }
    page(HomePage { nav: nav(&ctx, l, "/"), l, grants, units, teams })
}

// ------------------------------------------------------------------ organisation

struct TreeRow {
    id: String,
    name: String,
    code: String,
    kind: String,
    depth: usize,
    guided_by: String,
    subject: bool,
    active: bool,
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct OrgTreePage {
    l: Lang,
    nav: Nav,
    rows: Vec<TreeRow>,
}

async fn org_tree(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    ctx.require(Action::ViewOrg, None)?;
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewOrg, &ctx.org);
    let mut rows = Vec::new();
    // Units whose administrative parent is out of sight start a tree of their own.
    let mut roots: Vec<&OrgUnit> =
        ctx.org.units().filter(|u| visible.contains(&u.id) && u.admin_parent_id.as_ref().is_none_or(|p| !visible.contains(p))).collect();
    roots.sort_by(|a, b| a.code.cmp(&b.code));
    let mut stack: Vec<(String, usize)> = roots.iter().rev().map(|u| (u.id.clone(), 0)).collect();
    while let Some((id, depth)) = stack.pop() {
        let Some(u) = ctx.org.get(&id) else { continue };
        rows.push(TreeRow {
            id: u.id.clone(),
            name: u.name.clone(),
            code: u.code.clone(),
            kind: l.t(u.kind.zh(), u.kind.en()).into(),
            depth: depth.min(5),
            guided_by: u.guidance_parent_id.as_deref().map(|g| unit_name(&ctx, g)).unwrap_or_default(),
            subject: u.enforcement_subject,
            active: u.active,
        });
        for c in ctx.org.admin_children(&id).iter().rev() {
            if visible.contains(c) {
                stack.push((c.clone(), depth + 1));
            }
        }
    }
    page(OrgTreePage { nav: nav(&ctx, l, "/org"), l, rows })
}

struct FigureRow {
    key: &'static str,
    label: String,
    unit: String,
    subtree: String,
}

struct CheckRow {
    key: &'static str,
    label: String,
    actual: String,
    required: String,
    ok: bool,
    citation: String,
}

struct StaffingBlock {
    day: String,
    rows: Vec<FigureRow>,
    checks: Vec<CheckRow>,
}

fn figure_rows(u: &StaffingFigures, s: &StaffingFigures, l: Lang) -> Vec<FigureRow> {
    let n = |f: &StaffingFigures, k: &str| -> String {
        match k {
            "total" => f.total.to_string(),
            "established" => f.established.to_string(),
            "civil_servant" => f.by_staffing.get(&Staffing::CivilServant).copied().unwrap_or(0).to_string(),
            "civil_servant_managed" => f.by_staffing.get(&Staffing::CivilServantManaged).copied().unwrap_or(0).to_string(),
            "public_institution" => f.by_staffing.get(&Staffing::PublicInstitution).copied().unwrap_or(0).to_string(),
            "auxiliaries" => f.auxiliaries.to_string(),
            "certified" => f.certified.to_string(),
            "uncertified" => f.uncertified.to_string(),
            "expiring_soon" => f.expiring_soon.to_string(),
            "certified_share" => f.certified_share.display(),
            "frontline" => f.frontline.to_string(),
            "frontline_share" => f.frontline_share.display(),
            "auxiliary_ratio" => f.auxiliary_ratio.display(),
            "auxiliary_share" => f.auxiliary_share.display(),
            "legal_review" => f.legal_review.to_string(),
            "subject_qualified_share" => f.subject_qualified_share.display(),
            "seconded" => f.seconded.to_string(),
            "per_10k_residents" => f.per_10k_residents.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into()),
            _ => String::new(),
        }
    };
    let labels: [(&'static str, &str, &str); 18] = [
        ("total", "总人数", "Total"),
        ("established", "在编执法人员", "Established staff"),
        ("civil_servant", "其中: 公务员", "of which civil servants"),
        ("civil_servant_managed", "其中: 参公管理", "of which managed as civil servants"),
        ("public_institution", "其中: 事业编制", "of which public institution"),
        ("auxiliaries", "协管人员", "Auxiliaries"),
        ("certified", "持有效执法证", "Holding a valid certificate"),
        ("uncertified", "在编但无有效执法证", "Established without a valid certificate"),
        ("expiring_soon", "执法证即将到期", "Certificates expiring soon"),
        ("certified_share", "持证率", "Certified share"),
        ("frontline", "一线执法人员", "Frontline staff"),
        ("frontline_share", "一线占比", "Frontline share"),
        ("auxiliary_ratio", "协管/在编", "Auxiliaries per established"),
        ("auxiliary_share", "协管人员占总人数", "Auxiliary share of total"),
        ("legal_review", "法制审核人员", "Legal-review staff"),
        ("subject_qualified_share", "具有执法主体资格人员占比(公务员+参公)", "Subject-qualified share (civil servants + managed)"),
        ("seconded", "借调人员", "Seconded"),
        ("per_10k_residents", "每万人口执法人员", "Established staff per 10,000 residents"),
    ];
    labels.iter().map(|(k, zh, en)| FigureRow { key: k, label: l.t(zh, en).into(), unit: n(u, k), subtree: n(s, k) }).collect()
}

#[derive(Template)]
#[template(path = "org_unit.html")]
struct OrgUnitPage {
    l: Lang,
    nav: Nav,
    unit: OrgUnit,
    kind: String,
    path: Vec<(String, String)>,
    admin_parent: Option<(String, String)>,
    guidance_parent: Option<(String, String)>,
    children: Vec<(String, String, String)>,
    guided: Vec<(String, String)>,
    staffing: Option<StaffingBlock>,
    can_people: bool,
    can_manage: bool,
    unit_options: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

async fn org_unit(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>) -> UiResult {
    let unit = unit_of(&ctx, &id, Action::ViewOrg)?;
    let staffing = if ctx.can(Action::ViewStaffing, Some(&unit.id)) {
        let own = staffing_of(&ctx, &unit.id, false).await?;
        let sub = staffing_of(&ctx, &unit.id, true).await?;
        Some(StaffingBlock {
            day: sub.day.clone(),
            rows: figure_rows(&own.figures, &sub.figures, l),
            checks: sub
                .checks
                .iter()
                .map(|c| CheckRow {
                    key: c.key,
                    label: l.t(c.label_zh, c.label_en).into(),
                    actual: c.actual.clone(),
                    required: c.required.clone(),
                    ok: c.ok,
                    citation: c.citation.clone(),
                })
                .collect(),
        })
    } else {
        None
    };
    let pair = |id: &String| (id.clone(), unit_name(&ctx, id));
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewOrg, &ctx.org);
    page(OrgUnitPage {
        kind: l.t(unit.kind.zh(), unit.kind.en()).into(),
        path: ctx.org.admin_path(&unit.id).iter().filter(|u| visible.contains(&u.id)).map(|u| (u.id.clone(), u.name.clone())).collect(),
        admin_parent: unit.admin_parent_id.as_ref().map(pair),
        guidance_parent: unit.guidance_parent_id.as_ref().map(pair),
        children: ctx
            .org
            .admin_children(&unit.id)
            .iter()
            .filter(|c| visible.contains(*c))
            .filter_map(|c| ctx.org.get(c))
            .map(|c| (c.id.clone(), c.name.clone(), l.t(c.kind.zh(), c.kind.en()).to_owned()))
            .collect(),
        guided: ctx.org.guided_children(&unit.id).iter().filter(|c| visible.contains(*c)).map(pair).collect(),
        staffing,
        can_people: ctx.can(Action::ViewPeople, Some(&unit.id)),
        can_manage: ctx.can(Action::ManageOrg, Some(&unit.id)),
        unit_options: unit_options(&ctx, Action::ViewOrg),
        kinds: options(&OrgKind::ALL, OrgKind::code, OrgKind::zh, OrgKind::en, l),
        nav: nav(&ctx, l, "/org"),
        l,
        unit,
    })
}

fn population(f: &FormData) -> Result<Option<i64>, AppError> {
    f.opt("population")
        .map(|p| p.parse::<i64>().map_err(|_| AppError::bad_request("invalid_population", "常住人口应为整数", "population must be a whole number")))
        .transpose()
}

async fn org_edit(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    let patch = OrgUnitPatch {
        code: Some(f.get("code")),
        name: Some(f.get("name")),
        guidance_parent_id: Some(f.get("guidance_parent_id")),
        enforcement_subject: Some(f.checked("enforcement_subject")),
        population: population(&f)?,
        active: Some(f.checked("active")),
        ..Default::default()
    };
    let u = update_unit(&ctx, &id, patch).await?;
    see_other(&format!("/org/{}", u.id))
}

async fn org_new_child(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    let u = create_unit(
        &ctx,
        OrgUnitInput {
            code: f.get("code"),
            name: f.get("name"),
            kind: f.get("kind"),
            admin_parent_id: id,
            guidance_parent_id: f.opt("guidance_parent_id"),
            enforcement_subject: f.checked("enforcement_subject"),
            population: population(&f)?,
        },
    )
    .await?;
    see_other(&format!("/org/{}", u.id))
}

// ------------------------------------------------------------------ people

struct PersonRow {
    id: String,
    name: String,
    unit: String,
    staffing: String,
    posts: Vec<String>,
    certified: bool,
    established: bool,
    phone: String,
    status: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    l: Lang,
    nav: Nav,
    f: PeopleFilter,
    page: Page<PersonView>,
    rows: Vec<PersonRow>,
    unit_options: Vec<(String, String)>,
    staffing_options: Vec<(String, String)>,
    post_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    prev_href: Option<String>,
    next_href: Option<String>,
    can_create: bool,
}

fn post_label(code: &str, l: Lang) -> String {
    Post::parse(code).map(|p| l.t(p.zh(), p.en()).to_owned()).unwrap_or_else(|| code.to_owned())
}

fn status_label(code: &str, l: Lang) -> String {
    PersonStatus::parse(code).map(|p| l.t(p.zh(), p.en()).to_owned()).unwrap_or_else(|| code.to_owned())
}

fn people_href(f: &PeopleFilter, offset: usize) -> String {
    let mut q: Vec<(&str, String)> = Vec::new();
    for (k, v) in [("unit", &f.unit), ("staffing", &f.staffing), ("status", &f.status), ("post", &f.post), ("certified", &f.certified), ("q", &f.q)] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            q.push((k, v.clone()));
        }
    }
    if let Some(s) = f.subtree {
        q.push(("subtree", s.to_string()));
    }
    if let Some(limit) = f.limit {
        q.push(("limit", limit.to_string()));
    }
    q.push(("offset", offset.to_string()));
    format!("/people?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
}

async fn people(UiCtx(ctx): UiCtx, l: Lang, Query(mut f): Query<PeopleFilter>) -> UiResult {
    if f.unit.as_deref().is_some_and(|u| !u.is_empty()) && f.subtree.is_none() {
        f.subtree = Some(true);
    }
    let pg = list_people(&ctx, &f).await?;
    let rows = pg
        .items
        .iter()
        .map(|p| PersonRow {
            id: p.id.clone(),
            name: p.name.clone(),
            unit: p.org_unit_name.clone(),
            staffing: Staffing::parse(&p.staffing).map(|s| l.t(s.zh(), s.en()).to_owned()).unwrap_or_default(),
            posts: p.posts.iter().map(|x| post_label(x, l)).collect(),
            certified: p.certified,
            established: p.staffing != "auxiliary",
            phone: p.phone.clone().unwrap_or_default(),
            status: status_label(&p.status, l),
        })
        .collect();
    let prev_href = (pg.offset > 0).then(|| people_href(&f, pg.offset.saturating_sub(pg.limit)));
    let next_href = (pg.offset + pg.limit < pg.total).then(|| people_href(&f, pg.offset + pg.limit));
    page(PeoplePage {
        nav: nav(&ctx, l, "/people"),
        unit_options: unit_options(&ctx, Action::ViewPeople),
        staffing_options: options(Staffing::ALL, Staffing::code, Staffing::zh, Staffing::en, l),
        post_options: options(Post::ALL, Post::code, Post::zh, Post::en, l),
        status_options: options(PersonStatus::ALL, PersonStatus::code, PersonStatus::zh, PersonStatus::en, l),
        can_create: ctx.can(Action::ManagePeople, None),
        l,
        f,
        page: pg,
        rows,
        prev_href,
        next_href,
    })
}

/// Values shown in the person form.
#[derive(Default)]
pub struct PersonForm {
    name: String,
    org_unit_id: String,
    gender: String,
    id_number: String,
    phone: String,
    staffing: String,
    posts: Vec<String>,
    frontline: bool,
    joined_on: String,
}

impl PersonForm {
    fn has_post(&self, p: &str) -> bool {
        self.posts.iter().any(|x| x == p)
    }
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct PersonNewPage {
    l: Lang,
    nav: Nav,
    form: PersonForm,
    unit_options: Vec<(String, String)>,
    staffing_options: Vec<(String, String)>,
    post_options: Vec<(String, String)>,
}

async fn person_new_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    ctx.require(Action::ManagePeople, None)?;
    page(PersonNewPage {
        nav: nav(&ctx, l, "/people"),
        form: PersonForm { frontline: true, staffing: "public_institution".into(), ..Default::default() },
        unit_options: unit_options(&ctx, Action::ManagePeople),
        staffing_options: options(Staffing::ALL, Staffing::code, Staffing::zh, Staffing::en, l),
        post_options: options(Post::ALL, Post::code, Post::zh, Post::en, l),
        l,
    })
}

async fn person_new(UiCtx(ctx): UiCtx, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    let p = create_person(
        &ctx,
        PersonInput {
            org_unit_id: f.get("org_unit_id"),
            name: f.get("name"),
            gender: f.opt("gender"),
            id_number: f.opt("id_number"),
            phone: f.opt("phone"),
            staffing: f.get("staffing"),
            posts: f.all("posts"),
            frontline: f.checked("frontline"),
            joined_on: f.opt("joined_on"),
        },
    )
    .await?;
    see_other(&format!("/people/{}", p.id))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    l: Lang,
    nav: Nav,
    p: PersonView,
    staffing: String,
    status: String,
    posts: Vec<String>,
    certificates: Vec<CertificateView>,
    can_manage: bool,
    can_reveal: bool,
    can_record: bool,
    form: PersonForm,
    unit_options: Vec<(String, String)>,
    staffing_options: Vec<(String, String)>,
    post_options: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevealQ {
    reveal: Option<bool>,
}

async fn person(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>, Query(q): Query<RevealQ>) -> UiResult {
    let d = person_detail(&ctx, &id, q.reveal.unwrap_or(false)).await?;
    let p = d.person;
    let form = PersonForm {
        name: p.name.clone(),
        org_unit_id: p.org_unit_id.clone(),
        gender: p.gender.clone().unwrap_or_default(),
        id_number: String::new(),
        phone: String::new(),
        staffing: p.staffing.clone(),
        posts: p.posts.clone(),
        frontline: p.frontline,
        joined_on: p.joined_on.clone().unwrap_or_default(),
    };
    page(PersonPage {
        nav: nav(&ctx, l, "/people"),
        staffing: Staffing::parse(&p.staffing).map(|s| l.t(s.zh(), s.en()).to_owned()).unwrap_or_default(),
        status: status_label(&p.status, l),
        posts: p.posts.iter().map(|x| post_label(x, l)).collect(),
        certificates: d.certificates,
        can_manage: ctx.can(Action::ManagePeople, Some(&p.org_unit_id)),
        can_reveal: ctx.can(Action::ViewPersonalData, Some(&p.org_unit_id)),
        can_record: ctx.can(Action::ViewRecord, None),
        form,
        unit_options: unit_options(&ctx, Action::ManagePeople),
        staffing_options: options(Staffing::ALL, Staffing::code, Staffing::zh, Staffing::en, l),
        post_options: options(Post::ALL, Post::code, Post::zh, Post::en, l),
        l,
        p,
    })
}

async fn person_edit(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    // ID and phone are shown masked, so an empty field means "keep".
    let patch = PersonPatch {
        org_unit_id: f.opt("org_unit_id"),
        name: Some(f.get("name")),
        gender: Some(f.get("gender")),
        id_number: f.opt("id_number"),
        phone: f.opt("phone"),
        staffing: f.opt("staffing"),
        posts: Some(f.all("posts")),
        frontline: Some(f.checked("frontline")),
        status: f.opt("status"),
        joined_on: Some(f.get("joined_on")),
    };
    let p = update_person(&ctx, &id, patch).await?;
    see_other(&format!("/people/{}", p.id))
}

async fn person_certificate(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    add_certificate(
        &ctx,
        &id,
        CertificateInput {
            number: f.get("number"),
            issuer: f.get("issuer"),
            valid_from: f.get("valid_from"),
            valid_until: f.get("valid_until"),
            scope: f.get("scope"),
        },
    )
    .await?;
    see_other(&format!("/people/{id}"))
}

async fn person_certificate_revoke(UiCtx(ctx): UiCtx, Path((id, cid)): Path<(String, String)>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    revoke_certificate(&ctx, &id, &cid).await?;
    see_other(&format!("/people/{id}"))
}

async fn person_erase(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    erase_personal_data(&ctx, &id).await?;
    see_other(&format!("/people/{id}"))
}

async fn person_deactivate(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    deactivate_person(&ctx, &id).await?;
    see_other(&format!("/people/{id}"))
}

// ------------------------------------------------------------------ accounts

struct AccountRow {
    id: String,
    username: String,
    person: String,
    grants: Vec<String>,
    active: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    l: Lang,
    nav: Nav,
    rows: Vec<AccountRow>,
    can_manage: bool,
    role_options: Vec<(String, String)>,
    unit_options: Vec<(String, String)>,
}

fn grant_label(ctx: &Ctx, g: &GrantView, l: Lang) -> String {
    let role = Role::parse(&g.role).map(|r| l.t(r.zh(), r.en()).to_owned()).unwrap_or_else(|| g.role.clone());
    format!("{role} @ {}", unit_name(ctx, &g.org_unit_id))
}

async fn accounts(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let list = list_accounts(&ctx).await?;
    let people = ctx.state.store.people(&ctx.tenant_id).await.map_err(AppError::from)?;
    let rows = list
        .iter()
        .map(|a| AccountRow {
            id: a.id.clone(),
            username: a.username.clone(),
            person: a.person_id.as_ref().and_then(|pid| people.iter().find(|p| &p.id == pid)).map(|p| p.name.clone()).unwrap_or_default(),
            grants: a.grants.iter().map(|g| grant_label(&ctx, g, l)).collect(),
            active: a.active,
        })
        .collect();
    page(AccountsPage {
        nav: nav(&ctx, l, "/accounts"),
        rows,
        can_manage: ctx.can(Action::ManageAccounts, None),
        role_options: options(Role::ALL, Role::code, Role::zh, Role::en, l),
        unit_options: unit_options(&ctx, Action::ManageAccounts),
        l,
    })
}

async fn account_new(UiCtx(ctx): UiCtx, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    let grants = match f.opt("role") {
        Some(role) => vec![GrantView { role, org_unit_id: f.get("org_unit_id") }],
        None => vec![],
    };
    let a = create_account(&ctx, AccountInput { username: f.get("username"), password: f.get("password"), person_id: f.opt("person_id"), grants }).await?;
    see_other(&format!("/accounts/{}", a.id))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Lang,
    nav: Nav,
    a: AccountView,
    grants: Vec<(String, String, String)>,
    can_manage: bool,
    role_options: Vec<(String, String)>,
    unit_options: Vec<(String, String)>,
}

async fn account(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>) -> UiResult {
    let a = account_detail(&ctx, &id).await?;
    page(AccountPage {
        nav: nav(&ctx, l, "/accounts"),
        grants: a.grants.iter().map(|g| (g.role.clone(), g.org_unit_id.clone(), grant_label(&ctx, g, l))).collect(),
        can_manage: ctx.can(Action::ManageAccounts, None),
        role_options: options(Role::ALL, Role::code, Role::zh, Role::en, l),
        unit_options: unit_options(&ctx, Action::ManageAccounts),
        l,
        a,
    })
}

async fn account_grants(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    let mut grants: Vec<GrantView> =
        f.all("keep").iter().filter_map(|k| k.split_once('|')).map(|(r, u)| GrantView { role: r.to_owned(), org_unit_id: u.to_owned() }).collect();
    if let Some(role) = f.opt("role") {
        grants.push(GrantView { role, org_unit_id: f.get("org_unit_id") });
    }
    set_grants(&ctx, &id, GrantsInput { grants }).await?;
    see_other(&format!("/accounts/{id}"))
}

async fn account_deactivate(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    set_account_active(&ctx, &id, false).await?;
    see_other(&format!("/accounts/{id}"))
}

async fn account_activate(UiCtx(ctx): UiCtx, Path(id): Path<String>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    set_account_active(&ctx, &id, true).await?;
    see_other(&format!("/accounts/{id}"))
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    l: Lang,
    nav: Nav,
    changed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangedQ {
    changed: Option<bool>,
}

async fn me(UiCtx(ctx): UiCtx, l: Lang, Query(q): Query<ChangedQ>) -> UiResult {
    page(MePage { nav: nav(&ctx, l, ""), l, changed: q.changed.unwrap_or(false) })
}

async fn me_password(UiCtx(ctx): UiCtx, body: Bytes) -> UiResult {
    let f = FormData::checked_for(&ctx, &body)?;
    change_password(&ctx, &f.get("current"), &f.get("new")).await?;
    see_other("/me?changed=true")
}

// ------------------------------------------------------------------ record and rules

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    l: Lang,
    nav: Nav,
    size: i64,
    entries: Vec<crate::api::RecordEntry>,
    next_href: Option<String>,
}

async fn record(UiCtx(ctx): UiCtx, l: Lang, Query(q): Query<crate::api::RecordQuery>) -> UiResult {
    let entries = crate::api::record_entries(&ctx, &q).await?;
    let size = ctx.state.store.ledger_size(&ctx.tenant_id).await.map_err(AppError::from)?;
    let next_href = entries.last().filter(|e| e.seq > 0).map(|e| {
        let mut v = vec![("before", e.seq.to_string())];
        if let Some(s) = &q.subject {
            v.push(("subject", s.clone()));
        }
        format!("/record?{}", serde_urlencoded::to_string(&v).unwrap_or_default())
    });
    page(RecordPage { nav: nav(&ctx, l, "/record"), l, size, entries, next_href })
}

/// One of the tenant's overrides as `/rules` lists it.
struct OverrideRow {
    kind: String,
    label: String,
    citation: String,
    updated_by: String,
    updated_at: String,
    active: bool,
    text: String,
}

/// The override form (administrators of the whole tenant), refilled after a refusal.
#[derive(Default)]
struct OverrideForm {
    kind: String,
    text: String,
    citation: String,
    /// Every problem, one per line (`line 5: …`).
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    l: Lang,
    nav: Nav,
    rows: Vec<(String, i64, String, bool)>,
    procedure: crate::calendar::ProcedureSection,
    overrides: Vec<OverrideRow>,
    manage: bool,
    form: OverrideForm,
}

async fn rules(UiCtx(ctx): UiCtx, l: Lang, Query(f): Query<crate::calendar::DeadlineForm>) -> UiResult {
    rules_page(&ctx, l, f, OverrideForm::default(), StatusCode::OK).await
}

async fn rules_page(ctx: &Ctx, l: Lang, f: crate::calendar::DeadlineForm, form: OverrideForm, status: StatusCode) -> UiResult {
    use crate::overrides::{can_manage_rules, effective, list_overrides, Kind};
    let rows = ctx.state.profile.entries().into_iter().map(|(k, v)| (k.to_owned(), v.value, v.citation.clone(), v.verified)).collect();
    let eff = effective(&ctx.state, &ctx.tenant_id).await?;
    let procedure = crate::calendar::procedure_section(&eff, l, f);
    let status = if status.is_success() { procedure.status } else { status };
    let accounts: std::collections::BTreeMap<String, String> =
        ctx.state.store.accounts(&ctx.tenant_id).await.map_err(AppError::from)?.into_iter().map(|a| (a.id, a.username)).collect();
    let overrides = list_overrides(ctx)
        .await?
        .into_iter()
        .map(|o| OverrideRow {
            label: Kind::parse(&o.kind).map(|k| l.t(k.zh(), k.en()).to_owned()).unwrap_or_else(|_| o.kind.clone()),
            updated_by: accounts.get(&o.updated_by).cloned().unwrap_or(o.updated_by),
            kind: o.kind,
            citation: o.citation,
            updated_at: o.updated_at,
            active: o.active,
            text: o.text,
        })
        .collect();
    let mut r = page(RulesPage { nav: nav(ctx, l, "/rules"), l, rows, procedure, overrides, manage: can_manage_rules(ctx), form })?;
    *r.status_mut() = status;
    Ok(r)
}

/// Paste an override file with its citation; a refused file comes back with every error and its line.
async fn rules_override(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    use crate::overrides::{check, error_lines, require_rules_admin, set_override, Kind, OverrideInput};
    let f = FormData::checked_for(&ctx, &body)?;
    require_rules_admin(&ctx)?;
    let kind = Kind::parse(&f.get("kind"))?;
    let mut form = OverrideForm { kind: kind.code().to_owned(), text: f.raw("text"), citation: f.get("citation"), errors: Vec::new() };
    let refused = match check(&ctx.state, kind, &form.text) {
        Err(e) => Some((StatusCode::UNPROCESSABLE_ENTITY, error_lines(&e))),
        Ok(()) => match set_override(&ctx, kind, OverrideInput { text: form.text.clone(), citation: form.citation.clone() }).await {
            Ok(_) => None,
            Err(e) => Some((e.status, vec![l.t(&e.message_zh, &e.message_en).to_owned()])),
        },
    };
    match refused {
        None => see_other("/rules#overrides"),
        Some((status, errors)) => {
            form.errors = errors;
            rules_page(&ctx, l, crate::calendar::DeadlineForm::default(), form, status).await
        }
    }
}

async fn rules_override_reset(UiCtx(ctx): UiCtx, Path(kind): Path<String>, body: Bytes) -> UiResult {
    FormData::checked_for(&ctx, &body)?;
    crate::overrides::reset_override(&ctx, crate::overrides::Kind::parse(&kind)?).await?;
    see_other("/rules#overrides")
}
