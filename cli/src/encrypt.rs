//! `tgseal encrypt`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tgseal_core::files::{encrypt_file, sealed_name};
use tgseal_core::{Control, EncryptOptions, MasterKey, Metadata};

use crate::cli::EncryptArgs;
use crate::passphrase::{self, Purpose};
use crate::{UsageError, batch_exit_code, exit_code, message, progress};

pub fn run(args: EncryptArgs, control: &Control) -> Result<u8> {
    if args.age.wanted() {
        return crate::age::encrypt(args, control);
    }
    let out = &args.output;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    check_targets(&args.inputs, out.output.as_deref())?;
    let params = args
        .kdf_params
        .unwrap_or_else(|| tgseal_core::KdfPreset::from(args.kdf).params());
    let pass = passphrase::obtain(
        out.passphrase_file.as_deref(),
        Purpose::Encrypt,
        reads_stdin,
    )?;
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let options = EncryptOptions::default();
    let mut failures = Vec::new();
    for input in &args.inputs {
        // One Argon2id run per file: each file gets its own salt.
        let result = MasterKey::derive(&pass, params)
            .map_err(anyhow::Error::from)
            .and_then(|master| encrypt_one(input, &args, &master, &options, control));
        if let Err(err) = result {
            let err = err.context(input.display().to_string());
            eprintln!("tgseal: {}", message(&err));
            failures.push(exit_code(&err));
        }
    }
    Ok(batch_exit_code(&failures))
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
    input: &Path,
    args: &EncryptArgs,
    master: &MasterKey,
    options: &EncryptOptions,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    let label = input.display().to_string();
    let bar = progress::bar(&label, out.quiet);
    let job = progress::control_with(control, bar.as_ref());
    let to_stdout = out.output.as_deref() == Some(Path::new("-"));
    if input.as_os_str() == "-" {
        let metadata = Metadata::file("", None, None);
        let mut stdin = std::io::stdin().lock();
        if to_stdout {
            let mut stdout = std::io::stdout().lock();
            tgseal_core::encrypt(master, &metadata, &mut stdin, &mut stdout, options, &job)?;
            stdout.flush()?;
        } else {
            let target = out.output.clone().unwrap_or_default();
            let mut file = tgseal_core::files::AtomicFile::create(&target, out.force)?;
            tgseal_core::encrypt(
                master,
                &metadata,
                &mut stdin,
                &mut std::io::BufWriter::new(file.file()),
                options,
                &job,
            )?;
            file.commit()?;
        }
    } else if to_stdout {
        let mut file = std::fs::File::open(input)?;
        let metadata = tgseal_core::files::metadata_for_file(input, &file)?;
        let mut stdout = std::io::stdout().lock();
        tgseal_core::encrypt(master, &metadata, &mut file, &mut stdout, options, &job)?;
        stdout.flush()?;
    } else {
        let target = match (&out.output, &out.output_dir) {
            (Some(path), _) => path.clone(),
            (None, Some(dir)) => dir.join(sealed_name(file_name(input)?)),
            (None, None) => input.with_file_name(sealed_name(file_name(input)?)),
        };
        encrypt_file(input, &target, out.force, master, options, &job)?;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if !out.quiet {
            eprintln!("sealed {} -> {}", input.display(), target.display());
        }
    }
    Ok(())
}

fn file_name(path: &Path) -> Result<&std::ffi::OsStr> {
    path.file_name()
        .ok_or_else(|| anyhow::anyhow!("{} has no file name", path.display()))
}
