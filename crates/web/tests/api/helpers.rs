use chengguan_domain::demo;
use chengguan_store::Store;
use chengguan_web::{services, AppState};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

pub struct TestApp {
    pub base: String,
    pub store: Arc<StoreHandle>,
    pub client: Client,
    pub database_url: String,
}

/// The store the server uses, shared with the test for direct reads.
pub struct StoreHandle(pub AppState);

impl std::ops::Deref for StoreHandle {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.0.store
    }
}

/// Start the real server on 127.0.0.1:0 over a fresh database holding the demo city.
/// The day every test server starts on: a Monday well inside the holiday calendar's years, so the
/// suites do not depend on the date they run (a period running into a year whose State Council
/// notice is not yet in rules/holidays.toml is an error by design). Tests move the server's clock
/// forward from it (`state().clock.advance`).
pub fn test_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date")
}

pub async fn spawn_app() -> TestApp {
    chengguan_web::fix_today_for_tests(test_today());
    let (store, url) = chengguan_store::testing::fresh_store_with_url().await;
    services::load_demo(&store, services::today()).await.expect("demo city");
    let evidence_dir = std::env::temp_dir().join(format!("chengguan-test-evidence-{}", uuid::Uuid::now_v7().simple()));
    let state = AppState::new(
        store,
        chengguan_web::Options {
            secure_cookies: false,
            signer: chengguan_store::testing::signer("chengguan.test", &[7; 32]),
            evidence: chengguan_store::evidence::EvidenceStore::new(evidence_dir, 64 << 20).unwrap(),
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = state.clone();
    tokio::spawn(async move { chengguan_web::serve(s, listener, std::future::pending()).await.unwrap() });
    TestApp {
        base: format!("http://{addr}"),
        store: Arc::new(StoreHandle(state)),
        client: Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        database_url: url,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Log in over the API; returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, demo::DEMO_PASSWORD).await
    }

    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let r = self.client.post(self.url("/api/v1/auth/token")).json(&json!({"username": username, "password": password})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {username}: {}", r.text().await.unwrap());
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn send(&self, token: &str, method: reqwest::Method, path: &str, body: Value) -> Response {
        self.client.request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Response {
        self.send(token, reqwest::Method::POST, path, body).await
    }

    /// The demo tenant's id.
    pub async fn tenant_id(&self) -> String {
        self.store.tenant_by_code(demo::DEMO_TENANT_CODE).await.unwrap().unwrap().id
    }

    /// Number of entries in the demo tenant's full-process record.
    pub async fn ledger_len(&self) -> i64 {
        self.store.ledger_size(&self.tenant_id().await).await.unwrap()
    }
}

/// Assert a JSON error response: status, the error code, and return the body.
pub async fn expect_error(r: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status(), status);
    let v: Value = r.json().await.expect("error body is JSON");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    v
}

impl TestApp {
    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        self.send(token, reqwest::Method::PATCH, path, body).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Response {
        self.send(token, reqwest::Method::PUT, path, body).await
    }

    /// POST a raw body with a content type (malformed JSON, oversize bodies).
    pub async fn post_raw(&self, token: &str, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).header(reqwest::header::CONTENT_TYPE, content_type).body(body).send().await.unwrap()
    }

    /// GET and expect 200; the JSON body.
    pub async fn get_ok(&self, token: &str, path: &str) -> Value {
        expect_json(self.get(token, path).await, StatusCode::OK).await
    }

    /// The AppState the server runs on (for service calls the API does not expose, e.g. browser sessions).
    pub fn state(&self) -> &AppState {
        &self.store.0
    }

    /// Open a browser session (what the login form does) and return its secret cookie value.
    pub async fn browser_session(&self, username: &str, password: &str) -> String {
        services::login(self.state(), username, password, "browser", "127.0.0.1")
            .await
            .map(|s| s.token)
            .unwrap_or_else(|e| panic!("browser login {username}: {}", e.message()))
    }

    /// Ledger size of any tenant.
    pub async fn ledger_len_of(&self, tenant_id: &str) -> i64 {
        self.store.ledger_size(tenant_id).await.unwrap()
    }

    /// The newest `n` entries of the caller's full-process record, newest first.
    pub async fn newest_entries(&self, token: &str, n: usize) -> Vec<Value> {
        let v = self.get_ok(token, &format!("/api/v1/record?limit={n}")).await;
        v.as_array().expect("record is an array").clone()
    }

    /// People of the demo tenant in one unit, by id.
    pub async fn people_in(&self, unit: &str) -> Vec<chengguan_domain::people::Person> {
        let t = self.tenant_id().await;
        self.store.people(&t).await.unwrap().into_iter().filter(|p| p.org_unit_id == unit).collect()
    }
}

/// Assert the status (showing the body when it differs) and return the JSON body.
pub async fn expect_json(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let url = r.url().to_string();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{url}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: body is not JSON ({e}): {text}"))
}

/// Like `expect_error`, and also require a cited rule; returns the body.
pub async fn expect_rule(r: Response, status: StatusCode, code: &str) -> Value {
    let v = expect_error(r, status, code).await;
    assert!(v["error"]["rule"].as_str().is_some_and(|m| !m.trim().is_empty()), "no rule cited: {v}");
    v
}

/// A JSON 4xx error whatever its code; returns (status, code).
pub async fn expect_client_error(r: Response) -> (StatusCode, String) {
    let status = r.status();
    let url = r.url().to_string();
    let text = r.text().await.unwrap();
    assert!(status.is_client_error(), "{url}: expected 4xx, got {status}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: error body is not JSON ({e}): {text}"));
    let code = v["error"]["code"].as_str().unwrap_or_else(|| panic!("{url}: no error.code: {v}")).to_owned();
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{url}: no message: {v}");
    (status, code)
}

/// Every domain row of a tenant (sessions excepted: logins write them) and its ledger length,
/// to show that a refused request changed nothing at all.
pub struct Snapshot {
    pub tenant: String,
    pub ledger: i64,
    pub rows: Vec<chengguan_domain::Row>,
}

impl TestApp {
    pub async fn snapshot(&self, tenant: &str) -> Snapshot {
        let mut rows = Vec::new();
        for table in chengguan_domain::Table::ALL {
            if table != chengguan_domain::Table::Sessions {
                rows.extend(self.store.table_rows(tenant, table).await.unwrap());
            }
        }
        Snapshot { tenant: tenant.to_owned(), ledger: self.ledger_len_of(tenant).await, rows }
    }

    pub async fn assert_unchanged(&self, before: &Snapshot, what: &str) {
        let now = self.snapshot(&before.tenant).await;
        assert_eq!(now.ledger, before.ledger, "{what}: the record grew");
        if now.rows != before.rows {
            let changed: Vec<_> = now.rows.iter().filter(|r| !before.rows.contains(r)).take(3).collect();
            panic!("{what}: rows changed, e.g. {changed:?}");
        }
    }
}
