//! The binary as a user runs it: first start on an empty data directory, `demo` twice,
//! `create-admin` with the password on standard input, `migrate`.

use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_chengguan");

fn data_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "chengguan-cli-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn cmd(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir).env_remove("CHENGGUAN_DATABASE_URL").env("RUST_LOG", "warn").kill_on_drop(true);
    c
}

#[tokio::test]
async fn first_start_serves_the_demo_city_and_prints_the_logins() {
    let dir = data_dir();
    let mut child = cmd(&dir).env("CHENGGUAN_LISTEN", "127.0.0.1:0").stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut printed = String::new();
    while let Some(line) = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line()).await.unwrap().unwrap() {
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("listening on ").nth(1) {
            url = Some(rest.split_whitespace().next().unwrap().trim_end_matches('/').to_owned());
        }
        if line.contains("assessor") {
            break;
        }
    }
    let url = url.expect("the server prints its URL");
    assert!(printed.contains("Chengguan@2026") && printed.contains("admin"), "{printed}");
    assert!(dir.join("data/chengguan.db").exists(), "SQLite file under ./data/ by default");
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{url}/readyz")).send().await.unwrap().status(), 200);
    let r = client.post(format!("{url}/api/v1/auth/token")).json(&serde_json::json!({"username":"leader","password":"Chengguan@2026"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    child.kill().await.ok();
}

#[tokio::test]
async fn demo_is_idempotent_and_create_admin_reads_the_password() {
    let dir = data_dir();
    let out = cmd(&dir).arg("demo").output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!first.contains(": 0 rows added"), "{first}");
    let out = cmd(&dir).arg("demo").output().await.unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(": 0 rows added"), "second run adds nothing");

    let mut child = cmd(&dir)
        .args(["create-admin", "--tenant-code", "wuchang", "--tenant-name", "武汉市武昌区", "--root-unit", "武昌区人民政府", "--username", "wc-admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"Wuchang#Admin2026\n").await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A weak password is refused and nothing is created.
    let mut child = cmd(&dir)
        .args(["create-admin", "--tenant-code", "qiaokou", "--tenant-name", "硚口区", "--root-unit", "硚口区人民政府", "--username", "qk-admin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"weak\n").await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(!out.status.success());

    let out = cmd(&dir).arg("migrate").output().await.unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 newly applied"));
    let out = cmd(&dir).arg("verify").output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "verify passes on the demo city: {text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("intact"), "{text}");

    // One column changed behind the platform's back: verify exits 1 and names it.
    chengguan_store::testing::tamper(&format!("sqlite://{}/data/chengguan.db", dir.display()), "UPDATE people SET name = '王五' WHERE id = 'p-00001'").await;
    let out = cmd(&dir).arg("verify").output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("BROKEN") && text.contains("people row") && text.contains("column name"), "{text}");
}
