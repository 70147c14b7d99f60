//! Ledger benchmark (a load script, not a test): durable appends per second through the
//! group-commit write path, `verify` throughput, inclusion-proof time from the store, and
//! inclusion-proof time on a synthetic tree of 10^8 leaves.
//!
//!   cargo run --release -p chengguan-store --example ledger_bench -- [ENTRIES] [WRITERS]
//!   TEST_DATABASE_URL=postgres://…/postgres cargo run --release -p chengguan-store --example ledger_bench -- 100000 256
//!
//! Figures go to stdout as Markdown table rows for docs/performance.md.

use chengguan_domain::merkle::{self, Algorithm, Hash, Nodes, Sha256Alg};
use chengguan_domain::{Change, Row, Table};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Perfect-subtree hashes made up from their position: a stand-in for a stored tree of any size
/// (the proof code asks the same O(log n) look-ups of it as of a real one).
struct Synthetic;
impl Nodes for Synthetic {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        Sha256Alg::hash(&[&level.to_be_bytes(), &index.to_be_bytes()])
    }
}

fn person(i: u64) -> Change {
    let id = format!("p-{i:09}");
    Change::new("person.create", format!("person/{id}")).row(
        Row::new(Table::People)
            .set("tenant_id", "t-bench")
            .set("id", id.as_str())
            .set("org_unit_id", "u-team-01")
            .set("name", "张三")
            .set("gender", "male")
            .set("id_number", Option::<String>::None)
            .set("phone", "13800000000")
            .set("staffing", "public_institution")
            .set("posts", "sanitation")
            .set("frontline", true)
            .set("status", "active")
            .set("joined_on", "2020-01-01"),
    )
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let entries: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let writers: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(256);
    let (store, url) = chengguan_store::testing::fresh_store_with_url().await;
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let store = Arc::new(store);
    store
        .commit(
            "t-bench",
            "system",
            &Change::new("tenant.create", "tenant/t-bench").row(Row::new(Table::Tenants).set("id", "t-bench").set("code", "bench").set("name", "基准")),
        )
        .await
        .unwrap();

    // Appends: W concurrent writers, each command durable and acknowledged after its commit.
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..writers {
        let (store, next) = (store.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= entries {
                    return lat;
                }
                let t = Instant::now();
                store.commit("t-bench", "bench", &person(i)).await.unwrap();
                lat.push(t.elapsed());
            }
        }));
    }
    let mut lat: Vec<Duration> = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "| {backend} | durable appends, {writers} concurrent writers, {entries} entries | {:.0} entries/s | p50 {:.1} ms, p99 {:.1} ms |",
        entries as f64 / secs,
        p(0.5),
        p(0.99)
    );

    // verify: every leaf, node, payload and row recomputed and compared.
    let t = Instant::now();
    let r = store.verify_tenant("t-bench", None, None).await.unwrap().unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "| {backend} | `verify` of the log ({} entries, replay and compare included) | {:.0} entries/s | {:.2} s |",
        r.entries,
        r.entries as f64 / secs,
        secs
    );

    // The hash-bound part of verify alone: recompute leaves and the tree.
    let rows = store.ledger_range("t-bench", 0, i64::MAX).await.unwrap();
    let t = Instant::now();
    let mut tree = merkle::MemTree::new();
    for e in &rows {
        tree.push::<Sha256Alg>(e.entry().unwrap().leaf_hash());
    }
    let secs = t.elapsed().as_secs_f64();
    println!("| {backend} | leaf + tree recomputation only ({} entries, in memory) | {:.0} entries/s | |", rows.len(), rows.len() as f64 / secs);

    // Inclusion proofs served from the store.
    let size = r.entries;
    let n = 1000;
    let t = Instant::now();
    for k in 0..n {
        store.inclusion_proof("t-bench", (k * 7919) % size, size).await.unwrap();
    }
    println!("| {backend} | inclusion proof from the store at {size} entries | {:.3} ms each | {n} proofs |", t.elapsed().as_secs_f64() * 1000.0 / n as f64);

    // Synthetic tree of 10^8 leaves: proof generation + verification. The made-up inner nodes are
    // not hashes of their children, so each proof is verified against the root it implies (the
    // work — ~27 look-ups and ~27 hashes — is the same as against a real tree).
    let big: u64 = 100_000_000;
    let n = 20_000u64;
    let t = Instant::now();
    for k in 0..n {
        let i = (k * 2_654_435_761) % big;
        let leaf = Synthetic.perfect(0, i);
        let proof = merkle::inclusion_proof::<Sha256Alg, _>(&Synthetic, i, big).unwrap();
        let root = merkle::root_from_inclusion::<Sha256Alg>(i, big, &leaf, &proof).unwrap();
        assert!(merkle::verify_inclusion::<Sha256Alg>(i, big, &leaf, &proof, &root));
    }
    println!(
        "| in memory | inclusion proof at 10^8 entries (synthetic leaf-hash tree), generate + verify | {:.1} µs each | {n} proofs |",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
