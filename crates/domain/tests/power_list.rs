//! The demo power list (`rules/power_list.json`) against the statute texts in `shared/laws/`
//! (beside the repository; `CHENGGUAN_LAWS_DIR` overrides the place): every verified quote is
//! found, line by line, in the cited article of the cited law and version; every fine amount is
//! the amount the quoted words set; at least 80 % of the items rest on verified national text.
//! A missing laws folder is a failure, never a skip.

use chengguan_domain::discretion::{self, ExemptionKind};
use chengguan_domain::power::{self, BasisRole, FineAmount, LegalBasis, PowerList};
use std::collections::BTreeSet;
#[path = "support/statutes.rs"]
mod statutes;
use statutes::{article, law_text};

/// Checks a verified basis against its statute; returns the article text.
fn check_basis(at: &str, b: &LegalBasis) -> String {
    assert!(b.verified && !b.local, "{at}: not a verified national basis");
    let (text, date) = law_text(&b.law);
    if let Some(v) = &b.law_version {
        assert_eq!(v, &date, "{at}: {} quoted in version {v}, the text is {date}", b.law);
    }
    let n = b.article.unwrap_or_else(|| panic!("{at}: verified without an article"));
    let art = article(&text, n).unwrap_or_else(|| panic!("{at}: {} has no article {n}", b.law));
    assert!(!b.quote.trim().is_empty(), "{at}: verified without a quote");
    for line in b.quote.lines().filter(|l| !l.trim().is_empty()) {
        assert!(art.contains(line), "{at}: {} art. {n} does not contain {line:?}\n--- article:\n{art}", b.law);
    }
    if let Some(c) = b.clause {
        let cn = power::chinese_number(c);
        assert!(b.quote.contains(&format!("（{cn}）")) || b.quote.contains(&format!("({cn})")), "{at}: clause {c} is not in the quote");
    }
    assert!(b.citation().contains(&format!("第{}条", power::chinese_number(n))));
    art
}

/// How a statute writes an amount of yuan: 五万元, 5万元, 5000元, 五千元, 二千元 ….
fn yuan_phrases(yuan: i64) -> Vec<String> {
    let mut out = vec![format!("{yuan}元")];
    if yuan % 10_000 == 0 {
        out.push(format!("{}万元", yuan / 10_000));
        out.push(format!("{}万元", power::chinese_number((yuan / 10_000) as u32)));
    } else if yuan % 1000 == 0 && yuan < 10_000 {
        let d = power::chinese_number((yuan / 1000) as u32);
        out.push(format!("{d}千元"));
    } else if yuan % 100 == 0 && yuan < 1000 {
        out.push(format!("{}百元", power::chinese_number((yuan / 100) as u32)));
    } else if yuan < 100 {
        out.push(format!("{}元", power::chinese_number(yuan as u32)));
    }
    out
}

/// 50 ‰ → 百分之五, 5%; 1000 ‰ → 一倍.
#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; the workspace allows 1.85
fn permille_phrases(p: u32) -> Vec<String> {
    let mut out = Vec::new();
    if p % 1000 == 0 {
        out.push(format!("{}倍", power::chinese_number(p / 1000)));
    }
    if p % 10 == 0 {
        out.push(format!("百分之{}", power::chinese_number(p / 10)));
        out.push(format!("{}%", p / 10));
    }
    out
}

fn range_in(words: &str, lo: &[String], hi: &[String], lo_zero: bool) -> bool {
    if lo_zero {
        return hi.iter().any(|h| words.contains(&format!("{h}以下")));
    }
    lo.iter().any(|l| hi.iter().any(|h| words.contains(&format!("{l}以上{h}以下"))))
}

#[test]
fn every_verified_quote_and_amount_is_the_statute_text() {
    let list = PowerList::demo();
    let mut checked = 0;
    for item in &list.items {
        let at = format!("{} v{}", item.code, item.version);
        let mut quotes = String::new();
        for b in &item.legal_basis {
            if b.verified {
                check_basis(&at, b);
                quotes.push_str(&b.quote);
                quotes.push('\n');
                checked += 1;
            } else {
                // never an article number that was not checked
                assert!(b.article.is_none(), "{at}: unverified {} names an article", b.law);
                assert!(b.quote.is_empty(), "{at}: unverified quote of {}", b.law);
            }
        }
        for f in &item.fines {
            if !f.verified {
                assert!(f.local && item.local, "{at}: an unverified fine on an item not flagged local");
                continue;
            }
            assert!(quotes.contains(&f.words), "{at}: the fine's words {:?} are not quoted", f.words);
            let ok = match &f.amount {
                FineAmount::Range { min_fen, max_fen } => {
                    assert!(min_fen % 100 == 0 && max_fen % 100 == 0);
                    range_in(&f.words, &yuan_phrases(min_fen / 100), &yuan_phrases(max_fen / 100), *min_fen == 0)
                }
                FineAmount::Multiple { base, min_permille, max_permille } => {
                    let base_named = f.words.contains(base.zh()) || (base.zh() == "建设工程造价" && f.words.contains("工程造价"));
                    base_named && range_in(&f.words, &permille_phrases(*min_permille), &permille_phrases(*max_permille), *min_permille == 0)
                }
                FineAmount::PerUnit { .. } => false,
                FineAmount::Unspecified => !f.words.contains('元') && !f.words.contains('倍'),
            };
            assert!(ok, "{at}: the amount {:?} is not what {:?} says", f.amount, f.words);
        }
        for m in &item.measures {
            assert!(quotes.contains(&m.words), "{at}: measure words {:?} not quoted", m.words);
        }
        if let (Some(o), false) = (&item.order_to_correct, item.local) {
            assert!(quotes.contains(o.as_str()), "{at}: order {o:?} not quoted");
        }
    }
    for g in &list.general_grounds {
        check_basis(&g.code, &g.basis);
        checked += 1;
    }
    for l in &list.exemption_lists {
        let art = check_basis(&l.code, &l.basis);
        assert!(art.contains(discretion::APL_33_FIRST_QUOTE) && art.contains(discretion::APL_33_MINOR_QUOTE));
        checked += 1;
    }
    for b in &list.benchmarks {
        if let Some(l) = &b.local_basis {
            assert!(!l.verified && l.local && l.article.is_none(), "benchmark {}: local basis", b.item_code);
        }
    }
    assert!(checked >= 100, "only {checked} bases checked");
}

#[test]
fn the_articles_the_code_cites_say_what_the_code_relies_on() {
    let (apl, _) = law_text("行政处罚法");
    assert!(article(&apl, 37).unwrap().contains(power::APL_37_QUOTE));
    assert!(article(&apl, 34).unwrap().contains(discretion::APL_34_QUOTE));
    let a33 = article(&apl, 33).unwrap();
    assert!(a33.contains(discretion::APL_33_MINOR_QUOTE));
    assert!(a33.contains(discretion::APL_33_FIRST_QUOTE));
    assert!(a33.contains(discretion::APL_33_EDUCATION_QUOTE));
    // the first-offence conditions the engine always adds are the statute's words
    assert!(a33.contains("初次违法且危害后果轻微并及时改正"));
    assert_eq!(ExemptionKind::FirstOffence.statutory_conditions().len(), 3);
    // APL art. 32 lists the grounds `Facts` models; art. 30 the ages
    let a32 = article(&apl, 32).unwrap();
    for g in ["主动消除或者减轻违法行为危害后果", "受他人胁迫或者诱骗实施违法行为", "主动供述行政机关尚未掌握的违法行为", "配合行政机关查处违法行为有立功表现"]
    {
        assert!(a32.contains(g), "{g}");
    }
    assert!(article(&apl, 30).unwrap().contains("不满十四周岁的未成年人有违法行为的，不予行政处罚"));
    assert!(article(&apl, 51).unwrap().contains("可以当场作出行政处罚决定"));
    // the citation strings name those articles
    assert_eq!(power::APL_37_CITATION, "《行政处罚法》第三十七条");
    assert_eq!(discretion::APL_34_CITATION, "《行政处罚法》第三十四条");
}

#[test]
fn the_demo_list_is_large_enough_and_mostly_national() {
    let list = PowerList::demo();
    let codes: BTreeSet<&str> = list.items.iter().map(|i| i.code.as_str()).collect();
    assert!(codes.len() >= 60, "only {} items", codes.len());
    // an item rests on verified national text when every version's penalty basis does
    let national = codes.iter().filter(|c| list.items.iter().filter(|i| i.code == **c).all(|i| i.rests_on_verified_national_text())).count();
    assert!(national * 100 >= codes.len() * 80, "{national} of {} items rest on verified national text", codes.len());
    // local items are flagged exactly where the penalty basis is local
    for i in &list.items {
        assert_eq!(i.local, i.bases(BasisRole::Penalty).any(|b| b.local), "{}", i.code);
        assert_eq!(i.local, !i.rests_on_verified_national_text(), "{}", i.code);
    }
    // the categories the brief names are all there
    for name in ["占道", "堆放", "建设工程规划许可证", "户外广告", "建筑垃圾", "渣土", "油烟", "噪声", "停放", "城市道路", "燃气", "树木"]
    {
        assert!(list.items.iter().any(|i| i.name.contains(name)), "no item on {name}");
    }
    // benchmarks: at least 15 items, including 占道经营, 违法建设, 户外广告, 建筑垃圾
    let benched: BTreeSet<&str> = list.benchmarks.iter().map(|b| b.item_code.as_str()).collect();
    assert!(benched.len() >= 15, "{} benchmarks", benched.len());
    for (code, what) in [("SZ-001", "占道经营"), ("GH-001", "违法建设"), ("SR-009", "户外广告"), ("DF-001", "户外广告"), ("HW-004", "建筑垃圾")]
    {
        assert!(benched.contains(code), "no benchmark for {what}");
    }
    // an exemption list of each kind, with entries
    for kind in [ExemptionKind::FirstOffence, ExemptionKind::MinorOffence] {
        assert!(list.exemption_lists.iter().any(|l| l.kind == kind && !l.entries.is_empty()), "{kind:?}");
    }
    let share = national as f64 / codes.len() as f64;
    eprintln!("{} items, {national} on verified national text ({:.0} %)", codes.len(), share * 100.0);
}
