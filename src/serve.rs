//! Assembling and running the service: `serve` (HTTP and, by default, workers) and `worker`
//! (workers only), with graceful shutdown on SIGTERM or Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{Notify, watch};

use crate::app::App;
use crate::clock::{Clock, SystemClock};
use crate::config::{Environment, Settings};
use crate::jobs::Worker;
use crate::registry::Registry;
use crate::registry::breaker::{Breaker, BreakerConfig};
use crate::registry::http::{HttpRegistry, Tls};
use crate::registry::sim::{Population, SimulatedRegistry};
use crate::seal::KeyRing;

/// Photos decoded at once (each may take a few hundred MB at 48 MP).
pub const CONCURRENT_DECODES: usize = 2;

/// Builds the application from its settings: connects and migrates the database, loads the key
/// ring (generating development keys when allowed), and picks the registry.
pub async fn build_app(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let may_generate = settings.environment == Environment::Development;
    let keys = KeyRing::load_or_generate(&settings.keys_dir, may_generate).context("loading the seal keys")?;
    let secret = crate::seal::keyring::secret(&settings.keys_dir, "invitation.secret", may_generate)
        .context("loading the invitation secret")?;
    let police_key = crate::seal::keyring::secret(&settings.keys_dir, crate::police::vault::KEY_FILE, may_generate)
        .context("loading the police workspace key")?;
    let webhook_seed = crate::seal::keyring::secret(&settings.keys_dir, crate::partners::WEBHOOK_KEY_FILE, may_generate)
        .context("loading the webhook signing key")?;
    let cipher = Arc::new(data_cipher(settings)?);
    let url = settings.database_url()?;
    let store = crate::store::connect_encrypted(&url, cipher)
        .await
        .with_context(|| format!("connecting to {}", crate::config::redact_url(&url)))?;
    store.migrate().await.context("migrating the database")?;
    let registry: Arc<dyn Registry> = match &settings.registry_url {
        Some(url) => {
            let read = |path: &Option<std::path::PathBuf>| -> anyhow::Result<Option<Vec<u8>>> {
                path.as_ref().map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display()))).transpose()
            };
            let identity_pem = match (read(&settings.registry_client_cert_file)?, read(&settings.registry_client_key_file)?) {
                (Some(mut cert), Some(key)) => {
                    cert.extend_from_slice(b"\n");
                    cert.extend_from_slice(&key);
                    Some(cert)
                }
                (None, None) => None,
                _ => anyhow::bail!("HOSPES_REGISTRY_CLIENT_CERT_FILE and HOSPES_REGISTRY_CLIENT_KEY_FILE go together"),
            };
            let tls = Tls { identity_pem, ca_pem: read(&settings.registry_ca_file)? };
            let http = HttpRegistry::with_tls(url, Duration::from_millis(settings.registry_timeout_ms), tls)?;
            Arc::new(Breaker::new(http, BreakerConfig::default()))
        }
        None => Arc::new(SimulatedRegistry::new(Population::generate(settings.registry_population, settings.registry_seed))),
    };
    Ok(App {
        store,
        registry,
        keys: Arc::new(keys),
        clock,
        invitations: crate::invitation::InvitationSigner::new(secret),
        qr: crate::qr::Decoder::new(CONCURRENT_DECODES, crate::qr::Limits::default()),
        public_url: settings.public_url(),
        invitation_ttl: chrono::Duration::days(i64::from(settings.invitation_ttl_days)),
        wake: Arc::new(Notify::new()),
        vault: Arc::new(crate::police::vault::Vault::new(police_key)),
        retention: settings.retention()?,
        partners: Arc::new(crate::partners::Partners::new(webhook_seed, settings.webhook_allow_private)),
    })
}

/// The data keys of `settings.keys_dir` (generated in development, required in production).
pub fn data_cipher(settings: &Settings) -> anyhow::Result<crate::privacy::DataCipher> {
    let may_generate = settings.environment == Environment::Development;
    let keys = crate::privacy::DataKeys::load_or_generate(&settings.keys_dir, may_generate).context("loading the data keys")?;
    Ok(crate::privacy::DataCipher::new(keys))
}

/// Starts `n` workers; they stop (after finishing their current job) when `shutdown` turns true.
pub fn spawn_workers(app: &App, n: usize, shutdown: &watch::Receiver<bool>) -> tokio::task::JoinSet<()> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        set.spawn(Worker::new(app.clone()).run(shutdown.clone()));
    }
    set
}

/// Resolves when the process is asked to stop (SIGTERM or Ctrl-C).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// `hospes serve`.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = build_app(&settings, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen).await.with_context(|| format!("binding {}", settings.listen))?;
    tracing::info!(listen = %listener.local_addr()?, database = app.store.backend(), workers = settings.workers,
        registry = if settings.registry_url.is_some() { "http" } else { "simulated" }, "hospes serving");
    let (stop, stopped) = watch::channel(false);
    let mut workers = spawn_workers(&app, settings.workers, &stopped);
    workers.spawn(crate::audit::seal_every(app.clone(), stopped.clone()));
    if settings.workers > 0 {
        workers.spawn(crate::jobs::retention::run_every(app.clone(), Duration::from_secs(settings.retention_interval_secs), stopped.clone()));
    }
    let router = crate::http::router(app);
    axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await?;
    let _ = stop.send(true);
    while workers.join_next().await.is_some() {}
    tracing::info!("hospes stopped");
    Ok(())
}

/// `hospes worker`: workers only, no HTTP.
pub async fn worker(settings: Settings, count: usize) -> anyhow::Result<()> {
    let app = build_app(&settings, Arc::new(SystemClock)).await?;
    let (stop, stopped) = watch::channel(false);
    let mut workers = spawn_workers(&app, count, &stopped);
    workers.spawn(crate::jobs::retention::run_every(app.clone(), Duration::from_secs(settings.retention_interval_secs), stopped.clone()));
    shutdown_signal().await;
    tracing::info!("stopping workers after their current job");
    let _ = stop.send(true);
    while workers.join_next().await.is_some() {}
    Ok(())
}
