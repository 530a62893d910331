//! The privacy commands of the CLI (`keys rotate-data`, `retention report|purge`, `backup`,
//! `restore`): thin calls into this module, the store and the purge job, printing for operators
//! (counts, key ids, paths; never personal data).

use std::path::Path;

use anyhow::Context;

use crate::config::Settings;

/// `hospes keys rotate-data`: re-encrypts every row still under an older data key, batch by
/// batch, and prints the rows per key.
pub async fn rotate_data(settings: &Settings, batch: i64) -> anyhow::Result<()> {
    let cipher = std::sync::Arc::new(crate::serve::data_cipher(settings)?);
    let active = cipher.active_kid().to_owned();
    let store = crate::store::connect_encrypted(&settings.database_url()?, cipher).await?;
    store.migrate().await?;
    let mut total = 0;
    loop {
        let n = store.reencrypt_batch(batch.max(1)).await?;
        if n == 0 {
            break;
        }
        total += n;
        eprintln!("re-encrypted {total} row(s) under {active}");
    }
    for (kid, rows) in store.data_key_usage().await? {
        println!("{kid}\t{rows} row(s)\t{}", if kid == active { "active" } else { "still in use" });
    }
    println!("re-encrypted {total} row(s); every personal field is under data key {active}");
    Ok(())
}

/// `hospes retention report`: per jurisdiction, what is due now, held, and due within the horizon.
pub async fn retention_report(settings: &Settings, horizon_days: i64, json: bool) -> anyhow::Result<()> {
    let app = crate::serve::build_app(settings, std::sync::Arc::new(crate::clock::SystemClock)).await?;
    let lines = crate::jobs::retention::report(&app, chrono::Duration::days(horizon_days)).await?;
    if json {
        for line in &lines {
            println!("{}", serde_json::to_string(line)?);
        }
        return Ok(());
    }
    println!("jurisdiction\tretention\tdue now\theld\tdue within {horizon_days} days\tearliest");
    for l in &lines {
        let earliest = l.earliest.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default();
        println!("{}\t{}\t{}\t{}\t{}\t{}", l.jurisdiction, l.retention, l.due_now, l.held, l.due_within_horizon, earliest);
    }
    if lines.is_empty() {
        println!("nothing is due within {horizon_days} days");
    }
    Ok(())
}

/// `hospes retention purge`: one run of the purge.
pub async fn retention_purge(settings: &Settings) -> anyhow::Result<()> {
    let app = crate::serve::build_app(settings, std::sync::Arc::new(crate::clock::SystemClock)).await?;
    let o = crate::jobs::retention::purge_due(&app).await?;
    println!("purged {}, held {}, purged meanwhile by another instance {}, failed {}", o.purged, o.held, o.raced, o.failed);
    if o.failed > 0 {
        anyhow::bail!("{} purge(s) failed (see the log); run again", o.failed);
    }
    Ok(())
}

/// `hospes backup`: an encrypted snapshot of the SQLite database, or standard input encrypted.
pub async fn backup(settings: &Settings, out: &Path, stdin: bool) -> anyhow::Result<()> {
    let cipher = crate::serve::data_cipher(settings)?;
    if stdin {
        let file = crate::privacy::backup::create_private(out).with_context(|| format!("creating {}", out.display()))?;
        crate::privacy::backup::encrypt(cipher.keys(), std::io::stdin().lock(), std::io::BufWriter::new(file))?;
    } else {
        let bytes = crate::privacy::backup::backup_sqlite(&settings.database_url()?, cipher.keys(), out).await?;
        eprintln!("snapshot of {bytes} bytes");
    }
    println!("wrote {} (encrypted under data key {})", out.display(), cipher.active_kid());
    Ok(())
}

/// `hospes restore`: decrypts a backup into a new file, or to standard output with `-`.
pub async fn restore(file: &Path, to: &str, keys_dir: &Path) -> anyhow::Result<()> {
    let keys = crate::privacy::DataKeys::load(keys_dir).context("loading the data keys")?;
    if to == "-" {
        let input = std::io::BufReader::new(std::fs::File::open(file)?);
        crate::privacy::backup::decrypt(&keys, input, std::io::stdout().lock())?;
    } else {
        let bytes = crate::privacy::backup::restore(&keys, file, Path::new(to)).await?;
        eprintln!("restored {bytes} bytes into {to}");
    }
    Ok(())
}

