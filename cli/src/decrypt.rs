//! `tgseal decrypt`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tgseal_core::batch::{decrypt_opened, decrypt_path};
use tgseal_core::files::DecryptTarget;
use tgseal_core::{Control, DecryptOptions, Decryptor, KdfCap, Keyring};

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
    let cap = if args.no_kdf_limit {
        KdfCap::UNLIMITED
    } else {
        KdfCap::DEFAULT
    };
    // One keyring for the whole batch, shared by every job: files sealed in one
    // call share a salt, so Argon2id runs once for all of them (FORMAT.md §8).
    let keyring = Keyring::new(pass, cap);
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Several parts of one split file given together are decrypted once.
    let jobs: Vec<DecryptJob> = crate::telegram::dedupe_parts(&args.inputs)
        .into_iter()
        .map(DecryptJob)
        .collect();
    // -j N is the core budget, shared as when encrypting (docs/BATCH.md).
    let cores = args
        .batch
        .jobs
        .map_or_else(tgseal_core::batch::available_cores, |n| n as usize);
    let options = DecryptOptions::default().with_threads(tgseal_core::batch::threads_per_job(
        cores,
        cores,
        jobs.len(),
    ));
    let settings = Settings {
        operation: "decrypt",
        verb: "opened",
        jobs: cores,
        fail_fast: args.batch.fail_fast,
        json: args.batch.json,
        quiet: out.quiet,
    };
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
    // Armored text and split parts have their own readers.
    if let Some(done) = crate::telegram::decrypt_special(input, args, keyring, options, control)? {
        return Ok(done);
    }
    if out.output.as_deref() == Some(Path::new("-")) {
        // Standard output cannot be atomic: each chunk is written only after it
        // verified, and a failure still ends with an error and exit code 3.
        // A sealed folder comes out as its tar stream.
        let reader: Box<dyn std::io::Read> = if input.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(input)?)
        };
        let decryptor = Decryptor::new(reader, keyring)?;
        let mut stdout = std::io::stdout().lock();
        let summary = decryptor.decrypt_to_with(&mut stdout, options, control)?;
        stdout.flush()?;
        return Ok(Done {
            output: None,
            bytes_in: summary.bytes_in,
            bytes_out: summary.bytes_out,
            notes: Vec::new(),
        });
    }
    let outcome = if input.as_os_str() == "-" {
        let target = out.output.clone().unwrap_or_default();
        let reader = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
        let decryptor = Decryptor::new(reader, keyring)?;
        decrypt_opened(decryptor, &target, out.force, options, control)?
    } else {
        let target = match (&out.output, &out.output_dir) {
            (Some(path), _) => DecryptTarget::Path(path.clone()),
            (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
            (None, None) => {
                DecryptTarget::Folder(tgseal_core::files::parent_dir(input).to_path_buf())
            }
        };
        decrypt_path(input, &target, out.force, keyring, options, control)?
    };
    Ok(Done {
        output: Some(outcome.output),
        bytes_in: outcome.summary.bytes_in,
        bytes_out: outcome.summary.bytes_out,
        notes: outcome.notes,
    })
}
