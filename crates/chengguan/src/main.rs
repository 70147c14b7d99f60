//! The `chengguan` binary: thin wiring of configuration, store and server.

use anyhow::{bail, Context};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chengguan_domain::checkpoint::{LogAlgorithm, Signer};
use chengguan_domain::demo;
use chengguan_store::evidence::EvidenceStore;
use chengguan_store::Store;
use chengguan_web::{services, AppState};
use clap::{Parser, Subcommand};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, IsTerminal};

#[derive(Parser)]
#[command(name = "chengguan", version, about = "城管执法平台 Chengguan — urban-management law enforcement")]
struct Cli {
    /// Configuration file (default: ./chengguan.toml if present).
    #[arg(long, global = true)]
    config: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve,
    /// Create the demo city, or add what is missing of it (idempotent).
    Demo,
    /// Apply database migrations.
    Migrate,
    /// Create a tenant with its first administrator; asks for the password.
    CreateAdmin {
        #[arg(long)]
        tenant_code: String,
        #[arg(long)]
        tenant_name: String,
        /// Name of the tenant's root org unit, e.g. 某某区人民政府.
        #[arg(long)]
        root_unit: String,
        #[arg(long)]
        username: String,
    },
    /// Verify the full-process record end to end (comes with the full-process-record issue).
    Verify,
    /// Export a tenant (comes with a later issue).
    Export,
    /// Import a tenant (comes with a later issue).
    Import,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Config {
    /// Address to listen on.
    listen: String,
    /// `sqlite://path` or `postgres://…`; default: SQLite in the data directory.
    database_url: Option<String>,
    data_dir: String,
    /// Load the demo city on first start of an empty database.
    demo: bool,
    /// Mark cookies Secure (set when served over HTTPS).
    secure_cookies: bool,
    /// The checkpoint signing key's file (hex seed); default `<data_dir>/ledger-signing.key`.
    ledger_key_file: Option<String>,
    /// Key name printed in checkpoint signatures (e.g. the deployment's host name).
    ledger_key_name: String,
    /// Where evidence files are kept by content hash; default `<data_dir>/evidence`.
    evidence_dir: Option<String>,
    /// Largest evidence file accepted, in bytes (a body-camera video can be gigabytes).
    evidence_max_bytes: u64,
    /// Seconds between automatic checkpoints of every tenant's record.
    checkpoint_interval_secs: u64,
    /// How often the case-deadline sweep runs (seconds).
    deadline_sweep_secs: u64,
    /// Algorithms of new tenants' records: `sha256` (SHA-256 + Ed25519) or `sm3` (SM3 + SM2, 国密).
    ledger_algorithm: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            data_dir: "./data".into(),
            demo: true,
            secure_cookies: false,
            ledger_key_file: None,
            ledger_key_name: "chengguan".into(),
            evidence_dir: None,
            evidence_max_bytes: 8 << 30,
            checkpoint_interval_secs: 300,
            deadline_sweep_secs: 600,
            ledger_algorithm: "sha256".into(),
        }
    }
}

impl Config {
    fn load(path: Option<&str>) -> anyhow::Result<Config> {
        let mut f = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(p) => {
                if !std::path::Path::new(p).exists() {
                    bail!("configuration file {p} not found");
                }
                f = f.merge(Toml::file(p));
            }
            None => f = f.merge(Toml::file("chengguan.toml")),
        }
        f.merge(Env::prefixed("CHENGGUAN_")).extract().context("configuration")
    }
    fn algorithm(&self) -> anyhow::Result<LogAlgorithm> {
        LogAlgorithm::parse(&self.ledger_algorithm).map_err(|e| anyhow::anyhow!("ledger_algorithm: {e}"))
    }
    fn key_file(&self) -> std::path::PathBuf {
        match &self.ledger_key_file {
            Some(f) => f.into(),
            None => std::path::Path::new(&self.data_dir).join("ledger-signing.key"),
        }
    }
    fn evidence(&self) -> anyhow::Result<EvidenceStore> {
        let dir = match &self.evidence_dir {
            Some(d) => d.into(),
            None => std::path::Path::new(&self.data_dir).join("evidence"),
        };
        EvidenceStore::new(&dir, self.evidence_max_bytes).with_context(|| format!("evidence directory {}", dir.display()))
    }
    fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}/chengguan.db", self.data_dir.trim_end_matches('/')))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into())).init();
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    let url = config.database_url();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, &url).await,
        Command::Migrate => {
            let store = Store::connect_with(&url, config.algorithm()?).await.with_context(|| format!("database {}", redact(&url)))?;
            let applied = store.migrate().await?;
            println!("migrations current ({} newly applied)", applied.len());
            Ok(())
        }
        Command::Demo => {
            let store = Store::connect_with(&url, config.algorithm()?).await?;
            let n = services::load_demo(&store, services::today()).await?;
            println!("demo city {}: {n} rows added", demo::DEMO_TENANT_NAME);
            print_logins();
            Ok(())
        }
        Command::CreateAdmin { tenant_code, tenant_name, root_unit, username } => {
            let store = Store::connect_with(&url, config.algorithm()?).await?;
            let password = read_password()?;
            let id = services::create_first_admin(&store, &tenant_code, &tenant_name, &root_unit, &username, &password)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            println!("tenant {tenant_code} ({id}) created with administrator {username}");
            Ok(())
        }
        Command::Verify => verify(&config, &url).await,
        Command::Export | Command::Import => {
            bail!("not available yet: this command arrives with a later release (see the README)")
        }
    }
}

/// The checkpoint signing key: read from its file, or created there (mode 0600) on first use.
fn load_signer(config: &Config, create: bool) -> anyhow::Result<Signer> {
    let path = config.key_file();
    let seed: [u8; 32] = if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        hex::decode(text.trim()).ok().and_then(|v| v.try_into().ok()).with_context(|| format!("{} is not a 32-byte hex seed", path.display()))?
    } else if create {
        let seed: [u8; 32] = rand::random();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(&path, &hex::encode(seed))?;
        println!("created the checkpoint signing key {}", path.display());
        seed
    } else {
        bail!("no checkpoint signing key at {} (set ledger_key_file)", path.display());
    };
    config.algorithm()?.signer_from_seed(&config.ledger_key_name, &seed).map_err(|e| anyhow::anyhow!(e))
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text)?;
    Ok(())
}

/// `chengguan verify`: exit 0 only when every tenant's record is intact.
async fn verify(config: &Config, url: &str) -> anyhow::Result<()> {
    let store = Store::connect_with(url, config.algorithm()?).await?;
    let vkey = load_signer(config, false).ok().map(|s| s.vkey());
    let evidence = Some(config.evidence()?);
    let started = std::time::Instant::now();
    let mut entries = 0;
    for tenant in store.ledger_tenants().await? {
        match store.verify_tenant(&tenant, vkey.as_deref(), evidence.as_ref()).await? {
            Ok(r) => {
                entries += r.entries;
                println!("ok  {}: {} entries, {} checkpoints, {} rows, root {}", r.tenant_id, r.entries, r.checkpoints, r.rows, r.root);
            }
            Err(b) => {
                println!("BROKEN {b}");
                std::process::exit(1);
            }
        }
    }
    println!("the full-process record is intact ({entries} entries in {:.2?})", started.elapsed());
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("password: ")?;
        let again = rpassword::prompt_password("again: ")?;
        if p != again {
            bail!("the passwords differ");
        }
        Ok(p)
    } else {
        // Scripted set-up: the password is the first line of standard input.
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(a), Some(b)) if b > a => format!("{}://***{}", &url[..a], &url[b..]),
        _ => url.to_owned(),
    }
}

fn print_logins() {
    println!("demo logins (password {}):", demo::DEMO_PASSWORD);
    for r in chengguan_domain::auth::Role::ALL {
        let user = if r.code() == "third_party_assessor" { "assessor" } else { r.code() };
        println!("  {user:<16} {}", r.zh());
    }
}

async fn serve(config: Config, url: &str) -> anyhow::Result<()> {
    let store = Store::connect_with(url, config.algorithm()?).await.with_context(|| format!("database {}", redact(url)))?;
    if config.demo && store.tenants().await?.is_empty() {
        services::load_demo(&store, services::today()).await?;
        println!("loaded the demo city {}", demo::DEMO_TENANT_NAME);
    }
    let listener = tokio::net::TcpListener::bind(&config.listen).await.with_context(|| format!("listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!("Chengguan listening on http://{addr}/  (database {})", redact(url));
    if store.tenant_by_code(demo::DEMO_TENANT_CODE).await?.is_some() {
        print_logins();
    }
    let signer = load_signer(&config, true)?;
    let state = AppState::new(store, chengguan_web::Options { secure_cookies: config.secure_cookies, signer, evidence: config.evidence()? });
    if config.demo {
        // Demo cases in several states, made through the case services (once).
        if let Err(e) = chengguan_web::demo_cases::seed(&state).await {
            tracing::warn!(error = %e.message(), "demo cases not seeded");
        }
    }
    // Checkpoints are made periodically (and on demand through the API); a restart loses nothing:
    // they are derived from the stored log.
    let cp_state = state.clone();
    let every = std::time::Duration::from_secs(config.checkpoint_interval_secs.max(1));
    tokio::spawn(async move {
        loop {
            if let Err(e) = chengguan_web::record::checkpoint_all(&cp_state).await {
                tracing::warn!(error = %e.message(), "checkpoint");
            }
            tokio::time::sleep(every).await;
        }
    });
    // The deadline sweep marks near-due and overdue case deadlines; it reads its state from the
    // database, so a restart simply runs it again (idempotent).
    chengguan_web::cases::spawn_sweeper(state.clone(), std::time::Duration::from_secs(config.deadline_sweep_secs.max(1)));
    chengguan_web::serve(state, listener, async {
        tokio::signal::ctrl_c().await.ok();
    })
    .await?;
    Ok(())
}
