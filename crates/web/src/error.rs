//! One error type for the API and the UI. Input problems are 4xx with a clear message (and the
//! rule that refused, if any); internal errors are logged with an id and never shown in detail.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chengguan_domain::Refusal;
use chengguan_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    pub rule: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `forbidden`, `not_found`, `invalid_id_number`.
    pub code: String,
    /// Chinese, then English.
    pub message: String,
    /// The legal or normative rule that refused, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError { status, code: code.into(), message_zh: zh.into(), message_en: en.into(), rule: None }
    }
    pub fn bad_request(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
    }
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what_zh}不存在"), format!("{what_en} not found"))
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录", "authentication required")
    }
    pub fn refusal(status: StatusCode, r: Refusal) -> Self {
        AppError { status, code: r.code.into(), message_zh: r.message_zh, message_en: r.message_en, rule: r.rule }
    }
    pub fn message(&self) -> String {
        format!("{} / {}", self.message_zh, self.message_en)
    }
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.clone(), message: self.message(), rule: self.rule.clone() } }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        let status = if r.code == "forbidden" { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY };
        AppError::refusal(status, r)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("与已有数据冲突(如编号或用户名重复): {m}"),
                format!("conflicts with existing data: {m}"),
            ),
            StoreError::InvalidText(_) => {
                AppError::bad_request("invalid_text", "文本含有不允许的字符 (NUL)", "text contains a character that cannot be stored (NUL)")
            }
            other => {
                let id = uuid::Uuid::now_v7();
                tracing::error!(error = %other, %id, "internal error");
                AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("内部错误 ({id})"), format!("internal error ({id})"))
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

pub type ApiResult<T> = Result<T, AppError>;
