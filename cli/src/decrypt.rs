//! `tgseal decrypt`: each input recognised by the workflow layer (sealed
//! file, parts, armored text, age file or age parts) and opened with what
//! the call gave: the passphrase, asked once and only if an input needs it,
//! and the identities of `-i`.

use std::io::BufReader;

use anyhow::Result;
use tgseal_age::Identities;
use tgseal_core::{Control, DecryptOptions, KdfCap, Keyring};
use tgseal_workflow::batch::threads_per_job;
use tgseal_workflow::{Claims, DecryptTarget, Input, Outcome, StreamTarget, Unlock, open_stream};

use crate::age::load_identities;
use crate::batch::{self, Settings};
use crate::cli::DecryptArgs;
use crate::passphrase::{self, Purpose};
use crate::plan::{self, Output, Plan, PlannedJob};

pub fn run(args: DecryptArgs, control: &Control) -> Result<u8> {
    let plan = plan::decrypt(&args)?;
    let out = &args.output;
    let identities = load_identities(&args, plan.reads_stdin())?;
    let keyring = if needs_passphrase(&plan, &identities) {
        let pass = passphrase::obtain(
            out.passphrase_file.as_deref(),
            Purpose::Decrypt,
            plan.reads_stdin(),
        )?;
        // One keyring for the whole batch: files sealed in one call share a
        // salt, so Argon2id runs once for all of them (FORMAT.md §8).
        Some(Keyring::new(pass, KdfCap::lifted_if(args.no_kdf_limit)))
    } else {
        None
    };
    plan.make_output_dir()?;
    // -j N is the core budget, shared as when encrypting (docs/BATCH.md).
    let cores = args.batch.cores();
    let options =
        DecryptOptions::default().with_threads(threads_per_job(cores, cores, plan.jobs.len()));
    let unlock = Unlock {
        keyring: keyring.as_ref(),
        identities: &identities,
    };
    let call = Call {
        output: &plan.output,
        overwrite: out.force,
        claims: Claims::reading(plan.jobs.iter().filter_map(|job| match &job.input {
            plan::Input::Path(path) => Some(path.clone()),
            plan::Input::Stdin => None,
        })),
        age: args.age.age || !identities.is_empty(),
        unlock,
        options,
    };
    let settings = Settings::of_call("decrypt", "opened", &args.batch, out.quiet);
    Ok(batch::run(&plan.jobs, &settings, control, |job, ctl| {
        call.decrypt_one(job, ctl)
    }))
}

/// Whether any input needs the passphrase: sealed files always, age files
/// when their header says so, standard input unless identities were given.
/// An input that cannot be recognised fails in its job with its own reason.
fn needs_passphrase(plan: &Plan, identities: &Identities) -> bool {
    plan.jobs.iter().any(|job| match &job.input {
        plan::Input::Stdin => identities.is_empty(),
        plan::Input::Path(path) => {
            Input::to_open(path).is_ok_and(|input| input.needs_passphrase(identities))
        }
    })
}

/// What every job of one `decrypt` call shares.
struct Call<'a> {
    output: &'a Output,
    overwrite: bool,
    /// What the call reads and writes: no output replaces an input, no two
    /// inputs restore to one path.
    claims: Claims,
    /// Standard input is an age file (`--age` or `-i` given).
    age: bool,
    unlock: Unlock<'a>,
    options: DecryptOptions,
}

impl Call<'_> {
    fn decrypt_one(&self, job: &PlannedJob, control: &Control) -> Result<Outcome> {
        let path = match &job.input {
            plan::Input::Stdin => return self.decrypt_stdin(control),
            plan::Input::Path(path) => path,
        };
        let input = Input::to_open(path)?;
        let target = match self.output {
            Output::Stdout => {
                let mut stdout = std::io::stdout().lock();
                let summary =
                    input.open_to_writer(&mut stdout, &self.unlock, &self.options, control)?;
                return Ok(Outcome::stream(summary));
            }
            Output::Path(path) => DecryptTarget::Path(path.clone()),
            Output::Dir(dir) => DecryptTarget::Folder(dir.clone()),
            Output::Beside => DecryptTarget::Folder(input.default_folder()),
        };
        Ok(input.open(
            &target,
            self.overwrite,
            &self.claims,
            &self.unlock,
            &self.options,
            control,
        )?)
    }

    /// Standard input: a binary sealed file, one armored block or an age
    /// file, to the file of `-o PATH` or to standard output.
    fn decrypt_stdin(&self, control: &Control) -> Result<Outcome> {
        let stdin = Box::new(BufReader::with_capacity(1 << 20, std::io::stdin()));
        let mut stdout;
        let target = match self.output {
            Output::Path(path) => StreamTarget::Path(path),
            // The validator requires -o with standard input: -o - or -o PATH.
            _ => {
                stdout = std::io::stdout().lock();
                StreamTarget::Writer(&mut stdout)
            }
        };
        Ok(open_stream(
            stdin,
            target,
            self.overwrite,
            self.age,
            &self.unlock,
            &self.options,
            control,
        )?)
    }
}
