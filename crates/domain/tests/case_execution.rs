//! Execution to archive (shared/spec/penalty-procedure.md steps 12–16): payments, the late
//! surcharge, deferral, reminder and the court window, remedies, disclosure, closing, the case file
//! and the archive — through `case::apply` with the national rules and the State Council calendar.

#[path = "support/case_world.rs"]
mod case_world;

use case_world::*;
use chengguan_domain::case::execution::{self, Instalment, ItemScore};
use chengguan_domain::case::{Case, Command, ServiceMethod, State};
use chengguan_domain::{Refusal, Table};
use chrono::NaiveDate;

#[track_caller]
fn assert_refused(r: &Refusal, code: &str, cites: &str) {
    assert_eq!(r.code, code, "{r:?}");
    let rule = r.rule.as_deref().unwrap_or_else(|| panic!("refusal {} carries no rule", r.code));
    assert!(rule.contains(cites), "{code}: the rule {rule:?} does not cite {cites}");
}

/// A case decided on Thu 2026-02-12 (8,000 yuan) and served in person on `served`.
fn served(w: &mut World, id: &str, served: NaiveDate) -> Case {
    let c = filed(w, id, "SZ-001", d(2025, 12, 29), d(2025, 12, 28), t(2026, 1, 5, 10, 0));
    let c = investigated(w, &c, d(2026, 1, 6));
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0)).case;
    let c = notified(w, &c, d(2026, 1, 12), d(2026, 1, 12));
    let c = w.run(&c, &Command::WaiveStatement { on: d(2026, 1, 13), signed: true }, "off-a", t(2026, 1, 13, 9, 0)).case;
    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 2, 10, 9, 0)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 2, 11, 9, 0)).case;
    let c = w.run(&c, &approve("同意处罚"), "lead-1", t(2026, 2, 12, 10, 0)).case;
    let cmd = Command::Serve {
        method: ServiceMethod::InPerson,
        served_at: at(served, 10),
        recipient: PARTY.into(),
        place: "江汉区城管执法中队".into(),
        witness: None,
    };
    let c = w.run(&c, &cmd, "off-a", at(served, 11)).case;
    assert_eq!(c.state, State::Served);
    c
}

fn pay(amount_fen: i64, paid_on: NaiveDate, reference: &str) -> Command {
    Command::RecordPayment { amount_fen, paid_on, reference: reference.into(), channel: "bank".into(), batch: None }
}

// ------------------------------------------------------------------------------------ payment

/// APL art. 67 para. 3: 15 days from service; Fri 2026-02-13 + 15 = Sat 02-28, a make-up working
/// day after Spring Festival, so the deadline stays there. The decision is publishable within
/// 7 working days of the decision (国办发〔2018〕118号, unverified) with the party's name masked.
#[test]
fn deadline_payment_fifteen_days_from_service_and_the_publishable_record() {
    let mut w = World::new();
    let c = served(&mut w, "case-p1", d(2026, 2, 13));
    let p = c.deadline("apl.payment").expect("payment deadline");
    assert_eq!(p.due, "2026-02-28");
    assert!(p.citation.contains("第六十七条"));
    let dis = c.execution.disclosure.as_ref().expect("a penalty decision is publishable");
    assert_eq!(dis.status(), "to_publish");
    assert_eq!(dis.record.party, "张*", "quality.md: persons are masked on public pages");
    assert_eq!(dis.record.penalty, "罚款8000元");
    assert_eq!(dis.record.decision_number, "江汉城管罚决字〔2026〕1号");
    // 7 working days from Thu 02-12: 02-13, Sat 02-14 (make-up), [02-15..02-23 Spring Festival], 02-24 … 02-28 = 7th.
    assert_eq!(dis.due, "2026-02-28");
}

/// 罚缴分离 (APL art. 67): payments are recorded from the bank's confirmation; partial payments;
/// a duplicate reference, an overpayment, cash and a future date are refused.
#[test]
fn partial_payments_settle_the_fine_and_bad_payments_are_refused() {
    let mut w = World::new();
    let c = served(&mut w, "case-p2", d(2026, 2, 13));
    let now = t(2026, 2, 27, 9, 0);
    let c = w.run(&c, &pay(300_000, d(2026, 2, 20), "BANK-1"), "off-a", now).case;
    let b = execution::balance(&c, &w.env(), d(2026, 2, 27)).unwrap();
    assert_eq!((b.fine_fen, b.paid_fen, b.owed_fen, b.surcharge_fen), (800_000, 300_000, 500_000, 0));
    assert_eq!(w.refused(&c, &pay(1_000, d(2026, 2, 21), "BANK-1"), "off-a", now).code, "case.payment.duplicate");
    assert_eq!(w.refused(&c, &pay(500_001, d(2026, 2, 21), "BANK-2"), "off-a", now).code, "case.payment.overpaid");
    assert_eq!(w.refused(&c, &pay(1_000, d(2026, 3, 1), "BANK-3"), "off-a", now).code, "case.future_date");
    let cash = Command::RecordPayment { amount_fen: 1_000, paid_on: d(2026, 2, 21), reference: "X".into(), channel: "cash".into(), batch: None };
    assert_refused(&w.refused(&c, &cash, "off-a", now), "case.payment.channel", "第六十七条");
    assert_eq!(w.refused(&c, &pay(1_000, d(2026, 2, 21), "BANK-4"), "aux-1", now).code, "case.role_required");
    let c = w.run(&c, &pay(500_000, d(2026, 2, 27), "BANK-5"), "lead-1", now).case;
    assert_eq!(execution::balance(&c, &w.env(), d(2026, 3, 30)).unwrap().owed_fen, 0);
    assert_eq!(c.deadline("apl.payment").unwrap().status, "met");
}

// ---------------------------------------------------------------------------------- surcharge

/// APL art. 72 para. 1 (1): 3 % of the fine per day after the due date, never above the fine.
#[test]
fn surcharge_accrues_three_percent_a_day_and_stops_at_the_fine() {
    let schedule = [Instalment { due_on: d(2026, 3, 2), amount_fen: 10_000 }];
    let days = execution::surcharge_days(10_000, &schedule, &[], &[], 3, 100, d(2026, 6, 30));
    assert_eq!(days[0].day, d(2026, 3, 3), "the day after the due date is the first");
    assert_eq!((days[0].accrued_fen, days[0].total_fen), (300, 300));
    assert_eq!(days[32].total_fen, 9_900, "33 days: 99 %");
    assert_eq!((days[33].accrued_fen, days[33].total_fen, days[33].capped), (100, 10_000, true), "day 34 only tops up to the fine");
    assert_eq!(days.len(), 34, "nothing accrues after the cap");
    // A partial payment on 03-04 still owes 03-04; from 03-05 the surcharge runs on what is left.
    let days = execution::surcharge_days(10_000, &schedule, &[(d(2026, 3, 4), 4_000)], &[], 3, 100, d(2026, 3, 6));
    assert_eq!(days.iter().map(|x| x.accrued_fen).collect::<Vec<_>>(), [300, 300, 180, 180]);
    // Paid in full on 03-05: 03-03, 03-04 and 03-05 are owed, nothing after.
    let days = execution::surcharge_days(10_000, &schedule, &[(d(2026, 3, 5), 10_000)], &[], 3, 100, d(2026, 3, 31));
    assert_eq!(days.last().unwrap().total_fen, 900);
    // Rounded down to the fen: 3 % of 333 fen is 9.99 → 9.
    let days = execution::surcharge_days(333, &[Instalment { due_on: d(2026, 3, 2), amount_fen: 333 }], &[], &[], 3, 100, d(2026, 3, 3));
    assert_eq!(days[0].accrued_fen, 9);
}

/// APL art. 73 para. 3: nothing accrues while a review or lawsuit is pending.
#[test]
fn surcharge_pauses_while_a_remedy_is_pending() {
    let schedule = [Instalment { due_on: d(2026, 3, 2), amount_fen: 10_000 }];
    let pauses = [(d(2026, 3, 5), Some(d(2026, 3, 9))), (d(2026, 3, 12), None)];
    let days = execution::surcharge_days(10_000, &schedule, &[], &pauses, 3, 100, d(2026, 3, 14));
    let accrued: Vec<(u32, i64, bool)> = days.iter().map(|x| (chrono::Datelike::day(&x.day), x.accrued_fen, x.paused)).collect();
    assert_eq!(
        accrued,
        [
            (3, 300, false),
            (4, 300, false),
            (5, 0, true),
            (6, 0, true),
            (7, 0, true),
            (8, 0, true),
            (9, 0, true),
            (10, 300, false),
            (11, 300, false),
            (12, 0, true),
            (13, 0, true),
            (14, 0, true)
        ]
    );
}

/// APL art. 66 para. 2, art. 72 para. 2: approved instalments replace the due date; the surcharge
/// runs per overdue instalment; the court window starts after the last instalment.
#[test]
fn approved_instalments_move_the_due_dates() {
    let mut w = World::new();
    let c = served(&mut w, "case-p3", d(2026, 2, 13));
    let plan = vec![Instalment { due_on: d(2026, 3, 31), amount_fen: 400_000 }, Instalment { due_on: d(2026, 9, 30), amount_fen: 400_000 }];
    let apply = Command::ApplyDeferral { kind: "instalments".into(), applied_on: d(2026, 2, 20), reason: "经营困难".into(), schedule: plan.clone() };
    let short = Command::ApplyDeferral { kind: "instalments".into(), applied_on: d(2026, 2, 20), reason: "经营困难".into(), schedule: plan[..1].to_vec() };
    assert_eq!(w.refused(&c, &short, "off-a", t(2026, 2, 20, 9, 0)).code, "case.deferral.amount");
    let c = w.run(&c, &apply, "off-a", t(2026, 2, 20, 9, 0)).case;
    let decide = Command::DecideDeferral { index: 0, approved: true, opinion: "同意分期".into() };
    assert_refused(&w.refused(&c, &decide, "off-a", t(2026, 2, 21, 9, 0)), "case.role_required", "");
    let c = w.run(&c, &decide, "lead-1", t(2026, 2, 24, 9, 0)).case;
    assert_eq!(execution::schedule(&c), plan);
    let b = execution::balance(&c, &w.env(), d(2026, 4, 2)).unwrap();
    assert_eq!(b.surcharge_fen, 2 * 12_000, "two days on the first instalment only");
    let win = execution::court_window(&c, &w.env()).unwrap().unwrap();
    assert_eq!(win.periods_end, d(2026, 9, 30), "after the deferral ends (art. 72 para. 2)");
}

// ----------------------------------------------------------------------------- court window

/// ACL art. 53–54: the reminder first, then not before 10 working days after it and not before
/// the review (60 days) and litigation (6 months) periods end; within 3 months after that.
/// Served Mon 2026-03-30: 6 months → 09-30; +3 months → 12-30. The reminder served Fri 09-25 (Mid-
/// Autumn, 09-25..09-27): 09-28, 09-29, 09-30, [National Day 10-01..10-07], 10-08, 10-09, Sat 10-10
/// (make-up), 10-12 … 10-15 = the 10th working day → the window opens Fri 10-16.
#[test]
fn the_court_window_after_a_reminder_served_before_national_day() {
    let mut w = World::new();
    let c = served(&mut w, "case-c1", d(2026, 3, 30));
    let early = Command::ApplyToCourt { applied_on: d(2026, 4, 20), court: "江汉区人民法院".into(), party_opinion: "无".into() };
    assert_refused(&w.refused(&c, &early, "off-a", t(2026, 4, 20, 9, 0)), "case.court.no_reminder", "第五十四条");
    let reminder =
        Command::ServeReminder {
            served_on: d(2026, 9, 25), method: "直接送达".into(), comply_by: d(2026, 10, 12), content: "限期缴纳罚款及加处罚款".into()
        };
    let early_reminder =
        Command::ServeReminder { served_on: d(2026, 4, 14), method: "直接送达".into(), comply_by: d(2026, 4, 30), content: "限期缴纳".into() };
    assert_refused(&w.refused(&c, &early_reminder, "off-a", t(2026, 4, 14, 9, 0)), "case.reminder.not_due", "第五十四条");
    let c = w.run(&c, &reminder, "off-a", t(2026, 9, 25, 15, 0)).case;
    assert_eq!(c.execution.reminders[0].number, "江汉城管催告字〔2026〕1号");
    let win = execution::court_window(&c, &w.env()).unwrap().unwrap();
    assert_eq!((win.periods_end, win.opens, win.closes), (d(2026, 9, 30), Some(d(2026, 10, 16)), d(2026, 12, 30)));
    assert_eq!(c.deadline("acl.reminder_wait").unwrap().due, "2026-10-15");
    assert_eq!(c.deadline("acl.court_application_window").unwrap().due, "2026-12-30", "the sweep warns before the window closes");
    let apply = |on| Command::ApplyToCourt { applied_on: on, court: "江汉区人民法院".into(), party_opinion: "当事人称经济困难".into() };
    assert_refused(&w.refused(&c, &apply(d(2026, 10, 15)), "off-a", t(2026, 10, 15, 9, 0)), "case.court.too_early", "第五十三条");
    assert_refused(&w.refused(&c, &apply(d(2026, 12, 31)), "off-a", t(2026, 12, 31, 9, 0)), "case.court.too_late", "第五十三条");
    let c = w.run(&c, &apply(d(2026, 10, 19)), "off-a", t(2026, 10, 19, 9, 0)).case;
    let a = c.execution.court.as_ref().unwrap();
    assert_eq!(a.number, "江汉城管强执申字〔2026〕1号");
    assert_eq!(a.reminder_number, "江汉城管催告字〔2026〕1号", "the application carries the reminder (ACL art. 55)");
    assert_eq!(a.amount_fen, 1_600_000, "8,000 yuan + the capped surcharge");
    assert_eq!(c.deadline("acl.court_application_window").unwrap().status, "met");
}

/// ACL art. 53: no application while a review or lawsuit is pending; a review that upholds the
/// decision moves the window's start only if it ends later than the periods.
#[test]
fn a_pending_remedy_blocks_the_court_and_pauses_the_surcharge() {
    let mut w = World::new();
    let c = served(&mut w, "case-c2", d(2026, 2, 13));
    let c = w
        .run(
            &c,
            &Command::RecordRemedy { kind: "administrative_review".into(), filed_on: d(2026, 3, 10), body: "江汉区人民政府".into() },
            "off-a",
            t(2026, 3, 10, 9, 0),
        )
        .case;
    assert!(execution::court_window(&c, &w.env()).unwrap().is_none());
    let b = execution::balance(&c, &w.env(), d(2026, 3, 20)).unwrap();
    assert_eq!(b.surcharge_fen, 9 * 24_000, "03-01..03-09 accrue, the rest is paused");
}

// -------------------------------------------------------------- remedies, disclosure, closing

/// APL art. 48 para. 2: a published decision revoked on review is withdrawn within 3 working
/// days; an accountability review of the handlers opens (执法过错责任追究); nothing is owed.
#[test]
fn a_revocation_withdraws_the_publication_and_opens_accountability() {
    let mut w = World::new();
    let c = served(&mut w, "case-r1", d(2026, 2, 13));
    let c = w.run(&c, &Command::PublishDecision { published_on: d(2026, 2, 16) }, "off-a", t(2026, 2, 16, 9, 0)).case;
    assert_eq!(c.execution.disclosure.as_ref().unwrap().status(), "published");
    let premature = Command::WithdrawPublication { withdrawn_on: d(2026, 2, 17), reason: "x".into() };
    assert_refused(&w.refused(&c, &premature, "off-a", t(2026, 2, 17, 9, 0)), "case.disclosure.no_ground", "第四十八条");
    let c = w
        .run(
            &c,
            &Command::RecordRemedy { kind: "administrative_review".into(), filed_on: d(2026, 3, 2), body: "江汉区人民政府".into() },
            "off-a",
            t(2026, 3, 2, 9, 0),
        )
        .case;
    let outcome = Command::RecordRemedyOutcome { index: 0, outcome: "revoked".into(), decided_on: d(2026, 4, 30), note: "事实不清".into() };
    let c = w.run(&c, &outcome, "off-a", t(2026, 4, 30, 16, 0)).case;
    let dis = c.execution.disclosure.as_ref().unwrap();
    // 3 working days from Thu 04-30 over Labour Day (05-01..05-05): 05-06, 05-07, 05-08.
    assert_eq!((dis.status(), dis.withdrawal_due.as_deref()), ("to_withdraw", Some("2026-05-08")));
    assert_eq!(c.deadline("apl.publication_withdrawal").unwrap().due, "2026-05-08");
    assert_eq!(c.execution.accountability.len(), 1);
    assert_eq!(c.execution.accountability[0].handlers, ["off-a", "off-b"]);
    assert_eq!(execution::balance(&c, &w.env(), d(2026, 5, 6)).unwrap().owed_fen, 0);
    let c = w.run(&c, &Command::WithdrawPublication { withdrawn_on: d(2026, 5, 6), reason: "复议撤销".into() }, "off-a", t(2026, 5, 6, 9, 0)).case;
    assert_eq!(c.execution.disclosure.as_ref().unwrap().status(), "withdrawn");
    let conclude = Command::ConcludeAccountability { index: 0, conclusion: "承办人证据审查不严，批评教育".into() };
    assert_eq!(w.refused(&c, &conclude, "off-a", t(2026, 5, 7, 9, 0)).code, "case.role_required");
    let c = w.run(&c, &conclude, "lead-2", t(2026, 5, 7, 9, 0)).case;
    assert!(c.execution.accountability[0].conclusion.is_some());
}

/// Seed 004 结案与案卷管理: closing only when executed; the file names what is missing; archive
/// only a complete file, read-only after; loans are registered; reviews score the checklist.
#[test]
fn closing_the_case_file_and_the_archive() {
    let mut w = World::new();
    let c = served(&mut w, "case-a1", d(2026, 2, 13));
    let close = Command::ProposeClosing { summary: "当事人已缴纳罚款".into(), result: "执行完毕".into() };
    assert_refused(&w.refused(&c, &close, "off-a", t(2026, 2, 20, 9, 0)), "case.closing.not_executed", "结案与案卷管理");
    let file = execution::case_file(&c, &w.env());
    let missing: Vec<&str> = file.missing.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(missing, ["execution", "closing_report"], "{:?}", file.missing);
    let c = w.run(&c, &pay(800_000, d(2026, 2, 20), "BANK-9"), "off-a", t(2026, 2, 20, 9, 0)).case;
    let c = w.run(&c, &close, "off-a", t(2026, 2, 20, 10, 0)).case;
    assert_eq!(c.state, State::Served, "the closing waits for the leader");
    let c = w.run(&c, &approve("同意结案"), "lead-1", t(2026, 2, 24, 9, 0)).case;
    assert_eq!(c.state, State::Closed);
    let file = execution::case_file(&c, &w.env());
    assert!(file.is_complete(), "{:?}", file.missing);
    let titles: Vec<&str> = file.volumes[0].entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles.first(), Some(&"立案审批"), "the configured order starts with the filing documents: {titles:?}");
    assert_eq!(titles.last(), Some(&"结案报告"));
    assert!(titles.contains(&"行政处罚决定书") && titles.contains(&"送达回证") && titles.contains(&"罚款缴纳凭证"));
    assert_eq!(file.volumes[0].entries.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=titles.len()).collect::<Vec<_>>());

    assert_eq!(
        w.refused(&c, &Command::Archive { retention: "forever".into(), notes: String::new(), checked_by: None }, "lead-1", t(2026, 2, 25, 9, 0)).code,
        "case.archive.retention"
    );
    let archived = w.run(
        &c,
        &Command::Archive { retention: "30_years".into(), notes: "卷内文件齐全".into(), checked_by: Some("lead-2".into()) },
        "lead-1",
        t(2026, 2, 25, 9, 0),
    );
    let c = archived.case.clone();
    assert_eq!(c.state, State::Archived);
    assert_eq!(c.execution.archive.as_ref().unwrap().number, "20260001");
    let ch = archived.to_change(TENANT, "acct-lead-1", Some(c.version - 1), t(2026, 2, 25, 9, 0));
    assert!(ch.expect.iter().any(|e| e.table == Table::DocSequences && e.id == "u-bureau/archive/2026" && e.version.is_none()), "gapless archive numbers");
    // Read-only: nothing but loans and reviews.
    assert_eq!(w.refused(&c, &pay(1, d(2026, 2, 25), "B"), "off-a", t(2026, 2, 25, 10, 0)).code, "case.wrong_state");
    assert_eq!(
        w.refused(&c, &Command::VoidNumber { number_id: c.numbers[0].id.clone(), reason: "x".into() }, "lead-1", t(2026, 2, 25, 10, 0)).code,
        "case.closed_state"
    );
    let c = w
        .run(&c, &Command::LendFile { borrower: "市局法制科 褚红".into(), purpose: "案卷评查".into(), due_on: d(2026, 3, 6) }, "lead-1", t(2026, 2, 26, 9, 0))
        .case;
    let again = Command::LendFile { borrower: "x".into(), purpose: "y".into(), due_on: d(2026, 3, 6) };
    assert_eq!(w.refused(&c, &again, "lead-1", t(2026, 2, 26, 10, 0)).code, "case.loan.out");
    let c = w.run(&c, &Command::ReturnFile { index: 0, returned_on: d(2026, 3, 2) }, "lead-1", t(2026, 3, 2, 9, 0)).case;
    assert_eq!(c.execution.loans[0].returned_on, Some(d(2026, 3, 2)));
    let scores: Vec<ItemScore> = w.rules.case_file.checklist.iter().map(|i| ItemScore { item: i.code.clone(), score: i.max, remark: String::new() }).collect();
    let mut over = scores.clone();
    over[0].score += 1;
    assert_eq!(w.refused(&c, &Command::ReviewFile { scores: over, remark: String::new() }, "lead-2", t(2026, 3, 3, 9, 0)).code, "case.file_review.score");
    assert_refused(
        &w.refused(&c, &Command::ReviewFile { scores: scores.clone(), remark: String::new() }, "off-a", t(2026, 3, 3, 9, 0)),
        "case.role_required",
        "",
    );
    let c = w.run(&c, &Command::ReviewFile { scores, remark: "优秀案卷".into() }, "lead-2", t(2026, 3, 3, 9, 0)).case;
    assert_eq!((c.execution.file_reviews[0].total, c.execution.file_reviews[0].max), (100, 100));
}

/// A case file that is not complete says exactly what it lacks.
#[test]
fn an_incomplete_case_file_names_what_is_missing() {
    let mut w = World::new();
    let c = filed(&mut w, "case-f1", "SZ-001", d(2025, 12, 29), d(2025, 12, 28), t(2026, 1, 5, 10, 0));
    let file = execution::case_file(&c, &w.env());
    let missing: Vec<&str> = file.missing.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(missing, ["evidence", "investigation_report", "decision", "service_receipt", "legal_review", "closing_report"]);
    assert!(file.missing.iter().any(|m| m.zh == "缺案件调查终结报告"));
}

// --------------------------------------------------------------------------- simple procedure

fn spot(kind: chengguan_domain::case::PartyKind, penalty: &str, fine: Option<i64>) -> chengguan_domain::case::OnTheSpot {
    let mut party = zhang_san();
    party.kind = Some(kind);
    chengguan_domain::case::OnTheSpot {
        unit_id: UNIT.into(),
        party,
        cause_code: "SZ-001".into(),
        violation_on: d(2026, 3, 2),
        place: "解放大道1号".into(),
        facts: "当事人在人行道摆摊经营，占道约2平方米".into(),
        provisions: "《城市道路管理条例》第二十七条、第四十二条".into(),
        penalty: penalty.into(),
        fine_yuan: fine,
        officers: vec!["off-a".into(), "off-b".into()],
        certificate_shown: true,
        statement: "已告知违法事实、理由、依据及陈述申辩权利，当事人无异议".into(),
        refused_to_sign: false,
    }
}

fn decide(w: &mut World, id: &str, input: chengguan_domain::case::OnTheSpot) -> Result<Case, Refusal> {
    let actor = w.actor("off-a");
    chengguan_domain::case::decide_on_the_spot(id, SUBJECT_UNIT, input, &actor, &w.env(), t(2026, 3, 2, 10, 0)).map(|x| x.case)
}

/// APL art. 51: on the spot only up to 200 yuan for a person and 3,000 for an organisation;
/// art. 52: certificates shown, numbered form handed over; 行政复议法 art. 23: review first.
#[test]
fn on_the_spot_limits_are_200_for_a_person_and_3000_for_an_organisation() {
    use chengguan_domain::case::PartyKind;
    let mut w = World::new();
    let r = decide(&mut w, "s-1", spot(PartyKind::Person, "fine", Some(201))).unwrap_err();
    assert_refused(&r, "case.simple.fine_limit", "第五十一条");
    let c = decide(&mut w, "s-2", spot(PartyKind::Organisation, "fine", Some(3000))).unwrap();
    assert_eq!((c.state, c.procedure), (State::Served, chengguan_domain::case::Procedure::Simple));
    assert_eq!(c.decision.as_ref().unwrap().number, "江汉城管当罚字〔2026〕1号");
    assert!(c.on_the_spot.as_ref().unwrap().review_first.contains("第二十三条"));
    assert_eq!(c.deadline("apl.payment").unwrap().due, "2026-03-17", "15 days like any fine");
    assert_refused(&decide(&mut w, "s-3", spot(PartyKind::Organisation, "fine", Some(3001))).unwrap_err(), "case.simple.fine_limit", "第五十一条");
    let mut hidden = spot(PartyKind::Person, "warning", None);
    hidden.certificate_shown = false;
    assert_refused(&decide(&mut w, "s-4", hidden).unwrap_err(), "case.simple.certificate_not_shown", "第五十二条");
    let mut alone = spot(PartyKind::Person, "warning", None);
    alone.officers = vec!["off-a".into()];
    assert_eq!(decide(&mut w, "s-5", alone).unwrap_err().code, "case.handlers.too_few");
    let warned = decide(&mut w, "s-6", spot(PartyKind::Person, "warning", None)).unwrap();
    assert!(warned.deadline("apl.payment").is_none(), "a warning has nothing to pay");
}

/// APL art. 68–71: collection on the spot only for fines ≤ 100 yuan or with a recorded ground;
/// the money reaches the unit and then the bank within 2 working days each.
#[test]
fn on_the_spot_collection_needs_its_ground_and_the_money_is_banked_in_time() {
    use chengguan_domain::case::PartyKind;
    let mut w = World::new();
    let c = decide(&mut w, "s-10", spot(PartyKind::Person, "fine", Some(150))).unwrap();
    let now = t(2026, 3, 2, 10, 30);
    let small = Command::CollectOnSpot { amount_fen: 15_000, receipt: "000101".into(), ground: "small_fine".into(), note: String::new() };
    assert_refused(&w.refused(&c, &small, "off-a", now), "case.simple.collection_ground", "第六十八条");
    let bare = Command::CollectOnSpot { amount_fen: 15_000, receipt: "000101".into(), ground: "impractical_later".into(), note: " ".into() };
    assert_refused(&w.refused(&c, &bare, "off-a", now), "case.simple.collection_ground", "第六十八条");
    let ok =
        Command::CollectOnSpot {
            amount_fen: 15_000, receipt: "000101".into(), ground: "impractical_later".into(), note: "外地流动摊贩，无固定住所".into()
        };
    let c = w.run(&c, &ok, "off-a", now).case;
    assert_eq!(execution::balance(&c, &w.env(), d(2026, 3, 2)).unwrap().owed_fen, 0);
    // Mon 03-02 + 2 working days = Wed 03-04 (APL art. 71, art. 85).
    assert_eq!(c.deadline("apl.on_the_spot_fine_to_unit").unwrap().due.get(..10), Some("2026-03-04"));
    let c = w.run(&c, &Command::DepositToUnit { on: d(2026, 3, 3) }, "off-a", t(2026, 3, 3, 9, 0)).case;
    assert_eq!(c.deadline("apl.on_the_spot_fine_to_unit").unwrap().status, "met");
    assert_eq!(c.deadline("apl.on_the_spot_fine_to_bank").unwrap().due, "2026-03-05");
    let file = execution::case_file(&c, &w.env());
    assert_eq!(file.missing.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["filed_with_unit", "banked", "closing_report"]);
    let c = w.run(&c, &Command::DepositToBank { on: d(2026, 3, 4), reference: "ICBC-HZ-9".into() }, "off-a", t(2026, 3, 4, 9, 0)).case;
    let c = w.run(&c, &Command::FileWithUnit { filed_on: d(2026, 3, 4) }, "off-b", t(2026, 3, 4, 10, 0)).case;
    assert_eq!(execution::case_file(&c, &w.env()).missing.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["closing_report"]);
    // A small fine may be collected on that ground alone.
    let c2 = decide(&mut w, "s-11", spot(PartyKind::Person, "fine", Some(100))).unwrap();
    let ok = Command::CollectOnSpot { amount_fen: 10_000, receipt: "000102".into(), ground: "small_fine".into(), note: String::new() };
    assert!(w.try_run(&c2, &ok, "off-a", now).is_ok());
    // Not for a general-procedure case.
    let general = served(&mut w, "case-g", d(2026, 2, 13));
    assert_refused(&w.refused(&general, &ok, "off-a", t(2026, 2, 14, 9, 0)), "case.simple.only", "第五十一条");
}

/// APL art. 70: a receipt is used once, by the officer holding it; void and return only unused ones.
#[test]
fn fine_receipts_are_used_once_by_their_holder() {
    use chengguan_domain::receipts;
    let now = t(2026, 3, 2, 9, 0);
    let nums: Vec<String> = (1..=3).map(|n| format!("HB{n:06}")).collect();
    let issued = receipts::issue(&nums, "off-a", UNIT, "lead-1", &[], now).unwrap();
    assert_eq!(issued.len(), 3);
    assert_eq!(receipts::issue(&nums[..1], "off-b", UNIT, "lead-1", &nums, now).unwrap_err().code, "receipt.exists");
    assert_eq!(receipts::issue(&["A".into(), "A".into()], "off-b", UNIT, "lead-1", &[], now).unwrap_err().code, "receipt.number");
    let r = &issued[0];
    let wrong = receipts::use_for(r, "off-b", "case-1", now).unwrap_err();
    assert_refused(&wrong, "receipt.not_holder", "第七十条");
    let used = receipts::use_for(r, "off-a", "case-1", now).unwrap();
    assert_eq!((used.status.as_str(), used.case_id.as_deref(), used.version), ("used", Some("case-1"), 2));
    assert_refused(&receipts::use_for(&used, "off-a", "case-2", now).unwrap_err(), "receipt.not_available", "第七十条");
    assert_eq!(receipts::void(&used, "填错", now).unwrap_err().code, "receipt.not_available");
    let voided = receipts::void(&issued[1], "填写错误", now).unwrap();
    assert_eq!(voided.status, "voided");
    assert_eq!(receipts::give_back(&issued[2], now).unwrap().status, "returned");
    assert_eq!(receipts::FineReceipt::from_row(&voided.to_row(TENANT)), Some(voided));
}
