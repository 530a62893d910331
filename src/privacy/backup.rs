//! Encrypted backups.
//!
//! `hospes backup` takes a consistent snapshot of the SQLite database with `VACUUM INTO` (a
//! read transaction: it sees one committed state and runs while the service writes), in a
//! private directory, and encrypts it under the active data key; the plaintext snapshot is
//! removed. Any other file (a `pg_dump` archive on standard input) is encrypted the same way.
//! `hospes restore` decrypts, refuses to overwrite, and checks a restored SQLite database with
//! `PRAGMA integrity_check`.
//!
//! File format: `HOSPES-BACKUP-1\n`, the key id (one length byte, then its bytes), a 19-byte
//! nonce prefix, then the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015; the
//! `aead::stream` big-endian 32-bit counter variant) of XChaCha20-Poly1305 over 64 KiB chunks,
//! every chunk authenticated with the header as associated data: a truncated, reordered or
//! altered backup does not decrypt.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};

use super::keys::DataKeys;

const MAGIC: &[u8; 16] = b"HOSPES-BACKUP-1\n";
const PREFIX_LEN: usize = 19;
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a hospes backup")]
    NotABackup,
    #[error("the backup is encrypted under data key {0}, which is not in the key ring")]
    UnknownKey(String),
    #[error("the backup does not authenticate (altered, truncated, or the wrong key)")]
    Forged,
    #[error("{0} exists already; restore into a new path")]
    Exists(PathBuf),
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Unsupported(String),
}

/// Encrypts `input` to `output` under the active data key.
pub fn encrypt(keys: &DataKeys, mut input: impl Read, mut output: impl Write) -> Result<(), BackupError> {
    let kid = keys.active_kid();
    let prefix = crate::random_bytes::<PREFIX_LEN>();
    let header = header(kid, &prefix);
    output.write_all(&header)?;
    let aead = XChaCha20Poly1305::new(keys.key(kid).expect("the active key is loaded").as_slice().into());
    let mut stream = EncryptorBE32::from_aead(aead, prefix.as_slice().into());
    let mut current = read_up_to(&mut input, CHUNK)?;
    loop {
        let next = if current.len() == CHUNK { read_up_to(&mut input, CHUNK)? } else { Vec::new() };
        if next.is_empty() {
            let ct = stream.encrypt_last(Payload { msg: &current, aad: &header }).map_err(|_| BackupError::Forged)?;
            output.write_all(&ct)?;
            break;
        }
        let ct = stream.encrypt_next(Payload { msg: &current, aad: &header }).map_err(|_| BackupError::Forged)?;
        output.write_all(&ct)?;
        current = next;
    }
    output.flush()?;
    Ok(())
}

/// Decrypts a backup from `input` to `output`; fails unless every chunk authenticates and the
/// last one is marked last.
pub fn decrypt(keys: &DataKeys, mut input: impl Read, mut output: impl Write) -> Result<(), BackupError> {
    let mut magic = [0u8; 16];
    input.read_exact(&mut magic).map_err(|_| BackupError::NotABackup)?;
    if &magic != MAGIC {
        return Err(BackupError::NotABackup);
    }
    let mut len = [0u8; 1];
    input.read_exact(&mut len).map_err(|_| BackupError::NotABackup)?;
    let mut kid = vec![0u8; usize::from(len[0])];
    input.read_exact(&mut kid).map_err(|_| BackupError::NotABackup)?;
    let kid = String::from_utf8(kid).map_err(|_| BackupError::NotABackup)?;
    let mut prefix = [0u8; PREFIX_LEN];
    input.read_exact(&mut prefix).map_err(|_| BackupError::NotABackup)?;
    let key = keys.key(&kid).ok_or_else(|| BackupError::UnknownKey(kid.clone()))?;
    let header = header(&kid, &prefix);
    let mut stream = DecryptorBE32::from_aead(XChaCha20Poly1305::new(key.as_slice().into()), prefix.as_slice().into());
    let mut current = read_up_to(&mut input, CHUNK + TAG)?;
    loop {
        let next = if current.len() == CHUNK + TAG { read_up_to(&mut input, CHUNK + TAG)? } else { Vec::new() };
        if next.is_empty() {
            let pt = stream.decrypt_last(Payload { msg: &current, aad: &header }).map_err(|_| BackupError::Forged)?;
            output.write_all(&pt)?;
            break;
        }
        let pt = stream.decrypt_next(Payload { msg: &current, aad: &header }).map_err(|_| BackupError::Forged)?;
        output.write_all(&pt)?;
        current = next;
    }
    output.flush()?;
    Ok(())
}

/// `hospes backup` of a SQLite database: a `VACUUM INTO` snapshot in a private directory beside
/// `out`, encrypted into `out` (created, mode 0600, never overwritten); the snapshot is removed.
pub async fn backup_sqlite(database_url: &str, keys: &DataKeys, out: &Path) -> Result<u64, BackupError> {
    if crate::store::is_postgres(database_url) {
        return Err(BackupError::Unsupported(
            "PostgreSQL is backed up with pg_dump: `pg_dump --format=custom URL | hospes backup --stdin --out FILE` (see README)".into(),
        ));
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let scratch = parent.join(format!(".hospes-backup-{}", hex::encode(crate::random_bytes::<8>())));
    create_private_dir(&scratch)?;
    let result = async {
        let snapshot = scratch.join("snapshot.db");
        snapshot_sqlite(database_url, &snapshot).await?;
        let file = create_private(out)?;
        encrypt(keys, std::io::BufReader::new(std::fs::File::open(&snapshot)?), std::io::BufWriter::new(file))?;
        Ok(std::fs::metadata(&snapshot)?.len())
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// `VACUUM INTO` the database of `database_url` into `path` (which must not exist).
async fn snapshot_sqlite(database_url: &str, path: &Path) -> Result<(), BackupError> {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(database_url).map_err(|e| BackupError::Database(e.to_string()))?;
    let mut conn = options.connect().await.map_err(|e| BackupError::Database(e.to_string()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(path.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .map_err(|e| BackupError::Database(e.to_string()))?;
    Ok(())
}

/// `hospes restore`: decrypts `backup` into `to` (which must not exist, created 0600). A SQLite
/// database is checked with `PRAGMA integrity_check`. Returns the restored size in bytes.
pub async fn restore(keys: &DataKeys, backup: &Path, to: &Path) -> Result<u64, BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let input = std::io::BufReader::new(std::fs::File::open(backup)?);
    let result = decrypt(keys, input, std::io::BufWriter::new(create_private(to)?));
    if let Err(e) = result {
        let _ = std::fs::remove_file(to);
        return Err(e);
    }
    let mut magic = [0u8; 16];
    let is_sqlite = std::fs::File::open(to)?.read_exact(&mut magic).is_ok() && &magic == SQLITE_MAGIC;
    if is_sqlite {
        check_sqlite(to).await?;
    }
    Ok(std::fs::metadata(to)?.len())
}

async fn check_sqlite(path: &Path) -> Result<(), BackupError> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| BackupError::Database(e.to_string()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| BackupError::Database(e.to_string()))?;
    if verdict != "ok" {
        return Err(BackupError::Database(format!("the restored database fails its integrity check: {verdict}")));
    }
    Ok(())
}

fn header(kid: &str, prefix: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(MAGIC.len() + 1 + kid.len() + PREFIX_LEN);
    h.extend_from_slice(MAGIC);
    h.push(u8::try_from(kid.len()).expect("key ids are short"));
    h.extend_from_slice(kid.as_bytes());
    h.extend_from_slice(prefix);
    h
}

fn read_up_to(input: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    input.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Creates a new file readable by its owner only (never overwrites).
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(len: usize) {
        let keys = DataKeys::ephemeral();
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut sealed = Vec::new();
        encrypt(&keys, data.as_slice(), &mut sealed).unwrap();
        let mut opened = Vec::new();
        decrypt(&keys, sealed.as_slice(), &mut opened).unwrap();
        assert_eq!(opened, data, "length {len}");
    }

    #[test]
    fn backups_of_any_length_round_trip() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
            round_trip(len);
        }
    }

    #[test]
    fn a_truncated_or_altered_backup_does_not_decrypt() {
        let keys = DataKeys::ephemeral();
        let data = vec![7u8; 2 * CHUNK + 10];
        let mut sealed = Vec::new();
        encrypt(&keys, data.as_slice(), &mut sealed).unwrap();
        let header_len = MAGIC.len() + 1 + keys.active_kid().len() + PREFIX_LEN;
        let truncated = &sealed[..header_len + 2 * (CHUNK + TAG)];
        assert!(matches!(decrypt(&keys, truncated, &mut Vec::new()), Err(BackupError::Forged)));
        let mut altered = sealed.clone();
        altered[header_len + 5] ^= 1;
        assert!(matches!(decrypt(&keys, altered.as_slice(), &mut Vec::new()), Err(BackupError::Forged)));
        assert!(matches!(decrypt(&DataKeys::ephemeral(), sealed.as_slice(), &mut Vec::new()), Err(BackupError::UnknownKey(_))));
        assert!(matches!(decrypt(&keys, &b"SQLite format 3\0..."[..], &mut Vec::new()), Err(BackupError::NotABackup)));
    }
}
