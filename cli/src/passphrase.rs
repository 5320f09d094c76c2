//! Where the passphrase comes from: a file, the environment, or the terminal.
//! Never from a command-line argument (it would show in `ps` and shell history).
//! Also the strength check before encrypting, and `tgseal passphrase`.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use tgseal_core::{Passphrase, generate, strength};
use zeroize::Zeroizing;

use crate::cli::PassphraseArgs;

/// The environment variable holding a passphrase for scripted use.
pub const ENV_VAR: &str = "TGSEAL_PASSPHRASE";

/// Why a passphrase is needed, which decides whether it is asked twice.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Encrypt,
    Decrypt,
}

/// Reads the passphrase from the first source that is present.
/// `stdin_is_data` is true when standard input carries the data to process.
pub fn obtain(file: Option<&Path>, purpose: Purpose, stdin_is_data: bool) -> Result<Passphrase> {
    obtain_with_source(file, purpose, stdin_is_data).map(|(pass, _)| pass)
}

/// Like [`obtain`], also telling whether the passphrase was typed on the terminal.
pub fn obtain_with_source(
    file: Option<&Path>,
    purpose: Purpose,
    stdin_is_data: bool,
) -> Result<(Passphrase, bool)> {
    if let Some(path) = file {
        return Ok((from_file(path, stdin_is_data)?, false));
    }
    if let Some(value) = std::env::var_os(ENV_VAR) {
        let value = Zeroizing::new(
            value
                .into_string()
                .map_err(|_| anyhow::anyhow!("{ENV_VAR} is not valid UTF-8"))?,
        );
        return Ok((Passphrase::new(&value)?, false));
    }
    Ok((prompt(purpose)?, true))
}

fn from_file(path: &Path, stdin_is_data: bool) -> Result<Passphrase> {
    let mut raw = Zeroizing::new(Vec::new());
    if path == Path::new("-") {
        if stdin_is_data {
            bail!(
                "standard input cannot carry both the data and the passphrase; \
                 use --passphrase-file FILE or {ENV_VAR} instead"
            );
        }
        std::io::stdin().lock().read_until(b'\n', &mut raw)?;
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the passphrase file {}", path.display()))?;
        warn_if_readable_by_others(&file, path);
        // Only the first line is the passphrase; cap the read so a wrong path
        // (say, a video) does not load gigabytes.
        std::io::BufReader::new(file.take(64 * 1024)).read_until(b'\n', &mut raw)?;
    }
    let line = strip_line_end(&raw);
    Ok(Passphrase::from_utf8(line)?)
}

/// Warns, as ssh does for private keys, when a passphrase file is a regular
/// file that other users can read: whoever reads it opens every file sealed
/// with it. (A pipe such as `<(pass show tgseal)` is not a file at rest.)
fn warn_if_readable_by_others(file: &File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = file.metadata() else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o044 != 0 {
            let shown = tgseal_core::untrusted::escape_path(path);
            eprintln!(
                "tgseal: warning: the passphrase file {shown} can be read by other users \
                 (mode {mode:04o}); make it private: chmod 600 {shown}"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (file, path);
}

fn strip_line_end(raw: &[u8]) -> &[u8] {
    let line = raw.strip_suffix(b"\n").unwrap_or(raw);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn prompt(purpose: Purpose) -> Result<Passphrase> {
    let no_terminal = || {
        anyhow::anyhow!(
            "no passphrase: there is no terminal to ask on; use --passphrase-file FILE or {ENV_VAR}"
        )
    };
    let first = Zeroizing::new(
        crate::signals::prompting(|| rpassword::prompt_password("Passphrase: "))
            .map_err(|_| no_terminal())?,
    );
    let passphrase = Passphrase::new(&first)?;
    if purpose == Purpose::Encrypt {
        let again = Zeroizing::new(
            crate::signals::prompting(|| rpassword::prompt_password("Passphrase (again): "))
                .map_err(|_| no_terminal())?,
        );
        if Passphrase::new(&again)?.expose() != passphrase.expose() {
            bail!("the two passphrases do not match");
        }
    }
    Ok(passphrase)
}

/// The passphrase for encrypting: generated (and shown once, on standard
/// error), or obtained and checked for strength; a weak one is refused, or
/// used after the user confirms on the terminal (docs/TELEGRAM.md).
pub fn for_encrypting(
    file: Option<&Path>,
    generate: bool,
    allow_weak: bool,
    stdin_is_data: bool,
    quiet: bool,
) -> Result<Passphrase> {
    if generate {
        let pass = generate::generate_passphrase(generate::DEFAULT_WORDS)?;
        // Shown once, on stderr only: never on stdout, which may be a file or a pipe.
        eprintln!(
            "Passphrase for this file (shown only now; share it through another channel, not the chat):\n\n    {}\n\n({} words, {:.0} bits)",
            pass.expose(),
            generate::DEFAULT_WORDS,
            generate::entropy_bits(generate::DEFAULT_WORDS)
        );
        return Ok(pass);
    }
    loop {
        let (pass, typed) = obtain_with_source(file, Purpose::Encrypt, stdin_is_data)?;
        let estimate = strength::estimate(pass.expose());
        if !estimate.is_weak() {
            return Ok(pass);
        }
        let reason = estimate.explanation();
        if allow_weak {
            if !quiet {
                eprintln!("tgseal: warning: this passphrase is weak. {reason}");
            }
            return Ok(pass);
        }
        if !typed {
            bail!(
                "the passphrase is weak: {reason} Choose a stronger one ('tgseal passphrase' makes one), \
                 or pass --allow-weak to use it anyway"
            );
        }
        eprintln!("Warning: this passphrase is weak. {reason}");
        if confirm("Use it anyway? [y/N] ")? {
            return Ok(pass);
        }
        // No: ask for another one rather than ending the run.
        eprintln!("Type a stronger passphrase ('tgseal passphrase' makes one; Ctrl-C stops).");
    }
}

/// Asks a yes/no question on the terminal itself (standard input may carry data).
fn confirm(question: &str) -> Result<bool> {
    #[cfg(windows)]
    const TTY: &str = "CONIN$";
    #[cfg(not(windows))]
    const TTY: &str = "/dev/tty";
    eprint!("{question}");
    let tty = File::open(TTY).context("no terminal to confirm on")?;
    let mut answer = String::new();
    BufReader::new(tty).read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// `tgseal passphrase`.
pub fn generate_command(args: PassphraseArgs) -> Result<u8> {
    let words = usize::from(args.words);
    let pass = generate::generate_passphrase(words)?;
    println!("{}", pass.expose());
    eprintln!(
        "{words} words from the EFF large wordlist (7776 words): {:.1} bits of entropy",
        generate::entropy_bits(words)
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_are_stripped_once() {
        assert_eq!(strip_line_end(b"abc\r\n"), b"abc");
        assert_eq!(strip_line_end(b"abc\n"), b"abc");
        assert_eq!(strip_line_end(b"abc"), b"abc");
        assert_eq!(strip_line_end(b"abc \n"), b"abc ");
    }
}
