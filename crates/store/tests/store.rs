//! The store suite. Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.

use chengguan_domain::org::{OrgKind, OrgUnit};
use chengguan_domain::{Change, Row, Table};
use chengguan_store::testing::fresh_store;
use chengguan_store::StoreError;
use std::sync::Arc;

fn tenant_change(id: &str, code: &str) -> Change {
    Change::new("tenant.create", format!("tenant/{id}")).row(Row::new(Table::Tenants).set("id", id).set("code", code).set("name", "测试市"))
}

fn unit(tenant: &str, id: &str, code: &str) -> OrgUnit {
    OrgUnit {
        tenant_id: tenant.into(),
        id: id.into(),
        code: code.into(),
        name: "江汉区城市管理执法局".into(),
        kind: OrgKind::Bureau,
        admin_parent_id: None,
        guidance_parent_id: None,
        enforcement_subject: true,
        population: None,
        active: true,
    }
}

#[tokio::test]
async fn commit_writes_rows_and_one_ledger_entry_together() {
    let s = fresh_store().await;
    let c = s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    assert_eq!(c.seq, 0);
    let u = unit("t1", "u1", "B");
    let c = s.commit("t1", "system", &Change::new("org_unit.create", "org_unit/u1").row(u.to_row())).await.unwrap();
    assert_eq!(c.seq, 1);
    assert_eq!(s.org_units("t1").await.unwrap(), vec![u.clone()]);
    let entries = s.ledger_entries("t1", i64::MAX, 10, None).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].action, "org_unit.create");
    // The payload holds the after-image, so the record alone can rebuild the row.
    let payload: chengguan_domain::Payload = serde_json::from_str(&entries[0].payload).unwrap();
    assert_eq!(payload.rows, vec![u.to_row()]);
    assert_eq!(s.table_rows("t1", Table::OrgUnits).await.unwrap(), vec![u.to_row()]);
}

#[tokio::test]
async fn a_refused_write_leaves_neither_state_nor_record() {
    let s = fresh_store().await;
    s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    s.commit("t1", "system", &Change::new("org_unit.create", "org_unit/u1").row(unit("t1", "u1", "B").to_row())).await.unwrap();
    // Same code, different id: the unique index refuses; the first row of the change must not stay.
    let change = Change::new("org_unit.create", "x").row(unit("t1", "u2", "C").to_row()).row(unit("t1", "u3", "B").to_row());
    let err = s.commit("t1", "system", &change).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(s.org_units("t1").await.unwrap().len(), 1);
    assert_eq!(s.ledger_size("t1").await.unwrap(), 2);
}

#[tokio::test]
async fn a_change_cannot_write_another_tenants_rows() {
    let s = fresh_store().await;
    s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    let err = s.commit("t1", "system", &Change::new("x", "y").row(unit("t2", "u1", "B").to_row())).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)));
    assert!(s.org_units("t2").await.unwrap().is_empty());
    assert_eq!(s.ledger_size("t1").await.unwrap(), 1);
}

#[tokio::test]
async fn ledgers_are_per_tenant_and_gapless_under_concurrent_writers() {
    let s = Arc::new(fresh_store().await);
    s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    s.commit("t2", "system", &tenant_change("t2", "two")).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let t = if i % 2 == 0 { "t1" } else { "t2" };
            let u = unit(t, &format!("u{i}"), &format!("C{i}"));
            s.commit(t, "system", &Change::new("org_unit.create", format!("org_unit/u{i}")).row(u.to_row())).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for t in ["t1", "t2"] {
        let mut seqs: Vec<i64> = s.ledger_entries(t, i64::MAX, 100, None).await.unwrap().iter().map(|e| e.seq).collect();
        seqs.sort();
        assert_eq!(seqs, (0..21).collect::<Vec<_>>(), "tenant {t}");
        assert_eq!(s.ledger_size(t).await.unwrap(), 21);
    }
}

/// Two processes on one database (here two stores on one URL): each writer keeps the tree's
/// frontier between its batches while the other appends; the log stays gapless and its tree
/// right (`verify` recomputes it).
#[tokio::test]
async fn two_writers_on_one_database_keep_one_correct_log() {
    let (a, url) = chengguan_store::testing::fresh_store_with_url().await;
    let b = chengguan_store::Store::connect_with(&url, chengguan_store::testing::algorithm()).await.unwrap();
    a.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    let (a, b) = (Arc::new(a), Arc::new(b));
    // Alternating, then concurrent: sizes 1..=60 each seen by a writer whose last batch was older.
    for i in 0..20 {
        let s = if i % 2 == 0 { &a } else { &b };
        let u = unit("t1", &format!("u{i}"), &format!("C{i}"));
        s.commit("t1", "system", &Change::new("org_unit.create", format!("org_unit/u{i}")).row(u.to_row())).await.unwrap();
    }
    let mut tasks = Vec::new();
    for i in 20..60 {
        let s = if i % 3 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let u = unit("t1", &format!("u{i}"), &format!("C{i}"));
            s.commit("t1", "system", &Change::new("org_unit.create", format!("org_unit/u{i}")).row(u.to_row())).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(a.ledger_size("t1").await.unwrap(), 61);
    let report = a.verify_tenant("t1", None, None).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    let mut seqs: Vec<i64> = b.ledger_entries("t1", i64::MAX, 100, None).await.unwrap().iter().map(|e| e.seq).collect();
    seqs.sort();
    assert_eq!(seqs, (0..61).collect::<Vec<_>>());
}

#[tokio::test]
async fn migrations_are_idempotent_and_current() {
    let s = fresh_store().await;
    assert!(s.migrate().await.unwrap().is_empty());
    assert!(s.ready().await.unwrap());
}

#[tokio::test]
async fn the_tree_grows_in_each_commit_and_its_proofs_verify() {
    use chengguan_domain::checkpoint::LogAlgorithm;
    use chengguan_domain::merkle::{Sha256Alg, Sm3Alg};
    // The same test for either algorithm of the run (CHENGGUAN_TEST_LEDGER_ALG).
    match chengguan_store::testing::algorithm() {
        LogAlgorithm::Sha256Ed25519 => tree_test::<Sha256Alg>().await,
        LogAlgorithm::Sm3Sm2 => tree_test::<Sm3Alg>().await,
    }
}

async fn tree_test<A: chengguan_domain::merkle::Algorithm>() {
    use chengguan_domain::merkle::{self, MemTree};
    let s = fresh_store().await;
    s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    for i in 0..37 {
        let u = unit("t1", &format!("u{i}"), &format!("C{i}"));
        s.commit("t1", "system", &Change::new("org_unit.create", format!("org_unit/u{i}")).row(u.to_row())).await.unwrap();
    }
    assert_eq!(s.log_algorithm("t1").await.unwrap().code(), A::NAME, "the log records its algorithm");
    let entries = s.ledger_range("t1", 0, 1000).await.unwrap();
    assert_eq!(entries.len(), 38);
    let mut mem = MemTree::new();
    for e in &entries {
        // The leaf is recomputed from the entry's fields, not copied from the stored column.
        let leaf = A::leaf(&e.entry().unwrap().encode());
        assert_eq!(hex::encode(leaf), e.leaf_hash);
        mem.push::<A>(leaf);
    }
    let (size, root) = s.tree_head("t1").await.unwrap();
    assert_eq!(size, 38);
    assert_eq!(root, merkle::root::<A, _>(&mem, 38));
    for seq in [0u64, 17, 37] {
        let p = s.inclusion_proof("t1", seq, 38).await.unwrap();
        assert!(merkle::verify_inclusion::<A>(seq, 38, &merkle::Nodes::perfect(&mem, 0, seq), &p, &root));
    }
    let r20 = s.root_at("t1", 20).await.unwrap();
    let p = s.consistency_proof("t1", 20, 38).await.unwrap();
    assert!(merkle::verify_consistency::<A>(20, 38, &r20, &root, &p));
    // Rebuilding from stored leaves gives the same tree.
    s.rebuild_tree("t1").await.unwrap();
    assert_eq!(s.tree_head("t1").await.unwrap().1, root);
}

#[tokio::test]
async fn in_a_group_commit_a_refused_change_fails_alone() {
    let s = Arc::new(fresh_store().await);
    s.commit("t1", "system", &tenant_change("t1", "one")).await.unwrap();
    s.commit("t1", "system", &Change::new("org_unit.create", "org_unit/u0").row(unit("t1", "u0", "DUP").to_row())).await.unwrap();
    let mut tasks = Vec::new();
    for i in 1..=60 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            // Every tenth change reuses the unique code "DUP" and must be refused on its own.
            let code = if i % 10 == 0 { "DUP".to_owned() } else { format!("C{i}") };
            let u = unit("t1", &format!("u{i}"), &code);
            s.commit("t1", "system", &Change::new("org_unit.create", format!("org_unit/u{i}")).row(u.to_row())).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 54);
    assert_eq!(s.org_units("t1").await.unwrap().len(), 55);
    let mut seqs: Vec<i64> = s.ledger_entries("t1", i64::MAX, 100, None).await.unwrap().iter().map(|e| e.seq).collect();
    seqs.sort();
    assert_eq!(seqs, (0..56).collect::<Vec<_>>(), "gapless: refused changes left no entry");
}
