//! The `hospes` command line: serve, worker, migrate, keys, verify, qr, registry-sim, users,
//! documents, names.

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {}
}
