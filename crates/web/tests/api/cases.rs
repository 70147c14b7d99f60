//! 网上办案 over HTTP: scenarios from lead to served decision, on SQLite and PostgreSQL. The helpers
//! here are shared with `case_gates.rs` and `matrix.rs`.

use crate::helpers::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const TEAM: &str = "u-team-01";

/// The officer account's person and a second certified, established officer of team 01.
pub async fn handlers(app: &TestApp) -> (String, String) {
    let t = app.tenant_id().await;
    let officer = app.store.account(&t, "a-officer").await.unwrap().unwrap().person_id.unwrap();
    let (people, certs) = (app.store.people(&t).await.unwrap(), app.store.certificates(&t).await.unwrap());
    let other =
        chengguan_web::demo_cases::second_officer(&people, &certs, &officer, chengguan_web::services::today(), 200).expect("a second certified officer");
    (officer, other)
}

/// A command that must succeed; its answer.
pub async fn cmd(app: &TestApp, token: &str, case: &str, body: Value) -> Value {
    let name = body["command"].as_str().unwrap_or("").to_owned();
    let r = try_cmd(app, token, case, body).await;
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, StatusCode::OK, "{name}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["case_id"].is_string(), "{name}: {v}");
    v
}

/// A command, whatever the answer.
pub async fn try_cmd(app: &TestApp, token: &str, case: &str, body: Value) -> reqwest::Response {
    app.post(token, &format!("/api/v1/cases/{case}/commands"), body).await
}

pub fn review() -> Value {
    json!({ "subject_and_authority": true, "officer_qualification": true, "procedure": true, "facts_and_evidence": true,
            "legal_basis_and_discretion": true, "documents": true, "judiciary_transfer_needed": false, "conclusion": "agree" })
}

/// Registers and files a case (SZ-001 占道经营, a person) with the two handlers; returns its id.
pub async fn filed_case(app: &TestApp, officer: &str, leader: &str, party: &str) -> String {
    let (h1, h2) = handlers(app).await;
    let today = now(app).date();
    let id = lead(app, officer, TEAM, json!({})).await;
    cmd(app, officer, &id, json!({ "command": "record_check", "finding": "现场核实存在占道经营", "violation_found": true })).await;
    cmd(app, officer, &id, filing(party, today - Duration::days(3), &[&h1, &h2])).await;
    cmd(app, leader, &id, json!({ "command": "approve", "opinion": "同意立案" })).await;
    id
}

// ------------------------------------------------------------------------------------ shared helpers

/// The accounts a case needs, logged in, and the two handlers of team 01.
pub struct Crew {
    pub tenant: String,
    pub officer: String,
    pub leader: String,
    pub reviewer: String,
    pub lawyer: String,
    pub admin: String,
    pub h1: String,
    pub h2: String,
}

pub async fn crew(app: &TestApp) -> Crew {
    let (h1, h2) = handlers(app).await;
    Crew {
        tenant: app.tenant_id().await,
        officer: app.token("officer").await,
        leader: app.token("leader").await,
        reviewer: app.token("legal_reviewer").await,
        lawyer: app.token("lawyer").await,
        admin: app.token("admin").await,
        h1,
        h2,
    }
}

/// The server's clock (moved forward by tests).
pub fn now(app: &TestApp) -> NaiveDateTime {
    app.state().clock.now()
}

/// Registers a patrol lead in `unit` (fields of `extra` replace the defaults); returns its id.
pub async fn lead(app: &TestApp, token: &str, unit: &str, extra: Value) -> String {
    let mut body =
        json!({ "unit_id": unit, "source": "patrol", "lead_on": now(app).date(), "title": "占道经营", "content": "巡查发现当事人在人行道上摆摊经营" });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app.post(token, "/api/v1/cases", body).await;
    expect_json(r, StatusCode::CREATED).await["case_id"].as_str().unwrap().to_owned()
}

/// A filing proposal for SZ-001 against a person.
pub fn filing(party: &str, violation_on: NaiveDate, handlers: &[&str]) -> Value {
    json!({ "command": "propose_filing", "cause_code": "SZ-001",
        "party": { "kind": "person", "name": party, "id_number": "420103198501011234", "phone": "13812345678", "address": "江汉区民族路1号" },
        "violation_on": violation_on, "handlers": handlers, "facts": "当事人在人行道摆摊占道", "reason": "涉嫌擅自占用城市道路" })
}

/// An investigation report proposing a fine (yuan) for `quantity` m² occupied.
pub fn penalty_report(fine: i64, quantity: i64) -> Value {
    json!({ "command": "submit_report", "findings": "当事人擅自占用人行道经营", "evidence_summary": "现场检查笔录、询问笔录",
        "provisions": "《城市道路管理条例》第二十七条、第四十二条", "facts": { "quantity": quantity, "harm": "minor" },
        "proposal": { "outcome": "penalty", "penalties": ["fine"], "fine_yuan": fine } })
}

/// The two on-site evidence items of an ordinary case.
pub async fn evidence(app: &TestApp, c: &Crew, id: &str) {
    let at = now(app);
    cmd(app, &c.officer, id, json!({ "command": "add_evidence", "evidence": { "kind": "site_inspection", "title": "现场检查笔录", "officers": [c.h1, c.h2], "collected_at": at, "place": "民族路", "party_present": true } })).await;
    cmd(app, &c.officer, id, json!({ "command": "add_evidence", "evidence": { "kind": "interview", "title": "询问笔录", "officers": [c.h1, c.h2], "collected_at": at, "interviewee": "当事人" } })).await;
}

/// Reported → prior notice approved (legal review, leader) and served today.
pub async fn notified(app: &TestApp, c: &Crew, id: &str) {
    cmd(app, &c.officer, id, json!({ "command": "propose_notice" })).await;
    cmd(app, &c.reviewer, id, json!({ "command": "approve", "opinion": "事实清楚，同意告知", "review": review() })).await;
    cmd(app, &c.leader, id, json!({ "command": "approve", "opinion": "同意" })).await;
    let r = cmd(app, &c.officer, id, json!({ "command": "serve_notice", "served_on": now(app).date(), "method": "直接送达" })).await;
    assert_eq!(r["state"], "notified", "{r}");
}

/// A case filed, evidenced and reported with a fine: (id).
pub async fn reported_case(app: &TestApp, c: &Crew, party: &str, fine: i64, quantity: i64) -> String {
    let id = filed_case(app, &c.officer, &c.leader, party).await;
    evidence(app, c, &id).await;
    let r = cmd(app, &c.officer, &id, penalty_report(fine, quantity)).await;
    assert_eq!(r["state"], "reported", "{r}");
    id
}

pub async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    app.get_ok(token, &format!("/api/v1/cases/{id}")).await
}

/// People of the bureau who have no account (deputy directors, the second legal officer …).
pub async fn bureau_people_without_account(app: &TestApp) -> Vec<String> {
    let t = app.tenant_id().await;
    let with: BTreeSet<String> = app.store.accounts(&t).await.unwrap().into_iter().filter_map(|a| a.person_id).collect();
    app.people_in("u-bureau").await.into_iter().map(|p| p.id).filter(|p| !with.contains(p)).collect()
}

/// The admin creates an account for a person with grants (role, unit); returns its token.
pub async fn account_for(app: &TestApp, admin: &str, username: &str, person: &str, grants: &[(&str, &str)]) -> String {
    let grants: Vec<Value> = grants.iter().map(|(r, u)| json!({ "role": r, "org_unit_id": u })).collect();
    let password = "Case-Tests-2026!";
    let r = app.post(admin, "/api/v1/accounts", json!({ "username": username, "password": password, "person_id": person, "grants": grants })).await;
    expect_json(r, StatusCode::CREATED).await;
    app.token_with(username, password).await
}

/// The demo tenant's record verifies end to end, with the checkpoints' key and every attached
/// evidence file re-hashed (`chengguan verify`).
pub async fn verifies(app: &TestApp) {
    let tenant = app.tenant_id().await;
    let report = app.store.verify_tenant(&tenant, Some(&app.state().signer.vkey()), Some(&app.state().evidence)).await.unwrap();
    assert!(report.is_ok(), "the record no longer verifies: {report:?}");
}

/// The issued numbers of a case for one document: (seq, rendered).
pub fn numbers_of(d: &Value, document: &str) -> Vec<(i64, String)> {
    d["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["document"] == document && n["status"] == "issued")
        .map(|n| (n["seq"].as_i64().unwrap(), n["rendered"].as_str().unwrap().to_owned()))
        .collect()
}

fn deadline<'a>(d: &'a Value, rule: &str) -> &'a Value {
    d["deadlines"].as_array().unwrap().iter().rev().find(|x| x["rule"] == rule).unwrap_or_else(|| panic!("no deadline {rule}: {}", d["deadlines"]))
}

// ------------------------------------------------------------------------------------ scenarios

#[tokio::test]
async fn an_ordinary_case_goes_from_lead_to_served_decision_and_the_record_verifies() {
    let app = spawn_app().await;
    let officer = app.token("officer").await;
    let leader = app.token("leader").await;
    let reviewer = app.token("legal_reviewer").await;
    let (h1, h2) = handlers(&app).await;
    let id = filed_case(&app, &officer, &leader, "张三").await;
    let d = app.get_ok(&officer, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["summary"]["state"], "investigating", "{d}");
    assert!(
        d["deadlines"].as_array().unwrap().iter().any(|x| x["rule"] == "apl.decision_period" && x["citation"].as_str().unwrap().contains("第六十条")),
        "{d}"
    );
    assert_eq!(d["party"]["name"], "张*", "the officer sees the party masked");
    let now = app.state().clock.now();
    cmd(&app, &officer, &id, json!({ "command": "add_evidence", "evidence": { "kind": "site_inspection", "title": "现场检查笔录", "content": "占道约6平方米", "officers": [h1, h2], "collected_at": now, "place": "民族路", "party_present": true } })).await;
    cmd(&app, &officer, &id, json!({ "command": "add_evidence", "evidence": { "kind": "interview", "title": "询问笔录（张三）", "officers": [h1, h2], "collected_at": now, "interviewee": "张三" } })).await;
    let r = cmd(
        &app,
        &officer,
        &id,
        json!({ "command": "submit_report", "findings": "当事人擅自占用人行道经营", "evidence_summary": "现场检查笔录、询问笔录", "provisions": "《城市道路管理条例》第二十七条、第四十二条",
            "facts": { "quantity": 6, "harm": "minor" }, "proposal": { "outcome": "penalty", "penalties": ["fine"], "fine_yuan": 6000, "reason_outside_range": "当事人经营时间长，多次劝导未改" } }),
    )
    .await;
    assert_eq!(r["state"], "reported", "{r}");
    cmd(&app, &officer, &id, json!({ "command": "propose_notice" })).await;
    cmd(&app, &reviewer, &id, json!({ "command": "approve", "opinion": "事实清楚，同意告知", "review": review() })).await;
    cmd(&app, &leader, &id, json!({ "command": "approve", "opinion": "同意" })).await;
    let today = now.date();
    cmd(&app, &officer, &id, json!({ "command": "serve_notice", "served_on": today, "method": "直接送达" })).await;
    cmd(&app, &officer, &id, json!({ "command": "waive_statement", "on": today, "signed": true })).await;
    cmd(&app, &officer, &id, json!({ "command": "propose_decision" })).await;
    cmd(&app, &reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;
    let r = cmd(&app, &leader, &id, json!({ "command": "approve", "opinion": "同意处罚" })).await;
    assert_eq!(r["state"], "decided", "{r}");
    let d = app.get_ok(&officer, &format!("/api/v1/cases/{id}")).await;
    let numbers: Vec<&str> = d["numbers"].as_array().unwrap().iter().map(|n| n["rendered"].as_str().unwrap()).collect();
    assert!(numbers.iter().any(|n| n.contains("罚决字〔") && n.ends_with("〕1号")), "{numbers:?}");
    cmd(
        &app,
        &officer,
        &id,
        json!({ "command": "serve", "method": "in_person", "served_at": app.state().clock.now(), "recipient": "张三", "place": "民族路" }),
    )
    .await;
    let d = app.get_ok(&officer, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["summary"]["state"], "served");
    assert!(d["timeline"].as_array().unwrap().iter().all(|a| a["ledger_seq"].is_number()), "every act is in the record");
    verifies(&app).await;
}

/// A fine of 15,000 yuan on a person: hearing right (local.hearing_fine_person 10,000) and a major
/// case (large fine). Legal review before the notice, the hearing, the statement, a collective
/// discussion, the second legal review, the lawyer's step, a reasoned decision, electronic service
/// with the party's consent.
#[tokio::test]
async fn a_major_case_with_a_hearing_is_reviewed_twice_discussed_and_decided_with_reasons() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let spare = bureau_people_without_account(&app).await;
    let (host, deputy, clerk) = (spare[0].clone(), spare[1].clone(), spare[2].clone());
    let host_token = account_for(&app, &c.admin, "hearing-host", &host, &[("legal_reviewer", "u-bureau")]).await;
    let t = app.tenant_id().await;
    let director = app.store.account(&t, "a-leader").await.unwrap().unwrap().person_id.unwrap();

    let id = filed_case(&app, &c.officer, &c.leader, "李四").await;
    evidence(&app, &c, &id).await;
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "confirm_address", "address": { "address": "江汉区民族路1号", "recipient": "李四", "phone": "13812345678",
        "electronic_consent": true, "electronic_address": "13812345678", "signed_on": now(&app).date() } }),
    )
    .await;
    // 25 m²: the severe tier (60–100 % of 20,000 yuan); 15,000 yuan is inside it.
    let r = cmd(&app, &c.officer, &id, penalty_report(15_000, 25)).await;
    assert!(r["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "case.major"), "{r}");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["case"]["hearing_right"], true, "{}", d["case"]);
    assert_eq!(d["summary"]["major"], true);
    assert!(d["case"]["major_grounds"].as_array().unwrap().contains(&json!("large_fine")));

    // First legal review: before the prior notice.
    notified(&app, &c, &id).await;
    let d = detail(&app, &c.officer, &id).await;
    assert!(d["case"]["notice"]["hearing_request_due"].is_string(), "the notice carries the hearing right: {}", d["case"]["notice"]);
    assert_eq!(deadline(&d, "apl.hearing_request")["status"], "open");
    let day0 = now(&app).date();
    let r = cmd(&app, &c.officer, &id, json!({ "command": "request_hearing", "on": day0 })).await;
    assert_eq!(r["state"], "hearing_requested");
    let hearing_at = (day0 + Duration::days(14)).and_hms_opt(9, 0, 0).unwrap();
    let r = cmd(
        &app,
        &c.leader,
        &id,
        json!({ "command": "schedule_hearing", "at": hearing_at, "place": "江汉区城市管理执法局听证室", "host": host,
        "members": [], "recorder": clerk, "public": true, "notice_served_on": day0 }),
    )
    .await;
    assert_eq!(r["state"], "hearing_scheduled");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(numbers_of(&d, "hearing_notice").len(), 1, "{}", d["numbers"]);
    // The host cannot record the hearing before it is held.
    let (status, code) = expect_client_error(
        try_cmd(&app, &host_token, &id, json!({ "command": "record_hearing", "result": "held", "transcript": "…", "host_opinion": "…" })).await,
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "case.hearing_not_yet"));

    app.state().clock.advance(Duration::days(15));
    let r = cmd(
        &app,
        &host_token,
        &id,
        json!({ "command": "record_hearing", "result": "held", "transcript": "听证笔录：当事人陈述经营困难，请求从轻",
        "host_opinion": "事实清楚，建议维持拟处罚意见，酌情考虑当事人困难" }),
    )
    .await;
    assert_eq!(r["state"], "deliberating");
    let today = now(&app).date();
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "record_statement", "on": today, "content": "当事人称系初次经营，请求减轻处罚", "accepted": false,
        "reasons": "占道面积大，影响通行，不予采纳" }),
    )
    .await;
    let d = detail(&app, &c.officer, &id).await;
    assert!(d["case"]["major_grounds"].as_array().unwrap().contains(&json!("major_rights_hearing")), "{}", d["case"]["major_grounds"]);
    cmd(
        &app,
        &c.leader,
        &id,
        json!({ "command": "record_discussion", "held_on": today, "chair": director, "attendees": [director, deputy],
        "recorder": clerk, "opinions": "一致同意按听证后意见处罚", "conclusion": "penalty" }),
    )
    .await;
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "propose_decision", "reasoned_text": "经查，当事人占道经营25平方米……本机关认为……",
        "answers_to_statement": "当事人称系初次经营：经查属实，但占道面积大、影响通行，不符合从轻条件" }),
    )
    .await;
    // Second legal review (after the hearing), the resident lawyer, then the leader.
    let inbox = app.get_ok(&c.reviewer, "/api/v1/case-inbox").await;
    assert!(inbox.as_array().unwrap().iter().any(|i| i["case"]["id"] == id.as_str() && i["act"] == "decision" && i["steps"] == 3), "{inbox}");
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "听证后复核：事实清楚，程序合法", "review": review() })).await;
    let (status, code) = expect_client_error(try_cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "case.approval.wrong_step"), "the lawyer's step comes first");
    cmd(&app, &c.lawyer, &id, json!({ "command": "approve", "opinion": "法律意见：同意" })).await;
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "经集体讨论，同意处罚" })).await;
    assert_eq!(r["state"], "decided", "{r}");
    let d = detail(&app, &c.officer, &id).await;
    let decision = &d["case"]["decision"];
    assert!(decision["reasoned_text"].as_str().unwrap().contains("本机关认为"), "{decision}");
    assert!(decision["answers_to_statement"].is_string());
    assert_eq!(decision["proposal"]["fine_yuan"], 15_000);
    let sub = d["case"]["submissions"].as_array().unwrap().iter().rev().find(|s| s["act"] == "decision").unwrap();
    let roles: Vec<&str> = sub["opinions"].as_array().unwrap().iter().map(|o| o["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["legal_reviewer", "lawyer", "leader"]);
    let reviews =
        d["case"]["submissions"].as_array().unwrap().iter().flat_map(|s| s["opinions"].as_array().unwrap()).filter(|o| o["role"] == "legal_reviewer").count();
    assert_eq!(reviews, 2, "reviewed before the notice and after the hearing");
    assert_eq!(numbers_of(&d, "decision").len(), 1);
    assert_eq!(deadline(&d, "apl.service")["status"], "open");

    let r =
        cmd(&app, &c.officer, &id, json!({ "command": "serve", "method": "electronic", "served_at": now(&app), "recipient": "李四", "place": "13812345678" }))
            .await;
    assert_eq!(r["state"], "served");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(deadline(&d, "apl.service")["status"], "met");
    verifies(&app).await;
}

/// 首违不罚: SZ-001 is on the first-offence list up to 5 m², first offence, minor harm, corrected in
/// time. No prior notice (nothing to tell of a penalty), education recorded, decided and served.
#[tokio::test]
async fn a_first_offence_is_not_penalised_without_prior_notice_and_the_decision_is_served() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "王五").await;
    evidence(&app, &c, &id).await;
    let r = cmd(&app, &c.officer, &id, json!({ "command": "submit_report", "findings": "当事人初次占道经营约3平方米，经责令当场改正", "evidence_summary": "现场检查笔录、询问笔录",
        "provisions": "《行政处罚法》第三十三条第一款", "facts": { "first_offence": true, "corrected_in_time": true, "harm": "minor", "quantity": 3 },
        "proposal": { "outcome": "no_penalty", "no_penalty_ground": "first_offence", "education": "向当事人讲解《城市道路管理条例》，当事人签字承诺不再占道" } }))
    .await;
    assert_eq!(r["state"], "reported");
    let d = detail(&app, &c.officer, &id).await;
    assert!(d["case"]["report"]["assessment"]["no_penalty"].is_object(), "{}", d["case"]["report"]["assessment"]);
    assert!(d["commands"].as_array().unwrap().contains(&json!("propose_decision")), "{}", d["commands"]);
    // No prior notice for a decision not to penalise.
    let (status, code) = expect_client_error(try_cmd(&app, &c.officer, &id, json!({ "command": "propose_notice" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "case.notice_not_needed"));
    cmd(&app, &c.officer, &id, json!({ "command": "propose_decision" })).await;
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "符合首违不罚条件", "review": review() })).await;
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意不予处罚" })).await;
    assert_eq!(r["state"], "decided");
    let d = detail(&app, &c.officer, &id).await;
    assert!(d["case"]["notice"].is_null());
    assert_eq!(d["case"]["decision"]["outcome"], "no_penalty");
    assert!(d["case"]["decision"]["payment"].is_null(), "nothing to pay");
    let n = numbers_of(&d, "no_penalty");
    assert_eq!(n.len(), 1, "{}", d["numbers"]);
    assert!(n[0].1.contains("不罚决字〔"), "{n:?}");
    cmd(&app, &c.officer, &id, json!({ "command": "serve", "method": "in_person", "served_at": now(&app), "recipient": "王五", "place": "民族路" })).await;
    assert_eq!(detail(&app, &c.officer, &id).await["summary"]["state"], "served");
    verifies(&app).await;
}

#[tokio::test]
async fn a_case_is_transferred_to_the_judiciary_after_legal_review() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "赵六").await;
    evidence(&app, &c, &id).await;
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "submit_report", "findings": "当事人暴力抗法，涉嫌妨害公务", "evidence_summary": "执法记录仪视频、询问笔录",
        "provisions": "《行政处罚法》第二十七条", "proposal": { "outcome": "judiciary", "receiving_body": "武汉市公安局江汉区分局" } }),
    )
    .await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_decision" })).await;
    let mut checks = review();
    checks["judiciary_transfer_needed"] = json!(true);
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "涉嫌犯罪，应当移送", "review": checks })).await;
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意移送" })).await;
    assert_eq!(r["state"], "transferred_judiciary");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(numbers_of(&d, "judiciary_transfer").len(), 1, "{}", d["numbers"]);
    assert!(d["deadlines"].as_array().unwrap().iter().all(|x| x["status"] != "open"), "nothing runs on: {}", d["deadlines"]);
    // A terminal case takes no further procedural command.
    let (status, code) = expect_client_error(try_cmd(&app, &c.officer, &id, json!({ "command": "request_termination", "reason": "x" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "case.closed_state"));
    verifies(&app).await;
}

#[tokio::test]
async fn a_lead_past_the_limitation_period_is_not_filed_but_declined() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = lead(&app, &c.officer, TEAM, json!({ "title": "群众反映三年前的占道经营" })).await;
    cmd(&app, &c.officer, &id, json!({ "command": "record_check", "finding": "违法行为发生于三年前", "violation_found": true })).await;
    let three_years = now(&app).date() - Duration::days(3 * 365 + 1);
    let v =
        expect_rule(try_cmd(&app, &c.officer, &id, filing("孙七", three_years, &[&c.h1, &c.h2])).await, StatusCode::UNPROCESSABLE_ENTITY, "case.limitation")
            .await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("第三十六条"), "{v}");
    assert_eq!(detail(&app, &c.officer, &id).await["summary"]["state"], "checked");
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "propose_disposal", "outcome": "decline", "reason": "违法行为在二年内未被发现，不再给予行政处罚（《行政处罚法》第三十六条）" }),
    )
    .await;
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意不予立案" })).await;
    assert_eq!(r["state"], "declined");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(numbers_of(&d, "decline").len(), 1, "{}", d["numbers"]);
    assert!(d["summary"]["filed_on"].is_null());
    verifies(&app).await;
}

/// A complaint: the complainant must be told the outcome (local.complaint_reply); telling them
/// closes the deadline, also after the lead was declined.
#[tokio::test]
async fn a_complainant_is_told_the_outcome_and_that_closes_the_reply_deadline() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = lead(
        &app,
        &c.officer,
        TEAM,
        json!({ "source": "complaint", "source_ref": "12345-2026-000123", "title": "投诉：门店占道",
            "informant": { "name": "周八", "address": "江汉区民族路3号", "phone": "13900000000" }, "content": "市民投诉门店在人行道堆放货物" }),
    )
    .await;
    let d = detail(&app, &c.officer, &id).await;
    let reply = deadline(&d, "local.complaint_reply");
    assert_eq!(reply["status"], "open");
    assert!(reply["citation"].as_str().unwrap().contains("投诉"), "{reply}");
    assert!(d["commands"].as_array().unwrap().contains(&json!("notify_informant")), "{}", d["commands"]);
    cmd(&app, &c.officer, &id, json!({ "command": "record_check", "finding": "现场未发现占道堆放", "violation_found": false })).await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_disposal", "outcome": "decline", "reason": "经核查违法事实不存在" })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" })).await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["summary"]["state"], "declined");
    assert_eq!(deadline(&d, "local.complaint_reply")["status"], "open", "declining does not tell the complainant");
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "notify_informant", "on": now(&app).date(), "method": "电话", "content": "经核查，现场未发现占道堆放，不予立案" }),
    )
    .await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(deadline(&d, "local.complaint_reply")["status"], "met");
    assert_eq!(d["case"]["informant_told"], json!(now(&app).date()));
    verifies(&app).await;
}

async fn post_keyed(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(token).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

#[tokio::test]
async fn idempotency_keys_make_registration_and_commands_safe_to_retry() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let body = json!({ "unit_id": TEAM, "source": "patrol", "lead_on": now(&app).date(), "title": "占道经营", "content": "移动终端登记" });
    let first = expect_json(post_keyed(&app, &c.officer, "/api/v1/cases", "lead-0001", &body).await, StatusCode::CREATED).await;
    assert_eq!(first["replayed"], false);
    let before = app.snapshot(&c.tenant).await;
    let again = expect_json(post_keyed(&app, &c.officer, "/api/v1/cases", "lead-0001", &body).await, StatusCode::OK).await;
    assert_eq!(again["replayed"], true);
    assert_eq!(again["case_id"], first["case_id"]);
    app.assert_unchanged(&before, "a replayed registration").await;
    let list = app.get_ok(&c.officer, "/api/v1/cases").await;
    assert_eq!(list["total"], 1, "one case: {list}");
    // The same key for a different request is refused and changes nothing.
    let mut other = body.clone();
    other["title"] = json!("另一条线索");
    expect_error(post_keyed(&app, &c.officer, "/api/v1/cases", "lead-0001", &other).await, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    app.assert_unchanged(&before, "a reused key").await;
    // Another account's key space is its own.
    let led = expect_json(post_keyed(&app, &c.leader, "/api/v1/cases", "lead-0001", &body).await, StatusCode::CREATED).await;
    assert_ne!(led["case_id"], first["case_id"]);

    // A command retried with its key is applied once.
    let id = first["case_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/cases/{id}/commands");
    let check = json!({ "command": "record_check", "finding": "现场核实", "violation_found": true });
    let a = expect_json(post_keyed(&app, &c.officer, &path, "check-1", &check).await, StatusCode::OK).await;
    let before = app.snapshot(&c.tenant).await;
    let b = expect_json(post_keyed(&app, &c.officer, &path, "check-1", &check).await, StatusCode::OK).await;
    assert_eq!((b["replayed"].as_bool(), &b["act"], &b["version"]), (Some(true), &a["act"], &a["version"]), "{b}");
    app.assert_unchanged(&before, "a replayed command").await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["timeline"].as_array().unwrap().iter().filter(|x| x["kind"] == "record_check").count(), 1);
    let mut changed = check.clone();
    changed["finding"] = json!("另一个意见");
    expect_error(post_keyed(&app, &c.officer, &path, "check-1", &changed).await, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    app.assert_unchanged(&before, "a reused command key").await;
    verifies(&app).await;
}

/// Posts `bodies` to one case's commands all at once (each with its own token); the answers in order.
async fn concurrently(app: &TestApp, calls: Vec<(String, String, Value)>) -> Vec<(StatusCode, Value)> {
    let mut set = tokio::task::JoinSet::new();
    for (i, (token, case, body)) in calls.into_iter().enumerate() {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/cases/{case}/commands"));
        set.spawn(async move {
            let r = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            let status = r.status();
            (i, status, r.json::<Value>().await.unwrap())
        });
    }
    let mut out: Vec<(usize, StatusCode, Value)> = set.join_all().await;
    out.sort_by_key(|x| x.0);
    out.into_iter().map(|(_, s, v)| (s, v)).collect()
}

#[tokio::test]
async fn concurrent_commands_on_one_case_are_each_applied_once_with_gapless_acts() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "钱九").await;
    let acts_before = detail(&app, &c.officer, &id).await["timeline"].as_array().unwrap().len();
    let at = now(&app);
    let calls = (0..8)
        .map(|i| {
            (
                c.officer.clone(),
                id.clone(),
                json!({ "command": "add_evidence", "evidence": { "kind": "photo", "title": format!("现场照片{i}"), "collected_at": at } }),
            )
        })
        .collect();
    let answers = concurrently(&app, calls).await;
    for (s, v) in &answers {
        assert_eq!(*s, StatusCode::OK, "{v}");
    }
    let acts: BTreeSet<i64> = answers.iter().map(|(_, v)| v["act"].as_i64().unwrap()).collect();
    assert_eq!(acts.len(), 8, "each command its own act: {acts:?}");
    let d = detail(&app, &c.officer, &id).await;
    let timeline = d["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), acts_before + 8);
    let ns: Vec<i64> = timeline.iter().map(|a| a["n"].as_i64().unwrap()).collect();
    assert_eq!(ns, (1..=timeline.len() as i64).collect::<Vec<_>>(), "acts are numbered without gaps");
    let titles: BTreeSet<String> = d["case"]["evidence"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect();
    assert_eq!(titles, (0..8).map(|i| format!("现场照片{i}")).collect::<BTreeSet<_>>(), "each applied exactly once");
    assert_eq!(d["summary"]["version"].as_i64().unwrap() as usize, timeline.len());
    verifies(&app).await;
}

#[tokio::test]
async fn document_numbers_stay_gapless_when_cases_are_filed_and_decided_concurrently() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let id = lead(&app, &c.officer, TEAM, json!({})).await;
        cmd(&app, &c.officer, &id, json!({ "command": "record_check", "finding": "现场核实", "violation_found": true })).await;
        cmd(&app, &c.officer, &id, filing(&format!("当事人{i}"), now(&app).date() - Duration::days(2), &[&c.h1, &c.h2])).await;
        ids.push(id);
    }
    let approve = |opinion: &str| json!({ "command": "approve", "opinion": opinion });
    let answers = concurrently(&app, ids.iter().map(|id| (c.leader.clone(), id.clone(), approve("同意立案"))).collect()).await;
    assert!(answers.iter().all(|(s, v)| *s == StatusCode::OK && v["state"] == "investigating"), "{answers:?}");
    for id in &ids {
        cmd(&app, &c.officer, id, penalty_report(6000, 6)).await;
        notified(&app, &c, id).await;
        cmd(&app, &c.officer, id, json!({ "command": "waive_statement", "on": now(&app).date(), "signed": true })).await;
        cmd(&app, &c.officer, id, json!({ "command": "propose_decision" })).await;
        cmd(&app, &c.reviewer, id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;
    }
    let answers = concurrently(&app, ids.iter().map(|id| (c.leader.clone(), id.clone(), approve("同意处罚"))).collect()).await;
    assert!(answers.iter().all(|(s, v)| *s == StatusCode::OK && v["state"] == "decided"), "{answers:?}");
    for document in ["filing", "prior_notice", "decision"] {
        let mut seqs = Vec::new();
        let mut rendered = BTreeSet::new();
        for id in &ids {
            let d = detail(&app, &c.officer, id).await;
            let n = numbers_of(&d, document);
            assert_eq!(n.len(), 1, "{document}: {}", d["numbers"]);
            seqs.push(n[0].0);
            rendered.insert(n[0].1.clone());
        }
        seqs.sort();
        assert_eq!(seqs, [1, 2, 3, 4], "{document}: numbers 1–4, no gap, no duplicate");
        assert_eq!(rendered.len(), 4);
    }
    verifies(&app).await;
}

#[tokio::test]
async fn interference_is_logged_by_anyone_and_read_and_acknowledged_by_inspectors() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let auxiliary = app.token("auxiliary").await;
    let inspector = app.token("inspector").await;
    let id = filed_case(&app, &c.officer, &c.leader, "吴十").await;
    let r = app
        .post(
            &auxiliary,
            "/api/v1/interference",
            json!({ "case_id": id, "interferer_name": "某某", "interferer_post": "某单位工作人员",
            "method": "打招呼", "content": "要求对当事人从轻处理" }),
        )
        .await;
    let v = expect_json(r, StatusCode::CREATED).await;
    let itf = v["id"].as_str().unwrap().to_owned();
    assert_eq!((v["unit_id"].as_str(), v["status"].as_str()), (Some(TEAM), Some("reported")), "{v}");
    // The officer (and the auxiliary) cannot read the records; the inspector and the leader can.
    for token in [&c.officer, &auxiliary] {
        let before = app.ledger_len().await;
        expect_error(app.get(token, "/api/v1/interference").await, StatusCode::FORBIDDEN, "forbidden").await;
        assert_eq!(app.ledger_len().await, before);
    }
    let list = app.get_ok(&inspector, "/api/v1/interference").await;
    assert!(list.as_array().unwrap().iter().any(|x| x["id"] == itf.as_str() && x["case_id"] == id.as_str()), "{list}");
    assert!(app.get_ok(&c.leader, "/api/v1/interference").await.as_array().unwrap().iter().any(|x| x["id"] == itf.as_str()));
    // Only an inspector acknowledges.
    let before = app.snapshot(&c.tenant).await;
    expect_error(app.post(&c.leader, &format!("/api/v1/interference/{itf}/acknowledge"), json!({ "note": "已阅" })).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    app.assert_unchanged(&before, "a leader acknowledging").await;
    let v =
        expect_json(app.post(&inspector, &format!("/api/v1/interference/{itf}/acknowledge"), json!({ "note": "已登记，转案件监督" })).await, StatusCode::OK)
            .await;
    assert_eq!((v["status"].as_str(), v["inspector_note"].as_str()), (Some("acknowledged"), Some("已登记，转案件监督")));
    let list = app.get_ok(&inspector, "/api/v1/interference").await;
    assert_eq!(list.as_array().unwrap().iter().find(|x| x["id"] == itf.as_str()).unwrap()["status"], "acknowledged");
    let newest = &app.newest_entries(&c.leader, 1).await[0];
    assert_eq!(newest["action"], "interference.acknowledge", "{newest}");
    verifies(&app).await;
}

/// The case's warnings the caller sees: (rule, warning).
async fn warnings(app: &TestApp, token: &str, id: &str) -> Vec<(String, String)> {
    app.get_ok(token, "/api/v1/case-warnings")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["case_id"] == id)
        .map(|w| (w["rule"].as_str().unwrap().to_owned(), w["warning"].as_str().unwrap().to_owned()))
        .collect()
}

/// The sweep at chosen times: nothing early, near within the warning lead, overdue after the due
/// day; a second run at the same time changes nothing. The handlers and the leader see the
/// warnings; telling the complainant closes the deadline and the warning goes.
#[tokio::test]
async fn the_deadline_sweep_warns_near_and_overdue_idempotently_and_handlers_and_leaders_see_it() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = lead(&app, &c.officer, TEAM, json!({ "source": "complaint", "informant": { "name": "郑某", "phone": "13900000001" }, "title": "投诉：占道经营" }))
        .await;
    cmd(&app, &c.officer, &id, json!({ "command": "record_check", "finding": "现场核实存在占道经营", "violation_found": true })).await;
    cmd(&app, &c.officer, &id, filing("冯某", now(&app).date() - Duration::days(1), &[&c.h1, &c.h2])).await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意立案" })).await;
    let d = detail(&app, &c.officer, &id).await;
    let due = NaiveDate::parse_from_str(deadline(&d, "local.complaint_reply")["due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let at = |day: NaiveDate| day.and_hms_opt(10, 0, 0).unwrap();
    let state = app.state();
    let reply = "local.complaint_reply".to_owned();

    // Now (the day of the complaint): nothing to warn of.
    assert_eq!(chengguan_web::cases::sweep(state, now(&app)).await.unwrap(), 0);
    assert!(warnings(&app, &c.leader, &id).await.is_empty());
    // On the due day: near (the lead is two working days).
    let before = app.ledger_len().await;
    assert_eq!(chengguan_web::cases::sweep(state, at(due)).await.unwrap(), 1);
    assert_eq!(app.ledger_len().await, before + 1, "one entry per sweep that changes something");
    let snap = app.snapshot(&c.tenant).await;
    assert_eq!(chengguan_web::cases::sweep(state, at(due)).await.unwrap(), 0, "idempotent");
    app.assert_unchanged(&snap, "a second sweep").await;
    assert_eq!(warnings(&app, &c.leader, &id).await, [(reply.clone(), "near".to_owned())]);
    assert_eq!(warnings(&app, &c.officer, &id).await, [(reply.clone(), "near".to_owned())], "the handler sees the warnings of the case");
    // The day after: overdue; again idempotent.
    assert_eq!(chengguan_web::cases::sweep(state, at(due + Duration::days(1))).await.unwrap(), 1);
    assert_eq!(chengguan_web::cases::sweep(state, at(due + Duration::days(1))).await.unwrap(), 0);
    assert_eq!(warnings(&app, &c.leader, &id).await, [(reply.clone(), "overdue".to_owned())]);
    assert_eq!(warnings(&app, &c.officer, &id).await, [(reply.clone(), "overdue".to_owned())]);
    // Someone who is neither handler nor leader nor inspector of the case does not.
    let other = app.token("legal_reviewer").await;
    assert!(warnings(&app, &other, &id).await.is_empty());
    let listed = app.get_ok(&c.leader, "/api/v1/cases?overdue=true").await;
    assert!(listed["items"].as_array().unwrap().iter().any(|x| x["id"] == id.as_str()), "{listed}");
    // Telling the complainant closes the deadline; the warning is gone.
    cmd(&app, &c.officer, &id, json!({ "command": "notify_informant", "on": now(&app).date(), "method": "短信", "content": "已立案调查" })).await;
    assert!(warnings(&app, &c.leader, &id).await.is_empty());
    assert_eq!(chengguan_web::cases::sweep(state, at(due + Duration::days(1))).await.unwrap(), 0);
    verifies(&app).await;
}

/// A sweep running while commands close deadlines never writes a closed deadline back as open.
#[tokio::test]
async fn a_sweep_racing_commands_never_reopens_a_closed_deadline() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            lead(&app, &c.officer, TEAM, json!({ "source": "complaint", "informant": { "name": format!("投诉人{i}") }, "title": format!("投诉{i}") })).await,
        );
    }
    let d = detail(&app, &c.officer, &ids[0]).await;
    let due = NaiveDate::parse_from_str(deadline(&d, "local.complaint_reply")["due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let at = (due + Duration::days(1)).and_hms_opt(10, 0, 0).unwrap();
    // Sweeps alternately at an overdue time and at an early one, so that each rewrites every open
    // deadline, while the complainants are told (closing them).
    let state = app.state().clone();
    let early = now(&app);
    let sweeper = tokio::spawn(async move {
        for i in 0..40 {
            chengguan_web::cases::sweep(&state, if i % 2 == 0 { at } else { early }).await.unwrap();
        }
    });
    let day = now(&app).date();
    let calls = ids
        .iter()
        .map(|id| (c.officer.clone(), id.clone(), json!({ "command": "notify_informant", "on": day, "method": "电话", "content": "已核查" })))
        .collect();
    let answers = concurrently(&app, calls).await;
    assert!(answers.iter().all(|(s, _)| *s == StatusCode::OK), "{answers:?}");
    sweeper.await.unwrap();
    for id in &ids {
        let rows = app.store.case_deadlines(&c.tenant, id).await.unwrap();
        let reply = rows.iter().find(|r| r.text("rule") == Some("local.complaint_reply")).unwrap();
        assert_eq!(reply.text("status"), Some("met"), "{id}: {reply:?}");
    }
    assert_eq!(chengguan_web::cases::sweep(app.state(), at).await.unwrap(), 0);
    assert!(warnings(&app, &c.leader, &ids[0]).await.is_empty());
    verifies(&app).await;
}
