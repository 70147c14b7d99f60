//! The few statements the group-commit writer runs, over either of two connections:
//!
//! - PostgreSQL (and an in-memory SQLite database) through the sqlx pool, like every read;
//! - a SQLite file through a native `rusqlite` connection owned by one OS thread.
//!
//! Why the second: sqlx runs each SQLite connection on a worker thread and hands every statement
//! and row across a channel. A batch is ~20–40 statements in sequence; on 2 busy cores each hop
//! waited for the scheduler (0.3–1 ms), so the writer's batch cycle, not the CPU, bounded
//! throughput (docs/performance.md "The writer on a native connection"). On its own thread the
//! batch runs its statements back to back. The writer's logic is written once over [`WriteTx`].

use crate::schema::Ty;
use crate::StoreError;
use chengguan_domain::Value;
use sqlx::{Any, AnyPool, Row as _, Transaction};

/// A statement argument. Nulls carry their column type: PostgreSQL infers parameter types.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    Null(Ty),
}

/// Why a statement failed: a uniqueness rule of the schema (a refusal of the command), or a
/// fault of the database (the batch fails).
pub(crate) enum Fault {
    Unique(String),
    Db(StoreError),
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        Fault::Db(e)
    }
}

impl From<Fault> for StoreError {
    fn from(f: Fault) -> Self {
        match f {
            Fault::Unique(m) => StoreError::Conflict(m),
            Fault::Db(e) => e,
        }
    }
}

/// One transaction of the writer. `begin` starts it; `commit` or `rollback` ends it.
#[allow(async_fn_in_trait)] // used by the writer only, on concrete types
pub(crate) trait WriteTx {
    async fn begin(&mut self) -> Result<(), Fault>;
    async fn commit(&mut self) -> Result<(), Fault>;
    async fn rollback(&mut self) -> Result<(), Fault>;
    async fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<(), Fault>;
    /// The rows of a query, each value decoded as `types` says.
    async fn rows(&mut self, sql: &str, args: &[Arg<'_>], types: &[Ty]) -> Result<Vec<Vec<Value>>, Fault>;
}

/// The writer's transaction through the sqlx pool.
pub(crate) struct SqlxTx {
    pool: AnyPool,
    tx: Option<Transaction<'static, Any>>,
}

impl SqlxTx {
    pub(crate) fn new(pool: AnyPool) -> Self {
        SqlxTx { pool, tx: None }
    }

    fn open(&mut self) -> Result<&mut Transaction<'static, Any>, Fault> {
        self.tx.as_mut().ok_or_else(|| Fault::Db(StoreError::Corrupt("no transaction is open".into())))
    }
}

fn sqlx_fault(e: sqlx::Error) -> Fault {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Fault::Unique(d.message().to_owned()),
        _ => Fault::Db(e.into()),
    }
}

fn bind<'q>(mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>, args: &[Arg<'q>]) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match *a {
            Arg::Int(i) => q.bind(i),
            Arg::Text(s) => q.bind(s),
            Arg::Null(Ty::Int) => q.bind(Option::<i64>::None),
            Arg::Null(Ty::Text) => q.bind(Option::<String>::None),
        };
    }
    q
}

impl WriteTx for SqlxTx {
    async fn begin(&mut self) -> Result<(), Fault> {
        self.tx = Some(self.pool.begin().await.map_err(sqlx_fault)?);
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), Fault> {
        match self.tx.take() {
            Some(tx) => tx.commit().await.map_err(sqlx_fault),
            None => Err(Fault::Db(StoreError::Corrupt("no transaction is open".into()))),
        }
    }

    async fn rollback(&mut self) -> Result<(), Fault> {
        match self.tx.take() {
            Some(tx) => tx.rollback().await.map_err(sqlx_fault),
            None => Ok(()),
        }
    }

    async fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<(), Fault> {
        let tx = self.open()?;
        bind(sqlx::query(sql), args).execute(&mut **tx).await.map_err(sqlx_fault)?;
        Ok(())
    }

    async fn rows(&mut self, sql: &str, args: &[Arg<'_>], types: &[Ty]) -> Result<Vec<Vec<Value>>, Fault> {
        let tx = self.open()?;
        let rows = bind(sqlx::query(sql), args).fetch_all(&mut **tx).await.map_err(sqlx_fault)?;
        rows.iter()
            .map(|r| {
                types
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| {
                        Ok(match ty {
                            Ty::Int => r.try_get::<Option<i64>, _>(i).map_err(sqlx_fault)?.map(Value::Int).unwrap_or(Value::Null),
                            Ty::Text => r.try_get::<Option<String>, _>(i).map_err(sqlx_fault)?.map(Value::Text).unwrap_or(Value::Null),
                        })
                    })
                    .collect()
            })
            .collect()
    }
}

/// The writer's transaction on a native SQLite connection (used on the writer's own thread).
pub(crate) struct NativeTx {
    conn: rusqlite::Connection,
}

impl NativeTx {
    /// Open the database file with the pool's settings (see `Store::connect_with`).
    pub(crate) fn open(path: &str) -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open(path).map_err(native)?;
        // WAL: readers never block the writer. synchronous=FULL: a commit survives power loss.
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;").map_err(native)?;
        // Every shape of statement the writer makes (tables × group sizes) stays prepared.
        conn.set_prepared_statement_cache_capacity(512);
        Ok(NativeTx { conn })
    }

    fn params<'a>(args: &'a [Arg<'a>]) -> impl Iterator<Item = rusqlite::types::ToSqlOutput<'a>> + 'a {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        args.iter().map(|a| match *a {
            Arg::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
            Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Arg::Null(_) => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }

    fn run(&mut self, sql: &str) -> Result<(), Fault> {
        self.conn.execute_batch(sql).map_err(native_fault)
    }
}

fn native(e: rusqlite::Error) -> StoreError {
    StoreError::Native(e.to_string())
}

fn native_fault(e: rusqlite::Error) -> Fault {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Fault::Unique(msg.clone().unwrap_or_else(|| e.to_string()))
        }
        _ => Fault::Db(native(e)),
    }
}

/// SQLite numbers parameters `?NNN`; the writer's SQL uses PostgreSQL's `$N`, which SQLite also
/// accepts as a named parameter, bound by position in order of first appearance — the writer's
/// statements always number them in order.
impl WriteTx for NativeTx {
    async fn begin(&mut self) -> Result<(), Fault> {
        // IMMEDIATE: take the write lock now, not at the first write (no upgrade deadlock).
        self.run("BEGIN IMMEDIATE")
    }

    async fn commit(&mut self) -> Result<(), Fault> {
        self.run("COMMIT")
    }

    async fn rollback(&mut self) -> Result<(), Fault> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.run("ROLLBACK")
    }

    async fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<(), Fault> {
        let mut st = self.conn.prepare_cached(sql).map_err(native_fault)?;
        st.execute(rusqlite::params_from_iter(Self::params(args))).map_err(native_fault)?;
        Ok(())
    }

    async fn rows(&mut self, sql: &str, args: &[Arg<'_>], types: &[Ty]) -> Result<Vec<Vec<Value>>, Fault> {
        native_rows(&self.conn, sql, args, types)
    }
}

/// The rows of a query on a native connection, each value decoded as `types` says.
fn native_rows(conn: &rusqlite::Connection, sql: &str, args: &[Arg<'_>], types: &[Ty]) -> Result<Vec<Vec<Value>>, Fault> {
    let mut st = conn.prepare_cached(sql).map_err(native_fault)?;
    let mut rows = st.query(rusqlite::params_from_iter(NativeTx::params(args))).map_err(native_fault)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(native_fault)? {
        let mut vals = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            vals.push(match ty {
                Ty::Int => r.get::<_, Option<i64>>(i).map_err(native_fault)?.map(Value::Int).unwrap_or(Value::Null),
                Ty::Text => r.get::<_, Option<String>>(i).map_err(native_fault)?.map(Value::Text).unwrap_or(Value::Null),
            });
        }
        out.push(vals);
    }
    Ok(out)
}

/// Native read connections to a SQLite file, for point reads by key on the request path (a case
/// row per case command): the statement runs on the calling thread, with no hop to a sqlx worker
/// thread (which cost ~10 % of the samples at 1,800 commands/s). Only reads of one row by its key
/// come here, so the async worker is held for tens of microseconds; scans stay on the pool.
pub(crate) struct Readers {
    conns: Vec<std::sync::Mutex<rusqlite::Connection>>,
    next: std::sync::atomic::AtomicUsize,
}

/// Engineering setting: native read connections (one per core and a spare or two).
const READERS: usize = 4;

impl Readers {
    pub(crate) fn open(path: &str) -> Result<Readers, StoreError> {
        let conns = (0..READERS)
            .map(|_| {
                let conn = rusqlite::Connection::open(path).map_err(native)?;
                conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;").map_err(native)?;
                Ok(std::sync::Mutex::new(conn))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Readers { conns, next: Default::default() })
    }

    pub(crate) fn rows(&self, sql: &str, args: &[Arg<'_>], types: &[Ty]) -> Result<Vec<Vec<Value>>, StoreError> {
        let start = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // A free connection if there is one, else wait for the one in turn.
        let conn = (0..self.conns.len())
            .find_map(|i| self.conns[(start + i) % self.conns.len()].try_lock().ok())
            .unwrap_or_else(|| self.conns[start % self.conns.len()].lock().unwrap_or_else(|p| p.into_inner()));
        native_rows(&conn, sql, args, types).map_err(StoreError::from)
    }
}

/// Run a future that never waits (the native transaction's methods finish at once) to its end on
/// the current thread. No executor is needed: it is polled until ready, with a no-op waker.
pub(crate) fn finish<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        // Not reached with NativeTx: nothing in the writer awaits anything else.
        std::thread::yield_now();
    }
}
