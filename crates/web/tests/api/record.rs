//! The full-process record over HTTP: checkpoints, public proofs that verify with the pure
//! verifier, the public verify page, evidence upload/download with its refusals.

use crate::helpers::*;
use chengguan_domain::checkpoint;

use reqwest::StatusCode;
use serde_json::Value;

fn h(v: &Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap()
}

#[tokio::test]
async fn anyone_can_check_an_entry_against_a_signed_checkpoint() {
    let app = spawn_app().await;
    let admin = app.token("admin").await; // a login: one more entry
    let n = app.ledger_len().await as u64;
    let vkey = app.client.get(app.url("/api/v1/ledger/public-key")).send().await.unwrap().text().await.unwrap();
    // No checkpoint yet: asking for a proof makes one that includes the entry.
    let seq = n - 1;
    let p: Value = app.client.get(app.url(&format!("/api/v1/ledger/jianghan/entries/{seq}/proof"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(p["tree_size"], n);
    let e: Value = app.client.get(app.url(&format!("/api/v1/ledger/jianghan/entries/{seq}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(e["action"], "auth.login");
    assert!(e.get("payload").is_none(), "the payload (personal data) is never public");
    // Recompute the leaf from the public bytes, check the path, the root and the signature.
    let alg = chengguan_store::testing::algorithm();
    let leaf = alg.leaf(&hex::decode(e["entry_bytes"].as_str().unwrap()).unwrap());
    assert_eq!(hex::encode(leaf), e["leaf_hash"].as_str().unwrap());
    let path: Vec<[u8; 32]> = p["proof"].as_array().unwrap().iter().map(h).collect();
    assert!(alg.verify_inclusion(seq, n, &leaf, &path, &h(&p["root_hash"])));
    let cp = checkpoint::verify(vkey.trim(), p["checkpoint"].as_str().unwrap()).unwrap();
    assert_eq!((cp.size, cp.root), (n, h(&p["root_hash"])));
    assert_eq!(cp.origin, "chengguan/jianghan");
    let latest = app.client.get(app.url("/api/v1/ledger/jianghan/checkpoint")).send().await.unwrap().text().await.unwrap();
    assert_eq!(checkpoint::verify(vkey.trim(), &latest).unwrap().size, n);

    // More writes, a second checkpoint on demand, and a consistency proof between the two.
    app.post(&admin, "/api/v1/people/p-00001/deactivate", serde_json::json!({})).await;
    let note = app.client.post(app.url("/api/v1/ledger/jianghan/checkpoint")).bearer_auth(&admin).send().await.unwrap().text().await.unwrap();
    let second = checkpoint::verify(vkey.trim(), &note).unwrap();
    assert_eq!(second.size, n + 1);
    let c: Value =
        app.client.get(app.url(&format!("/api/v1/ledger/jianghan/consistency?first={n}&second={}", n + 1))).send().await.unwrap().json().await.unwrap();
    let path: Vec<[u8; 32]> = c["proof"].as_array().unwrap().iter().map(h).collect();
    assert!(alg.verify_consistency(n, n + 1, &cp.root, &second.root, &path));

    // Bad requests are 4xx; another tenant's code is 404.
    expect_error(
        app.client.get(app.url("/api/v1/ledger/jianghan/consistency?first=0&second=2")).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_size",
    )
    .await;
    expect_error(
        app.client.get(app.url(&format!("/api/v1/ledger/jianghan/entries/{}/proof?size=1", seq))).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_size",
    )
    .await;
    expect_error(app.client.get(app.url("/api/v1/ledger/nowhere/checkpoint")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    expect_error(app.client.get(app.url("/api/v1/ledger/jianghan/entries/999999")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    // Only the tenant's administrators make checkpoints.
    let officer = app.token("officer").await;
    expect_error(
        app.client.post(app.url("/api/v1/ledger/jianghan/checkpoint")).bearer_auth(&officer).send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_public_verify_page_says_plainly_whether_it_verifies() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/public/verify/jianghan/0")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-verified=\"true\"") && html.contains("验证通过"), "{html}");
    assert!(html.contains("demo.load"));
    // Rewriting the entry's subject directly in the database breaks it, and the page says so.
    chengguan_store::testing::tamper(&app.database_url, "UPDATE ledger SET subject = 'tenant/forged' WHERE seq = 0").await;
    let html = app.client.get(app.url("/public/verify/jianghan/0")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-verified=\"false\"") && html.contains("验证未通过"), "{html}");
    let r = app.client.get(app.url("/public/verify/jianghan/99999")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

fn pdf(n: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.resize(n, b'p');
    v
}

#[tokio::test]
async fn evidence_is_stored_by_hash_recorded_and_streamed_back() {
    let app = spawn_app().await;
    let officer = app.token("officer").await;
    let before = app.ledger_len().await;
    let data = pdf(3 * 1024 * 1024);
    let r = app.post_raw(&officer, "/api/v1/evidence?description=%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87", "application/octet-stream", data.clone()).await;
    let v = expect_json(r, StatusCode::CREATED).await;
    let sha = v["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data)));
    assert_eq!(v["media_type"], "application/pdf");
    assert_eq!(app.ledger_len().await, before + 1);
    let e: Value = app.client.get(app.url(&format!("/api/v1/ledger/jianghan/entries/{}", v["seq"]))).send().await.unwrap().json().await.unwrap();
    assert_eq!(e["file_hashes"][0], sha.as_str(), "the file's hash is in the entry");
    let back = app.get(&officer, &format!("/api/v1/evidence/{sha}")).await;
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(back.headers()["content-type"], "application/pdf");
    assert_eq!(back.bytes().await.unwrap().as_ref(), data.as_slice());
    // Refusals change nothing.
    let before = app.ledger_len().await;
    expect_error(
        app.post_raw(&officer, "/api/v1/evidence", "text/html", "<html><script>x</script></html>").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
    )
    .await;
    expect_error(app.post_raw(&officer, "/api/v1/evidence", "application/pdf", Vec::<u8>::new()).await, StatusCode::BAD_REQUEST, "empty_file").await;
    expect_error(
        app.post_raw(&officer, "/api/v1/evidence", "application/pdf", pdf(65 * 1024 * 1024)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    let aux = app.token("auxiliary").await;
    expect_error(app.post_raw(&aux, "/api/v1/evidence", "application/pdf", pdf(100)).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.get(&aux, &format!("/api/v1/evidence/{sha}")).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.ledger_len().await, before + 1, "only the auxiliary's login was recorded");
    let officer2 = app.token("inspector").await;
    expect_error(app.get(&officer2, &format!("/api/v1/evidence/{}", "0".repeat(64))).await, StatusCode::NOT_FOUND, "not_found").await;
    // The record with the file still verifies end to end.
    let tenant = app.tenant_id().await;
    let report = app.store.verify_tenant(&tenant, Some(&app.state().signer.vkey()), Some(&app.state().evidence)).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[tokio::test]
async fn personal_data_of_a_deactivated_person_can_be_erased_and_the_record_still_verifies() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let p = app.people_in("u-team-01").await.remove(2);
    // Payloads hold commitments, not the name.
    let entries = app.store.ledger_range(&tenant, 0, i64::MAX).await.unwrap();
    assert!(entries.iter().all(|e| !e.payload.contains(&p.name)), "the name is in no payload");
    // Still active: refused with the rule, nothing changes.
    let before = app.ledger_len().await;
    let v = expect_error(
        app.post(&admin, &format!("/api/v1/people/{}/erase-personal-data", p.id), serde_json::json!({})).await,
        StatusCode::CONFLICT,
        "still_active",
    )
    .await;
    assert!(v["error"]["rule"].as_str().unwrap().contains("个人信息保护法"));
    assert_eq!(app.ledger_len().await, before);
    // An officer may not.
    let officer = app.token("officer").await;
    expect_error(app.post(&officer, &format!("/api/v1/people/{}/erase-personal-data", p.id), serde_json::json!({})).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    expect_json(app.post(&admin, &format!("/api/v1/people/{}/deactivate", p.id), serde_json::json!({})).await, StatusCode::OK).await;
    let before = app.ledger_len().await;
    let v = expect_json(app.post(&admin, &format!("/api/v1/people/{}/erase-personal-data", p.id), serde_json::json!({})).await, StatusCode::OK).await;
    assert_eq!(v["name"], "已删除");
    assert!(v["phone"].is_null() && v["id_number"].is_null());
    assert_eq!(app.ledger_len().await, before + 1, "one recorded act");
    let row = app.store.person(&tenant, &p.id).await.unwrap().unwrap();
    assert_eq!((row.name.as_str(), row.phone.as_deref(), row.id_number.as_deref()), ("已删除", None, None));
    let key = format!("{tenant}/{}", p.id);
    let kept = app.store.personal_commitments(&tenant, chengguan_domain::Table::People, &key).await.unwrap();
    assert_eq!(kept.len(), 1, "only the new name 已删除 is kept, not the erased values");
    let report = app.store.verify_tenant(&tenant, Some(&app.state().signer.vkey()), Some(&app.state().evidence)).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[tokio::test]
async fn a_revoked_certificate_stays_on_record_and_no_longer_counts() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let tenant = app.tenant_id().await;
    let people = app.people_in("u-team-01").await;
    let certs = app.store.certificates(&tenant).await.unwrap();
    let (p, c) = people
        .iter()
        .find_map(|p| certs.iter().find(|c| c.person_id == p.id && c.valid_on(chengguan_web::services::today())).map(|c| (p.clone(), c.clone())))
        .expect("a certified officer in 民族");
    let before: Value = app.get_ok(&admin, "/api/v1/org-units/u-team-01/staffing?subtree=false").await;
    let n = app.ledger_len().await;
    let officer = app.token("officer").await;
    expect_error(
        app.post(&officer, &format!("/api/v1/people/{}/certificates/{}/revoke", p.id, c.id), serde_json::json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let v = expect_json(app.post(&admin, &format!("/api/v1/people/{}/certificates/{}/revoke", p.id, c.id), serde_json::json!({})).await, StatusCode::OK).await;
    assert_eq!((v["active"].as_bool(), v["valid_today"].as_bool()), (Some(false), Some(false)));
    assert_eq!(app.ledger_len().await, n + 2, "the officer's login and the revocation");
    let after: Value = app.get_ok(&admin, "/api/v1/org-units/u-team-01/staffing?subtree=false").await;
    assert_eq!(after["figures"]["certified"].as_u64().unwrap() + 1, before["figures"]["certified"].as_u64().unwrap());
    assert!(app.store.certificates_of(&tenant, &p.id).await.unwrap().iter().any(|x| x.id == c.id && !x.active), "kept, inactive");
    expect_error(
        app.post(&admin, &format!("/api/v1/people/{}/certificates/{}/revoke", p.id, c.id), serde_json::json!({})).await,
        StatusCode::CONFLICT,
        "already_revoked",
    )
    .await;
    expect_error(
        app.post(&admin, &format!("/api/v1/people/{}/certificates/nope/revoke", p.id), serde_json::json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
