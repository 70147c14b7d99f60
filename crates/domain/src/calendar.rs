//! The working-day calendar: the State Council's holiday notices as data (`rules/holidays.toml`,
//! embedded), plus a tenant's local days with their citations.
//!
//! Which days are working days decides every short period of the penalty procedure (APL art. 85,
//! ACL art. 69). A date in a year whose notice is not in the data is an error naming the year
//! (`NotCovered`), never a guess from the weekday (shared/spec/penalty-procedure.md P-2).

use crate::profile::tree::{Doc, Table};
use crate::profile::LoadErrors;
use crate::Refusal;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

/// The State Council notices 2018 onwards, embedded at build time.
pub const NATIONAL_HOLIDAYS: &str = include_str!("../../../rules/holidays.toml");

/// What a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Monday to Friday, not a holiday.
    WorkingDay,
    /// Saturday or Sunday, not a make-up working day.
    Weekend,
    /// A day off named by a State Council notice (法定节假日 and the days swapped into it).
    PublicHoliday,
    /// A weekend day worked under a notice (调休上班).
    MakeupWorkingDay,
    /// A day off declared by a local rule (tenant data, with its citation).
    LocalRestDay,
    /// A day worked under a local rule (tenant data, with its citation).
    LocalWorkingDay,
}

impl DayKind {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::WorkingDay | DayKind::MakeupWorkingDay | DayKind::LocalWorkingDay)
    }
    /// The code used by the calendar dump and the cross-check (`workday`, `weekend`, `holiday`,
    /// `makeup`; `local_rest`, `local_work` for tenant days).
    pub fn code(self) -> &'static str {
        match self {
            DayKind::WorkingDay => "workday",
            DayKind::Weekend => "weekend",
            DayKind::PublicHoliday => "holiday",
            DayKind::MakeupWorkingDay => "makeup",
            DayKind::LocalRestDay => "local_rest",
            DayKind::LocalWorkingDay => "local_work",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            DayKind::WorkingDay => "工作日",
            DayKind::Weekend => "休息日",
            DayKind::PublicHoliday => "法定节假日",
            DayKind::MakeupWorkingDay => "调休上班日",
            DayKind::LocalRestDay => "地方休息日",
            DayKind::LocalWorkingDay => "地方工作日",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            DayKind::WorkingDay => "working day",
            DayKind::Weekend => "weekend",
            DayKind::PublicHoliday => "public holiday",
            DayKind::MakeupWorkingDay => "make-up working day",
            DayKind::LocalRestDay => "local rest day",
            DayKind::LocalWorkingDay => "local working day",
        }
    }
}

/// One holiday as a notice states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayEntry {
    pub name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The notice's "共N天", where it says so.
    pub days: Option<u32>,
    /// The notice's own sentence.
    pub text: String,
    pub line: usize,
}

/// One make-up working day (调休上班).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeupEntry {
    pub date: NaiveDate,
    /// The holiday it makes up for.
    pub for_holiday: String,
    pub line: usize,
}

/// A State Council notice (annual, or an amendment of a year's arrangement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub year: i32,
    pub amendment: bool,
    pub title: String,
    pub number: String,
    /// True when the number was read in a copy of the notice's own text.
    pub number_verified: bool,
    pub issued: NaiveDate,
    pub text_seen_at: Vec<String>,
    pub holidays: Vec<HolidayEntry>,
    pub makeups: Vec<MakeupEntry>,
    pub line: usize,
}

impl Notice {
    /// 《国务院办公厅关于2024年部分节假日安排的通知》（国办发明电〔2023〕7号）
    pub fn citation(&self) -> String {
        if self.number_verified {
            format!("《{}》（{}）", self.title, self.number)
        } else {
            format!("《{}》（{}，文号未核实 number unverified）", self.title, self.number)
        }
    }
}

/// A day declared by a local rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDay {
    pub date: NaiveDate,
    /// True: a day off; false: a working day.
    pub rest: bool,
    pub name: String,
    pub citation: String,
    pub verified: bool,
    pub line: usize,
}

/// A day with what it is and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day<'c> {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name (春节 …) or the local day's name.
    pub name: Option<&'c str>,
    /// The notice that made it a holiday or make-up day, if any.
    pub notice: Option<&'c Notice>,
    /// The local rule that made it a local day, if any.
    pub local: Option<&'c LocalDay>,
}

impl Day<'_> {
    pub fn is_working(&self) -> bool {
        self.kind.is_working()
    }
    /// The citation of what made this day what it is (None for ordinary days).
    pub fn citation(&self) -> Option<String> {
        if let Some(l) = self.local {
            return Some(if l.verified { l.citation.clone() } else { format!("{}（未核实 unverified）", l.citation) });
        }
        self.notice.map(Notice::citation)
    }
}

/// A date outside the years the calendar has notices for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotCovered {
    pub year: i32,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

impl fmt::Display for NotCovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no working-day calendar for {}: the State Council holiday notice for {} is not in rules/holidays.toml", self.year, self.year)?;
        if let (Some(a), Some(b)) = (self.first_year, self.last_year) {
            write!(f, " (covered: {a}–{b})")?;
        }
        Ok(())
    }
}

impl NotCovered {
    pub fn message_zh(&self) -> String {
        format!("{}年的工作日历缺失：规则数据中没有国务院办公厅关于{}年部分节假日安排的通知，无法计算期限", self.year, self.year)
    }
}

impl From<NotCovered> for Refusal {
    fn from(e: NotCovered) -> Refusal {
        Refusal::new("calendar_year_not_covered", e.message_zh(), e.to_string()).with_rule("行政处罚法 art. 85; 行政强制法 art. 69")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    kind: DayKind,
    name: String,
    notice: usize,
}

/// The working-day calendar. Pure data: build it once, ask it about dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    notices: Vec<Notice>,
    years: BTreeSet<i32>,
    marks: BTreeMap<NaiveDate, Mark>,
    local: BTreeMap<NaiveDate, LocalDay>,
    local_sources: Vec<String>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The embedded national calendar (parsed once).
    pub fn national() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| Calendar::parse(NATIONAL_HOLIDAYS, "rules/holidays.toml").expect("the embedded holiday calendar is valid (tested)"))
    }

    /// Parse and validate a notices file; every problem is reported with its line.
    pub fn parse(text: &str, source_name: &str) -> Result<Calendar, LoadErrors> {
        let (mut doc, root) = Doc::parse(text, source_name)?;
        let mut notices = Vec::new();
        if let Some(mut top) = Table::of(&mut doc, &root, "") {
            for (i, mut t) in top.tables(&mut doc, "notice").into_iter().enumerate() {
                t.set_path(format!("notice[{}]", i + 1));
                if let Some(n) = parse_notice(&mut doc, t) {
                    notices.push(n);
                }
            }
            if notices.is_empty() && !doc.has_errors() {
                top.missing(&mut doc, "notice");
            }
            top.finish(&mut doc);
        }
        let cal = build(&mut doc, notices);
        doc.finish(cal)
    }

    /// A copy with a tenant's local days (`[[local_day]]` entries: date, kind = "rest" | "work",
    /// name, citation, verified). Local days must fall in covered years.
    pub fn with_local_days(&self, text: &str, source_name: &str) -> Result<Calendar, LoadErrors> {
        let (mut doc, root) = Doc::parse(text, source_name)?;
        let mut cal = self.clone();
        if let Some(mut top) = Table::of(&mut doc, &root, "") {
            for (i, mut t) in top.tables(&mut doc, "local_day").into_iter().enumerate() {
                t.set_path(format!("local_day[{}]", i + 1));
                let line = doc.line(&t.span());
                let date = t.req_date(&mut doc, "date");
                let kind = t.req_str(&mut doc, "kind");
                let name = t.req_str(&mut doc, "name");
                let citation = t.req_str(&mut doc, "citation");
                let verified = t.req_bool(&mut doc, "verified");
                let rest = match kind.as_deref() {
                    Some("rest") => Some(true),
                    Some("work") => Some(false),
                    Some(other) => {
                        doc.error(&t.span_of("kind"), t.path(), format!("kind is \"rest\" or \"work\", not \"{other}\""));
                        None
                    }
                    None => None,
                };
                if let Some(c) = &citation {
                    if c.trim().is_empty() {
                        doc.error(&t.span_of("citation"), t.path(), "citation is empty: a local day cites its rule");
                    }
                }
                if let Some(d) = date {
                    if !cal.years.contains(&d.year()) {
                        doc.error(&t.span_of("date"), t.path(), format!("{} is in {}, a year the calendar does not cover", d, d.year()));
                    }
                    if let Some(prev) = cal.local.get(&d) {
                        doc.error(&t.span_of("date"), t.path(), format!("{d} is already a local day (line {})", prev.line));
                    }
                }
                t.finish(&mut doc);
                if let (Some(date), Some(rest), Some(name), Some(citation), Some(verified)) = (date, rest, name, citation, verified) {
                    cal.local.insert(date, LocalDay { date, rest, name, citation, verified, line });
                }
            }
            top.finish(&mut doc);
        }
        cal.local_sources.push(source_name.to_owned());
        doc.finish(cal)
    }

    /// The local-day files applied, in order.
    pub fn local_sources(&self) -> &[String] {
        &self.local_sources
    }

    /// The notices, in file order.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The annual notice of a year.
    pub fn notice_for(&self, year: i32) -> Option<&Notice> {
        self.notices.iter().find(|n| n.year == year && !n.amendment)
    }

    /// The years with an annual notice, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    /// The error for a year without data.
    pub fn not_covered(&self, year: i32) -> NotCovered {
        NotCovered { year, first_year: self.years.iter().next().copied(), last_year: self.years.iter().next_back().copied() }
    }

    /// What a date is, and why.
    pub fn day(&self, date: NaiveDate) -> Result<Day<'_>, NotCovered> {
        if !self.covers(date) {
            return Err(self.not_covered(date.year()));
        }
        if let Some(l) = self.local.get(&date) {
            let kind = if l.rest { DayKind::LocalRestDay } else { DayKind::LocalWorkingDay };
            return Ok(Day { date, kind, name: Some(&l.name), notice: None, local: Some(l) });
        }
        if let Some(m) = self.marks.get(&date) {
            return Ok(Day { date, kind: m.kind, name: Some(&m.name), notice: Some(&self.notices[m.notice]), local: None });
        }
        let kind = if is_weekend(date) { DayKind::Weekend } else { DayKind::WorkingDay };
        Ok(Day { date, kind, name: None, notice: None, local: None })
    }

    pub fn kind(&self, date: NaiveDate) -> Result<DayKind, NotCovered> {
        self.day(date).map(|d| d.kind)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, NotCovered> {
        self.kind(date).map(DayKind::is_working)
    }

    /// Every covered day with its kind, ascending (for the cross-check dump).
    pub fn covered_days(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.years.iter().flat_map(move |&y| {
            let first = NaiveDate::from_ymd_opt(y, 1, 1).expect("valid year");
            first.iter_days().take_while(move |d| d.year() == y).map(move |d| (d, self.kind(d).expect("covered")))
        })
    }
}

fn parse_notice(doc: &mut Doc, mut t: Table) -> Option<Notice> {
    let line = doc.line(&t.span());
    let year = t.req_int(doc, "year");
    let amendment = t.opt_bool(doc, "amendment").unwrap_or(false);
    let title = t.req_str(doc, "title");
    let number = t.req_str(doc, "number");
    let number_verified = t.req_bool(doc, "number_verified");
    let issued = t.req_date(doc, "issued");
    let text_seen_at = t.opt_strs(doc, "text_seen_at").unwrap_or_default();
    let path = t.path().to_owned();
    if text_seen_at.is_empty() {
        doc.error(&t.span_of("text_seen_at"), &path, "text_seen_at lists where the notice's text was read");
    }
    let year = match year {
        Some(y) if (2000..=2100).contains(&y) => Some(y as i32),
        Some(y) => {
            doc.error(&t.span_of("year"), &path, format!("year {y} is out of range"));
            None
        }
        None => None,
    };
    if let (Some(y), Some(title)) = (year, &title) {
        if !title.contains(&format!("{y}年")) {
            doc.error(&t.span_of("title"), &path, format!("the title does not name {y}"));
        }
    }
    if let (Some(y), Some(issued)) = (year, issued) {
        let ok = if amendment { issued.year() == y || issued.year() == y - 1 } else { issued.year() == y - 1 };
        if !ok {
            doc.error(&t.span_of("issued"), &path, format!("issued {issued} is not when a notice for {y} is issued"));
        }
    }
    let mut holidays = Vec::new();
    for (i, mut h) in t.tables(doc, "holiday").into_iter().enumerate() {
        h.set_path(format!("{path}.holiday[{}]", i + 1));
        let hline = doc.line(&h.span());
        let name = h.req_str(doc, "name");
        let first = h.req_date(doc, "first");
        let last = h.req_date(doc, "last");
        let days = h.opt_int(doc, "days");
        let text = h.req_str(doc, "text");
        if let (Some(first), Some(last)) = (first, last) {
            let len = (last - first).num_days() + 1;
            if !(1..=10).contains(&len) {
                doc.error(&h.span_of("last"), h.path(), format!("{first} to {last} is not a holiday of 1 to 10 days"));
            } else if let Some(d) = days {
                if d != len {
                    doc.error(&h.span_of("days"), h.path(), format!("days = {d}, but {first} to {last} is {len} days"));
                }
            }
            if let Some(y) = year {
                if !in_notice_range(y, first) || !in_notice_range(y, last) {
                    doc.error(
                        &h.span_of("first"),
                        h.path(),
                        format!("{first} to {last} is outside the {y} notice's reach (December {} to December {y})", y - 1),
                    );
                }
            }
        }
        h.finish(doc);
        if let (Some(name), Some(first), Some(last), Some(text)) = (name, first, last, text) {
            holidays.push(HolidayEntry { name, first, last, days: days.map(|d| d.clamp(0, 99) as u32), text, line: hline });
        }
    }
    let mut makeups = Vec::new();
    for (i, mut m) in t.tables(doc, "makeup").into_iter().enumerate() {
        m.set_path(format!("{path}.makeup[{}]", i + 1));
        let mline = doc.line(&m.span());
        let date = m.req_date(doc, "date");
        let for_holiday = m.req_str(doc, "for");
        if let Some(d) = date {
            if !is_weekend(d) {
                doc.error(&m.span_of("date"), m.path(), format!("{d} is a {:?}: a make-up working day is a Saturday or Sunday", d.weekday()));
            }
            if let Some(y) = year {
                if !in_notice_range(y, d) {
                    doc.error(&m.span_of("date"), m.path(), format!("{d} is outside the {y} notice's reach"));
                }
            }
            if let Some(h) = holidays.iter().find(|h| h.first <= d && d <= h.last) {
                doc.error(&m.span_of("date"), m.path(), format!("{d} is also a day off of {} (line {})", h.name, h.line));
            }
        }
        if let Some(f) = &for_holiday {
            if !holidays.iter().any(|h| &h.name == f) {
                doc.error(&m.span_of("for"), m.path(), format!("no holiday named {f} in this notice"));
            }
        }
        m.finish(doc);
        if let (Some(date), Some(for_holiday)) = (date, for_holiday) {
            makeups.push(MakeupEntry { date, for_holiday, line: mline });
        }
    }
    if holidays.is_empty() && !t.has("holiday") {
        t.missing(doc, "holiday");
    }
    t.finish(doc);
    Some(Notice {
        year: year?,
        amendment,
        title: title?,
        number: number?,
        number_verified: number_verified?,
        issued: issued?,
        text_seen_at,
        holidays,
        makeups,
        line,
    })
}

/// A notice for year `y` may reach back into December of the year before (元旦).
fn in_notice_range(y: i32, d: NaiveDate) -> bool {
    d.year() == y || (d.year() == y - 1 && d.month() == 12)
}

fn build(doc: &mut Doc, notices: Vec<Notice>) -> Calendar {
    let mut years = BTreeSet::new();
    let mut annual_line: BTreeMap<i32, usize> = BTreeMap::new();
    for n in notices.iter().filter(|n| !n.amendment) {
        if let Some(first) = annual_line.insert(n.year, n.line) {
            doc.error_at_line(n.line, "notice", format!("a second annual notice for {} (first at line {first})", n.year));
        }
        years.insert(n.year);
    }
    let mut marks: BTreeMap<NaiveDate, Mark> = BTreeMap::new();
    // Annual notices first, then amendments in the order they were issued; an amendment's days
    // replace what the annual notice said, two annual notices may not both set a date.
    let mut order: Vec<usize> = (0..notices.len()).collect();
    order.sort_by_key(|&i| (notices[i].amendment, notices[i].issued));
    for &i in &order {
        let n = &notices[i];
        if n.amendment {
            match notices.iter().find(|a| !a.amendment && a.year == n.year) {
                None => doc.error_at_line(n.line, "notice", format!("an amendment for {} but no annual notice for {}", n.year, n.year)),
                Some(a) if a.issued > n.issued => {
                    doc.error_at_line(n.line, "notice", format!("the amendment is issued before the annual notice for {}", n.year))
                }
                _ => {}
            }
        }
        let mut entries: Vec<(NaiveDate, DayKind, &str, usize)> = Vec::new();
        for h in &n.holidays {
            for d in h.first.iter_days().take_while(|d| *d <= h.last) {
                entries.push((d, DayKind::PublicHoliday, &h.name, h.line));
            }
        }
        for m in &n.makeups {
            entries.push((m.date, DayKind::MakeupWorkingDay, &m.for_holiday, m.line));
        }
        for (d, kind, name, line) in entries {
            if let Some(old) = marks.get(&d) {
                if !n.amendment && old.notice != i {
                    let o = &notices[old.notice];
                    doc.error_at_line(line, "notice", format!("{d} is already set by {} (line {})", o.title, o.line));
                    continue;
                }
            }
            marks.insert(d, Mark { kind, name: name.to_owned(), notice: i });
        }
    }
    Calendar { notices, years, marks, local: BTreeMap::new(), local_sources: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn national_calendar_covers_2018_to_2026() {
        // P-2: every year from 2018 with its notice
        let cal = Calendar::national();
        let years: Vec<i32> = cal.years().collect();
        assert_eq!(years, (2018..=2026).collect::<Vec<_>>());
        for y in 2018..=2026 {
            let n = cal.notice_for(y).unwrap();
            assert_eq!(n.title, format!("国务院办公厅关于{y}年部分节假日安排的通知"));
            assert!(n.number.starts_with("国办发明电〔"));
        }
        assert!(!cal.notice_for(2026).unwrap().number_verified);
    }

    #[test]
    fn uncovered_year_is_an_error_naming_it() {
        // P-2: no silent weekday guess
        let cal = Calendar::national();
        let e = cal.is_working_day(d(2027, 3, 3)).unwrap_err();
        assert_eq!(e.year, 2027);
        assert!(e.to_string().contains("2027"), "{e}");
        assert!(e.message_zh().contains("2027年"));
        assert_eq!(cal.kind(d(2017, 12, 29)).unwrap_err().year, 2017);
    }

    #[test]
    fn kinds_follow_the_notices() {
        let cal = Calendar::national();
        // 国办发明电〔2023〕7号: 2024 春节 2月10日至17日, 2月4日（星期日）、2月18日（星期日）上班
        assert_eq!(cal.kind(d(2024, 2, 4)).unwrap(), DayKind::MakeupWorkingDay);
        assert_eq!(cal.kind(d(2024, 2, 12)).unwrap(), DayKind::PublicHoliday);
        // 除夕 2024-02-09 (Friday) is only "encouraged" off: a working day
        assert_eq!(cal.kind(d(2024, 2, 9)).unwrap(), DayKind::WorkingDay);
        // 国办发明电〔2018〕15号 reaches back into 2018
        assert_eq!(cal.kind(d(2018, 12, 29)).unwrap(), DayKind::MakeupWorkingDay);
        assert_eq!(cal.kind(d(2018, 12, 31)).unwrap(), DayKind::PublicHoliday);
        // 国办发明电〔2019〕3号 amended 劳动节 2019
        assert_eq!(cal.kind(d(2019, 5, 2)).unwrap(), DayKind::PublicHoliday);
        assert_eq!(cal.kind(d(2019, 5, 5)).unwrap(), DayKind::MakeupWorkingDay);
        // 国办发明电〔2020〕1号 extended 春节 2020 to 2月2日: the make-up day 2月1日 became a day off
        assert_eq!(cal.kind(d(2020, 2, 1)).unwrap(), DayKind::PublicHoliday);
        assert_eq!(cal.kind(d(2020, 2, 3)).unwrap(), DayKind::WorkingDay);
        let day = cal.day(d(2020, 1, 31)).unwrap();
        assert!(day.citation().unwrap().contains("国办发明电〔2020〕1号"));
        assert_eq!(cal.kind(d(2026, 3, 7)).unwrap(), DayKind::Weekend);
    }

    /// Every make-up date in a holiday's own sentence ("2月11日（星期日）…上班") is a listed make-up day
    /// of that holiday on that weekday, and every listed one is in the sentence; the sentence's
    /// "共N天" agrees with `days` (so a typo in the dates cannot pass silently).
    #[test]
    fn entries_agree_with_the_notice_sentences() {
        let cal = Calendar::national();
        for n in cal.notices() {
            for h in &n.holidays {
                let text = &h.text;
                let work_part = text.split('。').filter(|s| s.ends_with("）上班")).collect::<Vec<_>>().join("。");
                let mut in_text = Vec::new();
                let chars: Vec<char> = work_part.chars().collect();
                let mut i = 0;
                while i < chars.len() {
                    // parse [YYYY年]M月D日（星期X|周X）
                    let start = i;
                    let num = |i: &mut usize| -> Option<u32> {
                        let s = *i;
                        while *i < chars.len() && chars[*i].is_ascii_digit() {
                            *i += 1;
                        }
                        if *i == s {
                            None
                        } else {
                            chars[s..*i].iter().collect::<String>().parse().ok()
                        }
                    };
                    let mut year = n.year;
                    let Some(a) = num(&mut i) else {
                        i += 1;
                        continue;
                    };
                    let month = if chars.get(i) == Some(&'年') {
                        year = a as i32;
                        i += 1;
                        let Some(m) = num(&mut i) else { continue };
                        m
                    } else {
                        a
                    };
                    if chars.get(i) != Some(&'月') {
                        i = start + 1;
                        continue;
                    }
                    i += 1;
                    let Some(day) = num(&mut i) else { continue };
                    if chars.get(i) != Some(&'日') {
                        continue;
                    }
                    i += 1;
                    let rest: String = chars[i..].iter().take(5).collect();
                    let wd = if rest.starts_with("（星期") {
                        rest.chars().nth(3)
                    } else if rest.starts_with("（周") {
                        rest.chars().nth(2)
                    } else {
                        None
                    };
                    let date = d(year, month, day);
                    let expect = match date.weekday() {
                        Weekday::Sat => '六',
                        Weekday::Sun => '日',
                        _ => 'x',
                    };
                    assert_eq!(wd, Some(expect), "{}: {date} weekday in {text:?}", n.title);
                    in_text.push(date);
                }
                let mut listed: Vec<NaiveDate> = n.makeups.iter().filter(|m| m.for_holiday == h.name).map(|m| m.date).collect();
                listed.sort();
                in_text.sort();
                assert_eq!(listed, in_text, "{}: {}", n.title, h.name);
                if let Some(pos) = text.find("共") {
                    let n_days: String = text[pos + "共".len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
                    assert_eq!(h.days, Some(n_days.parse().unwrap()), "{}: {text}", n.title);
                } else {
                    assert_eq!(h.days, None, "{}: {text}", n.title);
                }
            }
        }
    }

    #[test]
    fn every_error_in_a_notices_file_is_reported_with_its_line() {
        let text = r#"[[notice]]
year = 2030
title = "国务院办公厅关于2030年部分节假日安排的通知"
number = "x"
number_verified = false
issued = 2029-11-01
text_seen_at = ["somewhere"]

  [[notice.holiday]]
  name = "春节"
  first = 2030-02-02
  last = 2030-02-08
  days = 8
  text = "t"

  [[notice.makeup]]
  date = 2030-02-11
  for = "春节"

  [[notice.makeup]]
  date = 2030-02-09
  for = "元宵"
  colour = 1
"#;
        let e = Calendar::parse(text, "bad.toml").unwrap_err();
        let msg = e.to_string();
        let lines: Vec<usize> = e.errors.iter().map(|e| e.line).collect();
        assert!(lines.contains(&13), "days mismatch: {msg}");
        assert!(lines.contains(&17), "make-up on a Monday: {msg}");
        assert!(lines.contains(&22), "unknown holiday: {msg}");
        assert!(lines.contains(&23), "unknown field: {msg}");
        assert!(e.errors.len() >= 4, "{msg}");
    }

    #[test]
    fn local_days_carry_their_citation() {
        let cal = Calendar::national();
        let text = r#"
[[local_day]]
date = 2020-02-03
kind = "rest"
name = "延迟复工"
citation = "某省人民政府通知（示例）"
verified = false
"#;
        let local = cal.with_local_days(text, "tenant.toml").unwrap();
        let day = local.day(d(2020, 2, 3)).unwrap();
        assert_eq!(day.kind, DayKind::LocalRestDay);
        assert!(!day.is_working());
        assert!(day.citation().unwrap().contains("未核实"));
        // the national calendar is unchanged
        assert!(cal.is_working_day(d(2020, 2, 3)).unwrap());
        let bad = "[[local_day]]\ndate = 2031-01-02\nkind = \"nap\"\nname = \"x\"\ncitation = \"\"\nverified = false\n";
        let e = cal.with_local_days(bad, "bad.toml").unwrap_err();
        assert_eq!(e.errors.len(), 3, "{e}");
    }
}
