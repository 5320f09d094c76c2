//! `tgseal decrypt`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use tgseal_core::files::{DecryptTarget, decrypt_file};
use tgseal_core::{Control, Decryptor, KdfCap, Keyring};

use crate::cli::DecryptArgs;
use crate::encrypt::check_targets;
use crate::passphrase::{self, Purpose};
use crate::{batch_exit_code, exit_code, message, progress};

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
    let keyring = Keyring::new(pass, cap);
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut failures = Vec::new();
    for input in &args.inputs {
        if let Err(err) = decrypt_one(input, &args, &keyring, control) {
            let err = err.context(input.display().to_string());
            eprintln!("tgseal: {}", message(&err));
            failures.push(exit_code(&err));
        }
    }
    Ok(batch_exit_code(&failures))
}

pub(crate) fn decrypt_one(
    input: &Path,
    args: &DecryptArgs,
    keyring: &Keyring,
    control: &Control,
) -> Result<()> {
    let out = &args.output;
    let bar = progress::bar(&input.display().to_string(), out.quiet);
    let job = progress::control_with(control, bar.as_ref());
    if out.output.as_deref() == Some(Path::new("-")) {
        // Standard output cannot be atomic: each chunk is written only after it
        // verified, and a failure still ends with an error and exit code 3.
        let reader: Box<dyn std::io::Read> = if input.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(std::fs::File::open(input)?))
        };
        let decryptor = Decryptor::new(reader, keyring)?;
        let mut stdout = std::io::stdout().lock();
        decryptor.decrypt_to(&mut stdout, &job)?;
        stdout.flush()?;
        return Ok(());
    }
    if input.as_os_str() == "-" {
        let target = out.output.clone().unwrap_or_default();
        let decryptor = Decryptor::new(std::io::stdin().lock(), keyring)?;
        let mut file = tgseal_core::files::AtomicFile::create(&target, out.force)?;
        decryptor.decrypt_to(&mut std::io::BufWriter::new(file.file()), &job)?;
        file.commit()?;
        return Ok(());
    }
    let target = match (&out.output, &out.output_dir) {
        (Some(path), _) => DecryptTarget::Path(path.clone()),
        (None, Some(dir)) => DecryptTarget::Folder(dir.clone()),
        (None, None) => DecryptTarget::Folder(
            input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        ),
    };
    let (path, _) = decrypt_file(input, &target, out.force, keyring, &job)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !out.quiet {
        eprintln!("opened {} -> {}", input.display(), path.display());
    }
    Ok(())
}
