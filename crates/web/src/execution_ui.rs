//! Pages for execution to archive: the execution panel of the case page (balance, surcharge by
//! day, court window, disclosure, case file with what is missing, registers) and the leaders'
//! payments/enforcement board (`/execution-board`), the on-the-spot decision form
//! (`/cases/on-the-spot`, simple procedure) and the fine receipts register (`/fine-receipts`).

use crate::auth::Ctx;
use crate::cases;
use crate::cases_ui::{
    error_view, first, form_json, parse_form, people_choices, redirect_with_flash, serde_problem, units_for, with_status, ErrorView, Fields, Flash,
    PersonChoice,
};
use crate::error::AppError;
use crate::execution::{self, ExecutionView};
use crate::i18n::Lang;
use crate::ui::{nav, page, Nav, UiCtx, UiErr, UiResult};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use chengguan_domain::auth::Action;
use chengguan_domain::case::execution::{outcome_zh, CaseFile};
use chengguan_domain::case::{Case, CaseRules, OnTheSpot};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/execution-board", get(board_page))
        .route("/cases/on-the-spot", get(on_the_spot_page).post(on_the_spot_submit))
        .route("/fine-receipts", get(receipts_page).post(receipts_submit))
}

/// 123456 fen → "1234.56元".
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}元", fen / 100, (fen % 100).abs())
}

pub struct Line {
    pub label: String,
    pub value: String,
}

pub struct SurchargeRow {
    pub day: String,
    pub overdue: String,
    pub accrued: String,
    pub total: String,
    pub note: String,
}

pub struct FileRow {
    pub seq: usize,
    pub number: String,
    pub responsible: String,
    pub title: String,
    pub date: String,
    pub pages: u32,
    pub remark: String,
}

pub struct VolumeRows {
    pub name: String,
    pub rows: Vec<FileRow>,
}

pub struct ExecPanel {
    pub balance: Vec<Line>,
    pub schedule: Vec<Line>,
    pub surcharge: Vec<SurchargeRow>,
    pub surcharge_hidden: usize,
    pub surcharge_citation: String,
    pub court: Vec<Line>,
    pub court_citation: String,
    pub disclosure: Vec<Line>,
    pub registers: Vec<Line>,
    pub file_cover: Vec<Line>,
    pub volumes: Vec<VolumeRows>,
    pub missing: Vec<String>,
    pub file_citation: String,
}

const SURCHARGE_ROWS: usize = 40;

fn disclosure_label(s: &str, l: Lang) -> String {
    let (zh, en) = match s {
        "to_publish" => ("待公开", "to publish"),
        "published" => ("已公开", "published"),
        "to_withdraw" => ("待撤回", "to withdraw"),
        "withdrawn" => ("已撤回", "withdrawn"),
        "not_to_publish" => ("不予公开（决定已被变更或撤销）", "not to publish (decision changed or revoked)"),
        _ => return s.to_owned(),
    };
    l.t(zh, en).to_owned()
}

fn line(l: Lang, zh: &str, en: &str, value: String) -> Line {
    Line { label: l.t(zh, en).to_owned(), value }
}

pub fn file_rows(f: &CaseFile, l: Lang) -> (Vec<Line>, Vec<VolumeRows>) {
    let cover = vec![
        line(l, "案件名称", "Case name", f.case_name.clone()),
        line(l, "决定书文号", "Decision number", f.decision_number.clone().unwrap_or_default()),
        line(l, "立案日期", "Filed", f.filed_on.map(|d| d.to_string()).unwrap_or_default()),
        line(l, "结案日期", "Closed", f.closed_on.map(|d| d.to_string()).unwrap_or_default()),
        line(l, "保管期限", "Retention", if f.retention == "permanent" { l.t("永久", "permanent") } else { l.t("30年", "30 years") }.to_owned()),
        line(l, "档案号", "Archive number", f.archive_number.clone().unwrap_or_else(|| l.t("未归档", "not archived").to_owned())),
        line(l, "文件数 / 页数", "Documents / pages", format!("{} / {}", f.documents, f.pages)),
    ];
    let volumes = f
        .volumes
        .iter()
        .map(|v| VolumeRows {
            name: l.t(&v.name_zh, &v.name_en).to_owned(),
            rows: v
                .entries
                .iter()
                .map(|e| FileRow {
                    seq: e.seq,
                    number: e.number.clone().unwrap_or_default(),
                    responsible: e.responsible.clone(),
                    title: e.title.clone(),
                    date: e.date.to_string(),
                    pages: e.pages,
                    remark: e.remark.clone(),
                })
                .collect(),
        })
        .collect();
    (cover, volumes)
}

pub fn panel(v: &ExecutionView, c: &Case, l: Lang) -> ExecPanel {
    let b = &v.balance;
    let mut balance = vec![
        line(l, "罚款", "Fine", yuan(b.fine_fen)),
        line(l, "加处罚款（截至今日）", "Late surcharge (to date)", yuan(b.surcharge_fen)),
        line(l, "已缴", "Paid", yuan(b.paid_fen)),
        line(l, "尚欠", "Owed", yuan(b.owed_fen)),
    ];
    if b.annulled {
        balance.push(line(
            l,
            "说明",
            "Note",
            l.t("决定已被撤销或确认无效，不再执行", "the decision was revoked or confirmed void: nothing to execute").to_owned(),
        ));
    }
    let schedule = v.schedule.iter().map(|i| Line { label: i.due_on.to_string(), value: yuan(i.amount_fen) }).collect();
    let skip = v.surcharge.len().saturating_sub(SURCHARGE_ROWS);
    let surcharge = v
        .surcharge
        .iter()
        .skip(skip)
        .map(|d| SurchargeRow {
            day: d.day.to_string(),
            overdue: yuan(d.overdue_fen),
            accrued: yuan(d.accrued_fen),
            total: yuan(d.total_fen),
            note: if d.paused {
                l.t("复议或诉讼期间，不计算", "review or lawsuit pending: not counted").to_owned()
            } else if d.capped {
                l.t("已达罚款数额，不再加处", "reached the fine: no more").to_owned()
            } else {
                String::new()
            },
        })
        .collect();
    let mut court = Vec::new();
    let mut court_citation = String::new();
    if let Some(w) = &v.court_window {
        court.push(line(l, "复议、诉讼期限届满", "Remedy periods end", w.periods_end.to_string()));
        court.push(line(
            l,
            "可申请起始日",
            "Window opens",
            w.opens.map(|d| d.to_string()).unwrap_or_else(|| l.t("须先送达催告书", "serve a reminder first").to_owned()),
        ));
        court.push(line(l, "申请截止日", "Window closes", w.closes.to_string()));
        court.push(line(l, "说明", "Why", l.t(&w.why_zh, &w.why_en).to_owned()));
        court_citation = w.citation.clone();
    } else if let Some(e) = &v.court_window_error {
        court.push(line(l, "申请期间", "Window", e.clone()));
    }
    let x = &c.execution;
    if let Some(a) = &x.court {
        court.push(line(
            l,
            "强制执行申请",
            "Court application",
            format!("{} · {} · {} · {}", a.number, a.applied_on, a.court, a.outcome.as_deref().map(outcome_zh).unwrap_or("待裁定")),
        ));
    }
    let mut disclosure = Vec::new();
    if let (Some(s), Some(r)) = (&v.disclosure_status, &v.public_record) {
        disclosure.push(line(l, "公开状态", "Status", disclosure_label(s, l)));
        if let Some(d) = &x.disclosure {
            disclosure.push(line(l, "公开期限", "Publish by", d.due.clone()));
            if let Some(p) = d.published_on {
                disclosure.push(line(l, "公开日期", "Published", p.to_string()));
            }
            if let Some(w) = d.withdrawal_due.as_deref() {
                disclosure.push(line(l, "撤回期限", "Withdraw by", w.to_owned()));
            }
        }
        disclosure.push(line(
            l,
            "公开内容",
            "Published record",
            format!("{}｜{}｜{}｜{}｜{}｜{}", r.subject, r.decision_number, r.party, r.cause, r.penalty, r.decided_on),
        ));
    }
    let mut registers = Vec::new();
    for p in &x.payments {
        registers.push(line(l, "缴款", "Payment", format!("{} · {} · {} · {}", p.paid_on, yuan(p.amount_fen), p.reference, p.source)));
    }
    for d in &x.deferrals {
        let kind = if d.kind == "instalments" { l.t("分期", "instalments") } else { l.t("暂缓", "deferral") };
        registers.push(line(l, "暂缓/分期", "Deferral", format!("{kind} · {} · {}", d.applied_on, d.status)));
    }
    for r in &x.reminders {
        registers.push(line(l, "催告", "Reminder", format!("{} · {} · {}", r.number, r.served_on, yuan(r.amount_fen))));
    }
    for r in &x.remedies {
        let kind = if r.kind == "lawsuit" { l.t("行政诉讼", "lawsuit") } else { l.t("行政复议", "review") };
        registers.push(line(
            l,
            "救济",
            "Remedy",
            format!("{kind} · {} · {} · {}", r.filed_on, r.body, r.outcome.as_deref().map(outcome_zh).unwrap_or("审理中")),
        ));
    }
    for a in &x.accountability {
        registers.push(line(
            l,
            "执法过错责任追究",
            "Accountability",
            format!("{} · {} · {}", a.opened_on, a.reason, a.conclusion.clone().unwrap_or_else(|| "待审查".into())),
        ));
    }
    for lo in &x.loans {
        registers.push(line(
            l,
            "借阅",
            "Loan",
            format!(
                "{} · {} · {}→{} · {}",
                lo.borrower,
                lo.purpose,
                lo.lent_on,
                lo.due_on,
                lo.returned_on.map(|d| format!("已归还 {d}")).unwrap_or_else(|| "未归还".into())
            ),
        ));
    }
    if let Some(a) = &x.archive {
        registers.push(line(
            l,
            "卷内备考表",
            "File notes",
            format!(
                "{} · {} {} · {} {}",
                a.notes,
                l.t("立卷人", "compiled by"),
                a.archived_by,
                l.t("检查人", "checked by"),
                a.checked_by.clone().unwrap_or_default()
            ),
        ));
    }
    for r in &x.file_reviews {
        registers.push(line(l, "案卷评查", "File review", format!("{} · {}/{} · {}", r.on, r.total, r.max, r.remark)));
    }
    let (file_cover, volumes) = file_rows(&v.case_file, l);
    ExecPanel {
        balance,
        schedule,
        surcharge,
        surcharge_hidden: skip,
        surcharge_citation: v.surcharge_citation.clone(),
        court,
        court_citation,
        disclosure,
        registers,
        file_cover,
        volumes,
        missing: v.case_file.missing.iter().map(|m| l.t(&m.zh, &m.en).to_owned()).collect(),
        file_citation: v.case_file.citation.clone(),
    }
}

/// What the execution forms offer (index choices, the checklist).
#[derive(Default)]
pub struct ExecChoices {
    pub deferrals: Vec<(usize, String)>,
    pub remedies: Vec<(usize, String)>,
    pub accountability: Vec<(usize, String)>,
    pub loans: Vec<(usize, String)>,
    pub checklist: Vec<(String, String, i64)>,
}

pub fn choices(c: &Case, l: Lang) -> ExecChoices {
    let x = &c.execution;
    ExecChoices {
        deferrals: x
            .deferrals
            .iter()
            .enumerate()
            .filter(|(_, d)| d.status == "pending")
            .map(|(i, d)| (i, format!("{} · {} · {}", d.kind, d.applied_on, d.reason)))
            .collect(),
        remedies: x
            .remedies
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_pending())
            .map(|(i, r)| (i, format!("{} · {} · {}", r.kind, r.filed_on, r.body)))
            .collect(),
        accountability: x.accountability.iter().enumerate().filter(|(_, a)| a.conclusion.is_none()).map(|(i, a)| (i, a.reason.clone())).collect(),
        loans: x.loans.iter().enumerate().filter(|(_, lo)| lo.returned_on.is_none()).map(|(i, lo)| (i, format!("{} · {}", lo.borrower, lo.lent_on))).collect(),
        checklist: CaseRules::national().case_file.checklist.iter().map(|i| (i.code.clone(), l.t(&i.zh, &i.en).to_owned(), i.max)).collect(),
    }
}

// ------------------------------------------------------------------------------------- board

struct BoardRow {
    case_id: String,
    title: String,
    unit: String,
    decision_number: String,
    owed: String,
    surcharge: String,
    due_on: String,
    overdue: bool,
    window: String,
    window_closing: bool,
    disclosure: String,
    accountability: usize,
    file_complete: bool,
}

#[derive(Template)]
#[template(path = "execution_board.html")]
struct BoardPage {
    l: Lang,
    nav: Nav,
    today: String,
    rows: Vec<BoardRow>,
}

async fn board_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    let b = execution::board(&ctx).await?;
    let rows = b
        .items
        .into_iter()
        .map(|i| BoardRow {
            unit: ctx.org.get(&i.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
            decision_number: i.decision_number.unwrap_or_default(),
            owed: yuan(i.owed_fen),
            surcharge: yuan(i.surcharge_fen),
            due_on: i.due_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: i.overdue,
            window: match (i.window_opens, i.window_closes) {
                (Some(o), Some(c)) => format!("{o} — {c}"),
                (None, Some(c)) => format!("{} — {c}", l.t("待催告", "reminder first")),
                _ => String::new(),
            },
            window_closing: i.window_closing,
            disclosure: i.disclosure_status.map(|s| disclosure_label(&s, l)).unwrap_or_default(),
            accountability: i.open_accountability,
            file_complete: i.file_complete,
            case_id: i.case_id,
            title: i.title,
        })
        .collect();
    page(BoardPage { nav: nav(&ctx, l, "/execution-board"), l, today: b.today.to_string(), rows })
}

// ------------------------------------------------------------------------ on-the-spot decision

#[derive(Template)]
#[template(path = "case_on_the_spot.html")]
struct OnTheSpotPage {
    l: Lang,
    nav: Nav,
    units: Vec<(String, String)>,
    people: Vec<PersonChoice>,
    me: String,
    default_unit: String,
    today: String,
    max_person: i64,
    max_organisation: i64,
    posted: Fields,
    error: Option<ErrorView>,
    form_key: String,
}

impl OnTheSpotPage {
    fn val(&self, k: &str, d: &str) -> String {
        if self.posted.is_empty() {
            d.to_owned()
        } else {
            first(&self.posted, k)
        }
    }
}

async fn on_the_spot_form(ctx: &Ctx, l: Lang, posted: Fields, error: Option<ErrorView>) -> UiResult {
    ctx.require(Action::HandleCase, None)?;
    let units = units_for(ctx, Action::HandleCase);
    let me = ctx.account.person_id.clone().unwrap_or_default();
    let mine = ctx.state.store.person(&ctx.tenant_id, &me).await.map_err(AppError::from)?.map(|p| p.org_unit_id);
    let default_unit = mine.filter(|u| units.iter().any(|(id, _)| id == u)).unwrap_or_default();
    let (people, _) = people_choices(ctx).await?;
    let profile = crate::cases::reference(&ctx.state, &ctx.tenant_id).await?;
    let v = |k: &str| profile.profile.get(k).ok().and_then(|r| r.quantity()).map(|q| q.value).unwrap_or(0);
    page(OnTheSpotPage {
        nav: nav(ctx, l, "/cases"),
        units,
        people: people.into_iter().filter(|p| p.id != me).collect(),
        me,
        default_unit,
        today: ctx.state.clock.now().date().to_string(),
        max_person: v("apl.simple_procedure_max_fine_person"),
        max_organisation: v("apl.simple_procedure_max_fine_organisation"),
        posted,
        error,
        form_key: crate::cases_ui::new_form_key(),
        l,
    })
}

async fn on_the_spot_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    on_the_spot_form(&ctx, l, Vec::new(), None).await
}

async fn on_the_spot_submit(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let attempt = async {
        let v = form_json(&f)?;
        let input: OnTheSpot = serde_json::from_value(v).map_err(serde_problem)?;
        cases::on_the_spot(&ctx, input, crate::cases_ui::form_key(&f)).await.map_err(crate::cases_ui::stale_form)
    }
    .await;
    match attempt {
        Ok(r) => {
            let flash = Flash {
                done_zh: "已当场作出行政处罚决定并交付当事人".into(),
                done_en: "Decided on the spot and handed to the party".into(),
                warnings: r.warnings.iter().map(|w| (w.message_zh.clone(), w.message_en.clone())).collect(),
            };
            Ok(redirect_with_flash(&ctx, &format!("/cases/{}", r.case_id), &flash))
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => with_status(on_the_spot_form(&ctx, l, f, Some(error_view(&e, l))).await, e.status),
    }
}

// ------------------------------------------------------------------------------------ receipts

struct ReceiptRow {
    id: String,
    holder: String,
    status: String,
    status_code: String,
    case_id: String,
    note: String,
    mine: bool,
}

#[derive(Template)]
#[template(path = "fine_receipts.html")]
struct ReceiptsPage {
    l: Lang,
    nav: Nav,
    rows: Vec<ReceiptRow>,
    people: Vec<PersonChoice>,
    can_issue: bool,
    error: Option<ErrorView>,
}

async fn receipts_form(ctx: &Ctx, l: Lang, error: Option<ErrorView>) -> UiResult {
    let me = ctx.account.person_id.clone().unwrap_or_default();
    let list = crate::receipts::list(ctx, &Default::default()).await?;
    let (people, _) = people_choices(ctx).await?;
    page(ReceiptsPage {
        nav: nav(ctx, l, "/fine-receipts"),
        rows: list
            .into_iter()
            .map(|r| ReceiptRow {
                mine: r.holder == me,
                holder: r.holder_name,
                status: l.t(&r.status_zh, &r.status).to_owned(),
                status_code: r.status,
                case_id: r.case_id.unwrap_or_default(),
                note: r.note.unwrap_or_default(),
                id: r.id,
            })
            .collect(),
        people,
        can_issue: ctx.can(Action::ApproveCase, None),
        error,
        l,
    })
}

async fn receipts_page(UiCtx(ctx): UiCtx, l: Lang) -> UiResult {
    receipts_form(&ctx, l, None).await
}

/// One form posts every receipt action: `op` = issue | void | return.
async fn receipts_submit(UiCtx(ctx): UiCtx, l: Lang, body: Bytes) -> UiResult {
    let f = parse_form(&ctx, &body)?;
    let op = first(&f, "op");
    let attempt: Result<(), AppError> = async {
        match op.as_str() {
            "issue" => {
                let num = |k: &str| first(&f, k).parse::<u32>().ok();
                let input = crate::receipts::IssueInput {
                    holder: first(&f, "holder"),
                    numbers: Vec::new(),
                    prefix: first(&f, "prefix"),
                    from: num("from"),
                    to: num("to"),
                    width: first(&f, "width").parse().ok(),
                };
                if input.from.is_none() || input.to.is_none() {
                    return Err(AppError::bad_request("receipt.range", "请填写起止号码", "fill in the first and last numbers"));
                }
                crate::receipts::issue(&ctx, input).await.map(|_| ())
            }
            "void" => crate::receipts::void(&ctx, &first(&f, "id"), crate::receipts::VoidInput { reason: first(&f, "reason") }).await.map(|_| ()),
            "return" => crate::receipts::give_back(&ctx, &first(&f, "id")).await.map(|_| ()),
            _ => Err(AppError::bad_request("invalid_form", "未知操作", "unknown operation")),
        }
    }
    .await;
    match attempt {
        Ok(()) => {
            let flash = Flash { done_zh: "已保存".into(), done_en: "Saved".into(), warnings: Vec::new() };
            Ok(redirect_with_flash(&ctx, "/fine-receipts", &flash))
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(UiErr(e)),
        Err(e) => with_status(receipts_form(&ctx, l, Some(error_view(&e, l))).await, e.status),
    }
}
