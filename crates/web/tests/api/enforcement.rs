//! Orders to correct, compulsory measures with their custody log, demolition, off-site
//! enforcement and non-coercive outcomes over HTTP. Every refusal: a 4xx naming the rule with its
//! citation, no ledger entry, no row changed; the record verifies after every scenario.

use crate::cases::{crew, handlers, lead, now, verifies, Crew, TEAM};
use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// 422 with `code` citing `cite`, and nothing changed.
async fn refused(app: &TestApp, before: Snapshot, r: reqwest::Response, code: &str, cite: &str) -> Value {
    let v = expect_rule(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    let rule = v["error"]["rule"].as_str().unwrap();
    assert!(rule.contains(cite), "{code}: cites {rule:?}, expected {cite:?}");
    app.assert_unchanged(&before, code).await;
    v
}

async fn snap(app: &TestApp) -> Snapshot {
    app.snapshot(&app.tenant_id().await).await
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    expect_json(app.post(token, path, body).await, StatusCode::CREATED).await
}

async fn command(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.post(token, &format!("/api/v1/enforcement/records/{id}/commands"), body).await
}

async fn ok(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    let name = body["command"].clone();
    let r = command(app, token, id, body).await;
    let v = expect_json(r, StatusCode::OK).await;
    assert!(v["record"]["id"].is_string(), "{name}: {v}");
    v["record"].clone()
}

/// A registered lead for an illegal-construction item (GH-001 authorises sealing and demolition).
async fn construction_case(app: &TestApp, token: &str, item: &str) -> String {
    lead(
        app,
        token,
        TEAM,
        json!({ "title": "违法建设", "content": "巡查发现当事人未取得建设工程规划许可证搭建房屋", "cause_code": item,
                "party": { "kind": "person", "name": "王五", "id_number": "420103198501011234", "phone": "13812345678", "address": "江汉区民族路2号" } }),
    )
    .await
}

async fn upload(app: &TestApp, token: &str, n: u32) -> String {
    let mut v = format!("%PDF-1.7\n% enforcement {n}\n").into_bytes();
    v.resize(2048, b' ');
    let r = app.post_raw(token, "/api/v1/evidence", "application/pdf", v).await;
    expect_json(r, StatusCode::CREATED).await["sha256"].as_str().unwrap().to_owned()
}

fn item(name: &str, photo: &str) -> Value {
    json!({ "name": name, "quantity": "1", "condition": "完好", "location": "江汉区城管暂扣物品仓库A区", "holder": "仓库管理员张三", "photos": [photo] })
}

fn measure(case: &str, c: &Crew, emergency: bool, items: Vec<Value>) -> Value {
    json!({ "case_id": case, "kind": "seal_up", "emergency": emergency, "approval_reference": if emergency { Value::Null } else { json!("江汉城管强批〔2026〕1号") },
            "officers": [c.h1, c.h2], "place": "民族路2号", "reason": "违法建设继续施工，查封施工设备", "party_present": true,
            "decision_ref": "江汉城管查封〔2026〕1号", "list_delivered": true, "items": items })
}

// ------------------------------------------------------------------------------------ orders

#[tokio::test]
async fn orders_to_correct_are_issued_followed_up_and_escalated() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    // APL art. 28: an order comes from a lead or a case.
    let before = snap(&app).await;
    let r = app.post(&c.officer, "/api/v1/enforcement/orders", json!({ "unit_id": TEAM, "violation": "占道经营" })).await;
    refused(&app, before, r, "enforcement.order.no_origin", "第二十八条").await;

    let case = lead(&app, &c.officer, TEAM, json!({ "cause_code": "SZ-001" })).await;
    let o = created(&app, &c.officer, "/api/v1/enforcement/orders", json!({ "unit_id": TEAM, "case_id": case, "violation": "在人行道摆摊经营" })).await
        ["record"]
        .clone();
    assert_eq!(o["state"], "open");
    assert_eq!(o["data"]["deadline"]["rule"], "local.order_to_correct_period");
    assert!(o["data"]["deadline"]["citation"].as_str().unwrap().contains("未核实"), "a local value is marked unverified: {o}");
    // the requirement comes from the power item
    assert!(!o["data"]["requirement"].as_str().unwrap().is_empty());
    let id = o["id"].as_str().unwrap().to_owned();
    // Not corrected before the period ended: refused, citing the period.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id, json!({ "command": "reinspect", "officers": [c.h1, c.h2], "corrected": false, "finding": "仍在摆摊" })).await;
    refused(&app, before, r, "enforcement.order.period_running", "第二十八条").await;
    // One officer is not enough.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id, json!({ "command": "reinspect", "officers": [c.h1], "corrected": true, "finding": "已改正" })).await;
    refused(&app, before, r, "enforcement.officers.too_few", "第十八条").await;
    let done = ok(&app, &c.officer, &id, json!({ "command": "reinspect", "officers": [c.h1, c.h2], "corrected": true, "finding": "摊位已撤除" })).await;
    assert_eq!(done["state"], "corrected");

    // A second order from a lead reference (a 12345 work order) runs over its period.
    let o2 = created(
        &app,
        &c.officer,
        "/api/v1/enforcement/orders",
        json!({ "unit_id": TEAM, "lead_ref": "12345-20260601-0001", "item_code": "SZ-001", "violation": "店外经营",
                "party": { "name": "赵六", "phone": "13900001111" } }),
    )
    .await["record"]
        .clone();
    let id2 = o2["id"].as_str().unwrap().to_owned();
    assert_eq!(o2["party"]["name"], "赵*", "the party is masked: {o2}");
    app.state().clock.advance(Duration::days(10));
    let board = app.get_ok(&c.officer, "/api/v1/enforcement/board").await;
    let open: Vec<&Value> = board["open_orders"].as_array().unwrap().iter().collect();
    assert!(open.iter().any(|x| x["id"] == id2.as_str() && x["warning"] == "overdue"), "overdue order flagged: {board}");
    // Not corrected, no case: refused unless a case is opened for it.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id2, json!({ "command": "reinspect", "officers": [c.h1, c.h2], "corrected": false, "finding": "仍在店外经营" })).await;
    refused(&app, before, r, "enforcement.order.case_needed", "第二十八条").await;
    let esc = ok(
        &app,
        &c.officer,
        &id2,
        json!({ "command": "reinspect", "officers": [c.h1, c.h2], "corrected": false, "finding": "仍在店外经营", "open_case": true }),
    )
    .await;
    assert_eq!(esc["state"], "escalated");
    let new_case = esc["case_id"].as_str().unwrap();
    let d = app.get_ok(&c.officer, &format!("/api/v1/cases/{new_case}")).await;
    assert_eq!(d["summary"]["state"], "registered", "{d}");
    verifies(&app).await;
}

// ------------------------------------------------------------------------------------ measures

#[tokio::test]
async fn a_measure_the_power_item_does_not_authorise_is_refused() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let photo = upload(&app, &c.officer, 1).await;
    // SZ-001 (占道) authorises no sealing or seizure.
    let case = construction_case(&app, &c.officer, "SZ-001").await;
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("摊位车", &photo)])).await;
    let v = refused(&app, before, r, "enforcement.measure.not_authorised", "第二十二条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("SZ-001"), "{v}");
    // GH-001 authorises sealing but not seizure.
    let case = construction_case(&app, &c.officer, "GH-001").await;
    let mut body = measure(&case, &c, false, vec![item("搅拌机", &photo)]);
    body["kind"] = json!("seizure");
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", body).await;
    refused(&app, before, r, "enforcement.measure.not_authorised", "第二十二条").await;
    // Outside an emergency an officer cannot take it without the head's approval (ACL art. 18 (1)).
    let before = snap(&app).await;
    let r = app.post(&c.officer, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("搅拌机", &photo)])).await;
    refused(&app, before, r, "enforcement.approval.not_head", "第十八条").await;
    // Neither party nor witness (ACL art. 18 (4), (9)).
    let mut body = measure(&case, &c, false, vec![item("搅拌机", &photo)]);
    body["party_present"] = json!(false);
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", body).await;
    refused(&app, before, r, "enforcement.measure.no_party_or_witness", "第十八条").await;
    // The list not delivered (ACL art. 24).
    let mut body = measure(&case, &c, false, vec![item("搅拌机", &photo)]);
    body["list_delivered"] = json!(false);
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", body).await;
    refused(&app, before, r, "enforcement.measure.list_not_delivered", "第二十四条").await;
    // The head takes it: in force for 30 days.
    let m = created(&app, &c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("搅拌机", &photo)])).await["record"].clone();
    assert_eq!(m["state"], "active");
    assert_eq!(m["data"]["deadline"]["rule"], "acl.seizure_period");
    assert_eq!(m["data"]["deadline"]["due"], "2026-07-01");
    assert!(m["data"]["authorised_by"].as_str().is_some_and(|w| !w.is_empty()));
    verifies(&app).await;
}

#[tokio::test]
async fn an_emergency_measure_not_reported_within_24_hours_can_only_be_released() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let photo = upload(&app, &c.officer, 2).await;
    let case = construction_case(&app, &c.officer, "GH-001").await;
    // In an emergency the officers act at once; the report is due within 24 hours (ACL art. 19).
    let m = created(&app, &c.officer, "/api/v1/enforcement/measures", measure(&case, &c, true, vec![item("搅拌机", &photo)])).await["record"].clone();
    assert_eq!(m["state"], "awaiting_report");
    assert_eq!(m["data"]["report_due"]["rule"], "acl.emergency_report");
    let id = m["id"].as_str().unwrap().to_owned();
    // An officer cannot approve their own emergency measure.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id, json!({ "command": "report", "approved": true, "reference": "补批〔2026〕1号" })).await;
    expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    app.assert_unchanged(&before, "officer report").await;
    app.state().clock.advance(Duration::hours(25));
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, json!({ "command": "report", "approved": true, "reference": "补批〔2026〕1号" })).await;
    refused(&app, before, r, "enforcement.measure.emergency_unreported", "第十九条").await;
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, json!({ "command": "conclude", "decision_ref": "处理〔2026〕1号", "outcomes": [] })).await;
    refused(&app, before, r, "enforcement.measure.emergency_unreported", "第十九条").await;
    // The custody log continues; release is allowed; then the item is returned and the measure closes.
    let board = app.get_ok(&c.leader, "/api/v1/enforcement/board").await;
    assert!(board["measures"].as_array().unwrap().iter().any(|x| x["id"] == id.as_str() && x["warning"] == "overdue"), "{board}");
    let r = ok(&app, &c.officer, &id, json!({ "command": "release", "reason": "未在二十四小时内补办批准手续，立即解除" })).await;
    assert_eq!(r["state"], "released");
    let r = ok(&app, &c.officer, &id, json!({ "command": "custody", "item": 1, "event": "returned", "location": "民族路2号", "holder": "当事人王五", "condition": "完好", "photos": [photo] })).await;
    assert_eq!(r["state"], "released");
    let r = ok(&app, &c.officer, &id, json!({ "command": "conclude", "decision_ref": "解除〔2026〕1号", "outcomes": [] })).await;
    assert_eq!(r["state"], "closed");

    // Within 24 hours the head refuses approval: released at once.
    let m = created(&app, &c.officer, "/api/v1/enforcement/measures", measure(&case, &c, true, vec![item("切割机", &photo)])).await["record"].clone();
    let r = ok(
        &app,
        &c.leader,
        m["id"].as_str().unwrap(),
        json!({ "command": "report", "approved": false, "reference": "不予批准〔2026〕2号", "opinion": "不应当采取" }),
    )
    .await;
    assert_eq!(r["state"], "released");
    verifies(&app).await;
}

#[tokio::test]
async fn an_extension_beyond_30_days_or_a_second_one_is_refused() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let photo = upload(&app, &c.officer, 3).await;
    let case = construction_case(&app, &c.officer, "GH-001").await;
    let m = created(&app, &c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("搅拌机", &photo)])).await["record"].clone();
    let id = m["id"].as_str().unwrap().to_owned();
    let today = now(&app).date();
    let ext =
        |days: i64| json!({ "command": "extend", "days": days, "reason": "情况复杂，需进一步调查", "reference": "延期〔2026〕1号", "notice_served_on": today });
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, ext(31)).await;
    refused(&app, before, r, "enforcement.measure.extension_exceeded", "第二十五条").await;
    // Only the head extends.
    let before = snap(&app).await;
    expect_error(command(&app, &c.officer, &id, ext(30)).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.assert_unchanged(&before, "officer extends").await;
    // Written notice to the party is required.
    let mut late = ext(30);
    late["notice_served_on"] = json!(today + Duration::days(3));
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, late).await;
    refused(&app, before, r, "enforcement.measure.no_written_notice", "第二十五条").await;
    let r = ok(&app, &c.leader, &id, ext(30)).await;
    assert_eq!(r["data"]["deadline"]["due"], "2026-07-31");
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, ext(10)).await;
    refused(&app, before, r, "enforcement.measure.extension_exceeded", "第二十五条").await;
    // Testing time is not counted (ACL art. 25 para. 3): 5 days of appraisal move the limit by 5.
    let r = ok(
        &app,
        &c.officer,
        &id,
        json!({ "command": "pause", "from": today + Duration::days(2), "to": today + Duration::days(6), "reason": "结构安全鉴定", "notified_on": today }),
    )
    .await;
    assert_eq!(r["data"]["deadline"]["due"], "2026-08-05", "{r}");
    verifies(&app).await;
}

#[tokio::test]
async fn every_seized_item_is_in_the_custody_log_until_it_leaves_custody() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let photo = upload(&app, &c.officer, 4).await;
    let case = construction_case(&app, &c.officer, "GH-001").await;
    // An item without its holder is refused (ACL art. 26: kept safely, so always known where and by whom).
    let mut bad = item("搅拌机", &photo);
    bad["holder"] = json!("");
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![bad])).await;
    refused(&app, before, r, "enforcement.custody.incomplete", "第二十六条").await;
    // A photo that is not in the evidence store is refused.
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("搅拌机", &"0".repeat(64))])).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_file").await;
    app.assert_unchanged(&before, "unknown photo").await;

    let m = created(&app, &c.leader, "/api/v1/enforcement/measures", measure(&case, &c, false, vec![item("搅拌机", &photo), item("钢管（200根）", &photo)]))
        .await["record"]
        .clone();
    let id = m["id"].as_str().unwrap().to_owned();
    // Moving an item: location, holder and condition are required.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id, json!({ "command": "custody", "item": 2, "event": "moved", "location": "", "holder": "李四", "condition": "完好" }))
        .await;
    refused(&app, before, r, "enforcement.custody.incomplete", "第二十六条").await;
    ok(&app, &c.officer, &id, json!({ "command": "custody", "item": 2, "event": "moved", "location": "江汉区城管暂扣物品仓库B区", "holder": "仓库管理员李四", "condition": "完好", "photos": [photo] })).await;
    ok(&app, &c.officer, &id, json!({ "command": "custody", "item": 1, "event": "checked", "location": "江汉区城管暂扣物品仓库A区", "holder": "仓库管理员张三", "condition": "完好，未使用" })).await;
    // Closing with item 2 unaccounted for is refused and names it.
    let outcome = |n: u32, event: &str| json!({ "item": n, "event": event, "location": "民族路2号", "holder": "当事人王五", "condition": "完好" });
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &id, json!({ "command": "conclude", "decision_ref": "处理〔2026〕3号", "outcomes": [outcome(1, "returned")] })).await;
    let v = refused(&app, before, r, "enforcement.custody.incomplete", "第二十六条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("钢管"), "{v}");
    let r = ok(
        &app,
        &c.officer,
        &id,
        json!({ "command": "conclude", "decision_ref": "处理〔2026〕3号", "outcomes": [outcome(1, "returned"), outcome(2, "confiscated")] }),
    )
    .await;
    assert_eq!(r["state"], "closed");
    let log = r["data"]["items"].as_array().unwrap();
    assert_eq!(log[0]["custody"].as_array().unwrap().len(), 3, "received, checked, returned: {r}");
    assert_eq!(log[1]["custody"].as_array().unwrap().len(), 3, "received, moved, confiscated: {r}");
    // Nothing is recorded after an item left custody.
    let before = snap(&app).await;
    let r =
        command(&app, &c.officer, &id, json!({ "command": "custody", "item": 1, "event": "checked", "location": "x", "holder": "y", "condition": "z" })).await;
    expect_client_error(r).await;
    app.assert_unchanged(&before, "custody after closing").await;
    // Every act is one ledger entry naming the record.
    let entries = app.newest_entries(&c.leader, 10).await;
    assert!(entries.iter().any(|e| e["action"] == "compulsory_measure.conclude" && e["subject"] == format!("compulsory_measure/{id}")), "{entries:?}");
    verifies(&app).await;
}

// ------------------------------------------------------------------------------------ demolition

#[tokio::test]
async fn forced_demolition_is_refused_inside_the_remedy_window() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (h1, h2) = handlers(&app).await;
    let case = construction_case(&app, &c.officer, "GH-003").await;
    let today = now(&app).date();
    let d = created(
        &app,
        &c.officer,
        "/api/v1/enforcement/demolitions",
        json!({ "unit_id": TEAM, "case_id": case, "structure": "彩钢板房一间（约30平方米）", "location": "民族路2号楼顶", "order_ref": "江汉城管限拆〔2026〕1号",
                "served_on": today, "notice_published_on": today, "notice_place": "民族路2号现场及本局网站" }),
    )
    .await["record"]
        .clone();
    assert_eq!(d["state"], "ordered");
    assert_eq!(d["data"]["review_deadline"]["rule"], "review.application_period");
    assert_eq!(d["data"]["lawsuit_deadline"]["rule"], "litigation.filing_period");
    let id = d["id"].as_str().unwrap().to_owned();
    let video = upload(&app, &c.officer, 5).await;
    let force = |video: &[&str]| json!({ "command": "force", "plan": "强制拆除实施方案：断电、清场、机械拆除、清运", "video": video, "cost_fen": 1_250_000, "cost_note": "机械台班及清运费", "officers": [h1, h2] });
    // The party's own period is running.
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, force(&[&video])).await;
    refused(&app, before, r, "enforcement.demolition.remedy_window", "第四十四条").await;
    // After it, the review and litigation periods still run.
    app.state().clock.advance(Duration::days(15));
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, force(&[&video])).await;
    let v = refused(&app, before, r, "enforcement.demolition.remedy_window", "第四十四条").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("行政复议法"), "{v}");
    app.state().clock.advance(Duration::days(60));
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, force(&[&video])).await;
    let v = refused(&app, before, r, "enforcement.demolition.remedy_window", "第四十四条").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("行政诉讼法"), "{v}");
    // Six months after service, with no review and no suit: lawful — but only on video, and only by the head.
    app.state().clock.advance(Duration::days(120));
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, force(&[])).await;
    refused(&app, before, r, "enforcement.demolition.no_video", "118号").await;
    let before = snap(&app).await;
    expect_error(command(&app, &c.officer, &id, force(&[&video])).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.assert_unchanged(&before, "officer forces").await;
    let done = ok(&app, &c.leader, &id, force(&[&video])).await;
    assert_eq!(done["state"], "force_demolished");
    assert_eq!(done["data"]["forced"]["cost_fen"], 1_250_000);
    let board = app.get_ok(&c.leader, "/api/v1/enforcement/board").await;
    assert!(board["demolitions"]["force_demolished"].as_array().is_some_and(|a| a.iter().any(|x| x["id"] == id.as_str())), "{board}");
    verifies(&app).await;
}

#[tokio::test]
async fn a_pending_review_blocks_forced_demolition_until_the_party_loses() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let (h1, h2) = handlers(&app).await;
    let case = construction_case(&app, &c.officer, "GH-003").await;
    let today = now(&app).date();
    let d = created(
        &app,
        &c.officer,
        "/api/v1/enforcement/demolitions",
        json!({ "unit_id": TEAM, "case_id": case, "structure": "围墙", "location": "民族路3号", "order_ref": "江汉城管限拆〔2026〕2号",
                "served_on": today, "notice_published_on": today, "notice_place": "现场" }),
    )
    .await["record"]
        .clone();
    let id = d["id"].as_str().unwrap().to_owned();
    ok(&app, &c.officer, &id, json!({ "command": "remedy", "kind": "review", "filed_on": today + Duration::days(3) })).await;
    app.state().clock.advance(Duration::days(20));
    let video = upload(&app, &c.officer, 6).await;
    let force = json!({ "command": "force", "plan": "方案", "video": [video], "cost_fen": 100, "cost_note": "清运", "officers": [h1, h2] });
    let before = snap(&app).await;
    let r = command(&app, &c.leader, &id, force.clone()).await;
    refused(&app, before, r, "enforcement.demolition.remedy_window", "第四十四条").await;
    ok(&app, &c.officer, &id, json!({ "command": "remedy_result", "party_lost": true, "result": "复议维持", "concluded_on": now(&app).date() })).await;
    let done = ok(&app, &c.leader, &id, force).await;
    assert_eq!(done["state"], "force_demolished");
    verifies(&app).await;
}

// ------------------------------------------------------------------------------------ off-site

#[tokio::test]
async fn an_off_site_capture_cannot_be_used_before_review_and_the_party_can_look_it_up() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let today = now(&app).date();
    let review = |what: &str| json!({ "by": format!("{what}审核人"), "on": today - Duration::days(30), "reference": format!("{what}审核〔2026〕1号") });
    let mut dev = json!({ "unit_id": TEAM, "code": "JH-CAM-001", "device_kind": "camera", "location": "民族路与江汉路交叉口东北角",
                          "legal_review": review("法制"), "technical_review": Value::Null, "location_published_on": today - Duration::days(20), "published_where": "本局网站公告" });
    // APL art. 41 para. 1: legal and technical review, published location.
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/devices", dev.clone()).await;
    refused(&app, before, r, "enforcement.device.not_reviewed", "第四十一条").await;
    dev["technical_review"] = review("技术");
    let mut unpublished = dev.clone();
    unpublished["location_published_on"] = Value::Null;
    let before = snap(&app).await;
    let r = app.post(&c.leader, "/api/v1/enforcement/devices", unpublished).await;
    refused(&app, before, r, "enforcement.device.location_unpublished", "第四十一条").await;
    // Officers do not register devices.
    let before = snap(&app).await;
    expect_error(app.post(&c.officer, "/api/v1/enforcement/devices", dev.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.assert_unchanged(&before, "officer registers a device").await;
    let device = created(&app, &c.leader, "/api/v1/enforcement/devices", dev).await["record"]["id"].as_str().unwrap().to_owned();

    let photo = upload(&app, &c.officer, 7).await;
    let w = created(
        &app,
        &c.officer,
        "/api/v1/enforcement/captures",
        json!({ "device_id": device, "captured_at": now(&app) - Duration::hours(1), "description": "店外经营占用人行道", "item_code": "DF-003",
                "subject_ref": "民族路8号某餐馆", "files": [photo] }),
    )
    .await;
    let cap = w["record"]["id"].as_str().unwrap().to_owned();
    let code = w["lookup_code"].as_str().unwrap().to_owned();
    assert_eq!(w["record"]["state"], "pending_review");
    assert!(w["record"]["data"]["lookup_hash"].is_string() && !w["record"]["data"].to_string().contains(&code), "only the hash is stored");
    let case = lead(&app, &c.officer, TEAM, json!({ "cause_code": "DF-003" })).await;
    // APL art. 41 para. 2: not evidence before review.
    let before = snap(&app).await;
    let r = command(&app, &c.officer, &cap, json!({ "command": "use", "case_id": case })).await;
    refused(&app, before, r, "enforcement.capture.not_reviewed", "第四十一条").await;
    // Officers do not review; the legal reviewer does.
    let before = snap(&app).await;
    expect_error(command(&app, &c.officer, &cap, json!({ "command": "review", "accepted": true, "note": "清晰" })).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    app.assert_unchanged(&before, "officer reviews").await;
    // The party looks it up (no login) and states a defence before the review.
    let p = app.client.get(app.url(&format!("/api/v1/public/offsite/{}", code.to_lowercase()))).send().await.unwrap();
    let p = expect_json(p, StatusCode::OK).await;
    assert_eq!(p["state"], "pending_review");
    assert_eq!(p["device_code"], "JH-CAM-001");
    let ledger = app.ledger_len().await;
    let s =
        app.client.post(app.url(&format!("/api/v1/public/offsite/{code}/statement"))).json(&json!({ "text": "当时正在卸货，并非经营" })).send().await.unwrap();
    let s = expect_json(s, StatusCode::OK).await;
    assert_eq!(s["statements"].as_array().unwrap().len(), 1);
    assert_eq!(app.ledger_len().await, ledger + 1, "the statement is one entry");
    let wrong = app.client.get(app.url("/api/v1/public/offsite/AAAAAAAAAAAA")).send().await.unwrap();
    expect_error(wrong, StatusCode::NOT_FOUND, "not_found").await;
    let r = ok(&app, &c.reviewer, &cap, json!({ "command": "review", "accepted": true, "note": "记录真实、清晰、完整、准确" })).await;
    assert_eq!(r["state"], "accepted");
    let r = ok(&app, &c.officer, &cap, json!({ "command": "use", "case_id": case })).await;
    assert_eq!(r["data"]["used_in"][0], case.as_str());
    // Or it opens a lead of its own, which then follows the normal procedure.
    let r = ok(&app, &c.officer, &cap, json!({ "command": "use", "open_case": true })).await;
    let opened = r["data"]["used_in"][1].as_str().unwrap();
    let d = app.get_ok(&c.officer, &format!("/api/v1/cases/{opened}")).await;
    assert_eq!(d["summary"]["state"], "registered", "{d}");
    verifies(&app).await;
}

// ------------------------------------------------------------------------------------ outcomes

#[tokio::test]
async fn non_coercive_outcomes_are_recorded_and_counted() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let today = now(&app).date();
    let case = lead(&app, &c.officer, TEAM, json!({})).await;
    let before = snap(&app).await;
    let r = app.post(&c.officer, "/api/v1/enforcement/outcomes", json!({ "unit_id": TEAM, "kind": "guidance", "on": today, "summary": "劝导" })).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "enforcement.outcome.no_origin").await;
    app.assert_unchanged(&before, "outcome without origin").await;
    for kind in ["guidance", "guidance", "mediation", "assistance"] {
        created(
            &app,
            &c.officer,
            "/api/v1/enforcement/outcomes",
            json!({ "unit_id": TEAM, "kind": kind, "case_id": case, "on": today, "summary": "当场劝导商户规范经营" }),
        )
        .await;
    }
    let s = app.get_ok(&c.leader, "/api/v1/enforcement/outcome-shares").await;
    assert_eq!(s["guidance"], 2);
    assert_eq!(s["share:service"], 3);
    assert_eq!(s["share:management"], 1);
    // The auxiliary holds no enforcement action.
    let aux = app.token("auxiliary").await;
    expect_error(app.get(&aux, "/api/v1/enforcement/board").await, StatusCode::FORBIDDEN, "forbidden").await;
    verifies(&app).await;
}

#[tokio::test]
async fn every_enforcement_endpoint_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for p in [
        "/api/v1/enforcement/board",
        "/api/v1/enforcement/records",
        "/api/v1/enforcement/records/{id}",
        "/api/v1/enforcement/records/{id}/commands",
        "/api/v1/enforcement/orders",
        "/api/v1/enforcement/measures",
        "/api/v1/enforcement/demolitions",
        "/api/v1/enforcement/devices",
        "/api/v1/enforcement/captures",
        "/api/v1/enforcement/outcomes",
        "/api/v1/enforcement/outcome-shares",
        "/api/v1/public/offsite/{code}",
        "/api/v1/public/offsite/{code}/statement",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is not documented");
    }
}

// ------------------------------------------------------------------------------------ pages

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = app.client.get(app.url(path)).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
    let r = app
        .client
        .post(app.url(path))
        .header("cookie", format!("cg_session={cookie}"))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    let location = r.headers().get(reqwest::header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    (r.status(), r.text().await.unwrap(), location)
}

/// In the browser, in Chinese: the leader seals up through the form, the refusal shows its rule
/// and keeps what was typed, the record page shows the deadline, custody log and command forms;
/// the board lists the measure; the party's look-up page works without login.
#[tokio::test]
async fn the_pages_take_a_measure_from_form_to_custody_log_and_show_refusals_with_their_rule() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let leader = app.browser_session("leader", chengguan_domain::demo::DEMO_PASSWORD).await;
    let officer = app.browser_session("officer", chengguan_domain::demo::DEMO_PASSWORD).await;
    let csrf = chengguan_web::auth::csrf_token(&leader);
    let (status, body) = page(&app, &leader, "/enforcement").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("责令改正") && body.contains("id=\"board-measures\"") && body.contains("href=\"/enforcement\""), "board and nav");
    let aux = app.browser_session("auxiliary", chengguan_domain::demo::DEMO_PASSWORD).await;
    assert_eq!(page(&app, &aux, "/enforcement").await.0, StatusCode::FORBIDDEN);

    let case = construction_case(&app, &c.officer, "SZ-001").await;
    let officers = format!("{},{}", c.h1, c.h2);
    let form = |case: &str| -> Vec<(String, String)> {
        vec![
            ("_csrf".into(), csrf.clone()),
            ("s:case_id".into(), case.into()),
            ("s:kind".into(), "seal_up".into()),
            ("b:emergency".into(), "0".into()),
            ("o:approval_reference".into(), "江汉城管强批〔2026〕9号".into()),
            ("l:officers".into(), officers.clone()),
            ("s:place".into(), "民族路2号".into()),
            ("s:reason".into(), "违法建设继续施工".into()),
            ("b:party_present".into(), "0".into()),
            ("b:party_present".into(), "1".into()),
            ("s:decision_ref".into(), "江汉城管查封〔2026〕9号".into()),
            ("b:list_delivered".into(), "0".into()),
            ("b:list_delivered".into(), "1".into()),
            ("s:items.0.name".into(), "搅拌机".into()),
            ("s:items.0.quantity".into(), "1台".into()),
            ("s:items.0.condition".into(), "完好".into()),
            ("s:items.0.location".into(), "现场就地封存".into()),
            ("s:items.0.holder".into(), "城管中队".into()),
            ("s:items.1.name".into(), "".into()),
            ("s:items.1.quantity".into(), "".into()),
        ]
    };
    let as_refs = |f: &Vec<(String, String)>| f.iter().map(|(a, b)| (a.clone(), b.clone())).collect::<Vec<_>>();
    // SZ-001 authorises no sealing: the page says so, cites ACL art. 22 and keeps the input.
    let before = snap(&app).await;
    let f = as_refs(&form(&case));
    let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (status, body, _) = post_form(&app, &leader, "/enforcement/new/measure", &f).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"form-error\"") && body.contains("第二十二条") && body.contains("江汉城管查封〔2026〕9号"), "{body}");
    app.assert_unchanged(&before, "refused form").await;
    // GH-001: taken; the record page shows the limit, the custody log and the forms.
    let case = construction_case(&app, &c.officer, "GH-001").await;
    let f = as_refs(&form(&case));
    let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (status, _, location) = post_form(&app, &leader, "/enforcement/new/measure", &f).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let id = location.trim_start_matches("/enforcement/records/").split('?').next().unwrap().to_owned();
    let (status, body) = page(&app, &leader, &location).await;
    assert_eq!(status, StatusCode::OK);
    for needle in ["id=\"done\"", "2026-07-01", "第二十五条", "id=\"custody\"", "搅拌机", "id=\"cmd-extend\"", "id=\"cmd-custody\"", "id=\"timeline\""]
    {
        assert!(body.contains(needle), "record page lacks {needle}");
    }
    // The officer sees no extension form (the head's), and a custody entry without holder is refused on the page.
    let (_, body) = page(&app, &officer, &format!("/enforcement/records/{id}")).await;
    assert!(!body.contains("id=\"cmd-extend\"") && body.contains("id=\"cmd-custody\""));
    let ocsrf = chengguan_web::auth::csrf_token(&officer);
    let path = format!("/enforcement/records/{id}/commands");
    let (status, body, _) = post_form(
        &app,
        &officer,
        &path,
        &[
            ("_csrf", &ocsrf),
            ("command", "custody"),
            ("n:item", "1"),
            ("s:event", "checked"),
            ("s:location", "现场"),
            ("s:holder", ""),
            ("s:condition", "完好"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"command-error\"") && body.contains("第二十六条"), "{body}");
    let (status, _, location) = post_form(
        &app,
        &officer,
        &path,
        &[
            ("_csrf", &ocsrf),
            ("command", "custody"),
            ("n:item", "1"),
            ("s:event", "checked"),
            ("s:location", "现场"),
            ("s:holder", "中队长"),
            ("s:condition", "封条完好"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location:?}");
    let (_, body) = page(&app, &officer, &format!("/enforcement/records/{id}")).await;
    assert!(body.contains("封条完好"));
    let (_, body) = page(&app, &leader, "/enforcement").await;
    assert!(body.contains(&id), "the board lists the measure");
    // Public look-up page: no login.
    let (_, body) = page(&app, "none", "/offsite?code=NOSUCHCODE00").await;
    assert!(body.contains("id=\"lookup-error\""), "{body}");
    verifies(&app).await;
}
