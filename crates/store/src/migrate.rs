//! Migrations for both backends, embedded; applied at start and by `chengguan migrate`.
//! Never edit a migration that has landed: add a new one.

use crate::{Backend, Result, Store};
use sqlx::Row as _;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Migrations are written once, in SQL both databases accept. The one dialect difference we use:
/// every integer column is 64-bit — SQLite's INTEGER already is, PostgreSQL gets BIGINT.
fn for_backend(sql: &str, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => sql.to_owned(),
        Backend::Postgres => sql.replace(" INTEGER", " BIGINT"),
    }
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 20261122000001, name: "foundation", sql: include_str!("../migrations/20261122000001_foundation.sql") },
    Migration { version: 20261122000002, name: "ledger_tree", sql: include_str!("../migrations/20261122000002_ledger_tree.sql") },
    Migration { version: 20261122000003, name: "evidence", sql: include_str!("../migrations/20261122000003_evidence.sql") },
    Migration { version: 20261122000004, name: "rule_overrides", sql: include_str!("../migrations/20261122000004_rule_overrides.sql") },
    Migration { version: 20261122000005, name: "ledger_personal", sql: include_str!("../migrations/20261122000005_ledger_personal.sql") },
    Migration { version: 20261122000006, name: "power_list", sql: include_str!("../migrations/20261122000006_power_list.sql") },
    Migration { version: 20261123000007, name: "cases", sql: include_str!("../migrations/20261123000007_cases.sql") },
    Migration { version: 20261123000008, name: "payments", sql: include_str!("../migrations/20261123000008_payments.sql") },
    Migration { version: 20261123000009, name: "orders", sql: include_str!("../migrations/20261123000009_orders.sql") },
];

impl Store {
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let _guard = self.write_lock.lock().await;
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .execute(&self.pool)
            .await?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = self.pool.begin().await?;
            if self.backend == Backend::Postgres {
                // Two servers starting at once must not both migrate.
                sqlx::query("SELECT pg_advisory_xact_lock(7262010)").execute(&mut *tx).await?;
            }
            let done = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1").bind(m.version).fetch_optional(&mut *tx).await?.is_some();
            if done {
                continue;
            }
            let sql = for_backend(m.sql, self.backend);
            // Comment lines go first, so a ';' inside a comment cannot split a statement.
            let code: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
            for stmt in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                sqlx::query(stmt).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(chrono::Utc::now().to_rfc3339())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            applied.push(m.version);
        }
        drop(_guard);
        if applied.contains(&20261122000002) {
            // Logs written before the tree existed get their nodes from their stored leaves.
            for t in self.tenants().await? {
                self.rebuild_tree(&t.id).await?;
            }
        }
        Ok(applied)
    }
}

pub(crate) async fn current(store: &Store) -> Result<bool> {
    let rows = sqlx::query("SELECT version FROM schema_migrations").fetch_all(&store.pool).await?;
    let have: Vec<i64> = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<std::result::Result<_, _>>()?;
    Ok(MIGRATIONS.iter().all(|m| have.contains(&m.version)))
}
