//! The working-day calendar and the procedural rule profile to the outside world: the calendar of
//! a year (holidays and make-up days with the notice that set them), every procedural value with
//! its citation, and deadlines computed and explained (API and pages). Read-only: nothing here
//! writes. The rules and the arithmetic are the domain's (`calendar`, `profile`, `deadline`);
//! handlers only parse, call and render.
//!
//! Every endpoint and page uses the caller's tenant's effective profile and calendar: the national
//! ones plus the tenant's active overrides (`overrides::effective`), and says which values the
//! tenant overrode and under which citation.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::Json;
use crate::i18n::Lang;
use crate::overrides::{effective, Effective};
use crate::ui::{nav, page, Nav, UiCtx, UiErr, UiResult};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::calendar::{Calendar, DayKind, Notice};
use chengguan_domain::deadline::{self, Deadline, Due, OfficeHours};
use chengguan_domain::profile::{ProcedureProfile, Rule, RuleKind, Unit};
use chengguan_domain::Refusal;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calendar/{year}", get(calendar_year))
        .route("/api/v1/rules/procedure", get(procedure_rules))
        .route("/api/v1/deadlines", post(compute_deadline))
        .route("/calendar", get(calendar_now))
        .route("/calendar/{year}", get(calendar_page))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// Asia/Shanghai (UTC+8, no daylight saving).
fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

fn local_rfc3339(t: NaiveDateTime) -> String {
    match shanghai().from_local_datetime(&t).single() {
        Some(t) => t.to_rfc3339(),
        None => t.to_string(),
    }
}

fn parse_year(s: &str) -> ApiResult<i32> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| AppError::bad_request("invalid_year", format!("年份无效: {s}"), format!("invalid year: {s}")))
}

fn not_covered(cal: &Calendar, year: i32, status: StatusCode) -> AppError {
    AppError::refusal(status, Refusal::from(cal.not_covered(year)))
}

fn zh_weekday(d: NaiveDate) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][d.weekday().num_days_from_monday() as usize]
}

// ------------------------------------------------------------------ calendar (API)

#[derive(Serialize, ToSchema)]
pub struct NoticeView {
    pub year: i32,
    pub title: String,
    /// The document number, e.g. `国办发明电〔2023〕7号`.
    pub number: String,
    /// False when the number is known only from secondary references.
    pub number_verified: bool,
    pub issued: String,
    /// True for a notice amending the year's arrangement.
    pub amendment: bool,
    /// 《title》（number）, marked when the number is unverified.
    pub citation: String,
}

impl From<&Notice> for NoticeView {
    fn from(n: &Notice) -> Self {
        NoticeView {
            year: n.year,
            title: n.title.clone(),
            number: n.number.clone(),
            number_verified: n.number_verified,
            issued: n.issued.to_string(),
            amendment: n.amendment,
            citation: n.citation(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SpecialDay {
    pub date: String,
    pub weekday: String,
    /// `holiday`, `makeup` (a weekend day worked), `local_rest` or `local_work`.
    pub kind: String,
    pub kind_zh: String,
    pub kind_en: String,
    pub working: bool,
    /// The holiday's name (春节 …), or the local day's.
    pub name: Option<String>,
    /// The notice (or local rule) that made the day what it is.
    pub citation: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// The annual State Council notice for the year.
    pub notice: NoticeView,
    /// Notices amending the year's arrangement, in the order issued.
    pub amendments: Vec<NoticeView>,
    /// Every day of the year that is not an ordinary weekday or weekend, ascending.
    pub days: Vec<SpecialDay>,
    pub working_days: usize,
    pub rest_days: usize,
    /// The years the calendar covers.
    pub covered_years: Vec<i32>,
    /// The tenant's citation for its local days, when it has any (see `/api/v1/rules/overrides`).
    pub local_days_citation: Option<String>,
}

/// The days of a covered year with what each is (NotCovered for any other year).
fn year_days(cal: &Calendar, year: i32) -> Result<Vec<chengguan_domain::calendar::Day<'_>>, chengguan_domain::calendar::NotCovered> {
    if cal.notice_for(year).is_none() {
        return Err(cal.not_covered(year));
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| cal.not_covered(year))?;
    first.iter_days().take_while(|d| d.year() == year).map(|d| cal.day(d)).collect()
}

fn calendar_view(cal: &Calendar, year: i32) -> Result<CalendarYear, chengguan_domain::calendar::NotCovered> {
    let days = year_days(cal, year)?;
    let notice = cal.notice_for(year).ok_or_else(|| cal.not_covered(year))?;
    let mut amendments: Vec<&Notice> = cal.notices().iter().filter(|n| n.year == year && n.amendment).collect();
    amendments.sort_by_key(|n| n.issued);
    let working_days = days.iter().filter(|d| d.is_working()).count();
    Ok(CalendarYear {
        year,
        notice: notice.into(),
        amendments: amendments.into_iter().map(Into::into).collect(),
        working_days,
        rest_days: days.len() - working_days,
        days: days
            .iter()
            .filter(|d| !matches!(d.kind, DayKind::WorkingDay | DayKind::Weekend))
            .map(|d| SpecialDay {
                date: d.date.to_string(),
                weekday: zh_weekday(d.date).to_owned(),
                kind: d.kind.code().to_owned(),
                kind_zh: d.kind.zh().to_owned(),
                kind_en: d.kind.en().to_owned(),
                working: d.is_working(),
                name: d.name.map(str::to_owned),
                citation: d.citation(),
            })
            .collect(),
        covered_years: cal.years().collect(),
        local_days_citation: None,
    })
}

/// The working-day calendar of a year: holidays, make-up working days and local days, each with
/// the notice that set it. A year without its State Council notice in the data is a 404 naming
/// the year (never a guess from the weekdays).
#[utoipa::path(get, path = "/api/v1/calendar/{year}", params(("year" = i32, Path, description = "e.g. 2024")),
    responses((status = 200, body = CalendarYear), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn calendar_year(ctx: Ctx, Path(year): Path<String>) -> ApiResult<axum::Json<CalendarYear>> {
    let year = parse_year(&year)?;
    let eff = effective(&ctx.state, &ctx.tenant_id).await?;
    let cal = &*eff.calendar;
    let mut view = calendar_view(cal, year).map_err(|e| not_covered(cal, e.year, StatusCode::NOT_FOUND))?;
    view.local_days_citation = eff.local_days_override.as_ref().map(|o| o.citation.clone());
    Ok(axum::Json(view))
}

// ------------------------------------------------------------------ procedure profile (API)

#[derive(Serialize, ToSchema)]
pub struct LawRefView {
    pub law: String,
    pub article: u32,
    /// Words of the article, quoted verbatim.
    pub quote: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureRuleView {
    /// e.g. `apl.hearing_request`.
    pub key: String,
    /// `value`, `extension` or `pause`.
    pub kind: String,
    /// The number (for an extension: the most it extends by); none for a pause.
    pub value: Option<i64>,
    /// `working_days`, `days`, `months`, `years`, `hours`, `working_hours`, `minutes`,
    /// `working_minutes`, `percent`, `percent_per_day`, `yuan`, `persons`.
    pub unit: Option<String>,
    /// The value in words: `7个工作日`, `7 working days`.
    pub text_zh: Option<String>,
    pub text_en: Option<String>,
    /// A period `POST /api/v1/deadlines` can compute.
    pub is_period: bool,
    pub citation: String,
    /// True only where the cited statute text is in the repository (then `refs` quote it).
    pub verified: bool,
    pub refs: Vec<LawRefView>,
    pub note: Option<String>,
    /// The profile layer that set the value (`national`, or a tenant overlay).
    pub origin: String,
    /// True when the caller's tenant overrode the national value.
    pub overridden: bool,
    /// The tenant's legal source for its override (the value's own citation is `citation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_citation: Option<String>,
    /// For an extension: the period it extends, how often, by whose approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_times: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    /// For a pause: the period it pauses, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pauses: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureProfileView {
    pub title: String,
    /// The layers merged, national first (then the tenant's overlay, if any).
    pub layers: Vec<String>,
    /// The tenant's legal source for its overlay, when it has one.
    pub override_citation: Option<String>,
    pub rules: Vec<ProcedureRuleView>,
}

fn is_period_rule(r: &Rule) -> bool {
    matches!(r.kind, RuleKind::Value(q) if q.unit.is_period())
}

fn counts_working_time(r: &Rule) -> bool {
    matches!(r.kind, RuleKind::Value(q) if matches!(q.unit, Unit::WorkingHours | Unit::WorkingMinutes))
}

impl From<&Rule> for ProcedureRuleView {
    fn from(r: &Rule) -> Self {
        let q = r.quantity();
        let mut v = ProcedureRuleView {
            key: r.key.clone(),
            kind: match r.kind {
                RuleKind::Value(_) => "value",
                RuleKind::Extension { .. } => "extension",
                RuleKind::Pause { .. } => "pause",
            }
            .into(),
            value: q.map(|q| q.value),
            unit: q.map(|q| q.unit.as_str().to_owned()),
            text_zh: q.map(|q| q.unit.zh(q.value)),
            text_en: q.map(|q| q.unit.en(q.value)),
            is_period: is_period_rule(r),
            citation: r.citation.clone(),
            verified: r.verified,
            refs: r.refs.iter().map(|x| LawRefView { law: x.law.clone(), article: x.article, quote: x.quote.clone() }).collect(),
            note: r.note.clone(),
            origin: r.origin.clone(),
            overridden: r.origin != "national",
            override_citation: None,
            extends: None,
            max_times: None,
            approval: None,
            pauses: None,
            reason: None,
        };
        match &r.kind {
            RuleKind::Extension { extends, max_times, approval, .. } => {
                v.extends = Some(extends.clone());
                v.max_times = Some(*max_times);
                v.approval = Some(approval.clone());
            }
            RuleKind::Pause { pauses, reason } => {
                v.pauses = Some(pauses.clone());
                v.reason = Some(reason.clone());
            }
            RuleKind::Value(_) => {}
        }
        v
    }
}

/// The caller's tenant's procedural rule profile (national, with the tenant's overlay): every
/// period, threshold and rate of the penalty and enforcement procedure with its unit and
/// citation, the extensions and pauses it grants, and which values the tenant overrode.
#[utoipa::path(get, path = "/api/v1/rules/procedure",
    responses((status = 200, body = ProcedureProfileView), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn procedure_rules(ctx: Ctx) -> ApiResult<axum::Json<ProcedureProfileView>> {
    let eff = effective(&ctx.state, &ctx.tenant_id).await?;
    let p: &ProcedureProfile = &eff.procedure;
    let rules = p
        .rules()
        .map(|r| {
            let mut v = ProcedureRuleView::from(r);
            v.override_citation = eff.override_citation(&r.origin).map(str::to_owned);
            v
        })
        .collect();
    Ok(axum::Json(ProcedureProfileView {
        title: p.title.clone(),
        layers: p.layers.clone(),
        override_citation: eff.procedure_override.as_ref().map(|o| o.citation.clone()),
        rules,
    }))
}

// ------------------------------------------------------------------ deadlines (API)

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRequest {
    /// A period of the profile, e.g. `apl.service`.
    pub rule: String,
    /// The start event: `YYYY-MM-DD`, or an RFC 3339 time (converted to Asia/Shanghai).
    pub start: String,
    /// `after` (default): when the period counted from `start` ends. `before`: the latest day to
    /// act when the rule requires acting at least the period before `start` (e.g. the hearing
    /// notice, `apl.hearing_notice`, counted back from the hearing).
    pub direction: Option<String>,
    /// Office hours, e.g. `08:30-12:00, 14:00-18:00`; only for rules counted in working hours or
    /// minutes (and needed by them).
    pub office_hours: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineView {
    pub rule: String,
    pub value: i64,
    pub unit: String,
    /// The rule's citation, marked `（未核实 unverified）` when unverified.
    pub citation: String,
    pub verified: bool,
    /// The profile layer that set the period (`national`, or the tenant's overlay).
    pub origin: String,
    /// The tenant's legal source for its override, when the period is the tenant's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_citation: Option<String>,
    /// `after` or `before`.
    pub direction: String,
    /// The start event in Asia/Shanghai time.
    pub start: String,
    /// `YYYY-MM-DD` (the whole day) for periods in days, months or years; an RFC 3339 time for
    /// periods in hours or minutes.
    pub due: String,
    /// True when `due` is a whole day.
    pub end_of_day: bool,
    pub due_zh: String,
    pub due_en: String,
    pub explanation_zh: String,
    pub explanation_en: String,
    /// Rules of the profile that may extend or pause this period (each needs its own act).
    pub extensions: Vec<String>,
    pub pauses: Vec<String>,
}

/// Which way a deadline is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

impl Direction {
    fn parse(s: Option<&str>) -> ApiResult<Direction> {
        match s.map(str::trim) {
            None | Some("") | Some("after") => Ok(Direction::After),
            Some("before") => Ok(Direction::Before),
            Some(other) => Err(AppError::bad_request(
                "invalid_value",
                format!("direction 的取值无效: {other}（after 或 before）"),
                format!("invalid value for direction: {other} (after or before)"),
            )),
        }
    }
    fn code(self) -> &'static str {
        match self {
            Direction::After => "after",
            Direction::Before => "before",
        }
    }
}

/// `YYYY-MM-DD` (start of that day) or RFC 3339 (converted to Asia/Shanghai local time).
fn parse_start(s: &str) -> ApiResult<NaiveDateTime> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&shanghai()).naive_local());
    }
    let shown: String = s.chars().take(40).collect();
    Err(AppError::bad_request(
        "invalid_date",
        format!("起算时间无效: {shown}（应为 YYYY-MM-DD 或 RFC 3339 时间）"),
        format!("invalid start: {shown} (expected YYYY-MM-DD or an RFC 3339 time)"),
    ))
}

fn deadline_error(e: deadline::DeadlineError) -> AppError {
    AppError::from(Refusal::from(e))
}

/// Compute a deadline under the tenant's profile and calendar (shared by the API and the rules page).
pub(crate) fn deadline_for(eff: &Effective<'_>, rule: &str, start: NaiveDateTime, direction: Direction, office_hours: Option<&str>) -> ApiResult<DeadlineView> {
    let rule = eff.procedure.get(rule.trim()).map_err(|e| AppError::from(Refusal::from(e)))?;
    let office = match office_hours.map(str::trim).filter(|s| !s.is_empty()) {
        Some(spec) if counts_working_time(rule) => Some(OfficeHours::parse(spec).map_err(deadline_error)?),
        Some(_) => {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "office_hours_not_applicable",
                format!("`{}` 不按工作小时或工作分钟计算，不需要办公时间", rule.key),
                format!("`{}` is not counted in working hours or minutes: office_hours does not apply", rule.key),
            ))
        }
        None => None,
    };
    let d: Deadline = match direction {
        Direction::After => deadline::deadline(&eff.calendar, office.as_ref(), rule, start),
        Direction::Before => deadline::latest_before(&eff.calendar, rule, start.date()),
    }
    .map_err(deadline_error)?;
    let (due, end_of_day) = match d.due {
        Due::EndOfDay(day) => (day.to_string(), true),
        Due::At(t) => (local_rfc3339(t), false),
    };
    Ok(DeadlineView {
        rule: d.rule.clone(),
        value: d.period.value,
        unit: d.period.unit.as_str().to_owned(),
        citation: d.citation.clone(),
        verified: d.verified,
        origin: rule.origin.clone(),
        override_citation: eff.override_citation(&rule.origin).map(str::to_owned),
        direction: direction.code().to_owned(),
        start: local_rfc3339(d.start),
        due,
        end_of_day,
        due_zh: d.due.zh(),
        due_en: d.due.en(),
        explanation_zh: d.explanation_zh,
        explanation_en: d.explanation_en,
        extensions: eff.procedure.extensions_of(&rule.key).iter().map(|r| r.key.clone()).collect(),
        pauses: eff.procedure.pauses_of(&rule.key).iter().map(|r| r.key.clone()).collect(),
    })
}

/// Compute a deadline: when the period a rule sets ends for a start event, with the rule's
/// citation and the reasoning in Chinese and English (start day not counted, working days per
/// the State Council notices, a period ending on a rest day moved to the next working day).
/// Computes only; nothing is recorded.
#[utoipa::path(post, path = "/api/v1/deadlines", request_body = DeadlineRequest,
    responses((status = 200, body = DeadlineView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn compute_deadline(ctx: Ctx, Json(r): Json<DeadlineRequest>) -> ApiResult<axum::Json<DeadlineView>> {
    let direction = Direction::parse(r.direction.as_deref())?;
    let start = parse_start(&r.start)?;
    let eff = effective(&ctx.state, &ctx.tenant_id).await?;
    deadline_for(&eff, &r.rule, start, direction, r.office_hours.as_deref()).map(axum::Json)
}

// ------------------------------------------------------------------ calendar page

pub struct Cell {
    pub date: String,
    pub day: u32,
    /// The day kind's code (`workday`, `weekend`, `holiday`, `makeup`, `local_rest`, `local_work`).
    pub class: &'static str,
    pub title: String,
    /// 休 / 班 for holidays and make-up days.
    pub mark: &'static str,
    pub today: bool,
}

pub struct Month {
    pub title: String,
    pub weeks: Vec<Vec<Option<Cell>>>,
}

pub struct DayRow {
    pub date: String,
    pub weekday: String,
    pub class: &'static str,
    pub kind: String,
    pub name: String,
    pub citation: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Lang,
    nav: Nav,
    year: i32,
    prev_href: String,
    next_href: String,
    covered: Vec<i32>,
    /// Set when the year has no data: the message naming it.
    missing: Option<String>,
    notice: Option<NoticeView>,
    amendments: Vec<NoticeView>,
    months: Vec<Month>,
    days: Vec<DayRow>,
    working_days: usize,
    rest_days: usize,
    weekdays: Vec<&'static str>,
}

async fn calendar_now() -> impl IntoResponse {
    Redirect::to(&format!("/calendar/{}", crate::services::today().year()))
}

fn kind_label(k: DayKind, l: Lang) -> &'static str {
    l.t(k.zh(), k.en())
}

async fn calendar_page(UiCtx(ctx): UiCtx, l: Lang, Path(year): Path<String>) -> UiResult {
    let year = parse_year(&year).map_err(UiErr)?;
    let eff = effective(&ctx.state, &ctx.tenant_id).await.map_err(UiErr)?;
    let cal = &*eff.calendar;
    let weekdays = match l {
        Lang::Zh => vec!["一", "二", "三", "四", "五", "六", "日"],
        Lang::En => vec!["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    };
    let mut p = CalendarPage {
        nav: nav(&ctx, l, "/calendar"),
        l,
        year,
        prev_href: format!("/calendar/{}", (year - 1).max(1)),
        next_href: format!("/calendar/{}", (year + 1).min(9999)),
        covered: cal.years().collect(),
        missing: None,
        notice: None,
        amendments: Vec::new(),
        months: Vec::new(),
        days: Vec::new(),
        working_days: 0,
        rest_days: 0,
        weekdays,
    };
    let days = match year_days(cal, year) {
        Ok(d) => d,
        Err(e) => {
            let msg = match l {
                Lang::Zh => e.message_zh(),
                Lang::En => e.to_string(),
            };
            p.missing = Some(msg);
            let mut r = page(p)?;
            *r.status_mut() = StatusCode::NOT_FOUND;
            return Ok(r);
        }
    };
    let view = calendar_view(cal, year).map_err(|e| UiErr(not_covered(cal, e.year, StatusCode::NOT_FOUND)))?;
    p.notice = Some(view.notice);
    p.amendments = view.amendments;
    p.working_days = view.working_days;
    p.rest_days = view.rest_days;
    let today = crate::services::today();
    for m in 1..=12u32 {
        let mut weeks: Vec<Vec<Option<Cell>>> = Vec::new();
        let mut week: Vec<Option<Cell>> = Vec::new();
        for d in days.iter().filter(|d| d.date.month() == m) {
            if week.is_empty() && weeks.is_empty() {
                week.extend((0..d.date.weekday().num_days_from_monday()).map(|_| None));
            }
            let name = d.name.map(|n| format!("{n} · ")).unwrap_or_default();
            week.push(Some(Cell {
                date: d.date.to_string(),
                day: d.date.day(),
                class: d.kind.code(),
                title: format!("{} {}{}", d.date, name, kind_label(d.kind, l)),
                mark: match d.kind {
                    DayKind::PublicHoliday | DayKind::LocalRestDay => l.t("休", "off"),
                    DayKind::MakeupWorkingDay | DayKind::LocalWorkingDay => l.t("班", "work"),
                    DayKind::WorkingDay | DayKind::Weekend => "",
                },
                today: d.date == today,
            }));
            if d.date.weekday() == Weekday::Sun {
                weeks.push(std::mem::take(&mut week));
            }
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(None);
            }
            weeks.push(week);
        }
        let title = match l {
            Lang::Zh => format!("{m}月"),
            Lang::En => NaiveDate::from_ymd_opt(year, m, 1).map(|d| d.format("%B").to_string()).unwrap_or_default(),
        };
        p.months.push(Month { title, weeks });
    }
    p.days = days
        .iter()
        .filter(|d| !matches!(d.kind, DayKind::WorkingDay | DayKind::Weekend))
        .map(|d| DayRow {
            date: d.date.to_string(),
            weekday: match l {
                Lang::Zh => zh_weekday(d.date).to_owned(),
                Lang::En => d.date.format("%a").to_string(),
            },
            class: d.kind.code(),
            kind: kind_label(d.kind, l).to_owned(),
            name: d.name.unwrap_or_default().to_owned(),
            citation: d.citation().unwrap_or_default(),
        })
        .collect();
    page(p)
}

// ------------------------------------------------------------------ the rules page's procedure section

/// The deadline form on `/rules` (GET, no JavaScript).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeadlineForm {
    pub rule: Option<String>,
    /// `YYYY-MM-DD`.
    pub start: Option<String>,
    /// `HH:MM`, optional (for periods in hours).
    pub time: Option<String>,
    pub direction: Option<String>,
    pub office_hours: Option<String>,
}

pub struct ProcedureRow {
    pub key: String,
    pub kind: String,
    /// `7个工作日`, or for an extension `延长至多30日 …`, for a pause its reason.
    pub value: String,
    pub unit: String,
    pub target: String,
    pub citation: String,
    pub verified: bool,
    pub note: String,
    /// The tenant overrode the national value: its overlay's name and its legal source.
    pub overridden: bool,
    pub origin: String,
    pub override_citation: String,
}

pub struct DeadlineResult {
    pub rule: String,
    pub due: String,
    pub explanation: String,
    pub citation: String,
    pub verified: bool,
    pub extensions: Vec<String>,
    pub pauses: Vec<String>,
}

/// What `/rules` shows of the procedural profile, and the deadline form with its result.
pub struct ProcedureSection {
    pub title: String,
    pub layers: String,
    /// The tenant's legal source for its procedure overlay, and for its local days.
    pub override_citation: Option<String>,
    pub local_days_citation: Option<String>,
    pub rows: Vec<ProcedureRow>,
    /// (key, label) of every period.
    pub periods: Vec<(String, String)>,
    /// Show the office-hours field (the profile has a rule in working hours or minutes).
    pub needs_office_hours: bool,
    pub f_rule: String,
    pub f_start: String,
    pub f_time: String,
    pub f_before: bool,
    pub f_office_hours: String,
    pub result: Option<DeadlineResult>,
    pub error: Option<String>,
    pub error_rule: Option<String>,
    pub status: StatusCode,
}

fn row(r: &Rule, l: Lang) -> ProcedureRow {
    let q = r.quantity();
    let text = |q: chengguan_domain::profile::Quantity| match l {
        Lang::Zh => q.unit.zh(q.value),
        Lang::En => q.unit.en(q.value),
    };
    let (kind, value, target) = match &r.kind {
        RuleKind::Value(q) => (if q.unit.is_period() { l.t("期限", "period") } else { l.t("数值", "value") }, text(*q), String::new()),
        RuleKind::Extension { extends, by, max_times, approval } => (
            l.t("延长", "extension"),
            match l {
                Lang::Zh => format!("延长至多{}，至多{}次，须{}", text(*by), max_times, approval),
                Lang::En => format!("by at most {}, at most {} time(s), approved by {}", text(*by), max_times, approval),
            },
            extends.clone(),
        ),
        RuleKind::Pause { pauses, reason } => (l.t("中止", "pause"), reason.clone(), pauses.clone()),
    };
    ProcedureRow {
        key: r.key.clone(),
        kind: kind.to_owned(),
        value,
        unit: q.map(|q| q.unit.as_str().to_owned()).unwrap_or_default(),
        target,
        citation: r.citation.clone(),
        verified: r.verified,
        note: r.note.clone().unwrap_or_default(),
        overridden: r.origin != "national",
        origin: r.origin.clone(),
        override_citation: String::new(),
    }
}

fn form_start(f: &DeadlineForm) -> ApiResult<NaiveDateTime> {
    let date = f.start.as_deref().unwrap_or("").trim();
    let start = parse_start(date)?;
    if date.contains('T') {
        return Ok(start);
    }
    match f.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(start),
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
            .map(|t| start.date().and_time(t))
            .map_err(|_| AppError::bad_request("invalid_time", format!("时间无效: {t}（应为 HH:MM）"), format!("invalid time: {t} (expected HH:MM)"))),
    }
}

/// The procedural profile as rows, and the deadline form's result when it was submitted.
pub(crate) fn procedure_section(eff: &Effective<'_>, l: Lang, f: DeadlineForm) -> ProcedureSection {
    let p: &ProcedureProfile = &eff.procedure;
    let periods = p
        .rules()
        .filter(|r| is_period_rule(r))
        .map(|r| {
            let q = r.quantity().expect("a period has a quantity");
            let text = match l {
                Lang::Zh => q.unit.zh(q.value),
                Lang::En => q.unit.en(q.value),
            };
            (r.key.clone(), format!("{} ({text})", r.key))
        })
        .collect();
    let mut s = ProcedureSection {
        title: p.title.clone(),
        layers: p.layers.join(" + "),
        override_citation: eff.procedure_override.as_ref().map(|o| o.citation.clone()),
        local_days_citation: eff.local_days_override.as_ref().map(|o| o.citation.clone()),
        rows: p
            .rules()
            .map(|r| {
                let mut row = row(r, l);
                row.override_citation = eff.override_citation(&r.origin).unwrap_or_default().to_owned();
                row
            })
            .collect(),
        periods,
        needs_office_hours: p.rules().any(counts_working_time),
        f_rule: f.rule.clone().unwrap_or_default(),
        f_start: f.start.clone().unwrap_or_default(),
        f_time: f.time.clone().unwrap_or_default(),
        f_before: f.direction.as_deref() == Some("before"),
        f_office_hours: f.office_hours.clone().unwrap_or_default(),
        result: None,
        error: None,
        error_rule: None,
        status: StatusCode::OK,
    };
    let submitted = f.rule.as_deref().is_some_and(|r| !r.trim().is_empty()) || f.start.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !submitted {
        return s;
    }
    let computed = (|| {
        if f.rule.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(AppError::bad_request("missing_rule", "请选择规则", "choose a rule"));
        }
        let direction = Direction::parse(f.direction.as_deref())?;
        let start = form_start(&f)?;
        deadline_for(eff, f.rule.as_deref().unwrap_or(""), start, direction, f.office_hours.as_deref())
    })();
    match computed {
        Ok(d) => {
            s.result = Some(DeadlineResult {
                rule: d.rule,
                due: match l {
                    Lang::Zh => d.due_zh,
                    Lang::En => d.due_en,
                },
                explanation: match l {
                    Lang::Zh => d.explanation_zh,
                    Lang::En => d.explanation_en,
                },
                citation: d.citation,
                verified: d.verified,
                extensions: d.extensions,
                pauses: d.pauses,
            })
        }
        Err(e) => {
            s.error = Some(l.t(&e.message_zh, &e.message_en).to_owned());
            s.error_rule = e.rule.clone();
            s.status = e.status;
        }
    }
    s
}
