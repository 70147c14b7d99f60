//! 网上办案 over HTTP: scenarios from lead to served decision, on SQLite and PostgreSQL.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const TEAM: &str = "u-team-01";

/// The officer account's person and a second certified, established officer of team 01.
pub async fn handlers(app: &TestApp) -> (String, String) {
    let t = app.tenant_id().await;
    let officer = app.store.account(&t, "a-officer").await.unwrap().unwrap().person_id.unwrap();
    let certs = app.store.certificates(&t).await.unwrap();
    let today = chengguan_web::services::today();
    let other = app
        .people_in(TEAM)
        .await
        .into_iter()
        .filter(|p| p.id != officer && p.staffing.is_established() && p.status == chengguan_domain::people::PersonStatus::Active)
        .find(|p| certs.iter().any(|c| c.person_id == p.id && c.valid_on(today) && c.valid_until > today + chrono::Duration::days(200)))
        .expect("a second certified officer")
        .id;
    (officer, other)
}

pub async fn cmd(app: &TestApp, token: &str, case: &str, body: Value) -> Value {
    let name = body["command"].as_str().unwrap_or("").to_owned();
    let r = app.post(token, &format!("/api/v1/cases/{case}/commands"), body).await;
    let v = expect_json(r, StatusCode::OK).await;
    assert!(v["case_id"].is_string(), "{name}: {v}");
    v
}

pub fn review() -> Value {
    json!({ "subject_and_authority": true, "officer_qualification": true, "procedure": true, "facts_and_evidence": true,
            "legal_basis_and_discretion": true, "documents": true, "judiciary_transfer_needed": false, "conclusion": "agree" })
}

/// Registers and files a case (SZ-001 占道经营, a person) with the two handlers; returns its id.
pub async fn filed_case(app: &TestApp, officer: &str, leader: &str, party: &str) -> String {
    let (h1, h2) = handlers(app).await;
    let today = chengguan_web::services::today();
    let r = app
        .post(
            officer,
            "/api/v1/cases",
            json!({ "unit_id": TEAM, "source": "patrol", "lead_on": today, "title": "占道经营", "content": "巡查发现当事人在人行道上摆摊经营" }),
        )
        .await;
    let id = expect_json(r, StatusCode::CREATED).await["case_id"].as_str().unwrap().to_owned();
    cmd(app, officer, &id, json!({ "command": "record_check", "finding": "现场核实存在占道经营", "violation_found": true })).await;
    cmd(
        app,
        officer,
        &id,
        json!({ "command": "propose_filing", "cause_code": "SZ-001", "party": { "kind": "person", "name": party, "id_number": "420103198501011234", "phone": "13812345678", "address": "江汉区民族路1号" },
            "violation_on": today - chrono::Duration::days(3), "handlers": [h1, h2], "facts": "当事人在人行道摆摊占道约6平方米", "reason": "涉嫌擅自占用城市道路" }),
    )
    .await;
    cmd(app, leader, &id, json!({ "command": "approve", "opinion": "同意立案" })).await;
    id
}

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
    let tenant = app.tenant_id().await;
    let report = app.store.verify_tenant(&tenant, None, None).await.unwrap();
    assert!(report.is_ok(), "the record no longer verifies: {report:?}");
}
