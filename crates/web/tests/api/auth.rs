//! Authentication and the record of who did what: logins, the failed-login limit, logout,
//! deactivation, browser sessions versus API tokens, password change, personal-data masking, and
//! exactly one ledger entry per write, named for what it did.

use crate::helpers::*;
use chengguan_domain::demo::DEMO_PASSWORD;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.client.post(app.url("/api/v1/auth/token")).json(&json!({"username": username, "password": password})).send().await.unwrap()
}

/// The newest record entry, read as `reader`; asserts the record grew by exactly one since `before`.
async fn one_new_entry(app: &TestApp, reader: &str, before: i64, action: &str, subject: &str, actor: &str) -> Value {
    assert_eq!(app.ledger_len().await, before + 1, "{action}: exactly one entry");
    let e = app.newest_entries(reader, 1).await.remove(0);
    assert_eq!(e["seq"], before, "{e}");
    assert_eq!(e["action"], action, "{e}");
    assert_eq!(e["subject"], subject, "{e}");
    assert_eq!(e["actor"], actor, "{e}");
    for h in ["payload_hash", "leaf_hash"] {
        assert!(e[h].as_str().is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())), "{h}: {e}");
    }
    e
}

#[tokio::test]
async fn login_succeeds_with_the_right_password_only() {
    let app = spawn_app().await;
    let before = app.ledger_len().await;
    let v = expect_json(login(&app, "officer", DEMO_PASSWORD).await, StatusCode::OK).await;
    assert_eq!(v["token_type"], "Bearer");
    let token = v["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 64, "a 256-bit token");
    let expires = chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap()).unwrap();
    let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((11.9..=12.0).contains(&hours), "session lasts the profile's 12 h: {hours}");
    let admin = app.token("admin").await;
    one_new_entry(&app, &admin, before + 1, "auth.login", "account/a-admin", "a-admin").await;
    let e = app.newest_entries(&admin, 2).await.remove(1);
    assert_eq!((e["action"].as_str(), e["subject"].as_str(), e["actor"].as_str()), (Some("auth.login"), Some("account/a-officer"), Some("a-officer")));

    let me = app.get_ok(&token, "/api/v1/me").await;
    assert_eq!(me["username"], "officer");
    assert_eq!(me["grants"], json!([{"role": "officer", "org_unit_id": "u-team-01"}]));
    assert_eq!(
        me["actions"],
        json!([
            "view_org",
            "view_people",
            "view_staffing",
            "upload_evidence",
            "view_evidence",
            "view_case",
            "handle_case",
            "report_interference",
            "view_enforcement",
            "handle_enforcement"
        ])
    );

    let before = app.ledger_len().await;
    let wrong = expect_error(login(&app, "officer", "Chengguan@2025").await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    let unknown = expect_error(login(&app, "no-such-user", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_eq!(wrong, unknown, "an unknown username and a wrong password look the same");
    expect_error(login(&app, "OFFICER", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    expect_error(login(&app, "officer", "").await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_eq!(app.ledger_len().await, before, "failed logins write no record entries");

    for header in ["Bearer ", "Bearer not-a-token", "Basic b2ZmaWNlcjp4", &format!("Bearer {}x", token), &token] {
        let r = app.client.get(app.url("/api/v1/me")).header("authorization", header).send().await.unwrap();
        expect_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[tokio::test]
async fn the_sixth_failed_login_in_a_minute_is_refused_even_with_the_right_password() {
    let app = spawn_app().await;
    let leader = app.token("leader").await; // a session opened before the lockout
    let before = app.ledger_len().await;
    for i in 1..=5 {
        let r = login(&app, "lawyer", &format!("Wrong-Password-{i}")).await;
        expect_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    }
    let v = expect_rule(login(&app, "lawyer", "Wrong-Password-6").await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("GB/T 22239"), "{v}");
    let v = expect_rule(login(&app, "lawyer", DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(v.get("token").is_none());
    assert_eq!(app.ledger_len().await, before, "no login happened");
    // Another account at the same address is not locked out by someone else's failures ...
    app.token("dispatcher").await;
    // ... until the address's own (higher) limit of failures is reached.
    for i in 0..30 - 5 {
        let _ = login(&app, &format!("nobody{i}"), "Wrong-Password-x").await;
    }
    expect_rule(login(&app, "supervisor", DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Sessions already open are unaffected.
    assert_eq!(app.get_ok(&leader, "/api/v1/me").await["username"], "leader");
}

#[tokio::test]
async fn logout_revokes_exactly_that_token() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let first = app.token("inspector").await;
    let second = app.token("inspector").await;
    assert_ne!(first, second);
    let before = app.ledger_len().await;
    let r = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&first).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    one_new_entry(&app, &admin, before, "auth.logout", "account/a-inspector", "a-inspector").await;
    expect_error(app.get(&first, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(app.get(&first, "/api/v1/people").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let r = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&first).send().await.unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.ledger_len().await, before + 1, "a second logout records nothing");
    assert_eq!(app.get_ok(&second, "/api/v1/me").await["username"], "inspector");
}

/// The `Ctx` extractor keeps sessions, accounts and grants in memory: a change committed by this
/// process must apply to the very next request of a token already in use.
#[tokio::test]
async fn grants_changed_apply_to_the_next_request_of_a_live_token() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let officer = app.token("officer").await;
    assert_eq!(app.get_ok(&officer, "/api/v1/me").await["grants"], json!([{"role": "officer", "org_unit_id": "u-team-01"}]));
    assert_eq!(app.get(&officer, "/api/v1/cases").await.status(), StatusCode::OK);
    expect_json(
        app.put(&admin, "/api/v1/accounts/a-officer/grants", json!({"grants": [{"role": "legal_reviewer", "org_unit_id": "u-team-01"}]})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.get_ok(&officer, "/api/v1/me").await["grants"], json!([{"role": "legal_reviewer", "org_unit_id": "u-team-01"}]));
    expect_json(app.put(&admin, "/api/v1/accounts/a-officer/grants", json!({"grants": []})).await, StatusCode::OK).await;
    assert_eq!(app.get_ok(&officer, "/api/v1/me").await["grants"], json!([]));
    let v = expect_error(app.get(&officer, "/api/v1/cases").await, StatusCode::FORBIDDEN, "forbidden").await;
    // The 403 names the policy's rule: who holds the action, over which units.
    let rule = v["error"]["rule"].as_str().unwrap_or_default();
    assert!(rule.contains("rules/policy.toml") && rule.contains("执法队员（所授机构及其下级）"), "{v}");
    // Logout: the cached session is dead on the next request.
    let r = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect_error(app.get(&officer, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_deactivated_account_cannot_log_in_and_its_tokens_stop_working() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let lawyer = app.token("lawyer").await;
    assert_eq!(app.get_ok(&lawyer, "/api/v1/me").await["username"], "lawyer");
    let before = app.ledger_len().await;
    let v = expect_json(app.post(&admin, "/api/v1/accounts/a-lawyer/deactivate", json!({})).await, StatusCode::OK).await;
    assert_eq!(v["active"], false);
    one_new_entry(&app, &admin, before, "account.deactivate", "account/a-lawyer", "a-admin").await;
    expect_error(app.get(&lawyer, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(app.get(&lawyer, "/api/v1/org-units").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(login(&app, "lawyer", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_eq!(app.get_ok(&admin, "/api/v1/accounts/a-lawyer").await["active"], false);
    // Reactivated, the account logs in again.
    let before = app.ledger_len().await;
    expect_json(app.post(&admin, "/api/v1/accounts/a-lawyer/activate", json!({})).await, StatusCode::OK).await;
    one_new_entry(&app, &admin, before, "account.activate", "account/a-lawyer", "a-admin").await;
    let again = app.token("lawyer").await;
    assert_eq!(app.get_ok(&again, "/api/v1/me").await["username"], "lawyer");
    // The token from before the deactivation was revoked with it and stays dead.
    expect_error(app.get(&lawyer, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // Only someone with manage_accounts may deactivate.
    let leader = app.token("leader").await;
    let before = app.ledger_len().await;
    expect_error(app.post(&leader, "/api/v1/accounts/a-lawyer/deactivate", json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.ledger_len().await, before);
}

#[tokio::test]
async fn browser_sessions_and_api_tokens_are_not_interchangeable() {
    let app = spawn_app().await;
    let cookie = app.browser_session("admin", DEMO_PASSWORD).await;
    let api = app.token("admin").await;
    let with_cookie = |c: &str| app.client.get(app.url("/api/v1/me")).header("cookie", format!("cg_session={c}"));
    // Each works the way it was issued.
    assert_eq!(expect_json(with_cookie(&cookie).send().await.unwrap(), StatusCode::OK).await["username"], "admin");
    assert_eq!(app.get_ok(&api, "/api/v1/me").await["username"], "admin");
    // A browser session is not a bearer token, and an API token is not a session cookie.
    expect_error(app.get(&cookie, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(with_cookie(&api).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // With both, the bearer token decides (a valid cookie does not rescue a wrong bearer).
    let r = app.client.get(app.url("/api/v1/me")).bearer_auth(&cookie).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let r = app.client.get(app.url("/api/v1/me")).bearer_auth(&api).header("cookie", format!("cg_session={api}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Cookie-authenticated API writes need the CSRF token derived from the session.
    let tenant = app.tenant_id().await;
    let patch = |csrf: Option<String>| {
        let mut rb =
            app.client.patch(app.url("/api/v1/org-units/u-team-05")).header("cookie", format!("cg_session={cookie}")).json(&json!({"population": 4242}));
        if let Some(c) = csrf {
            rb = rb.header("x-csrf-token", c);
        }
        rb
    };
    let before = app.ledger_len().await;
    expect_error(patch(None).send().await.unwrap(), StatusCode::FORBIDDEN, "csrf").await;
    expect_error(patch(Some("0".repeat(32))).send().await.unwrap(), StatusCode::FORBIDDEN, "csrf").await;
    expect_error(patch(Some(chengguan_web::auth::csrf_token(&api))).send().await.unwrap(), StatusCode::FORBIDDEN, "csrf").await;
    assert_eq!(app.ledger_len().await, before);
    let unit = |units: Vec<chengguan_domain::org::OrgUnit>| units.into_iter().find(|u| u.id == "u-team-05").unwrap();
    assert_eq!(unit(app.store.org_units(&tenant).await.unwrap()).population, None);
    let r = patch(Some(chengguan_web::auth::csrf_token(&cookie))).send().await.unwrap();
    assert_eq!(expect_json(r, StatusCode::OK).await["population"], 4242);
    assert_eq!(unit(app.store.org_units(&tenant).await.unwrap()).population, Some(4242));
    one_new_entry(&app, &api, before, "org_unit.update", "org_unit/u-team-05", "a-admin").await;
    // Bearer writes need no CSRF token (no ambient credential to abuse).
    let r = app.patch(&api, "/api/v1/org-units/u-team-05", json!({"population": 4343})).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn password_change_replaces_the_old_password() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let token = app.token("supervisor").await;
    let new = "Supervisor-New-2026";
    let before = app.ledger_len().await;
    let r = app.post(&token, "/api/v1/me/password", json!({"current": DEMO_PASSWORD, "new": new})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    one_new_entry(&app, &admin, before, "account.password", "account/a-supervisor", "a-supervisor").await;
    // The stored after-image carries the new hash, never the password.
    let tenant = app.tenant_id().await;
    let payload = app.store.ledger_entries(&tenant, i64::MAX, 1, None).await.unwrap().remove(0).payload;
    assert!(payload.contains("$argon2id$") && !payload.contains(new), "{payload}");
    let stored = app.store.account_by_username("supervisor").await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$") && !stored.password_hash.contains(new));
    expect_error(login(&app, "supervisor", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    let fresh = app.token_with("supervisor", new).await;
    assert_eq!(app.get_ok(&fresh, "/api/v1/me").await["username"], "supervisor");
    // The old password no longer counts as "current" either.
    let r = app.post(&fresh, "/api/v1/me/password", json!({"current": DEMO_PASSWORD, "new": "Supervisor-Next-2026"})).await;
    expect_error(r, StatusCode::BAD_REQUEST, "wrong_password").await;
}

fn is_masked_id(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    c.len() == 18 && c[..3].iter().all(|x| x.is_ascii_digit()) && c[3..14].iter().all(|x| *x == '*') && c[14..].iter().all(|x| x.is_ascii_digit() || *x == 'X')
}

fn is_masked_phone(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    c.len() == 11 && c[..3].iter().all(|x| x.is_ascii_digit()) && c[3..7].iter().all(|x| *x == '*') && c[7..].iter().all(|x| x.is_ascii_digit())
}

#[tokio::test]
async fn personal_data_is_masked_unless_revealed_and_every_reveal_is_recorded() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let before = app.ledger_len().await;
    let list = app.get_ok(&leader, "/api/v1/people?unit=u-team-02&limit=200").await;
    let items = list["items"].as_array().unwrap();
    assert!(items.len() > 10);
    let stored = app.store.people(&tenant).await.unwrap();
    let body = list.to_string();
    for p in items {
        assert!(is_masked_id(p["id_number"].as_str().unwrap()), "{p}");
        assert!(is_masked_phone(p["phone"].as_str().unwrap()), "{p}");
        assert_eq!(p["masked"], true);
        let s = stored.iter().find(|s| s.id == p["id"].as_str().unwrap()).unwrap();
        let (id, phone) = (s.id_number.as_deref().unwrap(), s.phone.as_deref().unwrap());
        assert_eq!(p["id_number"].as_str().unwrap(), format!("{}***********{}", &id[..3], &id[14..]), "420***********1234 style");
        assert!(!body.contains(id) && !body.contains(phone), "unmasked data in the list");
    }
    assert_eq!(app.ledger_len().await, before, "masked reads are not recorded");

    let pid = items[0]["id"].as_str().unwrap();
    let s = stored.iter().find(|s| s.id == pid).unwrap();
    let masked = app.get_ok(&leader, &format!("/api/v1/people/{pid}")).await;
    assert!(is_masked_id(masked["id_number"].as_str().unwrap()) && masked["masked"] == true);
    let masked_false = app.get_ok(&leader, &format!("/api/v1/people/{pid}?reveal=false")).await;
    assert_eq!(masked_false["id_number"], masked["id_number"]);
    assert_eq!(app.ledger_len().await, before);

    let shown = app.get_ok(&leader, &format!("/api/v1/people/{pid}?reveal=true")).await;
    assert_eq!(shown["masked"], false);
    assert_eq!(shown["id_number"].as_str(), s.id_number.as_deref());
    assert_eq!(shown["phone"].as_str(), s.phone.as_deref());
    let e = one_new_entry(&app, &admin, before, "person.read_personal_data", &format!("person/{pid}"), "a-leader").await;
    // The record names the read, not the data read.
    assert!(!e.to_string().contains(s.id_number.as_deref().unwrap()));
    let payload = app.store.ledger_entries(&tenant, i64::MAX, 1, None).await.unwrap().remove(0).payload;
    assert!(!payload.contains(s.id_number.as_deref().unwrap()) && !payload.contains(s.phone.as_deref().unwrap()), "{payload}");
    let entries = app.get_ok(&admin, &format!("/api/v1/record?subject=person/{pid}")).await;
    assert_eq!(entries.as_array().unwrap().len(), 1);
    // Each reveal is one more entry.
    app.get_ok(&leader, &format!("/api/v1/people/{pid}?reveal=true")).await;
    assert_eq!(app.ledger_len().await, before + 2);
}

#[tokio::test]
async fn every_write_adds_exactly_one_entry_named_for_it() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let ok = |r: reqwest::Response, s: StatusCode| expect_json(r, s);

    let l = app.ledger_len().await;
    let unit = ok(
        app.post(
            &admin,
            "/api/v1/org-units",
            json!({"code": "420103-S01-T-1", "name": "民族一中队", "kind": "squad", "admin_parent_id": "u-team-01", "guidance_parent_id": "u-bureau"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let uid = unit["id"].as_str().unwrap().to_owned();
    one_new_entry(&app, &admin, l, "org_unit.create", &format!("org_unit/{uid}"), "a-admin").await;

    let l = app.ledger_len().await;
    ok(app.patch(&admin, &format!("/api/v1/org-units/{uid}"), json!({"name": "民族街道执法一中队", "population": 12000})).await, StatusCode::OK).await;
    one_new_entry(&app, &admin, l, "org_unit.update", &format!("org_unit/{uid}"), "a-admin").await;

    let l = app.ledger_len().await;
    let person = ok(
        app.post(&admin, "/api/v1/people", json!({"org_unit_id": uid, "name": "记录测试", "staffing": "civil_servant_managed", "gender": "female", "id_number": "11010519491231002X", "phone": "13912345678", "posts": ["sanitation"], "frontline": true, "joined_on": "2024-03-01"})).await,
        StatusCode::CREATED,
    )
    .await;
    let pid = person["id"].as_str().unwrap().to_owned();
    assert_eq!(person["id_number"], "110***********002X");
    one_new_entry(&app, &admin, l, "person.create", &format!("person/{pid}"), "a-admin").await;

    let l = app.ledger_len().await;
    ok(app.patch(&admin, &format!("/api/v1/people/{pid}"), json!({"posts": ["sanitation", "case_legal"]})).await, StatusCode::OK).await;
    one_new_entry(&app, &admin, l, "person.update", &format!("person/{pid}"), "a-admin").await;

    let l = app.ledger_len().await;
    let cert =
        json!({"number": "鄂城执REC0001", "issuer": "湖北省人民政府", "valid_from": "2024-06-01", "valid_until": "2029-05-31", "scope": "城市管理综合执法"});
    let c = ok(app.post(&admin, &format!("/api/v1/people/{pid}/certificates"), cert).await, StatusCode::CREATED).await;
    assert_eq!(c["valid_today"], true);
    one_new_entry(&app, &admin, l, "certificate.create", &format!("person/{pid}"), "a-admin").await;

    let l = app.ledger_len().await;
    let acct = ok(
        app.post(
            &admin,
            "/api/v1/accounts",
            json!({"username": "record-test", "password": "Record-Test-2026", "person_id": pid, "grants": [{"role": "officer", "org_unit_id": uid}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let aid = acct["id"].as_str().unwrap().to_owned();
    one_new_entry(&app, &admin, l, "account.create", &format!("account/{aid}"), "a-admin").await;

    let l = app.ledger_len().await;
    let g = ok(
        app.put(
            &admin,
            &format!("/api/v1/accounts/{aid}/grants"),
            json!({"grants": [{"role": "officer", "org_unit_id": uid}, {"role": "legal_reviewer", "org_unit_id": "u-team-01"}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(g["grants"].as_array().unwrap().len(), 2);
    one_new_entry(&app, &admin, l, "account.grants", &format!("account/{aid}"), "a-admin").await;
    let l = app.ledger_len().await;
    ok(
        app.put(&admin, &format!("/api/v1/accounts/{aid}/grants"), json!({"grants": [{"role": "legal_reviewer", "org_unit_id": "u-team-01"}]})).await,
        StatusCode::OK,
    )
    .await;
    one_new_entry(&app, &admin, l, "account.grants", &format!("account/{aid}"), "a-admin").await;
    let tenant = app.tenant_id().await;
    assert_eq!(app.store.grants(&tenant, &aid).await.unwrap().len(), 1, "the revoked grant is inactive");

    let l = app.ledger_len().await;
    let token = ok(login(&app, "record-test", "Record-Test-2026").await, StatusCode::OK).await["token"].as_str().unwrap().to_owned();
    one_new_entry(&app, &admin, l, "auth.login", &format!("account/{aid}"), &aid).await;

    let l = app.ledger_len().await;
    let r = app.post(&token, "/api/v1/me/password", json!({"current": "Record-Test-2026", "new": "Record-Test-2027"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    one_new_entry(&app, &admin, l, "account.password", &format!("account/{aid}"), &aid).await;

    let l = app.ledger_len().await;
    let r = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    one_new_entry(&app, &admin, l, "auth.logout", &format!("account/{aid}"), &aid).await;

    let l = app.ledger_len().await;
    ok(app.post(&admin, &format!("/api/v1/accounts/{aid}/deactivate"), json!({})).await, StatusCode::OK).await;
    one_new_entry(&app, &admin, l, "account.deactivate", &format!("account/{aid}"), "a-admin").await;

    let l = app.ledger_len().await;
    let p = ok(app.post(&admin, &format!("/api/v1/people/{pid}/deactivate"), json!({})).await, StatusCode::OK).await;
    assert_eq!(p["status"], "inactive");
    one_new_entry(&app, &admin, l, "person.deactivate", &format!("person/{pid}"), "a-admin").await;
    // A deactivated person cannot be edited; the refusal records nothing.
    let l = app.ledger_len().await;
    expect_error(app.patch(&admin, &format!("/api/v1/people/{pid}"), json!({"phone": "13900000000"})).await, StatusCode::CONFLICT, "inactive").await;
    assert_eq!(app.ledger_len().await, l);

    // The record holds the whole story of the new person, oldest last.
    let story: Vec<String> = app
        .get_ok(&admin, &format!("/api/v1/record?subject=person/{pid}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(story, ["person.deactivate", "certificate.create", "person.update", "person.create"]);
}
