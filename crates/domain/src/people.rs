//! People, their staffing type, posts and law-enforcement certificates (执法证).

use crate::{Refusal, Row, Table};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),* } }
            pub fn zh(self) -> &'static str { match self { $($name::$var => $zh),* } }
            pub fn en(self) -> &'static str { match self { $($name::$var => $en),* } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == s) }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// 编制类型 (seed 002 statistics use exactly these four).
    Staffing {
        CivilServant = "civil_servant", "公务员", "Civil servant";
        CivilServantManaged = "civil_servant_managed", "参公管理", "Managed as civil servant";
        PublicInstitution = "public_institution", "事业编制", "Public institution";
        Auxiliary = "auxiliary", "协管人员", "Auxiliary";
    }
);

impl Staffing {
    /// 在编人员: the established staff that auxiliaries may not outnumber.
    pub fn is_established(self) -> bool {
        !matches!(self, Staffing::Auxiliary)
    }
}

code_enum!(
    /// Seed 001 item 8: the nine specialised posts of a street enforcement team.
    Post {
        CityAppearance = "city_appearance", "市容市政", "City appearance and municipal";
        FrontageDuties = "frontage_duties", "门前三包", "Frontage duties";
        Buildings = "buildings", "房屋建筑", "Buildings";
        IllegalConstruction = "illegal_construction", "查违景观", "Illegal construction and landscape";
        Sanitation = "sanitation", "环境卫生", "Sanitation";
        GasSafety = "gas_safety", "燃气安全", "Gas safety";
        Transport = "transport", "交通运输", "Transport";
        GreeningEnvironment = "greening_environment", "园林环保", "Greening and environment";
        CaseLegal = "case_legal", "案件法制", "Case and legal affairs";
    }
);

code_enum!(
    PersonStatus {
        Active = "active", "在岗", "Active";
        Seconded = "seconded", "借调", "Seconded";
        Inactive = "inactive", "已停用", "Deactivated";
    }
);

code_enum!(
    Gender {
        Male = "male", "男", "Male";
        Female = "female", "女", "Female";
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub tenant_id: String,
    pub id: String,
    pub org_unit_id: String,
    pub name: String,
    pub gender: Option<Gender>,
    /// 居民身份证号码 (personal data: masked in lists and public pages).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub staffing: Staffing,
    pub posts: Vec<Post>,
    pub frontline: bool,
    pub status: PersonStatus,
    pub joined_on: Option<NaiveDate>,
}

impl Person {
    pub fn to_row(&self) -> Row {
        Row::new(Table::People)
            .set("tenant_id", self.tenant_id.as_str())
            .set("id", self.id.as_str())
            .set("org_unit_id", self.org_unit_id.as_str())
            .set("name", self.name.as_str())
            .set("gender", self.gender.map(|g| g.code()))
            .set("id_number", self.id_number.clone())
            .set("phone", self.phone.clone())
            .set("staffing", self.staffing.code())
            .set("posts", posts_to_text(&self.posts))
            .set("frontline", self.frontline)
            .set("status", self.status.code())
            .set("joined_on", self.joined_on.map(|d| d.to_string()))
    }

    /// Validate a person's fields ("parse, don't validate" at the edge; this is the domain check).
    pub fn check(&self) -> Result<(), Refusal> {
        crate::org::validate_name(&self.name)?;
        if let Some(id) = &self.id_number {
            check_id_number(id)?;
        }
        if let Some(p) = &self.phone {
            if !(p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit())) {
                return Err(Refusal::new("invalid_phone", "手机号码应为11位数字", "phone must be 11 digits starting with 1"));
            }
        }
        if self.staffing == Staffing::Auxiliary && self.posts.contains(&Post::CaseLegal) {
            return Err(Refusal::new("auxiliary_post", "协管人员不得担任案件法制岗位", "an auxiliary cannot hold the case/legal post")
                .with_rule("城市管理执法队伍规范化建设标准 协管人员管理 2 (seed 004)"));
        }
        Ok(())
    }
}

pub fn posts_to_text(posts: &[Post]) -> String {
    posts.iter().map(|p| p.code()).collect::<Vec<_>>().join(",")
}

pub fn posts_from_text(s: &str) -> Vec<Post> {
    s.split(',').filter_map(|p| Post::parse(p.trim())).collect()
}

/// GB 11643-1999 citizen identity number: 17 digits + ISO 7064 MOD 11-2 check character.
pub fn check_id_number(id: &str) -> Result<(), Refusal> {
    let bad = || {
        Refusal::new("invalid_id_number", "身份证号码格式或校验位错误", "identity number is malformed or its check digit is wrong").with_rule("GB 11643-1999")
    };
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17].iter().zip(W).map(|(d, w)| (d - b'0') as u32 * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != check {
        return Err(bad());
    }
    Ok(())
}

/// The check character for 17 digits (used by the demo generator).
pub fn id_check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(W).map(|(d, w)| (d - b'0') as u32 * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub tenant_id: String,
    pub id: String,
    pub person_id: String,
    pub number: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// 执法区域/执法类别 printed on the certificate.
    pub scope: String,
    pub active: bool,
}

impl Certificate {
    /// Valid on `day`, both ends inclusive.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.active && self.valid_from <= day && day <= self.valid_until
    }
    pub fn to_row(&self) -> Row {
        Row::new(Table::Certificates)
            .set("tenant_id", self.tenant_id.as_str())
            .set("id", self.id.as_str())
            .set("person_id", self.person_id.as_str())
            .set("number", self.number.as_str())
            .set("issuer", self.issuer.as_str())
            .set("valid_from", self.valid_from.to_string())
            .set("valid_until", self.valid_until.to_string())
            .set("scope", self.scope.as_str())
            .set("active", self.active)
    }
    pub fn check(&self, holder: &Person) -> Result<(), Refusal> {
        if holder.staffing == Staffing::Auxiliary {
            return Err(Refusal::new("auxiliary_certificate", "协管人员不得持有行政执法证", "auxiliaries cannot hold a law-enforcement certificate")
                .with_rule("城市管理执法队伍规范化建设标准 协管人员管理 2 (seed 004); 行政处罚法 第四十二条"));
        }
        if self.number.trim().is_empty() || self.number.len() > 64 {
            return Err(Refusal::new("invalid_certificate_number", "证件编号不能为空", "certificate number is required"));
        }
        if self.issuer.trim().is_empty() {
            return Err(Refusal::new("invalid_issuer", "发证机关不能为空", "issuer is required"));
        }
        if self.valid_until < self.valid_from {
            return Err(Refusal::new("invalid_validity", "有效期截止日不能早于起始日", "valid_until is before valid_from"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_check_digit() {
        // GB 11643-1999 worked example.
        assert!(check_id_number("11010519491231002X").is_ok());
        assert!(check_id_number("110105194912310021").is_err());
        assert!(check_id_number("1101051949123100").is_err());
        let first = "42010319850101123";
        let full = format!("{first}{}", id_check_char(first));
        assert!(check_id_number(&full).is_ok());
    }

    #[test]
    fn certificate_validity_is_inclusive() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let c = Certificate {
            tenant_id: "t".into(),
            id: "c".into(),
            person_id: "p".into(),
            number: "N".into(),
            issuer: "I".into(),
            valid_from: d("2024-01-01"),
            valid_until: d("2026-11-21"),
            scope: "s".into(),
            active: true,
        };
        assert!(c.valid_on(d("2026-11-21")));
        assert!(!c.valid_on(d("2026-11-22")));
        assert!(!c.valid_on(d("2023-12-31")));
    }

    #[test]
    fn posts_round_trip() {
        let p = vec![Post::Sanitation, Post::CaseLegal];
        assert_eq!(posts_from_text(&posts_to_text(&p)), p);
    }
}
