//! `tgseal`: the command-line front end. `main` → `run` → one place that maps
//! errors to messages and exit codes.

mod age;
mod batch;
mod cli;
mod decrypt;
mod encrypt;
mod inspect;
mod passphrase;
mod plan;
mod progress;
mod signals;
mod text;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use tgseal_core::untrusted::escape;
use tgseal_workflow::{Class, Fault, Remedy};

/// Exit code for a usage error (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failed authentication: wrong passphrase, tampering, truncation.
pub const EXIT_AUTH: u8 = 3;
/// Exit code after Ctrl-C (SIGTERM gives 143 and SIGHUP 129: `signals`).
pub const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let interrupted = Arc::new(AtomicBool::new(false));
    signals::install(interrupted.clone());
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
        Command::SealText(args) => text::seal_text(args, &control),
        Command::OpenText(args) => text::open_text(args, &control),
        Command::Passphrase(args) => passphrase::generate_command(args),
        Command::Keygen(args) => age::keygen(args),
    };
    match outcome {
        // A batch that a signal stopped reports its failures itself.
        Ok(code) => ExitCode::from(match signals::exit_code() {
            Some(signal) if code != 0 => signal,
            _ => code,
        }),
        Err(err) => {
            let failure = Failure::of(&err);
            eprintln!("tgseal: {}", failure.message);
            // After a signal, whatever failed failed because of it.
            ExitCode::from(signals::exit_code().unwrap_or(failure.exit_code))
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

/// One failure as the CLI presents it. The one place that classifies errors
/// for the command line: the workflow layer says what kind of failure it is
/// and what the user could change; this names the flags.
pub struct Failure {
    /// The process exit code (docs/BATCH.md).
    pub exit_code: u8,
    /// The message for standard error, with the flag that helps, if one does.
    pub message: String,
    /// The stable identifier for `--json` (`error_kind`).
    pub code: &'static str,
}

impl Failure {
    pub fn of(err: &anyhow::Error) -> Failure {
        let fault = err.chain().find_map(Fault::of);
        // A message may quote what a hostile file chose (a name, a path):
        // escaped once more here, the last step before any terminal or JSON.
        let mut message = escape(&chain_message(err)).into_owned();
        if let Some(hint) = fault.and_then(Fault::remedy).map(remedy_hint) {
            message.push_str(hint);
        }
        let (exit_code, code) = match fault {
            Some(fault) => {
                let exit_code = match fault.class() {
                    Class::Authentication => EXIT_AUTH,
                    Class::Cancelled => EXIT_INTERRUPTED,
                    Class::BadPassphrase => EXIT_USAGE,
                    _ => 1,
                };
                (exit_code, fault.code())
            }
            None if err.downcast_ref::<UsageError>().is_some() => (EXIT_USAGE, "usage"),
            None if err.downcast_ref::<std::io::Error>().is_some() => (1, "io"),
            None => (1, "other"),
        };
        Failure {
            exit_code,
            message,
            code,
        }
    }
}

/// The flag that helps, worded for the command line.
fn remedy_hint(remedy: Remedy) -> &'static str {
    match remedy {
        Remedy::AllowOverwrite => " (use --force to overwrite)",
        Remedy::LiftKdfCap => "; if you trust this file, allow it explicitly with --no-kdf-limit",
        Remedy::GiveIdentity => "; give the matching identity with -i FILE",
        Remedy::UsePassphrase => "; decrypt it without -i",
        _ => "",
    }
}

/// The message for one failure: the context chain, outermost first.
fn chain_message(err: &anyhow::Error) -> String {
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
