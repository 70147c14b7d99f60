//! The power list (权责清单) over HTTP: search, the discretion calculator, versions (APL art. 37),
//! import/export, refusals, permissions and the public pages (APL art. 34).

use crate::helpers::*;
use chengguan_domain::power::{BasisRole, PowerList};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SZ001_TEXT_ZH: &str = "当事人擅自占用城市道路（含占道经营、占道堆物）的行为，违反了《城市道路管理条例》第二十七条第（一）项的规定。\
依据《城市道路管理条例》第四十二条第一款，无从轻、减轻或者从重情节，适用“一般处罚”档次。\
依照裁量基准（示范市城市管理综合行政执法裁量基准（示城管发〔2022〕3号，演示数据）（第1版）），拟给予罚款8000元至12000元的行政处罚。";

fn codes(page: &Value) -> BTreeSet<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn search_finds_every_item_that_mentions_the_words_and_filters_and_pages() {
    let app = spawn_app().await;
    let officer = app.token("officer").await;
    let all = app.get_ok(&officer, "/api/v1/power-items?limit=200").await;
    assert_eq!(all["total"], 90, "every demo item is listed once");
    let page = app.get_ok(&officer, "/api/v1/power-items?q=占道&limit=200").await;
    let found = codes(&page);
    let demo = PowerList::demo();
    let expected: BTreeSet<String> = demo
        .items
        .iter()
        .filter(|i| {
            i.name.contains("占道") || i.category.zh().contains("占道") || i.legal_basis.iter().any(|b| b.quote.contains("占道") || b.law.contains("占道"))
        })
        .map(|i| i.code.clone())
        .collect();
    assert!(expected.len() >= 2, "the demo has 占道 items: {expected:?}");
    assert!(expected.is_subset(&found), "missing: {:?}", expected.difference(&found).collect::<Vec<_>>());
    assert!(found.contains("SZ-001"));
    for code in &found {
        let mentions = demo.items.iter().filter(|i| &i.code == code).any(|i| {
            i.name.contains("占道")
                || i.elements.iter().any(|e| e.contains("占道"))
                || i.legal_basis.iter().any(|b| b.quote.contains("占道") || b.citation().contains("占道"))
        });
        assert!(mentions, "{code} does not mention 占道");
    }
    // category filter and paging
    let cat = app.get_ok(&officer, "/api/v1/power-items?category=sanitation&limit=200").await;
    assert!(cat["total"].as_u64().unwrap() > 0);
    assert!(cat["items"].as_array().unwrap().iter().all(|i| i["category"] == "sanitation"));
    let p = app.get_ok(&officer, "/api/v1/power-items?offset=10&limit=5").await;
    assert_eq!((p["total"].clone(), p["items"].as_array().unwrap().len(), p["offset"].clone()), (json!(90), 5, json!(10)));
    assert_eq!(p["items"][0]["code"], all["items"][10]["code"]);
    let p = app.get_ok(&officer, "/api/v1/power-items?q=占道&offset=1&limit=1").await;
    assert_eq!((p["total"].clone(), p["items"].as_array().unwrap().len()), (page["total"].clone(), 1));
    expect_error(app.get(&officer, "/api/v1/power-items?category=nonsense").await, StatusCode::BAD_REQUEST, "invalid_category").await;
    expect_error(app.get(&officer, "/api/v1/power-items?limit=0").await, StatusCode::BAD_REQUEST, "invalid_paging").await;
    // one item with its versions, benchmarks and exemptions
    let d = app.get_ok(&officer, "/api/v1/power-items/SZ-001").await;
    assert_eq!(d["summary"]["code"], "SZ-001");
    assert!(d["benchmarks"].as_array().unwrap().len() >= 2);
    assert!(d["exemptions"].as_array().unwrap().iter().any(|e| e["kind"] == "first_offence"));
    expect_error(app.get(&officer, "/api/v1/power-items/NOPE-1").await, StatusCode::NOT_FOUND, "not_found").await;
}

fn occupy(q: i64) -> Value {
    json!({"party": "individual", "age": 40, "quantity": q})
}

#[tokio::test]
async fn the_calculator_gives_tier_range_text_and_flags_amounts() {
    let app = spawn_app().await;
    let officer = app.token("officer").await;
    let before = app.ledger_len().await;
    let assess = |facts: Value, proposed: Option<i64>| {
        let mut body = json!({"violation_date": "2024-03-01", "decision_date": "2024-04-01", "facts": facts});
        if let Some(p) = proposed {
            body["proposed_fen"] = json!(p);
        }
        app.post(&officer, "/api/v1/power-items/SZ-001/assess", body)
    };
    let v = expect_json(assess(occupy(10), None).await, StatusCode::OK).await;
    let a = &v["assessment"];
    assert_eq!(a["tier"], "standard");
    assert_eq!(a["legal_range"], json!([0, 2_000_000]));
    assert_eq!(a["range"], json!([800_000, 1_200_000]));
    assert_eq!(a["text_zh"], SZ001_TEXT_ZH);
    assert_eq!(
        a["citations"],
        json!([
            "《城市道路管理条例》第二十七条第（一）项",
            "《城市道路管理条例》第四十二条第一款",
            "示范市城市管理综合行政执法裁量基准（示城管发〔2022〕3号，演示数据）（第1版）",
            "《行政处罚法》第三十四条"
        ])
    );
    assert!(v["amount_check"].is_null());
    // tier boundaries (domain test data)
    let tier = |v: &Value| (v["assessment"]["tier"].clone(), v["assessment"]["range"].clone());
    assert_eq!(tier(&expect_json(assess(occupy(2), None).await, StatusCode::OK).await), (json!("lenient"), json!([0, 400_000])));
    assert_eq!(tier(&expect_json(assess(occupy(21), None).await, StatusCode::OK).await), (json!("severe"), json!([1_200_000, 2_000_000])));
    // first offence, minor harm, corrected: exempt under the list, and any fine is refused
    let first = json!({"party": "individual", "age": 40, "quantity": 5, "first_offence": true, "corrected_in_time": true, "harm": "minor"});
    let x = expect_json(assess(first, Some(100)).await, StatusCode::OK).await;
    assert_eq!(x["assessment"]["tier"], "exempt");
    assert_eq!(x["assessment"]["no_penalty"]["ground"], "list:first_offence");
    assert_eq!(x["amount_check"]["status"], "refused");
    // amounts: within, outside the tier (written reason + legal review), above the statutory maximum
    let check = |v: Value| v["amount_check"].clone();
    assert_eq!(check(expect_json(assess(occupy(10), Some(1_000_000)).await, StatusCode::OK).await)["status"], "within");
    let out = check(expect_json(assess(occupy(10), Some(1_500_000)).await, StatusCode::OK).await);
    assert_eq!(
        (out["status"].clone(), out["requires_legal_review"].clone(), out["requires_written_reason"].clone()),
        (json!("outside_range"), json!(true), json!(true))
    );
    assert!(out["message"].as_str().unwrap().contains("法制审核"), "{out}");
    let above = check(expect_json(assess(occupy(10), Some(2_500_000)).await, StatusCode::OK).await);
    assert_eq!(above["status"], "refused");
    assert!(above["message"].as_str().unwrap().contains("超过法定最高限额"), "{above}");
    // bad input
    expect_error(assess(json!({"quantiy": 3}), None).await, StatusCode::BAD_REQUEST, "invalid_facts").await;
    let r = app.post(&officer, "/api/v1/power-items/SZ-001/assess", json!({"violation_date": "2024-04-02", "decision_date": "2024-04-01"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "version.decision_before_violation").await;
    let r = app.post(&officer, "/api/v1/power-items/SZ-001/assess", json!({"violation_date": "2024-13-01", "decision_date": "2024-04-01"})).await;
    expect_client_error(r).await;
    expect_error(
        app.post(&officer, "/api/v1/power-items/NOPE-1/assess", json!({"violation_date": "2024-03-01", "decision_date": "2024-04-01"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(app.ledger_len().await, before, "assessing records nothing");
}

fn new_version(name: &str, from: &str) -> Value {
    let item = PowerList::demo().items.into_iter().find(|i| i.code == "SZ-001").unwrap();
    let mut v = serde_json::to_value(item).unwrap();
    v["name"] = json!(name);
    json!({"effective_from": from, "approval_ref": "示城管党组会纪要〔2029〕12号（测试）", "item": v})
}

#[tokio::test]
async fn a_new_version_is_one_entry_and_is_selected_by_the_violation_date() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let before = app.ledger_len().await;
    let r = app.post(&admin, "/api/v1/power-items/SZ-001/versions", new_version("擅自占用城市道路（修订）", "2030-01-01")).await;
    let created = expect_json(r, StatusCode::CREATED).await;
    assert_eq!((created["version"].clone(), created["effective_from"].clone()), (json!(2), json!("2030-01-01")));
    assert_eq!(app.ledger_len().await, before + 1, "one ledger entry");
    let newest = &app.newest_entries(&admin, 1).await[0];
    assert_eq!((newest["action"].clone(), newest["subject"].clone()), (json!("power.item.version"), json!("power_item/SZ-001")));
    let d = app.get_ok(&admin, "/api/v1/power-items/SZ-001").await;
    assert_eq!(d["versions"].as_array().unwrap().len(), 2);
    // the diff names the changed fields only
    let diff = app.get_ok(&admin, "/api/v1/power-items/SZ-001/diff?from=1&to=2").await;
    let fields: BTreeSet<&str> = diff["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, BTreeSet::from(["approval_ref", "effective_from", "name", "version"]));
    // APL art. 37: a violation after the new version applies it; one before applies the old one
    // (the new one is not lighter)
    let assess =
        |v: &str, d: &str| app.post(&admin, "/api/v1/power-items/SZ-001/assess", json!({"violation_date": v, "decision_date": d, "facts": occupy(10)}));
    let a = expect_json(assess("2030-02-01", "2030-03-01").await, StatusCode::OK).await;
    assert_eq!((a["assessment"]["item_version"].clone(), a["assessment"]["item_applied"].clone()), (json!(2), json!("unchanged")));
    assert!(a["assessment"]["text_zh"].as_str().unwrap().contains("擅自占用城市道路（修订）"));
    let a = expect_json(assess("2029-12-01", "2030-03-01").await, StatusCode::OK).await;
    assert_eq!((a["assessment"]["item_version"].clone(), a["assessment"]["item_applied"].clone()), (json!(1), json!("at_violation")));
    // refusals change nothing
    let snap = app.snapshot(&tenant).await;
    let mut missing_ref = new_version("x", "2031-01-01");
    missing_ref["approval_ref"] = json!("  ");
    expect_error(app.post(&admin, "/api/v1/power-items/SZ-001/versions", missing_ref).await, StatusCode::UNPROCESSABLE_ENTITY, "missing_approval_ref").await;
    let r = app.post(&admin, "/api/v1/power-items/SZ-001/versions", new_version("x", "2029-06-01")).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "effective_date_not_after_latest").await;
    let mut bad = new_version("x", "2031-01-01");
    bad["item"]["levels"] = json!([]);
    let v = expect_error(app.post(&admin, "/api/v1/power-items/SZ-001/versions", bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("no unit level"), "{v}");
    let mut bad = new_version("x", "2031-01-01");
    bad["item"]["category"] = json!("nonsense");
    expect_error(app.post(&admin, "/api/v1/power-items/SZ-001/versions", bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_item").await;
    expect_error(app.post(&admin, "/api/v1/power-items/NOPE-1/versions", new_version("x", "2031-01-01")).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_client_error(app.post(&admin, "/api/v1/power-items/SZ-001/versions", json!({"effective_from": "2031-01-01"})).await).await;
    app.assert_unchanged(&snap, "refused version writes").await;
    // the record still verifies, the new table included
    let report = app.store.verify_tenant(&tenant, None, None).await.unwrap();
    assert!(report.is_ok(), "the record no longer verifies");
}

#[tokio::test]
async fn export_then_import_into_a_new_tenant_gives_the_same_list() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let json_export = app.get(&admin, "/api/v1/power-list/export?format=json").await;
    assert_eq!(json_export.status(), StatusCode::OK);
    let text = json_export.text().await.unwrap();
    let csv = app.get(&admin, "/api/v1/power-list/export?format=csv").await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert_eq!(chengguan_domain::power::items_from_csv(&csv).unwrap().len(), 92, "every item version");
    expect_error(app.get(&admin, "/api/v1/power-list/export?format=xml").await, StatusCode::BAD_REQUEST, "invalid_format").await;

    chengguan_web::services::create_first_admin(&app.store, "second", "第二示范市", "第二示范市城市管理局", "second-admin", "Second-Admin-2026").await.unwrap();
    let second = app.token_with("second-admin", "Second-Admin-2026").await;
    let t2 = app.store.tenant_by_code("second").await.unwrap().unwrap().id;
    assert_eq!(app.get_ok(&second, "/api/v1/power-items").await["total"], 0, "a new tenant starts with no list");
    let before = app.ledger_len_of(&t2).await;
    let report = expect_json(app.post_raw(&second, "/api/v1/power-list/import", "application/json", text.clone()).await, StatusCode::OK).await;
    assert_eq!((report["added_items"].clone(), report["unchanged"].clone(), report["header_updated"].clone()), (json!(92), json!(0), json!(true)));
    assert_eq!(app.ledger_len_of(&t2).await, before + 1, "the import is one ledger entry");
    let again: Value = app.get(&second, "/api/v1/power-list/export?format=json").await.json().await.unwrap();
    let mut first: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(first["tenant"], "jianghan");
    assert_eq!(again["tenant"], "second");
    first["tenant"] = json!("second");
    assert!(first == again, "the second tenant's list differs from the first's");
    // importing the same list again changes nothing
    let r = expect_json(app.post_raw(&second, "/api/v1/power-list/import", "application/json", text).await, StatusCode::OK).await;
    assert_eq!((r["added_items"].clone(), r["header_updated"].clone(), r["seq"].clone()), (json!(0), json!(false), Value::Null));
    assert!(r["unchanged"].as_u64().unwrap() > 92, "{r}");
    assert_eq!(app.ledger_len_of(&t2).await, before + 1);
    // the tenants are separate
    let jh = app.get_ok(&admin, "/api/v1/power-items?limit=1").await;
    assert_eq!(jh["total"], 90);
}

#[tokio::test]
async fn bad_imports_are_4xx_and_change_nothing_and_only_admins_write() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let snap = app.snapshot(&tenant).await;
    let mut list: Value = serde_json::from_str(&PowerList::demo().to_json()).unwrap();
    // a changed existing version, an item no level may exercise, a benchmark of an unknown item
    list["items"][0]["name"] = json!("改过的名称");
    list["items"][1]["levels"] = json!([]);
    list["benchmarks"][0]["item_code"] = json!("NOPE-9");
    let r = app.post_raw(&admin, "/api/v1/power-list/import", "application/json", list.to_string()).await;
    let v = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list").await;
    let msg = v["error"]["message"].as_str().unwrap();
    for want in ["no unit level", "unknown item", "already on the list with other content"] {
        assert!(msg.contains(want), "{want} not reported: {msg}");
    }
    expect_client_error(app.post_raw(&admin, "/api/v1/power-list/import", "application/json", "{not json").await).await;
    let mut wrong = list.clone();
    wrong["format"] = json!("something/2");
    expect_error(
        app.post_raw(&admin, "/api/v1/power-list/import", "application/json", wrong.to_string()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_power_list",
    )
    .await;
    app.assert_unchanged(&snap, "refused imports").await;
    // non-admin writes are 403 and change nothing (logins are recorded: log in first)
    let mut tokens = Vec::new();
    for user in ["officer", "leader", "legal_reviewer"] {
        tokens.push(app.token(user).await);
    }
    let snap = app.snapshot(&tenant).await;
    for t in &tokens {
        let r = app.post(t, "/api/v1/power-items/SZ-001/versions", new_version("x", "2031-01-01")).await;
        expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        let r = app.post_raw(t, "/api/v1/power-list/import", "application/json", PowerList::demo().to_json()).await;
        expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        // reading is open to every logged-in role
        assert_eq!(app.get_ok(t, "/api/v1/power-items?limit=1").await["total"], 90);
    }
    app.assert_unchanged(&snap, "non-admin writes").await;
    expect_error(app.client.get(app.url("/api/v1/power-items")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn public_pages_and_json_need_no_login_and_show_the_quoted_text() {
    let app = spawn_app().await;
    let demo = PowerList::demo();
    let item = demo.items.iter().find(|i| i.code == "SZ-001").unwrap();
    let quote = item.bases(BasisRole::Penalty).next().unwrap().quote.clone();
    let get = |path: String| app.client.get(app.url(&path)).send();
    let r = get("/public/power-list?tenant=jianghan&q=占道".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("SZ-001") && html.contains("第三十四条"), "{html}");
    assert!(!html.contains("style=") && !html.contains("<script"), "strict CSP: no inline style or script");
    let r = get("/public/power-list?tenant=jianghan&category=sanitation".into()).await.unwrap();
    assert!(!r.text().await.unwrap().contains("SZ-001"));
    let html = get("/public/power-list/SZ-001?tenant=jianghan".into()).await.unwrap().text().await.unwrap();
    let first_line = quote.lines().next().unwrap();
    assert!(html.contains(first_line), "quoted text {first_line:?} missing");
    for want in ["《城市道路管理条例》第四十二条", "一般处罚", "从重处罚", "首违不罚", "20000元以下"] {
        assert!(html.contains(want), "{want} missing from the public item page");
    }
    let j: Value = get("/api/v1/public/power-items?tenant=jianghan&q=占道".into()).await.unwrap().json().await.unwrap();
    assert!(codes(&j).contains("SZ-001"));
    let j: Value = get("/api/v1/public/power-items/SZ-001?tenant=jianghan".into()).await.unwrap().json().await.unwrap();
    assert!(j["versions"][0]["legal_basis"][1]["quote"].as_str().is_some());
    expect_error(get("/api/v1/public/power-items?tenant=nowhere".into()).await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    // the public JSON is read-only
    let r = app.client.post(app.url("/api/v1/public/power-items")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_logged_in_pages_render_and_the_calculator_works_without_javascript() {
    let app = spawn_app().await;
    let cookie = app.browser_session("officer", chengguan_domain::demo::DEMO_PASSWORD).await;
    let page = |path: &str| app.client.get(app.url(path)).header("cookie", format!("cg_session={cookie}")).send();
    let r = page("/power?q=占道").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("SZ-001") && html.contains("href=\"/power\" class=\"active\""), "nav item and list");
    let html = page("/power/SZ-001").await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"version-list\"") && !html.contains("id=\"version-form\""), "officers see versions, not the admin form");
    let r = page("/power/SZ-001/calculator?violation_date=2024-03-01&decision_date=2024-04-01&party=individual&age=40&quantity=10&proposed_yuan=15000")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    for want in ["一般处罚", "8000元–12000元", "data-status=\"outside_range\"", "《城市道路管理条例》第四十二条第一款", "拟给予罚款8000元至12000元的行政处罚"]
    {
        assert!(html.contains(want), "{want} missing from the calculator");
    }
    assert!(!html.contains("style=") && !html.contains("<script"));
    let admin = app.browser_session("admin", chengguan_domain::demo::DEMO_PASSWORD).await;
    let html = app.client.get(app.url("/power/DF-002?from=1&to=2")).header("cookie", format!("cg_session={admin}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"version-form\"") && html.contains("id=\"diff-table\""), "admin form and the diff");
    // the add-a-version form: a bad one re-renders with the error, a good one is recorded
    let csrf = chengguan_web::auth::csrf_token(&admin);
    let item = serde_json::to_string(&new_version("擅自占用城市道路（表单）", "2030-01-01")["item"]).unwrap();
    let form = |from: &str, approval: &str| {
        let body =
            serde_urlencoded::to_string([("_csrf", csrf.as_str()), ("effective_from", from), ("approval_ref", approval), ("item", item.as_str())]).unwrap();
        app.client
            .post(app.url("/power/SZ-001/versions"))
            .header("cookie", format!("cg_session={admin}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let tenant = app.tenant_id().await;
    let before = app.ledger_len().await;
    let r = form("2030-01-01", "").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"version-error\""));
    let r = form("2030-01-01", "示城管党组会纪要〔2029〕13号（测试）").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.ledger_len().await, before + 1);
    assert_eq!(
        app.store.table_rows(&tenant, chengguan_domain::Table::PowerList).await.unwrap().iter().filter(|r| r.text("id") == Some("item:SZ-001@2")).count(),
        1
    );
    // without a session the pages redirect to the login
    let r = app.client.get(app.url("/power")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn csv_export_imports_into_a_new_tenant_with_the_same_items_and_rows_in_every_problem() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let csv = app.get(&admin, "/api/v1/power-list/export?format=csv").await.text().await.unwrap();
    chengguan_web::services::create_first_admin(&app.store, "second", "第二示范市", "第二示范市城市管理局", "second-admin", "Second-Admin-2026").await.unwrap();
    let second = app.token_with("second-admin", "Second-Admin-2026").await;
    let t2 = app.store.tenant_by_code("second").await.unwrap().unwrap().id;
    let before = app.ledger_len_of(&t2).await;

    // problems: every bad row is named, nothing is saved
    let lines: Vec<&str> = csv.split("\r\n").collect();
    let mut bad = lines.clone();
    let row3 = lines[2].replacen(",urban_appearance,", ",nonsense,", 1);
    let row5 = lines[4].replacen(",bureau|street,", ",,", 1);
    bad[2] = &row3;
    bad[4] = &row5;
    let bad = bad.join("\r\n");
    assert_ne!(bad, csv, "the rows were changed");
    let v =
        expect_error(app.post_raw(&second, "/api/v1/power-list/import", "text/csv", bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list").await;
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("row 3: category") || msg.contains("row 3: item"), "row 3 not reported: {msg}");
    assert!(msg.contains("row 5: "), "row 5 not reported: {msg}");
    let r = app.post_raw(&second, "/api/v1/power-list/import", "text/xml", csv.clone()).await;
    expect_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    assert_eq!(app.ledger_len_of(&t2).await, before, "refused imports record nothing");

    // the export imports: the same item versions, one ledger entry
    let report = expect_json(app.post_raw(&second, "/api/v1/power-list/import", "text/csv; charset=utf-8", csv.clone()).await, StatusCode::OK).await;
    assert_eq!((report["added_items"].clone(), report["added_benchmarks"].clone(), report["header_updated"].clone()), (json!(92), json!(0), json!(false)));
    assert_eq!(app.ledger_len_of(&t2).await, before + 1, "the import is one ledger entry");
    let first: Value = app.get(&admin, "/api/v1/power-list/export?format=json").await.json().await.unwrap();
    let again: Value = app.get(&second, "/api/v1/power-list/export?format=json").await.json().await.unwrap();
    assert!(first["items"] == again["items"], "the second tenant's items differ from the first's");
    assert_eq!(app.get(&second, "/api/v1/power-list/export?format=csv").await.text().await.unwrap(), csv);
    // again: nothing new; a changed existing version is refused with its row
    let r = expect_json(app.post_raw(&second, "/api/v1/power-list/import", "text/csv", csv.clone()).await, StatusCode::OK).await;
    assert_eq!((r["added_items"].clone(), r["unchanged"].clone(), r["seq"].clone()), (json!(0), json!(92), Value::Null));
    let code = lines[2].split(',').next().unwrap();
    let name = PowerList::demo().items.into_iter().find(|i| i.code == code).unwrap().name;
    let mut changed_lines = lines.clone();
    let row3 = lines[2].replacen(&format!(",{name},"), ",改过的名称,", 1);
    assert_ne!(row3, lines[2]);
    changed_lines[2] = &row3;
    let changed = changed_lines.join("\r\n");
    let v = expect_error(app.post_raw(&second, "/api/v1/power-list/import", "text/csv", changed).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list")
        .await;
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("row 3: item:") && msg.contains("already on the list with other content"), "{msg}");
    assert_eq!(app.ledger_len_of(&t2).await, before + 1);
    // documented: both types, and the version endpoints of benchmarks and exemption lists
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let content = &doc["paths"]["/api/v1/power-list/import"]["post"]["requestBody"]["content"];
    assert!(content["application/json"].is_object() && content["text/csv"].is_object(), "{content}");
    for path in [
        "/api/v1/power-items/{code}/benchmark/versions",
        "/api/v1/power-items/{code}/benchmark/diff",
        "/api/v1/exemption-lists/{code}/versions",
        "/api/v1/exemption-lists/{code}/diff",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    // officers may not import
    let officer = app.token("officer").await;
    expect_error(app.post_raw(&officer, "/api/v1/power-list/import", "text/csv", csv).await, StatusCode::FORBIDDEN, "forbidden").await;
}

fn benchmark_version(from: &str) -> Value {
    let b = PowerList::demo().benchmarks.into_iter().filter(|b| b.item_code == "SZ-001").max_by_key(|b| b.version).unwrap();
    let mut v = serde_json::to_value(b).unwrap();
    v["tiers"][0]["note"] = json!("修订后的说明（测试）");
    json!({"effective_from": from, "approval_ref": "示城管党组会纪要〔2029〕14号（测试）", "benchmark": v})
}

fn exemption_version(from: &str) -> Value {
    let l = PowerList::demo().exemption_lists.into_iter().find(|l| l.code == "first_offence").unwrap();
    let mut v = serde_json::to_value(l).unwrap();
    v["entries"].as_array_mut().unwrap().truncate(11);
    json!({"effective_from": from, "approval_ref": "示城管党组会纪要〔2029〕15号（测试）", "exemption_list": v})
}

#[tokio::test]
async fn benchmark_and_exemption_list_versions_are_one_entry_each_validated_and_diffed() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let officer = app.token("officer").await;
    let tenant = app.tenant_id().await;
    let before = app.ledger_len().await;
    // a benchmark version
    let b = expect_json(app.post(&admin, "/api/v1/power-items/SZ-001/benchmark/versions", benchmark_version("2030-01-01")).await, StatusCode::CREATED).await;
    assert_eq!((b["item_code"].clone(), b["version"].clone(), b["effective_from"].clone()), (json!("SZ-001"), json!(3), json!("2030-01-01")));
    assert_eq!(app.ledger_len().await, before + 1, "one ledger entry");
    let newest = &app.newest_entries(&admin, 1).await[0];
    assert_eq!((newest["action"].clone(), newest["subject"].clone()), (json!("power.benchmark.version"), json!("benchmark/SZ-001")));
    let diff = app.get_ok(&officer, "/api/v1/power-items/SZ-001/benchmark/diff?from=2&to=3").await;
    let fields: BTreeSet<&str> = diff["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, BTreeSet::from(["approval_ref", "effective_from", "tiers/0/note", "version"]));
    assert_eq!(app.get_ok(&officer, "/api/v1/power-items/SZ-001").await["benchmarks"].as_array().unwrap().len(), 3);
    // the engine selects it for a violation after its effective date
    let body = json!({"violation_date": "2030-02-01", "decision_date": "2030-03-01", "facts": occupy(10)});
    let a = expect_json(app.post(&officer, "/api/v1/power-items/SZ-001/assess", body).await, StatusCode::OK).await;
    assert_eq!(a["assessment"]["benchmark_version"], 3);
    // an exemption list version
    let l = expect_json(app.post(&admin, "/api/v1/exemption-lists/first_offence/versions", exemption_version("2030-01-01")).await, StatusCode::CREATED).await;
    assert_eq!((l["code"].clone(), l["version"].clone()), (json!("first_offence"), json!(2)));
    assert_eq!(app.ledger_len().await, before + 2, "one ledger entry each");
    let newest = &app.newest_entries(&admin, 1).await[0];
    assert_eq!((newest["action"].clone(), newest["subject"].clone()), (json!("power.exemption_list.version"), json!("exemption_list/first_offence")));
    let diff = app.get_ok(&officer, "/api/v1/exemption-lists/first_offence/diff?from=1&to=2").await;
    let fields: BTreeSet<&str> = diff["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert!(fields.contains("approval_ref") && fields.contains("version") && fields.contains("entries/11"), "{fields:?}");
    expect_error(app.get(&officer, "/api/v1/exemption-lists/first_offence/diff?from=1&to=9").await, StatusCode::NOT_FOUND, "not_found").await;

    // refusals change nothing
    let snap = app.snapshot(&tenant).await;
    let post_b = |v: Value| app.post(&admin, "/api/v1/power-items/SZ-001/benchmark/versions", v);
    let post_l = |v: Value| app.post(&admin, "/api/v1/exemption-lists/first_offence/versions", v);
    let mut missing = benchmark_version("2031-01-01");
    missing["approval_ref"] = json!(" ");
    expect_error(post_b(missing).await, StatusCode::UNPROCESSABLE_ENTITY, "missing_approval_ref").await;
    expect_error(post_b(benchmark_version("2030-01-01")).await, StatusCode::UNPROCESSABLE_ENTITY, "effective_date_not_after_latest").await;
    let mut no_standard = benchmark_version("2031-01-01");
    no_standard["benchmark"]["tiers"].as_array_mut().unwrap().retain(|t| t["kind"] != "standard");
    let v = expect_error(post_b(no_standard).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("unconditional `standard` tier"), "{v}");
    let mut bad = benchmark_version("2031-01-01");
    bad["benchmark"]["tiers"] = json!("x");
    expect_error(post_b(bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_benchmark").await;
    expect_error(app.post(&admin, "/api/v1/power-items/NOPE-1/benchmark/versions", benchmark_version("2031-01-01")).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let mut unknown = exemption_version("2031-01-01");
    unknown["exemption_list"]["entries"][0]["item_code"] = json!("NOPE-9");
    let v = expect_error(post_l(unknown).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_power_list").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("unknown item NOPE-9"), "{v}");
    expect_error(post_l(exemption_version("2029-01-01")).await, StatusCode::UNPROCESSABLE_ENTITY, "effective_date_not_after_latest").await;
    expect_error(app.post(&admin, "/api/v1/exemption-lists/nope/versions", exemption_version("2031-01-01")).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_client_error(post_l(json!({"effective_from": "2031-01-01"})).await).await;
    expect_error(
        app.post(&officer, "/api/v1/power-items/SZ-001/benchmark/versions", benchmark_version("2031-01-01")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        app.post(&officer, "/api/v1/exemption-lists/first_offence/versions", exemption_version("2031-01-01")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    app.assert_unchanged(&snap, "refused benchmark and exemption list versions").await;
    let report = app.store.verify_tenant(&tenant, None, None).await.unwrap();
    assert!(report.is_ok(), "the record no longer verifies");
}

#[tokio::test]
async fn the_import_form_lists_every_problem_and_imports_csv() {
    let app = spawn_app().await;
    chengguan_web::services::create_first_admin(&app.store, "second", "第二示范市", "第二示范市城市管理局", "second-admin", "Second-Admin-2026").await.unwrap();
    let t2 = app.store.tenant_by_code("second").await.unwrap().unwrap().id;
    let admin = app.token("admin").await;
    let csv = app.get(&admin, "/api/v1/power-list/export?format=csv").await.text().await.unwrap();
    let cookie = app.browser_session("second-admin", "Second-Admin-2026").await;
    let html = app.client.get(app.url("/power")).header("cookie", format!("cg_session={cookie}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"import-form\""), "admins see the import form");
    let csrf = chengguan_web::auth::csrf_token(&cookie);
    let submit = |csrf: String, text: String| {
        let body = serde_urlencoded::to_string([("_csrf", csrf.as_str()), ("text", text.as_str())]).unwrap();
        app.client
            .post(app.url("/power/import"))
            .header("cookie", format!("cg_session={cookie}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let before = app.ledger_len_of(&t2).await;
    let bad = csv.replacen(",urban_appearance,", ",nonsense,", 1).replacen(",bureau|street,", ",,", 1);
    let r = submit(csrf.clone(), bad).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"import-errors\""), "errors listed");
    assert!(html.matches("<li>row ").count() >= 2, "every problem with its row: {html}");
    let r = submit(csrf.clone(), "{not json".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = submit("wrong".into(), csv.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the form needs its CSRF token");
    assert_eq!(app.ledger_len_of(&t2).await, before);
    let r = submit(csrf.clone(), csv).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.ledger_len_of(&t2).await, before + 1);
    let second = app.token_with("second-admin", "Second-Admin-2026").await;
    assert_eq!(app.get_ok(&second, "/api/v1/power-items").await["total"], 90);
    // officers see no form
    let officer = app.browser_session("officer", chengguan_domain::demo::DEMO_PASSWORD).await;
    let html = app.client.get(app.url("/power")).header("cookie", format!("cg_session={officer}")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("id=\"import-form\""));
}
