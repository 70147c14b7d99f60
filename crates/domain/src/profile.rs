//! The procedural rule profile: every number of the penalty procedure
//! (`shared/spec/penalty-procedure.md`) as data, each with its unit and its citation.
//!
//! The national default lives in `rules/procedure.toml` (embedded); a tenant overlays its own file
//! (`ProcedureProfile::overlay`) that overrides values or adds extensions and pauses, each with its
//! own citation. Loading validates the file and reports every problem with its line, not just the
//! first one.
//!
//! (`rules.rs` holds the staffing and authentication values of `rules/national.toml`; they are not
//! procedural periods and keep their simpler format.)

use crate::Refusal;
use std::collections::BTreeMap;
use std::fmt;

pub use tree::{LoadError, LoadErrors};

/// The national default profile (APL 2021, ACL 2011, 民事诉讼法 2023, 行政复议法 2023, 行政诉讼法 2017,
/// 国办发〔2018〕118号), embedded at build time.
pub const NATIONAL_PROCEDURE: &str = include_str!("../../../rules/procedure.toml");

/// An example tenant overlay: seed 004's 60-day decision period with a 60-day approved extension.
pub const EXAMPLE_SEED_004_PROFILE: &str = include_str!("../../../rules/examples/seed-004-60-days.toml");

/// The unit of a rule value: tells the deadline arithmetic how to count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// 工作日: days that are working days in the calendar (APL art. 85, ACL art. 69).
    WorkingDays,
    /// 日: natural days; a period ending on a rest day ends on the next working day.
    Days,
    /// 月: same date of the later month, or its last day.
    Months,
    /// 年: counted as 12 months.
    Years,
    /// 小时: natural hours; the starting hour is not counted (民事诉讼法 art. 85).
    Hours,
    /// 工作小时: hours within the configured office hours on working days.
    WorkingHours,
    /// 分钟: natural minutes (operational limits, e.g. 数字城管 acceptance).
    Minutes,
    /// 工作分钟: minutes within office hours on working days.
    WorkingMinutes,
    /// 百分比 (of a base amount).
    Percent,
    /// 每日百分比 (of a base amount, per day).
    PercentPerDay,
    /// 元.
    Yuan,
    /// 人.
    Persons,
}

/// What a unit measures; an override must keep the dimension of the value it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Time,
    Ratio,
    Money,
    Count,
}

impl Unit {
    pub const ALL: [Unit; 12] = [
        Unit::WorkingDays,
        Unit::Days,
        Unit::Months,
        Unit::Years,
        Unit::Hours,
        Unit::WorkingHours,
        Unit::Minutes,
        Unit::WorkingMinutes,
        Unit::Percent,
        Unit::PercentPerDay,
        Unit::Yuan,
        Unit::Persons,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::Days => "days",
            Unit::Months => "months",
            Unit::Years => "years",
            Unit::Hours => "hours",
            Unit::WorkingHours => "working_hours",
            Unit::Minutes => "minutes",
            Unit::WorkingMinutes => "working_minutes",
            Unit::Percent => "percent",
            Unit::PercentPerDay => "percent_per_day",
            Unit::Yuan => "yuan",
            Unit::Persons => "persons",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == s)
    }

    pub fn dimension(self) -> Dimension {
        match self {
            Unit::WorkingDays | Unit::Days | Unit::Months | Unit::Years | Unit::Hours | Unit::WorkingHours | Unit::Minutes | Unit::WorkingMinutes => {
                Dimension::Time
            }
            Unit::Percent | Unit::PercentPerDay => Dimension::Ratio,
            Unit::Yuan => Dimension::Money,
            Unit::Persons => Dimension::Count,
        }
    }

    /// A unit the deadline arithmetic can count.
    pub fn is_period(self) -> bool {
        self.dimension() == Dimension::Time
    }

    /// "5个工作日", "90日", "3个月" …
    pub fn zh(self, n: i64) -> String {
        match self {
            Unit::WorkingDays => format!("{n}个工作日"),
            Unit::Days => format!("{n}日"),
            Unit::Months => format!("{n}个月"),
            Unit::Years => format!("{n}年"),
            Unit::Hours => format!("{n}小时"),
            Unit::WorkingHours => format!("{n}个工作小时"),
            Unit::Minutes => format!("{n}分钟"),
            Unit::WorkingMinutes => format!("{n}个工作分钟"),
            Unit::Percent => format!("{n}%"),
            Unit::PercentPerDay => format!("每日{n}%"),
            Unit::Yuan => format!("{n}元"),
            Unit::Persons => format!("{n}人"),
        }
    }

    /// "5 working days", "90 days" …
    pub fn en(self, n: i64) -> String {
        let s = if n == 1 { "" } else { "s" };
        match self {
            Unit::WorkingDays => format!("{n} working day{s}"),
            Unit::Days => format!("{n} day{s}"),
            Unit::Months => format!("{n} month{s}"),
            Unit::Years => format!("{n} year{s}"),
            Unit::Hours => format!("{n} hour{s}"),
            Unit::WorkingHours => format!("{n} working hour{s}"),
            Unit::Minutes => format!("{n} minute{s}"),
            Unit::WorkingMinutes => format!("{n} working minute{s}"),
            Unit::Percent => format!("{n} %"),
            Unit::PercentPerDay => format!("{n} % per day"),
            Unit::Yuan => format!("{n} yuan"),
            Unit::Persons => format!("{n} person{s}"),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub value: i64,
    pub unit: Unit,
}

/// The statute text a value rests on: law (as named in `shared/laws/`), article, and words quoted
/// from that article (tested against the statute text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LawRef {
    pub law: String,
    pub article: u32,
    pub quote: String,
}

/// What a rule entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// A number: a period, a threshold, a rate.
    Value(Quantity),
    /// An approved extension of the period `extends`, at most `by`, at most `max_times` times,
    /// approved by `approval`.
    Extension { extends: String, by: Quantity, max_times: u32, approval: String },
    /// Time that is not counted in the period `pauses` (e.g. testing during a seizure).
    Pause { pauses: String, reason: String },
}

/// One cited rule value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// e.g. `apl.hearing_request`.
    pub key: String,
    pub kind: RuleKind,
    /// The human citation shown beside every deadline.
    pub citation: String,
    /// True only where the cited text is in `shared/laws/` (and then `refs` quote it).
    pub verified: bool,
    pub refs: Vec<LawRef>,
    pub note: Option<String>,
    /// The profile that set this value (`national`, or the tenant's profile name).
    pub origin: String,
    /// Line of the entry in its file.
    pub line: usize,
}

impl Rule {
    /// The number of a `Value` rule.
    pub fn quantity(&self) -> Option<Quantity> {
        match self.kind {
            RuleKind::Value(q) => Some(q),
            RuleKind::Extension { by, .. } => Some(by),
            RuleKind::Pause { .. } => None,
        }
    }
    /// The citation, marked when unverified.
    pub fn cited(&self) -> String {
        if self.verified {
            self.citation.clone()
        } else {
            format!("{}（未核实 unverified）", self.citation)
        }
    }
}

/// A merged procedural profile: the national default with any tenant overlays applied.
#[derive(Debug, Clone)]
pub struct ProcedureProfile {
    /// Names of the layers, national first.
    pub layers: Vec<String>,
    pub title: String,
    rules: BTreeMap<String, Rule>,
}

/// A rule key the profile does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the rule profile has no value `{0}`")]
pub struct UnknownRule(pub String);

impl From<UnknownRule> for Refusal {
    fn from(e: UnknownRule) -> Refusal {
        Refusal::new("unknown_rule", format!("规则配置中没有 `{}`", e.0), format!("the rule profile has no value `{}`", e.0))
    }
}

impl ProcedureProfile {
    /// Parse a standalone profile (the national default).
    pub fn parse(text: &str, source_name: &str) -> Result<ProcedureProfile, LoadErrors> {
        let (mut doc, root) = tree::Doc::parse(text, source_name)?;
        let (name, title, rules) = parse_layer(&mut doc, &root);
        let mut merged = BTreeMap::new();
        for (rule, _) in rules {
            merged.insert(rule.key.clone(), rule);
        }
        check_targets(&mut doc, &merged, merged.values().map(|r| (r, r.line)));
        doc.finish(ProcedureProfile { layers: vec![name], title, rules: merged })
    }

    /// The embedded national default profile.
    pub fn national() -> ProcedureProfile {
        ProcedureProfile::parse(NATIONAL_PROCEDURE, "rules/procedure.toml").expect("the embedded national procedure profile is valid (tested)")
    }

    /// Apply a tenant's overlay: its values replace those with the same key (keeping the
    /// dimension: a period stays a period), new keys are added. Every problem is reported.
    pub fn overlay(&self, text: &str, source_name: &str) -> Result<ProcedureProfile, LoadErrors> {
        let (mut doc, root) = tree::Doc::parse(text, source_name)?;
        let (name, title, rules) = parse_layer(&mut doc, &root);
        let mut merged = self.rules.clone();
        let mut added = Vec::new();
        for (rule, span) in rules {
            if let Some(old) = self.rules.get(&rule.key) {
                let dim = |r: &Rule| r.quantity().map(|q| q.unit.dimension());
                if std::mem::discriminant(&old.kind) != std::mem::discriminant(&rule.kind) {
                    doc.error(&span, &rule.key, "overrides a value of another kind (value / extension / pause)");
                } else if dim(old) != dim(&rule) {
                    doc.error(
                        &span,
                        &rule.key,
                        format!(
                            "overrides a value in {} with one in {}: an override keeps the dimension",
                            old.quantity().map(|q| q.unit.as_str()).unwrap_or("-"),
                            rule.quantity().map(|q| q.unit.as_str()).unwrap_or("-"),
                        ),
                    );
                }
            }
            added.push(rule.key.clone());
            merged.insert(rule.key.clone(), rule);
        }
        let new: Vec<(&Rule, usize)> = added.iter().filter_map(|k| merged.get(k)).map(|r| (r, r.line)).collect();
        check_targets(&mut doc, &merged, new.into_iter());
        let mut layers = self.layers.clone();
        layers.push(name);
        doc.finish(ProcedureProfile { layers, title, rules: merged })
    }

    pub fn get(&self, key: &str) -> Result<&Rule, UnknownRule> {
        self.rules.get(key).ok_or_else(|| UnknownRule(key.to_owned()))
    }

    /// Every rule, by key.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    /// The extensions a rule grants to the period `key`.
    pub fn extensions_of(&self, key: &str) -> Vec<&Rule> {
        self.rules.values().filter(|r| matches!(&r.kind, RuleKind::Extension { extends, .. } if extends == key)).collect()
    }

    /// The pauses a rule grants to the period `key`.
    pub fn pauses_of(&self, key: &str) -> Vec<&Rule> {
        self.rules.values().filter(|r| matches!(&r.kind, RuleKind::Pause { pauses, .. } if pauses == key)).collect()
    }
}

/// Extensions and pauses must name an existing period.
fn check_targets<'a>(doc: &mut tree::Doc, all: &BTreeMap<String, Rule>, which: impl Iterator<Item = (&'a Rule, usize)>) {
    for (rule, line) in which {
        let target = match &rule.kind {
            RuleKind::Extension { extends, .. } => extends,
            RuleKind::Pause { pauses, .. } => pauses,
            RuleKind::Value(_) => continue,
        };
        match all.get(target).map(|t| &t.kind) {
            Some(RuleKind::Value(q)) if q.unit.is_period() => {}
            Some(_) => doc.error_at_line(line, &rule.key, format!("`{target}` is not a period")),
            None => doc.error_at_line(line, &rule.key, format!("`{target}` is not in the profile")),
        }
    }
}

fn parse_layer(doc: &mut tree::Doc, root: &tree::SNode) -> (String, String, Vec<(Rule, std::ops::Range<usize>)>) {
    let mut out = Vec::new();
    let Some(mut top) = tree::Table::of(doc, root, "") else {
        return (String::new(), String::new(), out);
    };
    let (mut name, mut title) = (String::new(), String::new());
    match top.table(doc, "profile") {
        Some(mut p) => {
            name = p.req_str(doc, "name").unwrap_or_default();
            title = p.req_str(doc, "title").unwrap_or_default();
            p.opt_str(doc, "description");
            p.finish(doc);
        }
        None => top.missing(doc, "profile"),
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, mut t) in top.tables(doc, "rule").into_iter().enumerate() {
        t.set_path(format!("rule[{}]", i + 1));
        let key = t.req_str(doc, "key");
        if let Some(k) = &key {
            t.set_path(format!("rule `{k}`"));
            if !k.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')) {
                let span = t.span_of("key");
                doc.error(&span, t.path(), "a key is dot-separated lower_snake_case words, e.g. `apl.hearing_request`");
            }
            if let Some(first) = seen.insert(k.clone(), doc.line(&t.span())) {
                let span = t.span_of("key");
                doc.error(&span, t.path(), format!("duplicate key (first at line {first})"));
            }
        }
        let kind_s = t.opt_str(doc, "kind").unwrap_or_else(|| "value".into());
        let value = t.opt_int(doc, "value");
        let unit = match t.opt_str(doc, "unit") {
            Some(u) => match Unit::parse(&u) {
                Some(u) => Some(u),
                None => {
                    let span = t.span_of("unit");
                    let all: Vec<&str> = Unit::ALL.iter().map(|u| u.as_str()).collect();
                    doc.error(&span, t.path(), format!("unknown unit `{u}` (one of: {})", all.join(", ")));
                    None
                }
            },
            None => None,
        };
        let extends = t.opt_str(doc, "extends");
        let pauses = t.opt_str(doc, "pauses");
        let max_times = t.opt_int(doc, "max_times");
        let approval = t.opt_str(doc, "approval");
        let reason = t.opt_str(doc, "reason");
        let citation = t.req_str(doc, "citation");
        let verified = t.req_bool(doc, "verified");
        let note = t.opt_str(doc, "note");
        let mut refs = Vec::new();
        for (j, mut r) in t.tables(doc, "refs").into_iter().enumerate() {
            r.set_path(format!("{}.refs[{}]", t.path(), j + 1));
            let law = r.req_str(doc, "law");
            let article = r.req_int(doc, "article");
            let quote = r.req_str(doc, "quote");
            if let Some(a) = article {
                if !(1..=1000).contains(&a) {
                    let span = r.span_of("article");
                    doc.error(&span, r.path(), "article must be a positive article number");
                }
            }
            if let Some(q) = &quote {
                if q.trim().is_empty() {
                    let span = r.span_of("quote");
                    doc.error(&span, r.path(), "quote is empty");
                }
            }
            r.finish(doc);
            if let (Some(law), Some(article), Some(quote)) = (law, article, quote) {
                refs.push(LawRef { law, article: article.clamp(0, u32::MAX as i64) as u32, quote });
            }
        }
        if let Some(c) = &citation {
            if c.trim().is_empty() {
                let span = t.span_of("citation");
                doc.error(&span, t.path(), "citation is empty: every value cites its source");
            }
        }
        if verified == Some(true) && refs.is_empty() {
            let span = t.span_of("verified");
            doc.error(&span, t.path(), "verified = true needs `refs` quoting the statute text (else verified = false)");
        }
        // Fields by kind.
        let path = t.path().to_owned();
        let span = t.span();
        let forbid = |doc: &mut tree::Doc, t: &tree::Table, field: &str, present: bool| {
            if present {
                let s = t.span_of(field);
                doc.error(&s, &path, format!("`{field}` does not belong to kind = \"{kind_s}\""));
            }
        };
        let quantity = |doc: &mut tree::Doc| -> Option<Quantity> {
            if value.is_none() {
                doc.error(&span, &path, "missing `value`");
            }
            if unit.is_none() && !t.has("unit") {
                doc.error(&span, &path, "missing `unit`");
            }
            match value {
                Some(v) if v < 0 => {
                    let s = t.span_of("value");
                    doc.error(&s, &path, "value must not be negative");
                    None
                }
                Some(v) => unit.map(|unit| Quantity { value: v, unit }),
                None => None,
            }
        };
        let kind = match kind_s.as_str() {
            "value" => {
                forbid(doc, &t, "extends", extends.is_some());
                forbid(doc, &t, "pauses", pauses.is_some());
                forbid(doc, &t, "max_times", max_times.is_some());
                forbid(doc, &t, "approval", approval.is_some());
                forbid(doc, &t, "reason", reason.is_some());
                quantity(doc).map(RuleKind::Value)
            }
            "extension" => {
                forbid(doc, &t, "pauses", pauses.is_some());
                forbid(doc, &t, "reason", reason.is_some());
                let q = quantity(doc);
                if let Some(q) = q {
                    if !q.unit.is_period() {
                        let s = t.span_of("unit");
                        doc.error(&s, &path, "an extension is a period (days, working_days, months …)");
                    }
                }
                if extends.is_none() {
                    doc.error(&span, &path, "missing `extends` (the key of the period it extends)");
                }
                if approval.is_none() {
                    doc.error(&span, &path, "missing `approval` (who approves the extension)");
                }
                let times = max_times.unwrap_or(1);
                if times < 1 {
                    let s = t.span_of("max_times");
                    doc.error(&s, &path, "max_times must be at least 1");
                }
                match (extends.clone(), q, approval.clone()) {
                    (Some(extends), Some(by), Some(approval)) => Some(RuleKind::Extension { extends, by, max_times: times.clamp(1, 100) as u32, approval }),
                    _ => None,
                }
            }
            "pause" => {
                forbid(doc, &t, "value", value.is_some());
                forbid(doc, &t, "unit", t.has("unit"));
                forbid(doc, &t, "extends", extends.is_some());
                forbid(doc, &t, "max_times", max_times.is_some());
                forbid(doc, &t, "approval", approval.is_some());
                if pauses.is_none() {
                    doc.error(&span, &path, "missing `pauses` (the key of the period it pauses)");
                }
                if reason.is_none() {
                    doc.error(&span, &path, "missing `reason` (what time is not counted)");
                }
                match (pauses.clone(), reason.clone()) {
                    (Some(pauses), Some(reason)) => Some(RuleKind::Pause { pauses, reason }),
                    _ => None,
                }
            }
            other => {
                let s = t.span_of("kind");
                doc.error(&s, &path, format!("unknown kind `{other}` (value, extension or pause)"));
                None
            }
        };
        t.finish(doc);
        if let (Some(key), Some(kind), Some(citation), Some(verified)) = (key, kind, citation, verified) {
            let line = doc.line(&span);
            out.push((Rule { key, kind, citation, verified, refs, note, origin: name.clone(), line }, span));
        }
    }
    top.finish(doc);
    (name, title, out)
}

/// A TOML document as a tree with the span of every value, and validation helpers that collect
/// every error with its line (shared by the calendar and the profile loaders).
pub(crate) mod tree {
    use chrono::NaiveDate;
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::collections::{BTreeMap, BTreeSet};
    use std::fmt;
    use std::ops::Range;
    use toml::Spanned;

    /// One problem found while loading a data file, at its line (1-based).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct LoadError {
        pub line: usize,
        /// Where in the document, e.g. "rule `apl.payment`" or "notice[3].holiday[2]".
        pub path: String,
        pub message: String,
    }

    impl fmt::Display for LoadError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.path.is_empty() {
                write!(f, "line {}: {}", self.line, self.message)
            } else {
                write!(f, "line {}: {}: {}", self.line, self.path, self.message)
            }
        }
    }

    /// Every problem found in one data file, in line order.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub struct LoadErrors {
        pub source_name: String,
        pub errors: Vec<LoadError>,
    }

    impl fmt::Display for LoadErrors {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}: {} error(s)", self.source_name, self.errors.len())?;
            for e in &self.errors {
                write!(f, "\n  {e}")?;
            }
            Ok(())
        }
    }

    #[derive(Debug, Clone)]
    pub enum Node {
        Table(BTreeMap<String, SNode>),
        Array(Vec<SNode>),
        Str(String),
        Int(i64),
        Float(#[allow(dead_code)] f64),
        Bool(bool),
        Datetime(toml::value::Datetime),
    }

    pub type SNode = Spanned<Node>;

    impl Node {
        fn type_name(&self) -> &'static str {
            match self {
                Node::Table(_) => "a table",
                Node::Array(_) => "an array",
                Node::Str(_) => "a string",
                Node::Int(_) => "an integer",
                Node::Float(_) => "a float",
                Node::Bool(_) => "a boolean",
                Node::Datetime(_) => "a date-time",
            }
        }
    }

    // The toml deserializer hands out the span of any value asked for as `Spanned<T>`; a datetime
    // arrives as a one-entry map under toml's private key.
    const DATETIME_KEY: &str = "$__toml_private_datetime";

    impl<'de> Deserialize<'de> for Node {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Node;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a TOML value")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                    Ok(Node::Str(v.to_owned()))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
                    Ok(Node::Str(v))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                    Ok(Node::Int(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                    i64::try_from(v).map(Node::Int).map_err(E::custom)
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
                    Ok(Node::Float(v))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                    Ok(Node::Bool(v))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                    let mut v = Vec::new();
                    while let Some(x) = a.next_element::<SNode>()? {
                        v.push(x);
                    }
                    Ok(Node::Array(v))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                    let mut m = BTreeMap::new();
                    while let Some(k) = a.next_key::<String>()? {
                        if k == DATETIME_KEY {
                            let s: String = a.next_value()?;
                            return s.parse().map(Node::Datetime).map_err(de::Error::custom);
                        }
                        let v = a.next_value::<SNode>()?;
                        m.insert(k, v);
                    }
                    Ok(Node::Table(m))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// A document being validated: its text (for line numbers) and the errors found so far.
    pub struct Doc<'t> {
        text: &'t str,
        name: String,
        errors: Vec<LoadError>,
    }

    impl<'t> Doc<'t> {
        /// Parse the TOML syntax. A syntax error stops here (the parser cannot go on), reported
        /// with its line; everything after that is validation, which collects every error.
        pub fn parse(text: &'t str, name: &str) -> Result<(Doc<'t>, SNode), LoadErrors> {
            match toml::from_str::<SNode>(text) {
                Ok(root) => Ok((Doc { text, name: name.to_owned(), errors: Vec::new() }, root)),
                Err(e) => {
                    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
                    Err(LoadErrors {
                        source_name: name.to_owned(),
                        errors: vec![LoadError { line, path: String::new(), message: format!("TOML syntax: {}", e.message()) }],
                    })
                }
            }
        }

        pub fn line(&self, span: &Range<usize>) -> usize {
            line_of(self.text, span.start)
        }

        pub fn error(&mut self, span: &Range<usize>, path: &str, message: impl Into<String>) {
            let line = self.line(span);
            self.error_at_line(line, path, message);
        }

        pub fn error_at_line(&mut self, line: usize, path: &str, message: impl Into<String>) {
            self.errors.push(LoadError { line, path: path.to_owned(), message: message.into() });
        }

        pub fn has_errors(&self) -> bool {
            !self.errors.is_empty()
        }

        pub fn finish<T>(mut self, value: T) -> Result<T, LoadErrors> {
            if self.errors.is_empty() {
                Ok(value)
            } else {
                self.errors.sort_by_key(|e| e.line);
                Err(LoadErrors { source_name: self.name, errors: self.errors })
            }
        }
    }

    fn line_of(text: &str, offset: usize) -> usize {
        let end = offset.min(text.len());
        text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }

    /// A table under validation: reads fields by name, reports missing and mistyped fields, and
    /// at `finish` every field nobody read (unknown keys).
    pub struct Table<'n> {
        path: String,
        span: Range<usize>,
        map: &'n BTreeMap<String, SNode>,
        used: BTreeSet<&'n str>,
    }

    impl<'n> Table<'n> {
        pub fn of(doc: &mut Doc, node: &'n SNode, path: &str) -> Option<Table<'n>> {
            match node.get_ref() {
                Node::Table(map) => Some(Table { path: path.to_owned(), span: node.span(), map, used: BTreeSet::new() }),
                other => {
                    doc.error(&node.span(), path, format!("expected a table, found {}", other.type_name()));
                    None
                }
            }
        }

        pub fn path(&self) -> &str {
            &self.path
        }
        pub fn set_path(&mut self, p: String) {
            self.path = p;
        }
        pub fn span(&self) -> Range<usize> {
            self.span.clone()
        }
        /// The span of a field, or of the table when the field is absent.
        pub fn span_of(&self, key: &str) -> Range<usize> {
            self.map.get(key).map(|n| n.span()).unwrap_or_else(|| self.span.clone())
        }
        pub fn has(&self, key: &str) -> bool {
            self.map.contains_key(key)
        }

        fn take(&mut self, key: &str) -> Option<&'n SNode> {
            let (k, v) = self.map.get_key_value(key)?;
            self.used.insert(k.as_str());
            Some(v)
        }

        pub fn missing(&self, doc: &mut Doc, key: &str) {
            doc.error(&self.span, &self.path, format!("missing `{key}`"));
        }

        fn wrong(&self, doc: &mut Doc, key: &str, node: &SNode, expected: &str) {
            doc.error(&node.span(), &self.path, format!("`{key}` must be {expected}, found {}", node.get_ref().type_name()));
        }

        pub fn opt_str(&mut self, doc: &mut Doc, key: &str) -> Option<String> {
            let n = self.take(key)?;
            match n.get_ref() {
                Node::Str(s) => Some(s.clone()),
                _ => {
                    self.wrong(doc, key, n, "a string");
                    None
                }
            }
        }
        pub fn req_str(&mut self, doc: &mut Doc, key: &str) -> Option<String> {
            if !self.has(key) {
                self.missing(doc, key);
            }
            self.opt_str(doc, key)
        }
        pub fn opt_int(&mut self, doc: &mut Doc, key: &str) -> Option<i64> {
            let n = self.take(key)?;
            match n.get_ref() {
                Node::Int(i) => Some(*i),
                _ => {
                    self.wrong(doc, key, n, "an integer");
                    None
                }
            }
        }
        pub fn req_int(&mut self, doc: &mut Doc, key: &str) -> Option<i64> {
            if !self.has(key) {
                self.missing(doc, key);
            }
            self.opt_int(doc, key)
        }
        pub fn opt_bool(&mut self, doc: &mut Doc, key: &str) -> Option<bool> {
            let n = self.take(key)?;
            match n.get_ref() {
                Node::Bool(b) => Some(*b),
                _ => {
                    self.wrong(doc, key, n, "true or false");
                    None
                }
            }
        }
        pub fn req_bool(&mut self, doc: &mut Doc, key: &str) -> Option<bool> {
            if !self.has(key) {
                self.missing(doc, key);
            }
            self.opt_bool(doc, key)
        }
        /// A local date (`2024-10-01`, unquoted).
        pub fn opt_date(&mut self, doc: &mut Doc, key: &str) -> Option<NaiveDate> {
            let n = self.take(key)?;
            match n.get_ref() {
                Node::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                    let d = dt.date?;
                    let date = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32);
                    if date.is_none() {
                        doc.error(&n.span(), &self.path, format!("`{key}` is not a calendar date"));
                    }
                    date
                }
                _ => {
                    self.wrong(doc, key, n, "a date such as 2024-10-01 (unquoted)");
                    None
                }
            }
        }
        pub fn req_date(&mut self, doc: &mut Doc, key: &str) -> Option<NaiveDate> {
            if !self.has(key) {
                self.missing(doc, key);
            }
            self.opt_date(doc, key)
        }
        /// An array of strings.
        pub fn opt_strs(&mut self, doc: &mut Doc, key: &str) -> Option<Vec<String>> {
            let n = self.take(key)?;
            match n.get_ref() {
                Node::Array(items) => {
                    let mut out = Vec::new();
                    for it in items {
                        match it.get_ref() {
                            Node::Str(s) => out.push(s.clone()),
                            other => doc.error(&it.span(), &self.path, format!("`{key}` holds strings, found {}", other.type_name())),
                        }
                    }
                    Some(out)
                }
                _ => {
                    self.wrong(doc, key, n, "an array of strings");
                    None
                }
            }
        }
        pub fn table(&mut self, doc: &mut Doc, key: &str) -> Option<Table<'n>> {
            let n = self.take(key)?;
            let path = if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) };
            Table::of(doc, n, &path)
        }
        /// An array of tables (`[[key]]` or `key = [{…}]`); absent = empty.
        pub fn tables(&mut self, doc: &mut Doc, key: &str) -> Vec<Table<'n>> {
            let Some(n) = self.take(key) else { return Vec::new() };
            let base = if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) };
            match n.get_ref() {
                Node::Array(items) => items.iter().enumerate().filter_map(|(i, it)| Table::of(doc, it, &format!("{base}[{}]", i + 1))).collect(),
                _ => {
                    self.wrong(doc, key, n, "an array of tables");
                    Vec::new()
                }
            }
        }
        /// Report every field that was never read.
        pub fn finish(self, doc: &mut Doc) {
            for (k, v) in self.map {
                if !self.used.contains(k.as_str()) {
                    doc.error(&v.span(), &self.path, format!("unknown field `{k}`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_profile_loads_with_every_value_cited() {
        let p = ProcedureProfile::national();
        assert!(p.rules().count() >= 25);
        for r in p.rules() {
            assert!(!r.citation.trim().is_empty(), "{} has no citation", r.key);
            if r.verified {
                assert!(!r.refs.is_empty(), "{} verified without refs", r.key);
            }
        }
    }

    fn q(p: &ProcedureProfile, key: &str) -> (i64, Unit) {
        let q = p.get(key).unwrap().quantity().unwrap();
        (q.value, q.unit)
    }

    #[test]
    fn national_values_are_the_statutory_numbers() {
        let p = ProcedureProfile::national();
        // APL art. 60
        assert_eq!(q(&p, "apl.decision_period"), (90, Unit::Days));
        // APL art. 64 (1) + art. 85
        assert_eq!(q(&p, "apl.hearing_request"), (5, Unit::WorkingDays));
        // APL art. 64 (2) + art. 85
        assert_eq!(q(&p, "apl.hearing_notice"), (7, Unit::WorkingDays));
        // APL art. 61 + art. 85
        assert_eq!(q(&p, "apl.service"), (7, Unit::WorkingDays));
        // APL art. 67
        assert_eq!(q(&p, "apl.payment"), (15, Unit::Days));
        // APL art. 72 (1)
        assert_eq!(q(&p, "apl.late_surcharge_rate"), (3, Unit::PercentPerDay));
        assert_eq!(q(&p, "apl.late_surcharge_cap"), (100, Unit::Percent));
        // APL art. 51
        assert_eq!(q(&p, "apl.simple_procedure_max_fine_person"), (200, Unit::Yuan));
        assert_eq!(q(&p, "apl.simple_procedure_max_fine_organisation"), (3000, Unit::Yuan));
        // APL art. 68 (1)
        assert_eq!(q(&p, "apl.on_the_spot_collection_max"), (100, Unit::Yuan));
        // APL art. 56 + art. 85
        assert_eq!(q(&p, "apl.preservation_decision"), (7, Unit::WorkingDays));
        // APL art. 48 + art. 85
        assert_eq!(q(&p, "apl.publication_withdrawal"), (3, Unit::WorkingDays));
        // APL art. 36
        assert_eq!(q(&p, "apl.limitation"), (2, Unit::Years));
        assert_eq!(q(&p, "apl.limitation_extended"), (5, Unit::Years));
        // ACL art. 25
        assert_eq!(q(&p, "acl.seizure_period"), (30, Unit::Days));
        assert_eq!(q(&p, "acl.seizure_extension"), (30, Unit::Days));
        // ACL art. 53
        assert_eq!(q(&p, "acl.court_application_window"), (3, Unit::Months));
        // ACL art. 54 + art. 69
        assert_eq!(q(&p, "acl.reminder_wait"), (10, Unit::WorkingDays));
        // 国办发〔2018〕118号 (unverified)
        let d = p.get("three_systems.disclosure").unwrap();
        assert_eq!(d.quantity().unwrap(), Quantity { value: 7, unit: Unit::WorkingDays });
        assert!(!d.verified);
    }

    #[test]
    fn short_periods_are_working_days() {
        // APL art. 85: "二日""三日""五日""七日" are working days; ACL art. 69: periods of up to ten days.
        let p = ProcedureProfile::national();
        for r in p.rules() {
            let Some(q) = r.quantity() else { continue };
            let laws: Vec<&str> = r.refs.iter().map(|x| x.law.as_str()).collect();
            if laws.contains(&"行政处罚法") && q.unit == Unit::Days {
                assert!(![2, 3, 5, 7].contains(&q.value), "{}: APL art. 85 makes it working days", r.key);
            }
            if laws.contains(&"行政强制法") && q.unit == Unit::Days {
                assert!(q.value > 10, "{}: ACL art. 69 makes it working days", r.key);
            }
            if q.unit == Unit::WorkingDays && r.verified {
                let art85 = r.refs.iter().any(|x| (x.law == "行政处罚法" && x.article == 85) || (x.law == "行政强制法" && x.article == 69));
                assert!(art85, "{}: a working-day value cites the article that makes it one", r.key);
            }
        }
    }

    #[test]
    fn example_overlay_sets_60_plus_60_with_unverified_citations() {
        // seed 004 (执法程序·决定): 60 days, extension by at most 60 days with approval.
        let p = ProcedureProfile::national().overlay(EXAMPLE_SEED_004_PROFILE, "rules/examples/seed-004-60-days.toml").unwrap();
        let d = p.get("apl.decision_period").unwrap();
        assert_eq!(d.quantity().unwrap().value, 60);
        assert!(!d.verified);
        assert_ne!(d.origin, "national");
        let ext = p.extensions_of("apl.decision_period");
        assert_eq!(ext.len(), 1);
        assert!(!ext[0].verified);
        assert!(matches!(ext[0].kind, RuleKind::Extension { by: Quantity { value: 60, unit: Unit::Days }, max_times: 1, .. }));
        // the national profile itself grants no extension (APL art. 60)
        assert!(ProcedureProfile::national().extensions_of("apl.decision_period").is_empty());
    }

    #[test]
    fn every_error_is_reported_with_its_line() {
        let text = r#"[profile]
name = "bad"
title = "bad"

[[rule]]
key = "x.one"
value = 5
unit = "dayz"
citation = "c"
verified = false

[[rule]]
key = "x.two"
value = "ten"
unit = "days"
citation = ""
verified = false
colour = "red"

[[rule]]
key = "x.three"
kind = "extension"
extends = "x.nothing"
value = 3
unit = "days"
approval = "head"
citation = "c"
verified = true
"#;
        let e = ProcedureProfile::parse(text, "bad.toml").unwrap_err();
        let lines: Vec<usize> = e.errors.iter().map(|e| e.line).collect();
        let msg = e.to_string();
        assert!(msg.contains("unknown unit `dayz`"), "{msg}");
        assert!(lines.contains(&8), "{msg}"); // unit
        assert!(lines.contains(&14), "{msg}"); // value type
        assert!(lines.contains(&16), "{msg}"); // empty citation
        assert!(lines.contains(&18), "{msg}"); // unknown field
        assert!(lines.contains(&28), "{msg}"); // verified without refs
        assert!(msg.contains("`x.nothing` is not in the profile"), "{msg}");
        assert!(e.errors.len() >= 6, "{msg}");
    }

    #[test]
    fn syntax_error_has_its_line() {
        let e = ProcedureProfile::parse("[profile]\nname = \"a\"\ntitle = \n", "s.toml").unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].line, 3, "{e}");
    }

    #[test]
    fn overlay_must_keep_the_dimension() {
        let text =
            "[profile]\nname = \"t\"\ntitle = \"t\"\n\n[[rule]]\nkey = \"apl.payment\"\nvalue = 15\nunit = \"yuan\"\ncitation = \"c\"\nverified = false\n";
        let e = ProcedureProfile::national().overlay(text, "t.toml").unwrap_err();
        assert_eq!(e.errors[0].line, 5, "{e}");
        assert!(e.to_string().contains("keeps the dimension"), "{e}");
    }

    #[test]
    fn unknown_rule_is_an_error() {
        assert_eq!(ProcedureProfile::national().get("apl.nothing").unwrap_err(), UnknownRule("apl.nothing".into()));
    }
}
