//! A small world for driving the case state machine (`chengguan_domain::case`) in tests: the
//! national rules, calendar and demo power list, a fixed cast of people, the document-number
//! sequences a store would keep, and helpers that run a command and refuse loudly.
//!
//! The cast (certificates scoped "城市管理综合执法 / 江汉区", valid 2024-01-01..2027-12-31 unless said):
//! - `off-a` 王强, `off-b` 李明, `off-d` 孙涛: officers of the street enforcement team;
//! - `off-c` 赵磊: officer who declared a kin relation with 张三 (the usual party);
//! - `off-x` 周亮: officer whose certificate expired on 2024-12-31;
//! - `aux-1` 陈华: auxiliary (协管人员), no certificate;
//! - `rev-2020` 刘洋: legal reviewer appointed 2020-03-01 without the legal qualification (allowed:
//!   APL art. 58 para. 2 binds those who start after the 2021 revision);
//! - `rev-2023` 何静: legal reviewer appointed 2023-05-01 without the qualification (refused);
//! - `rev-q` 吴敏: legal reviewer appointed 2023-05-01 with the qualification;
//! - `lead-1` 郑伟, `lead-2` 冯军: leaders (负责人) of the bureau;
//! - `lead-rev` 褚红: holds both the leader and the legal-reviewer role;
//! - `law-1` 卫东: the resident lawyer (驻队律师);
//! - `host-1` 蒋平: officer of the legal department who hosts hearings.
#![allow(dead_code)]

use chengguan_domain::auth::Role;
use chengguan_domain::calendar::Calendar;
use chengguan_domain::case::{
    self, Actor, Case, CaseRules, Chain, ChainAct, Command, Decided, Env, Outcome, Party, PartyKind, PersonFacts, Proposal, Registration, Relation,
    ReviewChecks, ReviewerAppointment, Source,
};
use chengguan_domain::discretion::{Facts, Harm};
use chengguan_domain::org::OrgKind;
use chengguan_domain::people::Certificate;
use chengguan_domain::power::{PenaltyType, PowerList};
use chengguan_domain::profile::ProcedureProfile;
use chengguan_domain::Refusal;
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const TENANT: &str = "t-jianghan";
pub const UNIT: &str = "u-team-1";
pub const SUBJECT_UNIT: &str = "u-bureau";
pub const SUBJECT: &str = "江汉城管";
pub const SCOPE: &str = "城市管理综合执法 / 江汉区";
pub const PARTY: &str = "张三";

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn t(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

pub fn at(day: NaiveDate, h: u32) -> NaiveDateTime {
    day.and_hms_opt(h, 0, 0).unwrap()
}

pub fn cert(person: &str, from: NaiveDate, until: NaiveDate) -> Certificate {
    Certificate {
        tenant_id: TENANT.into(),
        id: format!("cert-{person}"),
        person_id: person.into(),
        number: format!("鄂城执{person}"),
        issuer: "湖北省人民政府".into(),
        valid_from: from,
        valid_until: until,
        scope: SCOPE.into(),
        active: true,
    }
}

fn someone(id: &str, name: &str) -> PersonFacts {
    PersonFacts {
        id: id.into(),
        name: name.into(),
        unit_id: UNIT.into(),
        auxiliary: false,
        active: true,
        certificates: Vec::new(),
        relations: Vec::new(),
        reviewer: None,
    }
}

fn officer(id: &str, name: &str) -> PersonFacts {
    PersonFacts { certificates: vec![cert(id, d(2024, 1, 1), d(2027, 12, 31))], ..someone(id, name) }
}

fn reviewer(id: &str, name: &str, appointed_on: NaiveDate, qualification: Option<&str>) -> PersonFacts {
    PersonFacts {
        unit_id: SUBJECT_UNIT.into(),
        reviewer: Some(ReviewerAppointment { appointed_on, qualification_number: qualification.map(str::to_owned) }),
        ..someone(id, name)
    }
}

pub fn cast() -> BTreeMap<String, PersonFacts> {
    let mut people = vec![
        officer("off-a", "王强"),
        officer("off-b", "李明"),
        PersonFacts {
            relations: vec![Relation { related_name: Some(PARTY.into()), related_id_number: None, relation: "表兄弟（亲属）".into() }],
            ..officer("off-c", "赵磊")
        },
        officer("off-d", "孙涛"),
        PersonFacts { certificates: vec![cert("off-x", d(2019, 1, 1), d(2024, 12, 31))], ..someone("off-x", "周亮") },
        PersonFacts { auxiliary: true, ..someone("aux-1", "陈华") },
        reviewer("rev-2020", "刘洋", d(2020, 3, 1), None),
        reviewer("rev-2023", "何静", d(2023, 5, 1), None),
        reviewer("rev-q", "吴敏", d(2023, 5, 1), Some("A20223101010001")),
        PersonFacts { unit_id: SUBJECT_UNIT.into(), ..someone("lead-1", "郑伟") },
        PersonFacts { unit_id: SUBJECT_UNIT.into(), ..someone("lead-2", "冯军") },
        reviewer("lead-rev", "褚红", d(2019, 6, 1), Some("A20193101010002")),
        PersonFacts { unit_id: SUBJECT_UNIT.into(), ..someone("law-1", "卫东") },
        PersonFacts { unit_id: SUBJECT_UNIT.into(), ..officer("host-1", "蒋平") },
    ];
    people.drain(..).map(|p| (p.id.clone(), p)).collect()
}

/// The roles each member of the cast holds over the case's unit.
pub fn roles_of(id: &str) -> Vec<(Role, OrgKind)> {
    match id {
        "aux-1" => vec![(Role::Auxiliary, OrgKind::StreetEnforcementTeam)],
        "rev-2020" | "rev-2023" | "rev-q" => vec![(Role::LegalReviewer, OrgKind::Bureau)],
        "lead-1" | "lead-2" => vec![(Role::Leader, OrgKind::Bureau)],
        "lead-rev" => vec![(Role::Leader, OrgKind::Bureau), (Role::LegalReviewer, OrgKind::Bureau)],
        "law-1" => vec![(Role::Lawyer, OrgKind::Bureau)],
        "host-1" => vec![(Role::Officer, OrgKind::Bureau)],
        _ => vec![(Role::Officer, OrgKind::StreetEnforcementTeam)],
    }
}

/// Everything `Env` borrows, owned; `sequences` advance as a store would after each commit.
pub struct World {
    pub rules: &'static CaseRules,
    pub profile: ProcedureProfile,
    pub calendar: &'static Calendar,
    pub power: PowerList,
    pub people: BTreeMap<String, PersonFacts>,
    pub sequences: BTreeMap<String, i64>,
    pub chains: BTreeMap<ChainAct, Chain>,
    /// The enforcement subject's kind (`None`: the level of power items is not checked).
    pub subject_kind: Option<chengguan_domain::org::OrgKind>,
    new_id: Box<dyn Fn(&str) -> String + Sync>,
}

impl World {
    pub fn new() -> World {
        World::with_profile(ProcedureProfile::national())
    }

    pub fn with_profile(profile: ProcedureProfile) -> World {
        let counter = Arc::new(AtomicU64::new(0));
        let new_id = Box::new(move |prefix: &str| format!("{prefix}-{}", counter.fetch_add(1, Ordering::Relaxed) + 1));
        World {
            rules: CaseRules::national(),
            profile,
            calendar: Calendar::national(),
            power: PowerList::demo(),
            people: cast(),
            sequences: BTreeMap::new(),
            chains: BTreeMap::new(),
            subject_kind: None,
            new_id,
        }
    }

    pub fn env(&self) -> Env<'_> {
        Env {
            rules: self.rules,
            profile: &self.profile,
            calendar: self.calendar,
            power: &self.power,
            people: &self.people,
            sequences: &self.sequences,
            chains: &self.chains,
            subject_name: SUBJECT,
            subject_kind: self.subject_kind,
            new_id: &*self.new_id,
        }
    }

    /// The actor behind a member of the cast, with that member's usual roles.
    pub fn actor(&self, id: &str) -> Actor {
        self.actor_with(id, roles_of(id))
    }

    pub fn actor_with(&self, id: &str, roles: Vec<(Role, OrgKind)>) -> Actor {
        let person = self.people.get(id).unwrap_or_else(|| panic!("no {id} in the cast")).clone();
        Actor { account_id: format!("acct-{id}"), person: Some(person), roles }
    }

    /// What the store does after a commit: the series' last values advance to the issued numbers.
    fn committed(&mut self, decided: &Decided) {
        for n in decided.case.numbers.iter().filter(|n| n.dirty) {
            let last = self.sequences.entry(n.series.clone()).or_insert(0);
            *last = (*last).max(n.seq);
        }
    }

    pub fn try_register(&mut self, id: &str, reg: Registration, by: &str, now: NaiveDateTime) -> Result<Decided, Refusal> {
        let actor = self.actor(by);
        let r = case::register(id, SUBJECT_UNIT, reg, &actor, &self.env(), now);
        if let Ok(x) = &r {
            self.committed(x);
        }
        r
    }

    pub fn register(&mut self, id: &str, reg: Registration, by: &str, now: NaiveDateTime) -> Decided {
        self.try_register(id, reg, by, now).unwrap_or_else(|r| panic!("register refused: {r} ({:?})", r.rule))
    }

    pub fn apply_as(&mut self, c: &Case, cmd: &Command, actor: &Actor, now: NaiveDateTime) -> Result<Decided, Refusal> {
        let r = case::apply(c, cmd, actor, &self.env(), now);
        if let Ok(x) = &r {
            self.committed(x);
        }
        r
    }

    pub fn try_run(&mut self, c: &Case, cmd: &Command, by: &str, now: NaiveDateTime) -> Result<Decided, Refusal> {
        let actor = self.actor(by);
        self.apply_as(c, cmd, &actor, now)
    }

    /// Runs a command that must pass.
    pub fn run(&mut self, c: &Case, cmd: &Command, by: &str, now: NaiveDateTime) -> Decided {
        self.try_run(c, cmd, by, now).unwrap_or_else(|r| panic!("{} by {by} refused: {r} — {} ({:?})", cmd.name(), r.message_zh, r.rule))
    }

    /// Runs a command that must be refused, and returns the refusal.
    pub fn refused(&mut self, c: &Case, cmd: &Command, by: &str, now: NaiveDateTime) -> Refusal {
        match self.try_run(c, cmd, by, now) {
            Ok(_) => panic!("{} by {by} was expected to be refused", cmd.name()),
            Err(r) => r,
        }
    }

    pub fn refused_as(&mut self, c: &Case, cmd: &Command, actor: &Actor, now: NaiveDateTime) -> Refusal {
        match self.apply_as(c, cmd, actor, now) {
            Ok(_) => panic!("{} by {} was expected to be refused", cmd.name(), actor.account_id),
            Err(r) => r,
        }
    }

    pub fn cited(&self, key: &str) -> String {
        self.profile.get(key).unwrap().cited()
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

// ------------------------------------------------------------------------------------ values

pub fn zhang_san() -> Party {
    Party {
        kind: Some(PartyKind::Person),
        name: PARTY.into(),
        id_number: Some("11010519491231002X".into()),
        phone: Some("13800138000".into()),
        address: Some("武汉市江汉区解放大道1号".into()),
        representative: None,
        details: BTreeMap::from([("sex".to_owned(), "男".to_owned()), ("occupation".to_owned(), "个体经营".to_owned())]),
    }
}

pub fn lead(lead_on: NaiveDate, source: Source) -> Registration {
    Registration {
        unit_id: UNIT.into(),
        source,
        source_ref: None,
        informant: None,
        lead_on,
        title: "解放大道占道经营".into(),
        content: "巡查发现当事人在解放大道人行道上摆放货架经营".into(),
        party: None,
        cause_code: None,
    }
}

pub fn filing(cause: &str, violation_on: NaiveDate, handlers: &[&str]) -> Command {
    Command::ProposeFiling {
        cause_code: cause.into(),
        party: zhang_san(),
        violation_on,
        violation_ended_on: None,
        extended_limitation: false,
        handlers: handlers.iter().map(|h| (*h).to_owned()).collect(),
        facts: "当事人未经批准占用人行道摆放货架经营，面积约10平方米".into(),
        reason: "涉嫌违反《城市道路管理条例》，需要立案调查".into(),
    }
}

pub fn approve(opinion: &str) -> Command {
    Command::Approve { opinion: opinion.into(), review: None }
}

/// A legal reviewer's opinion with every check done.
pub fn checks(conclusion: &str) -> ReviewChecks {
    ReviewChecks {
        subject_and_authority: true,
        officer_qualification: true,
        procedure: true,
        facts_and_evidence: true,
        legal_basis_and_discretion: true,
        documents: true,
        judiciary_transfer_needed: false,
        conclusion: conclusion.into(),
    }
}

pub fn review(conclusion: &str) -> Command {
    Command::Approve {
        opinion: "主体适格，事实清楚，证据确凿，程序合法，适用法律正确，裁量适当".into(), review: Some(checks(conclusion))
    }
}

/// An evidence item as the API receives it (JSON: the input type is not re-exported by name).
pub fn evidence(v: serde_json::Value) -> Command {
    serde_json::from_value(json!({ "command": "add_evidence", "evidence": v })).expect("a valid add_evidence command")
}

pub fn interview(collected_at: NaiveDateTime, interviewee: &str) -> Command {
    evidence(json!({
        "kind": "interview", "title": "询问笔录", "content": "当事人承认占道经营",
        "officers": ["off-a", "off-b"], "collected_at": collected_at, "place": "江汉区城管执法中队询问室",
        "interviewee": interviewee,
    }))
}

pub fn inspection(collected_at: NaiveDateTime, witness: Option<&str>) -> Command {
    evidence(json!({
        "kind": "site_inspection", "title": "现场检查（勘验）笔录", "content": "人行道上摆放货架约10平方米",
        "officers": ["off-a", "off-b"], "collected_at": collected_at, "place": "解放大道1号门前",
        "party_present": false, "witness": witness,
    }))
}

pub fn photo(collected_at: NaiveDateTime) -> Command {
    evidence(json!({
        "kind": "photo", "title": "现场照片3张", "collected_at": collected_at, "place": "解放大道1号门前",
        "files": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    }))
}

/// Facts of an ordinary occupation of the road (10 m², no circumstances either way).
pub fn road_facts() -> Facts {
    Facts { quantity: Some(10), ..Facts::default() }
}

pub fn fine(yuan: i64) -> Proposal {
    Proposal {
        outcome: Outcome::Penalty,
        penalties: vec![PenaltyType::Fine],
        fine_yuan: Some(yuan),
        confiscation_yuan: None,
        no_penalty_ground: None,
        education: None,
        reason_outside_range: None,
        order_to_correct: Some("责令立即改正，恢复人行道通行".into()),
        receiving_body: None,
    }
}

pub fn report(facts: Facts, proposal: Proposal) -> Command {
    Command::SubmitReport {
        findings: "当事人于违法行为发生之日未经批准占用人行道摆放货架经营，面积约10平方米".into(),
        evidence_summary: "询问笔录、现场检查笔录、现场照片".into(),
        provisions: "《城市道路管理条例》第二十七条、第四十二条".into(),
        facts,
        proposal,
        major_grounds: Vec::new(),
        complex: false,
    }
}

pub fn first_offence_facts() -> Facts {
    Facts { first_offence: true, corrected_in_time: true, harm: Harm::Minor, ..Facts::default() }
}

// ------------------------------------------------------------------------------------ drives

/// Register (at 09:00 of `lead_on`), check and propose filing the same day, the leader approves
/// at `filed_at`: the case is under investigation with handlers off-a and off-b.
pub fn filed(w: &mut World, id: &str, cause: &str, lead_on: NaiveDate, violation_on: NaiveDate, filed_at: NaiveDateTime) -> Case {
    let c = w.register(id, lead(lead_on, Source::Patrol), "off-a", at(lead_on, 9)).case;
    let c = w.run(&c, &Command::RecordCheck { finding: "经核查，违法行为属实".into(), violation_found: true }, "off-a", at(lead_on, 10)).case;
    let c = w.run(&c, &filing(cause, violation_on, &["off-a", "off-b"]), "off-a", at(lead_on, 11)).case;
    w.run(&c, &approve("同意立案"), "lead-1", filed_at).case
}

/// Interview, site inspection with a witness and a photo on `day`.
pub fn investigated(w: &mut World, c: &Case, day: NaiveDate) -> Case {
    let c = w.run(c, &interview(at(day, 9), PARTY), "off-a", at(day, 12)).case;
    let c = w.run(&c, &inspection(at(day, 10), Some("李四（解放大道2号商户）")), "off-a", at(day, 12)).case;
    w.run(&c, &photo(at(day, 10)), "off-b", at(day, 12)).case
}

/// Propose the prior notice, legal review (rev-2020) and the leader's approval on `approve_on`,
/// served on `served_on` (the command at 16:00 that day).
pub fn notified(w: &mut World, c: &Case, approve_on: NaiveDate, served_on: NaiveDate) -> Case {
    let c = w.run(c, &Command::ProposeNotice {}, "off-a", at(approve_on, 9)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", at(approve_on, 10)).case;
    let c = w.run(&c, &approve("同意告知"), "lead-1", at(approve_on, 11)).case;
    w.run(&c, &Command::ServeNotice { served_on, method: "直接送达".into() }, "off-a", at(served_on, 16)).case
}

/// Propose the decision (08:00 of `propose_on`), legal review by rev-2020 (08:30) and the
/// leader's decision at `decided_at` (ordinary, non-major cases).
pub fn decided(w: &mut World, c: &Case, propose_on: NaiveDate, decided_at: NaiveDateTime) -> Case {
    let c = w.run(c, &Command::ProposeDecision { reasoned_text: None, answers_to_statement: None }, "off-a", at(propose_on, 8)).case;
    let c = w.run(&c, &review("agree"), "rev-2020", propose_on.and_hms_opt(8, 30, 0).unwrap()).case;
    w.run(&c, &approve("同意"), "lead-1", decided_at).case
}

/// An ordinary SZ-001 case (8,000 yuan) from a lead on `lead_on` to the decision at `decided_at`,
/// the statement waived the day the notice is served.
pub fn ordinary_decided(w: &mut World, id: &str, lead_on: NaiveDate, filed_at: NaiveDateTime, served_on: NaiveDate, decided_at: NaiveDateTime) -> Case {
    let c = filed(w, id, "SZ-001", lead_on, lead_on.pred_opt().unwrap(), filed_at);
    let day = filed_at.date().succ_opt().unwrap();
    let c = investigated(w, &c, day);
    let c = w.run(&c, &report(road_facts(), fine(8000)), "off-a", at(day, 17)).case;
    let c = notified(w, &c, served_on, served_on);
    let c = w.run(&c, &Command::WaiveStatement { on: served_on, signed: true }, "off-a", at(served_on, 17)).case;
    decided(w, &c, decided_at.date(), decided_at)
}
