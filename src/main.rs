//! The `hospes` command line: serve, worker, migrate, keys, verify, qr, registry-sim, users,
//! documents, names.

use std::io;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "hospes", version, about = "Rental check-in and tenant verification")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    // The backbone adds: serve, worker, migrate, keys, verify, registry-sim, users.
    // Module owners add their commands below, each delegating to a function of its module.
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
        as_of: Option<NaiveDate>,
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

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Documents { command: DocumentsCommand::Validate { json: _, as_of } } => {
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            hospes::identity::cli::documents_validate_jsonl(io::stdin().lock(), io::stdout().lock(), as_of)?;
        }
        Command::Names { command: NamesCommand::Match { json: _ } } => {
            hospes::identity::cli::names_match_jsonl(io::stdin().lock(), io::stdout().lock())?;
        }
    }
    Ok(())
}
