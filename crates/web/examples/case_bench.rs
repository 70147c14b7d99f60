//! Case benchmark (a load script, not a test): case commands per second through the HTTP API, each
//! a durable transaction with its ledger entry, and complete cases per second, under a realistic
//! mix of cases driven by K concurrent clients for T seconds.
//!
//!   cargo run --release -p chengguan-web --example case_bench -- [--clients K] [--seconds T]
//!       [--teams U] [--mix 60,15,10,10,5] [--database-url URL] [--idempotency-keys] [--no-verify]
//!       [--profile N [--floor-tasks K]]
//!   cargo run --release -p chengguan-web --example case_bench -- --database-url postgres://postgres@127.0.0.1:PORT/postgres
//!
//! Environment instead of flags: CASE_BENCH_CLIENTS, CASE_BENCH_SECONDS, CASE_BENCH_TEAMS,
//! CASE_BENCH_MIX, TEST_DATABASE_URL (a PostgreSQL server's admin URL: a new database is created on
//! it, as the test suites do; without it a new SQLite file in the temp directory).
//!
//! What it does: starts the real server in-process on 127.0.0.1:0 over a fresh database, loads the
//! demo city, logs in the demo accounts (officer, leader, legal_reviewer; admin to create one
//! officer account per further street team), then each client loops: pick a case kind by the mix,
//! drive it over HTTP from registration to its end, one request at a time, as the people involved
//! would (officer, legal reviewer, leader). Every request is timed from send to the complete
//! response body. The mix (weights, in this order):
//!
//! - `ordinary`: a fine (占道经营 SZ-001), the party waives statement and defence; 16 requests from
//!   registration to service (the request sequence of tests/api/cases.rs);
//! - `no_penalty`: a first offence on the 首违不罚 list (SR-003) with education; no prior notice;
//!   11 requests to service;
//! - `declined`: a lead checked and declined (不予立案) with the leader's approval; 4 requests;
//! - `investigating`: filed, then five evidence items, and left under investigation; 9 requests;
//! - `judiciary`: filed, investigated, transferred to the judiciary (移送司法机关); 10 requests.
//!
//! A 409 (the case or a document-number series changed concurrently, after the server's own
//! retries) is retried by the client up to 5 times and counted. Figures go to stdout as Markdown
//! tables for docs/performance.md.
//!
//! `--profile N`: after the run (over the database it filled), one task times N times each read
//! that one case command makes before its commit — the `Ctx` extractor's (session, account,
//! tenant, grants, org graph) and `cases::load`'s (overrides, tenant, power list, document
//! sequences, people + certificates + relations + reviewers, approval chains) — then the same
//! command through the service function without HTTP, over HTTP, and a lone commit.

// The server binary's allocator (crates/chengguan/src/main.rs), so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chengguan_domain::demo;
use chengguan_web::{services, AppState};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KINDS: [&str; 5] = ["ordinary", "no_penalty", "declined", "investigating", "judiciary"];
const PARTIES: [&str; 8] = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十"];

struct Config {
    clients: usize,
    seconds: u64,
    teams: usize,
    mix: [u32; 5],
    database_url: Option<String>,
    idempotency_keys: bool,
    verify: bool,
    /// After the run: time each read a case command makes, N times (0: skip).
    profile: usize,
    /// Concurrent tasks of the profile's floors.
    floor_tasks: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: case_bench [--clients K] [--seconds T] [--teams U] [--mix O,N,D,I,J] [--database-url URL] [--idempotency-keys] [--no-verify] [--profile N [--floor-tasks K]]"
    );
    std::process::exit(2)
}

fn config() -> Config {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut c = Config {
        clients: env("CASE_BENCH_CLIENTS").and_then(|v| v.parse().ok()).unwrap_or(32),
        seconds: env("CASE_BENCH_SECONDS").and_then(|v| v.parse().ok()).unwrap_or(60),
        teams: env("CASE_BENCH_TEAMS").and_then(|v| v.parse().ok()).unwrap_or(4),
        mix: [60, 15, 10, 10, 5],
        database_url: env("TEST_DATABASE_URL"),
        idempotency_keys: false,
        verify: true,
        profile: 0,
        floor_tasks: 32,
    };
    let mix = env("CASE_BENCH_MIX");
    let mut mix = mix;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--clients" => c.clients = val().parse().unwrap_or_else(|_| usage()),
            "--seconds" => c.seconds = val().parse().unwrap_or_else(|_| usage()),
            "--teams" => c.teams = val().parse().unwrap_or_else(|_| usage()),
            "--mix" => mix = Some(val()),
            "--database-url" => c.database_url = Some(val()),
            "--idempotency-keys" => c.idempotency_keys = true,
            "--no-verify" => c.verify = false,
            "--profile" => c.profile = val().parse().unwrap_or_else(|_| usage()),
            "--floor-tasks" => c.floor_tasks = val().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    if let Some(m) = mix {
        let w: Vec<u32> = m.split(',').map(|x| x.trim().parse().unwrap_or_else(|_| usage())).collect();
        if w.len() != 5 || w.iter().sum::<u32>() == 0 {
            usage()
        }
        c.mix.copy_from_slice(&w);
    }
    if c.clients == 0 || c.teams == 0 || c.teams > demo::STREET_TEAMS.len() {
        usage()
    }
    c
}

/// A small deterministic generator (splitmix64): each client draws its own sequence of cases.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One street team: its officer's token and the two handlers (the officer's person first).
#[derive(Clone)]
struct Team {
    unit: String,
    officer: String,
    h1: String,
    h2: String,
}

struct Shared {
    base: String,
    client: Client,
    state: AppState,
    leader: String,
    reviewer: String,
    teams: Vec<Team>,
    started: Instant,
    /// When the clients stop issuing requests (moved on for `--profile`).
    deadline: Mutex<Instant>,
    idempotency_keys: bool,
    next_key: AtomicU64,
    errors: Mutex<BTreeMap<String, (u64, String)>>,
}

#[derive(Default)]
struct Tally {
    /// Latency of every successful write request, by request kind (register or command name).
    lat: BTreeMap<String, Vec<Duration>>,
    /// Successful writes per 10-second window of the run.
    windows: Vec<u64>,
    conflicts: u64,
    failed_requests: u64,
    started: [u64; 5],
    completed: [u64; 5],
    abandoned: u64,
}

enum Stop {
    /// The run's time is up: the case stays where it is.
    Time,
    /// A request failed (counted): the case is abandoned.
    Failed,
}

struct Driver<'a> {
    s: &'a Shared,
    t: &'a mut Tally,
}

impl Driver<'_> {
    /// One write request: POST, retried on 409; the successful attempt's latency is recorded.
    async fn post(&mut self, token: &str, path: &str, kind: &str, body: &Value, expect: StatusCode) -> Result<Value, Stop> {
        for attempt in 0..6 {
            if Instant::now() >= *self.s.deadline.lock().unwrap() {
                return Err(Stop::Time);
            }
            let mut rq = self.s.client.post(format!("{}{path}", self.s.base)).bearer_auth(token).json(body);
            if self.s.idempotency_keys {
                rq = rq.header("Idempotency-Key", format!("bench-{}", self.s.next_key.fetch_add(1, Ordering::Relaxed)));
            }
            let t0 = Instant::now();
            let r = rq.send().await;
            let (status, text) = match r {
                Ok(r) => {
                    let st = r.status();
                    (st, r.text().await.unwrap_or_default())
                }
                Err(e) => (StatusCode::from_u16(599).unwrap(), e.to_string()),
            };
            let took = t0.elapsed();
            if status == expect {
                self.t.lat.entry(kind.to_owned()).or_default().push(took);
                let w = (self.s.started.elapsed().as_secs() / 10) as usize;
                if self.t.windows.len() <= w {
                    self.t.windows.resize(w + 1, 0);
                }
                self.t.windows[w] += 1;
                return serde_json::from_str(&text).map_err(|_| Stop::Failed);
            }
            if status == StatusCode::CONFLICT && attempt < 5 {
                self.t.conflicts += 1;
                continue;
            }
            self.t.failed_requests += 1;
            let code = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["error"]["code"].as_str().map(str::to_owned)).unwrap_or_default();
            let mut errors = self.s.errors.lock().unwrap();
            let e = errors.entry(format!("{kind}: {} {code}", status.as_u16())).or_insert((0, text.chars().take(300).collect()));
            e.0 += 1;
            return Err(Stop::Failed);
        }
        unreachable!()
    }

    async fn register(&mut self, team: &Team, title: &str, content: &str) -> Result<String, Stop> {
        let today = self.s.state.clock.now().date();
        let body = json!({ "unit_id": team.unit, "source": "patrol", "lead_on": today, "title": title, "content": content });
        let v = self.post(&team.officer, "/api/v1/cases", "register", &body, StatusCode::CREATED).await?;
        v["case_id"].as_str().map(str::to_owned).ok_or(Stop::Failed)
    }

    async fn cmd(&mut self, token: &str, case: &str, body: Value) -> Result<Value, Stop> {
        let kind = body["command"].as_str().unwrap_or("?").to_owned();
        self.post(token, &format!("/api/v1/cases/{case}/commands"), &kind, &body, StatusCode::OK).await
    }

    /// Registered, checked, filing proposed with both handlers, approved by the leader.
    async fn filed(&mut self, team: &Team, cause: &str, party: &str, title: &str) -> Result<String, Stop> {
        let today = self.s.state.clock.now().date();
        let id = self.register(team, title, "巡查发现当事人在人行道上摆摊经营").await?;
        let o = &team.officer;
        self.cmd(o, &id, json!({ "command": "record_check", "finding": "现场核实存在违法行为", "violation_found": true })).await?;
        self.cmd(
            o,
            &id,
            json!({ "command": "propose_filing", "cause_code": cause,
                "party": { "kind": "person", "name": party, "id_number": "420103198501011234", "phone": "13812345678", "address": "江汉区民族路1号" },
                "violation_on": today - chrono::Duration::days(3), "handlers": [team.h1, team.h2], "facts": "当事人在人行道摆摊占道约6平方米", "reason": "涉嫌擅自占用城市道路" }),
        )
        .await?;
        self.cmd(&self.s.leader.clone(), &id, json!({ "command": "approve", "opinion": "同意立案" })).await?;
        Ok(id)
    }

    async fn evidence(&mut self, team: &Team, id: &str, party: &str, items: usize) -> Result<(), Stop> {
        let at = self.s.state.clock.now() - chrono::Duration::minutes(5);
        let all = [
            json!({ "kind": "site_inspection", "title": "现场检查笔录", "content": "占道约6平方米", "officers": [team.h1, team.h2], "collected_at": at, "place": "民族路", "party_present": true }),
            json!({ "kind": "interview", "title": format!("询问笔录（{party}）"), "officers": [team.h1, team.h2], "collected_at": at, "interviewee": party }),
            json!({ "kind": "interview", "title": "询问笔录（证人）", "officers": [team.h1, team.h2], "collected_at": at, "interviewee": "邻近商户李某" }),
            json!({ "kind": "document", "title": "营业执照复印件", "content": "当事人提供", "collected_at": at }),
            json!({ "kind": "certified_copy", "title": "占道审批查询记录", "collected_at": at, "source": "区城管局审批科", "certified_on": at.date(), "certified_by": team.h2 }),
        ];
        for e in all.iter().take(items) {
            self.cmd(&team.officer, id, json!({ "command": "add_evidence", "evidence": e })).await?;
        }
        Ok(())
    }

    fn review() -> Value {
        json!({ "subject_and_authority": true, "officer_qualification": true, "procedure": true, "facts_and_evidence": true,
                "legal_basis_and_discretion": true, "documents": true, "judiciary_transfer_needed": false, "conclusion": "agree" })
    }

    /// Decision proposal, legal review, the leader's approval.
    async fn decided(&mut self, team: &Team, id: &str) -> Result<Value, Stop> {
        let (leader, reviewer) = (self.s.leader.clone(), self.s.reviewer.clone());
        self.cmd(&team.officer, id, json!({ "command": "propose_decision" })).await?;
        self.cmd(&reviewer, id, json!({ "command": "approve", "opinion": "同意", "review": Self::review() })).await?;
        self.cmd(&leader, id, json!({ "command": "approve", "opinion": "同意" })).await
    }

    async fn served(&mut self, team: &Team, id: &str, party: &str) -> Result<Value, Stop> {
        let at = self.s.state.clock.now();
        self.cmd(&team.officer, id, json!({ "command": "serve", "method": "in_person", "served_at": at, "recipient": party, "place": "民族路" })).await
    }

    async fn ordinary(&mut self, team: &Team, party: &str) -> Result<Value, Stop> {
        let (leader, reviewer) = (self.s.leader.clone(), self.s.reviewer.clone());
        let id = self.filed(team, "SZ-001", party, "占道经营").await?;
        self.evidence(team, &id, party, 2).await?;
        let o = &team.officer;
        self.cmd(
            o,
            &id,
            json!({ "command": "submit_report", "findings": "当事人擅自占用人行道经营", "evidence_summary": "现场检查笔录、询问笔录", "provisions": "《城市道路管理条例》第二十七条、第四十二条",
                "facts": { "quantity": 6, "harm": "minor" }, "proposal": { "outcome": "penalty", "penalties": ["fine"], "fine_yuan": 6000, "reason_outside_range": "当事人经营时间长，多次劝导未改" } }),
        )
        .await?;
        self.cmd(o, &id, json!({ "command": "propose_notice" })).await?;
        self.cmd(&reviewer, &id, json!({ "command": "approve", "opinion": "事实清楚，同意告知", "review": Self::review() })).await?;
        self.cmd(&leader, &id, json!({ "command": "approve", "opinion": "同意" })).await?;
        let today = self.s.state.clock.now().date();
        self.cmd(o, &id, json!({ "command": "serve_notice", "served_on": today, "method": "直接送达" })).await?;
        self.cmd(o, &id, json!({ "command": "waive_statement", "on": today, "signed": true })).await?;
        self.decided(team, &id).await?;
        self.served(team, &id, party).await
    }

    async fn no_penalty(&mut self, team: &Team, party: &str) -> Result<Value, Stop> {
        let id = self.filed(team, "SR-003", party, "阳台外吊挂物品").await?;
        self.evidence(team, &id, party, 2).await?;
        self.cmd(
            &team.officer,
            &id,
            json!({ "command": "submit_report", "findings": "当事人在阳台外吊挂有碍市容物品，经劝导已当场改正", "evidence_summary": "现场检查笔录、询问笔录",
                "provisions": "《城市市容和环境卫生管理条例》第十条", "facts": { "first_offence": true, "corrected_in_time": true, "harm": "minor" },
                "proposal": { "outcome": "no_penalty", "no_penalty_ground": "first_offence", "education": "当场宣讲《城市市容和环境卫生管理条例》，当事人签字确认" } }),
        )
        .await?;
        self.decided(team, &id).await?;
        self.served(team, &id, party).await
    }

    async fn declined(&mut self, team: &Team) -> Result<Value, Stop> {
        let id = self.register(team, "群众反映占道经营", "接报称某路段有人摆摊").await?;
        let o = &team.officer;
        self.cmd(o, &id, json!({ "command": "record_check", "finding": "到场核查未发现违法行为", "violation_found": false })).await?;
        self.cmd(o, &id, json!({ "command": "propose_disposal", "outcome": "decline", "reason": "经核查违法事实不存在" })).await?;
        self.cmd(&self.s.leader.clone(), &id, json!({ "command": "approve", "opinion": "同意不予立案" })).await
    }

    async fn investigating(&mut self, team: &Team, party: &str) -> Result<Value, Stop> {
        let id = self.filed(team, "SZ-001", party, "占道经营").await?;
        self.evidence(team, &id, party, 5).await?;
        Ok(json!({ "state": "investigating" }))
    }

    async fn judiciary(&mut self, team: &Team, party: &str) -> Result<Value, Stop> {
        let id = self.filed(team, "SZ-001", party, "占道经营（抗拒执法）").await?;
        self.evidence(team, &id, party, 2).await?;
        self.cmd(
            &team.officer,
            &id,
            json!({ "command": "submit_report", "findings": "当事人以暴力方法阻碍执法人员依法执行职务", "evidence_summary": "现场检查笔录、询问笔录",
                "provisions": "《中华人民共和国治安管理处罚法》第五十条", "facts": { "quantity": 6 },
                "proposal": { "outcome": "judiciary", "receiving_body": "武汉市公安局江汉区分局" } }),
        )
        .await?;
        self.decided(team, &id).await
    }
}

async fn run_client(s: Arc<Shared>, seed: u64, mix: [u32; 5]) -> Tally {
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    let total: u32 = mix.iter().sum();
    while Instant::now() < *s.deadline.lock().unwrap() {
        let mut pick = rng.below(total as u64) as u32;
        let kind = mix
            .iter()
            .position(|&w| {
                if pick < w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .unwrap();
        let team = s.teams[rng.below(s.teams.len() as u64) as usize].clone();
        let party = PARTIES[rng.below(PARTIES.len() as u64) as usize];
        t.started[kind] += 1;
        let mut d = Driver { s: &s, t: &mut t };
        let r = match kind {
            0 => d.ordinary(&team, party).await,
            1 => d.no_penalty(&team, party).await,
            2 => d.declined(&team).await,
            3 => d.investigating(&team, party).await,
            _ => d.judiciary(&team, party).await,
        };
        match r {
            Ok(_) => t.completed[kind] += 1,
            Err(Stop::Time) => {}
            Err(Stop::Failed) => t.abandoned += 1,
        }
    }
    t
}

/// This process's CPU time (user + system), seconds, from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // After the command name: state is field 0, utime 11, stime 12 (in clock ticks, 100 per second).
    (ticks(11) + ticks(12)) / 100.0
}

/// The whole machine's (busy, total) CPU time in clock ticks, from /proc/stat: the PostgreSQL
/// server's work shows here, not in this process's time.
fn machine_ticks() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<f64> = stat.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    let total: f64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0.0) + v.get(4).copied().unwrap_or(0.0);
    (total - idle, total)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

async fn login(client: &Client, base: &str, username: &str) -> String {
    let r = client.post(format!("{base}/api/v1/auth/token")).json(&json!({"username": username, "password": demo::DEMO_PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {username}");
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn run(cfg: Config) {
    let (store, url) = chengguan_store::testing::fresh_store_with_url().await;
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    services::load_demo(&store, services::today()).await.expect("demo city");
    let evidence_dir = std::env::temp_dir().join(format!("chengguan-bench-evidence-{}", uuid::Uuid::now_v7().simple()));
    let state = AppState::new(
        store,
        chengguan_web::Options {
            secure_cookies: false,
            signer: chengguan_store::testing::signer("chengguan.bench", &[7; 32]),
            evidence: chengguan_store::evidence::EvidenceStore::new(evidence_dir, 64 << 20).unwrap(),
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let s = state.clone();
    tokio::spawn(async move { chengguan_web::serve(s, listener, std::future::pending()).await.unwrap() });
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(cfg.clients * 2).build().unwrap();

    // The cast: the demo officer (team 01), leader and legal reviewer; one more officer account per
    // further team, created by the administrator for a certified officer of that team.
    let tenant = state.store.tenant_by_code(demo::DEMO_TENANT_CODE).await.unwrap().unwrap().id;
    let admin = login(&client, &base, "admin").await;
    let leader = login(&client, &base, "leader").await;
    let reviewer = login(&client, &base, "legal_reviewer").await;
    let officer_person = state.store.account(&tenant, "a-officer").await.unwrap().unwrap().person_id.unwrap();
    let people = state.store.people(&tenant).await.unwrap();
    let certs = state.store.certificates(&tenant).await.unwrap();
    let today = services::today();
    let certified = |unit: &str| -> Vec<String> {
        people
            .iter()
            .filter(|p| p.org_unit_id == unit && p.staffing.is_established() && p.status == chengguan_domain::people::PersonStatus::Active)
            .filter(|p| certs.iter().any(|c| c.person_id == p.id && c.valid_on(today) && c.valid_until > today + chrono::Duration::days(200)))
            .map(|p| p.id.clone())
            .collect()
    };
    let mut teams = Vec::new();
    for no in 1..=cfg.teams {
        let unit = demo::team_id(no);
        let ok = certified(&unit);
        let (officer, h1) = if no == 1 {
            (login(&client, &base, "officer").await, officer_person.clone())
        } else {
            let h1 = ok.first().unwrap_or_else(|| panic!("no certified officer in {unit}")).clone();
            let username = format!("bench_officer_{no:02}");
            let r = client
                .post(format!("{base}/api/v1/accounts"))
                .bearer_auth(&admin)
                .json(
                    &json!({ "username": username, "password": demo::DEMO_PASSWORD, "person_id": h1, "grants": [{ "role": "officer", "org_unit_id": unit }] }),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "create {username}: {}", r.text().await.unwrap());
            (login(&client, &base, &username).await, h1)
        };
        let h2 = ok.iter().find(|p| **p != h1).unwrap_or_else(|| panic!("no second certified officer in {unit}")).clone();
        teams.push(Team { unit, officer, h1, h2 });
    }

    let ledger_before = state.store.ledger_size(&tenant).await.unwrap();
    let load_before = loadavg();
    let cpu_before = cpu_seconds();
    let machine_before = machine_ticks();
    let started = Instant::now();
    let shared = Arc::new(Shared {
        base,
        client,
        state: state.clone(),
        leader,
        reviewer,
        teams,
        started,
        deadline: Mutex::new(started + Duration::from_secs(cfg.seconds)),
        idempotency_keys: cfg.idempotency_keys,
        next_key: AtomicU64::new(0),
        errors: Mutex::new(BTreeMap::new()),
    });
    let tasks: Vec<_> = (0..cfg.clients).map(|i| tokio::spawn(run_client(shared.clone(), 0x5EED_0000 + i as u64, cfg.mix))).collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await.unwrap();
        for (k, v) in t.lat {
            all.lat.entry(k).or_default().extend(v);
        }
        if all.windows.len() < t.windows.len() {
            all.windows.resize(t.windows.len(), 0);
        }
        for (i, n) in t.windows.iter().enumerate() {
            all.windows[i] += n;
        }
        all.conflicts += t.conflicts;
        all.failed_requests += t.failed_requests;
        all.abandoned += t.abandoned;
        for i in 0..5 {
            all.started[i] += t.started[i];
            all.completed[i] += t.completed[i];
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let machine = machine_ticks();
    let (busy, total) = (machine.0 - machine_before.0, machine.1 - machine_before.1);
    let load_after = loadavg();
    let ledger_after = state.store.ledger_size(&tenant).await.unwrap();

    // Report.
    let writes: usize = all.lat.values().map(Vec::len).sum();
    let commands: usize = all.lat.iter().filter(|(k, _)| *k != "register").map(|(_, v)| v.len()).sum();
    let mut every: Vec<Duration> = all.lat.values().flatten().copied().collect();
    every.sort();
    let mix: Vec<String> = cfg.mix.iter().map(u32::to_string).collect();
    println!(
        "\n{backend}: {} clients, {:.1} s, {} teams, mix {} (ordinary, no_penalty, declined, investigating, judiciary){}\n",
        cfg.clients,
        elapsed,
        cfg.teams,
        mix.join("/"),
        if cfg.idempotency_keys { ", Idempotency-Key on every write" } else { "" }
    );
    println!("| request | count | per s | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|");
    let row = |name: &str, v: &[Duration]| {
        println!(
            "| {name} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |",
            v.len(),
            v.len() as f64 / elapsed,
            pct(v, 0.50),
            pct(v, 0.95),
            pct(v, 0.99),
            pct(v, 1.0)
        )
    };
    let mut kinds: Vec<(&String, Vec<Duration>)> = all.lat.iter().map(|(k, v)| (k, v.clone())).collect();
    kinds.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    for (k, mut v) in kinds {
        v.sort();
        row(k, &v);
    }
    row("**all writes**", &every);
    let cmds: Vec<Duration> = {
        let mut c: Vec<Duration> = all.lat.iter().filter(|(k, _)| *k != "register").flat_map(|(_, v)| v.iter().copied()).collect();
        c.sort();
        c
    };
    row("**commands (without register)**", &cmds);

    println!("\n| case kind | started | reached its end state | per s |");
    println!("|---|---|---|---|");
    for (i, kind) in KINDS.iter().enumerate() {
        println!("| {kind} | {} | {} | {:.1} |", all.started[i], all.completed[i], all.completed[i] as f64 / elapsed);
    }
    let done: u64 = all.completed.iter().sum();
    let served = all.completed[0] + all.completed[1];
    println!("| **all** | {} | {} | {:.1} |", all.started.iter().sum::<u64>(), done, done as f64 / elapsed);
    println!(
        "\nwrites {writes} ({:.0}/s; commands {commands}, {:.0}/s); served cases (register → service) {served} ({:.1}/s); cases ended (served, declined, transferred) {} ({:.1}/s)",
        writes as f64 / elapsed,
        commands as f64 / elapsed,
        served as f64 / elapsed,
        served + all.completed[2] + all.completed[4],
        (served + all.completed[2] + all.completed[4]) as f64 / elapsed
    );
    println!(
        "ledger entries appended: {} (successful writes: {writes}); 409 retries: {}; failed requests: {}; abandoned cases: {}",
        ledger_after - ledger_before,
        all.conflicts,
        all.failed_requests,
        all.abandoned
    );
    println!(
        "CPU time of this process (server + clients) during the run: {cpu:.1} s of {:.1} s wall × {} cores = {:.0} % busy; {:.2} ms CPU per write",
        elapsed,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        cpu * 100.0 / (elapsed * std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64),
        cpu * 1000.0 / writes.max(1) as f64
    );
    println!(
        "whole machine (every process, the PostgreSQL server's included): {:.0} % busy; {:.2} ms CPU per write",
        busy * 100.0 / total.max(1.0),
        busy / 100.0 * 1000.0 / writes.max(1) as f64
    );
    // The last window holds the requests that were in flight at the deadline: left out.
    let full = (elapsed / 10.0).floor() as usize;
    let w: Vec<String> = all.windows.iter().take(full).map(|n| format!("{:.0}", *n as f64 / 10.0)).collect();
    println!("writes/s per 10 s window: {}; load average before {load_before}, after {load_after}", w.join(" "));
    for (k, (n, body)) in shared.errors.lock().unwrap().iter() {
        println!("  error {k} ×{n}: {body}");
    }
    if cfg.profile > 0 {
        profile(&shared, &tenant, cfg.profile, cfg.floor_tasks).await;
    }
    if cfg.verify {
        let t = Instant::now();
        let report = state.store.verify_tenant(&tenant, None, None).await.unwrap();
        println!("verify_tenant: {} ({ledger_after} entries, {:.1} s)", if report.is_ok() { "ok" } else { "FAILED" }, t.elapsed().as_secs_f64());
        if report.is_err() {
            println!("{report:?}");
            std::process::exit(1);
        }
    }
}

/// Mean milliseconds of `n` sequential runs of `f`.
async fn timed<F, Fut, T>(n: usize, mut f: F) -> (f64, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let t = Instant::now();
    let mut last = None;
    for _ in 0..n {
        last = Some(f().await);
    }
    (t.elapsed().as_secs_f64() * 1000.0 / n as f64, last.unwrap())
}

/// Where one command's time goes: each read of the request path on its own, sequentially.
async fn profile(s: &Shared, tenant: &str, n: usize, k: usize) {
    use chengguan_domain::Table;
    use chengguan_web::{auth, cases, overrides, power};
    let st = &s.state;
    let store = &st.store;
    let team = s.teams[0].clone();
    let session_id = auth::token_id(&team.officer);
    let session = store.session(&session_id).await.unwrap().unwrap();
    let account = store.account(tenant, &session.account_id).await.unwrap().unwrap();
    let ctx = auth::Ctx {
        tenant_id: tenant.to_owned(),
        tenant_name: String::new(),
        grants: store.grants(tenant, &account.id).await.unwrap(),
        account: account.clone(),
        org: Arc::new(store.org_graph(tenant).await.unwrap()),
        cookie_token: None,
        session_id: session.id.clone(),
        state: st.clone(),
    };
    println!("\nProfile ({n} sequential calls each, after the run; ms per call):\n");
    println!("| step | ms | rows |");
    println!("|---|---|---|");
    let mut total_ctx = 0.0;
    let (ms, _) = timed(n, || store.session(&session_id)).await;
    total_ctx += ms;
    println!("| Ctx: session | {ms:.3} | 1 |");
    let (ms, _) = timed(n, || store.account(tenant, &account.id)).await;
    total_ctx += ms;
    println!("| Ctx: account | {ms:.3} | 1 |");
    let (ms, _) = timed(n, || store.tenant(tenant)).await;
    total_ctx += ms;
    println!("| Ctx: tenant | {ms:.3} | 1 |");
    let (ms, g) = timed(n, || store.grants(tenant, &account.id)).await;
    total_ctx += ms;
    println!("| Ctx: grants | {ms:.3} | {} |", g.unwrap().len());
    let (ms, o) = timed(n, || store.org_graph(tenant)).await;
    total_ctx += ms;
    println!("| Ctx: org graph | {ms:.3} | {} units |", o.unwrap().units().count());
    println!("| **Ctx extractor (sum)** | **{total_ctx:.3}** | |");

    // An investigating case of team 01 to run commands on.
    *s.deadline.lock().unwrap() = Instant::now() + Duration::from_secs(3600);
    let mut tally = Tally::default();
    let mut d = Driver { s, t: &mut tally };
    let Ok(case_id) = d.filed(&team, "SZ-001", "张三", "占道经营（剖析）").await else {
        println!("(profile: could not file a case: {:?})", s.errors.lock().unwrap());
        return;
    };
    let row = store.case_row(tenant, &case_id).await.unwrap().unwrap();
    let unit = row.text("unit_id").unwrap().to_owned();
    let subject = row.text("subject_unit_id").unwrap_or("u-bureau").to_owned();
    let mut total_load = 0.0;
    let (ms, _) = timed(n, || store.case_row(tenant, &case_id)).await;
    total_load += ms;
    println!("| read case row | {ms:.3} | 1 |");
    let (ms, _) = timed(n, || overrides::effective(st, tenant)).await;
    total_load += ms;
    println!("| load: rule overrides (effective profile + calendar) | {ms:.3} | {} |", store.rule_overrides(tenant).await.unwrap().len());
    let (ms, _) = timed(n, || store.tenant(tenant)).await;
    total_load += ms;
    println!("| load: tenant | {ms:.3} | 1 |");
    let (ms, _) = timed(n, || store.table_rows(tenant, Table::PowerList)).await;
    println!("| load: power list rows (read only) | {ms:.3} | {} |", store.table_rows(tenant, Table::PowerList).await.unwrap().len());
    let (ms, _) = timed(n, || power::load(st, tenant, demo::DEMO_TENANT_CODE)).await;
    total_load += ms;
    println!("| load: power list (read + rebuild `PowerList`) | {ms:.3} | |");
    let (ms, r) = timed(n, || store.table_rows(tenant, Table::DocSequences)).await;
    total_load += ms;
    println!("| load: document sequences (whole table) | {ms:.3} | {} |", r.unwrap().len());
    let (ms, r) = timed(n, || store.people(tenant)).await;
    println!("| load: people (read only) | {ms:.3} | {} |", r.unwrap().len());
    let (ms, r) = timed(n, || store.certificates(tenant)).await;
    println!("| load: certificates (read only) | {ms:.3} | {} |", r.unwrap().len());
    let (ms, _) = timed(n, || cases::people_facts(st, tenant)).await;
    total_load += ms;
    println!("| load: people facts (people + certificates + relations + reviewers, joined) | {ms:.3} | |");
    let (ms, r) = timed(n, || store.approval_chains(tenant)).await;
    total_load += ms;
    println!("| load: approval chains | {ms:.3} | {} |", r.unwrap().len());
    println!("| **reads before the decision (sum)** | **{total_load:.3}** | |");
    let (ms, _) = timed(n, || cases::load(&ctx, &unit, &subject)).await;
    println!("| `cases::load` as a whole | {ms:.3} | |");

    // The decision itself (pure domain: parse the case row, apply, build the change), on a
    // fixed snapshot of the case.
    let loaded = cases::load(&ctx, &unit, &subject).await.unwrap();
    let gen = |p: &str| services::new_id(p);
    let env = loaded.env(&gen);
    let actor = cases::actor_for(&ctx, &unit, loaded.people());
    let at = st.clock.now() - chrono::Duration::minutes(5);
    let ev = json!({ "command": "add_evidence", "evidence": { "kind": "document", "title": "营业执照复印件", "content": "当事人提供", "collected_at": at } });
    let cmd: chengguan_domain::case::Command = serde_json::from_value(ev.clone()).unwrap();
    let (ms, r) = timed(n, || async {
        let c = chengguan_domain::case::Case::from_row(&row).unwrap();
        let d = chengguan_domain::case::apply(&c, &cmd, &actor, &env, st.clock.now());
        d.map(|d| d.to_change(tenant, &account.id, Some(c.version), st.clock.now()).rows.len())
    })
    .await;
    println!("| domain: `Case::from_row` + `case::apply` + `to_change` (add_evidence) | {ms:.3} | {} rows written |", r.unwrap());
    // Decide + commit with everything loaded once (what a command would cost with the reference
    // data cached): on a case of its own, each call on the case the previous one left.
    let m = n.min(50);
    let Ok(case3) = Driver { s, t: &mut tally }.filed(&team, "SZ-001", "王五", "占道经营（剖析）").await else { return };
    let mut c = chengguan_domain::case::Case::from_row(&store.case_row(tenant, &case3).await.unwrap().unwrap()).unwrap();
    let t0 = Instant::now();
    for _ in 0..m {
        let now = st.clock.now();
        let d = chengguan_domain::case::apply(&c, &cmd, &actor, &env, now).unwrap();
        store.commit(tenant, &account.id, &d.to_change(tenant, &account.id, Some(c.version), now)).await.unwrap();
        c = d.case;
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0 / m as f64;
    println!("| add_evidence: decide + `Store::commit`, reference data loaded once ({m} calls) | {ms:.3} | |");
    drop(loaded);

    // The whole command: through the service function (no HTTP), then over HTTP, each on a case
    // of its own (a case grows by one evidence item per call, so at most 50 calls).
    let (ms, r) = timed(m, || cases::command(&ctx, &case_id, cmd.clone(), None)).await;
    assert!(r.is_ok(), "service add_evidence refused");
    println!("| add_evidence through `cases::command` (no HTTP; {m} calls) | {ms:.3} | |");
    let Ok(case2) = Driver { s, t: &mut tally }.filed(&team, "SZ-001", "李四", "占道经营（剖析）").await else { return };
    let url = format!("{}/api/v1/cases/{case2}/commands", s.base);
    let (ms, r) = timed(m, || s.client.post(&url).bearer_auth(&team.officer).json(&ev).send()).await;
    assert_eq!(r.unwrap().status(), StatusCode::OK);
    println!("| add_evidence over HTTP (one client; {m} calls) | {ms:.3} | |");
    let mut i = 0;
    let (ms, _) = timed(n, || {
        i += 1;
        let row = chengguan_domain::Row::new(Table::Interference)
            .set("tenant_id", tenant)
            .set("id", format!("itf-bench-{i}-{}", uuid::Uuid::now_v7().simple()))
            .set("case_id", Some(case_id.clone()))
            .set("reported_by", account.id.as_str())
            .set("reported_at", "2026-01-01T00:00:00")
            .set("interferer_name", None::<String>)
            .set("interferer_post", None::<String>)
            .set("method", "打招呼")
            .set("content", "基准测试")
            .set("status", "reported")
            .set("inspector_note", None::<String>)
            .set("unit_id", unit.as_str());
        let change = chengguan_domain::Change::new("interference.report", "interference/bench").row(row);
        async move { store.commit(tenant, "bench", &change).await.unwrap() }
    })
    .await;
    println!("| a lone `Store::commit` of one row (durable, with its ledger entry) | {ms:.3} | |");

    // Floors at concurrency: what HTTP alone, HTTP + the `Ctx` extractor, and decide + commit
    // without any per-request reads cost, each with K concurrent tasks for 5 s.
    const SECS: u64 = 5;
    /// Runs `f(i)` for i in 0..K concurrently; each counts its operations in FLOOR_N.
    async fn floor<F, Fut>(what: &str, k: usize, f: F)
    where
        F: Fn(usize) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        FLOOR_N.store(0, Ordering::Relaxed);
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        let tasks: Vec<_> = (0..k).map(|i| tokio::spawn(f(i))).collect();
        for t in tasks {
            t.await.unwrap();
        }
        let (el, cpu, n) = (t0.elapsed().as_secs_f64(), cpu_seconds() - cpu0, FLOOR_N.load(Ordering::Relaxed));
        println!("| {what} | {:.0} /s | {:.2} ms CPU each |", n as f64 / el, cpu * 1000.0 / n.max(1) as f64);
    }
    println!("\nFloors, {k} concurrent tasks for {SECS} s each (this process's CPU time per operation):\n");
    println!("| operation | rate | CPU |");
    println!("|---|---|---|");
    let end = || Instant::now() + Duration::from_secs(SECS);
    let health = format!("{}/healthz", s.base);
    let me = format!("{}/api/v1/me", s.base);
    let e = end();
    floor("GET /healthz (HTTP and the in-process client only)", k, |_| {
        let (c, u) = (s.client.clone(), health.clone());
        async move {
            while Instant::now() < e {
                let r = c.get(&u).send().await.unwrap();
                let _ = r.bytes().await;
                FLOOR_N.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
    .await;
    let e = end();
    floor("GET /api/v1/me (HTTP + the `Ctx` extractor's five reads)", k, |_| {
        let (c, u, tok) = (s.client.clone(), me.clone(), team.officer.clone());
        async move {
            while Instant::now() < e {
                let r = c.get(&u).bearer_auth(&tok).send().await.unwrap();
                assert!(r.status().is_success());
                let _ = r.bytes().await;
                FLOOR_N.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
    .await;
    // Decide + commit on K cases of their own, the reference data loaded once and shared.
    let mut own = Vec::new();
    for _ in 0..k {
        let Ok(id) = Driver { s, t: &mut tally }.filed(&team, "SZ-001", "赵六", "占道经营（剖析）").await else { return };
        own.push(id);
    }
    let loaded = Arc::new(cases::load(&ctx, &unit, &subject).await.unwrap());
    let actor = Arc::new(cases::actor_for(&ctx, &unit, loaded.people()));
    let e = end();
    floor("add_evidence: decide + `Store::commit`, no reads, no HTTP", k, |i| {
        let (loaded, actor, cmd, st, id, tenant, acct) =
            (loaded.clone(), actor.clone(), cmd.clone(), st.clone(), own[i].clone(), tenant.to_owned(), account.id.clone());
        async move {
            let mut c = chengguan_domain::case::Case::from_row(&st.store.case_row(&tenant, &id).await.unwrap().unwrap()).unwrap();
            while Instant::now() < e {
                let now = st.clock.now();
                let d = {
                    let gen = |p: &str| services::new_id(p);
                    let env = loaded.env(&gen);
                    chengguan_domain::case::apply(&c, &cmd, &actor, &env, now).unwrap()
                };
                st.store.commit(&tenant, &acct, &d.to_change(&tenant, &acct, Some(c.version), now)).await.unwrap();
                c = d.case;
                FLOOR_N.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
    .await;
}

static FLOOR_N: AtomicU64 = AtomicU64::new(0);

fn main() {
    let cfg = config();
    if let Some(u) = &cfg.database_url {
        // Read by chengguan_store::testing (a new database on that server), as in the test suites;
        // set before any thread exists.
        std::env::set_var("TEST_DATABASE_URL", u);
    }
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run(cfg));
}
