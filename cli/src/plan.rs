//! The call, resolved once: what clap parsed becomes a plan of jobs, each an
//! input and where its output goes, checked by one validator before any
//! passphrase is asked. The commands then only carry the plan out.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tgseal_workflow::batch::files_below;
use tgseal_workflow::dedupe_parts;

use crate::UsageError;
use crate::batch::Job;
use crate::cli::{DecryptArgs, EncryptArgs, OutputArgs};

/// Where an input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input.
    Stdin,
    /// A file or folder.
    Path(PathBuf),
}

impl Input {
    fn of(arg: &Path) -> Self {
        if arg.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::Path(arg.to_path_buf())
        }
    }
}

/// Where an output goes, as the user asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// `-o -`: standard output.
    Stdout,
    /// `-o PATH`: exactly there.
    Path(PathBuf),
    /// `-O DIR`: into that folder, named by tgseal.
    Dir(PathBuf),
    /// Neither: beside the input, named by tgseal.
    Beside,
}

impl Output {
    fn of(args: &OutputArgs) -> Self {
        match (&args.output, &args.output_dir) {
            (Some(path), _) if path.as_os_str() == "-" => Output::Stdout,
            (Some(path), _) => Output::Path(path.clone()),
            (None, Some(dir)) => Output::Dir(dir.clone()),
            (None, None) => Output::Beside,
        }
    }
}

/// Where one job's output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// Exactly this path (`-o PATH`).
    Path(PathBuf),
    /// Into `dir` under `name` (`report.pdf.tgseal`), shaped by the options
    /// (hidden name, armor, parts) in the workflow layer.
    Named { dir: PathBuf, name: String },
}

/// One input of a call and where it goes.
pub struct PlannedJob {
    pub input: Input,
    pub target: Target,
    /// The input as the user named it, for reports.
    label: PathBuf,
}

impl Job for PlannedJob {
    fn input(&self) -> &Path {
        &self.label
    }
}

/// What every call shares: its inputs and where outputs go.
pub struct Plan {
    pub jobs: Vec<PlannedJob>,
    pub output: Output,
    /// Things to tell the user before starting (entries `--each` skips).
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether standard input carries data (then it cannot carry the passphrase).
    pub fn reads_stdin(&self) -> bool {
        self.jobs.iter().any(|job| job.input == Input::Stdin)
    }

    /// Creates -O DIR when it does not exist yet.
    pub fn make_output_dir(&self) -> Result<()> {
        if let Output::Dir(dir) = &self.output {
            ensure_dir(dir)?;
        }
        Ok(())
    }
}

/// Creates `dir` and its parents (an `--each` tree's folders, -O DIR).
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// The plan of `tgseal encrypt`. `name_of` names an output after its input
/// (`report.pdf` → `report.pdf.tgseal`, or `.age`).
pub fn encrypt(args: &EncryptArgs, name_of: impl Fn(&std::ffi::OsStr) -> OsString) -> Result<Plan> {
    validate_encrypt(args)?;
    let output = Output::of(&args.output);
    let mut jobs = Vec::new();
    let mut notes = Vec::new();
    for arg in &args.inputs {
        let input = Input::of(arg);
        if let Input::Path(path) = &input
            && args.each
            && path.is_dir()
        {
            let (files, skipped) =
                files_below(path).with_context(|| format!("cannot list {}", path.display()))?;
            notes.extend(skipped);
            for rel in files {
                let file = path.join(&rel);
                let root = match &output {
                    Output::Dir(dir) => dir.clone(),
                    _ => path.clone(),
                };
                // The tree is mirrored: `a/b.pdf` → `ROOT/a/b.pdf.tgseal`.
                let dir = root.join(rel.parent().unwrap_or(Path::new("")));
                let name = name_of(rel.file_name().unwrap_or_default());
                jobs.push(PlannedJob {
                    label: file.clone(),
                    input: Input::Path(file),
                    target: named(dir, name),
                });
            }
            continue;
        }
        let target = match (&input, &output) {
            (_, Output::Stdout) => Target::Stdout,
            (_, Output::Path(path)) => Target::Path(path.clone()),
            (Input::Path(path), Output::Dir(dir)) => named(dir.clone(), name_of(&base_name(path)?)),
            (Input::Path(path), Output::Beside) => {
                let (dir, name) = beside(path)?;
                named(dir, name_of(&name))
            }
            (Input::Stdin, _) => unreachable_stdin()?,
        };
        jobs.push(PlannedJob {
            label: arg.clone(),
            input,
            target,
        });
    }
    Ok(Plan {
        jobs,
        output,
        notes,
    })
}

/// The plan of `tgseal decrypt`: several parts of one split file given
/// together are opened once. Targets are resolved per input once it is
/// recognised (a sealed file names its own output), so every job targets
/// the call's [`Output`].
pub fn decrypt(args: &DecryptArgs) -> Result<Plan> {
    validate_targets(&args.inputs, &args.output)?;
    let jobs = dedupe_parts(&args.inputs)
        .into_iter()
        .map(|arg| PlannedJob {
            input: Input::of(&arg),
            target: Target::Stdout,
            label: arg,
        })
        .collect();
    Ok(Plan {
        jobs,
        output: Output::of(&args.output),
        notes: Vec::new(),
    })
}

fn named(dir: PathBuf, name: OsString) -> Target {
    Target::Named {
        dir,
        name: name.to_string_lossy().into_owned(),
    }
}

/// Standard input without -o is refused by the validator.
fn unreachable_stdin() -> Result<Target> {
    Err(UsageError(
        "reading standard input ('-') needs -o PATH (or -o - for standard output)".into(),
    )
    .into())
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

/// The folder an output goes to beside `input`, and the input's name:
/// `a/b.pdf` → (`a`, `b.pdf`); `notes/` → (`.`, `notes`); `.` → (`..`, `NAME`).
fn beside(input: &Path) -> Result<(PathBuf, OsString)> {
    let name = base_name(input)?;
    if input.file_name().is_some() {
        // Empty for a bare name, so outputs are named as the inputs were.
        Ok((input.parent().unwrap_or(Path::new("")).to_path_buf(), name))
    } else {
        let real = std::fs::canonicalize(input)?;
        Ok((real.parent().unwrap_or(Path::new("/")).to_path_buf(), name))
    }
}

/// The one validator of `encrypt`: every combination that cannot work is
/// refused here, before any passphrase is asked.
fn validate_encrypt(args: &EncryptArgs) -> Result<()> {
    validate_targets(&args.inputs, &args.output)?;
    let usage = |text: &str| -> Result<()> { Err(UsageError(text.into()).into()) };
    if args.each && args.output.output.is_some() {
        return usage("--each writes many files: use -O DIR, not -o");
    }
    let tg = &args.telegram;
    let reads_stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    if tg.pad && reads_stdin {
        return usage(
            "--pad needs the content length before sealing starts, and standard input's is unknown; \
             save the data to a file first",
        );
    }
    if tg.split.is_some() && Output::of(&args.output) == Output::Stdout {
        return usage("--split writes part files; it cannot write to standard output");
    }
    if args.age.wanted() {
        validate_age_output(args)?;
    }
    Ok(())
}

/// Refuses the options of tgseal's own format that an age file cannot carry
/// out (docs/AGE.md): an option is never silently dropped. Folders too: an
/// age file holds one stream.
fn validate_age_output(args: &EncryptArgs) -> Result<()> {
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
    if let Some((_, flag, why)) = refused.into_iter().find(|(given, ..)| *given) {
        return Err(UsageError(format!("{flag} does not apply to age output: {why}")).into());
    }
    if !args.each
        && let Some(folder) = args.inputs.iter().find(|p| p.is_dir())
    {
        return Err(UsageError(format!(
            "{} is a folder: age output encrypts one file at a time; use --each to encrypt \
                 every file in it, or leave out -r/-R/--age to seal the folder as one sealed file",
            folder.display()
        ))
        .into());
    }
    Ok(())
}

/// What `encrypt` and `decrypt` both refuse: -o with several inputs, and
/// standard input without -o.
fn validate_targets(inputs: &[PathBuf], output: &OutputArgs) -> Result<()> {
    if output.output.is_some() && inputs.len() > 1 {
        return Err(UsageError(
            "-o/--output takes a single input; use -O/--output-dir for several".into(),
        )
        .into());
    }
    if inputs.iter().any(|p| p.as_os_str() == "-") && output.output.is_none() {
        return unreachable_stdin().map(drop);
    }
    Ok(())
}
