//! The Telegram features of the CLI (docs/TELEGRAM.md): split parts, hidden
//! names, padding, armor, text messages, passphrase generation and the
//! strength check. Each only presents a core function.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tgseal_core::armor;
use tgseal_core::shape::{self, ShapeOptions};
use tgseal_core::{
    Control, EncryptOptions, KdfCap, Keyring, MasterKey, Metadata, Passphrase, generate, strength,
};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::batch::Done;
use crate::cli::{EncryptArgs, OpenTextArgs, PassphraseArgs, SealTextArgs, TelegramArgs};
use crate::passphrase::{self, Purpose};

/// Armored input larger than this is not read whole into memory (pieces of a
/// text message are far smaller).
const MAX_PASTED_TEXT: u64 = 16 << 20;

impl TelegramArgs {
    /// Whether any option changes how a file is written.
    pub fn is_active(&self) -> bool {
        self.shape() != ShapeOptions::default()
    }

    /// The options as the core's shape of the output.
    pub fn shape(&self) -> ShapeOptions {
        ShapeOptions {
            split: self.split,
            hide_name: self.hide_name,
            pad: self.pad,
            armor: self.armor,
        }
    }
}

/// Refuses Telegram option combinations that cannot work, before any passphrase is asked.
pub fn check_encrypt_args(args: &EncryptArgs) -> Result<()> {
    let tg = &args.telegram;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    let to_stdout = args.output.output.as_deref() == Some(Path::new("-"));
    if tg.pad && reads_stdin {
        return Err(UsageError(
            "--pad needs the content length before sealing starts, and standard input's is unknown; \
             save the data to a file first"
                .into(),
        )
        .into());
    }
    if tg.split.is_some() && to_stdout {
        return Err(UsageError(
            "--split writes part files; it cannot write to standard output".into(),
        )
        .into());
    }
    Ok(())
}

/// The passphrase for encrypting: generated (and shown once), or obtained and
/// checked for strength (FORMAT-independent; docs/TELEGRAM.md).
pub fn encrypt_passphrase(
    file: Option<&Path>,
    tg: &TelegramArgs,
    stdin_is_data: bool,
    quiet: bool,
) -> Result<Passphrase> {
    checked_passphrase(
        file,
        tg.generate_passphrase,
        tg.allow_weak,
        stdin_is_data,
        quiet,
    )
}

fn checked_passphrase(
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
    let (pass, typed) = passphrase::obtain_with_source(file, Purpose::Encrypt, stdin_is_data)?;
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
    if !confirm("Use it anyway? [y/N] ")? {
        bail!("stopped: choose a stronger passphrase ('tgseal passphrase' makes one)");
    }
    Ok(pass)
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

/// Seals one input with the Telegram options through the core's
/// `shape` module. `target` is where the plain sealed file would go (`None` =
/// standard output); hidden names and armor adjust its name, split adds part
/// numbers.
pub fn encrypt_one(
    input: &Path,
    target: Option<&Path>,
    args: &EncryptArgs,
    master: &MasterKey,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Done> {
    let out = &args.output;
    let shape = args.telegram.shape();
    let from_stdin = input.as_os_str() == "-";
    let stdin_metadata = || Metadata::file("", None, None);
    let Some(target) = target else {
        let mut stdout = std::io::stdout().lock();
        let (summary, notes) = if from_stdin {
            let summary = shape::seal_to_writer(
                &mut std::io::stdin().lock(),
                &stdin_metadata(),
                &mut stdout,
                master,
                &shape,
                options,
                control,
            )?;
            (summary, Vec::new())
        } else {
            shape::seal_path_to_writer(input, &mut stdout, master, &shape, options, control)?
        };
        return Ok(Done {
            output: None,
            bytes_in: summary.bytes_in,
            bytes_out: summary.bytes_out,
            notes,
        });
    };
    let dir = parent_or_dot(target);
    let plain_name = target
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{} has no file name", target.display()))?
        .to_string_lossy()
        .into_owned();
    // An explicit -o PATH is taken as it is; otherwise the options pick the name.
    let name = if out.output.is_some() {
        plain_name
    } else {
        shape.output_name(&plain_name)?
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (outputs, summary, mut notes) = if from_stdin {
        let (outputs, summary) = shape::seal_stream(
            &mut std::io::stdin().lock(),
            &stdin_metadata(),
            &dir,
            &name,
            out.force,
            master,
            &shape,
            options,
            control,
        )?;
        (outputs, summary, Vec::new())
    } else {
        let shaped = shape::seal_path(
            input, &dir, &name, out.force, master, &shape, options, control,
        )?;
        (shaped.outputs, shaped.summary, shaped.notes)
    };
    if outputs.len() > 1 {
        notes.push(format!("written as {} parts", outputs.len()));
    }
    Ok(Done {
        output: outputs.into_iter().next(),
        bytes_in: summary.bytes_in,
        bytes_out: summary.bytes_out,
        notes,
    })
}

fn parent_or_dot(path: &Path) -> PathBuf {
    tgseal_core::files::parent_dir(path).to_path_buf()
}

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
    let pass = checked_passphrase(
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
    let mut text = Vec::new();
    stdin.lock().take(MAX_PASTED_TEXT).read_to_end(&mut text)?;
    if !armor::looks_armored(&text) {
        return Err(tgseal_core::Error::NotSealed.into());
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
    stdout.write_all(&plain)?;
    stdout.flush()?;
    Ok(0)
}

/// `tgseal passphrase`.
pub fn passphrase(args: PassphraseArgs) -> Result<u8> {
    let words = usize::from(args.words);
    let pass = generate::generate_passphrase(words)?;
    println!("{}", pass.expose());
    eprintln!(
        "{words} words from the EFF large wordlist (7776 words): {:.1} bits of entropy",
        generate::entropy_bits(words)
    );
    Ok(0)
}
