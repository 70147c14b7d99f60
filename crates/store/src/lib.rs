//! Chengguan's persistence: one code base over SQLite (default, embedded) and PostgreSQL
//! (production), through sqlx's `Any` driver with portable SQL.
//!
//! Architecture invariant: the only way to change a domain table is [`Store::commit`], which
//! applies a domain [`Change`] (row after-images) and appends its ledger entry in the same
//! transaction. The pool is private; reads are typed functions.
#![forbid(unsafe_code)]

pub mod evidence;
mod migrate;
mod read;
mod schema;
pub mod testing;
mod tree;
mod verify;

pub use tree::Checkpoint;
pub use verify::{Broken, TenantReport};

pub use read::*;

use chengguan_domain::ledger::{payload_hash, Entry};
use chengguan_domain::{Change, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row as _};
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
    /// SQLite has one writer; serialising commits here avoids SQLITE_BUSY on lock upgrade.
    /// PostgreSQL serialises per tenant on the ledger head row instead (FOR UPDATE).
    write_lock: tokio::sync::Mutex<()>,
}

impl Store {
    /// Connect and apply pending migrations. `sqlite://path` creates the file (and its folder).
    pub async fn connect(url: &str) -> Result<Store> {
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
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA busy_timeout = 10000",
                            "PRAGMA foreign_keys = ON",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(&url).await?;
        let store = Store { pool, backend, write_lock: tokio::sync::Mutex::new(()) };
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
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        };
        let mut tx = self.pool.begin().await?;
        // Per-tenant head row: created once, then locked for the length of the transaction.
        sqlx::query("INSERT INTO ledger_heads (tenant_id, size) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING")
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        let head_sql = match self.backend {
            Backend::Sqlite => "SELECT size FROM ledger_heads WHERE tenant_id = $1",
            Backend::Postgres => "SELECT size FROM ledger_heads WHERE tenant_id = $1 FOR UPDATE",
        };
        let size: i64 = sqlx::query(head_sql).bind(tenant_id).fetch_one(&mut *tx).await?.try_get(0)?;

        for row in &change.rows {
            if row.text("tenant_id").is_some_and(|t| t != tenant_id)
                || (row.table == chengguan_domain::Table::Tenants && row.text("id") != Some(tenant_id))
            {
                return Err(StoreError::Corrupt(format!("a change for tenant {tenant_id} writes another tenant's row")));
            }
            schema::upsert(&mut tx, row).await.map_err(conflict)?;
        }

        let payload = serde_json::to_string(&change.rows).expect("rows serialise");
        let entry = Entry {
            seq: size as u64,
            time_ms: chrono::Utc::now().timestamp_millis(),
            actor: actor.to_owned(),
            action: change.action.clone(),
            subject: change.subject.clone(),
            payload_hash: payload_hash(payload.as_bytes()),
            file_hashes: change
                .files
                .iter()
                .map(|h| hex::decode(h).ok().and_then(|v| <[u8; 32]>::try_from(v).ok()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| StoreError::Corrupt("a file hash is not 32 bytes of hex".into()))?,
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
        .execute(&mut *tx)
        .await?;
        tree::append_nodes(&mut tx, tenant_id, size as u64, &leaf_hash).await?;
        sqlx::query("UPDATE ledger_heads SET size = $1 WHERE tenant_id = $2")
            .bind(size + 1)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Committed { seq: size as u64, leaf_hash: leaf })
    }

    /// Liveness of the database and whether every migration is applied.
    pub async fn ready(&self) -> Result<bool> {
        migrate::current(self).await
    }
}

fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(d.message().to_owned()),
        _ => e.into(),
    }
}

pub(crate) fn value_of(row: &AnyRow, col: &str, ty: schema::Ty) -> Result<Value> {
    Ok(match ty {
        schema::Ty::Int => row.try_get::<Option<i64>, _>(col)?.map(Value::Int).unwrap_or(Value::Null),
        schema::Ty::Text => row.try_get::<Option<String>, _>(col)?.map(Value::Text).unwrap_or(Value::Null),
    })
}
