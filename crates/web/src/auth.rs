//! Authentication: Argon2id password hashes, opaque session/API tokens stored hashed, CSRF
//! tokens derived from the session secret, and the request context extractor.

use crate::error::AppError;
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use chengguan_domain::auth::{Action, Grant};
use chengguan_domain::org::OrgGraph;
use chengguan_store::Account;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "cg_session";

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing").to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh secret token (256 bits) and its stored id (SHA-256, hex).
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = hex::encode(bytes);
    let id = token_id(&token);
    (token, id)
}

pub fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token of a browser session: derived from its secret, so it needs no storage and
/// cannot be computed without the cookie.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(&Sha256::digest(format!("csrf:{session_token}").as_bytes())[..16])
}

pub fn password_policy(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if !(10..=128).contains(&n) || classes < 3 {
        return Err(AppError::bad_request(
            "weak_password",
            "密码须为10至128个字符,且包含大写字母、小写字母、数字、符号中的至少三类",
            "password must be 10–128 characters with at least three of: lower case, upper case, digits, symbols",
        )
        .with_rule("GB/T 22239-2019 8.1.4.1 a (口令复杂度)"));
    }
    Ok(())
}

impl AppError {
    pub fn with_rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.into());
        self
    }
}

/// Who is asking, within which tenant, with which grants. Extracted from the session cookie or
/// a bearer token on every request that needs it.
#[derive(Clone)]
pub struct Ctx {
    pub tenant_id: String,
    pub tenant_name: String,
    pub account: Account,
    pub grants: Vec<Grant>,
    pub org: Arc<OrgGraph>,
    /// The raw session token when authenticated by cookie (for CSRF); None for bearer tokens.
    pub cookie_token: Option<String>,
    pub session_id: String,
    pub state: AppState,
}

impl Ctx {
    pub fn can(&self, action: Action, unit: Option<&str>) -> bool {
        self.state.policy.allows(&self.grants, action, unit, &self.org)
    }
    pub fn require(&self, action: Action, unit: Option<&str>) -> Result<(), AppError> {
        self.state.policy.authorize(&self.grants, action, unit, &self.org).map_err(AppError::from)
    }
    pub fn csrf(&self) -> String {
        self.cookie_token.as_deref().map(csrf_token).unwrap_or_default()
    }
    pub fn check_csrf(&self, given: &str) -> Result<(), AppError> {
        match &self.cookie_token {
            None => Ok(()),
            Some(t) if constant_eq(csrf_token(t).as_bytes(), given.as_bytes()) => Ok(()),
            Some(_) => Err(AppError::new(StatusCode::FORBIDDEN, "csrf", "表单已失效或来源不明,请刷新后重试", "missing or wrong CSRF token")),
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The tenant's org graph, cached per tenant (`tenant_cache`): rebuilt when this process writes
/// reference data and at least every `tenant_cache::TTL`. Sessions are read fresh on every request;
/// the account and grants come from `principal`.
pub async fn org_graph(state: &AppState, tenant: &str) -> Result<Arc<OrgGraph>, AppError> {
    let generation = state.store.reference_generation(tenant);
    if let Some(g) = state.org_cache.get(tenant, generation) {
        return Ok(g);
    }
    let g = Arc::new(state.store.org_graph(tenant).await?);
    state.org_cache.put(tenant, generation, g.clone());
    Ok(g)
}

/// A session by its token's hash, cached like the principal: a login, logout or revocation this
/// process commits applies to the next request (every session write makes the cache stale), one
/// committed by another process within `tenant_cache::TTL`. Expiry is checked on every request.
async fn session(state: &AppState, token_id: &str) -> Result<Option<Arc<chengguan_store::Session>>, AppError> {
    let generation = state.store.session_generation();
    if let Some(s) = state.session_cache.get(token_id, generation) {
        return Ok(Some(s));
    }
    let Some(s) = state.store.session(token_id).await? else { return Ok(None) };
    let s = Arc::new(s);
    state.session_cache.put(token_id, generation, s.clone());
    Ok(Some(s))
}

/// Who a session speaks for: its active account, the tenant's name and the account's grants.
pub struct Principal {
    account: Account,
    tenant_name: String,
    grants: Vec<Grant>,
}

/// The session's principal, cached per account like the org graph (`tenant_cache`): accounts,
/// tenants and grants are reference data, so a change this process commits (deactivation, a
/// grant withdrawn) applies to the next request, and one made by another process within
/// `tenant_cache::TTL`. The session itself (revocation, expiry) is read on every request.
async fn principal(state: &AppState, tenant: &str, account_id: &str) -> Result<Arc<Principal>, AppError> {
    let generation = state.store.reference_generation(tenant);
    let key = format!("{tenant}/{account_id}");
    if let Some(p) = state.principal_cache.get(&key, generation) {
        return Ok(p);
    }
    let account = state.store.account(tenant, account_id).await?.filter(|a| a.active).ok_or_else(AppError::unauthorized)?;
    let t = state.store.tenant(tenant).await?.ok_or_else(AppError::unauthorized)?;
    let grants = state.store.grants(tenant, account_id).await?;
    let p = Arc::new(Principal { account, tenant_name: t.name, grants });
    state.principal_cache.put(&key, generation, p.clone());
    Ok(p)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        let (token, by_cookie) = match (bearer, cookie_value(parts, SESSION_COOKIE)) {
            (Some(t), _) => (t.to_owned(), false),
            (None, Some(c)) => (c.to_owned(), true),
            (None, None) => return Err(AppError::unauthorized()),
        };
        let session = session(state, &token_id(&token)).await?.ok_or_else(AppError::unauthorized)?;
        let expired = chrono::DateTime::parse_from_rfc3339(&session.expires_at).map_or(true, |t| t < chrono::Utc::now());
        if session.revoked_at.is_some() || expired || (session.kind == "api") == by_cookie {
            return Err(AppError::unauthorized());
        }
        let who = principal(state, &session.tenant_id, &session.account_id).await?;
        let org = org_graph(state, &session.tenant_id).await?;
        let ctx = Ctx {
            tenant_id: session.tenant_id.clone(),
            tenant_name: who.tenant_name.clone(),
            account: who.account.clone(),
            grants: who.grants.clone(),
            org,
            cookie_token: by_cookie.then_some(token),
            session_id: session.id.clone(),
            state: state.clone(),
        };
        // Cookie-authenticated API writes need the CSRF header (forms carry it in the body).
        if by_cookie && parts.uri.path().starts_with("/api/") && !matches!(parts.method, Method::GET | Method::HEAD) {
            let given = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            ctx.check_csrf(given)?;
        }
        Ok(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("Correct-Horse-1");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct-Horse-1", &h));
        assert!(!verify_password("Correct-Horse-2", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn password_policy_needs_length_and_three_classes() {
        assert!(password_policy("short1A!").is_err());
        assert!(password_policy("alllowercaseletters").is_err());
        assert!(password_policy("Chengguan@2026").is_ok());
    }
}
