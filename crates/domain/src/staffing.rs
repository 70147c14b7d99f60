//! Staffing figures, computed from the people and certificates (never typed in), and checked
//! against the cited rules of the profile (team.md).

use crate::people::{Certificate, Person, PersonStatus, Post, Staffing};
use crate::rules::StaffingRules;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A share as numerator / denominator; displayed with one decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Share {
    pub num: u64,
    pub den: u64,
}

impl Share {
    pub fn percent(self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 * 100.0 / self.den as f64)
    }
    pub fn display(self) -> String {
        match self.percent() {
            Some(p) => format!("{p:.1}%"),
            None => "—".into(),
        }
    }
    /// num/den >= pct/100, exactly, in integers.
    pub fn at_least(self, pct: i64) -> bool {
        self.den == 0 || (self.num as i128) * 100 >= (pct as i128) * (self.den as i128)
    }
    /// With no denominator, only a zero numerator is at most anything (3 auxiliaries for 0
    /// established staff exceed any ratio).
    pub fn at_most(self, pct: i64) -> bool {
        (self.num as i128) * 100 <= (pct as i128) * (self.den as i128)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingFigures {
    /// People on the books (active or seconded).
    pub total: u64,
    pub by_staffing: BTreeMap<Staffing, u64>,
    /// 在编人员 (every staffing type except auxiliary): the enforcement staff.
    pub established: u64,
    pub auxiliaries: u64,
    /// Established staff holding a certificate valid on the day.
    pub certified: u64,
    pub certified_share: Share,
    /// Certified staff whose every valid certificate ends within the warning period.
    pub expiring_soon: u64,
    /// Established staff without a valid certificate.
    pub uncertified: u64,
    /// auxiliaries / established (rule: ≤ 100 %).
    pub auxiliary_ratio: Share,
    /// auxiliaries / total (seed 002 reports 69.9 %).
    pub auxiliary_share: Share,
    pub frontline: u64,
    pub frontline_share: Share,
    /// Established staff on the 案件法制 post.
    pub legal_review: u64,
    pub legal_review_share: Share,
    /// (civil servants + managed) / total: seed 002's "执法主体资格" figure, not certificates.
    pub subject_qualified_share: Share,
    pub seconded: u64,
    /// Established staff per 10,000 residents, when the population is known.
    pub per_10k_residents: Option<f64>,
}

/// A rule checked against the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCheck {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub actual: String,
    pub required: String,
    pub ok: bool,
    pub citation: String,
}

/// Compute the figures for `people` on `day`. Deactivated people are not counted.
pub fn compute<'a>(
    people: impl IntoIterator<Item = &'a Person>,
    certificates: &[Certificate],
    day: NaiveDate,
    rules: &StaffingRules,
    population: Option<i64>,
) -> StaffingFigures {
    let warn_until = day + chrono::Days::new(rules.certificate_expiry_warning_days.value.max(0) as u64);
    let mut valid_until: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for c in certificates.iter().filter(|c| c.valid_on(day)) {
        let e = valid_until.entry(c.person_id.as_str()).or_insert(c.valid_until);
        *e = (*e).max(c.valid_until);
    }
    let mut f = StaffingFigures {
        total: 0,
        by_staffing: Staffing::ALL.iter().map(|s| (*s, 0)).collect(),
        established: 0,
        auxiliaries: 0,
        certified: 0,
        certified_share: Share { num: 0, den: 0 },
        expiring_soon: 0,
        uncertified: 0,
        auxiliary_ratio: Share { num: 0, den: 0 },
        auxiliary_share: Share { num: 0, den: 0 },
        frontline: 0,
        frontline_share: Share { num: 0, den: 0 },
        legal_review: 0,
        legal_review_share: Share { num: 0, den: 0 },
        subject_qualified_share: Share { num: 0, den: 0 },
        seconded: 0,
        per_10k_residents: None,
    };
    let mut seen = BTreeSet::new();
    let mut subject_qualified = 0;
    for p in people {
        if p.status == PersonStatus::Inactive || !seen.insert(p.id.as_str()) {
            continue;
        }
        f.total += 1;
        *f.by_staffing.entry(p.staffing).or_default() += 1;
        if p.status == PersonStatus::Seconded {
            f.seconded += 1;
        }
        if matches!(p.staffing, Staffing::CivilServant | Staffing::CivilServantManaged) {
            subject_qualified += 1;
        }
        if !p.staffing.is_established() {
            f.auxiliaries += 1;
            continue;
        }
        f.established += 1;
        match valid_until.get(p.id.as_str()) {
            Some(until) => {
                f.certified += 1;
                if *until <= warn_until {
                    f.expiring_soon += 1;
                }
            }
            None => f.uncertified += 1,
        }
        // A seconded officer is away from frontline work (seed 001 item 8), whatever the flag says.
        if p.frontline && p.status == PersonStatus::Active {
            f.frontline += 1;
        }
        if p.posts.contains(&Post::CaseLegal) {
            f.legal_review += 1;
        }
    }
    f.certified_share = Share { num: f.certified, den: f.established };
    f.auxiliary_ratio = Share { num: f.auxiliaries, den: f.established };
    f.auxiliary_share = Share { num: f.auxiliaries, den: f.total };
    f.frontline_share = Share { num: f.frontline, den: f.established };
    f.legal_review_share = Share { num: f.legal_review, den: f.established };
    f.subject_qualified_share = Share { num: subject_qualified, den: f.total };
    f.per_10k_residents = population.filter(|p| *p > 0).map(|p| f.established as f64 * 10_000.0 / p as f64);
    f
}

/// The figures against the profile's rules.
pub fn checks(f: &StaffingFigures, rules: &StaffingRules) -> Vec<RuleCheck> {
    vec![
        RuleCheck {
            key: "frontline_share_min",
            label_zh: "一线执法人员占比",
            label_en: "Frontline share",
            actual: f.frontline_share.display(),
            required: format!("≥ {}%", rules.frontline_share_min.value),
            ok: f.frontline_share.at_least(rules.frontline_share_min.value),
            citation: rules.frontline_share_min.citation.clone(),
        },
        RuleCheck {
            key: "auxiliary_max_ratio_to_established",
            label_zh: "协管人员与在编人员之比",
            label_en: "Auxiliaries to established staff",
            actual: format!("{} : {} ({})", f.auxiliaries, f.established, f.auxiliary_ratio.display()),
            required: format!("≤ {}%", rules.auxiliary_max_ratio_to_established.value),
            ok: f.auxiliary_ratio.at_most(rules.auxiliary_max_ratio_to_established.value),
            citation: rules.auxiliary_max_ratio_to_established.citation.clone(),
        },
        RuleCheck {
            key: "legal_review_share_min",
            label_zh: "法制审核人员占比",
            label_en: "Legal-review staff share",
            actual: f.legal_review_share.display(),
            required: format!("≥ {}%", rules.legal_review_share_min.value),
            ok: f.legal_review_share.at_least(rules.legal_review_share_min.value),
            citation: rules.legal_review_share_min.citation.clone(),
        },
        RuleCheck {
            key: "certified_all",
            label_zh: "持证上岗率",
            label_en: "Certified share",
            actual: f.certified_share.display(),
            required: format!("≥ {}%", rules.certified_share_min.value),
            ok: f.certified_share.at_least(rules.certified_share_min.value),
            citation: rules.certified_share_min.citation.clone(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Profile;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person(id: &str, staffing: Staffing, frontline: bool) -> Person {
        Person {
            tenant_id: "t".into(),
            id: id.into(),
            org_unit_id: "u".into(),
            name: "张三".into(),
            gender: None,
            id_number: None,
            phone: None,
            staffing,
            posts: vec![],
            frontline,
            status: PersonStatus::Active,
            joined_on: None,
        }
    }

    fn cert(person: &str, until: &str) -> Certificate {
        Certificate {
            tenant_id: "t".into(),
            id: format!("c-{person}"),
            person_id: person.into(),
            number: "42".into(),
            issuer: "武汉市人民政府".into(),
            valid_from: d("2020-01-01"),
            valid_until: d(until),
            scope: "城市管理".into(),
            active: true,
        }
    }

    #[test]
    fn expired_yesterday_is_not_certified() {
        let rules = Profile::national().staffing;
        let people = [person("a", Staffing::CivilServant, true), person("b", Staffing::PublicInstitution, true)];
        let certs = [cert("a", "2030-01-01"), cert("b", "2026-11-21")];
        let f = compute(&people, &certs, d("2026-11-22"), &rules, None);
        assert_eq!((f.certified, f.uncertified), (1, 1));
        assert_eq!(f.certified_share.display(), "50.0%");
    }

    #[test]
    fn frontline_boundary_is_exact() {
        let rules = Profile::national().staffing;
        // 17 of 20 = 85 % passes; 16 of 20 = 80 % fails (seed 004: ≥ 85 %).
        let mut people: Vec<Person> = (0..20).map(|i| person(&i.to_string(), Staffing::CivilServant, i < 17)).collect();
        let f = compute(&people, &[], d("2026-11-22"), &rules, None);
        assert!(checks(&f, &rules).iter().find(|c| c.key == "frontline_share_min").unwrap().ok);
        people[16].frontline = false;
        let f = compute(&people, &[], d("2026-11-22"), &rules, None);
        assert!(!checks(&f, &rules).iter().find(|c| c.key == "frontline_share_min").unwrap().ok);
    }

    #[test]
    fn auxiliaries_may_equal_but_not_exceed_established() {
        let rules = Profile::national().staffing;
        let mut people = vec![person("o", Staffing::CivilServant, true), person("x", Staffing::Auxiliary, true)];
        let ok = |people: &[Person]| {
            let f = compute(people, &[], d("2026-11-22"), &rules, None);
            checks(&f, &rules).iter().find(|c| c.key == "auxiliary_max_ratio_to_established").unwrap().ok
        };
        assert!(ok(&people));
        people.push(person("y", Staffing::Auxiliary, true));
        assert!(!ok(&people));
        // Auxiliaries with no established staff at all exceed the ratio; an empty unit does not.
        assert!(!ok(&people[1..]));
        assert!(ok(&[]));
    }

    #[test]
    fn inactive_people_are_not_counted_and_seconded_are_not_frontline() {
        let rules = Profile::national().staffing;
        let mut a = person("a", Staffing::CivilServant, true);
        a.status = PersonStatus::Inactive;
        let mut b = person("b", Staffing::CivilServant, true);
        b.status = PersonStatus::Seconded;
        let f = compute(&[a, b], &[], d("2026-11-22"), &rules, None);
        assert_eq!((f.total, f.established, f.frontline, f.seconded), (1, 1, 0, 1));
    }
}
