//! `tgseal encrypt`.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tgseal_core::batch::{BatchKeys, encrypt_path};
use tgseal_core::files::sealed_name;
use tgseal_core::{Control, EncryptOptions, Metadata};

use crate::UsageError;
use crate::batch::{self, Done, Job, Settings};
use crate::cli::{EncryptArgs, KdfChoice};

/// One input and where its sealed file goes (`None` = standard output).
pub(crate) struct EncryptJob {
    pub input: PathBuf,
    pub target: Option<PathBuf>,
}

impl Job for EncryptJob {
    fn input(&self) -> &Path {
        &self.input
    }
}

pub fn run(args: EncryptArgs, control: &Control) -> Result<u8> {
    if args.age.wanted() {
        return crate::age::encrypt(args, control);
    }
    let out = &args.output;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    check_encrypt_targets(&args)?;
    let params = args.kdf_params.unwrap_or_else(|| {
        tgseal_core::KdfPreset::from(args.kdf.unwrap_or(KdfChoice::Default)).params()
    });
    crate::telegram::check_encrypt_args(&args)?;
    let pass = crate::telegram::encrypt_passphrase(
        out.passphrase_file.as_deref(),
        &args.telegram,
        reads_stdin,
        out.quiet,
    )?;
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let (jobs, notes) = plan(&args, sealed_name)?;
    if !out.quiet {
        for note in notes {
            eprintln!("tgseal: {note}");
        }
    }
    // One Argon2id run for the whole call (FORMAT.md §8), unless --kdf-per-file.
    let keys = BatchKeys::new(pass, params, args.kdf_per_file)?;
    // -j N is the core budget: up to N inputs at once, the rest of the budget
    // to each input's payload (docs/BATCH.md).
    let cores = args.batch.cores();
    let job_count = cores;
    let mut options = EncryptOptions::default().with_threads(tgseal_core::batch::threads_per_job(
        cores,
        job_count,
        jobs.len(),
    ));
    if let Some(chunk_size) = args.chunk_log2.and_then(tgseal_core::ChunkSize::from_log2) {
        options = options.with_chunk_size(chunk_size);
    }
    let settings = Settings::of_call("encrypt", "sealed", &args.batch, out.quiet);
    Ok(batch::run(&jobs, &settings, control, |job, ctl| {
        encrypt_one(job, &args, &keys, &options, ctl)
    }))
}

/// The inputs as jobs: `--each` expands folders into their files, mirrored
/// under -O DIR (or sealed beside each file). `name_of` names an output after
/// its input (`sealed_name`, or `age_name` for age output).
pub(crate) fn plan(
    args: &EncryptArgs,
    name_of: fn(&OsStr) -> OsString,
) -> Result<(Vec<EncryptJob>, Vec<String>)> {
    let out = &args.output;
    let mut jobs = Vec::new();
    let mut notes = Vec::new();
    for input in &args.inputs {
        if input.as_os_str() == "-" {
            let target = out.output.clone().filter(|p| p.as_os_str() != "-");
            jobs.push(EncryptJob {
                input: input.clone(),
                target,
            });
            continue;
        }
        if args.each && input.is_dir() {
            let (files, skipped) = tgseal_core::batch::files_below(input)
                .with_context(|| format!("cannot list {}", input.display()))?;
            notes.extend(skipped);
            for rel in files {
                let sealed = renamed_rel(&rel, name_of);
                let target = match &out.output_dir {
                    Some(dir) => dir.join(&sealed),
                    None => input.join(&sealed),
                };
                jobs.push(EncryptJob {
                    input: input.join(&rel),
                    target: Some(target),
                });
            }
            continue;
        }
        let target = match (&out.output, &out.output_dir) {
            (Some(path), _) if path.as_os_str() == "-" => None,
            (Some(path), _) => Some(path.clone()),
            (None, Some(dir)) => Some(dir.join(name_of(&base_name(input)?))),
            (None, None) => Some(beside(input, name_of)?),
        };
        jobs.push(EncryptJob {
            input: input.clone(),
            target,
        });
    }
    Ok((jobs, notes))
}

fn renamed_rel(rel: &Path, name_of: fn(&OsStr) -> OsString) -> PathBuf {
    match rel.file_name() {
        Some(name) => rel.with_file_name(name_of(name)),
        None => rel.to_path_buf(),
    }
}

/// The name an input is sealed under: its last component, or for `.`/`..`
/// the name of the folder it really is.
fn base_name(input: &Path) -> Result<OsString> {
    if let Some(name) = input.file_name() {
        return Ok(name.to_os_string());
    }
    std::fs::canonicalize(input)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_os_string()))
        .ok_or_else(|| anyhow::anyhow!("{} has no file name", input.display()))
}

/// `a/b.pdf` → `a/b.pdf.tgseal`; `notes/` → `notes.tgseal`; `.` → `../NAME.tgseal`.
fn beside(input: &Path, name_of: fn(&OsStr) -> OsString) -> Result<PathBuf> {
    let name = name_of(&base_name(input)?);
    if input.file_name().is_some() {
        Ok(input.with_file_name(name))
    } else {
        let real = std::fs::canonicalize(input)?;
        Ok(real.parent().unwrap_or(Path::new("/")).join(name))
    }
}

/// [`check_targets`] for `encrypt`, which also has `--each`.
pub(crate) fn check_encrypt_targets(args: &EncryptArgs) -> Result<()> {
    check_targets(&args.inputs, args.output.output.as_deref())?;
    if args.each && args.output.output.is_some() {
        return Err(UsageError("--each writes many files: use -O DIR, not -o".into()).into());
    }
    Ok(())
}

/// Refuses combinations that cannot work before any passphrase is asked.
pub fn check_targets(inputs: &[PathBuf], output: Option<&Path>) -> Result<()> {
    if output.is_some() && inputs.len() > 1 {
        return Err(UsageError(
            "-o/--output takes a single input; use -O/--output-dir for several".into(),
        )
        .into());
    }
    if inputs.iter().any(|p| p.as_os_str() == "-") && output.is_none() {
        return Err(UsageError(
            "reading standard input ('-') needs -o PATH (or -o - for standard output)".into(),
        )
        .into());
    }
    Ok(())
}

fn encrypt_one(
    job: &EncryptJob,
    args: &EncryptArgs,
    keys: &BatchKeys,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Done> {
    let force = args.output.force;
    let master = keys.master()?;
    let input = job.input.as_path();
    if args.telegram.is_active() {
        return crate::telegram::encrypt_one(
            input,
            job.target.as_deref(),
            args,
            &master,
            options,
            control,
        );
    }
    let done = |output: Option<PathBuf>, summary: tgseal_core::Summary, notes| Done {
        output,
        bytes_in: summary.bytes_in,
        bytes_out: summary.bytes_out,
        notes,
    };
    if input.as_os_str() == "-" {
        let metadata = Metadata::file("", None, None);
        let mut stdin = std::io::stdin().lock();
        return match &job.target {
            None => {
                let mut stdout = std::io::stdout().lock();
                let summary = tgseal_core::encrypt(
                    &master,
                    &metadata,
                    &mut stdin,
                    &mut stdout,
                    options,
                    control,
                )?;
                stdout.flush()?;
                Ok(done(None, summary, Vec::new()))
            }
            Some(target) => {
                let mut file = tgseal_core::files::AtomicFile::create(target, force)?;
                let summary = {
                    let mut writer = std::io::BufWriter::new(file.file());
                    let summary = tgseal_core::encrypt(
                        &master,
                        &metadata,
                        &mut stdin,
                        &mut writer,
                        options,
                        control,
                    )?;
                    writer.flush()?;
                    summary
                };
                let path = file.commit()?;
                Ok(done(Some(path), summary, Vec::new()))
            }
        };
    }
    match &job.target {
        None => {
            let mut stdout = std::io::stdout().lock();
            let (summary, notes) = if input.is_dir() {
                tgseal_core::archive::encrypt_folder_to(
                    input,
                    &master,
                    &mut stdout,
                    options,
                    control,
                )?
            } else {
                let mut file = std::fs::File::open(input)?;
                let metadata = tgseal_core::files::metadata_for_file(input, &file)?;
                let summary = tgseal_core::encrypt(
                    &master,
                    &metadata,
                    &mut file,
                    &mut stdout,
                    options,
                    control,
                )?;
                (summary, Vec::new())
            };
            stdout.flush()?;
            Ok(done(None, summary, notes))
        }
        Some(target) => {
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            let outcome = encrypt_path(input, target, force, &master, options, control)?;
            Ok(done(Some(outcome.output), outcome.summary, outcome.notes))
        }
    }
}
