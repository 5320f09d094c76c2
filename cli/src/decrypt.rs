//! `tgseal decrypt`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tgseal_core::armor::ArmorReader;
use tgseal_core::batch::decrypt_opened;
use tgseal_core::files::DecryptTarget;
use tgseal_core::open::{SealedInput, dedupe_parts};
use tgseal_core::split::{self, lift};
use tgseal_core::{Control, DecryptOptions, Decryptor, KdfCap, Keyring, MAGIC};

use crate::batch::{self, Done, Job, Settings};
use crate::cli::DecryptArgs;
use crate::encrypt::check_targets;
use crate::passphrase::{self, Purpose};

struct DecryptJob(PathBuf);

impl Job for DecryptJob {
    fn input(&self) -> &Path {
        &self.0
    }
}

pub fn run(args: DecryptArgs, control: &Control) -> Result<u8> {
    if crate::age::wanted(&args) {
        return crate::age::decrypt(args, control);
    }
    let out = &args.output;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    check_targets(&args.inputs, out.output.as_deref())?;
    let pass = passphrase::obtain(
        out.passphrase_file.as_deref(),
        Purpose::Decrypt,
        reads_stdin,
    )?;
    let cap = KdfCap::lifted_if(args.no_kdf_limit);
    // One keyring for the whole batch, shared by every job: files sealed in one
    // call share a salt, so Argon2id runs once for all of them (FORMAT.md §8).
    let keyring = Keyring::new(pass, cap);
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Several parts of one split file given together are decrypted once.
    let jobs: Vec<DecryptJob> = dedupe_parts(&args.inputs)
        .into_iter()
        .map(DecryptJob)
        .collect();
    // -j N is the core budget, shared as when encrypting (docs/BATCH.md).
    let cores = args.batch.cores();
    let options = DecryptOptions::default().with_threads(tgseal_core::batch::threads_per_job(
        cores,
        cores,
        jobs.len(),
    ));
    let settings = Settings::of_call("decrypt", "opened", &args.batch, out.quiet);
    Ok(batch::run(&jobs, &settings, control, |job, ctl| {
        decrypt_one(&job.0, &args, &keyring, &options, ctl)
    }))
}

pub(crate) fn decrypt_one(
    input: &Path,
    args: &DecryptArgs,
    keyring: &Keyring,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Done> {
    let out = &args.output;
    if input.as_os_str() == "-" {
        return decrypt_stdin(args, keyring, options, control);
    }
    // Binary, armored or split: the core recognises the shape by its bytes.
    let sealed = SealedInput::find(input)?;
    if out.output.as_deref() == Some(Path::new("-")) {
        let decryptor = Decryptor::new(sealed.reader()?, keyring).map_err(lift)?;
        return to_stdout(decryptor, options, control);
    }
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => DecryptTarget::Path(path.clone()),
        (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
        (None, None) => DecryptTarget::Folder(
            tgseal_core::files::parent_dir(&sealed.name_source()).to_path_buf(),
        ),
    };
    let outcome = sealed.decrypt(&target, out.force, keyring, options, control)?;
    Ok(Done::new(
        Some(outcome.output),
        outcome.summary,
        outcome.notes,
    ))
}

/// Decrypts standard input: a binary sealed file or one armored block (a
/// part or one piece of a text message cannot find its siblings from here).
fn decrypt_stdin(
    args: &DecryptArgs,
    keyring: &Keyring,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Done> {
    // Peek through the lock; the bytes stay in stdin's shared buffer, so the
    // unlocked (and Send) handle below still reads them.
    let mut lock = std::io::stdin().lock();
    let head = lock.fill_buf()?.to_vec();
    drop(lock);
    if head.starts_with(split::PART_MAGIC) {
        bail!(
            "standard input holds one part of a split sealed file; give the part's path so its siblings can be found"
        );
    }
    let stdin = BufReader::with_capacity(1 << 20, std::io::stdin());
    let reader: Box<dyn Read + Send> = if head.is_empty() || head.starts_with(MAGIC) {
        Box::new(stdin)
    } else {
        let reader = ArmorReader::new(stdin)?;
        if reader.piece().is_some() {
            bail!(
                "this is one piece of a text message in several pieces; open it with 'tgseal open-text' and all its pieces"
            );
        }
        Box::new(reader)
    };
    let decryptor = Decryptor::new(reader, keyring).map_err(lift)?;
    let out = &args.output;
    match out.output.as_deref() {
        Some(path) if path == Path::new("-") => to_stdout(decryptor, options, control),
        path => {
            // check_targets made sure a file name was given with -o.
            let target = path.map(Path::to_path_buf).unwrap_or_default();
            let outcome =
                decrypt_opened(decryptor, &target, out.force, options, control).map_err(lift)?;
            Ok(Done::new(
                Some(outcome.output),
                outcome.summary,
                outcome.notes,
            ))
        }
    }
}

/// Standard output cannot be atomic: each chunk is written only after it
/// verified, and a failure still ends with an error and exit code 3. A
/// sealed folder comes out as its tar stream.
fn to_stdout(
    decryptor: Decryptor<impl Read + Send>,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Done> {
    let mut stdout = std::io::stdout().lock();
    let summary = decryptor
        .decrypt_to_with(&mut stdout, options, control)
        .map_err(lift)?;
    stdout.flush()?;
    Ok(Done::new(None, summary, Vec::new()))
}
