//! The working-day calendar, the procedural rule profile and the deadline calculator over HTTP:
//! the JSON API (any logged-in role may read), its errors (a year without data is an error naming
//! the year, never a guess), and the pages (/calendar/{year}, /rules). Nothing here writes: every
//! request leaves the tenant as it was.

use crate::helpers::*;
use chengguan_domain::demo::DEMO_PASSWORD;
use chengguan_domain::profile::ProcedureProfile;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

/// The 2024 notice (国办发明电〔2023〕7号): 国庆节 10月1日至7日放假调休，共7天。9月29日（星期日）、
/// 10月12日（星期六）上班。
const NOTICE_2024: &str = "国办发明电〔2023〕7号";

fn day<'a>(cal: &'a Value, date: &str) -> Option<&'a Value> {
    cal["days"].as_array().unwrap().iter().find(|d| d["date"] == date)
}

#[tokio::test]
async fn calendar_2024_has_national_day_and_its_make_up_days_with_the_notice() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    // any logged-in role may read the calendar (logging in is recorded: snapshot after)
    let mut tokens = Vec::new();
    for who in ["officer", "auxiliary", "assessor", "admin"] {
        tokens.push((who, app.token(who).await));
    }
    let before = app.snapshot(&tenant).await;
    for (who, t) in &tokens {
        let cal = app.get_ok(t, "/api/v1/calendar/2024").await;
        assert_eq!(cal["year"], 2024, "{who}");
        assert_eq!(cal["notice"]["number"], NOTICE_2024);
        assert_eq!(cal["notice"]["title"], "国务院办公厅关于2024年部分节假日安排的通知");
        assert_eq!(cal["notice"]["number_verified"], true);
        assert!(cal["notice"]["citation"].as_str().unwrap().contains(NOTICE_2024));
        for d in 1..=7 {
            let date = format!("2024-10-0{d}");
            let v = day(&cal, &date).unwrap_or_else(|| panic!("{date} missing: {cal}"));
            assert_eq!(v["kind"], "holiday", "{v}");
            assert_eq!(v["name"], "国庆节", "{v}");
            assert_eq!(v["working"], false, "{v}");
            assert!(v["citation"].as_str().unwrap().contains(NOTICE_2024), "{v}");
        }
        for (date, weekday) in [("2024-09-29", "星期日"), ("2024-10-12", "星期六")] {
            let v = day(&cal, date).unwrap_or_else(|| panic!("{date} missing"));
            assert_eq!(v["kind"], "makeup", "{v}");
            assert_eq!(v["weekday"], weekday, "{v}");
            assert_eq!(v["working"], true, "{v}");
            assert_eq!(v["name"], "国庆节", "{v}");
            assert!(v["citation"].as_str().unwrap().contains(NOTICE_2024), "{v}");
        }
        // only days that are not ordinary weekdays or weekends are listed
        for ordinary in ["2024-09-30", "2024-10-08", "2024-10-13", "2024-02-09"] {
            assert!(day(&cal, ordinary).is_none(), "{ordinary} is an ordinary day");
        }
        assert!(cal["days"].as_array().unwrap().iter().all(|d| d["kind"] == "holiday" || d["kind"] == "makeup"));
        // 2024 has 366 days: working and rest days add up
        assert_eq!(cal["working_days"].as_u64().unwrap() + cal["rest_days"].as_u64().unwrap(), 366);
        assert_eq!(cal["covered_years"], json!((2018..=2026).collect::<Vec<_>>()));
    }
    app.assert_unchanged(&before, "reading the calendar").await;
}

#[tokio::test]
async fn each_day_cites_the_notice_that_set_it_and_amendments_are_listed() {
    let app = spawn_app().await;
    let t = app.token("officer").await;
    // 2018-12-29 (a Saturday) was made a working day by the 2019 notice (国办发明电〔2018〕15号)
    let cal = app.get_ok(&t, "/api/v1/calendar/2018").await;
    let v = day(&cal, "2018-12-29").unwrap();
    assert_eq!(v["kind"], "makeup");
    assert!(v["citation"].as_str().unwrap().contains("国办发明电〔2018〕15号"), "{v}");
    assert_eq!(cal["notice"]["number"], "国办发明电〔2017〕12号");
    // 2020: 春节 extended by 国办发明电〔2020〕1号; 2020-02-01 became a day off under it
    let cal = app.get_ok(&t, "/api/v1/calendar/2020").await;
    let amendments = cal["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 1, "{cal}");
    assert_eq!(amendments[0]["number"], "国办发明电〔2020〕1号");
    assert_eq!(amendments[0]["amendment"], true);
    let v = day(&cal, "2020-02-01").unwrap();
    assert_eq!(v["kind"], "holiday");
    assert!(v["citation"].as_str().unwrap().contains("国办发明电〔2020〕1号"), "{v}");
    // 2026's number is known from secondary references only: the citation says so
    let cal = app.get_ok(&t, "/api/v1/calendar/2026").await;
    assert_eq!(cal["notice"]["number_verified"], false);
    assert!(cal["notice"]["citation"].as_str().unwrap().contains("未核实"));
}

#[tokio::test]
async fn a_year_without_data_is_an_error_naming_the_year() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let t = app.token("officer").await;
    let before = app.snapshot(&tenant).await;
    for year in [2017, 2030] {
        let v = expect_rule(app.get(&t, &format!("/api/v1/calendar/{year}")).await, StatusCode::NOT_FOUND, "calendar_year_not_covered").await;
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(&format!("{year}年")) && msg.contains(&year.to_string()), "{msg}");
        assert!(msg.contains("2018") && msg.contains("2026"), "says what is covered: {msg}");
    }
    for bad in ["abc", "2024.5", "0", "-1", "99999999999"] {
        expect_error(app.get(&t, &format!("/api/v1/calendar/{bad}")).await, StatusCode::BAD_REQUEST, "invalid_year").await;
    }
    expect_error(app.client.get(app.url("/api/v1/calendar/2024")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(app.post(&t, "/api/v1/calendar/2024", json!({})).await, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    app.assert_unchanged(&before, "calendar errors").await;
}

#[tokio::test]
async fn the_procedure_profile_lists_every_value_with_unit_and_citation() {
    let app = spawn_app().await;
    let t = app.token("auxiliary").await;
    let v = app.get_ok(&t, "/api/v1/rules/procedure").await;
    assert_eq!(v["layers"], json!(["national"]));
    let rules = v["rules"].as_array().unwrap();
    let national = ProcedureProfile::national();
    assert_eq!(rules.len(), national.rules().count());
    for r in national.rules() {
        let got = rules.iter().find(|x| x["key"] == r.key.as_str()).unwrap_or_else(|| panic!("{} missing", r.key));
        assert_eq!(got["citation"], r.citation.as_str());
        assert_eq!(got["verified"], r.verified);
        assert_eq!(got["value"], json!(r.quantity().map(|q| q.value)), "{}", r.key);
        assert_eq!(got["unit"], json!(r.quantity().map(|q| q.unit.as_str())), "{}", r.key);
        assert!(!got["citation"].as_str().unwrap().trim().is_empty());
    }
    let service = rules.iter().find(|x| x["key"] == "apl.service").unwrap();
    assert_eq!((service["value"].as_i64(), service["unit"].as_str()), (Some(7), Some("working_days")));
    assert_eq!(service["text_zh"], "7个工作日");
    assert_eq!(service["is_period"], true);
    assert!(service["refs"].as_array().unwrap().iter().any(|x| x["law"] == "行政处罚法" && x["article"] == 85));
    let ext = rules.iter().find(|x| x["key"] == "acl.seizure_extension").unwrap();
    assert_eq!(ext["kind"], "extension");
    assert_eq!(ext["extends"], "acl.seizure_period");
    assert_eq!(ext["max_times"], 1);
    assert_eq!(ext["is_period"], false);
    let pause = rules.iter().find(|x| x["key"] == "acl.seizure_testing_pause").unwrap();
    assert_eq!(pause["kind"], "pause");
    assert_eq!(pause["pauses"], "acl.seizure_period");
    assert!(pause["value"].is_null());
    let unverified = rules.iter().find(|x| x["key"] == "three_systems.disclosure").unwrap();
    assert_eq!(unverified["verified"], false);
    expect_error(app.client.get(app.url("/api/v1/rules/procedure")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_deadline_over_national_day_lands_on_the_make_up_saturday_with_its_citation() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let t = app.token("officer").await;
    let before = app.snapshot(&tenant).await;
    // APL art. 61 + art. 85: 7 working days from Fri 2024-09-27 (not counted): Sun 9-29 (make-up) 1,
    // Mon 9-30 2, [10-01..07 off], 10-08..10-11 3..6, Sat 10-12 (make-up) 7
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "apl.service", "start": "2024-09-27"})).await, StatusCode::OK).await;
    assert_eq!(v["due"], "2024-10-12", "{v}");
    assert_eq!(v["end_of_day"], true);
    assert_eq!(v["rule"], "apl.service");
    assert_eq!(v["value"], 7);
    assert_eq!(v["unit"], "working_days");
    assert_eq!(v["verified"], true);
    assert_eq!(v["direction"], "after");
    assert_eq!(v["start"], "2024-09-27T00:00:00+08:00");
    assert!(v["citation"].as_str().unwrap().contains("《行政处罚法》第六十一条、第八十五条"), "{v}");
    let zh = v["explanation_zh"].as_str().unwrap();
    assert!(zh.contains("7个工作日") && zh.contains("2024年10月12日") && zh.contains("第六十一条"), "{zh}");
    let en = v["explanation_en"].as_str().unwrap();
    assert!(en.contains("7 working days") && en.contains("2024-10-12"), "{en}");
    // RFC 3339 times are read in Asia/Shanghai: 2024-09-26T20:00Z is 2024-09-27 04:00 there
    for start in ["2024-09-27T10:00:00+08:00", "2024-09-26T20:00:00Z", "2024-09-27T02:00:00Z"] {
        let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "apl.service", "start": start})).await, StatusCode::OK).await;
        assert_eq!(v["due"], "2024-10-12", "{start}: {v}");
    }
    // 2024-09-26T15:59:59Z is still 2024-09-26 in Shanghai: one working day earlier
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "apl.service", "start": "2024-09-26T15:59:59Z"})).await, StatusCode::OK).await;
    assert_eq!(v["due"], "2024-10-11", "{v}");
    // APL art. 67 (15 days) + 民事诉讼法 art. 85: day 15 is 2024-10-01 (国庆节) → 2024-10-08
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "apl.payment", "start": "2024-09-16"})).await, StatusCode::OK).await;
    assert_eq!(v["due"], "2024-10-08", "{v}");
    let zh = v["explanation_zh"].as_str().unwrap();
    assert!(zh.contains("国庆节") && zh.contains(NOTICE_2024) && zh.contains("民事诉讼法第八十五条"), "{zh}");
    // ACL art. 19: 24 hours, the starting hour not counted → a time, not a day
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "acl.emergency_report", "start": "2025-03-03T10:25:00+08:00"})).await, StatusCode::OK)
        .await;
    assert_eq!(v["due"], "2025-03-04T11:00:00+08:00", "{v}");
    assert_eq!(v["end_of_day"], false);
    // APL art. 64 (2): the hearing notice counted back from a hearing on Mon 2025-03-17
    let v = expect_json(
        app.post(&t, "/api/v1/deadlines", json!({"rule": "apl.hearing_notice", "start": "2025-03-17", "direction": "before"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["due"], "2025-03-06", "{v}");
    assert_eq!(v["direction"], "before");
    // the seizure period names the extension and pause the profile grants it
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "acl.seizure_period", "start": "2025-03-03"})).await, StatusCode::OK).await;
    assert_eq!(v["due"], "2025-04-02");
    assert_eq!(v["extensions"], json!(["acl.seizure_extension"]));
    assert_eq!(v["pauses"], json!(["acl.seizure_testing_pause"]));
    // an unverified value says so in its citation
    let v = expect_json(app.post(&t, "/api/v1/deadlines", json!({"rule": "three_systems.disclosure", "start": "2025-03-03"})).await, StatusCode::OK).await;
    assert_eq!(v["verified"], false);
    assert!(v["citation"].as_str().unwrap().contains("未核实"), "{v}");
    app.assert_unchanged(&before, "computing deadlines").await;
}

#[tokio::test]
async fn deadline_errors_are_4xx_json_naming_the_problem_and_change_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let t = app.token("officer").await;
    let before = app.snapshot(&tenant).await;
    let post = |body: Value| app.post(&t, "/api/v1/deadlines", body);

    let v = expect_error(post(json!({"rule": "apl.nothing", "start": "2024-09-27"})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_rule").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("apl.nothing"), "{v}");
    for bad in ["2024-13-45", "2024-02-30", "yesterday", "", "27.09.2024", "2024-09-27T25:00:00Z", "2024-09-27 10:00"] {
        expect_error(post(json!({"rule": "apl.service", "start": bad})).await, StatusCode::BAD_REQUEST, "invalid_date").await;
    }
    // years without a notice: an error naming the year, never a weekday guess
    let v = expect_rule(post(json!({"rule": "apl.service", "start": "2030-01-02"})).await, StatusCode::UNPROCESSABLE_ENTITY, "calendar_year_not_covered").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("2030"), "{v}");
    let v = expect_rule(post(json!({"rule": "apl.service", "start": "2017-06-01"})).await, StatusCode::UNPROCESSABLE_ENTITY, "calendar_year_not_covered").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("2017"), "{v}");
    // starting in a covered year but running into 2027
    let v = expect_rule(post(json!({"rule": "acl.reminder_wait", "start": "2026-12-24"})).await, StatusCode::UNPROCESSABLE_ENTITY, "calendar_year_not_covered")
        .await;
    assert!(v["error"]["message"].as_str().unwrap().contains("2027"), "{v}");
    // not a period: a threshold, an extension, a pause
    for rule in ["apl.on_the_spot_collection_max", "acl.seizure_extension", "acl.seizure_testing_pause"] {
        let v = expect_error(post(json!({"rule": rule, "start": "2024-09-27"})).await, StatusCode::UNPROCESSABLE_ENTITY, "deadline").await;
        assert!(v["error"]["message"].as_str().unwrap().contains(rule), "{v}");
    }
    // office hours only for rules in working hours or minutes
    expect_error(
        post(json!({"rule": "apl.service", "start": "2024-09-27", "office_hours": "08:30-12:00"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "office_hours_not_applicable",
    )
    .await;
    expect_error(post(json!({"rule": "apl.service", "start": "2024-09-27", "direction": "sideways"})).await, StatusCode::BAD_REQUEST, "invalid_value").await;
    // counted back only in days or working days
    expect_error(
        post(json!({"rule": "acl.emergency_report", "start": "2025-03-03", "direction": "before"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "deadline",
    )
    .await;
    // malformed bodies
    expect_error(post(json!({"rule": "apl.service", "start": "2024-09-27", "case": "x"})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    expect_error(post(json!({"rule": "apl.service"})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    expect_error(post(json!({"rule": 7, "start": "2024-09-27"})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    expect_error(app.post_raw(&t, "/api/v1/deadlines", "application/json", r#"{"rule": "apl.service", "#).await, StatusCode::BAD_REQUEST, "invalid_body").await;
    let r = app.client.post(app.url("/api/v1/deadlines")).json(&json!({"rule": "apl.service", "start": "2024-09-27"})).send().await.unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(app.get(&t, "/api/v1/deadlines").await, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    app.assert_unchanged(&before, "refused deadline requests").await;
}

#[tokio::test]
async fn the_api_is_documented() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/calendar/{year}"]["get"].is_object(), "{}", doc["paths"]);
    assert!(doc["paths"]["/api/v1/rules/procedure"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/deadlines"]["post"].is_object());
    assert!(doc["components"]["schemas"]["DeadlineView"].is_object());
}

// ------------------------------------------------------------------ pages

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = app.client.get(app.url(path)).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    // strict CSP: no inline styles or scripts
    assert!(!body.contains("style=") && !body.contains("<script"), "{path}: inline style or script");
    (status, body)
}

#[tokio::test]
async fn the_calendar_page_marks_holidays_and_make_up_days() {
    let app = spawn_app().await;
    let cookie = app.browser_session("auxiliary", DEMO_PASSWORD).await;
    let (status, body) = page(&app, &cookie, "/calendar/2024").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for d in 1..=7 {
        let cell = format!(r#"<td class="day holiday" data-date="2024-10-0{d}" title="2024-10-0{d} 国庆节 · 法定节假日""#);
        assert!(body.contains(&cell), "{cell}");
    }
    for d in ["2024-09-29", "2024-10-12", "2024-02-04", "2024-02-18"] {
        assert!(body.contains(&format!(r#"<td class="day makeup" data-date="{d}""#)), "{d} marked as a make-up working day");
    }
    assert!(body.contains(r#"<td class="day workday" data-date="2024-10-08""#));
    assert!(body.contains(r#"<td class="day weekend" data-date="2024-10-13""#));
    assert!(body.contains(r#"<td class="day workday" data-date="2024-02-09""#), "除夕 2024 is a working day");
    // every day of the year has its cell, in 12 months
    assert_eq!(body.matches(r#"<td class="day "#).count(), 366);
    assert_eq!(body.matches("<table class=\"cal\">").count(), 12);
    assert!(body.contains("国务院办公厅关于2024年部分节假日安排的通知") && body.contains(NOTICE_2024));
    assert!(body.contains(r#"id="legend""#) && body.contains("调休上班日"));
    assert!(body.contains(r#"href="/calendar/2023""#) && body.contains(r#"href="/calendar/2025""#));
    assert!(body.contains(r#"<tr class="holiday" data-date="2024-10-01">"#), "the list of special days");
    assert!(body.contains(r#"href="/calendar" class="active""#), "nav link");

    // in English
    let r = app.client.get(app.url("/calendar/2024")).header("cookie", format!("cg_session={cookie}; lang=en")).send().await.unwrap();
    let en = r.text().await.unwrap();
    assert!(en.contains("2024-10-01 国庆节 · public holiday") && en.contains("make-up working day"));

    // a year without data: a page naming the year, not a 500
    for year in [2017, 2030] {
        let (status, body) = page(&app, &cookie, &format!("/calendar/{year}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains(r#"id="not-covered""#) && body.contains(&format!("{year}年的工作日历缺失")), "{body}");
        assert!(body.contains(r#"href="/calendar/2024""#), "links to the covered years");
    }
    let (status, _) = page(&app, &cookie, "/calendar/next").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // /calendar goes to this year (Asia/Shanghai)
    let r = app.client.get(app.url("/calendar")).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    assert!(r.status().is_redirection());
    let year = chengguan_web::services::today().format("%Y").to_string();
    assert_eq!(r.headers()[header::LOCATION], format!("/calendar/{year}").as_str());
    // behind login
    let r = app.client.get(app.url("/calendar/2024")).send().await.unwrap();
    assert!(r.status().is_redirection());
    assert_eq!(r.headers()[header::LOCATION], "/login");
}

#[tokio::test]
async fn the_rules_page_lists_the_procedure_profile_and_computes_a_deadline() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let cookie = app.browser_session("officer", DEMO_PASSWORD).await;
    let before = app.snapshot(&tenant).await;
    let (status, body) = page(&app, &cookie, "/rules").await;
    assert_eq!(status, StatusCode::OK);
    for r in ProcedureProfile::national().rules() {
        assert!(body.contains(&format!(r#"<tr data-key="{}">"#, r.key)), "{} listed", r.key);
        // askama escapes quotes; the citations here have none that need it
        assert!(body.contains(&r.citation), "{} cited", r.key);
    }
    assert!(body.contains("7个工作日") && body.contains("<code>working_days</code>"));
    assert!(body.contains(r#"id="deadline-form""#) && body.contains(r#"<option value="apl.service">"#));
    assert!(!body.contains(r#"<option value="apl.on_the_spot_collection_max""#), "only periods are offered");
    assert!(body.contains(r#"id="rules""#), "the staffing rules are still there");

    let (status, body) = page(&app, &cookie, "/rules?rule=apl.service&start=2024-09-27&time=&direction=after").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<strong id="due">2024年10月12日（星期六）</strong>"#), "{body}");
    assert!(body.contains("《行政处罚法》第六十一条、第八十五条"));
    assert!(body.contains(r#"<option value="apl.service" selected>"#));

    let (status, body) = page(&app, &cookie, "/rules?rule=apl.hearing_notice&start=2025-03-17&direction=before").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2025年3月6日"), "{body}");

    let (status, body) = page(&app, &cookie, "/rules?rule=apl.service&start=2030-01-02&direction=after").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="deadline-error""#) && body.contains("2030年的工作日历缺失"), "{body}");
    let (status, body) = page(&app, &cookie, "/rules?rule=apl.service&start=someday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains(r#"id="deadline-error""#));
    let (status, _) = page(&app, &cookie, "/rules?colour=red").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.assert_unchanged(&before, "the rules page").await;
}
