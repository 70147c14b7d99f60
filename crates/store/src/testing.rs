//! Test support: a fresh store on the backend the environment selects.
//!
//! `TEST_DATABASE_URL=postgres://…/postgres` runs the suite on PostgreSQL, each test in a new
//! database of its own; otherwise each test gets a new SQLite file. Under CI with
//! `CHENGGUAN_TEST_BACKEND=postgres`, a missing `TEST_DATABASE_URL` is a failure, never a skip.

use crate::Store;

pub async fn fresh_store() -> Store {
    fresh_store_with_url().await.0
}

/// A new, migrated, empty store and the URL it lives at (for spawning a server on it).
pub async fn fresh_store_with_url() -> (Store, String) {
    let url = fresh_database_url().await;
    let store = Store::connect_with(&url, algorithm()).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
    (store, url)
}

/// The record's algorithms for this test run: `CHENGGUAN_TEST_LEDGER_ALG=sm3` runs the suites with
/// SM3 + SM2 (national algorithms), otherwise SHA-256 + Ed25519.
pub fn algorithm() -> chengguan_domain::checkpoint::LogAlgorithm {
    match std::env::var("CHENGGUAN_TEST_LEDGER_ALG") {
        Ok(a) if !a.is_empty() => chengguan_domain::checkpoint::LogAlgorithm::parse(&a).expect("CHENGGUAN_TEST_LEDGER_ALG is sha256 or sm3"),
        _ => Default::default(),
    }
}

/// A checkpoint signer of the run's algorithm from a fixed seed.
pub fn signer(name: &str, seed: &[u8; 32]) -> chengguan_domain::checkpoint::Signer {
    algorithm().signer_from_seed(name, seed).expect("a valid test seed")
}

pub async fn fresh_database_url() -> String {
    let wants_pg = std::env::var("CHENGGUAN_TEST_BACKEND").is_ok_and(|b| b == "postgres");
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("cg_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            conn.close().await.ok();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            let query = admin.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
            format!("{base}/{name}{query}")
        }
        _ => {
            assert!(!wants_pg, "CHENGGUAN_TEST_BACKEND=postgres but TEST_DATABASE_URL is not set: refusing to fall back to SQLite");
            let dir = std::env::temp_dir().join("chengguan-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/{}.db", dir.display(), uuid::Uuid::now_v7().simple())
        }
    }
}

/// Run SQL on the database directly, outside the store and its write path — for tests that
/// tamper with the tables and expect `verify` to notice.
pub async fn tamper(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite://") && !url.contains('?') { format!("{url}?mode=rw") } else { url.to_owned() };
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("tamper: connect");
    // Several statements may be given, separated by ';' (e.g. a swap through a temporary value).
    for stmt in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let r = sqlx::query(stmt).execute(&mut conn).await.unwrap_or_else(|e| panic!("tamper {stmt}: {e}"));
        assert!(r.rows_affected() > 0, "tamper changed nothing: {stmt}");
    }
    conn.close().await.ok();
}
