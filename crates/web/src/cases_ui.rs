//! 网上办案 pages (zh-CN first, English second; no JavaScript): the case list with filters, the
//! registration form, the case page (gate and what is missing, deadlines with countdown and
//! citation, the timeline with each act's record entry, document numbers, evidence, and one form
//! per command the viewer may issue now), the approver's inbox, deadline warnings and the
//! interference records. Every form posts with the CSRF field; the services in `cases` decide.
//!
//! Command forms name their fields by type and JSON path (`s:finding`, `d:served_on`,
//! `l:handlers`, `b:review.procedure`, …); `form_json` turns them into the JSON serde expects for
//! a `Command` (or a `Registration`), so the forms carry no rules of their own.

use crate::auth::Ctx;
use crate::cases::{self, CaseQuery, InterferenceInput};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::{nav, page, Nav, UiCtx, UiErr, UiResult};
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chengguan_domain::auth::{Action, Role};
use chengguan_domain::case::{Case, CaseRules, Command, Registration, ServiceMethod, State};
use chengguan_domain::org::OrgUnit;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/cases", get(list_page))
        .route("/cases/new", get(new_page).post(new_submit))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/commands", post(command_submit))
        .route("/case-inbox", get(inbox_page))
        .route("/case-warnings", get(warnings_page))
        .route("/interference", get(interference_page).post(interference_submit))
        .route("/interference/{id}/acknowledge", post(interference_ack))
}

// ------------------------------------------------------------------------------------ labels

/// A command's (or act's) name, zh / en.
pub fn command_label(name: &str) -> (&'static str, &'static str) {
    match name {
        "register" => ("登记案源", "Register the lead"),
        "record_check" => ("记录核查意见", "Record the check"),
        "propose_filing" => ("提请立案", "Propose filing"),
        "propose_disposal" => ("提请不予立案或移送", "Propose declining or transfer"),
        "approve" => ("审批同意", "Approve"),
        "reject" => ("审批退回", "Reject"),
        "assign_handlers" => ("指派承办人", "Assign handlers"),
        "request_recusal" => ("申请回避", "Request recusal"),
        "decide_recusal" => ("决定回避", "Decide recusal"),
        "add_evidence" => ("调查取证", "Add evidence"),
        "request_preservation" => ("申请先行登记保存", "Request evidence preservation"),
        "decide_preservation" => ("先行登记保存处理决定", "Decide on preserved evidence"),
        "request_assistance" => ("发函请求协助", "Request assistance"),
        "answer_assistance" => ("记录协助答复", "Record the answer to a request"),
        "confirm_address" => ("送达地址确认", "Confirm the service address"),
        "submit_report" => ("提交调查终结报告", "Submit the investigation report"),
        "propose_notice" => ("提请事先告知审批", "Propose the prior notice"),
        "serve_notice" => ("送达事先告知书", "Serve the prior notice"),
        "record_statement" => ("记录陈述申辩", "Record a statement"),
        "waive_statement" => ("记录放弃陈述申辩", "Record a waiver of statement"),
        "request_hearing" => ("记录听证申请", "Record a hearing request"),
        "schedule_hearing" => ("安排听证", "Schedule the hearing"),
        "record_hearing" => ("记录听证", "Record the hearing"),
        "record_discussion" => ("记录集体讨论", "Record the collective discussion"),
        "propose_decision" => ("提请处罚决定审批", "Propose the decision"),
        "serve" => ("送达决定书", "Serve the decision"),
        "notify_informant" => ("告知投诉举报人", "Tell the complainant"),
        "request_suspension" => ("申请中止", "Request suspension"),
        "resume" => ("恢复办理", "Resume"),
        "request_extension" => ("申请延长办案期限", "Request an extension"),
        "request_termination" => ("申请终止", "Request termination"),
        "request_transfer_out" => ("申请移送", "Request transfer out"),
        "void_number" => ("作废文号", "Void a document number"),
        "record_payment" => ("登记缴款", "Record a payment"),
        "apply_deferral" => ("登记暂缓或分期缴纳申请", "Record a deferral application"),
        "decide_deferral" => ("审批暂缓或分期缴纳", "Decide on the deferral"),
        "serve_reminder" => ("送达催告书", "Serve the reminder"),
        "apply_to_court" => ("申请人民法院强制执行", "Apply to the court"),
        "record_court_outcome" => ("记录法院裁定", "Record the court's ruling"),
        "record_remedy" => ("登记行政复议或诉讼", "Record a review or lawsuit"),
        "record_remedy_outcome" => ("记录复议或诉讼结果", "Record the review or lawsuit outcome"),
        "publish_decision" => ("登记公开处罚决定", "Record the publication"),
        "withdraw_publication" => ("撤回公开", "Withdraw the publication"),
        "conclude_accountability" => ("执法过错责任追究结论", "Conclude the accountability review"),
        "propose_closing" => ("提请结案", "Propose closing"),
        "archive" => ("归档", "Archive"),
        "lend_file" => ("借阅登记", "Lend the file"),
        "return_file" => ("归还登记", "Return the file"),
        "review_file" => ("案卷评查", "Review the case file"),
        "decide_on_the_spot" => ("当场作出行政处罚决定", "Decide on the spot"),
        "file_with_unit" => ("报所属行政机关备案", "File with the unit"),
        "collect_on_spot" => ("当场收缴罚款", "Collect the fine on the spot"),
        "deposit_to_unit" => ("罚款交至行政机关", "Hand the money to the unit"),
        "deposit_to_bank" => ("罚款缴付银行", "Pay the money into the bank"),
        _ => ("", ""),
    }
}

fn label_of(name: &str, l: Lang) -> String {
    let (zh, en) = command_label(name);
    if zh.is_empty() {
        name.to_owned()
    } else {
        l.t(zh, en).to_owned()
    }
}

/// Field names of forms and act data, zh / en.
fn field_label(key: &str) -> (&'static str, &'static str) {
    match key {
        "finding" => ("核查意见", "finding"),
        "violation_found" => ("发现违法行为", "violation found"),
        "cause_code" => ("案由（权责事项）", "cause (power item)"),
        "party" => ("当事人", "party"),
        "kind" => ("种类", "kind"),
        "name" => ("名称", "name"),
        "violation_on" => ("违法行为发生日期", "violation date"),
        "violation_ended_on" => ("违法行为终了日期", "violation ended on"),
        "extended_limitation" => ("五年追责期限", "five-year limitation"),
        "handlers" => ("承办人", "handlers"),
        "previous" => ("原承办人", "previous handlers"),
        "facts" => ("事实", "facts"),
        "reason" => ("理由", "reason"),
        "outcome" => ("处理结果", "outcome"),
        "receiving_body" => ("接收机关", "receiving body"),
        "guidance" => ("教育指导", "guidance"),
        "opinion" => ("意见", "opinion"),
        "review" => ("法制审核", "legal review"),
        "conclusion" => ("结论", "conclusion"),
        "person_id" => ("人员", "person"),
        "applicant" => ("申请人", "applicant"),
        "index" => ("序号", "index"),
        "accepted" => ("采纳", "accepted"),
        "evidence" => ("证据", "evidence"),
        "title" => ("标题", "title"),
        "content" => ("内容", "content"),
        "officers" => ("执法人员", "officers"),
        "collected_at" => ("取证时间", "collected at"),
        "place" => ("地点", "place"),
        "interviewee" => ("被询问人", "interviewee"),
        "witness" => ("见证人", "witness"),
        "party_present" => ("当事人在场", "party present"),
        "items" => ("物品", "items"),
        "department" => ("协助部门", "department"),
        "request" => ("请求事项", "request"),
        "sent_on" => ("发函日期", "sent on"),
        "answer" => ("答复", "answer"),
        "received_on" => ("收到日期", "received on"),
        "address" => ("送达地址", "address"),
        "signed_on" => ("签署日期", "signed on"),
        "findings" => ("调查认定的事实", "findings"),
        "evidence_summary" => ("证据", "evidence"),
        "provisions" => ("适用的法律条款", "provisions"),
        "proposal" => ("处理意见", "proposal"),
        "fine_yuan" => ("罚款（元）", "fine (yuan)"),
        "penalties" => ("处罚种类", "penalties"),
        "quantity" => ("数量", "quantity"),
        "harm" => ("危害后果", "harm"),
        "major_grounds" => ("重大案件情形", "major grounds"),
        "reason_outside_range" => ("超出裁量幅度的理由", "reason outside the range"),
        "served_on" => ("送达日期", "served on"),
        "method" => ("方式", "method"),
        "number" => ("文号", "number"),
        "on" => ("日期", "date"),
        "signed" => ("当事人签字", "signed"),
        "reasons" => ("采纳与否的理由", "reasons"),
        "at" => ("时间", "time"),
        "host" => ("主持人", "host"),
        "members" => ("听证员", "members"),
        "recorder" => ("记录人", "recorder"),
        "public" => ("公开举行", "public"),
        "notice_served_on" => ("听证通知送达日期", "notice served on"),
        "result" => ("结果", "result"),
        "transcript" => ("听证笔录", "transcript"),
        "host_opinion" => ("主持人意见", "host's opinion"),
        "held_on" => ("举行日期", "held on"),
        "chair" => ("主持人", "chair"),
        "attendees" => ("出席人员", "attendees"),
        "opinions" => ("讨论意见", "opinions"),
        "reasoned_text" => ("说理内容", "reasoned text"),
        "answers_to_statement" => ("对陈述申辩的回应", "answers to the statement"),
        "served_at" => ("送达时间", "served at"),
        "recipient" => ("受送达人", "recipient"),
        "document" => ("文书", "document"),
        "pause_rule" => ("中止依据", "pause rule"),
        "extension_rule" => ("延长依据", "extension rule"),
        "number_id" => ("文号", "number"),
        "rendered" => ("文号", "number"),
        "id_number" => ("证件号码", "ID number"),
        "phone" => ("联系电话", "phone"),
        "representative" => ("法定代表人", "representative"),
        "postcode" => ("邮政编码", "postcode"),
        "electronic_consent" => ("同意电子送达", "consents to electronic service"),
        "electronic_address" => ("电子送达地址", "electronic address"),
        "files" => ("文件", "files"),
        "refused_to_sign" => ("拒绝签字", "refused to sign"),
        "reviewed" => ("已审核", "reviewed"),
        "certified_on" => ("核对日期", "certified on"),
        "certified_by" => ("核对人", "certified by"),
        "confiscation_yuan" => ("没收金额（元）", "confiscation (yuan)"),
        "no_penalty_ground" => ("不予处罚情形", "no-penalty ground"),
        "education" => ("教育情况", "education"),
        "order_to_correct" => ("责令改正", "order to correct"),
        "complex" => ("情节复杂", "complex"),
        "subject_and_authority" => ("主体和权限", "subject and authority"),
        "officer_qualification" => ("人员资格", "officers' qualification"),
        "procedure" => ("程序", "procedure"),
        "facts_and_evidence" => ("事实证据", "facts and evidence"),
        "legal_basis_and_discretion" => ("依据和裁量", "basis and discretion"),
        "documents" => ("文书", "documents"),
        "judiciary_transfer_needed" => ("须移送司法", "judiciary transfer needed"),
        "age" => ("年龄", "age"),
        "first_offence" => ("初次违法", "first offence"),
        "minor" => ("违法行为轻微", "minor"),
        "corrected_in_time" => ("及时改正", "corrected in time"),
        "repeat_offences" => ("此前同类违法次数", "earlier violations"),
        "duration_minutes" => ("持续时间（分钟）", "duration (minutes)"),
        "base_value_fen" => ("计算基数（分）", "base value (fen)"),
        "unit_id" => ("机构", "unit"),
        "source" => ("来源", "source"),
        "source_ref" => ("来源编号", "source reference"),
        "lead_on" => ("线索日期", "lead date"),
        "informant" => ("举报人", "informant"),
        "latest_notice_day" => ("最迟通知日", "latest notice day"),
        "suspended_from" => ("中止日期", "suspended from"),
        _ => ("", ""),
    }
}

fn field_name(key: &str, l: Lang) -> String {
    let (zh, en) = field_label(key);
    if zh.is_empty() {
        key.to_owned()
    } else {
        l.t(zh, en).to_owned()
    }
}

fn state_label(code: &str, l: Lang) -> String {
    State::parse(code).map(|s| l.t(s.zh(), s.en()).to_owned()).unwrap_or_else(|| code.to_owned())
}

const SOURCES: [(&str, &str, &str); 5] = [
    ("patrol", "巡查发现", "patrol"),
    ("complaint", "投诉举报", "complaint"),
    ("transfer_in", "部门移送", "transfer from another department"),
    ("assignment", "上级交办", "assigned from above"),
    ("grid_issue", "数字城管案件转办", "digital urban-management issue"),
];

const EVIDENCE_KINDS: [(&str, &str, &str); 9] = [
    ("site_inspection", "现场检查（勘验）笔录", "site-inspection record"),
    ("interview", "询问笔录", "interview record"),
    ("photo", "照片", "photos"),
    ("audio_video", "视听资料", "audio / video"),
    ("document", "书证", "documents"),
    ("certified_copy", "复制件（经核对与原件无异）", "certified copy"),
    ("sampling", "抽样取证", "sampling"),
    ("appraisal", "鉴定意见", "appraisal"),
    ("electronic_monitoring", "电子技术监控记录", "electronic monitoring"),
];

const DOCUMENTS: [(&str, &str, &str); 16] = [
    ("filing", "立案审批表", "filing form"),
    ("decline", "不予立案审批表", "declining form"),
    ("transfer", "案件移送函", "transfer letter"),
    ("prior_notice", "行政处罚事先告知书", "prior notice"),
    ("hearing_notice", "听证通知书", "hearing notice"),
    ("decision", "行政处罚决定书", "penalty decision"),
    ("no_penalty", "不予行政处罚决定书", "no-penalty decision"),
    ("judiciary_transfer", "涉嫌犯罪案件移送书", "judicial transfer"),
    ("preservation", "先行登记保存通知书", "preservation notice"),
    ("preservation_decision", "先行登记保存处理决定书", "preservation decision"),
    ("assistance", "协助调查函", "request for assistance"),
    ("case", "案件编号", "case number"),
    ("reminder", "催告书", "reminder"),
    ("court_application", "强制执行申请书", "court application"),
    ("archive", "档案号", "archive number"),
    ("on_the_spot_decision", "当场行政处罚决定书", "on-the-spot decision"),
];

const SERVICE_METHODS: [(ServiceMethod, &str, &str); 7] = [
    (ServiceMethod::InPerson, "in_person", "in person"),
    (ServiceMethod::LeftAtAddress, "left_at_address", "left at the address"),
    (ServiceMethod::Post, "post", "by post"),
    (ServiceMethod::Entrusted, "entrusted", "entrusted"),
    (ServiceMethod::Forwarded, "forwarded", "forwarded"),
    (ServiceMethod::Electronic, "electronic", "electronic"),
    (ServiceMethod::PublicNotice, "public_notice", "public notice"),
];

fn lookup(table: &[(&str, &'static str, &'static str)], code: &str, l: Lang) -> String {
    table.iter().find(|(c, _, _)| *c == code).map(|(_, zh, en)| l.t(zh, en).to_owned()).unwrap_or_else(|| code.to_owned())
}

fn opts(table: &[(&str, &str, &str)], l: Lang) -> Vec<(String, String)> {
    table.iter().map(|(c, zh, en)| ((*c).to_owned(), l.t(zh, en).to_owned())).collect()
}

// ------------------------------------------------------------------------------------ form → JSON

/// Form fields as posted (repeated keys kept).
pub(crate) type Fields = Vec<(String, String)>;

pub(crate) fn parse_form(ctx: &Ctx, body: &Bytes) -> Result<Fields, AppError> {
    let f: Fields =
        serde_urlencoded::from_bytes(body).map_err(|e| AppError::bad_request("invalid_form", format!("表单无效: {e}"), format!("invalid form: {e}")))?;
    ctx.check_csrf(&first(&f, "_csrf"))?;
    Ok(f)
}

/// The idempotency key a form carries (`_key`, one per rendered page): a double submission — a
/// second tap on a slow phone, a resent form — is answered with the first result instead of
/// being applied twice (`cases::command`). Anything but 1–200 visible ASCII characters is ignored.
pub(crate) fn form_key(f: &Fields) -> Option<String> {
    Some(first(f, "_key")).filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()))
}

/// A form sent again from an old page with other content (the back button) reuses its key: say so
/// in words a user can act on.
pub(crate) fn stale_form(e: AppError) -> AppError {
    if e.code == "idempotency_key_reused" {
        AppError::new(e.status, "stale_form", "该表单已经提交过：请刷新页面后再操作", "this form was already submitted: reload the page and try again")
    } else {
        e
    }
}

/// A fresh key for a form being rendered.
pub(crate) fn new_form_key() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

pub(crate) fn first(f: &Fields, k: &str) -> String {
    f.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

fn invalid(zh: String, en: String) -> AppError {
    AppError::bad_request("invalid_form", zh, en)
}

/// Sets `v` at a dotted path (numeric segments index arrays).
fn set_path(root: &mut Value, path: &[&str], v: Value) {
    let Some((head, rest)) = path.split_first() else {
        *root = v;
        return;
    };
    if let Ok(i) = head.parse::<usize>() {
        if !root.is_array() {
            *root = Value::Array(Vec::new());
        }
        let a = root.as_array_mut().expect("array");
        while a.len() <= i {
            a.push(Value::Null);
        }
        set_path(&mut a[i], rest, v);
    } else {
        if !root.is_object() {
            *root = Value::Object(Map::new());
        }
        let o = root.as_object_mut().expect("object");
        set_path(o.entry(head.to_string()).or_insert(Value::Null), rest, v);
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(blank),
        Value::Number(_) => false,
    }
}

/// Drops rows of object lists that were left empty and optional objects nobody filled in.
fn prune(v: &mut Value) {
    match v {
        Value::Array(a) => {
            for x in a.iter_mut() {
                prune(x);
            }
            a.retain(|x| !(x.is_null() || x.is_object() && blank(x)));
        }
        Value::Object(o) => {
            for x in o.values_mut() {
                prune(x);
            }
            o.retain(|_, x| !(x.is_object() && x.as_object().is_some_and(|m| m.is_empty())));
        }
        _ => {}
    }
}

/// Turns typed form fields into JSON: `s:` text, `o:` optional text (left out when empty), `b:`
/// checkbox (a hidden `0` and a checkbox `1`), `n:` whole number, `fen:` yuan amount stored as
/// fen, `d:` date, `dt:` date and time (datetime-local), `l:` list (several fields or comma
/// separated). Fields without a prefix (`_csrf`, `command`) are not part of the value.
pub fn form_json(f: &Fields) -> Result<Value, AppError> {
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in f {
        if k.contains(':') && !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let mut root = Value::Object(Map::new());
    for key in keys {
        let (ty, path) = key.split_once(':').expect("has a colon");
        let values: Vec<&str> = f.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect();
        let one = values.iter().map(|v| v.trim()).find(|v| !v.is_empty()).unwrap_or("");
        let name = path.rsplit('.').next().unwrap_or(path);
        let what = |l: Lang| field_name(name, l);
        let v = match ty {
            "s" => Some(Value::String(values.first().map(|v| v.trim()).unwrap_or("").to_owned())),
            "o" => (!one.is_empty()).then(|| Value::String(one.to_owned())),
            "b" => Some(Value::Bool(values.iter().any(|v| *v == "1" || *v == "on" || *v == "true"))),
            "n" if one.is_empty() => None,
            "n" => {
                let n =
                    one.parse::<i64>().map_err(|_| invalid(format!("“{}”须为整数", what(Lang::Zh)), format!("{} must be a whole number", what(Lang::En))))?;
                Some(Value::from(n))
            }
            "fen" if one.is_empty() => None,
            "fen" => {
                let y = one
                    .parse::<f64>()
                    .ok()
                    .filter(|y| y.is_finite() && *y >= 0.0)
                    .ok_or_else(|| invalid(format!("“{}”须为金额（元）", what(Lang::Zh)), format!("{} must be an amount in yuan", what(Lang::En))))?;
                Some(Value::from((y * 100.0).round() as i64))
            }
            "d" if one.is_empty() => None,
            "d" => {
                NaiveDate::parse_from_str(one, "%Y-%m-%d")
                    .map_err(|_| invalid(format!("“{}”不是有效日期: {one}", what(Lang::Zh)), format!("{} is not a valid date: {one}", what(Lang::En))))?;
                Some(Value::String(one.to_owned()))
            }
            "dt" if one.is_empty() => None,
            "dt" => {
                let s = if one.len() == 16 { format!("{one}:00") } else { one.to_owned() };
                NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S")
                    .map_err(|_| invalid(format!("“{}”不是有效时间: {one}", what(Lang::Zh)), format!("{} is not a valid time: {one}", what(Lang::En))))?;
                Some(Value::String(s))
            }
            "l" => {
                let mut out: Vec<Value> = Vec::new();
                for v in &values {
                    for part in v.split([',', '，', '、', ';', '；', '\n', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
                        let part = Value::String(part.to_owned());
                        if !out.contains(&part) {
                            out.push(part);
                        }
                    }
                }
                Some(Value::Array(out))
            }
            _ => return Err(invalid(format!("表单字段无效: {key}"), format!("invalid form field: {key}"))),
        };
        if let Some(v) = v {
            let segs: Vec<&str> = path.split('.').collect();
            set_path(&mut root, &segs, v);
        }
    }
    prune(&mut root);
    Ok(root)
}

/// serde's complaint about a form, in words a user can act on.
pub(crate) fn serde_problem(e: serde_json::Error) -> AppError {
    let m = e.to_string();
    if let Some(f) = m.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return invalid(format!("请填写“{}”", field_name(f, Lang::Zh)), format!("please fill in: {}", field_name(f, Lang::En)));
    }
    invalid(format!("表单内容有误: {m}"), format!("the form is incomplete or invalid: {m}"))
}

pub fn command_of(name: &str, f: &Fields) -> Result<Command, AppError> {
    if !Command::NAMES.contains(&name) {
        return Err(invalid(format!("没有该操作: {name}"), format!("no such command: {name}")));
    }
    let mut v = form_json(f)?;
    v.as_object_mut().expect("object").insert("command".into(), Value::String(name.to_owned()));
    serde_json::from_value::<Command>(v).map_err(serde_problem)
}

// ------------------------------------------------------------------------------------ shared bits

pub(crate) struct PersonChoice {
    pub(crate) id: String,
    pub(crate) label: String,
}

/// People a form may name: active, established people of the units the viewer sees cases of.
pub(crate) async fn people_choices(ctx: &Ctx) -> Result<(Vec<PersonChoice>, BTreeMap<String, String>), AppError> {
    let people = ctx.state.store.people(&ctx.tenant_id).await?;
    let names: BTreeMap<String, String> = people.iter().map(|p| (p.id.clone(), p.name.clone())).collect();
    let visible = ctx.state.policy.visible_units(&ctx.grants, Action::ViewCase, &ctx.org);
    let mut v: Vec<(String, String, PersonChoice)> = people
        .iter()
        .filter(|p| visible.contains(&p.org_unit_id) && p.staffing.is_established() && p.status != chengguan_domain::people::PersonStatus::Inactive)
        .map(|p| {
            let unit = ctx.org.get(&p.org_unit_id);
            let code = unit.map(|u| u.code.clone()).unwrap_or_default();
            let uname = unit.map(|u| u.name.clone()).unwrap_or_default();
            (code, p.name.clone(), PersonChoice { id: p.id.clone(), label: format!("{}（{}）", p.name, uname) })
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok((v.into_iter().map(|x| x.2).collect(), names))
}

pub(crate) fn units_for(ctx: &Ctx, action: Action) -> Vec<(String, String)> {
    let visible = ctx.state.policy.visible_units(&ctx.grants, action, &ctx.org);
    let mut v: Vec<&OrgUnit> = ctx.org.units().filter(|u| visible.contains(&u.id) && u.active).collect();
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v.into_iter().map(|u| (u.id.clone(), u.name.clone())).collect()
}

pub(crate) fn with_status(r: UiResult, status: StatusCode) -> UiResult {
    let mut r = r?;
    *r.status_mut() = status;
    Ok(r)
}

/// An error shown on the page it happened on: the message and the rule that refused.
pub(crate) struct ErrorView {
    pub(crate) message: String,
    pub(crate) rule: Option<String>,
}

pub(crate) fn error_view(e: &AppError, l: Lang) -> ErrorView {
    ErrorView { message: l.t(&e.message_zh, &e.message_en).to_owned(), rule: e.rule.clone() }
}

// ------------------------------------------------------------------------------------ flash

/// What the case page says after a command went through (kept in a short-lived cookie, so a
/// reload does not repeat the command).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Flash {
    pub(crate) done_zh: String,
    pub(crate) done_en: String,
    pub(crate) warnings: Vec<(String, String)>,
}

const FLASH: &str = "cg_flash";

fn flash_cookie(ctx: &Ctx, path: &str, f: Option<&Flash>) -> String {
    let secure = if ctx.state.secure_cookies { "; Secure" } else { "" };
    match f {
        Some(f) => {
            let v = hex::encode(serde_json::to_vec(f).unwrap_or_default());
            format!("{FLASH}={v}; Path={path}; HttpOnly; SameSite=Lax; Max-Age=120{secure}")
        }
        None => format!("{FLASH}=; Path={path}; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

fn read_flash(headers: &HeaderMap) -> Option<Flash> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == FLASH && !v.is_empty())
        .and_then(|(_, v)| hex::decode(v).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
}

pub(crate) fn redirect_with_flash(ctx: &Ctx, to: &str, f: &Flash) -> Response {
    ([(header::SET_COOKIE, flash_cookie(ctx, to, Some(f)))], Redirect::to(to)).into_response()
}

// ------------------------------------------------------------------------------------ list

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListForm {
    state: Option<String>,
    unit_id: Option<String>,
    handler_id: Option<String>,
    cause_code: Option<String>,
    overdue: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl ListForm {
    fn number(v: &Option<String>, what: &str) -> Result<Option<u32>, AppError> {
        some(v)
            .map(|s| s.parse::<u32>().map_err(|_| AppError::bad_request("invalid_query", format!("{what} 须为整数"), format!("{what} must be a whole number"))))
            .transpose()
    }
    fn query(&self, me: Option<&str>) -> Result<CaseQuery, AppError> {
        let handler = match some(&self.handler_id).as_deref() {
            Some("me") => me.map(str::to_owned).or(Some(String::new())),
            other => other.map(str::to_owned),
        };
        Ok(CaseQuery {
            state: some(&self.state),
            unit_id: some(&self.unit_id),
            handler_id: handler,
            cause_code: some(&self.cause_code),
            overdue: some(&self.overdue).map(|v| v != "false" && v != "0"),
            offset: Self::number(&self.offset, "offset")?,
            limit: Self::number(&self.limit, "limit")?.or(Some(20)),
        })
    }
    fn href(&self, offset: usize) -> String {
        let mut q: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("state", &self.state),
            ("unit_id", &self.unit_id),
            ("handler_id", &self.handler_id),
            ("cause_code", &self.cause_code),
            ("overdue", &self.overdue),
            ("limit", &self.limit),
        ] {
            if let Some(v) = some(v) {
                q.push((k, v));
            }
        }
        q.push(("offset", offset.to_string()));
        format!("/cases?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    }
}

struct CaseRow {
    id: String,
    title: String,
    state: String,
    state_code: String,
    unit: String,
    cause: String,
    party: String,
    handlers: String,
    lead_on: String,
    filed_on: String,
    major: bool,
}

#[derive(Template)]
#[template(path = "case_list.html")]
struct ListPage {
    l: Lang,
    nav: Nav,
    f: ListForm,
    rows: Vec<CaseRow>,
    total: usize,
    from: usize,
    to: usize,
    prev: Option<String>,
    next: Option<String>,
    states: Vec<(String, String)>,
    units: Vec<(String, String)>,
    people: Vec<PersonChoice>,
    can_register: bool,
}

impl ListPage {
    fn is(&self, v: &Option<String>, x: &str) -> bool {
        v.as_deref() == Some(x)
    }
}

async fn list_page(UiCtx(ctx): UiCtx, l: Lang, crate::extract::Query(f): crate::extract::Query<ListForm>) -> UiResult {
    let q = f.query(ctx.account.person_id.as_deref())?;
    let p = cases::list(&ctx, &q).await?;
    let (people, names) = people_choices(&ctx).await?;
    let rows = p
        .items
        .iter()
        .map(|c| CaseRow {
            id: c.id.clone(),
            title: c.title.clone(),
            state: state_label(&c.state, l),
            state_code: c.state.clone(),
            unit: c.unit_name.clone(),
            cause: c.cause_code.clone().unwrap_or_default(),
            party: c.party_name.clone().unwrap_or_default(),
            handlers: c.handler_ids.iter().map(|h| names.get(h).cloned().unwrap_or_else(|| h.clone())).collect::<Vec<_>>().join("、"),
            lead_on: c.lead_on.clone(),
            filed_on: c.filed_on.clone().unwrap_or_default(),
            major: c.major,
        })
        .collect::<Vec<_>>();
    let prev = (p.offset > 0).then(|| f.href(p.offset.saturating_sub(p.limit)));
    let next = (p.offset + p.limit < p.total).then(|| f.href(p.offset + p.limit));
    page(ListPage {
        nav: nav(&ctx, l, "/cases"),
        from: if rows.is_empty() { 0 } else { p.offset + 1 },
        to: p.offset + rows.len(),
        total: p.total,
        rows,
        prev,
        next,
        states: State::ALL.iter().map(|s| (s.code().to_owned(), l.t(s.zh(), s.en()).to_owned())).collect(),
        units: units_for(&ctx, Action::ViewCase),
        people,
        can_register: ctx.can(Action::HandleCase, None),
        l,
        f,
    })
}

// ------------------------------------------------------------------------------------ register

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewPage {
    l: Lang,
    nav: Nav,
    units: Vec<(String, String)>,
    sources: Vec<(String, String)>,
    today: String,
    default_unit: String,
    posted: Fields,
    error: Option<ErrorView>,
    form_key: String,
}

impl NewPage {
    fn val(&self, k: &str, d: &str) -> String {
        if self.posted.is_empty() {
            d.to_owned()
        } else {
            first(&self.posted, k)
        }
    }
}

async fn new_form(ctx: &Ctx, l: Lang, posted: Fields, error: Option<ErrorView>) -> UiResult {
    ctx.require(Action::HandleCase, None)?;
    let units = units_for(ctx, Action::HandleCase);
    let mine = match &ctx.account.person_id {
        Some(p) => ctx.state.store.person(&ctx.tenant_id, p).await.map_err(AppError::from)?.map(|p| p.org_unit_id),
        None => None,
    };
    let default_unit = mine.filter(|u| units.iter().any(|(id, _)| id == u)).unwrap_or_default();
    page(NewPage {
        nav: nav(ctx, l, "/cases"),
        units,
        sources: opts(&SOURCES, l),
        today: ctx.state.clock.now().date().to_string(),
        default_unit,
        posted,
        error,
        form_key: new_form_key(),
        l,
    })
}

async fn new_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    new_form(&ctx, l, Vec::new(), None).await
}

async fn new_submit(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let attempt = async {
        let v = form_json(&f)?;
        let reg: Registration = serde_json::from_value(v).map_err(serde_problem)?;
        cases::register(&ctx, reg, form_key(&f)).await.map_err(stale_form)
    }
    .await;
    match attempt {
        Ok(r) => {
            let mut flash = Flash { done_zh: "已登记案源".into(), done_en: "The lead is registered".into(), warnings: Vec::new() };
            flash.warnings = r.warnings.iter().map(|w| (w.message_zh.clone(), w.message_en.clone())).collect();
            Ok(redirect_with_flash(&ctx, &format!("/cases/{}", r.case_id), &flash))
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => with_status(new_form(&ctx, l, f, Some(error_view(&e, l))).await, e.status),
    }
}

// ------------------------------------------------------------------------------------ case page

struct Fact {
    label: String,
    value: String,
}

struct DeadlineRow {
    label: String,
    rule: String,
    due: String,
    countdown: String,
    class: &'static str,
    status: String,
    citation: String,
    verified: bool,
    explanation: String,
}

struct StepRow {
    role: String,
    opinion: String,
    done: bool,
}

struct SubmissionRow {
    act: String,
    status: String,
    status_code: String,
    by: String,
    at: String,
    steps: Vec<StepRow>,
}

struct ActRow {
    n: i64,
    kind: String,
    kind_code: String,
    actor: String,
    at: String,
    verify: Option<String>,
    data: Vec<Fact>,
    files: Vec<String>,
}

struct NumberRow {
    id: String,
    rendered: String,
    document: String,
    status: String,
    issued_at: String,
}

struct EvidenceRow {
    act: u32,
    kind: String,
    title: String,
    files: Vec<String>,
}

#[derive(Template)]
#[template(path = "case_page.html")]
struct CasePage {
    l: Lang,
    nav: Nav,
    id: String,
    title: String,
    state: String,
    state_code: String,
    version: i64,
    facts: Vec<Fact>,
    gate: String,
    missing: Vec<String>,
    party: Vec<Fact>,
    /// The viewer may show the party's data unmasked (a recorded read).
    can_reveal: bool,
    deadlines: Vec<DeadlineRow>,
    submissions: Vec<SubmissionRow>,
    timeline: Vec<ActRow>,
    numbers: Vec<NumberRow>,
    evidence: Vec<EvidenceRow>,
    commands: Vec<String>,
    flash: Option<Flash>,
    error: Option<ErrorView>,
    failed: String,
    posted: Fields,
    // what the forms offer
    today: String,
    now: String,
    cause_code: String,
    lead_on: String,
    party_kind: String,
    handlers: Vec<String>,
    me: String,
    unit_people: Vec<PersonChoice>,
    people: Vec<PersonChoice>,
    handler_choices: Vec<PersonChoice>,
    reviewer_step: bool,
    recusals: Vec<(usize, String)>,
    assistance: Vec<(usize, String)>,
    preservations: Vec<(usize, String)>,
    issued: Vec<(String, String)>,
    pause_rules: Vec<(String, String)>,
    extension_rules: Vec<(String, String)>,
    evidence_kinds: Vec<(String, String)>,
    service_methods: Vec<(String, String)>,
    can_report: bool,
    reported: bool,
    exec: Option<crate::execution_ui::ExecPanel>,
    exec_choices: crate::execution_ui::ExecChoices,
    /// Idempotency key of this rendering's forms (`form_key`).
    form_key: String,
}

/// Commands whose forms are open on arrival (the procedure's next step); the others fold away.
const PRIMARY: [&str; 20] = [
    "approve",
    "reject",
    "record_check",
    "propose_filing",
    "add_evidence",
    "submit_report",
    "propose_notice",
    "serve_notice",
    "waive_statement",
    "record_statement",
    "schedule_hearing",
    "record_hearing",
    "record_discussion",
    "propose_decision",
    "serve",
    "record_payment",
    "decide_deferral",
    "propose_closing",
    "archive",
    "review_file",
];

impl CasePage {
    fn has(&self, c: &str) -> bool {
        self.commands.iter().any(|x| x == c)
    }
    fn open(&self, c: &str) -> bool {
        self.failed == c || PRIMARY.contains(&c)
    }
    fn title_of(&self, c: &str) -> String {
        label_of(c, self.l)
    }
    /// The value a field shows: what was posted when this form was refused, else the default.
    fn val(&self, c: &str, k: &str, d: &str) -> String {
        if self.failed == c {
            self.posted.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
        } else {
            d.to_owned()
        }
    }
    /// Whether checkbox `v` of field `k` is ticked: as posted when this form was refused, else
    /// the default (`d` non-empty).
    fn sel(&self, c: &str, k: &str, v: &str, d: &str) -> bool {
        if self.failed == c {
            self.posted.iter().any(|(n, x)| n == k && x == v)
        } else {
            !d.is_empty()
        }
    }
    fn on(&self, c: &str, k: &str, d: &str) -> bool {
        self.sel(c, k, "1", d)
    }
    /// Whether option `v` of a select is chosen (`d` is the default value).
    fn chosen(&self, c: &str, k: &str, v: &str, d: &str) -> bool {
        if self.failed == c {
            self.posted.iter().find(|(n, _)| n == k).is_some_and(|(_, x)| x == v)
        } else {
            v == d
        }
    }
    /// A handler checkbox: as posted, else the viewer (`me`) or the current handlers (`handlers`).
    fn hsel(&self, c: &str, k: &str, mode: &str, id: &str) -> bool {
        if self.failed == c {
            return self.posted.iter().any(|(n, x)| n == k && x == id);
        }
        match mode {
            "me" => self.me == id,
            "handlers" => self.handlers.iter().any(|h| h == id),
            _ => false,
        }
    }
    fn fid(&self, c: &str, k: &str) -> String {
        format!("f-{c}-{}", k.replace([':', '.'], "-"))
    }
}

struct PageInput {
    flash: Option<Flash>,
    error: Option<ErrorView>,
    failed: String,
    posted: Fields,
    reported: bool,
    reveal: bool,
}

/// A coded value of act data in words (party kind, source, outcome …); other values as they are.
fn value_text(key: &str, v: &str, ctx: &Ctx, l: Lang) -> Option<String> {
    let t = |zh: &str, en: &str| Some(l.t(zh, en).to_owned());
    match (key, v) {
        ("kind", "person") => t("个人", "person"),
        ("kind", "organisation") => t("单位", "organisation"),
        ("kind", k) => EVIDENCE_KINDS.iter().any(|(c, _, _)| *c == k).then(|| lookup(&EVIDENCE_KINDS, k, l)),
        ("source", s) => Some(lookup(&SOURCES, s, l)),
        ("party", "individual") => t("个人", "individual"),
        ("party", "organisation") => t("单位", "organisation"),
        ("unit_id", u) => ctx.org.get(u).map(|u| u.name.clone()),
        ("outcome" | "conclusion", "penalty") => t("给予行政处罚", "penalty"),
        ("outcome" | "conclusion", "no_penalty") => t("不予行政处罚", "no penalty"),
        ("outcome" | "conclusion", "judiciary") => t("移送司法机关", "to the judiciary"),
        ("outcome", "decline") => t("不予立案", "decline"),
        ("outcome", "transfer") => t("移送", "transfer"),
        ("outcome", "no_case") => t("不予立案并教育指导", "no case, with guidance"),
        ("conclusion", "agree") => t("同意", "agree"),
        ("conclusion", "amend") => t("修改后同意", "agree after amendment"),
        ("conclusion", "disagree") => t("不同意", "disagree"),
        ("harm", "none") => t("无", "none"),
        ("harm", "minor") => t("轻微", "minor"),
        ("harm", "moderate") => t("一般", "moderate"),
        ("harm", "serious") => t("严重", "serious"),
        ("applicant", "party") => t("当事人", "the party"),
        ("applicant", "self") => t("本人", "the officer"),
        ("result", "held") => t("已举行", "held"),
        ("result", "waived") => t("视为放弃", "waived"),
        ("method", m) => SERVICE_METHODS.iter().find(|(_, c, _)| *c == m).map(|(x, _, en)| l.t(x.zh(), en).to_owned()),
        ("penalties", p) => [
            ("warning", "警告", "warning"),
            ("fine", "罚款", "fine"),
            ("confiscate_illegal_gains", "没收违法所得", "confiscation of illegal gains"),
            ("confiscate_illegal_property", "没收非法财物", "confiscation of illegal property"),
            ("suspend_licence", "暂扣许可证件", "suspension of licence"),
            ("suspend_business", "责令停产停业", "suspension of business"),
            ("revoke_licence", "吊销许可证件", "revocation of licence"),
            ("closure", "责令关闭", "closure"),
        ]
        .iter()
        .find(|(c, _, _)| *c == p)
        .map(|(_, zh, en)| l.t(zh, en).to_owned()),
        _ => None,
    }
}

/// An act's key data as label–value pairs (personal data stays out: the acts hold placeholders).
fn data_facts(v: &Value, names: &BTreeMap<String, String>, ctx: &Ctx, l: Lang) -> Vec<Fact> {
    fn scalar(key: &str, v: &Value, names: &BTreeMap<String, String>, ctx: &Ctx, l: Lang) -> Option<String> {
        let s = match v {
            Value::Null => return None,
            Value::Bool(b) => l.t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" }).to_owned(),
            Value::Number(n) => n.to_string(),
            Value::String(s) if s.trim().is_empty() || s.starts_with("（见案件") => return None,
            Value::String(s) => value_text(key, s, ctx, l).or_else(|| names.get(s).cloned()).unwrap_or_else(|| s.clone()),
            Value::Array(a) => {
                let parts: Vec<String> = a.iter().filter_map(|x| if x.is_object() { Some(x.to_string()) } else { scalar(key, x, names, ctx, l) }).collect();
                if parts.is_empty() {
                    return None;
                }
                parts.join("、")
            }
            Value::Object(o) if o.is_empty() => return None,
            Value::Object(_) => v.to_string(),
        };
        let mut s = s;
        if s.chars().count() > 160 {
            s = s.chars().take(160).collect::<String>() + "…";
        }
        Some(s)
    }
    let mut out = Vec::new();
    let Some(o) = v.as_object() else { return out };
    for (k, x) in o {
        if k == "command" {
            continue;
        }
        match x {
            Value::Object(inner) => {
                // Unticked flags of a nested object (the discretion facts, the review checks) say nothing.
                let group = if k == "facts" { l.t("裁量情节", "facts for discretion").to_owned() } else { field_name(k, l) };
                for (k2, y) in inner.iter().filter(|(k2, y)| **y != Value::Bool(false) && !(k2.as_str() == "party" && y.as_str() == Some("any"))) {
                    if let Some(s) = scalar(k2, y, names, ctx, l) {
                        out.push(Fact { label: format!("{group} · {}", field_name(k2, l)), value: s });
                    }
                }
            }
            _ => {
                if let Some(s) = scalar(k, x, names, ctx, l) {
                    out.push(Fact { label: field_name(k, l), value: s });
                }
            }
        }
    }
    out
}

async fn render_case(ctx: &Ctx, l: Lang, id: &str, input: PageInput) -> UiResult {
    let d = cases::detail(ctx, id, input.reveal).await?;
    let can_reveal = !input.reveal && ctx.can(Action::ViewPersonalData, Some(&d.summary.unit_id));
    let c: Case = serde_json::from_value(d.case.clone())
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("案件数据无法读取: {e}"), format!("case data unreadable: {e}")))?;
    let (people, names) = people_choices(ctx).await?;
    let accounts: BTreeMap<String, String> =
        ctx.state.store.accounts(&ctx.tenant_id).await.map_err(AppError::from)?.into_iter().map(|a| (a.id, a.username)).collect();
    let code = ctx.state.store.tenant(&ctx.tenant_id).await.map_err(AppError::from)?.map(|t| t.code).unwrap_or_default();
    let now = ctx.state.clock.now();
    let name_of = |p: &str| names.get(p).cloned().unwrap_or_else(|| p.to_owned());
    let s = &d.summary;

    let mut facts = vec![
        Fact { label: l.t("案件编号", "Case id").into(), value: s.id.clone() },
        Fact { label: l.t("承办机构", "Unit").into(), value: s.unit_name.clone() },
        Fact { label: l.t("执法主体", "Enforcement subject").into(), value: ctx.org.get(&c.subject_unit_id).map(|u| u.name.clone()).unwrap_or_default() },
        Fact {
            label: l.t("案件来源", "Source").into(),
            value: lookup(&SOURCES, serde_json::to_value(c.source).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default().as_str(), l),
        },
        Fact { label: l.t("线索日期", "Lead date").into(), value: c.lead_on.to_string() },
        Fact {
            label: l.t("案由", "Cause").into(),
            value: match (&c.cause_code, &c.cause_name) {
                (Some(code), Some(n)) => format!("{code} {n}"),
                (Some(code), None) => code.clone(),
                _ => "—".into(),
            },
        },
        Fact {
            label: l.t("承办人", "Handlers").into(),
            value: if c.handlers.is_empty() { "—".into() } else { c.handlers.iter().map(|h| name_of(h)).collect::<Vec<_>>().join("、") },
        },
    ];
    if let Some(v) = c.violation_on {
        facts.push(Fact { label: l.t("违法行为发生日期", "Violation date").into(), value: v.to_string() });
    }
    if let Some(v) = c.limitation_until {
        facts.push(Fact { label: l.t("追责期限至", "Limitation until").into(), value: v.to_string() });
    }
    if let Some(v) = c.filed_on {
        facts.push(Fact { label: l.t("立案日期", "Filed on").into(), value: v.to_string() });
    }
    if let Some(f) = &c.check_finding {
        facts.push(Fact { label: l.t("核查意见", "Check finding").into(), value: f.clone() });
    }
    if !c.major_grounds.is_empty() {
        let rules = CaseRules::national();
        let g: Vec<String> = c.major_grounds.iter().map(|g| rules.major_ground(g).map(|m| l.t(&m.zh, &m.en).to_owned()).unwrap_or_else(|| g.clone())).collect();
        facts.push(Fact { label: l.t("重大执法决定", "Major case").into(), value: g.join("；") });
    }
    if let Some(r) = &c.report {
        let mut v = l.t(r.proposal.outcome.zh(), &format!("{:?}", r.proposal.outcome)).to_owned();
        if !r.proposal.penalties.is_empty() {
            v.push_str(&format!("：{}", r.proposal.penalties.iter().map(|p| l.t(p.zh(), p.en())).collect::<Vec<_>>().join("、")));
        }
        if let Some(y) = r.proposal.fine_yuan {
            v.push_str(&format!(" {y} {}", l.t("元", "yuan")));
        }
        if let Some(a) = &r.assessment {
            v.push_str(&format!("（{}）", l.t(a.tier.zh(), a.tier.en())));
        }
        facts.push(Fact { label: l.t("处理意见", "Proposal").into(), value: v });
    }
    if let Some(n) = &c.notice {
        facts.push(Fact {
            label: l.t("事先告知", "Prior notice").into(),
            value: format!("{} · {} {} · {} {}", n.number, l.t("送达", "served"), n.served_on, l.t("陈述申辩期限至", "statement until"), n.statement_due),
        });
    }
    if let Some(w) = c.waiver {
        facts.push(Fact { label: l.t("放弃陈述申辩", "Statement waived").into(), value: w.to_string() });
    }
    if let Some(dn) = &c.decision {
        facts.push(Fact { label: l.t("处罚决定", "Decision").into(), value: format!("{} · {}", dn.number, dn.decided_on) });
    }
    if let Some(sv) = &c.service {
        facts.push(Fact {
            label: l.t("送达", "Service").into(),
            value: format!(
                "{} · {} · {}",
                SERVICE_METHODS.iter().find(|(m, _, _)| *m == sv.method).map(|(m, _, en)| l.t(m.zh(), en)).unwrap_or(""),
                sv.served_at.format("%Y-%m-%d %H:%M"),
                sv.recipient
            ),
        });
    }
    if let Some(r) = &c.end_reason {
        facts.push(Fact { label: l.t("办结理由", "Reason for ending").into(), value: r.clone() });
    }

    let p = &d.party;
    let mut party = Vec::new();
    let ptext = |k: &str| p.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(k) = ptext("kind") {
        party.push(Fact {
            label: l.t("类型", "Kind").into(), value: if k == "person" { l.t("个人", "person") } else { l.t("单位", "organisation") }.into()
        });
    }
    for (k, zh, en) in [
        ("name", "名称/姓名", "Name"),
        ("id_number", "身份证号码/统一社会信用代码", "ID number"),
        ("phone", "联系电话", "Phone"),
        ("address", "住所/地址", "Address"),
        ("representative", "法定代表人", "Representative"),
    ] {
        if let Some(v) = ptext(k) {
            party.push(Fact { label: l.t(zh, en).into(), value: v });
        }
    }

    let deadlines = d
        .deadlines
        .iter()
        .map(|x| {
            let open = x.status == "open";
            let (countdown, class) = if !open || x.due.is_empty() {
                (String::new(), "")
            } else if x.days_left < 0 {
                (format!("{} {} {}", l.t("已逾期", "overdue by"), -x.days_left, l.t("天", "days")), "overdue")
            } else if x.days_left == 0 {
                (l.t("今天到期", "due today").to_owned(), "near")
            } else {
                (format!("{} {} {}", l.t("剩余", ""), x.days_left, l.t("天", "days left")), if x.warning == "near" { "near" } else { "" })
            };
            let class = if open && x.warning == "overdue" { "overdue" } else { class };
            DeadlineRow {
                label: l.t(&x.label_zh, &x.label_en).to_owned(),
                rule: x.rule.clone(),
                due: if x.due.is_empty() { l.t("无法计算", "not computable").to_owned() } else { x.due.replace('T', " ") },
                countdown,
                class,
                status: match x.status.as_str() {
                    "open" => l.t("进行中", "open"),
                    "met" => l.t("已完成", "met"),
                    "cancelled" => l.t("已取消", "cancelled"),
                    o => o,
                }
                .to_owned(),
                citation: x.citation.clone(),
                verified: x.verified,
                explanation: l.t(&x.explanation_zh, &x.explanation_en).to_owned(),
            }
        })
        .collect();

    let submissions = c
        .submissions
        .iter()
        .rev()
        .map(|sub| SubmissionRow {
            act: l.t(sub.act.zh(), sub.act.code()).to_owned(),
            status: match sub.status.as_str() {
                "pending" => l.t("审批中", "pending"),
                "approved" => l.t("已批准", "approved"),
                "rejected" => l.t("已退回", "rejected"),
                o => o,
            }
            .to_owned(),
            status_code: sub.status.clone(),
            by: name_of(&sub.submitted_by),
            at: sub.submitted_at.format("%Y-%m-%d %H:%M").to_string(),
            steps: sub
                .steps
                .iter()
                .enumerate()
                .map(|(i, st)| {
                    let o = sub.opinions.iter().find(|o| o.step == i);
                    StepRow {
                        role: l.t(st.role.zh(), st.role.en()).to_owned(),
                        opinion: o
                            .map(|o| {
                                format!(
                                    "{} {}：{}（{}）",
                                    o.by_name,
                                    if o.approve { l.t("同意", "approved") } else { l.t("退回", "rejected") },
                                    o.opinion,
                                    o.at.format("%Y-%m-%d %H:%M")
                                )
                            })
                            .unwrap_or_default(),
                        done: o.is_some(),
                    }
                })
                .collect(),
        })
        .collect();

    let timeline = d
        .timeline
        .iter()
        .map(|a| ActRow {
            n: a.n,
            kind: label_of(&a.kind, l),
            kind_code: a.kind.clone(),
            actor: accounts.get(&a.actor_account).cloned().unwrap_or_else(|| a.actor_account.clone()),
            at: a.at.replace('T', " ").chars().take(16).collect(),
            verify: a.ledger_seq.map(|seq| format!("/public/verify/{code}/{seq}")),
            data: data_facts(&a.data, &names, ctx, l),
            files: a.files.clone(),
        })
        .collect();

    let numbers = d
        .numbers
        .iter()
        .map(|n| NumberRow {
            id: n.id.clone(),
            rendered: n.rendered.clone(),
            document: lookup(&DOCUMENTS, &n.document, l),
            status: if n.status == "issued" {
                l.t("有效", "issued").to_owned()
            } else {
                format!("{}（{}）", l.t("已作废", "voided"), n.void_reason.clone().unwrap_or_default())
            },
            issued_at: n.issued_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();

    let evidence = c
        .evidence
        .iter()
        .map(|e| EvidenceRow { act: e.act, kind: lookup(&EVIDENCE_KINDS, &e.kind, l), title: e.title.clone(), files: e.files.clone() })
        .collect();

    let reviewer_step = c.pending().and_then(|s| s.next_step()).is_some_and(|(_, st)| st.role == Role::LegalReviewer);
    let unit_people: Vec<PersonChoice> = {
        let facts = cases::people_facts(&ctx.state, &ctx.tenant_id).await?;
        let mut v: Vec<_> = facts.values().filter(|p| p.unit_id == c.unit_id && !p.auxiliary && p.active).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.into_iter()
            .map(|p| {
                let ok = p.certificates.iter().any(|x| x.valid_on(now.date()));
                PersonChoice {
                    id: p.id.clone(),
                    label: format!("{}{}", p.name, if ok { l.t("（持证）", " (certified)") } else { l.t("（无有效执法证）", " (no valid certificate)") }),
                }
            })
            .collect()
    };
    let handler_choices = c.handlers.iter().map(|h| PersonChoice { id: h.clone(), label: name_of(h) }).collect();
    let eff = crate::overrides::effective(&ctx.state, &ctx.tenant_id).await?;
    let rule_opts = |v: Vec<&chengguan_domain::profile::Rule>| v.into_iter().map(|r| (r.key.clone(), r.cited())).collect::<Vec<_>>();

    let can_report = ctx.can(Action::ReportInterference, Some(&c.unit_id));
    page(CasePage {
        nav: nav(ctx, l, "/cases"),
        id: s.id.clone(),
        title: s.title.clone(),
        state: state_label(&s.state, l),
        state_code: s.state.clone(),
        version: s.version,
        facts,
        gate: if d.gate_zh.is_empty() { String::new() } else { l.t(&d.gate_zh, &d.gate_en).to_owned() },
        missing: d.missing.iter().map(|w| l.t(&w.message_zh, &w.message_en).to_owned()).collect(),
        party,
        can_reveal,
        deadlines,
        submissions,
        timeline,
        numbers,
        evidence,
        commands: d.commands.clone(),
        flash: input.flash,
        error: input.error,
        failed: input.failed,
        posted: input.posted,
        today: now.date().to_string(),
        now: now.format("%Y-%m-%dT%H:%M").to_string(),
        cause_code: c.cause_code.clone().unwrap_or_default(),
        lead_on: c.lead_on.to_string(),
        party_kind: c
            .party_kind
            .map(|k| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
            .unwrap_or_else(|| "person".into()),
        handlers: c.handlers.clone(),
        me: ctx.account.person_id.clone().unwrap_or_default(),
        unit_people,
        people,
        handler_choices,
        reviewer_step,
        recusals: c
            .recusals
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == "pending")
            .map(|(i, r)| (i, format!("{}：{}", name_of(&r.person_id), r.reason)))
            .collect(),
        assistance: c
            .assistance
            .iter()
            .enumerate()
            .filter(|(_, a)| a.answer.is_none())
            .map(|(i, a)| (i, format!("{} · {}", a.department, a.number.clone().unwrap_or_default())))
            .collect(),
        preservations: c
            .preservations
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status == "approved")
            .map(|(i, p)| (i, format!("{} · {}", p.number.clone().unwrap_or_default(), p.items.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join("、"))))
            .collect(),
        issued: c
            .numbers
            .iter()
            .filter(|n| n.status == "issued")
            .map(|n| (n.id.clone(), format!("{}（{}）", n.rendered, lookup(&DOCUMENTS, &n.document, l))))
            .collect(),
        pause_rules: rule_opts(eff.procedure.pauses_of("apl.decision_period")),
        extension_rules: rule_opts(eff.procedure.extensions_of("apl.decision_period")),
        evidence_kinds: opts(&EVIDENCE_KINDS, l),
        service_methods: SERVICE_METHODS.iter().map(|(m, code, en)| ((*code).to_owned(), l.t(m.zh(), en).to_owned())).collect(),
        can_report,
        reported: input.reported,
        exec: d.execution.as_ref().map(|v| crate::execution_ui::panel(v, &c, l)),
        exec_choices: crate::execution_ui::choices(&c, l),
        form_key: new_form_key(),
        l,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CasePageQuery {
    reported: Option<String>,
    reveal: Option<String>,
}

async fn case_page(
    UiCtx(ctx): UiCtx,
    l: Lang,
    Path(id): Path<String>,
    headers: HeaderMap,
    crate::extract::Query(q): crate::extract::Query<CasePageQuery>,
) -> UiResult {
    let flash = read_flash(&headers);
    let clear = flash.is_some();
    let input = PageInput { flash, error: None, failed: String::new(), posted: Vec::new(), reported: q.reported.is_some(), reveal: q.reveal.is_some() };
    let mut r = render_case(&ctx, l, &id, input).await?;
    if clear {
        if let Ok(v) = flash_cookie(&ctx, &format!("/cases/{id}"), None).parse() {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(r)
}

async fn command_submit(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let name = first(&f, "command");
    let attempt = async {
        let cmd = command_of(&name, &f)?;
        cases::command(&ctx, &id, cmd, form_key(&f)).await.map_err(stale_form)
    }
    .await;
    match attempt {
        Ok(r) => {
            let (zh, en) = command_label(&name);
            let flash = Flash {
                done_zh: format!("已{}：案件现为“{}”", zh, State::parse(&r.state).map(|s| s.zh()).unwrap_or("")),
                done_en: format!("Done — {}: the case is now {}", en, State::parse(&r.state).map(|s| s.en()).unwrap_or("")),
                warnings: r.warnings.iter().map(|w| (w.message_zh.clone(), w.message_en.clone())).collect(),
            };
            Ok(redirect_with_flash(&ctx, &format!("/cases/{id}"), &flash))
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(UiErr(e)),
        Err(e) => {
            let status = e.status;
            let input = PageInput { flash: None, error: Some(error_view(&e, l)), failed: name, posted: f, reported: false, reveal: false };
            with_status(render_case(&ctx, l, &id, input).await, status)
        }
    }
}

// ------------------------------------------------------------------------------------ inbox

struct InboxRow {
    case_id: String,
    title: String,
    unit: String,
    state: String,
    act: String,
    step: String,
    role: String,
    submitted_at: String,
}

#[derive(Template)]
#[template(path = "case_inbox.html")]
struct InboxPage {
    l: Lang,
    nav: Nav,
    rows: Vec<InboxRow>,
}

async fn inbox_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let items = cases::inbox(&ctx).await?;
    let rows = items
        .iter()
        .map(|i| InboxRow {
            case_id: i.case.id.clone(),
            title: i.case.title.clone(),
            unit: i.case.unit_name.clone(),
            state: state_label(&i.case.state, l),
            act: l.t(&i.act_zh, &i.act).to_owned(),
            step: format!("{}/{}", i.step, i.steps),
            role: Role::parse(&i.role).map(|r| l.t(r.zh(), r.en()).to_owned()).unwrap_or_else(|| i.role.clone()),
            submitted_at: i.submitted_at.clone(),
        })
        .collect();
    page(InboxPage { nav: nav(&ctx, l, "/case-inbox"), l, rows })
}

// ------------------------------------------------------------------------------------ warnings

struct WarningRow {
    case_id: String,
    title: String,
    unit: String,
    label: String,
    rule: String,
    citation: String,
    due: String,
    warning: String,
    class: &'static str,
    explanation: String,
}

#[derive(Template)]
#[template(path = "case_warnings.html")]
struct WarningsPage {
    l: Lang,
    nav: Nav,
    rows: Vec<WarningRow>,
}

fn rule_label(rule: &str, l: Lang) -> String {
    let (zh, en) = match rule {
        "apl.decision_period" => ("作出处理决定期限", "decision period"),
        "local.statement_period" => ("陈述、申辩期限", "statement period"),
        "apl.hearing_request" => ("听证申请期限", "hearing request period"),
        "apl.service" => ("送达处罚决定书", "serve the decision"),
        "apl.preservation_decision" => ("先行登记保存处理决定", "decision on preserved evidence"),
        "apl.payment" => ("缴纳罚款期限", "time to pay the fine"),
        "three_systems.disclosure" => ("公开行政处罚决定", "publish the decision"),
        "apl.publication_withdrawal" => ("撤回已公开的决定", "withdraw the publication"),
        "acl.reminder_wait" => ("催告后等待期", "wait after the reminder"),
        "acl.court_application_window" => ("申请法院强制执行期限", "time to apply to the court"),
        "apl.on_the_spot_fine_to_unit" => ("当场收缴罚款交至行政机关", "hand collected money to the unit"),
        "apl.on_the_spot_fine_to_bank" => ("罚款缴付银行", "pay collected money into the bank"),
        "local.complaint_reply" => ("告知投诉人核查结果", "tell the complainant"),
        "civil_procedure.public_notice_service" => ("公告送达视为送达之日", "public notice deemed served"),
        _ => return rule.to_owned(),
    };
    l.t(zh, en).to_owned()
}

async fn warnings_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let items = cases::warnings(&ctx).await?;
    let mut rows = Vec::new();
    for w in items {
        let title = ctx
            .state
            .store
            .case_row(&ctx.tenant_id, &w.case_id)
            .await
            .map_err(AppError::from)?
            .and_then(|r| r.text("title").map(str::to_owned))
            .unwrap_or_default();
        rows.push(WarningRow {
            title,
            unit: ctx.org.get(&w.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
            label: rule_label(&w.rule, l),
            class: if w.warning == "overdue" { "overdue" } else { "near" },
            warning: if w.warning == "overdue" { l.t("已逾期", "overdue") } else { l.t("即将到期", "due soon") }.to_owned(),
            due: w.due.replace('T', " "),
            case_id: w.case_id,
            rule: w.rule,
            citation: w.citation,
            explanation: w.explanation_zh,
        });
    }
    rows.sort_by(|a, b| (a.class != "overdue", &a.due).cmp(&(b.class != "overdue", &b.due)));
    page(WarningsPage { nav: nav(&ctx, l, "/case-warnings"), l, rows })
}

// ------------------------------------------------------------------------------------ interference

struct InterferenceRow {
    id: String,
    case_id: String,
    unit: String,
    reported_by: String,
    reported_at: String,
    interferer: String,
    method: String,
    content: String,
    acknowledged: bool,
    note: String,
}

#[derive(Template)]
#[template(path = "interference.html")]
struct InterferencePage {
    l: Lang,
    nav: Nav,
    can_view: bool,
    can_ack: bool,
    rows: Vec<InterferenceRow>,
    units: Vec<(String, String)>,
    default_unit: String,
    reported: bool,
    error: Option<ErrorView>,
    posted: Fields,
}

impl InterferencePage {
    fn val(&self, k: &str) -> String {
        first(&self.posted, k)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterferenceQuery {
    reported: Option<String>,
}

async fn interference_render(ctx: &Ctx, l: Lang, reported: bool, error: Option<ErrorView>, posted: Fields) -> UiResult {
    let can_view = ctx.can(Action::ViewInterference, None);
    let mut rows = Vec::new();
    if can_view {
        let accounts: BTreeMap<String, String> =
            ctx.state.store.accounts(&ctx.tenant_id).await.map_err(AppError::from)?.into_iter().map(|a| (a.id, a.username)).collect();
        for i in cases::list_interference(ctx).await? {
            rows.push(InterferenceRow {
                id: i.id.clone(),
                case_id: i.case_id.clone().unwrap_or_default(),
                unit: ctx.org.get(&i.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
                reported_by: accounts.get(&i.reported_by).cloned().unwrap_or(i.reported_by.clone()),
                reported_at: i.reported_at.replace('T', " "),
                interferer: [i.interferer_name.clone().unwrap_or_default(), i.interferer_post.clone().unwrap_or_default()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                method: i.method.clone(),
                content: i.content.clone(),
                acknowledged: i.status == "acknowledged",
                note: i.inspector_note.clone().unwrap_or_default(),
            });
        }
        rows.reverse();
    }
    let mine = match &ctx.account.person_id {
        Some(p) => ctx.state.store.person(&ctx.tenant_id, p).await.map_err(AppError::from)?.map(|p| p.org_unit_id),
        None => None,
    };
    page(InterferencePage {
        nav: nav(ctx, l, "/interference"),
        can_view,
        can_ack: ctx.grants.iter().any(|g| g.role == Role::Inspector),
        rows,
        units: units_for(ctx, Action::ReportInterference),
        default_unit: mine.unwrap_or_default(),
        reported,
        error,
        posted,
        l,
    })
}

async fn interference_page(UiCtx(ctx): UiCtx, l: Lang, crate::extract::Query(q): crate::extract::Query<InterferenceQuery>) -> UiResult {
    interference_render(&ctx, l, q.reported.is_some(), None, Vec::new()).await
}

/// Log an interference attempt: from `/interference` (a unit) or from a case page (the case).
async fn interference_submit(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let opt = |k: &str| Some(first(&f, k)).filter(|s| !s.is_empty());
    let case_id = opt("case_id");
    let input = InterferenceInput {
        case_id: case_id.clone(),
        unit_id: opt("unit_id"),
        interferer_name: opt("interferer_name"),
        interferer_post: opt("interferer_post"),
        method: first(&f, "method"),
        content: first(&f, "content"),
    };
    match cases::report_interference(&ctx, input).await {
        Ok(_) => match case_id {
            Some(id) => Ok(Redirect::to(&format!("/cases/{id}?reported=1#interference")).into_response()),
            None => Ok(Redirect::to("/interference?reported=1").into_response()),
        },
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => match case_id {
            Some(id) => {
                let input = PageInput { flash: None, error: Some(error_view(&e, l)), failed: "interference".into(), posted: f, reported: false, reveal: false };
                with_status(render_case(&ctx, l, &id, input).await, e.status)
            }
            None => with_status(interference_render(&ctx, l, false, Some(error_view(&e, l)), f).await, e.status),
        },
    }
}

async fn interference_ack(UiCtx(ctx): UiCtx, l: Lang, Path(id): Path<String>, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    match cases::acknowledge_interference(&ctx, &id, cases::AckInput { note: first(&f, "note") }).await {
        Ok(_) => Ok(Redirect::to("/interference").into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => Err(UiErr(e)),
        Err(e) => with_status(interference_render(&ctx, l, false, Some(error_view(&e, l)), Vec::new()).await, e.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn forms_become_the_commands_serde_expects() {
        let c = command_of(
            "propose_filing",
            &f(&[
                ("_csrf", "x"),
                ("command", "propose_filing"),
                ("s:cause_code", "SZ-001"),
                ("o:party.kind", "person"),
                ("s:party.name", "张三"),
                ("o:party.phone", ""),
                ("d:violation_on", "2024-05-06"),
                ("d:violation_ended_on", ""),
                ("b:extended_limitation", "0"),
                ("l:handlers", ""),
                ("l:handlers", "p-1"),
                ("l:handlers", "p-2, p-1"),
                ("s:facts", "摆摊"),
                ("s:reason", "占道"),
            ]),
        )
        .unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["handlers"], serde_json::json!(["p-1", "p-2"]));
        assert_eq!(v["party"]["kind"], "person");
        assert!(v["party"]["phone"].is_null());
        assert_eq!(v["extended_limitation"], false);
        let c = command_of(
            "submit_report",
            &f(&[
                ("s:findings", "a"),
                ("s:evidence_summary", "b"),
                ("s:provisions", "c"),
                ("n:facts.quantity", "6"),
                ("s:facts.harm", "minor"),
                ("b:facts.minor", "0"),
                ("b:facts.minor", "1"),
                ("fen:facts.base_value_fen", "12.5"),
                ("s:proposal.outcome", "penalty"),
                ("l:proposal.penalties", "fine"),
                ("n:proposal.fine_yuan", "6000"),
                ("o:proposal.reason_outside_range", "理由"),
                ("l:major_grounds", ""),
                ("b:complex", "0"),
            ]),
        )
        .unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["facts"]["quantity"], 6);
        assert_eq!(v["facts"]["minor"], true);
        assert_eq!(v["facts"]["base_value_fen"], 1250);
        assert_eq!(v["proposal"]["fine_yuan"], 6000);
        let c = command_of(
            "request_preservation",
            &f(&[
                ("s:items.0.name", ""),
                ("s:items.0.quantity", ""),
                ("s:items.1.name", "三轮车"),
                ("s:items.1.quantity", "1辆"),
                ("s:place", "x"),
                ("s:reason", "y"),
            ]),
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap()["items"].as_array().unwrap().len(), 1);
        let c = command_of(
            "serve",
            &f(&[("s:method", "in_person"), ("dt:served_at", "2024-05-06T10:30"), ("s:recipient", "张三"), ("s:place", "民族路"), ("o:witness", "")]),
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap()["served_at"], "2024-05-06T10:30:00");
        let e = command_of("serve_notice", &f(&[("s:method", "直接送达")])).unwrap_err();
        assert!(e.message_zh.contains("送达日期"), "{}", e.message_zh);
        assert!(command_of("propose_notice", &f(&[("_csrf", "x"), ("command", "propose_notice")])).is_ok());
        assert!(command_of("nonsense", &f(&[])).is_err());
    }

    #[test]
    fn an_empty_optional_party_is_left_out_of_a_registration() {
        let v = form_json(&f(&[
            ("s:unit_id", "u"),
            ("s:source", "patrol"),
            ("d:lead_on", "2024-05-06"),
            ("s:title", "t"),
            ("s:content", "c"),
            ("o:party.kind", ""),
            ("o:party.name", ""),
            ("o:informant.name", ""),
            ("o:cause_code", ""),
        ]))
        .unwrap();
        let r: Registration = serde_json::from_value(v).unwrap();
        assert!(r.party.is_none() && r.informant.is_none() && r.cause_code.is_none());
    }
}
