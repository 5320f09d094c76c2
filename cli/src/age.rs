//! The age side of the CLI that is not sealing or opening (those go through
//! the workflow layer like every other format): loading `-i` identity files,
//! `tgseal inspect` of an age file, and `tgseal keygen`.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Context, Result};
use tgseal_age::Identities;
use tgseal_core::Passphrase;
use tgseal_workflow::files::AtomicFile;

use crate::cli::{DecryptArgs, KeygenArgs};
use crate::passphrase::{self, Purpose};

/// Loads every `-i` file. Encrypted identity files and SSH keys ask for
/// their passphrase: from --passphrase-file or TGSEAL_PASSPHRASE when given,
/// else on the terminal, naming the file.
pub fn load_identities(args: &DecryptArgs, reads_stdin: bool) -> Result<Identities> {
    let mut identities = Identities::new();
    let ask = |description: &str| -> Option<Passphrase> {
        let scripted = args.output.passphrase_file.is_some()
            || std::env::var_os(passphrase::ENV_VAR).is_some();
        if scripted {
            return passphrase::obtain(
                args.output.passphrase_file.as_deref(),
                Purpose::Decrypt,
                reads_stdin,
            )
            .ok();
        }
        let typed = zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("Enter the {description}: ")).ok()?,
        );
        Passphrase::new(&typed).ok()
    };
    for path in &args.age.identities {
        identities.add_file(path, &ask)?;
    }
    Ok(identities)
}

// ----- inspect ---------------------------------------------------------------

/// `tgseal inspect` of an age file: encoding and recipient stanzas, no key needed.
pub fn inspect(input: impl BufRead, path: &Path) -> Result<u8> {
    let info = tgseal_age::inspect(input).with_context(|| path.display().to_string())?;
    let encoding = match info.encoding {
        tgseal_age::Encoding::Binary => "binary",
        tgseal_age::Encoding::Armored => "ASCII armor",
    };
    println!("format:      age ({}), {encoding}", info.version);
    for stanza in &info.stanzas {
        let what = match (stanza.kind.as_str(), stanza.scrypt_log_n) {
            ("scrypt", Some(n)) => format!("scrypt (passphrase), work factor 2^{n}"),
            ("X25519", _) => "X25519 (age public key)".to_owned(),
            ("ssh-ed25519", _) => "ssh-ed25519 (SSH key)".to_owned(),
            ("ssh-rsa", _) => "ssh-rsa (SSH key)".to_owned(),
            (other, _) if other.ends_with("-grease") => {
                format!(
                    "{} (random \"grease\" stanza the age crate adds; ignored)",
                    tgseal_core::untrusted::escape(other)
                )
            }
            // Any other stanza type is the sender's text.
            (other, _) => tgseal_core::untrusted::escape(other).into_owned(),
        };
        println!("recipient:   {what}");
    }
    if info.mixes_passphrase() {
        println!("warning:     a passphrase stanza beside others: age refuses this file");
    }
    println!(
        "cipher:      ChaCha20-Poly1305 STREAM (64 KiB chunks), header authenticated with HMAC-SHA256"
    );
    Ok(0)
}

// ----- keygen ----------------------------------------------------------------

/// `tgseal keygen`: a new X25519 identity, like age-keygen.
pub fn keygen(args: KeygenArgs) -> Result<u8> {
    let generated = tgseal_age::generate_identity();
    let Some(path) = &args.output else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(generated.file_text.as_bytes())?;
        stdout.flush()?;
        return Ok(0);
    };
    write_private(path, generated.file_text.as_bytes(), args.force)?;
    eprintln!("Public key: {}", generated.public_key);
    Ok(0)
}

/// Writes a private file atomically with owner-only permissions (0600 on Unix).
fn write_private(path: &Path, data: &[u8], force: bool) -> Result<()> {
    let mut file = AtomicFile::create(path, force)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.file().write_all(data)?;
    file.commit()?;
    Ok(())
}
