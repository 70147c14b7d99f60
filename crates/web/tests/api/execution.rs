//! Execution to archive over HTTP (penalty-procedure.md steps 12–16), on SQLite and PostgreSQL:
//! payment import and duplicates, the surcharge by day and its pause, a revocation that withdraws
//! the publication and opens accountability, closing and the archived case file, the board.

use crate::cases::{cmd, crew, detail, notified, reported_case, review, try_cmd, verifies, Crew};
use crate::helpers::*;
use chengguan_domain::demo::DEMO_PASSWORD;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A case with a 6,000-yuan fine decided and served in person today (the test day, Mon 2026-06-01).
async fn served_case(app: &TestApp, c: &Crew, party: &str) -> (String, String) {
    let id = reported_case(app, c, party, 6000, 6).await;
    notified(app, c, &id).await;
    let today = app.state().clock.now().date();
    cmd(app, &c.officer, &id, json!({ "command": "waive_statement", "on": today, "signed": true })).await;
    cmd(app, &c.officer, &id, json!({ "command": "propose_decision" })).await;
    cmd(app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;
    cmd(app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意处罚" })).await;
    let r = cmd(
        app,
        &c.officer,
        &id,
        json!({ "command": "serve", "method": "in_person", "served_at": app.state().clock.now(), "recipient": party, "place": "民族路" }),
    )
    .await;
    assert_eq!(r["state"], "served", "{r}");
    let d = detail(app, &c.officer, &id).await;
    let number = d["case"]["decision"]["number"].as_str().unwrap().to_owned();
    (id, number)
}

fn exec(d: &Value) -> &Value {
    &d["execution"]
}

#[tokio::test]
async fn payments_are_imported_once_and_duplicates_and_unknown_numbers_are_reported() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (id, number) = served_case(&app, &c, "钱一").await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(exec(&d)["balance"]["owed_fen"], 600_000, "{}", exec(&d));
    let due = d["deadlines"].as_array().unwrap().iter().find(|x| x["rule"] == "apl.payment").expect("payment deadline").clone();
    assert_eq!(due["due"], "2026-06-16", "APL art. 67: 15 days from service on 06-01");
    assert!(due["citation"].as_str().unwrap().contains("第六十七条"));

    let today = app.state().clock.now().date();
    let batch = json!({ "batch": "BOC-20260602-01", "notifications": [
        { "reference": "BOC-0001", "decision_number": number, "amount_fen": 200_000, "paid_on": today },
        { "reference": "BOC-0002", "decision_number": "江汉城管罚决字〔2026〕999号", "amount_fen": 100, "paid_on": today },
        { "reference": "BOC-0003", "decision_number": number, "amount_fen": 900_000, "paid_on": today },
    ]});
    let before = app.ledger_len().await;
    let r = expect_json(app.post(&c.officer, "/api/v1/payments/import", batch.clone()).await, StatusCode::OK).await;
    assert_eq!((r["recorded"].as_u64(), r["unknown"].as_u64(), r["refused"].as_u64(), r["duplicates"].as_u64()), (Some(1), Some(1), Some(1), Some(0)), "{r}");
    let lines = r["lines"].as_array().unwrap();
    assert_eq!(lines[1]["status"], "unknown_reference");
    assert_eq!(lines[2]["status"], "refused", "more than is owed: {r}");
    assert_eq!(app.ledger_len().await, before + 1, "one entry: the one payment recorded");
    // The same batch again changes nothing: the recorded reference is a duplicate.
    let before = app.ledger_len().await;
    let r = expect_json(app.post(&c.officer, "/api/v1/payments/import", batch).await, StatusCode::OK).await;
    assert_eq!((r["recorded"].as_u64(), r["duplicates"].as_u64()), (Some(0), Some(1)), "{r}");
    assert_eq!(app.ledger_len().await, before);
    // Entered by hand with a reference already recorded: refused, whatever case it names.
    let r =
        try_cmd(&app, &c.officer, &id, json!({ "command": "record_payment", "amount_fen": 100, "paid_on": today, "reference": "BOC-0001", "channel": "bank" }))
            .await;
    expect_error(r, StatusCode::CONFLICT, "case.payment.duplicate").await;
    // Cash is never taken (罚缴分离).
    let r =
        try_cmd(&app, &c.officer, &id, json!({ "command": "record_payment", "amount_fen": 100, "paid_on": today, "reference": "CASH-1", "channel": "cash" }))
            .await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.payment.channel").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("第六十七条"), "{v}");
    assert_eq!(app.ledger_len().await, before);
    // The auxiliary cannot import.
    let aux = app.token("auxiliary").await;
    expect_error(app.post(&aux, "/api/v1/payments/import", json!({"batch": "x", "notifications": []})).await, StatusCode::FORBIDDEN, "forbidden").await;

    let d = detail(&app, &c.officer, &id).await;
    assert_eq!((exec(&d)["balance"]["paid_fen"].as_i64(), exec(&d)["balance"]["owed_fen"].as_i64()), (Some(200_000), Some(400_000)));
    let payments = d["case"]["execution"]["payments"].as_array().unwrap();
    assert_eq!(payments[0]["source"], "import:BOC-20260602-01");
    verifies(&app).await;
}

#[tokio::test]
async fn the_surcharge_runs_by_day_pauses_for_a_review_and_a_revocation_withdraws_and_opens_accountability() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (id, _) = served_case(&app, &c, "孙二").await;
    let today = app.state().clock.now().date();
    cmd(&app, &c.officer, &id, json!({ "command": "publish_decision", "published_on": today })).await;
    // Five days past the due date (06-16): 06-17 … 06-21, 3 % of 6,000 yuan a day.
    app.state().clock.advance(Duration::days(20));
    let d = detail(&app, &c.officer, &id).await;
    let s = exec(&d)["surcharge"].as_array().unwrap();
    assert_eq!(s.len(), 5, "{}", exec(&d));
    assert_eq!((s[0]["day"].as_str(), s[0]["accrued_fen"].as_i64()), (Some("2026-06-17"), Some(18_000)));
    assert_eq!(exec(&d)["balance"]["surcharge_fen"], 90_000);
    assert!(exec(&d)["surcharge_citation"].as_str().unwrap().contains("第七十二条"));
    // A review filed on 06-21 stops the surcharge (APL art. 73 para. 3).
    let filed = app.state().clock.now().date();
    cmd(&app, &c.officer, &id, json!({ "command": "record_remedy", "kind": "administrative_review", "filed_on": filed, "body": "江汉区人民政府" })).await;
    app.state().clock.advance(Duration::days(10));
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(exec(&d)["balance"]["surcharge_fen"], 72_000, "06-21 onwards is paused: 4 days count");
    assert!(exec(&d)["court_window"].is_null(), "no court application while the review is pending");
    // The review revokes the decision.
    let on = app.state().clock.now().date();
    cmd(&app, &c.leader, &id, json!({ "command": "record_remedy_outcome", "index": 0, "outcome": "revoked", "decided_on": on, "note": "证据不足" })).await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(exec(&d)["disclosure_status"], "to_withdraw");
    let w = d["deadlines"].as_array().unwrap().iter().find(|x| x["rule"] == "apl.publication_withdrawal").expect("withdrawal deadline");
    assert!(w["citation"].as_str().unwrap().contains("第四十八条"), "{w}");
    assert_eq!(d["case"]["execution"]["accountability"][0]["conclusion"], Value::Null);
    assert_eq!(exec(&d)["balance"]["owed_fen"], 0, "a revoked decision is not executed");
    // The officer, a handler, cannot conclude the accountability review; the inspector can.
    let r = try_cmd(&app, &c.officer, &id, json!({ "command": "conclude_accountability", "index": 0, "conclusion": "x" })).await;
    expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let inspector = app.token("inspector").await;
    cmd(&app, &inspector, &id, json!({ "command": "conclude_accountability", "index": 0, "conclusion": "证据审查不严，批评教育" })).await;
    cmd(&app, &c.officer, &id, json!({ "command": "withdraw_publication", "withdrawn_on": on, "reason": "行政复议决定撤销原处罚决定" })).await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(exec(&d)["disclosure_status"], "withdrawn");
    verifies(&app).await;
}

#[tokio::test]
async fn a_paid_case_is_closed_archived_read_only_lent_and_reviewed() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (id, _) = served_case(&app, &c, "李三").await;
    let today = app.state().clock.now().date();
    // Not executed: closing is refused with its rule; the file names what is missing.
    let r = try_cmd(&app, &c.officer, &id, json!({ "command": "propose_closing", "summary": "结案", "result": "执行完毕" })).await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.closing.not_executed").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("结案与案卷管理"), "{v}");
    let d = detail(&app, &c.officer, &id).await;
    let missing: Vec<&str> = exec(&d)["case_file"]["missing"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert_eq!(missing, ["execution", "closing_report"]);
    let r = try_cmd(&app, &c.leader, &id, json!({ "command": "archive", "retention": "30_years" })).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.wrong_state").await;

    cmd(&app, &c.officer, &id, json!({ "command": "record_payment", "amount_fen": 600_000, "paid_on": today, "reference": "ICBC-77", "channel": "e_payment" }))
        .await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_closing", "summary": "当事人已足额缴纳罚款", "result": "执行完毕" })).await;
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意结案" })).await;
    assert_eq!(r["state"], "closed", "{r}");
    let r = cmd(&app, &c.leader, &id, json!({ "command": "archive", "retention": "30_years" })).await;
    assert_eq!(r["state"], "archived", "{r}");
    let d = detail(&app, &c.officer, &id).await;
    assert!(exec(&d)["case_file"]["missing"].as_array().unwrap().is_empty(), "{}", exec(&d)["case_file"]);
    assert_eq!(exec(&d)["case_file"]["archive_number"], "20260001");
    let titles: Vec<&str> = exec(&d)["case_file"]["volumes"][0]["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"行政处罚决定书") && titles.contains(&"罚款缴纳凭证") && titles.last() == Some(&"结案报告"), "{titles:?}");
    // Read-only: another payment is refused and nothing changes.
    let before = app.ledger_len().await;
    let r =
        try_cmd(&app, &c.officer, &id, json!({ "command": "record_payment", "amount_fen": 1, "paid_on": today, "reference": "X-1", "channel": "bank" })).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.wrong_state").await;
    assert_eq!(app.ledger_len().await, before);
    // Loans are registered; the inspector reviews the file against the checklist.
    cmd(&app, &c.leader, &id, json!({ "command": "lend_file", "borrower": "法制科 吴敏", "purpose": "案卷评查", "due_on": today + Duration::days(7) })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "return_file", "index": 0, "returned_on": today })).await;
    let inspector = app.token("inspector").await;
    let scores: Vec<Value> = [("subject", 10), ("facts", 20), ("law", 20), ("procedure", 25), ("documents", 8), ("execution", 10)]
        .iter()
        .map(|(k, s)| json!({ "item": k, "score": s }))
        .collect();
    cmd(&app, &inspector, &id, json!({ "command": "review_file", "scores": scores, "remark": "证据说明略简" })).await;
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["case"]["execution"]["file_reviews"][0]["total"], 93);
    assert_eq!(d["case"]["execution"]["loans"][0]["returned_on"], today.to_string());
    verifies(&app).await;
}

#[tokio::test]
async fn the_board_lists_overdue_cases_for_leaders_in_their_scope() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (id, _) = served_case(&app, &c, "周四").await;
    app.state().clock.advance(Duration::days(17));
    let b = app.get_ok(&c.leader, "/api/v1/execution-board").await;
    let item = b["items"].as_array().unwrap().iter().find(|i| i["case_id"] == id.as_str()).unwrap_or_else(|| panic!("{b}"));
    assert_eq!((item["overdue"].as_bool(), item["owed_fen"].as_i64()), (Some(true), Some(600_000 + 2 * 18_000)), "06-17 and 06-18: {item}");
    assert_eq!(item["disclosure_status"], "to_publish");
    let cookie = app.browser_session("leader", DEMO_PASSWORD).await;
    let r = app.client.get(app.url("/execution-board")).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"data-case="{id}" data-overdue="1""#)) && html.contains("已逾期"), "the board page lists the case as overdue");
    // The case page shows the surcharge by day with its citation and the case file's gaps.
    let r = app.client.get(app.url(&format!("/cases/{id}"))).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="surcharge""#) && html.contains("第七十二条") && html.contains(r#"id="file-missing""#), "the execution panel");
    assert!(!html.contains("style=") && !html.contains("<script"), "strict CSP");
    let aux = app.token("auxiliary").await;
    expect_error(app.get(&aux, "/api/v1/execution-board").await, StatusCode::FORBIDDEN, "forbidden").await;
}

fn on_the_spot(kind: &str, penalty: &str, fine: Option<i64>, officers: &[&str]) -> Value {
    let mut v = json!({ "unit_id": crate::cases::TEAM, "party": { "kind": kind, "name": "吴五", "id_number": "420103198501011234" }, "cause_code": "SZ-001",
        "violation_on": test_today(), "place": "民族路12号", "facts": "在人行道摆摊经营，占道约2平方米", "provisions": "《城市道路管理条例》第二十七条、第四十二条",
        "penalty": penalty, "officers": officers, "certificate_shown": true, "statement": "已告知，当事人无异议" });
    if let Some(f) = fine {
        v["fine_yuan"] = json!(f);
    }
    v
}

#[tokio::test]
async fn on_the_spot_penalties_keep_their_limits_and_collection_needs_a_ground_and_a_receipt() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (h1, h2) = (c.h1.clone(), c.h2.clone());
    let before = app.ledger_len().await;
    let r = app.post(&c.officer, "/api/v1/cases/on-the-spot", on_the_spot("person", "fine", Some(201), &[&h1, &h2])).await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.simple.fine_limit").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("第五十一条"), "{v}");
    assert_eq!(app.ledger_len().await, before, "a refusal writes nothing");
    let r = app.post(&c.officer, "/api/v1/cases/on-the-spot", on_the_spot("organisation", "fine", Some(3000), &[&h1, &h2])).await;
    let org = expect_json(r, StatusCode::CREATED).await;
    assert_eq!(org["state"], "served", "{org}");
    let r = app.post(&c.officer, "/api/v1/cases/on-the-spot", on_the_spot("person", "fine", Some(150), &[&h1, &h2])).await;
    let id = expect_json(r, StatusCode::CREATED).await["case_id"].as_str().unwrap().to_owned();
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["case"]["procedure"], "simple");
    assert!(d["case"]["decision"]["number"].as_str().unwrap().contains("当罚字〔2026〕"), "{}", d["case"]["decision"]);
    assert!(d["commands"].as_array().unwrap().iter().any(|x| x == "collect_on_spot"), "{}", d["commands"]);

    // Receipts: the leader issues three to the officer.
    let r = app.post(&c.leader, "/api/v1/fine-receipts", json!({ "holder": h1, "prefix": "HB", "from": 1, "to": 3, "width": 6 })).await;
    let issued = expect_json(r, StatusCode::CREATED).await;
    assert_eq!(issued.as_array().unwrap().len(), 3);
    let r = app.post(&c.officer, "/api/v1/fine-receipts", json!({ "holder": h1, "numbers": ["X1"] })).await;
    expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    // 150 yuan on the ground of a fine ≤ 100 yuan: refused with APL art. 68; nothing changes.
    let before = app.ledger_len().await;
    let r = try_cmd(&app, &c.officer, &id, json!({ "command": "collect_on_spot", "amount_fen": 15_000, "receipt": "HB000001", "ground": "small_fine" })).await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.simple.collection_ground").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("第六十八条"), "{v}");
    assert_eq!(app.ledger_len().await, before);
    // With the recorded ground but an unknown receipt: refused.
    let r = try_cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "collect_on_spot", "amount_fen": 15_000, "receipt": "NOPE", "ground": "impractical_later", "note": "外地流动摊贩" }),
    )
    .await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "receipt.unknown").await;
    cmd(
        &app,
        &c.officer,
        &id,
        json!({ "command": "collect_on_spot", "amount_fen": 15_000, "receipt": "HB000001", "ground": "impractical_later", "note": "外地流动摊贩，无固定住所" }),
    )
    .await;
    let list = app.get_ok(&c.officer, "/api/v1/fine-receipts").await;
    let used = list.as_array().unwrap().iter().find(|r| r["id"] == "HB000001").unwrap();
    assert_eq!((used["status"].as_str(), used["case_id"].as_str()), (Some("used"), Some(id.as_str())), "{used}");
    // The same receipt cannot serve a second case.
    let r = app.post(&c.officer, "/api/v1/cases/on-the-spot", on_the_spot("person", "fine", Some(50), &[&h1, &h2])).await;
    let id2 = expect_json(r, StatusCode::CREATED).await["case_id"].as_str().unwrap().to_owned();
    let r = try_cmd(&app, &c.officer, &id2, json!({ "command": "collect_on_spot", "amount_fen": 5_000, "receipt": "HB000001", "ground": "small_fine" })).await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "receipt.not_available").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("第七十条"), "{v}");
    // Void a spoilt form, return an unused one.
    expect_json(app.post(&c.officer, "/api/v1/fine-receipts/HB000002/void", json!({ "reason": "填写错误" })).await, StatusCode::OK).await;
    expect_json(app.post(&c.leader, "/api/v1/fine-receipts/HB000003/return", json!({})).await, StatusCode::OK).await;
    expect_error(app.post(&c.leader, "/api/v1/fine-receipts/HB000003/return", json!({})).await, StatusCode::UNPROCESSABLE_ENTITY, "receipt.not_available")
        .await;
    // The money reaches the unit, then the bank; the case is filed with the unit.
    let today = app.state().clock.now().date();
    cmd(&app, &c.officer, &id, json!({ "command": "deposit_to_unit", "on": today })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "deposit_to_bank", "on": today, "reference": "ICBC-HZ-1" })).await;
    cmd(&app, &c.officer, &id, json!({ "command": "file_with_unit", "filed_on": today })).await;
    let d = detail(&app, &c.officer, &id).await;
    let missing: Vec<&str> = d["execution"]["case_file"]["missing"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert_eq!(missing, ["closing_report"]);
    verifies(&app).await;
}

/// A form sent twice (a second tap on a slow phone) is applied once: every rendered form carries
/// its own idempotency key (`_key`).
#[tokio::test]
async fn a_case_form_sent_twice_is_applied_once() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (id, _) = served_case(&app, &c, "郑六").await;
    let cookie = app.browser_session("officer", DEMO_PASSWORD).await;
    let html = app.client.get(app.url(&format!("/cases/{id}"))).header("cookie", format!("cg_session={cookie}")).send().await.unwrap().text().await.unwrap();
    // The payment form's own key, as the page rendered it.
    let form = html.split(r#"id="form-record_payment""#).nth(1).expect("the payment form");
    let key = form.split(r#"name="_key" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(key.ends_with("-record_payment"), "{key}");
    let csrf = chengguan_web::auth::csrf_token(&cookie);
    let today = app.state().clock.now().date().to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("_key", key.as_str()),
        ("command", "record_payment"),
        ("fen:amount_fen", "100"),
        ("d:paid_on", today.as_str()),
        ("s:reference", "TAP-1"),
        ("s:channel", "bank"),
    ];
    let post = || async {
        app.client
            .post(app.url(&format!("/cases/{id}/commands")))
            .header("cookie", format!("cg_session={cookie}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap()
    };
    let before = app.ledger_len().await;
    assert_eq!(post().await.status(), StatusCode::SEE_OTHER);
    assert_eq!(post().await.status(), StatusCode::SEE_OTHER, "the second tap gets the first answer");
    assert_eq!(app.ledger_len().await, before + 1, "applied once");
    let d = detail(&app, &c.officer, &id).await;
    assert_eq!(d["case"]["execution"]["payments"].as_array().unwrap().len(), 1);
}
