//! The age paths of the CLI: `encrypt -r/-R/--age`, age files in `decrypt`
//! (beside sealed files in one call), `inspect` of age files, and `keygen`.
//! The work is done by tgseal-age; many inputs run through `crate::batch`
//! exactly as sealed files do.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tgseal_age::{AgeInput, AgeParts, Armor, DecryptWith, EncryptTo, Identities, Unlock};
use tgseal_core::files::{AtomicFile, DecryptTarget, parent_dir};
use tgseal_core::{Control, DecryptOptions, KdfCap, Keyring, Passphrase};

use crate::batch::{self, Done, Job, Settings};
use crate::cli::{DecryptArgs, EncryptArgs, KeygenArgs};
use crate::encrypt::{EncryptJob, check_encrypt_targets, check_targets};
use crate::passphrase::{self, Purpose};
use crate::{EXIT_AUTH, EXIT_INTERRUPTED, EXIT_USAGE, UsageError};

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

// ----- encrypt ---------------------------------------------------------------

/// `tgseal encrypt` with `-r`, `-R` or `--age`: the same batch as sealed files
/// (`-j`, `--fail-fast`, `--json`, `--each`), writing age files.
pub fn encrypt(args: EncryptArgs, control: &Control) -> Result<u8> {
    let out = &args.output;
    refuse_sealed_only(&args)?;
    check_encrypt_targets(&args)?;
    crate::telegram::check_encrypt_args(&args)?;
    let (jobs, notes) = crate::encrypt::plan(&args, tgseal_age::age_name)?;
    if let Some(folder) = jobs.iter().find(|job| job.input.is_dir()) {
        return Err(UsageError(format!(
            "{} is a folder: age output encrypts one file at a time; use --each to encrypt \
             every file in it, or leave out -r/-R/--age to seal the folder as one sealed file",
            folder.input.display()
        ))
        .into());
    }
    let to = if args.age.age {
        let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
        let pass = crate::telegram::encrypt_passphrase(
            out.passphrase_file.as_deref(),
            &args.telegram,
            reads_stdin,
            out.quiet,
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
    if !out.quiet {
        for note in notes {
            eprintln!("tgseal: {note}");
        }
    }
    let settings = Settings::of_call("encrypt", "encrypted", &args.batch, out.quiet);
    Ok(batch::run(&jobs, &settings, control, |job, ctl| {
        encrypt_one(job, &args, &to, armor, ctl)
    }))
}

/// Refuses the options of tgseal's own format that an age file cannot carry
/// out (docs/AGE.md): an option is never silently dropped.
fn refuse_sealed_only(args: &EncryptArgs) -> Result<()> {
    let tg = &args.telegram;
    let to_keys = !args.age.age;
    let no_kdf = "age output uses no Argon2id (-r/-R: no key derivation; --age: age's scrypt, \
                  work factor 2^18)";
    let no_passphrase = "-r/-R encrypt to public keys, not with a passphrase \
                         (--age encrypts with one)";
    let refused = [
        (
            tg.pad,
            "--pad",
            "the age format has no padding, so an age file shows the content's size; \
             leave out -r/-R/--age to seal and pad it in tgseal's own format",
        ),
        (args.kdf.is_some(), "--kdf", no_kdf),
        (args.kdf_params.is_some(), "--kdf-params", no_kdf),
        (
            args.kdf_per_file,
            "--kdf-per-file",
            "every age file gets its own file key anyway (and with --age its own scrypt salt)",
        ),
        (
            args.chunk_log2.is_some(),
            "--chunk-log2",
            "age's chunk size is fixed at 64 KiB",
        ),
        (
            to_keys && args.output.passphrase_file.is_some(),
            "--passphrase-file",
            no_passphrase,
        ),
        (
            to_keys && tg.generate_passphrase,
            "--generate-passphrase",
            no_passphrase,
        ),
        (to_keys && tg.allow_weak, "--allow-weak", no_passphrase),
    ];
    match refused.into_iter().find(|(given, ..)| *given) {
        Some((_, flag, why)) => {
            Err(UsageError(format!("{flag} does not apply to age output: {why}")).into())
        }
        None => Ok(()),
    }
}

/// Encrypts one input to an age file: beside it, in -O DIR, at -o PATH or on
/// standard output; under a random name with --hide-name; cut into raw parts
/// with --split.
fn encrypt_one(
    job: &EncryptJob,
    args: &EncryptArgs,
    to: &EncryptTo,
    armor: Armor,
    control: &Control,
) -> Result<Done> {
    let out = &args.output;
    let (mut input, len): (Box<dyn Read>, _) = if job.input.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = File::open(&job.input)?;
        let stat = file.metadata()?;
        let len = stat.is_file().then_some(stat.len());
        (Box::new(BufReader::with_capacity(1 << 20, file)), len)
    };
    let Some(target) = &job.target else {
        let mut stdout = std::io::stdout().lock();
        let summary = tgseal_age::encrypt(&mut input, &mut stdout, to, armor, control, len)?;
        stdout.flush()?;
        return Ok(Done::new(None, summary, Vec::new()));
    };
    // Empty for a bare name, so that outputs are named as the inputs were.
    let dir = target.parent().unwrap_or(Path::new(""));
    // An explicit -o PATH is taken as it is (clap keeps --hide-name from it).
    let name = if args.telegram.hide_name {
        tgseal_age::random_age_name()?
    } else {
        target
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("{} has no file name", target.display()))?
            .to_string_lossy()
            .into_owned()
    };
    // --each mirrors a tree: its folders may not exist yet.
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if let Some(limit) = args.telegram.split {
        let (parts, summary) = tgseal_age::encrypt_to_parts(
            &mut input, len, dir, &name, limit, out.force, to, control,
        )?;
        let notes = if parts.len() > 1 {
            vec![format!("written as {} parts", parts.len())]
        } else {
            Vec::new()
        };
        return Ok(Done::new(parts.into_iter().next(), summary, notes));
    }
    let target = dir.join(name);
    let summary =
        tgseal_age::encrypt_to_file(&mut input, len, &target, out.force, to, armor, control)?;
    Ok(Done::new(Some(target), summary, Vec::new()))
}

// ----- decrypt ---------------------------------------------------------------

/// Whether `tgseal decrypt` takes the age path: identities were given, or
/// `--age`, or one of the named inputs is an age file, a part of a split age
/// file or a folder holding such parts.
pub fn wanted(args: &DecryptArgs) -> bool {
    !args.age.identities.is_empty()
        || args.age.age
        || args
            .inputs
            .iter()
            .any(|p| !matches!(source_of(p, args, false), Source::Sealed))
}

/// What one input of an age-aware `decrypt` is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A sealed file (or its parts, or armored text): tgseal's own format.
    Sealed,
    /// An age file on standard input.
    Stdin,
    /// An age file.
    File,
    /// A part of a split age file, or the folder holding the parts.
    Parts,
}

fn source_of(input: &Path, args: &DecryptArgs, has_identities: bool) -> Source {
    if input.as_os_str() == "-" {
        return if args.age.age || has_identities {
            Source::Stdin
        } else {
            Source::Sealed
        };
    }
    // Before the sniff: part 1 of a split age file starts like an age file.
    if tgseal_age::is_age_part(input) {
        Source::Parts
    } else if matches!(tgseal_age::is_age_file(input), Ok(Some(_))) {
        Source::File
    } else {
        Source::Sealed
    }
}

struct DecryptJob {
    input: PathBuf,
    source: Source,
}

impl Job for DecryptJob {
    fn input(&self) -> &Path {
        &self.input
    }
}

/// The inputs as jobs. Several parts of one split file given together are
/// decrypted once, for sealed parts and age parts alike.
fn plan_decrypt(args: &DecryptArgs, identities: &Identities) -> Vec<DecryptJob> {
    let mut sets = std::collections::HashSet::new();
    tgseal_core::open::dedupe_parts(&args.inputs)
        .into_iter()
        .filter(|input| sets.insert(tgseal_age::open::input_key(input)))
        .map(|input| DecryptJob {
            source: source_of(&input, args, !identities.is_empty()),
            input,
        })
        .collect()
}

/// What opens an age input, and what it needs of the call.
struct Keys<'a> {
    passphrase: Option<&'a Passphrase>,
    identities: &'a Identities,
    max_work_factor: u8,
}

/// `tgseal decrypt` when age files are involved: one batch (progress, `-j`,
/// `--fail-fast`, `--json`, exit codes: docs/BATCH.md) in which each input
/// is decrypted as what it is, sealed files through `crate::decrypt` with
/// the same passphrase. The passphrase is asked only if an input needs it.
pub fn decrypt(args: DecryptArgs, control: &Control) -> Result<u8> {
    let out = &args.output;
    check_targets(&args.inputs, out.output.as_deref())?;
    let identities = load_identities(&args)?;
    let jobs = plan_decrypt(&args, &identities);
    let needs_passphrase = jobs.iter().any(|job| {
        job.source == Source::Sealed
            || Input::open(job)
                .and_then(|input| input.unlock(&identities))
                .is_ok_and(|unlock| unlock == Unlock::Passphrase)
    });
    let passphrase = if needs_passphrase {
        let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
        Some(passphrase::obtain(
            out.passphrase_file.as_deref(),
            Purpose::Decrypt,
            reads_stdin,
        )?)
    } else {
        None
    };
    // One keyring for the sealed files, as in crate::decrypt (FORMAT.md §8).
    let keyring = match &passphrase {
        Some(pass) if jobs.iter().any(|job| job.source == Source::Sealed) => {
            let cap = KdfCap::lifted_if(args.no_kdf_limit);
            Some(Keyring::new(Passphrase::new(pass.expose())?, cap))
        }
        _ => None,
    };
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let cores = args.batch.cores();
    let options = DecryptOptions::default().with_threads(tgseal_core::batch::threads_per_job(
        cores,
        cores,
        jobs.len(),
    ));
    let keys = Keys {
        passphrase: passphrase.as_ref(),
        identities: &identities,
        max_work_factor: if args.no_kdf_limit {
            // scrypt's own ceiling (log2 N < 64).
            63
        } else {
            tgseal_age::DEFAULT_MAX_WORK_FACTOR
        },
    };
    let settings = Settings::of_call("decrypt", "opened", &args.batch, out.quiet);
    Ok(batch::run(&jobs, &settings, control, |job, ctl| {
        if job.source != Source::Sealed {
            return decrypt_one(job, &args, &keys, ctl);
        }
        let keyring = keyring
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no passphrase"))?;
        crate::decrypt::decrypt_one(&job.input, &args, keyring, &options, ctl)
    }))
}

/// An age input of the call: standard input, or a file or parts on disk.
enum Input {
    Stdin,
    Disk(AgeInput),
}

impl Input {
    /// Finds the input of `job` (for parts: the whole set, checked).
    fn open(job: &DecryptJob) -> Result<Self> {
        Ok(match job.source {
            Source::Stdin => Input::Stdin,
            Source::Parts => Input::Disk(AgeInput::Parts(AgeParts::find(&job.input)?)),
            Source::File | Source::Sealed => Input::Disk(AgeInput::File(job.input.clone())),
        })
    }

    /// Passphrase or identities: files say so in their header; standard
    /// input, which can be read only once, uses the identities when there
    /// are any, and so does a header that cannot be read (the decryptor then
    /// says what is wrong with it).
    fn unlock(&self, identities: &Identities) -> Result<Unlock> {
        let fallback = if identities.is_empty() {
            Unlock::Passphrase
        } else {
            Unlock::Identities
        };
        match self {
            Input::Stdin => Ok(fallback),
            Input::Disk(input) => match input.unlock()? {
                Some(Unlock::Identities) if identities.is_empty() => {
                    Err(tgseal_age::Error::NeedsIdentity.into())
                }
                Some(unlock) => Ok(unlock),
                None => Ok(fallback),
            },
        }
    }
}

/// Decrypts one age input (a file, the parts of one, standard input)
/// atomically to a file, or to standard output with `-o -`.
fn decrypt_one(
    job: &DecryptJob,
    args: &DecryptArgs,
    keys: &Keys<'_>,
    control: &Control,
) -> Result<Done> {
    let input = Input::open(job)?;
    let with = match input.unlock(keys.identities)? {
        Unlock::Passphrase => DecryptWith::Passphrase {
            passphrase: keys
                .passphrase
                .ok_or_else(|| anyhow::anyhow!("no passphrase"))?,
            max_work_factor: keys.max_work_factor,
        },
        Unlock::Identities => DecryptWith::Identities(keys.identities),
    };
    let notes = match &input {
        Input::Disk(disk) if disk.file_count() > 1 => {
            vec![format!("read from {} parts", disk.file_count())]
        }
        _ => Vec::new(),
    };
    let out = &args.output;
    let to_stdout = out.output.as_deref() == Some(Path::new("-"));
    let (path, summary) = match input {
        Input::Stdin if to_stdout => {
            let mut stdout = std::io::stdout().lock();
            let stdin = std::io::stdin().lock();
            let summary = tgseal_age::decrypt(stdin, &mut stdout, with, control, None)?;
            stdout.flush()?;
            return Ok(Done::new(None, summary, notes));
        }
        Input::Disk(disk) if to_stdout => {
            // Standard output cannot be atomic: each chunk is written only
            // after it verified, and a failure still ends with an error.
            let mut stdout = std::io::stdout().lock();
            let summary = disk.decrypt_to(&mut stdout, with, control)?;
            stdout.flush()?;
            return Ok(Done::new(None, summary, notes));
        }
        Input::Stdin => {
            let target = out.output.clone().unwrap_or_default();
            let stdin = std::io::stdin().lock();
            tgseal_age::decrypt_to_file(stdin, None, &target, with, out.force, control)?
        }
        Input::Disk(disk) => {
            let target = target_of(disk.name_source(), args);
            disk.decrypt(&target, with, out.force, control)?
        }
    };
    Ok(Done::new(Some(path), summary, notes))
}

/// -o PATH, -O DIR, or the folder of the input.
fn target_of(input: &Path, args: &DecryptArgs) -> DecryptTarget {
    match (&args.output.output, &args.output.output_dir) {
        (Some(path), _) => DecryptTarget::Path(path.clone()),
        (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
        (None, None) => DecryptTarget::Folder(parent_dir(input).to_path_buf()),
    }
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
