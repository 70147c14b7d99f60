//! Bad input changes nothing and gets a clear 4xx JSON error (code, message and, where a rule
//! refused, the rule). Every case checks the whole tenant — every row and the record — is as it
//! was. And nothing, however malformed, gets a 500.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Fixture {
    app: TestApp,
    admin: String,
    snap: Snapshot,
    /// An established officer of u-team-01 and an auxiliary of the same team (the `auxiliary` account's person).
    officer: String,
    auxiliary: String,
    tenant: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let officer = app.store.account(&tenant, "a-officer").await.unwrap().unwrap().person_id.unwrap();
    let auxiliary = app.store.account(&tenant, "a-auxiliary").await.unwrap().unwrap().person_id.unwrap();
    let snap = app.snapshot(&tenant).await;
    Fixture { app, admin, snap, officer, auxiliary, tenant }
}

impl Fixture {
    /// The request was refused with this status and code, and nothing changed.
    async fn refused(&self, what: &str, r: reqwest::Response, status: StatusCode, code: &str) -> Value {
        let got = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(got, status, "{what}: {text}");
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: error is not JSON: {text}"));
        assert_eq!(v["error"]["code"], code, "{what}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.chars().count() > 5), "{what}: {v}");
        self.app.assert_unchanged(&self.snap, what).await;
        v
    }

    /// Refused by a cited rule.
    async fn refused_by_rule(&self, what: &str, r: reqwest::Response, status: StatusCode, code: &str, rule_mentions: &str) -> Value {
        let v = self.refused(what, r, status, code).await;
        let rule = v["error"]["rule"].as_str().unwrap_or_else(|| panic!("{what}: no rule: {v}"));
        assert!(rule.contains(rule_mentions), "{what}: rule {rule:?} should cite {rule_mentions:?}");
        v
    }

    fn person(&self) -> Value {
        json!({"org_unit_id": "u-team-01", "name": "测试人员", "staffing": "civil_servant", "frontline": true})
    }

    fn certificate(&self) -> Value {
        json!({"number": "鄂城执TEST001", "issuer": "湖北省人民政府", "valid_from": "2024-01-01", "valid_until": "2030-12-31", "scope": "城市管理"})
    }
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[tokio::test]
async fn malformed_bodies_are_4xx_json() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    f.refused("malformed JSON", app.post_raw(t, "/api/v1/people", "application/json", r#"{"name": "张三", "#).await, StatusCode::BAD_REQUEST, "invalid_body")
        .await;
    f.refused("not JSON at all", app.post_raw(t, "/api/v1/people", "application/json", "name=张三").await, StatusCode::BAD_REQUEST, "invalid_body").await;
    f.refused(
        "no JSON content type",
        app.post_raw(t, "/api/v1/people", "text/plain", f.person().to_string()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "invalid_body",
    )
    .await;
    f.refused("unknown field", app.post(t, "/api/v1/people", with(f.person(), "salary", json!(9000))).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
        .await;
    f.refused(
        "unknown field in patch",
        app.patch(t, "/api/v1/org-units/u-team-01", json!({"populaton": 5})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "unknown field in grant",
        app.put(t, "/api/v1/accounts/a-lawyer/grants", json!({"grants": [{"role": "lawyer", "org_unit_id": "u-bureau", "until": "2030"}]})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "wrong type: frontline",
        app.post(t, "/api/v1/people", with(f.person(), "frontline", json!("yes"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "wrong type: staffing",
        app.post(t, "/api/v1/people", with(f.person(), "staffing", json!(3))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "wrong type: posts",
        app.post(t, "/api/v1/people", with(f.person(), "posts", json!("sanitation"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "wrong type: population",
        app.patch(t, "/api/v1/org-units/u-team-01", json!({"population": "many"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused("wrong type: body is an array", app.post(t, "/api/v1/people", json!([f.person()])).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    f.refused(
        "missing field: staffing",
        app.post(t, "/api/v1/people", without(f.person(), "staffing")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused("missing field: name", app.post(t, "/api/v1/people", without(f.person(), "name")).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    f.refused(
        "missing field: password",
        app.post(t, "/api/v1/accounts", json!({"username": "nopass", "grants": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused(
        "missing field: valid_until",
        app.post(t, &format!("/api/v1/people/{}/certificates", f.officer), without(f.certificate(), "valid_until")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    f.refused("empty body", app.post_raw(t, "/api/v1/auth/token", "application/json", "").await, StatusCode::BAD_REQUEST, "invalid_body").await;

    // Oversize: a valid JSON document over the 256 KiB limit.
    let big = json!({"org_unit_id": "u-team-01", "name": "x".repeat(300 * 1024), "staffing": "civil_servant"}).to_string();
    assert!(big.len() > 256 * 1024);
    f.refused("oversize body", app.post_raw(t, "/api/v1/people", "application/json", big).await, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Just under the limit is parsed (and then refused by the name rule, not the size).
    let near = json!({"org_unit_id": "u-team-01", "name": "x".repeat(200 * 1024), "staffing": "civil_servant"}).to_string();
    f.refused("large but allowed body", app.post_raw(t, "/api/v1/people", "application/json", near).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_name")
        .await;
}

#[tokio::test]
async fn bad_paging_and_queries_are_400() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    for (q, code) in [
        ("limit=0", "invalid_paging"),
        ("limit=1000", "invalid_paging"),
        ("limit=201", "invalid_paging"),
        ("offset=-1", "invalid_query"),
        ("limit=abc", "invalid_query"),
        ("limit=-5", "invalid_query"),
        ("offset=99999999999999999999", "invalid_query"),
        ("subtree=maybe&unit=u-team-01", "invalid_query"),
        ("colour=red", "invalid_query"),
        ("staffing=wizard", "invalid_value"),
        ("status=retired", "invalid_value"),
        ("post=astronaut", "invalid_value"),
        ("certified=perhaps", "invalid_value"),
    ] {
        f.refused(&format!("people?{q}"), app.get(t, &format!("/api/v1/people?{q}")).await, StatusCode::BAD_REQUEST, code).await;
    }
    // The boundaries themselves are fine.
    assert_eq!(app.get_ok(t, "/api/v1/people?limit=200").await["items"].as_array().unwrap().len(), 200);
    assert_eq!(app.get_ok(t, "/api/v1/people?limit=1&offset=0").await["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_ok(t, "/api/v1/people?offset=100000").await["items"], json!([]));
    for (q, code) in [
        ("limit=0", "invalid_paging"),
        ("limit=1000", "invalid_paging"),
        ("limit=abc", "invalid_query"),
        ("before=yesterday", "invalid_query"),
        ("sort=asc", "invalid_query"),
    ] {
        f.refused(&format!("record?{q}"), app.get(t, &format!("/api/v1/record?{q}")).await, StatusCode::BAD_REQUEST, code).await;
    }
    f.refused("reveal=please", app.get(t, &format!("/api/v1/people/{}?reveal=please", f.officer)).await, StatusCode::BAD_REQUEST, "invalid_query").await;
    f.refused("staffing?subtree=2", app.get(t, "/api/v1/org-units/u-team-01/staffing?subtree=2").await, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[tokio::test]
async fn bad_values_are_refused_with_their_rule() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    let unit = json!({"code": "TEST-1", "name": "测试中队", "kind": "squad", "admin_parent_id": "u-team-01"});

    // Enumerations.
    f.refused("unit kind", app.post(t, "/api/v1/org-units", with(unit.clone(), "kind", json!("castle"))).await, StatusCode::BAD_REQUEST, "invalid_value").await;
    f.refused("unit kind in patch", app.patch(t, "/api/v1/org-units/u-team-01", json!({"kind": "Squad"})).await, StatusCode::BAD_REQUEST, "invalid_value")
        .await;
    f.refused("staffing", app.post(t, "/api/v1/people", with(f.person(), "staffing", json!("volunteer"))).await, StatusCode::BAD_REQUEST, "invalid_value")
        .await;
    f.refused("gender", app.post(t, "/api/v1/people", with(f.person(), "gender", json!("m"))).await, StatusCode::BAD_REQUEST, "invalid_value").await;
    f.refused(
        "post",
        app.post(t, "/api/v1/people", with(f.person(), "posts", json!(["sanitation", "astronaut"]))).await,
        StatusCode::BAD_REQUEST,
        "invalid_value",
    )
    .await;
    f.refused(
        "status in patch",
        app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"status": "retired"})).await,
        StatusCode::BAD_REQUEST,
        "invalid_value",
    )
    .await;
    f.refused(
        "status inactive by patch",
        app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"status": "inactive"})).await,
        StatusCode::BAD_REQUEST,
        "use_deactivate",
    )
    .await;
    let acct = json!({"username": "new-clerk", "password": "New-Clerk-2026", "grants": [{"role": "wizard", "org_unit_id": "u-team-01"}]});
    f.refused("role", app.post(t, "/api/v1/accounts", acct).await, StatusCode::BAD_REQUEST, "invalid_value").await;
    f.refused(
        "role in grants",
        app.put(t, "/api/v1/accounts/a-lawyer/grants", json!({"grants": [{"role": "Lawyer", "org_unit_id": "u-bureau"}]})).await,
        StatusCode::BAD_REQUEST,
        "invalid_value",
    )
    .await;

    // Identity numbers (GB 11643-1999 check character) and phones.
    let bad_id = "110105194912310021"; // the standard's worked example with the wrong check character (X)
    f.refused_by_rule(
        "id check digit",
        app.post(t, "/api/v1/people", with(f.person(), "id_number", json!(bad_id))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_id_number",
        "GB 11643",
    )
    .await;
    f.refused_by_rule(
        "id check digit in patch",
        app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"id_number": bad_id})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_id_number",
        "GB 11643",
    )
    .await;
    f.refused_by_rule(
        "id too short",
        app.post(t, "/api/v1/people", with(f.person(), "id_number", json!("11010519491231002"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_id_number",
        "GB 11643",
    )
    .await;
    f.refused_by_rule(
        "id with letters",
        app.post(t, "/api/v1/people", with(f.person(), "id_number", json!("1101051949123100AX"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_id_number",
        "GB 11643",
    )
    .await;
    f.refused("phone", app.post(t, "/api/v1/people", with(f.person(), "phone", json!("0271234567"))).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone")
        .await;
    f.refused("empty name", app.post(t, "/api/v1/people", with(f.person(), "name", json!("   "))).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_name")
        .await;
    f.refused_by_rule(
        "auxiliary on the legal post",
        app.post(t, "/api/v1/people", with(with(f.person(), "staffing", json!("auxiliary")), "posts", json!(["case_legal"]))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "auxiliary_post",
        "seed 004",
    )
    .await;
    f.refused("population", app.patch(t, "/api/v1/org-units/u-team-01", json!({"population": -1})).await, StatusCode::BAD_REQUEST, "invalid_population").await;
    f.refused(
        "empty unit name",
        app.post(t, "/api/v1/org-units", with(unit.clone(), "name", json!(""))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_name",
    )
    .await;

    // Dates.
    for (field, v) in [("joined_on", "2026-02-30"), ("joined_on", "2026/01/05"), ("joined_on", "yesterday")] {
        f.refused(&format!("{field}={v}"), app.post(t, "/api/v1/people", with(f.person(), field, json!(v))).await, StatusCode::BAD_REQUEST, "invalid_date")
            .await;
    }
    let certs = format!("/api/v1/people/{}/certificates", f.officer);
    for (field, v) in [("valid_from", "2024-13-01"), ("valid_until", "31.12.2030"), ("valid_from", "")] {
        f.refused(&format!("{field}={v}"), app.post(t, &certs, with(f.certificate(), field, json!(v))).await, StatusCode::BAD_REQUEST, "invalid_date").await;
    }
    let backwards = with(with(f.certificate(), "valid_from", json!("2026-01-02")), "valid_until", json!("2026-01-01"));
    f.refused("valid_until before valid_from", app.post(t, &certs, backwards).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_validity").await;
    f.refused(
        "empty certificate number",
        app.post(t, &certs, with(f.certificate(), "number", json!(" "))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_certificate_number",
    )
    .await;
    f.refused("empty issuer", app.post(t, &certs, with(f.certificate(), "issuer", json!(""))).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_issuer").await;

    // Auxiliaries hold no certificate and no role beyond auxiliary (seed 004 协管人员管理 2).
    let aux_certs = format!("/api/v1/people/{}/certificates", f.auxiliary);
    f.refused_by_rule(
        "certificate for an auxiliary",
        app.post(t, &aux_certs, f.certificate()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "auxiliary_certificate",
        "协管人员管理",
    )
    .await;
    let acct = json!({"username": "aux-officer", "password": "Aux-Officer-2026", "person_id": f.auxiliary, "grants": [{"role": "officer", "org_unit_id": "u-team-01"}]});
    f.refused_by_rule(
        "auxiliary account with the officer role",
        app.post(t, "/api/v1/accounts", acct).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "auxiliary_role",
        "协管人员管理",
    )
    .await;
    let grants = json!({"grants": [{"role": "auxiliary", "org_unit_id": "u-team-01"}, {"role": "legal_reviewer", "org_unit_id": "u-team-01"}]});
    f.refused_by_rule(
        "auxiliary given a second, enforcement role",
        app.put(t, "/api/v1/accounts/a-auxiliary/grants", grants).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "auxiliary_role",
        "协管人员管理",
    )
    .await;
    // …but the auxiliary role itself is fine (and changes nothing here: it is already held).
    let same = app.put(t, "/api/v1/accounts/a-auxiliary/grants", json!({"grants": [{"role": "auxiliary", "org_unit_id": "u-team-01"}]})).await;
    expect_json(same, StatusCode::OK).await;
    app.assert_unchanged(&f.snap, "re-granting the same role").await;
}

#[tokio::test]
async fn duplicates_weak_passwords_and_broken_organisation_are_refused() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    let certs = format!("/api/v1/people/{}/certificates", f.officer);
    let existing = app.store.certificates(&f.tenant).await.unwrap()[0].number.clone();
    f.refused("duplicate certificate number", app.post(t, &certs, with(f.certificate(), "number", json!(existing))).await, StatusCode::CONFLICT, "conflict")
        .await;
    let acct =
        |username: &str, password: &str| json!({"username": username, "password": password, "grants": [{"role": "officer", "org_unit_id": "u-team-01"}]});
    f.refused("duplicate username", app.post(t, "/api/v1/accounts", acct("leader", "Leader-Again-2026")).await, StatusCode::CONFLICT, "conflict").await;
    f.refused(
        "duplicate unit code",
        app.post(t, "/api/v1/org-units", json!({"code": "420103-S01-T", "name": "重复", "kind": "squad", "admin_parent_id": "u-team-01"})).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    f.refused("bad username", app.post(t, "/api/v1/accounts", acct("张三", "Zhang-San-2026")).await, StatusCode::BAD_REQUEST, "invalid_username").await;
    f.refused("too short username", app.post(t, "/api/v1/accounts", acct("zs", "Zhang-San-2026")).await, StatusCode::BAD_REQUEST, "invalid_username").await;
    for weak in ["short1A!", "alllowercaseletters", "ALLUPPER12345", "1234567890123", &format!("Aa1{}", "x".repeat(130))] {
        f.refused_by_rule(
            &format!("weak password {weak:.12}"),
            app.post(t, "/api/v1/accounts", acct("new-clerk", weak)).await,
            StatusCode::BAD_REQUEST,
            "weak_password",
            "GB/T 22239",
        )
        .await;
    }
    let r = app.post(t, "/api/v1/me/password", json!({"current": chengguan_domain::demo::DEMO_PASSWORD, "new": "password"})).await;
    f.refused_by_rule("weak new password", r, StatusCode::BAD_REQUEST, "weak_password", "GB/T 22239").await;
    let r = app.post(t, "/api/v1/me/password", json!({"current": "Not-The-Password-1", "new": "Good-Password-2026"})).await;
    f.refused("wrong current password", r, StatusCode::BAD_REQUEST, "wrong_password").await;
    f.refused(
        "account without scope",
        app.post(t, "/api/v1/accounts", json!({"username": "nobody", "password": "No-Body-2026x"})).await,
        StatusCode::BAD_REQUEST,
        "no_scope",
    )
    .await;
    f.refused(
        "grant on an unknown unit",
        app.post(
            t,
            "/api/v1/accounts",
            json!({"username": "ghost", "password": "Ghost-Unit-2026", "grants": [{"role": "officer", "org_unit_id": "u-nowhere"}]}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    f.refused(
        "account for an unknown person",
        app.post(t, "/api/v1/accounts", json!({"username": "ghost", "password": "Ghost-Unit-2026", "person_id": "p-nobody"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    f.refused(
        "self lockout",
        app.put(t, "/api/v1/accounts/a-admin/grants", json!({"grants": [{"role": "leader", "org_unit_id": "u-gov"}]})).await,
        StatusCode::BAD_REQUEST,
        "self_lockout",
    )
    .await;
    f.refused("self deactivation", app.post(t, "/api/v1/accounts/a-admin/deactivate", json!({})).await, StatusCode::BAD_REQUEST, "self_lockout").await;

    // Organisation: cycles (administrative and guidance) and unknown parents.
    f.refused(
        "unit under itself",
        app.patch(t, "/api/v1/org-units/u-street-01", json!({"admin_parent_id": "u-street-01"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cycle",
    )
    .await;
    f.refused(
        "unit under its child",
        app.patch(t, "/api/v1/org-units/u-street-01", json!({"admin_parent_id": "u-team-01"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cycle",
    )
    .await;
    f.refused(
        "root under a grandchild",
        app.patch(t, "/api/v1/org-units/u-gov", json!({"admin_parent_id": "u-brigade-01"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cycle",
    )
    .await;
    f.refused(
        "guidance cycle",
        app.patch(t, "/api/v1/org-units/u-bureau", json!({"guidance_parent_id": "u-team-03"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cycle",
    )
    .await;
    let unit = json!({"code": "TEST-1", "name": "测试中队", "kind": "squad", "admin_parent_id": "u-nowhere"});
    f.refused("unknown parent", app.post(t, "/api/v1/org-units", unit.clone()).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_parent").await;
    f.refused(
        "unknown parent in patch",
        app.patch(t, "/api/v1/org-units/u-team-01", json!({"admin_parent_id": "u-nowhere"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_parent",
    )
    .await;
    let unit = json!({"code": "TEST-1", "name": "测试中队", "kind": "squad", "admin_parent_id": "u-team-01", "guidance_parent_id": "u-nowhere"});
    f.refused("unknown guidance parent", app.post(t, "/api/v1/org-units", unit).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_parent").await;
    f.refused(
        "person in an unknown unit",
        app.post(t, "/api/v1/people", with(f.person(), "org_unit_id", json!("u-nowhere"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    f.refused(
        "person moved to an unknown unit",
        app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"org_unit_id": "u-nowhere"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for path in [
        "/api/v1/org-units/u-nowhere",
        "/api/v1/people/p-nobody",
        "/api/v1/accounts/a-nobody",
        "/api/v1/org-units/u-nowhere/staffing",
        "/api/v1/no-such-endpoint",
    ] {
        f.refused(path, app.get(t, path).await, StatusCode::NOT_FOUND, "not_found").await;
    }
}

/// An officer who becomes an auxiliary may not keep a certificate or an enforcement role: the
/// same rules as for creating them, applied to the edit.
#[tokio::test]
async fn an_officer_cannot_be_turned_into_a_certified_auxiliary() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    // The officer account's person holds a valid certificate and the officer role.
    let r = app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"staffing": "auxiliary"})).await;
    f.refused_by_rule("certified officer to auxiliary", r, StatusCode::UNPROCESSABLE_ENTITY, "auxiliary_certificate", "协管人员管理").await;

    // A new, uncertified officer with an officer account: the role is what refuses.
    let p = expect_json(
        app.post(t, "/api/v1/people", json!({"org_unit_id": "u-team-02", "name": "新队员", "staffing": "public_institution"})).await,
        StatusCode::CREATED,
    )
    .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let acct =
        json!({"username": "new-officer", "password": "New-Officer-2026", "person_id": pid, "grants": [{"role": "officer", "org_unit_id": "u-team-02"}]});
    expect_json(app.post(t, "/api/v1/accounts", acct).await, StatusCode::CREATED).await;
    let snap = app.snapshot(&f.tenant).await;
    let r = app.patch(t, &format!("/api/v1/people/{pid}"), json!({"staffing": "auxiliary"})).await;
    let v = expect_rule(r, StatusCode::UNPROCESSABLE_ENTITY, "auxiliary_role").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("协管人员管理"));
    app.assert_unchanged(&snap, "officer with an officer account to auxiliary").await;

    // Without an account or a current certificate (an expired one is history), the change is allowed.
    let p = expect_json(
        app.post(t, "/api/v1/people", json!({"org_unit_id": "u-team-02", "name": "转岗人员", "staffing": "civil_servant"})).await,
        StatusCode::CREATED,
    )
    .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let old = json!({"number": "鄂城执OLD0001", "issuer": "湖北省人民政府", "valid_from": "2015-01-01", "valid_until": "2020-12-31", "scope": "城市管理"});
    expect_json(app.post(t, &format!("/api/v1/people/{pid}/certificates"), old).await, StatusCode::CREATED).await;
    let v = expect_json(app.patch(t, &format!("/api/v1/people/{pid}"), json!({"staffing": "auxiliary"})).await, StatusCode::OK).await;
    assert_eq!((v["staffing"].as_str(), v["certified"].as_bool()), (Some("auxiliary"), Some(false)));
}

/// A NUL character cannot be stored by PostgreSQL (and SQLite would keep it silently): refused
/// alike on both backends, in bodies, path ids, queries and login names.
#[tokio::test]
async fn nul_characters_are_refused_alike_on_both_backends() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    f.refused(
        "NUL in a new person's name",
        app.post(t, "/api/v1/people", with(f.person(), "name", json!("张\u{0}三"))).await,
        StatusCode::BAD_REQUEST,
        "invalid_text",
    )
    .await;
    f.refused(
        "NUL in an edited name",
        app.patch(t, &format!("/api/v1/people/{}", f.officer), json!({"name": "李\u{0}四"})).await,
        StatusCode::BAD_REQUEST,
        "invalid_text",
    )
    .await;
    f.refused("NUL in a unit name", app.patch(t, "/api/v1/org-units/u-team-01", json!({"name": "\u{0}"})).await, StatusCode::BAD_REQUEST, "invalid_text").await;
    f.refused(
        "NUL in a certificate",
        app.post(t, &format!("/api/v1/people/{}/certificates", f.officer), with(f.certificate(), "scope", json!("城市\u{0}管理"))).await,
        StatusCode::BAD_REQUEST,
        "invalid_text",
    )
    .await;
    let r = app
        .post(
            t,
            "/api/v1/accounts",
            json!({"username": "nul-pass", "password": "Nul-Pass-2026\u{0}", "grants": [{"role": "officer", "org_unit_id": "u-team-01"}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "a NUL in a password is hashed, never stored");
    let snap = app.snapshot(&f.tenant).await;
    // Reads naming a NUL find nothing: a 4xx (PostgreSQL cannot even be asked), never a 5xx.
    for path in ["/api/v1/people/%00", "/api/v1/people/p-%00", "/api/v1/accounts/a-%00", "/api/v1/org-units/u-%00/staffing"] {
        let (status, _) = expect_client_error(app.get(t, path).await).await;
        assert!([StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND].contains(&status), "{path}: {status}");
    }
    for path in ["/api/v1/record?subject=person/%00", "/api/v1/people?q=%00"] {
        let r = app.get(t, path).await;
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        match status {
            StatusCode::OK => assert!(v.as_array().is_some_and(|a| a.is_empty()) || v["total"] == 0, "{path}: {v}"),
            StatusCode::BAD_REQUEST => assert_eq!(v["error"]["code"], "invalid_text", "{path}"),
            s => panic!("{path}: {s} {v}"),
        }
    }
    let r = app.client.post(app.url("/api/v1/auth/token")).json(&json!({"username": "adm\u{0}in", "password": "x"})).send().await.unwrap();
    let (status, _) = expect_client_error(r).await;
    assert!([StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED].contains(&status));
    app.assert_unchanged(&snap, "NUL reads").await;
}

/// Malformed requests of every shape against every endpoint: never a 5xx, always a JSON body.
#[tokio::test]
async fn nothing_is_a_500() {
    let f = fixture().await;
    let (app, t) = (&f.app, &f.admin);
    let p = f.officer.clone();
    let endpoints: Vec<(Method, String)> = vec![
        (Method::POST, "/api/v1/auth/token".into()),
        (Method::POST, "/api/v1/me/password".into()),
        (Method::POST, "/api/v1/org-units".into()),
        (Method::PATCH, "/api/v1/org-units/u-team-01".into()),
        (Method::POST, "/api/v1/people".into()),
        (Method::PATCH, format!("/api/v1/people/{p}")),
        (Method::POST, format!("/api/v1/people/{p}/certificates")),
        (Method::POST, "/api/v1/accounts".into()),
        (Method::PUT, "/api/v1/accounts/a-lawyer/grants".into()),
    ];
    let bodies = [
        json!(null),
        json!({}),
        json!([]),
        json!("text"),
        json!(42),
        json!({"name": null, "code": null, "staffing": null, "org_unit_id": null}),
        json!({"population": 1e300}),
        json!({"population": i64::MAX}),
        json!({"population": -9_223_372_036_854_775_808i64}),
        json!({"org_unit_id": "u-team-01", "name": "\u{0}\u{202e}", "staffing": "civil_servant", "id_number": "\u{FF11}".repeat(18)}),
        json!({"org_unit_id": "'; DROP TABLE people; --", "name": "x", "staffing": "civil_servant"}),
        json!({"org_unit_id": "u-team-01", "name": "\u{0}", "code": "\u{0}", "kind": "squad", "admin_parent_id": "u-team-01", "staffing": "civil_servant", "number": "\u{0}", "issuer": "i", "valid_from": "2024-01-01", "valid_until": "2025-01-01", "scope": "\u{0}"}),
        json!({"code": "x", "name": "y", "kind": "squad", "admin_parent_id": "u-team-01", "guidance_parent_id": "u-team-01"}),
        json!({"number": "n", "issuer": "i", "valid_from": "+262143-01-01", "valid_until": "-262144-01-01", "scope": ""}),
        json!({"number": "n", "issuer": "i", "valid_from": "0000-01-01", "valid_until": "9999-12-31", "scope": "s"}),
        json!({"username": "ab\u{0}c", "password": "\u{0}".repeat(20)}),
        json!({"grants": [{"role": "admin", "org_unit_id": ""}]}),
        json!({"current": "", "new": ""}),
    ];
    let mut n = 0;
    for (method, path) in &endpoints {
        for body in &bodies {
            let r = app.send(t, method.clone(), path, body.clone()).await;
            let status = r.status();
            let text = r.text().await.unwrap();
            assert!(status.as_u16() < 500, "{method} {path} {body}: {status} {text}");
            if !status.is_success() {
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path} {body}: {status} not JSON: {text}"));
                assert!(v["error"]["code"].is_string(), "{method} {path}: {v}");
            }
            n += 1;
        }
        // Deeply nested JSON must not blow the stack.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let r = app.post_raw(t, path, "application/json", deep).await;
        assert!(r.status().is_client_error(), "{path}: deep nesting gave {}", r.status());
    }
    assert_eq!(n, endpoints.len() * bodies.len());
    // Odd ids and queries on the read side.
    for path in [
        "/api/v1/people/%00",
        "/api/v1/people/..%2F..%2Fetc%2Fpasswd",
        &format!("/api/v1/people/{}", "x".repeat(5000)),
        "/api/v1/org-units/%E2%80%AE/staffing",
        "/api/v1/record?subject=%00&limit=1",
        "/api/v1/record?before=-9223372036854775808",
        "/api/v1/people?q=%25&limit=1",
        "/api/v1/people?unit=&subtree=true",
    ] {
        let r = app.get(t, path).await;
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
    }
    // Wrong methods are a JSON 4xx too.
    for (method, path) in [(Method::DELETE, "/api/v1/people"), (Method::PUT, "/api/v1/org-units"), (Method::GET, "/api/v1/auth/token")] {
        let r = app.client.request(method.clone(), app.url(path)).bearer_auth(t).send().await.unwrap();
        let (status, _) = expect_client_error(r).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
}
