//! Organisation units and their two relations: administrative (who manages the unit) and
//! professional guidance (业务指导: who guides and supervises its enforcement). Seed 001: the
//! street is the enforcement subject; its team is managed by the street office and guided by the
//! district bureau.

use crate::{Refusal, Row, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Government,
    Bureau,
    Detachment,
    Brigade,
    StreetOffice,
    StreetEnforcementTeam,
    Squad,
    DisposalDepartment,
    Company,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::Government,
        OrgKind::Bureau,
        OrgKind::Detachment,
        OrgKind::Brigade,
        OrgKind::StreetOffice,
        OrgKind::StreetEnforcementTeam,
        OrgKind::Squad,
        OrgKind::DisposalDepartment,
        OrgKind::Company,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Government => "government",
            OrgKind::Bureau => "bureau",
            OrgKind::Detachment => "detachment",
            OrgKind::Brigade => "brigade",
            OrgKind::StreetOffice => "street_office",
            OrgKind::StreetEnforcementTeam => "street_enforcement_team",
            OrgKind::Squad => "squad",
            OrgKind::DisposalDepartment => "disposal_department",
            OrgKind::Company => "company",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            OrgKind::Government => "人民政府",
            OrgKind::Bureau => "执法局",
            OrgKind::Detachment => "支队",
            OrgKind::Brigade => "大队",
            OrgKind::StreetOffice => "街道办事处",
            OrgKind::StreetEnforcementTeam => "街道执法队",
            OrgKind::Squad => "中队",
            OrgKind::DisposalDepartment => "处置部门",
            OrgKind::Company => "企业",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            OrgKind::Government => "Government",
            OrgKind::Bureau => "Bureau",
            OrgKind::Detachment => "Detachment",
            OrgKind::Brigade => "Brigade",
            OrgKind::StreetOffice => "Street office",
            OrgKind::StreetEnforcementTeam => "Street enforcement team",
            OrgKind::Squad => "Squad",
            OrgKind::DisposalDepartment => "Disposal department",
            OrgKind::Company => "Company",
        }
    }
    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub tenant_id: String,
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// Administrative parent: the unit that manages this one day to day.
    pub admin_parent_id: Option<String>,
    /// Professional-guidance parent: the unit that guides, trains and supervises its enforcement.
    pub guidance_parent_id: Option<String>,
    /// 执法主体: decisions, seals and document numbers go in this unit's name.
    pub enforcement_subject: bool,
    /// Residents of the unit's area (for officers per 10,000 residents), if known.
    pub population: Option<i64>,
    pub active: bool,
}

impl OrgUnit {
    pub fn to_row(&self) -> Row {
        Row::new(Table::OrgUnits)
            .set("tenant_id", self.tenant_id.as_str())
            .set("id", self.id.as_str())
            .set("code", self.code.as_str())
            .set("name", self.name.as_str())
            .set("kind", self.kind.code())
            .set("admin_parent_id", self.admin_parent_id.clone())
            .set("guidance_parent_id", self.guidance_parent_id.clone())
            .set("enforcement_subject", self.enforcement_subject)
            .set("population", self.population)
            .set("active", self.active)
    }
}

/// The organisation of one tenant, for scope questions.
#[derive(Debug, Clone, Default)]
pub struct OrgGraph {
    units: BTreeMap<String, OrgUnit>,
    admin_children: BTreeMap<String, Vec<String>>,
    guided_children: BTreeMap<String, Vec<String>>,
}

impl OrgGraph {
    pub fn new(units: impl IntoIterator<Item = OrgUnit>) -> Self {
        let mut g = OrgGraph::default();
        for u in units {
            if let Some(p) = &u.admin_parent_id {
                g.admin_children.entry(p.clone()).or_default().push(u.id.clone());
            }
            if let Some(p) = &u.guidance_parent_id {
                g.guided_children.entry(p.clone()).or_default().push(u.id.clone());
            }
            g.units.insert(u.id.clone(), u);
        }
        for v in g.admin_children.values_mut().chain(g.guided_children.values_mut()) {
            v.sort_by(|a, b| g.units[a].code.cmp(&g.units[b].code));
        }
        g
    }
    pub fn get(&self, id: &str) -> Option<&OrgUnit> {
        self.units.get(id)
    }
    pub fn units(&self) -> impl Iterator<Item = &OrgUnit> {
        self.units.values()
    }
    pub fn admin_children(&self, id: &str) -> &[String] {
        self.admin_children.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn guided_children(&self, id: &str) -> &[String] {
        self.guided_children.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn roots(&self) -> Vec<&OrgUnit> {
        let mut r: Vec<&OrgUnit> = self.units.values().filter(|u| u.admin_parent_id.as_ref().is_none_or(|p| !self.units.contains_key(p))).collect();
        r.sort_by(|a, b| a.code.cmp(&b.code));
        r
    }
    /// The unit and every unit administratively below it.
    pub fn admin_subtree(&self, id: &str) -> BTreeSet<String> {
        self.closure(id, false)
    }
    /// The administrative subtree plus every unit guided by a unit in it (and their subtrees).
    pub fn guided_subtree(&self, id: &str) -> BTreeSet<String> {
        self.closure(id, true)
    }
    fn closure(&self, id: &str, follow_guidance: bool) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        if !self.units.contains_key(id) {
            return seen;
        }
        let mut stack = vec![id.to_owned()];
        while let Some(u) = stack.pop() {
            if !seen.insert(u.clone()) {
                continue;
            }
            stack.extend(self.admin_children(&u).iter().cloned());
            if follow_guidance {
                stack.extend(self.guided_children(&u).iter().cloned());
            }
        }
        seen
    }
    /// Path from the root down to the unit (administrative), for breadcrumbs.
    pub fn admin_path(&self, id: &str) -> Vec<&OrgUnit> {
        let mut path = Vec::new();
        let mut cur = self.units.get(id);
        while let Some(u) = cur {
            if path.iter().any(|p: &&OrgUnit| p.id == u.id) {
                break;
            }
            path.push(u);
            cur = u.admin_parent_id.as_ref().and_then(|p| self.units.get(p));
        }
        path.reverse();
        path
    }

    /// Check a unit (new or edited) against the graph: parents exist, no cycle.
    pub fn check_unit(&self, unit: &OrgUnit) -> Result<(), Refusal> {
        validate_name(&unit.name)?;
        if unit.code.trim().is_empty() || unit.code.len() > 64 {
            return Err(Refusal::new("invalid_code", "机构代码不能为空且不超过64个字符", "unit code must be 1–64 characters"));
        }
        for (parent, rel_zh, rel_en, guidance) in
            [(&unit.admin_parent_id, "行政隶属上级", "administrative parent", false), (&unit.guidance_parent_id, "业务指导单位", "guidance parent", true)]
        {
            let Some(p) = parent else { continue };
            if !self.units.contains_key(p) {
                return Err(Refusal::new("unknown_parent", format!("{rel_zh}不存在: {p}"), format!("{rel_en} does not exist: {p}")));
            }
            let below = if guidance { self.guided_subtree(&unit.id) } else { self.admin_subtree(&unit.id) };
            if p == &unit.id || below.contains(p) {
                return Err(Refusal::new("cycle", format!("{rel_zh}不能是本单位或其下级"), format!("the {rel_en} cannot be the unit itself or below it")));
            }
        }
        Ok(())
    }
}

pub fn validate_name(name: &str) -> Result<(), Refusal> {
    let n = name.trim().chars().count();
    if n == 0 || n > 100 {
        return Err(Refusal::new("invalid_name", "名称不能为空且不超过100个字", "name must be 1–100 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, admin: Option<&str>, guide: Option<&str>) -> OrgUnit {
        OrgUnit {
            tenant_id: "t".into(),
            id: id.into(),
            code: id.into(),
            name: id.into(),
            kind: OrgKind::Squad,
            admin_parent_id: admin.map(Into::into),
            guidance_parent_id: guide.map(Into::into),
            enforcement_subject: false,
            population: None,
            active: true,
        }
    }

    fn city() -> OrgGraph {
        OrgGraph::new([
            unit("gov", None, None),
            unit("bureau", Some("gov"), None),
            unit("brigade", Some("bureau"), None),
            unit("street", Some("gov"), None),
            unit("team", Some("street"), Some("bureau")),
        ])
    }

    #[test]
    fn admin_subtree_does_not_follow_guidance() {
        let g = city();
        let s = g.admin_subtree("bureau");
        assert!(s.contains("brigade"));
        assert!(!s.contains("team"));
    }

    #[test]
    fn guided_subtree_follows_guidance() {
        let g = city();
        let s = g.guided_subtree("bureau");
        assert!(s.contains("team") && s.contains("brigade") && !s.contains("street"));
    }

    #[test]
    fn cycles_are_refused() {
        let g = city();
        let mut u = g.get("bureau").unwrap().clone();
        u.admin_parent_id = Some("brigade".into());
        assert_eq!(g.check_unit(&u).unwrap_err().code, "cycle");
        u.admin_parent_id = Some("nope".into());
        assert_eq!(g.check_unit(&u).unwrap_err().code, "unknown_parent");
    }
}
