//! Extractors that turn malformed input into our JSON error instead of axum's plain text.

use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// JSON body: malformed JSON, unknown fields (types use `deny_unknown_fields`), wrong types and
/// oversize bodies are 4xx with a message.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => {
                let status = e.status();
                let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "invalid_body" };
                Err(AppError::new(status, code, format!("请求体无效: {}", e.body_text()), format!("invalid request body: {}", e.body_text())))
            }
        }
    }
}

/// Query string, with the same treatment.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(Query)
            .map_err(|e| AppError::bad_request("invalid_query", format!("查询参数无效: {e}"), format!("invalid query parameters: {e}")))
    }
}
