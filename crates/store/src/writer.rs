//! Group commit: every write of the process goes through one writer task, which takes whatever
//! commands are waiting (up to a batch), applies each inside its own savepoint of one
//! transaction, commits once, and only then answers each caller. A refused change rolls back to
//! its savepoint and fails alone; a failed commit fails the whole batch, and nobody is told
//! "done" for anything that is not durable. On PostgreSQL the tenant's ledger head row is locked
//! (FOR UPDATE) for the transaction, so other processes writing the same tenant queue behind it.

use crate::{conflict, schema, tree, Backend, Committed, Result, StoreError};
use chengguan_domain::ledger::{payload_hash, Entry};
use chengguan_domain::Change;
use sqlx::{Any, AnyPool, Row as _, Transaction};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Most commands in one transaction: bounds the latency of the batch's first caller.
const MAX_BATCH: usize = 1024;
/// Waiting commands before callers are held back (back-pressure).
const QUEUE: usize = 8192;

pub(crate) struct Request {
    pub tenant_id: String,
    pub actor: String,
    pub change: Change,
    pub files: Vec<[u8; 32]>,
    pub reply: oneshot::Sender<Result<Committed>>,
}

pub(crate) fn spawn(pool: AnyPool, backend: Backend, lock: Arc<Mutex<()>>) -> mpsc::Sender<Request> {
    let (tx, mut rx) = mpsc::channel::<Request>(QUEUE);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            let _guard = lock.lock().await;
            match run(&pool, backend, &batch).await {
                Ok(results) => {
                    for (req, res) in batch.into_iter().zip(results) {
                        let _ = req.reply.send(res);
                    }
                }
                Err(e) => {
                    let msg = e.to_string();
                    tracing::error!(error = %msg, n = batch.len(), "group commit failed; nothing in the batch was committed");
                    for req in batch {
                        let _ = req.reply.send(Err(StoreError::Commit(msg.clone())));
                    }
                }
            }
        }
    });
    tx
}

async fn run(pool: &AnyPool, backend: Backend, batch: &[Request]) -> Result<Vec<Result<Committed>>> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for req in batch {
        if req.reply.is_closed() {
            // The caller gave up before its turn: it was never told anything, so skip it.
            results.push(Err(StoreError::Closed));
            continue;
        }
        sqlx::query("SAVEPOINT cmd").execute(&mut *tx).await?;
        match apply(&mut tx, backend, req).await {
            Ok(c) => {
                sqlx::query("RELEASE SAVEPOINT cmd").execute(&mut *tx).await?;
                results.push(Ok(c));
            }
            Err(e) => {
                sqlx::query("ROLLBACK TO SAVEPOINT cmd").execute(&mut *tx).await?;
                sqlx::query("RELEASE SAVEPOINT cmd").execute(&mut *tx).await?;
                results.push(Err(e));
            }
        }
    }
    tx.commit().await?;
    Ok(results)
}

async fn apply(tx: &mut Transaction<'static, Any>, backend: Backend, req: &Request) -> Result<Committed> {
let (tenant_id, actor, change) = (req.tenant_id.as_str(), req.actor.as_str(), &req.change);
    // Per-tenant head row: created once, then locked for the length of the transaction.
    sqlx::query("INSERT INTO ledger_heads (tenant_id, size) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING")
        .bind(tenant_id)
        .execute(&mut **tx)
        .await?;
    let head_sql = match backend {
        Backend::Sqlite => "SELECT size FROM ledger_heads WHERE tenant_id = $1",
        Backend::Postgres => "SELECT size FROM ledger_heads WHERE tenant_id = $1 FOR UPDATE",
    };
    let size: i64 = sqlx::query(head_sql).bind(tenant_id).fetch_one(&mut **tx).await?.try_get(0)?;

    for row in &change.rows {
        schema::upsert(tx, row).await.map_err(conflict)?;
    }

    let payload = serde_json::to_string(&change.rows).expect("rows serialise");
    let entry = Entry {
        seq: size as u64,
        time_ms: chrono::Utc::now().timestamp_millis(),
        actor: actor.to_owned(),
        action: change.action.clone(),
        subject: change.subject.clone(),
        payload_hash: payload_hash(payload.as_bytes()),
        file_hashes: req.files.clone(),
        corrects: None,
    };
    let leaf_hash = entry.leaf_hash();
    let leaf = hex::encode(leaf_hash);
    sqlx::query(
        "INSERT INTO ledger (tenant_id, seq, time_ms, actor, action, subject, payload, payload_hash, file_hashes, corrects, leaf_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tenant_id)
    .bind(size)
    .bind(entry.time_ms)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&payload)
    .bind(hex::encode(entry.payload_hash))
    .bind(change.files.join(","))
    .bind(Option::<i64>::None)
    .bind(&leaf)
    .execute(&mut **tx)
    .await?;
    tree::append_nodes(tx, tenant_id, size as u64, &leaf_hash).await?;
    sqlx::query("UPDATE ledger_heads SET size = $1 WHERE tenant_id = $2")
        .bind(size + 1)
        .bind(tenant_id)
        .execute(&mut **tx)
        .await?;
    Ok(Committed { seq: size as u64, leaf_hash: leaf })
}
