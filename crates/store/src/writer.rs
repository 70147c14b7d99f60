//! Group commit: every write of the process goes through one writer task, which takes whatever
//! commands are waiting (up to a batch), applies each inside its own savepoint of one
//! transaction, commits once, and only then answers each caller. A refused change rolls back to
//! its savepoint and fails alone; a failed commit fails the whole batch, and nobody is told
//! "done" for anything that is not durable. On PostgreSQL the tenant's ledger head row is locked
//! (FOR UPDATE) for the transaction, so other processes writing the same tenant queue behind it.

use crate::{conflict, schema, tree, Backend, Committed, Result, StoreError};
use chengguan_domain::checkpoint::LogAlgorithm;
use chengguan_domain::ledger::{payload_hash, Entry};
use chengguan_domain::merkle::{self, Hash};
use chengguan_domain::{personal, Change, Expect, Payload, Table};
use sqlx::{Any, AnyPool, Row as _, Transaction};
use std::collections::HashMap;
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

pub(crate) fn spawn(pool: AnyPool, backend: Backend, lock: Arc<Mutex<()>>, algorithm: LogAlgorithm) -> mpsc::Sender<Request> {
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
            match run(&pool, backend, algorithm, &batch).await {
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

/// A committed command's ledger row, written with the others at the end of the batch.
struct PendingEntry {
    corrects: Option<i64>,
    tenant_id: String,
    seq: i64,
    time_ms: i64,
    actor: String,
    action: String,
    subject: String,
    payload: String,
    payload_hash: String,
    file_hashes: String,
    leaf_hash: String,
}

type Versions = HashMap<(Table, String, String), Option<i64>>;

/// Can a table be named by an expectation: keyed by (tenant_id, id), with an integer `version`?
fn versioned(table: Table) -> bool {
    table.key() == ["tenant_id", "id"] && schema::columns(table).contains(&("version", schema::Ty::Int))
}

/// Check a command's expectations inside the transaction. Ok(Err(Conflict)) refuses the command;
/// Err is a fault of the database (the batch fails).
async fn check_expectations(tx: &mut Transaction<'static, Any>, tenant: &str, change: &Change, pending: &Versions) -> Result<Result<()>> {
    for Expect { table, id, version } in &change.expect {
        if !versioned(*table) {
            return Ok(Err(StoreError::Corrupt(format!("an expectation names {}, which has no version", table.name()))));
        }
        let actual = match pending.get(&(*table, tenant.to_owned(), id.clone())) {
            Some(v) => Some(*v),
            None => {
                let sql = format!("SELECT version FROM {} WHERE tenant_id = $1 AND id = $2", table.name());
                let row = sqlx::query(&sql).bind(tenant).bind(id.as_str()).fetch_optional(&mut **tx).await?;
                row.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?
            }
        };
        // actual: None = no row; Some(v) = a row whose version is v.
        if actual != version.map(Some) {
            let show = |v: Option<Option<i64>>| match v {
                None => "no row".to_owned(),
                Some(Some(v)) => format!("version {v}"),
                Some(None) => "a row without a version".to_owned(),
            };
            return Ok(Err(StoreError::Conflict(format!(
                "{} row {id}: expected {}, found {} (changed by someone else; reload and try again)",
                table.name(),
                show(version.map(Some)),
                show(actual)
            ))));
        }
    }
    Ok(Ok(()))
}

/// Refusals are rare: a batch first runs without savepoints; if any command is refused, the
/// transaction is rolled back and the batch runs again with a savepoint around each command.
async fn run(pool: &AnyPool, backend: Backend, algorithm: LogAlgorithm, batch: &[Request]) -> Result<Vec<Result<Committed>>> {
    match run_once(pool, backend, algorithm, batch, false).await? {
        Some(results) => Ok(results),
        None => Ok(run_once(pool, backend, algorithm, batch, true).await?.expect("with savepoints every refusal is answered")),
    }
}

/// Ok(None): a command was refused without savepoints (nothing was committed; run again).
async fn run_once(pool: &AnyPool, backend: Backend, algorithm: LogAlgorithm, batch: &[Request], savepoints: bool) -> Result<Option<Vec<Result<Committed>>>> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    // Per tenant in this batch: (size at the start, next seq, the log's algorithm).
    let mut heads: HashMap<String, (i64, i64, LogAlgorithm)> = HashMap::new();
    // Tree nodes written by this batch (they are not in the tables until the end of it).
    let mut cache: HashMap<(String, u32, u64), Hash> = HashMap::new();
    let mut nodes: Vec<(String, u32, u64, Hash)> = Vec::new();
    let mut entries: Vec<PendingEntry> = Vec::new();
    // Fast path: every command's after-images, applied as one multi-row upsert per table.
    let mut batch_rows: Vec<&chengguan_domain::Row> = Vec::new();
    // Personal data: openings kept beside the log, and openings erased by acts of this batch.
    let mut openings: Vec<(String, personal::Opening)> = Vec::new();
    let mut erased: Vec<(String, String)> = Vec::new();
    // Versions of versioned rows written by earlier commands of this batch (on the fast path they
    // reach the tables only at the end): (table, tenant, id) → the pending row's version.
    let mut versions: Versions = HashMap::new();
    for req in batch {
        if req.reply.is_closed() {
            // The caller gave up before its turn: it was never told anything, so skip it.
            results.push(Err(StoreError::Closed));
            continue;
        }
        let tenant = req.tenant_id.as_str();
        if !heads.contains_key(tenant) {
            // Per-tenant head row: created once, then locked for the length of the transaction.
            // A new log records the configured algorithm; an existing one keeps its own.
            sqlx::query("INSERT INTO ledger_heads (tenant_id, size, hash_alg) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING")
                .bind(tenant)
                .bind(algorithm.code())
                .execute(&mut *tx)
                .await?;
            let head_sql = match backend {
                Backend::Sqlite => "SELECT size, hash_alg FROM ledger_heads WHERE tenant_id = $1",
                Backend::Postgres => "SELECT size, hash_alg FROM ledger_heads WHERE tenant_id = $1 FOR UPDATE",
            };
            let head = sqlx::query(head_sql).bind(tenant).fetch_one(&mut *tx).await?;
            let size: i64 = head.try_get(0)?;
            let alg = LogAlgorithm::parse(&head.try_get::<String, _>(1)?).map_err(StoreError::Corrupt)?;
            heads.insert(tenant.to_owned(), (size, size, alg));
        }
        // A correction names an entry that exists before it (checked before anything is written).
        let next_seq = heads[tenant].1;
        if req.change.corrects.is_some_and(|c| c as i64 >= next_seq) {
            results.push(Err(StoreError::Corrupt(format!("entry {next_seq} cannot correct entry {:?}: not an earlier entry", req.change.corrects))));
            if !savepoints {
                tx.rollback().await?;
                return Ok(None);
            }
            continue;
        }
        // Its expectations (optimistic concurrency, gapless series), against the rows earlier
        // commands of this batch left pending, then the tables. A refusal is a normal answer: it
        // writes nothing and does not send the batch to the savepoint path.
        if let Err(e) = check_expectations(&mut tx, tenant, &req.change, &versions).await? {
            results.push(Err(e));
            continue;
        }
        // The command's own rows, in a savepoint when one is needed: a refusal undoes only them.
        if savepoints {
            sqlx::query("SAVEPOINT cmd").execute(&mut *tx).await?;
        }
        let mut refused = None;
        if savepoints {
            for row in &req.change.rows {
                if let Err(e) = schema::upsert(&mut tx, row).await {
                    refused = Some(conflict(e));
                    break;
                }
            }
        } else {
            // Fast path: the batch's rows are applied together below.
            batch_rows.extend(req.change.rows.iter());
        }
        if let Some(e) = refused {
            if !savepoints {
                tx.rollback().await?;
                return Ok(None);
            }
            sqlx::query("ROLLBACK TO SAVEPOINT cmd").execute(&mut *tx).await?;
            sqlx::query("RELEASE SAVEPOINT cmd").execute(&mut *tx).await?;
            results.push(Err(e));
            continue;
        }
        if savepoints {
            sqlx::query("RELEASE SAVEPOINT cmd").execute(&mut *tx).await?;
        }
        for row in &req.change.rows {
            if let (true, Some(id)) = (versioned(row.table), row.text("id")) {
                let v = match row.values.get("version") {
                    Some(chengguan_domain::Value::Int(v)) => Some(*v),
                    _ => None,
                };
                versions.insert((row.table, tenant.to_owned(), id.to_owned()), v);
            }
        }

        let (_, seq, alg) = heads[tenant];
        // The payload holds commitments, not personal values (个人信息保护法 art. 47).
        let (sealed, opened) = personal::seal(&req.change.rows, rand::random);
        let payload = serde_json::to_string(&Payload { rows: sealed, erased: req.change.erase.clone() }).expect("payload serialises");
        openings.extend(opened.into_iter().map(|o| (tenant.to_owned(), o)));
        erased.extend(req.change.erase.iter().map(|c| (tenant.to_owned(), c.clone())));
        let entry = Entry {
            seq: seq as u64,
            time_ms: chrono::Utc::now().timestamp_millis(),
            actor: req.actor.clone(),
            action: req.change.action.clone(),
            subject: req.change.subject.clone(),
            payload_hash: payload_hash(payload.as_bytes()),
            file_hashes: req.files.clone(),
            corrects: req.change.corrects,
        };
        let leaf = tree::leaf(alg, &entry.encode());
        // The leaf and every perfect subtree it completes; left siblings come from this batch or
        // from the table.
        let mut h = leaf;
        cache.insert((tenant.to_owned(), 0, seq as u64), leaf);
        nodes.push((tenant.to_owned(), 0, seq as u64, leaf));
        for (level, idx) in merkle::completed_by(seq as u64) {
            let key = (tenant.to_owned(), level - 1, idx * 2);
            let left = match cache.get(&key) {
                Some(l) => *l,
                None => tree::stored_node(&mut tx, tenant, level - 1, idx * 2).await?,
            };
            h = tree::node(alg, &left, &h);
            cache.insert((tenant.to_owned(), level, idx), h);
            nodes.push((tenant.to_owned(), level, idx, h));
        }
        let leaf_hex = hex::encode(leaf);
        entries.push(PendingEntry {
            corrects: req.change.corrects.map(|c| c as i64),
            tenant_id: tenant.to_owned(),
            seq,
            time_ms: entry.time_ms,
            actor: entry.actor,
            action: entry.action,
            subject: entry.subject,
            payload,
            payload_hash: hex::encode(entry.payload_hash),
            file_hashes: req.change.files.join(","),
            leaf_hash: leaf_hex.clone(),
        });
        heads.get_mut(tenant).expect("loaded above").1 += 1;
        results.push(Ok(Committed { seq: seq as u64, leaf_hash: leaf_hex }));
    }
    if !savepoints && !batch_rows.is_empty() {
        // The last after-image of each row wins (it is the state after the batch); a refusal
        // anywhere sends the whole batch to the savepoint path, which names the command.
        let mut last: HashMap<(chengguan_domain::Table, String), usize> = HashMap::new();
        for (i, r) in batch_rows.iter().enumerate() {
            last.insert((r.table, personal::row_key(r)), i);
        }
        for table in chengguan_domain::Table::ALL {
            let rows: Vec<&chengguan_domain::Row> = batch_rows
                .iter()
                .enumerate()
                .filter(|(i, r)| r.table == table && last.get(&(r.table, personal::row_key(r))) == Some(i))
                .map(|(_, r)| *r)
                .collect();
            if rows.is_empty() {
                continue;
            }
            if schema::upsert_many(&mut tx, table, &rows).await.is_err() {
                tx.rollback().await?;
                return Ok(None);
            }
        }
    }
    for chunk in schema::groups(&entries) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", (1..=11).map(|k| format!("${}", i * 11 + k)).collect::<Vec<_>>().join(", "))).collect();
        let sql = format!(
            "INSERT INTO ledger (tenant_id, seq, time_ms, actor, action, subject, payload, payload_hash, file_hashes, corrects, leaf_hash) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.tenant_id.as_str())
                .bind(e.seq)
                .bind(e.time_ms)
                .bind(e.actor.as_str())
                .bind(e.action.as_str())
                .bind(e.subject.as_str())
                .bind(e.payload.as_str())
                .bind(e.payload_hash.as_str())
                .bind(e.file_hashes.as_str())
                .bind(e.corrects)
                .bind(e.leaf_hash.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in schema::groups(&nodes) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${}, ${}, ${})", i * 4 + 1, i * 4 + 2, i * 4 + 3, i * 4 + 4)).collect();
        let sql = format!("INSERT INTO ledger_nodes (tenant_id, level, idx, hash) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (t, l, i, h) in chunk {
            q = q.bind(t.as_str()).bind(*l as i64).bind(*i as i64).bind(hex::encode(h));
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in schema::groups(&openings) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", (1..=6).map(|k| format!("${}", i * 6 + k)).collect::<Vec<_>>().join(", "))).collect();
        let sql = format!("INSERT INTO ledger_personal (tenant_id, commitment, salt, value, table_name, row_key) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (t, o) in chunk {
            q = q
                .bind(t.as_str())
                .bind(o.commitment.as_str())
                .bind(hex::encode(o.salt))
                .bind(serde_json::to_string(&o.value).expect("value serialises"))
                .bind(o.table.name())
                .bind(o.row_key.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    // The one deletion the platform makes: personal data whose retention ended, by a recorded act.
    for (t, c) in &erased {
        sqlx::query("DELETE FROM ledger_personal WHERE tenant_id = $1 AND commitment = $2").bind(t.as_str()).bind(c.as_str()).execute(&mut *tx).await?;
    }
    for (tenant, (start, next, _)) in &heads {
        if next > start {
            sqlx::query("UPDATE ledger_heads SET size = $1 WHERE tenant_id = $2").bind(*next).bind(tenant.as_str()).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(results))
}
