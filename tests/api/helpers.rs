//! The test harness: the real router on port 0 against a fresh database (SQLite in a temporary
//! directory, or a fresh PostgreSQL database when `HOSPES_TEST_DATABASE=postgres`), the simulated
//! registry, a clock the test controls, and one typed helper per endpoint. Workers are not
//! started; tests drain the job queue synchronously with [`TestApp::drain_jobs`].

use std::sync::Arc;

use hospes::app::App;
use hospes::clock::ManualClock;
use hospes::registry::Registry;
use hospes::registry::sim::{Population, SimulatedRegistry, SyntheticPerson};
use hospes::store::{Role, User};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery staple";
pub const POPULATION: usize = 300;
pub const SEED: u64 = 42;

/// The database a test runs against, dropped when the test ends.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub async fn create() -> TestDb {
        match std::env::var("HOSPES_TEST_DATABASE").as_deref() {
            Ok("postgres") => {
                let admin_url = std::env::var("HOSPES_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let name = format!("hospes_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("HOSPES_TEST_DATABASE=postgres but PostgreSQL is unreachable: {e}"));
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
                admin.close().await;
                let url = match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("HOSPES_TEST_POSTGRES_URL must name a database"),
                };
                TestDb::Postgres { admin_url, name, url }
            }
            Ok("sqlite") | Err(_) => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("hospes.db").display());
                TestDb::Sqlite { _dir: dir, url }
            }
            Ok(other) => panic!("HOSPES_TEST_DATABASE={other}: use sqlite or postgres"),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name, .. } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async code: use a runtime of our own on a thread of our own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
    /// The data keys the store encrypts with (from `_keys_dir`, where the CLI finds them too).
    pub cipher: Arc<hospes::privacy::DataCipher>,
    pub _keys_dir: tempfile::TempDir,
    worker: hospes::jobs::Worker,
}

pub fn population() -> &'static Population {
    static POP: std::sync::OnceLock<Population> = std::sync::OnceLock::new();
    POP.get_or_init(|| Population::generate(POPULATION, SEED))
}

/// The first synthetic person whose document the registry knows as `status`, of `nationality`
/// if given.
pub fn person_with(status: &str, nationality: Option<&str>) -> &'static SyntheticPerson {
    population()
        .people
        .iter()
        .find(|p| {
            serde_json::to_value(p.truth.document_status).unwrap() == status
                && nationality.is_none_or(|n| p.person.nationality == n)
        })
        .unwrap_or_else(|| panic!("no {status} person in the test population"))
}

/// A person as a submission would carry them (the synthetic person without `truth`).
pub fn person_json(p: &SyntheticPerson) -> Value {
    serde_json::to_value(&p.person).unwrap()
}

pub fn stay_json() -> Value {
    json!({"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-04T11:00:00+01:00"})
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let registry = Arc::new(SimulatedRegistry::new(population().clone()));
        Self::spawn_with(registry).await
    }

    pub async fn spawn_with(registry: Arc<dyn Registry>) -> TestApp {
        let db = TestDb::create().await;
        let keys_dir = tempfile::tempdir().expect("temp dir");
        // The seal key first: its validity starts when it is made, and seals are dated by the clock.
        let keys = hospes::seal::KeyRing::load_or_generate(keys_dir.path(), true).expect("key ring");
        // Whole microseconds, as PostgreSQL stores them: a time read back equals the time written
        // (otherwise an age computed from a stored time is a few hundred nanoseconds too long).
        let clock = Arc::new(ManualClock::new(chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6)));
        let data_keys = hospes::privacy::DataKeys::load_or_generate(keys_dir.path(), true).expect("data keys");
        let cipher = Arc::new(hospes::privacy::DataCipher::new(data_keys));
        let store = hospes::store::connect_encrypted(db.url(), cipher.clone()).await.expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let app = App {
            store,
            registry,
            keys: Arc::new(keys),
            clock: clock.clone(),
            invitations: hospes::invitation::InvitationSigner::new([7; 32]),
            qr: hospes::qr::Decoder::new(2, hospes::qr::Limits::default()),
            public_url: base.clone(),
            invitation_ttl: chrono::Duration::days(30),
            wake: Arc::new(tokio::sync::Notify::new()),
            vault: Arc::new(hospes::police::vault::Vault::new([5; 32])),
            retention: hospes::privacy::RetentionPolicy::default(),
        };
        let router = hospes::http::router(app.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.expect("server runs") });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let worker = hospes::jobs::Worker::new(app.clone());
        TestApp { base, client, app, clock, db, cipher, _keys_dir: keys_dir, worker }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Runs every job that is ready now, one at a time, as a worker would.
    pub async fn drain_jobs(&self) -> usize {
        let mut n = 0;
        while self.worker.run_once().await.expect("worker runs a job") {
            n += 1;
            assert!(n < 10_000, "the queue never drains");
        }
        n
    }

    pub async fn add_user(&self, role: Role, email: &str, jurisdictions: &[&str]) -> User {
        let user = User {
            id: uuid::Uuid::now_v7().to_string(),
            email: email.to_owned(),
            password_hash: hospes::http::auth::hash_password(PASSWORD),
            role,
            jurisdictions: jurisdictions.iter().map(|s| s.to_string()).collect(),
            totp_secret: None,
            disabled: false,
            created_at: self.app.now(),
        };
        self.app.store.create_user(&user).await.expect("create user");
        user
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client.post(self.url("/v1/auth/login")).json(&json!({"email": email, "password": password})).send().await.unwrap()
    }

    /// A new landlord, signed in: their bearer token.
    pub async fn landlord(&self, email: &str) -> String {
        self.add_user(Role::Landlord, email, &[]).await;
        let resp = self.login(email, PASSWORD).await;
        assert_eq!(resp.status(), 200);
        resp.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    pub async fn create_property(&self, token: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url("/v1/properties")).bearer_auth(token).json(body).send().await.unwrap()
    }

    /// A property in Madrid for the landlord: its JSON.
    pub async fn madrid_property(&self, token: &str) -> Value {
        let resp = self
            .create_property(
                token,
                &json!({"name": "Flat 3B", "address": "Calle Mayor 1, Madrid", "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}),
            )
            .await;
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }

    pub async fn submit_checkin(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut req = self.client.post(self.url("/v1/checkins")).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn get_checkin(&self, id: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(&format!("/v1/checkins/{id}"))).bearer_auth(token).send().await.unwrap()
    }

    pub async fn receipt(&self, id: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(&format!("/v1/checkins/{id}/receipt"))).bearer_auth(token).send().await.unwrap()
    }

    pub async fn scan(&self, token: &str, photo: Vec<u8>, file_name: &str) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(photo).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().part("photo", part);
        self.client.post(self.url("/v1/credentials/scan")).bearer_auth(token).multipart(form).send().await.unwrap()
    }
}

/// The invitation token of a property (the last segment of its invitation URL).
pub fn invitation_of(property: &Value) -> String {
    property["invitation_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

/// Asserts a problem+json answer with `status` and `code`; returns the problem.
pub async fn assert_problem(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let problem: Value = resp.json().await.unwrap();
    assert_eq!(problem["code"], code, "problem: {problem}");
    assert_eq!(problem["status"], status);
    assert_eq!(problem["type"], format!("/problems/{code}"));
    problem
}
