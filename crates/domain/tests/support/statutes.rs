//! Reading the statute texts of `shared/laws/` (beside the repository; `CHENGGUAN_LAWS_DIR`
//! overrides the place), shared by the citation tests. A missing folder is a failure, never a skip.

use chengguan_domain::power::chinese_number;
use std::path::PathBuf;

pub fn laws_dir() -> PathBuf {
    std::env::var_os("CHENGGUAN_LAWS_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/laws")))
}

/// The text of `law` and the version date in its file name (`法名(YYYY-MM-DD).md`).
pub fn law_text(law: &str) -> (String, String) {
    let dir = laws_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the statute texts are needed at {} ({e}); set CHENGGUAN_LAWS_DIR", dir.display()));
    let mut found = None;
    for e in entries {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix(&format!("{law}(")) {
            if let Some(date) = rest.strip_suffix(").md") {
                assert!(found.is_none(), "two texts of {law} in {}", dir.display());
                found = Some((e.path(), date.to_owned()));
            }
        }
    }
    let (path, date) = found.unwrap_or_else(|| panic!("no text of {law} in {}", dir.display()));
    (std::fs::read_to_string(path).unwrap(), date)
}

pub fn is_article_heading(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('第') else { return false };
    let Some((num, after)) = rest.split_once('条') else { return false };
    !num.is_empty() && num.chars().all(|c| "零一二三四五六七八九十百".contains(c)) && (after.is_empty() || after.starts_with(' '))
}

/// The text of one article: its heading line up to the next article or heading.
pub fn article(text: &str, n: u32) -> Option<String> {
    let head = format!("第{}条", chinese_number(n));
    let mut out = None::<String>;
    for line in text.lines() {
        if let Some(buf) = out.as_mut() {
            if is_article_heading(line) || line.starts_with('#') {
                break;
            }
            buf.push_str(line);
            buf.push('\n');
        } else if is_article_heading(line) && line.split_once('条').map(|(h, _)| format!("{h}条")) == Some(head.clone()) {
            out = Some(format!("{line}\n"));
        }
    }
    out
}
