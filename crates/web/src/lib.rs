//! Chengguan's HTTP layer: the JSON API under `/api/v1` (OpenAPI at `/api/v1/openapi.json`)
//! and the server-rendered UI. Thin: handlers parse input, call `services`, render output.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod cases_ui;
pub mod demo_cases;
pub mod enforcement;
pub mod enforcement_ui;
pub mod error;
pub mod execution;
pub mod execution_ui;
pub mod extract;
pub mod i18n;
pub mod limiter;
pub mod overrides;
pub mod power;
pub mod receipts;
pub mod record;
pub mod services;
pub mod tenant_cache;
pub mod ui;

use axum::http::{header, HeaderValue};
use axum::Router;
use chengguan_domain::auth::Policy;
use chengguan_domain::rules::Profile;
use chengguan_store::Store;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (JSON and forms). Evidence uploads get their own streaming path.
pub const BODY_LIMIT: usize = 256 * 1024;

pub struct Inner {
    pub store: Store,
    pub policy: Policy,
    pub profile: Profile,
    /// Failed logins per account name, and per client address (a higher, separate limit).
    pub login_limiter: limiter::FailureLimiter,
    pub address_limiter: limiter::FailureLimiter,
    /// Verified against when a username does not exist, to keep timing uniform.
    pub dummy_hash: String,
    /// Set the `Secure` flag on cookies (deployments behind HTTPS).
    pub secure_cookies: bool,
    /// Signs the full-process record's checkpoints.
    pub signer: chengguan_domain::checkpoint::Signer,
    /// Uploaded evidence files, by content hash.
    pub evidence: chengguan_store::evidence::EvidenceStore,
    /// The national procedural rule profile (periods, thresholds, with citations); a tenant's
    /// effective profile adds its active overlay (`overrides::effective`).
    pub procedure: chengguan_domain::profile::ProcedureProfile,
    /// The national working-day calendar; a tenant's effective calendar adds its active local
    /// days (`overrides::effective`).
    pub calendar: chengguan_domain::calendar::Calendar,
    /// The bureau's clock (UTC+8). Tests move it forward to pass statutory periods.
    pub clock: Clock,
    /// Per-tenant reference data of the case commands (`cases::reference`).
    pub case_cache: cases::RefCache,
    /// Per-tenant org graph for the `Ctx` extractor (`auth::org_graph`).
    pub org_cache: tenant_cache::TenantCache<chengguan_domain::org::OrgGraph>,
    /// Per account (key `tenant/account`): the `Ctx` extractor's account, tenant name and grants.
    pub principal_cache: tenant_cache::TenantCache<auth::Principal>,
    /// Sessions by token hash, for the `Ctx` extractor (`auth::session`).
    pub session_cache: tenant_cache::TenantCache<chengguan_store::Session>,
    /// Per tenant: document-number series versions for case commands (`cases::SeriesCache`).
    pub series_cache: cases::SeriesCache,
}

/// The bureau's local time (Asia/Shanghai, UTC+8, no daylight saving), with an offset that only
/// tests set (`advance`), so periods of days can be exercised over HTTP.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: std::sync::atomic::AtomicI64,
}

/// A fixed "today" for test processes (set once by the test harness before any server starts), so
/// the suites do not depend on the date they run on — e.g. on whether a period runs into a year
/// whose holiday notice is not yet in the calendar. Production never sets it.
static FIXED_TODAY: std::sync::OnceLock<chrono::NaiveDate> = std::sync::OnceLock::new();

/// Tests only: fixes the date `services::today()` and `Clock::now()` start from.
pub fn fix_today_for_tests(day: chrono::NaiveDate) {
    let _ = FIXED_TODAY.set(day);
}

/// The real local time, or the fixed test day at the real time of day.
pub(crate) fn local_now() -> chrono::NaiveDateTime {
    let real = (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc();
    match FIXED_TODAY.get() {
        Some(d) => d.and_time(real.time()),
        None => real,
    }
}

impl Clock {
    pub fn now(&self) -> chrono::NaiveDateTime {
        let offset = self.offset_secs.load(std::sync::atomic::Ordering::Relaxed);
        local_now() + chrono::Duration::seconds(offset)
    }
    /// Moves the clock forward (tests only; production never calls it).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_secs.fetch_add(by.num_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// What a server needs besides its store.
pub struct Options {
    pub secure_cookies: bool,
    pub signer: chengguan_domain::checkpoint::Signer,
    pub evidence: chengguan_store::evidence::EvidenceStore,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, options: Options) -> AppState {
        let profile = Profile::national();
        let limit = profile.auth.login_attempts_per_minute.value.max(1) as usize;
        let address_limit = profile.auth.login_failures_per_address_per_minute.value.max(1) as usize;
        AppState(Arc::new(Inner {
            store,
            policy: Policy::standard(),
            profile,
            login_limiter: limiter::FailureLimiter::new(limit),
            address_limiter: limiter::FailureLimiter::new(address_limit),
            dummy_hash: auth::hash_password("not-a-real-password-0"),
            secure_cookies: options.secure_cookies,
            signer: options.signer,
            evidence: options.evidence,
            procedure: chengguan_domain::profile::ProcedureProfile::national(),
            calendar: chengguan_domain::calendar::Calendar::national().clone(),
            clock: Clock::default(),
            case_cache: Default::default(),
            org_cache: Default::default(),
            principal_cache: Default::default(),
            session_cache: Default::default(),
            series_cache: Default::default(),
        }))
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(ui::routes())
        .merge(record::routes())
        .merge(calendar::routes())
        .merge(overrides::routes())
        .merge(power::routes())
        .merge(cases::routes())
        .merge(cases_ui::routes())
        .merge(execution::routes())
        .merge(execution_ui::routes())
        .merge(receipts::routes())
        .merge(enforcement::routes())
        .merge(enforcement_ui::routes())
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .with_state(state)
}

/// Bind and serve until the future `shutdown` resolves. Returns the bound address via `on_bound`.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
