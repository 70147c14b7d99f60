//! Authorisation: a pure function of (grants, action, target org unit, org graph).
//! The policy is data (`rules/policy.toml`); the tests hold an independent, hand-written matrix.

use crate::org::OrgGraph;
use crate::people::code_enum;
use crate::Refusal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const POLICY: &str = include_str!("../../../rules/policy.toml");

code_enum!(
    /// Roles of spec/README.md.
    Role {
        Officer = "officer", "执法队员", "Officer";
        Auxiliary = "auxiliary", "协管员", "Auxiliary";
        LegalReviewer = "legal_reviewer", "法制审核员", "Legal reviewer";
        Lawyer = "lawyer", "驻队律师", "Resident lawyer";
        Leader = "leader", "负责人", "Leader";
        Dispatcher = "dispatcher", "指挥中心派遣员", "Dispatcher";
        Supervisor = "supervisor", "监督员", "Supervisor";
        Disposer = "disposer", "处置部门", "Disposer";
        Inspector = "inspector", "督察", "Inspector";
        Admin = "admin", "管理员", "Administrator";
        ThirdPartyAssessor = "third_party_assessor", "第三方考评", "Third-party assessor";
    }
);

code_enum!(
    /// Actions of the platform module. Later modules add theirs.
    Action {
        ViewOrg = "view_org", "查看机构", "View organisation";
        ManageOrg = "manage_org", "管理机构", "Manage organisation";
        ViewPeople = "view_people", "查看人员", "View people";
        ManagePeople = "manage_people", "管理人员", "Manage people";
        ViewStaffing = "view_staffing", "查看编制统计", "View staffing figures";
        ViewPersonalData = "view_personal_data", "查看个人敏感信息", "View unmasked personal data";
        ViewAccounts = "view_accounts", "查看账号", "View accounts";
        ManageAccounts = "manage_accounts", "管理账号与授权", "Manage accounts and grants";
        ViewRecord = "view_record", "查看全过程记录", "View the full-process record";
        UploadEvidence = "upload_evidence", "上传证据文件", "Upload evidence files";
        ViewEvidence = "view_evidence", "查看证据文件", "View evidence files";
        ViewCase = "view_case", "查看案件", "View cases";
        HandleCase = "handle_case", "办理案件", "Handle cases (register, investigate, propose, serve)";
        ApproveCase = "approve_case", "审核审批案件", "Review, approve and decide cases";
        ReportInterference = "report_interference", "记录干预执法", "Log interference with enforcement";
        ViewInterference = "view_interference", "查看干预执法记录", "View interference records";
        SuperviseCase = "supervise_case", "督察案件", "Supervise cases (case-file review, accountability)";
        ViewEnforcement = "view_enforcement", "查看责令改正、强制措施、拆除与非现场执法", "View orders, measures, demolitions and off-site records";
        HandleEnforcement = "handle_enforcement", "办理责令改正、强制措施、拆除与非现场执法", "Handle orders to correct, compulsory measures, demolitions, off-site records";
        ApproveEnforcement = "approve_enforcement", "批准强制措施、延期与强制拆除", "Approve compulsory measures, extensions and forced demolition";
        ReviewOffsite = "review_offsite", "审核非现场执法记录", "Review off-site enforcement records";
        ManageDevices = "manage_devices", "登记非现场执法设备", "Register off-site enforcement devices";
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    None,
    Subtree,
    Guided,
    Tenant,
}

impl Scope {
    pub fn zh(self) -> &'static str {
        match self {
            Scope::None => "无",
            Scope::Subtree => "所授机构及其下级",
            Scope::Guided => "所授机构、其下级及业务指导的单位",
            Scope::Tenant => "全市",
        }
    }
}

/// A role held over an org unit (and, by the policy's scope, the units related to it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub org_unit_id: String,
}

#[derive(Debug, Clone)]
pub struct Policy {
    table: BTreeMap<Role, BTreeMap<Action, Scope>>,
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy, String> {
        let raw: BTreeMap<String, BTreeMap<String, Scope>> = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut table = BTreeMap::new();
        for (role, actions) in raw {
            let role = Role::parse(&role).ok_or_else(|| format!("unknown role {role}"))?;
            let mut m = BTreeMap::new();
            for (a, s) in actions {
                let a = Action::parse(&a).ok_or_else(|| format!("unknown action {a} for {}", role.code()))?;
                m.insert(a, s);
            }
            table.insert(role, m);
        }
        Ok(Policy { table })
    }
    pub fn standard() -> Policy {
        Policy::parse(POLICY).expect("embedded policy is valid (tested)")
    }
    pub fn scope(&self, role: Role, action: Action) -> Scope {
        self.table.get(&role).and_then(|m| m.get(&action)).copied().unwrap_or(Scope::None)
    }

    /// May the holder of `grants` perform `action` on something belonging to `target` unit?
    /// `target = None` asks whether the action is allowed anywhere (for menus and list pages).
    pub fn allows(&self, grants: &[Grant], action: Action, target: Option<&str>, org: &OrgGraph) -> bool {
        grants.iter().any(|g| {
            let scope = self.scope(g.role, action);
            match (scope, target) {
                (Scope::None, _) => false,
                (_, None) => true,
                (Scope::Tenant, Some(t)) => org.get(t).is_some(),
                (Scope::Subtree, Some(t)) => org.admin_subtree(&g.org_unit_id).contains(t),
                (Scope::Guided, Some(t)) => org.guided_subtree(&g.org_unit_id).contains(t),
            }
        })
    }

    pub fn authorize(&self, grants: &[Grant], action: Action, target: Option<&str>, org: &OrgGraph) -> Result<(), Refusal> {
        if self.allows(grants, action, target, org) {
            Ok(())
        } else {
            Err(Refusal::new("forbidden", format!("无权执行此操作: {}", action.zh()), format!("not permitted: {}", action.en()))
                .with_rule(self.rule_for(action)))
        }
    }

    /// The policy's rule for `action`, for a refusal: which roles hold it and over which units.
    pub fn rule_for(&self, action: Action) -> String {
        let holders: Vec<String> =
            self.table.iter().filter_map(|(role, m)| m.get(&action).filter(|s| **s != Scope::None).map(|s| format!("{}（{}）", role.zh(), s.zh()))).collect();
        let holders = if holders.is_empty() { "任何角色均不授予".to_owned() } else { format!("仅授予：{}", holders.join("、")) };
        format!("权限策略（rules/policy.toml，角色 × 操作 × 机构范围）：“{}”{}", action.zh(), holders)
    }

    /// The set of org units in which `action` is allowed (for filtering lists).
    pub fn visible_units(&self, grants: &[Grant], action: Action, org: &OrgGraph) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for g in grants {
            match self.scope(g.role, action) {
                Scope::None => {}
                Scope::Subtree => out.extend(org.admin_subtree(&g.org_unit_id)),
                Scope::Guided => out.extend(org.guided_subtree(&g.org_unit_id)),
                Scope::Tenant => out.extend(org.units().map(|u| u.id.clone())),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_parses() {
        let p = Policy::standard();
        assert_eq!(p.scope(Role::Admin, Action::ManagePeople), Scope::Subtree);
        assert_eq!(p.scope(Role::Auxiliary, Action::ManagePeople), Scope::None);
    }

    #[test]
    fn a_refusal_names_who_holds_the_action() {
        let p = Policy::standard();
        let rule = p.rule_for(Action::ApproveCase);
        assert!(rule.contains("负责人") && rule.contains("法制审核员") && !rule.contains("执法队员"), "{rule}");
        assert!(rule.contains("rules/policy.toml"), "{rule}");
    }

    #[test]
    fn unknown_names_in_policy_are_errors() {
        assert!(Policy::parse("[wizard]\nview_org = \"tenant\"").is_err());
        assert!(Policy::parse("[admin]\nfly = \"tenant\"").is_err());
    }

    /// Auxiliaries never receive anything beyond viewing the organisation and logging interference
    /// (anyone may, seed 001) (seed 004 协管人员管理 2).
    #[test]
    fn auxiliary_has_no_enforcement_or_management_action() {
        let p = Policy::standard();
        for a in Action::ALL {
            let s = p.scope(Role::Auxiliary, *a);
            assert_eq!(s == Scope::None, !matches!(a, Action::ViewOrg | Action::ReportInterference), "{a:?}");
        }
    }
}
