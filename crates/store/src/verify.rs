//! End-to-end verification of a tenant's full-process record: every entry's payload hash and
//! leaf recomputed from its fields, every stored tree node recomputed, every checkpoint's
//! signature and root checked, and the state rebuilt from the record compared with every column
//! of every domain table. I/O is here; the rules are the domain's (merkle, checkpoint, Replay).

use crate::tree::with_alg;
use crate::{Result, Store};
use chengguan_domain::merkle::{self, Algorithm, MemTree, Nodes};
use chengguan_domain::{checkpoint, ledger, personal, Payload, Replay, Table, Value};
use sqlx::Row as _;
use std::collections::{HashMap, HashSet};

/// What was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantReport {
    pub tenant_id: String,
    pub entries: u64,
    pub checkpoints: usize,
    pub rows: usize,
    pub root: String,
}

/// The first thing found broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tenant {tenant_id}: {}{what}", seq.map(|s| format!("entry {s}: ")).unwrap_or_default())]
pub struct Broken {
    pub tenant_id: String,
    pub seq: Option<i64>,
    pub what: String,
}

const PAGE: i64 = 10_000;

impl Store {
    /// Every tenant's log (those in `tenants` and any log without a tenant row).
    pub async fn ledger_tenants(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT tenant_id FROM ledger_heads UNION SELECT id FROM tenants ORDER BY 1").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?)).collect()
    }

    /// Verify one tenant. `vkey` is the checkpoint verifier key; checkpoints cannot be trusted
    /// without it, so their presence without a key is a failure.
    pub async fn verify_tenant(
        &self,
        tenant: &str,
        vkey: Option<&str>,
        evidence: Option<&crate::evidence::EvidenceStore>,
    ) -> Result<std::result::Result<TenantReport, Broken>> {
        let alg = self.log_algorithm(tenant).await?;
        with_alg!(alg, A => self.verify_with::<A>(tenant, vkey, evidence).await)
    }

    async fn verify_with<A: Algorithm>(
        &self,
        tenant: &str,
        vkey: Option<&str>,
        evidence: Option<&crate::evidence::EvidenceStore>,
    ) -> Result<std::result::Result<TenantReport, Broken>> {
        let broken = |seq: Option<i64>, what: String| Ok(Err(Broken { tenant_id: tenant.to_owned(), seq, what }));
        let size = self.ledger_size(tenant).await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM ledger WHERE tenant_id = $1").bind(tenant).fetch_one(&self.pool).await?.try_get(0)?;
        let mut tree = MemTree::new();
        let mut replay = Replay::default();
        // Openings of personal-data commitments, and what the log says was erased.
        let mut openings: HashMap<String, ([u8; 16], Value)> = HashMap::new();
        for r in sqlx::query("SELECT commitment, salt, value FROM ledger_personal WHERE tenant_id = $1").bind(tenant).fetch_all(&self.pool).await? {
            let salt: Option<[u8; 16]> = hex::decode(r.try_get::<String, _>(1)?).ok().and_then(|v| v.try_into().ok());
            let value: Option<Value> = serde_json::from_str(&r.try_get::<String, _>(2)?).ok();
            let c: String = r.try_get(0)?;
            match (salt, value) {
                (Some(s), Some(v)) => openings.insert(c, (s, v)),
                _ => return broken(None, format!("personal data {c}: malformed opening")),
            };
        }
        let mut missing: Vec<(i64, String)> = Vec::new();
        let mut erased: HashSet<String> = HashSet::new();
        let mut next = 0i64;
        while next < size {
            let page = self.ledger_range(tenant, next, next + PAGE).await?;
            for e in &page {
                if e.seq != next {
                    return broken(Some(next), "entry is missing or out of order".into());
                }
                if hex::encode(ledger::payload_hash(e.payload.as_bytes())) != e.payload_hash {
                    return broken(Some(e.seq), "payload does not match its hash (payload altered)".into());
                }
                let entry = match e.entry() {
                    Ok(v) => v,
                    Err(m) => return broken(Some(e.seq), m),
                };
                let leaf = A::leaf(&entry.encode());
                if hex::encode(leaf) != e.leaf_hash {
                    return broken(Some(e.seq), "entry fields do not match its leaf hash (entry altered or reordered)".into());
                }
                tree.push::<A>(leaf);
                for f in e.file_hashes.split(',').filter(|f| !f.is_empty()) {
                    let intact = match evidence {
                        Some(store) => store.check(f).await.map_err(|err| crate::StoreError::Corrupt(format!("evidence store: {err}")))?,
                        None => return broken(Some(e.seq), "the entry attaches files but no evidence store was given".into()),
                    };
                    if !intact {
                        return broken(Some(e.seq), format!("attached file {f} is missing or altered"));
                    }
                }
                let payload: Payload = match serde_json::from_str(&e.payload) {
                    Ok(p) => p,
                    Err(err) => return broken(Some(e.seq), format!("payload is not a list of rows: {err}")),
                };
                for c in &payload.erased {
                    if openings.contains_key(c) {
                        return broken(Some(e.seq), format!("personal data {c} is recorded as erased but is still kept"));
                    }
                    erased.insert(c.clone());
                }
                for r in &payload.rows {
                    for v in r.values.values() {
                        if let Some(c) = personal::sealed_commitment(v) {
                            if !openings.contains_key(c) {
                                missing.push((e.seq, c.to_owned()));
                            }
                        }
                    }
                }
                let rows = match personal::open(payload.rows, |c| openings.get(c).cloned()) {
                    Ok(r) => r,
                    Err(m) => return broken(Some(e.seq), m),
                };
                if let Some(r) = rows.iter().find(|r| r.text(if r.table == Table::Tenants { "id" } else { "tenant_id" }) != Some(tenant)) {
                    return broken(Some(e.seq), format!("payload writes a {} row of another tenant", r.table.name()));
                }
                replay.apply(rows);
                next += 1;
            }
            if page.is_empty() {
                return broken(Some(next), "entry is missing".into());
            }
        }
        if let Some((seq, c)) = missing.iter().find(|(_, c)| !erased.contains(c)) {
            return broken(Some(*seq), format!("personal data {c} is missing but no entry erased it (deleted outside the record)"));
        }
        if count != size {
            return broken(None, format!("the log holds {count} entries but its head says {size} (entries inserted or deleted)"));
        }
        // Every stored node must be the recomputed one, and none may be missing or extra.
        let mut level = 0u32;
        loop {
            let expected = size as u64 >> level;
            if expected == 0 {
                break;
            }
            let stored = self.ledger_nodes(tenant, level, 0, u64::MAX >> 1).await?;
            if stored.len() as u64 != expected {
                return broken(None, format!("tree level {level} has {} nodes, expected {expected}", stored.len()));
            }
            for (idx, h) in stored {
                if h != tree.perfect(level, idx) {
                    return broken(Some((idx << level) as i64), format!("stored tree node ({level}, {idx}) differs from the recomputed one"));
                }
            }
            level += 1;
        }
        let root = merkle::root::<A, _>(&tree, size as u64);
        // Checkpoints: signature, root at their size, consistency with the next.
        let cps = self.checkpoints(tenant).await?;
        let mut prev: Option<checkpoint::Checkpoint> = None;
        for cp in &cps {
            let Some(vkey) = vkey else {
                return broken(None, "checkpoints exist but no verifier key was given".into());
            };
            let signed = match checkpoint::verify(vkey, &cp.note) {
                Ok(c) => c,
                Err(m) => return broken(None, format!("checkpoint at size {}: {m}", cp.size)),
            };
            if signed.size as i64 != cp.size || hex::encode(signed.root) != cp.root_hash {
                return broken(None, format!("checkpoint at size {}: stored columns differ from the signed note", cp.size));
            }
            if signed.size > size as u64 || merkle::root::<A, _>(&tree, signed.size) != signed.root {
                return broken(None, format!("checkpoint at size {} does not match the log (history rewritten)", cp.size));
            }
            if let Some(p) = &prev {
                let proof = merkle::consistency_proof::<A, _>(&tree, p.size, signed.size).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                if p.size > 0 && !merkle::verify_consistency::<A>(p.size, signed.size, &p.root, &signed.root, &proof) {
                    return broken(None, format!("checkpoints {} and {} are not consistent", p.size, signed.size));
                }
            }
            prev = Some(signed);
        }
        // The state rebuilt from the record must equal the tables, column by column.
        let mut rows = 0;
        for table in Table::ALL {
            let actual = self.table_rows(tenant, table).await?;
            rows += actual.len();
            if let Some(d) = replay.diff(table, &actual) {
                return broken(None, d);
            }
        }
        Ok(Ok(TenantReport { tenant_id: tenant.to_owned(), entries: size as u64, checkpoints: cps.len(), rows, root: hex::encode(root) }))
    }
}
