//! Chengguan's persistence: one code base over SQLite (default, embedded) and PostgreSQL
//! (production), through sqlx's `Any` driver with portable SQL.
//!
//! Architecture invariant: the only way to change a domain table is [`Store::commit`], which
//! applies a domain [`Change`] (row after-images) and appends its ledger entry in the same
//! transaction. The pool is private; reads are typed functions.
#![forbid(unsafe_code)]

pub mod evidence;
mod exec;
mod migrate;
mod read;
mod schema;
pub mod testing;
mod tree;
mod verify;
mod writer;

pub use tree::Checkpoint;
pub use verify::{Broken, TenantReport};

pub use read::*;

use chengguan_domain::{Change, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row as _};
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    /// An error of the writer's native SQLite connection (see `exec.rs`).
    #[error("database error: {0}")]
    Native(String),
    /// Text no backend can hold alike (a NUL character): bad input, not a fault of the database.
    #[error("invalid text: {0}")]
    InvalidText(String),
    /// A uniqueness rule of the schema refused the write (e.g. a duplicate username).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("unsupported database URL: {0}")]
    BadUrl(String),
    /// The batch's transaction failed as a whole: nothing in it was committed.
    #[error("commit failed: {0}")]
    Commit(String),
    #[error("the store is closed")]
    Closed,
    /// A payload reused the commitment of an opening erased meanwhile (internal: `commit` seals
    /// the change anew and resubmits it).
    #[error("a reused personal-data commitment was erased meanwhile")]
    StaleOpening,
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // PostgreSQL refuses a NUL in any text parameter (22021), reads included.
        match &e {
            sqlx::Error::Database(d) if d.code().as_deref() == Some("22021") => StoreError::InvalidText(d.message().to_owned()),
            _ => StoreError::Db(e),
        }
    }
}

/// SQLite would store a NUL that PostgreSQL refuses: refuse it on both, before writing anything.
fn check_text(change: &Change, actor: &str) -> Result<()> {
    let texts = change.rows.iter().flat_map(|r| r.values.values()).filter_map(|v| match v {
        Value::Text(t) => Some(t.as_str()),
        _ => None,
    });
    match [actor, change.action.as_str(), change.subject.as_str()].into_iter().chain(texts).find(|t| t.contains('\0')) {
        Some(t) => Err(StoreError::InvalidText(format!("NUL character in {:?}", t.replace('\0', "\\0")))),
        None => Ok(()),
    }
}

/// What the ledger said about a committed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub seq: u64,
    pub leaf_hash: String,
}

pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Held by the group-commit writer for each batch, and by migrations and rebuilds.
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// The group-commit writer's queue (see `writer.rs`).
    writer: tokio::sync::mpsc::Sender<writer::Request>,
    /// Hash and signature algorithms for logs started by this store (existing logs keep theirs).
    algorithm: chengguan_domain::checkpoint::LogAlgorithm,
    /// Per tenant, how many committed changes of this process wrote reference tables
    /// (`Table::is_reference`): caches of reference data compare it to know they are current.
    generations: std::sync::Mutex<std::collections::HashMap<String, u64>>,
    /// How many committed changes of this process wrote sessions (login, logout, revocation):
    /// a cache of sessions compares it to know its entries are current.
    session_writes: std::sync::atomic::AtomicU64,
    /// Per tenant, per row (table, row key): the personal values this process last committed and
    /// their commitments, so an unchanged value keeps its commitment (`personal::seal_reusing`)
    /// instead of a new opening on every write of the row.
    openings: std::sync::Mutex<HashMap<String, OpeningsByRow>>,
    /// A SQLite file's path, and its native read connections once opened (after migrations).
    sqlite_path: Option<String>,
    readers: std::sync::OnceLock<Option<exec::Readers>>,
}

type OpeningsByRow = HashMap<(chengguan_domain::Table, String), Vec<(Value, String)>>;

/// Engineering settings: rows whose openings are remembered per tenant before the memory is
/// dropped, and values remembered per row.
const OPENINGS_ROWS: usize = 50_000;
const OPENINGS_PER_ROW: usize = 16;

impl Store {
    /// Connect and apply pending migrations. `sqlite://path` creates the file (and its folder).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, chengguan_domain::checkpoint::LogAlgorithm::default()).await
    }

    /// Connect; new tenants' logs use `algorithm` (SHA-256 + Ed25519, or SM3 + SM2).
    pub async fn connect_with(url: &str, algorithm: chengguan_domain::checkpoint::LogAlgorithm) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        let url = if backend == Backend::Sqlite {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            if path != ":memory:" {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
                    }
                }
            }
            format!("sqlite://{path}?mode=rwc")
        } else {
            url.to_owned()
        };
        let opts = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never block the writer. synchronous=FULL: a commit
                        // survives power loss, not only a process crash (docs/ARCHITECTURE).
                        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000", "PRAGMA foreign_keys = ON"] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    } else if let Err(e) = sqlx::query("SET default_toast_compression = 'lz4'").execute(&mut *conn).await {
                        // Case rows and ledger payloads are large JSON texts: pglz compressing
                        // them was the PostgreSQL server's top cost (docs/performance.md). A
                        // server built without lz4 keeps pglz.
                        tracing::warn!(error = %e, "lz4 TOAST compression unavailable; PostgreSQL keeps pglz");
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(&url).await?;
        let write_lock = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        // A SQLite file gets the writer's native connection; an in-memory database exists only
        // on the pool's connection, and PostgreSQL goes through the pool.
        let sqlite_path = sqlite_file(backend, &url);
        let conn = match &sqlite_path {
            Some(path) => writer::Conn::Native(path.clone()),
            None => writer::Conn::Pool(pool.clone()),
        };
        let writer = writer::spawn(conn, backend, write_lock.clone(), algorithm)?;
        let store = Store {
            pool,
            backend,
            write_lock,
            writer,
            algorithm,
            generations: Default::default(),
            session_writes: Default::default(),
            openings: Default::default(),
            sqlite_path,
            readers: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await
    }

    /// The single write path: apply `change`'s after-images and append its ledger entry in one
    /// transaction. Returns the entry's position once the transaction has committed.
    pub async fn commit(&self, tenant_id: &str, actor: &str, change: &Change) -> Result<Committed> {
        check_text(change, actor)?;
        for row in &change.rows {
            if row.text("tenant_id").is_some_and(|t| t != tenant_id) || (row.table == chengguan_domain::Table::Tenants && row.text("id") != Some(tenant_id)) {
                return Err(StoreError::Corrupt(format!("a change for tenant {tenant_id} writes another tenant's row")));
            }
        }
        let files = change
            .files
            .iter()
            .map(|h| hex::decode(h).ok().and_then(|v| <[u8; 32]>::try_from(v).ok()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| StoreError::Corrupt("a file hash is not 32 bytes of hex".into()))?;
        let mut reuse = true;
        let committed = loop {
            let sealed = {
                let memo = self.openings.lock().expect("not poisoned");
                let rows = memo.get(tenant_id).filter(|_| reuse);
                writer::Sealed::of(change, |table, key, v| rows?.get(&(table, key.to_owned()))?.iter().find(|(x, _)| x == v).map(|(_, c)| c.clone()))
            };
            let (reply, answer) = tokio::sync::oneshot::channel();
            let openings = sealed.openings.clone();
            let req = writer::Request { tenant_id: tenant_id.to_owned(), actor: actor.to_owned(), change: change.clone(), files: files.clone(), sealed, reply };
            self.writer.send(req).await.map_err(|_| StoreError::Closed)?;
            match answer.await.map_err(|_| StoreError::Closed)? {
                Ok(c) => {
                    self.remember(tenant_id, change, openings);
                    break c;
                }
                Err(StoreError::StaleOpening) if reuse => {
                    self.openings.lock().expect("not poisoned").remove(tenant_id);
                    reuse = false;
                }
                Err(e) => return Err(e),
            }
        };
        if change.rows.iter().any(|r| r.table.is_reference()) {
            *self.generations.lock().expect("not poisoned").entry(tenant_id.to_owned()).or_default() += 1;
        }
        if change.rows.iter().any(|r| r.table == chengguan_domain::Table::Sessions) {
            self.session_writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(committed)
    }

    /// After a commit: remember its new openings; an erasure makes the tenant's memory void.
    fn remember(&self, tenant_id: &str, change: &Change, openings: Vec<chengguan_domain::personal::Opening>) {
        let mut memo = self.openings.lock().expect("not poisoned");
        if !change.erase.is_empty() {
            memo.remove(tenant_id);
            return;
        }
        let rows = memo.entry(tenant_id.to_owned()).or_default();
        if rows.len() > OPENINGS_ROWS {
            rows.clear();
        }
        for o in openings {
            let values = rows.entry((o.table, o.row_key)).or_default();
            if values.len() >= OPENINGS_PER_ROW {
                values.remove(0);
            }
            values.push((o.value, o.commitment));
        }
    }

    /// The native read connections of a SQLite file (opened at the first read: after the
    /// migrations); `None` for PostgreSQL and in-memory databases, or if they cannot be opened.
    pub(crate) fn readers(&self) -> Option<&exec::Readers> {
        self.readers
            .get_or_init(|| {
                let path = self.sqlite_path.as_deref()?;
                exec::Readers::open(path).map_err(|e| tracing::warn!(error = %e, "native readers unavailable; reads use the pool")).ok()
            })
            .as_ref()
    }

    /// The tenant's reference-data generation in this process (see `generations`). Read it before
    /// loading the data a cache keeps, so a write committed meanwhile makes the entry stale.
    pub fn reference_generation(&self, tenant_id: &str) -> u64 {
        self.generations.lock().expect("not poisoned").get(tenant_id).copied().unwrap_or(0)
    }

    /// The sessions generation in this process (see `session_writes`). Read it before reading a
    /// session a cache keeps.
    pub fn session_generation(&self) -> u64 {
        self.session_writes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Liveness of the database and whether every migration is applied.
    pub async fn ready(&self) -> Result<bool> {
        migrate::current(self).await
    }
}

/// The file of a SQLite URL (`sqlite://path?mode=rwc`), unless the database is in memory.
fn sqlite_file(backend: Backend, url: &str) -> Option<String> {
    let path = url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default();
    (backend == Backend::Sqlite && !path.is_empty() && path != ":memory:" && !url.contains("mode=memory")).then(|| path.to_owned())
}

pub(crate) fn value_of(row: &AnyRow, col: &str, ty: schema::Ty) -> Result<Value> {
    Ok(match ty {
        schema::Ty::Int => row.try_get::<Option<i64>, _>(col)?.map(Value::Int).unwrap_or(Value::Null),
        schema::Ty::Text => row.try_get::<Option<String>, _>(col)?.map(Value::Text).unwrap_or(Value::Null),
    })
}
