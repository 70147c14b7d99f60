//! Every gate of the case procedure over HTTP: drive a case to the point, issue the command that
//! breaks the gate, and see a 4xx naming the rule (422 with `error.rule` for the procedure's rules,
//! 403 for the authorisation policy) — and nothing changed: no ledger entry, no row.

use crate::cases::*;
use crate::helpers::*;
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Asserts that `r` is a 422 with `code` citing `cite`, and that the tenant is as in `before`.
async fn refused_with(app: &TestApp, before: Snapshot, r: reqwest::Response, code: &str, cite: &str) -> Value {
    let v = expect_rule(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    let rule = v["error"]["rule"].as_str().unwrap();
    assert!(rule.contains(cite), "{code}: cites {rule:?}, expected {cite:?}");
    app.assert_unchanged(&before, code).await;
    v
}

/// A case command refused by a gate: 422, `code`, a rule containing `cite`, nothing changed.
async fn refused(app: &TestApp, token: &str, case: &str, body: Value, code: &str, cite: &str) -> Value {
    let before = app.snapshot(&app.tenant_id().await).await;
    let r = try_cmd(app, token, case, body).await;
    refused_with(app, before, r, code, cite).await
}

/// A request refused by the policy: 403 and nothing changed.
async fn forbidden(app: &TestApp, before: Snapshot, r: reqwest::Response, what: &str) {
    expect_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    app.assert_unchanged(&before, what).await;
}

/// Registered and checked, ready for the filing proposal.
async fn checked_lead(app: &TestApp, token: &str, unit: &str) -> String {
    let id = lead(app, token, unit, json!({})).await;
    cmd(app, token, &id, json!({ "command": "record_check", "finding": "现场核实存在占道经营", "violation_found": true })).await;
    id
}

/// 立案: limitation, two handlers, no auxiliary, a valid certificate, and no handler approving.
#[tokio::test]
async fn filing_gates_limitation_two_certified_handlers_no_auxiliary_no_self_approval() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let today = now(&app).date();
    let id = checked_lead(&app, &c.officer, TEAM).await;

    // APL art. 36: discovered more than two years after the violation.
    refused(&app, &c.officer, &id, filing("甲", today - Duration::days(3 * 365), &[&c.h1, &c.h2]), "case.limitation", "第三十六条").await;
    // APL art. 42: at least two officers, distinct.
    refused(&app, &c.officer, &id, filing("甲", today, &[&c.h1]), "case.handlers.too_few", "第四十二条").await;
    refused(&app, &c.officer, &id, filing("甲", today, &[&c.h1, &c.h1]), "case.handlers.too_few", "第四十二条").await;
    // An auxiliary of the team is never a handler.
    let aux = app.people_in(TEAM).await.into_iter().find(|p| !p.staffing.is_established()).expect("team 01 has auxiliaries").id;
    refused(&app, &c.officer, &id, filing("甲", today, &[&c.h1, &aux]), "case.handlers.auxiliary", "第四十二条").await;
    // APL art. 24: the team acts for its street office, which holds only the items the power list
    // assigns to streets; SZ-015 (使用未经验收的城市道路) is kept by the bureau.
    let mut bureau_only = filing("甲", today, &[&c.h1, &c.h2]);
    bureau_only["cause_code"] = json!("SZ-015");
    refused(&app, &c.officer, &id, bureau_only, "case.cause_level", "第二十四条").await;

    // Separation of duties: h2, a handler, also holds the leader role over the team; they may not
    // approve the filing of their own case.
    let h2_leader = account_for(&app, &c.admin, "h2-squad-leader", &c.h2, &[("officer", TEAM), ("leader", TEAM)]).await;
    cmd(&app, &c.officer, &id, filing("甲", today, &[&c.h1, &c.h2])).await;
    let v = refused(&app, &h2_leader, &id, json!({ "command": "approve", "opinion": "同意" }), "case.separation_of_duties", "第五十八条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("承办人"), "{v}");
    // The leader, who handles nothing here, approves.
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意立案" })).await;
    assert_eq!(r["state"], "investigating");
    // Assigning an auxiliary later is refused on the same ground.
    refused(&app, &c.leader, &id, json!({ "command": "assign_handlers", "handlers": [c.h1, aux] }), "case.handlers.auxiliary", "第四十二条").await;
    verifies(&app).await;
}

/// 满春 (u-team-03) has an officer whose certificate ended yesterday: the leader cannot make them a
/// handler; a certificate the admin adds today makes them eligible again.
#[tokio::test]
async fn a_handler_whose_certificate_expired_yesterday_is_refused() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let unit = "u-team-03";
    let t = app.tenant_id().await;
    let today = chengguan_web::services::today();
    let certs = app.store.certificates(&t).await.unwrap();
    let people = app.people_in(unit).await;
    let expired = people
        .iter()
        .find(|p| {
            certs.iter().any(|x| x.person_id == p.id && x.valid_until == today - Duration::days(1))
                && !certs.iter().any(|x| x.person_id == p.id && x.valid_on(today))
        })
        .expect("满春 has an officer whose certificate ended yesterday")
        .id
        .clone();
    let valid = people
        .iter()
        .filter(|p| p.staffing.is_established() && p.status == chengguan_domain::people::PersonStatus::Active)
        .find(|p| certs.iter().any(|x| x.person_id == p.id && x.valid_on(today) && x.valid_until > today + Duration::days(200)))
        .unwrap()
        .id
        .clone();
    let id = checked_lead(&app, &c.leader, unit).await;
    let v = refused(&app, &c.leader, &id, filing("乙", today, &[&valid, &expired]), "case.handlers.certificate", "第四十二条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains(&today.to_string()), "names the day: {v}");
    // The admin records the renewed certificate: the same proposal passes.
    let r = app
        .post(
            &c.admin,
            &format!("/api/v1/people/{expired}/certificates"),
            json!({ "number": "鄂执法42010326001", "issuer": "湖北省人民政府",
            "valid_from": today.to_string(), "valid_until": (today + Duration::days(365 * 3)).to_string(), "scope": "城市管理综合执法 / 江汉区满春街道" }),
        )
        .await;
    expect_json(r, StatusCode::CREATED).await;
    cmd(&app, &c.leader, &id, filing("乙", today, &[&valid, &expired])).await;
    verifies(&app).await;
}

/// An auxiliary's account holds no case action: registering a lead or issuing any command is a 403.
#[tokio::test]
async fn an_auxiliary_account_cannot_issue_case_commands() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let auxiliary = app.token("auxiliary").await;
    let id = filed_case(&app, &c.officer, &c.leader, "丙").await;
    let at = now(&app);
    for body in [
        json!({ "command": "add_evidence", "evidence": { "kind": "photo", "title": "照片", "collected_at": at } }),
        json!({ "command": "record_check", "finding": "核查", "violation_found": true }),
        json!({ "command": "approve", "opinion": "同意" }),
    ] {
        let before = app.snapshot(&c.tenant).await;
        forbidden(&app, before, try_cmd(&app, &auxiliary, &id, body.clone()).await, &format!("auxiliary {body}")).await;
    }
    let before = app.snapshot(&c.tenant).await;
    let r = app
        .post(&auxiliary, "/api/v1/cases", json!({ "unit_id": TEAM, "source": "patrol", "lead_on": at.date(), "title": "占道", "content": "巡查发现" }))
        .await;
    forbidden(&app, before, r, "auxiliary registering").await;
    let before = app.snapshot(&c.tenant).await;
    forbidden(&app, before, app.get(&auxiliary, &format!("/api/v1/cases/{id}")).await, "auxiliary reading").await;
}

/// The decision waits for the statement period or an express, signed waiver (APL art. 62); the
/// legal reviewer never decides (art. 58); electronic service needs the party's consent (art. 61).
#[tokio::test]
async fn decision_gates_statement_period_signed_waiver_reviewer_not_decider_and_electronic_consent() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    // A second legal officer who is also a deputy director (legal reviewer and leader roles).
    let spare = bureau_people_without_account(&app).await;
    let both = spare[0].clone();
    let r = app
        .put(
            &c.admin,
            &format!("/api/v1/people/{both}/reviewer-appointment"),
            json!({ "appointed_on": "2023-04-01", "qualification_number": "A20223201000009" }),
        )
        .await;
    expect_json(r, StatusCode::OK).await;
    let reviewer_leader = account_for(&app, &c.admin, "reviewer-and-leader", &both, &[("legal_reviewer", "u-bureau"), ("leader", "u-bureau")]).await;

    let id = reported_case(&app, &c, "丁", 6000, 6).await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_notice" })).await;
    // They review the notice …
    cmd(&app, &reviewer_leader, &id, json!({ "command": "approve", "opinion": "同意告知", "review": review() })).await;
    // … and cannot also approve it as the leader in the same chain.
    refused(&app, &reviewer_leader, &id, json!({ "command": "approve", "opinion": "同意" }), "case.separation_of_duties", "一般程序逐级报批").await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" })).await;
    let today = now(&app).date();
    cmd(&app, &c.officer, &id, json!({ "command": "serve_notice", "served_on": today, "method": "直接送达" })).await;

    // No decision inside the statement period.
    let v = refused(&app, &c.officer, &id, json!({ "command": "propose_decision" }), "case.statement_period", "第六十二条").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("local.statement_period") || v["error"]["rule"].as_str().unwrap().contains("陈述"), "{v}");
    // A waiver must be express (signed).
    refused(&app, &c.officer, &id, json!({ "command": "waive_statement", "on": today, "signed": false }), "case.waiver_not_express", "第六十二条").await;
    cmd(&app, &c.officer, &id, json!({ "command": "waive_statement", "on": today, "signed": true })).await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_decision" })).await;
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;
    // The person who reviewed this case (the notice) may not decide it.
    let v = refused(&app, &reviewer_leader, &id, json!({ "command": "approve", "opinion": "同意处罚" }), "case.separation_of_duties", "第五十八条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("法制审核人员"), "{v}");
    let r = cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意处罚" })).await;
    assert_eq!(r["state"], "decided");

    // No address confirmation with consent: no electronic service.
    let serve = json!({ "command": "serve", "method": "electronic", "served_at": now(&app), "recipient": "丁", "place": "13800000000" });
    refused(&app, &c.officer, &id, serve.clone(), "case.service.no_consent", "第六十一条").await;
    // Consent without the receiving address is refused as well.
    refused(
        &app,
        &c.officer,
        &id,
        json!({ "command": "confirm_address", "address": { "address": "江汉区民族路1号", "electronic_consent": true, "signed_on": today } }),
        "case.address.electronic",
        "第六十一条",
    )
    .await;
    // Left at the address: a witness.
    refused(
        &app,
        &c.officer,
        &id,
        json!({ "command": "serve", "method": "left_at_address", "served_at": now(&app), "recipient": "丁", "place": "江汉区民族路1号" }),
        "case.service.witness",
        "第八十九条",
    )
    .await;
    cmd(&app, &c.officer, &id, json!({ "command": "confirm_address", "address": { "address": "江汉区民族路1号", "electronic_consent": true, "electronic_address": "13800000000", "signed_on": today } })).await;
    let r = cmd(&app, &c.officer, &id, serve).await;
    assert_eq!(r["state"], "served");
    verifies(&app).await;
}

/// Hearing: the host is no investigator, the notice comes 7 working days before, the request
/// within 5 working days of the prior notice (APL art. 64).
#[tokio::test]
async fn hearing_gates_host_notice_period_and_request_period() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let spare = bureau_people_without_account(&app).await;
    let a = reported_case(&app, &c, "戊", 15_000, 25).await;
    let b = reported_case(&app, &c, "己", 15_000, 25).await;
    notified(&app, &c, &a).await;
    notified(&app, &c, &b).await;
    let day0 = now(&app).date();
    cmd(&app, &c.officer, &a, json!({ "command": "request_hearing", "on": day0 })).await;
    let schedule = |host: &str, at: NaiveDate| {
        json!({ "command": "schedule_hearing", "at": at.and_hms_opt(9, 0, 0).unwrap(), "place": "听证室", "host": host, "members": [],
            "recorder": spare[1], "public": true, "notice_served_on": day0 })
    };
    // A handler cannot host.
    refused(&app, &c.leader, &a, schedule(&c.h1, day0 + Duration::days(14)), "case.hearing_host_investigator", "第六十四条").await;
    // Nor be a member.
    let mut with_member = schedule(&spare[0], day0 + Duration::days(14));
    with_member["members"] = json!([c.h2]);
    refused(&app, &c.leader, &a, with_member, "case.hearing_host_investigator", "第六十四条").await;
    // Three days' notice is not seven working days.
    let v = refused(&app, &c.leader, &a, schedule(&spare[0], day0 + Duration::days(3)), "case.hearing_notice_late", "第六十四条").await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("七日"), "{v}");
    // The handler does not schedule the hearing (the legal department or a leader does).
    let before = app.snapshot(&c.tenant).await;
    forbidden(&app, before, try_cmd(&app, &c.officer, &a, schedule(&spare[0], day0 + Duration::days(14))).await, "an officer scheduling").await;
    let r = cmd(&app, &c.leader, &a, schedule(&spare[0], day0 + Duration::days(14))).await;
    assert_eq!(r["state"], "hearing_scheduled");
    // Only the host records the hearing.
    refused(
        &app,
        &c.leader,
        &a,
        json!({ "command": "record_hearing", "result": "held", "transcript": "笔录", "host_opinion": "意见" }),
        "case.not_hearing_host",
        "第六十四条",
    )
    .await;

    // Case b: the request comes after the 5 working days.
    let d = detail(&app, &c.officer, &b).await;
    let due = NaiveDate::parse_from_str(d["case"]["notice"]["hearing_request_due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    app.state().clock.advance(Duration::days((due - day0).num_days() + 1));
    let late = now(&app).date();
    assert!(late > due);
    let v = refused(&app, &c.officer, &b, json!({ "command": "request_hearing", "on": late }), "case.hearing_request_late", "第六十四条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains(&due.to_string()), "{v}");
    // With the request period over and no hearing requested, what the decision still waits for is
    // the collective discussion of this major case, not the hearing.
    let v =
        refused(&app, &c.officer, &b, json!({ "command": "propose_decision", "reasoned_text": "说理：……" }), "case.discussion_required", "第五十七条").await;
    assert!(!v.to_string().contains("听证"), "{v}");
    verifies(&app).await;
}

/// A major or complex case: reasoned decision text and a collective discussion of the leaders
/// (APL art. 57 para. 2; seed 004 文书 3).
#[tokio::test]
async fn a_major_case_needs_a_reasoned_text_and_a_collective_discussion() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let t = app.tenant_id().await;
    let director = app.store.account(&t, "a-leader").await.unwrap().unwrap().person_id.unwrap();
    let spare = bureau_people_without_account(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "庚").await;
    evidence(&app, &c, &id).await;
    let mut report = penalty_report(6000, 6);
    report["major_grounds"] = json!(["complex"]);
    report["complex"] = json!(true);
    cmd(&app, &c.officer, &id, report).await;
    assert_eq!(detail(&app, &c.officer, &id).await["summary"]["major"], true);
    notified(&app, &c, &id).await;
    cmd(&app, &c.officer, &id, json!({ "command": "waive_statement", "on": now(&app).date(), "signed": true })).await;

    refused(&app, &c.officer, &id, json!({ "command": "propose_decision" }), "case.reasoned_text_required", "文书3").await;
    refused(&app, &c.officer, &id, json!({ "command": "propose_decision", "reasoned_text": "  " }), "case.reasoned_text_required", "文书3").await;
    let decide = json!({ "command": "propose_decision", "reasoned_text": "本案涉及多个法律关系……本机关认为……" });
    refused(&app, &c.officer, &id, decide.clone(), "case.discussion_required", "第五十七条").await;
    // One leader alone is no collective discussion.
    let today = now(&app).date();
    let discussion = |attendees: Value, conclusion: &str| {
        json!({ "command": "record_discussion", "held_on": today, "chair": director, "attendees": attendees, "recorder": spare[2],
            "opinions": "讨论意见", "conclusion": conclusion })
    };
    refused(&app, &c.leader, &id, discussion(json!([director]), "penalty"), "case.discussion_attendance", "第五十七条").await;
    // A discussion that concluded otherwise does not count for a penalty.
    cmd(&app, &c.leader, &id, discussion(json!([director, spare[0]]), "no_penalty")).await;
    refused(&app, &c.officer, &id, decide.clone(), "case.discussion_required", "第五十七条").await;
    cmd(&app, &c.leader, &id, discussion(json!([director, spare[0], spare[1]]), "penalty")).await;
    cmd(&app, &c.officer, &id, decide).await;
    // Legal review must pass for a major case: a reviewer's disagreement sends it back.
    let mut no = review();
    no["conclusion"] = json!("disagree");
    cmd(&app, &c.reviewer, &id, json!({ "command": "reject", "opinion": "证据不足", "review": no })).await;
    assert!(detail(&app, &c.officer, &id).await["case"]["decision"].is_null());
    verifies(&app).await;
}

/// No penalty (APL art. 33): education is recorded; the exemption's conditions must hold.
#[tokio::test]
async fn no_penalty_needs_education_and_the_exemption_conditions() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "辛").await;
    let report = |quantity: i64, education: Option<&str>| {
        json!({ "command": "submit_report", "findings": "初次占道，当场改正", "evidence_summary": "现场检查笔录", "provisions": "《行政处罚法》第三十三条",
            "facts": { "first_offence": true, "corrected_in_time": true, "harm": "minor", "quantity": quantity },
            "proposal": { "outcome": "no_penalty", "no_penalty_ground": "first_offence", "education": education } })
    };
    refused(&app, &c.officer, &id, report(3, None), "case.education_required", "第三十三条第三款").await;
    refused(&app, &c.officer, &id, report(3, Some(" ")), "case.education_required", "第三十三条第三款").await;
    // 8 m² is beyond the first-offence list's 5 m² for SZ-001.
    refused(&app, &c.officer, &id, report(8, Some("已教育")), "case.not_exempt", "第三十三条").await;
    let r = cmd(&app, &c.officer, &id, report(3, Some("已当场教育并由当事人签字"))).await;
    assert_eq!(r["state"], "reported");
    verifies(&app).await;
}

/// Evidence (seed 004 调查取证 6–9, APL art. 41, 55): one interviewee per record, a witness at a site
/// inspection, electronic monitoring reviewed, copies certified, on-site acts by the handlers.
#[tokio::test]
async fn evidence_gates() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "壬").await;
    let at = now(&app);
    let ev = |e: Value| json!({ "command": "add_evidence", "evidence": e });
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "interview", "title": "询问笔录", "officers": [c.h1, c.h2], "collected_at": at, "interviewee": "张三、李四" })),
        "case.evidence.one_interviewee",
        "第五十五条",
    )
    .await;
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "site_inspection", "title": "现场检查笔录", "officers": [c.h1, c.h2], "collected_at": at, "place": "民族路", "party_present": false })),
        "case.evidence.inspection_witness",
        "调查取证8",
    )
    .await;
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "electronic_monitoring", "title": "监控抓拍", "collected_at": at, "reviewed": false })),
        "case.evidence.unreviewed_monitoring",
        "第四十一条",
    )
    .await;
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "certified_copy", "title": "营业执照复印件", "collected_at": at })),
        "case.evidence.certified_copy",
        "调查取证9",
    )
    .await;
    // On-site acts: two handlers of this case.
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "interview", "title": "询问笔录", "officers": [c.h1], "collected_at": at, "interviewee": "张三" })),
        "case.handlers.too_few",
        "第四十二条",
    )
    .await;
    // A certified officer of the team who is not a handler of this case.
    let certs = app.store.certificates(&c.tenant).await.unwrap();
    let other = app
        .people_in(TEAM)
        .await
        .into_iter()
        .filter(|p| p.id != c.h1 && p.id != c.h2 && p.staffing.is_established() && p.status == chengguan_domain::people::PersonStatus::Active)
        .find(|p| certs.iter().any(|x| x.person_id == p.id && x.valid_on(at.date())))
        .unwrap()
        .id;
    refused(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "interview", "title": "询问笔录", "officers": [c.h1, other], "collected_at": at, "interviewee": "张三" })),
        "case.evidence.not_handler",
        "第四十二条",
    )
    .await;
    // Not dated in the future.
    let before = app.snapshot(&c.tenant).await;
    let r = try_cmd(&app, &c.officer, &id, ev(json!({ "kind": "photo", "title": "照片", "collected_at": at + Duration::days(2) }))).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "case.date_in_future").await;
    app.assert_unchanged(&before, "evidence from the future").await;
    // The same items done right pass.
    cmd(&app, &c.officer, &id, ev(json!({ "kind": "electronic_monitoring", "title": "监控抓拍", "collected_at": at, "reviewed": true }))).await;
    cmd(
        &app,
        &c.officer,
        &id,
        ev(json!({ "kind": "site_inspection", "title": "现场检查笔录", "officers": [c.h1, c.h2], "collected_at": at, "witness": "社区网格员" })),
    )
    .await;
    verifies(&app).await;
}

const OVERLAY: &str = r#"
[profile]
name = "test-short-period"
title = "测试：决定期限20日，经批准可延长10日；鉴定期间不计入"

[[rule]]
key = "apl.decision_period"
value = 20
unit = "days"
citation = "某省行政处罚程序规定（测试）第三十条：自立案之日起二十日内作出决定"
verified = false

[[rule]]
key = "apl.decision_extension"
kind = "extension"
extends = "apl.decision_period"
value = 10
unit = "days"
max_times = 1
approval = "本机关负责人批准"
citation = "某省行政处罚程序规定（测试）第三十条第二款：经本机关负责人批准，可以延长十日"
verified = false

[[rule]]
key = "local.appraisal_pause"
kind = "pause"
pauses = "apl.decision_period"
reason = "鉴定"
citation = "某省行政处罚程序规定（测试）第三十一条：鉴定期间不计入办案期限"
verified = false
"#;

fn decision_due(d: &Value) -> String {
    let x = d["deadlines"].as_array().unwrap().iter().find(|x| x["rule"] == "apl.decision_period" && x["status"] == "open").expect("an open decision period");
    x["due"].as_str().unwrap().to_owned()
}

/// APL art. 60: the APL neither pauses nor extends the decision period; only a rule the tenant
/// cites can. Without one both requests are refused; with the tenant's overlay they pass, after
/// the leader's approval, and the deadline moves.
#[tokio::test]
async fn suspension_and_extension_need_a_rule_granting_them_and_then_move_the_deadline() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = filed_case(&app, &c.officer, &c.leader, "癸").await;
    refused(
        &app,
        &c.officer,
        &id,
        json!({ "command": "request_suspension", "pause_rule": "local.appraisal_pause", "reason": "委托鉴定" }),
        "case.no_pause_rule",
        "第六十条",
    )
    .await;
    refused(
        &app,
        &c.officer,
        &id,
        json!({ "command": "request_extension", "extension_rule": "apl.decision_extension", "reason": "案情复杂" }),
        "case.no_extension_rule",
        "第六十条",
    )
    .await;
    // A rule of another kind does not grant it either.
    refused(
        &app,
        &c.officer,
        &id,
        json!({ "command": "request_extension", "extension_rule": "acl.seizure_extension", "reason": "案情复杂" }),
        "case.no_extension_rule",
        "第六十条",
    )
    .await;

    let r = app.put(&c.admin, "/api/v1/rules/overrides/procedure", json!({ "text": OVERLAY, "citation": "某省行政处罚程序规定（测试）" })).await;
    expect_json(r, StatusCode::OK).await;
    let id = filed_case(&app, &c.officer, &c.leader, "子").await;
    let d = detail(&app, &c.officer, &id).await;
    let due0 = decision_due(&d);
    assert!(!due0.is_empty(), "a 20-day period is computable: {}", d["deadlines"]);
    cmd(&app, &c.officer, &id, json!({ "command": "request_extension", "extension_rule": "apl.decision_extension", "reason": "案情复杂，需补充调查" })).await;
    assert_eq!(decision_due(&detail(&app, &c.officer, &id).await), due0, "nothing moves before the approval");
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意延长" })).await;
    let due1 = decision_due(&detail(&app, &c.officer, &id).await);
    assert!(due1 > due0, "extended: {due0} → {due1}");
    // Once only (max_times = 1): the second approval is refused and nothing changes.
    cmd(&app, &c.officer, &id, json!({ "command": "request_extension", "extension_rule": "apl.decision_extension", "reason": "再次延长" })).await;
    let before = app.snapshot(&c.tenant).await;
    let (status, _) = expect_client_error(try_cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" })).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    app.assert_unchanged(&before, "a second extension").await;
    cmd(&app, &c.leader, &id, json!({ "command": "reject", "opinion": "不得再次延长" })).await;

    // A pause: suspended the next day, resumed two days later; the time between is not counted.
    app.state().clock.advance(Duration::days(1));
    cmd(&app, &c.officer, &id, json!({ "command": "request_suspension", "pause_rule": "local.appraisal_pause", "reason": "委托鉴定" })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意中止" })).await;
    refused(&app, &c.officer, &id, penalty_report(6000, 6), "case.suspended", "第三十一条").await;
    app.state().clock.advance(Duration::days(2));
    cmd(&app, &c.leader, &id, json!({ "command": "resume" })).await;
    let due2 = decision_due(&detail(&app, &c.officer, &id).await);
    assert!(due2 > due1, "paused: {due1} → {due2}");
    verifies(&app).await;
}

/// Legal reviewers (APL art. 58 para. 2): first appointed on or after 2021-07-15 they need the legal
/// professional qualification; the chain refuses a reviewer without appointment; a unit's chain for
/// notices and decisions must contain legal review and end with the leader.
#[tokio::test]
async fn reviewer_qualification_and_chains_that_skip_legal_review_are_refused() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let spare = bureau_people_without_account(&app).await;
    let path = |p: &str| format!("/api/v1/people/{p}/reviewer-appointment");
    let before = app.snapshot(&c.tenant).await;
    let r = app.put(&c.admin, &path(&spare[0]), json!({ "appointed_on": "2022-03-01" })).await;
    refused_with(&app, before, r, "qualification_required", "第五十八条第二款").await;
    let before = app.snapshot(&c.tenant).await;
    let r = app.put(&c.admin, &path(&spare[0]), json!({ "appointed_on": "2022-03-01", "qualification_number": "  " })).await;
    refused_with(&app, before, r, "qualification_required", "第五十八条第二款").await;
    // An auxiliary never reviews.
    let aux = app.people_in(TEAM).await.into_iter().find(|p| !p.staffing.is_established()).unwrap().id;
    let before = app.snapshot(&c.tenant).await;
    let r = app.put(&c.admin, &path(&aux), json!({ "appointed_on": "2019-01-01" })).await;
    refused_with(&app, before, r, "auxiliary", "第五十八条第二款").await;
    // Only personnel administrators appoint.
    let before = app.snapshot(&c.tenant).await;
    forbidden(&app, before, app.put(&c.officer, &path(&spare[0]), json!({ "appointed_on": "2019-01-01" })).await, "an officer appointing").await;
    // Before 2021-07-15 the qualification was not required; with it any date is fine.
    expect_json(app.put(&c.admin, &path(&spare[1]), json!({ "appointed_on": "2020-06-01" })).await, StatusCode::OK).await;

    // An account with the legal-reviewer role whose person was never appointed cannot review.
    let unappointed = account_for(&app, &c.admin, "unappointed-reviewer", &spare[0], &[("legal_reviewer", "u-bureau")]).await;
    let id = reported_case(&app, &c, "丑", 6000, 6).await;
    cmd(&app, &c.officer, &id, json!({ "command": "propose_notice" })).await;
    refused(&app, &unappointed, &id, json!({ "command": "approve", "opinion": "同意", "review": review() }), "case.reviewer_not_appointed", "第五十八条第二款")
        .await;
    // A review records each check; approving with a check missing is refused.
    let mut partial = review();
    partial["documents"] = json!(false);
    refused(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": partial }), "case.review_checks", "案件审理2").await;
    refused(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意" }), "case.review_checks", "第五十八条").await;
    // The leader cannot skip the reviewer's step.
    refused(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" }), "case.approval.wrong_step", "第五十八条").await;
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;

    // Chains: notice and decision chains keep legal review; the decision chain ends with the leader.
    let chain = |unit: &str, act: &str| format!("/api/v1/approval-chains/{unit}/{act}");
    for act in ["decision", "penalty_notice"] {
        let before = app.snapshot(&c.tenant).await;
        let r = app.put(&c.admin, &chain(TEAM, act), json!({ "steps": [{ "role": "leader" }], "citation": "江汉区城管执法局案件审批规定（测试）" })).await;
        refused_with(&app, before, r, "legal_review_required", "第五十八条").await;
    }
    let before = app.snapshot(&c.tenant).await;
    let r = app
        .put(
            &c.admin,
            &chain(TEAM, "decision"),
            json!({ "steps": [{ "role": "leader" }, { "role": "legal_reviewer" }], "citation": "江汉区城管执法局案件审批规定（测试）" }),
        )
        .await;
    refused_with(&app, before, r, "decider_last", "第五十七条").await;
    let before = app.snapshot(&c.tenant).await;
    let r = app.put(&c.admin, &chain(TEAM, "decision"), json!({ "steps": [{ "role": "officer" }, { "role": "leader" }], "citation": "测试" })).await;
    refused_with(&app, before, r, "invalid_steps", "第五十七条").await;
    let before = app.snapshot(&c.tenant).await;
    let r = app.put(&c.officer, &chain(TEAM, "decision"), json!({ "steps": [{ "role": "legal_reviewer" }, { "role": "leader" }], "citation": "测试" })).await;
    forbidden(&app, before, r, "an officer configuring a chain").await;
    // A chain with the legal department's two steps is accepted.
    let r = app
        .put(
            &c.admin,
            &chain(TEAM, "decision"),
            json!({ "steps": [{ "role": "legal_reviewer" }, { "role": "lawyer" }, { "role": "leader" }], "citation": "江汉区城管执法局案件审批规定（测试）第五条" }),
        )
        .await;
    expect_json(r, StatusCode::OK).await;
    verifies(&app).await;
}

const SEED_004: &str = include_str!("../../../../rules/examples/seed-004-60-days.toml");

/// The decision period of a case filed late in the year ends in a year whose holiday notice is not
/// in the calendar yet: it is recorded as not computable. An approved extension (seed 004: 60 + 60
/// days) and a suspension's pause are still recorded, and the case can be resumed.
#[tokio::test]
async fn extension_and_resumption_work_while_the_decision_period_is_not_computable() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let pause = r#"
[[rule]]
key = "local.appraisal_pause"
kind = "pause"
pauses = "apl.decision_period"
reason = "鉴定"
citation = "某省行政处罚程序规定（测试）第三十一条：鉴定期间不计入办案期限"
verified = false
"#;
    let text = format!("{SEED_004}{pause}");
    let r = app.put(&c.admin, "/api/v1/rules/overrides/procedure", json!({ "text": text, "citation": "某省行政处罚程序规定（测试）" })).await;
    expect_json(r, StatusCode::OK).await;
    // Filed on 2026-11-18 (the test day 2026-06-01 + 170 days): 60 days end in 2027.
    app.state().clock.advance(Duration::days(170));
    let id = filed_case(&app, &c.officer, &c.leader, "寅").await;
    let open =
        |d: &Value| d["case"]["deadlines"].as_array().unwrap().iter().find(|x| x["rule"] == "apl.decision_period" && x["status"] == "open").unwrap().clone();
    let d = detail(&app, &c.officer, &id).await;
    assert!(decision_due(&d).is_empty(), "the period must not be computable: {d}");
    cmd(&app, &c.officer, &id, json!({ "command": "request_extension", "extension_rule": "apl.decision_extension", "reason": "案情复杂" })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意延长" })).await;
    let x = open(&detail(&app, &c.officer, &id).await);
    assert_eq!(x["extensions"].as_array().unwrap().len(), 1, "{x}");
    assert_eq!(x["due"], "", "{x}");
    assert!(x["explanation_zh"].as_str().unwrap().contains("无法计算"), "{x}");
    // seed 004 allows one extension.
    cmd(&app, &c.officer, &id, json!({ "command": "request_extension", "extension_rule": "apl.decision_extension", "reason": "再次延长" })).await;
    let before = app.snapshot(&c.tenant).await;
    let (status, _) = expect_client_error(try_cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" })).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    app.assert_unchanged(&before, "a second extension").await;
    cmd(&app, &c.leader, &id, json!({ "command": "reject", "opinion": "不得再次延长" })).await;

    app.state().clock.advance(Duration::days(1));
    cmd(&app, &c.officer, &id, json!({ "command": "request_suspension", "pause_rule": "local.appraisal_pause", "reason": "委托鉴定" })).await;
    cmd(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意中止" })).await;
    app.state().clock.advance(Duration::days(1));
    cmd(&app, &c.leader, &id, json!({ "command": "resume" })).await;
    let d = detail(&app, &c.officer, &id).await;
    assert!(d["case"]["suspension"].is_null());
    assert_eq!(open(&d)["pauses"].as_array().unwrap().len(), 1);
    verifies(&app).await;
}

/// APL art. 37 is judged at the decision: SZ-001 gets a lighter version after the report; the
/// decision on the old assessment is refused (422, the article, nothing changed); the leader
/// sends it back, and a revised report returns the case to the prior notice.
#[tokio::test]
async fn a_decision_on_rules_changed_since_the_report_is_refused_until_the_report_is_revised() {
    let app = spawn_app().await;
    let c = crew(&app).await;
    let id = reported_case(&app, &c, "庚", 6000, 6).await;
    notified(&app, &c, &id).await;
    let today = now(&app).date();
    cmd(&app, &c.officer, &id, json!({ "command": "waive_statement", "on": today, "signed": true })).await;
    // From tomorrow, SZ-001 fines up to 10,000 yuan instead of 20,000: lighter.
    let tomorrow = today + Duration::days(1);
    let item = chengguan_domain::power::PowerList::demo().items.into_iter().find(|i| i.code == "SZ-001").unwrap();
    let mut v = serde_json::to_value(item).unwrap();
    v["fines"][0]["amount"]["max_fen"] = json!(1_000_000);
    let body = json!({ "effective_from": tomorrow, "approval_ref": "示城管党组会纪要〔2026〕9号（测试）", "item": v });
    expect_json(app.post(&c.admin, "/api/v1/power-items/SZ-001/versions", body).await, StatusCode::CREATED).await;
    app.state().clock.advance(Duration::days(1));
    cmd(&app, &c.officer, &id, json!({ "command": "propose_decision" })).await;
    cmd(&app, &c.reviewer, &id, json!({ "command": "approve", "opinion": "同意", "review": review() })).await;
    let v = refused(&app, &c.leader, &id, json!({ "command": "approve", "opinion": "同意" }), "case.applicable_rules_changed", "第三十七条").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("重新提交调查终结报告"), "{v}");
    cmd(&app, &c.leader, &id, json!({ "command": "reject", "opinion": "按新版事项重新评估" })).await;
    let r = cmd(&app, &c.officer, &id, penalty_report(4000, 6)).await;
    assert_eq!(r["state"], "reported", "{r}");
    let d = detail(&app, &c.officer, &id).await;
    assert!(d.to_string().contains("\"item_version\":2"), "the revised report applies the new version");
    verifies(&app).await;
}
