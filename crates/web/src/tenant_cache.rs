//! A per-tenant cache of data read on (nearly) every request: the org graph (authorisation), each
//! session's principal (account and grants; keyed `tenant/account`), the sessions themselves
//! (keyed by token hash, with the store's session generation) and the case commands' reference
//! data. An entry is current while the store's reference generation
//! for the tenant is unchanged — every commit of this process that writes a reference table bumps
//! it — and it is younger than `TTL`, the bound on staleness when several processes share one
//! database (the others' writes do not bump this process's generation).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Engineering setting, not a rule: how long another process's write to reference data may go
/// unseen here.
pub const TTL: Duration = Duration::from_secs(5);

/// Engineering setting: entries kept before expired ones are dropped.
const PRUNE_AT: usize = 4096;

pub struct TenantCache<T> {
    entries: Mutex<HashMap<String, (u64, Instant, Arc<T>)>>,
}

impl<T> Default for TenantCache<T> {
    fn default() -> Self {
        TenantCache { entries: Mutex::new(HashMap::new()) }
    }
}

impl<T> TenantCache<T> {
    /// The cached value when it was built at `generation` less than `TTL` ago.
    pub fn get(&self, tenant: &str, generation: u64) -> Option<Arc<T>> {
        let entries = self.entries.lock().expect("not poisoned");
        entries.get(tenant).filter(|(g, at, _)| *g == generation && at.elapsed() < TTL).map(|(_, _, v)| v.clone())
    }

    pub fn put(&self, tenant: &str, generation: u64, value: Arc<T>) {
        let mut entries = self.entries.lock().expect("not poisoned");
        // Keys are many for sessions: past this size, drop what has expired anyway.
        if entries.len() >= PRUNE_AT {
            entries.retain(|_, (_, at, _)| at.elapsed() < TTL);
        }
        entries.insert(tenant.to_owned(), (generation, Instant::now(), value));
    }
}
