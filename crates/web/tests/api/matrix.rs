//! The authorisation matrix, driven over HTTP: every demo account × every platform action × three
//! target units. The expected table is written out by hand from the policy's *semantics* applied
//! to the demo organisation; it deliberately does not read `rules/policy.toml`.
//!
//! The demo organisation, as far as scopes go:
//!
//! ```text
//! u-gov ── u-bureau ── u-brigade-01/02/03
//!      ├── u-street-NN ── u-team-NN   (u-team-NN is also guided by u-bureau)
//!      └── u-disposal-01/02
//! ```
//!
//! Grants: admin, assessor @u-gov; leader, legal_reviewer, lawyer, dispatcher, supervisor,
//! inspector @u-bureau; officer, auxiliary @u-team-01; disposer @u-disposal-01.
//!
//! * `subtree` of u-team-01 is {u-team-01}; of u-disposal-01 {u-disposal-01}; of u-gov everything.
//! * `guided` of u-bureau is the bureau, its brigades and all twelve teams, but neither the street
//!   offices nor the disposal departments.
//! * `tenant` is everything.
//!
//! Targets: u-team-01 (the officer's own team), u-team-02 (another street's team: guided by the
//! bureau, outside officer/auxiliary scope) and u-disposal-01 (outside the bureau's guided scope,
//! so it separates `guided` from `tenant`, and the disposer's own unit).
//!
//! The case actions (网上办案) follow the same table; a second table gives, for every role and every
//! case command, whether the policy lets it through (the case rules may still refuse: 422) or not
//! (403, nothing changed).

use crate::cases::{filed_case, lead, now};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const TARGETS: [&str; 3] = ["u-team-01", "u-team-02", "u-disposal-01"];

const ACTIONS: [&str; 17] = [
    "view_org",
    "manage_org",
    "view_people",
    "manage_people",
    "view_staffing",
    "view_personal_data",
    "view_accounts",
    "manage_accounts",
    "view_record",
    "upload_evidence",
    "view_evidence",
    "view_case",
    "handle_case",
    "approve_case",
    "report_interference",
    "view_interference",
    "supervise_case",
];

/// Per account (username) and action: the verdict for each of TARGETS in order. `Y` allowed, `-` denied.
/// `view_record`, `upload_evidence` and `view_evidence` have no target unit yet (the record and
/// the evidence store are the tenant's; cases will scope evidence): their three cells are equal.
/// Case actions: `view_case`, `handle_case`, `approve_case` on a case (or a new lead) in the unit;
/// anyone logs interference anywhere (seed 001); inspectors and leaders read it in their scope.
#[rustfmt::skip]
const EXPECTED: [(&str, [&str; 17]); 11] = [
    //                 view_org manage_org view_people manage_people view_staffing personal view_accounts manage_accounts view_record upload_ev view_ev  view_case handle_case approve_case report_itf view_itf supervise
    ("officer",        ["Y--",   "---",     "Y--",      "---",        "Y--",        "---",   "---",        "---",          "---",      "YYY",    "YYY",   "Y--",    "Y--",      "---",       "YYY",     "---",     "---"]),
    ("auxiliary",      ["Y--",   "---",     "---",      "---",        "---",        "---",   "---",        "---",          "---",      "---",    "---",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
    ("legal_reviewer", ["YY-",   "---",     "YY-",      "---",        "YY-",        "---",   "---",        "---",          "---",      "---",    "YYY",   "YY-",    "---",      "YY-",       "YYY",     "---",     "---"]),
    ("lawyer",         ["YY-",   "---",     "---",      "---",        "---",        "---",   "---",        "---",          "---",      "---",    "---",   "YY-",    "---",      "YY-",       "YYY",     "---",     "---"]),
    ("leader",         ["YY-",   "---",     "YY-",      "---",        "YY-",        "YY-",   "---",        "---",          "YYY",      "YYY",    "YYY",   "YY-",    "YY-",      "YY-",       "YYY",     "YY-",     "YY-"]),
    ("dispatcher",     ["YYY",   "---",     "---",      "---",        "---",        "---",   "---",        "---",          "---",      "---",    "---",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
    ("supervisor",     ["YYY",   "---",     "---",      "---",        "---",        "---",   "---",        "---",          "---",      "YYY",    "---",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
    ("disposer",       ["--Y",   "---",     "---",      "---",        "---",        "---",   "---",        "---",          "---",      "YYY",    "---",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
    ("inspector",      ["YY-",   "---",     "YY-",      "---",        "YY-",        "YY-",   "---",        "---",          "YYY",      "YYY",    "YYY",   "YY-",    "---",      "---",       "YYY",     "YY-",     "YY-"]),
    ("admin",          ["YYY",   "YYY",     "YYY",      "YYY",        "YYY",        "YYY",   "YYY",        "YYY",          "YYY",      "YYY",    "YYY",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
    ("assessor",       ["YYY",   "---",     "---",      "---",        "YYY",        "---",   "---",        "---",          "---",      "---",    "---",   "---",    "---",      "---",       "YYY",     "---",     "---"]),
];

/// A small PDF, different each time (content-addressed files would otherwise coincide).
fn pdf(n: u32) -> Vec<u8> {
    let mut v = format!("%PDF-1.7\n% probe {n}\n").into_bytes();
    v.resize(2048, b' ');
    v
}

/// What a probe targets in a unit: the unit itself, a person of it, and an account granted in it.
struct Target {
    unit: &'static str,
    person: String,
    account: String,
    /// A lead registered in the unit (for the case actions).
    case: String,
}

async fn targets(app: &TestApp, admin: &str, officer: &str, leader: &str) -> Vec<Target> {
    // u-team-02 has no demo account: the admin creates one granted there (before any measurement).
    let r = app
        .post(
            admin,
            "/api/v1/accounts",
            json!({"username": "team02-clerk", "password": "Team02-Clerk-2026", "grants": [{"role": "officer", "org_unit_id": "u-team-02"}]}),
        )
        .await;
    let team02_account = expect_json(r, StatusCode::CREATED).await["id"].as_str().unwrap().to_owned();
    let accounts = ["a-officer".to_owned(), team02_account, "a-disposer".to_owned()];
    // A lead in each unit: the officer's in team 01, the leader's in team 02. No enforcement subject
    // covers a disposal department, so no one can register a case there over the API; the probe's
    // case is written to the store directly (a copy of team 01's, moved).
    let tenant = app.tenant_id().await;
    let team01_case = lead(app, officer, "u-team-01", json!({})).await;
    let team02_case = lead(app, leader, "u-team-02", json!({})).await;
    let row = app.store.case_row(&tenant, &team01_case).await.unwrap().unwrap();
    let mut moved = chengguan_domain::case::Case::from_row(&row).unwrap();
    moved.id = format!("{team01_case}-disposal");
    moved.unit_id = "u-disposal-01".into();
    let change = chengguan_domain::Change::new("case.register", format!("case/{}", moved.id)).row(moved.to_row(&tenant));
    app.store.commit(&tenant, "system", &change).await.unwrap();
    let cases = [team01_case, team02_case, moved.id];
    // An interference record in each unit, logged by the admin.
    for unit in TARGETS {
        let r = app.post(admin, "/api/v1/interference", json!({"unit_id": unit, "method": "打招呼", "content": "矩阵测试的干预记录"})).await;
        expect_json(r, StatusCode::CREATED).await;
    }
    let mut out = Vec::new();
    for ((unit, account), case) in TARGETS.into_iter().zip(accounts).zip(cases) {
        let people = app.people_in(unit).await;
        assert!(people.len() >= 3, "{unit} has people");
        out.push(Target { unit, person: people[1].id.clone(), account, case });
    }
    out
}

#[tokio::test]
async fn every_role_action_and_target_is_allowed_or_denied_as_the_table_says() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let mut tokens = BTreeMap::new();
    for (user, _) in EXPECTED {
        tokens.insert(user, app.token(user).await);
    }
    let targets = targets(&app, &tokens["admin"], &tokens["officer"], &tokens["leader"]).await;
    let evidence = expect_json(app.post_raw(&tokens["admin"], "/api/v1/evidence", "application/pdf", pdf(0)).await, StatusCode::CREATED).await["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut n = 0u32;
    let mut allowed_cells = 0;
    for (user, row) in EXPECTED {
        let token = &tokens[user];
        for (action, cells) in ACTIONS.iter().zip(row) {
            assert_eq!(cells.len(), TARGETS.len());
            for (t, verdict) in targets.iter().zip(cells.chars()) {
                n += 1;
                let allowed = match verdict {
                    'Y' => true,
                    '-' => false,
                    c => panic!("bad cell {c:?}"),
                };
                allowed_cells += allowed as u32;
                let cell = format!("{user} × {action} × {}", t.unit);
                let before = app.ledger_len().await;
                match *action {
                    "view_org" => {
                        let r = app.get(token, &format!("/api/v1/org-units/{}", t.unit)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v["id"], t.unit, "{cell}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "manage_org" => {
                        let unit_row = || async { app.store.org_units(&tenant).await.unwrap().into_iter().find(|u| u.id == t.unit).unwrap() };
                        let old = unit_row().await;
                        let population = 1000 + n as i64;
                        let r = app.patch(token, &format!("/api/v1/org-units/{}", t.unit), json!({"population": population})).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v["population"], population, "{cell}");
                            assert_eq!(unit_row().await.population, Some(population), "{cell}");
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            deny(r, &cell).await;
                            assert_eq!(unit_row().await, old, "{cell}: the unit changed");
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_people" => {
                        let r = app.get(token, &format!("/api/v1/people/{}", t.person)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v["id"], t.person.as_str(), "{cell}");
                            assert_eq!(v["masked"], true, "{cell}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "manage_people" => {
                        let person_row = || async { app.store.person(&tenant, &t.person).await.unwrap().unwrap() };
                        let old = person_row().await;
                        let phone = format!("139{n:08}");
                        let r = app.patch(token, &format!("/api/v1/people/{}", t.person), json!({"phone": phone})).await;
                        if allowed {
                            expect_json(r, StatusCode::OK).await;
                            assert_eq!(person_row().await.phone.as_deref(), Some(phone.as_str()), "{cell}");
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            deny(r, &cell).await;
                            assert_eq!(person_row().await, old, "{cell}: the person changed");
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_staffing" => {
                        let r = app.get(token, &format!("/api/v1/org-units/{}/staffing", t.unit)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v["unit_id"], t.unit, "{cell}");
                            assert!(v["figures"]["total"].as_u64().unwrap() > 0, "{cell}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "view_personal_data" => {
                        let r = app.get(token, &format!("/api/v1/people/{}?reveal=true", t.person)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            let stored = app.store.person(&tenant, &t.person).await.unwrap().unwrap();
                            assert_eq!(v["masked"], false, "{cell}");
                            assert_eq!(v["id_number"].as_str(), stored.id_number.as_deref(), "{cell}");
                            // The read of unmasked personal data is itself recorded.
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            let v = deny(r, &cell).await;
                            assert!(!v.to_string().contains(&app.store.person(&tenant, &t.person).await.unwrap().unwrap().id_number.unwrap()));
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_accounts" => {
                        let r = app.get(token, &format!("/api/v1/accounts/{}", t.account)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v["id"], t.account.as_str(), "{cell}");
                            assert!(v.get("password_hash").is_none(), "{cell}");
                        } else {
                            deny(r, &cell).await;
                            deny(app.get(token, "/api/v1/accounts").await, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "manage_accounts" => {
                        let username = format!("m{n}-{user}");
                        let body = json!({"username": username, "password": "Matrix-Pass-2026", "grants": [{"role": "officer", "org_unit_id": t.unit}]});
                        let r = app.post(token, "/api/v1/accounts", body).await;
                        let stored = app.store.account_by_username(&username).await.unwrap();
                        if allowed {
                            let v = expect_json(r, StatusCode::CREATED).await;
                            let stored = stored.unwrap_or_else(|| panic!("{cell}: account not stored"));
                            assert_eq!(v["id"], stored.id.as_str());
                            assert_eq!(app.store.grants(&tenant, &stored.id).await.unwrap().len(), 1, "{cell}");
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            deny(r, &cell).await;
                            assert!(stored.is_none(), "{cell}: the account was created");
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_record" => {
                        let r = app.get(token, "/api/v1/record?limit=5").await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert_eq!(v.as_array().unwrap().len(), 5, "{cell}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "upload_evidence" => {
                        let r = app.post_raw(token, "/api/v1/evidence", "application/pdf", pdf(n)).await;
                        if allowed {
                            expect_json(r, StatusCode::CREATED).await;
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}: one entry per upload");
                        } else {
                            deny(r, &cell).await;
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_evidence" => {
                        let r = app.get(token, &format!("/api/v1/evidence/{evidence}")).await;
                        if allowed {
                            assert_eq!(r.status(), StatusCode::OK, "{cell}");
                            assert_eq!(r.bytes().await.unwrap().as_ref(), pdf(0).as_slice(), "{cell}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "view_case" => {
                        let r = app.get(token, &format!("/api/v1/cases?unit_id={}", t.unit)).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            let items = v["items"].as_array().unwrap();
                            assert!(items.iter().any(|c| c["id"] == t.case.as_str()), "{cell}: {v}");
                            assert!(items.iter().all(|c| c["unit_id"] == t.unit), "{cell}: {v}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "handle_case" => {
                        let title = format!("矩阵线索{n}");
                        let body = json!({"unit_id": t.unit, "source": "patrol", "lead_on": now(&app).date(), "title": title, "content": "巡查发现"});
                        let r = app.post(token, "/api/v1/cases", body).await;
                        let stored = || async {
                            app.store.table_rows(&tenant, chengguan_domain::Table::Cases).await.unwrap().iter().any(|c| c.text("title") == Some(title.as_str()))
                        };
                        if allowed {
                            let v = expect_json(r, StatusCode::CREATED).await;
                            assert_eq!(v["state"], "registered", "{cell}");
                            assert!(stored().await, "{cell}: the lead was not stored");
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            deny(r, &cell).await;
                            assert!(!stored().await, "{cell}: a lead was stored");
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "approve_case" => {
                        // An opinion without text: the policy decides first (403); past it the case
                        // rules refuse the empty opinion (422). Nothing is written either way.
                        let r = app.post(token, &format!("/api/v1/cases/{}/commands", t.case), json!({"command": "approve", "opinion": ""})).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::UNPROCESSABLE_ENTITY).await;
                            assert_eq!(v["error"]["code"], "case.missing_field", "{cell}: {v}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}");
                    }
                    "report_interference" => {
                        let r = app.post(token, "/api/v1/interference", json!({"unit_id": t.unit, "method": "说情", "content": format!("探针{n}")})).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::CREATED).await;
                            assert_eq!((v["unit_id"].as_str(), v["status"].as_str()), (Some(t.unit), Some("reported")), "{cell}");
                            assert_eq!(app.ledger_len().await, before + 1, "{cell}");
                        } else {
                            deny(r, &cell).await;
                            assert_eq!(app.ledger_len().await, before, "{cell}");
                        }
                    }
                    "view_interference" => {
                        // The list is filtered by scope: a unit is visible when its records are listed;
                        // an account without the action at all is refused.
                        let r = app.get(token, "/api/v1/interference").await;
                        if allowed {
                            let v = expect_json(r, StatusCode::OK).await;
                            assert!(v.as_array().unwrap().iter().any(|x| x["unit_id"] == t.unit), "{cell}: {v}");
                        } else if r.status() == StatusCode::OK {
                            let v: Value = r.json().await.unwrap();
                            assert!(!v.as_array().unwrap().iter().any(|x| x["unit_id"] == t.unit), "{cell}: {v}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}: a read wrote to the record");
                    }
                    "supervise_case" => {
                        // A case-file review of a case under investigation: past the policy the case
                        // rules refuse it (422, wrong state). Nothing is written either way.
                        let body = json!({"command": "review_file", "scores": []});
                        let r = app.post(token, &format!("/api/v1/cases/{}/commands", t.case), body).await;
                        if allowed {
                            let v = expect_json(r, StatusCode::UNPROCESSABLE_ENTITY).await;
                            assert_eq!(v["error"]["code"], "case.wrong_state", "{cell}: {v}");
                        } else {
                            deny(r, &cell).await;
                        }
                        assert_eq!(app.ledger_len().await, before, "{cell}");
                    }
                    other => panic!("no probe for {other}"),
                }
            }
        }
    }
    assert_eq!(n, 11 * 17 * 3);
    // A guard against a table that allows (or denies) everything by mistake.
    // officer 3+6, auxiliary 1, legal_reviewer 6+3, lawyer 2, leader 11+6, dispatcher 3,
    // supervisor 3+3, disposer 1+3, inspector 11+6, admin 27+6, assessor 6; then the case actions:
    // view_case 1+2+2+2+2, handle_case 1+2, approve_case 2+2+2, report_interference 11×3,
    // view_interference 2+2, supervise_case 2+2.
    assert_eq!(allowed_cells, 74 + 33 + 9 + 3 + 6 + 33 + 4 + 4);
}

/// A denied cell: 403 with the JSON error naming the refusal.
async fn deny(r: reqwest::Response, cell: &str) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::FORBIDDEN, "{cell}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{cell}: not JSON: {text}"));
    assert_eq!(v["error"]["code"], "forbidden", "{cell}: {v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{cell}");
    v
}

/// The list endpoints filter by the same scopes: the set of units each account sees, by hand.
#[tokio::test]
async fn lists_show_exactly_the_units_in_scope() {
    let app = spawn_app().await;
    let teams: Vec<String> = (1..=12).map(|n| format!("u-team-{n:02}")).collect();
    let streets: Vec<String> = (1..=12).map(|n| format!("u-street-{n:02}")).collect();
    let bureau_guided: BTreeSet<String> =
        ["u-bureau", "u-brigade-01", "u-brigade-02", "u-brigade-03"].iter().map(|s| s.to_string()).chain(teams.iter().cloned()).collect();
    let everything: BTreeSet<String> =
        bureau_guided.iter().cloned().chain(streets.iter().cloned()).chain(["u-gov", "u-disposal-01", "u-disposal-02"].map(String::from)).collect();
    assert_eq!(everything.len(), 31);
    let only = |u: &str| BTreeSet::from([u.to_owned()]);
    // view_org scope per account.
    let org: [(&str, BTreeSet<String>); 11] = [
        ("officer", only("u-team-01")),
        ("auxiliary", only("u-team-01")),
        ("legal_reviewer", bureau_guided.clone()),
        ("lawyer", bureau_guided.clone()),
        ("leader", bureau_guided.clone()),
        ("dispatcher", everything.clone()),
        ("supervisor", everything.clone()),
        ("disposer", only("u-disposal-01")),
        ("inspector", bureau_guided.clone()),
        ("admin", everything.clone()),
        ("assessor", everything.clone()),
    ];
    for (user, want) in org {
        let token = app.token(user).await;
        let v = app.get_ok(&token, "/api/v1/org-units").await;
        let got: BTreeSet<String> = v.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(got, want, "{user}: org units");

        // view_people: who sees which people in the list (demo headcounts: team 01 has 10 officers
        // and 7 auxiliaries; the bureau 12, brigades 15 + 13 + 6, the teams 148 + 125; disposal 3 + 3).
        let people = app.get(&token, "/api/v1/people?limit=200").await;
        let want_people = match user {
            "officer" => Some(17),
            "legal_reviewer" | "leader" | "inspector" => Some(12 + 15 + 13 + 6 + 148 + 125),
            "admin" => Some(12 + 15 + 13 + 6 + 148 + 125 + 6),
            _ => None,
        };
        match want_people {
            Some(total) => {
                let v = expect_json(people, StatusCode::OK).await;
                assert_eq!(v["total"], total, "{user}: people");
                if user == "officer" {
                    assert!(v["items"].as_array().unwrap().iter().all(|p| p["org_unit_id"] == "u-team-01"));
                }
            }
            None => {
                expect_error(people, StatusCode::FORBIDDEN, "forbidden").await;
            }
        }
    }
}

/// The officer asking for another team's people by filter is refused, not given an empty list.
#[tokio::test]
async fn a_filter_outside_scope_is_refused() {
    let app = spawn_app().await;
    let officer = app.token("officer").await;
    let v = app.get_ok(&officer, "/api/v1/people?unit=u-team-01").await;
    assert_eq!(v["total"], 17);
    expect_error(app.get(&officer, "/api/v1/people?unit=u-team-02").await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.get(&officer, "/api/v1/people?unit=u-street-01&subtree=true").await, StatusCode::FORBIDDEN, "forbidden").await;
}

/// Per case command (every name the API accepts): the policy verdict for each account, columns in
/// the order of `CASE_ROLES`. `Y`: the policy lets it through to the case rules (the probe's body
/// is then refused by them with a 422: it never changes the case); `-`: 403. Written by hand from
/// the roles' duties: officers investigate and propose (handle_case); legal reviewers, lawyers and
/// leaders review, approve, decide, assign and arrange hearings (approve_case); the hearing host
/// records the hearing with either; leaders may do both; everyone else has no case command.
const CASE_ROLES: [&str; 11] =
    ["officer", "auxiliary", "legal_reviewer", "lawyer", "leader", "dispatcher", "supervisor", "disposer", "inspector", "admin", "assessor"];

#[rustfmt::skip]
const CASE_EXPECTED: [(&str, &str); 52] = [
    //                          officer aux reviewer lawyer leader dispatcher supervisor disposer inspector admin assessor
    ("record_check",           "Y---Y------"),
    ("propose_filing",         "Y---Y------"),
    ("propose_disposal",       "Y---Y------"),
    ("approve",                "--YYY------"),
    ("reject",                 "--YYY------"),
    ("assign_handlers",        "--YYY------"),
    ("request_recusal",        "Y---Y------"),
    ("decide_recusal",         "--YYY------"),
    ("add_evidence",           "Y---Y------"),
    ("request_preservation",   "Y---Y------"),
    ("decide_preservation",    "Y---Y------"),
    ("request_assistance",     "Y---Y------"),
    ("answer_assistance",      "Y---Y------"),
    ("confirm_address",        "Y---Y------"),
    ("submit_report",          "Y---Y------"),
    ("propose_notice",         "Y---Y------"),
    ("serve_notice",           "Y---Y------"),
    ("record_statement",       "Y---Y------"),
    ("waive_statement",        "Y---Y------"),
    ("request_hearing",        "Y---Y------"),
    ("schedule_hearing",       "--YYY------"),
    ("record_hearing",         "Y-YYY------"),
    ("record_discussion",      "--YYY------"),
    ("propose_decision",       "Y---Y------"),
    ("serve",                  "Y---Y------"),
    ("notify_informant",       "Y---Y------"),
    ("request_suspension",     "Y---Y------"),
    ("resume",                 "--YYY------"),
    ("request_extension",      "Y---Y------"),
    ("request_termination",    "Y---Y------"),
    ("request_transfer_out",   "Y---Y------"),
    ("void_number",            "--YYY------"),
    ("record_payment",         "Y---Y------"),
    ("apply_deferral",         "Y---Y------"),
    ("decide_deferral",        "--YYY------"),
    ("serve_reminder",         "Y---Y------"),
    ("apply_to_court",         "Y---Y------"),
    ("record_court_outcome",   "Y---Y------"),
    ("record_remedy",          "Y-YYY------"),
    ("record_remedy_outcome",  "Y-YYY------"),
    ("publish_decision",       "Y---Y------"),
    ("withdraw_publication",   "Y---Y------"),
    ("conclude_accountability","----Y---Y--"),
    ("propose_closing",        "Y---Y------"),
    ("archive",                "--YYY------"),
    ("lend_file",              "--YYY------"),
    ("return_file",            "--YYY------"),
    ("review_file",            "----Y---Y--"),
    ("file_with_unit",         "Y---Y------"),
    ("collect_on_spot",        "Y---Y------"),
    ("deposit_to_unit",        "Y---Y------"),
    ("deposit_to_bank",        "Y-YYY------"),
];

/// A well-formed body for each command that the case rules refuse on the probe's case (a patrol
/// case under investigation with no submission pending): empty texts, wrong states, no such index.
fn probe_body(name: &str, at: chrono::NaiveDateTime) -> Value {
    let day = at.date();
    let body = match name {
        "record_check" => json!({"finding": "", "violation_found": true}),
        "propose_filing" => {
            json!({"cause_code": "SZ-001", "party": {"kind": "person", "name": "某"}, "violation_on": day, "handlers": [], "facts": "", "reason": ""})
        }
        "propose_disposal" => json!({"outcome": "decline", "reason": ""}),
        "approve" | "reject" => json!({"opinion": ""}),
        "assign_handlers" => json!({"handlers": []}),
        "request_recusal" => json!({"person_id": "nobody", "applicant": "party", "reason": ""}),
        "decide_recusal" => json!({"index": 99, "accepted": true, "reason": ""}),
        "add_evidence" => json!({"evidence": {"kind": "no_such_kind", "title": "探针", "collected_at": at}}),
        "request_preservation" => json!({"items": [], "place": "", "reason": ""}),
        "decide_preservation" => json!({"index": 99, "outcome": ""}),
        "request_assistance" => json!({"department": "", "request": "", "sent_on": day}),
        "answer_assistance" => json!({"index": 99, "answer": "", "received_on": day}),
        "confirm_address" => json!({"address": {"address": "", "signed_on": day}}),
        "submit_report" => json!({"findings": "", "evidence_summary": "", "provisions": "", "proposal": {"outcome": "penalty"}}),
        "propose_notice" | "resume" => json!({}),
        "serve_notice" => json!({"served_on": day, "method": ""}),
        "record_statement" => json!({"on": day, "content": "", "accepted": false, "reasons": ""}),
        "waive_statement" => json!({"on": day, "signed": false}),
        "request_hearing" => json!({"on": day}),
        "schedule_hearing" => json!({"at": at, "place": "", "host": "nobody", "recorder": "nobody", "public": true, "notice_served_on": day}),
        "record_hearing" => json!({"result": "held", "transcript": "", "host_opinion": ""}),
        "record_discussion" => json!({"held_on": day, "chair": "nobody", "attendees": [], "recorder": "nobody", "opinions": "", "conclusion": "penalty"}),
        "propose_decision" => json!({}),
        "serve" => json!({"method": "in_person", "served_at": at, "recipient": "", "place": ""}),
        "notify_informant" => json!({"on": day, "method": "", "content": ""}),
        "request_suspension" => json!({"pause_rule": "none", "reason": ""}),
        "request_extension" => json!({"extension_rule": "none", "reason": ""}),
        "request_termination" => json!({"reason": ""}),
        "request_transfer_out" => json!({"receiving_body": "", "reason": ""}),
        "void_number" => json!({"number_id": "none", "reason": ""}),
        // Execution to archive: the probe's case is under investigation, so the rules refuse them all.
        "record_payment" => json!({"amount_fen": 100, "paid_on": day, "reference": "探针", "channel": "bank"}),
        "apply_deferral" => json!({"kind": "deferral", "applied_on": day, "reason": "", "schedule": []}),
        "decide_deferral" => json!({"index": 99, "approved": true, "opinion": ""}),
        "serve_reminder" => json!({"served_on": day, "method": "", "comply_by": day, "content": ""}),
        "apply_to_court" => json!({"applied_on": day, "court": "", "party_opinion": ""}),
        "record_court_outcome" => json!({"outcome": "enforced", "decided_on": day}),
        "record_remedy" => json!({"kind": "lawsuit", "filed_on": day, "body": ""}),
        "record_remedy_outcome" => json!({"index": 99, "outcome": "upheld", "decided_on": day}),
        "publish_decision" => json!({"published_on": day}),
        "withdraw_publication" => json!({"withdrawn_on": day, "reason": ""}),
        "conclude_accountability" => json!({"index": 99, "conclusion": ""}),
        "propose_closing" => json!({"summary": "", "result": ""}),
        "archive" => json!({"retention": "30_years"}),
        "lend_file" => json!({"borrower": "", "purpose": "", "due_on": day}),
        "return_file" => json!({"index": 99, "returned_on": day}),
        "review_file" => json!({"scores": []}),
        "file_with_unit" => json!({"filed_on": day}),
        "collect_on_spot" => json!({"amount_fen": 100, "receipt": "探针", "ground": "small_fine"}),
        "deposit_to_unit" => json!({"on": day}),
        "deposit_to_bank" => json!({"on": day, "reference": ""}),
        other => panic!("no probe body for {other}"),
    };
    let mut body = body;
    body["command"] = json!(name);
    body
}

#[tokio::test]
async fn every_role_and_case_command_is_let_through_or_refused_by_the_policy_as_the_table_says() {
    let app = spawn_app().await;
    let tenant = app.tenant_id().await;
    let mut tokens = BTreeMap::new();
    for user in CASE_ROLES {
        tokens.insert(user, app.token(user).await);
    }
    let names: BTreeSet<&str> = CASE_EXPECTED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, chengguan_domain::case::Command::NAMES.into_iter().collect::<BTreeSet<_>>(), "the table covers every command");
    // A filed case of team 01 (officer and a colleague handle it), and a lead of team 02.
    let id = filed_case(&app, &tokens["officer"], &tokens["leader"], "矩阵").await;
    let other_team = lead(&app, &tokens["leader"], "u-team-02", json!({})).await;
    let at = now(&app);
    let start = app.snapshot(&tenant).await;
    let (mut through, mut refused) = (0, 0);
    for (name, row) in CASE_EXPECTED {
        assert_eq!(row.len(), CASE_ROLES.len(), "{name}");
        for (user, verdict) in CASE_ROLES.iter().zip(row.chars()) {
            let cell = format!("{user} × {name}");
            let before = app.ledger_len().await;
            let r = app.post(&tokens[user], &format!("/api/v1/cases/{id}/commands"), probe_body(name, at)).await;
            match verdict {
                'Y' => {
                    let status = r.status();
                    let v: Value = r.json().await.unwrap();
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{cell}: past the policy, the case rules refuse the probe: {v}");
                    assert!(v["error"]["code"].as_str().unwrap().starts_with("case."), "{cell}: {v}");
                    through += 1;
                }
                '-' => {
                    deny(r, &cell).await;
                    refused += 1;
                }
                c => panic!("bad cell {c:?}"),
            }
            assert_eq!(app.ledger_len().await, before, "{cell}: the record grew");
        }
        // The officer's grant is on team 01 only: every command on team 02's case is refused.
        let r = app.post(&tokens["officer"], &format!("/api/v1/cases/{other_team}/commands"), probe_body(name, at)).await;
        deny(r, &format!("officer × {name} × u-team-02")).await;
    }
    // officer 24 (all but the 8 approval commands) + leader 32 + reviewer and lawyer 9 each (the 8
    // approval commands and record_hearing); execution to archive: officer 10 (handle_case), leader
    // 16, reviewer and lawyer 6 each (decide_deferral, remedies ×2, archive, loans ×2), inspector 2;
    // simple procedure: officer and leader 4 each, reviewer and lawyer 1 each (deposit_to_bank).
    assert_eq!((through, refused), (24 + 32 + 9 + 9 + 10 + 16 + 6 + 6 + 2 + 10, 52 * 11 - 124));
    app.assert_unchanged(&start, "the case command matrix").await;
}

// ------------------------------------------------------------------------------------ enforcement

const ENFORCEMENT_ACTIONS: [&str; 5] = ["view_enforcement", "handle_enforcement", "approve_enforcement", "review_offsite", "manage_devices"];

/// Orders, measures, demolition and off-site enforcement, by hand: officers view and handle in
/// their own team; the leader (the head) handles, approves, reviews off-site records and registers
/// devices in the bureau's guided scope; legal reviewers review off-site records and view; the
/// lawyer and the inspector view; administrators register devices in their subtree.
#[rustfmt::skip]
const ENFORCEMENT_EXPECTED: [(&str, [&str; 5]); 11] = [
    //                 view   handle approve review devices
    ("officer",        ["Y--", "Y--", "---", "---", "---"]),
    ("auxiliary",      ["---", "---", "---", "---", "---"]),
    ("legal_reviewer", ["YY-", "---", "---", "YY-", "---"]),
    ("lawyer",         ["YY-", "---", "---", "---", "---"]),
    ("leader",         ["YY-", "YY-", "YY-", "YY-", "YY-"]),
    ("dispatcher",     ["---", "---", "---", "---", "---"]),
    ("supervisor",     ["---", "---", "---", "---", "---"]),
    ("disposer",       ["---", "---", "---", "---", "---"]),
    ("inspector",      ["YY-", "---", "---", "---", "---"]),
    ("admin",          ["---", "---", "---", "---", "YYY"]),
    ("assessor",       ["---", "---", "---", "---", "---"]),
];

/// A demolition and a pending off-site capture in `unit`, written to the store directly (no one
/// can create them in a disposal department over the API).
async fn enforcement_records_in(app: &TestApp, unit: &str) -> (String, String) {
    use chengguan_domain::enforcement::{self as enf, demolition, offsite, Actor, Env, Party};
    let tenant = app.tenant_id().await;
    let profile = chengguan_domain::profile::ProcedureProfile::national();
    let power = chengguan_domain::power::PowerList::demo();
    let people = std::collections::BTreeMap::new();
    let env = Env { profile: &profile, calendar: chengguan_domain::calendar::Calendar::national(), power: &power, people: &people };
    let seed = Actor { account_id: "system".into(), person_id: None, approver: false };
    let now = app.state().clock.now();
    let d = demolition::order(
        &format!("dem-matrix-{unit}"),
        demolition::OrderDemolition {
            unit_id: unit.into(),
            case_id: "case-matrix".into(),
            party: Party::default(),
            structure: "棚屋".into(),
            location: "矩阵".into(),
            order_ref: "限拆".into(),
            served_on: now.date(),
            notice_published_on: now.date(),
            notice_place: "现场".into(),
        },
        &seed,
        &env,
        now,
    )
    .unwrap();
    app.store.commit(&tenant, "system", &enf::change(&d, &tenant, "order", None, Vec::new())).await.unwrap();
    let review = || Some(offsite::Review { by: "审核人".into(), on: now.date(), reference: "审".into() });
    let dev = offsite::register_device(
        &format!("dev-matrix-{unit}"),
        offsite::RegisterDevice {
            unit_id: unit.into(),
            code: format!("CAM-{unit}"),
            device_kind: "camera".into(),
            location: "路口".into(),
            legal_review: review(),
            technical_review: review(),
            location_published_on: Some(now.date()),
            published_where: "网站".into(),
        },
        &seed,
        &env,
        now,
    )
    .unwrap();
    let cap = offsite::record_capture(
        &format!("cap-matrix-{unit}"),
        offsite::RecordCapture {
            device_id: dev.head.id.clone(),
            captured_at: now,
            description: "矩阵".into(),
            item_code: None,
            subject_ref: String::new(),
            party: Party::default(),
            files: vec!["f".into()],
        },
        &dev,
        &format!("MATRIX{unit}"),
        &seed,
        &env,
        now,
    )
    .unwrap();
    app.store.commit(&tenant, "system", &enf::change(&cap, &tenant, "capture", None, Vec::new())).await.unwrap();
    (d.head.id, cap.head.id)
}

#[tokio::test]
async fn every_role_and_enforcement_action_is_allowed_or_denied_as_the_table_says() {
    let app = spawn_app().await;
    let mut records = Vec::new();
    for unit in TARGETS {
        records.push(enforcement_records_in(&app, unit).await);
    }
    let tenant = app.tenant_id().await;
    for (username, row) in ENFORCEMENT_EXPECTED {
        let token = app.token(username).await;
        for (a, action) in ENFORCEMENT_ACTIONS.iter().enumerate() {
            for (i, unit) in TARGETS.iter().enumerate() {
                let cell = format!("{username} × {action} × {unit}");
                let allowed = row[a].as_bytes()[i] == b'Y';
                let before = app.snapshot(&tenant).await;
                let (demolition, capture) = &records[i];
                let r = match *action {
                    "view_enforcement" => app.get(&token, &format!("/api/v1/enforcement/records?kind=demolition&unit_id={unit}")).await,
                    "handle_enforcement" => app.post(&token, "/api/v1/enforcement/orders", json!({ "unit_id": unit, "violation": "矩阵" })).await,
                    "approve_enforcement" => {
                        app.post(
                            &token,
                            &format!("/api/v1/enforcement/records/{demolition}/commands"),
                            json!({ "command": "force", "plan": "", "video": [], "cost_fen": 0, "cost_note": "", "officers": [] }),
                        )
                        .await
                    }
                    "review_offsite" => app.post(&token, &format!("/api/v1/enforcement/records/{capture}/commands"), json!({ "command": "review", "accepted": true, "note": "" })).await,
                    "manage_devices" => {
                        app.post(
                            &token,
                            "/api/v1/enforcement/devices",
                            json!({ "unit_id": unit, "code": "X", "device_kind": "bogus", "location": "x", "legal_review": null, "technical_review": null, "location_published_on": null }),
                        )
                        .await
                    }
                    other => unreachable!("{other}"),
                };
                match (allowed, *action) {
                    (true, "view_enforcement") => {
                        let v = expect_json(r, StatusCode::OK).await;
                        assert_eq!(v.as_array().unwrap().len(), 1, "{cell}: {v}");
                    }
                    // Allowed through the policy: the rules then refuse the deliberately incomplete request.
                    (true, _) => {
                        let (status, code) = expect_client_error(r).await;
                        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{cell}: {code}");
                    }
                    (false, _) => {
                        deny(r, &cell).await;
                    }
                }
                app.assert_unchanged(&before, &cell).await;
            }
        }
    }
}
