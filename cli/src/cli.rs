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
    /// Encrypt a short text message into armored text for a chat message
    #[command(
        long_about = SEAL_TEXT_ABOUT,
        after_help = EXIT_CODES
    )]
    SealText(SealTextArgs),
    /// Open armored text pasted from a chat (one block, or all pieces in any order)
    #[command(after_help = EXIT_CODES)]
    OpenText(OpenTextArgs),
    /// Print a random passphrase of words from the EFF large wordlist
    Passphrase(PassphraseArgs),
    /// Print a shell completion script (e.g. tgseal completions bash > /etc/bash_completion.d/tgseal)
    Completions(CompletionsArgs),
    /// Print the manual page in roff format (e.g. tgseal man | man -l -)
    Man(ManArgs),
    /// Create an age identity (X25519 private key) and print its public key
    Keygen(KeygenArgs),
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

const SEAL_TEXT_ABOUT: &str = "\
Encrypt a short text message into armored text that fits a Telegram message.

Reads the message from standard input (type it, then Ctrl-D; or pipe it in) and
prints armored text to paste into the chat. A message of up to 2790 bytes
(UTF-8; 2790 ASCII characters) fits one Telegram message of 4096 characters.
A longer one (up to 64 KiB) is printed as numbered pieces, each a complete
block of at most 4096 characters with a 'Piece: N/M' line; paste every piece,
in any order, into 'tgseal open-text'.";

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
    /// Key-derivation strength: interactive (64 MiB), default (256 MiB), paranoid (1 GiB) [default: default]
    #[arg(long, value_enum, conflicts_with = "kdf_params")]
    pub kdf: Option<KdfChoice>,
    /// Exact Argon2id parameters MEMORY_KIB,PASSES,LANES (for tests and benchmarks; weaker than the presets)
    #[arg(long, value_name = "M,T,P", value_parser = parse_kdf_params, hide_short_help = true)]
    pub kdf_params: Option<tgseal_core::KdfParams>,
    /// Payload chunk size as a power of two, 16 (64 KiB) to 20 (1 MiB) (for benchmarks)
    #[arg(long, value_name = "LOG2", value_parser = clap::value_parser!(u8).range(16..=20), hide_short_help = true)]
    pub chunk_log2: Option<u8>,
    #[command(flatten)]
    pub telegram: TelegramArgs,
    #[command(flatten)]
    pub age: AgeEncryptArgs,
    /// After every input is sealed, hand the sealed files (every part) to Telegram Desktop, whose
    /// share dialog opens to pick the chat; nothing is handed over after a failure
    /// (Telegram Desktop is found on PATH, in its install folders, as a Flatpak, or at $TGSEAL_TELEGRAM)
    #[arg(long)]
    pub send: bool,
}

/// Options made for sharing through Telegram (docs/TELEGRAM.md).
#[derive(Debug, Args)]
pub struct TelegramArgs {
    /// Split into parts NAME.tgseal.001, .002, ... of at most SIZE bytes each:
    /// telegram (2000 MiB), telegram-premium (4000 MiB), bot (50 MB), or a size
    /// like 500M, 1.5G, 700K (K/M/G = KiB/MiB/GiB; KB/MB/GB = 1000-based) or plain bytes
    #[arg(long, value_name = "SIZE", value_parser = tgseal_core::split::parse_part_size)]
    pub split: Option<u64>,
    /// Give the sealed file a random neutral name (e.g. k3v9x2qa.tgseal); the real name stays inside
    #[arg(long, conflicts_with = "output")]
    pub hide_name: bool,
    /// Pad the content (Padmé, at most 12 %) so the sealed file's size does not reveal the exact size
    #[arg(long)]
    pub pad: bool,
    /// Write armored text (NAME.tgseal.txt) instead of binary, to paste into a chat
    #[arg(long, conflicts_with = "split")]
    pub armor: bool,
    /// Seal with a fresh random passphrase, shown once on the terminal (stderr)
    #[arg(long, conflicts_with = "passphrase_file")]
    pub generate_passphrase: bool,
    /// Accept a passphrase the strength estimator finds weak without asking
    #[arg(long)]
    pub allow_weak: bool,
}

#[derive(Debug, Args)]
pub struct SealTextArgs {
    /// Read the passphrase from the first line of FILE (not '-': standard input carries the message)
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Seal with a fresh random passphrase, shown once on the terminal (stderr)
    #[arg(long, conflicts_with = "passphrase_file")]
    pub generate_passphrase: bool,
    /// Accept a passphrase the strength estimator finds weak without asking
    #[arg(long)]
    pub allow_weak: bool,
    /// Key-derivation strength: interactive (64 MiB), default (256 MiB), paranoid (1 GiB)
    #[arg(long, value_enum, default_value_t = KdfChoice::Default, conflicts_with = "kdf_params")]
    pub kdf: KdfChoice,
    /// Exact Argon2id parameters MEMORY_KIB,PASSES,LANES (for tests; weaker than the presets)
    #[arg(long, value_name = "M,T,P", value_parser = parse_kdf_params, hide_short_help = true)]
    pub kdf_params: Option<tgseal_core::KdfParams>,
    /// Print nothing but the armored text and errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct OpenTextArgs {
    /// Read the passphrase from the first line of FILE (not '-': standard input carries the text)
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Accept any key-derivation cost the text asks for (only for messages you trust)
    #[arg(long)]
    pub no_kdf_limit: bool,
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Number of words (4 to 32); each adds about 12.9 bits
    #[arg(long, short = 'w', default_value_t = 6, value_parser = clap::value_parser!(u8).range(4..=32))]
    pub words: u8,
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
