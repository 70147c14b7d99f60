//! Tenant overrides of the rules over HTTP: a tenant's procedure overlay and local days change
//! that tenant's deadlines, profile and calendar only, each with the tenant's citation; a bad file
//! is a 422 listing every error with its line and changes nothing; only administrators of the
//! whole tenant may write; each write is one ledger entry and the record still verifies.

use crate::helpers::*;
use chengguan_domain::demo::DEMO_PASSWORD;
use chengguan_domain::profile::ProcedureProfile;
use chengguan_web::services;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

const SEED_004: &str = include_str!("../../../../rules/examples/seed-004-60-days.toml");
const A_CITATION: &str = "《某市城市管理综合行政执法程序规定》第二十条（示例）";
const B_ADMIN: &str = "b-admin";
const B_PASSWORD: &str = "Second-tenant-2025!";

/// A second tenant with its own administrator; returns (tenant id, admin token).
async fn second_tenant(app: &TestApp) -> (String, String) {
    let id = services::create_first_admin(&app.store, "overrides-b", "测试市乙区", "乙区人民政府", B_ADMIN, B_PASSWORD).await.expect("second tenant");
    (id, app.token_with(B_ADMIN, B_PASSWORD).await)
}

async fn deadline(app: &TestApp, token: &str, rule: &str, start: &str) -> Value {
    expect_json(app.post(token, "/api/v1/deadlines", json!({"rule": rule, "start": start})).await, StatusCode::OK).await
}

async fn verifies(app: &TestApp, tenant: &str) {
    let report = app.store.verify_tenant(tenant, Some(&app.state().signer.vkey()), Some(&app.state().evidence)).await.unwrap();
    assert!(report.is_ok(), "the record must verify: {report:?}");
}

#[tokio::test]
async fn a_tenant_overlay_sets_its_own_decision_period_with_its_citation_for_that_tenant_only() {
    let app = spawn_app().await;
    let a = app.tenant_id().await;
    let (b, b_token) = second_tenant(&app).await;
    let admin = app.token("admin").await;
    let officer = app.token("officer").await;
    let national = ProcedureProfile::national();
    let national_days = national.get("apl.decision_period").unwrap().quantity().unwrap().value;
    assert_eq!(national_days, 90);

    let before = app.ledger_len_of(&a).await;
    let b_before = app.ledger_len_of(&b).await;
    let v = expect_json(app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": SEED_004, "citation": A_CITATION})).await, StatusCode::OK).await;
    assert_eq!((v["kind"].as_str(), v["citation"].as_str(), v["active"].as_bool()), (Some("procedure"), Some(A_CITATION), Some(true)), "{v}");
    assert_eq!(v["text"], SEED_004);
    // one ledger entry, naming the act; the other tenant's record is untouched
    assert_eq!(app.ledger_len_of(&a).await, before + 1);
    assert_eq!(app.ledger_len_of(&b).await, b_before);
    let newest = &app.newest_entries(&admin, 1).await[0];
    assert_eq!(newest["action"], "rules.override.set", "{newest}");
    assert_eq!(newest["subject"], "rule_override/procedure", "{newest}");

    // A (any role) computes under 60 days with A's citations
    let d = deadline(&app, &officer, "apl.decision_period", "2025-03-03").await;
    assert_eq!((d["value"].as_i64(), d["unit"].as_str()), (Some(60), Some("days")), "{d}");
    assert!(d["citation"].as_str().unwrap().contains("seed 004"), "{d}");
    assert_eq!(d["override_citation"], A_CITATION, "{d}");
    assert_eq!(d["origin"], "example-seed-004", "{d}");
    assert_eq!(d["extensions"], json!(["apl.decision_extension"]));
    // B still has the national 90 days and citation
    let d = deadline(&app, &b_token, "apl.decision_period", "2025-03-03").await;
    assert_eq!(d["value"].as_i64(), Some(national_days), "{d}");
    assert!(d["citation"].as_str().unwrap().contains("《行政处罚法》第六十条"), "{d}");
    assert!(d.get("override_citation").is_none(), "{d}");
    assert_eq!(d["origin"], "national");

    // the profile says which values A overrode, under which citation
    let p = app.get_ok(&officer, "/api/v1/rules/procedure").await;
    assert_eq!(p["override_citation"], A_CITATION);
    assert_eq!(p["layers"], json!(["national", "example-seed-004"]), "{}", p["layers"]);
    let rules = p["rules"].as_array().unwrap();
    let overridden: Vec<&str> = rules.iter().filter(|r| r["overridden"] == true).map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(overridden, ["apl.decision_extension", "apl.decision_period"]);
    assert!(rules.iter().filter(|r| r["overridden"] == true).all(|r| r["override_citation"] == A_CITATION));
    assert!(rules.iter().filter(|r| r["overridden"] == false).all(|r| r.get("override_citation").is_none()));
    let p = app.get_ok(&b_token, "/api/v1/rules/procedure").await;
    assert!(p["override_citation"].is_null());
    assert!(p["rules"].as_array().unwrap().iter().all(|r| r["overridden"] == false));

    // listed for A, not for B
    let list = app.get_ok(&officer, "/api/v1/rules/overrides").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["kind"], "procedure");
    assert_eq!(app.get_ok(&b_token, "/api/v1/rules/overrides").await, json!([]));
    verifies(&app, &a).await;

    // reset: national again, one more entry; the file stays on record, inactive
    let v = expect_json(app.post(&admin, "/api/v1/rules/overrides/procedure/reset", json!({})).await, StatusCode::OK).await;
    assert_eq!(v["active"], false);
    assert_eq!(v["text"], SEED_004);
    assert_eq!(app.ledger_len_of(&a).await, before + 2);
    assert_eq!(deadline(&app, &officer, "apl.decision_period", "2025-03-03").await["value"].as_i64(), Some(national_days));
    // resetting again records nothing
    expect_json(app.post(&admin, "/api/v1/rules/overrides/procedure/reset", json!({})).await, StatusCode::OK).await;
    assert_eq!(app.ledger_len_of(&a).await, before + 2);
    // nothing to reset for local days yet
    expect_error(app.post(&admin, "/api/v1/rules/overrides/local_days/reset", json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    verifies(&app, &a).await;
    verifies(&app, &b).await;
}

const LOCAL_DAYS: &str = r#"# 城市停工日
[[local_day]]
date = 2025-03-05
kind = "rest"
name = "全市停工日"
citation = "某市人民政府关于2025年3月5日全市停工的通知（示例）"
verified = false
"#;
const LOCAL_CITATION: &str = "某市人民政府通知（示例）";

#[tokio::test]
async fn a_local_day_off_moves_a_working_day_deadline_for_that_tenant_only() {
    let app = spawn_app().await;
    let a = app.tenant_id().await;
    let (b, b_token) = second_tenant(&app).await;
    let admin = app.token("admin").await;
    let officer = app.token("officer").await;
    // APL art. 61: 7 working days from Mon 2025-03-03 (not counted) → Wed 2025-03-12
    assert_eq!(deadline(&app, &officer, "apl.service", "2025-03-03").await["due"], "2025-03-12");
    let before = app.ledger_len_of(&a).await;
    expect_json(app.put(&admin, "/api/v1/rules/overrides/local_days", json!({"text": LOCAL_DAYS, "citation": LOCAL_CITATION})).await, StatusCode::OK).await;
    assert_eq!(app.ledger_len_of(&a).await, before + 1);
    // Wed 2025-03-05 is off in A: one working day later
    let d = deadline(&app, &officer, "apl.service", "2025-03-03").await;
    assert_eq!(d["due"], "2025-03-13", "{d}");
    assert_eq!(deadline(&app, &b_token, "apl.service", "2025-03-03").await["due"], "2025-03-12");
    // A's calendar shows the day with its citation; B's does not
    let cal = app.get_ok(&officer, "/api/v1/calendar/2025").await;
    let day = cal["days"].as_array().unwrap().iter().find(|d| d["date"] == "2025-03-05").expect("local day listed").clone();
    assert_eq!(day["kind"], "local_rest", "{day}");
    assert_eq!(day["working"], false);
    assert!(day["citation"].as_str().unwrap().contains("全市停工的通知"), "{day}");
    assert_eq!(cal["local_days_citation"], LOCAL_CITATION);
    let cal = app.get_ok(&b_token, "/api/v1/calendar/2025").await;
    assert!(cal["days"].as_array().unwrap().iter().all(|d| d["date"] != "2025-03-05"));
    assert!(cal["local_days_citation"].is_null());
    verifies(&app, &a).await;
    verifies(&app, &b).await;
}

const BAD_OVERLAY: &str = r#"[profile]
name = "bad"
title = "bad"

[[rule]]
key = "apl.payment"
value = 15
unit = "yuan"
citation = "c"
verified = false

[[rule]]
key = "apl.decision_period"
value = 60
unit = "fortnights"
citation = "c"
verified = false
"#;

#[tokio::test]
async fn a_bad_file_is_a_422_listing_every_error_with_its_line_and_nothing_changes() {
    let app = spawn_app().await;
    let a = app.tenant_id().await;
    let admin = app.token("admin").await;
    let before = app.snapshot(&a).await;
    let v = expect_error(
        app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": BAD_OVERLAY, "citation": A_CITATION})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_override",
    )
    .await;
    let msg = v["error"]["message"].as_str().unwrap();
    // the dimension error at the rule (line 5) and the unknown unit (line 15): both, with lines
    assert!(msg.contains("line 5:") && msg.contains("第5行"), "{msg}");
    assert!(msg.contains("line 15:") && msg.contains("fortnights"), "{msg}");
    assert!(msg.contains("2 error(s)"), "{msg}");
    // local days: three problems in one entry
    let bad_days = "[[local_day]]\ndate = 2031-01-02\nkind = \"nap\"\nname = \"x\"\ncitation = \"\"\nverified = false\n";
    let v = expect_error(
        app.put(&admin, "/api/v1/rules/overrides/local_days", json!({"text": bad_days, "citation": "c"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_override",
    )
    .await;
    let msg = v["error"]["message"].as_str().unwrap();
    for line in ["line 2:", "line 3:", "line 5:"] {
        assert!(msg.contains(line), "{line}: {msg}");
    }
    // not TOML at all
    let v = expect_error(
        app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": "[profile]\nname = \n", "citation": "c"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_override",
    )
    .await;
    assert!(v["error"]["message"].as_str().unwrap().contains("line "), "{v}");
    // a valid file without a citation, an empty file, unknown fields, an unknown kind
    expect_error(
        app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": SEED_004, "citation": "  "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_citation",
    )
    .await;
    expect_error(
        app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": "\n", "citation": "c"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_text",
    )
    .await;
    expect_client_error(app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": SEED_004, "citation": "c", "active": true})).await).await;
    expect_error(app.put(&admin, "/api/v1/rules/overrides/holidays", json!({"text": SEED_004, "citation": "c"})).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    app.assert_unchanged(&before, "refused overrides").await;
}

#[tokio::test]
async fn only_administrators_of_the_whole_tenant_may_override() {
    let app = spawn_app().await;
    let a = app.tenant_id().await;
    let mut tokens = Vec::new();
    for who in ["officer", "leader", "legal_reviewer", "inspector", "assessor"] {
        tokens.push((who, app.token(who).await));
    }
    let admin = app.token("admin").await;
    expect_json(app.put(&admin, "/api/v1/rules/overrides/procedure", json!({"text": SEED_004, "citation": A_CITATION})).await, StatusCode::OK).await;
    let before = app.snapshot(&a).await;
    for (who, t) in &tokens {
        for (text, kind) in [(SEED_004, "procedure"), (LOCAL_DAYS, "local_days")] {
            let r = app.put(t, &format!("/api/v1/rules/overrides/{kind}"), json!({"text": text, "citation": "c"})).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} {kind}");
            expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        }
        expect_error(app.post(t, "/api/v1/rules/overrides/procedure/reset", json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
        // … but everyone reads them
        assert_eq!(app.get_ok(t, "/api/v1/rules/overrides").await.as_array().unwrap().len(), 1, "{who}");
    }
    expect_error(app.client.get(app.url("/api/v1/rules/overrides")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    app.assert_unchanged(&before, "overrides refused to non-administrators").await;
}

#[tokio::test]
async fn the_override_api_is_documented() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/rules/overrides"]["get"].is_object(), "{}", doc["paths"]);
    assert!(doc["paths"]["/api/v1/rules/overrides/{kind}"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/rules/overrides/{kind}/reset"]["post"].is_object());
    assert!(doc["components"]["schemas"]["OverrideInput"].is_object());
    assert!(doc["components"]["schemas"]["OverrideView"].is_object());
}

// ------------------------------------------------------------------ the /rules page

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = app.client.get(app.url(path)).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
    let r = app
        .client
        .post(app.url(path))
        .header("cookie", format!("cg_session={cookie}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    let location = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    (r.status(), r.text().await.unwrap(), location)
}

#[tokio::test]
async fn the_rules_page_takes_an_override_from_administrators_and_marks_what_it_overrides() {
    let app = spawn_app().await;
    let a = app.tenant_id().await;
    let admin = app.browser_session("admin", DEMO_PASSWORD).await;
    let officer = app.browser_session("officer", DEMO_PASSWORD).await;
    let csrf = chengguan_web::auth::csrf_token(&admin);
    // the form is for administrators only
    let (_, body) = page(&app, &admin, "/rules").await;
    assert!(body.contains("id=\"override-form\"") && body.contains("id=\"no-overrides\""), "admin sees the form");
    let (_, body) = page(&app, &officer, "/rules").await;
    assert!(!body.contains("id=\"override-form\""), "officer sees no form");

    let before = app.snapshot(&a).await;
    // without the CSRF field: refused
    let (status, _, _) = post_form(&app, &admin, "/rules/overrides", &[("kind", "procedure"), ("text", SEED_004), ("citation", A_CITATION)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // a bad file comes back with its errors and lines, the text kept
    let (status, body, _) =
        post_form(&app, &admin, "/rules/overrides", &[("_csrf", &csrf), ("kind", "procedure"), ("text", BAD_OVERLAY), ("citation", A_CITATION)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"override-errors\"") && body.contains("line 5:") && body.contains("line 15:"), "{body}");
    assert!(body.contains("fortnights"));
    // an officer's post is refused
    let officer_csrf = chengguan_web::auth::csrf_token(&officer);
    let (status, _, _) =
        post_form(&app, &officer, "/rules/overrides", &[("_csrf", &officer_csrf), ("kind", "procedure"), ("text", SEED_004), ("citation", "c")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.assert_unchanged(&before, "refused override forms").await;

    // a good file is saved (one entry) and the page marks the overridden values with A's citation
    let (status, _, location) =
        post_form(&app, &admin, "/rules/overrides", &[("_csrf", &csrf), ("kind", "procedure"), ("text", SEED_004), ("citation", A_CITATION)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/rules#overrides"));
    assert_eq!(app.ledger_len_of(&a).await, before.ledger + 1);
    let (status, body) = page(&app, &officer, "/rules?rule=apl.decision_period&start=2025-03-03").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"procedure-override\"") && body.contains(A_CITATION), "{body}");
    let row = body.split("<tr data-key=\"apl.decision_period\">").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("overridden") && row.contains(A_CITATION) && row.contains("seed 004"), "{row}");
    let national_row = body.split("<tr data-key=\"apl.service\">").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(!national_row.contains("overridden"), "{national_row}");
    assert!(body.contains("id=\"deadline-result\""), "deadline computed");
    assert!(body.contains("60"), "60-day result");
    // reset from the page
    let (status, _, _) = post_form(&app, &admin, "/rules/overrides/procedure/reset", &[("_csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = page(&app, &officer, "/rules").await;
    assert!(!body.contains("id=\"procedure-override\""));
    verifies(&app, &a).await;
}
