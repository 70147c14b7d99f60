//! The enforcement module's rules as pure functions: orders to correct, compulsory measures and
//! their custody log, demolition, off-site captures, non-coercive outcomes. Each refusal names
//! its rule; each record survives its row (the party in the sealed columns).

#[path = "support/case_world.rs"]
mod case_world;

use case_world::*;
use chengguan_domain::enforcement::measures::{self, CaseFacts, CustodyEvent, ImposeMeasure, ItemInput, MeasureState, MeasureType};
use chengguan_domain::enforcement::{demolition, from_row, offsite, orders, outcomes, to_row, Actor, Env, Party, Record};
use chengguan_domain::{Refusal, Table};
use chrono::NaiveDateTime;

fn env(w: &World) -> Env<'_> {
    Env { profile: &w.profile, calendar: w.calendar, power: &w.power, people: &w.people }
}

fn officer() -> Actor {
    Actor { account_id: "a-off".into(), person_id: Some("off-a".into()), approver: false }
}

fn head() -> Actor {
    Actor { account_id: "a-lead".into(), person_id: Some("lead-1".into()), approver: true }
}

fn assert_refused<T: std::fmt::Debug>(r: Result<T, Refusal>, code: &str, cites: &str) -> Refusal {
    let e = r.expect_err("refused");
    assert_eq!(e.code, code, "{e:?}");
    let rule = e.rule.clone().unwrap_or_default();
    assert!(rule.contains(cites), "{code}: cites {rule:?}, expected {cites:?}");
    e
}

fn items(n: usize) -> Vec<ItemInput> {
    (1..=n)
        .map(|i| ItemInput {
            name: format!("物品{i}"),
            quantity: "1".into(),
            condition: "完好".into(),
            location: "暂扣仓库".into(),
            holder: "保管员".into(),
            photos: vec![],
        })
        .collect()
}

fn impose_input(kind: MeasureType, emergency: bool, n: usize) -> ImposeMeasure {
    ImposeMeasure {
        case_id: "case-1".into(),
        kind,
        emergency,
        approval_reference: (!emergency).then(|| "批〔2025〕1号".into()),
        officers: vec!["off-a".into(), "off-b".into()],
        place: "民族路".into(),
        reason: "违法建设".into(),
        party_present: true,
        witness: None,
        decision_ref: "查封〔2025〕1号".into(),
        list_delivered: true,
        items: items(n),
    }
}

fn facts(cause: &str) -> CaseFacts {
    CaseFacts { unit_id: UNIT.into(), cause_code: Some(cause.into()), party: Party { name: PARTY.into(), id_number: None, phone: Some("13800000000".into()) } }
}

fn now() -> NaiveDateTime {
    t(2025, 3, 3, 10, 0)
}

#[test]
fn a_measure_needs_the_items_authority_two_certified_officers_and_the_heads_approval() {
    let w = World::new();
    let e = env(&w);
    assert_refused(
        measures::impose("m", impose_input(MeasureType::SealUp, false, 1), &facts("SZ-001"), &head(), &e, now()),
        "enforcement.measure.not_authorised",
        "第二十二条",
    );
    assert_refused(
        measures::impose("m", impose_input(MeasureType::Seizure, false, 1), &facts("GH-001"), &head(), &e, now()),
        "enforcement.measure.not_authorised",
        "第二十二条",
    );
    let mut one = impose_input(MeasureType::SealUp, false, 1);
    one.officers = vec!["off-a".into(), "off-a".into()];
    assert_refused(measures::impose("m", one, &facts("GH-001"), &head(), &e, now()), "enforcement.officers.too_few", "第十八条");
    let mut aux = impose_input(MeasureType::SealUp, false, 1);
    aux.officers = vec!["off-a".into(), "aux-1".into()];
    assert_refused(measures::impose("m", aux, &facts("GH-001"), &head(), &e, now()), "enforcement.officers.not_certified", "第十八条");
    let mut expired = impose_input(MeasureType::SealUp, false, 1);
    expired.officers = vec!["off-a".into(), "off-x".into()];
    assert_refused(measures::impose("m", expired, &facts("GH-001"), &head(), &e, now()), "enforcement.officers.not_certified", "第十八条");
    assert_refused(
        measures::impose("m", impose_input(MeasureType::SealUp, false, 1), &facts("GH-001"), &officer(), &e, now()),
        "enforcement.approval.not_head",
        "第十八条",
    );
    let m = measures::impose("m", impose_input(MeasureType::SealUp, false, 2), &facts("GH-001"), &head(), &e, now()).unwrap();
    assert_eq!(m.state, MeasureState::Active);
    // 30 days from 2025-03-03 (not counted): 2025-04-02.
    assert_eq!(m.deadline.due, "2025-04-02");
    assert!(m.deadline.citation.contains("第二十五条"));
    assert!(measures::custody_gaps(&m, false).is_empty());
    assert_eq!(measures::custody_gaps(&m, true).len(), 2, "nothing has left custody yet");
}

#[test]
fn the_emergency_report_is_due_within_24_hours() {
    let w = World::new();
    let e = env(&w);
    let m = measures::impose("m", impose_input(MeasureType::SealUp, true, 1), &facts("GH-001"), &officer(), &e, now()).unwrap();
    assert_eq!(m.state, MeasureState::AwaitingReport);
    // The starting hour is not counted (民事诉讼法 art. 85): from 10:00, counting begins at 11:00.
    assert_eq!(m.report_due.as_ref().unwrap().due, "2025-03-04T11:00:00");
    let report = || measures::ReportDecision { approved: true, reference: "补批".into(), opinion: String::new() };
    assert_refused(measures::report(&m, report(), &officer(), &e, now()), "enforcement.approval.not_head", "第十九条");
    let late = t(2025, 3, 4, 11, 1);
    assert_refused(measures::report(&m, report(), &head(), &e, late), "enforcement.measure.emergency_unreported", "第十九条");
    let ext = measures::Extend { days: 30, reason: "复杂".into(), reference: "延".into(), notice_served_on: late.date() };
    assert_refused(measures::extend(&m, ext, &head(), &e, late), "enforcement.measure.emergency_unreported", "第十九条");
    // The custody log and the release are never blocked.
    let c = measures::Custody {
        item: 1,
        event: CustodyEvent::Checked,
        location: "仓库".into(),
        holder: "保管员".into(),
        condition: "完好".into(),
        photos: vec![],
        note: String::new(),
    };
    let m2 = measures::custody(&m, c, &officer(), &e, late).unwrap();
    let r = measures::release(&m2, measures::Release { reason: "未按时报告".into() }, &officer(), &e, late).unwrap();
    assert_eq!(r.state, MeasureState::Released);
    // In time and approved: in force.
    let ok = measures::report(&m, report(), &head(), &e, t(2025, 3, 4, 10, 59)).unwrap();
    assert_eq!(ok.state, MeasureState::Active);
}

#[test]
fn the_period_is_extended_once_by_at_most_30_days_and_testing_time_is_not_counted() {
    let w = World::new();
    let e = env(&w);
    let m = measures::impose("m", impose_input(MeasureType::SealUp, false, 1), &facts("GH-001"), &head(), &e, now()).unwrap();
    let ext = |days| measures::Extend { days, reason: "复杂".into(), reference: "延〔2025〕1号".into(), notice_served_on: now().date() };
    assert_refused(measures::extend(&m, ext(31), &head(), &e, now()), "enforcement.measure.extension_exceeded", "第二十五条");
    assert_refused(measures::extend(&m, ext(30), &officer(), &e, now()), "enforcement.approval.not_head", "第二十五条");
    let x = measures::extend(&m, ext(30), &head(), &e, now()).unwrap();
    // 2 May 2025 is in the Labour Day holiday (1–5 May): the period ends on the next working day.
    assert_eq!(x.deadline.due, "2025-05-06");
    assert_refused(measures::extend(&x, ext(1), &head(), &e, now()), "enforcement.measure.extension_exceeded", "第二十五条");
    let p = measures::pause(
        &m,
        measures::Pause { from: d(2025, 3, 10), to: d(2025, 3, 14), reason: "鉴定".into(), notified_on: now().date() },
        &officer(),
        &e,
        now(),
    )
    .unwrap();
    assert_eq!(p.deadline.due, "2025-04-07", "five days not counted: {}", p.deadline.explanation_zh);
    // After the period ended it cannot be extended.
    assert_refused(measures::extend(&m, ext(30), &head(), &e, t(2025, 4, 3, 9, 0)), "enforcement.measure.expired", "第二十五条");
}

#[test]
fn a_measure_closes_only_when_every_item_has_left_custody() {
    let w = World::new();
    let e = env(&w);
    let m = measures::impose("m", impose_input(MeasureType::SealUp, false, 2), &facts("GH-001"), &head(), &e, now()).unwrap();
    let out =
        |item, event| measures::Outcome { item, event, location: "现场".into(), holder: "当事人".into(), condition: "完好".into(), photos: vec![] };
    let c1 = measures::Conclude { decision_ref: "处理".into(), outcomes: vec![out(1, CustodyEvent::Returned)] };
    let e1 = assert_refused(measures::conclude(&m, c1, &officer(), &e, now()), "enforcement.custody.incomplete", "第二十六条");
    assert!(e1.message_zh.contains("物品2"), "{e1:?}");
    let c2 = measures::Conclude { decision_ref: "处理".into(), outcomes: vec![out(1, CustodyEvent::Returned), out(2, CustodyEvent::Destroyed)] };
    let done = measures::conclude(&m, c2, &officer(), &e, now()).unwrap();
    assert_eq!(done.state, MeasureState::Closed);
    assert!(measures::custody_gaps(&done, true).is_empty());
    let again = measures::Custody {
        item: 1,
        event: CustodyEvent::Checked,
        location: "x".into(),
        holder: "y".into(),
        condition: "z".into(),
        photos: vec![],
        note: String::new(),
    };
    assert!(measures::custody(&done, again, &officer(), &e, now()).is_err());
}

#[test]
fn records_survive_their_rows_with_the_party_sealed_apart() {
    let w = World::new();
    let e = env(&w);
    let m = measures::impose("m-1", impose_input(MeasureType::SealUp, false, 1), &facts("GH-001"), &head(), &e, now()).unwrap();
    let row = to_row(&m, TENANT);
    assert_eq!(row.table, Table::EnforcementRecords);
    assert!(!row.text("data").unwrap().contains(PARTY), "the party is not in data");
    assert_eq!(row.text("party_name"), Some(PARTY));
    let back: measures::Measure = from_row(&row).unwrap();
    assert_eq!(back, m);
    assert!(from_row::<orders::Order>(&row).is_err(), "a row of another kind is not read as an order");
    assert!(chengguan_domain::personal::personal_columns(Table::EnforcementRecords).contains(&"party_id_number"));
}

#[test]
fn an_order_runs_its_period_before_failure_to_correct_is_found() {
    let w = World::new();
    let e = env(&w);
    let input = orders::IssueOrder {
        unit_id: UNIT.into(),
        case_id: None,
        lead_ref: None,
        party: Party::default(),
        item_code: Some("SZ-001".into()),
        violation: "占道".into(),
        requirement: None,
    };
    assert_refused(orders::issue("o", input.clone(), None, &officer(), &e, now()), "enforcement.order.no_origin", "第二十八条");
    let o = orders::issue("o", orders::IssueOrder { lead_ref: Some("12345-1".into()), ..input }, None, &officer(), &e, now()).unwrap();
    assert_eq!(o.deadline.due, "2025-03-10");
    assert!(!o.deadline.verified);
    let re = |corrected, case_id: Option<&str>| orders::Reinspect {
        officers: vec!["off-a".into(), "off-b".into()],
        corrected,
        finding: "复查".into(),
        files: vec![],
        case_id: case_id.map(Into::into),
        open_case: false,
    };
    assert_refused(orders::reinspect(&o, re(false, Some("c")), &officer(), &e, now()), "enforcement.order.period_running", "第二十八条");
    let later = t(2025, 3, 11, 9, 0);
    assert_refused(orders::reinspect(&o, re(false, None), &officer(), &e, later), "enforcement.order.case_needed", "第二十八条");
    let esc = orders::reinspect(&o, re(false, Some("case-9")), &officer(), &e, later).unwrap();
    assert_eq!(esc.state, orders::OrderState::Escalated);
    assert_eq!(esc.head.case_id.as_deref(), Some("case-9"));
    assert_eq!(esc.head.version, o.head.version + 1);
}

#[test]
fn forced_demolition_waits_for_the_partys_period_and_the_remedy_periods() {
    let w = World::new();
    let e = env(&w);
    let served = d(2025, 3, 3);
    let input = demolition::OrderDemolition {
        unit_id: UNIT.into(),
        case_id: "case-1".into(),
        party: Party::default(),
        structure: "彩钢房".into(),
        location: "楼顶".into(),
        order_ref: "限拆〔2025〕1号".into(),
        served_on: served,
        notice_published_on: served,
        notice_place: "现场".into(),
    };
    let dm = demolition::order("d", input, &officer(), &e, now()).unwrap();
    assert_eq!(dm.self_deadline.due, "2025-03-13");
    assert_eq!(dm.review_deadline.due, "2025-05-06", "60 days from 3 March is 2 May (Friday) … {}", dm.review_deadline.explanation_zh);
    let force = || demolition::Force {
        plan: "方案".into(),
        video: vec!["v".into()],
        cost_fen: 0,
        cost_note: "费用".into(),
        officers: vec!["off-a".into(), "off-b".into()],
    };
    for day in [t(2025, 3, 12, 9, 0), t(2025, 4, 1, 9, 0), t(2025, 8, 1, 9, 0)] {
        assert_refused(demolition::force(&dm, force(), &head(), &e, day), "enforcement.demolition.remedy_window", "第四十四条");
    }
    let after = t(2025, 9, 10, 9, 0);
    assert_refused(demolition::force(&dm, force(), &officer(), &e, after), "enforcement.approval.not_head", "第四十四条");
    let done = demolition::force(&dm, force(), &head(), &e, after).unwrap();
    assert_eq!(done.stage, demolition::Stage::ForceDemolished);
}

#[test]
fn a_capture_is_evidence_only_after_review_by_someone_else() {
    let w = World::new();
    let e = env(&w);
    let review = |by: &str| offsite::Review { by: by.into(), on: d(2025, 1, 2), reference: "审".into() };
    let reg = offsite::RegisterDevice {
        unit_id: UNIT.into(),
        code: "CAM-1".into(),
        device_kind: "camera".into(),
        location: "路口".into(),
        legal_review: Some(review("法制")),
        technical_review: None,
        location_published_on: Some(d(2025, 1, 5)),
        published_where: "网站".into(),
    };
    assert_refused(offsite::register_device("dev", reg.clone(), &head(), &e, now()), "enforcement.device.not_reviewed", "第四十一条");
    let dev = offsite::register_device("dev", offsite::RegisterDevice { technical_review: Some(review("技术")), ..reg }, &head(), &e, now()).unwrap();
    let cap = offsite::record_capture(
        "cap",
        offsite::RecordCapture {
            device_id: "dev".into(),
            captured_at: now(),
            description: "占道".into(),
            item_code: None,
            subject_ref: String::new(),
            party: Party::default(),
            files: vec!["f".into()],
        },
        &dev,
        "ABCDEFGHJKLM",
        &officer(),
        &e,
        now(),
    )
    .unwrap();
    assert_eq!(cap.lookup_hash, offsite::code_hash("abcdefghjklm"));
    assert_refused(
        offsite::use_in_case(&cap, offsite::UseCapture { case_id: "c".into(), open_case: false }, &officer(), &e, now()),
        "enforcement.capture.not_reviewed",
        "第四十一条",
    );
    let ok = offsite::ReviewCapture { accepted: true, note: "清晰".into() };
    assert_refused(offsite::review(&cap, ok.clone(), &officer(), &e, now()), "enforcement.capture.self_review", "第四十一条");
    let reviewer = Actor { account_id: "a-rev".into(), person_id: None, approver: false };
    let rejected = offsite::review(&cap, offsite::ReviewCapture { accepted: false, note: "模糊".into() }, &reviewer, &e, now()).unwrap();
    assert_refused(
        offsite::use_in_case(&rejected, offsite::UseCapture { case_id: "c".into(), open_case: false }, &officer(), &e, now()),
        "enforcement.capture.not_reviewed",
        "第四十一条",
    );
    let accepted = offsite::review(&cap, ok, &reviewer, &e, now()).unwrap();
    let used = offsite::use_in_case(&accepted, offsite::UseCapture { case_id: "c".into(), open_case: false }, &officer(), &e, now()).unwrap();
    assert_eq!(used.used_in, vec!["c".to_owned()]);
    assert_eq!(used.lookup_hash().unwrap(), cap.lookup_hash);
}

#[test]
fn outcomes_count_towards_the_721_shares() {
    let w = World::new();
    let e = env(&w);
    let rec = |kind| outcomes::RecordOutcome {
        unit_id: UNIT.into(),
        kind,
        case_id: None,
        lead_ref: Some("lead".into()),
        party: Party::default(),
        on: now().date(),
        summary: "指导".into(),
        files: vec![],
    };
    let all: Vec<_> = outcomes::OutcomeKind::ALL.iter().map(|k| outcomes::record("o", rec(*k), &officer(), &e, now()).unwrap()).collect();
    let s = outcomes::shares(&all);
    assert_eq!(s["share:service"], 2);
    assert_eq!(s["share:management"], 2);
}
