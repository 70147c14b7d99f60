//! Tenant isolation: two tenants on one server. Tenant A is the demo city; tenant B (武昌) is
//! created with `create_first_admin` and filled by its administrator over the API. Neither
//! tenant's tokens see the other's rows in any list, and the other's ids are 404 — reads and
//! writes alike — with nothing changed on either side.

use crate::helpers::*;
use chengguan_web::services;
use reqwest::StatusCode;
use serde_json::{json, Value};

const B_ADMIN: &str = "wc-admin";
const B_PASSWORD: &str = "Wuchang-Admin-2026";

/// Ids of one tenant's rows, as its admin sees them.
#[derive(Debug)]
struct Side {
    tenant: String,
    admin: String,
    /// A street-team unit, a person in it (with a certificate), an account granted there.
    unit: String,
    person: String,
    account: String,
    /// Every id that must never show up on the other side.
    ids: Vec<String>,
}

async fn tenant_b(app: &TestApp) -> Side {
    let tenant = services::create_first_admin(&app.store, "wuchang", "武汉市武昌区", "武昌区人民政府", B_ADMIN, B_PASSWORD).await.expect("second tenant");
    let admin = app.token_with(B_ADMIN, B_PASSWORD).await;
    let units = app.get_ok(&admin, "/api/v1/org-units").await;
    assert_eq!(units.as_array().unwrap().len(), 1, "a new tenant has its root only: {units}");
    let root = units[0]["id"].as_str().unwrap().to_owned();
    let office = expect_json(
        app.post(
            &admin,
            "/api/v1/org-units",
            json!({"code": "420106-S01", "name": "积玉桥街道办事处", "kind": "street_office", "admin_parent_id": root, "enforcement_subject": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Deliberately the same unit code as a demo team: codes are unique per tenant only.
    let team = expect_json(
        app.post(
            &admin,
            "/api/v1/org-units",
            json!({"code": "420103-S01-T", "name": "积玉桥街道城市管理执法队", "kind": "street_enforcement_team", "admin_parent_id": office}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let person = expect_json(
        app.post(
            &admin,
            "/api/v1/people",
            json!({"org_unit_id": team, "name": "武昌测试员", "staffing": "civil_servant", "id_number": "11010519491231002X", "phone": "13900000001", "frontline": true, "posts": ["case_legal"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let aux = expect_json(
        app.post(&admin, "/api/v1/people", json!({"org_unit_id": team, "name": "武昌协管员", "staffing": "auxiliary", "frontline": true})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Same certificate number as nothing in particular, but it must be per tenant too.
    let cert = expect_json(
        app.post(
            &admin,
            &format!("/api/v1/people/{person}/certificates"),
            json!({"number": "鄂城执WC0001", "issuer": "湖北省人民政府", "valid_from": "2024-01-01", "valid_until": "2099-12-31", "scope": "武昌区"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let account = expect_json(
        app.post(
            &admin,
            "/api/v1/accounts",
            json!({"username": "wc-officer", "password": "Wuchang-Officer-2026", "person_id": person, "grants": [{"role": "officer", "org_unit_id": team}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_account = app.get_ok(&admin, "/api/v1/me").await["account_id"].as_str().unwrap().to_owned();
    Side { tenant, admin, ids: vec![root, office, team.clone(), person.clone(), aux, cert, account.clone(), admin_account], unit: team, person, account }
}

async fn tenant_a(app: &TestApp) -> Side {
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let mut ids: Vec<String> = app.store.org_units(&tenant).await.unwrap().into_iter().map(|u| u.id).collect();
    ids.extend(app.store.accounts(&tenant).await.unwrap().into_iter().map(|a| a.id));
    let person = app.people_in("u-team-02").await[0].id.clone();
    ids.push(person.clone());
    Side { tenant, admin, unit: "u-team-02".into(), person, account: "a-officer".into(), ids }
}

/// Every list endpoint, for `me`: none shows an id of `other`.
async fn lists_hide(app: &TestApp, me: &Side, other: &Side) {
    let lists = ["/api/v1/org-units", "/api/v1/people?limit=200", "/api/v1/people?limit=200&offset=200", "/api/v1/accounts", "/api/v1/record?limit=200"];
    for path in lists {
        let body = app.get_ok(&me.admin, path).await.to_string();
        for id in &other.ids {
            assert!(!body.contains(id.as_str()), "{path} of {} shows {id} of {}", me.tenant, other.tenant);
        }
        assert!(!body.contains(&other.tenant), "{path} shows the other tenant's id");
    }
    // The record is the caller's tenant's only: its sequence numbers are exactly its own ledger's.
    let record = app.get_ok(&me.admin, "/api/v1/record?limit=200").await;
    let mine = app.ledger_len_of(&me.tenant).await;
    let seqs: Vec<i64> = record.as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs.first().copied(), Some(mine - 1));
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "gapless, newest first");
    // Staffing of one's own root covers one's own people only.
    let own_root = app.get_ok(&me.admin, "/api/v1/org-units").await.as_array().unwrap().iter().find(|u| u["admin_parent_id"].is_null()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staffing = app.get_ok(&me.admin, &format!("/api/v1/org-units/{own_root}/staffing")).await;
    let own_people = app.store.people(&me.tenant).await.unwrap().len() as u64;
    assert_eq!(staffing["figures"]["total"].as_u64().unwrap(), own_people);
}

/// Every detail endpoint and every write naming `other`'s ids is 404 for `me`; nothing changes.
async fn ids_are_404(app: &TestApp, me: &Side, other: &Side) {
    let before = (app.ledger_len_of(&me.tenant).await, app.ledger_len_of(&other.tenant).await);
    let other_person_row = app.store.person(&other.tenant, &other.person).await.unwrap().unwrap();
    let other_unit_row = app.store.org_units(&other.tenant).await.unwrap().into_iter().find(|u| u.id == other.unit).unwrap();
    let other_account_row = app.store.account(&other.tenant, &other.account).await.unwrap().unwrap();
    let other_grants = app.store.grants(&other.tenant, &other.account).await.unwrap();
    let t = &me.admin;
    let (u, p, a) = (&other.unit, &other.person, &other.account);
    let reads = [
        format!("/api/v1/org-units/{u}"),
        format!("/api/v1/org-units/{u}/staffing"),
        format!("/api/v1/org-units/{u}/staffing?subtree=false"),
        format!("/api/v1/people/{p}"),
        format!("/api/v1/people/{p}?reveal=true"),
        format!("/api/v1/people?unit={u}"),
        format!("/api/v1/accounts/{a}"),
    ];
    for path in &reads {
        expect_error(app.get(t, path).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let record = app.get_ok(t, &format!("/api/v1/record?subject=person/{p}")).await;
    assert_eq!(record, json!([]), "record entries of the other tenant's person");

    let writes = [
        (reqwest::Method::PATCH, format!("/api/v1/org-units/{u}"), json!({"population": 5})),
        (reqwest::Method::PATCH, format!("/api/v1/people/{p}"), json!({"phone": "13911112222"})),
        (reqwest::Method::POST, format!("/api/v1/people/{p}/deactivate"), json!({})),
        (
            reqwest::Method::POST,
            format!("/api/v1/people/{p}/certificates"),
            json!({"number": "X-ISO-1", "issuer": "湖北省人民政府", "valid_from": "2024-01-01", "valid_until": "2030-01-01", "scope": "x"}),
        ),
        (reqwest::Method::PUT, format!("/api/v1/accounts/{a}/grants"), json!({"grants": []})),
        (reqwest::Method::POST, format!("/api/v1/accounts/{a}/deactivate"), json!({})),
        (reqwest::Method::POST, format!("/api/v1/accounts/{a}/activate"), json!({})),
        // Granting a role on, or hanging a unit under, the other tenant's unit.
        (
            reqwest::Method::POST,
            "/api/v1/accounts".into(),
            json!({"username": "iso-probe", "password": "Iso-Probe-2026x", "grants": [{"role": "officer", "org_unit_id": u}]}),
        ),
        (reqwest::Method::POST, "/api/v1/accounts".into(), json!({"username": "iso-probe", "password": "Iso-Probe-2026x", "person_id": p})),
    ];
    for (method, path, body) in writes {
        let r = app.send(t, method.clone(), &path, body).await;
        expect_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    // Units and people placed under the other tenant's unit are refused (its ids do not exist here).
    let r = app.post(t, "/api/v1/org-units", json!({"code": "ISO-1", "name": "越界单位", "kind": "squad", "admin_parent_id": u})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_parent").await;
    let r = app.post(t, "/api/v1/people", json!({"org_unit_id": u, "name": "越界人员", "staffing": "civil_servant"})).await;
    expect_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let own_person = app.store.people(&me.tenant).await.unwrap()[0].id.clone();
    let r = app.patch(t, &format!("/api/v1/people/{own_person}"), json!({"org_unit_id": u})).await;
    expect_error(r, StatusCode::NOT_FOUND, "not_found").await;
    assert!(app.store.account_by_username("iso-probe").await.unwrap().is_none());
    assert_eq!((app.ledger_len_of(&me.tenant).await, app.ledger_len_of(&other.tenant).await), before, "a refused request wrote to a record");
    assert_eq!(app.store.person(&other.tenant, &other.person).await.unwrap().unwrap(), other_person_row);
    assert_eq!(app.store.org_units(&other.tenant).await.unwrap().into_iter().find(|x| x.id == other.unit).unwrap(), other_unit_row);
    assert_eq!(app.store.account(&other.tenant, &other.account).await.unwrap().unwrap(), other_account_row);
    assert_eq!(app.store.grants(&other.tenant, &other.account).await.unwrap(), other_grants);
    assert!(app.store.people(&me.tenant).await.unwrap().iter().all(|x| x.name != "越界人员"));
}

#[tokio::test]
async fn tenant_a_never_sees_tenant_b() {
    let app = spawn_app().await;
    let b = tenant_b(&app).await;
    let a = tenant_a(&app).await;
    lists_hide(&app, &a, &b).await;
    ids_are_404(&app, &a, &b).await;
}

#[tokio::test]
async fn tenant_b_never_sees_tenant_a() {
    let app = spawn_app().await;
    let b = tenant_b(&app).await;
    let a = tenant_a(&app).await;
    lists_hide(&app, &b, &a).await;
    ids_are_404(&app, &b, &a).await;
    // B's own view is complete: its 3 units, its 2 people, its 2 accounts.
    assert_eq!(app.get_ok(&b.admin, "/api/v1/org-units").await.as_array().unwrap().len(), 3);
    assert_eq!(app.get_ok(&b.admin, "/api/v1/people").await["total"], 2);
    assert_eq!(app.get_ok(&b.admin, "/api/v1/accounts").await.as_array().unwrap().len(), 2);
}

/// Non-admin tokens too: B's officer sees its own team only, and A's roles with tenant-wide
/// scope (dispatcher, assessor) still see A only.
#[tokio::test]
async fn tenant_wide_scopes_stop_at_the_tenant() {
    let app = spawn_app().await;
    let b = tenant_b(&app).await;
    for user in ["dispatcher", "assessor"] {
        let token = app.token(user).await;
        let body = app.get_ok(&token, "/api/v1/org-units").await;
        assert_eq!(body.as_array().unwrap().len(), 31, "{user}");
        for id in &b.ids {
            assert!(!body.to_string().contains(id.as_str()), "{user} sees {id}");
        }
        expect_error(app.get(&token, &format!("/api/v1/org-units/{}", b.unit)).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let assessor = app.token("assessor").await;
    expect_error(app.get(&assessor, &format!("/api/v1/org-units/{}/staffing", b.unit)).await, StatusCode::NOT_FOUND, "not_found").await;

    let officer = app.token_with("wc-officer", "Wuchang-Officer-2026").await;
    let units = app.get_ok(&officer, "/api/v1/org-units").await;
    assert_eq!(units.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect::<Vec<_>>(), [b.unit.as_str()]);
    let people: Value = app.get_ok(&officer, "/api/v1/people").await;
    assert_eq!(people["total"], 2);
    for id in ["u-team-01", "a-officer"] {
        expect_error(app.get(&officer, &format!("/api/v1/org-units/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let demo_person = app.people_in("u-team-01").await[0].id.clone();
    expect_error(app.get(&officer, &format!("/api/v1/people/{demo_person}")).await, StatusCode::NOT_FOUND, "not_found").await;
}

/// Usernames are global (a login names no tenant), so B cannot take a name A uses; the refusal
/// reveals nothing else and writes nothing.
#[tokio::test]
async fn usernames_are_unique_across_tenants() {
    let app = spawn_app().await;
    let b = tenant_b(&app).await;
    let before = app.ledger_len_of(&b.tenant).await;
    let r = app
        .post(
            &b.admin,
            "/api/v1/accounts",
            json!({"username": "officer", "password": "Wuchang-Other-2026", "grants": [{"role": "officer", "org_unit_id": b.unit}]}),
        )
        .await;
    let v = expect_error(r, StatusCode::CONFLICT, "conflict").await;
    assert!(!v.to_string().contains("a-officer"));
    assert_eq!(app.ledger_len_of(&b.tenant).await, before);
    assert_eq!(app.store.account_by_username("officer").await.unwrap().unwrap().id, "a-officer");
}

/// The pages too: each tenant's administrator, browsing with a session cookie, sees none of the
/// other tenant's names on any list page, and the other tenant's ids are 404 pages.
#[tokio::test]
async fn pages_never_show_another_tenants_rows() {
    let app = spawn_app().await;
    let b = tenant_b(&app).await;
    let a = tenant_a(&app).await;
    let page = |cookie: String, path: String| {
        let app = &app;
        async move {
            let r = app.client.get(app.url(&path)).header("cookie", format!("cg_session={cookie}")).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let a_cookie = app.browser_session("admin", chengguan_domain::demo::DEMO_PASSWORD).await;
    let b_cookie = app.browser_session(B_ADMIN, B_PASSWORD).await;
    let lists = ["/", "/org", "/people?limit=200", "/accounts", "/record?limit=200"];
    for path in lists {
        let (status, html) = page(b_cookie.clone(), path.into()).await;
        assert_eq!(status, 200, "{path}");
        for a_name in ["民族街道", "江汉区", "a-officer", "u-team-01"] {
            assert!(!html.contains(a_name), "tenant B's {path} shows A's {a_name}");
        }
        let (status, html) = page(a_cookie.clone(), path.into()).await;
        assert_eq!(status, 200, "{path}");
        for b_name in ["积玉桥", "武昌测试员", "wc-officer", b.unit.as_str()] {
            assert!(!html.contains(b_name), "tenant A's {path} shows B's {b_name}");
        }
    }
    for (cookie, other) in [(b_cookie.clone(), &a), (a_cookie.clone(), &b)] {
        for path in [format!("/org/{}", other.unit), format!("/people/{}", other.person), format!("/accounts/{}", other.account)] {
            let (status, _) = page(cookie.clone(), path.clone()).await;
            assert_eq!(status, 404, "{path}");
        }
    }
}
