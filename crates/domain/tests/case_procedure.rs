//! The administrative-penalty case (shared/spec/penalty-procedure.md, steps 1–11 and "Discipline")
//! driven through `case::register` / `case::apply` with the national rules, the State Council
//! calendar and the demo power list. Every test names the rule it checks; every refusal is checked
//! for its code and the citation it carries.

#[path = "support/case_world.rs"]
mod case_world;

use case_world::*;
use chengguan_domain::auth::Role;
use chengguan_domain::case::rows::warning_of;
use chengguan_domain::case::{AddressConfirmation, Case, ChainAct, Command, NoPenaltyGround, Outcome, Proposal, ServiceMethod, Source, State};
use chengguan_domain::discretion::{AmountCheck, Facts, TierKind};
use chengguan_domain::org::OrgKind;
use chengguan_domain::profile::{ProcedureProfile, EXAMPLE_SEED_004_PROFILE};
use chengguan_domain::{Expect, Refusal, Table, Value};
use chrono::NaiveDate;
use serde_json::json;

fn rule_of(r: &Refusal) -> &str {
    r.rule.as_deref().unwrap_or_else(|| panic!("refusal {} carries no rule", r.code))
}

/// Asserts the refusal's code and that its citation contains `cites`.
#[track_caller]
fn assert_refused(r: &Refusal, code: &str, cites: &str) {
    assert_eq!(r.code, code, "{r:?}");
    assert!(rule_of(r).contains(cites), "{code}: the rule {:?} does not cite {cites}", r.rule);
}

fn due(c: &Case, rule: &str) -> String {
    c.deadline(rule).unwrap_or_else(|| panic!("no {rule} deadline")).due.clone()
}

fn status(c: &Case, rule: &str) -> String {
    c.deadline(rule).unwrap_or_else(|| panic!("no {rule} deadline")).status.clone()
}

fn number(c: &Case, document: &str) -> String {
    c.number_of(document).unwrap_or_else(|| panic!("no {document} number")).rendered.clone()
}

fn serve_in_person(served_at: chrono::NaiveDateTime) -> Command {
    Command::Serve { method: ServiceMethod::InPerson, served_at, recipient: PARTY.into(), place: "江汉区城管执法中队".into(), witness: None }
}

// =============================================================================== 1. ordinary case

/// Steps 1–11 of the general procedure (APL art. 54–61; seed 000 一般程序逐级报批; GB/T 9704 numbers).
#[test]
fn an_ordinary_case_runs_from_the_lead_to_service() {
    let mut w = World::new();
    // 1. Register (登记), seed 004 登记与立案 1.
    let reg = w.register("case-1", lead(d(2025, 12, 29), Source::Patrol), "off-a", t(2025, 12, 29, 9, 0));
    assert_eq!((reg.case.state, reg.case.version, reg.case.acts), (State::Registered, 1, 1));
    assert!(reg.case.deadlines.is_empty(), "a patrol lead opens no complaint deadline");
    let ch = reg.to_change(TENANT, "acct-off-a", None, t(2025, 12, 29, 9, 0));
    assert_eq!(ch.expect[0], Expect { table: Table::Cases, id: "case-1".into(), version: None }, "a new case expects no row");

    // 2. Check and propose filing (立案审批表).
    let c = w.run(&reg.case, &Command::RecordCheck { finding: "核查属实".into(), violation_found: true }, "off-a", t(2025, 12, 29, 15, 0)).case;
    assert_eq!(c.state, State::Checked);
    let proposed = w.run(&c, &filing("SZ-001", d(2025, 12, 28), &["off-a", "off-b"]), "off-a", t(2025, 12, 30, 9, 0));
    assert!(proposed.warnings.is_empty(), "{:?}", proposed.warnings);
    assert_eq!(proposed.act_data["party"]["name"], json!("（见案件当事人信息）"), "the act keeps the party's personal data out");
    assert_eq!(proposed.act_data["party"]["id_number"], json!("（见案件当事人信息）"));
    let c = proposed.case;
    assert_eq!(c.state, State::Checked, "filing waits for the leader");
    assert_eq!(c.pending().map(|s| s.act), Some(ChainAct::Filing));
    assert_eq!(c.limitation_until, Some(d(2027, 12, 28)), "APL art. 36: two years from the violation");

    // The leader approves the filing on Mon 2026-01-05.
    let prev = c.version;
    let approved = w.run(&c, &approve("同意立案"), "lead-1", t(2026, 1, 5, 10, 0));
    let c = approved.case.clone();
    assert_eq!((c.state, c.filed_on), (State::Investigating, Some(d(2026, 1, 5))));
    assert_eq!(number(&c, "filing"), "江汉城管立审字〔2026〕1号");
    // APL art. 60: 90 days from filing; day 90 is Sun 2026-04-05 (清明节 4-04..4-06) → Tue 04-07.
    let dp = c.deadline("apl.decision_period").unwrap();
    assert_eq!((dp.due.as_str(), dp.status.as_str()), ("2026-04-07", "open"));
    assert_eq!(dp.citation, w.cited("apl.decision_period"));
    assert!(dp.citation.contains("第六十条"));
    assert!(dp.explanation_zh.contains("2026年4月5日") && dp.explanation_zh.contains("清明节"), "{}", dp.explanation_zh);

    // The change: the case row expecting the version it was read at, the act, the deadline, the number.
    let ch = approved.to_change(TENANT, "acct-lead-1", Some(prev), t(2026, 1, 5, 10, 0));
    assert_eq!(ch.action, "case.approve");
    assert_eq!(ch.expect[0], Expect { table: Table::Cases, id: "case-1".into(), version: Some(prev) });
    let case_row = ch.rows.iter().find(|r| r.table == Table::Cases).unwrap();
    assert_eq!(case_row.values["version"], Value::Int(prev + 1));
    assert_eq!(case_row.text("state"), Some("investigating"));
    assert_eq!(case_row.text("party_name"), Some(PARTY));
    let act_row = ch.rows.iter().find(|r| r.table == Table::CaseActs).unwrap();
    assert_eq!(act_row.text("id"), Some(format!("case-1/{}", c.acts).as_str()));
    let dl_rows: Vec<_> = ch.rows.iter().filter(|r| r.table == Table::CaseDeadlines).collect();
    assert_eq!(dl_rows.len(), 1, "only the deadline this command opened is written");
    assert_eq!(dl_rows[0].text("due"), Some("2026-04-07"));
    let series = c.number_of("filing").unwrap().series.clone();
    assert!(ch.expect.contains(&Expect { table: Table::DocSequences, id: series.clone(), version: None }), "the first number of a series expects no row");
    assert!(ch.rows.iter().any(|r| r.table == Table::DocSequences && r.values["version"] == Value::Int(1)));
    assert!(ch.rows.iter().any(|r| r.table == Table::DocNumbers && r.text("rendered") == Some("江汉城管立审字〔2026〕1号")));

    // 5. Investigation: interview (one person), site inspection with a witness, photo.
    let c = w.run(&c, &interview(t(2026, 1, 6, 9, 0), PARTY), "off-a", t(2026, 1, 6, 12, 0)).case;
    let c = w.run(&c, &inspection(t(2026, 1, 6, 10, 0), Some("李四（解放大道2号商户）")), "off-b", t(2026, 1, 6, 12, 0)).case;
    let with_photo = w.run(&c, &photo(t(2026, 1, 6, 10, 30)), "off-a", t(2026, 1, 6, 12, 0));
    assert_eq!(with_photo.files.len(), 1, "the photo's hash goes into the record");
    let c = with_photo.case;
    assert_eq!(c.evidence.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["interview", "site_inspection", "photo"]);

    // Investigation report: 8,000 yuan, inside the 2024 benchmark's standard tier (30–50 % of 0–20,000).
    let reported = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0));
    assert!(reported.warnings.is_empty(), "{:?}", reported.warnings);
    let c = reported.case;
    assert_eq!(c.state, State::Reported);
    let r = c.report.as_ref().unwrap();
    assert_eq!(r.assessment.as_ref().map(|a| a.tier), Some(TierKind::Standard));
    assert_eq!(r.assessment.as_ref().and_then(|a| a.range), Some((600_000, 1_000_000)));
    assert_eq!(r.amount_check, Some(AmountCheck::Within));
    assert!(!c.hearing_right && !c.is_major());

    // 8. Prior notice: legal review (rev-2020: appointed before 2021-07-15, no qualification needed), leader.
    let c = w.run(&c, &Command::ProposeNotice {}, "off-a", t(2026, 1, 12, 9, 0)).case;
    assert_eq!(c.pending().unwrap().steps.iter().map(|s| s.role).collect::<Vec<_>>(), [Role::LegalReviewer, Role::Leader]);
    let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 1, 12, 10, 0)).case;
    assert_eq!(c.state, State::Reported, "the leader has not approved yet");
    let c = w.run(&c, &approve("同意告知"), "lead-1", t(2026, 1, 12, 11, 0)).case;
    assert_eq!(c.state, State::NoticeApproved);
    let c = w.run(&c, &Command::ServeNotice { served_on: d(2026, 1, 12), method: "直接送达".into() }, "off-a", t(2026, 1, 12, 16, 0)).case;
    assert_eq!(c.state, State::Notified);
    assert_eq!(number(&c, "prior_notice"), "江汉城管罚告字〔2026〕1号");
    assert_eq!(c.notice.as_ref().map(|n| (n.statement_due, n.hearing_request_due)), Some((d(2026, 1, 15), None)));
    // 9. The party expressly waives statement and defence (APL art. 62), signed.
    let c = w.run(&c, &Command::WaiveStatement { on: d(2026, 1, 13), signed: true }, "off-a", t(2026, 1, 13, 9, 0)).case;
    assert_eq!(c.waiver, Some(d(2026, 1, 13)));
    assert_eq!(status(&c, "local.statement_period"), "met");

    // 10. Decision: legal review, then the leader decides on Thu 2026-02-12.
    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 2, 10, 9, 0)).case;
    let s = c.pending().unwrap();
    assert_eq!(
        (s.act, s.steps.iter().map(|s| s.role).collect::<Vec<_>>()),
        (ChainAct::Decision, vec![Role::LegalReviewer, Role::Leader]),
        "no lawyer step for an ordinary case"
    );
    let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 2, 11, 9, 0)).case;
    let prev = c.version;
    let decided = w.run(&c, &approve("同意处罚"), "lead-1", t(2026, 2, 12, 10, 0));
    let c = decided.case.clone();
    assert_eq!(c.state, State::Decided);
    let dec = c.decision.as_ref().unwrap();
    assert_eq!((dec.outcome, dec.number.as_str(), dec.decided_on, dec.late), (Outcome::Penalty, "江汉城管罚决字〔2026〕1号", d(2026, 2, 12), false));
    assert_eq!(dec.decided_by, "lead-1");
    assert_eq!(dec.tier.as_deref(), Some("一般处罚"));
    assert!(dec.payment.as_deref().is_some_and(|p| p.contains("15日") && p.contains("第六十七条")), "{:?}", dec.payment);
    assert_eq!(dec.remedies.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(), ["administrative_review", "lawsuit"]);
    assert!(dec.remedies[0].citation.contains("第二十条") && dec.remedies[1].citation.contains("第四十六条"));
    assert_eq!(status(&c, "apl.decision_period"), "met");
    // APL art. 61 + 85: 7 working days from Thu 02-12: 02-13, Sat 02-14 (调休上班), [春节 02-15..02-23],
    // 02-24, 02-25, 02-26, 02-27, Sat 02-28 (调休上班) = the 7th.
    let sv = c.deadline("apl.service").unwrap();
    assert_eq!((sv.due.as_str(), sv.status.as_str()), ("2026-02-28", "open"));
    assert_eq!(sv.citation, w.cited("apl.service"));
    let ch = decided.to_change(TENANT, "acct-lead-1", Some(prev), t(2026, 2, 12, 10, 0));
    assert_eq!(ch.expect[0], Expect { table: Table::Cases, id: "case-1".into(), version: Some(prev) });
    let written: Vec<_> = ch.rows.iter().filter(|r| r.table == Table::CaseDeadlines).map(|r| (r.text("rule").unwrap(), r.text("status").unwrap())).collect();
    assert_eq!(written, [("apl.decision_period", "met"), ("apl.service", "open")], "the closed and the opened deadline, nothing else");

    // 11. Service in person the next day (APL art. 61).
    let served = w.run(&c, &serve_in_person(t(2026, 2, 13, 10, 0)), "off-b", t(2026, 2, 13, 11, 0));
    assert!(served.warnings.is_empty());
    let c = served.case;
    assert_eq!(c.state, State::Served);
    assert_eq!(c.service.as_ref().map(|s| s.effective_on), Some(d(2026, 2, 13)));
    assert_eq!(status(&c, "apl.service"), "met");
    assert_eq!(served.act_data["document"], json!("江汉城管罚决字〔2026〕1号"));
    let refused = w.refused(&c, &Command::RecordCheck { finding: "x".into(), violation_found: true }, "off-a", t(2026, 2, 14, 9, 0));
    assert_eq!(refused.code, "case.closed_state");

    // Numbers run per type and year: the next filing of 2026 is 2, its first prior notice is still 1 of its own type.
    let c2 = filed(&mut w, "case-2", "SZ-001", d(2026, 1, 19), d(2026, 1, 18), t(2026, 1, 20, 10, 0));
    assert_eq!(number(&c2, "filing"), "江汉城管立审字〔2026〕2号");
    let n = c2.number_of("filing").unwrap();
    assert_eq!((n.type_code.as_str(), n.year, n.seq), ("立审", 2026, 2));
    // A store commits the second number expecting the series at 1 (gapless).
    let c2b = filed(&mut w, "case-3", "SZ-001", d(2026, 3, 2), d(2026, 3, 1), t(2026, 3, 3, 10, 0));
    assert_eq!(number(&c2b, "filing"), "江汉城管立审字〔2026〕3号");
    let c4 = w.register("case-4", lead(d(2026, 3, 2), Source::Patrol), "off-a", t(2026, 3, 2, 9, 0)).case;
    let c4 = w.run(&c4, &Command::RecordCheck { finding: "核查属实".into(), violation_found: true }, "off-a", t(2026, 3, 2, 10, 0)).case;
    let c4 = w.run(&c4, &filing("SZ-001", d(2026, 3, 1), &["off-a", "off-b"]), "off-a", t(2026, 3, 2, 11, 0)).case;
    let again = w.run(&c4, &approve("同意立案"), "lead-1", t(2026, 3, 3, 11, 0));
    let ch = again.to_change(TENANT, "acct-lead-1", Some(3), t(2026, 3, 3, 11, 0));
    assert!(ch.expect.contains(&Expect { table: Table::DocSequences, id: series, version: Some(3) }), "{:?}", ch.expect);
    assert_eq!(number(&again.case, "filing"), "江汉城管立审字〔2026〕4号");
}

// =============================================================================== 2. hearing

/// APL art. 63–65 (hearing), art. 57 (collective discussion), art. 58 (legal review of major cases),
/// seed 004 文书 3 (reasoned decision), seed 003 (resident lawyer).
#[test]
fn a_major_case_goes_through_a_hearing_discussion_and_double_legal_review() {
    let mut w = World::new();
    let c = filed(&mut w, "case-h", "SZ-001", d(2025, 8, 25), d(2025, 8, 24), t(2025, 8, 27, 10, 0));
    let c = investigated(&mut w, &c, d(2025, 8, 28));
    // 10,000 yuan for a person: at the local hearing threshold and the local major-decision threshold.
    let reported = w.run(&c, &report(road_facts(), fine(10_000)), "off-a", t(2025, 9, 10, 17, 0));
    assert!(reported.warnings.iter().any(|x| x.code == "case.major"), "{:?}", reported.warnings);
    let c = reported.case;
    assert!(c.hearing_right, "{} (local.hearing_fine_person)", w.cited("local.hearing_fine_person"));
    assert_eq!(c.major_grounds, ["large_fine"]);
    // Served Fri 2025-09-26: statement 3 working days (Sun 09-28 调休上班, 09-29, 09-30); hearing request
    // 5 working days: 09-28, 09-29, 09-30, [国庆 10-01..10-08], 10-09, 10-10.
    let c = notified(&mut w, &c, d(2025, 9, 25), d(2025, 9, 26));
    let n = c.notice.clone().unwrap();
    assert_eq!((n.statement_due, n.hearing_request_due, n.hearing_right), (d(2025, 9, 30), Some(d(2025, 10, 10)), true));

    // No decision while the party may still ask for a hearing (APL art. 64 (1)).
    let early = w.refused(&c, &Command::ProposeDecision { reasoned_text: Some("说理".into()), answers_to_statement: None }, "off-a", t(2025, 10, 9, 9, 0));
    assert_refused(&early, "case.hearing_request_period", "第六十四条");

    // A request after the 5 working days is refused, citing art. 64.
    let late = w.refused(&c, &Command::RequestHearing { on: d(2025, 10, 11) }, "off-a", t(2025, 10, 11, 9, 0));
    assert_refused(&late, "case.hearing_request_late", "第六十四条");
    assert!(late.message_zh.contains("2025-10-10"));
    let c = w.run(&c, &Command::RequestHearing { on: d(2025, 10, 10) }, "off-a", t(2025, 10, 10, 9, 0)).case;
    assert_eq!(c.state, State::HearingRequested);
    assert_eq!(status(&c, "apl.hearing_request"), "met");

    // Scheduling: hearing on Fri 2025-10-24; notice 7 working days before at the latest = Wed 10-15.
    let schedule = |notice_served_on: NaiveDate, host: &str| Command::ScheduleHearing {
        at: t(2025, 10, 24, 9, 30),
        place: "江汉区城管局听证室".into(),
        host: host.into(),
        members: vec![],
        recorder: "off-d".into(),
        public: true,
        notice_served_on,
    };
    let short = w.refused(&c, &schedule(d(2025, 10, 16), "host-1"), "lead-2", t(2025, 10, 16, 11, 0));
    assert_refused(&short, "case.hearing_notice_late", "第六十四条");
    assert_eq!(short.rule.as_deref(), Some(w.cited("apl.hearing_notice").as_str()));
    assert!(short.message_zh.contains("2025-10-15"), "{}", short.message_zh);
    let investigator = w.refused(&c, &schedule(d(2025, 10, 15), "off-a"), "lead-2", t(2025, 10, 15, 11, 0));
    assert_refused(&investigator, "case.hearing_host_investigator", "第六十四条第（四）项");
    let not_arranger = w.refused(&c, &schedule(d(2025, 10, 15), "host-1"), "off-d", t(2025, 10, 15, 11, 0));
    assert_refused(&not_arranger, "case.role_required", "第六十四条");
    let scheduled = w.run(&c, &schedule(d(2025, 10, 15), "host-1"), "lead-2", t(2025, 10, 15, 11, 0));
    assert_eq!(scheduled.act_data["latest_notice_day"], json!("2025-10-15"));
    let c = scheduled.case;
    assert_eq!(c.state, State::HearingScheduled);
    assert_eq!(number(&c, "hearing_notice"), "江汉城管听通字〔2025〕1号");

    // The hearing is recorded by its host, once it has taken place (APL art. 64 (8)).
    // The party may bring one or two agents (APL art. 64 (5)).
    let three = Command::RecordHearing {
        result: "held".into(),
        transcript: "听证笔录".into(),
        host_opinion: "建议维持".into(),
        agents: vec!["代理人甲".into(), "代理人乙".into(), "代理人丙".into()],
    };
    assert_refused(&w.refused(&c, &three, "host-1", t(2025, 10, 24, 12, 0)), "case.hearing_agents", "第六十四条");
    let record = Command::RecordHearing {
        result: "held".into(),
        transcript: "听证笔录（经当事人逐页签字）".into(),
        host_opinion: "建议维持拟处罚意见".into(),
        agents: vec!["代理人甲".into()],
    };
    assert_refused(&w.refused(&c, &record, "lead-2", t(2025, 10, 24, 12, 0)), "case.not_hearing_host", "第六十四条");
    assert_eq!(w.refused(&c, &record, "host-1", t(2025, 10, 24, 9, 0)).code, "case.hearing_not_yet");
    let c = w.run(&c, &record, "host-1", t(2025, 10, 24, 12, 0)).case;
    assert_eq!(c.state, State::Deliberating);
    assert!(c.major_grounds.contains(&"major_rights_hearing".to_owned()), "APL art. 58 (2): heard → review must pass");
    let c = w
        .run(
            &c,
            &Command::RecordStatement {
                on: d(2025, 10, 24),
                content: "当事人称系初次违法，请求从轻".into(),
                accepted: false,
                reasons: "当事人曾因同类行为被警告".into(),
            },
            "off-a",
            t(2025, 10, 24, 16, 0),
        )
        .case;

    // The decision proposal: reasoned text (seed 004 文书 3), answers to the statement (art. 45),
    // collective discussion (art. 57 para. 2), in that order of gates.
    let no_reason =
        w.refused(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: Some("逐条回应".into()) }, "off-a", t(2025, 10, 27, 9, 0));
    assert_refused(&no_reason, "case.reasoned_text_required", "文书3");
    let no_answers =
        w.refused(&c, &Command::ProposeDecision { reasoned_text: Some("说理".into()), answers_to_statement: None }, "off-a", t(2025, 10, 27, 9, 0));
    assert_refused(&no_answers, "case.answers_required", "第四十五条");
    let proposal = Command::ProposeDecision {
        reasoned_text: Some("经查，当事人……本机关认为……".into()),
        answers_to_statement: Some("当事人称系初次违法，经查不属实，不予采纳".into()),
    };
    let no_discussion = w.refused(&c, &proposal, "off-a", t(2025, 10, 27, 9, 0));
    assert_refused(&no_discussion, "case.discussion_required", "第五十七条");

    let one_leader = Command::RecordDiscussion {
        held_on: d(2025, 10, 27),
        chair: "lead-1".into(),
        attendees: vec!["lead-1".into()],
        recorder: "off-d".into(),
        opinions: "同意".into(),
        conclusion: Outcome::Penalty,
    };
    assert_refused(&w.refused(&c, &one_leader, "lead-1", t(2025, 10, 27, 15, 0)), "case.discussion_attendance", "第五十七条第二款");
    let discussion = Command::RecordDiscussion {
        held_on: d(2025, 10, 27),
        chair: "lead-1".into(),
        attendees: vec!["lead-1".into(), "lead-2".into()],
        recorder: "off-d".into(),
        opinions: "一致同意给予罚款10000元".into(),
        conclusion: Outcome::Penalty,
    };
    let c = w.run(&c, &discussion, "lead-1", t(2025, 10, 27, 15, 0)).case;
    let c = w.run(&c, &proposal, "off-a", t(2025, 10, 28, 9, 0)).case;
    let s = c.pending().unwrap();
    assert_eq!(
        s.steps.iter().map(|s| s.role).collect::<Vec<_>>(),
        [Role::LegalReviewer, Role::Lawyer, Role::Leader],
        "major: the lawyer's review too (seed 003)"
    );

    // The leader cannot decide before the legal review and the lawyer.
    assert_refused(&w.refused(&c, &approve("同意"), "lead-1", t(2025, 10, 28, 10, 0)), "case.approval.wrong_step", "第五十八条");
    let c = w.run(&c, &review("agree"), "rev-q", t(2025, 10, 29, 9, 0)).case;
    assert_refused(&w.refused(&c, &approve("同意"), "lead-1", t(2025, 10, 29, 10, 0)), "case.approval.wrong_step", "第五十八条");
    let c = w.run(&c, &approve("法律意见：同意"), "law-1", t(2025, 10, 30, 9, 0)).case;
    let c = w.run(&c, &approve("同意处罚"), "lead-1", t(2025, 10, 31, 10, 0)).case;
    assert_eq!(c.state, State::Decided);
    // Reviewed twice: before the notice (rev-2020) and after the hearing (rev-q).
    assert_eq!(c.legal_reviewers(), ["rev-2020", "rev-q"]);
    let dec = c.decision.as_ref().unwrap();
    assert_eq!(dec.number, "江汉城管罚决字〔2025〕1号");
    assert!(dec.reasoned_text.is_some() && dec.answers_to_statement.is_some());
    // Decided Fri 2025-10-31: 7 working days → Tue 11-11.
    assert_eq!(due(&c, "apl.service"), "2025-11-11");
}

// =============================================================================== 3. no penalty

/// APL art. 33 para. 1 (首违不罚 list) and para. 3 (education); no prior notice for no penalty (art. 44).
#[test]
fn a_first_offence_on_the_list_is_not_penalised_after_education_and_needs_no_prior_notice() {
    let mut w = World::new();
    // SR-003 (阳台外吊挂有碍市容物品) is on the demo 首违不罚 list with no further condition.
    let c = filed(&mut w, "case-np", "SR-003", d(2026, 3, 2), d(2026, 3, 1), t(2026, 3, 3, 10, 0));
    let c = investigated(&mut w, &c, d(2026, 3, 4));
    let exempt = |education: Option<&str>| Proposal {
        outcome: Outcome::NoPenalty,
        penalties: vec![],
        fine_yuan: None,
        confiscation_yuan: None,
        no_penalty_ground: Some(NoPenaltyGround::FirstOffence),
        education: education.map(str::to_owned),
        reason_outside_range: None,
        order_to_correct: None,
        receiving_body: None,
    };
    let uneducated = w.refused(&c, &report(first_offence_facts(), exempt(None)), "off-a", t(2026, 3, 5, 9, 0));
    assert_refused(&uneducated, "case.education_required", "第三十三条第三款");
    // Not a first offence on these facts: the exemption does not apply.
    let repeat = Facts { first_offence: false, ..first_offence_facts() };
    assert_refused(&w.refused(&c, &report(repeat, exempt(Some("已教育"))), "off-a", t(2026, 3, 5, 9, 0)), "case.not_exempt", "第三十三条第一款");

    let c =
        w.run(&c, &report(first_offence_facts(), exempt(Some("当场宣讲《城市市容和环境卫生管理条例》，当事人签字确认"))), "off-a", t(2026, 3, 5, 9, 0)).case;
    assert_eq!(c.state, State::Reported);
    let a = c.report.as_ref().and_then(|r| r.assessment.as_ref()).unwrap();
    assert_eq!((a.tier, a.no_penalty.as_ref().map(|n| n.ground.as_str())), (TierKind::Exempt, Some("list:first_offence")));
    assert!(!c.hearing_right);
    assert_refused(&w.refused(&c, &Command::ProposeNotice {}, "off-a", t(2026, 3, 5, 10, 0)), "case.notice_not_needed", "第四十四条");

    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 3, 9, 9, 0)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 3, 10, 9, 0)).case;
    let c = w.run(&c, &approve("同意不予处罚"), "lead-1", t(2026, 3, 12, 9, 0)).case;
    assert_eq!(c.state, State::Decided);
    assert!(c.notice.is_none(), "decided without a prior notice");
    let dec = c.decision.as_ref().unwrap();
    assert_eq!((dec.outcome, dec.number.as_str(), dec.payment.as_deref()), (Outcome::NoPenalty, "江汉城管不罚决字〔2026〕1号", None));
    assert!(c.number_of("decision").is_none());
    let c = w.run(&c, &serve_in_person(t(2026, 3, 13, 10, 0)), "off-a", t(2026, 3, 13, 10, 30)).case;
    assert_eq!(c.state, State::Served);
}

// =============================================================================== 4. judiciary

/// APL art. 27 and 57 (4): transfer to the judiciary ends the case with a 移司 number.
#[test]
fn a_transfer_to_the_judiciary_ends_the_case_with_its_own_number() {
    let mut w = World::new();
    let c = filed(&mut w, "case-j", "SZ-001", d(2026, 3, 2), d(2026, 3, 1), t(2026, 3, 3, 10, 0));
    let c = investigated(&mut w, &c, d(2026, 3, 4));
    let mut p = Proposal { outcome: Outcome::Judiciary, penalties: vec![], fine_yuan: None, ..fine(1) };
    p.order_to_correct = None;
    assert_eq!(w.refused(&c, &report(road_facts(), p.clone()), "off-a", t(2026, 3, 5, 9, 0)).code, "case.missing_field", "the receiving body is named");
    p.receiving_body = Some("武汉市公安局江汉区分局".into());
    let c = w.run(&c, &report(road_facts(), p), "off-a", t(2026, 3, 5, 9, 0)).case;
    assert!(!c.hearing_right);
    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 3, 5, 10, 0)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 3, 6, 9, 0)).case;
    let c = w.run(&c, &approve("同意移送"), "lead-1", t(2026, 3, 6, 15, 0)).case;
    assert_eq!(c.state, State::TransferredJudiciary);
    let n = c.number_of("judiciary_transfer").unwrap();
    assert_eq!((n.type_code.as_str(), n.rendered.as_str()), ("移司", "江汉城管移司字〔2026〕1号"));
    assert_eq!(status(&c, "apl.decision_period"), "met");
    assert!(c.deadline("apl.service").is_none(), "nothing to serve on the party");
    assert_eq!(w.refused(&c, &serve_in_person(t(2026, 3, 7, 10, 0)), "off-a", t(2026, 3, 7, 10, 0)).code, "case.closed_state");
}

// =============================================================================== 5. limitation

fn checked(w: &mut World, id: &str, lead_on: NaiveDate) -> Case {
    let c = w.register(id, lead(lead_on, Source::Patrol), "off-a", at(lead_on, 9)).case;
    w.run(&c, &Command::RecordCheck { finding: "核查属实".into(), violation_found: true }, "off-a", at(lead_on, 10)).case
}

fn filing_with(violation_on: NaiveDate, ended_on: Option<NaiveDate>, extended: bool) -> Command {
    match filing("SZ-001", violation_on, &["off-a", "off-b"]) {
        Command::ProposeFiling { cause_code, party, handlers, facts, reason, .. } => {
            Command::ProposeFiling { cause_code, party, violation_on, violation_ended_on: ended_on, extended_limitation: extended, handlers, facts, reason }
        }
        _ => unreachable!(),
    }
}

/// APL art. 36: two years from the violation (or its end), five where life, health or financial
/// safety is concerned with harmful consequences; tested against the lead's date.
#[test]
fn the_limitation_period_is_checked_against_the_discovery_of_the_violation() {
    let mut w = World::new();
    let c = checked(&mut w, "case-l", d(2026, 3, 2));
    let now = t(2026, 3, 2, 11, 0);
    let three_years = w.refused(&c, &filing_with(d(2023, 3, 1), None, false), "off-a", now);
    assert_refused(&three_years, "case.limitation", "第三十六条");
    assert_eq!(three_years.rule.as_deref(), Some(w.cited("apl.limitation").as_str()));
    // Discovered the day after the two years ended, and on the last day.
    assert_eq!(w.refused(&c, &filing_with(d(2024, 3, 1), None, false), "off-a", now).code, "case.limitation");
    let last_day = w.run(&c, &filing_with(d(2024, 3, 2), None, false), "off-a", now).case;
    assert_eq!(last_day.limitation_until, Some(d(2026, 3, 2)));
    // The extended five years: a violation four years old may still be filed.
    let extended = w.run(&c, &filing_with(d(2022, 3, 1), None, true), "off-a", now).case;
    assert_eq!(extended.limitation_until, Some(d(2027, 3, 1)));
    assert!(extended.extended_limitation);
    // A continuing violation counts from the day it ended (art. 36 para. 2).
    let continuing = w.run(&c, &filing_with(d(2022, 6, 1), Some(d(2024, 6, 1)), false), "off-a", now).case;
    assert_eq!(continuing.limitation_until, Some(d(2026, 6, 1)));
}

/// APL art. 24: a street office exercises only the penalty powers the province assigned to
/// streets, recorded as the power item's levels; an item kept by the bureau cannot be filed (or
/// decided on the spot) in a street office's name.
#[test]
fn a_street_office_cannot_file_under_an_item_the_bureau_keeps() {
    let mut w = World::new();
    w.subject_kind = Some(chengguan_domain::org::OrgKind::StreetOffice);
    let c = checked(&mut w, "case-lv", d(2026, 3, 2));
    let now = t(2026, 3, 2, 11, 0);
    let bureau_only = filing("SZ-015", d(2026, 3, 1), &["off-a", "off-b"]);
    let r = w.refused(&c, &bureau_only, "off-a", now);
    assert_refused(&r, "case.cause_level", "第二十四条");
    assert!(r.message_zh.contains("SZ-015") && r.message_zh.contains("区局"), "{}", r.message_zh);
    // An item assigned to streets too is filed; the bureau may file the bureau's item.
    w.run(&c, &filing("SZ-001", d(2026, 3, 1), &["off-a", "off-b"]), "off-a", now);
    w.subject_kind = Some(chengguan_domain::org::OrgKind::Bureau);
    w.run(&c, &bureau_only, "off-a", now);
}

/// APL art. 37 is judged when the decision is made: SZ-001's benchmark was revised (lighter
/// standard tier) from 2024-07-01. A report of June assessed by the old benchmark cannot carry a
/// decision in July; a revised report returns the case to the prior notice, and the decision
/// then rests on the benchmark in force.
#[test]
fn the_rules_in_force_at_the_decision_apply_and_a_revised_report_returns_to_the_notice() {
    let mut w = World::new();
    let c = filed(&mut w, "case-37", "SZ-001", d(2024, 6, 10), d(2024, 6, 9), t(2024, 6, 11, 10, 0));
    let c = investigated(&mut w, &c, d(2024, 6, 12));
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2024, 6, 12, 17, 0)).case;
    assert_eq!(c.report.as_ref().unwrap().assessment.as_ref().unwrap().benchmark_version, Some(1));
    let c = notified(&mut w, &c, d(2024, 6, 17), d(2024, 6, 17));
    let c = w.run(&c, &Command::WaiveStatement { on: d(2024, 6, 17), signed: true }, "off-a", t(2024, 6, 17, 17, 0)).case;
    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2024, 7, 2, 8, 0)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", t(2024, 7, 2, 8, 30)).case;
    let r = w.refused(&c, &approve("同意"), "lead-1", t(2024, 7, 2, 10, 0));
    assert_refused(&r, "case.applicable_rules_changed", "第三十七条");
    assert!(r.message_zh.contains("重新提交调查终结报告"), "{}", r.message_zh);
    // The leader sends the submission back; the handler revises the report on the rules now in force.
    let c = w.run(&c, &Command::Reject { opinion: "按新裁量基准重新评估".into(), review: None }, "lead-1", t(2024, 7, 2, 10, 5)).case;
    let revised = w.run(&c, &report(road_facts(), fine(7000)), "off-a", t(2024, 7, 2, 15, 0));
    assert!(revised.act_data.get("revises").is_some(), "the act names the report it revises");
    let c = revised.case;
    assert_eq!((c.state, c.notice.is_none(), c.waiver.is_none()), (State::Reported, true, true), "back to the prior notice");
    assert_eq!(c.report.as_ref().unwrap().assessment.as_ref().unwrap().benchmark_version, Some(2));
    assert!(c.deadlines.iter().all(|d| d.rule != "local.statement_period" || !d.is_open()));
    // A new notice, and the decision on the revised report.
    let c = notified(&mut w, &c, d(2024, 7, 3), d(2024, 7, 3));
    let c = w.run(&c, &Command::WaiveStatement { on: d(2024, 7, 3), signed: true }, "off-a", t(2024, 7, 3, 17, 0)).case;
    let c = decided(&mut w, &c, d(2024, 7, 4), t(2024, 7, 4, 10, 0));
    assert_eq!(c.state, State::Decided);
    assert_eq!(c.decision.as_ref().unwrap().proposal.fine_yuan, Some(7000));
}

// =============================================================================== 6. gates

/// A case filed on 2026-01-05 and investigated on 01-06, handlers off-a and off-b.
fn investigating(w: &mut World, id: &str) -> Case {
    let c = filed(w, id, "SZ-001", d(2025, 12, 29), d(2025, 12, 28), t(2026, 1, 5, 10, 0));
    investigated(w, &c, d(2026, 1, 6))
}

/// A case with the prior notice served on Mon 2026-01-12 (statement due Thu 01-15), no waiver.
fn notice_served(w: &mut World, id: &str) -> Case {
    let c = investigating(w, id);
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0)).case;
    notified(w, &c, d(2026, 1, 12), d(2026, 1, 12))
}

/// APL art. 42; seed 004 调查取证 5; 中发〔2015〕37号: handlers are two certified officers, never auxiliaries.
#[test]
fn handlers_are_at_least_two_certified_officers_and_never_auxiliaries() {
    let mut w = World::new();
    let c = checked(&mut w, "case-g1", d(2026, 1, 2));
    let now = t(2026, 1, 2, 11, 0);
    let aux = w.refused(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a", "aux-1"]), "off-a", now);
    assert_refused(&aux, "case.handlers.auxiliary", "第四十二条");
    let one = w.refused(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a"]), "off-a", now);
    assert_refused(&one, "case.handlers.too_few", "第四十二条");
    assert_eq!(one.rule.as_deref(), Some(w.cited("apl.min_handlers").as_str()));
    assert_eq!(w.refused(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a", "off-a"]), "off-a", now).code, "case.handlers.too_few", "the same officer twice");
    let expired = w.refused(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a", "off-x"]), "off-a", now);
    assert_refused(&expired, "case.handlers.certificate", "第四十二条");
    assert!(expired.message_zh.contains("周亮"));
    // An auxiliary cannot register, check or propose either.
    let reg = w.try_register("case-g1b", lead(d(2026, 1, 2), Source::Patrol), "aux-1", at(d(2026, 1, 2), 9)).unwrap_err();
    assert_refused(&reg, "case.auxiliary", "第四十二条");
    assert_eq!(w.refused(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a", "off-b"]), "aux-1", now).code, "case.auxiliary");
    // Certified on the day of the act: an investigative act by two handlers the day after the certificate expired.
    let mut w2 = World::new();
    w2.people.get_mut("off-b").unwrap().certificates[0].valid_until = d(2026, 1, 5);
    let c = filed(&mut w2, "case-g1c", "SZ-001", d(2025, 12, 29), d(2025, 12, 28), t(2026, 1, 5, 10, 0));
    let late = w2.refused(&c, &interview(t(2026, 1, 6, 9, 0), PARTY), "off-a", t(2026, 1, 6, 12, 0));
    assert_refused(&late, "case.handlers.certificate", "第四十二条");
}

/// 查罚分离 (seed 000; APL art. 58): nobody approves their own case; a reviewer does not decide.
#[test]
fn separation_of_duties_between_handlers_reviewers_and_deciders() {
    let mut w = World::new();
    let c = checked(&mut w, "case-g2", d(2026, 1, 2));
    let c = w.run(&c, &filing("SZ-001", d(2026, 1, 1), &["off-a", "off-b"]), "off-a", t(2026, 1, 2, 11, 0)).case;
    let handler_leader = w.actor_with("off-b", vec![(Role::Officer, OrgKind::StreetEnforcementTeam), (Role::Leader, OrgKind::Bureau)]);
    let own = w.refused_as(&c, &approve("同意"), &handler_leader, t(2026, 1, 5, 10, 0));
    assert_refused(&own, "case.separation_of_duties", "查罚分离");
    let not_leader = w.refused(&c, &approve("同意"), "off-d", t(2026, 1, 5, 10, 0));
    assert_eq!(not_leader.code, "case.approval.wrong_step");
    let aux = w.refused(&c, &approve("同意"), "aux-1", t(2026, 1, 5, 10, 0));
    assert_eq!(aux.code, "case.auxiliary", "auxiliaries never approve");

    // lead-rev reviews the prior notice as legal reviewer, then may not decide the case.
    let c = w.run(&c, &approve("同意立案"), "lead-1", t(2026, 1, 5, 10, 0)).case;
    let c = investigated(&mut w, &c, d(2026, 1, 6));
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0)).case;
    let c = w.run(&c, &Command::ProposeNotice {}, "off-a", t(2026, 1, 12, 9, 0)).case;
    let c = w.run(&c, &review("agree"), "lead-rev", t(2026, 1, 12, 10, 0)).case;
    let twice = w.refused(&c, &approve("同意"), "lead-rev", t(2026, 1, 12, 11, 0));
    assert_eq!(twice.code, "case.separation_of_duties", "nobody signs twice in one chain");
    let c = w.run(&c, &approve("同意告知"), "lead-1", t(2026, 1, 12, 11, 0)).case;
    let c = w.run(&c, &Command::ServeNotice { served_on: d(2026, 1, 12), method: "直接送达".into() }, "off-a", t(2026, 1, 12, 16, 0)).case;
    let c = w.run(&c, &Command::WaiveStatement { on: d(2026, 1, 13), signed: true }, "off-a", t(2026, 1, 13, 9, 0)).case;
    let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 1, 14, 9, 0)).case;
    let c = w.run(&c, &review("agree"), "rev-q", t(2026, 1, 14, 10, 0)).case;
    let reviewer_decides = w.refused(&c, &approve("同意处罚"), "lead-rev", t(2026, 1, 14, 11, 0));
    assert_refused(&reviewer_decides, "case.separation_of_duties", "第五十八条");
    assert!(reviewer_decides.message_en.contains("legal reviewer may not decide"), "{}", reviewer_decides.message_en);
    let c = w.run(&c, &approve("同意处罚"), "lead-1", t(2026, 1, 14, 11, 0)).case;
    assert_eq!(c.state, State::Decided);
}

/// APL art. 58 para. 2: a reviewer who starts legal review after 2021-07-15 holds the legal
/// professional qualification; seed 004 案件审理 2: the review records each check.
#[test]
fn legal_review_needs_a_qualified_reviewer_and_every_check() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-g3");
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0)).case;
    let c = w.run(&c, &Command::ProposeNotice {}, "off-a", t(2026, 1, 12, 9, 0)).case;
    let now = t(2026, 1, 12, 10, 0);
    let unqualified = w.refused(&c, &review("agree"), "rev-2023", now);
    assert_refused(&unqualified, "case.reviewer_qualification", "第五十八条第二款");
    assert!(unqualified.message_zh.contains("2023-05-01"));
    assert_refused(&w.refused(&c, &approve("同意"), "rev-q", now), "case.review_checks", "案件审理2");
    let partial = Command::Approve { opinion: "同意".into(), review: Some(chengguan_domain::case::ReviewChecks { documents: false, ..checks("agree") }) };
    assert_refused(&w.refused(&c, &partial, "rev-q", now), "case.review_checks", "案件审理2");
    assert_eq!(w.refused(&c, &review("disagree"), "rev-q", now).code, "case.review_conclusion", "approving with a 'disagree' conclusion");
    // A reviewer without an appointment.
    let leader_as_reviewer = w.actor_with("lead-1", vec![(Role::LegalReviewer, OrgKind::Bureau)]);
    assert_refused(&w.refused_as(&c, &review("agree"), &leader_as_reviewer, now), "case.reviewer_not_appointed", "第五十八条第二款");
    // Appointed before the revision: no qualification needed; qualified: passes.
    assert_eq!(w.run(&c, &review("agree"), "rev-2020", now).case.pending().unwrap().opinions.len(), 1);
    assert_eq!(w.run(&c, &review("amend"), "rev-q", now).case.pending().unwrap().opinions.len(), 1);
    // A rejection ends the submission; the handler may propose again.
    let rejected = w.run(&c, &Command::Reject { opinion: "裁量理由不充分".into(), review: Some(checks("disagree")) }, "rev-q", now).case;
    assert!(rejected.pending().is_none());
    assert_eq!(rejected.submissions.last().unwrap().status, "rejected");
    assert!(w.try_run(&rejected, &Command::ProposeNotice {}, "off-a", t(2026, 1, 13, 9, 0)).is_ok());
}

/// APL art. 44, 62: the decision waits for the statement period or an express (signed) waiver.
#[test]
fn the_decision_waits_for_the_statement_period_or_a_signed_waiver() {
    let mut w = World::new();
    let c = notice_served(&mut w, "case-g4");
    assert_eq!(c.notice.as_ref().unwrap().statement_due, d(2026, 1, 15));
    let propose = Command::ProposeDecision { reasoned_text: None, answers_to_statement: None };
    let early = w.refused(&c, &propose, "off-a", t(2026, 1, 15, 17, 0));
    assert_refused(&early, "case.statement_period", "第六十二条");
    assert!(rule_of(&early).contains(&w.cited("local.statement_period")));
    let unsigned = w.refused(&c, &Command::WaiveStatement { on: d(2026, 1, 13), signed: false }, "off-a", t(2026, 1, 13, 9, 0));
    assert_refused(&unsigned, "case.waiver_not_express", "第六十二条");
    // After the period (Fri 01-16) the proposal passes without a waiver.
    let c2 = w.run(&c, &propose, "off-a", t(2026, 1, 16, 9, 0)).case;
    assert_eq!(c2.pending().map(|s| s.act), Some(ChainAct::Decision));
    // Or the same day with a signed waiver.
    let waived = w.run(&c, &Command::WaiveStatement { on: d(2026, 1, 13), signed: true }, "off-a", t(2026, 1, 13, 9, 0)).case;
    assert!(w.try_run(&waived, &propose, "off-a", t(2026, 1, 13, 10, 0)).is_ok());
    // Statement recorded and accepted, within the period, does not let the decision through early.
    let stated = w
        .run(
            &c,
            &Command::RecordStatement { on: d(2026, 1, 13), content: "请求减轻".into(), accepted: true, reasons: "已当场改正".into() },
            "off-a",
            t(2026, 1, 13, 9, 0),
        )
        .case;
    assert_eq!(w.refused(&stated, &propose, "off-a", t(2026, 1, 14, 9, 0)).code, "case.statement_period");
    // A penalty is never proposed for decision before the prior notice is served (APL art. 44).
    let reported = investigating(&mut w, "case-g4b");
    let reported = w.run(&reported, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 17, 0)).case;
    assert_eq!(w.refused(&reported, &propose, "off-a", t(2026, 1, 16, 9, 0)).code, "case.wrong_state");
}

/// APL art. 61 para. 2, 民事诉讼法 art. 89–90: electronic service only with signed consent;
/// leaving the document at the address needs a witness.
#[test]
fn electronic_service_needs_the_partys_signed_consent() {
    let mut w = World::new();
    let c = ordinary_decided(&mut w, "case-g5", d(2025, 12, 29), t(2026, 1, 5, 10, 0), d(2026, 1, 12), t(2026, 1, 14, 10, 0));
    assert_eq!(c.state, State::Decided);
    let electronic =
        Command::Serve { method: ServiceMethod::Electronic, served_at: t(2026, 1, 15, 10, 0), recipient: PARTY.into(), place: String::new(), witness: None };
    assert_refused(&w.refused(&c, &electronic, "off-a", t(2026, 1, 15, 11, 0)), "case.service.no_consent", "第九十条");
    let left =
        Command::Serve {
            method: ServiceMethod::LeftAtAddress, served_at: t(2026, 1, 15, 10, 0), recipient: PARTY.into(), place: "住所".into(), witness: None
        };
    assert_refused(&w.refused(&c, &left, "off-a", t(2026, 1, 15, 11, 0)), "case.service.witness", "第八十九条");
    assert_eq!(w.refused(&c, &electronic, "off-a", t(2026, 1, 15, 9, 0)).code, "case.served_at", "not served in the future");
    let address = |consent: bool, electronic_address: &str| Command::ConfirmAddress {
        address: AddressConfirmation {
            address: "武汉市江汉区解放大道1号".into(),
            postcode: "430000".into(),
            recipient: PARTY.into(),
            phone: "13800138000".into(),
            electronic_consent: consent,
            electronic_address: electronic_address.into(),
            signed_on: d(2026, 1, 6),
        },
    };
    assert_refused(&w.refused(&c, &address(true, ""), "off-a", t(2026, 1, 15, 9, 0)), "case.address.electronic", "第九十条");
    let no_consent = w.run(&c, &address(false, ""), "off-a", t(2026, 1, 15, 9, 0)).case;
    assert_eq!(w.refused(&no_consent, &electronic, "off-a", t(2026, 1, 15, 11, 0)).code, "case.service.no_consent");
    let consent = w.run(&c, &address(true, "13800138000"), "off-a", t(2026, 1, 15, 9, 0)).case;
    let served = w.run(&consent, &electronic, "off-a", t(2026, 1, 15, 11, 0)).case;
    assert_eq!((served.state, served.service.as_ref().map(|s| s.method)), (State::Served, Some(ServiceMethod::Electronic)));
}

/// Seed 004 调查取证 6–9; APL art. 41, 55: one interviewee per record, a witness at inspections,
/// reviewed monitoring records, evidence not dated in the future.
#[test]
fn evidence_gates_name_their_rules() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-g6");
    let now = t(2026, 1, 7, 12, 0);
    let two = w.refused(&c, &interview(t(2026, 1, 7, 9, 0), "张三、李四"), "off-a", now);
    assert_refused(&two, "case.evidence.one_interviewee", "调查取证7");
    assert_eq!(w.refused(&c, &interview(t(2026, 1, 7, 9, 0), " "), "off-a", now).code, "case.evidence.one_interviewee");
    let alone = w.refused(&c, &inspection(t(2026, 1, 7, 9, 0), None), "off-a", now);
    assert_refused(&alone, "case.evidence.inspection_witness", "调查取证8");
    let party_there = evidence(json!({
        "kind": "site_inspection", "title": "现场检查笔录", "officers": ["off-a", "off-b"],
        "collected_at": t(2026, 1, 7, 9, 0), "party_present": true,
    }));
    assert!(w.try_run(&c, &party_there, "off-a", now).is_ok(), "the party present suffices");
    let monitoring = |reviewed: bool| {
        evidence(json!({ "kind": "electronic_monitoring", "title": "电子监控抓拍记录", "collected_at": t(2026, 1, 7, 8, 0), "reviewed": reviewed }))
    };
    assert_refused(&w.refused(&c, &monitoring(false), "off-a", now), "case.evidence.unreviewed_monitoring", "第四十一条");
    assert!(w.try_run(&c, &monitoring(true), "off-a", now).is_ok());
    let copy = evidence(json!({ "kind": "certified_copy", "title": "营业执照复印件", "collected_at": t(2026, 1, 7, 8, 0), "source": "当事人提供" }));
    assert_refused(&w.refused(&c, &copy, "off-a", now), "case.evidence.certified_copy", "调查取证9");
    // Investigative acts on site by the case's own handlers only.
    let stranger = evidence(
        json!({ "kind": "interview", "title": "询问笔录", "officers": ["off-a", "off-d"], "collected_at": t(2026, 1, 7, 9, 0), "interviewee": "李四" }),
    );
    assert_refused(&w.refused(&c, &stranger, "off-a", now), "case.evidence.not_handler", "第四十二条");
    assert_eq!(w.refused(&c, &photo(t(2026, 1, 7, 9, 0)), "off-d", now).code, "case.not_handler");
    // Evidence collected after the moment it is recorded.
    let future = w.refused(&c, &interview(t(2026, 1, 8, 9, 0), PARTY), "off-a", now);
    assert_eq!(future.code, "case.date_in_future");
}

/// APL art. 60: the 90 days are neither paused nor extended by the APL itself; a tenant's rule
/// (seed 004: 60 + 60 days with the head's approval) may extend them.
#[test]
fn suspension_and_extension_need_a_rule_that_grants_them() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-g7");
    let now = t(2026, 1, 7, 9, 0);
    let pause = w.refused(&c, &Command::RequestSuspension { pause_rule: "apl.appraisal_pause".into(), reason: "委托鉴定".into() }, "off-a", now);
    assert_refused(&pause, "case.no_pause_rule", "第六十条");
    // Not even a pause rule of another period (the seizure's testing pause).
    let seizure = w.refused(&c, &Command::RequestSuspension { pause_rule: "acl.seizure_testing_pause".into(), reason: "检测".into() }, "off-a", now);
    assert_refused(&seizure, "case.no_pause_rule", "第六十条");
    let extend = w.refused(&c, &Command::RequestExtension { extension_rule: "apl.decision_extension".into(), reason: "案情复杂".into() }, "off-a", now);
    assert_refused(&extend, "case.no_extension_rule", "第六十条");

    // The seed-004 overlay: 60 days from filing on Mon 2026-01-05 → Fri 03-06; extended by 60 days
    // from 03-06 → Tue 05-05 (劳动节 05-01..05-05) → Wed 05-06.
    let overlay = ProcedureProfile::national().overlay(EXAMPLE_SEED_004_PROFILE, "rules/examples/seed-004-60-days.toml").unwrap();
    let mut w = World::with_profile(overlay);
    let c = investigating(&mut w, "case-g7b");
    let dp = c.deadline("apl.decision_period").unwrap();
    assert_eq!(dp.due, "2026-03-06");
    assert!(dp.citation.contains("seed 004") && dp.citation.contains("unverified"), "{}", dp.citation);
    let c = w
        .run(
            &c,
            &Command::RequestExtension { extension_rule: "apl.decision_extension".into(), reason: "需委托测绘，难以在期限内作出决定".into() },
            "off-a",
            t(2026, 2, 27, 9, 0),
        )
        .case;
    assert_eq!(c.pending().map(|s| s.act), Some(ChainAct::Extension));
    assert_refused(&w.refused(&c, &approve("同意延期"), "off-b", t(2026, 3, 2, 9, 0)), "case.approval.wrong_step", "第五十七条");
    let extended = w.run(&c, &approve("同意延期"), "lead-1", t(2026, 3, 2, 9, 0));
    let c = extended.case.clone();
    let dp = c.deadline("apl.decision_period").unwrap();
    assert_eq!((dp.due.as_str(), dp.status.as_str()), ("2026-05-06", "open"));
    assert_eq!(dp.extensions.len(), 1);
    assert_eq!(dp.extensions[0].0, "apl.decision_extension");
    assert!(dp.explanation_zh.contains("延长60日"), "{}", dp.explanation_zh);
    let written: Vec<_> = extended
        .to_change(TENANT, "acct-lead-1", Some(c.version - 1), t(2026, 3, 2, 9, 0))
        .rows
        .into_iter()
        .filter(|r| r.table == Table::CaseDeadlines)
        .collect();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].text("due"), Some("2026-05-06"));
    // Once only (max_times = 1): a second approval is refused.
    let c =
        w.run(&c, &Command::RequestExtension { extension_rule: "apl.decision_extension".into(), reason: "仍需测绘".into() }, "off-a", t(2026, 4, 1, 9, 0)).case;
    assert_eq!(w.refused(&c, &approve("同意延期"), "lead-1", t(2026, 4, 1, 10, 0)).code, "deadline");
}

/// A tenant rule that pauses the decision period (appraisal): the days suspended are not counted.
#[test]
fn an_approved_suspension_pauses_the_decision_period_until_resumed() {
    let text = r#"
[profile]
name = "test-appraisal-pause"
title = "测试：鉴定期间不计入办案期限"

[[rule]]
key = "apl.appraisal_pause"
kind = "pause"
pauses = "apl.decision_period"
reason = "鉴定 appraisal"
citation = "测试规章：案件办理过程中鉴定的期间不计入办案期限"
verified = false
"#;
    let mut w = World::with_profile(ProcedureProfile::national().overlay(text, "test").unwrap());
    let c = investigating(&mut w, "case-g8");
    assert_eq!(due(&c, "apl.decision_period"), "2026-04-07");
    let c = w.run(&c, &Command::RequestSuspension { pause_rule: "apl.appraisal_pause".into(), reason: "委托鉴定".into() }, "off-a", t(2026, 1, 9, 9, 0)).case;
    let c = w.run(&c, &approve("同意中止"), "lead-1", t(2026, 1, 12, 9, 0)).case;
    assert_eq!(c.suspension.as_ref().map(|s| s.from), Some(d(2026, 1, 12)));
    let blocked = w.refused(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 13, 9, 0));
    assert_refused(&blocked, "case.suspended", "测试规章");
    assert_eq!(w.refused(&c, &Command::Resume {}, "off-a", t(2026, 1, 21, 9, 0)).code, "case.role_required");
    let c = w.run(&c, &Command::Resume {}, "lead-1", t(2026, 1, 21, 9, 0)).case;
    assert!(c.suspension.is_none());
    // 01-12..01-21 (10 days) not counted: 2026-04-05 + 10 = 04-15 (Wed).
    let dp = c.deadline("apl.decision_period").unwrap();
    assert_eq!(dp.pauses, [("apl.appraisal_pause".to_owned(), d(2026, 1, 12), d(2026, 1, 21))]);
    assert_eq!(dp.due, "2026-04-15");
}

// =============================================================================== 7. recusal

/// APL art. 43: the party may apply; the leader decides; the investigation goes on meanwhile;
/// declared relations warn before assignment.
#[test]
fn recusal_removes_the_handler_and_declared_relations_warn_at_assignment() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-r");
    let apply = Command::RequestRecusal { person_id: "off-b".into(), applicant: "party".into(), reason: "当事人称李明与其有经济纠纷".into() };
    assert_eq!(w.refused(&c, &apply, "off-d", t(2026, 1, 7, 9, 0)).code, "case.not_handler", "a handler records the party's application");
    let self_for_other = Command::RequestRecusal { person_id: "off-b".into(), applicant: "self".into(), reason: "亲属关系".into() };
    assert_refused(&w.refused(&c, &self_for_other, "off-a", t(2026, 1, 7, 9, 0)), "case.recusal_self", "第四十三条");
    let c = w.run(&c, &apply, "off-a", t(2026, 1, 7, 9, 0)).case;
    assert_eq!(c.recusals[0].status, "pending");
    // The investigation does not stop meanwhile (art. 43 para. 3).
    let c = w.run(&c, &photo(t(2026, 1, 7, 10, 0)), "off-b", t(2026, 1, 7, 11, 0)).case;
    let decide = Command::DecideRecusal { index: 0, accepted: true, reason: "存在利害关系，决定回避".into() };
    assert_eq!(w.refused(&c, &decide, "off-a", t(2026, 1, 8, 9, 0)).code, "case.role_required");
    let decided = w.run(&c, &decide, "lead-1", t(2026, 1, 8, 9, 0));
    assert!(decided.warnings.iter().any(|x| x.code == "case.handlers.reassign"), "{:?}", decided.warnings);
    let c = decided.case;
    assert_eq!(c.handlers, ["off-a"]);
    assert_eq!((c.recusals[0].status.as_str(), c.recusals[0].decided_by.as_deref()), ("accepted", Some("lead-1")));
    assert_eq!(w.refused(&c, &decide, "lead-1", t(2026, 1, 8, 9, 0)).code, "case.no_such_recusal");
    // Too few handlers to end the investigation.
    assert_refused(&w.refused(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 1, 8, 10, 0)), "case.handlers.too_few", "第四十二条");
    // The recused officer cannot be assigned again.
    let back = Command::AssignHandlers { handlers: vec!["off-a".into(), "off-b".into()] };
    assert_refused(&w.refused(&c, &back, "lead-1", t(2026, 1, 8, 10, 0)), "case.handlers.recused", "第四十三条");
    // off-c declared a kin relation with the party: assignment passes with a warning.
    let assigned = w.run(&c, &Command::AssignHandlers { handlers: vec!["off-a".into(), "off-c".into()] }, "lead-1", t(2026, 1, 8, 10, 0));
    let warn = assigned.warnings.iter().find(|x| x.code == "case.declared_relation").expect("a declared-relation warning");
    assert!(warn.message_zh.contains("赵磊") && warn.message_zh.contains("第四十三条"), "{}", warn.message_zh);
    assert_eq!(assigned.case.handlers, ["off-a", "off-c"]);
    assert_eq!(assigned.act_data["previous"], json!(["off-a"]));
    // The same warning when proposing the filing with that officer.
    let c2 = checked(&mut w, "case-r2", d(2026, 1, 2));
    let proposed = w.run(&c2, &filing("SZ-001", d(2026, 1, 1), &["off-a", "off-c"]), "off-a", t(2026, 1, 2, 11, 0));
    assert!(proposed.warnings.iter().any(|x| x.code == "case.declared_relation"));
}

// =============================================================================== 8. deadlines

/// Asserts a deadline's due day, its rule's citation and that it is open.
#[track_caller]
fn assert_deadline(w: &World, c: &Case, rule: &str, due_day: &str) {
    let dl = c.deadline(rule).unwrap_or_else(|| panic!("no {rule} deadline"));
    assert_eq!(dl.due, due_day, "{rule}: {}", dl.explanation_zh);
    assert_eq!(dl.citation, w.cited(rule), "{rule}");
    assert_eq!(dl.verified, w.profile.get(rule).unwrap().verified);
    assert!(dl.explanation_zh.contains(&w.cited(rule)), "{}", dl.explanation_zh);
    assert!(dl.id.starts_with(&format!("{}/{rule}/", c.id)));
}

/// local.complaint_reply (local rule, 5 working days): a complaint on Thu 2025-09-25: 09-26,
/// Sun 09-28 (调休上班), 09-29, 09-30, [国庆 10-01..10-08], Thu 10-09.
#[test]
fn deadline_complaint_reply_skips_national_day_and_counts_the_makeup_sunday() {
    let mut w = World::new();
    let mut reg = lead(d(2025, 9, 25), Source::Complaint);
    reg.informant = Some(chengguan_domain::case::Informant { name: "举报人甲".into(), phone: "13900000000".into(), ..Default::default() });
    let c = w.register("case-d1", reg, "off-a", t(2025, 9, 25, 10, 0)).case;
    assert_deadline(&w, &c, "local.complaint_reply", "2025-10-09");
    assert!(c.deadline("local.complaint_reply").unwrap().citation.contains("unverified"), "a local example value is marked");
    let told =
        w.run(&c, &Command::NotifyInformant { on: d(2025, 10, 9), method: "电话".into(), content: "已立案调查".into() }, "off-a", t(2025, 10, 9, 9, 0)).case;
    assert_eq!(status(&told, "local.complaint_reply"), "met");
    assert_eq!(told.informant_told, Some(d(2025, 10, 9)));
}

/// apl.decision_period (APL art. 60, 90 days): filed Thu 2025-07-03, day 90 is Wed 10-01 (国庆) →
/// the first working day after, Thu 10-09 (民事诉讼法 art. 85).
#[test]
fn deadline_decision_period_rolls_off_national_day() {
    let mut w = World::new();
    let c = filed(&mut w, "case-d2", "SZ-001", d(2025, 7, 1), d(2025, 6, 30), t(2025, 7, 3, 10, 0));
    assert_deadline(&w, &c, "apl.decision_period", "2025-10-09");
    assert!(c.deadline("apl.decision_period").unwrap().explanation_zh.contains("2025年10月1日"));
}

/// local.statement_period (local rule, 3 working days): served Fri 2026-02-13: Sat 02-14 (调休上班),
/// [春节 02-15..02-23], 02-24, 02-25.
#[test]
fn deadline_statement_period_counts_the_makeup_saturday_before_spring_festival() {
    let mut w = World::new();
    let c = filed(&mut w, "case-d3", "SZ-001", d(2026, 2, 2), d(2026, 2, 1), t(2026, 2, 3, 10, 0));
    let c = investigated(&mut w, &c, d(2026, 2, 4));
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 2, 5, 9, 0)).case;
    let c = notified(&mut w, &c, d(2026, 2, 12), d(2026, 2, 13));
    assert_deadline(&w, &c, "local.statement_period", "2026-02-25");
    assert_eq!(c.notice.as_ref().unwrap().statement_due, d(2026, 2, 25));
    assert!(c.deadline("apl.hearing_request").is_none(), "no hearing right, no hearing deadline");
}

/// apl.hearing_request (APL art. 64 (1) + 85, 5 working days): served Fri 2025-09-26 → Fri 10-10
/// (the 调休 Saturday 10-11 would be the 6th).
#[test]
fn deadline_hearing_request_spans_national_day() {
    let mut w = World::new();
    let c = filed(&mut w, "case-d4", "SZ-001", d(2025, 9, 1), d(2025, 8, 31), t(2025, 9, 2, 10, 0));
    let c = investigated(&mut w, &c, d(2025, 9, 3));
    let c = w.run(&c, &report(road_facts(), fine(10_000)), "off-a", t(2025, 9, 4, 9, 0)).case;
    let c = notified(&mut w, &c, d(2025, 9, 25), d(2025, 9, 26));
    assert_deadline(&w, &c, "apl.hearing_request", "2025-10-10");
    assert!(w.cited("apl.hearing_request").contains("第六十四条"));
}

/// apl.hearing_notice (APL art. 64 (2) + 85, 7 working days counted back, `latest_before`): for a
/// hearing on Mon 2025-10-13: Sat 10-11 (调休上班), 10-10, 10-09, [国庆], 09-30, 09-29, Sun 09-28
/// (调休上班), Fri 09-26.
#[test]
fn deadline_hearing_notice_counts_back_over_national_day() {
    let mut w = World::new();
    let c = filed(&mut w, "case-d5", "SZ-001", d(2025, 9, 1), d(2025, 8, 31), t(2025, 9, 2, 10, 0));
    let c = investigated(&mut w, &c, d(2025, 9, 3));
    let c = w.run(&c, &report(road_facts(), fine(10_000)), "off-a", t(2025, 9, 4, 9, 0)).case;
    let c = notified(&mut w, &c, d(2025, 9, 19), d(2025, 9, 22));
    let c = w.run(&c, &Command::RequestHearing { on: d(2025, 9, 23) }, "off-a", t(2025, 9, 23, 9, 0)).case;
    let schedule = |served: NaiveDate| Command::ScheduleHearing {
        at: t(2025, 10, 13, 9, 0),
        place: "听证室".into(),
        host: "host-1".into(),
        members: vec!["rev-q".into()],
        recorder: "off-d".into(),
        public: false,
        notice_served_on: served,
    };
    let late = w.refused(&c, &schedule(d(2025, 9, 29)), "lead-1", t(2025, 9, 29, 9, 0));
    assert_eq!(late.rule.as_deref(), Some(w.cited("apl.hearing_notice").as_str()));
    assert!(late.message_zh.contains("2025-09-26"), "{}", late.message_zh);
    let ok = w.run(&c, &schedule(d(2025, 9, 26)), "lead-1", t(2025, 9, 26, 15, 0));
    assert_eq!(ok.act_data["latest_notice_day"], json!("2025-09-26"));
    assert_eq!(ok.case.hearing.as_ref().and_then(|h| h.notice_served_on), Some(d(2025, 9, 26)));
    assert_eq!(w.refused(&c, &schedule(d(2025, 9, 26)), "lead-1", t(2025, 9, 25, 15, 0)).code, "case.date_in_future");
}

/// apl.service (APL art. 61 + 85, 7 working days): decided Tue 2025-09-30: [国庆 10-01..10-08],
/// 10-09, 10-10, Sat 10-11 (调休上班), 10-13, 10-14, 10-15, 10-16.
#[test]
fn deadline_service_after_a_decision_on_the_eve_of_national_day() {
    let mut w = World::new();
    let c = ordinary_decided(&mut w, "case-d6", d(2025, 9, 1), t(2025, 9, 2, 10, 0), d(2025, 9, 15), t(2025, 9, 30, 10, 0));
    assert_deadline(&w, &c, "apl.service", "2025-10-16");
    // Served late: a warning, not a refusal.
    let served = w.run(&c, &serve_in_person(t(2025, 10, 17, 10, 0)), "off-a", t(2025, 10, 17, 11, 0));
    assert!(served.warnings.iter().any(|x| x.code == "case.late"), "{:?}", served.warnings);
    assert_eq!(status(&served.case, "apl.service"), "met");
}

/// apl.preservation_decision (APL art. 56 + 85, 7 working days): approved Wed 2025-12-31: [元旦
/// 01-01..01-03], Sun 01-04 (调休上班), 01-05 … 01-09, Mon 01-12.
#[test]
fn deadline_preservation_decision_across_new_year() {
    let mut w = World::new();
    let c = filed(&mut w, "case-d7", "SZ-001", d(2025, 12, 22), d(2025, 12, 21), t(2025, 12, 23, 10, 0));
    let request = Command::RequestPreservation {
        items: vec![chengguan_domain::case::Item { name: "货架".into(), specification: "铁制".into(), quantity: "2个".into() }],
        place: "解放大道1号门前".into(),
        reason: "证据可能灭失".into(),
    };
    let c = w.run(&c, &request, "off-a", t(2025, 12, 31, 9, 0)).case;
    assert_eq!(c.preservations[0].status, "requested");
    let c = w.run(&c, &approve("同意先行登记保存"), "lead-1", t(2025, 12, 31, 10, 0)).case;
    assert_deadline(&w, &c, "apl.preservation_decision", "2026-01-12");
    assert_eq!(c.preservations[0].number.as_deref(), Some("江汉城管先保字〔2025〕1号"));
    assert_eq!(c.preservations[0].deadline_id.as_deref(), Some(c.deadline("apl.preservation_decision").unwrap().id.as_str()));
    let late = w.run(&c, &Command::DecidePreservation { index: 0, outcome: "解除登记保存，退还当事人".into() }, "off-a", t(2026, 1, 13, 9, 0));
    assert!(late.warnings.iter().any(|x| x.code == "case.late"));
    assert_eq!(status(&late.case, "apl.preservation_decision"), "met");
    assert_eq!(late.case.number_of("preservation_decision").map(|n| n.rendered.as_str()), Some("江汉城管先保决字〔2026〕1号"));
}

/// civil_procedure.public_notice_service (民事诉讼法 art. 95, 30 days): published Mon 2025-09-01,
/// day 30 is Wed 10-01 (国庆) → deemed served Thu 10-09.
#[test]
fn deadline_public_notice_service_is_deemed_after_thirty_days() {
    let mut w = World::new();
    let c = ordinary_decided(&mut w, "case-d8", d(2025, 8, 1), t(2025, 8, 4, 10, 0), d(2025, 8, 18), t(2025, 8, 29, 10, 0));
    let notice = Command::Serve {
        method: ServiceMethod::PublicNotice,
        served_at: t(2025, 9, 1, 9, 0),
        recipient: PARTY.into(),
        place: "江汉区城管局公告栏".into(),
        witness: None,
    };
    let c = w.run(&c, &notice, "off-a", t(2025, 9, 1, 10, 0)).case;
    assert_deadline(&w, &c, "civil_procedure.public_notice_service", "2025-10-09");
    assert_eq!(c.service.as_ref().map(|s| s.effective_on), Some(d(2025, 10, 9)));
}

// =============================================================================== 9. rows

/// The warning sweep (spec "Discipline": overdue or near-due deadlines warn).
#[test]
fn warning_of_is_none_then_near_then_overdue() {
    let near_from = d(2026, 2, 26);
    assert_eq!(warning_of("2026-02-28", near_from, t(2026, 2, 25, 23, 59)), "none");
    assert_eq!(warning_of("2026-02-28", near_from, t(2026, 2, 26, 0, 0)), "near");
    assert_eq!(warning_of("2026-02-28", near_from, t(2026, 2, 28, 23, 59)), "near", "due at the end of that day");
    assert_eq!(warning_of("2026-02-28", near_from, t(2026, 3, 1, 0, 0)), "overdue");
    assert_eq!(warning_of("2026-02-28T10:00:00", near_from, t(2026, 2, 28, 10, 0)), "near");
    assert_eq!(warning_of("2026-02-28T10:00:00", near_from, t(2026, 2, 28, 10, 1)), "overdue");
}

/// The case row: personal data of the party in its own columns, never in `data`; the round trip.
#[test]
fn a_case_row_round_trips_with_the_party_restored_from_its_columns() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-row");
    let row = c.to_row(TENANT);
    let data = row.text("data").unwrap();
    for secret in ["张三", "11010519491231002X", "13800138000", "解放大道1号"] {
        assert!(!data.contains(secret), "{secret} is in the case data");
    }
    assert_eq!(row.text("party_id_number"), Some("11010519491231002X"));
    assert_eq!(row.text("handler_ids"), Some(",off-a,off-b,"));
    assert_eq!(row.values["major"], Value::Int(0));
    let mut back = Case::from_row(&row).unwrap();
    assert_eq!(back.party, zhang_san());
    // `dirty` and `after` are the command's bookkeeping, not stored.
    let mut expected = c.clone();
    expected.deadlines.iter_mut().for_each(|x| x.dirty = false);
    expected.numbers.iter_mut().for_each(|n| {
        n.dirty = false;
        n.after = None;
    });
    assert_eq!(back, expected);
    // The version comes from its column.
    let row = row.set("version", 42i64);
    back = Case::from_row(&row).unwrap();
    assert_eq!(back.version, 42);
    assert!(Case::from_row(&chengguan_domain::Row::new(Table::Cases)).is_err());
}

/// P-2 (no silent weekdays): a decision period ending in 2027, a year without its State Council
/// notice in the calendar, is recorded as not computable; the case still reaches its decision.
#[test]
fn a_decision_period_ending_in_an_uncovered_year_does_not_break_the_decision() {
    let mut w = World::new();
    let c = filed(&mut w, "case-2027", "SZ-001", d(2026, 11, 2), d(2026, 11, 1), t(2026, 11, 3, 10, 0));
    let dp = c.deadline("apl.decision_period").unwrap();
    assert_eq!((dp.due.as_str(), dp.status.as_str()), ("", "open"));
    assert!(dp.explanation_zh.contains("2027"), "{}", dp.explanation_zh);
    let c = investigated(&mut w, &c, d(2026, 11, 4));
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", t(2026, 11, 5, 9, 0)).case;
    let c = notified(&mut w, &c, d(2026, 11, 9), d(2026, 11, 9));
    let c = w.run(&c, &Command::WaiveStatement { on: d(2026, 11, 9), signed: true }, "off-a", t(2026, 11, 9, 17, 0)).case;
    let decided = {
        let c = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 11, 10, 8, 0)).case;
        let c = w.run(&c, &review("agree"), "rev-2020", t(2026, 11, 10, 9, 0)).case;
        w.run(&c, &approve("同意"), "lead-1", t(2026, 11, 10, 10, 0))
    };
    assert_eq!(decided.case.state, State::Decided);
    assert!(!decided.case.decision.as_ref().unwrap().late, "an uncomputable period is not a late decision");
    assert!(decided.warnings.iter().all(|x| x.code != "case.late"), "{:?}", decided.warnings);
    assert_eq!(status(&decided.case, "apl.decision_period"), "met");
}

/// APL art. 34 (discretion benchmark): where the benchmark's tier is "warning only" (SZ-001
/// mitigated: eliminated the harm, corrected in time, minor harm), a fine is outside the benchmark:
/// it needs a written reason and makes the case one for legal review.
#[test]
fn a_fine_where_the_benchmark_proposes_a_warning_only_needs_a_written_reason() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-warn");
    let facts = Facts { eliminated_harm: true, corrected_in_time: true, harm: chengguan_domain::discretion::Harm::Minor, ..road_facts() };
    let warned = w.run(
        &c,
        &report(facts.clone(), Proposal { penalties: vec![chengguan_domain::power::PenaltyType::Warning], fine_yuan: None, ..fine(1) }),
        "off-a",
        t(2026, 1, 8, 9, 0),
    );
    let a = warned.case.report.as_ref().and_then(|r| r.assessment.as_ref()).unwrap();
    assert_eq!((a.tier, a.range), (TierKind::Mitigated, None));
    assert!(!warned.case.is_major());
    let fined = w.refused(&c, &report(facts.clone(), fine(3000)), "off-a", t(2026, 1, 8, 9, 0));
    assert_refused(&fined, "case.discretion.reason_required", "第三十四条");
    let reasoned = Proposal { reason_outside_range: Some("当事人虽改正，但占道经营影响消防通道，不宜仅予警告".into()), ..fine(3000) };
    let c = w.run(&c, &report(facts, reasoned), "off-a", t(2026, 1, 8, 9, 0)).case;
    assert!(c.major_grounds.contains(&"outside_benchmark".to_owned()), "{:?}", c.major_grounds);
}

/// The case page's gate view names what is missing with the refusal the gate would give.
#[test]
fn the_current_gate_names_what_is_missing() {
    let mut w = World::new();
    let c = notice_served(&mut w, "case-gate");
    let gate = chengguan_domain::case::current_gate(&c, &w.env(), t(2026, 1, 14, 9, 0));
    assert_eq!(gate.en, "decision");
    assert_eq!(gate.missing.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["case.statement_period"]);
    let gate = chengguan_domain::case::current_gate(&c, &w.env(), t(2026, 1, 16, 9, 0));
    assert_eq!(gate.missing.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["decision"]);
    let pending = w.run(&c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", t(2026, 1, 16, 9, 0)).case;
    let gate = chengguan_domain::case::current_gate(&pending, &w.env(), t(2026, 1, 16, 9, 0));
    assert_eq!((gate.en.as_str(), gate.missing[0].message_en.as_str()), ("decision", "awaiting the Legal reviewer (step 1 of 2)"));
}

/// Nothing is deleted: a number voided by a leader keeps its row, with the reason.
#[test]
fn a_voided_number_stays_with_its_reason() {
    let mut w = World::new();
    let c = investigating(&mut w, "case-void");
    let id = c.number_of("filing").unwrap().id.clone();
    let void = Command::VoidNumber { number_id: id.clone(), reason: "文书填写错误，重新立案审批".into() };
    assert_eq!(w.refused(&c, &void, "off-a", t(2026, 1, 7, 9, 0)).code, "case.role_required");
    let voided = w.run(&c, &void, "lead-1", t(2026, 1, 7, 9, 0));
    let n = voided.case.numbers.iter().find(|n| n.id == id).unwrap();
    assert_eq!((n.status.as_str(), n.void_reason.is_some(), n.voided_at), ("voided", true, Some(t(2026, 1, 7, 9, 0))));
    assert!(voided.case.number_of("filing").is_none());
    let ch = voided.to_change(TENANT, "acct-lead-1", Some(c.version), t(2026, 1, 7, 9, 0));
    let row = ch.rows.iter().find(|r| r.table == Table::DocNumbers).expect("the voided number's row is rewritten");
    assert_eq!(row.text("status"), Some("voided"));
    assert!(!ch.expect.iter().any(|e| e.table == Table::DocSequences), "voiding draws no number");
}
