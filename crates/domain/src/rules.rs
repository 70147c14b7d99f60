//! Rule values with their legal sources, loaded from `rules/national.toml` (embedded) and
//! optionally overridden by a tenant profile with its own citations.

use serde::Deserialize;
use std::collections::BTreeMap;

pub const NATIONAL_PROFILE: &str = include_str!("../../../rules/national.toml");

/// One cited value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Cited {
    #[serde(alias = "value_percent", alias = "value_days")]
    pub value: i64,
    pub citation: String,
    #[serde(default)]
    pub verified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingRules {
    pub frontline_share_min: Cited,
    pub auxiliary_max_ratio_to_established: Cited,
    pub legal_review_share_min: Cited,
    pub certified_share_min: Cited,
    pub certificate_expiry_warning_days: Cited,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthRules {
    pub login_attempts_per_minute: Cited,
    pub login_failures_per_address_per_minute: Cited,
    pub session_hours: Cited,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub staffing: StaffingRules,
    pub auth: AuthRules,
}

#[derive(Debug, thiserror::Error)]
#[error("rule profile: {0}")]
pub struct ProfileError(pub String);

impl Profile {
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        toml::from_str(text).map_err(|e| ProfileError(e.to_string()))
    }
    pub fn national() -> Profile {
        Profile::parse(NATIONAL_PROFILE).expect("embedded national profile is valid (tested)")
    }
    /// Every value with its key, for the profile page.
    pub fn entries(&self) -> BTreeMap<&'static str, &Cited> {
        let s = &self.staffing;
        let a = &self.auth;
        BTreeMap::from([
            ("staffing.frontline_share_min", &s.frontline_share_min),
            ("staffing.auxiliary_max_ratio_to_established", &s.auxiliary_max_ratio_to_established),
            ("staffing.legal_review_share_min", &s.legal_review_share_min),
            ("staffing.certified_share_min", &s.certified_share_min),
            ("staffing.certificate_expiry_warning_days", &s.certificate_expiry_warning_days),
            ("auth.login_attempts_per_minute", &a.login_attempts_per_minute),
            ("auth.login_failures_per_address_per_minute", &a.login_failures_per_address_per_minute),
            ("auth.session_hours", &a.session_hours),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_profile_loads_and_every_value_is_cited() {
        let p = Profile::national();
        for (k, v) in p.entries() {
            assert!(!v.citation.trim().is_empty(), "{k} has no citation");
        }
        assert_eq!(p.staffing.frontline_share_min.value, 85);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let bad = NATIONAL_PROFILE.replace("[auth.session_hours]", "[auth.session_hourz]");
        assert!(Profile::parse(&bad).is_err());
    }
}
