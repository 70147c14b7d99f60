//! Staffing figures over HTTP against hand-computed expectations.
//!
//! A fixture tenant is written straight into the store (not the demo generator): twelve street
//! teams whose people and certificates are chosen so that every figure and every rule check has
//! a case on each side of its boundary. The expected figures are literals, worked out by hand
//! from the definitions (established = every staffing type except auxiliary; inactive people are
//! not counted; certified = established with a certificate valid today, both ends inclusive;
//! frontline = established, active, frontline; legal review = established on the 案件法制 post).

use crate::helpers::*;
use chengguan_domain::org::{OrgKind, OrgUnit};
use chengguan_domain::people::{Certificate, Person, PersonStatus, Post, Staffing};
use chengguan_domain::{Change, Row};
use chengguan_web::services::{self, today};
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::Value;

const ADMIN: &str = "fixture-admin";
const PASSWORD: &str = "Fixture-Admin-2026";

/// A certificate relative to today.
#[derive(Clone, Copy)]
enum Cert {
    /// Valid from 400 days ago to 800 days ahead.
    Valid,
    /// Ended yesterday.
    ExpiredYesterday,
    /// Ended long ago.
    ExpiredLongAgo,
    /// Ends in this many days (0 = ends today, still valid).
    EndsIn(u64),
    /// Starts tomorrow.
    NotYetValid,
    /// Valid dates, but withdrawn (active = false).
    Withdrawn,
}

fn day(offset: i64) -> NaiveDate {
    if offset >= 0 {
        today() + Days::new(offset as u64)
    } else {
        today() - Days::new((-offset) as u64)
    }
}

struct Builder {
    tenant: String,
    rows: Vec<Row>,
    people: usize,
    certs: usize,
}

impl Builder {
    fn unit(&mut self, id: &str, name: &str, kind: OrgKind, parent: &str) {
        let u = OrgUnit {
            tenant_id: self.tenant.clone(),
            id: id.into(),
            code: id.to_uppercase(),
            name: name.into(),
            kind,
            admin_parent_id: Some(parent.into()),
            guidance_parent_id: None,
            enforcement_subject: false,
            population: None,
            active: true,
        };
        self.rows.push(u.to_row());
    }

    /// One person; returns nothing, the figures are all that matter.
    fn person(&mut self, unit: &str, staffing: Staffing, frontline: bool, legal: bool, status: PersonStatus, certs: &[Cert]) {
        self.people += 1;
        let id = format!("fp-{:03}", self.people);
        let p = Person {
            tenant_id: self.tenant.clone(),
            id: id.clone(),
            org_unit_id: unit.into(),
            name: format!("测试{:03}", self.people),
            gender: None,
            id_number: None,
            phone: None,
            staffing,
            posts: if legal { vec![Post::CaseLegal] } else { vec![Post::Sanitation] },
            frontline,
            status,
            joined_on: Some(day(-1000)),
        };
        self.rows.push(p.to_row());
        for c in certs {
            self.certs += 1;
            let (from, until, active) = match *c {
                Cert::Valid => (day(-400), day(800), true),
                Cert::ExpiredYesterday => (day(-1000), day(-1), true),
                Cert::ExpiredLongAgo => (day(-2000), day(-400), true),
                Cert::EndsIn(d) => (day(-1000), day(d as i64), true),
                Cert::NotYetValid => (day(1), day(1000), true),
                Cert::Withdrawn => (day(-400), day(800), false),
            };
            let c = Certificate {
                tenant_id: self.tenant.clone(),
                id: format!("fc-{:03}", self.certs),
                person_id: id.clone(),
                number: format!("FIXTURE-{:04}", self.certs),
                issuer: "测试省人民政府".into(),
                valid_from: from,
                valid_until: until,
                scope: "城市管理".into(),
                active,
            };
            self.rows.push(c.to_row());
        }
    }

    /// `n` people of one kind.
    #[allow(clippy::too_many_arguments)]
    fn people(&mut self, n: usize, unit: &str, staffing: Staffing, frontline: bool, legal: bool, status: PersonStatus, certs: &[Cert]) {
        for _ in 0..n {
            self.person(unit, staffing, frontline, legal, status, certs);
        }
    }
}

use PersonStatus::{Active, Inactive, Seconded};
use Staffing::{Auxiliary, CivilServant, CivilServantManaged, PublicInstitution};

/// The fixture tenant: returns (tenant id, root unit id, admin token).
async fn fixture(app: &TestApp) -> (String, String, String) {
    let tenant = services::create_first_admin(&app.store, "fixture", "测试市测试区", "测试区人民政府", ADMIN, PASSWORD).await.expect("fixture tenant");
    let root = app.store.org_units(&tenant).await.unwrap()[0].id.clone();
    let mut b = Builder { tenant: tenant.clone(), rows: vec![], people: 0, certs: 0 };
    for n in 1..=12 {
        b.unit(&format!("fu-{n:02}"), &format!("测试{n:02}街道城市管理执法队"), OrgKind::StreetEnforcementTeam, &root);
    }
    b.unit("fu-01-q", "测试01街道执法一中队", OrgKind::Squad, "fu-01");
    let v = [Cert::Valid];
    let none: [Cert; 0] = [];

    // F01 baseline: a desk leader, six frontline officers (one legal), three auxiliaries; all certified.
    b.person("fu-01", CivilServant, false, false, Active, &v);
    b.person("fu-01", CivilServant, true, true, Active, &v);
    b.people(5, "fu-01", CivilServantManaged, true, false, Active, &v);
    b.people(3, "fu-01", Auxiliary, true, false, Active, &none);
    // …and its squad (counted only with subtree=true): two certified frontline officers.
    b.people(2, "fu-01-q", PublicInstitution, true, false, Active, &v);

    // F02: one certificate ended yesterday.
    b.person("fu-02", CivilServant, true, true, Active, &v);
    b.people(2, "fu-02", CivilServant, true, false, Active, &v);
    b.person("fu-02", CivilServant, true, false, Active, &[Cert::ExpiredYesterday]);
    b.people(2, "fu-02", Auxiliary, true, false, Active, &none);

    // F03: certificates ending in 30 days and today: valid, and both expiring soon.
    b.person("fu-03", CivilServant, true, true, Active, &v);
    b.person("fu-03", CivilServant, true, false, Active, &v);
    b.person("fu-03", CivilServant, true, false, Active, &[Cert::EndsIn(30)]);
    b.person("fu-03", PublicInstitution, true, false, Active, &[Cert::EndsIn(0)]);

    // F04: auxiliary-heavy (4 auxiliaries for 3 established); one auxiliary even has a certificate
    // row written behind the API's back, which must not make anyone "certified".
    b.person("fu-04", CivilServant, true, true, Active, &v);
    b.people(2, "fu-04", CivilServant, true, false, Active, &v);
    b.people(3, "fu-04", Auxiliary, true, false, Active, &none);
    b.person("fu-04", Auxiliary, true, false, Active, &v);

    // F05: one of five frontline officers seconded away: 4 / 5 = 80 % frontline.
    b.person("fu-05", CivilServant, true, true, Active, &v);
    b.people(3, "fu-05", CivilServant, true, false, Active, &v);
    b.person("fu-05", CivilServant, true, false, Seconded, &v);
    b.people(2, "fu-05", Auxiliary, true, false, Active, &none);

    // F06: a deactivated officer (uncertified) and a deactivated auxiliary are not counted.
    b.person("fu-06", CivilServant, true, true, Active, &v);
    b.people(3, "fu-06", CivilServant, true, false, Active, &v);
    b.person("fu-06", CivilServant, true, false, Inactive, &none);
    b.person("fu-06", Auxiliary, true, false, Inactive, &none);
    b.person("fu-06", Auxiliary, true, false, Active, &none);

    // F07: nobody on the legal post.
    b.people(4, "fu-07", CivilServant, true, false, Active, &v);

    // F08: every boundary met exactly: 17 / 20 frontline = 85 %, 1 / 20 legal = 5 %, 20 : 20 auxiliaries.
    b.person("fu-08", CivilServant, true, true, Active, &v);
    b.people(9, "fu-08", CivilServant, true, false, Active, &v);
    b.people(5, "fu-08", CivilServantManaged, true, false, Active, &v);
    b.people(2, "fu-08", PublicInstitution, true, false, Active, &v);
    b.people(3, "fu-08", PublicInstitution, false, false, Active, &v);
    b.people(20, "fu-08", Auxiliary, true, false, Active, &none);

    // F09: every boundary missed by one: 17 / 21 frontline, 1 / 21 legal, 22 : 21 auxiliaries.
    b.person("fu-09", CivilServant, true, true, Active, &v);
    b.people(16, "fu-09", CivilServant, true, false, Active, &v);
    b.people(4, "fu-09", CivilServantManaged, false, false, Active, &v);
    b.people(22, "fu-09", Auxiliary, true, false, Active, &none);

    // F10: certificate edge cases: not yet valid, withdrawn, expired-but-renewed, ends today.
    b.person("fu-10", CivilServant, true, false, Active, &[Cert::NotYetValid]);
    b.person("fu-10", CivilServant, true, false, Active, &[Cert::Withdrawn]);
    b.person("fu-10", CivilServant, true, false, Active, &[Cert::ExpiredLongAgo, Cert::Valid]);
    b.person("fu-10", CivilServant, true, true, Active, &[Cert::EndsIn(0)]);

    // F11: auxiliaries and no established staff at all.
    b.people(3, "fu-11", Auxiliary, true, false, Active, &none);

    // F12: an empty team.

    let mut change = Change::new("fixture.load", format!("tenant/{tenant}"));
    change.rows = b.rows;
    app.store.commit(&tenant, "system", &change).await.expect("fixture rows");
    let token = app.token_with(ADMIN, PASSWORD).await;
    (tenant, root, token)
}

/// total, established, auxiliaries, certified, uncertified, frontline, legal_review, seconded, expiring_soon
type Figures = [u64; 9];
/// frontline_share_min, auxiliary_max_ratio_to_established, legal_review_share_min, certified_all
type Checks = [bool; 4];

const FIGURES: [&str; 9] = ["total", "established", "auxiliaries", "certified", "uncertified", "frontline", "legal_review", "seconded", "expiring_soon"];
const CHECKS: [&str; 4] = ["frontline_share_min", "auxiliary_max_ratio_to_established", "legal_review_share_min", "certified_all"];

#[rustfmt::skip]
const EXPECTED: [(&str, Figures, Checks); 12] = [
    //          total est aux cert unc front legal 2nd soon    front  aux    legal  cert
    ("fu-01", [ 10,   7,  3,   7,  0,   6,    1,  0,   0], [true,  true,  true,  true ]),
    ("fu-02", [  6,   4,  2,   3,  1,   4,    1,  0,   0], [true,  true,  true,  false]),
    ("fu-03", [  4,   4,  0,   4,  0,   4,    1,  0,   2], [true,  true,  true,  true ]),
    ("fu-04", [  7,   3,  4,   3,  0,   3,    1,  0,   0], [true,  false, true,  true ]),
    ("fu-05", [  7,   5,  2,   5,  0,   4,    1,  1,   0], [false, true,  true,  true ]),
    ("fu-06", [  5,   4,  1,   4,  0,   4,    1,  0,   0], [true,  true,  true,  true ]),
    ("fu-07", [  4,   4,  0,   4,  0,   4,    0,  0,   0], [true,  true,  false, true ]),
    ("fu-08", [ 40,  20, 20,  20,  0,  17,    1,  0,   0], [true,  true,  true,  true ]),
    ("fu-09", [ 43,  21, 22,  21,  0,  17,    1,  0,   0], [false, false, false, true ]),
    ("fu-10", [  4,   4,  0,   2,  2,   4,    1,  0,   1], [true,  true,  true,  false]),
    ("fu-11", [  3,   0,  3,   0,  0,   0,    0,  0,   0], [true,  false, true,  true ]),
    ("fu-12", [  0,   0,  0,   0,  0,   0,    0,  0,   0], [true,  true,  true,  true ]),
];

fn figures(v: &Value) -> Figures {
    FIGURES.map(|k| v["figures"][k].as_u64().unwrap_or_else(|| panic!("figure {k} missing: {v}")))
}

fn checks(v: &Value) -> Checks {
    let list = v["checks"].as_array().unwrap();
    assert_eq!(list.len(), CHECKS.len(), "{v}");
    CHECKS.map(|k| {
        let c = list.iter().find(|c| c["key"] == k).unwrap_or_else(|| panic!("check {k} missing: {v}"));
        assert!(c["citation"].as_str().is_some_and(|s| !s.is_empty()), "{k} has no citation");
        c["ok"].as_bool().unwrap()
    })
}

#[tokio::test]
async fn fixture_teams_have_the_hand_computed_figures() {
    let app = spawn_app().await;
    let (_, _, token) = fixture(&app).await;
    for (unit, want_figures, want_checks) in EXPECTED {
        let v = app.get_ok(&token, &format!("/api/v1/org-units/{unit}/staffing?subtree=false")).await;
        assert_eq!(v["unit_id"], unit);
        assert_eq!(v["scope"], "unit");
        assert_eq!(v["day"], today().to_string());
        let got = figures(&v);
        assert_eq!(got, want_figures, "{unit}: figures {FIGURES:?}");
        assert_eq!(checks(&v), want_checks, "{unit}: checks {CHECKS:?}");
        // The figures add up.
        assert_eq!(got[0], got[1] + got[2], "{unit}: total = established + auxiliaries");
        assert_eq!(got[1], got[3] + got[4], "{unit}: established = certified + uncertified");
        let by: u64 = v["figures"]["by_staffing"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
        assert_eq!(by, got[0], "{unit}: by_staffing sums to the total");
    }
}

#[tokio::test]
async fn fixture_shares_and_boundaries_are_exact() {
    let app = spawn_app().await;
    let (_, _, token) = fixture(&app).await;
    let share = |v: &Value, k: &str| (v["figures"][k]["num"].as_u64().unwrap(), v["figures"][k]["den"].as_u64().unwrap());
    let f08 = app.get_ok(&token, "/api/v1/org-units/fu-08/staffing?subtree=false").await;
    assert_eq!(share(&f08, "frontline_share"), (17, 20));
    assert_eq!(share(&f08, "legal_review_share"), (1, 20));
    assert_eq!(share(&f08, "auxiliary_ratio"), (20, 20));
    assert_eq!(f08["figures"]["by_staffing"]["civil_servant_managed"], 5);
    assert_eq!(f08["figures"]["by_staffing"]["public_institution"], 5);
    let f09 = app.get_ok(&token, "/api/v1/org-units/fu-09/staffing?subtree=false").await;
    assert_eq!(share(&f09, "frontline_share"), (17, 21));
    assert_eq!(share(&f09, "auxiliary_ratio"), (22, 21));
    let c = f09["checks"].as_array().unwrap().iter().find(|c| c["key"] == "frontline_share_min").unwrap().clone();
    assert_eq!(c["actual"], "81.0%");
    assert_eq!(c["required"], "≥ 85%");
    let f11 = app.get_ok(&token, "/api/v1/org-units/fu-11/staffing?subtree=false").await;
    assert_eq!(share(&f11, "auxiliary_ratio"), (3, 0));
}

#[tokio::test]
async fn subtree_figures_include_the_units_below() {
    let app = spawn_app().await;
    let (_, root, token) = fixture(&app).await;
    let f01 = app.get_ok(&token, "/api/v1/org-units/fu-01/staffing?subtree=true").await;
    assert_eq!(f01["scope"], "subtree");
    assert_eq!(figures(&f01), [12, 9, 3, 9, 0, 8, 1, 0, 0]);
    // Without the parameter, the subtree is the default.
    assert_eq!(figures(&app.get_ok(&token, "/api/v1/org-units/fu-01/staffing").await), figures(&f01));
    assert_eq!(figures(&app.get_ok(&token, "/api/v1/org-units/fu-01-q/staffing?subtree=false").await), [2, 2, 0, 2, 0, 2, 0, 0, 0]);
    // The whole fixture: the sum of the twelve teams and the squad.
    let all = app.get_ok(&token, &format!("/api/v1/org-units/{root}/staffing")).await;
    assert_eq!(figures(&all), [135, 78, 57, 75, 3, 69, 9, 1, 3]);
    let alone = app.get_ok(&token, &format!("/api/v1/org-units/{root}/staffing?subtree=false")).await;
    assert_eq!(figures(&alone), [0; 9]);
}

/// The demo city over the API: seed 001's establishment per street team (148 in all), the
/// auxiliaries the generator documents, and the one shortcoming each team was built with.
#[tokio::test]
async fn demo_teams_have_the_seed_establishment() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let established = [10, 10, 10, 12, 10, 10, 13, 15, 13, 14, 15, 16];
    let auxiliaries = [7, 8, 6, 14, 7, 9, 10, 12, 11, 16, 13, 12];
    let failing: [&[&str]; 12] = [
        &[],
        &["frontline_share_min"],
        &["certified_all"],
        &["auxiliary_max_ratio_to_established"],
        &["legal_review_share_min"],
        &["certified_all"],
        &["certified_all"],
        &["frontline_share_min"],
        &["certified_all"],
        &["auxiliary_max_ratio_to_established"],
        &[],
        &["certified_all"],
    ];
    let mut sum = 0;
    for n in 1..=12 {
        let unit = format!("u-team-{n:02}");
        let v = app.get_ok(&token, &format!("/api/v1/org-units/{unit}/staffing?subtree=false")).await;
        let f = figures(&v);
        assert_eq!(f[1], established[n - 1], "{unit}: established");
        assert_eq!(f[2], auxiliaries[n - 1], "{unit}: auxiliaries");
        assert_eq!(f[0], f[1] + f[2], "{unit}");
        let fails: Vec<&str> = v["checks"].as_array().unwrap().iter().filter(|c| c["ok"] == false).map(|c| c["key"].as_str().unwrap()).collect();
        assert_eq!(fails, failing[n - 1], "{unit}: failing checks");
        sum += f[1];
    }
    assert_eq!(sum, 148);
    // The teams are the streets' (administrative subtree), so the government total includes them.
    let gov = app.get_ok(&token, "/api/v1/org-units/u-gov/staffing").await;
    assert!(figures(&gov)[1] > 148);
    // Not the bureau's: it guides the teams but does not manage them.
    let bureau = app.get_ok(&token, "/api/v1/org-units/u-bureau/staffing").await;
    assert_eq!(figures(&bureau)[1], 12 + 15 + 13 + 6);
}

/// Figures follow edits made through the API.
#[tokio::test]
async fn figures_follow_api_edits() {
    let app = spawn_app().await;
    let (_, _, token) = fixture(&app).await;
    let fig = |v: Value| figures(&v);
    // F12 gets one uncertified officer: established 1, uncertified 1, certified_all fails.
    let r =
        app.post(&token, "/api/v1/people", serde_json::json!({"org_unit_id": "fu-12", "name": "新队员", "staffing": "civil_servant", "frontline": true})).await;
    let pid = expect_json(r, StatusCode::CREATED).await["id"].as_str().unwrap().to_owned();
    let v = app.get_ok(&token, "/api/v1/org-units/fu-12/staffing?subtree=false").await;
    assert_eq!(fig(v.clone()), [1, 1, 0, 0, 1, 1, 0, 0, 0]);
    assert_eq!(checks(&v), [true, true, false, false]);
    // A certificate fixes certification; one ending within 90 days counts as expiring.
    let until = today() + Days::new(89);
    let cert = serde_json::json!({"number": "FIX-API-1", "issuer": "测试省人民政府", "valid_from": "2024-01-01", "valid_until": until.to_string(), "scope": "城市管理"});
    expect_json(app.post(&token, &format!("/api/v1/people/{pid}/certificates"), cert).await, StatusCode::CREATED).await;
    assert_eq!(fig(app.get_ok(&token, "/api/v1/org-units/fu-12/staffing?subtree=false").await), [1, 1, 0, 1, 0, 1, 0, 0, 1]);
    // Seconded: still counted and certified, no longer frontline.
    expect_json(app.patch(&token, &format!("/api/v1/people/{pid}"), serde_json::json!({"status": "seconded", "posts": ["case_legal"]})).await, StatusCode::OK)
        .await;
    assert_eq!(fig(app.get_ok(&token, "/api/v1/org-units/fu-12/staffing?subtree=false").await), [1, 1, 0, 1, 0, 0, 1, 1, 1]);
    // Moved to F07: F12 is empty again and F07 gains an officer on the legal post.
    expect_json(app.patch(&token, &format!("/api/v1/people/{pid}"), serde_json::json!({"org_unit_id": "fu-07", "status": "active"})).await, StatusCode::OK)
        .await;
    assert_eq!(fig(app.get_ok(&token, "/api/v1/org-units/fu-12/staffing?subtree=false").await), [0; 9]);
    let f07 = app.get_ok(&token, "/api/v1/org-units/fu-07/staffing?subtree=false").await;
    assert_eq!(fig(f07.clone()), [5, 5, 0, 5, 0, 5, 1, 0, 1]);
    assert_eq!(checks(&f07), [true, true, true, true]);
    // Deactivated: gone from the figures.
    expect_json(app.post(&token, &format!("/api/v1/people/{pid}/deactivate"), serde_json::json!({})).await, StatusCode::OK).await;
    assert_eq!(fig(app.get_ok(&token, "/api/v1/org-units/fu-07/staffing?subtree=false").await), [4, 4, 0, 4, 0, 4, 0, 0, 0]);
}
