//! Pages for orders to correct, compulsory measures, demolition, off-site enforcement and
//! non-coercive outcomes (zh-CN first, English second; no JavaScript, phone-sized): the board
//! (open orders, measures approaching their limit, demolitions by stage, captures awaiting
//! review), lists, the forms that create records, the record page with its deadlines and
//! citations, custody log, timeline and one form per command the viewer may issue, and the
//! party's public look-up page (APL art. 41). Forms post typed fields (`s:`, `o:`, `l:`, `d:`, …)
//! turned into JSON by `cases_ui::form_json`; the services in `enforcement` decide.

use crate::auth::Ctx;
use crate::cases_ui::form_json;
use crate::enforcement::{self as svc, Command, RecordView};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::{nav, page, Nav, UiCtx, UiErr, UiResult};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::Action;
use serde::Deserialize;
use serde_json::Value;

pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/enforcement", get(board_page))
        .route("/enforcement/list/{kind}", get(list_page))
        .route("/enforcement/new/{form}", get(form_page).post(form_submit))
        .route("/enforcement/records/{id}", get(record_page))
        .route("/enforcement/records/{id}/commands", post(command_submit))
        .route("/offsite", get(public_page))
        .route("/offsite/statement", post(public_statement))
}

type Fields = Vec<(String, String)>;

fn parse_form(ctx: &Ctx, body: &Bytes) -> Result<Fields, AppError> {
    let f: Fields =
        serde_urlencoded::from_bytes(body).map_err(|e| AppError::bad_request("invalid_form", format!("表单无效: {e}"), format!("invalid form: {e}")))?;
    ctx.check_csrf(&first(&f, "_csrf"))?;
    Ok(f)
}

fn first(f: &Fields, k: &str) -> String {
    f.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v)
        .map_err(|e| AppError::bad_request("invalid_form", format!("表单内容有误: {e}"), format!("the form is incomplete or invalid: {e}")))
}

pub struct ErrorView {
    message: String,
    rule: Option<String>,
}

fn error_view(e: &AppError, l: Lang) -> ErrorView {
    ErrorView { message: l.t(&e.message_zh, &e.message_en).to_owned(), rule: e.rule.clone() }
}

pub fn command_label(name: &str) -> (&'static str, &'static str) {
    match name {
        "reinspect" => ("复查", "Re-inspect"),
        "report" => ("负责人补办批准（紧急措施）", "Head's approval of an emergency measure"),
        "extend" => ("延长期限（负责人批准）", "Extend the period (head)"),
        "pause" => ("检测、鉴定期间（不计入）", "Testing period (not counted)"),
        "custody" => ("保管记录", "Custody entry"),
        "release" => ("解除", "Release"),
        "conclude" => ("作出处理决定", "Decide on the property"),
        "remedy" => ("记录复议/诉讼", "Record review or lawsuit"),
        "remedy_result" => ("记录复议/诉讼结果", "Record the review/lawsuit result"),
        "self_demolished" => ("当事人已自行拆除", "Party demolished it"),
        "force" => ("强制拆除", "Forced demolition"),
        "review" => ("审核记录", "Review the record"),
        "use" => ("作为证据用于案件", "Use as evidence in a case"),
        _ => ("", ""),
    }
}

pub fn kind_en(kind: &str) -> &'static str {
    match kind {
        "order_to_correct" => "Orders to correct",
        "compulsory_measure" => "Sealing / seizure",
        "demolition" => "Demolition",
        "offsite_device" => "Off-site devices",
        "offsite_capture" => "Off-site records",
        "noncoercive_outcome" => "Non-coercive outcomes",
        _ => "",
    }
}

pub struct Row {
    id: String,
    title: String,
    unit: String,
    state: String,
    state_zh: String,
    due: String,
    warning: String,
    case_id: String,
}

fn title_of(v: &RecordView) -> String {
    let d = &v.data;
    let s = |k: &str| d[k].as_str().unwrap_or("").to_owned();
    match v.kind.as_str() {
        "order_to_correct" => s("violation"),
        "compulsory_measure" => format!("{} · {}", if d["kind"] == "seal_up" { "查封" } else { "扣押" }, s("place")),
        "demolition" => format!("{} · {}", s("structure"), s("location")),
        "offsite_device" => format!("{} · {}", s("code"), s("location")),
        "offsite_capture" => format!("{} · {}", s("device_code"), s("description")),
        "noncoercive_outcome" => s("summary"),
        _ => v.id.clone(),
    }
}

fn row(v: &RecordView) -> Row {
    Row {
        id: v.id.clone(),
        title: title_of(v),
        unit: v.unit_name.clone(),
        state: v.state.clone(),
        state_zh: v.state_zh.clone(),
        due: v.due.clone().unwrap_or_default(),
        warning: v.warning.clone(),
        case_id: v.case_id.clone().unwrap_or_default(),
    }
}

// ------------------------------------------------------------------------------------ board

#[derive(Template)]
#[template(path = "enforcement_board.html")]
struct BoardPage {
    l: Lang,
    nav: Nav,
    orders: Vec<Row>,
    measures: Vec<Row>,
    demolitions: Vec<(String, Vec<Row>)>,
    captures: Vec<Row>,
    counts: Vec<(String, i64)>,
    kinds: Vec<(String, String)>,
    can_handle: bool,
    can_devices: bool,
}

async fn board_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let b = svc::board(&ctx).await?;
    let demolitions = chengguan_domain::enforcement::demolition::Stage::ALL
        .iter()
        .map(|s| (l.t(s.zh(), s.code()).to_owned(), b.demolitions.get(s.code()).map(|v| v.iter().map(row).collect()).unwrap_or_default()))
        .collect();
    page(BoardPage {
        l,
        nav: nav(&ctx, l, "/enforcement"),
        orders: b.open_orders.iter().map(row).collect(),
        measures: b.measures.iter().map(row).collect(),
        demolitions,
        captures: b.captures_pending.iter().map(row).collect(),
        counts: b.outcome_counts.into_iter().collect(),
        kinds: svc::KINDS.iter().map(|k| ((*k).to_owned(), l.t(svc::kind_zh(k), kind_en(k)).to_owned())).collect(),
        can_handle: ctx.can(Action::HandleEnforcement, None),
        can_devices: ctx.can(Action::ManageDevices, None),
    })
}

#[derive(Template)]
#[template(path = "enforcement_list.html")]
struct ListPage {
    l: Lang,
    nav: Nav,
    kind: String,
    title: String,
    rows: Vec<Row>,
}

async fn list_page(UiCtx(ctx): UiCtx, l: Lang, Path(kind): Path<String>) -> UiResult {
    let rows = svc::list(&ctx, &svc::ListQuery { kind: kind.clone(), unit_id: None, state: None }).await?;
    page(ListPage {
        l,
        nav: nav(&ctx, l, "/enforcement"),
        title: l.t(svc::kind_zh(&kind), kind_en(&kind)).to_owned(),
        kind,
        rows: rows.iter().map(row).collect(),
    })
}

// ------------------------------------------------------------------------------------ forms

#[derive(Template)]
#[template(path = "enforcement_form.html")]
struct FormPage {
    l: Lang,
    nav: Nav,
    form: String,
    title: String,
    units: Vec<(String, String)>,
    devices: Vec<(String, String)>,
    error: Option<ErrorView>,
    posted: Fields,
    today: String,
    now: String,
    case_id: String,
    slots: Vec<String>,
}

impl FormPage {
    fn val(&self, k: &str, d: &str) -> String {
        if self.posted.is_empty() {
            d.to_owned()
        } else {
            first(&self.posted, k)
        }
    }
}

fn form_title(form: &str) -> Option<(&'static str, &'static str)> {
    Some(match form {
        "order" => ("责令改正", "Order to correct"),
        "measure" => ("实施查封、扣押", "Seal up or seize"),
        "demolition" => ("限期拆除决定与公告", "Demolition order and notice"),
        "device" => ("登记非现场执法设备", "Register an off-site device"),
        "capture" => ("录入非现场执法记录", "Record an off-site capture"),
        "outcome" => ("记录非强制性执法方式", "Record a non-coercive outcome"),
        _ => return None,
    })
}

#[derive(Debug, Default, Deserialize)]
struct FormQuery {
    case_id: Option<String>,
}

async fn render_form(ctx: &Ctx, l: Lang, form: &str, error: Option<ErrorView>, posted: Fields, case_id: String) -> UiResult {
    let (zh, en) = form_title(form).ok_or_else(|| AppError::not_found("表单", "form"))?;
    let action = if form == "device" { Action::ManageDevices } else { Action::HandleEnforcement };
    ctx.require(action, None)?;
    let mut units: Vec<(String, String)> = ctx
        .state
        .policy
        .visible_units(&ctx.grants, action, &ctx.org)
        .into_iter()
        .filter_map(|u| ctx.org.get(&u).map(|x| (x.id.clone(), x.name.clone())))
        .collect();
    units.sort();
    let devices = if form == "capture" {
        svc::list(ctx, &svc::ListQuery { kind: "offsite_device".into(), unit_id: None, state: Some("active".into()) })
            .await
            .unwrap_or_default()
            .iter()
            .map(|d| (d.id.clone(), title_of(d)))
            .collect()
    } else {
        Vec::new()
    };
    let now = ctx.state.clock.now();
    page(FormPage {
        l,
        nav: nav(ctx, l, "/enforcement"),
        form: form.to_owned(),
        title: l.t(zh, en).to_owned(),
        units,
        devices,
        error,
        posted,
        today: now.date().to_string(),
        now: now.format("%Y-%m-%dT%H:%M").to_string(),
        case_id,
        slots: (0..3).map(|i| i.to_string()).collect(),
    })
}

async fn form_page(UiCtx(ctx): UiCtx, l: Lang, Path(form): Path<String>, crate::extract::Query(q): crate::extract::Query<FormQuery>) -> UiResult {
    render_form(&ctx, l, &form, None, Vec::new(), q.case_id.unwrap_or_default()).await
}

async fn create(ctx: &Ctx, form: &str, f: &Fields) -> Result<svc::Written, AppError> {
    let v = form_json(f)?;
    match form {
        "order" => svc::issue_order(ctx, from_json(v)?).await,
        "measure" => svc::impose(ctx, from_json(v)?).await,
        "demolition" => svc::order_demolition(ctx, from_json(v)?).await,
        "device" => svc::register_device(ctx, from_json(v)?).await,
        "capture" => svc::record_capture(ctx, from_json(v)?).await,
        "outcome" => svc::record_outcome(ctx, from_json(v)?).await,
        _ => Err(AppError::not_found("表单", "form")),
    }
}

async fn form_submit(UiCtx(ctx): UiCtx, l: Lang, Path(form): Path<String>, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    match create(&ctx, &form, &f).await {
        Ok(w) => {
            let mut to = format!("/enforcement/records/{}?done=created", w.record.id);
            if let Some(code) = w.lookup_code {
                to.push_str(&format!("&code={code}"));
            }
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => {
            let status = e.status;
            let case_id = first(&f, "s:case_id");
            let mut r = render_form(&ctx, l, &form, Some(error_view(&e, l)), f, case_id).await?;
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

// ------------------------------------------------------------------------------------ record page

pub struct Fact {
    label: String,
    value: String,
}

pub struct DeadlineRow {
    label: String,
    due: String,
    citation: String,
    explanation: String,
    warning: String,
}

pub struct LogRow {
    event: String,
    at: String,
    location: String,
    holder: String,
    condition: String,
    photos: usize,
}

pub struct ItemRow {
    n: i64,
    name: String,
    quantity: String,
    accounted: bool,
    log: Vec<LogRow>,
}

pub struct ActRow {
    kind: String,
    at: String,
    actor: String,
    note: String,
}

#[derive(Template)]
#[template(path = "enforcement_record.html")]
struct RecordPage {
    l: Lang,
    nav: Nav,
    r: RecordView,
    title: String,
    party: String,
    facts: Vec<Fact>,
    deadlines: Vec<DeadlineRow>,
    items: Vec<ItemRow>,
    acts: Vec<ActRow>,
    commands: Vec<(String, String)>,
    done: String,
    code: String,
    error: Option<ErrorView>,
    failed: String,
    posted: Fields,
    today: String,
}

impl RecordPage {
    fn val(&self, c: &str, k: &str, d: &str) -> String {
        if self.failed == c {
            first(&self.posted, k)
        } else {
            d.to_owned()
        }
    }
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(x) => x.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Array(a) => a.iter().map(s).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// A nested field's name, zh / en.
fn key_label(k: &str, l: Lang) -> String {
    let (zh, en) = match k {
        "approved" => ("批准", "approved"),
        "by_account" => ("账号", "account"),
        "by_person" => ("人员", "person"),
        "by" => ("审核人", "by"),
        "on" => ("日期", "on"),
        "at" => ("时间", "at"),
        "reference" => ("文号", "reference"),
        "opinion" => ("意见", "opinion"),
        "accepted" => ("通过", "accepted"),
        "note" => ("意见", "note"),
        "officers" => ("人员", "officers"),
        "corrected" => ("已改正", "corrected"),
        "finding" => ("情况", "finding"),
        "files" => ("文件", "files"),
        "plan" => ("方案", "plan"),
        "video" => ("视频", "video"),
        "cost_fen" => ("费用（分）", "cost (fen)"),
        "cost_note" => ("费用说明", "cost record"),
        "days" => ("天数", "days"),
        "reason" => ("理由", "reason"),
        "notice_served_on" => ("书面告知日期", "notice served on"),
        "approval" => ("批准", "approval"),
        _ => return k.to_owned(),
    };
    l.t(zh, en).to_owned()
}

fn facts_of(v: &RecordView, l: Lang) -> (Vec<Fact>, Vec<DeadlineRow>, Vec<ItemRow>) {
    let d = &v.data;
    let fields: &[(&str, &str, &str)] = match v.kind.as_str() {
        "order_to_correct" => &[
            ("item_code", "权责事项", "Power item"),
            ("violation", "违法行为", "Violation"),
            ("requirement", "改正要求", "Requirement"),
            ("issued_on", "责令日期", "Issued on"),
            ("lead_ref", "线索编号", "Lead"),
        ],
        "compulsory_measure" => &[
            ("kind", "措施", "Measure"),
            ("item_code", "权责事项", "Power item"),
            ("authorised_by", "授权依据", "Authorised by"),
            ("emergency", "紧急实施", "Emergency"),
            ("officers", "执法人员", "Officers"),
            ("place", "地点", "Place"),
            ("reason", "理由", "Reason"),
            ("decision_ref", "决定书文号", "Decision"),
            ("list_delivered", "清单（一式二份）已交付", "List delivered"),
            ("witness", "见证人", "Witness"),
            ("release_reason", "解除理由", "Release reason"),
        ],
        "demolition" => &[
            ("structure", "违法建筑物、构筑物、设施", "Structure"),
            ("location", "位置", "Location"),
            ("order_ref", "限期拆除决定书", "Order"),
            ("served_on", "送达日期", "Served on"),
            ("notice_published_on", "公告日期", "Announced on"),
            ("notice_place", "公告地点", "Announced at"),
        ],
        "offsite_device" => &[
            ("code", "设备编号", "Code"),
            ("device_kind", "类型", "Kind"),
            ("location", "设置地点", "Location"),
            ("location_published_on", "地点公布日期", "Published on"),
            ("published_where", "公布途径", "Published at"),
        ],
        "offsite_capture" => &[
            ("device_code", "设备", "Device"),
            ("location", "地点", "Location"),
            ("captured_at", "记录时间", "Captured at"),
            ("description", "违法事实", "Facts"),
            ("item_code", "权责事项", "Power item"),
            ("subject_ref", "车辆/商户", "Subject"),
            ("files", "文件 SHA-256", "Files (SHA-256)"),
            ("used_in", "已用于案件", "Used in cases"),
        ],
        "noncoercive_outcome" => &[("kind", "方式", "Kind"), ("on", "日期", "Date"), ("summary", "内容", "Summary"), ("lead_ref", "线索编号", "Lead")],
        _ => &[],
    };
    let mut facts: Vec<Fact> =
        fields.iter().filter(|(k, _, _)| !s(&d[*k]).is_empty()).map(|(k, zh, en)| Fact { label: l.t(zh, en).to_owned(), value: s(&d[*k]) }).collect();
    for (k, zh, en) in [
        ("approval", "批准", "Approval"),
        ("review", "审核", "Review"),
        ("reinspection", "复查", "Re-inspection"),
        ("forced", "强制拆除记录", "Forced demolition"),
        ("extension", "延长", "Extension"),
    ] {
        if let Some(o) = d[k].as_object() {
            let text = o
                .iter()
                .filter(|(_, x)| !s(x).is_empty())
                .map(|(a, x)| {
                    let value = match x.as_object() {
                        Some(inner) => {
                            inner.iter().filter(|(_, y)| !s(y).is_empty()).map(|(b, y)| format!("{} {}", key_label(b, l), s(y))).collect::<Vec<_>>().join("，")
                        }
                        None => s(x),
                    };
                    format!("{}: {value}", key_label(a, l))
                })
                .collect::<Vec<_>>()
                .join("；");
            facts.push(Fact { label: l.t(zh, en).to_owned(), value: text });
        }
    }
    for (k, zh, en) in [("legal_review", "法制审核", "Legal review"), ("technical_review", "技术审核", "Technical review")] {
        if let Some(o) = d[k].as_object() {
            facts.push(Fact { label: l.t(zh, en).to_owned(), value: o.values().map(s).collect::<Vec<_>>().join(" · ") });
        }
    }
    for (k, zh, en) in
        [("remedies", "复议/诉讼", "Review / lawsuit"), ("pauses", "检测鉴定期间", "Testing periods"), ("statements", "当事人陈述申辩", "Party's statements")]
    {
        if let Some(a) = d[k].as_array().filter(|a| !a.is_empty()) {
            let text = a
                .iter()
                .map(|x| x.as_object().map(|o| o.values().map(s).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ")).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("；");
            facts.push(Fact { label: l.t(zh, en).to_owned(), value: text });
        }
    }
    let mut deadlines = Vec::new();
    for (k, zh, en) in [
        ("deadline", "期限", "Deadline"),
        ("report_due", "紧急措施报告期限", "Emergency report due"),
        ("self_deadline", "当事人自行拆除期限", "Party's own period"),
        ("review_deadline", "申请行政复议期限", "Review period"),
        ("lawsuit_deadline", "提起行政诉讼期限", "Litigation period"),
    ] {
        if let Some(o) = d[k].as_object() {
            let due = o.get("due").map(s).unwrap_or_default();
            let over = v.due.as_deref() == Some(due.as_str());
            deadlines.push(DeadlineRow {
                label: l.t(zh, en).to_owned(),
                due,
                citation: o.get("citation").map(s).unwrap_or_default(),
                explanation: o.get(if l == Lang::En { "explanation_en" } else { "explanation_zh" }).map(s).unwrap_or_default(),
                warning: if over { v.warning.clone() } else { String::new() },
            });
        }
    }
    let items = d["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    let log: Vec<LogRow> = i["custody"]
                        .as_array()
                        .map(|c| {
                            c.iter()
                                .map(|e| LogRow {
                                    event: s(&e["event"]),
                                    at: s(&e["at"]),
                                    location: s(&e["location"]),
                                    holder: s(&e["holder"]),
                                    condition: s(&e["condition"]),
                                    photos: e["photos"].as_array().map(|p| p.len()).unwrap_or(0),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    ItemRow {
                        n: i["n"].as_i64().unwrap_or(0),
                        name: s(&i["name"]),
                        quantity: s(&i["quantity"]),
                        accounted: log.last().is_some_and(|e| matches!(e.event.as_str(), "returned" | "confiscated" | "destroyed")),
                        log,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    (facts, deadlines, items)
}

#[derive(Debug, Default, Deserialize)]
struct RecordQuery {
    done: Option<String>,
    code: Option<String>,
}

async fn render_record(ctx: &Ctx, l: Lang, id: &str, q: RecordQuery, error: Option<ErrorView>, failed: String, posted: Fields) -> UiResult {
    let r = svc::detail(ctx, id).await?;
    let (facts, deadlines, items) = facts_of(&r, l);
    let acts = r.data["acts"]
        .as_array()
        .map(|a| a.iter().map(|x| ActRow { kind: s(&x["kind"]), at: s(&x["at"]), actor: s(&x["actor_account"]), note: s(&x["note"]) }).collect())
        .unwrap_or_default();
    let commands = r
        .commands
        .iter()
        .map(|c| {
            let (zh, en) = command_label(c);
            (c.clone(), l.t(zh, en).to_owned())
        })
        .collect();
    let party = s(&r.party["name"]);
    page(RecordPage {
        l,
        nav: nav(ctx, l, "/enforcement"),
        title: title_of(&r),
        party,
        facts,
        deadlines,
        items,
        acts,
        commands,
        done: q.done.unwrap_or_default(),
        code: q.code.unwrap_or_default(),
        error,
        failed,
        posted,
        today: ctx.state.clock.now().date().to_string(),
        r,
    })
}

async fn record_page(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>, crate::extract::Query(q): crate::extract::Query<RecordQuery>) -> UiResult {
    render_record(&ctx, l, &id, q, None, String::new(), Vec::new()).await
}

async fn command_submit(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let name = first(&f, "command");
    let attempt = async {
        let mut v = form_json(&f)?;
        v["command"] = Value::String(name.clone());
        let cmd: Command = from_json(v)?;
        svc::command(&ctx, &id, cmd).await
    }
    .await;
    match attempt {
        Ok(_) => Ok(Redirect::to(&format!("/enforcement/records/{id}?done={name}")).into_response()),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => {
            let status = e.status;
            let mut r = render_record(&ctx, l, &id, RecordQuery::default(), Some(error_view(&e, l)), name, f).await?;
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

// ------------------------------------------------------------------------------------ public

#[derive(Template)]
#[template(path = "enforcement_public.html")]
struct PublicPage {
    l: Lang,
    code: String,
    record: Option<svc::PublicCapture>,
    error: Option<ErrorView>,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
struct PublicQuery {
    code: Option<String>,
    done: Option<String>,
}

async fn public_page(State(s): State<crate::AppState>, l: Lang, crate::extract::Query(q): crate::extract::Query<PublicQuery>) -> UiResult {
    let code = q.code.unwrap_or_default().trim().to_owned();
    let (record, error) = if code.is_empty() {
        (None, None)
    } else {
        match svc::public_capture(&s, &code).await {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(error_view(&e, l))),
        }
    };
    let mut r = page(PublicPage { l, code, record, error, done: q.done.is_some() })?;
    r.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(r)
}

async fn public_statement(State(s): State<crate::AppState>, l: Lang, body: Bytes) -> UiResult {
    let f: Fields =
        serde_urlencoded::from_bytes(&body).map_err(|e| AppError::bad_request("invalid_form", format!("表单无效: {e}"), format!("invalid form: {e}")))?;
    let code = first(&f, "code");
    match svc::public_statement(&s, &code, &first(&f, "text")).await {
        Ok(_) => Ok(Redirect::to(&format!("/offsite?code={code}&done=1")).into_response()),
        Err(e) => {
            let status = e.status;
            let record = svc::public_capture(&s, &code).await.ok();
            let mut r = page(PublicPage { l, code, record, error: Some(error_view(&e, l)), done: false })?;
            *r.status_mut() = status;
            Ok(r)
        }
    }
}
