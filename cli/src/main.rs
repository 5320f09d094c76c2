//! `tgseal`: the command-line front end. `main` → `run` → one place that maps
//! errors to messages and exit codes.

mod age;
mod batch;
mod cli;
mod decrypt;
mod encrypt;
mod inspect;
mod passphrase;
mod progress;
mod telegram;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};

/// Exit code for a usage error (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failed authentication: wrong passphrase, tampering, truncation.
pub const EXIT_AUTH: u8 = 3;
/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // If the handler cannot be installed, Ctrl-C kills us the default way;
        // temporary files then stay behind, but nothing unverified is renamed.
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let control = tgseal_core::Control::new().with_cancel_flag(interrupted);
    let outcome = match cli.command {
        Command::Encrypt(args) => encrypt::run(args, &control),
        Command::Decrypt(args) => decrypt::run(args, &control),
        Command::Inspect(args) => inspect::run(args),
        Command::Completions(args) => {
            let mut command = Cli::command();
            clap_complete::generate(args.shell, &mut command, "tgseal", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man(args) => man_page(args.command.as_deref()),
        Command::SealText(args) => telegram::seal_text(args, &control),
        Command::OpenText(args) => telegram::open_text(args, &control),
        Command::Passphrase(args) => telegram::passphrase(args),
        Command::Keygen(args) => age::keygen(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("tgseal: {}", message(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// `tgseal man [COMMAND]`: the roff page, from the same clap definition as `--help`.
fn man_page(command: Option<&str>) -> anyhow::Result<u8> {
    let root = Cli::command();
    let page = match command {
        None => root,
        Some(name) => {
            let sub = root
                .find_subcommand(name)
                .ok_or_else(|| UsageError(format!("no command named {name:?}")))?
                .clone();
            // Named like rage's pages: tgseal-encrypt(1). clap wants a
            // 'static name; the process prints one page and exits.
            let full: &'static str = format!("tgseal-{name}").leak();
            sub.name(full)
                .bin_name(full)
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    clap_mangen::Man::new(page).render(&mut std::io::stdout())?;
    Ok(0)
}

/// The exit code for one failure.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if let Some(e) = err.downcast_ref::<tgseal_age::Error>() {
        return age::exit_code_of(e);
    }
    match err.downcast_ref::<tgseal_core::Error>() {
        Some(e) if e.is_authentication_failure() => EXIT_AUTH,
        Some(tgseal_core::Error::Cancelled) => EXIT_INTERRUPTED,
        Some(tgseal_core::Error::EmptyPassphrase | tgseal_core::Error::PassphraseNotUtf8) => {
            EXIT_USAGE
        }
        _ if err.downcast_ref::<UsageError>().is_some() => EXIT_USAGE,
        _ => 1,
    }
}

/// The message for one failure: the context chain, outermost first.
pub fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        // An error that wraps another (an I/O error inside tgseal's error)
        // often displays the same text: say it once.
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// A mistake in how tgseal was called that clap cannot see (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Combines per-input results into one exit code: 0 if all succeeded, 3 if
/// every failure was an authentication failure, else 1.
pub fn batch_exit_code(failures: &[u8]) -> u8 {
    if failures.is_empty() {
        0
    } else if failures.iter().all(|&c| c == EXIT_AUTH) {
        EXIT_AUTH
    } else if failures.contains(&EXIT_INTERRUPTED) {
        EXIT_INTERRUPTED
    } else {
        1
    }
}
