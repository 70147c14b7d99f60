//! Cases and their tables in the store: expectations (optimistic concurrency, gapless document
//! numbers), reads, replay/verify of the new tables and sealing of a case party's personal data.
//! Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.

use chengguan_domain::{Change, Row, Table, Value};
use chengguan_store::testing::{fresh_store, fresh_store_with_url, tamper};
use chengguan_store::{CaseFilter, Store, StoreError};
use std::sync::Arc;

const T: &str = "t1";
const NONE: Option<String> = None;

async fn store() -> Store {
    let s = fresh_store().await;
    tenant(&s).await;
    s
}

async fn tenant(s: &Store) {
    let row = Row::new(Table::Tenants).set("id", T).set("code", "one").set("name", "测试市");
    s.commit(T, "system", &Change::new("tenant.create", "tenant/t1").row(row)).await.unwrap();
}

fn case(id: &str, version: i64) -> Row {
    Row::new(Table::Cases)
        .set("tenant_id", T)
        .set("id", id)
        .set("version", version)
        .set("unit_id", "u1")
        .set("subject_unit_id", "u0")
        .set("state", "filed")
        .set("procedure", "general")
        .set("source", "inspection")
        .set("cause_code", "C-001")
        .set("title", format!("案件{id}"))
        .set("party_kind", "person")
        .set("party_name", "王五")
        .set("party_id_number", "420102199001011234")
        .set("party_phone", "13700000000")
        .set("party_address", "武汉市江汉区某路1号")
        .set("party_representative", NONE)
        .set("informant_name", NONE)
        .set("informant_unit", NONE)
        .set("informant_address", NONE)
        .set("informant_phone", NONE)
        .set("handler_ids", ",p-1,p-2,")
        .set("lead_on", "2026-01-05")
        .set("filed_on", "2026-01-06")
        .set("decided_on", NONE)
        .set("served_on", NONE)
        .set("major", false)
        .set("created_at", "2026-01-05T01:00:00Z")
        .set("updated_at", format!("2026-01-05T01:00:{:02}Z", version))
        .set("data", "{}")
}

fn act(case_id: &str, n: i64) -> Row {
    Row::new(Table::CaseActs)
        .set("tenant_id", T)
        .set("id", format!("{case_id}-a{n}"))
        .set("case_id", case_id)
        .set("n", n)
        .set("kind", "file")
        .set("actor_account", "a1")
        .set("actor_person", "p-1")
        .set("at", "2026-01-06T02:00:00Z")
        .set("data", "{}")
        .set("files", "")
}

fn deadline(id: &str, case_id: &str, due: &str, warning: &str) -> Row {
    Row::new(Table::CaseDeadlines)
        .set("tenant_id", T)
        .set("id", id)
        .set("case_id", case_id)
        .set("unit_id", "u1")
        .set("rule", "decide")
        .set("citation", "《行政处罚法》第六十条")
        .set("verified", true)
        .set("starts_at", "2026-01-06")
        .set("due", due)
        .set("explanation_zh", "立案之日起九十日")
        .set("explanation_en", "90 days from filing")
        .set("status", "open")
        .set("warning", warning)
        .set("closed_at", NONE)
        .set("handler_ids", ",p-1,")
}

/// Write `rows` of a case, expecting the case at `expect` (None = new).
fn case_change(id: &str, expect: Option<i64>, rows: Vec<Row>) -> Change {
    let mut c = Change::new("case.update", format!("case/{id}")).expect(Table::Cases, id, expect);
    c.rows = rows;
    c
}

fn version_of(r: &Row) -> i64 {
    match r.values.get("version") {
        Some(Value::Int(v)) => *v,
        v => panic!("no version: {v:?}"),
    }
}

#[tokio::test]
async fn a_failed_expectation_refuses_the_command_alone_and_writes_nothing() {
    let s = Arc::new(store().await);
    s.commit(T, "a1", &case_change("c1", None, vec![case("c1", 1)])).await.unwrap();
    // A new case that already exists, and a stale version: both refused, nothing written.
    for (expect, what) in [(None, "expected no row, found version 1"), (Some(5), "expected version 5, found version 1")] {
        let err = s.commit(T, "a1", &case_change("c1", expect, vec![case("c1", 9).set("title", "改")])).await.unwrap_err();
        match err {
            StoreError::Conflict(m) => assert!(m.contains("cases") && m.contains("c1") && m.contains(what), "{m}"),
            e => panic!("expected a conflict, got {e:?}"),
        }
    }
    let err = s.commit(T, "a1", &case_change("c9", Some(1), vec![case("c9", 2)])).await.unwrap_err();
    assert!(matches!(&err, StoreError::Conflict(m) if m.contains("found no row")), "{err:?}");
    assert_eq!(s.ledger_size(T).await.unwrap(), 2);
    assert_eq!(version_of(&s.case_row(T, "c1").await.unwrap().unwrap()), 1);
    assert!(s.case_row(T, "c9").await.unwrap().is_none());

    // Concurrent commands (group-committed together): only the stale one is refused.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let c =
                if i == 15 { case_change("c1", Some(7), vec![case("c1", 8)]) } else { case_change(&format!("n{i}"), None, vec![case(&format!("n{i}"), 1)]) };
            s.commit(T, "a1", &c).await
        }));
    }
    let mut ok = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(_)) => assert_eq!(i, 15),
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 29);
    assert_eq!(s.ledger_size(T).await.unwrap(), 31);
    assert_eq!(s.ledger_entries(T, i64::MAX, 100, Some("case/c1")).await.unwrap().len(), 1, "the refused command has no entry");
    assert_eq!(version_of(&s.case_row(T, "c1").await.unwrap().unwrap()), 1);
    assert!(s.verify_tenant(T, None, None).await.unwrap().is_ok());
}

#[tokio::test]
async fn in_one_batch_a_command_sees_the_versions_earlier_commands_wrote() {
    let s = store().await;
    // Polled in order on one thread, the commands reach the writer together (one batch).
    let c1 = case_change("c1", None, vec![case("c1", 1)]);
    let stale = case_change("c1", Some(7), vec![case("c1", 8).set("title", "不应写入")]);
    let c2 = case_change("c1", Some(1), vec![case("c1", 2), act("c1", 1)]);
    let c3 = case_change("c1", Some(2), vec![case("c1", 3), act("c1", 2)]);
    let (r1, r2, r3, r4) = tokio::join!(s.commit(T, "a1", &c1), s.commit(T, "a1", &stale), s.commit(T, "a1", &c2), s.commit(T, "a1", &c3));
    assert_eq!((r1.unwrap().seq, r3.unwrap().seq, r4.unwrap().seq), (1, 2, 3));
    assert!(matches!(r2, Err(StoreError::Conflict(_))), "{r2:?}");
    let row = s.case_row(T, "c1").await.unwrap().unwrap();
    assert_eq!((version_of(&row), row.text("title")), (3, Some("案件c1")));

    // The same on the savepoint path: a unique-index refusal in the batch sends it there.
    let dup = Change::new("case.act", "case/c1").row(act("c1", 1).set("id", "other"));
    let c4 = case_change("c1", Some(3), vec![case("c1", 4)]);
    let c5 = case_change("c1", Some(4), vec![case("c1", 5)]);
    let stale = case_change("c1", Some(3), vec![case("c1", 9)]);
    let (r1, r2, r3, r4) = tokio::join!(s.commit(T, "a1", &c4), s.commit(T, "a1", &dup), s.commit(T, "a1", &c5), s.commit(T, "a1", &stale));
    assert!(matches!(r2, Err(StoreError::Conflict(_))), "{r2:?}");
    assert!(matches!(r4, Err(StoreError::Conflict(_))), "{r4:?}");
    assert_eq!((r1.unwrap().seq, r3.unwrap().seq), (4, 5));
    assert_eq!(version_of(&s.case_row(T, "c1").await.unwrap().unwrap()), 5);
    let acts: Vec<i64> = s.case_acts(T, "c1").await.unwrap().iter().map(|r| if let Some(Value::Int(n)) = r.values.get("n") { *n } else { -1 }).collect();
    assert_eq!(acts, vec![1, 2]);
    assert!(s.verify_tenant(T, None, None).await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn document_numbers_are_gapless_under_concurrent_allocation() {
    let s = Arc::new(store().await);
    let series = "u0:CF:2026";
    let mut tasks = Vec::new();
    for task in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for i in 0..25 {
                loop {
                    let cur = s.doc_sequence(T, series).await.unwrap();
                    let next = cur.unwrap_or(0) + 1;
                    let number = Row::new(Table::DocNumbers)
                        .set("tenant_id", T)
                        .set("id", format!("d-{task}-{i}"))
                        .set("series", series)
                        .set("subject_code", "u0")
                        .set("type_code", "CF")
                        .set("year", 2026i64)
                        .set("seq", next)
                        .set("rendered", format!("江汉城管罚〔2026〕{next}号"))
                        .set("case_id", "c1")
                        .set("document", "penalty_decision")
                        .set("status", "issued")
                        .set("void_reason", NONE)
                        .set("issued_at", "2026-01-06T02:00:00Z")
                        .set("voided_at", NONE);
                    let seq = Row::new(Table::DocSequences).set("tenant_id", T).set("id", series).set("version", next);
                    let c = Change::new("doc_number.issue", format!("doc_number/d-{task}-{i}")).expect(Table::DocSequences, series, cur).row(seq).row(number);
                    match s.commit(T, "a1", &c).await {
                        Ok(_) => break,
                        Err(StoreError::Conflict(_)) => conflicts += 1,
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
            }
            conflicts
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut seqs: Vec<i64> =
        s.table_rows(T, Table::DocNumbers).await.unwrap().iter().map(|r| if let Some(Value::Int(n)) = r.values.get("seq") { *n } else { -1 }).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    assert_eq!(s.doc_sequence(T, series).await.unwrap(), Some(200));
    assert_eq!(s.doc_numbers_of_case(T, "c1").await.unwrap().len(), 200);
    assert_eq!(s.ledger_size(T).await.unwrap(), 201, "refused allocations left no entry");
    let r = s.verify_tenant(T, None, None).await.unwrap().unwrap();
    assert_eq!(r.entries, 201);
}

/// A tenant with a row in every table of cases.
async fn cases_city(s: &Store) {
    let mut c1 = case_change("c1", None, vec![case("c1", 1), act("c1", 1), act("c1", 2), deadline("dl1", "c1", "2026-04-06", "overdue")]);
    c1.rows.push(
        Row::new(Table::DocNumbers)
            .set("tenant_id", T)
            .set("id", "d1")
            .set("series", "s")
            .set("subject_code", "u0")
            .set("type_code", "LA")
            .set("year", 2026i64)
            .set("seq", 1i64)
            .set("rendered", "立〔2026〕1号")
            .set("case_id", "c1")
            .set("document", "filing")
            .set("status", "issued")
            .set("void_reason", NONE)
            .set("issued_at", "2026-01-06T02:00:00Z")
            .set("voided_at", NONE),
    );
    c1.rows.push(Row::new(Table::DocSequences).set("tenant_id", T).set("id", "s").set("version", 1i64));
    s.commit(T, "a1", &c1).await.unwrap();
    let c2 = case("c2", 1).set("unit_id", "u2").set("state", "decided").set("handler_ids", ",p-3,p_1,").set("cause_code", "C-002");
    s.commit(T, "a1", &case_change("c2", None, vec![c2, deadline("dl2", "c2", "2026-02-01T17:00:00", "near")])).await.unwrap();
    let rows = vec![
        Row::new(Table::IdempotencyKeys)
            .set("tenant_id", T)
            .set("id", "a1:k1")
            .set("request_hash", "ab")
            .set("result", "{\"seq\":1}")
            .set("created_at", "2026-01-06T02:00:00Z")
            .set("version", 1i64),
        Row::new(Table::Interference)
            .set("tenant_id", T)
            .set("id", "i1")
            .set("case_id", "c1")
            .set("reported_by", "p-1")
            .set("reported_at", "2026-01-07T02:00:00Z")
            .set("interferer_name", "赵六")
            .set("interferer_post", "某局副局长")
            .set("method", "phone")
            .set("content", "打招呼")
            .set("status", "reported")
            .set("inspector_note", NONE)
            .set("unit_id", "u1"),
        Row::new(Table::DeclaredRelations)
            .set("tenant_id", T)
            .set("id", "r1")
            .set("person_id", "p-1")
            .set("related_name", "钱七")
            .set("related_id_number", NONE)
            .set("relation", "spouse")
            .set("declared_on", "2026-01-01")
            .set("active", true),
        Row::new(Table::ReviewerAppointments)
            .set("tenant_id", T)
            .set("id", "ra1")
            .set("person_id", "p-2")
            .set("appointed_on", "2025-06-01")
            .set("qualification_number", "A1")
            .set("qualification_on", "2019-01-01")
            .set("active", true),
        Row::new(Table::ApprovalChains)
            .set("tenant_id", T)
            .set("id", "u1:decide")
            .set("unit_id", "u1")
            .set("act", "decide")
            .set("steps", "[\"legal_review\",\"head\"]")
            .set("citation", "《行政处罚法》第五十八条")
            .set("updated_by", "a1")
            .set("updated_at", "2026-01-01T00:00:00Z")
            .set("active", true),
    ];
    let mut c = Change::new("setup", "tenant/t1");
    c.rows = rows;
    s.commit(T, "a1", &c).await.unwrap();
}

#[tokio::test]
async fn case_reads_filter_order_and_count() {
    let s = store().await;
    cases_city(&s).await;
    let ids = |rows: Vec<Row>| rows.iter().map(|r| r.text("id").unwrap().to_owned()).collect::<Vec<_>>();
    let all = CaseFilter::default();
    assert_eq!(ids(s.cases(T, &all).await.unwrap()), ["c2", "c1"]);
    assert_eq!(s.count_cases(T, &all).await.unwrap(), 2);
    let page = CaseFilter { limit: 1, offset: 1, ..Default::default() };
    assert_eq!(ids(s.cases(T, &page).await.unwrap()), ["c1"]);
    assert_eq!(s.count_cases(T, &page).await.unwrap(), 2);
    for (f, want) in [
        (CaseFilter { states: vec!["filed".into(), "x".into()], ..Default::default() }, vec!["c1"]),
        (CaseFilter { unit_ids: Some(vec!["u2".into()]), ..Default::default() }, vec!["c2"]),
        (CaseFilter { unit_ids: Some(vec![]), ..Default::default() }, vec![]),
        (CaseFilter { handler_id: Some("p-2".into()), ..Default::default() }, vec!["c1"]),
        (CaseFilter { handler_id: Some("p-1".into()), ..Default::default() }, vec!["c1"]),
        (CaseFilter { handler_id: Some("p_1".into()), ..Default::default() }, vec!["c2"]),
        (CaseFilter { handler_id: Some("p".into()), ..Default::default() }, vec![]),
        (CaseFilter { cause_code: Some("C-002".into()), ..Default::default() }, vec!["c2"]),
        (CaseFilter { overdue_only: true, ..Default::default() }, vec!["c1"]),
        (CaseFilter { overdue_only: true, states: vec!["decided".into()], ..Default::default() }, vec![]),
    ] {
        assert_eq!(ids(s.cases(T, &f).await.unwrap()), want, "{f:?}");
        assert_eq!(s.count_cases(T, &f).await.unwrap(), want.len() as i64, "{f:?}");
    }
    assert_eq!(ids(s.case_acts(T, "c1").await.unwrap()), ["c1-a1", "c1-a2"]);
    assert_eq!(ids(s.case_deadlines(T, "c1").await.unwrap()), ["dl1"]);
    assert_eq!(ids(s.open_deadlines(T).await.unwrap()), ["dl2", "dl1"]);
    assert_eq!(ids(s.doc_numbers_of_case(T, "c1").await.unwrap()), ["d1"]);
    assert_eq!(s.doc_sequence(T, "s").await.unwrap(), Some(1));
    assert_eq!(s.doc_sequence(T, "none").await.unwrap(), None);
    assert_eq!(s.idempotency(T, "a1:k1").await.unwrap().unwrap().text("result"), Some("{\"seq\":1}"));
    assert!(s.idempotency(T, "a1:k2").await.unwrap().is_none());
    assert_eq!(ids(s.interference(T, None).await.unwrap()), ["i1"]);
    assert_eq!(ids(s.interference(T, Some(&["u1".to_owned()])).await.unwrap()), ["i1"]);
    assert!(s.interference(T, Some(&["u2".to_owned()])).await.unwrap().is_empty());
    assert_eq!(ids(s.declared_relations(T).await.unwrap()), ["r1"]);
    assert_eq!(ids(s.reviewer_appointments(T).await.unwrap()), ["ra1"]);
    assert_eq!(ids(s.approval_chains(T).await.unwrap()), ["u1:decide"]);
    assert_eq!(s.row(T, Table::ApprovalChains, "u1:decide").await.unwrap().unwrap().values.get("active"), Some(&Value::Int(1)));
    // The row read back is the after-image written.
    assert_eq!(s.case_row(T, "c1").await.unwrap().unwrap(), case("c1", 1));
    assert_eq!(s.ledger_entries(T, i64::MAX, 10, Some("case/c1")).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_case_tables_replay_and_an_edited_column_is_named() {
    for (table, sql) in [
        ("cases", "UPDATE cases SET title = '改' WHERE id = 'c1'"),
        ("cases", "UPDATE cases SET party_name = '李四' WHERE id = 'c1'"),
        ("case_acts", "UPDATE case_acts SET n = 7 WHERE id = 'c1-a2'"),
        ("case_deadlines", "UPDATE case_deadlines SET due = '2099-01-01' WHERE id = 'dl1'"),
        ("doc_numbers", "UPDATE doc_numbers SET status = 'voided' WHERE id = 'd1'"),
        ("doc_sequences", "UPDATE doc_sequences SET version = 0 WHERE id = 's'"),
        ("idempotency_keys", "UPDATE idempotency_keys SET result = '{}' WHERE id = 'a1:k1'"),
        ("interference_records", "UPDATE interference_records SET interferer_name = '某' WHERE id = 'i1'"),
        ("declared_relations", "UPDATE declared_relations SET active = 0 WHERE id = 'r1'"),
        ("reviewer_appointments", "UPDATE reviewer_appointments SET active = 0 WHERE id = 'ra1'"),
        ("approval_chains", "UPDATE approval_chains SET steps = '[]' WHERE id = 'u1:decide'"),
    ] {
        let (s, url) = fresh_store_with_url().await;
        tenant(&s).await;
        cases_city(&s).await;
        let r = s.verify_tenant(T, None, None).await.unwrap().expect("an honest log verifies");
        assert_eq!(r.rows, 14);
        tamper(&url, sql).await;
        let b = s.verify_tenant(T, None, None).await.unwrap().expect_err(sql);
        assert!(b.what.starts_with(table) && b.what.contains("column"), "{table}: {b}");
    }
}

#[tokio::test]
async fn a_case_partys_personal_data_is_sealed_in_the_record() {
    let s = store().await;
    cases_city(&s).await;
    let entries = s.ledger_entries(T, i64::MAX, 10, None).await.unwrap();
    for e in &entries {
        for clear in ["王五", "420102199001011234", "13700000000", "武汉市江汉区某路1号", "赵六", "钱七"] {
            assert!(!e.payload.contains(clear), "entry {} holds {clear} in clear", e.seq);
        }
    }
    let payload: chengguan_domain::Payload = serde_json::from_str(&entries.iter().find(|e| e.subject == "case/c1").unwrap().payload).unwrap();
    let sealed = payload.rows.iter().find(|r| r.table == Table::Cases).unwrap();
    assert!(chengguan_domain::personal::sealed_commitment(sealed.values.get("party_name").unwrap()).is_some());
    assert_eq!(sealed.values.get("party_representative"), Some(&Value::Null), "a null stays null");
    assert_eq!(sealed.text("title"), Some("案件c1"), "other columns are in clear");
    // The table holds the clear value, and the record opens to it.
    assert_eq!(s.case_row(T, "c1").await.unwrap().unwrap().text("party_name"), Some("王五"));
    assert_eq!(s.personal_commitments(T, Table::Cases, "t1/c1").await.unwrap().len(), 4);
    assert!(s.verify_tenant(T, None, None).await.unwrap().is_ok());
}
