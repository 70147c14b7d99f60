//! The demo city: 武汉市江汉区 as seed 001 (江政〔2021〕8号) describes it — a district government, its
//! urban-management enforcement bureau with three brigades, twelve street offices each with its
//! enforcement team (148 established posts in all), and two disposal departments.
//!
//! Everything is generated, pure and deterministic: the same `today` gives the same city. The
//! people are invented (names drawn from common surnames and given-name characters, never real
//! persons); their identity numbers carry a valid GB 11643 check character. Some teams are built
//! to fail a staffing rule, so that every check of `staffing::checks` has something to show:
//!
//! | team | shortcoming |
//! |---|---|
//! | 民权, 万松 | officers seconded away: frontline share below 85 % |
//! | 满春, 民意, 北湖 | one certificate expired yesterday |
//! | 花楼水塔, 唐家墩 | more auxiliaries than established staff |
//! | 前进 | no officer on the 案件法制 post |
//! | 新华, 汉兴 | a newly joined officer without a certificate yet |

use crate::auth::{Grant, Role};
use crate::org::{OrgKind, OrgUnit};
use crate::people::{id_check_char, Certificate, Gender, Person, PersonStatus, Post, Staffing};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeSet;

pub const DEMO_TENANT_CODE: &str = "jianghan";
pub const DEMO_PASSWORD: &str = "Chengguan@2026";
pub const DEMO_TENANT_NAME: &str = "武汉市江汉区";

/// The 12 street teams of seed 001 item 5 in order: (street name without 街道, officers).
pub const STREET_TEAMS: [(&str, u32); 12] = [
    ("民族", 10),
    ("民权", 10),
    ("满春", 10),
    ("花楼水塔", 12),
    ("前进", 10),
    ("民意", 10),
    ("新华", 13),
    ("万松", 15),
    ("北湖", 13),
    ("唐家墩", 14),
    ("常青", 15),
    ("汉兴", 16),
];

/// Auxiliaries (综合巡查员, seed 001 item 10) per street team, in `STREET_TEAMS` order: about 0.6–1.2
/// times the team, more than the officers in 花楼水塔 (14 > 12) and 唐家墩 (16 > 14).
const AUXILIARIES: [u32; 12] = [7, 8, 6, 14, 7, 9, 10, 12, 11, 16, 13, 12];

// The deliberate shortcomings of the table above, by 1-based team number.
/// Team without any 案件法制 officer (前进).
const NO_LEGAL_OFFICER_TEAM: usize = 5;
/// (team, officers seconded away): 民权 8/10 and 万松 12/15 frontline, both 80 %.
const SECONDED: [(usize, usize); 2] = [(2, 1), (8, 2)];
/// Teams where one officer's certificate ended yesterday (满春, 民意, 北湖).
const EXPIRED_YESTERDAY: [usize; 3] = [3, 6, 9];
/// Teams with an officer who joined weeks ago and has no certificate yet (新华, 汉兴).
const NEW_UNCERTIFIED: [usize; 2] = [7, 12];
/// (team, days left): certificates that end within the 90-day warning period.
const EXPIRING_SOON: [(usize, u64); 5] = [(1, 17), (4, 33), (8, 48), (10, 62), (11, 75)];

const ISSUER: &str = "湖北省人民政府";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub id: String,
    pub username: String,
    pub person_id: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCity {
    pub tenant_id: String,
    pub tenant_code: String,
    pub tenant_name: String,
    pub units: Vec<OrgUnit>,
    pub people: Vec<Person>,
    pub certificates: Vec<Certificate>,
    pub accounts: Vec<DemoAccount>,
}

/// Id of the street team `no` (1-based, `STREET_TEAMS` order), e.g. `u-team-01` for 民族.
pub fn team_id(no: usize) -> String {
    format!("u-team-{no:02}")
}

/// Id of the street office `no` (1-based), e.g. `u-street-01`.
pub fn street_id(no: usize) -> String {
    format!("u-street-{no:02}")
}

pub const GOV_ID: &str = "u-gov";
pub const BUREAU_ID: &str = "u-bureau";
pub const BRIGADE_1_ID: &str = "u-brigade-01";
pub const BRIGADE_2_ID: &str = "u-brigade-02";
pub const INSPECTION_BRIGADE_ID: &str = "u-brigade-03";
pub const SANITATION_ID: &str = "u-disposal-01";
pub const GREENING_ID: &str = "u-disposal-02";

/// `today` anchors certificate dates so some are expired/expiring whenever the demo is created.
pub fn demo_city(tenant_id: &str, today: NaiveDate) -> DemoCity {
    let mut g = Gen::new(tenant_id, today);
    let units = units(tenant_id);

    // Bureau headquarters: desk staff, none frontline. Titles are comments only (Person has none).
    let bureau_scope = "城市管理综合执法 / 江汉区";
    let director = g.staff(BUREAU_ID, Staffing::CivilServant, vec![], false, LEADER_BORN); // 局长
    for _ in 0..2 {
        g.staff(BUREAU_ID, Staffing::CivilServant, vec![], false, LEADER_BORN); // 副局长
    }
    let legal_chief = g.staff(BUREAU_ID, Staffing::CivilServant, vec![Post::CaseLegal], false, LEADER_BORN); // 法制科长
    g.staff(BUREAU_ID, Staffing::CivilServantManaged, vec![Post::CaseLegal], false, BORN); // 法制审核员
                                                                                           // 公职律师: a civil servant admitted as a lawyer, serving as the bureau's resident lawyer.
    let lawyer = g.staff(BUREAU_ID, Staffing::CivilServant, vec![Post::CaseLegal], false, BORN);
    let hr = g.staff(BUREAU_ID, Staffing::CivilServant, vec![], false, BORN); // 政工人事
    let dispatcher = g.staff(BUREAU_ID, Staffing::CivilServantManaged, vec![Post::CityAppearance], false, BORN); // 指挥中心
    let supervisor = g.staff(BUREAU_ID, Staffing::PublicInstitution, vec![Post::CityAppearance], false, BORN); // 监督员
    for staffing in [Staffing::CivilServantManaged, Staffing::PublicInstitution, Staffing::PublicInstitution] {
        g.staff(BUREAU_ID, staffing, vec![], false, BORN); // 办公室, 指挥中心, 装备财务
    }
    let bureau_people: Vec<usize> = (0..g.people.len()).collect();
    for i in bureau_people {
        g.certify(i, bureau_scope, Validity::Normal);
    }

    // The two direct brigades keep cross-street, major and difficult cases (seed 001 item 2).
    for (unit, size) in [(BRIGADE_1_ID, 15), (BRIGADE_2_ID, 13)] {
        let mix = g.mix(size, 40, 30);
        let mut members = Vec::new();
        for (k, staffing) in mix.into_iter().enumerate() {
            let (posts, frontline, born) = match k {
                0 => (vec![Post::IllegalConstruction], false, LEADER_BORN), // 大队长
                1 => (vec![Post::CaseLegal], true, BORN),
                _ => (g.posts(k), true, BORN),
            };
            members.push(g.staff(unit, staffing, posts, frontline, born));
        }
        let last = *members.last().expect("brigades are not empty");
        for &i in &members {
            match (unit, i == last) {
                (BRIGADE_1_ID, true) => g.certify(i, bureau_scope, Validity::ExpiresIn(88)),
                (BRIGADE_2_ID, true) => g.make_new(i),
                _ => g.certify(i, bureau_scope, Validity::Normal),
            }
        }
    }

    // 督察大队: inspects the teams; not frontline enforcement.
    let mut inspector = None;
    for k in 0..6 {
        let staffing = if k < 4 { Staffing::CivilServant } else { Staffing::CivilServantManaged };
        let i = g.staff(INSPECTION_BRIGADE_ID, staffing, vec![], false, if k == 0 { LEADER_BORN } else { BORN });
        g.certify(i, bureau_scope, Validity::Normal);
        inspector.get_or_insert(i);
    }

    // The street teams: exactly seed 001's established posts, then their auxiliaries.
    let mut team01_officer = None;
    let mut team01_auxiliary = None;
    for (t, (street, size)) in STREET_TEAMS.iter().enumerate() {
        let no = t + 1;
        let unit = team_id(no);
        let scope = format!("城市管理综合执法 / 江汉区{street}街道");
        let size = *size as usize;
        let legal = match no {
            NO_LEGAL_OFFICER_TEAM => 0,
            _ if size >= 15 => 2,
            _ => 1,
        };
        let mix = g.mix(size, 20, 25);
        let mut regular = Vec::new(); // neither leader nor legal officer: candidates for the specials
        let mut officers = Vec::new();
        for (k, staffing) in mix.into_iter().enumerate() {
            let i = if k == 0 {
                let post = g.pick(&FIELD_POSTS);
                g.staff(&unit, staffing, vec![post], false, LEADER_BORN) // 队长: the one desk post
            } else if k <= legal {
                g.staff(&unit, staffing, vec![Post::CaseLegal], true, BORN)
            } else {
                let posts = g.posts(k);
                let i = g.staff(&unit, staffing, posts, true, BORN);
                regular.push(i);
                i
            };
            officers.push(i);
        }
        // The specials are taken from the end of the regular officers, so they never overlap.
        let mut expiring = None;
        let mut expired = None;
        let mut new = None;
        if NEW_UNCERTIFIED.contains(&no) {
            new = regular.pop();
        }
        if EXPIRED_YESTERDAY.contains(&no) {
            expired = regular.pop();
        }
        if let Some((_, days)) = EXPIRING_SOON.iter().find(|(n, _)| *n == no) {
            expiring = regular.pop().map(|i| (i, *days));
        }
        if let Some((_, count)) = SECONDED.iter().find(|(n, _)| *n == no) {
            for _ in 0..*count {
                let i = regular.pop().expect("team has enough regular officers");
                g.people[i].status = PersonStatus::Seconded;
            }
        }
        for &i in &officers {
            if Some(i) == new {
                g.make_new(i);
            } else if Some(i) == expired {
                g.certify(i, &scope, Validity::ExpiredYesterday);
            } else if let Some((_, days)) = expiring.filter(|(e, _)| *e == i) {
                g.certify(i, &scope, Validity::ExpiresIn(days));
            } else {
                g.certify(i, &scope, Validity::Normal);
            }
        }
        if no == 1 {
            team01_officer = regular.first().copied();
        }
        for k in 0..AUXILIARIES[t] as usize {
            let post = FIELD_POSTS[k % FIELD_POSTS.len()];
            let i = g.staff(&unit, Staffing::Auxiliary, vec![post], true, BORN);
            team01_auxiliary = team01_auxiliary.or((no == 1).then_some(i));
        }
    }

    // Disposal departments: public-institution staff who dispose dispatched problems; no certificates.
    let mut disposer = None;
    for unit in [SANITATION_ID, GREENING_ID] {
        for k in 0..3 {
            let i = g.staff(unit, Staffing::PublicInstitution, vec![], false, if k == 0 { LEADER_BORN } else { BORN });
            if unit == SANITATION_ID {
                disposer.get_or_insert(i);
            }
        }
    }

    let pid = |i: Option<usize>| i.map(|i| g.people[i].id.clone());
    let accounts = Role::ALL
        .iter()
        .map(|&role| {
            let (unit, person): (String, Option<usize>) = match role {
                Role::Admin => (GOV_ID.into(), Some(hr)),
                Role::Leader => (BUREAU_ID.into(), Some(director)),
                Role::Officer => (team_id(1), team01_officer),
                Role::Auxiliary => (team_id(1), team01_auxiliary),
                Role::LegalReviewer => (BUREAU_ID.into(), Some(legal_chief)),
                Role::Lawyer => (BUREAU_ID.into(), Some(lawyer)),
                Role::Dispatcher => (BUREAU_ID.into(), Some(dispatcher)),
                Role::Supervisor => (BUREAU_ID.into(), Some(supervisor)),
                Role::Disposer => (SANITATION_ID.into(), disposer),
                Role::Inspector => (BUREAU_ID.into(), inspector),
                Role::ThirdPartyAssessor => (GOV_ID.into(), None),
            };
            let username = match role {
                Role::ThirdPartyAssessor => "assessor",
                r => r.code(),
            };
            DemoAccount { id: format!("a-{username}"), username: username.into(), person_id: pid(person), grants: vec![Grant { role, org_unit_id: unit }] }
        })
        .collect();

    DemoCity {
        tenant_id: tenant_id.into(),
        tenant_code: DEMO_TENANT_CODE.into(),
        tenant_name: DEMO_TENANT_NAME.into(),
        units,
        people: g.people,
        certificates: g.certificates,
        accounts,
    }
}

fn units(tenant_id: &str) -> Vec<OrgUnit> {
    let unit = |id: &str, code: &str, name: &str, kind, admin: Option<&str>, guidance: Option<&str>, subject| OrgUnit {
        tenant_id: tenant_id.into(),
        id: id.into(),
        code: code.into(),
        name: name.into(),
        kind,
        admin_parent_id: admin.map(Into::into),
        guidance_parent_id: guidance.map(Into::into),
        enforcement_subject: subject,
        // No verified population figures for the streets, so none are invented.
        population: None,
        active: true,
    };
    let mut v = vec![
        unit(GOV_ID, "420103", "江汉区人民政府", OrgKind::Government, None, None, false),
        unit(BUREAU_ID, "420103-B", "江汉区城市管理执法局", OrgKind::Bureau, Some(GOV_ID), None, true),
        unit(BRIGADE_1_ID, "420103-B01", "直属一大队", OrgKind::Brigade, Some(BUREAU_ID), None, false),
        unit(BRIGADE_2_ID, "420103-B02", "直属二大队", OrgKind::Brigade, Some(BUREAU_ID), None, false),
        unit(INSPECTION_BRIGADE_ID, "420103-B03", "督察大队", OrgKind::Brigade, Some(BUREAU_ID), None, false),
    ];
    for (t, (street, _)) in STREET_TEAMS.iter().enumerate() {
        let no = t + 1;
        let (s, team) = (street_id(no), team_id(no));
        // Seed 001 items 1–2: the street is the enforcement subject; its team is managed by the
        // street office and guided by the district bureau.
        let office = format!("{street}街道办事处");
        v.push(unit(&s, &format!("420103-S{no:02}"), &office, OrgKind::StreetOffice, Some(GOV_ID), None, true));
        let name = format!("{street}街道城市管理执法队");
        let code = format!("420103-S{no:02}-T");
        v.push(unit(&team, &code, &name, OrgKind::StreetEnforcementTeam, Some(&s), Some(BUREAU_ID), false));
    }
    let disposal = [(SANITATION_ID, "420103-D01", "江汉区环境卫生服务中心"), (GREENING_ID, "420103-D02", "江汉区园林绿化服务中心")];
    for (id, code, name) in disposal {
        v.push(unit(id, code, name, OrgKind::DisposalDepartment, Some(GOV_ID), None, false));
    }
    v
}

/// Birth-year ranges: everybody 1968–2000, leaders among the older.
const BORN: (i32, i32) = (1968, 2000);
const LEADER_BORN: (i32, i32) = (1968, 1980);

/// The eight field posts of seed 001 item 8 (案件法制 is handed out separately).
const FIELD_POSTS: [Post; 8] = [
    Post::CityAppearance,
    Post::FrontageDuties,
    Post::Buildings,
    Post::IllegalConstruction,
    Post::Sanitation,
    Post::GasSafety,
    Post::Transport,
    Post::GreeningEnvironment,
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜",
    "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "付", "方", "邹", "熊", "秦", "江", "雷", "龚", "万", "严", "覃", "戴", "向", "汤", "喻",
    "柯", "阮",
];
const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁",
    "龙", "林", "阳", "建", "亮", "成", "峰", "晨", "文", "志", "博", "兵", "海", "东", "坤", "洋", "锋", "毅", "诚", "康", "振", "国", "庆", "中",
];
const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "琳", "颖", "倩", "洁", "丹", "萍", "红", "玉", "兰", "琴", "蓉", "莉", "晶",
    "佳", "妍", "欣", "怡", "悦", "璐", "瑶", "萱", "冰", "月", "雯", "菲", "薇", "岚",
];

enum Validity {
    Normal,
    ExpiredYesterday,
    ExpiresIn(u64),
}

/// xorshift64*: no `rand` dependency, and the demo must be identical on every build and platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n (the modulo bias is irrelevant for demo data).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The generator's state: what has been made so far, and what must stay unique.
struct Gen {
    rng: Rng,
    tenant_id: String,
    today: NaiveDate,
    people: Vec<Person>,
    certificates: Vec<Certificate>,
    names: BTreeSet<String>,
    id_numbers: BTreeSet<String>,
    phones: BTreeSet<String>,
    cert_numbers: BTreeSet<String>,
}

impl Gen {
    fn new(tenant_id: &str, today: NaiveDate) -> Gen {
        Gen {
            // Seeded with the date of 江政〔2021〕8号; any constant would do.
            rng: Rng(0x2021_0319_5EED_0001),
            tenant_id: tenant_id.into(),
            today,
            people: Vec::new(),
            certificates: Vec::new(),
            names: BTreeSet::new(),
            id_numbers: BTreeSet::new(),
            phones: BTreeSet::new(),
            cert_numbers: BTreeSet::new(),
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.below(items.len() as u64) as usize]
    }

    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Days::new(self.rng.below(span + 1))
    }

    /// A staffing mix of `size` people: `cs_pct` % civil servants (the leader, first, is one),
    /// `csm_pct` % managed as civil servants, the rest public institution, in random order.
    fn mix(&mut self, size: usize, cs_pct: usize, csm_pct: usize) -> Vec<Staffing> {
        let cs = ((size * cs_pct + 50) / 100).max(1);
        let csm = (size * csm_pct + 50) / 100;
        let mut v: Vec<Staffing> = (0..size)
            .map(|k| match k {
                _ if k < cs => Staffing::CivilServant,
                _ if k < cs + csm => Staffing::CivilServantManaged,
                _ => Staffing::PublicInstitution,
            })
            .collect();
        for k in (2..size).rev() {
            let j = 1 + self.rng.below(k as u64) as usize; // Fisher–Yates over v[1..]
            v.swap(k, j);
        }
        v
    }

    /// One or two field posts; the first cycles so a team covers all eight.
    fn posts(&mut self, k: usize) -> Vec<Post> {
        let first = FIELD_POSTS[k % FIELD_POSTS.len()];
        let mut posts = vec![first];
        if self.rng.chance(35) {
            let second = self.pick(&FIELD_POSTS);
            if second != first {
                posts.push(second);
            }
        }
        posts
    }

    /// Add a person; returns the index in `people`.
    fn staff(&mut self, unit: &str, staffing: Staffing, posts: Vec<Post>, frontline: bool, born: (i32, i32)) -> usize {
        let male_pct = if staffing == Staffing::Auxiliary { 75 } else { 65 };
        let gender = if self.rng.chance(male_pct) { Gender::Male } else { Gender::Female };
        let name = self.name(gender);
        let birth = self.date_between(ymd(born.0, 1, 1), ymd(born.1, 12, 31));
        let id_number = self.id_number(birth, gender);
        let phone = self.phone();
        // Joined the service at 21–26 (auxiliaries: within the last eight years), at least half a
        // year ago.
        let joined = if staffing == Staffing::Auxiliary {
            let from = self.today - Days::new(8 * 365);
            self.date_between(from.max(birth + Days::new(20 * 365)), self.today)
        } else {
            birth + Days::new(21 * 365 + self.rng.below(5 * 365))
        };
        let joined = joined.min(self.today - Days::new(180));
        let n = self.people.len() + 1;
        self.people.push(Person {
            tenant_id: self.tenant_id.clone(),
            id: format!("p-{n:05}"),
            org_unit_id: unit.into(),
            name,
            gender: Some(gender),
            id_number: Some(id_number),
            phone: Some(phone),
            staffing,
            posts,
            frontline,
            status: PersonStatus::Active,
            joined_on: Some(joined),
        });
        n - 1
    }

    /// Turn a person into a recruit of the last few weeks (young, joined recently, no certificate).
    fn make_new(&mut self, i: usize) {
        let joined = self.today - Days::new(20 + self.rng.below(50));
        let gender = self.people[i].gender.unwrap_or(Gender::Male);
        let birth = self.date_between(ymd(1997, 1, 1), ymd(2000, 12, 31));
        let id_number = self.id_number(birth, gender);
        let p = &mut self.people[i];
        p.joined_on = Some(joined);
        p.id_number = Some(id_number);
    }

    fn name(&mut self, gender: Gender) -> String {
        let chars = match gender {
            Gender::Male => MALE_CHARS,
            Gender::Female => FEMALE_CHARS,
        };
        loop {
            let mut name = self.pick(SURNAMES).to_owned();
            let first = self.pick(chars);
            name.push_str(first);
            if self.rng.chance(65) {
                let second = self.pick(chars);
                if second == first {
                    continue; // "俊俊": rare for adults, looks odd in a demo
                }
                name.push_str(second);
            }
            if self.names.insert(name.clone()) {
                return name;
            }
        }
    }

    /// 420103 (江汉区) + birth date + sequence whose last digit's parity is the gender + check.
    fn id_number(&mut self, birth: NaiveDate, gender: Gender) -> String {
        loop {
            let seq = self.rng.below(100);
            let digit = 2 * self.rng.below(5) + u64::from(gender == Gender::Male); // odd for men
            let first17 = format!("420103{:04}{:02}{:02}{:02}{digit}", birth.year(), birth.month(), birth.day(), seq);
            let full = format!("{first17}{}", id_check_char(&first17));
            if self.id_numbers.insert(full.clone()) {
                return full;
            }
        }
    }

    fn phone(&mut self) -> String {
        loop {
            let second = self.pick(&['3', '5', '8']);
            let third = self.rng.below(10);
            if second == '5' && third == 4 {
                continue; // 154 is not an allocated mobile prefix
            }
            let phone = format!("1{second}{third}{:08}", self.rng.below(100_000_000));
            if self.phones.insert(phone.clone()) {
                return phone;
            }
        }
    }

    fn certify(&mut self, i: usize, scope: &str, validity: Validity) {
        let today = self.today;
        // Issued 2021–2024, but not before the holder's training after joining, nor in the last month.
        let joined = self.people[i].joined_on.unwrap_or(today);
        let from = self.date_between(ymd(2021, 1, 1), ymd(2024, 12, 31));
        let from = from.max(joined + Days::new(90)).min(today - Days::new(30));
        let until = match validity {
            Validity::Normal => today + Days::new(365 + self.rng.below(4 * 365)),
            Validity::ExpiredYesterday => today - Days::new(1),
            Validity::ExpiresIn(days) => today + Days::new(days),
        };
        let number = loop {
            let n = format!("鄂城执{}", 42_000_000 + self.rng.below(1_000_000));
            if self.cert_numbers.insert(n.clone()) {
                break n;
            }
        };
        let n = self.certificates.len() + 1;
        self.certificates.push(Certificate {
            tenant_id: self.tenant_id.clone(),
            id: format!("c-{n:05}"),
            person_id: self.people[i].id.clone(),
            number,
            issuer: ISSUER.into(),
            valid_from: from,
            valid_until: until,
            scope: scope.into(),
            active: true,
        });
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgGraph;
    use crate::rules::Profile;
    use crate::staffing::{checks, compute, StaffingFigures};
    use std::collections::BTreeMap;

    fn today() -> NaiveDate {
        ymd(2026, 11, 22)
    }

    fn city() -> DemoCity {
        demo_city("t-demo", today())
    }

    fn team_figures(c: &DemoCity, no: usize, day: NaiveDate) -> StaffingFigures {
        let rules = Profile::national().staffing;
        let unit = team_id(no);
        compute(c.people.iter().filter(|p| p.org_unit_id == unit), &c.certificates, day, &rules, None)
    }

    fn failing(c: &DemoCity, no: usize, day: NaiveDate) -> Vec<&'static str> {
        let rules = Profile::national().staffing;
        checks(&team_figures(c, no, day), &rules).into_iter().filter(|k| !k.ok).map(|k| k.key).collect()
    }

    #[test]
    fn street_teams_have_exactly_the_seed_establishment() {
        let c = city();
        let mut sum = 0;
        for (t, (street, size)) in STREET_TEAMS.iter().enumerate() {
            let unit = c.units.iter().find(|u| u.id == team_id(t + 1)).unwrap();
            assert_eq!(unit.name, format!("{street}街道城市管理执法队"));
            let established = c.people.iter().filter(|p| p.org_unit_id == unit.id && p.staffing.is_established()).count();
            assert_eq!(established, *size as usize, "{street}");
            sum += established;
        }
        assert_eq!(sum, 148);
    }

    #[test]
    fn generation_is_deterministic_and_tenant_scoped() {
        assert_eq!(city(), city());
        let c = city();
        assert!(c.units.iter().all(|u| u.tenant_id == "t-demo"));
        assert!(c.people.iter().all(|p| p.tenant_id == "t-demo"));
        assert!(c.certificates.iter().all(|x| x.tenant_id == "t-demo"));
        // Ids do not depend on the tenant, only the tenant column does.
        let other = demo_city("t-other", today());
        assert_eq!(other.people.len(), c.people.len());
        assert!(other.people.iter().zip(&c.people).all(|(a, b)| a.id == b.id && a.name == b.name));
    }

    #[test]
    fn ids_and_numbers_are_unique() {
        fn unique<'a>(what: &str, it: impl Iterator<Item = &'a str>) {
            let v: Vec<&str> = it.collect();
            let set: BTreeSet<&str> = v.iter().copied().collect();
            assert_eq!(set.len(), v.len(), "duplicate {what}");
        }
        let c = city();
        unique("unit id", c.units.iter().map(|u| u.id.as_str()));
        unique("unit code", c.units.iter().map(|u| u.code.as_str()));
        unique("person id", c.people.iter().map(|p| p.id.as_str()));
        unique("id number", c.people.iter().map(|p| p.id_number.as_deref().unwrap()));
        unique("phone", c.people.iter().map(|p| p.phone.as_deref().unwrap()));
        unique("certificate id", c.certificates.iter().map(|x| x.id.as_str()));
        unique("certificate number", c.certificates.iter().map(|x| x.number.as_str()));
        unique("account id", c.accounts.iter().map(|a| a.id.as_str()));
        unique("username", c.accounts.iter().map(|a| a.username.as_str()));
    }

    #[test]
    fn organisation_is_a_valid_graph_with_the_seed_relations() {
        let c = city();
        let g = OrgGraph::new(c.units.clone());
        for u in &c.units {
            g.check_unit(u).unwrap_or_else(|e| panic!("{}: {e}", u.id));
            assert_eq!(u.population, None);
        }
        assert_eq!(g.roots().iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), [GOV_ID]);
        for no in 1..=12 {
            let team = g.get(&team_id(no)).unwrap();
            assert_eq!(team.admin_parent_id.as_deref(), Some(street_id(no).as_str()));
            assert_eq!(team.guidance_parent_id.as_deref(), Some(BUREAU_ID));
            assert!(!team.enforcement_subject && g.get(&street_id(no)).unwrap().enforcement_subject);
        }
        // The bureau guides every team but does not manage any.
        let guided = g.guided_subtree(BUREAU_ID);
        let managed = g.admin_subtree(BUREAU_ID);
        assert!((1..=12).all(|no| guided.contains(&team_id(no)) && !managed.contains(&team_id(no))));
    }

    #[test]
    fn every_person_and_certificate_passes_its_check() {
        let c = city();
        let by_id: BTreeMap<&str, &Person> = c.people.iter().map(|p| (p.id.as_str(), p)).collect();
        for p in &c.people {
            p.check().unwrap_or_else(|e| panic!("{}: {e}", p.id));
            // GB 11643: the 17th digit is odd for men, even for women.
            let d17 = p.id_number.as_ref().unwrap().as_bytes()[16] - b'0';
            assert_eq!(p.gender == Some(Gender::Male), d17 % 2 == 1, "{}", p.id);
            assert!(p.joined_on.unwrap() < today());
            let phone = p.phone.as_ref().unwrap();
            assert!(["13", "15", "18"].contains(&&phone[..2]));
        }
        for x in &c.certificates {
            let holder = by_id[x.person_id.as_str()];
            x.check(holder).unwrap_or_else(|e| panic!("{}: {e}", x.id));
            assert!(x.number.starts_with("鄂城执") && x.number.chars().count() == 11);
        }
    }

    #[test]
    fn certificates_only_for_enforcement_staff() {
        let c = city();
        let holders: BTreeSet<&str> = c.certificates.iter().map(|x| x.person_id.as_str()).collect();
        let disposal = [SANITATION_ID, GREENING_ID];
        let mut without = 0;
        for p in &c.people {
            let has = holders.contains(p.id.as_str());
            if p.staffing == Staffing::Auxiliary || disposal.contains(&p.org_unit_id.as_str()) {
                assert!(!has, "{} must not hold a certificate", p.id);
            } else if !has {
                without += 1;
            }
        }
        assert_eq!(without, 3, "the newly joined officers");
    }

    #[test]
    fn every_role_has_exactly_one_account() {
        let c = city();
        for role in Role::ALL {
            let n = c.accounts.iter().filter(|a| a.grants.iter().any(|g| g.role == *role)).count();
            assert_eq!(n, 1, "{role:?}");
        }
        assert_eq!(c.accounts.len(), Role::ALL.len());
        let person = |u: &str| {
            let a = c.accounts.iter().find(|a| a.username == u).unwrap();
            a.person_id.as_ref().map(|id| c.people.iter().find(|p| &p.id == id).unwrap())
        };
        let officer = person("officer").unwrap();
        assert_eq!(officer.org_unit_id, team_id(1));
        assert!(officer.staffing.is_established());
        assert!(c.certificates.iter().any(|x| x.person_id == officer.id && x.valid_on(today())));
        let aux = person("auxiliary").unwrap();
        assert_eq!((aux.org_unit_id.as_str(), aux.staffing), (team_id(1).as_str(), Staffing::Auxiliary));
        assert_eq!(person("inspector").unwrap().org_unit_id, INSPECTION_BRIGADE_ID);
        assert_eq!(person("disposer").unwrap().org_unit_id, SANITATION_ID);
        assert!(person("legal_reviewer").unwrap().posts.contains(&Post::CaseLegal));
        assert!(person("assessor").is_none());
        for u in ["admin", "leader", "lawyer", "dispatcher", "supervisor"] {
            assert!(person(u).is_some(), "{u}");
        }
        let a = c.accounts.iter().find(|a| a.id == "a-assessor").unwrap();
        assert_eq!(a.grants, [Grant { role: Role::ThirdPartyAssessor, org_unit_id: GOV_ID.into() }]);
    }

    #[test]
    fn each_staffing_rule_fails_somewhere_and_only_by_design() {
        let c = city();
        let fails = |no| failing(&c, no, today());
        let any = |key: &str| (1..=12).any(|no| fails(no).contains(&key));
        assert!(any("auxiliary_max_ratio_to_established"));
        assert!(any("frontline_share_min"));
        assert!(any("legal_review_share_min"));
        assert!(any("certified_all"));
        // The exact picture, so a change to the generator is a deliberate one.
        let expected: [&[&str]; 12] = [
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
        for (no, want) in (1..=12).zip(expected) {
            assert_eq!(fails(no), want, "team {no} ({})", STREET_TEAMS[no - 1].0);
        }
    }

    #[test]
    fn certificates_expired_yesterday_count_as_uncertified() {
        let c = city();
        let yesterday = today() - Days::new(1);
        let mut teams = BTreeSet::new();
        for x in c.certificates.iter().filter(|x| x.valid_until == yesterday) {
            let p = c.people.iter().find(|p| p.id == x.person_id).unwrap();
            if p.org_unit_id.starts_with("u-team-") {
                teams.insert(p.org_unit_id.clone());
                let rules = Profile::national().staffing;
                let f = compute([p], &c.certificates, today(), &rules, None);
                assert_eq!((f.certified, f.uncertified), (0, 1));
                // The day before, the same certificate was still valid.
                let f = compute([p], &c.certificates, yesterday, &rules, None);
                assert_eq!(f.certified, 1);
            }
        }
        assert!(teams.len() >= 3, "{teams:?}");
        let soon: u64 = (1..=12).map(|no| team_figures(&c, no, today()).expiring_soon).sum();
        assert!(soon >= 3, "expiring soon: {soon}");
    }

    #[test]
    fn shortcomings_follow_today() {
        // The same design holds whenever the demo is created.
        let later = ymd(2031, 3, 5);
        let c = demo_city("t", later);
        assert!(failing(&c, 3, later).contains(&"certified_all"));
        assert!(c.certificates.iter().any(|x| x.valid_until == later - Days::new(1)));
        assert!(c.people.iter().all(|p| p.joined_on.unwrap() < later));
        assert!(c.certificates.iter().all(|x| x.valid_from <= later && x.valid_from <= x.valid_until));
    }

    #[test]
    fn auxiliaries_are_frontline_and_about_the_team_size() {
        let c = city();
        for (t, (street, size)) in STREET_TEAMS.iter().enumerate() {
            let aux: Vec<&Person> = c.people.iter().filter(|p| p.org_unit_id == team_id(t + 1) && p.staffing == Staffing::Auxiliary).collect();
            let n = aux.len() as u32;
            assert!(n * 10 >= size * 6 && n * 10 <= size * 12, "{street}: {n} auxiliaries for {size}");
            assert!(aux.iter().all(|p| p.frontline && !p.posts.contains(&Post::CaseLegal)));
        }
    }
}
