//! The Merkle tree over each tenant's log, kept as perfect-subtree hashes in `ledger_nodes`,
//! extended inside every commit; tree heads, proofs and checkpoints are read through the pure
//! `chengguan_domain::merkle` code.

use crate::read::ledger_row;
use crate::{LedgerRow, Result, Store, StoreError};
use chengguan_domain::checkpoint::LogAlgorithm;
use chengguan_domain::merkle::{self, Algorithm, Hash, NodeMap, Recorder};

/// Run `$body` with `$A` bound to the log's hash algorithm type.
macro_rules! with_alg {
    ($alg:expr, $A:ident => $body:expr) => {
        match $alg {
            chengguan_domain::checkpoint::LogAlgorithm::Sha256Ed25519 => {
                type $A = chengguan_domain::merkle::Sha256Alg;
                $body
            }
            chengguan_domain::checkpoint::LogAlgorithm::Sm3Sm2 => {
                type $A = chengguan_domain::merkle::Sm3Alg;
                $body
            }
        }
    };
}
pub(crate) use with_alg;

pub(crate) fn leaf(alg: LogAlgorithm, entry: &[u8]) -> Hash {
    with_alg!(alg, A => A::leaf(entry))
}

pub(crate) fn node(alg: LogAlgorithm, left: &Hash, right: &Hash) -> Hash {
    with_alg!(alg, A => A::node(left, right))
}
use sqlx::{Any, Row as _, Transaction};

pub(crate) fn unhex(s: &str) -> Result<Hash> {
    hex::decode(s).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| StoreError::Corrupt(format!("not a 32-byte hex hash: {s:?}")))
}

async fn insert_node(tx: &mut Transaction<'static, Any>, tenant: &str, level: u32, idx: u64, h: &Hash) -> Result<()> {
    sqlx::query("INSERT INTO ledger_nodes (tenant_id, level, idx, hash) VALUES ($1, $2, $3, $4)")
        .bind(tenant)
        .bind(level as i64)
        .bind(idx as i64)
        .bind(hex::encode(h))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub size: i64,
    pub time_ms: i64,
    pub root_hash: String,
    /// The C2SP signed-note text.
    pub note: String,
}

impl Store {
    async fn fetch_nodes(&self, tenant: &str, needed: Vec<(u32, u64)>) -> Result<NodeMap> {
        // One query for the O(log n) nodes a root or proof needs: a row-value IN list, which both
        // databases answer from the primary key (an OR-list of pairs defeats it on SQLite).
        let mut map = NodeMap::default();
        for chunk in needed.chunks(256) {
            let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 + 2 * i, 3 + 2 * i)).collect();
            let sql = format!("SELECT level, idx, hash FROM ledger_nodes WHERE tenant_id = $1 AND (level, idx) IN (VALUES {})", values.join(", "));
            let mut q = sqlx::query(&sql).bind(tenant);
            for (l, i) in chunk {
                q = q.bind(*l as i64).bind(*i as i64);
            }
            for r in q.fetch_all(&self.pool).await? {
                let (l, i): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
                map.0.insert((l as u32, i as u64), unhex(&r.try_get::<String, _>(2)?)?);
            }
        }
        if let Some((l, i)) = needed.iter().find(|k| !map.0.contains_key(k)) {
            return Err(StoreError::Corrupt(format!("missing tree node ({l}, {i})")));
        }
        Ok(map)
    }

    /// The hash and signature algorithms of a tenant's log (recorded in its head row; a log not yet
    /// started gets the store's configured algorithm at its first entry).
    pub async fn log_algorithm(&self, tenant: &str) -> Result<LogAlgorithm> {
        let row = sqlx::query("SELECT hash_alg FROM ledger_heads WHERE tenant_id = $1").bind(tenant).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => LogAlgorithm::parse(&r.try_get::<String, _>(0)?).map_err(StoreError::Corrupt),
            None => Ok(self.algorithm),
        }
    }

    /// Root hash of the tenant's log at `size` entries.
    pub async fn root_at(&self, tenant: &str, size: u64) -> Result<Hash> {
        let alg = self.log_algorithm(tenant).await?;
        let rec = Recorder::default();
        with_alg!(alg, A => merkle::root::<A, _>(&rec, size));
        let nodes = self.fetch_nodes(tenant, rec.into_needed()).await?;
        Ok(with_alg!(alg, A => merkle::root::<A, _>(&nodes, size)))
    }

    /// (size, root) of the whole log now.
    pub async fn tree_head(&self, tenant: &str) -> Result<(u64, Hash)> {
        let size = self.ledger_size(tenant).await? as u64;
        Ok((size, self.root_at(tenant, size).await?))
    }

    pub async fn inclusion_proof(&self, tenant: &str, seq: u64, size: u64) -> Result<Vec<Hash>> {
        let alg = self.log_algorithm(tenant).await?;
        let rec = Recorder::default();
        with_alg!(alg, A => merkle::inclusion_proof::<A, _>(&rec, seq, size)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let nodes = self.fetch_nodes(tenant, rec.into_needed()).await?;
        with_alg!(alg, A => merkle::inclusion_proof::<A, _>(&nodes, seq, size)).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub async fn consistency_proof(&self, tenant: &str, first: u64, second: u64) -> Result<Vec<Hash>> {
        let alg = self.log_algorithm(tenant).await?;
        let rec = Recorder::default();
        with_alg!(alg, A => merkle::consistency_proof::<A, _>(&rec, first, second)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let nodes = self.fetch_nodes(tenant, rec.into_needed()).await?;
        with_alg!(alg, A => merkle::consistency_proof::<A, _>(&nodes, first, second)).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub async fn ledger_entry(&self, tenant: &str, seq: i64) -> Result<Option<LedgerRow>> {
        let r = sqlx::query("SELECT * FROM ledger WHERE tenant_id = $1 AND seq = $2").bind(tenant).bind(seq).fetch_optional(&self.pool).await?;
        r.as_ref().map(ledger_row).transpose()
    }

    /// Entries with seq in [from, to), ascending (for verification and replay).
    pub async fn ledger_range(&self, tenant: &str, from: i64, to: i64) -> Result<Vec<LedgerRow>> {
        let rows = sqlx::query("SELECT * FROM ledger WHERE tenant_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq")
            .bind(tenant)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(ledger_row).collect()
    }

    /// Every stored node of a level in [from, to) (verification recomputes them).
    pub async fn ledger_nodes(&self, tenant: &str, level: u32, from: u64, to: u64) -> Result<Vec<(u64, Hash)>> {
        let rows = sqlx::query("SELECT idx, hash FROM ledger_nodes WHERE tenant_id = $1 AND level = $2 AND idx >= $3 AND idx < $4 ORDER BY idx")
            .bind(tenant)
            .bind(level as i64)
            .bind(from as i64)
            .bind(to as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>(0)? as u64, unhex(&r.try_get::<String, _>(1)?)?))).collect()
    }

    /// Recompute every node of a tenant's tree from the stored leaf hashes (after the tree
    /// migration). Verification never uses this: it recomputes leaves from the entries.
    pub async fn rebuild_tree(&self, tenant: &str) -> Result<()> {
        let alg = self.log_algorithm(tenant).await?;
        let _guard = self.write_lock.lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM ledger_nodes WHERE tenant_id = $1").bind(tenant).execute(&mut *tx).await?;
        let rows = sqlx::query("SELECT leaf_hash FROM ledger WHERE tenant_id = $1 ORDER BY seq").bind(tenant).fetch_all(&mut *tx).await?;
        let mut t = merkle::MemTree::new();
        for r in rows {
            let pushed = with_alg!(alg, A => t.push::<A>(unhex(&r.try_get::<String, _>(0)?)?));
            for (l, i, h) in pushed {
                insert_node(&mut tx, tenant, l, i, &h).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Store a signed checkpoint (one per tree size; a second for the same size is ignored).
    pub async fn save_checkpoint(&self, tenant: &str, cp: &Checkpoint) -> Result<()> {
        sqlx::query(
            "INSERT INTO ledger_checkpoints (tenant_id, size, time_ms, root_hash, note) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, size) DO NOTHING",
        )
        .bind(tenant)
        .bind(cp.size)
        .bind(cp.time_ms)
        .bind(&cp.root_hash)
        .bind(&cp.note)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Checkpoints, oldest first.
    pub async fn checkpoints(&self, tenant: &str) -> Result<Vec<Checkpoint>> {
        let rows = sqlx::query("SELECT size, time_ms, root_hash, note FROM ledger_checkpoints WHERE tenant_id = $1 ORDER BY size")
            .bind(tenant)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(Checkpoint { size: r.try_get(0)?, time_ms: r.try_get(1)?, root_hash: r.try_get(2)?, note: r.try_get(3)? })).collect()
    }

    pub async fn checkpoint_at(&self, tenant: &str, size: i64) -> Result<Option<Checkpoint>> {
        Ok(self.checkpoints(tenant).await?.into_iter().find(|c| c.size == size))
    }
}
