//! End-to-end in Debian's headless Chromium against the real server (run by `.ci/run` with
//! `--ignored`; needs `chromium` and `chromium-driver`). Screenshots of a failure are kept in
//! `target/browser-artifacts/`.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use fantoccini::{Client, ClientBuilder, Locator};
use helpers::*;
use std::process::Stdio;
use std::time::Duration;

struct Browser {
    client: Client,
    _driver: tokio::process::Child,
}

async fn browser() -> Browser {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = tokio::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver not found: install Debian's chromium and chromium-driver (.ci/run does)");
    let profile = std::env::temp_dir().join(format!("chengguan-chromium-{}", uuid_like()));
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }
    }))
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(client) = ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&url).await {
            return Browser { client, _driver: driver };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a Chromium session through chromedriver at {url}");
}

fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

async fn screenshot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
        std::fs::create_dir_all(&dir).ok();
        std::fs::write(dir.join(format!("{name}.png")), png).ok();
    }
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

async fn login(c: &Client, app: &TestApp, user: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys(user).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(chengguan_domain::demo::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Id("login")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("logout")).await.unwrap();
}

/// Log in, open a street team, see its computed figures, edit a person; the edit is recorded.
#[tokio::test]
#[ignore = "needs Debian chromium + chromium-driver; run by .ci/run"]
async fn admin_opens_a_street_team_and_edits_a_person() {
    let app = spawn_app().await;
    let b = browser().await;
    let c = &b.client;
    let result = async {
        login(c, &app, "admin").await;
        c.goto(&app.url("/org")).await.unwrap();
        c.find(Locator::LinkText("花楼水塔街道城市管理执法队")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("staffing")).await.unwrap();
        assert_eq!(text(c, "#unit-name").await, "花楼水塔街道城市管理执法队");
        // The page shows the figures the API computes from the data.
        let token = app.token("admin").await;
        let api: serde_json::Value = app.get(&token, "/api/v1/org-units/u-team-04/staffing?subtree=false").await.json().await.unwrap();
        for key in ["total", "established", "auxiliaries", "certified", "uncertified", "frontline", "legal_review"] {
            let shown = text(c, &format!("td[data-figure='{key}']")).await;
            assert_eq!(shown, api["figures"][key].to_string(), "figure {key}");
        }
        assert_eq!(text(c, "td[data-figure='established']").await, "12", "seed 001: 花楼水塔 has 12 posts");
        // Auxiliaries outnumber officers in this demo team: the rule shows as not met, with its citation.
        let aux = text(c, "tr[data-check='auxiliary_max_ratio_to_established']").await;
        assert!(aux.contains("未达标") && aux.contains("中发〔2015〕37号"), "{aux}");

        c.find(Locator::Css("a[href^='/people?unit=u-team-04']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("people")).await.unwrap();
        c.find(Locator::Css("#people a[href^='/people/p-']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("edit-person")).await.unwrap();
        let person_url = c.current_url().await.unwrap();
        let person_id = person_url.path().rsplit('/').next().unwrap().to_owned();
        let before = app.ledger_len().await;
        let phone = c.find(Locator::Id("f-phone")).await.unwrap();
        phone.clear().await.unwrap();
        phone.send_keys("13900001111").await.unwrap();
        c.find(Locator::Id("save-person")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("person-phone")).await.unwrap();
        assert_eq!(text(c, "#person-phone").await, "139****1111", "phone is masked after saving");
        assert_eq!(app.ledger_len().await, before + 1, "the edit is one entry in the full-process record");
        let p = app.store.person(&app.tenant_id().await, &person_id).await.unwrap().unwrap();
        assert_eq!(p.phone.as_deref(), Some("13900001111"));

        // English switch.
        c.find(Locator::LinkText("English")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::LinkText("中文")).await.unwrap();
        assert!(text(c, "nav.modules").await.contains("People"));
    };
    let outcome = tokio::time::timeout(Duration::from_secs(120), result).await;
    if outcome.is_err() {
        screenshot(c, "admin_opens_a_street_team_and_edits_a_person").await;
        panic!("browser flow timed out");
    }
    b.client.clone().close().await.ok();
}

/// An officer sees their own team but is refused the people of another street's team.
#[tokio::test]
#[ignore = "needs Debian chromium + chromium-driver; run by .ci/run"]
async fn officer_sees_only_their_scope() {
    let app = spawn_app().await;
    let b = browser().await;
    let c = &b.client;
    login(c, &app, "officer").await;
    c.goto(&app.url("/people?unit=u-team-01")).await.unwrap();
    c.wait().for_element(Locator::Id("people")).await.unwrap();
    let token = app.token("officer").await;
    let api: serde_json::Value = app.get(&token, "/api/v1/people?unit=u-team-01&subtree=true&limit=1").await.json().await.unwrap();
    let total = api["total"].as_u64().unwrap();
    assert!(total >= 10, "the 民族 team has 10 officers plus auxiliaries");
    assert_eq!(text(c, "#people-total").await, format!("共 {total} 人"));
    c.goto(&app.url("/people?unit=u-team-02")).await.unwrap();
    let err = text(c, "#error").await;
    if !err.contains("无权") {
        screenshot(c, "officer_sees_only_their_scope").await;
    }
    assert!(err.contains("无权"), "{err}");
    // No edit form for an officer.
    c.goto(&app.url("/people?unit=u-team-01")).await.unwrap();
    c.find(Locator::Css("#people a[href^='/people/p-']")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("person")).await.unwrap();
    assert!(c.find(Locator::Id("edit-person")).await.is_err());
    b.client.clone().close().await.ok();
}

/// A citizen opens the public verify page of a record entry (no login) and reads the verdict.
#[tokio::test]
#[ignore = "needs Debian chromium + chromium-driver; run by .ci/run"]
async fn the_public_verify_page_works_in_the_browser() {
    let app = spawn_app().await;
    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/public/verify/jianghan/0")).await.unwrap();
    let verdict = c.wait().for_element(Locator::Id("verdict")).await.unwrap();
    let ok = verdict.attr("data-verified").await.unwrap();
    if ok.as_deref() != Some("true") {
        screenshot(c, "the_public_verify_page_works_in_the_browser").await;
    }
    assert_eq!(ok.as_deref(), Some("true"));
    assert!(verdict.text().await.unwrap().contains("验证通过"));
    assert!(text(c, "#entry").await.contains("demo.load"));
    b.client.clone().close().await.ok();
}

/// An officer searches the power list for 占道, opens an item's discretion calculator, enters the
/// facts and reads the tier and the text the notice prints (the same as the API's assessment).
#[tokio::test]
#[ignore = "needs Debian chromium + chromium-driver; run by .ci/run"]
async fn officer_searches_the_power_list_and_uses_the_calculator() {
    let app = spawn_app().await;
    let b = browser().await;
    let c = &b.client;
    let result = async {
        login(c, &app, "officer").await;
        c.goto(&app.url("/power")).await.unwrap();
        c.find(Locator::Id("f-q")).await.unwrap().send_keys("占道").await.unwrap();
        c.find(Locator::Css("#power-search button[type='submit']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Css("#power-items tr[data-code='SZ-001']")).await.unwrap();
        assert!(c.current_url().await.unwrap().query().unwrap_or_default().contains("q="), "the search is in the URL");
        let rows = c.find_all(Locator::Css("#power-items tr[data-code]")).await.unwrap();
        let token = app.token("officer").await;
        let api: serde_json::Value = app.get(&token, "/api/v1/power-items?q=占道&limit=100").await.json().await.unwrap();
        assert_eq!(rows.len() as u64, api["total"].as_u64().unwrap(), "the page lists what the API finds");
        c.find(Locator::Css("#power-items tr[data-code='SZ-001'] a[href='/power/SZ-001/calculator']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("calc-form")).await.unwrap();
        let violation = c.find(Locator::Id("c-v")).await.unwrap().prop("value").await.unwrap().unwrap();
        let decision = c.find(Locator::Id("c-d")).await.unwrap().prop("value").await.unwrap().unwrap();
        c.find(Locator::Id("c-age")).await.unwrap().send_keys("40").await.unwrap();
        c.find(Locator::Id("c-q")).await.unwrap().send_keys("10").await.unwrap();
        c.find(Locator::Css("#calc-form button[type='submit']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("result")).await.unwrap();
        let body = serde_json::json!({"violation_date": violation, "decision_date": decision, "facts": {"party": "individual", "age": 40, "quantity": 10}});
        let api: serde_json::Value = app.post(&token, "/api/v1/power-items/SZ-001/assess", body).await.json().await.unwrap();
        assert_eq!(text(c, "#tier").await, api["tier_zh"].as_str().unwrap());
        assert_eq!(text(c, "#tier").await, "一般处罚", "quantity 10 is the standard tier");
        let notice = text(c, "#notice-text").await;
        assert_eq!(notice, api["assessment"]["text_zh"].as_str().unwrap());
        assert!(notice.contains("《城市道路管理条例》第四十二条") && notice.contains("拟给予罚款"), "{notice}");
    };
    let outcome = tokio::time::timeout(Duration::from_secs(120), result).await;
    if outcome.is_err() {
        screenshot(c, "officer_searches_the_power_list_and_uses_the_calculator").await;
        panic!("browser flow timed out");
    }
    b.client.clone().close().await.ok();
}
