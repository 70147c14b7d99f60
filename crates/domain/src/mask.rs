//! Masking of personal data in lists and public pages (quality.md: 张** / 420***********1234).

/// 张三丰 → 张**
pub fn name(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => std::iter::once(first).chain(c.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// Keep the first `head` and last `tail` characters, star the rest.
fn keep(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars.iter().enumerate().map(|(i, ch)| if i < head || i >= chars.len() - tail { *ch } else { '*' }).collect()
}

/// 420103198501011234 → 420***********1234
pub fn id_number(s: &str) -> String {
    keep(s, 3, 4)
}

/// 13812345678 → 138****5678
pub fn phone(s: &str) -> String {
    keep(s, 3, 4)
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_as_quality_md_says() {
        assert_eq!(super::name("张三丰"), "张**");
        assert_eq!(super::id_number("420103198501011234"), "420***********1234");
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("12"), "**");
    }
}
