//! The full-process record to the outside world: signed checkpoints, entries, inclusion and
//! consistency proofs and the public key (no login: anyone holding a document can check it),
//! the public verify page, on-demand checkpoints, and evidence upload and download.

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::Query;
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chengguan_domain::auth::Action;
use chengguan_domain::checkpoint;
use chengguan_domain::merkle;
use chengguan_domain::{Change, Row, Table};
use chengguan_store::evidence::EvidenceError;
use chengguan_store::{Checkpoint, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ledger/public-key", get(public_key))
        .route("/api/v1/ledger/{tenant}/checkpoint", get(latest_checkpoint).post(make_checkpoint))
        .route("/api/v1/ledger/{tenant}/checkpoints/{size}", get(checkpoint_at))
        .route("/api/v1/ledger/{tenant}/entries/{seq}", get(entry))
        .route("/api/v1/ledger/{tenant}/entries/{seq}/proof", get(inclusion))
        .route("/api/v1/ledger/{tenant}/consistency", get(consistency))
        .route("/api/v1/evidence", post(upload).layer(DefaultBodyLimit::disable()))
        .route("/api/v1/evidence/{sha256}", get(download))
        .route("/public/verify/{tenant}/{seq}", get(verify_page))
        .route("/public/ledger-key", get(public_key))
}

fn origin(t: &Tenant) -> String {
    format!("chengguan/{}", t.code)
}

async fn tenant(state: &AppState, code: &str) -> ApiResult<Tenant> {
    state.store.tenant_by_code(code).await?.ok_or_else(|| AppError::not_found("租户", "tenant"))
}

/// Sign and store a checkpoint of the tenant's log as it is now (none if nothing changed).
pub async fn checkpoint_now(state: &AppState, t: &Tenant) -> ApiResult<Option<Checkpoint>> {
    let (size, root) = state.store.tree_head(&t.id).await?;
    if size == 0 || state.store.checkpoint_at(&t.id, size as i64).await?.is_some() {
        return Ok(None);
    }
    let body = checkpoint::Checkpoint { origin: origin(t), size, root, time_ms: chrono::Utc::now().timestamp_millis() };
    let cp = Checkpoint { size: size as i64, time_ms: body.time_ms, root_hash: hex::encode(root), note: state.signer.sign(&body) };
    state.store.save_checkpoint(&t.id, &cp).await?;
    Ok(Some(cp))
}

/// Checkpoint every tenant whose log grew (the periodic task).
pub async fn checkpoint_all(state: &AppState) -> ApiResult<usize> {
    let mut n = 0;
    for t in state.store.tenants().await? {
        n += checkpoint_now(state, &t).await?.is_some() as usize;
    }
    Ok(n)
}

async fn latest(state: &AppState, t: &Tenant) -> ApiResult<Checkpoint> {
    state.store.checkpoints(&t.id).await?.pop().ok_or_else(|| AppError::not_found("检查点", "checkpoint"))
}

fn note(cp: &Checkpoint) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], cp.note.clone()).into_response()
}

/// The verifier key for checkpoint signatures, in signed-note `vkey` form.
#[utoipa::path(get, path = "/api/v1/ledger/public-key", responses((status = 200, description = "vkey text", content_type = "text/plain")))]
async fn public_key(State(s): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", s.signer.vkey()))
}

/// The latest signed checkpoint (C2SP signed note).
#[utoipa::path(get, path = "/api/v1/ledger/{tenant}/checkpoint", params(("tenant" = String, Path, description = "tenant code")),
    responses((status = 200, description = "signed note", content_type = "text/plain"), (status = 404, body = ErrorBody)))]
async fn latest_checkpoint(State(s): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let t = tenant(&s, &code).await?;
    Ok(note(&latest(&s, &t).await?))
}

/// Make a checkpoint now (administrators of the tenant).
#[utoipa::path(post, path = "/api/v1/ledger/{tenant}/checkpoint", params(("tenant" = String, Path)),
    responses((status = 200, description = "signed note", content_type = "text/plain"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn make_checkpoint(ctx: Ctx, Path(code): Path<String>) -> ApiResult<Response> {
    let t = tenant(&ctx.state, &code).await?;
    if t.id != ctx.tenant_id {
        return Err(AppError::not_found("租户", "tenant"));
    }
    ctx.require(Action::ManageOrg, None)?;
    checkpoint_now(&ctx.state, &t).await?;
    Ok(note(&latest(&ctx.state, &t).await?))
}

/// The checkpoint made at a tree size.
#[utoipa::path(get, path = "/api/v1/ledger/{tenant}/checkpoints/{size}", params(("tenant" = String, Path), ("size" = i64, Path)),
    responses((status = 200, description = "signed note", content_type = "text/plain"), (status = 404, body = ErrorBody)))]
async fn checkpoint_at(State(s): State<AppState>, Path((code, size)): Path<(String, i64)>) -> ApiResult<Response> {
    let t = tenant(&s, &code).await?;
    Ok(note(&s.store.checkpoint_at(&t.id, size).await?.ok_or_else(|| AppError::not_found("检查点", "checkpoint"))?))
}

/// What anyone may see of an entry: no payload (it holds the rows, with personal data).
#[derive(Serialize, ToSchema)]
pub struct PublicEntry {
    pub seq: i64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload_hash: String,
    pub file_hashes: Vec<String>,
    /// The canonical entry bytes (hex): SHA-256(0x00 ‖ these) is the leaf hash.
    pub entry_bytes: String,
    pub leaf_hash: String,
}

async fn public_entry(s: &AppState, t: &Tenant, seq: i64) -> ApiResult<PublicEntry> {
    let e = s.store.ledger_entry(&t.id, seq).await?.ok_or_else(|| AppError::not_found("记录", "entry"))?;
    let bytes = e.entry().map_err(|m| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "corrupt", m.clone(), m))?.encode();
    Ok(PublicEntry {
        seq: e.seq,
        time: chrono::DateTime::from_timestamp_millis(e.time_ms).map(|t| t.to_rfc3339()).unwrap_or_default(),
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        payload_hash: e.payload_hash,
        file_hashes: e.file_hashes.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
        entry_bytes: hex::encode(bytes),
        leaf_hash: e.leaf_hash,
    })
}

/// One entry's public fields and canonical bytes.
#[utoipa::path(get, path = "/api/v1/ledger/{tenant}/entries/{seq}", params(("tenant" = String, Path), ("seq" = i64, Path)),
    responses((status = 200, body = PublicEntry), (status = 404, body = ErrorBody)))]
async fn entry(State(s): State<AppState>, Path((code, seq)): Path<(String, i64)>) -> ApiResult<Json<PublicEntry>> {
    let t = tenant(&s, &code).await?;
    Ok(Json(public_entry(&s, &t, seq).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProofQuery {
    /// Tree size to prove against; default: the latest checkpoint's (made now if it does not yet
    /// include the entry).
    pub size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionView {
    pub seq: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    /// Audit path, leaf side first (RFC 9162 2.1.3), hex.
    pub proof: Vec<String>,
    pub root_hash: String,
    /// The signed checkpoint at `tree_size`, when there is one.
    pub checkpoint: Option<String>,
}

async fn inclusion_view(s: &AppState, t: &Tenant, seq: u64, size: Option<u64>) -> ApiResult<InclusionView> {
    let len = s.store.ledger_size(&t.id).await? as u64;
    if seq >= len {
        return Err(AppError::not_found("记录", "entry"));
    }
    let size = match size {
        Some(n) if n <= seq || n > len => {
            return Err(AppError::bad_request("invalid_size", format!("树大小须在 {} 至 {len} 之间", seq + 1), format!("size must be {}–{len}", seq + 1)))
        }
        Some(n) => n,
        None => {
            let cps = s.store.checkpoints(&t.id).await?;
            match cps.last().filter(|c| c.size as u64 > seq) {
                Some(c) => c.size as u64,
                None => checkpoint_now(s, t).await?.map(|c| c.size as u64).unwrap_or(len),
            }
        }
    };
    let e = s.store.ledger_entry(&t.id, seq as i64).await?.ok_or_else(|| AppError::not_found("记录", "entry"))?;
    let proof = s.store.inclusion_proof(&t.id, seq, size).await?;
    let root = s.store.root_at(&t.id, size).await?;
    Ok(InclusionView {
        seq,
        tree_size: size,
        leaf_hash: e.leaf_hash,
        proof: proof.iter().map(hex::encode).collect(),
        root_hash: hex::encode(root),
        checkpoint: s.store.checkpoint_at(&t.id, size as i64).await?.map(|c| c.note),
    })
}

/// Inclusion proof of an entry in the tree of a given size (default: the latest checkpoint).
#[utoipa::path(get, path = "/api/v1/ledger/{tenant}/entries/{seq}/proof", params(("tenant" = String, Path), ("seq" = u64, Path), ProofQuery),
    responses((status = 200, body = InclusionView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn inclusion(State(s): State<AppState>, Path((code, seq)): Path<(String, u64)>, Query(q): Query<ProofQuery>) -> ApiResult<Json<InclusionView>> {
    let t = tenant(&s, &code).await?;
    Ok(Json(inclusion_view(&s, &t, seq, q.size).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub first: u64,
    pub second: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyView {
    pub first: u64,
    pub second: u64,
    pub first_root: String,
    pub second_root: String,
    /// RFC 9162 2.1.4 consistency path, hex.
    pub proof: Vec<String>,
}

/// Consistency proof that the tree of `first` entries is a prefix of the tree of `second`.
#[utoipa::path(get, path = "/api/v1/ledger/{tenant}/consistency", params(("tenant" = String, Path), ConsistencyQuery),
    responses((status = 200, body = ConsistencyView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn consistency(State(s): State<AppState>, Path(code): Path<String>, Query(q): Query<ConsistencyQuery>) -> ApiResult<Json<ConsistencyView>> {
    let t = tenant(&s, &code).await?;
    let len = s.store.ledger_size(&t.id).await? as u64;
    if q.first == 0 || q.first > q.second || q.second > len {
        return Err(AppError::bad_request("invalid_size", format!("须满足 1 ≤ first ≤ second ≤ {len}"), format!("need 1 ≤ first ≤ second ≤ {len}")));
    }
    let proof = s.store.consistency_proof(&t.id, q.first, q.second).await?;
    Ok(Json(ConsistencyView {
        first: q.first,
        second: q.second,
        first_root: hex::encode(s.store.root_at(&t.id, q.first).await?),
        second_root: hex::encode(s.store.root_at(&t.id, q.second).await?),
        proof: proof.iter().map(hex::encode).collect(),
    }))
}

// ------------------------------------------------------------------ evidence

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// What the file shows (e.g. 现场照片).
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// The record entry that attached the file.
    pub seq: u64,
}

/// Upload an evidence file as the raw request body (streamed; the type is sniffed from the
/// content). The file's hash goes into the record entry of the upload.
#[utoipa::path(post, path = "/api/v1/evidence", params(UploadQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)), security(("bearer" = [])))]
async fn upload(ctx: Ctx, Query(q): Query<UploadQuery>, body: Body) -> ApiResult<(StatusCode, Json<EvidenceView>)> {
    ctx.require(Action::UploadEvidence, None)?;
    let description = q.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    if description.as_ref().is_some_and(|d| d.chars().count() > 500) {
        return Err(AppError::bad_request("invalid_description", "说明不超过500字", "description must be at most 500 characters"));
    }
    let stored = ctx.state.evidence.put(body.into_data_stream()).await.map_err(|e| match e {
        EvidenceError::TooLarge { limit } => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("文件超过上限 {limit} 字节"),
            format!("file exceeds the limit of {limit} bytes"),
        ),
        EvidenceError::Type(t) => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            format!("不接受的文件类型: {t}(仅限照片、音视频和PDF)"),
            format!("file type not accepted: {t} (photos, audio, video and PDF only)"),
        ),
        EvidenceError::Empty => AppError::bad_request("empty_file", "文件为空", "the file is empty"),
        EvidenceError::Body(m) => AppError::bad_request("upload_interrupted", format!("上传中断: {m}"), format!("upload interrupted: {m}")),
        EvidenceError::Io(e) => AppError::from(chengguan_store::StoreError::Corrupt(format!("evidence store: {e}"))),
    })?;
    let row = Row::new(Table::Evidence)
        .set("tenant_id", ctx.tenant_id.as_str())
        .set("id", stored.sha256.as_str())
        .set("size", stored.size as i64)
        .set("media_type", stored.media_type.as_str())
        .set("uploaded_by", ctx.account.id.as_str())
        .set("uploaded_at", chrono::Utc::now().to_rfc3339())
        .set("description", description);
    let mut change = Change::new("evidence.upload", format!("evidence/{}", stored.sha256)).row(row);
    change.files.push(stored.sha256.clone());
    let c = ctx.state.store.commit(&ctx.tenant_id, &ctx.account.id, &change).await?;
    Ok((StatusCode::CREATED, Json(EvidenceView { sha256: stored.sha256, size: stored.size, media_type: stored.media_type, seq: c.seq })))
}

/// Download an evidence file (streamed).
#[utoipa::path(get, path = "/api/v1/evidence/{sha256}", params(("sha256" = String, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn download(ctx: Ctx, Path(sha256): Path<String>) -> ApiResult<Response> {
    ctx.require(Action::ViewEvidence, None)?;
    let meta = ctx
        .state
        .store
        .table_rows(&ctx.tenant_id, Table::Evidence)
        .await?
        .into_iter()
        .find(|r| r.text("id") == Some(sha256.as_str()))
        .ok_or_else(|| AppError::not_found("证据文件", "evidence file"))?;
    let (file, len) = ctx
        .state
        .evidence
        .open(&sha256)
        .await
        .map_err(|e| AppError::from(chengguan_store::StoreError::Corrupt(format!("evidence store: {e}"))))?
        .ok_or_else(|| AppError::not_found("证据文件", "evidence file"))?;
    let media = meta.text("media_type").unwrap_or("application/octet-stream").to_owned();
    Ok((
        [(header::CONTENT_TYPE, media), (header::CONTENT_LENGTH, len.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{sha256}\""))],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response())
}

// ------------------------------------------------------------------ public verify page

#[derive(Template)]
#[template(path = "public_verify.html")]
struct VerifyPage {
    tenant_name: String,
    tenant_code: String,
    e: PublicEntry,
    proof: InclusionView,
    leaf_ok: bool,
    inclusion_ok: bool,
    signature_ok: bool,
    vkey: String,
}

/// Anyone holding a document checks its record entry: the page recomputes the leaf from the
/// entry bytes, checks the inclusion proof against the signed checkpoint and the signature, and
/// says plainly whether it all holds. The JSON endpoints let them repeat it with their own tools.
async fn verify_page(State(s): State<AppState>, Path((code, seq)): Path<(String, u64)>) -> Response {
    let r: ApiResult<Response> = async {
        let t = tenant(&s, &code).await?;
        let e = public_entry(&s, &t, seq as i64).await?;
        let proof = inclusion_view(&s, &t, seq, None).await?;
        let bytes = hex::decode(&e.entry_bytes).unwrap_or_default();
        let alg = s.store.log_algorithm(&t.id).await?;
        let leaf = alg.leaf(&bytes);
        let leaf_ok = hex::encode(leaf) == e.leaf_hash;
        let path: Vec<merkle::Hash> = proof.proof.iter().filter_map(|h| hex::decode(h).ok()?.try_into().ok()).collect();
        let root: merkle::Hash = hex::decode(&proof.root_hash).ok().and_then(|v| v.try_into().ok()).unwrap_or([0; 32]);
        let inclusion_ok = alg.verify_inclusion(seq, proof.tree_size, &leaf, &path, &root);
        let vkey = s.signer.vkey();
        let signature_ok =
            proof.checkpoint.as_deref().and_then(|n| checkpoint::verify(&vkey, n).ok()).is_some_and(|c| c.root == root && c.size == proof.tree_size);
        let page = VerifyPage { tenant_name: t.name, tenant_code: t.code, e, proof, leaf_ok, inclusion_ok, signature_ok, vkey };
        Ok(Html(page.render().unwrap_or_default()).into_response())
    }
    .await;
    r.unwrap_or_else(|e| crate::ui::UiErr(e).into_response())
}
