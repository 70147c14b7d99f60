//! Failed-login limiter. Hand-written because the rule counts *failed* attempts per key in a
//! sliding minute (等保 登录失败处理); generic token-bucket crates charge every attempt.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct FailureLimiter {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureLimiter {
    pub fn new(max_per_minute: usize) -> Self {
        FailureLimiter { max: max_per_minute.max(1), window: Duration::from_secs(60), failures: Mutex::new(HashMap::new()) }
    }
    fn prune(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
    }
    pub fn blocked(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut m = self.failures.lock().expect("limiter lock");
        match m.get_mut(key) {
            Some(q) => {
                Self::prune(q, now, self.window);
                q.len() >= self.max
            }
            None => false,
        }
    }
    pub fn fail(&self, key: &str) {
        let now = Instant::now();
        let mut m = self.failures.lock().expect("limiter lock");
        if m.len() > 100_000 {
            // Bound memory under a flood of distinct keys: drop stale entries.
            m.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let q = m.entry(key.to_owned()).or_default();
        Self::prune(q, now, self.window);
        q.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blocks_after_max_failures_only() {
        let l = super::FailureLimiter::new(3);
        for _ in 0..2 {
            l.fail("u:a");
        }
        assert!(!l.blocked("u:a"));
        l.fail("u:a");
        assert!(l.blocked("u:a"));
        assert!(!l.blocked("u:b"));
    }
}
