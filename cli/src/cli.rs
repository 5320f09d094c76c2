//! The command-line definition: one place, also the source of `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  everything succeeded
  1  an error (file not found, not a tgseal file, unsupported version, KDF over the limit, disk full, ...)
  2  usage error (bad flags or arguments)
  3  authentication failed: wrong passphrase, or the sealed file is tampered, corrupted or truncated
130  interrupted (Ctrl-C); no output is left behind

Passphrase sources, first found wins: --passphrase-file FILE (first line; '-' = stdin),
the TGSEAL_PASSPHRASE environment variable, else a prompt on the terminal.
The passphrase is never accepted as a command-line argument.";

/// Encrypt files with a passphrase before they go to a Telegram cloud chat.
#[derive(Debug, Parser)]
#[command(name = "tgseal", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encrypt files into sealed files (NAME.tgseal)
    #[command(after_help = EXIT_CODES)]
    Encrypt(EncryptArgs),
    /// Decrypt sealed files, restoring the original names stored inside
    #[command(after_help = EXIT_CODES)]
    Decrypt(DecryptArgs),
    /// Show a sealed file's format version, KDF parameters and chunk size (no passphrase needed)
    Inspect(InspectArgs),
    /// Create an age identity (X25519 private key) and print its public key
    Keygen(KeygenArgs),
}

/// Options every command that writes files shares.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write to PATH ('-' = standard output); only with a single input
    #[arg(
        short = 'o',
        long = "output",
        value_name = "PATH",
        conflicts_with = "output_dir"
    )]
    pub output: Option<PathBuf>,
    /// Write results into DIR (created if missing) instead of beside each input
    #[arg(short = 'O', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Overwrite existing output files
    #[arg(short, long)]
    pub force: bool,
    /// Read the passphrase from the first line of FILE ('-' = standard input)
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// Files to encrypt ('-' = standard input, then -o is required)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Key-derivation strength: interactive (64 MiB), default (256 MiB), paranoid (1 GiB)
    #[arg(long, value_enum, default_value_t = KdfChoice::Default, conflicts_with = "kdf_params")]
    pub kdf: KdfChoice,
    /// Exact Argon2id parameters MEMORY_KIB,PASSES,LANES (for tests and benchmarks; weaker than the presets)
    #[arg(long, value_name = "M,T,P", value_parser = parse_kdf_params, hide_short_help = true)]
    pub kdf_params: Option<tgseal_core::KdfParams>,
    /// Write ASCII armor (text) instead of binary; with -r/-R/--age, age's armor format
    // One --armor for both formats: when merging the native armor (split/armor issue), keep one `armor` field.
    #[arg(long)]
    pub armor: bool,
    #[command(flatten)]
    pub age: AgeEncryptArgs,
}

/// Writing standard age files instead of sealed files (docs/AGE.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "age output (interoperable with age and rage)")]
pub struct AgeEncryptArgs {
    /// Encrypt to this age recipient (age1…, ssh-ed25519 …, ssh-rsa …); repeatable
    #[arg(short = 'r', long = "recipient", value_name = "RECIPIENT")]
    pub recipients: Vec<String>,
    /// Encrypt to the recipients listed in FILE (one per line, # comments); repeatable
    #[arg(short = 'R', long = "recipients-file", value_name = "FILE")]
    pub recipients_files: Vec<PathBuf>,
    /// Write an age file encrypted with the passphrase (age scrypt), for people who only have age
    #[arg(long, conflicts_with_all = ["recipients", "recipients_files"])]
    pub age: bool,
}

impl AgeEncryptArgs {
    /// Whether the output is an age file rather than a sealed file.
    pub fn wanted(&self) -> bool {
        self.age || !self.recipients.is_empty() || !self.recipients_files.is_empty()
    }
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// Sealed files to decrypt ('-' = standard input, then -o is required)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Accept any key-derivation cost the file asks for (only for files you trust)
    #[arg(long)]
    pub no_kdf_limit: bool,
    #[command(flatten)]
    pub age: AgeDecryptArgs,
}

/// Opening age files (recognised automatically; docs/AGE.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "age input")]
pub struct AgeDecryptArgs {
    /// Decrypt age files with the identities in FILE (age keys, SSH private keys, encrypted identity files); repeatable
    #[arg(short = 'i', long = "identity", value_name = "FILE")]
    pub identities: Vec<PathBuf>,
    /// Treat standard input as an age file (files are recognised without it)
    #[arg(long)]
    pub age: bool,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Write the identity to FILE (created owner-only) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing FILE
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The sealed file ('-' = standard input)
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KdfChoice {
    Interactive,
    Default,
    Paranoid,
}

impl From<KdfChoice> for tgseal_core::KdfPreset {
    fn from(choice: KdfChoice) -> Self {
        match choice {
            KdfChoice::Interactive => tgseal_core::KdfPreset::Interactive,
            KdfChoice::Default => tgseal_core::KdfPreset::Default,
            KdfChoice::Paranoid => tgseal_core::KdfPreset::Paranoid,
        }
    }
}

fn parse_kdf_params(text: &str) -> Result<tgseal_core::KdfParams, String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [m, t, p] = parts.as_slice() else {
        return Err("expected MEMORY_KIB,PASSES,LANES, e.g. 65536,3,4".into());
    };
    let num = |s: &str| s.trim().parse::<u32>().map_err(|e| format!("{s:?}: {e}"));
    let params = tgseal_core::KdfParams {
        memory_kib: num(m)?,
        passes: num(t)?,
        lanes: num(p)?,
    };
    params.validate().map_err(|e| e.to_string())?;
    Ok(params)
}
