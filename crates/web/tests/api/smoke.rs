use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn health_ready_and_openapi() {
    let app = spawn_app().await;
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    let doc: serde_json::Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/people"]["get"].is_object());
}

#[tokio::test]
async fn requests_without_credentials_are_401() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/api/v1/people")).send().await.unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
