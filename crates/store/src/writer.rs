//! Group commit: every write of the process goes through one writer task, which takes whatever
//! commands are waiting (up to a batch), applies them in one transaction, commits once, and only
//! then answers each caller. A refused change fails alone (the batch reruns with a savepoint per
//! command when a statement refuses one); a failed commit fails the whole batch, and nobody is
//! told "done" for anything that is not durable. On PostgreSQL the tenant's ledger head row is
//! locked (FOR UPDATE) for the transaction, so other processes writing the same tenant queue
//! behind it. On a SQLite file the batch runs on the writer's own thread and native connection
//! (`exec.rs` says why); the logic is the same code over [`WriteTx`].

use crate::exec::{self, Arg, Fault, NativeTx, SqlxTx, WriteTx};
use crate::schema::{self, Ty};
use crate::{tree, Backend, Committed, Result, StoreError};
use chengguan_domain::checkpoint::LogAlgorithm;
use chengguan_domain::ledger::{payload_hash, Entry};
use chengguan_domain::merkle::{self, Hash};
use chengguan_domain::{personal, Change, Expect, Payload, Table, Value};
use sqlx::AnyPool;
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
    /// The entry's payload, sealed and hashed by the caller (see [`Sealed::of`]).
    pub sealed: Sealed,
    pub reply: oneshot::Sender<Result<Committed>>,
}

/// A change's ledger payload: its rows with personal values replaced by commitments (个人信息保护法
/// art. 47), the openings kept beside the log, and the payload's hash. Made by the caller's task,
/// in parallel with other callers, so the one writer spends its time on the database only.
pub(crate) struct Sealed {
    payload: String,
    hash: [u8; 32],
    pub(crate) openings: Vec<personal::Opening>,
    /// Commitments of existing openings the payload reuses (`personal::seal_reusing`): the writer
    /// refuses the command with `StaleOpening` if one was erased meanwhile.
    reused: Vec<String>,
}

impl Sealed {
    pub(crate) fn of(change: &Change, known: impl Fn(Table, &str, &Value) -> Option<String>) -> Sealed {
        let (sealed, openings, reused) = personal::seal_reusing(&change.rows, rand::random, known);
        let payload = serde_json::to_string(&Payload { rows: sealed, erased: change.erase.clone() }).expect("payload serialises");
        Sealed { hash: payload_hash(payload.as_bytes()), payload, openings, reused }
    }
}

/// Of the commitments the batch's payloads reuse, those whose openings are still stored.
async fn open_commitments<T: WriteTx>(tx: &mut T, batch: &[Request]) -> Result<std::collections::HashSet<(String, String)>> {
    let mut wanted: HashMap<&str, Vec<&str>> = HashMap::new();
    for req in batch {
        let ids = wanted.entry(req.tenant_id.as_str()).or_default();
        ids.extend(req.sealed.reused.iter().map(String::as_str));
    }
    let mut found = std::collections::HashSet::new();
    for (tenant, mut ids) in wanted {
        ids.sort_unstable();
        ids.dedup();
        for chunk in schema::groups(&ids) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!("SELECT commitment FROM ledger_personal WHERE tenant_id = $1 AND commitment IN ({})", marks.join(", "));
            let args: Vec<Arg> = std::iter::once(Arg::Text(tenant)).chain(chunk.iter().map(|c| Arg::Text(c))).collect();
            for row in tx.rows(&sql, &args, &[Ty::Text]).await? {
                found.insert((tenant.to_owned(), text(&row[0])?));
            }
        }
    }
    Ok(found)
}

/// Where the writer's transactions run.
pub(crate) enum Conn {
    /// Through the sqlx pool (PostgreSQL; an in-memory SQLite database, which only the pool sees).
    Pool(AnyPool),
    /// A native connection to this SQLite file, on a thread of its own.
    Native(String),
}

type Job = (Vec<Request>, oneshot::Sender<()>);

pub(crate) fn spawn(conn: Conn, backend: Backend, lock: Arc<Mutex<()>>, algorithm: LogAlgorithm) -> Result<mpsc::Sender<Request>> {
    let (tx, mut rx) = mpsc::channel::<Request>(QUEUE);
    enum Runner {
        Pool(SqlxTx),
        Native(std::sync::mpsc::Sender<Job>),
    }
    let mut runner = match conn {
        Conn::Pool(pool) => Runner::Pool(SqlxTx::new(pool)),
        Conn::Native(path) => {
            let mut native = NativeTx::open(&path)?;
            let mut memo = Frontiers::new();
            let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("chengguan-writer".into())
                .spawn(move || {
                    for (batch, done) in inbox {
                        let r = exec::finish(run(&mut native, backend, algorithm, &mut memo, &batch));
                        answer(batch, r);
                        let _ = done.send(());
                    }
                })
                .map_err(|e| StoreError::Native(format!("cannot start the writer thread: {e}")))?;
            Runner::Native(jobs)
        }
    };
    tokio::spawn(async move {
        let mut memo = Frontiers::new();
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            let _guard = lock.lock().await;
            match &mut runner {
                Runner::Pool(conn) => {
                    let r = run(conn, backend, algorithm, &mut memo, &batch).await;
                    answer(batch, r);
                }
                Runner::Native(jobs) => {
                    let (done, finished) = oneshot::channel();
                    if let Err(std::sync::mpsc::SendError((batch, _))) = jobs.send((batch, done)) {
                        answer(batch, Err(StoreError::Native("the writer thread has stopped".into())));
                        continue;
                    }
                    // The thread answers the callers; the lock is held until it has.
                    let _ = finished.await;
                }
            }
        }
    });
    Ok(tx)
}

/// Tell each caller what became of its command.
fn answer(batch: Vec<Request>, r: Result<Vec<Result<Committed>>>) {
    match r {
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

/// A committed command's ledger row, written with the others at the end of the batch.
struct PendingEntry<'a> {
    corrects: Option<i64>,
    tenant_id: String,
    seq: i64,
    time_ms: i64,
    actor: String,
    action: String,
    subject: String,
    payload: &'a str,
    payload_hash: String,
    file_hashes: String,
    leaf_hash: String,
}

type Versions = HashMap<(Table, String, String), Option<i64>>;

/// Can a table be named by an expectation: keyed by (tenant_id, id), with an integer `version`?
fn versioned(table: Table) -> bool {
    table.key() == ["tenant_id", "id"] && schema::columns(table).contains(&("version", schema::Ty::Int))
}

/// The stored version of every row the batch's expectations name, read inside the transaction
/// (after the heads are locked) in one statement per table and group of ids instead of one per
/// expectation. Absent from the map: no such row; `Some(None)`: a row without a version.
async fn stored_versions<T: WriteTx>(tx: &mut T, batch: &[Request]) -> Result<Versions> {
    let mut wanted: HashMap<(Table, &str), Vec<&str>> = HashMap::new();
    for req in batch {
        for Expect { table, id, .. } in &req.change.expect {
            if versioned(*table) {
                let ids = wanted.entry((*table, req.tenant_id.as_str())).or_default();
                if !ids.contains(&id.as_str()) {
                    ids.push(id.as_str());
                }
            }
        }
    }
    let mut found = Versions::new();
    for ((table, tenant), ids) in wanted {
        for chunk in schema::groups(&ids) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!("SELECT id, version FROM {} WHERE tenant_id = $1 AND id IN ({})", table.name(), marks.join(", "));
            let args: Vec<Arg> = std::iter::once(Arg::Text(tenant)).chain(chunk.iter().map(|id| Arg::Text(id))).collect();
            for row in tx.rows(&sql, &args, &[Ty::Text, Ty::Int]).await? {
                let version = match row[1] {
                    Value::Int(v) => Some(v),
                    _ => None,
                };
                found.insert((table, tenant.to_owned(), text(&row[0])?), version);
            }
        }
    }
    Ok(found)
}

fn text(v: &Value) -> Result<String> {
    match v {
        Value::Text(t) => Ok(t.clone()),
        other => Err(StoreError::Corrupt(format!("expected text, found {other:?}"))),
    }
}

fn int(v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(StoreError::Corrupt(format!("expected an integer, found {other:?}"))),
    }
}

/// Check a command's expectations against the rows earlier commands of this batch left pending,
/// then the stored versions. Err(Conflict) refuses the command.
fn check_expectations(tenant: &str, change: &Change, pending: &Versions, stored: &Versions) -> Result<()> {
    for Expect { table, id, version } in &change.expect {
        if !versioned(*table) {
            return Err(StoreError::Corrupt(format!("an expectation names {}, which has no version", table.name())));
        }
        let key = (*table, tenant.to_owned(), id.clone());
        // actual: None = no row; Some(v) = a row whose version is v.
        let actual = pending.get(&key).or_else(|| stored.get(&key)).copied();
        if actual != version.map(Some) {
            let show = |v: Option<Option<i64>>| match v {
                None => "no row".to_owned(),
                Some(Some(v)) => format!("version {v}"),
                Some(None) => "a row without a version".to_owned(),
            };
            return Err(StoreError::Conflict(format!(
                "{} row {id}: expected {}, found {} (changed by someone else; reload and try again)",
                table.name(),
                show(version.map(Some)),
                show(actual)
            )));
        }
    }
    Ok(())
}

/// Per tenant: the roots of the perfect subtrees the log ended with after this writer's last
/// batch (the frontier), so the next batch need not read them back.
type Frontiers = HashMap<String, HashMap<(u32, u64), Hash>>;

/// The roots of the perfect subtrees a log of `size` entries ends with: the only stored nodes
/// the next entries' subtrees need as left siblings.
fn frontier(size: u64) -> Vec<(u32, u64)> {
    (0..64u32).rev().filter(|l| size >> l & 1 == 1).map(|l| (l, (size >> l) - 1)).collect()
}

/// Refusals are rare: a batch first runs without savepoints; if any command is refused, the
/// transaction is rolled back and the batch runs again with a savepoint around each command.
async fn run<T: WriteTx>(tx: &mut T, backend: Backend, algorithm: LogAlgorithm, memo: &mut Frontiers, batch: &[Request]) -> Result<Vec<Result<Committed>>> {
    for savepoints in [false, true] {
        tx.begin().await?;
        match run_once(tx, backend, algorithm, memo, batch, savepoints).await {
            Ok(Some((results, after))) => {
                if let Err(e) = tx.commit().await {
                    memo.clear();
                    return Err(e.into());
                }
                memo.extend(after);
                return Ok(results);
            }
            Ok(None) => tx.rollback().await?,
            Err(e) => {
                // The batch fails as a whole; the connection is left ready for the next one.
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    Err(StoreError::Corrupt("with savepoints every refusal is answered".into()))
}

/// One SQL statement inserting `rows` of `k` values each (`prefix` names the table and columns).
async fn insert<T: WriteTx>(tx: &mut T, prefix: &str, k: usize, rows: &[Vec<Arg<'_>>]) -> Result<()> {
    for chunk in schema::groups(rows) {
        let sql = format!("{prefix} VALUES {}", schema::placeholders(chunk.len(), k));
        let args: Vec<Arg> = chunk.iter().flatten().copied().collect();
        tx.exec(&sql, &args).await?;
    }
    Ok(())
}

/// Apply a batch in the open transaction. Ok(None): a command was refused without savepoints
/// (the caller rolls back and runs the batch again with them).
async fn run_once<T: WriteTx>(
    tx: &mut T,
    backend: Backend,
    algorithm: LogAlgorithm,
    memo: &Frontiers,
    batch: &[Request],
    savepoints: bool,
) -> Result<Option<(Vec<Result<Committed>>, Frontiers)>> {
    let mut results = Vec::with_capacity(batch.len());
    // Per tenant in this batch: (size at the start, next seq, the log's algorithm).
    let mut heads: HashMap<String, (i64, i64, LogAlgorithm)> = HashMap::new();
    // Tree nodes: the stored frontier, then those written by this batch.
    let mut cache: HashMap<(String, u32, u64), Hash> = HashMap::new();
    let mut nodes: Vec<(String, u32, u64, Hash)> = Vec::new();
    let mut entries: Vec<PendingEntry> = Vec::new();
    // Fast path: every command's after-images, applied as one multi-row upsert per table.
    let mut batch_rows: Vec<&chengguan_domain::Row> = Vec::new();
    // Personal data: openings kept beside the log, and openings erased by acts of this batch.
    let mut openings: Vec<(&str, &personal::Opening)> = Vec::new();
    let mut erased: Vec<(String, String)> = Vec::new();
    // Versions of versioned rows written by earlier commands of this batch (on the fast path they
    // reach the tables only at the end): (table, tenant, id) → the pending row's version.
    let mut versions: Versions = HashMap::new();
    // Per-tenant head rows, created once, then locked for the length of the transaction (in a
    // fixed order, so two processes never wait on each other's locks). A new log records the
    // configured algorithm; an existing one keeps its own.
    let mut tenants: Vec<&str> = batch.iter().map(|r| r.tenant_id.as_str()).collect();
    tenants.sort_unstable();
    tenants.dedup();
    for tenant in tenants {
        tx.exec(
            "INSERT INTO ledger_heads (tenant_id, size, hash_alg) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING",
            &[Arg::Text(tenant), Arg::Text(algorithm.code())],
        )
        .await?;
        let head_sql = match backend {
            Backend::Sqlite => "SELECT size, hash_alg FROM ledger_heads WHERE tenant_id = $1",
            Backend::Postgres => "SELECT size, hash_alg FROM ledger_heads WHERE tenant_id = $1 FOR UPDATE",
        };
        let head = tx.rows(head_sql, &[Arg::Text(tenant)], &[Ty::Int, Ty::Text]).await?;
        let head = head.first().ok_or_else(|| StoreError::Corrupt(format!("no ledger head for {tenant}")))?;
        let size = int(&head[0])?;
        let alg = LogAlgorithm::parse(&text(&head[1])?).map_err(StoreError::Corrupt)?;
        heads.insert(tenant.to_owned(), (size, size, alg));
        // The stored left siblings this batch's subtrees need: kept from this writer's last batch
        // where it made them, else read by key. A perfect subtree's hash never changes once it is
        // complete, so a kept node is right even when another process appended since.
        let needed = frontier(size as u64);
        let kept = memo.get(tenant);
        for (l, i) in needed {
            let h = match kept.and_then(|nodes| nodes.get(&(l, i))) {
                Some(h) => *h,
                None => {
                    let row = tx
                        .rows(
                            "SELECT hash FROM ledger_nodes WHERE tenant_id = $1 AND level = $2 AND idx = $3",
                            &[Arg::Text(tenant), Arg::Int(l as i64), Arg::Int(i as i64)],
                            &[Ty::Text],
                        )
                        .await?;
                    let hex = row.first().ok_or_else(|| StoreError::Corrupt(format!("missing tree node ({l}, {i})")))?;
                    tree::unhex(&text(&hex[0])?)?
                }
            };
            cache.insert((tenant.to_owned(), l, i), h);
        }
    }
    let stored = stored_versions(tx, batch).await?;
    let open = open_commitments(tx, batch).await?;
    // Commitments erased by earlier commands of this batch (not yet deleted from the table).
    let mut erased_now: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for req in batch {
        if req.reply.is_closed() {
            // The caller gave up before its turn: it was never told anything, so skip it.
            results.push(Err(StoreError::Closed));
            continue;
        }
        let tenant = req.tenant_id.as_str();
        // A correction names an entry that exists before it (checked before anything is written).
        let next_seq = heads[tenant].1;
        if req.change.corrects.is_some_and(|c| c as i64 >= next_seq) {
            results.push(Err(StoreError::Corrupt(format!("entry {next_seq} cannot correct entry {:?}: not an earlier entry", req.change.corrects))));
            continue;
        }
        // Its expectations (optimistic concurrency, gapless series), against the rows earlier
        // commands of this batch left pending, then the tables. A refusal is a normal answer: it
        // writes nothing and does not send the batch to the savepoint path.
        if let Err(e) = check_expectations(tenant, &req.change, &versions, &stored) {
            results.push(Err(e));
            continue;
        }
        // A reused commitment must still open: erased since it was sealed, the caller seals anew.
        if req.sealed.reused.iter().any(|c| {
            let k = (tenant.to_owned(), c.clone());
            !open.contains(&k) || erased_now.contains(&k)
        }) {
            results.push(Err(StoreError::StaleOpening));
            continue;
        }
        // The command's rows: on the fast path they are applied with the batch's below; with
        // savepoints, now, so that a refusal undoes only them.
        if savepoints {
            tx.exec("SAVEPOINT cmd", &[]).await?;
            let mut refused = None;
            for row in &req.change.rows {
                let args = match schema::row_args(row) {
                    Ok(a) => a,
                    Err(e) => {
                        refused = Some(StoreError::Corrupt(e));
                        break;
                    }
                };
                match tx.exec(&schema::upsert_sql(row.table, 1), &args).await {
                    Ok(()) => {}
                    Err(Fault::Unique(m)) => {
                        refused = Some(StoreError::Conflict(m));
                        break;
                    }
                    Err(Fault::Db(e)) => return Err(e),
                }
            }
            if let Some(e) = refused {
                tx.exec("ROLLBACK TO SAVEPOINT cmd", &[]).await?;
                tx.exec("RELEASE SAVEPOINT cmd", &[]).await?;
                results.push(Err(e));
                continue;
            }
            tx.exec("RELEASE SAVEPOINT cmd", &[]).await?;
        } else {
            batch_rows.extend(req.change.rows.iter());
        }
        for row in &req.change.rows {
            if let (true, Some(id)) = (versioned(row.table), row.text("id")) {
                let v = match row.values.get("version") {
                    Some(Value::Int(v)) => Some(*v),
                    _ => None,
                };
                versions.insert((row.table, tenant.to_owned(), id.to_owned()), v);
            }
        }

        let (_, seq, alg) = heads[tenant];
        openings.extend(req.sealed.openings.iter().map(|o| (tenant, o)));
        erased.extend(req.change.erase.iter().map(|c| (tenant.to_owned(), c.clone())));
        erased_now.extend(req.change.erase.iter().map(|c| (tenant.to_owned(), c.clone())));
        let entry = Entry {
            seq: seq as u64,
            time_ms: chrono::Utc::now().timestamp_millis(),
            actor: req.actor.clone(),
            action: req.change.action.clone(),
            subject: req.change.subject.clone(),
            payload_hash: req.sealed.hash,
            file_hashes: req.files.clone(),
            corrects: req.change.corrects,
        };
        let leaf = tree::leaf(alg, &entry.encode());
        // The leaf and every perfect subtree it completes; left siblings come from this batch or
        // from the stored frontier.
        let mut h = leaf;
        cache.insert((tenant.to_owned(), 0, seq as u64), leaf);
        nodes.push((tenant.to_owned(), 0, seq as u64, leaf));
        for (level, idx) in merkle::completed_by(seq as u64) {
            let left = *cache
                .get(&(tenant.to_owned(), level - 1, idx * 2))
                .ok_or_else(|| StoreError::Corrupt(format!("missing tree node ({}, {})", level - 1, idx * 2)))?;
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
            payload: &req.sealed.payload,
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
        let mut last: HashMap<(Table, String), usize> = HashMap::new();
        for (i, r) in batch_rows.iter().enumerate() {
            last.insert((r.table, personal::row_key(r)), i);
        }
        for table in Table::ALL {
            let mut rows = Vec::new();
            for (i, r) in batch_rows.iter().enumerate() {
                if r.table == table && last.get(&(r.table, personal::row_key(r))) == Some(&i) {
                    match schema::row_args(r) {
                        Ok(a) => rows.push(a),
                        Err(_) => return Ok(None),
                    }
                }
            }
            for chunk in schema::groups(&rows) {
                let args: Vec<Arg> = chunk.iter().flatten().copied().collect();
                match tx.exec(&schema::upsert_sql(table, chunk.len()), &args).await {
                    Ok(()) => {}
                    Err(Fault::Unique(_)) => return Ok(None),
                    Err(Fault::Db(e)) => return Err(e),
                }
            }
        }
    }
    let ledger: Vec<Vec<Arg>> = entries
        .iter()
        .map(|e| {
            vec![
                Arg::Text(&e.tenant_id),
                Arg::Int(e.seq),
                Arg::Int(e.time_ms),
                Arg::Text(&e.actor),
                Arg::Text(&e.action),
                Arg::Text(&e.subject),
                Arg::Text(e.payload),
                Arg::Text(&e.payload_hash),
                Arg::Text(&e.file_hashes),
                e.corrects.map(Arg::Int).unwrap_or(Arg::Null(Ty::Int)),
                Arg::Text(&e.leaf_hash),
            ]
        })
        .collect();
    insert(tx, "INSERT INTO ledger (tenant_id, seq, time_ms, actor, action, subject, payload, payload_hash, file_hashes, corrects, leaf_hash)", 11, &ledger)
        .await?;
    let hexes: Vec<String> = nodes.iter().map(|n| hex::encode(n.3)).collect();
    let node_rows: Vec<Vec<Arg>> =
        nodes.iter().zip(&hexes).map(|((t, l, i, _), h)| vec![Arg::Text(t), Arg::Int(*l as i64), Arg::Int(*i as i64), Arg::Text(h)]).collect();
    insert(tx, "INSERT INTO ledger_nodes (tenant_id, level, idx, hash)", 4, &node_rows).await?;
    let texts: Vec<(String, String)> =
        openings.iter().map(|(_, o)| (hex::encode(o.salt), serde_json::to_string(&o.value).expect("value serialises"))).collect();
    let opening_rows: Vec<Vec<Arg>> = openings
        .iter()
        .zip(&texts)
        .map(|((t, o), (salt, value))| {
            vec![Arg::Text(t), Arg::Text(&o.commitment), Arg::Text(salt), Arg::Text(value), Arg::Text(o.table.name()), Arg::Text(&o.row_key)]
        })
        .collect();
    insert(tx, "INSERT INTO ledger_personal (tenant_id, commitment, salt, value, table_name, row_key)", 6, &opening_rows).await?;
    // The one deletion the platform makes: personal data whose retention ended, by a recorded act.
    for (t, c) in &erased {
        tx.exec("DELETE FROM ledger_personal WHERE tenant_id = $1 AND commitment = $2", &[Arg::Text(t), Arg::Text(c)]).await?;
    }
    let mut after = Frontiers::new();
    for (tenant, (start, next, _)) in &heads {
        if next > start {
            tx.exec("UPDATE ledger_heads SET size = $1 WHERE tenant_id = $2", &[Arg::Int(*next), Arg::Text(tenant)]).await?;
        }
        let nodes = frontier(*next as u64).into_iter().filter_map(|k| Some((k, *cache.get(&(tenant.clone(), k.0, k.1))?))).collect();
        after.insert(tenant.clone(), nodes);
    }
    Ok(Some((results, after)))
}
