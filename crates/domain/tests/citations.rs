//! Every article a rule profile cites is checked against the statute texts in `shared/laws/`
//! (beside the repository; `CHENGGUAN_LAWS_DIR` overrides the place): the article exists in that
//! law and contains the quoted words. A missing laws folder is a failure, never a skip.

use chengguan_domain::power::chinese_number;
use chengguan_domain::profile::{ProcedureProfile, EXAMPLE_SEED_004_PROFILE};
#[path = "support/statutes.rs"]
mod statutes;
use statutes::article;

/// The text of a law (the version date is not needed here).
fn law_text(law: &str) -> String {
    statutes::law_text(law).0
}

#[test]
fn chinese_numbers() {
    assert_eq!(chinese_number(10), "十");
    assert_eq!(chinese_number(19), "十九");
    assert_eq!(chinese_number(60), "六十");
    assert_eq!(chinese_number(85), "八十五");
    assert_eq!(chinese_number(101), "一百零一");
    assert_eq!(chinese_number(110), "一百一十");
    assert_eq!(chinese_number(125), "一百二十五");
}

#[test]
fn every_cited_article_exists_and_contains_its_quote() {
    let national = ProcedureProfile::national();
    let tenant = national.overlay(EXAMPLE_SEED_004_PROFILE, "seed-004").unwrap();
    let mut checked = 0;
    for r in national.rules().chain(tenant.rules()) {
        for x in &r.refs {
            let text = law_text(&x.law);
            let art = article(&text, x.article).unwrap_or_else(|| panic!("{}: {} has no article {}", r.key, x.law, x.article));
            assert!(art.contains(&x.quote), "{}: {} art. {} does not contain {:?}\n--- article text:\n{art}", r.key, x.law, x.article, x.quote);
            // the human citation names the same article
            let cn = format!("第{}条", chinese_number(x.article));
            assert!(r.citation.contains(&cn), "{}: the citation does not name {cn}", r.key);
            checked += 1;
        }
        if r.verified {
            assert!(!r.refs.is_empty(), "{} is verified without quoting the statute", r.key);
        }
    }
    assert!(checked >= 30, "only {checked} references checked");
}

/// The day-counting rules the code applies are the statute's words (the explanations cite them).
#[test]
fn the_counting_rules_cited_by_the_code_are_in_the_statutes() {
    // 民事诉讼法 art. 85: start hour and day not counted; a last day on a holiday moves on
    let cpl = article(&law_text("民事诉讼法"), 85).unwrap();
    assert!(cpl.contains("期间开始的时和日，不计算在期间内"), "{cpl}");
    assert!(cpl.contains("期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期"), "{cpl}");
    // APL art. 85, ACL art. 69: short periods are working days
    assert!(article(&law_text("行政处罚法"), 85).unwrap().contains("是指工作日，不含法定节假日"));
    assert!(article(&law_text("行政强制法"), 69).unwrap().contains("本法中十日以内期限的规定是指工作日"));
    // 行政复议法 art. 88, 行政诉讼法 art. 101 refer to the civil procedure law's periods
    assert!(article(&law_text("行政复议法"), 88).unwrap().contains("依照《中华人民共和国民事诉讼法》关于期间、送达的规定执行"));
    assert!(article(&law_text("行政诉讼法"), 101).unwrap().contains("期间、送达"));
}
