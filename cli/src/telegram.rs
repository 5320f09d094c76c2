//! The Telegram features of the CLI (docs/TELEGRAM.md): split parts, hidden
//! names, padding, armor, text messages, passphrase generation and the
//! strength check. Each only presents a core function.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tgseal_core::armor::{self, ArmorReader, ArmorWriter};
use tgseal_core::files::{AtomicFile, DecryptTarget, restored_name, sealed_name};
use tgseal_core::split::{self, PartSet, lift};
use tgseal_core::{
    Control, Decryptor, EncryptOptions, KdfCap, Keyring, MAGIC, MasterKey, Metadata, Passphrase,
    generate, names, padding, strength,
};
use zeroize::Zeroizing;

use crate::cli::{
    DecryptArgs, EncryptArgs, OpenTextArgs, PassphraseArgs, SealTextArgs, TelegramArgs,
};
use crate::passphrase::{self, Purpose};
use crate::{UsageError, progress};

/// Armored input larger than this is not read whole into memory (pieces of a
/// text message are far smaller).
const MAX_PASTED_TEXT: u64 = 16 << 20;

impl TelegramArgs {
    /// Whether any option changes how a file is written.
    pub fn is_active(&self) -> bool {
        self.split.is_some() || self.hide_name || self.pad || self.armor
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

/// Encrypts one input with the Telegram options.
pub fn encrypt_one(
    input: &Path,
    args: &EncryptArgs,
    master: &MasterKey,
    options: &EncryptOptions,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    let tg = &args.telegram;
    let bar = progress::bar(&input.display().to_string(), out.quiet);
    let job = progress::control_with(control, bar.as_ref());
    let from_stdin = input.as_os_str() == "-";
    let (mut reader, mut metadata): (Box<dyn Read>, Metadata) = if from_stdin {
        (
            Box::new(std::io::stdin().lock()),
            Metadata::file("", None, None),
        )
    } else {
        let file = File::open(input)?;
        if file.metadata()?.is_dir() {
            bail!("{} is a folder", input.display());
        }
        let metadata = tgseal_core::files::metadata_for_file(input, &file)?;
        (Box::new(BufReader::with_capacity(1 << 20, file)), metadata)
    };
    if tg.pad && !padding::pad(&mut metadata) {
        return Err(UsageError("--pad needs the content length in advance".into()).into());
    }
    if out.output.as_deref() == Some(Path::new("-")) {
        let stdout = std::io::stdout().lock();
        if tg.armor {
            let mut writer = ArmorWriter::new(BufWriter::new(stdout))?;
            tgseal_core::encrypt(master, &metadata, &mut reader, &mut writer, options, &job)?;
            writer.finish()?;
        } else {
            let mut writer = BufWriter::new(stdout);
            tgseal_core::encrypt(master, &metadata, &mut reader, &mut writer, options, &job)?;
            writer.flush()?;
        }
        return Ok(());
    }
    let dir = match (&out.output, &out.output_dir) {
        (Some(path), _) => parent_or_dot(path),
        (None, Some(dir)) => dir.clone(),
        (None, None) => parent_or_dot(input),
    };
    let name = match &out.output {
        Some(path) => crate::encrypt::file_name(path)?
            .to_string_lossy()
            .into_owned(),
        None => {
            let mut name = if tg.hide_name {
                names::random_sealed_name()?
            } else {
                sealed_name(crate::encrypt::file_name(input)?)
                    .to_string_lossy()
                    .into_owned()
            };
            if tg.armor {
                name = format!("{name}.{}", armor::ARMORED_EXTENSION);
            }
            name
        }
    };
    let written = if let Some(limit) = tg.split {
        let (parts, _) = split::encrypt_to_parts(
            master,
            &metadata,
            &mut reader,
            &dir,
            &name,
            limit,
            out.force,
            options,
            &job,
        )?;
        match parts.as_slice() {
            [one] => one.display().to_string(),
            [first, .., last] => format!(
                "{} parts, {} ... {}",
                parts.len(),
                first.display(),
                last.file_name().unwrap_or_default().to_string_lossy()
            ),
            [] => String::new(),
        }
    } else {
        let target = dir.join(&name);
        let mut file = AtomicFile::create(&target, out.force)?;
        {
            let mut buffered = BufWriter::with_capacity(1 << 20, file.file());
            if tg.armor {
                let mut writer = ArmorWriter::new(&mut buffered)?;
                tgseal_core::encrypt(master, &metadata, &mut reader, &mut writer, options, &job)?;
                writer.finish()?;
            } else {
                tgseal_core::encrypt(master, &metadata, &mut reader, &mut buffered, options, &job)?;
            }
            buffered.flush()?;
        }
        file.commit()?.display().to_string()
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !out.quiet {
        eprintln!("sealed {} -> {written}", input.display());
    }
    Ok(())
}

fn parent_or_dot(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Several parts of one split file given together are decrypted once.
pub fn dedupe_parts(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    inputs
        .iter()
        .filter(|input| {
            let name = input.file_name().map(|n| n.to_string_lossy().into_owned());
            match name.as_deref().and_then(split::parse_part_name) {
                Some((base, _)) if split::is_part_file(input) => {
                    seen.insert(parent_or_dot(input).join(base))
                }
                _ => true,
            }
        })
        .cloned()
        .collect()
}

/// Decrypts split parts and armored input. Returns false when `input` is an
/// ordinary sealed file, left to the plain path.
pub fn decrypt_special(
    input: &Path,
    args: &DecryptArgs,
    keyring: &Keyring,
    control: &Control,
) -> Result<bool> {
    if input.as_os_str() == "-" {
        let mut stdin = std::io::stdin().lock();
        let head = stdin.fill_buf()?;
        if head.starts_with(split::PART_MAGIC) {
            bail!(
                "standard input holds one part of a split sealed file; give the part's path so its siblings can be found"
            );
        }
        if head.is_empty() || head.starts_with(MAGIC) {
            return Ok(false);
        }
        let reader = ArmorReader::new(stdin)?;
        if reader.piece().is_some() {
            bail!(
                "this is one piece of a text message in several pieces; open it with 'tgseal open-text' and all its pieces"
            );
        }
        let fallback = args.output.output.clone().unwrap_or_default();
        decrypt_from(reader, &fallback, args, keyring, control)?;
        return Ok(true);
    }
    if input.is_dir() {
        let Ok(set) = PartSet::find(input) else {
            return Ok(false);
        };
        decrypt_set(&set, input, args, keyring, control)?;
        return Ok(true);
    }
    let mut start = Vec::with_capacity(7);
    File::open(input)
        .and_then(|f| f.take(7).read_to_end(&mut start))
        .with_context(|| format!("cannot open {}", input.display()))?;
    let start = start.as_slice();
    let named_as_part = input
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(split::parse_part_name)
        .is_some();
    if start == split::PART_MAGIC || (named_as_part && !start.starts_with(MAGIC)) {
        let set = PartSet::find(input)?;
        decrypt_set(&set, input, args, keyring, control)?;
        return Ok(true);
    }
    if start.starts_with(MAGIC) {
        return Ok(false);
    }
    // Not binary: armored text (or not a sealed file at all).
    let fallback = input
        .with_extension("")
        .with_extension(tgseal_core::files::SEALED_EXTENSION);
    let reader = ArmorReader::new(BufReader::with_capacity(1 << 20, File::open(input)?))?;
    if reader.piece().is_some() {
        let mut text = Vec::new();
        File::open(input)?
            .take(MAX_PASTED_TEXT)
            .read_to_end(&mut text)?;
        let sealed = armor::dearmor(&text)?;
        decrypt_from(&sealed[..], &fallback, args, keyring, control)?;
    } else {
        decrypt_from(reader, &fallback, args, keyring, control)?;
    }
    Ok(true)
}

fn decrypt_set(
    set: &PartSet,
    input: &Path,
    args: &DecryptArgs,
    keyring: &Keyring,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    if out.output.as_deref() == Some(Path::new("-")) {
        return decrypt_from(set.reader(), set.base(), args, keyring, control);
    }
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => DecryptTarget::Path(path.clone()),
        (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
        (None, None) => DecryptTarget::Folder(parent_or_dot(set.base())),
    };
    let (path, _) = split::decrypt_parts(set, &target, out.force, keyring, control)?;
    if !out.quiet {
        eprintln!(
            "opened {} ({} parts) -> {}",
            input.display(),
            set.paths().count(),
            path.display()
        );
    }
    Ok(())
}

/// Decrypts a sealed stream read from `reader` to the output the arguments
/// ask for; `fallback` names the output when the stored name is empty.
fn decrypt_from(
    reader: impl Read,
    fallback: &Path,
    args: &DecryptArgs,
    keyring: &Keyring,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    let decryptor = Decryptor::new(reader, keyring).map_err(lift)?;
    if out.output.as_deref() == Some(Path::new("-")) {
        let mut stdout = std::io::stdout().lock();
        decryptor.decrypt_to(&mut stdout, control).map_err(lift)?;
        stdout.flush()?;
        return Ok(());
    }
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => path.clone(),
        (None, dir) => {
            let dir = dir.clone().unwrap_or_else(|| parent_or_dot(fallback));
            dir.join(restored_name(&decryptor.metadata().name, fallback))
        }
    };
    let modified = decryptor.metadata().modified;
    let mut file = AtomicFile::create(&target, out.force)?;
    {
        let mut writer = BufWriter::with_capacity(1 << 20, file.file());
        decryptor.decrypt_to(&mut writer, control).map_err(lift)?;
        writer.flush()?;
    }
    if let Some(time) = modified {
        let _ = file.file().set_modified(time);
    }
    let path = file.commit()?;
    if !out.quiet {
        eprintln!("opened armored text -> {}", path.display());
    }
    Ok(())
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
    let cap = if args.no_kdf_limit {
        KdfCap::UNLIMITED
    } else {
        KdfCap::DEFAULT
    };
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
