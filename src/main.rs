//! The `hospes` command line: serve, worker, migrate, keys, verify, qr, registry-sim, users,
//! documents, names.

use std::path::PathBuf;

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
    /// QR codes: decode photos
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
}

#[derive(Subcommand)]
enum QrCommand {
    /// Decode the QR codes in image files (JPEG, PNG, GIF, WebP, BMP, TIFF); exits 1 if any file
    /// yields no text
    Decode {
        /// Image files; the format is read from the bytes, not the name
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file: {"file", "texts" | "error", "ms"}
        #[arg(long)]
        json: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Qr { command: QrCommand::Decode { files, json } } => {
            let failures = if json {
                hospes::qr::cli::decode_files(&files, &mut std::io::stdout().lock())?
            } else {
                hospes::qr::cli::print_texts(&files, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())?
            };
            std::process::exit(i32::from(failures > 0));
        }
    }
}
