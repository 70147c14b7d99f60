//! Deadline arithmetic: pure functions over the working-day calendar, and deadlines as values
//! (due time + the rule that set it + its citation + an explanation in Chinese and English).
//!
//! Day counting (shared/spec/penalty-procedure.md P-1..P-4):
//! - the start day (or starting hour) is not counted (民事诉讼法 art. 85 para. 2);
//! - a period whose last day is a rest day or holiday ends on the first working day after it
//!   (民事诉讼法 art. 85 para. 3; 行政复议法 art. 88, 行政诉讼法 art. 101 refer to it);
//! - working-day periods count only working days of the calendar (APL art. 85, ACL art. 69);
//! - a month period ends on the same date of the later month, or its last day (民法典 art. 202);
//! - pauses and extensions exist only where a profile rule grants them, extensions only with an
//!   approval act.
//!
//! Local civil time (Asia/Shanghai, which has no daylight saving) is used throughout: callers
//! convert from UTC before and after.

use crate::calendar::{Calendar, NotCovered};
use crate::profile::{Quantity, Rule, RuleKind, Unit};
use crate::Refusal;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use std::fmt;

/// Why a deadline could not be computed or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(transparent)]
    NotCovered(#[from] NotCovered),
    #[error("`{rule}` is measured in {unit}, not a period")]
    NotAPeriod { rule: String, unit: String },
    #[error("`{rule}` counts working time: office hours are needed")]
    NoOfficeHours { rule: String },
    #[error("`{grant}` grants no pause or extension of `{rule}`")]
    NotGranted { grant: String, rule: String },
    #[error("`{rule}` may be extended at most {max} time(s) under `{grant}`")]
    ExtensionsExhausted { grant: String, rule: String, max: u32 },
    #[error("the approval dated {approved_on} is not within the period (from {start} to {due})")]
    ApprovalOutsidePeriod { approved_on: NaiveDate, start: NaiveDate, due: NaiveDate },
    #[error("invalid pause: {0}")]
    InvalidPause(String),
    #[error("invalid office hours: {0}")]
    InvalidOfficeHours(String),
}

impl From<DeadlineError> for Refusal {
    fn from(e: DeadlineError) -> Refusal {
        match e {
            DeadlineError::NotCovered(n) => n.into(),
            other => {
                let zh = match &other {
                    DeadlineError::NotAPeriod { rule, .. } => format!("`{rule}` 不是期限"),
                    DeadlineError::NoOfficeHours { rule } => format!("`{rule}` 按工作时间计算，需要配置办公时间"),
                    DeadlineError::NotGranted { grant, rule } => format!("`{grant}` 未规定可以中止或延长 `{rule}`"),
                    DeadlineError::ExtensionsExhausted { rule, max, .. } => format!("`{rule}` 最多延长{max}次"),
                    DeadlineError::ApprovalOutsidePeriod { .. } => "延长期限的批准不在期限之内".to_owned(),
                    DeadlineError::InvalidPause(m) => format!("期限中止无效：{m}"),
                    DeadlineError::InvalidOfficeHours(m) => format!("办公时间配置无效：{m}"),
                    DeadlineError::NotCovered(_) => unreachable!(),
                };
                Refusal::new("deadline", zh, other.to_string())
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Office hours

/// The office hours of a working day, e.g. 08:30–12:00 and 14:00–18:00 (tenant configuration, for
/// working-hour limits such as 数字城管 disposal times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    sessions: Vec<(NaiveTime, NaiveTime)>,
}

impl OfficeHours {
    /// Sessions in order, each start before its end, not overlapping.
    pub fn new(mut sessions: Vec<(NaiveTime, NaiveTime)>) -> Result<OfficeHours, DeadlineError> {
        if sessions.is_empty() {
            return Err(DeadlineError::InvalidOfficeHours("no session".into()));
        }
        sessions.sort();
        for (s, e) in &sessions {
            if s >= e {
                return Err(DeadlineError::InvalidOfficeHours(format!("{s}–{e} ends before it starts")));
            }
        }
        for w in sessions.windows(2) {
            if w[1].0 < w[0].1 {
                return Err(DeadlineError::InvalidOfficeHours(format!("{}–{} overlaps {}–{}", w[0].0, w[0].1, w[1].0, w[1].1)));
            }
        }
        Ok(OfficeHours { sessions })
    }

    /// `"08:30-12:00, 14:00-18:00"` (an en dash works too).
    pub fn parse(spec: &str) -> Result<OfficeHours, DeadlineError> {
        let mut sessions = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once(['-', '–']).ok_or_else(|| DeadlineError::InvalidOfficeHours(format!("`{part}` is not HH:MM-HH:MM")))?;
            let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| DeadlineError::InvalidOfficeHours(format!("`{s}` is not HH:MM")));
            sessions.push((t(a)?, t(b)?));
        }
        OfficeHours::new(sessions)
    }

    pub fn sessions(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.sessions
    }

    /// Office seconds in a working day.
    pub fn seconds_per_day(&self) -> i64 {
        self.sessions.iter().map(|(s, e)| (*e - *s).num_seconds()).sum()
    }
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.sessions.iter().map(|(s, e)| format!("{}–{}", s.format("%H:%M"), e.format("%H:%M"))).collect();
        f.write_str(&parts.join(", "))
    }
}

// ------------------------------------------------------------------------------------------------
// Day arithmetic

/// Inclusive date ranges not counted (approved pauses).
type Paused<'a> = &'a [(NaiveDate, NaiveDate)];

fn is_paused(p: Paused, d: NaiveDate) -> bool {
    p.iter().any(|(a, b)| *a <= d && d <= *b)
}

fn next_day(cal: &Calendar, d: NaiveDate) -> Result<NaiveDate, NotCovered> {
    d.succ_opt().ok_or_else(|| cal.not_covered(d.year().saturating_add(1)))
}

fn prev_day(cal: &Calendar, d: NaiveDate) -> Result<NaiveDate, NotCovered> {
    d.pred_opt().ok_or_else(|| cal.not_covered(d.year().saturating_sub(1)))
}

/// The first working day on or after `d` (the end of a period that falls on a rest day,
/// 民事诉讼法 art. 85 para. 3).
pub fn roll_forward(cal: &Calendar, d: NaiveDate) -> Result<NaiveDate, NotCovered> {
    roll(cal, d, &[])
}

fn roll(cal: &Calendar, mut d: NaiveDate, p: Paused) -> Result<NaiveDate, NotCovered> {
    while !cal.is_working_day(d)? || is_paused(p, d) {
        d = next_day(cal, d)?;
    }
    Ok(d)
}

/// The `n`th working day after `start` (the start day is not counted; APL art. 85, ACL art. 69).
/// `n = 0` gives `start`.
pub fn add_working_days(cal: &Calendar, start: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
    add_working_days_p(cal, start, n, &[])
}

fn add_working_days_p(cal: &Calendar, start: NaiveDate, n: u32, p: Paused) -> Result<NaiveDate, NotCovered> {
    let mut d = start;
    let mut left = n;
    while left > 0 {
        d = next_day(cal, d)?;
        if cal.is_working_day(d)? && !is_paused(p, d) {
            left -= 1;
        }
    }
    Ok(d)
}

/// The `n`th working day before `event` (the event day is not counted): the latest day to act
/// when a rule says "at least n working days before" (e.g. the hearing notice, APL art. 64 (2)).
pub fn working_days_before(cal: &Calendar, event: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
    let mut d = event;
    let mut left = n;
    while left > 0 {
        d = prev_day(cal, d)?;
        if cal.is_working_day(d)? {
            left -= 1;
        }
    }
    Ok(d)
}

/// Working days `d` with `from < d <= to` (the start day is not counted); negative when `to`
/// is before `from`.
pub fn count_working_days(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> Result<i64, NotCovered> {
    if to < from {
        return count_working_days(cal, to, from).map(|n| -n);
    }
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = next_day(cal, d)?;
        if cal.is_working_day(d)? {
            n += 1;
        }
    }
    Ok(n)
}

/// `n` natural days after `start` (start day not counted), moved to the next working day when
/// that day is a rest day (民事诉讼法 art. 85).
pub fn add_days(cal: &Calendar, start: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
    let end = start.checked_add_days(Days::new(n.into())).ok_or_else(|| cal.not_covered(i32::MAX))?;
    roll_forward(cal, end)
}

/// The same date `n` months later, or the last day of that month when it has no such date
/// (民法典 art. 202). No rest-day adjustment.
pub fn months_later(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    // chrono clamps to the month's last day: Jan 31 + 1 month = Feb 28/29.
    start.checked_add_months(Months::new(n))
}

/// A month period: `months_later`, then moved to the next working day when that is a rest day.
pub fn add_months(cal: &Calendar, start: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
    let end = months_later(start, n).ok_or_else(|| cal.not_covered(i32::MAX))?;
    roll_forward(cal, end)
}

/// A year period, counted as 12 months.
pub fn add_years(cal: &Calendar, start: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
    add_months(cal, start, n.saturating_mul(12))
}

/// `n` hours after `start`, the starting hour not counted (民事诉讼法 art. 85 para. 2: "期间开始的时
/// …不计算在期间内"): counting begins at the next full hour.
pub fn add_hours(start: NaiveDateTime, n: u32) -> Option<NaiveDateTime> {
    let hour = start.date().and_hms_opt(start.hour(), 0, 0)?;
    hour.checked_add_signed(TimeDelta::hours(1 + i64::from(n)))
}

/// `minutes` of office time after `start` on working days. The clock runs only within the office
/// hours of working days: from a start outside them it starts at the next session.
pub fn add_working_minutes(cal: &Calendar, hours: &OfficeHours, start: NaiveDateTime, minutes: u32) -> Result<NaiveDateTime, NotCovered> {
    add_working_seconds_p(cal, hours, start, i64::from(minutes) * 60, &[])
}

/// `h` office hours after `start` (see `add_working_minutes`).
pub fn add_working_hours(cal: &Calendar, hours: &OfficeHours, start: NaiveDateTime, h: u32) -> Result<NaiveDateTime, NotCovered> {
    add_working_seconds_p(cal, hours, start, i64::from(h) * 3600, &[])
}

fn add_working_seconds_p(cal: &Calendar, hours: &OfficeHours, start: NaiveDateTime, seconds: i64, p: Paused) -> Result<NaiveDateTime, NotCovered> {
    if seconds <= 0 {
        return Ok(start);
    }
    let mut left = seconds;
    let mut day = start.date();
    let mut from = start.time();
    loop {
        if cal.is_working_day(day)? && !is_paused(p, day) {
            for &(s, e) in hours.sessions() {
                if from >= e {
                    continue;
                }
                let begin = from.max(s);
                let avail = (e - begin).num_seconds();
                if left <= avail {
                    return Ok(day.and_time(begin) + TimeDelta::seconds(left));
                }
                left -= avail;
            }
        }
        day = next_day(cal, day)?;
        from = NaiveTime::MIN;
    }
}

/// Office minutes between two moments (whole minutes, rounded down; negative when `to` is
/// before `from`).
pub fn working_minutes_between(cal: &Calendar, hours: &OfficeHours, from: NaiveDateTime, to: NaiveDateTime) -> Result<i64, NotCovered> {
    if to < from {
        return working_minutes_between(cal, hours, to, from).map(|m| -m);
    }
    let mut secs = 0;
    let mut day = from.date();
    while day <= to.date() {
        if cal.is_working_day(day)? {
            for &(s, e) in hours.sessions() {
                let a = day.and_time(s).max(from);
                let b = day.and_time(e).min(to);
                if b > a {
                    secs += (b - a).num_seconds();
                }
            }
        }
        day = next_day(cal, day)?;
    }
    Ok(secs / 60)
}

// ------------------------------------------------------------------------------------------------
// Deadlines as values

/// When a deadline falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// The whole of that day (a period counted in days, months or years).
    EndOfDay(NaiveDate),
    /// That moment (a period counted in hours or minutes).
    At(NaiveDateTime),
}

impl Due {
    pub fn date(self) -> NaiveDate {
        match self {
            Due::EndOfDay(d) => d,
            Due::At(t) => t.date(),
        }
    }
    /// Overdue at `now` (local time).
    pub fn is_overdue(self, now: NaiveDateTime) -> bool {
        match self {
            Due::EndOfDay(d) => now.date() > d,
            Due::At(t) => now > t,
        }
    }
    pub fn zh(self) -> String {
        match self {
            Due::EndOfDay(d) => format!("{}（{}）", zh_date(d), zh_weekday(d)),
            Due::At(t) => format!("{} {}", zh_date(t.date()), t.format("%H:%M")),
        }
    }
    pub fn en(self) -> String {
        match self {
            Due::EndOfDay(d) => format!("{} ({})", d, d.format("%A")),
            Due::At(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn zh_weekday(d: NaiveDate) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][d.weekday().num_days_from_monday() as usize]
}

/// Counting forwards from an event (the usual case) or backwards from it (the latest day to act
/// before it, e.g. the hearing notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

/// An approval act (批准) that extends a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub approved_by: String,
    pub approved_on: NaiveDate,
    /// The approval document's number or record reference.
    pub reference: String,
}

/// Days not counted, under the rule that grants the pause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPause {
    pub rule: String,
    pub citation: String,
    pub reason: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// An approved extension under the rule that grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedExtension {
    pub rule: String,
    pub citation: String,
    pub by: Quantity,
    pub approval: Approval,
}

/// A deadline: when it falls due, the rule that set it, its citation, and why, in Chinese and
/// English. Computed once when its start event happens; pauses and extensions give a new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub rule: String,
    pub citation: String,
    pub verified: bool,
    pub period: Quantity,
    pub direction: Direction,
    /// The start event (for `Before`, the event counted back from).
    pub start: NaiveDateTime,
    pub due: Due,
    pub pauses: Vec<AppliedPause>,
    pub extensions: Vec<AppliedExtension>,
    pub explanation_zh: String,
    pub explanation_en: String,
    pub office_hours: Option<OfficeHours>,
}

fn needs_office_hours(u: Unit) -> bool {
    matches!(u, Unit::WorkingHours | Unit::WorkingMinutes)
}

fn period_of(rule: &Rule) -> Result<Quantity, DeadlineError> {
    match rule.kind {
        RuleKind::Value(q) if q.unit.is_period() => Ok(q),
        RuleKind::Value(q) => Err(DeadlineError::NotAPeriod { rule: rule.key.clone(), unit: q.unit.to_string() }),
        _ => Err(DeadlineError::NotAPeriod { rule: rule.key.clone(), unit: "an extension or pause".into() }),
    }
}

fn to_u32(v: i64) -> u32 {
    v.clamp(0, i64::from(u32::MAX)) as u32
}

/// The deadline a rule sets when its start event happens at `start` (local time). Office hours
/// are needed for rules in working hours or minutes.
pub fn deadline(cal: &Calendar, office_hours: Option<&OfficeHours>, rule: &Rule, start: NaiveDateTime) -> Result<Deadline, DeadlineError> {
    let period = period_of(rule)?;
    if needs_office_hours(period.unit) && office_hours.is_none() {
        return Err(DeadlineError::NoOfficeHours { rule: rule.key.clone() });
    }
    let mut d = Deadline {
        rule: rule.key.clone(),
        citation: rule.cited(),
        verified: rule.verified,
        period,
        direction: Direction::After,
        start,
        due: Due::EndOfDay(start.date()),
        pauses: Vec::new(),
        extensions: Vec::new(),
        explanation_zh: String::new(),
        explanation_en: String::new(),
        office_hours: office_hours.cloned(),
    };
    d.recompute(cal)?;
    Ok(d)
}

/// The latest day to act when a rule requires acting at least a period before `event` (e.g. the
/// hearing notice, APL art. 64 (2)). Working days count back over working days; natural days count
/// back and then move to the previous working day if that day is a rest day.
pub fn latest_before(cal: &Calendar, rule: &Rule, event: NaiveDate) -> Result<Deadline, DeadlineError> {
    let period = period_of(rule)?;
    let n = to_u32(period.value);
    let (due, note_zh, note_en) = match period.unit {
        Unit::WorkingDays => {
            (working_days_before(cal, event, n)?, "按工作日倒数，当日不计入".to_owned(), "counting working days back; the event day is not counted".to_owned())
        }
        Unit::Days => {
            let mut d = event.checked_sub_days(Days::new(n.into())).ok_or_else(|| cal.not_covered(i32::MIN))?;
            let raw = d;
            while !cal.is_working_day(d)? {
                d = prev_day(cal, d)?;
            }
            if raw != d {
                (d, format!("{}为休息日，提前至此前最后一个工作日", zh_date(raw)), format!("{raw} is a rest day, so the last working day before it"))
            } else {
                (d, "按自然日倒数".to_owned(), "counting natural days back".to_owned())
            }
        }
        other => return Err(DeadlineError::NotAPeriod { rule: rule.key.clone(), unit: format!("{other} (counted back)") }),
    };
    let due = Due::EndOfDay(due);
    let cited = rule.cited();
    Ok(Deadline {
        rule: rule.key.clone(),
        citation: cited.clone(),
        verified: rule.verified,
        period,
        direction: Direction::Before,
        start: event.and_time(NaiveTime::MIN),
        due,
        pauses: Vec::new(),
        extensions: Vec::new(),
        explanation_zh: format!(
            "{}：应在{}之前至少{}完成，{}，最迟为{}。规则 {}。",
            cited,
            zh_date(event),
            period.unit.zh(period.value),
            note_zh,
            due.zh(),
            rule.key
        ),
        explanation_en: format!(
            "{}: at least {} before {} ({}); latest day {}. Rule {}.",
            rule.key,
            period.unit.en(period.value),
            event,
            note_en,
            due.en(),
            cited
        ),
        office_hours: None,
    })
}

/// One counted stretch: its end, and the day it would have ended on before moving off a rest day.
struct Step {
    due: Due,
    rolled_from: Option<NaiveDate>,
    counted_from: Option<NaiveDateTime>,
}

fn span(cal: &Calendar, office: Option<&OfficeHours>, rule: &str, q: Quantity, start: NaiveDateTime, p: Paused) -> Result<Step, DeadlineError> {
    let n = to_u32(q.value);
    let date_step = |raw: NaiveDate| -> Result<Step, DeadlineError> {
        let end = roll(cal, raw, p)?;
        Ok(Step { due: Due::EndOfDay(end), rolled_from: (end != raw).then_some(raw), counted_from: None })
    };
    match q.unit {
        Unit::WorkingDays => {
            let end = add_working_days_p(cal, start.date(), n, p)?;
            Ok(Step { due: Due::EndOfDay(end), rolled_from: None, counted_from: None })
        }
        Unit::Days => {
            let mut d = start.date();
            let mut left = n;
            while left > 0 {
                d = next_day(cal, d)?;
                if !is_paused(p, d) {
                    left -= 1;
                }
            }
            date_step(d)
        }
        Unit::Months | Unit::Years => {
            let months = if q.unit == Unit::Years { n.saturating_mul(12) } else { n };
            let raw = months_later(start.date(), months).ok_or_else(|| cal.not_covered(i32::MAX))?;
            // paused days inside the period push its end out by as many uncounted days
            let mut extra = start.date().iter_days().skip(1).take_while(|d| *d <= raw).filter(|d| is_paused(p, *d)).count();
            let mut d = raw;
            while extra > 0 {
                d = next_day(cal, d)?;
                if !is_paused(p, d) {
                    extra -= 1;
                }
            }
            date_step(d)
        }
        Unit::Hours | Unit::Minutes => {
            if !p.is_empty() {
                return Err(DeadlineError::InvalidPause(format!("`{rule}` counts natural {}; pauses are counted in whole days", q.unit)));
            }
            let (t, counted_from) = if q.unit == Unit::Hours {
                let t = add_hours(start, n).ok_or_else(|| cal.not_covered(i32::MAX))?;
                (t, Some(t - TimeDelta::hours(n.into())))
            } else {
                (start + TimeDelta::minutes(n.into()), None)
            };
            Ok(Step { due: Due::At(t), rolled_from: None, counted_from })
        }
        Unit::WorkingHours | Unit::WorkingMinutes => {
            let office = office.ok_or_else(|| DeadlineError::NoOfficeHours { rule: rule.to_owned() })?;
            let secs = if q.unit == Unit::WorkingHours { i64::from(n) * 3600 } else { i64::from(n) * 60 };
            let t = add_working_seconds_p(cal, office, start, secs, p)?;
            Ok(Step { due: Due::At(t), rolled_from: None, counted_from: None })
        }
        other => Err(DeadlineError::NotAPeriod { rule: rule.to_owned(), unit: other.to_string() }),
    }
}

impl Deadline {
    fn paused_ranges(&self) -> Vec<(NaiveDate, NaiveDate)> {
        self.pauses.iter().map(|p| (p.from, p.to)).collect()
    }

    /// Recompute `due` and the explanations from the start, period, pauses and extensions.
    fn recompute(&mut self, cal: &Calendar) -> Result<(), DeadlineError> {
        let p = self.paused_ranges();
        let office = self.office_hours.clone();
        let base = span(cal, office.as_ref(), &self.rule, self.period, self.start, &p)?;
        let mut zh = vec![format!(
            "{}：{}，自{}起算（起算日不计入）",
            self.citation,
            self.period.unit.zh(self.period.value),
            match self.period.unit {
                Unit::Hours | Unit::Minutes | Unit::WorkingHours | Unit::WorkingMinutes =>
                    format!("{} {}", zh_date(self.start.date()), self.start.format("%H:%M")),
                _ => zh_date(self.start.date()),
            }
        )];
        let mut en = vec![format!(
            "{}: {} from {} (the start day is not counted)",
            self.rule,
            self.period.unit.en(self.period.value),
            match self.period.unit {
                Unit::Hours | Unit::Minutes | Unit::WorkingHours | Unit::WorkingMinutes => self.start.format("%Y-%m-%d %H:%M").to_string(),
                _ => self.start.date().to_string(),
            }
        )];
        match self.period.unit {
            Unit::WorkingDays => {
                zh.push("只计工作日，不含法定节假日和休息日（按国务院办公厅节假日安排）".into());
                en.push("counting working days only, per the State Council holiday notices".into());
            }
            Unit::Hours => {
                if let Some(c) = base.counted_from {
                    zh.push(format!("开始的小时不计入，自{}起计算（民事诉讼法第八十五条）", c.format("%H:%M")));
                    en.push(format!("the starting hour is not counted: counting from {} (Civil Procedure Law art. 85)", c.format("%H:%M")));
                }
            }
            Unit::WorkingHours | Unit::WorkingMinutes => {
                if let Some(o) = &self.office_hours {
                    zh.push(format!("只计工作日的办公时间（{o}）"));
                    en.push(format!("counting office time ({o}) on working days only"));
                }
            }
            _ => {}
        }
        self.explain_roll(cal, &base, &mut zh, &mut en);
        for pz in &self.pauses {
            zh.push(format!("{}至{}（{}）不计入期间（{}）", zh_date(pz.from), zh_date(pz.to), pz.reason, pz.citation));
            en.push(format!("{} to {} ({}) not counted under {}", pz.from, pz.to, pz.reason, pz.rule));
        }
        let mut due = base.due;
        zh.push(format!("届满于{}", due.zh()));
        en.push(format!("due {}", due.en()));
        for x in &self.extensions {
            let from = match due {
                Due::EndOfDay(d) => d.and_time(NaiveTime::MIN),
                Due::At(t) => t,
            };
            let step = span(cal, office.as_ref(), &self.rule, x.by, from, &p)?;
            zh.push(format!(
                "经{}于{}批准（{}），延长{}（{}）",
                x.approval.approved_by,
                zh_date(x.approval.approved_on),
                x.approval.reference,
                x.by.unit.zh(x.by.value),
                x.citation
            ));
            en.push(format!(
                "extended by {} under {}, approved by {} on {} ({})",
                x.by.unit.en(x.by.value),
                x.rule,
                x.approval.approved_by,
                x.approval.approved_on,
                x.approval.reference
            ));
            self.explain_roll(cal, &step, &mut zh, &mut en);
            due = step.due;
            zh.push(format!("届满于{}", due.zh()));
            en.push(format!("due {}", due.en()));
        }
        self.due = due;
        self.explanation_zh = format!("{}。", zh.join("；"));
        self.explanation_en = format!("{}. Rule: {}.", en.join("; "), self.citation);
        Ok(())
    }

    fn explain_roll(&self, cal: &Calendar, step: &Step, zh: &mut Vec<String>, en: &mut Vec<String>) {
        let Some(raw) = step.rolled_from else { return };
        let (what_zh, what_en, by) = match cal.day(raw) {
            Ok(day) => (
                match day.name {
                    Some(n) => format!("{}（{}）", day.kind.zh(), n),
                    None => day.kind.zh().to_owned(),
                },
                day.kind.en().to_owned(),
                day.citation().map(|c| format!("，{c}")).unwrap_or_default(),
            ),
            Err(_) => ("休息日".into(), "rest day".into(), String::new()),
        };
        zh.push(format!("期间最后一日{}为{}{}，以其后第一个工作日为届满日（民事诉讼法第八十五条）", zh_date(raw), what_zh, by));
        en.push(format!("the last day {raw} is a {what_en}, so the period ends on the next working day (Civil Procedure Law art. 85)"));
    }

    /// The same deadline with the days `from..=to` not counted, under `grant` (a `pause` rule for
    /// this deadline's rule). The pause must begin within the period.
    pub fn pause(&self, cal: &Calendar, grant: &Rule, from: NaiveDate, to: NaiveDate) -> Result<Deadline, DeadlineError> {
        let RuleKind::Pause { pauses, reason } = &grant.kind else {
            return Err(DeadlineError::NotGranted { grant: grant.key.clone(), rule: self.rule.clone() });
        };
        if pauses != &self.rule {
            return Err(DeadlineError::NotGranted { grant: grant.key.clone(), rule: self.rule.clone() });
        }
        if self.direction == Direction::Before {
            return Err(DeadlineError::InvalidPause("a period counted back cannot be paused".into()));
        }
        if to < from {
            return Err(DeadlineError::InvalidPause(format!("{to} is before {from}")));
        }
        if from <= self.start.date() || from > self.due.date() {
            return Err(DeadlineError::InvalidPause(format!("{from} is not within the period ({} to {})", self.start.date(), self.due.date())));
        }
        if self.pauses.iter().any(|p| p.from <= to && from <= p.to) {
            return Err(DeadlineError::InvalidPause(format!("{from} to {to} overlaps an earlier pause")));
        }
        let mut d = self.clone();
        d.pauses.push(AppliedPause { rule: grant.key.clone(), citation: grant.cited(), reason: reason.clone(), from, to });
        d.pauses.sort_by_key(|p| p.from);
        d.recompute(cal)?;
        Ok(d)
    }

    /// The same deadline extended under `grant` (an `extension` rule for this deadline's rule) by
    /// the approval act `approval`, dated within the period. The extension runs from the current
    /// due date (that day not counted).
    pub fn extend(&self, cal: &Calendar, grant: &Rule, approval: Approval) -> Result<Deadline, DeadlineError> {
        let RuleKind::Extension { extends, by, max_times, .. } = &grant.kind else {
            return Err(DeadlineError::NotGranted { grant: grant.key.clone(), rule: self.rule.clone() });
        };
        if extends != &self.rule || self.direction == Direction::Before {
            return Err(DeadlineError::NotGranted { grant: grant.key.clone(), rule: self.rule.clone() });
        }
        let used = self.extensions.iter().filter(|x| x.rule == grant.key).count();
        if used >= *max_times as usize {
            return Err(DeadlineError::ExtensionsExhausted { grant: grant.key.clone(), rule: self.rule.clone(), max: *max_times });
        }
        if approval.approved_on < self.start.date() || approval.approved_on > self.due.date() {
            return Err(DeadlineError::ApprovalOutsidePeriod { approved_on: approval.approved_on, start: self.start.date(), due: self.due.date() });
        }
        let mut d = self.clone();
        d.extensions.push(AppliedExtension { rule: grant.key.clone(), citation: grant.cited(), by: *by, approval });
        d.recompute(cal)?;
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ProcedureProfile, EXAMPLE_SEED_004_PROFILE};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }
    fn cal() -> &'static Calendar {
        Calendar::national()
    }
    fn office() -> OfficeHours {
        OfficeHours::parse("08:30-12:00, 14:00-18:00").unwrap()
    }

    #[test]
    fn seven_working_days_across_national_day_week_and_its_makeup_weekend() {
        // APL art. 61 + art. 85; 国办发明电〔2023〕7号: 2024 国庆 10月1日至7日, 9月29日（星期日）、10月12日（星期六）上班
        // start Fri 2024-09-27 (not counted): Sun 9-29 (makeup) 1, Mon 9-30 2, [10-01..07 off], Tue 10-08 3,
        // Wed 4, Thu 5, Fri 10-11 6, Sat 10-12 (makeup) 7
        assert_eq!(add_working_days(cal(), d(2024, 9, 27), 7).unwrap(), d(2024, 10, 12));
        assert_eq!(count_working_days(cal(), d(2024, 9, 27), d(2024, 10, 12)).unwrap(), 7);
        // 2023: 中秋、国庆 9月29日至10月6日, 10月7日（星期六）、10月8日（星期日）上班
        // start Thu 2023-09-28: 10-07 1, 10-08 2, 10-09 3, 10-10 4, 10-11 5, 10-12 6, 10-13 7
        assert_eq!(add_working_days(cal(), d(2023, 9, 28), 7).unwrap(), d(2023, 10, 13));
    }

    #[test]
    fn five_working_days_across_spring_festival() {
        // APL art. 64 (1) + art. 85; 国办发明电〔2024〕12号: 2025 春节 1月28日至2月4日, 1月26日（周日）、2月8日（周六）上班
        // prior notice served Fri 2025-01-24: Sun 1-26 (makeup) 1, Mon 1-27 2, [1-28..2-04 off], 2-05 3, 2-06 4, 2-07 5
        assert_eq!(add_working_days(cal(), d(2025, 1, 24), 5).unwrap(), d(2025, 2, 7));
        // 2026 春节 2月15日至23日（共9天）, 2月14日（周六）上班: from Fri 2-13: 2-14 1, 2-24 2, 2-25 3
        assert_eq!(add_working_days(cal(), d(2026, 2, 13), 3).unwrap(), d(2026, 2, 25));
    }

    #[test]
    fn fifteen_days_ending_on_a_holiday_move_to_the_next_working_day() {
        // APL art. 67 (15 days) + 民事诉讼法 art. 85: served 2024-09-16 → day 15 is 2024-10-01 (国庆) → 2024-10-08
        let p = ProcedureProfile::national();
        let dl = deadline(cal(), None, p.get("apl.payment").unwrap(), t(2024, 9, 16, 10, 0)).unwrap();
        assert_eq!(dl.due, Due::EndOfDay(d(2024, 10, 8)));
        assert!(dl.explanation_zh.contains("2024年10月1日为法定节假日（国庆节）"), "{}", dl.explanation_zh);
        assert!(dl.explanation_zh.contains("国办发明电〔2023〕7号"), "{}", dl.explanation_zh);
        assert!(dl.explanation_zh.contains("民事诉讼法第八十五条"));
        assert!(dl.explanation_en.contains("next working day"), "{}", dl.explanation_en);
        assert_eq!(dl.rule, "apl.payment");
        assert!(dl.citation.contains("第六十七条"));
        // a 15-day period ending on a plain Sunday moves to Monday: 2024-06-01 + 15 = Sun 06-16 → 06-17
        assert_eq!(add_days(cal(), d(2024, 6, 1), 15).unwrap(), d(2024, 6, 17));
        // ... but not onto a make-up Sunday, which is a working day: 2024-09-14 + 15 = Sun 09-29 (makeup)
        assert_eq!(add_days(cal(), d(2024, 9, 14), 15).unwrap(), d(2024, 9, 29));
    }

    #[test]
    fn year_boundary() {
        // APL art. 85; 国办发明电〔2022〕16号: 元旦 2022年12月31日至2023年1月2日
        // from Thu 2022-12-29: Fri 12-30 1, [12-31, 1-1, 1-2 off], 1-3 2, 1-4 3
        assert_eq!(add_working_days(cal(), d(2022, 12, 29), 3).unwrap(), d(2023, 1, 4));
        // 国办发明电〔2018〕15号: 2018-12-29 (Saturday) worked, 12-30..2019-01-01 off
        assert_eq!(add_working_days(cal(), d(2018, 12, 28), 1).unwrap(), d(2018, 12, 29));
        assert_eq!(add_working_days(cal(), d(2018, 12, 28), 2).unwrap(), d(2019, 1, 2));
        // past the last covered year: an error naming the year, never a guess (P-2)
        let e = add_working_days(cal(), d(2026, 12, 24), 10).unwrap_err();
        assert_eq!(e.year, 2027);
    }

    #[test]
    fn month_periods_end_on_the_same_date_or_the_months_last_day() {
        // 民法典 art. 202 (spec P-3); ACL art. 53: 3 months
        assert_eq!(months_later(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(months_later(d(2025, 1, 31), 1), Some(d(2025, 2, 28)));
        assert_eq!(months_later(d(2025, 1, 31), 3), Some(d(2025, 4, 30)));
        // 2025-02-28 is a Friday: no move
        assert_eq!(add_months(cal(), d(2025, 1, 31), 1).unwrap(), d(2025, 2, 28));
        // 行政诉讼法 art. 46: 6 months from 2023-04-01 → 2023-10-01 (中秋、国庆 9月29日至10月6日) → the
        // next working day is the make-up Saturday 2023-10-07 (国办发明电〔2022〕16号)
        assert_eq!(add_months(cal(), d(2023, 4, 1), 6).unwrap(), d(2023, 10, 7));
        // APL art. 36: 2 years from 2020-02-29 → 2022-02-28 (no 29th; a Monday)
        assert_eq!(add_years(cal(), d(2020, 2, 29), 2).unwrap(), d(2022, 2, 28));
    }

    #[test]
    fn working_hours_across_lunch_overnight_and_a_weekend() {
        // 数字城管 limits in working hours (tenant office hours 08:30–12:00, 14:00–18:00)
        let o = office();
        // across lunch: Mon 2025-03-03 11:00 + 2 h = 1 h before lunch + 1 h after = 15:00
        assert_eq!(add_working_hours(cal(), &o, t(2025, 3, 3, 11, 0), 2).unwrap(), t(2025, 3, 3, 15, 0));
        // overnight: 17:00 + 2 h = 1 h today + 1 h tomorrow morning = 09:30 next day
        assert_eq!(add_working_hours(cal(), &o, t(2025, 3, 3, 17, 0), 2).unwrap(), t(2025, 3, 4, 9, 30));
        // over a weekend: Fri 2025-03-07 16:00 + 4 h = 2 h Fri + 2 h Mon = Mon 10:30
        assert_eq!(add_working_hours(cal(), &o, t(2025, 3, 7, 16, 0), 4).unwrap(), t(2025, 3, 10, 10, 30));
        // started in the lunch break or at night: the clock starts with the next session
        assert_eq!(add_working_minutes(cal(), &o, t(2025, 3, 3, 12, 30), 30).unwrap(), t(2025, 3, 3, 14, 30));
        assert_eq!(add_working_minutes(cal(), &o, t(2025, 3, 3, 22, 0), 30).unwrap(), t(2025, 3, 4, 9, 0));
        // ending exactly at the session's end stays there
        assert_eq!(add_working_minutes(cal(), &o, t(2025, 3, 3, 11, 0), 60).unwrap(), t(2025, 3, 3, 12, 0));
        // a holiday weekend with a make-up Sunday: Fri 2024-09-27 17:00 + 2 h → Sun 09-29 (makeup) 09:30
        assert_eq!(add_working_hours(cal(), &o, t(2024, 9, 27, 17, 0), 2).unwrap(), t(2024, 9, 29, 9, 30));
        assert_eq!(working_minutes_between(cal(), &o, t(2025, 3, 7, 16, 0), t(2025, 3, 10, 10, 30)).unwrap(), 240);
        assert_eq!(o.seconds_per_day(), 7 * 3600 + 30 * 60);
    }

    #[test]
    fn statutory_hours_do_not_count_the_starting_hour() {
        // ACL art. 19 (24 hours) + 民事诉讼法 art. 85 para. 2
        let p = ProcedureProfile::national();
        let dl = deadline(cal(), None, p.get("acl.emergency_report").unwrap(), t(2025, 3, 3, 10, 25)).unwrap();
        assert_eq!(dl.due, Due::At(t(2025, 3, 4, 11, 0)));
        assert!(dl.explanation_zh.contains("开始的小时不计入"));
    }

    #[test]
    fn working_hour_rules_need_office_hours() {
        let mut r = ProcedureProfile::national().get("apl.service").unwrap().clone();
        r.kind = RuleKind::Value(Quantity { value: 4, unit: Unit::WorkingHours });
        assert!(matches!(deadline(cal(), None, &r, t(2025, 3, 3, 9, 0)), Err(DeadlineError::NoOfficeHours { .. })));
        let dl = deadline(cal(), Some(&office()), &r, t(2025, 3, 3, 9, 0)).unwrap();
        // 09:00–12:00 (3 h) + 14:00–15:00 (1 h)
        assert_eq!(dl.due, Due::At(t(2025, 3, 3, 15, 0)));
    }

    #[test]
    fn thresholds_are_not_periods() {
        let p = ProcedureProfile::national();
        let e = deadline(cal(), None, p.get("apl.on_the_spot_collection_max").unwrap(), t(2025, 3, 3, 9, 0)).unwrap_err();
        assert!(matches!(e, DeadlineError::NotAPeriod { .. }));
    }

    #[test]
    fn hearing_notice_is_counted_back_from_the_hearing() {
        // APL art. 64 (2) + art. 85: notice at least 7 working days before the hearing
        let p = ProcedureProfile::national();
        let rule = p.get("apl.hearing_notice").unwrap();
        let dl = latest_before(cal(), rule, d(2025, 3, 17)).unwrap();
        // Mon 3-17 ← Fri 14 (1) 13 12 11 10 (5) Fri 7 (6) Thu 6 (7)
        assert_eq!(dl.due, Due::EndOfDay(d(2025, 3, 6)));
        assert_eq!(add_working_days(cal(), d(2025, 3, 6), 7).unwrap(), d(2025, 3, 17));
        assert_eq!(dl.direction, Direction::Before);
    }

    #[test]
    fn the_national_decision_period_has_no_extension_but_a_tenant_rule_can_grant_one() {
        // APL art. 60: 90 days from filing; seed 004 (unverified): 60 days + 60 days with approval
        let national = ProcedureProfile::national();
        let filed = t(2025, 3, 3, 9, 0);
        let dl = deadline(cal(), None, national.get("apl.decision_period").unwrap(), filed).unwrap();
        // 3-3 + 90 = 6-1, in 端午 (5月31日至6月2日, 国办发明电〔2024〕12号) → 6-3
        assert_eq!(dl.due, Due::EndOfDay(d(2025, 6, 3)));
        let tenant = national.overlay(EXAMPLE_SEED_004_PROFILE, "seed-004").unwrap();
        let dl = deadline(cal(), None, tenant.get("apl.decision_period").unwrap(), filed).unwrap();
        assert_eq!(dl.due, Due::EndOfDay(d(2025, 5, 6))); // 3-3 + 60 = 5-2 (劳动节) → 5-6
        assert!(!dl.verified);
        let grant = tenant.get("apl.decision_extension").unwrap();
        let approval = Approval { approved_by: "局长".into(), approved_on: d(2025, 4, 28), reference: "延期审批表 2025-017".into() };
        let ext = dl.extend(cal(), grant, approval.clone()).unwrap();
        // from 5-6 (not counted) + 60 = 7-5 (Saturday) → 7-7
        assert_eq!(ext.due, Due::EndOfDay(d(2025, 7, 7)));
        assert!(ext.explanation_zh.contains("经局长于2025年4月28日批准"), "{}", ext.explanation_zh);
        // once only
        assert!(matches!(ext.extend(cal(), grant, approval.clone()), Err(DeadlineError::ExtensionsExhausted { .. })));
        // the national profile's decision period cannot be extended by another rule's grant
        let seizure_ext = national.get("acl.seizure_extension").unwrap();
        assert!(matches!(dl.extend(cal(), seizure_ext, approval.clone()), Err(DeadlineError::NotGranted { .. })));
        // an approval after the period expired is refused
        let late = Approval { approved_on: d(2025, 5, 7), ..approval };
        assert!(matches!(dl.extend(cal(), grant, late), Err(DeadlineError::ApprovalOutsidePeriod { .. })));
    }

    #[test]
    fn seizure_pauses_for_testing_and_extends_once() {
        // ACL art. 25: 30 days, + at most 30 with the head's approval, testing time not counted
        let p = ProcedureProfile::national();
        let dl = deadline(cal(), None, p.get("acl.seizure_period").unwrap(), t(2025, 3, 3, 9, 0)).unwrap();
        assert_eq!(dl.due, Due::EndOfDay(d(2025, 4, 2)));
        let paused = dl.pause(cal(), p.get("acl.seizure_testing_pause").unwrap(), d(2025, 3, 10), d(2025, 3, 19)).unwrap();
        // 10 days not counted: 4-12 is a Saturday → 4-14
        assert_eq!(paused.due, Due::EndOfDay(d(2025, 4, 14)));
        assert!(paused.explanation_zh.contains("不计入期间"), "{}", paused.explanation_zh);
        // a pause rule for another period is refused
        assert!(matches!(dl.pause(cal(), p.get("acl.seizure_extension").unwrap(), d(2025, 3, 10), d(2025, 3, 12)), Err(DeadlineError::NotGranted { .. })));
        let approval = Approval { approved_by: "局长".into(), approved_on: d(2025, 4, 1), reference: "审批 1".into() };
        let ext = paused.extend(cal(), p.get("acl.seizure_extension").unwrap(), approval).unwrap();
        // 4-14 + 30 = 5-14 (Wednesday)
        assert_eq!(ext.due, Due::EndOfDay(d(2025, 5, 14)));
    }

    #[test]
    fn uncovered_years_surface_as_errors() {
        let p = ProcedureProfile::national();
        let e = deadline(cal(), None, p.get("apl.decision_period").unwrap(), t(2026, 11, 1, 9, 0)).unwrap_err();
        match e {
            DeadlineError::NotCovered(n) => assert_eq!(n.year, 2027),
            other => panic!("{other:?}"),
        }
        let r: Refusal = DeadlineError::NotCovered(cal().not_covered(2027)).into();
        assert_eq!(r.code, "calendar_year_not_covered");
    }

    #[test]
    fn office_hours_are_validated() {
        assert!(OfficeHours::parse("12:00-08:30").is_err());
        assert!(OfficeHours::parse("08:30-12:00, 11:00-18:00").is_err());
        assert!(OfficeHours::parse("").is_err());
        assert_eq!(office().to_string(), "08:30–12:00, 14:00–18:00");
    }

    fn covered_date() -> impl Strategy<Value = NaiveDate> {
        // 2018-01-01 .. 2026-08 so that the periods tried stay inside the covered years
        (0i64..3160).prop_map(|k| d(2018, 1, 1) + TimeDelta::days(k))
    }

    proptest! {
        // APL art. 85 / ACL art. 69: adding working days is monotonic in n and in the start date
        #[test]
        fn adding_working_days_is_monotonic(start in covered_date(), n in 0u32..40, m in 0u32..40, k in 0i64..30) {
            let a = add_working_days(cal(), start, n.min(m)).unwrap();
            let b = add_working_days(cal(), start, n.max(m)).unwrap();
            prop_assert!(a <= b);
            if n != m { prop_assert!(a < b); }
            let later = start + TimeDelta::days(k);
            prop_assert!(add_working_days(cal(), start, n).unwrap() <= add_working_days(cal(), later, n).unwrap());
        }

        // APL art. 85: the end of a working-day period is always a working day
        #[test]
        fn result_is_a_working_day(start in covered_date(), n in 1u32..40) {
            let end = add_working_days(cal(), start, n).unwrap();
            prop_assert!(cal().is_working_day(end).unwrap());
            prop_assert!(end > start);
        }

        // APL art. 85: counting the working days back gives n again (start day not counted)
        #[test]
        fn adding_then_counting_back_agrees(start in covered_date(), n in 0u32..60) {
            let end = add_working_days(cal(), start, n).unwrap();
            prop_assert_eq!(count_working_days(cal(), start, end).unwrap(), i64::from(n));
            prop_assert_eq!(count_working_days(cal(), end, start).unwrap(), -i64::from(n));
        }

        // APL art. 64 (2): counting back n working days and forward again lands on the event
        // when the event is a working day
        #[test]
        fn counting_back_and_forward_agrees(event in covered_date(), n in 1u32..20) {
            prop_assume!(event > d(2018, 3, 1));
            prop_assume!(cal().is_working_day(event).unwrap());
            let latest = working_days_before(cal(), event, n).unwrap();
            prop_assert_eq!(add_working_days(cal(), latest, n).unwrap(), event);
        }

        // 民事诉讼法 art. 85: a natural-day period ends on a working day, at or after the raw end,
        // and no working day lies between the raw end and the moved end
        #[test]
        fn natural_day_periods_end_on_a_working_day(start in covered_date(), n in 1u32..60) {
            let end = add_days(cal(), start, n).unwrap();
            let raw = start + TimeDelta::days(n.into());
            prop_assert!(end >= raw);
            prop_assert!(cal().is_working_day(end).unwrap());
            prop_assert_eq!(count_working_days(cal(), raw, end).unwrap(), if end == raw { 0 } else { 1 });
        }

        // office-time arithmetic: adding m minutes then measuring gives m back
        #[test]
        fn working_minutes_round_trip(start in covered_date(), h in 0u32..24, mi in 0u32..60, m in 0u32..3000) {
            let s = start.and_hms_opt(h, mi, 0).unwrap();
            let o = office();
            let end = add_working_minutes(cal(), &o, s, m).unwrap();
            prop_assert!(end >= s);
            prop_assert_eq!(working_minutes_between(cal(), &o, s, end).unwrap(), i64::from(m));
        }
    }
}
