//! Settings from flags and `HOSPES_*` environment variables, with `*_FILE` variants for secrets.
//!
//! Nothing here writes a configuration file, and no page can override what the environment says.
//! `Debug` never prints a secret (the database URL may carry a password).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// Where the service keeps its state and how it reaches its neighbours.
#[derive(Args, Clone)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "HOSPES_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://PATH` (the embedded default, under the data directory) or
    /// `postgres://...`. `HOSPES_DATABASE_URL_FILE` reads it from a file (it may hold a password).
    #[arg(long, env = "HOSPES_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Directory for the embedded database and other state.
    #[arg(long, env = "HOSPES_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Directory of the key ring (seal keys, invitation secret).
    #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
    pub keys_dir: PathBuf,

    /// Base URL of a population registry over HTTP; without it the simulated registry runs
    /// in-process.
    #[arg(long, env = "HOSPES_REGISTRY_URL")]
    pub registry_url: Option<String>,

    /// Client certificate chain (PEM) for mutual TLS with the registry.
    #[arg(long, env = "HOSPES_REGISTRY_CLIENT_CERT_FILE")]
    pub registry_client_cert_file: Option<PathBuf>,

    /// Private key (PEM) of the client certificate.
    #[arg(long, env = "HOSPES_REGISTRY_CLIENT_KEY_FILE")]
    pub registry_client_key_file: Option<PathBuf>,

    /// A CA certificate (PEM) to trust for the registry, besides the system's roots.
    #[arg(long, env = "HOSPES_REGISTRY_CA_FILE")]
    pub registry_ca_file: Option<PathBuf>,

    /// Timeout of one registry request, in milliseconds.
    #[arg(long, env = "HOSPES_REGISTRY_TIMEOUT_MS", default_value_t = 10_000)]
    pub registry_timeout_ms: u64,

    /// Size of the in-process simulated registry's synthetic population.
    #[arg(long, env = "HOSPES_REGISTRY_POPULATION", default_value_t = crate::registry::sim::DEFAULT_POPULATION)]
    pub registry_population: usize,

    /// Seed of the in-process simulated registry's synthetic population.
    #[arg(long, env = "HOSPES_REGISTRY_SEED", default_value_t = crate::registry::sim::DEFAULT_SEED)]
    pub registry_seed: u64,

    /// Number of registry-check workers inside `serve` (0: run `hospes worker` separately).
    #[arg(long, env = "HOSPES_WORKERS", default_value_t = 32)]
    pub workers: usize,

    /// The URL at which tenants reach this service (printed in invitation QR codes).
    #[arg(long, env = "HOSPES_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// `development` (generates missing keys with a warning) or `production` (refuses to start
    /// without keys and never generates one).
    #[arg(long, env = "HOSPES_ENV", default_value = "development")]
    pub environment: Environment,

    /// How long an invitation printed on a door sign stays valid, in days.
    #[arg(long, env = "HOSPES_INVITATION_TTL_DAYS", default_value_t = 180)]
    pub invitation_ttl_days: u32,

    /// Retention of personal data per country, overriding the profiles' legal defaults:
    /// `ES=3y,DE=12m,IT=transmitted,default=12m` (units d, m, y).
    #[arg(long, env = "HOSPES_RETENTION", default_value = "")]
    pub retention: String,

    /// Seconds between two runs of the retention purge inside `serve` and `worker` (0: never;
    /// run `hospes retention purge` from a scheduler instead).
    #[arg(long, env = "HOSPES_RETENTION_INTERVAL_SECS", default_value_t = 3600)]
    pub retention_interval_secs: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

impl Settings {
    /// The database URL: the flag or variable, else `HOSPES_DATABASE_URL_FILE`, else SQLite in
    /// the data directory.
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        if let Ok(path) = std::env::var("HOSPES_DATABASE_URL_FILE") {
            let url = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read HOSPES_DATABASE_URL_FILE: {e}"))?;
            return Ok(url.trim().to_owned());
        }
        Ok(format!("sqlite://{}", self.data_dir.join("hospes.db").display()))
    }

    /// The retention policy: the profiles' defaults with `HOSPES_RETENTION`'s overrides.
    pub fn retention(&self) -> anyhow::Result<crate::privacy::RetentionPolicy> {
        crate::privacy::RetentionPolicy::parse(&self.retention).map_err(|e| anyhow::anyhow!("HOSPES_RETENTION: {e}"))
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url.as_deref().map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("keys_dir", &self.keys_dir)
            .field("registry_url", &self.registry_url)
            .field("registry_client_cert_file", &self.registry_client_cert_file)
            .field("registry_timeout_ms", &self.registry_timeout_ms)
            .field("workers", &self.workers)
            .field("public_url", &self.public_url)
            .field("environment", &self.environment)
            .field("retention", &self.retention)
            .field("retention_interval_secs", &self.retention_interval_secs)
            .finish()
    }
}

/// A URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(super::redact_url("postgres://app:s3cret@db/hospes"), "postgres://app:***@db/hospes");
        assert_eq!(super::redact_url("sqlite://data/hospes.db"), "sqlite://data/hospes.db");
    }
}
