//! The command-line definition: one place, also the source of `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes (with several inputs, for the whole batch):
  0  everything succeeded
  1  an error (file not found, not a tgseal file, unsupported version, KDF over the limit, disk full,
     unsafe folder archive, ...); in a batch: at least one input failed for such a reason
  2  usage error (bad flags or arguments)
  3  authentication failed: wrong passphrase, or the sealed file is tampered, corrupted or truncated;
     in a batch: some inputs failed authentication and nothing else went wrong
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
    /// Encrypt files and folders into sealed files (NAME.tgseal)
    #[command(after_help = EXIT_CODES)]
    Encrypt(EncryptArgs),
    /// Decrypt sealed files, restoring the original names stored inside
    #[command(after_help = EXIT_CODES)]
    Decrypt(DecryptArgs),
    /// Show a sealed file's format version, KDF parameters and chunk size (no passphrase needed)
    Inspect(InspectArgs),
    /// Print a shell completion script (e.g. tgseal completions bash > /etc/bash_completion.d/tgseal)
    Completions(CompletionsArgs),
    /// Print the manual page in roff format (e.g. tgseal man | man -l -)
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one command (tgseal-encrypt, ...) instead of the main page
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Options for many inputs in one call.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Use up to N cores [default: all]: up to N inputs at once, and each input's
    /// payload gets the cores left to it (one big file: all N; -j 1: a single thread)
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Stop starting new inputs after the first failure
    #[arg(long)]
    pub fail_fast: bool,
    /// Print one JSON object per input on standard output (JSON Lines; see docs/BATCH.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// Files and folders to encrypt; a folder becomes one sealed file ('-' = standard input, then -o is required)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Seal every file below each folder separately, mirroring the tree under -O DIR (or beside each file)
    #[arg(long)]
    pub each: bool,
    /// Run the key derivation for every file (own salt each) instead of once per call; slower, but
    /// files sealed together cannot be linked by their shared salt
    #[arg(long)]
    pub kdf_per_file: bool,
    /// Key-derivation strength: interactive (64 MiB), default (256 MiB), paranoid (1 GiB)
    #[arg(long, value_enum, default_value_t = KdfChoice::Default, conflicts_with = "kdf_params")]
    pub kdf: KdfChoice,
    /// Exact Argon2id parameters MEMORY_KIB,PASSES,LANES (for tests and benchmarks; weaker than the presets)
    #[arg(long, value_name = "M,T,P", value_parser = parse_kdf_params, hide_short_help = true)]
    pub kdf_params: Option<tgseal_core::KdfParams>,
    /// Payload chunk size as a power of two, 16 (64 KiB) to 20 (1 MiB) (for benchmarks)
    #[arg(long, value_name = "LOG2", value_parser = clap::value_parser!(u8).range(16..=20), hide_short_help = true)]
    pub chunk_log2: Option<u8>,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// Sealed files to decrypt; sealed folders are restored as folders ('-' = standard input, then -o is required)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Accept any key-derivation cost the file asks for (only for files you trust)
    #[arg(long)]
    pub no_kdf_limit: bool,
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
