//! `tgseal encrypt`: the plan's jobs, each sealed through the workflow layer's
//! one `seal`, in tgseal's own format or as age files.

use std::io::Write;

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{Context, Result};
use tgseal_age::{Armor, EncryptTo};
use tgseal_core::{ChunkSize, Control, EncryptOptions, KdfPreset};
use tgseal_workflow::batch::threads_per_job;
use tgseal_workflow::telegram::Telegram;
use tgseal_workflow::{
    BatchKeys, Destination, Format, Outcome, ShapeOptions, Source, preflight, seal,
};

use crate::batch::{self, Job, Settings};
use crate::cli::{EncryptArgs, KdfChoice};
use crate::passphrase;
use crate::plan::{self, Input, PlannedJob, Target};

pub fn run(args: EncryptArgs, control: &Control) -> Result<u8> {
    let age = args.age.wanted();
    // The name of an output depends only on the format, not on its keys.
    let plan = plan::encrypt(&args, |name| {
        if age {
            tgseal_age::age_name(name)
        } else {
            tgseal_workflow::files::sealed_name(name)
        }
    })?;
    let out = &args.output;
    let tg = &args.telegram;
    // Before the passphrase and the key derivation: a hand-off that cannot
    // happen is said at once, and so is what cannot be sealed.
    let telegram = if args.send {
        if matches!(plan.output, plan::Output::Stdout) {
            return Err(crate::UsageError(
                "--send hands sealed files to Telegram Desktop: it cannot send standard output"
                    .into(),
            )
            .into());
        }
        Some(Telegram::find()?)
    } else {
        None
    };
    if !age {
        let shape = ShapeOptions {
            split: tg.split,
            hide_name: tg.hide_name,
            pad: tg.pad,
            armor: tg.armor,
        };
        preflight_all(&plan.jobs, &shape, out.force)?;
    }
    let keys;
    let to;
    let format = if age {
        to = age_recipients(&args, plan.reads_stdin())?;
        Format::Age {
            to: &to,
            armor: if tg.armor {
                Armor::Armored
            } else {
                Armor::Binary
            },
            split: tg.split,
            hide_name: tg.hide_name,
        }
    } else {
        let params = args
            .kdf_params
            .unwrap_or_else(|| KdfPreset::from(args.kdf.unwrap_or(KdfChoice::Default)).params());
        let pass = passphrase::for_encrypting(
            out.passphrase_file.as_deref(),
            tg.generate_passphrase,
            tg.allow_weak,
            plan.reads_stdin(),
            out.quiet,
        )?;
        // One Argon2id run for the whole call (FORMAT.md §8), unless --kdf-per-file.
        keys = BatchKeys::new(pass, params, args.kdf_per_file)?;
        // -j N is the core budget: up to N inputs at once, the rest of the
        // budget to each input's payload (docs/BATCH.md).
        let cores = args.batch.cores();
        let mut options =
            EncryptOptions::default().with_threads(threads_per_job(cores, cores, plan.jobs.len()));
        if let Some(chunk_size) = args.chunk_log2.and_then(ChunkSize::from_log2) {
            options = options.with_chunk_size(chunk_size);
        }
        Format::Sealed {
            keys: &keys,
            shape: ShapeOptions {
                split: tg.split,
                hide_name: tg.hide_name,
                pad: tg.pad,
                armor: tg.armor,
            },
            options,
        }
    };
    plan.make_output_dir()?;
    if !out.quiet {
        for note in &plan.notes {
            eprintln!("tgseal: {}", tgseal_core::untrusted::escape(note));
        }
    }
    let verb = if age { "encrypted" } else { "sealed" };
    let settings = Settings::of_call("encrypt", verb, &args.batch, out.quiet);
    let written = Mutex::new(Vec::new());
    let code = batch::run(&plan.jobs, &settings, control, |job, ctl| {
        let outcome = encrypt_one(job, out.force, &format, ctl)?;
        if let Ok(mut written) = written.lock() {
            written.push((job.input().to_path_buf(), outcome.outputs.clone()));
        }
        Ok(outcome)
    });
    if let Some(telegram) = telegram {
        if code != 0 {
            eprintln!("tgseal: nothing was handed to Telegram Desktop: not every input was sealed");
            return Ok(code);
        }
        send(
            &telegram,
            written.into_inner().unwrap_or_default(),
            &plan.jobs,
            out.quiet,
        )?;
    }
    Ok(code)
}

/// Checks the jobs for what fails before any key is derived (a folder to
/// pad, an output that exists): when every job would fail so, the call
/// fails now, before the passphrase is asked and Argon2id runs. When some
/// would succeed, the batch runs and reports each failure as usual.
fn preflight_all(jobs: &[PlannedJob], shape: &ShapeOptions, overwrite: bool) -> Result<()> {
    let mut first_failure = None;
    for job in jobs {
        let Input::Path(input) = &job.input else {
            return Ok(());
        };
        let destination = match &job.target {
            Target::Stdout => return Ok(()),
            Target::Path(path) => Destination::Path(path),
            Target::Named { dir, name } => Destination::Named {
                dir,
                name: name.clone(),
            },
        };
        match preflight::check_seal(input, &destination, shape, overwrite) {
            Ok(()) => return Ok(()),
            Err(err) => {
                first_failure.get_or_insert(err);
            }
        }
    }
    match first_failure {
        Some(err) if jobs.len() == 1 => Err(err.into()),
        Some(err) => {
            Err(anyhow::Error::from(err)
                .context("no input can be sealed (the first reason follows)"))
        }
        None => Ok(()),
    }
}

/// Hands every file written to Telegram Desktop in one call, in the order
/// the inputs were given.
fn send(
    telegram: &Telegram,
    mut written: Vec<(PathBuf, Vec<PathBuf>)>,
    jobs: &[PlannedJob],
    quiet: bool,
) -> Result<()> {
    let order = |input: &PathBuf| jobs.iter().position(|j| j.input() == input.as_path());
    written.sort_by_key(|(input, _)| order(input));
    let files: Vec<PathBuf> = written.into_iter().flat_map(|(_, files)| files).collect();
    telegram
        .send(&files)
        .with_context(|| format!("cannot start {}", telegram.describe()))?;
    if !quiet {
        eprintln!(
            "tgseal: handed {} file{} to {}: pick the chat in its window",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            telegram.describe()
        );
    }
    Ok(())
}

/// What an age file is encrypted to: the passphrase (`--age`, checked for
/// strength like any passphrase), or the recipients of `-r` and `-R`.
fn age_recipients(args: &EncryptArgs, reads_stdin: bool) -> Result<EncryptTo> {
    if args.age.age {
        let tg = &args.telegram;
        let pass = passphrase::for_encrypting(
            args.output.passphrase_file.as_deref(),
            tg.generate_passphrase,
            tg.allow_weak,
            reads_stdin,
            args.output.quiet,
        )?;
        return Ok(EncryptTo::passphrase(pass));
    }
    let mut recipients = Vec::new();
    for text in &args.age.recipients {
        recipients.push(tgseal_age::parse_recipient(text)?);
    }
    for file in &args.age.recipients_files {
        recipients.extend(tgseal_age::read_recipients_file(file)?);
    }
    Ok(EncryptTo::Recipients(recipients))
}

/// Seals one job: from its file, folder or standard input to its target.
fn encrypt_one(
    job: &PlannedJob,
    overwrite: bool,
    format: &Format<'_>,
    control: &Control,
) -> Result<Outcome> {
    let mut stdin;
    let source = match &job.input {
        Input::Path(path) => Source::Path(path),
        Input::Stdin => {
            stdin = std::io::stdin().lock();
            Source::Stream(&mut stdin)
        }
    };
    let mut stdout;
    let destination = match &job.target {
        Target::Stdout => {
            stdout = std::io::stdout().lock();
            Destination::Writer(&mut stdout)
        }
        Target::Path(path) => {
            plan::ensure_dir(path.parent().unwrap_or(std::path::Path::new("")))?;
            Destination::Path(path)
        }
        Target::Named { dir, name } => {
            // --each mirrors a tree: its folders may not exist yet.
            plan::ensure_dir(dir)?;
            Destination::Named {
                dir,
                name: name.clone(),
            }
        }
    };
    let mut outcome = seal(source, destination, overwrite, format, control)?;
    if outcome.outputs.len() > 1 {
        let note = format!("written as {} parts", outcome.outputs.len());
        outcome.notes.push(note);
    }
    std::io::stdout().flush()?;
    Ok(outcome)
}
