//! `verify` passes on an honest log and names each kind of tampering done directly in the
//! database: one column of every domain table, a deleted row, an inserted row, reordered entries,
//! an altered payload, an altered tree node, a forged or rewritten checkpoint.

use chengguan_domain::checkpoint::{self, Signer};
use chengguan_domain::org::{OrgKind, OrgUnit};
use chengguan_domain::{Change, Row, Table};
use chengguan_store::testing::{fresh_store_with_url, tamper};
use chengguan_store::{Checkpoint, Store};

fn signer() -> Signer {
    chengguan_store::testing::signer("chengguan.test", &[5; 32])
}

/// A tenant with rows in every domain table, several entries and two checkpoints.
async fn city() -> (Store, String) {
    let (s, url) = fresh_store_with_url().await;
    let t = "t1";
    s.commit(t, "system", &Change::new("tenant.create", "tenant/t1").row(Row::new(Table::Tenants).set("id", t).set("code", "one").set("name", "测试市")))
        .await
        .unwrap();
    let unit = OrgUnit {
        tenant_id: t.into(),
        id: "u1".into(),
        code: "B".into(),
        name: "执法局".into(),
        kind: OrgKind::Bureau,
        admin_parent_id: None,
        guidance_parent_id: None,
        enforcement_subject: true,
        population: Some(100),
        active: true,
    };
    s.commit(t, "a1", &Change::new("org_unit.create", "org_unit/u1").row(unit.to_row())).await.unwrap();
    let person = Row::new(Table::People)
        .set("tenant_id", t)
        .set("id", "p1")
        .set("org_unit_id", "u1")
        .set("name", "张三")
        .set("gender", "male")
        .set("id_number", Option::<String>::None)
        .set("phone", "13800000000")
        .set("staffing", "civil_servant")
        .set("posts", "case_legal")
        .set("frontline", true)
        .set("status", "active")
        .set("joined_on", "2020-01-01");
    s.commit(t, "a1", &Change::new("person.create", "person/p1").row(person)).await.unwrap();
    cp(&s, t).await;
    let cert = Row::new(Table::Certificates)
        .set("tenant_id", t)
        .set("id", "c1")
        .set("person_id", "p1")
        .set("number", "鄂00000001")
        .set("issuer", "湖北省人民政府")
        .set("valid_from", "2024-01-01")
        .set("valid_until", "2030-01-01")
        .set("scope", "城市管理")
        .set("active", true);
    let account = Row::new(Table::Accounts)
        .set("tenant_id", t)
        .set("id", "a1")
        .set("username", "zhang")
        .set("person_id", "p1")
        .set("password_hash", "$argon2id$x")
        .set("active", true);
    let grant = Row::new(Table::Grants).set("tenant_id", t).set("account_id", "a1").set("role", "admin").set("org_unit_id", "u1").set("active", true);
    s.commit(t, "a1", &Change::new("x.create", "many").row(cert).row(account).row(grant)).await.unwrap();
    let session = Row::new(Table::Sessions)
        .set("tenant_id", t)
        .set("id", "s1")
        .set("account_id", "a1")
        .set("kind", "browser")
        .set("created_at", "2026-11-22T00:00:00Z")
        .set("expires_at", "2026-11-22T12:00:00Z")
        .set("revoked_at", Option::<String>::None);
    s.commit(t, "a1", &Change::new("auth.login", "account/a1").row(session)).await.unwrap();
    cp(&s, t).await;
    (s, url)
}

async fn cp(s: &Store, t: &str) {
    let (size, root) = s.tree_head(t).await.unwrap();
    let c = checkpoint::Checkpoint { origin: format!("chengguan/{t}"), size, root, time_ms: 1_763_800_000_000 + size as i64 };
    s.save_checkpoint(t, &Checkpoint { size: size as i64, time_ms: c.time_ms, root_hash: hex::encode(root), note: signer().sign(&c) }).await.unwrap();
}

async fn broken_after(sql: &str) -> chengguan_store::Broken {
    let (s, url) = city().await;
    assert!(s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().is_ok(), "honest log verifies");
    tamper(&url, sql).await;
    s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().expect_err(&format!("verify must fail after: {sql}"))
}

#[tokio::test]
async fn an_honest_log_verifies() {
    let (s, _) = city().await;
    let r = s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().unwrap();
    assert_eq!((r.entries, r.checkpoints), (5, 2));
    assert_eq!(r.rows, 7);
    // Without the key, checkpoints cannot be trusted.
    assert!(s.verify_tenant("t1", None, None).await.unwrap().is_err());
}

#[tokio::test]
async fn an_edited_column_of_each_domain_table_is_named() {
    for (table, sql) in [
        ("tenants", "UPDATE tenants SET name = '改' WHERE id = 't1'"),
        ("org_units", "UPDATE org_units SET population = 5 WHERE id = 'u1'"),
        ("people", "UPDATE people SET phone = '13900000000' WHERE id = 'p1'"),
        ("certificates", "UPDATE certificates SET valid_until = '2099-01-01' WHERE id = 'c1'"),
        ("accounts", "UPDATE accounts SET password_hash = 'x' WHERE id = 'a1'"),
        ("grants", "UPDATE grants SET active = 0 WHERE account_id = 'a1'"),
        ("sessions", "UPDATE sessions SET expires_at = '2099-01-01T00:00:00Z' WHERE id = 's1'"),
    ] {
        let b = broken_after(sql).await;
        assert!(b.what.starts_with(table) && b.what.contains("column"), "{table}: {b}");
    }
}

#[tokio::test]
async fn deleted_and_inserted_rows_are_named() {
    let b = broken_after("DELETE FROM people WHERE id = 'p1'").await;
    assert!(b.what.contains("people") && b.what.contains("deleted"), "{b}");
    let b = broken_after("INSERT INTO org_units (tenant_id, id, code, name, kind, enforcement_subject, active) VALUES ('t1', 'u9', 'X', '假', 'squad', 0, 1)")
        .await;
    assert!(b.what.contains("org_units") && b.what.contains("not in the record"), "{b}");
}

#[tokio::test]
async fn tampering_with_the_log_itself_is_named() {
    // Reordering two entries (their contents swap places).
    let b = broken_after("UPDATE ledger SET seq = 100 WHERE seq = 1; UPDATE ledger SET seq = 1 WHERE seq = 2; UPDATE ledger SET seq = 2 WHERE seq = 100").await;
    assert!(b.seq == Some(1) && b.what.contains("leaf"), "{b}");
    let b = broken_after("UPDATE ledger SET payload = REPLACE(payload, 'civil_servant', 'auxiliary') WHERE seq = 2").await;
    assert!(b.seq == Some(2) && b.what.contains("payload"), "{b}");
    let b = broken_after("UPDATE ledger SET actor = 'someone-else' WHERE seq = 3").await;
    assert!(b.seq == Some(3), "{b}");
    let b = broken_after("DELETE FROM ledger WHERE seq = 4").await;
    assert_eq!(b.seq, Some(4), "{b}");
    let b = broken_after("UPDATE ledger_nodes SET hash = '00000000000000000000000000000000000000000000000000000000000000ff' WHERE level = 1 AND idx = 0").await;
    assert!(b.what.contains("tree node (1, 0)"), "{b}");
}

#[tokio::test]
async fn a_rewritten_history_or_forged_checkpoint_is_named() {
    // Rewriting an entry *and* its leaf and tree (a careful attacker) still breaks the checkpoint
    // … unless they also had the key: the checkpoint's note is signed.
    let b = broken_after("UPDATE ledger_checkpoints SET note = REPLACE(note, 'time ', 'tlme ') WHERE size = 3").await;
    assert!(b.what.contains("checkpoint at size 3"), "{b}");
    let b = broken_after("UPDATE ledger_checkpoints SET root_hash = '00' WHERE size = 5").await;
    assert!(b.what.contains("checkpoint at size 5"), "{b}");
}

#[tokio::test]
async fn an_altered_evidence_file_is_named() {
    use chengguan_store::evidence::EvidenceStore;
    let (s, _) = city().await;
    let dir = std::env::temp_dir().join(format!("cg-verify-evidence-{}", std::process::id()));
    let ev = EvidenceStore::new(&dir, 1 << 20).unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(5000, b'z');
    let stored = ev.put(futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(pdf))])).await.unwrap();
    let row = Row::new(Table::Evidence)
        .set("tenant_id", "t1")
        .set("id", stored.sha256.as_str())
        .set("size", stored.size as i64)
        .set("media_type", stored.media_type.as_str())
        .set("uploaded_by", "a1")
        .set("uploaded_at", "2026-11-22T00:00:00Z")
        .set("description", "现场照片");
    let mut change = Change::new("evidence.upload", format!("evidence/{}", stored.sha256)).row(row);
    change.files.push(stored.sha256.clone());
    s.commit("t1", "a1", &change).await.unwrap();
    assert!(s.verify_tenant("t1", Some(&signer().vkey()), Some(&ev)).await.unwrap().is_ok());
    assert!(s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().is_err(), "files cannot be checked without the store");
    let p = ev.path_of(&stored.sha256).unwrap();
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[4000] = b'Z';
    std::fs::write(&p, bytes).unwrap();
    let b = s.verify_tenant("t1", Some(&signer().vkey()), Some(&ev)).await.unwrap().unwrap_err();
    assert!(b.what.contains(&stored.sha256) && b.what.contains("altered"), "{b}");
}

#[tokio::test]
async fn a_rule_override_is_read_back_replayed_and_an_edit_of_it_is_named() {
    let (s, url) = city().await;
    let row = |text: &str, active: bool| {
        Row::new(Table::RuleOverrides)
            .set("tenant_id", "t1")
            .set("id", "procedure")
            .set("text", text)
            .set("citation", "某省行政处罚程序规定第1条（示例）")
            .set("updated_by", "a1")
            .set("updated_at", "2026-11-22T00:00:00Z")
            .set("active", active)
    };
    s.commit("t1", "a1", &Change::new("rules.override.set", "rule_override/procedure").row(row("[profile]\n", true))).await.unwrap();
    s.commit("t1", "a1", &Change::new("rules.override.reset", "rule_override/procedure").row(row("[profile]\n", false))).await.unwrap();
    let o = s.rule_override("t1", "procedure").await.unwrap().unwrap();
    assert_eq!((o.text.as_str(), o.active, o.updated_by.as_str()), ("[profile]\n", false, "a1"));
    assert_eq!(s.rule_overrides("t1").await.unwrap(), vec![o]);
    assert!(s.rule_overrides("t2").await.unwrap().is_empty());
    assert!(s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().is_ok());
    tamper(&url, "UPDATE rule_overrides SET active = 1 WHERE id = 'procedure'").await;
    let b = s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().unwrap_err();
    assert!(b.what.starts_with("rule_overrides") && b.what.contains("column active"), "{b}");
}

#[tokio::test]
async fn personal_data_is_committed_and_can_be_erased_while_the_log_still_verifies() {
    let (s, url) = city().await;
    let vkey = signer().vkey();
    // The person's name and phone are not in any payload, only their commitments.
    let entries = s.ledger_range("t1", 0, 100).await.unwrap();
    assert!(entries.iter().all(|e| !e.payload.contains("张三") && !e.payload.contains("13800000000")));
    let commitments = s.personal_commitments("t1", Table::People, "t1/p1").await.unwrap();
    assert_eq!(commitments.len(), 2, "name and phone (the ID number is null)");

    // Retention ended: one act masks the row and erases the openings; the log still verifies.
    let erased_row = Row::new(Table::People)
        .set("tenant_id", "t1")
        .set("id", "p1")
        .set("org_unit_id", "u1")
        .set("name", "已删除")
        .set("gender", "male")
        .set("id_number", Option::<String>::None)
        .set("phone", Option::<String>::None)
        .set("staffing", "civil_servant")
        .set("posts", "case_legal")
        .set("frontline", true)
        .set("status", "inactive")
        .set("joined_on", "2020-01-01");
    let mut change = Change::new("person.erase_personal_data", "person/p1").row(erased_row);
    change.erase = commitments.clone();
    s.commit("t1", "a1", &change).await.unwrap();
    let kept = s.personal_commitments("t1", Table::People, "t1/p1").await.unwrap();
    assert!(kept.iter().all(|c| !commitments.contains(c)), "the old openings are gone");
    assert!(s.verify_tenant("t1", Some(&vkey), None).await.unwrap().is_ok(), "the log still verifies after erasure");

    // Tampering with an opening, or deleting one outside an erasure, is named.
    let (s2, url2) = city().await;
    tamper(&url2, "UPDATE ledger_personal SET value = '\"李四\"' WHERE row_key = 't1/p1' AND value = '\"张三\"'").await;
    let b = s2.verify_tenant("t1", Some(&vkey), None).await.unwrap().unwrap_err();
    assert!(b.what.contains("altered"), "{b}");
    let (s3, url3) = city().await;
    tamper(&url3, "DELETE FROM ledger_personal WHERE row_key = 't1/p1' AND value = '\"13800000000\"'").await;
    let b = s3.verify_tenant("t1", Some(&vkey), None).await.unwrap().unwrap_err();
    assert!(b.what.contains("deleted outside the record"), "{b}");
    let _ = url;
}

/// A row written again keeps the commitments of its unchanged personal values (no new opening);
/// a changed value is opened anew. When another process erased an opening this one remembers,
/// the write is sealed again with a fresh opening, and the log verifies throughout.
#[tokio::test]
async fn unchanged_personal_values_keep_their_commitments_and_erased_ones_are_opened_anew() {
    let (s, url) = city().await;
    let vkey = signer().vkey();
    let person = |name: &str, phone: Option<&str>| {
        Row::new(Table::People)
            .set("tenant_id", "t1")
            .set("id", "p1")
            .set("org_unit_id", "u1")
            .set("name", name)
            .set("gender", "male")
            .set("id_number", Option::<String>::None)
            .set("phone", phone.map(str::to_owned))
            .set("staffing", "civil_servant")
            .set("posts", "case_legal")
            .set("frontline", true)
            .set("status", "active")
            .set("joined_on", "2020-01-01")
    };
    let update = |row: Row| Change::new("person.update", "person/p1").row(row);
    // This process wrote the city (name and phone opened once); the same values again: no new opening.
    s.commit("t1", "a1", &update(person("张三", Some("13800000000")))).await.unwrap();
    s.commit("t1", "a1", &update(person("张三", Some("13800000000")))).await.unwrap();
    assert_eq!(s.personal_commitments("t1", Table::People, "t1/p1").await.unwrap().len(), 2);
    // A new phone: one new opening; the name keeps its commitment.
    s.commit("t1", "a1", &update(person("张三", Some("13900000000")))).await.unwrap();
    s.commit("t1", "a1", &update(person("张三", Some("13900000000")))).await.unwrap();
    assert_eq!(s.personal_commitments("t1", Table::People, "t1/p1").await.unwrap().len(), 3);
    assert!(s.verify_tenant("t1", Some(&vkey), None).await.unwrap().is_ok());

    // Another process erases every opening of the row.
    let other = Store::connect_with(&url, chengguan_store::testing::algorithm()).await.unwrap();
    let mut erase = update(person("已删除", None));
    erase.action = "person.erase_personal_data".into();
    erase.erase = other.personal_commitments("t1", Table::People, "t1/p1").await.unwrap();
    other.commit("t1", "a2", &erase).await.unwrap();
    assert_eq!(other.personal_commitments("t1", Table::People, "t1/p1").await.unwrap().len(), 1, "only the new name's opening");
    // This process still remembers the erased ones: its next write is sealed anew.
    s.commit("t1", "a1", &update(person("张三", Some("13900000000")))).await.unwrap();
    assert_eq!(s.personal_commitments("t1", Table::People, "t1/p1").await.unwrap().len(), 3, "已删除, and 张三 and the phone opened anew");
    assert_eq!(s.person("t1", "p1").await.unwrap().unwrap().name, "张三");
    assert!(s.verify_tenant("t1", Some(&vkey), None).await.unwrap().is_ok(), "the log verifies after the erasure and the rewrite");
}

/// The city plus a row in each of the later domain tables (evidence, rule overrides, power list).
async fn city_plus() -> (Store, String) {
    let (s, url) = city().await;
    let rows = vec![
        Row::new(Table::Evidence)
            .set("tenant_id", "t1")
            .set("id", "ab".repeat(32))
            .set("size", 10)
            .set("media_type", "application/pdf")
            .set("uploaded_by", "a1")
            .set("uploaded_at", "2026-11-22T00:00:00Z")
            .set("description", "现场照片"),
        Row::new(Table::RuleOverrides)
            .set("tenant_id", "t1")
            .set("id", "local_days")
            .set("text", "# none")
            .set("citation", "本市通知")
            .set("updated_by", "a1")
            .set("updated_at", "2026-11-22T00:00:00Z")
            .set("active", true),
        Row::new(Table::PowerList)
            .set("tenant_id", "t1")
            .set("id", "item:X-1@1")
            .set("kind", "item")
            .set("code", "X-1")
            .set("version", 1)
            .set("effective_from", "2026-01-01")
            .set("approval_ref", "办〔2026〕1号")
            .set("approved_by", "a1")
            .set("data", "{}")
            .set("active", true),
    ];
    s.commit("t1", "a1", &Change { rows, ..Change::new("x.create", "more") }).await.unwrap();
    (s, url)
}

#[tokio::test]
async fn an_edited_column_of_each_later_table_is_named() {
    for (table, sql) in [
        ("evidence", "UPDATE evidence SET media_type = 'text/html'"),
        ("rule_overrides", "UPDATE rule_overrides SET citation = '伪造'"),
        ("power_list_entries", "UPDATE power_list_entries SET data = '{\"fine\":1}'"),
    ] {
        let (s, url) = city_plus().await;
        assert!(s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().is_ok());
        tamper(&url, sql).await;
        let b = s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().unwrap_err();
        assert!(b.what.contains(table) && b.what.contains("column"), "{table}: {b}");
    }
}

#[tokio::test]
async fn a_correction_names_an_earlier_entry_and_is_covered_by_its_leaf() {
    let (s, url) = city().await;
    let before = s.ledger_size("t1").await.unwrap();
    // Only an earlier entry can be corrected; a bad reference writes nothing.
    let mut bad = Change::new("person.correct", "person/p1");
    bad.corrects = Some(before as u64 + 5);
    assert!(s.commit("t1", "a1", &bad).await.is_err());
    assert_eq!(s.ledger_size("t1").await.unwrap(), before);
    let mut c = Change::new("person.correct", "person/p1");
    c.corrects = Some(2);
    let done = s.commit("t1", "a1", &c).await.unwrap();
    let e = s.ledger_entry("t1", done.seq as i64).await.unwrap().unwrap();
    assert_eq!(e.corrects, Some(2));
    assert!(s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().is_ok());
    tamper(&url, &format!("UPDATE ledger SET corrects = 1 WHERE seq = {}", done.seq)).await;
    let b = s.verify_tenant("t1", Some(&signer().vkey()), None).await.unwrap().unwrap_err();
    assert_eq!(b.seq, Some(done.seq as i64), "{b}");
}
