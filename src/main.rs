//! The `hospes` command line: serve, worker, migrate, keys, verify, qr, registry-sim, users,
//! documents, names, retention, backup, restore. Each command is a thin call into the library.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use hospes::config::Settings;

#[derive(Parser)]
#[command(name = "hospes", version, about = "Rental check-in and tenant verification with sealed receipts")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the service: HTTP API and pages, plus registry-check workers (HOSPES_WORKERS).
    Serve(#[command(flatten)] Settings),
    /// Runs registry-check workers only (for deployments with HOSPES_WORKERS=0 on `serve`).
    Worker {
        #[command(flatten)]
        settings: Settings,
        /// Workers in this process.
        #[arg(long, default_value_t = 32)]
        count: usize,
    },
    /// Applies the database migrations and exits.
    Migrate(#[command(flatten)] Settings),
    /// Manages the seal key ring.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Verifies a receipt (JSON), a single compact JWS, or the text of a receipt QR code, offline.
    /// Exits 0 only when every seal in it is valid.
    Verify(VerifyArgs),
    /// The transparency log of seals: checks that a newer checkpoint extends an older one.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// The simulated population registry: serves it over HTTP, or prints its people or a
    /// person's identity credential.
    RegistrySim(RegistrySimArgs),
    /// Manages accounts: landlords, police officers (with their jurisdictions) and admins, and
    /// the second factors of the last two.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Partner systems and their API keys (create, list, issue a key shown once, revoke).
    /// Settings (HOSPES_* variables or flags) go before the subcommand.
    Partners {
        #[command(flatten)]
        settings: Settings,
        #[command(subcommand)]
        command: hospes::partners::cli::PartnersCommand,
    },
    /// The jurisdictions police officers work in (ISO 3166-2 codes).
    Jurisdictions {
        #[command(subcommand)]
        command: JurisdictionsCommand,
    },
    /// The append-only, hash-chained audit log: list, verify, seal its head.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The job queue: dead letters and requeuing.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Identity-document numbers and machine-readable zones.
    Documents {
        #[command(subcommand)]
        command: DocumentsCommand,
    },
    /// Name comparison as the registry check does it.
    Names {
        #[command(subcommand)]
        command: NamesCommand,
    },
    /// Retention of personal data: what is due, and the purge.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Writes an encrypted, consistent snapshot of the SQLite database (or encrypts standard
    /// input, e.g. a pg_dump archive) under the active data key.
    Backup {
        /// The encrypted backup to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Encrypt standard input instead of snapshotting the database (for pg_dump).
        #[arg(long)]
        stdin: bool,
        #[command(flatten)]
        settings: Settings,
    },
    /// Decrypts a backup into a new file (`-`: standard output, e.g. into pg_restore); a SQLite
    /// database is checked with PRAGMA integrity_check.
    Restore {
        /// The encrypted backup.
        file: PathBuf,
        /// Where to write the restored file (must not exist), or `-`.
        #[arg(long)]
        to: String,
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
    /// QR codes in photos.
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
}

#[derive(Subcommand)]
enum QrCommand {
    /// Decodes the QR codes in image files (JPEG, PNG, GIF, WebP, BMP, TIFF; the format is read
    /// from the bytes, not the name). Exits 1 if any file yields no text.
    Decode {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file: {"file", "texts" | "error", "ms"}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Shows, per jurisdiction, the check-ins due for erasure now, held, and due soon.
    Report {
        /// Also count check-ins due within this many days.
        #[arg(long, default_value_t = 30)]
        horizon_days: i64,
        /// JSON Lines output.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        settings: Settings,
    },
    /// Erases the personal data of every check-in due now and seals `purged` (what `serve` and
    /// `worker` do every HOSPES_RETENTION_INTERVAL_SECS).
    Purge {
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum DocumentsCommand {
    /// Reads JSON Lines on stdin (`{"scheme"|"country", "input"}` or `{"mrz"}`) and prints one
    /// verdict per line.
    Validate {
        /// JSON Lines in and out (the only format).
        #[arg(long)]
        json: bool,
        /// Reference date for birth-date plausibility and expiry (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum NamesCommand {
    /// Reads `{"registry": ..., "declared": ...}` lines on stdin and prints one decision per line.
    Match {
        /// JSON Lines in and out (the only format).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Lists the dead letters, newest first (tab-separated: id, kind, check-in, attempts,
    /// last error, dead since).
    Dead {
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[command(flatten)]
        settings: Settings,
    },
    /// Puts dead letters back in the queue with fresh attempts. A registry check of a check-in
    /// flagged `registry_unavailable` asks the registry again and seals its real answer.
    Retry {
        /// The job ids to requeue.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Requeue every dead letter.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        settings: Settings,
    },
    /// Queue depth, jobs running, dead letters, and the age of the oldest ready job.
    Stats {
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Generates a new seal key (it becomes the active one).
    Generate {
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
    /// Rotates the seal key: a new key signs from the next start of each instance; every other
    /// key is retired after the overlap and stays published (with its validity period) so that
    /// its seals keep verifying. Restart every instance within the overlap.
    Rotate {
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
        /// Seconds the old key stays valid for instances not yet restarted.
        #[arg(long, default_value_t = 3600)]
        overlap_secs: i64,
    },
    /// Lists the keys with their key ids.
    List {
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
    /// Prints the JWKS (RFC 7517) of every published key.
    ExportJwks {
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
    /// Generates a new data key (it encrypts from then on) and, if missing, the blind-index key.
    GenerateData {
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
    /// Re-encrypts every personal field under the active data key, in batches (one transaction
    /// each); interrupted, it goes on where it stopped when run again. First `generate-data`, and
    /// restart every instance so that all of them know the new key.
    RotateData {
        /// Rows per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Checks, offline, that the checkpoint NEW extends the checkpoint OLD (RFC 9162 consistency):
    /// both signed by a key of the JWKS, same log, nothing removed or rewritten in between.
    /// Exits 0 only when it does.
    Verify {
        /// The older checkpoint (a C2SP signed note, as `GET /v1/log/checkpoint` serves).
        #[arg(long)]
        from: PathBuf,
        /// The newer checkpoint.
        #[arg(long)]
        to: PathBuf,
        /// The consistency proof, a JSON file as `GET /v1/log/proof/consistency` serves.
        #[arg(long, conflicts_with = "log")]
        proof: Option<PathBuf>,
        /// The service's base URL, to fetch the consistency proof from.
        #[arg(long)]
        log: Option<String>,
        /// The public keys: a JWKS file or URL (default: the public keys in HOSPES_KEYS_DIR).
        #[arg(long)]
        jwks: Option<String>,
        #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
    },
}

#[derive(Args)]
struct VerifyArgs {
    /// The receipt file, or `-` for standard input.
    file: String,
    /// The public keys: a JWKS file or URL (default: the public keys in HOSPES_KEYS_DIR).
    #[arg(long)]
    jwks: Option<String>,
    /// A transparency-log checkpoint (C2SP signed note) to check every seal's inclusion against;
    /// the receipt's proofs must be for its tree size (`GET /v1/checkins/{id}/receipt?tree_size=N`).
    /// Default: the receipt's own checkpoint.
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    #[arg(long, env = "HOSPES_KEYS_DIR", default_value = "keys")]
    keys_dir: PathBuf,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct RegistrySimArgs {
    #[command(subcommand)]
    command: Option<SimCommand>,
    /// Address to serve the registry protocol on.
    #[arg(long, default_value = "127.0.0.1:9090")]
    listen: std::net::SocketAddr,
    #[command(flatten)]
    population: PopulationArgs,
    #[command(flatten)]
    faults: hospes::registry::server::Faults,
}

#[derive(Args, Clone, Copy)]
struct PopulationArgs {
    /// Number of synthetic people.
    #[arg(long, default_value_t = hospes::registry::sim::DEFAULT_POPULATION)]
    population: usize,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = hospes::registry::sim::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Subcommand)]
enum SimCommand {
    /// Prints the synthetic population, one person per line, in the shape of a check-in's person
    /// plus the registry's `truth`.
    People {
        #[command(flatten)]
        population: PopulationArgs,
        /// JSON Lines output (the only format).
        #[arg(long)]
        json: bool,
    },
    /// Issues a person's identity credential as a QR code image (PNG), or prints its text.
    Credential {
        #[command(flatten)]
        population: PopulationArgs,
        /// The person's position in the population (0-based).
        #[arg(long, conflicts_with = "document")]
        index: Option<usize>,
        /// The person's document number.
        #[arg(long)]
        document: Option<String>,
        /// Where to write the PNG (default: standard output as text).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Days until the credential expires.
        #[arg(long, default_value_t = 30)]
        ttl_days: i64,
        /// Pixels per QR module in the PNG.
        #[arg(long, default_value_t = 6)]
        module_px: u32,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Adds an account; the password is read from standard input (at least 12 characters).
    Add {
        #[arg(long)]
        role: hospes::store::Role,
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// ISO 3166-2 jurisdiction(s) of a police officer (repeat or separate with commas).
        #[arg(long, value_delimiter = ',')]
        jurisdiction: Vec<String>,
        #[command(flatten)]
        settings: Settings,
    },
    /// Lists the accounts (tab-separated: id, e-mail, role, jurisdictions, second factor, state).
    List {
        #[command(flatten)]
        settings: Settings,
    },
    /// Prints a one-time link (72 hours) to enrol the second factor of a police or admin account
    /// that has none.
    Enrol {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Removes an account's second factor, recovery codes and sessions; prints a new enrolment
    /// link.
    ResetFactor {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Disables an account (its sessions end at once).
    Disable {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Enables a disabled account.
    Enable {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Sets a police officer's jurisdictions (ISO 3166-2; repeat or separate with commas).
    Jurisdictions {
        #[arg(long)]
        email: String,
        #[arg(long = "set", value_delimiter = ',', required = true)]
        jurisdiction: Vec<String>,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum JurisdictionsCommand {
    /// Adds a jurisdiction from the ISO 3166-2 list (its name comes from the list).
    Add {
        code: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Lists the jurisdictions (tab-separated: code, name, country).
    List {
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Prints the newest entries as JSON Lines, oldest first.
    List {
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[command(flatten)]
        settings: Settings,
    },
    /// Verifies the hash chain, the stored head and every sealed checkpoint; exits 1 if anything
    /// was altered or removed.
    Verify {
        #[command(flatten)]
        settings: Settings,
    },
    /// Seals the current head now (the service also does every minute).
    Seal {
        #[command(flatten)]
        settings: Settings,
    },
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOSPES_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("HOSPES_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// mimalloc instead of glibc's malloc: the intake path allocates many small, short-lived buffers
/// across threads (JSON, SQL arguments, seals), and the profile showed glibc's allocator at ~14 %
/// of the request threads' time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime starts");
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(settings) => hospes::serve::serve(settings).await?,
        Command::Worker { settings, count } => hospes::serve::worker(settings, count).await?,
        Command::Migrate(settings) => {
            let url = settings.database_url()?;
            let store = hospes::store::connect(&url).await?;
            store.migrate().await?;
            println!("migrated {} database", store.backend());
        }
        Command::Keys { command: KeysCommand::RotateData { batch, settings } } => hospes::privacy::cli::rotate_data(&settings, batch).await?,
        Command::Keys { command } => keys(command)?,
        Command::Retention { command: RetentionCommand::Report { horizon_days, json, settings } } => {
            hospes::privacy::cli::retention_report(&settings, horizon_days, json).await?
        }
        Command::Retention { command: RetentionCommand::Purge { settings } } => hospes::privacy::cli::retention_purge(&settings).await?,
        Command::Backup { out, stdin, settings } => hospes::privacy::cli::backup(&settings, &out, stdin).await?,
        Command::Restore { file, to, keys_dir } => hospes::privacy::cli::restore(&file, &to, &keys_dir).await?,
        Command::Verify(args) => return verify(args).await,
        Command::Log { command: LogCommand::Verify { from, to, proof, log, jwks, keys_dir } } => {
            let ok = hospes::seal::cli::log_verify(&from, &to, proof.as_deref(), log.as_deref(), jwks.as_deref(), &keys_dir,
                &mut std::io::stdout().lock()).await?;
            return Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE });
        }
        Command::RegistrySim(args) => registry_sim(args).await?,
        Command::Users { command } => users(command).await?,
        Command::Partners { settings, command } => hospes::partners::cli::run(open_store(&settings).await?.as_ref(), command).await?,
        Command::Jurisdictions { command } => match command {
            JurisdictionsCommand::Add { code, settings } => hospes::police::cli::add_jurisdiction(&app_of(&settings).await?, &code).await?,
            JurisdictionsCommand::List { settings } => hospes::police::cli::list_jurisdictions(&app_of(&settings).await?).await?,
        },
        Command::Audit { command } => match command {
            AuditCommand::List { limit, settings } => hospes::police::cli::list_audit(&app_of(&settings).await?, limit).await?,
            AuditCommand::Verify { settings } => {
                if !hospes::police::cli::verify_audit(&app_of(&settings).await?).await? {
                    return Ok(ExitCode::FAILURE);
                }
            }
            AuditCommand::Seal { settings } => hospes::police::cli::seal_audit(&app_of(&settings).await?).await?,
        },
        Command::Jobs { command } => jobs(command).await?,
        Command::Documents { command: DocumentsCommand::Validate { json: _, as_of } } => {
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            hospes::identity::cli::documents_validate_jsonl(std::io::stdin().lock(), std::io::stdout().lock(), as_of)?;
        }
        Command::Names { command: NamesCommand::Match { json: _ } } => {
            hospes::identity::cli::names_match_jsonl(std::io::stdin().lock(), std::io::stdout().lock())?;
        }
        Command::Qr { command: QrCommand::Decode { files, json } } => {
            let failures = if json {
                hospes::qr::cli::decode_files(&files, &mut std::io::stdout().lock())?
            } else {
                hospes::qr::cli::print_texts(&files, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())?
            };
            return Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn keys(command: KeysCommand) -> anyhow::Result<()> {
    use hospes::seal::keyring;
    match command {
        KeysCommand::Generate { keys_dir } => {
            let kid = keyring::generate(&keys_dir)?;
            println!("{kid}");
        }
        KeysCommand::Rotate { keys_dir, overlap_secs } => {
            let kid = keyring::rotate(&keys_dir, chrono::Duration::seconds(overlap_secs.max(0)))?;
            println!("{kid}");
        }
        KeysCommand::List { keys_dir } => {
            let ring = hospes::seal::KeyRing::load(&keys_dir)?;
            for e in ring.entries() {
                let state = if e.kid == ring.active_kid() { "active" } else if e.retired.is_some() { "retired" } else { "published" };
                println!("{}\t{}\t{}\t{}", e.kid, e.created, e.retired.as_deref().unwrap_or("-"), state);
            }
            if let Ok(data) = hospes::privacy::DataKeys::load(&keys_dir) {
                for e in data.entries() {
                    let state = if e.kid == data.active_kid() { "data key, active" } else { "data key, decrypts" };
                    println!("{}\t{}\t{}", e.kid, e.created, state);
                }
            }
        }
        KeysCommand::ExportJwks { keys_dir } => {
            let ring = hospes::seal::KeyRing::load(&keys_dir)?;
            println!("{}", serde_json::to_string_pretty(&ring.jwks())?);
        }
        KeysCommand::GenerateData { keys_dir } => {
            let kid = hospes::privacy::keys::generate(&keys_dir)?;
            println!("{kid}");
        }
        KeysCommand::RotateData { .. } => unreachable!("handled by rotate_data"),
    }
    Ok(())
}

async fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let ok = hospes::seal::cli::verify(&args.file, args.jwks.as_deref(), args.checkpoint.as_deref(), &args.keys_dir,
        &mut std::io::stdout().lock()).await?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

async fn registry_sim(args: RegistrySimArgs) -> anyhow::Result<()> {
    use hospes::registry::sim::{Population, SimulatedRegistry};
    match args.command {
        None => {
            let pop = Population::generate(args.population.population, args.population.seed);
            hospes::registry::server::serve(args.listen, SimulatedRegistry::new(pop), args.faults).await?;
        }
        Some(SimCommand::People { population, json: _ }) => {
            let pop = Population::generate(population.population, population.seed);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for p in &pop.people {
                use std::io::Write;
                match writeln!(out, "{}", serde_json::to_string(p)?) {
                    // A reader such as `head` that has seen enough is not an error.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                    other => other?,
                }
            }
        }
        Some(SimCommand::Credential { population, index, document, out, ttl_days, module_px }) => {
            let pop = Population::generate(population.population, population.seed);
            let person = match (index, document) {
                (Some(i), _) => pop.people.get(i).with_context(|| format!("no person {i} in a population of {}", pop.people.len()))?,
                (None, Some(number)) => pop
                    .people
                    .iter()
                    .find(|p| p.person.document.number == number)
                    .context("no person holds that document number")?,
                (None, None) => bail!("give --index or --document"),
            };
            let now = chrono::Utc::now().timestamp();
            let text = hospes::registry::credential::issue(&pop.credential_key(), "hospes registry-sim", &person.person, now, ttl_days * 86_400);
            match out {
                Some(path) => {
                    std::fs::write(&path, hospes::qr::render::png(&text, module_px))?;
                    eprintln!("wrote {}", path.display());
                }
                None => println!("{text}"),
            }
        }
    }
    Ok(())
}

async fn users(command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add { role, email, password_stdin: _, jurisdiction, settings } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if password.chars().count() < 12 {
                bail!("the password must have at least 12 characters");
            }
            let email = email.trim().to_lowercase();
            if !email.contains('@') || email.len() > 254 {
                bail!("--email is not an e-mail address");
            }
            let jurisdictions: Vec<String> = jurisdiction.iter().map(|j| j.trim().to_uppercase()).filter(|j| !j.is_empty()).collect();
            if let Some(bad) = jurisdictions.iter().find(|j| !hospes::identity::intake::is_jurisdiction_code(j)) {
                bail!("--jurisdiction {bad} is not an ISO 3166-2 code such as ES-M");
            }
            if role == hospes::store::Role::Police && jurisdictions.is_empty() {
                bail!("a police account needs at least one --jurisdiction");
            }
            if role != hospes::store::Role::Landlord {
                // Police and admin accounts: known jurisdictions, an enrolment link, the audit log.
                let app = app_of(&settings).await?;
                return hospes::police::cli::add_privileged(&app, role, &email, &jurisdictions, &password).await;
            }
            let url = settings.database_url()?;
            let store = hospes::store::connect(&url).await?;
            store.migrate().await?;
            let user = hospes::store::User {
                id: uuid::Uuid::now_v7().to_string(),
                email,
                password_hash: hospes::http::auth::hash_password(&password),
                role,
                jurisdictions,
                totp_secret: None,
                disabled: false,
                created_at: chrono::Utc::now(),
            };
            match store.create_user(&user).await {
                Ok(()) => println!("{}", user.id),
                Err(hospes::store::StoreError::Conflict(_)) => bail!("an account with that e-mail address exists already"),
                Err(e) => return Err(e.into()),
            }
        }
        UsersCommand::List { settings } => hospes::police::cli::list_users(&app_of(&settings).await?).await?,
        UsersCommand::Enrol { email, settings } => user_action(&settings, &email, UserAction::Enrol).await?,
        UsersCommand::ResetFactor { email, settings } => user_action(&settings, &email, UserAction::ResetFactor).await?,
        UsersCommand::Disable { email, settings } => user_action(&settings, &email, UserAction::Disable).await?,
        UsersCommand::Enable { email, settings } => user_action(&settings, &email, UserAction::Enable).await?,
        UsersCommand::Jurisdictions { email, jurisdiction, settings } => {
            user_action(&settings, &email, UserAction::Jurisdictions(jurisdiction)).await?
        }
    }
    Ok(())
}

use hospes::police::cli::UserAction;

async fn user_action(settings: &Settings, email: &str, action: UserAction) -> anyhow::Result<()> {
    hospes::police::cli::user_action(&app_of(settings).await?, email, action).await
}

/// The application (store, keys, workspace key) for commands that act as the operator.
async fn app_of(settings: &Settings) -> anyhow::Result<hospes::app::App> {
    hospes::serve::build_app(settings, std::sync::Arc::new(hospes::clock::SystemClock)).await
}

async fn open_store(settings: &Settings) -> anyhow::Result<std::sync::Arc<dyn hospes::store::Store>> {
    let url = settings.database_url()?;
    let store = hospes::store::connect(&url).await?;
    store.migrate().await?;
    Ok(store)
}

async fn jobs(command: JobsCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        JobsCommand::Dead { limit, settings } => {
            for j in open_store(&settings).await?.dead_jobs(limit).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    j.id,
                    j.kind,
                    j.checkin_id.unwrap_or_default(),
                    j.attempts,
                    j.last_error.unwrap_or_default(),
                    j.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                );
            }
        }
        JobsCommand::Retry { ids, all, settings } => {
            let store = open_store(&settings).await?;
            let n = store.requeue_dead_jobs(if all { None } else { Some(&ids) }, now).await?;
            println!("requeued {n} job(s)");
        }
        JobsCommand::Stats { settings } => {
            let q = open_store(&settings).await?.queue_stats(now).await?;
            println!("ready\t{}\nrunning\t{}\ndead\t{}\noldest_ready_seconds\t{}", q.ready, q.running, q.dead, q.oldest_ready_secs);
        }
    }
    Ok(())
}
