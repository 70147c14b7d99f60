//! Application services: one function per command or query, shared by the JSON API and the UI.
//! Each command follows the one write path: authorise → domain decision → `Store::commit`.

use crate::auth::{self, Ctx};
use crate::error::{ApiResult, AppError};
use crate::AppState;
use axum::http::StatusCode;
use chengguan_domain::auth::{Action, Grant, Role};
use chengguan_domain::org::{OrgKind, OrgUnit};
use chengguan_domain::people::{Certificate, Gender, Person, PersonStatus, Post, Staffing};
use chengguan_domain::staffing::{self, RuleCheck, StaffingFigures};
use chengguan_domain::{demo, mask, Change, Row, Table};
use chengguan_store::Store;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// Today in the bureau's time zone (Asia/Shanghai, UTC+8, no daylight saving).
pub fn today() -> NaiveDate {
    crate::local_now().date()
}

fn parse_enum<T>(v: &str, parse: fn(&str) -> Option<T>, field: &str) -> ApiResult<T> {
    parse(v).ok_or_else(|| AppError::bad_request("invalid_value", format!("{field} 的取值无效: {v}"), format!("invalid value for {field}: {v}")))
}

// ---------------------------------------------------------------- organisation

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrgUnitView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// government, bureau, detachment, brigade, street_office, street_enforcement_team, squad, disposal_department, company
    pub kind: String,
    pub kind_zh: String,
    pub admin_parent_id: Option<String>,
    pub guidance_parent_id: Option<String>,
    pub enforcement_subject: bool,
    pub population: Option<i64>,
    pub active: bool,
}

impl From<&OrgUnit> for OrgUnitView {
    fn from(u: &OrgUnit) -> Self {
        OrgUnitView {
            id: u.id.clone(),
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.code().into(),
            kind_zh: u.kind.zh().into(),
            admin_parent_id: u.admin_parent_id.clone(),
            guidance_parent_id: u.guidance_parent_id.clone(),
            enforcement_subject: u.enforcement_subject,
            population: u.population,
            active: u.active,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Required: every unit hangs under a unit the caller manages.
    pub admin_parent_id: String,
    pub guidance_parent_id: Option<String>,
    #[serde(default)]
    pub enforcement_subject: bool,
    pub population: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub admin_parent_id: Option<String>,
    /// Empty string clears the guidance relation.
    pub guidance_parent_id: Option<String>,
    pub enforcement_subject: Option<bool>,
    pub population: Option<i64>,
    pub active: Option<bool>,
}

fn opt(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub fn unit_of(ctx: &Ctx, id: &str, action: Action) -> ApiResult<OrgUnit> {
    let u = ctx.org.get(id).cloned().ok_or_else(|| AppError::not_found("机构", "org unit"))?;
    ctx.require(action, Some(&u.id))?;
    Ok(u)
}

/// A parent that does not exist is an input error, not a missing permission.
fn known_parent(ctx: &Ctx, id: &str) -> ApiResult<()> {
    if ctx.org.get(id).is_none() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_parent",
            format!("行政隶属上级不存在: {id}"),
            format!("administrative parent does not exist: {id}"),
        ));
    }
    Ok(())
}

pub async fn create_unit(ctx: &Ctx, input: OrgUnitInput) -> ApiResult<OrgUnit> {
    known_parent(ctx, &input.admin_parent_id)?;
    ctx.require(Action::ManageOrg, Some(&input.admin_parent_id))?;
    let unit = OrgUnit {
        tenant_id: ctx.tenant_id.clone(),
        id: new_id("u"),
        code: input.code.trim().into(),
        name: input.name.trim().into(),
        kind: parse_enum(&input.kind, OrgKind::parse, "kind")?,
        admin_parent_id: Some(input.admin_parent_id),
        guidance_parent_id: opt(input.guidance_parent_id),
        enforcement_subject: input.enforcement_subject,
        population: input.population,
        active: true,
    };
    check_population(unit.population)?;
    ctx.org.check_unit(&unit)?;
    let change = Change::new("org_unit.create", format!("org_unit/{}", unit.id)).row(unit.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(unit)
}

fn check_population(p: Option<i64>) -> ApiResult<()> {
    if p.is_some_and(|p| !(0..=100_000_000).contains(&p)) {
        return Err(AppError::bad_request("invalid_population", "常住人口须为0至1亿之间的整数", "population must be 0–100,000,000"));
    }
    Ok(())
}

pub async fn update_unit(ctx: &Ctx, id: &str, p: OrgUnitPatch) -> ApiResult<OrgUnit> {
    let mut u = unit_of(ctx, id, Action::ManageOrg)?;
    if let Some(v) = p.code {
        u.code = v.trim().into();
    }
    if let Some(v) = p.name {
        u.name = v.trim().into();
    }
    if let Some(v) = p.kind {
        u.kind = parse_enum(&v, OrgKind::parse, "kind")?;
    }
    if let Some(v) = p.admin_parent_id {
        known_parent(ctx, &v)?;
        ctx.require(Action::ManageOrg, Some(&v))?;
        u.admin_parent_id = Some(v);
    }
    if let Some(v) = p.guidance_parent_id {
        u.guidance_parent_id = opt(Some(v));
    }
    if let Some(v) = p.enforcement_subject {
        u.enforcement_subject = v;
    }
    if p.population.is_some() {
        u.population = p.population;
    }
    if let Some(v) = p.active {
        u.active = v;
    }
    check_population(u.population)?;
    ctx.org.check_unit(&u)?;
    let change = Change::new("org_unit.update", format!("org_unit/{}", u.id)).row(u.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(u)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffingView {
    pub unit_id: String,
    /// `unit` (the unit's own people) or `subtree` (the unit and every unit administratively below it).
    pub scope: String,
    pub day: String,
    #[schema(value_type = Object)]
    pub figures: StaffingFigures,
    #[schema(value_type = Vec<Object>)]
    pub checks: Vec<RuleCheck>,
}

pub async fn staffing_of(ctx: &Ctx, unit_id: &str, subtree: bool) -> ApiResult<StaffingView> {
    let unit = unit_of(ctx, unit_id, Action::ViewStaffing)?;
    let units = if subtree { ctx.org.admin_subtree(&unit.id) } else { [unit.id.clone()].into() };
    let people = ctx.state.store.people(&ctx.tenant_id).await?;
    let certs = ctx.state.store.certificates(&ctx.tenant_id).await?;
    let population = unit.population;
    let rules = &ctx.state.profile.staffing;
    let day = today();
    let figures = staffing::compute(people.iter().filter(|p| units.contains(&p.org_unit_id)), &certs, day, rules, population);
    let checks = staffing::checks(&figures, rules);
    Ok(StaffingView { unit_id: unit.id, scope: if subtree { "subtree" } else { "unit" }.into(), day: day.to_string(), figures, checks })
}

// ---------------------------------------------------------------- people

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub org_unit_id: String,
    pub org_unit_name: String,
    /// Masked (张**) unless the caller may see personal data in this unit.
    pub name: String,
    pub gender: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub staffing: String,
    pub staffing_zh: String,
    pub posts: Vec<String>,
    pub frontline: bool,
    pub status: String,
    pub joined_on: Option<String>,
    /// Holds a certificate valid today.
    pub certified: bool,
    pub masked: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateView {
    pub id: String,
    pub number: String,
    pub issuer: String,
    pub valid_from: String,
    pub valid_until: String,
    pub scope: String,
    pub active: bool,
    pub valid_today: bool,
}

impl From<&Certificate> for CertificateView {
    fn from(c: &Certificate) -> Self {
        CertificateView {
            id: c.id.clone(),
            number: c.number.clone(),
            issuer: c.issuer.clone(),
            valid_from: c.valid_from.to_string(),
            valid_until: c.valid_until.to_string(),
            scope: c.scope.clone(),
            active: c.active,
            valid_today: c.valid_on(today()),
        }
    }
}

/// Names are shown in full to staff (they appear on certificates and documents); ID numbers and
/// phone numbers are masked unless `reveal` (which is itself recorded).
pub fn person_view(ctx: &Ctx, p: &Person, certs: &[Certificate], reveal: bool) -> PersonView {
    let day = today();
    PersonView {
        id: p.id.clone(),
        org_unit_id: p.org_unit_id.clone(),
        org_unit_name: ctx.org.get(&p.org_unit_id).map(|u| u.name.clone()).unwrap_or_default(),
        name: p.name.clone(),
        gender: p.gender.map(|g| g.code().into()),
        id_number: p.id_number.as_deref().map(|v| if reveal { v.into() } else { mask::id_number(v) }),
        phone: p.phone.as_deref().map(|v| if reveal { v.into() } else { mask::phone(v) }),
        staffing: p.staffing.code().into(),
        staffing_zh: p.staffing.zh().into(),
        posts: p.posts.iter().map(|x| x.code().into()).collect(),
        frontline: p.frontline,
        status: p.status.code().into(),
        joined_on: p.joined_on.map(|d| d.to_string()),
        certified: certs.iter().any(|c| c.person_id == p.id && c.valid_on(day)),
        masked: !reveal,
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeopleFilter {
    /// Only this unit (and its administrative subtree when `subtree=true`).
    pub unit: Option<String>,
    pub subtree: Option<bool>,
    pub staffing: Option<String>,
    pub status: Option<String>,
    pub post: Option<String>,
    /// `yes`: holds a valid certificate; `no`: established staff without one.
    pub certified: Option<String>,
    /// Substring of the name.
    pub q: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

pub const MAX_PAGE: u32 = 200;

pub fn paging(offset: Option<u32>, limit: Option<u32>) -> ApiResult<(usize, usize)> {
    let limit = limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(AppError::bad_request("invalid_paging", format!("limit 须在1至{MAX_PAGE}之间"), format!("limit must be 1–{MAX_PAGE}")));
    }
    Ok((offset.unwrap_or(0) as usize, limit as usize))
}

pub async fn list_people(ctx: &Ctx, f: &PeopleFilter) -> ApiResult<Page<PersonView>> {
    let (offset, limit) = paging(f.offset, f.limit)?;
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewPeople, &ctx.org);
    if visible.is_empty() {
        ctx.require(Action::ViewPeople, None)?;
    }
    let units = match opt(f.unit.clone()) {
        Some(u) => {
            unit_of(ctx, &u, Action::ViewPeople)?;
            if f.subtree.unwrap_or(false) {
                ctx.org.admin_subtree(&u)
            } else {
                [u].into()
            }
        }
        None => visible.clone(),
    };
    let staffing = opt(f.staffing.clone()).map(|s| parse_enum(&s, Staffing::parse, "staffing")).transpose()?;
    let status = opt(f.status.clone()).map(|s| parse_enum(&s, PersonStatus::parse, "status")).transpose()?;
    let post = opt(f.post.clone()).map(|s| parse_enum(&s, Post::parse, "post")).transpose()?;
    let certified = match opt(f.certified.clone()).as_deref() {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(v) => return Err(AppError::bad_request("invalid_value", format!("certified 的取值无效: {v}"), format!("certified must be yes or no, not {v}"))),
    };
    let q = opt(f.q.clone());
    let people = ctx.state.store.people(&ctx.tenant_id).await?;
    let certs = ctx.state.store.certificates(&ctx.tenant_id).await?;
    let day = today();
    let matching: Vec<&Person> = people
        .iter()
        .filter(|p| units.contains(&p.org_unit_id) && visible.contains(&p.org_unit_id))
        .filter(|p| staffing.is_none_or(|s| p.staffing == s))
        .filter(|p| status.is_none_or(|s| p.status == s))
        .filter(|p| post.is_none_or(|s| p.posts.contains(&s)))
        .filter(|p| q.as_ref().is_none_or(|q| p.name.contains(q.as_str())))
        .filter(|p| {
            certified.is_none_or(|want| {
                let has = certs.iter().any(|c| c.person_id == p.id && c.valid_on(day));
                if want {
                    has
                } else {
                    !has && p.staffing.is_established()
                }
            })
        })
        .collect();
    let items = matching.iter().skip(offset).take(limit).map(|p| person_view(ctx, p, &certs, false)).collect();
    Ok(Page { items, total: matching.len(), offset, limit })
}

pub async fn person_of(ctx: &Ctx, id: &str, action: Action) -> ApiResult<Person> {
    let p = ctx.state.store.person(&ctx.tenant_id, id).await?.ok_or_else(|| AppError::not_found("人员", "person"))?;
    ctx.require(action, Some(&p.org_unit_id))?;
    Ok(p)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub person: PersonView,
    pub certificates: Vec<CertificateView>,
}

/// A person with certificates; `reveal` shows unmasked personal data and records that read.
pub async fn person_detail(ctx: &Ctx, id: &str, reveal: bool) -> ApiResult<PersonDetail> {
    let p = person_of(ctx, id, Action::ViewPeople).await?;
    if reveal {
        ctx.require(Action::ViewPersonalData, Some(&p.org_unit_id))?;
        // quality.md: every read of unmasked personal data is itself recorded.
        let change = Change::new("person.read_personal_data", format!("person/{}", p.id));
        ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    }
    let certs = ctx.state.store.certificates_of(&ctx.tenant_id, &p.id).await?;
    Ok(PersonDetail { person: person_view(ctx, &p, &certs, reveal), certificates: certs.iter().map(Into::into).collect() })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    pub org_unit_id: String,
    pub name: String,
    pub gender: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    /// civil_servant, civil_servant_managed, public_institution, auxiliary
    pub staffing: String,
    #[serde(default)]
    pub posts: Vec<String>,
    #[serde(default)]
    pub frontline: bool,
    /// YYYY-MM-DD
    pub joined_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub org_unit_id: Option<String>,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub staffing: Option<String>,
    pub posts: Option<Vec<String>>,
    pub frontline: Option<bool>,
    /// active or seconded (deactivate with the deactivate command)
    pub status: Option<String>,
    pub joined_on: Option<String>,
}

fn parse_date(v: &str, field: &str) -> ApiResult<NaiveDate> {
    v.trim()
        .parse()
        .map_err(|_| AppError::bad_request("invalid_date", format!("{field} 应为日期 YYYY-MM-DD: {v}"), format!("{field} must be a date YYYY-MM-DD: {v}")))
}

fn parse_posts(v: &[String]) -> ApiResult<Vec<Post>> {
    let mut out: Vec<Post> = v.iter().filter(|s| !s.trim().is_empty()).map(|s| parse_enum(s.trim(), Post::parse, "posts")).collect::<ApiResult<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

pub async fn create_person(ctx: &Ctx, i: PersonInput) -> ApiResult<Person> {
    if ctx.org.get(&i.org_unit_id).is_none() {
        return Err(AppError::not_found("机构", "org unit"));
    }
    ctx.require(Action::ManagePeople, Some(&i.org_unit_id))?;
    let p = Person {
        tenant_id: ctx.tenant_id.clone(),
        id: new_id("p"),
        org_unit_id: i.org_unit_id,
        name: i.name.trim().into(),
        gender: opt(i.gender).map(|g| parse_enum(&g, Gender::parse, "gender")).transpose()?,
        id_number: opt(i.id_number),
        phone: opt(i.phone),
        staffing: parse_enum(&i.staffing, Staffing::parse, "staffing")?,
        posts: parse_posts(&i.posts)?,
        frontline: i.frontline,
        status: PersonStatus::Active,
        joined_on: opt(i.joined_on).map(|d| parse_date(&d, "joined_on")).transpose()?,
    };
    p.check()?;
    let change = Change::new("person.create", format!("person/{}", p.id)).row(p.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(p)
}

pub async fn update_person(ctx: &Ctx, id: &str, patch: PersonPatch) -> ApiResult<Person> {
    let mut p = person_of(ctx, id, Action::ManagePeople).await?;
    if p.status == PersonStatus::Inactive {
        return Err(AppError::new(StatusCode::CONFLICT, "inactive", "人员已停用,不能修改", "the person is deactivated"));
    }
    if let Some(u) = patch.org_unit_id {
        if ctx.org.get(&u).is_none() {
            return Err(AppError::not_found("机构", "org unit"));
        }
        ctx.require(Action::ManagePeople, Some(&u))?;
        p.org_unit_id = u;
    }
    if let Some(v) = patch.name {
        p.name = v.trim().into();
    }
    if let Some(v) = patch.gender {
        p.gender = opt(Some(v)).map(|g| parse_enum(&g, Gender::parse, "gender")).transpose()?;
    }
    if let Some(v) = patch.id_number {
        p.id_number = opt(Some(v));
    }
    if let Some(v) = patch.phone {
        p.phone = opt(Some(v));
    }
    if let Some(v) = patch.staffing {
        p.staffing = parse_enum(&v, Staffing::parse, "staffing")?;
    }
    if let Some(v) = patch.posts {
        p.posts = parse_posts(&v)?;
    }
    if let Some(v) = patch.frontline {
        p.frontline = v;
    }
    if let Some(v) = patch.status {
        let s = parse_enum(&v, PersonStatus::parse, "status")?;
        if s == PersonStatus::Inactive {
            return Err(AppError::bad_request("use_deactivate", "停用请使用停用操作", "use the deactivate command"));
        }
        p.status = s;
    }
    if let Some(v) = patch.joined_on {
        p.joined_on = opt(Some(v)).map(|d| parse_date(&d, "joined_on")).transpose()?;
    }
    p.check()?;
    if p.staffing == Staffing::Auxiliary {
        check_auxiliary_keeps_nothing(ctx, &p).await?;
    }
    let change = Change::new("person.update", format!("person/{}", p.id)).row(p.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(p)
}

/// A person made an auxiliary by an edit is held to the rules for creating one: no current
/// certificate, and no account holding a role beyond auxiliary (seed 004 协管人员管理 2).
async fn check_auxiliary_keeps_nothing(ctx: &Ctx, p: &Person) -> ApiResult<()> {
    let day = today();
    let certs = ctx.state.store.certificates_of(&ctx.tenant_id, &p.id).await?;
    if let Some(c) = certs.iter().find(|c| c.active && c.valid_until >= day) {
        c.check(p)?;
    }
    for a in ctx.state.store.accounts(&ctx.tenant_id).await?.iter().filter(|a| a.person_id.as_deref() == Some(p.id.as_str())) {
        check_grants_for_person(&ctx.state.store.grants(&ctx.tenant_id, &a.id).await?, Some(p))?;
    }
    Ok(())
}

/// People are never deleted: deactivation keeps the row and its history.
pub async fn deactivate_person(ctx: &Ctx, id: &str) -> ApiResult<Person> {
    let mut p = person_of(ctx, id, Action::ManagePeople).await?;
    p.status = PersonStatus::Inactive;
    let change = Change::new("person.deactivate", format!("person/{}", p.id)).row(p.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(p)
}

/// Erase a deactivated person's personal data when its retention has ended: the row keeps its
/// place (name replaced by 已删除, ID and phone cleared), and the openings of every commitment of
/// that person in the full-process record are erased by this same recorded act, so the log still
/// verifies without them (个人信息保护法 art. 47).
pub async fn erase_personal_data(ctx: &Ctx, id: &str) -> ApiResult<Person> {
    let mut p = person_of(ctx, id, Action::ManagePeople).await?;
    ctx.require(Action::ViewPersonalData, Some(&p.org_unit_id))?;
    if p.status != PersonStatus::Inactive {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "still_active",
            "只能删除已停用人员的个人信息",
            "personal data can only be erased for a deactivated person",
        )
        .with_rule("个人信息保护法 第四十七条"));
    }
    let row_key = chengguan_domain::personal::row_key(&p.to_row());
    let commitments = ctx.state.store.personal_commitments(&ctx.tenant_id, Table::People, &row_key).await?;
    p.name = ERASED_NAME.into();
    p.id_number = None;
    p.phone = None;
    let mut change = Change::new("person.erase_personal_data", format!("person/{}", p.id)).row(p.to_row());
    change.erase = commitments;
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(p)
}

/// Revoke a certificate (吊销/注销): it stays on record, inactive, and no longer counts as valid.
pub async fn revoke_certificate(ctx: &Ctx, person_id: &str, certificate_id: &str) -> ApiResult<Certificate> {
    let p = person_of(ctx, person_id, Action::ManagePeople).await?;
    let mut c = ctx
        .state
        .store
        .certificates_of(&ctx.tenant_id, &p.id)
        .await?
        .into_iter()
        .find(|c| c.id == certificate_id)
        .ok_or_else(|| AppError::not_found("执法证", "certificate"))?;
    if !c.active {
        return Err(AppError::new(StatusCode::CONFLICT, "already_revoked", "该执法证已注销", "the certificate is already revoked"));
    }
    c.active = false;
    let change = Change::new("certificate.revoke", format!("person/{}", p.id)).row(c.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(c)
}

/// What an erased person's name reads afterwards.
pub const ERASED_NAME: &str = "已删除";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateInput {
    pub number: String,
    pub issuer: String,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD
    pub valid_until: String,
    pub scope: String,
}

pub async fn add_certificate(ctx: &Ctx, person_id: &str, i: CertificateInput) -> ApiResult<Certificate> {
    let p = person_of(ctx, person_id, Action::ManagePeople).await?;
    let c = Certificate {
        tenant_id: ctx.tenant_id.clone(),
        id: new_id("c"),
        person_id: p.id.clone(),
        number: i.number.trim().into(),
        issuer: i.issuer.trim().into(),
        valid_from: parse_date(&i.valid_from, "valid_from")?,
        valid_until: parse_date(&i.valid_until, "valid_until")?,
        scope: i.scope.trim().into(),
        active: true,
    };
    c.check(&p)?;
    let change = Change::new("certificate.create", format!("person/{}", p.id)).row(c.to_row());
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(c)
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantView {
    /// officer, auxiliary, legal_reviewer, lawyer, leader, dispatcher, supervisor, disposer, inspector, admin, third_party_assessor
    pub role: String,
    pub org_unit_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub person_id: Option<String>,
    pub active: bool,
    pub grants: Vec<GrantView>,
}

fn grant_views(g: &[Grant]) -> Vec<GrantView> {
    g.iter().map(|g| GrantView { role: g.role.code().into(), org_unit_id: g.org_unit_id.clone() }).collect()
}

/// An account is in scope when one of its grants (or, without grants, its person's unit) is.
fn account_unit_ids(grants: &[Grant], person: Option<&Person>) -> Vec<String> {
    let mut v: Vec<String> = grants.iter().map(|g| g.org_unit_id.clone()).collect();
    if let Some(p) = person {
        v.push(p.org_unit_id.clone());
    }
    v
}

pub async fn list_accounts(ctx: &Ctx) -> ApiResult<Vec<AccountView>> {
    ctx.require(Action::ViewAccounts, None)?;
    let accounts = ctx.state.store.accounts(&ctx.tenant_id).await?;
    let grants = ctx.state.store.all_grants(&ctx.tenant_id).await?;
    let people = ctx.state.store.people(&ctx.tenant_id).await?;
    let mut out = Vec::new();
    for a in accounts {
        let g: Vec<Grant> = grants.iter().filter(|(id, _)| *id == a.id).map(|(_, g)| g.clone()).collect();
        let person = a.person_id.as_ref().and_then(|pid| people.iter().find(|p| &p.id == pid));
        if account_unit_ids(&g, person).iter().any(|u| ctx.can(Action::ViewAccounts, Some(u))) {
            out.push(AccountView { id: a.id, username: a.username, person_id: a.person_id, active: a.active, grants: grant_views(&g) });
        }
    }
    Ok(out)
}

pub async fn account_detail(ctx: &Ctx, id: &str) -> ApiResult<AccountView> {
    list_accounts(ctx).await?.into_iter().find(|a| a.id == id).ok_or_else(|| AppError::not_found("账号", "account"))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    pub password: String,
    pub person_id: Option<String>,
    #[serde(default)]
    pub grants: Vec<GrantView>,
}

fn parse_grants(ctx: &Ctx, v: &[GrantView]) -> ApiResult<Vec<Grant>> {
    let mut out = Vec::new();
    for g in v {
        let role = parse_enum(&g.role, Role::parse, "role")?;
        if ctx.org.get(&g.org_unit_id).is_none() {
            return Err(AppError::not_found("机构", "org unit"));
        }
        ctx.require(Action::ManageAccounts, Some(&g.org_unit_id))?;
        out.push(Grant { role, org_unit_id: g.org_unit_id.clone() });
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Roles that perform or decide enforcement acts may not go to auxiliaries (seed 004 协管人员管理 2).
fn check_grants_for_person(grants: &[Grant], person: Option<&Person>) -> ApiResult<()> {
    if let Some(p) = person {
        if p.staffing == Staffing::Auxiliary && grants.iter().any(|g| g.role != Role::Auxiliary) {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "auxiliary_role",
                "协管人员只能被授予协管员角色",
                "an auxiliary can only hold the auxiliary role",
            )
            .with_rule("城市管理执法队伍规范化建设标准 协管人员管理 2 (seed 004)"));
        }
    }
    Ok(())
}

fn valid_username(u: &str) -> ApiResult<()> {
    if !(3..=64).contains(&u.len()) || !u.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return Err(AppError::bad_request("invalid_username", "用户名须为3至64位字母、数字或 . _ -", "username must be 3–64 of letters, digits, . _ -"));
    }
    Ok(())
}

pub async fn create_account(ctx: &Ctx, i: AccountInput) -> ApiResult<AccountView> {
    ctx.require(Action::ManageAccounts, None)?;
    valid_username(&i.username)?;
    auth::password_policy(&i.password)?;
    let person = match opt(i.person_id) {
        Some(pid) => Some(person_of(ctx, &pid, Action::ManagePeople).await?),
        None => None,
    };
    let grants = parse_grants(ctx, &i.grants)?;
    if grants.is_empty() && person.is_none() {
        return Err(AppError::bad_request("no_scope", "账号须关联人员或至少一项授权", "an account needs a person or at least one grant"));
    }
    check_grants_for_person(&grants, person.as_ref())?;
    let id = new_id("a");
    let mut change = Change::new("account.create", format!("account/{id}")).row(
        Row::new(Table::Accounts)
            .set("tenant_id", ctx.tenant_id.as_str())
            .set("id", id.as_str())
            .set("username", i.username.as_str())
            .set("person_id", person.as_ref().map(|p| p.id.clone()))
            .set("password_hash", auth::hash_password(&i.password))
            .set("active", true),
    );
    for g in &grants {
        change = change.row(grant_row(&ctx.tenant_id, &id, g, true));
    }
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(AccountView { id, username: i.username, person_id: person.map(|p| p.id), active: true, grants: grant_views(&grants) })
}

fn grant_row(tenant: &str, account: &str, g: &Grant, active: bool) -> Row {
    Row::new(Table::Grants)
        .set("tenant_id", tenant)
        .set("account_id", account)
        .set("role", g.role.code())
        .set("org_unit_id", g.org_unit_id.as_str())
        .set("active", active)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantsInput {
    pub grants: Vec<GrantView>,
}

/// Replace an account's grants. Revoked grants stay as inactive rows (nothing is deleted).
pub async fn set_grants(ctx: &Ctx, account_id: &str, input: GrantsInput) -> ApiResult<AccountView> {
    let acc = ctx.state.store.account(&ctx.tenant_id, account_id).await?.ok_or_else(|| AppError::not_found("账号", "account"))?;
    let old = ctx.state.store.grants(&ctx.tenant_id, &acc.id).await?;
    for g in &old {
        ctx.require(Action::ManageAccounts, Some(&g.org_unit_id))?;
    }
    let new = parse_grants(ctx, &input.grants)?;
    let person = match &acc.person_id {
        Some(pid) => ctx.state.store.person(&ctx.tenant_id, pid).await?,
        None => None,
    };
    if old.is_empty() {
        if let Some(p) = &person {
            ctx.require(Action::ManageAccounts, Some(&p.org_unit_id))?;
        }
    }
    check_grants_for_person(&new, person.as_ref())?;
    if acc.id == ctx.account.id && !new.iter().any(|g| g.role == Role::Admin) && old.iter().any(|g| g.role == Role::Admin) {
        return Err(AppError::bad_request("self_lockout", "不能撤销自己的管理员授权", "you cannot revoke your own administrator grant"));
    }
    let mut change = Change::new("account.grants", format!("account/{}", acc.id));
    for g in old.iter().filter(|g| !new.contains(g)) {
        change = change.row(grant_row(&ctx.tenant_id, &acc.id, g, false));
    }
    for g in new.iter().filter(|g| !old.contains(g)) {
        change = change.row(grant_row(&ctx.tenant_id, &acc.id, g, true));
    }
    if !change.rows.is_empty() {
        ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    }
    Ok(AccountView { id: acc.id, username: acc.username, person_id: acc.person_id, active: acc.active, grants: grant_views(&new) })
}

pub async fn set_account_active(ctx: &Ctx, account_id: &str, active: bool) -> ApiResult<AccountView> {
    let view = account_detail(ctx, account_id).await?;
    let grants: Vec<Grant> = view.grants.iter().filter_map(|g| Some(Grant { role: Role::parse(&g.role)?, org_unit_id: g.org_unit_id.clone() })).collect();
    for g in &grants {
        ctx.require(Action::ManageAccounts, Some(&g.org_unit_id))?;
    }
    if account_id == ctx.account.id && !active {
        return Err(AppError::bad_request("self_lockout", "不能停用自己的账号", "you cannot deactivate your own account"));
    }
    let acc = ctx.state.store.account(&ctx.tenant_id, account_id).await?.ok_or_else(|| AppError::not_found("账号", "account"))?;
    let mut change = Change::new(if active { "account.activate" } else { "account.deactivate" }, format!("account/{}", acc.id)).row(account_row(
        &acc,
        &acc.password_hash,
        active,
    ));
    if !active {
        // A deactivated account's sessions end now, so reactivation does not revive them.
        change.rows.extend(revocations(ctx, &acc.id, None).await?);
    }
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(AccountView { active, ..view })
}

fn account_row(acc: &chengguan_store::Account, hash: &str, active: bool) -> Row {
    Row::new(Table::Accounts)
        .set("tenant_id", acc.tenant_id.as_str())
        .set("id", acc.id.as_str())
        .set("username", acc.username.as_str())
        .set("person_id", acc.person_id.clone())
        .set("password_hash", hash)
        .set("active", active)
}

pub async fn change_password(ctx: &Ctx, current: &str, new: &str) -> ApiResult<()> {
    if !auth::verify_password(current, &ctx.account.password_hash) {
        return Err(AppError::bad_request("wrong_password", "当前密码不正确", "the current password is wrong"));
    }
    auth::password_policy(new)?;
    let mut change = Change::new("account.password", format!("account/{}", ctx.account.id)).row(account_row(&ctx.account, &auth::hash_password(new), true));
    // Other sessions (a stolen cookie or token) end with the old password.
    change.rows.extend(revocations(ctx, &ctx.account.id, Some(&ctx.session_id)).await?);
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(())
}

// ---------------------------------------------------------------- sessions

pub struct NewSession {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Verify a login and open a session (`browser`) or API token (`api`). Failed attempts are
/// rate-limited per username and per client address.
pub async fn login(state: &AppState, username: &str, password: &str, kind: &str, client: &str) -> ApiResult<NewSession> {
    if state.login_limiter.blocked(username) || state.address_limiter.blocked(client) {
        let rule = &state.profile.auth.login_attempts_per_minute;
        return Err(AppError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "登录尝试过于频繁,请稍后再试", "too many login attempts; try again later")
            .with_rule(&rule.citation));
    }
    let account = state.store.account_by_username(username).await?;
    let ok = match &account {
        Some(a) => a.active && auth::verify_password(password, &a.password_hash),
        None => {
            // Spend the same time as a real check, so usernames cannot be probed by timing.
            auth::verify_password(password, &state.dummy_hash);
            false
        }
    };
    let account = match (ok, account) {
        (true, Some(a)) => a,
        _ => {
            state.login_limiter.fail(username);
            state.address_limiter.fail(client);
            return Err(AppError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "用户名或密码错误", "wrong username or password"));
        }
    };
    let (token, id) = auth::new_token();
    let now = chrono::Utc::now();
    let expires_at = now + chrono::Duration::hours(state.profile.auth.session_hours.value);
    let change = Change::new("auth.login", format!("account/{}", account.id)).row(
        Row::new(Table::Sessions)
            .set("tenant_id", account.tenant_id.as_str())
            .set("id", id)
            .set("account_id", account.id.as_str())
            .set("kind", kind)
            .set("created_at", now.to_rfc3339())
            .set("expires_at", expires_at.to_rfc3339())
            .set("revoked_at", Option::<String>::None),
    );
    state.store.commit(&account.tenant_id, &account.id, &change).await?;
    Ok(NewSession { token, expires_at })
}

fn session_row(s: &chengguan_store::Session, revoked_at: Option<String>) -> Row {
    Row::new(Table::Sessions)
        .set("tenant_id", s.tenant_id.as_str())
        .set("id", s.id.as_str())
        .set("account_id", s.account_id.as_str())
        .set("kind", s.kind.as_str())
        .set("created_at", s.created_at.as_str())
        .set("expires_at", s.expires_at.as_str())
        .set("revoked_at", revoked_at)
}

/// Revocation after-images for an account's open sessions, except `keep`.
async fn revocations(ctx: &Ctx, account_id: &str, keep: Option<&str>) -> ApiResult<Vec<Row>> {
    let now = chrono::Utc::now().to_rfc3339();
    Ok(ctx
        .state
        .store
        .open_sessions(&ctx.tenant_id, account_id)
        .await?
        .iter()
        .filter(|s| Some(s.id.as_str()) != keep && s.expires_at > now)
        .map(|s| session_row(s, Some(now.clone())))
        .collect())
}

pub async fn logout(ctx: &Ctx) -> ApiResult<()> {
    let s = ctx.state.store.session(&ctx.session_id).await?.ok_or_else(AppError::unauthorized)?;
    let change = Change::new("auth.logout", format!("account/{}", ctx.account.id)).row(session_row(&s, Some(chrono::Utc::now().to_rfc3339())));
    ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok(())
}

// ---------------------------------------------------------------- demo and first administrator

/// Create the demo city, or add whatever part of it is missing. Existing rows are left as they
/// are (a user may have edited them), so running it twice changes nothing.
pub async fn load_demo(store: &Store, day: NaiveDate) -> Result<usize, chengguan_store::StoreError> {
    let tenant_id = match store.tenant_by_code(demo::DEMO_TENANT_CODE).await? {
        Some(t) => t.id,
        None => format!("t-{}", demo::DEMO_TENANT_CODE),
    };
    let city = demo::demo_city(&tenant_id, day);
    let mut rows = vec![Row::new(Table::Tenants).set("id", tenant_id.as_str()).set("code", city.tenant_code.as_str()).set("name", city.tenant_name.as_str())];
    rows.extend(city.units.iter().map(OrgUnit::to_row));
    rows.extend(city.people.iter().map(Person::to_row));
    rows.extend(city.certificates.iter().map(Certificate::to_row));
    // The demo power list (权责清单, fictitious local parts; docs/power-list.md), version by version.
    rows.extend(chengguan_domain::power::PowerList::demo().entries().iter().map(|e| e.to_row(&tenant_id, "system")));
    let existing_accounts = store.accounts(&tenant_id).await?;
    for a in &city.accounts {
        if existing_accounts.iter().any(|e| e.id == a.id) {
            continue;
        }
        // Hash only for accounts that will be written: Argon2id is deliberately slow.
        rows.push(
            Row::new(Table::Accounts)
                .set("tenant_id", tenant_id.as_str())
                .set("id", a.id.as_str())
                .set("username", a.username.as_str())
                .set("person_id", a.person_id.clone())
                .set("password_hash", auth::hash_password(demo::DEMO_PASSWORD))
                .set("active", true),
        );
        rows.extend(a.grants.iter().map(|g| grant_row(&tenant_id, &a.id, g, true)));
    }
    // The bureau's legal reviewer (法制审核人员) and resident lawyer, with the qualification APL
    // art. 58 para. 2 requires (fictitious certificate numbers).
    for (username, appointed, qualification) in [("legal_reviewer", "2019-03-01", "A20183201000001"), ("lawyer", "2022-05-10", "A20203201000002")] {
        if let Some(pid) = city.accounts.iter().find(|a| a.username == username).and_then(|a| a.person_id.clone()) {
            rows.push(
                Row::new(Table::ReviewerAppointments)
                    .set("tenant_id", tenant_id.as_str())
                    .set("id", format!("reviewer:{pid}"))
                    .set("person_id", pid.as_str())
                    .set("appointed_on", appointed)
                    .set("qualification_number", qualification)
                    .set("qualification_on", None::<String>)
                    .set("active", true),
            );
        }
    }
    let mut missing = Vec::new();
    for table in Table::ALL {
        let have = store.table_rows(&tenant_id, table).await?;
        let key = |r: &Row| table.key().iter().map(|k| r.values.get(*k).cloned()).collect::<Vec<_>>();
        let have: std::collections::BTreeSet<String> = have.iter().map(|r| format!("{:?}", key(r))).collect();
        missing.extend(rows.iter().filter(|r| r.table == table && !have.contains(&format!("{:?}", key(r)))).cloned());
    }
    let n = missing.len();
    if n > 0 {
        let change = Change { rows: missing, ..Change::new("demo.load", format!("tenant/{tenant_id}")) };
        store.commit(&tenant_id, "system", &change).await?;
    }
    Ok(n)
}

/// A real deployment's first tenant, root unit and administrator (password asked by the CLI).
pub async fn create_first_admin(
    store: &Store,
    tenant_code: &str,
    tenant_name: &str,
    root_unit_name: &str,
    username: &str,
    password: &str,
) -> ApiResult<String> {
    valid_username(username)?;
    auth::password_policy(password)?;
    if store.tenant_by_code(tenant_code).await?.is_some() {
        return Err(AppError::new(StatusCode::CONFLICT, "tenant_exists", format!("租户 {tenant_code} 已存在"), format!("tenant {tenant_code} already exists")));
    }
    let tenant_id = new_id("t");
    let unit = OrgUnit {
        tenant_id: tenant_id.clone(),
        id: new_id("u"),
        code: tenant_code.into(),
        name: root_unit_name.into(),
        kind: OrgKind::Government,
        admin_parent_id: None,
        guidance_parent_id: None,
        enforcement_subject: false,
        population: None,
        active: true,
    };
    let account_id = new_id("a");
    let change = Change::new("tenant.create", format!("tenant/{tenant_id}"))
        .row(Row::new(Table::Tenants).set("id", tenant_id.as_str()).set("code", tenant_code).set("name", tenant_name))
        .row(unit.to_row())
        .row(
            Row::new(Table::Accounts)
                .set("tenant_id", tenant_id.as_str())
                .set("id", account_id.as_str())
                .set("username", username)
                .set("person_id", Option::<String>::None)
                .set("password_hash", auth::hash_password(password))
                .set("active", true),
        )
        .row(grant_row(&tenant_id, &account_id, &Grant { role: Role::Admin, org_unit_id: unit.id.clone() }, true));
    store.commit(&tenant_id, "system", &change).await?;
    Ok(tenant_id)
}
