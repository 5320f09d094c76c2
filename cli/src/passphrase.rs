//! Where the passphrase comes from: a file, the environment, or the terminal.
//! Never from a command-line argument (it would show in `ps` and shell history).

use std::io::{BufRead, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use tgseal_core::Passphrase;
use zeroize::Zeroizing;

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
        // Only the first line is the passphrase; cap the read so a wrong path
        // (say, a video) does not load gigabytes.
        std::io::BufReader::new(file.take(64 * 1024)).read_until(b'\n', &mut raw)?;
    }
    let line = strip_line_end(&raw);
    Ok(Passphrase::from_utf8(line)?)
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
    let first =
        Zeroizing::new(rpassword::prompt_password("Passphrase: ").map_err(|_| no_terminal())?);
    let passphrase = Passphrase::new(&first)?;
    if purpose == Purpose::Encrypt {
        let again = Zeroizing::new(
            rpassword::prompt_password("Passphrase (again): ").map_err(|_| no_terminal())?,
        );
        if Passphrase::new(&again)?.expose() != passphrase.expose() {
            bail!("the two passphrases do not match");
        }
    }
    Ok(passphrase)
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
