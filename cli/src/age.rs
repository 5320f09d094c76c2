//! The age paths of the CLI: `encrypt -r/-R/--age`, age files in `decrypt`,
//! `inspect` of age files, and `keygen`. The work is done by tgseal-age.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Context, Result};
use tgseal_age::{Armor, DecryptWith, EncryptTo, Identities};
use tgseal_core::files::{AtomicFile, DecryptTarget};
use tgseal_core::{Control, KdfCap, Keyring, Passphrase};

use crate::cli::{DecryptArgs, EncryptArgs, KeygenArgs};
use crate::encrypt::check_targets;
use crate::passphrase::{self, Purpose};
use crate::{
    EXIT_AUTH, EXIT_INTERRUPTED, EXIT_USAGE, batch_exit_code, exit_code, message, progress,
};

/// The exit code for an age failure: the same classes as the native format.
pub fn exit_code_of(err: &tgseal_age::Error) -> u8 {
    use tgseal_core::Error as Core;
    match err {
        tgseal_age::Error::Core(Core::Cancelled) => EXIT_INTERRUPTED,
        tgseal_age::Error::Core(Core::EmptyPassphrase | Core::PassphraseNotUtf8) => EXIT_USAGE,
        e if e.is_authentication_failure() => EXIT_AUTH,
        _ => 1,
    }
}

fn label(input: &Path) -> String {
    input.display().to_string()
}

// ----- encrypt ---------------------------------------------------------------

/// `tgseal encrypt` with `-r`, `-R` or `--age`.
pub fn encrypt(args: EncryptArgs, control: &Control) -> Result<u8> {
    let out = &args.output;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    check_targets(&args.inputs, out.output.as_deref())?;
    let to = if args.age.age {
        let pass = passphrase::obtain(
            out.passphrase_file.as_deref(),
            Purpose::Encrypt,
            reads_stdin,
        )?;
        EncryptTo::passphrase(pass)
    } else {
        let mut recipients = Vec::new();
        for text in &args.age.recipients {
            recipients.push(tgseal_age::parse_recipient(text)?);
        }
        for file in &args.age.recipients_files {
            recipients.extend(tgseal_age::read_recipients_file(file)?);
        }
        EncryptTo::Recipients(recipients)
    };
    let armor = if args.telegram.armor {
        Armor::Armored
    } else {
        Armor::Binary
    };
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut failures = Vec::new();
    for input in &args.inputs {
        if let Err(err) = encrypt_one(input, &args, &to, armor, control) {
            let err = err.context(label(input));
            eprintln!("tgseal: {}", message(&err));
            failures.push(exit_code(&err));
        }
    }
    Ok(batch_exit_code(&failures))
}

fn encrypt_one(
    input: &Path,
    args: &EncryptArgs,
    to: &EncryptTo,
    armor: Armor,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    let bar = progress::bar(&label(input), out.quiet);
    let job = progress::control_with(control, bar.as_ref());
    let to_stdout = out.output.as_deref() == Some(Path::new("-"));
    if input.as_os_str() == "-" || to_stdout {
        let (mut reader, len): (Box<dyn std::io::Read>, _) = if input.as_os_str() == "-" {
            (Box::new(std::io::stdin().lock()), None)
        } else {
            let file = std::fs::File::open(input)?;
            let len = file.metadata()?.len();
            (Box::new(std::io::BufReader::new(file)), Some(len))
        };
        if to_stdout {
            let mut stdout = std::io::stdout().lock();
            tgseal_age::encrypt(&mut reader, &mut stdout, to, armor, &job, len)?;
            stdout.flush()?;
        } else {
            let target = out.output.clone().unwrap_or_default();
            let mut file = AtomicFile::create(&target, out.force)?;
            {
                let mut writer = std::io::BufWriter::new(file.file());
                tgseal_age::encrypt(&mut reader, &mut writer, to, armor, &job, len)?;
                writer.flush()?;
            }
            file.commit()?;
        }
        return Ok(());
    }
    let name = input
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{} has no file name", input.display()))?;
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => path.clone(),
        (None, Some(dir)) => dir.join(tgseal_age::age_name(name)),
        (None, None) => input.with_file_name(tgseal_age::age_name(name)),
    };
    tgseal_age::encrypt_age_file(input, &target, out.force, to, armor, &job)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !out.quiet {
        eprintln!(
            "encrypted {} -> {} (age)",
            input.display(),
            target.display()
        );
    }
    Ok(())
}

// ----- decrypt ---------------------------------------------------------------

/// Whether `tgseal decrypt` takes the age path: identities were given, or
/// `--age`, or one of the named inputs is an age file.
pub fn wanted(args: &DecryptArgs) -> bool {
    !args.age.identities.is_empty()
        || args.age.age
        || args
            .inputs
            .iter()
            .any(|p| p.as_os_str() != "-" && matches!(tgseal_age::is_age_file(p), Ok(Some(_))))
}

/// The passphrase, read once from the usual sources when first needed.
struct LazyPassphrase<'a> {
    args: &'a DecryptArgs,
    value: Option<Passphrase>,
}

impl LazyPassphrase<'_> {
    fn get(&mut self) -> Result<&Passphrase> {
        if self.value.is_none() {
            let out = &self.args.output;
            let reads_stdin = self.args.inputs.iter().any(|p| p.as_os_str() == "-");
            self.value = Some(passphrase::obtain(
                out.passphrase_file.as_deref(),
                Purpose::Decrypt,
                reads_stdin,
            )?);
        }
        self.value
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no passphrase"))
    }
}

/// `tgseal decrypt` when age files are involved. Sealed (tgseal) inputs in
/// the same call go through the native path with the same passphrase.
pub fn decrypt(args: DecryptArgs, control: &Control) -> Result<u8> {
    let out = &args.output;
    check_targets(&args.inputs, out.output.as_deref())?;
    let identities = load_identities(&args)?;
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut pass = LazyPassphrase {
        args: &args,
        value: None,
    };
    let mut keyring: Option<Keyring> = None;
    let mut failures = Vec::new();
    for input in &args.inputs {
        let result = decrypt_one(input, &args, &identities, &mut pass, &mut keyring, control);
        if let Err(err) = result {
            let err = err.context(label(input));
            eprintln!("tgseal: {}", message(&err));
            failures.push(exit_code(&err));
        }
    }
    Ok(batch_exit_code(&failures))
}

fn max_work_factor(args: &DecryptArgs) -> u8 {
    if args.no_kdf_limit {
        // scrypt's own ceiling (log2 N < 64).
        63
    } else {
        tgseal_age::DEFAULT_MAX_WORK_FACTOR
    }
}

fn decrypt_one(
    input: &Path,
    args: &DecryptArgs,
    identities: &Identities,
    pass: &mut LazyPassphrase<'_>,
    keyring: &mut Option<Keyring>,
    control: &Control,
) -> Result<()> {
    let from_stdin = input.as_os_str() == "-";
    let is_age = from_stdin && (args.age.age || !identities.is_empty())
        || !from_stdin && tgseal_age::is_age_file(input)?.is_some();
    if !is_age {
        if keyring.is_none() {
            let cap = if args.no_kdf_limit {
                KdfCap::UNLIMITED
            } else {
                KdfCap::DEFAULT
            };
            *keyring = Some(Keyring::new(Passphrase::new(pass.get()?.expose())?, cap));
        }
        let keyring = keyring
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no passphrase"))?;
        return crate::decrypt::decrypt_one(
            input,
            args,
            keyring,
            &tgseal_core::DecryptOptions::default(),
            control,
        )
        .map(drop);
    }
    // Passphrase or identities: files say so in their header; standard
    // input uses the identities when there are any.
    let use_passphrase = if from_stdin {
        identities.is_empty()
    } else {
        let summary = tgseal_age::inspect(std::io::BufReader::new(std::fs::File::open(input)?));
        match summary {
            Ok(s) if s.is_passphrase() => true,
            Ok(s) if s.mixes_passphrase() => return Err(tgseal_age::Error::MixedPassphrase.into()),
            Ok(_) if identities.is_empty() => return Err(tgseal_age::Error::NeedsIdentity.into()),
            // A header we cannot read: let the decryptor say what is wrong.
            _ => identities.is_empty(),
        }
    };
    let with = if use_passphrase {
        DecryptWith::Passphrase {
            passphrase: pass.get()?,
            max_work_factor: max_work_factor(args),
        }
    } else {
        DecryptWith::Identities(identities)
    };
    let out = &args.output;
    let bar = progress::bar(&label(input), out.quiet);
    let job = progress::control_with(control, bar.as_ref());
    let to_stdout = out.output.as_deref() == Some(Path::new("-"));
    if from_stdin || to_stdout {
        let reader: Box<dyn BufRead> = if from_stdin {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(std::fs::File::open(input)?))
        };
        if to_stdout {
            // Standard output cannot be atomic: each chunk is written only
            // after it verified, and a failure still ends with an error.
            let mut stdout = std::io::stdout().lock();
            tgseal_age::decrypt(reader, &mut stdout, with, &job, None)?;
            stdout.flush()?;
        } else {
            let target = out.output.clone().unwrap_or_default();
            let mut file = AtomicFile::create(&target, out.force)?;
            {
                let mut writer = std::io::BufWriter::new(file.file());
                tgseal_age::decrypt(reader, &mut writer, with, &job, None)?;
                writer.flush()?;
            }
            file.commit()?;
        }
        return Ok(());
    }
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => DecryptTarget::Path(path.clone()),
        (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
        (None, None) => DecryptTarget::Folder(tgseal_core::files::parent_dir(input).to_path_buf()),
    };
    let (path, _) = tgseal_age::decrypt_age_file(input, &target, with, out.force, &job)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !out.quiet {
        eprintln!("opened {} -> {} (age)", input.display(), path.display());
    }
    Ok(())
}

/// Loads every `-i` file. Encrypted identity files and SSH keys ask for
/// their passphrase: from --passphrase-file or TGSEAL_PASSPHRASE when given,
/// else on the terminal, naming the file.
fn load_identities(args: &DecryptArgs) -> Result<Identities> {
    let mut identities = Identities::new();
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
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
                format!("{other} (random \"grease\" stanza the age crate adds; ignored)")
            }
            (other, _) => other.to_owned(),
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
