//! `tgseal seal-text` and `tgseal open-text`: short messages sealed into
//! armored text that fits a Telegram message (FORMAT.md §11.3), and back.

use std::io::{IsTerminal, Read, Write};

use anyhow::{Result, bail};
use tgseal_core::{Control, EncryptOptions, KdfCap, Keyring, MasterKey, armor};
use zeroize::Zeroizing;

use crate::cli::{OpenTextArgs, SealTextArgs};
use crate::passphrase::{self, Purpose};

/// `tgseal seal-text`.
pub fn seal_text(args: SealTextArgs, control: &Control) -> Result<u8> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Type the message, then press Ctrl-D on an empty line:");
    }
    let mut raw = Zeroizing::new(Vec::new());
    stdin
        .lock()
        .take(armor::MAX_TEXT as u64 + 1)
        .read_to_end(&mut raw)?;
    let text =
        std::str::from_utf8(&raw).map_err(|_| anyhow::anyhow!("the message is not UTF-8 text"))?;
    if text.len() > armor::MAX_TEXT {
        bail!(
            "the message is longer than {} bytes; seal-text is for chat messages, use 'tgseal encrypt --armor' for files",
            armor::MAX_TEXT
        );
    }
    let params = args
        .kdf_params
        .unwrap_or_else(|| tgseal_core::KdfPreset::from(args.kdf).params());
    let pass = passphrase::for_encrypting(
        args.passphrase_file.as_deref(),
        args.generate_passphrase,
        args.allow_weak,
        true,
        args.quiet,
    )?;
    let master = MasterKey::derive(&pass, params)?;
    let pieces = armor::seal_text(&master, text, &EncryptOptions::default(), control)?;
    let mut stdout = std::io::stdout().lock();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            writeln!(stdout)?;
        }
        stdout.write_all(piece.as_bytes())?;
    }
    stdout.flush()?;
    if pieces.len() > 1 && !args.quiet {
        eprintln!(
            "The message is in {} pieces: send each block (BEGIN to END) as its own message.",
            pieces.len()
        );
    }
    Ok(0)
}

/// `tgseal open-text`.
pub fn open_text(args: OpenTextArgs, control: &Control) -> Result<u8> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "Paste the armored text (every piece, in any order), then press Ctrl-D on an empty line:"
        );
    }
    // Pasted text is read whole (its pieces may come in any order), up to
    // armor::MAX_PIECED_TEXT; longer text is refused, never cut short.
    let mut text = Vec::new();
    stdin
        .lock()
        .take(armor::MAX_PIECED_TEXT + 1)
        .read_to_end(&mut text)?;
    if !armor::looks_armored(&text) {
        return Err(tgseal_core::Error::NotSealed.into());
    }
    if text.len() as u64 > armor::MAX_PIECED_TEXT {
        // One block streams through 'tgseal decrypt' at any length.
        return Err(armor::pieces_too_long().into());
    }
    let pass = passphrase::obtain(args.passphrase_file.as_deref(), Purpose::Decrypt, true)?;
    let cap = KdfCap::lifted_if(args.no_kdf_limit);
    let keyring = Keyring::new(pass, cap);
    let (metadata, plain) = armor::open_text(&text, &keyring, control)?;
    let plain = Zeroizing::new(plain);
    let mut stdout = std::io::stdout().lock();
    if metadata.kind != tgseal_core::ContentKind::Text && stdout.is_terminal() {
        bail!(
            "this is a sealed file ({}), not a text message; decrypt it with 'tgseal decrypt'",
            if metadata.name.is_empty() {
                "no name"
            } else {
                &metadata.name
            }
        );
    }
    if stdout.is_terminal() {
        // The sender chose this text: on a terminal, its control characters
        // are shown, not obeyed. Redirected, it is written byte for byte.
        let text = String::from_utf8_lossy(&plain);
        stdout.write_all(tgseal_core::untrusted::escape_message(&text).as_bytes())?;
    } else {
        stdout.write_all(&plain)?;
    }
    stdout.flush()?;
    Ok(0)
}
