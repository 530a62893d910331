//! `hospes partners ...`: the operator's commands for partner systems (the admin API does the
//! same over HTTP). A new key is printed once, on standard output; only its SHA-256 is stored.

use clap::Subcommand;

use crate::store::Store;

#[derive(Subcommand, Debug)]
pub enum PartnersCommand {
    /// Creates a partner and prints its id.
    Create {
        #[arg(long)]
        name: String,
    },
    /// Lists partners and their keys (prefix, scopes, jurisdictions, last use, revocation).
    List,
    /// Issues a key for a partner and prints it (once).
    Key {
        /// The partner's id.
        #[arg(long)]
        partner: String,
        /// A scope (repeatable): checkins:write, checkins:read, webhooks:manage, seals:read.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// An ISO 3166-2 jurisdiction (repeatable).
        #[arg(long = "jurisdiction", required = true)]
        jurisdictions: Vec<String>,
        /// Requests a minute.
        #[arg(long, default_value_t = super::DEFAULT_RATE_PER_MINUTE)]
        rate_per_minute: i64,
    },
    /// Revokes a key by its id.
    Revoke { key_id: String },
}

/// Runs a `partners` command against `store`.
pub async fn run(store: &dyn Store, command: PartnersCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        PartnersCommand::Create { name } => {
            let partner = super::new_partner(&name, now).map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.message))?;
            store.create_partner(&partner).await?;
            println!("{}", partner.id);
        }
        PartnersCommand::List => {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut lines = Vec::new();
            for p in store.partners().await? {
                lines.push(format!("{}\t{}", p.id, p.name));
                for k in store.partner_keys(Some(&p.id)).await? {
                    let state = match (k.revoked_at, k.last_used_at) {
                        (Some(t), _) => format!("revoked {}", t.to_rfc3339()),
                        (None, Some(t)) => format!("last used {}", t.to_rfc3339()),
                        (None, None) => "never used".to_owned(),
                    };
                    lines.push(format!("  {}\t{}…\t{}\t{}\t{}/min\t{state}", k.id, k.prefix, k.scopes.join(","), k.jurisdictions.join(","), k.rate_per_minute));
                }
            }
            for line in lines.iter().map(String::as_str).chain(std::iter::once("")) {
                let written = if line.is_empty() { out.flush() } else { writeln!(out, "{line}") };
                match written {
                    // A reader such as `head` that has seen enough is not an error.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                    other => other?,
                }
            }
        }
        PartnersCommand::Key { partner, scopes, jurisdictions, rate_per_minute } => {
            let partner = store.partner(&partner).await?.ok_or_else(|| anyhow::anyhow!("no partner with that id"))?;
            let new = super::new_key(&partner.id, &scopes, &jurisdictions, rate_per_minute, now).map_err(|errors| {
                anyhow::anyhow!(errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))
            })?;
            store.create_partner_key(&new.record).await?;
            eprintln!("key {} for {}: shown once, store it now", new.record.id, partner.name);
            println!("{}", new.key);
        }
        PartnersCommand::Revoke { key_id } => {
            anyhow::ensure!(store.revoke_partner_key(&key_id, now).await?, "no live key with that id");
            eprintln!("revoked");
        }
    }
    Ok(())
}
